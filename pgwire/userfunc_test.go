package pgwire

import (
	"testing"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/stretchr/testify/assert"
)

// Ensure a parameter passed to a user-defined function takes the type of
// the function's argument at Parse, as PostgreSQL's does, and the call
// runs through the extended protocol.
func TestServer_Extended_UserFunctionParams(t *testing.T) {
	s := newServer(t, Options{})
	c, _ := connect(t, s, "db")
	c.query(`CREATE FUNCTION add_to(a integer, b bigint DEFAULT 10) RETURNS numeric LANGUAGE sql AS 'SELECT a + b'`)
	c.send(
		&pgproto3.Parse{Name: "q", Query: `SELECT add_to($1, b => $2) AS s`},
		&pgproto3.Describe{ObjectType: 'S', Name: "q"},
		&pgproto3.Bind{PreparedStatement: "q", Parameters: [][]byte{[]byte("1"), []byte("2")}},
		&pgproto3.Execute{},
		&pgproto3.Sync{},
	)
	assert.Equal(t, []string{
		"ParseComplete",
		"ParameterDescription [23 20]",
		"RowDescription s:1700/0",
		"BindComplete",
		"DataRow 3",
		"CommandComplete SELECT 1",
		"ReadyForQuery I",
	}, c.untilReady())
}
