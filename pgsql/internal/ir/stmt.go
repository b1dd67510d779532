package ir

import (
	"fmt"
	"strings"
)

// Statement is one SQL statement. The concrete types are the statement
// types of this package; the unexported method closes the set.
type Statement interface {
	String() string
	stmt()
}

// SetClause is one column assignment of UPDATE or ON CONFLICT DO UPDATE.
// SET (a, b) = (x, y) arrives as two clauses.
type SetClause struct {
	Column string
	Value  Expr // may be *Default
}

func (s SetClause) String() string { return Ident(s.Column) + " = " + exprString(s.Value) }

func setClauses(list []SetClause) string {
	parts := make([]string, len(list))
	for i, s := range list {
		parts[i] = s.String()
	}
	return strings.Join(parts, ", ")
}

// Insert is INSERT INTO table [(columns)] source [ON CONFLICT ...]
// [RETURNING ...]. The source is exactly one of: Values (rows whose items
// may be *Default), Query, or DefaultValues.
type Insert struct {
	With          *With
	Table         QualName
	Alias         string
	Columns       []string // empty: all columns in table order
	Overriding    Overriding
	Values        [][]Expr
	Query         *Select
	DefaultValues bool
	OnConflict    *OnConflict
	Returning     []Target
}

// OnConflict is an INSERT's ON CONFLICT clause. The conflict target is
// Columns (inferring a unique index or constraint over exactly those
// columns), Constraint (ON CONSTRAINT name) or neither (any conflict,
// allowed only with DO NOTHING).
type OnConflict struct {
	Columns    []string
	Exprs      []Expr // expression inference elements, after Columns
	IndexWhere Expr   // the inference's index predicate (WHERE before DO), nil when absent
	Constraint string
	DoUpdate   bool        // false: DO NOTHING
	Set        []SetClause // DO UPDATE SET; values may reference EXCLUDED
	Where      Expr        // DO UPDATE ... WHERE, nil when absent
}

func (o *OnConflict) String() string {
	var b strings.Builder
	b.WriteString("ON CONFLICT")
	if len(o.Columns) > 0 || len(o.Exprs) > 0 {
		parts := make([]string, 0, len(o.Columns)+len(o.Exprs))
		for _, c := range o.Columns {
			parts = append(parts, Ident(c))
		}
		for _, e := range o.Exprs {
			parts = append(parts, "("+e.String()+")")
		}
		b.WriteString(" (" + strings.Join(parts, ", ") + ")")
	}
	if o.IndexWhere != nil {
		b.WriteString(" WHERE " + o.IndexWhere.String())
	}
	if o.Constraint != "" {
		b.WriteString(" ON CONSTRAINT " + Ident(o.Constraint))
	}
	if !o.DoUpdate {
		b.WriteString(" DO NOTHING")
		return b.String()
	}
	b.WriteString(" DO UPDATE SET " + setClauses(o.Set))
	if o.Where != nil {
		b.WriteString(" WHERE " + o.Where.String())
	}
	return b.String()
}

func (s *Insert) String() string {
	var b strings.Builder
	writeTarget(&b, s.With, "INSERT INTO", s.Table, s.Alias)
	if len(s.Columns) > 0 {
		b.WriteString(" (" + idents(s.Columns) + ")")
	}
	if s.Overriding != OverridingNone {
		b.WriteString(" " + s.Overriding.String())
	}
	switch {
	case s.DefaultValues:
		b.WriteString(" DEFAULT VALUES")
	case s.Query != nil:
		b.WriteString(" " + s.Query.String())
	default:
		b.WriteString(" VALUES ")
		for i, row := range s.Values {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(" + exprs(row) + ")")
		}
	}
	if s.OnConflict != nil {
		b.WriteString(" " + s.OnConflict.String())
	}
	writeReturning(&b, s.Returning)
	return b.String()
}

// writeTarget writes the "[WITH ...] VERB table [AS alias]" head that
// INSERT, UPDATE and DELETE share.
func writeTarget(b *strings.Builder, w *With, verb string, table QualName, alias string) {
	if w != nil {
		b.WriteString(w.String() + " ")
	}
	b.WriteString(verb + " " + table.String())
	if alias != "" {
		b.WriteString(" AS " + Ident(alias))
	}
}

// writeWhereReturning writes the optional WHERE and RETURNING clauses that
// end UPDATE and DELETE.
func writeWhereReturning(b *strings.Builder, where Expr, r []Target) {
	if where != nil {
		b.WriteString(" WHERE " + where.String())
	}
	writeReturning(b, r)
}

// ReturningOf returns the RETURNING list of an INSERT, UPDATE or DELETE,
// nil for one without it and for any other statement.
func ReturningOf(st Statement) []Target {
	switch st := st.(type) {
	case *Insert:
		return st.Returning
	case *Update:
		return st.Returning
	case *Delete:
		return st.Returning
	}
	return nil
}

func writeReturning(b *strings.Builder, r []Target) {
	if len(r) > 0 {
		b.WriteString(" RETURNING " + targets(r))
	}
}

// Update is UPDATE table [AS alias] SET ... [FROM ...] [WHERE ...]
// [RETURNING ...].
type Update struct {
	With      *With
	Table     QualName
	Alias     string
	Set       []SetClause
	From      []FromItem
	Where     Expr
	Returning []Target
}

func (s *Update) String() string {
	var b strings.Builder
	writeTarget(&b, s.With, "UPDATE", s.Table, s.Alias)
	b.WriteString(" SET " + setClauses(s.Set))
	if len(s.From) > 0 {
		b.WriteString(" FROM " + fromItems(s.From))
	}
	writeWhereReturning(&b, s.Where, s.Returning)
	return b.String()
}

// Delete is DELETE FROM table [AS alias] [USING ...] [WHERE ...]
// [RETURNING ...].
type Delete struct {
	With      *With
	Table     QualName
	Alias     string
	Using     []FromItem
	Where     Expr
	Returning []Target
}

func (s *Delete) String() string {
	var b strings.Builder
	writeTarget(&b, s.With, "DELETE FROM", s.Table, s.Alias)
	if len(s.Using) > 0 {
		b.WriteString(" USING " + fromItems(s.Using))
	}
	writeWhereReturning(&b, s.Where, s.Returning)
	return b.String()
}

func (*Select) stmt() {}
func (*Insert) stmt() {}
func (*Update) stmt() {}
func (*Delete) stmt() {}

// Overriding is an INSERT's OVERRIDING clause.
type Overriding int

// OVERRIDING choices; OverridingNone means the clause is absent.
const (
	OverridingNone Overriding = iota
	OverridingUserValue
	OverridingSystemValue
)

func (o Overriding) String() string {
	return enumString("Overriding", []string{"", "OVERRIDING USER VALUE", "OVERRIDING SYSTEM VALUE"}, int(o))
}

var (
	_ fmt.Stringer = OverridingNone
)
