package engine

import (
	"fmt"
	"slices"
	"unsafe"

	"github.com/reldb/reldb/internal/catalog"
)

// This file holds the typed API's identity map: within a transaction a
// stored row version is one object per model, however it is reached (Get,
// a query, a relation, a prefetch), and each object knows the record it
// stands for (Update, Delete, Related).
//
// Invariant: every row and object the map refers to is kept alive by the
// map itself: an object made from a result lives in a block that holds
// the result, one made from a single row or written is kept with its
// record. So the address of a row's first value names the row for as long
// as the transaction's map lives, and rowObjects may key on it as a
// number.

// modelState is a transaction's identity map. Every part is made when
// first needed: a transaction that reads one object (a point get) makes
// none (Tx.one), one that reads one result's objects (a query) only the
// few words of one.
type modelState struct {
	// one is what the first typed read made while nothing else is in the
	// map: one object made from a single row, or the block of a result's
	// objects (see looseObj). Anything more moves it into the maps
	// (spill).
	one looseObj
	// maps holds the rest, made with the second read or the first write.
	*modelMaps
}

// modelMaps is the part of a modelState that a transaction of one object
// does without.
type modelMaps struct {
	// written are the objects written (Insert, Update), waiting like one
	// until a read needs the maps: a word per row, in step with the loose
	// results that hold the rows written.
	written []writtenObjs
	// ids is the identity table of each model that has one. While a
	// model's objects all come from one result, that result's block is
	// its identity map and it has no table: sole names the block. The
	// table is built when a second result or a single row of the model
	// is met.
	ids  []modelIDs
	sole []soleResult
	// blocks finds the record of an object made from a result: objects
	// are allocated in one block per result, kept in address order. recs
	// holds the rest: objects made one at a time or written.
	blocks []objBlock
	recs   map[unsafe.Pointer]Record
	// canon names the rows of tables whose trees make them anew on
	// every read (catalog.Table.KeysOnly): by table and primary key,
	// the first address met for the row (see rowKey).
	canon map[string]*any
}

// rowKey returns the address that names row, a stored row of table d, in
// the identity map: its first value's. A table of keys alone makes its
// rows from their keys on every read (index.NewDerivedTree), so a row
// read twice is two copies: its name is the first copy's address met in
// the transaction, which canon keeps alive.
func (ms *modelState) rowKey(d *catalog.Table, row []any) *any {
	if !d.KeysOnly() {
		return &row[0]
	}
	mm := ms.maps()
	k := d.Name + "\x00" + string(d.PKKey(row))
	if p, ok := mm.canon[k]; ok {
		return p
	}
	if mm.canon == nil {
		mm.canon = map[string]*any{}
	}
	mm.canon[k] = &row[0]
	return &row[0]
}

// maps returns ms.modelMaps, made on first use.
func (ms *modelState) maps() *modelMaps {
	if ms.modelMaps == nil {
		ms.modelMaps = &modelMaps{}
	}
	return ms.modelMaps
}

// firstResults is the first storage of a modelState's blocks and sole,
// made with the maps when a result's block moves into them (withFirst):
// a transaction that reads single rows needs none.
type firstResults struct {
	blocks [1]objBlock
	sole   [1]soleResult
}

type withFirst struct {
	maps  modelMaps
	first firstResults
}

// looseObj is the first object of model m made in a transaction: made
// from one row, whose first value is at key, read as r; or, when key is
// nil, the block of objects made from every row of the result r.res, in
// order, the first at p.
type looseObj struct {
	m   *model
	key *any
	p   unsafe.Pointer
	r   Record
}

// isBlock reports whether o is a result's block of objects.
func (o *looseObj) isBlock() bool { return o.m != nil && o.key == nil }

// block returns the block of objects o stands for.
//
// REQUIRES: o.isBlock().
func (o *looseObj) block() objBlock {
	return objBlock{base: o.p, size: o.m.typ.Size(), res: o.r.res}
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
	res  *result
	at   []int
}

// len returns the number of objects in the block.
func (blk *objBlock) len() int {
	if blk.at != nil {
		return len(blk.at)
	}
	return len(blk.res.rows)
}

// object returns the block's object i.
func (blk *objBlock) object(i int) unsafe.Pointer {
	return unsafe.Add(blk.base, uintptr(i)*blk.size)
}

// soleResult is the one result a model's objects all come from so far:
// its block holds the object of every row, in order.
type soleResult struct {
	m     *model
	block objBlock
}

// modelIDs is a model's identity table.
type modelIDs struct {
	m   *model
	ids *rowObjects
}

// empty reports whether no object has been made.
func (ms *modelState) empty() bool {
	mm := ms.modelMaps
	return ms.one.m == nil && (mm == nil || len(mm.written) == 0 && len(mm.ids) == 0 && len(mm.sole) == 0 && len(mm.blocks) == 0 && mm.recs == nil)
}

// spill moves the objects in ms.one and ms.written into the maps.
func (ms *modelState) spill() {
	if ms.one.m == nil && (ms.modelMaps == nil || len(ms.written) == 0) {
		return
	}
	if ms.one.isBlock() && ms.modelMaps == nil {
		w := new(withFirst)
		w.maps.blocks, w.maps.sole = w.first.blocks[:0], w.first.sole[:0]
		ms.modelMaps = &w.maps
	}
	mm := ms.maps()
	one, written := ms.one, mm.written
	ms.one, mm.written = looseObj{}, nil
	switch {
	case one.isBlock():
		// The model's first result, whose block serves as its identity
		// map until another result comes.
		blk := one.block()
		ms.addBlock(blk)
		ms.sole = append(ms.sole, soleResult{m: one.m, block: blk})
	case one.m != nil:
		ms.identities(one.m).put(one.key, one.p)
		ms.remember(one.p, one.r)
	}
	// In the order written: a later version of an object's row replaces
	// the earlier one as its record.
	for _, w := range written {
		ids := ms.identities(w.m)
		for at, p := range w.objs {
			if p != nil {
				ids.put(ms.rowKey(w.res.def, w.res.rows[at]), p)
				ms.remember(p, Record{res: w.res, at: at})
			}
		}
	}
}

// remember notes the record an object stands for.
func (ms *modelState) remember(p unsafe.Pointer, r Record) {
	ms.maps()
	if ms.recs == nil {
		ms.recs = map[unsafe.Pointer]Record{}
	}
	ms.recs[p] = r
}

// addBlock adds a result's block of objects, in address order: blocks are
// mostly allocated at rising addresses, so this is mostly an append.
func (ms *modelState) addBlock(blk objBlock) {
	ms.maps()
	if cap(ms.blocks) == 0 {
		f := new(firstResults)
		ms.blocks, ms.sole = f.blocks[:0], f.sole[:0]
	}
	i := len(ms.blocks)
	for i > 0 && uintptr(ms.blocks[i-1].base) > uintptr(blk.base) {
		i--
	}
	ms.blocks = slices.Insert(ms.blocks, i, blk)
}

// recordOfObject returns the record an object was made from or written
// as in this transaction.
func (ms *modelState) recordOfObject(p unsafe.Pointer) (Record, bool) {
	// An object written since it was read stands for the version written
	// (spill), not for ms.one's record.
	if ms.modelMaps == nil || len(ms.written) == 0 {
		switch {
		case ms.one.isBlock():
			if blk := ms.one.block(); blk.contains(p) {
				return blk.recordOf(p), true
			}
		case ms.one.m != nil && ms.one.p == p:
			return ms.one.r, true
		}
		if ms.modelMaps == nil {
			return Record{}, false // nothing else is in the map
		}
	}
	ms.spill()
	if r, ok := ms.recs[p]; ok {
		return r, true
	}
	// The last block that starts at or before p.
	i, _ := slices.BinarySearchFunc(ms.blocks, uintptr(p), func(b objBlock, t uintptr) int {
		if uintptr(b.base) <= t {
			return -1
		}
		return 1
	})
	if i == 0 || !ms.blocks[i-1].contains(p) {
		return Record{}, false
	}
	return ms.blocks[i-1].recordOf(p), true
}

// contains reports whether p is one of the block's objects.
func (blk *objBlock) contains(p unsafe.Pointer) bool {
	if uintptr(p) < uintptr(blk.base) {
		return false
	}
	off := uintptr(p) - uintptr(blk.base)
	return off/blk.size < uintptr(blk.len()) && off%blk.size == 0
}

// recordOf returns the record of the block's object at p.
//
// REQUIRES: blk.contains(p).
func (blk *objBlock) recordOf(p unsafe.Pointer) Record {
	k := int((uintptr(p) - uintptr(blk.base)) / blk.size)
	if blk.at != nil {
		k = blk.at[k]
	}
	return Record{res: blk.res, at: k}
}

// modelState returns the transaction's identity map, made on first use.
func (tx *Tx) modelState() *modelState {
	if tx.models == nil {
		tx.models = &modelState{}
		if one := tx.one; one.m != nil {
			tx.one = oneObject{}
			r := tx.looseRecord(one.d, one.row)
			tx.models.one = looseObj{m: one.m, key: tx.models.rowKey(one.d, one.row), p: one.p, r: r}
		}
	}
	return tx.models
}

// soleOf returns where m's sole result is in ms.sole, or -1. A
// transaction uses few models: a short list beats a map.
func (ms *modelState) soleOf(m *model) int {
	if ms.modelMaps == nil {
		return -1
	}
	for i := range ms.sole {
		if ms.sole[i].m == m {
			return i
		}
	}
	return -1
}

// idsOf returns m's identity table, or nil if it has none yet.
func (ms *modelState) idsOf(m *model) *rowObjects {
	if ms.modelMaps == nil {
		return nil
	}
	for i := range ms.ids {
		if ms.ids[i].m == m {
			return ms.ids[i].ids
		}
	}
	return nil
}

// identities returns a model's identity table, building it from its sole
// result if there is one.
func (ms *modelState) identities(m *model) *rowObjects {
	ms.spill()
	if ids := ms.idsOf(m); ids != nil {
		return ids
	}
	ids := new(rowObjects)
	if i := ms.soleOf(m); i >= 0 {
		blk := &ms.sole[i].block
		ids.grow(blk.len())
		for at, row := range blk.res.rows {
			ids.put(ms.rowKey(blk.res.def, row), blk.object(at))
		}
		ms.sole = slices.Delete(ms.sole, i, i+1)
	}
	mm := ms.maps()
	mm.ids = append(mm.ids, modelIDs{m: m, ids: ids})
	return ids
}

// lookup returns the object of model m made from the row at &row[0], if
// there is one.
func (ms *modelState) lookup(m *model, res *result, at int) (unsafe.Pointer, bool) {
	if ms.one.m == m {
		if ms.one.isBlock() {
			if ms.one.r.res == res {
				blk := ms.one.block()
				return blk.object(at), true
			}
		} else if ms.one.key == ms.rowKey(res.def, res.rows[at]) {
			return ms.one.p, true
		}
	}
	ms.spill()
	if ids := ms.idsOf(m); ids != nil {
		return ids.get(ms.rowKey(res.def, res.rows[at]))
	}
	if i := ms.soleOf(m); i >= 0 && ms.sole[i].block.res == res {
		return ms.sole[i].block.object(at), true
	}
	return nil, false
}

// rowObjects is an identity table: stored rows, by the address of their
// first value, to objects. Open addressing with linear probing over a
// power-of-two array; the keys are numbers the collector does not scan
// (the rows are kept alive elsewhere, see the file's invariant), so a
// table of many rows costs the collector only its objects.
type rowObjects struct {
	keys []uintptr // 0 is a free slot
	objs []unsafe.Pointer
	n    int
	mask uintptr
}

// slot returns the first slot to probe for key k: Fibonacci hashing of
// the address, whose low bits are always zero.
func (t *rowObjects) slot(k uintptr) uintptr {
	return (k * 0x9E3779B97F4A7C15 >> 32) & t.mask
}

func (t *rowObjects) get(row *any) (unsafe.Pointer, bool) {
	if t.n == 0 {
		return nil, false
	}
	k := uintptr(unsafe.Pointer(row))
	for i := t.slot(k); ; i = (i + 1) & t.mask {
		switch t.keys[i] {
		case k:
			return t.objs[i], true
		case 0:
			return nil, false
		}
	}
}

// put makes p the object of row.
func (t *rowObjects) put(row *any, p unsafe.Pointer) {
	if 4*(t.n+1) > 3*len(t.keys) {
		t.grow(t.n + 1)
	}
	t.insert(uintptr(unsafe.Pointer(row)), p)
}

func (t *rowObjects) insert(k uintptr, p unsafe.Pointer) {
	i := t.slot(k)
	for t.keys[i] != 0 && t.keys[i] != k {
		i = (i + 1) & t.mask
	}
	if t.keys[i] == 0 {
		t.n++
	}
	t.keys[i], t.objs[i] = k, p
}

// grow makes room for n rows without growing again.
func (t *rowObjects) grow(n int) {
	size := max(16, len(t.keys))
	for 4*n > 3*size {
		size *= 2
	}
	if size == len(t.keys) {
		return
	}
	keys, objs := t.keys, t.objs
	t.keys, t.objs, t.n, t.mask = make([]uintptr, size), make([]unsafe.Pointer, size), 0, uintptr(size-1)
	for i, k := range keys {
		if k != 0 {
			t.insert(k, objs[i])
		}
	}
}

// oneObject is the object p of model m made from row, a stored row of
// table d, kept by the Tx itself while it has no identity map: a typed
// point read allocates its object and nothing else. The row's record, a
// loose one, is made only if the transaction goes on to need the map
// (Tx.modelState).
type oneObject struct {
	m   *model
	p   unsafe.Pointer
	d   *catalog.Table
	row []any
}

// firstObject makes a new object of b's model from row, a stored row of
// table d, the transaction's one object (Tx.one).
//
// REQUIRES: tx.models == nil && tx.one.m == nil.
func (tx *Tx) firstObject(b *binding, d *catalog.Table, row []any) (unsafe.Pointer, error) {
	p := b.m.newArray(1)
	if err := b.set(p, row); err != nil {
		return nil, err // nothing refers to p: it is garbage
	}
	tx.one = oneObject{m: b.m, p: p, d: d, row: row}
	return p, nil
}

// objectOfRecord returns the object of one record, making it the first
// time its row is met. A record of a result of several rows makes the
// objects of every row of the result met for the first time (objects).
func (tx *Tx) objectOfRecord(b *binding, r Record) (unsafe.Pointer, error) {
	ms := tx.modelState()
	if !r.res.loose {
		if p, ok := ms.lookup(b.m, r.res, r.at); ok {
			return p, nil
		}
		objs := make([]unsafe.Pointer, len(r.res.rows))
		if err := tx.objects(b, r.res, objs); err != nil {
			return nil, err
		}
		return objs[r.at], nil
	}
	vals := r.vals()
	key := ms.rowKey(r.res.def, vals)
	if ms.one.m == b.m && ms.one.key == key {
		return ms.one.p, nil
	}
	var ids *rowObjects
	if !ms.empty() {
		ids = ms.identities(b.m)
		if p, ok := ids.get(key); ok {
			return p, nil
		}
	}
	p := b.m.newArray(1)
	if err := b.set(p, vals); err != nil {
		return nil, err
	}
	if ids == nil {
		ms.one = looseObj{m: b.m, key: key, p: p, r: r}
		return p, nil
	}
	ids.put(key, p)
	ms.remember(p, r)
	return p, nil
}

// objects sets dst[at] to the object of row at of res, for every row,
// making those of rows met for the first time — in one allocation — and
// filling relation fields from the relations loaded for the result, level
// by level down a prefetch: a relation's objects are made once for the
// level, and each row's slice is a window on one shared array. A field
// already set (an object made earlier, from another result) is kept.
//
// REQUIRES: len(dst) == len(res.rows).
func (tx *Tx) objects(b *binding, res *result, dst []unsafe.Pointer) error {
	ms := tx.modelState()
	if ms.one.isBlock() && ms.one.m == b.m && ms.one.r.res == res {
		// The first result again: its block holds every object.
		blk := ms.one.block()
		for at := range dst {
			dst[at] = blk.object(at)
		}
		return tx.fillRelations(b, res, dst)
	}
	if ms.empty() && len(res.rows) > 0 {
		// The transaction's first typed read: the result's block is all
		// the identity map there is, and waits in ms.one (spill).
		base := b.m.newArray(len(res.rows))
		blk := objBlock{base: base, size: b.m.typ.Size(), res: res}
		for at := range dst {
			p := blk.object(at)
			if err := b.set(p, res.rows[at]); err != nil {
				return err // nothing is registered: the objects are garbage
			}
			dst[at] = p
		}
		ms.one = looseObj{m: b.m, p: base, r: Record{res: res}}
		return tx.fillRelations(b, res, dst)
	}
	ms.spill()
	ids := ms.idsOf(b.m)
	sole := -1
	if ids == nil {
		sole = ms.soleOf(b.m)
	}
	// n rows are new, all of them unless the model has objects already;
	// fresh lists them when only some are (nil for every row, in order).
	n := len(res.rows)
	var fresh []int
	switch {
	case sole >= 0 && ms.sole[sole].block.res == res:
		// The sole result again: its block holds every object.
		blk := &ms.sole[sole].block
		for at := range dst {
			dst[at] = blk.object(at)
		}
		n = 0
	case sole >= 0:
		ids = ms.identities(b.m)
	}
	if ids != nil {
		n = 0
		for at, row := range res.rows {
			p, ok := ids.get(ms.rowKey(res.def, row))
			dst[at] = p
			if !ok {
				n++
			}
		}
		if n > 0 && n < len(res.rows) {
			fresh = make([]int, 0, n)
			for at, p := range dst {
				if p == nil {
					fresh = append(fresh, at)
				}
			}
		}
	}
	if n > 0 {
		blk := objBlock{base: b.m.newArray(n), size: b.m.typ.Size(), res: res, at: fresh}
		for i := range n {
			at := i
			if fresh != nil {
				at = fresh[i]
			}
			p := blk.object(i)
			if err := b.set(p, res.rows[at]); err != nil {
				return err // nothing is registered: the objects are garbage
			}
			dst[at] = p
		}
		ms.addBlock(blk)
		if ids != nil {
			for i := range n {
				at := i
				if fresh != nil {
					at = fresh[i]
				}
				ids.put(ms.rowKey(res.def, res.rows[at]), dst[at])
			}
		} else {
			// The model's first result: every row is new (a result
			// holds each row once), and its block serves as the
			// identity map until another result comes.
			ms.sole = append(ms.sole, soleResult{m: b.m, block: blk}) // addBlock made the maps
		}
	}
	return tx.fillRelations(b, res, dst)
}

// fillRelations fills the relation fields of a result's objects dst from
// the relations loaded for the result (see objects).
func (tx *Tx) fillRelations(b *binding, res *result, dst []unsafe.Pointer) error {
	for _, rel := range b.m.rels {
		if l := res.rels.get(rel.name); l != nil {
			l.markUsed(tx)
			if err := tx.fillRelation(b, rel, l, dst); err != nil {
				return err
			}
		}
	}
	return nil
}

// fillRelation sets a relation field of a result's objects, where it is
// not set yet, from the relation loaded for the result.
func (tx *Tx) fillRelation(b *binding, rel modelRel, l *loaded, objs []unsafe.Pointer) error {
	field := b.m.typ.Field(rel.field)
	um, ok := tx.db.model(rel.elem)
	if !ok {
		return fmt.Errorf("%v field %s: %w: type %v is not registered (engine.Register)", b.m.typ, field.Name, ErrSchema, rel.elem)
	}
	if to, _, err := tx.target(l.rel); err != nil || to.Name != um.table {
		return fmt.Errorf("%v field %s: %w: relation %s does not lead to table %q of type %v", b.m.typ, field.Name, ErrSchema, l.rel.key, um.table, rel.elem)
	}
	ub, err := tx.bind(um)
	if err != nil {
		return err
	}
	targets := make([]unsafe.Pointer, len(l.next.rows))
	if err := tx.objects(ub, l.next, targets); err != nil {
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
