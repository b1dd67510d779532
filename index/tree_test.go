package index

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// treeOf returns a tree holding the keys of 0..n-1, each with its number as
// the value, and those keys.
func treeOf(t *testing.T, n int) (*Tree, [][]byte) {
	t.Helper()
	tr := NewTree()
	keys := make([][]byte, n)
	for i := range n {
		k, err := AppendKey(nil, int64(i))
		require.NoError(t, err)
		keys[i] = k
		tr.Put(Entry{Key: k, Val: box(i)})
	}
	return tr, keys
}

// TestTree_AscendDescend_Ranges ensures both walks visit exactly [lo, hi)
// in order, report where fn stopped them, and report nothing when it did
// not.
func TestTree_AscendDescend_Ranges(t *testing.T) {
	const n = 200 // several nodes
	tr, keys := treeOf(t, n)
	key := func(i int) []byte {
		if i < 0 {
			return nil
		}
		return keys[i]
	}
	for _, tc := range []struct{ lo, hi, stopAt int }{
		{-1, -1, -1}, {-1, 50, -1}, {120, -1, -1}, {10, 190, -1}, {10, 10, -1},
		{-1, -1, 77}, {10, 190, 10}, {10, 190, 189}, {10, 190, 100},
	} {
		t.Run(fmt.Sprintf("lo=%d/hi=%d/stop=%d", tc.lo, tc.hi, tc.stopAt), func(t *testing.T) {
			lo, hi := max(tc.lo, 0), n
			if tc.hi >= 0 {
				hi = tc.hi
			}
			visit := func(got *[]int) func(Entry) bool {
				return func(e Entry) bool {
					*got = append(*got, unbox(e).(int))
					return unbox(e).(int) != tc.stopAt
				}
			}
			var up, down, wantUp, wantDown []int
			for i := lo; i < hi; i++ {
				wantUp = append(wantUp, i)
				if i == tc.stopAt {
					break
				}
			}
			for i := hi - 1; i >= lo; i-- {
				wantDown = append(wantDown, i)
				if i == tc.stopAt {
					break
				}
			}
			stopUp, stoppedUp := tr.Ascend(key(tc.lo), key(tc.hi), visit(&up))
			stopDown, stoppedDown := tr.Descend(key(tc.lo), key(tc.hi), visit(&down))
			assert.Equal(t, wantUp, up)
			assert.Equal(t, wantDown, down)
			stops := tc.stopAt >= lo && tc.stopAt < hi
			assert.Equal(t, stops, stoppedUp)
			assert.Equal(t, stops, stoppedDown)
			if stops {
				assert.Equal(t, keys[tc.stopAt], stopUp)
				assert.Equal(t, keys[tc.stopAt], stopDown)
			} else {
				assert.Nil(t, stopUp)
				assert.Nil(t, stopDown)
			}
		})
	}
}

// TestTree_Ascend_Nested ensures walks nested in a walk's callback, as
// pooled walks are, keep their own state.
func TestTree_Ascend_Nested(t *testing.T) {
	tr, keys := treeOf(t, 100)
	var pairs int
	stop, stopped := tr.Ascend(keys[10], keys[20], func(outer Entry) bool {
		i := unbox(outer).(int)
		inner, innerStopped := tr.Descend(nil, keys[i], func(e Entry) bool {
			pairs++
			return unbox(e).(int) > i-3 // stop at i-3
		})
		require.True(t, innerStopped)
		require.Equal(t, keys[i-3], inner)
		return i < 15
	})
	assert.True(t, stopped)
	assert.Equal(t, keys[15], stop)
	assert.Equal(t, 6*3, pairs, "outer rows 10..15, three inner rows each")
}

// TestTree_Order_PrefixBoundaries ensures the tree orders keys exactly as
// bytes.Compare does around the inline prefix: keys shorter than, equal
// to and longer than it, differing only in trailing zero bytes or only
// past it.
func TestTree_Order_PrefixBoundaries(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var keys [][]byte
	seen := map[string]bool{}
	for range 5000 {
		// A run of one byte up to past the prefix, then a short tail of
		// few symbols: many keys share the whole inline prefix.
		k := bytes.Repeat([]byte{[]byte{0, 7}[rng.IntN(2)]}, rng.IntN(inlineLen+3))
		for range rng.IntN(4) {
			k = append(k, []byte{0, 1, 0xFF}[rng.IntN(3)])
		}
		if !seen[string(k)] {
			seen[string(k)] = true
			keys = append(keys, k)
		}
	}
	tr := NewTree()
	for _, k := range keys {
		tr.Put(Entry{Key: k})
	}
	slices.SortFunc(keys, bytes.Compare)
	var got [][]byte
	tr.Ascend(nil, nil, func(e Entry) bool { got = append(got, e.Key); return true })
	require.Equal(t, keys, got)
	for _, k := range keys {
		_, ok := tr.Get(k)
		require.True(t, ok, "%x", k)
	}
}

// box and unbox hold a test's value in a tree entry as rows are held.
func box(v any) *[]any  { return &[]any{v} }
func unbox(e Entry) any { return (*e.Val)[0] }

// TestTree_AscendPrefixWith: the prefix words are each key's first 16
// bytes, zero-padded, big-endian; entries come in order within [lo, hi);
// a false return stops the walk and reports the entry's key.
func TestTree_AscendPrefixWith(t *testing.T) {
	tr := NewTree()
	keys := [][]byte{{1}, {1, 2}, {2, 0, 0, 0, 0, 0, 0, 0, 9}, {3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17}, {4}}
	for _, k := range keys {
		tr.Put(Entry{Key: k, Val: box(string(k))})
	}
	w := GetWalker()
	defer w.Release()
	var got [][]byte
	stop, stopped := tr.AscendPrefixWith(w, []byte{1, 2}, []byte{4}, func(p0, p1 uint64, it Ref) bool {
		var pad [16]byte
		copy(pad[:], it.Key())
		require.Equal(t, binary.BigEndian.Uint64(pad[:8]), p0, "%x", it.Key())
		require.Equal(t, binary.BigEndian.Uint64(pad[8:]), p1, "%x", it.Key())
		assert.Equal(t, string(it.Key()), (*it.Val())[0])
		got = append(got, bytes.Clone(it.Key()))
		return true
	})
	assert.Equal(t, keys[1:4], got)
	assert.False(t, stopped)
	assert.Nil(t, stop)
	stop, stopped = tr.AscendPrefixWith(w, nil, nil, func(_, _ uint64, it Ref) bool { return it.Key()[0] < 2 })
	assert.True(t, stopped)
	assert.Equal(t, keys[2], stop)
	// The walker serves a plain walk after a prefix walk.
	n := 0
	tr.AscendWith(w, nil, nil, func(Entry) bool { n++; return true })
	assert.Equal(t, len(keys), n)
}

// TestTree_Fork ensures a fork of a frozen tree starts with its entries and
// that writes to forks never reach the frozen tree, however many forks
// write at once and while readers walk it; and that Fork of an unfrozen
// tree and writes to a frozen one panic instead of sharing nodes that
// could change under a reader. Run it with -race: a fork that wrote to the
// frozen tree's header would race with the readers.
func TestTree_Fork(t *testing.T) {
	base, keys := treeOf(t, 2000) // several levels, so forks copy inner nodes
	assert.Panics(t, func() { base.Fork() }, "fork of an unfrozen tree")
	base.Freeze()
	assert.Panics(t, func() { base.Put(Entry{Key: keys[0], Val: box(-1)}) })
	assert.Panics(t, func() { base.Delete(keys[1]) })

	// unchanged reports whether base still holds exactly key i → i.
	unchanged := func() error {
		i := 0
		var err error
		base.Ascend(nil, nil, func(e Entry) bool {
			if i >= len(keys) || !bytes.Equal(e.Key, keys[i]) || unbox(e) != i {
				err = fmt.Errorf("entry %d is %x → %v", i, e.Key, unbox(e))
				return false
			}
			i++
			return true
		})
		if err == nil && i != len(keys) {
			err = fmt.Errorf("%d entries, want %d", i, len(keys))
		}
		return err
	}

	const forks, readers = 4, 2
	type forked struct {
		f int
		t *Tree
	}
	done := make(chan forked, forks)
	stop := make(chan struct{})
	errs := make(chan error, readers)
	for range readers {
		go func() {
			for {
				if err := unchanged(); err != nil {
					errs <- err
					return
				}
				select {
				case <-stop:
					errs <- nil
					return
				default:
				}
			}
		}()
	}
	for f := range forks {
		go func() {
			c := base.Fork()
			if f%2 == 1 {
				c = base.Clone() // of a frozen tree: a fork as well
			}
			for i, k := range keys {
				switch {
				case i%forks == f:
					c.Delete(k)
				case i%3 == 0:
					c.Put(Entry{Key: k, Val: box(-f)})
				}
			}
			done <- forked{f, c}
		}()
	}
	for range forks {
		fk := <-done
		want := len(keys) - len(keys)/forks
		assert.Equal(t, want, fk.t.Len())
		for i, k := range keys {
			e, ok := fk.t.Get(k)
			switch {
			case i%forks == fk.f:
				assert.False(t, ok, "fork %d: key %d deleted", fk.f, i)
			case i%3 == 0:
				assert.Equal(t, -fk.f, unbox(e), "fork %d: key %d", fk.f, i)
			default:
				assert.Equal(t, i, unbox(e), "fork %d: key %d", fk.f, i)
			}
		}
	}
	close(stop)
	for range readers {
		assert.NoError(t, <-errs)
	}
	assert.NoError(t, unchanged())

	// A fork is an ordinary tree: writable, and clonable.
	c := base.Fork()
	c.Put(Entry{Key: keys[5], Val: box(50)})
	d := c.Clone()
	d.Put(Entry{Key: keys[5], Val: box(500)})
	e, _ := c.Get(keys[5])
	assert.Equal(t, 50, unbox(e))
}

// liveBytes returns the bytes of live heap objects after a collection.
func liveBytes() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// TestTree_Compact ensures a compacted tree holds the same entries, in
// order, as writable as any, in at most 60% of the bytes a tree written
// in ascending order takes (its nodes half empty), and leaves its source
// unchanged.
func TestTree_Compact(t *testing.T) {
	const n = 100_000
	items := make([]Item, n)
	for i := range items {
		k, err := AppendKey(nil, int64(i))
		require.NoError(t, err)
		items[i].Set(k, box(i))
	}
	base := liveBytes()
	asc := NewTree()
	for i := range items {
		asc.PutItem(&items[i])
	}
	ascBytes := liveBytes() - base
	c := asc.Compact()
	compactBytes := liveBytes() - base - ascBytes
	t.Logf("compact %d bytes, ascending %d", compactBytes, ascBytes)
	assert.Less(t, float64(compactBytes), 0.6*float64(ascBytes))

	for _, tr := range []*Tree{asc, c} {
		require.Equal(t, n, tr.Len())
		i := 0
		tr.Ascend(nil, nil, func(e Entry) bool {
			require.Equal(t, items[i].Key(), e.Key)
			require.Same(t, items[i].Val(), e.Val)
			i++
			return true
		})
		require.Equal(t, n, i)
	}
	assert.False(t, c.Frozen())
	c.Delete(items[0].Key())
	c.Put(Entry{Key: []byte{0xff}, Val: box(-1)})
	assert.Equal(t, n, c.Len())
	assert.Equal(t, n, asc.Len())
	runtime.KeepAlive(items)
}

// TestLessElem ensures elements order exactly as bytes.Compare orders
// their keys, for keys around the 7 bytes an element holds inline: equal
// words, words that differ only in the length byte, keys that are
// prefixes of each other, zero bytes where the padding is.
func TestLessElem(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	key := func() []byte {
		k := make([]byte, rng.IntN(2*inlineLen+2))
		for i := range k {
			k[i] = []byte{0, 1, 0x7F, 0xFF}[rng.IntN(4)]
		}
		return k
	}
	for range 200_000 {
		a, b := key(), key()
		if rng.IntN(4) == 0 {
			b = append(slices.Clone(a), b[:rng.IntN(len(b)+1)]...) // a prefix of b
		}
		ea, eb := makeElem(&Item{key: string(a)}), makeElem(&Item{key: string(b)})
		require.Equal(t, bytes.Compare(a, b) < 0, lessElem(ea, eb), "%x < %x", a, b)
		require.Equal(t, bytes.Compare(b, a) < 0, lessElem(eb, ea), "%x < %x", b, a)
	}
}
