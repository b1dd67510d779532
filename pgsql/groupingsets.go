package pgsql

import (
	"fmt"
	"slices"

	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// GROUP BY GROUPING SETS, ROLLUP and CUBE group the rows once per
// grouping set and append the groups of all sets. The GROUP BY items
// multiply out as in PostgreSQL: GROUP BY a, ROLLUP (b, c) is the sets
// (a, b, c), (a, b), (a); a set listed twice gives its groups twice. In a
// group, a grouping expression outside its set is NULL: a column by
// being NULL in the group's row, any other expression by substitution
// (evaluator.subst), which also gives an expression in the set its
// group's value. GROUPING(a, b) has a bit, first argument highest, for
// each argument outside the group's set.

// expandGrouping returns the grouping sets of GROUP BY items, each a list
// of items (expressions, ordinals or output names), and whether any item
// was a grouping set.
func expandGrouping(items []ir.Expr) ([][]ir.Expr, bool) {
	sets := [][]ir.Expr{{}}
	found := false
	for _, it := range items {
		var its [][]ir.Expr
		if gs, ok := it.(*ir.GroupingSet); ok {
			found = found || gs.Kind != ir.GroupingSimple
			its = expandSet(gs)
		} else {
			its = [][]ir.Expr{{it}}
		}
		var out [][]ir.Expr
		for _, s := range sets {
			for _, t := range its {
				out = append(out, append(append([]ir.Expr(nil), s...), t...))
			}
		}
		sets = out
	}
	return sets, found
}

// expandSet returns the grouping sets one ROLLUP, CUBE, GROUPING SETS or
// parenthesized list stands for.
func expandSet(gs *ir.GroupingSet) [][]ir.Expr {
	// elems are the items as lists: (a, b) inside ROLLUP or CUBE is one
	// element of two expressions.
	elem := func(e ir.Expr) []ir.Expr {
		if s, ok := e.(*ir.GroupingSet); ok && s.Kind == ir.GroupingSimple {
			return s.Items
		}
		return []ir.Expr{e}
	}
	switch gs.Kind {
	case ir.GroupingRollup:
		var out [][]ir.Expr
		for k := len(gs.Items); k >= 0; k-- {
			var set []ir.Expr
			for _, e := range gs.Items[:k] {
				set = append(set, elem(e)...)
			}
			out = append(out, set)
		}
		return out
	case ir.GroupingCube:
		n := len(gs.Items)
		var out [][]ir.Expr
		for mask := (1 << n) - 1; mask >= 0; mask-- {
			var set []ir.Expr
			for i, e := range gs.Items {
				if mask&(1<<(n-1-i)) != 0 {
					set = append(set, elem(e)...)
				}
			}
			out = append(out, set)
		}
		return out
	case ir.GroupingSets:
		var out [][]ir.Expr
		for _, e := range gs.Items {
			if s, ok := e.(*ir.GroupingSet); ok {
				out = append(out, expandSet(s)...)
			} else {
				out = append(out, []ir.Expr{e})
			}
		}
		return out
	}
	return [][]ir.Expr{gs.Items}
}

// groupingSets resolves the GROUP BY items of st into its grouping keys
// (each distinct expression once) and the sets, each the indexes of its
// keys; sets is nil for a plain GROUP BY.
func groupingSets(items []ir.Expr, distinct bool, targets []target, sc *scope) (keys []ir.Expr, sets [][]int, err error) {
	raw, found := expandGrouping(items)
	if found && len(raw) > 4096 {
		return nil, nil, pgerr.New("54000", "too many grouping sets present (maximum 4096)")
	}
	index := map[string]int{}
	seenSet := map[string]bool{}
	for _, set := range raw {
		resolved, err := groupKeys(set, targets, sc)
		if err != nil {
			return nil, nil, err
		}
		var idx []int
		seen := map[int]bool{}
		for _, e := range resolved {
			k, ok := index[e.String()]
			if !ok {
				k = len(keys)
				index[e.String()] = k
				keys = append(keys, e)
			}
			if !seen[k] {
				seen[k] = true
				idx = append(idx, k)
			}
		}
		if distinct {
			// GROUP BY DISTINCT drops a set equal to an earlier one, in
			// any order.
			sorted := slices.Sorted(slices.Values(idx))
			k := fmt.Sprint(sorted)
			if seenSet[k] {
				continue
			}
			seenSet[k] = true
		}
		sets = append(sets, idx)
	}
	if !found {
		return keys, nil, nil
	}
	return keys, sets, nil
}

// groupingCalls returns the GROUPING calls of e at this query level.
func groupingCalls(e ir.Expr) []*ir.Grouping {
	var out []*ir.Grouping
	ir.Inspect(e, func(x ir.Expr) bool {
		if g, ok := x.(*ir.Grouping); ok {
			out = append(out, g)
			return false
		}
		return true
	})
	return out
}

// groupingArgs returns, for each argument of g, the index of the grouping
// key it is, or 42803 if one is none.
func groupingArgs(g *ir.Grouping, keys []ir.Expr, sc *scope, ev *evaluator) ([]int, error) {
	if len(g.Args) > 31 {
		return nil, pgerr.New("54023", "GROUPING must have fewer than 32 arguments")
	}
	out := make([]int, len(g.Args))
	for i, a := range g.Args {
		out[i] = -1
		for k, key := range keys {
			if sameGroupingExpr(a, key, sc) {
				out[i] = k
				break
			}
		}
		if out[i] < 0 {
			return nil, groupingError(g, ev)
		}
	}
	return out, nil
}

// sameGroupingExpr reports whether a and b are one grouping expression:
// the same text, or columns that resolve to the same column.
func sameGroupingExpr(a, b ir.Expr, sc *scope) bool {
	if a.String() == b.String() {
		return true
	}
	ca, ok1 := a.(*ir.ColumnRef)
	cb, ok2 := b.(*ir.ColumnRef)
	if !ok1 || !ok2 || sc == nil {
		return false
	}
	i, _, err1 := sc.resolve(ca)
	j, _, err2 := sc.resolve(cb)
	return err1 == nil && err2 == nil && i == j
}

// setGroup makes g the evaluator's current group.
func setGroup(ev *evaluator, g *group) {
	if g == nil {
		ev.aggs, ev.grouping, ev.subst = nil, nil, nil
		return
	}
	ev.aggs, ev.grouping, ev.subst = g.aggs, g.grouping, g.subst
}

// probeGrouping returns 0 for each GROUPING call of the select list and
// ORDER BY (targets, order), with which a grouped query that has no
// group types its output columns.
func probeGrouping(targets []target, order []orderTerm) map[*ir.Grouping]int64 {
	out := map[*ir.Grouping]int64{}
	add := func(e ir.Expr) {
		for _, g := range groupingCalls(e) {
			out[g] = 0
		}
	}
	for _, t := range targets {
		add(t.expr)
	}
	for _, o := range order {
		if o.target < 0 {
			add(o.expr)
		}
	}
	return out
}

// groupingError is the error for a GROUPING whose arguments are no
// grouping expressions here: 0A000 when they are an enclosing query's
// columns, whose GROUPING PostgreSQL evaluates at that query's level,
// else 42803.
func groupingError(g *ir.Grouping, ev *evaluator) error {
	for _, a := range g.Args {
		c, ok := a.(*ir.ColumnRef)
		if !ok {
			continue
		}
		var err error = pgerr.UndefinedColumnError(c.Column)
		if ev.sc != nil {
			_, _, err = ev.sc.resolve(c)
		}
		if err == nil {
			continue
		}
		if _, _, ok := ev.outerColumn(c, err); ok {
			return pgerr.Unsupported("GROUPING of an outer query's column")
		}
	}
	return pgerr.New(pgerr.GroupingError, "arguments to GROUPING must be grouping expressions of the associated query level")
}
