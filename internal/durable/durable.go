package durable

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/reldb/reldb/index"
	"github.com/reldb/reldb/internal/catalog"
	"github.com/reldb/reldb/txn"
	"github.com/reldb/reldb/wal"
)

const (
	lockName     = "LOCK"
	identityName = "RELDB"
	identityText = "reldb database directory; do not edit the files here\n"
	walDirName   = "wal"
	// loggedName is a file written once the log has first held a record:
	// a directory with it, no snapshot and an empty or missing log has
	// lost its commits, where one without it is merely new.
	loggedName = "LOGGED"
	loggedText = "reldb: this database's log has held commits; an empty log here means they were lost\n"
	dirPerm    = 0o700
	filePerm   = 0o600
)

// Config is what the durability machinery needs from a database.
type Config struct {
	Dir          string        // the database's directory, created if missing
	Sync         wal.SyncMode  // when a commit is made durable
	SyncInterval time.Duration // with SyncInterval; 0 means the log's default
	NoRepair     bool          // refuse a torn log tail instead of cutting it
	// RepairDamagedTail cuts a complete final record whose checksum fails
	// instead of refusing the log with ErrCorrupt.
	RepairDamagedTail bool
	CheckpointBytes   int64 // checkpoint in the background after this much log; <= 0 never
	// ReadOnly opens without writing: the directory must already be a
	// database, it is locked shared (against writers, not other readers),
	// a torn log tail is skipped rather than cut, leftover files are left,
	// and commits and checkpoints fail with ErrReadOnly.
	ReadOnly bool
	// Latest returns the latest committed snapshot, which a checkpoint
	// writes. It is called only after Open returns.
	Latest func() *txn.Snapshot
}

// Store is the durability machinery of a database opened with a
// directory. It is safe for concurrent use.
type Store struct {
	cfg  Config
	dir  string
	log  *wal.Log
	lock *os.File
	// Hook is the commit hook to pass to txn.Txn.CommitWith: it queues
	// the commit's record under the commit lock; Wait then writes it.
	Hook func(*txn.Changes) error

	// enc covers what logCommit keeps between commits, which it uses
	// under the oracle's commit lock and Close uses once: the catalog as
	// of the last commit, to find the table of a primary tree, and the
	// sequence values the log holds.
	enc struct {
		sync.Mutex
		catTree   *index.Tree
		byPrimary map[txn.TreeID]*catalog.Table
		// seqs is each table's sequence as the log (or the snapshot it
		// starts from) holds it, keyed by the sequence, which every
		// version of a table's def shares: Close logs those that moved
		// past it.
		seqs    map[*atomic.Int64]int64
		closing bool // Close has logged the sequences: no commit may follow
	}

	// firstVersion and firstIndex map versions to log indexes: the record of
	// version v is at index v - firstVersion + firstIndex. Set by Open.
	firstVersion, firstIndex uint64
	// logged says the LOGGED file exists. Only the batch leader reads or
	// sets it after Open, and leaders take turns under mu.
	logged bool

	mu struct {
		sync.Mutex
		cond    sync.Cond
		queue   [][]byte // records queued and not yet handed to the log, in version order
		spare   [][]byte // the previous queue's array, for reuse
		queued  uint64   // version of the last record queued
		written uint64   // version of the last record the log holds (synced per the sync mode)
		leading bool     // a leader is writing a batch
		closed  bool
		err     error // sticky: a failed log write, wrapping ErrLogFailed; every later commit fails
		// since counts the bytes logged since the last checkpoint began.
		since int64
		// batches and records count the writes to the log and the records
		// they held, for tests and benchmarks of group commit.
		batches, records int64
	}

	ckptMu      sync.Mutex  // serialises checkpoints, and Close with them
	ckptRunning atomic.Bool // an automatic checkpoint is under way
	ckptErr     atomic.Pointer[error]
	bg          sync.WaitGroup // automatic checkpoints
}

// logCommit is the commit hook: it encodes c as a record and queues it.
// Runs under the oracle's commit lock, so it must not block on I/O.
func (d *Store) logCommit(c *txn.Changes) error {
	d.enc.Lock()
	defer d.enc.Unlock()
	if d.enc.closing {
		return ErrClosed
	}
	rec := d.encodeCommit(c)
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.mu.closed {
		return ErrClosed
	}
	if d.mu.err != nil {
		return d.mu.err
	}
	d.mu.queue = append(d.mu.queue, rec)
	d.mu.queued = c.Version
	return nil
}

// Wait returns once the record of version v is in the log (and synced, with
// SyncEveryCommit), leading the write of a batch if no one is. Returns the
// error that broke the log if it never got there.
func (d *Store) Wait(v uint64) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	for d.mu.written < v {
		if d.mu.err != nil {
			return d.mu.err
		}
		if d.mu.leading {
			d.mu.cond.Wait()
			continue
		}
		// Lead the next batch, but first let the committers that the last
		// batch just released run: they commit again at once, and joining
		// this batch saves them a whole fsync of waiting. Without it the
		// committers split into two cohorts that alternate, each batch
		// holding half of them. Yield while yielding brings records.
		d.mu.leading = true
		for n := -1; n != len(d.mu.queue); {
			n = len(d.mu.queue)
			d.mu.Unlock()
			runtime.Gosched()
			d.mu.Lock()
		}
		d.flushLocked()
	}
	return nil
}

// flushLocked writes the queue as one batch. It releases d.mu during the
// write.
//
// REQUIRES: d.mu held, d.mu.leading set by the caller.
func (d *Store) flushLocked() {
	batch, upto := d.mu.queue, d.mu.queued
	d.mu.queue, d.mu.spare = d.mu.spare[:0], nil
	d.mu.Unlock()
	var n int64
	for _, r := range batch {
		n += int64(len(r))
	}
	_, err := d.log.Append(batch...)
	if err == nil && !d.logged {
		// After the first batch is in the log and before it is
		// acknowledged: a crash in between leaves a log without the mark,
		// which is never mistaken for a lost one. The batch must be durable
		// before the mark is, in every sync mode: a power loss that kept
		// the mark and lost an unsynced batch would make the log look
		// removed.
		if d.cfg.Sync != wal.SyncEveryCommit {
			err = d.log.Sync()
		}
		if err == nil {
			err = markLogged(d.dir)
		}
		if err == nil {
			d.logged = true
		}
	}
	d.mu.Lock()
	d.mu.leading = false
	if err != nil {
		d.mu.err = fmt.Errorf("commit: %w: %w", ErrLogFailed, err)
	} else {
		d.mu.written = upto
		d.mu.since += n
		d.mu.batches++
		d.mu.records += int64(len(batch))
	}
	clear(batch)
	d.mu.spare = batch[:0]
	d.mu.cond.Broadcast()
	if err == nil && d.cfg.CheckpointBytes > 0 && d.mu.since >= d.cfg.CheckpointBytes && !d.mu.closed &&
		d.ckptRunning.CompareAndSwap(false, true) {
		d.bg.Add(1)
		go func() {
			defer d.bg.Done()
			defer d.ckptRunning.Store(false)
			if err := d.Checkpoint(); err != nil && !errors.Is(err, ErrClosed) {
				d.ckptErr.Store(&err)
			}
		}()
	}
}

// markLogged writes the LOGGED file durably.
func markLogged(dir string) error {
	if err := os.WriteFile(filepath.Join(dir, loggedName), []byte(loggedText), filePerm); err != nil {
		return err
	}
	f, err := os.Open(filepath.Join(dir, loggedName))
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fileSynced(filepath.Join(dir, loggedName), int64(len(loggedText)))
	return syncDir(dir)
}

// flushAll writes everything queued.
func (d *Store) flushAll() error {
	d.mu.Lock()
	v := d.mu.queued
	d.mu.Unlock()
	return d.Wait(v)
}

// encodeCommit returns the log record of a commit:
//
//	format byte (commitFormat)
//	uvarint version
//	schema byte: 0 the catalog did not change; 1 the whole new catalog
//	  follows (appendCatalog; what formats 1 and 2 wrote as a bool); 2 what
//	  changed follows: uvarint number of tables dropped, then each one's
//	  name, then the tables created or changed (appendCatalog)
//	uvarint number of tables with row changes or a restarted sequence,
//	  then for each: uvarint primary tree ID, uvarint the table's
//	  auto-increment sequence (format 2 on), a byte 1 if the commit
//	  restarted the sequence (engine.Tx.RestartSequence), else 0 (format 5
//	  on), uvarint number of changes, then for each:
//	  0x00 and the primary key (delete; format 4 on, its integers in the
//	  variable-length form), or 0x01 and the new row (put)
//
// A schema commit logs the tables it changed, not the whole catalog: at
// 10,000 tables a CREATE TABLE logged 580 KB when it logged them all.
//
// The sequence is logged because it is not transactional: replay must not
// hand out again a key that was used and deleted (PostgreSQL never
// reuses a sequence value either).
//
// Row changes are logical: a row's index entries are not logged but
// derived again by replay, and cascades are already expanded into the
// write set, so replay runs no actions.
//
// A sequence moves without a commit when a transaction that took values
// from it rolls back; Close logs it then (see encodeSequences).
//
// REQUIRES: the oracle's commit lock held (it is the commit hook's), and
// d.enc.
func (d *Store) encodeCommit(c *txn.Changes) []byte {
	r := commitRecord{version: c.Version}
	var restarted []txn.TreeID
	if cat := c.Tree(catalog.CatalogTree); cat != d.enc.catTree {
		var keys [][]byte
		c.Each(func(id txn.TreeID, whole bool, k [][]byte) {
			if id == catalog.CatalogTree && !whole {
				keys = k
			}
		})
		r.schema = true
		var dropped []string
		var changed []*catalog.Table
		var ok bool
		dropped, changed, ok, restarted = d.setCatalogTree(cat, keys)
		if ok {
			r.delta, r.dropped, r.changed = true, dropped, changed
		} else {
			r.catalog = changed
		}
	}
	size := 0
	c.Each(func(id txn.TreeID, _ bool, keys [][]byte) {
		t, ok := d.enc.byPrimary[id]
		if !ok || len(keys) == 0 {
			return // the catalog, an index, or a dropped table
		}
		tc := tableChanges{primary: id, seq: t.Seq.Load()}
		d.enc.seqs[t.Seq] = tc.seq
		tree := c.Tree(id)
		for _, k := range keys {
			if ent, ok := tree.Get(k); ok {
				tc.puts = append(tc.puts, catalog.RowOf(ent.Val))
			} else {
				tc.deletes = append(tc.deletes, k)
			}
		}
		r.tables = append(r.tables, tc)
		size += len(keys)
	})
	slices.SortFunc(r.tables, func(a, b tableChanges) int { return cmp.Compare(a.primary, b.primary) })
	r.markRestarts(d, restarted)
	e := enc{b: make([]byte, 0, 32+64*size)}
	r.appendTo(&e)
	return e.b
}

// markRestarts marks the tables of the record whose sequence the commit
// restarted (their primary trees), adding an entry for a table without
// row changes. The entries stay in primary tree order.
//
// REQUIRES: d.enc held.
func (r *commitRecord) markRestarts(d *Store, restarted []txn.TreeID) {
	for _, id := range restarted {
		t := d.enc.byPrimary[id]
		i, found := slices.BinarySearchFunc(r.tables, id, func(tc tableChanges, id txn.TreeID) int { return cmp.Compare(tc.primary, id) })
		if !found {
			r.tables = slices.Insert(r.tables, i, tableChanges{primary: id, seq: t.Seq.Load()})
			d.enc.seqs[t.Seq] = r.tables[i].seq
		}
		r.tables[i].restart = true
	}
}

// encodeSequences returns the record that logs the sequences that moved
// past what the log holds, or nil if none did (or the store is read-only,
// or its log failed). The record is a commit record (see encodeCommit) of
// version, the last version logged, with no schema section and, for each
// such table, its sequence and no row changes. Replay applies the
// sequences of a record whose version is the one just recovered, and
// earlier readers of the log, which skip a record of a version they have,
// ignore it.
//
// REQUIRES: d.enc and d.mu held.
func (d *Store) encodeSequences(version uint64) []byte {
	if d.cfg.ReadOnly || d.mu.err != nil {
		return nil
	}
	r := commitRecord{version: version}
	for id, t := range d.enc.byPrimary {
		if seq := t.Seq.Load(); t.AutoInc >= 0 && seq > d.enc.seqs[t.Seq] {
			r.tables = append(r.tables, tableChanges{primary: id, seq: seq})
		}
	}
	if len(r.tables) == 0 {
		return nil
	}
	slices.SortFunc(r.tables, func(a, b tableChanges) int { return cmp.Compare(a.primary, b.primary) })
	e := enc{b: make([]byte, 0, 16+8*len(r.tables))}
	r.appendTo(&e)
	return e.b
}

// Schema sections of a commit record (see encodeCommit).
const (
	noSchema     = 0
	wholeCatalog = 1
	catalogDelta = 2
)

// appendTo appends the record's encoding (see encodeCommit).
func (r *commitRecord) appendTo(e *enc) {
	e.byte(commitFormat)
	e.uvarint(r.version)
	switch {
	case !r.schema:
		e.byte(noSchema)
	case r.delta:
		e.byte(catalogDelta)
		e.uvarint(uint64(len(r.dropped)))
		for _, name := range r.dropped {
			e.str(name)
		}
		appendCatalog(e, r.changed)
	default:
		e.byte(wholeCatalog)
		appendCatalog(e, r.catalog)
	}
	e.uvarint(uint64(len(r.tables)))
	for _, t := range r.tables {
		e.uvarint(uint64(t.primary))
		e.uvarint(uint64(max(t.seq, 0)))
		e.bool(t.restart)
		e.uvarint(uint64(len(t.deletes) + len(t.puts)))
		for _, k := range t.deletes {
			e.byte(0)
			e.bytes(k)
		}
		for _, row := range t.puts {
			e.byte(1)
			e.row(row)
		}
	}
}

// setCatalogTree moves the store's view of the catalog to cat, the
// catalog of the commit being logged, whose write set changed the keys
// keys of it. It returns the tables that commit dropped (by name) and
// created or changed, in key order, and true; or, with no earlier catalog
// or no keys to go by, every table of cat and false: the record then logs
// the whole catalog. restarted are the primary trees of the tables whose
// sequence the commit replaced (engine.Tx.RestartSequence: the same
// primary tree with another sequence).
//
// REQUIRES: d.enc held, or d not yet shared.
func (d *Store) setCatalogTree(cat *index.Tree, keys [][]byte) (dropped []string, changed []*catalog.Table, delta bool, restarted []txn.TreeID) {
	old := d.enc.catTree
	d.enc.catTree = cat
	if old == nil || len(keys) == 0 || d.enc.byPrimary == nil {
		prev := d.enc.byPrimary
		d.enc.byPrimary = make(map[txn.TreeID]*catalog.Table, cat.Len())
		cat.Ascend(nil, nil, func(e index.Entry) bool {
			t := catalog.TableOf(e.Val)
			changed = append(changed, t)
			d.enc.byPrimary[t.Primary] = t
			if p := prev[t.Primary]; p != nil && p.Seq != t.Seq {
				restarted = append(restarted, t.Primary)
			}
			return true
		})
		slices.Sort(restarted)
		return nil, changed, false, restarted
	}
	keys = slices.SortedFunc(slices.Values(keys), bytes.Compare)
	for _, k := range keys {
		prev, had := old.Get(k)
		if had {
			delete(d.enc.byPrimary, catalog.TableOf(prev.Val).Primary)
		}
		e, ok := cat.Get(k)
		if !ok {
			if had {
				dropped = append(dropped, catalog.TableOf(prev.Val).Name)
				delete(d.enc.seqs, catalog.TableOf(prev.Val).Seq)
			}
			continue
		}
		t := catalog.TableOf(e.Val)
		changed = append(changed, t)
		d.enc.byPrimary[t.Primary] = t
		if had {
			if p := catalog.TableOf(prev.Val); p.Primary == t.Primary && p.Seq != t.Seq {
				restarted = append(restarted, t.Primary)
			}
		}
	}
	slices.Sort(restarted)
	return dropped, changed, true, restarted
}

// commitFormat is the version of the commit record layout. Format 1
// records (no sequences), format 2 records (a bool, then always the whole
// catalog), format 3 records (primary keys whose integers are in the
// fixed 8-byte form, index.UpgradeLegacyKey) and format 4 records (no
// sequence restarts) are still read.
const commitFormat = 5

// commitRecord is a decoded log record.
type commitRecord struct {
	version uint64
	schema  bool // the catalog changed
	// delta: dropped and changed say how (format 3); else catalog is
	// the whole new catalog.
	delta   bool
	catalog []*catalog.Table
	dropped []string
	changed []*catalog.Table
	tables  []tableChanges
}

type tableChanges struct {
	primary txn.TreeID
	seq     int64    // the table's sequence when the commit was logged
	restart bool     // the commit restarted the sequence (format 5)
	deletes [][]byte // primary keys
	puts    [][]any  // new rows
}

// decodeCommit decodes a record written by encodeCommit. It never panics;
// a bad record is an error wrapping ErrCorrupt.
func decodeCommit(b []byte) (*commitRecord, error) { return decodeCommitRows(b, nil) }

// decodeCommitRows is decodeCommit taking row tuples from slab if not nil.
func decodeCommitRows(b []byte, slab *catalog.RowSlab) (*commitRecord, error) {
	d := newDec(b)
	d.slab = slab
	f := d.byte()
	if d.err == nil && (f < 1 || f > commitFormat) {
		return nil, fmt.Errorf("%w: unknown commit record format %d", ErrCorrupt, f)
	}
	r := &commitRecord{version: d.uvarint()}
	schema := d.byte() // formats 1 and 2: a bool, 0 or 1
	switch {
	case schema == noSchema:
	case schema == wholeCatalog:
		r.schema, r.catalog = true, decodeCatalog(d, false)
	case schema == catalogDelta && f >= 3:
		r.schema, r.delta = true, true
		n := d.count(1)
		for range n {
			r.dropped = append(r.dropped, d.str())
		}
		r.changed = decodeCatalog(d, true)
	default:
		d.fail("bad schema section %d", schema)
	}
	n := d.count(2)
	for range n {
		tc := tableChanges{primary: txn.TreeID(d.uvarint())}
		if f >= 2 {
			tc.seq = int64(min(d.uvarint(), math.MaxInt64))
		}
		if f >= 5 {
			tc.restart = d.bool()
		}
		m := d.count(2)
		for range m {
			switch op := d.byte(); op {
			case 0:
				key := d.raw()
				if f < 4 && d.err == nil {
					var err error
					if key, err = index.UpgradeLegacyKey(key); err != nil {
						d.fail("delete key: %v", err)
					}
				}
				tc.deletes = append(tc.deletes, key)
			case 1:
				tc.puts = append(tc.puts, d.row())
			default:
				d.fail("bad change kind %d", op)
			}
		}
		r.tables = append(r.tables, tc)
	}
	if d.err == nil && len(d.b) != 0 {
		d.fail("%d bytes after the record", len(d.b))
	}
	if d.err != nil {
		return nil, d.err
	}
	return r, nil
}

// lockDir takes the directory's lock.
//
// The lock is on the directory itself, not on a file in it: a file can be
// deleted by someone tidying up, which would let a second process open the
// database beside the first (both acknowledging commits, only one's
// surviving). The LOCK file is still created, for tools that look for it.
func lockDir(dir string, readOnly bool) (*os.File, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	if readOnly {
		if err := flockShared(f); err != nil {
			f.Close()
			return nil, fmt.Errorf("%w: %s: %w", ErrLocked, dir, err)
		}
		return f, nil
	}
	if err := flock(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("%w: %s: %w", ErrLocked, dir, err)
	}
	lf, err := os.OpenFile(filepath.Join(dir, lockName), os.O_RDWR|os.O_CREATE, filePerm)
	if err != nil {
		_ = unlock(f)
		f.Close()
		return nil, err
	}
	lf.Close()
	return f, nil
}

// Close flushes the queue and closes the log and the lock. Commits that
// reach the hook afterwards fail with ErrClosed.
//
// Close also logs the sequences that moved since the log last held them
// (values taken by transactions that rolled back), so that Open does not
// hand those values out again; see encodeSequences.
func (d *Store) Close() error {
	d.enc.Lock()
	d.enc.closing = true
	d.mu.Lock()
	d.mu.closed = true
	seqs := d.encodeSequences(d.mu.queued)
	d.mu.Unlock()
	d.enc.Unlock()
	errs := []error{d.flushAll()}
	d.bg.Wait()
	d.ckptMu.Lock()
	defer d.ckptMu.Unlock()
	if seqs != nil && errs[0] == nil {
		// Every queued record is written and no commit can follow, so
		// nothing else appends to the log now.
		if _, err := d.log.Append(seqs); err != nil {
			errs = append(errs, fmt.Errorf("log sequences: %w", err))
		}
	}
	errs = append(errs, d.log.Close(), unlock(d.lock), d.lock.Close())
	if p := d.ckptErr.Load(); p != nil {
		errs = append(errs, fmt.Errorf("background checkpoint: %w", *p))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	return nil
}

// BatchCounts returns how many batches have been written to the log and
// how many records they held.
func (d *Store) BatchCounts() (batches, records int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.mu.batches, d.mu.records
}

// BreakLog marks the log failed with err, as a failed write does: every
// later commit and checkpoint fails with an error wrapping ErrLogFailed and
// err. For tests of that path.
func (d *Store) BreakLog(err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.mu.err = fmt.Errorf("%w: %w", ErrLogFailed, err)
}
