package pgsql_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql"
)

// triggerSession returns a session over a fresh database holding items,
// a table with a serial key, and the statements given, each required to
// succeed.
func triggerSession(t *testing.T, stmts ...string) *pgsql.Session {
	t.Helper()
	return freshSession(t, append([]string{`CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL, qty integer CHECK (qty < 1000), note text)`}, stmts...)...)
}

// execErr runs sql and returns its error as a *pgsql.Error (nil when it
// succeeds).
func execErr(t *testing.T, s *pgsql.Session, sql string) *pgsql.Error {
	t.Helper()
	_, err := s.Exec(context.Background(), sql)
	if err == nil {
		return nil
	}
	var pe *pgsql.Error
	require.ErrorAs(t, err, &pe)
	return pe
}

// Ensure the errors of CREATE FUNCTION, CREATE TRIGGER, DROP and of a
// trigger's run carry PostgreSQL 15's SQLSTATE, message, detail and hint.
func TestTrigger_Errors(t *testing.T) {
	const okFunc = `CREATE FUNCTION ok() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`
	tests := []struct {
		name         string
		setup        []string
		sql          string
		code, msg    string
		detail, hint string
	}{
		{name: "function exists", setup: []string{okFunc}, sql: okFunc,
			code: "42723", msg: `function "ok" already exists with same argument types`},
		{name: "trigger function with arguments", sql: `CREATE FUNCTION f(a integer) RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`,
			code: "42P13", msg: "trigger functions cannot have declared arguments", hint: "The arguments of the trigger can be accessed through TG_NARGS and TG_ARGV instead."},
		{name: "no language", sql: `CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN RETURN NEW; END $$`, code: "42P13", msg: "no language specified"},
		{name: "sql trigger function", sql: `CREATE FUNCTION f() RETURNS trigger LANGUAGE sql AS $$ SELECT 1 $$`,
			code: "42P13", msg: "SQL functions cannot return type trigger"},
		{name: "OUT arguments", sql: `CREATE FUNCTION f(OUT a integer) LANGUAGE plpgsql AS $$ BEGIN a := 1; END $$`,
			code: "0A000", msg: "CREATE FUNCTION with OUT, INOUT or VARIADIC arguments is not supported"},
		{name: "other language", sql: `CREATE FUNCTION f() RETURNS integer LANGUAGE c AS 'f'`,
			code: "0A000", msg: "CREATE FUNCTION in LANGUAGE c is not supported"},
		{name: "unknown language", sql: `CREATE FUNCTION f() RETURNS integer LANGUAGE plpython3u AS 'f'`,
			code: "42704", msg: `language "plpython3u" does not exist`, hint: "Use CREATE EXTENSION to load the language into the database."},
		{name: "unknown function", sql: `CREATE TRIGGER t BEFORE UPDATE ON items FOR EACH ROW EXECUTE FUNCTION nof()`,
			code: "42883", msg: "function nof() does not exist"},
		{name: "unknown table", setup: []string{okFunc}, sql: `CREATE TRIGGER t BEFORE UPDATE ON nope FOR EACH ROW EXECUTE FUNCTION ok()`,
			code: "42P01", msg: `relation "nope" does not exist`},
		{name: "trigger exists", setup: []string{okFunc, `CREATE TRIGGER t BEFORE UPDATE ON items FOR EACH ROW EXECUTE FUNCTION ok()`},
			sql: `CREATE TRIGGER t AFTER INSERT ON items FOR EACH ROW EXECUTE FUNCTION ok()`, code: "42710", msg: `trigger "t" for relation "items" already exists`},
		{name: "OLD in an INSERT trigger's WHEN", setup: []string{okFunc}, sql: `CREATE TRIGGER t BEFORE INSERT ON items FOR EACH ROW WHEN (OLD.qty > 0) EXECUTE FUNCTION ok()`,
			code: "42P17", msg: "INSERT trigger's WHEN condition cannot reference OLD values"},
		{name: "NEW in a DELETE trigger's WHEN", setup: []string{okFunc}, sql: `CREATE TRIGGER t BEFORE DELETE ON items FOR EACH ROW WHEN (NEW.qty > 0) EXECUTE FUNCTION ok()`,
			code: "42P17", msg: "DELETE trigger's WHEN condition cannot reference NEW values"},
		{name: "UPDATE OF an unknown column", setup: []string{okFunc}, sql: `CREATE TRIGGER t BEFORE UPDATE OF nocol ON items FOR EACH ROW EXECUTE FUNCTION ok()`,
			code: "42703", msg: `column "nocol" of relation "items" does not exist`},
		{name: "view", setup: []string{okFunc, `CREATE VIEW v AS SELECT * FROM items`}, sql: `CREATE TRIGGER t BEFORE UPDATE ON v FOR EACH ROW EXECUTE FUNCTION ok()`,
			code: "42809", msg: `"v" is a view`, detail: "Views cannot have row-level BEFORE or AFTER triggers."},
		{name: "drop a function a trigger calls", setup: []string{okFunc, `CREATE TRIGGER t BEFORE UPDATE ON items FOR EACH ROW EXECUTE FUNCTION ok()`},
			sql: `DROP FUNCTION ok()`, code: "2BP01", msg: "cannot drop function ok() because other objects depend on it",
			detail: "trigger t on table items depends on function ok()", hint: "Use DROP ... CASCADE to drop the dependent objects too."},
		{name: "drop an unknown function", sql: `DROP FUNCTION nof()`, code: "42883", msg: "function nof() does not exist"},
		{name: "drop an unknown function without arguments", sql: `DROP FUNCTION nof`, code: "42883", msg: `could not find a function named "nof"`},
		{name: "drop a function of other arguments", setup: []string{okFunc}, sql: `DROP FUNCTION ok(int)`, code: "42883", msg: "function ok(integer) does not exist"},
		{name: "drop an unknown trigger", sql: `DROP TRIGGER nt ON items`, code: "42704", msg: `trigger "nt" for table "items" does not exist`},
		{name: "disable an unknown trigger", sql: `ALTER TABLE items DISABLE TRIGGER nt`, code: "42704", msg: `trigger "nt" for table "items" does not exist`},
		{name: "NEW.*", setup: []string{
			`CREATE TABLE copy (id integer, name text, qty integer, note text)`,
			`CREATE FUNCTION v() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO copy SELECT NEW.*; RETURN NEW; END $$`,
			`CREATE TRIGGER v BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION v()`}, sql: `INSERT INTO items (name) VALUES ('x')`,
			code: "0A000", msg: "NEW.* in PL/pgSQL is not supported"},
		{name: "whole row to json", setup: []string{
			`CREATE TABLE copy (j json)`,
			`CREATE FUNCTION v() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO copy VALUES (row_to_json(NEW)); RETURN NEW; END $$`,
			`CREATE TRIGGER v BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION v()`}, sql: `INSERT INTO items (name) VALUES ('x')`,
			code: "0A000", msg: "whole-row reference to NEW in PL/pgSQL is not supported"},
		{name: "a trigger function called", setup: []string{okFunc}, sql: `SELECT ok()`,
			code: "0A000", msg: "trigger functions can only be called as triggers"},
		{name: "statement trigger", setup: []string{okFunc}, sql: `CREATE TRIGGER t AFTER INSERT ON items FOR EACH STATEMENT EXECUTE FUNCTION ok()`,
			code: "0A000", msg: "FOR EACH STATEMENT trigger is not supported"},
		{name: "drop a column UPDATE OF names",
			setup: []string{okFunc, `CREATE TRIGGER t BEFORE UPDATE OF note ON items FOR EACH ROW EXECUTE FUNCTION ok()`},
			sql:   `ALTER TABLE items DROP COLUMN note`, code: "2BP01", msg: "cannot drop column note of table items because other objects depend on it",
			detail: "trigger t on table items depends on column note of table items", hint: "Use DROP ... CASCADE to drop the dependent objects too."},
		// Run-time errors.
		{name: "raise exception", setup: []string{
			`CREATE FUNCTION v() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.qty < 0 THEN RAISE EXCEPTION 'qty % negative', NEW.qty; END IF; RETURN NEW; END $$`,
			`CREATE TRIGGER v BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION v()`}, sql: `INSERT INTO items (name, qty) VALUES ('a', -3)`,
			code: "P0001", msg: "qty -3 negative"},
		{name: "raise using", setup: []string{
			`CREATE FUNCTION v() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'bad %', NEW.name USING ERRCODE = 'check_violation', HINT = 'h', DETAIL = 'd'; END $$`,
			`CREATE TRIGGER v BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION v()`}, sql: `INSERT INTO items (name) VALUES ('x')`,
			code: "23514", msg: "bad x", detail: "d", hint: "h"},
		{name: "raise errcode alone", setup: []string{
			`CREATE FUNCTION v() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION USING ERRCODE = 'check_violation'; END $$`,
			`CREATE TRIGGER v BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION v()`}, sql: `INSERT INTO items (name) VALUES ('x')`,
			code: "23514", msg: "check_violation"},
		{name: "raise sqlstate", setup: []string{
			`CREATE FUNCTION v() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE SQLSTATE '22012'; END $$`,
			`CREATE TRIGGER v BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION v()`}, sql: `INSERT INTO items (name) VALUES ('x')`,
			code: "22012", msg: "22012"},
		{name: "raise hint only", setup: []string{
			`CREATE FUNCTION v() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION USING HINT = 'hh'; END $$`,
			`CREATE TRIGGER v BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION v()`}, sql: `INSERT INTO items (name) VALUES ('x')`,
			code: "P0001", msg: "P0001", hint: "hh"},
		{name: "raise unknown errcode", setup: []string{
			`CREATE FUNCTION v() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION USING ERRCODE = 'nonsense_x'; END $$`,
			`CREATE TRIGGER v BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION v()`}, sql: `INSERT INTO items (name) VALUES ('x')`,
			code: "42704", msg: `unrecognized exception condition "nonsense_x"`},
		{name: "no return", setup: []string{
			`CREATE FUNCTION v() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN END $$`,
			`CREATE TRIGGER v BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION v()`}, sql: `INSERT INTO items (name) VALUES ('x')`,
			code: "2F005", msg: "control reached end of trigger procedure without RETURN"},
		{name: "unknown field", setup: []string{
			`CREATE FUNCTION v() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.nope := 1; RETURN NEW; END $$`,
			`CREATE TRIGGER v BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION v()`}, sql: `INSERT INTO items (name) VALUES ('x')`,
			code: "42703", msg: `record "new" has no field "nope"`},
		{name: "select into strict", setup: []string{
			`CREATE FUNCTION v() RETURNS trigger LANGUAGE plpgsql AS $$ DECLARE n integer; BEGIN SELECT qty INTO STRICT n FROM items WHERE false; RETURN NEW; END $$`,
			`CREATE TRIGGER v BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION v()`}, sql: `INSERT INTO items (name) VALUES ('x')`,
			code: "P0002", msg: "query returned no rows"},
		{name: "variable and column", setup: []string{
			`CREATE FUNCTION v() RETURNS trigger LANGUAGE plpgsql AS $$ DECLARE id integer; BEGIN SELECT qty INTO id FROM items WHERE id = 1; RETURN NEW; END $$`,
			`CREATE TRIGGER v BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION v()`}, sql: `INSERT INTO items (name) VALUES ('x')`,
			code: "42702", msg: `column reference "id" is ambiguous`, detail: "It could refer to either a PL/pgSQL variable or a table column."},
		{name: "select without into", setup: []string{
			`CREATE FUNCTION v() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN SELECT 1; RETURN NEW; END $$`,
			`CREATE TRIGGER v BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION v()`}, sql: `INSERT INTO items (name) VALUES ('x')`,
			code: "42601", msg: "query has no destination for result data", hint: "If you want to discard the results of a SELECT, use PERFORM instead."},
		{name: "row the trigger returns is checked", setup: []string{
			`CREATE FUNCTION v() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.qty := 5000; RETURN NEW; END $$`,
			`CREATE TRIGGER v BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION v()`}, sql: `INSERT INTO items (name) VALUES ('x')`,
			code: "23514", msg: `new row for relation "items" violates check constraint "items_qty_check"`, detail: "Failing row contains (1, x, 5000, null)."},
		{name: "assignment cast", setup: []string{
			`CREATE FUNCTION v() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.qty := 'many'; RETURN NEW; END $$`,
			`CREATE TRIGGER v BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION v()`}, sql: `INSERT INTO items (name) VALUES ('x')`,
			code: "22P02", msg: `invalid input syntax for type integer: "many"`},
		{name: "triggers firing one another", setup: []string{
			`CREATE FUNCTION v() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO items (name) VALUES (NEW.name); RETURN NEW; END $$`,
			`CREATE TRIGGER v BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION v()`}, sql: `INSERT INTO items (name) VALUES ('x')`,
			code: "54001", msg: "stack depth limit exceeded"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := triggerSession(t, tc.setup...)
			pe := execErr(t, s, tc.sql)
			require.NotNil(t, pe, "want an error")
			assert.Equal(t, tc.code, pe.Code)
			assert.Equal(t, tc.msg, pe.Message)
			assert.Equal(t, tc.detail, pe.Detail)
			if tc.hint != "" || tc.code != "54001" {
				assert.Equal(t, tc.hint, pe.Hint)
			}
			assert.Equal(t, [][]string{}, texts(t, s, `SELECT * FROM items`), "a failed statement leaves no row")
		})
	}
}

// Ensure RAISE NOTICE, INFO and WARNING reach the statement's result with
// their severities, in order, and fail nothing; DEBUG and LOG do not.
func TestTrigger_RaiseNotices(t *testing.T) {
	s := triggerSession(t,
		`CREATE FUNCTION n() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE NOTICE 'n % %%', NEW.id; RAISE WARNING 'w'; RAISE INFO 'i'; RAISE DEBUG 'd'; RAISE LOG 'l'; RETURN NEW; END $$`,
		`CREATE TRIGGER n BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION n()`)
	res, err := s.Exec(context.Background(), `INSERT INTO items (name) VALUES ('a')`)
	require.NoError(t, err)
	assert.Equal(t, "INSERT 0 1", res.Tag)
	var got [][3]string
	for _, w := range res.Warnings {
		got = append(got, [3]string{w.Severity, w.Code, w.Message})
	}
	assert.Equal(t, [][3]string{{"NOTICE", "00000", "n 1 %"}, {"WARNING", "01000", "w"}, {"INFO", "00000", "i"}}, got)
}

// Ensure a trigger's BEFORE and AFTER work reaches every write path: the
// row a BEFORE trigger returns is written, RETURN NULL skips the row in
// the tag and RETURNING, and AFTER triggers see the stored row.
func TestTrigger_WritePaths(t *testing.T) {
	setup := []string{
		`CREATE TABLE log (seq serial PRIMARY KEY, line text)`,
		`CREATE FUNCTION b() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF TG_OP <> 'DELETE' AND NEW.name = 'skip' THEN RETURN NULL; END IF; IF TG_OP = 'DELETE' THEN IF OLD.name = 'keep' THEN RETURN NULL; END IF; RETURN OLD; END IF; NEW.note := lower(TG_OP); RETURN NEW; END $$`,
		`CREATE FUNCTION a() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO log (line) VALUES (TG_OP || ' ' || coalesce(NEW.id, OLD.id) || ' ' || coalesce(NEW.note, '-')); RETURN NULL; END $$`,
		`CREATE TRIGGER b BEFORE INSERT OR UPDATE OR DELETE ON items FOR EACH ROW EXECUTE FUNCTION b()`,
		`CREATE TRIGGER a AFTER INSERT OR UPDATE OR DELETE ON items FOR EACH ROW EXECUTE FUNCTION a()`,
	}
	tests := []struct {
		name    string
		sql     string
		tag     string
		rows    [][]string // RETURNING
		items   [][]string
		logRows [][]string
	}{
		{"insert values", `INSERT INTO items (name) VALUES ('x'), ('skip'), ('y') RETURNING id, note`, "INSERT 0 2",
			[][]string{{"1", "insert"}, {"3", "insert"}}, [][]string{{"1", "x", "insert"}, {"3", "y", "insert"}},
			[][]string{{"INSERT 1 insert"}, {"INSERT 3 insert"}}},
		{"insert select", `INSERT INTO items (name) SELECT n FROM (VALUES ('skip'), ('z')) AS v(n)`, "INSERT 0 1",
			nil, [][]string{{"2", "z", "insert"}}, [][]string{{"INSERT 2 insert"}}},
		{"upsert", `INSERT INTO items (id, name) VALUES (1, 'a'), (2, 'b') ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name || '!'`, "INSERT 0 2",
			nil, [][]string{{"1", "a", "insert"}, {"2", "b!", "update"}}, [][]string{{"INSERT 1 insert"}, {"UPDATE 2 update"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := triggerSession(t, setup...)
			if tc.name == "upsert" {
				_, err := s.Exec(context.Background(), `INSERT INTO items (id, name) VALUES (2, 'old')`)
				require.NoError(t, err)
				_, err = s.Exec(context.Background(), `DELETE FROM log`)
				require.NoError(t, err)
			}
			res, err := s.Exec(context.Background(), tc.sql)
			require.NoError(t, err)
			assert.Equal(t, tc.tag, res.Tag)
			if tc.rows != nil {
				assert.Len(t, res.Rows, len(tc.rows))
			}
			assert.Equal(t, tc.items, texts(t, s, `SELECT id, name, note FROM items ORDER BY id`))
			assert.Equal(t, tc.logRows, texts(t, s, `SELECT line FROM log ORDER BY seq`))
		})
	}
	t.Run("update and delete", func(t *testing.T) {
		s := triggerSession(t, setup...)
		_, err := s.Exec(context.Background(), `INSERT INTO items (name) VALUES ('keep'), ('go')`)
		require.NoError(t, err)
		res, err := s.Exec(context.Background(), `UPDATE items SET name = 'skip' WHERE id = 1`)
		require.NoError(t, err)
		assert.Equal(t, "UPDATE 0", res.Tag)
		res, err = s.Exec(context.Background(), `DELETE FROM items RETURNING id`)
		require.NoError(t, err)
		assert.Equal(t, "DELETE 1", res.Tag)
		assert.Equal(t, [][]any{{int64(2)}}, res.Rows)
		assert.Equal(t, [][]string{{"1", "keep"}}, texts(t, s, `SELECT id, name FROM items`))
		assert.Equal(t, [][]string{{"INSERT 1 insert"}, {"INSERT 2 insert"}, {"DELETE 2 -"}}, texts(t, s, `SELECT line FROM log ORDER BY seq`))
	})
}

// Ensure the Go API fires no trigger, as it checks no CHECK constraint:
// triggers are SQL's.
func TestTrigger_GoAPIDoesNotFire(t *testing.T) {
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	defer db.Close()
	runAll(t, db, [][2]string{
		{`CREATE TABLE t (id integer PRIMARY KEY, v text)`, "CREATE TABLE"},
		{`CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no'; END $$`, "CREATE FUNCTION"},
		{`CREATE TRIGGER f BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()`, "CREATE TRIGGER"},
		{`INSERT INTO t VALUES (1, 'sql')`, "ERROR P0001"},
	})
	require.NoError(t, db.Update(context.Background(), func(tx *engine.Tx) error {
		_, err := tx.Insert("t", engine.Row{"id": int64(2), "v": "go"})
		return err
	}))
	runAll(t, db, [][2]string{{`SELECT * FROM t`, "SELECT 1"}})
}

// Ensure a fork of a database keeps its functions and triggers, and its
// changes to them stay its own.
func TestTrigger_Fork(t *testing.T) {
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	defer db.Close()
	runAll(t, db, [][2]string{
		{`CREATE TABLE t (id integer PRIMARY KEY, v text)`, "CREATE TABLE"},
		{`CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.v := 'set'; RETURN NEW; END $$`, "CREATE FUNCTION"},
		{`CREATE TRIGGER f BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()`, "CREATE TRIGGER"},
	})
	fork, err := db.Fork(engine.Options{})
	require.NoError(t, err)
	defer fork.Close()
	runAll(t, fork, [][2]string{
		{`INSERT INTO t VALUES (1)`, "INSERT 0 1"},
		{`SELECT * FROM t WHERE v = 'set'`, "SELECT 1"},
		{`DROP TRIGGER f ON t`, "DROP TRIGGER"},
		{`INSERT INTO t VALUES (2)`, "INSERT 0 1"},
		{`SELECT * FROM t WHERE v IS NULL`, "SELECT 1"},
	})
	runAll(t, db, [][2]string{
		{`INSERT INTO t VALUES (3)`, "INSERT 0 1"},
		{`SELECT * FROM t WHERE v = 'set'`, "SELECT 1"},
	})
}

// Ensure CREATE FUNCTION and CREATE TRIGGER roll back with their
// transaction, and a savepoint restores them.
func TestTrigger_Transactional(t *testing.T) {
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	defer db.Close()
	runAll(t, db, [][2]string{
		{`CREATE TABLE t (id integer PRIMARY KEY, v text)`, "CREATE TABLE"},
		{`BEGIN`, "BEGIN"},
		{`CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.v := 'set'; RETURN NEW; END $$`, "CREATE FUNCTION"},
		{`SAVEPOINT s`, "SAVEPOINT"},
		{`CREATE TRIGGER f BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()`, "CREATE TRIGGER"},
		{`ROLLBACK TO s`, "ROLLBACK"},
		{`INSERT INTO t VALUES (1)`, "INSERT 0 1"},
		{`SELECT * FROM t WHERE v IS NULL`, "SELECT 1"},
		{`ROLLBACK`, "ROLLBACK"},
		{`CREATE TRIGGER f BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()`, "ERROR 42883"},
	})
}

// Ensure pg_trigger, pg_proc, relhastriggers and pg_get_triggerdef
// describe triggers as PostgreSQL 15 does (its answers for these
// statements).
func TestTrigger_Catalog(t *testing.T) {
	s := triggerSession(t,
		`CREATE TABLE cat_t (id int primary key, qty int, name text)`,
		`CREATE FUNCTION cat_f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`,
		`CREATE TRIGGER a_plain BEFORE DELETE OR INSERT ON cat_t FOR EACH ROW EXECUTE PROCEDURE cat_f()`,
		`CREATE TRIGGER c_off BEFORE UPDATE ON cat_t FOR EACH ROW EXECUTE FUNCTION cat_f()`,
		`ALTER TABLE cat_t DISABLE TRIGGER c_off`,
		`CREATE TRIGGER d_when AFTER INSERT ON cat_t FOR EACH ROW WHEN (NEW.qty > 0) EXECUTE FUNCTION cat_f()`,
		`CREATE TRIGGER e_of AFTER UPDATE OF name, qty ON cat_t FOR EACH ROW EXECUTE FUNCTION cat_f()`)
	assert.Equal(t, [][]string{
		{"a_plain", "CREATE TRIGGER a_plain BEFORE INSERT OR DELETE ON public.cat_t FOR EACH ROW EXECUTE FUNCTION cat_f()",
			"CREATE TRIGGER a_plain BEFORE INSERT OR DELETE ON cat_t FOR EACH ROW EXECUTE FUNCTION cat_f()", "15", "O", "0", "f"},
		{"c_off", "CREATE TRIGGER c_off BEFORE UPDATE ON public.cat_t FOR EACH ROW EXECUTE FUNCTION cat_f()",
			"CREATE TRIGGER c_off BEFORE UPDATE ON cat_t FOR EACH ROW EXECUTE FUNCTION cat_f()", "19", "D", "0", "f"},
		{"d_when", "CREATE TRIGGER d_when AFTER INSERT ON public.cat_t FOR EACH ROW WHEN ((new.qty > 0)) EXECUTE FUNCTION cat_f()",
			"CREATE TRIGGER d_when AFTER INSERT ON cat_t FOR EACH ROW WHEN (new.qty > 0) EXECUTE FUNCTION cat_f()", "5", "O", "0", "f"},
		{"e_of", "CREATE TRIGGER e_of AFTER UPDATE OF name, qty ON public.cat_t FOR EACH ROW EXECUTE FUNCTION cat_f()",
			"CREATE TRIGGER e_of AFTER UPDATE OF name, qty ON cat_t FOR EACH ROW EXECUTE FUNCTION cat_f()", "17", "O", "0", "f"},
	}, texts(t, s, `SELECT tgname, pg_get_triggerdef(oid), pg_get_triggerdef(oid, true), tgtype, tgenabled, tgnargs, tgisinternal FROM pg_trigger WHERE tgrelid = 'cat_t'::regclass ORDER BY 1`))
	// tgattr is an int2vector, whose subscripts start at 0.
	assert.Equal(t, [][]string{{"3", "2", "NULL"}}, texts(t, s, `SELECT tgattr[0], tgattr[1], tgattr[2] FROM pg_trigger WHERE tgname = 'e_of'`))
	assert.Equal(t, [][]string{{"cat_f", "2279", "13563", "0", "f", "v", " BEGIN RETURN NEW; END ", "f"}},
		texts(t, s, `SELECT proname, prorettype, prolang, pronargs, prokind, provolatile, prosrc, proretset FROM pg_proc WHERE proname = 'cat_f'`))
	assert.Equal(t, [][]string{{"f", "f"}, {"t", "t"}},
		texts(t, s, `SELECT c.relhastriggers, t.hastriggers FROM pg_class c JOIN pg_tables t ON t.tablename = c.relname WHERE c.relname IN ('cat_t', 'items') ORDER BY 1`))
	assert.Equal(t, [][]string{{"1"}}, texts(t, s, `SELECT count(*) FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid WHERE t.tgname = 'a_plain'`))
}

// Ensure CREATE FUNCTION refuses a body as PostgreSQL 15 does when it
// runs, its error placed in the statement's text as PostgreSQL places it,
// and a construct reldb does not run is 0A000 naming it.
func TestTrigger_CreateFunction_BodyErrors(t *testing.T) {
	tests := []struct {
		sql      string
		code     string
		position int
	}{
		// PostgreSQL 15's codes and positions for these statements.
		{"CREATE FUNCTION bad() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW END; $$", "42601", 84},
		{"CREATE FUNCTION bad2() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN FOO; END; $$", "42601", 69},
		{"CREATE FUNCTION bad3() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF x THEN END; END; $$", "42601", 82},
		{"CREATE FUNCTION bad4() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN x := 1; END; $$", "42601", 69},
		{"CREATE FUNCTION bad6() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE t SET; END; $$", "42601", 81},
		{"CREATE FUNCTION bad7() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END; extra $$", "42601", 86},
		{"CREATE FUNCTION bad8() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN x = ; END $$", "42601", 69},
		{"CREATE FUNCTION bad9() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO t VALUES (1) INTO x; END $$", "42601", 99},
		{"CREATE FUNCTION bad10() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE 'x' USING foo = 1; END $$", "42601", 86},
		{"CREATE FUNCTION bad11() RETURNS trigger LANGUAGE plpgsql AS $$ DECLARE x int NOT NULL; BEGIN RETURN NEW; END $$", "22004", 78},
		{"CREATE FUNCTION bad12() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN SELECT 'abc; END $$", "42601", 77},
		{"CREATE FUNCTION bad13() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE 'a %'; END $$", "42601", 0},
		{"CREATE FUNCTION bad14() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN CASE WHEN true THEN NULL; END CASE; END $$", "0A000", 70},
		{"CREATE FUNCTION bad15() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN FOO; END'", "42601", 0},
	}
	for _, tc := range tests {
		t.Run(tc.sql, func(t *testing.T) {
			s := triggerSession(t)
			pe := execErr(t, s, tc.sql)
			require.NotNil(t, pe)
			assert.Equal(t, tc.code, pe.Code)
			assert.Equal(t, tc.position, pe.Position)
		})
	}
}

// Ensure a table's triggers follow ALTER TABLE (RENAME TO, ADD COLUMN)
// and go with DROP TABLE: a table made again under the name has none.
func TestTrigger_FollowsTable(t *testing.T) {
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	defer db.Close()
	runAll(t, db, [][2]string{
		{`CREATE TABLE t (id integer PRIMARY KEY, v text)`, "CREATE TABLE"},
		{`CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.v := 'set'; RETURN NEW; END $$`, "CREATE FUNCTION"},
		{`CREATE TRIGGER f BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()`, "CREATE TRIGGER"},
		{`ALTER TABLE t RENAME TO u`, "ALTER TABLE"},
		{`ALTER TABLE u ADD COLUMN w integer`, "ALTER TABLE"},
		{`INSERT INTO u VALUES (1)`, "INSERT 0 1"},
		{`SELECT * FROM u WHERE v = 'set'`, "SELECT 1"},
		{`DROP TABLE u`, "DROP TABLE"},
		{`DROP FUNCTION f()`, "DROP FUNCTION"},
		{`CREATE TABLE u (id integer PRIMARY KEY, v text)`, "CREATE TABLE"},
		{`INSERT INTO u VALUES (1)`, "INSERT 0 1"},
		{`SELECT * FROM u WHERE v IS NULL`, "SELECT 1"},
		{`SELECT * FROM pg_trigger`, "SELECT 0"},
	})
}

// Ensure the rows a foreign key's action changes fire their table's AFTER
// triggers after the statement's own, also from a statement a trigger
// runs, and a BEFORE trigger of such a row refuses the statement (0A000)
// and leaves the database as it was.
func TestTrigger_ForeignKeyActions(t *testing.T) {
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	defer db.Close()
	s := pgsql.NewSession(db)
	defer s.Close()
	for _, st := range []string{
		`CREATE TABLE p (id integer PRIMARY KEY)`,
		`CREATE TABLE c (id integer PRIMARY KEY, p integer REFERENCES p ON DELETE CASCADE ON UPDATE CASCADE)`,
		`CREATE TABLE log (seq serial PRIMARY KEY, line text)`,
		`CREATE TABLE cleanup (id integer PRIMARY KEY)`,
		`CREATE FUNCTION note() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO log (line) VALUES (TG_TABLE_NAME || ' ' || TG_OP || ' ' || OLD.id || ' ' || coalesce(NEW.p::text, '-')); RETURN NULL; END $$`,
		`CREATE FUNCTION note_p() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO log (line) VALUES (TG_TABLE_NAME || ' ' || TG_OP || ' ' || OLD.id || ' -'); RETURN NULL; END $$`,
		`CREATE FUNCTION drop_parent() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DELETE FROM p WHERE id = NEW.id; RETURN NULL; END $$`,
		`CREATE TRIGGER note AFTER UPDATE OR DELETE ON c FOR EACH ROW EXECUTE FUNCTION note()`,
		`CREATE TRIGGER note AFTER DELETE ON p FOR EACH ROW EXECUTE FUNCTION note_p()`,
		`CREATE TRIGGER drop_parent AFTER INSERT ON cleanup FOR EACH ROW EXECUTE FUNCTION drop_parent()`,
		`INSERT INTO p VALUES (1), (2), (3)`,
		`INSERT INTO c VALUES (10, 1), (11, 2), (12, 3)`,
		`UPDATE p SET id = 4 WHERE id = 1`,
		`DELETE FROM p WHERE id = 2`,
		`INSERT INTO cleanup VALUES (3)`,
	} {
		_, err := s.Exec(context.Background(), st)
		require.NoError(t, err, st)
	}
	assert.Equal(t, [][]string{{"c UPDATE 10 4"}, {"p DELETE 2 -"}, {"c DELETE 11 -"}, {"p DELETE 3 -"}, {"c DELETE 12 -"}},
		texts(t, s, `SELECT line FROM log ORDER BY seq`))

	_, err = s.Exec(context.Background(), `CREATE TRIGGER before_c BEFORE DELETE ON c FOR EACH ROW EXECUTE FUNCTION note()`)
	require.NoError(t, err)
	pe := execErr(t, s, `DELETE FROM p`)
	require.NotNil(t, pe)
	assert.Equal(t, "0A000", pe.Code)
	assert.Equal(t, "BEFORE DELETE trigger on a row a foreign key's ON DELETE action changes is not supported", pe.Message)
	assert.Equal(t, [][]string{{"4"}}, texts(t, s, `SELECT id FROM p`))
	assert.Equal(t, [][]string{{"10"}}, texts(t, s, `SELECT id FROM c`))
}

// Ensure a variable named as a column is ambiguous (42702) only where
// that column's table is in scope: an INSERT's VALUES sees no table, its
// RETURNING sees the target.
func TestTrigger_VariableColumnConflict(t *testing.T) {
	tests := []struct {
		name, stmt, want string
	}{
		{"insert values", `INSERT INTO audit (name) VALUES (name)`, "INSERT 0 1"},
		{"insert select from another table", `INSERT INTO audit (name) SELECT name FROM other`, "ERROR 42702"},
		{"insert returning", `INSERT INTO audit (name) VALUES ('x') RETURNING name INTO name`, "ERROR 42702"},
		{"update where", `UPDATE audit SET name = 'y' WHERE name = 'z'`, "ERROR 42702"},
		{"qualified", `UPDATE audit SET name = 'y' WHERE audit.name = name`, "ERROR 42702"},
		{"other variable", `UPDATE audit SET name = n`, "INSERT 0 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := triggerSession(t,
				`CREATE TABLE audit (name text)`,
				`CREATE TABLE other (name text)`,
				`CREATE FUNCTION v() RETURNS trigger LANGUAGE plpgsql AS $$ DECLARE name text := 'v'; n text := 'w'; BEGIN `+tc.stmt+`; RETURN NEW; END $$`,
				`CREATE TRIGGER v BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION v()`)
			assert.Equal(t, tc.want, outcome(t, s, `INSERT INTO items (name) VALUES ('x')`))
		})
	}
}

// Ensure sessions run one trigger function at once without sharing what
// a run changes: the parsed body is read-only (run with -race).
func TestTrigger_ConcurrentSessions(t *testing.T) {
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	defer db.Close()
	runAll(t, db, [][2]string{
		{`CREATE TABLE c (id integer PRIMARY KEY, v text, n integer)`, "CREATE TABLE"},
		{`CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ DECLARE k integer := NEW.id * 2; BEGIN NEW.v := 'row ' || NEW.id; NEW.n := k; RETURN NEW; END $$`, "CREATE FUNCTION"},
		{`CREATE TRIGGER f BEFORE INSERT ON c FOR EACH ROW EXECUTE FUNCTION f()`, "CREATE TRIGGER"},
	})
	const sessions, rows = 4, 25
	errs := make(chan error, sessions)
	for g := range sessions {
		go func() {
			s := pgsql.NewSession(db)
			defer s.Close()
			for i := range rows {
				if _, err := s.Exec(context.Background(), `INSERT INTO c (id) VALUES ($1)`, int64(g*rows+i)); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range sessions {
		require.NoError(t, <-errs)
	}
	runAll(t, db, [][2]string{{`SELECT * FROM c WHERE v = 'row ' || id AND n = id * 2`, "SELECT 100"}})
}
