package pgsql_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql"
)

// enumRows runs query in s and returns its rows as text, a row per line
// with | between values and NULL as an empty string.
func enumRows(t *testing.T, s *pgsql.Session, query string) string {
	t.Helper()
	res, err := s.Exec(context.Background(), query)
	require.NoError(t, err, query)
	var lines []string
	for _, r := range res.Rows {
		vals := make([]string, len(r))
		for i, v := range r {
			vals[i], _ = res.Columns[i].Format(v)
		}
		lines = append(lines, strings.Join(vals, "|"))
	}
	return strings.Join(lines, "\n")
}

// Ensure enum values order by declaration, not alphabetically, wherever a
// query orders or compares them.
func TestSession_Exec_EnumOrder(t *testing.T) {
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	s := pgsql.NewSession(db)
	execSeq(t, s,
		`CREATE TYPE size AS ENUM ('small', 'medium', 'large')`,
		`CREATE TABLE shirt (id int PRIMARY KEY, sz size UNIQUE)`,
		`INSERT INTO shirt VALUES (1, 'large'), (2, 'small'), (3, 'medium')`,
	)
	tests := []struct {
		query string
		want  string
	}{
		{`SELECT sz FROM shirt ORDER BY sz`, "small\nmedium\nlarge"},
		{`SELECT sz FROM shirt ORDER BY sz DESC`, "large\nmedium\nsmall"},
		{`SELECT min(sz), max(sz) FROM shirt`, "small|large"},
		{`SELECT id FROM shirt WHERE sz < 'large' ORDER BY id`, "2\n3"},
		{`SELECT id FROM shirt WHERE sz >= 'medium' ORDER BY sz`, "3\n1"},
		{`SELECT DISTINCT sz FROM shirt ORDER BY 1`, "small\nmedium\nlarge"},
		{`SELECT sz, count(*) FROM shirt GROUP BY sz ORDER BY sz`, "small|1\nmedium|1\nlarge|1"},
		{`SELECT sz::text FROM shirt ORDER BY 1`, "large\nmedium\nsmall"}, // text orders alphabetically
		{`SELECT 'medium'::size > 'small'`, "true"},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			got := enumRows(t, s, tc.query)
			if tc.want == "true" {
				assert.Equal(t, "t", got)
				return
			}
			assert.Equal(t, tc.want, got)
		})
	}
	assert.Equal(t, "ERROR 22P02", outcome(t, s, `INSERT INTO shirt VALUES (4, 'huge')`))
	assert.Equal(t, "ERROR 23505", outcome(t, s, `INSERT INTO shirt VALUES (4, 'small')`))
}

// Ensure CREATE and ALTER TYPE roll back with their transaction.
func TestSession_Exec_EnumRollback(t *testing.T) {
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	s := pgsql.NewSession(db)
	execSeq(t, s, `CREATE TYPE mood AS ENUM ('sad', 'happy')`,
		`BEGIN`, `ALTER TYPE mood ADD VALUE 'ok' BEFORE 'happy'`, `CREATE TYPE gone AS ENUM ('x')`, `SELECT 'x'::gone`)
	// As in PostgreSQL, a label waits for its transaction's commit.
	assert.Equal(t, "ERROR 55P04", outcome(t, s, `SELECT 'ok'::mood`))
	execSeq(t, s, `ROLLBACK`)
	assert.Equal(t, "ERROR 22P02", outcome(t, s, `SELECT 'ok'::mood`))
	assert.Equal(t, "", enumRows(t, s, `SELECT typname FROM pg_type WHERE typname = 'gone'`))
	assert.Equal(t, "sad\nhappy", enumRows(t, s, `SELECT enumlabel FROM pg_enum ORDER BY enumsortorder`))
}

// Ensure enum types, their labels' order and the columns that use them
// survive a reopen of a durable database, after ADD VALUE and RENAME TO.
func TestSession_Declarations_EnumSurvivesReopen(t *testing.T) {
	dir := t.TempDir()
	db := openDurable(t, dir)
	runAll(t, db, [][2]string{
		{`CREATE TYPE mood AS ENUM ('sad', 'happy')`, "CREATE TYPE"},
		{`CREATE TABLE p (id int PRIMARY KEY, m mood NOT NULL DEFAULT 'sad')`, "CREATE TABLE"},
		{`ALTER TYPE mood ADD VALUE 'ok' BEFORE 'happy'`, "ALTER TYPE"},
		{`ALTER TYPE mood RENAME TO feeling`, "ALTER TYPE"},
		{`INSERT INTO p VALUES (1, 'happy'), (2, 'ok'), (3, DEFAULT)`, "INSERT 0 3"},
	})
	require.NoError(t, db.Close())
	db = openDurable(t, dir)
	s := pgsql.NewSession(db)
	defer s.Close()
	assert.Equal(t, "3|sad\n2|ok\n1|happy", enumRows(t, s, `SELECT id, m FROM p ORDER BY m`))
	assert.Equal(t, "ERROR 22P02", outcome(t, s, `INSERT INTO p VALUES (4, 'meh')`))
	assert.Equal(t, "feeling", enumRows(t, s, `SELECT udt_name FROM information_schema.columns WHERE table_name = 'p' AND column_name = 'm'`))
	assert.Equal(t, "ERROR 2BP01", outcome(t, s, `DROP TYPE feeling`))
}

// Ensure a fork gets the template's enum types, and its ALTER TYPE stays
// its own.
func TestSession_Declarations_EnumFork(t *testing.T) {
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	runAll(t, db, [][2]string{
		{`CREATE TYPE mood AS ENUM ('sad', 'happy')`, "CREATE TYPE"},
		{`CREATE TABLE p (id int PRIMARY KEY, m mood)`, "CREATE TABLE"},
	})
	fork, err := db.Fork(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = fork.Close() })
	runAll(t, fork, [][2]string{
		{`ALTER TYPE mood ADD VALUE 'ok' BEFORE 'happy'`, "ALTER TYPE"},
		{`INSERT INTO p VALUES (1, 'ok'), (2, 'sad')`, "INSERT 0 2"},
		{`INSERT INTO p VALUES (3, 'nope')`, "ERROR 22P02"},
	})
	s := pgsql.NewSession(fork)
	defer s.Close()
	assert.Equal(t, "2|sad\n1|ok", enumRows(t, s, `SELECT id, m FROM p ORDER BY m`))
	runAll(t, db, [][2]string{{`INSERT INTO p VALUES (1, 'ok')`, "ERROR 22P02"}})
}
