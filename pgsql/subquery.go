package pgsql

import (
	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Subqueries run through Session.query with an evaluator whose queryEnv
// links it to the evaluator of the enclosing query: a column the
// subquery's own FROM does not have is looked up there, on the enclosing
// query's current row, which makes the subquery correlated. A subquery
// that read no enclosing column gives the same rows for every outer row,
// so its result is kept for the rest of the statement.

// queryEnv is what the evaluators of one query level share.
type queryEnv struct {
	s     *Session
	tx    *engine.Tx
	outer *evaluator          // the enclosing query's evaluator; nil at the top
	ctes  *cteEnv             // the WITH queries in scope
	corr  *bool               // set when a column was found in an enclosing query
	cache map[cacheKey]Result // nil until the first subquery runs
	view  *viewRun            // the run of the view whose query this is; nil outside one (view.go)
	// describe is set when Prepare runs the query for its column types
	// (prepare.go): every table read returns no rows, so describing a
	// query costs about as much as running it on empty tables.
	describe bool
	// anySets holds the value sets of = ANY (parameter) (array.go).
	anySets map[*ir.Quantified]*anySet
}

// cacheKey identifies an uncorrelated subquery's result: the same query
// text may see different WITH bindings (a recursive CTE's iterations).
type cacheKey struct {
	q    *ir.Select
	ctes *cteEnv
}

// with returns an evaluator over sc in ev's context.
func (ev *evaluator) with(sc *scope) *evaluator {
	return &evaluator{params: ev.params, sc: sc, q: ev.q, types: ev.types}
}

// outerColumn resolves c in the enclosing queries when err says this
// level does not have it.
func (ev *evaluator) outerColumn(c *ir.ColumnRef, err error) (any, sqlType, bool) {
	if ev.q == nil || ev.q.outer == nil {
		return nil, typUnknown, false
	}
	if code := pgerr.Code(err); code != pgerr.UndefinedColumn && code != pgerr.UndefinedTable {
		return nil, typUnknown, false
	}
	v, t, oerr := ev.q.outer.column(c)
	if oerr != nil {
		return nil, typUnknown, false
	}
	if ev.q.corr != nil {
		*ev.q.corr = true
	}
	return v, t, true
}

// subquery runs st as a subquery of ev's query.
func (ev *evaluator) subquery(st *ir.Select) (Result, error) {
	if ev.q == nil {
		return Result{}, pgerr.Unsupported("subquery in this position")
	}
	key := cacheKey{st, ev.q.ctes}
	if res, ok := ev.q.cache[key]; ok {
		return res, nil
	}
	if ev.q.cache == nil {
		// Made on the first subquery, and shared with the subqueries'
		// environments.
		ev.q.cache = make(map[cacheKey]Result)
	}
	child := &evaluator{params: ev.params, q: &queryEnv{s: ev.q.s, tx: ev.q.tx, outer: ev, ctes: ev.q.ctes, corr: new(bool), cache: ev.q.cache, view: ev.q.view, describe: ev.q.describe}}
	res, err := ev.q.s.query(ev.q.tx, st, child)
	if err != nil {
		return Result{}, err
	}
	if !*child.q.corr {
		ev.q.cache[key] = res
	}
	return res, nil
}

// scalarSubquery is (SELECT ...) as a value: NULL without rows, 21000
// with more than one.
func (ev *evaluator) scalarSubquery(e *ir.Subquery) (any, sqlType, error) {
	res, err := ev.subquery(e.Query)
	if err != nil {
		return nil, typUnknown, err
	}
	if len(res.Columns) != 1 {
		return nil, typUnknown, pgerr.New(pgerr.SyntaxError, "subquery must return only one column")
	}
	t := res.Columns[0].typ
	switch len(res.Rows) {
	case 0:
		return nil, t, nil
	case 1:
		return res.Rows[0][0], t, nil
	}
	return nil, t, pgerr.New("21000", "more than one row returned by a subquery used as an expression")
}

// quantified is x op ANY / ALL (subquery), and so IN (subquery): true,
// false or NULL as the comparisons with each row combine. As in
// PostgreSQL, x is evaluated only if the subquery returns a row: over no
// rows ANY is false and ALL true, and x cannot fail.
func (ev *evaluator) quantified(e *ir.Quantified) (any, sqlType, error) {
	res, err := ev.subquery(e.Query)
	if err != nil {
		return nil, typBool, err
	}
	if len(res.Columns) != 1 {
		return nil, typBool, pgerr.New(pgerr.SyntaxError, "subquery has too many columns")
	}
	if len(res.Rows) == 0 {
		return e.Quant == ir.All, typBool, nil
	}
	l, lt, err := ev.eval(e.Left)
	if err != nil {
		return nil, typBool, err
	}
	first := func(yield func(any) bool) {
		for _, r := range res.Rows {
			if !yield(r[0]) {
				return
			}
		}
	}
	return quantify(e, l, lt, first, res.Columns[0].typ)
}

// derived turns a query's result into a table for FROM, renaming its
// first columns to the alias's column names. Untyped columns are text,
// as PostgreSQL resolves a subquery's or WITH query's output.
func derived(res Result, alias *ir.Alias) (*tableSchema, [][]any, error) {
	ts := &tableSchema{index: map[string]int{}}
	if alias != nil && len(alias.Columns) > len(res.Columns) {
		return nil, nil, pgerr.New(pgerr.InvalidColumnReference, "table %q has %d columns available but %d columns specified", alias.Name, len(res.Columns), len(alias.Columns))
	}
	for i, c := range res.Columns {
		name := c.Name
		if alias != nil && i < len(alias.Columns) {
			name = alias.Columns[i]
		}
		ts.def.Columns = append(ts.def.Columns, engine.Column{Name: name})
		t := c.typ
		if t.kind == kUnknown {
			// An untyped literal's column is text outside its query.
			t = typText
		}
		ts.types = append(ts.types, t)
		if _, dup := ts.index[name]; !dup {
			ts.index[name] = i
		}
	}
	return ts, res.Rows, nil
}
