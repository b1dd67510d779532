package engine_test

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/engine/internal/testutil"
	"github.com/stretchr/testify/require"
)

type modelRow struct {
	id, a, b int64
	an, bn   bool // NULL
	c        string
	cn       bool
}

// TestQuery_AgainstModel runs random queries — several conditions
// on one column, Eq and In with NULLs, IsNull on an index prefix, ranges,
// a composite primary key, unique and plain indexes, Offset and Limit,
// either order — in a reader (streamed when the index gives the order) and
// in a writer (collected), and compares them with a plain filter and sort
// over the rows with SQL semantics. It pins the planner's shortcuts: one
// prefix for single-valued equality columns, and conditions that prefix
// implies skipped by the row filter.
func TestQuery_AgainstModel(t *testing.T) {
	db := testutil.OpenDB(t, engine.Table{Name: "t", PrimaryKey: []string{"id", "a2"}, Columns: []engine.Column{
		{Name: "id", Type: engine.Int}, {Name: "a2", Type: engine.Int}, {Name: "a", Type: engine.Int}, {Name: "b", Type: engine.Int}, {Name: "c", Type: engine.Text}},
		Indexes: []engine.Index{{Name: "t_ab", Columns: []string{"a", "b"}}, {Name: "t_c", Columns: []string{"c"}, Unique: true}, {Name: "t_b", Columns: []string{"b"}}}})
	rng := rand.New(rand.NewPCG(1, 2))
	var rows []modelRow
	require.NoError(t, db.Update(trCtx, func(tx *engine.Tx) error {
		for i := range 60 {
			r := modelRow{id: int64(i), a: rng.Int64N(4), b: rng.Int64N(4), an: rng.IntN(5) == 0, bn: rng.IntN(5) == 0, c: fmt.Sprint("c", i), cn: rng.IntN(3) == 0}
			row := engine.Row{"id": r.id, "a2": r.id % 3, "a": r.a, "b": r.b, "c": r.c}
			if r.an {
				row["a"] = nil
			}
			if r.bn {
				row["b"] = nil
			}
			if r.cn {
				row["c"] = nil
			}
			rows = append(rows, r)
			if _, err := tx.Insert("t", row); err != nil {
				return err
			}
		}
		return nil
	}))
	val := func(r modelRow, col string) any {
		switch col {
		case "a":
			if r.an {
				return nil
			}
			return r.a
		case "b":
			if r.bn {
				return nil
			}
			return r.b
		case "a2":
			return r.id % 3
		case "c":
			if r.cn {
				return nil
			}
			return r.c
		}
		return r.id
	}
	randVal := func(col string) any {
		if rng.IntN(8) == 0 {
			return nil
		}
		if col == "c" {
			return fmt.Sprint("c", rng.IntN(62))
		}
		return rng.Int64N(5) - 1
	}
	cmpAny := func(x, y any) int {
		switch x := x.(type) {
		case int64:
			return cmp.Compare(x, y.(int64))
		case string:
			return cmp.Compare(x, y.(string))
		}
		panic("type")
	}
	eval := func(c semFilter, r modelRow) bool {
		v := val(r, c.col)
		switch c.op {
		case "NULL":
			return v == nil
		case "NOTNULL":
			return v != nil
		}
		if v == nil {
			return false
		}
		if c.op == "IN" {
			for _, x := range c.vals {
				if x != nil && cmpAny(v, x) == 0 {
					return true
				}
			}
			return false
		}
		x := c.vals[0]
		if x == nil {
			return false
		}
		k := cmpAny(v, x)
		switch c.op {
		case "=":
			return k == 0
		case "<":
			return k < 0
		case "<=":
			return k <= 0
		case ">":
			return k > 0
		case ">=":
			return k >= 0
		}
		panic(c.op)
	}
	cols := []string{"id", "a2", "a", "b", "c"}
	ops := []string{"=", "=", "=", "<", "<=", ">", ">=", "IN", "NULL", "NOTNULL"}
	prepared := map[string]*engine.PreparedQuery{}
	type pastQuery struct {
		conds    []semFilter
		ocol     string
		mode     int
		desc     bool
		off, lim int
	}
	var past []pastQuery
	const iterations = 4000
	for iter := range iterations {
		var conds []semFilter
		// mode 0: ORDER BY a column then id, with Offset and Limit; 1:
		// ORDER BY id (the primary key's order), with Offset and Limit;
		// 2: no order, compared as sets.
		var ocol string
		var mode, off, lim int
		var desc bool
		if len(past) > 0 && rng.IntN(2) == 0 {
			// Half the queries take an earlier one's shape with new
			// values, which binds its prepared query again.
			q := past[rng.IntN(len(past))]
			for _, c := range q.conds {
				c.vals = slices.Clone(c.vals)
				for i := range c.vals {
					c.vals[i] = randVal(c.col)
				}
				conds = append(conds, c)
			}
			ocol, mode, desc, off, lim = q.ocol, q.mode, q.desc, q.off, q.lim
		} else {
			for range rng.IntN(4) + 1 {
				col := cols[rng.IntN(len(cols))]
				c := semFilter{op: ops[rng.IntN(len(ops))], col: col}
				n := 1
				if c.op == "IN" {
					n = rng.IntN(4)
				}
				for range n {
					c.vals = append(c.vals, randVal(col))
				}
				conds = append(conds, c)
			}
			ocol = cols[rng.IntN(len(cols))]
			mode = rng.IntN(3)
			if mode == 1 {
				ocol = "id"
			}
			desc = rng.IntN(2) == 0
			off, lim = rng.IntN(4), rng.IntN(6)-1
			past = append(past, pastQuery{conds, ocol, mode, desc, off, lim})
		}
		var want []int64
		var matched []modelRow
		for _, r := range rows {
			ok := true
			for _, c := range conds {
				ok = ok && eval(c, r)
			}
			if ok {
				matched = append(matched, r)
			}
		}
		slices.SortStableFunc(matched, func(x, y modelRow) int {
			vx, vy := val(x, ocol), val(y, ocol)
			k := 0
			switch {
			case vx == nil && vy == nil:
			case vx == nil:
				k = 1
			case vy == nil:
				k = -1
			default:
				k = cmpAny(vx, vy)
			}
			if desc {
				k = -k
			}
			if k != 0 {
				return k
			}
			return cmp.Compare(x.id, y.id)
		})
		if mode == 1 {
			slices.SortFunc(matched, func(x, y modelRow) int {
				if desc {
					return cmp.Compare(y.id, x.id)
				}
				return cmp.Compare(x.id, y.id)
			})
		}
		if mode == 2 {
			slices.SortFunc(matched, func(x, y modelRow) int { return cmp.Compare(x.id, y.id) })
			off, lim = 0, -1
		}
		matched = matched[min(off, len(matched)):]
		if lim >= 0 && len(matched) > lim {
			matched = matched[:lim]
		}
		for _, r := range matched {
			want = append(want, r.id)
		}
		var ec []engine.Cond
		for _, c := range conds {
			ec = append(ec, c.cond())
		}
		dir := engine.Asc
		if desc {
			dir = engine.Desc
		}
		run := func(tx *engine.Tx) []int64 {
			var got []int64
			q := tx.Query("t").Where(ec...)
			switch mode {
			case 0:
				q = q.OrderBy(ocol, dir).OrderBy("id", engine.Asc).Offset(off).Limit(lim)
			case 1:
				q = q.OrderBy("id", dir).Offset(off).Limit(lim)
			}
			err := q.Each(func(r engine.Record) error {
				got = append(got, r.Get("id").(int64))
				return nil
			})
			require.NoError(t, err)
			if mode == 2 {
				slices.Sort(got)
			}
			return got
		}
		check := func(got []int64, what string) {
			if !slices.Equal(want, got) {
				q := explainModel(t, db, ec)
				t.Fatalf("iter %d %s: conds %v order %s desc %v off %d lim %d: want %v got %v (%s)", iter, what, conds, ocol, desc, off, lim, want, got, q)
			}
		}
		require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error { check(run(tx), "view"); return nil }))
		require.NoError(t, db.Update(trCtx, func(tx *engine.Tx) error { check(run(tx), "update"); return nil }))

		// The same query prepared, every value a Param, kept by its
		// shape so later iterations bind it with other values: the plan
		// made for one set of values must serve every other.
		var pc []engine.Cond
		var args []any
		shape := fmt.Sprintf("%d %s %v %d %d", mode, ocol, desc, off, lim)
		for _, c := range conds {
			shape += fmt.Sprintf("|%s %s %d", c.col, c.op, len(c.vals))
			vals := c.vals
			if c.op == "NULL" || c.op == "NOTNULL" {
				vals = nil // the condition has no value
			}
			params := make([]any, len(vals))
			for i, v := range vals {
				args = append(args, v)
				params[i] = engine.Param(len(args))
			}
			pc = append(pc, semFilter{col: c.col, op: c.op, vals: params}.cond())
		}
		pq := prepared[shape]
		if pq == nil {
			pq = engine.Prepare("t", pc...)
			switch mode {
			case 0:
				pq = pq.OrderBy(ocol, dir).OrderBy("id", engine.Asc).Offset(off).Limit(lim)
			case 1:
				pq = pq.OrderBy("id", dir).Offset(off).Limit(lim)
			}
			prepared[shape] = pq
		}
		runPrepared := func(tx *engine.Tx) []int64 {
			var got []int64
			err := tx.Bind(pq, args...).Each(func(r engine.Record) error {
				got = append(got, r.Get("id").(int64))
				return nil
			})
			require.NoError(t, err, "%s %v %v", shape, args, pc)
			if mode == 2 {
				slices.Sort(got)
			}
			return got
		}
		require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error { check(runPrepared(tx), "prepared view"); return nil }))
		require.NoError(t, db.Update(trCtx, func(tx *engine.Tx) error { check(runPrepared(tx), "prepared update"); return nil }))
	}
	t.Logf("%d prepared queries for %d iterations", len(prepared), iterations)
}

func explainModel(t *testing.T, db *engine.DB, ec []engine.Cond) string {
	var s string
	_ = db.View(trCtx, func(tx *engine.Tx) error {
		s, _ = tx.Query("t").Where(ec...).Explain()
		return nil
	})
	return s
}
