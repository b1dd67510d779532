package pgsql_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql"
)

// domainSetup declares the domains and table the domain tests share.
var domainSetup = []string{
	`CREATE DOMAIN email AS text CHECK (VALUE ~ '^[^@]+@[^@]+$')`,
	`CREATE DOMAIN posint AS integer NOT NULL CHECK (VALUE > 0) DEFAULT 1`,
	`CREATE DOMAIN code varchar(4) CONSTRAINT code_upper CHECK (VALUE = upper(VALUE)) CHECK (length(VALUE) > 1)`,
	`CREATE TABLE u (id int PRIMARY KEY, e email, n posint, c code)`,
}

// Ensure a domain's NOT NULL and CHECKs hold on INSERT, UPDATE, upsert
// and casts, and its DEFAULT fills a column that declares none.
func TestSession_Exec_DomainConstraints(t *testing.T) {
	tests := []struct {
		sql  string
		want string
	}{
		{`INSERT INTO u (id, e) VALUES (1, 'a@b')`, "INSERT 0 1"},
		{`INSERT INTO u (id, e) VALUES (1, 'nope')`, "ERROR 23514"},
		{`INSERT INTO u (id, n) VALUES (1, 0)`, "ERROR 23514"},
		{`INSERT INTO u (id, n) VALUES (1, NULL)`, "ERROR 23502"},
		{`INSERT INTO u (id, c) VALUES (1, 'AB')`, "INSERT 0 1"},
		{`INSERT INTO u (id, c) VALUES (1, 'ab')`, "ERROR 23514"},
		{`INSERT INTO u (id, c) VALUES (1, 'A')`, "ERROR 23514"},
		{`INSERT INTO u (id, c) VALUES (1, 'ABCDE')`, "ERROR 22001"},
		{`SELECT 'x@y'::email`, "SELECT 1"},
		{`SELECT 'x'::email`, "ERROR 23514"},
		{`SELECT NULL::posint`, "ERROR 23502"},
		{`SELECT NULL::email`, "SELECT 1"},
		{`CREATE DOMAIN email AS text`, "ERROR 42710"},
		{`CREATE DOMAIN d AS int CHECK (VALUE)`, "ERROR 42804"},
		{`CREATE DOMAIN d AS int CHECK (nope > 0)`, "ERROR 42703"},
		{`CREATE DOMAIN d AS text COLLATE "C"`, "ERROR 0A000"},
		{`CREATE DOMAIN d AS email`, "ERROR 0A000"},
		{`ALTER DOMAIN email DROP CONSTRAINT nope`, "ERROR 42704"},
		{`ALTER DOMAIN email DROP CONSTRAINT IF EXISTS nope`, "ALTER DOMAIN"},
		{`ALTER DOMAIN email ADD CONSTRAINT email_check CHECK (VALUE <> '')`, "ERROR 42710"},
		{`ALTER DOMAIN email SET DEFAULT 'a@b'`, "ERROR 0A000"},
		{`ALTER DOMAIN email ADD CONSTRAINT c CHECK (VALUE <> '') NOT VALID`, "ERROR 0A000"},
		{`ALTER DOMAIN nope SET NOT NULL`, "ERROR 42704"},
		{`ALTER DOMAIN u SET NOT NULL`, "ERROR 42809"},
		{`DROP DOMAIN email`, "ERROR 2BP01"},
		{`DROP DOMAIN email CASCADE`, "ERROR 0A000"},
		{`DROP DOMAIN nope`, "ERROR 42704"},
		{`DROP DOMAIN IF EXISTS nope`, "DROP DOMAIN"},
		{`ALTER TABLE u ADD COLUMN e2 email`, "ERROR 0A000"},
		{`ALTER TABLE u RENAME COLUMN e TO e2`, "ERROR 0A000"},
		{`ALTER TABLE u ALTER COLUMN e TYPE text`, "ERROR 0A000"},
		{`ALTER TABLE u DROP COLUMN e`, "ERROR 0A000"},
		{`ALTER TABLE u ALTER COLUMN n DROP DEFAULT`, "ERROR 0A000"},
		{`CREATE TABLE t2 AS SELECT * FROM u`, "ERROR 0A000"},
		{`CREATE FUNCTION f(x email) RETURNS text LANGUAGE sql AS $$ SELECT x $$`, "ERROR 0A000"},
		{`CREATE FUNCTION f() RETURNS posint LANGUAGE sql AS $$ SELECT 0 $$`, "ERROR 0A000"},
		{`DO $$ DECLARE x email := 'bad'; BEGIN END $$`, "ERROR 0A000"},
		{`DROP TYPE email`, "ERROR 0A000"},
		{`CREATE TABLE email (x int)`, "ERROR 42710"},
		{`CREATE TYPE email AS ENUM ('a')`, "ERROR 42710"},
		{`CREATE DOMAIN d AS int UNIQUE`, "ERROR 0A000"},
		{`CREATE DOMAIN d AS int NULL NOT NULL`, "ERROR 42601"},
		{`CREATE DOMAIN short AS int[] CHECK (cardinality(VALUE) < 3)`, "CREATE DOMAIN"},
	}
	for _, tc := range tests {
		t.Run(tc.sql, func(t *testing.T) {
			s := freshSession(t, domainSetup...)
			assert.Equal(t, tc.want, outcome(t, s, tc.sql))
		})
	}
}

// Ensure a domain column reads as its base type and takes its domain's
// default, and that UPDATE and ON CONFLICT DO UPDATE check the domain.
func TestSession_Exec_DomainColumns(t *testing.T) {
	s := freshSession(t, domainSetup...)
	ctx := context.Background()
	_, err := s.Exec(ctx, `INSERT INTO u (id, e) VALUES (1, 'a@b'), (2, 'c@d')`)
	require.NoError(t, err)
	res, err := s.Exec(ctx, `SELECT id, e, n, n + 1, e || '!' FROM u ORDER BY id`)
	require.NoError(t, err)
	assert.Equal(t, [][]string{{"1", "a@b", "1", "2", "a@b!"}, {"2", "c@d", "1", "2", "c@d!"}}, resultTexts(res))
	assert.Equal(t, "ERROR 23514", outcome(t, s, `UPDATE u SET e = 'bad' WHERE id = 1`))
	assert.Equal(t, "ERROR 23514", outcome(t, s, `UPDATE u SET n = n - 1`))
	assert.Equal(t, "ERROR 23514", outcome(t, s, `INSERT INTO u (id, e) VALUES (1, 'x@y') ON CONFLICT (id) DO UPDATE SET e = 'bad'`))
	assert.Equal(t, "UPDATE 1", outcome(t, s, `UPDATE u SET n = 5 WHERE id = 2`))
	assert.Equal(t, "DROP TABLE", outcome(t, s, `DROP TABLE u`))
	assert.Equal(t, "DROP DOMAIN", outcome(t, s, `DROP DOMAIN email, posint`))
}

// Ensure domains and the columns that use them survive a reopen of a
// durable database, after ALTER DOMAIN, and a fork.
func TestSession_Declarations_DomainSurvivesReopen(t *testing.T) {
	dir := t.TempDir()
	db := openDurable(t, dir)
	for _, st := range append(domainSetup, `ALTER DOMAIN code DROP CONSTRAINT code_upper`) {
		s := pgsql.NewSession(db)
		_, err := s.Exec(context.Background(), st)
		require.NoError(t, err, st)
		require.NoError(t, s.Close())
	}
	require.NoError(t, db.Close())
	db = openDurable(t, dir)
	runAll(t, db, [][2]string{
		{`INSERT INTO u (id, e) VALUES (1, 'a@b')`, "INSERT 0 1"},
		{`INSERT INTO u (id, e) VALUES (2, 'bad')`, "ERROR 23514"},
		{`INSERT INTO u (id, n) VALUES (2, NULL)`, "ERROR 23502"},
		{`SELECT 'A'::code`, "ERROR 23514"},
		{`SELECT 'ab'::code`, "SELECT 1"},
		{`DROP DOMAIN posint`, "ERROR 2BP01"},
	})
	fork, err := db.Fork(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = fork.Close() })
	runAll(t, fork, [][2]string{
		{`INSERT INTO u (id, e) VALUES (3, 'bad')`, "ERROR 23514"},
		{`INSERT INTO u (id) VALUES (3)`, "INSERT 0 1"},
	})
	s := pgsql.NewSession(fork)
	defer s.Close()
	assert.Equal(t, "1|1\n3|1", enumRows(t, s, `SELECT id, n FROM u ORDER BY id`))
}

// Ensure domains show in pg_type and their CHECKs in pg_constraint.
func TestSession_Exec_DomainCatalog(t *testing.T) {
	s := freshSession(t, domainSetup...)
	tests := []struct {
		query string
		want  [][]string
	}{
		{`SELECT typname, typtype, typbasetype::regtype, typnotnull, typdefault, typtypmod FROM pg_type WHERE typtype = 'd' ORDER BY 1`,
			[][]string{{"code", "d", "character varying", "f", "NULL", "8"}, {"email", "d", "text", "f", "NULL", "-1"}, {"posint", "d", "integer", "t", "1", "-1"}}},
		{`SELECT conname, contype, contypid::regtype, conrelid FROM pg_constraint WHERE contypid <> 0 ORDER BY 1`,
			[][]string{{"code_check", "c", "code", "0"}, {"code_upper", "c", "code", "0"}, {"email_check", "c", "email", "0"}, {"posint_check", "c", "posint", "0"}}},
		{`SELECT format_type(oid, typtypmod) FROM pg_type WHERE typtype = 'd' ORDER BY 1`, [][]string{{"code"}, {"email"}, {"posint"}}},
		// psql's \dD, less its Check column.
		{`SELECT n.nspname as "Schema", t.typname as "Name", pg_catalog.format_type(t.typbasetype, t.typtypmod) as "Type", (SELECT c.collname FROM pg_catalog.pg_collation c, pg_catalog.pg_type bt WHERE c.oid = t.typcollation AND bt.oid = t.typbasetype AND t.typcollation <> bt.typcollation) as "Collation", CASE WHEN t.typnotnull THEN 'not null' END as "Nullable", t.typdefault as "Default", array_length(ARRAY(SELECT pg_catalog.pg_get_constraintdef(r.oid, true) FROM pg_catalog.pg_constraint r WHERE t.oid = r.contypid), 1) as "Checks" FROM pg_catalog.pg_type t LEFT JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype = 'd' AND n.nspname <> 'pg_catalog' AND n.nspname <> 'information_schema' AND pg_catalog.pg_type_is_visible(t.oid) ORDER BY 1, 2`,
			[][]string{{"public", "code", "character varying(4)", "NULL", "NULL", "NULL", "2"}, {"public", "email", "text", "NULL", "NULL", "NULL", "1"}, {"public", "posint", "integer", "NULL", "not null", "1", "1"}}},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			assert.Equal(t, tc.want, texts(t, s, tc.query))
		})
	}
}

// Ensure information_schema names domains and the columns that use them.
func TestSession_Exec_DomainInformationSchema(t *testing.T) {
	s := freshSession(t, domainSetup...)
	assert.Equal(t, [][]string{{"code", "character varying", "4", "NULL"}, {"email", "text", "NULL", "NULL"}, {"posint", "integer", "NULL", "1"}},
		texts(t, s, `SELECT domain_name, data_type, character_maximum_length, domain_default FROM information_schema.domains ORDER BY 1`))
	assert.Equal(t, [][]string{{"id", "NULL"}, {"e", "email"}, {"n", "posint"}, {"c", "code"}},
		texts(t, s, `SELECT column_name, domain_name FROM information_schema.columns WHERE table_name = 'u' ORDER BY ordinal_position`))
}

// Ensure ALTER DOMAIN's new CHECK and NOT NULL are checked against the
// values its columns hold, and hold for the writes after it.
func TestSession_Exec_AlterDomain(t *testing.T) {
	s := freshSession(t, domainSetup...)
	steps := [][2]string{
		{`INSERT INTO u (id, e) VALUES (1, 'a@b'), (2, NULL)`, "INSERT 0 2"},
		{`ALTER DOMAIN email SET NOT NULL`, "ERROR 23502"},
		{`ALTER DOMAIN email ADD CONSTRAINT short CHECK (length(VALUE) < 3)`, "ERROR 23514"},
		{`ALTER DOMAIN email ADD CONSTRAINT short CHECK (length(VALUE) < 5)`, "ALTER DOMAIN"},
		{`INSERT INTO u (id, e) VALUES (3, 'ab@cd')`, "ERROR 23514"},
		{`ALTER DOMAIN email DROP CONSTRAINT email_check`, "ALTER DOMAIN"},
		{`INSERT INTO u (id, e) VALUES (3, 'abc')`, "INSERT 0 1"},
		{`ALTER DOMAIN posint DROP NOT NULL`, "ALTER DOMAIN"},
		{`INSERT INTO u (id, n) VALUES (4, NULL)`, "INSERT 0 1"},
		{`ALTER DOMAIN posint SET NOT NULL`, "ERROR 23502"},
		{`DELETE FROM u WHERE id = 4`, "DELETE 1"},
		{`ALTER DOMAIN posint SET NOT NULL`, "ALTER DOMAIN"},
		{`INSERT INTO u (id, n) VALUES (4, NULL)`, "ERROR 23502"},
		{`ALTER DOMAIN code SET DEFAULT 'XY'`, "ERROR 0A000"},
		{`CREATE DOMAIN free AS text`, "CREATE DOMAIN"},
		{`ALTER DOMAIN free SET DEFAULT 'x'`, "ALTER DOMAIN"},
		{`ALTER DOMAIN free ADD CHECK (VALUE <> '')`, "ALTER DOMAIN"},
		{`SELECT ''::free`, "ERROR 23514"},
		{`ALTER DOMAIN free DROP CONSTRAINT free_check`, "ALTER DOMAIN"},
		{`SELECT ''::free`, "SELECT 1"},
	}
	for _, st := range steps {
		assert.Equal(t, st[1], outcome(t, s, st[0]), st[0])
	}
}
