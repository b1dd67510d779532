package engine

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/reldb/reldb/index"
	"github.com/reldb/reldb/internal/catalog"
	"github.com/reldb/reldb/internal/durable"
	"github.com/reldb/reldb/txn"
)

// DB is a database: a catalog of tables and their rows, versioned by MVCC. A
// DB is safe for concurrent use by many goroutines; each transaction belongs
// to one goroutine.
type DB struct {
	opts     Options
	oracle   *txn.Oracle
	nextTree atomic.Uint64 // last tree ID handed out; 0 is the catalog
	closed   atomic.Bool
	// catalog caches the table definitions of the latest catalog tree for
	// transactions that have not changed the schema.
	catalog atomic.Pointer[catalogCache]
	stats   dbStats  // counters of ended transactions
	models  sync.Map // reflect.Type -> *model (Register)
	ext     sync.Map // key -> state of a layer above the engine (Extension)
	// modelList holds the models of models, for modelOf to scan: a
	// program registers a few types, and comparing a few of them costs
	// less than a sync.Map lookup on every typed call. Additions copy it
	// under modelMu.
	modelList atomic.Pointer[[]*model]
	modelMu   sync.Mutex
	// planners pools the *planner values statements plan deletes and key
	// updates with.
	planners sync.Pool
	// dur is nil for an in-memory database.
	dur *durable.Store
	// locks are the row locks of ReadCommitted transactions;
	// locklessHook is the commit hook of the other write transactions,
	// made once at Open: the lock check, then the log's hook if durable.
	locks        lockTable
	locklessHook func(*txn.Changes) error
	// writers are the open write transactions (longtx.go).
	writers writerList
	// turn is the commit turn of writers that kept losing (priority.go).
	turn commitTurn
}

// catalogCache maps table names to definitions for one catalog tree. The
// catalog tree is replaced by every schema change, so a cache built from a
// tree is valid for every snapshot that holds that same tree.
type catalogCache struct {
	tree   *index.Tree
	tables map[string]*catalog.Table
}

// catalogFor returns the cache for a snapshot's catalog tree, building it
// when the schema has changed since the last one. The cache is keyed by
// the catalog tree alone, which only a schema change replaces: readers
// under a busy writer see a new snapshot at almost every read, and storing
// the cache for each would make them take turns owning its cache line.
func (db *DB) catalogFor(snap *txn.Snapshot) *catalogCache {
	tree := snap.Tree(catalog.CatalogTree)
	c := db.catalog.Load()
	if c != nil && c.tree == tree {
		return c
	}
	c = &catalogCache{tree: tree, tables: make(map[string]*catalog.Table, tree.Len())}
	tree.Ascend(nil, nil, func(e index.Entry) bool {
		d := catalog.TableOf(e.Val)
		c.tables[d.Name] = d
		return true
	})
	db.catalog.Store(c)
	return c
}

// Open opens a database. With the zero Options it is empty and in memory.
// With Options.Dir it is durable: Open locks the directory and recovers the
// state it holds — the newest snapshot file plus every later record of the
// log — reading all of it, O(size of the data). It returns an error if the
// options are invalid, an error wrapping ErrLocked if another DB has the
// directory open, and an error wrapping ErrCorrupt, naming the file and
// record, if a snapshot file or a log record other than a torn last one is
// damaged (nothing is changed then).
func Open(opts Options) (*DB, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	db := &DB{opts: opts}
	db.locklessHook = db.checkLockless
	if opts.Dir == "" {
		db.oracle = txn.NewOracle(map[txn.TreeID]*index.Tree{catalog.CatalogTree: index.NewTree()})
		return db, nil
	}
	d, s, err := durable.Open(durable.Config{Dir: opts.Dir, Sync: opts.Sync, SyncInterval: opts.SyncInterval,
		NoRepair: opts.NoRepair, RepairDamagedTail: opts.RepairDamagedTail, CheckpointBytes: opts.CheckpointBytes, ReadOnly: opts.ReadOnly,
		Latest: func() *txn.Snapshot { return db.oracle.Latest() }})
	if err != nil {
		return nil, err
	}
	db.dur = d
	db.nextTree.Store(s.Finish())
	db.oracle = txn.NewOracleAt(s.Version, s.Trees)
	return db, nil
}

// checkLockless is locklessHook: the row-lock check of a lockless
// commit, then the log's hook of a durable database.
func (db *DB) checkLockless(c *txn.Changes) error {
	if err := db.locks.checkWrites(c); err != nil {
		return err
	}
	if db.dur != nil {
		return db.dur.Hook(c)
	}
	return nil
}

// Close closes the database. Transactions still open keep their snapshot;
// new ones fail with ErrClosed. A durable database writes what is queued,
// waits for a background checkpoint, closes the log (syncing it) and
// releases the directory; a commit that reaches the log after Close began
// fails with ErrClosed. Closing twice is harmless. Before anything
// closes, each Extension state that implements Closer writes what it
// keeps (extclose.go); its error is returned after the log is closed.
func (db *DB) Close() error {
	if db.closed.Load() || db.dur == nil {
		db.closed.Store(true)
		return nil
	}
	err := db.closeExtensions()
	if db.closed.Swap(true) {
		return nil
	}
	return errors.Join(err, db.dur.Close())
}

func (db *DB) newTreeID() txn.TreeID { return txn.TreeID(db.nextTree.Add(1)) }

// Begin starts a transaction on the latest committed snapshot. The caller
// must end it with Commit or Rollback; `defer tx.Rollback()` is always safe.
// A write transaction is serializable: Commit fails with ErrConflict if a
// transaction that committed in between wrote what it read or wrote. ctx
// bounds the transaction: once it is done, Commit rolls back and returns
// ctx.Err(). Returns ErrClosed after Close, and an error wrapping
// ErrReadOnly for a write transaction on a database opened with
// Options.ReadOnly.
func (db *DB) Begin(ctx context.Context, opts TxOptions) (*Tx, error) {
	if db.closed.Load() {
		return nil, ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !opts.ReadOnly && db.opts.ReadOnly {
		return nil, errReadOnlyDB
	}
	switch opts.Isolation {
	case Serializable, RepeatableRead, ReadCommitted:
	default:
		return nil, fmt.Errorf("%w: unknown isolation level %v", ErrInvalidArgument, opts.Isolation)
	}
	tx := &Tx{}
	db.begin(tx, ctx, opts)
	return tx, nil
}

// begin starts tx, a zero Tx, with opts (checked).
func (db *DB) begin(tx *Tx, ctx context.Context, opts TxOptions) {
	tx.db, tx.ctx, tx.readOnly, tx.iso, tx.fetch = db, ctx, opts.ReadOnly, opts.Isolation, opts.FetchMode
	if !opts.ReadOnly {
		tx.writeState = &writeState{}
	}
	mode := txn.ReadWrite
	if opts.ReadOnly {
		mode = txn.ReadOnly
	}
	db.oracle.BeginInto(&tx.t, mode)
	if opts.Isolation != Serializable {
		tx.t.SetIsolation(txn.SnapshotIsolation)
	}
	if opts.Isolation == ReadCommitted && !opts.ReadOnly {
		tx.rc = true
	}
	if !opts.ReadOnly {
		tx.began = time.Now()
		db.writers.add(tx)
	}
}

// View runs fn in a read-only transaction on the latest committed snapshot:
// fn sees one consistent state however long it runs, and neither blocks nor
// is blocked by writers. It returns fn's error. fn must not call Commit or
// Rollback (they panic), and must not keep tx: once View returns, the Tx
// may serve another View (records read in it stay valid, as always, and a
// lazy load through one returns ErrTxDone). Call tx.Stats in fn; a Stats
// after View counts only if fn called it too.
func (db *DB) View(ctx context.Context, fn func(tx *Tx) error) error {
	if db.closed.Load() {
		return ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	tx, _ := viewTxs.Get().(*Tx)
	if tx == nil {
		tx = &Tx{}
	} else {
		*tx = Tx{}
	}
	db.begin(tx, ctx, TxOptions{ReadOnly: true})
	tx.managed = true
	returned := false
	defer func() {
		if !returned { // fn panicked: roll back, and leave tx to the collector
			tx.rollback()
		}
	}()
	err := fn(tx)
	returned = true
	tx.rollback()
	recycleViewTx(tx)
	return err
}

// viewTxs holds the transactions of View that handed out nothing that
// refers to them but their loose records: a point read through View then
// allocates no Tx (320 bytes, most of what it allocated). See
// recycleViewTx.
var viewTxs sync.Pool

// recyclable reports whether nothing but its first loose result refers to
// tx, a View's transaction that ended (see recycleViewTx).
func (tx *Tx) recyclable() bool {
	return !tx.escaped && tx.trav == nil && tx.models == nil && tx.writeState == nil &&
		(tx.loose == nil || tx.looseLast == &tx.loose.res)
}

// issue records q, a query of tx, for recycleViewTx to detach; a
// transaction that handed out more queries than it records is not
// recycled.
func (tx *Tx) issue(q *Query) {
	if int(tx.nIssued) == len(tx.issued) {
		tx.escaped = true
		return
	}
	tx.issued[tx.nIssued] = q
	tx.nIssued++
}

// endedTx stands in for a recycled transaction in its loose records: it
// has ended, so a lazy load through such a record returns ErrTxDone, as
// one through the transaction itself would have.
var endedTx = func() *Tx {
	tx := &Tx{}
	tx.done.Store(true)
	return tx
}()

// recycleViewTx puts tx, a View's transaction that has ended, back in
// viewTxs if nothing but its first loose result refers to it: no query,
// savepoint or Stats escaped (Tx.escaped), no loose result but the first
// (a second follows it through looseLast, or in traversal state), no
// traversal state (which every loaded result comes with), no identity
// map and no write state. The loose result, which the records of its
// point reads hold, is the looseFirst's, not the Tx's; it now refers to
// endedTx.
func recycleViewTx(tx *Tx) {
	if !tx.recyclable() {
		return
	}
	if tx.loose != nil {
		tx.loose.res.tx = endedTx
	}
	for i, q := range tx.issued[:tx.nIssued] {
		q.tx, q.res0.tx = endedTx, endedTx
		tx.issued[i] = nil
	}
	tx.one = oneObject{} // the caller's object and row are not the pool's to keep
	// tx stays as it ended until a View takes it again: a Tx kept past
	// View, against its documentation, still answers ErrTxDone until then.
	viewTxs.Put(tx)
}

// Update runs fn in a write transaction and commits it if fn returns nil. If
// the commit (or fn) fails with ErrConflict, Update rolls back, waits a
// jittered, doubling backoff and runs fn again in a new transaction, up to
// Options.Retry.MaxAttempts times; it returns the last error. After three
// failed attempts it takes the commit turn (see priority.go): other write
// transactions wait to commit until it is done, so a long transaction is
// not starved by a stream of short ones. So fn may run
// several times and must have no effects outside the transaction. fn must
// not call Commit or Rollback (they panic). A panic in fn rolls back and
// propagates. While waiting, Update returns ctx.Err() once ctx is done.
func (db *DB) Update(ctx context.Context, fn func(tx *Tx) error) error {
	return db.UpdateWith(ctx, TxOptions{}, fn)
}

// UpdateWith is Update with a write transaction begun with opts, for an
// isolation level other than Serializable; opts.ReadOnly is
// ErrInvalidArgument (use View). A ReadCommitted transaction rarely needs
// a retry (see ReadCommitted), a deadlock is retried like a conflict.
func (db *DB) UpdateWith(ctx context.Context, opts TxOptions, fn func(tx *Tx) error) error {
	if opts.ReadOnly {
		return fmt.Errorf("%w: UpdateWith of a read-only transaction: use View", ErrInvalidArgument)
	}
	r := db.opts.Retry
	backoff := r.MinBackoff
	var release func() // the commit turn, once taken
	defer func() {
		if release != nil {
			release()
		}
	}()
	for attempt := 1; ; attempt++ {
		if attempt > priorityAfter && release == nil {
			// Lost priorityAfter times: no commit but ours from now on.
			ctx, release = db.turn.take(ctx)
		}
		err := db.updateOnce(ctx, opts, fn)
		retry := errors.Is(err, ErrConflict) || errors.Is(err, ErrDeadlock)
		if err == nil || !retry || attempt >= r.MaxAttempts {
			if err != nil && retry && attempt > 1 {
				return fmt.Errorf("after %d attempts: %w", attempt, err)
			}
			return err
		}
		timer := time.NewTimer(rand.N(backoff) + 1)
		select {
		case <-ctx.Done():
			timer.Stop()
			// Say both: the context ended, while retrying a conflict.
			return fmt.Errorf("%w, retrying after attempt %d failed: %w", ctx.Err(), attempt, err)
		case <-timer.C:
		}
		backoff = min(2*backoff, r.MaxBackoff)
	}
}

func (db *DB) updateOnce(ctx context.Context, opts TxOptions, fn func(tx *Tx) error) error {
	tx, err := db.Begin(ctx, opts)
	if err != nil {
		return err
	}
	tx.managed = true
	defer tx.rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.commit()
}

// errReadOnlyDB is what writing to a database opened with Options.ReadOnly
// returns.
var errReadOnlyDB = fmt.Errorf("%w: the database was opened with Options.ReadOnly", ErrReadOnly)

// Now returns the database's current time: Options.Clock's, or else
// time.Now's.
func (db *DB) Now() time.Time {
	if db.opts.Clock != nil {
		return db.opts.Clock()
	}
	return time.Now()
}

// Check verifies the latest committed snapshot: every row is well-formed and
// stored under its primary key, every secondary and unique index holds
// exactly one entry per row and nothing else, unique indexes hold no
// duplicates, and no tree is orphaned. It returns nil or an error wrapping
// ErrCorrupt that lists every problem found. It reads one snapshot and does
// not block writers. O(rows × indexes).
func (db *DB) Check() error {
	return checkSnapshot(db.oracle.Latest())
}
