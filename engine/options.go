package engine

import (
	"fmt"
	"time"

	"github.com/reldb/reldb/wal"
)

// Options configures a database. The zero value is a purely in-memory
// database with default retry settings.
type Options struct {
	// Retry bounds how DB.Update retries a transaction that failed with
	// ErrConflict.
	Retry RetryPolicy
	// Traversal sets how relations are read: fetch modes and the N+1
	// detector.
	Traversal TraversalOptions

	// MaxWriteTxAge, when positive, bounds how long a write transaction may
	// stay open: past it, its next statement or Commit fails with
	// ErrTxTooOld (25P04) and it is rolled back. An open write transaction
	// keeps every write set committed since it began; DB.Transactions
	// shows the open ones. Zero means no limit.
	MaxWriteTxAge time.Duration

	// Clock, if set, is the database's clock, read by DB.Now instead of
	// time.Now: the SQL layer's now() and current_timestamp read it, so a
	// test can fix or step time (reldbtest.Clock). It must be safe for
	// concurrent use.
	Clock func() time.Time

	// Dir makes the database durable: Open recovers it from this directory
	// (creating it, mode 0700, if needed) and locks the directory against
	// other processes; every committed write transaction is appended to a
	// write-ahead log there before Commit returns, and checkpoints write
	// snapshot files there. Empty means purely in memory, and then the
	// fields below are ignored. See the package doc's Durability section.
	Dir string
	// Sync says when a commit is made durable; the zero value is
	// SyncEveryCommit.
	Sync SyncMode
	// SyncInterval is how often SyncInterval syncs; 0 means 100ms.
	SyncInterval time.Duration
	// CheckpointBytes starts a checkpoint in the background once this many
	// bytes of log have been written since the last one; 0 means 64 MiB,
	// negative means never (DB.Checkpoint still works).
	CheckpointBytes int64
	// ReadOnly opens the durable database in Dir for reading only, on
	// read-only media too: Open writes nothing (no directory, lock file,
	// repair or cleanup; a torn final log record is skipped in memory and
	// left on disk), it shares the directory's lock with other read-only
	// opens but not with a writer, write transactions fail at Begin with
	// ErrReadOnly, and Checkpoint returns ErrReadOnly. Requires Dir.
	// reldb's inspect, check and ddl commands open this way.
	ReadOnly bool
	// NoRepair makes Open fail with ErrTornTail, changing nothing, where it
	// would cut a torn or damaged final log record (an unacknowledged
	// commit, normally): for tools that only verify, such as reldb check.
	NoRepair bool
	// RepairDamagedTail lets Open cut a final log record that is complete
	// but fails its checksum — damage, not a torn write — and with it a
	// commit that may have been acknowledged; Storage.Repaired then says
	// so. By default Open refuses such a log with an error wrapping
	// ErrCorrupt that names the file and record, changing nothing, so that
	// no acknowledged commit is lost without an error. A torn final record
	// (cut short by a crash before its commit was acknowledged) is cut
	// either way, unless NoRepair.
	RepairDamagedTail bool
}

// SyncMode says when a durable database makes a commit durable, that is,
// when its log record is forced to stable storage with fsync. It is
// wal.SyncMode: the engine hands it to the log as it is.
type SyncMode = wal.SyncMode

const (
	// SyncEveryCommit (the default) syncs the log before Commit returns: an
	// acknowledged commit survives a crash of the process or of the
	// machine. Concurrent committers share one write and one fsync (group
	// commit), so the cost per commit falls as more goroutines commit; a
	// single committer pays a whole fsync per commit.
	SyncEveryCommit = wal.SyncEveryCommit
	// SyncInterval writes the record before Commit returns and syncs every
	// Options.SyncInterval: an acknowledged commit survives a crash of the
	// process (the operating system has the write), but a power loss or
	// kernel crash can lose the commits of the last interval — always a
	// suffix of them, never one in the middle.
	SyncInterval = wal.SyncInterval
	// SyncNone writes the record before Commit returns and leaves syncing to
	// the operating system (and to Close and checkpoints): the fastest, and
	// as safe as SyncInterval against a crash of the process, but a power
	// loss can lose any amount of recent commits, again only a suffix.
	SyncNone = wal.SyncNone
)

const defaultCheckpointBytes = 64 << 20

// RetryPolicy bounds DB.Update's retries. Between attempts Update sleeps for
// a random duration up to a backoff that starts at MinBackoff and doubles
// up to MaxBackoff (full jitter), so that colliding writers spread out.
type RetryPolicy struct {
	// MaxAttempts is how many times Update runs its function at most.
	// 0 means 10; 1 means no retries.
	MaxAttempts int
	// MinBackoff is the first backoff; 0 means 50µs.
	MinBackoff time.Duration
	// MaxBackoff caps the backoff; 0 means 10ms, or MinBackoff if larger.
	MaxBackoff time.Duration
}

func (o *Options) validate() error {
	r := &o.Retry
	if r.MaxAttempts < 0 || r.MinBackoff < 0 || r.MaxBackoff < 0 {
		return fmt.Errorf("reldb: options: negative retry setting %+v", *r)
	}
	if r.MaxAttempts == 0 {
		r.MaxAttempts = 10
	}
	if r.MinBackoff == 0 {
		r.MinBackoff = 50 * time.Microsecond
	}
	if r.MaxBackoff == 0 {
		r.MaxBackoff = max(10*time.Millisecond, r.MinBackoff)
	}
	if r.MaxBackoff < r.MinBackoff {
		return fmt.Errorf("reldb: options: retry MaxBackoff %v is below MinBackoff %v", r.MaxBackoff, r.MinBackoff)
	}
	tr := &o.Traversal
	if tr.NPlusOneThreshold == 0 {
		tr.NPlusOneThreshold = 10
	}
	if tr.FetchMode > FetchLog {
		return fmt.Errorf("reldb: options: unknown fetch mode %v", tr.FetchMode)
	}
	for rel, m := range tr.RelationModes {
		if m > FetchLog {
			return fmt.Errorf("reldb: options: relation %q: unknown fetch mode %v", rel, m)
		}
	}
	if o.Sync < SyncEveryCommit || o.Sync > SyncNone {
		return fmt.Errorf("reldb: options: unknown sync mode %v", o.Sync)
	}
	if o.SyncInterval < 0 {
		return fmt.Errorf("reldb: options: negative sync interval %v", o.SyncInterval)
	}
	if o.SyncInterval == 0 {
		o.SyncInterval = 100 * time.Millisecond
	}
	if o.CheckpointBytes == 0 {
		o.CheckpointBytes = defaultCheckpointBytes
	}
	if o.MaxWriteTxAge < 0 {
		return fmt.Errorf("%w: options: negative MaxWriteTxAge %v", ErrInvalidArgument, o.MaxWriteTxAge)
	}
	if o.ReadOnly && o.Dir == "" {
		return fmt.Errorf("%w: options: ReadOnly needs Dir: an in-memory database is always writable", ErrInvalidArgument)
	}
	return nil
}

// TxOptions configures a transaction begun with DB.Begin.
type TxOptions struct {
	// ReadOnly makes a snapshot reader: it records no read set, never
	// conflicts, and every write returns ErrReadOnly.
	ReadOnly bool
	// FetchMode overrides the database's fetch mode for the transaction;
	// FetchDefault keeps it.
	FetchMode FetchMode
	// Isolation is the write transaction's isolation level; the zero value
	// is Serializable.
	Isolation Isolation
}

// Isolation is a transaction isolation level, as PostgreSQL defines them.
type Isolation uint8

const (
	// Serializable transactions behave as if they ran one at a time: a
	// commit fails with ErrConflict (40001) if a transaction that committed
	// after it began wrote anything it read or wrote. The default.
	Serializable Isolation = iota
	// RepeatableRead transactions read one snapshot and fail with
	// ErrConflict only when a transaction that committed after it began
	// wrote a row they also wrote, or changed what a constraint check of
	// theirs read (a parent a new child references, the children of a
	// deleted parent, the schema). Write skew is possible, as under
	// PostgreSQL's REPEATABLE READ. As PostgreSQL's, they lock the rows
	// they write (waiting for a concurrent writer to end), and a row that
	// a transaction which committed after they began had changed fails
	// the statement that writes or locks it (Update, Delete, LockRowFor)
	// with ErrConflict at once; the others are reported at Commit.
	RepeatableRead
	// ReadCommitted transactions read the latest committed state at the
	// start of each statement and lock the rows they write, waiting for a
	// concurrent writer of a row instead of failing, as PostgreSQL's READ
	// COMMITTED does; see LockRow and BeginStatement. Only the reads of
	// constraint checks are validated at commit.
	ReadCommitted
)

var isolationNames = [...]string{Serializable: "serializable", RepeatableRead: "repeatable read", ReadCommitted: "read committed"}

// String returns the level's name as SQL spells it, in lower case.
func (i Isolation) String() string {
	if int(i) < len(isolationNames) {
		return isolationNames[i]
	}
	return fmt.Sprintf("Isolation(%d)", uint8(i))
}
