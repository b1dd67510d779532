package pgsql

import (
	"bytes"
	"errors"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/cockroachdb/apd/v3"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/parse"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// ALTER TABLE runs its actions in order, each through the engine's schema
// changes (engine/alter.go), and keeps the SQL declarations (schema.go)
// in step: declared types, CHECK constraints, clock DEFAULTs and which
// indexes SQL declared follow renames, additions and drops. The whole
// statement is atomic: an action that fails fails the statement, whose
// changes the transaction then discards.
//
// Constraints are what PostgreSQL calls them: a foreign key is an engine
// relation, a UNIQUE constraint a unique engine index that SQL declared as
// a constraint, a CHECK a declaration, a primary key the engine's key
// (dropping it keys the table by its hidden row identity again, see
// rowIDColumn). Not supported (0A000): ADD PRIMARY KEY to a table that has
// one, dropping a primary key column or a serial or identity column's
// primary key, DEFAULT changes of an identity column, ALTER COLUMN ...
// TYPE other than to a type with the same storage that every value
// already fits, and the actions the parser rejects (OWNER, ENABLE
// TRIGGER, ...).

// alterTable is ALTER TABLE.
func (s *Session) alterTable(tx *engine.Tx, st *ir.AlterTable) (Result, error) {
	res := Result{Tag: "ALTER TABLE"}
	name, err := tableName(st.Table)
	if err != nil {
		return res, err
	}
	if !exists(tx, name) {
		if _, _, view := s.viewNamed(tx, st.Table); view {
			return res, alterViewError(name, st.Cmds[0])
		}
		if st.IfExists {
			return res, nil
		}
		return res, pgerr.UndefinedTableError(name)
	}
	a := &alteration{s: s, tx: tx, table: name}
	for _, c := range st.Cmds {
		if err := a.run(c); err != nil {
			return res, alterError(err)
		}
		if err := a.checkViews(c); err != nil {
			return res, err
		}
	}
	return res, nil
}

// alterViewError is the error of ALTER TABLE naming a view: renaming one
// is not supported, and the other actions are not for views (42809).
func alterViewError(name string, c ir.AlterCmd) error {
	switch c.(type) {
	case *ir.RenameTable, *ir.RenameColumn:
		return pgerr.Unsupported("ALTER TABLE ... RENAME of a view")
	}
	action, _, _ := strings.Cut(c.String(), " ")
	if _, ok := c.(*ir.AddColumn); ok {
		action = "ADD COLUMN"
	}
	return &Error{Code: "42809", Message: "ALTER action " + action + ` cannot be performed on relation "` + name + `"`,
		Detail: "This operation is not supported for views."}
}

// checkViews probes the views that read the table after action c changed
// it (view.go): a view that no longer runs, or whose columns change type,
// refuses the change as PostgreSQL would have refused it, except that
// DROP COLUMN ... CASCADE drops such views.
func (a *alteration) checkViews(c ir.AlterCmd) error {
	broken := a.s.brokenViews(a.tx, a.table)
	if len(broken) == 0 {
		return nil
	}
	switch c := c.(type) {
	case *ir.DropColumn:
		if !c.Cascade {
			return &Error{Code: "2BP01", Message: "cannot drop column " + c.Name + " of table " + a.table + " because other objects depend on it",
				Detail: "view " + broken[0] + " depends on column " + c.Name + " of table " + a.table,
				Hint:   "Use DROP ... CASCADE to drop the dependent objects too."}
		}
		drop := append(a.s.dependents(a.tx, broken), broken...)
		for _, n := range drop {
			a.s.setDecl(n, nil)
		}
		return nil
	case *ir.SetColumnType:
		return &Error{Code: pgerr.FeatureNotSupported, Message: "cannot alter type of a column used by a view or rule",
			Detail: "view " + broken[0] + " depends on column \"" + c.Column + "\""}
	}
	return pgerr.Unsupported("ALTER TABLE " + c.String() + ", which view " + broken[0] + " would not survive,")
}

// alteration is one ALTER TABLE statement under way.
type alteration struct {
	s     *Session
	tx    *engine.Tx
	table string
}

func (a *alteration) run(c ir.AlterCmd) error {
	if err := a.s.alterDomainGuard(a.table, c); err != nil { // domain.go
		return err
	}
	switch c := c.(type) {
	case *ir.AddColumn:
		return a.addColumn(c)
	case *ir.DropColumn:
		return a.dropColumn(c)
	case *ir.AddConstraint:
		return a.addConstraint(c.Constraint)
	case *ir.DropConstraint:
		if err := a.dropConstraint(c); err != nil {
			return err
		}
		a.moveValidity(c.Name, "")
		return nil
	case *ir.SetColumnDefault:
		return a.setDefault(c)
	case *ir.SetColumnNotNull:
		return a.setNotNull(c)
	case *ir.SetColumnType:
		return a.setType(c)
	case *ir.RenameTable:
		return a.renameTable(c.NewName)
	case *ir.RenameColumn:
		return a.renameColumn(c)
	case *ir.RenameConstraint:
		if err := a.renameConstraint(c); err != nil {
			return err
		}
		a.moveValidity(c.Constraint, c.NewName)
		return nil
	case *ir.ValidateConstraint:
		return a.validateConstraint(c.Name)
	case *ir.DropExpression:
		return a.dropExpression(c)
	case *ir.EnableTrigger:
		return a.enableTrigger(c) // trigger.go
	}
	return pgerr.Unsupported("ALTER TABLE " + c.String())
}

// alterError maps the engine's schema-change errors onto PostgreSQL's
// messages; toError handles the rest.
func alterError(err error) error {
	var ce *engine.ConstraintError
	if errors.As(err, &ce) {
		switch ce.SQLState {
		case engine.StateNotNull, engine.StateDuplicateColumn, engine.StateDependentObjects, engine.StateObjectInUse:
			e := &Error{Code: ce.SQLState, Message: ce.Message, Table: ce.Table, Constraint: ce.Constraint}
			if len(ce.Columns) == 1 {
				e.Column = ce.Columns[0]
			}
			return e
		}
	}
	return err
}

// schema returns the table as the alteration has left it so far.
func (a *alteration) schema() (*tableSchema, error) { return a.s.schemaOf(a.tx, a.table) }

// column returns the table as schema does and the position of its column
// name, or 42703.
func (a *alteration) column(name string) (*tableSchema, int, error) {
	ts, err := a.schema()
	if err != nil {
		return nil, 0, err
	}
	i, ok := ts.index[name]
	if !ok {
		return nil, 0, a.noColumn(name)
	}
	return ts, i, nil
}

// decl returns a copy of the table's declaration to change and store with
// setDecl.
func (a *alteration) decl() *tableDecl {
	td := *a.s.decl(a.table)
	td.types = maps.Clone(td.types)
	td.defaults = maps.Clone(td.defaults)
	td.indexes = maps.Clone(td.indexes)
	td.checks = slices.Clone(td.checks)
	td.comments = maps.Clone(td.comments)
	td.identity = maps.Clone(td.identity)
	td.notValid = maps.Clone(td.notValid)
	td.generated = maps.Clone(td.generated)
	td.indexDefs = maps.Clone(td.indexDefs)
	if td.types == nil {
		// A table the Go API made: its columns get their storage's types,
		// and every index is visible, as before.
		td.types = map[string]sqlType{}
		ts, err := a.schema()
		if err == nil {
			for i, c := range ts.def.Columns {
				td.types[c.Name] = ts.types[i]
			}
			td.indexes = map[string]indexOrigin{}
			for _, ix := range ts.def.Indexes {
				td.indexes[ix.Name] = byCreateIndex
			}
		}
	}
	return &td
}

func (a *alteration) noColumn(name string) *Error {
	e := pgerr.UndefinedColumnError(name)
	e.Message = `column "` + name + `" of relation "` + a.table + `" does not exist`
	e.Table = a.table
	return e
}

func (a *alteration) noConstraint(name string) *Error {
	return &Error{Code: pgerr.UndefinedObject, Message: `constraint "` + name + `" of relation "` + a.table + `" does not exist`, Table: a.table}
}

// noRenamedConstraint is noConstraint as RENAME CONSTRAINT words it.
func (a *alteration) noRenamedConstraint(name string) *Error {
	e := a.noConstraint(name)
	e.Message = `constraint "` + name + `" for table "` + a.table + `" does not exist`
	return e
}

// addColumn is ADD COLUMN: the engine column, its declaration, then its
// constraints as ADD CONSTRAINT would add them.
func (a *alteration) addColumn(c *ir.AddColumn) error {
	cd := c.Column
	ts, err := a.schema()
	if err != nil {
		return err
	}
	if err := systemColumnError(cd.Name); err != nil {
		return err
	}
	if _, ok := ts.index[cd.Name]; ok {
		if c.IfNotExists {
			return nil
		}
		return &Error{Code: pgerr.DuplicateColumn, Message: `column "` + cd.Name + `" of relation "` + a.table + `" already exists`, Table: a.table}
	}
	typ, err := a.s.columnTypeOf(cd.Type) // enum.go
	if err != nil {
		return err
	}
	if cd.Generated != nil {
		if err := generationConflict(cd, a.table); err != nil { // generated.go
			return err
		}
	}
	if cd.Identity != nil {
		return a.addSerialColumn(cd, typ)
	}
	col := engine.Column{Name: cd.Name, Type: typ.engineType(), NotNull: cd.NotNull, Precision: typ.enginePrec(), Scale: typ.engineScale()}
	if cd.Generated != nil {
		col.NotNull = false // until the rows there have their values
	}
	var clock ir.Expr
	switch {
	case cd.Default != nil && volatile(cd.Default):
		if err := a.s.checkDefault(a.tx, cd.Name, cd.Default, typ); err != nil {
			return err
		}
		// Existing rows get the value now, as in PostgreSQL; later
		// inserts read the clock.
		v, t, err := (&evaluator{q: &queryEnv{s: a.s, tx: a.tx}}).eval(cd.Default)
		if err != nil {
			return err
		}
		if col.Default, err = cast(v, t, typ, false /* explicit */); err != nil {
			return err
		}
		clock = cd.Default
	case cd.Default != nil:
		if col.Default, err = constantDefault(a.s, cd.Default, typ); err != nil {
			return err
		}
	}
	for _, k := range cd.Constraints {
		if k.Kind == ir.PrimaryKey {
			return pgerr.Unsupported("ADD COLUMN ... PRIMARY KEY")
		}
	}
	td := a.decl()
	if err := a.tx.AddColumn(a.table, col); err != nil {
		return err
	}
	if clock != nil {
		if err := a.tx.SetDefault(a.table, cd.Name, nil); err != nil {
			return err
		}
		if td.defaults == nil {
			td.defaults = map[string]ir.Expr{}
		}
		td.defaults[cd.Name] = clock
	}
	td.types[cd.Name] = typ
	if cd.Generated != nil {
		if td.generated == nil {
			td.generated = map[string]ir.Expr{}
		}
		td.generated[cd.Name] = cd.Generated
	}
	a.s.setDecl(a.table, td)
	if cd.Generated != nil {
		if err := a.addGenerated(cd); err != nil {
			return err
		}
	}
	for _, k := range cd.Constraints {
		if err := a.addConstraint(k); err != nil {
			return err
		}
	}
	return nil
}

// addGenerated gives the rows already there the value of the generated
// column cd just added, checking its expression first, and then makes it
// NOT NULL if cd says so.
func (a *alteration) addGenerated(cd ir.ColumnDef) error {
	ts, err := a.schema()
	if err != nil {
		return err
	}
	if err := a.s.checkGeneration(ts, ts.index[cd.Name], cd.Generated); err != nil {
		return err
	}
	if err := a.regenerate(); err != nil {
		return err
	}
	if cd.NotNull {
		return a.tx.SetNotNull(a.table, cd.Name)
	}
	return nil
}

// regenerate computes the generated columns of every row of the table
// again, after a change that may change them.
func (a *alteration) regenerate() error {
	ts, err := a.schema()
	if err != nil || ts.generated == nil {
		return err
	}
	recs, err := a.tx.Query(a.table).All()
	if err != nil {
		return err
	}
	ev := &evaluator{q: &queryEnv{s: a.s, tx: a.tx}}
	for _, r := range recs {
		vals := r.Values()
		old := slices.Clone(vals)
		if err := ts.generate(vals, ev); err != nil {
			return err
		}
		set := engine.Row{}
		for i, e := range ts.generated {
			if e != nil && !sameValue(vals[i], old[i]) {
				set[ts.def.Columns[i].Name] = vals[i]
			}
		}
		if len(set) > 0 {
			// The hidden columns of the indexes over them follow
			// (exprindex.go).
			if err := ts.deriveUpdate(old, set, ev); err != nil {
				return err
			}
			if _, err := a.tx.Update(a.table, ts.key(old), set); err != nil {
				return err
			}
		}
	}
	return nil
}

// dropExpression is ALTER COLUMN ... DROP EXPRESSION [IF EXISTS]: a
// generated column becomes an ordinary one that keeps its values.
func (a *alteration) dropExpression(c *ir.DropExpression) error {
	ts, i, err := a.column(c.Column)
	if err != nil {
		return err
	}
	if ts.generatedAt(i) == nil {
		if c.IfExists {
			return nil
		}
		return &Error{Code: "55000", Message: `column "` + c.Column + `" of relation "` + a.table + `" is not a stored generated column`, Table: a.table}
	}
	td := a.decl()
	delete(td.generated, c.Column)
	a.s.setDecl(a.table, td)
	return nil
}

// dropColumn is DROP COLUMN: the engine drops the indexes and foreign keys
// over the column; the CHECK constraints that read it go too. A column
// another foreign key references needs CASCADE, which drops that key.
func (a *alteration) dropColumn(c *ir.DropColumn) error {
	ts, err := a.schema()
	if err != nil {
		return err
	}
	if systemColumns[c.Name] {
		return pgerr.New(pgerr.FeatureNotSupported, "cannot drop system column %q", c.Name)
	}
	if _, ok := ts.index[c.Name]; !ok {
		if c.IfExists {
			return nil
		}
		return a.noColumn(c.Name)
	}
	if slices.Contains(ts.def.PrimaryKey, c.Name) {
		return pgerr.Unsupported("dropping a primary key column")
	}
	if tr := triggerColumnUse(a.s.decl(a.table), c.Name); tr != "" { // trigger.go
		if c.Cascade {
			return pgerr.Unsupported("DROP COLUMN ... CASCADE of a column a trigger names")
		}
		return &Error{Code: "2BP01", Message: `cannot drop column ` + c.Name + ` of table ` + a.table + ` because other objects depend on it`,
			Detail: `trigger ` + tr + ` on table ` + a.table + ` depends on column ` + c.Name + ` of table ` + a.table,
			Hint:   "Use DROP ... CASCADE to drop the dependent objects too."}
	}
	rels, err := a.tx.Relations(a.table)
	if err != nil {
		return err
	}
	for _, r := range rels {
		if r.Parent != a.table || !slices.Contains(r.References, c.Name) {
			continue
		}
		if !c.Cascade {
			return &Error{Code: "2BP01", Message: `cannot drop column ` + c.Name + ` of table ` + a.table + ` because other objects depend on it`,
				Detail: `constraint ` + r.Name + ` on table ` + r.Child + ` depends on column ` + c.Name + ` of table ` + a.table,
				Hint:   "Use DROP ... CASCADE to drop the dependent objects too."}
		}
		if err := a.tx.DropRelation(r.Name); err != nil {
			return err
		}
	}
	// A generated column that reads the column depends on it: CASCADE
	// drops it too, as PostgreSQL does (with a NOTICE).
	var dependents []string
	for i, e := range ts.generated {
		if e != nil && mentions(e, c.Name) {
			dependents = append(dependents, ts.def.Columns[i].Name)
		}
	}
	if len(dependents) > 0 && !c.Cascade {
		return &Error{Code: "2BP01", Message: `cannot drop column ` + c.Name + ` of table ` + a.table + ` because other objects depend on it`,
			Detail: `column ` + dependents[0] + ` of table ` + a.table + ` depends on column ` + c.Name + ` of table ` + a.table,
			Hint:   "Use DROP ... CASCADE to drop the dependent objects too."}
	}
	for _, d := range dependents {
		if err := a.dropColumn(&ir.DropColumn{Name: d}); err != nil {
			return err
		}
	}
	// The indexes over the column go with it, as in PostgreSQL; those
	// with hidden columns take them along (exprindex.go).
	if err := a.s.dropIndexesReading(a.tx, a.table, c.Name); err != nil {
		return err
	}
	td := a.decl()
	if err := a.tx.DropColumn(a.table, c.Name); err != nil {
		return err
	}
	delete(td.types, c.Name)
	delete(td.defaults, c.Name)
	delete(td.identity, c.Name)
	delete(td.generated, c.Name)
	td.checks = slices.DeleteFunc(td.checks, func(k check) bool { return mentions(k.expr, c.Name) })
	def, err := a.tx.Table(a.table)
	if err != nil {
		return err
	}
	for name := range td.indexes {
		if !slices.ContainsFunc(def.Indexes, func(ix engine.Index) bool { return ix.Name == name }) {
			delete(td.indexes, name)
		}
	}
	a.s.setDecl(a.table, td)
	a.s.dropOwnedSequences(a.tx, a.table, c.Name) // sequence.go
	return nil
}

// mentions reports whether e reads column col.
func mentions(e ir.Expr, col string) bool {
	found := false
	ir.Inspect(e, func(x ir.Expr) bool {
		if r, ok := x.(*ir.ColumnRef); ok && r.Column == col {
			found = true
		}
		return !found
	})
	return found
}

// constraintNames returns the names of the table's constraints and
// indexes (one namespace in PostgreSQL's eyes, near enough).
func (a *alteration) constraintNames(ts *tableSchema) ([]string, error) {
	var names []string
	if ts.hasKey() {
		names = append(names, pkName(ts.def))
	}
	for _, ix := range ts.def.Indexes {
		if !a.s.implicitIndex(a.tx, a.table, ix.Name) { // no constraint's, nor a relation SQL sees
			names = append(names, ix.Name)
		}
	}
	rels, err := a.tx.Relations(a.table)
	if err != nil {
		return nil, err
	}
	for _, r := range rels {
		if r.Child == a.table {
			names = append(names, r.Name)
		}
	}
	for _, k := range a.s.decl(a.table).checks {
		names = append(names, k.name)
	}
	return names, nil
}

// addConstraint is ADD CONSTRAINT, and a column constraint of ADD COLUMN:
// each checks the rows already there.
func (a *alteration) addConstraint(k ir.Constraint) error {
	ts, err := a.schema()
	if err != nil {
		return err
	}
	for _, c := range k.Columns {
		if _, err := ts.column(c); err != nil {
			return err
		}
	}
	if err := repeatedColumn(k); err != nil {
		return err
	}
	taken, err := a.constraintNames(ts)
	if err != nil {
		return err
	}
	if k.Name != "" && slices.Contains(taken, k.Name) {
		return &Error{Code: pgerr.DuplicateObject, Message: `constraint "` + k.Name + `" for relation "` + a.table + `" already exists`}
	}
	if err := a.addConstraintKind(ts, k, taken); err != nil {
		if pe := toError(err); k.NotValid && (pe.Code == pgerr.CheckViolation || pe.Code == pgerr.ForeignKeyViolation) {
			e := pgerr.Unsupported("ADD CONSTRAINT ... NOT VALID over rows that violate the constraint")
			e.Detail = pe.Message
			if pe.Detail != "" {
				e.Detail += ": " + pe.Detail
			}
			e.Table, e.Constraint = pe.Table, pe.Constraint
			return e
		}
		return err
	}
	return a.markValidity(taken, k.NotValid)
}

// addConstraintKind adds the constraint k of whatever kind; taken are the
// table's constraint names.
func (a *alteration) addConstraintKind(ts *tableSchema, k ir.Constraint, taken []string) error {
	switch k.Kind {
	case ir.PrimaryKey:
		if !ts.hasKey() {
			return a.addPrimaryKey(k)
		}
		return &Error{Code: pgerr.InvalidTableDefinition, Message: `multiple primary keys for table "` + a.table + `" are not allowed`}
	case ir.Unique:
		return a.addUnique(k)
	case ir.Check:
		return a.addCheck(ts, k, taken)
	case ir.ForeignKey:
		return a.s.createRelation(a.tx, a.table, ts.def, k)
	}
	return pgerr.Unsupported("ADD " + k.String())
}

// addPrimaryKey gives a table created without a primary key one: the
// engine rekeys its rows by the columns, which become NOT NULL, and the
// hidden row identity that was its key goes (see rowIDColumn). This is
// how pg_dump's output declares every primary key.
func (a *alteration) addPrimaryKey(k ir.Constraint) error {
	if k.Deferrable {
		return pgerr.Unsupported("DEFERRABLE primary key")
	}
	// The hidden key's own name is free: it goes.
	own := a.table + "_pkey"
	taken := func(name string) bool { return name != own && a.s.relationExists(a.tx, name) }
	name := k.Name
	if name == "" {
		name = own
		for i := 1; taken(name); i++ {
			name = own + itoa(i)
		}
	} else if taken(name) {
		return pgerr.DuplicateTableError(name)
	}
	if err := a.s.vacateImplicit(a.tx, name); err != nil {
		return err
	}
	ts, err := a.schema()
	if err != nil {
		return err
	}
	def, err := constraintIndexDecl(k, func(c string) bool { _, ok := ts.index[c]; return ok })
	if err != nil {
		return err
	}
	if err := a.tx.SetPrimaryKey(a.table, name, k.Columns...); err != nil {
		// PostgreSQL words these as the building of the key's index.
		var ce *engine.ConstraintError
		if errors.As(err, &ce) && (errors.Is(err, engine.ErrUnique) || errors.Is(err, engine.ErrNotNull)) {
			e := &Error{Code: ce.SQLState, Message: ce.Message, Detail: sentence(ce.Detail), Table: ce.Table}
			if errors.Is(err, engine.ErrUnique) {
				e.Constraint = name
			} else if len(ce.Columns) == 1 {
				e.Column = ce.Columns[0]
			}
			return e
		}
		return err
	}
	a.s.declareIndexDef(a.table, name, def) // exprindex.go
	return a.tx.DropColumn(a.table, rowIDColumn)
}

func (a *alteration) addUnique(k ir.Constraint) error {
	if k.Deferrable || k.NullsNotDistinct {
		return pgerr.Unsupported(strings.TrimSpace(k.String()))
	}
	name := k.Name
	if name == "" {
		base := constraintIndexName(a.table, k)
		name = base
		for i := 1; a.s.relationExists(a.tx, name); i++ {
			name = base + itoa(i)
		}
	} else if a.s.relationExists(a.tx, name) {
		return pgerr.DuplicateTableError(name)
	}
	if err := a.s.vacateImplicit(a.tx, name); err != nil {
		return err
	}
	var def *indexDecl
	if ts, err := a.schema(); err == nil {
		types := map[string]sqlType{}
		for _, c := range k.Columns {
			if i, ok := ts.index[c]; ok {
				types[c] = ts.types[i]
			}
		}
		if err := keyTypes(k.Columns, types); err != nil {
			return err
		}
		if def, err = constraintIndexDecl(k, func(c string) bool { _, ok := ts.index[c]; return ok }); err != nil {
			return err
		}
	}
	if err := a.tx.CreateIndex(a.table, engine.Index{Name: name, Columns: k.Columns, Unique: true}); err != nil {
		return err
	}
	a.s.declareIndex(a.table, name, byConstraint)
	a.s.declareIndexDef(a.table, name, def) // exprindex.go
	return nil
}

func (a *alteration) addCheck(ts *tableSchema, k ir.Constraint, taken []string) error {
	checks, err := tableChecks(a.table, []ir.Constraint{k}, taken)
	if err != nil {
		return err
	}
	if err := validateChecks(a.s, ts, checks); err != nil {
		return err
	}
	if err := a.checkRows(ts, checks[0]); err != nil {
		return err
	}
	td := a.decl()
	td.checks = append(td.checks, checks...)
	slices.SortFunc(td.checks, func(x, y check) int { return strings.Compare(x.name, y.name) })
	a.s.setDecl(a.table, td)
	return nil
}

// checkRows checks every row of the table against the CHECK constraint k,
// failing as PostgreSQL's ADD CONSTRAINT and VALIDATE CONSTRAINT do.
func (a *alteration) checkRows(ts *tableSchema, k check) error {
	only := *ts
	only.checks = []check{k}
	ev := &evaluator{q: &queryEnv{s: a.s, tx: a.tx}}
	return a.tx.Query(a.table).Each(func(r engine.Record) error {
		if err := a.s.checkRow(&only, r.Values(), ev); err != nil {
			if pgerr.Code(err) == pgerr.CheckViolation {
				return &Error{Code: pgerr.CheckViolation, Message: `check constraint "` + k.name + `" of relation "` + a.table + `" is violated by some row`,
					Table: a.table, Constraint: k.name}
			}
			return err
		}
		return nil
	})
}

// markValidity records whether the constraint just added, the one name
// the table has that taken does not, was added NOT VALID (see
// tableDecl.notValid), forgetting a mark a dropped constraint of that
// name left. PostgreSQL leaves the rows already there unchecked until
// VALIDATE CONSTRAINT; reldb's constraints hold for every row, so
// addConstraint checked them and refused (0A000) what PostgreSQL would
// keep: rows that break the new constraint. Rows that keep it, as a
// migration's usually do, give PostgreSQL's outcome, and the constraint
// shows as not validated (pg_constraint.convalidated,
// pg_get_constraintdef) until VALIDATE CONSTRAINT.
func (a *alteration) markValidity(taken []string, notValid bool) error {
	ts, err := a.schema()
	if err != nil {
		return err
	}
	now, err := a.constraintNames(ts)
	if err != nil {
		return err
	}
	var added []string
	for _, name := range now {
		if !slices.Contains(taken, name) {
			added = append(added, name)
		}
	}
	old := a.s.decl(a.table).notValid
	if !notValid && !slices.ContainsFunc(added, func(n string) bool { return old[n] }) {
		return nil
	}
	td := a.decl()
	for _, name := range added {
		delete(td.notValid, name)
		if notValid {
			if td.notValid == nil {
				td.notValid = map[string]bool{}
			}
			td.notValid[name] = true
		}
	}
	a.s.setDecl(a.table, td)
	return nil
}

// moveValidity moves the NOT VALID mark of the constraint name to its new
// name, or drops it when newName is empty.
func (a *alteration) moveValidity(name, newName string) {
	if !a.s.decl(a.table).notValid[name] {
		return
	}
	td := a.decl()
	delete(td.notValid, name)
	if newName != "" {
		td.notValid[newName] = true
	}
	a.s.setDecl(a.table, td)
}

// validateConstraint is VALIDATE CONSTRAINT name: a CHECK or foreign key
// added NOT VALID counts as validated from now on. Its rows are checked
// again (a CHECK is not checked on rows a foreign key's action changes);
// a foreign key's are checked by the engine at every write.
func (a *alteration) validateConstraint(name string) error {
	ts, err := a.schema()
	if err != nil {
		return err
	}
	var found bool
	for _, k := range ts.checks {
		if k.name == name {
			if err := a.checkRows(ts, k); err != nil {
				return err
			}
			found = true
		}
	}
	rels, err := a.tx.Relations(a.table)
	if err != nil {
		return err
	}
	for _, r := range rels {
		found = found || r.Child == a.table && r.Name == name
	}
	if !found {
		names, err := a.constraintNames(ts)
		if err != nil {
			return err
		}
		if slices.Contains(names, name) {
			return &Error{Code: "42809", Message: `constraint "` + name + `" of relation "` + a.table + `" is not a foreign key or check constraint`, Table: a.table}
		}
		return a.noConstraint(name)
	}
	if a.s.decl(a.table).notValid[name] {
		td := a.decl()
		delete(td.notValid, name)
		a.s.setDecl(a.table, td)
	}
	return nil
}

// dropConstraint is DROP CONSTRAINT: the primary key, a foreign key (with
// the index the engine made for it), a UNIQUE constraint (its index), or a
// CHECK.
func (a *alteration) dropConstraint(c *ir.DropConstraint) error {
	ts, err := a.schema()
	if err != nil {
		return err
	}
	rels, err := a.tx.Relations(a.table)
	if err != nil {
		return err
	}
	if ts.hasKey() && c.Name == pkName(ts.def) {
		return a.dropPrimaryKey(c, ts, rels)
	}
	for _, r := range rels {
		if r.Child == a.table && r.Name == c.Name {
			return a.dropForeignKey(r)
		}
	}
	td := a.decl()
	if td.indexes[c.Name] == byConstraint {
		return a.dropUnique(c, rels)
	}
	if i := slices.IndexFunc(td.checks, func(k check) bool { return k.name == c.Name }); i >= 0 {
		td.checks = slices.Delete(td.checks, i, i+1)
		a.s.setDecl(a.table, td)
		return nil
	}
	if c.IfExists {
		return nil
	}
	return a.noConstraint(c.Name)
}

// dropPrimaryKey drops the primary key: the table is keyed by a hidden row
// identity again, as a table created without a key is, and the key's
// columns stay NOT NULL, as in PostgreSQL. Foreign keys that reference the
// key depend on it: 2BP01 without CASCADE. The key of a serial or
// identity column is the engine's auto-increment key, which cannot be
// anything but the primary key: 0A000.
func (a *alteration) dropPrimaryKey(c *ir.DropConstraint, ts *tableSchema, rels []engine.Relation) error {
	for _, p := range ts.pk {
		if ts.def.Columns[p].AutoIncrement {
			return pgerr.Unsupported("dropping the primary key of a serial or identity column")
		}
	}
	if err := a.dropReferencing(c, rels, ts.def.PrimaryKey); err != nil {
		return err
	}
	a.s.declareIndexDef(a.table, pkName(ts.def), nil)
	return a.tx.DropPrimaryKey(a.table, rowIDColumn)
}

// dropForeignKey drops a relation and the index the engine made for it,
// which SQL never saw: named <table>_<columns>_idx, or that with a number
// after it for one DROP INDEX hid (hideChildIndex).
func (a *alteration) dropForeignKey(r engine.Relation) error {
	if err := a.tx.DropRelation(r.Name); err != nil {
		return err
	}
	base := implicitIndexName(a.table, r.Columns)
	def, err := a.tx.Table(a.table)
	if err != nil {
		return err
	}
	for _, ix := range def.Indexes {
		name := ix.Name
		if !strings.HasPrefix(name, base) || strings.Trim(name[len(base):], "0123456789") != "" || !a.s.implicitIndex(a.tx, a.table, name) {
			continue
		}
		if err := a.tx.DropIndex(a.table, name); err != nil && !errors.Is(err, engine.ErrSchema) && !errors.Is(err, engine.ErrNoIndex) {
			return err // ErrSchema: another foreign key uses it too
		}
	}
	return nil
}

// dropReferencing drops the foreign keys among rels that reference the
// table's cols, the key constraint c is dropping: 2BP01 unless CASCADE.
func (a *alteration) dropReferencing(c *ir.DropConstraint, rels []engine.Relation, cols []string) error {
	for _, r := range rels {
		if r.Parent != a.table || !slices.Equal(r.References, cols) {
			continue
		}
		if !c.Cascade {
			return &Error{Code: "2BP01", Message: `cannot drop constraint ` + c.Name + ` on table ` + a.table + ` because other objects depend on it`,
				Detail: `constraint ` + r.Name + ` on table ` + r.Child + ` depends on index ` + c.Name,
				Hint:   "Use DROP ... CASCADE to drop the dependent objects too."}
		}
		if err := a.tx.DropRelation(r.Name); err != nil {
			return err
		}
	}
	return nil
}

// dropUnique drops a UNIQUE constraint's index. Foreign keys that
// reference its columns depend on it: 2BP01 without CASCADE.
func (a *alteration) dropUnique(c *ir.DropConstraint, rels []engine.Relation) error {
	def, err := a.tx.Table(a.table)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(def.Indexes, func(ix engine.Index) bool { return ix.Name == c.Name })
	if i < 0 {
		return a.noConstraint(c.Name)
	}
	if err := a.dropReferencing(c, rels, def.Indexes[i].Columns); err != nil {
		return err
	}
	if err := a.tx.DropIndex(a.table, c.Name); err != nil {
		if errors.Is(err, engine.ErrSchema) {
			// A foreign key of this table finds its rows through it.
			return pgerr.Unsupported("dropping a UNIQUE constraint whose index a foreign key of the table uses")
		}
		return err
	}
	a.s.declareIndex(a.table, c.Name, 0)
	a.s.declareIndexDef(a.table, c.Name, nil)
	return nil
}

// setDefault is ALTER COLUMN SET DEFAULT / DROP DEFAULT.
func (a *alteration) setDefault(c *ir.SetColumnDefault) error {
	ts, i, err := a.column(c.Column)
	if err != nil {
		return err
	}
	if ts.def.Columns[i].AutoIncrement {
		return pgerr.Unsupported("changing the DEFAULT of a serial or identity column")
	}
	var v any
	var clock ir.Expr
	switch {
	case c.Default != nil && volatile(c.Default):
		if err := a.s.checkDefault(a.tx, c.Column, c.Default, ts.types[i]); err != nil {
			return err
		}
		clock = c.Default
	case c.Default != nil:
		if v, err = constantDefault(a.s, c.Default, ts.types[i]); err != nil {
			return err
		}
	}
	if err := a.tx.SetDefault(a.table, c.Column, v); err != nil {
		return err
	}
	td := a.decl()
	if td.defaults == nil {
		td.defaults = map[string]ir.Expr{}
	}
	delete(td.defaults, c.Column)
	if clock != nil {
		td.defaults[c.Column] = clock
	}
	a.s.setDecl(a.table, td)
	return nil
}

// setNotNull is ALTER COLUMN SET NOT NULL / DROP NOT NULL.
func (a *alteration) setNotNull(c *ir.SetColumnNotNull) error {
	ts, err := a.schema()
	if err != nil {
		return err
	}
	if _, ok := ts.index[c.Column]; !ok {
		return a.noColumn(c.Column)
	}
	if c.NotNull {
		return a.tx.SetNotNull(a.table, c.Column)
	}
	if slices.Contains(ts.def.PrimaryKey, c.Column) {
		return &Error{Code: pgerr.InvalidTableDefinition, Message: `column "` + c.Column + `" is in a primary key`}
	}
	return a.tx.DropNotNull(a.table, c.Column)
}

// setType is ALTER COLUMN ... TYPE [USING]: each row's value becomes the
// USING expression's over the row (the column itself without one), cast
// to the new type by assignment as an INSERT would; the column's
// constant DEFAULT is cast with it. Without USING, a column whose type
// has no assignment cast to the new one is 42804 with PostgreSQL's hint,
// as is a DEFAULT that cannot follow, whatever the rows hold. A change
// that keeps every stored value changes only the declaration; one that
// changes them rewrites the table (engine.Tx.SetColumnType) and checks
// its CHECK constraints again. A column a foreign key uses keeps its
// storage (integer to bigint, varchar to text) or is 0A000, and an
// identity or serial column's type is 0A000.
func (a *alteration) setType(c *ir.SetColumnType) error {
	ts, i, err := a.column(c.Column)
	if err != nil {
		return err
	}
	typ, err := columnType(c.Type)
	if err != nil {
		return err
	}
	col, from := ts.def.Columns[i], ts.types[i]
	if c.Using == nil && !assignable(from, typ) {
		return &Error{Code: pgerr.DatatypeMismatch, Message: `column "` + c.Column + `" cannot be cast automatically to type ` + formatTypeName(typ, false),
			Hint: `You might need to specify "USING ` + ir.Ident(c.Column) + "::" + formatTypeName(typ, true) + `".`}
	}
	if col.Default != nil && !assignable(from, typ) {
		return &Error{Code: pgerr.DatatypeMismatch, Message: `default for column "` + c.Column + `" cannot be cast automatically to type ` + formatTypeName(typ, false)}
	}
	if err := a.inKeyOrIndex(ts, c.Column, typ); err != nil {
		return err
	}
	for name, def := range a.decl().indexDefs {
		// The hidden columns keep the expressions' types (exprindex.go).
		if def.derived() && slices.ContainsFunc(def.hiddenExprs(), func(e ir.Expr) bool { return mentions(e, c.Column) }) {
			return pgerr.Unsupported("ALTER COLUMN ... TYPE of a column index " + name + " computes from")
		}
	}
	for g, e := range ts.generated {
		if e != nil && mentions(e, c.Column) {
			return &Error{Code: pgerr.FeatureNotSupported, Message: "cannot alter type of a column used by a generated column",
				Detail: `Column "` + c.Column + `" is used by generated column "` + ts.def.Columns[g].Name + `".`}
		}
	}
	if v := a.viewReading(c.Column); v != "" {
		return &Error{Code: pgerr.FeatureNotSupported, Message: "cannot alter type of a column used by a view or rule",
			Detail: "rule _RETURN on view " + v + ` depends on column "` + c.Column + `"`}
	}
	ev := &evaluator{q: &queryEnv{s: a.s, tx: a.tx}}
	sc := newScope(ts, a.table)
	rowEv := ev.with(sc)
	expr := c.Using
	if expr == nil {
		expr = &ir.ColumnRef{Column: c.Column}
	}
	if c.Using != nil {
		// The USING expression's type, from a row of NULLs: PostgreSQL
		// refuses one that does not assign to the new type before it
		// reads a row. An expression that fails on NULLs is left to the
		// rows.
		sc.row = make([]any, len(ts.def.Columns))
		if _, t, err := rowEv.eval(expr); err == nil && !assignable(t, typ) {
			return &Error{Code: pgerr.DatatypeMismatch, Message: `result of USING clause for column "` + c.Column + `" cannot be cast automatically to type ` + formatTypeName(typ, false),
				Hint: "You might need to add an explicit cast."}
		}
	}
	convert := func(row []any) (any, error) {
		sc.row = row
		v, t, err := rowEv.eval(expr)
		if err != nil {
			return nil, err
		}
		out, err := cast(v, t, typ, false /* explicit */)
		if err != nil {
			return nil, err
		}
		return storedValue(typ, out), nil
	}
	// A change that keeps every stored value is only the declaration's.
	same := typ.engineType() == col.Type && typ.prec == col.Precision && typ.scale == col.Scale
	if same {
		err = a.tx.Query(a.table).Each(func(r engine.Record) error {
			row := r.Values()
			v, err := convert(row)
			if err != nil {
				return err
			}
			if !sameValue(v, row[i]) {
				same = false
				return errStop
			}
			return nil
		})
		if err != nil && err != errStop {
			return err
		}
	}
	if !same {
		def, err := cast(col.Default, from, typ, false /* explicit */)
		if err != nil {
			return err
		}
		ct := engine.ColumnType{Type: typ.engineType(), Precision: typ.prec, Scale: typ.scale, Default: storedValue(typ, def)}
		if err := a.tx.SetColumnType(a.table, c.Column, ct, convert); err != nil {
			var ee *Error
			if errors.As(err, &ee) {
				return ee // the conversion's own, unwrapped
			}
			if errors.Is(err, engine.ErrSchema) {
				return pgerr.Unsupported("ALTER COLUMN ... TYPE of a column a foreign key or identity uses that changes how it is stored")
			}
			return err
		}
	}
	td := a.decl()
	td.types[c.Column] = typ
	a.s.setDecl(a.table, td)
	if same {
		return nil
	}
	if err := a.regenerate(); err != nil {
		return err
	}
	ts, err = a.schema()
	if err != nil {
		return err
	}
	for _, k := range ts.checks {
		if err := a.checkRows(ts, k); err != nil {
			return err
		}
	}
	return nil
}

// errStop ends a scan early.
var errStop = errors.New("stop")

// sameValue reports whether two stored values are the same value.
func sameValue(a, b any) bool {
	switch x := a.(type) {
	case *apd.Decimal:
		y, ok := b.(*apd.Decimal)
		return ok && x.Cmp(y) == 0 && x.Exponent == y.Exponent
	case []byte:
		y, ok := b.([]byte)
		return ok && bytes.Equal(x, y)
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x.Equal(y)
	}
	return a == b
}

// assignable reports whether PostgreSQL casts a value of type from to
// type to in an assignment: between numeric types, between date and
// timestamp types, to a string type from any, json to jsonb and back,
// and between the same type with other modifiers (arrays element-wise).
func assignable(from, to sqlType) bool {
	if from.array != to.array {
		return to.isText() && !to.array
	}
	numeric := func(t sqlType) bool { return t.isInt() || t.kind == kNumeric || t.kind == kFloat4 || t.kind == kFloat8 }
	switch {
	case from.kind == kUnknown, from.kind == to.kind && (from.kind != kEnum || from.enum == to.enum):
		return true
	case to.isText() && !to.array:
		return true
	case from.isText() && to.isText():
		return true
	case numeric(from) && numeric(to), timeKind(from) && timeKind(to):
		return true
	case (from.kind == kJSON || from.kind == kJSONB) && (to.kind == kJSON || to.kind == kJSONB):
		return true
	}
	return false
}

// viewReading returns the name of a view that reads the table's column
// (by name, or through a *), "" if none does.
func (a *alteration) viewReading(column string) string {
	for _, n := range a.s.viewNames(a.tx) {
		v, _, _ := a.s.viewNamed(a.tx, ir.QualName{Name: n})
		if v == nil || !slices.Contains(v.deps, a.table) {
			continue
		}
		for _, r := range columnRefs(v.query) {
			if r.Star || r.Column == column {
				return n
			}
		}
	}
	return ""
}

// inKeyOrIndex refuses, as CREATE INDEX would, a new type for a column of
// a key or an index that keys cannot hold.
func (a *alteration) inKeyOrIndex(ts *tableSchema, column string, typ sqlType) error {
	types := map[string]sqlType{column: typ}
	in := slices.Contains(ts.def.PrimaryKey, column)
	for _, ix := range ts.def.Indexes {
		in = in || slices.Contains(ix.Columns, column)
	}
	if !in {
		return nil
	}
	return keyTypes([]string{column}, types)
}

// renameTable is RENAME TO: the declaration moves with the table.
func (a *alteration) renameTable(newName string) error {
	if err := a.s.relationNameError(newName); err != nil { // enum.go
		return err
	}
	if a.s.relationExists(a.tx, newName) {
		return pgerr.DuplicateTableError(newName)
	}
	td := a.decl()
	if err := a.tx.RenameTable(a.table, newName); err != nil {
		return err
	}
	a.s.setDecl(a.table, nil)
	a.s.setDecl(newName, td)
	a.s.moveOwnedSequences(a.table, "", newName, "")
	if err := a.s.renameInViews(a.tx, a.table, newName); err != nil {
		return err
	}
	a.table = newName
	return nil
}

// renameColumn is RENAME COLUMN: the declaration, clock DEFAULT and CHECK
// constraints follow the column.
func (a *alteration) renameColumn(c *ir.RenameColumn) error {
	ts, err := a.schema()
	if err != nil {
		return err
	}
	if systemColumns[c.Column] {
		return pgerr.New(pgerr.FeatureNotSupported, "cannot rename system column %q", c.Column)
	}
	if _, ok := ts.index[c.Column]; !ok {
		return a.noColumn(c.Column)
	}
	if triggerColumnUse(a.s.decl(a.table), c.Column) != "" { // trigger.go
		return pgerr.Unsupported("RENAME COLUMN of a column a trigger's UPDATE OF or WHEN names")
	}
	if err := systemColumnError(c.NewName); err != nil {
		return err
	}
	if _, ok := ts.index[c.NewName]; ok {
		return &Error{Code: pgerr.DuplicateColumn, Message: `column "` + c.NewName + `" of relation "` + a.table + `" already exists`}
	}
	td := a.decl()
	if err := a.tx.RenameColumn(a.table, c.Column, c.NewName); err != nil {
		return err
	}
	a.s.moveOwnedSequences(a.table, c.Column, a.table, c.NewName)
	if t, ok := td.types[c.Column]; ok {
		delete(td.types, c.Column)
		td.types[c.NewName] = t
	}
	if e, ok := td.defaults[c.Column]; ok {
		delete(td.defaults, c.Column)
		td.defaults[c.NewName] = e
	}
	if k, ok := td.identity[c.Column]; ok {
		delete(td.identity, c.Column)
		td.identity[c.NewName] = k
	}
	if text, ok := td.comments[c.Column]; ok {
		delete(td.comments, c.Column)
		td.comments[c.NewName] = text
	}
	for i, k := range td.checks {
		if !mentions(k.expr, c.Column) {
			continue
		}
		e, err := renameRefs(k.expr, c.Column, c.NewName)
		if err != nil {
			return err
		}
		td.checks[i].expr = e
	}
	if e, ok := td.generated[c.Column]; ok {
		delete(td.generated, c.Column)
		td.generated[c.NewName] = e
	}
	for col, e := range td.generated {
		if mentions(e, c.Column) {
			e, err := renameRefs(e, c.Column, c.NewName)
			if err != nil {
				return err
			}
			td.generated[col] = e
		}
	}
	for name, def := range td.indexDefs {
		if !def.reads(c.Column) {
			continue
		}
		nd, err := def.renamed(c.Column, c.NewName)
		if err != nil {
			return err
		}
		td.indexDefs[name] = nd
	}
	a.s.setDecl(a.table, td)
	return nil
}

// renameRefs returns a copy of e that reads column to where it read from.
// Parsed expressions are shared (the parse cache), so the copy is parsed
// afresh from e's text, and only the copy is changed.
func renameRefs(e ir.Expr, from, to string) (ir.Expr, error) {
	stmts, err := parse.Parse("SELECT " + e.String())
	if err != nil {
		return nil, err
	}
	sel, ok := stmts[0].(*ir.Select)
	if !ok || len(sel.Targets) != 1 {
		return nil, pgerr.New(pgerr.InternalError, "re-parsing %s", e)
	}
	out := sel.Targets[0].Expr
	ir.Inspect(out, func(x ir.Expr) bool {
		if r, ok := x.(*ir.ColumnRef); ok && r.Column == from {
			r.Column = to
		}
		return true
	})
	return out, nil
}

// renameConstraint is RENAME CONSTRAINT of a foreign key, a UNIQUE
// constraint (its index is renamed too, as in PostgreSQL) or a CHECK.
func (a *alteration) renameConstraint(c *ir.RenameConstraint) error {
	ts, err := a.schema()
	if err != nil {
		return err
	}
	taken, err := a.constraintNames(ts)
	if err != nil {
		return err
	}
	if !slices.Contains(taken, c.Constraint) {
		return a.noRenamedConstraint(c.Constraint)
	}
	// A primary key's or UNIQUE constraint's index is renamed with it,
	// first, as PostgreSQL does: the name must be free among relations
	// (42P07), then among the table's constraints (42710).
	td := a.decl()
	withIndex := (ts.hasKey() && c.Constraint == pkName(ts.def)) || td.indexes[c.Constraint] == byConstraint
	if withIndex && a.s.relationExists(a.tx, c.NewName) {
		return pgerr.DuplicateTableError(c.NewName)
	}
	if withIndex {
		if err := a.s.vacateImplicit(a.tx, c.NewName); err != nil {
			return err
		}
	}
	if slices.Contains(taken, c.NewName) {
		return &Error{Code: pgerr.DuplicateObject, Message: `constraint "` + c.NewName + `" for relation "` + a.table + `" already exists`}
	}
	if withIndex {
		return a.renameIndex(c.Constraint, c.NewName)
	}
	rels, err := a.tx.Relations(a.table)
	if err != nil {
		return err
	}
	for _, r := range rels {
		if r.Child == a.table && r.Name == c.Constraint {
			return a.tx.RenameRelation(c.Constraint, c.NewName)
		}
	}
	if i := slices.IndexFunc(td.checks, func(k check) bool { return k.name == c.Constraint }); i >= 0 {
		td.checks[i].name = c.NewName
		slices.SortFunc(td.checks, func(x, y check) int { return strings.Compare(x.name, y.name) })
		a.s.setDecl(a.table, td)
		return nil
	}
	// An index SQL did not declare as a constraint (CREATE INDEX).
	return a.noRenamedConstraint(c.Constraint)
}

// renameIndex renames an index of the table: one CREATE INDEX made, a
// UNIQUE constraint's or the primary key's (whose constraint is renamed
// with it). PostgreSQL's indexes share one namespace with tables and
// views: a name any of them has is 42P07, the index's own included.
func (a *alteration) renameIndex(name, newName string) error {
	if a.s.relationExists(a.tx, newName) {
		return pgerr.DuplicateTableError(newName)
	}
	if err := a.s.vacateImplicit(a.tx, newName); err != nil {
		return err
	}
	td := a.decl()
	if err := a.tx.RenameIndex(a.table, name, newName); err != nil {
		return err
	}
	if origin, ok := td.indexes[name]; ok {
		delete(td.indexes, name)
		td.indexes[newName] = origin
	}
	if def, ok := td.indexDefs[name]; ok {
		delete(td.indexDefs, name)
		td.indexDefs[newName] = def
	}
	a.s.setDecl(a.table, td)
	return nil
}

// renameIndexStmt is ALTER INDEX ... RENAME TO. Like PostgreSQL's, it
// renames a table named in place of an index as well.
func (s *Session) renameIndexStmt(tx *engine.Tx, st *ir.RenameIndex) (Result, error) {
	res := Result{Tag: "ALTER INDEX"}
	name, err := tableName(st.Index)
	if err != nil {
		return res, err
	}
	if exists(tx, name) {
		a := &alteration{s: s, tx: tx, table: name}
		if err := a.renameTable(st.NewName); err != nil {
			return res, alterError(err)
		}
		return res, nil
	}
	if _, _, view := s.viewNamed(tx, st.Index); view {
		return res, alterViewError(name, &ir.RenameTable{NewName: st.NewName})
	}
	table, ok := s.visibleIndexTable(tx, name)
	if !ok {
		if st.IfExists {
			return res, nil
		}
		return res, pgerr.UndefinedTableError(name)
	}
	a := &alteration{s: s, tx: tx, table: table}
	return res, a.renameIndex(name, st.NewName)
}

// visibleIndexTable returns the table of the index SQL sees under name:
// not a keyless table's hidden key, nor an index the engine made for a
// foreign key.
func (s *Session) visibleIndexTable(tx *engine.Tx, name string) (string, bool) {
	table, ok := indexTable(tx, name)
	if !ok {
		return "", false
	}
	ts, err := s.schemaOf(tx, table)
	if err != nil {
		return "", false
	}
	if name == pkName(ts.def) {
		return table, ts.hasKey()
	}
	return table, !s.implicitIndex(tx, table, name)
}
