package engine

import (
	"fmt"
	"reflect"
	"strings"
	"time"
	"unsafe"

	"github.com/cockroachdb/apd/v3"

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

// Scan copies the record's column values, in declaration order (as
// Columns lists them), into the variables dest points to, one per column;
// a nil dest skips its column. It reads by position, with no lookup by
// name, and allocates nothing for numbers, text, booleans, times and
// decimals whose coefficient fits 128 bits:
//
//	var id, authorID int64
//	var title string
//	var price apd.Decimal
//	err := r.Scan(&id, &authorID, &title, &price)
//
// A dest is a pointer to the column's Go type (see Type) or to a type
// Register accepts for it: *int64 and the other integer kinds (checked for
// overflow), *float64, *float32, *string, *bool, *time.Time, *[]byte (the
// bytes are copied, reusing the slice's capacity; NULL is nil), *apd.Decimal (Set into
// it); a pointer to a pointer of those, set to nil for NULL; or *any,
// which receives what Get returns. NULL into a variable that cannot hold
// it, a dest of the wrong type or count, fails with ErrType naming the
// column, and leaves the variables before it written.
func (r Record) Scan(dest ...any) error {
	if r.res == nil {
		return fmt.Errorf("scan: %w: the zero Record has no columns", ErrType)
	}
	d, vals := r.res.def, r.vals()
	if len(dest) != len(vals) {
		return fmt.Errorf("scan %s: %w: %d destinations for %d columns", d.Name, ErrType, len(dest), len(vals))
	}
	for i, v := range vals {
		if dest[i] == nil {
			continue
		}
		if err := scanValue(dest[i], v, d.Cols[i].Type); err != nil {
			return fmt.Errorf("scan %s column %q: %w", d.Name, d.Cols[i].Name, err)
		}
	}
	return nil
}

// scanValue stores the stored value v, of a column of type typ, into
// *dest.
func scanValue(dest, v any, typ Type) error {
	switch p := dest.(type) {
	case *int64:
		if x, ok := v.(int64); ok {
			*p = x
			return nil
		}
	case *string:
		if x, ok := v.(string); ok {
			*p = x
			return nil
		}
	case *apd.Decimal:
		if x, ok := v.(*apd.Decimal); ok {
			p.Set(x)
			return nil
		}
	case *float64:
		if x, ok := v.(float64); ok {
			*p = x
			return nil
		}
	case *bool:
		if x, ok := v.(bool); ok {
			*p = x
			return nil
		}
	case *time.Time:
		if x, ok := v.(time.Time); ok {
			*p = x
			return nil
		}
	case *[]byte:
		switch x := v.(type) {
		case []byte:
			*p = append((*p)[:0], x...)
			return nil
		case nil:
			*p = nil
			return nil
		}
	case *any:
		*p = catalog.ExportValue(v)
		return nil
	}
	return scanInto(dest, v, typ)
}

// scanInto is scanValue for a destination its switch does not list: a
// pointer to a pointer, or to a type of a column type's kind (an int16, a
// named string type). It writes through the pointer in dest and asks
// reflect only about types: a reflect.Value made from dest and Set would
// make escape analysis move every variable scanned into, and the struct
// holding it, to the heap, an allocation per Scan that nothing needs.
func scanInto(dest, v any, typ Type) error {
	t := reflect.TypeOf(dest)
	if t == nil || t.Kind() != reflect.Pointer {
		return fmt.Errorf("%w: destination %v is not a non-nil pointer", ErrType, t)
	}
	p := reflect.ValueOf(dest).UnsafePointer()
	if p == nil {
		return fmt.Errorf("%w: destination %v is not a non-nil pointer", ErrType, t)
	}
	t = t.Elem()
	if t.Kind() == reflect.Pointer {
		if v == nil {
			*(*unsafe.Pointer)(p) = nil
			return nil
		}
		// Scan into a fresh value, so that a failure leaves *dest as it was.
		n := reflect.New(t.Elem())
		if err := scanValue(n.Interface(), v, typ); err != nil {
			return err
		}
		*(*unsafe.Pointer)(p) = n.UnsafePointer()
		return nil
	}
	if v == nil {
		return fmt.Errorf("%w: NULL into %v", ErrType, t)
	}
	if !fieldHolds(t, typ) {
		return fmt.Errorf("%w: %T into %v", ErrType, v, t)
	}
	return storeAs(p, t, v)
}

// storeAs stores the stored value v, not NULL, at p, a variable of type
// t, which fieldHolds said can hold it: Scan's destinations and the
// typed API's fields of types its fast paths do not list.
func storeAs(p unsafe.Pointer, t reflect.Type, v any) error {
	switch x := v.(type) {
	case int64:
		bits := 8 * t.Size()
		switch t.Kind() {
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			if x < 0 || bits < 64 && uint64(x)>>bits != 0 {
				return fmt.Errorf("%w: %d overflows %v", ErrType, x, t)
			}
		default:
			if bits < 64 && x<<(64-bits)>>(64-bits) != x {
				return fmt.Errorf("%w: %d overflows %v", ErrType, x, t)
			}
		}
		switch bits { // the same bits, signed or not
		case 8:
			*(*int8)(p) = int8(x)
		case 16:
			*(*int16)(p) = int16(x)
		case 32:
			*(*int32)(p) = int32(x)
		default:
			*(*int64)(p) = x
		}
	case float64:
		if t.Kind() == reflect.Float32 {
			*(*float32)(p) = float32(x)
		} else {
			*(*float64)(p) = x
		}
	case string:
		*(*string)(p) = x
	case bool:
		*(*bool)(p) = x
	case []byte:
		*(*[]byte)(p) = append([]byte(nil), x...)
	case time.Time:
		*(*time.Time)(p) = x
	case *apd.Decimal:
		(*apd.Decimal)(p).Set(x)
	default:
		return fmt.Errorf("%w: stored %T", ErrType, v)
	}
	return nil
}
