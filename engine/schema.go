package engine

import (
	"github.com/reldb/reldb/internal/catalog"
	"github.com/reldb/reldb/txn"
)

// Table declares a table: its ordered columns, primary key and indexes.
type Table struct {
	Name    string   // the table's name, unique in the database
	Columns []Column // in order: a row's values come in this order
	// PrimaryKey lists the primary key's columns, in key order. Every table
	// has one; its columns are NOT NULL.
	PrimaryKey []string
	// PrimaryKeyName names the primary key constraint, as errors and SQL's
	// catalogs show it; "" means <table>_pkey.
	PrimaryKeyName string
	// Indexes are secondary indexes; Unique ones are unique constraints.
	Indexes []Index
}

// Column declares one column.
type Column struct {
	Name    string // the column's name, unique in the table
	Type    Type   // Int, Float, Text, Bool, Bytes, Time or Decimal; see Type
	NotNull bool   // refuse NULL (ErrNotNull, SQLSTATE 23502)
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
	Name    string   // the index's name, unique in the table (and not <table>_pkey)
	Columns []string // the indexed columns, in key order
	Unique  bool     // a unique constraint: ErrUnique, SQLSTATE 23505, on a duplicate
}

// compileTable validates t and compiles it, allocating tree IDs from next.
func compileTable(t Table, next func() txn.TreeID) (*catalog.Table, error) {
	cols := make([]catalog.Column, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = catalog.Column{Name: c.Name, Type: c.Type, NotNull: c.NotNull, Default: c.Default,
			AutoInc: c.AutoIncrement, Precision: c.Precision, Scale: c.Scale}
	}
	d, err := catalog.NewTable(t.Name, cols, t.PrimaryKey, next)
	if err != nil {
		return nil, err
	}
	if t.PrimaryKeyName != "" {
		d.PKName = t.PrimaryKeyName
	}
	for _, ix := range t.Indexes {
		if _, err := d.AddIndex(ix.Name, ix.Columns, ix.Unique, next); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// tableOf returns the declaration d was compiled from.
func tableOf(d *catalog.Table) Table {
	t := Table{Name: d.Name, PrimaryKey: d.ColNames(d.PK)}
	if d.PKName != d.Name+"_pkey" {
		t.PrimaryKeyName = d.PKName
	}
	for _, c := range d.Cols {
		t.Columns = append(t.Columns, Column{Name: c.Name, Type: c.Type, NotNull: c.NotNull, Default: catalog.ExportValue(c.Default), AutoIncrement: c.AutoInc, Precision: c.Precision, Scale: c.Scale})
	}
	for _, ix := range d.Indexes {
		t.Indexes = append(t.Indexes, Index{Name: ix.Name, Columns: d.ColNames(ix.Cols), Unique: ix.Unique})
	}
	return t
}
