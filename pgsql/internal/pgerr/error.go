package pgerr

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// Error is a SQL error in PostgreSQL's shape. Its fields mirror the fields
// of PostgreSQL's ErrorResponse message; empty strings and a zero Position
// mean "not sent".
//
// An *Error is a value: the SQL layer never mutates one after returning it,
// and callers may copy it freely.
type Error struct {
	Code       string // SQLSTATE, five characters, e.g. "42601"
	Message    string // primary message, as PostgreSQL words it
	Detail     string // optional secondary message
	Hint       string // optional suggestion
	Position   int    // 1-based character offset into the query, 0 if unknown
	Schema     string // schema of the object concerned, if any
	Table      string // table concerned, if any
	Column     string // column concerned, if any
	Constraint string // constraint concerned, if any
	// Severity is a notice's severity (NOTICE, INFO, WARNING, as PL/pgSQL's
	// RAISE gives them); "" for an error, or a warning sent as WARNING.
	Severity string

	// row and column say which row of an INSERT's VALUES the error was
	// raised for, and which of its target columns; see AtRow.
	row, column int
	// failing is the row of a NOT NULL violation, for the DETAIL the
	// SQL layer renders once it knows the table's column types; see
	// WithFailingRow.
	failing []any
}

// WithFailingRow returns a copy of e that carries vals, the row a NOT
// NULL constraint refused (nil: none), for the "Failing row contains"
// DETAIL that whoever knows the table's column types writes.
func (e *Error) WithFailingRow(vals []any) *Error {
	c := *e
	c.failing = vals
	return &c
}

// FailingRow returns the row WithFailingRow gave e, or nil.
func (e *Error) FailingRow() []any { return e.failing }

// AtRow returns a copy of e that says it was raised for the row'th row
// (1-based) of an INSERT's VALUES, and for its column'th target column
// (1-based), or 0 for the row as a whole: a value that does not fit its
// column, a constraint one row violates. The location is not an
// ErrorResponse field; it is what package pgwire needs for the CONTEXT
// line of a COPY FROM, whose rows it inserts as a multi-row INSERT. (A
// test that compares whole errors can compare e.AtRow(0, 0) instead.)
func (e *Error) AtRow(row, column int) *Error {
	c := *e
	c.row, c.column = row, column
	return &c
}

// Row returns where e was raised, as AtRow set it: the row (0 when no one
// row is to blame, as for a foreign key checked at the statement's end)
// and the column (0 for the whole row).
func (e *Error) Row() (row, column int) { return e.row, e.column }

// Error formats the error as "pgsql: <message> (SQLSTATE <code>)", the shape
// pgx gives PostgreSQL errors with our package prefix in front, so logs say
// which layer produced it and which code it carries.
func (e *Error) Error() string {
	return fmt.Sprintf("pgsql: %s (SQLSTATE %s)", e.Message, e.Code)
}

// SQLState returns the error's SQLSTATE code. The method name is the one
// lib/pq and pgx users test for through a small interface.
func (e *Error) SQLState() string { return e.Code }

// New returns an error with the given code and message; format follows
// fmt.Sprintf.
func New(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Unsupported returns the 0A000 error for a construct reldb does not
// support: its message is "<construct> is not supported", where construct
// names the SQL feature as a user wrote it (for example "MERGE",
// "window function (OVER)" or "LATERAL").
func Unsupported(construct string) *Error {
	return &Error{Code: FeatureNotSupported, Message: construct + " is not supported"}
}

// Syntax returns a 42601 syntax error with the message given.
func Syntax(format string, args ...any) *Error {
	return New(SyntaxError, format, args...)
}

// WithPosition returns a copy of e whose Position is the 1-based character
// position of byte offset off in sql. An offset outside sql leaves the
// copy's Position as it was.
func (e *Error) WithPosition(sql string, off int) *Error {
	c := *e
	if off >= 0 && off <= len(sql) {
		c.Position = CharPosition(sql, off)
	}
	return &c
}

// CharPosition converts byte offset off in sql into PostgreSQL's 1-based
// character position. REQUIRES: 0 <= off <= len(sql).
func CharPosition(sql string, off int) int {
	return utf8.RuneCountInString(sql[:off]) + 1
}

// Code returns the SQLSTATE of err if err is or wraps an *Error, and ""
// otherwise.
func Code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
