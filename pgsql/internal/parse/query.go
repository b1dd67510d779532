package parse

import (
	"github.com/pgplex/pgparser/nodes"

	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

func (t *translator) selectStmt(s *nodes.SelectStmt) (ir.Statement, error) {
	if s != nil && s.IntoClause != nil {
		return t.selectInto(s) // createas.go
	}
	return t.query(s)
}

// query translates a SELECT, VALUES or set operation with its ORDER BY,
// LIMIT, OFFSET, locking and WITH clauses.
func (t *translator) query(s *nodes.SelectStmt) (*ir.Select, error) {
	if s == nil {
		return nil, pgerr.New(pgerr.InternalError, "missing query")
	}
	switch {
	case s.IntoClause != nil:
		return nil, unsupported("SELECT INTO")
	case s.LimitOption == nodes.LIMIT_OPTION_WITH_TIES:
		return nil, unsupported("FETCH FIRST ... WITH TIES")
	}
	out := &ir.Select{}
	var err error
	if s.WithClause != nil {
		if out.With, err = t.with(s.WithClause); err != nil {
			return nil, err
		}
	}
	switch {
	case s.Op != nodes.SETOP_NONE:
		if err := t.setOp(s, out); err != nil {
			return nil, err
		}
	case s.ValuesLists != nil:
		if out.Values, err = t.valuesRows(s.ValuesLists, false /* defaults */); err != nil {
			return nil, err
		}
	default:
		if err := t.selectCore(s, out); err != nil {
			return nil, err
		}
	}
	if out.OrderBy, err = t.orderBy(s.SortClause, true /* ordinals */); err != nil {
		return nil, err
	}
	if out.Limit, err = t.optExpr(s.LimitCount); err != nil {
		return nil, err
	}
	if out.Offset, err = t.optExpr(s.LimitOffset); err != nil {
		return nil, err
	}
	for _, it := range items(s.LockingClause) {
		lc, ok := it.(*nodes.LockingClause)
		if !ok {
			return nil, pgerr.New(pgerr.InternalError, "unexpected %s in locking clause", nodeName(it))
		}
		l, err := locking(lc)
		if err != nil {
			return nil, err
		}
		out.Locking = append(out.Locking, l)
	}
	return out, nil
}

func (t *translator) setOp(s *nodes.SelectStmt, out *ir.Select) error {
	left, err := t.query(s.Larg)
	if err != nil {
		return err
	}
	right, err := t.query(s.Rarg)
	if err != nil {
		return err
	}
	kinds := map[nodes.SetOperation]ir.SetOpKind{nodes.SETOP_UNION: ir.Union, nodes.SETOP_INTERSECT: ir.Intersect, nodes.SETOP_EXCEPT: ir.Except}
	kind, ok := kinds[s.Op]
	if !ok {
		return pgerr.New(pgerr.InternalError, "unknown set operation %d", s.Op)
	}
	out.SetOp = &ir.SetOp{Op: kind, All: s.All, Left: left, Right: right}
	return nil
}

// valuesRows translates VALUES rows; with defaults, a DEFAULT item is
// allowed (INSERT ... VALUES). Rows must all have the same length.
func (t *translator) valuesRows(l *nodes.List, defaults bool) ([][]ir.Expr, error) {
	item := t.expr
	if defaults {
		item = t.value
	}
	rows := [][]ir.Expr{}
	for _, it := range items(l) {
		rl, ok := it.(*nodes.List)
		if !ok {
			return nil, pgerr.New(pgerr.InternalError, "unexpected %s in VALUES", nodeName(it))
		}
		var row []ir.Expr
		for _, v := range items(rl) {
			e, err := item(v)
			if err != nil {
				return nil, err
			}
			row = append(row, e)
		}
		if len(rows) > 0 && len(row) != len(rows[0]) {
			return nil, pgerr.Syntax("VALUES lists must all be the same length")
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func (t *translator) selectCore(s *nodes.SelectStmt, out *ir.Select) error {
	var err error
	if dl := items(s.DistinctClause); s.DistinctClause != nil {
		if len(dl) == 1 && dl[0] == nil {
			out.Distinct = true
		} else {
			for _, it := range dl {
				e, err := t.sortKey(it, true /* ordinals */, "DISTINCT ON")
				if err != nil {
					return err
				}
				out.DistinctOn = append(out.DistinctOn, e)
			}
		}
	}
	if out.Targets, err = t.targets(s.TargetList); err != nil {
		return err
	}
	if out.From, err = t.fromList(s.FromClause); err != nil {
		return err
	}
	if out.Where, err = t.optExpr(s.WhereClause); err != nil {
		return err
	}
	out.GroupDistinct = s.GroupDistinct
	for _, g := range items(s.GroupClause) {
		e, err := t.groupItem(g)
		if err != nil {
			return err
		}
		out.GroupBy = append(out.GroupBy, e)
	}
	if out.Having, err = t.optExpr(s.HavingClause); err != nil {
		return err
	}
	if out.Windows, err = t.windowClause(s.WindowClause); err != nil { // window.go
		return err
	}
	return nil
}

// groupItem translates a GROUP BY item: an expression, an ordinal, or a
// ROLLUP, CUBE or GROUPING SETS, whose items may nest.
func (t *translator) groupItem(n nodes.Node) (ir.Expr, error) {
	if r, ok := n.(*nodes.RowExpr); ok && r.RowFormat == nodes.COERCE_IMPLICIT_CAST {
		// (a, b) without ROW lists grouping expressions, as in
		// PostgreSQL's flatten_grouping_sets.
		list, err := t.groupItems(r.Args)
		if err != nil {
			return nil, err
		}
		return &ir.GroupingSet{Kind: ir.GroupingSimple, Items: list}, nil
	}
	gs, ok := n.(*nodes.GroupingSet)
	if !ok {
		return t.sortKey(n, true /* ordinals */, "GROUP BY")
	}
	out := &ir.GroupingSet{}
	switch gs.Kind {
	case nodes.GROUPING_SET_EMPTY:
		return out, nil
	case nodes.GROUPING_SET_SIMPLE:
		out.Kind = ir.GroupingSimple
	case nodes.GROUPING_SET_ROLLUP:
		out.Kind = ir.GroupingRollup
	case nodes.GROUPING_SET_CUBE:
		out.Kind = ir.GroupingCube
	case nodes.GROUPING_SET_SETS:
		out.Kind = ir.GroupingSets
	default:
		return nil, pgerr.New(pgerr.InternalError, "unexpected grouping set kind %d", gs.Kind)
	}
	list, err := t.groupItems(gs.Content)
	if err != nil {
		return nil, err
	}
	out.Items = list
	return out, nil
}

// groupItems translates the items of a grouping set or a bare row of
// grouping expressions.
func (t *translator) groupItems(l *nodes.List) ([]ir.Expr, error) {
	var out []ir.Expr
	for _, it := range items(l) {
		e, err := t.groupItem(it)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// targets translates a select list or RETURNING list.
func (t *translator) targets(l *nodes.List) ([]ir.Target, error) {
	var out []ir.Target
	for _, it := range items(l) {
		rt, ok := it.(*nodes.ResTarget)
		if !ok {
			return nil, pgerr.New(pgerr.InternalError, "unexpected %s in target list", nodeName(it))
		}
		if rt.Indirection != nil {
			return nil, unsupported("array subscript and field selection")
		}
		e, err := t.expr(rt.Val)
		if err != nil {
			return nil, err
		}
		out = append(out, ir.Target{Expr: e, Alias: rt.Name})
	}
	return out, nil
}

// sortKey translates an ORDER BY or GROUP BY key. With ordinals, an
// integer literal is a position in the select list, as in PostgreSQL, and
// any other literal is an error.
func (t *translator) sortKey(n nodes.Node, ordinals bool, clause string) (ir.Expr, error) {
	if c, ok := n.(*nodes.A_Const); ok && ordinals && !c.Isnull {
		if iv, ok := c.Val.(*nodes.Integer); ok {
			return &ir.Ordinal{N: iv.Ival}, nil
		}
		return nil, pgerr.Syntax("non-integer constant in %s", clause)
	}
	return t.expr(n)
}

// orderBy translates a list of SortBy nodes.
func (t *translator) orderBy(l *nodes.List, ordinals bool) ([]ir.OrderItem, error) {
	var out []ir.OrderItem
	for _, it := range items(l) {
		sb, ok := it.(*nodes.SortBy)
		if !ok {
			return nil, pgerr.New(pgerr.InternalError, "unexpected %s in ORDER BY", nodeName(it))
		}
		if sb.SortbyDir == nodes.SORTBY_USING {
			return nil, unsupported("ORDER BY ... USING")
		}
		e, err := t.sortKey(sb.Node, ordinals, "ORDER BY")
		if err != nil {
			return nil, err
		}
		out = append(out, ir.OrderItem{Expr: e, Dir: sortDir(sb.SortbyDir), Nulls: nullsOrder(sb.SortbyNulls)})
	}
	return out, nil
}

func sortDir(d nodes.SortByDir) ir.SortDir {
	switch d {
	case nodes.SORTBY_ASC:
		return ir.SortAsc
	case nodes.SORTBY_DESC:
		return ir.SortDesc
	}
	return ir.SortDefault
}

func nullsOrder(n nodes.SortByNulls) ir.NullsOrder {
	switch n {
	case nodes.SORTBY_NULLS_FIRST:
		return ir.NullsFirst
	case nodes.SORTBY_NULLS_LAST:
		return ir.NullsLast
	}
	return ir.NullsDefault
}

func locking(lc *nodes.LockingClause) (ir.Locking, error) {
	strengths := map[nodes.LockClauseStrength]ir.LockStrength{
		nodes.LCS_FORKEYSHARE: ir.ForKeyShare, nodes.LCS_FORSHARE: ir.ForShare,
		nodes.LCS_FORNOKEYUPDATE: ir.ForNoKeyUpdate, nodes.LCS_FORUPDATE: ir.ForUpdate,
	}
	st, ok := strengths[nodes.LockClauseStrength(lc.Strength)]
	if !ok {
		return ir.Locking{}, pgerr.New(pgerr.InternalError, "unknown lock strength %d", lc.Strength)
	}
	out := ir.Locking{Strength: st}
	switch nodes.LockWaitPolicy(lc.WaitPolicy) {
	case nodes.LockWaitSkip:
		out.Wait = ir.LockSkipLocked
	case nodes.LockWaitError:
		out.Wait = ir.LockNoWait
	}
	for _, it := range items(lc.LockedRels) {
		rv, ok := it.(*nodes.RangeVar)
		if !ok {
			return ir.Locking{}, pgerr.New(pgerr.InternalError, "unexpected %s in FOR UPDATE OF", nodeName(it))
		}
		if rv.Schemaname != "" {
			return ir.Locking{}, pgerr.Syntax("%s must specify unqualified relation names", out.Strength)
		}
		out.Tables = append(out.Tables, rv.Relname)
	}
	return out, nil
}

func (t *translator) with(w *nodes.WithClause) (*ir.With, error) {
	out := &ir.With{Recursive: w.Recursive}
	for _, it := range items(w.Ctes) {
		c, ok := it.(*nodes.CommonTableExpr)
		if !ok {
			return nil, pgerr.New(pgerr.InternalError, "unexpected %s in WITH", nodeName(it))
		}
		if c.SearchClause != nil || c.CycleClause != nil {
			return nil, unsupported("SEARCH and CYCLE clauses")
		}
		cols, err := strs(c.Aliascolnames)
		if err != nil {
			return nil, err
		}
		cte := ir.CTE{Name: c.Ctename, Columns: cols}
		if sel, ok := c.Ctequery.(*nodes.SelectStmt); ok {
			if cte.Query, err = t.query(sel); err != nil {
				return nil, err
			}
		} else if cte.Write, err = t.writeCTE(w, c.Ctequery); err != nil { // cte_writes.go
			return nil, err
		}
		switch nodes.CTEMaterialize(c.Ctematerialized) {
		case nodes.CTEMaterializeAlways:
			cte.Materialize = ir.Materialized
		case nodes.CTEMaterializeNever:
			cte.Materialize = ir.NotMaterialized
		}
		out.CTEs = append(out.CTEs, cte)
	}
	return out, nil
}

// fromList translates a FROM, USING or UPDATE ... FROM list.
func (t *translator) fromList(l *nodes.List) ([]ir.FromItem, error) {
	var out []ir.FromItem
	for _, it := range items(l) {
		f, err := t.fromItem(it)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

func alias(a *nodes.Alias) (*ir.Alias, error) {
	if a == nil {
		return nil, nil
	}
	cols, err := strs(a.Colnames)
	if err != nil {
		return nil, err
	}
	return &ir.Alias{Name: a.Aliasname, Columns: cols}, nil
}

func (t *translator) fromItem(n nodes.Node) (ir.FromItem, error) {
	switch n := n.(type) {
	case *nodes.RangeVar:
		name, err := rangeVar(n)
		if err != nil {
			return nil, err
		}
		a, err := alias(n.Alias)
		if err != nil {
			return nil, err
		}
		return &ir.TableRef{Table: name, Alias: a, Location: int(n.Location)}, nil
	case *nodes.RangeSubselect:
		sel, ok := n.Subquery.(*nodes.SelectStmt)
		if !ok {
			return nil, unsupportedf("subquery of kind %s in FROM", nodeName(n.Subquery))
		}
		q, err := t.query(sel)
		if err != nil {
			return nil, err
		}
		a, err := alias(n.Alias)
		if err != nil {
			return nil, err
		}
		return &ir.SubqueryRef{Query: q, Alias: a, Lateral: n.Lateral}, nil
	case *nodes.JoinExpr:
		return t.join(n)
	case *nodes.RangeFunction:
		return t.rangeFunction(n)
	case *nodes.RangeTableSample:
		return nil, unsupported("TABLESAMPLE")
	case *nodes.RangeTableFunc:
		return nil, unsupported("XMLTABLE")
	}
	return nil, unsupportedf("FROM item %s", nodeName(n))
}

// rangeFunction translates a function call in FROM, with WITH
// ORDINALITY, LATERAL and an alias; ROWS FROM and column definition lists
// are 0A000.
func (t *translator) rangeFunction(n *nodes.RangeFunction) (ir.FromItem, error) {
	switch {
	case n.IsRowsfrom:
		return nil, unsupported("ROWS FROM")
	case n.Coldeflist != nil:
		return nil, unsupported("column definition list in FROM")
	}
	fns := items(n.Functions)
	if len(fns) != 1 {
		return nil, unsupported("ROWS FROM")
	}
	pair := items(asList(fns[0]))
	if len(pair) == 0 {
		return nil, pgerr.New(pgerr.InternalError, "empty function in FROM")
	}
	if len(pair) > 1 && pair[1] != nil && len(items(asList(pair[1]))) > 0 {
		return nil, unsupported("column definition list in FROM")
	}
	fc, ok := pair[0].(*nodes.FuncCall)
	if !ok {
		return nil, unsupportedf("%s in FROM", nodeName(pair[0]))
	}
	e, err := t.funcCall(fc)
	if err != nil {
		return nil, err
	}
	f, ok := e.(*ir.Func)
	if !ok {
		return nil, unsupportedf("%s in FROM", e.String())
	}
	a, err := alias(n.Alias)
	if err != nil {
		return nil, err
	}
	return &ir.FuncRef{Func: f, Ordinality: n.Ordinality, Alias: a, Lateral: n.Lateral}, nil
}

// asList returns n as a list, or nil.
func asList(n nodes.Node) *nodes.List {
	l, _ := n.(*nodes.List)
	return l
}

func (t *translator) join(j *nodes.JoinExpr) (ir.FromItem, error) {
	switch {
	case j.Alias != nil:
		return nil, unsupported("alias on a JOIN")
	case j.JoinUsing != nil:
		return nil, unsupported("alias on JOIN USING")
	}
	left, err := t.fromItem(j.Larg)
	if err != nil {
		return nil, err
	}
	right, err := t.fromItem(j.Rarg)
	if err != nil {
		return nil, err
	}
	out := &ir.Join{Left: left, Right: right, Natural: j.IsNatural}
	if out.Using, err = strs(j.UsingClause); err != nil {
		return nil, err
	}
	if out.On, err = t.optExpr(j.Quals); err != nil {
		return nil, err
	}
	switch j.Jointype {
	case nodes.JOIN_INNER:
		out.Kind = ir.JoinInner
		if out.On == nil && out.Using == nil && !out.Natural {
			out.Kind = ir.JoinCross
		}
	case nodes.JOIN_LEFT:
		out.Kind = ir.JoinLeft
	case nodes.JOIN_RIGHT:
		out.Kind = ir.JoinRight
	case nodes.JOIN_FULL:
		out.Kind = ir.JoinFull
	default:
		return nil, unsupportedf("join of kind %d", j.Jointype)
	}
	return out, nil
}
