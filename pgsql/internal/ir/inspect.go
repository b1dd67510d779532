package ir

// Inspect visits e and its subexpressions depth-first, parent before
// children, calling fn for each; when fn returns false the children of
// that expression are skipped. A nil e is not visited.
//
// Inspect stays within one query level: it visits the left-hand side of a
// Quantified but not the subqueries of Exists, Subquery and Quantified,
// which is the scope that decides, for example, which aggregates belong
// to a SELECT. Aggregate ORDER BY items are visited, and so are the
// PARTITION BY and ORDER BY items and frame offsets of a window call's
// OVER (not those of a WINDOW clause's window it names).
func Inspect(e Expr, fn func(Expr) bool) {
	if e == nil || !fn(e) {
		return
	}
	each := func(list []Expr) {
		for _, x := range list {
			Inspect(x, fn)
		}
	}
	switch n := e.(type) {
	case *Unary:
		Inspect(n.Operand, fn)
	case *Binary:
		Inspect(n.Left, fn)
		Inspect(n.Right, fn)
	case *Logic:
		each(n.Args)
	case *Not:
		Inspect(n.Arg, fn)
	case *IsNull:
		Inspect(n.Arg, fn)
	case *IsBool:
		Inspect(n.Arg, fn)
	case *IsDistinct:
		Inspect(n.Left, fn)
		Inspect(n.Right, fn)
	case *Between:
		Inspect(n.Arg, fn)
		Inspect(n.Low, fn)
		Inspect(n.High, fn)
	case *InList:
		Inspect(n.Arg, fn)
		each(n.List)
	case *Quantified:
		Inspect(n.Left, fn)
		Inspect(n.Array, fn)
	case *Like:
		Inspect(n.Arg, fn)
		Inspect(n.Pattern, fn)
		Inspect(n.Escape, fn)
	case *Case:
		Inspect(n.Arg, fn)
		for _, w := range n.Whens {
			Inspect(w.Cond, fn)
			Inspect(w.Result, fn)
		}
		Inspect(n.Else, fn)
	case *Coalesce:
		each(n.Args)
	case *NullIf:
		Inspect(n.Left, fn)
		Inspect(n.Right, fn)
	case *MinMax:
		each(n.Args)
	case *Cast:
		Inspect(n.Arg, fn)
	case *Func:
		each(n.Args)
		for _, o := range n.OrderBy {
			Inspect(o.Expr, fn)
		}
		Inspect(n.Filter, fn)
		if n.Over != nil {
			each(n.Over.PartitionBy)
			for _, o := range n.Over.OrderBy {
				Inspect(o.Expr, fn)
			}
			if f := n.Over.Frame; f != nil {
				Inspect(f.Start.Offset, fn)
				Inspect(f.End.Offset, fn)
			}
		}
	case *Array:
		each(n.Elems)
	case *Row:
		each(n.Elems)
	case *Subscript:
		Inspect(n.Arg, fn)
		Inspect(n.Index, fn)
	case *GroupingSet:
		each(n.Items)
	case *Grouping:
		each(n.Args)
	case *NamedArg:
		Inspect(n.Arg, fn)
	}
	// Const, Param, ColumnRef, Ordinal, ValueFunc, Default, Exists and
	// Subquery have no subexpressions at this level.
}
