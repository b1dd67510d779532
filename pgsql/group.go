package pgsql

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cockroachdb/apd/v3"

	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Grouping splits the rows of a SELECT into groups by the GROUP BY keys
// (one group of every row when there is no GROUP BY but an aggregate or
// HAVING), computes each aggregate call over every group, and keeps the
// groups HAVING accepts. A group is then evaluated as its first row, with
// the aggregate calls bound to their results: a column outside an
// aggregate must be a GROUP BY key, or belong to a table whose primary key
// is grouped, else 42803.

// aggValue is the result of one aggregate call over one group.
type aggValue struct {
	v any
	t sqlType
}

// group is one output row's input: a representative row and the values of
// the aggregate calls.
type group struct {
	row      []any
	aggs     map[*ir.Func]aggValue
	grouping map[*ir.Grouping]int64 // GROUPING calls' values
	subst    map[string]aggValue    // grouping expressions' values by text, with grouping sets
}

// groupRow returns the row a group of a grouping set is evaluated on, its
// first row with the key columns outside the set NULL, and the values of
// the other grouping expressions: NULL outside the set, the group's value
// in it.
func groupRow(first []any, rows []int, keys []ir.Expr, keyVals [][]aggValue, keyCol []int, inSet []bool, sc *scope, ev *evaluator) ([]any, map[string]aggValue) {
	row := append([]any(nil), first...)
	subst := map[string]aggValue{}
	for k, e := range keys {
		var t sqlType
		var v any
		if len(rows) > 0 {
			t = keyVals[rows[0]][k].t
			if inSet[k] {
				v = keyVals[rows[0]][k].v
			}
		} else {
			setRow(ev, row)
			_, t, _ = ev.eval(e)
		}
		if keyCol[k] >= 0 {
			if !inSet[k] {
				row[keyCol[k]] = nil
			}
			continue
		}
		subst[e.String()] = aggValue{v, t}
	}
	return row, subst
}

// aggCalls returns the aggregate calls of e at this query level.
func aggCalls(e ir.Expr) []*ir.Func {
	var out []*ir.Func
	ir.Inspect(e, func(x ir.Expr) bool {
		if f, ok := x.(*ir.Func); ok && isAggregateCall(f) {
			out = append(out, f)
			return false
		}
		return true
	})
	return out
}

// noAggregates returns 42803 if e holds an aggregate call or a GROUPING.
func noAggregates(e ir.Expr, clause string) error {
	if len(aggCalls(e)) > 0 {
		return pgerr.New(pgerr.GroupingError, "aggregate functions are not allowed in %s", clause)
	}
	if len(groupingCalls(e)) > 0 {
		return pgerr.New(pgerr.GroupingError, "grouping operations are not allowed in %s", clause)
	}
	return nil
}

// grouped reports whether st groups its rows, and returns the groups.
func grouped(st *ir.Select, targets []target, order []orderTerm, sc *scope, rows [][]any, ev *evaluator) ([]group, bool, error) {
	var calls []*ir.Func
	var exprs []ir.Expr // everything evaluated per group
	for _, t := range targets {
		exprs = append(exprs, t.expr)
	}
	if st.Having != nil {
		exprs = append(exprs, st.Having)
	}
	for _, o := range order {
		if o.target < 0 {
			exprs = append(exprs, o.expr)
		}
	}
	exprs = append(exprs, windowExprs(st)...)
	for _, e := range exprs {
		calls = append(calls, aggCalls(e)...)
	}
	if len(calls) == 0 && len(st.GroupBy) == 0 && st.Having == nil {
		return nil, false, nil
	}
	for _, f := range calls {
		inner := f.Args
		if f.WithinGroup {
			for _, o := range f.OrderBy {
				inner = append(slices.Clip(inner), o.Expr)
			}
		}
		for _, a := range inner {
			if err := noAggregates(a, "aggregate function calls"); err != nil {
				return nil, false, pgerr.New(pgerr.GroupingError, "aggregate function calls cannot be nested")
			}
		}
	}
	keys, sets, err := groupingSets(st.GroupBy, st.GroupDistinct, targets, sc) // groupingsets.go
	if err != nil {
		return nil, false, err
	}
	// GROUPING calls: each argument's key.
	groupingAt := map[*ir.Grouping][]int{}
	for _, e := range exprs {
		for _, g := range groupingCalls(e) {
			if groupingAt[g], err = groupingArgs(g, keys, sc, ev); err != nil {
				return nil, false, err
			}
		}
	}
	if err := checkGrouped(exprs, keys, sc, ev); err != nil {
		return nil, false, err
	}
	for _, f := range calls {
		if f.WithinGroup {
			if err := checkDirectArgs(f, keys, sc, ev); err != nil {
				return nil, false, err
			}
		}
	}
	substituted := sets != nil
	if sets == nil {
		all := make([]int, len(keys))
		for i := range all {
			all[i] = i
		}
		sets = [][]int{all}
	}
	// Each row's key values, computed once.
	keyVals := make([][]aggValue, len(rows))
	for i, r := range rows {
		setRow(ev, r)
		keyVals[i] = make([]aggValue, len(keys))
		for k, e := range keys {
			v, t, err := ev.eval(e)
			if err == nil {
				err = jsonNoEquality(t) // jsonops.go
			}
			if err != nil {
				return nil, false, err
			}
			keyVals[i][k] = aggValue{v, t}
		}
	}
	// A key's column position in the row when it is a column, else -1.
	keyCol := make([]int, len(keys))
	for k, e := range keys {
		keyCol[k] = -1
		if c, ok := e.(*ir.ColumnRef); ok && sc != nil && !c.Star {
			if i, _, err := sc.resolve(c); err == nil {
				keyCol[k] = i
			}
		}
	}
	var out []group
	for _, set := range sets {
		type bucket struct{ rows []int }
		var order2 []*bucket
		byKey := map[string]*bucket{}
		for i := range rows {
			var k strings.Builder
			for _, j := range set {
				k.WriteString(typedKey(keyVals[i][j].v, keyVals[i][j].t))
			}
			b, ok := byKey[k.String()]
			if !ok {
				b = &bucket{}
				byKey[k.String()] = b
				order2 = append(order2, b)
			}
			b.rows = append(b.rows, i)
		}
		if len(set) == 0 && len(order2) == 0 {
			order2 = []*bucket{{}}
		}
		inSet := make([]bool, len(keys))
		for _, j := range set {
			inSet[j] = true
		}
		for _, b := range order2 {
			g := group{aggs: map[*ir.Func]aggValue{}}
			bRows := make([][]any, len(b.rows))
			for i, r := range b.rows {
				bRows[i] = rows[r]
			}
			if len(bRows) > 0 {
				g.row = bRows[0]
			} else if sc != nil {
				g.row = make([]any, sc.width())
			}
			if substituted {
				g.row, g.subst = groupRow(g.row, b.rows, keys, keyVals, keyCol, inSet, sc, ev)
			}
			if len(groupingAt) > 0 {
				g.grouping = map[*ir.Grouping]int64{}
				for call, args := range groupingAt {
					var bits int64
					for _, k := range args {
						bits <<= 1
						if !inSet[k] {
							bits |= 1
						}
					}
					g.grouping[call] = bits
				}
			}
			for _, f := range calls {
				v, t, err := aggregate(f, bRows, g.row, ev)
				if err != nil {
					return nil, false, err
				}
				g.aggs[f] = aggValue{v, t}
			}
			if st.Having != nil {
				setRow(ev, g.row)
				setGroup(ev, &g)
				ok, err := ev.boolean(st.Having, "HAVING")
				setGroup(ev, nil)
				if err != nil {
					return nil, false, err
				}
				if ok != true {
					continue
				}
			}
			out = append(out, g)
		}
	}
	return out, true, nil
}

// probeAggs returns the aggregates of targets computed over no rows, with
// which a grouped query that has no group, or a view's probe (view.go),
// types its output columns.
func probeAggs(targets []target, sc *scope, ev *evaluator) map[*ir.Func]aggValue {
	aggs := map[*ir.Func]aggValue{}
	var row []any
	if sc != nil {
		row = make([]any, sc.width())
	}
	for _, t := range targets {
		for _, f := range aggCalls(t.expr) {
			if v, typ, err := aggregate(f, nil /* rows */, row, ev); err == nil {
				aggs[f] = aggValue{v, typ}
			}
		}
	}
	return aggs
}

func setRow(ev *evaluator, r []any) {
	if ev.sc != nil {
		ev.sc.row = r
	}
}

// groupKeys resolves GROUP BY items: an ordinal or an output column name
// that is no input column stands for that target's expression.
func groupKeys(items []ir.Expr, targets []target, sc *scope) ([]ir.Expr, error) {
	var out []ir.Expr
	for _, e := range items {
		switch x := e.(type) {
		case *ir.Ordinal:
			if x.N < 1 || int(x.N) > len(targets) {
				return nil, pgerr.New(pgerr.InvalidColumnReference, "GROUP BY position %d is not in select list", x.N)
			}
			e = targets[x.N-1].expr
		case *ir.ColumnRef:
			if x.Table == "" && !x.Star {
				if sc == nil {
					e = nil
				} else if _, _, err := sc.resolve(x); err != nil {
					e = nil
				}
				if e == nil {
					for _, t := range targets {
						if t.name == x.Column {
							e = t.expr
							break
						}
					}
					if e == nil {
						return nil, pgerr.UndefinedColumnError(x.Column)
					}
				}
			}
		}
		if err := noAggregates(e, "GROUP BY"); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// checkGrouped returns 42803 for a column used outside an aggregate that
// is neither a GROUP BY key nor covered by a grouped primary key. A
// column of an enclosing query is one value for the whole group.
func checkGrouped(exprs, keys []ir.Expr, sc *scope, ev *evaluator) error {
	texts := map[string]bool{}
	pos := map[int]bool{}
	for _, k := range keys {
		texts[k.String()] = true
		if c, ok := k.(*ir.ColumnRef); ok && sc != nil {
			if i, _, err := sc.resolve(c); err == nil {
				pos[i] = true
			}
		}
	}
	covered := func(i int) bool {
		if pos[i] {
			return true
		}
		b, _ := sc.at(i)
		if !b.ts.hasKey() {
			return false
		}
		for _, pk := range b.ts.def.PrimaryKey {
			if !pos[b.off+b.ts.index[pk]] {
				return false
			}
		}
		return true
	}
	var err error
	for _, e := range exprs {
		ir.Inspect(e, func(x ir.Expr) bool {
			if err != nil || texts[x.String()] {
				return false
			}
			switch x := x.(type) {
			case *ir.Func:
				if isAggregateCall(x) {
					return false
				}
			case *ir.ColumnRef:
				if sc == nil {
					return false
				}
				if b, ok := sc.wholeRowBinding(x); ok { // wholerow.go
					for _, j := range b.ts.visibleColumns() {
						if !covered(b.off + j) {
							err = pgerr.New(pgerr.GroupingError, "column \"%s.*\" must appear in the GROUP BY clause or be used in an aggregate function", b.alias)
							break
						}
					}
					return false
				}
				if x.Star {
					return false
				}
				i, _, rerr := sc.resolve(x)
				if rerr != nil {
					if _, _, ok := ev.outerColumn(x, rerr); !ok && !ev.isWholeRow(x) {
						err = rerr
					}
					return false
				}
				if !covered(i) {
					err = pgerr.New(pgerr.GroupingError, "column %q must appear in the GROUP BY clause or be used in an aggregate function", x.String())
				}
			}
			return true
		})
	}
	return err
}

// checkDirectArgs returns 42803 if the direct arguments of an ordered-set
// aggregate use a column that is not grouped, unless the call has no
// such aggregate, which PostgreSQL reports first.
func checkDirectArgs(f *ir.Func, keys []ir.Expr, sc *scope, ev *evaluator) error {
	err := checkGrouped(f.Args, keys, sc, ev)
	if err == nil {
		return nil
	}
	var nulls []any
	if sc != nil {
		nulls = make([]any, sc.width())
	}
	if _, _, perr := aggregate(f, nil /* rows */, nulls, ev); perr != nil {
		if c := pgerr.Code(perr); c == pgerr.UndefinedFunction || c == "42809" {
			return perr
		}
	}
	if e, ok := err.(*pgerr.Error); ok && e.Code == pgerr.GroupingError {
		e.Detail = "Direct arguments of an ordered-set aggregate must use only grouped columns."
	}
	return err
}

// typedKey is valueKey for a value of type t: char values that differ
// only in trailing blanks are equal, as char compares them (a char
// without a length holds values of any padding).
func typedKey(v any, t sqlType) string {
	if s, ok := v.(string); ok && t.kind == kBpchar {
		v = strings.TrimRight(s, " ")
	}
	if s, ok := v.(string); ok && t.kind == kJSONB {
		v = jsonbText(s) // as a table stores it
	}
	return valueKey(v)
}

// valueKey is a value's identity for grouping and DISTINCT: equal SQL
// values, NULLs included, give equal keys.
func valueKey(v any) string {
	var s string
	switch x := v.(type) {
	case nil:
		return "N;"
	case *apd.Decimal:
		r := new(apd.Decimal)
		r.Reduce(x)
		s = "d" + r.Text('f')
	case float64:
		s = "f" + strconv.FormatFloat(x, 'g', -1, 64)
	case []byte:
		s = fmt.Sprintf("b%x", x)
	case Interval:
		s = "i" + intervalKey(x)
	case jsonbText:
		s = "j" + jsonbKey(x)
	case []any:
		s = arrayKey(x) // arraycol.go
	default:
		s = fmt.Sprintf("%T%v", v, v)
	}
	return strconv.Itoa(len(s)) + ":" + s
}

// aggregate computes one aggregate call over a group's rows; empty is a
// row of NULLs to type its argument when there are no rows.
func aggregate(f *ir.Func, rows [][]any, empty []any, ev *evaluator) (any, sqlType, error) {
	if f.Filter != nil {
		var err error
		if rows, err = filterRows(f, rows, empty, ev); err != nil {
			return nil, typUnknown, err
		}
	}
	if f.WithinGroup {
		return orderedSetAggregate(f, rows, empty, ev) // orderedset.go
	}
	if isOrderedSet(f.Name) {
		return nil, typUnknown, withinGroupRequired(f, argTypes(f.Args, empty, ev))
	}
	if isJSONAggregate(f.Name) {
		return jsonAggregate(f, rows, empty, ev) // jsonfuncs.go
	}
	nargs := 1
	switch f.Name {
	case "count", "sum", "avg", "min", "max", "bool_and", "bool_or", "every", "array_agg":
	case "string_agg":
		nargs = 2
	default:
		return nil, typUnknown, pgerr.Unsupported("aggregate " + f.Name)
	}
	if f.Star {
		if f.Name != "count" {
			return nil, typUnknown, pgerr.New(pgerr.UndefinedFunction, "function %s(*) does not exist", f.Name)
		}
		return int64(len(rows)), typInt8, nil
	}
	if len(f.Args) != nargs {
		return nil, typUnknown, pgerr.New(pgerr.UndefinedFunction, "function %s does not exist", f.String())
	}
	if f.Distinct {
		// The distinct values are sorted, so each ORDER BY expression
		// must be an argument; the rows are sorted below, and the first
		// of equal values is kept.
		for _, o := range f.OrderBy {
			if !slices.ContainsFunc(f.Args, func(a ir.Expr) bool { return a.String() == o.Expr.String() }) {
				return nil, typUnknown, pgerr.New(pgerr.InvalidColumnReference, "in an aggregate with DISTINCT, ORDER BY expressions must appear in argument list")
			}
		}
	}
	rows, err := aggOrder(f, rows, ev)
	if err != nil {
		return nil, typUnknown, err
	}
	// The argument's values, NULLs skipped, and its type.
	var vals, delims []any
	setRow(ev, empty)
	_, typ, err := ev.eval(f.Args[0])
	if err != nil && len(rows) == 0 && pgerr.Code(err) != pgerr.DivisionByZero {
		return nil, typUnknown, err
	}
	seen := map[string]bool{}
	for _, r := range rows {
		setRow(ev, r)
		v, t, err := ev.eval(f.Args[0])
		if err != nil {
			return nil, typUnknown, err
		}
		typ = t
		if v == nil && f.Name != "array_agg" { // array_agg keeps NULLs
			continue
		}
		if f.Distinct {
			k := "null"
			if v != nil {
				k = typedKey(v, t)
			}
			if seen[k] {
				continue
			}
			seen[k] = true
		}
		if nargs == 2 {
			d, _, err := ev.eval(f.Args[1])
			if err != nil {
				return nil, typUnknown, err
			}
			delims = append(delims, d)
		}
		vals = append(vals, v)
	}
	return fold(f.Name, typ, vals, delims)
}

// argTypes returns the types of args evaluated on row, unknown where one
// fails.
func argTypes(args []ir.Expr, row []any, ev *evaluator) []sqlType {
	setRow(ev, row)
	out := make([]sqlType, len(args))
	for i, a := range args {
		_, out[i], _ = ev.eval(a)
	}
	return out
}

// aggOrder returns a group's rows in an aggregate's ORDER BY order (a
// sorted copy), or as they are without one.
func aggOrder(f *ir.Func, rows [][]any, ev *evaluator) ([][]any, error) {
	if len(f.OrderBy) == 0 {
		return rows, nil
	}
	order, err := orderTerms(f.OrderBy, nil)
	if err != nil {
		return nil, err
	}
	keys := make([][]any, len(rows))
	for i, r := range rows {
		setRow(ev, r)
		for _, o := range order {
			v, _, err := ev.eval(o.expr)
			if err != nil {
				return nil, err
			}
			keys[i] = append(keys[i], v)
		}
	}
	rows = append([][]any(nil), rows...)
	if err := sortRows(rows, keys, order, nil, ev); err != nil {
		return nil, err
	}
	return rows, nil
}

// filterRows returns the rows of a group an aggregate's FILTER (WHERE
// ...) keeps: those for which it is true. An aggregate or a window
// function in the filter is an error, checked on the row of NULLs even
// when the group has no rows.
func filterRows(f *ir.Func, rows [][]any, empty []any, ev *evaluator) ([][]any, error) {
	if err := noAggregates(f.Filter, "FILTER"); err != nil {
		return nil, err
	}
	if len(windowCalls(f.Filter)) > 0 {
		return nil, pgerr.New(windowingError, "window functions are not allowed in FILTER")
	}
	if len(rows) == 0 {
		setRow(ev, empty)
		if _, err := ev.boolean(f.Filter, "FILTER"); err != nil && pgerr.Code(err) != pgerr.DivisionByZero {
			return nil, err
		}
		return rows, nil
	}
	kept := make([][]any, 0, len(rows))
	for _, r := range rows {
		setRow(ev, r)
		ok, err := ev.boolean(f.Filter, "FILTER")
		if err != nil {
			return nil, err
		}
		if ok == true {
			kept = append(kept, r)
		}
	}
	return kept, nil
}

// fold reduces an aggregate's non-NULL values with PostgreSQL's result
// types: count is bigint; sum of smallint or integer is bigint, of bigint
// or numeric numeric; avg of an integer or numeric is numeric; min and max
// keep the argument's type, but varchar's is text; sum and avg of
// intervals are intervals.
func fold(name string, t sqlType, vals, delims []any) (any, sqlType, error) {
	if isJSON(t) && name != "count" {
		return nil, t, jsonNoFunction(name, []sqlType{t}) // jsonb has no min, max, ...
	}
	if t.kind == kUnknown && name == "array_agg" {
		return nil, t, notUnique(name, []sqlType{t})
	}
	if t.kind == kUnknown && name != "count" {
		t = typText
		if name != "string_agg" && name != "min" && name != "max" {
			return nil, t, pgerr.Unsupported("aggregate " + name + " of an untyped value")
		}
	}
	switch name {
	case "array_agg":
		// The values in order, NULLs included; no rows give NULL. An
		// array of arrays would be two-dimensional.
		if t.array {
			return nil, t, pgerr.Unsupported("array_agg of an array")
		}
		rt := t
		rt.array = true
		if len(vals) == 0 {
			return nil, rt, nil
		}
		return append([]any(nil), vals...), rt, nil
	case "count":
		return int64(len(vals)), typInt8, nil
	case "sum", "avg":
		if t.kind == kTime {
			// time's implicit cast to interval (timeofday.go).
			ivs := make([]any, len(vals))
			for i, v := range vals {
				ivs[i] = timeAsInterval(v)
			}
			vals, t = ivs, typInterval
		}
		if t.kind == kInterval {
			return foldIntervals(name, vals)
		}
		rt := t
		switch {
		case t.isInt() && name == "sum" && t.kind != kInt8:
			rt = typInt8
		case t.isInt() || t.kind == kNumeric:
			rt = typNumeric
		case t.kind == kFloat4 && name == "avg":
			rt = typFloat8
		case t.kind != kFloat4 && t.kind != kFloat8:
			return nil, t, pgerr.New(pgerr.UndefinedFunction, "function %s(%s) does not exist", name, t)
		}
		if len(vals) == 0 {
			return nil, rt, nil
		}
		if t.kind == kFloat4 || t.kind == kFloat8 {
			s := 0.0
			for _, v := range vals {
				s += v.(float64)
			}
			if name == "avg" {
				s /= float64(len(vals))
			}
			return s, rt, nil
		}
		sum := new(apd.Decimal)
		for _, v := range vals {
			d, ok := v.(*apd.Decimal)
			if !ok {
				d = apd.New(v.(int64), 0)
			}
			if _, err := decimalCtx.Add(sum, sum, d); err != nil {
				return nil, rt, err
			}
		}
		if name == "avg" {
			v, err := divide(sum, apd.New(int64(len(vals)), 0))
			return v, rt, err
		}
		if rt.kind == kInt8 {
			n, err := sum.Int64()
			if err != nil {
				return nil, rt, outOfRange(rt)
			}
			return n, rt, nil
		}
		return sum, rt, nil
	case "min", "max":
		var best any
		for _, v := range vals {
			if best == nil {
				best = v
				continue
			}
			// On a tie the later value wins, as in PostgreSQL's smaller and
			// larger functions: it shows for equal values that print
			// differently (1.0 and 1.00, '1 mon' and '30 days').
			c := compareValues(v, best)
			if (name == "min" && c <= 0) || (name == "max" && c >= 0) {
				best = v
			}
		}
		// PostgreSQL has no min or max of varchar: its argument is taken
		// as text, and so is the result, which then compares as text does
		// with a char(n) (padding counts), not as char(n).
		return best, minMaxType(t), nil
	case "bool_and", "bool_or", "every":
		if t.kind != kBool {
			return nil, typBool, pgerr.New(pgerr.UndefinedFunction, "function %s(%s) does not exist", name, t)
		}
		if len(vals) == 0 {
			return nil, typBool, nil
		}
		and := name != "bool_or"
		for _, v := range vals {
			if v.(bool) != and {
				return !and, typBool, nil
			}
		}
		return and, typBool, nil
	case "string_agg":
		if !t.isText() {
			return nil, typText, pgerr.Unsupported("string_agg of " + t.String())
		}
		if len(vals) == 0 {
			return nil, typText, nil
		}
		var b strings.Builder
		for i, v := range vals {
			if i > 0 && delims[i] != nil {
				b.WriteString(delims[i].(string))
			}
			s := v.(string)
			if t.kind == kBpchar {
				s = strings.TrimRight(s, " ") // string_agg takes text
			}
			b.WriteString(s)
		}
		return b.String(), typText, nil
	}
	return nil, typUnknown, pgerr.Unsupported("aggregate " + name)
}
