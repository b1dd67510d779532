package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/reldb/reldb/internal/catalog"
	"github.com/reldb/reldb/txn"
)

// READ COMMITTED, as PostgreSQL has it, on top of the engine's optimistic
// MVCC:
//
//   - Each statement reads the latest committed state: a ReadCommitted
//     transaction refreshes its snapshot (txn.Txn.Refresh, which keeps its
//     own writes) at the start of every statement — every Tx method call,
//     or, for the SQL layer, every BeginStatement.
//   - A row it updates, deletes or inserts is locked first (exclusive, by
//     table and primary key, until the transaction ends). A row locked by
//     another live transaction is waited for; if, once the lock is ours,
//     the row's latest committed version is not the one the statement saw,
//     the transaction refreshes again and works on the new version (the
//     SQL layer re-checks its WHERE on it, as PostgreSQL's EvalPlanQual
//     does). So concurrent updates of one row serialize instead of failing.
//   - A wait that would close a cycle fails at once with ErrDeadlock
//     (40P01); waits end with the transaction's context.
//   - Reads are not validated at commit, except those of constraint checks
//     (a child's parent, a deleted parent's children, the schema), which
//     fail the commit with ErrConflict instead of leaving an orphan.
//
// Serializable and RepeatableRead transactions take no locks. A commit of
// theirs that would change a row a ReadCommitted transaction holds locked
// fails with ErrConflict, so the lock holder's work is never lost.
//
// A new or changed child row takes a key-share (shared) lock on its
// parent's row, as PostgreSQL's foreign-key check does: a delete of the
// parent waits for the child's transaction and then sees the child, and a
// child waits for a parent's delete and then fails with 23503. A
// transaction that waited for a lock, or found its row changed, or locks a
// parent row exclusively, moves to the latest state first.
//
// A unique index value an insert or update writes is locked too, so a
// second inserter of one value waits and then fails with 23505, as in
// PostgreSQL.
//
// Not yet as in PostgreSQL: rows changed by a cascade are not locked (a
// concurrent change to one is a conflict at commit); an update of a
// parent's non-key columns takes an exclusive lock, so it waits for
// children's key-share locks where PostgreSQL's would not; key-share locks
// are taken for relations to a parent's primary key only.

// ErrDeadlock is returned when waiting for a row lock would wait forever:
// the holder is waiting, directly or through others, for a lock this
// transaction holds. SQLSTATE 40P01. DB.Update retries it like
// ErrConflict.
var ErrDeadlock = errors.New("reldb: deadlock detected")

// ErrLockNotAvailable is returned by TryLockRow when another transaction
// holds the row. SQLSTATE 55P03.
var ErrLockNotAvailable = errors.New("reldb: could not obtain lock on row")

// lockKey names a locked row: its table's primary tree and primary key.
type lockKey struct {
	tree txn.TreeID
	key  string
}

// rowLock is a held lock: one exclusive owner, or shared holders (a
// foreign-key check's key-share lock on a parent). released is closed,
// and replaced, whenever a holder lets go, waking the waiters to look
// again.
type rowLock struct {
	owner    *Tx
	shared   map[*Tx]struct{}
	released chan struct{}
}

// blockers returns the holders a request of tx in the given mode must
// wait for.
func (l *rowLock) blockers(tx *Tx, exclusive bool) []*Tx {
	var out []*Tx
	if l.owner != nil && l.owner != tx {
		out = append(out, l.owner)
	}
	if exclusive {
		for h := range l.shared {
			if h != tx {
				out = append(out, h)
			}
		}
	}
	return out
}

// lockTable holds the row locks of a DB's ReadCommitted transactions.
type lockTable struct {
	mu    sync.Mutex
	locks map[lockKey]*rowLock
	waits map[*Tx]*rowLock // the lock each waiting transaction waits for
	n     atomic.Int64     // locks held: zero lets other commits skip the check
}

// acquire takes the lock on k for tx, exclusive or shared, waiting while
// other transactions hold it in a conflicting mode (or failing with
// ErrLockNotAvailable, without wait). A shared holder that asks for it
// exclusive upgrades when it is the only holder. It reports whether tx
// already held it in that mode or a stronger one.
func (lt *lockTable) acquire(ctx context.Context, tx *Tx, k lockKey, exclusive, wait bool) (already, waited bool, err error) {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	for {
		l := lt.locks[k]
		if l == nil {
			if lt.locks == nil {
				lt.locks = make(map[lockKey]*rowLock)
				lt.waits = make(map[*Tx]*rowLock)
			}
			l = &rowLock{released: make(chan struct{})}
			lt.locks[k] = l
			lt.n.Add(1)
		}
		_, isShared := l.shared[tx]
		switch {
		case l.owner == tx, !exclusive && isShared:
			return true, waited, nil
		}
		blockers := l.blockers(tx, exclusive)
		if len(blockers) == 0 {
			if !isShared {
				tx.held = append(tx.held, k)
			}
			if exclusive {
				l.owner = tx
				delete(l.shared, tx)
			} else {
				if l.shared == nil {
					l.shared = make(map[*Tx]struct{})
				}
				l.shared[tx] = struct{}{}
			}
			return false, waited, nil
		}
		if !wait {
			lt.dropIfEmpty(k, l)
			return false, false, ErrLockNotAvailable
		}
		for _, b := range blockers {
			if lt.waitsFor(b, tx, len(lt.waits)+1) {
				lt.dropIfEmpty(k, l)
				return false, false, fmt.Errorf("%w: waiting for a row of table tree %d held by a transaction that waits for this one", ErrDeadlock, k.tree)
			}
		}
		lt.waits[tx] = l
		ch := l.released
		lt.mu.Unlock()
		waited = true
		select {
		case <-ch:
			lt.mu.Lock()
			delete(lt.waits, tx)
		case <-ctx.Done():
			lt.mu.Lock()
			delete(lt.waits, tx)
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
	l := lt.waits[from]
	if l == nil {
		return false
	}
	for _, h := range l.blockers(from, true) {
		if lt.waitsFor(h, to, depth-1) {
			return true
		}
	}
	return false
}

// dropIfEmpty removes a lock nobody holds. REQUIRES: lt.mu held.
func (lt *lockTable) dropIfEmpty(k lockKey, l *rowLock) {
	if l.owner == nil && len(l.shared) == 0 {
		delete(lt.locks, k)
		lt.n.Add(-1)
	}
}

// releaseAll lets go of every lock tx holds.
func (lt *lockTable) releaseAll(tx *Tx) {
	if len(tx.held) == 0 {
		return
	}
	lt.mu.Lock()
	for _, k := range tx.held {
		l := lt.locks[k]
		if l == nil {
			continue
		}
		if l.owner == tx {
			l.owner = nil
		}
		delete(l.shared, tx)
		close(l.released)
		l.released = make(chan struct{})
		lt.dropIfEmpty(k, l)
	}
	lt.mu.Unlock()
	tx.held = nil
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
			if l := lt.locks[lockKey{id, string(k)}]; l != nil && len(l.blockers(nil, true)) > 0 {
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
	if err := tx.t.Refresh(); err != nil {
		return tx.conflictError(err)
	}
	clear(tx.tables)
	tx.cat = nil
	return nil
}

// lockRow locks the row at pk of d for writing, under ReadCommitted. It
// reports whether the transaction moved to a newer state to see the row's
// latest committed version, after which the caller must look it up again.
func (tx *Tx) lockRow(d *catalog.Table, pk []byte) (moved bool, err error) {
	return tx.lockRowWait(d, pk, true)
}

// lockRowWait is lockRow; without wait, a row another transaction holds
// is ErrLockNotAvailable at once.
func (tx *Tx) lockRowWait(d *catalog.Table, pk []byte, wait bool) (moved bool, err error) {
	return tx.lockRowMode(d, pk, true, wait)
}

// lockRowMode is lockRowWait, exclusive or shared.
func (tx *Tx) lockRowMode(d *catalog.Table, pk []byte, exclusive, wait bool) (moved bool, err error) {
	return tx.lockTreeKey(d.Primary, pk, exclusive, wait, exclusive && len(d.Refs) > 0)
}

// lockUnique takes the value lock on a unique index key a statement is
// about to write, under ReadCommitted: a concurrent inserter of the same
// value is waited for, and if it committed the transaction moves to the
// latest state, where the write finds the duplicate (23505), as
// PostgreSQL's second inserter does.
func (tx *Tx) lockUnique(ix *catalog.Index, key []byte) error {
	if !tx.rc || !ix.Unique {
		return nil
	}
	_, err := tx.lockTreeKey(ix.Tree, key, true, true, false)
	return err
}

// lockTreeKey locks key of tree: a table's primary key, or a unique
// index's value. parent says the row is a parent locked exclusively, whose
// referential checks must see the latest children.
func (tx *Tx) lockTreeKey(tree txn.TreeID, key []byte, exclusive, wait, parent bool) (moved bool, err error) {
	if !tx.rc {
		return false, nil
	}
	ctx, done := tx.waitContext()
	already, waited, err := tx.db.locks.acquire(ctx, tx, lockKey{tree, string(key)}, exclusive, wait)
	if err != nil && context.Cause(ctx) == errLockTimeout {
		err = fmt.Errorf("%w: lock timeout", ErrLockNotAvailable)
	}
	done()
	if err != nil || already {
		return false, err
	}
	// A lockless commit that changes this row either saw the lock and
	// failed, or validated before the lock was taken: wait for it to
	// publish, so that the latest state below includes it.
	tx.db.oracle.Barrier()
	var latest, seen any
	if tr := tx.db.oracle.Latest().Tree(tree); tr != nil {
		if e, ok := tr.Get(key); ok {
			latest = e.Val
		}
	}
	if e, ok := tx.t.Peek(tree, key); ok {
		seen = e.Val
	}
	// A lock waited for, or a row that changed, means another transaction
	// committed something this one must see; so does locking a parent row
	// exclusively, whose referential check must see the children other
	// transactions committed since the statement began, as PostgreSQL's
	// does.
	if latest == seen && !waited && !(parent && tx.t.Behind()) {
		return false, nil
	}
	return true, tx.refresh()
}

// LockRow locks the row of table with primary key key for update, as
// SELECT ... FOR UPDATE does, and returns its latest committed version
// (with this transaction's own changes): under ReadCommitted it waits for
// a transaction that holds the row, and moves the transaction onto a
// newer state if the row changed since its statement began. Under the
// other levels it returns the row as the transaction sees it; their commit
// validation protects it instead. Returns ErrNotFound if there is no such
// row (any more).
func (tx *Tx) LockRow(table string, key any) (Record, error) {
	return tx.lockRowStmt(table, key, true)
}

// TryLockRow is LockRow without waiting: a row another transaction holds
// is ErrLockNotAvailable (55P03), as FOR UPDATE NOWAIT reports it; the
// SQL layer's SKIP LOCKED skips it.
func (tx *Tx) TryLockRow(table string, key any) (Record, error) {
	return tx.lockRowStmt(table, key, false)
}

func (tx *Tx) lockRowStmt(table string, key any, wait bool) (Record, error) {
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
	moved, err := tx.lockRowWait(d, pk, wait)
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
