package access

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/reldb/reldb/index"
	"github.com/reldb/reldb/txn"
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

// TestProbe_IntKeysOfEveryLength runs both access paths of Probe over a
// foreign-key index whose integers take from 1 to 9 bytes encoded, so
// that one merge scan passes keys of different lengths, and checks that
// each finds exactly the entries under each key.
func TestProbe_IntKeysOfEveryLength(t *testing.T) {
	var fks []int64
	for n := 0; n < 8; n++ {
		edge := int64(1) << (8 * n)
		fks = append(fks, edge-1, edge, edge+1, -edge, -edge-1)
	}
	fks = append(fks, math.MaxInt64, math.MinInt64)
	tree := index.NewTree()
	want := map[int64][]int64{}
	pk := int64(0)
	for _, fk := range fks {
		for range 3 {
			pk++
			key, err := index.AppendKey(nil, fk, pk)
			require.NoError(t, err)
			tree.Put(index.Entry{Key: key, Val: &[]any{fk, pk}})
			want[fk] = append(want[fk], pk)
		}
	}
	// A NULL foreign key sorts after every integer.
	key, err := index.AppendKey(nil, nil, pk+1)
	require.NoError(t, err)
	tree.Put(index.Entry{Key: key, Val: &[]any{nil, pk + 1}})

	const id = txn.TreeID(1)
	o := txn.NewOracle(map[txn.TreeID]*index.Tree{id: tree})
	rng := rand.New(rand.NewPCG(3, 4))
	for round := range 200 {
		// Every other key, or a random handful, plus some with no entries.
		var rows [][]any
		for _, fk := range fks {
			if round%2 == 0 || rng.IntN(3) == 0 {
				rows = append(rows, []any{fk})
			}
		}
		rows = append(rows, []any{int64(7)}, []any{int64(1) << 40})
		keys, _ := DistinctKeys(RowSource{Rows: rows}, []int{0})
		for _, domain := range []int{1, len(fks) * 3} { // a scan, then seeks
			tx := o.Begin(txn.ReadOnly)
			got := map[int64][]int64{}
			_, _, err := Reader{T: tx}.Probe(id, keys, 1, false, domain, func(i int, e index.Ref) {
				row := *e.Val()
				fk := row[0].(int64)
				v, _, err := index.DecodeValue(keys.key(i))
				require.NoError(t, err)
				require.Equal(t, v, fk, "entry under key %d", i)
				got[fk] = append(got[fk], row[1].(int64))
			})
			tx.Abort()
			require.NoError(t, err)
			exp := map[int64][]int64{}
			for _, r := range rows {
				if w, ok := want[r[0].(int64)]; ok {
					exp[r[0].(int64)] = w
				}
			}
			require.Equal(t, exp, got, "round %d domain %d", round, domain)
		}
	}
}
