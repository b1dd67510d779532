package pgsql

import (
	"slices"
	"strings"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// target is one output column: its expression, name and (once known)
// type.
type target struct {
	expr ir.Expr
	name string
	typ  sqlType
}

func columnsOf(ts []target) []Column {
	cols := make([]Column, len(ts))
	for i, t := range ts {
		cols[i] = Column{Name: t.name, typ: t.typ}
	}
	return cols
}

// expandTargets expands * and names each target as PostgreSQL does: the
// alias, else the column or function name, else ?column?.
func expandTargets(sc *scope, list []ir.Target) ([]target, error) {
	var out []target
	for _, t := range list {
		if c, ok := t.Expr.(*ir.ColumnRef); ok && c.Star {
			if sc == nil {
				return nil, pgerr.Syntax("SELECT * with no tables specified is not valid")
			}
			if c.Table == "" {
				for _, i := range sc.star() {
					b, j := sc.at(i)
					col := b.ts.def.Columns[j].Name
					ref := &ir.ColumnRef{Table: b.alias, Column: col}
					if p, ok := sc.using[col]; ok && p == i {
						ref = &ir.ColumnRef{Column: col}
					}
					out = append(out, target{expr: ref, name: col, typ: b.ts.types[j]})
				}
				continue
			}
			found := false
			for _, b := range sc.rels {
				if b.alias != c.Table {
					continue
				}
				found = true
				for j, col := range b.ts.def.Columns {
					if b.ts.isHidden(j) {
						continue
					}
					out = append(out, target{expr: &ir.ColumnRef{Table: b.alias, Column: col.Name}, name: col.Name, typ: b.ts.types[j]})
				}
			}
			if !found {
				return nil, pgerr.New(pgerr.UndefinedTable, "missing FROM-clause entry for table %q", c.Table)
			}
			continue
		}
		out = append(out, target{expr: t.Expr, name: targetName(t)})
	}
	return out, nil
}

func targetName(t ir.Target) string {
	if t.Alias != "" {
		return t.Alias
	}
	name, _ := figureName(t.Expr)
	return name
}

// figureName names an unaliased output column as PostgreSQL's
// FigureColname does, with the strength of the choice: 2 for a name
// taken from a column, function or keyword, 1 for a type's name or
// "case", 0 for none ("?column?"). A cast or CASE keeps its operand's (its
// ELSE's) name unless that is weaker than its own.
func figureName(e ir.Expr) (string, int) {
	switch e := e.(type) {
	case *ir.ColumnRef:
		return e.Column, 2
	case *ir.Func:
		return e.Name, 2
	case *ir.Cast:
		if name, strength := figureName(e.Arg); strength > 1 {
			return name, strength
		}
		return e.Type.Name, 1
	case *ir.ValueFunc:
		return e.Name, 2
	case *ir.Coalesce:
		return "coalesce", 2
	case *ir.Grouping:
		return "grouping", 2
	case *ir.NullIf:
		return "nullif", 2
	case *ir.MinMax:
		return strings.ToLower(e.Op.String()), 2
	case *ir.Array:
		return "array", 2
	case *ir.Exists:
		return "exists", 2
	case *ir.Subquery:
		if e.Array {
			return "array", 2
		}
		q := e.Query
		for q.SetOp != nil {
			q = q.SetOp.Left
		}
		if len(q.Targets) > 0 {
			if c, ok := q.Targets[0].Expr.(*ir.ColumnRef); !ok || !c.Star {
				return targetName(q.Targets[0]), 2 // the subquery's column's name
			}
		}
	case *ir.Subscript:
		return figureName(e.Arg)
	case *ir.Case:
		if name, strength := figureName(e.Else); strength > 1 {
			return name, strength
		}
		return "case", 1
	}
	return "?column?", 0
}

// scan returns the rows of a table that satisfy where, reading them
// through the engine's planner: the conditions it can use (a column
// compared with a constant or parameter of the column's own type, IS
// [NOT] NULL, IN lists of such values, ANDed) choose an index, and every
// row is checked against the whole condition by the evaluator.
func scan(tx *engine.Tx, ts *tableSchema, alias string, where ir.Expr, ev *evaluator) ([][]any, error) {
	rows, _, err := scanRest(tx, ts, alias, where, ev)
	return rows, err
}

// scanRest is scan, also returning the part of where the engine did not
// answer exactly (pushdown), which it checked on each row.
func scanRest(tx *engine.Tx, ts *tableSchema, alias string, where ir.Expr, ev *evaluator) ([][]any, ir.Expr, error) {
	q := tx.Query(ts.def.Name)
	check := where // what each row is checked against
	if where != nil {
		var conds []engine.Cond
		conds, check = pushdown(ts, alias, where, ev)
		q.Where(conds...)
	}
	var recs []engine.Record
	if !ev.readsNoRows() {
		var err error
		if recs, err = q.All(); err != nil {
			return nil, nil, err
		}
	}
	sc := newScope(ts, alias)
	rowEv := ev.with(sc)
	var rows [][]any
	rr := newRecordReader(len(ts.def.Columns))
	var slab rowSlab
	for i, r := range recs {
		if i%interruptEvery == interruptEvery-1 {
			if err := ev.interrupted(); err != nil {
				return nil, nil, err
			}
		}
		vals, err := rr.read(r)
		if err != nil {
			return nil, nil, err
		}
		if check != nil {
			sc.row = vals
			ok, err := rowEv.boolean(check, "WHERE")
			if err != nil {
				return nil, nil, err
			}
			if ok != true {
				continue
			}
		}
		row := slab.row(len(vals))
		copy(row, vals)
		rows = append(rows, row)
	}
	if where != nil && len(recs) == 0 {
		// Still type-check the condition, as PostgreSQL does before it
		// reads a row.
		sc.row = make([]any, len(ts.def.Columns))
		if _, err := rowEv.boolean(where, "WHERE"); err != nil && pgerr.Code(err) != pgerr.DivisionByZero && pgerr.Code(err) != pgerr.NumericValueOutOfRange {
			return nil, nil, err
		}
	}
	return rows, check, nil
}

// pushdown returns the engine conditions equivalent to some of where's
// conjuncts, and the rest of where: the conjuncts a row the engine returns
// may still fail. The engine compares integers, texts and booleans as SQL
// does for equality, IN, = ANY and IS [NOT] NULL, and integers also for
// order, so those conjuncts hold for every row it returns; a text range is
// pushed (it narrows the scan) but checked again.
func pushdown(ts *tableSchema, alias string, where ir.Expr, ev *evaluator) ([]engine.Cond, ir.Expr) {
	conj := conjuncts(where)
	var out []engine.Cond
	var rest []ir.Expr
	for _, e := range conj {
		n := len(out)
		exact := true
		switch e := e.(type) {
		case *ir.Binary:
			col, val, op, ok := colConst(ts, alias, e, ev)
			if !ok {
				break
			}
			if _, isInt := val.(int64); op != "=" && !isInt {
				exact = false
			}
			switch op {
			case "=":
				out = append(out, engine.Eq(col, val))
			case "<":
				out = append(out, engine.Lt(col, val))
			case "<=":
				out = append(out, engine.Le(col, val))
			case ">":
				out = append(out, engine.Gt(col, val))
			case ">=":
				out = append(out, engine.Ge(col, val))
			}
		case *ir.IsNull:
			if i, ok := pushColumn(ts, alias, e.Arg); ok {
				if e.Not {
					out = append(out, engine.IsNotNull(ts.def.Columns[i].Name))
				} else {
					out = append(out, engine.IsNull(ts.def.Columns[i].Name))
				}
			}
		case *ir.InList:
			i, ok := pushColumn(ts, alias, e.Arg)
			if !ok || e.Not {
				break
			}
			var vals []any
			for _, x := range e.List {
				v, ok := pushValue(ts.types[i], x, ev)
				if !ok {
					vals = nil
					break
				}
				vals = append(vals, v)
			}
			if vals != nil {
				out = append(out, engine.In(ts.def.Columns[i].Name, vals...))
			}
		case *ir.Quantified:
			if c, ok := pushAny(ts, alias, e, ev); ok {
				out = append(out, c)
			}
		}
		if len(out) == n || !exact {
			rest = append(rest, e)
		}
	}
	if len(rest) == len(conj) {
		return out, where
	}
	return out, conjunction(rest)
}

// pushAny turns column = ANY (array) into the engine's In over the
// array's values, when the array is a parameter or an ARRAY[...] of
// constants and parameters whose values have the column's type: the
// scan then seeks each value through an index instead of testing every
// row. NULL elements are left out (they match no row); the condition is
// still checked on each row.
func pushAny(ts *tableSchema, alias string, e *ir.Quantified, ev *evaluator) (engine.Cond, bool) {
	if e.Op != "=" || e.Quant != ir.Any || e.Query != nil {
		return engine.Cond{}, false
	}
	i, ok := pushColumn(ts, alias, e.Left)
	if !ok {
		return engine.Cond{}, false
	}
	switch a := e.Array.(type) {
	case *ir.Param:
	case *ir.Array:
		for _, el := range a.Elems {
			switch el.(type) {
			case *ir.Const, *ir.Param:
			default:
				return engine.Cond{}, false
			}
		}
	default:
		return engine.Cond{}, false
	}
	elems, et, null, err := ev.arrayOperand(e.Array)
	if err != nil || null {
		return engine.Cond{}, false
	}
	t := ts.types[i]
	vals := make([]any, 0, len(elems))
	for _, v := range elems {
		switch {
		case v == nil:
			continue
		case et.kind == kUnknown:
			s, ok := v.(string)
			if !ok {
				return engine.Cond{}, false
			}
			pv, err := parseText(t, s)
			if err != nil {
				return engine.Cond{}, false
			}
			v = pv
		case t.isInt() && et.isInt(), t.isText() && et.isText(), t.kind == kBool && et.kind == kBool:
		default:
			return engine.Cond{}, false
		}
		vals = append(vals, v)
	}
	return engine.In(ts.def.Columns[i].Name, vals...), true
}

// pushColumn reports whether e is a column of the table whose values the
// engine compares exactly as SQL does.
func pushColumn(ts *tableSchema, alias string, e ir.Expr) (int, bool) {
	c, ok := e.(*ir.ColumnRef)
	if !ok || c.Star || (c.Table != "" && c.Table != alias) {
		return 0, false
	}
	i, ok := ts.index[c.Column]
	if !ok {
		return 0, false
	}
	switch ts.types[i].kind {
	case kInt2, kInt4, kInt8, kText, kVarchar, kBool:
		return i, true
	}
	return 0, false
}

// pushValue evaluates a constant or parameter to a non-NULL value of the
// column's type family, with no conversion that could change a
// comparison.
func pushValue(t sqlType, e ir.Expr, ev *evaluator) (any, bool) {
	switch e.(type) {
	case *ir.Const, *ir.Param:
	default:
		return nil, false
	}
	v, vt, err := ev.eval(e)
	if err != nil || v == nil {
		return nil, false
	}
	switch {
	case vt.kind == kUnknown:
		v, err = parseText(t, v.(string))
		return v, err == nil
	case t.isInt() && vt.isInt(), t.isText() && vt.isText(), t.kind == kBool && vt.kind == kBool:
		return v, true
	}
	return nil, false
}

func colConst(ts *tableSchema, alias string, b *ir.Binary, ev *evaluator) (string, any, string, bool) {
	flip := map[string]string{"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
	op, ok := flip[b.Op]
	if !ok {
		return "", nil, "", false
	}
	if i, ok := pushColumn(ts, alias, b.Left); ok {
		if v, ok := pushValue(ts.types[i], b.Right, ev); ok {
			return ts.def.Columns[i].Name, v, b.Op, true
		}
	}
	if i, ok := pushColumn(ts, alias, b.Right); ok {
		if v, ok := pushValue(ts.types[i], b.Left, ev); ok {
			return ts.def.Columns[i].Name, v, op, true
		}
	}
	return "", nil, "", false
}

// query is SELECT over at most one table: targets, WHERE, count
// aggregates without GROUP BY, ORDER BY, LIMIT and OFFSET.
func (s *Session) query(tx *engine.Tx, st *ir.Select, ev *evaluator) (Result, error) {
	switch {
	case st.With != nil:
		return s.with(tx, st, ev)
	case len(st.Locking) > 0 && (st.SetOp != nil || st.Values != nil || len(st.From) == 0):
		return Result{}, pgerr.Unsupported(st.Locking[0].Strength.String() + " without a table")
	case st.SetOp != nil, st.Values != nil:
		var ts []target
		var rows [][]any
		var err error
		if st.SetOp != nil {
			ts, rows, err = s.setOp(tx, st, ev)
		} else {
			ts, rows, err = s.values(st, ev)
		}
		if err != nil {
			return Result{}, err
		}
		return output(st, ts, rows, ev)
	}
	if srf, ok := srfQuery(st); ok {
		st = srf
	}
	if st.Where != nil {
		if err := noAggregates(st.Where, "WHERE"); err != nil {
			return Result{}, err
		}
	}
	if err := checkWindowPlaces(st); err != nil { // window.go
		return Result{}, err
	}
	var sc *scope
	var rows [][]any
	if len(st.From) > 0 {
		var err error
		if sc, rows, err = s.from(tx, st.From, st.Where, ev); err != nil {
			return Result{}, err
		}
	} else {
		ok := true
		if st.Where != nil {
			v, err := ev.boolean(st.Where, "WHERE")
			if err != nil {
				return Result{}, err
			}
			ok = v == true
		}
		if ok {
			rows = [][]any{nil}
		}
	}
	targets, err := ev.expandTargets(sc, st.Targets)
	if err != nil {
		return Result{}, err
	}
	rowEv := ev.with(sc)
	order, err := orderTerms(st.OrderBy, targets)
	if err != nil {
		return Result{}, err
	}
	var donPos []int // where each DISTINCT ON expression is in order
	if len(st.DistinctOn) > 0 {
		if order, donPos, err = distinctOn(st, targets, order, sc); err != nil { // distinct_on.go
			return Result{}, err
		}
	}
	wp, err := planWindows(st, targets, order) // window.go
	if err != nil {
		return Result{}, err
	}
	if len(st.Locking) > 0 {
		if ref, ok := st.From[0].(*ir.TableRef); ok && s.isView(tx, ev, ref) {
			return Result{}, pgerr.Unsupported(st.Locking[0].Strength.String() + " on a view")
		}
		if rows, err = s.lockedRows(tx, st, sc, rows, targets, order, rowEv); err != nil {
			return Result{}, err
		}
	}
	if st.Distinct {
		if err := distinctOrder(order, targets); err != nil {
			return Result{}, err
		}
	}
	ps, err := newProjectSet(targets, order, wp != nil) // projectset.go
	if err != nil {
		return Result{}, err
	}
	groups, isGrouped, err := grouped(st, targets, order, sc, rows, rowEv)
	if err != nil {
		return Result{}, err
	}
	if isGrouped {
		rows = make([][]any, len(groups))
		for i, g := range groups {
			rows[i] = g.row
		}
	}
	var wins *windowRow // the window results of the row being output
	var winValues *windowValues
	if wp != nil {
		in := newWindowInput(st, targets, order, rows, groups, isGrouped, sc, rowEv)
		if winValues, err = wp.run(in, ev); err != nil {
			return Result{}, err
		}
		wins = &windowRow{index: winValues.index}
		rowEv.win = wins
	}
	// direct holds, for each target that is a column of the row as it is
	// stored, its position in the row: copied, not evaluated.
	var direct []int
	if sc != nil && !isGrouped {
		for i, t := range targets {
			c, ok := t.expr.(*ir.ColumnRef)
			if !ok || c.Star {
				continue
			}
			pos, typ, err := sc.resolve(c)
			if err != nil || !storedAsIs(typ) {
				continue
			}
			if direct == nil {
				direct = make([]int, len(targets))
				for j := range direct {
					direct[j] = -1
				}
			}
			direct[i] = pos
			if targets[i].typ.kind == kUnknown {
				targets[i].typ = typ
			}
		}
	}
	// orderAt holds, likewise, the row position of each ORDER BY term that
	// is a stored column, read as it is rather than evaluated.
	var orderAt []int
	if sc != nil && !isGrouped {
		for i, o := range order {
			c, ok := o.expr.(*ir.ColumnRef)
			if o.target >= 0 || !ok || c.Star {
				continue
			}
			pos, typ, err := sc.resolve(c)
			if err != nil || !storedAsIs(typ) {
				continue
			}
			if orderAt == nil {
				orderAt = make([]int, len(order))
				for j := range orderAt {
					orderAt[j] = -1
				}
			}
			orderAt[i] = pos
		}
	}
	out := make([][]any, 0, len(rows))
	var keys [][]any // ORDER BY keys per output row
	if len(order) > 0 {
		keys = make([][]any, 0, len(rows))
	}
	seen := map[string]bool{}
	// A row's output values and its ORDER BY keys are cut from one
	// allocation, slab, which serves slabRows rows.
	width := len(targets) + len(order)
	var slab []any
	for i, r := range rows {
		setRow(rowEv, r)
		if isGrouped {
			setGroup(rowEv, &groups[i]) // groupingsets.go
		}
		if wins != nil {
			wins.vals = winValues.rows[i]
		}
		sets := 1
		if ps != nil {
			if sets, err = ps.begin(s, rowEv); err != nil {
				return Result{}, err
			}
		}
	rowSets:
		for j := range sets {
			if ps != nil {
				ps.at(rowEv, j)
			}
			if len(slab) < width || width == 0 {
				slab = make([]any, width*min(len(rows)-i, slabRows))
			}
			buf := slab[:width:width]
			slab = slab[width:]
			vals := buf[:len(targets):len(targets)]
			for i := range targets {
				if direct != nil && direct[i] >= 0 {
					vals[i] = r[direct[i]]
					continue
				}
				v, t, err := rowEv.eval(targets[i].expr)
				if err != nil {
					return Result{}, err
				}
				vals[i] = v
				if targets[i].typ.kind == kUnknown {
					targets[i].typ = t
				}
			}
			if st.Distinct {
				var k strings.Builder
				for i, v := range vals {
					k.WriteString(typedKey(v, targets[i].typ))
				}
				if seen[k.String()] {
					continue rowSets
				}
				seen[k.String()] = true
			}
			k := buf[len(targets):]
			for i, o := range order {
				if o.target >= 0 {
					k[i] = vals[o.target]
					continue
				}
				if orderAt != nil && orderAt[i] >= 0 {
					k[i] = r[orderAt[i]]
					continue
				}
				v, t, err := rowEv.eval(o.expr)
				if err == nil {
					err = jsonNoOrdering(t) // jsonops.go
				}
				if err != nil {
					return Result{}, err
				}
				k[i] = v
			}
			out = append(out, vals)
			keys = append(keys, k)
		}
	}
	if len(out) == 0 {
		ps.typeNull(s, rowEv)
		if isGrouped {
			// No group, or HAVING kept none: type the aggregates over no rows.
			setGroup(rowEv, nil)
			rowEv.aggs = probeAggs(targets, sc, rowEv)
			rowEv.grouping = probeGrouping(targets, order)
		}
		if winValues != nil {
			rowEv.win = winValues.row(-1)
		}
		if err := probeTypes(targets, sc, rowEv); err != nil {
			return Result{}, err
		}
	}
	if err := jsonComparable(st.Distinct, targets, order); err != nil { // jsonops.go
		return Result{}, err
	}
	if donPos != nil {
		if out, err = keepDistinctOn(out, keys, order, donPos, targets, rowEv); err != nil {
			return Result{}, err
		}
	} else if len(order) > 0 {
		if err := sortRows(out, keys, order, targets, rowEv); err != nil {
			return Result{}, err
		}
	}
	return selectResult(st, out, targets, ev)
}

// probeTypes gives the targets of a query without rows their types, by
// evaluating them over a row of NULLs, as PostgreSQL types its output
// columns before it reads a row. A target that fails stays untyped, except
// in a view's probe (view.go), which reports what PostgreSQL's analysis
// of the query would: a name or type error, or 0A000.
func probeTypes(targets []target, sc *scope, ev *evaluator) error {
	if sc != nil {
		sc.row = make([]any, sc.width())
	}
	for i := range targets {
		if targets[i].typ.kind != kUnknown {
			continue
		}
		_, t, err := ev.eval(targets[i].expr)
		if err != nil {
			if code := pgerr.Code(err); ev.probing() && (strings.HasPrefix(code, "42") || code == pgerr.FeatureNotSupported) {
				return err
			}
			continue
		}
		targets[i].typ = t
	}
	return nil
}

// distinctOrder points each ORDER BY expression of a SELECT DISTINCT at
// the output column it repeats: 42P10 if it is none.
func distinctOrder(order []orderTerm, targets []target) error {
	for i, o := range order {
		if o.target >= 0 {
			continue
		}
		for j, t := range targets {
			if t.expr.String() == o.expr.String() {
				order[i].target = j
				break
			}
		}
		if order[i].target < 0 {
			return pgerr.New(pgerr.InvalidColumnReference, "for SELECT DISTINCT, ORDER BY expressions must appear in select list")
		}
	}
	return nil
}

// orderTerm is one ORDER BY item resolved: an output column (target >= 0)
// or an expression over the row.
type orderTerm struct {
	target     int
	expr       ir.Expr
	desc       bool
	nullsFirst bool
}

func orderTerms(items []ir.OrderItem, targets []target) ([]orderTerm, error) {
	var out []orderTerm
	for _, it := range items {
		o := orderTerm{target: -1, expr: it.Expr, desc: it.Dir == ir.SortDesc}
		o.nullsFirst = o.desc
		switch it.Nulls {
		case ir.NullsFirst:
			o.nullsFirst = true
		case ir.NullsLast:
			o.nullsFirst = false
		}
		switch e := it.Expr.(type) {
		case *ir.Ordinal:
			if e.N < 1 || int(e.N) > len(targets) {
				return nil, pgerr.New("42P10", "ORDER BY position %d is not in select list", e.N)
			}
			o.target = int(e.N - 1)
		case *ir.ColumnRef:
			// An output column name wins over an input column, as in
			// PostgreSQL, when unqualified.
			if e.Table == "" {
				for i, t := range targets {
					if t.name == e.Column {
						o.target = i
						break
					}
				}
			}
		}
		out = append(out, o)
	}
	return out, nil
}

// sortRows sorts rows by their keys, stably, NULLs placed per term. Rows
// already in order, as an index gives them, are left as they are after
// one pass over them.
func sortRows(rows, keys [][]any, order []orderTerm, targets []target, ev *evaluator) error {
	var sortErr error
	cmp := func(a, b int) int {
		for i, o := range order {
			x, y := keys[a][i], keys[b][i]
			var c int
			switch {
			case x == nil && y == nil:
				c = 0
			case x == nil || y == nil:
				c = 1
				if (x == nil) == o.nullsFirst {
					c = -1
				}
				if c != 0 {
					return c
				}
			default:
				if sameKind(x, y) {
					c = compareValues(x, y)
				} else {
					sortErr = pgerr.Unsupported("ORDER BY over mixed types")
				}
				if o.desc {
					c = -c
				}
			}
			if c != 0 {
				return c
			}
		}
		return 0
	}
	inOrder := true
	for i := 1; i < len(rows) && inOrder; i++ {
		inOrder = cmp(i-1, i) <= 0
	}
	if inOrder && sortErr == nil {
		return nil
	}
	sortErr = nil
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, cmp)
	if sortErr != nil {
		return sortErr
	}
	sorted := make([][]any, len(rows))
	for i, j := range idx {
		sorted[i] = rows[j]
	}
	copy(rows, sorted)
	return nil
}

func sameKind(a, b any) bool {
	switch a.(type) {
	case int64:
		_, ok := b.(int64)
		return ok
	case string:
		_, ok := b.(string)
		return ok
	}
	return true
}

// selectResult applies st's OFFSET and LIMIT to rows and makes them the
// result of a SELECT with targets: the tail a plain query and a set
// operation share.
func selectResult(st *ir.Select, rows [][]any, targets []target, ev *evaluator) (Result, error) {
	rows, err := limitRows(rows, st, ev)
	if err != nil {
		return Result{}, err
	}
	if rows == nil {
		rows = [][]any{}
	}
	return Result{Tag: commandTag(tagSelect, int64(len(rows))), Columns: columnsOf(targets), Rows: rows, RowsAffected: int64(len(rows))}, nil
}

// limitRows applies OFFSET and LIMIT, whose values may be parameters.
func limitRows(rows [][]any, st *ir.Select, ev *evaluator) ([][]any, error) {
	off, ok, err := limitCount(st.Offset, "OFFSET", "2201X", ev)
	if err != nil {
		return nil, err
	}
	if ok {
		rows = rows[min(int64(len(rows)), off):]
	}
	lim, ok, err := limitCount(st.Limit, "LIMIT", "2201W", ev)
	if err != nil {
		return nil, err
	}
	if ok && lim < int64(len(rows)) {
		rows = rows[:lim]
	}
	return rows, nil
}

// limitCount evaluates a LIMIT or OFFSET expression; ok is false when it
// is absent or NULL (no bound), and a negative value is code.
func limitCount(e ir.Expr, what, code string, ev *evaluator) (int64, bool, error) {
	if e == nil {
		return 0, false, nil
	}
	v, t, err := ev.eval(e)
	if err != nil || v == nil {
		return 0, false, err
	}
	v, err = cast(v, t, typInt8, false /* explicit */)
	if err != nil {
		return 0, false, err
	}
	n := v.(int64)
	if n < 0 {
		return 0, false, pgerr.New(code, "%s must not be negative", what)
	}
	return n, true, nil
}
