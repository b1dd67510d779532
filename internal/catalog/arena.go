package catalog

import (
	"github.com/reldb/reldb/index"
)

// keyArena hands out key byte slices carved from large chunks, so that the
// keys a write transaction stores in trees and read sets cost no allocation
// each. A carved slice is never written again, and its capacity is clipped
// so that appending to it copies. A chunk stays alive while any key in it
// does: deleting rows frees their keys' memory only when the whole chunk is
// unreferenced.
type KeyArena struct {
	buf []byte
}

// Chunks start small, so that a short transaction's keys keep little
// alive (a row's keys in a table with one index take about a dozen
// bytes), and double up to maxChunk.
const (
	minChunk = 32
	maxChunk = 32 << 10
)

// own returns an immutable copy of b.
func (a *KeyArena) Own(b []byte) []byte {
	n := len(b)
	if cap(a.buf)-len(a.buf) < n {
		if n > maxChunk/4 {
			return append([]byte(nil), b...)
		}
		a.buf = make([]byte, 0, min(max(2*cap(a.buf), minChunk), maxChunk))
	}
	start := len(a.buf)
	a.buf = append(a.buf, b...)
	return a.buf[start : start+n : start+n]
}

// prefixEnd returns an immutable key just past every key that starts with
// prefix, or nil when there is none (see index.PrefixEnd).
func (a *KeyArena) PrefixEnd(prefix []byte) []byte {
	var buf [64]byte
	end := index.AppendPrefixEnd(buf[:0], prefix)
	if end == nil {
		return nil
	}
	return a.Own(end)
}

// RowOf returns the row a tree entry holds. Entries of a table's primary
// tree and of its indexes share one boxed tuple per row version.
func RowOf(v *[]any) []any { return *v }

// Slab hands out slices of T carved from chunks, so that many small slices
// cost an allocation per chunk instead of one each. A carved slice's
// capacity is clipped, so appending to it copies; a chunk stays alive while
// any slice carved from it does.
type Slab[T any] struct {
	buf []T
	Max int // the largest chunk, in elements; set before the first Take
}

// Take returns a zeroed slice of n elements.
func (s *Slab[T]) Take(n int) []T {
	if n > s.Max/8 {
		return make([]T, n)
	}
	if cap(s.buf)-len(s.buf) < n {
		// Chunks double from a few slices' worth, so a short transaction
		// allocates little. A chunk takes all of the memory the allocator
		// gives it: growing a nil slice rounds its capacity up to the size
		// class (a make of the size asked would leave the rest of the
		// class unused: 1,024 cells of 16 bytes and the 8-byte header of a
		// pointerful object took an 18,432-byte class, 11% more).
		s.buf = append([]T(nil), make([]T, min(max(2*cap(s.buf), 4*n), s.Max))...)[:0]
	}
	start := len(s.buf)
	s.buf = s.buf[:start+n]
	return s.buf[start : start+n : start+n]
}

// RowSlab hands out row tuples and the primary-tree items that hold them,
// carved from chunks: a row costs no allocation of its own. A row of
// AllocRow goes in a block with its item and its values (pack.go); one of
// Alloc, with Entry's item, keeps its values' own boxes. A chunk stays
// alive while any row carved from it does.
type RowSlab struct {
	cells   Slab[any]
	entries []RowEntry

	// Row blocks (pack.go): the shape of the table AllocRow last served,
	// the chunks of blocks by shape, and the blocks given since the last
	// Pack.
	lastDef   *Table
	lastShape *blockShape
	chunks    []blockChunk
	pending   []block
}

// RowEntry is a primary-tree item with the box its value points to right
// behind it: 48 bytes, so that reading a row through its item finds the
// box in the same cache line or the next.
type RowEntry struct {
	it  index.Item
	box []any
}

// rowSlabCells is the largest chunk of cells: 40,960 bytes, a large object
// of five whole pages.
const rowSlabCells = 2560

// Entry chunks double from 2 entries, so that a transaction that writes a
// row or two keeps little more than its rows alive, to rowSlabEntries: a
// large object, which takes whole 8 KiB pages, so its size is all but a
// multiple of a page: 853 entries, 40,944 of the 40,960 bytes of five
// pages. A bulk load allocates once per 853 rows.
const (
	rowSlabFirst   = 2
	rowSlabEntries = 853
)

// Alloc returns a zeroed tuple of n values, from the slab when it is
// small.
func (s *RowSlab) Alloc(n int) []any {
	if s.cells.Max == 0 {
		s.cells.Max = rowSlabCells
	}
	return s.cells.Take(n)
}

// Entry returns a primary-tree item holding vals under key. Its value is
// the row's box, which the row's index entries share (see RowOf). A row
// AllocRow gave since the last Pack has its item in its block.
func (s *RowSlab) Entry(key []byte, vals []any) *index.Item {
	if it := s.entryIn(key, vals); it != nil {
		return it
	}
	if len(s.entries) == cap(s.entries) {
		s.entries = make([]RowEntry, 0, min(max(2*cap(s.entries), rowSlabFirst), rowSlabEntries))
	}
	s.entries = append(s.entries, RowEntry{box: vals})
	re := &s.entries[len(s.entries)-1]
	re.it.Set(key, &re.box)
	return &re.it
}
