package engine

import (
	"context"
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

type lazyItem struct {
	ID   int64
	Name string
}

// TestModelState_Lazy ensures the identity map stays a few words while a
// transaction reads one object or one result, and that what it holds then
// still answers for every object: the same object again, its record, and
// the same objects once the map has grown.
func TestModelState_Lazy(t *testing.T) {
	db := schemaDB(t, []Table{{Name: "items", PrimaryKey: []string{"id"}, Columns: []Column{
		{Name: "id", Type: Int}, {Name: "name", Type: Text}}}}, nil)
	ctx := context.Background()
	require.NoError(t, db.Update(ctx, func(tx *Tx) error {
		for id := range int64(5) {
			if _, err := tx.Insert("items", Row{"id": id, "name": "n"}); err != nil {
				return err
			}
		}
		return nil
	}))
	require.NoError(t, Register[lazyItem](db, "items"))
	require.NoError(t, db.View(ctx, func(tx *Tx) error {
		it, err := Get[lazyItem](tx, int64(2))
		require.NoError(t, err)
		assert.Nil(t, tx.models.modelMaps, "one object: no maps")
		r, ok := tx.models.recordOfObject(unsafe.Pointer(it))
		require.True(t, ok)
		assert.Equal(t, int64(2), r.Get("id"))
		again, err := Get[lazyItem](tx, int64(2))
		require.NoError(t, err)
		assert.Same(t, it, again)
		assert.Nil(t, tx.models.modelMaps, "the same object again: no maps")
		return nil
	}))
	require.NoError(t, db.View(ctx, func(tx *Tx) error {
		items, err := Find[lazyItem](tx, Lt("id", 4))
		require.NoError(t, err)
		require.Len(t, items, 4)
		assert.Nil(t, tx.models.modelMaps, "one result: no maps")
		for i, it := range items {
			r, ok := tx.models.recordOfObject(unsafe.Pointer(it))
			require.True(t, ok)
			assert.Equal(t, int64(i), r.Get("id"))
		}
		_, ok := tx.models.recordOfObject(unsafe.Pointer(&lazyItem{}))
		assert.False(t, ok, "an object the transaction did not make")
		_, ok = tx.models.recordOfObject(unsafe.Add(unsafe.Pointer(items[1]), 8))
		assert.False(t, ok, "inside an object")
		one, err := Get[lazyItem](tx, int64(3))
		require.NoError(t, err)
		assert.Same(t, items[3], one, "a row of the result, got")
		all, err := Find[lazyItem](tx)
		require.NoError(t, err)
		require.Len(t, all, 5)
		assert.NotNil(t, tx.models.modelMaps, "a second result: the maps")
		for i := range items {
			assert.Same(t, items[i], all[i])
		}
		r, ok := tx.models.recordOfObject(unsafe.Pointer(all[4]))
		require.True(t, ok)
		assert.Equal(t, int64(4), r.Get("id"))
		return nil
	}))
}
