package engine

import (
	"fmt"
	"slices"
	"sync/atomic"

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

// compileTable validates t and compiles it, allocating tree IDs from next.
func compileTable(t Table, next func() txn.TreeID) (*catalog.Table, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: table %q: %s", ErrSchema, t.Name, fmt.Sprintf(format, args...))
	}
	if t.Name == "" {
		return nil, fmt.Errorf("%w: table has no name", ErrSchema)
	}
	if len(t.Columns) == 0 {
		return nil, bad("no columns")
	}
	d := &catalog.Table{Name: t.Name, ColIdx: make(map[string]int, len(t.Columns)), AutoInc: -1, PKName: t.Name + "_pkey", Seq: new(atomic.Int64)}
	for i, c := range t.Columns {
		if c.Name == "" {
			return nil, bad("column %d has no name", i)
		}
		if _, dup := d.ColIdx[c.Name]; dup {
			return nil, bad("column %q declared twice", c.Name)
		}
		if !c.Type.Valid() {
			return nil, bad("column %q has invalid type %v", c.Name, c.Type)
		}
		if c.Precision < 0 || c.Scale < 0 || c.Scale > c.Precision || (c.Precision > 0 && c.Type != Decimal) {
			return nil, bad("column %q: precision %d, scale %d: want 0 <= scale <= precision, on a decimal column", c.Name, c.Precision, c.Scale)
		}
		d.ColIdx[c.Name] = i
		d.Cols = append(d.Cols, catalog.Column{Table: t.Name, Name: c.Name, Type: c.Type, NotNull: c.NotNull, AutoInc: c.AutoIncrement, Precision: c.Precision, Scale: c.Scale})
		cd := &d.Cols[i]
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
	if d.PK, err = d.Positions(t.PrimaryKey); err != nil {
		return nil, fmt.Errorf("%w: table %q: primary key: %w", ErrSchema, t.Name, err)
	}
	for _, p := range d.PK {
		d.Cols[p].NotNull = true // primary key columns are NOT NULL, as in SQL
	}
	for i, c := range d.Cols {
		if !c.AutoInc {
			continue
		}
		if len(d.PK) != 1 || d.PK[0] != i || c.Type != Int {
			return nil, bad("auto-increment column %q must be the table's whole primary key and of type int", c.Name)
		}
		d.AutoInc = i
	}
	d.Primary = next()
	for _, ix := range t.Indexes {
		if _, err := addIndex(d, ix, next); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// addIndex compiles ix into d (which must not be published yet).
func addIndex(d *catalog.Table, ix Index, next func() txn.TreeID) (*catalog.Index, error) {
	if ix.Name == "" {
		return nil, fmt.Errorf("%w: table %q: index has no name", ErrSchema, d.Name)
	}
	if ix.Name == d.PKName || d.Index(ix.Name) != nil {
		return nil, fmt.Errorf("%w: index %q on table %q", ErrExists, ix.Name, d.Name)
	}
	pos, err := d.Positions(ix.Columns)
	if err != nil {
		return nil, fmt.Errorf("%w: table %q: index %q: %w", ErrSchema, d.Name, ix.Name, err)
	}
	id := &catalog.Index{Name: ix.Name, Cols: pos, KeyCols: append(slices.Clone(pos), d.PK...), Unique: ix.Unique, Tree: next()}
	if ix.Unique {
		// A unique index's keys end with the primary key only for rows
		// with a NULL (see appendIndexKey): the planner may not seek on it.
		id.KeyCols = slices.Clone(pos)
	}
	d.Indexes = append(d.Indexes, id)
	return id, nil
}

// tableOf returns the declaration d was compiled from.
func tableOf(d *catalog.Table) Table {
	t := Table{Name: d.Name, PrimaryKey: d.ColNames(d.PK)}
	for _, c := range d.Cols {
		t.Columns = append(t.Columns, Column{Name: c.Name, Type: c.Type, NotNull: c.NotNull, Default: catalog.ExportValue(c.Default), AutoIncrement: c.AutoInc, Precision: c.Precision, Scale: c.Scale})
	}
	for _, ix := range d.Indexes {
		t.Indexes = append(t.Indexes, Index{Name: ix.Name, Columns: d.ColNames(ix.Cols), Unique: ix.Unique})
	}
	return t
}
