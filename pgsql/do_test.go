package pgsql_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/pgsql"
)

// Ensure DO runs the migration shapes: guarded DDL runs once and a second
// run changes nothing.
func TestSession_Do_Migrations(t *testing.T) {
	s := triggerSession(t)
	for _, sql := range []string{
		`DO $$ BEGIN CREATE TYPE mood AS ENUM ('a', 'b'); EXCEPTION WHEN duplicate_object THEN null; END $$`,
		`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'size') THEN CREATE TYPE size AS ENUM ('s'); END IF; END $$`,
		`DO $$ BEGIN ALTER TABLE items ADD CONSTRAINT qty_pos CHECK (qty > 0); EXCEPTION WHEN duplicate_object THEN NULL; END; $$`,
		`DO LANGUAGE plpgsql $$ BEGIN ALTER TABLE items ADD COLUMN m mood; EXCEPTION WHEN duplicate_column THEN NULL; END $$`,
	} {
		for range 2 {
			res, err := s.Exec(context.Background(), sql)
			require.NoError(t, err, sql)
			assert.Equal(t, "DO", res.Tag)
		}
	}
	assert.Equal(t, "23514", execErr(t, s, `INSERT INTO items (name, qty) VALUES ('x', 0)`).Code)
	assert.Equal(t, "{a,b}|{s}", dump(t, s, `SELECT enum_range(NULL::mood)::text, enum_range(NULL::size)::text`))
	assert.Equal(t, "", dump(t, s, `SELECT m FROM items`))
}

// Ensure a caught error rolls back its block's writes and DDL, in an
// explicit transaction too, leaves the statements around it and the
// variables' values, and that the session's own savepoints still work.
func TestSession_Do_ExceptionRollsBack(t *testing.T) {
	s := triggerSession(t)
	for _, sql := range []string{
		`BEGIN`,
		`SAVEPOINT a`,
		`DO $$ DECLARE k int := 0; BEGIN
			INSERT INTO items (name) VALUES ('before');
			BEGIN
				k := 1;
				INSERT INTO items (name) VALUES ('inside');
				CREATE TABLE gone (a int);
				CREATE TYPE gone_t AS ENUM ('x');
				INSERT INTO items (name, qty) VALUES ('big', 5000);
			EXCEPTION WHEN check_violation THEN
				INSERT INTO items (name, note) VALUES ('caught k=' || k, SQLSTATE || ' ' || SQLERRM);
			END;
			INSERT INTO items (name) VALUES ('after');
		END $$`,
	} {
		_, err := s.Exec(context.Background(), sql)
		require.NoError(t, err, sql)
	}
	assert.Equal(t, "42P01", execErr(t, s, `SAVEPOINT b; SELECT * FROM gone`).Code)
	_, err := s.Exec(context.Background(), `ROLLBACK TO b`)
	require.NoError(t, err)
	assert.Equal(t, "0", dump(t, s, `SELECT count(*) FROM pg_type WHERE typname = 'gone_t'`))
	assert.Equal(t, `before|NULL;caught k=1|23514 new row for relation "items" violates check constraint "items_qty_check";after|NULL`,
		dump(t, s, `SELECT name, note FROM items ORDER BY id`))
	_, err = s.Exec(context.Background(), `ROLLBACK TO a`)
	require.NoError(t, err)
	assert.Equal(t, "", dump(t, s, `SELECT name FROM items`))
	_, err = s.Exec(context.Background(), `COMMIT`)
	require.NoError(t, err)
}

// Ensure an uncaught error fails DO with the original error and leaves
// nothing of it, and that conditions catch what PostgreSQL's do.
func TestSession_Do_Errors(t *testing.T) {
	tests := []struct {
		name, sql, code, msg string
		position             int
	}{
		{name: "uncaught", sql: `DO $$ BEGIN INSERT INTO items (name) VALUES ('lost'); PERFORM 1/0; END $$`, code: "22012", msg: "division by zero"},
		{name: "other handler", sql: `DO $$ BEGIN INSERT INTO items (name) VALUES ('lost'); INSERT INTO items (name) VALUES (NULL); EXCEPTION WHEN unique_violation THEN NULL; END $$`,
			code: "23502", msg: `null value in column "name" of relation "items" violates not-null constraint`},
		{name: "error in handler", sql: `DO $$ BEGIN PERFORM 1/0; EXCEPTION WHEN division_by_zero THEN INSERT INTO nosuch VALUES (1); END $$`,
			code: "42P01", msg: `relation "nosuch" does not exist`},
		{name: "reraise", sql: `DO $$ BEGIN RAISE 'mine' USING ERRCODE = '22023'; EXCEPTION WHEN OTHERS THEN RAISE; END $$`, code: "22023", msg: "mine"},
		{name: "others does not catch 0A000", sql: `DO $$ BEGIN CREATE POLICY p ON t USING (true); EXCEPTION WHEN OTHERS THEN NULL; END $$`,
			code: "0A000", msg: "CREATE POLICY is not supported"},
		{name: "syntax error positioned", sql: `DO $$ BEGIN SELEC 1; END $$`, code: "42601", msg: `syntax error at or near "SELEC"`, position: 13},
		{name: "language sql", sql: `DO LANGUAGE sql 'SELECT 1'`, code: "0A000", msg: `language "sql" does not support inline code execution`},
		{name: "language unknown", sql: `DO LANGUAGE plperl 'x'`, code: "42704", msg: `language "plperl" does not exist`},
		{name: "no body", sql: `DO LANGUAGE plpgsql`, code: "42601", msg: "no inline code specified"},
		{name: "unknown condition", sql: `DO $$ BEGIN NULL; EXCEPTION WHEN nope THEN NULL; END $$`, code: "42704", msg: `unrecognized exception condition "nope"`},
		{name: "raise outside handler", sql: `DO $$ BEGIN RAISE; END $$`, code: "0Z002", msg: "RAISE without parameters cannot be used outside an exception handler"},
		{name: "whole record", sql: `DO $$ DECLARE r record; BEGIN SELECT 1 AS a INTO r; RAISE NOTICE '%', r; END $$`, code: "0A000", msg: "a whole record variable in an expression is not supported"},
		{name: "record not assigned", sql: `DO $$ DECLARE r record; BEGIN RAISE NOTICE '%', r.a; END $$`, code: "55000", msg: `record "r" is not assigned yet`},
		{name: "record field", sql: `DO $$ DECLARE r record; BEGIN SELECT 1 AS a INTO r; RAISE NOTICE '%', r.b; END $$`, code: "42703", msg: `record "r" has no field "b"`},
		{name: "ambiguous in a subquery", sql: `DO $$ DECLARE name text; BEGIN IF EXISTS (SELECT 1 FROM items WHERE name = name) THEN NULL; END IF; END $$`,
			code: "42702", msg: `column reference "name" is ambiguous`},
		{name: "ambiguous over the catalog", sql: `DO $$ DECLARE typname text; BEGIN IF EXISTS (SELECT 1 FROM pg_type WHERE typname = typname) THEN NULL; END IF; END $$`,
			code: "42702", msg: `column reference "typname" is ambiguous`},
		{name: "null bound", sql: `DO $$ BEGIN FOR i IN 1..NULL LOOP END LOOP; END $$`, code: "22004", msg: "upper bound of FOR loop cannot be null"},
		{name: "step zero", sql: `DO $$ BEGIN FOR i IN 1..3 BY 0 LOOP END LOOP; END $$`, code: "22023", msg: "BY value of FOR loop must be greater than zero"},
		{name: "transaction control", sql: `DO $$ BEGIN COMMIT; END $$`, code: "0A000", msg: "PL/pgSQL COMMIT is not supported", position: 13},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := triggerSession(t)
			pe := execErr(t, s, tc.sql)
			require.NotNil(t, pe)
			assert.Equal(t, tc.code, pe.Code)
			assert.Equal(t, tc.msg, pe.Message)
			assert.Equal(t, tc.position, pe.Position)
			assert.Equal(t, "", dump(t, s, `SELECT name FROM items`))
		})
	}
}

// Ensure RAISE in a DO reaches OnNotice's function as it is raised.
func TestSession_Do_Notices(t *testing.T) {
	s := triggerSession(t)
	var got []string
	s.OnNotice(func(e *pgsql.Error) { got = append(got, e.Severity+" "+e.Message) })
	_, err := s.Exec(context.Background(), `DO $$ DECLARE n int; BEGIN SELECT count(*) INTO n FROM items; RAISE NOTICE 'n=%', n; RAISE WARNING 'w'; END $$`)
	require.NoError(t, err)
	assert.Equal(t, []string{"NOTICE n=0", "WARNING w"}, got)
}

// Ensure a trigger function's EXCEPTION block catches an error of its
// statement and rolls back only that block's writes.
func TestTrigger_ExceptionBlock(t *testing.T) {
	s := triggerSession(t,
		`CREATE TABLE seen (name text PRIMARY KEY, n integer NOT NULL)`,
		`CREATE FUNCTION count_name() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			BEGIN
				INSERT INTO seen VALUES (NEW.name, 1);
			EXCEPTION WHEN unique_violation THEN
				UPDATE seen SET n = n + 1 WHERE name = NEW.name;
				NEW.note := SQLSTATE;
			END;
			RETURN NEW;
		END $$`,
		`CREATE TRIGGER items_count BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION count_name()`,
		`INSERT INTO items (name) VALUES ('a'), ('b'), ('a')`,
	)
	assert.Equal(t, "a|2;b|1", dump(t, s, `SELECT name, n FROM seen ORDER BY name`))
	assert.Equal(t, "a|NULL;b|NULL;a|23505", dump(t, s, `SELECT name, note FROM items ORDER BY id`))
}

// Ensure loops run as PostgreSQL's: FOR over integers (REVERSE, BY,
// bounds at the int4 limit) and over rows into a record, with CONTINUE
// and EXIT of the innermost loop, and a RETURN inside a loop ending the
// block.
func TestSession_Do_Loops(t *testing.T) {
	s := triggerSession(t)
	var got []string
	s.OnNotice(func(e *pgsql.Error) { got = append(got, e.Message) })
	for _, sql := range []string{
		`DO $$ BEGIN FOR i IN 1..3 LOOP INSERT INTO items (name, qty) VALUES ('n' || i, i); END LOOP; END $$`,
		`DO $$ BEGIN FOR i IN REVERSE 10..1 BY 4 LOOP RAISE NOTICE 'r%', i; END LOOP; END $$`,
		`DO $$ BEGIN FOR i IN 2147483646..2147483647 LOOP RAISE NOTICE '%', i; END LOOP; END $$`,
		`DO $$ DECLARE r record; t int := 0; BEGIN FOR r IN SELECT id, name, qty FROM items ORDER BY id LOOP
			t := t + r.qty; CONTINUE WHEN r.id = 2; RAISE NOTICE '%', r.name; EXIT WHEN r.id = 3; END LOOP;
			RAISE NOTICE 'total % %', t, found; END $$`,
		`DO $$ BEGIN FOR i IN 1..3 LOOP FOR j IN 1..3 LOOP EXIT WHEN j > i; IF i = 3 THEN RETURN; END IF; RAISE NOTICE '%-%', i, j; END LOOP; END LOOP; RAISE NOTICE 'not reached'; END $$`,
	} {
		_, err := s.Exec(context.Background(), sql)
		require.NoError(t, err, sql)
	}
	assert.Equal(t, []string{"r10", "r6", "r2", "2147483646", "2147483647", "n1", "n3", "total 6 t", "1-1", "2-1", "2-2"}, got)
	assert.Equal(t, "n1|1;n2|2;n3|3", dump(t, s, `SELECT name, qty FROM items ORDER BY id`))
}
