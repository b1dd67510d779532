package engine

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRowObjects_PutGet ensures the identity table finds every row put,
// across its growth, finds no row not put, and replaces a row's object.
func TestRowObjects_PutGet(t *testing.T) {
	rows := make([][]any, 5000)
	objs := make([]int, len(rows))
	var tab rowObjects
	_, ok := tab.get(new(any))
	assert.False(t, ok, "empty table")
	for i := range rows {
		rows[i] = make([]any, 2)
		tab.put(&rows[i][0], unsafe.Pointer(&objs[i]))
	}
	require.Equal(t, len(rows), tab.n)
	for i := range rows {
		p, ok := tab.get(&rows[i][0])
		require.True(t, ok, "row %d", i)
		require.Equal(t, unsafe.Pointer(&objs[i]), p, "row %d", i)
		_, ok = tab.get(&rows[i][1])
		require.False(t, ok, "a value that is not a row's first")
	}
	var other int
	tab.put(&rows[7][0], unsafe.Pointer(&other))
	p, _ := tab.get(&rows[7][0])
	assert.Equal(t, unsafe.Pointer(&other), p, "put again replaces")
	assert.Equal(t, len(rows), tab.n, "and adds no row")
	assert.LessOrEqual(t, 4*tab.n, 3*len(tab.keys), "load factor kept")
}
