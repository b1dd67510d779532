package ir

import (
	"fmt"
	"strconv"
	"strings"
)

// Expr is a scalar expression. The concrete types are the ones in this
// file; the unexported method closes the set.
type Expr interface {
	String() string
	expr()
}

// Const is a literal. Value holds the exact source text for numbers, the
// decoded text for strings, "true"/"false" for booleans and "" for NULL.
type Const struct {
	Kind     ConstKind
	Value    string
	Location int
}

func (c *Const) String() string {
	switch c.Kind {
	case ConstNull:
		return "NULL"
	case ConstBool:
		return strings.ToUpper(c.Value)
	case ConstString:
		return quoteString(c.Value)
	case ConstBits:
		if c.Value == "" {
			return "B''"
		}
		return strings.ToUpper(c.Value[:1]) + quoteString(c.Value[1:])
	default:
		return c.Value
	}
}

// Param is a positional parameter $N.
type Param struct {
	Number   int // N, 1-based
	Location int // byte offset of the '$'
}

func (p *Param) String() string { return "$" + strconv.Itoa(p.Number) }

// ColumnRef names a column, possibly qualified, or all columns (Star) of
// one table or of the whole FROM clause.
type ColumnRef struct {
	Schema   string // "" unless written schema.table.column
	Table    string // qualifier, "" when unqualified
	Column   string // "" when Star
	Star     bool   // t.* or *
	Location int
}

func (c *ColumnRef) String() string {
	var parts []string
	if c.Schema != "" {
		parts = append(parts, Ident(c.Schema))
	}
	if c.Table != "" {
		parts = append(parts, Ident(c.Table))
	}
	if c.Star {
		parts = append(parts, "*")
	} else {
		parts = append(parts, Ident(c.Column))
	}
	return strings.Join(parts, ".")
}

// Ordinal is a positional reference to the select list (ORDER BY 2,
// GROUP BY 1). It appears only as an ORDER BY or GROUP BY item; range is
// checked when the list is known.
type Ordinal struct {
	N int64
}

func (o *Ordinal) String() string { return itoa(o.N) }

// Unary is a prefix operator application such as -x or NOT-less ~x.
type Unary struct {
	Op      string
	Operand Expr
}

func (u *Unary) String() string { return "(" + u.Op + " " + exprString(u.Operand) + ")" }

// Binary is an infix operator application; Op is the operator's name
// ("=", "<>", "+", "||", "~~" is never produced: LIKE has its own node).
type Binary struct {
	Op          string
	Left, Right Expr
}

func (b *Binary) String() string {
	return "(" + exprString(b.Left) + " " + b.Op + " " + exprString(b.Right) + ")"
}

// Logic is AND or OR over two or more arguments.
type Logic struct {
	Op   LogicOp
	Args []Expr
}

func (l *Logic) String() string {
	parts := make([]string, len(l.Args))
	for i, a := range l.Args {
		parts[i] = exprString(a)
	}
	return "(" + strings.Join(parts, " "+l.Op.String()+" ") + ")"
}

// Not is logical negation.
type Not struct {
	Arg Expr
}

func (n *Not) String() string { return "(NOT " + exprString(n.Arg) + ")" }

// IsNull is x IS NULL, or x IS NOT NULL when Not.
type IsNull struct {
	Arg Expr
	Not bool
}

func (n *IsNull) String() string {
	if n.Not {
		return "(" + exprString(n.Arg) + " IS NOT NULL)"
	}
	return "(" + exprString(n.Arg) + " IS NULL)"
}

// IsBool is x IS [NOT] TRUE / FALSE / UNKNOWN.
type IsBool struct {
	Arg  Expr
	Test BoolTest
}

func (n *IsBool) String() string { return "(" + exprString(n.Arg) + " " + n.Test.String() + ")" }

// IsDistinct is a IS DISTINCT FROM b, or IS NOT DISTINCT FROM when Not.
type IsDistinct struct {
	Left, Right Expr
	Not         bool
}

func (n *IsDistinct) String() string {
	op := " IS DISTINCT FROM "
	if n.Not {
		op = " IS NOT DISTINCT FROM "
	}
	return "(" + exprString(n.Left) + op + exprString(n.Right) + ")"
}

// Between is x [NOT] BETWEEN [SYMMETRIC] lo AND hi.
type Between struct {
	Arg, Low, High Expr
	Not, Symmetric bool
}

func (n *Between) String() string {
	var b strings.Builder
	b.WriteString("(" + exprString(n.Arg))
	if n.Not {
		b.WriteString(" NOT")
	}
	b.WriteString(" BETWEEN ")
	if n.Symmetric {
		b.WriteString("SYMMETRIC ")
	}
	b.WriteString(exprString(n.Low) + " AND " + exprString(n.High) + ")")
	return b.String()
}

// InList is x [NOT] IN (a, b, ...). IN (subquery) is a [Quantified].
type InList struct {
	Arg  Expr
	List []Expr
	Not  bool
}

func (n *InList) String() string {
	op := " IN ("
	if n.Not {
		op = " NOT IN ("
	}
	return "(" + exprString(n.Arg) + op + exprs(n.List) + "))"
}

// Quantified is x op ANY/ALL (array) or x op ANY/ALL (subquery); exactly
// one of Array and Query is set. x IN (subquery) is = ANY (subquery), and
// x NOT IN (subquery) is NOT (x = ANY (subquery)), as in PostgreSQL.
type Quantified struct {
	Left  Expr
	Op    string
	Quant Quantifier
	Array Expr
	Query *Select
}

func (n *Quantified) String() string {
	rhs := ""
	if n.Query != nil {
		rhs = n.Query.String()
	} else {
		rhs = exprString(n.Array)
	}
	return "(" + exprString(n.Left) + " " + n.Op + " " + n.Quant.String() + " (" + rhs + "))"
}

// Exists is EXISTS (subquery).
type Exists struct {
	Query *Select
}

func (n *Exists) String() string { return "EXISTS (" + n.Query.String() + ")" }

// Subquery is a scalar subquery: it yields one column and at most one
// row. With Array it is ARRAY(subquery): one column and any number of
// rows, collected into an array in row order.
type Subquery struct {
	Query *Select
	Array bool
}

func (n *Subquery) String() string {
	if n.Array {
		return "ARRAY(" + n.Query.String() + ")"
	}
	return "(" + n.Query.String() + ")"
}

// Subscript is Arg[Index], one element of an array (from 1); slices are
// not represented.
type Subscript struct {
	Arg, Index Expr
}

func (n *Subscript) String() string { return "(" + n.Arg.String() + ")[" + n.Index.String() + "]" }

// GroupingSetKind says what a GroupingSet lists.
type GroupingSetKind int

const (
	// GroupingSimple is a parenthesized list of expressions, (a, b): one
	// element of ROLLUP, CUBE or GROUPING SETS; () is the empty set.
	GroupingSimple GroupingSetKind = iota
	GroupingRollup                 // ROLLUP (a, b): (a, b), (a), ()
	GroupingCube                   // CUBE (a, b): every subset
	GroupingSets                   // GROUPING SETS (...): each item, flattened
)

// GroupingSet is a GROUP BY item that stands for several grouping sets.
// Items are expressions or, inside ROLLUP, CUBE and GROUPING SETS, nested
// GroupingSets.
type GroupingSet struct {
	Kind  GroupingSetKind
	Items []Expr
}

func (n *GroupingSet) String() string {
	switch n.Kind {
	case GroupingRollup:
		return "ROLLUP (" + exprs(n.Items) + ")"
	case GroupingCube:
		return "CUBE (" + exprs(n.Items) + ")"
	case GroupingSets:
		return "GROUPING SETS (" + exprs(n.Items) + ")"
	}
	return "(" + exprs(n.Items) + ")"
}

// Grouping is GROUPING(a, b, ...): a bit mask, first argument highest,
// with a bit set for each argument not grouped in the current grouping
// set.
type Grouping struct {
	Args []Expr
}

func (n *Grouping) String() string { return "GROUPING(" + exprs(n.Args) + ")" }

// Like is x [NOT] LIKE / ILIKE pattern [ESCAPE esc].
type Like struct {
	Arg, Pattern    Expr
	Escape          Expr // nil when absent
	Not             bool
	CaseInsensitive bool // ILIKE
}

func (n *Like) String() string {
	var b strings.Builder
	b.WriteString("(" + exprString(n.Arg))
	if n.Not {
		b.WriteString(" NOT")
	}
	if n.CaseInsensitive {
		b.WriteString(" ILIKE ")
	} else {
		b.WriteString(" LIKE ")
	}
	b.WriteString(exprString(n.Pattern))
	if n.Escape != nil {
		b.WriteString(" ESCAPE " + exprString(n.Escape))
	}
	b.WriteByte(')')
	return b.String()
}

// When is one WHEN ... THEN ... arm of a [Case].
type When struct {
	Cond, Result Expr
}

// Case is CASE [arg] WHEN ... THEN ... [ELSE ...] END. With Arg set it is
// the simple form: each Cond is compared with Arg for equality.
type Case struct {
	Arg   Expr // nil for the searched form
	Whens []When
	Else  Expr // nil when absent (NULL)
}

func (n *Case) String() string {
	var b strings.Builder
	b.WriteString("CASE")
	if n.Arg != nil {
		b.WriteString(" " + exprString(n.Arg))
	}
	for _, w := range n.Whens {
		b.WriteString(" WHEN " + exprString(w.Cond) + " THEN " + exprString(w.Result))
	}
	if n.Else != nil {
		b.WriteString(" ELSE " + exprString(n.Else))
	}
	b.WriteString(" END")
	return b.String()
}

// Coalesce is COALESCE(args...).
type Coalesce struct {
	Args []Expr
}

func (n *Coalesce) String() string { return "COALESCE(" + exprs(n.Args) + ")" }

// NullIf is NULLIF(a, b).
type NullIf struct {
	Left, Right Expr
}

func (n *NullIf) String() string {
	return "NULLIF(" + exprString(n.Left) + ", " + exprString(n.Right) + ")"
}

// MinMax is GREATEST(args...) or LEAST(args...).
type MinMax struct {
	Op   MinMaxOp
	Args []Expr
}

func (n *MinMax) String() string { return n.Op.String() + "(" + exprs(n.Args) + ")" }

// Cast is CAST(x AS type), x::type and type 'literal'.
type Cast struct {
	Arg      Expr
	Type     TypeName
	Location int
}

func (n *Cast) String() string { return "CAST(" + exprString(n.Arg) + " AS " + n.Type.String() + ")" }

// OrderItem is one ORDER BY item, in a query or inside an aggregate call.
type OrderItem struct {
	Expr  Expr // an *Ordinal for ORDER BY 2
	Dir   SortDir
	Nulls NullsOrder
}

func (o OrderItem) String() string {
	s := exprString(o.Expr)
	if o.Dir != SortDefault {
		s += " " + o.Dir.String()
	}
	if o.Nulls != NullsDefault {
		s += " " + o.Nulls.String()
	}
	return s
}

func orderItems(items []OrderItem) string {
	parts := make([]string, len(items))
	for i, o := range items {
		parts[i] = o.String()
	}
	return strings.Join(parts, ", ")
}

// Func is a function or aggregate call. Syntax such as EXTRACT(f FROM x),
// SUBSTRING(x FROM a FOR b), TRIM(...) and x AT TIME ZONE z arrives as the
// pg_catalog function PostgreSQL's grammar maps it to (Schema
// "pg_catalog", Name "extract", "substring", "btrim", "timezone", ...).
type Func struct {
	Schema   string // "" unless qualified
	Name     string
	Args     []Expr
	Star     bool        // count(*)
	Distinct bool        // count(DISTINCT x)
	OrderBy  []OrderItem // string_agg(x, ',' ORDER BY y); WITHIN GROUP's when WithinGroup
	// WithinGroup marks an ordered-set aggregate call, f(direct args)
	// WITHIN GROUP (ORDER BY ...): Args are the direct arguments and
	// OrderBy the aggregated ones.
	WithinGroup bool
	Filter      Expr    // an aggregate's FILTER (WHERE ...); nil for none
	Over        *Window // a window function call's OVER; nil for others
	Location    int
}

func (n *Func) String() string {
	var b strings.Builder
	if n.Schema != "" {
		b.WriteString(Ident(n.Schema) + ".")
	}
	b.WriteString(Ident(n.Name) + "(")
	if n.Star {
		b.WriteByte('*')
	}
	if n.Distinct {
		b.WriteString("DISTINCT ")
	}
	b.WriteString(exprs(n.Args))
	switch {
	case n.WithinGroup:
		b.WriteString(") WITHIN GROUP (ORDER BY " + orderItems(n.OrderBy))
	case len(n.OrderBy) > 0:
		b.WriteString(" ORDER BY " + orderItems(n.OrderBy))
	}
	b.WriteByte(')')
	if n.Filter != nil {
		b.WriteString(" FILTER (WHERE " + n.Filter.String() + ")")
	}
	if n.Over != nil {
		b.WriteString(" " + n.Over.String())
	}
	return b.String()
}

// ValueFunc is one of the SQL-standard niladic functions written without
// parentheses: CURRENT_DATE, CURRENT_TIME[(p)], CURRENT_TIMESTAMP[(p)],
// LOCALTIME[(p)], LOCALTIMESTAMP[(p)], CURRENT_USER, SESSION_USER, USER,
// CURRENT_ROLE, CURRENT_CATALOG, CURRENT_SCHEMA.
type ValueFunc struct {
	Name      string // lower case, e.g. "current_timestamp"
	Precision int    // -1 when not written
}

func (n *ValueFunc) String() string {
	s := strings.ToUpper(n.Name)
	if n.Precision >= 0 {
		s += "(" + strconv.Itoa(n.Precision) + ")"
	}
	return s
}

// Array is an ARRAY[...] constructor.
type Array struct {
	Elems []Expr
}

func (n *Array) String() string { return "ARRAY[" + exprs(n.Elems) + "]" }

// Row is a row constructor, ROW(a, b) or (a, b).
type Row struct {
	Elems []Expr
}

func (n *Row) String() string { return "ROW(" + exprs(n.Elems) + ")" }

// Default is the DEFAULT marker; it appears only as an INSERT VALUES item
// or an UPDATE SET value.
type Default struct{}

func (n *Default) String() string { return "DEFAULT" }

// NamedArg is name => arg, an argument of a function call given by its
// parameter's name; only a user-defined function's call runs it.
type NamedArg struct {
	Name string
	Arg  Expr
}

func (n *NamedArg) String() string { return Ident(n.Name) + " => " + n.Arg.String() }

func (*NamedArg) expr() {}

func (*Const) expr()       {}
func (*Param) expr()       {}
func (*ColumnRef) expr()   {}
func (*Ordinal) expr()     {}
func (*Unary) expr()       {}
func (*Binary) expr()      {}
func (*Logic) expr()       {}
func (*Not) expr()         {}
func (*IsNull) expr()      {}
func (*IsBool) expr()      {}
func (*IsDistinct) expr()  {}
func (*Between) expr()     {}
func (*InList) expr()      {}
func (*Quantified) expr()  {}
func (*Exists) expr()      {}
func (*Subquery) expr()    {}
func (*Subscript) expr()   {}
func (*GroupingSet) expr() {}
func (*Grouping) expr()    {}
func (*Like) expr()        {}
func (*Case) expr()        {}
func (*Coalesce) expr()    {}
func (*NullIf) expr()      {}
func (*MinMax) expr()      {}
func (*Cast) expr()        {}
func (*Func) expr()        {}
func (*ValueFunc) expr()   {}
func (*Array) expr()       {}
func (*Row) expr()         {}
func (*Default) expr()     {}

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

var (
	_ fmt.Stringer = ConstNull
	_ fmt.Stringer = IsTrue
	_ fmt.Stringer = And
	_ fmt.Stringer = Any
	_ fmt.Stringer = Greatest
	_ fmt.Stringer = SortAsc
	_ fmt.Stringer = NullsFirst
)
