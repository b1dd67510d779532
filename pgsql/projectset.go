package pgsql

import (
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Set-returning functions in the select list and ORDER BY, as
// PostgreSQL's ProjectSet runs them (PostgreSQL 10 on): each row of the
// query (each group when it groups: SELECT unnest(array_agg(x)) works)
// gives as many output rows as the longest of its set-returning calls
// returns, each call's values in step and NULL once a shorter one runs
// out; a row for which every call returns nothing gives no output row.
// Expressions around a call see one value at a time (unnest(tags) ||
// '!'). As in PostgreSQL a call inside CASE or COALESCE, or inside an
// aggregate's or a window function's arguments, is refused; here so is
// one call inside another's arguments, and a call that returns records
// (json_each). A SELECT of one call with no FROM is the same call read in
// FROM (srf.go's srfQuery).

// projectSet is the set-returning calls of a select list, and, while a
// row is output, their values.
type projectSet struct {
	calls []*ir.Func
	sets  [][]any // each call's values for the current row
	types []sqlType
}

// srfValue is a set-returning call's value in the row being output.
type srfValue struct {
	v any
	t sqlType
}

// newProjectSet returns the projectSet of the set-returning calls among
// the select list's and ORDER BY's expressions, nil when there are none,
// or PostgreSQL's error for a call where it allows none.
func newProjectSet(targets []target, order []orderTerm, windowed bool) (*projectSet, error) {
	var ps *projectSet
	var err error
	var visit func(e ir.Expr, where string) bool
	visit = func(e ir.Expr, where string) bool {
		if err != nil {
			return false
		}
		switch x := e.(type) {
		case *ir.Case:
			return walkUnder(x, "CASE", visit)
		case *ir.Coalesce:
			return walkUnder(x, "COALESCE", visit)
		case *ir.Func:
			switch {
			case setReturning(x) && where != "":
				err = srfRefused("set-returning functions are not allowed in " + where)
				return false
			case setReturning(x):
				if ps == nil {
					ps = &projectSet{}
				}
				ps.calls = append(ps.calls, x)
				for _, a := range x.Args {
					ir.Inspect(a, func(y ir.Expr) bool { return visit(y, "the arguments of a set-returning function") })
				}
				return false
			case x.Over != nil || isAggregateCall(x):
				for _, a := range x.Args {
					ir.Inspect(a, func(y ir.Expr) bool {
						if f, ok := y.(*ir.Func); ok && setReturning(f) {
							kind := "aggregate"
							if x.Over != nil {
								kind = "window"
							}
							err = srfRefused(kind + " function calls cannot contain set-returning function calls")
						}
						return err == nil
					})
				}
				return false
			}
		}
		return true
	}
	top := func(x ir.Expr) bool { return visit(x, "") }
	for _, t := range targets {
		ir.Inspect(t.expr, top)
	}
	for _, o := range order {
		if o.target < 0 { // an output column's, visited above
			ir.Inspect(o.expr, top)
		}
	}
	if err != nil || ps == nil {
		return nil, err
	}
	if windowed {
		return nil, pgerr.Unsupported("set-returning functions beside window functions")
	}
	ps.sets = make([][]any, len(ps.calls))
	ps.types = make([]sqlType, len(ps.calls))
	return ps, nil
}

// srfRefused is PostgreSQL's 0A000 for a set-returning call where it
// allows none.
func srfRefused(message string) error {
	return &Error{Code: pgerr.FeatureNotSupported, Message: message,
		Hint: "You might be able to move the set-returning function into a LATERAL FROM item."}
}

// walkUnder visits the operands of a CASE or COALESCE, in which PostgreSQL
// allows no set-returning call.
func walkUnder(e ir.Expr, where string, visit func(ir.Expr, string) bool) bool {
	first := true
	ir.Inspect(e, func(x ir.Expr) bool {
		if first {
			first = false
			return true
		}
		return visit(x, where)
	})
	return false
}

// begin computes the calls' sets for the row rowEv is positioned on and
// returns how many output rows it gives.
func (ps *projectSet) begin(s *Session, rowEv *evaluator) (int, error) {
	n := 0
	for i, f := range ps.calls {
		src, err := s.funcSource(&ir.FuncRef{Func: f}, rowEv) // srf.go
		if err != nil {
			return 0, err
		}
		if len(src.sc.rels) != 1 || len(src.sc.rels[0].ts.types) != 1 {
			return 0, pgerr.Unsupported("set-returning function " + f.Name + " returning records in the select list")
		}
		ps.types[i] = src.sc.rels[0].ts.types[0]
		vals := ps.sets[i][:0]
		for _, r := range src.rows {
			vals = append(vals, r[0])
		}
		ps.sets[i] = vals
		n = max(n, len(vals))
	}
	return n, nil
}

// at positions rowEv on output row k of the current row: each call's
// k-th value, NULL past its end.
func (ps *projectSet) at(rowEv *evaluator, k int) {
	if rowEv.srf == nil {
		rowEv.srf = make(map[*ir.Func]srfValue, len(ps.calls))
	}
	for i, f := range ps.calls {
		var v any
		if k < len(ps.sets[i]) {
			v = ps.sets[i][k]
		}
		rowEv.srf[f] = srfValue{v, ps.types[i]}
	}
}

// typeNull gives rowEv each call's NULL, typed, for a query that outputs
// no row and types its columns from the expressions alone.
func (ps *projectSet) typeNull(s *Session, rowEv *evaluator) {
	if ps == nil {
		return
	}
	if rowEv.sc != nil {
		rowEv.sc.row = make([]any, rowEv.sc.width()) // a row of NULLs
	}
	for i, f := range ps.calls {
		if ps.types[i].kind == kUnknown {
			if src, err := s.funcSource(&ir.FuncRef{Func: f}, rowEv); err == nil && len(src.sc.rels) == 1 && len(src.sc.rels[0].ts.types) == 1 {
				ps.types[i] = src.sc.rels[0].ts.types[0]
			}
		}
	}
	ps.sets = make([][]any, len(ps.calls))
	ps.at(rowEv, 0)
}
