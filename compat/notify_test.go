package compat

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/lib/pq"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/pgwire"
)

// Ensure pgx's WaitForNotification receives a NOTIFY sent on another
// connection, with channel, payload and the sender's PID, while it waits
// idle; and a notification sent while the listener is in a transaction
// after that transaction ends.
func TestPgx_WaitForNotification(t *testing.T) {
	srv := pgwire.New(pgwire.Options{})
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	listener, sender := pgxOn(t, srv, nil), pgxOn(t, srv, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := listener.Exec(ctx, "LISTEN jobs")
	require.NoError(t, err)

	senderPID := sender.PgConn().PID()
	got := make(chan error, 1)
	go func() {
		n, err := listener.WaitForNotification(ctx)
		if err == nil {
			assert.Equal(t, "jobs", n.Channel)
			assert.Equal(t, "job 1", n.Payload)
			assert.Equal(t, senderPID, n.PID)
		}
		got <- err
	}()
	_, err = sender.Exec(ctx, "SELECT pg_notify($1, $2)", "jobs", "job 1")
	require.NoError(t, err)
	require.NoError(t, <-got)

	tx, err := listener.Begin(ctx)
	require.NoError(t, err)
	_, err = sender.Exec(ctx, "NOTIFY jobs, 'job 2'")
	require.NoError(t, err)
	var one int
	require.NoError(t, tx.QueryRow(ctx, "SELECT 1").Scan(&one))
	short, stop := context.WithTimeout(ctx, 50*time.Millisecond)
	err = listener.PgConn().WaitForNotification(short)
	stop()
	require.Error(t, err, "nothing while the transaction is open")
	require.NoError(t, tx.Commit(ctx))
	n, err := listener.WaitForNotification(ctx)
	require.NoError(t, err)
	assert.Equal(t, "job 2", n.Payload)

	var channels []string
	rows, err := listener.Query(ctx, "SELECT pg_listening_channels()")
	require.NoError(t, err)
	channels, err = pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	assert.Equal(t, []string{"jobs"}, channels)
}

// Ensure lib/pq's Listener receives notifications over a socket.
func TestPq_Listener(t *testing.T) {
	srv, err := pgwire.Listen("", pgwire.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	l := pq.NewListener(srv.DSN("app"), 10*time.Millisecond, time.Second, nil)
	t.Cleanup(func() { _ = l.Close() })
	require.NoError(t, l.Listen("Jobs"))

	db, err := sql.Open("postgres", srv.DSN("app"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	_, err = db.Exec(`NOTIFY "Jobs", 'hello'`)
	require.NoError(t, err)
	select {
	case n := <-l.Notify:
		require.NotNil(t, n)
		assert.Equal(t, "Jobs", n.Channel)
		assert.Equal(t, "hello", n.Extra)
		assert.NotZero(t, n.BePid)
	case <-time.After(10 * time.Second):
		t.Fatal("no notification")
	}
	require.NoError(t, l.Ping())
	require.NoError(t, l.Unlisten("Jobs"))
}
