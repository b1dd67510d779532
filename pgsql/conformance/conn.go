package conformance

import (
	"context"
	"errors"
	"fmt"
)

// Conn is a database the corpus runs on: PostgreSQL ([PostgreSQL]), or
// reldb's SQL layer.
type Conn interface {
	// Run runs stmts in order in one new session of the database, as one
	// client connection would, and returns one Result per statement. A
	// statement that fails does not stop the ones after it (inside a
	// transaction they fail with 25P02, as PostgreSQL's do). The session
	// ends when Run returns: a transaction still open is rolled back.
	//
	// The error is not about SQL (SQL errors are Result.SQLState): it means
	// the database could not be reached or the harness failed.
	Run(ctx context.Context, stmts []string) ([]Result, error)
	// Reset replaces the database with a fresh, empty one.
	Reset(ctx context.Context) error
}

// Result is the outcome of one statement.
type Result struct {
	// SQLState is the error's five-character code, such as "23505", or ""
	// when the statement succeeded.
	SQLState string
	// Tag is the command tag PostgreSQL sends on success: "CREATE TABLE",
	// "INSERT 0 3", "UPDATE 2", "SELECT 4", "ROLLBACK"; "" on error.
	Tag string
	// Columns are the names of the result's columns, nil unless the
	// statement returned rows (a query, or DML with RETURNING).
	Columns []string
	// Rows are the returned rows, each value in PostgreSQL's text output
	// format; nil unless the statement returned rows.
	Rows [][]Value
	// Warnings are the SQLSTATEs of the warnings the statement raised, in
	// order, such as "25P01" for a COMMIT outside a transaction. Notices
	// are not included.
	Warnings []string
}

// Value is one value of a row: PostgreSQL's text output of it, or NULL.
type Value struct {
	Text string
	Null bool
}

// Null is the NULL Value.
var Null = Value{Null: true}

// Text returns a non-NULL Value.
func Text(s string) Value { return Value{Text: s} }

// Session is one client session that runs a statement at a time, the shape
// of a database/sql connection. [Sessions] makes a Conn of it.
type Session interface {
	// Exec runs one statement. SQL errors are reported in
	// Result.SQLState; the error means the session failed.
	Exec(ctx context.Context, sql string) (Result, error)
	// Close ends the session, rolling back a transaction still open.
	Close() error
}

// Sessions returns a Conn that opens a Session with open for every Run and
// empties the database with reset.
func Sessions(open func(ctx context.Context) (Session, error), reset func(ctx context.Context) error) Conn {
	return &sessionConn{open: open, reset: reset}
}

type sessionConn struct {
	open  func(ctx context.Context) (Session, error)
	reset func(ctx context.Context) error
}

func (c *sessionConn) Run(ctx context.Context, stmts []string) (results []Result, err error) {
	s, err := c.open(ctx)
	if err != nil {
		return nil, fmt.Errorf("conformance: open session: %w", err)
	}
	defer func() {
		if cerr := s.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("conformance: close session: %w", cerr))
		}
	}()
	for _, stmt := range stmts {
		r, err := s.Exec(ctx, stmt)
		if err != nil {
			return results, fmt.Errorf("conformance: %q: %w", stmt, err)
		}
		results = append(results, r)
	}
	return results, nil
}

func (c *sessionConn) Reset(ctx context.Context) error { return c.reset(ctx) }
