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

// play runs steps written "SQL => outcome" on s, checking each outcome
// (see outcome).
func play(t *testing.T, s *pgsql.Session, steps ...string) {
	t.Helper()
	for _, step := range steps {
		sql, want, ok := strings.Cut(step, " => ")
		require.True(t, ok, "step %q has no =>", step)
		require.Equal(t, want, outcome(t, s, sql), sql)
	}
}

// Ensure each ALTER TABLE action keeps the SQL declarations in step with
// the engine: types, CHECKs, clock DEFAULTs and constraints follow
// renames and drops (the schema of newSession: authors with a
// varchar(20) name UNIQUE, books referencing authors).
func TestSession_Exec_AlterTable(t *testing.T) {
	tests := []struct {
		name  string
		steps []string
		query string     // run at the end, if set
		want  [][]string // its rows
	}{
		{name: "rename column keeps its type and checks", steps: []string{
			"ALTER TABLE authors ADD CONSTRAINT short CHECK (length(name) < 15) => ALTER TABLE",
			"ALTER TABLE authors RENAME COLUMN name TO full_name => ALTER TABLE",
			"INSERT INTO authors VALUES (3, 'a name longer than twenty') => ERROR 22001",
			"INSERT INTO authors VALUES (3, 'fourteen chars') => INSERT 0 1",
			"INSERT INTO authors VALUES (4, 'fifteen chars..') => ERROR 23514",
			"ALTER TABLE authors RENAME COLUMN full_name TO id => ERROR 42701",
			"ALTER TABLE authors RENAME COLUMN nope TO x => ERROR 42703",
		}, query: "SELECT full_name FROM authors ORDER BY id", want: [][]string{{"Le Guin"}, {"Butler"}, {"fourteen chars"}}},
		{name: "drop column takes its checks", steps: []string{
			"ALTER TABLE books ADD COLUMN qty integer CHECK (qty >= 0) => ALTER TABLE",
			"INSERT INTO books (id, qty) VALUES (30, -1) => ERROR 23514",
			"ALTER TABLE books DROP COLUMN qty => ALTER TABLE",
			"INSERT INTO books (id) VALUES (30) => INSERT 0 1",
			"ALTER TABLE books DROP COLUMN id => ERROR 0A000",
		}, query: "SELECT * FROM books WHERE id = 30", want: [][]string{{"30", "NULL", "9.99"}}},
		{name: "add column with a clock default", steps: []string{
			"ALTER TABLE authors ADD COLUMN joined timestamptz NOT NULL DEFAULT now() => ALTER TABLE",
			"INSERT INTO authors (id, name) VALUES (3, 'Banks') => INSERT 0 1",
		}, query: "SELECT count(*) FROM authors WHERE joined IS NOT NULL", want: [][]string{{"3"}}},
		{name: "add column constraints", steps: []string{
			"ALTER TABLE books ADD COLUMN isbn text UNIQUE => ALTER TABLE",
			"ALTER TABLE books ADD COLUMN editor_id integer REFERENCES authors => ALTER TABLE",
			"UPDATE books SET isbn = 'x' => ERROR 23505",
			"UPDATE books SET editor_id = 9 => ERROR 23503",
			"UPDATE books SET editor_id = 2 WHERE id = 10 => UPDATE 1",
			"DELETE FROM authors WHERE id = 2 => ERROR 23503",
			"ALTER TABLE books ADD COLUMN pk integer PRIMARY KEY => ERROR 0A000",
			// Existing rows are numbered in key order; the column stays
			// GENERATED ALWAYS.
			"ALTER TABLE books ADD COLUMN n integer GENERATED ALWAYS AS IDENTITY => ALTER TABLE",
			"UPDATE books SET n = 5 => ERROR 428C9",
		}, query: "SELECT id, isbn, editor_id, n FROM books ORDER BY id", want: [][]string{{"10", "NULL", "2", "1"}, {"11", "NULL", "NULL", "2"}, {"20", "NULL", "NULL", "3"}}},
		{name: "drop a referenced column needs cascade", steps: []string{
			"CREATE TABLE fans (id integer PRIMARY KEY, idol varchar(20) REFERENCES authors (name)) => CREATE TABLE",
			"ALTER TABLE authors DROP COLUMN name => ERROR 2BP01",
			"ALTER TABLE authors DROP CONSTRAINT authors_name_key => ERROR 2BP01",
			"ALTER TABLE authors DROP COLUMN name CASCADE => ALTER TABLE",
			"INSERT INTO fans VALUES (1, 'nobody') => INSERT 0 1",
		}, query: "SELECT * FROM authors ORDER BY id", want: [][]string{{"1"}, {"2"}}},
		{name: "drop a foreign key and its hidden index", steps: []string{
			"ALTER TABLE books DROP CONSTRAINT books_author_id_fkey => ALTER TABLE",
			"ALTER TABLE books DROP CONSTRAINT books_author_id_fkey => ERROR 42704",
			"ALTER TABLE books DROP CONSTRAINT IF EXISTS books_author_id_fkey => ALTER TABLE",
			"INSERT INTO books (id, author_id) VALUES (30, 9) => INSERT 0 1",
			"DROP INDEX books_author_id_idx => ERROR 42704",
			"ALTER TABLE books ADD CONSTRAINT books_author_fk FOREIGN KEY (author_id) REFERENCES authors => ERROR 23503",
			"DELETE FROM books WHERE id = 30 => DELETE 1",
			"ALTER TABLE books ADD CONSTRAINT books_author_fk FOREIGN KEY (author_id) REFERENCES authors ON DELETE CASCADE => ALTER TABLE",
			"CREATE INDEX books_author_id_idx ON books (author_id) => CREATE INDEX",
			"DELETE FROM authors WHERE id = 1 => DELETE 1",
		}, query: "SELECT id FROM books", want: [][]string{{"20"}}},
		{name: "constraints: names, unique and renames", steps: []string{
			"ALTER TABLE books ADD CONSTRAINT price_positive CHECK (price > 0) => ALTER TABLE",
			"ALTER TABLE books ADD CONSTRAINT price_positive CHECK (price > 1) => ERROR 42710",
			"ALTER TABLE books ADD CHECK (price < 100) => ALTER TABLE",
			"INSERT INTO books (id, price) VALUES (30, 100) => ERROR 23514",
			"ALTER TABLE books RENAME CONSTRAINT books_price_check TO price_small => ALTER TABLE",
			"ALTER TABLE books RENAME CONSTRAINT price_small TO price_positive => ERROR 42710",
			"ALTER TABLE books RENAME CONSTRAINT nope TO x => ERROR 42704",
			"ALTER TABLE books DROP CONSTRAINT price_small => ALTER TABLE",
			"INSERT INTO books (id, price) VALUES (30, 100) => INSERT 0 1",
			"ALTER TABLE authors RENAME CONSTRAINT authors_name_key TO authors_name_uq => ALTER TABLE",
			"INSERT INTO authors VALUES (3, 'Butler') => ERROR 23505",
			"ALTER TABLE authors DROP CONSTRAINT authors_name_uq => ALTER TABLE",
			"INSERT INTO authors VALUES (3, 'Butler') => INSERT 0 1",
			"ALTER TABLE authors ADD UNIQUE (name) => ERROR 23505",
			"ALTER TABLE books RENAME CONSTRAINT books_author_id_fkey TO books_by => ALTER TABLE",
			"ALTER TABLE books DROP CONSTRAINT books_by => ALTER TABLE",
			"ALTER TABLE books ADD PRIMARY KEY (price) => ERROR 42P16",
			"ALTER TABLE books DROP CONSTRAINT books_pkey => ALTER TABLE",
			"INSERT INTO books (id, price) VALUES (30, 1) => INSERT 0 1",
			"ALTER TABLE books DROP CONSTRAINT books_pkey => ERROR 42704",
			"ALTER TABLE books ADD PRIMARY KEY (id) => ERROR 23505",
			"CREATE TABLE tags (id serial PRIMARY KEY) => CREATE TABLE",
			"ALTER TABLE tags DROP CONSTRAINT tags_pkey => ERROR 0A000",
			"ALTER TABLE tags RENAME CONSTRAINT tags_pkey TO tags_key => ALTER TABLE",
			"ALTER INDEX tags_key RENAME TO books => ERROR 42P07",
			"ALTER INDEX tags_key RENAME TO tags_k => ALTER INDEX",
			"INSERT INTO tags VALUES (1), (1) => ERROR 23505",
		}},
		{name: "column defaults and nullability", steps: []string{
			"ALTER TABLE books ALTER COLUMN price SET DEFAULT 5 => ALTER TABLE",
			"INSERT INTO books (id) VALUES (30) => INSERT 0 1",
			"ALTER TABLE books ALTER COLUMN price DROP DEFAULT => ALTER TABLE",
			"INSERT INTO books (id) VALUES (31) => INSERT 0 1",
			"ALTER TABLE books ALTER COLUMN price SET NOT NULL => ERROR 23502",
			"ALTER TABLE books ALTER COLUMN author_id SET NOT NULL => ERROR 23502",
			"DELETE FROM books WHERE author_id IS NULL => DELETE 2",
			"ALTER TABLE books ALTER COLUMN author_id SET NOT NULL => ALTER TABLE",
			"INSERT INTO books (id) VALUES (32) => ERROR 23502",
			"ALTER TABLE books ALTER COLUMN author_id DROP NOT NULL => ALTER TABLE",
			"ALTER TABLE books ALTER COLUMN id DROP NOT NULL => ERROR 42P16",
			"ALTER TABLE books ALTER COLUMN price SET DEFAULT 'abc' => ERROR 22P02",
			"ALTER TABLE books ALTER COLUMN nope SET DEFAULT 1 => ERROR 42703",
		}},
		{name: "column types of the same storage", steps: []string{
			"ALTER TABLE authors ALTER COLUMN name TYPE varchar(5) => ERROR 22001",
			"ALTER TABLE authors ALTER COLUMN name TYPE varchar(7) => ALTER TABLE",
			"INSERT INTO authors VALUES (3, 'Jemisin') => INSERT 0 1",
			"INSERT INTO authors VALUES (4, 'Leckie A') => ERROR 22001",
			"ALTER TABLE authors ALTER COLUMN name TYPE text => ALTER TABLE",
			"INSERT INTO authors VALUES (4, 'Leckie A') => INSERT 0 1",
			"ALTER TABLE books ALTER COLUMN author_id TYPE bigint => ALTER TABLE",
			"ALTER TABLE books ALTER COLUMN author_id TYPE text => ERROR 0A000",
			"ALTER TABLE books ALTER COLUMN price TYPE numeric(8,3) => ALTER TABLE",
			"ALTER TABLE books ALTER COLUMN author_id TYPE integer USING author_id + 1 => ERROR 0A000",
		}},
		{name: "column types rewritten", steps: []string{
			"ALTER TABLE authors ALTER COLUMN name TYPE integer => ERROR 42804",
			"ALTER TABLE authors ALTER COLUMN name TYPE integer USING name = 'x' => ERROR 42804",
			"ALTER TABLE authors ALTER COLUMN name TYPE integer USING name::integer => ERROR 22P02",
			"ALTER TABLE authors ALTER COLUMN name TYPE integer USING length(name) => ALTER TABLE",
			"INSERT INTO authors VALUES (3, 'x') => ERROR 22P02",
			"INSERT INTO authors VALUES (3, 6) => ERROR 23505",
			"ALTER TABLE books ALTER COLUMN price TYPE integer => ALTER TABLE",
			"ALTER TABLE books ALTER COLUMN price TYPE text USING price || ' EUR' => ALTER TABLE",
			"ALTER TABLE books ADD CONSTRAINT short CHECK (length(price) < 9) => ALTER TABLE",
			"ALTER TABLE books ALTER COLUMN price TYPE text USING price || ' EURO' => ERROR 23514",
		}, query: "SELECT a.id, a.name, b.id, b.price FROM authors a JOIN books b ON b.author_id = a.id ORDER BY b.id",
			want: [][]string{{"1", "7", "10", "10 EUR"}, {"1", "7", "11", "10 EUR"}, {"2", "6", "20", "10 EUR"}}},
		{name: "rename table", steps: []string{
			"ALTER TABLE authors RENAME TO writers => ALTER TABLE",
			"ALTER TABLE writers RENAME TO books => ERROR 42P07",
			"ALTER TABLE authors ADD COLUMN x integer => ERROR 42P01",
			"ALTER TABLE IF EXISTS authors ADD COLUMN x integer => ALTER TABLE",
			"INSERT INTO writers VALUES (3, 'a name longer than twenty') => ERROR 22001",
			"DELETE FROM writers WHERE id = 1 => DELETE 1",
		}, query: "SELECT id, author_id FROM books ORDER BY id", want: [][]string{{"20", "2"}}},
		{name: "an action that fails fails the statement", steps: []string{
			"ALTER TABLE books ADD COLUMN a integer, ADD COLUMN b integer NOT NULL => ERROR 23502",
			"SELECT a FROM books => ERROR 42703",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSession(t)
			play(t, s, tc.steps...)
			if tc.query != "" {
				assert.Equal(t, tc.want, texts(t, s, tc.query))
			}
		})
	}
}

// Ensure ALTER TABLE rolls back with its transaction, declarations
// included, and that other sessions see its declarations only once it
// commits.
func TestSession_Exec_AlterTableTransactional(t *testing.T) {
	s := newSession(t)
	play(t, s,
		"BEGIN => BEGIN",
		"ALTER TABLE authors RENAME COLUMN name TO full_name => ALTER TABLE",
		"ALTER TABLE authors ADD CONSTRAINT short CHECK (length(full_name) < 5) => ERROR 23514",
		"ROLLBACK => ROLLBACK",
		"INSERT INTO authors VALUES (3, 'a name longer than twenty') => ERROR 22001",
		"INSERT INTO authors VALUES (3, 'Banks') => INSERT 0 1",

		"BEGIN => BEGIN",
		"SAVEPOINT a => SAVEPOINT",
		"ALTER TABLE authors ADD CONSTRAINT small_id CHECK (id < 100) => ALTER TABLE",
		"INSERT INTO authors VALUES (100, 'Leckie') => ERROR 23514",
		"ROLLBACK TO a => ROLLBACK",
		"INSERT INTO authors VALUES (100, 'Leckie') => INSERT 0 1",
		"COMMIT => COMMIT",
	)
}

// Ensure a declaration change is published at commit, to other sessions.
func TestSession_Exec_AlterTableVisibility(t *testing.T) {
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	s1, s2 := pgsql.NewSession(db), pgsql.NewSession(db)
	play(t, s1,
		"CREATE TABLE notes (id integer PRIMARY KEY, body varchar(3)) => CREATE TABLE",
		"BEGIN => BEGIN",
		"ALTER TABLE notes ALTER COLUMN body TYPE text => ALTER TABLE",
		"INSERT INTO notes VALUES (1, 'long') => INSERT 0 1",
	)
	play(t, s2, "INSERT INTO notes VALUES (2, 'long') => ERROR 22001")
	play(t, s1, "COMMIT => COMMIT")
	play(t, s2, "INSERT INTO notes VALUES (2, 'long') => INSERT 0 1")
	_, err = s1.Exec(context.Background(), "SELECT 1")
	require.NoError(t, err)
	require.NoError(t, db.Check())
}

// Ensure a session sees each version of a table it has read before: its
// view of a table is cached by the table's definition and declarations,
// so a change, a rolled-back change and a change by another session all
// show at once.
func TestSession_SchemaFollowsChanges(t *testing.T) {
	s := newSession(t)
	cols := func() string {
		t.Helper()
		res, err := s.Exec(context.Background(), `SELECT * FROM authors ORDER BY id LIMIT 1`)
		require.NoError(t, err)
		names := []string{}
		for _, c := range res.Columns {
			names = append(names, c.Name)
		}
		return strings.Join(names, ",")
	}
	assert.Equal(t, "id,name", cols())
	require.Equal(t, "ALTER TABLE", outcome(t, s, `ALTER TABLE authors ADD COLUMN born integer`))
	assert.Equal(t, "id,name,born", cols())
	require.Equal(t, "BEGIN", outcome(t, s, `BEGIN`))
	require.Equal(t, "ALTER TABLE", outcome(t, s, `ALTER TABLE authors DROP COLUMN born`))
	assert.Equal(t, "id,name", cols())
	require.Equal(t, "ROLLBACK", outcome(t, s, `ROLLBACK`))
	assert.Equal(t, "id,name,born", cols())
	require.Equal(t, "ALTER TABLE", outcome(t, s, `ALTER TABLE authors ALTER COLUMN name TYPE varchar(40)`))
	assert.Equal(t, "INSERT 0 1", outcome(t, s, `INSERT INTO authors (id, name) VALUES (9, 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx')`), "the new length applies")
	require.Equal(t, "ALTER TABLE", outcome(t, s, `ALTER TABLE authors ADD CONSTRAINT born_past CHECK (born < 2100)`))
	assert.Equal(t, "ERROR 23514", outcome(t, s, `INSERT INTO authors (id, name, born) VALUES (10, 'y', 3000)`), "the new CHECK applies")
}

// Ensure ADD CONSTRAINT ... NOT VALID over rows that break the constraint,
// which PostgreSQL keeps unchecked, is refused with 0A000 and changes
// nothing: reldb's constraints hold for every row.
func TestAlter_NotValidOverViolatingRows(t *testing.T) {
	s := newSession(t)
	for _, c := range []struct{ sql, want string }{
		{`CREATE TABLE lots (id integer PRIMARY KEY, author_id integer, qty integer)`, "CREATE TABLE"},
		{`INSERT INTO lots VALUES (1, 99, -1)`, "INSERT 0 1"},
		{`ALTER TABLE lots ADD CONSTRAINT lots_author FOREIGN KEY (author_id) REFERENCES authors NOT VALID`, "ERROR 0A000"},
		{`ALTER TABLE lots ADD CONSTRAINT lots_qty CHECK (qty > 0) NOT VALID`, "ERROR 0A000"},
		{`INSERT INTO lots VALUES (2, 98, -2)`, "INSERT 0 1"},
	} {
		assert.Equal(t, c.want, outcome(t, s, c.sql), c.sql)
	}
	_, err := s.Exec(context.Background(), `ALTER TABLE lots ADD CONSTRAINT lots_qty CHECK (qty > 0) NOT VALID`)
	var pe *pgsql.Error
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, `check constraint "lots_qty" of relation "lots" is violated by some row`, pe.Detail)
	assert.Equal(t, [][]string{{"0"}}, texts(t, s, `SELECT count(*) FROM pg_constraint WHERE conrelid = 'lots'::regclass AND contype <> 'p'`))
}
