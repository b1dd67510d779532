package pgsql

// A statement is interrupted through its context (a wire server's
// CancelRequest, statement_timeout, a caller's deadline). Waits select on
// it; loops over rows, which reldb runs to completion without waiting,
// call interrupted every interruptEvery rows so that a long scan or join
// ends soon after the context does.

// interruptEvery is how many rows a loop handles between two looks at
// the statement's context: a look costs a non-blocking channel receive.
const interruptEvery = 1024

// interrupted returns the statement's context error once it is done, and
// nil while it runs or outside a statement. The caller returns the error
// as it is; run turns it into 57014.
func (ev *evaluator) interrupted() error {
	if ev == nil || ev.q == nil || ev.q.s == nil {
		return nil
	}
	return ev.q.s.interrupted()
}

// interrupted returns the running statement's context's error once it is
// cancelled.
func (s *Session) interrupted() error {
	ctx := s.stmtCtx
	if ctx == nil {
		return nil
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	default:
		return nil
	}
}
