package engine

import (
	"strings"
	"time"

	"github.com/cockroachdb/apd/v3"
)

// Row is a set of column values by name, used to insert and update rows and
// returned by Record.Row. Values are Go values of the column's type (see
// Type); nil is NULL.
type Row map[string]any

// Key is a composite primary key: the values of the key's columns in key
// order. A single-column key is passed as the bare value.
type Key []any

// Record is a read-only view of one stored row. Stored rows are immutable
// and shared by snapshots, so a Record stays valid and unchanged after its
// transaction ends; Get returns copies of mutable values. A Record also
// knows the transaction and result it was read in, which Related uses to
// traverse relations. The zero Record belongs to no table.
type Record struct {
	def  *tableDef
	vals []any
	// res is the result the record was read in and at its position there:
	// how Related finds prefetched rows and loads lazily.
	res *result
	at  int
}

// Table returns the name of the record's table.
func (r Record) Table() string {
	if r.def == nil {
		return ""
	}
	return r.def.name
}

// IsZero reports whether r is the zero Record.
func (r Record) IsZero() bool { return r.def == nil }

// Get returns the value of a column, nil when it is NULL or when the table
// has no such column (Has tells the two apart). []byte and *apd.Decimal
// values are copies.
func (r Record) Get(col string) any {
	if r.def == nil {
		return nil
	}
	i, ok := r.def.column(col)
	if !ok {
		return nil
	}
	return exportValue(r.vals[i])
}

// Has reports whether the record's table has the column.
func (r Record) Has(col string) bool {
	if r.def == nil {
		return false
	}
	_, ok := r.def.column(col)
	return ok
}

// ID returns the primary key: the value itself for a one-column key, a Key
// for a composite one. It can be passed back to Tx.Get, Tx.Update and
// Tx.Delete.
func (r Record) ID() any {
	if r.def == nil {
		return nil
	}
	if len(r.def.pk) == 1 {
		return exportValue(r.vals[r.def.pk[0]])
	}
	k := make(Key, len(r.def.pk))
	for i, p := range r.def.pk {
		k[i] = exportValue(r.vals[p])
	}
	return k
}

// Columns returns the table's column names in declaration order.
func (r Record) Columns() []string {
	if r.def == nil {
		return nil
	}
	names := make([]string, len(r.def.cols))
	for i := range r.def.cols {
		names[i] = r.def.cols[i].name
	}
	return names
}

// Values returns the column values in declaration order (a copy).
func (r Record) Values() []any {
	out := make([]any, len(r.vals))
	for i, v := range r.vals {
		out[i] = exportValue(v)
	}
	return out
}

// Row returns the record as a Row (a copy).
func (r Record) Row() Row {
	if r.def == nil {
		return nil
	}
	row := make(Row, len(r.vals))
	for i, v := range r.vals {
		row[r.def.cols[i].name] = exportValue(v)
	}
	return row
}

// String renders the record as table(col=value, ...).
func (r Record) String() string {
	if r.def == nil {
		return "<zero record>"
	}
	var b strings.Builder
	b.WriteString(r.def.name)
	b.WriteByte('(')
	for i, v := range r.vals {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(r.def.cols[i].name)
		b.WriteByte('=')
		b.WriteString(formatValue(v))
	}
	b.WriteByte(')')
	return b.String()
}

// exportValue copies the stored values a caller could mutate.
func exportValue(v any) any {
	switch x := v.(type) {
	case []byte:
		return append([]byte{}, x...)
	case *apd.Decimal:
		return new(apd.Decimal).Set(x)
	case time.Time:
		return x
	}
	return v
}
