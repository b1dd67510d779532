package pgsql

import (
	"testing"

	"github.com/cockroachdb/apd/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Ensure the numeric math functions give PostgreSQL 15's digits and
// result scales (each want is the server's answer) and its errors.
func TestNumericMathFunc_Scales(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
		code string
	}{
		{"sqrt", []string{"2"}, "1.414213562373095", ""},
		{"sqrt", []string{"0.0001"}, "0.01000000000000000", ""},
		{"sqrt", []string{"12345678901234567890"}, "3513641828.8201443", ""},
		{"sqrt", []string{"2.00000000000000000000"}, "1.41421356237309504880", ""},
		{"sqrt", []string{"0"}, "0.000000000000000", ""},
		{"sqrt", []string{"99999999"}, "9999.9999499999999", ""},
		{"exp", []string{"1"}, "2.7182818284590452", ""},
		{"exp", []string{"-10"}, "0.00004539992976248485", ""},
		{"exp", []string{"100"}, "26881171418161354484126255515800135873611119", ""},
		{"ln", []string{"2"}, "0.6931471805599453", ""},
		{"ln", []string{"1.0001"}, "0.00009999500033330834", ""},
		{"ln", []string{"0.9"}, "-0.10536051565782630", ""},
		{"ln", []string{"1e100"}, "230.25850929940457", ""},
		{"log10", []string{"2"}, "0.3010299956639812", ""},
		{"log", []string{"1.0001", "2"}, "6931.818373413795", ""},
		{"log", []string{"1e100"}, "100.00000000000000", ""},
		{"power", []string{"2", "0.5"}, "1.4142135623730950", ""},
		{"power", []string{"2", "10"}, "1024.0000000000000000", ""},
		{"power", []string{"2", "3.50"}, "11.313708498984760", ""},
		{"power", []string{"0.01", "0.5"}, "0.10000000000000000", ""},
		{"power", []string{"2", "100.5"}, "1792728671193156477399422023278.7", ""},
		{"power", []string{"2.123456789012345678", "2"}, "4.509068734802621549", ""},
		{"power", []string{"0.1", "100"}, "0.0000000000000000", ""},
		{"ln", []string{"0"}, "", "2201E"},
		{"log", []string{"-1"}, "", "2201E"},
		{"sqrt", []string{"-1"}, "", "2201F"},
		{"power", []string{"0", "-1"}, "", "2201F"},
		{"power", []string{"-2", "0.5"}, "", "2201F"},
		{"exp", []string{"6000"}, "", "22003"},
		{"power", []string{"10", "1e10"}, "", "22003"},
		{"log", []string{"1", "10"}, "", "22012"},
	}
	for _, tc := range tests {
		vals := make([]any, len(tc.args))
		types := make([]sqlType, len(tc.args))
		for i, a := range tc.args {
			d, _, err := apd.NewFromString(a)
			require.NoError(t, err)
			vals[i], types[i] = d, typNumeric
		}
		v, ok, err := numericMathFunc(tc.name, vals, types)
		require.True(t, ok)
		if tc.code != "" {
			assert.Equal(t, tc.code, pgerr.Code(err), "%s%v", tc.name, tc.args)
			continue
		}
		require.NoError(t, err, "%s%v", tc.name, tc.args)
		got, _ := Column{typ: typNumeric}.Format(v)
		assert.Equal(t, tc.want, got, "%s%v", tc.name, tc.args)
	}
}
