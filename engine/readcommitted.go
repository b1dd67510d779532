package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/reldb/reldb/internal/catalog"
	"github.com/reldb/reldb/relation"
	"github.com/reldb/reldb/txn"
)

// READ COMMITTED, as PostgreSQL has it, on top of the engine's optimistic
// MVCC:
//
//   - Each statement reads the latest committed state: a ReadCommitted
//     transaction refreshes its snapshot (txn.Txn.Refresh, which keeps its
//     own writes) at the start of every statement — every Tx method call,
//     or, for the SQL layer, every BeginStatement.
//   - A row it updates, deletes or inserts is locked first (by table and
//     primary key, until the transaction ends), in PostgreSQL's modes (see
//     LockStrength): FOR NO KEY UPDATE for an update that leaves the key
//     columns alone, FOR UPDATE for a delete, a key update or an insert.
//     So are the rows its cascades delete or update (lockedPlan). A row
//     locked by another live transaction in a conflicting mode is waited
//     for; if, once the lock is ours, the row's latest committed version
//     is not the one the statement saw, the transaction refreshes again
//     and works on the new version (the SQL layer re-checks its WHERE on
//     it, as PostgreSQL's EvalPlanQual does). So concurrent updates of one
//     row serialize instead of failing.
//   - A wait that would close a cycle fails at once with ErrDeadlock
//     (40P01); waits end with the transaction's context.
//   - Reads are not validated at commit, except those of constraint checks
//     (a child's parent, a deleted parent's children, the schema), which
//     fail the commit with ErrConflict instead of leaving an orphan.
//
// RepeatableRead transactions take the same row locks (not the
// key-share locks of foreign-key checks, whose reads their commit
// validates) but keep their snapshot: a row that changed since it, found
// on taking its lock (at once, or after waiting for the transaction that
// changed it to commit), fails the statement with ErrConflict (40001), as
// PostgreSQL's REPEATABLE READ does; a key inserted since is a unique
// violation.
//
// Serializable transactions take no locks. A commit of theirs that would
// change a row another transaction holds locked fails with ErrConflict,
// so the lock holder's work is never lost.
//
// A new or changed child row takes a key-share lock on its parent's row,
// as PostgreSQL's foreign-key check does: a delete of the parent, or an
// update of its key, waits for the child's transaction and then sees the
// child, and a child waits for a parent's delete and then fails with
// 23503; an update of the parent's other columns and the child's insert
// do not wait for each other. A transaction that waited for a lock, or
// found its row changed, or locks a parent row FOR UPDATE, moves to the
// latest state first.
//
// A unique index value an insert or update writes is locked too, so a
// second inserter of one value waits and then fails with 23505, as in
// PostgreSQL.
//
// Not yet as in PostgreSQL: key-share locks are taken for relations to a
// parent's primary key only; a lockless commit fails on any row a
// ReadCommitted transaction holds, whatever the mode (PostgreSQL's
// REPEATABLE READ updater of a non-key column would not wait for a
// key-share lock); lock waits are not queued fairly, so a steady stream of
// compatible lockers can keep a FOR UPDATE waiting.

// ErrDeadlock is returned when waiting for a row lock would wait forever:
// the holder is waiting, directly or through others, for a lock this
// transaction holds. SQLSTATE 40P01. DB.Update retries it like
// ErrConflict.
var ErrDeadlock = errors.New("reldb: deadlock detected")

// ErrLockNotAvailable is returned by TryLockRow and TryLockRowFor when
// another transaction holds the row in a conflicting mode, and by a lock
// wait that outlasts Tx.SetLockTimeout. SQLSTATE 55P03.
var ErrLockNotAvailable = errors.New("reldb: could not obtain lock on row")

// LockStrength is the mode of a row lock: PostgreSQL's four row-level
// lock modes, weakest first. Two transactions may hold one row at once
// unless their modes conflict:
//
//	                 ForKeyShare  ForShare  ForNoKeyUpdate  ForUpdate
//	ForKeyShare                                                X
//	ForShare                                      X            X
//	ForNoKeyUpdate                    X           X            X
//	ForUpdate             X           X           X            X
//
// Under ReadCommitted an update that leaves the row's key columns (its
// primary key and the columns of its unique indexes) as they were takes
// ForNoKeyUpdate; a delete, or an update that changes a key column, takes
// ForUpdate; a foreign-key check takes ForKeyShare on the parent row. So
// a child insert and an update of its parent's other columns do not wait
// for each other, while a delete of the parent waits for the child's
// transaction, as in PostgreSQL.
type LockStrength uint8

// The row lock modes, as SELECT's locking clauses name them.
const (
	ForKeyShare LockStrength = iota + 1
	ForShare
	ForNoKeyUpdate
	ForUpdate
)

var _ fmt.Stringer = ForUpdate

// String returns the mode as SQL's locking clause spells it, such as
// "FOR NO KEY UPDATE".
func (s LockStrength) String() string {
	switch s {
	case ForKeyShare:
		return "FOR KEY SHARE"
	case ForShare:
		return "FOR SHARE"
	case ForNoKeyUpdate:
		return "FOR NO KEY UPDATE"
	case ForUpdate:
		return "FOR UPDATE"
	}
	return fmt.Sprintf("LockStrength(%d)", uint8(s))
}

// conflicts reports whether locks of modes s and o on one row, held by
// two transactions, conflict. With the modes numbered 1 to 4 weakest
// first, the table above is exactly "their sum exceeds 4".
func (s LockStrength) conflicts(o LockStrength) bool { return s+o > 4 }

// lockHolder is a transaction holding a row lock, in the strongest mode
// it asked for: each mode's conflicts include those of the weaker ones,
// so the strongest one stands for all.
type lockHolder struct {
	tx   *Tx
	mode LockStrength
}

// rowLock is a held lock on one key of one tree (a table's primary tree,
// or a unique index's): its holders, of compatible modes. released is
// made by the first waiter and closed, and dropped, whenever a holder lets
// go, waking the waiters to look again; most locks are never waited for.
type rowLock struct {
	tree     txn.TreeID
	key      lockKey
	holders  []lockHolder
	one      [1]lockHolder // holders' first backing array: most locks have one holder
	released chan struct{}
}

// modeOf returns the mode tx holds the lock in, 0 if none.
func (l *rowLock) modeOf(tx *Tx) LockStrength {
	for _, h := range l.holders {
		if h.tx == tx {
			return h.mode
		}
	}
	return 0
}

// blockers returns the holders a request of tx in the given mode must
// wait for.
func (l *rowLock) blockers(tx *Tx, mode LockStrength) []*Tx {
	var out []*Tx
	for _, h := range l.holders {
		if h.tx != tx && h.mode.conflicts(mode) {
			out = append(out, h.tx)
		}
	}
	return out
}

// grant records tx as holding the lock in mode, upgrading the mode it
// holds if any.
func (l *rowLock) grant(tx *Tx, mode LockStrength) {
	for i := range l.holders {
		if l.holders[i].tx == tx {
			l.holders[i].mode = mode
			return
		}
	}
	if l.holders == nil {
		l.holders = l.one[:0]
	}
	l.holders = append(l.holders, lockHolder{tx, mode})
}

// drop removes tx from the holders.
func (l *rowLock) drop(tx *Tx) {
	for i := range l.holders {
		if l.holders[i].tx == tx {
			last := len(l.holders) - 1
			l.holders[i] = l.holders[last]
			l.holders[last] = lockHolder{}
			l.holders = l.holders[:last]
			return
		}
	}
}

// lockWait is what a waiting transaction waits for: a lock, in a mode.
type lockWait struct {
	l    *rowLock
	mode LockStrength
}

// lockTable holds the row locks of a DB's ReadCommitted and
// RepeatableRead transactions.
type lockTable struct {
	mu    sync.Mutex
	locks map[txn.TreeID]*treeLocks
	waits map[*Tx]lockWait // what each waiting transaction waits for
	slab  []rowLock        // the next locks to hand out (see newLock)
	n     atomic.Int64     // locks held: zero lets other commits skip the check
}

// treeLocks holds the locks on the keys of one tree. A bulk load holds
// tens of thousands, one per row it inserted: a key short enough, as
// those of one or two integers are, is held in the map's own slots, so
// that a lock costs no string of its own and growing the map, or
// comparing a key, reads no memory outside it.
type treeLocks struct {
	short map[shortKey]*rowLock
	long  map[string]*rowLock
}

// shortKey is a key of up to len(b) bytes, held inline; unused bytes
// are zero, so equal keys are equal values.
type shortKey struct {
	n uint8
	b [23]byte
}

// lockKey is a lock's key as its tree's table holds it: in short, or
// in long when it does not fit there.
type lockKey struct {
	short shortKey
	long  string
}

// keyOf returns key as the lock table holds it.
func keyOf(key []byte) lockKey {
	var k lockKey
	if len(key) <= len(k.short.b) {
		k.short.n = uint8(len(key))
		copy(k.short.b[:], key)
	} else {
		k.long = string(key)
	}
	return k
}

// get returns the lock on key, or nil.
func (tl *treeLocks) get(key []byte) *rowLock {
	if tl == nil {
		return nil
	}
	if len(key) <= len(shortKey{}.b) {
		k := shortKey{n: uint8(len(key))}
		copy(k.b[:], key)
		return tl.short[k]
	}
	return tl.long[string(key)]
}

// put adds l under its key.
func (tl *treeLocks) put(l *rowLock) {
	if l.key.long == "" {
		tl.short[l.key.short] = l
	} else {
		tl.long[l.key.long] = l
	}
}

// remove takes l's key out.
func (tl *treeLocks) remove(l *rowLock) {
	if l.key.long == "" {
		delete(tl.short, l.key.short)
	} else {
		delete(tl.long, l.key.long)
	}
}

// lockSlab is how many rowLocks newLock allocates at once. A slab lives
// while any of its locks is in the table; a bulk load takes tens of
// thousands.
const lockSlab = 32

// newLock returns a new lock on key of tree, in the table.
// REQUIRES: lt.mu held.
func (lt *lockTable) newLock(tree txn.TreeID, key []byte) *rowLock {
	if lt.locks == nil {
		lt.locks = make(map[txn.TreeID]*treeLocks)
		lt.waits = make(map[*Tx]lockWait)
	}
	tl := lt.locks[tree]
	if tl == nil {
		tl = &treeLocks{short: make(map[shortKey]*rowLock), long: make(map[string]*rowLock)}
		lt.locks[tree] = tl
	}
	if len(lt.slab) == 0 {
		lt.slab = make([]rowLock, lockSlab)
	}
	l := &lt.slab[0]
	lt.slab = lt.slab[1:]
	l.tree, l.key = tree, keyOf(key)
	tl.put(l)
	lt.n.Add(1)
	return l
}

// acquire takes the lock on key of tree for tx in mode, waiting while
// other transactions hold it in a conflicting mode (or failing with
// ErrLockNotAvailable, without wait). A holder that asks for a stronger
// mode upgrades once no other holder conflicts with it. It reports
// whether tx already held it in that mode or a stronger one. The lock
// table keeps a copy of key.
func (lt *lockTable) acquire(tx *Tx, tree txn.TreeID, key []byte, mode LockStrength, wait bool) (already, waited bool, err error) {
	// The context a wait ends with is made on the first wait: most locks
	// are free, and the context costs five allocations.
	var ctx context.Context
	done := func() {}
	defer func() { done() }()
	lt.mu.Lock()
	defer lt.mu.Unlock()
	for {
		l := lt.locks[tree].get(key)
		if l == nil {
			l = lt.newLock(tree, key)
		}
		held := l.modeOf(tx)
		if held >= mode {
			return true, waited, nil
		}
		blockers := l.blockers(tx, mode)
		if len(blockers) == 0 {
			if held == 0 {
				tx.held = append(tx.held, l)
			}
			l.grant(tx, mode)
			return false, waited, nil
		}
		if !wait {
			lt.dropIfEmpty(l)
			return false, false, ErrLockNotAvailable
		}
		for _, b := range blockers {
			if lt.waitsFor(b, tx, len(lt.waits)+1) {
				lt.dropIfEmpty(l)
				return false, false, fmt.Errorf("%w: waiting for a row of table tree %d held by a transaction that waits for this one", ErrDeadlock, tree)
			}
		}
		lt.waits[tx] = lockWait{l, mode}
		if l.released == nil {
			l.released = make(chan struct{})
		}
		ch := l.released
		lt.mu.Unlock()
		if ctx == nil {
			ctx, done = tx.waitContext()
		}
		waited = true
		select {
		case <-ch:
			lt.mu.Lock()
			delete(lt.waits, tx)
		case <-ctx.Done():
			lt.mu.Lock()
			delete(lt.waits, tx)
			if context.Cause(ctx) == errLockTimeout {
				return false, true, fmt.Errorf("%w: lock timeout", ErrLockNotAvailable)
			}
			return false, true, ctx.Err()
		}
	}
}

// waitsFor reports whether from waits, directly or through others, for
// a lock that to holds. depth bounds the search. REQUIRES: lt.mu held.
func (lt *lockTable) waitsFor(from, to *Tx, depth int) bool {
	if depth < 0 {
		return false
	}
	if from == to {
		return true
	}
	w, ok := lt.waits[from]
	if !ok {
		return false
	}
	for _, h := range w.l.blockers(from, w.mode) {
		if lt.waitsFor(h, to, depth-1) {
			return true
		}
	}
	return false
}

// waiting reports whether tx waits for a lock now.
func (lt *lockTable) waiting(tx *Tx) bool {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	_, ok := lt.waits[tx]
	return ok
}

// dropIfEmpty removes a lock nobody holds from the table; a waiter
// that wakes looks the key up again. REQUIRES: lt.mu held.
func (lt *lockTable) dropIfEmpty(l *rowLock) {
	if len(l.holders) == 0 {
		lt.locks[l.tree].remove(l)
		lt.n.Add(-1)
	}
}

// releaseAll lets go of every lock tx holds.
func (lt *lockTable) releaseAll(tx *Tx) {
	if len(tx.held) == 0 {
		return
	}
	lt.mu.Lock()
	for _, l := range tx.held {
		l.drop(tx)
		if l.released != nil {
			close(l.released)
			l.released = nil
		}
		lt.dropIfEmpty(l)
	}
	lt.mu.Unlock()
	tx.held = nil
}

// shrinkLocks is how many row locks a transaction must have held for its
// end to shrink the lock table (see lockTable.end).
const shrinkLocks = 4096

// end lets go of every lock tx holds (releaseAll) and, when it held many,
// of the room the lock table grew to hold them: a Go map keeps the memory
// of its largest size, so a bulk load under READ COMMITTED, which locks
// every row it inserts, would leave the table holding some 90 bytes per
// row for the life of the DB (measured: 93 MB after loading a million
// rows through SQL). The locks others hold move to a map of their size,
// a cost in proportion to them paid once per transaction that held
// thousands.
func (lt *lockTable) end(tx *Tx) {
	held := len(tx.held)
	lt.releaseAll(tx)
	if held < shrinkLocks {
		return
	}
	lt.mu.Lock()
	defer lt.mu.Unlock()
	// Not maps.Clone, which may keep the source's size.
	for _, tl := range lt.locks {
		short := make(map[shortKey]*rowLock, len(tl.short))
		for k, l := range tl.short {
			short[k] = l
		}
		long := make(map[string]*rowLock, len(tl.long))
		for k, l := range tl.long {
			long[k] = l
		}
		tl.short, tl.long = short, long
	}
}

// checkWrites returns a conflict if the commit of a lockless transaction
// (Serializable, RepeatableRead: it holds no lock) changes a row any
// transaction holds locked. It runs under the commit lock, as the commit
// hook of every lockless write transaction (DB.locklessHook): a lock taken
// after it returns waits (Oracle.Barrier) for the commit to publish, so
// the lock holder reads what it wrote.
func (lt *lockTable) checkWrites(c *txn.Changes) error {
	if lt.n.Load() == 0 {
		return nil
	}
	lt.mu.Lock()
	defer lt.mu.Unlock()
	var err error
	c.Each(func(id txn.TreeID, whole bool, keys [][]byte) {
		for _, k := range keys {
			if err != nil {
				return
			}
			if l := lt.locks[id].get(k); l != nil && len(l.holders) > 0 {
				err = &txn.ConflictError{Tree: id, Key: append([]byte(nil), k...), Version: c.Version}
			}
		}
	})
	return err
}

// BeginStatement starts a statement of several calls, for a layer such as
// SQL whose one statement makes many: a ReadCommitted transaction takes
// the latest committed state now, and keeps it through the calls until
// EndStatement instead of refreshing at each (a row it must lock that
// changed meanwhile still refreshes it). A row-lock wait in the statement
// ends when ctx does, as well as with the transaction's context. Other
// isolation levels ignore it. Statements do not nest.
func (tx *Tx) BeginStatement(ctx context.Context) error {
	if err := tx.live(); err != nil {
		return err
	}
	if tx.writeState == nil || !tx.rc {
		return nil
	}
	tx.stmtCtx = ctx
	tx.stmtHeld = false
	if err := tx.refresh(); err != nil {
		return err
	}
	tx.stmtHeld = true
	return nil
}

// EndStatement ends the statement BeginStatement began.
func (tx *Tx) EndStatement() {
	if tx.writeState != nil {
		tx.stmtHeld, tx.stmtCtx = false, nil
	}
}

// SetLockTimeout bounds each row-lock wait of the transaction: one that
// lasts longer fails with ErrLockNotAvailable (55P03), as PostgreSQL's
// lock_timeout does. 0 means no bound.
func (tx *Tx) SetLockTimeout(d time.Duration) {
	if tx.writeState != nil {
		tx.lockTimeout = d
	}
}

// errLockTimeout is the cause a lock wait's context ends with when the
// lock timeout passes.
var errLockTimeout = errors.New("lock timeout")

// waitContext is what a lock wait of the transaction ends with: the
// statement's context within BeginStatement, else the transaction's, and
// the lock timeout.
func (tx *Tx) waitContext() (context.Context, context.CancelFunc) {
	base := tx.ctx
	if tx.stmtCtx != nil {
		base = tx.stmtCtx
	}
	ctx, cancel := context.WithCancel(base)
	stop := context.AfterFunc(tx.ctx, cancel)
	if tx.lockTimeout > 0 {
		var cancelT context.CancelFunc
		ctx, cancelT = context.WithTimeoutCause(ctx, tx.lockTimeout, errLockTimeout)
		return ctx, func() { cancelT(); stop(); cancel() }
	}
	return ctx, func() { stop(); cancel() }
}

// statement starts a Tx method's statement: a ReadCommitted transaction
// outside BeginStatement refreshes.
func (tx *Tx) statement() error {
	if tx.writeState == nil || !tx.rc || tx.stmtHeld {
		return nil
	}
	return tx.refresh()
}

// refresh moves the transaction onto the latest committed state.
func (tx *Tx) refresh() error {
	before := tx.t.Snapshot()
	if err := tx.t.Refresh(); err != nil {
		return tx.conflictError(err)
	}
	if tx.t.Snapshot() == before {
		// Nothing committed since: the cached schema is still what the
		// transaction sees, and its catalog reads are still in the read
		// set. Looking again would add them to it once per statement.
		return nil
	}
	tx.tables.forget()
	tx.cat = nil
	return nil
}

// lockRow locks the row at pk of d for a delete or an insert (ForUpdate),
// under ReadCommitted. It reports whether the transaction moved to a
// newer state to see the row's latest committed version, after which the
// caller must look it up again.
func (tx *Tx) lockRow(d *catalog.Table, pk []byte) (moved bool, err error) {
	return tx.lockRowMode(d, pk, ForUpdate, true)
}

// lockRowMode is lockRow in mode; without wait, a row another transaction
// holds in a conflicting mode is ErrLockNotAvailable at once.
func (tx *Tx) lockRowMode(d *catalog.Table, pk []byte, mode LockStrength, wait bool) (moved bool, err error) {
	return tx.lockTreeKey(d.Primary, pk, mode, wait, mode == ForUpdate && len(d.Refs) > 0)
}

// lockUnique takes the value lock on a unique index key a statement is
// about to write, under ReadCommitted: a concurrent inserter of the same
// value is waited for, and if it committed the transaction moves to the
// latest state, where the write finds the duplicate (23505), as
// PostgreSQL's second inserter does.
func (tx *Tx) lockUnique(ix *catalog.Index, key []byte) error {
	if !tx.locking() || !ix.Unique {
		return nil
	}
	_, err := tx.lockTreeKey(ix.Tree, key, ForUpdate, true, false /* parent */)
	return err
}

// lockTreeKey locks key of tree in mode: a table's primary key, or a
// unique index's value. parent says the row is a parent locked to delete
// it or change its key, whose referential checks must see the latest
// children.
func (tx *Tx) lockTreeKey(tree txn.TreeID, key []byte, mode LockStrength, wait, parent bool) (moved bool, err error) {
	if !tx.locking() {
		return false, nil
	}
	already, waited, err := tx.db.locks.acquire(tx, tree, key, mode, wait)
	if err != nil || already {
		return false, err
	}
	// A lockless commit that changes this row either saw the lock and
	// failed, or validated before the lock was taken: wait for it to
	// publish, so that the latest state below includes it.
	tx.db.oracle.Barrier()
	if tx.rc && !waited && !tx.t.Behind() {
		// Nothing committed since the transaction's state: the row's
		// latest committed version is the one it sees, under its own
		// changes, and there are no children it does not see. (Looking,
		// it would find only its own change, and moving would not move.)
		return false, nil
	}
	latestSnap := tx.db.oracle.Latest()
	var latest, seen *[]any
	derived := tx.t.Derived(tree)
	if tr := latestSnap.Tree(tree); tr != nil {
		if e, ok := tr.Get(key); ok {
			latest = e.Val
		}
		derived = derived || tr.Derived()
	}
	if e, ok := tx.t.Peek(tree, key); ok {
		seen = e.Val
	}
	same := tx.sameVersion(tree, key, derived, latest, seen)
	if !tx.rc {
		// RepeatableRead keeps its snapshot: a row another transaction
		// changed since is a serialization failure now, as PostgreSQL
		// reports it, rather than at commit. A key that appeared since
		// is left to the caller (an insert's unique violation).
		if !same && seen != nil {
			return false, tx.conflictError(&txn.ConflictError{Tree: tree, Key: []byte(key), Version: latestSnap.Version()})
		}
		return false, nil
	}
	// A lock waited for, or a row that changed, means another transaction
	// committed something this one must see; so does locking a parent row
	// to delete it or change its key, whose referential check must see the
	// children other transactions committed since the statement began, as
	// PostgreSQL's does.
	if same && !waited && !(parent && tx.t.Behind()) {
		return false, nil
	}
	return true, tx.refresh()
}

// locking reports whether the transaction takes row locks:
// ReadCommitted and RepeatableRead writers do, Serializable ones and
// readers do not.
func (tx *Tx) locking() bool {
	return tx.writeState != nil && (tx.rc || tx.iso == RepeatableRead)
}

// appeared reports whether key, absent from a RepeatableRead
// transaction's snapshot, was committed to tree since: a value it is
// about to insert that a concurrent transaction inserted first, a unique
// violation as in PostgreSQL.
func (tx *Tx) appeared(tree txn.TreeID, key []byte) bool {
	if tx.rc || !tx.locking() {
		return false
	}
	if _, ok := tx.t.Peek(tree, key); ok {
		return false
	}
	tr := tx.db.oracle.Latest().Tree(tree)
	if tr == nil {
		return false
	}
	_, ok := tr.Get(key)
	return ok
}

// lockLookup locks the row a statement found at pk under ReadCommitted,
// in mode, and, if its latest committed version differs from the one
// found, looks it up again in the newer state (ErrNotFound if it is gone).
func (tx *Tx) lockLookup(d *catalog.Table, table string, key any, pk []byte, old []any, mode LockStrength) (*catalog.Table, []any, []byte, error) {
	moved, err := tx.lockRowMode(d, pk, mode, true)
	if err != nil || !moved {
		return d, old, pk, err
	}
	if d, err = tx.table(table); err != nil {
		return nil, nil, nil, err
	}
	old, pk, err = tx.lookup(d, key)
	return d, old, pk, err
}

// lockUpdated locks the row an update of set will change, under
// ReadCommitted, in the mode PostgreSQL's UPDATE takes: ForNoKeyUpdate
// when the key columns keep their values, ForUpdate when one changes —
// decided on the row's latest version, so a row that changed while the
// lock was waited for may need the stronger mode after all. It returns
// the row as lockLookup does.
func (tx *Tx) lockUpdated(d *catalog.Table, table string, key any, pk []byte, old []any, set Row) (*catalog.Table, []any, []byte, error) {
	if !tx.locking() {
		return d, old, pk, nil
	}
	held := LockStrength(0)
	for {
		mode := ForNoKeyUpdate
		if vals, err := d.ApplySet(make([]any, len(old)), old, set); err == nil && keyChanged(d, old, vals) {
			mode = ForUpdate
		} // else the update fails on its own, or changes no key
		if mode <= held {
			return d, old, pk, nil
		}
		var err error
		if d, old, pk, err = tx.lockLookup(d, table, key, pk, old, mode); err != nil {
			return d, old, pk, err
		}
		held = mode
	}
}

// keyChanged reports whether an update from old to vals changes a key
// column of d: one of its primary key or of a unique index, the columns
// PostgreSQL's FOR KEY SHARE protects.
func keyChanged(d *catalog.Table, old, vals []any) bool {
	for _, c := range d.PK {
		if !sameStored(old[c], vals[c]) {
			return true
		}
	}
	for _, ix := range d.Indexes {
		if !ix.Unique {
			continue
		}
		for _, c := range ix.Cols {
			if !sameStored(old[c], vals[c]) {
				return true
			}
		}
	}
	return false
}

// lockedPlan is tx.plan for a ReadCommitted transaction: it first locks
// every row the plan changes — a cascade's deletes ForUpdate, its updates
// ForNoKeyUpdate or ForUpdate as an UPDATE's — waiting for their holders
// as the statement's own row does. If a lock shows that another
// transaction committed meanwhile, the transaction moves to the latest
// state and plans again: a child a concurrent transaction re-pointed is
// left alone, one it deleted is gone, one it added is in. Locks taken for
// an earlier plan stay held to the transaction's end, as PostgreSQL's
// do. Those plans read without recording (a move would find its own
// stale reads in conflict); once the rows are locked, the plan returned
// is made again with its reads recorded, for the commit to validate
// against lockless writers. Other isolation levels plan once and lock
// nothing.
//
// REQUIRES: runPlanned's integrity stretch, the only one open.
func (tx *Tx) lockedPlan(p *planner, d *catalog.Table, pk []byte, old, new []any) (*relation.Plan, error) {
	switch {
	case tx.rc:
		tx.t.LeaveIntegrity()
		err := tx.lockPlanned(p, d, pk, old, new)
		tx.t.EnterIntegrity()
		if err != nil {
			return nil, err
		}
	case tx.locking():
		// RepeatableRead never moves: a changed row is a serialization
		// failure, so one plan, locked, will do.
		plan, err := tx.plan(p, d, pk, old, new)
		if err != nil {
			return nil, err
		}
		if _, err := tx.lockPlan(plan); err != nil {
			return nil, err
		}
		return plan, nil
	}
	return tx.plan(p, d, pk, old, new)
}

// lockPlanned plans and locks the plan's rows until a plan's rows are
// all locked without moving the transaction.
func (tx *Tx) lockPlanned(p *planner, d *catalog.Table, pk []byte, old, new []any) error {
	for {
		plan, err := tx.plan(p, d, pk, old, new)
		if err != nil {
			return err
		}
		moved, err := tx.lockPlan(plan)
		if err != nil || !moved {
			return err
		}
	}
}

// lockPlan locks the rows of plan in its order, stopping at the first
// lock that moved the transaction to a newer state.
func (tx *Tx) lockPlan(plan *relation.Plan) (moved bool, err error) {
	var d *catalog.Table
	for i := range plan.Ops {
		op := &plan.Ops[i]
		if d == nil || d.Name != op.Table {
			if d, err = tx.table(op.Table); err != nil {
				return false, err
			}
		}
		mode := ForUpdate
		if op.Kind == relation.OpUpdate && !setChangesKey(d, op.Row, op.Set) {
			mode = ForNoKeyUpdate
		}
		if moved, err = tx.lockRowMode(d, op.PK, mode, true); err != nil || moved {
			return moved, err
		}
	}
	return false, nil
}

// setChangesKey reports whether a plan's update of row to the values in
// set (by column position) changes a key column (see keyChanged).
func setChangesKey(d *catalog.Table, row []any, set map[int]any) bool {
	for c, v := range set {
		if sameStored(row[c], v) {
			continue
		}
		if slices.Contains(d.PK, c) {
			return true
		}
		for _, ix := range d.Indexes {
			if ix.Unique && slices.Contains(ix.Cols, c) {
				return true
			}
		}
	}
	return false
}

// LockRow locks the row of table with primary key key for update, as
// SELECT ... FOR UPDATE does; it is LockRowFor with ForUpdate.
func (tx *Tx) LockRow(table string, key any) (Record, error) {
	return tx.lockRowStmt(table, key, ForUpdate, true)
}

// TryLockRow is LockRow without waiting: a row another transaction holds
// is ErrLockNotAvailable (55P03), as FOR UPDATE NOWAIT reports it; the
// SQL layer's SKIP LOCKED skips it.
func (tx *Tx) TryLockRow(table string, key any) (Record, error) {
	return tx.lockRowStmt(table, key, ForUpdate, false)
}

// LockRowFor locks the row of table with primary key key in the given
// mode, as SELECT ... FOR UPDATE / FOR NO KEY UPDATE / FOR SHARE / FOR KEY
// SHARE does, and returns its latest committed version (with this
// transaction's own changes): under ReadCommitted it waits for
// transactions that hold the row in a conflicting mode (see
// LockStrength), and moves the transaction onto a newer state if the row
// changed since its statement began. The lock lasts until the
// transaction ends; asking again for a weaker mode keeps the stronger
// one. Under RepeatableRead it locks too, but a row changed since the
// transaction's snapshot is ErrConflict (40001) instead. Under
// Serializable it takes no lock and returns the row as the transaction
// sees it; its commit validation protects it instead.
// Returns ErrNotFound if there is no such row (any more), ErrDeadlock if
// the wait would never end, and ErrInvalidArgument for an unknown mode.
func (tx *Tx) LockRowFor(table string, key any, mode LockStrength) (Record, error) {
	return tx.lockRowStmt(table, key, mode, true)
}

// TryLockRowFor is LockRowFor without waiting: a row another transaction
// holds in a conflicting mode is ErrLockNotAvailable (55P03), as NOWAIT
// reports it.
func (tx *Tx) TryLockRowFor(table string, key any, mode LockStrength) (Record, error) {
	return tx.lockRowStmt(table, key, mode, false)
}

func (tx *Tx) lockRowStmt(table string, key any, mode LockStrength, wait bool) (Record, error) {
	if mode < ForKeyShare || mode > ForUpdate {
		return Record{}, fmt.Errorf("lock row of %s: %w: unknown lock mode %v", table, ErrInvalidArgument, mode)
	}
	if err := tx.enter(); err != nil {
		return Record{}, err
	}
	defer tx.leave()
	d, err := tx.table(table)
	if err != nil {
		return Record{}, fmt.Errorf("lock row: %w", err)
	}
	vals, pk, err := tx.lookup(d, key)
	if err != nil {
		return Record{}, fmt.Errorf("lock row of %s: %w", table, err)
	}
	moved, err := tx.lockRowMode(d, pk, mode, wait)
	if err != nil {
		return Record{}, fmt.Errorf("lock row of %s: %w", table, err)
	}
	if moved {
		if d, err = tx.table(table); err != nil {
			return Record{}, fmt.Errorf("lock row: %w", err)
		}
		if vals, _, err = tx.lookup(d, key); err != nil {
			return Record{}, fmt.Errorf("lock row of %s: %w", table, err)
		}
	}
	return tx.looseRecord(d, vals), nil
}

// Isolation returns the transaction's isolation level (a read-only
// transaction reports the level it was begun with).
func (tx *Tx) Isolation() Isolation { return tx.iso }
