package engine

import (
	"fmt"
	"slices"
	"strings"

	"github.com/reldb/reldb/index"
	"github.com/reldb/reldb/internal/catalog"
)

// Cond is one filter of a query. Build conditions with Eq, Lt, Le, Gt, Ge,
// In, IsNull and IsNotNull; a query's conditions are ANDed. Comparisons
// follow SQL: a NULL column value matches only IsNull, and Eq(col, nil)
// matches nothing.
type Cond struct {
	col  string
	op   condOp
	val  any   // the value of a comparison
	vals []any // the values of In
}

type condOp uint8

const (
	opEq condOp = iota + 1
	opLt
	opLe
	opGt
	opGe
	opIn
	opIsNull
	opNotNull
)

// Eq matches rows whose column equals v.
func Eq(col string, v any) Cond { return Cond{col: col, op: opEq, val: v} }

// Lt matches rows whose column is less than v.
func Lt(col string, v any) Cond { return Cond{col: col, op: opLt, val: v} }

// Le matches rows whose column is less than or equal to v.
func Le(col string, v any) Cond { return Cond{col: col, op: opLe, val: v} }

// Gt matches rows whose column is greater than v.
func Gt(col string, v any) Cond { return Cond{col: col, op: opGt, val: v} }

// Ge matches rows whose column is greater than or equal to v.
func Ge(col string, v any) Cond { return Cond{col: col, op: opGe, val: v} }

// In matches rows whose column equals one of vals. NULLs in vals match
// nothing, as in SQL.
func In(col string, vals ...any) Cond { return Cond{col: col, op: opIn, vals: vals} }

// IsNull matches rows whose column is NULL.
func IsNull(col string) Cond { return Cond{col: col, op: opIsNull} }

// IsNotNull matches rows whose column is not NULL.
func IsNotNull(col string) Cond { return Cond{col: col, op: opNotNull} }

// Order is a sort direction for Query.OrderBy.
type Order uint8

// Sort directions. As in PostgreSQL, NULLs sort after every value in
// ascending order and before every value in descending order.
const (
	Asc Order = iota
	Desc
)

var _ fmt.Stringer = Asc

// String returns "ASC", "DESC", or "Order(n)" for an unknown value.
func (o Order) String() string {
	switch o {
	case Asc:
		return "ASC"
	case Desc:
		return "DESC"
	}
	return fmt.Sprintf("Order(%d)", uint8(o))
}

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
	order  []orderTerm
	limit  int
	offset int
	err    error

	prefetch []*prefetchNode // relations to load with the rows
}

type orderTerm struct {
	col string
	dir Order
}

// Query starts a query on a table.
func (tx *Tx) Query(table string) *Query {
	q := &Query{tx: tx, table: table, limit: -1}
	q.conds = q.cond1[:0]
	return q
}

// Where adds conditions; all conditions of a query must hold.
func (q *Query) Where(conds ...Cond) *Query {
	q.conds = append(q.conds, conds...)
	return q
}

// OrderBy adds a sort key. Without OrderBy rows come in the order of the
// index the planner chose, which callers should not rely on.
func (q *Query) OrderBy(col string, dir Order) *Query {
	q.order = append(q.order, orderTerm{col, dir})
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
		q.err = fmt.Errorf("query %s: negative offset %d", q.table, n)
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
	return p.String(), nil
}

// bound is a condition compiled against a table.
type bound struct {
	col  int
	op   condOp
	vals []any  // coerced to the column's type
	one  [1]any // vals' storage for a comparison
	// implied is set when the plan's key ranges already ensure the
	// condition, which matches then skips.
	implied bool
}

type plan struct {
	d       *catalog.Table
	ix      *catalog.Index // nil: the primary tree
	name    string
	cols    []int // the index's key columns (for a secondary index, then the primary key)
	ranges  []scanRange
	empty   bool // a condition can match nothing
	reverse bool
	sorted  bool
	conds   []bound
	order   []orderTerm
	orderAt []int // column positions of order
	eqCols  int
	ranged  bool
	range1  [1]scanRange // ranges' storage for one range
	cond1   [1]bound     // conds' storage for one condition
	// scan's state: its callback, made once, and what it calls or
	// collects.
	visit func(index.Entry) bool
	fn    func(vals []any) bool
	goOn  bool
	rows  [][]any
	stop  int
	key   [48]byte // range1's storage: the prefix, then its end
}

type scanRange struct{ lo, hi []byte }

// singlePrefix returns the key prefix of s's equality columns when each is
// fixed to a single value, as eqValues would find it, and no range bounds
// the next column.
//
// The conditions that fixed the columns are marked implied: every entry of
// the prefix's range satisfies them, so the scan need not check them.
func singlePrefix(conds []bound, s shape, buf []byte) ([]byte, bool) {
	if s.nranges != 1 || s.ranged {
		return nil, false
	}
	pre := buf[:0]
	for _, col := range s.cols[:s.eqCols] {
		at := singleValue(conds, col)
		if at < 0 {
			return nil, false
		}
		var v any // nil for IsNull
		if conds[at].op == opEq {
			v = conds[at].vals[0]
		}
		pre, _ = index.AppendValue(pre, v)
	}
	for _, col := range s.cols[:s.eqCols] {
		conds[singleValue(conds, col)].implied = true
	}
	return pre, true
}

// singleValue returns the position of the condition eqValues would take
// for col when it fixes col to one value (an Eq with a value, or IsNull),
// or -1.
func singleValue(conds []bound, col int) int {
	for i := range conds {
		c := &conds[i]
		if c.col != col {
			continue
		}
		switch c.op {
		case opEq:
			if c.vals[0] == nil {
				return -1
			}
			return i
		case opIsNull:
			return i
		case opIn:
			return -1
		}
	}
	return -1
}

func (p *plan) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "scan %s using %s", p.d.Name, p.name)
	switch {
	case p.empty:
		b.WriteString(" (no rows can match)")
	case p.eqCols == 0 && !p.ranged:
		b.WriteString(" (full)")
	default:
		fmt.Fprintf(&b, " (%d equality column", p.eqCols)
		if p.eqCols != 1 {
			b.WriteByte('s')
		}
		if p.ranged {
			b.WriteString(", range on the next")
		}
		fmt.Fprintf(&b, ", %d range", len(p.ranges))
		if len(p.ranges) != 1 {
			b.WriteByte('s')
		}
		b.WriteByte(')')
	}
	if p.reverse {
		b.WriteString(" backward")
	}
	if len(p.order) > 0 && !p.sorted {
		b.WriteString(", then sort")
	}
	return b.String()
}

func (q *Query) plan() (*plan, error) {
	if q.err != nil {
		return nil, q.err
	}
	if err := q.tx.live(); err != nil {
		return nil, err
	}
	d, err := q.tx.table(q.table)
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	p := new(plan)
	conds, err := bindConds(d, "query", q.table, q.conds, p.cond1[:0])
	if err != nil {
		return nil, err
	}
	orderAt, err := bindOrder(d, "query", q.table, q.order)
	if err != nil {
		return nil, err
	}
	best := shapeOf(d, nil, conds, q.order, orderAt)
	for _, ix := range d.Indexes {
		if s := shapeOf(d, ix, conds, q.order, orderAt); s.better(&best) {
			best = s
		}
	}
	p.init(d, best, conds, q.order, orderAt)
	return p, nil
}

// bindConds checks conditions against a table and coerces their values to
// the columns' types; verb and name prefix errors ("query books"), joined
// only when there is one. The bound conditions go in dst when it has room.
func bindConds(d *catalog.Table, verb, name string, in []Cond, dst []bound) ([]bound, error) {
	conds := dst[:0]
	if cap(conds) < len(in) {
		conds = make([]bound, 0, len(in))
	}
	conds = conds[:len(in)]
	for i, c := range in {
		pos, ok := d.Column(c.col)
		if !ok {
			return nil, fmt.Errorf("%s %s: %w: %q", verb, name, ErrNoColumn, c.col)
		}
		if c.op < opEq || c.op > opNotNull {
			return nil, fmt.Errorf("%s %s: invalid condition on %q", verb, name, c.col)
		}
		cmpCol := d.Cols[pos]
		cmpCol.Precision, cmpCol.Scale = 0, 0 // compare decimals exactly, unrounded
		b := &conds[i]
		b.col, b.op = pos, c.op
		switch c.op {
		case opIsNull, opNotNull:
		case opIn:
			b.vals = make([]any, len(c.vals))
			for j, v := range c.vals {
				cv, err := catalog.Coerce(&cmpCol, v)
				if err != nil {
					return nil, fmt.Errorf("%s %s: %w", verb, name, err)
				}
				b.vals[j] = cv
			}
		default:
			cv, err := catalog.Coerce(&cmpCol, c.val)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", verb, name, err)
			}
			b.one[0] = cv
			b.vals = b.one[:] // conds is not copied, so this stays put
		}
	}
	return conds, nil
}

// bindOrder returns the column positions of ORDER BY terms.
func bindOrder(d *catalog.Table, verb, name string, order []orderTerm) ([]int, error) {
	orderAt := make([]int, len(order))
	for i, o := range order {
		pos, ok := d.Column(o.col)
		if !ok {
			return nil, fmt.Errorf("%s %s: order by: %w: %q", verb, name, ErrNoColumn, o.col)
		}
		if o.dir != Asc && o.dir != Desc {
			return nil, fmt.Errorf("%s %s: order by %q: invalid direction %v", verb, name, o.col, o.dir)
		}
		orderAt[i] = pos
	}
	return orderAt, nil
}

// shape is what scanning one index can do for a query, worked out without
// building any key: the planner compares shapes and builds ranges only for
// the winner.
type shape struct {
	ix      *catalog.Index // nil: the primary tree
	cols    []int          // the index's key columns
	eqCols  int            // leading columns fixed by Eq, In or IsNull
	nranges int            // point prefixes those columns multiply into
	empty   bool           // a condition can match nothing
	ranged  bool           // a range condition bounds the next column
	sorted  bool           // the scan yields rows in the requested order
	reverse bool           // ... when run backward
}

// score ranks shapes: more equality columns, then a range, then no sort,
// then the primary tree (its rows come first-hand).
func (s *shape) score() int {
	n := s.eqCols * 8
	if s.ranged {
		n += 4
	}
	if s.sorted {
		n += 2
	}
	if s.ix == nil {
		n++
	}
	return n
}

func (s *shape) better(than *shape) bool {
	if s.empty != than.empty {
		return s.empty
	}
	return s.score() > than.score()
}

// maxRanges bounds how many point prefixes IN lists may multiply into.
const maxRanges = 1024

// shapeOf works out how an index (nil: the primary tree) serves a query.
func shapeOf(d *catalog.Table, ix *catalog.Index, conds []bound, order []orderTerm, orderAt []int) shape {
	s := shape{ix: ix, cols: d.PK, nranges: 1}
	if ix != nil {
		s.cols = ix.KeyCols
	}
	for _, col := range s.cols {
		n, ok := eqCount(conds, col)
		if !ok || s.nranges*max(n, 1) > maxRanges {
			break
		}
		if n == 0 {
			s.empty = true
			return s
		}
		s.nranges *= n
		s.eqCols++
	}
	if s.eqCols < len(s.cols) {
		lower, upper := rangeBounds(conds, s.cols[s.eqCols])
		s.ranged = lower != nil || upper != nil
	}
	s.sorted, s.reverse = s.orderedBy(conds, order, orderAt)
	return s
}

// eqCount returns how many values an Eq, In or IsNull condition fixes col
// to (NULLs in Eq and In match nothing and do not count), and whether there
// is such a condition.
func eqCount(conds []bound, col int) (int, bool) {
	for i := range conds {
		c := &conds[i]
		if c.col != col {
			continue
		}
		switch c.op {
		case opEq, opIn:
			n := 0
			for _, v := range c.vals {
				if v != nil {
					n++
				}
			}
			return n, true
		case opIsNull:
			return 1, true
		}
	}
	return 0, false
}

// orderedBy reports whether scanning s yields rows in the requested order,
// and whether the scan must run backward for it. Columns fixed to a single
// value by the equality prefix do not disturb the order.
func (s *shape) orderedBy(conds []bound, order []orderTerm, orderAt []int) (sorted, reverse bool) {
	constant := func(col int) bool {
		if !slices.Contains(s.cols[:s.eqCols], col) {
			return false
		}
		n, _ := eqCount(conds, col)
		return n == 1
	}
	pos := s.eqCols
	first := true
	for i, col := range orderAt {
		if constant(col) {
			continue
		}
		if s.nranges > 1 || pos >= len(s.cols) || s.cols[pos] != col {
			return false, false
		}
		dir := order[i].dir == Desc
		if first {
			reverse, first = dir, false
		} else if dir != reverse {
			return false, false
		}
		pos++
	}
	return true, reverse
}

// init makes p the plan of a shape and builds its key ranges. p's own
// storage (cond1, key) may already hold conds.
func (p *plan) init(d *catalog.Table, s shape, conds []bound, order []orderTerm, orderAt []int) {
	p.d, p.ix, p.name, p.cols, p.conds, p.order, p.orderAt = d, s.ix, d.PKName, s.cols, conds, order, orderAt
	p.empty, p.eqCols, p.ranged, p.sorted, p.reverse = s.empty, s.eqCols, s.ranged, s.sorted, s.reverse
	if s.ix != nil {
		p.name = s.ix.Name
	}
	if s.empty {
		return
	}
	if pre, ok := singlePrefix(conds, s, p.key[:0]); ok {
		// The common case, every equality column fixed to one value: one
		// range, one buffer for both its ends.
		r := scanRange{hi: index.AppendPrefixEnd(pre[len(pre):], pre)}
		if len(pre) > 0 {
			r.lo = pre[:len(pre):len(pre)]
		}
		p.range1[0] = r
		p.ranges = p.range1[:]
		return
	}
	prefixes := [][]byte{nil}
	for _, col := range s.cols[:s.eqCols] {
		vals, _ := eqValues(conds, col)
		next := make([][]byte, 0, len(prefixes)*len(vals))
		for _, pre := range prefixes {
			for _, v := range vals {
				k, _ := index.AppendValue(slices.Clip(pre), v)
				next = append(next, k)
			}
		}
		prefixes = next
	}
	var lower, upper *bound
	if s.ranged {
		lower, upper = rangeBounds(conds, s.cols[s.eqCols])
	}
	for _, pre := range prefixes {
		r := scanRange{lo: pre, hi: index.PrefixEnd(pre)}
		if len(pre) == 0 {
			r.lo = nil
		}
		if s.ranged {
			// A range never matches NULL, which sorts last: stop before it.
			r.hi = append(slices.Clip(pre), 0xFF)
		}
		if lower != nil {
			k, _ := index.AppendValue(slices.Clip(pre), lower.vals[0])
			if lower.op == opGt {
				k = index.PrefixEnd(k)
			}
			r.lo = k
		}
		if upper != nil {
			k, _ := index.AppendValue(slices.Clip(pre), upper.vals[0])
			if upper.op == opLe {
				k = index.PrefixEnd(k)
			}
			r.hi = k
		}
		p.ranges = append(p.ranges, r)
	}
}

// eqValues returns the sorted, distinct values that an Eq, In or IsNull
// condition fixes col to, and whether there is such a condition. An empty
// list means no row can match.
func eqValues(conds []bound, col int) ([]any, bool) {
	for _, c := range conds {
		if c.col != col {
			continue
		}
		switch c.op {
		case opEq, opIn:
			var vals []any
			for _, v := range c.vals {
				if v != nil {
					vals = append(vals, v)
				}
			}
			slices.SortFunc(vals, index.Compare)
			return slices.CompactFunc(vals, index.Equal), true
		case opIsNull:
			return []any{nil}, true
		}
	}
	return nil, false
}

// rangeBounds returns the tightest lower (Gt/Ge) and upper (Lt/Le) bounds on
// col, or nil. A NULL bound matches nothing and is left to the row filter.
func rangeBounds(conds []bound, col int) (lower, upper *bound) {
	for i := range conds {
		c := &conds[i]
		if c.col != col || c.vals == nil || c.vals[0] == nil {
			continue
		}
		switch c.op {
		case opGt, opGe:
			if lower == nil || tighter(c, lower, 1) {
				lower = c
			}
		case opLt, opLe:
			if upper == nil || tighter(c, upper, -1) {
				upper = c
			}
		}
	}
	return lower, upper
}

// tighter reports whether bound a excludes more than b; dir is +1 for lower
// bounds and -1 for upper ones.
func tighter(a, b *bound, dir int) bool {
	c := index.Compare(a.vals[0], b.vals[0]) * dir
	return c > 0 || (c == 0 && (a.op == opGt || a.op == opLt))
}

// matches reports whether a row satisfies every condition.
func matches(conds []bound, vals []any) bool {
	for i := range conds {
		c := &conds[i]
		if c.implied {
			continue
		}
		v := vals[c.col]
		switch c.op {
		case opIsNull:
			if v != nil {
				return false
			}
			continue
		case opNotNull:
			if v == nil {
				return false
			}
			continue
		}
		if v == nil {
			return false
		}
		switch c.op {
		case opIn:
			found := false
			for _, x := range c.vals {
				if x != nil && index.Compare(v, x) == 0 {
					found = true
					break
				}
			}
			if !found {
				return false
			}
			continue
		}
		x := c.vals[0]
		if x == nil {
			return false
		}
		cmp := index.Compare(v, x)
		ok := false
		switch c.op {
		case opEq:
			ok = cmp == 0
		case opLt:
			ok = cmp < 0
		case opLe:
			ok = cmp <= 0
		case opGt:
			ok = cmp > 0
		case opGe:
			ok = cmp >= 0
		}
		if !ok {
			return false
		}
	}
	return true
}

// scan calls fn with every row the plan's ranges hold that matches its
// conditions, in index order, until fn returns false.
func (p *plan) scan(tx *Tx, fn func(vals []any) bool) {
	if p.empty {
		return
	}
	tree := p.d.Primary
	if p.ix != nil {
		tree = p.ix.Tree
	}
	p.fn, p.goOn = fn, true
	if p.visit == nil {
		p.visit = p.visitEntry
	}
	for i := range p.ranges {
		r := p.ranges[i]
		if p.reverse {
			r = p.ranges[len(p.ranges)-1-i]
		}
		tx.t.Scan(tree, r.lo, r.hi, p.reverse, p.visit)
		if !p.goOn {
			break
		}
	}
	p.fn = nil
}

// visitEntry is scan's callback: it hands a matching row to fn or, with
// fn nil, collects it into rows (up to stop rows when stop ≥ 0), which
// spares a collecting query a closure.
func (p *plan) visitEntry(e index.Entry) bool {
	// Index entries carry their row, like the primary tree's: a write to a
	// row rewrites its index entries too, so the range read also covers
	// the rows it returns.
	vals := catalog.RowOf(e.Val)
	if !matches(p.conds, vals) {
		return true
	}
	if p.fn == nil {
		p.rows = append(p.rows, vals)
		p.goOn = p.stop < 0 || len(p.rows) < p.stop
	} else {
		p.goOn = p.fn(vals)
	}
	return p.goOn
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
	if len(q.prefetch) > 0 || !q.tx.readOnly || !p.sorted {
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
	res := &result{tx: tx, def: p.d, more: &resultMore{partial: true}}
	defer func() { res.more.partial = false }()
	skip, left := q.offset, q.limit
	if left != 0 {
		p.scan(tx, func(vals []any) bool {
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
	tx.counted(LoadQuery, q.table, p.seeks(), len(res.rows))
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
	return q.collectPlanned(p)
}

func (q *Query) collectPlanned(p *plan) (*result, error) {
	tx := q.tx
	res := &result{tx: tx, def: p.d}
	if q.limit != 0 {
		// Collect before anything else runs: in a write transaction the
		// caller may write to the trees being scanned, which a B-tree
		// iteration does not survive.
		p.rows, p.stop = make([][]any, 0, 16), -1
		if p.sorted && q.limit >= 0 {
			p.stop = q.offset + q.limit
		}
		p.scan(tx, nil)
		rows := p.rows
		p.rows = nil
		if !p.sorted {
			sortRows(rows, p)
		}
		rows = rows[min(q.offset, len(rows)):]
		if q.limit >= 0 && len(rows) > q.limit {
			rows = rows[:q.limit]
		}
		res.rows = rows
	}
	tx.counted(LoadQuery, q.table, p.seeks(), len(res.rows))
	if len(q.prefetch) > 0 {
		if err := tx.prefetch(res, p.d, q.prefetch); err != nil {
			return nil, fmt.Errorf("query %s: %w", q.table, err)
		}
	}
	return res, nil
}

// seeks is how many index descents the plan's scan takes.
func (p *plan) seeks() int {
	if p.empty {
		return 0
	}
	return len(p.ranges)
}

func sortRows(rows [][]any, p *plan) {
	slices.SortStableFunc(rows, func(a, b []any) int { return compareRows(a, b, p.order, p.orderAt) })
}
