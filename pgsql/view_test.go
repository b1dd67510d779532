package pgsql_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql"
)

// newViewSession is newSession (authors and books) with two views:
// titles over a join, and counts over titles.
func newViewSession(t *testing.T) (*engine.DB, *pgsql.Session) {
	t.Helper()
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	s := pgsql.NewSession(db)
	for _, stmt := range []string{
		`CREATE TABLE authors (id integer PRIMARY KEY, name text NOT NULL)`,
		`CREATE TABLE books (id integer PRIMARY KEY, author_id integer REFERENCES authors, title text)`,
		`INSERT INTO authors VALUES (1, 'Le Guin'), (2, 'Butler')`,
		`INSERT INTO books VALUES (10, 1, 'The Dispossessed'), (11, 1, 'Lavinia'), (20, 2, 'Kindred')`,
		`CREATE VIEW titles AS SELECT b.id, b.title, a.name AS author FROM books b JOIN authors a ON a.id = b.author_id`,
		`CREATE VIEW counts (author, n) AS SELECT author, count(*) FROM titles GROUP BY author`,
	} {
		_, err := s.Exec(context.Background(), stmt)
		require.NoError(t, err, stmt)
	}
	return db, s
}

// Ensure views read like tables, fail like PostgreSQL's, and depend on
// what they read.
func TestSession_Exec_Views(t *testing.T) {
	tests := []struct {
		name  string
		stmts []string
		want  []string
		views string // SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.views
	}{
		{"read in a join", []string{"SELECT c.n FROM counts c JOIN authors a ON a.name = c.author WHERE a.id = 1"}, []string{"SELECT 1"}, "counts,titles"},
		{"read in WHERE", []string{"SELECT id FROM authors WHERE name IN (SELECT author FROM counts WHERE n > 1)"}, []string{"SELECT 1"}, "counts,titles"},
		{"exists", []string{"CREATE VIEW titles AS SELECT 1", "CREATE VIEW authors AS SELECT 1", "CREATE OR REPLACE VIEW authors AS SELECT 1"},
			[]string{"ERROR 42P07", "ERROR 42P07", "ERROR 42809"}, "counts,titles"},
		{"bad query", []string{"CREATE VIEW v AS SELECT nope FROM books", "CREATE VIEW v AS SELECT * FROM nowhere", "CREATE VIEW v (a, b) AS SELECT 1"},
			[]string{"ERROR 42703", "ERROR 42P01", "ERROR 42601"}, "counts,titles"},
		{"replace keeps columns", []string{"CREATE OR REPLACE VIEW counts (author, n, extra) AS SELECT author, count(*), 1 FROM titles GROUP BY author",
			"CREATE OR REPLACE VIEW counts AS SELECT author FROM titles"}, []string{"CREATE VIEW", "ERROR 42P16"}, "counts,titles"},
		{"drop needs cascade", []string{"DROP VIEW titles", "DROP TABLE books", "ALTER TABLE books DROP COLUMN title"},
			[]string{"ERROR 2BP01", "ERROR 2BP01", "ERROR 2BP01"}, "counts,titles"},
		{"drop view cascade", []string{"DROP VIEW titles CASCADE"}, []string{"DROP VIEW"}, ""},
		{"drop table cascade", []string{"DROP TABLE authors CASCADE"}, []string{"DROP TABLE"}, ""},
		{"drop column cascade", []string{"ALTER TABLE books DROP COLUMN title CASCADE"}, []string{"ALTER TABLE"}, ""},
		{"unused column", []string{"ALTER TABLE books ADD COLUMN pages integer", "ALTER TABLE books DROP COLUMN pages"},
			[]string{"ALTER TABLE", "ALTER TABLE"}, "counts,titles"},
		{"used column type", []string{"ALTER TABLE books ALTER COLUMN title TYPE varchar(40)"}, []string{"ERROR 0A000"}, "counts,titles"},
		{"rename read table", []string{"ALTER TABLE books RENAME TO volumes", "SELECT count(*) FROM titles", "DROP TABLE volumes"},
			[]string{"ALTER TABLE", "SELECT 1", "ERROR 2BP01"}, "counts,titles"},
		{"wrong kind", []string{"DROP TABLE titles", "DROP VIEW books", "DROP INDEX titles", "TRUNCATE titles", "CREATE INDEX ON titles (id)"},
			[]string{"ERROR 42809", "ERROR 42809", "ERROR 42809", "ERROR 42809", "ERROR 42809"}, "counts,titles"},
		{"writes through a view", []string{"INSERT INTO titles VALUES (1, 'x', 'y')", "UPDATE titles SET title = 'x'", "DELETE FROM titles"},
			[]string{"ERROR 0A000", "ERROR 0A000", "ERROR 0A000"}, "counts,titles"},
		{"locking a view", []string{"BEGIN", "SELECT * FROM titles FOR UPDATE", "ROLLBACK"}, []string{"BEGIN", "ERROR 0A000", "ROLLBACK"}, "counts,titles"},
		{"rolled back", []string{"BEGIN", "CREATE VIEW v AS SELECT 1 AS one", "DROP VIEW counts", "ROLLBACK"},
			[]string{"BEGIN", "CREATE VIEW", "DROP VIEW", "ROLLBACK"}, "counts,titles"},
		{"savepoint", []string{"BEGIN", "CREATE VIEW a AS SELECT 1 AS one", "SAVEPOINT s", "CREATE VIEW b AS SELECT 1 AS one", "ROLLBACK TO s", "COMMIT"},
			[]string{"BEGIN", "CREATE VIEW", "SAVEPOINT", "CREATE VIEW", "ROLLBACK", "COMMIT"}, "a,counts,titles"},
		{"self reference", []string{"CREATE OR REPLACE VIEW titles AS SELECT * FROM counts"}, []string{"ERROR 42P17"}, "counts,titles"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, s := newViewSession(t)
			var got []string
			for _, stmt := range tc.stmts {
				got = append(got, outcome(t, s, stmt))
			}
			assert.Equal(t, tc.want, got)
			views := texts(t, s, "SELECT coalesce(string_agg(table_name, ',' ORDER BY table_name), '') FROM information_schema.views")
			assert.Equal(t, [][]string{{tc.views}}, views)
		})
	}
}

// Ensure a view shows the rows of its tables as they are, and keeps the
// columns * stood for when it was made.
func TestSession_Exec_Views_Rows(t *testing.T) {
	_, s := newViewSession(t)
	assert.Equal(t, [][]string{{"Butler", "1"}, {"Le Guin", "2"}}, texts(t, s, "SELECT * FROM counts ORDER BY author"))
	require.Equal(t, "INSERT 0 1", outcome(t, s, "INSERT INTO books VALUES (21, 2, 'Dawn')"))
	assert.Equal(t, [][]string{{"Butler", "2"}, {"Le Guin", "2"}}, texts(t, s, "SELECT * FROM counts ORDER BY author"))
	require.Equal(t, "CREATE VIEW", outcome(t, s, "CREATE VIEW every AS SELECT * FROM authors"))
	require.Equal(t, "ALTER TABLE", outcome(t, s, "ALTER TABLE authors ADD COLUMN born integer DEFAULT 1900"))
	res, err := s.Exec(t.Context(), "SELECT * FROM every ORDER BY id")
	require.NoError(t, err)
	require.Len(t, res.Columns, 2)
	assert.Equal(t, [][]any{{int64(1), "Le Guin"}, {int64(2), "Butler"}}, res.Rows)
	assert.Equal(t, "int4", res.Columns[0].TypeName())
	// The reader's WITH query does not reach into the view.
	assert.Equal(t, [][]string{{"4"}}, texts(t, s, "WITH books AS (SELECT 1 AS id) SELECT count(*) FROM titles"))
}

// Ensure the catalogs describe views as PostgreSQL's do.
func TestSession_Exec_Views_Catalog(t *testing.T) {
	_, s := newViewSession(t)
	assert.Equal(t, [][]string{{"counts", "VIEW"}, {"titles", "VIEW"}},
		texts(t, s, "SELECT table_name, table_type FROM information_schema.tables WHERE table_type = 'VIEW' ORDER BY 1"))
	assert.Equal(t, [][]string{{"counts", "v", "2"}, {"titles", "v", "3"}},
		texts(t, s, "SELECT relname, relkind, relnatts FROM pg_class WHERE relkind = 'v' ORDER BY 1"))
	assert.Equal(t, [][]string{{"author", "text"}, {"n", "bigint"}},
		texts(t, s, "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'counts' ORDER BY ordinal_position"))
	assert.Equal(t, [][]string{{"counts"}, {"titles"}}, texts(t, s, "SELECT viewname FROM pg_views ORDER BY 1"))
	assert.Equal(t, [][]string{{"t"}}, texts(t, s, "SELECT pg_get_viewdef('titles'::regclass) LIKE '%JOIN authors%'"))
	assert.Equal(t, [][]string{{"0"}}, texts(t, s, "SELECT count(*) FROM pg_tables WHERE tablename = 'titles'"))
	require.Equal(t, "COMMENT", outcome(t, s, "COMMENT ON VIEW titles IS 'every title'"))
	assert.Equal(t, [][]string{{"every title"}}, texts(t, s, "SELECT obj_description('titles'::regclass)"))
}

// Ensure a view's definition is deparsed as PostgreSQL 15 deparses it
// (pretty for pg_get_viewdef(v, true), with every operator in parentheses
// otherwise), and that a query outside what viewdef deparses shows its
// own canonical text, which reads back as the same query.
func TestSession_Exec_Views_Definition(t *testing.T) {
	_, s := newViewSession(t)
	require.Equal(t, "CREATE VIEW", outcome(t, s, "CREATE VIEW cheap AS SELECT id AS book FROM books WHERE id < 10 AND title <> 'x'"))
	require.Equal(t, "CREATE VIEW", outcome(t, s, "CREATE VIEW cased AS SELECT CASE WHEN id > 1 THEN 'a' END AS c FROM books"))
	assert.Equal(t, [][]string{
		{" SELECT books.id AS book\n   FROM books\n  WHERE books.id < 10 AND books.title <> 'x'::text;"},
		{" SELECT books.id AS book\n   FROM books\n  WHERE ((books.id < 10) AND (books.title <> 'x'::text));"},
		{" SELECT CASE WHEN (id > 1) THEN 'a' END AS c FROM books;"},
	}, texts(t, s, "SELECT pg_get_viewdef('cheap', true) UNION ALL SELECT definition FROM pg_views WHERE viewname = 'cheap' UNION ALL SELECT pg_get_viewdef('cased', true)"))
}

// Ensure a fork keeps the views of its origin, and views made in either
// afterwards stay in it.
func TestSession_Exec_Views_Fork(t *testing.T) {
	db, s := newViewSession(t)
	fdb, err := db.Fork(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = fdb.Close() })
	fs := pgsql.NewSession(fdb)
	assert.Equal(t, [][]string{{"3"}}, texts(t, fs, "SELECT count(*) FROM titles"))
	require.Equal(t, "CREATE VIEW", outcome(t, fs, "CREATE VIEW forked AS SELECT 1 AS one"))
	require.Equal(t, "DROP VIEW", outcome(t, s, "DROP VIEW counts"))
	assert.Equal(t, "ERROR 42P01", outcome(t, s, "SELECT * FROM forked"))
	assert.Equal(t, [][]string{{"2"}}, texts(t, fs, "SELECT count(*) FROM counts"))
}
