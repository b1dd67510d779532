// Package pgerr defines the one error type of reldb's PostgreSQL dialect:
// [Error], which carries what a PostgreSQL ErrorResponse carries (SQLSTATE
// code, message, detail, hint, position, schema, table, column, constraint)
// so that code branching on PostgreSQL error codes works unchanged.
//
// It owns the SQLSTATE constants the SQL layer uses and small constructors
// for the common ones. pgsql re-exports the type as pgsql.Error.
//
// Invariants:
//   - Message is exactly what PostgreSQL would send: lowercase, no reldb
//     prefix, no SQLSTATE. The "pgsql:" prefix and the code are added only by
//     [Error.Error], so a wire server can forward Message unchanged.
//   - Position is 1-based and counts characters (not bytes) of the whole
//     query string, as PostgreSQL's does; 0 means unknown.
//   - Every construct the SQL layer does not support is reported with
//     [FeatureNotSupported] (0A000) through [Unsupported], whose message is
//     "<construct> is not supported".
package pgerr
