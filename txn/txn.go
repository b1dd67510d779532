package txn

import (
	"bytes"
	"math/bits"
	"slices"
	"sync"

	"github.com/reldb/reldb/index"
)

// Txn is one transaction: a snapshot to read, and for a writer, private
// copies of the trees it changed, its read set and an undo log. A Txn is not
// safe for concurrent use. Its zero value is not usable; get one from
// [Oracle.Begin].
//
// Misuse — writing in a read-only transaction, writing to a tree that does
// not exist, using a transaction after Commit or Abort — is a programming
// error of the caller and panics.
type Txn struct {
	o    *Oracle
	snap *Snapshot
	tail *link // nil for a read-only transaction

	// writer is nil in a read-only transaction, which keeps a reader small.
	*writer
	done bool
	// probe is the entry Get searches the B-tree with, and walk the
	// walker Scan keeps between scans (a scan nested in another's callback
	// takes one from the pool): the transaction's own, since a Txn is not
	// used concurrently. The walker goes back to the pool when the
	// transaction ends.
	probe index.Item
	walk  *index.Walker
	// changes is the argument CommitWith passes its hook.
	changes Changes
}

// writer is the state only a write transaction has.
type writer struct {
	local map[TreeID]*local
	reads map[TreeID]*readSet
	// iso says which reads are recorded and validated: all of them
	// (Serializable), or only those made between EnterIntegrity and
	// LeaveIntegrity (SnapshotIsolation), integrity counting the nesting.
	iso       Isolation
	integrity int
	log       undoLog
	items     []index.Item // slab the items this transaction puts come from
	// treeOps holds, for each tree operation in log (oldest first), the
	// local state it replaced (nil if none), which RollbackTo restores.
	treeOps []*local
	// removals counts the operations that may have taken a key out of a
	// tree; see Removals.
	removals uint64
}

// local is a transaction's own version of one tree.
type local struct {
	tree *index.Tree // nil when the transaction dropped the tree
	// whole is set when the tree was created or dropped by this transaction:
	// it replaces the snapshot's tree as a whole instead of key by key.
	whole bool
}

// logRec is one undo record: a key write, or a tree created or dropped. A
// key write holds the entry it put (nil for a delete) and the entry it
// replaced or removed (nil if none); the key is theirs, so the record
// takes 24 bytes. A tree operation has neither; what it replaced is in
// writer.treeOps.
type logRec struct {
	tree TreeID
	put  *index.Item
	old  *index.Item
}

// key returns the key a record wrote, or nil for a tree operation.
func (r *logRec) key() []byte {
	switch {
	case r.put != nil:
		return r.put.Key()
	case r.old != nil:
		return r.old.Key()
	}
	return nil
}

// undoLog holds undo records in chunks that never move, so a transaction
// with millions of writes never copies its log. Chunks grow geometrically
// — 16, 16, 32, 64, ... records up to logChunk, then logChunk each — so a
// small transaction allocates little and a large one wastes little.
type undoLog struct {
	chunks [][]logRec
	n      int
}

const logShift = 10
const logChunk = 1 << logShift // the largest chunk
const firstChunk = 16

func (l *undoLog) len() int { return l.n }

// locate returns the chunk and offset of record i, and the size of that
// chunk.
func locate(i int) (c, off, size int) {
	if i < logChunk {
		c = bits.Len(uint(i) / firstChunk)
		if c == 0 {
			return 0, i, firstChunk
		}
		start := firstChunk << (c - 1)
		return c, i - start, start
	}
	base := bits.Len(uint(logChunk-1) / firstChunk) // chunks before the fixed-size ones
	return base + 1 + (i-logChunk)>>logShift, (i - logChunk) & (logChunk - 1), logChunk
}

func (l *undoLog) append(r logRec) {
	c, _, size := locate(l.n)
	if c == len(l.chunks) {
		l.chunks = append(l.chunks, make([]logRec, 0, size))
	}
	l.chunks[c] = append(l.chunks[c], r)
	l.n++
}

func (l *undoLog) at(i int) *logRec {
	c, off, _ := locate(i)
	return &l.chunks[c][off]
}

// truncate drops the records from n on.
func (l *undoLog) truncate(n int) {
	keepChunks := 0
	if n > 0 {
		c, _, _ := locate(n - 1)
		keepChunks = c + 1
	}
	for c := len(l.chunks) - 1; c >= keepChunks; c-- {
		clear(l.chunks[c])
		l.chunks[c] = l.chunks[c][:0]
	}
	l.chunks = l.chunks[:keepChunks]
	if keepChunks > 0 {
		last := l.chunks[keepChunks-1]
		_, off, _ := locate(n - 1)
		clear(last[off+1:])
		l.chunks[keepChunks-1] = last[:off+1]
	}
	l.n = n
}

// newItem returns an item holding e, carved from the transaction's item
// slab: one allocation per many puts instead of one per put. Chunks double
// from 2 items, so that a short transaction's items keep little alive (a
// tree keeps its item's chunk), to itemChunk.
func (t *Txn) newItem(e index.Entry) *index.Item {
	if len(t.items) == cap(t.items) {
		t.items = make([]index.Item, 0, min(max(2*cap(t.items), 2), itemChunk))
	}
	t.items = t.items[:len(t.items)+1]
	it := &t.items[len(t.items)-1]
	it.Set(e.Key, e.Val)
	return it
}

// itemChunk is the largest item chunk: 1,706 items of 24 bytes, 40,944
// bytes, a large object that takes five pages (40,960 bytes) all but
// whole.
const itemChunk = 1706

type readSet struct {
	points [][]byte
	ranges []keyRange
}

// keyRange is [lo, hi); nil bounds are open.
type keyRange struct{ lo, hi []byte }

// ReadOnly reports whether the transaction was begun read-only.
func (t *Txn) ReadOnly() bool { return t.tail == nil }

// Snapshot returns the snapshot the transaction reads from.
func (t *Txn) Snapshot() *Snapshot { return t.snap }

// view returns the tree the transaction sees under id, or nil.
func (t *Txn) view(id TreeID) *index.Tree {
	if t.writer != nil {
		if l, ok := t.local[id]; ok {
			return l.tree
		}
	}
	return t.snap.trees.get(id)
}

// Exists reports whether the transaction sees a tree with the given ID. The
// answer is not recorded in the read set: callers keep a catalog whose reads
// are recorded.
func (t *Txn) Exists(id TreeID) bool { return t.view(id) != nil }

// Derived reports whether the tree the transaction sees under id makes its
// rows from its keys (index.NewDerivedTree).
func (t *Txn) Derived(id TreeID) bool {
	tr := t.view(id)
	return tr != nil && tr.Derived()
}

// Len returns the number of entries in the tree as the transaction sees it,
// or 0 when there is none. It is a statistic for planning and is not
// recorded in the read set.
func (t *Txn) Len(id TreeID) int {
	if tr := t.view(id); tr != nil {
		return tr.Len()
	}
	return 0
}

// Isolation says which of a write transaction's reads its commit
// validates. Writes are always validated: two transactions that wrote the
// same key never both commit.
type Isolation uint8

const (
	// Serializable validates every read: the commit fails if a transaction
	// that committed after the snapshot wrote anything it read.
	Serializable Isolation = iota
	// SnapshotIsolation validates only the reads made for integrity
	// (between EnterIntegrity and LeaveIntegrity, such as foreign-key
	// checks): the transaction reads one snapshot and fails only for a
	// write-write conflict or a broken integrity read, so write skew is
	// possible, as under PostgreSQL's REPEATABLE READ.
	SnapshotIsolation
)

// SetIsolation sets which reads the transaction records and validates.
// Call it right after Begin, before any read; a read-only transaction
// ignores it.
func (t *Txn) SetIsolation(i Isolation) {
	if t.writer != nil {
		t.iso = i
	}
}

// EnterIntegrity starts a stretch of reads that are validated under every
// isolation: what a constraint check read must not have changed when the
// transaction commits. Pair it with LeaveIntegrity; stretches nest.
func (t *Txn) EnterIntegrity() {
	if t.writer != nil {
		t.integrity++
	}
}

// LeaveIntegrity ends the stretch EnterIntegrity began.
func (t *Txn) LeaveIntegrity() {
	if t.writer != nil {
		t.integrity--
	}
}

// recording reports whether a read now goes into the read set.
func (t *Txn) recording() bool {
	return t.tail != nil && (t.iso == Serializable || t.integrity > 0)
}

func (t *Txn) readSet(id TreeID) *readSet {
	r := t.reads[id]
	if r == nil {
		if t.reads == nil {
			t.reads = make(map[TreeID]*readSet)
		}
		r = &readSet{}
		t.reads[id] = r
	}
	return r
}

// Get returns the entry under key in tree id as the transaction sees it. A
// writer records the key in its read set (whether or not it was found) and
// keeps it there: the caller must not modify key afterwards.
func (t *Txn) Get(id TreeID, key []byte) (index.Entry, bool) {
	t.checkLive()
	if t.recording() {
		r := t.readSet(id)
		r.points = append(r.points, key)
	}
	tr := t.view(id)
	if tr == nil {
		return index.Entry{}, false
	}
	return tr.GetWith(&t.probe, key)
}

// ReadSetSize returns how many point reads and ranges the transaction
// has recorded for validation, over every tree: what its commit will
// check against the transactions that committed since its snapshot.
func (t *Txn) ReadSetSize() int {
	n := 0
	for _, r := range t.reads {
		n += len(r.points) + len(r.ranges)
	}
	return n
}

// Peek is Get without recording the read under any isolation: for
// looking at a key whose protection is elsewhere (a row lock).
func (t *Txn) Peek(id TreeID, key []byte) (index.Entry, bool) {
	t.checkLive()
	tr := t.view(id)
	if tr == nil {
		return index.Entry{}, false
	}
	return tr.GetWith(&t.probe, key)
}

// Scan calls fn for every entry of tree id with a key in [lo, hi), ascending
// or (reverse) descending, until fn returns false. A writer records the part
// of the range it actually visited: all of it, or up to the key where fn
// stopped, keeping lo and hi, which the caller must not modify afterwards.
// fn must not write to the tree being scanned.
func (t *Txn) Scan(id TreeID, lo, hi []byte, reverse bool, fn func(index.Entry) bool) {
	t.scan(id, lo, hi, reverse, func(tr *index.Tree, w *index.Walker) ([]byte, bool) {
		if reverse {
			return tr.DescendWith(w, lo, hi, fn)
		}
		return tr.AscendWith(w, lo, hi, fn)
	})
}

// ScanPrefix is an ascending Scan whose fn gets each key's first 16 bytes
// and the entry, as index.Tree.AscendPrefixWith; fn must not modify the
// entry. It records what it read as Scan does.
func (t *Txn) ScanPrefix(id TreeID, lo, hi []byte, fn func(p0, p1 uint64, e index.Ref) bool) {
	t.scan(id, lo, hi, false, func(tr *index.Tree, w *index.Walker) ([]byte, bool) {
		return tr.AscendPrefixWith(w, lo, hi, fn)
	})
}

// scan runs walk on tree id with a walker, and records the range read.
func (t *Txn) scan(id TreeID, lo, hi []byte, reverse bool, walk func(*index.Tree, *index.Walker) ([]byte, bool)) {
	t.checkLive()
	var last []byte
	stopped := false
	if tr := t.view(id); tr != nil {
		w := t.walk
		if w == nil {
			w = index.GetWalker()
		}
		t.walk = nil // a scan nested in fn takes another
		last, stopped = walk(tr, w)
		if t.walk == nil && !t.done {
			t.walk = w
		} else {
			w.Release()
		}
	}
	if !t.recording() {
		return
	}
	rg := keyRange{lo: lo, hi: hi}
	if stopped {
		if reverse {
			rg.lo = last
		} else {
			rg.hi = index.Successor(last)
		}
	}
	r := t.readSet(id)
	// A range that starts where the last one ended extends it, as when a
	// cascade scans the children of consecutive keys one prefix after the
	// other: one range to keep and to validate instead of many. The union
	// of [a, b) and [b, c) is [a, c) only if both are forward ranges: b
	// past a (or a open) and c past b (or c open). An empty, backward
	// [a, b) with b = c's start would otherwise swallow [b, c).
	if n := len(r.ranges); n > 0 {
		last := &r.ranges[n-1]
		if last.hi != nil && bytes.Equal(last.hi, rg.lo) &&
			(last.lo == nil || bytes.Compare(last.lo, last.hi) < 0) &&
			(rg.hi == nil || bytes.Compare(rg.hi, rg.lo) > 0) {
			last.hi = rg.hi
			return
		}
	}
	r.ranges = append(r.ranges, rg)
}

// writable returns the transaction's private copy of tree id, cloning the
// snapshot's tree on first use.
func (t *Txn) writable(id TreeID) *index.Tree {
	t.checkLive()
	if t.tail == nil {
		panic("reldb: write in a read-only transaction")
	}
	if l, ok := t.local[id]; ok {
		if l.tree == nil {
			panic("reldb: write to a dropped tree")
		}
		return l.tree
	}
	base := t.snap.trees.get(id)
	if base == nil {
		panic("reldb: write to a tree that does not exist")
	}
	if t.local == nil {
		t.local = make(map[TreeID]*local)
	}
	c := base.Fork() // published trees are frozen: no lock, nothing written to base
	t.local[id] = &local{tree: c}
	return c
}

// Put stores e in tree id, replacing any entry with the same key, and returns
// the entry replaced. The tree keeps e.Key and e.Val: neither may change
// afterwards.
func (t *Txn) Put(id TreeID, e index.Entry) (old index.Entry, replaced bool) {
	tr := t.writable(id)
	var it *index.Item
	if tr.Derived() {
		// The tree keeps no items: one from the slab would keep the
		// slab's others alive after the transaction.
		it = new(index.Item)
		it.Set(e.Key, e.Val)
	} else {
		it = t.newItem(e)
	}
	return t.putItem(id, tr, it)
}

// PutItem is Put of an item the caller allocated: the tree keeps the
// pointer put, and *put must not change afterwards.
func (t *Txn) PutItem(id TreeID, put *index.Item) (old index.Entry, replaced bool) {
	return t.putItem(id, t.writable(id), put)
}

// putItem is PutItem into tr, the transaction's copy of tree id.
func (t *Txn) putItem(id TreeID, tr *index.Tree, put *index.Item) (old index.Entry, replaced bool) {
	p := tr.PutItem(put)
	t.log.append(logRec{tree: id, put: put, old: p})
	if p == nil {
		return index.Entry{}, false
	}
	return p.Entry(), true
}

// Delete removes the entry under key from tree id and returns it, or false
// when there was none (nothing is logged then, but the key's absence is
// recorded as a read). Delete keeps nothing of key — the log keeps the
// stored entry's key, the read set a copy — so key may be a scratch buffer.
func (t *Txn) Delete(id TreeID, key []byte) (index.Entry, bool) {
	tr := t.writable(id)
	p := tr.DeleteItem(key)
	if p == nil {
		r := t.readSet(id)
		r.points = append(r.points, bytes.Clone(key))
		return index.Entry{}, false
	}
	t.removals++
	t.log.append(logRec{tree: id, old: p})
	return p.Entry(), true
}

// CreateTree makes an empty tree with the given ID. It panics if the
// transaction already sees a tree with that ID.
func (t *Txn) CreateTree(id TreeID) {
	t.checkLive()
	if t.tail == nil {
		panic("reldb: create tree in a read-only transaction")
	}
	if t.view(id) != nil {
		panic("reldb: create of a tree that exists")
	}
	t.setLocal(id, &local{tree: index.NewTree(), whole: true})
}

// CreateTreeAs is CreateTree of empty, a new empty tree of the caller's
// making (a derived one: index.NewDerivedTree).
func (t *Txn) CreateTreeAs(id TreeID, empty *index.Tree) {
	if empty.Len() != 0 {
		panic("reldb: create of a tree from one that is not empty")
	}
	t.CreateTree(id)
	t.local[id].tree = empty
}

// DropTree removes the tree with the given ID. It panics if the transaction
// sees no such tree.
func (t *Txn) DropTree(id TreeID) {
	t.checkLive()
	if t.tail == nil {
		panic("reldb: drop tree in a read-only transaction")
	}
	if t.view(id) == nil {
		panic("reldb: drop of a tree that does not exist")
	}
	t.removals++
	t.setLocal(id, &local{whole: true})
}

func (t *Txn) setLocal(id TreeID, l *local) {
	if t.local == nil {
		t.local = make(map[TreeID]*local)
	}
	t.log.append(logRec{tree: id})
	t.treeOps = append(t.treeOps, t.local[id])
	t.local[id] = l
}

// Mark returns a position in the undo log for RollbackTo: everything written
// after it can be undone. Marks are cheap; statements and savepoints use them.
func (t *Txn) Mark() int {
	if t.writer == nil {
		return 0
	}
	return t.log.len()
}

// RollbackTo undoes every write made since mark, newest first, leaving the
// trees exactly as they were when Mark returned it. Reads stay in the read
// set, and each undone write's key joins it (the write saw the old entry):
// validation stays conservative.
func (t *Txn) RollbackTo(mark int) {
	t.checkLive()
	if mark < 0 || mark > t.log.len() {
		panic("reldb: rollback to an invalid mark")
	}
	if mark < t.log.len() {
		t.removals++ // an undone put takes its key out again
	}
	for i := t.log.len() - 1; i >= mark; i-- {
		r := t.log.at(i)
		key := r.key()
		if key == nil {
			// Tree operations pop their saved states newest first, as
			// the log is undone.
			prev := t.treeOps[len(t.treeOps)-1]
			t.treeOps = t.treeOps[:len(t.treeOps)-1]
			if prev == nil {
				delete(t.local, r.tree)
			} else {
				t.local[r.tree] = prev
			}
			continue
		}
		rs := t.readSet(r.tree)
		rs.points = append(rs.points, key)
		tr := t.local[r.tree].tree
		if r.old != nil {
			tr.PutItem(r.old)
		} else {
			tr.DeleteItem(key)
		}
	}
	t.log.truncate(mark)
}

// Removals returns a count that advances whenever the transaction may have
// taken a key out of one of its trees: a Delete that removed an entry, a
// RollbackTo that undid anything, a DropTree. Puts never advance it. So a
// caller that saw a key present, and finds Removals unchanged since, knows
// the key is still present in the transaction's view without looking again
// (the first look is in the read set already). Zero for a reader.
func (t *Txn) Removals() uint64 {
	if t.writer == nil {
		return 0
	}
	return t.removals
}

// Writes returns the number of undo records: zero means the transaction has
// changed nothing.
func (t *Txn) Writes() int {
	if t.writer == nil {
		return 0
	}
	return t.log.len()
}

// Abort ends the transaction without publishing anything. Calling it on a
// finished transaction does nothing.
func (t *Txn) Abort() {
	t.done = true
	t.writer = nil
	if t.tail != nil {
		// The chain of later commits hangs off tail: a finished Txn that
		// something still references (a Record, a Tx kept by mistake) must
		// not keep every write set committed since it began.
		t.tail = endedTail
	}
	if t.walk != nil {
		t.walk.Release()
		t.walk = nil
	}
}

// endedTail stands for the tail of a finished write transaction: not nil,
// so ReadOnly still says false, and linked to nothing.
var endedTail = &link{}

func (t *Txn) checkLive() {
	if t.done {
		panic("reldb: use of a finished transaction")
	}
}

// writeSet is what a commit changed: its undo log, frozen, from which the
// per-tree sorted key sets are built the first time someone needs them — a
// concurrent transaction validating against this commit, or the commit
// itself re-applying its writes to a newer snapshot. Most commits are never
// looked at again, so they pay nothing for it. Once published it is read
// by validators with and without the commit lock: the sets are built once,
// under once, and never change after.
type writeSet struct {
	log   undoLog
	once  sync.Once
	trees map[TreeID]*treeWrites // built by byTree
}

type treeWrites struct {
	whole bool     // the tree was created or dropped
	keys  [][]byte // written keys, sorted and without duplicates
}

// sortedKeys returns the written keys sorted and without duplicates.
func (w *treeWrites) sortedKeys() [][]byte { return w.keys }

// byTree returns the written keys grouped by tree.
func (ws *writeSet) byTree() map[TreeID]*treeWrites {
	ws.once.Do(ws.build)
	return ws.trees
}

func (ws *writeSet) build() {
	trees := make(map[TreeID]*treeWrites)
	var w *treeWrites
	var last TreeID
	for i := 0; i < ws.log.len(); i++ {
		r := ws.log.at(i)
		if w == nil || r.tree != last {
			if w = trees[r.tree]; w == nil {
				w = &treeWrites{}
				trees[r.tree] = w
			}
			last = r.tree
		}
		if key := r.key(); key == nil {
			w.whole = true
		} else {
			w.keys = append(w.keys, key)
		}
	}
	for _, w := range trees {
		slices.SortFunc(w.keys, bytes.Compare)
		w.keys = slices.CompactFunc(w.keys, bytes.Equal)
	}
	ws.trees = trees
}

// Refresh moves a write transaction onto the latest committed snapshot,
// keeping its own writes: every tree it wrote becomes the latest tree
// with its final value of each key it wrote put on top. It first checks
// the commits it skips as Commit would (its writes, and the reads its
// isolation records) and returns a *ConflictError, changing nothing, if
// one of them touched those. Afterwards Commit validates only against
// commits made after the refresh. Reads the transaction made before are
// not looked at again: this is READ COMMITTED's fresh snapshot per
// statement. O(keys written) when something committed meanwhile, O(1)
// otherwise. A read-only transaction just takes the latest snapshot.
func (t *Txn) Refresh() error {
	t.checkLive()
	h := t.o.head.Load()
	if t.tail == nil {
		t.snap = h.snap
		return nil
	}
	if h.tail == t.tail {
		return nil
	}
	mine := &writeSet{log: t.log} // a view of the log as it is now
	for l := t.tail; l != h.tail; l = l.next {
		if err := t.validate(mine, l); err != nil {
			return err
		}
	}
	written := mine.byTree()
	for id, w := range written {
		l := t.local[id]
		if l == nil || l.whole || w.whole {
			continue // created or dropped here: the transaction's own
		}
		base := h.snap.trees.get(id)
		if base == nil {
			return &ConflictError{Tree: id, Version: h.snap.version}
		}
		c := base.Fork()
		for _, k := range w.keys {
			if e, ok := l.tree.Get(k); ok {
				c.Put(e)
			} else {
				c.Delete(k)
			}
		}
		l.tree = c
	}
	for id, l := range t.local {
		if !l.whole && written[id] == nil {
			delete(t.local, id) // copied but not written: read the new snapshot
		}
	}
	t.snap, t.tail, t.reads = h.snap, h.tail, nil
	return nil
}

// WrittenSince reports whether a transaction that committed after this
// one's snapshot (or its last Refresh) wrote key in tree id, or created or
// dropped the tree. A caller that compares the entry its snapshot holds
// with the latest one by the row's pointer cannot do so in a derived tree
// (index.NewDerivedTree), whose rows are made anew on every read: this
// tells a key deleted and put back since from one left alone. It takes
// O(commits since × log keys each wrote); false for a reader.
func (t *Txn) WrittenSince(id TreeID, key []byte) bool {
	if t.tail == nil {
		return false
	}
	h := t.o.head.Load()
	for l := t.tail; l != h.tail; l = l.next {
		w := l.writes.byTree()[id]
		if w == nil {
			continue
		}
		if w.whole {
			return true
		}
		if _, found := slices.BinarySearchFunc(w.keys, key, bytes.Compare); found {
			return true
		}
	}
	return false
}

// Behind reports whether something committed since the transaction's
// snapshot (or its last Refresh).
func (t *Txn) Behind() bool {
	return t.o.head.Load().snap != t.snap
}

// Commit publishes the transaction's writes as a new snapshot and returns its
// version, or the snapshot's version when nothing was written. It returns a
// *ConflictError (errors.Is ErrConflict) when a transaction that committed
// after this one's snapshot wrote a key this one read or wrote; nothing is
// published then. Either way the transaction is finished.
func (t *Txn) Commit() (uint64, error) { return t.CommitWith(nil) }

// Changes is what a commit changes, shown to the hook of
// [Txn.CommitWith] while the commit lock is held: the trees it wrote and,
// for each, the keys, plus the trees as they will be published. It is valid
// only during the hook.
type Changes struct {
	// Version is the version the commit will publish.
	Version uint64
	ws      *writeSet
	trees   *treeSet
}

// Each calls fn for every tree the commit wrote, in no particular order:
// whole is set when the tree was created or dropped, and keys are the keys
// written (put or deleted), sorted and without duplicates. fn must not
// modify keys.
func (c *Changes) Each(fn func(id TreeID, whole bool, keys [][]byte)) {
	for id, w := range c.ws.byTree() {
		fn(id, w.whole, w.sortedKeys())
	}
}

// Tree returns the tree id as the commit will publish it, or nil when the
// commit leaves no such tree. Read it, never write it.
func (c *Changes) Tree(id TreeID) *index.Tree { return c.trees.get(id) }

// CommitWith is Commit that calls hook, when it is not nil, once the
// commit is validated and before it is published, under the commit lock:
// hooks see commits one at a time, in version order. If hook returns an
// error nothing is published and CommitWith returns it. A commit that wrote
// nothing calls no hook. The hook holds up every other commit while it runs,
// so it should only record what it needs (package engine queues a log
// record there, which fixes the log order to the commit order).
func (t *Txn) CommitWith(hook func(*Changes) error) (uint64, error) {
	t.checkLive()
	defer t.Abort()
	if t.tail == nil || t.log.len() == 0 {
		return t.snap.version, nil
	}
	mine := &writeSet{log: t.log}
	t.log = undoLog{} // the write set owns it now

	o := t.o
	// Validate against the commits published so far without the commit
	// lock: a link is complete once a head past it is published (the
	// atomic load orders the link's fields before us), and never changes
	// after. A transaction that ran long has many commits to check; doing
	// it here keeps the lock, which every committer needs, for the few
	// that publish meanwhile.
	// Commits keep publishing meanwhile: catch up again while a pass found
	// many, a bounded number of times.
	from := t.tail
	for pass := 0; pass < 8; pass++ {
		n := 0
		for seen := o.head.Load().tail; from != seen; from = from.next {
			if err := t.validate(mine, from); err != nil {
				return 0, err
			}
			n++
		}
		if n <= 16 {
			break
		}
	}
	o.commitMu.Lock()
	defer o.commitMu.Unlock()
	h := o.head.Load()
	for l := from; l.next != nil; l = l.next {
		if err := t.validate(mine, l); err != nil {
			return 0, err
		}
	}
	trees := editTrees(h.snap.trees)
	if t.tail == h.tail {
		// Nothing committed since our snapshot: publish our trees as they are.
		for id, l := range t.local {
			trees.set(id, l.tree) // nil: dropped
		}
	} else {
		// Validation passed, so nobody touched our keys: apply our final
		// value of each key to the latest trees.
		for id, w := range mine.byTree() {
			l := t.local[id]
			switch {
			case w.whole:
				trees.set(id, l.tree) // nil: dropped
			default:
				c := h.snap.trees.get(id).Fork()
				for _, k := range w.keys {
					if e, ok := l.tree.Get(k); ok {
						c.Put(e)
					} else {
						c.Delete(k)
					}
				}
				trees.set(id, c)
			}
		}
	}
	snap := &Snapshot{version: h.snap.version + 1, trees: trees.out}
	if hook != nil {
		// The Txn's own Changes: a hook's argument escapes, and a commit
		// should not allocate for it.
		t.changes = Changes{Version: snap.version, ws: mine, trees: &snap.trees}
		err := hook(&t.changes)
		t.changes = Changes{}
		if err != nil {
			return 0, err
		}
	}
	next := &link{}
	h.tail.version, h.tail.writes, h.tail.next = snap.version, mine, next
	o.head.Store(&head{snap: snap, tail: next})
	return snap.version, nil
}

// validate checks the transaction against one later commit.
func (t *Txn) validate(mine *writeSet, l *link) error {
	// Visit trees in ID order so that the conflict reported is deterministic.
	their := l.writes.byTree()
	ids := make([]TreeID, 0, len(their))
	for id := range their {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	mineByTree := mine.byTree()
	for _, id := range ids {
		theirs := their[id]
		conflict := func(key []byte) error {
			return &ConflictError{Tree: id, Key: bytes.Clone(key), Version: l.version}
		}
		r := t.reads[id]
		w := mineByTree[id]
		if theirs.whole || (w != nil && w.whole) {
			if r != nil || w != nil {
				return conflict(nil)
			}
			continue
		}
		keys := theirs.sortedKeys()
		if r != nil {
			for _, p := range r.points {
				if _, found := slices.BinarySearchFunc(keys, p, bytes.Compare); found {
					return conflict(p)
				}
			}
			for _, rg := range r.ranges {
				i, _ := slices.BinarySearchFunc(keys, rg.lo, bytes.Compare)
				if i < len(keys) && (rg.hi == nil || bytes.Compare(keys[i], rg.hi) < 0) {
					return conflict(keys[i])
				}
			}
		}
		if w != nil {
			for _, k := range w.keys {
				if _, found := slices.BinarySearchFunc(keys, k, bytes.Compare); found {
					return conflict(k)
				}
			}
		}
	}
	return nil
}
