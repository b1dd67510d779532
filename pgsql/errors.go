package pgsql

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Error is a SQL error in PostgreSQL's shape: Code is the SQLSTATE, and
// Message, Detail, Hint, Position, Schema, Table, Column and Constraint are
// what PostgreSQL's ErrorResponse carries. Every error the SQL layer
// returns for a statement is an *Error (check with errors.As).
type Error = pgerr.Error

func errorIs(err, target error) bool { return errors.Is(err, target) }

func itoa(n int) string { return strconv.Itoa(n) }

// sentence turns an engine error's detail ("key (a)=(1) is ...") into
// PostgreSQL's DETAIL form: capitalized, ending in a period.
func sentence(s string) string {
	if s == "" {
		return ""
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// toError maps an error from the engine (or the SQL layer) onto an
// *Error: the engine's SQLSTATE and, for the common constraint failures,
// PostgreSQL's wording.
func toError(err error) *Error {
	if err == nil {
		return nil
	}
	var pe *Error
	if errors.As(err, &pe) {
		return pe
	}
	var ce *engine.ConstraintError
	if errors.As(err, &ce) {
		e := &Error{Code: ce.SQLState, Message: ce.Error(), Table: ce.Table, Constraint: ce.Constraint}
		switch ce.SQLState {
		case pgerr.UniqueViolation:
			e.Message = `duplicate key value violates unique constraint "` + ce.Constraint + `"`
			if ce.Key != "" {
				e.Detail = "Key " + ce.Key + " already exists."
			}
		case pgerr.NotNullViolation:
			// The one constraint error whose ErrorResponse names a column.
			if len(ce.Columns) == 1 {
				e.Column = ce.Columns[0]
			}
			e.Message = `null value in column "` + e.Column + `" of relation "` + ce.Table + `" violates not-null constraint`
			if ce.Row != nil {
				e = e.WithFailingRow(ce.Row)
			}
		case pgerr.ForeignKeyViolation:
			// The engine words both directions as PostgreSQL does; its
			// detail is a Go error's, lower-case and without a period.
			if ce.Message != "" {
				e.Message = ce.Message
			}
			e.Detail = sentence(ce.Detail)
		case pgerr.NumericValueOutOfRange:
			e.Message = "numeric field overflow"
		}
		return e
	}
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return &Error{Code: "57014", Message: "canceling statement due to user request"}
	case errors.Is(err, engine.ErrReadOnly):
		return &Error{Code: "25006", Message: "cannot execute this statement in a read-only transaction"}
	case errors.Is(err, engine.ErrConflict):
		return pgerr.SerializationFailureError()
	}
	if code := engine.SQLState(err); code != "" {
		return &Error{Code: code, Message: err.Error()}
	}
	return &Error{Code: pgerr.InternalError, Message: err.Error()}
}
