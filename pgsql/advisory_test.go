package pgsql_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql"
)

// Ensure advisory locks exclude other sessions as PostgreSQL's do: a held
// key makes pg_try_advisory_lock false and pg_advisory_lock wait until it
// is unlocked; transaction-level locks end with the transaction; a closed
// session's locks are released; a wait ends with its statement's context.
func TestSession_AdvisoryLocks(t *testing.T) {
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	a, b := pgsql.NewSession(db), pgsql.NewSession(db)

	assert.Equal(t, [][]string{{""}}, texts(t, a, `SELECT pg_advisory_lock(7)`))
	assert.Equal(t, [][]string{{""}}, texts(t, a, `SELECT pg_advisory_lock(7)`), "re-entrant")
	assert.Equal(t, [][]string{{"f"}}, texts(t, b, `SELECT pg_try_advisory_lock(7)`))
	assert.Equal(t, [][]string{{"t"}}, texts(t, b, `SELECT pg_try_advisory_lock(7, 0)`), "two keys are another key space")

	got := make(chan error, 1)
	go func() {
		_, err := b.Exec(context.Background(), `SELECT pg_advisory_lock(7)`)
		got <- err
	}()
	assert.Equal(t, [][]string{{"t"}}, texts(t, a, `SELECT pg_advisory_unlock(7)`))
	select {
	case err := <-got:
		t.Fatalf("b took the lock while a held it once more: %v", err)
	case <-time.After(20 * time.Millisecond):
	}
	assert.Equal(t, [][]string{{"t"}}, texts(t, a, `SELECT pg_advisory_unlock(7)`))
	require.NoError(t, <-got)
	assert.Equal(t, [][]string{{"f"}}, texts(t, a, `SELECT pg_advisory_unlock(7)`), "a holds it no more")

	require.Equal(t, "BEGIN", outcome(t, a, "BEGIN"))
	assert.Equal(t, [][]string{{"t"}}, texts(t, a, `SELECT pg_try_advisory_xact_lock(9)`))
	assert.Equal(t, [][]string{{"f"}}, texts(t, b, `SELECT pg_try_advisory_lock(9)`))
	require.Equal(t, "COMMIT", outcome(t, a, "COMMIT"))
	assert.Equal(t, [][]string{{"t"}}, texts(t, b, `SELECT pg_try_advisory_lock(9)`), "the transaction's lock ended with it")

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = a.Exec(ctx, `SELECT pg_advisory_lock(9)`)
	var pe *pgsql.Error
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "57014", pe.Code)

	require.NoError(t, b.Close())
	assert.Equal(t, [][]string{{"t"}}, texts(t, a, `SELECT pg_try_advisory_lock(9)`), "a closed session's locks are released")
	assert.Equal(t, "ERROR 0A000", outcome(t, a, `SELECT pg_advisory_lock_shared(1)`))
}
