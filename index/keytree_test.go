package index

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// deriveString is a Derive for tests: the row is the key as a string.
func deriveString(key InlineKey) (*[]any, []byte) {
	var buf [16]byte
	k := bytes.Clone(key.Put(&buf))
	return box(string(k)), k
}

// rowOf returns deriveString's row of key.
func rowOf(key []byte) *[]any { return box(string(key)) }

// derivedScript runs the operations data encodes on a derived tree and on
// an ordinary tree holding the same entries, the model, and fails t where
// the two differ: every read's entries (keys and rows), where walks
// stopped, what puts and deletes replaced or removed, and the trees'
// lengths. Keys are short byte strings over a small alphabet that
// includes 0x00 and 0xFF, up to 20 bytes, so that keys share prefixes,
// differ only in trailing zeros, and exceed the 15 bytes an element holds
// (which spills the derived tree). Clones, forks of frozen trees and
// compactions happen between writes; an old version is read again after
// later writes to its successor.
func derivedScript(t *testing.T, data []byte) {
	next := func() byte {
		if len(data) == 0 {
			return 0
		}
		b := data[0]
		data = data[1:]
		return b
	}
	alphabet := []byte{0x00, 0x01, 0x21, 0x7F, 0x80, 0xFE, 0xFF}
	var seen [][]byte
	key := func() []byte {
		var k []byte
		if op := next() % 8; op < 4 && len(seen) > 0 {
			// A key near one used before: itself, a prefix of it, it
			// extended, or the bounds a prefix scan of it takes.
			k = bytes.Clone(seen[int(next())%len(seen)])
			switch op {
			case 1:
				k = k[:int(next())%(len(k)+1)]
			case 2:
				for range 1 + int(next())%6 {
					k = append(k, alphabet[int(next())%len(alphabet)])
				}
			case 3:
				if next()%2 == 0 {
					k = Successor(k)
				} else {
					k = PrefixEnd(k)
				}
			}
		} else {
			k = make([]byte, int(next())%21)
			for i := range k {
				k[i] = alphabet[int(next())%len(alphabet)]
			}
		}
		seen = append(seen, k)
		return k
	}
	bound := func() []byte {
		if next()%5 == 0 {
			return nil
		}
		return key()
	}
	got, want := NewDerivedTree(deriveString), NewTree()
	type version struct{ got, want *Tree }
	var old []version
	entries := func(tr *Tree, lo, hi []byte, down bool, stopAt int) (keys []string, stop []byte, stopped bool) {
		fn := func(e Entry) bool {
			require.Equal(t, string(e.Key), (*e.Val)[0], "an entry's row is made of its key")
			keys = append(keys, string(e.Key))
			return len(keys) != stopAt
		}
		if down {
			stop, stopped = tr.Descend(lo, hi, fn)
		} else {
			stop, stopped = tr.Ascend(lo, hi, fn)
		}
		return keys, stop, stopped
	}
	prefixed := func(tr *Tree, lo, hi []byte) (out []string) {
		w := GetWalker()
		defer w.Release()
		tr.AscendPrefixWith(w, lo, hi, func(p0, p1 uint64, it Ref) bool {
			q0, q1 := InlinePrefix(it.Key())
			require.Equal(t, [2]uint64{q0, q1}, [2]uint64{p0, p1}, "prefix words of %x", it.Key())
			out = append(out, fmt.Sprintf("%x=%v", it.Key(), (*it.Val())[0]))
			return true
		})
		return out
	}
	for step := 0; len(data) > 0; step++ {
		switch op := next() % 10; op {
		case 0, 1, 2: // put
			k := key()
			g := got.PutItem(&Item{key: string(k), val: rowOf(k)})
			w := want.PutItem(&Item{key: string(k), val: rowOf(k)})
			require.Equal(t, w == nil, g == nil, "step %d: put %x replaced", step, k)
			if g != nil {
				assert.Equal(t, w.Key(), g.Key())
				assert.Equal(t, *w.Val(), *g.Val())
			}
		case 3, 4: // delete
			k := key()
			g, w := got.DeleteItem(k), want.DeleteItem(k)
			require.Equal(t, w == nil, g == nil, "step %d: delete %x removed", step, k)
			if g != nil {
				assert.Equal(t, w.Key(), g.Key())
				assert.Equal(t, *w.Val(), *g.Val())
			}
		case 5: // get
			k := key()
			ge, gok := got.Get(k)
			we, wok := want.Get(k)
			require.Equal(t, wok, gok, "step %d: get %x", step, k)
			if gok {
				assert.Equal(t, we.Key, ge.Key)
				assert.Equal(t, *we.Val, *ge.Val)
			}
		case 6: // walk
			lo, hi := bound(), bound()
			down := next()%2 == 0
			stopAt := int(next() % 8)
			gk, gs, gstopped := entries(got, lo, hi, down, stopAt)
			wk, ws, wstopped := entries(want, lo, hi, down, stopAt)
			require.Equal(t, wk, gk, "step %d: walk [%x, %x) down=%v", step, lo, hi, down)
			require.Equal(t, wstopped, gstopped)
			require.Equal(t, ws, gs)
		case 7: // prefix walk
			lo, hi := bound(), bound()
			require.Equal(t, prefixed(want, lo, hi), prefixed(got, lo, hi), "step %d: prefix walk [%x, %x)", step, lo, hi)
		case 8: // a new version
			switch next() % 3 {
			case 0:
				old = append(old, version{got.Clone(), want.Clone()})
			case 1:
				got.Freeze()
				want.Freeze()
				old = append(old, version{got, want})
				got, want = got.Fork(), want.Fork()
			case 2:
				got, want = got.Compact(), want.Compact()
			}
		case 9: // an old version still reads as it was
			if len(old) > 0 {
				v := old[int(next())%len(old)]
				gk, _, _ := entries(v.got, nil, nil, false, -1)
				wk, _, _ := entries(v.want, nil, nil, false, -1)
				require.Equal(t, wk, gk, "step %d: an old version", step)
			}
		}
		require.Equal(t, want.Len(), got.Len(), "step %d: length", step)
	}
	gk, _, _ := entries(got, nil, nil, false, -1)
	wk, _, _ := entries(want, nil, nil, false, -1)
	require.Equal(t, wk, gk)
}

// TestDerivedTree_AgainstOrdinary runs random scripts (see derivedScript).
func TestDerivedTree_AgainstOrdinary(t *testing.T) {
	for seed := range uint64(200) {
		r := rand.New(rand.NewPCG(seed, 7))
		data := make([]byte, 4000)
		for i := range data {
			data[i] = byte(r.Uint32())
		}
		t.Run(fmt.Sprint(seed), func(t *testing.T) { derivedScript(t, data) })
	}
}

func FuzzDerivedTree(f *testing.F) {
	f.Add([]byte{0, 5, 1, 2, 3, 4, 5, 6, 6, 1, 0, 0})
	f.Fuzz(derivedScript)
}

// TestInlineKey_OrdersLikeBytes: elements and probes order as their keys do
// under bytes.Compare, for keys up to 15 bytes against any key.
func TestInlineKey_OrdersLikeBytes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte{0x00, 0x01, 0x80, 0xFF}
	key := func(max int) []byte {
		k := make([]byte, r.IntN(max+1))
		for i := range k {
			k[i] = alphabet[r.IntN(len(alphabet))]
		}
		return k
	}
	for range 200_000 {
		a, b := key(inlineKeyMax), key(20)
		switch r.IntN(4) {
		case 0: // b extends a
			b = append(bytes.Clone(a), b...)
		case 1: // b is a prefix of a
			b = bytes.Clone(a[:r.IntN(len(a)+1)])
		}
		want := bytes.Compare(a, b)
		ea, eb := makeInlineKey(a), makeInlineKey(b)
		got := 0
		switch {
		case lessInlineKey(ea, eb):
			got = -1
		case lessInlineKey(eb, ea):
			got = 1
		}
		require.Equal(t, want, got, "%x against %x", a, b)
	}
}

// TestDerivedTree_SpillsLongKey: a key longer than an element holds turns
// the tree into an ordinary one that keeps every entry; a version forked
// before stays derived.
func TestDerivedTree_SpillsLongKey(t *testing.T) {
	tr := NewDerivedTree(deriveString)
	for i := range 100 {
		k := AppendInt(nil, int64(i))
		tr.PutItem(&Item{key: string(k), val: rowOf(k)})
	}
	tr.Freeze()
	fork := tr.Fork()
	long := bytes.Repeat([]byte{0x7F}, 16)
	fork.PutItem(&Item{key: string(long), val: rowOf(long)})
	assert.True(t, tr.Derived())
	assert.False(t, fork.Derived())
	assert.Equal(t, 100, tr.Len())
	assert.Equal(t, 101, fork.Len())
	e, ok := fork.Get(AppendInt(nil, 42))
	require.True(t, ok)
	assert.Equal(t, string(AppendInt(nil, 42)), (*e.Val)[0])
}
