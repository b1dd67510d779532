package pgsql

import (
	"hash/fnv"
	"slices"
	"strings"
	"sync"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// The catalog is read-only: pg_catalog's tables and views and
// information_schema's views, as virtual relations computed from the
// engine's schema (tx.Tables, tx.Relations) and the SQL layer's
// declarations (schema.go) each time a query names one, so that they
// describe the database as the query's transaction sees it. A name
// resolves to one when it is qualified pg_catalog.x or
// information_schema.x, or when it is an unqualified pg_catalog name, as
// PostgreSQL's search_path puts pg_catalog first. A WITH query of the same
// name wins, as in PostgreSQL.
//
// The catalogs describe the database's own objects (schema public: its
// tables, their columns, indexes, constraints, serial sequences and row
// types), the built-in types of this slice and the three schemas; they do
// not describe themselves (pg_class has no row for pg_class). Object
// identifiers are stable: a hash of the object's kind and name, above
// PostgreSQL's first user OID (16384), so a table keeps its oid across
// queries and sessions but a renamed one gets a new oid.
//
// Column types: oid and the reg* types are bigint; name, sql_identifier,
// "char", pg_node_tree and the other text-like types are text; arrays
// (oid[], int2vector, text[]) are one-dimensional arrays of their element
// type, which ANY reads and the wire sends as arrays.

// The fixed OIDs of the schemas and of the bootstrap role, as PostgreSQL 15
// numbers them (information_schema's varies between installations).
const (
	oidPgCatalog         int64 = 11
	oidPublic            int64 = 2200
	oidInformationSchema int64 = 13207
	oidOwner             int64 = 10
	oidHeap              int64 = 2
	oidBtree             int64 = 403
	firstUserOID         int64 = 16384
)

// objectOID returns the stable OID of a database object of a kind ("r"
// table, "i" index, "S" sequence, "c" constraint, "t" row type) named
// name.
func objectOID(kind, name string) int64 {
	h := fnv.New32a()
	h.Write([]byte(kind))
	h.Write([]byte{0})
	h.Write([]byte(name))
	return firstUserOID + int64(h.Sum32())%(1<<31-firstUserOID)
}

// databaseInfo is what the catalog knows of the server a DB is served by:
// its name and the names of its sibling databases. pgwire sets it
// (SetDatabaseInfo); a DB used alone is "reldb".
type databaseInfo struct {
	mu        sync.Mutex
	name      string
	databases func() []string
}

type databaseInfoKey struct{}

func databaseInfoOf(db *engine.DB) *databaseInfo {
	return db.Extension(databaseInfoKey{}, func() any { return &databaseInfo{name: "reldb"} }).(*databaseInfo)
}

// SetDatabaseInfo tells the catalog the name db goes by
// (current_database(), pg_database, information_schema's catalog columns)
// and how to list the databases of its server for pg_database (nil: db
// alone). A server calls it when a session opens on db.
func SetDatabaseInfo(db *engine.DB, name string, databases func() []string) {
	info := databaseInfoOf(db)
	info.mu.Lock()
	defer info.mu.Unlock()
	info.name, info.databases = name, databases
}

func (info *databaseInfo) get() (string, []string) {
	info.mu.Lock()
	defer info.mu.Unlock()
	names := []string{info.name}
	if info.databases != nil {
		names = info.databases()
		if !slices.Contains(names, info.name) {
			names = append(names, info.name)
		}
	}
	slices.Sort(names)
	return info.name, names
}

// catalogColumn is a column of a catalog relation.
type catalogColumn struct {
	name string
	typ  sqlType
}

// catalogRelation is one relation of pg_catalog or information_schema.
type catalogRelation struct {
	schema, name string
	columns      []catalogColumn
	index        map[string]int
	// rows computes the relation's rows, each a map from column name to
	// value (absent: NULL); nil makes an empty relation.
	rows func(c *catalogSnapshot) []map[string]any
}

var (
	catalogOnce      sync.Once
	catalogRelations map[ir.QualName]*catalogRelation
)

// catalogRelationNamed returns the catalog relation q names: ok is false
// when q names none (a user table, maybe), and err is 42P01 for a
// qualified name in a catalog schema that has no such relation.
func catalogRelationNamed(q ir.QualName) (*catalogRelation, bool, error) {
	catalogOnce.Do(buildCatalogRelations)
	switch q.Schema {
	case "":
		rel, ok := catalogRelations[ir.QualName{Schema: "pg_catalog", Name: q.Name}]
		return rel, ok, nil
	case "pg_catalog", "information_schema":
		if rel, ok := catalogRelations[q]; ok {
			return rel, true, nil
		}
		return nil, false, pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", q.Schema+"."+q.Name)
	}
	return nil, false, nil
}

func buildCatalogRelations() {
	catalogRelations = map[ir.QualName]*catalogRelation{}
	for _, spec := range catalogSpecs {
		rel := &catalogRelation{schema: spec.schema, name: spec.name, index: map[string]int{}}
		for i, c := range strings.Split(spec.columns, ",") {
			name, typ, _ := strings.Cut(c, ":")
			rel.columns = append(rel.columns, catalogColumn{name: name, typ: catalogColumnType(typ)})
			rel.index[name] = i
		}
		rel.rows = catalogRows[spec.schema+"."+spec.name]
		catalogRelations[ir.QualName{Schema: spec.schema, Name: spec.name}] = rel
	}
}

// catalogColumnType maps a PostgreSQL catalog column type onto reldb's.
func catalogColumnType(name string) sqlType {
	array := strings.HasSuffix(name, "[]") || name == "int2vector" || name == "oidvector"
	base := strings.TrimSuffix(name, "[]")
	var t sqlType
	switch base {
	case "oid", "regproc", "regtype", "regclass", "xid", "oidvector", "bigint":
		t = typInt8
	case "integer", "cardinal_number":
		t = typInt4
	case "smallint", "int2vector":
		t = sqlType{kind: kInt2}
	case "boolean":
		t = typBool
	case "real":
		t = sqlType{kind: kFloat4}
	case "timestamp with time zone":
		t = typTimestamptz
	case "bytea":
		t = sqlType{kind: kBytea}
	default: // name, text, "char", sql_identifier, character_data, yes_or_no, pg_node_tree, aclitem, anyarray
		t = typText
	}
	if base == "regproc" {
		t = typText
	}
	t.array = array
	t.vector = name == "int2vector" || name == "oidvector"
	return t
}

// isCatalog reports whether ref names a catalog relation (and not a WITH
// query).
func isCatalog(ev *evaluator, ref *ir.TableRef) bool {
	if isCTE(ev, ref) {
		return false
	}
	_, ok, err := catalogRelationNamed(ref.Table)
	return ok || err != nil
}

// catalogSource reads the catalog relation ref names.
func (s *Session) catalogSource(tx *engine.Tx, ref *ir.TableRef) (*source, bool, error) {
	rel, ok, err := catalogRelationNamed(ref.Table)
	if err != nil {
		return nil, true, err
	}
	if !ok {
		return nil, false, nil
	}
	res := Result{Columns: make([]Column, len(rel.columns))}
	for i, c := range rel.columns {
		res.Columns[i] = Column{Name: c.name, typ: c.typ}
	}
	if rel.rows != nil {
		snap, err := s.catalogSnapshot(tx)
		if err != nil {
			return nil, true, err
		}
		for _, m := range rel.rows(snap) {
			row := make([]any, len(rel.columns))
			for k, v := range m {
				i, ok := rel.index[k]
				if !ok {
					panic("reldb: catalog " + rel.name + " has no column " + k)
				}
				row[i] = v
			}
			res.Rows = append(res.Rows, row)
		}
	}
	ts, rows, err := derived(res, ref.Alias)
	if err != nil {
		return nil, true, err
	}
	alias := rel.name
	if ref.Alias != nil {
		alias = ref.Alias.Name
	}
	return &source{sc: newScope(ts, alias), rows: rows}, true, nil
}

// catalogWriteError is the error of a write to a catalog relation, as
// PostgreSQL reports it to a superuser: 42501 for a pg_catalog table, and
// for information_schema's views 55000 (they are not updatable).
func catalogWriteError(q ir.QualName) error {
	rel, ok, err := catalogRelationNamed(q)
	if err != nil || !ok {
		return err
	}
	if rel.schema == "information_schema" || catalogViews[rel.name] {
		e := pgerr.New("55000", "cannot change view %q", rel.name)
		e.Detail = "Views that do not select from a single table or view are not automatically updatable."
		return e
	}
	return pgerr.New("42501", "permission denied: %q is a system catalog", rel.name)
}

// catalogViews are the pg_catalog relations that are views in PostgreSQL.
var catalogViews = map[string]bool{"pg_indexes": true, "pg_tables": true, "pg_settings": true, "pg_roles": true,
	"pg_user": true, "pg_views": true, "pg_matviews": true, "pg_sequences": true}

// catalogSnapshot is the database's schema as the catalog shows it.
type catalogSnapshot struct {
	s         *Session
	db        string   // current_database()
	databases []string // pg_database
	tables    []*catalogTable
	views     []*catalogTable // view set, by name
	byOID     map[int64]*catalogTable
	byName    map[string]*catalogTable
	cons      []*catalogConstraint
	conByOID  map[int64]*catalogConstraint
	indexes   map[int64]*catalogIndex
	seqs      []*catalogSeq // by name
}

// catalogTable is a table with what the catalog says of it.
type catalogTable struct {
	oid     int64
	ts      *tableSchema
	decl    *tableDecl
	indexes []*catalogIndex // the primary key's first, then by name
	cons    []*catalogConstraint
	view    *viewDef // set for a view, which has no indexes or constraints
}

// relations returns the tables, then the views.
func (c *catalogSnapshot) relations() []*catalogTable {
	return append(slices.Clip(c.tables), c.views...)
}

func (t *catalogTable) name() string { return t.ts.def.Name }

// catalogIndex is an index SQL sees.
type catalogIndex struct {
	oid             int64
	name            string
	table           *catalogTable
	columns         []string
	unique, primary bool
	constraint      *catalogConstraint // the constraint it enforces, if any
	// def is the declaration of an index with expressions, a predicate,
	// INCLUDE, WITH or a sort order, nil for others; columns then are its
	// key's (an expression's hidden column, which has no attnum) and its
	// INCLUDE columns (exprindex.go).
	def *indexDecl
}

// keyColumns returns how many of ix's columns are its key's.
func (ix *catalogIndex) keyColumns() int {
	if ix.def != nil {
		return len(ix.def.elems)
	}
	return len(ix.columns)
}

// catalogConstraint is a table constraint: p, u, f or c.
type catalogConstraint struct {
	oid   int64
	name  string
	kind  string // contype
	table *catalogTable
	cols  []string
	index *catalogIndex    // p and u
	fk    *engine.Relation // f
	ref   *catalogTable    // f: the referenced table
	refs  []string         // f: the referenced columns
	check ir.Expr          // c
	// notValid is set for a CHECK or foreign key added NOT VALID and not
	// validated since.
	notValid bool
}

// catalogSnapshot reads the schema as tx sees it.
func (s *Session) catalogSnapshot(tx *engine.Tx) (*catalogSnapshot, error) {
	c := &catalogSnapshot{s: s, byOID: map[int64]*catalogTable{}, byName: map[string]*catalogTable{},
		conByOID: map[int64]*catalogConstraint{}, indexes: map[int64]*catalogIndex{}}
	c.db, c.databases = databaseInfoOf(s.db).get()
	defs, err := tx.Tables()
	if err != nil {
		return nil, err
	}
	slices.SortFunc(defs, func(a, b engine.Table) int { return strings.Compare(a.Name, b.Name) })
	for _, def := range defs {
		ts, err := s.schemaOf(tx, def.Name)
		if err != nil {
			return nil, err
		}
		ts = ts.visible()
		t := &catalogTable{oid: objectOID("r", def.Name), ts: ts, decl: s.decl(def.Name)}
		c.tables = append(c.tables, t)
		c.byOID[t.oid] = t
		c.byName[def.Name] = t
		if len(ts.def.PrimaryKey) > 0 {
			pk := &catalogIndex{name: pkName(ts.def), table: t, columns: ts.def.PrimaryKey, unique: true, primary: true}
			if d := t.decl.indexDefs[pk.name]; d != nil && slices.Equal(d.engineColumns(), ts.def.PrimaryKey) {
				pk.def = d
				pk.columns = append(slices.Clone(ts.def.PrimaryKey), d.include...)
			}
			t.indexes = append(t.indexes, pk)
			c.addConstraint(t, &catalogConstraint{name: pk.name, kind: "p", cols: ts.def.PrimaryKey, index: pk})
		}
		var named []*catalogIndex
		for _, ix := range def.Indexes {
			origin, declared := t.decl.indexes[ix.Name]
			if t.decl.types != nil && !declared {
				continue // an index the engine made for a foreign key
			}
			ci := &catalogIndex{name: ix.Name, table: t, columns: ix.Columns, unique: ix.Unique}
			if d := t.decl.indexDefs[ix.Name]; d != nil && d.describes(ix) {
				ci.def = d
				ci.columns = nil
				for _, e := range d.elems {
					ci.columns = append(ci.columns, e.column)
				}
				ci.columns = append(ci.columns, d.include...)
			}
			named = append(named, ci)
			if origin == byConstraint && ix.Unique {
				c.addConstraint(t, &catalogConstraint{name: ix.Name, kind: "u", cols: ix.Columns, index: ci})
			}
		}
		slices.SortFunc(named, func(a, b *catalogIndex) int { return strings.Compare(a.name, b.name) })
		t.indexes = append(t.indexes, named...)
		for _, ix := range t.indexes {
			ix.oid = objectOID("i", ix.name)
			c.indexes[ix.oid] = ix
		}
		for _, ch := range ts.checks {
			c.addConstraint(t, &catalogConstraint{name: ch.name, kind: "c", check: ch.expr})
		}
	}
	rels, err := tx.Relations("")
	if err != nil {
		return nil, err
	}
	for i := range rels {
		r := &rels[i]
		t, p := c.byName[r.Child], c.byName[r.Parent]
		if t == nil || p == nil {
			continue
		}
		refs := r.References
		if len(refs) == 0 {
			refs = p.ts.def.PrimaryKey
		}
		name := r.Name
		if name == "" {
			name = r.Child + "_" + strings.Join(r.Columns, "_") + "_fkey"
		}
		c.addConstraint(t, &catalogConstraint{name: name, kind: "f", cols: r.Columns, fk: r, ref: p, refs: refs})
	}
	for _, name := range s.viewNames(tx) {
		v, _, _ := s.viewNamed(tx, ir.QualName{Name: name})
		ts := &tableSchema{def: engine.Table{Name: name}, index: map[string]int{}}
		for i, col := range v.columns {
			ts.def.Columns = append(ts.def.Columns, engine.Column{Name: col.Name})
			ts.types = append(ts.types, col.typ)
			ts.index[col.Name] = i
		}
		t := &catalogTable{oid: objectOID("r", name), ts: ts, decl: s.decl(name), view: v}
		c.views = append(c.views, t)
		c.byOID[t.oid] = t
		c.byName[name] = t
	}
	for _, t := range c.tables {
		slices.SortStableFunc(t.cons, func(a, b *catalogConstraint) int { return strings.Compare(a.name, b.name) })
	}
	c.seqs = s.catalogSequences(tx, c) // sequence_catalog.go
	return c, nil
}

func (c *catalogSnapshot) addConstraint(t *catalogTable, con *catalogConstraint) {
	con.table = t
	con.oid = objectOID("c", t.name()+"."+con.name)
	con.notValid = t.decl != nil && t.decl.notValid[con.name]
	if con.index != nil {
		con.index.constraint = con
	}
	t.cons = append(t.cons, con)
	c.cons = append(c.cons, con)
	c.conByOID[con.oid] = con
}

// attnum returns the position (from 1) of column name in t, or 0.
func (t *catalogTable) attnum(name string) int64 {
	if i, ok := t.ts.index[name]; ok {
		return int64(i + 1)
	}
	return 0
}

func (t *catalogTable) attnums(cols []string) []any {
	out := make([]any, len(cols))
	for i, col := range cols {
		out[i] = t.attnum(col)
	}
	return out
}
