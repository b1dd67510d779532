package catalog

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors of definitions, values and constraints. package engine
// re-exports each by value and documents when it is returned.
var (
	ErrNoTable         = errors.New("reldb: no such table")
	ErrNoColumn        = errors.New("reldb: no such column")
	ErrNoIndex         = errors.New("reldb: no such index")
	ErrNoRelation      = errors.New("reldb: no such relation")
	ErrExists          = errors.New("reldb: already exists")
	ErrSchema          = errors.New("reldb: invalid schema")
	ErrType            = errors.New("reldb: type mismatch")
	ErrNotFound        = errors.New("reldb: not found")
	ErrNotNull         = errors.New("reldb: not-null violation")
	ErrUnique          = errors.New("reldb: unique violation")
	ErrForeignKey      = errors.New("reldb: foreign key violation")
	ErrRestrict        = errors.New("reldb: restrict violation")
	ErrNumericOverflow = errors.New("reldb: numeric field overflow")
	ErrInvalidArgument = errors.New("reldb: invalid argument")
)

// SQLSTATE codes, as PostgreSQL reports them.
const (
	StateNotNull                   = "23502"
	StateForeignKey                = "23503"
	StateUnique                    = "23505"
	StateSerialization             = "40001"
	StateNumericOverflow           = "22003"
	StateSequenceLimit             = "2200H"
	StateCharacterNotInRepertoire  = "22021"
	StateReadOnly                  = "25006"
	StateDuplicateObject           = "42P07"
	StateUndefinedObject           = "42704"
	StateWrongObjectType           = "42809"
	StateDatatypeMismatch          = "42804"
	StateInvalidTextRepresentation = "22P02"
	StateDatetimeOverflow          = "22008"
	StateUndefinedTable            = "42P01"
	StateUndefinedColumn           = "42703"
	StateDuplicateColumn           = "42701"
	StateDependentObjects          = "2BP01"
	StateObjectInUse               = "55006"
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
	Message    string   // what PostgreSQL's message says, e.g. `duplicate key value violates unique constraint "authors_name_key"`
	Detail     string   // what PostgreSQL's DETAIL says, e.g. "key (name)=(Le Guin) already exists"
	// Row is the failing row of a NOT NULL violation, a copy of its
	// values in column order, which Detail renders; nil for other
	// errors. A SQL layer renders it again with its columns' types, as
	// PostgreSQL's "Failing row contains" does.
	Row []any
}

// Error returns "reldb: " and the message, then the detail, then the
// SQLSTATE: one sentence, as PostgreSQL's message and DETAIL read. An
// error made without a Message (by code outside reldb) reads as its
// kind, constraint, table and key instead.
func (e *ConstraintError) Error() string {
	var b strings.Builder
	if e.Message != "" {
		b.WriteString("reldb: ")
		b.WriteString(e.Message)
	} else {
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

// RenderKey renders columns and values the way PostgreSQL's error details
// do: (a, b)=(1, x).
func RenderKey(cols []string, vals []any) string {
	var b strings.Builder
	b.WriteByte('(')
	b.WriteString(strings.Join(cols, ", "))
	b.WriteString(")=(")
	for i, v := range vals {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(FormatValue(v))
	}
	b.WriteByte(')')
	return b.String()
}
