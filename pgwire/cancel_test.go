package pgwire

import (
	"context"
	"io"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sendCancel sends a CancelRequest for pid with key on a connection of
// its own and waits until the server has served it: it closes the
// connection, as PostgreSQL does, without a reply.
func sendCancel(t *testing.T, s *Server, pid uint32, key []byte) {
	t.Helper()
	c := dial(t, s)
	c.send(&pgproto3.CancelRequest{ProcessID: pid, SecretKey: key})
	b, err := io.ReadAll(c.nc)
	require.NoError(t, err)
	assert.Empty(t, b, "a cancel request has no reply")
}

// startedHook makes s report, once armed, the next statement that starts
// running on any connection.
type startedHook struct {
	armed   atomic.Bool
	started chan struct{}
}

func newStartedHook(s *Server) *startedHook {
	h := &startedHook{started: make(chan struct{}, 1)}
	s.beforeRun = func(context.Context) {
		if h.armed.CompareAndSwap(true, false) {
			h.started <- struct{}{}
		}
	}
	return h
}

// run sends sql on c once the hook is armed and returns when the
// statement has started; its answers are c's to read.
func (h *startedHook) run(c *client, sql string) {
	h.armed.Store(true)
	c.send(&pgproto3.Query{String: sql})
	<-h.started
}

// Ensure a CancelRequest reaches a statement waiting for a lock: a row
// lock held by another session (FOR UPDATE, UPDATE), an advisory lock.
// The statement fails with 57014 and the session goes on: idle after an
// autocommit statement, aborted (E) inside a transaction block.
func TestServer_CancelRequest_LockWaits(t *testing.T) {
	tests := []struct {
		name   string
		begin  string // run by the waiter before the waiting statement
		wait   string
		status string // the waiter's transaction status after the cancel
	}{
		{"select for update", "", `SELECT v FROM t WHERE id = 1 FOR UPDATE`, "I"},
		{"update in a transaction block", "BEGIN", `UPDATE t SET v = v + 1 WHERE id = 1`, "E"},
		{"advisory lock", "", `SELECT pg_advisory_lock(7)`, "I"},
		{"advisory lock in a transaction block", "BEGIN", `SELECT pg_advisory_xact_lock(7)`, "E"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t, Options{})
			hook := newStartedHook(s)
			holder, _ := connect(t, s, "db")
			holder.query(`CREATE TABLE t (id int PRIMARY KEY, v int)`)
			holder.query(`INSERT INTO t VALUES (1, 10)`)
			require.Equal(t, "ReadyForQuery T", last(holder.query(`BEGIN; SELECT v FROM t WHERE id = 1 FOR UPDATE; SELECT pg_advisory_xact_lock(7)`)))

			waiter, _ := connect(t, s, "db")
			if tc.begin != "" {
				waiter.query(tc.begin)
			}
			hook.run(waiter, tc.wait)
			sendCancel(t, s, waiter.key.ProcessID, waiter.key.SecretKey)
			assert.Equal(t, []string{"ERROR 57014", "ReadyForQuery " + tc.status}, waiter.untilReady())
			if tc.status == "E" {
				assert.Equal(t, []string{"ERROR 25P02", "ReadyForQuery E"}, waiter.query(`SELECT 1`))
				assert.Equal(t, "ReadyForQuery I", last(waiter.query(`ROLLBACK`)))
			}

			require.Equal(t, "ReadyForQuery I", last(holder.query(`COMMIT`)))
			assert.Equal(t, []string{"DataRow 10", "CommandComplete SELECT 1", "ReadyForQuery I"}, waiter.query(`SELECT v FROM t WHERE id = 1 FOR UPDATE`)[1:])
		})
	}
}

// Ensure a CancelRequest with a wrong key, or for a process that does not
// exist, leaves the running statement alone: it goes on waiting and
// completes once the lock is released.
func TestServer_CancelRequest_WrongKey(t *testing.T) {
	s := newServer(t, Options{})
	hook := newStartedHook(s)
	holder, _ := connect(t, s, "db")
	holder.query(`CREATE TABLE t (id int PRIMARY KEY, v int)`)
	holder.query(`INSERT INTO t VALUES (1, 10)`)
	require.Equal(t, "ReadyForQuery T", last(holder.query(`BEGIN; UPDATE t SET v = 11 WHERE id = 1`)))

	waiter, _ := connect(t, s, "db")
	hook.run(waiter, `UPDATE t SET v = v + 1 WHERE id = 1 RETURNING v`)
	wrong := append([]byte(nil), waiter.key.SecretKey...)
	wrong[0] ^= 0xff
	sendCancel(t, s, waiter.key.ProcessID, wrong)
	sendCancel(t, s, waiter.key.ProcessID+1, waiter.key.SecretKey)

	require.Equal(t, "ReadyForQuery I", last(holder.query(`COMMIT`)))
	assert.Equal(t, []string{"RowDescription v:23/0", "DataRow 12", "CommandComplete UPDATE 1", "ReadyForQuery I"}, waiter.untilReady())
}

// Ensure a CancelRequest for an idle session does nothing: not to the
// session's next statement either.
func TestServer_CancelRequest_Idle(t *testing.T) {
	s := newServer(t, Options{})
	c, _ := connect(t, s, "db")
	sendCancel(t, s, c.key.ProcessID, c.key.SecretKey)
	assert.Equal(t, []string{"RowDescription ?column?:23/0", "DataRow 1", "CommandComplete SELECT 1", "ReadyForQuery I"}, c.query(`SELECT 1`))
	require.Equal(t, "ReadyForQuery T", last(c.query(`BEGIN`)))
	sendCancel(t, s, c.key.ProcessID, c.key.SecretKey)
	assert.Equal(t, "ReadyForQuery T", last(c.query(`SELECT 1`)))
	assert.Equal(t, "ReadyForQuery I", last(c.query(`COMMIT`)))
}

// Ensure a CancelRequest reaches a statement of the extended protocol:
// its Execute fails with 57014, the messages up to Sync are skipped, and
// the session goes on.
func TestServer_CancelRequest_Extended(t *testing.T) {
	s := newServer(t, Options{})
	hook := newStartedHook(s)
	holder, _ := connect(t, s, "db")
	require.Equal(t, "ReadyForQuery I", last(holder.query(`SELECT pg_advisory_lock(1)`)))

	c, _ := connect(t, s, "db")
	c.send(&pgproto3.Parse{Query: `SELECT pg_advisory_lock($1)`}, &pgproto3.Bind{Parameters: [][]byte{[]byte("1")}}, &pgproto3.Flush{})
	for _, want := range []string{"ParseComplete", "BindComplete"} {
		msg, err := c.fe.Receive()
		require.NoError(t, err)
		require.Equal(t, want, describeMsg(msg))
	}
	hook.armed.Store(true)
	c.send(&pgproto3.Execute{}, &pgproto3.Parse{Query: `SELECT 2`}, &pgproto3.Bind{}, &pgproto3.Execute{}, &pgproto3.Sync{})
	<-hook.started
	sendCancel(t, s, c.key.ProcessID, c.key.SecretKey)
	assert.Equal(t, []string{"ERROR 57014", "ReadyForQuery I"}, c.untilReady())
	assert.Equal(t, "DataRow 3", c.query(`SELECT 3`)[1])
}
