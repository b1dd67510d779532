package pgsql

import (
	"strconv"
	"strings"

	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// SELECT DISTINCT ON (exprs) keeps, of the rows that agree on exprs, the
// first in ORDER BY order. As in PostgreSQL the expressions must match the
// leading ORDER BY items, in any order (42P10 otherwise); those ORDER BY
// does not name are sorted on after its items, ascending, so that equal
// rows are adjacent. Which row of a group comes first beyond what ORDER BY
// says is PostgreSQL's choice of sort; here it is the first read.

// distinctOn resolves st's DISTINCT ON expressions against the ORDER BY
// terms, adding those ORDER BY lacks to order; it returns, for each
// expression, the position of its term in order.
func distinctOn(st *ir.Select, targets []target, order []orderTerm, sc *scope) ([]orderTerm, []int, error) {
	if len(st.Locking) > 0 {
		return nil, nil, pgerr.New(pgerr.FeatureNotSupported, "%s is not allowed with DISTINCT clause", st.Locking[0].Strength)
	}
	items := make([]ir.OrderItem, len(st.DistinctOn))
	for i, e := range st.DistinctOn {
		if o, ok := e.(*ir.Ordinal); ok && (o.N < 1 || int(o.N) > len(targets)) {
			return nil, nil, pgerr.New(pgerr.InvalidColumnReference, "DISTINCT ON position %d is not in select list", o.N)
		}
		items[i] = ir.OrderItem{Expr: e}
	}
	terms, err := orderTerms(items, targets)
	if err != nil {
		return nil, nil, err
	}
	// termKey identifies the select-list entry a term stands for, as
	// PostgreSQL matches DISTINCT ON and ORDER BY items: a column by its
	// place in the row however it is qualified, anything else by its text.
	termKey := func(o orderTerm) string {
		e := o.expr
		if o.target >= 0 {
			e = targets[o.target].expr
		}
		if c, ok := e.(*ir.ColumnRef); ok && sc != nil && !c.Star {
			if pos, _, err := sc.resolve(c); err == nil {
				return "column " + strconv.Itoa(pos)
			}
		}
		return e.String()
	}
	want := map[string]bool{}
	for _, d := range terms {
		want[termKey(d)] = true
	}
	matched := map[string]int{} // DISTINCT ON key -> its ORDER BY position
	skipped := false
	for i, o := range order {
		k := termKey(o)
		if !want[k] {
			skipped = true
			continue
		}
		if skipped {
			return nil, nil, pgerr.New(pgerr.InvalidColumnReference, "SELECT DISTINCT ON expressions must match initial ORDER BY expressions")
		}
		if _, ok := matched[k]; !ok {
			matched[k] = i
		}
	}
	pos := make([]int, len(terms))
	for i, d := range terms {
		k := termKey(d)
		if j, ok := matched[k]; ok {
			pos[i] = j
			continue
		}
		if skipped {
			return nil, nil, pgerr.New(pgerr.InvalidColumnReference, "SELECT DISTINCT ON expressions must match initial ORDER BY expressions")
		}
		matched[k] = len(order)
		pos[i] = len(order)
		order = append(order, d)
	}
	return order, pos, nil
}

// keepDistinctOn sorts rows by their ORDER BY keys and keeps the first of
// each group of rows whose keys at positions pos are equal.
func keepDistinctOn(rows, keys [][]any, order []orderTerm, pos []int, targets []target, ev *evaluator) ([][]any, error) {
	ids := make([][]any, len(rows))
	for i := range ids {
		ids[i] = []any{i}
	}
	if err := sortRows(ids, keys, order, targets, ev); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	out := rows[:0:0]
	for _, id := range ids {
		i := id[0].(int)
		var k strings.Builder
		for _, p := range pos {
			v := keys[i][p]
			if t := order[p].target; t >= 0 {
				k.WriteString(typedKey(v, targets[t].typ))
			} else {
				k.WriteString(valueKey(v))
			}
		}
		if seen[k.String()] {
			continue
		}
		seen[k.String()] = true
		out = append(out, rows[i])
	}
	return out, nil
}
