package engine

import (
	"context"
	"reflect"
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

// lazyName maps the items table too, its fields in another order.
type lazyName struct {
	Name string
	ID   int64
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
	require.NoError(t, Register[lazyName](db, "items"))
	require.NoError(t, db.View(ctx, func(tx *Tx) error {
		it, err := Get[lazyItem](tx, int64(2))
		require.NoError(t, err)
		named, err := Get[lazyName](tx, int64(2))
		require.NoError(t, err, "the row the Tx holds the object of, as another model")
		assert.Equal(t, lazyName{Name: "n", ID: 2}, *named)
		again, err := Get[lazyItem](tx, int64(2))
		require.NoError(t, err)
		assert.Same(t, it, again)
		again2, err := Get[lazyName](tx, int64(2))
		require.NoError(t, err)
		assert.Same(t, named, again2)
		return nil
	}))
	require.NoError(t, db.View(ctx, func(tx *Tx) error {
		it, err := Get[lazyItem](tx, int64(2))
		require.NoError(t, err)
		assert.Nil(t, tx.models, "one object: no map, the object in the Tx")
		assert.Nil(t, tx.loose, "and no loose result: the object needs no record yet")
		again, err := Get[lazyItem](tx, int64(2))
		require.NoError(t, err)
		assert.Same(t, it, again)
		assert.Nil(t, tx.models, "the row again: still the object in the Tx")
		assert.Nil(t, tx.loose, "and still no record made for it")
		r, ok := tx.modelState().recordOfObject(unsafe.Pointer(it))
		assert.Nil(t, tx.models.modelMaps, "the object's record made for the map: no maps")
		require.True(t, ok)
		assert.Equal(t, int64(2), r.Get("id"))
		return nil
	}))
	require.NoError(t, db.View(ctx, func(tx *Tx) error {
		it, err := Get[lazyItem](tx, int64(2))
		require.NoError(t, err)
		require.Nil(t, tx.models)
		r, ok := tx.modelState().recordOfObject(unsafe.Pointer(it))
		require.True(t, ok, "the object moves into the map made for it")
		assert.Equal(t, int64(2), r.Get("id"))
		other, err := Get[lazyItem](tx, int64(3))
		require.NoError(t, err)
		assert.NotSame(t, it, other)
		again, err := Get[lazyItem](tx, int64(2))
		require.NoError(t, err)
		assert.Same(t, it, again)
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

// TestDB_Model ensures a registered type's model is found by the scan of
// the model list, and in the map when the list is long or does not hold
// it yet (a Register under way); an unregistered type is not found.
func TestDB_Model(t *testing.T) {
	db := schemaDB(t, []Table{{Name: "items", PrimaryKey: []string{"id"}, Columns: []Column{
		{Name: "id", Type: Int}, {Name: "name", Type: Text}}}}, nil)
	require.NoError(t, Register[lazyItem](db, "items"))
	typ := reflect.TypeFor[lazyItem]()
	m, ok := db.model(typ)
	require.True(t, ok)
	assert.Equal(t, typ, m.typ)
	_, ok = db.model(reflect.TypeFor[int]())
	assert.False(t, ok)

	long := make([]*model, maxModelScan+1)
	for i := range long {
		long[i] = &model{typ: reflect.ArrayOf(i, reflect.TypeFor[byte]())}
	}
	db.modelList.Store(&long)
	got, ok := db.model(typ)
	assert.True(t, ok, "a long list: the map")
	assert.Same(t, m, got)
	short := long[:2]
	db.modelList.Store(&short)
	got, ok = db.model(typ)
	assert.True(t, ok, "not in the list yet: the map")
	assert.Same(t, m, got)
	got, ok = db.model(long[1].typ)
	assert.True(t, ok, "in the list")
	assert.Same(t, long[1], got)
}
