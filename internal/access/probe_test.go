package access

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/reldb/reldb/index"
	"github.com/stretchr/testify/require"
)

// TestPrefixWords checks the merge scan's comparison on inline prefix
// words (index.InlinePrefix, PrefixMasks) against bytes.Compare of the entry key's
// first len(key) bytes, zero-padded, for keys short and long, equal and
// not, over bytes from a small alphabet so that ties are common.
func TestPrefixWords(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	sign := func(c int) int { return max(-1, min(1, c)) }
	for range 20000 {
		key := make([]byte, rng.IntN(17))
		for i := range key {
			key[i] = byte(rng.IntN(3)) * 0x7F
		}
		entry := make([]byte, rng.IntN(24))
		for i := range entry {
			entry[i] = byte(rng.IntN(3)) * 0x7F
		}
		if rng.IntN(2) == 0 && len(entry) >= len(key) {
			copy(entry, key) // a match, or a longer key with the prefix
		}
		var pad [24]byte
		copy(pad[:], entry)
		want := sign(bytes.Compare(pad[:len(key)], key))

		p0, p1 := index.InlinePrefix(entry) // what the tree holds inline
		m0, m1 := prefixMasks(len(key))
		k0, k1 := index.InlinePrefix(key)
		p0, p1 = p0&m0, p1&m1
		got := 0
		switch {
		case p0 < k0 || (p0 == k0 && p1 < k1):
			got = -1
		case p0 != k0 || p1 != k1:
			got = 1
		}
		require.Equal(t, want, got, "entry %x key %x", entry, key)
	}
}
