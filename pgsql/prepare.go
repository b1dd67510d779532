package pgsql

import (
	"context"
	"time"

	"github.com/cockroachdb/apd/v3"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/parse"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Prepared is a statement parsed and described without being run, as the
// extended query protocol's Parse and Describe need it: the types of its
// parameters and of the columns it returns. A Prepared belongs to the
// session that made it.
type Prepared struct {
	sql     string
	stmt    ir.Statement // nil for a text without statements
	params  []uint32
	types   []sqlType // the parameters' types, kUnknown where untyped
	columns []Column
}

// typedArg is an argument with the type of the parameter it is bound to,
// so that $1 has the same type when the statement is described (a NULL of
// that type) and when it runs, as PostgreSQL types a parameter once, at
// Parse. An untyped parameter's argument goes unwrapped: a string stays
// unknown, typed by its context.
type typedArg struct {
	v any
	t sqlType
}

// typedArgs wraps args in the types of their parameters. An argument of
// another Go type than its parameter's (a string for an integer) goes
// unwrapped, to be converted by its context as Exec's arguments are.
func typedArgs(types []sqlType, args []any) []any {
	out := make([]any, len(args))
	for i, v := range args {
		out[i] = v
		if i < len(types) && types[i].kind != kUnknown {
			if w, ok := typed(v, types[i]); ok {
				out[i] = w
			}
		}
	}
	return out
}

// typed wraps v as a value of type t, if it is one.
func typed(v any, t sqlType) (typedArg, bool) {
	ok := false
	switch x := v.(type) {
	case nil:
		ok = true
	case int64:
		ok = t.isInt() && checkInt(t, x) == nil
	case float64:
		ok = t.kind == kFloat4 || t.kind == kFloat8
		if t.kind == kFloat4 {
			v = float64(float32(x))
		}
	case *apd.Decimal:
		ok = t.kind == kNumeric
	case string:
		ok = t.isText()
	case bool:
		ok = t.kind == kBool
	case []byte:
		ok = t.kind == kBytea
	case time.Time:
		ok = timeKind(t)
		v = x.UTC().Round(time.Microsecond)
		if t.kind == kTime {
			// A time.Time for a time parameter is its wall clock, as pgx sends it.
			ok, v = true, int64(x.Hour())*usPerHour+int64(x.Minute())*usPerMin+int64(x.Second())*usPerSec+int64(x.Nanosecond()/1000)
		}
	case Interval:
		ok = t.kind == kInterval
	case jsonbText:
		ok = t.kind == kJSONB
	case []any:
		if t.array {
			elems, et, _, err := arrayParam(x)
			et.array = true
			if err == nil {
				v, err = castArray(elems, et, t, false)
			}
			ok = err == nil
		}
	}
	return typedArg{v: v, t: t}, ok
}

// Empty reports whether the text held no statement (only blanks or
// comments): running it returns nothing, and the wire protocol answers
// EmptyQueryResponse.
func (p *Prepared) Empty() bool { return p.stmt == nil }

// ParamOIDs returns the type OID of each parameter $1, $2, ...: the type
// the client declared, else the one inferred from the statement (a column
// compared with the parameter or assigned from it, a cast, LIMIT and
// OFFSET as int8), else text.
func (p *Prepared) ParamOIDs() []uint32 { return p.params }

// Columns returns the columns the statement returns, or nil when it
// returns no rows.
func (p *Prepared) Columns() []Column { return p.columns }

// SQL returns the statement's text.
func (p *Prepared) SQL() string { return p.sql }

// Prepare parses sql, which must hold at most one statement (42601), and
// describes it: the types of its parameters, given in paramOIDs (0 for a
// parameter whose type is to be inferred; fewer OIDs than parameters
// leave the rest inferred) and the columns it returns. It resolves the
// tables the statement names as of the session's transaction, and a
// query's column types are found by running it with every parameter NULL,
// over none of its tables' rows, in a transaction that is rolled back.
//
// As in PostgreSQL, an error aborts an explicit transaction, and only
// COMMIT and ROLLBACK may be prepared in an aborted one (25P02).
func (s *Session) Prepare(ctx context.Context, sql string, paramOIDs []uint32) (*Prepared, error) {
	p, err := s.prepare(ctx, sql, paramOIDs)
	if err != nil && s.tx != nil && !s.failed {
		s.failed = true
	}
	return p, err
}

func (s *Session) prepare(ctx context.Context, sql string, paramOIDs []uint32) (*Prepared, error) {
	if s.decls.err != nil {
		return nil, s.decls.err // the declarations could not be read back
	}
	stmts, err := s.cache.Parse(sql)
	if err != nil {
		return nil, err
	}
	if len(stmts) > 1 {
		return nil, pgerr.Syntax("cannot insert multiple commands into a prepared statement")
	}
	n, err := parse.ParamCount(sql)
	if err != nil {
		return nil, err
	}
	p := &Prepared{sql: sql, params: make([]uint32, max(n, len(paramOIDs)))}
	if len(stmts) == 0 {
		return p, nil
	}
	p.stmt = stmts[0]
	if s.failed && !exitsTransaction(p.stmt) {
		return nil, pgerr.InFailedTransactionError()
	}
	types := make([]sqlType, len(p.params))
	for i, oid := range paramOIDs {
		t, ok := typeOfOID(oid)
		if e, isEnum := s.enumByOID(int64(oid)); !ok && isEnum { // enum.go
			t, ok = sqlType{kind: kEnum, enum: e}, true
		}
		if !ok {
			return nil, pgerr.Unsupported("parameter type with OID " + itoa(int(oid)))
		}
		types[i] = t
	}
	switch p.stmt.(type) {
	case *ir.Select, *ir.Insert, *ir.Update, *ir.Delete, *ir.CreateTableAs:
	default:
		setParams(p, types)
		return p, nil
	}
	tx := s.tx
	if tx == nil {
		if tx, err = s.db.Begin(ctx, engine.TxOptions{ReadOnly: true}); err != nil {
			return nil, toError(err)
		}
		defer func() { _ = tx.Rollback() }()
	}
	in := &inferrer{s: s, tx: tx, sql: sql, types: types}
	in.statement(p.stmt)
	if in.err != nil {
		// PostgreSQL reports an unknown column at Parse; running the query
		// below would not, over an empty table.
		return nil, in.err
	}
	setParams(p, types)
	if p.columns, err = s.describeColumns(ctx, tx, p.stmt, p.types); err != nil {
		return nil, err
	}
	return p, nil
}

// setParams fills p's parameter types and OIDs from types, text where
// unknown.
func setParams(p *Prepared, types []sqlType) {
	p.types = types
	for i, t := range types {
		p.params[i] = oidOf(t)
	}
}

// exitsTransaction reports whether st may run in an aborted transaction.
func exitsTransaction(st ir.Statement) bool {
	switch st.(type) {
	case *ir.Commit, *ir.Rollback, *ir.RollbackTo:
		return true
	}
	return false
}

// ExecPrepared runs p with args bound to its parameters (values as Exec
// takes them, typically from ParseParam or a binary decoder) under the
// session's transaction rules, and returns its result.
func (s *Session) ExecPrepared(ctx context.Context, p *Prepared, args []any) (Result, error) {
	if p.stmt == nil {
		return Result{}, nil
	}
	if len(args) != len(p.params) {
		return Result{}, pgerr.New("08P01", "bind message supplies %d parameters, but prepared statement requires %d", len(args), len(p.params))
	}
	var res Result
	err := s.execEach(ctx, []ir.Statement{p.stmt}, p.sql, typedArgs(p.types, args), func(r Result) error {
		res = r
		return nil
	})
	return res, err
}

// describeColumns returns the columns st returns, nil when it returns no
// rows. A query is run with NULL parameters (of their types) over none of
// its tables' rows (queryEnv.describe: each table read returns none) and
// its result dropped (in a savepoint rolled back to, inside an explicit
// transaction); the
// RETURNING list of a write is typed over a row of NULLs of the target
// table, without writing.
func (s *Session) describeColumns(ctx context.Context, tx *engine.Tx, st ir.Statement, types []sqlType) ([]Column, error) {
	args := typedArgs(types, make([]any, len(types)))
	ev := &evaluator{params: args, q: &queryEnv{s: s, tx: tx, describe: true}}
	if cols, ok, err := s.describeWith(tx, st, ev); ok { // cte_writes.go
		return cols, err
	}
	var table ir.QualName
	var alias string
	var list []ir.Target
	var others []ir.FromItem // UPDATE's FROM, DELETE's USING
	switch st := st.(type) {
	case *ir.Select:
		if err := ctx.Err(); err != nil {
			return nil, toError(err)
		}
		if s.tx != nil {
			sp, err := tx.Savepoint()
			if err != nil {
				return nil, toError(err)
			}
			defer func() { _ = tx.RollbackTo(sp) }()
		}
		res, err := s.query(tx, st, ev)
		if err != nil {
			return nil, toError(err)
		}
		return res.Columns, nil
	case *ir.Insert:
		table, alias, list = st.Table, st.Alias, st.Returning
	case *ir.Update:
		table, alias, list, others = st.Table, st.Alias, st.Returning, st.From
	case *ir.Delete:
		table, alias, list, others = st.Table, st.Alias, st.Returning, st.Using
	}
	if len(list) == 0 {
		return nil, nil
	}
	_, ts, alias, err := s.target(tx, table, alias)
	if err != nil {
		return nil, toError(err)
	}
	sc := newScope(ts, alias)
	if len(others) > 0 {
		// RETURNING may name the other tables' columns: the scope is the
		// join the statement makes, over none of their rows.
		if sc, _, err = s.targetRows(tx, ts, alias, others, nil, ev); err != nil {
			return nil, toError(err)
		}
	}
	targets, err := expandTargets(sc, list)
	if err != nil {
		return nil, toError(err)
	}
	_ = probeTypes(targets, sc, ev.with(sc)) // not a view's probe: never fails
	return columnsOf(targets), nil
}

// inferrer gives parameters the types their context implies, the obvious
// cases of PostgreSQL's inference: a parameter compared with, assigned to
// or combined with a column or a typed value takes its type, a cast
// parameter the cast's type, and LIMIT and OFFSET int8. It reads table
// definitions in tx and never fails: what it cannot resolve stays
// unknown (text).
type inferrer struct {
	s     *Session
	tx    *engine.Tx
	sql   string
	types []sqlType
	err   error // the first column a query names that no table has
}

// inferScope is the tables a query level sees, and the levels around it.
// It is complete when its FROM list is tables only, all of which exist,
// and so are the levels around it: then a column none of them has does
// not exist.
type inferScope struct {
	tables   []inferTable
	outer    *inferScope
	complete bool
}

type inferTable struct {
	alias string
	ts    *tableSchema
}

// set types parameter e (if e is one still untyped) as t.
func (in *inferrer) set(e ir.Expr, t sqlType) {
	p, ok := e.(*ir.Param)
	if !ok || t.kind == kUnknown || p.Number < 1 || p.Number > len(in.types) {
		return
	}
	if in.types[p.Number-1].kind == kUnknown {
		in.types[p.Number-1] = sqlType{kind: t.kind, array: t.array, enum: t.enum}
	}
}

// operandType is the type a parameter compared with e takes: e's, except
// that varchar compares as text (it has no operators of its own).
func (in *inferrer) operandType(sc *inferScope, e ir.Expr) sqlType {
	t := in.typeOf(sc, e)
	if t.kind == kVarchar {
		return typText
	}
	return t
}

// containerType is operandType that also knows an ARRAY[...]
// constructor's type (an array of its first typed element's type, of
// unknown when none is typed), for the operators that take arrays or
// jsonb.
func (in *inferrer) containerType(sc *inferScope, e ir.Expr) sqlType {
	a, ok := e.(*ir.Array)
	if !ok {
		return in.operandType(sc, e)
	}
	t := typUnknown
	for _, x := range a.Elems {
		if et := in.operandType(sc, x); et.kind != kUnknown && !et.array {
			t = et
			break
		}
	}
	t.array = true
	return t
}

// typeOf returns e's type where it is evident without evaluating it.
func (in *inferrer) typeOf(sc *inferScope, e ir.Expr) sqlType {
	switch e := e.(type) {
	case *ir.ColumnRef:
		for ; sc != nil; sc = sc.outer {
			for _, t := range sc.tables {
				if e.Table != "" && e.Table != t.alias {
					continue
				}
				if i, ok := t.ts.index[e.Column]; ok {
					return t.ts.types[i]
				}
			}
		}
	case *ir.Cast:
		if t, err := in.s.resolveType(e.Type); err == nil { // enum.go
			return t
		}
	case *ir.Param:
		if e.Number >= 1 && e.Number <= len(in.types) {
			return in.types[e.Number-1]
		}
	case *ir.Func:
		return in.callType(e) // userfunc.go
	case *ir.Const:
		if e.Kind != ir.ConstString && e.Kind != ir.ConstNull {
			if _, t, err := constant(e); err == nil {
				return t
			}
		}
	}
	return typUnknown
}

func (in *inferrer) statement(st ir.Statement) {
	in.writeWith(st) // cte_writes.go
	switch st := st.(type) {
	case *ir.Select:
		in.query(nil, st)
	case *ir.CreateTableAs:
		in.query(nil, st.Query)
	case *ir.Insert:
		in.insert(st)
	case *ir.Update:
		sc := in.targetScope(st.Table, st.Alias)
		in.from(sc, st.From)
		if len(sc.tables) > 0 {
			for _, c := range st.Set {
				if i, ok := sc.tables[0].ts.index[c.Column]; ok {
					in.set(c.Value, sc.tables[0].ts.types[i])
				}
			}
		}
		for _, c := range st.Set {
			in.expr(sc, c.Value)
		}
		in.expr(sc, st.Where)
		in.targets(sc, st.Returning)
	case *ir.Delete:
		sc := in.targetScope(st.Table, st.Alias)
		in.from(sc, st.Using)
		in.expr(sc, st.Where)
		in.targets(sc, st.Returning)
	}
}

// targetScope is the scope of the table a write names.
func (in *inferrer) targetScope(table ir.QualName, alias string) *inferScope {
	sc := &inferScope{}
	if _, ts, alias, err := in.s.target(in.tx, table, alias); err == nil {
		sc.tables = append(sc.tables, inferTable{alias: alias, ts: ts})
	}
	return sc
}

func (in *inferrer) insert(st *ir.Insert) {
	sc := in.targetScope(st.Table, st.Alias)
	if len(sc.tables) == 0 {
		return
	}
	ts := sc.tables[0].ts
	cols := make([]sqlType, 0, len(ts.types))
	if len(st.Columns) == 0 {
		for _, i := range ts.visibleColumns() {
			cols = append(cols, ts.types[i])
		}
	}
	for _, name := range st.Columns {
		t := typUnknown
		if i, ok := ts.index[name]; ok {
			t = ts.types[i]
		}
		cols = append(cols, t)
	}
	for _, row := range st.Values {
		for i, e := range row {
			if i < len(cols) {
				in.set(e, cols[i])
			}
			in.expr(nil, e)
		}
	}
	if q := st.Query; q != nil {
		if q.SetOp == nil && q.Values == nil {
			for i, t := range q.Targets {
				if i < len(cols) {
					in.set(t.Expr, cols[i])
				}
			}
		}
		for _, row := range q.Values {
			for i, e := range row {
				if i < len(cols) {
					in.set(e, cols[i])
				}
			}
		}
		in.query(nil, q)
	}
	if oc := st.OnConflict; oc != nil {
		for _, c := range oc.Set {
			if i, ok := ts.index[c.Column]; ok {
				in.set(c.Value, ts.types[i])
			}
			in.expr(sc, c.Value)
		}
		in.expr(sc, oc.Where)
	}
	in.targets(sc, st.Returning)
}

// query infers over a SELECT whose enclosing levels are outer.
func (in *inferrer) query(outer *inferScope, st *ir.Select) {
	if st == nil {
		return
	}
	in.with(outer, st.With) // cte_writes.go
	if st.SetOp != nil {
		in.query(outer, st.SetOp.Left)
		in.query(outer, st.SetOp.Right)
	}
	sc := &inferScope{outer: outer}
	sc.complete = in.from(sc, st.From) && st.With == nil && (outer == nil || outer.complete)
	if sc.complete {
		for _, t := range st.Targets {
			in.checkColumns(sc, t.Expr)
		}
		in.checkColumns(sc, st.Where)
	}
	for _, row := range st.Values {
		for _, e := range row {
			in.expr(sc, e)
		}
	}
	in.targets(sc, st.Targets)
	in.expr(sc, st.Where)
	for _, e := range st.GroupBy {
		in.expr(sc, e)
	}
	in.expr(sc, st.Having)
	for _, o := range st.OrderBy {
		in.expr(sc, o.Expr)
	}
	for _, e := range st.DistinctOn {
		in.expr(sc, e)
	}
	for _, e := range frameOffsets(st) { // window.go
		in.set(e, typInt8)
	}
	for _, e := range windowExprs(st) {
		in.expr(sc, e)
	}
	in.set(st.Limit, typInt8)
	in.set(st.Offset, typInt8)
	in.expr(sc, st.Limit)
	in.expr(sc, st.Offset)
}

// from adds the tables of a FROM list to sc and infers over their join
// conditions and subqueries. It reports whether the list is tables only,
// all of which exist.
func (in *inferrer) from(sc *inferScope, items []ir.FromItem) bool {
	complete := true
	var on []ir.Expr
	var walk func(it ir.FromItem)
	walk = func(it ir.FromItem) {
		switch it := it.(type) {
		case *ir.TableRef:
			ts, alias, err := in.s.tableRef(in.tx, it)
			if err != nil {
				if ts, alias, ok := catalogInferTable(it); ok { // enum.go
					sc.tables = append(sc.tables, inferTable{alias: alias, ts: ts})
					return
				}
				complete = false
				return
			}
			sc.tables = append(sc.tables, inferTable{alias: alias, ts: ts})
		case *ir.Join:
			walk(it.Left)
			walk(it.Right)
			on = append(on, it.On)
			complete = complete && len(it.Using) == 0 && !it.Natural
		case *ir.SubqueryRef:
			complete = false
			in.query(sc.outer, it.Query)
		default:
			complete = false
		}
	}
	for _, it := range items {
		walk(it)
	}
	for _, e := range on {
		in.expr(sc, e)
	}
	return complete
}

// checkColumns records, as in.err, the first column e names that no
// table of the complete scope sc has: 42703, or 42P01 for a qualifier
// that names no table.
func (in *inferrer) checkColumns(sc *inferScope, e ir.Expr) {
	ir.Inspect(e, func(x ir.Expr) bool {
		c, ok := x.(*ir.ColumnRef)
		if !ok || in.err != nil || c.Schema != "" {
			return in.err == nil
		}
		tableSeen := c.Table == ""
		for s := sc; s != nil; s = s.outer {
			for _, t := range s.tables {
				if c.Table != "" && c.Table != t.alias {
					continue
				}
				tableSeen = true
				if _, ok := t.ts.index[c.Column]; ok || c.Star {
					return true
				}
			}
		}
		for s := sc; c.Table == "" && s != nil; s = s.outer {
			for _, t := range s.tables {
				if t.alias == c.Column {
					return true // a whole-row reference (wholerow.go)
				}
			}
		}
		var err *pgerr.Error
		switch {
		case !tableSeen:
			err = pgerr.New(pgerr.UndefinedTable, "missing FROM-clause entry for table %q", c.Table)
		case c.Star:
			return true
		case c.Table != "":
			err = pgerr.New(pgerr.UndefinedColumn, "column %s.%s does not exist", c.Table, c.Column)
		default:
			err = pgerr.UndefinedColumnError(c.Column)
		}
		in.err = err.WithPosition(in.sql, c.Location)
		return false
	})
}

func (in *inferrer) targets(sc *inferScope, list []ir.Target) {
	for _, t := range list {
		in.expr(sc, t.Expr)
	}
}

// expr infers over e and its subexpressions, and the subqueries in it.
func (in *inferrer) expr(sc *inferScope, e ir.Expr) {
	ir.Inspect(e, func(x ir.Expr) bool {
		switch x := x.(type) {
		case *ir.Binary:
			if l, r, ok := jsonParamTypes(x.Op, in.containerType(sc, x.Left), in.containerType(sc, x.Right)); ok { // jsonops.go
				in.set(x.Left, l)
				in.set(x.Right, r)
				break
			}
			if x.Op == "||" {
				in.set(x.Left, typText)
				in.set(x.Right, typText)
				break
			}
			in.set(x.Left, paramBeside(x.Op, in.operandType(sc, x.Right), false /* other left */))
			in.set(x.Right, paramBeside(x.Op, in.operandType(sc, x.Left), true /* other left */))
		case *ir.IsDistinct:
			in.set(x.Left, in.operandType(sc, x.Right))
			in.set(x.Right, in.operandType(sc, x.Left))
		case *ir.InList:
			t := in.operandType(sc, x.Arg)
			for _, y := range x.List {
				in.set(y, t)
				if t.kind == kUnknown {
					t = in.operandType(sc, y)
				}
			}
			in.set(x.Arg, t)
		case *ir.Between:
			t := in.operandType(sc, x.Arg)
			in.set(x.Low, t)
			in.set(x.High, t)
		case *ir.Like:
			in.set(x.Arg, typText)
			in.set(x.Pattern, typText)
			in.set(x.Escape, typText)
		case *ir.Cast:
			if x.Type.ArrayDims == 1 {
				scalar := x.Type
				scalar.ArrayDims = 0
				if t, err := typeOf(scalar); err == nil {
					t.array = true
					in.set(x.Arg, t)
				}
			} else if t, err := typeOf(x.Type); err == nil {
				in.set(x.Arg, t)
			}
		case *ir.Func:
			in.inferCall(x) // userfunc.go
		case *ir.Subquery:
			in.query(sc, x.Query)
		case *ir.Exists:
			in.query(sc, x.Query)
		case *ir.Quantified:
			if x.Query == nil {
				// x = ANY($1): an array of x's type; x LIKE ANY($1) a
				// text[].
				if isLikeOp(x.Op) {
					in.set(x.Left, typText)
					in.set(x.Array, sqlType{kind: kText, array: true})
				} else if t := in.operandType(sc, x.Left); t.kind != kUnknown {
					t.array = true
					in.set(x.Array, t)
				}
			}
			if x.Query != nil {
				in.query(sc, x.Query)
				if x.Query.SetOp == nil && len(x.Query.Targets) == 1 {
					in.set(x.Left, in.operandType(&inferScope{outer: sc}, x.Query.Targets[0].Expr))
				}
			}
		}
		return true
	})
}
