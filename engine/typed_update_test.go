package engine_test

import (
	"context"
	"math"
	"testing"

	"github.com/cockroachdb/apd/v3"
	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/engine/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// uItem maps every column of the items table with a field type the typed
// API stores without reflect.
type uItem struct {
	ID    int64
	Title string
	Price apd.Decimal // numeric without a scale: 1.5 and 1.50 differ
	Ratio float64
	Done  bool
	N     int
}

func itemsDB(t *testing.T) *engine.DB {
	t.Helper()
	db := testutil.OpenDB(t, engine.Table{Name: "items", PrimaryKey: []string{"id"}, Columns: []engine.Column{
		{Name: "id", Type: engine.Int}, {Name: "title", Type: engine.Text}, {Name: "price", Type: engine.Decimal},
		{Name: "ratio", Type: engine.Float}, {Name: "done", Type: engine.Bool}, {Name: "n", Type: engine.Int}}})
	require.NoError(t, engine.Register[uItem](db, "items"))
	require.NoError(t, db.Update(context.Background(), func(tx *engine.Tx) error {
		_, err := tx.Insert("items", engine.Row{"id": 1, "title": "a", "price": "1.5", "ratio": 0.0, "done": false, "n": 7})
		return err
	}))
	return db
}

// storedItem reads item 1 through the dynamic API, the row as stored.
func storedItem(t *testing.T, db *engine.DB) engine.Row {
	t.Helper()
	var row engine.Row
	require.NoError(t, db.View(context.Background(), func(tx *engine.Tx) error {
		r, err := tx.Get("items", 1)
		if err == nil {
			row = r.Row()
		}
		return err
	}))
	return row
}

// TestTyped_Update_EveryField: Update stores every column field of the
// object, whether or not it changed since the object was read, and only
// what the fields hold: an unchanged field is not left as another write
// of the transaction made it, a decimal keeps the scale of the field, a
// float its sign of zero, and an update that changes nothing succeeds and
// changes nothing.
func TestTyped_Update_EveryField(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, tx *engine.Tx, it *uItem)
		check  func(t *testing.T, row engine.Row)
	}{
		{"one field", func(t *testing.T, _ *engine.Tx, it *uItem) { it.Title = "b" }, func(t *testing.T, row engine.Row) {
			assert.Equal(t, "b", row["title"])
			assert.Equal(t, int64(7), row["n"])
			assert.Equal(t, "1.5", row["price"].(*apd.Decimal).String())
		}},
		{"nothing", func(*testing.T, *engine.Tx, *uItem) {}, func(t *testing.T, row engine.Row) {
			assert.Equal(t, engine.Row{"id": int64(1), "title": "a", "price": row["price"], "ratio": 0.0, "done": false, "n": int64(7)}, row)
			assert.Equal(t, "1.5", row["price"].(*apd.Decimal).String())
		}},
		{"a field another write changed", func(t *testing.T, tx *engine.Tx, it *uItem) {
			_, err := tx.Update("items", 1, engine.Row{"title": "other", "n": 8})
			require.NoError(t, err)
			it.Done = true
		}, func(t *testing.T, row engine.Row) {
			assert.Equal(t, "a", row["title"], "the object's title, as it read it")
			assert.Equal(t, int64(7), row["n"])
			assert.Equal(t, true, row["done"])
		}},
		{"the same number, another scale", func(t *testing.T, _ *engine.Tx, it *uItem) {
			_, _, err := it.Price.SetString("1.50")
			require.NoError(t, err)
		}, func(t *testing.T, row engine.Row) {
			assert.Equal(t, "1.50", row["price"].(*apd.Decimal).String())
		}},
		{"the same digits, another exponent", func(t *testing.T, _ *engine.Tx, it *uItem) {
			it.Price.Exponent = 0 // 15
		}, func(t *testing.T, row engine.Row) {
			assert.Equal(t, "15", row["price"].(*apd.Decimal).String())
		}},
		{"negative zero", func(t *testing.T, _ *engine.Tx, it *uItem) { it.Ratio = math.Copysign(0, -1) }, func(t *testing.T, row engine.Row) {
			assert.True(t, math.Signbit(row["ratio"].(float64)))
		}},
		{"an int field", func(t *testing.T, _ *engine.Tx, it *uItem) { it.N = -3 }, func(t *testing.T, row engine.Row) {
			assert.Equal(t, int64(-3), row["n"])
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := itemsDB(t)
			require.NoError(t, db.Update(context.Background(), func(tx *engine.Tx) error {
				it, err := engine.Get[uItem](tx, 1)
				require.NoError(t, err)
				tc.change(t, tx, it)
				want := *it
				require.NoError(t, engine.Update(tx, it))
				assert.Equal(t, want.Title, it.Title, "the stored row copied back")
				again, err := engine.Get[uItem](tx, 1)
				require.NoError(t, err)
				assert.Same(t, it, again)
				return nil
			}))
			tc.check(t, storedItem(t, db))
		})
	}
}

// TestTyped_Update_ReadCommitted: in a transaction that takes row locks,
// Update stores every field of the object over the row as committed when
// it locks it, a column another transaction changed since included.
func TestTyped_Update_ReadCommitted(t *testing.T) {
	db := itemsDB(t)
	ctx := context.Background()
	tx, err := db.Begin(ctx, engine.TxOptions{Isolation: engine.ReadCommitted})
	require.NoError(t, err)
	defer tx.Rollback()
	it, err := engine.Get[uItem](tx, 1)
	require.NoError(t, err)
	require.NoError(t, db.Update(ctx, func(other *engine.Tx) error {
		_, err := other.Update("items", 1, engine.Row{"n": 100, "title": "theirs"})
		return err
	}))
	it.Done = true
	require.NoError(t, engine.Update(tx, it))
	require.NoError(t, tx.Commit())
	row := storedItem(t, db)
	assert.Equal(t, true, row["done"])
	assert.Equal(t, "a", row["title"], "every field of the object")
	assert.Equal(t, int64(7), row["n"])
}
