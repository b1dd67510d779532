package engine

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/reldb/reldb/index"
	"github.com/reldb/reldb/internal/catalog"
	"github.com/reldb/reldb/relation"
	"github.com/reldb/reldb/txn"
)

// Insert adds a row to a table and returns it as stored: defaults filled in,
// an auto-increment key generated, values converted to their column types.
// Returns ErrNoTable, ErrNoColumn or ErrType for bad input and a
// *ConstraintError for ErrNotNull, ErrUnique (the primary key or a unique
// index) or ErrNumericOverflow; the transaction is unchanged then.
func (tx *Tx) Insert(table string, row Row) (Record, error) {
	if err := tx.writable(); err != nil {
		return Record{}, err
	}
	d, err := tx.table(table)
	if err != nil {
		return Record{}, fmt.Errorf("insert: %w", err)
	}
	vals, err := d.newRow(tx.rows.alloc(len(d.cols)), row)
	if err != nil {
		return Record{}, fmt.Errorf("insert into %s: %w", table, err)
	}
	mark := tx.t.Mark()
	pk, err := tx.insertRow(d, vals)
	if err != nil {
		tx.undo(mark)
		return Record{}, fmt.Errorf("insert into %s: %w", table, err)
	}
	for _, fk := range d.fks {
		if err := tx.checkParent(d, fk, vals); err != nil {
			tx.undo(mark)
			return Record{}, fmt.Errorf("insert into %s: %w", table, err)
		}
	}
	if len(d.refs) > 0 {
		tx.rememberParent(d, pk)
	}
	return tx.looseRecord(d, vals), nil
}

// newRow builds a stored row from an insert's values.
func (d *tableDef) newRow(vals []any, row Row) ([]any, error) {
	given := 0
	for i := range d.cols {
		c := &d.cols[i]
		v, ok := row[c.Name]
		if !ok {
			vals[i] = c.Default
			continue
		}
		given++
		cv, err := catalog.Coerce(c, v)
		if err != nil {
			return nil, err
		}
		vals[i] = cv
	}
	if given < len(row) {
		if err := d.unknownColumn(row); err != nil {
			return nil, err
		}
	}
	if d.autoInc >= 0 {
		if vals[d.autoInc] == nil {
			id, err := d.nextID()
			if err != nil {
				return nil, err
			}
			vals[d.autoInc] = id
		} else {
			d.advanceSeq(vals[d.autoInc].(int64))
		}
	}
	if err := d.checkNotNull(vals); err != nil {
		return nil, err
	}
	return vals, nil
}

// nextID takes the next value of the table's sequence. Like PostgreSQL's
// nextval it fails, with SQLSTATE 2200H, once the sequence is exhausted.
func (d *tableDef) nextID() (int64, error) {
	for {
		cur := d.seq.Load()
		if cur == math.MaxInt64 {
			return 0, &ConstraintError{Kind: ErrNumericOverflow, Table: d.name, Columns: []string{d.cols[d.autoInc].Name},
				SQLState: StateSequenceLimit, Detail: "the sequence reached its maximum value"}
		}
		if d.seq.CompareAndSwap(cur, cur+1) {
			return cur + 1, nil
		}
	}
}

// advanceSeq moves the sequence past an explicit key, so that generated
// keys never collide with it.
func (d *tableDef) advanceSeq(id int64) {
	for cur := d.seq.Load(); id > cur && !d.seq.CompareAndSwap(cur, id); cur = d.seq.Load() {
	}
}

// unknownColumn returns ErrNoColumn for the first (in name order) column of
// row that the table lacks.
func (d *tableDef) unknownColumn(row Row) error {
	var unknown []string
	for name := range row {
		if _, ok := d.colIdx[name]; !ok {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	return fmt.Errorf("%w: %q", ErrNoColumn, unknown[0])
}

func (d *tableDef) checkNotNull(vals []any) error {
	for i := range d.cols {
		if vals[i] == nil && d.cols[i].NotNull {
			return &ConstraintError{Kind: ErrNotNull, Table: d.name, Columns: []string{d.cols[i].Name},
				SQLState: StateNotNull, Detail: fmt.Sprintf("null value in column %q violates not-null constraint", d.cols[i].Name)}
		}
	}
	return nil
}

// insertRow stores a new row and its index entries and returns its
// primary key, immutable. On error the caller rolls back to its mark.
func (tx *Tx) insertRow(d *tableDef, vals []any) ([]byte, error) {
	tx.scratch = appendCols(tx.scratch[:0], vals, d.pk)
	key := tx.arena.own(tx.scratch)
	// Put first and look at what it replaced: one descent instead of a Get
	// and a Put. A duplicate is undone by the caller's rollback.
	pe := tx.rows.entry(key, vals)
	row := pe.Val // the box, shared by the index entries
	if _, existed := tx.t.PutEntry(d.primary, pe); existed {
		return nil, tx.duplicate(d, d.primary, key, d.uniqueError(d.pkName, d.pk, vals))
	}
	for _, ix := range d.indexes {
		// A unique index finds a duplicate the way the primary key does:
		// its key is the indexed values, so the put replaces it.
		ik := tx.indexKey(d, ix, vals, key)
		if _, existed := tx.t.Put(ix.tree, index.Entry{Key: ik, Val: row}); existed {
			return nil, tx.duplicate(d, ix.tree, ik, d.uniqueError(ix.name, ix.cols, vals))
		}
	}
	return key, nil
}

// indexKey returns a row's entry key in ix as an immutable key; pk is the
// row's primary key.
func (tx *Tx) indexKey(d *tableDef, ix *indexDef, vals []any, pk []byte) []byte {
	tx.scratch = d.appendIndexKey(tx.scratch[:0], ix, vals, pk)
	return tx.arena.own(tx.scratch)
}

// duplicate decides what a key found taken means. PostgreSQL checks
// uniqueness against committed rows, not against a snapshot: if the entry
// came from this transaction's snapshot and a transaction that committed
// since has removed or replaced it, the statement would succeed after that
// commit, so the answer is a retryable serialization conflict (40001), not
// a unique violation. Otherwise (the entry still stands, or this
// transaction wrote it) it is dup, the unique violation.
func (tx *Tx) duplicate(d *tableDef, id txn.TreeID, key []byte, dup error) error {
	snapTree := tx.t.Snapshot().Tree(id)
	if snapTree == nil {
		return dup // the tree is new in this transaction
	}
	seen, ok := snapTree.Get(key)
	if !ok {
		return dup // this transaction's own write
	}
	if latest := tx.db.oracle.Latest().Tree(id); latest != nil {
		if cur, ok := latest.Get(key); ok && sameRow(cur.Val, seen.Val) {
			return dup
		}
	}
	var ce *ConstraintError
	if errors.As(dup, &ce) {
		c := *ce
		c.Kind, c.SQLState = ErrConflict, StateSerialization
		c.Detail = "the row holding this key was changed by a transaction that committed after this one began; retry"
		return &c
	}
	return ErrConflict
}

func (d *tableDef) uniqueError(constraint string, cols []int, vals []any) error {
	names := d.colNames(cols)
	return &ConstraintError{Kind: ErrUnique, Constraint: constraint, Table: d.name, Columns: names,
		Key: catalog.RenderKey(names, pick(vals, cols)), SQLState: StateUnique, Detail: "duplicate key value violates unique constraint"}
}

// encodeKey encodes a primary key given by a caller (a bare value or a
// Key) into buf. It returns ok=false when a key column is NULL: no row
// has such a key.
func (d *tableDef) encodeKey(buf []byte, key any) (enc []byte, ok bool, err error) {
	if len(d.pk) == 1 {
		if k, composite := key.(Key); composite && len(k) == 1 {
			key = k[0]
		}
		return d.appendKeyValue(buf, 0, key)
	}
	parts, isKey := key.(Key)
	if !isKey || len(parts) != len(d.pk) {
		return nil, false, fmt.Errorf("%w: table %q has a %d-column primary key %v, got %v", ErrType, d.name, len(d.pk), d.colNames(d.pk), key)
	}
	enc = buf
	for i, v := range parts {
		if enc, ok, err = d.appendKeyValue(enc, i, v); !ok || err != nil {
			return nil, ok, err
		}
	}
	return enc, true, nil
}

// appendKeyValue coerces v to the type of primary key column i and appends
// its encoding.
func (d *tableDef) appendKeyValue(buf []byte, i int, v any) ([]byte, bool, error) {
	c := &d.cols[d.pk[i]]
	if c.Type == Int {
		// The common case, without boxing the coerced value.
		if n, isInt := catalog.ToInt64(v); isInt {
			enc, err := index.AppendValue(buf, n)
			return enc, true, err
		}
	}
	cv, err := catalog.CoerceExact(c, v)
	if err != nil || cv == nil {
		return nil, false, err
	}
	enc, err := index.AppendValue(buf, cv)
	return enc, true, err
}

// lookup finds a row by primary key, recording the read.
func (tx *Tx) lookup(d *tableDef, key any) (vals []any, pk []byte, err error) {
	// The key is encoded into the Tx's own buffer: a buffer on the stack
	// would escape through txn.Get (a writer's read set keeps keys), which
	// made every point read allocate. A reader keeps no key; a writer
	// copies it to the arena below.
	pk, ok, err := d.encodeKey(tx.keyBuf[:0], key)
	if err != nil {
		return nil, nil, err
	}
	if ok {
		if !tx.readOnly {
			pk = tx.arena.own(pk) // the read set keeps it
		}
		if e, found := tx.t.Get(d.primary, pk); found {
			return rowOf(e.Val), e.Key, nil
		}
	}
	return nil, nil, fmt.Errorf("%w: key %s", ErrNotFound, catalog.RenderKey(d.colNames(d.pk), keyParts(key)))
}

func keyParts(key any) []any {
	if k, ok := key.(Key); ok {
		return k
	}
	return []any{key}
}

// Get returns the row with the given primary key (a bare value, or a Key for
// a composite key) as the transaction sees it. Returns ErrNotFound if there
// is none, ErrNoTable or ErrType for bad input.
func (tx *Tx) Get(table string, key any) (Record, error) {
	if err := tx.live(); err != nil {
		return Record{}, err
	}
	d, err := tx.table(table)
	if err != nil {
		return Record{}, fmt.Errorf("get: %w", err)
	}
	vals, _, err := tx.lookup(d, key)
	if err != nil {
		tx.counted(LoadGet, table, 1, 0)
		return Record{}, fmt.Errorf("get from %s: %w", table, err)
	}
	tx.counted(LoadGet, table, 1, 1)
	return tx.looseRecord(d, vals), nil
}

// Update changes the named columns of the row with the given primary key and
// returns the row as stored. Any column may change, the primary key
// included. Returns ErrNotFound if there is no such row, ErrNoColumn or
// ErrType for bad input, and a *ConstraintError for ErrNotNull, ErrUnique or
// ErrNumericOverflow; the transaction is unchanged then.
func (tx *Tx) Update(table string, key any, set Row) (Record, error) {
	if err := tx.writable(); err != nil {
		return Record{}, err
	}
	d, err := tx.table(table)
	if err != nil {
		return Record{}, fmt.Errorf("update: %w", err)
	}
	old, pk, err := tx.lookup(d, key)
	if err != nil {
		return Record{}, fmt.Errorf("update %s: %w", table, err)
	}
	vals, err := d.applySet(tx.rows.alloc(len(old)), old, set)
	if err != nil {
		return Record{}, fmt.Errorf("update %s key %s: %w", table, d.renderPK(old), err)
	}
	if d.autoInc >= 0 {
		d.advanceSeq(vals[d.autoInc].(int64))
	}
	mark := tx.t.Mark()
	if relationKeysSame(d, old, vals) {
		err = tx.replaceRow(d, old, pk, vals)
	} else {
		err = tx.runPlanned(d, pk, old, vals)
	}
	if err != nil {
		tx.undo(mark)
		return Record{}, fmt.Errorf("update %s key %s: %w", table, d.renderPK(old), err)
	}
	return tx.looseRecord(d, vals), nil
}

func (d *tableDef) renderPK(vals []any) string {
	return catalog.RenderKey(d.colNames(d.pk), pick(vals, d.pk))
}

// applySet fills vals, of old's length, with old's values and set's
// columns changed.
func (d *tableDef) applySet(vals, old []any, set Row) ([]any, error) {
	copy(vals, old)
	// Visit columns in a fixed order so the first error is deterministic.
	names := make([]string, 0, len(set))
	for name := range set {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		i, ok := d.colIdx[name]
		if !ok {
			return nil, fmt.Errorf("%w: %q", ErrNoColumn, name)
		}
		v, err := catalog.Coerce(&d.cols[i], set[name])
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	if err := d.checkNotNull(vals); err != nil {
		return nil, err
	}
	return vals, nil
}

// replaceRow swaps a stored row for a new version, moving its primary key
// and index entries as needed. On error the caller rolls back to its mark.
func (tx *Tx) replaceRow(d *tableDef, old []any, oldPK []byte, vals []any) error {
	tx.scratch = appendCols(tx.scratch[:0], vals, d.pk)
	pk := oldPK
	if !bytes.Equal(tx.scratch, oldPK) {
		pk = tx.arena.own(tx.scratch)
		if _, exists := tx.t.Get(d.primary, pk); exists {
			return tx.duplicate(d, d.primary, pk, d.uniqueError(d.pkName, d.pk, vals))
		}
		tx.t.Delete(d.primary, oldPK)
	}
	pe := tx.rows.entry(pk, vals)
	row := pe.Val // the box, shared by the index entries
	tx.t.PutEntry(d.primary, pe)
	for _, ix := range d.indexes {
		oldKey := tx.indexKey(d, ix, old, oldPK)
		newKey := tx.indexKey(d, ix, vals, pk)
		if bytes.Equal(oldKey, newKey) {
			// Same key, new row version: index entries carry the row.
			tx.t.Put(ix.tree, index.Entry{Key: oldKey, Val: row})
			continue
		}
		tx.t.Delete(ix.tree, oldKey)
		if _, existed := tx.t.Put(ix.tree, index.Entry{Key: newKey, Val: row}); existed {
			return tx.duplicate(d, ix.tree, newKey, d.uniqueError(ix.name, ix.cols, vals))
		}
	}
	return nil
}

// Delete removes the row with the given primary key and its index entries.
// Returns ErrNotFound if there is no such row; the transaction is unchanged
// then.
func (tx *Tx) Delete(table string, key any) error {
	if err := tx.writable(); err != nil {
		return err
	}
	d, err := tx.table(table)
	if err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	old, pk, err := tx.lookup(d, key)
	if err != nil {
		return fmt.Errorf("delete from %s: %w", table, err)
	}
	if len(d.refs) == 0 {
		tx.deleteRow(d, old, pk)
		return nil
	}
	mark := tx.t.Mark()
	if err := tx.runPlanned(d, pk, old, nil); err != nil {
		tx.undo(mark)
		return fmt.Errorf("delete from %s key %s: %w", table, d.renderPK(old), err)
	}
	return nil
}

func (tx *Tx) deleteRow(d *tableDef, old []any, pk []byte) {
	tx.t.Delete(d.primary, pk)
	for _, ix := range d.indexes {
		// Delete keeps no part of the key: the scratch buffer will do.
		tx.scratch = d.appendIndexKey(tx.scratch[:0], ix, old, pk)
		tx.t.Delete(ix.tree, tx.scratch)
	}
}

// Upsert inserts row, or, when a row with the same primary key exists,
// updates that row's columns named in row (INSERT ... ON CONFLICT (pk) DO
// UPDATE). It returns the row as stored. A row without its primary key is
// inserted (generating the key if it is auto-increment). Errors are as for
// Insert and Update.
func (tx *Tx) Upsert(table string, row Row) (Record, error) {
	if err := tx.writable(); err != nil {
		return Record{}, err
	}
	d, err := tx.table(table)
	if err != nil {
		return Record{}, fmt.Errorf("upsert: %w", err)
	}
	// The key as the insert would store it (a decimal rounded to its
	// column), which is what ON CONFLICT compares.
	kv := make([]any, len(d.cols))
	for _, p := range d.pk {
		v, err := catalog.Coerce(&d.cols[p], row[d.cols[p].Name])
		if err != nil {
			return Record{}, fmt.Errorf("upsert into %s: %w", table, err)
		}
		if v == nil {
			return tx.Insert(table, row) // no key yet: generated, or refused by Insert
		}
		kv[p] = v
	}
	if _, exists := tx.t.Get(d.primary, d.pkKey(kv)); exists {
		stored := Key(pick(kv, d.pk))
		if len(stored) == 1 {
			return tx.Update(table, stored[0], row)
		}
		return tx.Update(table, stored, row)
	}
	return tx.Insert(table, row)
}

// relationKeysSame reports whether an update leaves every relation's key
// columns as they were — those it references as a child, those referenced
// by its children — so that, as in PostgreSQL, no referential check or
// action fires and the row is simply replaced. A decimal rewritten with
// another scale (1.0 to 1.00) counts as changed, as it does for ON UPDATE.
func relationKeysSame(d *tableDef, old, new []any) bool {
	for _, fk := range d.fks {
		for _, c := range fk.ChildCols {
			if !relation.SameValue(old[c], new[c]) {
				return false
			}
		}
	}
	for _, fk := range d.refs {
		for _, c := range fk.ParentCols {
			if !relation.SameValue(old[c], new[c]) {
				return false
			}
		}
	}
	return true
}
