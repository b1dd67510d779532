package pgsql_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql"
)

// Ensure SET, SHOW, RESET, set_config and current_setting behave as
// PostgreSQL's for the parameters clients send: known names are read and
// set, application parameters with a dot take any value, unknown names
// are 42704, values reldb cannot honour are 0A000, SET in a rolled-back
// transaction is undone, SET LOCAL ends with its transaction.
func TestSession_Settings(t *testing.T) {
	s := newSession(t)
	assert.Equal(t, "SET", outcome(t, s, `SET TIME ZONE 'UTC'`))
	assert.Equal(t, "SET", outcome(t, s, `SET search_path TO public`))
	assert.Equal(t, [][]string{{"public"}}, texts(t, s, `SHOW search_path`))
	assert.Equal(t, "SET", outcome(t, s, `SET application_name = 'tests'`))
	assert.Equal(t, [][]string{{"tests"}}, texts(t, s, `SELECT current_setting('application_name')`))
	assert.Equal(t, "SET", outcome(t, s, `SET app.user_id = '42'`))
	assert.Equal(t, [][]string{{"42"}}, texts(t, s, `SELECT current_setting('app.user_id')`))
	assert.Equal(t, [][]string{{"7"}}, texts(t, s, `SELECT set_config('app.user_id', '7', false)`))
	assert.Equal(t, [][]string{{"7"}}, texts(t, s, `SHOW app.user_id`))
	assert.Equal(t, "ERROR 42704", outcome(t, s, `SET no_such_parameter = 1`))
	assert.Equal(t, "ERROR 42704", outcome(t, s, `SHOW no_such_parameter`))
	assert.Equal(t, "ERROR 0A000", outcome(t, s, `SET TIME ZONE 'Europe/Paris'`))
	assert.Equal(t, "ERROR 0A000", outcome(t, s, `SET client_encoding = 'LATIN1'`))
	assert.Equal(t, "RESET", outcome(t, s, `RESET application_name`))
	assert.Equal(t, [][]string{{""}}, texts(t, s, `SHOW application_name`))

	require.Equal(t, "BEGIN", outcome(t, s, "BEGIN"))
	assert.Equal(t, "SET", outcome(t, s, `SET app.user_id = '8'`))
	assert.Equal(t, "SET", outcome(t, s, `SET LOCAL application_name = 'local'`))
	assert.Equal(t, [][]string{{"local"}}, texts(t, s, `SHOW application_name`))
	require.Equal(t, "ROLLBACK", outcome(t, s, "ROLLBACK"))
	assert.Equal(t, [][]string{{"7"}}, texts(t, s, `SHOW app.user_id`), "the rolled-back SET is undone")
	assert.Equal(t, [][]string{{""}}, texts(t, s, `SHOW application_name`))

	assert.Equal(t, [][]string{{"read committed"}}, texts(t, s, `SHOW transaction_isolation`))
	assert.Equal(t, "SET", outcome(t, s, `SET default_transaction_isolation = 'serializable'`))
	assert.Equal(t, [][]string{{"serializable"}}, texts(t, s, `SHOW default_transaction_isolation`))
}

// Ensure statement_timeout ends a statement waiting for a lock with 57014
// and lock_timeout one waiting for a row with 55P03, as PostgreSQL's do.
func TestSession_Timeouts(t *testing.T) {
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	a, b := pgsql.NewSession(db), pgsql.NewSession(db)
	require.Equal(t, "CREATE TABLE", outcome(t, a, `CREATE TABLE t (id integer PRIMARY KEY, v integer)`))
	require.Equal(t, "INSERT 0 1", outcome(t, a, `INSERT INTO t VALUES (1, 0)`))
	require.Equal(t, "BEGIN", outcome(t, a, "BEGIN"))
	require.Equal(t, "UPDATE 1", outcome(t, a, `UPDATE t SET v = 1 WHERE id = 1`))

	require.Equal(t, "SET", outcome(t, b, `SET lock_timeout = '30ms'`))
	start := time.Now()
	assert.Equal(t, "ERROR 55P03", outcome(t, b, `UPDATE t SET v = 2 WHERE id = 1`))
	assert.Less(t, time.Since(start), 5*time.Second)
	require.Equal(t, "SET", outcome(t, b, `SET lock_timeout = 0`))
	require.Equal(t, "SET", outcome(t, b, `SET statement_timeout = '30ms'`))
	assert.Equal(t, "ERROR 57014", outcome(t, b, `UPDATE t SET v = 2 WHERE id = 1`))
	assert.Equal(t, [][]string{{""}}, texts(t, a, `SELECT pg_advisory_lock(1)`))
	assert.Equal(t, "ERROR 57014", outcome(t, b, `SELECT pg_advisory_lock(1)`), "an advisory wait too")
}
