package pgsql_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql"
)

// tripCtx is a context that its own first Done call cancels. A statement
// checks Err as it starts and selects on Done only once running, so one
// run under a tripCtx is cancelled in its middle, deterministically.
type tripCtx struct {
	context.Context
	once sync.Once
	done chan struct{}
}

func newTripCtx() *tripCtx {
	return &tripCtx{Context: context.Background(), done: make(chan struct{})}
}

func (c *tripCtx) Done() <-chan struct{} {
	c.once.Do(func() { close(c.done) })
	return c.done
}

func (c *tripCtx) Err() error {
	select {
	case <-c.done:
		return context.Canceled
	default:
		return nil
	}
}

// Ensure a statement cancelled in its middle stops its loop over rows and
// fails with 57014, where running on would have reached a division by
// zero in its last row (22012): a join, a filter over a join, a scan with
// a filter, a recursive query. Inside a
// transaction block the cancel aborts the block.
func TestSession_Interrupt_Cancel(t *testing.T) {
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	s := pgsql.NewSession(db)
	require.Equal(t, "CREATE TABLE", outcome(t, s, `CREATE TABLE n (i int PRIMARY KEY)`))
	require.Equal(t, "INSERT 0 2000", outcome(t, s, `INSERT INTO n WITH RECURSIVE r(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM r WHERE i < 1999) SELECT i FROM r`))
	require.Equal(t, "CREATE TABLE", outcome(t, s, `CREATE TABLE m (i int PRIMARY KEY)`))
	require.Equal(t, "INSERT 0 100", outcome(t, s, `INSERT INTO m SELECT i FROM n WHERE i < 100`))
	queries := []string{
		`SELECT count(*) FROM m a JOIN m b ON a.i + b.i < 0 OR 1 / (198 - a.i - b.i) = 0`,
		`SELECT count(*) FROM m a, m b WHERE 1 / (198 - a.i - b.i) = 0`,
		`SELECT count(*) FROM n WHERE 1 / (1999 - i) = 0`,
		`WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 5000) SELECT count(*) FROM r WHERE 1 / (5000 - i) = 0`,
	}
	for _, sql := range queries {
		require.Equal(t, "ERROR 22012", outcome(t, s, sql), "uncancelled, %s", sql)
		_, err := s.Exec(newTripCtx(), sql)
		var pe *pgsql.Error
		require.ErrorAs(t, err, &pe, sql)
		assert.Equal(t, "57014", pe.Code, sql)
		assert.Equal(t, "canceling statement due to user request", pe.Message, sql)
	}

	require.Equal(t, "BEGIN", outcome(t, s, `BEGIN`))
	require.Equal(t, "INSERT 0 1", outcome(t, s, `INSERT INTO m VALUES (-1)`))
	_, err = s.Exec(newTripCtx(), queries[0])
	var pe *pgsql.Error
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "57014", pe.Code)
	assert.Equal(t, "ERROR 25P02", outcome(t, s, `SELECT 1`))
	assert.Equal(t, "ROLLBACK", outcome(t, s, `ROLLBACK`))
	assert.Equal(t, [][]string{{"100"}}, texts(t, s, `SELECT count(*) FROM m`))
}

// Ensure a statement whose context is done before it starts fails with
// 57014 and, inside a transaction block, aborts it as a failed statement
// does.
func TestSession_Interrupt_CancelledBeforeStart(t *testing.T) {
	s := newSession(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.Equal(t, "BEGIN", outcome(t, s, `BEGIN`))
	_, err := s.Exec(ctx, `SELECT 1`)
	var pe *pgsql.Error
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "57014", pe.Code)
	assert.Equal(t, "ERROR 25P02", outcome(t, s, `SELECT 1`))
	assert.Equal(t, "ROLLBACK", outcome(t, s, `ROLLBACK`))
	assert.Equal(t, "SELECT 1", outcome(t, s, `SELECT 1`))
}

// TestSession_PgSleep: pg_sleep waits, returns void (an empty text here),
// is strict, and ends with its statement: a cancelled one is 57014 and so
// is one past statement_timeout.
func TestSession_PgSleep(t *testing.T) {
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	ctx := context.Background()
	s := pgsql.NewSession(db)

	res, err := s.Exec(ctx, "SELECT pg_sleep(0.001), pg_sleep(NULL), pg_sleep(-1)")
	require.NoError(t, err)
	assert.Equal(t, [][]any{{"", nil, ""}}, res.Rows)

	_, err = s.Exec(newTripCtx(), "SELECT pg_sleep(3600)")
	var pe *pgsql.Error
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "57014", pe.Code)

	_, err = s.Exec(ctx, "SET statement_timeout = 10")
	require.NoError(t, err)
	_, err = s.Exec(ctx, "SELECT pg_sleep(3600)")
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "57014", pe.Code)
	assert.Equal(t, "canceling statement due to statement timeout", pe.Message)
}
