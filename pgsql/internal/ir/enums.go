package ir

import (
	"fmt"
	"strconv"
)

// enumString names an enum value from its table, or prints the type and
// number for a value outside it.
func enumString(typ string, names []string, v int) string {
	if v >= 0 && v < len(names) {
		return names[v]
	}
	return typ + "(" + strconv.Itoa(v) + ")"
}

// ConstKind says which kind of literal a [Const] is.
type ConstKind int

// Literal kinds.
const (
	ConstNull    ConstKind = iota // NULL
	ConstBool                     // TRUE or FALSE
	ConstInteger                  // an integer literal that fits int64: int4 if it fits 32 bits, else int8
	ConstNumeric                  // any other numeric literal (numeric), exact text
	ConstString                   // a string literal (type unknown until resolved)
	ConstBits                     // B'0101' or X'1F', Value holds "b0101" or "x1F"
)

func (k ConstKind) String() string {
	return enumString("ConstKind", []string{"null", "bool", "integer", "numeric", "string", "bits"}, int(k))
}

// JoinKind is the kind of a [Join].
type JoinKind int

// Join kinds. A CROSS JOIN has neither ON nor USING.
const (
	JoinInner JoinKind = iota
	JoinLeft
	JoinRight
	JoinFull
	JoinCross
)

func (k JoinKind) String() string {
	return enumString("JoinKind", []string{"JOIN", "LEFT JOIN", "RIGHT JOIN", "FULL JOIN", "CROSS JOIN"}, int(k))
}

// SetOpKind is the operator of a set operation.
type SetOpKind int

// Set operations.
const (
	Union SetOpKind = iota
	Intersect
	Except
)

func (k SetOpKind) String() string {
	return enumString("SetOpKind", []string{"UNION", "INTERSECT", "EXCEPT"}, int(k))
}

// SortDir is the direction of an ORDER BY item or index column.
type SortDir int

// Sort directions; SortDefault is ASC but remembers that none was written.
const (
	SortDefault SortDir = iota
	SortAsc
	SortDesc
)

func (d SortDir) String() string {
	return enumString("SortDir", []string{"", "ASC", "DESC"}, int(d))
}

// NullsOrder places NULLs in an ORDER BY item or index column.
type NullsOrder int

// NULLS placement; NullsDefault means last for ASC and first for DESC.
const (
	NullsDefault NullsOrder = iota
	NullsFirst
	NullsLast
)

func (n NullsOrder) String() string {
	return enumString("NullsOrder", []string{"", "NULLS FIRST", "NULLS LAST"}, int(n))
}

// BoolTest is the test of an [IsBool] expression.
type BoolTest int

// Boolean tests.
const (
	IsTrue BoolTest = iota
	IsNotTrue
	IsFalse
	IsNotFalse
	IsUnknown
	IsNotUnknown
)

func (t BoolTest) String() string {
	return enumString("BoolTest", []string{"IS TRUE", "IS NOT TRUE", "IS FALSE", "IS NOT FALSE", "IS UNKNOWN", "IS NOT UNKNOWN"}, int(t))
}

// LogicOp is AND or OR.
type LogicOp int

// Logical operators.
const (
	And LogicOp = iota
	Or
)

func (o LogicOp) String() string {
	return enumString("LogicOp", []string{"AND", "OR"}, int(o))
}

// Quantifier is ANY (SOME) or ALL.
type Quantifier int

// Quantifiers.
const (
	Any Quantifier = iota
	All
)

func (q Quantifier) String() string {
	return enumString("Quantifier", []string{"ANY", "ALL"}, int(q))
}

// MinMaxOp is GREATEST or LEAST.
type MinMaxOp int

// GREATEST and LEAST.
const (
	Greatest MinMaxOp = iota
	Least
)

func (o MinMaxOp) String() string {
	return enumString("MinMaxOp", []string{"GREATEST", "LEAST"}, int(o))
}

// LockStrength is the strength of a FOR UPDATE / FOR SHARE clause.
type LockStrength int

// Row lock strengths, weakest first.
const (
	ForKeyShare LockStrength = iota
	ForShare
	ForNoKeyUpdate
	ForUpdate
)

func (s LockStrength) String() string {
	return enumString("LockStrength", []string{"FOR KEY SHARE", "FOR SHARE", "FOR NO KEY UPDATE", "FOR UPDATE"}, int(s))
}

// LockWait is what a locking clause does when a row is locked.
type LockWait int

// Wait policies.
const (
	LockWaitBlock LockWait = iota
	LockNoWait
	LockSkipLocked
)

func (w LockWait) String() string {
	return enumString("LockWait", []string{"", "NOWAIT", "SKIP LOCKED"}, int(w))
}

// ObjectKind names a kind of schema object in DROP and COMMENT ON.
type ObjectKind int

// Object kinds.
const (
	ObjectTable ObjectKind = iota
	ObjectIndex
	ObjectView
	ObjectColumn
	ObjectConstraint
)

func (k ObjectKind) String() string {
	return enumString("ObjectKind", []string{"TABLE", "INDEX", "VIEW", "COLUMN", "CONSTRAINT"}, int(k))
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

// Isolation is a transaction isolation level as written.
type Isolation int

// Isolation levels; IsolationDefault means none was given.
const (
	IsolationDefault Isolation = iota
	ReadUncommitted
	ReadCommitted
	RepeatableRead
	Serializable
)

func (l Isolation) String() string {
	return enumString("Isolation", []string{"", "READ UNCOMMITTED", "READ COMMITTED", "REPEATABLE READ", "SERIALIZABLE"}, int(l))
}

// AccessMode is READ ONLY or READ WRITE as written.
type AccessMode int

// Access modes; AccessDefault means none was given.
const (
	AccessDefault AccessMode = iota
	ReadWrite
	ReadOnly
)

func (m AccessMode) String() string {
	return enumString("AccessMode", []string{"", "READ WRITE", "READ ONLY"}, int(m))
}

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

// Materialize is a CTE's [NOT] MATERIALIZED hint.
type Materialize int

// Materialisation hints.
const (
	MaterializeDefault Materialize = iota
	Materialized
	NotMaterialized
)

func (m Materialize) String() string {
	return enumString("Materialize", []string{"", "MATERIALIZED", "NOT MATERIALIZED"}, int(m))
}

var (
	_ fmt.Stringer = ConstNull
	_ fmt.Stringer = JoinInner
	_ fmt.Stringer = Union
	_ fmt.Stringer = SortAsc
	_ fmt.Stringer = NullsFirst
	_ fmt.Stringer = IsTrue
	_ fmt.Stringer = And
	_ fmt.Stringer = Any
	_ fmt.Stringer = Greatest
	_ fmt.Stringer = ForUpdate
	_ fmt.Stringer = LockNoWait
	_ fmt.Stringer = ObjectTable
	_ fmt.Stringer = PrimaryKey
	_ fmt.Stringer = Cascade
	_ fmt.Stringer = MatchFull
	_ fmt.Stringer = IdentitySerial
	_ fmt.Stringer = Serializable
	_ fmt.Stringer = ReadOnly
	_ fmt.Stringer = OverridingNone
	_ fmt.Stringer = Materialized
)
