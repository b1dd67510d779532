package engine

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/reldb/reldb/index"
	"github.com/reldb/reldb/internal/catalog"
	"github.com/reldb/reldb/txn"
)

// Schema changes of existing tables: ALTER TABLE's operations.
//
// Like CreateTable and CreateIndex, each is a statement of the
// transaction: it is visible to the transaction at once and to others
// after Commit, it rolls back with the transaction (or to a savepoint),
// and one that fails changes nothing. A schema change replaces the
// table's definition (and those of the tables its relations join); rows
// read before it keep the definition they were read with.
//
// Adding or dropping a column rewrites every row of the table into new
// trees, O(rows × indexes): rows are positional tuples, and the table's
// indexes and relations name columns by position. The other operations
// change only definitions, O(tables) at most.
//
// A table with deferred foreign-key checks still pending in the
// transaction (Tx.SetConstraints) cannot be changed: the operations
// return a *ConstraintError with SQLSTATE 55006, as PostgreSQL refuses
// ALTER TABLE on a table with pending trigger events.

// AddColumn appends a column to a table. Existing rows get the column's
// Default, or NULL; a NOT NULL column without a default can be added only
// to an empty table, as in PostgreSQL. Adding a column rewrites every row
// (O(rows × indexes)).
//
// Returns ErrNoTable; a *ConstraintError with ErrExists (SQLSTATE 42701)
// if the table has a column of that name; ErrSchema for an invalid column
// or an AutoIncrement one (only a new table's primary key can be); a
// *ConstraintError with ErrNotNull (SQLSTATE 23502) for a NOT NULL column
// without a default on a table with rows.
func (tx *Tx) AddColumn(table string, c Column) error {
	return tx.alter("add column", func() error { return tx.addColumn(table, c) })
}

func (tx *Tx) addColumn(table string, c Column) error {
	d, err := tx.alterable(table)
	if err != nil {
		return err
	}
	if _, ok := d.ColIdx[c.Name]; ok {
		return &ConstraintError{Kind: ErrExists, Table: table, Columns: []string{c.Name}, SQLState: StateDuplicateColumn,
			Message: fmt.Sprintf("column %q of relation %q already exists", c.Name, table)}
	}
	if c.AutoIncrement {
		return fmt.Errorf("%w: table %q: column %q: only a new table's primary key can auto-increment", ErrSchema, table, c.Name)
	}
	col, err := catalog.CompileColumn(table, catalog.Column{Name: c.Name, Type: c.Type, NotNull: c.NotNull, Default: c.Default,
		Precision: c.Precision, Scale: c.Scale})
	if err != nil {
		return err
	}
	if col.NotNull && col.Default == nil && !tx.empty(d) {
		return &ConstraintError{Kind: ErrNotNull, Table: table, Columns: []string{col.Name}, SQLState: StateNotNull,
			Message: fmt.Sprintf("column %q of relation %q contains null values", col.Name, table)}
	}
	n := len(d.Cols)
	nd := cloneColumns(d)
	nd.Cols = append(nd.Cols, col)
	nd.ColIdx[col.Name] = n
	colMap := make([]int, n)
	for i := range colMap {
		colMap[i] = i
	}
	return tx.rebuild(d, nd, colMap, func(old []any) ([]any, error) {
		vals := tx.allocRow(nd, n+1)
		copy(vals, old)
		vals[n] = col.Default
		return vals, nil
	})
}

// DropColumn removes a column from a table, with the indexes (unique
// constraints among them) and the relations of the table whose columns
// include it, as PostgreSQL's DROP COLUMN does. Dropping a column
// rewrites every row (O(rows × indexes)); a relation that loses the index
// it used gets a new one.
//
// Returns ErrNoTable; ErrNoColumn; ErrSchema if the column is part of the
// primary key; a *ConstraintError with ErrSchema and SQLSTATE 2BP01 if a
// relation references the column (drop it first with DropRelation, which
// is what SQL's CASCADE does).
func (tx *Tx) DropColumn(table, column string) error {
	return tx.alter("drop column", func() error { return tx.dropColumn(table, column) })
}

func (tx *Tx) dropColumn(table, column string) error {
	d, err := tx.alterable(table)
	if err != nil {
		return err
	}
	pos, ok := d.ColIdx[column]
	if !ok {
		return fmt.Errorf("%w: %q of table %q", ErrNoColumn, column, table)
	}
	if slices.Contains(d.PK, pos) {
		return fmt.Errorf("%w: column %q is part of the primary key of table %q", ErrSchema, column, table)
	}
	for _, fk := range d.Refs {
		if slices.Contains(fk.ParentCols, pos) {
			return &ConstraintError{Kind: ErrSchema, Constraint: fk.Name, Table: table, Columns: []string{column}, SQLState: StateDependentObjects,
				Message: fmt.Sprintf("cannot drop column %q of table %q because relation %q of table %q references it", column, table, fk.Name, fk.Child)}
		}
	}
	colMap := make([]int, len(d.Cols))
	for i := range colMap {
		switch {
		case i < pos:
			colMap[i] = i
		case i == pos:
			colMap[i] = -1
		default:
			colMap[i] = i - 1
		}
	}
	nd := d.Clone()
	nd.Cols = slices.Delete(slices.Clone(d.Cols), pos, pos+1)
	nd.ColIdx = make(map[string]int, len(nd.Cols))
	for i, c := range nd.Cols {
		nd.ColIdx[c.Name] = i
	}
	n := len(nd.Cols)
	return tx.rebuild(d, nd, colMap, func(old []any) ([]any, error) {
		vals := tx.allocRow(nd, n)
		copy(vals, old[:pos])
		copy(vals[pos:], old[pos+1:])
		return vals, nil
	})
}

// RestartSequence restarts the sequence of table's auto-increment
// column, so that the next key it generates is 1, as PostgreSQL's
// TRUNCATE ... RESTART IDENTITY does. Like it, the restart is
// transactional: the table takes a new sequence, which it keeps if the
// transaction commits and drops if it rolls back. Keys already in the
// table stay: an insert that draws one of them fails with ErrUnique, as
// after PostgreSQL's ALTER SEQUENCE ... RESTART. A durable database logs
// the restart with the commit, so recovery numbers on from it.
//
// Returns ErrNoTable; ErrSchema for a table without an auto-increment
// column.
func (tx *Tx) RestartSequence(table string) error {
	return tx.alter("restart sequence", func() error {
		d, err := tx.alterable(table)
		if err != nil {
			return err
		}
		if d.AutoInc < 0 {
			return fmt.Errorf("%w: table %q has no auto-increment column", ErrSchema, table)
		}
		nd := d.Clone()
		nd.Seq = new(atomic.Int64)
		tx.putTable(nd)
		return nil
	})
}

// ColumnType is what SetColumnType makes of a column: its type, with the
// precision and scale of a Decimal, and its default (nil for none).
type ColumnType struct {
	Type             Type
	Precision, Scale int
	Default          any
}

// SetColumnType changes the type of a column, as SQL's ALTER COLUMN ...
// TYPE does: convert gives each row's new value of the column from the
// row's values as stored, in column order (it must not modify them), and
// the value is coerced to the new type as Insert coerces it. The column
// keeps its name, place and NOT NULL. Changing a type rewrites every row
// and rebuilds the table's indexes (O(rows × indexes)).
//
// Returns ErrNoTable; ErrNoColumn; ErrSchema for an invalid type or
// default, an auto-increment column, or a column a relation uses on
// either side (the types of a relation's columns must match); a
// *ConstraintError for a row the change breaks (ErrNotNull, ErrUnique);
// convert's error, or ErrType for a value the new type does not take,
// naming the row's key. On error the table is unchanged.
func (tx *Tx) SetColumnType(table, column string, ct ColumnType, convert func(row []any) (any, error)) error {
	return tx.alter("set column type", func() error { return tx.setColumnType(table, column, ct, convert) })
}

func (tx *Tx) setColumnType(table, column string, ct ColumnType, convert func(row []any) (any, error)) error {
	d, err := tx.alterable(table)
	if err != nil {
		return err
	}
	pos, ok := d.ColIdx[column]
	if !ok {
		return fmt.Errorf("%w: %q of table %q", ErrNoColumn, column, table)
	}
	old := d.Cols[pos]
	if old.AutoInc {
		return fmt.Errorf("%w: table %q: column %q auto-increments", ErrSchema, table, column)
	}
	for _, fk := range append(slices.Clip(d.FKs), d.Refs...) {
		if fk.Child == table && slices.Contains(fk.ChildCols, pos) || fk.Parent == table && slices.Contains(fk.ParentCols, pos) {
			return fmt.Errorf("%w: table %q: column %q is in relation %q", ErrSchema, table, column, fk.Name)
		}
	}
	col, err := catalog.CompileColumn(table, catalog.Column{Name: old.Name, Type: ct.Type, NotNull: old.NotNull, Default: ct.Default,
		Precision: ct.Precision, Scale: ct.Scale})
	if err != nil {
		return err
	}
	nd := cloneColumns(d)
	nd.Cols[pos] = col
	colMap := make([]int, len(d.Cols))
	for i := range colMap {
		colMap[i] = i
	}
	n := len(d.Cols)
	return tx.rebuild(d, nd, colMap, func(row []any) ([]any, error) {
		v, err := convert(row)
		if err == nil {
			v, err = catalog.Coerce(&col, v)
		}
		if err != nil {
			key := make([]any, len(d.PK))
			for i, p := range d.PK {
				key[i] = row[p]
			}
			return nil, fmt.Errorf("row %s: %w", catalog.RenderKey(d.ColNames(d.PK), key), err)
		}
		vals := tx.allocRow(nd, n)
		copy(vals, row)
		vals[pos] = v
		return vals, nil
	})
}

// RenameColumn renames a column. Indexes, relations and constraint names
// stay as they are (PostgreSQL keeps them too). A typed model mapped to
// the old name fails to bind afterwards (ErrNoColumn).
//
// Returns ErrNoTable; ErrNoColumn; ErrSchema for an invalid name; a
// *ConstraintError with ErrExists (SQLSTATE 42701) if the name is taken.
func (tx *Tx) RenameColumn(table, column, newName string) error {
	return tx.alter("rename column", func() error {
		d, err := tx.alterable(table)
		if err != nil {
			return err
		}
		pos, ok := d.ColIdx[column]
		if !ok {
			return fmt.Errorf("%w: %q of table %q", ErrNoColumn, column, table)
		}
		if err := catalog.CheckName("column", newName); err != nil {
			return err
		}
		if newName == column {
			return nil
		}
		if _, taken := d.ColIdx[newName]; taken {
			return &ConstraintError{Kind: ErrExists, Table: table, Columns: []string{newName}, SQLState: StateDuplicateColumn,
				Message: fmt.Sprintf("column %q of relation %q already exists", newName, table)}
		}
		nd := cloneColumns(d)
		nd.Cols[pos].Name = newName
		delete(nd.ColIdx, column)
		nd.ColIdx[newName] = pos
		tx.putTable(nd)
		return nil
	})
}

// RenameTable renames a table. Its relations follow it (on both sides,
// many-to-many relations too); the names of its primary key, indexes and
// relations stay, as in PostgreSQL. Typed models registered for the old
// name fail with ErrNoTable afterwards.
//
// Returns ErrNoTable; ErrSchema for an invalid name; ErrExists if a table
// of that name exists.
func (tx *Tx) RenameTable(table, newName string) error {
	return tx.alter("rename table", func() error {
		d, err := tx.alterable(table)
		if err != nil {
			return err
		}
		if err := catalog.CheckName("table", newName); err != nil {
			return err
		}
		if newName == table {
			return nil
		}
		if _, ok := tx.t.Get(catalog.CatalogTree, catalog.CatalogKey(newName)); ok {
			return fmt.Errorf("%w: table %q", ErrExists, newName)
		}
		nd := cloneColumns(d)
		nd.Name = newName
		for i := range nd.Cols {
			nd.Cols[i].Table = newName
		}
		rename := func(s string) string {
			if s == table {
				return newName
			}
			return s
		}
		fks := map[*catalog.FK]*catalog.FK{}
		for _, fk := range append(slices.Clip(d.FKs), d.Refs...) {
			n := copyFK(fk)
			n.Child, n.Parent = rename(fk.Child), rename(fk.Parent)
			fks[fk] = n
		}
		tx.t.Delete(catalog.CatalogTree, catalog.CatalogKey(table))
		tx.putTable(nd)
		tx.rewire(fks, rename)
		return nil
	})
}

// RenameIndex renames an index (a unique constraint among them) of a
// table, or its primary key (Table.PrimaryKeyName), as SQL's ALTER INDEX
// … RENAME and RENAME CONSTRAINT do.
//
// Returns ErrNoTable; ErrNoIndex; ErrSchema for an invalid name;
// ErrExists if the table has an index (or primary key) of that name.
func (tx *Tx) RenameIndex(table, name, newName string) error {
	return tx.alter("rename index", func() error {
		d, err := tx.alterable(table)
		if err != nil {
			return err
		}
		ix := d.Index(name)
		if ix == nil && name != d.PKName {
			return fmt.Errorf("%w: %q on table %q", ErrNoIndex, name, table)
		}
		if err := catalog.CheckName("index", newName); err != nil {
			return err
		}
		if newName == name {
			return nil
		}
		if newName == d.PKName || d.Index(newName) != nil {
			return fmt.Errorf("%w: index %q on table %q", ErrExists, newName, table)
		}
		nd := d.Clone()
		if ix == nil {
			nd.PKName = newName
		} else {
			nix := *ix
			nix.Name = newName
			nd.Indexes[slices.Index(nd.Indexes, ix)] = &nix
		}
		tx.putTable(nd)
		return nil
	})
}

// RenameRelation renames a relation (its constraint name). The names it
// has from either side (Relation.ParentAs, ChildrenAs) stay, and so does
// a SetConstraints mode chosen for it.
//
// Returns ErrSchema when there is no relation of that name or newName is
// invalid; ErrExists if a relation of that name exists.
func (tx *Tx) RenameRelation(name, newName string) error {
	return tx.alter("rename relation", func() error {
		fk := tx.relationNamed(name)
		if fk == nil {
			return fmt.Errorf("%w: no relation %q", ErrSchema, name)
		}
		if _, err := tx.alterable(fk.Child, fk.Parent); err != nil {
			return err
		}
		if err := catalog.CheckName("relation", newName); err != nil {
			return err
		}
		if newName == name {
			return nil
		}
		if tx.relationNamed(newName) != nil {
			return fmt.Errorf("%w: relation %q", ErrExists, newName)
		}
		n := copyFK(fk)
		n.Name = newName
		tx.rewire(map[*catalog.FK]*catalog.FK{fk: n}, nil)
		if m, ok := tx.modes[name]; ok {
			tx.modes = maps.Clone(tx.modes) // a savepoint may hold the map
			delete(tx.modes, name)
			tx.modes[newName] = m
		}
		return nil
	})
}

// SetDefault sets the default of a column, the value an insert that omits
// the column stores: v is coerced to the column's type; nil removes the
// default (NULL). Existing rows do not change.
//
// Returns ErrNoTable; ErrNoColumn; ErrSchema for an AutoIncrement column;
// the coercion's error (ErrType, ErrNumericOverflow, ...) for a value that
// does not fit the column.
func (tx *Tx) SetDefault(table, column string, v any) error {
	return tx.alter("set default", func() error {
		d, pos, err := tx.alterColumn(table, column)
		if err != nil {
			return err
		}
		c := d.Cols[pos]
		if c.AutoInc {
			return fmt.Errorf("%w: column %q of table %q auto-increments: it can have no default", ErrSchema, column, table)
		}
		var def any
		if v != nil {
			if def, err = catalog.Coerce(&c, v); err != nil {
				return fmt.Errorf("column %q of table %q default: %w", column, table, err)
			}
		}
		nd := cloneColumns(d)
		nd.Cols[pos].Default = def
		tx.putTable(nd)
		return nil
	})
}

// SetNotNull makes a column NOT NULL after checking every row, O(rows).
//
// Returns ErrNoTable; ErrNoColumn; a *ConstraintError with ErrNotNull
// (SQLSTATE 23502) if a row holds NULL in the column.
func (tx *Tx) SetNotNull(table, column string) error {
	return tx.alter("set not null", func() error {
		d, pos, err := tx.alterColumn(table, column)
		if err != nil {
			return err
		}
		if d.Cols[pos].NotNull {
			return nil
		}
		found := false
		tx.t.Scan(d.Primary, nil, nil, false /* reverse */, func(e index.Entry) bool {
			found = catalog.RowOf(e.Val)[pos] == nil
			return !found
		})
		if found {
			return &ConstraintError{Kind: ErrNotNull, Table: table, Columns: []string{column}, SQLState: StateNotNull,
				Message: fmt.Sprintf("column %q of relation %q contains null values", column, table)}
		}
		nd := cloneColumns(d)
		nd.Cols[pos].NotNull = true
		tx.putTable(nd)
		return nil
	})
}

// DropNotNull lets a column hold NULL.
//
// Returns ErrNoTable; ErrNoColumn; ErrSchema for a primary key column.
func (tx *Tx) DropNotNull(table, column string) error {
	return tx.alter("drop not null", func() error {
		d, pos, err := tx.alterColumn(table, column)
		if err != nil {
			return err
		}
		if slices.Contains(d.PK, pos) {
			return fmt.Errorf("%w: column %q is in the primary key of table %q", ErrSchema, column, table)
		}
		if !d.Cols[pos].NotNull {
			return nil
		}
		nd := cloneColumns(d)
		nd.Cols[pos].NotNull = false
		tx.putTable(nd)
		return nil
	})
}

// alter runs a schema change as one statement: on error everything it did
// is undone.
func (tx *Tx) alter(op string, fn func() error) error {
	if err := tx.enter(); err != nil {
		return err
	}
	defer tx.leave()
	mark := tx.t.Mark()
	if err := fn(); err != nil {
		tx.undo(mark)
		return fmt.Errorf("%s: %w", op, err)
	}
	// The cache of known parents is keyed by relation definitions, which
	// the change may have replaced.
	tx.parents = nil
	return nil
}

// alterable returns the definition of the first table after checking that
// no deferred foreign-key check of the transaction involves any of them.
func (tx *Tx) alterable(tables ...string) (*catalog.Table, error) {
	d, err := tx.table(tables[0])
	if err != nil {
		return nil, err
	}
	for _, c := range tx.pending {
		if slices.Contains(tables, c.fk.Child) || slices.Contains(tables, c.fk.Parent) {
			return nil, &ConstraintError{Kind: ErrSchema, Constraint: c.fk.Name, Table: tables[0], SQLState: StateObjectInUse,
				Message: fmt.Sprintf("cannot alter table %q because it has deferred foreign key checks pending (relation %q)", tables[0], c.fk.Name)}
		}
	}
	return d, nil
}

// alterColumn resolves a table and one of its columns for a change.
func (tx *Tx) alterColumn(table, column string) (*catalog.Table, int, error) {
	d, err := tx.alterable(table)
	if err != nil {
		return nil, 0, err
	}
	pos, ok := d.ColIdx[column]
	if !ok {
		return nil, 0, fmt.Errorf("%w: %q of table %q", ErrNoColumn, column, table)
	}
	return d, pos, nil
}

// empty reports whether d holds no row in the transaction's view.
func (tx *Tx) empty(d *catalog.Table) bool {
	empty := true
	tx.t.Scan(d.Primary, nil, nil, false /* reverse */, func(index.Entry) bool {
		empty = false
		return false
	})
	return empty
}

// cloneColumns clones d with columns that can be changed.
func cloneColumns(d *catalog.Table) *catalog.Table {
	nd := d.Clone()
	nd.Cols = slices.Clone(d.Cols)
	nd.ColIdx = maps.Clone(d.ColIdx)
	return nd
}

// copyFK returns a copy of a relation with its own planner FK, so that it
// can be changed without changing the original.
func copyFK(fk *catalog.FK) *catalog.FK {
	n := *fk
	r := *fk.FK
	n.FK = &r
	return &n
}

// rebuild replaces table d by nd, whose columns are d's rearranged:
// colMap[i] is the position in nd of d's column i, or -1 for a dropped
// column. nd has its Cols and ColIdx set; rebuild derives the rest — the
// primary key, the indexes (those over a dropped column go), the
// relations (those of d whose referencing columns include a dropped
// column go; the caller has refused to drop a referenced one) — puts
// every row, reshaped, into new trees and drops the old ones.
//
// New trees, rather than rewritten ones, keep a durable log's replay
// simple: the commit's catalog names trees that hold only rows of the new
// shape.
func (tx *Tx) rebuild(d, nd *catalog.Table, colMap []int, reshape func(old []any) ([]any, error)) error {
	pk, ok := mapColumns(d.PK, colMap)
	if !ok {
		return fmt.Errorf("%w: table %q: the primary key loses a column", ErrSchema, d.Name)
	}
	return tx.rebuildKeyed(d, nd, colMap, pk, reshape)
}

// rebuildKeyed is rebuild with the primary key pk (positions in nd).
func (tx *Tx) rebuildKeyed(d, nd *catalog.Table, colMap, pk []int, reshape func(old []any) ([]any, error)) error {
	nd.PK = pk
	nd.AutoInc = -1
	for i := range nd.Cols {
		if nd.Cols[i].AutoInc {
			nd.AutoInc = i
		}
	}
	trees := map[txn.TreeID]txn.TreeID{d.Primary: tx.db.newTreeID()}
	nd.Primary = trees[d.Primary]
	nd.Indexes = nil
	for _, ix := range d.Indexes {
		cols, ok := mapColumns(ix.Cols, colMap)
		if !ok {
			continue // over a dropped column: it goes with it
		}
		nix := &catalog.Index{Name: ix.Name, Cols: cols, Unique: ix.Unique, Tree: tx.db.newTreeID()}
		nd.LayOut(nix)
		trees[ix.Tree] = nix.Tree
		nd.Indexes = append(nd.Indexes, nix)
	}
	// A new key (SetPrimaryKey, DropPrimaryKey) orders the primary tree
	// differently: a relation that found its child rows through it needs
	// another index.
	oldPK, kept := mapColumns(d.PK, colMap)
	rekeyed := !kept || !slices.Equal(oldPK, pk)
	fks := map[*catalog.FK]*catalog.FK{}
	for _, fk := range append(slices.Clip(d.FKs), d.Refs...) {
		if _, done := fks[fk]; done {
			continue // a self-reference is on both sides
		}
		n, err := tx.remapFK(fk, d, nd, colMap, trees, rekeyed)
		if err != nil {
			return err
		}
		fks[fk] = n
	}

	tx.createTrees(nd)
	var err error
	tx.t.Scan(d.Primary, nil, nil, false /* reverse */, func(e index.Entry) bool {
		var vals []any
		if vals, err = reshape(catalog.RowOf(e.Val)); err == nil {
			_, err = tx.insertRow(nd, vals)
		}
		return err == nil
	})
	if err != nil {
		return fmt.Errorf("table %q: %w", d.Name, err)
	}
	tx.t.DropTree(d.Primary)
	for _, ix := range d.Indexes {
		tx.t.DropTree(ix.Tree)
	}
	tx.putTable(nd)
	tx.rewire(fks, nil)
	return nil
}

// SetPrimaryKey makes columns the primary key of table in place of the
// key it has, under the constraint name name ("" for <table>_pkey), as
// SQL's ALTER TABLE … ADD PRIMARY KEY on a table whose key is a hidden row
// identity: every row is rekeyed and every index rebuilt (O(rows ×
// indexes)), and the columns become NOT NULL. The old key's columns stay,
// as ordinary columns (drop them with DropColumn), and so does the
// table's sequence.
//
// Returns ErrNoTable; ErrNoColumn; ErrSchema for no column, a column named
// twice, or a relation that references the old key; a *ConstraintError
// with ErrNotNull (23502) if a row holds NULL in one of the columns, or
// ErrUnique (23505) if two rows share a key; ErrExists if name is an
// index's. On error the table is unchanged.
func (tx *Tx) SetPrimaryKey(table, name string, columns ...string) error {
	return tx.alter("set primary key", func() error {
		d, err := tx.alterable(table)
		if err != nil {
			return err
		}
		if len(columns) == 0 {
			return fmt.Errorf("%w: table %q: a primary key needs a column", ErrSchema, table)
		}
		pk := make([]int, len(columns))
		for i, c := range columns {
			p, ok := d.ColIdx[c]
			if !ok {
				return fmt.Errorf("%w: %q of table %q", ErrNoColumn, c, table)
			}
			if slices.Contains(pk[:i], p) {
				return fmt.Errorf("%w: table %q: column %q appears twice in the primary key", ErrSchema, table, c)
			}
			pk[i] = p
		}
		if name == "" {
			name = table + "_pkey"
		}
		if d.Index(name) != nil {
			return fmt.Errorf("%w: index %q on table %q", ErrExists, name, table)
		}
		for _, fk := range d.Refs {
			if slices.Equal(fk.ParentCols, d.PK) {
				return fmt.Errorf("%w: relation %q references the primary key of table %q", ErrSchema, fk.Name, table)
			}
		}
		var nullErr error
		tx.t.Scan(d.Primary, nil, nil, false /* reverse */, func(e index.Entry) bool {
			vals := catalog.RowOf(e.Val)
			for _, p := range pk {
				if vals[p] == nil {
					nullErr = &ConstraintError{Kind: ErrNotNull, Table: table, Columns: []string{d.Cols[p].Name}, SQLState: StateNotNull,
						Message: fmt.Sprintf("column %q of relation %q contains null values", d.Cols[p].Name, table)}
					return false
				}
			}
			return true
		})
		if nullErr != nil {
			return nullErr
		}
		nd := d.Clone()
		nd.Cols = slices.Clone(d.Cols)
		for _, p := range pk {
			nd.Cols[p].NotNull = true
		}
		nd.PKName = name
		colMap := make([]int, len(d.Cols))
		for i := range colMap {
			colMap[i] = i
		}
		n := len(d.Cols)
		err = tx.rebuildKeyed(d, nd, colMap, pk, func(old []any) ([]any, error) {
			vals := tx.allocRow(nd, n)
			copy(vals, old)
			return vals, nil
		})
		var ce *ConstraintError
		if errors.As(err, &ce) && ce.Kind == ErrUnique {
			return &ConstraintError{Kind: ErrUnique, Constraint: name, Table: table, Columns: columns, Key: ce.Key, SQLState: StateUnique,
				Message: fmt.Sprintf("could not create unique index %q", name),
				Detail:  fmt.Sprintf("Key %s is duplicated.", ce.Key)}
		}
		return err
	})
}

// DropPrimaryKey replaces the primary key of table by a new column named
// rowID, an auto-increment Int that numbers the rows in the order of the
// old key, as SQL's ALTER TABLE … DROP CONSTRAINT <table>_pkey leaves a
// table keyed by a hidden row identity: every row is rekeyed and every
// index rebuilt (O(rows × indexes)). The old key's columns stay, as
// ordinary columns that are still NOT NULL (as in PostgreSQL), and the
// table's sequence goes on past the rows numbered. A relation of the
// table whose rows it found through the old key gets an index of its
// own. The key's constraint name goes back to <table>_pkey.
//
// Returns ErrNoTable; a *ConstraintError with ErrExists (SQLSTATE 42701)
// if the table has a column named rowID; ErrSchema for an invalid name,
// a relation that references the primary key (drop it first with
// DropRelation, which is what SQL's CASCADE does), or a key with an
// auto-increment column, which only a primary key can be. On error the
// table is unchanged.
func (tx *Tx) DropPrimaryKey(table, rowID string) error {
	return tx.alter("drop primary key", func() error {
		d, err := tx.alterable(table)
		if err != nil {
			return err
		}
		if _, ok := d.ColIdx[rowID]; ok {
			return &ConstraintError{Kind: ErrExists, Table: table, Columns: []string{rowID}, SQLState: StateDuplicateColumn,
				Message: fmt.Sprintf("column %q of relation %q already exists", rowID, table)}
		}
		if d.AutoInc >= 0 {
			return fmt.Errorf("%w: table %q: column %q auto-increments, which only a primary key can", ErrSchema, table, d.Cols[d.AutoInc].Name)
		}
		for _, fk := range d.Refs {
			if fk.ParentTree == d.Primary {
				return fmt.Errorf("%w: relation %q references the primary key of table %q", ErrSchema, fk.Name, table)
			}
		}
		col, err := catalog.CompileColumn(table, catalog.Column{Name: rowID, Type: catalog.Int, NotNull: true, AutoInc: true})
		if err != nil {
			return err
		}
		n := len(d.Cols)
		nd := cloneColumns(d)
		nd.Cols = append(nd.Cols, col)
		nd.ColIdx[rowID] = n
		nd.PKName = table + "_pkey"
		colMap := make([]int, n)
		for i := range colMap {
			colMap[i] = i
		}
		var rows int64
		err = tx.rebuildKeyed(d, nd, colMap, []int{n}, func(old []any) ([]any, error) {
			rows++
			vals := tx.allocRow(nd, n+1)
			copy(vals, old)
			vals[n] = rows
			return vals, nil
		})
		if err != nil {
			return err
		}
		// The sequence is not transactional: if the transaction rolls
		// back, it has only skipped values.
		nd.AdvanceSeq(rows)
		return nil
	})
}

// remapFK returns relation fk of table d as it is for nd (see rebuild), or
// nil if it goes with a dropped column. A relation whose child index went
// (or was the primary tree, when nd is rekeyed) gets another that starts
// with its columns, or a new one.
func (tx *Tx) remapFK(fk *catalog.FK, d, nd *catalog.Table, colMap []int, trees map[txn.TreeID]txn.TreeID, rekeyed bool) (*catalog.FK, error) {
	n := copyFK(fk)
	if fk.Parent == d.Name {
		cols, ok := mapColumns(fk.ParentCols, colMap)
		if !ok {
			return nil, fmt.Errorf("%w: relation %q references a dropped column of table %q", ErrSchema, fk.Name, d.Name)
		}
		n.ParentCols = cols
		n.ParentTree = trees[fk.ParentTree]
	}
	if fk.Child != d.Name {
		return n, nil
	}
	cols, ok := mapColumns(fk.ChildCols, colMap)
	if !ok {
		return nil, nil
	}
	n.ChildCols = cols
	if fk.SetCols != nil {
		n.SetCols, _ = mapColumns(fk.SetCols, colMap)
	}
	if t, ok := trees[fk.ChildTree]; ok && !(rekeyed && fk.ChildTree == d.Primary) {
		n.ChildTree = t
		n.PKAt = nd.PKAt(t) // a new key changes where it sits in an index's keys
		return n, nil
	}
	// Its index was over a dropped column too, or was the old key's.
	n.ChildTree = childTreeFor(nd, fk.Kind, cols)
	if n.ChildTree == 0 {
		names := nd.ColNames(cols)
		name := nd.Name + "_" + strings.Join(names, "_") + "_idx"
		if fk.Kind == catalog.OneToOne {
			name = nd.Name + "_" + strings.Join(names, "_") + "_key"
		}
		ix, err := nd.AddIndex(name, names, fk.Kind == catalog.OneToOne, tx.db.newTreeID)
		if err != nil {
			return nil, fmt.Errorf("relation %q: %w", fk.Name, err)
		}
		n.ChildTree = ix.Tree
	}
	n.PKAt = nd.PKAt(n.ChildTree)
	return n, nil
}

// mapColumns maps positions through colMap; false if one was dropped.
func mapColumns(pos, colMap []int) ([]int, bool) {
	out := make([]int, len(pos))
	for i, p := range pos {
		if out[i] = colMap[p]; out[i] < 0 {
			return nil, false
		}
	}
	return out, true
}

// rewire replaces relation definitions throughout the catalog: fks maps a
// relation to its replacement, or to nil for a relation that goes.
// Many-to-many relations over a replaced relation are replaced too (and
// go with it), and rename, if set, renames the tables they name. Every
// table whose lists change gets a new definition.
func (tx *Tx) rewire(fks map[*catalog.FK]*catalog.FK, rename func(string) string) {
	if rename == nil {
		rename = func(s string) string { return s }
	}
	m2ms := map[*catalog.ManyToMany]*catalog.ManyToMany{}
	m2mOf := func(m *catalog.ManyToMany) *catalog.ManyToMany {
		if n, ok := m2ms[m]; ok {
			return n
		}
		n := m
		l, lok := fks[m.ToLeft]
		r, rok := fks[m.ToRight]
		switch {
		case (lok && l == nil) || (rok && r == nil):
			n = nil
		case lok || rok || rename(m.Left) != m.Left || rename(m.Right) != m.Right || rename(m.Through) != m.Through:
			c := *m
			if lok {
				c.ToLeft = l
			}
			if rok {
				c.ToRight = r
			}
			c.Left, c.Right, c.Through = rename(m.Left), rename(m.Right), rename(m.Through)
			n = &c
		}
		m2ms[m] = n
		return n
	}
	swap := func(list []*catalog.FK) ([]*catalog.FK, bool) {
		changed := false
		out := make([]*catalog.FK, 0, len(list))
		for _, fk := range list {
			n, ok := fks[fk]
			if !ok {
				n = fk
			}
			changed = changed || ok
			if n != nil {
				out = append(out, n)
			}
		}
		return out, changed
	}
	var changed []*catalog.Table
	for _, d := range tx.allTables() {
		fl, c1 := swap(d.FKs)
		rl, c2 := swap(d.Refs)
		c3 := false
		ml := make([]*catalog.ManyToMany, 0, len(d.M2M))
		for _, m := range d.M2M {
			n := m2mOf(m)
			c3 = c3 || n != m
			if n != nil {
				ml = append(ml, n)
			}
		}
		if c1 || c2 || c3 {
			nd := d.Clone()
			nd.FKs, nd.Refs, nd.M2M = fl, rl, ml
			changed = append(changed, nd)
		}
	}
	for _, nd := range changed {
		tx.putTable(nd)
	}
}
