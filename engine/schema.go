package engine

import (
	"fmt"
	"slices"
	"sync/atomic"

	"github.com/reldb/reldb/index"
	"github.com/reldb/reldb/internal/catalog"
	"github.com/reldb/reldb/txn"
)

// Table declares a table: its ordered columns, primary key and indexes.
type Table struct {
	Name    string
	Columns []Column
	// PrimaryKey lists the primary key's columns, in key order. Every table
	// has one; its columns are NOT NULL.
	PrimaryKey []string
	// Indexes are secondary indexes; Unique ones are unique constraints.
	Indexes []Index
}

// Column declares one column.
type Column struct {
	Name    string
	Type    Type
	NotNull bool
	// Default is used when an insert does not name the column: a constant of
	// the column's type, or nil for NULL. An insert that names the column
	// with a nil value stores NULL, as in SQL.
	Default any
	// AutoIncrement makes an insert that omits the column (or gives nil) take
	// the next value of the table's sequence. Only for a primary key that is
	// one Int column. Like a PostgreSQL sequence, values are not reused after
	// a rollback; unlike one, an explicit larger key advances the sequence,
	// so later generated keys never collide with it.
	AutoIncrement bool
	// Precision and Scale constrain a Decimal column like numeric(p, s):
	// values are rounded half away from zero to Scale digits after the
	// point, and more than Precision-Scale digits before it is
	// ErrNumericOverflow. Precision 0 means unconstrained.
	Precision, Scale int
}

// Index declares a secondary index over one or more columns. A Unique index
// refuses two rows with equal values in its columns, except that NULLs are
// distinct (PostgreSQL semantics): rows with a NULL in any indexed column
// never conflict.
type Index struct {
	Name    string
	Columns []string
	Unique  bool
}

// catalogTree holds the catalog: table name -> *tableDef.
const catalogTree txn.TreeID = 0

// tableDef is the immutable compiled form of a Table. A schema change makes
// a new tableDef; the old one stays valid for snapshots that hold it.
type tableDef struct {
	name    string
	cols    []catalog.Column
	colIdx  map[string]int
	pk      []int // column positions of the primary key
	pkName  string
	primary txn.TreeID
	indexes []*indexDef
	autoInc int // position of the auto-increment column, or -1
	// seq is the table's sequence, shared by every version of the def. It
	// is not transactional (like PostgreSQL's nextval).
	seq *atomic.Int64
	// fks are the relations this table references (it is their child), in
	// declaration order; refs are those that reference it (it is their
	// parent). A relation's *fkDef is shared by both tables' defs.
	fks, refs []*fkDef
	// m2m are the many-to-many relations this table is a side of.
	m2m []*m2mDef
}

type indexDef struct {
	name    string
	cols    []int
	keyCols []int // the columns the planner may seek on: cols, then the primary key if not unique
	unique  bool
	tree    txn.TreeID
}

// column returns the position of the named column. Rows are read by column
// name on every Record.Get, and tables are narrow: for a few columns,
// comparing names (a length check, mostly) beats hashing the name.
func (d *tableDef) column(name string) (int, bool) {
	if len(d.cols) <= linearColumns {
		for i := range d.cols {
			if d.cols[i].Name == name {
				return i, true
			}
		}
		return 0, false
	}
	i, ok := d.colIdx[name]
	return i, ok
}

// linearColumns is the widest table whose columns column scans instead of
// hashing.
const linearColumns = 8

func (d *tableDef) colNames(pos []int) []string {
	names := make([]string, len(pos))
	for i, p := range pos {
		names[i] = d.cols[p].Name
	}
	return names
}

func pick(vals []any, pos []int) []any {
	out := make([]any, len(pos))
	for i, p := range pos {
		out[i] = vals[p]
	}
	return out
}

// appendCols appends the key encoding of the given columns of a row.
func appendCols(dst []byte, vals []any, pos []int) []byte {
	for _, p := range pos {
		var err error
		dst, err = index.AppendValue(dst, vals[p])
		if err != nil {
			// Stored values are coerced to encodable types on the way in.
			panic(fmt.Sprintf("reldb: encode stored value: %v", err))
		}
	}
	return dst
}

// pkKey returns the primary key of a row.
func (d *tableDef) pkKey(vals []any) []byte { return appendCols(nil, vals, d.pk) }

// appendIndexKey appends a row's entry key in ix, whose primary key is pk.
//
// A non-unique index's key is the indexed columns, then the primary key, so
// that equal values still make distinct keys. A unique index's key is the
// indexed columns alone — a second row with the same values has the same
// key, so inserting it finds the first — except when one of them is NULL:
// NULLs are distinct, so such a key carries the primary key too.
func (d *tableDef) appendIndexKey(dst []byte, ix *indexDef, vals []any, pk []byte) []byte {
	dst = appendCols(dst, vals, ix.cols)
	if ix.unique {
		for _, p := range ix.cols {
			if vals[p] == nil {
				return append(dst, pk...)
			}
		}
		return dst
	}
	return append(dst, pk...)
}

// compileTable validates t and compiles it, allocating tree IDs from next.
func compileTable(t Table, next func() txn.TreeID) (*tableDef, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: table %q: %s", ErrSchema, t.Name, fmt.Sprintf(format, args...))
	}
	if t.Name == "" {
		return nil, fmt.Errorf("%w: table has no name", ErrSchema)
	}
	if len(t.Columns) == 0 {
		return nil, bad("no columns")
	}
	d := &tableDef{name: t.Name, colIdx: make(map[string]int, len(t.Columns)), autoInc: -1, pkName: t.Name + "_pkey", seq: new(atomic.Int64)}
	for i, c := range t.Columns {
		if c.Name == "" {
			return nil, bad("column %d has no name", i)
		}
		if _, dup := d.colIdx[c.Name]; dup {
			return nil, bad("column %q declared twice", c.Name)
		}
		if !c.Type.Valid() {
			return nil, bad("column %q has invalid type %v", c.Name, c.Type)
		}
		if c.Precision < 0 || c.Scale < 0 || c.Scale > c.Precision || (c.Precision > 0 && c.Type != Decimal) {
			return nil, bad("column %q: precision %d, scale %d: want 0 <= scale <= precision, on a decimal column", c.Name, c.Precision, c.Scale)
		}
		d.colIdx[c.Name] = i
		d.cols = append(d.cols, catalog.Column{Table: t.Name, Name: c.Name, Type: c.Type, NotNull: c.NotNull, AutoInc: c.AutoIncrement, Precision: c.Precision, Scale: c.Scale})
		cd := &d.cols[i]
		if c.Default != nil {
			if c.AutoIncrement {
				return nil, bad("column %q is auto-increment and has a default", c.Name)
			}
			v, err := catalog.Coerce(cd, c.Default)
			if err != nil {
				return nil, fmt.Errorf("%w: table %q: column %q default: %w", ErrSchema, t.Name, c.Name, err)
			}
			cd.Default = v
		}
	}
	if len(t.PrimaryKey) == 0 {
		return nil, bad("no primary key")
	}
	var err error
	if d.pk, err = d.positions(t.PrimaryKey); err != nil {
		return nil, fmt.Errorf("%w: table %q: primary key: %w", ErrSchema, t.Name, err)
	}
	for _, p := range d.pk {
		d.cols[p].NotNull = true // primary key columns are NOT NULL, as in SQL
	}
	for i, c := range d.cols {
		if !c.AutoInc {
			continue
		}
		if len(d.pk) != 1 || d.pk[0] != i || c.Type != Int {
			return nil, bad("auto-increment column %q must be the table's whole primary key and of type int", c.Name)
		}
		d.autoInc = i
	}
	d.primary = next()
	for _, ix := range t.Indexes {
		if _, err := d.addIndex(ix, next); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// positions resolves column names, refusing unknown and repeated ones.
func (d *tableDef) positions(names []string) ([]int, error) {
	if len(names) == 0 {
		return nil, fmt.Errorf("no columns")
	}
	pos := make([]int, len(names))
	for i, n := range names {
		p, ok := d.colIdx[n]
		if !ok {
			return nil, fmt.Errorf("%w: %q", ErrNoColumn, n)
		}
		if slices.Contains(pos[:i], p) {
			return nil, fmt.Errorf("column %q repeated", n)
		}
		pos[i] = p
	}
	return pos, nil
}

// addIndex compiles ix into d (which must not be published yet).
func (d *tableDef) addIndex(ix Index, next func() txn.TreeID) (*indexDef, error) {
	if ix.Name == "" {
		return nil, fmt.Errorf("%w: table %q: index has no name", ErrSchema, d.name)
	}
	if ix.Name == d.pkName || d.index(ix.Name) != nil {
		return nil, fmt.Errorf("%w: index %q on table %q", ErrExists, ix.Name, d.name)
	}
	pos, err := d.positions(ix.Columns)
	if err != nil {
		return nil, fmt.Errorf("%w: table %q: index %q: %w", ErrSchema, d.name, ix.Name, err)
	}
	id := &indexDef{name: ix.Name, cols: pos, keyCols: append(slices.Clone(pos), d.pk...), unique: ix.Unique, tree: next()}
	if ix.Unique {
		// A unique index's keys end with the primary key only for rows
		// with a NULL (see appendIndexKey): the planner may not seek on it.
		id.keyCols = slices.Clone(pos)
	}
	d.indexes = append(d.indexes, id)
	return id, nil
}

func (d *tableDef) index(name string) *indexDef {
	for _, ix := range d.indexes {
		if ix.name == name {
			return ix
		}
	}
	return nil
}

// clone returns a copy of d that can be changed without affecting d.
func (d *tableDef) clone() *tableDef {
	c := *d
	c.indexes = slices.Clone(d.indexes)
	return &c
}

// table returns the declaration d was compiled from.
func (d *tableDef) table() Table {
	t := Table{Name: d.name, PrimaryKey: d.colNames(d.pk)}
	for _, c := range d.cols {
		t.Columns = append(t.Columns, Column{Name: c.Name, Type: c.Type, NotNull: c.NotNull, Default: exportValue(c.Default), AutoIncrement: c.AutoInc, Precision: c.Precision, Scale: c.Scale})
	}
	for _, ix := range d.indexes {
		t.Indexes = append(t.Indexes, Index{Name: ix.name, Columns: d.colNames(ix.cols), Unique: ix.unique})
	}
	return t
}
