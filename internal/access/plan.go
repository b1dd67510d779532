package access

import (
	"fmt"
	"slices"
	"strings"

	"github.com/reldb/reldb/index"
	"github.com/reldb/reldb/internal/catalog"
	"github.com/reldb/reldb/txn"
)

// Op is the operator of a Bound condition.
type Op uint8

const (
	OpEq Op = iota + 1
	OpLt
	OpLe
	OpGt
	OpGe
	OpIn
	OpIsNull
	OpNotNull
)

// Order is a sort direction for Query.OrderBy.
type Order uint8

// Sort directions. As in PostgreSQL, NULLs sort after every value in
// ascending order and before every value in descending order.
const (
	Asc Order = iota
	Desc
)

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

// OrderTerm is one sort key: a column name and a direction.
type OrderTerm struct {
	Col string // the column's name
	Dir Order  // Asc or Desc
}

// Bound is a condition compiled against a table.
type Bound struct {
	Col  int    // the column's position
	Op   Op     // the comparison
	Vals []any  // coerced to the column's type
	One  [1]any // vals' storage for a comparison
	// implied is set when the plan's key ranges already ensure the
	// condition, which matches then skips.
	implied bool
}

// Plan is a planned scan of one table: the tree, the key ranges and the
// conditions left to check on each row. Make one with Choose (after
// binding the conditions), run it with Scan. A Plan is not safe for
// concurrent use: it holds the state of its scan.
type Plan struct {
	D       *catalog.Table // the table
	ix      *catalog.Index // nil: the primary tree
	name    string
	cols    []int // the index's key columns (for a secondary index, then the primary key's others)
	ranges  []scanRange
	empty   bool // a condition can match nothing
	reverse bool
	Sorted  bool // the scan yields rows in Order
	conds   []Bound
	Order   []OrderTerm // the requested order
	orderAt []int       // column positions of order
	eqCols  int
	ranged  bool
	range1  [1]scanRange // ranges' storage for one range
	Cond1   [1]Bound     // conds' storage for one condition
	// scan's state: its callback, made once, and what it calls or
	// collects.
	visit func(index.Entry) bool
	fn    func(vals []any) bool
	goOn  bool
	Rows  [][]any  // the rows a Scan with a nil fn collects
	Stop  int      // how many rows such a Scan collects at most; < 0: all
	key   [48]byte // range1's storage: the prefix, then its end
	// chosen is the shape the plan was made from, which Choice returns.
	chosen shape
}

// scanRange is a key range [lo, hi) of the plan's tree; nil is unbounded.
type scanRange struct{ lo, hi []byte }

// singlePrefix returns the key prefix of s's equality columns when each is
// fixed to a single value, as eqValues would find it, and no range bounds
// the next column.
//
// The conditions that fixed the columns are marked implied: every entry of
// the prefix's range satisfies them, so the scan need not check them.
func singlePrefix(conds []Bound, s shape, buf []byte) ([]byte, bool) {
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
		if conds[at].Op == OpEq {
			v = conds[at].Vals[0]
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
func singleValue(conds []Bound, col int) int {
	for i := range conds {
		c := &conds[i]
		if c.Col != col {
			continue
		}
		switch c.Op {
		case OpEq:
			if c.Vals[0] == nil {
				return -1
			}
			return i
		case OpIsNull:
			return i
		case OpIn:
			return -1
		}
	}
	return -1
}

// String describes the plan, as Query.Explain prints it.
func (p *Plan) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "scan %s using %s", p.D.Name, p.name)
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
	if len(p.Order) > 0 && !p.Sorted {
		b.WriteString(", then sort")
	}
	return b.String()
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

// better reports whether s is a better access path than than.
func (s *shape) better(than *shape) bool {
	if s.empty != than.empty {
		return s.empty
	}
	return s.score() > than.score()
}

// MaxRanges bounds how many point prefixes IN lists may multiply into.
const MaxRanges = 1024

// ShapeOf works out how an index (nil: the primary tree) serves a query.
func shapeOf(d *catalog.Table, ix *catalog.Index, conds []Bound, order []OrderTerm, orderAt []int) shape {
	s := shape{ix: ix, cols: d.PK, nranges: 1}
	if ix != nil {
		s.cols = ix.KeyCols
	}
	for _, col := range s.cols {
		n, ok := eqCount(conds, col)
		if !ok || s.nranges*max(n, 1) > MaxRanges {
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
func eqCount(conds []Bound, col int) (int, bool) {
	for i := range conds {
		c := &conds[i]
		if c.Col != col {
			continue
		}
		switch c.Op {
		case OpEq, OpIn:
			n := 0
			for _, v := range c.Vals {
				if v != nil {
					n++
				}
			}
			return n, true
		case OpIsNull:
			return 1, true
		}
	}
	return 0, false
}

// orderedBy reports whether scanning s yields rows in the requested order,
// and whether the scan must run backward for it. Columns fixed to a single
// value by the equality prefix do not disturb the order.
func (s *shape) orderedBy(conds []Bound, order []OrderTerm, orderAt []int) (sorted, reverse bool) {
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
		dir := order[i].Dir == Desc
		if first {
			reverse, first = dir, false
		} else if dir != reverse {
			return false, false
		}
		pos++
	}
	return true, reverse
}

// Init makes p the plan of a shape and builds its key ranges. p's own
// storage (cond1, key) may already hold conds.
func (p *Plan) init(d *catalog.Table, s shape, conds []Bound, order []OrderTerm, orderAt []int) {
	p.D, p.ix, p.name, p.cols, p.conds, p.Order, p.orderAt = d, s.ix, d.PKName, s.cols, conds, order, orderAt
	p.chosen = s
	p.empty, p.eqCols, p.ranged, p.Sorted, p.reverse = s.empty, s.eqCols, s.ranged, s.sorted, s.reverse
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
	var lower, upper *Bound
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
			k, _ := index.AppendValue(slices.Clip(pre), lower.Vals[0])
			if lower.Op == OpGt {
				k = index.PrefixEnd(k)
			}
			r.lo = k
		}
		if upper != nil {
			k, _ := index.AppendValue(slices.Clip(pre), upper.Vals[0])
			if upper.Op == OpLe {
				k = index.PrefixEnd(k)
			}
			r.hi = k
		}
		p.ranges = append(p.ranges, r)
	}
	// Every entry of a range has its equality columns at one of the values
	// the range was built from: the conditions that gave them need no
	// check per row (an In of many values would cost a comparison with
	// each).
	for _, col := range s.cols[:s.eqCols] {
		if i := eqCond(conds, col); i >= 0 {
			conds[i].implied = true
		}
	}
}

// eqValues returns the sorted, distinct values that an Eq, In or IsNull
// condition fixes col to, and whether there is such a condition. An empty
// list means no row can match.
func eqValues(conds []Bound, col int) ([]any, bool) {
	if i := eqCond(conds, col); i >= 0 {
		c := &conds[i]
		switch c.Op {
		case OpEq, OpIn:
			var vals []any
			for _, v := range c.Vals {
				if v != nil {
					vals = append(vals, v)
				}
			}
			slices.SortFunc(vals, index.Compare)
			return slices.CompactFunc(vals, index.Equal), true
		case OpIsNull:
			return []any{nil}, true
		}
	}
	return nil, false
}

// eqCond returns the position of the Eq, In or IsNull condition that fixes
// col (the first), or -1.
func eqCond(conds []Bound, col int) int {
	for i := range conds {
		if c := &conds[i]; c.Col == col && (c.Op == OpEq || c.Op == OpIn || c.Op == OpIsNull) {
			return i
		}
	}
	return -1
}

// rangeBounds returns the tightest lower (Gt/Ge) and upper (Lt/Le) bounds on
// col, or nil. A NULL bound matches nothing and is left to the row filter.
func rangeBounds(conds []Bound, col int) (lower, upper *Bound) {
	for i := range conds {
		c := &conds[i]
		if c.Col != col || c.Vals == nil || c.Vals[0] == nil {
			continue
		}
		switch c.Op {
		case OpGt, OpGe:
			if lower == nil || tighter(c, lower, 1) {
				lower = c
			}
		case OpLt, OpLe:
			if upper == nil || tighter(c, upper, -1) {
				upper = c
			}
		}
	}
	return lower, upper
}

// tighter reports whether bound a excludes more than b; dir is +1 for lower
// bounds and -1 for upper ones.
func tighter(a, b *Bound, dir int) bool {
	c := index.Compare(a.Vals[0], b.Vals[0]) * dir
	return c > 0 || (c == 0 && (a.Op == OpGt || a.Op == OpLt))
}

// Matches reports whether a row satisfies every condition.
func Matches(conds []Bound, vals []any) bool {
	for i := range conds {
		c := &conds[i]
		if c.implied {
			continue
		}
		v := vals[c.Col]
		switch c.Op {
		case OpIsNull:
			if v != nil {
				return false
			}
			continue
		case OpNotNull:
			if v == nil {
				return false
			}
			continue
		}
		if v == nil {
			return false
		}
		switch c.Op {
		case OpIn:
			found := false
			for _, x := range c.Vals {
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
		x := c.Vals[0]
		if x == nil {
			return false
		}
		cmp := index.Compare(v, x)
		ok := false
		switch c.Op {
		case OpEq:
			ok = cmp == 0
		case OpLt:
			ok = cmp < 0
		case OpLe:
			ok = cmp <= 0
		case OpGt:
			ok = cmp > 0
		case OpGe:
			ok = cmp >= 0
		}
		if !ok {
			return false
		}
	}
	return true
}

// Scan calls fn with every row the plan's ranges hold that matches its
// conditions, in index order, until fn returns false.
func (p *Plan) Scan(t *txn.Txn, fn func(vals []any) bool) {
	if p.empty {
		return
	}
	tree := p.D.Primary
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
		t.Scan(tree, r.lo, r.hi, p.reverse, p.visit)
		if !p.goOn {
			break
		}
	}
	p.fn = nil
}

// visitEntry is scan's callback: it hands a matching row to fn or, with
// fn nil, collects it into rows (up to stop rows when stop ≥ 0), which
// spares a collecting query a closure.
func (p *Plan) visitEntry(e index.Entry) bool {
	// Index entries carry their row, like the primary tree's: a write to a
	// row rewrites its index entries too, so the range read also covers
	// the rows it returns.
	vals := catalog.RowOf(e.Val)
	if !Matches(p.conds, vals) {
		return true
	}
	if p.fn == nil {
		p.Rows = append(p.Rows, vals)
		p.goOn = p.Stop < 0 || len(p.Rows) < p.Stop
	} else {
		p.goOn = p.fn(vals)
	}
	return p.goOn
}

// Seeks is how many index descents the plan's scan takes.
func (p *Plan) Seeks() int {
	if p.empty {
		return 0
	}
	return len(p.ranges)
}

// SortRows sorts rows by p's order, stably.
func SortRows(rows [][]any, p *Plan) {
	slices.SortStableFunc(rows, func(a, b []any) int { return compareRows(a, b, p.Order, p.orderAt) })
}

var _ fmt.Stringer = Asc

// Choice is the access path Choose picked: the tree, how many of its
// columns the conditions fix and whether its order serves the query. It
// depends on the table version, the conditions' columns and operators and
// the order — not on the values compared with, as long as no value is NULL
// and no In list changes length — so a prepared query keeps it and plans
// again with Reuse.
type Choice struct{ s shape }

// Choice returns the access path of a plan made by Choose.
func (p *Plan) Choice() Choice { return Choice{p.chosen} }

// Reuse plans the scan of d for conds and order along a Choice an earlier
// Choose made for the same table version, conditions and order with other
// values: it builds the key ranges only. conds may live in p.Cond1.
func (p *Plan) Reuse(d *catalog.Table, c Choice, conds []Bound, order []OrderTerm, orderAt []int) {
	p.init(d, c.s, conds, order, orderAt)
}

// Reset clears p for another query, keeping the scan callback it made
// once; a pool of plans spares each query allocating one.
func (p *Plan) Reset() {
	visit := p.visit
	*p = Plan{}
	p.visit = visit
}

// Choose plans the scan of d for conds and order (orderAt holds the
// order's column positions): it picks the tree — the primary tree or a
// secondary index — that matches the most leading columns with Eq, In or
// IsNull, then a range on the next column, then yields rows in the
// requested order. conds may live in p.Cond1.
func (p *Plan) Choose(d *catalog.Table, conds []Bound, order []OrderTerm, orderAt []int) {
	best := shapeOf(d, nil, conds, order, orderAt)
	for _, ix := range d.Indexes {
		if s := shapeOf(d, ix, conds, order, orderAt); s.better(&best) {
			best = s
		}
	}
	p.init(d, best, conds, order, orderAt)
}
