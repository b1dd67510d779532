package pgsql_test

import (
	"context"
	"database/sql"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql"
)

// Ensure REPEATABLE READ runs as PostgreSQL's: write skew between two
// sessions commits, and two updates of one row do not (40001); the other
// levels run serializable and refuse the write skew. The level comes from
// BEGIN, SET TRANSACTION or database/sql's TxOptions.
func TestSession_Isolation(t *testing.T) {
	setup := func(t *testing.T) *engine.DB {
		db, err := engine.Open(engine.Options{})
		require.NoError(t, err)
		t.Cleanup(func() { _ = db.Close() })
		s := pgsql.NewSession(db)
		require.Equal(t, "CREATE TABLE", outcome(t, s, `CREATE TABLE doctors (id integer PRIMARY KEY, on_call boolean NOT NULL)`))
		require.Equal(t, "INSERT 0 2", outcome(t, s, `INSERT INTO doctors VALUES (1, true), (2, true)`))
		return db
	}
	skew := func(t *testing.T, begin []string) string {
		db := setup(t)
		a, b := pgsql.NewSession(db), pgsql.NewSession(db)
		for _, s := range []*pgsql.Session{a, b} {
			for _, stmt := range begin {
				require.NotContains(t, outcome(t, s, stmt), "ERROR", stmt)
			}
		}
		for i, s := range []*pgsql.Session{a, b} {
			require.Equal(t, [][]string{{"2"}}, texts(t, s, `SELECT count(*) FROM doctors WHERE on_call`))
			require.Equal(t, "UPDATE 1", outcome(t, s, `UPDATE doctors SET on_call = false WHERE id = $1`, int64(i+1)))
		}
		require.Equal(t, "COMMIT", outcome(t, a, "COMMIT"))
		return outcome(t, b, "COMMIT")
	}
	assert.Equal(t, "COMMIT", skew(t, []string{"BEGIN ISOLATION LEVEL REPEATABLE READ"}))
	assert.Equal(t, "COMMIT", skew(t, []string{"BEGIN", "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"}))
	assert.Equal(t, "ERROR 40001", skew(t, []string{"BEGIN ISOLATION LEVEL SERIALIZABLE"}))
	assert.Equal(t, "COMMIT", skew(t, []string{"BEGIN"}), "READ COMMITTED, the default, lets write skew through")

	db := setup(t)
	a, b := pgsql.NewSession(db), pgsql.NewSession(db)
	for _, s := range []*pgsql.Session{a, b} {
		require.Equal(t, "BEGIN", outcome(t, s, "BEGIN ISOLATION LEVEL REPEATABLE READ"))
		require.Equal(t, [][]string{{"1"}}, texts(t, s, `SELECT count(*) FROM doctors WHERE id = 1`))
	}
	require.Equal(t, "UPDATE 1", outcome(t, a, `UPDATE doctors SET on_call = NOT on_call WHERE id = 1`))
	require.Equal(t, "COMMIT", outcome(t, a, "COMMIT"))
	assert.Equal(t, "ERROR 40001", outcome(t, b, `UPDATE doctors SET on_call = NOT on_call WHERE id = 1`),
		"a lost update is refused at the statement, as in PostgreSQL")
	require.Equal(t, "ROLLBACK", outcome(t, b, "ROLLBACK"))

	// database/sql's levels.
	sqlDB := sql.OpenDB(pgsql.NewConnector(setup(t)))
	defer sqlDB.Close()
	ctx := context.Background()
	for _, lvl := range []sql.IsolationLevel{sql.LevelDefault, sql.LevelReadCommitted, sql.LevelRepeatableRead, sql.LevelSnapshot, sql.LevelSerializable} {
		tx, err := sqlDB.BeginTx(ctx, &sql.TxOptions{Isolation: lvl})
		require.NoError(t, err, lvl)
		require.NoError(t, tx.Rollback())
	}
	_, err := sqlDB.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelLinearizable})
	assert.Error(t, err)
}

// Ensure READ COMMITTED, the default, serializes concurrent updates of one
// row as PostgreSQL's does: ten sessions each taking one from a balance all
// commit and the balance is exact; an update whose WHERE no longer holds
// for the row's new version skips it; a deleted row is not updated.
func TestSession_ReadCommitted(t *testing.T) {
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	setup := pgsql.NewSession(db)
	require.Equal(t, "CREATE TABLE", outcome(t, setup, `CREATE TABLE accounts (id integer PRIMARY KEY, balance integer NOT NULL)`))
	require.Equal(t, "INSERT 0 3", outcome(t, setup, `INSERT INTO accounts VALUES (1, 100), (2, 1), (3, 1)`))

	var wg sync.WaitGroup
	for range 10 {
		s := pgsql.NewSession(db)
		wg.Go(func() {
			for _, stmt := range []string{"BEGIN", "UPDATE accounts SET balance = balance - 1 WHERE id = 1", "COMMIT"} {
				_, err := s.Exec(context.Background(), stmt)
				assert.NoError(t, err, stmt)
			}
		})
	}
	wg.Wait()
	assert.Equal(t, [][]string{{"90"}}, texts(t, setup, `SELECT balance FROM accounts WHERE id = 1`))

	a, b := pgsql.NewSession(db), pgsql.NewSession(db)
	require.Equal(t, "BEGIN", outcome(t, a, "BEGIN"))
	require.Equal(t, "UPDATE 1", outcome(t, a, `UPDATE accounts SET balance = 2 WHERE id = 2`))
	require.Equal(t, "DELETE 1", outcome(t, a, `DELETE FROM accounts WHERE id = 3`))
	done := make(chan []string)
	go func() {
		var out []string
		for _, stmt := range []string{
			`UPDATE accounts SET balance = balance + 10 WHERE balance = 1`, // rows 2 and 3, both changed by a
		} {
			res, err := b.Exec(context.Background(), stmt)
			if err != nil {
				out = append(out, err.Error())
				continue
			}
			out = append(out, res.Tag)
		}
		done <- out
	}()
	select {
	case out := <-done:
		t.Fatalf("the update did not wait: %v", out)
	case <-time.After(20 * time.Millisecond):
	}
	require.Equal(t, "COMMIT", outcome(t, a, "COMMIT"))
	assert.Equal(t, []string{"UPDATE 0"}, <-done, "row 2 no longer matches, row 3 is gone")
	assert.Equal(t, [][]string{{"1", "90"}, {"2", "2"}}, texts(t, setup, `SELECT id, balance FROM accounts ORDER BY id`))
}

// Ensure SELECT ... FOR UPDATE locks the rows it returns under READ
// COMMITTED: another session's FOR UPDATE waits (NOWAIT: 55P03), SKIP
// LOCKED with LIMIT hands each session its own row as a job queue needs,
// and only the rows LIMIT keeps are locked.
func TestSession_SelectForUpdate(t *testing.T) {
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	setup := pgsql.NewSession(db)
	require.Equal(t, "CREATE TABLE", outcome(t, setup, `CREATE TABLE jobs (id integer PRIMARY KEY, state text NOT NULL)`))
	require.Equal(t, "INSERT 0 3", outcome(t, setup, `INSERT INTO jobs VALUES (1, 'new'), (2, 'new'), (3, 'new')`))

	a, b := pgsql.NewSession(db), pgsql.NewSession(db)
	require.Equal(t, "BEGIN", outcome(t, a, "BEGIN"))
	require.Equal(t, "BEGIN", outcome(t, b, "BEGIN"))
	take := `SELECT id FROM jobs WHERE state = 'new' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`
	assert.Equal(t, [][]string{{"1"}}, texts(t, a, take))
	assert.Equal(t, [][]string{{"2"}}, texts(t, b, take), "the row a holds is skipped")
	assert.Equal(t, "ERROR 55P03", outcome(t, setup, `SELECT id FROM jobs WHERE id = 1 FOR UPDATE NOWAIT`))
	assert.Equal(t, [][]string{{"3"}}, texts(t, setup, `SELECT id FROM jobs WHERE id = 3 FOR UPDATE NOWAIT`), "LIMIT 1 locked one row each")

	require.Equal(t, "UPDATE 1", outcome(t, a, `UPDATE jobs SET state = 'done' WHERE id = 1`))
	waited := make(chan [][]string, 1)
	c := pgsql.NewSession(db)
	go func() {
		res, err := c.Exec(context.Background(), `SELECT id, state FROM jobs WHERE id = 1 AND state = 'new' FOR UPDATE`)
		if !assert.NoError(t, err) {
			waited <- nil
			return
		}
		waited <- [][]string{{res.Tag}}
	}()
	select {
	case <-waited:
		t.Fatal("FOR UPDATE did not wait for the row a holds")
	case <-time.After(20 * time.Millisecond):
	}
	require.Equal(t, "COMMIT", outcome(t, a, "COMMIT"))
	assert.Equal(t, [][]string{{"SELECT 0"}}, <-waited, "the row's new version no longer matches")
	require.Equal(t, "COMMIT", outcome(t, b, "COMMIT"))
	assert.Equal(t, "ERROR 0A000", outcome(t, setup, `SELECT count(*) FROM jobs FOR UPDATE`))
	assert.Equal(t, "SELECT 3", outcome(t, setup, `SELECT * FROM jobs FOR SHARE`))
}
