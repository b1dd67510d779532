package pgsql_test

import (
	"database/sql"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql"
)

// userFuncSession returns a session over a fresh database holding
// accounts and the functions the tests call.
func userFuncSession(t *testing.T, stmts ...string) *pgsql.Session {
	t.Helper()
	return freshSession(t, append([]string{
		`CREATE TABLE accounts (id integer PRIMARY KEY, owner text NOT NULL, balance numeric(10,2) NOT NULL DEFAULT 0)`,
		`CREATE TABLE audit (id serial PRIMARY KEY, note text NOT NULL)`,
		`INSERT INTO accounts VALUES (1, 'ann', 100), (2, 'bob', 50.5)`,
		`CREATE FUNCTION add1(integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT $1 + 1 $$`,
		`CREATE FUNCTION triple(n integer) RETURNS integer LANGUAGE sql RETURN n * 3`,
		`CREATE FUNCTION greet(name text, greeting text DEFAULT 'hello', punct text = '!') RETURNS text LANGUAGE sql AS $$ SELECT greeting || ', ' || name || punct $$`,
		`CREATE FUNCTION fact(n integer) RETURNS bigint LANGUAGE plpgsql AS $$ DECLARE r bigint := 1; BEGIN FOR i IN 2..n LOOP r := r * i; END LOOP; RETURN r; END $$`,
		`CREATE FUNCTION owner_of(acct integer) RETURNS text LANGUAGE plpgsql STABLE AS $$ DECLARE o text; BEGIN SELECT owner INTO o FROM accounts WHERE id = $1; RETURN coalesce(o, 'nobody'); END $$`,
		`CREATE FUNCTION note(msg text) RETURNS void LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit (note) VALUES (msg); END $$`,
		`CREATE FUNCTION strict_len(t text) RETURNS integer LANGUAGE plpgsql STRICT AS $$ BEGIN RAISE EXCEPTION 'ran'; END $$`,
	}, stmts...)...)
}

// Ensure calls of sql and plpgsql functions give PostgreSQL's values:
// positional and named arguments, defaults, named call notation, STRICT,
// void, casts to the declared type and recursion.
func TestUserFunc_Calls(t *testing.T) {
	tests := []struct {
		name  string
		setup []string
		sql   string
		want  [][]string
	}{
		{name: "positional", sql: `SELECT add1(41), triple(2)`, want: [][]string{{"42", "6"}}},
		{name: "nested", sql: `SELECT add1(triple(add1(1)))`, want: [][]string{{"7"}}},
		{name: "over rows", sql: `SELECT id, add1(id) FROM accounts WHERE triple(id) > 3 ORDER BY id`, want: [][]string{{"2", "3"}}},
		{name: "defaults", sql: `SELECT greet('ann'), greet('bob', 'hi'), greet('cy', 'hey', '?')`,
			want: [][]string{{"hello, ann!", "hi, bob!", "hey, cy?"}}},
		{name: "named notation", sql: `SELECT greet(name => 'ann', punct => '.'), greet('bob', punct => '?')`,
			want: [][]string{{"hello, ann.", "hello, bob?"}}},
		{name: "public qualified", sql: `SELECT public.add1(1)`, want: [][]string{{"2"}}},
		{name: "plpgsql loop", sql: `SELECT fact(5), fact(20)`, want: [][]string{{"120", "2432902008176640000"}}},
		{name: "select into", sql: `SELECT owner_of(2), owner_of(9)`, want: [][]string{{"bob", "nobody"}}},
		{name: "strict skips the body", sql: `SELECT strict_len(NULL) IS NULL`, want: [][]string{{"t"}}},
		{name: "void", sql: `SELECT note('x')`, want: [][]string{{""}}},
		{name: "untyped literal", sql: `SELECT add1('5')`, want: [][]string{{"6"}}},
		{name: "result cast to the declared type", setup: []string{
			`CREATE FUNCTION bal(acct integer) RETURNS text LANGUAGE sql AS $$ SELECT balance FROM accounts WHERE id = acct $$`},
			sql: `SELECT bal(2), bal(3) IS NULL`, want: [][]string{{"50.50", "t"}}},
		{name: "column beats argument", setup: []string{
			`CREATE FUNCTION shadow(id integer) RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM accounts WHERE id = shadow.id $$`},
			sql: `SELECT shadow(1)`, want: [][]string{{"1"}}},
		{name: "recursion", setup: []string{
			`CREATE FUNCTION fib(n integer) RETURNS integer LANGUAGE plpgsql AS $$ BEGIN IF n < 2 THEN RETURN n; END IF; RETURN fib(n - 1) + fib(n - 2); END $$`},
			sql: `SELECT fib(12)`, want: [][]string{{"144"}}},
		{name: "exception block", setup: []string{
			`CREATE FUNCTION safe_div(a numeric, b numeric) RETURNS numeric LANGUAGE plpgsql AS $$ BEGIN RETURN a / b; EXCEPTION WHEN division_by_zero THEN RETURN -1; END $$`},
			sql: `SELECT safe_div(1, 0)`, want: [][]string{{"-1"}}},
		{name: "or replace", setup: []string{`CREATE OR REPLACE FUNCTION add1(integer) RETURNS integer LANGUAGE plpgsql AS $$ BEGIN RETURN $1 + 100; END $$`},
			sql: `SELECT add1(1)`, want: [][]string{{"101"}}},
		{name: "information_schema.routines", sql: `SELECT routine_name, data_type, type_udt_name, routine_body, external_language, is_null_call FROM information_schema.routines WHERE routine_name IN ('add1', 'note', 'strict_len') ORDER BY 1`,
			want: [][]string{{"add1", "integer", "int4", "SQL", "SQL", "NO"}, {"note", "void", "void", "EXTERNAL", "PLPGSQL", "NO"}, {"strict_len", "integer", "int4", "EXTERNAL", "PLPGSQL", "YES"}}},
		{name: "pg_get_functiondef", sql: `SELECT pg_get_functiondef('strict_len'::regproc), (SELECT oid::regproc FROM pg_proc WHERE proname = 'add1'), (SELECT oid::regprocedure FROM pg_proc WHERE proname = 'greet')`,
			want: [][]string{{"CREATE OR REPLACE FUNCTION public.strict_len(t text)\n RETURNS integer\n LANGUAGE plpgsql\n STRICT\nAS $function$ BEGIN RAISE EXCEPTION 'ran'; END $function$\n", "add1", "greet(text, text, text)"}}},
		{name: "overloads", setup: []string{
			`CREATE FUNCTION add1(text) RETURNS text LANGUAGE sql AS $$ SELECT $1 || '+1' $$`,
			`CREATE FUNCTION add1(bigint) RETURNS bigint LANGUAGE plpgsql AS 'BEGIN RETURN $1 + 1000; END'`},
			sql:  `SELECT add1(1), add1('a'), add1('b'::text), add1(5::bigint), (SELECT count(*) FROM pg_proc WHERE proname = 'add1')`,
			want: [][]string{{"2", "a+1", "b+1", "1005", "3"}}},
		{name: "drop one overload", setup: []string{
			`CREATE FUNCTION add1(text) RETURNS text LANGUAGE sql AS $$ SELECT $1 || '+1' $$`, `DROP FUNCTION add1(integer)`},
			sql:  `SELECT add1('a'), (SELECT string_agg(oid::regprocedure::text, ',') FROM pg_proc WHERE proname = 'add1')`,
			want: [][]string{{"a+1", "add1(text)"}}},
		{name: "in FROM", sql: `SELECT * FROM add1(1)`, want: [][]string{{"2"}}},
		{name: "setof in FROM", setup: []string{`CREATE FUNCTION ids(above integer DEFAULT 0) RETURNS SETOF integer LANGUAGE sql AS 'SELECT id FROM accounts WHERE id > above'`},
			sql: `SELECT i, ordinality FROM ids() WITH ORDINALITY AS i ORDER BY i`, want: [][]string{{"1", "1"}, {"2", "2"}}},
		{name: "table in FROM", setup: []string{`CREATE FUNCTION pairs(n integer) RETURNS TABLE (k integer, v text) LANGUAGE sql AS $$ SELECT id * n, owner FROM accounts $$`},
			sql: `SELECT p.v, p.k FROM pairs(n => 10) p WHERE p.k > 10`, want: [][]string{{"bob", "20"}}},
		{name: "plpgsql setof", setup: []string{
			`CREATE FUNCTION evens(n integer) RETURNS SETOF integer LANGUAGE plpgsql AS $$ BEGIN FOR i IN 1..n LOOP IF i % 2 = 0 THEN RETURN NEXT i; END IF; END LOOP; END $$`,
			`CREATE FUNCTION owners() RETURNS TABLE (who text, amount numeric) LANGUAGE plpgsql AS $$ BEGIN RETURN QUERY SELECT owner, balance FROM accounts ORDER BY id; RETURN; END $$`},
			sql:  `SELECT (SELECT string_agg(e::text, ',') FROM evens(6) e), (SELECT string_agg(who || '=' || amount, ',') FROM owners())`,
			want: [][]string{{"2,4,6", "ann=100.00,bob=50.50"}}},
		{name: "setof a table", setup: []string{`CREATE FUNCTION rich() RETURNS SETOF accounts LANGUAGE sql AS $$ SELECT * FROM accounts WHERE balance > 60 $$`},
			sql: `SELECT owner, balance FROM rich()`, want: [][]string{{"ann", "100.00"}}},
		{name: "pg_proc", sql: `SELECT proname, pronargs, pronargdefaults, prorettype::regtype, provolatile, proisstrict, proargnames FROM pg_proc WHERE proname IN ('greet', 'note', 'strict_len') ORDER BY proname`,
			want: [][]string{{"greet", "3", "2", "text", "v", "f", "{name,greeting,punct}"}, {"note", "1", "0", "void", "v", "f", "{msg}"}, {"strict_len", "1", "0", "integer", "v", "t", "{t}"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := userFuncSession(t, tc.setup...)
			assert.Equal(t, tc.want, texts(t, s, tc.sql))
		})
	}
}

// Ensure the errors of declaring, calling and dropping functions carry
// PostgreSQL 15's SQLSTATE, message and hint.
func TestUserFunc_Errors(t *testing.T) {
	const noMatch = "No function matches the given name and argument types. You might need to add explicit type casts."
	tests := []struct {
		name      string
		setup     []string
		sql       string
		code, msg string
		hint      string
	}{
		{name: "too many arguments", sql: `SELECT add1(1, 2)`, code: "42883", msg: "function add1(integer, integer) does not exist", hint: noMatch},
		{name: "too few arguments", sql: `SELECT greet()`, code: "42883", msg: "function greet() does not exist", hint: noMatch},
		{name: "no implicit cast", sql: `SELECT add1(1.5)`, code: "42883", msg: "function add1(numeric) does not exist", hint: noMatch},
		{name: "unknown argument name", sql: `SELECT greet(nobody => 'x')`, code: "42883", msg: "function greet(nobody => unknown) does not exist", hint: noMatch},
		{name: "named built-in", sql: `SELECT lower(x => 'A')`, code: "0A000", msg: "named function argument is not supported"},
		{name: "bad literal", sql: `SELECT add1('x')`, code: "22P02", msg: `invalid input syntax for type integer: "x"`},
		{name: "no RETURN", setup: []string{`CREATE FUNCTION f(x integer) RETURNS integer LANGUAGE plpgsql AS $$ BEGIN IF x > 0 THEN RETURN x; END IF; END $$`},
			sql: `SELECT f(0)`, code: "2F005", msg: "control reached end of function without RETURN"},
		{name: "RETURN without a value", sql: `CREATE FUNCTION f() RETURNS integer LANGUAGE plpgsql AS $$ BEGIN RETURN; END $$`,
			code: "42601", msg: `missing expression at or near ";"`},
		{name: "RETURN a value from void", sql: `CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$`,
			code: "42804", msg: "RETURN cannot have a parameter in function returning void"},
		{name: "infinite recursion", setup: []string{`CREATE FUNCTION f(n integer) RETURNS integer LANGUAGE sql AS $$ SELECT f(n + 1) $$`},
			sql: `SELECT f(1)`, code: "54001", msg: "stack depth limit exceeded",
			hint: "Increase the configuration parameter \"max_stack_depth\" (currently 2048kB), after ensuring the platform's stack depth limit is adequate."},
		{name: "not a trigger function", setup: []string{`CREATE FUNCTION one() RETURNS integer LANGUAGE sql AS 'SELECT 1'`},
			sql: `CREATE TRIGGER t BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION one()`, code: "42P17", msg: "function one must return type trigger"},
		{name: "exists", sql: `CREATE FUNCTION add1(integer) RETURNS integer LANGUAGE sql AS 'SELECT 1'`,
			code: "42723", msg: `function "add1" already exists with same argument types`},
		{name: "other return type", sql: `CREATE OR REPLACE FUNCTION add1(integer) RETURNS text LANGUAGE sql AS 'SELECT 1'`,
			code: "42P13", msg: "cannot change return type of existing function", hint: "Use DROP FUNCTION add1(integer) first."},
		{name: "overloads of one fit", setup: []string{`CREATE FUNCTION f(bigint) RETURNS integer LANGUAGE sql AS 'SELECT 1'`, `CREATE FUNCTION f(numeric) RETURNS integer LANGUAGE sql AS 'SELECT 2'`},
			sql: `SELECT f(1)`, code: "42725", msg: "function f(integer) is not unique", hint: "Could not choose a best candidate function. You might need to add explicit type casts."},
		{name: "drop an overloaded name", setup: []string{`CREATE FUNCTION add1(text) RETURNS text LANGUAGE sql AS 'SELECT $1'`},
			sql: `DROP FUNCTION add1`, code: "42725", msg: `function name "add1" is not unique`, hint: "Specify the argument list to select the function unambiguously."},
		{name: "named arguments to an overloaded name", setup: []string{`CREATE FUNCTION greet(n integer) RETURNS text LANGUAGE sql AS 'SELECT 1'`},
			sql: `SELECT greet(name => 'x')`, code: "0A000", msg: "named arguments in a call of an overloaded function is not supported"},
		{name: "trigger function replaced by another", setup: []string{`CREATE FUNCTION tf() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'`},
			sql: `CREATE OR REPLACE FUNCTION tf() RETURNS integer LANGUAGE sql AS 'SELECT 1'`, code: "42P13", msg: "cannot change return type of existing function", hint: "Use DROP FUNCTION tf() first."},
		{name: "function replaced by a trigger function", setup: []string{`CREATE FUNCTION one() RETURNS integer LANGUAGE sql AS 'SELECT 1'`},
			sql: `CREATE OR REPLACE FUNCTION one() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'`, code: "42P13", msg: "cannot change return type of existing function", hint: "Use DROP FUNCTION one() first."},
		{name: "no result type", sql: `CREATE FUNCTION f() LANGUAGE sql AS 'SELECT 1'`, code: "42P13", msg: "function result type must be specified"},
		{name: "last statement not a query", sql: `CREATE FUNCTION f() RETURNS integer LANGUAGE sql AS 'DELETE FROM audit'`,
			code: "42P13", msg: "return type mismatch in function declared to return integer"},
		{name: "two columns", sql: `CREATE FUNCTION f() RETURNS integer LANGUAGE sql AS 'SELECT 1, 2'`,
			code: "42P13", msg: "return type mismatch in function declared to return integer"},
		{name: "duplicate argument", sql: `CREATE FUNCTION f(a int, a int) RETURNS integer LANGUAGE sql AS 'SELECT 1'`,
			code: "42P13", msg: `parameter name "a" used more than once`},
		{name: "default then none", sql: `CREATE FUNCTION f(a int DEFAULT 1, b int) RETURNS integer LANGUAGE sql AS 'SELECT 1'`,
			code: "42P13", msg: "input parameters after one with a default value must also have defaults"},
		{name: "parameter past the arguments", sql: `CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql AS 'SELECT $2'`,
			code: "42P02", msg: "there is no parameter $2"},
		{name: "unknown table", sql: `CREATE FUNCTION f() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM nosuch'`,
			code: "42P01", msg: `relation "nosuch" does not exist`},
		{name: "body syntax", sql: `CREATE FUNCTION f() RETURNS integer LANGUAGE sql AS $$ SELEC 1 $$`, code: "42601", msg: `syntax error at or near "SELEC"`},
		{name: "RETURN NEXT of a row", setup: []string{`CREATE FUNCTION f() RETURNS TABLE (a int, b int) LANGUAGE plpgsql AS 'BEGIN RETURN NEXT 1; END'`},
			sql: `SELECT * FROM f()`, code: "0A000", msg: "RETURN NEXT of a row value is not supported"},
		{name: "RETURN QUERY of other columns", setup: []string{`CREATE FUNCTION f() RETURNS TABLE (a int, b int) LANGUAGE plpgsql AS 'BEGIN RETURN QUERY SELECT 1; END'`},
			sql: `SELECT * FROM f()`, code: "42804", msg: "structure of query does not match function result type"},
		{name: "setof outside FROM", setup: []string{`CREATE FUNCTION ids() RETURNS SETOF integer LANGUAGE sql AS 'SELECT id FROM accounts'`},
			sql: `SELECT ids()`, code: "0A000", msg: "set-returning function ids outside FROM is not supported"},
		{name: "table of too few columns", sql: `CREATE FUNCTION f() RETURNS TABLE (a int, b text) LANGUAGE sql AS 'SELECT 1'`,
			code: "42P13", msg: "return type mismatch in function declared to return record"},
		{name: "out argument", sql: `CREATE FUNCTION f(OUT a int) LANGUAGE sql AS 'SELECT 1'`,
			code: "0A000", msg: "CREATE FUNCTION with OUT, INOUT or VARIADIC arguments is not supported"},
		{name: "in a CHECK", sql: `CREATE TABLE c (a int CHECK (add1(a) > 0))`,
			code: "0A000", msg: "user-defined function add1 in this position is not supported"},
		{name: "in a volatile DEFAULT", sql: `CREATE TABLE d (a int, at timestamptz DEFAULT now() + add1(1) * interval '1 day')`,
			code: "0A000", msg: "DEFAULT (now() + (add1(1) * CAST('1 day' AS interval))) is not supported"},
		{name: "in a DEFAULT", sql: `CREATE TABLE d (a int DEFAULT add1(1))`, code: "0A000", msg: "DEFAULT add1(1) is not supported"},
		{name: "drop a function a view calls", setup: []string{`CREATE VIEW v AS SELECT add1(id) FROM accounts`}, sql: `DROP FUNCTION add1`,
			code: "2BP01", msg: "cannot drop function add1(integer) because other objects depend on it", hint: "Use DROP ... CASCADE to drop the dependent objects too."},
		{name: "drop other arguments", sql: `DROP FUNCTION add1(text)`, code: "42883", msg: "function add1(text) does not exist"},
		{name: "trigger function on a function", sql: `CREATE TRIGGER t BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION add1()`,
			code: "42883", msg: "function add1() does not exist"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := userFuncSession(t, tc.setup...)
			pe := execErr(t, s, tc.sql)
			require.NotNil(t, pe, "want an error")
			assert.Equal(t, tc.code, pe.Code)
			assert.Equal(t, tc.msg, pe.Message)
			assert.Equal(t, tc.hint, pe.Hint)
		})
	}
}

// Ensure a function runs in its caller's transaction: its writes are seen
// by the next statement, kept at COMMIT and gone at ROLLBACK, and a
// failing call undoes the statement's writes.
func TestUserFunc_Transaction(t *testing.T) {
	s := userFuncSession(t,
		`CREATE FUNCTION deposit(acct integer, amount numeric) RETURNS numeric LANGUAGE sql AS $$ UPDATE accounts SET balance = balance + amount WHERE id = acct; SELECT balance FROM accounts WHERE id = acct $$`,
		`CREATE FUNCTION fail_after(msg text) RETURNS integer LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit (note) VALUES (msg); RAISE EXCEPTION 'no'; END $$`)
	assert.Equal(t, [][]string{{""}}, texts(t, s, `SELECT note('a')`))
	assert.Equal(t, [][]string{{"1"}}, texts(t, s, `SELECT count(*) FROM audit`))
	assert.Equal(t, [][]string{{"125.00"}}, texts(t, s, `SELECT deposit(1, 25)`))
	for _, st := range [][2]string{
		{`BEGIN`, "BEGIN"},
		{`SELECT note('b')`, "SELECT 1"},
		{`SELECT deposit(2, 1)`, "SELECT 1"},
		{`ROLLBACK`, "ROLLBACK"},
		{`SELECT fail_after('c')`, "ERROR P0001"},
	} {
		require.Equal(t, st[1], outcome(t, s, st[0]), st[0])
	}
	assert.Equal(t, [][]string{{"a"}}, texts(t, s, `SELECT note FROM audit`))
	assert.Equal(t, [][]string{{"125.00"}, {"50.50"}}, texts(t, s, `SELECT balance FROM accounts ORDER BY id`))
	require.Equal(t, "CREATE FUNCTION", outcome(t, s, `CREATE FUNCTION note_n(msg text) RETURNS bigint LANGUAGE sql AS $$ INSERT INTO audit (note) VALUES (msg); SELECT count(*) FROM audit $$`))
	require.Equal(t, "CREATE VIEW", outcome(t, s, `CREATE VIEW noting AS SELECT note_n('v') AS n`))
	assert.Equal(t, [][]string{{"1"}}, texts(t, s, `SELECT count(*) FROM audit`), "CREATE VIEW runs no function")
	assert.Equal(t, [][]string{{"2"}}, texts(t, s, `SELECT * FROM noting`), "a view calling a writing function")
	assert.Equal(t, "ERROR 25006", outcome(t, s, `BEGIN READ ONLY; SELECT note('d')`))
}

// Ensure DROP FUNCTION removes a function by name or by signature, IF
// EXISTS skips a missing one, and the declaration rolls back with its
// transaction.
func TestUserFunc_Drop(t *testing.T) {
	s := userFuncSession(t)
	for _, st := range [][2]string{
		{`DROP FUNCTION add1`, "DROP FUNCTION"},
		{`DROP FUNCTION greet(text, text, text)`, "DROP FUNCTION"},
		{`DROP FUNCTION IF EXISTS greet(text, text, text), nosuch`, "DROP FUNCTION"},
		{`BEGIN`, "BEGIN"},
		{`DROP FUNCTION fact(integer)`, "DROP FUNCTION"},
		{`ROLLBACK`, "ROLLBACK"},
		{`SELECT fact(3)`, "SELECT 1"},
		{`SELECT add1(1)`, "ERROR 42883"},
	} {
		require.Equal(t, st[1], outcome(t, s, st[0]), st[0])
	}
	assert.Equal(t, [][]string{{"fact"}, {"note"}, {"owner_of"}, {"strict_len"}, {"triple"}},
		texts(t, s, `SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace ORDER BY proname`))
}

// Ensure functions declared in a durable database are there, and run the
// same, after Close and Open, and in a fork.
func TestUserFunc_SurviveReopenAndFork(t *testing.T) {
	dir := t.TempDir()
	db := openDurable(t, dir)
	runAll(t, db, [][2]string{
		{`CREATE TABLE t (id integer PRIMARY KEY)`, "CREATE TABLE"},
		{`CREATE FUNCTION greet(name text, greeting text DEFAULT 'hello') RETURNS text LANGUAGE sql STABLE STRICT AS $$ SELECT greeting || ', ' || name $$`, "CREATE FUNCTION"},
		{`CREATE FUNCTION triple(n integer) RETURNS integer LANGUAGE sql IMMUTABLE RETURN n * 3`, "CREATE FUNCTION"},
		{`CREATE FUNCTION put(n integer) RETURNS void LANGUAGE plpgsql AS $$ BEGIN INSERT INTO t VALUES (n); END $$`, "CREATE FUNCTION"},
		{`CREATE FUNCTION gone() RETURNS integer LANGUAGE sql AS 'SELECT 1'`, "CREATE FUNCTION"},
		{`CREATE FUNCTION triple(t text) RETURNS text LANGUAGE sql RETURN t || t || t`, "CREATE FUNCTION"},
		{`CREATE FUNCTION rows_of(m integer) RETURNS TABLE (id integer, twice bigint) LANGUAGE sql SECURITY DEFINER AS 'SELECT id, id * m FROM t'`, "CREATE FUNCTION"},
		{`CREATE FUNCTION ids_over(lo integer = 0) RETURNS SETOF integer LANGUAGE plpgsql AS $$ BEGIN RETURN QUERY SELECT id FROM t WHERE id > lo; RETURN NEXT -1; END $$`, "CREATE FUNCTION"},
		{`DROP FUNCTION gone`, "DROP FUNCTION"},
	})
	require.NoError(t, db.Close())
	db = openDurable(t, dir)
	s := pgsql.NewSession(db)
	defer s.Close()
	assert.Equal(t, [][]string{{"hello, ann", "hi, bob", "NULL", "9", "xxx"}}, texts(t, s, `SELECT greet('ann'), greet('bob', 'hi'), greet(NULL), triple(3), triple('x')`))
	assert.Equal(t, [][]string{{""}}, texts(t, s, `SELECT put(7)`))
	assert.Equal(t, [][]string{{"7", "14"}}, texts(t, s, `SELECT * FROM rows_of(2)`))
	assert.Equal(t, [][]string{{"7"}, {"-1"}}, texts(t, s, `SELECT * FROM ids_over()`))
	assert.Equal(t, [][]string{{"greet", "s", "t"}, {"ids_over", "v", "f"}, {"put", "v", "f"}, {"rows_of", "v", "f"}, {"triple", "i", "f"}, {"triple", "v", "f"}},
		texts(t, s, `SELECT proname, provolatile, proisstrict FROM pg_proc WHERE pronamespace = 'public'::regnamespace ORDER BY proname, provolatile`))
	assert.Equal(t, "ERROR 42883", outcome(t, s, `SELECT gone()`), "a dropped function is no function")

	fork, err := db.Fork(engine.Options{})
	require.NoError(t, err)
	defer fork.Close()
	runAll(t, fork, [][2]string{
		{`SELECT put(8)`, "SELECT 1"},
		{`CREATE OR REPLACE FUNCTION triple(n integer) RETURNS integer LANGUAGE sql RETURN n * 30`, "CREATE FUNCTION"},
	})
	assert.Equal(t, [][]string{{"9", "1"}}, texts(t, s, `SELECT triple(3), count(*) FROM t`), "the fork's changes stay its own")
}

// Ensure a function is called through database/sql with $1 parameters,
// their types taken from the function's arguments.
func TestUserFunc_DatabaseSQL(t *testing.T) {
	db, err := sql.Open("reldb", "")
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(`CREATE FUNCTION add_to(a integer, b integer DEFAULT 10) RETURNS integer LANGUAGE sql AS 'SELECT a + b'`)
	require.NoError(t, err)
	var n int64
	require.NoError(t, db.QueryRow(`SELECT add_to($1)`, 5).Scan(&n))
	assert.Equal(t, int64(15), n)
	st, err := db.Prepare(`SELECT add_to($1, b => $2)`)
	require.NoError(t, err)
	defer st.Close()
	require.NoError(t, st.QueryRow(1, 2).Scan(&n))
	assert.Equal(t, int64(3), n)
	var s string
	require.NoError(t, db.QueryRow(`SELECT add_to($1::integer)::text`, "4").Scan(&s))
	assert.Equal(t, "14", s)
}

// Ensure what a session remembers of whether a statement calls a user
// function follows the declarations: the same prepared query becomes a
// writer when the view it reads is replaced by one calling a function
// that writes.
func TestUserFunc_RememberedCallsFollowDeclarations(t *testing.T) {
	db, err := sql.Open("reldb", "")
	require.NoError(t, err)
	defer db.Close()
	db.SetMaxOpenConns(1)
	for _, stmt := range []string{
		`CREATE TABLE log (n integer)`,
		`CREATE FUNCTION note(n integer) RETURNS integer LANGUAGE plpgsql AS $$ BEGIN INSERT INTO log VALUES (n); RETURN n; END $$`,
		`CREATE VIEW v AS SELECT 1 AS n`,
	} {
		_, err := db.Exec(stmt)
		require.NoError(t, err, stmt)
	}
	st, err := db.Prepare(`SELECT n FROM v`)
	require.NoError(t, err)
	defer st.Close()
	var n int64
	require.NoError(t, st.QueryRow().Scan(&n))
	_, err = db.Exec(`CREATE OR REPLACE VIEW v AS SELECT note(2) AS n`)
	require.NoError(t, err)
	require.NoError(t, st.QueryRow().Scan(&n), "the view's function writes: the query needs a writer")
	assert.Equal(t, int64(2), n)
	require.NoError(t, db.QueryRow(`SELECT count(*) FROM log`).Scan(&n))
	assert.Equal(t, int64(1), n)
}
