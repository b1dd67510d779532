package pgsql

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/reldb/reldb/pgsql/internal/ir"
)

// A view's definition is shown as PostgreSQL 15's pg_get_viewdef shows
// it: not the text CREATE VIEW was given but the query deparsed from its
// analysed form, every column qualified by its table (PostgreSQL 15's
// view queries hold two more range entries, so it always qualifies),
// each select-list item on a line of its own, clauses on lines indented
// as ruleutils.c indents them, the casts that analysis added shown, and
// parentheses either where the operators need them (pretty, as psql's
// \d+ asks) or around every operator (pg_views and the other callers).
//
// reldb keeps a view's parsed query, not an analysed one, so viewdef
// types what it prints as PostgreSQL's analysis would: a column's type,
// a literal's, the implicit casts between integers and numeric and from
// varchar to text, an untyped literal taking its other operand's type.
// That is done for the queries most views are: one SELECT over tables
// and views, joined with JOIN ... ON, with comparisons, arithmetic, AND,
// OR, NOT, IS NULL, a few aggregates and functions, GROUP BY, HAVING,
// ORDER BY, LIMIT and OFFSET. For anything else (subqueries, CASE, IN,
// LIKE, set operations, other types and functions) the definition is the
// query's own canonical text, which reads back as the same view but is
// not what PostgreSQL prints.

// viewDefinition is the text of v's definition: pretty as
// pg_get_viewdef(view, true) gives it, else as pg_views and
// pg_get_viewdef(view) do.
func (c *catalogSnapshot) viewDefinition(v *viewDef, pretty bool) string {
	d := &viewDeparser{c: c, v: v, pretty: pretty}
	if text, ok := d.query(); ok {
		return text
	}
	return viewDefinition(v)
}

// viewDeparser deparses one view's query.
type viewDeparser struct {
	c      *catalogSnapshot
	v      *viewDef
	pretty bool
	rels   []*viewRel
	// bare prints columns unqualified, as a constraint's definition and
	// an index's expressions do (see checkClause, exprindex.go).
	bare bool
}

// checkClause is the text PostgreSQL shows for CHECK constraint con (in
// pg_get_constraintdef after CHECK, and information_schema's
// check_clause): its expression deparsed as ruleutils.c deparses it, in
// one more pair of parentheses; not pretty, with parentheses around every
// operator. An expression the deparser does not handle shows as its
// canonical text in one pair.
func checkClause(con *catalogConstraint, pretty bool) string {
	if text, ok := tableExprText(con.table, con.check, pretty); ok {
		return "(" + text + ")"
	}
	return parenthesized(con.check)
}

// tableExprText deparses e, an expression over the columns of table t (a
// CHECK constraint's, a generated column's), as ruleutils.c deparses it;
// ok is false for an expression the deparser does not handle.
func tableExprText(t *catalogTable, e ir.Expr, pretty bool) (string, bool) {
	ts := t.ts
	rel := &viewRel{ref: t.name(), types: ts.types}
	for _, c := range ts.def.Columns {
		rel.names = append(rel.names, c.Name)
	}
	d := &viewDeparser{rels: []*viewRel{rel}, bare: true, pretty: pretty}
	x, ok := d.expr(e)
	if !ok || x.lit != "" || x.null {
		return "", false
	}
	return x.text, true
}

// viewRel is one relation of the query's FROM: the name its columns are
// qualified with, and its columns.
type viewRel struct {
	ref   string
	names []string
	types []sqlType
}

// dexpr is a deparsed expression: its text, its type, and its kind, which
// decides where pretty printing needs parentheses around it.
type dexpr struct {
	text string
	typ  sqlType
	kind dkind
	op   string // the operator of an dOp
	// lit is an untyped string literal's value, not yet typed by its
	// context; text is then empty.
	lit  string
	null bool // an untyped NULL
	// column is the name of the column a bare column reference reads;
	// call marks a function call, aggregate or cast, konst a literal.
	column      string
	call, konst bool
}

type dkind int

const (
	dSimple dkind = iota // a column, a literal, a function call
	dOp                  // an operator: + - * / and comparisons
	dAnd
	dOr
	dNot
	dNullTest
	dArrayOp // x = ANY (ARRAY[...]), from IN
)

func (d *viewDeparser) query() (string, bool) {
	q := d.v.query
	if q.With != nil || q.SetOp != nil || q.Values != nil || len(q.Locking) > 0 || q.DistinctOn != nil || q.Windows != nil {
		return "", false
	}
	var b strings.Builder
	b.WriteString(" SELECT ")
	if q.Distinct {
		b.WriteString("DISTINCT ")
	}
	items := make([]string, len(q.From))
	for i, f := range q.From {
		text, ok := d.from(f)
		if !ok {
			return "", false
		}
		items[i] = text
	}
	from := strings.Join(items, ",\n    ")
	targets, ok := d.targets(q.Targets)
	if !ok || len(targets) != len(d.v.columns) {
		return "", false
	}
	for i, t := range targets {
		if i > 0 {
			b.WriteString(",\n    ")
		}
		b.WriteString(t.text)
		name := d.v.columns[i].Name
		if !t.isColumn(name) {
			b.WriteString(" AS " + viewIdent(name))
		}
	}
	if from != "" {
		b.WriteString("\n   FROM " + from)
	}
	if q.Where != nil {
		w, ok := d.boolean(q.Where)
		if !ok {
			return "", false
		}
		b.WriteString("\n  WHERE " + w)
	}
	if len(q.GroupBy) > 0 {
		parts := make([]string, len(q.GroupBy))
		for i, g := range q.GroupBy {
			e, ok := d.sortKey(g, q.Targets, targets, false /* outputFirst */)
			if !ok {
				return "", false
			}
			if parts[i], ok = d.sortText(e); !ok {
				return "", false
			}
		}
		b.WriteString("\n  GROUP BY " + strings.Join(parts, ", "))
	}
	if q.Having != nil {
		h, ok := d.boolean(q.Having)
		if !ok {
			return "", false
		}
		b.WriteString("\n HAVING " + h)
	}
	if len(q.OrderBy) > 0 {
		parts := make([]string, len(q.OrderBy))
		for i, o := range q.OrderBy {
			e, ok := d.sortKey(o.Expr, q.Targets, targets, true /* outputFirst */)
			if !ok {
				return "", false
			}
			if parts[i], ok = d.sortText(e); !ok {
				return "", false
			}
			desc := o.Dir == ir.SortDesc
			if desc {
				parts[i] += " DESC"
			}
			if o.Nulls == ir.NullsFirst && !desc {
				parts[i] += " NULLS FIRST"
			} else if o.Nulls == ir.NullsLast && desc {
				parts[i] += " NULLS LAST"
			}
		}
		b.WriteString("\n  ORDER BY " + strings.Join(parts, ", "))
	}
	for _, c := range []struct {
		word string
		e    ir.Expr
	}{{"OFFSET", q.Offset}, {"LIMIT", q.Limit}} {
		if c.e == nil {
			continue
		}
		k, ok := c.e.(*ir.Const)
		if !ok || k.Kind != ir.ConstInteger {
			return "", false
		}
		if _, err := strconv.ParseInt(k.Value, 10, 32); err != nil {
			return "", false
		}
		b.WriteString("\n " + c.word + " " + k.Value)
	}
	b.WriteString(";")
	return b.String(), true
}

// isColumn reports whether a select-list item is a bare column named
// name, which PostgreSQL shows without AS.
func (e dexpr) isColumn(name string) bool { return e.column != "" && e.column == name }

// sortText is an ORDER BY or GROUP BY item as ruleutils.c's
// get_rule_sortgroupclause prints it: a column bare, anything else in
// parentheses when pretty, and a function call or cast in parentheses
// otherwise (so that none reads as a column number). ok is false for a
// literal, which it prints its own way.
func (d *viewDeparser) sortText(e dexpr) (string, bool) {
	switch {
	case e.konst:
		return "", false
	case e.column != "":
		return e.text, true
	case d.pretty || e.call:
		return "(" + e.text + ")", true
	}
	return e.text, true
}

// targets deparses the select list, each * as the columns it stood for
// when the view was created.
func (d *viewDeparser) targets(list []ir.Target) ([]dexpr, bool) {
	var out []dexpr
	for _, t := range list {
		if c, ok := t.Expr.(*ir.ColumnRef); ok && c.Star {
			fixed, ok := d.v.stars[c]
			if !ok {
				return nil, false
			}
			for _, f := range fixed {
				ref := f.ref
				e, ok := d.expr(&ref)
				if !ok {
					return nil, false
				}
				out = append(out, e)
			}
			continue
		}
		e, ok := d.expr(t.Expr)
		if !ok {
			return nil, false
		}
		if e, ok = d.settle(e, typText); !ok {
			return nil, false
		}
		out = append(out, e)
	}
	return out, true
}

// sortKey deparses an ORDER BY or GROUP BY item: an ordinal, or a name
// of the select list (ORDER BY looks there first), is the item it names.
func (d *viewDeparser) sortKey(e ir.Expr, list []ir.Target, targets []dexpr, outputFirst bool) (dexpr, bool) {
	if o, ok := e.(*ir.Ordinal); ok {
		if o.N < 1 || int(o.N) > len(list) || len(targets) != len(list) {
			return dexpr{}, false
		}
		return targets[o.N-1], true
	}
	if c, ok := e.(*ir.ColumnRef); ok && c.Table == "" && !c.Star && len(targets) == len(list) {
		byName := -1
		for i := range d.v.columns {
			if d.v.columns[i].Name == c.Column {
				if byName >= 0 {
					return dexpr{}, false // ambiguous
				}
				byName = i
			}
		}
		_, _, input := d.column(c)
		if byName >= 0 && (outputFirst || !input) {
			return targets[byName], true
		}
	}
	x, ok := d.expr(e)
	if !ok {
		return dexpr{}, false
	}
	return d.settle(x, typText)
}

// from deparses a FROM item: a table or view, or a join of them (left
// deep: each right side a table or view).
func (d *viewDeparser) from(f ir.FromItem) (string, bool) {
	switch f := f.(type) {
	case *ir.TableRef:
		return d.table(f)
	case *ir.Join:
		if f.On == nil || len(f.Using) > 0 || f.Kind == ir.JoinCross {
			return "", false
		}
		right, ok := f.Right.(*ir.TableRef)
		if !ok {
			return "", false
		}
		left, ok := d.from(f.Left)
		if !ok {
			return "", false
		}
		r, ok := d.table(right)
		if !ok {
			return "", false
		}
		on, ok := d.boolean(f.On)
		if !ok {
			return "", false
		}
		s := left + "\n     " + f.Kind.String() + " " + r + " ON " + on
		if !d.pretty {
			s = "(" + left + "\n     " + f.Kind.String() + " " + r + " ON (" + on + "))"
		}
		return s, true
	}
	return "", false
}

// table deparses a table or view of FROM and adds it to the relations
// column references resolve against.
func (d *viewDeparser) table(t *ir.TableRef) (string, bool) {
	if t.Table.Schema != "" && t.Table.Schema != "public" {
		return "", false
	}
	rel := d.c.byName[t.Table.Name]
	if rel == nil || (t.Alias != nil && len(t.Alias.Columns) > 0) {
		return "", false
	}
	r := &viewRel{ref: t.Table.Name}
	text := viewIdent(t.Table.Name)
	if t.Alias != nil {
		r.ref = t.Alias.Name
		text += " " + viewIdent(t.Alias.Name)
	}
	for _, i := range rel.ts.visibleColumns() {
		r.names = append(r.names, rel.ts.def.Columns[i].Name)
		r.types = append(r.types, rel.ts.types[i])
	}
	for _, other := range d.rels {
		if other.ref == r.ref {
			return "", false
		}
	}
	d.rels = append(d.rels, r)
	return text, true
}

// column resolves a column reference.
func (d *viewDeparser) column(c *ir.ColumnRef) (*viewRel, int, bool) {
	if c.Star || c.Schema != "" {
		return nil, 0, false
	}
	var found *viewRel
	at := -1
	for _, r := range d.rels {
		if c.Table != "" && r.ref != c.Table {
			continue
		}
		for i, n := range r.names {
			if n == c.Column {
				if found != nil {
					return nil, 0, false // ambiguous
				}
				found, at = r, i
			}
		}
	}
	return found, at, found != nil
}

// boolean deparses a condition (WHERE, HAVING, ON).
func (d *viewDeparser) boolean(e ir.Expr) (string, bool) {
	x, ok := d.expr(e)
	if !ok || x.typ.kind != kBool || x.lit != "" || x.null {
		return "", false
	}
	return x.text, true
}

// expr deparses an expression of the supported kinds.
func (d *viewDeparser) expr(e ir.Expr) (dexpr, bool) {
	switch e := e.(type) {
	case *ir.ColumnRef:
		r, i, ok := d.column(e)
		if !ok {
			return dexpr{}, false
		}
		text := viewIdent(r.names[i])
		if !d.bare {
			text = viewIdent(r.ref) + "." + text
		}
		return dexpr{text: text, typ: r.types[i], column: r.names[i]}, true
	case *ir.Const:
		return d.constant(e, false /* negative */)
	case *ir.Unary:
		if e.Op != "-" {
			return dexpr{}, false
		}
		if k, ok := e.Operand.(*ir.Const); ok {
			return d.constant(k, true /* negative */)
		}
		x, ok := d.expr(e.Operand)
		if !ok || !(x.typ.isInt() || x.typ.kind == kNumeric) || x.typ.array {
			return dexpr{}, false
		}
		text := "- " + d.paren(x, dOp, "-", false /* left */)
		if !d.pretty {
			text = "(" + text + ")"
		}
		return dexpr{text: text, typ: x.typ, kind: dOp, op: "-"}, true
	case *ir.Binary:
		return d.binary(e)
	case *ir.Logic:
		kind, word := dAnd, " AND "
		if e.Op == ir.Or {
			kind, word = dOr, " OR "
		}
		// PostgreSQL's grammar makes a AND b AND c one AND of three: it
		// flattens an AND (OR) on the left of another.
		args := e.Args
		for len(args) > 0 {
			inner, ok := args[0].(*ir.Logic)
			if !ok || inner.Op != e.Op {
				break
			}
			args = append(slices.Clip(inner.Args), args[1:]...)
		}
		parts := make([]string, len(args))
		for i, a := range args {
			x, ok := d.expr(a)
			if !ok || x.typ.kind != kBool || x.lit != "" || x.null {
				return dexpr{}, false
			}
			parts[i] = d.paren(x, kind, "", false)
		}
		text := strings.Join(parts, word)
		if !d.pretty {
			text = "(" + text + ")"
		}
		return dexpr{text: text, typ: typBool, kind: kind}, true
	case *ir.Not:
		x, ok := d.expr(e.Arg)
		if !ok || x.typ.kind != kBool || x.lit != "" || x.null {
			return dexpr{}, false
		}
		text := "NOT " + d.paren(x, dNot, "", false)
		if !d.pretty {
			text = "(" + text + ")"
		}
		return dexpr{text: text, typ: typBool, kind: dNot}, true
	case *ir.IsNull:
		x, ok := d.expr(e.Arg)
		if !ok || x.lit != "" || x.null {
			return dexpr{}, false
		}
		text := d.paren(x, dNullTest, "", false) + " IS NULL"
		if e.Not {
			text = d.paren(x, dNullTest, "", false) + " IS NOT NULL"
		}
		if !d.pretty {
			text = "(" + text + ")"
		}
		return dexpr{text: text, typ: typBool, kind: dNullTest}, true
	case *ir.Func:
		return d.function(e)
	case *ir.Between:
		// Analysis expands BETWEEN into its two comparisons.
		if e.Not || e.Symmetric {
			return dexpr{}, false
		}
		return d.expr(&ir.Logic{Op: ir.And, Args: []ir.Expr{
			&ir.Binary{Op: ">=", Left: e.Arg, Right: e.Low}, &ir.Binary{Op: "<=", Left: e.Arg, Right: e.High}}})
	case *ir.Like:
		if e.Escape != nil {
			return dexpr{}, false
		}
		op := "~~"
		if e.CaseInsensitive {
			op += "*"
		}
		if e.Not {
			op = "!" + op
		}
		return d.binary(&ir.Binary{Op: op, Left: e.Arg, Right: e.Pattern})
	case *ir.InList:
		return d.inList(e)
	case *ir.Cast:
		return d.explicitCast(e)
	}
	return dexpr{}, false
}

// inList deparses x IN (list) as analysis makes it: x = one item, or
// x = ANY (ARRAY[items]) of integers or text (not varchar, whose array
// PostgreSQL casts whole).
func (d *viewDeparser) inList(e *ir.InList) (dexpr, bool) {
	if e.Not || len(e.List) == 0 {
		return dexpr{}, false
	}
	if len(e.List) == 1 {
		return d.binary(&ir.Binary{Op: "=", Left: e.Arg, Right: e.List[0]})
	}
	x, ok := d.expr(e.Arg)
	if !ok || x.typ.array {
		return dexpr{}, false
	}
	elems := make([]string, len(e.List))
	for i, item := range e.List {
		y, ok := d.expr(item)
		switch {
		case !ok || !y.konst:
			return dexpr{}, false
		case x.typ.kind == kInt4 && y.typ.kind == kInt4:
		case x.typ.kind == kText && y.lit != "":
			y, _ = d.settle(y, typText)
		default:
			return dexpr{}, false
		}
		elems[i] = y.text
	}
	text := d.paren(x, dArrayOp, "", true) + " = ANY (ARRAY[" + strings.Join(elems, ", ") + "])"
	if !d.pretty {
		text = "(" + text + ")"
	}
	return dexpr{text: text, typ: typBool, kind: dArrayOp}, true
}

// explicitCast deparses the casts analysis keeps as PostgreSQL shows
// them: integer to numeric, varchar to text, a literal to text; a cast
// to the type its operand has already goes.
func (d *viewDeparser) explicitCast(e *ir.Cast) (dexpr, bool) {
	t, err := typeOf(e.Type)
	if err != nil || t.array {
		return dexpr{}, false
	}
	x, ok := d.expr(e.Arg)
	if !ok || x.null || x.typ.array {
		return dexpr{}, false
	}
	switch {
	case x.lit != "" && t == typText:
		return d.settle(x, typText)
	case x.typ.isInt() && t == typNumeric:
		return d.cast(x, typNumeric), true
	case x.typ.kind == kVarchar && t == typText:
		return d.cast(x, typText), true
	case x.lit == "" && x.typ == t && (t == typText || t == typInt4 || t == typInt8 || t == typNumeric || t == typBool):
		return x, true
	}
	return dexpr{}, false
}

// constant deparses a literal, negated if negative (PostgreSQL's grammar
// folds the minus into the constant).
func (d *viewDeparser) constant(k *ir.Const, negative bool) (dexpr, bool) {
	sign := ""
	if negative {
		sign = "-"
	}
	switch k.Kind {
	case ir.ConstInteger:
		v, err := strconv.ParseInt(sign+k.Value, 10, 64)
		if err != nil {
			return dexpr{}, false
		}
		switch {
		case v >= 0 && v <= math.MaxInt32:
			return dexpr{text: k.Value, typ: typInt4, konst: true}, true
		case v >= math.MinInt32 && v <= math.MaxInt32:
			return dexpr{text: "'" + sign + k.Value + "'::integer", typ: typInt4, konst: true}, true
		}
		return dexpr{text: "'" + sign + k.Value + "'::bigint", typ: typInt8, konst: true}, true
	case ir.ConstNumeric:
		if strings.ContainsAny(k.Value, "eE") {
			return dexpr{}, false
		}
		if negative {
			return dexpr{text: "'-" + k.Value + "'::numeric", typ: typNumeric, konst: true}, true
		}
		return dexpr{text: k.Value, typ: typNumeric, konst: true}, true
	case ir.ConstString:
		if negative || strings.ContainsRune(k.Value, '\\') {
			return dexpr{}, false
		}
		return dexpr{lit: k.Value, typ: typUnknown, konst: true}, true
	case ir.ConstBool:
		if negative {
			return dexpr{}, false
		}
		return dexpr{text: strings.ToLower(k.Value), typ: typBool, konst: true}, true
	case ir.ConstNull:
		if negative {
			return dexpr{}, false
		}
		return dexpr{null: true, typ: typUnknown, konst: true}, true
	}
	return dexpr{}, false
}

// settle gives an untyped literal the type t, as analysis does where
// nothing else types it (text in a select list).
func (d *viewDeparser) settle(x dexpr, t sqlType) (dexpr, bool) {
	switch {
	case x.null:
		return dexpr{text: "NULL::" + viewTypeName(t), typ: t, konst: true}, true
	case x.lit != "" || (x.typ.kind == kUnknown && x.text == ""):
		if t.kind != kText {
			return dexpr{}, false
		}
		return dexpr{text: "'" + strings.ReplaceAll(x.lit, "'", "''") + "'::text", typ: t, konst: true}, true
	}
	return x, true
}

// cast shows the implicit cast of x to t.
func (d *viewDeparser) cast(x dexpr, t sqlType) dexpr {
	text := x.text
	if !d.pretty || x.kind != dSimple {
		text = "(" + text + ")"
	}
	return dexpr{text: text + "::" + viewTypeName(t), typ: t, call: true}
}

// binary deparses an operator, typing its operands as PostgreSQL's
// operator resolution would for the combinations it supports.
func (d *viewDeparser) binary(e *ir.Binary) (dexpr, bool) {
	l, ok := d.expr(e.Left)
	if !ok {
		return dexpr{}, false
	}
	r, ok := d.expr(e.Right)
	if !ok || l.null || r.null || l.typ.array || r.typ.array {
		return dexpr{}, false
	}
	compare := false
	textOnly := false
	switch e.Op {
	case "=", "<>", "<", ">", "<=", ">=":
		compare = true
	case "~~", "~~*", "!~~", "!~~*":
		compare, textOnly = true, true
	case "+", "-", "*", "/", "||":
	default:
		return dexpr{}, false
	}
	family := func(t sqlType) string {
		switch {
		case t.isInt():
			return "int"
		case t.kind == kNumeric:
			return "numeric"
		case t.kind == kText || t.kind == kVarchar:
			return "text"
		case t.kind == kBool:
			return "bool"
		case t.kind == kUnknown:
			return "unknown"
		}
		return ""
	}
	lf, rf := family(l.typ), family(r.typ)
	var result sqlType
	switch {
	case textOnly && (lf != "text" || !(rf == "text" || rf == "unknown")):
		return dexpr{}, false
	case e.Op == "||":
		ltext, rtext := lf == "text" || lf == "unknown", rf == "text" || rf == "unknown"
		switch {
		case lf == "unknown" && rf == "unknown", !ltext && !rtext:
			return dexpr{}, false
		case ltext && rtext:
			l, r = d.toText(l), d.toText(r)
		case ltext && rf != "":
			l = d.toText(l) // textanycat: the other side stays as it is
		case rtext && lf != "":
			r = d.toText(r) // anytextcat
		default:
			return dexpr{}, false
		}
		result = typText
	case lf == "text" || rf == "text":
		if !compare || !(lf == "text" || lf == "unknown") || !(rf == "text" || rf == "unknown") {
			return dexpr{}, false
		}
		l, r = d.toText(l), d.toText(r)
	case lf == "int" && rf == "int":
		result = l.typ
		if r.typ.kind > l.typ.kind {
			result = r.typ
		}
		if e.Op == "/" || e.Op == "-" || e.Op == "+" || e.Op == "*" {
			// int2 op int2 is int2; mixed widths take the wider.
			result = sqlType{kind: max(l.typ.kind, r.typ.kind)}
		}
	case lf == "numeric" && rf == "numeric":
		result = typNumeric
	case lf == "numeric" && rf == "int":
		r, result = d.cast(r, typNumeric), typNumeric
	case lf == "int" && rf == "numeric":
		l, result = d.cast(l, typNumeric), typNumeric
	case lf == "bool" && rf == "bool" && compare:
	default:
		return dexpr{}, false
	}
	if compare {
		result = typBool
	}
	text := d.paren(l, dOp, e.Op, true) + " " + e.Op + " " + d.paren(r, dOp, e.Op, false)
	if !d.pretty {
		text = "(" + text + ")"
	}
	return dexpr{text: text, typ: result, kind: dOp, op: e.Op}, true
}

// toText types an operand of a text operator: a literal as text, a
// varchar through its implicit cast to text.
func (d *viewDeparser) toText(x dexpr) dexpr {
	switch {
	case x.lit != "" || (x.typ.kind == kUnknown && x.text == ""):
		y, _ := d.settle(x, typText)
		return y
	case x.typ.kind == kVarchar:
		return d.cast(x, typText)
	}
	return x
}

// viewFuncs are the functions viewdef deparses, with their result type
// for an argument of type t (ok false for an argument they do not take).
var viewFuncs = map[string]func(t sqlType) (sqlType, bool){
	"count": func(sqlType) (sqlType, bool) { return typInt8, true },
	"sum": func(t sqlType) (sqlType, bool) {
		switch t.kind {
		case kInt2, kInt4:
			return typInt8, true
		case kInt8, kNumeric:
			return typNumeric, true
		}
		return sqlType{}, false
	},
	"avg":   func(t sqlType) (sqlType, bool) { return typNumeric, t.isInt() || t.kind == kNumeric },
	"min":   func(t sqlType) (sqlType, bool) { return minMaxType(t), t.isInt() || t.kind == kNumeric || t.isText() },
	"max":   func(t sqlType) (sqlType, bool) { return minMaxType(t), t.isInt() || t.kind == kNumeric || t.isText() },
	"upper": func(t sqlType) (sqlType, bool) { return typText, t.kind == kText },
	"lower": func(t sqlType) (sqlType, bool) { return typText, t.kind == kText },
}

// function deparses a call of one of viewFuncs.
func (d *viewDeparser) function(f *ir.Func) (dexpr, bool) {
	result := viewFuncs[f.Name]
	if f.Schema != "" || result == nil || len(f.OrderBy) > 0 || f.Over != nil || f.Filter != nil {
		return dexpr{}, false
	}
	if f.Star {
		if f.Name != "count" || len(f.Args) > 0 || f.Distinct {
			return dexpr{}, false
		}
		return dexpr{text: "count(*)", typ: typInt8, call: true}, true
	}
	if len(f.Args) != 1 {
		return dexpr{}, false
	}
	x, ok := d.expr(f.Args[0])
	if !ok || x.lit != "" || x.null || x.typ.array {
		return dexpr{}, false
	}
	t, ok := result(x.typ)
	if !ok {
		return dexpr{}, false
	}
	distinct := ""
	if f.Distinct {
		distinct = "DISTINCT "
	}
	return dexpr{text: f.Name + "(" + distinct + x.text + ")", typ: t, call: true}, true
}

// paren returns x's text as an operand of a parent of kind parent (with
// operator op): in parentheses where pretty printing needs them, as
// ruleutils.c's isSimpleNode decides; never otherwise, since without
// pretty printing every operator brings its own.
func (d *viewDeparser) paren(x dexpr, parent dkind, op string, left bool) string {
	if !d.pretty || viewSimple(x, parent, op, left) {
		return x.text
	}
	return "(" + x.text + ")"
}

// viewSimple is ruleutils.c's isSimpleNode for the kinds viewdef prints.
func viewSimple(x dexpr, parent dkind, op string, left bool) bool {
	switch x.kind {
	case dSimple:
		return true
	case dOp:
		if parent == dOp {
			lo, hi := strings.Contains("+-", x.op), strings.Contains("*/", x.op)
			plo, phi := strings.Contains("+-", op), strings.Contains("*/", op)
			if len(x.op) != 1 || len(op) != 1 || !(lo || hi) || !(plo || phi) {
				return false
			}
			if hi && plo {
				return true
			}
			if lo && phi {
				return false
			}
			return left // same priority: (a - b) - c, not a - (b - c)
		}
		return parent == dAnd || parent == dOr || parent == dNot
	case dNullTest:
		return parent == dAnd || parent == dOr || parent == dNot
	case dNot, dAnd:
		return parent == dAnd || parent == dOr
	case dOr:
		return parent == dOr
	}
	return false
}

// viewTypeName is format_type's name of a type in a cast.
func viewTypeName(t sqlType) string {
	switch t.kind {
	case kInt4:
		return "integer"
	case kInt8:
		return "bigint"
	case kInt2:
		return "smallint"
	case kVarchar:
		return "character varying"
	case kBool:
		return "boolean"
	}
	return kindNames[t.kind]
}

// viewIdent is quote_identifier: bare for a lower-case name that is not a
// keyword PostgreSQL reserves in any way, double-quoted otherwise.
func viewIdent(s string) string {
	if colNameKeywords[s] {
		return `"` + s + `"`
	}
	return ir.Ident(s)
}

// colNameKeywords are PostgreSQL's column-name keywords, which
// quote_identifier quotes too (ir.Ident quotes the reserved ones).
var colNameKeywords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`between bigint bit boolean char character coalesce dec decimal
		exists extract float greatest grouping inout int integer interval least national nchar none
		normalize nullif numeric out overlay position precision real row setof smallint substring
		time timestamp treat trim values varchar xmlattributes xmlconcat xmlelement xmlexists
		xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable`) {
		m[w] = true
	}
	return m
}()

// minMaxType is the type of min or max of a t: varchar's is text, as
// PostgreSQL has no varchar version of either.
func minMaxType(t sqlType) sqlType {
	if t.kind == kVarchar && !t.array {
		return typText
	}
	return t
}
