package pgsql_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql"
)

// Ensure role, grant and owner statements end as PostgreSQL's do for a
// superuser session, and what reldb cannot do is 0A000.
func TestSession_Role_Statements(t *testing.T) {
	tests := []struct {
		name  string
		steps [][2]string
	}{
		{"create and drop", [][2]string{
			{`CREATE ROLE app`, "CREATE ROLE"},
			{`CREATE USER app`, "ERROR 42710"},
			{`CREATE GROUP staff`, "CREATE ROLE"},
			{`CREATE ROLE pg_mine`, "ERROR 42939"},
			{`CREATE ROLE public`, "ERROR 42939"},
			{`CREATE ROLE x CONNECTION LIMIT -2`, "ERROR 22023"},
			{`CREATE ROLE x VALID UNTIL 'not a time'`, "ERROR 22007"},
			{`CREATE ROLE x VALID UNTIL 'infinity'`, "ERROR 0A000"},
			{`DROP ROLE app, staff`, "DROP ROLE"},
			{`DROP USER app`, "ERROR 42704"},
			{`DROP ROLE IF EXISTS app`, "DROP ROLE (WARNING 00000)"}, // the NOTICE
		}},
		{"built-in roles", [][2]string{
			{`DROP ROLE reldb`, "ERROR 55006"},
			{`DROP ROLE pg_monitor`, "ERROR 2BP01"},
			{`ALTER ROLE pg_monitor LOGIN`, "ERROR 0A000"},
			{`ALTER ROLE reldb NOSUPERUSER`, "ERROR 0LP01"},
			{`ALTER ROLE reldb PASSWORD 'secret'`, "ALTER ROLE"},
			{`ALTER ROLE CURRENT_USER CONNECTION LIMIT 10`, "ALTER ROLE"},
			{`ALTER ROLE reldb RENAME TO boss`, "ERROR 0A000"},
			{`DROP ROLE CURRENT_USER`, "ERROR 22023"},
			{`GRANT pg_read_all_data TO reldb`, "GRANT ROLE"},
			{`REVOKE pg_read_all_data FROM reldb`, "REVOKE ROLE"},
		}},
		{"unsupported", [][2]string{
			{`CREATE ROLE app`, "CREATE ROLE"},
			{`SET ROLE app`, "ERROR 0A000"},
			{`SET SESSION AUTHORIZATION app`, "ERROR 0A000"},
			{`SET ROLE reldb`, "SET"},
			{`GRANT SELECT (name) ON authors TO app`, "ERROR 0A000"},
			{`GRANT SELECT ON pg_class TO app`, "ERROR 0A000"},
			{`GRANT USAGE ON TYPE int4 TO app`, "ERROR 0A000"},
			{`GRANT USAGE ON DOMAIN d TO app`, "ERROR 0A000"},
			{`GRANT USAGE ON LANGUAGE plpgsql TO app`, "ERROR 0A000"},
			{`GRANT SELECT ON authors TO app GRANTED BY CURRENT_USER`, "GRANT"},
			{`GRANT SELECT ON authors TO app GRANTED BY app`, "ERROR 0A000"},
			{`GRANT SELECT ON authors TO app GRANTED BY nobody`, "ERROR 42704"},
			{`ALTER ROLE app SET search_path TO public`, "ERROR 0A000"},
			{`ALTER ROLE app IN ROLE pg_monitor`, "ERROR 42601"},
			{`ALTER TABLE authors OWNER TO app, ADD COLUMN x int`, "ERROR 0A000"},
			{`ALTER INDEX authors_pkey OWNER TO app`, "ERROR 0A000"},
			{`ALTER TABLE IF EXISTS nosuch OWNER TO app`, "ALTER TABLE (WARNING 00000)"}, // the NOTICE
			{`ALTER TABLE IF EXISTS nosuch OWNER TO nobody`, "ALTER TABLE (WARNING 00000)"},
			{`DROP OWNED BY reldb`, "ERROR 0A000"},
		}},
		{"database", [][2]string{
			{`CREATE ROLE app`, "CREATE ROLE"},
			{`GRANT CONNECT, TEMP ON DATABASE reldb TO app`, "GRANT"},
			{`GRANT SELECT ON DATABASE reldb TO app`, "ERROR 0LP01"},
			{`GRANT CONNECT ON DATABASE nosuch TO app`, "ERROR 3D000"},
			{`ALTER DATABASE reldb OWNER TO app`, "ALTER DATABASE"},
			{`DROP ROLE app`, "ERROR 2BP01"},
			{`ALTER DATABASE reldb OWNER TO reldb`, "ALTER DATABASE"},
			{`REVOKE ALL ON DATABASE reldb FROM app`, "REVOKE"},
			{`DROP ROLE app`, "DROP ROLE"},
		}},
		{"owned objects", [][2]string{
			{`CREATE ROLE app`, "CREATE ROLE"},
			{`CREATE TYPE mood AS ENUM ('sad', 'ok')`, "CREATE TYPE"},
			{`ALTER TYPE mood OWNER TO app`, "ALTER TYPE"},
			{`ALTER TYPE mood ADD VALUE 'happy'`, "ALTER TYPE"},
			{`CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`, "CREATE FUNCTION"},
			{`ALTER FUNCTION f() OWNER TO app`, "ALTER FUNCTION"},
			{`ALTER FUNCTION f(int) OWNER TO app`, "ERROR 42883"},
			{`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO app`, "GRANT"},
			{`CREATE OR REPLACE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$`, "CREATE FUNCTION"},
			{`DROP ROLE app`, "ERROR 2BP01"},
			{`REASSIGN OWNED BY app TO reldb`, "REASSIGN OWNED"},
			{`DROP ROLE app`, "DROP ROLE"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSession(t)
			for _, st := range tc.steps {
				require.Equal(t, st[1], outcome(t, s, st[0]), st[0])
			}
		})
	}
}

// Ensure the catalogs name a role by its new name after RENAME TO, in
// ACLs, owners and memberships alike, and has_*_privilege follows
// membership with INHERIT only.
func TestSession_Role_RenameAndInherit(t *testing.T) {
	s := newSession(t)
	for _, q := range []string{
		`CREATE ROLE readers`,
		`CREATE ROLE alice LOGIN IN ROLE readers`,
		`CREATE ROLE bob NOINHERIT IN ROLE readers`,
		`GRANT SELECT ON authors TO readers`,
		`ALTER TABLE books OWNER TO alice`,
		`ALTER ROLE readers RENAME TO viewers`,
	} {
		require.NotContains(t, outcome(t, s, q), "ERROR", q)
	}
	assert.Equal(t, [][]string{{"{reldb=arwdDxt/reldb,viewers=r/reldb}"}},
		texts(t, s, `SELECT relacl FROM pg_class WHERE relname = 'authors'`))
	assert.Equal(t, [][]string{{"alice"}}, texts(t, s, `SELECT tableowner FROM pg_tables WHERE tablename = 'books'`))
	assert.Equal(t, [][]string{{"viewers", "alice"}, {"viewers", "bob"}},
		texts(t, s, `SELECT r.rolname, m.rolname FROM pg_auth_members a JOIN pg_roles r ON r.oid = a.roleid
			JOIN pg_roles m ON m.oid = a.member WHERE m.rolname IN ('alice', 'bob') ORDER BY 2`))
	assert.Equal(t, [][]string{{"t", "f", "t", "t"}},
		texts(t, s, `SELECT has_table_privilege('alice', 'authors', 'SELECT'), has_table_privilege('bob', 'authors', 'SELECT'),
			has_table_privilege('alice', 'books', 'DELETE WITH GRANT OPTION'), pg_has_role('bob', 'viewers', 'MEMBER')`))
}

// Ensure psql's \du query (PostgreSQL 15's) runs and lists the roles.
func TestSession_Role_PsqlDu(t *testing.T) {
	s := newSession(t)
	require.Equal(t, "CREATE ROLE", outcome(t, s, `CREATE ROLE app LOGIN IN ROLE pg_monitor`))
	got := texts(t, s, `SELECT r.rolname, r.rolsuper, r.rolinherit,
  r.rolcreaterole, r.rolcreatedb, r.rolcanlogin,
  r.rolconnlimit, r.rolvaliduntil,
  ARRAY(SELECT b.rolname
        FROM pg_catalog.pg_auth_members m
        JOIN pg_catalog.pg_roles b ON (m.roleid = b.oid)
        WHERE m.member = r.oid) as memberof
, r.rolreplication
, r.rolbypassrls
FROM pg_catalog.pg_roles r
WHERE r.rolname !~ '^pg_'
ORDER BY 1;`)
	assert.Equal(t, [][]string{
		{"app", "f", "t", "f", "f", "t", "-1", "NULL", "{pg_monitor}", "f", "f"},
		{"reldb", "t", "t", "t", "t", "t", "-1", "NULL", "{}", "t", "t"},
	}, got)
}

// Ensure roles, memberships, passwords, owners, ACLs (of tables,
// sequences, views, functions, types, schema public and the database)
// and default privileges survive Close and Open of a durable DB, and a
// fork carries its own copy.
func TestSession_Role_SurviveReopen(t *testing.T) {
	dir := t.TempDir()
	db := openDurable(t, dir)
	runAll(t, db, [][2]string{
		{`CREATE ROLE readers`, "CREATE ROLE"},
		{`CREATE USER app PASSWORD 'secret' CONNECTION LIMIT 4 VALID UNTIL '2030-01-01 00:00:00+00' IN ROLE readers`, "CREATE ROLE"},
		{`CREATE ROLE admin SUPERUSER NOINHERIT ADMIN app`, "CREATE ROLE"},
		{`CREATE TABLE items (id serial PRIMARY KEY, name text)`, "CREATE TABLE"},
		{`CREATE SEQUENCE counter`, "CREATE SEQUENCE"},
		{`CREATE VIEW names AS SELECT name FROM items`, "CREATE VIEW"},
		{`CREATE TYPE mood AS ENUM ('ok')`, "CREATE TYPE"},
		{`CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`, "CREATE FUNCTION"},
		{`GRANT SELECT, INSERT ON items TO readers WITH GRANT OPTION`, "GRANT"},
		{`GRANT USAGE ON SEQUENCE items_id_seq, counter TO app`, "GRANT"},
		{`ALTER VIEW names OWNER TO app`, "ALTER VIEW"},
		{`GRANT USAGE ON TYPE mood TO readers`, "GRANT"},
		{`REVOKE EXECUTE ON FUNCTION touch() FROM PUBLIC`, "REVOKE"},
		{`GRANT CREATE ON SCHEMA public TO app`, "GRANT"},
		{`GRANT CONNECT ON DATABASE reldb TO app`, "GRANT"},
		{`ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO readers`, "ALTER DEFAULT PRIVILEGES"},
		{`CREATE ROLE gone`, "CREATE ROLE"},
		{`DROP ROLE gone`, "DROP ROLE"},
	})
	queries := []string{
		`SELECT oid, rolname, rolsuper, rolinherit, rolcanlogin, rolconnlimit, rolvaliduntil, rolpassword LIKE 'SCRAM-SHA-256$4096:%' FROM pg_authid ORDER BY rolname`,
		`SELECT roleid::regrole, member::regrole, admin_option FROM pg_auth_members ORDER BY 1, 2`,
		`SELECT relname, relowner::regrole, relacl FROM pg_class WHERE relkind IN ('r', 'S', 'v') ORDER BY 1`,
		`SELECT proname, proacl FROM pg_proc WHERE proname = 'touch'`,
		`SELECT typname, typacl FROM pg_type WHERE typname = 'mood'`,
		`SELECT nspacl FROM pg_namespace WHERE nspname = 'public'`,
		`SELECT datacl FROM pg_database`,
		`SELECT defaclobjtype, defaclacl FROM pg_default_acl`,
	}
	before := pgsql.NewSession(db)
	var want [][][]string
	for _, q := range queries {
		want = append(want, texts(t, before, q))
	}
	require.NoError(t, before.Close())
	assert.Contains(t, want[2], []string{"items", "reldb", "{reldb=arwdDxt/reldb,readers=a*r*/reldb}"})
	require.NoError(t, db.Close())

	db = openDurable(t, dir)
	after := pgsql.NewSession(db)
	defer after.Close()
	for i, q := range queries {
		assert.Equal(t, want[i], texts(t, after, q), q)
	}
	runAll(t, db, [][2]string{
		{`CREATE ROLE app`, "ERROR 42710"},
		{`CREATE TABLE later (id int PRIMARY KEY)`, "CREATE TABLE"},
		{`DROP ROLE readers`, "ERROR 2BP01"},
	})
	assert.Equal(t, [][]string{{"{reldb=arwdDxt/reldb,readers=r/reldb}"}},
		texts(t, after, `SELECT relacl FROM pg_class WHERE relname = 'later'`))

	fork, err := db.Fork(engine.Options{})
	require.NoError(t, err)
	defer fork.Close()
	runAll(t, fork, [][2]string{
		{`REVOKE ALL ON items, later FROM readers`, "REVOKE"},
		{`REVOKE USAGE ON TYPE mood FROM readers`, "REVOKE"},
		{`ALTER DEFAULT PRIVILEGES REVOKE SELECT ON TABLES FROM readers`, "ALTER DEFAULT PRIVILEGES"},
		{`DROP ROLE readers`, "DROP ROLE"},
		{`CREATE ROLE newcomer`, "CREATE ROLE"},
	})
	runAll(t, db, [][2]string{{`DROP ROLE readers`, "ERROR 2BP01"}, {`DROP ROLE newcomer`, "ERROR 42704"}})
}

// Ensure has_*_privilege validates its privilege names and objects, and
// answers for the superuser session always true.
func TestSession_Role_HasPrivilege(t *testing.T) {
	s := newSession(t)
	require.Equal(t, "CREATE ROLE", outcome(t, s, `CREATE ROLE app`))
	tests := []struct {
		sql, want string
	}{
		{`SELECT has_table_privilege('authors', 'SELECT, INSERT WITH GRANT OPTION')`, "t"},
		{`SELECT has_table_privilege('app', 'authors', 'SELECT')`, "f"},
		{`SELECT has_table_privilege('app', 'pg_class', 'SELECT')`, "t"},
		{`SELECT has_table_privilege('app', 'authors', NULL)`, "NULL"},
		{`SELECT has_table_privilege('app', 0::oid, 'SELECT')`, "NULL"},
		{`SELECT has_schema_privilege('app', 'public', 'USAGE')`, "t"},
		{`SELECT has_schema_privilege('app', 'public', 'CREATE')`, "f"},
		{`SELECT has_database_privilege('app', 'reldb', 'TEMP')`, "t"},
		{`SELECT has_database_privilege('app', 'reldb', 'CREATE')`, "f"},
		{`SELECT has_type_privilege('app', 'int4', 'USAGE')`, "t"},
		{`SELECT pg_has_role('app', 'MEMBER')`, "t"},
		{`SELECT pg_has_role('reldb', 'app', 'USAGE')`, "t"},
		{`SELECT pg_get_userbyid(10)`, "reldb"},
		{`SELECT pg_get_userbyid(1)`, "unknown (OID=1)"},
	}
	for _, tc := range tests {
		assert.Equal(t, [][]string{{tc.want}}, texts(t, s, tc.sql), tc.sql)
	}
	for sql, code := range map[string]string{
		`SELECT has_table_privilege('authors', 'fly')`:                 "ERROR 22023",
		`SELECT has_table_privilege('nobody', 'authors', 'SELECT')`:    "ERROR 42704",
		`SELECT has_schema_privilege('nosuch', 'USAGE')`:               "ERROR 3F000",
		`SELECT has_database_privilege('nosuch', 'CONNECT')`:           "ERROR 3D000",
		`SELECT has_function_privilege('app', 'nosuch', 'EXECUTE')`:    "ERROR 22P02",
		`SELECT has_sequence_privilege('app', 'authors', 'USAGE')`:     "ERROR 42809",
		`SELECT has_type_privilege('app', 'nosuch', 'USAGE')`:          "ERROR 42704",
		`SELECT pg_has_role('app', 'reldb', 'OWNER')`:                  "ERROR 22023",
		`SELECT has_sequence_privilege('app', 'nosuch_seq', 'SELECT')`: "ERROR 42P01",
	} {
		assert.Equal(t, code, outcome(t, s, sql), sql)
	}
}

// Ensure a role's password is stored as a SCRAM-SHA-256 verifier, never
// as given, and one given as a verifier is kept.
func TestSession_Role_Password(t *testing.T) {
	s := newSession(t)
	require.Equal(t, "CREATE ROLE", outcome(t, s, `CREATE ROLE a LOGIN PASSWORD 'hunter2'`))
	verifier := "SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy"
	require.Equal(t, "CREATE ROLE", outcome(t, s, `CREATE ROLE b LOGIN PASSWORD '`+verifier+`'`))
	got := texts(t, s, `SELECT rolname, rolpassword FROM pg_authid WHERE rolname IN ('a', 'b') ORDER BY 1`)
	require.Len(t, got, 2)
	assert.True(t, strings.HasPrefix(got[0][1], "SCRAM-SHA-256$4096:"), got[0][1])
	assert.NotContains(t, got[0][1], "hunter2")
	assert.Equal(t, verifier, got[1][1])
	assert.Equal(t, [][]string{{"********"}}, texts(t, s, `SELECT rolpassword FROM pg_roles WHERE rolname = 'a'`))
}

// Ensure sessions creating roles at once each get theirs, under distinct
// OIDs (run with -race).
func TestSession_Role_Concurrent(t *testing.T) {
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	defer db.Close()
	const n = 8
	errs := make(chan error, n)
	for i := range n {
		go func() {
			s := pgsql.NewSession(db)
			defer s.Close()
			name := fmt.Sprintf("r%d", i)
			for _, q := range []string{
				`CREATE ROLE ` + name,
				`CREATE TABLE t_` + name + ` (id int PRIMARY KEY)`,
				`GRANT SELECT ON t_` + name + ` TO ` + name,
			} {
				if _, err := s.Exec(context.Background(), q); err != nil {
					errs <- fmt.Errorf("%s: %w", q, err)
					return
				}
			}
			errs <- nil
		}()
	}
	for range n {
		require.NoError(t, <-errs)
	}
	s := pgsql.NewSession(db)
	defer s.Close()
	assert.Equal(t, [][]string{{"8", "8"}}, texts(t, s, `SELECT count(*), count(DISTINCT oid) FROM pg_roles WHERE rolname ~ '^r[0-9]$'`))
	assert.Equal(t, [][]string{{"8"}}, texts(t, s, `SELECT count(*) FROM information_schema.table_privileges WHERE grantee ~ '^r[0-9]$'`))
}
