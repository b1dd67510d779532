// Package catalog holds what reldb knows about a database's shape and the
// values it may store, below the public face of package engine and beside
// the SQL layer, which both import it:
//
//   - column types ([Type]) and the coercion of Go values into the one
//     canonical stored form of each type ([Coerce], [CoerceExact]);
//   - compiled column definitions ([Column]);
//   - the sentinel errors of definitions, values and constraints, the
//     [ConstraintError] that carries PostgreSQL's SQLSTATE, and the
//     SQLSTATE codes themselves.
//
// Package engine re-exports the errors and types by value (engine.ErrUnique
// is catalog.ErrUnique), so errors.Is and errors.As work across the layers.
//
// Invariants:
//   - a value returned by Coerce is in canonical form: int64, float64,
//     string (valid UTF-8, no NUL), bool, []byte (a private copy),
//     time.Time (UTC, microseconds) or *apd.Decimal (a private copy at the
//     column's scale), or nil; index keys and the codec rely on it;
//   - a Column is immutable once compiled into a table definition.
//
// The package knows nothing of transactions or storage: it imports only
// the standard library and apd.
package catalog
