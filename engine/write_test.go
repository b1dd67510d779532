package engine_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/engine/internal/testutil"
)

// Helpers shared by schema_test.go, types_test.go, write_test.go,
// query_test.go and model_test.go. They carry a sem prefix so they do not
// collide with the helpers of the package's other test files.

var semCtx = context.Background()

// semUpdate runs fn in a write transaction and fails the test on error.
func semUpdate(tb testing.TB, db *engine.DB, fn func(tx *engine.Tx) error) {
	tb.Helper()
	require.NoError(tb, db.Update(semCtx, fn))
}

// semView runs fn in a read-only transaction and fails the test on error.
func semView(tb testing.TB, db *engine.DB, fn func(tx *engine.Tx) error) {
	tb.Helper()
	require.NoError(tb, db.View(semCtx, fn))
}

// semBegin starts an explicit write transaction that is rolled back when the
// test ends unless it was committed.
func semBegin(tb testing.TB, db *engine.DB) *engine.Tx {
	tb.Helper()
	tx, err := db.Begin(semCtx, engine.TxOptions{})
	require.NoError(tb, err)
	tb.Cleanup(func() { _ = tx.Rollback() })
	return tx
}

// semInsert inserts rows into table in one transaction.
func semInsert(tb testing.TB, db *engine.DB, table string, rows ...engine.Row) {
	tb.Helper()
	semUpdate(tb, db, func(tx *engine.Tx) error {
		for _, r := range rows {
			if _, err := tx.Insert(table, r); err != nil {
				return err
			}
		}
		return nil
	})
}

// semTxDump renders every table as tx sees it, in testutil.Dump's format, so
// that a failed statement can be shown to leave its transaction unchanged.
func semTxDump(tb testing.TB, tx *engine.Tx) string {
	tb.Helper()
	tables, err := tx.Tables()
	require.NoError(tb, err)
	var b strings.Builder
	for _, t := range tables {
		rows, err := tx.Query(t.Name).All()
		require.NoError(tb, err)
		b.WriteString(t.Name)
		if len(rows) == 0 {
			b.WriteString(": empty\n")
			continue
		}
		b.WriteString(":\n")
		for _, r := range rows {
			b.WriteString("  " + r.String() + "\n")
		}
	}
	return b.String()
}

// semAssertConstraint checks that err is a *ConstraintError wrapping want.Kind
// whose Constraint, Table, Columns, Key and SQLState equal want's.
func semAssertConstraint(tb testing.TB, err error, want engine.ConstraintError) {
	tb.Helper()
	require.ErrorIs(tb, err, want.Kind)
	var ce *engine.ConstraintError
	if !assert.ErrorAs(tb, err, &ce) {
		return
	}
	assert.ErrorIs(tb, ce.Kind, want.Kind, "Kind")
	assert.Equal(tb, want.Constraint, ce.Constraint, "Constraint")
	assert.Equal(tb, want.Table, ce.Table, "Table")
	assert.Equal(tb, want.Columns, ce.Columns, "Columns")
	assert.Equal(tb, want.Key, ce.Key, "Key")
	assert.Equal(tb, want.SQLState, ce.SQLState, "SQLState")
	assert.Equal(tb, want.SQLState, engine.SQLState(err), "engine.SQLState")
}

// semIDs returns the primary keys of records, in order.
func semIDs(recs []engine.Record) []any {
	out := make([]any, len(recs))
	for i, r := range recs {
		out[i] = r.ID()
	}
	return out
}

// semItems is the table most write tests use: a primary key, a NOT NULL
// unique column, a NOT NULL column with a default, nullable columns, a
// nullable unique column, a composite unique index and a secondary index.
func semItems() engine.Table {
	return engine.Table{
		Name: "items",
		Columns: []engine.Column{
			{Name: "id", Type: engine.Int},
			{Name: "sku", Type: engine.Text, NotNull: true},
			{Name: "name", Type: engine.Text},
			{Name: "tag", Type: engine.Text},
			{Name: "qty", Type: engine.Int, NotNull: true, Default: 0},
			{Name: "code", Type: engine.Int},
		},
		PrimaryKey: []string{"id"},
		Indexes: []engine.Index{
			{Name: "items_sku", Columns: []string{"sku"}, Unique: true},
			{Name: "items_code", Columns: []string{"code"}, Unique: true},
			{Name: "items_name_tag", Columns: []string{"name", "tag"}, Unique: true},
			{Name: "items_tag", Columns: []string{"tag"}},
		},
	}
}

// semSeededItems opens a database with items 7 (sku a) and 8 (sku b).
func semSeededItems(t *testing.T) *engine.DB {
	t.Helper()
	db := testutil.OpenDB(t, semItems())
	semInsert(t, db, "items",
		engine.Row{"id": 7, "sku": "a", "name": "n", "tag": "t", "code": 1},
		engine.Row{"id": 8, "sku": "b", "name": "m", "tag": "t", "qty": 3},
	)
	return db
}

// TestTx_Insert_StoresRow ensures Insert returns the row as stored, with
// defaults filled in and values converted, and Get reads it back.
func TestTx_Insert_StoresRow(t *testing.T) {
	db := testutil.OpenDB(t, semItems())
	semUpdate(t, db, func(tx *engine.Tx) error {
		r, err := tx.Insert("items", engine.Row{"id": int32(1), "sku": "x"})
		require.NoError(t, err)
		assert.Equal(t, engine.Row{"id": int64(1), "sku": "x", "name": nil, "tag": nil, "qty": int64(0), "code": nil}, r.Row())
		got, err := tx.Get("items", 1)
		require.NoError(t, err)
		assert.Equal(t, r.Row(), got.Row())
		return nil
	})
	assert.Equal(t, "items:\n  items(id=1, sku=x, name=NULL, tag=NULL, qty=0, code=NULL)\n", testutil.Dump(t, db))
}

// TestTx_Insert_Errors ensures every refused insert returns the right error
// and leaves both its transaction and the database unchanged.
func TestTx_Insert_Errors(t *testing.T) {
	tests := []struct {
		name    string
		table   string
		row     engine.Row
		wantErr error
		wantCE  *engine.ConstraintError // checked when set
	}{
		{"no table", "nope", engine.Row{"id": 1}, engine.ErrNoTable, nil},
		{"no column", "items", engine.Row{"id": 1, "sku": "x", "color": "red"}, engine.ErrNoColumn, nil},
		{"text into int", "items", engine.Row{"id": "1", "sku": "x"}, engine.ErrType, nil},
		{"int into text", "items", engine.Row{"id": 1, "sku": 5}, engine.ErrType, nil},
		{"not null omitted", "items", engine.Row{"id": 1}, engine.ErrNotNull,
			&engine.ConstraintError{Kind: engine.ErrNotNull, Table: "items", Columns: []string{"sku"}, SQLState: "23502"}},
		{"explicit nil overrides default", "items", engine.Row{"id": 1, "sku": "x", "qty": nil}, engine.ErrNotNull,
			&engine.ConstraintError{Kind: engine.ErrNotNull, Table: "items", Columns: []string{"qty"}, SQLState: "23502"}},
		{"nil primary key", "items", engine.Row{"id": nil, "sku": "x"}, engine.ErrNotNull,
			&engine.ConstraintError{Kind: engine.ErrNotNull, Table: "items", Columns: []string{"id"}, SQLState: "23502"}},
		{"duplicate primary key", "items", engine.Row{"id": 7, "sku": "x"}, engine.ErrUnique,
			&engine.ConstraintError{Kind: engine.ErrUnique, Constraint: "items_pkey", Table: "items", Columns: []string{"id"}, Key: "(id)=(7)", SQLState: "23505"}},
		{"duplicate unique column", "items", engine.Row{"id": 1, "sku": "a"}, engine.ErrUnique,
			&engine.ConstraintError{Kind: engine.ErrUnique, Constraint: "items_sku", Table: "items", Columns: []string{"sku"}, Key: "(sku)=(a)", SQLState: "23505"}},
		{"duplicate nullable unique column", "items", engine.Row{"id": 1, "sku": "x", "code": 1}, engine.ErrUnique,
			&engine.ConstraintError{Kind: engine.ErrUnique, Constraint: "items_code", Table: "items", Columns: []string{"code"}, Key: "(code)=(1)", SQLState: "23505"}},
		{"duplicate composite unique", "items", engine.Row{"id": 1, "sku": "x", "name": "n", "tag": "t"}, engine.ErrUnique,
			&engine.ConstraintError{Kind: engine.ErrUnique, Constraint: "items_name_tag", Table: "items", Columns: []string{"name", "tag"}, Key: "(name, tag)=(n, t)", SQLState: "23505"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := semSeededItems(t)
			seeded := testutil.Dump(t, db)
			tx := semBegin(t, db)
			_, err := tx.Insert("items", engine.Row{"id": 100, "sku": "pending"})
			require.NoError(t, err)
			before := semTxDump(t, tx)

			_, err = tx.Insert(tc.table, tc.row)
			require.ErrorIs(t, err, tc.wantErr)
			if tc.wantCE != nil {
				semAssertConstraint(t, err, *tc.wantCE)
			}
			assert.Equal(t, before, semTxDump(t, tx), "the failed statement changed its transaction")
			assert.Equal(t, seeded, testutil.Dump(t, db), "an uncommitted transaction changed the database")

			// The transaction is still usable and commits its earlier write.
			require.NoError(t, tx.Commit())
			assert.Equal(t, before, testutil.Dump(t, db))
		})
	}
}

// TestTx_Insert_NotNullFailingRow ensures a NOT NULL violation carries
// the row it refused, defaults applied, in column order: what a SQL
// layer renders as PostgreSQL's "Failing row contains".
func TestTx_Insert_NotNullFailingRow(t *testing.T) {
	db := semSeededItems(t)
	tx := semBegin(t, db)
	defer tx.Rollback()
	_, err := tx.Insert("items", engine.Row{"id": 1})
	var ce *engine.ConstraintError
	require.ErrorAs(t, err, &ce)
	tb, err := tx.Table("items")
	require.NoError(t, err)
	require.Len(t, ce.Row, len(tb.Columns))
	for i, c := range tb.Columns {
		switch c.Name {
		case "id":
			assert.Equal(t, int64(1), ce.Row[i])
		case "sku":
			assert.Nil(t, ce.Row[i])
		case "qty":
			assert.Equal(t, int64(0), ce.Row[i], "the default is applied")
		}
	}
	assert.Contains(t, ce.Detail, "failing row contains (1, ")
}

// TestTx_Insert_UniqueNulls ensures NULLs are distinct in unique indexes, as
// in PostgreSQL: rows with a NULL in any indexed column never conflict.
func TestTx_Insert_UniqueNulls(t *testing.T) {
	db := testutil.OpenDB(t, semItems())
	semInsert(t, db, "items",
		engine.Row{"id": 1, "sku": "a", "code": nil, "name": "n", "tag": nil},
		engine.Row{"id": 2, "sku": "b", "code": nil, "name": "n", "tag": nil},
		engine.Row{"id": 3, "sku": "c", "name": nil, "tag": "t"},
		engine.Row{"id": 4, "sku": "d", "name": nil, "tag": "t"},
		engine.Row{"id": 5, "sku": "e", "name": nil, "tag": nil},
		engine.Row{"id": 6, "sku": "f", "name": nil, "tag": nil},
	)
	semView(t, db, func(tx *engine.Tx) error {
		n, err := tx.Query("items").Where(engine.IsNull("code")).Count()
		require.NoError(t, err)
		assert.Equal(t, 6, n)
		return nil
	})
	// A non-NULL value is still unique next to the NULLs.
	seeded := testutil.Dump(t, db)
	err := db.Update(semCtx, func(tx *engine.Tx) error {
		if _, err := tx.Insert("items", engine.Row{"id": 10, "sku": "x", "name": "n", "tag": "t"}); err != nil {
			return err
		}
		_, err := tx.Insert("items", engine.Row{"id": 11, "sku": "y", "name": "n", "tag": "t"})
		return err
	})
	semAssertConstraint(t, err, engine.ConstraintError{Kind: engine.ErrUnique, Constraint: "items_name_tag", Table: "items",
		Columns: []string{"name", "tag"}, Key: "(name, tag)=(n, t)", SQLState: "23505"})
	assert.Equal(t, seeded, testutil.Dump(t, db))
}

// TestTx_Get_Errors ensures lookups of missing or malformed keys fail with
// the right sentinel.
func TestTx_Get_Errors(t *testing.T) {
	db := semSeededItems(t)
	tests := []struct {
		name    string
		table   string
		key     any
		wantErr error
	}{
		{"missing key", "items", 99, engine.ErrNotFound},
		{"nil key", "items", nil, engine.ErrNotFound},
		{"no table", "nope", 7, engine.ErrNoTable},
		{"wrong key type", "items", "7", engine.ErrType},
		{"too many key values", "items", engine.Key{7, 8}, engine.ErrType},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			semView(t, db, func(tx *engine.Tx) error {
				r, err := tx.Get(tc.table, tc.key)
				require.ErrorIs(t, err, tc.wantErr)
				assert.True(t, r.IsZero())
				return nil
			})
		})
	}
	semView(t, db, func(tx *engine.Tx) error {
		for _, key := range []any{int8(7), uint64(7), engine.Key{7}} { // any Go int kind, or a one-value Key
			r, err := tx.Get("items", key)
			require.NoError(t, err, "%T", key)
			assert.Equal(t, "a", r.Get("sku"))
		}
		return nil
	})
}

// TestTx_Update_ChangesColumns ensures Update changes only the named columns,
// returns the stored row, and moves index entries along.
func TestTx_Update_ChangesColumns(t *testing.T) {
	db := semSeededItems(t)
	semUpdate(t, db, func(tx *engine.Tx) error {
		r, err := tx.Update("items", 7, engine.Row{"sku": "z", "tag": nil, "qty": int16(9)})
		require.NoError(t, err)
		assert.Equal(t, engine.Row{"id": int64(7), "sku": "z", "name": "n", "tag": nil, "qty": int64(9), "code": int64(1)}, r.Row())
		return nil
	})
	semView(t, db, func(tx *engine.Tx) error {
		got, err := tx.Query("items").Where(engine.Eq("sku", "z")).All()
		require.NoError(t, err)
		assert.Equal(t, []any{int64(7)}, semIDs(got))
		n, err := tx.Query("items").Where(engine.Eq("sku", "a")).Count()
		require.NoError(t, err)
		assert.Zero(t, n, "old index entry left behind")
		got, err = tx.Query("items").Where(engine.Eq("tag", "t")).All()
		require.NoError(t, err)
		assert.Equal(t, []any{int64(8)}, semIDs(got))
		return nil
	})
	// The freed unique value can be taken by another row.
	semUpdate(t, db, func(tx *engine.Tx) error {
		_, err := tx.Update("items", 8, engine.Row{"sku": "a"})
		return err
	})
}

// TestTx_Update_NothingSet ensures an update of no column, a nil or an
// empty Row, succeeds and returns the row as it was.
func TestTx_Update_NothingSet(t *testing.T) {
	db := semSeededItems(t)
	for _, set := range []engine.Row{nil, {}} {
		semUpdate(t, db, func(tx *engine.Tx) error {
			r, err := tx.Update("items", 7, set)
			require.NoError(t, err, "%#v", set)
			assert.Equal(t, engine.Row{"id": int64(7), "sku": "a", "name": "n", "tag": "t", "qty": int64(0), "code": int64(1)}, r.Row())
			return nil
		})
	}
}

// TestTx_Update_Errors ensures every refused update returns the right error
// and changes nothing.
func TestTx_Update_Errors(t *testing.T) {
	tests := []struct {
		name    string
		table   string
		key     any
		set     engine.Row
		wantErr error
		wantCE  *engine.ConstraintError
	}{
		{"no table", "nope", 7, engine.Row{"sku": "x"}, engine.ErrNoTable, nil},
		{"missing key", "items", 99, engine.Row{"sku": "x"}, engine.ErrNotFound, nil},
		{"no column", "items", 7, engine.Row{"color": "red"}, engine.ErrNoColumn, nil},
		{"wrong type", "items", 7, engine.Row{"qty": "many"}, engine.ErrType, nil},
		{"wrong key type", "items", "7", engine.Row{"qty": 1}, engine.ErrType, nil},
		{"not null", "items", 7, engine.Row{"sku": nil}, engine.ErrNotNull,
			&engine.ConstraintError{Kind: engine.ErrNotNull, Table: "items", Columns: []string{"sku"}, SQLState: "23502"}},
		{"primary key to nil", "items", 7, engine.Row{"id": nil}, engine.ErrNotNull,
			&engine.ConstraintError{Kind: engine.ErrNotNull, Table: "items", Columns: []string{"id"}, SQLState: "23502"}},
		{"unique column taken", "items", 7, engine.Row{"sku": "b"}, engine.ErrUnique,
			&engine.ConstraintError{Kind: engine.ErrUnique, Constraint: "items_sku", Table: "items", Columns: []string{"sku"}, Key: "(sku)=(b)", SQLState: "23505"}},
		{"composite unique taken", "items", 7, engine.Row{"name": "m"}, engine.ErrUnique,
			&engine.ConstraintError{Kind: engine.ErrUnique, Constraint: "items_name_tag", Table: "items", Columns: []string{"name", "tag"}, Key: "(name, tag)=(m, t)", SQLState: "23505"}},
		{"primary key moved onto another row", "items", 7, engine.Row{"id": 8}, engine.ErrUnique,
			&engine.ConstraintError{Kind: engine.ErrUnique, Constraint: "items_pkey", Table: "items", Columns: []string{"id"}, Key: "(id)=(8)", SQLState: "23505"}},
		{"primary key moved with a unique clash", "items", 7, engine.Row{"id": 9, "sku": "b"}, engine.ErrUnique,
			&engine.ConstraintError{Kind: engine.ErrUnique, Constraint: "items_sku", Table: "items", Columns: []string{"sku"}, Key: "(sku)=(b)", SQLState: "23505"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := semSeededItems(t)
			seeded := testutil.Dump(t, db)
			tx := semBegin(t, db)
			before := semTxDump(t, tx)
			r, err := tx.Update(tc.table, tc.key, tc.set)
			require.ErrorIs(t, err, tc.wantErr)
			assert.True(t, r.IsZero())
			if tc.wantCE != nil {
				semAssertConstraint(t, err, *tc.wantCE)
			}
			assert.Equal(t, before, semTxDump(t, tx))
			require.NoError(t, tx.Commit())
			assert.Equal(t, seeded, testutil.Dump(t, db))
		})
	}
}

// TestTx_Update_MovesPrimaryKey ensures an update of the primary key moves
// the row: the old key is gone, the new one finds it, and index entries
// point at the new key.
func TestTx_Update_MovesPrimaryKey(t *testing.T) {
	db := semSeededItems(t)
	semUpdate(t, db, func(tx *engine.Tx) error {
		r, err := tx.Update("items", 7, engine.Row{"id": 70})
		require.NoError(t, err)
		assert.Equal(t, int64(70), r.ID())
		return nil
	})
	semView(t, db, func(tx *engine.Tx) error {
		_, err := tx.Get("items", 7)
		require.ErrorIs(t, err, engine.ErrNotFound)
		r, err := tx.Get("items", 70)
		require.NoError(t, err)
		assert.Equal(t, "a", r.Get("sku"))
		for _, c := range []engine.Cond{engine.Eq("sku", "a"), engine.Eq("code", 1), engine.Eq("name", "n")} {
			got, err := tx.Query("items").Where(c).All()
			require.NoError(t, err)
			assert.Equal(t, []any{int64(70)}, semIDs(got))
		}
		got, err := tx.Query("items").Where(engine.Eq("tag", "t")).OrderBy("id", engine.Asc).All()
		require.NoError(t, err)
		assert.Equal(t, []any{int64(8), int64(70)}, semIDs(got))
		return nil
	})
	// The old key is free again.
	semInsert(t, db, "items", engine.Row{"id": 7, "sku": "new"})
}

// TestTx_Update_SwapUniqueValues ensures two rows can swap unique values
// within one transaction through a temporary value, while a direct swap is
// refused and changes nothing.
func TestTx_Update_SwapUniqueValues(t *testing.T) {
	db := semSeededItems(t)
	seeded := testutil.Dump(t, db)
	err := db.Update(semCtx, func(tx *engine.Tx) error {
		_, err := tx.Update("items", 7, engine.Row{"sku": "b"})
		return err
	})
	require.ErrorIs(t, err, engine.ErrUnique)
	assert.Equal(t, seeded, testutil.Dump(t, db))

	semUpdate(t, db, func(tx *engine.Tx) error {
		for _, step := range []struct {
			id  int
			sku string
		}{{7, "tmp"}, {8, "a"}, {7, "b"}} {
			if _, err := tx.Update("items", step.id, engine.Row{"sku": step.sku}); err != nil {
				return err
			}
		}
		return nil
	})
	semView(t, db, func(tx *engine.Tx) error {
		for sku, id := range map[string]int64{"a": 8, "b": 7} {
			r, err := tx.Query("items").Where(engine.Eq("sku", sku)).First()
			require.NoError(t, err)
			assert.Equal(t, id, r.ID(), "sku %s", sku)
		}
		n, err := tx.Query("items").Where(engine.Eq("sku", "tmp")).Count()
		require.NoError(t, err)
		assert.Zero(t, n)
		return nil
	})
}

// TestTx_Delete_RemovesRow ensures Delete removes the row and its index
// entries, and a missing key is ErrNotFound with nothing changed.
func TestTx_Delete_RemovesRow(t *testing.T) {
	db := semSeededItems(t)
	semUpdate(t, db, func(tx *engine.Tx) error { return tx.Delete("items", 7) })
	semView(t, db, func(tx *engine.Tx) error {
		_, err := tx.Get("items", 7)
		require.ErrorIs(t, err, engine.ErrNotFound)
		for _, c := range []engine.Cond{engine.Eq("sku", "a"), engine.Eq("code", 1), engine.Eq("name", "n")} {
			n, err := tx.Query("items").Where(c).Count()
			require.NoError(t, err)
			assert.Zero(t, n, "index entry left behind for %v", c)
		}
		return nil
	})
	// Its unique values are free again.
	semInsert(t, db, "items", engine.Row{"id": 9, "sku": "a", "code": 1, "name": "n", "tag": "t"})

	seeded := testutil.Dump(t, db)
	for _, tc := range []struct {
		name    string
		table   string
		key     any
		wantErr error
	}{
		{"missing key", "items", 7, engine.ErrNotFound},
		{"no table", "nope", 7, engine.ErrNoTable},
		{"wrong key type", "items", 1.5, engine.ErrType},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tx := semBegin(t, db)
			before := semTxDump(t, tx)
			require.ErrorIs(t, tx.Delete(tc.table, tc.key), tc.wantErr)
			assert.Equal(t, before, semTxDump(t, tx))
			require.NoError(t, tx.Commit())
			assert.Equal(t, seeded, testutil.Dump(t, db))
		})
	}
}

// TestTx_Upsert_InsertsOrUpdates ensures Upsert inserts a new key, updates
// only the named columns of an existing one, and fails atomically.
func TestTx_Upsert_InsertsOrUpdates(t *testing.T) {
	db := semSeededItems(t)
	semUpdate(t, db, func(tx *engine.Tx) error {
		r, err := tx.Upsert("items", engine.Row{"id": 9, "sku": "c"})
		require.NoError(t, err)
		assert.Equal(t, engine.Row{"id": int64(9), "sku": "c", "name": nil, "tag": nil, "qty": int64(0), "code": nil}, r.Row())

		r, err = tx.Upsert("items", engine.Row{"id": 8, "qty": 5})
		require.NoError(t, err)
		assert.Equal(t, engine.Row{"id": int64(8), "sku": "b", "name": "m", "tag": "t", "qty": int64(5), "code": nil}, r.Row())
		return nil
	})
	assert.Equal(t, "items:\n"+
		"  items(id=7, sku=a, name=n, tag=t, qty=0, code=1)\n"+
		"  items(id=8, sku=b, name=m, tag=t, qty=5, code=NULL)\n"+
		"  items(id=9, sku=c, name=NULL, tag=NULL, qty=0, code=NULL)\n", testutil.Dump(t, db))

	seeded := testutil.Dump(t, db)
	for _, tc := range []struct {
		name    string
		row     engine.Row
		wantErr error
	}{
		{"update onto a taken unique value", engine.Row{"id": 8, "sku": "a"}, engine.ErrUnique},
		{"insert with a taken unique value", engine.Row{"id": 10, "sku": "a"}, engine.ErrUnique},
		{"insert without a not-null column", engine.Row{"id": 10}, engine.ErrNotNull},
		{"insert without the key", engine.Row{"sku": "x"}, engine.ErrNotNull},
		{"update to NULL", engine.Row{"id": 8, "sku": nil}, engine.ErrNotNull},
		{"unknown column", engine.Row{"id": 8, "color": "red"}, engine.ErrNoColumn},
		{"wrong key type", engine.Row{"id": "8", "sku": "x"}, engine.ErrType},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tx := semBegin(t, db)
			before := semTxDump(t, tx)
			r, err := tx.Upsert("items", tc.row)
			require.ErrorIs(t, err, tc.wantErr)
			assert.True(t, r.IsZero())
			assert.Equal(t, before, semTxDump(t, tx))
			require.NoError(t, tx.Commit())
			assert.Equal(t, seeded, testutil.Dump(t, db))
		})
	}
}

// TestTx_Upsert_CompositeKey ensures Upsert finds an existing row by a
// composite primary key and updates it, or inserts a new one.
func TestTx_Upsert_CompositeKey(t *testing.T) {
	db := testutil.OpenDB(t, semPairs())
	semInsert(t, db, "pairs", engine.Row{"a": 1, "b": "x", "v": 1})
	semUpdate(t, db, func(tx *engine.Tx) error {
		r, err := tx.Upsert("pairs", engine.Row{"a": int16(1), "b": "x", "v": 2})
		require.NoError(t, err)
		assert.Equal(t, engine.Key{int64(1), "x"}, r.ID())
		_, err = tx.Upsert("pairs", engine.Row{"a": 1, "b": "y", "v": 3})
		return err
	})
	assert.Equal(t, "pairs:\n  pairs(a=1, b=x, v=2)\n  pairs(a=1, b=y, v=3)\n", testutil.Dump(t, db))
}

// TestTx_Insert_ManyLongKeys ensures one transaction can write thousands of
// rows whose text keys range from empty to many kilobytes, in the primary
// key and a unique index, and every row reads back, updates and deletes.
func TestTx_Insert_ManyLongKeys(t *testing.T) {
	db := testutil.OpenDB(t, engine.Table{
		Name:       "long",
		Columns:    []engine.Column{{Name: "k", Type: engine.Text}, {Name: "u", Type: engine.Text}, {Name: "n", Type: engine.Int}},
		PrimaryKey: []string{"k"},
		Indexes:    []engine.Index{{Name: "long_u", Columns: []string{"u"}, Unique: true}, {Name: "long_n", Columns: []string{"n"}}},
	})
	const rows = 600
	key := func(i int) string { return fmt.Sprintf("%0*d", 1+i*i%12000, i) } // lengths from 1 to 12000 bytes
	want := map[string]engine.Row{}
	semUpdate(t, db, func(tx *engine.Tx) error {
		for i := range rows {
			row := engine.Row{"k": key(i), "u": "u" + key(i), "n": int64(i % 7)}
			if _, err := tx.Insert("long", row); err != nil {
				return err
			}
			want[key(i)] = row
		}
		for i := 0; i < rows; i += 3 {
			if err := tx.Delete("long", key(i)); err != nil {
				return err
			}
			delete(want, key(i))
		}
		for i := 1; i < rows; i += 3 {
			r, err := tx.Update("long", key(i), engine.Row{"k": "moved" + key(i), "n": int64(99)})
			if err != nil {
				return err
			}
			delete(want, key(i))
			want["moved"+key(i)] = r.Row()
		}
		return nil
	})
	semView(t, db, func(tx *engine.Tx) error {
		for k, row := range want {
			r, err := tx.Get("long", k)
			require.NoError(t, err)
			assert.Equal(t, row, r.Row())
			byU, err := tx.Query("long").Where(engine.Eq("u", row["u"])).First()
			require.NoError(t, err)
			assert.Equal(t, k, byU.ID())
		}
		n, err := tx.Query("long").Where(engine.Eq("n", 99)).Count()
		require.NoError(t, err)
		assert.Equal(t, (rows+1)/3, n)
		n, err = tx.Query("long").Count()
		require.NoError(t, err)
		assert.Equal(t, len(want), n)
		return nil
	})
}

// semSerial is a table with an auto-increment key.
func semSerial() engine.Table {
	return engine.Table{
		Name: "serial",
		Columns: []engine.Column{
			{Name: "id", Type: engine.Int, AutoIncrement: true},
			{Name: "v", Type: engine.Text, NotNull: true},
		},
		PrimaryKey: []string{"id"},
		Indexes:    []engine.Index{{Name: "serial_v", Columns: []string{"v"}, Unique: true}},
	}
}

// TestTx_Insert_AutoIncrement ensures generated keys count 1, 2, 3, an
// explicit key advances the sequence, and values are never reused, not even
// after a rollback or a failed insert (like nextval).
func TestTx_Insert_AutoIncrement(t *testing.T) {
	db := testutil.OpenDB(t, semSerial())
	next := func(v string) any {
		t.Helper()
		var id any
		semUpdate(t, db, func(tx *engine.Tx) error {
			r, err := tx.Insert("serial", engine.Row{"v": v})
			id = r.ID()
			return err
		})
		return id
	}
	assert.Equal(t, int64(1), next("a"))
	assert.Equal(t, int64(2), next("b"))
	assert.Equal(t, int64(3), next("c"))

	semInsert(t, db, "serial", engine.Row{"id": 10, "v": "ten"})
	assert.Equal(t, int64(11), next("d"), "an explicit key advances the sequence")
	semInsert(t, db, "serial", engine.Row{"id": 5, "v": "five"})
	assert.Equal(t, int64(12), next("e"), "a smaller explicit key leaves it")

	tx := semBegin(t, db)
	r, err := tx.Insert("serial", engine.Row{"v": "rolled back"})
	require.NoError(t, err)
	assert.Equal(t, int64(13), r.ID())
	require.NoError(t, tx.Rollback())
	assert.Equal(t, int64(14), next("f"), "ids are not reused after a rollback")

	seeded := testutil.Dump(t, db)
	err = db.Update(semCtx, func(tx *engine.Tx) error {
		_, err := tx.Insert("serial", engine.Row{"v": "a"}) // takes 15, then fails
		return err
	})
	require.ErrorIs(t, err, engine.ErrUnique)
	assert.Equal(t, seeded, testutil.Dump(t, db))

	semUpdate(t, db, func(tx *engine.Tx) error {
		r, err := tx.Insert("serial", engine.Row{"id": nil, "v": "explicit nil"})
		require.NoError(t, err)
		assert.Equal(t, int64(16), r.ID(), "an explicit nil key is generated too")
		r, err = tx.Upsert("serial", engine.Row{"v": "upserted"})
		require.NoError(t, err)
		assert.Equal(t, int64(17), r.ID())
		return nil
	})
}

// semPairs is a table with a composite primary key.
func semPairs() engine.Table {
	return engine.Table{
		Name: "pairs",
		Columns: []engine.Column{
			{Name: "a", Type: engine.Int},
			{Name: "b", Type: engine.Text},
			{Name: "v", Type: engine.Int},
		},
		PrimaryKey: []string{"a", "b"},
	}
}

// TestRecord_ID_RoundTrip ensures Record.ID, a bare value for a one-column
// key and an engine.Key for a composite one, finds the row again through
// Get, Update and Delete.
func TestRecord_ID_RoundTrip(t *testing.T) {
	db := testutil.OpenDB(t, semItems(), semPairs())
	semUpdate(t, db, func(tx *engine.Tx) error {
		single, err := tx.Insert("items", engine.Row{"id": 1, "sku": "a"})
		require.NoError(t, err)
		pair, err := tx.Insert("pairs", engine.Row{"a": 1, "b": "x", "v": 1})
		require.NoError(t, err)
		assert.Equal(t, int64(1), single.ID())
		assert.Equal(t, engine.Key{int64(1), "x"}, pair.ID())

		for _, r := range []engine.Record{single, pair} {
			got, err := tx.Get(r.Table(), r.ID())
			require.NoError(t, err)
			assert.Equal(t, r.Row(), got.Row())
		}
		_, err = tx.Update("items", single.ID(), engine.Row{"name": "one"})
		require.NoError(t, err)
		moved, err := tx.Update("pairs", pair.ID(), engine.Row{"b": "y"})
		require.NoError(t, err)
		assert.Equal(t, engine.Key{int64(1), "y"}, moved.ID())
		_, err = tx.Get("pairs", pair.ID())
		require.ErrorIs(t, err, engine.ErrNotFound)

		require.NoError(t, tx.Delete("items", single.ID()))
		require.NoError(t, tx.Delete("pairs", moved.ID()))
		require.ErrorIs(t, tx.Delete("pairs", moved.ID()), engine.ErrNotFound)
		return nil
	})
	assert.Equal(t, "items: empty\npairs: empty\n", testutil.Dump(t, db))
}

// TestTx_Insert_CompositeKeyErrors ensures a composite key names every key
// column in its unique violation and needs all its values for a lookup.
func TestTx_Insert_CompositeKeyErrors(t *testing.T) {
	db := testutil.OpenDB(t, semPairs())
	semInsert(t, db, "pairs", engine.Row{"a": 1, "b": "x"}, engine.Row{"a": 1, "b": "y"}, engine.Row{"a": 2, "b": "x"})
	seeded := testutil.Dump(t, db)
	tx := semBegin(t, db)
	before := semTxDump(t, tx)
	_, err := tx.Insert("pairs", engine.Row{"a": 1, "b": "x", "v": 9})
	semAssertConstraint(t, err, engine.ConstraintError{Kind: engine.ErrUnique, Constraint: "pairs_pkey", Table: "pairs",
		Columns: []string{"a", "b"}, Key: "(a, b)=(1, x)", SQLState: "23505"})
	_, err = tx.Insert("pairs", engine.Row{"a": 3})
	semAssertConstraint(t, err, engine.ConstraintError{Kind: engine.ErrNotNull, Table: "pairs", Columns: []string{"b"}, SQLState: "23502"})
	_, err = tx.Get("pairs", 1)
	require.ErrorIs(t, err, engine.ErrType)
	_, err = tx.Get("pairs", engine.Key{1, nil})
	require.ErrorIs(t, err, engine.ErrNotFound)
	assert.Equal(t, before, semTxDump(t, tx))
	require.NoError(t, tx.Commit())
	assert.Equal(t, seeded, testutil.Dump(t, db))
}

// TestRecord_Accessors ensures Row, Values, Columns, Has, Get, Table and
// String describe the stored row, and the zero Record is empty.
func TestRecord_Accessors(t *testing.T) {
	db := semSeededItems(t)
	semView(t, db, func(tx *engine.Tx) error {
		r, err := tx.Get("items", 7)
		require.NoError(t, err)
		assert.False(t, r.IsZero())
		assert.Equal(t, "items", r.Table())
		assert.Equal(t, []string{"id", "sku", "name", "tag", "qty", "code"}, r.Columns())
		assert.Equal(t, []any{int64(7), "a", "n", "t", int64(0), int64(1)}, r.Values())
		assert.Equal(t, engine.Row{"id": int64(7), "sku": "a", "name": "n", "tag": "t", "qty": int64(0), "code": int64(1)}, r.Row())
		assert.True(t, r.Has("sku"))
		assert.False(t, r.Has("color"))
		assert.Nil(t, r.Get("color"))
		assert.Equal(t, "items(id=7, sku=a, name=n, tag=t, qty=0, code=1)", r.String())

		r8, err := tx.Get("items", 8)
		require.NoError(t, err)
		assert.True(t, r8.Has("code"))
		assert.Nil(t, r8.Get("code"), "NULL reads as nil")
		assert.Contains(t, r8.String(), "code=NULL")

		// Changing what the accessors returned does not change the record.
		r.Row()["sku"] = "changed"
		r.Values()[1] = "changed"
		r.Columns()[1] = "changed"
		assert.Equal(t, "a", r.Get("sku"))
		assert.Equal(t, "sku", r.Columns()[1])
		return nil
	})
	var zero engine.Record
	assert.True(t, zero.IsZero())
	assert.Equal(t, "", zero.Table())
	assert.Nil(t, zero.ID())
	assert.Nil(t, zero.Get("id"))
	assert.False(t, zero.Has("id"))
	assert.Nil(t, zero.Row())
	assert.Empty(t, zero.Values())
	assert.Empty(t, zero.Columns())
	assert.Equal(t, "<zero record>", zero.String())
}

// TestRecord_Stable ensures a Record keeps showing the row it was read as,
// after the row is updated and the transaction has ended.
func TestRecord_Stable(t *testing.T) {
	db := semSeededItems(t)
	var r engine.Record
	semView(t, db, func(tx *engine.Tx) error {
		var err error
		r, err = tx.Get("items", 7)
		return err
	})
	semUpdate(t, db, func(tx *engine.Tx) error {
		_, err := tx.Update("items", 7, engine.Row{"sku": "z"})
		return err
	})
	assert.Equal(t, "a", r.Get("sku"))
}

var bg = context.Background()

func uniqueItems() engine.Table {
	return engine.Table{
		Name: "items",
		Columns: []engine.Column{
			{Name: "id", Type: engine.Int, AutoIncrement: true},
			{Name: "code", Type: engine.Text},
			{Name: "n", Type: engine.Int},
		},
		PrimaryKey: []string{"id"},
		Indexes:    []engine.Index{{Name: "items_code", Columns: []string{"code"}, Unique: true}},
	}
}

func seedUniqueItems(t *testing.T, n int) *engine.DB {
	t.Helper()
	db := testutil.OpenDB(t, uniqueItems())
	require.NoError(t, db.Update(bg, func(tx *engine.Tx) error {
		for i := 1; i <= n; i++ {
			if _, err := tx.Insert("items", engine.Row{"id": i, "code": string(rune('a' + i - 1)), "n": i * 10}); err != nil {
				return err
			}
		}
		return nil
	}))
	return db
}

// TestTx_Insert_AutoIncrementNoWrapAfterMaxKey ensures a generated key never wraps to a negative value after an explicit math.MaxInt64 key (PostgreSQL: nextval fails with 2200H).
func TestTx_Insert_AutoIncrementNoWrapAfterMaxKey(t *testing.T) {
	db := testutil.OpenDB(t, uniqueItems())
	require.NoError(t, db.Update(bg, func(tx *engine.Tx) error {
		_, err := tx.Insert("items", engine.Row{"id": int64(math.MaxInt64), "code": "max"})
		return err
	}))
	var got engine.Record
	err := db.Update(bg, func(tx *engine.Tx) error {
		var err error
		got, err = tx.Insert("items", engine.Row{"code": "next"})
		return err
	})
	if err == nil {
		t.Fatalf("generated key after MaxInt64 is %v; want an error, not a wrapped key", got.ID())
	}
}

// TestTx_Update_AutoIncrementKeyAdvancesSequence ensures a key moved by Update never collides with a later generated key, as Column.AutoIncrement promises.
func TestTx_Update_AutoIncrementKeyAdvancesSequence(t *testing.T) {
	db := seedUniqueItems(t, 1)
	require.NoError(t, db.Update(bg, func(tx *engine.Tx) error {
		_, err := tx.Update("items", 1, engine.Row{"id": 3})
		return err
	}))
	require.NoError(t, db.Update(bg, func(tx *engine.Tx) error {
		for _, c := range []string{"x", "y", "z"} {
			if _, err := tx.Insert("items", engine.Row{"code": c}); err != nil {
				return err
			}
		}
		return nil
	}))
}

// TestTx_InsertRows_StatementLevelChecks ensures a multi-row insert checks
// foreign keys at the end of the statement, as PostgreSQL does: a row may
// reference one inserted after it; an orphan fails the whole statement and
// inserts nothing.
func TestTx_InsertRows_StatementLevelChecks(t *testing.T) {
	ctx := context.Background()
	db := testutil.OpenDB(t, engine.Table{Name: "employees", PrimaryKey: []string{"id"}, Columns: []engine.Column{
		{Name: "id", Type: engine.Int}, {Name: "boss_id", Type: engine.Int}}})
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		return tx.CreateRelation(engine.Relation{Child: "employees", Columns: []string{"boss_id"}, Parent: "employees"})
	}))
	tx, err := db.Begin(ctx, engine.TxOptions{})
	require.NoError(t, err)
	defer tx.Rollback()
	_, err = tx.Insert("employees", engine.Row{"id": 2, "boss_id": 1})
	require.ErrorIs(t, err, engine.ErrForeignKey, "one row at a time, the boss must come first")
	recs, err := tx.InsertRows("employees", engine.Row{"id": 2, "boss_id": 1}, engine.Row{"id": 1})
	require.NoError(t, err, "one statement: checked at its end")
	require.Len(t, recs, 2)
	assert.Equal(t, int64(2), recs[0].ID())
	assert.Equal(t, int64(1), recs[1].ID())
	_, err = tx.InsertRows("employees", engine.Row{"id": 3, "boss_id": 1}, engine.Row{"id": 4, "boss_id": 99})
	require.ErrorIs(t, err, engine.ErrForeignKey)
	n, err := tx.Query("employees").Count()
	require.NoError(t, err)
	assert.Equal(t, 2, n, "the failed statement inserted nothing")
	_, err = tx.InsertRows("employees", engine.Row{"id": 5}, engine.Row{"id": 5})
	require.ErrorIs(t, err, engine.ErrUnique)

	// One row is checked as Insert checks it: it may reference itself,
	// and an orphan fails the statement.
	_, err = tx.InsertRows("employees", engine.Row{"id": 6, "boss_id": 6})
	require.NoError(t, err)
	_, err = tx.InsertRows("employees", engine.Row{"id": 7, "boss_id": 99})
	var ce *engine.ConstraintError
	require.ErrorAs(t, err, &ce)
	assert.ErrorIs(t, err, engine.ErrForeignKey)
	assert.Equal(t, "23503", ce.SQLState)
	assert.Equal(t, "(boss_id)=(99)", ce.Key)
	_, err = tx.Get("employees", 7)
	require.ErrorIs(t, err, engine.ErrNotFound, "the failed statement inserted nothing")
	require.NoError(t, tx.Commit())
}

// TestTx_InsertRows_RowError: a row's own failure names the row (a
// *RowError that unwraps to the cause); a foreign key checked at the end
// names none.
func TestTx_InsertRows_RowError(t *testing.T) {
	ctx := context.Background()
	db := testutil.OpenDB(t, engine.Table{Name: "employees", PrimaryKey: []string{"id"}, Columns: []engine.Column{
		{Name: "id", Type: engine.Int}, {Name: "boss_id", Type: engine.Int}, {Name: "name", Type: engine.Text, NotNull: true}}})
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		return tx.CreateRelation(engine.Relation{Child: "employees", Columns: []string{"boss_id"}, Parent: "employees"})
	}))
	tests := []struct {
		name    string
		rows    []engine.Row
		wantErr error
		index   int // -1: no *RowError
	}{
		{"unique", []engine.Row{{"id": 1, "name": "a"}, {"id": 2, "name": "b"}, {"id": 1, "name": "c"}}, engine.ErrUnique, 2},
		{"not null", []engine.Row{{"id": 1, "name": "a"}, {"id": 2}}, engine.ErrNotNull, 1},
		{"foreign key at the end", []engine.Row{{"id": 1, "name": "a", "boss_id": 9}, {"id": 2, "name": "b"}}, engine.ErrForeignKey, -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tx, err := db.Begin(ctx, engine.TxOptions{})
			require.NoError(t, err)
			defer tx.Rollback()
			_, err = tx.InsertRows("employees", tc.rows...)
			require.ErrorIs(t, err, tc.wantErr)
			var ce *engine.ConstraintError
			assert.ErrorAs(t, err, &ce, "the cause is seen through the RowError")
			var re *engine.RowError
			if tc.index < 0 {
				assert.False(t, errors.As(err, &re), "%v", err)
				return
			}
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tc.index, re.Index)
		})
	}
}

// TestTx_Statement_ChecksAtItsEnd: the NO ACTION checks of a Statement's
// writes run when it ends, as SQL's UPDATE and DELETE of many rows check
// them; RESTRICT is checked at once; a failed Statement undoes its writes.
func TestTx_Statement_ChecksAtItsEnd(t *testing.T) {
	ctx := context.Background()
	db := testutil.OpenDB(t,
		engine.Table{Name: "employees", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "boss_id", Type: engine.Int}}},
		engine.Table{Name: "teams", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}}},
		engine.Table{Name: "members", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "team_id", Type: engine.Int}}})
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		if err := tx.CreateRelation(engine.Relation{Child: "employees", Columns: []string{"boss_id"}, Parent: "employees"}); err != nil {
			return err
		}
		return tx.CreateRelation(engine.Relation{Child: "members", Columns: []string{"team_id"}, Parent: "teams", OnDelete: engine.Restrict})
	}))
	tx, err := db.Begin(ctx, engine.TxOptions{})
	require.NoError(t, err)
	defer tx.Rollback()
	_, err = tx.InsertRows("employees", engine.Row{"id": 1}, engine.Row{"id": 2, "boss_id": 1}, engine.Row{"id": 3, "boss_id": 2})
	require.NoError(t, err)
	count := func(table string) int {
		t.Helper()
		n, err := tx.Query(table).Count()
		require.NoError(t, err)
		return n
	}

	// Row by row, the boss cannot go first.
	require.ErrorIs(t, tx.Delete("employees", 1), engine.ErrForeignKey)
	// Rekey every row, boss references too: each reference holds at the end.
	require.NoError(t, tx.Statement(func() error {
		for id := int64(1); id <= 3; id++ {
			set := engine.Row{"id": id + 10}
			if id > 1 {
				set["boss_id"] = id + 9
			}
			if _, err := tx.Update("employees", id, set); err != nil {
				return err
			}
		}
		return nil
	}))
	r, err := tx.Get("employees", 13)
	require.NoError(t, err)
	assert.Equal(t, int64(12), r.Get("boss_id"))

	// A statement that leaves a reference dangling fails at its end, and
	// its writes are undone.
	err = tx.Statement(func() error {
		if err := tx.Delete("employees", 11); err != nil {
			return err
		}
		return tx.Delete("employees", 13)
	})
	var ce *engine.ConstraintError
	require.ErrorAs(t, err, &ce)
	assert.ErrorIs(t, err, engine.ErrForeignKey)
	assert.Equal(t, "23503", ce.SQLState)
	assert.Equal(t, 3, count("employees"), "the failed statement deleted nothing")

	// Every row, in any order: nothing is referenced at the end.
	require.NoError(t, tx.Statement(func() error {
		for _, id := range []int64{11, 12, 13} {
			if err := tx.Delete("employees", id); err != nil {
				return err
			}
		}
		return nil
	}))
	assert.Equal(t, 0, count("employees"))

	// RESTRICT does not wait for the end of the statement.
	_, err = tx.Insert("teams", engine.Row{"id": 1})
	require.NoError(t, err)
	_, err = tx.Insert("members", engine.Row{"id": 1, "team_id": 1})
	require.NoError(t, err)
	err = tx.Statement(func() error {
		if err := tx.Delete("teams", 1); err != nil {
			return err
		}
		return tx.Delete("members", 1)
	})
	require.ErrorIs(t, err, engine.ErrRestrict)
	assert.Equal(t, 1, count("teams"))
	assert.Equal(t, 1, count("members"))

	// Nested statements leave their checks to the outer one.
	require.NoError(t, tx.Statement(func() error {
		if _, err := tx.InsertRows("employees", engine.Row{"id": 21, "boss_id": 20}); err != nil {
			return err
		}
		return tx.Statement(func() error {
			_, err := tx.Insert("employees", engine.Row{"id": 20})
			return err
		})
	}))
	assert.Equal(t, 2, count("employees"))
	require.NoError(t, tx.Commit())

	ro, err := db.Begin(ctx, engine.TxOptions{ReadOnly: true})
	require.NoError(t, err)
	defer ro.Rollback()
	assert.ErrorIs(t, ro.Statement(func() error { return nil }), engine.ErrReadOnly)
}

// TestTx_NextID ensures NextID takes values from the sequence an insert
// that omits the key takes from, not given back by a rollback, and
// refuses a table without an AutoIncrement column.
func TestTx_NextID(t *testing.T) {
	db := testutil.OpenDB(t,
		engine.Table{Name: "seqd", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int, AutoIncrement: true}, {Name: "v", Type: engine.Text}}},
		engine.Table{Name: "plain", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}}})
	ctx := context.Background()
	tx, err := db.Begin(ctx, engine.TxOptions{})
	require.NoError(t, err)
	r, err := tx.Insert("seqd", engine.Row{"v": "a"})
	require.NoError(t, err)
	assert.Equal(t, int64(1), r.ID())
	id, err := tx.NextID("seqd")
	require.NoError(t, err)
	assert.Equal(t, int64(2), id)
	require.NoError(t, tx.Rollback())

	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		r, err := tx.Insert("seqd", engine.Row{"v": "b"})
		require.NoError(t, err)
		assert.Equal(t, int64(3), r.ID(), "values taken before a rollback are not given back")
		_, err = tx.NextID("plain")
		assert.ErrorIs(t, err, engine.ErrSchema)
		_, err = tx.NextID("nope")
		assert.ErrorIs(t, err, engine.ErrNoTable)
		return nil
	}))
}
