package catalog

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRowSlab_EntryBesideBox ensures a primary entry's value is the box
// right behind it in the same 64-byte, 64-byte-aligned slot, in chunks of
// every size the slab makes, so that reading a row through its entry
// touches one cache line for both; and that each box holds its own row.
func TestRowSlab_EntryBesideBox(t *testing.T) {
	require.Equal(t, uintptr(64), unsafe.Sizeof(RowEntry{}))
	var s RowSlab
	var rows [][]any
	for i := range 4 + 8*rowSlabSmall + 2*rowSlabEntries { // every chunk size
		vals := []any{int64(i), "title"}
		e := s.Entry([]byte{byte(i), byte(i >> 8)}, vals)
		box, ok := e.Val.(*[]any)
		require.True(t, ok)
		at := uintptr(unsafe.Pointer(e))
		assert.Equal(t, at+unsafe.Offsetof(RowEntry{}.box), uintptr(unsafe.Pointer(box)), "row %d: box not behind its entry", i)
		assert.Zero(t, at%64, "row %d: entry at %#x is not on a cache line", i, at)
		rows = append(rows, RowOf(e.Val))
	}
	for i, r := range rows {
		assert.Equal(t, int64(i), r[0])
	}
}
