package txn

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/reldb/reldb/index"
)

// ErrConflict is returned by [Txn.Commit] when a transaction that committed
// after this one's snapshot wrote a key this one read or wrote, so committing
// would not be serializable. The transaction may be retried from the start.
var ErrConflict = errors.New("reldb: serialization conflict")

// ConflictError describes a failed validation: the tree and key that another
// transaction wrote. It unwraps to ErrConflict.
type ConflictError struct {
	Tree TreeID
	Key  []byte // nil when the whole tree was created or dropped
	// Version is the commit version of the transaction that won.
	Version uint64
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%v: tree %d key %x written by version %d", ErrConflict, e.Tree, e.Key, e.Version)
}

// Unwrap returns ErrConflict.
func (e *ConflictError) Unwrap() error { return ErrConflict }

// Oracle orders commits. It owns the latest snapshot and the chain of write
// sets that validation reads. An Oracle is safe for concurrent use.
type Oracle struct {
	// head is loaded by every transaction's begin and stored once per
	// commit. It has a cache line of its own: if the commit lock shared it,
	// each lock and unlock by a writer would take the line from every
	// processor reading the head, and make readers under a busy writer
	// miss several times per commit instead of once. The pads keep it off
	// the line of whatever the allocator puts in front of the Oracle, too.
	_    [cacheLine]byte
	head atomic.Pointer[head]
	_    [cacheLine - 8]byte

	// commitMu is the commit lock: it serialises validation and publishing,
	// and guards every link of the write-set chain.
	commitMu sync.Mutex
}

// cacheLine is the size of a processor's cache line on the machines Go
// mostly runs on (amd64, arm64).
const cacheLine = 64

// head is the latest committed state: the snapshot and the empty link that
// the next commit fills. It is immutable and replaced as a whole.
type head struct {
	snap *Snapshot
	tail *link
}

// link is one commit in the chain of write sets. A transaction remembers the
// tail link current at its begin; every link reachable from there through
// next describes a commit it has not seen. Guarded by Oracle.commitMu.
type link struct {
	version uint64
	writes  *writeSet
	next    *link
}

// NewOracle returns an oracle whose latest snapshot is version 0 holding the
// given trees.
func NewOracle(trees map[TreeID]*index.Tree) *Oracle { return NewOracleAt(0, trees) }

// NewOracleAt is NewOracle with a latest snapshot of the given version, for
// a database recovered from disk whose versions must continue where they
// stopped.
func NewOracleAt(version uint64, trees map[TreeID]*index.Tree) *Oracle {
	o := &Oracle{}
	o.head.Store(&head{snap: &Snapshot{version: version, trees: treeSetOf(trees)}, tail: &link{}})
	return o
}

// NewOracleFrom returns an oracle whose latest snapshot is s, at s's
// version, with the trees of replace put over s's (a nil tree removes one).
// It is how a database forks: the new oracle shares s's frozen trees, and
// writers on either side fork the trees they change, so the two never see
// each other's commits. O(len(replace)) beyond sharing s.
func NewOracleFrom(s *Snapshot, replace map[TreeID]*index.Tree) *Oracle {
	e := editTrees(s.trees)
	for id, t := range replace {
		e.set(id, t)
	}
	o := &Oracle{}
	o.head.Store(&head{snap: &Snapshot{version: s.version, trees: e.out}, tail: &link{}})
	return o
}

// Barrier waits for the commit in progress, if any, to publish or fail:
// a snapshot taken after Barrier returns includes every commit that
// validated before Barrier was called. It takes the commit lock, so it
// is for rare events (a row lock's first acquisition), not reads.
func (o *Oracle) Barrier() {
	o.commitMu.Lock()
	//lint:ignore SA2001 an empty critical section is the point: it waits for the holder
	o.commitMu.Unlock()
}

// Latest returns the most recently committed snapshot. It never blocks.
func (o *Oracle) Latest() *Snapshot { return o.head.Load().snap }

// Mode says whether a transaction may write.
type Mode uint8

const (
	// ReadWrite transactions record read and write sets and validate at
	// commit.
	ReadWrite Mode = iota
	// ReadOnly transactions record no read set and may not write.
	ReadOnly
)

var _ fmt.Stringer = ReadOnly

// String returns "read-write" or "read-only".
func (m Mode) String() string {
	switch m {
	case ReadWrite:
		return "read-write"
	case ReadOnly:
		return "read-only"
	}
	return fmt.Sprintf("Mode(%d)", uint8(m))
}

// Begin starts a transaction on the latest snapshot, in the given mode.
func (o *Oracle) Begin(mode Mode) *Txn {
	t := new(Txn)
	o.BeginInto(t, mode)
	return t
}

// BeginInto is Begin into a Txn the caller allocated (for instance inside a
// larger struct), which it overwrites.
func (o *Oracle) BeginInto(t *Txn, mode Mode) {
	h := o.head.Load()
	*t = Txn{o: o, snap: h.snap}
	if mode != ReadOnly {
		t.tail = h.tail
		t.writer = &writer{}
	}
}
