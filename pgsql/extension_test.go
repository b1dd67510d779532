package pgsql_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql"
)

// Ensure a created extension is durable: it survives Close and Open of a
// durable DB, one dropped stays dropped, and a fork carries its own copy.
func TestSession_Extension_DurableAndForked(t *testing.T) {
	dir := t.TempDir()
	db := openDurable(t, dir)
	runAll(t, db, [][2]string{
		{`CREATE EXTENSION IF NOT EXISTS "uuid-ossp"`, "CREATE EXTENSION"},
		{`CREATE EXTENSION pgcrypto`, "CREATE EXTENSION"},
		{`CREATE TABLE accounts (id uuid PRIMARY KEY DEFAULT uuid_generate_v4(), name text)`, "CREATE TABLE"},
		{`DROP EXTENSION pgcrypto`, "DROP EXTENSION"},
	})
	require.NoError(t, db.Close())
	db = openDurable(t, dir)
	runAll(t, db, [][2]string{
		{`CREATE EXTENSION "uuid-ossp"`, "ERROR 42710"},
		{`INSERT INTO accounts (name) VALUES ('ada'), ('grace')`, "INSERT 0 2"},
		{`DROP EXTENSION "uuid-ossp"`, "ERROR 2BP01"},
	})
	s := pgsql.NewSession(db)
	defer s.Close()
	assert.Equal(t, [][]string{{"plpgsql"}, {"uuid-ossp"}}, texts(t, s, `SELECT extname FROM pg_extension ORDER BY 1`))
	assert.Equal(t, [][]string{{"2"}}, texts(t, s, `SELECT count(DISTINCT id) FROM accounts`))

	fork, err := db.Fork(engine.Options{})
	require.NoError(t, err)
	defer fork.Close()
	runAll(t, fork, [][2]string{
		{`DROP TABLE accounts`, "DROP TABLE"},
		{`DROP EXTENSION "uuid-ossp"`, "DROP EXTENSION"},
		{`SELECT uuid_nil()`, "ERROR 42883"},
	})
	runAll(t, db, [][2]string{{`SELECT uuid_nil()`, "SELECT 1"}})
}

// Ensure the extensions reldb cannot provide are refused as unsupported
// and uuid-ossp's other generators are 0A000 when called.
func TestSession_Extension_Unsupported(t *testing.T) {
	s := newSession(t)
	assert.Equal(t, "ERROR 0A000", outcome(t, s, `CREATE EXTENSION citext`))
	assert.Equal(t, "ERROR 0A000", outcome(t, s, `CREATE EXTENSION no_such_extension`))
	assert.Equal(t, "CREATE EXTENSION", outcome(t, s, `CREATE EXTENSION "uuid-ossp"`))
	assert.Equal(t, "ERROR 0A000", outcome(t, s, `SELECT uuid_generate_v1()`))
	assert.Equal(t, "ERROR 0A000", outcome(t, s, `SELECT uuid_generate_v5(uuid_ns_url(), 'x')`))
	assert.Equal(t, "ERROR 42883", outcome(t, s, `SELECT uuid_nil(1)`))
	assert.Equal(t, "CREATE EXTENSION", outcome(t, s, `CREATE EXTENSION pgcrypto`))
	assert.Equal(t, "ERROR 0A000", outcome(t, s, `SELECT digest('x', 'sha256')`))
}
