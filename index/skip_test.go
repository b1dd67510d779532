package index

import (
	"testing"
	"time"

	"github.com/cockroachdb/apd/v3"
	"github.com/stretchr/testify/require"
)

// TestSkipValues_MatchesDecode checks that SkipValues agrees with DecodeValue
// on where each value ends, for every type.
func TestSkipValues_MatchesDecode(t *testing.T) {
	neg, _, _ := apd.NewFromString("-123.456")
	pos, _, _ := apd.NewFromString("98765432109876543210.5")
	vals := []any{nil, true, int64(-7), 2.5, "a\x00b", "", []byte{0, 0xFF, 0}, time.Unix(5, 6).UTC(), neg, pos, &apd.Decimal{}, &apd.Decimal{Form: apd.NaN}}
	key, err := AppendKey(nil, vals...)
	require.NoError(t, err)
	rest := key
	for i := range vals {
		_, next, err := DecodeValue(rest)
		require.NoError(t, err)
		want := len(key) - len(next)
		got, err := SkipValues(key, i+1)
		require.NoError(t, err)
		require.Equal(t, want, got, "end of value %d (%v)", i, vals[i])
		rest = next
	}
	_, err = SkipValues(key, len(vals)+1)
	require.ErrorIs(t, err, ErrBadKey)
}

// FuzzSkipValues checks that SkipValues never panics and agrees with
// DecodeKey on keys that decode.
func FuzzSkipValues(f *testing.F) {
	k, _ := AppendKey(nil, "x", int64(1), nil)
	f.Add(k)
	f.Add([]byte{tagDecimal, decNeg, 0, 0, 0, 0, 0, 0, 0, 0, 0xFE, 0xFF})
	f.Fuzz(func(t *testing.T, b []byte) {
		vals, err := DecodeKey(b)
		if err != nil {
			SkipValues(b, 3) // must not panic
			return
		}
		n, err := SkipValues(b, len(vals))
		require.NoError(t, err)
		require.Equal(t, len(b), n)
	})
}
