package txn

import (
	"bytes"
	"slices"

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

	local map[TreeID]*local
	reads map[TreeID]*readSet
	log   []logRec
	done  bool
}

// local is a transaction's own version of one tree.
type local struct {
	tree *index.Tree // nil when the transaction dropped the tree
	// whole is set when the tree was created or dropped by this transaction:
	// it replaces the snapshot's tree as a whole instead of key by key.
	whole bool
}

// logRec is one undo record: a key write, or a tree created or dropped.
type logRec struct {
	tree   TreeID
	key    []byte // nil for a tree operation
	old    index.Entry
	hadOld bool
	prev   *local // tree operations: the local state before, nil if none
}

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
	if l, ok := t.local[id]; ok {
		return l.tree
	}
	return t.snap.trees[id]
}

// Exists reports whether the transaction sees a tree with the given ID. The
// answer is not recorded in the read set: callers keep a catalog whose reads
// are recorded.
func (t *Txn) Exists(id TreeID) bool { return t.view(id) != nil }

// Len returns the number of entries in the tree as the transaction sees it,
// or 0 when there is none. It is a statistic for planning and is not
// recorded in the read set.
func (t *Txn) Len(id TreeID) int {
	if tr := t.view(id); tr != nil {
		return tr.Len()
	}
	return 0
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
	if t.tail != nil {
		r := t.readSet(id)
		r.points = append(r.points, key)
	}
	tr := t.view(id)
	if tr == nil {
		return index.Entry{}, false
	}
	return tr.Get(key)
}

// Scan calls fn for every entry of tree id with a key in [lo, hi), ascending
// or (reverse) descending, until fn returns false. A writer records the part
// of the range it actually visited: all of it, or up to the key where fn
// stopped, keeping lo and hi, which the caller must not modify afterwards.
// fn must not write to the tree being scanned.
func (t *Txn) Scan(id TreeID, lo, hi []byte, reverse bool, fn func(index.Entry) bool) {
	t.checkLive()
	var last []byte
	stopped := false
	if tr := t.view(id); tr != nil {
		visit := func(e index.Entry) bool {
			if !fn(e) {
				last, stopped = e.Key, true
				return false
			}
			return true
		}
		if reverse {
			tr.Descend(lo, hi, visit)
		} else {
			tr.Ascend(lo, hi, visit)
		}
	}
	if t.tail == nil {
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
	base := t.snap.trees[id]
	if base == nil {
		panic("reldb: write to a tree that does not exist")
	}
	if t.local == nil {
		t.local = make(map[TreeID]*local)
	}
	c := t.o.clone(base)
	t.local[id] = &local{tree: c}
	return c
}

// Put stores e in tree id, replacing any entry with the same key, and returns
// the entry replaced. The tree keeps e.Key and e.Val: neither may change
// afterwards.
func (t *Txn) Put(id TreeID, e index.Entry) (old index.Entry, replaced bool) {
	tr := t.writable(id)
	old, replaced = tr.Put(e)
	t.log = append(t.log, logRec{tree: id, key: e.Key, old: old, hadOld: replaced})
	return old, replaced
}

// Delete removes the entry under key from tree id and returns it, or false
// when there was none (nothing is logged then, but the key's absence is
// recorded as a read). The tree and the read set may keep key: the caller
// must not modify it afterwards.
func (t *Txn) Delete(id TreeID, key []byte) (index.Entry, bool) {
	tr := t.writable(id)
	old, ok := tr.Delete(key)
	if ok {
		t.log = append(t.log, logRec{tree: id, key: old.Key, old: old, hadOld: true})
	} else {
		r := t.readSet(id)
		r.points = append(r.points, key)
	}
	return old, ok
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
	t.setLocal(id, &local{whole: true})
}

func (t *Txn) setLocal(id TreeID, l *local) {
	if t.local == nil {
		t.local = make(map[TreeID]*local)
	}
	t.log = append(t.log, logRec{tree: id, prev: t.local[id]})
	t.local[id] = l
}

// Mark returns a position in the undo log for RollbackTo: everything written
// after it can be undone. Marks are cheap; statements and savepoints use them.
func (t *Txn) Mark() int { return len(t.log) }

// RollbackTo undoes every write made since mark, newest first, leaving the
// trees exactly as they were when Mark returned it. Reads stay in the read
// set, and each undone write's key joins it (the write saw the old entry):
// validation stays conservative.
func (t *Txn) RollbackTo(mark int) {
	t.checkLive()
	if mark < 0 || mark > len(t.log) {
		panic("reldb: rollback to an invalid mark")
	}
	for i := len(t.log) - 1; i >= mark; i-- {
		r := &t.log[i]
		if r.key == nil {
			if r.prev == nil {
				delete(t.local, r.tree)
			} else {
				t.local[r.tree] = r.prev
			}
			continue
		}
		rs := t.readSet(r.tree)
		rs.points = append(rs.points, r.key)
		tr := t.local[r.tree].tree
		if r.hadOld {
			tr.Put(r.old)
		} else {
			tr.Delete(r.key)
		}
	}
	clear(t.log[mark:])
	t.log = t.log[:mark]
}

// Writes returns the number of undo records: zero means the transaction has
// changed nothing.
func (t *Txn) Writes() int { return len(t.log) }

// Abort ends the transaction without publishing anything. Calling it on a
// finished transaction does nothing.
func (t *Txn) Abort() {
	t.done = true
	t.local, t.reads, t.log = nil, nil, nil
}

func (t *Txn) checkLive() {
	if t.done {
		panic("reldb: use of a finished transaction")
	}
}

// writeSet lists, per tree, what a commit changed.
type writeSet struct {
	trees map[TreeID]*treeWrites
}

type treeWrites struct {
	whole bool     // the tree was created or dropped
	keys  [][]byte // written keys, sorted, unique
}

func (t *Txn) buildWriteSet() *writeSet {
	ws := &writeSet{trees: make(map[TreeID]*treeWrites)}
	for i := range t.log {
		r := &t.log[i]
		w := ws.trees[r.tree]
		if w == nil {
			w = &treeWrites{}
			ws.trees[r.tree] = w
		}
		if r.key == nil {
			w.whole = true
		} else {
			w.keys = append(w.keys, r.key)
		}
	}
	for _, w := range ws.trees {
		slices.SortFunc(w.keys, bytes.Compare)
		w.keys = slices.CompactFunc(w.keys, bytes.Equal)
	}
	return ws
}

// Commit publishes the transaction's writes as a new snapshot and returns its
// version, or the snapshot's version when nothing was written. It returns a
// *ConflictError (errors.Is ErrConflict) when a transaction that committed
// after this one's snapshot wrote a key this one read or wrote; nothing is
// published then. Either way the transaction is finished.
func (t *Txn) Commit() (uint64, error) {
	t.checkLive()
	defer t.Abort()
	if t.tail == nil || len(t.log) == 0 {
		return t.snap.version, nil
	}
	mine := t.buildWriteSet()

	o := t.o
	o.commitMu.Lock()
	defer o.commitMu.Unlock()
	h := o.head.Load()
	for l := t.tail; l.next != nil; l = l.next {
		if err := t.validate(mine, l); err != nil {
			return 0, err
		}
	}
	trees := make(map[TreeID]*index.Tree, len(h.snap.trees)+len(mine.trees))
	for id, tr := range h.snap.trees {
		trees[id] = tr
	}
	rebase := t.tail != h.tail
	for id, w := range mine.trees {
		l := t.local[id]
		switch {
		case w.whole && l.tree == nil:
			delete(trees, id)
		case w.whole || !rebase:
			trees[id] = l.tree
		default:
			// Someone committed since our snapshot and validation passed:
			// nobody touched our keys, so apply our final value of each key
			// to the latest tree.
			c := o.clone(h.snap.trees[id])
			for _, k := range w.keys {
				if e, ok := l.tree.Get(k); ok {
					c.Put(e)
				} else {
					c.Delete(k)
				}
			}
			trees[id] = c
		}
	}
	snap := &Snapshot{version: h.snap.version + 1, trees: trees}
	next := &link{}
	h.tail.version, h.tail.writes, h.tail.next = snap.version, mine, next
	o.head.Store(&head{snap: snap, tail: next})
	return snap.version, nil
}

// validate checks the transaction against one later commit.
func (t *Txn) validate(mine *writeSet, l *link) error {
	// Visit trees in ID order so that the conflict reported is deterministic.
	ids := make([]TreeID, 0, len(l.writes.trees))
	for id := range l.writes.trees {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		theirs := l.writes.trees[id]
		conflict := func(key []byte) error {
			return &ConflictError{Tree: id, Key: bytes.Clone(key), Version: l.version}
		}
		r := t.reads[id]
		w := mine.trees[id]
		if theirs.whole || (w != nil && w.whole) {
			if r != nil || w != nil {
				return conflict(nil)
			}
			continue
		}
		if r != nil {
			for _, p := range r.points {
				if _, found := slices.BinarySearchFunc(theirs.keys, p, bytes.Compare); found {
					return conflict(p)
				}
			}
			for _, rg := range r.ranges {
				i, _ := slices.BinarySearchFunc(theirs.keys, rg.lo, bytes.Compare)
				if i < len(theirs.keys) && (rg.hi == nil || bytes.Compare(theirs.keys[i], rg.hi) < 0) {
					return conflict(theirs.keys[i])
				}
			}
		}
		if w != nil {
			for _, k := range w.keys {
				if _, found := slices.BinarySearchFunc(theirs.keys, k, bytes.Compare); found {
					return conflict(k)
				}
			}
		}
	}
	return nil
}
