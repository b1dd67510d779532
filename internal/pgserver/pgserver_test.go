package pgserver_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/internal/pgserver"
)

// shared is one server for the whole test binary, started by the first test
// that needs it and closed by TestMain.
var shared struct {
	once sync.Once
	srv  *pgserver.Server
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.srv != nil {
		if err := shared.srv.Close(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}
	os.Exit(code)
}

// server returns the shared server, skipping (or in CI failing) the test if
// PostgreSQL is unavailable.
func server(t *testing.T) *pgserver.Server {
	t.Helper()
	shared.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		start := time.Now()
		shared.srv, shared.err = pgserver.Start(ctx, pgserver.Options{})
		t.Logf("postgresql started in %v", time.Since(start).Round(time.Millisecond))
	})
	pgserver.SkipOrFatal(t, shared.err)
	return shared.srv
}

var dbSeq atomic.Int64

// freshDB creates a database for one test and drops it at the end.
func freshDB(t *testing.T, srv *pgserver.Server) string {
	t.Helper()
	ctx := context.Background()
	name := fmt.Sprintf("t%d_%d", os.Getpid(), dbSeq.Add(1))
	require.NoError(t, srv.CreateDatabase(ctx, name))
	t.Cleanup(func() {
		assert.NoError(t, srv.DropDatabase(ctx, name))
	})
	return name
}

// ok is a successful statement's Result without rows.
func ok(stmt string, rowCount int64) pgserver.Result {
	return pgserver.Result{Stmt: stmt, OK: true, RowCount: rowCount}
}

// failed is a rejected statement's Result.
func failed(stmt, state string) pgserver.Result {
	return pgserver.Result{Stmt: stmt, SQLState: state, Messages: []string{"ERROR:  " + state}}
}

// rows is a successful query's Result.
func rows(stmt string, columns []string, rs ...[]string) pgserver.Result {
	if rs == nil {
		rs = [][]string{}
	}
	return pgserver.Result{Stmt: stmt, OK: true, Columns: columns, Rows: rs, RowCount: int64(len(rs))}
}

// Ensure constraint violations, NULLs, and errors inside a transaction block
// come back per statement with PostgreSQL's SQLSTATEs.
func TestServer_Exec_Errors(t *testing.T) {
	srv := server(t)
	db := freshDB(t, srv)
	const (
		createAuthors = "CREATE TABLE authors (id int PRIMARY KEY, name text NOT NULL UNIQUE)"
		createBooks   = "CREATE TABLE books (id int PRIMARY KEY, author_id int REFERENCES authors (id), title text);"
		seedAuthors   = "INSERT INTO authors VALUES (1, 'Ann'), (2, 'Bob')"
		orphan        = "INSERT INTO books VALUES (10, 7, 'orphan')"
		dupName       = "INSERT INTO authors VALUES (3, 'Ann')"
		nullName      = "INSERT INTO authors VALUES (4, NULL)"
		seedBooks     = "INSERT INTO books VALUES (10, NULL, ''), (11, 1, E'two\\nlines|x') -- trailing comment"
		selectBooks   = "SELECT id, author_id, title FROM books ORDER BY id"
		begin         = "BEGIN"
		orphanInTx    = "INSERT INTO books VALUES (12, 99, 'bad')"
		afterFailure  = "SELECT 1"
		rollback      = "ROLLBACK"
		countBooks    = "SELECT count(*) AS n FROM books"
		selectNone    = "SELECT id FROM authors WHERE false"
		commitNoTx    = "COMMIT"
		returning     = "UPDATE authors SET name = upper(name) WHERE id = 2 RETURNING id, name"
	)
	got, err := srv.Exec(context.Background(), db, []string{
		createAuthors, createBooks, seedAuthors, orphan, dupName, nullName,
		seedBooks, selectBooks, begin, orphanInTx, afterFailure, rollback,
		countBooks, selectNone, commitNoTx, returning,
	})
	require.NoError(t, err)

	warning := ok(commitNoTx, 0)
	warning.Messages = []string{"WARNING:  25P01"} // there is no transaction in progress
	want := []pgserver.Result{
		ok(createAuthors, 0),
		ok(createBooks, 0),
		ok(seedAuthors, 2),
		failed(orphan, "23503"),
		failed(dupName, "23505"),
		failed(nullName, "23502"),
		ok(seedBooks, 2),
		rows(selectBooks, []string{"id", "author_id", "title"},
			[]string{"10", pgserver.Null, ""},
			[]string{"11", "1", "two\nlines|x"}),
		ok(begin, 0),
		failed(orphanInTx, "23503"),
		failed(afterFailure, "25P02"),
		ok(rollback, 0),
		rows(countBooks, []string{"n"}, []string{"2"}),
		rows(selectNone, []string{"id"}),
		warning,
		rows(returning, []string{"id", "name"}, []string{"2", "BOB"}),
	}
	require.Len(t, got, len(want))
	for i := range want {
		assert.Equal(t, want[i], got[i], "statement %d: %s", i, want[i].Stmt)
	}
	assert.ErrorAs(t, got[3].Err(), new(*pgserver.Error))
}

// Ensure one Exec call is one session: a deferred foreign key is checked at
// COMMIT, which fails with 23503 and rolls the transaction back.
func TestServer_Exec_DeferredConstraint(t *testing.T) {
	srv := server(t)
	db := freshDB(t, srv)
	stmts := []string{
		"CREATE TABLE a (id int PRIMARY KEY)",
		"CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a DEFERRABLE INITIALLY IMMEDIATE)",
		"BEGIN",
		"SET CONSTRAINTS ALL DEFERRED",
		"INSERT INTO b VALUES (1, 5)",
		"COMMIT",
		"SELECT count(*) FROM b",
	}
	got, err := srv.Exec(context.Background(), db, stmts)
	require.NoError(t, err)
	require.Len(t, got, len(stmts))
	assert.True(t, got[4].OK, "insert is deferred")
	assert.Equal(t, failed(stmts[5], "23503"), got[5])
	assert.Equal(t, rows(stmts[6], []string{"count"}, []string{"0"}), got[6])
}

// Ensure databases are separate, dropping twice is fine, and Exec on a
// missing database is an error rather than a result.
func TestServer_CreateDatabase_Isolated(t *testing.T) {
	srv := server(t)
	ctx := context.Background()
	one, two := freshDB(t, srv), freshDB(t, srv)

	_, err := srv.Exec(ctx, one, []string{"CREATE TABLE only_here (x int)"})
	require.NoError(t, err)
	got, err := srv.Exec(ctx, two, []string{"SELECT * FROM only_here"})
	require.NoError(t, err)
	assert.Equal(t, failed("SELECT * FROM only_here", "42P01"), got[0])

	require.NoError(t, srv.DropDatabase(ctx, one))
	require.NoError(t, srv.DropDatabase(ctx, one), "dropping a missing database")
	_, err = srv.Exec(ctx, one, []string{"SELECT 1"})
	assert.Error(t, err)
	assert.Error(t, srv.CreateDatabase(ctx, two), "creating an existing database")
}

// Ensure a statement that swallows the rest of the script (an unterminated
// quote) makes Exec fail instead of returning results for it.
func TestServer_Exec_Unterminated(t *testing.T) {
	srv := server(t)
	got, err := srv.Exec(context.Background(), "postgres", []string{"SELECT 1", "SELECT 'abc", "SELECT 2"})
	require.Error(t, err)
	require.Len(t, got, 1, "results before the broken statement are kept")
	assert.Equal(t, rows("SELECT 1", []string{"?column?"}, []string{"1"}), got[0])
}

// Ensure concurrent Exec calls on one server do not mix their sessions.
func TestServer_Exec_Concurrent(t *testing.T) {
	srv := server(t)
	db := freshDB(t, srv)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			q := fmt.Sprintf("SELECT %d AS i", i)
			got, err := srv.Exec(context.Background(), db, []string{"BEGIN", q, "COMMIT"})
			if assert.NoError(t, err) && assert.Len(t, got, 3) {
				assert.Equal(t, rows(q, []string{"i"}, []string{fmt.Sprint(i)}), got[1])
			}
		})
	}
	wg.Wait()
}

// Ensure a missing installation is reported as ErrUnavailable.
func TestStart_MissingBinaries(t *testing.T) {
	_, err := pgserver.Start(context.Background(), pgserver.Options{BinDir: t.TempDir()})
	require.ErrorIs(t, err, pgserver.ErrUnavailable)
}
