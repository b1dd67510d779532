package pgsql

import (
	"fmt"
	"maps"
	"reflect"
	"strings"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// The PL/pgSQL interpreter runs a trigger function's body (parsed by
// package parse into ir.PLFunction) for one row event. Expressions and
// SQL statements of the body are run as PostgreSQL's PL/pgSQL runs them:
// each column reference naming a variable, TG_* or NEW.field / OLD.field
// becomes a parameter bound to its current value, and the statement runs
// through the ordinary executor in the trigger's transaction, firing its
// own triggers. A name that is both a variable and a column of a table
// the statement reads is 42702, as under PostgreSQL's default
// plpgsql.variable_conflict = error.

// plVar is a variable of a running body.
type plVar struct {
	v        any // as the evaluator gives it
	t        sqlType
	constant bool
	// rec is set for a record variable: row is then its value, nil until
	// a row is assigned.
	rec bool
	row *plRow
}

// plRow is a row a record variable holds: its columns and values.
type plRow struct {
	cols []Column
	vals []any
}

// plControl says why a statement list stopped early.
type plControl int

const (
	plReturned  plControl = iota // RETURN
	plExited                     // EXIT of the innermost loop
	plContinued                  // CONTINUE of the innermost loop
)

// plRun is one run of a trigger function or a DO block.
type plRun struct {
	s  *Session
	tx *engine.Tx
	fn *funcDef
	ts *tableSchema // the trigger's table; nil for a DO block
	// vars are the variables in scope, by name: a block's declarations
	// hide the outer ones of their names while it runs.
	vars map[string]*plVar
	// rec are NEW and OLD, in the form the table stores rows: nil when
	// the event has none (NEW of a DELETE, OLD of an INSERT), which reads
	// as a row of NULLs.
	rec map[string][]any
	// rowCount is the number of rows the last SQL statement processed
	// (GET DIAGNOSTICS ... ROW_COUNT).
	rowCount int64
	// caught is the error the innermost running exception handler
	// caught, which RAISE; raises again; nil outside handlers.
	caught *Error
	// control is why the last statement list that stopped early did.
	control plControl
	// args are a function's arguments, which $n names (userfunc.go); nil
	// for a trigger function or a DO block.
	args []*plVar
	// result holds a set-returning function's rows (userfunc.go); nil for
	// other bodies.
	result *plSet
}

// do reports whether the run is a DO block's.
func (r *plRun) do() bool { return r.ts == nil }

// plReturn is how a body ended: RETURN NEW, OLD or NULL, or a
// function's RETURN (returned set) of value v of type t.
type plReturn struct {
	record   string // "new", "old" or "" for NULL
	returned bool
	v        any
	t        sqlType
}

// run runs the body; it returns the record RETURN named.
func (r *plRun) run() (plReturn, error) {
	ret, done, err := r.runBlock(r.fn.pl.Block)
	if err != nil {
		return plReturn{}, err
	}
	if !done && !r.do() {
		return plReturn{}, pgerr.New("2F005", "control reached end of trigger procedure without RETURN")
	}
	return ret, nil
}

// runBlock runs a block: its declarations, then its statements, with
// its exception handlers, if any, as PostgreSQL runs them: the
// statements run after a savepoint, to which an error a handler catches
// rolls the transaction (and the SQL declarations) back before the
// handler runs. Variables keep the values they were given. An error no
// handler catches, or one in a handler, is the block's.
func (r *plRun) runBlock(b *ir.PLBlock) (ret plReturn, done bool, err error) {
	if len(b.Decls) > 0 {
		outer := map[string]*plVar{}
		for _, d := range b.Decls {
			if _, seen := outer[d.Name]; !seen {
				outer[d.Name] = r.vars[d.Name]
			}
		}
		defer r.restore(outer)
	}
	for _, d := range b.Decls {
		if d.Record {
			r.vars[d.Name] = &plVar{rec: true}
			continue
		}
		t, err := r.s.resolveType(d.Type)
		if err != nil {
			return ret, false, err
		}
		if err := r.s.domainUseError(d.Type, "a PL/pgSQL variable"); err != nil { // domain.go
			return ret, false, err
		}
		v := &plVar{t: t, constant: d.Constant}
		if d.Default != nil {
			val, vt, err := r.eval(d.Default)
			if err != nil {
				return ret, false, err
			}
			if v.v, err = cast(val, vt, t, false /* explicit */); err != nil {
				return ret, false, err
			}
		}
		if v.v == nil && d.NotNull {
			return ret, false, pgerr.New("22004", "null value cannot be assigned to variable \"%s\" declared NOT NULL", d.Name)
		}
		r.vars[d.Name] = v
	}
	if b.Handlers == nil {
		return r.block(b.Body)
	}
	sp, err := r.tx.Savepoint()
	if err != nil {
		return ret, false, err
	}
	decls, notes := maps.Clone(r.s.declTx), r.s.notifyMark() // notify.go
	ret, done, err = r.block(b.Body)
	if err == nil {
		// The block's writes stay; its savepoint is not needed any more,
		// which a loop running the block many times must not pile up.
		return ret, done, r.tx.Release(sp)
	}
	caught := toError(err)
	if caught.Code == pgerr.FeatureNotSupported {
		// reldb's refusal of a construct PostgreSQL would have run: a
		// handler taking it would give a different answer.
		return ret, false, err
	}
	h := catching(b.Handlers, caught.Code)
	if h == nil {
		return ret, false, err
	}
	if err := r.tx.RollbackTo(sp); err != nil {
		return ret, false, err
	}
	if err := r.tx.Release(sp); err != nil {
		return ret, false, err
	}
	r.s.declTx = decls
	r.s.rollbackNotify(notes)
	outer := map[string]*plVar{"sqlstate": r.vars["sqlstate"], "sqlerrm": r.vars["sqlerrm"]}
	defer r.restore(outer)
	r.vars["sqlstate"] = &plVar{v: caught.Code, t: typText}
	r.vars["sqlerrm"] = &plVar{v: caught.Message, t: typText}
	prev := r.caught
	r.caught = caught
	defer func() { r.caught = prev }()
	return r.block(h.Body)
}

// restore puts back the variables a block hid (nil: none of that name).
func (r *plRun) restore(outer map[string]*plVar) {
	for name, v := range outer {
		if v == nil {
			delete(r.vars, name)
		} else {
			r.vars[name] = v
		}
	}
}

// catching returns the first handler whose conditions catch an error of
// SQLSTATE code: a condition of its code, of its class (a code ending in
// 000), or OTHERS, which catches all but query_canceled and
// assert_failure, as in PostgreSQL; nil when none does.
func catching(hs []ir.PLHandler, code string) *ir.PLHandler {
	for i := range hs {
		for _, c := range hs[i].Conditions {
			switch {
			case c == "others":
				if code != "57014" && code != "P0004" {
					return &hs[i]
				}
			case c == code, strings.HasSuffix(c, "000") && len(code) == 5 && code[:2] == c[:2]:
				return &hs[i]
			}
		}
	}
	return nil
}

// block runs statements; done reports a RETURN.
func (r *plRun) block(stmts []ir.PLStmt) (ret plReturn, done bool, err error) {
	for _, st := range stmts {
		if err := r.s.interrupted(); err != nil {
			return ret, false, err
		}
		switch st := st.(type) {
		case *ir.PLNull:
		case *ir.PLBlock:
			if ret, done, err = r.runBlock(st); err != nil || done {
				return ret, done, err
			}
		case *ir.PLReturn:
			r.control = plReturned
			if st.Value != nil {
				v, t, err := r.eval(st.Value)
				if err != nil {
					return ret, false, err
				}
				return plReturn{returned: true, v: v, t: t}, true, nil
			}
			return plReturn{record: st.Record, returned: true}, true, nil
		case *ir.PLExit:
			if st.When != nil {
				ok, err := r.condition(st.When)
				if err != nil || !ok {
					if err != nil {
						return ret, false, err
					}
					continue
				}
			}
			r.control = plExited
			if st.Continue {
				r.control = plContinued
			}
			return ret, true, nil
		case *ir.PLLoop, *ir.PLWhile, *ir.PLForInt, *ir.PLForQuery:
			if ret, done, err = r.loop(st); err != nil || done {
				return ret, done, err
			}
		case *ir.PLAssign:
			v, t, err := r.eval(st.Value)
			if err != nil {
				return ret, false, err
			}
			if err := r.set(st.Target, v, t); err != nil {
				return ret, false, err
			}
		case *ir.PLIf:
			branch := st.Else
			for i, c := range st.Conds {
				v, t, err := r.eval(c)
				if err != nil {
					return ret, false, err
				}
				ok, err := cast(v, t, typBool, false /* explicit */)
				if err != nil {
					return ret, false, err
				}
				if ok == true {
					branch = st.Blocks[i]
					break
				}
			}
			if ret, done, err = r.block(branch); err != nil || done {
				return ret, done, err
			}
		case *ir.PLRaise:
			if err := r.raise(st); err != nil {
				return ret, false, err
			}
		case *ir.PLReturnNext:
			if err := r.returnNext(st); err != nil { // userfunc.go
				return ret, false, err
			}
		case *ir.PLSQL:
			if err := r.sql(st); err != nil {
				return ret, false, err
			}
		case *ir.PLGetDiagnostics:
			for _, tg := range st.Targets {
				if err := r.set(tg, r.rowCount, typInt8); err != nil {
					return ret, false, err
				}
			}
		default:
			return ret, false, pgerr.Unsupported("PL/pgSQL statement")
		}
	}
	return ret, false, nil
}

// condition evaluates a condition: NULL is false.
func (r *plRun) condition(e ir.Expr) (bool, error) {
	v, t, err := r.eval(e)
	if err != nil {
		return false, err
	}
	ok, err := cast(v, t, typBool, false /* explicit */)
	return ok == true, err
}

// loop runs a loop statement; done reports a RETURN in it.
func (r *plRun) loop(st ir.PLStmt) (ret plReturn, done bool, err error) {
	// iterate runs the body once; stop ends the loop (EXIT), done a
	// RETURN.
	iterate := func(body []ir.PLStmt) (stop bool, err error) {
		if err := r.s.interrupted(); err != nil {
			return true, err
		}
		ret, done, err = r.block(body)
		if err != nil || !done {
			return false, err
		}
		switch r.control {
		case plExited:
			done = false
			return true, nil
		case plContinued:
			done = false
			return false, nil
		}
		return true, nil // RETURN: done stays set
	}
	switch st := st.(type) {
	case *ir.PLLoop:
		for {
			if stop, err := iterate(st.Body); err != nil || stop {
				return ret, done, err
			}
		}
	case *ir.PLWhile:
		for {
			ok, err := r.condition(st.Cond)
			if err != nil || !ok {
				return ret, false, err
			}
			if stop, err := iterate(st.Body); err != nil || stop {
				return ret, done, err
			}
		}
	case *ir.PLForInt:
		err := r.forInt(st, iterate)
		return ret, done, err
	case *ir.PLForQuery:
		err := r.forQuery(st, iterate)
		return ret, done, err
	}
	return ret, false, pgerr.Unsupported("PL/pgSQL loop")
}

// forInt runs FOR i IN [REVERSE] lo .. hi [BY step] with iterate (which
// keeps how the loop ended): the bounds are evaluated once, as integers;
// i is the loop's own variable; FOUND says whether the body ran.
func (r *plRun) forInt(st *ir.PLForInt, iterate func([]ir.PLStmt) (bool, error)) error {
	bound := func(e ir.Expr, what string) (int64, error) {
		v, t, err := r.eval(e)
		if err != nil {
			return 0, err
		}
		n, err := cast(v, t, typInt4, false /* explicit */)
		if err != nil {
			return 0, err
		}
		if n == nil {
			return 0, pgerr.New("22004", "%s of FOR loop cannot be null", what)
		}
		return n.(int64), nil
	}
	lo, err := bound(st.Lo, "lower bound")
	if err != nil {
		return err
	}
	hi, err := bound(st.Hi, "upper bound")
	if err != nil {
		return err
	}
	step := int64(1)
	if st.Step != nil {
		if step, err = bound(st.Step, "BY value"); err != nil {
			return err
		}
		if step <= 0 {
			return pgerr.New("22023", "BY value of FOR loop must be greater than zero")
		}
	}
	outer := r.vars[st.Var]
	defer r.restore(map[string]*plVar{st.Var: outer})
	i := &plVar{t: typInt4}
	r.vars[st.Var] = i
	ran := false
	for n := lo; st.Reverse && n >= hi || !st.Reverse && n <= hi; {
		i.v, ran = n, true
		stop, err := iterate(st.Body)
		if err != nil || stop {
			r.setFound(ran)
			return err
		}
		if st.Reverse {
			if n < hi+step { // n - step would pass hi, or overflow
				break
			}
			n -= step
		} else {
			if n > hi-step {
				break
			}
			n += step
		}
	}
	r.setFound(ran)
	return nil
}

// forQuery runs FOR target IN query with iterate: the query runs once,
// as the statement's SELECT would, and each of its rows is assigned to
// the target in turn.
func (r *plRun) forQuery(st *ir.PLForQuery, iterate func([]ir.PLStmt) (bool, error)) error {
	res, err := r.run1(st.Query)
	if err != nil {
		return err
	}
	for _, row := range res.Rows {
		if err := r.assignRow(st.Targets, res.Columns, row); err != nil {
			return err
		}
		stop, err := iterate(st.Body)
		if err != nil || stop {
			r.setFound(true)
			return err
		}
	}
	r.setFound(len(res.Rows) > 0)
	return nil
}

// setFound sets FOUND.
func (r *plRun) setFound(v bool) {
	if f, ok := r.vars["found"]; ok {
		f.v = v
	}
}

// assignRow assigns a row to INTO's or FOR's targets: a record variable
// takes the whole row, scalar variables a column each (NULL past the
// row's end).
func (r *plRun) assignRow(tgs []ir.PLTarget, cols []Column, row []any) error {
	if len(tgs) == 1 && tgs[0].Record == "" {
		if pv, ok := r.vars[tgs[0].Name]; ok && pv.rec {
			if row == nil {
				pv.row = &plRow{cols: cols, vals: make([]any, len(cols))}
				return nil
			}
			pv.row = &plRow{cols: cols, vals: row}
			return nil
		}
	}
	for i, tg := range tgs {
		var v any
		t := typUnknown
		if row != nil && i < len(cols) {
			v, t = row[i], cols[i].typ
		}
		if err := r.set(tg, v, t); err != nil {
			return err
		}
	}
	return nil
}

// set assigns v of type t to a target: a variable, cast to its type, or a
// field of NEW or OLD, cast to its column's.
func (r *plRun) set(tg ir.PLTarget, v any, t sqlType) error {
	if tg.Record != "" {
		col, ok := r.ts.index[tg.Name]
		if !ok {
			return pgerr.New(pgerr.UndefinedColumn, "record \"%s\" has no field \"%s\"", tg.Record, tg.Name)
		}
		row := r.rec[tg.Record]
		if row == nil {
			return pgerr.New("55000", "record \"%s\" is not assigned yet", tg.Record)
		}
		out, err := assign(v, t, r.ts, col)
		if err != nil {
			return err
		}
		row[col] = out
		return nil
	}
	pv, ok := r.vars[tg.Name]
	if !ok {
		return pgerr.Unsupported("assignment to " + tg.Name)
	}
	if pv.rec {
		return pgerr.Unsupported("assignment to a whole record")
	}
	if pv.constant {
		return pgerr.New("22005", "variable \"%s\" is declared CONSTANT", tg.Name)
	}
	out, err := cast(v, t, pv.t, false /* explicit */)
	if err != nil {
		return err
	}
	pv.v = out
	return nil
}

// eval evaluates an expression of the body. One with a subquery is
// checked for names both a variable and a column of a table it reads
// (42702), as an SQL statement of the body is.
func (r *plRun) eval(e ir.Expr) (any, sqlType, error) {
	sub := false
	ir.Inspect(e, func(x ir.Expr) bool {
		switch x.(type) {
		case *ir.Exists, *ir.Subquery, *ir.Quantified:
			sub = true
		}
		return !sub
	})
	if sub {
		if err := r.ambiguity(&ir.Select{Targets: []ir.Target{{Expr: e}}}); err != nil {
			return nil, typUnknown, err
		}
	}
	bound, params, err := r.bind(e)
	if err != nil {
		return nil, typUnknown, err
	}
	ev := &evaluator{params: params, q: &queryEnv{s: r.s, tx: r.tx}, types: r.s}
	return ev.eval(bound.(ir.Expr))
}

// bind copies node (an expression or statement), turning the references
// to variables and to NEW and OLD fields into parameters, whose values it
// returns.
func (r *plRun) bind(node any) (any, []any, error) {
	var params []any
	byName := map[string]int{}
	param := func(key string, v any, t sqlType) ir.Expr {
		n, ok := byName[key]
		if !ok {
			params = append(params, typedArg{v: v, t: t})
			n = len(params)
			byName[key] = n
		}
		return &ir.Param{Number: n, Location: -1}
	}
	var failure error
	var replace func(c *ir.ColumnRef) ir.Expr
	// whole returns the record a whole-row reference to NEW or OLD names,
	// "" for another expression.
	whole := func(e ir.Expr) string {
		c, ok := e.(*ir.ColumnRef)
		if !ok || r.do() || c.Table != "" || c.Star || c.Column != "new" && c.Column != "old" {
			return ""
		}
		if _, shadowed := r.vars[c.Column]; shadowed {
			return ""
		}
		return c.Column
	}
	field := func(rec, col string) ir.Expr { return replace(&ir.ColumnRef{Table: rec, Column: col}) }
	// records rewrites the uses of a whole NEW or OLD reldb runs: to_jsonb
	// of one (jsonb_build_object of its fields, which is what to_jsonb
	// gives a row), and NEW IS [NOT] DISTINCT FROM OLD (field by field).
	records := func(e ir.Expr) ir.Expr {
		switch e := e.(type) {
		case *ir.Func:
			rec := ""
			if len(e.Args) == 1 {
				rec = whole(e.Args[0])
			}
			if rec == "" || e.Name != "to_jsonb" || e.Schema != "" && e.Schema != "pg_catalog" || e.Over != nil || e.Filter != nil || e.Distinct {
				return nil
			}
			if r.rec[rec] == nil {
				return param(rec+".*jsonb", nil, typJSONB) // to_jsonb(NULL)
			}
			out := &ir.Func{Name: "jsonb_build_object", Location: e.Location}
			for _, i := range r.ts.visibleColumns() {
				name := r.ts.def.Columns[i].Name
				out.Args = append(out.Args, &ir.Const{Kind: ir.ConstString, Value: name}, field(rec, name))
			}
			return out
		case *ir.IsDistinct:
			l, rr := whole(e.Left), whole(e.Right)
			if l == "" || rr == "" {
				return nil
			}
			if r.rec[l] == nil || r.rec[rr] == nil {
				// A NULL record: distinct from any other but NULL.
				v := (r.rec[l] == nil) != (r.rec[rr] == nil)
				return param(fmt.Sprintf("%s.*%s.*%v", l, rr, e.Not), v != e.Not, typBool)
			}
			var cmps []ir.Expr
			for _, i := range r.ts.visibleColumns() {
				name := r.ts.def.Columns[i].Name
				cmps = append(cmps, &ir.IsDistinct{Left: field(l, name), Right: field(rr, name)})
			}
			var out ir.Expr = &ir.Logic{Op: ir.Or, Args: cmps}
			if len(cmps) == 1 {
				out = cmps[0]
			}
			if e.Not {
				out = &ir.Not{Arg: out}
			}
			return out
		}
		return nil
	}
	replace = func(c *ir.ColumnRef) ir.Expr {
		trigger := !r.do()
		if trigger && c.Star && (c.Table == "new" || c.Table == "old") && failure == nil {
			failure = pgerr.Unsupported(strings.ToUpper(c.Table) + ".* in PL/pgSQL")
		}
		if c.Star || c.Schema != "" || failure != nil {
			return nil
		}
		if trigger && (c.Table == "new" || c.Table == "old") {
			col, ok := r.ts.index[c.Column]
			if !ok {
				failure = pgerr.New(pgerr.UndefinedColumn, "record \"%s\" has no field \"%s\"", c.Table, c.Column)
				return nil
			}
			var v any
			if row := r.rec[c.Table]; row != nil {
				var err error
				if v, err = loadStored(r.ts.types[col], row[col]); err != nil {
					failure = err
					return nil
				}
			}
			return param(c.Table+"."+c.Column, v, r.ts.types[col])
		}
		if c.Table != "" {
			pv, ok := r.vars[c.Table]
			if !ok || !pv.rec {
				return nil
			}
			if pv.row == nil {
				failure = pgerr.New("55000", "record \"%s\" is not assigned yet", c.Table)
				failure.(*pgerr.Error).Detail = "The tuple structure of a not-yet-assigned record is indeterminate."
				return nil
			}
			for i, col := range pv.row.cols {
				if col.Name == c.Column {
					return param(c.Table+"."+c.Column, pv.row.vals[i], col.typ)
				}
			}
			failure = pgerr.New(pgerr.UndefinedColumn, "record \"%s\" has no field \"%s\"", c.Table, c.Column)
			return nil
		}
		pv, ok := r.vars[c.Column]
		if ok && pv.rec {
			failure = pgerr.Unsupported("a whole record variable in an expression")
			return nil
		}
		if !ok {
			switch {
			case !trigger:
			case c.Column == "new", c.Column == "old":
				failure = pgerr.Unsupported("whole-row reference to " + strings.ToUpper(c.Column) + " in PL/pgSQL")
			case c.Column == "tg_argv", c.Column == "tg_relid":
				failure = pgerr.Unsupported(strings.ToUpper(c.Column))
			}
			return nil
		}
		return param(c.Column, pv.v, pv.t)
	}
	v := reflect.ValueOf(node)
	if e, ok := node.(ir.Expr); ok {
		// Held as an ir.Expr, so that a lone column reference is replaced.
		v = reflect.New(exprType).Elem()
		v.Set(reflect.ValueOf(e))
	}
	out := rewriteRefs(v, func(e ir.Expr) ir.Expr {
		if c, ok := e.(*ir.ColumnRef); ok {
			return replace(c)
		}
		if p, ok := e.(*ir.Param); ok && r.args != nil && failure == nil {
			// $n of a function: its argument n (userfunc.go).
			if p.Number < 1 || p.Number > len(r.args) {
				failure = pgerr.New("42P02", "there is no parameter $%d", p.Number)
				return nil
			}
			a := r.args[p.Number-1]
			return param(fmt.Sprintf("$%d", p.Number), a.v, a.t)
		}
		return records(e)
	})
	if failure != nil {
		return nil, nil, failure
	}
	return out.Interface(), params, nil
}

var (
	columnRefType = reflect.TypeFor[*ir.ColumnRef]()
	exprType      = reflect.TypeFor[ir.Expr]()
)

// rewriteRefs returns a copy of v in which each expression held as an
// ir.Expr is replaced by what fn returns for it, or, when fn returns nil,
// copied with its own expressions rewritten. The parsed body is shared by
// every run: it is never changed.
func rewriteRefs(v reflect.Value, fn func(ir.Expr) ir.Expr) reflect.Value {
	switch v.Kind() {
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		elem := v.Elem()
		out := reflect.New(v.Type()).Elem()
		if v.Type() == exprType {
			if repl := fn(elem.Interface().(ir.Expr)); repl != nil {
				out.Set(reflect.ValueOf(repl))
				return out
			}
			if elem.Type() == columnRefType {
				return v
			}
		}
		out.Set(rewriteRefs(elem, fn))
		return out
	case reflect.Pointer:
		if v.IsNil() || v.Elem().Kind() != reflect.Struct {
			return v
		}
		if v.Type() == columnRefType {
			return v
		}
		np := reflect.New(v.Type().Elem())
		np.Elem().Set(v.Elem())
		rewriteFields(np.Elem(), fn)
		return np
	case reflect.Struct:
		nv := reflect.New(v.Type()).Elem()
		nv.Set(v)
		rewriteFields(nv, fn)
		return nv
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		ns := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			ns.Index(i).Set(rewriteRefs(v.Index(i), fn))
		}
		return ns
	}
	return v
}

// rewriteFields rewrites the exported fields of the addressable struct v.
func rewriteFields(v reflect.Value, fn func(ir.Expr) ir.Expr) {
	for i := range v.NumField() {
		f := v.Field(i)
		if !f.CanSet() {
			continue
		}
		f.Set(rewriteRefs(f, fn))
	}
}

// loadStored converts a value as a table row stores it to the value the
// evaluator computes with, as reading the column would.
func loadStored(t sqlType, v any) (any, error) {
	sc := &scope{rels: []binding{{ts: &tableSchema{types: []sqlType{t}, index: map[string]int{"v": 0},
		def: engine.Table{Columns: []engine.Column{{Name: "v"}}}}, alias: "t"}}, row: []any{v}}
	out, _, err := (&evaluator{sc: sc}).column(&ir.ColumnRef{Column: "v"})
	return out, err
}

// ambiguity is 42702 for a name an SQL statement of the body uses both
// as one of the body's variables and as a column of a table in scope
// where it uses it, as under PostgreSQL's plpgsql.variable_conflict =
// error. The scope is approximated by the parts of the statement: an
// INSERT's target is in scope of its RETURNING and ON CONFLICT, not of
// its VALUES or query; an UPDATE's or DELETE's everywhere; each part sees
// the tables it reads itself.
func (r *plRun) ambiguity(st ir.Statement) error {
	type part struct {
		node   any
		target *ir.QualName
	}
	var parts []part
	switch st := st.(type) {
	case *ir.Insert:
		parts = []part{{[]any{st.Values, st.Query, st.With}, nil}, {[]any{st.Returning, st.OnConflict}, &st.Table}}
	case *ir.Update:
		parts = []part{{st, &st.Table}}
	case *ir.Delete:
		parts = []part{{st, &st.Table}}
	default:
		parts = []part{{st, nil}}
	}
	for _, p := range parts {
		var tables []map[string]int // the columns of each table in scope
		add := func(q ir.QualName) {
			if rel, ok, err := catalogRelationNamed(q); ok && err == nil {
				cols := map[string]int{}
				for i, c := range rel.columns {
					cols[c.name] = i
				}
				tables = append(tables, cols)
				return
			}
			if q.Schema != "" && q.Schema != "public" {
				return
			}
			if ts, err := r.s.sharedSchema(r.tx, q.Name); err == nil {
				tables = append(tables, ts.index)
			}
		}
		if p.target != nil {
			add(*p.target)
		}
		var refs []*ir.ColumnRef
		walkIR(reflect.ValueOf(p.node), func(x any) {
			switch x := x.(type) {
			case *ir.TableRef:
				add(x.Table)
			case *ir.ColumnRef:
				if _, isVar := r.vars[x.Column]; isVar && x.Table == "" && !x.Star {
					refs = append(refs, x)
				}
			}
		})
		for _, c := range refs {
			for _, cols := range tables {
				if _, clash := cols[c.Column]; clash {
					e := pgerr.New(pgerr.AmbiguousColumn, "column reference \"%s\" is ambiguous", c.Column)
					e.Detail = "It could refer to either a PL/pgSQL variable or a table column."
					return e
				}
			}
		}
	}
	return nil
}

// walkIR calls fn with every pointer under v (the nodes of an IR tree).
func walkIR(v reflect.Value, fn func(any)) {
	switch v.Kind() {
	case reflect.Interface:
		if !v.IsNil() {
			walkIR(v.Elem(), fn)
		}
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		if v.CanInterface() {
			fn(v.Interface())
		}
		walkIR(v.Elem(), fn)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				walkIR(v.Field(i), fn)
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			walkIR(v.Index(i), fn)
		}
	}
}

// sql runs an SQL statement of the body.
func (r *plRun) sql(st *ir.PLSQL) error {
	if st.Utility {
		return r.utility(st)
	}
	if _, ok := st.Stmt.(*ir.Select); ok && st.Into == nil && !st.Perform {
		e := pgerr.New(pgerr.SyntaxError, "query has no destination for result data")
		e.Hint = "If you want to discard the results of a SELECT, use PERFORM instead."
		return e
	}
	res, err := r.run1(st)
	if err != nil {
		return err
	}
	n := res.RowsAffected
	if _, ok := st.Stmt.(*ir.Select); ok {
		n = int64(len(res.Rows))
		if st.Into != nil && !st.Strict {
			n = min(n, 1) // SELECT INTO stops at its first row
		}
	}
	r.vars["found"].v = n > 0
	r.rowCount = n
	if st.Into == nil {
		return nil
	}
	if st.Strict {
		switch {
		case len(res.Rows) == 0:
			return pgerr.New("P0002", "query returned no rows")
		case len(res.Rows) > 1:
			e := pgerr.New("P0003", "query returned more than one row")
			e.Hint = "Make sure the query returns a single row, or use LIMIT 1."
			return e
		}
	}
	var row []any
	if len(res.Rows) > 0 {
		row = res.Rows[0]
	}
	return r.assignRow(st.Into, res.Columns, row)
}

// run1 runs an SQL statement of the body other than a utility statement,
// with its variables bound as parameters.
func (r *plRun) run1(st *ir.PLSQL) (Result, error) {
	if err := r.ambiguity(st.Stmt); err != nil {
		return Result{}, err
	}
	bound, params, err := r.bind(st.Stmt)
	if err != nil {
		return Result{}, err
	}
	ev := &evaluator{params: params, q: &queryEnv{s: r.s, tx: r.tx}, types: r.s}
	switch b := bound.(type) {
	case *ir.Select:
		return r.s.query(r.tx, b, ev)
	case *ir.Insert:
		return r.s.insert(r.tx, b, ev)
	case *ir.Update:
		return r.s.update(r.tx, b, ev)
	case *ir.Delete:
		return r.s.delete(r.tx, b, ev)
	}
	return Result{}, pgerr.Unsupported(statementName(bound.(ir.Statement)) + " in PL/pgSQL")
}

// utility runs another SQL statement of a DO block's body (DDL, ...) as
// the session runs one the client sends, in the block's transaction.
// PostgreSQL gives such a statement no parameters: a variable's name in
// it is the name it is.
func (r *plRun) utility(st *ir.PLSQL) error {
	if st.Refused != nil {
		return st.Refused
	}
	switch st.Stmt.(type) {
	case *ir.Begin, *ir.Commit, *ir.Rollback, *ir.RollbackTo, *ir.Savepoint, *ir.ReleaseSavepoint,
		*ir.SetTransaction, *ir.SetVar, *ir.ShowVar, *ir.ResetVar, *ir.SetConstraints, *ir.Explain:
		return pgerr.Unsupported(statementName(st.Stmt) + " in PL/pgSQL")
	case *ir.Maintenance:
		if st.Stmt.(*ir.Maintenance).Vacuum {
			return &Error{Code: pgerr.ActiveSQLTransaction, Message: "VACUUM cannot be executed from a function"}
		}
	}
	res, err := r.s.statement(r.tx, st.Stmt, nil)
	if err != nil {
		return err
	}
	r.rowCount = 0 // PostgreSQL counts no row of a utility statement
	for _, w := range res.Warnings {
		r.s.notice(w)
	}
	return nil
}

// raise runs RAISE: a level below EXCEPTION adds a notice to the
// statement's result, EXCEPTION fails it (P0001 unless ERRCODE or a
// condition says otherwise); RAISE; raises the error its handler caught.
func (r *plRun) raise(st *ir.PLRaise) error {
	if st.Reraise {
		if r.caught == nil {
			return &Error{Code: "0Z002", Message: "RAISE without parameters cannot be used outside an exception handler"}
		}
		return r.caught
	}
	e := &Error{Code: "P0001"}
	given := "" // the ERRCODE given, which is the message when none is
	if st.Level != "exception" {
		e.Code = "00000"
		if st.Level == "warning" {
			e.Code = "01000"
		}
	}
	switch {
	case st.Condition != "":
		e.Code, _ = pgerr.ConditionCode(st.Condition)
		e.Message = st.Condition
	case st.SQLState != "":
		e.Code, e.Message = st.SQLState, st.SQLState
	}
	if st.HasFormat {
		msg, err := r.format(st.Format, st.Args)
		if err != nil {
			return err
		}
		e.Message = msg
	}
	for _, o := range st.Options {
		v, t, err := r.eval(o.Value)
		if err != nil {
			return err
		}
		if v == nil {
			return pgerr.New("22004", "RAISE statement option cannot be null")
		}
		text, _ := Column{typ: t}.Format(v)
		switch o.Name {
		case "message":
			e.Message = text
		case "detail":
			e.Detail = text
		case "hint":
			e.Hint = text
		case "errcode":
			code, ok := pgerr.ConditionCode(text)
			if !ok {
				if len(text) != 5 || !validState(text) {
					return pgerr.New(pgerr.UndefinedObject, "unrecognized exception condition \"%s\"", text)
				}
				code = text
			}
			e.Code, given = code, text
		case "column":
			e.Column = text
		case "constraint":
			e.Constraint = text
		case "table":
			e.Table = text
		case "schema":
			e.Schema = text
		case "datatype":
			// PostgreSQL's DATATYPE field; pgerr.Error has no place for it.
		}
	}
	if e.Message == "" && !st.HasFormat {
		e.Message = e.Code
		if given != "" {
			e.Message = given
		}
	}
	if st.Level != "exception" {
		if plSends(st.Level) {
			n := *e
			n.Severity = strings.ToUpper(st.Level)
			r.s.notice(&n)
		}
		return nil
	}
	return e
}

// notice hands a notice the running statement raised to OnNotice's
// function, or keeps it for the statement's Result.
func (s *Session) notice(n *Error) {
	if s.notify != nil {
		s.notify(n)
	} else {
		s.notices = append(s.notices, n)
	}
}

// plSends reports whether a RAISE level reaches the client under
// PostgreSQL's default client_min_messages (notice).
func plSends(level string) bool { return level != "debug" && level != "log" }

// validState reports whether code is five digits or upper-case letters.
func validState(code string) bool {
	for i := 0; i < len(code); i++ {
		c := code[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// format fills RAISE's format: each % takes the next argument's text
// (<NULL> for NULL), %% is %.
func (r *plRun) format(f string, args []ir.Expr) (string, error) {
	var b strings.Builder
	next := 0
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			b.WriteByte(f[i])
			continue
		}
		if i+1 < len(f) && f[i+1] == '%' {
			b.WriteByte('%')
			i++
			continue
		}
		if next >= len(args) {
			return "", pgerr.New(pgerr.SyntaxError, "too few parameters specified for RAISE")
		}
		v, t, err := r.eval(args[next])
		next++
		if err != nil {
			return "", err
		}
		if v == nil {
			b.WriteString("<NULL>")
			continue
		}
		text, _ := Column{typ: t}.Format(v)
		b.WriteString(text)
	}
	return b.String(), nil
}
