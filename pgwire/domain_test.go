package pgwire

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Ensure a domain column is described with its base type's OID, as
// PostgreSQL sends it, and a domain's CHECK fails a write with 23514.
func TestServer_Domain_BaseTypeOID(t *testing.T) {
	s := newServer(t, Options{})
	c, _ := connect(t, s, "db")
	for _, q := range []string{
		`CREATE DOMAIN posint AS integer CHECK (VALUE > 0)`,
		`CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%')`,
		`CREATE TABLE t (n posint, e email)`,
		`INSERT INTO t VALUES (1, 'a@b')`,
	} {
		require.Equal(t, "ReadyForQuery I", last(c.query(q)), q)
	}
	assert.Equal(t, []string{"RowDescription n:23/0 e:25/0", "DataRow 1|a@b", "CommandComplete SELECT 1", "ReadyForQuery I"}, c.query(`SELECT n, e FROM t`))
	assert.Equal(t, []string{"ERROR 23514", "ReadyForQuery I"}, c.query(`INSERT INTO t VALUES (0, 'a@b')`))
}
