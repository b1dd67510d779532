package ir

import (
	"fmt"
	"strings"
)

// Select is a query: a SELECT, a VALUES list or a set operation, with the
// clauses that apply to the whole (WITH, ORDER BY, LIMIT, OFFSET, locking).
// Exactly one of three forms is used:
//
//   - a SELECT: Targets (and optionally Distinct, From, Where, GroupBy,
//     Having);
//   - a VALUES list: Values, every row of the same length;
//   - a set operation: SetOp.
type Select struct {
	With *With // nil without WITH

	Distinct bool
	Targets  []Target
	From     []FromItem
	Where    Expr   // nil when absent
	GroupBy  []Expr // an *Ordinal for GROUP BY 1, a *GroupingSet for ROLLUP (...)
	Having   Expr   // nil when absent

	// GroupDistinct is GROUP BY DISTINCT: each grouping set once.
	GroupDistinct bool

	// DISTINCT ON (...), with Distinct false, and the WINDOW clause's
	// named windows, in their order.
	DistinctOn []Expr
	Windows    []WindowDef

	Values [][]Expr

	SetOp *SetOp

	OrderBy []OrderItem
	Limit   Expr // nil when absent; LIMIT ALL is a NULL Const
	Offset  Expr // nil when absent
	Locking []Locking
}

// Target is one select-list or RETURNING item.
type Target struct {
	Expr  Expr   // a Star ColumnRef for * and t.*
	Alias string // "" when no AS name was written
}

func (t Target) String() string {
	if t.Alias == "" {
		return exprString(t.Expr)
	}
	return exprString(t.Expr) + " AS " + Ident(t.Alias)
}

func targets(list []Target) string {
	parts := make([]string, len(list))
	for i, t := range list {
		parts[i] = t.String()
	}
	return strings.Join(parts, ", ")
}

// SetOp is Left UNION / INTERSECT / EXCEPT [ALL] Right.
type SetOp struct {
	Op          SetOpKind
	All         bool
	Left, Right *Select
}

// Locking is one FOR UPDATE / FOR SHARE clause.
type Locking struct {
	Strength LockStrength
	Tables   []string // OF t1, t2; empty for every table
	Wait     LockWait
}

func (l Locking) String() string {
	s := l.Strength.String()
	if len(l.Tables) > 0 {
		s += " OF " + idents(l.Tables)
	}
	if l.Wait != LockWaitBlock {
		s += " " + l.Wait.String()
	}
	return s
}

// With is a WITH [RECURSIVE] clause.
type With struct {
	Recursive bool
	CTEs      []CTE
}

func (w *With) String() string {
	var b strings.Builder
	b.WriteString("WITH ")
	if w.Recursive {
		b.WriteString("RECURSIVE ")
	}
	for i, c := range w.CTEs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(Ident(c.Name))
		if len(c.Columns) > 0 {
			b.WriteString("(" + idents(c.Columns) + ")")
		}
		b.WriteString(" AS ")
		if c.Materialize != MaterializeDefault {
			b.WriteString(c.Materialize.String() + " ")
		}
		if c.Write != nil {
			b.WriteString("(" + c.Write.String() + ")")
			continue
		}
		b.WriteString("(" + c.Query.String() + ")")
	}
	return b.String()
}

// CTE is one common table expression: a query, or (Write set, Query nil)
// a data-modifying statement, an *Insert, *Update or *Delete, allowed
// only in the WITH of a top-level statement.
type CTE struct {
	Name        string
	Columns     []string // optional column aliases
	Query       *Select
	Write       Statement
	Materialize Materialize
}

func (s *Select) String() string {
	var b strings.Builder
	if s.With != nil {
		b.WriteString(s.With.String() + " ")
	}
	switch {
	case s.SetOp != nil:
		b.WriteString("(" + s.SetOp.Left.String() + ") " + s.SetOp.Op.String())
		if s.SetOp.All {
			b.WriteString(" ALL")
		}
		b.WriteString(" (" + s.SetOp.Right.String() + ")")
	case s.Values != nil:
		b.WriteString("VALUES ")
		for i, row := range s.Values {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(" + exprs(row) + ")")
		}
	default:
		b.WriteString("SELECT ")
		if s.Distinct {
			b.WriteString("DISTINCT ")
		}
		if len(s.DistinctOn) > 0 {
			b.WriteString("DISTINCT ON (" + exprs(s.DistinctOn) + ") ")
		}
		b.WriteString(targets(s.Targets))
		if len(s.From) > 0 {
			b.WriteString(" FROM " + fromItems(s.From))
		}
		if s.Where != nil {
			b.WriteString(" WHERE " + s.Where.String())
		}
		if len(s.GroupBy) > 0 {
			b.WriteString(" GROUP BY ")
			if s.GroupDistinct {
				b.WriteString("DISTINCT ")
			}
			b.WriteString(exprs(s.GroupBy))
		}
		if s.Having != nil {
			b.WriteString(" HAVING " + s.Having.String())
		}
		for i, w := range s.Windows {
			if i == 0 {
				b.WriteString(" WINDOW ")
			} else {
				b.WriteString(", ")
			}
			b.WriteString(w.String())
		}
	}
	if len(s.OrderBy) > 0 {
		b.WriteString(" ORDER BY " + orderItems(s.OrderBy))
	}
	if s.Limit != nil {
		b.WriteString(" LIMIT " + s.Limit.String())
	}
	if s.Offset != nil {
		b.WriteString(" OFFSET " + s.Offset.String())
	}
	for _, l := range s.Locking {
		b.WriteString(" " + l.String())
	}
	return b.String()
}

// FromItem is one item of a FROM (or USING, or UPDATE ... FROM) list.
type FromItem interface {
	String() string
	fromItem()
}

func fromItems(list []FromItem) string {
	parts := make([]string, len(list))
	for i, f := range list {
		parts[i] = f.String()
	}
	return strings.Join(parts, ", ")
}

// Alias is a table alias with optional column aliases.
type Alias struct {
	Name    string
	Columns []string
}

func (a *Alias) String() string {
	if a == nil {
		return ""
	}
	s := " AS " + Ident(a.Name)
	if len(a.Columns) > 0 {
		s += "(" + idents(a.Columns) + ")"
	}
	return s
}

// TableRef is a table or view named in FROM.
type TableRef struct {
	Table    QualName
	Alias    *Alias // nil without alias
	Location int
}

func (t *TableRef) String() string { return t.Table.String() + t.Alias.String() }

// SubqueryRef is a subquery in FROM; PostgreSQL 16+ makes its alias
// optional.
type SubqueryRef struct {
	Query *Select
	Alias *Alias
	// Lateral is LATERAL: the subquery reads the columns of the FROM
	// items before it, row by row.
	Lateral bool
}

func (s *SubqueryRef) String() string {
	lateral := ""
	if s.Lateral {
		lateral = "LATERAL "
	}
	return lateral + "(" + s.Query.String() + ")" + s.Alias.String()
}

// Join is Left JOIN Right. An inner, left, right or full join has exactly
// one of On and Using; a cross join has neither.
type Join struct {
	Kind        JoinKind
	Left, Right FromItem
	On          Expr
	Using       []string
	// Natural is NATURAL: USING every column name both sides have, which
	// the executor finds; On and Using are then empty.
	Natural bool
}

func (j *Join) String() string {
	kind := j.Kind.String()
	if j.Natural {
		kind = "NATURAL " + kind
	}
	s := "(" + j.Left.String() + " " + kind + " " + j.Right.String()
	if j.On != nil {
		s += " ON " + j.On.String()
	}
	if len(j.Using) > 0 {
		s += " USING (" + idents(j.Using) + ")"
	}
	return s + ")"
}

// FuncRef is a function call in FROM: a set-returning function such as
// generate_series or unnest, whose rows are the item's, or any other
// function, read as one row. With Ordinality, a bigint column numbering
// the rows from 1 follows the function's columns (WITH ORDINALITY).
type FuncRef struct {
	Func       *Func
	Ordinality bool
	Alias      *Alias // nil without alias
	// Lateral is LATERAL, written; a function in FROM reads the columns
	// of the items before it whether or not it is written.
	Lateral bool
}

func (f *FuncRef) String() string {
	s := f.Func.String()
	if f.Lateral {
		s = "LATERAL " + s
	}
	if f.Ordinality {
		s += " WITH ORDINALITY"
	}
	return s + f.Alias.String()
}

func (*TableRef) fromItem()    {}
func (*SubqueryRef) fromItem() {}
func (*Join) fromItem()        {}
func (*FuncRef) fromItem()     {}

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
	_ fmt.Stringer = JoinInner
	_ fmt.Stringer = Union
	_ fmt.Stringer = ForUpdate
	_ fmt.Stringer = LockNoWait
	_ fmt.Stringer = Materialized
)
