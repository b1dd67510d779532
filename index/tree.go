package index

import (
	"bytes"

	"github.com/google/btree"
)

// degree is the B-tree's minimum degree: a node holds up to 2*degree-1
// entries. Copy-on-write copies whole nodes, so a smaller node makes the first
// write after a Clone cheaper and a larger one makes lookups shallower; 16
// keeps a node's entries within about 1.2 KiB.
const degree = 16

// Entry is one item of a Tree: an encoded key and the value stored under it.
// A primary tree stores a table's row as Val; a secondary index stores nil.
// Entries held by a published tree are immutable: neither Key nor Val may be
// modified once the entry is put.
type Entry struct {
	Key []byte
	Val any
}

func lessEntry(a, b Entry) bool { return bytes.Compare(a.Key, b.Key) < 0 }

// Tree is an ordered map from byte-string keys to values, kept in a
// copy-on-write B-tree (github.com/google/btree). Keys are compared with
// bytes.Compare, so keys built by AppendKey order like the values they encode.
//
// A Tree is not safe for concurrent mutation. Reads may run concurrently with
// each other and with a Clone of the same tree, but Clone itself modifies its
// receiver's bookkeeping, so two Clones of one tree must not run at once:
// callers that share trees (package txn) serialise their Clones.
type Tree struct {
	bt *btree.BTreeG[Entry]
}

// NewTree returns an empty tree.
func NewTree() *Tree {
	return &Tree{bt: btree.NewG(degree, lessEntry)}
}

// Clone returns a copy of t in O(1). Both trees share nodes lazily: whichever
// is written next copies the nodes it changes, so a tree that is never written
// again (a published snapshot) costs nothing to keep.
func (t *Tree) Clone() *Tree { return &Tree{bt: t.bt.Clone()} }

// Len returns the number of entries.
func (t *Tree) Len() int { return t.bt.Len() }

// Get returns the entry stored under key and true, or false when there is none.
func (t *Tree) Get(key []byte) (Entry, bool) {
	return t.bt.Get(Entry{Key: key})
}

// Put stores e, replacing any entry with the same key. It returns the entry it
// replaced and true, or false when the key was new. Put keeps e.Key: the caller
// must not modify it afterwards.
func (t *Tree) Put(e Entry) (old Entry, replaced bool) {
	return t.bt.ReplaceOrInsert(e)
}

// Delete removes the entry stored under key and returns it, or returns false
// when there was none.
func (t *Tree) Delete(key []byte) (Entry, bool) {
	return t.bt.Delete(Entry{Key: key})
}

// Ascend calls fn for each entry with a key in [lo, hi), in ascending order,
// until fn returns false. A nil lo means the first key, a nil hi means past
// the last one.
func (t *Tree) Ascend(lo, hi []byte, fn func(Entry) bool) {
	switch {
	case lo == nil && hi == nil:
		t.bt.Ascend(fn)
	case lo == nil:
		t.bt.AscendLessThan(Entry{Key: hi}, fn)
	case hi == nil:
		t.bt.AscendGreaterOrEqual(Entry{Key: lo}, fn)
	default:
		t.bt.AscendRange(Entry{Key: lo}, Entry{Key: hi}, fn)
	}
}

// Descend calls fn for each entry with a key in [lo, hi), in descending order,
// until fn returns false. Nil bounds are open as in Ascend.
func (t *Tree) Descend(lo, hi []byte, fn func(Entry) bool) {
	visit := fn
	if lo != nil {
		visit = func(e Entry) bool {
			if bytes.Compare(e.Key, lo) < 0 {
				return false
			}
			return fn(e)
		}
	}
	if hi == nil {
		t.bt.Descend(visit)
		return
	}
	// DescendLessOrEqual includes hi itself; the range is half-open.
	t.bt.DescendLessOrEqual(Entry{Key: hi}, func(e Entry) bool {
		if bytes.Equal(e.Key, hi) {
			return true
		}
		return visit(e)
	})
}

// PrefixEnd returns the smallest key greater than every key that starts with
// prefix, so [prefix, PrefixEnd(prefix)) is exactly the keys with that prefix.
// It returns nil (no upper bound) when prefix is empty or all 0xFF bytes.
func PrefixEnd(prefix []byte) []byte {
	end := bytes.Clone(prefix)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] != 0xFF {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// Successor returns the smallest key greater than key: key followed by a zero
// byte. [lo, Successor(k)) is the range [lo, k] with k included.
func Successor(key []byte) []byte {
	s := make([]byte, len(key)+1)
	copy(s, key)
	return s
}
