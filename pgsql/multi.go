package pgsql

import (
	"context"

	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/parse"
)

// A text of several statements runs as PostgreSQL's simple query protocol
// runs one: outside BEGIN, its statements share one implicit transaction
// that commits after the last statement and rolls back at the first error,
// so either all of them take effect or none. BEGIN inside the text turns
// the implicit block into an ordinary transaction that stays open; COMMIT
// or ROLLBACK inside it ends the block (with PostgreSQL's warning that no
// transaction was in progress) and the next statement starts a new one.
// SAVEPOINT in an implicit block is 25P01, as there. The block's
// transaction begins at its first write: a query before it runs on its
// own, read-only, since it has no effect to roll back (and so never fails
// a commit with 40001).

// TxStatus is a session's transaction state as ReadyForQuery reports it.
type TxStatus byte

// The states a session is in between statements.
const (
	TxIdle   TxStatus = 'I' // no explicit transaction
	TxActive TxStatus = 'T' // in a transaction block
	TxFailed TxStatus = 'E' // in a failed transaction block, until ROLLBACK
)

// String returns the state's name.
func (t TxStatus) String() string {
	switch t {
	case TxIdle:
		return "idle"
	case TxActive:
		return "in transaction"
	case TxFailed:
		return "in failed transaction"
	}
	return "TxStatus(" + itoa(int(t)) + ")"
}

// TxStatus returns the session's transaction state.
func (s *Session) TxStatus() TxStatus {
	switch {
	case s.tx == nil || s.implicit:
		return TxIdle
	case s.failed:
		return TxFailed
	}
	return TxActive
}

// ExecEach runs the statements of sql, without arguments, as PostgreSQL's
// simple query protocol does, and calls fn with each statement's result
// as soon as it has one. The first error, from a statement or from fn,
// stops the rest and is returned; statements of an implicit block that
// ran before it are then rolled back, although fn has seen their results
// (as a client of PostgreSQL has). A text without statements calls fn
// never and returns nil. Every error from a statement is an *Error.
func (s *Session) ExecEach(ctx context.Context, sql string, fn func(Result) error) error {
	stmts, err := s.parse(sql)
	if err != nil {
		return err
	}
	return s.execEach(ctx, stmts, sql, nil, fn)
}

// StartImplicit opens an implicit block, as the extended query protocol
// has one from each Sync to the next: the writes of the statements run
// until EndImplicit commit together, and the first error rolls back all
// of them. An explicit BEGIN inside it makes its transaction explicit.
// Queries that come before the block's first write run on their own, as
// they have no effect to roll back.
func (s *Session) StartImplicit() { s.block = true }

// EndImplicit closes the block StartImplicit opened, committing what it
// wrote; a commit that fails is returned as an *Error (40001, or a
// deferred constraint) and leaves nothing written.
func (s *Session) EndImplicit() error {
	s.block = false
	if !s.implicit {
		return nil
	}
	s.implicit = false
	if _, err := s.commit(); err != nil {
		return err
	}
	return nil
}

// Fail ends a statement that failed outside pgsql (a wire server's COPY
// that read a bad row) as a statement's error ends: an implicit block is
// rolled back and closed, an explicit transaction is aborted (25P02 until
// ROLLBACK). It returns err as an *Error.
func (s *Session) Fail(err error) error {
	s.block = false
	switch {
	case s.implicit:
		s.endTx()
	case s.tx != nil:
		s.failed = true
	}
	return toError(err)
}

// InOneStatement runs fn, which runs statements of the session (a wire
// server's COPY FROM inserts its rows in batches), as one statement of the
// block StartImplicit opened or of the explicit transaction: the foreign
// keys its writes must satisfy (those not deferred to commit) are checked
// when fn returns, as PostgreSQL checks a COPY's once its last row is in,
// so a row may reference one a later batch brings. When fn or a check
// fails, every write fn made is undone and the error returned; the caller
// then ends the statement with Fail. Outside a block and a transaction, or
// in a failed one, fn runs as it is.
func (s *Session) InOneStatement(ctx context.Context, fn func() error) error {
	if s.failed || (s.tx == nil && !s.block) {
		return fn()
	}
	if s.tx == nil {
		tx, err := s.db.Begin(context.WithoutCancel(ctx), s.defaultOpts())
		if err != nil {
			return toError(err)
		}
		s.tx, s.implicit = tx, true
		s.txStart = s.db.Now()
	}
	called := false
	var fnErr error
	s.grouped = true
	err := s.tx.Statement(func() error {
		called = true
		fnErr = fn()
		return fnErr
	})
	s.grouped = false
	switch {
	case !called:
		return fn() // a read-only transaction: the statements say why
	case fnErr != nil:
		return fnErr // as fn gave it
	}
	return toErrorOrNil(err)
}

// execEach is ExecEach over statements already parsed from sql, with
// args for a single statement.
func (s *Session) execEach(ctx context.Context, stmts []ir.Statement, sql string, args []any, fn func(Result) error) error {
	// Each statement's own text is for an interceptor (and BEGIN's tag,
	// which the whole of a one-statement text gives as well): splitting
	// the text again on every run of a prepared statement cost a fifth of
	// a point query.
	texts := []string{sql}
	if len(stmts) > 1 || s.intercept != nil {
		texts = statementTexts(sql, len(stmts))
	}
	own := len(stmts) > 1 && !s.block
	if own {
		s.StartImplicit()
	}
	for i, st := range stmts {
		if s.block && s.tx == nil && writes(st) {
			// The block outlives this statement, as BEGIN's transaction does.
			tx, err := s.db.Begin(context.WithoutCancel(ctx), s.defaultOpts())
			if err != nil {
				return s.endBlock(own, toError(err))
			}
			s.tx, s.implicit = tx, true
			s.txStart = s.db.Now() // now() for the whole block
		}
		res, err := s.runIntercepted(ctx, st, texts[i], args)
		if err == nil {
			err = fn(res)
		}
		if err != nil {
			if s.implicit && !s.grouped {
				s.endTx()
			}
			return s.endBlock(own, err)
		}
	}
	if own {
		return s.EndImplicit()
	}
	return nil
}

// endBlock closes the implicit block execEach opened (own) after err.
func (s *Session) endBlock(own bool, err error) error {
	if own {
		s.block = false
	}
	return err
}

// writes reports whether st needs the implicit block's transaction: it
// is not a query (which has no effect to roll back) nor transaction
// control (which works on the session's transaction itself).
func writes(st ir.Statement) bool {
	switch st := st.(type) {
	case *ir.Select:
		return len(st.Locking) > 0
	case *ir.Begin, *ir.Commit, *ir.Rollback, *ir.RollbackTo, *ir.Savepoint, *ir.ReleaseSavepoint,
		*ir.SetConstraints, *ir.SetTransaction:
		return false
	}
	return true
}

// statementTexts returns the text of each of the n statements parsed from
// sql, or sql itself for each when they cannot be told apart.
func statementTexts(sql string, n int) []string {
	out := make([]string, n)
	spans, err := parse.Split(sql)
	for i := range out {
		out[i] = sql
		if err == nil && len(spans) == n {
			out[i] = sql[spans[i].Start:spans[i].End]
		}
	}
	return out
}

// Intercept makes the session run each statement through i (see
// Interceptor), as a Connector's connections do: for a server's sessions
// (pgwire.Options.Intercept). Call it before the session runs anything.
func (s *Session) Intercept(i Interceptor) { s.intercept = i }

// runIntercepted is run through the session's Interceptor, if it has one.
// A statement the interceptor fails without running fails as a statement
// does: its explicit transaction is aborted.
func (s *Session) runIntercepted(ctx context.Context, st ir.Statement, sql string, args []any) (Result, error) {
	if s.intercept == nil {
		return s.run(ctx, st, sql, args)
	}
	shown := make([]any, len(args))
	for i, a := range args {
		if ta, ok := a.(typedArg); ok {
			a = ta.v
		}
		shown[i] = a
	}
	ran := false
	res, err := s.intercept(ctx, sql, shown, func() (Result, error) {
		ran = true
		return s.run(ctx, st, sql, args)
	})
	if err != nil && !ran {
		if s.tx != nil && !s.implicit {
			s.failed = true
		}
		err = toError(err)
	}
	return res, err
}
