package engine

import (
	"context"
	"testing"
	"time"
	"unsafe"

	"github.com/cockroachdb/apd/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/index"
	"github.com/reldb/reldb/internal/catalog"
)

// inBlock reports whether the value of row[i] is held in the row's block,
// right behind its cells (catalog's pack.go), rather than in a box of its
// own or in another row's memory.
func inBlock(row []any, i int) bool {
	end := uintptr(unsafe.Pointer(&row[len(row)-1])) + unsafe.Sizeof(row[0])
	p := dataOf(row[i])
	return p >= end && p < end+uintptr(len(row))*unsafe.Sizeof(apd.Decimal{})
}

// packTables are a parent and a child with a column of every type, the
// child's author_id a foreign key that ON DELETE SET NULL rewrites.
var packTables = []Table{
	{Name: "authors", PrimaryKey: []string{"id"}, Columns: []Column{{Name: "id", Type: Int}, {Name: "name", Type: Text}}},
	{Name: "books", PrimaryKey: []string{"id"}, Columns: []Column{{Name: "id", Type: Int}, {Name: "author_id", Type: Int},
		{Name: "title", Type: Text}, {Name: "price", Type: Decimal, Precision: 10, Scale: 2}, {Name: "score", Type: Float},
		{Name: "ok", Type: Bool}, {Name: "at", Type: Time}, {Name: "raw", Type: Bytes}}},
}

var packRelations = []Relation{{Child: "books", Columns: []string{"author_id"}, Parent: "authors", ParentAs: "author", ChildrenAs: "books", OnDelete: SetNull}}

// requirePacked checks that every stored row of table holds its values of
// packed types (int64, float64, bool, string, decimal) in its own block,
// except a foreign key's columns, which share their parent's; and returns
// the rows by primary key for their values to be checked.
func requirePacked(t *testing.T, db *DB, table string) map[int64][]any {
	t.Helper()
	snap, d := latestTable(t, db, table)
	fk := map[int]bool{}
	for _, f := range d.FKs {
		for _, c := range f.ChildCols {
			fk[c] = true
		}
	}
	rows := map[int64][]any{}
	snap.Tree(d.Primary).Ascend(nil, nil, func(e index.Entry) bool {
		row := catalog.RowOf(e.Val)
		rows[row[0].(int64)] = row
		for i, v := range row {
			switch v.(type) {
			case int64, float64, bool, string, *apd.Decimal:
				if !fk[i] {
					assert.True(t, inBlock(row, i), "%s row %v: column %s is not in the row's block", table, row[0], d.Cols[i].Name)
				}
			}
		}
		return true
	})
	return rows
}

// TestRowBlocks_EveryWritePath writes rows by every path that stores a
// row (Insert, InsertRows, Update, a cascade's SET NULL, a column added,
// a reopen from the log and from a checkpoint) and checks that each
// stored row is in its block with its values intact.
func TestRowBlocks_EveryWritePath(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(Options{Dir: dir})
	require.NoError(t, err)
	defer func() { _ = db.Close() }()
	at := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	require.NoError(t, db.Update(ctx, func(tx *Tx) error {
		if err := createSchema(tx, packTables, packRelations); err != nil {
			return err
		}
		if _, err := tx.InsertRows("authors", Row{"id": 1, "name": "Ann"}, Row{"id": 2, "name": "Bo"}); err != nil {
			return err
		}
		for id := int64(1); id <= 4; id++ {
			if _, err := tx.Insert("books", Row{"id": id, "author_id": 1 + id%2, "title": "t", "price": "9.5",
				"score": 0.5, "ok": true, "at": at, "raw": []byte{1}}); err != nil {
				return err
			}
		}
		return nil
	}))
	require.NoError(t, db.Update(ctx, func(tx *Tx) error {
		if _, err := tx.Update("books", int64(1), Row{"title": "new", "price": "1.25"}); err != nil {
			return err
		}
		return tx.Delete("authors", int64(1)) // books 2 and 4 lose their author
	}))
	check := func(when string) {
		t.Helper()
		books := requirePacked(t, db, "books")
		requirePacked(t, db, "authors")
		require.Len(t, books, 4, when)
		assert.Equal(t, []any{"new", "1.25"}, []any{books[1][2], catalog.FormatValue(books[1][3])}, when)
		for id, b := range books {
			assert.Equal(t, id, b[0], when)
			if id%2 == 0 {
				assert.Nil(t, b[1], "%s: book %d's author was deleted", when, id)
			} else {
				assert.Equal(t, int64(2), b[1], when)
			}
			assert.Equal(t, []any{0.5, true, at, []byte{1}}, b[4:8], when)
		}
	}
	check("after writes")

	require.NoError(t, db.Update(ctx, func(tx *Tx) error {
		return tx.AddColumn("books", Column{Name: "pages", Type: Int, Default: int64(100)})
	}))
	books := requirePacked(t, db, "books")
	for id, b := range books {
		assert.Equal(t, int64(100), b[8], "book %d", id)
	}
	require.NoError(t, db.Update(ctx, func(tx *Tx) error { return tx.DropColumn("books", "pages") }))
	check("after a column came and went")

	require.NoError(t, db.Close())
	db, err = Open(Options{Dir: dir})
	require.NoError(t, err)
	check("reopened from the log")
	require.NoError(t, db.Checkpoint())
	require.NoError(t, db.Close())
	db, err = Open(Options{Dir: dir})
	require.NoError(t, err)
	check("reopened from a checkpoint")
}
