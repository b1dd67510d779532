package pgsql

import (
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/parse"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// The engine stores a column's storage type (Int, Text, Time, ...), not
// the SQL type it was declared with (integer or bigint, varchar(20) or
// text, timestamp or timestamptz). The SQL layer keeps those declarations
// beside each DB, keyed by table and column; the engine's table stays the
// authority on what exists. Declarations change with the transactions
// that change them: a session keeps its transaction's changes apart
// (Session.declTx, restored by ROLLBACK TO) and publishes them when the
// transaction commits, so a CREATE TABLE or ALTER TABLE that rolls back
// leaves the declarations as they were. A durable DB also writes them,
// in the committing transaction, to an engine table of its own, from
// which they are read back when the DB is opened again (declstore.go).
// Columns declared through the Go
// API get the SQL type of their storage type (defaultType). CHECK
// constraints are kept the same way (check.go). DROP TABLE leaves the
// table's entry, which is harmless: it is consulted only for a table the
// engine has, and replaced when a table of that name is created again,
// except that a table the Go API creates under the name of a dropped SQL
// table inherits its checks when their columns still resolve.

// declarations are what the SQL layer knows of one DB's tables beyond
// the engine's definitions.
type declarations struct {
	mu     sync.Mutex            // guards tables
	tables map[string]*tableDecl // by table name
	// userFuncs counts the user functions among tables, so that a query
	// finds out whether it may call one without looking (userfunc.go).
	userFuncs atomic.Int64
	// gen counts the publishes that changed tables: what a session
	// remembers of them (Session.userCalls) holds while it stays.
	gen atomic.Uint64
	// durable says the DB is durable: commits write the declarations they
	// change into declTable (declstore.go).
	durable bool
	// err is set when the declarations could not be read back (XX001):
	// every statement fails with it.
	err *Error
}

// tableDecl is what CREATE TABLE declared of one table that the engine
// does not keep. It is replaced whole, never changed in place.
type tableDecl struct {
	types  map[string]sqlType // column -> declared type
	checks []check            // CHECK constraints, by name
	// defaults are the volatile DEFAULTs (clock, random), by column, evaluated
	// at each insert (constant ones are the engine column's Default).
	defaults map[string]ir.Expr
	// indexes are the table's indexes SQL declared, by name. The engine
	// also makes an index for each foreign key that has none; SQL does not
	// see those (PostgreSQL makes none), and CREATE INDEX of the same
	// columns under that name adopts it (Session.adoptable).
	indexes map[string]indexOrigin
	// comments are COMMENT ON's texts: the table's under "", a column's
	// under its name (comment.go).
	comments map[string]string
	// view is set when the name is a view's, which has nothing else but
	// comments (view.go).
	view *viewDef
	// seq is set when the name is a sequence's, which has nothing else
	// (sequence.go).
	seq *seqDef
	// identity marks the identity columns, GENERATED ALWAYS or BY
	// DEFAULT AS IDENTITY, by name (identity.go); a serial is none.
	identity map[string]identityKind
	// enum is set when the name is an enum type's, which has nothing else
	// (enum.go).
	enum *enumType
	// domain is set when the name is a domain's, which has nothing else;
	// domains names the domain of each column of a domain type, by
	// column (domain.go).
	domain  *domainType
	domains map[string]string
	// notValid names the CHECK and foreign-key constraints added NOT VALID
	// and not validated since (see alteration.markValidity).
	notValid map[string]bool
	// generated are the generation expressions of the generated columns,
	// by name (generated.go).
	generated map[string]ir.Expr
	// indexDefs declare the indexes that are more than a list of columns
	// (expressions, a predicate, INCLUDE, WITH, a sort order), by name
	// (exprindex.go).
	indexDefs map[string]*indexDecl
	// triggers are the table's triggers, in name order (trigger.go).
	triggers []triggerDef
	// function is set when the name is a trigger function's, which has
	// nothing else (trigger.go).
	function *funcDef
	// owner is the object's owner's OID, 0 for the bootstrap superuser,
	// and acl its access privileges, nil for the default (role_acl.go).
	owner int64
	acl   []aclItem
	// role is set when the name is a role's, and defACLs hold ALTER
	// DEFAULT PRIVILEGES' entries (role.go, role_default.go).
	role    *roleDef
	defACLs []defaultACLEntry
}

// indexOrigin is how SQL came to know an index.
type indexOrigin uint8

const (
	byConstraint  indexOrigin = iota + 1 // UNIQUE in CREATE TABLE
	byCreateIndex                        // CREATE INDEX
	byAdoption                           // CREATE INDEX of a foreign key's index
)

// parseCache is a DB's parse cache, shared by its sessions and by its
// forks: parsing depends on the text alone, so every fork of a test
// template starts with the statements the others parsed.
type parseCache struct{ *parse.Cache }

// Fork shares the cache with the fork.
func (c parseCache) Fork() any { return c }

type parseCacheKey struct{}

func parseCacheOf(db *engine.DB) *parse.Cache {
	return db.Extension(parseCacheKey{}, func() any { return parseCache{parse.NewCache(0)} }).(parseCache).Cache
}

// declsKey is the engine.DB extension key of the declarations.
type declsKey struct{}

// declsOf returns the declarations kept with db, reading them on first
// use from what a durable db stored (loadDecls); they live as long as db,
// and a fork of db (engine.DB.Fork) gets a copy.
func declsOf(db *engine.DB) *declarations {
	return db.Extension(declsKey{}, func() any { return loadDecls(db) }).(*declarations)
}

// Fork copies the declarations for a forked DB, sharing each table's
// (they are immutable). The fork is in memory: it keeps its declarations
// there and writes none.
func (d *declarations) Fork() any {
	d.mu.Lock()
	defer d.mu.Unlock()
	f := &declarations{tables: maps.Clone(d.tables), err: d.err}
	f.userFuncs.Store(d.userFuncs.Load())
	return f
}

// publish runs commit, which commits the transaction that made changes,
// and publishes changes (a nil declaration removes the table's) if it
// succeeds. Readers wait meanwhile, so that none sees the engine's new
// schema with the old declarations.
//
// A change made from a declaration that another transaction has replaced
// since (bases) would lose that transaction's change: the commit fails
// with 40001 instead, as the engine fails a write that lost such a race.
// (A durable DB's engine finds most of these first, on declTable's rows.)
func (d *declarations) publish(changes, bases map[string]*tableDecl, commit func() error) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	for table := range changes {
		if base, ok := bases[table]; ok && d.tables[table] != base {
			return pgerr.SerializationFailureError()
		}
	}
	if err := commit(); err != nil {
		return err
	}
	for table, td := range changes {
		if isUserFunction(table, d.tables[table]) {
			d.userFuncs.Add(-1)
		}
		if isUserFunction(table, td) {
			d.userFuncs.Add(1)
		}
		if td == nil {
			delete(d.tables, table)
		} else {
			d.tables[table] = td
		}
	}
	d.gen.Add(1)
	return nil
}

// published returns the published declaration of table, nil for none.
func (d *declarations) published(table string) *tableDecl {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.tables[table]
}

func (d *declarations) get(table string) *tableDecl {
	d.mu.Lock()
	defer d.mu.Unlock()
	if td := d.tables[table]; td != nil {
		return td
	}
	return noDecl
}

// noDecl is the declaration of a table SQL knows nothing of (the Go API
// made it): one shared value, never changed, so that it keys the
// session's schema cache (schemaKey) the same at every statement.
var noDecl = &tableDecl{}

// decl returns the declaration of table as the session's transaction sees
// it: its own changes, else the published declarations.
func (s *Session) decl(table string) *tableDecl {
	if td, ok := s.declTx[table]; ok {
		if td == nil {
			return noDecl
		}
		return td
	}
	return s.decls.get(table)
}

// setDecl replaces the declaration of table (nil removes it) in the
// session's transaction; commitTx publishes it.
func (s *Session) setDecl(table string, td *tableDecl) {
	if s.declTx == nil {
		s.declTx = map[string]*tableDecl{}
	}
	if _, pending := s.declTx[table]; !pending {
		if s.declBase == nil {
			s.declBase = map[string]*tableDecl{}
		}
		s.declBase[table] = s.decls.published(table)
	}
	s.declTx[table] = td
}

// commitTx commits tx, publishing the declarations its statements
// changed; a durable DB's are written into declTable in tx first, so that
// they commit with it or not at all. The caller rolls tx back on error.
func (s *Session) commitTx(tx *engine.Tx) error {
	if s.notes.pending.tx != nil {
		return s.commitNotifying(tx) // notify.go
	}
	return s.commitDecls(tx, nil)
}

// commitDecls is commitTx with commit, when not nil, committing tx.
func (s *Session) commitDecls(tx *engine.Tx, commit func() error) error {
	changes, bases := s.declTx, s.declBase
	s.declTx, s.declBase = nil, nil
	if len(changes) == 0 {
		if commit != nil {
			return commit()
		}
		return tx.Commit()
	}
	if commit == nil {
		commit = tx.Commit
	}
	if s.decls.durable {
		if err := storeDecls(tx, changes); err != nil {
			return err
		}
	}
	commitEnums(changes) // enum.go
	return s.decls.publish(changes, bases, commit)
}

// declareIndex records (origin != 0) or forgets (0) an index of an SQL
// table, replacing the table's declaration.
func (s *Session) declareIndex(table, name string, origin indexOrigin) {
	old := s.decl(table)
	if old.types == nil {
		return // a table the Go API made: every index is visible
	}
	td := *old
	td.indexes = maps.Clone(old.indexes)
	if td.indexes == nil {
		td.indexes = map[string]indexOrigin{}
	}
	if origin == 0 {
		delete(td.indexes, name)
	} else {
		td.indexes[name] = origin
	}
	s.setDecl(table, &td)
}

// tableSchema is what statements need of a table: its engine definition
// and each column's SQL type, in column order.
type tableSchema struct {
	def    engine.Table
	types  []sqlType
	index  map[string]int // column name -> position; never the row identity
	checks []check        // CHECK constraints, by name
	// domains are the columns' domains, by position; nil when the table
	// has no column of a domain type (domain.go).
	domains []*domainType
	// defaults are the volatile DEFAULTs (clock, random), by column position;
	// nil when the table has none.
	defaults []ir.Expr
	// pk are the positions of the primary key's columns.
	pk []int
	// hidden is 1 + the position of the table's hidden row identity
	// (rowIdentity), or 0 when its primary key is its own.
	hidden int
	// identity is each column's identityKind, by position; nil when the
	// table has no identity column.
	identity []identityKind
	// generated are the generation expressions of the generated columns
	// (generated.go), by position; nil when the table has none.
	generated []ir.Expr
	// derived are the expression and partial indexes whose hidden columns
	// writes compute; concealed marks those columns, by position, nil when
	// there are none (exprindex.go).
	derived   []derivedIndex
	concealed []bool
	// serialReads are the positions of the auto-increment columns the
	// derived indexes read.
	serialReads []int
	// indexDefs are the declarations of its indexes that have one.
	indexDefs map[string]*indexDecl
	// indexOrigins are how SQL came to know each index, nil for a table
	// the Go API made.
	indexOrigins map[string]indexOrigin
	// triggers are the table's triggers, in name order (trigger.go).
	triggers []triggerDef
}

// The engine requires a primary key; PostgreSQL does not. A table SQL
// creates without one gets a hidden column, ctid, as its primary key: a
// bigint the engine's sequence fills (Column.AutoIncrement), standing for
// PostgreSQL's physical row identity of that name. SQL never shows it: *
// and INSERT without a column list skip it, no name resolves to it, and
// the catalogs describe the table without it and without a primary key.
// No user column can take the name: ctid is one of PostgreSQL's system
// column names, which CREATE TABLE, ADD COLUMN and RENAME refuse (42701).
// The Go API sees ctid as the ordinary key column it is.
const rowIDColumn = "ctid"

// systemColumns are PostgreSQL's system column names, which no user column
// may take.
var systemColumns = map[string]bool{"ctid": true, "xmin": true, "cmin": true, "xmax": true, "cmax": true, "tableoid": true}

// systemColumnError is 42701 for a user column named as a system column.
func systemColumnError(name string) error {
	if strings.HasPrefix(name, hiddenPrefix) {
		return &Error{Code: "42939", Message: `column name "` + name + `" is reserved`,
			Detail: `The prefix "` + hiddenPrefix + `" is reserved for reldb's hidden index columns.`}
	}
	if !systemColumns[name] {
		return nil
	}
	return &Error{Code: pgerr.DuplicateColumn, Message: `column name "` + name + `" conflicts with a system column name`}
}

// rowIdentity reports whether def's primary key is the hidden row
// identity: the auto-increment Int column ctid alone.
func rowIdentity(def engine.Table) (int, bool) {
	if len(def.PrimaryKey) != 1 || def.PrimaryKey[0] != rowIDColumn {
		return 0, false
	}
	for i, c := range def.Columns {
		if c.Name == rowIDColumn {
			return i, c.Type == engine.Int && c.AutoIncrement
		}
	}
	return 0, false
}

// isHidden reports whether column i is the hidden row identity or a
// hidden column of an index (exprindex.go).
func (ts *tableSchema) isHidden(i int) bool {
	return ts.hidden > 0 && i == ts.hidden-1 || ts.concealed != nil && ts.concealed[i]
}

// hasKey reports whether the table has a primary key of its own, which
// SQL sees.
func (ts *tableSchema) hasKey() bool { return len(ts.def.PrimaryKey) > 0 && ts.hidden == 0 }

// visibleColumns returns the positions of the columns SQL sees, in order.
func (ts *tableSchema) visibleColumns() []int {
	out := make([]int, 0, len(ts.types))
	for i := range ts.types {
		if !ts.isHidden(i) {
			out = append(out, i)
		}
	}
	return out
}

// visible returns the table as SQL's catalogs describe it: without the
// hidden row identity and, then, without a primary key, and without the
// hidden columns of its indexes.
func (ts *tableSchema) visible() *tableSchema {
	if ts.hidden == 0 && ts.concealed == nil {
		return ts
	}
	v := *ts
	if ts.hidden != 0 {
		v.def.PrimaryKey = nil
	}
	v.def.Columns = nil
	v.types = nil
	v.index = make(map[string]int, len(ts.index))
	v.pk, v.hidden = nil, 0
	v.defaults, v.identity = nil, nil
	v.derived, v.concealed, v.serialReads = nil, nil, nil
	for _, i := range ts.visibleColumns() {
		v.index[ts.def.Columns[i].Name] = len(v.types)
		v.def.Columns = append(v.def.Columns, ts.def.Columns[i])
		v.types = append(v.types, ts.types[i])
		if ts.defaults != nil {
			v.defaults = append(v.defaults, ts.defaults[i])
		}
		if ts.identity != nil {
			// By position, as defaults: a column after the hidden one
			// moves down.
			v.identity = append(v.identity, ts.identity[i])
		}
	}
	for _, c := range v.def.PrimaryKey {
		v.pk = append(v.pk, v.index[c])
	}
	return &v
}

// pkName returns the name of the primary key constraint of def.
func pkName(def engine.Table) string {
	if def.PrimaryKeyName != "" {
		return def.PrimaryKeyName
	}
	return def.Name + "_pkey"
}

// schemaOf resolves a table in tx: 42P01 if it does not exist, or is one
// of reldb's own (reservedName). The schema is the caller's own copy.
func (s *Session) schemaOf(tx *engine.Tx, name string) (*tableSchema, error) {
	ts, err := s.sharedSchema(tx, name)
	if err != nil {
		return nil, err
	}
	c := *ts // callers may set a field of theirs (ALTER's checks)
	return &c, nil
}

// sharedSchema is schemaOf for a caller that changes nothing in the
// schema: it is the session's cached one, shared.
func (s *Session) sharedSchema(tx *engine.Tx, name string) (*tableSchema, error) {
	if err := catalogWriteError(ir.QualName{Name: name}); err != nil {
		return nil, err // a statement other than SELECT naming the catalog
	}
	if reservedName(name) {
		return nil, pgerr.UndefinedTableError(name)
	}
	version, err := tx.TableVersion(name)
	if err != nil {
		if _, _, ok := s.viewNamed(tx, ir.QualName{Name: name}); ok && errorIs(err, engine.ErrNoTable) {
			return nil, notATable(name)
		}
		if s.isSequence(tx, name) && errorIs(err, engine.ErrNoTable) {
			return nil, pgerr.Unsupported("sequence " + name + " used as a table")
		}
		if errorIs(err, engine.ErrNoTable) {
			return nil, pgerr.UndefinedTableError(name)
		}
		return nil, err
	}
	td := s.decl(name)
	key := schemaKey{version, td}
	if ts, ok := s.schemas[key]; ok {
		return ts, nil
	}
	ts, err := s.buildSchema(tx, name, td)
	if err != nil {
		return nil, err
	}
	if s.schemas == nil || len(s.schemas) >= maxSchemas {
		s.schemas = make(map[schemaKey]*tableSchema)
	}
	s.schemas[key] = ts
	return ts, nil
}

// schemaKey is what a table's schema is derived from: the engine's
// definition and the SQL declarations, both replaced whole when they
// change, never changed in place.
type schemaKey struct {
	version engine.TableVersion
	decl    *tableDecl
}

// maxSchemas bounds a session's schema cache: past it the cache starts
// again.
const maxSchemas = 256

// buildSchema derives table name's schema from its definition and
// declaration td.
func (s *Session) buildSchema(tx *engine.Tx, name string, td *tableDecl) (*tableSchema, error) {
	def, err := tx.Table(name)
	if err != nil {
		return nil, err
	}
	ts := &tableSchema{def: def, types: make([]sqlType, len(def.Columns)), index: make(map[string]int, len(def.Columns))}
	if i, ok := rowIdentity(def); ok {
		ts.hidden = i + 1
	}
	ts.indexDefs = td.indexDefs
	if td.types != nil {
		ts.indexOrigins = td.indexes
	}
	if len(td.indexDefs) > 0 {
		pos := make(map[string]int, len(def.Columns))
		for i, c := range def.Columns {
			pos[c.Name] = i
		}
		ts.deriveSchema(td, pos) // exprindex.go
	}
	for i, c := range def.Columns {
		t, ok := td.types[c.Name]
		if !ok || t.engineType() != c.Type {
			t = defaultType(c)
		}
		ts.types[i] = t
		if !ts.isHidden(i) {
			ts.index[c.Name] = i
		}
		if e := td.defaults[c.Name]; e != nil && ok && c.Default == nil {
			if ts.defaults == nil {
				ts.defaults = make([]ir.Expr, len(def.Columns))
			}
			ts.defaults[i] = e
		}
		if e := td.generated[c.Name]; e != nil && ok {
			if ts.generated == nil {
				ts.generated = make([]ir.Expr, len(def.Columns))
			}
			ts.generated[i] = e
		}
		if k := td.identity[c.Name]; k != 0 {
			if ts.identity == nil {
				ts.identity = make([]identityKind, len(def.Columns))
			}
			ts.identity[i] = k
		}
	}
	ts.triggers = td.triggers
	ts.domains = s.domainsOf(def, td) // domain.go
	for _, c := range def.PrimaryKey {
		ts.pk = append(ts.pk, slices.IndexFunc(def.Columns, func(col engine.Column) bool { return col.Name == c }))
	}
	for _, c := range td.checks {
		resolves := true
		ir.Inspect(c.expr, func(x ir.Expr) bool {
			if r, ok := x.(*ir.ColumnRef); ok {
				_, found := ts.index[r.Column]
				resolves = resolves && found
			}
			return true
		})
		if resolves {
			ts.checks = append(ts.checks, c)
		}
	}
	return ts, nil
}

// column returns a column's position, or 42703.
func (ts *tableSchema) column(name string) (int, error) {
	i, ok := ts.index[name]
	if !ok {
		e := pgerr.UndefinedColumnError(name)
		e.Message = `column "` + name + `" of relation "` + ts.def.Name + `" does not exist`
		e.Table = ts.def.Name
		return 0, e
	}
	return i, nil
}

// key returns the engine key of a row: its primary key value, or an
// engine.Key for a composite one.
func (ts *tableSchema) key(vals []any) any {
	if len(ts.pk) == 1 {
		return vals[ts.pk[0]]
	}
	k := make(engine.Key, len(ts.pk))
	for i, p := range ts.pk {
		k[i] = vals[p]
	}
	return k
}
