package engine

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/reldb/reldb/index"
	"github.com/reldb/reldb/internal/access"
	"github.com/reldb/reldb/internal/catalog"
	"github.com/reldb/reldb/txn"
)

// Tx is a transaction. It reads one snapshot — the latest committed state
// when it began — plus its own writes. A Tx is not safe for concurrent use;
// it must end with Commit or Rollback (View and Update end it for you).
//
// Every statement is atomic: a statement that fails returns an error and
// leaves the transaction exactly as it was before the statement. Rows
// returned by a Tx are read-only views of immutable stored rows and stay
// valid after the transaction ends.
type Tx struct {
	db       *DB
	ctx      context.Context
	t        txn.Txn
	readOnly bool
	iso      Isolation
	managed  bool      // begun by View or Update: Commit and Rollback panic
	fetch    FetchMode // the transaction's fetch mode
	done     atomic.Bool

	cat *catalogCache // a reader's view of the catalog

	// stats counts loads; trav is the traversal state, allocated on first
	// use. loose and looseLast hold the rows read or written one at a
	// time (see looseRecord).
	stats     txStats
	trav      *travState
	loose     *looseFirst
	looseLast *result
	models    *modelState // the typed API's identity map, made on first use
	keyBuf    [24]byte    // lookup's encoding buffer: room for two integers
	// one is the first object a typed read made, while the transaction
	// has no identity map: a typed point read then makes neither a map
	// nor a loose result (see Tx.modelState).
	one oneObject
	// escaped is set when the transaction handed out something that
	// refers to it beyond its loose records and its first queries (a
	// Savepoint, its Stats, a third query or a query's second result):
	// View then does not recycle it (see DB.View). issued holds the
	// first queries, which View detaches when it recycles the
	// transaction.
	escaped bool
	issued  [2]*Query
	nIssued uint8

	// writeState is nil in a read-only transaction, which keeps a reader's
	// Tx small: View is on the hot path of every point read.
	*writeState
}

// writeState is the part of a Tx that only writers use.
type writeState struct {
	// busy is set while a write statement runs (see enter).
	busy atomic.Bool
	// stmtChecks holds a multi-row statement's foreign-key checks to its
	// end (see InsertRows).
	stmtChecks bool
	// actionHook is called for each row a foreign key's action changes
	// (SetActionHook); nil for none.
	actionHook ActionHook
	// rc marks a ReadCommitted transaction; held are the row locks it
	// holds and stmtHeld says BeginStatement fixed its state
	// (readcommitted.go).
	rc          bool
	held        []*rowLock
	stmtHeld    bool
	stmtCtx     context.Context
	lockTimeout time.Duration
	began       time.Time // when it began, for Options.MaxWriteTxAge
	// prevW and nextW link the open write transactions (writerList).
	prevW, nextW *Tx
	listed       bool
	// tables caches catalog lookups, each recorded once in the read set.
	tables     tableCache
	savepoints []savepointRecord
	spSeq      uint64

	// arena holds the keys the trees keep, readKeys those only the read
	// set and the transaction's caches keep: apart, so that the keys a
	// write transaction reads (a foreign-key check's parent key, a
	// lookup's key) are not kept alive after it ends by the chunks they
	// share with stored keys.
	arena    catalog.KeyArena
	readKeys catalog.KeyArena
	rows     catalog.RowSlab // row tuples and their boxes
	scratch  []byte          // reusable encoding buffer
	// fkVals and fkKey hold a foreign key's values and its encoded parent
	// key while a check looks at them (childKey, parentLocked).
	fkVals []any
	fkKey  []byte

	// parents caches foreign-key parents known present, per relation,
	// once fkChecks reached parentCacheAfter (see parentCache).
	parents  []parentCache
	fkChecks int

	// pending are deferred foreign-key checks, run at commit (or when
	// SetConstraints makes their relation immediate).
	pending []pendingCheck
	// modes holds SetConstraints choices by relation name; allMode the
	// last SetConstraints for all relations, if any.
	modes   map[string]ConstraintMode
	allMode *ConstraintMode
}

// Savepoint marks a point in a transaction to roll back to. Get one from
// Tx.Savepoint.
type Savepoint struct {
	tx   *Tx
	seq  uint64
	mark int
}

// Commit makes the transaction's writes visible to transactions that begin
// afterwards, atomically, and ends the transaction. It returns ErrConflict
// (a *ConstraintError with SQLSTATE 40001) when a concurrent transaction
// that committed first wrote something this one read or wrote — nothing is
// written then, and the caller may retry from the start; ctx.Err() when the
// transaction's context is done; ErrTxDone when the transaction has already
// ended. Commit of a read-only transaction just ends it.
// Commit panics inside View or Update, which commit for you; on a Tx kept
// after View or Update returned it returns ErrTxDone.
//
// In a durable database (Options.Dir) Commit returns once the transaction's
// log record is written and, with SyncEveryCommit, synced. It returns
// ErrClosed, writing nothing, if the DB was closed; if the log cannot be
// written it returns that error, and the commit may then be visible in
// memory without being durable (see the package doc's Durability section).
func (tx *Tx) Commit() error {
	if tx.managed && !tx.done.Load() {
		panic("reldb: Commit called inside DB.View or DB.Update")
	}
	return tx.commit()
}

func (tx *Tx) commit() error {
	if !tx.readOnly {
		// A statement still running in another goroutine: committing now
		// could publish half of it.
		if !tx.busy.CompareAndSwap(false, true) {
			return ErrTxBusy
		}
		defer tx.leave()
		if err := tx.checkAge(); err != nil {
			return err
		}
	}
	if !tx.done.CompareAndSwap(false, true) {
		return ErrTxDone
	}
	defer tx.endStats()
	if tx.writeState != nil {
		// Row locks end with the transaction, however it ends: after the
		// commit is published, or when it fails.
		defer tx.db.locks.end(tx)
		defer tx.db.writers.remove(tx)
	}
	if err := tx.ctx.Err(); err != nil {
		tx.t.Abort()
		return err
	}
	if !tx.readOnly && len(tx.pending) > 0 {
		if err := tx.runPending(nil); err != nil {
			tx.t.Abort()
			return fmt.Errorf("commit: %w", err)
		}
	}
	if tx.writeState != nil {
		tx.rows.Pack() // rows written outside a statement, if any
	}
	if !tx.readOnly {
		// Wait while a writer that kept losing has the commit turn.
		release, err := tx.db.turn.enter(tx)
		if err != nil {
			tx.t.Abort()
			return err
		}
		if release != nil {
			defer release()
		}
	}
	if tx.db.dur != nil {
		return tx.commitDurable()
	}
	var hook func(*txn.Changes) error
	if !tx.readOnly && !tx.locking() {
		// The check runs under the commit lock, not here: a lock taken
		// meanwhile must be seen.
		hook = tx.db.locklessHook
	}
	if _, err := tx.t.CommitWith(hook); err != nil {
		return tx.conflictError(err)
	}
	return nil
}

// commitDurable commits, queueing the log record under the commit lock,
// and returns once the record is written (see internal/durable).
func (tx *Tx) commitDurable() error {
	wrote := tx.t.Writes() > 0
	hook := tx.db.dur.Hook
	if !tx.readOnly && !tx.locking() {
		hook = tx.db.locklessHook
	}
	v, err := tx.t.CommitWith(hook)
	if err != nil {
		return tx.conflictError(err)
	}
	if !wrote {
		return nil
	}
	return tx.db.dur.Wait(v)
}

// conflictError turns txn's conflict into a ConstraintError naming the table.
func (tx *Tx) conflictError(err error) error {
	var ce *txn.ConflictError
	if !errors.As(err, &ce) {
		return err
	}
	out := &ConstraintError{Kind: ErrConflict, SQLState: StateSerialization,
		Message: "could not serialize access due to a concurrent update",
		Detail:  fmt.Sprintf("a transaction that committed first (version %d) changed what this one read or wrote", ce.Version)}
	snap := tx.db.oracle.Latest()
	if ce.Tree == catalog.CatalogTree {
		out.Table = "(catalog)"
	} else {
		catalog.EachTable(snap, func(d *catalog.Table) {
			if d.Primary == ce.Tree {
				out.Table, out.Constraint = d.Name, d.PKName
				if vals, err := index.DecodeKey(ce.Key); err == nil && len(vals) == len(d.PK) {
					out.Columns = d.ColNames(d.PK)
					out.Key = catalog.RenderKey(out.Columns, vals)
				}
			}
			for _, ix := range d.Indexes {
				if ix.Tree == ce.Tree {
					out.Table, out.Constraint = d.Name, ix.Name
					if vals, err := index.DecodeKey(ce.Key); err == nil && len(vals) >= len(ix.Cols) {
						out.Columns = d.ColNames(ix.Cols)
						out.Key = catalog.RenderKey(out.Columns, vals[:len(ix.Cols)])
					}
				}
			}
		})
	}
	if out.Key != "" {
		out.Detail = fmt.Sprintf("key %s of table %q was changed by a transaction that committed first (version %d)", out.Key, out.Table, ce.Version)
	} else if out.Table != "" {
		out.Detail = fmt.Sprintf("table %q was changed by a transaction that committed first (version %d)", out.Table, ce.Version)
	}
	return out
}

// Rollback discards the transaction's writes and ends it. On a transaction
// that has already ended it does nothing and returns nil, so
// `defer tx.Rollback()` is always safe. Rollback panics inside View or
// Update, which end the transaction for you (after they return it is a
// no-op, as on any ended transaction).
func (tx *Tx) Rollback() error {
	if tx.managed && !tx.done.Load() {
		panic("reldb: Rollback called inside DB.View or DB.Update")
	}
	tx.rollback()
	return nil
}

func (tx *Tx) rollback() {
	if tx.done.CompareAndSwap(false, true) {
		tx.t.Abort()
		tx.endStats()
		if tx.writeState != nil {
			tx.db.locks.end(tx)
			tx.db.writers.remove(tx)
		}
	}
}

// ReadOnly reports whether the transaction is read-only.
func (tx *Tx) ReadOnly() bool { return tx.readOnly }

// Version returns the commit version of the snapshot the transaction reads.
func (tx *Tx) Version() uint64 { return tx.t.Snapshot().Version() }

// live returns ErrTxDone once the transaction has ended.
func (tx *Tx) live() error {
	if tx.done.Load() {
		return ErrTxDone
	}
	return nil
}

// writable returns ErrTxDone or ErrReadOnly when the transaction may not write.
func (tx *Tx) writable() error {
	if tx.done.Load() {
		return ErrTxDone
	}
	if tx.readOnly {
		return ErrReadOnly
	}
	return nil
}

// enter starts a write statement: the transaction must be writable and
// not inside another statement. A Tx is not safe for concurrent use; a
// second goroutine's statement fails here with ErrTxBusy, before it reads
// or writes anything, instead of corrupting the first one's trees. Every
// enter is paired with a leave.
func (tx *Tx) enter() error {
	if err := tx.writable(); err != nil {
		return err
	}
	if !tx.busy.CompareAndSwap(false, true) {
		return ErrTxBusy
	}
	if err := tx.checkAge(); err != nil {
		tx.busy.Store(false)
		return err
	}
	if err := tx.statement(); err != nil {
		tx.busy.Store(false)
		return err
	}
	return nil
}

// leave ends the statement enter started.
func (tx *Tx) leave() {
	// The statement's new rows are final: move their values into their
	// blocks (catalog.RowSlab.Pack) before anyone else may read them.
	if tx.writeState != nil {
		tx.rows.Pack()
	}
	tx.busy.Store(false)
}

// allocRow returns a new row of n values for table d: in a row block
// (catalog.RowSlab.AllocRow) when it has d's width.
func (tx *Tx) allocRow(d *catalog.Table, n int) []any {
	if d.KeysOnly() {
		// Its trees keep no rows (catalog.KeyDerive): one in a block or a
		// slab would keep the others there alive.
		return make([]any, n)
	}
	if n == len(d.Cols) {
		return tx.rows.AllocRow(d)
	}
	return tx.rows.Alloc(n)
}

// Savepoint marks the transaction's current state. RollbackTo(sp) returns
// to it, undoing every write and every SetConstraints made since, as SQL's
// ROLLBACK TO SAVEPOINT. Savepoints nest and cost O(1) (plus a copy of the
// SetConstraints choices, if any). A read-only transaction may take them
// too, as in PostgreSQL; they have nothing to undo there.
func (tx *Tx) Savepoint() (Savepoint, error) {
	if err := tx.live(); err != nil {
		return Savepoint{}, err
	}
	if tx.writeState == nil {
		tx.writeState = &writeState{}
	}
	tx.spSeq++
	tx.escaped = true // the savepoint refers to tx (see DB.View)
	sp := Savepoint{tx: tx, seq: tx.spSeq, mark: tx.t.Mark()}
	tx.savepoints = append(tx.savepoints, savepointRecord{sp: sp, modes: maps.Clone(tx.modes), allMode: tx.allMode, pending: slices.Clone(tx.pending)})
	return sp, nil
}

// savepointRecord is a savepoint and the constraint state to restore: the
// SetConstraints choices and the deferred checks (PostgreSQL re-arms checks
// that ran in the part rolled back).
type savepointRecord struct {
	sp      Savepoint
	modes   map[string]ConstraintMode
	allMode *ConstraintMode
	pending []pendingCheck
}

// RollbackTo undoes every write made since sp was taken and discards the
// savepoints taken after it; sp itself stays usable, as in SQL. Returns
// ErrNoSavepoint if sp was discarded or belongs to another transaction.
func (tx *Tx) RollbackTo(sp Savepoint) error {
	if err := tx.live(); err != nil {
		return err
	}
	if tx.writeState == nil || sp.tx != tx {
		return ErrNoSavepoint
	}
	i := sort.Search(len(tx.savepoints), func(i int) bool { return tx.savepoints[i].sp.seq >= sp.seq })
	if i == len(tx.savepoints) || tx.savepoints[i].sp != sp {
		return ErrNoSavepoint
	}
	rec := tx.savepoints[i]
	tx.savepoints = tx.savepoints[:i+1]
	tx.modes, tx.allMode = maps.Clone(rec.modes), rec.allMode
	tx.pending = slices.Clone(rec.pending)
	tx.undo(sp.mark)
	return nil
}

// Release discards sp and the savepoints taken after it, keeping every
// write made since, as SQL's RELEASE SAVEPOINT: RollbackTo can no longer
// return to them, and the transaction no longer holds their records.
// Returns ErrNoSavepoint if sp was discarded or belongs to another
// transaction.
func (tx *Tx) Release(sp Savepoint) error {
	if err := tx.live(); err != nil {
		return err
	}
	if tx.writeState == nil || sp.tx != tx {
		return ErrNoSavepoint
	}
	i := sort.Search(len(tx.savepoints), func(i int) bool { return tx.savepoints[i].sp.seq >= sp.seq })
	if i == len(tx.savepoints) || tx.savepoints[i].sp != sp {
		return ErrNoSavepoint
	}
	clear(tx.savepoints[i:])
	tx.savepoints = tx.savepoints[:i]
	return nil
}

// undo rolls the transaction back to a mark and forgets cached schema.
func (tx *Tx) undo(mark int) {
	if tx.t.Writes() == mark {
		return
	}
	tx.t.RollbackTo(mark)
	tx.tables.forget()
}

// table resolves a table name in the transaction's view of the catalog.
func (tx *Tx) table(name string) (*catalog.Table, error) {
	if tx.readOnly {
		if tx.cat == nil {
			tx.cat = tx.db.catalogFor(tx.t.Snapshot())
		}
		if d, ok := tx.cat.tables[name]; ok {
			return d, nil
		}
		return nil, fmt.Errorf("%w: %q", ErrNoTable, name)
	}
	slot := tx.tables.slot(name)
	if slot.def != nil {
		return slot.def, nil
	}
	// The schema is read for integrity: a concurrent schema change fails
	// the commit under every isolation level.
	tx.t.EnterIntegrity()
	e, ok := tx.t.Get(catalog.CatalogTree, slot.key)
	tx.t.LeaveIntegrity()
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrNoTable, name)
	}
	slot.def = catalog.TableOf(e.Val)
	return slot.def, nil
}

// tableCache is a write transaction's tables by name: each name's catalog
// key, made once (the read set keeps the keys, and under READ COMMITTED
// every statement looks again), and its table as last read, which schema
// changes and rollbacks forget. A transaction uses a few tables: a list
// costs it one allocation where two maps cost several, and is searched
// as fast; past maxListedTables names a map indexes it.
type tableCache struct {
	slots []tableSlot
	index map[string]int
}

type tableSlot struct {
	name string
	key  []byte
	def  *catalog.Table // nil: not read since the last forget
}

const maxListedTables = 16

// slot returns name's slot, made if new.
func (c *tableCache) slot(name string) *tableSlot {
	if c.index != nil {
		if i, ok := c.index[name]; ok {
			return &c.slots[i]
		}
	} else {
		for i := range c.slots {
			if c.slots[i].name == name {
				return &c.slots[i]
			}
		}
	}
	if c.slots == nil {
		c.slots = make([]tableSlot, 0, 4)
	}
	c.slots = append(c.slots, tableSlot{name: name, key: catalog.CatalogKey(name)})
	if c.index != nil || len(c.slots) > maxListedTables {
		if c.index == nil {
			c.index = make(map[string]int, 2*len(c.slots))
			for i := range c.slots {
				c.index[c.slots[i].name] = i
			}
		}
		c.index[name] = len(c.slots) - 1
	}
	return &c.slots[len(c.slots)-1]
}

// forget drops the tables read, keeping the names' keys.
func (c *tableCache) forget() {
	for i := range c.slots {
		c.slots[i].def = nil
	}
}

// putTable stores d in the catalog.
func (tx *Tx) putTable(d *catalog.Table) {
	tx.t.Put(catalog.CatalogTree, index.Entry{Key: catalog.CatalogKey(d.Name), Val: catalog.TableVal(d)})
	tx.tables.forget()
}

// CreateTable creates a table and its indexes. The new table is visible to
// this transaction at once and to others after Commit. Returns ErrSchema
// for an invalid declaration, ErrExists if the name is taken.
func (tx *Tx) CreateTable(t Table) error {
	if err := tx.enter(); err != nil {
		return err
	}
	defer tx.leave()
	return tx.createTableStmt(t)
}

// createTableStmt is CreateTable inside a statement the caller entered.
func (tx *Tx) createTableStmt(t Table) error {
	d, err := compileTable(t, tx.db.newTreeID)
	if err != nil {
		return fmt.Errorf("create table: %w", err)
	}
	if _, ok := tx.t.Get(catalog.CatalogTree, catalog.CatalogKey(t.Name)); ok {
		return fmt.Errorf("create table: %w: table %q", ErrExists, t.Name)
	}
	tx.createTrees(d)
	tx.putTable(d)
	return nil
}

// createTrees creates the primary tree and the index trees of table d.
func (tx *Tx) createTrees(d *catalog.Table) {
	tx.createTree(d, d.Primary)
	for _, ix := range d.Indexes {
		tx.createTree(d, ix.Tree)
	}
}

// createTree creates tree id, d's primary tree or one of its indexes:
// derived (index.NewDerivedTree) when d's rows can be made from the
// tree's keys, so that it holds no rows (catalog.Table.EmptyTree).
func (tx *Tx) createTree(d *catalog.Table, id txn.TreeID) {
	tx.t.CreateTreeAs(id, d.EmptyTree(id))
}

// DropTable removes a table, its rows and its indexes. Returns ErrNoTable if
// there is no such table.
func (tx *Tx) DropTable(name string) error {
	if err := tx.enter(); err != nil {
		return err
	}
	defer tx.leave()
	d, err := tx.table(name)
	if err != nil {
		return fmt.Errorf("drop table: %w", err)
	}
	for _, fk := range d.Refs {
		if fk.Child != name {
			return fmt.Errorf("drop table: %w: table %q is referenced by relation %q of table %q; drop the relation first", ErrSchema, name, fk.Name, fk.Child)
		}
	}
	// Its own relations go with it: the parents forget them.
	for _, fk := range d.FKs {
		if fk.Parent == name {
			continue
		}
		p, err := tx.table(fk.Parent)
		if err != nil {
			return fmt.Errorf("drop table: %w", err)
		}
		np := p.Clone()
		np.Refs = slices.DeleteFunc(slices.Clone(p.Refs), func(x *catalog.FK) bool { return x == fk })
		// A dropped junction takes its many-to-many relations with it.
		np.M2M = slices.DeleteFunc(slices.Clone(p.M2M), func(x *catalog.ManyToMany) bool { return x.Through == name })
		tx.putTable(np)
	}
	tx.t.DropTree(d.Primary)
	for _, ix := range d.Indexes {
		tx.t.DropTree(ix.Tree)
	}
	tx.t.Delete(catalog.CatalogTree, catalog.CatalogKey(name))
	tx.tables.forget()
	return nil
}

// CreateIndex adds an index to a table and fills it from the table's rows.
// Returns ErrNoTable, ErrSchema or ErrExists for a bad declaration, and a
// *ConstraintError (ErrUnique) if a unique index would hold duplicates —
// nothing is changed then.
func (tx *Tx) CreateIndex(table string, ix Index) error {
	if err := tx.enter(); err != nil {
		return err
	}
	defer tx.leave()
	return tx.createIndexStmt(table, ix)
}

// createIndexStmt is CreateIndex inside a statement the caller entered.
func (tx *Tx) createIndexStmt(table string, ix Index) error {
	d, err := tx.table(table)
	if err != nil {
		return fmt.Errorf("create index: %w", err)
	}
	nd := d.Clone()
	id, err := nd.AddIndex(ix.Name, ix.Columns, ix.Unique, tx.db.newTreeID)
	if err != nil {
		return fmt.Errorf("create index: %w", err)
	}
	mark := tx.t.Mark()
	tx.createTree(nd, id.Tree)
	var ferr error
	tx.t.Scan(d.Primary, nil, nil, false, func(e index.Entry) bool {
		vals := catalog.RowOf(e.Val)
		if _, existed := tx.t.Put(id.Tree, index.Entry{Key: tx.indexKey(nd, id, vals, e.Key), Val: e.Val}); existed {
			ferr = nd.UniqueError(id.Name, id.Cols, vals)
			return false
		}
		return true
	})
	if ferr != nil {
		tx.undo(mark)
		return fmt.Errorf("create index %q on %q: %w", ix.Name, table, ferr)
	}
	tx.putTable(nd)
	return nil
}

// DropIndex removes an index from a table. An index that a relation finds
// its child rows by may go when another index, or the primary key, starts
// with the relation's columns (for a OneToOne relation: is unique on
// exactly them): the relation finds them by that one from then on.
// Returns ErrNoTable or ErrNoIndex when either does not exist, and
// ErrSchema, changing nothing, for an index a relation still needs: the
// only one that finds its child rows, or the unique index its parent side
// references.
func (tx *Tx) DropIndex(table, name string) error {
	if err := tx.enter(); err != nil {
		return err
	}
	defer tx.leave()
	d, err := tx.table(table)
	if err != nil {
		return fmt.Errorf("drop index: %w", err)
	}
	ix := d.Index(name)
	if ix == nil {
		return fmt.Errorf("drop index: %w: %q on table %q", ErrNoIndex, name, table)
	}
	nd := d.Clone()
	nd.Indexes = nd.Indexes[:0]
	for _, x := range d.Indexes {
		if x != ix {
			nd.Indexes = append(nd.Indexes, x)
		}
	}
	moved := map[*catalog.FK]*catalog.FK{}
	for _, fk := range append(slices.Clip(d.FKs), d.Refs...) {
		if fk.ParentTree == ix.Tree {
			return fmt.Errorf("drop index: %w: index %q on table %q serves relation %q", ErrSchema, name, table, fk.Name)
		}
		if fk.ChildTree != ix.Tree {
			continue
		}
		tree := childTreeFor(nd, fk.Kind, fk.ChildCols)
		if tree == 0 {
			return fmt.Errorf("drop index: %w: index %q on table %q serves relation %q", ErrSchema, name, table, fk.Name)
		}
		n := copyFK(fk)
		n.ChildTree, n.PKAt = tree, nd.PKAt(tree)
		moved[fk] = n
	}
	tx.t.DropTree(ix.Tree)
	tx.putTable(nd)
	if len(moved) > 0 {
		tx.rewire(moved, nil /* rename */)
	}
	return nil
}

// Tables returns the declarations of every table the transaction sees, in
// name order, except reldb's own (names beginning with pg_reldb_; see
// "Reserved names" in the package doc).
func (tx *Tx) Tables() ([]Table, error) {
	if err := tx.live(); err != nil {
		return nil, err
	}
	defs := tx.userTables()
	out := make([]Table, len(defs))
	for i, d := range defs {
		out[i] = tableOf(d)
	}
	return out, nil
}

// allTables returns the definition of every table the transaction sees, in
// name order. A writer records the scan in its read set, so a concurrent
// schema change conflicts with it.
func (tx *Tx) allTables() []*catalog.Table {
	var defs []*catalog.Table
	tx.t.Scan(catalog.CatalogTree, nil, nil, false /* reverse */, func(e index.Entry) bool {
		defs = append(defs, catalog.TableOf(e.Val))
		return true
	})
	return defs
}

// reservedPrefix begins the names of the tables reldb's layers above the
// engine keep in a database (the SQL layer's declarations).
const reservedPrefix = "pg_reldb_"

// userTables is allTables without reldb's own tables, for what lists the
// schema to users (Tables, DDL, Lint).
func (tx *Tx) userTables() []*catalog.Table {
	return slices.DeleteFunc(tx.allTables(), func(d *catalog.Table) bool { return strings.HasPrefix(d.Name, reservedPrefix) })
}

// Table returns the declaration of one table. Returns ErrNoTable if there is
// no such table.
func (tx *Tx) Table(name string) (Table, error) {
	if err := tx.live(); err != nil {
		return Table{}, err
	}
	d, err := tx.table(name)
	if err != nil {
		return Table{}, err
	}
	return tableOf(d), nil
}

// TableVersion identifies one version of a table's definition: a table's
// definition is never changed in place, every schema change makes a new
// version, so two TableVersions are equal exactly when they stand for the
// same definition. Layers above the engine key what they derive from a
// definition by it (package pgsql caches its view of a table so).
type TableVersion struct{ d *catalog.Table }

// TableVersion returns the version of a table's definition the
// transaction sees. Returns ErrNoTable if there is no such table.
func (tx *Tx) TableVersion(name string) (TableVersion, error) {
	if err := tx.live(); err != nil {
		return TableVersion{}, err
	}
	d, err := tx.table(name)
	if err != nil {
		return TableVersion{}, err
	}
	return TableVersion{d}, nil
}

// looseRecord returns a record of a row read or written alone (Get,
// Insert, Update). Such rows are no peers of one another: loose results
// are never loaded in batches. Still, a record reaches its row through a
// result, so loose rows of a table share results whose row lists are
// chunks, doubling up to maxLooseChunk rows; the first, of one row, is
// a point read's record and its one allocation (looseFirst).
//
// A chunk is made at its full length and filled in place, counting in
// filled: adding a row writes only its own place, never the slice the
// records read their rows through, so that a record may be handed to
// another goroutine while the transaction reads on, as when records held
// their rows themselves.
func (tx *Tx) looseRecord(d *catalog.Table, vals []any) Record {
	res := tx.looseLast
	if res == nil || res.def != d || int(res.filled) == len(res.rows) {
		res = tx.looseFor(d)
		tx.looseLast = res
	}
	at := int(res.filled)
	res.rows[at] = vals
	res.filled++
	return Record{res: res, at: at}
}

const maxLooseChunk = 1024

// looseFirst is a transaction's first loose result with room for its one
// row: a point read's record. It is not part of the Tx, so that View may
// recycle the Tx while the record lives on.
type looseFirst struct {
	res result
	row [1][]any
}

// looseFor returns a loose result of table d with room for a row.
func (tx *Tx) looseFor(d *catalog.Table) *result {
	if tx.loose == nil {
		lf := &looseFirst{}
		lf.res = result{tx: tx, def: d, loose: true}
		lf.res.rows = lf.row[:]
		tx.loose = lf
		return &lf.res
	}
	if last := tx.looseLast; tx.trav == nil && last.def == d {
		// Loose rows of one table so far (a write transaction's few):
		// each chunk follows the last, and the map of each table's
		// current chunk waits for a second table or a traversal.
		return tx.newLoose(d, 2*len(last.rows))
	}
	tv := tx.travState()
	res := tv.loose[d]
	if res == nil || int(res.filled) == len(res.rows) {
		n := 4
		if res != nil {
			n = 2 * len(res.rows)
		}
		res = tx.newLoose(d, n)
		if tv.loose == nil {
			tv.loose = map[*catalog.Table]*result{}
		}
		tv.loose[d] = res
	}
	return res
}

// looseChunk is a loose result with room for four rows, in one
// allocation.
type looseChunk struct {
	res  result
	rows [4][]any
}

// newLoose returns a new loose result of table d with room for n rows,
// at least 4 and at most maxLooseChunk.
func (tx *Tx) newLoose(d *catalog.Table, n int) *result {
	if n <= 4 {
		c := new(looseChunk)
		c.res = result{tx: tx, def: d, loose: true}
		c.res.rows = c.rows[:]
		return &c.res
	}
	return &result{tx: tx, def: d, loose: true, rows: make([][]any, min(n, maxLooseChunk))}
}

// paths returns the reader of the transaction's trees along the planner's
// access paths (not to be confused with reader, the relation planner's view).
func (tx *Tx) paths() access.Reader {
	r := access.Reader{T: &tx.t}
	if tx.writeState != nil {
		r.Arena = &tx.readKeys
	}
	return r
}
