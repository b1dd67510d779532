package pgsql_test

import (
	"context"
	"database/sql"
	"testing"

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
	assert.Equal(t, "ERROR 40001", skew(t, []string{"BEGIN"}))

	db := setup(t)
	a, b := pgsql.NewSession(db), pgsql.NewSession(db)
	for _, s := range []*pgsql.Session{a, b} {
		require.Equal(t, "BEGIN", outcome(t, s, "BEGIN ISOLATION LEVEL REPEATABLE READ"))
		require.Equal(t, "UPDATE 1", outcome(t, s, `UPDATE doctors SET on_call = NOT on_call WHERE id = 1`))
	}
	require.Equal(t, "COMMIT", outcome(t, a, "COMMIT"))
	assert.Equal(t, "ERROR 40001", outcome(t, b, "COMMIT"), "a lost update is refused")

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
