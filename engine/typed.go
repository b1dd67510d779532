package engine

import (
	"cmp"
	"context"
	"fmt"
	"reflect"
	"slices"
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
	kind   reflect.Kind // of the field, pointer removed
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
	if got, loaded := db.models.LoadOrStore(typ, m); loaded && got.(*model).table != table {
		return fmt.Errorf("register %v: %w: already mapped to table %q", typ, ErrExists, got.(*model).table)
	}
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
		c.kind = ft.Kind()
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
	m, ok := db.models.Load(typ)
	if !ok {
		return nil, fmt.Errorf("%w: type %v is not registered (engine.Register)", ErrSchema, typ)
	}
	return m.(*model), nil
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

// modelState is a transaction's identity map: each stored row is one
// object per transaction and type. Every part is made when first needed:
// a transaction that reads one object (a point get) makes none of them.
type modelState struct {
	// one is the first object made from a single row while nothing else
	// is in the map; a second one moves it into objs and recs (spill).
	// written are the objects written (Insert, Update), waiting likewise
	// until a read needs the maps: a word per row, in step with the loose
	// results that hold the rows written.
	one     looseObj
	written []writtenObjs
	// objs maps a stored row (its first value's address identifies the
	// row version) to its object, per model; recs maps an object back to
	// the record it was made from.
	//
	// While a model's objects all come from one result, the result's own
	// objs are the identity map and objs has no entry: sole names that
	// result. The map is built when a second result or a single row of
	// the model is met.
	objs map[*model]map[*any]unsafe.Pointer
	sole []soleResult
	// blocks finds the record of an object made from a result: objects
	// are allocated in one block per result. Blocks are appended as they
	// are made and sorted by address when an object is looked up
	// (sorted says how many are in order). recs holds the rest: objects
	// made one at a time or written.
	blocks []objBlock
	sorted int
	recs   map[unsafe.Pointer]Record
}

// firstResults is the first storage of a modelState's blocks and sole,
// made with the first result's objects: a transaction that reads a result
// or two needs no more, and one that reads single rows needs none.
type firstResults struct {
	blocks [2]objBlock
	sole   [2]soleResult
}

// looseObj is an object made from one row, of model m, whose row's first
// value is at key, read as r.
type looseObj struct {
	m   *model
	key *any
	p   unsafe.Pointer
	r   Record
}

// writtenObjs are objects of model m written in a transaction whose
// stored rows are in the loose result res: objs[at] is the object of row
// at, or nil for a row no object of m wrote.
type writtenObjs struct {
	m    *model
	res  *result
	objs []unsafe.Pointer
}

// objBlock is the objects made from rows of one result, in one array:
// object i is row at[i] of res, or row i when at is nil.
type objBlock struct {
	base unsafe.Pointer // the array; keeps it alive while the tx lives
	size uintptr        // of one object
	n    int            // objects in the array
	def  *catalog.Table
	res  *result
	at   []int
}

// soleResult is the one result a model's objects all come from so far,
// with those objects by position.
type soleResult struct {
	m    *model
	res  *result
	objs []unsafe.Pointer
}

// empty reports whether no object has been made.
func (ms *modelState) empty() bool {
	return ms.one.m == nil && len(ms.written) == 0 && ms.objs == nil && len(ms.sole) == 0 && len(ms.blocks) == 0 && ms.recs == nil
}

// spill moves the objects in ms.one and ms.written into the maps.
func (ms *modelState) spill() {
	if ms.one.m == nil && len(ms.written) == 0 {
		return
	}
	one, written := ms.one, ms.written
	ms.one, ms.written = looseObj{}, nil
	if one.m != nil {
		ms.identities(one.m)[one.key] = one.p
		ms.remember(one.p, one.r)
	}
	// In the order written: a later version of an object's row replaces
	// the earlier one as its record.
	for _, w := range written {
		ids := ms.identities(w.m)
		for at, p := range w.objs {
			if p != nil {
				ids[&w.res.rows[at][0]] = p
				ms.remember(p, Record{res: w.res, at: at})
			}
		}
	}
}

// remember notes the record an object stands for.
func (ms *modelState) remember(p unsafe.Pointer, r Record) {
	if ms.recs == nil {
		ms.recs = map[unsafe.Pointer]Record{}
	}
	ms.recs[p] = r
}

// recordOfObject returns the record an object was made from or written
// as in this transaction.
func (ms *modelState) recordOfObject(p unsafe.Pointer) (Record, bool) {
	if ms.one.m != nil && ms.one.p == p {
		return ms.one.r, true
	}
	ms.spill()
	if r, ok := ms.recs[p]; ok {
		return r, true
	}
	if ms.sorted < len(ms.blocks) {
		slices.SortFunc(ms.blocks, func(a, b objBlock) int { return cmp.Compare(uintptr(a.base), uintptr(b.base)) })
		ms.sorted = len(ms.blocks)
	}
	// The last block that starts at or before p.
	i, _ := slices.BinarySearchFunc(ms.blocks, uintptr(p), func(b objBlock, t uintptr) int {
		if uintptr(b.base) <= t {
			return -1
		}
		return 1
	})
	if i == 0 {
		return Record{}, false
	}
	found := &ms.blocks[i-1]
	off := uintptr(p) - uintptr(found.base)
	k := int(off / found.size)
	if k >= found.n || off%found.size != 0 {
		return Record{}, false
	}
	if found.at != nil {
		k = found.at[k]
	}
	return Record{res: found.res, at: k}, true
}

// modelState returns the transaction's identity map, made on first use.
func (tx *Tx) modelState() *modelState {
	if tx.models == nil {
		tx.models = &modelState{}
	}
	return tx.models
}

// soleOf returns where m's sole result is in ms.sole, or -1. A
// transaction uses few models: a short list beats a map.
func (ms *modelState) soleOf(m *model) int {
	for i := range ms.sole {
		if ms.sole[i].m == m {
			return i
		}
	}
	return -1
}

// identities returns a model's identity map, building it from its sole
// result if there is one.
func (ms *modelState) identities(m *model) map[*any]unsafe.Pointer {
	ms.spill()
	ids := ms.objs[m]
	if ids != nil {
		return ids
	}
	if i := ms.soleOf(m); i >= 0 {
		sole := ms.sole[i]
		ids = make(map[*any]unsafe.Pointer, len(sole.res.rows))
		for at, row := range sole.res.rows {
			ids[&row[0]] = sole.objs[at]
		}
		ms.sole = slices.Delete(ms.sole, i, i+1)
	} else {
		ids = map[*any]unsafe.Pointer{}
	}
	if ms.objs == nil {
		ms.objs = map[*model]map[*any]unsafe.Pointer{}
	}
	ms.objs[m] = ids
	return ids
}

// objectOfRecord returns the object of one record, making it the first
// time its row is met. A record of a result of several rows makes the
// objects of the whole result (objects).
func (tx *Tx) objectOfRecord(b *binding, r Record) (unsafe.Pointer, error) {
	if !r.res.loose {
		objs, err := tx.objects(b, r.res)
		if err != nil {
			return nil, err
		}
		return objs[r.at], nil
	}
	ms := tx.modelState()
	vals := r.vals()
	key := &vals[0]
	if ms.one.m == b.m && ms.one.key == key {
		return ms.one.p, nil
	}
	var ids map[*any]unsafe.Pointer
	if !ms.empty() {
		ids = ms.identities(b.m)
		if p, ok := ids[key]; ok {
			return p, nil
		}
	}
	p := reflect.New(b.m.typ).UnsafePointer()
	if err := b.set(p, vals); err != nil {
		return nil, err
	}
	if ids == nil {
		ms.one = looseObj{m: b.m, key: key, p: p, r: r}
		return p, nil
	}
	ids[key] = p
	ms.remember(p, r)
	return p, nil
}

// objects returns the objects of every row of a result, by position,
// making those of rows met for the first time — in one allocation — and
// filling relation fields from the relations loaded for the result, level
// by level down a prefetch: a relation's objects are made once for the
// level, and each row's slice is a window on one shared array. A field
// already set (an object made earlier, from another result) is kept.
func (tx *Tx) objects(b *binding, res *result) ([]unsafe.Pointer, error) {
	if objs := res.objectsOf(b.m); objs != nil {
		return objs, nil
	}
	ms := tx.modelState()
	ms.spill()
	if cap(ms.blocks) == 0 {
		f := new(firstResults)
		ms.blocks, ms.sole = f.blocks[:0], f.sole[:0]
	}
	objs := make([]unsafe.Pointer, len(res.rows))
	var fresh []int
	var ids map[*any]unsafe.Pointer
	first := ms.objs[b.m] == nil && ms.soleOf(b.m) < 0
	n := len(res.rows)
	if !first {
		ids = ms.identities(b.m)
		for at, row := range res.rows {
			if p, ok := ids[&row[0]]; ok {
				objs[at] = p
			} else {
				fresh = append(fresh, at)
			}
		}
		n = len(fresh)
	}
	// The model's first result: every row is new (a result holds each
	// row once), fresh stays nil for "every row, in order", and its
	// objects serve as the identity map until another result comes.
	if n > 0 {
		size := b.m.typ.Size()
		block := b.m.newArray(n)
		for i := range n {
			at := i
			if fresh != nil {
				at = fresh[i]
			}
			p := unsafe.Add(block, uintptr(i)*size)
			if err := b.set(p, res.rows[at]); err != nil {
				return nil, err // nothing is registered: the objects are garbage
			}
			objs[at] = p
		}
		if size > 0 {
			ms.blocks = append(ms.blocks, objBlock{base: block, size: size, n: n, def: b.d, res: res, at: fresh})
		}
		if ids != nil {
			for _, at := range fresh {
				ids[&res.rows[at][0]] = objs[at]
			}
		}
	}
	if first {
		ms.sole = append(ms.sole, soleResult{m: b.m, res: res, objs: objs})
	}
	res.extra().addTyped(typedObjs{m: b.m, objs: objs})
	for _, rel := range b.m.rels {
		if l := res.rels.get(rel.name); l != nil {
			l.markUsed(tx)
			if err := tx.fillRelation(b, rel, l, objs); err != nil {
				return nil, err
			}
		}
	}
	return objs, nil
}

// typedObjs are the objects of a result's rows for one model.
type typedObjs struct {
	m    *model
	objs []unsafe.Pointer
}

// objectsOf returns the objects made of the result's rows for m, or nil.
func (res *result) objectsOf(m *model) []unsafe.Pointer {
	if res.more == nil {
		return nil
	}
	more := res.more
	if more.typed1.m == m {
		return more.typed1.objs
	}
	for _, t := range more.typed {
		if t.m == m {
			return t.objs
		}
	}
	return nil
}

// fillRelation sets a relation field of a result's objects, where it is
// not set yet, from the relation loaded for the result.
func (tx *Tx) fillRelation(b *binding, rel modelRel, l *loaded, objs []unsafe.Pointer) error {
	field := b.m.typ.Field(rel.field)
	um, ok := tx.db.models.Load(rel.elem)
	if !ok {
		return fmt.Errorf("%v field %s: %w: type %v is not registered (engine.Register)", b.m.typ, field.Name, ErrSchema, rel.elem)
	}
	if to, _, err := tx.target(l.rel); err != nil || to.Name != um.(*model).table {
		return fmt.Errorf("%v field %s: %w: relation %s does not lead to table %q of type %v", b.m.typ, field.Name, ErrSchema, l.rel.key, um.(*model).table, rel.elem)
	}
	ub, err := tx.bind(um.(*model))
	if err != nil {
		return err
	}
	targets, err := tx.objects(ub, l.next)
	if err != nil {
		return err
	}
	off := field.Offset
	if !rel.many {
		for at, p := range objs {
			f := (*unsafe.Pointer)(unsafe.Add(p, off))
			if l.count[at] > 0 && *f == nil {
				*f = targets[l.ats[l.start[at]]]
			}
		}
		return nil
	}
	// One array of pointers in the order of l.ats; a []*U field is laid
	// out as a []unsafe.Pointer.
	flat := make([]unsafe.Pointer, len(l.ats))
	for j, at := range l.ats {
		flat[j] = targets[at]
	}
	for at, p := range objs {
		f := (*[]unsafe.Pointer)(unsafe.Add(p, off))
		if n := int(l.count[at]); n > 0 && len(*f) == 0 {
			s := int(l.start[at])
			*f = flat[s : s+n : s+n]
		}
	}
	return nil
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
	return setField(reflect.NewAt(c.typ, p).Elem(), *c, v)
}

// setField stores a column value into a field.
func setField(f reflect.Value, c modelCol, v any) error {
	if v == nil {
		if c.ptr {
			f.SetZero()
			return nil
		}
		return fmt.Errorf("%w: NULL into a field that is not a pointer", ErrType)
	}
	if c.ptr {
		p := reflect.New(f.Type().Elem())
		f.Set(p)
		f = p.Elem()
	}
	switch x := v.(type) {
	case int64:
		switch c.kind {
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			if x < 0 || f.OverflowUint(uint64(x)) {
				return fmt.Errorf("%w: %d overflows %v", ErrType, x, f.Type())
			}
			f.SetUint(uint64(x))
		default:
			if f.OverflowInt(x) {
				return fmt.Errorf("%w: %d overflows %v", ErrType, x, f.Type())
			}
			f.SetInt(x)
		}
	case float64:
		f.SetFloat(x)
	case string:
		f.SetString(x)
	case bool:
		f.SetBool(x)
	case []byte:
		f.SetBytes(append([]byte(nil), x...))
	case time.Time:
		f.Set(reflect.ValueOf(x))
	case *apd.Decimal:
		if f.Kind() == reflect.Pointer {
			f.Set(reflect.ValueOf(new(apd.Decimal).Set(x)))
		} else {
			f.Set(reflect.ValueOf(*new(apd.Decimal).Set(x)))
		}
	default:
		return fmt.Errorf("%w: stored %T", ErrType, v)
	}
	return nil
}

// row renders an object's column fields as a Row; omitAuto leaves out a
// zero auto-increment key, so that the table's sequence fills it.
func (b *binding) row(v reflect.Value, omitAuto bool) Row {
	row := make(Row, len(b.m.cols))
	for i, c := range b.m.cols {
		f := v.Field(c.field)
		if c.ptr {
			if f.IsNil() {
				row[c.name] = nil
				continue
			}
			f = f.Elem()
		}
		if omitAuto && b.pos[i] == b.d.AutoInc && f.IsZero() {
			continue
		}
		row[c.name] = f.Interface()
	}
	return row
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
		f := v.Field(c.field)
		pos := b.pos[i]
		if c.ptr {
			if f.IsNil() {
				vals[pos] = nil
				continue
			}
			f = f.Elem()
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
	r, err := tx.Update(b.m.table, old.ID(), b.row(rv, false))
	if err != nil {
		return err
	}
	tx.wrote(b, unsafe.Pointer(v), r, true)
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
	r, err := tx.Get(m.table, key)
	if err != nil {
		return nil, err
	}
	return objectOf[T](tx, m, r)
}

func objectOf[T any](tx *Tx, m *model, r Record) (*T, error) {
	b, err := tx.bind(m)
	if err != nil {
		return nil, err
	}
	p, err := tx.objectOfRecord(b, r)
	if err != nil {
		return nil, err
	}
	return (*T)(p), nil
}

// objectsOf returns the objects of records that share one result.
func objectsOf[T any](tx *Tx, m *model, recs []Record) ([]*T, error) {
	out := make([]*T, len(recs))
	if len(recs) == 0 {
		return out, nil
	}
	b, err := tx.bind(m)
	if err != nil {
		return nil, err
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

// QueryOf starts a query on the table of a registered type; run it with
// All. An unregistered type makes the query fail with ErrSchema.
func QueryOf[T any](tx *Tx) *Query {
	m, err := modelOf[T](tx.db)
	if err != nil {
		return &Query{tx: tx, err: fmt.Errorf("query: %w", err), limit: -1}
	}
	return tx.Query(m.table)
}

// All runs a query and returns its rows as objects of a registered type,
// with the relation fields the query prefetched filled in, all the way
// down the prefetch paths. Objects are shared: a tag of 500 books is one
// *Tag.
func All[T any](q *Query) ([]*T, error) {
	m, err := modelOf[T](q.tx.db)
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	if q.err == nil && q.table != m.table {
		return nil, fmt.Errorf("query %s: %w: type %v maps table %q", q.table, ErrSchema, m.typ, m.table)
	}
	recs, err := q.All()
	if err != nil {
		return nil, err
	}
	return objectsOf[T](q.tx, m, recs)
}

// Find returns the objects of a registered type whose rows match conds.
func Find[T any](tx *Tx, conds ...Cond) ([]*T, error) {
	return All[T](QueryOf[T](tx).Where(conds...))
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
	recs, err := r.Related(name)
	if err != nil {
		return nil, err
	}
	return objectsOf[U](tx, um, recs)
}
