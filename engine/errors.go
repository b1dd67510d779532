package engine

import (
	"errors"
	"strconv"
	"syscall"

	"github.com/reldb/reldb/internal/catalog"
	"github.com/reldb/reldb/internal/durable"
	"github.com/reldb/reldb/txn"
	"github.com/reldb/reldb/wal"
)

// Sentinel errors, for errors.Is. Constraint failures arrive wrapped in a
// *ConstraintError that names the constraint, table and key.
var (
	// Schema and input.

	// ErrNoTable is returned when a statement names a table that does not
	// exist in the transaction's snapshot.
	ErrNoTable = catalog.ErrNoTable
	// ErrNoColumn is returned when a row, filter or index names a column the
	// table does not have.
	ErrNoColumn = catalog.ErrNoColumn
	// ErrNoIndex is returned when DropIndex names an index that does not exist.
	ErrNoIndex = catalog.ErrNoIndex
	// ErrNoRelation is returned when a table has no relation of the name
	// given to Record.Related or Query.Prefetch.
	ErrNoRelation = catalog.ErrNoRelation
	// ErrExists is returned when CreateTable or CreateIndex uses a name that
	// is taken.
	ErrExists = catalog.ErrExists
	// ErrSchema is returned when a table or index definition is invalid.
	ErrSchema = catalog.ErrSchema
	// ErrType is returned when a value does not fit its column's type.
	ErrType = catalog.ErrType
	// ErrNotFound is returned when a row looked up by key does not exist.
	ErrNotFound = catalog.ErrNotFound

	// Constraints.

	// ErrNotNull is returned when a NOT NULL column would hold NULL. SQLSTATE 23502.
	ErrNotNull = catalog.ErrNotNull
	// ErrUnique is returned when a primary key or unique index would hold a
	// duplicate. SQLSTATE 23505.
	ErrUnique = catalog.ErrUnique
	// ErrForeignKey is returned when a row references a row that does not
	// exist. SQLSTATE 23503.
	ErrForeignKey = catalog.ErrForeignKey
	// ErrRestrict is returned when a delete or key update is refused by a
	// RESTRICT relation (a NO ACTION relation refuses with ErrForeignKey).
	// SQLSTATE 23503, as PostgreSQL reports both.
	ErrRestrict = catalog.ErrRestrict
	// ErrNumericOverflow is returned when a decimal does not fit its column's
	// precision and scale. SQLSTATE 22003.
	ErrNumericOverflow = catalog.ErrNumericOverflow
	// ErrInvalidArgument is returned when a call gets an argument outside
	// its domain: a negative Offset, a sort direction other than Asc or
	// Desc, a constraint mode other than Immediate or Deferred, a Cond not
	// built by Eq, Lt, In and the others.
	ErrInvalidArgument = catalog.ErrInvalidArgument
)

// SQLSTATE codes, as PostgreSQL reports them.
const (
	StateNotNull                   = catalog.StateNotNull
	StateForeignKey                = catalog.StateForeignKey
	StateUnique                    = catalog.StateUnique
	StateSerialization             = catalog.StateSerialization
	StateNumericOverflow           = catalog.StateNumericOverflow
	StateSequenceLimit             = catalog.StateSequenceLimit
	StateCharacterNotInRepertoire  = catalog.StateCharacterNotInRepertoire
	StateReadOnly                  = catalog.StateReadOnly
	StateDuplicateObject           = catalog.StateDuplicateObject
	StateUndefinedObject           = catalog.StateUndefinedObject
	StateWrongObjectType           = catalog.StateWrongObjectType
	StateDatatypeMismatch          = catalog.StateDatatypeMismatch
	StateDatetimeOverflow          = catalog.StateDatetimeOverflow
	StateInvalidTextRepresentation = catalog.StateInvalidTextRepresentation
	StateUndefinedTable            = catalog.StateUndefinedTable
	StateUndefinedColumn           = catalog.StateUndefinedColumn
	StateDuplicateColumn           = catalog.StateDuplicateColumn
	StateDependentObjects          = catalog.StateDependentObjects
	StateObjectInUse               = catalog.StateObjectInUse
)

// ConstraintError describes a statement refused by a constraint: which kind
// (a sentinel such as ErrUnique), which constraint, table, columns and key,
// and the SQLSTATE PostgreSQL would report. It unwraps to its Kind, so
// errors.Is(err, ErrUnique) and errors.As(err, &ce) both work.
//
// Its fields:
//   - Kind error: ErrNotNull, ErrUnique, ErrForeignKey, ErrRestrict,
//     ErrNumericOverflow, ErrType, ErrConflict or ErrSchema;
//   - Constraint string: the constraint or index name, e.g. "authors_pkey";
//   - Table string: the table the statement wrote;
//   - Columns []string: the constraint's columns;
//   - Key string: the offending values rendered like (author_id)=(7);
//   - SQLState string: PostgreSQL's error code, e.g. "23505";
//   - Detail string: an optional explanation.
type ConstraintError = catalog.ConstraintError

// RowError is the error of one row of a call that writes several
// ([Tx.InsertRows]): Index is the row's position among them (0-based),
// Err what failed. It unwraps to Err, so errors.Is and errors.As see the
// cause (a *ConstraintError, say) through it.
type RowError struct {
	Index int
	Err   error
}

func (e *RowError) Error() string { return "row " + strconv.Itoa(e.Index) + ": " + e.Err.Error() }
func (e *RowError) Unwrap() error { return e.Err }

// Transaction and durability errors.
var (
	// Transactions.

	// ErrTxDone is returned when a transaction is used after Commit or Rollback.
	ErrTxDone = errors.New("reldb: transaction has already been committed or rolled back")
	// ErrReadOnly is returned when a read-only transaction tries to write.
	ErrReadOnly = errors.New("reldb: transaction is read-only")
	// ErrConflict is returned by Commit when a concurrent transaction that
	// committed first wrote something this one read or wrote. DB.Update
	// retries on it. SQLSTATE 40001.
	ErrConflict = txn.ErrConflict
	// ErrTxBusy is returned when a write statement or Commit is called on
	// a transaction while another goroutine runs a write statement on it.
	// A Tx is not safe for concurrent use; this catches the mistake before
	// anything is written.
	ErrTxBusy = errors.New("reldb: transaction is in use by another goroutine")
	// ErrNoSavepoint is returned by RollbackTo when the savepoint was already
	// rolled back past, or belongs to another transaction.
	ErrNoSavepoint = errors.New("reldb: no such savepoint")
	// ErrLazyLoad is returned under FetchRaise when a relation that was not
	// prefetched is read from a record.
	ErrLazyLoad = errors.New("reldb: lazy load refused")

	// Durability and integrity.

	// ErrClosed is returned when the database has been closed.
	ErrClosed = durable.ErrClosed
	// ErrLocked is returned by Open when another DB, in this process or
	// another, has the directory open.
	ErrLocked = durable.ErrLocked
	// ErrNotDatabase is returned by ProbeDir, and by Open with Options.Dir,
	// for a directory that holds files but no reldb database.
	ErrNotDatabase = durable.ErrNotDatabase
	// ErrLogFailed is returned by a commit whose log record could not be
	// written or synced (a full disk, an I/O error), and from then on by
	// every commit, checkpoint and Close of that DB: what the log holds is
	// no longer known, so nothing more is acknowledged. The error also
	// wraps the operating system's. Reads go on, and may see the failed
	// commits, which are in memory but not durable; Close and Open the
	// database again to go on writing (Open cuts a torn last record, as
	// after a crash).
	ErrLogFailed = durable.ErrLogFailed

	// ErrCorrupt is returned when stored data fails a consistency check
	// (DB.Check), or when Open finds a damaged log record or snapshot file
	// (the error names the file and record). It is wal.ErrCorrupt.
	ErrCorrupt = wal.ErrCorrupt
	// ErrTornTail is returned by Open with Options.NoRepair when the log
	// ends in a torn or damaged record that Open would cut. It is
	// wal.ErrTornTail.
	ErrTornTail = wal.ErrTornTail
)

// SQLState returns the PostgreSQL SQLSTATE that best describes err, or ""
// when err carries none.
func SQLState(err error) string {
	var ce *ConstraintError
	switch {
	case errors.As(err, &ce):
		return ce.SQLState
	case errors.Is(err, ErrConflict):
		return catalog.StateSerialization
	case errors.Is(err, ErrDeadlock):
		return "40P01"
	case errors.Is(err, ErrLockNotAvailable):
		return "55P03"
	case errors.Is(err, ErrTxTooOld):
		return "25P04"
	case errors.Is(err, ErrLogFailed):
		// As PostgreSQL classes a failed write: disk_full for ENOSPC,
		// io_error otherwise.
		if errors.Is(err, syscall.ENOSPC) {
			return "53100"
		}
		return "58030"
	case errors.Is(err, ErrType):
		return catalog.StateDatatypeMismatch
	case errors.Is(err, ErrNoTable):
		return catalog.StateUndefinedTable
	case errors.Is(err, ErrNoColumn):
		return catalog.StateUndefinedColumn
	case errors.Is(err, ErrReadOnly):
		return catalog.StateReadOnly
	case errors.Is(err, ErrExists):
		return catalog.StateDuplicateObject
	}
	return ""
}
