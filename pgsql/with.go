package pgsql

import (
	"strconv"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// WITH queries are run once, before the query they belong to, and their
// rows are kept as tables that FROM finds by name before the database's
// own. WITH RECURSIVE iterates the recursive term on the rows the last
// iteration added until it adds none, as PostgreSQL's work table does.

// cteEnv is one WITH query in scope, and the ones around it.
type cteEnv struct {
	name string
	ts   *tableSchema
	rows [][]any
	// noReturning marks a data-modifying WITH query without RETURNING,
	// which cannot be read; image marks a table's rows as they were
	// before the statement changed it, read in its place (cte_writes.go).
	noReturning, image bool
	parent             *cteEnv
}

// cte returns the WITH query a FROM item names, if any.
// A table's pre-statement image (cte_writes.go) is found by its
// qualified name too.
func (ev *evaluator) cte(ref *ir.TableRef) (*cteEnv, bool) {
	if ev.q == nil || ref.Table.Schema != "" && ref.Table.Schema != "public" {
		return nil, false
	}
	for c := ev.q.ctes; c != nil; c = c.parent {
		if c.name == ref.Table.Name && (ref.Table.Schema == "" || c.image) {
			return c, true
		}
	}
	return nil, false
}

// maxRecursiveRows bounds a recursive query's rows: PostgreSQL would run
// on, or stop early under an outer LIMIT, which this executor cannot.
const maxRecursiveRows = 1_000_000

// withCTEs returns ev with ctes in scope instead of its own.
func (ev *evaluator) withCTEs(ctes *cteEnv) *evaluator {
	q := *ev.q
	q.ctes = ctes
	return &evaluator{params: ev.params, sc: ev.sc, q: &q}
}

// with runs a query's WITH queries, then the query with them in scope.
func (s *Session) with(tx *engine.Tx, st *ir.Select, ev *evaluator) (Result, error) {
	if hasWrites(st.With) {
		return s.withWrites(tx, st.With, st, ev, func(ev *evaluator) (Result, error) { // cte_writes.go
			body := *st
			body.With = nil
			return s.query(tx, &body, ev)
		})
	}
	env, err := s.withEnv(tx, st.With, ev)
	if err != nil {
		return Result{}, err
	}
	body := *st
	body.With = nil
	return s.query(tx, &body, ev.withCTEs(env))
}

// withEnv runs the WITH queries of a statement (a query, or an INSERT,
// UPDATE or DELETE) and returns them in scope, around ev's.
func (s *Session) withEnv(tx *engine.Tx, with *ir.With, ev *evaluator) (*cteEnv, error) {
	if ev.q == nil {
		return nil, pgerr.Unsupported("WITH in this position")
	}
	env := ev.q.ctes
	for _, c := range with.CTEs {
		for e := env; e != ev.q.ctes; e = e.parent {
			if e.name == c.Name {
				return nil, pgerr.New("42712", "WITH query name %q specified more than once", c.Name)
			}
		}
		if c.Write != nil {
			var err error
			if env, err = s.writeCTE(tx, c, ev.withCTEs(env), env); err != nil { // cte_writes.go
				return nil, err
			}
			continue
		}
		if c.Query == nil {
			return nil, pgerr.Unsupported("WITH query other than SELECT")
		}
		var res Result
		var err error
		if with.Recursive && refersTo(c.Query, c.Name) {
			if op := c.Query.SetOp; op == nil || op.Op != ir.Union || refersTo(op.Left, c.Name) {
				return nil, pgerr.New("42P19", "recursive query %q does not have the form non-recursive-term UNION [ALL] recursive-term", c.Name)
			}
			res, err = s.recursive(tx, c, ev.withCTEs(env))
		} else {
			res, err = s.query(tx, c.Query, ev.withCTEs(env))
		}
		if err != nil {
			return nil, err
		}
		ts, rows, err := derived(res, &ir.Alias{Name: c.Name, Columns: c.Columns})
		if err != nil {
			return nil, err
		}
		env = &cteEnv{name: c.Name, ts: ts, rows: rows, parent: env}
	}
	return env, nil
}

// recursive runs WITH RECURSIVE's non-recursive term once, then the
// recursive term on the rows the previous round added, until a round adds
// none; UNION (without ALL) drops rows already seen.
func (s *Session) recursive(tx *engine.Tx, c ir.CTE, ev *evaluator) (Result, error) {
	op := c.Query.SetOp
	left, err := s.query(tx, op.Left, ev)
	if err != nil {
		return Result{}, err
	}
	targets := make([]target, len(left.Columns))
	for i, col := range left.Columns {
		targets[i] = target{name: col.Name, typ: col.typ}
		if col.typ.kind == kUnknown {
			targets[i].typ = typText
		}
	}
	ts, _, err := derived(Result{Columns: columnsOf(targets)}, &ir.Alias{Name: c.Name, Columns: c.Columns})
	if err != nil {
		return Result{}, err
	}
	seen := map[string]bool{}
	keep := func(rows [][]any) [][]any {
		if op.All {
			return rows
		}
		var out [][]any
		for _, r := range rows {
			if k := rowKey(r, targets); !seen[k] {
				seen[k] = true
				out = append(out, r)
			}
		}
		return out
	}
	all := keep(left.Rows)
	for work := all; len(work) > 0; {
		if err := ev.interrupted(); err != nil {
			return Result{}, err
		}
		right, err := s.query(tx, op.Right, ev.withCTEs(&cteEnv{name: c.Name, ts: ts, rows: work, parent: ev.q.ctes}))
		if err != nil {
			return Result{}, err
		}
		if len(right.Columns) != len(targets) {
			return Result{}, pgerr.New(pgerr.SyntaxError, "each UNION query must have the same number of columns")
		}
		rows := make([][]any, len(right.Rows))
		for i, r := range right.Rows {
			rows[i] = make([]any, len(r))
		}
		for j, col := range right.Columns {
			t, err := commonType(targets[j].typ, col.typ, "UNION")
			if err != nil {
				return Result{}, err
			}
			if t.kind != targets[j].typ.kind {
				return Result{}, pgerr.New(pgerr.DatatypeMismatch, "recursive query %q column %d has type %s in non-recursive term but type %s overall", c.Name, j+1, targets[j].typ, t)
			}
			for i, r := range right.Rows {
				if rows[i][j], err = cast(r[j], col.typ, targets[j].typ, false /* explicit */); err != nil {
					return Result{}, err
				}
			}
		}
		work = keep(rows)
		all = append(all, work...)
		if len(all) > maxRecursiveRows {
			return Result{}, pgerr.Unsupported("recursive query of more than " + strconv.Itoa(maxRecursiveRows) + " rows")
		}
	}
	return output(c.Query, targets, all, ev)
}

// refersTo reports whether st reads a table called name, in FROM or in
// a subquery at any depth.
func refersTo(st *ir.Select, name string) bool {
	if st == nil {
		return false
	}
	if st.SetOp != nil {
		return refersTo(st.SetOp.Left, name) || refersTo(st.SetOp.Right, name)
	}
	if st.With != nil {
		for _, c := range st.With.CTEs {
			if refersTo(c.Query, name) {
				return true
			}
		}
	}
	var item func(ir.FromItem) bool
	item = func(it ir.FromItem) bool {
		switch it := it.(type) {
		case *ir.TableRef:
			return it.Table.Schema == "" && it.Table.Name == name
		case *ir.SubqueryRef:
			return refersTo(it.Query, name)
		case *ir.Join:
			return item(it.Left) || item(it.Right) || exprRefersTo(it.On, name)
		}
		return false
	}
	for _, it := range st.From {
		if item(it) {
			return true
		}
	}
	exprs := []ir.Expr{st.Where, st.Having}
	for _, t := range st.Targets {
		exprs = append(exprs, t.Expr)
	}
	for _, row := range st.Values {
		exprs = append(exprs, row...)
	}
	for _, e := range exprs {
		if exprRefersTo(e, name) {
			return true
		}
	}
	return false
}

func exprRefersTo(e ir.Expr, name string) bool {
	found := false
	ir.Inspect(e, func(x ir.Expr) bool {
		switch x := x.(type) {
		case *ir.Subquery:
			found = found || refersTo(x.Query, name)
		case *ir.Exists:
			found = found || refersTo(x.Query, name)
		case *ir.Quantified:
			found = found || refersTo(x.Query, name)
		}
		return !found
	})
	return found
}
