package relation

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cockroachdb/apd/v3"
	"github.com/reldb/reldb/index"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeDB is an in-memory Reader: tables whose rows are kept in primary-key
// order (keys encoded with index.AppendKey, as the engine does), and
// foreign keys in declaration order.
type fakeDB struct {
	tb       testing.TB
	tables   map[string]*fakeTable
	fks      []*FK // in declaration order
	defaults map[string]map[int]any
	// byKey indexes, per foreign key, the child rows by their encoded
	// referencing values (rows with a NULL in them are left out: they
	// reference nothing). Built on demand, dropped by insert.
	byKey  map[*FK]map[string][]int
	scans  map[string]int // Children calls, by foreign key name
	err    error          // when set, Children returns it
	failOn string         // when set, only for the foreign key of that name
}

var _ Reader = (*fakeDB)(nil)

type fakeTable struct {
	cols []string
	pk   []int
	rows []fakeRow // in primary-key order
}

type fakeRow struct {
	pk   []byte
	vals []any
}

func newFakeDB(tb testing.TB) *fakeDB {
	return &fakeDB{tb: tb, tables: map[string]*fakeTable{}, defaults: map[string]map[int]any{}, scans: map[string]int{}}
}

// createTable adds a table with the given columns; pk names the primary
// key's columns.
func (db *fakeDB) createTable(name string, pk []string, cols ...string) {
	t := &fakeTable{cols: cols}
	db.tables[name] = t
	t.pk = db.cols(name, pk...)
}

// cols returns the positions of the named columns of table.
func (db *fakeDB) cols(table string, names ...string) []int {
	db.tb.Helper()
	t, ok := db.tables[table]
	require.True(db.tb, ok, "no table %q", table)
	pos := make([]int, len(names))
	for i, n := range names {
		pos[i] = slices.Index(t.cols, n)
		require.GreaterOrEqual(db.tb, pos[i], 0, "no column %q in %q", n, table)
	}
	return pos
}

// addFK declares a foreign key after those already declared.
func (db *fakeDB) addFK(fk *FK) *FK {
	db.fks = append(db.fks, fk)
	return fk
}

func (db *fakeDB) setDefault(table, col string, v any) {
	if db.defaults[table] == nil {
		db.defaults[table] = map[int]any{}
	}
	db.defaults[table][db.cols(table, col)[0]] = norm(v)
}

// norm turns an untyped integer constant into the int64 a row holds.
func norm(v any) any {
	if i, ok := v.(int); ok {
		return int64(i)
	}
	return v
}

func normAll(vals []any) []any {
	out := make([]any, len(vals))
	for i, v := range vals {
		out[i] = norm(v)
	}
	return out
}

// key encodes primary-key values.
func (db *fakeDB) key(vals ...any) []byte {
	db.tb.Helper()
	k, err := index.AppendKey(nil, normAll(vals)...)
	require.NoError(db.tb, err)
	return k
}

// insert adds a row, in table column order, and returns its encoded
// primary key.
func (db *fakeDB) insert(table string, vals ...any) []byte {
	db.tb.Helper()
	t := db.tables[table]
	require.Len(db.tb, vals, len(t.cols), "insert into %q", table)
	row := normAll(vals)
	pk := db.key(pick(row, t.pk)...)
	i, found := slices.BinarySearchFunc(t.rows, pk, func(r fakeRow, k []byte) int { return bytes.Compare(r.pk, k) })
	require.False(db.tb, found, "duplicate key in %q: %v", table, vals)
	t.rows = slices.Insert(t.rows, i, fakeRow{pk: pk, vals: row})
	db.byKey = nil
	return pk
}

// find returns the row of table with encoded primary key pk.
func (db *fakeDB) find(table string, pk []byte) []any {
	db.tb.Helper()
	t := db.tables[table]
	i, found := slices.BinarySearchFunc(t.rows, pk, func(r fakeRow, k []byte) int { return bytes.Compare(r.pk, k) })
	require.True(db.tb, found, "no row %x in %q", pk, table)
	return t.rows[i].vals
}

// get returns the encoded primary key and the row of table whose primary
// key holds pkVals.
func (db *fakeDB) get(table string, pkVals ...any) ([]byte, []any) {
	db.tb.Helper()
	pk := db.key(pkVals...)
	return pk, db.find(table, pk)
}

func (db *fakeDB) Incoming(table string) []*FK {
	var out []*FK
	for _, fk := range db.fks {
		if fk.Parent == table {
			out = append(out, fk)
		}
	}
	return out
}

func (db *fakeDB) Children(fk *FK, key []any, fn func(pk []byte, row []any) bool) error {
	db.scans[fk.Name]++
	if db.err != nil && (db.failOn == "" || db.failOn == fk.Name) {
		return db.err
	}
	if db.byKey == nil {
		db.byKey = map[*FK]map[string][]int{}
	}
	idx, ok := db.byKey[fk]
	if !ok {
		idx = map[string][]int{}
		for i, r := range db.tables[fk.Child].rows {
			k := pick(r.vals, fk.ChildCols)
			if hasNull(k) {
				continue
			}
			enc, err := index.AppendKey(nil, k...)
			if err != nil {
				return err
			}
			idx[string(enc)] = append(idx[string(enc)], i)
		}
		db.byKey[fk] = idx
	}
	enc, err := index.AppendKey(nil, key...)
	if err != nil {
		return err
	}
	rows := db.tables[fk.Child].rows
	for _, i := range idx[string(enc)] {
		if !fn(rows[i].pk, rows[i].vals) {
			break
		}
	}
	return nil
}

func (db *fakeDB) Default(table string, col int) any { return db.defaults[table][col] }

// totalScans is the number of Children calls on every foreign key.
func (db *fakeDB) totalScans() int {
	n := 0
	for _, c := range db.scans {
		n += c
	}
	return n
}

// snapshot deep-copies every table's rows.
func (db *fakeDB) snapshot() map[string][]fakeRow {
	out := map[string][]fakeRow{}
	for name, t := range db.tables {
		rows := make([]fakeRow, len(t.rows))
		for i, r := range t.rows {
			rows[i] = fakeRow{pk: slices.Clone(r.pk), vals: slices.Clone(r.vals)}
		}
		out[name] = rows
	}
	return out
}

// plan deletes (set == nil) or updates the columns in set of the row of
// table with primary key pkVals.
func (db *fakeDB) plan(table string, set map[string]any, pkVals ...any) (*Plan, error) {
	db.tb.Helper()
	pk, row := db.get(table, pkVals...)
	p := NewPlanner(db)
	if set == nil {
		return p.Delete(table, pk, row)
	}
	next := slices.Clone(row)
	for name, v := range set {
		next[db.cols(table, name)[0]] = norm(v)
	}
	return p.Update(table, pk, row, next)
}

// show renders a value: NULL, 'text', a decimal with its scale, or %v.
func show(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		return "'" + x + "'"
	case *apd.Decimal:
		return x.String()
	}
	return fmt.Sprint(v)
}

// opString renders an op as "DELETE books(10)" or "UPDATE books(10) SET
// author_id=NULL", listing the columns the update changes (a Set entry that
// keeps a column's value is not shown), in column order.
func (db *fakeDB) opString(op Op) string {
	db.tb.Helper()
	pkVals, err := index.DecodeKey(op.PK)
	require.NoError(db.tb, err)
	parts := make([]string, len(pkVals))
	for i, v := range pkVals {
		parts[i] = show(v)
	}
	kind := fmt.Sprintf("OpKind(%d)", op.Kind)
	switch op.Kind {
	case OpDelete:
		kind = "DELETE"
	case OpUpdate:
		kind = "UPDATE"
	}
	s := fmt.Sprintf("%s %s(%s)", kind, op.Table, strings.Join(parts, ", "))
	if op.Kind == OpUpdate {
		old := db.find(op.Table, op.PK)
		var sets []string
		for c, name := range db.tables[op.Table].cols {
			if v, ok := op.Set[c]; ok && show(v) != show(old[c]) {
				sets = append(sets, name+"="+show(v))
			}
		}
		if len(sets) > 0 {
			s += " SET " + strings.Join(sets, ", ")
		}
	}
	return s
}

// ops renders every op of a plan with opString.
func (db *fakeDB) ops(plan *Plan) []string {
	var out []string
	for _, op := range plan.Ops {
		out = append(out, db.opString(op))
	}
	return out
}

// lineage renders every op with the foreign key and op that caused it:
// "DELETE books(10) via books_author_fkey from 0".
func (db *fakeDB) lineage(plan *Plan) []string {
	var out []string
	for _, op := range plan.Ops {
		s := db.opString(op)
		if op.Via != nil {
			s += fmt.Sprintf(" via %s from %d", op.Via.Name, op.From)
		}
		out = append(out, s)
	}
	return out
}

// opIndex returns the index of the op whose opString is s.
func (db *fakeDB) opIndex(plan *Plan, s string) int {
	db.tb.Helper()
	i := slices.Index(db.ops(plan), s)
	require.GreaterOrEqual(db.tb, i, 0, "no op %q in %v", s, db.ops(plan))
	return i
}

// causedBy renders, in plan order, the ops that op i set off.
func (db *fakeDB) causedBy(plan *Plan, i int) []string {
	var out []string
	for _, op := range plan.Ops {
		if op.Via != nil && op.From == i {
			out = append(out, db.opString(op))
		}
	}
	return out
}

// fk returns the declared foreign key named name.
func (db *fakeDB) fk(name string) *FK {
	db.tb.Helper()
	i := slices.IndexFunc(db.fks, func(fk *FK) bool { return fk.Name == name })
	require.GreaterOrEqual(db.tb, i, 0, "no foreign key %q", name)
	return db.fks[i]
}

// requireWellFormed checks what every plan promises: the statement's row
// first, with no Via and From -1; every other op on a row of its Via's
// child table, set off by another op on Via's parent table; each row at
// most once; a delete carries no Set.
func requireWellFormed(t *testing.T, plan *Plan) {
	t.Helper()
	require.NotNil(t, plan)
	require.NotEmpty(t, plan.Ops)
	require.Nil(t, plan.Ops[0].Via, "the statement's own row")
	require.Equal(t, -1, plan.Ops[0].From, "the statement's own row")
	seen := make(map[string]int, len(plan.Ops))
	for i, op := range plan.Ops {
		id := op.Table + "\x00" + string(op.PK)
		if j, dup := seen[id]; dup {
			t.Fatalf("ops %d and %d change the same row of %q", j, i, op.Table)
		}
		seen[id] = i
		if op.Kind != OpDelete && op.Kind != OpUpdate {
			t.Fatalf("op %d: kind %d", i, op.Kind)
		}
		if op.Kind == OpDelete && op.Set != nil {
			t.Fatalf("op %d: delete with Set %v", i, op.Set)
		}
		if i == 0 {
			continue
		}
		switch {
		case op.Via == nil:
			t.Fatalf("op %d: no Via", i)
		case op.Via.Child != op.Table:
			t.Fatalf("op %d on %q via %q, whose child is %q", i, op.Table, op.Via.Name, op.Via.Child)
		case op.From < 0 || op.From >= len(plan.Ops) || op.From == i:
			t.Fatalf("op %d: From %d", i, op.From)
		case plan.Ops[op.From].Table != op.Via.Parent:
			t.Fatalf("op %d via %q from op %d on %q", i, op.Via.Name, op.From, plan.Ops[op.From].Table)
		}
	}
}

// authorsBooks declares books.author_id -> authors.id (books_author_fkey,
// default 0) with the given actions: authors 0 (unknown), 1 and 2; books 10
// and 12 by author 1, 11 by author 2, inserted out of key order.
func authorsBooks(t *testing.T, onDelete, onUpdate Action) *fakeDB {
	db := newFakeDB(t)
	db.createTable("authors", []string{"id"}, "id", "name")
	db.createTable("books", []string{"id"}, "id", "author_id", "title")
	db.addFK(&FK{Name: "books_author_fkey", Child: "books", Parent: "authors",
		ChildCols: db.cols("books", "author_id"), ParentCols: db.cols("authors", "id"), OnDelete: onDelete, OnUpdate: onUpdate})
	db.setDefault("books", "author_id", 0)
	db.insert("authors", 0, "unknown")
	db.insert("authors", 1, "Le Guin")
	db.insert("authors", 2, "Butler")
	db.insert("books", 12, 1, "c")
	db.insert("books", 10, 1, "a")
	db.insert("books", 11, 2, "b")
	return db
}

// TestPlanner_Delete_OnDeleteActions ensures each ON DELETE action does
// what PostgreSQL does to the referencing rows, in primary-key order.
func TestPlanner_Delete_OnDeleteActions(t *testing.T) {
	tests := []struct {
		name       string
		action     Action
		wantOps    []string
		wantChecks [][]any // keys of the NO ACTION checks on books_author_fkey
	}{
		{"no action checks at end", NoAction, []string{"DELETE authors(1)"}, [][]any{{int64(1)}}},
		{"cascade deletes", Cascade, []string{
			"DELETE authors(1)",
			"DELETE books(10) via books_author_fkey from 0",
			"DELETE books(12) via books_author_fkey from 0",
		}, nil},
		{"set null unlinks", SetNull, []string{
			"DELETE authors(1)",
			"UPDATE books(10) SET author_id=NULL via books_author_fkey from 0",
			"UPDATE books(12) SET author_id=NULL via books_author_fkey from 0",
		}, nil},
		{"set default moves to default", SetDefault, []string{
			"DELETE authors(1)",
			"UPDATE books(10) SET author_id=0 via books_author_fkey from 0",
			"UPDATE books(12) SET author_id=0 via books_author_fkey from 0",
		}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := authorsBooks(t, tc.action, NoAction)
			plan, err := db.plan("authors", nil, 1)
			require.NoError(t, err)
			requireWellFormed(t, plan)
			assert.Equal(t, tc.wantOps, db.lineage(plan))
			if tc.action == SetDefault {
				return // its check is TestPlanner_SetDefault_RechecksOldKey's subject
			}
			var want []Check
			for _, k := range tc.wantChecks {
				want = append(want, Check{FK: db.fk("books_author_fkey"), Key: k, Referenced: true})
			}
			assert.Equal(t, want, plan.NoAction)
		})
	}

	t.Run("restrict refuses", func(t *testing.T) {
		db := authorsBooks(t, Restrict, NoAction)
		plan, err := db.plan("authors", nil, 1)
		assert.Nil(t, plan)
		var re *RestrictError
		require.ErrorAs(t, err, &re)
		assert.Same(t, db.fk("books_author_fkey"), re.FK)
		assert.Equal(t, []any{int64(1)}, re.Key)
		assert.Equal(t, []any{int64(10), int64(1), "a"}, re.Child, "the first referencing row in key order")
	})

	t.Run("unreferenced row", func(t *testing.T) {
		for _, a := range []Action{NoAction, Restrict, Cascade, SetNull, SetDefault} {
			db := authorsBooks(t, a, NoAction)
			plan, err := db.plan("authors", nil, 0)
			require.NoError(t, err, "%v", a)
			assert.Equal(t, []string{"DELETE authors(0)"}, db.lineage(plan), "%v", a)
		}
	})
}

// TestPlanner_Delete_ChecksSeeEarlierEvents ensures RESTRICT and NO ACTION
// see the changes of the row events before them, as PostgreSQL's
// referential triggers do: a referencing row that an earlier cascade of the
// same statement deleted no longer counts.
func TestPlanner_Delete_ChecksSeeEarlierEvents(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(t *testing.T, action Action) *fakeDB // action: the tested foreign key's ON DELETE
		fk      string
		wantKey []any
		wantOps []string // with NO ACTION
	}{
		{
			name: "row cascaded by an earlier foreign key of the same parent",
			setup: func(t *testing.T, action Action) *fakeDB {
				db := newFakeDB(t)
				db.createTable("authors", []string{"id"}, "id")
				db.createTable("books", []string{"id"}, "id", "author_id", "editor_id")
				db.addFK(&FK{Name: "books_author_fkey", Child: "books", Parent: "authors",
					ChildCols: db.cols("books", "author_id"), ParentCols: []int{0}, OnDelete: Cascade})
				db.addFK(&FK{Name: "books_editor_fkey", Child: "books", Parent: "authors",
					ChildCols: db.cols("books", "editor_id"), ParentCols: []int{0}, OnDelete: action})
				db.insert("authors", 1)
				db.insert("books", 10, 1, 1)
				return db
			},
			fk:      "books_editor_fkey",
			wantKey: []any{int64(1)},
			wantOps: []string{"DELETE authors(1)", "DELETE books(10) via books_author_fkey from 0"},
		},
		{
			name: "row cascaded on another path before the restricting row is reached",
			setup: func(t *testing.T, action Action) *fakeDB {
				db := newFakeDB(t)
				db.createTable("authors", []string{"id"}, "id")
				db.createTable("series", []string{"id"}, "id", "author_id")
				db.createTable("books", []string{"id"}, "id", "author_id", "series_id")
				db.addFK(&FK{Name: "books_author_fkey", Child: "books", Parent: "authors",
					ChildCols: db.cols("books", "author_id"), ParentCols: []int{0}, OnDelete: Cascade})
				db.addFK(&FK{Name: "series_author_fkey", Child: "series", Parent: "authors",
					ChildCols: db.cols("series", "author_id"), ParentCols: []int{0}, OnDelete: Cascade})
				db.addFK(&FK{Name: "books_series_fkey", Child: "books", Parent: "series",
					ChildCols: db.cols("books", "series_id"), ParentCols: []int{0}, OnDelete: action})
				db.insert("authors", 1)
				db.insert("series", 5, 1)
				db.insert("books", 10, 1, 5)
				return db
			},
			fk:      "books_series_fkey",
			wantKey: []any{int64(5)},
			wantOps: []string{
				"DELETE authors(1)",
				"DELETE books(10) via books_author_fkey from 0",
				"DELETE series(5) via series_author_fkey from 0",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name+"/restrict", func(t *testing.T) {
			db := tc.setup(t, Restrict)
			plan, err := db.plan("authors", nil, 1)
			require.NoError(t, err)
			assert.Equal(t, tc.wantOps, db.lineage(plan))
		})
		t.Run(tc.name+"/no action", func(t *testing.T) {
			db := tc.setup(t, NoAction)
			plan, err := db.plan("authors", nil, 1)
			require.NoError(t, err)
			requireWellFormed(t, plan)
			assert.Equal(t, tc.wantOps, db.lineage(plan))
			assert.Equal(t, []Check{{FK: db.fk(tc.fk), Key: tc.wantKey, Referenced: false}}, plan.NoAction)
		})
	}
}

// library declares, in this order, books -> authors, reviews -> books,
// awards -> authors and book_tags -> books (each ON DELETE action given),
// so that declaration order is neither table nor name order. Authors 1 and
// 2; books 10 and 20 by author 1, 30 by author 2; award 7 to author 1 and 8
// to author 2; reviews 101 and 103 of book 10, 100 of 20, 102 of 30; tags
// (10,1), (10,2), (20,1), (30,1).
func library(t *testing.T, books, reviews, awards, tags Action) *fakeDB {
	db := newFakeDB(t)
	db.createTable("authors", []string{"id"}, "id", "name")
	db.createTable("awards", []string{"id"}, "id", "author_id")
	db.createTable("books", []string{"id"}, "id", "author_id")
	db.createTable("reviews", []string{"id"}, "id", "book_id")
	db.createTable("book_tags", []string{"book_id", "tag_id"}, "book_id", "tag_id")
	db.addFK(&FK{Name: "books_author_fkey", Child: "books", Parent: "authors",
		ChildCols: db.cols("books", "author_id"), ParentCols: []int{0}, OnDelete: books})
	db.addFK(&FK{Name: "reviews_book_fkey", Child: "reviews", Parent: "books",
		ChildCols: db.cols("reviews", "book_id"), ParentCols: []int{0}, OnDelete: reviews})
	db.addFK(&FK{Name: "awards_author_fkey", Child: "awards", Parent: "authors",
		ChildCols: db.cols("awards", "author_id"), ParentCols: []int{0}, OnDelete: awards})
	db.addFK(&FK{Name: "book_tags_book_fkey", Child: "book_tags", Parent: "books",
		ChildCols: db.cols("book_tags", "book_id"), ParentCols: []int{0}, OnDelete: tags})
	db.insert("authors", 1, "Le Guin")
	db.insert("authors", 2, "Butler")
	db.insert("awards", 8, 2)
	db.insert("awards", 7, 1)
	db.insert("books", 20, 1)
	db.insert("books", 10, 1)
	db.insert("books", 30, 2)
	db.insert("reviews", 103, 10)
	db.insert("reviews", 100, 20)
	db.insert("reviews", 102, 30)
	db.insert("reviews", 101, 10)
	db.insert("book_tags", 20, 1)
	db.insert("book_tags", 10, 2)
	db.insert("book_tags", 30, 1)
	db.insert("book_tags", 10, 1)
	return db
}

// TestPlanner_Delete_CascadeMultiLevel ensures a cascade reaches
// grandchildren, and that the rows one op sets off come by foreign key in
// declaration order, then by primary key.
func TestPlanner_Delete_CascadeMultiLevel(t *testing.T) {
	db := library(t, Cascade, Cascade, Cascade, Cascade)
	plan, err := db.plan("authors", nil, 1)
	require.NoError(t, err)
	requireWellFormed(t, plan)
	assert.ElementsMatch(t, []string{
		"DELETE authors(1)",
		"DELETE books(10) via books_author_fkey from 0",
		"DELETE books(20) via books_author_fkey from 0",
		"DELETE awards(7) via awards_author_fkey from 0",
		fmt.Sprintf("DELETE reviews(101) via reviews_book_fkey from %d", db.opIndex(plan, "DELETE books(10)")),
		fmt.Sprintf("DELETE reviews(103) via reviews_book_fkey from %d", db.opIndex(plan, "DELETE books(10)")),
		fmt.Sprintf("DELETE book_tags(10, 1) via book_tags_book_fkey from %d", db.opIndex(plan, "DELETE books(10)")),
		fmt.Sprintf("DELETE book_tags(10, 2) via book_tags_book_fkey from %d", db.opIndex(plan, "DELETE books(10)")),
		fmt.Sprintf("DELETE reviews(100) via reviews_book_fkey from %d", db.opIndex(plan, "DELETE books(20)")),
		fmt.Sprintf("DELETE book_tags(20, 1) via book_tags_book_fkey from %d", db.opIndex(plan, "DELETE books(20)")),
	}, db.lineage(plan))
	assert.Equal(t, "DELETE authors(1)", db.opString(plan.Ops[0]))
	assert.Equal(t, []string{"DELETE books(10)", "DELETE books(20)", "DELETE awards(7)"}, db.causedBy(plan, 0))
	assert.Equal(t, []string{"DELETE reviews(101)", "DELETE reviews(103)", "DELETE book_tags(10, 1)", "DELETE book_tags(10, 2)"},
		db.causedBy(plan, db.opIndex(plan, "DELETE books(10)")))
	assert.Equal(t, []string{"DELETE reviews(100)", "DELETE book_tags(20, 1)"},
		db.causedBy(plan, db.opIndex(plan, "DELETE books(20)")))
	assert.Empty(t, plan.NoAction)
}

// TestPlanner_Delete_MixedActionsMultiLevel ensures each level applies its
// own foreign key's action: a cascaded book's reviews are unlinked and its
// tags' NO ACTION check is queued.
func TestPlanner_Delete_MixedActionsMultiLevel(t *testing.T) {
	db := library(t, Cascade, SetNull, Cascade, NoAction)
	plan, err := db.plan("authors", nil, 1)
	require.NoError(t, err)
	requireWellFormed(t, plan)
	assert.ElementsMatch(t, []string{
		"DELETE authors(1)",
		"DELETE books(10)",
		"DELETE books(20)",
		"DELETE awards(7)",
		"UPDATE reviews(101) SET book_id=NULL",
		"UPDATE reviews(103) SET book_id=NULL",
		"UPDATE reviews(100) SET book_id=NULL",
	}, db.ops(plan))
	assert.ElementsMatch(t, []Check{
		{FK: db.fk("book_tags_book_fkey"), Key: []any{int64(10)}, Referenced: true},
		{FK: db.fk("book_tags_book_fkey"), Key: []any{int64(20)}, Referenced: true},
	}, plan.NoAction)
}

// TestOp_From_PointsAtCause ensures each op's From is the op whose row the
// op's row referenced through Via.
func TestOp_From_PointsAtCause(t *testing.T) {
	db := library(t, Cascade, SetNull, Cascade, Cascade)
	plan, err := db.plan("authors", nil, 1)
	require.NoError(t, err)
	requireWellFormed(t, plan)
	require.Len(t, plan.Ops, 10)
	for i, op := range plan.Ops[1:] {
		cause := plan.Ops[op.From]
		parentKey := op.Via.ParentKey(db.find(cause.Table, cause.PK))
		childKey := pick(db.find(op.Table, op.PK), op.Via.ChildCols)
		assert.Equal(t, parentKey, childKey, "op %d: %s", i+1, db.opString(op))
	}
}

// TestPlan_Path ensures Path lists the foreign keys from the statement's
// row to an op, outermost first, and nothing for the statement's row.
func TestPlan_Path(t *testing.T) {
	t.Run("planned", func(t *testing.T) {
		db := library(t, Cascade, Cascade, Cascade, Cascade)
		plan, err := db.plan("authors", nil, 1)
		require.NoError(t, err)
		assert.Empty(t, plan.Path(0))
		assert.Equal(t, []string{"books_author_fkey"}, plan.Path(db.opIndex(plan, "DELETE books(20)")))
		assert.Equal(t, []string{"awards_author_fkey"}, plan.Path(db.opIndex(plan, "DELETE awards(7)")))
		assert.Equal(t, []string{"books_author_fkey", "reviews_book_fkey"}, plan.Path(db.opIndex(plan, "DELETE reviews(103)")))
		assert.Equal(t, []string{"books_author_fkey", "book_tags_book_fkey"}, plan.Path(db.opIndex(plan, "DELETE book_tags(20, 1)")))
	})
	t.Run("built", func(t *testing.T) {
		a, b, c := &FK{Name: "a"}, &FK{Name: "b"}, &FK{Name: "c"}
		plan := &Plan{Ops: []Op{
			{Kind: OpDelete, From: -1},
			{Kind: OpDelete, Via: a, From: 0},
			{Kind: OpDelete, Via: c, From: 0},
			{Kind: OpUpdate, Via: b, From: 1},
			{Kind: OpDelete, Via: c, From: 3},
		}}
		tests := []struct {
			op   int
			want []string
		}{
			{0, nil},
			{1, []string{"a"}},
			{2, []string{"c"}},
			{3, []string{"a", "b"}},
			{4, []string{"a", "b", "c"}},
		}
		for _, tc := range tests {
			assert.Equal(t, tc.want, plan.Path(tc.op), "op %d", tc.op)
		}
	})
}

// tenantDocs declares docs(tenant_id, owner_id) -> users(tenant_id, id)
// (docs_owner_fkey, defaults 0 and 0) with the given actions and SET NULL /
// SET DEFAULT columns. Users (1,5), (1,6), (2,5); docs 100 and 103 of
// (1,5), 101 of (2,5), 102 of (1,6).
func tenantDocs(t *testing.T, onDelete, onUpdate Action, setCols ...string) *fakeDB {
	db := newFakeDB(t)
	db.createTable("users", []string{"tenant_id", "id"}, "tenant_id", "id", "name")
	db.createTable("docs", []string{"id"}, "id", "tenant_id", "owner_id")
	fk := db.addFK(&FK{Name: "docs_owner_fkey", Child: "docs", Parent: "users",
		ChildCols: db.cols("docs", "tenant_id", "owner_id"), ParentCols: db.cols("users", "tenant_id", "id"),
		OnDelete: onDelete, OnUpdate: onUpdate})
	if setCols != nil {
		fk.SetCols = db.cols("docs", setCols...)
	}
	db.setDefault("docs", "tenant_id", 0)
	db.setDefault("docs", "owner_id", 0)
	db.insert("users", 1, 5, "ann")
	db.insert("users", 1, 6, "bob")
	db.insert("users", 2, 5, "cy")
	db.insert("docs", 103, 1, 5)
	db.insert("docs", 102, 1, 6)
	db.insert("docs", 101, 2, 5)
	db.insert("docs", 100, 1, 5)
	return db
}

// TestPlanner_Delete_SetCols ensures ON DELETE SET NULL / SET DEFAULT
// change all referencing columns, or only SetCols when given (PostgreSQL
// 15's column list), and only the rows matching the whole composite key.
func TestPlanner_Delete_SetCols(t *testing.T) {
	tests := []struct {
		name    string
		action  Action
		setCols []string
		wantOps []string
	}{
		{"set null all columns", SetNull, nil, []string{
			"DELETE users(1, 5)",
			"UPDATE docs(100) SET tenant_id=NULL, owner_id=NULL via docs_owner_fkey from 0",
			"UPDATE docs(103) SET tenant_id=NULL, owner_id=NULL via docs_owner_fkey from 0",
		}},
		{"set null owner only", SetNull, []string{"owner_id"}, []string{
			"DELETE users(1, 5)",
			"UPDATE docs(100) SET owner_id=NULL via docs_owner_fkey from 0",
			"UPDATE docs(103) SET owner_id=NULL via docs_owner_fkey from 0",
		}},
		{"set default all columns", SetDefault, nil, []string{
			"DELETE users(1, 5)",
			"UPDATE docs(100) SET tenant_id=0, owner_id=0 via docs_owner_fkey from 0",
			"UPDATE docs(103) SET tenant_id=0, owner_id=0 via docs_owner_fkey from 0",
		}},
		{"set default owner only", SetDefault, []string{"owner_id"}, []string{
			"DELETE users(1, 5)",
			"UPDATE docs(100) SET owner_id=0 via docs_owner_fkey from 0",
			"UPDATE docs(103) SET owner_id=0 via docs_owner_fkey from 0",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := tenantDocs(t, tc.action, NoAction, tc.setCols...)
			plan, err := db.plan("users", nil, 1, 5)
			require.NoError(t, err)
			requireWellFormed(t, plan)
			assert.Equal(t, tc.wantOps, db.lineage(plan))
			if tc.setCols != nil {
				tenant := db.cols("docs", "tenant_id")[0]
				for _, op := range plan.Ops[1:] {
					assert.NotContains(t, op.Set, tenant, "tenant_id is not in SetCols")
				}
			}
		})
	}
}

// TestPlanner_Update_SetColsIgnored ensures ON UPDATE SET NULL / SET
// DEFAULT change every referencing column: the column list applies to ON
// DELETE only.
func TestPlanner_Update_SetColsIgnored(t *testing.T) {
	tests := []struct {
		name    string
		action  Action
		wantOps []string
	}{
		{"set null", SetNull, []string{
			"UPDATE users(1, 5) SET id=7",
			"UPDATE docs(100) SET tenant_id=NULL, owner_id=NULL via docs_owner_fkey from 0",
			"UPDATE docs(103) SET tenant_id=NULL, owner_id=NULL via docs_owner_fkey from 0",
		}},
		{"set default", SetDefault, []string{
			"UPDATE users(1, 5) SET id=7",
			"UPDATE docs(100) SET tenant_id=0, owner_id=0 via docs_owner_fkey from 0",
			"UPDATE docs(103) SET tenant_id=0, owner_id=0 via docs_owner_fkey from 0",
		}},
		{"cascade", Cascade, []string{
			"UPDATE users(1, 5) SET id=7",
			"UPDATE docs(100) SET owner_id=7 via docs_owner_fkey from 0",
			"UPDATE docs(103) SET owner_id=7 via docs_owner_fkey from 0",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := tenantDocs(t, SetNull, tc.action, "owner_id")
			plan, err := db.plan("users", map[string]any{"id": 7}, 1, 5)
			require.NoError(t, err)
			requireWellFormed(t, plan)
			assert.Equal(t, tc.wantOps, db.lineage(plan))
		})
	}
}

// TestPlanner_Update_OnUpdateActions ensures each ON UPDATE action fires
// when a referenced key changes, and ON DELETE is not consulted.
func TestPlanner_Update_OnUpdateActions(t *testing.T) {
	tests := []struct {
		name       string
		action     Action
		wantOps    []string
		wantChecks [][]any
	}{
		{"no action checks at end", NoAction, []string{"UPDATE authors(1) SET id=10"}, [][]any{{int64(1)}}},
		{"cascade follows", Cascade, []string{
			"UPDATE authors(1) SET id=10",
			"UPDATE books(10) SET author_id=10 via books_author_fkey from 0",
			"UPDATE books(12) SET author_id=10 via books_author_fkey from 0",
		}, nil},
		{"set null unlinks", SetNull, []string{
			"UPDATE authors(1) SET id=10",
			"UPDATE books(10) SET author_id=NULL via books_author_fkey from 0",
			"UPDATE books(12) SET author_id=NULL via books_author_fkey from 0",
		}, nil},
		{"set default moves to default", SetDefault, []string{
			"UPDATE authors(1) SET id=10",
			"UPDATE books(10) SET author_id=0 via books_author_fkey from 0",
			"UPDATE books(12) SET author_id=0 via books_author_fkey from 0",
		}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := authorsBooks(t, Restrict, tc.action)
			plan, err := db.plan("authors", map[string]any{"id": 10}, 1)
			require.NoError(t, err)
			requireWellFormed(t, plan)
			assert.Equal(t, tc.wantOps, db.lineage(plan))
			if tc.action == SetDefault {
				return // its check is TestPlanner_SetDefault_RechecksOldKey's subject
			}
			var want []Check
			for _, k := range tc.wantChecks {
				want = append(want, Check{FK: db.fk("books_author_fkey"), Key: k, Referenced: true})
			}
			assert.Equal(t, want, plan.NoAction)
		})
	}

	t.Run("restrict refuses", func(t *testing.T) {
		db := authorsBooks(t, Cascade, Restrict)
		plan, err := db.plan("authors", map[string]any{"id": 10}, 1)
		assert.Nil(t, plan)
		var re *RestrictError
		require.ErrorAs(t, err, &re)
		assert.Same(t, db.fk("books_author_fkey"), re.FK)
		assert.Equal(t, []any{int64(1)}, re.Key, "the old key")
		assert.Equal(t, []any{int64(10), int64(1), "a"}, re.Child)
	})
}

// TestPlanner_Update_KeyUnchanged ensures an update that leaves every
// referenced column as it was fires no action and reads no children.
func TestPlanner_Update_KeyUnchanged(t *testing.T) {
	for _, a := range []Action{NoAction, Restrict, Cascade, SetNull, SetDefault} {
		t.Run(a.String(), func(t *testing.T) {
			db := authorsBooks(t, a, a)
			plan, err := db.plan("authors", map[string]any{"name": "Ursula"}, 1)
			require.NoError(t, err)
			requireWellFormed(t, plan)
			assert.Equal(t, []string{"UPDATE authors(1) SET name='Ursula'"}, db.lineage(plan))
			assert.Empty(t, plan.NoAction)
			assert.Zero(t, db.totalScans())
		})
	}
}

// TestPlanner_Update_RootOp ensures an update's first op is the statement's
// row, under its old primary key, setting exactly the changed columns.
func TestPlanner_Update_RootOp(t *testing.T) {
	db := authorsBooks(t, NoAction, Cascade)
	pk, row := db.get("books", 10)
	next := []any{int64(10), int64(1), "z"}
	plan, err := NewPlanner(db).Update("books", pk, row, next)
	require.NoError(t, err)
	require.Len(t, plan.Ops, 1)
	assert.Equal(t, Op{Kind: OpUpdate, Table: "books", PK: pk, Row: row, Set: map[int]any{2: "z"}, Via: nil, From: -1}, plan.Ops[0])

	// A key change: the op keeps the old key.
	pk, row = db.get("authors", 1)
	plan, err = NewPlanner(db).Update("authors", pk, row, []any{int64(10), "Le Guin"})
	require.NoError(t, err)
	assert.Equal(t, pk, plan.Ops[0].PK)
	assert.Equal(t, map[int]any{0: int64(10)}, plan.Ops[0].Set)

	// No change at all: still the statement's own op, setting nothing.
	pk, row = db.get("authors", 2)
	plan, err = NewPlanner(db).Update("authors", pk, row, slices.Clone(row))
	require.NoError(t, err)
	require.Len(t, plan.Ops, 1)
	assert.Empty(t, plan.Ops[0].Set)
	assert.Empty(t, plan.NoAction)
}

// TestPlanner_Update_KeyScaleChange ensures that changing a referenced
// decimal to an equal value written with another scale (1.0 to 1.00) counts
// as a key change, as in PostgreSQL, which compares the referenced side
// bytewise (ri_KeysEqual with rel_is_pk uses datum_image_eq): ON UPDATE
// CASCADE carries 1.00 to the children, SET NULL unlinks them, RESTRICT
// refuses. NO ACTION passes there (the row still holds an equal key).
func TestPlanner_Update_KeyScaleChange(t *testing.T) {
	oneTenths, oneHundredths := apd.New(10, -1), apd.New(100, -2) // 1.0, 1.00
	setup := func(t *testing.T, onUpdate Action) *fakeDB {
		db := newFakeDB(t)
		db.createTable("accounts", []string{"code"}, "code")
		db.createTable("entries", []string{"id"}, "id", "code")
		db.addFK(&FK{Name: "entries_code_fkey", Child: "entries", Parent: "accounts",
			ChildCols: db.cols("entries", "code"), ParentCols: []int{0}, OnUpdate: onUpdate})
		db.insert("accounts", oneTenths)
		db.insert("entries", 1, oneTenths)
		return db
	}
	tests := []struct {
		name    string
		action  Action
		wantOps []string
	}{
		{"cascade carries the new scale", Cascade, []string{
			"UPDATE accounts(1) SET code=1.00",
			"UPDATE entries(1) SET code=1.00 via entries_code_fkey from 0",
		}},
		{"set null unlinks", SetNull, []string{
			"UPDATE accounts(1) SET code=1.00",
			"UPDATE entries(1) SET code=NULL via entries_code_fkey from 0",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := setup(t, tc.action)
			plan, err := db.plan("accounts", map[string]any{"code": oneHundredths}, oneTenths)
			require.NoError(t, err)
			requireWellFormed(t, plan)
			assert.Equal(t, tc.wantOps, db.lineage(plan))
		})
	}
	t.Run("restrict refuses", func(t *testing.T) {
		db := setup(t, Restrict)
		_, err := db.plan("accounts", map[string]any{"code": oneHundredths}, oneTenths)
		var re *RestrictError
		assert.ErrorAs(t, err, &re)
	})
	t.Run("no action passes", func(t *testing.T) {
		db := setup(t, NoAction)
		plan, err := db.plan("accounts", map[string]any{"code": oneHundredths}, oneTenths)
		require.NoError(t, err)
		assert.Equal(t, []string{"UPDATE accounts(1) SET code=1.00"}, db.lineage(plan))
	})
}

// projectsComments declares comments(tenant_id, project_id) ->
// projects(tenant_id, id) (comments_project_fkey) with the given actions.
// Projects (1,1), (1,2), (2,1); comments 50 and 53 of (1,1), 51 of (2,1),
// 52 of (1,2).
func projectsComments(t *testing.T, onDelete, onUpdate Action) *fakeDB {
	db := newFakeDB(t)
	db.createTable("projects", []string{"tenant_id", "id"}, "tenant_id", "id", "name")
	db.createTable("comments", []string{"id"}, "id", "tenant_id", "project_id")
	db.addFK(&FK{Name: "comments_project_fkey", Child: "comments", Parent: "projects",
		ChildCols: db.cols("comments", "tenant_id", "project_id"), ParentCols: db.cols("projects", "tenant_id", "id"),
		OnDelete: onDelete, OnUpdate: onUpdate})
	db.insert("projects", 2, 1, "c")
	db.insert("projects", 1, 2, "b")
	db.insert("projects", 1, 1, "a")
	db.insert("comments", 53, 1, 1)
	db.insert("comments", 52, 1, 2)
	db.insert("comments", 51, 2, 1)
	db.insert("comments", 50, 1, 1)
	return db
}

// TestPlanner_CompositeKey ensures composite keys act only on rows matching
// every column, and checks and refusals carry the whole old key.
func TestPlanner_CompositeKey(t *testing.T) {
	oldKey := []any{int64(1), int64(1)}
	tests := []struct {
		name         string
		onDelete     Action
		onUpdate     Action
		set          map[string]any // nil: delete project (1,1)
		wantOps      []string
		wantCheck    bool // a NO ACTION check of (1,1)
		wantRestrict bool // a *RestrictError on (1,1)
	}{
		{name: "delete cascade", onDelete: Cascade, wantOps: []string{
			"DELETE projects(1, 1)",
			"DELETE comments(50) via comments_project_fkey from 0",
			"DELETE comments(53) via comments_project_fkey from 0",
		}},
		{name: "delete no action", onDelete: NoAction, wantOps: []string{"DELETE projects(1, 1)"}, wantCheck: true},
		{name: "delete restrict", onDelete: Restrict, wantRestrict: true},
		{name: "update second column cascade", onUpdate: Cascade, set: map[string]any{"id": 4}, wantOps: []string{
			"UPDATE projects(1, 1) SET id=4",
			"UPDATE comments(50) SET project_id=4 via comments_project_fkey from 0",
			"UPDATE comments(53) SET project_id=4 via comments_project_fkey from 0",
		}},
		{name: "update first column cascade", onUpdate: Cascade, set: map[string]any{"tenant_id": 3}, wantOps: []string{
			"UPDATE projects(1, 1) SET tenant_id=3",
			"UPDATE comments(50) SET tenant_id=3 via comments_project_fkey from 0",
			"UPDATE comments(53) SET tenant_id=3 via comments_project_fkey from 0",
		}},
		{name: "update one column set null clears all", onUpdate: SetNull, set: map[string]any{"id": 4}, wantOps: []string{
			"UPDATE projects(1, 1) SET id=4",
			"UPDATE comments(50) SET tenant_id=NULL, project_id=NULL via comments_project_fkey from 0",
			"UPDATE comments(53) SET tenant_id=NULL, project_id=NULL via comments_project_fkey from 0",
		}},
		{name: "update no action", onUpdate: NoAction, set: map[string]any{"id": 4}, wantOps: []string{"UPDATE projects(1, 1) SET id=4"}, wantCheck: true},
		{name: "update restrict", onUpdate: Restrict, set: map[string]any{"id": 4}, wantRestrict: true},
		{name: "update of a non-key column", onUpdate: Restrict, set: map[string]any{"name": "z"}, wantOps: []string{"UPDATE projects(1, 1) SET name='z'"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := projectsComments(t, tc.onDelete, tc.onUpdate)
			plan, err := db.plan("projects", tc.set, 1, 1)
			if tc.wantRestrict {
				var re *RestrictError
				require.ErrorAs(t, err, &re)
				assert.Equal(t, oldKey, re.Key)
				assert.Equal(t, []any{int64(50), int64(1), int64(1)}, re.Child)
				return
			}
			require.NoError(t, err)
			requireWellFormed(t, plan)
			assert.Equal(t, tc.wantOps, db.lineage(plan))
			var want []Check
			if tc.wantCheck {
				want = []Check{{FK: db.fk("comments_project_fkey"), Key: oldKey, Referenced: true}}
			}
			assert.Equal(t, want, plan.NoAction)
		})
	}
}

// TestPlanner_NullParentKey ensures a parent row whose referenced key has a
// NULL never reaches children: no scan, no op, no check, no refusal,
// whatever the action.
func TestPlanner_NullParentKey(t *testing.T) {
	setup := func(t *testing.T, a Action) *fakeDB {
		db := newFakeDB(t)
		db.createTable("users", []string{"id"}, "id", "org", "email")
		db.createTable("invites", []string{"id"}, "id", "org", "email")
		db.addFK(&FK{Name: "invites_email_fkey", Child: "invites", Parent: "users",
			ChildCols: db.cols("invites", "email"), ParentCols: db.cols("users", "email"), OnDelete: a, OnUpdate: a})
		db.addFK(&FK{Name: "invites_org_email_fkey", Child: "invites", Parent: "users",
			ChildCols: db.cols("invites", "org", "email"), ParentCols: db.cols("users", "org", "email"), OnDelete: a, OnUpdate: a})
		db.setDefault("invites", "email", "nobody")
		db.insert("users", 1, 1, nil)
		db.insert("users", 2, 1, "b@x")
		db.insert("invites", 10, 1, nil)
		db.insert("invites", 11, 1, "b@x")
		return db
	}
	for _, a := range []Action{NoAction, Restrict, Cascade, SetNull, SetDefault} {
		t.Run(a.String()+"/delete", func(t *testing.T) {
			db := setup(t, a)
			plan, err := db.plan("users", nil, 1)
			require.NoError(t, err)
			assert.Equal(t, []string{"DELETE users(1)"}, db.lineage(plan))
			assert.Empty(t, plan.NoAction)
			assert.Zero(t, db.totalScans())
		})
		t.Run(a.String()+"/update from null", func(t *testing.T) {
			db := setup(t, a)
			plan, err := db.plan("users", map[string]any{"email": "a@x"}, 1)
			require.NoError(t, err)
			assert.Equal(t, []string{"UPDATE users(1) SET email='a@x'"}, db.lineage(plan))
			assert.Empty(t, plan.NoAction)
			assert.Zero(t, db.totalScans())
		})
	}
	// The other way, a key becoming NULL is a key change.
	t.Run("cascade/update to null", func(t *testing.T) {
		db := setup(t, Cascade)
		plan, err := db.plan("users", map[string]any{"email": nil}, 2)
		require.NoError(t, err)
		requireWellFormed(t, plan)
		assert.Equal(t, []string{
			"UPDATE users(2) SET email=NULL",
			"UPDATE invites(11) SET email=NULL via invites_email_fkey from 0",
		}, db.lineage(plan))
	})
}

// TestPlanner_Delete_Diamond ensures a row reached by two cascade paths is
// deleted by one op.
func TestPlanner_Delete_Diamond(t *testing.T) {
	db := newFakeDB(t)
	db.createTable("authors", []string{"id"}, "id")
	db.createTable("books", []string{"id"}, "id", "author_id")
	db.createTable("series", []string{"id"}, "id", "author_id")
	db.createTable("entries", []string{"id"}, "id", "book_id", "series_id")
	for _, fk := range []*FK{
		{Name: "books_author_fkey", Child: "books", Parent: "authors", ChildCols: []int{1}, ParentCols: []int{0}, OnDelete: Cascade},
		{Name: "series_author_fkey", Child: "series", Parent: "authors", ChildCols: []int{1}, ParentCols: []int{0}, OnDelete: Cascade},
		{Name: "entries_book_fkey", Child: "entries", Parent: "books", ChildCols: []int{1}, ParentCols: []int{0}, OnDelete: Cascade},
		{Name: "entries_series_fkey", Child: "entries", Parent: "series", ChildCols: []int{2}, ParentCols: []int{0}, OnDelete: Cascade},
	} {
		db.addFK(fk)
	}
	db.insert("authors", 1)
	db.insert("books", 10, 1)
	db.insert("series", 5, 1)
	db.insert("entries", 7, 10, 5)
	db.insert("entries", 8, 10, 5)

	plan, err := db.plan("authors", nil, 1)
	require.NoError(t, err)
	requireWellFormed(t, plan)
	assert.Equal(t, []string{
		"DELETE authors(1)",
		"DELETE books(10) via books_author_fkey from 0",
		"DELETE series(5) via series_author_fkey from 0",
		"DELETE entries(7) via entries_book_fkey from 1",
		"DELETE entries(8) via entries_book_fkey from 1",
	}, db.lineage(plan))
}

// TestPlanner_Delete_Cycle ensures cascades around a cycle (A -> B -> A, and
// a row referencing itself) terminate with each row deleted once.
func TestPlanner_Delete_Cycle(t *testing.T) {
	t.Run("two tables", func(t *testing.T) {
		db := newFakeDB(t)
		db.createTable("a", []string{"id"}, "id", "b_id")
		db.createTable("b", []string{"id"}, "id", "a_id")
		db.addFK(&FK{Name: "a_b_fkey", Child: "a", Parent: "b", ChildCols: []int{1}, ParentCols: []int{0}, OnDelete: Cascade})
		db.addFK(&FK{Name: "b_a_fkey", Child: "b", Parent: "a", ChildCols: []int{1}, ParentCols: []int{0}, OnDelete: Cascade})
		db.insert("a", 1, 1)
		db.insert("a", 2, 2)
		db.insert("b", 1, 1)
		db.insert("b", 2, 1)
		plan, err := db.plan("a", nil, 1)
		require.NoError(t, err)
		requireWellFormed(t, plan)
		assert.Equal(t, []string{
			"DELETE a(1)",
			"DELETE b(1) via b_a_fkey from 0",
			"DELETE b(2) via b_a_fkey from 0",
			"DELETE a(2) via a_b_fkey from 2",
		}, db.lineage(plan))
	})
	t.Run("row referencing itself", func(t *testing.T) {
		db := newFakeDB(t)
		db.createTable("nodes", []string{"id"}, "id", "parent_id")
		db.addFK(&FK{Name: "nodes_parent_fkey", Child: "nodes", Parent: "nodes", ChildCols: []int{1}, ParentCols: []int{0}, OnDelete: Cascade})
		db.insert("nodes", 1, 1)
		db.insert("nodes", 2, 1)
		plan, err := db.plan("nodes", nil, 1)
		require.NoError(t, err)
		requireWellFormed(t, plan)
		assert.Equal(t, []string{"DELETE nodes(1)", "DELETE nodes(2) via nodes_parent_fkey from 0"}, db.lineage(plan))
	})
}

// TestPlanner_Update_Cycle ensures ON UPDATE CASCADE around a cycle
// terminates, and a row referencing itself ends with one op holding both
// its new key and its new reference.
func TestPlanner_Update_Cycle(t *testing.T) {
	t.Run("two tables", func(t *testing.T) {
		db := newFakeDB(t)
		db.createTable("l", []string{"k"}, "k")
		db.createTable("r", []string{"k"}, "k")
		db.addFK(&FK{Name: "l_k_fkey", Child: "l", Parent: "r", ChildCols: []int{0}, ParentCols: []int{0}, OnUpdate: Cascade})
		db.addFK(&FK{Name: "r_k_fkey", Child: "r", Parent: "l", ChildCols: []int{0}, ParentCols: []int{0}, OnUpdate: Cascade})
		db.insert("l", 1)
		db.insert("r", 1)
		plan, err := db.plan("l", map[string]any{"k": 2}, 1)
		require.NoError(t, err)
		requireWellFormed(t, plan)
		assert.Equal(t, []string{"UPDATE l(1) SET k=2", "UPDATE r(1) SET k=2 via r_k_fkey from 0"}, db.lineage(plan))
	})
	// PostgreSQL: UPDATE nodes SET id = 5 WHERE id = 1 leaves (5,5) and (2,5).
	for _, a := range []struct {
		action Action
		want   []string
	}{
		{Cascade, []string{"UPDATE nodes(1) SET id=5, parent_id=5", "UPDATE nodes(2) SET parent_id=5 via nodes_parent_fkey from 0"}},
		{SetNull, []string{"UPDATE nodes(1) SET id=5, parent_id=NULL", "UPDATE nodes(2) SET parent_id=NULL via nodes_parent_fkey from 0"}},
	} {
		t.Run("row referencing itself/"+a.action.String(), func(t *testing.T) {
			db := newFakeDB(t)
			db.createTable("nodes", []string{"id"}, "id", "parent_id")
			db.addFK(&FK{Name: "nodes_parent_fkey", Child: "nodes", Parent: "nodes", ChildCols: []int{1}, ParentCols: []int{0}, OnUpdate: a.action})
			db.insert("nodes", 1, 1)
			db.insert("nodes", 2, 1)
			plan, err := db.plan("nodes", map[string]any{"id": 5}, 1)
			require.NoError(t, err)
			requireWellFormed(t, plan)
			assert.Equal(t, a.want, db.lineage(plan))
		})
	}
}

// TestPlanner_Update_CascadeMultiLevel ensures a key update cascades into
// a child's key and on to its own children, and a row reached on two paths
// (a diamond) gets one op.
func TestPlanner_Update_CascadeMultiLevel(t *testing.T) {
	// direct, when given, declares tasks.tenant_id -> tenants too, with that
	// ON UPDATE action.
	setup := func(t *testing.T, direct ...Action) *fakeDB {
		db := newFakeDB(t)
		db.createTable("tenants", []string{"id"}, "id")
		db.createTable("projects", []string{"tenant_id", "id"}, "tenant_id", "id")
		db.createTable("tasks", []string{"id"}, "id", "tenant_id", "project_id")
		db.addFK(&FK{Name: "projects_tenant_fkey", Child: "projects", Parent: "tenants",
			ChildCols: []int{0}, ParentCols: []int{0}, OnUpdate: Cascade})
		db.addFK(&FK{Name: "tasks_project_fkey", Child: "tasks", Parent: "projects",
			ChildCols: []int{1, 2}, ParentCols: []int{0, 1}, OnUpdate: Cascade})
		for _, a := range direct {
			db.addFK(&FK{Name: "tasks_tenant_fkey", Child: "tasks", Parent: "tenants",
				ChildCols: []int{1}, ParentCols: []int{0}, OnUpdate: a})
		}
		db.insert("tenants", 1)
		db.insert("tenants", 2)
		db.insert("projects", 1, 1)
		db.insert("projects", 1, 2)
		db.insert("projects", 2, 1)
		db.insert("tasks", 1, 1, 1)
		db.insert("tasks", 2, 1, 1)
		db.insert("tasks", 3, 1, 2)
		db.insert("tasks", 4, 2, 1)
		return db
	}
	t.Run("two levels", func(t *testing.T) {
		db := setup(t)
		plan, err := db.plan("tenants", map[string]any{"id": 9}, 1)
		require.NoError(t, err)
		requireWellFormed(t, plan)
		assert.Equal(t, []string{
			"UPDATE tenants(1) SET id=9",
			"UPDATE projects(1, 1) SET tenant_id=9 via projects_tenant_fkey from 0",
			"UPDATE projects(1, 2) SET tenant_id=9 via projects_tenant_fkey from 0",
			"UPDATE tasks(1) SET tenant_id=9 via tasks_project_fkey from 1",
			"UPDATE tasks(2) SET tenant_id=9 via tasks_project_fkey from 1",
			"UPDATE tasks(3) SET tenant_id=9 via tasks_project_fkey from 2",
		}, db.lineage(plan))
	})
	t.Run("diamond", func(t *testing.T) {
		db := setup(t, Cascade)
		plan, err := db.plan("tenants", map[string]any{"id": 9}, 1)
		require.NoError(t, err)
		requireWellFormed(t, plan)
		assert.Equal(t, []string{
			"UPDATE tenants(1) SET id=9",
			"UPDATE projects(1, 1) SET tenant_id=9 via projects_tenant_fkey from 0",
			"UPDATE projects(1, 2) SET tenant_id=9 via projects_tenant_fkey from 0",
			"UPDATE tasks(1) SET tenant_id=9 via tasks_tenant_fkey from 0",
			"UPDATE tasks(2) SET tenant_id=9 via tasks_tenant_fkey from 0",
			"UPDATE tasks(3) SET tenant_id=9 via tasks_tenant_fkey from 0",
		}, db.lineage(plan))
	})
	// Actions fire in queue order, as PostgreSQL's AFTER trigger queue
	// fires them: tenants' SET NULL reaches the tasks before projects'
	// cascade, which then finds no task on the old project key.
	t.Run("row moved off the key first", func(t *testing.T) {
		db := setup(t, SetNull)
		plan, err := db.plan("tenants", map[string]any{"id": 9}, 1)
		require.NoError(t, err)
		requireWellFormed(t, plan)
		assert.Equal(t, []string{
			"UPDATE tenants(1) SET id=9",
			"UPDATE projects(1, 1) SET tenant_id=9 via projects_tenant_fkey from 0",
			"UPDATE projects(1, 2) SET tenant_id=9 via projects_tenant_fkey from 0",
			"UPDATE tasks(1) SET tenant_id=NULL via tasks_tenant_fkey from 0",
			"UPDATE tasks(2) SET tenant_id=NULL via tasks_tenant_fkey from 0",
			"UPDATE tasks(3) SET tenant_id=NULL via tasks_tenant_fkey from 0",
		}, db.lineage(plan))
	})
}

// TestPlanner_Delete_SelfReferencingChain ensures a cascade down a chain of
// 100,000 self-referencing rows is planned with a worklist: one op per row,
// each set off by the row before it.
func TestPlanner_Delete_SelfReferencingChain(t *testing.T) {
	const n = 100_000
	db := newFakeDB(t)
	db.createTable("nodes", []string{"id"}, "id", "parent_id")
	fk := db.addFK(&FK{Name: "nodes_parent_fkey", Child: "nodes", Parent: "nodes", ChildCols: []int{1}, ParentCols: []int{0}, OnDelete: Cascade})
	db.insert("nodes", 0, nil)
	for i := 1; i < n; i++ {
		db.insert("nodes", i, i-1)
	}
	plan, err := db.plan("nodes", nil, 0)
	require.NoError(t, err)
	require.Len(t, plan.Ops, n)
	requireWellFormed(t, plan)
	for i, op := range plan.Ops {
		if i == 0 {
			continue
		}
		if op.Kind != OpDelete || op.Via != fk || op.From != i-1 || !bytes.Equal(op.PK, db.key(i)) {
			t.Fatalf("op %d: %s via %v from %d", i, db.opString(op), op.Via, op.From)
		}
	}
	assert.Len(t, plan.Path(n-1), n-1)
	assert.Equal(t, n, db.scans["nodes_parent_fkey"], "one scan per row")
}

// deleteWinsSchema declares books -> authors twice, and books -> series ->
// authors, with the given ON DELETE actions, in the order given by order
// (foreign key names). Author 1; series 5 of author 1; book 10 of author 1,
// edited by author 1, in series 5.
func deleteWinsSchema(t *testing.T, actions map[string]Action, order ...string) *fakeDB {
	db := newFakeDB(t)
	db.createTable("authors", []string{"id"}, "id")
	db.createTable("series", []string{"id"}, "id", "author_id")
	db.createTable("books", []string{"id"}, "id", "author_id", "editor_id", "series_id")
	all := map[string]*FK{
		"books_author_fkey":  {Name: "books_author_fkey", Child: "books", Parent: "authors", ChildCols: []int{1}, ParentCols: []int{0}},
		"books_editor_fkey":  {Name: "books_editor_fkey", Child: "books", Parent: "authors", ChildCols: []int{2}, ParentCols: []int{0}},
		"books_series_fkey":  {Name: "books_series_fkey", Child: "books", Parent: "series", ChildCols: []int{3}, ParentCols: []int{0}},
		"series_author_fkey": {Name: "series_author_fkey", Child: "series", Parent: "authors", ChildCols: []int{1}, ParentCols: []int{0}},
	}
	for _, name := range order {
		fk := all[name]
		fk.OnDelete = actions[name]
		db.addFK(fk)
	}
	db.insert("authors", 1)
	db.insert("series", 5, 1)
	db.insert("books", 10, 1, 1, 5)
	return db
}

// TestPlanner_Delete_DeleteWinsOverSetNull ensures a row both unlinked and
// deleted by one statement gets a single delete op, whichever action
// reaches it first, on the same or on different paths.
func TestPlanner_Delete_DeleteWinsOverSetNull(t *testing.T) {
	tests := []struct {
		name    string
		actions map[string]Action
		order   []string
		wantOps []string
	}{
		{
			name:    "set null then cascade, same parent",
			actions: map[string]Action{"books_editor_fkey": SetNull, "books_author_fkey": Cascade},
			order:   []string{"books_editor_fkey", "books_author_fkey"},
			wantOps: []string{"DELETE authors(1)", "DELETE books(10)"},
		},
		{
			name:    "cascade then set null, same parent",
			actions: map[string]Action{"books_editor_fkey": SetNull, "books_author_fkey": Cascade},
			order:   []string{"books_author_fkey", "books_editor_fkey"},
			wantOps: []string{"DELETE authors(1)", "DELETE books(10)"},
		},
		{
			name:    "set null then cascade through series",
			actions: map[string]Action{"books_editor_fkey": SetNull, "series_author_fkey": Cascade, "books_series_fkey": Cascade},
			order:   []string{"books_editor_fkey", "series_author_fkey", "books_series_fkey"},
			wantOps: []string{"DELETE authors(1)", "DELETE books(10)", "DELETE series(5)"},
		},
		{
			name:    "cascade then set null through series",
			actions: map[string]Action{"books_author_fkey": Cascade, "series_author_fkey": Cascade, "books_series_fkey": SetNull},
			order:   []string{"books_author_fkey", "series_author_fkey", "books_series_fkey"},
			wantOps: []string{"DELETE authors(1)", "DELETE books(10)", "DELETE series(5)"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := deleteWinsSchema(t, tc.actions, tc.order...)
			plan, err := db.plan("authors", nil, 1)
			require.NoError(t, err)
			requireWellFormed(t, plan)
			assert.Equal(t, tc.wantOps, db.ops(plan))
			assert.Empty(t, plan.NoAction)
		})
	}
}

// TestPlanner_Delete_DeleteWinsVia ensures that when a delete overrides an
// earlier SET NULL of the same row, the op names the foreign key that
// deleted it (Via is "the foreign key whose action produced the op"), so
// Path, and the engine's preview built on it, show the cascade path.
func TestPlanner_Delete_DeleteWinsVia(t *testing.T) {
	db := deleteWinsSchema(t, map[string]Action{"books_editor_fkey": SetNull, "series_author_fkey": Cascade, "books_series_fkey": Cascade},
		"books_editor_fkey", "series_author_fkey", "books_series_fkey")
	plan, err := db.plan("authors", nil, 1)
	require.NoError(t, err)
	i := db.opIndex(plan, "DELETE books(10)")
	require.NotNil(t, plan.Ops[i].Via)
	assert.Equal(t, Cascade, plan.Ops[i].Via.OnDelete, "a delete comes from a CASCADE foreign key, not %s", plan.Ops[i].Via.Name)
	assert.Equal(t, []string{"series_author_fkey", "books_series_fkey"}, plan.Path(i))
}

// TestPlanner_Delete_UpdateAfterDeleteDropped ensures an update reaching a
// row the plan already deletes is dropped, not merged into the delete.
func TestPlanner_Delete_UpdateAfterDeleteDropped(t *testing.T) {
	for _, a := range []Action{SetNull, SetDefault, Cascade} {
		t.Run(a.String(), func(t *testing.T) {
			db := deleteWinsSchema(t, map[string]Action{"books_author_fkey": Cascade, "books_editor_fkey": a},
				"books_author_fkey", "books_editor_fkey")
			plan, err := db.plan("authors", nil, 1)
			require.NoError(t, err)
			requireWellFormed(t, plan)
			require.Len(t, plan.Ops, 2)
			assert.Equal(t, OpDelete, plan.Ops[1].Kind)
			assert.Nil(t, plan.Ops[1].Set)
			assert.Same(t, db.fk("books_author_fkey"), plan.Ops[1].Via)
		})
	}
}

// TestPlanner_Delete_SetNullsMerge ensures two SET NULL actions on one row,
// from the same parent or along two paths, merge into one op setting both
// columns.
func TestPlanner_Delete_SetNullsMerge(t *testing.T) {
	tests := []struct {
		name    string
		actions map[string]Action
		order   []string
		wantOps []string
	}{
		{
			name:    "two foreign keys to the same parent",
			actions: map[string]Action{"books_author_fkey": SetNull, "books_editor_fkey": SetNull},
			order:   []string{"books_author_fkey", "books_editor_fkey"},
			wantOps: []string{
				"DELETE authors(1)",
				"UPDATE books(10) SET author_id=NULL, editor_id=NULL via books_author_fkey from 0",
			},
		},
		{
			name:    "direct and through series",
			actions: map[string]Action{"books_author_fkey": SetNull, "series_author_fkey": Cascade, "books_series_fkey": SetNull},
			order:   []string{"books_author_fkey", "series_author_fkey", "books_series_fkey"},
			wantOps: []string{
				"DELETE authors(1)",
				"UPDATE books(10) SET author_id=NULL, series_id=NULL via books_author_fkey from 0",
				"DELETE series(5) via series_author_fkey from 0",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := deleteWinsSchema(t, tc.actions, tc.order...)
			plan, err := db.plan("authors", nil, 1)
			require.NoError(t, err)
			requireWellFormed(t, plan)
			assert.Equal(t, tc.wantOps, db.lineage(plan))
		})
	}
}

// TestPlanner_SetDefault_RechecksOldKey ensures SET DEFAULT leaves the
// statement a way to fail when the default is the very key going away:
// PostgreSQL's ri_setdefault ends by running the NO ACTION check
// (ri_restrict(trigdata, true)) because the children were "updated" to the
// values they already had. Deleting the "unknown publisher" row its books
// default to must fail, not leave orphans.
func TestPlanner_SetDefault_RechecksOldKey(t *testing.T) {
	setup := func(t *testing.T) *fakeDB {
		db := newFakeDB(t)
		db.createTable("publishers", []string{"id"}, "id", "name")
		db.createTable("books", []string{"id"}, "id", "publisher_id")
		db.addFK(&FK{Name: "books_publisher_fkey", Child: "books", Parent: "publishers",
			ChildCols: []int{1}, ParentCols: []int{0}, OnDelete: SetDefault, OnUpdate: SetDefault})
		db.setDefault("books", "publisher_id", 0)
		db.insert("publishers", 0, "unknown")
		db.insert("publishers", 1, "Ace")
		db.insert("books", 10, 0)
		db.insert("books", 11, 1)
		return db
	}
	for name, set := range map[string]map[string]any{"delete": nil, "update": {"id": 7}} {
		t.Run(name, func(t *testing.T) {
			db := setup(t)
			plan, err := db.plan("publishers", set, 0)
			if err != nil {
				return // refusing outright is PostgreSQL's outcome too
			}
			assert.Contains(t, plan.NoAction, Check{FK: db.fk("books_publisher_fkey"), Key: []any{int64(0)}, Referenced: true},
				"books(10) still references publisher 0 after SET DEFAULT; the plan must check it")
		})
	}
}

// TestPlanner_ReaderError ensures an error from the Reader is returned,
// with no plan.
func TestPlanner_ReaderError(t *testing.T) {
	boom := errors.New("reldb: boom")
	for _, a := range []Action{Restrict, Cascade, SetNull, SetDefault} {
		t.Run(a.String()+"/delete", func(t *testing.T) {
			db := authorsBooks(t, a, a)
			db.err = boom
			plan, err := db.plan("authors", nil, 1)
			require.ErrorIs(t, err, boom)
			assert.Nil(t, plan)
		})
		t.Run(a.String()+"/update", func(t *testing.T) {
			db := authorsBooks(t, a, a)
			db.err = boom
			plan, err := db.plan("authors", map[string]any{"id": 10}, 1)
			require.ErrorIs(t, err, boom)
			assert.Nil(t, plan)
		})
	}
	t.Run("grandchildren", func(t *testing.T) {
		db := library(t, Cascade, Cascade, Cascade, Cascade)
		db.err, db.failOn = boom, "book_tags_book_fkey"
		plan, err := db.plan("authors", nil, 1)
		require.ErrorIs(t, err, boom)
		assert.Nil(t, plan)
	})
}

// TestRestrictError_Error ensures the message names the foreign key, both
// tables and the key.
func TestRestrictError_Error(t *testing.T) {
	db := authorsBooks(t, Restrict, NoAction)
	_, err := db.plan("authors", nil, 1)
	var re *RestrictError
	require.ErrorAs(t, err, &re)
	msg := err.Error()
	assert.Contains(t, msg, `"books_author_fkey"`)
	assert.Contains(t, msg, `"books"`)
	assert.Contains(t, msg, `"authors"`)
	assert.Contains(t, msg, "[1]")
	assert.Contains(t, msg, "RESTRICT")
}

// TestPlanner_WritesNothing ensures planning leaves the Reader's rows and
// the statement's row untouched, and that a planner gives the same plan
// twice (it keeps nothing between calls but buffers; TestPlanner_Reuse
// covers more).
func TestPlanner_WritesNothing(t *testing.T) {
	db := library(t, Cascade, SetNull, Cascade, Cascade)
	before := db.snapshot()
	pk, row := db.get("authors", 1)
	rowBefore := slices.Clone(row)
	p := NewPlanner(db)

	first, err := p.Delete("authors", pk, row)
	require.NoError(t, err)
	firstLineage := db.lineage(first) // the plan is valid until the next call
	second, err := p.Delete("authors", pk, row)
	require.NoError(t, err)
	assert.Equal(t, firstLineage, db.lineage(second))

	next := []any{int64(9), "Le Guin"}
	_, err = p.Update("authors", pk, row, next)
	require.NoError(t, err)

	assert.Equal(t, rowBefore, row)
	assert.Equal(t, []any{int64(9), "Le Guin"}, next)
	assert.Equal(t, before, db.snapshot())

	// Set maps are the plan's own: changing one changes no other op.
	db2 := authorsBooks(t, NoAction, SetNull)
	plan, err := db2.plan("authors", map[string]any{"id": 10}, 1)
	require.NoError(t, err)
	require.Len(t, plan.Ops, 3)
	plan.Ops[1].Set[1] = "x"
	assert.Equal(t, map[int]any{1: nil}, plan.Ops[2].Set)
	assert.Equal(t, map[int]any{0: int64(10)}, plan.Ops[0].Set)
}

// TestPlanner_Reuse ensures a planner planning again — after a plan, a
// refusal, and a plan of another shape — returns what a fresh planner
// returns.
func TestPlanner_Reuse(t *testing.T) {
	db := library(t, Cascade, SetNull, Cascade, Cascade)
	fresh := func(table string, set map[string]any, pk ...any) []string {
		plan, err := db.plan(table, set, pk...)
		require.NoError(t, err)
		return append(db.lineage(plan), fmt.Sprint(plan.NoAction))
	}
	p := NewPlanner(db)
	reused := func(table string, set map[string]any, pk ...any) []string {
		key, row := db.get(table, pk...)
		var plan *Plan
		var err error
		if set == nil {
			plan, err = p.Delete(table, key, row)
		} else {
			next := slices.Clone(row)
			for name, v := range set {
				next[db.cols(table, name)[0]] = norm(v)
			}
			plan, err = p.Update(table, key, row, next)
		}
		require.NoError(t, err)
		requireWellFormed(t, plan)
		return append(db.lineage(plan), fmt.Sprint(plan.NoAction))
	}
	for _, step := range []struct {
		table string
		set   map[string]any
		pk    []any
	}{
		{"authors", nil, []any{1}},
		{"books", map[string]any{"id": 11}, []any{10}},
		{"authors", nil, []any{2}},
		{"authors", nil, []any{1}},
		{"book_tags", nil, []any{10, 2}},
	} {
		assert.Equal(t, fresh(step.table, step.set, step.pk...), reused(step.table, step.set, step.pk...), "%s %v", step.table, step.pk)
	}

	// A refusal in the middle leaves nothing behind for the next plan.
	strict := library(t, Cascade, Restrict, Cascade, Cascade)
	p = NewPlanner(strict)
	key, row := strict.get("authors", 1)
	_, err := p.Delete("authors", key, row)
	var re *RestrictError
	require.ErrorAs(t, err, &re)
	key, row = strict.get("authors", 2)
	plan, err := p.Delete("authors", key, row)
	require.ErrorAs(t, err, &re, "book 30 has review 102")
	assert.Nil(t, plan)
	key, row = strict.get("book_tags", 10, 1)
	plan, err = p.Delete("book_tags", key, row)
	require.NoError(t, err)
	assert.Equal(t, []string{"DELETE book_tags(10, 1)"}, strict.lineage(plan))
}

// TestPlanState_Find_Collisions ensures rows whose hashes collide are told
// apart by table and key.
func TestPlanState_Find_Collisions(t *testing.T) {
	p := NewPlanner(newFakeDB(t))
	s := p.begin()
	const h = 42 // one hash for every row, as if they all collided
	rows := []struct {
		table string
		pk    []byte
	}{{"books", []byte{1}}, {"tags", []byte{1}}, {"books", []byte{2}}, {"books", []byte{1, 0}}}
	for i, r := range rows {
		require.Equal(t, -1, s.find(h, r.table, r.pk), "row %d before it is added", i)
		require.Equal(t, i, s.add(h, Op{Kind: OpDelete, Table: r.table, PK: r.pk}, nil))
	}
	for i, r := range rows {
		assert.Equal(t, i, s.find(h, r.table, r.pk), "row %d", i)
	}
	assert.Equal(t, -1, s.find(h, "books", []byte{3}))
}
