package index

import (
	"bytes"
	"slices"
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

// TestTree_OrderMatchesBytes checks that the tree's order, which compares
// inline key prefixes first, is exactly bytes.Compare order, including keys
// around the 16-byte prefix length and keys that are zero-padded prefixes of
// each other.
func TestTree_OrderMatchesBytes(t *testing.T) {
	var keys [][]byte
	for _, base := range []string{"", "a", "a\x00", "a\x00\x00", "ab", "abcdefghijklmno", "abcdefghijklmnop", "abcdefghijklmnop\x00", "abcdefghijklmnopq", "abcdefghijklmnoq"} {
		keys = append(keys, []byte(base))
		keys = append(keys, append([]byte(base), 0xFF))
		keys = append(keys, append([]byte(base), 0x00, 0x01))
	}
	tr := NewTree()
	for _, k := range keys {
		tr.Put(Entry{Key: k})
	}
	var got [][]byte
	tr.Ascend(nil, nil, func(e Entry) bool {
		got = append(got, e.Key)
		return true
	})
	want := slices.Clone(keys)
	slices.SortFunc(want, bytes.Compare)
	want = slices.CompactFunc(want, bytes.Equal)
	require.Equal(t, want, got)
	for _, k := range want {
		e, ok := tr.Get(k)
		require.True(t, ok, "key %q", k)
		require.Equal(t, k, e.Key)
	}
}
