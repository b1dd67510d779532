package pgsql

import (
	"reflect"
	"slices"
	"strings"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/parse"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Trigger functions and row triggers, as PostgreSQL runs them:
//
//   - CREATE [OR REPLACE] FUNCTION name() RETURNS trigger LANGUAGE plpgsql
//     AS $$...$$ parses the body when it runs (42601 for a syntax error,
//     0A000 for a construct reldb does not run; package parse reads it)
//     and keeps it with the SQL declarations under the reserved name
//     pg_reldb_function.<name>, so that it rolls back with its
//     transaction, survives a reopen of a durable DB and goes with a
//     fork. Other functions are 0A000.
//   - CREATE TRIGGER name {BEFORE | AFTER} {INSERT | UPDATE [OF cols] |
//     DELETE} [OR ...] ON table FOR EACH ROW [WHEN (cond)] EXECUTE
//     FUNCTION f() adds the trigger to its table's declaration (triggers
//     are kept in name order, the order they fire in).
//   - A BEFORE ROW trigger runs before its row is written: the row it
//     returns is the row written (and then checked as any other: NOT
//     NULL, CHECK, keys), RETURN NULL skips the row, which is then not
//     written, counted or returned. An AFTER ROW trigger sees the row as
//     stored and runs once the statement has written all its rows, in
//     the order the rows were written. An error fails the statement,
//     whose writes its transaction then discards.
//   - Every SQL write fires them: INSERT (VALUES, SELECT, ON CONFLICT:
//     BEFORE INSERT for every proposed row, AFTER INSERT for a row
//     inserted, the UPDATE ones for a row DO UPDATE changes), UPDATE,
//     DELETE, and COPY FROM (pgwire's INSERTs). A multi-row INSERT with
//     BEFORE INSERT triggers writes its rows one at a time, so that each
//     row's triggers see the rows before it. Statements a trigger runs
//     fire their own triggers.
//
// Rows a foreign key's ON DELETE / ON UPDATE action changes fire their
// table's AFTER triggers (see watchActions below); a BEFORE trigger of
// such a row is 0A000. TRUNCATE fires no row trigger, as in PostgreSQL.
// The Go API (engine) fires no trigger, as it checks no CHECK
// constraint. A trigger's RAISE NOTICE, INFO or WARNING is in the
// statement's Result.Warnings, or handed to Session.OnNotice's function as
// it is raised (pgwire sends it then, as PostgreSQL does).

// funcDef is a trigger function, or, user set, a function called from
// SQL (userfunc.go).
type funcDef struct {
	name string
	body string // as written, which the declarations store
	pl   *ir.PLFunction
	user *userFunc
	more []*funcDef // the other overloads of a user function's name (userfunc.go)
}

// triggerDef is a row trigger of a table.
type triggerDef struct {
	name     string
	before   bool
	events   ir.TriggerEvent
	columns  []string // UPDATE OF; nil for any
	when     ir.Expr  // nil when absent
	function string
	disabled bool
}

const functionDeclPrefix = reservedPrefix + "function."

// function returns the trigger function name as the session's
// transaction sees it.
func (s *Session) function(name string) (*funcDef, bool) {
	fd := s.decl(functionDeclPrefix + name).function
	return fd, fd != nil
}

// maxTriggerDepth bounds triggers firing triggers: PostgreSQL would run
// out of stack (54001).
const maxTriggerDepth = 64

// funcName is the schema-free name of a function: 0A000 for a schema
// other than public.
func funcName(q ir.QualName) (string, error) {
	switch q.Schema {
	case "", "public":
		return q.Name, nil
	case "pg_catalog":
		return "", pgerr.Unsupported("a function in schema pg_catalog")
	}
	return "", pgerr.New("3F000", "schema \"%s\" does not exist", q.Schema)
}

func (s *Session) createFunction(tx *engine.Tx, st *ir.CreateFunction) (Result, error) {
	res := Result{Tag: "CREATE FUNCTION"}
	name, err := funcName(st.Name)
	if err != nil {
		return res, err
	}
	if st.Language == "" {
		return res, pgerr.New("42P13", "no language specified")
	}
	trigger := st.Returns != nil && st.Returns.Schema == "" && st.Returns.Name == "trigger" && st.Returns.ArrayDims == 0
	switch {
	case trigger && st.Language == "sql":
		return res, pgerr.New("42P13", "SQL functions cannot return type trigger")
	case !trigger:
		return s.createUserFunction(tx, st, name) // userfunc.go
	case st.Language != "plpgsql":
		return res, pgerr.Unsupported("CREATE FUNCTION in LANGUAGE " + st.Language)
	case !trigger || st.Setof:
		return res, pgerr.Unsupported("CREATE FUNCTION other than a trigger function (RETURNS trigger)")
	case len(st.ArgTypes) > 0:
		e := pgerr.New("42P13", "trigger functions cannot have declared arguments")
		e.Hint = "The arguments of the trigger can be accessed through TG_NARGS and TG_ARGV instead."
		return res, e
	case slices.Contains(st.Options, "window"):
		return res, pgerr.Unsupported("WINDOW function")
	}
	if old, ok := s.function(name); ok && old.user != nil && len(old.user.decl.ArgTypes) > 0 {
		return res, pgerr.Unsupported("function overloading (another function named " + name + " with other argument types)")
	} else if ok && !st.Replace {
		return res, pgerr.New("42723", "function \"%s\" already exists with same argument types", name)
	}
	if old, ok := s.function(name); ok && old.user != nil {
		e := pgerr.New("42P13", "cannot change return type of existing function")
		e.Hint = "Use DROP FUNCTION " + name + "() first."
		return res, e
	}
	// The body is parsed now, as PostgreSQL's CREATE FUNCTION compiles
	// it: an error points into the statement's text.
	pl, err := parsePL(st.Body)
	if err != nil {
		// A position in the body, which is one in the statement when the
		// body's place in it is known (PostgreSQL's for a body in a
		// string is an internal position, which it does not send as one).
		return res, bodyError(err, st.BodyPosition)
	}
	for _, d := range pl.Block.Decls {
		if _, err := s.resolveType(d.Type); err != nil {
			return res, err
		}
		if err := s.domainUseError(d.Type, "a PL/pgSQL variable"); err != nil { // domain.go
			return res, err
		}
	}
	td := &tableDecl{function: &funcDef{name: name, body: st.Body, pl: pl}}
	if prev := s.decl(functionDeclPrefix + name); prev.function != nil {
		td = withPrivileges(td, prev) // role_acl.go
	} else {
		td = s.withDefaultACL('f', td)
	}
	s.setDecl(functionDeclPrefix+name, td)
	return res, nil
}

// parsePL parses a stored or given PL/pgSQL body.
func parsePL(body string) (*ir.PLFunction, error) {
	return parse.PLpgSQL(body)
}

func (s *Session) dropFunction(tx *engine.Tx, st *ir.DropFunction) (Result, error) {
	res := Result{Tag: "DROP FUNCTION"}
	type drop struct {
		name  string
		users []triggerUse
	}
	var drops []drop
	for i, q := range st.Names {
		name, err := funcName(q)
		if err != nil {
			return res, err
		}
		fd, ok := s.function(name)
		args := st.Args[i]
		if ok {
			if handled, err := s.dropOverload(fd, args, st.Cascade); handled || err != nil { // userfunc.go
				if err != nil {
					return res, err
				}
				continue
			}
		}
		if ok && (args == nil || s.argTypesMatch(fd, args)) { // userfunc.go
			if err := s.viewsCalling(fd, st.Cascade); err != nil {
				return res, err
			}
			users := s.functionUsers(tx, name)
			if len(users) > 0 && !st.Cascade {
				e := pgerr.New("2BP01", "cannot drop function %s() because other objects depend on it", name)
				var lines []string
				for _, u := range users {
					lines = append(lines, "trigger "+u.trigger+" on table "+u.table+" depends on function "+name+"()")
				}
				e.Detail = strings.Join(lines, "\n")
				e.Hint = "Use DROP ... CASCADE to drop the dependent objects too."
				return res, e
			}
			drops = append(drops, drop{name, users})
			continue
		}
		if st.IfExists {
			continue
		}
		if args == nil {
			return res, pgerr.New(pgerr.UndefinedFunction, "could not find a function named \"%s\"", name)
		}
		types := make([]string, len(args))
		for j, a := range args {
			t, err := s.resolveType(a)
			if err != nil {
				return res, err
			}
			types[j] = formatType(int64(Column{typ: t}.OID()), -1)
		}
		return res, pgerr.New(pgerr.UndefinedFunction, "function %s(%s) does not exist", name, strings.Join(types, ", "))
	}
	for _, d := range drops {
		for _, u := range d.users {
			if err := s.removeTrigger(u.table, u.trigger); err != nil {
				return res, err
			}
		}
		s.setDecl(functionDeclPrefix+d.name, nil)
	}
	return res, nil
}

// triggerUse is a trigger calling a function.
type triggerUse struct{ table, trigger string }

// functionUsers returns the triggers that call the function name.
func (s *Session) functionUsers(tx *engine.Tx, name string) []triggerUse {
	var out []triggerUse
	for _, t := range s.declaredNames() {
		if reservedName(t) || !exists(tx, t) {
			continue
		}
		for _, tr := range s.decl(t).triggers {
			if tr.function == name {
				out = append(out, triggerUse{t, tr.name})
			}
		}
	}
	return out
}

// removeTrigger takes trigger name off table's declaration.
func (s *Session) removeTrigger(table, name string) error {
	td := *s.decl(table)
	i := slices.IndexFunc(td.triggers, func(t triggerDef) bool { return t.name == name })
	if i < 0 {
		return pgerr.New(pgerr.UndefinedObject, "trigger \"%s\" for table \"%s\" does not exist", name, table)
	}
	td.triggers = slices.Delete(slices.Clone(td.triggers), i, i+1)
	if len(td.triggers) == 0 {
		td.triggers = nil
	}
	s.setDecl(table, &td)
	return nil
}

func (s *Session) createTrigger(tx *engine.Tx, st *ir.CreateTrigger) (Result, error) {
	res := Result{Tag: "CREATE TRIGGER"}
	table, err := tableName(st.Table)
	if err != nil {
		return res, err
	}
	if _, name, ok := s.viewNamed(tx, st.Table); ok {
		return res, &Error{Code: "42809", Message: `"` + name + `" is a view`, Detail: "Views cannot have row-level BEFORE or AFTER triggers."}
	}
	ts, err := s.sharedSchema(tx, table)
	if err != nil {
		return res, err
	}
	fname, err := funcName(st.Function)
	if err != nil {
		return res, err
	}
	if fd, ok := s.function(fname); !ok || fd.user != nil && len(fd.user.decl.ArgTypes) > 0 {
		return res, pgerr.New(pgerr.UndefinedFunction, "function %s() does not exist", fname)
	} else if fd.user != nil {
		return res, pgerr.New("42P17", "function %s must return type trigger", fname)
	}
	td := *s.decl(table)
	td.triggers = slices.Clone(td.triggers)
	if i := slices.IndexFunc(td.triggers, func(t triggerDef) bool { return t.name == st.Name }); i >= 0 {
		if !st.Replace {
			return res, pgerr.New("42710", "trigger \"%s\" for relation \"%s\" already exists", st.Name, table)
		}
		td.triggers = slices.Delete(td.triggers, i, i+1) // CREATE OR REPLACE: the new one takes its place
	}
	for _, c := range st.Columns {
		if _, err := ts.column(c); err != nil {
			return res, err
		}
	}
	if st.When != nil {
		if err := validateWhen(s, tx, ts, st); err != nil {
			return res, err
		}
	}
	def := triggerDef{name: st.Name, before: st.Before, events: st.Events, columns: st.Columns, when: st.When, function: fname}
	td.triggers = append(td.triggers, def)
	slices.SortFunc(td.triggers, func(a, b triggerDef) int { return strings.Compare(a.name, b.name) })
	s.setDecl(table, &td)
	return res, nil
}

// validateWhen checks a trigger's WHEN condition as PostgreSQL does when
// the trigger is made: OLD in an INSERT trigger's and NEW in a DELETE
// trigger's are 42P17, and the condition must resolve and be boolean.
func validateWhen(s *Session, tx *engine.Tx, ts *tableSchema, st *ir.CreateTrigger) error {
	var bad error
	ir.Inspect(st.When, func(x ir.Expr) bool {
		switch x := x.(type) {
		case *ir.ColumnRef:
			switch {
			case x.Table == "old" && st.Events&ir.TriggerInsert != 0:
				bad = pgerr.New("42P17", "INSERT trigger's WHEN condition cannot reference OLD values")
			case x.Table == "new" && st.Events&ir.TriggerDelete != 0:
				bad = pgerr.New("42P17", "DELETE trigger's WHEN condition cannot reference NEW values")
			}
		case *ir.Subquery, *ir.Exists, *ir.Quantified:
			bad = pgerr.Unsupported("subquery in trigger WHEN condition")
		}
		return bad == nil
	})
	if bad != nil {
		return bad
	}
	ev := whenEvaluator(s, tx, ts, nil, nil)
	if _, err := ev.boolean(st.When, "WHEN"); err != nil && !strings.HasPrefix(pgerr.Code(err), "22") {
		return err
	}
	return nil
}

// whenEvaluator evaluates a WHEN condition over NEW and OLD (nil: a row
// of NULLs).
func whenEvaluator(s *Session, tx *engine.Tx, ts *tableSchema, newRow, oldRow []any) *evaluator {
	n := len(ts.types)
	row := make([]any, 2*n)
	copy(row, newRow)
	copy(row[n:], oldRow)
	sc := &scope{rels: []binding{{ts: ts, alias: "new", qualified: true}, {ts: ts, alias: "old", off: n, qualified: true}}, row: row}
	return (&evaluator{q: &queryEnv{s: s, tx: tx}, types: s}).with(sc)
}

func (s *Session) dropTrigger(tx *engine.Tx, st *ir.DropTrigger) (Result, error) {
	res := Result{Tag: "DROP TRIGGER"}
	table, err := tableName(st.Table)
	if err != nil {
		return res, err
	}
	if _, err := s.sharedSchema(tx, table); err != nil {
		if st.IfExists && pgerr.Code(err) == pgerr.UndefinedTable {
			return res, nil
		}
		return res, err
	}
	if !slices.ContainsFunc(s.decl(table).triggers, func(t triggerDef) bool { return t.name == st.Name }) {
		if st.IfExists {
			return res, nil
		}
		return res, pgerr.New(pgerr.UndefinedObject, "trigger \"%s\" for table \"%s\" does not exist", st.Name, table)
	}
	return res, s.removeTrigger(table, st.Name)
}

// enableTrigger is ALTER TABLE's ENABLE / DISABLE TRIGGER.
func (a *alteration) enableTrigger(c *ir.EnableTrigger) error {
	if c.All && c.Disable {
		// ALL includes the foreign keys' triggers, which reldb cannot
		// turn off.
		return pgerr.Unsupported("DISABLE TRIGGER ALL")
	}
	td := *a.s.decl(a.table)
	td.triggers = slices.Clone(td.triggers)
	found := false
	for i := range td.triggers {
		if c.Name == "" || td.triggers[i].name == c.Name {
			td.triggers[i].disabled = c.Disable
			found = true
		}
	}
	if !found && c.Name != "" {
		return pgerr.New(pgerr.UndefinedObject, "trigger \"%s\" for table \"%s\" does not exist", c.Name, a.table)
	}
	a.s.setDecl(a.table, &td)
	return nil
}

// triggerColumnUse returns a trigger of td that names column col (UPDATE
// OF, WHEN), or "".
func triggerColumnUse(td *tableDecl, col string) string {
	for _, t := range td.triggers {
		if slices.Contains(t.columns, col) || t.when != nil && mentions(t.when, col) {
			return t.name
		}
	}
	return ""
}

// rowTriggers is the trigger work of one statement writing one table. A
// nil *rowTriggers (a table without triggers) does nothing.
type rowTriggers struct {
	s       *Session
	tx      *engine.Tx
	ts      *tableSchema
	setCols []int // the columns an UPDATE sets, for UPDATE OF
	// q holds the AFTER triggers to run at the end of the statement,
	// with those of the rows its foreign-key actions changed.
	q *afterQueue
}

// afterQueue is the AFTER triggers a statement runs at its end, in the
// order their rows were written.
type afterQueue struct {
	events []afterEvent
}

// afterEvent is an AFTER trigger to run at the end of the statement: of
// the table of rt.
type afterEvent struct {
	rt       *rowTriggers
	trig     *triggerDef
	op       ir.TriggerEvent
	old, new []any
}

// fire runs the queued triggers; a nil queue has none.
func (q *afterQueue) fire() error {
	if q == nil {
		return nil
	}
	for len(q.events) > 0 {
		ev := q.events[0]
		q.events = q.events[1:]
		if _, err := ev.rt.call(ev.trig, ev.op, ev.old, ev.new); err != nil {
			return err
		}
	}
	return nil
}

// triggersOn returns the trigger work of a statement writing ts, or nil
// when the table has no enabled trigger.
func (s *Session) triggersOn(tx *engine.Tx, ts *tableSchema, setCols []int) *rowTriggers {
	if !slices.ContainsFunc(ts.triggers, func(t triggerDef) bool { return !t.disabled }) {
		return nil
	}
	return &rowTriggers{s: s, tx: tx, ts: ts, setCols: setCols, q: &afterQueue{}}
}

// has reports whether a trigger fires at that timing for op.
func (rt *rowTriggers) has(before bool, op ir.TriggerEvent) bool {
	if rt == nil {
		return false
	}
	return slices.ContainsFunc(rt.ts.triggers, func(t triggerDef) bool { return !t.disabled && t.before == before && t.events&op != 0 })
}

// fires reports whether trigger t fires for this row event: its event,
// UPDATE OF (a listed column among those the UPDATE sets: PostgreSQL 15
// does not count a column an earlier BEFORE trigger changed) and WHEN.
func (rt *rowTriggers) fires(t *triggerDef, op ir.TriggerEvent, old, new []any) (bool, error) {
	if t.disabled || t.events&op == 0 {
		return false, nil
	}
	if op == ir.TriggerUpdate && len(t.columns) > 0 &&
		!slices.ContainsFunc(t.columns, func(c string) bool { return slices.Contains(rt.setCols, rt.ts.index[c]) }) {
		return false, nil
	}
	if t.when == nil {
		return true, nil
	}
	if op == ir.TriggerInsert {
		old = nil
	}
	ok, err := whenEvaluator(rt.s, rt.tx, rt.ts, new, old).boolean(t.when, "WHEN")
	return ok == true, err
}

// before runs the BEFORE triggers of a row event on new (the row to
// write; nil for DELETE) and old (nil for INSERT): it returns the row to
// write, or keep false when a trigger returned NULL.
func (rt *rowTriggers) before(op ir.TriggerEvent, old, new []any) (row []any, keep bool, err error) {
	if !rt.has(true, op) {
		return new, true, nil
	}
	if new != nil {
		new = slices.Clone(new)
	}
	for i := range rt.ts.triggers {
		t := &rt.ts.triggers[i]
		if !t.before {
			continue
		}
		ok, err := rt.fires(t, op, old, new)
		if err != nil {
			return nil, false, err
		}
		if !ok {
			continue
		}
		out, err := rt.call(t, op, old, new)
		if err != nil {
			return nil, false, err
		}
		if out == nil {
			return nil, false, nil
		}
		if op != ir.TriggerDelete {
			new = out
		}
	}
	if op == ir.TriggerDelete {
		return nil, true, nil
	}
	return new, true, nil
}

// queueAfter queues the AFTER triggers of a row event whose WHEN holds;
// old and new are the rows as stored.
func (rt *rowTriggers) queueAfter(op ir.TriggerEvent, old, new []any) error {
	if !rt.has(false, op) {
		return nil
	}
	for i := range rt.ts.triggers {
		t := &rt.ts.triggers[i]
		if t.before {
			continue
		}
		ok, err := rt.fires(t, op, old, new)
		if err != nil {
			return err
		}
		if ok {
			rt.q.events = append(rt.q.events, afterEvent{rt: rt, trig: t, op: op, old: old, new: new})
		}
	}
	return nil
}

// fireAfter runs the queued AFTER triggers, in the order their rows were
// written.
func (rt *rowTriggers) fireAfter() error {
	if rt == nil {
		return nil
	}
	return rt.q.fire()
}

// call runs trigger t's function on a row event: it returns the row the
// function returned (a copy of NEW or OLD as the function left it), nil
// for NULL.
func (rt *rowTriggers) call(t *triggerDef, op ir.TriggerEvent, old, new []any) ([]any, error) {
	s := rt.s
	fd, ok := s.function(t.function)
	if !ok {
		return nil, pgerr.New(pgerr.UndefinedFunction, "function %s() does not exist", t.function)
	}
	if s.trigDepth >= maxTriggerDepth {
		e := pgerr.New("54001", "stack depth limit exceeded")
		e.Hint = "Triggers fire one another too deeply: reldb stops at a depth of 64."
		return nil, e
	}
	s.trigDepth++
	defer func() { s.trigDepth-- }()
	opName := map[ir.TriggerEvent]string{ir.TriggerInsert: "INSERT", ir.TriggerUpdate: "UPDATE", ir.TriggerDelete: "DELETE"}[op]
	when := "AFTER"
	if t.before {
		when = "BEFORE"
	}
	text := func(v string) *plVar { return &plVar{v: v, t: typText, constant: true} }
	r := &plRun{s: s, tx: rt.tx, fn: fd, ts: rt.ts, rec: map[string][]any{},
		vars: map[string]*plVar{
			"found":   {v: false, t: typBool},
			"tg_op":   text(opName),
			"tg_name": text(t.name), "tg_when": text(when), "tg_level": text("ROW"),
			"tg_table_name": text(rt.ts.def.Name), "tg_relname": text(rt.ts.def.Name),
			"tg_table_schema": text("public"),
			"tg_nargs":        {v: int64(0), t: typInt4, constant: true},
		}}
	if new != nil {
		r.rec["new"] = slices.Clone(new)
	}
	if old != nil {
		r.rec["old"] = slices.Clone(old)
	}
	ret, err := r.run()
	if err != nil {
		return nil, err
	}
	if ret.record == "" {
		return nil, nil
	}
	row := r.rec[ret.record]
	if row == nil {
		return nil, nil // NEW of a DELETE: NULL
	}
	return row, nil
}

// rowOf returns the engine row of vals, every column SQL sees: the row a
// BEFORE trigger returned, to write.
func (ts *tableSchema) rowOf(vals []any) engine.Row {
	row := make(engine.Row, len(vals))
	for i, c := range ts.def.Columns {
		if ts.isHidden(i) && vals[i] == nil {
			continue
		}
		row[c.Name] = vals[i]
	}
	return row
}

// proposedWithIDs is proposed with the auto-increment columns the row
// omits drawn from their sequences, as PostgreSQL evaluates a serial's
// default before its BEFORE INSERT triggers see the row.
func (ts *tableSchema) proposedWithIDs(tx *engine.Tx, row engine.Row) ([]any, error) {
	vals := ts.proposed(row)
	for i, c := range ts.def.Columns {
		if _, set := row[c.Name]; !set && c.AutoIncrement {
			id, err := tx.NextID(ts.def.Name)
			if err != nil {
				return nil, err
			}
			vals[i] = id
		}
	}
	return vals, nil
}

// changedRow returns the columns of an UPDATE's row a BEFORE trigger
// returned: those SET gave, and those that differ from the old row.
func (ts *tableSchema) changedRow(set engine.Row, old, vals []any) engine.Row {
	row := engine.Row{}
	for i, c := range ts.def.Columns {
		if _, ok := set[c.Name]; ok || !reflect.DeepEqual(old[i], vals[i]) {
			row[c.Name] = vals[i]
		}
	}
	return row
}

// applySet returns old with the stored values of set in place.
func (ts *tableSchema) applySet(old []any, set engine.Row) []any {
	out := slices.Clone(old)
	for name, v := range set {
		if i, ok := ts.index[name]; ok {
			out[i] = v
		}
	}
	return out
}

// insertEach inserts an INSERT's rows one at a time, as PostgreSQL does,
// each after its BEFORE INSERT triggers, which see the rows inserted
// before it: the records of the rows written, without those a trigger
// skipped. It is one engine statement: foreign keys are checked at its
// end.
func (rt *rowTriggers) insertEach(built []engine.Row) ([]engine.Record, error) {
	var recs []engine.Record
	err := rt.tx.Statement(func() error {
		for i, row := range built {
			vals, err := rt.ts.proposedWithIDs(rt.tx, row)
			if err != nil {
				return err
			}
			vals, keep, err := rt.before(ir.TriggerInsert, nil, vals)
			if err != nil {
				return toError(err).AtRow(i+1, 0)
			}
			if !keep {
				continue
			}
			row, err := rt.ts.completeInsert(vals, rt.evaluator())
			if err != nil {
				return toError(err).AtRow(i+1, 0)
			}
			rec, err := rt.tx.Insert(rt.ts.def.Name, row)
			if err != nil {
				return toError(err).AtRow(i+1, 0)
			}
			recs = append(recs, rec)
		}
		return nil
	})
	return recs, err
}

// beforeUpdate runs the BEFORE UPDATE triggers on a row an UPDATE (or ON
// CONFLICT DO UPDATE) changes by set: the columns to write, or keep
// false when a trigger skipped the row.
func (rt *rowTriggers) beforeUpdate(old []any, set engine.Row) (engine.Row, bool, error) {
	if !rt.has(true, ir.TriggerUpdate) {
		return set, true, nil
	}
	vals, keep, err := rt.before(ir.TriggerUpdate, old, rt.ts.applySet(old, set))
	if err != nil || !keep {
		return nil, false, err
	}
	return rt.ts.changedRow(set, old, vals), true, nil
}

// queueAfterRecord is queueAfter of a row the engine returned, read only
// when an AFTER trigger may want it.
func (rt *rowTriggers) queueAfterRecord(op ir.TriggerEvent, old []any, rec engine.Record) error {
	if !rt.has(false, op) {
		return nil
	}
	return rt.queueAfter(op, old, rec.Values())
}

// The rows a foreign key's ON DELETE or ON UPDATE action changes are
// changed by the engine, which tells the session of each
// (engine.Tx.SetActionHook) while an UPDATE or DELETE it runs watches for
// them: their table's AFTER triggers run after the statement's own, in
// the order the rows changed, as in PostgreSQL, whose action triggers are
// AFTER triggers of the statement whose nested statements queue the
// changed rows' AFTER triggers behind the statement's. A BEFORE trigger
// of such a row is 0A000: the engine could not write the row it
// returned.

// actionWatch is the watch of the statement a nested one replaced.
type actionWatch struct {
	tx   *engine.Tx
	q    *afterQueue
	hook engine.ActionHook
}

// watchActions starts watching the foreign-key actions of a statement;
// endActions ends it.
func (s *Session) watchActions(tx *engine.Tx) actionWatch {
	saved := actionWatch{tx: s.actTx, q: s.actQ}
	s.actTx, s.actQ = tx, nil
	if s.actionFn == nil {
		s.actionFn = s.onAction
	}
	saved.hook = tx.SetActionHook(s.actionFn)
	return saved
}

// endActions ends the watch watchActions started and returns the AFTER
// triggers of the rows the actions changed, to fire after the
// statement's own (nil: none).
func (s *Session) endActions(tx *engine.Tx, saved actionWatch) *afterQueue {
	q := s.actQ
	tx.SetActionHook(saved.hook)
	s.actTx, s.actQ = saved.tx, saved.q
	return q
}

// fireAfter runs a statement's AFTER triggers: its own rows', then those
// of the rows its foreign-key actions changed (actions).
func fireAfter(rt *rowTriggers, actions *afterQueue) error {
	if err := rt.fireAfter(); err != nil {
		return err
	}
	return actions.fire()
}

// onAction queues the AFTER triggers of a row a foreign key's action
// changed (new is nil for a delete).
func (s *Session) onAction(table string, old, new []any) error {
	tx := s.actTx
	if tx == nil {
		return nil
	}
	ts, err := s.sharedSchema(tx, table)
	if err != nil {
		return err
	}
	op, name := ir.TriggerDelete, "DELETE"
	var setCols []int
	if new != nil {
		op, name = ir.TriggerUpdate, "UPDATE"
		for i := range old {
			if !reflect.DeepEqual(old[i], new[i]) {
				setCols = append(setCols, i)
			}
		}
	}
	rt := s.triggersOn(tx, ts, setCols)
	if rt == nil || !rt.has(true, op) && !rt.has(false, op) {
		return nil
	}
	if rt.has(true, op) {
		return pgerr.Unsupported("BEFORE " + name + " trigger on a row a foreign key's ON " + name + " action changes")
	}
	if s.actQ == nil {
		s.actQ = &afterQueue{}
	}
	rt.q = s.actQ
	return rt.queueAfter(op, old, new)
}

// evaluator returns an evaluator for the expressions of the trigger's
// table (generated columns, index expressions).
func (rt *rowTriggers) evaluator() *evaluator {
	return &evaluator{q: &queryEnv{s: rt.s, tx: rt.tx}}
}
