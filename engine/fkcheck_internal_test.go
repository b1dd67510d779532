package engine

import (
	"context"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/internal/catalog"
	"github.com/reldb/reldb/txn"
)

// dataOf returns the data word of an interface value: where a boxed value
// lives.
func dataOf(v any) uintptr { return uintptr((*[2]unsafe.Pointer)(unsafe.Pointer(&v))[1]) }

// boxInt boxes n anew at run time (a constant's box is static, and shared).
//
//go:noinline
func boxInt(n int64) any { return n }

// storedRow returns the row stored under key in table, read from the
// latest snapshot's primary tree.
func storedRow(t *testing.T, db *DB, table string, key any) []any {
	t.Helper()
	snap, d := latestTable(t, db, table)
	k, ok, err := d.EncodeKey(nil, key)
	require.True(t, ok)
	require.NoError(t, err)
	e, found := snap.Tree(d.Primary).Get(k)
	require.True(t, found)
	return catalog.RowOf(e.Val)
}

// latestTable returns the latest snapshot and table's definition in it.
func latestTable(t *testing.T, db *DB, table string) (*txn.Snapshot, *catalog.Table) {
	t.Helper()
	snap := db.oracle.Latest()
	var d *catalog.Table
	catalog.EachTable(snap, func(td *catalog.Table) {
		if td.Name == table {
			d = td
		}
	})
	require.NotNil(t, d, table)
	return snap, d
}

// schemaDB opens an in-memory DB, closed when the test ends, with tables
// and relations.
func schemaDB(t *testing.T, tables []Table, rels []Relation) *DB {
	t.Helper()
	db, err := Open(Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	require.NoError(t, db.Update(context.Background(), func(tx *Tx) error { return createSchema(tx, tables, rels) }))
	return db
}

// createSchema creates tables and then relations.
func createSchema(tx *Tx, tables []Table, rels []Relation) error {
	for _, tb := range tables {
		if err := tx.CreateTable(tb); err != nil {
			return err
		}
	}
	for _, r := range rels {
		if err := tx.CreateRelation(r); err != nil {
			return err
		}
	}
	return nil
}

// TestTx_Insert_SharesParentValues ensures a child row's foreign key
// values are its parent's own: the child's int64 and string boxes are
// dropped for the parent's, equal, ones, whether the parent was looked up
// or came from the transaction's parent cache; and that values whose keys
// drop part of them (a decimal's scale) are left alone.
func TestTx_Insert_SharesParentValues(t *testing.T) {
	ctx := context.Background()
	db := schemaDB(t, []Table{
		// Each parent has a column outside its key: a table of keys alone
		// makes its rows from its keys (index.NewDerivedTree) on every
		// read, and has none to share.
		{Name: "authors", PrimaryKey: []string{"id"}, Columns: []Column{{Name: "id", Type: Int}, {Name: "name", Type: Text}}},
		{Name: "langs", PrimaryKey: []string{"code"}, Columns: []Column{{Name: "code", Type: Text}, {Name: "name", Type: Text}}},
		{Name: "prices", PrimaryKey: []string{"p"}, Columns: []Column{{Name: "p", Type: Decimal, Precision: 10, Scale: 2}}},
		{Name: "books", PrimaryKey: []string{"id"}, Columns: []Column{{Name: "id", Type: Int},
			{Name: "author_id", Type: Int}, {Name: "lang", Type: Text}, {Name: "p", Type: Decimal, Precision: 10, Scale: 2}}},
	}, []Relation{
		{Child: "books", Columns: []string{"author_id"}, Parent: "authors", ParentAs: "author", ChildrenAs: "books"},
		{Child: "books", Columns: []string{"lang"}, Parent: "langs", ParentAs: "language", ChildrenAs: "books"},
		{Child: "books", Columns: []string{"p"}, Parent: "prices", ParentAs: "price", ChildrenAs: "books"},
	})
	require.NoError(t, db.Update(ctx, func(tx *Tx) error {
		if _, err := tx.Insert("authors", Row{"id": boxInt(1000)}); err != nil {
			return err
		}
		if _, err := tx.Insert("langs", Row{"code": "en"}); err != nil {
			return err
		}
		_, err := tx.Insert("prices", Row{"p": "9.5"})
		return err
	}))
	const books = 2 * parentCacheAfter // past the checks the parent cache waits for
	require.NoError(t, db.Update(ctx, func(tx *Tx) error {
		for i := range int64(books) {
			lang := string([]byte("en")) // a string of the child's own
			if _, err := tx.Insert("books", Row{"id": i, "author_id": boxInt(1000), "lang": lang, "p": "9.50"}); err != nil {
				return err
			}
		}
		return nil
	}))
	author, lang, price := storedRow(t, db, "authors", int64(1000)), storedRow(t, db, "langs", "en"), storedRow(t, db, "prices", "9.5")
	for i := range int64(books) {
		b := storedRow(t, db, "books", i)
		assert.Equal(t, dataOf(author[0]), dataOf(b[1]), "book %d: author_id is the author's id", i)
		assert.Same(t, unsafe.StringData(lang[0].(string)), unsafe.StringData(b[2].(string)), "book %d: lang is the language's code", i)
		assert.NotEqual(t, dataOf(price[0]), dataOf(b[3]), "book %d: a decimal keeps its own scale", i)
		assert.Equal(t, "9.50", catalog.FormatValue(b[3]))
	}
}

// TestTx_Insert_FailedRowLeavesNoPendingCheck ensures that a row refused
// by one of its foreign keys leaves behind no deferred check of another:
// the failed statement changes nothing, its pending checks included,
// whether it inserts one row or several.
func TestTx_Insert_FailedRowLeavesNoPendingCheck(t *testing.T) {
	ctx := context.Background()
	db := schemaDB(t, []Table{
		{Name: "as", PrimaryKey: []string{"id"}, Columns: []Column{{Name: "id", Type: Int}}},
		{Name: "bs", PrimaryKey: []string{"id"}, Columns: []Column{{Name: "id", Type: Int}}},
		{Name: "kids", PrimaryKey: []string{"id"}, Columns: []Column{{Name: "id", Type: Int},
			{Name: "a_id", Type: Int}, {Name: "b_id", Type: Int}}},
	}, []Relation{
		{Child: "kids", Columns: []string{"a_id"}, Parent: "as", Deferrable: true, InitiallyDeferred: true},
		{Child: "kids", Columns: []string{"b_id"}, Parent: "bs"},
	})
	for _, iso := range []Isolation{Serializable, ReadCommitted} {
		t.Run(iso.String(), func(t *testing.T) {
			tx, err := db.Begin(ctx, TxOptions{Isolation: iso})
			require.NoError(t, err)
			defer tx.Rollback()
			orphan := Row{"id": 1, "a_id": 7, "b_id": 8} // a deferred, b not
			_, err = tx.Insert("kids", orphan)
			require.ErrorIs(t, err, ErrForeignKey)
			assert.Empty(t, tx.pending, "Insert")
			_, err = tx.InsertRows("kids", orphan)
			require.ErrorIs(t, err, ErrForeignKey)
			assert.Empty(t, tx.pending, "InsertRows of one row")
			_, err = tx.InsertRows("kids", Row{"id": 2, "a_id": 7}, orphan)
			require.ErrorIs(t, err, ErrForeignKey)
			assert.Empty(t, tx.pending, "InsertRows of two rows")
		})
	}
}

// TestTx_InsertRows_ReadCommittedSharesParentValues ensures that under
// ReadCommitted, where a statement's checks lock the parent at its end
// (the SQL layer's inserts), a child row written by the statement still
// takes its parent's values; and that one whose check is deferred to
// commit, whose records the caller already holds, keeps its own.
func TestTx_InsertRows_ReadCommittedSharesParentValues(t *testing.T) {
	ctx := context.Background()
	db := schemaDB(t, []Table{
		// not a table of keys alone (see TestTx_Insert_SharesParentValues)
		{Name: "authors", PrimaryKey: []string{"id"}, Columns: []Column{{Name: "id", Type: Int}, {Name: "name", Type: Text}}},
		{Name: "books", PrimaryKey: []string{"id"}, Columns: []Column{{Name: "id", Type: Int}, {Name: "author_id", Type: Int}}},
		{Name: "notes", PrimaryKey: []string{"id"}, Columns: []Column{{Name: "id", Type: Int}, {Name: "author_id", Type: Int}}},
	}, []Relation{
		{Child: "books", Columns: []string{"author_id"}, Parent: "authors"},
		{Child: "notes", Columns: []string{"author_id"}, Parent: "authors", Deferrable: true, InitiallyDeferred: true},
	})
	tx, err := db.Begin(ctx, TxOptions{Isolation: ReadCommitted})
	require.NoError(t, err)
	defer tx.Rollback()
	_, err = tx.Insert("authors", Row{"id": boxInt(1000)})
	require.NoError(t, err)
	_, err = tx.InsertRows("books", Row{"id": 1, "author_id": boxInt(1000)}, Row{"id": 2, "author_id": boxInt(1000)})
	require.NoError(t, err)
	_, err = tx.InsertRows("notes", Row{"id": 1, "author_id": boxInt(1000)})
	require.NoError(t, err)
	require.NoError(t, tx.Commit())

	author := storedRow(t, db, "authors", int64(1000))
	for _, id := range []int64{1, 2} {
		assert.Equal(t, dataOf(author[0]), dataOf(storedRow(t, db, "books", id)[1]), "book %d: author_id is the author's id", id)
	}
	note := storedRow(t, db, "notes", int64(1))
	assert.NotEqual(t, dataOf(author[0]), dataOf(note[1]), "a check deferred to commit leaves the row alone")
	assert.Equal(t, int64(1000), note[1])
}
