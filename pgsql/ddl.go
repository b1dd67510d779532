package pgsql

import (
	"errors"
	"maps"
	"slices"
	"strings"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// tableName returns the unqualified name of a table in the public schema.
func tableName(q ir.QualName) (string, error) {
	if q.Schema == "pg_catalog" || q.Schema == "information_schema" {
		if err := catalogWriteError(q); err != nil {
			return "", err
		}
	}
	if q.Schema != "" && q.Schema != "public" {
		return "", pgerr.Unsupported("schema " + q.Schema)
	}
	return q.Name, nil
}

// exists reports whether SQL sees a table named table in tx: reldb's own
// tables it never sees (reservedName).
func exists(tx *engine.Tx, table string) bool {
	if reservedName(table) {
		return false
	}
	_, err := tx.Table(table)
	return err == nil
}

// createTable is CREATE TABLE: an engine table whose primary key is the
// SQL one, a unique index per UNIQUE constraint (named <table>_<cols>_key,
// as PostgreSQL names it), and an engine relation per foreign key (named
// as PostgreSQL names the constraint, <table>_<cols>_fkey). The Go API
// sees the relation under two names: the parent as the referencing column
// without its _id suffix (author_id: "author"; otherwise the constraint
// name), the children as the child table's name.
func (s *Session) createTable(tx *engine.Tx, st *ir.CreateTable) (Result, error) {
	res := Result{Tag: "CREATE TABLE"}
	name, err := tableName(st.Table)
	if err != nil {
		return res, err
	}
	if taken, err := s.claimRelation(tx, name, st.IfNotExists); taken || err != nil { // enum.go
		return res, err
	}
	st, domains := s.withDomains(st) // domain.go
	t := engine.Table{Name: name}
	types := make(map[string]sqlType, len(st.Columns))
	var cons []ir.Constraint
	var serial []string
	var seqOpts map[string]*ir.SequenceOptions // identity columns' sequence options
	var defaults map[string]ir.Expr
	var identity map[string]identityKind
	var generated map[string]ir.Expr
	for _, cd := range st.Columns {
		if err := systemColumnError(cd.Name); err != nil {
			return res, err
		}
		if _, dup := types[cd.Name]; dup {
			return res, &Error{Code: pgerr.DuplicateColumn, Message: `column "` + cd.Name + `" specified more than once`}
		}
		typ, err := s.columnTypeOf(cd.Type) // enum.go
		if err != nil {
			return res, err
		}
		types[cd.Name] = typ
		if cd.Generated != nil {
			if err := generationConflict(cd, name); err != nil {
				return res, err
			}
			if generated == nil {
				generated = map[string]ir.Expr{}
			}
			generated[cd.Name] = cd.Generated
		}
		col := engine.Column{Name: cd.Name, Type: typ.engineType(), NotNull: cd.NotNull, Precision: typ.enginePrec(), Scale: typ.engineScale()}
		if cd.Identity != nil {
			if k := identityOf(cd); k != 0 {
				if identity == nil {
					identity = map[string]identityKind{}
				}
				identity[cd.Name] = k
			}
			col.AutoIncrement = true
			serial = append(serial, cd.Name)
			if cd.Identity.Options != nil {
				if seqOpts == nil {
					seqOpts = map[string]*ir.SequenceOptions{}
				}
				seqOpts[cd.Name] = cd.Identity.Options
			}
		}
		switch {
		case cd.Default != nil && volatile(cd.Default):
			if err := s.checkDefault(tx, cd.Name, cd.Default, typ); err != nil {
				return res, err
			}
			if defaults == nil {
				defaults = map[string]ir.Expr{}
			}
			defaults[cd.Name] = cd.Default
		case cd.Default != nil:
			v, err := constantDefault(s, cd.Default, typ)
			if err != nil {
				return res, err
			}
			col.Default = v
		}
		t.Columns = append(t.Columns, col)
		cons = append(cons, cd.Constraints...)
	}
	cons = append(cons, st.Constraints...)
	var fks []ir.Constraint
	defs := map[string]*indexDecl{} // INCLUDE and WITH of the keys' indexes (exprindex.go)
	var pkDef *indexDecl
	for _, k := range cons {
		for _, c := range k.Columns {
			if _, ok := types[c]; !ok {
				return res, pgerr.UndefinedColumnError(c)
			}
		}
		if err := repeatedColumn(k); err != nil {
			return res, err
		}
		switch k.Kind {
		case ir.PrimaryKey:
			if t.PrimaryKey != nil {
				return res, &Error{Code: pgerr.InvalidTableDefinition, Message: `multiple primary keys for table "` + name + `" are not allowed`}
			}
			if k.Deferrable {
				return res, pgerr.Unsupported("DEFERRABLE PRIMARY KEY")
			}
			t.PrimaryKey, t.PrimaryKeyName = k.Columns, k.Name
			if pkDef, err = constraintIndexDecl(k, func(c string) bool { _, ok := types[c]; return ok }); err != nil {
				return res, err
			}
		case ir.Unique:
			if k.Deferrable || k.NullsNotDistinct {
				return res, pgerr.Unsupported(strings.TrimSpace(k.String()))
			}
			ixName := k.Name
			if ixName == "" {
				ixName = constraintIndexName(name, k)
			}
			t.Indexes = append(t.Indexes, engine.Index{Name: ixName, Columns: k.Columns, Unique: true})
			def, err := constraintIndexDecl(k, func(c string) bool { _, ok := types[c]; return ok })
			if err != nil {
				return res, err
			}
			if def != nil {
				defs[ixName] = def
			}
		case ir.ForeignKey:
			fks = append(fks, k)
		}
	}
	if err := keyTypes(t.PrimaryKey, types); err != nil {
		return res, err
	}
	for _, ix := range t.Indexes {
		if err := keyTypes(ix.Columns, types); err != nil {
			return res, err
		}
	}
	for _, c := range serial {
		if slices.Equal(t.PrimaryKey, []string{c}) && seqOpts[c] == nil {
			continue // the engine's sequence
		}
		i := slices.IndexFunc(t.Columns, func(col engine.Column) bool { return col.Name == c })
		t.Columns[i].AutoIncrement = false
		e, err := s.declareSerial(tx, name, c, types[c], seqOpts[c]) // serial.go
		if err != nil {
			return res, err
		}
		if defaults == nil {
			defaults = map[string]ir.Expr{}
		}
		defaults[c] = e
	}
	for i := range t.Columns {
		if slices.Contains(t.PrimaryKey, t.Columns[i].Name) {
			t.Columns[i].NotNull = true
		}
	}
	if t.PrimaryKey == nil {
		// The engine needs a key: the hidden row identity (schema.go).
		t.Columns = append(t.Columns, engine.Column{Name: rowIDColumn, Type: engine.Int, NotNull: true, AutoIncrement: true})
		t.PrimaryKey = []string{rowIDColumn}
	}
	// A unique constraint on exactly the primary key's columns adds
	// nothing the key does not already enforce.
	t.Indexes = slices.DeleteFunc(t.Indexes, func(ix engine.Index) bool { return slices.Equal(ix.Columns, t.PrimaryKey) })
	taken := []string{pkName(t)}
	for _, ix := range t.Indexes {
		taken = append(taken, ix.Name)
	}
	for _, k := range fks {
		taken = append(taken, k.Name)
	}
	checks, err := tableChecks(name, cons, taken)
	if err != nil {
		return res, err
	}
	if err := tx.CreateTable(t); err != nil {
		return res, err
	}
	indexes := map[string]indexOrigin{}
	var indexDefs map[string]*indexDecl
	for _, ix := range t.Indexes {
		indexes[ix.Name] = byConstraint
		if d := defs[ix.Name]; d != nil {
			if indexDefs == nil {
				indexDefs = map[string]*indexDecl{}
			}
			indexDefs[ix.Name] = d
		}
	}
	if pkDef != nil && t.PrimaryKey[0] != rowIDColumn {
		if indexDefs == nil {
			indexDefs = map[string]*indexDecl{}
		}
		indexDefs[pkName(t)] = pkDef
	}
	s.setDecl(name, &tableDecl{types: types, checks: checks, defaults: defaults, indexes: indexes, identity: identity, generated: generated, indexDefs: indexDefs, domains: domains})
	s.applyDefaultACL(tx, name) // role_default.go
	ts, err := s.schemaOf(tx, name)
	if err != nil {
		return res, err
	}
	if err := validateChecks(s, ts, checks); err != nil {
		return res, err
	}
	for i, e := range ts.generated {
		if e != nil {
			if err := s.checkGeneration(ts, i, e); err != nil { // generated.go
				return res, err
			}
		}
	}
	for _, k := range fks {
		if err := s.createRelation(tx, name, t, k); err != nil {
			return res, err
		}
	}
	return res, nil
}

// createRelation declares a foreign key of table child as an engine
// relation.
func (s *Session) createRelation(tx *engine.Tx, child string, t engine.Table, k ir.Constraint) error {
	fk := k.ForeignKey
	parent, err := tableName(fk.RefTable)
	if err != nil {
		return err
	}
	if parent != child && !exists(tx, parent) {
		if _, _, ok := s.viewNamed(tx, fk.RefTable); ok {
			return &Error{Code: "42809", Message: `referenced relation "` + parent + `" is not a table`}
		}
		return pgerr.UndefinedTableError(parent)
	}
	if err := s.checkReferences(tx, parent, child, t, k); err != nil {
		return err
	}
	if fk.OnDelete == ir.SetNull || fk.OnUpdate == ir.SetNull {
		for _, c := range t.Columns {
			if c.NotNull && slices.Contains(k.Columns, c.Name) {
				return pgerr.Unsupported("SET NULL action on NOT NULL column " + c.Name)
			}
		}
	}
	r := engine.Relation{
		Name: k.Name, Kind: engine.OneToMany, Child: child, Columns: k.Columns,
		Parent: parent, References: fk.RefColumns,
		OnDelete: action(fk.OnDelete), OnUpdate: action(fk.OnUpdate), SetColumns: fk.OnDeleteColumns,
		Deferrable: k.Deferrable, InitiallyDeferred: k.InitiallyDeferred,
		ChildrenAs: child,
	}
	if fk.Match == ir.MatchFull {
		r.Match = engine.MatchFull
	}
	r.ParentAs = k.Name
	if r.ParentAs == "" {
		r.ParentAs = child + "_" + strings.Join(k.Columns, "_") + "_fkey"
	}
	if len(k.Columns) == 1 && strings.HasSuffix(k.Columns[0], "_id") && len(k.Columns[0]) > 3 {
		r.ParentAs = strings.TrimSuffix(k.Columns[0], "_id")
	}
	for _, name := range slices.Sorted(maps.Keys(s.decl(child).indexDefs)) {
		// The engine's action would change a column the index's hidden
		// columns are computed from, without SQL (exprindex.go).
		if c := staleIndexColumn(child, s.decl(child).indexDefs[name], []engine.Relation{r}); c != "" {
			return pgerr.Unsupported("foreign key action changing column " + c + ", which index " + name + " computes from")
		}
	}
	if err := tx.CreateRelation(r); err != nil {
		if errors.Is(err, engine.ErrSchema) {
			return &Error{Code: "42830", Message: err.Error()}
		}
		return err
	}
	return nil
}

// checkReferences reports the errors PostgreSQL reports for a foreign
// key's columns before the engine sees it: 42703 for a referenced column
// that does not exist, 42804 for columns of different types.
func (s *Session) checkReferences(tx *engine.Tx, parent, child string, t engine.Table, k ir.Constraint) error {
	pdef := t
	if parent != child {
		ts, err := s.schemaOf(tx, parent)
		if err != nil {
			return err
		}
		pdef = ts.def
	}
	pcols, pkey := pdef.Columns, pdef.PrimaryKey
	if _, hidden := rowIdentity(pdef); hidden {
		pcols = slices.DeleteFunc(slices.Clone(pcols), func(c engine.Column) bool { return c.Name == rowIDColumn })
		pkey = nil
	}
	refs := k.ForeignKey.RefColumns
	if len(refs) == 0 {
		if pkey == nil {
			return &Error{Code: pgerr.UndefinedObject, Message: `there is no primary key for referenced table "` + parent + `"`}
		}
		refs = pkey
	}
	if len(refs) != len(k.Columns) {
		return &Error{Code: "42830", Message: "number of referencing and referenced columns for foreign key disagree"}
	}
	for i, r := range refs {
		j := slices.IndexFunc(pcols, func(c engine.Column) bool { return c.Name == r })
		if j < 0 {
			return pgerr.UndefinedColumnError(r)
		}
		c := slices.IndexFunc(t.Columns, func(c engine.Column) bool { return c.Name == k.Columns[i] })
		if t.Columns[c].Type != pcols[j].Type {
			return &Error{Code: pgerr.DatatypeMismatch, Message: `foreign key constraint cannot be implemented`,
				Detail: `Key columns "` + k.Columns[i] + `" and "` + r + `" are of incompatible types.`}
		}
	}
	return nil
}

func action(a ir.RefAction) engine.Action {
	switch a {
	case ir.Restrict:
		return engine.Restrict
	case ir.Cascade:
		return engine.Cascade
	case ir.SetNull:
		return engine.SetNull
	case ir.SetDefault:
		return engine.SetDefault
	}
	return engine.NoAction
}

// constantDefault evaluates a DEFAULT expression, which must be constant
// in this slice, as a value of the column's type.
func constantDefault(s *Session, e ir.Expr, typ sqlType) (any, error) {
	ev := &evaluator{types: s} // the session resolves an enum type's name (enum.go)
	v, t, err := ev.eval(e)
	if err != nil {
		if pgerr.Code(err) == pgerr.FeatureNotSupported {
			return nil, pgerr.Unsupported("DEFAULT " + e.String())
		}
		return nil, err
	}
	v, err = cast(v, t, typ, false /* explicit */)
	return storedValue(typ, v), err
}

// createIndex is CREATE [UNIQUE] INDEX over columns or expressions, with
// INCLUDE, WITH and WHERE (exprindex.go). An unnamed index is named
// <table>_<cols>_idx (_key when unique), as PostgreSQL names it.
func (s *Session) createIndex(tx *engine.Tx, st *ir.CreateIndex) (Result, error) {
	res := Result{Tag: "CREATE INDEX"}
	table, err := tableName(st.Table)
	if err != nil {
		return res, err
	}
	ts, err := s.schemaOf(tx, table)
	if err != nil {
		return res, err
	}
	if st.NullsNotDistinct {
		return res, pgerr.Unsupported("NULLS NOT DISTINCT")
	}
	def, cols, names, err := s.indexSpec(ts, st) // exprindex.go
	if err != nil {
		return res, err
	}
	ix := engine.Index{Name: st.Name, Unique: st.Unique, Columns: cols}
	named := ix.Name != ""
	if !named {
		suffix := "_idx"
		if st.Unique {
			suffix = "_key"
		}
		base := table + "_" + strings.Join(names, "_") + suffix
		ix.Name = base
		for i := 1; indexExists(tx, ix.Name) && (def != nil || !s.adoptable(tx, table, ix)) && !s.isImplicit(tx, ix.Name) ||
			def != nil && s.relationExists(tx, ix.Name); i++ {
			ix.Name = base + itoa(i)
		}
	}
	if def == nil && s.adoptable(tx, table, ix) {
		s.declareIndex(table, ix.Name, byAdoption)
		return res, nil
	}
	if err := s.vacateImplicit(tx, ix.Name); err != nil {
		return res, err
	}
	if named && s.relationExists(tx, ix.Name) {
		if st.IfNotExists {
			return res, nil
		}
		return res, pgerr.DuplicateTableError(ix.Name)
	}
	if def != nil && def.derived() {
		return res, s.createDerivedIndex(tx, table, ix.Name, st.Unique, def)
	}
	if err := tx.CreateIndex(table, ix); err != nil {
		return res, createIndexError(err, ix.Name)
	}
	s.declareIndex(table, ix.Name, byCreateIndex)
	s.declareIndexDef(table, ix.Name, def) // or forget one a dropped index left
	return res, s.dropCoveredImplicit(tx, table, ix)
}

// dropCoveredImplicit drops the indexes the engine made for foreign keys
// of table that ix, just created, makes redundant: those whose columns
// start ix's. The engine moves their relations to ix (or another index
// that starts with their columns), so the table keeps one tree where
// PostgreSQL has one index, instead of two holding the same entries: a
// schema that declares its foreign keys' indexes, as PostgreSQL needs it
// to, costs no more than one whose engine made them.
func (s *Session) dropCoveredImplicit(tx *engine.Tx, table string, ix engine.Index) error {
	def, err := tx.Table(table)
	if err != nil {
		return err
	}
	rels, err := tx.Relations(table)
	if err != nil {
		return err
	}
	for _, x := range def.Indexes {
		if x.Name == ix.Name || x.Unique || !s.implicitIndex(tx, table, x.Name) ||
			len(x.Columns) > len(ix.Columns) || !slices.Equal(x.Columns, ix.Columns[:len(x.Columns)]) {
			continue
		}
		if !slices.ContainsFunc(rels, func(r engine.Relation) bool {
			return r.Child == table && len(r.Columns) <= len(x.Columns) && slices.Equal(r.Columns, x.Columns[:len(r.Columns)])
		}) {
			continue // not one the engine made for a foreign key
		}
		if err := tx.DropIndex(table, x.Name); err != nil && !errors.Is(err, engine.ErrSchema) {
			return err
		}
	}
	return nil
}

// adoptable reports whether ix names an index the engine made for a
// foreign key of table, on the same columns: CREATE INDEX then takes it
// over instead of failing, since in PostgreSQL it would not exist.
func (s *Session) adoptable(tx *engine.Tx, table string, ix engine.Index) bool {
	if !s.implicitIndex(tx, table, ix.Name) {
		return false
	}
	def, err := tx.Table(table)
	if err != nil {
		return false
	}
	for _, have := range def.Indexes {
		if have.Name == ix.Name {
			return have.Unique == ix.Unique && slices.Equal(have.Columns, ix.Columns)
		}
	}
	return false
}

// implicitIndex reports whether the index name of table is one SQL does
// not see: a table made in SQL, an index SQL did not declare, which is not
// the table's primary key.
func (s *Session) implicitIndex(tx *engine.Tx, table, name string) bool {
	td := s.decl(table)
	if td.types == nil || name == table+"_pkey" {
		return false
	}
	if def, err := tx.Table(table); err == nil && name == pkName(def) {
		return false
	}
	_, declared := td.indexes[name]
	return !declared
}

// isImplicit reports whether name is an index the engine made for a
// foreign key, on whichever table.
func (s *Session) isImplicit(tx *engine.Tx, name string) bool {
	table, ok := indexTable(tx, name)
	return ok && s.implicitIndex(tx, table, name)
}

// vacateImplicit renames the index the engine made for a foreign key
// under name, if there is one, to a name no relation has: SQL never sees
// such an index, and in PostgreSQL, which makes none, the name is free
// for an index or constraint of the user's.
func (s *Session) vacateImplicit(tx *engine.Tx, name string) error {
	table, ok := indexTable(tx, name)
	if !ok || !s.implicitIndex(tx, table, name) {
		return nil
	}
	free := name + "1"
	for i := 2; indexExists(tx, free) || s.relationExists(tx, free); i++ {
		free = name + itoa(i)
	}
	return tx.RenameIndex(table, name, free)
}

// implicitIndexName is the name the engine gives the index it makes for a
// foreign key of table over cols.
func implicitIndexName(table string, cols []string) string {
	return table + "_" + strings.Join(cols, "_") + "_idx"
}

// repeatedColumn is 42701 for a PRIMARY KEY or UNIQUE constraint that
// names a column twice.
func repeatedColumn(k ir.Constraint) error {
	what := "primary key"
	switch k.Kind {
	case ir.PrimaryKey:
	case ir.Unique:
		what = "unique"
	default:
		return nil
	}
	for i, c := range k.Columns {
		if slices.Contains(k.Columns[:i], c) {
			return &Error{Code: pgerr.DuplicateColumn, Message: `column "` + c + `" appears twice in ` + what + ` constraint`}
		}
	}
	return nil
}

// indexTable returns the table that has the index named name.
func indexTable(tx *engine.Tx, name string) (string, bool) {
	tables, err := tx.Tables()
	if err != nil {
		return "", false
	}
	for _, t := range tables {
		if pkName(t) == name {
			return t.Name, true
		}
		for _, ix := range t.Indexes {
			if ix.Name == name {
				return t.Name, true
			}
		}
	}
	return "", false
}

func indexExists(tx *engine.Tx, name string) bool {
	_, ok := indexTable(tx, name)
	return ok
}

// drop is DROP TABLE and DROP INDEX. Tables named together are dropped
// together, so one may reference another; a table still referenced from
// outside the list is 2BP01 unless CASCADE drops its foreign keys; DROP
// INDEX CASCADE is 0A000 in this slice.
func (s *Session) drop(tx *engine.Tx, st *ir.Drop) (Result, error) {
	switch st.Kind {
	case ir.ObjectTable:
		return s.dropTables(tx, st)
	case ir.ObjectView:
		return s.dropViews(tx, st) // view.go
	case ir.ObjectSequence:
		return s.dropSequences(tx, st) // sequence.go
	case ir.ObjectType:
		return s.dropTypes(tx, st) // enum.go
	case ir.ObjectDomain:
		return s.dropDomains(tx, st) // domain.go
	case ir.ObjectIndex:
		res := Result{Tag: "DROP INDEX"}
		if st.Cascade {
			return res, pgerr.Unsupported("DROP INDEX CASCADE")
		}
		for _, q := range st.Names {
			name, err := tableName(q)
			if err != nil {
				return res, err
			}
			table, ok := indexTable(tx, name)
			if ok && s.implicitIndex(tx, table, name) {
				ok = false
			}
			if _, _, view := s.viewNamed(tx, q); !ok && view {
				return res, &Error{Code: "42809", Message: `"` + name + `" is not an index`, Hint: "Use DROP VIEW to remove a view."}
			}
			if !ok {
				if st.IfExists {
					continue
				}
				return res, &Error{Code: pgerr.UndefinedObject, Message: `index "` + name + `" does not exist`}
			}
			if err := tx.DropIndex(table, name); err != nil {
				if errors.Is(err, engine.ErrSchema) && s.decl(table).indexes[name] == byAdoption {
					// The foreign key still needs it: SQL forgets it
					// instead, as if it were dropped.
					s.declareIndex(table, name, 0)
					continue
				}
				if errors.Is(err, engine.ErrSchema) && s.decl(table).indexes[name] == byCreateIndex {
					if hid, herr := s.hideChildIndex(tx, table, name); herr != nil || hid {
						if herr != nil {
							return res, herr
						}
						continue
					}
				}
				if errors.Is(err, engine.ErrSchema) {
					return res, &Error{Code: "2BP01", Message: "cannot drop index " + name + " because other objects depend on it"}
				}
				return res, err
			}
			s.declareIndex(table, name, 0)
			if err := s.dropIndexDef(tx, table, name); err != nil { // exprindex.go
				return res, err
			}
		}
		return res, nil
	}
	return Result{}, pgerr.Unsupported("DROP " + st.Kind.String())
}

// hideChildIndex is DROP INDEX of an index declared by CREATE INDEX that
// the engine keeps because a foreign key of table finds its rows by it
// (it took the place of the index the engine made, dropCoveredImplicit).
// PostgreSQL drops it; reldb renames it to a name of its own, as the
// index it made for the foreign key would be named, and SQL forgets it,
// so that the name is free again. It reports false, changing nothing,
// for an index a foreign key references (its parent side), which
// PostgreSQL refuses to drop too.
func (s *Session) hideChildIndex(tx *engine.Tx, table, name string) (bool, error) {
	def, err := tx.Table(table)
	if err != nil {
		return false, err
	}
	i := slices.IndexFunc(def.Indexes, func(ix engine.Index) bool { return ix.Name == name })
	if i < 0 {
		return false, nil
	}
	ix := def.Indexes[i]
	rels, err := tx.Relations(table)
	if err != nil {
		return false, err
	}
	if ix.Unique && slices.ContainsFunc(rels, func(r engine.Relation) bool {
		return r.Parent == table && slices.Equal(r.References, ix.Columns)
	}) {
		return false, nil
	}
	j := slices.IndexFunc(rels, func(r engine.Relation) bool {
		return r.Child == table && len(r.Columns) <= len(ix.Columns) && slices.Equal(r.Columns, ix.Columns[:len(r.Columns)])
	})
	if j < 0 {
		return false, nil
	}
	base := implicitIndexName(table, rels[j].Columns)
	hidden := base
	for i := 1; indexExists(tx, hidden) || s.relationExists(tx, hidden); i++ {
		hidden = base + itoa(i)
	}
	if err := tx.RenameIndex(table, name, hidden); err != nil {
		return false, err
	}
	s.declareIndex(table, name, 0)
	return true, nil
}

func (s *Session) dropTables(tx *engine.Tx, st *ir.Drop) (Result, error) {
	res := Result{Tag: "DROP TABLE"}
	var names []string
	for _, q := range st.Names {
		name, err := tableName(q)
		if err != nil {
			return res, err
		}
		if !exists(tx, name) {
			if _, _, view := s.viewNamed(tx, q); view {
				return res, &Error{Code: "42809", Message: `"` + name + `" is not a table`, Hint: "Use DROP VIEW to remove a view."}
			}
			if s.isSequence(tx, name) {
				return res, &Error{Code: "42809", Message: `"` + name + `" is not a table`, Hint: "Use DROP SEQUENCE to remove a sequence."}
			}
			if st.IfExists {
				continue
			}
			return res, pgerr.UndefinedTableError(name)
		}
		names = append(names, name)
	}
	if err := s.dropDependentViews(tx, names, st.Cascade); err != nil {
		return res, err
	}
	if st.Cascade {
		// CASCADE drops the foreign keys of other tables that reference
		// these (PostgreSQL's only dependents of a table here).
		rels, err := tx.Relations("")
		if err != nil {
			return res, err
		}
		for _, r := range rels {
			if slices.Contains(names, r.Parent) && !slices.Contains(names, r.Child) {
				if err := tx.DropRelation(r.Name); err != nil {
					return res, err
				}
			}
		}
	}
	// Drop children before their parents: retry the refused ones while
	// dropping others makes progress.
	for len(names) > 0 {
		var refused []string
		var last error
		for _, n := range names {
			if err := tx.DropTable(n); err != nil {
				if !errors.Is(err, engine.ErrSchema) {
					return res, err
				}
				refused, last = append(refused, n), err
			}
		}
		if len(refused) == len(names) {
			return res, &Error{Code: "2BP01", Message: "cannot drop table " + refused[0] + " because other objects depend on it",
				Detail: last.Error(), Hint: "Use DROP ... CASCADE to drop the dependent objects too."}
		}
		names = refused
	}
	for _, n := range st.Names {
		s.dropOwnedSequences(tx, n.Name, "")
		if td := s.decl(n.Name); td.triggers != nil {
			// The table's triggers go with it (trigger.go).
			c := *td
			c.triggers = nil
			s.setDecl(n.Name, &c)
		}
	}
	return res, nil
}
