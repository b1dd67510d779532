package engine

import "github.com/reldb/reldb/internal/catalog"

// Type is a column's data type. Each maps to one Go type in stored rows,
// which Record.Get returns; NULL is nil:
//
//	Type     Go value in a row   PostgreSQL
//	Int      int64               bigint
//	Float    float64             double precision
//	Text     string              text (valid UTF-8 without NUL, compared byte-wise: C collation)
//	Bool     bool                boolean
//	Bytes    []byte              bytea
//	Time     time.Time (UTC)     timestamptz (rounded to microseconds)
//	Decimal  *apd.Decimal        numeric(precision, scale), exact
//
// Its String method returns the names int, float, text, bool, bytes, time
// and decimal, or "Type(n)" for an unknown value.
type Type = catalog.Type

// Column types; see [Type].
const (
	Int     = catalog.Int     // int64; PostgreSQL bigint
	Float   = catalog.Float   // float64; PostgreSQL double precision
	Text    = catalog.Text    // string, valid UTF-8 without NUL; PostgreSQL text
	Bool    = catalog.Bool    // bool; PostgreSQL boolean
	Bytes   = catalog.Bytes   // []byte; PostgreSQL bytea
	Time    = catalog.Time    // time.Time in UTC, rounded to microseconds; PostgreSQL timestamptz
	Decimal = catalog.Decimal // *apd.Decimal, exact; PostgreSQL numeric(precision, scale)
)
