package engine

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"slices"

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
	if err := tx.enter(); err != nil {
		return Record{}, err
	}
	defer tx.leave()
	return tx.insertStmt(table, row)
}

// insertStmt is Insert inside a statement the caller entered.
func (tx *Tx) insertStmt(table string, row Row) (Record, error) {
	d, err := tx.table(table)
	if err != nil {
		return Record{}, fmt.Errorf("insert: %w", err)
	}
	vals, err := d.NewRow(tx.rows.AllocRow(d), row)
	if err != nil {
		return Record{}, fmt.Errorf("insert into %s: %w", table, err)
	}
	return tx.insertVals(d, vals)
}

// insertObject is Insert of a typed object: its row built from the
// fields by position (binding.newRow), not through a Row.
func (tx *Tx) insertObject(b *binding, v reflect.Value) (Record, error) {
	if err := tx.enter(); err != nil {
		return Record{}, err
	}
	defer tx.leave()
	d := b.d
	vals, err := b.newRow(tx.rows.AllocRow(d), v)
	if err != nil {
		return Record{}, fmt.Errorf("insert into %s: %w", d.Name, err)
	}
	return tx.insertVals(d, vals)
}

// insertVals stores the new row vals of table d, built and checked, with
// its index entries, and checks its foreign keys.
func (tx *Tx) insertVals(d *catalog.Table, vals []any) (Record, error) {
	table := d.Name
	mark, pending := tx.t.Mark(), len(tx.pending)
	pk, err := tx.insertRow(d, vals)
	if err != nil {
		tx.undo(mark)
		return Record{}, fmt.Errorf("insert into %s: %w", table, err)
	}
	for _, fk := range d.FKs {
		if err := tx.checkParent(d, fk, vals, pk); err != nil {
			tx.undo(mark)
			clear(tx.pending[pending:]) // the checks of the row's other relations
			tx.pending = tx.pending[:pending]
			return Record{}, fmt.Errorf("insert into %s: %w", table, err)
		}
	}
	if len(d.Refs) > 0 {
		tx.rememberParent(d, pk, vals)
	}
	return tx.looseRecord(d, vals), nil
}

// InsertRows inserts rows into table as one statement, the way SQL's
// multi-row INSERT does: each row is checked as Insert checks it, except
// that foreign keys are checked once every row is in, so a row may
// reference one inserted after it in the same call (a self-referencing
// table loaded children first). It returns the stored rows, in order. On
// any error nothing is inserted and the transaction is as before the call:
// a *ConstraintError names the offending row's key, and an error of one
// row (all but a foreign key checked at the end) is a *RowError saying
// which.
func (tx *Tx) InsertRows(table string, rows ...Row) ([]Record, error) {
	if err := tx.enter(); err != nil {
		return nil, err
	}
	defer tx.leave()
	if len(rows) == 1 {
		// One row references no row inserted after it, so checking its
		// foreign keys now, as Insert does, finds what checking them at
		// the statement's end would, at less cost: a SQL INSERT of one
		// row, the common case, comes here.
		r, err := tx.insertStmt(table, rows[0])
		if err != nil {
			if !errors.Is(err, ErrForeignKey) {
				err = &RowError{Index: 0, Err: err}
			}
			return nil, err
		}
		return []Record{r}, nil
	}
	recs := make([]Record, 0, len(rows))
	err := tx.statementChecks(func() error {
		for i, row := range rows {
			r, err := tx.insertStmt(table, row)
			if err != nil {
				return &RowError{Index: i, Err: err}
			}
			recs = append(recs, r)
		}
		return nil
	}, func(err error) error { return fmt.Errorf("insert into %s: %w", table, err) })
	if err != nil {
		return nil, err
	}
	return recs, nil
}

// Statement runs fn, which writes through tx, as one statement, the way SQL
// runs an UPDATE or DELETE of many rows: the NO ACTION checks of foreign
// keys (those not deferred to commit) wait until fn returns, so a statement
// may delete or rekey a referenced row when it also deletes or repoints the
// rows that reference it (DELETE of every row of a self-referencing
// table), and a row may reference one written after it. RESTRICT is still
// checked at once, and the actions (CASCADE, SET NULL, SET DEFAULT) run as
// each write is made. When fn or a check fails, every write of fn is
// undone and the error returned. A Statement inside another (or inside
// InsertRows) leaves its checks to the outer one.
func (tx *Tx) Statement(fn func() error) error {
	if err := tx.writable(); err != nil {
		return err
	}
	return tx.statementChecks(fn, func(err error) error { return fmt.Errorf("statement: %w", err) })
}

// statementChecks runs fn with the NO ACTION checks held to its end
// (InsertRows, Statement); wrap wraps a failed check's error. On failure
// the writes and the checks fn added are undone.
func (tx *Tx) statementChecks(fn func() error, wrap func(error) error) error {
	outer := tx.stmtChecks
	mark := tx.t.Mark()
	// A nested statement only appends checks for the outer one to run:
	// undoing it cuts them off. The outermost runs and filters the list in
	// place, so it keeps a copy to restore. (Cloning in every nested one
	// made a COPY of n rows, one statement of many batches, O(n²).)
	n := len(tx.pending)
	var pending []pendingCheck
	if !outer {
		pending = slices.Clone(tx.pending)
	}
	tx.stmtChecks = true
	err := fn()
	tx.stmtChecks = outer
	if err == nil && !outer {
		if err = tx.runPending(func(fk *catalog.FK) bool { return !tx.deferred(fk) }); err != nil {
			err = wrap(err)
		}
	}
	if err != nil {
		tx.undo(mark)
		if outer {
			clear(tx.pending[min(n, len(tx.pending)):])
			tx.pending = tx.pending[:min(n, len(tx.pending))]
		} else {
			tx.pending = pending
		}
		return err
	}
	return nil
}

// insertRow stores a new row and its index entries and returns its
// primary key, immutable. On error the caller rolls back to its mark.
func (tx *Tx) insertRow(d *catalog.Table, vals []any) ([]byte, error) {
	// The primary key shares its bytes with the row's key in an index
	// where it can (see AppendRowKeys): a junction row's keys (left,
	// right) and (right, left) are the bytes of right, left, right.
	var shared *catalog.Index
	var pkAt, ixLen int
	tx.scratch, shared, pkAt, ixLen = d.AppendRowKeys(tx.scratch[:0], vals)
	var keys []byte
	if d.KeysOnly() {
		keys = bytes.Clone(tx.scratch) // garbage once written, as rowEntry's
	} else {
		keys = tx.arena.Own(tx.scratch)
	}
	key := keys[pkAt:]
	// Put first and look at what it replaced: one descent instead of a Get
	// and a Put. A duplicate is undone by the caller's rollback.
	if tx.locking() {
		// Wait for a concurrent inserter of the key; a row it committed is
		// then a duplicate.
		if _, err := tx.lockRow(d, key); err != nil {
			return nil, err
		}
		if tx.appeared(d.Primary, key) {
			return nil, d.UniqueError(d.PKName, d.PK, vals)
		}
	}
	pe := tx.rowEntry(d, key, vals)
	row := pe.Val() // the box, shared by the index entries
	if _, existed := tx.t.PutItem(d.Primary, pe); existed {
		return nil, tx.duplicate(d, d.Primary, key, d.UniqueError(d.PKName, d.PK, vals))
	}
	for i, ix := range d.Indexes {
		// A unique index finds a duplicate the way the primary key does:
		// its key is the indexed values, so the put replaces it.
		var ik []byte
		if ix == shared {
			ik = keys[:ixLen:ixLen]
		} else {
			ik = tx.indexKey(d, ix, vals, key)
		}
		if err := tx.lockUnique(ix, ik); err != nil {
			return nil, err
		}
		if ix.Unique && tx.appeared(ix.Tree, ik) {
			return nil, d.UniqueError(ix.Name, ix.Cols, vals)
		}
		if tx.putIndex(ix, i, ik, vals, row) {
			return nil, tx.duplicate(d, ix.Tree, ik, d.UniqueError(ix.Name, ix.Cols, vals))
		}
	}
	return key, nil
}

// putIndex puts the entry key → row, the box of vals, in ix, index i of
// the row's table, and reports whether it replaced one. The entry's item
// is in the row's block when it has one (catalog.RowSlab.IndexItem): a
// scan of the index then reads the entry, the row and its values from
// adjacent memory.
func (tx *Tx) putIndex(ix *catalog.Index, i int, key []byte, vals []any, row *[]any) (replaced bool) {
	if it := tx.rows.IndexItem(vals, i, key); it != nil {
		_, replaced = tx.t.PutItem(ix.Tree, it)
		return replaced
	}
	_, replaced = tx.t.Put(ix.Tree, index.Entry{Key: key, Val: row})
	return replaced
}

// indexKey returns a row's entry key in ix as an immutable key; pk is the
// row's primary key.
func (tx *Tx) indexKey(d *catalog.Table, ix *catalog.Index, vals []any, pk []byte) []byte {
	tx.scratch = d.AppendIndexKey(tx.scratch[:0], ix, vals, pk)
	return tx.arena.Own(tx.scratch)
}

// duplicate decides what a key found taken means. PostgreSQL checks
// uniqueness against committed rows, not against a snapshot: if the entry
// came from this transaction's snapshot and a transaction that committed
// since has removed or replaced it, the statement would succeed after that
// commit, so the answer is a retryable serialization conflict (40001), not
// a unique violation. Otherwise (the entry still stands, or this
// transaction wrote it) it is dup, the unique violation.
func (tx *Tx) duplicate(d *catalog.Table, id txn.TreeID, key []byte, dup error) error {
	snapTree := tx.t.Snapshot().Tree(id)
	if snapTree == nil {
		return dup // the tree is new in this transaction
	}
	seen, ok := snapTree.Get(key)
	if !ok {
		return dup // this transaction's own write
	}
	if latest := tx.db.oracle.Latest().Tree(id); latest != nil {
		if cur, ok := latest.Get(key); ok && tx.sameVersion(id, key, latest.Derived() || snapTree.Derived(), cur.Val, seen.Val) {
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

// sameVersion reports whether a and b, what two trees hold under key in
// tree id (nil where absent), are one version of the row: the same stored
// row; or, where either tree is derived (index.NewDerivedTree), whose
// rows are made anew on every read, both there or both absent with no
// commit since the transaction's snapshot writing the key. Either tree
// may be the derived one: a key too long for it, committed since, turns
// the latest tree ordinary while the transaction's stays derived.
func (tx *Tx) sameVersion(id txn.TreeID, key []byte, derived bool, a, b *[]any) bool {
	if derived {
		return (a == nil) == (b == nil) && !tx.t.WrittenSince(id, key)
	}
	return a == b
}

// lookup finds a row by primary key, recording the read.
func (tx *Tx) lookup(d *catalog.Table, key any) (vals []any, pk []byte, err error) {
	// The key is encoded into the Tx's own buffer: a buffer on the stack
	// would escape through txn.Get (a writer's read set keeps keys), which
	// made every point read allocate. A reader keeps no key; a writer
	// copies it to its read-key arena below.
	pk, ok, err := d.EncodeKey(tx.keyBuf[:0], key)
	if err != nil {
		return nil, nil, err
	}
	if ok {
		if !tx.readOnly {
			pk = tx.readKeys.Own(pk) // the read set keeps it
		}
		if e, found := tx.t.Get(d.Primary, pk); found {
			return catalog.RowOf(e.Val), e.Key, nil
		}
	}
	return nil, nil, fmt.Errorf("%w: key %s", ErrNotFound, catalog.RenderKey(d.ColNames(d.PK), catalog.KeyParts(key)))
}

// Get returns the row with the given primary key (a bare value, or a Key for
// a composite key) as the transaction sees it. Returns ErrNotFound if there
// is none, ErrNoTable or ErrType for bad input.
func (tx *Tx) Get(table string, key any) (Record, error) {
	if err := tx.live(); err != nil {
		return Record{}, err
	}
	if err := tx.statement(); err != nil {
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
	if err := tx.enter(); err != nil {
		return Record{}, err
	}
	defer tx.leave()
	return tx.updateStmt(table, key, set)
}

// updateStmt is Update inside a statement the caller entered.
func (tx *Tx) updateStmt(table string, key any, set Row) (Record, error) {
	r, _, err := tx.updateSet(table, key, set, nil)
	return r, err
}

// updateSet is updateStmt, with the set made by setOf from the row as
// found when setOf is not nil (a transaction taking row locks may then
// find a newer row while locking it, and applies the same set to that).
// The set is a parameter of its own, not a closure's result, so that the
// caller's Row stays where the caller made it. stored reports that the
// returned record holds the row as stored: no referential action ran,
// which may store a row of its making.
func (tx *Tx) updateSet(table string, key any, set Row, setOf func(old []any) Row) (_ Record, stored bool, _ error) {
	d, err := tx.table(table)
	if err != nil {
		return Record{}, false, fmt.Errorf("update: %w", err)
	}
	old, pk, err := tx.lookup(d, key)
	if err == nil {
		if setOf != nil {
			set = setOf(old)
		}
		d, old, pk, err = tx.lockUpdated(d, table, key, pk, old, set)
	}
	if err != nil {
		return Record{}, false, fmt.Errorf("update %s: %w", table, err)
	}
	vals, err := d.ApplySet(tx.allocRow(d, len(old)), old, set)
	if err != nil {
		return Record{}, false, fmt.Errorf("update %s key %s: %w", table, d.RenderPK(old), err)
	}
	if d.AutoInc >= 0 {
		d.AdvanceSeq(vals[d.AutoInc].(int64))
	}
	mark := tx.t.Mark()
	stored = relationKeysSame(d, old, vals)
	if stored {
		err = tx.replaceRow(d, old, pk, vals)
	} else {
		err = tx.runPlanned(d, pk, old, vals)
	}
	if err != nil {
		tx.undo(mark)
		return Record{}, false, fmt.Errorf("update %s key %s: %w", table, d.RenderPK(old), err)
	}
	return tx.looseRecord(d, vals), stored, nil
}

// rowEntry returns the primary-tree item of a new row of d stored under
// key: from the transaction's row slab, unless d's trees keep no rows
// (catalog.Table.KeysOnly), whose item is garbage once written and must
// not keep a slab alive.
func (tx *Tx) rowEntry(d *catalog.Table, key []byte, vals []any) *index.Item {
	if d.KeysOnly() {
		e := &struct {
			it  index.Item
			box []any
		}{box: vals}
		e.it.Set(key, &e.box)
		return &e.it
	}
	return tx.rows.Entry(key, vals)
}

// replaceRow swaps a stored row for a new version, moving its primary key
// and index entries as needed. On error the caller rolls back to its mark.
func (tx *Tx) replaceRow(d *catalog.Table, old []any, oldPK []byte, vals []any) error {
	tx.scratch = catalog.AppendCols(tx.scratch[:0], vals, d.PK)
	pk := oldPK
	if !bytes.Equal(tx.scratch, oldPK) {
		pk = tx.arena.Own(tx.scratch)
		if _, exists := tx.t.Get(d.Primary, pk); exists {
			return tx.duplicate(d, d.Primary, pk, d.UniqueError(d.PKName, d.PK, vals))
		}
		tx.t.Delete(d.Primary, oldPK)
	}
	pe := tx.rowEntry(d, pk, vals)
	row := pe.Val() // the box, shared by the index entries
	tx.t.PutItem(d.Primary, pe)
	for i, ix := range d.Indexes {
		oldKey := tx.indexKey(d, ix, old, oldPK)
		newKey := tx.indexKey(d, ix, vals, pk)
		if bytes.Equal(oldKey, newKey) {
			// Same key, new row version: index entries carry the row.
			tx.putIndex(ix, i, oldKey, vals, row)
			continue
		}
		tx.t.Delete(ix.Tree, oldKey)
		if err := tx.lockUnique(ix, newKey); err != nil {
			return err
		}
		if ix.Unique && tx.appeared(ix.Tree, newKey) {
			return d.UniqueError(ix.Name, ix.Cols, vals)
		}
		if tx.putIndex(ix, i, newKey, vals, row) {
			return tx.duplicate(d, ix.Tree, newKey, d.UniqueError(ix.Name, ix.Cols, vals))
		}
	}
	return nil
}

// Delete removes the row with the given primary key and its index entries,
// and runs the referential actions of the relations that reference it:
// CASCADE deletes the referencing rows (and theirs, transitively), SET NULL
// and SET DEFAULT change them. A RESTRICT relation with a referencing row
// refuses the delete with ErrRestrict; a NO ACTION relation refuses it with
// ErrForeignKey at the end of the statement (at commit when deferred); both
// are a *ConstraintError with SQLSTATE 23503 naming the referencing table.
// Returns ErrNotFound if there is no such row. After any error the
// transaction is exactly as before the call. Tx.PreviewDelete shows what a
// delete would change without changing it.
func (tx *Tx) Delete(table string, key any) error {
	if err := tx.enter(); err != nil {
		return err
	}
	defer tx.leave()
	d, err := tx.table(table)
	if err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	old, pk, err := tx.lookup(d, key)
	if err == nil {
		d, old, pk, err = tx.lockLookup(d, table, key, pk, old, ForUpdate)
	}
	if err != nil {
		return fmt.Errorf("delete from %s: %w", table, err)
	}
	if len(d.Refs) == 0 {
		tx.deleteRow(d, old, pk)
		return nil
	}
	mark := tx.t.Mark()
	if err := tx.runPlanned(d, pk, old, nil); err != nil {
		tx.undo(mark)
		return fmt.Errorf("delete from %s key %s: %w", table, d.RenderPK(old), err)
	}
	return nil
}

func (tx *Tx) deleteRow(d *catalog.Table, old []any, pk []byte) {
	tx.t.Delete(d.Primary, pk)
	for _, ix := range d.Indexes {
		// Delete keeps no part of the key: the scratch buffer will do.
		tx.scratch = d.AppendIndexKey(tx.scratch[:0], ix, old, pk)
		tx.t.Delete(ix.Tree, tx.scratch)
	}
}

// Upsert inserts row, or, when a row with the same primary key exists,
// updates that row's columns named in row (INSERT ... ON CONFLICT (pk) DO
// UPDATE). It returns the row as stored. A row without its primary key is
// inserted (generating the key if it is auto-increment). Errors are as for
// Insert and Update.
func (tx *Tx) Upsert(table string, row Row) (Record, error) {
	if err := tx.enter(); err != nil {
		return Record{}, err
	}
	defer tx.leave()
	d, err := tx.table(table)
	if err != nil {
		return Record{}, fmt.Errorf("upsert: %w", err)
	}
	// The key as the insert would store it (a decimal rounded to its
	// column), which is what ON CONFLICT compares.
	kv := make([]any, len(d.Cols))
	for _, p := range d.PK {
		v, err := catalog.Coerce(&d.Cols[p], row[d.Cols[p].Name])
		if err != nil {
			return Record{}, fmt.Errorf("upsert into %s: %w", table, err)
		}
		if v == nil {
			return tx.insertStmt(table, row) // no key yet: generated, or refused by Insert
		}
		kv[p] = v
	}
	if tx.rc {
		// Lock the key first: a concurrent inserter's row, once committed,
		// is then updated rather than a duplicate.
		moved, err := tx.lockRow(d, d.PKKey(kv))
		if err != nil {
			return Record{}, fmt.Errorf("upsert into %s: %w", table, err)
		}
		if moved {
			if d, err = tx.table(table); err != nil {
				return Record{}, fmt.Errorf("upsert: %w", err)
			}
		}
	}
	if _, exists := tx.t.Get(d.Primary, d.PKKey(kv)); exists {
		stored := Key(catalog.Pick(kv, d.PK))
		if len(stored) == 1 {
			return tx.updateStmt(table, stored[0], row)
		}
		return tx.updateStmt(table, stored, row)
	}
	return tx.insertStmt(table, row)
}

// relationKeysSame reports whether an update leaves every relation's key
// columns as they were — those it references as a child, those referenced
// by its children — so that, as in PostgreSQL, no referential check or
// action fires and the row is simply replaced. A decimal rewritten with
// another scale (1.0 to 1.00) counts as changed, as it does for ON UPDATE.
func relationKeysSame(d *catalog.Table, old, new []any) bool {
	for _, fk := range d.FKs {
		for _, c := range fk.ChildCols {
			if !relation.SameValue(old[c], new[c]) {
				return false
			}
		}
	}
	for _, fk := range d.Refs {
		for _, c := range fk.ParentCols {
			if !relation.SameValue(old[c], new[c]) {
				return false
			}
		}
	}
	return true
}

// NextID takes the next value of table's AutoIncrement sequence, as an
// insert that omits the column would: SQL's DEFAULT for a serial key in
// an UPDATE. Like every value of the sequence it is not given back if
// the transaction rolls back. Returns ErrNoTable, or ErrSchema if the
// table has no AutoIncrement column.
func (tx *Tx) NextID(table string) (int64, error) {
	if err := tx.writable(); err != nil {
		return 0, err
	}
	d, err := tx.table(table)
	if err != nil {
		return 0, fmt.Errorf("next id: %w", err)
	}
	if d.AutoInc < 0 {
		return 0, fmt.Errorf("%w: table %q has no AutoIncrement column", ErrSchema, table)
	}
	return d.NextID()
}
