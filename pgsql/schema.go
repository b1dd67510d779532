package pgsql

import (
	"maps"
	"sync"

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
// leaves the declarations as they were. Columns declared through the Go
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

// declsOf returns the declarations kept with db, creating them on first
// use; they live as long as db, and a fork of db (engine.DB.Fork) gets a
// copy.
func declsOf(db *engine.DB) *declarations {
	return db.Extension(declsKey{}, func() any {
		return &declarations{tables: make(map[string]*tableDecl)}
	}).(*declarations)
}

// Fork copies the declarations for a forked DB, sharing each table's
// (they are immutable).
func (d *declarations) Fork() any {
	d.mu.Lock()
	defer d.mu.Unlock()
	return &declarations{tables: maps.Clone(d.tables)}
}

// publish runs commit, which commits the transaction that made changes,
// and publishes changes (a nil declaration removes the table's) if it
// succeeds. Readers wait meanwhile, so that none sees the engine's new
// schema with the old declarations.
func (d *declarations) publish(changes map[string]*tableDecl, commit func() error) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := commit(); err != nil {
		return err
	}
	for table, td := range changes {
		if td == nil {
			delete(d.tables, table)
		} else {
			d.tables[table] = td
		}
	}
	return nil
}

func (d *declarations) get(table string) *tableDecl {
	d.mu.Lock()
	defer d.mu.Unlock()
	if td := d.tables[table]; td != nil {
		return td
	}
	return &tableDecl{}
}

// decl returns the declaration of table as the session's transaction sees
// it: its own changes, else the published declarations.
func (s *Session) decl(table string) *tableDecl {
	if td, ok := s.declTx[table]; ok {
		if td == nil {
			return &tableDecl{}
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
	s.declTx[table] = td
}

// commitTx commits tx, publishing the declarations its statements changed.
func (s *Session) commitTx(tx *engine.Tx) error {
	changes := s.declTx
	s.declTx = nil
	if len(changes) == 0 {
		return tx.Commit()
	}
	return s.decls.publish(changes, tx.Commit)
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
	index  map[string]int // column name -> position
	checks []check        // CHECK constraints, by name
	// defaults are the volatile DEFAULTs (clock, random), by column position;
	// nil when the table has none.
	defaults []ir.Expr
}

// schemaOf resolves a table in tx: 42P01 if it does not exist.
func (s *Session) schemaOf(tx *engine.Tx, name string) (*tableSchema, error) {
	if err := catalogWriteError(ir.QualName{Name: name}); err != nil {
		return nil, err // a statement other than SELECT naming the catalog
	}
	def, err := tx.Table(name)
	if err != nil {
		if errorIs(err, engine.ErrNoTable) {
			return nil, pgerr.UndefinedTableError(name)
		}
		return nil, err
	}
	ts := &tableSchema{def: def, types: make([]sqlType, len(def.Columns)), index: make(map[string]int, len(def.Columns))}
	td := s.decl(name)
	for i, c := range def.Columns {
		t, ok := td.types[c.Name]
		if !ok || t.engineType() != c.Type {
			t = defaultType(c)
		}
		ts.types[i] = t
		ts.index[c.Name] = i
		if e := td.defaults[c.Name]; e != nil && ok && c.Default == nil {
			if ts.defaults == nil {
				ts.defaults = make([]ir.Expr, len(def.Columns))
			}
			ts.defaults[i] = e
		}
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
	if len(ts.def.PrimaryKey) == 1 {
		return vals[ts.index[ts.def.PrimaryKey[0]]]
	}
	k := make(engine.Key, len(ts.def.PrimaryKey))
	for i, c := range ts.def.PrimaryKey {
		k[i] = vals[ts.index[c]]
	}
	return k
}
