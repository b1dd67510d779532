package pgsql

import (
	"errors"
	"reflect"
	"slices"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Data-modifying statements in WITH (PostgreSQL's "Data-Modifying
// Statements in WITH"): an INSERT, UPDATE or DELETE as a WITH query of a
// top-level SELECT, INSERT, UPDATE or DELETE. Each runs once, to
// completion, whether or not the statement reads it; what the rest of the
// statement sees of it is its RETURNING rows.
//
// In PostgreSQL every part of such a statement (each WITH query and the
// main statement) reads the snapshot the statement began with: no part
// sees another's changes to the tables. This executor runs the parts one
// after the other in one transaction, and the engine cannot read a table
// as it was before an earlier part of the same statement changed it. So
// the parts are checked, from their table references, before anything
// runs (checkWriteParts): a table a part reads after an earlier part
// changed it (directly, or through a foreign key's action) is read, by
// FROM and inside views, from an image of its rows taken when the
// statement begins (withImages), which is what PostgreSQL's snapshot
// shows. What an image cannot stand in for is 0A000: a locking clause
// over such a table; two parts changing one table (PostgreSQL leaves the
// outcome unpredictable), save plain INSERTs whose order does not matter;
// and a data-modifying WITH query on a table with triggers, which may
// read or change anything, in a statement that reads or changes any other
// table.
//
// The whole statement is one engine statement (Tx.Statement): a failure
// anywhere leaves nothing of it, and foreign keys' NO ACTION checks wait
// for its end, as PostgreSQL's do.

// hasWrites reports whether a WITH clause holds a data-modifying statement.
func hasWrites(w *ir.With) bool {
	return w != nil && slices.ContainsFunc(w.CTEs, func(c ir.CTE) bool { return c.Write != nil })
}

// withWrite runs a write's WITH queries, then the write itself (run, with
// them in scope), which sees them by name.
func (s *Session) withWrite(tx *engine.Tx, with *ir.With, main ir.Statement, ev *evaluator, run func(*evaluator) (Result, error)) (Result, error) {
	if !hasWrites(with) {
		env, err := s.withEnv(tx, with, ev)
		if err != nil {
			return Result{}, err
		}
		return run(ev.withCTEs(env))
	}
	return s.withWrites(tx, with, main, ev, run)
}

// withWrites runs a statement whose WITH holds data-modifying statements:
// checked, then its WITH queries and main statement as one engine
// statement.
func (s *Session) withWrites(tx *engine.Tx, with *ir.With, main ir.Statement, ev *evaluator, run func(*evaluator) (Result, error)) (Result, error) {
	if ev.q == nil {
		return Result{}, pgerr.Unsupported("WITH in this position")
	}
	if ev.q.describe {
		// Prepare's description writes nothing: each data-modifying WITH
		// query is typed from its RETURNING list (withEnv).
		env, err := s.withEnv(tx, with, ev)
		if err != nil {
			return Result{}, err
		}
		return run(ev.withCTEs(env))
	}
	images, err := s.checkWriteParts(tx, with, main)
	if err != nil {
		return Result{}, err
	}
	var res Result
	err = tx.Statement(func() error {
		iev, err := s.withImages(tx, images, ev)
		if err != nil {
			return err
		}
		env, err := s.withEnv(tx, with, iev)
		if err != nil {
			return err
		}
		res, err = run(iev.withCTEs(env))
		return err
	})
	if err != nil {
		return Result{}, err
	}
	return res, nil
}

// withImages returns ev with the rows of the tables named in images, as
// they are before the statement changes anything, in scope under their
// names (below the statement's own WITH queries, which may hide them):
// a FROM item naming one reads its image (imageSource).
func (s *Session) withImages(tx *engine.Tx, images map[string]bool, ev *evaluator) (*evaluator, error) {
	if len(images) == 0 {
		return ev, nil
	}
	names := make([]string, 0, len(images))
	for t := range images {
		names = append(names, t)
	}
	slices.Sort(names)
	env := ev.q.ctes
	for _, t := range names {
		ts, err := s.sharedSchema(tx, t)
		if err != nil {
			continue // FROM will say the table does not exist
		}
		rows, err := scan(tx, ts, t, nil /* where */, ev)
		if err != nil {
			return nil, err
		}
		env = &cteEnv{name: t, ts: ts, rows: rows, image: true, parent: env}
	}
	return ev.withCTEs(env), nil
}

// imagesOf returns the pre-statement images in ev's scope (below the
// statement's WITH queries, which a view does not see), nil for none.
func imagesOf(ev *evaluator) *cteEnv {
	if ev == nil || ev.q == nil {
		return nil
	}
	c := ev.q.ctes
	for c != nil && !c.image {
		c = c.parent
	}
	return c
}

// imageSource reads the pre-statement image c of the table ref names.
func (s *Session) imageSource(tx *engine.Tx, ref *ir.TableRef, c *cteEnv) (*source, error) {
	ts, alias, err := s.tableRef(tx, ref)
	if err != nil {
		return nil, err
	}
	return &source{sc: newScope(ts, alias), rows: c.rows}, nil
}

// writeCTE runs the data-modifying WITH query c with the WITH queries
// before it in scope (ev) and returns it as a WITH query in scope above
// env. One without RETURNING runs all the same but cannot be read.
func (s *Session) writeCTE(tx *engine.Tx, c ir.CTE, ev *evaluator, env *cteEnv) (*cteEnv, error) {
	var res Result
	var err error
	if ev.q.describe {
		res.Columns, err = s.describeWrite(tx, c.Write, ev)
	} else if res, err = s.write(tx, c.Write, ev); errors.Is(err, errNotWrite) {
		err = pgerr.Unsupported(statementName(c.Write) + " in WITH")
	}
	if err != nil {
		return nil, err
	}
	if len(ir.ReturningOf(c.Write)) == 0 {
		if len(c.Columns) > 0 {
			return nil, pgerr.New(pgerr.InvalidColumnReference, "WITH query %q has %d columns available but %d columns specified", c.Name, 0, len(c.Columns))
		}
		return &cteEnv{name: c.Name, ts: &tableSchema{index: map[string]int{}}, noReturning: true, parent: env}, nil
	}
	if res.Rows == nil {
		res.Rows = [][]any{}
	}
	ts, rows, err := derived(res, &ir.Alias{Name: c.Name, Columns: c.Columns})
	if err != nil {
		return nil, err
	}
	return &cteEnv{name: c.Name, ts: ts, rows: rows, parent: env}, nil
}

// noReturningError is PostgreSQL's error for reading a data-modifying
// WITH query that has no RETURNING.
func noReturningError(name string) error {
	return pgerr.New(pgerr.FeatureNotSupported, "WITH query %q does not have a RETURNING clause", name)
}

// describeWrite returns the columns of a data-modifying statement's
// RETURNING list, typed over a row of NULLs, without writing: Prepare's
// description of a statement that has it as a WITH query.
func (s *Session) describeWrite(tx *engine.Tx, st ir.Statement, ev *evaluator) ([]Column, error) {
	list := ir.ReturningOf(st)
	var verb, alias string
	var table ir.QualName
	var others []ir.FromItem // UPDATE's FROM, DELETE's USING
	switch st := st.(type) {
	case *ir.Insert:
		verb, table, alias = "INSERT", st.Table, st.Alias
	case *ir.Update:
		verb, table, alias, others = "UPDATE", st.Table, st.Alias, st.From
	case *ir.Delete:
		verb, table, alias, others = "DELETE", st.Table, st.Alias, st.Using
	default:
		return nil, nil
	}
	_, ts, alias, err := s.writeTarget(tx, verb, table, alias)
	if err != nil {
		return nil, err
	}
	sc := newScope(ts, alias)
	if verb != "INSERT" {
		// In the description every table reads as empty.
		sc, _, err = s.targetRows(tx, ts, alias, others, nil /* where */, ev)
	}
	if err != nil || len(list) == 0 {
		return nil, err
	}
	targets, err := expandTargets(sc, list)
	if err != nil {
		return nil, err
	}
	_ = probeTypes(targets, sc, ev.with(sc)) // not a view's probe: never fails
	return columnsOf(targets), nil
}

// describeWith returns the columns of an INSERT, UPDATE or DELETE with a
// WITH clause, for Prepare: its RETURNING list typed with the WITH
// queries in scope (a data-modifying one typed from its own RETURNING
// list, a query run over empty tables), without writing. ok is false for
// a statement without WITH, which describeColumns types itself.
func (s *Session) describeWith(tx *engine.Tx, st ir.Statement, ev *evaluator) (cols []Column, ok bool, err error) {
	var with *ir.With
	var body ir.Statement
	switch st := st.(type) {
	case *ir.Insert:
		b := *st
		with, b.With, body = st.With, nil, &b
	case *ir.Update:
		b := *st
		with, b.With, body = st.With, nil, &b
	case *ir.Delete:
		b := *st
		with, b.With, body = st.With, nil, &b
	}
	if with == nil {
		return nil, false, nil
	}
	if s.tx != nil {
		// As describeColumns does for a query: whatever the description
		// did in the session's transaction is undone.
		sp, err := tx.Savepoint()
		if err != nil {
			return nil, true, toError(err)
		}
		defer func() { _ = tx.RollbackTo(sp) }()
	}
	env, err := s.withEnv(tx, with, ev)
	if err != nil {
		return nil, true, toError(err)
	}
	cols, err = s.describeWrite(tx, body, ev.withCTEs(env))
	return cols, true, toErrorOrNil(err)
}

// writePart is one part of a statement with data-modifying WITH queries,
// in the order they run: the tables it reads and those it changes. The
// name "*" stands for every table (a write through a trigger, which may
// change any).
type writePart struct {
	reads, writes map[string]bool
	// locks says the part has a locking clause (FOR UPDATE ...), which
	// reads the table itself.
	locks bool
	// inserted is the table of a plain INSERT (no ON CONFLICT), else "".
	inserted string
}

// checkWriteParts checks the parts of a statement with data-modifying
// WITH queries, in the order they run, and returns the tables to read
// from their pre-statement images: those a part reads (in FROM, directly
// or through a view) after an earlier part changed them. It is 0A000 when
// a part changes a table an earlier part changed (PostgreSQL leaves the
// outcome unpredictable; plain INSERTs that commute excepted), or reads
// one otherwise (with a locking clause, or through a trigger, which may
// do anything). A WITH RECURSIVE data-modifying query that reads itself
// is 42P19, as in PostgreSQL.
func (s *Session) checkWriteParts(tx *engine.Tx, with *ir.With, main ir.Statement) (map[string]bool, error) {
	var names []string // the WITH queries in scope of the part
	if with.Recursive {
		for _, c := range with.CTEs {
			names = append(names, c.Name)
		}
	}
	var parts []writePart
	images := map[string]bool{}
	for i, c := range with.CTEs {
		var node any = c.Query
		if c.Write != nil {
			node = c.Write
			if with.Recursive && slices.Contains(tableRefs(c.Write, nil).direct, c.Name) {
				return nil, pgerr.New("42P19", "recursive query %q must not contain data-modifying statements", c.Name)
			}
		}
		scope := names
		if !with.Recursive {
			scope = cteNames(with.CTEs[:i])
		}
		parts = append(parts, s.writePartOf(tx, node, c.Write, scope))
	}
	var body any
	switch st := main.(type) {
	case *ir.Select:
		b := *st
		b.With = nil
		body = &b
	case *ir.Insert:
		b := *st
		b.With = nil
		body = &b
	case *ir.Update:
		b := *st
		b.With = nil
		body = &b
	case *ir.Delete:
		b := *st
		b.With = nil
		body = &b
	}
	var mainWrite ir.Statement
	if _, ok := main.(*ir.Select); !ok {
		mainWrite = main
	}
	parts = append(parts, s.writePartOf(tx, body, mainWrite, cteNames(with.CTEs)))
	for j, p := range parts {
		for _, earlier := range parts[:j] {
			for t := range earlier.writes {
				if t == "*" && (len(p.reads) > 0 || len(p.writes) > 0) || p.writes["*"] {
					return nil, pgerr.Unsupported("a statement with a data-modifying WITH query on a table with triggers that also reads or changes a table elsewhere")
				}
				if p.writes[t] && !(t == p.inserted && t == earlier.inserted && s.insertsCommute(tx, t)) {
					return nil, pgerr.Unsupported("a statement whose data-modifying WITH queries change table \"" + t + "\" twice")
				}
				if p.reads[t] {
					if p.locks {
						return nil, pgerr.Unsupported("a locking clause in a WITH query or statement that reads table \"" + t + "\", which a data-modifying WITH query before it changes")
					}
					images[t] = true
				}
			}
		}
	}
	return images, nil
}

// insertsCommute reports whether plain INSERTs into table give the same
// rows whichever runs first: no trigger (checked by the caller), and no
// value drawn from a sequence or the clock (serial, identity, a volatile
// DEFAULT) that would follow their order, which PostgreSQL does not fix.
// Unique violations among them fail the statement in either order.
func (s *Session) insertsCommute(tx *engine.Tx, table string) bool {
	ts, err := s.sharedSchema(tx, table)
	if err != nil || ts.defaults != nil || ts.identity != nil || ts.hidden != 0 {
		return false
	}
	return !slices.ContainsFunc(ts.def.Columns, func(c engine.Column) bool { return c.AutoIncrement })
}

func cteNames(ctes []ir.CTE) []string {
	out := make([]string, len(ctes))
	for i, c := range ctes {
		out[i] = c.Name
	}
	return out
}

// writePartOf returns the tables node reads (other than the WITH queries
// named in ctes; a view stands for the tables it reads) and those write,
// the part's data-modifying statement if any, changes.
func (s *Session) writePartOf(tx *engine.Tx, node any, write ir.Statement, ctes []string) writePart {
	p := writePart{reads: map[string]bool{}, writes: map[string]bool{}}
	// A view reads its tables' images too (runView), at any depth.
	var read func(name string, depth int)
	read = func(name string, depth int) {
		if depth > maxViewDepth || p.reads[name] {
			return
		}
		p.reads[name] = true
		if v, _, ok := s.viewNamed(tx, ir.QualName{Name: name}); ok {
			for _, d := range v.deps {
				read(d, depth+1)
			}
		}
	}
	refs := tableRefs(node, ctes)
	for _, name := range refs.direct {
		read(name, 0)
	}
	for _, name := range refs.qualified {
		read(name, 0) // an image answers to public.name too
	}
	p.locks = refs.locks
	var table string
	var deleting bool
	switch st := write.(type) {
	case *ir.Insert:
		table = st.Table.Name
		if st.OnConflict == nil {
			p.inserted = table
		}
		if st.OnConflict == nil || !st.OnConflict.DoUpdate {
			s.changes(tx, table, false, false, p.writes)
			return p
		}
	case *ir.Update:
		table = st.Table.Name
	case *ir.Delete:
		table, deleting = st.Table.Name, true
	default:
		return p
	}
	s.changes(tx, table, true, deleting, p.writes)
	return p
}

// changes adds to out table and the tables a change of its rows changes
// through foreign keys' actions (cascade: a delete or update of rows; a
// change of referenced rows, when keyed is set, when deleting a delete).
// A table with triggers makes it "*".
func (s *Session) changes(tx *engine.Tx, table string, keyed, deleting bool, out map[string]bool) {
	type change struct {
		table    string
		deleting bool
	}
	seen := map[change]bool{}
	work := []change{{table, deleting}}
	for len(work) > 0 {
		c := work[0]
		work = work[1:]
		if seen[c] {
			continue
		}
		seen[c] = true
		out[c.table] = true
		if ts, err := s.sharedSchema(tx, c.table); err == nil && slices.ContainsFunc(ts.triggers, func(t triggerDef) bool { return !t.disabled }) {
			out["*"] = true
		}
		if !keyed && c.table == table {
			continue // an INSERT changes no referenced row
		}
		rels, err := tx.Relations(c.table)
		if err != nil {
			continue
		}
		for _, r := range rels {
			if r.Parent != c.table {
				continue
			}
			act := r.OnUpdate
			if c.deleting {
				act = r.OnDelete
			}
			switch act {
			case engine.Cascade:
				work = append(work, change{r.Child, c.deleting})
			case engine.SetNull, engine.SetDefault:
				work = append(work, change{r.Child, false})
			}
		}
	}
}

// irPath is the IR package's import path: tableRefs walks its types only.
var irPath = reflect.TypeOf(ir.Select{}).PkgPath()

var tableRefType = reflect.TypeOf(&ir.TableRef{})

// refs are the table references of a piece of IR (tableRefs).
type refs struct {
	direct    []string // unqualified names
	qualified []string // public.name
	locks     bool     // a SELECT with a locking clause
}

var selectType = reflect.TypeOf(&ir.Select{})

// tableRefs returns the names of the tables (and views) node, a piece of
// IR, reads anywhere within it (FROM items, subqueries, nested WITH
// queries), leaving out unqualified names in ctes, the WITH queries in
// scope. A nested WITH query's name is taken for a table: erring towards
// a table read, which the caller guards, never away from one.
func tableRefs(node any, ctes []string) refs {
	var out refs
	seen := map[uintptr]bool{}
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if v.IsNil() || seen[v.Pointer()] {
				return
			}
			seen[v.Pointer()] = true
			if v.Type() == tableRefType && v.CanInterface() {
				q := v.Interface().(*ir.TableRef).Table
				switch {
				case q.Schema == "" && slices.Contains(ctes, q.Name):
				case q.Schema == "":
					out.direct = append(out.direct, q.Name)
				case q.Schema == "public":
					out.qualified = append(out.qualified, q.Name)
				}
				return
			}
			if v.Type() == selectType && v.CanInterface() && len(v.Interface().(*ir.Select).Locking) > 0 {
				out.locks = true
			}
			walk(v.Elem())
		case reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Struct:
			if v.Type().PkgPath() != irPath {
				return
			}
			for i := 0; i < v.NumField(); i++ {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		case reflect.Slice, reflect.Array:
			for i := 0; i < v.Len(); i++ {
				walk(v.Index(i))
			}
		}
	}
	walk(reflect.ValueOf(node))
	return out
}

// with infers parameter types over a WITH clause's queries and
// data-modifying statements.
func (in *inferrer) with(outer *inferScope, w *ir.With) {
	if w == nil {
		return
	}
	for _, c := range w.CTEs {
		if c.Write != nil {
			in.statement(c.Write)
			continue
		}
		in.query(outer, c.Query)
	}
}

// writeWith infers over the WITH clause of an INSERT, UPDATE or DELETE.
func (in *inferrer) writeWith(st ir.Statement) {
	switch st := st.(type) {
	case *ir.Insert:
		in.with(nil, st.With)
	case *ir.Update:
		in.with(nil, st.With)
	case *ir.Delete:
		in.with(nil, st.With)
	}
}
