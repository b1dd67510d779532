package pgsql

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/parse"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// User-defined functions called from SQL, as PostgreSQL runs them:
//
//   - CREATE [OR REPLACE] FUNCTION name([argname] type [DEFAULT expr],
//     ...) RETURNS type LANGUAGE sql AS 'statements' (or the SQL-standard
//     RETURN expr) or LANGUAGE plpgsql AS 'block'. IMMUTABLE, STABLE,
//     VOLATILE, STRICT, SECURITY DEFINER, PARALLEL, COST and the like are
//     accepted; STRICT makes a call with a NULL argument NULL without
//     running the body. The declaration is kept with the trigger
//     functions' (trigger.go): transactional, durable, forked.
//   - A name may have overloads of other argument types (funcDef.more):
//     a call takes the one whose parameters its arguments fit (count,
//     with DEFAULTs; each argument coercible implicitly, else 42883) with
//     the most exact types, an untyped literal counting for text; a tie
//     is 42725, as the simple cases of PostgreSQL's resolution are.
//   - A sql function runs its statements in order with its arguments as
//     parameters ($n, or by name where no column of a table the
//     statement reads has that name, as in PostgreSQL); its value is the
//     first row of the last one's result, NULL without rows, cast to the
//     return type. A plpgsql function runs its block (plpgsql.go) with its
//     arguments as variables; RETURN expr gives its value, and falling
//     off the end is 2F005. RETURNS void gives an empty value.
//   - The body runs in the calling statement's transaction: its writes
//     are the statement's. Calls nest up to maxCallDepth (54001 past it).
//
// A call may name its arguments (f(b => 1)). A function RETURNS SETOF
// type, SETOF table or TABLE (...) is read in FROM (srf.go): a sql one's
// last statement's rows, a plpgsql one's RETURN NEXT and RETURN QUERY
// rows (RETURNS TABLE's columns are then variables of the body). A
// set-returning call outside FROM, OUT and VARIADIC arguments, named
// arguments to an overloaded name and calls from CHECK, DEFAULT or index expressions (no
// transaction to run in there) are 0A000.

// userFunc is a function called from SQL (not a trigger function).
type userFunc struct {
	decl *ir.CreateFunction // as declared, canonical: Replace unset
	sql  []ir.Statement     // a sql function's statements
}

// maxCallDepth bounds user functions calling one another (PostgreSQL
// runs out of stack, 54001).
const maxCallDepth = 400

// voidType is the type name RETURNS void gives.
func isVoid(tn *ir.TypeName) bool {
	return tn != nil && tn.Name == "void" && (tn.Schema == "" || tn.Schema == "pg_catalog") && tn.ArrayDims == 0
}

// createUserFunction runs CREATE FUNCTION for a function other than a
// trigger function.
func (s *Session) createUserFunction(tx *engine.Tx, st *ir.CreateFunction, name string) (Result, error) {
	res := Result{Tag: "CREATE FUNCTION"}
	switch {
	case st.Language == "c" || st.Language == "internal":
		return res, pgerr.Unsupported("CREATE FUNCTION in LANGUAGE " + st.Language)
	case st.Language != "sql" && st.Language != "plpgsql":
		e := pgerr.New(pgerr.UndefinedObject, "language \"%s\" does not exist", st.Language)
		e.Hint = "Use CREATE EXTENSION to load the language into the database."
		return res, e
	case st.Returns == nil:
		return res, pgerr.New("42P13", "function result type must be specified")
	case slices.Contains(st.Options, "window"):
		return res, pgerr.Unsupported("WINDOW function")
	case st.Return != nil && st.Language != "sql":
		return res, pgerr.Unsupported("a SQL-standard body in LANGUAGE " + st.Language)
	}
	void := isVoid(st.Returns)
	if st.Setof {
		if _, err := s.setColumns(tx, st, name); err != nil {
			return res, err
		}
	} else if !void {
		if _, err := s.resolveType(*st.Returns); err != nil {
			return res, err
		}
		if err := s.domainUseError(*st.Returns, "a function's result"); err != nil { // domain.go
			return res, err
		}
	}
	seenDefault := false
	for i, a := range st.ArgTypes {
		if _, err := s.resolveType(a); err != nil {
			return res, err
		}
		if err := s.domainUseError(a, "a function's argument"); err != nil { // domain.go
			return res, err
		}
		if n := argName(st, i); n != "" && slices.Contains(st.ArgNames[:i], n) {
			return res, pgerr.New("42P13", "parameter name \"%s\" used more than once", n)
		}
		if i < len(st.ArgDefaults) && st.ArgDefaults[i] != nil {
			seenDefault = true
		} else if seenDefault {
			return res, pgerr.New("42P13", "input parameters after one with a default value must also have defaults")
		}
	}
	decl := *st
	decl.Replace, decl.BodyPosition, decl.Name = false, 0, ir.QualName{Name: name}
	fd, err := buildUserFunc(&decl)
	if err != nil {
		return res, bodyError(err, st.BodyPosition)
	}
	if st.Language == "sql" {
		if err := s.checkSQLTables(tx, fd.user.sql); err != nil {
			return res, err
		}
		var bad *ir.Param
		walkIR(reflect.ValueOf(fd.user.sql), func(x any) {
			if p, ok := x.(*ir.Param); ok && bad == nil && (p.Number < 1 || p.Number > len(st.ArgTypes)) {
				bad = p
			}
		})
		if bad != nil {
			return res, pgerr.New("42P02", "there is no parameter $%d", bad.Number)
		}
	}
	if !void && st.Language == "sql" {
		if err := checkSQLReturn(fd.user.sql, st); err != nil {
			return res, err
		}
	}
	if old, ok := s.function(name); ok {
		if old.user == nil {
			if err := s.replaceable(old, fd, st.Replace); err != nil {
				return res, err
			}
		} else {
			list := overloads(old)
			i := slices.IndexFunc(list, func(o *funcDef) bool { return s.sameArgs(o, fd) })
			if i < 0 {
				list = append(list, fd) // an overload of the name
			} else {
				if err := s.replaceable(list[i], fd, st.Replace); err != nil {
					return res, err
				}
				list[i] = fd
			}
			fd = withOverloads(list)
		}
	}
	s.setDecl(functionDeclPrefix+name, &tableDecl{function: fd})
	return res, nil
}

// argName is the name of argument i, "" for none.
func argName(st *ir.CreateFunction, i int) string {
	if i < len(st.ArgNames) {
		return st.ArgNames[i]
	}
	return ""
}

// buildUserFunc parses the body of a declaration: at CREATE, and again
// when a stored declaration is read back.
func buildUserFunc(decl *ir.CreateFunction) (*funcDef, error) {
	fd := &funcDef{name: decl.Name.Name, body: decl.Body, user: &userFunc{decl: decl}}
	switch {
	case decl.Return != nil:
		fd.user.sql = []ir.Statement{&ir.Select{Targets: []ir.Target{{Expr: decl.Return}}}}
	case decl.Language == "sql":
		stmts, err := parse.Parse(decl.Body)
		if err != nil {
			return nil, err
		}
		fd.user.sql = stmts
	default:
		names := make([]string, len(decl.ArgTypes))
		for i := range names {
			names[i] = argName(decl, i)
		}
		var pl *ir.PLFunction
		var err error
		if decl.Setof {
			pl, err = parse.PLpgSQLSetFunction(decl.Body, names, decl.TableNames)
		} else {
			pl, err = parse.PLpgSQLFunction(decl.Body, names, isVoid(decl.Returns))
		}
		if err != nil {
			return nil, err
		}
		fd.pl = pl
	}
	return fd, nil
}

// checkSQLReturn is PostgreSQL's check of a sql function's last
// statement: it must return rows, of one column.
func checkSQLReturn(stmts []ir.Statement, st *ir.CreateFunction) error {
	ret := st.Returns
	e := pgerr.New("42P13", "return type mismatch in function declared to return %s", typeNameText(*ret))
	e.Detail = "Function's final statement must be SELECT or INSERT/UPDATE/DELETE RETURNING."
	if len(stmts) == 0 {
		return e
	}
	var targets []ir.Target
	switch st := stmts[len(stmts)-1].(type) {
	case *ir.Select:
		for st.SetOp != nil {
			st = st.SetOp.Left
		}
		targets = st.Targets
		if st.Values != nil {
			return nil
		}
	case *ir.Insert:
		targets = st.Returning
	case *ir.Update:
		targets = st.Returning
	case *ir.Delete:
		targets = st.Returning
	default:
		return e
	}
	if targets == nil {
		return e
	}
	for _, t := range targets {
		if c, ok := t.Expr.(*ir.ColumnRef); ok && c.Star {
			return nil // counted when it runs
		}
	}
	switch {
	case st.TableTypes != nil && len(targets) > len(st.TableTypes):
		e.Detail = "Final statement returns too many columns."
		return e
	case st.TableTypes != nil && len(targets) < len(st.TableTypes):
		e.Detail = "Final statement returns too few columns."
		return e
	case st.TableTypes == nil && st.Setof:
		// SETOF a scalar type takes one column; SETOF a table's row type
		// its columns, counted when it runs.
	case st.TableTypes == nil && len(targets) != 1:
		e.Detail = "Final statement must return exactly one column."
		return e
	}
	return nil
}

// typeNameText is a declared type's name as PostgreSQL's messages give
// it.
func typeNameText(tn ir.TypeName) string {
	if t, err := typeOf(tn); err == nil {
		return formatType(int64(Column{typ: t}.OID()), -1)
	}
	return tn.String()
}

// replaceable checks that the function old, of fd's name and argument
// types, may be replaced by fd: 42723 without OR REPLACE, 42P13 for
// another return type or argument name.
func (s *Session) replaceable(old, fd *funcDef, replace bool) error {
	if old.user == nil { // a trigger function, of no arguments
		switch {
		case len(fd.user.decl.ArgTypes) > 0:
			return pgerr.Unsupported("function overloading (another function named " + fd.name + " with other argument types)")
		case !replace:
			return pgerr.New("42723", "function \"%s\" already exists with same argument types", fd.name)
		}
		e := pgerr.New("42P13", "cannot change return type of existing function")
		e.Hint = "Use DROP FUNCTION " + fd.name + "() first."
		return e
	}
	switch {
	case !replace:
		return pgerr.New("42723", "function \"%s\" already exists with same argument types", fd.name)
	case !s.sameType(*old.user.decl.Returns, *fd.user.decl.Returns):
		e := pgerr.New("42P13", "cannot change return type of existing function")
		e.Hint = "Use DROP FUNCTION " + s.signature(old) + " first."
		return e
	}
	for i := range old.user.decl.ArgTypes {
		if argName(old.user.decl, i) != "" && argName(old.user.decl, i) != argName(fd.user.decl, i) {
			e := pgerr.New("42P13", "cannot change name of input parameter \"%s\"", argName(old.user.decl, i))
			e.Hint = "Use DROP FUNCTION " + s.signature(old) + " first."
			return e
		}
	}
	return nil
}

// sameType reports whether two declared types are one type.
func (s *Session) sameType(a, b ir.TypeName) bool {
	if isVoid(&a) || isVoid(&b) {
		return isVoid(&a) == isVoid(&b)
	}
	ta, err1 := s.resolveType(a)
	tb, err2 := s.resolveType(b)
	return err1 == nil && err2 == nil && ta.kind == tb.kind && ta.array == tb.array && ta.enum == tb.enum
}

// signature is name(argtypes) as PostgreSQL's messages give a function.
func (s *Session) signature(fd *funcDef) string {
	var types []string
	if fd.user != nil {
		for _, a := range fd.user.decl.ArgTypes {
			types = append(types, s.typeText(a))
		}
	}
	return fd.name + "(" + strings.Join(types, ", ") + ")"
}

// typeText is a declared type's name as format_type gives it.
func (s *Session) typeText(tn ir.TypeName) string {
	t, err := s.resolveType(tn)
	if err != nil {
		return tn.String()
	}
	if t.kind == kEnum && t.enum != nil {
		return t.enum.name
	}
	return formatType(int64(Column{typ: t}.OID()), -1)
}

// argTypesMatch reports whether a DROP FUNCTION's argument types name
// the function fd.
func (s *Session) argTypesMatch(fd *funcDef, args []ir.TypeName) bool {
	var declared []ir.TypeName
	if fd.user != nil {
		declared = fd.user.decl.ArgTypes
	}
	return slices.EqualFunc(declared, args, s.sameType)
}

// callUser calls a user function with evaluated arguments.
func (ev *evaluator) callUser(fd *funcDef, f *ir.Func, vals []any, types []sqlType) (any, sqlType, error) {
	s, tx := ev.q.s, ev.q.tx
	fd, err := ev.choose(fd, f, types)
	if err != nil {
		return nil, typUnknown, err
	}
	decl := fd.user.decl
	if tx == nil {
		// A volatile DEFAULT's check at CREATE TABLE: no transaction to
		// run the body in.
		return nil, typUnknown, pgerr.Unsupported("user-defined function " + f.Name + " in this position")
	}
	if decl.Setof {
		return nil, typUnknown, pgerr.Unsupported("set-returning function " + f.Name + " outside FROM")
	}
	void := isVoid(decl.Returns)
	ret := typText
	if !void {
		t, err := s.resolveType(*decl.Returns)
		if err != nil {
			return nil, typUnknown, err
		}
		ret = t
	}
	args, ptypes, err := ev.userArgs(fd, f, vals, types)
	if err != nil {
		return nil, typUnknown, err
	}
	if ev.q.describe || ev.probing() || decl.Strict && slices.Contains(args, nil) {
		return nil, ret, nil // Prepare's run for the column types; STRICT
	}
	if err := s.enterCall(); err != nil {
		return nil, typUnknown, err
	}
	defer func() { s.funcDepth-- }()
	var v any
	var vt sqlType
	if decl.Language == "plpgsql" {
		v, vt, err = s.runPLFunc(tx, fd, args, ptypes)
	} else {
		var res Result
		if res, err = s.runSQLFunc(tx, fd, args, ptypes); err == nil && !void && len(res.Rows) > 0 && len(res.Columns) > 0 {
			if len(res.Columns) != 1 {
				e := pgerr.New("42P13", "return type mismatch in function declared to return %s", s.typeText(*decl.Returns))
				e.Detail = "Final statement must return exactly one column."
				return nil, typUnknown, e
			}
			v, vt = res.Rows[0][0], res.Columns[0].typ
		}
	}
	if err != nil {
		return nil, typUnknown, err
	}
	if void {
		// PostgreSQL's void value: empty text from a plpgsql function,
		// NULL from a sql one (its last statement's value).
		if decl.Language == "plpgsql" {
			return "", typText, nil
		}
		return nil, typText, nil
	}
	out, err := cast(v, vt, ret, false /* explicit */)
	if err != nil {
		return nil, typUnknown, err
	}
	return out, ret, nil
}

// enterCall counts a call in, 54001 past maxCallDepth; the caller
// decrements funcDepth when the call ends.
func (s *Session) enterCall() error {
	if s.funcDepth >= maxCallDepth {
		e := pgerr.New("54001", "stack depth limit exceeded")
		e.Hint = "Increase the configuration parameter \"max_stack_depth\" (currently 2048kB), after ensuring the platform's stack depth limit is adequate."
		return e
	}
	s.funcDepth++
	return nil
}

// userArgs resolves a call of fd with evaluated arguments: 42883 unless
// their count and types fit, then each cast to its parameter's type,
// DEFAULTs computed for those not given.
func (ev *evaluator) userArgs(fd *funcDef, f *ir.Func, vals []any, types []sqlType) ([]any, []sqlType, error) {
	s, tx := ev.q.s, ev.q.tx
	decl := fd.user.decl
	nargs := len(decl.ArgTypes)
	ndefaults := 0
	for _, d := range decl.ArgDefaults {
		if d != nil {
			ndefaults++
		}
	}
	noMatch := func() error {
		names := make([]string, len(types))
		for i, t := range types {
			names[i] = argTypeName(t)
		}
		e := pgerr.New(pgerr.UndefinedFunction, "function %s(%s) does not exist", f.Name, strings.Join(names, ", "))
		e.Hint = "No function matches the given name and argument types. You might need to add explicit type casts."
		return e
	}
	if len(vals) > nargs || len(vals) < nargs-ndefaults {
		return nil, nil, noMatch()
	}
	ptypes := make([]sqlType, nargs)
	for i, a := range decl.ArgTypes {
		t, err := s.resolveType(a)
		if err != nil {
			return nil, nil, err
		}
		ptypes[i] = t
		if i < len(types) && !implicitArg(types[i], t) && !ev.untypedParam(f, i) {
			return nil, nil, noMatch()
		}
	}
	args := make([]any, nargs)
	for i := range args {
		var v any
		var t sqlType
		if i < len(vals) {
			v, t = vals[i], types[i]
		} else {
			var err error
			if v, t, err = (&evaluator{q: &queryEnv{s: s, tx: tx}, types: s}).eval(decl.ArgDefaults[i]); err != nil {
				return nil, nil, err
			}
		}
		out, err := cast(v, t, ptypes[i], false /* explicit */)
		if err != nil {
			return nil, nil, err
		}
		args[i] = out
	}
	return args, ptypes, nil
}

// setColumns are the columns of a set-returning function's rows: RETURNS
// TABLE's, SETOF a table's visible columns, or SETOF a type's one column
// named for the function.
func (s *Session) setColumns(tx *engine.Tx, decl *ir.CreateFunction, name string) ([]Column, error) {
	if decl.TableTypes != nil {
		cols := make([]Column, len(decl.TableTypes))
		for i, tn := range decl.TableTypes {
			t, err := s.resolveType(tn)
			if err != nil {
				return nil, err
			}
			cols[i] = Column{Name: decl.TableNames[i], typ: t}
		}
		return cols, nil
	}
	t, err := s.resolveType(*decl.Returns)
	if err == nil {
		return []Column{{Name: name, typ: t}}, nil
	}
	rt := decl.Returns
	if rt.ArrayDims == 0 && len(rt.Mods) == 0 && (rt.Schema == "" || rt.Schema == "public") {
		if ts, terr := s.sharedSchema(tx, rt.Name); terr == nil {
			var cols []Column
			for _, i := range ts.visibleColumns() {
				cols = append(cols, Column{Name: ts.def.Columns[i].Name, typ: ts.types[i]})
			}
			return cols, nil
		}
	}
	return nil, err
}

// callUserSet runs a set-returning user function in FROM: its rows, each
// value cast to its column's type.
func (ev *evaluator) callUserSet(fd *funcDef, f *ir.Func) (Result, error) {
	s, tx := ev.q.s, ev.q.tx
	if tx == nil {
		return Result{}, pgerr.Unsupported("user-defined function " + f.Name + " in this position")
	}
	if namedCall(f) {
		var err error
		if f, err = ev.positional(f); err != nil {
			return Result{}, err
		}
	}
	vals := make([]any, len(f.Args))
	types := make([]sqlType, len(f.Args))
	for i, a := range f.Args {
		var err error
		if vals[i], types[i], err = ev.eval(a); err != nil {
			return Result{}, err
		}
	}
	fd, err := ev.choose(fd, f, types)
	if err != nil {
		return Result{}, err
	}
	decl := fd.user.decl
	if !decl.Setof {
		v, t, err := ev.callUser(fd, f, vals, types)
		if err != nil {
			return Result{}, err
		}
		return Result{Columns: []Column{{Name: f.Name, typ: t}}, Rows: [][]any{{v}}}, nil
	}
	cols, err := s.setColumns(tx, decl, f.Name)
	if err != nil {
		return Result{}, err
	}
	out := Result{Columns: cols}
	args, ptypes, err := ev.userArgs(fd, f, vals, types)
	if err != nil || ev.q.describe || ev.probing() || decl.Strict && slices.Contains(args, nil) {
		return out, err
	}
	if err := s.enterCall(); err != nil {
		return out, err
	}
	defer func() { s.funcDepth-- }()
	if decl.Language == "plpgsql" {
		rows, err := s.runPLSetFunc(tx, fd, args, ptypes, cols)
		out.Rows = rows
		return out, err
	}
	res, err := s.runSQLFunc(tx, fd, args, ptypes)
	if err != nil {
		return out, err
	}
	if len(res.Columns) != len(cols) {
		e := pgerr.New("42P13", "return type mismatch in function declared to return %s", s.typeText(*decl.Returns))
		e.Detail = "Final statement returns too many columns."
		if len(res.Columns) < len(cols) {
			e.Detail = "Final statement returns too few columns."
		}
		return out, e
	}
	for _, row := range res.Rows {
		vals := make([]any, len(cols))
		for i, c := range cols {
			if vals[i], err = cast(row[i], res.Columns[i].typ, c.typ, false /* explicit */); err != nil {
				return out, err
			}
		}
		out.Rows = append(out.Rows, vals)
	}
	return out, nil
}

// implicitArg reports whether an argument of type from is coerced
// implicitly to a parameter of type to, as PostgreSQL's function
// resolution allows.
func implicitArg(from, to sqlType) bool {
	switch {
	case from.kind == kUnknown && !from.array:
		return true
	case from.array != to.array:
		return false
	case from.kind == to.kind:
		return from.kind != kEnum || from.enum == to.enum
	case from.isInt() && to.isInt():
		return from.kind < to.kind
	case from.isInt() && (to.kind == kNumeric || to.kind == kFloat4 || to.kind == kFloat8):
		return true
	case from.kind == kNumeric && (to.kind == kFloat4 || to.kind == kFloat8):
		return true
	case from.kind == kFloat4 && to.kind == kFloat8:
		return true
	case from.isText() && to.isText():
		return true
	case from.kind == kDate && (to.kind == kTimestamp || to.kind == kTimestamptz):
		return true
	case from.kind == kTimestamp && to.kind == kTimestamptz:
		return true
	case from.kind == kJSON && from.record && to.kind == kText:
		return false
	}
	return false
}

// runPLFunc runs a plpgsql function's block with its arguments as
// variables.
func (s *Session) runPLFunc(tx *engine.Tx, fd *funcDef, args []any, types []sqlType) (any, sqlType, error) {
	r := &plRun{s: s, tx: tx, fn: fd, vars: map[string]*plVar{"found": {v: false, t: typBool}}}
	r.args = make([]*plVar, len(args))
	for i := range args {
		r.args[i] = &plVar{v: args[i], t: types[i]}
		if n := argName(fd.user.decl, i); n != "" {
			r.vars[n] = r.args[i]
		}
	}
	ret, err := r.run()
	if err != nil {
		return nil, typUnknown, err
	}
	if !ret.returned && !isVoid(fd.user.decl.Returns) {
		return nil, typUnknown, pgerr.New("2F005", "control reached end of function without RETURN")
	}
	return ret.v, ret.t, nil
}

// runPLSetFunc runs a set-returning plpgsql function: the rows its
// RETURN NEXT and RETURN QUERY add, of the columns cols; RETURNS TABLE's
// columns are variables of the body, NULL at first.
func (s *Session) runPLSetFunc(tx *engine.Tx, fd *funcDef, args []any, types []sqlType, cols []Column) ([][]any, error) {
	r := &plRun{s: s, tx: tx, fn: fd, vars: map[string]*plVar{"found": {v: false, t: typBool}}, result: &plSet{cols: cols}}
	r.args = make([]*plVar, len(args))
	for i := range args {
		r.args[i] = &plVar{v: args[i], t: types[i]}
		if n := argName(fd.user.decl, i); n != "" {
			r.vars[n] = r.args[i]
		}
	}
	for i, n := range fd.user.decl.TableNames {
		r.vars[n] = &plVar{t: cols[i].typ}
	}
	if _, err := r.run(); err != nil {
		return nil, err
	}
	return r.result.rows, nil
}

// plSet is the result a set-returning function's body builds.
type plSet struct {
	cols []Column
	rows [][]any
}

// returnNext runs RETURN NEXT expr or RETURN QUERY query: rows added to
// the function's result, cast to its columns' types.
func (r *plRun) returnNext(st *ir.PLReturnNext) error {
	if r.result == nil {
		return pgerr.New(pgerr.SyntaxError, "cannot use RETURN NEXT in a non-SETOF function")
	}
	cols := r.result.cols
	if st.Value != nil {
		if len(cols) != 1 {
			return pgerr.Unsupported("RETURN NEXT of a row value")
		}
		v, t, err := r.eval(st.Value)
		if err != nil {
			return err
		}
		out, err := cast(v, t, cols[0].typ, false /* explicit */)
		if err != nil {
			return err
		}
		r.result.rows = append(r.result.rows, []any{out})
		return nil
	}
	res, err := r.run1(st.Query)
	if err != nil {
		return err
	}
	if len(res.Columns) != len(cols) {
		e := pgerr.New(pgerr.DatatypeMismatch, "structure of query does not match function result type")
		e.Detail = fmt.Sprintf("Number of returned columns (%d) does not match expected column count (%d).", len(res.Columns), len(cols))
		return e
	}
	for _, row := range res.Rows {
		vals := make([]any, len(cols))
		for i, c := range cols {
			if vals[i], err = cast(row[i], res.Columns[i].typ, c.typ, false /* explicit */); err != nil {
				return err
			}
		}
		r.result.rows = append(r.result.rows, vals)
	}
	r.setFound(len(res.Rows) > 0)
	r.rowCount = int64(len(res.Rows))
	return nil
}

// runSQLFunc runs a sql function's statements and returns the last
// one's result.
func (s *Session) runSQLFunc(tx *engine.Tx, fd *funcDef, args []any, types []sqlType) (Result, error) {
	params := make([]any, len(args))
	for i := range args {
		params[i] = typedArg{v: args[i], t: types[i]}
	}
	var res Result
	for _, st := range fd.user.sql {
		bound, err := s.bindArgs(tx, fd, st)
		if err != nil {
			return Result{}, err
		}
		ev := &evaluator{params: params, q: &queryEnv{s: s, tx: tx}, types: s}
		if sel, ok := bound.(*ir.Select); ok {
			res, err = s.query(tx, sel, ev)
		} else if res, err = s.write(tx, bound, ev); errors.Is(err, errNotWrite) {
			err = pgerr.Unsupported(statementName(bound) + " in a SQL function")
		}
		if err != nil {
			return Result{}, err
		}
		for _, w := range res.Warnings {
			s.notice(w)
		}
	}
	return res, nil
}

// bindArgs copies a statement of a sql function, its references to the
// arguments by name made parameters: an unqualified name of an argument
// that no column of a table the statement reads has, or one qualified
// with the function's name.
func (s *Session) bindArgs(tx *engine.Tx, fd *funcDef, st ir.Statement) (ir.Statement, error) {
	decl := fd.user.decl
	if decl.ArgNames == nil {
		return st, nil
	}
	columns := map[string]bool{}
	walkIR(reflect.ValueOf(st), func(x any) {
		if t, ok := x.(*ir.TableRef); ok && (t.Table.Schema == "" || t.Table.Schema == "public") {
			if ts, err := s.sharedSchema(tx, t.Table.Name); err == nil {
				for c := range ts.index {
					columns[c] = true
				}
			}
		}
	})
	target := func(q ir.QualName) {
		if ts, err := s.sharedSchema(tx, q.Name); err == nil {
			for c := range ts.index {
				columns[c] = true
			}
		}
	}
	switch st := st.(type) {
	case *ir.Insert:
		target(st.Table)
	case *ir.Update:
		target(st.Table)
	case *ir.Delete:
		target(st.Table)
	}
	out := rewriteRefs(reflect.ValueOf(&st).Elem(), func(e ir.Expr) ir.Expr {
		c, ok := e.(*ir.ColumnRef)
		if !ok || c.Star || c.Schema != "" || c.Table != "" && c.Table != fd.name || c.Table == "" && columns[c.Column] {
			return nil
		}
		for i := range decl.ArgTypes {
			if argName(decl, i) == c.Column {
				return &ir.Param{Number: i + 1, Location: -1}
			}
		}
		return nil
	})
	return out.Interface().(ir.Statement), nil
}

// functionRecordOf is a function's declaration as stored: a trigger
// function's body, or a user function's canonical CREATE FUNCTION.
func functionRecordOf(f *funcDef) *functionRecord {
	rec := &functionRecord{Name: f.name, Body: f.body}
	if f.user != nil {
		rec.Decl = f.user.decl.String()
	}
	for _, o := range f.more {
		rec.More = append(rec.More, o.user.decl.String())
	}
	return rec
}

// functionOfRecord reads back a stored function.
func functionOfRecord(f *functionRecord) (*funcDef, error) {
	if f.Decl == "" {
		pl, err := parsePL(f.Body)
		if err != nil {
			return nil, fmt.Errorf("function %q: %w", f.Name, err)
		}
		return &funcDef{name: f.Name, body: f.Body, pl: pl}, nil
	}
	var list []*funcDef
	for _, text := range append([]string{f.Decl}, f.More...) {
		stmts, err := parse.Parse(text)
		if err != nil {
			return nil, fmt.Errorf("function %q: %w", f.Name, err)
		}
		decl, ok := stmts[0].(*ir.CreateFunction)
		if len(stmts) != 1 || !ok {
			return nil, fmt.Errorf("function %q: %q is not one CREATE FUNCTION", f.Name, text)
		}
		decl.BodyPosition = 0
		fd, err := buildUserFunc(decl)
		if err != nil {
			return nil, fmt.Errorf("function %q: %w", f.Name, err)
		}
		list = append(list, fd)
	}
	return withOverloads(list), nil
}

// callsUserFunction reports whether a statement calls a user function,
// which may write: a query that does runs in a read-write transaction.
func (s *Session) callsUserFunction(sel *ir.Select) bool {
	if !s.anyUserFunction() {
		return false
	}
	if len(s.declTx) > 0 {
		return s.walkUserCalls(sel) // the transaction's own declarations: not remembered
	}
	if gen := s.decls.gen.Load(); s.userCalls == nil || gen != s.userCallsGen || len(s.userCalls) >= maxUserCalls {
		s.userCalls, s.userCallsGen = map[*ir.Select]bool{}, gen
	}
	calls, ok := s.userCalls[sel]
	if !ok {
		calls = s.walkUserCalls(sel)
		s.userCalls[sel] = calls
	}
	return calls
}

// maxUserCalls bounds Session.userCalls: a prepared or cached statement
// is the same *ir.Select at every run, an ad hoc one is new each time.
const maxUserCalls = 256

// walkUserCalls walks st, and the views it reads, for a call of a user
// function.
func (s *Session) walkUserCalls(st ir.Statement) bool {
	found := false
	seen := map[string]bool{} // the views looked into
	var walk func(node any)
	walk = func(node any) {
		walkIR(reflect.ValueOf(node), func(x any) {
			switch x := x.(type) {
			case *ir.Func:
				if !found && (x.Schema == "" || x.Schema == "public") {
					fd, ok := s.function(x.Name)
					found = ok && fd.user != nil
				}
			case *ir.TableRef:
				// A view's query calls what it calls.
				if td := s.decl(x.Table.Name); !found && !seen[x.Table.Name] && td != nil && td.view != nil && (x.Table.Schema == "" || x.Table.Schema == "public") {
					seen[x.Table.Name] = true
					walk(td.view.query)
				}
			}
		})
	}
	walk(st)
	return found
}

// anyUserFunction reports whether a user function is declared, in the
// session's transaction or committed.
func (s *Session) anyUserFunction() bool {
	for name, td := range s.declTx {
		if isUserFunction(name, td) {
			return true
		}
	}
	return s.decls.userFuncs.Load() > 0
}

// isUserFunction reports whether the declaration td of name is a user
// function's (nil: none).
func isUserFunction(name string, td *tableDecl) bool {
	return td != nil && td.function != nil && td.function.user != nil && strings.HasPrefix(name, functionDeclPrefix)
}

// sqlLanguageOID is sql's row of pg_language in PostgreSQL 15.
const sqlLanguageOID = 14

// voidTypeOID is the pseudo-type void's oid; recordTypeOID record's.
const (
	voidTypeOID   = 2278
	recordTypeOID = 2249
)

// procRow is a user function's row of pg_proc.
func (s *Session) procRow(fd *funcDef) map[string]any {
	decl := fd.user.decl
	typeOID := func(tn ir.TypeName) int64 {
		if isVoid(&tn) {
			return voidTypeOID
		}
		t, err := s.resolveType(tn)
		if err != nil {
			return 0
		}
		return int64(Column{typ: t}.OID())
	}
	if decl.TableTypes != nil {
		typeOID = func(ir.TypeName) int64 { return recordTypeOID }
	}
	lang := int64(plpgsqlLanguageOID)
	if decl.Language == "sql" {
		lang = sqlLanguageOID
	}
	argTypes := make([]any, len(decl.ArgTypes))
	var names []any
	defaults := int64(0)
	for i, a := range decl.ArgTypes {
		argTypes[i] = typeOID(a)
		if decl.ArgNames != nil {
			names = append(names, argName(decl, i))
		}
		if i < len(decl.ArgDefaults) && decl.ArgDefaults[i] != nil {
			defaults++
		}
	}
	volatile := "v"
	switch decl.Volatility {
	case "immutable":
		volatile = "i"
	case "stable":
		volatile = "s"
	}
	parallel := "u"
	switch decl.Parallel {
	case "safe":
		parallel = "s"
	case "restricted":
		parallel = "r"
	}
	row := map[string]any{"oid": userFuncOID(fd), "proname": fd.name, "pronamespace": oidPublic,
		"proowner": oidOwner, "prolang": lang, "procost": float64(100), "prorows": float64(0),
		"provariadic": int64(0), "prosupport": "-", "prokind": "f", "prosecdef": decl.SecurityDefiner,
		"proleakproof": false, "proisstrict": decl.Strict, "proretset": decl.Setof, "provolatile": volatile, "proparallel": parallel,
		"pronargs": int64(len(decl.ArgTypes)), "pronargdefaults": defaults, "prorettype": typeOID(*decl.Returns),
		"proargtypes": argTypes, "prosrc": decl.Body}
	if names != nil {
		row["proargnames"] = names
	}
	return row
}

// untypedParam reports whether argument i of call f is a parameter whose
// value came without a type (Exec's arguments), which is then converted
// to the parameter's type as an assignment would.
func (ev *evaluator) untypedParam(f *ir.Func, i int) bool {
	p, ok := f.Args[i].(*ir.Param)
	if !ok || p.Number < 1 || p.Number > len(ev.params) {
		return false
	}
	_, typed := ev.params[p.Number-1].(typedArg)
	return !typed
}

// userFunc returns the user function a call names, if it names one.
func (s *Session) userFunc(f *ir.Func) (*funcDef, bool) {
	if f.Schema != "" && f.Schema != "public" {
		return nil, false
	}
	fd, ok := s.function(f.Name)
	if !ok || fd.user == nil {
		return nil, false
	}
	return fd, true
}

// inferCall types the parameters passed as arguments to a user function
// with its arguments' types, as PostgreSQL's Parse does (prepare.go).
func (in *inferrer) inferCall(f *ir.Func) {
	fd, ok := in.s.userFuncOf(f)
	if !ok {
		return
	}
	decl := fd.user.decl
	for i, a := range f.Args {
		j := i
		if na, ok := a.(*ir.NamedArg); ok {
			a, j = na.Arg, -1
			for k := range decl.ArgTypes {
				if argName(decl, k) == na.Name {
					j = k
				}
			}
		}
		if j < 0 || j >= len(decl.ArgTypes) {
			continue
		}
		if t, err := in.s.resolveType(decl.ArgTypes[j]); err == nil {
			in.set(a, t)
		}
	}
}

// callType is the type a user function call returns, unknown for
// another call.
func (in *inferrer) callType(f *ir.Func) sqlType {
	fd, ok := in.s.userFuncOf(f)
	if !ok || isVoid(fd.user.decl.Returns) {
		return typUnknown
	}
	t, err := in.s.resolveType(*fd.user.decl.Returns)
	if err != nil {
		return typUnknown
	}
	return t
}

// userCall reports whether f calls a user function.
func (ev *evaluator) userCall(f *ir.Func) bool {
	if ev.q == nil {
		return false
	}
	_, ok := ev.q.s.userFunc(f)
	return ok
}

// namedCall reports whether a call gives arguments by name.
func namedCall(f *ir.Func) bool {
	for _, a := range f.Args {
		if _, ok := a.(*ir.NamedArg); ok {
			return true
		}
	}
	return false
}

// positional returns a call of a user function with arguments given by
// name as one with them in their positions: a parameter between given
// ones that none names takes its DEFAULT. A built-in function's call
// with named arguments is 0A000.
func (ev *evaluator) positional(f *ir.Func) (*ir.Func, error) {
	var fd *funcDef
	ok := false
	if ev.q != nil {
		fd, ok = ev.q.s.userFunc(f)
	}
	if !ok || f.Over != nil || f.Filter != nil || f.Distinct || f.Star || len(f.OrderBy) > 0 {
		return nil, pgerr.Unsupported("named function argument")
	}
	if len(fd.more) > 0 {
		return nil, pgerr.Unsupported("named arguments in a call of an overloaded function")
	}
	decl := fd.user.decl
	slots := make([]ir.Expr, len(decl.ArgTypes))
	last := -1
	fail := func() error {
		parts := make([]string, len(f.Args))
		for i, a := range f.Args {
			e := a
			if na, ok := a.(*ir.NamedArg); ok {
				e = na.Arg
				parts[i] = na.Name + " => "
			}
			_, t, err := ev.eval(e)
			if err != nil {
				return err
			}
			if c, ok := e.(*ir.Const); ok && c.Kind == ir.ConstString {
				t = typUnknown // a literal's type is its parameter's
			}
			parts[i] += argTypeName(t)
		}
		e := pgerr.New(pgerr.UndefinedFunction, "function %s(%s) does not exist", f.Name, strings.Join(parts, ", "))
		e.Hint = "No function matches the given name and argument types. You might need to add explicit type casts."
		return e
	}
	for i, a := range f.Args {
		na, ok := a.(*ir.NamedArg)
		if !ok {
			if i >= len(slots) {
				return nil, fail()
			}
			slots[i], last = a, max(last, i)
			continue
		}
		j := -1
		for k := range decl.ArgTypes {
			if argName(decl, k) == na.Name {
				j = k
			}
		}
		if j < 0 || slots[j] != nil {
			return nil, fail()
		}
		slots[j], last = na.Arg, max(last, j)
	}
	for i := range slots[:last+1] {
		if slots[i] != nil {
			continue
		}
		if i >= len(decl.ArgDefaults) || decl.ArgDefaults[i] == nil {
			return nil, fail()
		}
		slots[i] = decl.ArgDefaults[i]
	}
	c := *f
	c.Args = slots[:last+1]
	return &c, nil
}

// argTypeName is an argument's type as 42883's message names it.
func argTypeName(t sqlType) string {
	switch {
	case t.kind == kUnknown && !t.array:
		return "unknown"
	case t.kind == kEnum && t.enum != nil && !t.array:
		return t.enum.name
	}
	return formatType(int64(Column{typ: t}.OID()), -1)
}

// viewsCalling refuses to drop a user function a view calls: 2BP01
// naming the views, 0A000 with CASCADE (which would drop them).
func (s *Session) viewsCalling(fd *funcDef, cascade bool) error {
	if fd.user == nil {
		return nil
	}
	var views []string
	for _, name := range s.declaredNames() {
		td := s.decl(name)
		if td == nil || td.view == nil {
			continue
		}
		calls := false
		walkIR(reflect.ValueOf(td.view.query), func(x any) {
			if f, ok := x.(*ir.Func); ok && f.Name == fd.name && (f.Schema == "" || f.Schema == "public") {
				calls = true
			}
		})
		if calls {
			views = append(views, name)
		}
	}
	if len(views) == 0 {
		return nil
	}
	if cascade {
		return pgerr.Unsupported("DROP FUNCTION ... CASCADE of a function a view calls")
	}
	sig := s.signature(fd)
	e := pgerr.New("2BP01", "cannot drop function %s because other objects depend on it", sig)
	lines := make([]string, len(views))
	for i, v := range views {
		lines[i] = "view " + v + " depends on function " + sig
	}
	e.Detail = strings.Join(lines, "\n")
	e.Hint = "Use DROP ... CASCADE to drop the dependent objects too."
	return e
}

// functionByOID returns the function of pg_proc's oid.
func (s *Session) functionByOID(oid int64) (*funcDef, bool) {
	for _, name := range s.declaredNames() {
		fname, ok := strings.CutPrefix(name, functionDeclPrefix)
		if !ok {
			continue
		}
		fd, ok := s.function(fname)
		if !ok {
			continue
		}
		for _, o := range overloads(fd) {
			if userFuncOID(o) == oid {
				return o, true
			}
		}
	}
	return nil, false
}

// functionInfo computes pg_get_functiondef, pg_get_function_arguments,
// pg_get_function_identity_arguments and pg_get_function_result of the
// function of oid: NULL for another oid, as for a built-in function.
func (s *Session) functionInfo(name string, oid int64) (any, error) {
	fd, ok := s.functionByOID(oid)
	if !ok {
		if name == "pg_get_functiondef" {
			return nil, pgerr.Unsupported("pg_get_functiondef of a built-in function")
		}
		return nil, nil
	}
	result := "trigger"
	var decl *ir.CreateFunction
	if fd.user != nil {
		decl = fd.user.decl
		result = "void"
		switch {
		case decl.TableTypes != nil:
			cols := make([]string, len(decl.TableTypes))
			for i, t := range decl.TableTypes {
				cols[i] = ident(decl.TableNames[i]) + " " + s.typeText(t)
			}
			result = "TABLE(" + strings.Join(cols, ", ") + ")"
		case decl.Setof:
			result = "SETOF " + s.typeText(*decl.Returns)
		case !isVoid(decl.Returns):
			result = s.typeText(*decl.Returns)
		}
	}
	args := func(defaults bool) (string, error) {
		if decl == nil {
			return "", nil
		}
		parts := make([]string, len(decl.ArgTypes))
		for i, a := range decl.ArgTypes {
			p := s.typeText(a)
			if n := argName(decl, i); n != "" {
				p = ident(n) + " " + p
			}
			if defaults && i < len(decl.ArgDefaults) && decl.ArgDefaults[i] != nil {
				d, err := defaultText(decl.ArgDefaults[i], s.typeText(a))
				if err != nil {
					return "", err
				}
				p += " DEFAULT " + d
			}
			parts[i] = p
		}
		return strings.Join(parts, ", "), nil
	}
	switch name {
	case "pg_get_function_result":
		return result, nil
	case "pg_get_function_arguments":
		return args(true)
	case "pg_get_function_identity_arguments":
		return args(false)
	}
	list, err := args(true)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteString("CREATE OR REPLACE FUNCTION public." + ident(fd.name) + "(" + list + ")\n")
	b.WriteString(" RETURNS " + result + "\n")
	lang, opts := "plpgsql", ""
	body := fd.body
	if decl != nil {
		lang = decl.Language
		switch decl.Volatility {
		case "immutable", "stable":
			opts += " " + strings.ToUpper(decl.Volatility)
		}
		switch decl.Parallel {
		case "safe", "restricted":
			opts += " PARALLEL " + strings.ToUpper(decl.Parallel)
		}
		if decl.Strict {
			opts += " STRICT"
		}
		if decl.SecurityDefiner {
			opts += " SECURITY DEFINER"
		}
		for _, o := range []string{"cost", "rows", "leakproof", "set", "support"} {
			if slices.Contains(decl.Options, o) {
				return nil, pgerr.Unsupported("pg_get_functiondef of a function with " + strings.ToUpper(o))
			}
		}
		if decl.Return != nil {
			return nil, pgerr.Unsupported("pg_get_functiondef of a function with a SQL-standard body")
		}
	}
	b.WriteString(" LANGUAGE " + lang + "\n")
	if opts != "" {
		b.WriteString(opts + "\n")
	}
	tag := "$function$"
	for i := 0; strings.Contains(body, tag); i++ {
		tag = fmt.Sprintf("$function%d$", i)
	}
	b.WriteString("AS " + tag + body + tag + "\n")
	return b.String(), nil
}

// defaultText is an argument's DEFAULT as PostgreSQL shows it: a literal
// coerced to the argument's type typ. Other expressions are 0A000.
func defaultText(e ir.Expr, typ string) (string, error) {
	c, ok := e.(*ir.Const)
	if ok {
		switch {
		case c.Kind == ir.ConstString:
			return quoteLiteral(c.Value) + "::" + typ, nil
		case c.Kind == ir.ConstNull:
			return "NULL::" + typ, nil
		case c.Kind == ir.ConstInteger && typ == "integer", c.Kind == ir.ConstBool && typ == "boolean":
			return c.String(), nil
		}
	}
	return "", pgerr.Unsupported("showing the DEFAULT " + e.String() + " of a function argument")
}

// regProcOID is the oid a regproc or regprocedure text names: a function
// of the session's, by name, with its argument types when they are given
// (name(type, ...)).
func (s *Session) regProcOID(text string) (int64, bool) {
	name, args, hasArgs := strings.Cut(text, "(")
	name = strings.TrimSpace(name)
	if strings.HasPrefix(name, `"`) && strings.HasSuffix(name, `"`) && len(name) > 1 {
		name = strings.ReplaceAll(name[1:len(name)-1], `""`, `"`)
	} else {
		name = strings.ToLower(name)
	}
	head, ok := s.function(name)
	if !ok {
		return 0, false
	}
	list := overloads(head)
	if !hasArgs {
		if len(list) > 1 {
			return 0, false // more than one function of the name
		}
		return userFuncOID(head), true
	}
	got := name + "(" + strings.Join(strings.Fields(strings.ReplaceAll(strings.TrimSpace(args), ",", ", ")), " ")
	got = strings.ReplaceAll(got, " ,", ",")
	for _, o := range list {
		if s.signature(o) == got {
			return userFuncOID(o), true
		}
	}
	return 0, false
}

// regProcName is a function's text as a regproc (its name) or a
// regprocedure (name(types)).
func (s *Session) regProcName(typ string, oid int64) (string, bool) {
	fd, ok := s.functionByOID(oid)
	if !ok {
		return "", false
	}
	if typ == "regprocedure" {
		return s.signature(fd), true
	}
	return ident(fd.name), true
}

// isRoutines is information_schema.routines: the session's functions.
func isRoutines(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, name := range c.s.declaredNames() {
		fname, ok := strings.CutPrefix(name, functionDeclPrefix)
		if !ok {
			continue
		}
		head, ok := c.s.function(fname)
		if !ok {
			continue
		}
		for _, fd := range overloads(head) {
			out = append(out, c.s.routineRow(c, fd))
		}
	}
	return out
}

// routineRow is a function's row of information_schema.routines.
func (s *Session) routineRow(c *catalogSnapshot, fd *funcDef) map[string]any {
	fname := fd.name
	dataType, udt := "trigger", "trigger"
	body, lang, def := "EXTERNAL", "PLPGSQL", any(fd.body)
	deterministic, nullCall, security := "NO", "NO", "INVOKER"
	if decl := fd.user; decl != nil {
		dataType, udt = s.routineType(decl.decl)
		if decl.decl.Language == "sql" {
			body, lang = "SQL", "SQL"
		}
		if decl.decl.Return != nil {
			def = nil
		}
		if decl.decl.Volatility == "immutable" {
			deterministic = "YES"
		}
		if decl.decl.Strict {
			nullCall = "YES"
		}
		if decl.decl.SecurityDefiner {
			security = "DEFINER"
		}
	}
	return map[string]any{"specific_catalog": c.db, "specific_schema": "public",
		"specific_name": fmt.Sprintf("%s_%d", fname, userFuncOID(fd)), "routine_catalog": c.db,
		"routine_schema": "public", "routine_name": fname, "routine_type": "FUNCTION", "data_type": dataType,
		"type_udt_catalog": c.db, "type_udt_schema": "pg_catalog", "type_udt_name": udt, "dtd_identifier": "0",
		"routine_body": body, "routine_definition": def, "external_language": lang, "parameter_style": "GENERAL",
		"is_deterministic": deterministic, "sql_data_access": "MODIFIES", "is_null_call": nullCall,
		"schema_level_routine": "YES", "max_dynamic_result_sets": int64(0), "is_user_defined_cast": "NO",
		"is_implicitly_invocable": "NO", "security_type": security, "as_locator": "NO", "new_savepoint_level": "NO",
		"is_udt_dependent": "NO", "result_cast_as_locator": "NO"}
}

// routineType is information_schema's data_type and type_udt_name of a
// function's result.
func (s *Session) routineType(decl *ir.CreateFunction) (string, string) {
	switch {
	case decl.TableTypes != nil:
		return "record", "record"
	case isVoid(decl.Returns):
		return "void", "void"
	}
	t, err := s.resolveType(*decl.Returns)
	if err != nil {
		return "USER-DEFINED", decl.Returns.Name // SETOF a table's row type
	}
	oid := int64(Column{typ: t}.OID())
	udt, _, _ := typeByOID(oid)
	switch {
	case t.array:
		return "ARRAY", udt
	case t.kind == kEnum && t.enum != nil:
		return "USER-DEFINED", t.enum.name
	}
	return formatType(oid, -1), udt
}

// checkSQLTables is PostgreSQL's check, at CREATE FUNCTION, that the
// tables a sql function's queries and writes name exist (42P01): it
// analyzes every statement of the body before any runs.
func (s *Session) checkSQLTables(tx *engine.Tx, stmts []ir.Statement) error {
	for _, st := range stmts {
		var names []ir.QualName
		switch st := st.(type) {
		case *ir.Select:
		case *ir.Insert:
			names = append(names, st.Table)
		case *ir.Update:
			names = append(names, st.Table)
		case *ir.Delete:
			names = append(names, st.Table)
		default:
			continue
		}
		ctes := map[string]bool{}
		walkIR(reflect.ValueOf(st), func(x any) {
			switch x := x.(type) {
			case *ir.With:
				for _, c := range x.CTEs {
					ctes[c.Name] = true
				}
			case *ir.TableRef:
				names = append(names, x.Table)
			}
		})
		for _, q := range names {
			if q.Schema == "" && ctes[q.Name] {
				continue
			}
			if _, ok, err := catalogRelationNamed(q); ok || err != nil || q.Schema != "" && q.Schema != "public" {
				continue
			}
			if _, err := s.sharedSchema(tx, q.Name); err == nil {
				continue
			}
			if _, _, ok := s.viewNamed(tx, q); ok {
				continue
			}
			return pgerr.New(pgerr.UndefinedTable, "relation \"%s\" does not exist", q.Name)
		}
	}
	return nil
}

// overloads returns the user functions of fd's name: fd, then the
// others (funcDef.more), each of other argument types.
func overloads(fd *funcDef) []*funcDef {
	if len(fd.more) == 0 {
		return []*funcDef{fd}
	}
	return append([]*funcDef{fd}, fd.more...)
}

// withOverloads returns the declaration of the functions fds of one
// name: the first, holding the others.
func withOverloads(fds []*funcDef) *funcDef {
	h := *fds[0]
	h.more = nil
	for _, o := range fds[1:] {
		c := *o
		c.more = nil
		h.more = append(h.more, &c)
	}
	return &h
}

// sameArgs reports whether two functions take the same argument types.
func (s *Session) sameArgs(a, b *funcDef) bool {
	var at, bt []ir.TypeName
	if a.user != nil {
		at = a.user.decl.ArgTypes
	}
	if b.user != nil {
		bt = b.user.decl.ArgTypes
	}
	return slices.EqualFunc(at, bt, s.sameType)
}

// userFuncOID is a user function's oid: stable for its name and argument
// types (a trigger function's is functionOID's).
func userFuncOID(fd *funcDef) int64 {
	if fd.user == nil {
		return functionOID(fd.name)
	}
	types := make([]string, len(fd.user.decl.ArgTypes))
	for i, t := range fd.user.decl.ArgTypes {
		types[i] = t.String()
	}
	return objectOID("f", fd.name+"("+strings.Join(types, ",")+")")
}

// choose picks the overload of head's name a call with arguments of
// types calls, as PostgreSQL's function resolution does in the cases it
// settles simply: among those taking as many arguments (with defaults)
// and each argument implicitly, the one with the most arguments of
// exactly their parameter's type (an untyped literal counting for text);
// 42725 for a tie. With none, the first, whose check then gives 42883.
func (ev *evaluator) choose(head *funcDef, f *ir.Func, types []sqlType) (*funcDef, error) {
	list := overloads(head)
	if len(list) == 1 {
		return head, nil
	}
	var best []*funcDef
	bestScore := -1
	for _, c := range list {
		decl := c.user.decl
		ndefaults := 0
		for _, d := range decl.ArgDefaults {
			if d != nil {
				ndefaults++
			}
		}
		if len(types) > len(decl.ArgTypes) || len(types) < len(decl.ArgTypes)-ndefaults {
			continue
		}
		score, fits := 0, true
		for i, t := range types {
			pt, err := ev.q.s.resolveType(decl.ArgTypes[i])
			if err != nil || !implicitArg(t, pt) && !ev.untypedParam(f, i) {
				fits = false
				break
			}
			if t.kind == pt.kind && t.array == pt.array || t.kind == kUnknown && pt.kind == kText && !pt.array {
				score++
			}
		}
		switch {
		case !fits:
		case score > bestScore:
			best, bestScore = []*funcDef{c}, score
		case score == bestScore:
			best = append(best, c)
		}
	}
	switch len(best) {
	case 0:
		return list[0], nil
	case 1:
		return best[0], nil
	}
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = argTypeName(t)
	}
	e := pgerr.New("42725", "function %s(%s) is not unique", f.Name, strings.Join(names, ", "))
	e.Hint = "Could not choose a best candidate function. You might need to add explicit type casts."
	return nil, e
}

// dropOverload runs DROP FUNCTION of one of several overloads of fd's
// name (handled reports that it did): by its argument types, 42725
// without them.
func (s *Session) dropOverload(fd *funcDef, args []ir.TypeName, cascade bool) (handled bool, err error) {
	if fd.user == nil || len(fd.more) == 0 {
		return false, nil
	}
	if args == nil {
		e := pgerr.New("42725", "function name \"%s\" is not unique", fd.name)
		e.Hint = "Specify the argument list to select the function unambiguously."
		return true, e
	}
	list := overloads(fd)
	i := slices.IndexFunc(list, func(o *funcDef) bool { return s.argTypesMatch(o, args) })
	if i < 0 {
		return false, nil
	}
	if err := s.viewsCalling(list[i], cascade); err != nil {
		return true, err
	}
	list = slices.Delete(slices.Clone(list), i, i+1)
	s.setDecl(functionDeclPrefix+fd.name, &tableDecl{function: withOverloads(list)})
	return true, nil
}

// userFuncOf returns the user function a call names when one overload
// takes its number of arguments (for Prepare's parameter types).
func (s *Session) userFuncOf(f *ir.Func) (*funcDef, bool) {
	head, ok := s.userFunc(f)
	if !ok {
		return nil, false
	}
	var found *funcDef
	for _, o := range overloads(head) {
		n := len(o.user.decl.ArgTypes)
		if len(f.Args) > n {
			continue
		}
		if found != nil {
			return nil, false
		}
		found = o
	}
	return found, found != nil
}
