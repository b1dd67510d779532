package engine_test

import (
	"testing"

	"github.com/cockroachdb/apd/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/engine/internal/testutil"
)

// semCols returns a column id (Int) followed by extra.
func semCols(extra ...engine.Column) []engine.Column {
	return append([]engine.Column{{Name: "id", Type: engine.Int}}, extra...)
}

// TestTx_CreateTable_Invalid ensures CreateTable refuses every malformed
// declaration with the right sentinel and creates nothing.
func TestTx_CreateTable_Invalid(t *testing.T) {
	id := []string{"id"}
	tests := []struct {
		name     string
		table    engine.Table
		wantErrs []error // each must be in the chain
	}{
		{"no name", engine.Table{Columns: semCols(), PrimaryKey: id}, []error{engine.ErrSchema}},
		{"no columns", engine.Table{Name: "t", PrimaryKey: id}, []error{engine.ErrSchema}},
		{"no primary key", engine.Table{Name: "t", Columns: semCols()}, []error{engine.ErrSchema}},
		{"column without a name", engine.Table{Name: "t", Columns: semCols(engine.Column{Type: engine.Int}), PrimaryKey: id}, []error{engine.ErrSchema}},
		{"duplicate column", engine.Table{Name: "t", Columns: semCols(engine.Column{Name: "id", Type: engine.Text}), PrimaryKey: id}, []error{engine.ErrSchema}},
		{"zero type", engine.Table{Name: "t", Columns: semCols(engine.Column{Name: "v"}), PrimaryKey: id}, []error{engine.ErrSchema}},
		{"unknown type", engine.Table{Name: "t", Columns: semCols(engine.Column{Name: "v", Type: engine.Type(99)}), PrimaryKey: id}, []error{engine.ErrSchema}},
		{"auto-increment outside the key", engine.Table{Name: "t", Columns: semCols(engine.Column{Name: "n", Type: engine.Int, AutoIncrement: true}), PrimaryKey: id}, []error{engine.ErrSchema}},
		{"auto-increment text key", engine.Table{Name: "t", Columns: []engine.Column{{Name: "id", Type: engine.Text, AutoIncrement: true}}, PrimaryKey: id}, []error{engine.ErrSchema}},
		{"auto-increment in a composite key", engine.Table{Name: "t", Columns: []engine.Column{{Name: "id", Type: engine.Int, AutoIncrement: true}, {Name: "k", Type: engine.Int}}, PrimaryKey: []string{"id", "k"}}, []error{engine.ErrSchema}},
		{"auto-increment with a default", engine.Table{Name: "t", Columns: []engine.Column{{Name: "id", Type: engine.Int, AutoIncrement: true, Default: 1}}, PrimaryKey: id}, []error{engine.ErrSchema}},
		{"precision on an int", engine.Table{Name: "t", Columns: semCols(engine.Column{Name: "v", Type: engine.Int, Precision: 5}), PrimaryKey: id}, []error{engine.ErrSchema}},
		{"precision on a float", engine.Table{Name: "t", Columns: semCols(engine.Column{Name: "v", Type: engine.Float, Precision: 5, Scale: 2}), PrimaryKey: id}, []error{engine.ErrSchema}},
		{"scale above precision", engine.Table{Name: "t", Columns: semCols(engine.Column{Name: "v", Type: engine.Decimal, Precision: 2, Scale: 3}), PrimaryKey: id}, []error{engine.ErrSchema}},
		{"scale without precision", engine.Table{Name: "t", Columns: semCols(engine.Column{Name: "v", Type: engine.Decimal, Scale: 2}), PrimaryKey: id}, []error{engine.ErrSchema}},
		{"negative precision", engine.Table{Name: "t", Columns: semCols(engine.Column{Name: "v", Type: engine.Decimal, Precision: -1}), PrimaryKey: id}, []error{engine.ErrSchema}},
		{"default of the wrong type", engine.Table{Name: "t", Columns: semCols(engine.Column{Name: "v", Type: engine.Int, Default: "one"}), PrimaryKey: id}, []error{engine.ErrSchema}},
		{"float default for a decimal", engine.Table{Name: "t", Columns: semCols(engine.Column{Name: "v", Type: engine.Decimal, Default: 1.5}), PrimaryKey: id}, []error{engine.ErrSchema}},
		{"default overflows numeric(3,1)", engine.Table{Name: "t", Columns: semCols(engine.Column{Name: "v", Type: engine.Decimal, Precision: 3, Scale: 1, Default: "100"}), PrimaryKey: id}, []error{engine.ErrSchema}},
		{"primary key names an unknown column", engine.Table{Name: "t", Columns: semCols(), PrimaryKey: []string{"nope"}}, []error{engine.ErrSchema, engine.ErrNoColumn}},
		{"primary key repeats a column", engine.Table{Name: "t", Columns: semCols(), PrimaryKey: []string{"id", "id"}}, []error{engine.ErrSchema}},
		{"index names an unknown column", engine.Table{Name: "t", Columns: semCols(), PrimaryKey: id,
			Indexes: []engine.Index{{Name: "t_x", Columns: []string{"nope"}}}}, []error{engine.ErrSchema, engine.ErrNoColumn}},
		{"index without a name", engine.Table{Name: "t", Columns: semCols(), PrimaryKey: id,
			Indexes: []engine.Index{{Columns: []string{"id"}}}}, []error{engine.ErrSchema}},
		{"index without columns", engine.Table{Name: "t", Columns: semCols(), PrimaryKey: id,
			Indexes: []engine.Index{{Name: "t_x"}}}, []error{engine.ErrSchema}},
		{"index repeats a column", engine.Table{Name: "t", Columns: semCols(), PrimaryKey: id,
			Indexes: []engine.Index{{Name: "t_x", Columns: []string{"id", "id"}}}}, []error{engine.ErrSchema}},
		{"duplicate index name", engine.Table{Name: "t", Columns: semCols(engine.Column{Name: "v", Type: engine.Int}), PrimaryKey: id,
			Indexes: []engine.Index{{Name: "t_x", Columns: []string{"v"}}, {Name: "t_x", Columns: []string{"id", "v"}}}}, []error{engine.ErrExists}},
		{"index named like the primary key", engine.Table{Name: "t", Columns: semCols(engine.Column{Name: "v", Type: engine.Int}), PrimaryKey: id,
			Indexes: []engine.Index{{Name: "t_pkey", Columns: []string{"v"}}}}, []error{engine.ErrExists}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := semSeededItems(t)
			seeded := testutil.Dump(t, db)
			tx := semBegin(t, db)
			before := semTxDump(t, tx)
			err := tx.CreateTable(tc.table)
			require.Error(t, err)
			for _, want := range tc.wantErrs {
				require.ErrorIs(t, err, want)
			}
			assert.Equal(t, before, semTxDump(t, tx))
			if tc.table.Name != "" {
				_, err = tx.Table(tc.table.Name)
				require.ErrorIs(t, err, engine.ErrNoTable)
			}
			require.NoError(t, tx.Commit())
			assert.Equal(t, seeded, testutil.Dump(t, db))
		})
	}
}

// TestTx_CreateTable_Exists ensures a table name can be taken once, whether
// the first table was committed or created earlier in the same transaction.
func TestTx_CreateTable_Exists(t *testing.T) {
	db := semSeededItems(t)
	seeded := testutil.Dump(t, db)
	err := db.Update(semCtx, func(tx *engine.Tx) error { return tx.CreateTable(semItems()) })
	require.ErrorIs(t, err, engine.ErrExists)
	assert.Equal(t, seeded, testutil.Dump(t, db))

	tx := semBegin(t, db)
	require.NoError(t, tx.CreateTable(semPairs()))
	before := semTxDump(t, tx)
	require.ErrorIs(t, tx.CreateTable(semPairs()), engine.ErrExists)
	assert.Equal(t, before, semTxDump(t, tx))
	require.NoError(t, tx.Rollback())
	assert.Equal(t, seeded, testutil.Dump(t, db), "a rolled-back CreateTable left a table")
}

// TestTx_Table_ReadBack ensures Table and Tables return what was declared,
// with primary key columns NOT NULL and defaults in their stored form.
func TestTx_Table_ReadBack(t *testing.T) {
	declared := engine.Table{
		Name: "products",
		Columns: []engine.Column{
			{Name: "id", Type: engine.Int, AutoIncrement: true},
			{Name: "name", Type: engine.Text, NotNull: true},
			{Name: "price", Type: engine.Decimal, Precision: 7, Scale: 2, Default: "1.5"},
			{Name: "stock", Type: engine.Int, Default: 3},
			{Name: "weight", Type: engine.Float},
			{Name: "active", Type: engine.Bool, NotNull: true, Default: true},
			{Name: "blob", Type: engine.Bytes},
			{Name: "added", Type: engine.Time},
		},
		PrimaryKey: []string{"id"},
		Indexes: []engine.Index{
			{Name: "products_name", Columns: []string{"name"}, Unique: true},
			{Name: "products_price_stock", Columns: []string{"price", "stock"}},
		},
	}
	db := testutil.OpenDB(t, declared, semPairs())
	want := declared
	want.Columns = append([]engine.Column(nil), declared.Columns...)
	want.Columns[0].NotNull = true
	want.Columns[3].Default = int64(3) // defaults come back in their stored type
	price := want.Columns[2]
	want.Columns[2].Default = nil // compared separately below

	semView(t, db, func(tx *engine.Tx) error {
		got, err := tx.Table("products")
		require.NoError(t, err)
		require.Len(t, got.Columns, len(want.Columns))
		d, ok := got.Columns[2].Default.(*apd.Decimal)
		require.True(t, ok, "decimal default is %T", got.Columns[2].Default)
		assert.Equal(t, "1.50", d.String(), "default rounded to the column's scale")
		assert.Equal(t, price.Precision, got.Columns[2].Precision)
		assert.Equal(t, price.Scale, got.Columns[2].Scale)
		got.Columns[2].Default = nil
		assert.Equal(t, want, got)

		pairs, err := tx.Table("pairs")
		require.NoError(t, err)
		assert.True(t, pairs.Columns[0].NotNull, "a")
		assert.True(t, pairs.Columns[1].NotNull, "b")
		assert.False(t, pairs.Columns[2].NotNull, "v")
		assert.Equal(t, []string{"a", "b"}, pairs.PrimaryKey)

		all, err := tx.Tables()
		require.NoError(t, err)
		names := make([]string, len(all))
		for i, tb := range all {
			names[i] = tb.Name
		}
		assert.Equal(t, []string{"pairs", "products"}, names, "Tables is in name order")

		_, err = tx.Table("nope")
		require.ErrorIs(t, err, engine.ErrNoTable)
		return nil
	})
}

// TestTx_Table_DefaultIsCopy ensures changing a default read back through
// Table changes neither the stored rows nor later inserts: stored rows are
// immutable.
func TestTx_Table_DefaultIsCopy(t *testing.T) {
	db := testutil.OpenDB(t, engine.Table{
		Name:       "blobs",
		Columns:    semCols(engine.Column{Name: "b", Type: engine.Bytes, Default: []byte("abc")}),
		PrimaryKey: []string{"id"},
	})
	semInsert(t, db, "blobs", engine.Row{"id": 1})
	seeded := testutil.Dump(t, db)
	semView(t, db, func(tx *engine.Tx) error {
		tb, err := tx.Table("blobs")
		require.NoError(t, err)
		b, ok := tb.Columns[1].Default.([]byte)
		require.True(t, ok)
		b[0] = 'X'
		return nil
	})
	assert.Equal(t, seeded, testutil.Dump(t, db), "a stored row changed")
	semInsert(t, db, "blobs", engine.Row{"id": 2})
	semView(t, db, func(tx *engine.Tx) error {
		r, err := tx.Get("blobs", 2)
		require.NoError(t, err)
		assert.Equal(t, []byte("abc"), r.Get("b"), "the default changed")
		return nil
	})
}

// TestTx_DropTable_FreesName ensures a dropped table and its rows are gone
// and its name can be taken again, even in the same transaction.
func TestTx_DropTable_FreesName(t *testing.T) {
	db := semSeededItems(t)
	semUpdate(t, db, func(tx *engine.Tx) error {
		require.NoError(t, tx.DropTable("items"))
		_, err := tx.Table("items")
		require.ErrorIs(t, err, engine.ErrNoTable)
		_, err = tx.Insert("items", engine.Row{"id": 1, "sku": "a"})
		require.ErrorIs(t, err, engine.ErrNoTable)
		_, err = tx.Query("items").All()
		require.ErrorIs(t, err, engine.ErrNoTable)
		return tx.CreateTable(engine.Table{Name: "items", Columns: semCols(engine.Column{Name: "sku", Type: engine.Int}), PrimaryKey: []string{"id"}})
	})
	assert.Equal(t, "items: empty\n", testutil.Dump(t, db))
	semInsert(t, db, "items", engine.Row{"id": 7, "sku": 1})

	seeded := testutil.Dump(t, db)
	err := db.Update(semCtx, func(tx *engine.Tx) error { return tx.DropTable("nope") })
	require.ErrorIs(t, err, engine.ErrNoTable)
	assert.Equal(t, seeded, testutil.Dump(t, db))

	tx := semBegin(t, db)
	require.NoError(t, tx.DropTable("items"))
	require.NoError(t, tx.Rollback())
	assert.Equal(t, seeded, testutil.Dump(t, db), "a rolled-back DropTable dropped the table")
}

// TestTx_CreateIndex_Backfills ensures a new index holds the table's
// existing rows, is used by queries, and is kept up to date afterwards.
func TestTx_CreateIndex_Backfills(t *testing.T) {
	db := testutil.OpenDB(t, semPairs())
	semInsert(t, db, "pairs",
		engine.Row{"a": 1, "b": "x", "v": 10}, engine.Row{"a": 2, "b": "x", "v": 20},
		engine.Row{"a": 3, "b": "y", "v": 10}, engine.Row{"a": 4, "b": "z"})
	semUpdate(t, db, func(tx *engine.Tx) error {
		return tx.CreateIndex("pairs", engine.Index{Name: "pairs_v", Columns: []string{"v"}})
	})
	semInsert(t, db, "pairs", engine.Row{"a": 5, "b": "x", "v": 10})
	semView(t, db, func(tx *engine.Tx) error {
		tb, err := tx.Table("pairs")
		require.NoError(t, err)
		assert.Equal(t, []engine.Index{{Name: "pairs_v", Columns: []string{"v"}}}, tb.Indexes)
		q := tx.Query("pairs").Where(engine.Eq("v", 10))
		plan, err := q.Explain()
		require.NoError(t, err)
		assert.Contains(t, plan, "using pairs_v")
		got, err := q.OrderBy("a", engine.Asc).All()
		require.NoError(t, err)
		assert.Equal(t, []any{engine.Key{int64(1), "x"}, engine.Key{int64(3), "y"}, engine.Key{int64(5), "x"}}, semIDs(got))
		n, err := tx.Query("pairs").Where(engine.IsNull("v")).Count()
		require.NoError(t, err)
		assert.Equal(t, 1, n)
		return nil
	})
}

// TestTx_CreateIndex_UniqueDuplicates ensures a unique index over
// duplicate values is refused with ErrUnique and nothing is changed, while
// duplicate NULLs are allowed.
func TestTx_CreateIndex_UniqueDuplicates(t *testing.T) {
	db := testutil.OpenDB(t, semPairs())
	semInsert(t, db, "pairs",
		engine.Row{"a": 1, "b": "x", "v": 10}, engine.Row{"a": 2, "b": "x", "v": 20},
		engine.Row{"a": 3, "b": "y", "v": 10}, engine.Row{"a": 4, "b": "y"}, engine.Row{"a": 5, "b": "y"})
	seeded := testutil.Dump(t, db)

	tx := semBegin(t, db)
	before := semTxDump(t, tx)
	err := tx.CreateIndex("pairs", engine.Index{Name: "pairs_v", Columns: []string{"v"}, Unique: true})
	semAssertConstraint(t, err, engine.ConstraintError{Kind: engine.ErrUnique, Constraint: "pairs_v", Table: "pairs",
		Columns: []string{"v"}, Key: "(v)=(10)", SQLState: "23505"})
	assert.Equal(t, before, semTxDump(t, tx))
	tb, err := tx.Table("pairs")
	require.NoError(t, err)
	assert.Empty(t, tb.Indexes)
	plan, err := tx.Query("pairs").Where(engine.Eq("v", 10)).Explain()
	require.NoError(t, err)
	assert.NotContains(t, plan, "pairs_v")
	// The name is still free.
	require.NoError(t, tx.CreateIndex("pairs", engine.Index{Name: "pairs_v", Columns: []string{"v"}}))
	require.NoError(t, tx.Commit())
	assert.Equal(t, seeded, testutil.Dump(t, db))

	// NULLs (rows 4 and 5) and distinct composite values do not conflict.
	semUpdate(t, db, func(tx *engine.Tx) error {
		return tx.CreateIndex("pairs", engine.Index{Name: "pairs_v_b", Columns: []string{"v", "b"}, Unique: true})
	})
	err = db.Update(semCtx, func(tx *engine.Tx) error {
		_, err := tx.Insert("pairs", engine.Row{"a": 9, "b": "x", "v": 10})
		return err
	})
	semAssertConstraint(t, err, engine.ConstraintError{Kind: engine.ErrUnique, Constraint: "pairs_v_b", Table: "pairs",
		Columns: []string{"v", "b"}, Key: "(v, b)=(10, x)", SQLState: "23505"})
}

// TestTx_CreateIndex_Errors ensures CreateIndex refuses bad declarations
// with the right sentinel and changes nothing.
func TestTx_CreateIndex_Errors(t *testing.T) {
	tests := []struct {
		name     string
		table    string
		ix       engine.Index
		wantErrs []error
	}{
		{"no table", "nope", engine.Index{Name: "x", Columns: []string{"v"}}, []error{engine.ErrNoTable}},
		{"no column", "items", engine.Index{Name: "x", Columns: []string{"nope"}}, []error{engine.ErrSchema, engine.ErrNoColumn}},
		{"no name", "items", engine.Index{Columns: []string{"qty"}}, []error{engine.ErrSchema}},
		{"no columns", "items", engine.Index{Name: "x"}, []error{engine.ErrSchema}},
		{"name taken", "items", engine.Index{Name: "items_tag", Columns: []string{"qty"}}, []error{engine.ErrExists}},
		{"primary key's name", "items", engine.Index{Name: "items_pkey", Columns: []string{"qty"}}, []error{engine.ErrExists}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := semSeededItems(t)
			seeded := testutil.Dump(t, db)
			tx := semBegin(t, db)
			tb, err := tx.Table("items")
			require.NoError(t, err)
			err = tx.CreateIndex(tc.table, tc.ix)
			for _, want := range tc.wantErrs {
				require.ErrorIs(t, err, want)
			}
			after, err := tx.Table("items")
			require.NoError(t, err)
			assert.Equal(t, tb, after)
			require.NoError(t, tx.Commit())
			assert.Equal(t, seeded, testutil.Dump(t, db))
		})
	}
}

// TestTx_DropIndex_Removes ensures a dropped index is neither listed, nor
// used, nor enforced, and a missing one is ErrNoIndex.
func TestTx_DropIndex_Removes(t *testing.T) {
	db := semSeededItems(t)
	semUpdate(t, db, func(tx *engine.Tx) error { return tx.DropIndex("items", "items_sku") })
	semView(t, db, func(tx *engine.Tx) error {
		tb, err := tx.Table("items")
		require.NoError(t, err)
		for _, ix := range tb.Indexes {
			assert.NotEqual(t, "items_sku", ix.Name)
		}
		assert.Len(t, tb.Indexes, 3)
		plan, err := tx.Query("items").Where(engine.Eq("sku", "a")).Explain()
		require.NoError(t, err)
		assert.NotContains(t, plan, "items_sku")
		return nil
	})
	semInsert(t, db, "items", engine.Row{"id": 9, "sku": "a"}) // no longer unique

	seeded := testutil.Dump(t, db)
	for _, tc := range []struct {
		name, table, index string
		wantErr            error
	}{
		{"dropped already", "items", "items_sku", engine.ErrNoIndex},
		{"never existed", "items", "nope", engine.ErrNoIndex},
		{"primary key", "items", "items_pkey", engine.ErrNoIndex},
		{"no table", "nope", "items_tag", engine.ErrNoTable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := db.Update(semCtx, func(tx *engine.Tx) error { return tx.DropIndex(tc.table, tc.index) })
			require.ErrorIs(t, err, tc.wantErr)
			assert.Equal(t, seeded, testutil.Dump(t, db))
		})
	}
}

// TestTx_Insert_Defaults ensures a column's default fills an omitted value,
// while an explicit nil stores NULL (and fails on a NOT NULL column), as
// INSERT does in SQL.
func TestTx_Insert_Defaults(t *testing.T) {
	db := testutil.OpenDB(t, engine.Table{
		Name: "d",
		Columns: semCols(
			engine.Column{Name: "n", Type: engine.Int, Default: 5},
			engine.Column{Name: "s", Type: engine.Text, NotNull: true, Default: "x"},
			engine.Column{Name: "p", Type: engine.Decimal, Precision: 5, Scale: 2, Default: 2},
			engine.Column{Name: "f", Type: engine.Float, Default: int8(1)},
			engine.Column{Name: "m", Type: engine.Text, NotNull: true},
		),
		PrimaryKey: []string{"id"},
	})
	semInsert(t, db, "d",
		engine.Row{"id": 1, "m": "omitted"},
		engine.Row{"id": 2, "m": "explicit nil", "n": nil, "p": nil, "f": nil},
		engine.Row{"id": 3, "m": "given", "n": 6, "s": "y", "p": "3.456", "f": 2.5},
	)
	assert.Equal(t, "d:\n"+
		"  d(id=1, n=5, s=x, p=2.00, f=1, m=omitted)\n"+
		"  d(id=2, n=NULL, s=x, p=NULL, f=NULL, m=explicit nil)\n"+
		"  d(id=3, n=6, s=y, p=3.46, f=2.5, m=given)\n", testutil.Dump(t, db))

	seeded := testutil.Dump(t, db)
	for _, tc := range []struct {
		name string
		row  engine.Row
		col  string
	}{
		{"explicit nil on a NOT NULL column with a default", engine.Row{"id": 4, "m": "a", "s": nil}, "s"},
		{"NOT NULL column without a default omitted", engine.Row{"id": 4}, "m"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := db.Update(semCtx, func(tx *engine.Tx) error {
				_, err := tx.Insert("d", tc.row)
				return err
			})
			semAssertConstraint(t, err, engine.ConstraintError{Kind: engine.ErrNotNull, Table: "d", Columns: []string{tc.col}, SQLState: "23502"})
			assert.Equal(t, seeded, testutil.Dump(t, db))
		})
	}
}
