package pgwire

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/reldb/reldb/pgsql"
)

// protocolError is 08P01, the SQLSTATE of a message that breaks the
// protocol.
func protocolError(format string, args ...any) *pgsql.Error {
	return &pgsql.Error{Code: "08P01", Message: fmt.Sprintf(format, args...)}
}

// asSQLError returns err as a *pgsql.Error, XX000 for an error that is
// not one.
func asSQLError(err error) *pgsql.Error {
	var pe *pgsql.Error
	if errors.As(err, &pe) {
		return pe
	}
	return &pgsql.Error{Code: "XX000", Message: err.Error()}
}

// errorResponse is the ErrorResponse (or, with severity WARNING or NOTICE,
// the NoticeResponse fields) carrying every field of e.
func errorResponse(severity string, e *pgsql.Error) *pgproto3.ErrorResponse {
	schema, table := e.Schema, e.Table
	if e.Code == "42P01" {
		// PostgreSQL names a missing relation in the message only.
		schema, table = "", ""
	}
	if schema == "" && table != "" {
		schema = "public" // reldb's tables are all in PostgreSQL's default schema
	}
	column := e.Column
	if e.Code != "23502" {
		// PostgreSQL sends the column of a not-null violation only (a key
		// violation names its constraint, an unknown column its message);
		// pgsql's errors carry it more often.
		column = ""
	}
	return &pgproto3.ErrorResponse{
		Severity:            severity,
		SeverityUnlocalized: severity,
		Code:                e.Code,
		Message:             e.Message,
		Detail:              e.Detail,
		Hint:                e.Hint,
		Position:            int32(e.Position),
		SchemaName:          schema,
		TableName:           table,
		ColumnName:          column,
		ConstraintName:      e.Constraint,
	}
}

// noticeResponse is the NoticeResponse of a warning.
func noticeResponse(e *pgsql.Error) *pgproto3.NoticeResponse {
	severity := "WARNING"
	if e.Severity != "" {
		severity = e.Severity
	}
	n := pgproto3.NoticeResponse(*errorResponse(severity, e))
	return &n
}
