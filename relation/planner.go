package relation

import (
	"fmt"
	"slices"

	"github.com/cockroachdb/apd/v3"
	"github.com/reldb/reldb/index"
)

// Reader is what the planner reads: the schema's foreign keys and the rows
// of a transaction. Package engine implements it over a transaction, so
// that every row the planner reads enters the transaction's read set.
type Reader interface {
	// Incoming returns the foreign keys that reference table, in the order
	// they were declared.
	Incoming(table string) []*FK
	// Children calls fn, in primary-key order, with the encoded primary key
	// and the row of every row of fk.Child whose fk.ChildCols equal key,
	// until fn returns false.
	Children(fk *FK, key []any, fn func(pk []byte, row []any) bool) error
	// Default returns the default value of a column of table.
	Default(table string, col int) any
}

// OpKind says whether an Op deletes or updates a row.
type OpKind uint8

// Operation kinds.
const (
	OpDelete OpKind = iota + 1
	OpUpdate
)

// Op is one row change of a plan.
type Op struct {
	Kind  OpKind
	Table string
	PK    []byte // the row's encoded primary key before the statement
	Row   []any  // the row before the statement, as the Reader returned it
	// Set holds an update's new column values by position: the row's final
	// values after every action of the plan that touched it.
	Set map[int]any
	// Via is the foreign key whose action produced the op, nil for the
	// statement's own row, and From the index of the op whose change set
	// it off (-1 for the statement's own row): Plan.Path walks them back.
	Via  *FK
	From int
}

// Check is a NO ACTION check: no row of FK.Child may reference Key any
// more, unless a parent holds Key again. Referenced tells whether a child
// still referenced Key when the check's turn came in the statement — the
// moment an immediate check is decided, as in PostgreSQL; a deferred one
// is decided at commit, on the rows as they are then.
type Check struct {
	FK         *FK
	Key        []any
	Referenced bool
}

// Plan is the whole effect of one delete or key update: the row changes in
// the order to apply them, and the NO ACTION checks to run once they are
// applied.
type Plan struct {
	Ops      []Op
	NoAction []Check
}

// Path returns the names of the foreign keys that lead from the
// statement's own row to op i, outermost first.
func (p *Plan) Path(i int) []string {
	var path []string
	// An op turned into a delete may point at a later op, so the causes
	// can form a loop in cyclic data: stop after visiting every op once.
	for steps := 0; i >= 0 && p.Ops[i].Via != nil && steps < len(p.Ops); i, steps = p.Ops[i].From, steps+1 {
		path = append(path, p.Ops[i].Via.Name)
	}
	slices.Reverse(path)
	return path
}

// RestrictError reports a change refused by a RESTRICT foreign key: a row
// of FK.Child still referenced Key when the check's turn came.
type RestrictError struct {
	FK    *FK
	Key   []any
	Child []any // the first referencing row
}

func (e *RestrictError) Error() string {
	return fmt.Sprintf("reldb: foreign key %q (RESTRICT) refuses: table %q still references key %v of table %q",
		e.FK.Name, e.FK.Child, e.Key, e.FK.Parent)
}

// Planner expands deletes and key updates into plans. It holds no state
// between calls and writes nothing.
type Planner struct {
	r Reader
}

// NewPlanner returns a planner reading through r.
func NewPlanner(r Reader) *Planner { return &Planner{r: r} }

// planState is one plan being built.
type planState struct {
	r    Reader
	plan *Plan
	rows map[string]int // op index by table + "\x00" + primary key
	// state runs parallel to plan.Ops: each row's planned values and the
	// change waiting for expansion.
	state []opState
	work  []int // indexes into plan.Ops waiting to be expanded
	hits  []hit // children found by the current expansion
}

type hit struct {
	pk  []byte
	row []any
}

type opState struct {
	vals    []any  // the row as the plan leaves it; nil once deleted
	pending change // the change waiting in work
	waiting bool
}

type change struct{ old, new []any }

func rowID(table string, pk []byte) string { return table + "\x00" + string(pk) }

// Delete plans the deletion of one row of table, with primary key pk and
// values row, and everything its foreign keys' actions do. It returns a
// *RestrictError if a RESTRICT foreign key refuses, or an error from the
// Reader.
func (p *Planner) Delete(table string, pk []byte, row []any) (*Plan, error) {
	s := p.begin()
	s.addDelete(rowID(table, pk), table, pk, row, nil, -1)
	return s.run()
}

// Update plans changing one row of table from old to new (same primary key
// pk before the change), and everything the change of its referenced keys
// makes foreign keys do. The statement's own row is the plan's first op.
func (p *Planner) Update(table string, pk []byte, old, new []any) (*Plan, error) {
	s := p.begin()
	set := make(map[int]any)
	for i := range new {
		if !sameValue(old[i], new[i]) {
			set[i] = new[i]
		}
	}
	s.addUpdate(rowID(table, pk), table, pk, old, set, nil, -1)
	return s.run()
}

func (p *Planner) begin() *planState {
	const guess = 16 // most plans are small; larger ones grow by doubling
	return &planState{r: p.r, plan: &Plan{Ops: make([]Op, 0, guess)}, rows: make(map[string]int, guess), state: make([]opState, 0, guess)}
}

func (s *planState) run() (*Plan, error) {
	for len(s.work) > 0 {
		i := s.work[0]
		s.work = s.work[1:]
		st := &s.state[i]
		ch := st.pending
		st.pending, st.waiting = change{}, false
		if err := s.expand(i, ch); err != nil {
			return nil, err
		}
	}
	return s.plan, nil
}

// add appends an op for a row the plan has not touched yet.
func (s *planState) add(id string, op Op, vals []any) int {
	s.plan.Ops = append(s.plan.Ops, op)
	s.state = append(s.state, opState{vals: vals})
	i := len(s.plan.Ops) - 1
	s.rows[id] = i
	return i
}

// addDelete plans deleting a row; id is rowID(table, pk), which the caller
// has at hand.
func (s *planState) addDelete(id, table string, pk []byte, row []any, via *FK, from int) {
	if i, ok := s.rows[id]; ok {
		st := &s.state[i]
		if st.vals == nil {
			return // deleted already: each row is handled once
		}
		// An updated row is deleted after all: the delete wins, and the
		// op now reports the relation that deleted it.
		op := &s.plan.Ops[i]
		op.Kind, op.Set, op.Via, op.From = OpDelete, nil, via, from
		old := st.vals
		st.vals = nil
		s.queue(i, change{old: old})
		return
	}
	i := s.add(id, Op{Kind: OpDelete, Table: table, PK: pk, Row: row, Via: via, From: from}, nil)
	s.queue(i, change{old: row})
}

// addUpdate plans changing set's columns of a row; id is rowID(table, pk).
func (s *planState) addUpdate(id, table string, pk []byte, row []any, set map[int]any, via *FK, from int) {
	i, ok := s.rows[id]
	if ok && s.state[i].vals == nil {
		return // deleted: nothing to update
	}
	old := row
	if ok {
		old = s.state[i].vals
	}
	vals := slices.Clone(old)
	changed := false
	for c, v := range set {
		if !sameValue(vals[c], v) {
			vals[c] = v
			changed = true
		}
	}
	if !changed && ok {
		return
	}
	if ok {
		op := &s.plan.Ops[i]
		for c, v := range set {
			op.Set[c] = v
		}
		s.state[i].vals = vals
		s.queue(i, change{old: old, new: vals})
		return
	}
	i = s.add(id, Op{Kind: OpUpdate, Table: table, PK: pk, Row: row, Set: maps(set), Via: via, From: from}, vals)
	s.queue(i, change{old: old, new: vals})
}

func maps(m map[int]any) map[int]any {
	out := make(map[int]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// queue schedules an op's change for expansion. A row changed twice before
// its first expansion is expanded once, from its first old values to its
// latest new ones.
func (s *planState) queue(i int, ch change) {
	st := &s.state[i]
	if st.waiting {
		ch.old = st.pending.old
		st.pending = ch
		return
	}
	st.pending, st.waiting = ch, true
	s.work = append(s.work, i)
}

// expand applies every foreign key that references the changed row.
// stillReferencing returns a child row that references key as the plan
// stands so far — rows the plan has deleted, or moved off the key, no
// longer count — or nil.
func (s *planState) stillReferencing(fk *FK, key []any) ([]any, error) {
	var child []any
	err := s.r.Children(fk, key, func(pk []byte, row []any) bool {
		if j, ok := s.rows[rowID(fk.Child, pk)]; ok {
			vals := s.state[j].vals
			if vals == nil || !sameValues(pick(vals, fk.ChildCols), key) {
				return true
			}
			row = vals
		}
		child = row
		return false
	})
	return child, err
}

func (s *planState) expand(i int, ch change) error {
	table := s.plan.Ops[i].Table
	for _, fk := range s.r.Incoming(table) {
		oldKey := fk.ParentKey(ch.old)
		if hasNull(oldKey) {
			continue // no child can reference a NULL key
		}
		action := fk.OnDelete
		var newKey []any
		if ch.new != nil {
			newKey = fk.ParentKey(ch.new)
			if identicalValues(oldKey, newKey) {
				continue // the referenced key did not change
			}
			action = fk.OnUpdate
		}
		switch action {
		case NoAction, Restrict:
			// Like PostgreSQL's referential triggers, which fire one row
			// event at a time in queue order, the check sees the changes
			// of the events expanded before it, and no others.
			child, err := s.stillReferencing(fk, oldKey)
			if err != nil {
				return err
			}
			if action == Restrict {
				if child != nil {
					return &RestrictError{FK: fk, Key: oldKey, Child: child}
				}
				continue
			}
			s.plan.NoAction = append(s.plan.NoAction, Check{FK: fk, Key: oldKey, Referenced: child != nil})
			continue
		}
		// Collect first: adding ops must not interleave with the scan.
		// The buffer is reused: expansions never nest.
		hits := s.hits[:0]
		// SET DEFAULT may set a child back to the very key that is going
		// away; PostgreSQL then runs the NO ACTION check as well.
		recheck := false
		err := s.r.Children(fk, oldKey, func(pk []byte, row []any) bool {
			hits = append(hits, hit{pk, row})
			return true
		})
		s.hits = hits
		if err != nil {
			return err
		}
		for _, h := range hits {
			id := rowID(fk.Child, h.pk)
			if j, ok := s.rows[id]; ok {
				vals := s.state[j].vals
				if vals == nil {
					continue // deleted by this plan already
				}
				if !sameValues(pick(vals, fk.ChildCols), oldKey) {
					continue // the plan already moved it off this key
				}
			}
			switch {
			case action == Cascade && ch.new == nil:
				s.addDelete(id, fk.Child, h.pk, h.row, fk, i)
			case action == Cascade:
				set := make(map[int]any, len(fk.ChildCols))
				for j, c := range fk.ChildCols {
					set[c] = newKey[j]
				}
				s.addUpdate(id, fk.Child, h.pk, h.row, set, fk, i)
			case action == SetNull || action == SetDefault:
				if action == SetDefault {
					recheck = true
				}
				cols := fk.ChildCols
				if ch.new == nil && fk.SetCols != nil {
					cols = fk.SetCols
				}
				set := make(map[int]any, len(cols))
				for _, c := range cols {
					if action == SetNull {
						set[c] = nil
					} else {
						set[c] = s.r.Default(fk.Child, c)
					}
				}
				s.addUpdate(id, fk.Child, h.pk, h.row, set, fk, i)
			}
		}
		if recheck {
			child, err := s.stillReferencing(fk, oldKey)
			if err != nil {
				return err
			}
			s.plan.NoAction = append(s.plan.NoAction, Check{FK: fk, Key: oldKey, Referenced: child != nil})
		}
	}
	return nil
}

func sameValue(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return index.Compare(a, b) == 0 && sameScale(a, b)
}

// sameScale tells apart decimals that are equal but written differently
// (1.0 and 1.00): changing one into the other is still a change of the
// stored value, though not of any key.
func sameScale(a, b any) bool {
	x, ok1 := a.(*apd.Decimal)
	y, ok2 := b.(*apd.Decimal)
	if ok1 && ok2 {
		return x.Exponent == y.Exponent
	}
	return true
}

// identicalValues reports whether two keys are the same stored values:
// equal, and decimals with the same scale. A referenced key changed from
// 1.0 to 1.00 is a change to PostgreSQL (it compares the stored images), so
// ON UPDATE actions fire for it.
func identicalValues(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !sameValue(a[i], b[i]) {
			return false
		}
	}
	return true
}

func sameValues(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] == nil || b[i] == nil {
			if a[i] != nil || b[i] != nil {
				return false
			}
			continue
		}
		if index.Compare(a[i], b[i]) != 0 {
			return false
		}
	}
	return true
}
