package index

import (
	"encoding/binary"

	"github.com/google/btree"
)

// Derive returns the row stored under key in a tree whose rows are made
// from their keys (see NewDerivedTree), and the key's bytes, which live as
// long as the row (in the same allocation, ideally). It is called for
// every entry the tree hands out and must return a row of its own each
// time, or one that is never modified: callers keep what they read. The
// key comes in the two words the tree holds it in, which keeps it off the
// heap until Derive puts it in the row's memory.
type Derive func(key InlineKey) (row *[]any, stored []byte)

// InlineKey is what a derived tree's B-tree holds: the key itself, up to
// inlineKeyMax bytes, with no pointer. hi holds the key's bytes 0–7 and lo
// its bytes 8–14 over a low byte of its length, both big-endian and
// zero-padded. Comparing (hi, lo) compares the keys as bytes.Compare does:
// where the padded bytes differ they decide; where they are equal, the
// shorter key is a prefix of the other (the rest of its bytes are padding),
// so the smaller length sorts first. A probe for a key longer than
// inlineKeyMax holds its first inlineKeyMax bytes and the length 16: no stored
// key equals it, and every stored key compares with it as with the whole
// key (a stored key whose bytes match its first 15 is a prefix of it).
//
// Nothing in a node of InlineKeys is a pointer: the collector never scans
// such a tree, and copying a node for a write needs no write barrier.
type InlineKey struct{ hi, lo uint64 }

// inlineKeyMax is the longest key a derived tree holds in its elements: two
// integers below 2^48, or one below 2^56 and one below 2^48, fit (see
// AppendInt).
const inlineKeyMax = 15

func lessInlineKey(a, b InlineKey) bool {
	return a.hi < b.hi || a.hi == b.hi && a.lo < b.lo
}

// makeInlineKey returns the element holding key, or the probe for it when
// it is longer than inlineKeyMax.
func makeInlineKey(key []byte) InlineKey {
	var buf [16]byte
	n := copy(buf[:inlineKeyMax], key)
	if len(key) > inlineKeyMax {
		n = inlineKeyMax + 1
	}
	buf[15] = byte(n)
	return InlineKey{hi: binary.BigEndian.Uint64(buf[:8]), lo: binary.BigEndian.Uint64(buf[8:])}
}

// InlineKeyOf returns key as a derived tree holds it, or false when it is
// longer than 15 bytes.
func InlineKeyOf(key []byte) (InlineKey, bool) {
	return makeInlineKey(key), len(key) <= inlineKeyMax
}

// Len returns the length of the key el holds.
func (el InlineKey) Len() int { return int(el.lo & 0xFF) }

// words returns InlinePrefix of el's key.
func (el InlineKey) words() (p0, p1 uint64) { return el.hi, el.lo &^ 0xFF }

// Put writes the key el holds to buf and returns it.
func (el InlineKey) Put(buf *[16]byte) []byte {
	binary.BigEndian.PutUint64(buf[:8], el.hi)
	binary.BigEndian.PutUint64(buf[8:], el.lo)
	return buf[:el.Len()]
}

// entryOf returns el's entry: the row Derive makes of its key, and the
// key's bytes that come with it.
func (t *Tree) entryOf(el InlineKey) Entry {
	row, key := t.derive(el)
	return Entry{Key: key, Val: row}
}

// itemOf returns a new item for el (see entryOf).
func (t *Tree) itemOf(el InlineKey) *Item {
	e := t.entryOf(el)
	it := new(Item)
	it.Set(e.Key, e.Val)
	return it
}

// Ref is an entry as AscendPrefixWith hands it to its callback, which
// reads what it needs of it: a derived tree makes an entry's row only
// when asked for it.
type Ref struct {
	it *Item   // an ordinary tree's entry
	w  *Walker // a derived tree's walk, and el its entry
	el InlineKey
	e  Entry // an entry found otherwise (EntryRef)
}

// EntryRef returns a Ref of e, for a caller that hands a Ref on.
func EntryRef(e Entry) Ref { return Ref{e: e} }

// Key returns the entry's key. The callback must not modify it, nor keep
// it past its return: a derived tree's is made in the walk's own space.
func (r Ref) Key() []byte {
	switch {
	case r.it != nil:
		return r.it.Key()
	case r.w != nil:
		return r.el.Put(&r.w.kbuf)
	}
	return r.e.Key
}

// Val returns the entry's row, which the callback may keep.
func (r Ref) Val() *[]any {
	switch {
	case r.it != nil:
		return r.it.val
	case r.w != nil:
		row, _ := r.w.tree.derive(r.el)
		return row
	}
	return r.e.Val
}

// Inline returns the entry's key as a derived tree holds it, and false
// when the entry is not a derived tree's.
func (r Ref) Inline() (InlineKey, bool) { return r.el, r.w != nil }

// item returns the entry as an item.
func (r Ref) item() *Item {
	if r.it != nil {
		return r.it
	}
	return r.w.tree.itemOf(r.el)
}

// NewDerivedTree returns an empty tree for entries whose rows are made of
// their keys (a table all of whose columns are in its primary key, such
// as a junction without payload, and that table's indexes). It stores no
// rows and no items: a key of up to 15 bytes is held in the B-tree's
// element itself, 16 bytes without a pointer, and the tree gives the
// entries it hands out a row made by derive from the key. Put ignores the
// row it is given, which must be the one derive makes.
//
// A key longer than 15 bytes does not fit: the first one put turns the
// tree into an ordinary one (in O(n)), which it stays, Clones and Forks
// included.
func NewDerivedTree(derive Derive) *Tree {
	return &Tree{kt: btree.NewG(degree, lessInlineKey), derive: derive}
}

// Derived reports whether t holds its keys alone (see NewDerivedTree).
func (t *Tree) Derived() bool { return t.kt != nil }

// spill turns a derived tree into an ordinary one holding the same
// entries, for a key too long for its elements.
func (t *Tree) spill() {
	bt := btree.NewG(degree, lessElem)
	t.kt.Descend(func(el InlineKey) bool {
		bt.ReplaceOrInsert(makeElem(t.itemOf(el)))
		return true
	})
	t.bt, t.kt, t.derive = bt, nil, nil
}
