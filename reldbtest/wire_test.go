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
