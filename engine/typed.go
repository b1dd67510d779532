package engine

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unsafe"

	"github.com/cockroachdb/apd/v3"
	"github.com/reldb/reldb/internal/catalog"
)

// model is a struct type's mapping, computed once by Register.
type model struct {
	typ   reflect.Type
	table string
	cols  []modelCol
	rels  []modelRel
	// newArray allocates an array of n T, the model's type.
	newArray func(n int) unsafe.Pointer
	// bound is the binding made last, reused while the table's
	// definition is the same (Tx.bind).
	bound atomic.Pointer[binding]
}

type modelCol struct {
	field  int          // index in the struct
	offset uintptr      // of the field in the struct
	typ    reflect.Type // of the field
	name   string       // column name
	ptr    bool         // a pointer field: nil is NULL
	fast   fastKind     // how store sets the field without reflect
}

// fastKind is a field type store sets directly.
type fastKind uint8

const (
	slow fastKind = iota
	fastInt64
	fastString
	fastFloat64
	fastBool
	fastTime
	fastInt
	fastDecimal
)

func fastKindOf(t reflect.Type) fastKind {
	switch t {
	case reflect.TypeFor[int64]():
		return fastInt64
	case reflect.TypeFor[string]():
		return fastString
	case reflect.TypeFor[float64]():
		return fastFloat64
	case reflect.TypeFor[bool]():
		return fastBool
	case reflect.TypeFor[time.Time]():
		return fastTime
	case reflect.TypeFor[int]():
		if strconv.IntSize == 64 {
			return fastInt
		}
	case reflect.TypeFor[apd.Decimal]():
		return fastDecimal
	}
	return slow
}

type modelRel struct {
	field  int
	name   string
	target string       // the table the relation leads to
	many   bool         // a slice field
	elem   reflect.Type // the struct type the relation leads to
}

// Register maps the struct type T to a table of the latest schema:
//
//	type Author struct {
//		ID    int64   `reldb:"id"`
//		Name  string  `reldb:"name"`
//		Books []*Book `rel:"books"`
//	}
//
// Every exported field is a column, named by its `reldb` tag or else by
// its name in snake_case (AuthorID is author_id); `reldb:"-"` leaves a
// field out. A field with a `rel` tag holds a relation of the table, by
// the name the relation declared for this side: a pointer to a struct for
// a relation to at most one row (a book's author, a user's profile), a
// slice of pointers for one to many rows. Prefetching fills relation
// fields; Related loads the related objects lazily (returning them; the
// field is left as it is).
//
// Column fields take the column's Go type, a type convertible to it (any
// integer kind for Int, float32 for Float, apd.Decimal or *apd.Decimal for
// Decimal), or a pointer to one of those, where nil is NULL. Reading NULL
// into a field that is not a pointer is an error.
//
// Register checks every field against the table: each column field must
// name a column whose type it can hold, each relation field a relation of
// the table of matching cardinality. The mapping is computed once; a type that does
// not match the schema is an error here (ErrNoColumn, ErrNoRelation,
// ErrType or ErrSchema), never a panic later. Registering the same type
// again with the same table does nothing; with another table it returns
// ErrExists.
func Register[T any](db *DB, table string) error {
	typ := reflect.TypeFor[T]()
	if typ.Kind() != reflect.Struct {
		return fmt.Errorf("register %v: %w: want a struct type", typ, ErrSchema)
	}
	if m, ok := db.models.Load(typ); ok {
		if m.(*model).table != table {
			return fmt.Errorf("register %v: %w: already mapped to table %q", typ, ErrExists, m.(*model).table)
		}
		return nil
	}
	m := &model{typ: typ, table: table, newArray: func(n int) unsafe.Pointer {
		return unsafe.Pointer(unsafe.SliceData(make([]T, n)))
	}}
	err := db.View(context.Background(), func(tx *Tx) error {
		d, err := tx.table(table)
		if err != nil {
			return err
		}
		return m.build(d)
	})
	if err != nil {
		return fmt.Errorf("register %v: %w", typ, err)
	}
	for _, r := range m.rels {
		if um, ok := db.models.Load(r.elem); ok && um.(*model).table != r.target {
			return fmt.Errorf("register %v: field %s: %w: relation %q leads to table %q, and %v maps table %q",
				typ, typ.Field(r.field).Name, ErrSchema, r.name, r.target, r.elem, um.(*model).table)
		}
	}
	if got, loaded := db.models.LoadOrStore(typ, m); loaded {
		if got.(*model).table != table {
			return fmt.Errorf("register %v: %w: already mapped to table %q", typ, ErrExists, got.(*model).table)
		}
		return nil
	}
	db.modelMu.Lock()
	defer db.modelMu.Unlock()
	var list []*model
	if l := db.modelList.Load(); l != nil {
		list = *l
	}
	list = append(list[:len(list):len(list)], m) // a copy: readers scan the old one
	db.modelList.Store(&list)
	return nil
}

// build maps the struct's fields to the table's columns and relations.
func (m *model) build(d *catalog.Table) error {
	for i := range m.typ.NumField() {
		f := m.typ.Field(i)
		if !f.IsExported() {
			continue
		}
		if rel, ok := f.Tag.Lookup("rel"); ok {
			r, err := relField(d, f, rel)
			if err != nil {
				return err
			}
			r.field = i
			m.rels = append(m.rels, r)
			continue
		}
		name := f.Tag.Get("reldb")
		if name == "-" {
			continue
		}
		if f.Anonymous {
			return fmt.Errorf("%w: embedded field %s is not supported; tag it `reldb:\"-\"`", ErrSchema, f.Name)
		}
		if name == "" {
			name = snakeCase(f.Name)
		}
		pos, ok := d.ColIdx[name]
		if !ok {
			return fmt.Errorf("field %s: %w: table %q has no column %q", f.Name, ErrNoColumn, d.Name, name)
		}
		c := modelCol{field: i, offset: f.Offset, typ: f.Type, name: name, fast: fastKindOf(f.Type)}
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			c.ptr = true
			ft = ft.Elem()
		}
		if !fieldHolds(ft, d.Cols[pos].Type) {
			return fmt.Errorf("field %s: %w: %v cannot hold column %q of type %s", f.Name, ErrType, f.Type, name, d.Cols[pos].Type)
		}
		m.cols = append(m.cols, c)
	}
	for _, p := range d.PK {
		if !m.hasCol(d.Cols[p].Name) {
			return fmt.Errorf("%w: no field for primary key column %q of table %q", ErrSchema, d.Cols[p].Name, d.Name)
		}
	}
	return nil
}

func (m *model) hasCol(name string) bool {
	for _, c := range m.cols {
		if c.name == name {
			return true
		}
	}
	return false
}

// relField checks a relation field against the table's relations.
func relField(d *catalog.Table, f reflect.StructField, name string) (modelRel, error) {
	r := modelRel{name: name}
	rel := resolveIn(d, name)
	if rel == nil {
		return r, fmt.Errorf("field %s: %w: table %q has no relation %q (it has %s)", f.Name, ErrNoRelation, d.Name, name, relationNames(d))
	}
	t := f.Type
	if t.Kind() == reflect.Slice {
		r.many = true
		t = t.Elem()
	}
	if t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct {
		return r, fmt.Errorf("field %s: %w: a relation field is *Struct or []*Struct, not %v", f.Name, ErrSchema, f.Type)
	}
	r.elem = t.Elem()
	switch rel.dir {
	case toParent:
		r.target = rel.near.Parent
	case toChildren:
		r.target = rel.near.Child
	case through:
		r.target = rel.far.Parent
	}
	if !r.many && !rel.one {
		return r, fmt.Errorf("field %s: %w: relation %s may hold several rows; use a slice", f.Name, ErrSchema, rel.key)
	}
	return r, nil
}

// fieldHolds reports whether a field of type t (pointer removed) can hold
// a column of type typ.
func fieldHolds(t reflect.Type, typ Type) bool {
	switch typ {
	case Int:
		switch t.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			return true
		}
	case Float:
		return t.Kind() == reflect.Float64 || t.Kind() == reflect.Float32
	case Text:
		return t.Kind() == reflect.String
	case Bool:
		return t.Kind() == reflect.Bool
	case Bytes:
		return t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8
	case Time:
		return t == reflect.TypeFor[time.Time]()
	case Decimal:
		return t == reflect.TypeFor[apd.Decimal]() || t == reflect.TypeFor[*apd.Decimal]()
	}
	return false
}

// snakeCase turns a Go field name into a column name: AuthorID is
// author_id, HTTPCode is http_code.
func snakeCase(s string) string {
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		if unicode.IsUpper(r) {
			if i > 0 && (unicode.IsLower(rs[i-1]) || i+1 < len(rs) && unicode.IsLower(rs[i+1])) {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// modelOf returns the registered mapping of T.
func modelOf[T any](db *DB) (*model, error) {
	typ := reflect.TypeFor[T]()
	m, ok := db.model(typ)
	if !ok {
		return nil, fmt.Errorf("%w: type %v is not registered (engine.Register)", ErrSchema, typ)
	}
	return m, nil
}

// maxModelScan is how many models db.model scans before it looks the
// type up in the map instead.
const maxModelScan = 16

// model returns the registered mapping of typ.
func (db *DB) model(typ reflect.Type) (*model, bool) {
	if l := db.modelList.Load(); l != nil && len(*l) <= maxModelScan {
		for _, m := range *l {
			if m.typ == typ {
				return m, true
			}
		}
	}
	// Registered a moment ago, or one of many.
	m, ok := db.models.Load(typ)
	if !ok {
		return nil, false
	}
	return m.(*model), true
}

// binding is a model bound to one version of its table: column positions.
type binding struct {
	m   *model
	d   *catalog.Table
	pos []int // pos[i] is the column of m.cols[i]
}

// bind binds a model to the transaction's version of its table. A binding
// depends only on the model and the table definition, which is immutable,
// so the model keeps its last one for every transaction to reuse.
func (tx *Tx) bind(m *model) (*binding, error) {
	d, err := tx.table(m.table)
	if err != nil {
		return nil, err
	}
	if b := m.bound.Load(); b != nil && b.d == d {
		return b, nil
	}
	b := &binding{m: m, d: d, pos: make([]int, len(m.cols))}
	for i, c := range m.cols {
		p, ok := d.ColIdx[c.name]
		if !ok {
			return nil, fmt.Errorf("%v: %w: table %q has no column %q any more", m.typ, ErrNoColumn, d.Name, c.name)
		}
		b.pos[i] = p
	}
	m.bound.Store(b)
	return b, nil
}

// set stores a row's values into the column fields of the object at p.
func (b *binding) set(p unsafe.Pointer, vals []any) error {
	for i := range b.m.cols {
		c := &b.m.cols[i] // not a copy: this runs for every column of every object
		if err := c.store(unsafe.Add(p, c.offset), vals[b.pos[i]]); err != nil {
			return fmt.Errorf("%v field %s: %w", b.m.typ, b.m.typ.Field(c.field).Name, err)
		}
	}
	return nil
}

// store sets the field at p (of the column's field type) to a stored
// value: the common types directly, the rest through reflect.
func (c *modelCol) store(p unsafe.Pointer, v any) error {
	switch c.fast {
	case fastInt64:
		if x, ok := v.(int64); ok {
			*(*int64)(p) = x
			return nil
		}
	case fastString:
		if x, ok := v.(string); ok {
			*(*string)(p) = x
			return nil
		}
	case fastFloat64:
		if x, ok := v.(float64); ok {
			*(*float64)(p) = x
			return nil
		}
	case fastBool:
		if x, ok := v.(bool); ok {
			*(*bool)(p) = x
			return nil
		}
	case fastTime:
		if x, ok := v.(time.Time); ok {
			*(*time.Time)(p) = x
			return nil
		}
	case fastInt:
		if x, ok := v.(int64); ok {
			*(*int)(p) = int(x)
			return nil
		}
	case fastDecimal:
		// Set copies into the field's own storage: no allocation for
		// a coefficient that fits apd's inline words.
		if x, ok := v.(*apd.Decimal); ok {
			(*apd.Decimal)(p).Set(x)
			return nil
		}
	}
	if v == nil {
		if c.ptr {
			*(*unsafe.Pointer)(p) = nil
			return nil
		}
		return fmt.Errorf("%w: NULL into a field that is not a pointer", ErrType)
	}
	if !c.ptr {
		return storeAs(p, c.typ, v) // record.go
	}
	// Fill a fresh value, so that a failure leaves the field as it was.
	n := reflect.New(c.typ.Elem()).UnsafePointer()
	if err := storeAs(n, c.typ.Elem(), v); err != nil {
		return err
	}
	*(*unsafe.Pointer)(p) = n
	return nil
}

// row renders an object's column fields as a Row; omitAuto leaves out a
// zero auto-increment key, so that the table's sequence fills it.
func (b *binding) row(v reflect.Value, omitAuto bool) Row {
	row := make(Row, len(b.m.cols))
	for i, c := range b.m.cols {
		f, ok := columnField(v, &c)
		if !ok {
			row[c.name] = nil
			continue
		}
		if omitAuto && b.pos[i] == b.d.AutoInc && f.IsZero() {
			continue
		}
		row[c.name] = f.Interface()
	}
	return row
}

// columnField returns the field of column c in the object v, the value a
// pointer field points to, and false for a nil pointer field (NULL).
func columnField(v reflect.Value, c *modelCol) (reflect.Value, bool) {
	f := v.Field(c.field)
	if c.ptr {
		if f.IsNil() {
			return f, false
		}
		f = f.Elem()
	}
	return f, true
}

// changed returns the column fields of the object v that differ from
// cur, its row as stored, as row does (never nil).
func (b *binding) changed(v reflect.Value, cur []any) Row {
	row := make(Row, 1)
	p := v.Addr().UnsafePointer()
	for i := range b.m.cols {
		c := &b.m.cols[i]
		if c.same(unsafe.Add(p, c.offset), cur[b.pos[i]]) {
			continue
		}
		if f, ok := columnField(v, c); ok {
			row[c.name] = fieldValue(f, *c)
		} else {
			row[c.name] = nil
		}
	}
	return row
}

// same reports whether the field at p holds stored, a value of its column
// as stored, exactly: storing the field would store that value again.
// It knows the common types; for the others it reports false, and the
// field is written.
func (c *modelCol) same(p unsafe.Pointer, stored any) bool {
	if c.ptr {
		return false
	}
	switch c.fast {
	case fastInt64:
		x, ok := stored.(int64)
		return ok && x == *(*int64)(p)
	case fastInt:
		x, ok := stored.(int64)
		return ok && x == int64(*(*int)(p))
	case fastString:
		x, ok := stored.(string)
		return ok && x == *(*string)(p)
	case fastBool:
		x, ok := stored.(bool)
		return ok && x == *(*bool)(p)
	case fastFloat64:
		x, ok := stored.(float64)
		return ok && x == *(*float64)(p) && math.Signbit(x) == math.Signbit(*(*float64)(p))
	case fastDecimal:
		// The same digits, exponent and sign: 1.5 and 1.50 are stored
		// differently (in a numeric of no scale).
		x, ok := stored.(*apd.Decimal)
		f := (*apd.Decimal)(p)
		return ok && x.Form == f.Form && x.Negative == f.Negative && x.Exponent == f.Exponent && x.Coeff.Cmp(&f.Coeff) == 0
	}
	return false
}

// load copies a stored row back into an object's column fields: the
// defaults, generated key and rounding the table applied.
func (b *binding) load(v reflect.Value, r Record) error {
	return b.set(v.Addr().UnsafePointer(), r.vals())
}

// newRow builds the stored row of a new object, as Table.NewRow builds
// one from a Row, without the map: column fields by position, coerced to
// their columns, a zero auto-increment key left for the sequence, other
// columns their defaults.
func (b *binding) newRow(vals []any, v reflect.Value) ([]any, error) {
	d := b.d
	for i := range d.Cols {
		vals[i] = d.Cols[i].Default
	}
	for i, c := range b.m.cols {
		pos := b.pos[i]
		f, ok := columnField(v, &c)
		if !ok {
			vals[pos] = nil
			continue
		}
		if pos == d.AutoInc && f.IsZero() {
			vals[pos] = nil
			continue
		}
		cv, err := catalog.Coerce(&d.Cols[pos], fieldValue(f, c))
		if err != nil {
			return nil, err
		}
		vals[pos] = cv
	}
	return d.FinishRow(vals)
}

// fieldValue returns a column field's value, boxed: the common types
// without reflect's Interface, which copies an apd.Decimal into a box.
func fieldValue(f reflect.Value, c modelCol) any {
	switch c.fast {
	case fastInt64, fastInt:
		return f.Int()
	case fastString:
		return f.String()
	case fastDecimal:
		// Coerce copies the decimal it stores; the field's own address
		// saves a box of the struct.
		return f.Addr().Interface().(*apd.Decimal)
	}
	return f.Interface()
}

// record returns the record an object stands for: the one it was read
// from in this transaction, or one made from its fields.
func (tx *Tx) recordOf(b *binding, p unsafe.Pointer, v reflect.Value) (Record, error) {
	if r, ok := tx.modelState().recordOfObject(p); ok && r.def() == b.d {
		return r, nil
	}
	vals := make([]any, len(b.d.Cols))
	row := b.row(v, false)
	for i, c := range b.m.cols {
		cv, err := catalog.Coerce(&b.d.Cols[b.pos[i]], row[c.name])
		if err != nil {
			return Record{}, err
		}
		vals[b.pos[i]] = cv
	}
	return tx.looseRecord(b.d, vals), nil
}

// typed prepares a typed call: the binding of T and the object's value.
func typed[T any](tx *Tx, v *T) (*binding, reflect.Value, error) {
	if v == nil {
		return nil, reflect.Value{}, fmt.Errorf("%w: nil %v", ErrType, reflect.TypeFor[*T]())
	}
	m, err := modelOf[T](tx.db)
	if err != nil {
		return nil, reflect.Value{}, err
	}
	b, err := tx.bind(m)
	if err != nil {
		return nil, reflect.Value{}, err
	}
	return b, reflect.ValueOf(v).Elem(), nil
}

// wrote makes the object just written the object of the row version it
// wrote, so reading the row again in the transaction returns it.
//
// An insert's record holds the row as stored. An update's may not: one
// that ran referential actions stores a row of their making, so refetch
// says to look the stored one up. The object waits in a list until a read
// needs the identity map (spill): a bulk insert of objects makes no map.
func (tx *Tx) wrote(b *binding, p unsafe.Pointer, r Record, refetch bool) {
	ms := tx.modelState()
	if refetch {
		tx.scratch = catalog.AppendCols(tx.scratch[:0], r.vals(), b.d.PK)
		if e, ok := tx.t.Get(b.d.Primary, tx.scratch); ok {
			r = tx.looseRecord(b.d, catalog.RowOf(e.Val))
		}
	}
	ms.noteWritten(b.m, r, p)
}

// noteWritten records p as the object of model m written as r, a loose
// record. Writes interleave a few tables, whose loose results fill one
// after the other, so the list is searched from its end, a few places
// back: a result met again further back gets a second list, which spill
// reads in order all the same.
func (ms *modelState) noteWritten(m *model, r Record, p unsafe.Pointer) {
	const lookBack = 8
	ms.maps()
	for i := len(ms.written) - 1; i >= max(0, len(ms.written)-lookBack); i-- {
		if w := &ms.written[i]; w.m == m && w.res == r.res {
			w.objs[r.at] = p
			return
		}
	}
	w := writtenObjs{m: m, res: r.res, objs: make([]unsafe.Pointer, len(r.res.rows))}
	w.objs[r.at] = p
	ms.written = append(ms.written, w)
}

// Insert inserts an object of a registered type as a row of its table and
// copies the stored row back into it (a generated key, defaults,
// rounding). A zero auto-increment key is generated. It fails as
// Tx.Insert does, leaving v unchanged.
func Insert[T any](tx *Tx, v *T) error {
	b, rv, err := typed(tx, v)
	if err != nil {
		return fmt.Errorf("insert: %w", err)
	}
	r, err := tx.insertObject(b, rv)
	if err != nil {
		return err
	}
	tx.wrote(b, unsafe.Pointer(v), r, false)
	return b.load(rv, r)
}

// Update writes every column field of an object of a registered type to
// its row, found by the primary key it was read with in this transaction,
// else by its key fields, and copies the stored row back. It fails as
// Tx.Update does.
func Update[T any](tx *Tx, v *T) error {
	b, rv, err := typed(tx, v)
	if err != nil {
		return fmt.Errorf("update: %w", err)
	}
	old, err := tx.recordOf(b, unsafe.Pointer(v), rv)
	if err != nil {
		return fmt.Errorf("update %s: %w", b.m.table, err)
	}
	if err := tx.enter(); err != nil {
		return err
	}
	defer tx.leave()
	// A field equal to its column in the row as found changes nothing
	// written or left out: only the others are coerced and set. A
	// transaction taking row locks may find a newer row while locking
	// it, so it sets every field, as this function promises.
	r, stored, err := tx.updateSet(b.m.table, old.ID(), nil, func(cur []any) Row {
		if tx.locking() {
			return b.row(rv, false)
		}
		return b.changed(rv, cur)
	})
	if err != nil {
		return err
	}
	tx.wrote(b, unsafe.Pointer(v), r, !stored)
	return b.load(rv, r)
}

// Delete deletes the row of an object of a registered type, by the key it
// was read with in this transaction, else by its key fields. It fails as
// Tx.Delete does.
func Delete[T any](tx *Tx, v *T) error {
	b, rv, err := typed(tx, v)
	if err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	r, err := tx.recordOf(b, unsafe.Pointer(v), rv)
	if err != nil {
		return fmt.Errorf("delete from %s: %w", b.m.table, err)
	}
	return tx.Delete(b.m.table, r.ID())
}

// Get returns the object of the row with the given primary key, as
// Tx.Get. Within a transaction a row is one object: getting it again, or
// reaching it through a relation, returns the same pointer.
func Get[T any](tx *Tx, key any) (*T, error) {
	m, err := modelOf[T](tx.db)
	if err != nil {
		return nil, fmt.Errorf("get: %w", err)
	}
	// Tx.Get's steps, with the table looked up once, by the binding.
	if err := tx.live(); err != nil {
		return nil, err
	}
	if err := tx.statement(); err != nil {
		return nil, err
	}
	b, err := tx.bind(m)
	if err != nil {
		return nil, fmt.Errorf("get: %w", err)
	}
	vals, _, err := tx.lookup(b.d, key)
	if err != nil {
		tx.counted(LoadGet, m.table, 1, 0)
		return nil, fmt.Errorf("get from %s: %w", m.table, err)
	}
	tx.counted(LoadGet, m.table, 1, 1)
	if tx.models == nil {
		// No identity map yet: the transaction's one object (Tx.one)
		// needs no record.
		switch {
		case tx.one.m == nil:
			p, err := tx.firstObject(b, b.d, vals)
			return (*T)(p), err
		case tx.one.m == m && &tx.one.row[0] == &vals[0]:
			return (*T)(tx.one.p), nil // its row again
		}
	}
	p, err := tx.objectOfRecord(b, tx.looseRecord(b.d, vals))
	if err != nil {
		return nil, err
	}
	return (*T)(p), nil
}

// objectsOf returns the objects of records. Records that are every row of
// a result, in order (a query's, a lazy relation's), have their objects
// made straight into the slice returned; others are looked up one by one.
func objectsOf[T any](tx *Tx, m *model, recs []Record) ([]*T, error) {
	out := make([]*T, len(recs))
	if len(recs) == 0 {
		return out, nil
	}
	b, err := tx.bind(m)
	if err != nil {
		return nil, err
	}
	if res := recs[0].res; !res.loose && len(res.rows) == len(recs) && wholeResult(recs) {
		// A *T is laid out as an unsafe.Pointer.
		dst := unsafe.Slice((*unsafe.Pointer)(unsafe.Pointer(unsafe.SliceData(out))), len(out))
		if err := tx.objects(b, res, dst); err != nil {
			return nil, err
		}
		return out, nil
	}
	for i, r := range recs {
		p, err := tx.objectOfRecord(b, r)
		if err != nil {
			return nil, err
		}
		out[i] = (*T)(p)
	}
	return out, nil
}

// wholeResult reports whether record i is row i of the first record's
// result, for every i.
func wholeResult(recs []Record) bool {
	res := recs[0].res
	for i, r := range recs {
		if r.res != res || r.at != i {
			return false
		}
	}
	return true
}

// QueryOf starts a query on the table of a registered type; run it with
// All. An unregistered type makes the query fail with ErrSchema.
func QueryOf[T any](tx *Tx) *Query {
	m, err := modelOf[T](tx.db)
	if err != nil {
		q := tx.Query("")
		q.err = fmt.Errorf("query: %w", err)
		return q
	}
	return tx.Query(m.table)
}

// All runs a query and returns its rows as objects of a registered type,
// with the relation fields the query prefetched filled in, all the way
// down the prefetch paths. Objects are shared: a tag of 500 books is one
// *Tag.
func All[T any](q *Query) ([]*T, error) {
	if err := q.tx.live(); err != nil {
		// A query kept past its View may refer to endedTx, which has no
		// database to find the model in.
		return nil, err
	}
	m, err := modelOf[T](q.tx.db)
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	if q.err == nil && q.table != m.table {
		return nil, fmt.Errorf("query %s: %w: type %v maps table %q", q.table, ErrSchema, m.typ, m.table)
	}
	return resultObjects[T](q, m)
}

// resultObjects runs a query and returns the objects of its rows, made
// from its result: the records All would make for them are not needed.
func resultObjects[T any](q *Query, m *model) ([]*T, error) {
	res, err := q.collect()
	if err != nil {
		return nil, err
	}
	out := make([]*T, len(res.rows))
	if len(out) == 0 {
		return out, nil
	}
	b, err := q.tx.bind(m)
	if err != nil {
		return nil, err
	}
	// A *T is laid out as an unsafe.Pointer.
	dst := unsafe.Slice((*unsafe.Pointer)(unsafe.Pointer(unsafe.SliceData(out))), len(out))
	if err := q.tx.objects(b, res, dst); err != nil {
		return nil, err
	}
	return out, nil
}

// Find returns the objects of a registered type whose rows match conds.
func Find[T any](tx *Tx, conds ...Cond) ([]*T, error) {
	m, err := modelOf[T](tx.db)
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	return resultObjects[T](tx.Query(m.table).Where(conds...), m)
}

// Related returns the objects related to v by the named relation, as
// Record.Related: prefetched ones without a load, else by v's fetch mode.
// U is the related type: engine.Related[Book](tx, author, "books").
// Like every typed call it uses the transaction's identity map, so it
// belongs to the transaction's goroutine, even after the transaction ends.
func Related[U, T any](tx *Tx, v *T, name string) ([]*U, error) {
	b, rv, err := typed(tx, v)
	if err != nil {
		return nil, fmt.Errorf("related %s: %w", name, err)
	}
	um, err := modelOf[U](tx.db)
	if err != nil {
		return nil, fmt.Errorf("related %s: %w", name, err)
	}
	rel, err := tx.resolve(b.d, name)
	if err != nil {
		return nil, err
	}
	if to, _, err := tx.target(rel); err != nil || to.Name != um.table {
		return nil, fmt.Errorf("related %s: %w: type %v maps table %q, not the relation's", rel.key, ErrSchema, um.typ, um.table)
	}
	r, err := tx.recordOf(b, unsafe.Pointer(v), rv)
	if err != nil {
		return nil, fmt.Errorf("related %s: %w", rel.key, err)
	}
	recs, err := r.relatedVia(name, rel) // recordOf's record is of table b.d, which rel was resolved from
	if err != nil {
		return nil, err
	}
	return objectsOf[U](tx, um, recs)
}
