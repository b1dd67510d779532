package pgsql

import (
	"slices"
	"strings"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Views are SQL's alone: the engine never sees them. A view is a
// declaration (tableDecl.view) kept with the tables' declarations, so it
// is created, replaced and dropped in the session's transaction, rolled
// back with it (or to a savepoint), published when it commits and copied
// into a fork of the DB.
//
// A view is its query, run afresh each time the view is read, in the
// reading statement's transaction, as a subquery in FROM with no access
// to the reader's WITH queries, parameters or columns. What PostgreSQL
// fixes when it creates a view is fixed here too: the view's column names
// and types, and the columns each * of its query stands for (a column
// added to a table later does not appear in the view). CREATE VIEW finds
// them by running the query over no rows (a probe), which reports the
// errors PostgreSQL's parse analysis reports (42P01, 42703, 42804, ...).
//
// Dependencies are by name: a view depends on the tables and views its
// query names. DROP of one of them is 2BP01, or drops the view with
// CASCADE. A change to a table (ALTER TABLE) probes its views again; one
// that no longer runs, or whose column types change, refuses the change
// as PostgreSQL does (2BP01 for DROP COLUMN, dropped with CASCADE; 0A000
// for ALTER COLUMN TYPE); renaming a table a view reads renames it in the
// view (renameInViews). INSERT, UPDATE and DELETE through a view are 0A000.

// viewDef is a view: its query and what CREATE VIEW found it to return.
// It is immutable.
type viewDef struct {
	query *ir.Select
	// columns are the view's columns: its names (the column list of
	// CREATE VIEW, else the query's) and the query's types, unknown ones
	// as text.
	columns []Column
	// stars are the columns each * of query stood for at creation.
	stars map[*ir.ColumnRef][]starColumn
	// deps are the tables and views query names, sorted.
	deps []string
}

// starColumn is one column a * stands for: a reference to it and its
// output name.
type starColumn struct {
	ref  ir.ColumnRef
	name string
}

// viewRun is the state of one run of a view's query, shared by its
// subqueries (queryEnv.view).
type viewRun struct {
	// stars are the fixed expansions of the query's *; a * not found here
	// is expanded as usual and, when recorded is set, recorded there.
	stars    map[*ir.ColumnRef][]starColumn
	recorded map[*ir.ColumnRef][]starColumn
	// probe makes every table read return no rows.
	probe bool
	depth int // how many views enclose this run
}

// maxViewDepth bounds views reading views, against a cycle CREATE OR
// REPLACE VIEW could make.
const maxViewDepth = 64

// probing reports whether ev runs a probe, which reads no rows.
func (ev *evaluator) probing() bool {
	return ev != nil && ev.q != nil && ev.q.view != nil && ev.q.view.probe
}

// readsNoRows reports whether ev's table reads return no rows: in a
// view's probe, or when Prepare describes the query.
func (ev *evaluator) readsNoRows() bool {
	return ev.probing() || ev != nil && ev.q != nil && ev.q.describe
}

// viewNamed returns the view q names as the session's transaction sees it.
func (s *Session) viewNamed(tx *engine.Tx, q ir.QualName) (*viewDef, string, bool) {
	if q.Schema != "" && q.Schema != "public" {
		return nil, "", false
	}
	v := s.decl(q.Name).view
	if v == nil || exists(tx, q.Name) {
		// A table the Go API made under a view's name hides the view.
		return nil, "", false
	}
	return v, q.Name, true
}

// isView reports whether ref names a view (and not a WITH query).
func (s *Session) isView(tx *engine.Tx, ev *evaluator, ref *ir.TableRef) bool {
	if isCTE(ev, ref) {
		return false
	}
	_, _, ok := s.viewNamed(tx, ref.Table)
	return ok
}

// viewNames returns the names of the views the session's transaction
// sees, sorted.
func (s *Session) viewNames(tx *engine.Tx) []string {
	seen := map[string]bool{}
	var out []string
	add := func(name string, td *tableDecl) {
		if seen[name] {
			return
		}
		seen[name] = true
		if td != nil && td.view != nil && !exists(tx, name) {
			out = append(out, name)
		}
	}
	for name, td := range s.declTx {
		add(name, td)
	}
	s.decls.mu.Lock()
	published := make(map[string]*tableDecl)
	for name, td := range s.decls.tables {
		if td.view != nil {
			published[name] = td
		}
	}
	s.decls.mu.Unlock()
	for name, td := range published {
		add(name, td)
	}
	slices.Sort(out)
	return out
}

// relationExists reports whether name is taken in the relation namespace
// PostgreSQL shares between tables, views and indexes, as SQL sees it:
// an index the engine made for a foreign key takes no name there (see
// vacateImplicit).
func (s *Session) relationExists(tx *engine.Tx, name string) bool {
	_, _, view := s.viewNamed(tx, ir.QualName{Name: name})
	_, seq := s.sequenceNamed(tx, name)
	if table, ok := indexTable(tx, name); ok && !s.implicitIndex(tx, table, name) {
		return true
	}
	return exists(tx, name) || view || seq
}

// notATable is 42809 for a view named where a table is required.
func notATable(name string) *Error {
	return &Error{Code: "42809", Message: `"` + name + `" is not a table`}
}

// viewWriteError is the 0A000 of INSERT, UPDATE or DELETE through a view:
// PostgreSQL's automatically updatable views are not supported.
func viewWriteError(verb, name string) *Error {
	return pgerr.Unsupported(verb + " through view " + name)
}

// runView runs a view's query in tx: probe reads no rows. depth is the
// depth of the run reading it, -1 at the top. The result's columns are
// the query's; the view's own are v.columns.
//
// images are the pre-statement images of tables the view reads in their
// place (cte_writes.go), nil for none.
func (s *Session) runView(tx *engine.Tx, name string, v *viewDef, probe bool, depth int, images *cteEnv) (Result, error) {
	if depth+1 >= maxViewDepth {
		return Result{}, pgerr.New("42P17", "infinite recursion detected in rules for relation %q", name)
	}
	run := &viewRun{stars: v.stars, probe: probe, depth: depth + 1}
	ev := &evaluator{q: &queryEnv{s: s, tx: tx, view: run, ctes: images}}
	res, err := s.query(tx, v.query, ev)
	if err != nil {
		return Result{}, err
	}
	if len(res.Columns) != len(v.columns) {
		// A * outside what the creation probe saw changed width.
		return Result{}, pgerr.New(pgerr.InternalError, "view %q returned %d columns, not %d", name, len(res.Columns), len(v.columns))
	}
	return res, nil
}

// viewSource reads the view ref names as a FROM item.
func (s *Session) viewSource(tx *engine.Tx, name string, v *viewDef, ref *ir.TableRef, ev *evaluator) (*source, error) {
	depth := -1
	if ev.q != nil && ev.q.view != nil {
		depth = ev.q.view.depth
	}
	res, err := s.runView(tx, name, v, ev.probing(), depth, imagesOf(ev)) // cte_writes.go
	if err != nil {
		return nil, err
	}
	res.Columns = v.columns
	ts, rows, err := derived(res, ref.Alias)
	if err != nil {
		return nil, err
	}
	alias := name
	if ref.Alias != nil {
		alias = ref.Alias.Name
	}
	return &source{sc: newScope(ts, alias), rows: rows}, nil
}

// createView is CREATE [OR REPLACE] VIEW.
func (s *Session) createView(tx *engine.Tx, st *ir.CreateView) (Result, error) {
	res := Result{Tag: "CREATE VIEW"}
	name, err := tableName(st.View)
	if err != nil {
		return res, err
	}
	if err := s.relationNameError(name); err != nil { // enum.go
		return res, err
	}
	old, _, replacing := s.viewNamed(tx, ir.QualName{Name: name})
	switch {
	case exists(tx, name) && st.OrReplace:
		return res, &Error{Code: "42809", Message: `"` + name + `" is not a view`}
	case exists(tx, name) || indexExists(tx, name) || s.isSequence(tx, name) || replacing && !st.OrReplace:
		return res, pgerr.DuplicateTableError(name)
	}
	if len(st.Query.Locking) > 0 {
		return res, pgerr.Unsupported("a locking clause in a view")
	}
	v, err := s.describeView(tx, name, st.Query, st.Columns)
	if err != nil {
		return res, err
	}
	if slices.Contains(s.viewClosure(tx, v.deps), name) {
		return res, pgerr.New("42P17", "infinite recursion detected in rules for relation %q", name)
	}
	td := &tableDecl{view: v}
	if replacing {
		if err := replaceable(old, v); err != nil {
			return res, err
		}
		td.comments = s.decl(name).comments
		td = withPrivileges(td, s.decl(name)) // role_acl.go
	}
	if !replacing {
		td = s.withDefaultACL('r', td) // role_default.go
	}
	s.setDecl(name, td)
	return res, nil
}

// describeView probes query and returns the view it makes, its columns
// named by names (then by the query).
func (s *Session) describeView(tx *engine.Tx, name string, query *ir.Select, names []string) (*viewDef, error) {
	run := &viewRun{recorded: map[*ir.ColumnRef][]starColumn{}, probe: true}
	ev := &evaluator{q: &queryEnv{s: s, tx: tx, view: run}}
	res, err := s.query(tx, query, ev)
	if err != nil {
		return nil, err
	}
	if len(names) > len(res.Columns) {
		return nil, pgerr.Syntax("CREATE VIEW specifies more column names than columns")
	}
	v := &viewDef{query: query, stars: run.recorded, deps: tablesRead(query, nil)}
	seen := map[string]bool{}
	for i, c := range res.Columns {
		if i < len(names) {
			c.Name = names[i]
		}
		if c.typ.kind == kUnknown {
			c.typ = typText
		}
		if seen[c.Name] {
			return nil, &Error{Code: pgerr.DuplicateColumn, Message: `column "` + c.Name + `" specified more than once`}
		}
		seen[c.Name] = true
		v.columns = append(v.columns, c)
	}
	return v, nil
}

// replaceable checks that CREATE OR REPLACE VIEW keeps the old view's
// columns, as PostgreSQL requires (42P16): same names and types, in
// order; new ones may follow.
func replaceable(old, v *viewDef) error {
	if len(v.columns) < len(old.columns) {
		return pgerr.New("42P16", "cannot drop columns from view")
	}
	for i, c := range old.columns {
		n := v.columns[i]
		if n.Name != c.Name {
			return pgerr.New("42P16", "cannot change name of view column %q to %q", c.Name, n.Name)
		}
		if n.typ.String() != c.typ.String() {
			return pgerr.New("42P16", "cannot change data type of view column %q from %s to %s", c.Name, c.typ, n.typ)
		}
	}
	return nil
}

// viewClosure returns the views names lead to: those among names and the
// views they read, transitively.
func (s *Session) viewClosure(tx *engine.Tx, names []string) []string {
	var out []string
	work := slices.Clone(names)
	for len(work) > 0 {
		n := work[len(work)-1]
		work = work[:len(work)-1]
		if slices.Contains(out, n) {
			continue
		}
		if v, _, ok := s.viewNamed(tx, ir.QualName{Name: n}); ok {
			out = append(out, n)
			work = append(work, v.deps...)
		}
	}
	return out
}

// dependents returns the views that read any of names, directly or
// through other views, except names themselves, in an order in which
// they can be dropped one by one (readers first).
func (s *Session) dependents(tx *engine.Tx, names []string) []string {
	all := s.viewNames(tx)
	defs := make(map[string]*viewDef, len(all))
	for _, n := range all {
		defs[n], _, _ = s.viewNamed(tx, ir.QualName{Name: n})
	}
	reached := map[string]bool{}
	for _, n := range names {
		reached[n] = true
	}
	var out []string
	for changed := true; changed; {
		changed = false
		for _, n := range all {
			if reached[n] {
				continue
			}
			for _, d := range defs[n].deps {
				if reached[d] {
					reached[n], changed = true, true
					out = append(out, n)
					break
				}
			}
		}
	}
	slices.Reverse(out)
	return out
}

// dependentsError is 2BP01 for dropping what views depend on.
func dependentsError(kind, name string, views []string) *Error {
	return &Error{Code: "2BP01", Message: "cannot drop " + kind + " " + name + " because other objects depend on it",
		Detail: "view " + views[len(views)-1] + " depends on " + kind + " " + name,
		Hint:   "Use DROP ... CASCADE to drop the dependent objects too."}
}

// dropViews is DROP VIEW.
func (s *Session) dropViews(tx *engine.Tx, st *ir.Drop) (Result, error) {
	res := Result{Tag: "DROP VIEW"}
	var names []string
	for _, q := range st.Names {
		name, err := tableName(q)
		if err != nil {
			return res, err
		}
		if _, _, ok := s.viewNamed(tx, ir.QualName{Name: name}); !ok {
			if exists(tx, name) {
				return res, &Error{Code: "42809", Message: `"` + name + `" is not a view`, Hint: "Use DROP TABLE to remove a table."}
			}
			if st.IfExists {
				continue
			}
			return res, &Error{Code: pgerr.UndefinedTable, Message: `view "` + name + `" does not exist`}
		}
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	deps := s.dependents(tx, names)
	if len(deps) > 0 && !st.Cascade {
		return res, dependentsError("view", names[0], deps)
	}
	for _, n := range append(deps, names...) {
		s.setDecl(n, nil)
	}
	return res, nil
}

// dropDependentViews drops the views that read tables, for DROP TABLE:
// 2BP01 unless cascade.
func (s *Session) dropDependentViews(tx *engine.Tx, tables []string, cascade bool) error {
	deps := s.dependents(tx, tables)
	if len(deps) == 0 {
		return nil
	}
	if !cascade {
		return dependentsError("table", tables[0], deps)
	}
	for _, n := range deps {
		s.setDecl(n, nil)
	}
	return nil
}

// broken probes the views that read table, directly or through other
// views, after a change to it, and returns those that no longer run or
// whose column types changed, readers last.
func (s *Session) brokenViews(tx *engine.Tx, table string) []string {
	var out []string
	deps := s.dependents(tx, []string{table})
	slices.Reverse(deps) // the views that read the table itself first
	for _, n := range deps {
		v, _, _ := s.viewNamed(tx, ir.QualName{Name: n})
		res, err := s.runView(tx, n, v, true /* probe */, -1, nil /* images */)
		if err == nil {
			for i, c := range v.columns {
				t := res.Columns[i].typ
				if t.kind != kUnknown && t.String() != c.typ.String() {
					err = pgerr.New(pgerr.DatatypeMismatch, "view column %q changed type", c.Name)
				}
			}
		}
		if err != nil {
			out = append(out, n)
		}
	}
	return out
}

// tablesRead returns the names of the tables and views st reads, at any
// depth, sorted; ctes are the WITH query names in scope, which hide
// tables of the same name.
func tablesRead(st *ir.Select, ctes []string) []string {
	found := map[string]bool{}
	eachTableRef(st, ctes, func(ref *ir.TableRef) { found[ref.Table.Name] = true })
	out := make([]string, 0, len(found))
	for n := range found {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// eachTableRef calls fn with each reference of st, at any depth, to a
// table or view of the database: not to a WITH query (ctes are those in
// scope), the catalog, or another schema.
func eachTableRef(st *ir.Select, ctes []string, fn func(*ir.TableRef)) {
	var sel func(st *ir.Select, ctes []string)
	expr := func(e ir.Expr, ctes []string) {
		ir.Inspect(e, func(x ir.Expr) bool {
			switch x := x.(type) {
			case *ir.Subquery:
				sel(x.Query, ctes)
			case *ir.Exists:
				sel(x.Query, ctes)
			case *ir.Quantified:
				sel(x.Query, ctes)
			}
			return true
		})
	}
	var item func(it ir.FromItem, ctes []string)
	item = func(it ir.FromItem, ctes []string) {
		switch it := it.(type) {
		case *ir.TableRef:
			q := it.Table
			if q.Schema == "" && slices.Contains(ctes, q.Name) || q.Schema != "" && q.Schema != "public" {
				return
			}
			if _, ok, _ := catalogRelationNamed(q); ok {
				return
			}
			fn(it)
		case *ir.SubqueryRef:
			sel(it.Query, ctes)
		case *ir.Join:
			item(it.Left, ctes)
			item(it.Right, ctes)
			expr(it.On, ctes)
		}
	}
	sel = func(st *ir.Select, ctes []string) {
		if st == nil {
			return
		}
		if st.With != nil {
			ctes = slices.Clone(ctes)
			for _, c := range st.With.CTEs {
				if st.With.Recursive {
					ctes = append(ctes, c.Name)
				}
				sel(c.Query, ctes)
				if !st.With.Recursive {
					ctes = append(ctes, c.Name)
				}
			}
		}
		if st.SetOp != nil {
			sel(st.SetOp.Left, ctes)
			sel(st.SetOp.Right, ctes)
		}
		for _, it := range st.From {
			item(it, ctes)
		}
		exprs := []ir.Expr{st.Where, st.Having, st.Limit, st.Offset}
		exprs = append(exprs, st.GroupBy...)
		exprs = append(exprs, st.DistinctOn...)
		exprs = append(exprs, windowExprs(st)...)
		for _, t := range st.Targets {
			exprs = append(exprs, t.Expr)
		}
		for _, row := range st.Values {
			exprs = append(exprs, row...)
		}
		for _, o := range st.OrderBy {
			exprs = append(exprs, o.Expr)
		}
		for _, e := range exprs {
			expr(e, ctes)
		}
	}
	sel(st, ctes)
}

// renameInViews makes the views that read table old read it as new:
// PostgreSQL's views hold the table, not its name, and follow a rename.
// Each such view's query is read back afresh from its text (the IR may be
// shared with the parse cache), and every reference to old in it names
// new, under the alias old where it had none, so that columns qualified
// with the old name still resolve. The views stay what they were: the
// same columns, and their * stand for the same columns.
func (s *Session) renameInViews(tx *engine.Tx, old, new string) error {
	for _, name := range s.viewNames(tx) {
		v, _, _ := s.viewNamed(tx, ir.QualName{Name: name})
		if v == nil || !slices.Contains(v.deps, old) {
			continue
		}
		rec, err := encodeView(v)
		if err != nil {
			return err
		}
		fresh, err := decodeView(rec)
		if err != nil {
			return err
		}
		eachTableRef(fresh.query, nil, func(ref *ir.TableRef) {
			if ref.Table.Name != old {
				return
			}
			ref.Table.Name = new
			if ref.Alias == nil {
				ref.Alias = &ir.Alias{Name: old}
			}
		})
		fresh.deps = tablesRead(fresh.query, nil)
		if _, err := encodeView(fresh); err != nil {
			return err
		}
		td := *s.decl(name)
		td.view = fresh
		s.setDecl(name, &td)
	}
	return nil
}

// expandTargets is expandTargets within a view's run: each * takes the
// columns it stood for when the view was created, or is recorded.
func (ev *evaluator) expandTargets(sc *scope, list []ir.Target) ([]target, error) {
	if ev.q == nil || ev.q.view == nil {
		return expandTargets(sc, list)
	}
	run := ev.q.view
	var out []target
	for _, t := range list {
		c, ok := t.Expr.(*ir.ColumnRef)
		if !ok || !c.Star {
			out = append(out, target{expr: t.Expr, name: targetName(t)})
			continue
		}
		if fixed, ok := run.stars[c]; ok {
			for _, f := range fixed {
				ref := f.ref
				out = append(out, target{expr: &ref, name: f.name})
			}
			continue
		}
		exp, err := expandTargets(sc, []ir.Target{t})
		if err != nil {
			return nil, err
		}
		if run.recorded != nil {
			cols := make([]starColumn, len(exp))
			for i, e := range exp {
				cols[i] = starColumn{ref: *e.expr.(*ir.ColumnRef), name: e.name}
			}
			run.recorded[c] = cols
		}
		out = append(out, exp...)
	}
	return out, nil
}

// viewDefinition is the text pg_views and pg_get_viewdef show.
func viewDefinition(v *viewDef) string {
	return " " + strings.TrimSpace(v.query.String()) + ";"
}
