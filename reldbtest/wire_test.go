package reldbtest_test

import (
	"context"
	"net"
	"net/url"
	"testing"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/reldbtest"
)

// queryOver runs one simple query on nc as a PostgreSQL client would and
// returns the first column of each row.
func queryOver(t *testing.T, nc net.Conn, sql string) []string {
	t.Helper()
	fe := pgproto3.NewFrontend(nc, nc)
	fe.Send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30, Parameters: map[string]string{"user": "reldb", "database": "reldbtest"}})
	require.NoError(t, fe.Flush())
	for {
		msg, err := fe.Receive()
		require.NoError(t, err)
		if _, ok := msg.(*pgproto3.ReadyForQuery); ok {
			break
		}
	}
	fe.Send(&pgproto3.Query{String: sql})
	require.NoError(t, fe.Flush())
	var out []string
	for {
		msg, err := fe.Receive()
		require.NoError(t, err)
		switch m := msg.(type) {
		case *pgproto3.DataRow:
			out = append(out, string(m.Values[0]))
		case *pgproto3.ErrorResponse:
			t.Fatalf("%s: %s %s", sql, m.Code, m.Message)
		case *pgproto3.ReadyForQuery:
			return out
		}
	}
}

// TestWire: a test's database over the wire protocol, by port and in
// memory, sees what its *sql.DB does, and nothing of another test's.
func TestWire(t *testing.T) {
	db := reldbtest.New(t, tmpl)
	_, err := db.Exec(`INSERT INTO users (email) VALUES ('wire@example.com')`)
	require.NoError(t, err)
	w := reldbtest.Wire(t, db)

	u, err := url.Parse(w.DSN())
	require.NoError(t, err)
	nc, err := net.Dial("tcp", u.Host)
	require.NoError(t, err)
	defer nc.Close()
	assert.Equal(t, []string{"3"}, queryOver(t, nc, `SELECT count(*) FROM users`))

	mem, err := w.Dial(context.Background(), "tcp", "ignored")
	require.NoError(t, err)
	defer mem.Close()
	assert.Equal(t, []string{"wire@example.com"}, queryOver(t, mem, `SELECT email FROM users WHERE id = 3`))

	other := reldbtest.Wire(t, reldbtest.New(t, tmpl))
	mem2, err := other.Dial(context.Background(), "tcp", "")
	require.NoError(t, err)
	defer mem2.Close()
	assert.Equal(t, []string{"2"}, queryOver(t, mem2, `SELECT count(*) FROM users`))
}

// TestWire_RecordAndInject: statements sent over the wire are recorded
// and failed like those sent through the *sql.DB.
func TestWire_RecordAndInject(t *testing.T) {
	db := reldbtest.New(t, tmpl)
	w := reldbtest.Wire(t, db)
	mem, err := w.Dial(context.Background(), "tcp", "")
	require.NoError(t, err)
	defer mem.Close()
	stmts := reldbtest.Record(db, func() {
		assert.Equal(t, []string{"2"}, queryOver(t, mem, `SELECT count(*) FROM users`))
	})
	require.Len(t, stmts, 1)
	assert.Equal(t, `SELECT count(*) FROM users`, stmts[0].SQL)
	assert.Empty(t, stmts[0].Caller, "a client's file:line is not known over the wire")

	reldbtest.FailNext(db, "FROM users", "40001")
	mem2, err := w.Dial(context.Background(), "tcp", "")
	require.NoError(t, err)
	defer mem2.Close()
	fe := startup(t, mem2)
	fe.Send(&pgproto3.Query{String: `SELECT count(*) FROM users`})
	require.NoError(t, fe.Flush())
	var code string
	for {
		msg, err := fe.Receive()
		require.NoError(t, err)
		if e, ok := msg.(*pgproto3.ErrorResponse); ok {
			code = e.Code
		}
		if _, ok := msg.(*pgproto3.ReadyForQuery); ok {
			break
		}
	}
	assert.Equal(t, "40001", code)
}

// startup starts a PostgreSQL session on nc.
func startup(t *testing.T, nc net.Conn) *pgproto3.Frontend {
	t.Helper()
	fe := pgproto3.NewFrontend(nc, nc)
	fe.Send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30, Parameters: map[string]string{"user": "reldb", "database": "reldbtest"}})
	require.NoError(t, fe.Flush())
	for {
		msg, err := fe.Receive()
		require.NoError(t, err)
		if _, ok := msg.(*pgproto3.ReadyForQuery); ok {
			return fe
		}
	}
}
