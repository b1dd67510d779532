package compat

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/lib/pq"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/pgsql"
	"github.com/reldb/reldb/pgwire"
)

// lockWaitServer is a server whose sessions report on started when a
// statement marked /* wait */ starts, with a table t whose row 1 a holder
// session has locked (FOR UPDATE, in an open transaction) and an
// advisory lock 7 the holder holds.
func lockWaitServer(t *testing.T, listen bool) (srv *pgwire.Server, holder *pgx.Conn, started chan struct{}) {
	t.Helper()
	started = make(chan struct{}, 1)
	opts := pgwire.Options{Intercept: func(ctx context.Context, sql string, args []any, next func() (pgsql.Result, error)) (pgsql.Result, error) {
		if strings.Contains(sql, "/* wait */") {
			started <- struct{}{}
		}
		return next()
	}}
	if listen {
		var err error
		srv, err = pgwire.Listen("", opts)
		require.NoError(t, err)
	} else {
		srv = pgwire.New(opts)
	}
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	holder = pgxOn(t, srv, nil)
	ctx := context.Background()
	_, err := holder.Exec(ctx, `CREATE TABLE t (id int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 10)`)
	require.NoError(t, err)
	_, err = holder.Exec(ctx, `BEGIN; SELECT v FROM t WHERE id = 1 FOR UPDATE; SELECT pg_advisory_lock(7)`)
	require.NoError(t, err)
	return srv, holder, started
}

// pgxOn connects pgx to srv in memory; configure, if given, changes the
// configuration first.
func pgxOn(t *testing.T, srv *pgwire.Server, configure func(*pgx.ConnConfig)) *pgx.Conn {
	t.Helper()
	cfg, err := pgx.ParseConfig("postgres://reldb@127.0.0.1/test?sslmode=disable")
	require.NoError(t, err)
	cfg.DialFunc = srv.Dial
	if configure != nil {
		configure(cfg)
	}
	conn, err := pgx.ConnectConfig(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// Ensure pgconn's CancelRequest cancels a statement waiting for a row lock
// or an advisory lock with 57014, and the connection goes on.
func TestPgx_CancelRequest(t *testing.T) {
	for _, wait := range []string{
		`SELECT /* wait */ v FROM t WHERE id = 1 FOR UPDATE`,
		`SELECT /* wait */ pg_advisory_lock(7)`,
	} {
		t.Run(wait, func(t *testing.T) {
			srv, holder, started := lockWaitServer(t, false)
			waiter := pgxOn(t, srv, nil)
			ctx := context.Background()
			done := make(chan error, 1)
			go func() {
				_, err := waiter.Exec(ctx, wait)
				done <- err
			}()
			<-started
			require.NoError(t, waiter.PgConn().CancelRequest(ctx))
			err := <-done
			var pe *pgconn.PgError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "57014", pe.Code)
			assert.Equal(t, "canceling statement due to user request", pe.Message)

			_, err = holder.Exec(ctx, `COMMIT`)
			require.NoError(t, err)
			var v int
			require.NoError(t, waiter.QueryRow(ctx, `UPDATE t SET v = v + 1 WHERE id = 1 RETURNING v`).Scan(&v))
			assert.Equal(t, 11, v)
		})
	}
}

// Ensure cancelling the context of a pgx query sends a CancelRequest
// when pgx is configured to (pgconn.CancelRequestContextWatcherHandler):
// the statement ends with 57014 and, inside a transaction, the
// transaction is aborted until ROLLBACK, as PostgreSQL's is.
func TestPgx_ContextCancelSendsCancelRequest(t *testing.T) {
	srv, holder, started := lockWaitServer(t, false)
	waiter := pgxOn(t, srv, func(cfg *pgx.ConnConfig) {
		cfg.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
			// The deadline only guards against a server that ignores
			// the cancel: the test would fail, not hang.
			return &pgconn.CancelRequestContextWatcherHandler{Conn: c, DeadlineDelay: time.Minute}
		}
	})
	bg := context.Background()
	tx, err := waiter.Begin(bg)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(bg)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := tx.Exec(ctx, `UPDATE /* wait */ t SET v = 0 WHERE id = 1`)
		done <- err
	}()
	<-started
	cancel()
	err = <-done
	var pe *pgconn.PgError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "57014", pe.Code)

	_, err = tx.Exec(bg, `SELECT 1`)
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "25P02", pe.Code)
	require.NoError(t, tx.Rollback(bg))
	_, err = holder.Exec(bg, `COMMIT`)
	require.NoError(t, err)
	var v int
	require.NoError(t, waiter.QueryRow(bg, `SELECT v FROM t WHERE id = 1`).Scan(&v))
	assert.Equal(t, 10, v)
}

// Ensure lib/pq, which sends a CancelRequest when a query's context is
// cancelled, stops a statement waiting for a lock, and the pool goes on.
func TestPq_ContextCancel(t *testing.T) {
	srv, holder, started := lockWaitServer(t, true)
	db, err := sql.Open("postgres", srv.DSN("test"))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := db.ExecContext(ctx, `SELECT /* wait */ pg_advisory_lock(7)`)
		done <- err
	}()
	<-started
	cancel()
	err = <-done
	var pe *pq.Error
	if !errors.Is(err, context.Canceled) && !errors.As(err, &pe) {
		t.Fatalf("got %v, want a cancelled query", err)
	}
	if pe != nil {
		assert.Equal(t, pq.ErrorCode("57014"), pe.Code)
	}
	_, err = holder.Exec(context.Background(), `COMMIT; SELECT pg_advisory_unlock_all()`)
	require.NoError(t, err)
	var got bool
	require.NoError(t, db.QueryRow(`SELECT pg_try_advisory_lock(7)`).Scan(&got))
	assert.True(t, got, "the cancelled wait left the lock free")
}
