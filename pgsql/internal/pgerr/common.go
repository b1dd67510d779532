package pgerr

// Constructors for errors the SQL layer raises often, worded exactly as
// PostgreSQL words them so clients that match on messages see the same
// text.

// UndefinedTableError is 42P01: relation "name" does not exist.
func UndefinedTableError(name string) *Error {
	return &Error{Code: UndefinedTable, Message: `relation "` + name + `" does not exist`, Table: name}
}

// UndefinedColumnError is 42703: column "name" does not exist.
func UndefinedColumnError(name string) *Error {
	return &Error{Code: UndefinedColumn, Message: `column "` + name + `" does not exist`, Column: name}
}

// DuplicateTableError is 42P07: relation "name" already exists.
func DuplicateTableError(name string) *Error {
	return &Error{Code: DuplicateTable, Message: `relation "` + name + `" already exists`, Table: name}
}

// InFailedTransactionError is 25P02, returned for every statement after
// an error inside a transaction until ROLLBACK or ROLLBACK TO.
func InFailedTransactionError() *Error {
	return &Error{Code: InFailedSQLTransaction, Message: "current transaction is aborted, commands ignored until end of transaction block"}
}

// SerializationFailureError is 40001, a transaction that lost a race and
// may be retried.
func SerializationFailureError() *Error {
	return &Error{Code: SerializationFailure, Message: "could not serialize access due to concurrent update"}
}

// DivisionByZeroError is 22012: division by zero.
func DivisionByZeroError() *Error {
	return &Error{Code: DivisionByZero, Message: "division by zero"}
}
