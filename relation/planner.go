package relation

import (
	"bytes"
	"fmt"
	"hash/maphash"
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

// Planner expands deletes and key updates into plans. It writes nothing,
// and keeps nothing between calls but its buffers: the Plan a call returns
// is valid until the planner's next call, which reuses its memory. A
// Planner is not safe for concurrent use.
type Planner struct {
	r Reader
	s planState
}

// NewPlanner returns a planner reading through r.
func NewPlanner(r Reader) *Planner {
	p := &Planner{r: r}
	p.s.seed = maphash.MakeSeed()
	p.s.collect = func(pk []byte, row []any) bool {
		p.s.hits = append(p.s.hits, hit{pk, row})
		return true
	}
	return p
}

// planState is one plan being built, and the buffers kept for the next.
type planState struct {
	r    Reader
	plan Plan
	// rows finds the op of a row: it maps the hash of the row's table and
	// primary key to the latest op with that hash, and opState.next chains
	// the earlier ones. Hashing the bytes in place, rather than keying a
	// map by a string made of them, costs no allocation per row.
	rows map[uint64]int32
	seed maphash.Seed
	// state runs parallel to plan.Ops: each row's planned values and the
	// change waiting for expansion.
	state []opState
	work  []int // indexes into plan.Ops waiting to be expanded, FIFO
	hits  []hit // children found by the current expansion
	// oldKey and newKey hold the referenced key being expanded, reused by
	// every expansion: a key kept beyond one (in a Check or an error) is
	// cloned.
	oldKey, newKey []any
	// collect appends to hits; made once so that a scan costs no closure.
	collect func(pk []byte, row []any) bool
}

type hit struct {
	pk  []byte
	row []any
}

type opState struct {
	vals    []any  // the row as the plan leaves it; nil once deleted
	pending change // the change waiting in work
	waiting bool
	next    int32 // the previous op whose row has the same hash, or -1
}

type change struct{ old, new []any }

// tableHash hashes a table name, for rowHash.
func (s *planState) tableHash(table string) uint64 { return maphash.String(s.seed, table) }

// rowHash hashes a row's identity: th, its table's tableHash, and its
// encoded primary key. Rows of different tables may collide (find tells
// them apart), but rarely: th mixes in a random value per table.
func (s *planState) rowHash(th uint64, pk []byte) uint64 { return th ^ maphash.Bytes(s.seed, pk) }

// find returns the index of the op of the row of table with primary key
// pk, hashed to h, or -1 if the plan has none.
func (s *planState) find(h uint64, table string, pk []byte) int {
	i, ok := s.rows[h]
	if !ok {
		return -1
	}
	for ; i >= 0; i = s.state[i].next {
		if op := &s.plan.Ops[i]; op.Table == table && bytes.Equal(op.PK, pk) {
			return int(i)
		}
	}
	return -1
}

// Delete plans the deletion of one row of table, with primary key pk and
// values row, and everything its foreign keys' actions do. It returns a
// *RestrictError if a RESTRICT foreign key refuses, or an error from the
// Reader.
func (p *Planner) Delete(table string, pk []byte, row []any) (*Plan, error) {
	s := p.begin()
	s.addDelete(s.rowHash(s.tableHash(table), pk), -1, table, pk, row, nil, -1)
	return s.run()
}

// Update plans changing one row of table from old to new (same primary key
// pk before the change), and everything the change of its referenced keys
// makes foreign keys do. The statement's own row is the plan's first op.
func (p *Planner) Update(table string, pk []byte, old, new []any) (*Plan, error) {
	s := p.begin()
	set := make(map[int]any)
	for i := range new {
		if !SameValue(old[i], new[i]) {
			set[i] = new[i]
		}
	}
	s.addUpdate(s.rowHash(s.tableHash(table), pk), -1, table, pk, old, set, nil, -1)
	return s.run()
}

// maxKept bounds the ops whose buffers a planner keeps for its next call:
// one huge cascade should not pin its memory for good.
const maxKept = 1 << 14

// begin resets the planner's state for a new plan, dropping the previous
// plan's references to rows.
func (p *Planner) begin() *planState {
	s := &p.s
	s.r = p.r
	if cap(s.plan.Ops) > maxKept {
		s.plan.Ops, s.state, s.work, s.hits, s.rows = nil, nil, nil, nil, nil
	}
	// Earlier plans were cleared up to their own lengths when the plan
	// after them began; hits is reused by every expansion, so clear all of
	// it.
	clear(s.plan.Ops)
	clear(s.state)
	clear(s.hits[:cap(s.hits)])
	s.plan.Ops, s.state, s.work, s.hits = s.plan.Ops[:0], s.state[:0], s.work[:0], s.hits[:0]
	s.plan.NoAction = nil // checks may outlive the plan (deferred ones)
	if s.rows == nil {
		s.rows = make(map[uint64]int32)
	}
	clear(s.rows)
	return s
}

func (s *planState) run() (*Plan, error) {
	// work is a FIFO queue; head is its front, and work is never shifted
	// so that its buffer keeps its capacity for the next plan.
	for head := 0; head < len(s.work); head++ {
		i := s.work[head]
		st := &s.state[i]
		ch := st.pending
		st.pending, st.waiting = change{}, false
		if err := s.expand(i, ch); err != nil {
			return nil, err
		}
	}
	return &s.plan, nil
}

// add appends an op for a row the plan has not touched yet; h is the
// row's hash.
func (s *planState) add(h uint64, op Op, vals []any) int {
	i := len(s.plan.Ops)
	s.plan.Ops = append(s.plan.Ops, op)
	next := int32(-1)
	if prev, ok := s.rows[h]; ok {
		next = prev
	}
	s.state = append(s.state, opState{vals: vals, next: next})
	s.rows[h] = int32(i)
	return i
}

// addDelete plans deleting a row. The caller has looked the row up: h is
// its hash and at its op, s.find(h, table, pk).
func (s *planState) addDelete(h uint64, at int, table string, pk []byte, row []any, via *FK, from int) {
	if i := at; i >= 0 {
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
	i := s.add(h, Op{Kind: OpDelete, Table: table, PK: pk, Row: row, Via: via, From: from}, nil)
	s.queue(i, change{old: row})
}

// addUpdate plans changing set's columns of a row; h and at are as for
// addDelete.
func (s *planState) addUpdate(h uint64, at int, table string, pk []byte, row []any, set map[int]any, via *FK, from int) {
	i, ok := at, at >= 0
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
		if !SameValue(vals[c], v) {
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
	i = s.add(h, Op{Kind: OpUpdate, Table: table, PK: pk, Row: row, Set: maps(set), Via: via, From: from}, vals)
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
		if j := s.find(s.rowHash(s.tableHash(fk.Child), pk), fk.Child, pk); j >= 0 {
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
		s.oldKey = pickInto(s.oldKey, ch.old, fk.ParentCols)
		oldKey := s.oldKey
		if hasNull(oldKey) {
			continue // no child can reference a NULL key
		}
		action := fk.OnDelete
		var newKey []any
		if ch.new != nil {
			s.newKey = pickInto(s.newKey, ch.new, fk.ParentCols)
			newKey = s.newKey
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
					return &RestrictError{FK: fk, Key: slices.Clone(oldKey), Child: child}
				}
				continue
			}
			s.plan.NoAction = append(s.plan.NoAction, Check{FK: fk, Key: slices.Clone(oldKey), Referenced: child != nil})
			continue
		}
		// Collect first: adding ops must not interleave with the scan.
		// The buffer is reused: expansions never nest.
		s.hits = s.hits[:0]
		// SET DEFAULT may set a child back to the very key that is going
		// away; PostgreSQL then runs the NO ACTION check as well.
		recheck := false
		if err := s.r.Children(fk, oldKey, s.collect); err != nil {
			return err
		}
		th := s.tableHash(fk.Child)
		for _, h := range s.hits {
			id := s.rowHash(th, h.pk)
			j := s.find(id, fk.Child, h.pk)
			if j >= 0 {
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
				s.addDelete(id, j, fk.Child, h.pk, h.row, fk, i)
			case action == Cascade:
				set := make(map[int]any, len(fk.ChildCols))
				for j, c := range fk.ChildCols {
					set[c] = newKey[j]
				}
				s.addUpdate(id, j, fk.Child, h.pk, h.row, set, fk, i)
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
				s.addUpdate(id, j, fk.Child, h.pk, h.row, set, fk, i)
			}
		}
		if recheck {
			child, err := s.stillReferencing(fk, oldKey)
			if err != nil {
				return err
			}
			s.plan.NoAction = append(s.plan.NoAction, Check{FK: fk, Key: slices.Clone(oldKey), Referenced: child != nil})
		}
	}
	return nil
}

// SameValue reports whether two stored values are the same image: equal
// as keys, and decimals of the same scale (1.0 and 1.00 differ, as
// PostgreSQL sees a change between them). NULL equals only NULL.
func SameValue(a, b any) bool {
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
		if !SameValue(a[i], b[i]) {
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
