package engine

import (
	"strings"

	"github.com/reldb/reldb/internal/catalog"
)

// Row is a set of column values by name, used to insert and update rows and
// returned by Record.Row. Values are Go values of the column's type (see
// Type); nil is NULL.
type Row map[string]any

// Key is a composite primary key: the values of the key's columns in key
// order, as in tx.Get("enrollments", engine.Key{studentID, courseID}). A
// single-column key is passed as the bare value.
type Key = catalog.Key

// Record is a read-only view of one stored row. Stored rows are immutable
// and shared by snapshots, so a Record stays valid and unchanged after its
// transaction ends; Get returns copies of mutable values. A Record also
// knows the transaction and result it was read in, which Related uses to
// traverse relations. The zero Record belongs to no table.
//
// Once its transaction has ended, a Record may be read from several
// goroutines at once: Get, Related and the rest (a lazy load then returns
// ErrTxDone). While the transaction runs, records belong to it like the Tx
// itself, with one exception: a record from Get, Insert or Update may be
// handed to another goroutine to read its columns. A record streamed by
// Query.Each is not safe to share until the query has returned.
type Record struct {
	// res is the result the record was read in and at its position there:
	// the row is res.rows[at], of table res.def. That is also how Related
	// finds prefetched rows and loads lazily. Records are made by the
	// thousand in traversals, so they hold nothing else.
	res *result
	at  int
}

// def returns the record's table, nil for the zero Record.
func (r Record) def() *catalog.Table {
	if r.res == nil {
		return nil
	}
	return r.res.def
}

// vals returns the record's stored values; r must not be zero.
func (r Record) vals() []any { return r.res.rows[r.at] }

// Table returns the name of the record's table.
func (r Record) Table() string {
	if r.res == nil {
		return ""
	}
	return r.res.def.Name
}

// IsZero reports whether r is the zero Record.
func (r Record) IsZero() bool { return r.res == nil }

// Get returns the value of a column, nil when it is NULL or when the table
// has no such column (Has tells the two apart). []byte and *apd.Decimal
// values are copies.
func (r Record) Get(col string) any {
	if r.res == nil {
		return nil
	}
	i, ok := r.res.def.Column(col)
	if !ok {
		return nil
	}
	return catalog.ExportValue(r.res.rows[r.at][i])
}

// Has reports whether the record's table has the column.
func (r Record) Has(col string) bool {
	if r.res == nil {
		return false
	}
	_, ok := r.res.def.Column(col)
	return ok
}

// ID returns the primary key: the value itself for a one-column key, a Key
// for a composite one. It can be passed back to Tx.Get, Tx.Update and
// Tx.Delete.
func (r Record) ID() any {
	if r.res == nil {
		return nil
	}
	return r.res.def.ID(r.vals())
}

// Columns returns the table's column names in declaration order.
func (r Record) Columns() []string {
	if r.res == nil {
		return nil
	}
	d := r.res.def
	names := make([]string, len(d.Cols))
	for i := range d.Cols {
		names[i] = d.Cols[i].Name
	}
	return names
}

// Values returns the column values in declaration order (a copy).
func (r Record) Values() []any {
	if r.res == nil {
		return []any{}
	}
	vals := r.vals()
	out := make([]any, len(vals))
	for i, v := range vals {
		out[i] = catalog.ExportValue(v)
	}
	return out
}

// Row returns the record as a Row (a copy).
func (r Record) Row() Row {
	if r.res == nil {
		return nil
	}
	d, vals := r.res.def, r.vals()
	row := make(Row, len(vals))
	for i, v := range vals {
		row[d.Cols[i].Name] = catalog.ExportValue(v)
	}
	return row
}

// String renders the record as table(col=value, ...).
func (r Record) String() string {
	if r.res == nil {
		return "<zero record>"
	}
	d := r.res.def
	var b strings.Builder
	b.WriteString(d.Name)
	b.WriteByte('(')
	for i, v := range r.vals() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(d.Cols[i].Name)
		b.WriteByte('=')
		b.WriteString(catalog.FormatValue(v))
	}
	b.WriteByte(')')
	return b.String()
}
