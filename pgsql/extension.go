package pgsql

import (
	"maps"
	"slices"
	"strings"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// CREATE EXTENSION and DROP EXTENSION, for the extensions migrations
// create for functions reldb has: pgcrypto (whose gen_random_uuid is
// built in, as in PostgreSQL 13 and later; its other functions, digest,
// crypt, ..., stay 0A000) and "uuid-ossp" (uuid_generate_v4, uuid_nil and
// the uuid_ns_* constants; the v1, v3 and v5 generators are 0A000).
// plpgsql is listed as installed, as in every PostgreSQL database. An
// extension PostgreSQL ships that reldb cannot provide (citext, hstore,
// postgis, ...) is 0A000, and so is any other name, as PostgreSQL 15
// refuses an extension without a control file (its message, "is not
// available").
//
// An extension created is kept with the SQL declarations, under the
// reserved name pg_reldb_extension.<name>, its version as that
// declaration's only content (held where a table's comment is, the one
// text a declaration stores as given), so that CREATE and DROP EXTENSION
// roll back with their transaction, survive a reopen of a durable DB and
// go with a fork, as other declarations do. pg_extension lists them.
//
// The functions of uuid-ossp exist only while it is created (42883
// otherwise). DROP EXTENSION of one a column DEFAULT calls is 2BP01, and
// with CASCADE 0A000 (PostgreSQL would drop the defaults); views and CHECK
// constraints calling its functions are not looked for.

// extensionInfo is what reldb knows of an extension.
type extensionInfo struct {
	version     string
	relocatable bool
	oid         int64
}

// knownExtensions are the extensions CREATE EXTENSION accepts, with
// PostgreSQL 15's default versions.
var knownExtensions = map[string]extensionInfo{
	"pgcrypto":  {version: "1.3", relocatable: true, oid: 16400},
	"uuid-ossp": {version: "1.1", relocatable: true, oid: 16401},
}

// plpgsqlOID is plpgsql's row in pg_extension, as in PostgreSQL 15.
const plpgsqlOID = 13559

// shippedExtensions are PostgreSQL's contrib extensions reldb does not
// provide: creating one is 0A000 naming it as unsupported.
var shippedExtensions = []string{"adminpack", "amcheck", "autoinc", "bloom", "btree_gin", "btree_gist",
	"citext", "cube", "dblink", "dict_int", "dict_xsyn", "earthdistance", "file_fdw", "fuzzystrmatch",
	"hstore", "insert_username", "intagg", "intarray", "isn", "lo", "ltree", "moddatetime", "old_snapshot",
	"pageinspect", "pg_buffercache", "pg_freespacemap", "pg_prewarm", "pg_stat_statements", "pg_surgery",
	"pg_trgm", "pg_visibility", "pg_walinspect", "pgrowlocks", "pgstattuple", "postgres_fdw", "refint",
	"seg", "sslinfo", "tablefunc", "tcn", "tsm_system_rows", "tsm_system_time", "unaccent", "xml2",
	"postgis", "vector", "timescaledb"}

const extensionDeclPrefix = reservedPrefix + "extension."

// extensionVersion returns the version of the extension name as the
// session's transaction sees it, or false when it is not created.
func (s *Session) extensionVersion(name string) (string, bool) {
	if name == "plpgsql" {
		return "1.0", true
	}
	v, ok := s.decl(extensionDeclPrefix + name).comments[""]
	return v, ok
}

// extensions returns the names of the created extensions, sorted.
func (s *Session) extensions() []string {
	var out []string
	for _, name := range s.declaredNames() {
		if ext, ok := strings.CutPrefix(name, extensionDeclPrefix); ok {
			if _, ok := s.extensionVersion(ext); ok {
				out = append(out, ext)
			}
		}
	}
	return out
}

func (s *Session) createExtension(st *ir.CreateExtension) (Result, error) {
	res := Result{Tag: "CREATE EXTENSION"}
	if _, ok := s.extensionVersion(st.Name); ok {
		if st.IfNotExists {
			return res, nil
		}
		return res, pgerr.New("42710", "extension \"%s\" already exists", st.Name)
	}
	info, ok := knownExtensions[st.Name]
	if !ok {
		if slices.Contains(shippedExtensions, st.Name) {
			return res, pgerr.Unsupported("extension " + st.Name)
		}
		e := pgerr.New(pgerr.FeatureNotSupported, "extension \"%s\" is not available", st.Name)
		e.Hint = "The extension must first be installed on the system where PostgreSQL is running."
		return res, e
	}
	switch st.Schema {
	case "", "public", "pg_catalog":
	default:
		return res, pgerr.New("3F000", "schema \"%s\" does not exist", st.Schema)
	}
	if st.Version != "" && st.Version != info.version {
		return res, pgerr.New("22023", "extension \"%s\" has no installation script nor update path for version \"%s\"", st.Name, st.Version)
	}
	s.setDecl(extensionDeclPrefix+st.Name, &tableDecl{comments: map[string]string{"": info.version}})
	return res, nil
}

func (s *Session) dropExtension(tx *engine.Tx, st *ir.DropExtension) (Result, error) {
	res := Result{Tag: "DROP EXTENSION"}
	var drop []string
	for _, name := range st.Names {
		if _, ok := s.extensionVersion(name); !ok {
			if st.IfExists {
				continue
			}
			return res, pgerr.New("42704", "extension \"%s\" does not exist", name)
		}
		if name == "plpgsql" {
			return res, pgerr.Unsupported("DROP EXTENSION plpgsql")
		}
		if table, col, ok := s.extensionUser(tx, name); ok {
			if st.Cascade {
				return res, pgerr.Unsupported("DROP EXTENSION ... CASCADE of an extension a DEFAULT calls")
			}
			e := pgerr.New("2BP01", "cannot drop extension %s because other objects depend on it", name)
			e.Detail = "default value for column " + col + " of table " + table + " depends on function " + name
			e.Hint = "Use DROP ... CASCADE to drop the dependent objects too."
			return res, e
		}
		drop = append(drop, name)
	}
	for _, name := range drop {
		s.setDecl(extensionDeclPrefix+name, nil)
	}
	return res, nil
}

// extensionUser finds a column whose DEFAULT calls a function of the
// extension name.
func (s *Session) extensionUser(tx *engine.Tx, name string) (table, column string, found bool) {
	for _, t := range s.declaredNames() {
		if !exists(tx, t) {
			continue
		}
		td := s.decl(t)
		for _, col := range slices.Sorted(maps.Keys(td.defaults)) {
			ir.Inspect(td.defaults[col], func(x ir.Expr) bool {
				if f, ok := x.(*ir.Func); ok && extensionFuncs[f.Name] == name {
					found = true
				}
				return !found
			})
			if found {
				return t, col, true
			}
		}
	}
	return "", "", false
}

// extensionFuncs are the functions of the extensions, by name, with the
// extension each belongs to.
var extensionFuncs = map[string]string{
	"uuid_generate_v4": "uuid-ossp", "uuid_nil": "uuid-ossp", "uuid_ns_dns": "uuid-ossp",
	"uuid_ns_url": "uuid-ossp", "uuid_ns_oid": "uuid-ossp", "uuid_ns_x500": "uuid-ossp",
	"uuid_generate_v1": "uuid-ossp", "uuid_generate_v1mc": "uuid-ossp", "uuid_generate_v3": "uuid-ossp",
	"uuid_generate_v5": "uuid-ossp",
}

// uuidConstants are uuid-ossp's constant functions.
var uuidConstants = map[string]string{
	"uuid_nil":     "00000000-0000-0000-0000-000000000000",
	"uuid_ns_dns":  "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
	"uuid_ns_url":  "6ba7b811-9dad-11d1-80b4-00c04fd430c8",
	"uuid_ns_oid":  "6ba7b812-9dad-11d1-80b4-00c04fd430c8",
	"uuid_ns_x500": "6ba7b814-9dad-11d1-80b4-00c04fd430c8",
}

// extensionFunc evaluates a function of an extension; ok is false for a
// name that is none. Called without its extension created it does not
// exist (42883), as in PostgreSQL.
func (ev *evaluator) extensionFunc(f *ir.Func) (v any, t sqlType, ok bool, err error) {
	ext, ok := extensionFuncs[f.Name]
	if !ok || f.Schema != "" && f.Schema != "public" {
		return nil, typUnknown, false, nil
	}
	if ev.q == nil {
		return nil, typUUID, true, pgerr.Unsupported("function " + f.Name + " in this position")
	}
	if _, created := ev.q.s.extensionVersion(ext); !created || f.Name != "uuid_generate_v3" && f.Name != "uuid_generate_v5" && len(f.Args) != 0 {
		e := pgerr.New(pgerr.UndefinedFunction, "function %s() does not exist", f.Name)
		e.Hint = "No function matches the given name and argument types. You might need to add explicit type casts."
		return nil, typUUID, true, e
	}
	if c, ok := uuidConstants[f.Name]; ok {
		return c, typUUID, true, nil
	}
	if f.Name == "uuid_generate_v4" {
		return ev.uuidFunc("gen_random_uuid", 0)
	}
	return nil, typUUID, true, pgerr.Unsupported("function " + f.Name)
}

// pgExtension is pg_extension: plpgsql and the created extensions.
func pgExtension(c *catalogSnapshot) []map[string]any {
	out := []map[string]any{{"oid": int64(plpgsqlOID), "extname": "plpgsql", "extowner": oidOwner,
		"extnamespace": oidPgCatalog, "extrelocatable": false, "extversion": "1.0"}}
	for _, name := range c.s.extensions() {
		info := knownExtensions[name]
		v, _ := c.s.extensionVersion(name)
		out = append(out, map[string]any{"oid": info.oid, "extname": name, "extowner": oidOwner,
			"extnamespace": oidPublic, "extrelocatable": info.relocatable, "extversion": v})
	}
	return out
}
