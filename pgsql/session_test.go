package pgsql_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql"
)

// outcome runs sql and returns its tag or "ERROR <code>", with warnings.
func outcome(t *testing.T, s *pgsql.Session, sql string, args ...any) string {
	t.Helper()
	res, err := s.Exec(context.Background(), sql, args...)
	if err != nil {
		var pe *pgsql.Error
		require.ErrorAs(t, err, &pe)
		return "ERROR " + pe.Code
	}
	out := res.Tag
	for _, w := range res.Warnings {
		out += " (WARNING " + w.Code + ")"
	}
	return out
}

// texts returns a query's rows in PostgreSQL's text format.
func texts(t *testing.T, s *pgsql.Session, sql string, args ...any) [][]string {
	t.Helper()
	res, err := s.Exec(context.Background(), sql, args...)
	require.NoError(t, err)
	return resultTexts(res)
}

// resultTexts is a result's rows as text, NULL as "NULL".
func resultTexts(res pgsql.Result) [][]string {
	out := [][]string{}
	for _, row := range res.Rows {
		line := make([]string, len(row))
		for i, v := range row {
			text, null := res.Columns[i].Format(v)
			if null {
				text = "NULL"
			}
			line[i] = text
		}
		out = append(out, line)
	}
	return out
}

// freshSession returns a session over a new in-memory database after
// stmts, each required to succeed; both are closed when t ends.
func freshSession(t *testing.T, stmts ...string) *pgsql.Session {
	t.Helper()
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	s := pgsql.NewSession(db)
	t.Cleanup(func() { _ = s.Close() })
	for _, st := range stmts {
		_, err := s.Exec(context.Background(), st)
		require.NoError(t, err, st)
	}
	return s
}

func newSession(t *testing.T) *pgsql.Session {
	t.Helper()
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	s := pgsql.NewSession(db)
	for _, stmt := range []string{
		`CREATE TABLE authors (id integer PRIMARY KEY, name varchar(20) NOT NULL UNIQUE)`,
		`CREATE TABLE books (id integer PRIMARY KEY, author_id integer REFERENCES authors ON DELETE CASCADE DEFERRABLE, price numeric(6,2) DEFAULT 9.99)`,
		`INSERT INTO authors VALUES (1, 'Le Guin'), (2, 'Butler')`,
		`INSERT INTO books (id, author_id) VALUES (10, 1), (11, 1), (20, 2)`,
	} {
		_, err := s.Exec(context.Background(), stmt)
		require.NoError(t, err, stmt)
	}
	return s
}

// Ensure a session follows PostgreSQL's transaction rules statement by statement.
func TestSession_Exec_TransactionRules(t *testing.T) {
	tests := []struct {
		name  string
		stmts []string
		want  []string
		count string // SELECT count(*) FROM books afterwards
	}{
		{"autocommit", []string{"DELETE FROM authors WHERE id = 1"}, []string{"DELETE 1"}, "1"},
		{"rollback undoes", []string{"BEGIN", "DELETE FROM books", "ROLLBACK"}, []string{"BEGIN", "DELETE 3", "ROLLBACK"}, "3"},
		{"aborted until rollback", []string{"BEGIN", "INSERT INTO books VALUES (30, 3)", "SELECT 1", "COMMIT"},
			[]string{"BEGIN", "ERROR 23503", "ERROR 25P02", "ROLLBACK"}, "3"},
		{"rollback to savepoint recovers", []string{"BEGIN", "DELETE FROM books WHERE id = 10", "SAVEPOINT a", "SELECT 1 / 0", "ROLLBACK TO a", "COMMIT"},
			[]string{"BEGIN", "DELETE 1", "SAVEPOINT", "ERROR 22012", "ROLLBACK", "COMMIT"}, "2"},
		{"release", []string{"START TRANSACTION", "SAVEPOINT a", "RELEASE a", "ROLLBACK TO a", "ROLLBACK"},
			[]string{"START TRANSACTION", "SAVEPOINT", "RELEASE", "ERROR 3B001", "ROLLBACK"}, "3"},
		{"warnings outside a transaction", []string{"COMMIT", "ROLLBACK", "SAVEPOINT x"},
			[]string{"COMMIT (WARNING 25P01)", "ROLLBACK (WARNING 25P01)", "ERROR 25P01"}, "3"},
		{"deferred check at commit", []string{"BEGIN", "SET CONSTRAINTS ALL DEFERRED", "INSERT INTO books VALUES (30, 3)", "COMMIT"},
			[]string{"BEGIN", "SET CONSTRAINTS", "INSERT 0 1", "ERROR 23503"}, "3"},
		{"deferred and repaired", []string{"BEGIN", "SET CONSTRAINTS books_author_id_fkey DEFERRED", "INSERT INTO books VALUES (30, 3)", "INSERT INTO authors VALUES (3, 'Banks')", "COMMIT"},
			[]string{"BEGIN", "SET CONSTRAINTS", "INSERT 0 1", "INSERT 0 1", "COMMIT"}, "4"},
		{"read only", []string{"BEGIN READ ONLY", "DELETE FROM books", "ROLLBACK"}, []string{"BEGIN", "ERROR 25006", "ROLLBACK"}, "3"},
		{"a syntax error aborts", []string{"BEGIN", "DELETE FROM books WHERE id = 10", "SELEC 1", "SELECT 1", "COMMIT"},
			[]string{"BEGIN", "DELETE 1", "ERROR 42601", "ERROR 25P02", "ROLLBACK"}, "3"},
		{"an unsupported statement aborts", []string{"BEGIN", "DELETE FROM books WHERE id = 10", "CREATE TABLE t (a int) PARTITION BY RANGE (a)", "SELEC 1", "COMMIT"},
			[]string{"BEGIN", "DELETE 1", "ERROR 0A000", "ERROR 42601", "ROLLBACK"}, "3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSession(t)
			var got []string
			for _, stmt := range tc.stmts {
				got = append(got, outcome(t, s, stmt))
			}
			assert.Equal(t, tc.want, got)
			assert.Equal(t, [][]string{{tc.count}}, texts(t, s, "SELECT count(*) FROM books"))
		})
	}
}

// Ensure statements give PostgreSQL's results, errors and 0A000 for what is not supported.
func TestSession_Exec_Statements(t *testing.T) {
	tests := []struct {
		name string
		sql  string
		args []any
		want string
	}{
		{"unique", "INSERT INTO authors VALUES (3, 'Butler')", nil, "ERROR 23505"},
		{"not null", "INSERT INTO authors (id) VALUES (3)", nil, "ERROR 23502"},
		{"too long", "INSERT INTO authors VALUES (3, 'a name longer than twenty')", nil, "ERROR 22001"},
		{"integer range", "INSERT INTO authors VALUES (3000000000, 'Big')", nil, "ERROR 22003"},
		{"numeric overflow", "UPDATE books SET price = 12345.678", nil, "ERROR 22003"},
		{"bad text", "SELECT id FROM authors WHERE id = 'x'", nil, "ERROR 22P02"},
		{"no table", "SELECT * FROM nope", nil, "ERROR 42P01"},
		{"no column", "UPDATE authors SET nope = 1", nil, "ERROR 42703"},
		{"type mismatch", "SELECT id FROM authors WHERE name", nil, "ERROR 42804"},
		{"parameters", "UPDATE books SET price = $1 WHERE author_id = $2", []any{"1.5", int64(1)}, "UPDATE 2"},
		{"cascade not counted", "DELETE FROM authors WHERE id = 1", nil, "DELETE 1"},
		{"drop referenced", "DROP TABLE authors", nil, "ERROR 2BP01"},
		{"drop together", "DROP TABLE authors, books", nil, "DROP TABLE"},
		{"locking", "SELECT id FROM authors FOR SHARE FOR UPDATE", nil, "ERROR 0A000"},
		{"check subquery", "CREATE TABLE c (id integer PRIMARY KEY CHECK (id > (SELECT 1)))", nil, "ERROR 0A000"},
		// No function of that name, in reldb or in PostgreSQL; one that
		// PostgreSQL has and reldb lacks is 0A000.
		{"no such function", "SELECT no_such_function(1, 'a')", nil, "ERROR 42883"},
		{"a function reldb lacks", "SELECT xmlagg(1)", nil, "ERROR 0A000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSession(t)
			assert.Equal(t, tc.want, outcome(t, s, tc.sql, tc.args...))
		})
	}
}

// Ensure expressions follow PostgreSQL's typing and text output.
func TestSession_Exec_Expressions(t *testing.T) {
	tests := []struct {
		sql  string
		want []string
	}{
		{"SELECT 7 / 2, 7 % 3, -7 / 2", []string{"3", "1", "-3"}},
		{"SELECT 1.50 * 2, 1 / 3.0, 10.0 / 4", []string{"3.00", "0.33333333333333333333", "2.5000000000000000"}},
		{"SELECT 1 = NULL, NULL OR true, NULL AND false, 2 IN (1, NULL)", []string{"NULL", "t", "f", "NULL"}},
		{"SELECT 0.1::float8 + 0.2, 1e20::float8, 'ab'::char(4) || '|'", []string{"0.30000000000000004", "1e+20", "ab|"}},
		{"SELECT '2024-01-02 10:00:00+02'::timestamptz, '2024-01-02 10:00:00+02'::timestamp", []string{"2024-01-02 08:00:00+00", "2024-01-02 10:00:00"}},
		{"SELECT upper('abc'), length('héllo'), coalesce(NULL, 2), nullif(1, 1)", []string{"ABC", "5", "2", "NULL"}},
	}
	for _, tc := range tests {
		t.Run(tc.sql, func(t *testing.T) {
			s := newSession(t)
			assert.Equal(t, [][]string{tc.want}, texts(t, s, tc.sql))
		})
	}
	s := newSession(t)
	assert.Equal(t, "ERROR 22003", outcome(t, s, "SELECT 2147483647 + 1"))
	assert.Equal(t, "ERROR 22012", outcome(t, s, "SELECT 1 / 0"))
}

// Ensure SELECT filters, orders, limits and returns RETURNING rows.
func TestSession_Exec_Query(t *testing.T) {
	s := newSession(t)
	assert.Equal(t, [][]string{{"20", "2"}, {"11", "1"}}, texts(t, s, "SELECT id, author_id FROM books WHERE price > 1 ORDER BY author_id DESC, id DESC LIMIT $1", int64(2)))
	assert.Equal(t, [][]string{{"11"}}, texts(t, s, "SELECT b.id FROM books b WHERE b.author_id IN (1) ORDER BY 1 OFFSET 1"))
	assert.Equal(t, [][]string{{"12", "9.99"}}, texts(t, s, "INSERT INTO books (id, author_id) VALUES (12, DEFAULT) RETURNING id, price"))
	assert.Equal(t, [][]string{{"12", "NULL"}}, texts(t, s, "UPDATE books SET price = NULL WHERE author_id IS NULL RETURNING id, price"))
	assert.Equal(t, [][]string{{"4"}}, texts(t, s, "SELECT count(*) FROM books"))
}

// Ensure a call of a function nobody declared gets PostgreSQL's 42883
// message and hint, the argument types named as PostgreSQL names them.
func TestSession_Exec_UndefinedFunction(t *testing.T) {
	s := newSession(t)
	_, err := s.Exec(context.Background(), `SELECT no_such_function(id, 'a') FROM authors`)
	var e *pgsql.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "42883", e.Code)
	assert.Equal(t, "function no_such_function(integer, unknown) does not exist", e.Message)
	assert.Equal(t, "No function matches the given name and argument types. You might need to add explicit type casts.", e.Hint)
}
