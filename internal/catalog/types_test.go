package catalog

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/cockroachdb/apd/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCoerce_CanonicalForms ensures every accepted Go value becomes its
// type's one stored form, and a value of the wrong kind is ErrType.
func TestCoerce_CanonicalForms(t *testing.T) {
	ts := time.Date(2026, 12, 4, 10, 0, 0, 1500, time.FixedZone("x", 3600))
	tests := []struct {
		name    string
		col     Column
		in      any
		want    any
		wantErr error
	}{
		{"int from int", Column{Type: Int}, 7, int64(7), nil},
		{"int from int32", Column{Type: Int}, int32(-3), int64(-3), nil},
		{"int from string", Column{Type: Int}, "7", nil, ErrType},
		{"float from int", Column{Type: Float}, 2, float64(2), nil},
		{"text", Column{Type: Text}, "Le Guin", "Le Guin", nil},
		{"text with NUL", Column{Type: Text}, "a\x00b", nil, ErrType},
		{"bool", Column{Type: Bool}, true, true, nil},
		{"bytes copied", Column{Type: Bytes}, []byte("ab"), []byte("ab"), nil},
		{"time in UTC, rounded to microseconds as PostgreSQL does", Column{Type: Time}, ts, ts.UTC().Round(time.Microsecond), nil},
		{"nil stays nil", Column{Type: Int, NotNull: true}, nil, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Coerce(&tc.col, tc.in)
			require.ErrorIs(t, err, tc.wantErr)
			assert.Equal(t, tc.want, got)
		})
	}
}

// TestCoerce_DecimalScale ensures a numeric(p, s) column rounds half away
// from zero to s digits and refuses more than p-s integer digits.
func TestCoerce_DecimalScale(t *testing.T) {
	c := Column{Name: "price", Table: "books", Type: Decimal, Precision: 5, Scale: 2}
	got, err := Coerce(&c, "12.345")
	require.NoError(t, err)
	assert.Equal(t, "12.35", got.(*apd.Decimal).String())
	_, err = Coerce(&c, "1234.5")
	require.ErrorIs(t, err, ErrNumericOverflow)
	// A value at the column's scale already is kept as it is.
	got, err = Coerce(&c, apd.New(1234, -2))
	require.NoError(t, err)
	assert.Equal(t, "12.34", got.(*apd.Decimal).String())
	_, err = Coerce(&c, "1234.50")
	require.ErrorIs(t, err, ErrNumericOverflow)
	got, err = Coerce(&c, "-0.00")
	require.NoError(t, err)
	assert.False(t, got.(*apd.Decimal).Negative, "no negative zero")
	exact, err := CoerceExact(&c, "12.345")
	require.NoError(t, err)
	assert.Equal(t, "12.345", exact.(*apd.Decimal).String(), "CoerceExact ignores precision and scale")
}

// TestType_String ensures known types print their names and unknown ones
// their number.
func TestType_String(t *testing.T) {
	assert.Equal(t, "decimal", Decimal.String())
	assert.Equal(t, "Type(0)", Type(0).String())
	assert.False(t, Type(0).Valid())
	assert.True(t, Time.Valid())
}

// TestConstraintError_Unwrap ensures errors.Is sees the Kind and the
// message names the constraint, table and key.
func TestConstraintError_Unwrap(t *testing.T) {
	err := fmt.Errorf("insert: %w", &ConstraintError{Kind: ErrUnique, Constraint: "authors_name_key", Table: "authors",
		Key: RenderKey([]string{"name"}, []any{"Le Guin"}), SQLState: StateUnique})
	require.ErrorIs(t, err, ErrUnique)
	var ce *ConstraintError
	require.True(t, errors.As(err, &ce))
	assert.Contains(t, err.Error(), `"authors_name_key"`)
	assert.Contains(t, err.Error(), `"authors"`)
	assert.Contains(t, err.Error(), "(name)=(Le Guin)")
	assert.Contains(t, err.Error(), "23505")
}
