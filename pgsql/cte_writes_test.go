package pgsql_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/pgsql"
)

// withWritesDump returns every author and book, for checking that a failed
// statement left the tables as they were.
func withWritesDump(t *testing.T, s *pgsql.Session) [][]string {
	t.Helper()
	return texts(t, s, "SELECT 'a' AS k, id, name AS v FROM authors UNION ALL SELECT 'b', id, author_id || ':' || price FROM books ORDER BY 1, 2")
}

// Ensure data-modifying WITH queries run once, to completion, and that
// the main statement reads their RETURNING rows and gives its own tag.
func TestSession_Exec_WithWrites(t *testing.T) {
	tests := []struct {
		name    string
		sql     string
		tag     string
		want    [][]string // the main statement's rows, nil for none
		after   string     // a query run afterwards
		wantAft [][]string
	}{
		{"delete feeds insert",
			"WITH gone AS (DELETE FROM books WHERE author_id = 1 RETURNING id) INSERT INTO authors (id, name) SELECT id, 'from ' || id FROM gone",
			"INSERT 0 2", nil,
			"SELECT id, name FROM authors ORDER BY id", [][]string{{"1", "Le Guin"}, {"2", "Butler"}, {"10", "from 10"}, {"11", "from 11"}}},
		{"update read by select",
			"WITH u AS (UPDATE books SET price = 5 WHERE id > 10 RETURNING id, price) SELECT id, price FROM u ORDER BY id",
			"SELECT 2", [][]string{{"11", "5.00"}, {"20", "5.00"}},
			"SELECT count(*) FROM books WHERE price = 5", [][]string{{"2"}}},
		{"insert drives delete",
			"WITH i AS (INSERT INTO authors VALUES (3, 'Banks') RETURNING id) DELETE FROM books WHERE id = (SELECT id FROM i) * 0 + 20",
			"DELETE 1", nil,
			"SELECT (SELECT count(*) FROM authors), (SELECT count(*) FROM books)", [][]string{{"3", "2"}}},
		{"insert drives update with returning",
			"WITH i AS (INSERT INTO authors VALUES (3, 'Banks') RETURNING id, name) UPDATE books b SET price = 1 FROM i WHERE b.id = 20 RETURNING b.id, i.name",
			"UPDATE 1", [][]string{{"20", "Banks"}},
			"SELECT price FROM books WHERE id = 20", [][]string{{"1.00"}}},
		{"unreferenced and without returning still runs",
			"WITH d AS (DELETE FROM books WHERE id = 10) SELECT 7",
			"SELECT 1", [][]string{{"7"}},
			"SELECT count(*) FROM books", [][]string{{"2"}}},
		{"limit does not stop it",
			"WITH u AS (UPDATE books SET price = 2 RETURNING id) SELECT id FROM u LIMIT 1",
			"SELECT 1", nil,
			"SELECT count(*) FROM books WHERE price = 2", [][]string{{"3"}}},
		{"several, with column aliases",
			"WITH a(x) AS (INSERT INTO authors VALUES (3, 'Banks'), (4, 'Jemisin') RETURNING id), b AS (DELETE FROM books WHERE id = 20 RETURNING id) SELECT (SELECT sum(x) FROM a), (SELECT count(*) FROM b)",
			"SELECT 1", [][]string{{"7", "1"}},
			"SELECT count(*) FROM authors", [][]string{{"4"}}},
		{"on conflict",
			"WITH up AS (INSERT INTO authors VALUES (1, 'Ursula'), (5, 'Okorafor') ON CONFLICT (id) DO UPDATE SET name = excluded.name RETURNING id, name) SELECT id, name FROM up ORDER BY id",
			"SELECT 2", [][]string{{"1", "Ursula"}, {"5", "Okorafor"}},
			"SELECT name FROM authors WHERE id = 1", [][]string{{"Ursula"}}},
		{"a select WITH query reads what the main statement changes",
			"WITH old AS (SELECT sum(price) AS p FROM books), d AS (INSERT INTO authors VALUES (3, 'Banks') RETURNING id) UPDATE books SET price = (SELECT p FROM old) WHERE id = 10",
			"UPDATE 1", nil,
			"SELECT price FROM books WHERE id = 10", [][]string{{"29.97"}}},
		// One snapshot for all parts: a part reading a table an earlier
		// part changed sees it as it was before the statement.
		{"main reads a changed table",
			"WITH d AS (DELETE FROM books RETURNING id) SELECT count(*), (SELECT count(*) FROM d) FROM books",
			"SELECT 1", [][]string{{"3", "3"}},
			"SELECT count(*) FROM books", [][]string{{"0"}}},
		{"through a qualified name",
			"WITH books AS (SELECT 1 AS id), d AS (DELETE FROM public.books RETURNING id) SELECT count(*), (SELECT count(*) FROM books) FROM public.books",
			"SELECT 1", [][]string{{"3", "1"}},
			"SELECT count(*) FROM books", [][]string{{"0"}}},
		{"through a view",
			"WITH d AS (UPDATE books SET price = 20 WHERE id = 10 RETURNING id) SELECT count(*) FROM cheap",
			"SELECT 1", [][]string{{"3"}},
			"SELECT count(*) FROM cheap", [][]string{{"2"}}},
		{"a later WITH query reads it",
			"WITH u AS (UPDATE books SET price = 1 WHERE id = 10 RETURNING id), c AS (SELECT price FROM books WHERE id = 10) SELECT * FROM c",
			"SELECT 1", [][]string{{"9.99"}},
			"SELECT price FROM books WHERE id = 10", [][]string{{"1.00"}}},
		{"through a cascade",
			"WITH d AS (DELETE FROM authors WHERE id = 2 RETURNING id) SELECT b.id FROM books b JOIN authors a ON a.id = b.author_id WHERE a.id = 2",
			"SELECT 1", [][]string{{"20"}},
			"SELECT count(*) FROM books", [][]string{{"2"}}},
		{"a main write reads a changed table",
			"WITH i AS (INSERT INTO authors VALUES (3, 'Banks') RETURNING id) UPDATE books SET price = (SELECT count(*) FROM authors) WHERE id = 20 RETURNING price",
			"UPDATE 1", [][]string{{"2.00"}},
			"SELECT count(*) FROM authors", [][]string{{"3"}}},
		{"create table as",
			"CREATE TABLE gone AS WITH d AS (DELETE FROM books WHERE id = 20 RETURNING id) SELECT id FROM d",
			"SELECT 1", nil,
			"SELECT (SELECT count(*) FROM books), (SELECT count(*) FROM gone)", [][]string{{"2", "1"}}},
		{"two plain inserts into one table",
			"WITH a AS (INSERT INTO authors VALUES (3, 'Banks') RETURNING id) INSERT INTO authors SELECT id + 1, 'Jemisin' FROM a",
			"INSERT 0 1", nil,
			"SELECT count(*) FROM authors", [][]string{{"4"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSession(t)
			_, err := s.Exec(context.Background(), "CREATE VIEW cheap AS SELECT id FROM books WHERE price < 10")
			require.NoError(t, err)
			res, err := s.Exec(context.Background(), tc.sql)
			require.NoError(t, err)
			assert.Equal(t, tc.tag, res.Tag)
			if tc.want != nil {
				assert.Equal(t, tc.want, resultTexts(res))
			}
			assert.Equal(t, tc.wantAft, texts(t, s, tc.after))
		})
	}
}

// Ensure the errors of data-modifying WITH queries are PostgreSQL's, and
// that a failing statement leaves nothing of any of its parts.
func TestSession_Exec_WithWritesErrors(t *testing.T) {
	tests := []struct {
		name string
		sql  string
		code string
	}{
		{"no returning, read", "WITH d AS (DELETE FROM books) SELECT * FROM d", "0A000"},
		{"no returning, aliased", "WITH d(x) AS (DELETE FROM books) SELECT 1", "42P10"},
		{"in a subquery", "SELECT * FROM (WITH d AS (DELETE FROM books RETURNING id) SELECT id FROM d) s", "0A000"},
		{"in a WITH query", "WITH a AS (WITH d AS (DELETE FROM books RETURNING id) SELECT id FROM d) SELECT * FROM a", "0A000"},
		{"in a view", "CREATE VIEW v AS WITH d AS (DELETE FROM books RETURNING id) SELECT id FROM d", "0A000"},
		{"recursive, reading itself", "WITH RECURSIVE d AS (DELETE FROM books WHERE id IN (SELECT id FROM d) RETURNING id) SELECT * FROM d", "42P19"},
		{"unique violation", "WITH a AS (DELETE FROM books WHERE id = 10 RETURNING id) INSERT INTO authors VALUES (1, 'again')", "23505"},
		{"not null in a WITH query", "WITH a AS (INSERT INTO authors VALUES (3, NULL) RETURNING id) DELETE FROM books", "23502"},
		{"foreign key", "WITH a AS (INSERT INTO books VALUES (30, 9) RETURNING id) SELECT * FROM a", "23503"},
		// One snapshot for all parts: a locked read of a changed table is
		// not what this executor can give.
		{"with a locking clause", "WITH d AS (DELETE FROM books RETURNING id) SELECT id FROM books FOR UPDATE", "0A000"},
		{"two changes of one table", "WITH u AS (UPDATE books SET price = 1 RETURNING id) DELETE FROM books WHERE id = 10", "0A000"},
		{"a cascade and a change of one table", "WITH d AS (DELETE FROM authors WHERE id = 2 RETURNING id) UPDATE books SET price = 1", "0A000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSession(t)
			_, err := s.Exec(context.Background(), "CREATE VIEW cheap AS SELECT id FROM books WHERE price < 10")
			require.NoError(t, err)
			before := withWritesDump(t, s)
			assert.Equal(t, "ERROR "+tc.code, outcome(t, s, tc.sql))
			assert.Equal(t, before, withWritesDump(t, s), "nothing of the statement remains")

			// Inside a transaction block: rolling back to a savepoint
			// finds the tables as before.
			for _, q := range []string{"BEGIN", "SAVEPOINT s"} {
				_, err := s.Exec(context.Background(), q)
				require.NoError(t, err)
			}
			assert.Equal(t, "ERROR "+tc.code, outcome(t, s, tc.sql))
			assert.Equal(t, "ROLLBACK", outcome(t, s, "ROLLBACK TO SAVEPOINT s"))
			assert.Equal(t, before, withWritesDump(t, s))
			assert.Equal(t, "COMMIT", outcome(t, s, "COMMIT"))
		})
	}
}

// Ensure data-modifying WITH queries work through database/sql with
// parameters, prepared statements and transactions.
func TestDriver_WithWrites(t *testing.T) {
	db, err := sql.Open("reldb", "")
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(`CREATE TABLE accounts (id int PRIMARY KEY, name text NOT NULL, balance numeric(10,2) NOT NULL);
		CREATE TABLE audit (id int PRIMARY KEY, name text, note text);
		INSERT INTO accounts VALUES (1, 'ann', 10), (2, 'bob', -3), (3, 'cy', -7)`)
	require.NoError(t, err)

	// Exec with parameters: RowsAffected is the main statement's.
	res, err := db.Exec(`WITH moved AS (DELETE FROM accounts WHERE balance < $1 RETURNING id, name)
		INSERT INTO audit SELECT id, name, $2 FROM moved`, 0, "closed")
	require.NoError(t, err)
	n, err := res.RowsAffected()
	require.NoError(t, err)
	assert.Equal(t, int64(2), n)

	// A prepared statement, run twice in a transaction.
	tx, err := db.Begin()
	require.NoError(t, err)
	st, err := tx.Prepare(`WITH u AS (UPDATE accounts SET balance = balance + $1 WHERE id = $2 RETURNING id, balance) SELECT id, balance FROM u`)
	require.NoError(t, err)
	for i, want := range []string{"15.00", "20.00"} {
		var id int
		var bal string
		require.NoError(t, st.QueryRow(5, 1).Scan(&id, &bal), "run %d", i)
		assert.Equal(t, 1, id)
		assert.Equal(t, want, bal)
	}
	require.NoError(t, st.Close())
	require.NoError(t, tx.Commit())

	var count int
	var balance string
	require.NoError(t, db.QueryRow(`SELECT (SELECT count(*) FROM audit), (SELECT balance FROM accounts WHERE id = 1)`).Scan(&count, &balance))
	assert.Equal(t, 2, count)
	assert.Equal(t, "20.00", balance)
}

// Ensure Prepare describes a statement with data-modifying WITH queries
// without running them: the main statement's columns, typed.
func TestSession_Prepare_WithWrites(t *testing.T) {
	ctx := context.Background()
	for _, inTx := range []bool{false, true} {
		s := newSession(t)
		if inTx {
			_, err := s.Exec(ctx, "BEGIN")
			require.NoError(t, err)
		}
		p, err := s.Prepare(ctx, "WITH d AS (DELETE FROM books WHERE author_id = $1 RETURNING id, price) SELECT d.id, d.price, a.name FROM d JOIN authors a ON a.id = $1", nil)
		require.NoError(t, err)
		var cols []string
		for _, c := range p.Columns() {
			cols = append(cols, c.Name+":"+c.TypeName())
		}
		assert.Equal(t, []string{"id:int4", "price:numeric", "name:varchar"}, cols)
		assert.Equal(t, []uint32{23}, p.ParamOIDs())
		assert.Equal(t, [][]string{{"3"}}, texts(t, s, "SELECT count(*) FROM books"), "describing deleted nothing")

		res, err := s.ExecPrepared(ctx, p, []any{int64(1)})
		require.NoError(t, err)
		assert.Equal(t, "SELECT 2", res.Tag)
		if inTx {
			_, err := s.Exec(ctx, "ROLLBACK")
			require.NoError(t, err)
		}
	}
}

// Ensure Prepare types a write's RETURNING list over its WITH queries:
// a column of a data-modifying WITH query has that query's type.
func TestSession_Prepare_WriteWithWrites(t *testing.T) {
	ctx := context.Background()
	s := newSession(t)
	p, err := s.Prepare(ctx, "WITH i AS (INSERT INTO authors VALUES ($1, 'Banks') RETURNING id, name) UPDATE books b SET price = 1 FROM i WHERE b.id = 20 RETURNING b.id, i.name", nil)
	require.NoError(t, err)
	var cols []string
	for _, c := range p.Columns() {
		cols = append(cols, c.Name+":"+c.TypeName())
	}
	assert.Equal(t, []string{"id:int4", "name:varchar"}, cols)
	assert.Equal(t, []uint32{23}, p.ParamOIDs(), "$1 takes the type of the column it is inserted into")
	assert.Equal(t, [][]string{{"2"}}, texts(t, s, "SELECT count(*) FROM authors"), "describing inserted nothing")
	res, err := s.ExecPrepared(ctx, p, []any{int64(3)})
	require.NoError(t, err)
	assert.Equal(t, "UPDATE 1", res.Tag)
	assert.Equal(t, [][]string{{"20", "Banks"}}, resultTexts(res))
}
