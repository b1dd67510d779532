package engine

import (
	"fmt"
	"sync"

	"github.com/reldb/reldb/internal/access"
	"github.com/reldb/reldb/internal/catalog"
)

// Cond is one filter of a query. Build conditions with Eq, Lt, Le, Gt, Ge,
// In, IsNull and IsNotNull; a query's conditions are ANDed. Comparisons
// follow SQL: a NULL column value matches only IsNull, and Eq(col, nil)
// matches nothing.
type Cond struct {
	col  string
	op   access.Op
	val  any   // the value of a comparison
	vals []any // the values of In
}

// Eq matches rows whose column equals v.
func Eq(col string, v any) Cond { return Cond{col: col, op: access.OpEq, val: v} }

// Lt matches rows whose column is less than v.
func Lt(col string, v any) Cond { return Cond{col: col, op: access.OpLt, val: v} }

// Le matches rows whose column is less than or equal to v.
func Le(col string, v any) Cond { return Cond{col: col, op: access.OpLe, val: v} }

// Gt matches rows whose column is greater than v.
func Gt(col string, v any) Cond { return Cond{col: col, op: access.OpGt, val: v} }

// Ge matches rows whose column is greater than or equal to v.
func Ge(col string, v any) Cond { return Cond{col: col, op: access.OpGe, val: v} }

// In matches rows whose column equals one of vals. NULLs in vals match
// nothing, as in SQL.
func In(col string, vals ...any) Cond { return Cond{col: col, op: access.OpIn, vals: vals} }

// IsNull matches rows whose column is NULL.
func IsNull(col string) Cond { return Cond{col: col, op: access.OpIsNull} }

// IsNotNull matches rows whose column is not NULL.
func IsNotNull(col string) Cond { return Cond{col: col, op: access.OpNotNull} }

// Order is a sort direction for Query.OrderBy and SortKey: Asc or Desc.
// As in PostgreSQL, NULLs sort after every value in ascending order and
// before every value in descending order. Its String method returns "ASC"
// or "DESC".
type Order = access.Order

// Sort directions.
const (
	Asc  = access.Asc
	Desc = access.Desc
)

// Query selects rows of one table. Build it with Tx.Query and the chained
// methods, then run it with All, First, Count or Each; every run reads the
// transaction's snapshot plus its own writes. A Query belongs to its Tx and
// is not safe for concurrent use.
//
// The planner picks the index (the primary key or a secondary index) that
// matches the most leading columns with Eq, In or IsNull, then a range
// (Lt, Le, Gt, Ge) on the next column; every condition is also checked on
// each row. When the chosen index yields rows in the requested order, the
// scan streams and stops at the limit; otherwise matching rows are sorted.
// Explain describes the choice.
type Query struct {
	tx     *Tx
	table  string
	conds  []Cond
	cond1  [1]Cond // conds' first storage: most queries have one
	order  []access.OrderTerm
	limit  int
	offset int
	err    error

	prefetch []*prefetchNode // relations to load with the rows

	// A query of Tx.Bind: the prepared query, whose conditions stand in
	// for conds, and its arguments, a copy of Bind's (in arg1 when there
	// is one, as there mostly is: the caller's slice then stays on its
	// stack).
	prep *PreparedQuery
	args []any
	arg1 [1]any

	// res0 and rows0 are the storage of the query's first result, taken
	// once res0 has a table: a query mostly runs once, and its result then
	// costs no allocation of its own (the result's records keep the query
	// alive). See newResult.
	res0  result
	rows0 [16][]any
}

// newResult returns an empty result of table d for a run of the query,
// with room for rows: the query's own storage on its first run, a new
// result after.
func (q *Query) newResult(d *catalog.Table) *result {
	if q.res0.def == nil {
		q.res0 = result{tx: q.tx, def: d, rows: q.rows0[:0]}
		return &q.res0
	}
	// A result that View cannot detach from the transaction (see
	// recycleViewTx).
	q.tx.escaped = true
	return &result{tx: q.tx, def: d, rows: make([][]any, 0, len(q.rows0))}
}

// Query starts a query on a table.
func (tx *Tx) Query(table string) *Query {
	q := &Query{tx: tx, table: table, limit: -1}
	q.conds = q.cond1[:0]
	tx.issue(q)
	return q
}

// Where adds conditions; all conditions of a query must hold.
func (q *Query) Where(conds ...Cond) *Query {
	q.unprepare()
	q.conds = append(q.conds, conds...)
	return q
}

// OrderBy adds a sort key. Without OrderBy rows come in the order of the
// index the planner chose, which callers should not rely on.
func (q *Query) OrderBy(col string, dir Order) *Query {
	q.unprepare()
	q.order = append(q.order, access.OrderTerm{Col: col, Dir: dir})
	return q
}

// Limit returns at most n rows. A negative n means no limit.
func (q *Query) Limit(n int) *Query {
	q.limit = n
	return q
}

// Offset skips the first n rows (after sorting).
func (q *Query) Offset(n int) *Query {
	if n < 0 {
		q.err = fmt.Errorf("query %s: %w: negative offset %d", q.table, ErrInvalidArgument, n)
	}
	q.offset = n
	return q
}

// All returns every matching row.
func (q *Query) All() ([]Record, error) {
	res, err := q.collect()
	if err != nil || len(res.rows) == 0 {
		return nil, err
	}
	out := make([]Record, len(res.rows))
	for i := range res.rows {
		out[i] = Record{res: res, at: i}
	}
	return out, nil
}

// First returns the first matching row, or ErrNotFound when none matches.
// It leaves the query's limit as it was.
func (q *Query) First() (Record, error) {
	var out Record
	err := q.run(func(r Record) bool {
		out = r
		return false
	})
	if err == nil && out.IsZero() {
		err = fmt.Errorf("query %s: %w", q.table, ErrNotFound)
	}
	return out, err
}

// Count returns the number of matching rows (after Offset and Limit).
func (q *Query) Count() (int, error) {
	n := 0
	err := q.run(func(Record) bool {
		n++
		return true
	})
	return n, err
}

// Each calls fn for every matching row in order until fn returns an error,
// which Each returns.
func (q *Query) Each(fn func(Record) error) error {
	var ferr error
	err := q.run(func(r Record) bool {
		ferr = fn(r)
		return ferr == nil
	})
	if err != nil {
		return err
	}
	return ferr
}

// Explain describes the plan: the index, the key ranges scanned, and
// whether rows are sorted after the scan.
func (q *Query) Explain() (string, error) {
	p, err := q.plan()
	if err != nil {
		return "", err
	}
	defer q.releasePlan(p)
	return p.String(), nil
}

func (q *Query) plan() (*access.Plan, error) {
	if q.err != nil {
		return nil, q.err
	}
	if err := q.tx.live(); err != nil {
		return nil, err
	}
	if err := q.tx.statement(); err != nil {
		return nil, err
	}
	d, err := q.tx.table(q.table)
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	p := planPool.Get().(*access.Plan)
	if q.prep != nil {
		err = q.planPrepared(d, p)
	} else {
		err = q.planConds(d, p)
	}
	if err != nil {
		q.releasePlan(p)
		return nil, err
	}
	return p, nil
}

// planConds plans an ordinary query of table d into p.
func (q *Query) planConds(d *catalog.Table, p *access.Plan) error {
	conds, err := bindConds(d, "query", q.table, q.conds, p.Cond1[:0])
	if err != nil {
		return err
	}
	orderAt, err := bindOrder(d, "query", q.table, q.order)
	if err != nil {
		return err
	}
	p.Choose(d, conds, q.order, orderAt)
	return nil
}

// planPool keeps plans between queries: a plan is big (its conditions'
// and key ranges' storage) and lives only while its query runs.
var planPool = sync.Pool{New: func() any { return new(access.Plan) }}

// releasePlan returns a reader's plan to the pool once its query has run.
// A writer's stays with the garbage collector: the transaction's read set
// keeps the key ranges it scanned, which live in the plan.
func (q *Query) releasePlan(p *access.Plan) {
	if q.tx.readOnly {
		p.Reset()
		planPool.Put(p)
	}
}

// bindConds checks conditions against a table and coerces their values to
// the columns' types; verb and name prefix errors ("query books"), joined
// only when there is one. The bound conditions go in dst when it has room.
func bindConds(d *catalog.Table, verb, name string, in []Cond, dst []access.Bound) ([]access.Bound, error) {
	conds := dst[:0]
	if cap(conds) < len(in) {
		conds = make([]access.Bound, 0, len(in))
	}
	conds = conds[:len(in)]
	for i, c := range in {
		if c.op < access.OpEq || c.op > access.OpNotNull {
			return nil, fmt.Errorf("%s %s: %w: invalid condition on %q (build conditions with Eq, Lt, In, ...)", verb, name, ErrInvalidArgument, c.col)
		}
		pos, ok := d.Column(c.col)
		if !ok {
			return nil, fmt.Errorf("%s %s: %w: %q", verb, name, ErrNoColumn, c.col)
		}
		cmpCol := d.Cols[pos]
		cmpCol.Precision, cmpCol.Scale = 0, 0 // compare decimals exactly, unrounded
		b := &conds[i]
		b.Col, b.Op = pos, c.op
		switch c.op {
		case access.OpIsNull, access.OpNotNull:
		case access.OpIn:
			b.Vals = make([]any, len(c.vals))
			for j, v := range c.vals {
				cv, err := coerceCond(&cmpCol, v)
				if err != nil {
					return nil, fmt.Errorf("%s %s: %w", verb, name, err)
				}
				b.Vals[j] = cv
			}
		default:
			cv, err := coerceCond(&cmpCol, c.val)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", verb, name, err)
			}
			b.One[0] = cv
			b.Vals = b.One[:] // conds is not copied, so this stays put
		}
	}
	return conds, nil
}

// coerceCond converts a condition's value for a comparison with column c
// (whose precision and scale the caller cleared).
func coerceCond(c *catalog.Column, v any) (any, error) {
	if n, ok := v.(Param); ok {
		return nil, fmt.Errorf("%w: Param(%d) outside a prepared query (see Prepare)", ErrInvalidArgument, n)
	}
	return catalog.Coerce(c, v)
}

// bindOrder returns the column positions of ORDER BY terms.
func bindOrder(d *catalog.Table, verb, name string, order []access.OrderTerm) ([]int, error) {
	orderAt := make([]int, len(order))
	for i, o := range order {
		pos, ok := d.Column(o.Col)
		if !ok {
			return nil, fmt.Errorf("%s %s: order by: %w: %q", verb, name, ErrNoColumn, o.Col)
		}
		if o.Dir != Asc && o.Dir != Desc {
			return nil, fmt.Errorf("%s %s: order by %q: %w: invalid direction %v (want Asc or Desc)", verb, name, o.Col, ErrInvalidArgument, o.Dir)
		}
		orderAt[i] = pos
	}
	return orderAt, nil
}

// run calls fn with each row of the query's result in order until fn
// returns false. A reader's query without a prefetch streams from the
// index when the index gives the order; every other query collects its
// result first.
func (q *Query) run(fn func(Record) bool) error {
	p, err := q.plan()
	if err != nil {
		return err
	}
	defer q.releasePlan(p)
	if len(q.prefetch) > 0 || !q.tx.readOnly || !p.Sorted {
		res, err := q.collectPlanned(p)
		if err != nil {
			return err
		}
		for i := range res.rows {
			if !fn(Record{res: res, at: i}) {
				break
			}
		}
		return nil
	}
	// Stream: a reader's trees do not change under the scan. The result
	// is partial until the scan ends, which FetchPeers must know.
	tx := q.tx
	res := q.newResult(p.D)
	res.partial = true
	defer func() { res.partial = false }()
	skip, left := q.offset, q.limit
	if left != 0 {
		p.Scan(&tx.t, func(vals []any) bool {
			if skip > 0 {
				skip--
				return true
			}
			at := len(res.rows)
			res.rows = append(res.rows, vals)
			if !fn(Record{res: res, at: at}) {
				return false
			}
			left--
			return left != 0
		})
	}
	tx.counted(LoadQuery, q.table, p.Seeks(), len(res.rows))
	return nil
}

// collect runs the query into a result: the matching rows after ORDER BY,
// OFFSET and LIMIT, with the prefetched relations loaded. One load, plus
// one per prefetch level.
func (q *Query) collect() (*result, error) {
	p, err := q.plan()
	if err != nil {
		return nil, err
	}
	defer q.releasePlan(p)
	return q.collectPlanned(p)
}

func (q *Query) collectPlanned(p *access.Plan) (*result, error) {
	tx := q.tx
	res := q.newResult(p.D)
	if q.limit != 0 {
		// Collect before anything else runs: in a write transaction the
		// caller may write to the trees being scanned, which a B-tree
		// iteration does not survive.
		p.Rows, p.Stop = res.rows, -1
		if p.Sorted && q.limit >= 0 {
			p.Stop = q.offset + q.limit
		}
		p.Scan(&tx.t, nil)
		rows := p.Rows
		p.Rows = nil
		if !p.Sorted {
			access.SortRows(rows, p)
		}
		rows = rows[min(q.offset, len(rows)):]
		if q.limit >= 0 && len(rows) > q.limit {
			rows = rows[:q.limit]
		}
		res.rows = rows
	}
	tx.counted(LoadQuery, q.table, p.Seeks(), len(res.rows))
	if len(q.prefetch) > 0 {
		if err := tx.prefetch(res, p.D, q.prefetch); err != nil {
			return nil, fmt.Errorf("query %s: %w", q.table, err)
		}
	}
	return res, nil
}
