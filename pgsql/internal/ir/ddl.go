package ir

import (
	"fmt"
	"strings"
)

// CreateTable is CREATE TABLE [IF NOT EXISTS] name (columns, constraints).
type CreateTable struct {
	Table       QualName
	IfNotExists bool
	Columns     []ColumnDef
	Constraints []Constraint // table constraints, in source order
}

// ColumnDef is a column definition, in CREATE TABLE or ALTER TABLE ADD
// COLUMN. Column constraints other than NULL, NOT NULL, DEFAULT and
// identity are in Constraints with Columns set to this column.
type ColumnDef struct {
	Name     string
	Type     TypeName // serial types arrive as int2/int4/int8 with Identity
	NotNull  bool     // NOT NULL written, or implied by serial or identity (not by PRIMARY KEY: the planner applies that)
	Default  Expr     // nil when absent
	Identity *Identity
	// Generated is the expression of GENERATED ALWAYS AS (expr) STORED,
	// nil for a column that is not generated.
	Generated   Expr
	Constraints []Constraint
}

// Identity marks a column whose values the database generates.
type Identity struct {
	Kind IdentityKind
	// Options are the identity's sequence options, written in
	// parentheses after IDENTITY; nil when there are none.
	Options *SequenceOptions
}

func (c ColumnDef) String() string {
	var b strings.Builder
	b.WriteString(Ident(c.Name) + " " + c.Type.String())
	if c.Identity != nil {
		b.WriteString(" " + c.Identity.Kind.String())
		if o := c.Identity.Options; o != nil {
			b.WriteString(" (" + strings.TrimPrefix(o.String(), " ") + ")")
		}
	}
	if c.NotNull {
		b.WriteString(" NOT NULL")
	}
	if c.Default != nil {
		b.WriteString(" DEFAULT " + c.Default.String())
	}
	if c.Generated != nil {
		b.WriteString(" GENERATED ALWAYS AS (" + c.Generated.String() + ") STORED")
	}
	for _, k := range c.Constraints {
		b.WriteString(" " + k.String())
	}
	return b.String()
}

// Constraint is a PRIMARY KEY, UNIQUE, CHECK or FOREIGN KEY constraint.
type Constraint struct {
	Name    string // "" when unnamed; the executor derives PostgreSQL's name
	Kind    ConstraintKind
	Columns []string // key columns (PK, UNIQUE) or referencing columns (FK)
	Check   Expr     // CHECK expression

	NullsNotDistinct bool // UNIQUE NULLS NOT DISTINCT

	// Include and Options are a PRIMARY KEY's or UNIQUE's INCLUDE columns
	// and WITH storage parameters, nil when absent.
	Include []string
	Options []IndexOption

	ForeignKey *ForeignKeyDef // set for ForeignKey

	// Deferrable is true for DEFERRABLE and for INITIALLY DEFERRED, which
	// implies it. Only UNIQUE, PRIMARY KEY and FOREIGN KEY can be deferrable.
	Deferrable        bool
	InitiallyDeferred bool

	// NotValid is NOT VALID, for a CHECK or FOREIGN KEY: ALTER TABLE ADD
	// CONSTRAINT leaves the rows already there unchecked until VALIDATE
	// CONSTRAINT; CREATE TABLE ignores it, as PostgreSQL does.
	NotValid bool
}

// ForeignKeyDef is the REFERENCES part of a foreign key.
type ForeignKeyDef struct {
	RefTable   QualName
	RefColumns []string // empty: the referenced table's primary key
	Match      MatchKind
	OnDelete   RefAction
	OnUpdate   RefAction
	// OnDeleteColumns restricts ON DELETE SET NULL / SET DEFAULT to these
	// columns (PostgreSQL 15+); empty means all referencing columns.
	OnDeleteColumns []string
}

func (k Constraint) String() string {
	var b strings.Builder
	if k.Name != "" {
		b.WriteString("CONSTRAINT " + Ident(k.Name) + " ")
	}
	switch k.Kind {
	case Check:
		b.WriteString("CHECK (" + exprString(k.Check) + ")")
	case ForeignKey:
		b.WriteString("FOREIGN KEY (" + idents(k.Columns) + ") REFERENCES " + k.ForeignKey.RefTable.String())
		fk := k.ForeignKey
		if len(fk.RefColumns) > 0 {
			b.WriteString(" (" + idents(fk.RefColumns) + ")")
		}
		if fk.Match != MatchSimple {
			b.WriteString(" " + fk.Match.String())
		}
		if fk.OnDelete != NoAction {
			b.WriteString(" ON DELETE " + fk.OnDelete.String())
			if len(fk.OnDeleteColumns) > 0 {
				b.WriteString(" (" + idents(fk.OnDeleteColumns) + ")")
			}
		}
		if fk.OnUpdate != NoAction {
			b.WriteString(" ON UPDATE " + fk.OnUpdate.String())
		}
	default:
		b.WriteString(k.Kind.String())
		if k.NullsNotDistinct {
			b.WriteString(" NULLS NOT DISTINCT")
		}
		b.WriteString(" (" + idents(k.Columns) + ")")
		if len(k.Include) > 0 {
			b.WriteString(" INCLUDE (" + idents(k.Include) + ")")
		}
		if len(k.Options) > 0 {
			b.WriteString(" WITH (")
			for i, o := range k.Options {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(o.String())
			}
			b.WriteByte(')')
		}
	}
	if k.Deferrable {
		b.WriteString(" DEFERRABLE")
	}
	if k.InitiallyDeferred {
		b.WriteString(" INITIALLY DEFERRED")
	}
	if k.NotValid {
		b.WriteString(" NOT VALID")
	}
	return b.String()
}

func (s *CreateTable) String() string {
	var b strings.Builder
	b.WriteString("CREATE TABLE ")
	if s.IfNotExists {
		b.WriteString("IF NOT EXISTS ")
	}
	b.WriteString(s.Table.String() + " (")
	n := 0
	for _, c := range s.Columns {
		if n > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c.String())
		n++
	}
	for _, k := range s.Constraints {
		if n > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k.String())
		n++
	}
	b.WriteByte(')')
	return b.String()
}

// IndexElem is one key of an index: a column or an expression.
type IndexElem struct {
	Column    string // "" when Expr is set
	Expr      Expr
	Collation string // COLLATE name, "" when absent
	Opclass   string // operator class, "" when absent
	Dir       SortDir
	Nulls     NullsOrder
}

func (e IndexElem) String() string {
	s := ""
	if e.Expr != nil {
		s = "(" + e.Expr.String() + ")"
	} else {
		s = Ident(e.Column)
	}
	if e.Collation != "" {
		s += ` COLLATE "` + strings.ReplaceAll(e.Collation, `"`, `""`) + `"`
	}
	if e.Opclass != "" {
		s += " " + Ident(e.Opclass)
	}
	if e.Dir != SortDefault {
		s += " " + e.Dir.String()
	}
	if e.Nulls != NullsDefault {
		s += " " + e.Nulls.String()
	}
	return s
}

// CreateIndex is CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS]
// [name] ON table (elems) [INCLUDE (columns)] [WITH (options)] [WHERE
// predicate]. Only the btree method is accepted.
type CreateIndex struct {
	Name             string // "" when not written
	Table            QualName
	Unique           bool
	NullsNotDistinct bool
	IfNotExists      bool
	Concurrently     bool
	Elems            []IndexElem
	Include          []string      // INCLUDE columns, nil when absent
	Options          []IndexOption // WITH storage parameters, nil when absent
	Where            Expr          // the partial index's predicate, nil when absent
}

// IndexOption is one storage parameter of WITH (name [= value]): Value is
// the value's text as written (a number's digits, a word, a string's
// contents), "" when none was given.
type IndexOption struct {
	Name   string
	Value  string
	Quoted bool // Value was a string literal
}

func (o IndexOption) String() string {
	switch {
	case o.Quoted:
		return Ident(o.Name) + " = " + quoteString(o.Value)
	case o.Value != "":
		return Ident(o.Name) + " = " + o.Value
	}
	return Ident(o.Name)
}

func (s *CreateIndex) String() string {
	var b strings.Builder
	b.WriteString("CREATE ")
	if s.Unique {
		b.WriteString("UNIQUE ")
	}
	b.WriteString("INDEX ")
	if s.Concurrently {
		b.WriteString("CONCURRENTLY ")
	}
	if s.IfNotExists {
		b.WriteString("IF NOT EXISTS ")
	}
	if s.Name != "" {
		b.WriteString(Ident(s.Name) + " ")
	}
	b.WriteString("ON " + s.Table.String() + " (")
	for i, e := range s.Elems {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(e.String())
	}
	b.WriteByte(')')
	if s.Include != nil {
		b.WriteString(" INCLUDE (" + idents(s.Include) + ")")
	}
	if s.NullsNotDistinct {
		b.WriteString(" NULLS NOT DISTINCT")
	}
	if s.Options != nil {
		b.WriteString(" WITH (")
		for i, o := range s.Options {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(o.String())
		}
		b.WriteByte(')')
	}
	if s.Where != nil {
		b.WriteString(" WHERE " + s.Where.String())
	}
	return b.String()
}

// Drop is DROP TABLE / INDEX / VIEW / SEQUENCE [IF EXISTS] names [CASCADE].
type Drop struct {
	Kind     ObjectKind // ObjectTable, ObjectIndex, ObjectView or ObjectSequence
	Names    []QualName
	IfExists bool
	Cascade  bool
}

func (s *Drop) String() string {
	var b strings.Builder
	b.WriteString("DROP " + s.Kind.String() + " ")
	if s.IfExists {
		b.WriteString("IF EXISTS ")
	}
	for i, n := range s.Names {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(n.String())
	}
	if s.Cascade {
		b.WriteString(" CASCADE")
	}
	return b.String()
}

// AlterTable is ALTER TABLE [IF EXISTS] name action, .... RENAME forms
// arrive as a single RenameTable or RenameColumn action.
type AlterTable struct {
	Table    QualName
	IfExists bool
	Cmds     []AlterCmd
}

func (s *AlterTable) String() string {
	var b strings.Builder
	b.WriteString("ALTER TABLE ")
	if s.IfExists {
		b.WriteString("IF EXISTS ")
	}
	b.WriteString(s.Table.String() + " ")
	for i, c := range s.Cmds {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c.String())
	}
	return b.String()
}

// AlterCmd is one ALTER TABLE action.
type AlterCmd interface {
	String() string
	alterCmd()
}

// AddColumn is ADD COLUMN [IF NOT EXISTS] def.
type AddColumn struct {
	Column      ColumnDef
	IfNotExists bool
}

// DropColumn is DROP COLUMN [IF EXISTS] name [CASCADE].
type DropColumn struct {
	Name     string
	IfExists bool
	Cascade  bool
}

// AddConstraint is ADD constraint.
type AddConstraint struct {
	Constraint Constraint
}

// DropConstraint is DROP CONSTRAINT [IF EXISTS] name [CASCADE].
type DropConstraint struct {
	Name     string
	IfExists bool
	Cascade  bool
}

// SetColumnDefault is ALTER COLUMN c SET DEFAULT e, or DROP DEFAULT when
// Default is nil.
type SetColumnDefault struct {
	Column  string
	Default Expr
}

// SetColumnNotNull is ALTER COLUMN c SET NOT NULL, or DROP NOT NULL when
// NotNull is false.
type SetColumnNotNull struct {
	Column  string
	NotNull bool
}

// SetColumnType is ALTER COLUMN c [SET DATA] TYPE t [USING e].
type SetColumnType struct {
	Column string
	Type   TypeName
	Using  Expr // nil when absent
}

// RenameTable is RENAME TO name.
type RenameTable struct {
	NewName string
}

// RenameColumn is RENAME [COLUMN] old TO new.
type RenameColumn struct {
	Column, NewName string
}

// RenameConstraint is RENAME CONSTRAINT old TO new.
type RenameConstraint struct {
	Constraint, NewName string
}

// DropExpression is ALTER COLUMN c DROP EXPRESSION [IF EXISTS].
type DropExpression struct {
	Column   string
	IfExists bool
}

func (c *DropExpression) String() string {
	return "ALTER COLUMN " + Ident(c.Column) + " DROP EXPRESSION" + map[bool]string{true: " IF EXISTS"}[c.IfExists]
}

func (*DropExpression) alterCmd() {}

// ValidateConstraint is VALIDATE CONSTRAINT name.
type ValidateConstraint struct {
	Name string
}

func (c *AddColumn) String() string {
	if c.IfNotExists {
		return "ADD COLUMN IF NOT EXISTS " + c.Column.String()
	}
	return "ADD COLUMN " + c.Column.String()
}

func (c *DropColumn) String() string {
	return "DROP COLUMN " + ifExists(c.IfExists) + Ident(c.Name) + cascade(c.Cascade)
}

func (c *AddConstraint) String() string { return "ADD " + c.Constraint.String() }

func (c *DropConstraint) String() string {
	return "DROP CONSTRAINT " + ifExists(c.IfExists) + Ident(c.Name) + cascade(c.Cascade)
}

func (c *SetColumnDefault) String() string {
	if c.Default == nil {
		return "ALTER COLUMN " + Ident(c.Column) + " DROP DEFAULT"
	}
	return "ALTER COLUMN " + Ident(c.Column) + " SET DEFAULT " + c.Default.String()
}

func (c *SetColumnNotNull) String() string {
	if c.NotNull {
		return "ALTER COLUMN " + Ident(c.Column) + " SET NOT NULL"
	}
	return "ALTER COLUMN " + Ident(c.Column) + " DROP NOT NULL"
}

func (c *SetColumnType) String() string {
	s := "ALTER COLUMN " + Ident(c.Column) + " TYPE " + c.Type.String()
	if c.Using != nil {
		s += " USING " + c.Using.String()
	}
	return s
}

func (c *RenameTable) String() string { return "RENAME TO " + Ident(c.NewName) }

func (c *RenameColumn) String() string {
	return "RENAME COLUMN " + Ident(c.Column) + " TO " + Ident(c.NewName)
}

func (c *ValidateConstraint) String() string { return "VALIDATE CONSTRAINT " + Ident(c.Name) }

func (c *RenameConstraint) String() string {
	return "RENAME CONSTRAINT " + Ident(c.Constraint) + " TO " + Ident(c.NewName)
}

func ifExists(b bool) string {
	if b {
		return "IF EXISTS "
	}
	return ""
}

func cascade(b bool) string {
	if b {
		return " CASCADE"
	}
	return ""
}

// RenameIndex is ALTER INDEX [IF EXISTS] name RENAME TO new.
type RenameIndex struct {
	Index    QualName
	IfExists bool
	NewName  string
}

func (s *RenameIndex) String() string {
	return "ALTER INDEX " + ifExists(s.IfExists) + s.Index.String() + " RENAME TO " + Ident(s.NewName)
}

// CreateView is CREATE [OR REPLACE] VIEW name [(columns)] AS query.
type CreateView struct {
	View      QualName
	OrReplace bool
	Columns   []string
	Query     *Select
}

func (s *CreateView) String() string {
	var b strings.Builder
	b.WriteString("CREATE ")
	if s.OrReplace {
		b.WriteString("OR REPLACE ")
	}
	b.WriteString("VIEW " + s.View.String())
	if len(s.Columns) > 0 {
		b.WriteString(" (" + idents(s.Columns) + ")")
	}
	b.WriteString(" AS " + s.Query.String())
	return b.String()
}

// Truncate is TRUNCATE [TABLE] names [RESTART IDENTITY] [CASCADE].
type Truncate struct {
	Tables          []QualName
	RestartIdentity bool
	Cascade         bool
}

func (s *Truncate) String() string {
	parts := make([]string, len(s.Tables))
	for i, t := range s.Tables {
		parts[i] = t.String()
	}
	out := "TRUNCATE " + strings.Join(parts, ", ")
	if s.RestartIdentity {
		out += " RESTART IDENTITY"
	}
	return out + cascade(s.Cascade)
}

// Maintenance is VACUUM or ANALYZE [table [(columns)], ...]; no Tables
// means every table.
type Maintenance struct {
	Vacuum bool // VACUUM, else ANALYZE
	Tables []MaintenanceTarget
}

// MaintenanceTarget is one table of VACUUM or ANALYZE, with the columns
// named for it.
type MaintenanceTarget struct {
	Table   QualName
	Columns []string
}

func (s *Maintenance) String() string {
	out := "ANALYZE"
	if s.Vacuum {
		out = "VACUUM"
	}
	for i, t := range s.Tables {
		if i > 0 {
			out += ","
		}
		out += " " + t.Table.String()
		if len(t.Columns) > 0 {
			cols := make([]string, len(t.Columns))
			for j, c := range t.Columns {
				cols[j] = Ident(c)
			}
			out += " (" + strings.Join(cols, ", ") + ")"
		}
	}
	return out
}

// CommentOn is COMMENT ON TABLE / VIEW / INDEX / COLUMN / CONSTRAINT ... IS
// 'text' | NULL. For a column, Object names the table and Column the
// column; for a constraint, Object names the table and Constraint it.
type CommentOn struct {
	Kind       ObjectKind
	Object     QualName
	Column     string
	Constraint string
	Comment    string
	Null       bool // IS NULL: remove the comment
}

func (s *CommentOn) String() string {
	target := s.Object.String()
	switch s.Kind {
	case ObjectColumn:
		target += "." + Ident(s.Column)
	case ObjectConstraint:
		target = Ident(s.Constraint) + " ON " + target
	}
	val := "NULL"
	if !s.Null {
		val = quoteString(s.Comment)
	}
	return "COMMENT ON " + s.Kind.String() + " " + target + " IS " + val
}

func (*CreateTable) stmt() {}
func (*CreateIndex) stmt() {}
func (*Drop) stmt()        {}
func (*AlterTable) stmt()  {}
func (*RenameIndex) stmt() {}
func (*CreateView) stmt()  {}
func (*Truncate) stmt()    {}
func (*Maintenance) stmt() {}
func (*CommentOn) stmt()   {}

func (*AddColumn) alterCmd()          {}
func (*DropColumn) alterCmd()         {}
func (*AddConstraint) alterCmd()      {}
func (*DropConstraint) alterCmd()     {}
func (*SetColumnDefault) alterCmd()   {}
func (*SetColumnNotNull) alterCmd()   {}
func (*SetColumnType) alterCmd()      {}
func (*RenameTable) alterCmd()        {}
func (*RenameColumn) alterCmd()       {}
func (*RenameConstraint) alterCmd()   {}
func (*ValidateConstraint) alterCmd() {}

// ObjectKind names a kind of schema object in DROP and COMMENT ON.
type ObjectKind int

// Object kinds.
const (
	ObjectTable ObjectKind = iota
	ObjectIndex
	ObjectView
	ObjectColumn
	ObjectConstraint
	ObjectSequence
	ObjectType
	ObjectDomain
)

func (k ObjectKind) String() string {
	return enumString("ObjectKind", []string{"TABLE", "INDEX", "VIEW", "COLUMN", "CONSTRAINT", "SEQUENCE", "TYPE", "DOMAIN"}, int(k))
}

// ConstraintKind is the kind of a table or column [Constraint].
type ConstraintKind int

// Constraint kinds. NOT NULL and DEFAULT are column properties, not
// constraints, in the IR (see [ColumnDef]).
const (
	PrimaryKey ConstraintKind = iota
	Unique
	Check
	ForeignKey
)

func (k ConstraintKind) String() string {
	return enumString("ConstraintKind", []string{"PRIMARY KEY", "UNIQUE", "CHECK", "FOREIGN KEY"}, int(k))
}

// RefAction is a foreign key's ON DELETE / ON UPDATE action.
type RefAction int

// Referential actions; NoAction is the default.
const (
	NoAction RefAction = iota
	Restrict
	Cascade
	SetNull
	SetDefault
)

func (a RefAction) String() string {
	return enumString("RefAction", []string{"NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT"}, int(a))
}

// MatchKind is a foreign key's MATCH type.
type MatchKind int

// MATCH SIMPLE (the default) and MATCH FULL. MATCH PARTIAL is rejected, as
// PostgreSQL rejects it.
const (
	MatchSimple MatchKind = iota
	MatchFull
)

func (m MatchKind) String() string {
	return enumString("MatchKind", []string{"MATCH SIMPLE", "MATCH FULL"}, int(m))
}

// IdentityKind says how a column generates its values.
type IdentityKind int

// Identity kinds: serial pseudo-types and GENERATED ... AS IDENTITY.
const (
	IdentitySerial    IdentityKind = iota // serial, bigserial, smallserial
	IdentityAlways                        // GENERATED ALWAYS AS IDENTITY
	IdentityByDefault                     // GENERATED BY DEFAULT AS IDENTITY
)

func (k IdentityKind) String() string {
	return enumString("IdentityKind", []string{"SERIAL", "GENERATED ALWAYS AS IDENTITY", "GENERATED BY DEFAULT AS IDENTITY"}, int(k))
}

var (
	_ fmt.Stringer = ObjectTable
	_ fmt.Stringer = PrimaryKey
	_ fmt.Stringer = Cascade
	_ fmt.Stringer = MatchFull
	_ fmt.Stringer = IdentitySerial
)
