package engine

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestComparePrefix checks comparePrefix against bytes.Compare of the
// key's first len(k) bytes, for keys short and long, equal and not, over
// random bytes drawn from a small alphabet so that ties are common.
func TestComparePrefix(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	word := func(b []byte) (uint64, uint64) {
		var pad [16]byte
		copy(pad[:], b)
		return binary.BigEndian.Uint64(pad[:8]), binary.BigEndian.Uint64(pad[8:])
	}
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
		p0, p1 := word(entry)
		prefix := entry
		if len(prefix) > len(key) {
			prefix = prefix[:len(key)]
		}
		want := bytes.Compare(prefix, key)
		if len(entry) < len(key) && bytes.Equal(entry, key[:len(entry)]) {
			// A shorter entry is zero-padded: it sorts as its padding.
			var pad [16]byte
			copy(pad[:], entry)
			want = bytes.Compare(pad[:len(key)], key)
		}
		require.Equal(t, sign(want), comparePrefix(p0, p1, key), "entry %x key %x", entry, key)
	}
}
