package engine

import (
	"errors"
	"fmt"
	"strings"

	"github.com/reldb/reldb/txn"
	"github.com/reldb/reldb/wal"
)

// Sentinel errors, for errors.Is. Constraint failures arrive wrapped in a
// *ConstraintError that names the constraint, table and key.
var (
	// Schema and input.

	// ErrNoTable is returned when a statement names a table that does not
	// exist in the transaction's snapshot.
	ErrNoTable = errors.New("reldb: no such table")
	// ErrNoColumn is returned when a row, filter or index names a column the
	// table does not have.
	ErrNoColumn = errors.New("reldb: no such column")
	// ErrNoIndex is returned when DropIndex names an index that does not exist.
	ErrNoIndex = errors.New("reldb: no such index")
	// ErrNoRelation is returned when a table has no relation of the name
	// given to Record.Related or Query.Prefetch.
	ErrNoRelation = errors.New("reldb: no such relation")
	// ErrExists is returned when CreateTable or CreateIndex uses a name that
	// is taken.
	ErrExists = errors.New("reldb: already exists")
	// ErrSchema is returned when a table or index definition is invalid.
	ErrSchema = errors.New("reldb: invalid schema")
	// ErrType is returned when a value does not fit its column's type.
	ErrType = errors.New("reldb: type mismatch")
	// ErrNotFound is returned when a row looked up by key does not exist.
	ErrNotFound = errors.New("reldb: not found")

	// Transactions.

	// ErrTxDone is returned when a transaction is used after Commit or Rollback.
	ErrTxDone = errors.New("reldb: transaction has already been committed or rolled back")
	// ErrReadOnly is returned when a read-only transaction tries to write.
	ErrReadOnly = errors.New("reldb: transaction is read-only")
	// ErrConflict is returned by Commit when a concurrent transaction that
	// committed first wrote something this one read or wrote. DB.Update
	// retries on it. SQLSTATE 40001.
	ErrConflict = txn.ErrConflict
	// ErrNoSavepoint is returned by RollbackTo when the savepoint was already
	// rolled back past, or belongs to another transaction.
	ErrNoSavepoint = errors.New("reldb: no such savepoint")
	// ErrLazyLoad is returned under FetchRaise when a relation that was not
	// prefetched is read from a record.
	ErrLazyLoad = errors.New("reldb: lazy load refused")
	// ErrClosed is returned when the database has been closed.
	ErrClosed = errors.New("reldb: database is closed")

	// Constraints.

	// ErrNotNull is returned when a NOT NULL column would hold NULL. SQLSTATE 23502.
	ErrNotNull = errors.New("reldb: not-null violation")
	// ErrUnique is returned when a primary key or unique index would hold a
	// duplicate. SQLSTATE 23505.
	ErrUnique = errors.New("reldb: unique violation")
	// ErrForeignKey is returned when a row references a row that does not
	// exist. SQLSTATE 23503.
	ErrForeignKey = errors.New("reldb: foreign key violation")
	// ErrRestrict is returned when a delete or key update is refused by a
	// RESTRICT relation (a NO ACTION relation refuses with ErrForeignKey).
	// SQLSTATE 23503, as PostgreSQL reports both.
	ErrRestrict = errors.New("reldb: restrict violation")
	// ErrNumericOverflow is returned when a decimal does not fit its column's
	// precision and scale. SQLSTATE 22003.
	ErrNumericOverflow = errors.New("reldb: numeric field overflow")

	// Durability and integrity.

	// ErrCorrupt is returned when stored data fails a consistency check
	// (DB.Check), or when Open finds a damaged log record or snapshot file
	// (the error names the file and record). It is wal.ErrCorrupt.
	ErrCorrupt = wal.ErrCorrupt
	// ErrLocked is returned by Open when another DB, in this process or
	// another, has the directory open.
	ErrLocked = errors.New("reldb: database directory is locked")
	// ErrTornTail is returned by Open with Options.NoRepair when the log
	// ends in a torn or damaged record that Open would cut. It is
	// wal.ErrTornTail.
	ErrTornTail = wal.ErrTornTail
)

// SQLSTATE codes, as PostgreSQL reports them.
const (
	StateNotNull                  = "23502"
	StateForeignKey               = "23503"
	StateUnique                   = "23505"
	StateSerialization            = "40001"
	StateNumericOverflow          = "22003"
	StateSequenceLimit            = "2200H"
	StateCharacterNotInRepertoire = "22021"
	StateReadOnly                 = "25006"
	StateDuplicateObject          = "42P07"
	StateUndefinedObject          = "42704"
	StateWrongObjectType          = "42809"
	StateDatatypeMismatch         = "42804"
	StateUndefinedTable           = "42P01"
	StateUndefinedColumn          = "42703"
)

// ConstraintError describes a statement refused by a constraint: which kind
// (a sentinel such as ErrUnique), which constraint, table, columns and key,
// and the SQLSTATE PostgreSQL would report. It unwraps to its Kind, so
// errors.Is(err, ErrUnique) and errors.As(err, &ce) both work.
type ConstraintError struct {
	Kind       error    // ErrNotNull, ErrUnique, ErrForeignKey, ErrRestrict, ErrNumericOverflow, ErrType, ErrConflict or ErrSchema
	Constraint string   // constraint or index name, e.g. "authors_pkey"
	Table      string   // table the statement wrote
	Columns    []string // columns of the constraint
	Key        string   // the offending values rendered like (author_id)=(7)
	SQLState   string   // PostgreSQL error code, e.g. "23505"
	Detail     string   // optional extra explanation
}

// Error names the kind, constraint, table and key.
func (e *ConstraintError) Error() string {
	var b strings.Builder
	b.WriteString(e.Kind.Error())
	if e.Constraint != "" {
		fmt.Fprintf(&b, " on constraint %q", e.Constraint)
	}
	if e.Table != "" {
		fmt.Fprintf(&b, " of table %q", e.Table)
	}
	if e.Key != "" {
		b.WriteString(": key ")
		b.WriteString(e.Key)
	}
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	fmt.Fprintf(&b, " (SQLSTATE %s)", e.SQLState)
	return b.String()
}

// Unwrap returns Kind.
func (e *ConstraintError) Unwrap() error { return e.Kind }

// SQLState returns the PostgreSQL SQLSTATE that best describes err, or ""
// when err carries none.
func SQLState(err error) string {
	var ce *ConstraintError
	switch {
	case errors.As(err, &ce):
		return ce.SQLState
	case errors.Is(err, ErrConflict):
		return StateSerialization
	case errors.Is(err, ErrType):
		return StateDatatypeMismatch
	case errors.Is(err, ErrNoTable):
		return StateUndefinedTable
	case errors.Is(err, ErrNoColumn):
		return StateUndefinedColumn
	case errors.Is(err, ErrReadOnly):
		return StateReadOnly
	case errors.Is(err, ErrExists):
		return StateDuplicateObject
	}
	return ""
}

// renderKey renders columns and values the way PostgreSQL's error details
// do: (a, b)=(1, x).
func renderKey(cols []string, vals []any) string {
	var b strings.Builder
	b.WriteByte('(')
	b.WriteString(strings.Join(cols, ", "))
	b.WriteString(")=(")
	for i, v := range vals {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(formatValue(v))
	}
	b.WriteByte(')')
	return b.String()
}
