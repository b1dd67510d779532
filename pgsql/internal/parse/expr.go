package parse

import (
	"slices"
	"strconv"
	"strings"

	"github.com/pgplex/pgparser/nodes"

	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// errDefaultContext is PostgreSQL's error for DEFAULT outside an INSERT
// VALUES item or an UPDATE SET value.
func errDefaultContext() *pgerr.Error {
	return pgerr.Syntax("DEFAULT is not allowed in this context")
}

// value translates an INSERT VALUES item or UPDATE SET value, where the
// DEFAULT marker is allowed at top level.
func (t *translator) value(n nodes.Node) (ir.Expr, error) {
	if _, ok := n.(*nodes.SetToDefault); ok {
		return &ir.Default{}, nil
	}
	return t.expr(n)
}

// exprList translates a list of expressions.
func (t *translator) exprList(l *nodes.List) ([]ir.Expr, error) {
	var out []ir.Expr
	for _, it := range items(l) {
		e, err := t.expr(it)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// optExpr translates an optional expression: nil stays nil.
func (t *translator) optExpr(n nodes.Node) (ir.Expr, error) {
	if n == nil {
		return nil, nil
	}
	return t.expr(n)
}

// expr translates a scalar expression.
func (t *translator) expr(n nodes.Node) (ir.Expr, error) {
	switch n := n.(type) {
	case nil:
		return nil, pgerr.New(pgerr.InternalError, "missing expression")
	case *nodes.A_Const:
		return constant(n)
	case *nodes.ColumnRef:
		return t.columnRef(n)
	case *nodes.ParamRef:
		// prepare replaces every $N, so pgparser never sees one.
		return nil, pgerr.New(pgerr.InternalError, "unexpected parameter reference")
	case *nodes.A_Expr:
		return t.aExpr(n)
	case *nodes.BoolExpr:
		args, err := t.exprList(n.Args)
		if err != nil {
			return nil, err
		}
		switch n.Boolop {
		case nodes.AND_EXPR:
			return &ir.Logic{Op: ir.And, Args: args}, nil
		case nodes.OR_EXPR:
			return &ir.Logic{Op: ir.Or, Args: args}, nil
		}
		if len(args) != 1 {
			return nil, pgerr.New(pgerr.InternalError, "NOT with %d arguments", len(args))
		}
		return &ir.Not{Arg: args[0]}, nil
	case *nodes.NullTest:
		arg, err := t.expr(n.Arg)
		if err != nil {
			return nil, err
		}
		return &ir.IsNull{Arg: arg, Not: n.Nulltesttype == nodes.IS_NOT_NULL}, nil
	case *nodes.BooleanTest:
		arg, err := t.expr(n.Arg)
		if err != nil {
			return nil, err
		}
		tests := map[nodes.BoolTestType]ir.BoolTest{
			nodes.IS_TRUE: ir.IsTrue, nodes.IS_NOT_TRUE: ir.IsNotTrue,
			nodes.IS_FALSE: ir.IsFalse, nodes.IS_NOT_FALSE: ir.IsNotFalse,
			nodes.IS_UNKNOWN: ir.IsUnknown, nodes.IS_NOT_UNKNOWN: ir.IsNotUnknown,
		}
		test, ok := tests[n.Booltesttype]
		if !ok {
			return nil, pgerr.New(pgerr.InternalError, "unknown boolean test %d", n.Booltesttype)
		}
		return &ir.IsBool{Arg: arg, Test: test}, nil
	case *nodes.SubLink:
		return t.subLink(n)
	case *nodes.CaseExpr:
		return t.caseExpr(n)
	case *nodes.CoalesceExpr:
		args, err := t.exprList(n.Args)
		if err != nil {
			return nil, err
		}
		return &ir.Coalesce{Args: args}, nil
	case *nodes.MinMaxExpr:
		args, err := t.exprList(n.Args)
		if err != nil {
			return nil, err
		}
		op := ir.Greatest
		if n.Op == nodes.IS_LEAST {
			op = ir.Least
		}
		return &ir.MinMax{Op: op, Args: args}, nil
	case *nodes.NullIfExpr:
		args, err := t.exprList(n.Args)
		if err != nil {
			return nil, err
		}
		if len(args) != 2 {
			return nil, pgerr.New(pgerr.InternalError, "NULLIF with %d arguments", len(args))
		}
		return &ir.NullIf{Left: args[0], Right: args[1]}, nil
	case *nodes.TypeCast:
		arg, err := t.expr(n.Arg)
		if err != nil {
			return nil, err
		}
		typ, err := t.typeName(n.TypeName)
		if err != nil {
			return nil, err
		}
		return &ir.Cast{Arg: arg, Type: typ, Location: int(n.Location)}, nil
	case *nodes.FuncCall:
		return t.funcCall(n)
	case *nodes.SQLValueFunction:
		return valueFunc(n)
	case *nodes.A_ArrayExpr:
		elems, err := t.exprList(n.Elements)
		if err != nil {
			return nil, err
		}
		return &ir.Array{Elems: elems}, nil
	case *nodes.RowExpr:
		elems, err := t.exprList(n.Args)
		if err != nil {
			return nil, err
		}
		return &ir.Row{Elems: elems}, nil
	case *nodes.SetToDefault:
		return nil, errDefaultContext()
	case *nodes.A_Indirection:
		return t.indirection(n)
	case *nodes.CollateClause:
		// reldb compares text bytewise, which is the C collation's
		// order; catalog queries name the default one (psql's \d).
		names, err := strs(n.Collname)
		if err != nil {
			return nil, err
		}
		switch strings.ToLower(names[len(names)-1]) {
		case "default", "c", "posix":
			if len(names) == 1 || len(names) == 2 && names[0] == "pg_catalog" {
				return t.expr(n.Arg)
			}
		}
		return nil, unsupported("COLLATE")
	case *nodes.GroupingFunc:
		args, err := t.exprList(n.Args)
		if err != nil {
			return nil, err
		}
		return &ir.Grouping{Args: args}, nil
	case *nodes.CurrentOfExpr:
		return nil, unsupported("WHERE CURRENT OF")
	case *nodes.A_Star:
		return nil, pgerr.Syntax("syntax error at or near \"*\"")
	}
	return nil, unsupportedf("expression %s", nodeName(n))
}

// indirection translates array subscripts, a[i] and a[i][j]; slices
// (a[1:2]) and field selection ((r).f, (r).*) are 0A000.
func (t *translator) indirection(n *nodes.A_Indirection) (ir.Expr, error) {
	out, err := t.expr(n.Arg)
	if err != nil {
		return nil, err
	}
	for _, it := range items(n.Indirection) {
		ix, ok := it.(*nodes.A_Indices)
		if !ok {
			return nil, unsupported("field selection")
		}
		if ix.IsSlice {
			return nil, unsupported("array slice")
		}
		index, err := t.expr(ix.Uidx)
		if err != nil {
			return nil, err
		}
		out = &ir.Subscript{Arg: out, Index: index}
	}
	return out, nil
}

// constant translates a literal, keeping numbers' exact text.
func constant(c *nodes.A_Const) (ir.Expr, error) {
	loc := int(c.Location)
	if c.Isnull || c.Val == nil {
		return &ir.Const{Kind: ir.ConstNull, Location: loc}, nil
	}
	switch v := c.Val.(type) {
	case *nodes.Integer:
		return &ir.Const{Kind: ir.ConstInteger, Value: strconv.FormatInt(v.Ival, 10), Location: loc}, nil
	case *nodes.Float:
		// An integer literal too large for the lexer's integer token, such
		// as -9223372036854775808 (negated after lexing), is still an
		// integer to PostgreSQL when the value fits int64.
		if _, err := strconv.ParseInt(v.Fval, 10, 64); err == nil {
			return &ir.Const{Kind: ir.ConstInteger, Value: v.Fval, Location: loc}, nil
		}
		return &ir.Const{Kind: ir.ConstNumeric, Value: v.Fval, Location: loc}, nil
	case *nodes.String:
		return &ir.Const{Kind: ir.ConstString, Value: v.Str, Location: loc}, nil
	case *nodes.Boolean:
		return &ir.Const{Kind: ir.ConstBool, Value: strconv.FormatBool(v.Boolval), Location: loc}, nil
	case *nodes.BitString:
		return &ir.Const{Kind: ir.ConstBits, Value: v.Bsval, Location: loc}, nil
	}
	return nil, unsupportedf("constant %s", nodeName(c.Val))
}

// columnRef translates a column reference, or a parameter marker back
// into its parameter.
func (t *translator) columnRef(c *nodes.ColumnRef) (ir.Expr, error) {
	fields := items(c.Fields)
	if len(fields) == 1 {
		if s, ok := fields[0].(*nodes.String); ok {
			if i, ok := t.src.marker(s.Str); ok {
				t.used[i] = true
				p := t.src.params[i]
				return &ir.Param{Number: p.number, Location: p.offset}, nil
			}
		}
	}
	ref := &ir.ColumnRef{Location: int(c.Location)}
	var names []string
	for i, f := range fields {
		switch f := f.(type) {
		case *nodes.String:
			names = append(names, f.Str)
		case *nodes.A_Star:
			if i != len(fields)-1 {
				return nil, pgerr.Syntax("improper use of \"*\"")
			}
			ref.Star = true
		default:
			return nil, unsupported("array subscript and field selection")
		}
	}
	if !ref.Star {
		if len(names) == 0 {
			return nil, pgerr.New(pgerr.InternalError, "empty column reference")
		}
		ref.Column, names = names[len(names)-1], names[:len(names)-1]
	}
	switch len(names) {
	case 0:
	case 1:
		ref.Table = names[0]
	case 2:
		ref.Schema, ref.Table = names[0], names[1]
	case 3:
		return nil, unsupported("cross-database reference")
	default:
		return nil, pgerr.Syntax("improper qualified name (too many dotted names): %s", strings.Join(names, "."))
	}
	return ref, nil
}

// opName returns an operator's name; OPERATOR(schema.op) is not
// supported.
func opName(l *nodes.List) (string, error) {
	parts, err := strs(l)
	if err != nil {
		return "", err
	}
	if len(parts) == 2 && parts[0] == "pg_catalog" {
		return parts[1], nil
	}
	if len(parts) != 1 {
		return "", unsupported("OPERATOR() syntax")
	}
	return parts[0], nil
}

func (t *translator) aExpr(a *nodes.A_Expr) (ir.Expr, error) {
	op, err := opName(a.Name)
	if err != nil {
		return nil, err
	}
	var left ir.Expr
	if a.Lexpr != nil {
		if left, err = t.expr(a.Lexpr); err != nil {
			return nil, err
		}
	}
	// IN and BETWEEN carry a list on the right.
	if list, ok := a.Rexpr.(*nodes.List); ok {
		vals, err := t.exprList(list)
		if err != nil {
			return nil, err
		}
		switch a.Kind {
		case nodes.AEXPR_IN:
			return &ir.InList{Arg: left, List: vals, Not: op == "<>"}, nil
		case nodes.AEXPR_BETWEEN, nodes.AEXPR_NOT_BETWEEN, nodes.AEXPR_BETWEEN_SYM, nodes.AEXPR_NOT_BETWEEN_SYM:
			if len(vals) != 2 {
				return nil, pgerr.New(pgerr.InternalError, "BETWEEN with %d bounds", len(vals))
			}
			return &ir.Between{
				Arg: left, Low: vals[0], High: vals[1],
				Not:       a.Kind == nodes.AEXPR_NOT_BETWEEN || a.Kind == nodes.AEXPR_NOT_BETWEEN_SYM,
				Symmetric: a.Kind == nodes.AEXPR_BETWEEN_SYM || a.Kind == nodes.AEXPR_NOT_BETWEEN_SYM,
			}, nil
		}
		return nil, pgerr.New(pgerr.InternalError, "operator %s with a list operand", op)
	}
	if a.Kind == nodes.AEXPR_LIKE || a.Kind == nodes.AEXPR_ILIKE {
		return t.like(a, op, left)
	}
	right, err := t.expr(a.Rexpr)
	if err != nil {
		return nil, err
	}
	switch a.Kind {
	case nodes.AEXPR_OP, nodes.AEXPR_SIMILAR:
		// x [NOT] SIMILAR TO p [ESCAPE e] arrives as PostgreSQL's grammar
		// makes it: x ~ (or !~) pg_catalog.similar_to_escape(p [, e]).
		if left == nil {
			return &ir.Unary{Op: op, Operand: right}, nil
		}
		return &ir.Binary{Op: op, Left: left, Right: right}, nil
	case nodes.AEXPR_OP_ANY:
		return &ir.Quantified{Left: left, Op: op, Quant: ir.Any, Array: right}, nil
	case nodes.AEXPR_OP_ALL:
		return &ir.Quantified{Left: left, Op: op, Quant: ir.All, Array: right}, nil
	case nodes.AEXPR_DISTINCT:
		return &ir.IsDistinct{Left: left, Right: right}, nil
	case nodes.AEXPR_NOT_DISTINCT:
		return &ir.IsDistinct{Left: left, Right: right, Not: true}, nil
	case nodes.AEXPR_NULLIF:
		return &ir.NullIf{Left: left, Right: right}, nil
	}
	return nil, unsupportedf("operator expression of kind %d", a.Kind)
}

// like translates [NOT] LIKE / ILIKE; the grammar turns ESCAPE e into a
// call of pg_catalog.like_escape(pattern, e) on the right.
func (t *translator) like(a *nodes.A_Expr, op string, left ir.Expr) (ir.Expr, error) {
	n := &ir.Like{Arg: left, Not: strings.HasPrefix(op, "!"), CaseInsensitive: a.Kind == nodes.AEXPR_ILIKE}
	if fc, ok := a.Rexpr.(*nodes.FuncCall); ok {
		if name, _ := strs(fc.Funcname); len(name) == 2 && name[0] == "pg_catalog" && name[1] == "like_escape" && len(items(fc.Args)) == 2 {
			args, err := t.exprList(fc.Args)
			if err != nil {
				return nil, err
			}
			n.Pattern, n.Escape = args[0], args[1]
			return n, nil
		}
	}
	pat, err := t.expr(a.Rexpr)
	if err != nil {
		return nil, err
	}
	n.Pattern = pat
	return n, nil
}

func (t *translator) subLink(s *nodes.SubLink) (ir.Expr, error) {
	sel, ok := s.Subselect.(*nodes.SelectStmt)
	if !ok {
		return nil, unsupportedf("subquery of kind %s", nodeName(s.Subselect))
	}
	q, err := t.query(sel)
	if err != nil {
		return nil, err
	}
	switch nodes.SubLinkType(s.SubLinkType) {
	case nodes.EXISTS_SUBLINK:
		return &ir.Exists{Query: q}, nil
	case nodes.EXPR_SUBLINK:
		return &ir.Subquery{Query: q}, nil
	case nodes.ANY_SUBLINK, nodes.ALL_SUBLINK:
		left, err := t.expr(s.Testexpr)
		if err != nil {
			return nil, err
		}
		op := "=" // x IN (subquery) carries no operator name
		if s.OperName != nil {
			if op, err = opName(s.OperName); err != nil {
				return nil, err
			}
		}
		quant := ir.Any
		if nodes.SubLinkType(s.SubLinkType) == nodes.ALL_SUBLINK {
			quant = ir.All
		}
		return &ir.Quantified{Left: left, Op: op, Quant: quant, Query: q}, nil
	case nodes.ARRAY_SUBLINK:
		return &ir.Subquery{Query: q, Array: true}, nil
	}
	return nil, unsupported("row comparison with a subquery")
}

func (t *translator) caseExpr(c *nodes.CaseExpr) (ir.Expr, error) {
	out := &ir.Case{}
	var err error
	if out.Arg, err = t.optExpr(c.Arg); err != nil {
		return nil, err
	}
	for _, it := range items(c.Args) {
		w, ok := it.(*nodes.CaseWhen)
		if !ok {
			return nil, pgerr.New(pgerr.InternalError, "unexpected %s in CASE", nodeName(it))
		}
		cond, err := t.expr(w.Expr)
		if err != nil {
			return nil, err
		}
		res, err := t.expr(w.Result)
		if err != nil {
			return nil, err
		}
		out.Whens = append(out.Whens, ir.When{Cond: cond, Result: res})
	}
	if out.Else, err = t.optExpr(c.Defresult); err != nil {
		return nil, err
	}
	return out, nil
}

func (t *translator) funcCall(f *nodes.FuncCall) (ir.Expr, error) {
	if f.FuncVariadic {
		return nil, unsupported("VARIADIC")
	}
	if f.AggWithinGroup && f.AggDistinct {
		return nil, pgerr.Syntax("cannot use DISTINCT with WITHIN GROUP")
	}
	name, err := qualName(f.Funcname)
	if err != nil {
		return nil, err
	}
	out := &ir.Func{Schema: name.Schema, Name: name.Name, Star: f.AggStar, Distinct: f.AggDistinct, WithinGroup: f.AggWithinGroup, Location: int(f.Location)}
	var named []*nodes.NamedArgExpr
	for _, a := range items(f.Args) {
		if na, ok := a.(*nodes.NamedArgExpr); ok {
			named = append(named, na)
			continue
		}
		if len(named) > 0 {
			return nil, pgerr.Syntax("positional argument cannot follow named argument")
		}
		e, err := t.expr(a)
		if err != nil {
			return nil, err
		}
		out.Args = append(out.Args, e)
	}
	if len(named) > 0 {
		if err := t.namedArgs(out, named); err != nil {
			return nil, err
		}
	}
	if out.OrderBy, err = t.orderBy(f.AggOrder, false /* ordinals */); err != nil {
		return nil, err
	}
	if out.Filter, err = t.optExpr(f.AggFilter); err != nil {
		return nil, err
	}
	if f.Over != nil {
		w, ok := f.Over.(*nodes.WindowDef)
		if !ok {
			return nil, pgerr.New(pgerr.InternalError, "unexpected %s in OVER", nodeName(f.Over))
		}
		if out.Over, err = t.window(w, true /* over */); err != nil { // window.go
			return nil, err
		}
	}
	if f.FuncFormat == int(nodes.COERCE_SQL_SYNTAX) && out.Schema == "pg_catalog" && trimFuncs[out.Name] && len(out.Args) > 1 {
		if err := t.fixTrimArgs(out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// makeIntervalParams are make_interval's parameters, each defaulting to
// zero.
var makeIntervalParams = []string{"years", "months", "weeks", "days", "hours", "mins", "secs"}

// namedArgs puts named arguments in their positions. The one built-in
// function that takes them here is make_interval, whose every parameter
// defaults to zero, so make_interval(days => 3) becomes
// make_interval(0, 0, 0, 3). A call of another function unqualified or
// in public keeps them as ir.NamedArg, for a user-defined function;
// others are 0A000.
func (t *translator) namedArgs(f *ir.Func, named []*nodes.NamedArgExpr) error {
	for j, na := range named {
		if slices.ContainsFunc(named[:j], func(o *nodes.NamedArgExpr) bool { return o.Name == na.Name }) {
			return pgerr.Syntax("argument name %q used more than once", na.Name)
		}
	}
	interval := f.Name == "make_interval" && (f.Schema == "" || f.Schema == "pg_catalog")
	if !interval && (f.Schema == "" || f.Schema == "public") {
		// A user-defined function's, which the executor resolves; a
		// built-in's refused there.
		for _, na := range named {
			e, err := t.expr(na.Arg)
			if err != nil {
				return err
			}
			f.Args = append(f.Args, &ir.NamedArg{Name: na.Name, Arg: e})
		}
		return nil
	}
	if !interval {
		return unsupported("named function argument")
	}
	if len(f.Args) >= len(makeIntervalParams) {
		return pgerr.New(pgerr.UndefinedFunction, "function make_interval with %d arguments does not exist", len(f.Args)+len(named))
	}
	slots := make([]ir.Expr, len(makeIntervalParams))
	copy(slots, f.Args)
	last := len(f.Args) - 1
	for _, na := range named {
		i := slices.Index(makeIntervalParams, na.Name)
		if i < 0 || slots[i] != nil {
			return pgerr.New(pgerr.UndefinedFunction, "function make_interval(%s => ...) does not exist", na.Name)
		}
		e, err := t.expr(na.Arg)
		if err != nil {
			return err
		}
		slots[i], last = e, max(last, i)
	}
	for i := range slots[:last+1] {
		if slots[i] == nil {
			slots[i] = &ir.Const{Kind: ir.ConstInteger, Value: "0", Location: -1}
		}
	}
	f.Args = slots[:last+1]
	return nil
}

// trimFuncs are the functions TRIM(...) syntax maps to.
var trimFuncs = map[string]bool{"btrim": true, "ltrim": true, "rtrim": true}

// fixTrimArgs puts TRIM(chars FROM string) arguments in PostgreSQL's
// order. PostgreSQL's grammar makes TRIM(chars FROM s) btrim(s, chars);
// pgparser v0.2.0 makes it btrim(chars, s), while it keeps TRIM(s, chars)
// as btrim(s, chars). The two cannot be told apart in its tree, so the
// source's tokens decide: if every TRIM(...) with several arguments in the
// text uses FROM, the characters argument moves back to the end; if none
// does, the order is already right; a text mixing both is rejected.
func (t *translator) fixTrimArgs(f *ir.Func) error {
	withFrom, withComma := t.src.trimForms()
	switch {
	case withFrom && withComma:
		e := unsupported("TRIM(characters FROM string) together with TRIM(string, characters) in one text")
		e.Hint = "Use btrim, ltrim or rtrim(string, characters) instead."
		return e
	case withFrom:
		f.Args = append(f.Args[1:], f.Args[0])
	}
	return nil
}

// valueFuncNames maps SQLValueFunction operators to their SQL names.
var valueFuncNames = map[nodes.SVFOp]string{
	nodes.SVFOP_CURRENT_DATE:        "current_date",
	nodes.SVFOP_CURRENT_TIME:        "current_time",
	nodes.SVFOP_CURRENT_TIME_N:      "current_time",
	nodes.SVFOP_CURRENT_TIMESTAMP:   "current_timestamp",
	nodes.SVFOP_CURRENT_TIMESTAMP_N: "current_timestamp",
	nodes.SVFOP_LOCALTIME:           "localtime",
	nodes.SVFOP_LOCALTIME_N:         "localtime",
	nodes.SVFOP_LOCALTIMESTAMP:      "localtimestamp",
	nodes.SVFOP_LOCALTIMESTAMP_N:    "localtimestamp",
	nodes.SVFOP_CURRENT_ROLE:        "current_role",
	nodes.SVFOP_CURRENT_USER:        "current_user",
	nodes.SVFOP_USER:                "user",
	nodes.SVFOP_SESSION_USER:        "session_user",
	nodes.SVFOP_CURRENT_CATALOG:     "current_catalog",
	nodes.SVFOP_CURRENT_SCHEMA:      "current_schema",
}

func valueFunc(v *nodes.SQLValueFunction) (ir.Expr, error) {
	name, ok := valueFuncNames[v.Op]
	if !ok {
		return nil, unsupportedf("SQL value function %d", v.Op)
	}
	prec := -1
	switch v.Op {
	case nodes.SVFOP_CURRENT_TIME_N, nodes.SVFOP_CURRENT_TIMESTAMP_N, nodes.SVFOP_LOCALTIME_N, nodes.SVFOP_LOCALTIMESTAMP_N:
		prec = int(v.Typmod)
	}
	return &ir.ValueFunc{Name: name, Precision: prec}, nil
}

// serialTypes maps the serial pseudo-types to the integer type they
// stand for.
var serialTypes = map[string]string{
	"smallserial": "int2", "serial2": "int2",
	"serial": "int4", "serial4": "int4",
	"bigserial": "int8", "serial8": "int8",
}

// typeName translates a type name; %TYPE, SETOF and non-constant type
// modifiers are rejected.
func (t *translator) typeName(tn *nodes.TypeName) (ir.TypeName, error) {
	if tn == nil {
		return ir.TypeName{}, pgerr.New(pgerr.InternalError, "missing type name")
	}
	if tn.PctType {
		return ir.TypeName{}, unsupported("%TYPE")
	}
	if tn.Setof {
		return ir.TypeName{}, unsupported("SETOF")
	}
	name, err := qualName(tn.Names)
	if err != nil {
		return ir.TypeName{}, err
	}
	system := name.Schema == "pg_catalog"
	if system {
		name.Schema = ""
	}
	out := ir.TypeName{Schema: name.Schema, Name: name.Name, ArrayDims: len(items(tn.ArrayBounds)), Location: int(tn.Location)}
	for _, m := range items(tn.Typmods) {
		if c, ok := m.(*nodes.A_Const); ok && !c.Isnull {
			m = c.Val
		}
		iv, ok := m.(*nodes.Integer)
		if !ok {
			return ir.TypeName{}, pgerr.Syntax("type modifiers must be simple constants or identifiers")
		}
		out.Mods = append(out.Mods, iv.Ival)
	}
	// CHAR without a length is char(1); the grammar adds the modifier in
	// PostgreSQL, not in pgparser. A user-written bpchar stays unlimited.
	if system && out.Name == "bpchar" && len(out.Mods) == 0 {
		out.Mods = []int64{1}
	}
	return out, nil
}
