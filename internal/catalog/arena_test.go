package catalog

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRowSlab_EntryBesideBox ensures a primary item's value is the box
// right behind it in the same 48-byte slot, in chunks of every size the
// slab makes, so that reading a row through its item finds the box in the
// item's cache line or the next; and that each box holds its own row.
func TestRowSlab_EntryBesideBox(t *testing.T) {
	require.Equal(t, uintptr(48), unsafe.Sizeof(RowEntry{}))
	var s RowSlab
	var rows [][]any
	for i := range 4 * rowSlabEntries { // every chunk size
		vals := []any{int64(i), "title"}
		it := s.Entry([]byte{byte(i), byte(i >> 8)}, vals)
		at := uintptr(unsafe.Pointer(it))
		assert.Equal(t, at+unsafe.Offsetof(RowEntry{}.box), uintptr(unsafe.Pointer(it.Val())), "row %d: box not behind its item", i)
		assert.Equal(t, []byte{byte(i), byte(i >> 8)}, it.Key())
		rows = append(rows, RowOf(it.Val()))
	}
	for i, r := range rows {
		assert.Equal(t, int64(i), r[0])
	}
}
