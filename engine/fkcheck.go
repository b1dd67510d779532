package engine

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"maps"
	"slices"

	"github.com/reldb/reldb/index"
	"github.com/reldb/reldb/internal/catalog"
)

// checkParent verifies that a child row references an existing parent
// under fk, or defers the check; it returns a *ConstraintError
// (ErrForeignKey) otherwise. row is a row version this transaction wrote
// and has not published: its foreign key values may be replaced by the
// parent's equal ones (see shareParentValues). pk is the row's primary
// key, immutable, or nil to have it encoded if a deferred check needs it.
func (tx *Tx) checkParent(child *catalog.Table, fk *catalog.FK, row []any, pk []byte) error {
	tx.t.EnterIntegrity() // validated under every isolation level
	defer tx.t.LeaveIntegrity()
	// The common case first, without building the key's values: a key
	// with no NULL, checked now, whose parent is there. ReadCommitted
	// locks the parent instead (see parentPresent).
	if !tx.rc && !tx.deferred(fk) && tx.parentFound(fk, row) {
		return nil
	}
	key, check, err := tx.childKey(fk, row)
	if err != nil {
		return matchFullError(child, fk, key)
	}
	if !check {
		return nil
	}
	if tx.deferred(fk) {
		if pk == nil {
			pk = child.PKKey(row)
		}
		tx.pending = append(tx.pending, pendingCheck{fk: fk, childPK: pk, stmt: !tx.deferredToCommit(fk)})
		return nil
	}
	parent, found, err := tx.parentPresent(fk, key)
	if err != nil {
		return err
	}
	if found {
		if parent != nil {
			shareParentValues(fk, row, parent)
		}
		return nil
	}
	return parentMissing(child, fk, key)
}

// childKey is fk.ChildKey of row in the transaction's buffer: valid until
// the next call, so the errors made from it render it at once.
func (tx *Tx) childKey(fk *catalog.FK, row []any) (key []any, check bool, err error) {
	tx.fkVals, check, err = fk.ChildKeyInto(tx.fkVals, row)
	return tx.fkVals, check, err
}

// matchFullError is the error of a MATCH FULL foreign key key whose
// values are partly NULL.
func matchFullError(child *catalog.Table, fk *catalog.FK, key []any) error {
	return &ConstraintError{Kind: ErrForeignKey, Constraint: fk.Name, Table: child.Name,
		Columns: child.ColNames(fk.ChildCols), Key: catalog.RenderKey(child.ColNames(fk.ChildCols), key), SQLState: StateForeignKey,
		Message: fmt.Sprintf("insert or update on table %q violates foreign key constraint %q", child.Name, fk.Name),
		Detail:  "MATCH FULL does not allow mixing of null and nonnull key values"}
}

// parentPresent reports whether a parent holds key under fk, for a check
// made now. Under ReadCommitted it first takes the parent row's key-share
// lock (see parentLocked); otherwise the read is recorded (parentExists).
// A parent row found under the lock is returned too (nil otherwise), so
// that a new child row may share its values (shareParentValues).
func (tx *Tx) parentPresent(fk *catalog.FK, key []any) (parent []any, found bool, err error) {
	if tx.rc {
		return tx.parentLocked(fk, key)
	}
	return nil, tx.parentExists(fk, key), nil
}

// parentLocked is parentPresent under ReadCommitted. It takes the
// key-share lock on the parent row a new or changed child row
// references, as PostgreSQL's foreign-key check does: a concurrent
// delete of the parent, or an update of its key, then waits for this
// transaction (an update of its other columns does not), and a parent
// deleted by a transaction that committed first is seen (the transaction
// moves to the latest state), so the check fails with 23503 at the
// statement. The lock, not the commit's validation, then keeps the parent
// from going away or changing its key, so the read is not recorded: an
// update of the parent's other columns that commits meanwhile does not
// fail this transaction, as in PostgreSQL.
//
// Only a relation to the parent's primary key is locked; the others rely
// on the commit's validation of the check (parentExists).
//
// A parent found under its lock joins the transaction's parent cache,
// which then answers for it without locking or looking again: the lock
// lasts to the transaction's end, so only the transaction itself can take
// the key away, which the cache notices (see parentCache). Under
// ReadCommitted the cache holds only such keys: these, and the parents
// the transaction inserted, locked by the insert (rememberParent).
func (tx *Tx) parentLocked(fk *catalog.FK, key []any) (parent []any, found bool, err error) {
	// In a buffer of the transaction's, not the arena: nothing keeps the
	// key unless the cache does (the lock table copies a key it keeps),
	// and an arena chunk lives as long as any stored key in it.
	enc, err := index.AppendKey(tx.fkKey[:0], key...)
	if err != nil {
		return nil, false, nil // a key that cannot be encoded finds no parent
	}
	tx.fkKey = enc
	var pc *parentCache
	if tx.fkChecks < parentCacheAfter {
		tx.fkChecks++
	} else {
		pc = tx.parentCacheFor(fk, true /* add */)
		if row, ok := pc.has(enc, tx.t.Removals()); ok {
			pc.hits++
			return row, true, nil
		}
	}
	d, err := tx.table(fk.Parent)
	if err != nil || !slices.Equal(fk.ParentCols, d.PK) {
		return nil, tx.parentExists(fk, key), nil
	}
	if _, err := tx.lockRowMode(d, enc, ForKeyShare, true); err != nil {
		return nil, false, err
	}
	e, ok := tx.t.Peek(fk.ParentTree, enc)
	if !ok {
		return nil, false, nil
	}
	row := catalog.RowOf(e.Val)
	if pc != nil {
		pc.add(tx.readKeys.Own(enc), tx.t.Removals(), row)
	}
	return row, true, nil
}

func parentMissing(child *catalog.Table, fk *catalog.FK, key []any) error {
	k := catalog.RenderKey(child.ColNames(fk.ChildCols), key)
	return &ConstraintError{Kind: ErrForeignKey, Constraint: fk.Name, Table: child.Name,
		Columns: child.ColNames(fk.ChildCols), Key: k, SQLState: StateForeignKey,
		Message: fmt.Sprintf("insert or update on table %q violates foreign key constraint %q", child.Name, fk.Name),
		Detail:  fmt.Sprintf("key %s is not present in table %q", k, fk.Parent)}
}

// parentExists looks the referenced key up, recording the read so that a
// concurrent delete of the parent conflicts with this transaction.
func (tx *Tx) parentExists(fk *catalog.FK, key []any) bool {
	enc, err := tx.ownKey(key)
	if err != nil {
		return false
	}
	_, ok := tx.t.Get(fk.ParentTree, enc)
	return ok
}

// children implements relation.Reader.Children over the transaction.
func (tx *Tx) children(fk *catalog.FK, key []any, fn func(pk []byte, row []any) bool) error {
	c := &childScan{}
	c.visitFn = c.visit
	return tx.scanChildren(c, fk, key, fn)
}

// childScan is the state of one scan of a foreign key's children: the
// callback a tree scan calls, and what it needs. A reader keeps one, its
// visitFn made once, so that the planner's many scans allocate nothing.
type childScan struct {
	fk      *catalog.FK
	d       *catalog.Table // the child table, when fk.pkAt < 0
	fn      func(pk []byte, row []any) bool
	err     error
	visitFn func(index.Entry) bool // c.visit, bound once
}

// scanChildren calls fn with the primary key and row of every child of
// fk referencing key, in childTree order, scanning with c.
func (tx *Tx) scanChildren(c *childScan, fk *catalog.FK, key []any, fn func(pk []byte, row []any) bool) error {
	*c = childScan{fk: fk, fn: fn, visitFn: c.visitFn}
	defer func() { c.fk, c.d, c.fn = nil, nil, nil }()
	if fk.PKAt < 0 {
		var err error
		if c.d, err = tx.table(fk.Child); err != nil {
			return err
		}
	}
	prefix, err := tx.ownKey(key)
	if err != nil {
		return err
	}
	tx.t.Scan(fk.ChildTree, prefix, tx.paths().RangeEnd(nil, prefix), false, c.visitFn)
	return c.err
}

func (c *childScan) visit(e index.Entry) bool {
	row := catalog.RowOf(e.Val)
	pk := e.Key
	switch {
	case c.fk.PKAt < 0:
		pk = c.d.PKKey(row)
	case c.fk.PKAt > 0:
		n, err := index.SkipValues(e.Key, c.fk.PKAt)
		if err != nil {
			c.err = err
			return false
		}
		pk = e.Key[n:]
	}
	return c.fn(pk, row)
}

// pendingCheck is a deferred foreign-key check. With childPK set it checks
// that the child row, if it still exists, references an existing parent;
// otherwise that no child references key unless a parent holds it again.
type pendingCheck struct {
	fk      *catalog.FK
	childPK []byte
	key     []any
	// stmt marks a check of a child row held to the end of the statement
	// that wrote it (not to commit): no record of the row has left the
	// statement when it runs, so the row may still share its parent's
	// values (shareParentValues).
	stmt bool
}

// deferred reports whether fk's NO ACTION checks wait for commit in this
// transaction.
func (tx *Tx) deferred(fk *catalog.FK) bool {
	if tx.writeState != nil && tx.stmtChecks {
		return true // to the end of the statement (InsertRows)
	}
	return tx.deferredToCommit(fk)
}

// deferredToCommit is deferred outside a statement's checks: whether
// the relation's mode defers its checks to commit.
func (tx *Tx) deferredToCommit(fk *catalog.FK) bool {
	if !fk.Deferrable {
		return false
	}
	if m, ok := tx.modes[fk.Name]; ok {
		return m == Deferred
	}
	if tx.allMode != nil {
		return *tx.allMode == Deferred
	}
	return fk.InitiallyDeferred
}

// ConstraintMode says when a deferrable relation's NO ACTION checks run.
type ConstraintMode uint8

const (
	// Immediate runs the checks at the end of each statement.
	Immediate ConstraintMode = iota
	// Deferred runs the checks at commit.
	Deferred
)

var _ fmt.Stringer = Deferred

// String returns "IMMEDIATE" or "DEFERRED", as SQL spells them.
func (m ConstraintMode) String() string {
	switch m {
	case Immediate:
		return "IMMEDIATE"
	case Deferred:
		return "DEFERRED"
	}
	return fmt.Sprintf("ConstraintMode(%d)", uint8(m))
}

// SetConstraints sets the mode of the named deferrable relations (all of
// them when no name is given): Deferred moves their NO ACTION checks to
// commit, Immediate to the end of each statement, like SQL's
// SET CONSTRAINTS. Making a relation immediate runs
// its pending checks at once; if one fails, SetConstraints returns its
// *ConstraintError and the checks stay pending. RESTRICT and the actions
// (CASCADE, SET NULL, SET DEFAULT) are never deferred. Returns ErrSchema
// for an unknown or non-deferrable relation name.
func (tx *Tx) SetConstraints(mode ConstraintMode, names ...string) error {
	if err := tx.enter(); err != nil {
		return err
	}
	defer tx.leave()
	if mode != Immediate && mode != Deferred {
		return fmt.Errorf("set constraints: %w: unknown mode %v (want Immediate or Deferred)", ErrInvalidArgument, mode)
	}
	for _, n := range names {
		fk := tx.relationNamed(n)
		if fk == nil {
			return fmt.Errorf("set constraints: %w", &ConstraintError{Kind: ErrSchema, Constraint: n,
				SQLState: StateUndefinedObject, Message: fmt.Sprintf("constraint %q does not exist", n)})
		}
		if !fk.Deferrable {
			return fmt.Errorf("set constraints: %w", &ConstraintError{Kind: ErrSchema, Constraint: n, Table: fk.Child,
				SQLState: StateWrongObjectType, Message: fmt.Sprintf("constraint %q is not deferrable", n)})
		}
	}
	// A failed SetConstraints changes nothing: keep the modes to restore.
	oldModes, oldAll := maps.Clone(tx.modes), tx.allMode
	if len(names) == 0 {
		tx.modes = nil
		tx.allMode = &mode
	} else {
		if tx.modes == nil {
			tx.modes = make(map[string]ConstraintMode)
		}
		for _, n := range names {
			tx.modes[n] = mode
		}
	}
	if mode == Deferred {
		return nil
	}
	if err := tx.runPending(func(fk *catalog.FK) bool { return !tx.deferred(fk) }); err != nil {
		tx.modes, tx.allMode = oldModes, oldAll
		return fmt.Errorf("set constraints: %w", err)
	}
	return nil
}

// runPending runs the pending checks whose relation which selects (all when
// which is nil), dropping those that pass. It returns the first failure.
func (tx *Tx) runPending(which func(*catalog.FK) bool) error {
	tx.t.EnterIntegrity() // validated under every isolation level
	defer tx.t.LeaveIntegrity()
	keep := tx.pending[:0]
	var first error
	for _, c := range tx.pending {
		if which != nil && !which(c.fk) {
			keep = append(keep, c)
			continue
		}
		if err := tx.runCheck(c); err != nil {
			keep = append(keep, c)
			if first == nil {
				first = err
			}
		}
	}
	clear(tx.pending[len(keep):])
	tx.pending = keep
	return first
}

func (tx *Tx) runCheck(c pendingCheck) error {
	child, err := tx.table(c.fk.Child)
	if err != nil {
		return nil // the table was dropped: nothing left to check
	}
	if c.childPK != nil {
		e, ok := tx.t.Get(child.Primary, c.childPK)
		if !ok {
			return nil // the row is gone
		}
		row := catalog.RowOf(e.Val)
		key, check, err := tx.childKey(c.fk, row)
		if err != nil || !check {
			return nil // checked when written
		}
		// A check at the end of its statement locks the parent as an
		// immediate one does; one deferred to commit only reads.
		found := false
		var parent []any
		if tx.deferred(c.fk) {
			found = tx.parentExists(c.fk, key)
		} else if parent, found, err = tx.parentPresent(c.fk, key); err != nil {
			return err
		}
		if !found {
			return parentMissing(child, c.fk, key)
		}
		if parent != nil && c.stmt {
			// The row is a version the statement wrote, which nothing
			// outside it sees yet: it may share its parent's values as a
			// row checked at once does (checkParent).
			shareParentValues(c.fk, row, parent)
		}
		return nil
	}
	return tx.checkNoChildren(c.fk, c.key)
}

// checkNoChildren returns a *ConstraintError (ErrForeignKey) if a child row
// still references key and no parent holds key.
func (tx *Tx) checkNoChildren(fk *catalog.FK, key []any) error {
	if tx.parentExists(fk, key) {
		return nil
	}
	var found []any
	if err := tx.children(fk, key, func(_ []byte, row []any) bool {
		found = row
		return false
	}); err != nil {
		return err
	}
	if found == nil {
		return nil
	}
	return tx.stillReferenced(fk, key, ErrForeignKey)
}

// stillReferenced is PostgreSQL's "update or delete on table violates
// foreign key constraint" error.
func (tx *Tx) stillReferenced(fk *catalog.FK, key []any, kind error) error {
	parent, _ := tx.table(fk.Parent)
	cols := []string{}
	if parent != nil {
		cols = parent.ColNames(fk.ParentCols)
	}
	k := catalog.RenderKey(cols, key)
	// As PostgreSQL's, the error's table is the referencing one: the
	// constraint belongs to it.
	return &ConstraintError{Kind: kind, Constraint: fk.Name, Table: fk.Child, Columns: cols, Key: k, SQLState: StateForeignKey,
		Message: fmt.Sprintf("update or delete on table %q violates foreign key constraint %q on table %q", fk.Parent, fk.Name, fk.Child),
		Detail:  fmt.Sprintf("key %s is still referenced from table %q", k, fk.Child)}
}

// checkChangedParents checks the relations of a row whose referencing
// columns changed.
func (tx *Tx) checkChangedParents(d *catalog.Table, old, row []any) error {
	tx.t.EnterIntegrity() // validated under every isolation level
	defer tx.t.LeaveIntegrity()
	for _, fk := range d.FKs {
		changed := false
		for _, c := range fk.ChildCols {
			if !sameStored(old[c], row[c]) {
				changed = true
				break
			}
		}
		if changed {
			if err := tx.checkParent(d, fk, row, nil /* pk */); err != nil {
				return err
			}
		}
	}
	return nil
}

// parentCache remembers, for one relation, parent keys that this write
// transaction knows to be present, so that checking a foreign key costs a
// B-tree descent once per distinct parent instead of once per child row: a
// bulk load checks the same author for each of its books and the same few
// tags for thousands of junction rows.
//
// A key gets in three ways, and a hit answers "present" without looking:
//
//   - A lookup found it. That lookup went through txn.Txn.Get, which put
//     the key in the read set, and a read set only grows during a
//     transaction (even RollbackTo keeps reads). So a concurrent
//     transaction that deletes the parent and commits first still makes
//     this one conflict at commit, as if every child had looked it up.
//   - This transaction inserted the parent (see rememberParent). Its write
//     set holds the key then, and a concurrent commit that writes the key
//     conflicts with that write; no read is needed. Under ReadCommitted
//     the insert also locked the row.
//   - Under ReadCommitted, the transaction found it holding its key-share
//     lock (parentLocked), which no other transaction's delete or key
//     update gets past until this one ends, and which makes a lockless
//     commit that writes the row fail.
//
// Within the transaction the parent tree can lose a key only by a removal
// — a delete (a cascade's too), an update moving a key, a rollback of a
// statement or savepoint undoing the parent's insert, a dropped tree — and
// each advances txn.Txn.Removals. A slot keeps the count it was filled at
// and is ignored once the count moved.
//
// Only present keys are cached: a missing parent is an error, never the
// fast path. Slots form two-way sets indexed by a hash of the encoded key;
// a third key in a set evicts the older one.
type parentCache struct {
	fk    *catalog.FK
	hits  int          // checks answered by a slot (tests look)
	slots []parentSlot // 2*parentSets
}

type parentSlot struct {
	key      []byte // the encoded parent key, immutable (from the arena or a tree)
	removals uint64 // txn.Txn.Removals when the key was known present
	row      []any  // the parent row found under key (see shareParentValues)
}

const (
	// parentSets is the sets per relation, of two slots each: room for
	// about a hundred parents in use at once (a tag table) in 4 KiB.
	parentSets = 64
	// parentCacheAfter is the foreign-key checks after which a
	// transaction starts caching parents, so that a short one pays
	// nothing for the cache.
	parentCacheAfter = 8
)

// set returns the two slots key may occupy.
func (pc *parentCache) set(key []byte) []parentSlot {
	i := 2 * int(slotHash(key)>>(64-6)) // top 6 bits: parentSets = 64
	return pc.slots[i : i+2 : i+2]
}

// has returns the parent row cached under key at the removal count, or
// false when key is not cached as present.
func (pc *parentCache) has(key []byte, removals uint64) ([]any, bool) {
	s := pc.set(key)
	switch {
	case s[0].removals == removals && bytes.Equal(s[0].key, key):
		return s[0].row, true
	case s[1].removals == removals && bytes.Equal(s[1].key, key):
		return s[1].row, true
	}
	return nil, false
}

// add caches key, immutable, as present at the removal count with the
// parent row found under it: into an unusable slot of its set if there is
// one, else in place of the older.
func (pc *parentCache) add(key []byte, removals uint64, row []any) {
	s := pc.set(key)
	slot := parentSlot{key: key, removals: removals, row: row}
	switch {
	case s[0].removals != removals || s[0].key == nil:
		s[0] = slot
	case s[1].removals != removals || s[1].key == nil:
		s[1] = slot
	default:
		s[1] = s[0]
		s[0] = slot
	}
}

// slotHash mixes an encoded key's bytes, eight at a time; the top bits of
// the result are well spread. Keys are at most a few dozen bytes. A
// collision costs only a lookup.
func slotHash(key []byte) uint64 {
	const m = 0x9E3779B97F4A7C15
	h := uint64(len(key))
	for ; len(key) >= 8; key = key[8:] {
		h = (h ^ binary.LittleEndian.Uint64(key)) * m
		h ^= h >> 32
	}
	for _, b := range key {
		h = (h ^ uint64(b)) * m
	}
	return h * m
}

// parentCacheFor returns the transaction's cache for fk, adding one if
// add is set, else nil. Transactions check few relations, so a linear
// search is the fastest lookup.
func (tx *Tx) parentCacheFor(fk *catalog.FK, add bool) *parentCache {
	for i := range tx.parents {
		if tx.parents[i].fk == fk {
			return &tx.parents[i]
		}
	}
	if !add {
		return nil
	}
	tx.parents = append(tx.parents, parentCache{fk: fk, slots: make([]parentSlot, 2*parentSets)})
	return &tx.parents[len(tx.parents)-1]
}

// parentFound reports whether row's foreign key under fk has no NULL and
// references a parent present in the transaction's view, recording the
// read as parentExists does (or knowing it recorded; see parentCache).
// false means "not shown": the caller takes the general path, which
// handles NULLs, MATCH FULL, deferral and the error. When it finds the
// parent, row's foreign key values become the parent's (see
// shareParentValues).
func (tx *Tx) parentFound(fk *catalog.FK, row []any) bool {
	buf := tx.scratch[:0]
	for _, c := range fk.ChildCols {
		if row[c] == nil {
			return false
		}
		var err error
		if buf, err = index.AppendValue(buf, row[c]); err != nil {
			return false
		}
	}
	tx.scratch = buf
	var pc *parentCache
	removals := tx.t.Removals()
	if tx.fkChecks < parentCacheAfter {
		tx.fkChecks++
	} else {
		pc = tx.parentCacheFor(fk, true /* add */)
		if parent, ok := pc.has(buf, removals); ok {
			pc.hits++
			shareParentValues(fk, row, parent)
			return true
		}
	}
	key := tx.readKeys.Own(buf) // the read set keeps it
	e, ok := tx.t.Get(fk.ParentTree, key)
	if !ok {
		return false
	}
	parent := catalog.RowOf(e.Val)
	if pc != nil {
		pc.add(key, removals, parent)
	}
	shareParentValues(fk, row, parent)
	return true
}

// shareParentValues makes the foreign key values of row, a new row version
// no one else has seen, the very values of its parent row: equal ones,
// since their keys are equal, but held in the parent's memory, so that the
// child's own copies (a boxed int64, a string) are freed. A junction row
// references its book by the book's own boxed id, and the 8 bytes of its
// box are not kept once per child. Only types whose equal keys are equal
// values are shared: Int, Text and Bytes (not a decimal, whose key drops
// its scale, nor a time, whose key drops its location).
func shareParentValues(fk *catalog.FK, row, parent []any) {
	for i, c := range fk.ChildCols {
		pv := parent[fk.ParentCols[i]]
		switch pv.(type) {
		case int64:
			_, ok := row[c].(int64)
			if ok {
				row[c] = pv // the interface itself: converting v back would box it anew
			}
		case string:
			if _, ok := row[c].(string); ok {
				row[c] = pv
			}
		case []byte:
			if _, ok := row[c].([]byte); ok {
				row[c] = pv
			}
		}
	}
}

// rememberParent caches row, which this transaction just inserted into d,
// under the primary key pk (immutable), as a present parent for each
// relation referencing d's primary key whose parents the transaction
// already caches (see parentCache for why that needs no read). Loading
// parents, then their children, looks no parent up.
func (tx *Tx) rememberParent(d *catalog.Table, pk []byte, row []any) {
	for _, fk := range d.Refs {
		if fk.ParentTree != d.Primary {
			continue
		}
		if pc := tx.parentCacheFor(fk, false /* add */); pc != nil {
			pc.add(pk, tx.t.Removals(), row)
		}
	}
}
