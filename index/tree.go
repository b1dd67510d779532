package index

import (
	"encoding/binary"
	"sync"
	"unsafe"

	"github.com/google/btree"
)

// degree is the B-tree's minimum degree: a node holds up to 2*degree-1
// items. Copy-on-write copies whole nodes, so a smaller node makes the first
// write after a Clone cheaper and a larger one makes lookups shallower (and
// here faster: lookups are bound by memory latency); at 32 a node's items
// take about 1.5 KiB.
const degree = 32

// Entry is one entry of a Tree as its readers see it: an encoded key and
// the row stored under it. Package engine stores a table's row, a tuple of
// values, in its primary tree and in each of its indexes; other trees box
// what they hold the same way (the catalog's table definitions).
// Entries held by a published tree are immutable: neither Key nor the row
// Val points to may be modified once the entry is put.
type Entry struct {
	Key []byte
	Val *[]any
}

// Item is an entry as a tree holds it: 24 bytes, the key as a string
// header, which has no capacity word, and the row as a pointer. A tree keeps
// a pointer to each of its items, which a writer may allocate as it likes
// (package txn carves them from chunks, package engine puts a row's primary
// item beside the row's box); an item must not change once it is put.
type Item struct {
	key string
	val *[]any
}

// Set makes it the entry key → val. key is kept, not copied: it must not
// change afterwards.
func (it *Item) Set(key []byte, val *[]any) {
	it.key, it.val = keyString(key), val
}

// Key returns the item's key, which must not be modified.
func (it *Item) Key() []byte { return keyBytes(it.key) }

// Val returns the item's row.
func (it *Item) Val() *[]any { return it.val }

// Entry returns the item as an Entry.
func (it *Item) Entry() Entry { return Entry{Key: keyBytes(it.key), Val: it.val} }

// keyString returns the bytes of key as a string without copying them:
// keys are immutable once put.
func keyString(key []byte) string { return unsafe.String(unsafe.SliceData(key), len(key)) }

// keyBytes returns the bytes of a key held as a string, without copying;
// an empty key is an empty slice, not nil (a nil bound means none).
func keyBytes(key string) []byte {
	if len(key) == 0 {
		return []byte{}
	}
	return unsafe.Slice(unsafe.StringData(key), len(key))
}

// elem is what the B-tree holds: a pointer to the item and one word w
// holding the item's key's first 7 bytes, big-endian and zero-padded, over
// a low byte of its length, or 8 when it is longer. Most comparisons are
// decided by w alone, without following the pointer, which keeps a lookup
// within the cache lines of the nodes it visits; and a 16-byte element
// makes the nodes, most of what a tree holds, a third smaller than with a
// 16-byte inline prefix (24-byte elements; measured: 216 -> 199 bytes a row
// at 1,000,000 rows). The keys of one or two integers of up to 65,535 and
// 16,777,215 (see AppendInt) fit in 7 bytes: those keys never compare
// through the pointer.
type elem struct {
	w uint64
	e *Item
}

// inlineLen is how many leading key bytes an element holds.
const inlineLen = 7

func makeElem(it *Item) elem {
	return elem{w: inlineWord(it.key), e: it}
}

// inlineWord returns an element's word for key (see elem).
func inlineWord(key string) uint64 {
	if len(key) > inlineLen {
		b := unsafe.Slice(unsafe.StringData(key), 8)
		return binary.BigEndian.Uint64(b)&^0xFF | (inlineLen + 1)
	}
	var buf [8]byte
	copy(buf[:], key)
	return binary.BigEndian.Uint64(buf[:]) | uint64(len(key))
}

// InlinePrefix returns the first 16 bytes of key, zero-padded, as two
// big-endian words: the words AscendPrefixWith hands its callback.
func InlinePrefix(key []byte) (p0, p1 uint64) {
	if len(key) >= 16 {
		return binary.BigEndian.Uint64(key), binary.BigEndian.Uint64(key[8:])
	}
	var buf [16]byte
	copy(buf[:], key)
	return binary.BigEndian.Uint64(buf[:]), binary.BigEndian.Uint64(buf[8:])
}

// prefixWords returns InlinePrefix of el's key, from its word alone when
// the key fits in it.
func prefixWords(el elem) (p0, p1 uint64) {
	if el.w&0xFF <= inlineLen {
		return el.w &^ 0xFF, 0
	}
	return InlinePrefix(el.e.Key())
}

// lessElem orders elements like bytes.Compare orders their keys. Words
// that differ decide: their 7-byte prefixes, zero-padded, order as the
// keys' first 7 bytes do, and where those are equal, a key of at most 7
// bytes is a prefix of the other key (the rest of its word is padding), so
// the shorter key, with the smaller length byte, sorts first. Equal words
// are equal keys, unless both are longer than 7 bytes: then the whole keys
// decide.
func lessElem(a, b elem) bool {
	if a.w != b.w {
		return a.w < b.w
	}
	if a.w&0xFF <= inlineLen {
		return false
	}
	return a.e.key < b.e.key
}

// Tree is an ordered map from byte-string keys to values, kept in a
// copy-on-write B-tree (github.com/google/btree). Keys are compared with
// bytes.Compare, so keys built by AppendKey order like the values they encode.
//
// A derived tree (NewDerivedTree) holds keys alone and makes each entry's
// row from its key when it hands the entry out.
//
// A Tree is not safe for concurrent mutation. Reads may run concurrently with
// each other and with a Clone of the same tree, but Clone itself modifies its
// receiver's bookkeeping, so two Clones of one tree must not run at once.
// A tree shared between goroutines should be frozen instead (see Freeze):
// any number of goroutines may Fork a frozen tree at once, and forking writes
// nothing that its readers read.
type Tree struct {
	bt *btree.BTreeG[elem]
	// kt replaces bt in a derived tree (see NewDerivedTree), which makes
	// its rows with derive.
	kt     *btree.BTreeG[InlineKey]
	derive Derive
	// probe is the item DeleteItem searches with. Only a tree's single
	// writer deletes, so it needs no pool.
	probe *Item
	// frozen: no more writes; Fork may share the nodes without taking
	// them from this tree's copy-on-write context.
	frozen bool
}

// NewTree returns an empty tree.
func NewTree() *Tree {
	return &Tree{bt: btree.NewG(degree, lessElem)}
}

// Clone returns a copy of t in O(1). Both trees share nodes lazily: whichever
// is written next copies the nodes it changes, so a tree that is never written
// again (a published snapshot) costs nothing to keep.
//
// Clone of a frozen tree returns a Fork: cloning it would write to a tree
// that others share.
func (t *Tree) Clone() *Tree {
	if t.frozen {
		return t.Fork()
	}
	if t.kt != nil {
		return &Tree{kt: t.kt.Clone(), derive: t.derive}
	}
	return &Tree{bt: t.bt.Clone()}
}

// Freeze makes t read-only: a later Put or Delete panics. Freeze is for a
// tree about to be shared (package txn freezes every tree it publishes in a
// snapshot); it must happen before the tree is shared, since it writes to t.
func (t *Tree) Freeze() { t.frozen = true }

// Frozen reports whether Freeze was called.
func (t *Tree) Frozen() bool { return t.frozen }

// Fork returns a writable copy of the frozen tree t in O(1): the copy
// shares t's nodes and copies those it changes. Unlike Clone it writes
// nothing to t — Clone moves its receiver to a new copy-on-write context,
// which a frozen tree does not need because it never writes again — so
// forks of one tree need no lock, and readers of t do not see the cache
// line holding its root change under them at every fork. Fork panics if t
// is not frozen.
func (t *Tree) Fork() *Tree {
	if !t.frozen {
		panic("index: Fork of a tree that is not frozen")
	}
	if t.kt != nil {
		kt := *t.kt
		return &Tree{kt: kt.Clone(), derive: t.derive}
	}
	bt := *t.bt // the receiver Clone rewrites is this private copy
	return &Tree{bt: bt.Clone()}
}

func (t *Tree) checkWritable() {
	if t.frozen {
		panic("index: write to a frozen tree")
	}
}

// Compact returns a tree, not frozen, that holds t's items in fewer
// bytes: a tree written in ascending key order, as a bulk load writes its
// primary keys, keeps half-empty nodes. google/btree splits a full node
// in the middle; the lower half stays in the node, whose items slice grew
// by append to room for 64, and the upper half moves to a new slice of
// exactly its 31 items. Compact inserts t's items into a new tree from
// the last to the first, so that every node but those on the left edge
// is an upper half, 31 of 32 places filled: the elements take 16.5 bytes
// per entry instead of up to 33. It takes O(n log n) time and n/31 new
// nodes; t is not changed.
func (t *Tree) Compact() *Tree {
	if t.kt != nil {
		c := NewDerivedTree(t.derive)
		t.kt.Descend(func(el InlineKey) bool {
			c.kt.ReplaceOrInsert(el)
			return true
		})
		return c
	}
	c := NewTree()
	t.bt.Descend(func(el elem) bool {
		c.bt.ReplaceOrInsert(el)
		return true
	})
	return c
}

// Len returns the number of entries.
func (t *Tree) Len() int {
	if t.kt != nil {
		return t.kt.Len()
	}
	return t.bt.Len()
}

// Get returns the entry stored under key and true, or false when there is none.
func (t *Tree) Get(key []byte) (Entry, bool) {
	probe := probes.Get().(*Item)
	defer probes.Put(probe)
	return t.GetWith(probe, key)
}

// GetWith is Get searching with probe, which it sets to key: a caller that
// owns a long-lived Item (a transaction) saves the pool round trip Get
// makes. probe must not be in use by another search.
func (t *Tree) GetWith(probe *Item, key []byte) (Entry, bool) {
	if t.kt != nil {
		if len(key) > inlineKeyMax {
			return Entry{}, false
		}
		el, ok := t.kt.Get(makeInlineKey(key))
		if !ok {
			return Entry{}, false
		}
		return t.entryOf(el), true
	}
	probe.key = keyString(key)
	el, ok := t.bt.Get(makeElem(probe))
	probe.key = ""
	if !ok {
		return Entry{}, false
	}
	return el.e.Entry(), true
}

// probes recycles the items that Get searches with:
// the B-tree takes elements by value through a func value, so a probe on
// the stack would escape and cost an allocation per search.
var probes = sync.Pool{New: func() any { return new(Item) }}

// Put stores e, replacing any entry with the same key. It returns the entry it
// replaced and true, or false when the key was new. Put keeps e.Key: the caller
// must not modify it afterwards.
func (t *Tree) Put(e Entry) (old Entry, replaced bool) {
	it := new(Item)
	it.Set(e.Key, e.Val)
	if p := t.PutItem(it); p != nil {
		return p.Entry(), true
	}
	return Entry{}, false
}

// PutItem is Put without copies: the tree keeps the pointer it, and it
// returns the pointer it replaced, or nil. *it must not change afterwards.
func (t *Tree) PutItem(it *Item) (old *Item) {
	t.checkWritable()
	if t.kt != nil {
		if len(it.key) <= inlineKeyMax {
			el, ok := t.kt.ReplaceOrInsert(makeInlineKey(it.Key()))
			if !ok {
				return nil
			}
			return t.itemOf(el)
		}
		t.spill()
	}
	el, _ := t.bt.ReplaceOrInsert(makeElem(it))
	return el.e
}

// Delete removes the entry stored under key and returns it, or returns false
// when there was none.
func (t *Tree) Delete(key []byte) (Entry, bool) {
	if p := t.DeleteItem(key); p != nil {
		return p.Entry(), true
	}
	return Entry{}, false
}

// DeleteItem is Delete returning the removed item's pointer, or nil.
func (t *Tree) DeleteItem(key []byte) (old *Item) {
	t.checkWritable()
	if t.kt != nil {
		if len(key) > inlineKeyMax {
			return nil
		}
		el, ok := t.kt.Delete(makeInlineKey(key))
		if !ok {
			return nil
		}
		return t.itemOf(el)
	}
	if t.probe == nil {
		t.probe = new(Item)
	}
	t.probe.key = keyString(key)
	el, _ := t.bt.Delete(makeElem(t.probe))
	t.probe.key = ""
	return el.e
}

// Ascend calls fn for each entry with a key in [lo, hi), in ascending order,
// until fn returns false. A nil lo means the first key, a nil hi means past
// the last one. If fn returned false, Ascend returns the key of the entry
// it returned false for, and true.
func (t *Tree) Ascend(lo, hi []byte, fn func(Entry) bool) (stop []byte, stopped bool) {
	w := GetWalker()
	defer w.Release()
	return t.AscendWith(w, lo, hi, fn)
}

// Descend calls fn for each entry with a key in [lo, hi), in descending order,
// until fn returns false. Nil bounds are open as in Ascend, and the results
// are Ascend's.
func (t *Tree) Descend(lo, hi []byte, fn func(Entry) bool) (stop []byte, stopped bool) {
	w := GetWalker()
	defer w.Release()
	return t.DescendWith(w, lo, hi, fn)
}

// AscendWith is Ascend with the caller's Walker, which must not be in use
// by another walk (a nested walk needs a Walker of its own).
func (t *Tree) AscendWith(w *Walker, lo, hi []byte, fn func(Entry) bool) (stop []byte, stopped bool) {
	w.start()
	w.fn = fn
	defer w.reset()
	return t.ascend(w, lo, hi, false)
}

// ascend walks [lo, hi) calling w's callback for fn, or for pfn when
// prefix is set.
func (t *Tree) ascend(w *Walker, lo, hi []byte, prefix bool) (stop []byte, stopped bool) {
	if t.kt != nil {
		w.tree = t
		visit := w.kvisit
		if prefix {
			visit = w.kvisitPrefix
		}
		switch {
		case lo == nil && hi == nil:
			t.kt.Ascend(visit)
		case lo == nil:
			t.kt.AscendLessThan(makeInlineKey(hi), visit)
		case hi == nil:
			t.kt.AscendGreaterOrEqual(makeInlineKey(lo), visit)
		default:
			t.kt.AscendRange(makeInlineKey(lo), makeInlineKey(hi), visit)
		}
		return w.stopped()
	}
	visit := w.visit
	if prefix {
		visit = w.visitPrefix
	}
	switch {
	case lo == nil && hi == nil:
		t.bt.Ascend(visit)
	case lo == nil:
		t.bt.AscendLessThan(w.bound(&w.hiProbe, hi), visit)
	case hi == nil:
		t.bt.AscendGreaterOrEqual(w.bound(&w.loProbe, lo), visit)
	default:
		t.bt.AscendRange(w.bound(&w.loProbe, lo), w.bound(&w.hiProbe, hi), visit)
	}
	return w.stopped()
}

// AscendPrefixWith is AscendWith for a caller that can often decide on an
// entry from its key's first 16 bytes: fn gets them as two big-endian
// words (zero-padded past the key's end) and the entry, which it must not
// modify and need not read. The tree holds a key's first 7 bytes inline
// (a derived tree 15), so a merge scan matching keys of up to 7 bytes
// reads neither the item nor its key unless they match; a longer key is
// read from its item. A derived tree makes an entry's row only if fn asks
// for it.
func (t *Tree) AscendPrefixWith(w *Walker, lo, hi []byte, fn func(p0, p1 uint64, e Ref) bool) (stop []byte, stopped bool) {
	w.start()
	w.pfn = fn
	defer w.reset()
	return t.ascend(w, lo, hi, true)
}

// DescendWith is Descend with the caller's Walker, as AscendWith.
func (t *Tree) DescendWith(w *Walker, lo, hi []byte, fn func(Entry) bool) (stop []byte, stopped bool) {
	w.start()
	w.fn = fn
	defer w.reset()
	w.lo, w.hi = lo, hi
	if t.kt != nil {
		w.tree = t
		if lo != nil {
			w.klo = makeInlineKey(lo)
		}
		if hi == nil {
			t.kt.Descend(w.kvisitDown)
		} else {
			w.khi = makeInlineKey(hi)
			t.kt.DescendLessOrEqual(w.khi, w.kvisitDown)
		}
		return w.stopped()
	}
	if hi == nil {
		t.bt.Descend(w.visitDown)
	} else {
		// DescendLessOrEqual includes hi itself; visitDown skips it, as
		// the range is half-open.
		t.bt.DescendLessOrEqual(w.bound(&w.hiProbe, hi), w.visitDown)
	}
	return w.stopped()
}

// Walker is the state of one Ascend or Descend: the callbacks the B-tree
// calls, bound to it, and the entries its bounds search with. The B-tree
// calls back through a func value, so a closure made per walk would cost
// an allocation or more. Walkers are pooled: Ascend and Descend take one
// for each walk, while a caller that walks often and never concurrently (a
// transaction) may take one with GetWalker, pass it to AscendWith and
// DescendWith as often as it likes, and Release it when done.
type Walker struct {
	fn     func(Entry) bool
	lo, hi []byte // Descend's bounds
	stop   *Item  // the item fn returned false for, if any
	// visit calls fn and records where it stopped; visitDown also keeps
	// to [lo, hi); visitPrefix calls pfn (AscendPrefixWith) instead. All
	// are made on first use.
	visit, visitDown, visitPrefix func(elem) bool
	pfn                           func(p0, p1 uint64, e Ref) bool
	loProbe, hiProbe              Item
	// The same for a derived tree: the tree walked (whose items the
	// callbacks make) and Descend's bounds as elements.
	tree               *Tree
	kvisit, kvisitDown func(InlineKey) bool
	kvisitPrefix       func(InlineKey) bool
	klo, khi           InlineKey
	kbuf               [16]byte // Ref.Key's and Ref.Val's
}

var walks = sync.Pool{New: func() any { return new(Walker) }}

// start readies w for a walk, making its callbacks the first time.
func (w *Walker) start() {
	if w.visit == nil {
		w.visit = func(el elem) bool {
			if !w.fn(el.e.Entry()) {
				w.stop = el.e
				return false
			}
			return true
		}
		w.visitPrefix = func(el elem) bool {
			p0, p1 := prefixWords(el)
			if !w.pfn(p0, p1, Ref{it: el.e}) {
				w.stop = el.e
				return false
			}
			return true
		}
		w.visitDown = func(el elem) bool {
			if w.hi != nil && el.e.key == string(w.hi) {
				return true
			}
			if w.lo != nil && el.e.key < string(w.lo) {
				return false
			}
			return w.visit(el)
		}
		w.kvisit = func(el InlineKey) bool {
			e := w.tree.entryOf(el)
			if !w.fn(e) {
				w.stop = new(Item)
				w.stop.Set(e.Key, e.Val)
				return false
			}
			return true
		}
		w.kvisitPrefix = func(el InlineKey) bool {
			p0, p1 := el.words()
			r := Ref{w: w, el: el}
			if !w.pfn(p0, p1, r) {
				w.stop = r.item()
				return false
			}
			return true
		}
		w.kvisitDown = func(el InlineKey) bool {
			if w.hi != nil && el == w.khi {
				return true
			}
			if w.lo != nil && lessInlineKey(el, w.klo) {
				return false
			}
			return w.kvisit(el)
		}
	}
	w.stop = nil
}

// bound returns the element a bound searches with, held by probe.
func (w *Walker) bound(probe *Item, key []byte) elem {
	probe.key = keyString(key)
	return makeElem(probe)
}

// reset drops the walk's references. It runs deferred, so a panicking fn
// leaves no walker pointing at its caller.
func (w *Walker) reset() {
	w.fn, w.pfn, w.lo, w.hi, w.stop, w.tree = nil, nil, nil, nil, nil, nil
	w.loProbe.key, w.hiProbe.key = "", ""
}

// GetWalker returns a walker from the pool.
func GetWalker() *Walker { return walks.Get().(*Walker) }

// Release returns w to the pool; w must not be used afterwards.
func (w *Walker) Release() { walks.Put(w) }

func (w *Walker) stopped() ([]byte, bool) {
	if w.stop == nil {
		return nil, false
	}
	return w.stop.Key(), true
}

// PrefixEnd returns the smallest key greater than every key that starts with
// prefix, so [prefix, PrefixEnd(prefix)) is exactly the keys with that prefix.
// It returns nil (no upper bound) when prefix is empty or all 0xFF bytes.
func PrefixEnd(prefix []byte) []byte { return AppendPrefixEnd(nil, prefix) }

// AppendPrefixEnd appends PrefixEnd(prefix) to dst and returns it; when
// PrefixEnd is nil it returns nil. prefix and dst's spare capacity must not
// overlap.
func AppendPrefixEnd(dst, prefix []byte) []byte {
	for i := len(prefix) - 1; i >= 0; i-- {
		if prefix[i] != 0xFF {
			n := len(dst)
			dst = append(dst, prefix[:i+1]...)
			dst[n+i]++
			return dst
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
