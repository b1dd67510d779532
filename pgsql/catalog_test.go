package pgsql_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/pgsql"
)

// Ensure a table's oid is the same in every query, ::regclass finds it
// and prints its name back, and pg_table_is_visible sees it.
func TestSession_Exec_CatalogOIDs(t *testing.T) {
	s := newSession(t) // authors and books
	var oids []any
	for range 2 {
		res, err := s.Exec(t.Context(), `SELECT oid FROM pg_class WHERE relname = $1`, "authors")
		require.NoError(t, err)
		require.Len(t, res.Rows, 1)
		oids = append(oids, res.Rows[0][0])
	}
	assert.Equal(t, oids[0], oids[1])
	res, err := s.Exec(t.Context(), `SELECT $1::regclass = oid, oid::regclass, pg_table_is_visible(oid) FROM pg_catalog.pg_class WHERE relname = 'authors'`, "authors")
	require.NoError(t, err)
	assert.Equal(t, [][]any{{true, "authors", true}}, res.Rows)
	// A reg* value cast to text is the object's name, however it was made.
	assert.Equal(t, [][]string{{"authors", "authors", "integer", "public", "t"}}, texts(t, s,
		`SELECT 'authors'::regclass::text, oid::regclass::text, 'int4'::regtype::text, 'public'::regnamespace::varchar,
		 'authors'::regclass::text = relname::text FROM pg_class WHERE relname = 'authors'`))
	assert.Equal(t, "ERROR 42P01", outcome(t, s, `SELECT 'nope'::regclass::text`))
}

// Ensure writes to the catalog are refused as PostgreSQL refuses them:
// 42501 for a system catalog, 55000 for information_schema's views.
func TestSession_Exec_CatalogReadOnly(t *testing.T) {
	s := newSession(t)
	for sql, code := range map[string]string{
		`DELETE FROM pg_class`:                                       "42501",
		`UPDATE pg_catalog.pg_attribute SET attname = 'x'`:           "42501",
		`DROP TABLE pg_catalog.pg_type`:                              "42501",
		`INSERT INTO information_schema.tables VALUES ('x')`:         "55000",
		`DELETE FROM pg_indexes`:                                     "55000",
		`SELECT * FROM information_schema.no_such_view`:              "42P01",
		`SELECT * FROM pg_catalog.pg_class c JOIN pg_nope n ON true`: "42P01",
	} {
		_, err := s.Exec(t.Context(), sql)
		var pe *pgsql.Error
		if assert.ErrorAs(t, err, &pe, sql) {
			assert.Equal(t, code, pe.Code, sql)
		}
	}
}

// Ensure the advisory lock functions answer as PostgreSQL's do for one
// session: lock returns void, unlock whether the session held the lock.
func TestSession_Exec_AdvisoryLocks(t *testing.T) {
	s := newSession(t)
	res, err := s.Exec(t.Context(), `SELECT pg_advisory_lock(42), pg_advisory_unlock(42), pg_advisory_unlock(42), pg_try_advisory_lock(1, 2)`)
	require.NoError(t, err)
	assert.Equal(t, [][]any{{"", true, false, true}}, res.Rows)
}

// Ensure TRUNCATE empties tables, children before parents, and refuses a
// table another one references.
func TestSession_Exec_Truncate(t *testing.T) {
	s := newSession(t)
	_, err := s.Exec(t.Context(), `CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a);
		INSERT INTO a VALUES (1), (2); INSERT INTO b VALUES (1, 1), (2, 2)`)
	require.NoError(t, err)
	_, err = s.Exec(t.Context(), `TRUNCATE a`)
	var pe *pgsql.Error
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "0A000", pe.Code)
	res, err := s.Exec(t.Context(), `TRUNCATE a, b`)
	require.NoError(t, err)
	assert.Equal(t, "TRUNCATE TABLE", res.Tag)
	res, err = s.Exec(t.Context(), `SELECT (SELECT count(*) FROM a), (SELECT count(*) FROM b)`)
	require.NoError(t, err)
	assert.Equal(t, [][]any{{int64(0), int64(0)}}, res.Rows)
}

// Ensure TRUNCATE ... CASCADE truncates the tables that reference the ones
// named, with a notice for each, and RESTART IDENTITY restarts their
// serial and identity sequences only if the transaction commits.
func TestSession_Exec_TruncateCascadeRestart(t *testing.T) {
	s := newSession(t)
	_, err := s.Exec(t.Context(), `CREATE TABLE p (id serial PRIMARY KEY); CREATE TABLE c (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, p_id int REFERENCES p);
		INSERT INTO p DEFAULT VALUES; INSERT INTO p DEFAULT VALUES; INSERT INTO c (p_id) VALUES (1), (2)`)
	require.NoError(t, err)
	res, err := s.Exec(t.Context(), `TRUNCATE p RESTART IDENTITY CASCADE`)
	require.NoError(t, err)
	require.Len(t, res.Warnings, 1)
	assert.Equal(t, "00000", res.Warnings[0].Code)
	assert.Equal(t, `truncate cascades to table "c"`, res.Warnings[0].Message)
	assert.Equal(t, [][]string{{"0", "0"}}, texts(t, s, `SELECT (SELECT count(*) FROM p), (SELECT count(*) FROM c)`))
	assert.Equal(t, [][]string{{"1"}}, texts(t, s, `INSERT INTO p DEFAULT VALUES RETURNING id`))
	assert.Equal(t, [][]string{{"1"}}, texts(t, s, `INSERT INTO c (p_id) VALUES (1) RETURNING id`))
	// Rolled back, the restart leaves the sequences where they were.
	for _, sql := range []string{"BEGIN", "TRUNCATE c, p RESTART IDENTITY", "ROLLBACK"} {
		_, err := s.Exec(t.Context(), sql)
		require.NoError(t, err, sql)
	}
	assert.Equal(t, [][]string{{"2"}}, texts(t, s, `INSERT INTO p DEFAULT VALUES RETURNING id`))
	assert.Equal(t, [][]string{{"2"}}, texts(t, s, `INSERT INTO c (p_id) VALUES (2) RETURNING id`))
}
