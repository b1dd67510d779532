package engine

import (
	"fmt"
	"sync/atomic"

	"github.com/reldb/reldb/internal/access"
	"github.com/reldb/reldb/internal/catalog"
)

// Param stands for an argument of a prepared query. In the conditions
// given to Prepare, Param(n) is the n-th argument of Tx.Bind, counted from
// 1 as $1 is in SQL:
//
//	byAuthor := engine.Prepare("books", engine.Eq("author_id", engine.Param(1)))
//
// A Param in the conditions of an ordinary Tx.Query is an error.
type Param int

// PreparedQuery is a query whose plan is made once and reused: the columns
// are looked up, constant values converted and the index chosen on the
// first run, and later runs only bind their arguments and build the key
// ranges. Make it with Prepare and the chained methods, run it in a
// transaction with Tx.Bind.
//
// A PreparedQuery is immutable: each chained method returns a new one, so
// one value can be built once (a package variable, a field of a
// repository) and bound by many goroutines at once. It is not tied to a DB;
// its plan is remade when the table it reads changes (a schema change, or
// another DB such as a fork), so a stale plan is never used.
//
// The plan is kept when every Param is compared with Eq, Lt, Le, Gt or Ge
// and bound to a non-NULL value; a NULL argument (which matches nothing,
// as in SQL) or a Param inside In plans that run afresh, with the same
// result.
type PreparedQuery struct {
	q       Query // the template: no transaction, conditions may hold Params
	nparams int   // the largest Param of the conditions
	plan    atomic.Pointer[preparedPlan]
}

// preparedPlan is a PreparedQuery compiled against one version of its
// table.
type preparedPlan struct {
	d       *catalog.Table
	conds   []access.Bound // Params' values are nil, set per run
	params  []paramUse
	orderAt []int
	// choice is the access path of the first run that could keep it.
	choice atomic.Pointer[access.Choice]
	// inParams is set when a Param sits in an In list: its length, and so
	// the access path, may change with the arguments.
	inParams bool
}

// paramUse is where a run puts one argument: into conds[cond].Vals[val],
// converted for col.
type paramUse struct {
	cond, val int
	n         int // the argument, from 1
	col       catalog.Column
}

// Prepare starts a prepared query of table with conditions that may hold
// Params. Chain OrderBy, Limit, Offset and Prefetch as on a Query; a
// mistake (a Param below 1, an unknown column) is reported by the first
// run.
func Prepare(table string, conds ...Cond) *PreparedQuery {
	p := &PreparedQuery{q: Query{table: table, limit: -1}}
	p.q.conds = append([]Cond(nil), conds...)
	for _, c := range conds {
		vals := c.vals
		if c.op != access.OpIn {
			vals = []any{c.val}
		}
		for _, v := range vals {
			n, ok := v.(Param)
			if !ok {
				continue
			}
			if n < 1 && p.q.err == nil {
				p.q.err = fmt.Errorf("query %s: %w: Param(%d): parameters are numbered from 1", table, ErrInvalidArgument, n)
			}
			p.nparams = max(p.nparams, int(n))
		}
	}
	return p
}

// with returns a copy of p changed by fn, which may append to the copy's
// slices and prefetch tree without touching p's.
func (p *PreparedQuery) with(fn func(q *Query)) *PreparedQuery {
	c := &PreparedQuery{nparams: p.nparams, q: p.q}
	c.q.conds = append([]Cond(nil), p.q.conds...)
	c.q.order = append([]access.OrderTerm(nil), p.q.order...)
	c.q.prefetch = clonePrefetch(p.q.prefetch)
	fn(&c.q)
	return c
}

func clonePrefetch(nodes []*prefetchNode) []*prefetchNode {
	if nodes == nil {
		return nil
	}
	out := make([]*prefetchNode, len(nodes))
	for i, n := range nodes {
		out[i] = &prefetchNode{name: n.name, opts: n.opts, kids: clonePrefetch(n.kids)}
	}
	return out
}

// OrderBy returns p with a sort key added, as Query.OrderBy.
func (p *PreparedQuery) OrderBy(col string, dir Order) *PreparedQuery {
	return p.with(func(q *Query) { q.OrderBy(col, dir) })
}

// Limit returns p returning at most n rows, as Query.Limit.
func (p *PreparedQuery) Limit(n int) *PreparedQuery {
	return p.with(func(q *Query) { q.Limit(n) })
}

// Offset returns p skipping the first n rows, as Query.Offset.
func (p *PreparedQuery) Offset(n int) *PreparedQuery {
	return p.with(func(q *Query) { q.Offset(n) })
}

// Prefetch returns p loading relations with its rows, as Query.Prefetch.
func (p *PreparedQuery) Prefetch(paths ...string) *PreparedQuery {
	return p.with(func(q *Query) { q.Prefetch(paths...) })
}

// PrefetchWith returns p prefetching one path with options, as
// Query.PrefetchWith.
func (p *PreparedQuery) PrefetchWith(path string, opts PrefetchOptions) *PreparedQuery {
	return p.with(func(q *Query) { q.PrefetchWith(path, opts) })
}

// Bind returns the query p with its Params set to args (args[0] for
// Param(1)), to run with All, First, Count, Each or Explain in tx. The
// arguments are converted to the columns' types as Eq's values are; there
// must be exactly as many as the largest Param. The query keeps a copy of
// args: changing them afterwards changes nothing. Chaining Where, OrderBy or
// Prefetch onto the bound query is allowed and plans it as an ordinary
// query.
func (tx *Tx) Bind(p *PreparedQuery, args ...any) *Query {
	t := &p.q
	q := &Query{tx: tx, table: t.table, limit: t.limit, offset: t.offset, err: t.err, prep: p,
		order: t.order[:len(t.order):len(t.order)], prefetch: t.prefetch[:len(t.prefetch):len(t.prefetch)]}
	if len(args) <= len(q.arg1) {
		q.args = append(q.arg1[:0], args...)
	} else {
		q.args = append([]any(nil), args...)
	}
	if q.err == nil && len(args) != p.nparams {
		q.err = fmt.Errorf("query %s: %w: %d arguments for %d parameters", t.table, ErrInvalidArgument, len(args), p.nparams)
	}
	tx.issue(q)
	return q
}

// unprepare turns a bound query into an ordinary one, its Params replaced
// by their arguments and its prefetch tree its own, before the caller
// changes it.
func (q *Query) unprepare() {
	p := q.prep
	if p == nil {
		return
	}
	q.prep = nil
	conds := make([]Cond, len(p.q.conds))
	for i, c := range p.q.conds {
		if n, ok := c.val.(Param); ok {
			c.val = q.arg(n)
		}
		if c.vals != nil {
			vals := make([]any, len(c.vals))
			for j, v := range c.vals {
				if n, ok := v.(Param); ok {
					v = q.arg(n)
				}
				vals[j] = v
			}
			c.vals = vals
		}
		conds[i] = c
	}
	q.conds = conds
	q.prefetch = clonePrefetch(q.prefetch)
	q.args, q.arg1 = nil, [1]any{}
}

// arg returns the argument of Param n, or n itself when there is none (an
// error the query reports).
func (q *Query) arg(n Param) any {
	if n >= 1 && int(n) <= len(q.args) {
		return q.args[n-1]
	}
	return n
}

// planPrepared plans a bound query of table d into p: from the kept plan
// when it is for d, else from a new one it keeps.
func (q *Query) planPrepared(d *catalog.Table, p *access.Plan) error {
	pp := q.prep.plan.Load()
	if pp == nil || pp.d != d {
		var err error
		if pp, err = q.prep.compile(d); err != nil {
			return err
		}
		q.prep.plan.Store(pp)
	}
	conds := p.Cond1[:0]
	if len(pp.conds) > len(p.Cond1) {
		conds = make([]access.Bound, len(pp.conds))
	}
	conds = conds[:len(pp.conds)]
	copy(conds, pp.conds)
	for i := range conds {
		if b := &conds[i]; b.Op != access.OpIn && b.Vals != nil {
			b.Vals = b.One[:] // not the template's storage
		}
	}
	reuse := !pp.inParams
	for _, u := range pp.params {
		b := &conds[u.cond]
		if b.Op == access.OpIn && &b.Vals[0] == &pp.conds[u.cond].Vals[0] {
			b.Vals = append([]any(nil), b.Vals...)
		}
		v, err := coerceCond(&u.col, q.args[u.n-1])
		if err != nil {
			return fmt.Errorf("query %s: $%d: %w", q.table, u.n, err)
		}
		b.Vals[u.val] = v
		if v == nil {
			reuse = false // NULL matches nothing: the path may differ
		}
	}
	if reuse {
		if c := pp.choice.Load(); c != nil {
			p.Reuse(d, *c, conds, q.order, pp.orderAt)
			return nil
		}
	}
	p.Choose(d, conds, q.order, pp.orderAt)
	if reuse {
		c := p.Choice()
		pp.choice.Store(&c)
	}
	return nil
}

// compile binds p's conditions and order to table d: constants converted,
// Params left as slots.
func (p *PreparedQuery) compile(d *catalog.Table) (*preparedPlan, error) {
	t := &p.q
	pp := &preparedPlan{d: d}
	conds := make([]Cond, len(t.conds))
	for i, c := range t.conds {
		if _, ok := c.val.(Param); ok {
			c.val = nil
		}
		if c.vals != nil {
			c.vals = append([]any(nil), c.vals...)
		}
		for j, v := range c.vals {
			if _, ok := v.(Param); ok {
				c.vals[j] = nil
			}
		}
		conds[i] = c
	}
	bound, err := bindConds(d, "query", t.table, conds, nil)
	if err != nil {
		return nil, err
	}
	for i, c := range t.conds {
		col := d.Cols[bound[i].Col]
		col.Precision, col.Scale = 0, 0
		if n, ok := c.val.(Param); ok {
			pp.params = append(pp.params, paramUse{cond: i, val: 0, n: int(n), col: col})
		}
		for j, v := range c.vals {
			if n, ok := v.(Param); ok {
				pp.params = append(pp.params, paramUse{cond: i, val: j, n: int(n), col: col})
				pp.inParams = true
			}
		}
	}
	pp.conds = bound
	if pp.orderAt, err = bindOrder(d, "query", t.table, t.order); err != nil {
		return nil, err
	}
	return pp, nil
}
