package pgsql

import (
	"errors"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
)

// The other query shape applications send most is a row and what it
// references: a junction's rows and the tags they point at
// (SELECT t.id, t.name FROM book_tags bt JOIN tags t ON t.id = bt.tag_id
// WHERE bt.book_id = $1), or GORM's many-to-many preload, the same from
// the other side. A session plans such a join once, as a simple plan with
// a join part: the driving table's rows are found as a simple SELECT's
// are, and for each, the other table's row by its primary key, which the
// ON equality names. Both are the engine's exact lookups, so no row is
// checked again; the output is the two rows' own values.
//
// The shape: an INNER JOIN of two base tables under different names, ON
// one equality between the single-column primary key of one (the lookup
// table) and a column of the other (the driving table) of the same
// integer, text or boolean family, a WHERE of simple conditions on the
// driving table only, targets that are columns (or *) of either, and no
// ORDER BY, LIMIT, OFFSET, DISTINCT, grouping or locking. Anything else,
// and a name that does not resolve to exactly one column, is the general
// executor's. Without ORDER BY the order of the rows is the driving
// table's, which SQL leaves open as PostgreSQL does.

// simpleJoin is a simple plan's join part: the lookup table, and where
// each output column comes from.
type simpleJoin struct {
	key   schemaKey // the lookup table's
	table string
	width int // of the lookup table's rows
	// on is the position, in the driving table's row, of the value the
	// lookup table's primary key must equal.
	on   int
	outs []joinOut
}

// joinOut is an output column: position pos of the driving row (lookup
// false) or of the looked-up row.
type joinOut struct {
	lookup bool
	pos    int
}

// planSimpleJoin returns the simple plan of st, whose FROM is j, or nil.
func (s *Session) planSimpleJoin(tx *engine.Tx, st *ir.Select, j *ir.Join) *simplePlan {
	if j.Kind != ir.JoinInner || len(j.Using) > 0 || j.On == nil ||
		len(st.OrderBy) > 0 || st.Limit != nil || st.Offset != nil {
		return nil
	}
	var sides [2]simpleTable
	for i, it := range []ir.FromItem{j.Left, j.Right} {
		var ok bool
		if sides[i], ok = s.simpleTable(tx, it); !ok {
			return nil
		}
	}
	if sides[0].alias == sides[1].alias {
		return nil // 42712, the general executor's
	}
	// column resolves a column reference to its side and position: a
	// qualified one by its table's name, an unqualified one only when
	// exactly one side has it.
	column := func(e ir.Expr) (side, pos int, ok bool) {
		c, isCol := e.(*ir.ColumnRef)
		if !isCol || c.Star || c.Schema != "" {
			return 0, 0, false
		}
		found := 0
		for i := range sides {
			if c.Table != "" && c.Table != sides[i].alias {
				continue
			}
			if p, has := sides[i].ts.index[c.Column]; has && !sides[i].ts.isHidden(p) {
				side, pos = i, p
				found++
			}
		}
		return side, pos, found == 1
	}
	// The ON equality: which side is looked up by its primary key.
	eq, ok := j.On.(*ir.Binary)
	if !ok || eq.Op != "=" {
		return nil
	}
	ls, lp, ok1 := column(eq.Left)
	rs, rp, ok2 := column(eq.Right)
	if !ok1 || !ok2 || ls == rs {
		return nil
	}
	pos := [2]int{}
	pos[ls], pos[rs] = lp, rp
	isKey := func(i int) bool {
		ts := sides[i].ts
		return len(ts.pk) == 1 && ts.hidden == 0 && ts.pk[0] == pos[i]
	}
	// The driving side is the one WHERE reads; without WHERE, the one
	// that is not looked up by its key (the left when both are keys).
	var drive int
	switch {
	case st.Where != nil:
		if onlyColumnsOf(st.Where, sides[0].alias) {
			drive = 0
		} else if onlyColumnsOf(st.Where, sides[1].alias) {
			drive = 1
		} else {
			drive = -1 // decided by resolving WHERE's columns below
		}
	case isKey(1):
		drive = 0
	default:
		drive = 1
	}
	if drive < 0 {
		for d := range 2 {
			if _, ok := simpleConds(st.Where, sides[d].ts, func(e ir.Expr) (int, bool) {
				side, p, ok := column(e)
				return p, ok && side == d
			}); ok {
				drive = d
				break
			}
		}
		if drive < 0 {
			return nil
		}
	}
	look := 1 - drive
	if !isKey(look) {
		return nil
	}
	dt, lt := sides[drive].ts.types[pos[drive]], sides[look].ts.types[pos[look]]
	// An integer key at least as wide as the value: a narrower key could
	// not take a value out of its range, which would match no row.
	if !(dt.isInt() && lt.isInt() && lt.kind >= dt.kind || dt.kind != kBpchar && lt.kind != kBpchar && dt.isText() && lt.isText() || dt.kind == kBool && lt.kind == kBool) {
		return nil
	}
	conds, ok := simpleConds(st.Where, sides[drive].ts, func(e ir.Expr) (int, bool) {
		side, p, ok := column(e)
		return p, ok && side == drive
	})
	if !ok {
		return nil
	}
	p := &simplePlan{key: sides[drive].key, table: sides[drive].name, conds: conds,
		width: len(sides[drive].ts.def.Columns),
		join:  &simpleJoin{key: sides[look].key, table: sides[look].name, width: len(sides[look].ts.def.Columns), on: pos[drive]}}
	add := func(side, i int, name string) bool {
		ts := sides[side].ts
		if !storedAsIs(ts.types[i]) {
			return false
		}
		p.join.outs = append(p.join.outs, joinOut{lookup: side == look, pos: i})
		p.columns = append(p.columns, Column{Name: name, typ: ts.types[i]})
		return true
	}
	for _, t := range st.Targets {
		if c, ok := t.Expr.(*ir.ColumnRef); ok && c.Star {
			if c.Schema != "" {
				return nil
			}
			starred := false
			for side := range sides {
				if c.Table != "" && c.Table != sides[side].alias {
					continue
				}
				starred = true
				for _, i := range sides[side].ts.visibleColumns() {
					if !add(side, i, sides[side].ts.def.Columns[i].Name) {
						return nil
					}
				}
			}
			if !starred {
				return nil
			}
			continue
		}
		side, i, ok := column(t.Expr)
		if !ok || !add(side, i, targetName(t)) {
			return nil
		}
	}
	if len(p.columns) == 0 {
		return nil
	}
	p.prepare()
	return p
}

// runJoin runs a plan with a join part; ok is false when the arguments do
// not fit it. The driving rows are read first, each into its output row
// with the key it looks up; then the looked-up rows fill the rest.
func (p *simplePlan) runJoin(s *Session, tx *engine.Tx, args []any) (Result, bool, error) {
	q, ok := p.query(tx, args)
	if !ok {
		return Result{}, false, nil
	}
	j := p.join
	var rows [][]any
	var keys []any
	var slab rowSlab
	rr := newRecordReader(p.width)
	err := q.Each(func(r engine.Record) error {
		d, err := rr.read(r)
		if err != nil || d[j.on] == nil {
			return err
		}
		out := slab.row(len(j.outs))
		for i, o := range j.outs {
			if !o.lookup {
				out[i] = d[o.pos]
			}
		}
		rows = append(rows, out)
		keys = append(keys, d[j.on])
		return nil
	})
	if err != nil {
		return Result{}, true, err
	}
	lr := newRecordReader(j.width)
	memo := lookupMemo{width: j.width} // many rows may look up one key (lookupjoin.go)
	kept := rows[:0]
	for n, out := range rows {
		if n%interruptEvery == interruptEvery-1 {
			if err := s.interrupted(); err != nil {
				return Result{}, true, err
			}
		}
		l, found, ok := memo.get(keys[n])
		if !ok {
			r, err := tx.Get(j.table, keys[n])
			switch {
			case errors.Is(err, engine.ErrNotFound):
				l, found = nil, 0
			case err != nil:
				return Result{}, true, err
			default:
				if l, err = lr.read(r); err != nil {
					return Result{}, true, err
				}
				found = 1
			}
			memo.put(keys[n], l, found)
		}
		if found == 0 {
			continue
		}
		for i, o := range j.outs {
			if o.lookup {
				out[i] = l[o.pos]
			}
		}
		kept = append(kept, out)
	}
	clear(rows[len(kept):]) // keep no dropped row alive
	if kept == nil {
		kept = [][]any{}
	}
	return p.result(kept), true, nil
}
