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

// Chunks start small, so a short transaction allocates little, and double
// up to maxChunk.
const (
	minChunk = 256
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

// rowOf returns the row a tree entry holds. Entries of a table's primary
// tree and of its indexes share one boxed tuple per row version.
func RowOf(v any) []any { return *v.(*[]any) }

// slab hands out slices of T carved from chunks, so that many small slices
// cost an allocation per chunk instead of one each. A carved slice's
// capacity is clipped, so appending to it copies; a chunk stays alive while
// any slice carved from it does.
type Slab[T any] struct {
	buf []T
	Max int // the largest chunk, in elements; set before the first Take
}

// take returns a zeroed slice of n elements.
func (s *Slab[T]) Take(n int) []T {
	if n > s.Max/8 {
		return make([]T, n)
	}
	if cap(s.buf)-len(s.buf) < n {
		// Chunks double from a few slices' worth, so a short transaction
		// allocates little.
		s.buf = make([]T, 0, min(max(2*cap(s.buf), 4*n), s.Max))
	}
	start := len(s.buf)
	s.buf = s.buf[:start+n]
	return s.buf[start : start+n : start+n]
}

// rowSlab hands out row tuples and the primary-tree entries that hold them,
// carved from chunks: a row costs no allocation of its own beyond its
// values. A chunk stays alive while any row carved from it does.
type RowSlab struct {
	cells   Slab[any]
	entries []RowEntry
	chunks  int // entry chunks made
}

// rowEntry is a primary-tree entry with the box its value points to right
// behind it: 64 bytes, one cache line when aligned, so that reading a row
// through its entry does not miss the cache once more for the box.
type RowEntry struct {
	e   index.Entry
	box []any
}

const rowSlabCells = 1024

// Entry chunks must start on a cache line. The Go allocator puts a
// pointerful object of 513 bytes to 32 KiB 8 bytes past the start of its
// slot (behind a header), so chunks are 4 or 8 entries (256 or 512 bytes,
// aligned slots without a header) until a transaction has made
// rowSlabSmall of them, then rowSlabEntries: a large object, which starts
// on a page and takes whole pages (8 KiB), so its size is a multiple of a
// page: 640 entries, 40 KiB. (520 entries, 33,280 bytes, took 40 KiB all
// the same: a fifth of a bulk load's entry memory was the unused tail of
// each chunk.) A small transaction keeps little more than its rows alive,
// a bulk load allocates once per 640 rows.
const (
	rowSlabSmall   = 64
	rowSlabEntries = 640 // 40,960 bytes, five pages
)

// alloc returns a zeroed tuple of n values, from the slab when it is
// small.
func (s *RowSlab) Alloc(n int) []any {
	if s.cells.Max == 0 {
		s.cells.Max = rowSlabCells
	}
	return s.cells.Take(n)
}

// entry returns a primary-tree entry holding vals under key. Its value is
// the row's box, which the row's index entries share (see rowOf).
func (s *RowSlab) Entry(key []byte, vals []any) *index.Entry {
	if len(s.entries) == cap(s.entries) {
		n := 8
		switch {
		case s.chunks == 0:
			n = 4
		case s.chunks >= rowSlabSmall:
			n = rowSlabEntries
		}
		s.entries = make([]RowEntry, 0, n)
		s.chunks++
	}
	s.entries = append(s.entries, RowEntry{box: vals})
	re := &s.entries[len(s.entries)-1]
	re.e = index.Entry{Key: key, Val: &re.box}
	return &re.e
}
