package pgsql

import (
	"bytes"
	"cmp"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cockroachdb/apd/v3"

	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// The evaluator computes scalar expressions one row at a time with
// PostgreSQL's typing and NULL semantics, for the expressions this slice
// supports: constants, parameters, column references, arithmetic on
// integers, numerics and floats, comparisons, AND / OR / NOT, IS [NOT]
// NULL, IN lists, BETWEEN, IS [NOT] DISTINCT FROM, COALESCE, NULLIF, casts
// and a few functions. Anything else is 0A000.
//
// Values are Go values: int64 (smallint, integer, bigint), *apd.Decimal,
// float64, string, bool, []byte, time.Time, and nil for NULL. Each
// evaluation also returns the value's SQL type; an untyped literal or text
// parameter has kind kUnknown until an operator or column gives it one.

// scope binds column references to the current row of one table or of
// several joined ones: rels say which slice of row each table owns.
type scope struct {
	rels   []binding
	using  map[string]int // an unqualified USING column -> its position in row
	stars  []int          // the positions * expands to; nil for all, in order
	merged []mergedColumn // a FULL (or RIGHT) JOIN's USING columns, the last of rels
	row    []any
	// resolved remembers the first column references resolved, for the
	// evaluation of the same expression on every row: a reference is a
	// pointer into the statement's tree, found here by a short scan
	// rather than by name in every table of the scope. A scope's tables
	// do not change once it is made.
	resolved []resolvedColumn
}

// resolvedColumn is a column reference a scope resolved.
type resolvedColumn struct {
	ref *ir.ColumnRef
	pos int
	typ sqlType
}

// maxResolved bounds a scope's resolved references: past it, the others
// are resolved by name each time.
const maxResolved = 16

// binding is one table of a scope: its name in the query and where its
// columns start in the scope's row.
type binding struct {
	ts    *tableSchema
	alias string
	off   int
	// qualified is set for a table whose columns are found only when
	// qualified with its name, as ON CONFLICT's EXCLUDED.
	qualified bool
	// nullable is set for a table on the side of an outer join that
	// NULLs pad, whose whole row is then NULL (wholerow.go).
	nullable bool
}

// newScope returns the scope of one table referred to as alias.
func newScope(ts *tableSchema, alias string) *scope {
	return &scope{rels: []binding{{ts: ts, alias: alias}}}
}

// width is the number of columns of the scope's row.
func (sc *scope) width() int {
	n := 0
	for _, b := range sc.rels {
		n += len(b.ts.def.Columns)
	}
	return n
}

// resolve returns the row position and type of a column reference: 42P01
// for an unknown table, 42703 for an unknown column and 42702 for a name
// that more than one table has.
func (sc *scope) resolve(c *ir.ColumnRef) (int, sqlType, error) {
	for i := range sc.resolved {
		if r := &sc.resolved[i]; r.ref == c {
			return r.pos, r.typ, nil
		}
	}
	pos, typ, err := sc.resolveName(c)
	if err == nil && len(sc.resolved) < maxResolved {
		sc.resolved = append(sc.resolved, resolvedColumn{c, pos, typ})
	}
	return pos, typ, err
}

// resolveName is resolve without the scope's memory.
func (sc *scope) resolveName(c *ir.ColumnRef) (int, sqlType, error) {
	if c.Table == "" {
		if i, ok := sc.using[c.Column]; ok {
			return i, sc.typeAt(i), nil
		}
	}
	found, pos, tableSeen, baseSeen := 0, 0, false, false
	var typ sqlType
	for _, b := range sc.rels {
		if c.Table != "" && c.Table != b.alias || c.Table == "" && b.qualified {
			continue
		}
		tableSeen = true
		baseSeen = baseSeen || b.ts.pk != nil
		if i, ok := b.ts.index[c.Column]; ok {
			found++
			pos, typ = b.off+i, b.ts.types[i]
		}
	}
	switch {
	case c.Table != "" && !tableSeen:
		return 0, typUnknown, pgerr.New(pgerr.UndefinedTable, "missing FROM-clause entry for table %q", c.Table)
	case found == 0 && baseSeen && systemColumns[c.Column]:
		// PostgreSQL reads a table's system columns; reldb has none.
		return 0, typUnknown, pgerr.Unsupported("system column " + c.Column)
	case found == 0:
		return 0, typUnknown, pgerr.UndefinedColumnError(c.Column)
	case found > 1:
		return 0, typUnknown, pgerr.New(pgerr.AmbiguousColumn, "column reference %q is ambiguous", c.Column)
	}
	return pos, typ, nil
}

// star returns the row positions * expands to.
func (sc *scope) star() []int {
	if sc.stars != nil {
		return sc.stars
	}
	out := make([]int, 0, sc.width())
	for _, b := range sc.rels {
		for j := range b.ts.types {
			if !b.ts.isHidden(j) {
				out = append(out, b.off+j)
			}
		}
	}
	return out
}

// at returns the table binding and column position of row position i.
func (sc *scope) at(i int) (binding, int) {
	for _, b := range sc.rels {
		if i < b.off+len(b.ts.types) {
			return b, i - b.off
		}
	}
	panic("reldb: row position out of range")
}

// aliasAt returns the name of the table owning row position i.
func (sc *scope) aliasAt(i int) string {
	b, _ := sc.at(i)
	return b.alias
}

// typeAt returns the type of the column at row position i.
func (sc *scope) typeAt(i int) sqlType {
	b, j := sc.at(i)
	return b.ts.types[j]
}

// evaluator evaluates expressions against bound parameters and an
// optional row scope.
type evaluator struct {
	params []any
	sc     *scope                // nil without FROM
	aggs   map[*ir.Func]aggValue // the current group's aggregate results, when grouping
	// grouping and subst are the current group's GROUPING values and,
	// with grouping sets, its grouping expressions' values by text
	// (group.go).
	grouping map[*ir.Grouping]int64
	subst    map[string]aggValue
	q        *queryEnv             // subqueries' context; nil where there are none
	win      *windowRow            // the current row's window function results (window.go)
	types    *Session              // resolves type names where q is nil: a DEFAULT's enum type (enum.go)
	srf      map[*ir.Func]srfValue // the set-returning calls' values in the row being output (projectset.go)
}

// decimalCtx does numeric arithmetic; divisions set their own scale.
var decimalCtx = apd.BaseContext.WithPrecision(2000)

func (ev *evaluator) eval(e ir.Expr) (any, sqlType, error) {
	if ev.subst != nil {
		switch e.(type) {
		case *ir.ColumnRef:
		default:
			if r, ok := ev.subst[e.String()]; ok {
				return r.v, r.t, nil
			}
		}
	}
	switch e := e.(type) {
	case *ir.Grouping:
		if v, ok := ev.grouping[e]; ok {
			return v, typInt4, nil
		}
		return nil, typInt4, groupingError(e, ev) // groupingsets.go
	case *ir.Const:
		return constant(e)
	case *ir.Param:
		return ev.param(e)
	case *ir.ColumnRef:
		return ev.column(e)
	case *ir.Unary:
		return ev.unary(e)
	case *ir.Binary:
		l, lt, err := ev.eval(e.Left)
		if err != nil {
			if t, ok := ev.foldedNull(e.Op, e.Right, err); ok {
				return nil, t, nil
			}
			return nil, lt, err
		}
		r, rt, err := ev.eval(e.Right)
		if err != nil {
			if l == nil && constantExpr(e.Left) && dataException(err) {
				return nil, foldedType(e.Op, lt), nil
			}
			return nil, rt, err
		}
		return binary(e.Op, l, lt, r, rt)
	case *ir.Logic:
		return ev.logic(e)
	case *ir.Not:
		v, err := ev.boolean(e.Arg, "NOT")
		if err != nil || v == nil {
			return nil, typBool, err
		}
		return !v.(bool), typBool, nil
	case *ir.IsNull:
		v, _, err := ev.eval(e.Arg)
		if err != nil {
			return nil, typBool, err
		}
		return (v == nil) != e.Not, typBool, nil
	case *ir.IsBool:
		return ev.isBool(e)
	case *ir.IsDistinct:
		l, lt, err := ev.eval(e.Left)
		if err != nil {
			return nil, typBool, err
		}
		r, rt, err := ev.eval(e.Right)
		if err != nil {
			return nil, typBool, err
		}
		if l == nil || r == nil {
			return (l == nil && r == nil) == e.Not, typBool, nil
		}
		eq, _, err := binary("=", l, lt, r, rt)
		if err != nil {
			return nil, typBool, err
		}
		return eq.(bool) == e.Not, typBool, nil
	case *ir.InList:
		return ev.inList(e)
	case *ir.Between:
		var and ir.Expr = &ir.Logic{Op: ir.And, Args: []ir.Expr{&ir.Binary{Op: ">=", Left: e.Arg, Right: e.Low}, &ir.Binary{Op: "<=", Left: e.Arg, Right: e.High}}}
		if e.Symmetric {
			swapped := &ir.Logic{Op: ir.And, Args: []ir.Expr{&ir.Binary{Op: ">=", Left: e.Arg, Right: e.High}, &ir.Binary{Op: "<=", Left: e.Arg, Right: e.Low}}}
			and = &ir.Logic{Op: ir.Or, Args: []ir.Expr{and, swapped}}
		}
		if e.Not {
			return ev.eval(&ir.Not{Arg: and})
		}
		return ev.eval(and)
	case *ir.Coalesce:
		return ev.coalesce(e.Args)
	case *ir.NullIf:
		// Both sides are evaluated, as in PostgreSQL, even when the left
		// is NULL.
		l, lt, err := ev.eval(e.Left)
		if err != nil {
			return nil, lt, err
		}
		r, rt, err := ev.eval(e.Right)
		if err != nil {
			return nil, lt, err
		}
		if lt.kind == kBpchar && rt.kind == kText {
			// = of char and text is text's, and NULLIF returns its left
			// operand as = took it: text, without the padding.
			lt = typText
			if l != nil {
				l = strings.TrimRight(l.(string), " ")
			}
		}
		if lt.kind == kUnknown {
			// An untyped literal takes the other side's type, or text.
			to := typText
			if rt.kind != kUnknown {
				to = sqlType{kind: rt.kind, enum: rt.enum}
			}
			if l, err = cast(l, lt, to, false /* explicit */); err != nil {
				return nil, to, err
			}
			lt = to
		}
		if l == nil {
			return nil, lt, nil
		}
		if r != nil {
			eq, _, err := binary("=", l, lt, r, rt)
			if err != nil {
				return nil, lt, err
			}
			if eq.(bool) {
				return nil, lt, nil
			}
		}
		return l, lt, nil
	case *ir.Cast:
		if v, t, ok, err := ev.catalogCast(e); ok {
			return v, t, err
		}
		v, t, err := ev.eval(e.Arg)
		if err != nil {
			return nil, t, err
		}
		if e.Type.ArrayDims > 0 {
			return arrayCast(v, t, e.Type)
		}
		to, err := ev.typeOf(e.Type) // enum.go
		if err != nil {
			return nil, to, err
		}
		v, err = cast(v, t, to, true /* explicit */)
		if err == nil {
			err = ev.checkCastDomain(e.Type, v) // domain.go
		}
		return v, to, err
	case *ir.Func:
		return ev.call(e)
	case *ir.ValueFunc:
		return ev.valueFunc(e)
	case *ir.Subquery:
		if e.Array {
			return ev.arraySubquery(e)
		}
		return ev.scalarSubquery(e)
	case *ir.Subscript:
		return ev.subscript(e)
	case *ir.Array:
		return ev.arrayValue(e)
	case *ir.Case:
		return ev.caseExpr(e)
	case *ir.MinMax:
		return ev.minMax(e)
	case *ir.Like:
		return ev.like(e)
	case *ir.Exists:
		res, err := ev.subquery(e.Query)
		if err != nil {
			return nil, typBool, err
		}
		return len(res.Rows) > 0, typBool, nil
	case *ir.Quantified:
		if e.Query != nil {
			return ev.quantified(e)
		}
		return ev.quantifiedArray(e)
	}
	return nil, typUnknown, pgerr.Unsupported(exprName(e))
}

// exprName names an unsupported expression for its 0A000.
func exprName(e ir.Expr) string {
	switch e := e.(type) {
	case *ir.Subquery, *ir.Exists, *ir.Quantified:
		return "subquery expression"
	case *ir.Like:
		return "LIKE"
	case *ir.Case:
		return "CASE"
	case *ir.MinMax:
		return e.Op.String()
	case *ir.ValueFunc:
		return strings.ToUpper(e.Name)
	case *ir.Array:
		return "ARRAY"
	case *ir.Row:
		return "row constructor"
	case *ir.Default:
		return "DEFAULT in this position"
	case *ir.Ordinal:
		return "ordinal reference"
	}
	return "expression " + e.String()
}

func constant(c *ir.Const) (any, sqlType, error) {
	switch c.Kind {
	case ir.ConstNull:
		return nil, typUnknown, nil
	case ir.ConstBool:
		return c.Value == "true", typBool, nil
	case ir.ConstInteger:
		v, err := parseText(typInt8, c.Value)
		if err != nil {
			return nil, typInt8, err
		}
		if checkInt(typInt4, v.(int64)) == nil {
			return v, typInt4, nil
		}
		return v, typInt8, nil
	case ir.ConstNumeric:
		v, err := parseText(typNumeric, c.Value)
		return v, typNumeric, err
	case ir.ConstString:
		return c.Value, typUnknown, nil
	}
	return nil, typUnknown, pgerr.Unsupported("bit string literal")
}

// param returns an argument with the SQL type a client would bind it as:
// strings stay untyped, so that a column or operator gives them a type.
func (ev *evaluator) param(p *ir.Param) (any, sqlType, error) {
	if p.Number < 1 {
		return nil, typUnknown, pgerr.New("42P02", "there is no parameter $%d", p.Number)
	}
	if p.Number > len(ev.params) {
		return nil, typUnknown, pgerr.New("08P01", "bind message supplies %d parameters, but prepared statement requires at least %d", len(ev.params), p.Number)
	}
	// The argument is returned as it came, not boxed again: an integer
	// put back into an interface is an allocation per use.
	a := ev.params[p.Number-1]
	switch v := a.(type) {
	case typedArg: // from ExecPrepared and Prepare (prepare.go)
		return v.v, v.t, nil
	case nil:
		return nil, typUnknown, nil
	case int64:
		return a, typInt8, nil
	case float64:
		return a, typFloat8, nil
	case string:
		return a, typUnknown, nil
	case bool:
		return a, typBool, nil
	case []byte:
		return a, sqlType{kind: kBytea}, nil
	case time.Time:
		return v.UTC().Round(time.Microsecond), sqlType{kind: kTimestamptz}, nil
	case *apd.Decimal:
		return a, typNumeric, nil
	case []any: // a Go slice (arraycol.go)
		elems, et, _, err := arrayParam(v)
		et.array = true
		return elems, et, err
	case Interval:
		return a, typInterval, nil
	case jsonbText:
		return a, typJSONB, nil
	default:
		return nil, typUnknown, pgerr.New(pgerr.DatatypeMismatch, "unsupported parameter type %T", v)
	}
}

func (ev *evaluator) column(c *ir.ColumnRef) (any, sqlType, error) {
	if c.Star {
		return nil, typUnknown, pgerr.Unsupported("* in this position")
	}
	var err error
	if ev.sc != nil {
		i, t, rerr := ev.sc.resolve(c)
		if rerr == nil {
			v, err := scopeValue(ev.sc.row[i], t)
			return v, t, err
		}
		err = rerr
	} else {
		// Made only on a miss: this runs for every column of every row.
		err = pgerr.UndefinedColumnError(c.Column)
	}
	if v, t, ok := ev.outerColumn(c, err); ok {
		return v, t, nil
	}
	if pgerr.Code(err) == pgerr.UndefinedColumn && (ev.sc != nil && hasWholeRow(ev.sc, c) || ev.isWholeRow(c)) {
		return nil, typUnknown, pgerr.Unsupported("whole-row reference " + c.String() + " other than in row_to_json, to_json[b], json[b]_agg and json[b]_build_object / _array")
	}
	return nil, typUnknown, err
}

// scopeValue is the value of a scope's row slot v, of column type t.
func scopeValue(v any, t sqlType) (any, error) {
	if t.kind == kInterval {
		return storedInterval(v)
	}
	if t.array {
		return loadArray(t, v) // arraycol.go
	}
	if s, ok := v.(string); ok && t.kind == kJSONB {
		return jsonbText(s), nil // as a table stores it (json.go)
	}
	if t.kind == kEnum {
		return storedEnum(t, v) // enum.go
	}
	return v, nil
}

// PostgreSQL folds constant expressions when it plans a query, and an
// operator (all of binary's are strict) with a constant NULL operand
// folds to NULL without its other operand ever being evaluated: so
// NULL::numeric / (a / b) is NULL even where b is 0. reldb evaluates
// operands in order; when one fails with a data exception (class 22:
// division by zero, out of range, bad input) beside a constant operand
// that is NULL, the result is the NULL PostgreSQL's plan gives. A type
// error (class 42) is still an error, as it is when PostgreSQL plans.

// foldedNull reports whether other, the operand of op beside one that
// failed with err, is a constant NULL, and the type of the folded result.
func (ev *evaluator) foldedNull(op string, other ir.Expr, err error) (sqlType, bool) {
	if !dataException(err) || !constantExpr(other) {
		return typUnknown, false
	}
	v, t, oerr := ev.eval(other)
	if oerr != nil || v != nil {
		return typUnknown, false
	}
	return foldedType(op, t), true
}

// foldedType is the type of op folded to NULL, knowing one operand's
// type t: the operator's over two of t, else t.
func foldedType(op string, t sqlType) sqlType {
	if _, ft, err := binary(op, nil, t, nil, t); err == nil {
		return ft
	}
	return t
}

// dataException reports whether err is one of SQL's data exceptions.
func dataException(err error) bool { return strings.HasPrefix(pgerr.Code(err), "22") }

// constantExpr reports whether e is made of constants alone, as
// PostgreSQL folds when it plans: no column, parameter, subquery or
// function call.
func constantExpr(e ir.Expr) bool {
	ok := true
	ir.Inspect(e, func(x ir.Expr) bool {
		switch x.(type) {
		case *ir.ColumnRef, *ir.Param, *ir.Subquery, *ir.Exists, *ir.Quantified, *ir.Func, *ir.ValueFunc:
			ok = false
		}
		return ok
	})
	return ok
}

func (ev *evaluator) unary(u *ir.Unary) (any, sqlType, error) {
	v, t, err := ev.eval(u.Operand)
	if err != nil {
		return nil, t, err
	}
	if t.kind == kTime && u.Op == "-" {
		// The implicit cast to interval (timeofday.go).
		v, t = timeAsInterval(v), typInterval
	}
	if t.kind == kInterval && u.Op == "-" {
		v, err := negateInterval(v)
		return v, t, err
	}
	if u.Op == "~" {
		return bitwiseNot(v, t) // bitwise.go
	}
	if t.kind == kUnknown && v != nil {
		if v, err = parseText(typNumeric, v.(string)); err != nil {
			return nil, t, err
		}
		t = typNumeric
	}
	switch u.Op {
	case "+":
		if isNumber(t) {
			return v, t, nil
		}
	case "-":
		if !isNumber(t) {
			break
		}
		if v == nil {
			return nil, t, nil
		}
		switch x := v.(type) {
		case int64:
			if x == math.MinInt64 {
				return nil, t, outOfRange(t)
			}
			return -x, t, checkInt(t, -x)
		case float64:
			return -x, t, nil
		case *apd.Decimal:
			return new(apd.Decimal).Neg(x), t, nil
		}
	}
	return nil, t, pgerr.New(pgerr.UndefinedFunction, "operator does not exist: %s %s", u.Op, t)
}

func isNumber(t sqlType) bool {
	return t.isInt() || t.kind == kNumeric || t.kind == kFloat4 || t.kind == kFloat8
}

// boolean evaluates e as a condition: a bool or nil.
func (ev *evaluator) boolean(e ir.Expr, ctx string) (any, error) {
	v, t, err := ev.eval(e)
	if err != nil {
		return nil, err
	}
	if t.kind == kUnknown && v != nil {
		return parseText(typBool, v.(string))
	}
	if t.kind != kBool && t.kind != kUnknown {
		return nil, pgerr.New(pgerr.DatatypeMismatch, "argument of %s must be type boolean, not type %s", ctx, t)
	}
	return v, nil
}

func (ev *evaluator) logic(l *ir.Logic) (any, sqlType, error) {
	sawNull := false
	for _, a := range l.Args {
		v, err := ev.boolean(a, l.Op.String())
		if err != nil {
			return nil, typBool, err
		}
		switch {
		case v == nil:
			sawNull = true
		case v.(bool) == (l.Op == ir.Or):
			return l.Op == ir.Or, typBool, nil
		}
	}
	if sawNull {
		return nil, typBool, nil
	}
	return l.Op == ir.And, typBool, nil
}

func (ev *evaluator) isBool(e *ir.IsBool) (any, sqlType, error) {
	v, err := ev.boolean(e.Arg, e.Test.String())
	if err != nil {
		return nil, typBool, err
	}
	var out bool
	switch e.Test {
	case ir.IsTrue, ir.IsNotTrue:
		out = v == true
	case ir.IsFalse, ir.IsNotFalse:
		out = v == false
	default:
		out = v == nil
	}
	if e.Test == ir.IsNotTrue || e.Test == ir.IsNotFalse || e.Test == ir.IsNotUnknown {
		out = !out
	}
	return out, typBool, nil
}

func (ev *evaluator) inList(e *ir.InList) (any, sqlType, error) {
	l, lt, err := ev.eval(e.Arg)
	if err != nil {
		return nil, typBool, err
	}
	sawNull := l == nil
	found := false
	for _, x := range e.List {
		r, rt, err := ev.eval(x)
		if err != nil {
			return nil, typBool, err
		}
		if l == nil || r == nil {
			sawNull = true
			continue
		}
		eq, _, err := binary("=", l, lt, r, rt)
		if err != nil {
			return nil, typBool, err
		}
		if eq.(bool) {
			found = true
			break
		}
	}
	switch {
	case found:
		return !e.Not, typBool, nil
	case sawNull:
		return nil, typBool, nil
	}
	return e.Not, typBool, nil
}

// coalesce is COALESCE(args...). Every argument is evaluated, for its
// type, but PostgreSQL stops at the first that is not NULL: a data error
// (class 22, a division by zero) in an argument after it is not one (see
// failedType for its type).
func (ev *evaluator) coalesce(args []ir.Expr) (any, sqlType, error) {
	var vals []any
	var types []sqlType
	found := false
	for _, a := range args {
		v, t, err := ev.eval(a)
		if err != nil {
			if found && strings.HasPrefix(pgerr.Code(err), "22") {
				if t, ok := failedType(a, t); ok {
					vals, types = append(vals, nil), append(types, t)
				}
				continue
			}
			return nil, t, err
		}
		found = found || v != nil
		vals, types = append(vals, v), append(types, t)
	}
	to := types[0]
	for _, t := range types[1:] {
		var err error
		if to, err = commonType(to, t, "COALESCE"); err != nil {
			return nil, to, err
		}
	}
	if to.kind == kUnknown {
		to = typText // as PostgreSQL resolves COALESCE of untyped literals
	}
	for i, v := range vals {
		if v != nil {
			out, err := cast(v, types[i], to, false /* explicit */)
			return out, to, err
		}
	}
	return nil, to, nil
}

// failedType is the type of e, whose evaluation failed reporting type t,
// when t can be trusted: an arithmetic operator's, which is its result's
// or an operand's, a number either way. Other expressions report the type
// of whatever part failed, which may be no type e could have.
func failedType(e ir.Expr, t sqlType) (sqlType, bool) {
	b, ok := e.(*ir.Binary)
	if !ok || t.kind == kUnknown {
		return t, false
	}
	switch b.Op {
	case "+", "-", "*", "/", "%":
		return t, true
	}
	return t, false
}

// commonType is the type two branches of COALESCE (or a comparison)
// resolve to.
func commonType(a, b sqlType, ctx string) (sqlType, error) {
	if a.kind == kEnum || b.kind == kEnum {
		if t, ok := enumCommon(a, b); ok { // enum.go
			return t, nil
		}
	}
	switch {
	// An untyped literal takes the other's type, without its modifier:
	// COALESCE('a', c) of a char(3) c is char, and 'a' is not padded.
	case a.kind == kUnknown:
		return sqlType{kind: b.kind, array: b.array, vector: b.vector, enum: b.enum}, nil
	case b.kind == kUnknown:
		return sqlType{kind: a.kind, array: a.array, vector: a.vector, enum: a.enum}, nil
	case a.isInt() && b.isInt():
		return sqlType{kind: max(a.kind, b.kind)}, nil
	case isNumber(a) && isNumber(b):
		if a.kind == kFloat4 || a.kind == kFloat8 || b.kind == kFloat4 || b.kind == kFloat8 {
			return typFloat8, nil
		}
		return typNumeric, nil
	case a.isText() && b.isText():
		// text, varchar and char convert to one another implicitly, so
		// PostgreSQL's select_common_type keeps the first: COALESCE(c, t)
		// of a char(n) c is char, padded; COALESCE(t, c) is text.
		return sqlType{kind: a.kind}, nil
	case a.kind == b.kind:
		return sqlType{kind: a.kind}, nil
	case timeKind(a) && timeKind(b):
		return sqlType{kind: kTimestamptz}, nil
	}
	return a, pgerr.New(pgerr.DatatypeMismatch, "%s types %s and %s cannot be matched", ctx, a, b)
}

func (ev *evaluator) call(f *ir.Func) (any, sqlType, error) {
	if r, ok := ev.aggs[f]; ok {
		return r.v, r.t, nil
	}
	if f.Over != nil {
		if r, ok := ev.win.value(f); ok {
			return r.v, r.t, nil
		}
		return nil, typUnknown, pgerr.Unsupported("window function " + f.Name + " in this position")
	}
	if err := windowOnly(f); err != nil {
		return nil, typUnknown, err
	}
	if f.Filter != nil && !(f.Schema == "" && isAggregate(f.Name)) {
		return nil, typUnknown, pgerr.New("42809", "FILTER specified, but %s is not an aggregate function", f.Name)
	}
	if namedCall(f) {
		var err error
		if f, err = ev.positional(f); err != nil { // userfunc.go
			return nil, typUnknown, err
		}
	}
	if f.Schema != "" && f.Schema != "pg_catalog" && !ev.userCall(f) || f.Distinct || len(f.OrderBy) > 0 || f.Star {
		return nil, typUnknown, pgerr.Unsupported("function " + f.String())
	}
	if r, ok := ev.aggs[f]; ok {
		return r.v, r.t, nil
	}
	if f.Schema == "" && isAggregate(f.Name) {
		return nil, typUnknown, pgerr.Unsupported("aggregate " + f.Name + " in this position")
	}
	if setReturning(f) {
		if v, ok := ev.srf[f]; ok {
			return v.v, v.t, nil
		}
		return nil, typUnknown, pgerr.Unsupported("set-returning function " + f.Name + " in this position")
	}
	if v, t, ok, err := ev.clockFunc(f.Name, len(f.Args)); ok {
		return v, t, err
	}
	if v, t, ok, err := ev.uuidFunc(f.Name, len(f.Args)); ok {
		return v, t, err
	}
	if v, t, ok, err := ev.extensionFunc(f); ok { // extension.go
		return v, t, err
	}
	if v, t, ok, err := ev.sequenceFunc(f); ok { // sequence.go
		return v, t, err
	}
	var vals []any
	var types []sqlType
	for _, a := range f.Args {
		v, t, err := ev.evalArg(f, a) // wholerow.go
		if err != nil {
			return nil, t, err
		}
		vals, types = append(vals, v), append(types, t)
	}
	if v, t, ok, err := enumFunc(f.Name, vals, types); ok { // enum.go
		return v, t, err
	}
	one := len(vals) == 1
	switch {
	case (f.Name == "upper" || f.Name == "lower") && one && (types[0].isText() || types[0].kind == kUnknown):
		if vals[0] == nil {
			return nil, typText, nil
		}
		s := vals[0].(string)
		if types[0].kind == kBpchar {
			s = strings.TrimRight(s, " ")
		}
		if f.Name == "upper" {
			return strings.ToUpper(s), typText, nil
		}
		return strings.ToLower(s), typText, nil
	case f.Name == "octet_length" && one && (types[0].isText() || types[0].kind == kUnknown):
		if vals[0] == nil {
			return nil, typInt4, nil
		}
		return int64(len(vals[0].(string))), typInt4, nil
	case (f.Name == "length" || f.Name == "char_length") && one && (types[0].isText() || types[0].kind == kUnknown):
		if vals[0] == nil {
			return nil, typInt4, nil
		}
		s := vals[0].(string)
		if types[0].kind == kBpchar {
			s = strings.TrimRight(s, " ")
		}
		return int64(utf8.RuneCountInString(s)), typInt4, nil
	case f.Name == "abs" && one && isNumber(types[0]):
		switch x := vals[0].(type) {
		case nil:
			return nil, types[0], nil
		case int64:
			if x < 0 {
				return binary("-", int64(0), types[0], x, types[0])
			}
			return x, types[0], nil
		case float64:
			return math.Abs(x), types[0], nil
		case *apd.Decimal:
			return new(apd.Decimal).Abs(x), types[0], nil
		}
	}
	if v, t, ok, err := arrayFunc(f.Name, vals, types); ok {
		return v, t, err
	}
	if v, t, ok, err := regexFunc(f.Name, vals, types); ok { // regexfuncs.go
		return v, t, err
	}
	if v, t, ok, err := scalarFunc(f.Name, vals, types); ok {
		return v, t, err
	}
	if v, t, ok, err := digestFunc(f.Name, vals, types); ok { // digest.go
		return v, t, err
	}
	if v, t, ok, err := ev.xactFunc(f.Name, vals, types); ok { // xact.go
		return v, t, err
	}
	if v, t, ok, err := textFunc(f.Name, vals, types); ok {
		return v, t, err
	}
	if v, t, ok, err := mathFunc(f.Name, vals, types); ok { // mathfuncs.go
		return v, t, err
	}
	if v, t, ok, err := strFunc(f.Name, vals, types); ok { // strfuncs.go
		return v, t, err
	}
	if v, t, ok, err := ev.catalogFunc(f.Name, vals, types); ok {
		return v, t, err
	}
	if v, t, ok, err := ev.dateFunc(f.Name, vals, types); ok {
		return v, t, err
	}
	if v, t, ok, err := jsonFunc(f.Name, vals, types); ok { // jsonfuncs.go
		return v, t, err
	}
	if scalarFuncName(f.Name) {
		return nil, typUnknown, pgerr.New(pgerr.UndefinedFunction, "function %s(%s) does not exist", f.Name, typeList(types))
	}
	if ev.q != nil && (f.Schema == "" || f.Schema == "public") {
		if fd, ok := ev.q.s.function(f.Name); ok && fd.user != nil {
			return ev.callUser(fd, f, vals, types) // userfunc.go
		} else if ok && len(vals) == 0 { // trigger.go
			return nil, typUnknown, pgerr.New(pgerr.FeatureNotSupported, "trigger functions can only be called as triggers")
		}
	}
	if ev.q == nil && ev.types != nil {
		if _, ok := ev.types.userFunc(f); ok { // a CHECK's, a DEFAULT's: no transaction to run it in
			return nil, typUnknown, pgerr.Unsupported("user-defined function " + f.Name + " in this position")
		}
	}
	if !isBuiltinFunc(f.Name) && (f.Schema == "" || f.Schema == "public" || f.Schema == "pg_catalog") { // builtinfuncs.go
		names := make([]string, len(types))
		for i, t := range types {
			names[i] = formatTypeName(t, false)
		}
		e := pgerr.New(pgerr.UndefinedFunction, "function %s(%s) does not exist", f.Name, strings.Join(names, ", "))
		e.Hint = "No function matches the given name and argument types. You might need to add explicit type casts."
		return nil, typUnknown, e
	}
	return nil, typUnknown, pgerr.Unsupported("function " + f.Name)
}

func isAggregate(name string) bool {
	switch name {
	case "count", "sum", "avg", "min", "max", "bool_and", "bool_or", "string_agg", "array_agg", "every":
		return true
	}
	return isJSONAggregate(name) || isOrderedSet(name)
}

// binary applies an infix operator with PostgreSQL's NULL rules: an
// untyped side takes the other side's type; NULL in gives NULL out.
func binary(op string, l any, lt sqlType, r any, rt sqlType) (any, sqlType, error) {
	if isContainOp(op, lt, rt) {
		return containOp(op, l, lt, r, rt) // arrayops.go
	}
	if v, t, ok, err := jsonOp(op, l, lt, r, rt); ok { // jsonops.go
		return v, t, err
	}
	switch op {
	case "=", "<>", "!=", "<", "<=", ">", ">=":
		return compareOp(op, l, lt, r, rt)
	case "+", "-", "*", "/", "%":
		return arith(op, l, lt, r, rt)
	case "||":
		if lt.array || rt.array {
			return arrayConcat(l, lt, r, rt)
		}
		return concat(l, lt, r, rt)
	case "~", "~*", "!~", "!~*":
		return regexOp(op, l, lt, r, rt)
	case "~~", "~~*", "!~~", "!~~*":
		return likeOp(op, l, lt, r, rt) // conditional.go
	case "&", "|", "#", "<<", ">>":
		return bitwiseOp(op, l, lt, r, rt) // bitwise.go
	case "^":
		return powerOp(l, lt, r, rt) // bitwise.go
	}
	return nil, typUnknown, pgerr.Unsupported("operator " + op)
}

// unify converts both sides of a comparison to one type.
func unify(l any, lt sqlType, r any, rt sqlType, op string) (any, any, sqlType, error) {
	var err error
	switch {
	case lt.kind == kUnknown && rt.kind == kUnknown:
		return l, r, typText, nil
	case lt.kind == kUnknown:
		if l != nil {
			l, err = parseText(rt, l.(string))
		}
		return l, r, rt, err
	case rt.kind == kUnknown:
		if r != nil {
			r, err = parseText(lt, r.(string))
		}
		return l, r, lt, err
	}
	t, err := commonType(lt, rt, "")
	if err != nil {
		return nil, nil, t, pgerr.New(pgerr.UndefinedFunction, "operator does not exist: %s %s %s", lt, op, rt)
	}
	if l, err = cast(l, lt, t, false); err != nil {
		return nil, nil, t, err
	}
	r, err = cast(r, rt, t, false)
	return l, r, t, err
}

func compareOp(op string, l any, lt sqlType, r any, rt sqlType) (any, sqlType, error) {
	// char(n) compares without its padding, also against text.
	if lt.kind == kBpchar && l != nil {
		l = strings.TrimRight(l.(string), " ")
	}
	if rt.kind == kBpchar && r != nil {
		r = strings.TrimRight(r.(string), " ")
	}
	// Against an untyped literal or a varchar, char's own = applies.
	if lt.kind == kBpchar && (rt.kind == kUnknown || rt.kind == kVarchar) && r != nil {
		r = strings.TrimRight(r.(string), " ")
	}
	if rt.kind == kBpchar && (lt.kind == kUnknown || lt.kind == kVarchar) && l != nil {
		l = strings.TrimRight(l.(string), " ")
	}
	if lt.array || rt.array {
		return arrayCompare(op, l, lt, r, rt)
	}
	l, r, _, err := unify(l, lt, r, rt, op)
	if err != nil || l == nil || r == nil {
		return nil, typBool, err
	}
	c := compareValues(l, r)
	switch op {
	case "=":
		return c == 0, typBool, nil
	case "<>", "!=":
		return c != 0, typBool, nil
	case "<":
		return c < 0, typBool, nil
	case "<=":
		return c <= 0, typBool, nil
	case ">":
		return c > 0, typBool, nil
	}
	return c >= 0, typBool, nil
}

// compareValues orders two non-NULL values of one type. NaN sorts above
// every other float, as in PostgreSQL.
func compareValues(a, b any) int {
	switch x := a.(type) {
	case int64:
		return cmp.Compare(x, b.(int64))
	case float64:
		y := b.(float64)
		switch {
		case math.IsNaN(x) && math.IsNaN(y):
			return 0
		case math.IsNaN(x):
			return 1
		case math.IsNaN(y):
			return -1
		}
		return cmp.Compare(x, y)
	case *apd.Decimal:
		return x.Cmp(b.(*apd.Decimal))
	case string:
		return strings.Compare(x, b.(string))
	case bool:
		y := b.(bool)
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	case []byte:
		return bytes.Compare(x, b.([]byte))
	case time.Time:
		return x.Compare(b.(time.Time))
	case Interval:
		return compareIntervals(x, b.(Interval))
	case jsonbText:
		return compareJSONBValues(x, b)
	case []any:
		return compareArrays(x, b.([]any)) // arraycol.go
	case enumValue:
		return compareEnums(x, b)
	}
	return 0
}

func arith(op string, l any, lt sqlType, r any, rt sqlType) (any, sqlType, error) {
	if v, t, ok, err := timeArithOp(op, l, lt, r, rt); ok { // timeofday.go
		return v, t, err
	}
	if v, t, ok, err := timeArith(op, l, lt, r, rt); ok {
		return v, t, err
	}
	var err error
	// An untyped literal takes the other side's type (integer for two).
	switch {
	case lt.kind == kUnknown && rt.kind == kUnknown:
		return nil, typUnknown, pgerr.New("42725", "operator is not unique: unknown %s unknown", op)
	case lt.kind == kUnknown:
		lt = rt
		if l != nil {
			l, err = parseText(lt, l.(string))
		}
	case rt.kind == kUnknown:
		rt = lt
		if r != nil {
			r, err = parseText(rt, r.(string))
		}
	}
	if err != nil {
		return nil, lt, err
	}
	if !isNumber(lt) || !isNumber(rt) {
		return nil, typUnknown, pgerr.New(pgerr.UndefinedFunction, "operator does not exist: %s %s %s", lt, op, rt)
	}
	t, _ := commonType(lt, rt, "")
	if t.kind == kFloat8 && lt.kind == kFloat4 && rt.kind == kFloat4 {
		t = sqlType{kind: kFloat4}
	}
	if t.kind == kFloat8 && op == "%" {
		return nil, t, pgerr.New(pgerr.UndefinedFunction, "operator does not exist: %s %% %s", lt, rt)
	}
	if l == nil || r == nil {
		return nil, t, nil
	}
	if l, err = cast(l, lt, t, false); err != nil {
		return nil, t, err
	}
	if r, err = cast(r, rt, t, false); err != nil {
		return nil, t, err
	}
	switch t.kind {
	case kInt2, kInt4, kInt8:
		v, err := intArith(op, l.(int64), r.(int64), t)
		return v, t, err
	case kFloat4, kFloat8:
		v, err := floatArith(op, l.(float64), r.(float64))
		return v, t, err
	}
	v, err := decimalArith(op, l.(*apd.Decimal), r.(*apd.Decimal))
	return v, t, err
}

func intArith(op string, a, b int64, t sqlType) (any, error) {
	var v int64
	switch op {
	case "+":
		v = a + b
		if (a > 0 && b > 0 && v < 0) || (a < 0 && b < 0 && v >= 0) {
			return nil, outOfRange(t)
		}
	case "-":
		v = a - b
		if (a >= 0 && b < 0 && v < 0) || (a < 0 && b > 0 && v >= 0) {
			return nil, outOfRange(t)
		}
	case "*":
		v = a * b
		if a != 0 && (v/a != b || (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64)) {
			return nil, outOfRange(t)
		}
	case "/", "%":
		if b == 0 {
			return nil, pgerr.DivisionByZeroError()
		}
		if b == -1 {
			if op == "%" {
				return int64(0), nil
			}
			if a == math.MinInt64 {
				return nil, outOfRange(t)
			}
			v = -a
		} else if op == "/" {
			v = a / b
		} else {
			v = a % b
		}
	}
	return v, checkInt(t, v)
}

func floatArith(op string, a, b float64) (any, error) {
	var v float64
	switch op {
	case "+":
		v = a + b
	case "-":
		v = a - b
	case "*":
		v = a * b
	case "/":
		if b == 0 {
			return nil, pgerr.DivisionByZeroError()
		}
		v = a / b
	}
	if math.IsInf(v, 0) && !math.IsInf(a, 0) && !math.IsInf(b, 0) {
		return nil, pgerr.New(pgerr.NumericValueOutOfRange, "value out of range: overflow")
	}
	return v, nil
}

func decimalArith(op string, a, b *apd.Decimal) (any, error) {
	d := new(apd.Decimal)
	var err error
	switch op {
	case "+":
		_, err = decimalCtx.Add(d, a, b)
	case "-":
		_, err = decimalCtx.Sub(d, a, b)
	case "*":
		_, err = decimalCtx.Mul(d, a, b)
	case "/":
		if b.IsZero() {
			return nil, pgerr.DivisionByZeroError()
		}
		return divide(a, b)
	case "%":
		if b.IsZero() {
			return nil, pgerr.DivisionByZeroError()
		}
		_, err = decimalCtx.Rem(d, a, b)
	}
	if err != nil {
		return nil, pgerr.New(pgerr.NumericValueOutOfRange, "value overflows numeric format")
	}
	return d, nil
}

// divide divides numerics at the scale PostgreSQL chooses
// (select_div_scale): at least 16 significant digits, and no fewer
// decimals than either operand shows.
func divide(a, b *apd.Decimal) (any, error) {
	w1, f1 := numericWeight(a)
	w2, f2 := numericWeight(b)
	qweight := w1 - w2
	if f1 <= f2 {
		qweight--
	}
	rscale := 16 - qweight*4
	rscale = max(rscale, displayScale(a), displayScale(b), 0)
	rscale = min(rscale, 1000)
	// The quotient's digits down to one past rscale, truncated: rounding
	// them half up at rscale then gives the exactly rounded quotient, as
	// PostgreSQL's div_var rounds it, without computing the thousands of
	// digits the context allows (which cost a division microseconds).
	q := new(apd.Decimal)
	quo := *decimalCtx
	quo.Rounding = apd.RoundDown
	quo.Precision = uint32(max(adjusted(a)-adjusted(b)+2, 1) + rscale + 2)
	if _, err := quo.Quo(q, a, b); err != nil {
		return nil, pgerr.New(pgerr.NumericValueOutOfRange, "value overflows numeric format")
	}
	ctx := *decimalCtx
	ctx.Rounding = apd.RoundHalfUp
	out := new(apd.Decimal)
	if _, err := ctx.Quantize(out, q, int32(-rscale)); err != nil {
		return nil, pgerr.New(pgerr.NumericValueOutOfRange, "value overflows numeric format")
	}
	return out, nil
}

// adjusted is the exponent of d's first digit (0 for zero).
func adjusted(d *apd.Decimal) int {
	if d.IsZero() {
		return 0
	}
	return int(d.NumDigits()) + int(d.Exponent) - 1
}

// displayScale is a numeric's count of decimal digits after the point.
func displayScale(d *apd.Decimal) int { return max(0, -int(d.Exponent)) }

// numericWeight returns the weight of d's first non-zero base-10000 digit
// and that digit, as PostgreSQL's numeric stores them (0, 0 for zero).
func numericWeight(d *apd.Decimal) (weight, first int) {
	if d.IsZero() {
		return 0, 0
	}
	abs := new(apd.Decimal).Abs(d)
	adj := int(abs.NumDigits()) + int(abs.Exponent) - 1 // exponent of the first digit
	weight = adj / 4
	if adj < 0 && adj%4 != 0 {
		weight--
	}
	shifted := new(apd.Decimal).Set(abs)
	shifted.Exponent -= int32(4 * weight)
	ctx := *decimalCtx
	ctx.Rounding = apd.RoundDown
	i := new(apd.Decimal)
	_, _ = ctx.Quantize(i, shifted, 0)
	n, _ := i.Int64()
	return weight, int(n)
}

func concat(l any, lt sqlType, r any, rt sqlType) (any, sqlType, error) {
	if l == nil || r == nil {
		return nil, typText, nil
	}
	if !lt.isText() && lt.kind != kUnknown && !rt.isText() && rt.kind != kUnknown {
		return nil, typText, pgerr.New(pgerr.UndefinedFunction, "operator does not exist: %s || %s", lt, rt)
	}
	if lt.kind == kBytea || rt.kind == kBytea {
		return nil, typText, pgerr.Unsupported("bytea ||")
	}
	ls, rs := textOf(l, lt), textOf(r, rt)
	if lt.kind == kBpchar {
		ls = strings.TrimRight(ls, " ")
	}
	if rt.kind == kBpchar {
		rs = strings.TrimRight(rs, " ")
	}
	return ls + rs, typText, nil
}

// cast converts v of type from to type to. An explicit cast (CAST, ::)
// truncates varchar and char silently; an assignment reports 22001.
func cast(v any, from, to sqlType, explicit bool) (any, error) {
	if v == nil {
		return nil, nil
	}
	if from.array || to.array {
		return castArray(v, from, to, explicit) // arraycol.go
	}
	if v, ok, err := jsonCast(v, from, to, explicit); ok { // jsonops.go
		return v, err
	}
	if from.kind == kEnum || to.kind == kEnum {
		if v, ok, err := enumCast(v, from, to); ok { // enum.go
			return v, err
		}
	}
	if v, ok, err := castTime(v, from, to, explicit); ok { // timeofday.go
		return v, err
	}
	var err error
	switch {
	case from.kind == kUnknown:
		if explicit && to.length > 0 && to.isText() && utf8.RuneCountInString(v.(string)) > to.length {
			v = string([]rune(v.(string))[:to.length])
		}
		if v, err = parseText(to, v.(string)); err != nil {
			return nil, err
		}
	case to.isText():
		if !from.isText() {
			v = textOf(v, from)
		} else if from.kind == kBpchar && to.kind != kBpchar {
			v = strings.TrimRight(v.(string), " ")
		}
		if explicit && to.length > 0 && utf8.RuneCountInString(v.(string)) > to.length {
			v = string([]rune(v.(string))[:to.length])
		}
	case to.isInt():
		switch x := v.(type) {
		case int64:
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) >= 9.3e18 {
				return nil, outOfRange(to)
			}
			v = int64(math.RoundToEven(x))
		case *apd.Decimal:
			ctx := *decimalCtx
			ctx.Rounding = apd.RoundHalfUp
			i := new(apd.Decimal)
			if _, err := ctx.Quantize(i, x, 0); err != nil {
				return nil, outOfRange(to)
			}
			n, err := i.Int64()
			if err != nil {
				return nil, outOfRange(to)
			}
			v = n
		case string:
			if !explicit {
				return nil, assignMismatch(from, to)
			}
			if v, err = parseText(to, x); err != nil {
				return nil, err
			}
		default:
			return nil, castError(from, to)
		}
	case to.kind == kNumeric:
		switch x := v.(type) {
		case int64:
			v = apd.New(x, 0)
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, pgerr.Unsupported("numeric NaN or Infinity")
			}
			d, _, err := apd.NewFromString(formatFloat(x, 64))
			if err != nil {
				return nil, castError(from, to)
			}
			v = d
		case *apd.Decimal:
		case string:
			if !explicit {
				return nil, assignMismatch(from, to)
			}
			if v, err = parseText(to, x); err != nil {
				return nil, err
			}
		default:
			return nil, castError(from, to)
		}
		if to.prec > 0 {
			return fitNumeric(v.(*apd.Decimal), to)
		}
	case to.kind == kFloat4 || to.kind == kFloat8:
		switch x := v.(type) {
		case int64:
			v = float64(x)
		case *apd.Decimal:
			f, err := x.Float64()
			if err != nil {
				return nil, pgerr.New(pgerr.NumericValueOutOfRange, "value out of range: overflow")
			}
			v = f
		case float64:
		case string:
			if !explicit {
				return nil, assignMismatch(from, to)
			}
			if v, err = parseText(to, x); err != nil {
				return nil, err
			}
		default:
			return nil, castError(from, to)
		}
	default:
		same := from.kind == to.kind || timeKind(from) && timeKind(to)
		if same && to.kind == kDate {
			v = v.(time.Time).Truncate(24 * time.Hour)
		}
		if s, ok := v.(string); ok && explicit {
			if v, err = parseText(to, s); err != nil {
				return nil, err
			}
		} else if !same {
			if !explicit {
				return nil, assignMismatch(from, to)
			}
			return nil, castError(from, to)
		}
	}
	return fit(to, v)
}

// fitNumeric rounds d to t's scale and refuses more integer digits than
// its precision allows (22003), as numeric(p, s) does.
func fitNumeric(d *apd.Decimal, t sqlType) (any, error) {
	ctx := *decimalCtx
	ctx.Rounding = apd.RoundHalfUp
	out := new(apd.Decimal)
	if _, err := ctx.Quantize(out, d, int32(-t.scale)); err != nil {
		return nil, pgerr.New(pgerr.NumericValueOutOfRange, "numeric field overflow")
	}
	if !out.IsZero() && int(out.NumDigits())+int(out.Exponent) > t.prec-t.scale {
		e := pgerr.New(pgerr.NumericValueOutOfRange, "numeric field overflow")
		e.Detail = "A field with precision " + itoa(t.prec) + ", scale " + itoa(t.scale) + " must round to an absolute value less than 10^" + itoa(t.prec-t.scale) + "."
		return nil, e
	}
	return out, nil
}

func castError(from, to sqlType) *pgerr.Error {
	return pgerr.New("42846", "cannot cast type %s to %s", from, to)
}

func assignMismatch(from, to sqlType) *pgerr.Error {
	return pgerr.New(pgerr.DatatypeMismatch, "column is of type %s but expression is of type %s", to, from)
}

func timeKind(t sqlType) bool {
	return t.kind == kTimestamp || t.kind == kTimestamptz || t.kind == kDate
}

// textOf is a value's text as the cast to text gives it: PostgreSQL's
// output format, except that booleans read true and false.
func textOf(v any, t sqlType) string {
	if b, ok := v.(bool); ok {
		return strconv.FormatBool(b)
	}
	s, _ := Column{typ: t}.Format(v)
	return s
}
