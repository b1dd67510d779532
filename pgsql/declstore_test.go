package pgsql_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql"
)

// declTable is where a durable DB keeps its SQL declarations.
const declTable = "pg_reldb_declarations"

// openDurable opens the durable database in dir, with a clock that steps
// one second per read, and closes it when the test ends.
func openDurable(t *testing.T, dir string) *engine.DB {
	t.Helper()
	c := &stepClock{}
	db, err := engine.Open(engine.Options{Dir: dir, Clock: c.now})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// runAll runs statements in a new session over db, each required to end
// as its want says (a tag or "ERROR <code>").
func runAll(t *testing.T, db *engine.DB, steps [][2]string) {
	t.Helper()
	s := pgsql.NewSession(db)
	defer s.Close()
	for _, st := range steps {
		require.Equal(t, st[1], outcome(t, s, st[0]), st[0])
	}
}

// Ensure every kind of SQL declaration a durable database holds — declared
// types, CHECK constraints, volatile defaults, sequences, indexes,
// comments and views — behaves after Close and Open as before.
func TestSession_Declarations_SurviveReopen(t *testing.T) {
	type query struct {
		sql  string
		want [][]string
	}
	tests := []struct {
		name    string
		before  [][2]string // statements and their outcomes, before Close
		after   [][2]string // statements and their outcomes, after Open
		queries []query     // then queries and their rows
	}{
		{
			name:   "check constraint",
			before: [][2]string{{`CREATE TABLE people (id integer PRIMARY KEY, age integer CHECK (age >= 0), CONSTRAINT sane CHECK (age < 200 OR id > 100))`, "CREATE TABLE"}},
			after: [][2]string{
				{`INSERT INTO people VALUES (1, -1)`, "ERROR 23514"},
				{`INSERT INTO people VALUES (2, 300)`, "ERROR 23514"},
				{`INSERT INTO people VALUES (3, 30)`, "INSERT 0 1"},
				{`UPDATE people SET age = -5`, "ERROR 23514"},
			},
			queries: []query{{`SELECT constraint_name, check_clause FROM information_schema.check_constraints WHERE constraint_name NOT LIKE '%not_null' ORDER BY 1`,
				[][]string{{"people_age_check", "((age >= 0))"}, {"sane", "(((age < 200) OR (id > 100)))"}}}},
		},
		{
			name: "constraints added NOT VALID",
			before: [][2]string{
				{`CREATE TABLE lots (id integer PRIMARY KEY, parent integer, qty integer)`, "CREATE TABLE"},
				{`INSERT INTO lots VALUES (1, 1, 2)`, "INSERT 0 1"},
				{`ALTER TABLE lots ADD CONSTRAINT lots_parent FOREIGN KEY (parent) REFERENCES lots NOT VALID`, "ALTER TABLE"},
				{`ALTER TABLE lots ADD CONSTRAINT lots_qty CHECK (qty > 0) NOT VALID`, "ALTER TABLE"},
			},
			after: [][2]string{
				{`INSERT INTO lots VALUES (2, 1, 0)`, "ERROR 23514"},
				{`ALTER TABLE lots VALIDATE CONSTRAINT lots_qty`, "ALTER TABLE"},
			},
			queries: []query{{`SELECT conname, convalidated, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype IN ('c', 'f') ORDER BY 1`,
				[][]string{{"lots_parent", "f", "FOREIGN KEY (parent) REFERENCES lots(id) NOT VALID"}, {"lots_qty", "t", "CHECK ((qty > 0))"}}}},
		},
		{
			name: "column type rewritten",
			before: [][2]string{
				{`CREATE TABLE prices (id integer PRIMARY KEY, cents text NOT NULL)`, "CREATE TABLE"},
				{`CREATE INDEX prices_cents ON prices (cents)`, "CREATE INDEX"},
				{`INSERT INTO prices VALUES (1, '250'), (2, '1999')`, "INSERT 0 2"},
				{`ALTER TABLE prices ALTER COLUMN cents TYPE numeric(8,2) USING cents::numeric / 100`, "ALTER TABLE"},
			},
			after: [][2]string{
				{`INSERT INTO prices VALUES (3, 'x')`, "ERROR 22P02"},
				{`INSERT INTO prices VALUES (3, 0.5)`, "INSERT 0 1"},
			},
			queries: []query{{`SELECT id, cents FROM prices WHERE cents > 1 ORDER BY cents`, [][]string{{"1", "2.50"}, {"2", "19.99"}}}},
		},
		{
			name: "generated column",
			before: [][2]string{
				{`CREATE TABLE lines (id integer PRIMARY KEY, qty integer, price numeric(6,2), total numeric(8,2) GENERATED ALWAYS AS (qty * price) STORED)`, "CREATE TABLE"},
				{`INSERT INTO lines (id, qty, price) VALUES (1, 2, 1.25)`, "INSERT 0 1"},
			},
			after: [][2]string{
				{`INSERT INTO lines VALUES (2, 1, 1, 1)`, "ERROR 428C9"},
				{`INSERT INTO lines (id, qty, price) VALUES (2, 3, 2)`, "INSERT 0 1"},
				{`UPDATE lines SET qty = qty + 1 WHERE id = 1`, "UPDATE 1"},
			},
			queries: []query{{`SELECT id, total FROM lines ORDER BY id`, [][]string{{"1", "3.75"}, {"2", "6.00"}}}},
		},
		{
			name: "trigger function and triggers",
			before: [][2]string{
				{`CREATE TABLE items (id integer PRIMARY KEY, qty integer, note text)`, "CREATE TABLE"},
				{`CREATE TABLE log (msg text)`, "CREATE TABLE"},
				{`CREATE FUNCTION guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE lim integer := 100;
BEGIN
  IF NEW.qty > lim THEN RAISE EXCEPTION 'qty % too big', NEW.qty USING ERRCODE = 'check_violation'; END IF;
  NEW.note := coalesce(NEW.note, 'none');
  RETURN NEW;
END $$`, "CREATE FUNCTION"},
				{`CREATE FUNCTION logit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO log VALUES (TG_OP || ' ' || NEW.id); RETURN NULL; END $$`, "CREATE FUNCTION"},
				{`CREATE TRIGGER a_guard BEFORE INSERT OR UPDATE OF qty ON items FOR EACH ROW EXECUTE FUNCTION guard()`, "CREATE TRIGGER"},
				{`CREATE TRIGGER b_log AFTER INSERT ON items FOR EACH ROW WHEN (NEW.qty > 0) EXECUTE FUNCTION logit()`, "CREATE TRIGGER"},
				{`CREATE TRIGGER c_off AFTER INSERT ON items FOR EACH ROW EXECUTE FUNCTION logit()`, "CREATE TRIGGER"},
				{`ALTER TABLE items DISABLE TRIGGER c_off`, "ALTER TABLE"},
			},
			after: [][2]string{
				{`INSERT INTO items VALUES (1, 500, NULL)`, "ERROR 23514"},
				{`INSERT INTO items VALUES (1, 5, NULL), (2, 0, 'x')`, "INSERT 0 2"},
				{`DROP FUNCTION logit()`, "ERROR 2BP01"},
			},
			queries: []query{
				{`SELECT id, qty, note FROM items ORDER BY id`, [][]string{{"1", "5", "none"}, {"2", "0", "x"}}},
				{`SELECT msg FROM log`, [][]string{{"INSERT 1"}}},
			},
		},
		{
			name:   "declared types",
			before: [][2]string{{`CREATE TABLE names (id int4 PRIMARY KEY, small int2, name varchar(5), code char(3), price numeric(6,2), at timestamp, u uuid, d date, r real)`, "CREATE TABLE"}},
			after: [][2]string{
				{`INSERT INTO names (id, name) VALUES (1, 'toolong')`, "ERROR 22001"},
				{`INSERT INTO names (id, small) VALUES (1, 40000)`, "ERROR 22003"},
				{`INSERT INTO names (id, price) VALUES (1, 12345.6)`, "ERROR 22003"},
				{`INSERT INTO names (id, name, code, price) VALUES (1, 'short', 'ab', 1.5)`, "INSERT 0 1"},
			},
			queries: []query{
				{`SELECT column_name, data_type, character_maximum_length FROM information_schema.columns WHERE table_name = 'names' ORDER BY ordinal_position`,
					[][]string{{"id", "integer", "NULL"}, {"small", "smallint", "NULL"}, {"name", "character varying", "5"}, {"code", "character", "3"},
						{"price", "numeric", "NULL"}, {"at", "timestamp without time zone", "NULL"}, {"u", "uuid", "NULL"}, {"d", "date", "NULL"}, {"r", "real", "NULL"}}},
				{`SELECT code, price FROM names`, [][]string{{"ab ", "1.50"}}},
			},
		},
		{
			name: "time columns",
			before: [][2]string{
				{`CREATE TABLE slots (id integer PRIMARY KEY, opens time NOT NULL, closes time(2))`, "CREATE TABLE"},
				{`INSERT INTO slots VALUES (1, '09:30', '17:45:00.555')`, "INSERT 0 1"},
			},
			after: [][2]string{
				{`INSERT INTO slots VALUES (2, '25:00', NULL)`, "ERROR 22008"},
				{`INSERT INTO slots VALUES (2, '24:00', '10:00:00.125')`, "INSERT 0 1"},
			},
			queries: []query{
				{`SELECT id, opens, closes FROM slots ORDER BY opens`, [][]string{{"1", "09:30:00", "17:45:00.56"}, {"2", "24:00:00", "10:00:00.13"}}},
				{`SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'slots'::regclass AND attnum > 1 ORDER BY attnum`,
					[][]string{{"time without time zone"}, {"time(2) without time zone"}}},
			},
		},
		{
			name: "view",
			before: [][2]string{
				{`CREATE TABLE items (id integer PRIMARY KEY, name text, qty integer)`, "CREATE TABLE"},
				{`INSERT INTO items VALUES (1, 'a', 5), (2, 'b', 0), (3, 'c', 7)`, "INSERT 0 3"},
				{`CREATE VIEW stocked AS SELECT * FROM items WHERE qty > 0`, "CREATE VIEW"},
				{`CREATE VIEW names (label) AS SELECT upper(name) FROM stocked`, "CREATE VIEW"},
			},
			after: [][2]string{
				// The * stands for the columns it stood for at creation.
				{`ALTER TABLE items ADD COLUMN extra text`, "ALTER TABLE"},
				{`DROP TABLE items`, "ERROR 2BP01"},
				{`INSERT INTO stocked VALUES (4, 'd', 1)`, "ERROR 0A000"},
			},
			queries: []query{
				{`SELECT * FROM stocked ORDER BY id`, [][]string{{"1", "a", "5"}, {"3", "c", "7"}}},
				{`SELECT label FROM names ORDER BY 1`, [][]string{{"A"}, {"C"}}},
				{`SELECT viewname FROM pg_views WHERE schemaname = 'public' ORDER BY 1`, [][]string{{"names"}, {"stocked"}}},
			},
		},
		{
			name: "view over a renamed table",
			before: [][2]string{
				{`CREATE TABLE drafts (id integer PRIMARY KEY, title text)`, "CREATE TABLE"},
				{`INSERT INTO drafts VALUES (1, 'a'), (2, 'b')`, "INSERT 0 2"},
				{`CREATE VIEW titles AS SELECT drafts.title AS t, * FROM drafts WHERE drafts.id > 1`, "CREATE VIEW"},
				{`ALTER TABLE drafts RENAME TO papers`, "ALTER TABLE"},
			},
			after: [][2]string{
				{`CREATE TABLE drafts (id integer)`, "CREATE TABLE"},
				{`DROP TABLE papers`, "ERROR 2BP01"},
			},
			queries: []query{{`SELECT * FROM titles`, [][]string{{"b", "2", "b"}}}},
		},
		{
			name: "comments",
			before: [][2]string{
				{`CREATE TABLE notes (id integer PRIMARY KEY, body text)`, "CREATE TABLE"},
				{`COMMENT ON TABLE notes IS 'things to remember'`, "COMMENT"},
				{`COMMENT ON COLUMN notes.body IS 'the text'`, "COMMENT"},
				{`CREATE VIEW short AS SELECT id FROM notes`, "CREATE VIEW"},
				{`COMMENT ON VIEW short IS 'a view''s comment'`, "COMMENT"},
			},
			queries: []query{{`SELECT obj_description('notes'::regclass, 'pg_class'), col_description('notes'::regclass, 2), obj_description('short'::regclass, 'pg_class')`,
				[][]string{{"things to remember", "the text", "a view's comment"}}}},
		},
		{
			name: "volatile defaults",
			before: [][2]string{
				{`CREATE TABLE events (id integer PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), u uuid DEFAULT gen_random_uuid(), note text DEFAULT 'none')`, "CREATE TABLE"},
				{`ALTER TABLE events ADD COLUMN day date DEFAULT current_date`, "ALTER TABLE"},
			},
			after: [][2]string{
				{`INSERT INTO events (id) VALUES (1)`, "INSERT 0 1"},
				{`INSERT INTO events (id) VALUES (2)`, "INSERT 0 1"},
			},
			queries: []query{
				// Each insert read the clock and drew a uuid of its own.
				{`SELECT count(DISTINCT at), count(DISTINCT u), min(note), count(day) FROM events`, [][]string{{"2", "2", "none", "2"}}},
				{`SELECT column_name, column_default FROM information_schema.columns WHERE table_name = 'events' ORDER BY ordinal_position`,
					[][]string{{"id", "NULL"}, {"at", "now()"}, {"u", "gen_random_uuid()"}, {"note", "'none'::text"}, {"day", "CURRENT_DATE"}}},
			},
		},
		{
			name: "serial and identity",
			before: [][2]string{
				{`CREATE TABLE s (id serial PRIMARY KEY, v text)`, "CREATE TABLE"},
				{`CREATE TABLE g (id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, v text)`, "CREATE TABLE"},
				{`CREATE TABLE ga (code text PRIMARY KEY, id bigint GENERATED ALWAYS AS IDENTITY)`, "CREATE TABLE"},
				{`INSERT INTO ga (code) VALUES ('x')`, "INSERT 0 1"},
				{`INSERT INTO s (v) VALUES ('a'), ('b')`, "INSERT 0 2"},
				{`INSERT INTO g (v) VALUES ('a'), ('b'), ('c')`, "INSERT 0 3"},
				{`DELETE FROM s WHERE id = 2`, "DELETE 1"},
			},
			after: [][2]string{
				{`INSERT INTO s (v) VALUES ('c')`, "INSERT 0 1"},
				{`INSERT INTO g (v) VALUES ('d')`, "INSERT 0 1"},
				// Still GENERATED ALWAYS after the reopen.
				{`INSERT INTO ga (code, id) VALUES ('y', 7)`, "ERROR 428C9"},
				{`INSERT INTO ga (code) VALUES ('y')`, "INSERT 0 1"},
			},
			queries: []query{
				{`SELECT id, v FROM s ORDER BY id`, [][]string{{"1", "a"}, {"3", "c"}}},
				{`SELECT id, v FROM g ORDER BY id DESC LIMIT 1`, [][]string{{"4", "d"}}},
				// An identity column has no DEFAULT, as in PostgreSQL.
				{`SELECT table_name, data_type, column_default, is_identity, identity_generation FROM information_schema.columns WHERE column_name = 'id' ORDER BY 1`,
					[][]string{{"g", "integer", "NULL", "YES", "BY DEFAULT"}, {"ga", "bigint", "NULL", "YES", "ALWAYS"},
						{"s", "integer", "nextval('s_id_seq'::regclass)", "NO", "NULL"}}},
				{`SELECT code, id FROM ga ORDER BY code`, [][]string{{"x", "1"}, {"y", "2"}}},
			},
		},
		{
			name: "indexes",
			before: [][2]string{
				{`CREATE TABLE parents (id integer PRIMARY KEY, code text UNIQUE)`, "CREATE TABLE"},
				{`CREATE TABLE kids (id integer PRIMARY KEY, parent_id integer REFERENCES parents, name text)`, "CREATE TABLE"},
				{`CREATE INDEX kids_name_idx ON kids (name)`, "CREATE INDEX"},
			},
			after: [][2]string{
				{`CREATE INDEX kids_name_idx ON kids (name)`, "ERROR 42P07"},
				{`DROP INDEX kids_name_idx`, "DROP INDEX"},
			},
			queries: []query{
				// The foreign key's own index stays out of sight, as before.
				{`SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1`,
					[][]string{{"kids_pkey"}, {"parents_code_key"}, {"parents_pkey"}}},
			},
		},
		{
			name: "alter and rename",
			before: [][2]string{
				{`CREATE TABLE old (id integer PRIMARY KEY, n varchar(10) CHECK (n <> 'bad'))`, "CREATE TABLE"},
				{`ALTER TABLE old RENAME TO renamed`, "ALTER TABLE"},
				{`ALTER TABLE renamed RENAME COLUMN n TO label`, "ALTER TABLE"},
				{`ALTER TABLE renamed ALTER COLUMN label TYPE varchar(20)`, "ALTER TABLE"},
				{`ALTER TABLE renamed ADD CONSTRAINT positive CHECK (id > 0)`, "ALTER TABLE"},
			},
			after: [][2]string{
				{`INSERT INTO renamed VALUES (1, 'bad')`, "ERROR 23514"},
				{`INSERT INTO renamed VALUES (-1, 'good')`, "ERROR 23514"},
				{`INSERT INTO renamed VALUES (1, 'twenty characters ok')`, "INSERT 0 1"},
				{`INSERT INTO renamed VALUES (2, 'twenty-one characters')`, "ERROR 22001"},
				{`SELECT * FROM old`, "ERROR 42P01"},
			},
		},
		{
			name: "dropped view",
			before: [][2]string{
				{`CREATE TABLE base (id integer PRIMARY KEY)`, "CREATE TABLE"},
				{`CREATE VIEW v AS SELECT id FROM base`, "CREATE VIEW"},
				{`DROP VIEW v`, "DROP VIEW"},
			},
			after: [][2]string{
				{`SELECT * FROM v`, "ERROR 42P01"},
				{`DROP TABLE base`, "DROP TABLE"},
			},
		},
		{
			name: "rolled back",
			before: [][2]string{
				{`CREATE TABLE base (id integer PRIMARY KEY, n text)`, "CREATE TABLE"},
				{`BEGIN`, "BEGIN"},
				{`CREATE VIEW v AS SELECT id FROM base`, "CREATE VIEW"},
				{`ALTER TABLE base ADD CONSTRAINT short CHECK (length(n) < 3)`, "ALTER TABLE"},
				{`COMMENT ON TABLE base IS 'never'`, "COMMENT"},
				{`ROLLBACK`, "ROLLBACK"},
				{`BEGIN`, "BEGIN"},
				{`CREATE VIEW w AS SELECT n FROM base`, "CREATE VIEW"},
				{`SAVEPOINT s`, "SAVEPOINT"},
				{`CREATE VIEW x AS SELECT n FROM base`, "CREATE VIEW"},
				{`ROLLBACK TO SAVEPOINT s`, "ROLLBACK"},
				{`COMMIT`, "COMMIT"},
			},
			after: [][2]string{
				{`SELECT * FROM v`, "ERROR 42P01"},
				{`SELECT * FROM x`, "ERROR 42P01"},
				{`INSERT INTO base VALUES (1, 'long enough')`, "INSERT 0 1"},
			},
			queries: []query{
				{`SELECT obj_description('base'::regclass, 'pg_class')`, [][]string{{"NULL"}}},
				{`SELECT * FROM w`, [][]string{{"long enough"}}},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			db := openDurable(t, dir)
			runAll(t, db, tc.before)
			require.NoError(t, db.Close())

			db = openDurable(t, dir)
			runAll(t, db, tc.after)
			s := pgsql.NewSession(db)
			defer s.Close()
			for _, q := range tc.queries {
				assert.Equal(t, q.want, texts(t, s, q.sql), q.sql)
			}
			require.NoError(t, db.Check())
		})
	}
}

// Ensure SQL neither sees nor takes the table of the declarations: no
// statement reaches it, no catalog lists it, and the Go API's listings
// leave it out.
func TestSession_Declarations_TableHidden(t *testing.T) {
	db := openDurable(t, t.TempDir())
	runAll(t, db, [][2]string{
		{`CREATE TABLE t (id integer PRIMARY KEY CHECK (id > 0))`, "CREATE TABLE"},
		{`SELECT * FROM ` + declTable, "ERROR 42P01"},
		{`SELECT * FROM public.` + declTable, "ERROR 42P01"},
		{`INSERT INTO ` + declTable + ` VALUES ('x', 1, '{}')`, "ERROR 42P01"},
		{`UPDATE ` + declTable + ` SET body = ''`, "ERROR 42P01"},
		{`DELETE FROM ` + declTable, "ERROR 42P01"},
		{`TRUNCATE ` + declTable, "ERROR 42P01"},
		{`DROP TABLE ` + declTable, "ERROR 42P01"},
		{`DROP TABLE IF EXISTS ` + declTable, "DROP TABLE"},
		{`ALTER TABLE ` + declTable + ` ADD COLUMN x text`, "ERROR 42P01"},
		{`COMMENT ON TABLE ` + declTable + ` IS 'x'`, "ERROR 42P01"},
		{`CREATE INDEX ON ` + declTable + ` (body)`, "ERROR 42P01"},
		{`DROP INDEX ` + declTable + `_pkey`, "ERROR 42704"},
		{`CREATE TABLE ` + declTable + ` (id integer)`, "ERROR 42939"},
		{`CREATE TABLE IF NOT EXISTS pg_reldb_other (id integer)`, "ERROR 42939"},
		{`CREATE VIEW pg_reldb_v AS SELECT 1`, "ERROR 42939"},
		{`ALTER TABLE t RENAME TO pg_reldb_t`, "ERROR 42939"},
	})
	s := pgsql.NewSession(db)
	defer s.Close()
	for _, q := range []string{
		`SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'pg_reldb%'`,
		`SELECT count(*) FROM information_schema.columns WHERE table_name LIKE 'pg_reldb%'`,
		`SELECT count(*) FROM pg_class WHERE relname LIKE 'pg_reldb%'`,
		`SELECT count(*) FROM pg_tables WHERE tablename LIKE 'pg_reldb%'`,
		`SELECT count(*) FROM pg_indexes WHERE tablename LIKE 'pg_reldb%'`,
	} {
		assert.Equal(t, [][]string{{"0"}}, texts(t, s, q), q)
	}
	require.NoError(t, db.View(context.Background(), func(tx *engine.Tx) error {
		_, err := tx.Table(declTable)
		require.NoError(t, err, "the durable database keeps the table")
		tables, err := tx.Tables()
		require.NoError(t, err)
		require.Len(t, tables, 1)
		assert.Equal(t, "t", tables[0].Name)
		ddl, err := tx.DDL()
		require.NoError(t, err)
		assert.NotContains(t, ddl, "pg_reldb")
		return nil
	}))
}

// Ensure an in-memory database keeps its declarations in memory only, as
// before, and a fork of a durable one carries them without writing them.
func TestSession_Declarations_InMemoryAndFork(t *testing.T) {
	mem, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	defer mem.Close()
	runAll(t, mem, [][2]string{{`CREATE TABLE t (id integer PRIMARY KEY CHECK (id > 0))`, "CREATE TABLE"}})
	require.NoError(t, mem.View(context.Background(), func(tx *engine.Tx) error {
		_, err := tx.Table(declTable)
		require.ErrorIs(t, err, engine.ErrNoTable)
		return nil
	}))

	dir := t.TempDir()
	db := openDurable(t, dir)
	runAll(t, db, [][2]string{{`CREATE TABLE t (id integer PRIMARY KEY CHECK (id > 0))`, "CREATE TABLE"}})
	require.NoError(t, db.Close())
	db = openDurable(t, dir)
	// Forked before any session read the declarations: the fork reads them.
	early, err := db.Fork(engine.Options{})
	require.NoError(t, err)
	defer early.Close()
	runAll(t, early, [][2]string{{`INSERT INTO t VALUES (0)`, "ERROR 23514"}})
	runAll(t, db, [][2]string{{`CREATE VIEW v AS SELECT id FROM t`, "CREATE VIEW"}})
	// Forked after: the fork copies them, and its changes stay its own.
	late, err := db.Fork(engine.Options{})
	require.NoError(t, err)
	defer late.Close()
	runAll(t, late, [][2]string{
		{`INSERT INTO t VALUES (0)`, "ERROR 23514"},
		{`INSERT INTO t VALUES (1)`, "INSERT 0 1"},
		{`SELECT * FROM v`, "SELECT 1"},
		{`DROP VIEW v`, "DROP VIEW"},
		{`CREATE VIEW w AS SELECT id FROM t`, "CREATE VIEW"},
	})
	runAll(t, db, [][2]string{{`SELECT * FROM v`, "SELECT 0"}, {`SELECT * FROM w`, "ERROR 42P01"}})
}

// Ensure a declaration that cannot be read back fails every statement of
// the reopened database with XX001 naming it, rather than letting SQL run
// without its CHECK constraints, types or views.
func TestSession_Declarations_Corrupt(t *testing.T) {
	tests := []struct {
		name   string
		format int64
		body   string
	}{
		{"not json", 1, `{"types":`},
		{"unknown format", 2, `{}`},
		{"unknown field", 1, `{"types":null,"checks":null,"defaults":null,"indexes":null,"comments":null,"view":null,"extra":1}`},
		{"bad type", 1, `{"types":{"id":"varchar(x)"},"checks":null,"defaults":null,"indexes":null,"comments":null,"view":null}`},
		{"unknown type", 1, `{"types":{"id":"money"},"checks":null,"defaults":null,"indexes":null,"comments":null,"view":null}`},
		{"bad check", 1, `{"types":{"id":"int4"},"checks":[{"name":"c","expr":"(id >"}],"defaults":null,"indexes":null,"comments":null,"view":null}`},
		{"check not canonical", 1, `{"types":{"id":"int4"},"checks":[{"name":"c","expr":"id>0"}],"defaults":null,"indexes":null,"comments":null,"view":null}`},
		{"check not one expression", 1, `{"types":{"id":"int4"},"checks":[{"name":"c","expr":"1 FROM t"}],"defaults":null,"indexes":null,"comments":null,"view":null}`},
		{"bad origin", 1, `{"types":{"id":"int4"},"checks":null,"defaults":null,"indexes":{"i":"magic"},"comments":null,"view":null}`},
		{"bad view", 1, `{"types":null,"checks":null,"defaults":null,"indexes":null,"comments":null,"view":{"query":"DELETE FROM t","columns":[],"stars":[]}}`},
		{"bad star", 1, `{"types":null,"checks":null,"defaults":null,"indexes":null,"comments":null,"view":{"query":"SELECT * FROM t","columns":[],"stars":[{"at":1,"columns":[]}]}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			db := openDurable(t, dir)
			runAll(t, db, [][2]string{{`CREATE TABLE t (id integer PRIMARY KEY CHECK (id > 0))`, "CREATE TABLE"}})
			require.NoError(t, db.Update(context.Background(), func(tx *engine.Tx) error {
				_, err := tx.Update(declTable, "t", engine.Row{"format": tc.format, "body": tc.body})
				return err
			}))
			require.NoError(t, db.Close())

			db = openDurable(t, dir)
			s := pgsql.NewSession(db)
			defer s.Close()
			for _, sql := range []string{`SELECT 1`, `INSERT INTO t VALUES (0)`, `BEGIN`} {
				_, err := s.Exec(context.Background(), sql)
				var pe *pgsql.Error
				require.True(t, errors.As(err, &pe), "%s: %v", sql, err)
				assert.Equal(t, "XX001", pe.Code, sql)
				assert.Contains(t, pe.Message, `"t"`)
				assert.Contains(t, pe.Message, declTable)
			}
			_, err := s.Prepare(context.Background(), `SELECT 1`, nil)
			var pe *pgsql.Error
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "XX001", pe.Code)
			// The rows themselves are untouched, and the Go API reads them.
			require.NoError(t, db.View(context.Background(), func(tx *engine.Tx) error {
				_, err := tx.Get("t", 1)
				require.ErrorIs(t, err, engine.ErrNotFound)
				return nil
			}))
		})
	}
}

// declCrashEnv names the directory of the child process of
// TestSession_Declarations_Crash.
const declCrashEnv = "RELDB_DECL_CRASH_DIR"

// Ensure declarations committed before a crash are there after it, and
// those of a transaction the crash cut short are not: a child process
// (this test binary again) commits DDL, leaves a transaction with more DDL
// open, and kills itself with SIGKILL, never closing the database.
func TestSession_Declarations_Crash(t *testing.T) {
	if dir := os.Getenv(declCrashEnv); dir != "" {
		declCrashChild(t, dir)
		return
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestSession_Declarations_Crash$", "-test.count=1")
	cmd.Env = append(os.Environ(), declCrashEnv+"="+dir)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "%s", out)
	status, ok := exit.Sys().(syscall.WaitStatus)
	require.True(t, ok)
	require.True(t, status.Signaled() && status.Signal() == syscall.SIGKILL, "the child was to kill itself: %s", out)

	db := openDurable(t, dir)
	runAll(t, db, [][2]string{
		{`INSERT INTO people VALUES (1, -1)`, "ERROR 23514"},
		{`INSERT INTO people VALUES (2, 20)`, "INSERT 0 1"},
		{`SELECT * FROM adults`, "SELECT 2"},
		{`SELECT * FROM uncommitted`, "ERROR 42P01"},
		{`INSERT INTO people VALUES (3, 150)`, "INSERT 0 1"},
	})
	s := pgsql.NewSession(db)
	defer s.Close()
	assert.Equal(t, [][]string{{"committed", "NULL"}}, texts(t, s, `SELECT obj_description('people'::regclass, 'pg_class'), col_description('people'::regclass, 1)`))
}

// declCrashChild is the child of TestSession_Declarations_Crash.
func declCrashChild(t *testing.T, dir string) {
	db, err := engine.Open(engine.Options{Dir: dir})
	require.NoError(t, err)
	s := pgsql.NewSession(db)
	for _, sql := range []string{
		`CREATE TABLE people (id integer PRIMARY KEY, age integer CHECK (age >= 0))`,
		`INSERT INTO people VALUES (10, 30)`,
		`CREATE VIEW adults AS SELECT * FROM people WHERE age >= 18`,
		`COMMENT ON TABLE people IS 'committed'`,
		`BEGIN`,
		`CREATE VIEW uncommitted AS SELECT id FROM people`,
		`ALTER TABLE people ADD CONSTRAINT young CHECK (age < 100)`,
		`COMMENT ON COLUMN people.id IS 'never committed'`,
	} {
		_, err := s.Exec(context.Background(), sql)
		require.NoError(t, err, sql)
	}
	require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGKILL))
	select {} // the signal ends the process
}

// Ensure a durable database opened read-only gets its declarations, and
// one where SQL never ran opens read-only without them.
func TestSession_Declarations_ReadOnly(t *testing.T) {
	dir := t.TempDir()
	db := openDurable(t, dir)
	require.NoError(t, db.Update(context.Background(), func(tx *engine.Tx) error {
		return tx.CreateTable(engine.Table{Name: "plain", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}}})
	}))
	require.NoError(t, db.Close())
	ro, err := engine.Open(engine.Options{Dir: dir, ReadOnly: true})
	require.NoError(t, err)
	runAll(t, ro, [][2]string{{`SELECT * FROM plain`, "SELECT 0"}, {`CREATE TABLE t (id integer PRIMARY KEY)`, "ERROR 25006"}})
	require.NoError(t, ro.Close())

	db = openDurable(t, dir)
	runAll(t, db, [][2]string{
		{`CREATE TABLE t (id integer PRIMARY KEY, name varchar(3) CHECK (name <> 'no'))`, "CREATE TABLE"},
		{`CREATE VIEW v AS SELECT name FROM t`, "CREATE VIEW"},
	})
	require.NoError(t, db.Close())
	ro, err = engine.Open(engine.Options{Dir: dir, ReadOnly: true})
	require.NoError(t, err)
	defer ro.Close()
	runAll(t, ro, [][2]string{{`SELECT * FROM v`, "SELECT 0"}, {`INSERT INTO t VALUES (1, 'x')`, "ERROR 25006"}})
	s := pgsql.NewSession(ro)
	defer s.Close()
	assert.Equal(t, [][]string{{"character varying", "3"}},
		texts(t, s, `SELECT data_type, character_maximum_length FROM information_schema.columns WHERE table_name = 't' AND column_name = 'name'`))
}
