package pgwire

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// receive reads one message, failing after a while rather than hanging.
func (c *client) receive() pgproto3.BackendMessage {
	c.t.Helper()
	require.NoError(c.t, c.nc.SetReadDeadline(time.Now().Add(10*time.Second)))
	defer func() { _ = c.nc.SetReadDeadline(time.Time{}) }()
	msg, err := c.fe.Receive()
	require.NoError(c.t, err)
	return msg
}

// Ensure an idle listening connection is sent NotificationResponse as
// soon as the sender commits, with the sender's process ID, without
// sending anything itself; and that a session listening receives its own
// notification after its CommandComplete, before ReadyForQuery.
func TestServer_Notify_Idle(t *testing.T) {
	s := newServer(t, Options{})
	l, _ := connect(t, s, "db")
	n, _ := connect(t, s, "db")
	assert.Equal(t, []string{"CommandComplete LISTEN", "ReadyForQuery I"}, l.query(`LISTEN jobs`))
	assert.Equal(t, []string{"CommandComplete NOTIFY", "ReadyForQuery I"}, n.query(`NOTIFY jobs, 'run 1'`))
	msg, ok := l.receive().(*pgproto3.NotificationResponse)
	require.True(t, ok, "%T", msg)
	assert.Equal(t, pgproto3.NotificationResponse{PID: n.key.ProcessID, Channel: "jobs", Payload: "run 1"}, *msg)

	assert.Equal(t, []string{"DataRow t", "CommandComplete SELECT 1", "ReadyForQuery I"}, l.query(`SELECT pg_backend_pid() = ` + strconv.FormatUint(uint64(l.key.ProcessID), 10))[1:])
	assert.Equal(t, []string{"CommandComplete LISTEN", "CommandComplete NOTIFY", `Notification jobs "self"`, "ReadyForQuery I"},
		n.query(`LISTEN jobs; NOTIFY jobs, 'self'`), "the sender's own, before ReadyForQuery")
	msg, ok = l.receive().(*pgproto3.NotificationResponse)
	require.True(t, ok, "%T", msg)
	assert.Equal(t, "self", msg.Payload)
}

// Ensure a connection in a transaction block is sent the notifications
// delivered meanwhile only once the block ends, before ReadyForQuery.
func TestServer_Notify_AfterTransaction(t *testing.T) {
	s := newServer(t, Options{})
	l, _ := connect(t, s, "db")
	n, _ := connect(t, s, "db")
	l.query(`LISTEN jobs`)
	assert.Equal(t, []string{"CommandComplete BEGIN", "ReadyForQuery T"}, l.query(`BEGIN`))
	n.query(`NOTIFY jobs, 'a'`)
	n.query(`NOTIFY jobs, 'b'`)
	assert.Equal(t, []string{"RowDescription ?column?:23/0", "DataRow 1", "CommandComplete SELECT 1", "ReadyForQuery T"}, l.query(`SELECT 1`))
	assert.Equal(t, []string{"CommandComplete COMMIT", `Notification jobs "a"`, `Notification jobs "b"`, "ReadyForQuery I"}, l.query(`COMMIT`))

	// The extended protocol: before Sync's ReadyForQuery.
	l.query(`BEGIN`)
	n.query(`NOTIFY jobs, 'c'`)
	l.send(&pgproto3.Parse{Query: "COMMIT"}, &pgproto3.Bind{}, &pgproto3.Execute{}, &pgproto3.Sync{})
	assert.Equal(t, []string{"ParseComplete", "BindComplete", "CommandComplete COMMIT", `Notification jobs "c"`, "ReadyForQuery I"}, l.untilReady())
}

// Ensure notifications go to one database's connections only.
func TestServer_Notify_PerDatabase(t *testing.T) {
	s := newServer(t, Options{})
	l1, _ := connect(t, s, "one")
	l2, _ := connect(t, s, "two")
	n, _ := connect(t, s, "two")
	l1.query(`LISTEN jobs`)
	l2.query(`LISTEN jobs`)
	n.query(`NOTIFY jobs, 'two'`)
	msg, ok := l2.receive().(*pgproto3.NotificationResponse)
	require.True(t, ok, "%T", msg)
	assert.Equal(t, "two", msg.Payload)
	assert.Equal(t, []string{"RowDescription ?column?:23/0", "DataRow 1", "CommandComplete SELECT 1", "ReadyForQuery I"}, l1.query(`SELECT 1`), "nothing for database one")
}

// Ensure a listener that never reads blocks neither the sender nor
// another listener: notifications wait in its queue.
func TestServer_Notify_ListenerNotReading(t *testing.T) {
	s := newServer(t, Options{})
	dead, _ := connect(t, s, "db")
	live, _ := connect(t, s, "db")
	n, _ := connect(t, s, "db")
	dead.query(`LISTEN jobs`)
	live.query(`LISTEN jobs`)
	payload := strings.Repeat("x", 7000)
	const sends = 50 // far more than a pipe or a socket buffers
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range sends {
			assert.Equal(t, []string{"CommandComplete NOTIFY", "ReadyForQuery I"}, n.query(`NOTIFY jobs, '`+payload+`'`))
		}
	}()
	for range sends {
		msg, ok := live.receive().(*pgproto3.NotificationResponse)
		require.True(t, ok, "%T", msg)
		require.Len(t, msg.Payload, len(payload))
	}
	<-done
}

// Ensure notifications written to an idle connection never interleave
// with its own answers: a listener running queries while another
// connection floods it with notifications reads every message whole
// (run with -race).
func TestServer_Notify_NoInterleaving(t *testing.T) {
	s := newServer(t, Options{})
	l, _ := connect(t, s, "db")
	n, _ := connect(t, s, "db")
	l.query(`LISTEN jobs`)
	const sends, queries = 200, 20
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range sends {
			n.query(`NOTIFY jobs, '` + strconv.Itoa(i) + `'`)
		}
	}()
	got := 0
	for range queries {
		rows := 0
		for _, line := range l.query(`SELECT g FROM generate_series(1, 2000) g`) {
			switch {
			case strings.HasPrefix(line, "DataRow "):
				rows++
			case strings.HasPrefix(line, "Notification jobs "):
				require.Equal(t, `Notification jobs "`+strconv.Itoa(got)+`"`, line, "in order")
				got++
			}
		}
		require.Equal(t, 2000, rows)
	}
	<-done
	for got < sends {
		msg, ok := l.receive().(*pgproto3.NotificationResponse)
		require.True(t, ok, "%T", msg)
		require.Equal(t, strconv.Itoa(got), msg.Payload, "in order")
		got++
	}
}
