package pgsql

import (
	"errors"
	"slices"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
)

// A join whose right side is a base table reads that table per row of its
// left side, through the engine: a lookup on an equality of the join
// condition where an index serves it, else the whole table, read once.
// A chain of such joins — a LEFT JOIN b ON … LEFT JOIN c ON …, as an ORM
// writes a traversal — runs as one pipeline (lookupJoins): for each row
// of the leftmost item, the first table's matching rows are found, and
// for each of those the next table's, depth first, in one row buffer
// each join writes its table's values into; only a complete row is
// copied out. The rows come in the order the joins one after the other
// would give them, without the rows of each join in between, which cost
// the most of a traversal's allocations.

// looksUp reports whether j's right side is read per row of its left side
// (lookupJoins): a base table under an INNER, LEFT or CROSS JOIN. A RIGHT
// or FULL JOIN needs the right side whole, to find its unmatched rows.
func (s *Session) looksUp(tx *engine.Tx, j *ir.Join, ev *evaluator) bool {
	if j.Kind != ir.JoinInner && j.Kind != ir.JoinLeft && j.Kind != ir.JoinCross {
		return false
	}
	ref, ok := j.Right.(*ir.TableRef)
	return ok && !isCTE(ev, ref) && !isCatalog(ev, ref) && !s.isView(tx, ev, ref)
}

// lookupStage is one join of a pipeline: its right side, the base table
// looked up per row of what is left of it.
type lookupStage struct {
	kind ir.JoinKind
	// sc is the join's scope: everything to its left, then the table,
	// whose values are row positions [off, end).
	sc       *scope
	ev       *evaluator // over sc
	off, end int
	// cond is the join condition; check is what of it each candidate
	// row is still checked against, the rest answered by lookup.
	cond, check ir.Expr
	lookup      rowLookup
	// produced says the join gave at least one row.
	produced bool
}

// rowLookup returns the values of the inner table's rows that may join
// with the outer row, n rows of the table's width one after the other,
// valid until its next call. The outer row is the scope's row left of the
// inner table.
type rowLookup func(outer []any) (vals []any, n int, err error)

// lookupJoins reads j, a chain of joins the rightmost of which looksUp,
// as one pipeline (see above). pushed is passed on to the chain's
// leftmost item.
func (s *Session) lookupJoins(tx *engine.Tx, j *ir.Join, ev *evaluator, pushed *pushedWhere) (*source, error) {
	joins := []*ir.Join{j}
	base := j.Left
	for {
		next, ok := base.(*ir.Join)
		if !ok || !s.looksUp(tx, next, ev) {
			break
		}
		joins = append(joins, next)
		base = next.Left
	}
	slices.Reverse(joins)
	left, err := s.fromItem(tx, base, ev, pushed)
	if err != nil {
		return nil, err
	}
	stages := make([]lookupStage, len(joins))
	sc := left.sc
	for i, j := range joins {
		ts, alias, err := s.tableRef(tx, j.Right.(*ir.TableRef))
		if err != nil {
			return nil, err
		}
		rsc := newScope(ts, alias)
		jsc, cond, err := joinScope(sc, rsc, j.Kind, joinUsing(j, sc, rsc))
		if err != nil {
			return nil, err
		}
		if j.On != nil {
			cond = j.On
		}
		st := &stages[i]
		*st = lookupStage{kind: j.Kind, sc: jsc, ev: ev.with(jsc), off: sc.width(), end: jsc.width(), cond: cond, check: cond}
		if ev.readsNoRows() {
			st.lookup = func([]any) ([]any, int, error) { return nil, 0, nil }
		} else if st.lookup, st.check, err = innerLookup(tx, sc, rsc, cond, ev); err != nil {
			return nil, err
		}
		sc = jsc
	}
	p := &pipeline{stages: stages, ev: ev, buf: make([]any, sc.width())}
	for _, l := range left.rows {
		if err := p.step(); err != nil {
			return nil, err
		}
		copy(p.buf, l)
		if err := p.walk(0); err != nil {
			return nil, err
		}
	}
	for i := range stages {
		if st := &stages[i]; !st.produced && st.cond != nil {
			if err := typeCheckOn(st.sc, st.ev, st.cond); err != nil {
				return nil, err
			}
		}
	}
	return &source{sc: sc, rows: p.out}, nil
}

// pipeline is the state of lookupJoins' walk.
type pipeline struct {
	stages []lookupStage
	ev     *evaluator
	buf    []any // the row being built
	out    [][]any
	slab   rowSlab // where rows of out are cut from
	steps  int     // rows and candidates tried, for interrupted
}

// step counts a row tried, checking for an interrupt now and then.
func (p *pipeline) step() error {
	if p.steps++; p.steps%interruptEvery == 0 {
		return p.ev.interrupted()
	}
	return nil
}

// walk joins stage i and those after it to the row in buf[:stages[i].off].
func (p *pipeline) walk(i int) error {
	if i == len(p.stages) {
		p.emit()
		return nil
	}
	st := &p.stages[i]
	cands, n, err := st.lookup(p.buf[:st.off])
	if err != nil {
		return err
	}
	w := st.end - st.off
	matched := false
	for k := range n {
		if err := p.step(); err != nil {
			return err
		}
		copy(p.buf[st.off:st.end], cands[k*w:(k+1)*w])
		if st.check != nil {
			st.sc.row = p.buf[:st.end]
			ok, err := st.ev.boolean(st.check, "JOIN/ON")
			if err != nil {
				return err
			}
			if ok != true {
				continue
			}
		}
		matched, st.produced = true, true
		if err := p.walk(i + 1); err != nil {
			return err
		}
	}
	if !matched && st.kind == ir.JoinLeft {
		clear(p.buf[st.off:st.end])
		st.produced = true
		return p.walk(i + 1)
	}
	return nil
}

// slabRows is the most rows whose values are allocated at once (rowSlab).
const slabRows = 128

// emit copies the complete row in buf to the output.
func (p *pipeline) emit() {
	row := p.slab.row(len(p.buf))
	copy(row, p.buf)
	p.out = append(p.out, row)
}

// innerLookup returns the lookup of the inner table's candidate rows for
// an outer row: through the engine, on the table's primary key or an
// index, when cond has a conjunct equating an indexed column of the inner
// table with a column of the outer side of the same type family, else the
// whole table, read once. It also returns what is left of cond for each
// candidate to be checked against: the engine compares integers, texts
// and booleans exactly as SQL's = does, so the conjunct a lookup answers
// holds for every row it returns and is not evaluated again.
func innerLookup(tx *engine.Tx, outer, inner *scope, cond ir.Expr, ev *evaluator) (rowLookup, ir.Expr, error) {
	b := inner.rels[0]
	conj := conjuncts(cond)
	// rest is cond without its conjunct i.
	rest := func(i int) ir.Expr { return conjunction(slices.Delete(slices.Clone(conj), i, i+1)) }
	w := len(b.ts.def.Columns)
	for n, e := range conj {
		eq, ok := e.(*ir.Binary)
		if !ok || eq.Op != "=" {
			continue
		}
		for _, side := range [][2]ir.Expr{{eq.Left, eq.Right}, {eq.Right, eq.Left}} {
			ic, ok := pushColumn(b.ts, b.alias, side[0])
			if !ok || !indexed(b.ts, ic) {
				continue
			}
			if c := side[0].(*ir.ColumnRef); c.Table == "" {
				if _, _, err := outer.resolve(c); err == nil {
					continue // ambiguous: leave it to the evaluator
				}
			}
			oc, ok := side[1].(*ir.ColumnRef)
			if !ok || oc.Star {
				continue
			}
			oi, ot, err := outer.resolve(oc)
			if err != nil {
				continue
			}
			if oc.Table == "" {
				if _, _, err := inner.resolve(oc); err == nil {
					continue // ambiguous: leave it to the evaluator
				}
			}
			it := b.ts.types[ic]
			if !(it.isInt() && ot.isInt() || it.kind != kBpchar && ot.kind != kBpchar && it.isText() && ot.isText() || it.kind == kBool && ot.kind == kBool) {
				continue
			}
			table, col := b.ts.def.Name, b.ts.def.Columns[ic].Name
			// find appends the rows of key k to buf: one point lookup on
			// the inner side's primary key, without planning a query, or
			// a query on the index.
			rr := newRecordReader(w)
			var find func(k any, buf []any) ([]any, int, error)
			if pk := b.ts.def.PrimaryKey; len(pk) == 1 && pk[0] == col {
				find = func(k any, buf []any) ([]any, int, error) {
					r, err := tx.Get(table, k)
					if errors.Is(err, engine.ErrNotFound) {
						return buf, 0, nil
					}
					var vals []any
					if err == nil {
						vals, err = rr.read(r)
					}
					if err != nil {
						return nil, 0, err
					}
					return append(buf, vals...), 1, nil
				}
			} else {
				// The rows are collected by one callback made once, not a
				// closure per lookup.
				var got struct {
					buf []any
					n   int
				}
				collect := func(r engine.Record) error {
					vals, err := rr.read(r)
					got.buf = append(got.buf, vals...)
					got.n++
					return err
				}
				find = func(k any, buf []any) ([]any, int, error) {
					got.buf, got.n = buf, 0
					if err := tx.Query(table).Where(engine.Eq(col, k)).Each(collect); err != nil {
						return nil, 0, err
					}
					return got.buf, got.n, nil
				}
			}
			var buf []any
			memo := lookupMemo{width: w}
			return func(o []any) ([]any, int, error) {
				k := o[oi]
				if k == nil {
					return nil, 0, nil
				}
				if vals, n, ok := memo.get(k); ok {
					return vals, n, nil
				}
				vals, n, err := find(k, buf[:0])
				if err != nil {
					return nil, 0, err
				}
				buf = vals
				memo.put(k, vals, n)
				return vals, n, nil
			}, rest(n), nil
		}
	}
	rows, err := scan(tx, b.ts, b.alias, nil /* where */, ev)
	if err != nil {
		return nil, nil, err
	}
	all := make([]any, 0, len(rows)*w)
	for _, r := range rows {
		all = append(all, r...)
	}
	return func([]any) ([]any, int, error) { return all, len(rows), nil }, cond, nil
}

// lookupMemo remembers, during one run of a statement, the rows a lookup
// found for each key, as PostgreSQL's Memoize does for a join whose outer
// side repeats keys: the books of an author all look up that author, the
// book_tags rows of a tag that tag. The statement's reads see one
// snapshot, so a key's rows do not change while it runs. A lookup whose
// keys seldom repeat stops remembering, and one that has remembered
// memoMaxValues values stops adding.
type lookupMemo struct {
	width       int // of a row
	rows        map[any]memoRows
	values      int // the values rows holds
	calls, hits int
	off         bool
}

type memoRows struct {
	vals []any
	n    int
}

const (
	// memoTrial is how many lookups a memo watches before it decides
	// whether keys repeat enough (one in memoMinHitRate) to go on.
	memoTrial      = 64
	memoMinHitRate = 4
	memoMaxValues  = 1 << 20
)

// get returns the rows remembered for k.
func (m *lookupMemo) get(k any) ([]any, int, bool) {
	if m.off || !memoKey(k) {
		return nil, 0, false
	}
	m.calls++
	if r, ok := m.rows[k]; ok {
		m.hits++
		return r.vals, r.n, true
	}
	if m.calls == memoTrial && m.hits*memoMinHitRate < m.calls {
		m.off, m.rows = true, nil
	}
	return nil, 0, false
}

// put remembers the n rows of k, whose values vals holds (copied).
func (m *lookupMemo) put(k any, vals []any, n int) {
	if m.off || !memoKey(k) || m.values+len(vals) > memoMaxValues {
		return
	}
	if m.rows == nil {
		m.rows = make(map[any]memoRows)
	}
	m.rows[k] = memoRows{vals: slices.Clone(vals), n: n}
	m.values += len(vals)
}

// indexed reports whether column i leads the primary key or an index.
func indexed(ts *tableSchema, i int) bool {
	name := ts.def.Columns[i].Name
	if ts.def.PrimaryKey[0] == name {
		return true
	}
	for _, x := range ts.def.Indexes {
		if x.Columns[0] == name {
			return true
		}
	}
	return false
}

// memoKey reports whether k is a value a memo takes as a key: one of the
// families a lookup joins on, compared as the engine compares them.
func memoKey(k any) bool {
	switch k.(type) {
	case int64, string, bool:
		return true
	}
	return false
}
