package engine_test

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/engine/internal/testutil"
)

// semFilter is a query condition the tests can both hand to the engine and
// evaluate by brute force over rows, with SQL semantics: a comparison with
// NULL on either side is not true.
type semFilter struct {
	col  string
	op   string // = < <= > >= IN NULL NOTNULL
	vals []any
}

func (f semFilter) String() string { return fmt.Sprintf("%s %s %v", f.col, f.op, f.vals) }

func (f semFilter) cond() engine.Cond {
	switch f.op {
	case "=":
		return engine.Eq(f.col, f.vals[0])
	case "<":
		return engine.Lt(f.col, f.vals[0])
	case "<=":
		return engine.Le(f.col, f.vals[0])
	case ">":
		return engine.Gt(f.col, f.vals[0])
	case ">=":
		return engine.Ge(f.col, f.vals[0])
	case "IN":
		return engine.In(f.col, f.vals...)
	case "NULL":
		return engine.IsNull(f.col)
	case "NOTNULL":
		return engine.IsNotNull(f.col)
	}
	panic("unknown op " + f.op)
}

func (f semFilter) match(row engine.Row) bool {
	v := row[f.col]
	switch f.op {
	case "NULL":
		return v == nil
	case "NOTNULL":
		return v != nil
	case "IN":
		for _, x := range f.vals {
			if v != nil && x != nil && semCmp(v, x) == 0 {
				return true
			}
		}
		return false
	}
	x := f.vals[0]
	if v == nil || x == nil {
		return false
	}
	c := semCmp(v, x)
	switch f.op {
	case "=":
		return c == 0
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	}
	panic("unknown op " + f.op)
}

// semCmp compares two non-NULL values the way PostgreSQL does for int8,
// float8 (NaN equals NaN and is largest, -0 equals 0) and text in the C
// collation. b may be any Go int kind; it is converted to a's type.
func semCmp(a, b any) int {
	switch x := a.(type) {
	case int64:
		return compareInts(x, semInt(b))
	case float64:
		y, ok := b.(float64)
		if !ok {
			y = float64(semInt(b))
		}
		xn, yn := math.IsNaN(x), math.IsNaN(y)
		switch {
		case xn && yn:
			return 0
		case xn:
			return 1
		case yn:
			return -1
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	case string:
		return strings.Compare(x, b.(string))
	}
	panic(fmt.Sprintf("semCmp: unsupported %T", a))
}

func compareInts(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func semInt(v any) int64 {
	switch x := v.(type) {
	case int:
		return int64(x)
	case int64:
		return x
	}
	panic(fmt.Sprintf("semInt: %T", v))
}

// semSeq returns the ints [lo, hi).
func semSeq(lo, hi int) []any {
	var out []any
	for i := lo; i < hi; i++ {
		out = append(out, i)
	}
	return out
}

// semOrder is one ORDER BY term.
type semOrder struct {
	col string
	dir engine.Order
}

// semCmpRows orders rows as ORDER BY does in PostgreSQL: NULLs last in
// ascending order and first in descending order.
func semCmpRows(a, b engine.Row, order []semOrder) int {
	for _, o := range order {
		x, y := a[o.col], b[o.col]
		var c int
		switch {
		case x == nil && y == nil:
		case x == nil:
			c = 1
		case y == nil:
			c = -1
		default:
			c = semCmp(x, y)
		}
		if o.dir == engine.Desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

// semBrute runs a query by brute force over rows: filter, sort (stably),
// offset, limit.
func semBrute(rows []engine.Row, filters []semFilter, order []semOrder, offset, limit int) []engine.Row {
	out := []engine.Row{} // non-nil, like semRows
	for _, r := range rows {
		ok := true
		for _, f := range filters {
			ok = ok && f.match(r)
		}
		if ok {
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, func(a, b engine.Row) int { return semCmpRows(a, b, order) })
	out = out[min(offset, len(out)):]
	if limit >= 0 && limit < len(out) {
		out = out[:limit]
	}
	return out
}

// semQuery builds the engine's query for filters and order.
func semQuery(tx *engine.Tx, table string, filters []semFilter, order []semOrder) *engine.Query {
	q := tx.Query(table)
	for _, f := range filters {
		q.Where(f.cond())
	}
	for _, o := range order {
		q.OrderBy(o.col, o.dir)
	}
	return q
}

func semRows(recs []engine.Record) []engine.Row {
	out := make([]engine.Row, len(recs))
	for i, r := range recs {
		out[i] = r.Row()
	}
	return out
}

// semProject keeps the given columns of each row.
func semProject(rows []engine.Row, cols ...string) [][]any {
	out := make([][]any, len(rows))
	for i, r := range rows {
		for _, c := range cols {
			out[i] = append(out[i], r[c])
		}
	}
	return out
}

// semQTable has a composite secondary index (a, b) and a unique index (u),
// and nullable columns.
func semQTable() engine.Table {
	return engine.Table{
		Name: "q",
		Columns: semCols(
			engine.Column{Name: "a", Type: engine.Int},
			engine.Column{Name: "b", Type: engine.Text},
			engine.Column{Name: "c", Type: engine.Float},
			engine.Column{Name: "u", Type: engine.Int},
		),
		PrimaryKey: []string{"id"},
		Indexes: []engine.Index{
			{Name: "q_ab", Columns: []string{"a", "b"}},
			{Name: "q_u", Columns: []string{"u"}, Unique: true},
		},
	}
}

// semQRows returns the rows seeded into q: every combination of values
// appears, NULLs included.
func semQRows() []engine.Row {
	var rows []engine.Row
	for id := int64(1); id <= 60; id++ {
		r := engine.Row{"id": id, "a": nil, "b": nil, "c": nil, "u": nil}
		if id%7 != 0 {
			r["a"] = id % 4
		}
		if id%5 != 0 {
			r["b"] = []string{"x", "y", "z", ""}[id%4]
		}
		if id%6 != 0 {
			r["c"] = float64(id%5) - 2.5
		}
		if id%3 != 0 {
			r["u"] = 100 - id
		}
		rows = append(rows, r)
	}
	return rows
}

// semSeedQ opens a database holding q and its rows.
func semSeedQ(t *testing.T) (*engine.DB, []engine.Row) {
	t.Helper()
	db := testutil.OpenDB(t, semQTable())
	rows := semQRows()
	semInsert(t, db, "q", rows...)
	return db, rows
}

// semInBoth runs fn in a read-only transaction (where sorted scans stream)
// and in a write transaction (where rows are collected first).
func semInBoth(t *testing.T, db *engine.DB, fn func(t *testing.T, tx *engine.Tx)) {
	t.Helper()
	t.Run("view", func(t *testing.T) {
		semView(t, db, func(tx *engine.Tx) error { fn(t, tx); return nil })
	})
	t.Run("update", func(t *testing.T) {
		tx := semBegin(t, db)
		fn(t, tx)
		require.NoError(t, tx.Rollback())
	})
}

// TestQuery_Where_MatchesBruteForce ensures every filter, alone or
// combined, returns exactly the rows a brute-force SQL evaluation returns,
// whichever index the planner picks.
func TestQuery_Where_MatchesBruteForce(t *testing.T) {
	db, rows := semSeedQ(t)
	f := func(col, op string, vals ...any) semFilter { return semFilter{col, op, vals} }
	tests := [][]semFilter{
		{f("a", "=", 1)},
		{f("a", "=", 9)},
		{f("b", "=", "x")},
		{f("b", "=", "")},
		{f("id", "=", 5)},
		{f("u", "=", 95)},
		{f("c", "=", -0.5)},
		{f("a", "<", 2)},
		{f("a", "<=", 2)},
		{f("a", ">", 2)},
		{f("a", ">=", 2)},
		{f("b", "<", "y")},
		{f("b", ">=", "")},
		{f("c", ">", 0)},
		{f("u", "<=", 60)},
		{f("id", ">", 10), f("id", "<=", 20)},
		{f("a", "IN", 1, 3)},
		{f("a", "IN", 3, 1, 3)},
		{f("a", "IN", 1, nil)},
		{f("a", "IN", nil)},
		{f("a", "IN")},
		{f("id", "IN", 1, 2, 99)},
		{f("u", "IN", 99, 98, 97)},
		{f("a", "NULL")},
		{f("a", "NOTNULL")},
		{f("b", "NULL")},
		{f("u", "NULL")},
		{f("u", "NOTNULL"), f("a", "NULL")},
		{f("a", "=", nil)},
		{f("b", "=", nil)},
		{f("a", "<", nil)},
		{f("a", ">=", nil)},
		{f("a", "=", 1), f("b", "=", "x")},
		{f("a", "=", 1), f("b", ">", "x")},
		{f("a", "=", 1), f("b", "<", "z")},
		{f("a", "=", 1), f("b", "NULL")},
		{f("a", "NULL"), f("b", "=", "y")},
		{f("a", "NULL"), f("b", "NULL")},
		{f("a", ">=", 1), f("a", "<", 3)},
		{f("a", ">", 1), f("a", ">", 2)},
		{f("a", "<", 3), f("a", "<=", 1)},
		{f("a", "=", 1), f("a", "=", 2)},
		{f("a", "IN", 1, 2), f("b", "=", "x")},
		{f("a", "IN", 1, 2), f("b", "IN", "x", "z")},
		{f("a", "IN", 0, 2), f("b", ">", "x")},
		{f("a", "=", 2), f("u", ">", 50)},
		{f("u", "=", 95), f("a", "=", 3)},
		{f("id", "=", 1), f("a", "=", 3)},
		{f("id", ">", 50), f("b", "NOTNULL"), f("c", "<", 0)},
		{f("b", "NOTNULL"), f("c", "NULL")},
		{f("a", "IN", 0, 1, 2, 3), f("a", ">", 1)},
		{f("a", "=", 1), f("a", "IN", 2, 3)},
		{f("a", ">", 3), f("a", "<", 1)},
		{f("id", "IN", semSeq(0, 2000)...)},
		{f("a", "IN", semSeq(0, 300)...), f("b", "IN", "x", "y", "z", "", "w")},
	}
	for _, filters := range tests {
		name := fmt.Sprint(filters)
		if len(name) > 80 {
			name = name[:80]
		}
		t.Run(name, func(t *testing.T) {
			want := semBrute(rows, filters, []semOrder{{"id", engine.Asc}}, 0, -1)
			semInBoth(t, db, func(t *testing.T, tx *engine.Tx) {
				got, err := semQuery(tx, "q", filters, nil).All()
				require.NoError(t, err)
				gotRows := semRows(got)
				slices.SortFunc(gotRows, func(a, b engine.Row) int { return semCmpRows(a, b, []semOrder{{"id", engine.Asc}}) })
				assert.Equal(t, want, gotRows)

				got, err = semQuery(tx, "q", filters, []semOrder{{"id", engine.Desc}}).All()
				require.NoError(t, err)
				assert.Equal(t, semBrute(rows, filters, []semOrder{{"id", engine.Desc}}, 0, -1), semRows(got))

				n, err := semQuery(tx, "q", filters, nil).Count()
				require.NoError(t, err)
				assert.Equal(t, len(want), n)
			})
		})
	}
}

// TestQuery_OrderBy_NullsAndDirections ensures ORDER BY sorts as
// PostgreSQL does: NULLs last ascending and first descending, by several
// columns in mixed directions, through an index or a sort.
func TestQuery_OrderBy_NullsAndDirections(t *testing.T) {
	db, rows := semSeedQ(t)
	tests := []struct {
		filters []semFilter
		order   []semOrder
	}{
		{nil, []semOrder{{"a", engine.Asc}}},
		{nil, []semOrder{{"a", engine.Desc}}},
		{nil, []semOrder{{"b", engine.Asc}}},
		{nil, []semOrder{{"b", engine.Desc}}},
		{nil, []semOrder{{"c", engine.Asc}}},
		{nil, []semOrder{{"c", engine.Desc}}},
		{nil, []semOrder{{"u", engine.Desc}}},
		{nil, []semOrder{{"id", engine.Desc}}},
		{nil, []semOrder{{"a", engine.Asc}, {"b", engine.Asc}}},
		{nil, []semOrder{{"a", engine.Desc}, {"b", engine.Desc}}},
		{nil, []semOrder{{"a", engine.Asc}, {"b", engine.Desc}}},
		{nil, []semOrder{{"a", engine.Desc}, {"b", engine.Asc}}},
		{nil, []semOrder{{"b", engine.Asc}, {"a", engine.Desc}}},
		{nil, []semOrder{{"a", engine.Asc}, {"b", engine.Asc}, {"id", engine.Desc}}},
		{[]semFilter{{"a", "=", []any{1}}}, []semOrder{{"b", engine.Asc}}},
		{[]semFilter{{"a", "=", []any{1}}}, []semOrder{{"b", engine.Desc}}},
		{[]semFilter{{"a", "=", []any{1}}}, []semOrder{{"a", engine.Desc}, {"b", engine.Desc}}},
		{[]semFilter{{"a", "IN", []any{1, 2}}}, []semOrder{{"b", engine.Asc}}},
		{[]semFilter{{"a", ">", []any{0}}}, []semOrder{{"a", engine.Desc}}},
		{[]semFilter{{"a", "NULL", nil}}, []semOrder{{"b", engine.Desc}}},
		{[]semFilter{{"u", ">", []any{50}}}, []semOrder{{"u", engine.Asc}}},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.filters, tc.order), func(t *testing.T) {
			cols := make([]string, len(tc.order))
			for i, o := range tc.order {
				cols[i] = o.col
			}
			want := semProject(semBrute(rows, tc.filters, tc.order, 0, -1), cols...)
			semInBoth(t, db, func(t *testing.T, tx *engine.Tx) {
				got, err := semQuery(tx, "q", tc.filters, tc.order).All()
				require.NoError(t, err)
				assert.Equal(t, want, semProject(semRows(got), cols...))
			})
		})
	}
	semView(t, db, func(tx *engine.Tx) error {
		// Spelled out once: NULL after 3 ascending, before 3 descending.
		got, err := tx.Query("q").Where(engine.Le("id", 8)).OrderBy("a", engine.Asc).OrderBy("id", engine.Asc).All()
		require.NoError(t, err)
		assert.Equal(t, [][]any{{int64(0)}, {int64(0)}, {int64(1)}, {int64(1)}, {int64(2)}, {int64(2)}, {int64(3)}, {nil}}, semProject(semRows(got), "a"))
		got, err = tx.Query("q").Where(engine.Le("id", 8)).OrderBy("a", engine.Desc).OrderBy("id", engine.Asc).All()
		require.NoError(t, err)
		assert.Equal(t, [][]any{{nil}, {int64(3)}, {int64(2)}, {int64(2)}, {int64(1)}, {int64(1)}, {int64(0)}, {int64(0)}}, semProject(semRows(got), "a"))
		return nil
	})
}

// TestQuery_Limit_Offset ensures Limit and Offset cut the sorted result as
// LIMIT and OFFSET do, with or without an index providing the order.
func TestQuery_Limit_Offset(t *testing.T) {
	db, rows := semSeedQ(t)
	orders := [][]semOrder{
		{{"id", engine.Asc}},
		{{"id", engine.Desc}},
		{{"a", engine.Asc}, {"b", engine.Asc}, {"id", engine.Asc}},
		{{"a", engine.Desc}, {"b", engine.Desc}, {"id", engine.Desc}},
		{{"c", engine.Desc}, {"id", engine.Asc}},
	}
	filters := [][]semFilter{nil, {{"a", "=", []any{2}}}, {{"a", "IN", []any{1, 3}}}, {{"u", ">", []any{70}}}}
	for _, order := range orders {
		for _, fs := range filters {
			for _, lo := range [][2]int{{-1, 0}, {0, 0}, {1, 0}, {5, 0}, {5, 3}, {-1, 7}, {3, 100}, {100, 2}} {
				limit, offset := lo[0], lo[1]
				want := semBrute(rows, fs, order, offset, limit)
				semInBoth(t, db, func(t *testing.T, tx *engine.Tx) {
					got, err := semQuery(tx, "q", fs, order).Limit(limit).Offset(offset).All()
					require.NoError(t, err)
					assert.Equal(t, want, semRows(got), "%v %v limit %d offset %d", fs, order, limit, offset)
					n, err := semQuery(tx, "q", fs, order).Limit(limit).Offset(offset).Count()
					require.NoError(t, err)
					assert.Equal(t, len(want), n)
				})
			}
		}
	}
}

// TestQuery_First_ReturnsFirstOrNotFound ensures First returns the first
// row in order, and ErrNotFound when nothing matches.
func TestQuery_First_ReturnsFirstOrNotFound(t *testing.T) {
	db, _ := semSeedQ(t)
	semInBoth(t, db, func(t *testing.T, tx *engine.Tx) {
		r, err := tx.Query("q").Where(engine.Eq("a", 2)).OrderBy("u", engine.Desc).OrderBy("id", engine.Asc).First()
		require.NoError(t, err)
		assert.Equal(t, int64(6), r.ID(), "NULL u first in descending order")
		r, err = tx.Query("q").Where(engine.IsNotNull("u")).OrderBy("u", engine.Asc).First()
		require.NoError(t, err)
		assert.Equal(t, int64(41), r.Get("u"))
		r, err = tx.Query("q").Where(engine.Eq("a", 2)).OrderBy("id", engine.Asc).Offset(2).First()
		require.NoError(t, err)
		assert.Equal(t, int64(10), r.ID())

		r, err = tx.Query("q").Where(engine.Eq("a", 9)).First()
		require.ErrorIs(t, err, engine.ErrNotFound)
		assert.True(t, r.IsZero())
		_, err = tx.Query("q").Where(engine.Eq("a", nil)).First()
		require.ErrorIs(t, err, engine.ErrNotFound)
	})
}

// TestQuery_First_LeavesQueryUnchanged ensures First does not change the
// query it runs: the same query still returns every row afterwards.
func TestQuery_First_LeavesQueryUnchanged(t *testing.T) {
	db, rows := semSeedQ(t)
	semView(t, db, func(tx *engine.Tx) error {
		q := tx.Query("q").OrderBy("id", engine.Asc)
		_, err := q.First()
		require.NoError(t, err)
		n, err := q.Count()
		require.NoError(t, err)
		assert.Equal(t, len(rows), n)
		return nil
	})
}

// TestQuery_Each_StopsOnError ensures Each visits rows in order and stops
// at, and returns, the first error its function returns.
func TestQuery_Each_StopsOnError(t *testing.T) {
	db, _ := semSeedQ(t)
	errStop := errors.New("stop")
	semInBoth(t, db, func(t *testing.T, tx *engine.Tx) {
		var seen []any
		err := tx.Query("q").OrderBy("id", engine.Desc).Each(func(r engine.Record) error {
			seen = append(seen, r.ID())
			if len(seen) == 3 {
				return fmt.Errorf("at %v: %w", r.ID(), errStop)
			}
			return nil
		})
		require.ErrorIs(t, err, errStop)
		assert.Equal(t, []any{int64(60), int64(59), int64(58)}, seen)

		n := 0
		require.NoError(t, tx.Query("q").Where(engine.IsNull("a")).Each(func(engine.Record) error { n++; return nil }))
		assert.Equal(t, 8, n)

		err = tx.Query("nope").Each(func(engine.Record) error { t.Fatal("called"); return nil })
		require.ErrorIs(t, err, engine.ErrNoTable)
	})
}

// TestQuery_Each_WritesAreSafe ensures a write transaction may change the
// rows Each is visiting: each matching row is visited exactly once, even
// when the change moves it forward in the index being scanned, and rows it
// inserts are not visited.
func TestQuery_Each_WritesAreSafe(t *testing.T) {
	db, rows := semSeedQ(t)
	want := semBrute(rows, []semFilter{{"a", ">=", []any{0}}}, []semOrder{{"a", engine.Asc}, {"b", engine.Asc}}, 0, -1)
	semUpdate(t, db, func(tx *engine.Tx) error {
		visits := map[any]int{}
		err := tx.Query("q").Where(engine.Ge("a", 0)).OrderBy("a", engine.Asc).OrderBy("b", engine.Asc).Each(func(r engine.Record) error {
			visits[r.ID()]++
			if _, err := tx.Update("q", r.ID(), engine.Row{"a": r.Get("a").(int64) + 10}); err != nil {
				return err
			}
			_, err := tx.Insert("q", engine.Row{"id": r.ID().(int64) + 1000, "a": 0})
			return err
		})
		require.NoError(t, err)
		assert.Len(t, visits, len(want))
		for id, n := range visits {
			assert.Equal(t, 1, n, "row %v visited %d times", id, n)
		}
		// Deleting while visiting in primary key order.
		return tx.Query("q").Where(engine.Gt("id", 1000)).Each(func(r engine.Record) error { return tx.Delete("q", r.ID()) })
	})
	semView(t, db, func(tx *engine.Tx) error {
		n, err := tx.Query("q").Where(engine.Lt("a", 10)).Count()
		require.NoError(t, err)
		assert.Zero(t, n, "a row was not updated")
		n, err = tx.Query("q").Count()
		require.NoError(t, err)
		assert.Equal(t, len(rows), n)
		return nil
	})
}

// TestQuery_Explain_ChoosesIndex ensures the planner uses the index whose
// leading columns the conditions fix, the primary key for key lookups, and
// an index that already yields the requested order instead of sorting.
func TestQuery_Explain_ChoosesIndex(t *testing.T) {
	db, _ := semSeedQ(t)
	tests := []struct {
		name    string
		query   func(*engine.Query) *engine.Query
		want    []string
		notWant []string
	}{
		{"eq on the first index column", func(q *engine.Query) *engine.Query { return q.Where(engine.Eq("a", 1)) },
			[]string{"using q_ab", "1 equality column"}, nil},
		{"eq on both index columns", func(q *engine.Query) *engine.Query { return q.Where(engine.Eq("b", "x"), engine.Eq("a", 1)) },
			[]string{"using q_ab", "2 equality columns"}, nil},
		{"eq and range", func(q *engine.Query) *engine.Query { return q.Where(engine.Eq("a", 1), engine.Gt("b", "x")) },
			[]string{"using q_ab", "1 equality column, range on the next"}, nil},
		{"eq on the primary key", func(q *engine.Query) *engine.Query { return q.Where(engine.Eq("id", 5)) },
			[]string{"using q_pkey", "1 equality column"}, nil},
		{"eq on the primary key and an index column", func(q *engine.Query) *engine.Query { return q.Where(engine.Eq("a", 1), engine.Eq("id", 5)) },
			[]string{"using q_pkey"}, nil},
		{"range on the primary key", func(q *engine.Query) *engine.Query { return q.Where(engine.Gt("id", 5)) },
			[]string{"using q_pkey", "range on the next"}, nil},
		{"eq on the unique column", func(q *engine.Query) *engine.Query { return q.Where(engine.Eq("u", 95)) },
			[]string{"using q_u"}, nil},
		{"in on the first index column", func(q *engine.Query) *engine.Query { return q.Where(engine.In("a", 1, 2, 3)) },
			[]string{"using q_ab", "3 ranges"}, nil},
		{"is null uses the index", func(q *engine.Query) *engine.Query { return q.Where(engine.IsNull("a")) },
			[]string{"using q_ab", "1 equality column"}, nil},
		{"eq nil matches nothing", func(q *engine.Query) *engine.Query { return q.Where(engine.Eq("a", nil)) },
			[]string{"no rows can match"}, nil},
		{"no condition", func(q *engine.Query) *engine.Query { return q },
			[]string{"using q_pkey", "(full)"}, []string{"sort"}},
		{"condition on an unindexed column", func(q *engine.Query) *engine.Query { return q.Where(engine.Eq("b", "x")) },
			[]string{"(full)"}, nil},
		{"order by the index", func(q *engine.Query) *engine.Query { return q.OrderBy("a", engine.Asc).OrderBy("b", engine.Asc) },
			[]string{"using q_ab"}, []string{"sort", "backward"}},
		{"order by the index descending", func(q *engine.Query) *engine.Query { return q.OrderBy("a", engine.Desc) },
			[]string{"using q_ab", "backward"}, []string{"sort"}},
		{"order by the index's second column under eq", func(q *engine.Query) *engine.Query {
			return q.Where(engine.Eq("a", 1)).OrderBy("b", engine.Desc)
		}, []string{"using q_ab", "backward"}, []string{"sort"}},
		{"order by the primary key descending", func(q *engine.Query) *engine.Query { return q.OrderBy("id", engine.Desc) },
			[]string{"using q_pkey", "backward"}, []string{"sort"}},
		{"order by an unindexed column", func(q *engine.Query) *engine.Query { return q.OrderBy("c", engine.Asc) },
			[]string{"then sort"}, nil},
		{"mixed directions", func(q *engine.Query) *engine.Query { return q.OrderBy("a", engine.Asc).OrderBy("b", engine.Desc) },
			[]string{"then sort"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			semView(t, db, func(tx *engine.Tx) error {
				plan, err := tc.query(tx.Query("q")).Explain()
				require.NoError(t, err)
				for _, s := range tc.want {
					assert.Contains(t, plan, s)
				}
				for _, s := range tc.notWant {
					assert.NotContains(t, plan, s)
				}
				return nil
			})
		})
	}
}

// TestQuery_Where_DecimalExact ensures conditions on decimal columns
// compare exactly, not rounded to the column's scale: 1.005 does not equal
// a stored 1.01 even in a numeric(5,2) column, while 1.010 does.
func TestQuery_Where_DecimalExact(t *testing.T) {
	db := testutil.OpenDB(t, engine.Table{
		Name: "prices",
		Columns: semCols(
			engine.Column{Name: "p", Type: engine.Decimal, Precision: 5, Scale: 2},
			engine.Column{Name: "raw", Type: engine.Decimal, Precision: 5, Scale: 2},
		),
		PrimaryKey: []string{"id"},
		Indexes:    []engine.Index{{Name: "prices_p", Columns: []string{"p"}}},
	})
	semInsert(t, db, "prices",
		engine.Row{"id": 1, "p": "1.005", "raw": "1.005"}, // stored 1.01
		engine.Row{"id": 2, "p": "1", "raw": "1"},
		engine.Row{"id": 3, "p": nil, "raw": nil},
	)
	tests := []struct {
		cond func(col string) engine.Cond
		want []any
	}{
		{func(c string) engine.Cond { return engine.Eq(c, "1.005") }, nil},
		{func(c string) engine.Cond { return engine.Eq(c, "1.01") }, []any{int64(1)}},
		{func(c string) engine.Cond { return engine.Eq(c, "1.010") }, []any{int64(1)}},
		{func(c string) engine.Cond { return engine.Eq(c, 1) }, []any{int64(2)}},
		{func(c string) engine.Cond { return engine.Eq(c, "1.001") }, nil},
		{func(c string) engine.Cond { return engine.In(c, "1.005", "1.004", nil) }, nil},
		{func(c string) engine.Cond { return engine.In(c, "1.005", "1.01") }, []any{int64(1)}},
		{func(c string) engine.Cond { return engine.Le(c, "1.005") }, []any{int64(2)}},
		{func(c string) engine.Cond { return engine.Gt(c, "1.005") }, []any{int64(1)}},
		{func(c string) engine.Cond { return engine.Lt(c, "1.0099") }, []any{int64(2)}},
		{func(c string) engine.Cond { return engine.Ge(c, "1000") }, nil},
	}
	for _, col := range []string{"p", "raw"} {
		for _, tc := range tests {
			semInBoth(t, db, func(t *testing.T, tx *engine.Tx) {
				c := tc.cond(col)
				got, err := tx.Query("prices").Where(c).OrderBy("id", engine.Asc).All()
				require.NoError(t, err)
				if tc.want == nil {
					assert.Empty(t, got, "%s: %v", col, c)
				} else {
					assert.Equal(t, tc.want, semIDs(got), "%s: %v", col, c)
				}
			})
		}
	}
	semView(t, db, func(tx *engine.Tx) error {
		_, err := tx.Query("prices").Where(engine.Eq("p", 1.01)).All()
		require.ErrorIs(t, err, engine.ErrType, "a float is not an exact decimal")
		return nil
	})
}

// TestQuery_Where_OtherTypes ensures conditions and ORDER BY work on bool,
// bytes and time columns, through an index and without one: false sorts
// before true, bytes compare byte-wise, times by instant whatever the zone.
func TestQuery_Where_OtherTypes(t *testing.T) {
	db := testutil.OpenDB(t, engine.Table{
		Name: "ev",
		Columns: semCols(
			engine.Column{Name: "ok", Type: engine.Bool},
			engine.Column{Name: "at", Type: engine.Time},
			engine.Column{Name: "tag", Type: engine.Bytes},
		),
		PrimaryKey: []string{"id"},
		Indexes:    []engine.Index{{Name: "ev_ok_at", Columns: []string{"ok", "at"}}, {Name: "ev_tag", Columns: []string{"tag"}, Unique: true}},
	})
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	east := time.FixedZone("UTC+9", 9*3600)
	semInsert(t, db, "ev",
		engine.Row{"id": 1, "ok": true, "at": t0.Add(2 * time.Hour), "tag": []byte{0x01}},
		engine.Row{"id": 2, "ok": false, "at": t0.Add(time.Hour).In(east), "tag": []byte{0x00, 0xFF}},
		engine.Row{"id": 3, "ok": true, "at": t0, "tag": []byte{}},
		engine.Row{"id": 4, "ok": nil, "at": nil, "tag": nil},
		engine.Row{"id": 5, "ok": false, "at": t0.Add(3 * time.Hour), "tag": []byte{0x00}},
	)
	tests := []struct {
		name  string
		conds []engine.Cond
		order []semOrder
		want  []any
	}{
		{"bool eq", []engine.Cond{engine.Eq("ok", true)}, []semOrder{{"id", engine.Asc}}, []any{int64(1), int64(3)}},
		{"bool order, NULL last", nil, []semOrder{{"ok", engine.Asc}, {"at", engine.Asc}}, []any{int64(2), int64(5), int64(3), int64(1), int64(4)}},
		{"bool and time range", []engine.Cond{engine.Eq("ok", false), engine.Lt("at", t0.Add(2*time.Hour).In(east))}, nil, []any{int64(2)}},
		{"time eq in another zone", []engine.Cond{engine.Eq("at", t0.Add(time.Hour))}, nil, []any{int64(2)}},
		{"time order descending, NULL first", nil, []semOrder{{"at", engine.Desc}}, []any{int64(4), int64(5), int64(1), int64(2), int64(3)}},
		{"bytes eq empty is not NULL", []engine.Cond{engine.Eq("tag", []byte{})}, nil, []any{int64(3)}},
		{"bytes order", []engine.Cond{engine.IsNotNull("tag")}, []semOrder{{"tag", engine.Asc}}, []any{int64(3), int64(5), int64(2), int64(1)}},
		{"bytes range", []engine.Cond{engine.Gt("tag", []byte{0x00})}, []semOrder{{"tag", engine.Asc}}, []any{int64(2), int64(1)}},
		{"bytes is null", []engine.Cond{engine.IsNull("tag")}, nil, []any{int64(4)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			semInBoth(t, db, func(t *testing.T, tx *engine.Tx) {
				q := tx.Query("ev").Where(tc.conds...)
				for _, o := range tc.order {
					q.OrderBy(o.col, o.dir)
				}
				got, err := q.All()
				require.NoError(t, err)
				assert.Equal(t, tc.want, semIDs(got))
			})
		})
	}
}

// TestQuery_Errors ensures malformed queries fail with the right error.
func TestQuery_Errors(t *testing.T) {
	db, _ := semSeedQ(t)
	tests := []struct {
		name    string
		query   func(*engine.Tx) *engine.Query
		wantErr error // nil: any error
	}{
		{"no table", func(tx *engine.Tx) *engine.Query { return tx.Query("nope") }, engine.ErrNoTable},
		{"no column in where", func(tx *engine.Tx) *engine.Query { return tx.Query("q").Where(engine.Eq("nope", 1)) }, engine.ErrNoColumn},
		{"no column in order by", func(tx *engine.Tx) *engine.Query { return tx.Query("q").OrderBy("nope", engine.Asc) }, engine.ErrNoColumn},
		{"wrong value type", func(tx *engine.Tx) *engine.Query { return tx.Query("q").Where(engine.Eq("a", "one")) }, engine.ErrType},
		{"wrong type in a list", func(tx *engine.Tx) *engine.Query { return tx.Query("q").Where(engine.In("a", 1, "two")) }, engine.ErrType},
		{"wrong type in a range", func(tx *engine.Tx) *engine.Query { return tx.Query("q").Where(engine.Lt("b", 3)) }, engine.ErrType},
		{"invalid direction", func(tx *engine.Tx) *engine.Query { return tx.Query("q").OrderBy("a", engine.Order(7)) }, nil},
		{"negative offset", func(tx *engine.Tx) *engine.Query { return tx.Query("q").Offset(-1) }, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			semView(t, db, func(tx *engine.Tx) error {
				check := func(err error) {
					t.Helper()
					require.Error(t, err)
					if tc.wantErr != nil {
						require.ErrorIs(t, err, tc.wantErr)
					}
				}
				_, err := tc.query(tx).All()
				check(err)
				_, err = tc.query(tx).First()
				check(err)
				_, err = tc.query(tx).Count()
				check(err)
				check(tc.query(tx).Each(func(engine.Record) error { return nil }))
				_, err = tc.query(tx).Explain()
				check(err)
				return nil
			})
		})
	}

	tx := semBegin(t, db)
	require.NoError(t, tx.Rollback())
	_, err := tx.Query("q").All()
	require.ErrorIs(t, err, engine.ErrTxDone)
}

// TestOrder_String ensures sort directions print as SQL and unknown values
// print as Order(n).
func TestOrder_String(t *testing.T) {
	assert.Equal(t, "ASC", engine.Asc.String())
	assert.Equal(t, "DESC", engine.Desc.String())
	assert.Equal(t, "Order(7)", engine.Order(7).String())
}

// TestQuery_Offset_WithMaxLimit ensures Offset(k).Limit(math.MaxInt) returns every row after the first k, in write transactions too.
func TestQuery_Offset_WithMaxLimit(t *testing.T) {
	db := seedUniqueItems(t, 5)
	for _, ro := range []bool{true, false} {
		tx, err := db.Begin(bg, engine.TxOptions{ReadOnly: ro})
		require.NoError(t, err)
		recs, err := tx.Query("items").OrderBy("id", engine.Asc).Offset(1).Limit(math.MaxInt).All()
		require.NoError(t, err)
		assert.Len(t, recs, 4, "read-only=%v", ro)
		require.NoError(t, tx.Rollback())
	}
}
