package pgsql

import (
	"testing"

	"github.com/cockroachdb/apd/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Ensure the bitwise operators give PostgreSQL 15's results and types:
// the wider type for & | #, the left operand's for shifts, counts taken
// modulo the width, smallint shifts truncated to 16 bits.
func TestBitwiseOp_Results(t *testing.T) {
	i2, i4, i8 := sqlType{kind: kInt2}, typInt4, typInt8
	tests := []struct {
		op       string
		l        int64
		lt       sqlType
		r        int64
		rt       sqlType
		want     int64
		wantType kind
	}{
		{"&", 5, i4, 3, i4, 1, kInt4},
		{"|", 5, i2, 3, i2, 7, kInt2},
		{"#", 5, i2, 3, i4, 6, kInt4},
		{"&", 5, i4, 3, i8, 1, kInt8},
		{"<<", 1, i4, 32, i4, 1, kInt4},
		{"<<", 1, i4, 31, i4, -2147483648, kInt4},
		{"<<", 1, i4, -1, i4, -2147483648, kInt4},
		{"<<", 1, i8, 64, i4, 1, kInt8},
		{"<<", 1, i8, 63, i4, -9223372036854775808, kInt8},
		{"<<", 1, i2, 16, i4, 0, kInt2},
		{"<<", 1, i2, 15, i4, -32768, kInt2},
		{">>", -1, i4, 40, i4, -1, kInt4},
		{">>", -16, i4, 2, i2, -4, kInt4},
	}
	for _, tc := range tests {
		v, typ, err := bitwiseOp(tc.op, tc.l, tc.lt, tc.r, tc.rt)
		require.NoError(t, err)
		assert.Equal(t, tc.want, v, "%d %s %d", tc.l, tc.op, tc.r)
		assert.Equal(t, tc.wantType, typ.kind, "%d %s %d", tc.l, tc.op, tc.r)
	}
	_, _, err := bitwiseOp("<<", int64(1), i4, int64(2), i8)
	assert.Equal(t, "42883", pgerr.Code(err))
	_, _, err = bitwiseOp("&", "5", typUnknown, "3", typUnknown)
	assert.Equal(t, "42725", pgerr.Code(err))
	_, _, err = bitwiseOp("&", apd.New(5, 0), typNumeric, int64(3), i4)
	assert.Equal(t, "42883", pgerr.Code(err))
	v, _, err := bitwiseNot(int64(5), i2)
	require.NoError(t, err)
	assert.Equal(t, int64(-6), v)
}

// Ensure ^ resolves as PostgreSQL does: double precision unless an
// operand is numeric and none floating.
func TestPowerOp_Types(t *testing.T) {
	tests := []struct {
		l        any
		lt       sqlType
		r        any
		rt       sqlType
		want     string
		wantType kind
	}{
		{int64(2), typInt4, int64(3), typInt4, "8", kFloat8},
		{int64(2), typInt4, apd.New(5, -1), typNumeric, "1.4142135623730950", kNumeric},
		{apd.New(20, -1), typNumeric, 0.5, typFloat8, "1.4142135623730951", kFloat8},
		{int64(2), typInt4, "3", typUnknown, "8", kFloat8},
	}
	for _, tc := range tests {
		v, typ, err := powerOp(tc.l, tc.lt, tc.r, tc.rt)
		require.NoError(t, err)
		assert.Equal(t, tc.wantType, typ.kind)
		got, _ := Column{typ: typ}.Format(v)
		assert.Equal(t, tc.want, got)
	}
	_, _, err := powerOp(10.0, typFloat8, -1000.0, typFloat8)
	assert.Equal(t, "22003", pgerr.Code(err))
}
