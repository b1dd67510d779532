package pgwire

import (
	"testing"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/stretchr/testify/assert"
)

// Ensure the extended protocol describes a statement with a
// data-modifying WITH query by its main statement's columns, without
// running it, and then runs it once.
func TestServer_Extended_WithWrites(t *testing.T) {
	s := newServer(t, Options{})
	c, _ := connect(t, s, "db")
	c.query(`CREATE TABLE t (id int PRIMARY KEY, name varchar(10)); CREATE TABLE log (id int PRIMARY KEY, name text); INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')`)
	c.send(
		&pgproto3.Parse{Name: "q", Query: `WITH d AS (DELETE FROM t WHERE id >= $1 RETURNING id, name) INSERT INTO log SELECT id, name FROM d RETURNING id, name`},
		&pgproto3.Describe{ObjectType: 'S', Name: "q"},
		&pgproto3.Sync{},
	)
	assert.Equal(t, []string{
		"ParseComplete",
		"ParameterDescription [23]",
		"RowDescription id:23/0 name:25/0",
		"ReadyForQuery I",
	}, c.untilReady())
	assert.Equal(t, []string{"RowDescription count:20/0", "DataRow 3", "CommandComplete SELECT 1", "ReadyForQuery I"}, c.query(`SELECT count(*) FROM t`), "describing deleted nothing")

	c.send(
		&pgproto3.Parse{Name: "s", Query: `WITH d AS (DELETE FROM t WHERE id >= $1 RETURNING id, name) SELECT name, id * 10 AS x FROM d ORDER BY id`},
		&pgproto3.Describe{ObjectType: 'S', Name: "s"},
		&pgproto3.Bind{PreparedStatement: "s", Parameters: [][]byte{[]byte("2")}},
		&pgproto3.Describe{ObjectType: 'P'},
		&pgproto3.Execute{},
		&pgproto3.Sync{},
	)
	assert.Equal(t, []string{
		"ParseComplete",
		"ParameterDescription [23]",
		"RowDescription name:1043/0 x:23/0",
		"BindComplete",
		"RowDescription name:1043/0 x:23/0",
		"DataRow b|20",
		"DataRow c|30",
		"CommandComplete SELECT 2",
		"ReadyForQuery I",
	}, c.untilReady())
	assert.Equal(t, []string{"RowDescription count:20/0", "DataRow 1", "CommandComplete SELECT 1", "ReadyForQuery I"}, c.query(`SELECT count(*) FROM t`))
}
