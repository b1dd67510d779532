package pgsql_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql"
)

// Ensure a fork of a database made in SQL keeps what only the SQL layer
// knows — declared types such as varchar(n), and CHECK constraints — and
// that a table the fork creates afterwards is not seen by the source.
func TestFork_KeepsDeclarations(t *testing.T) {
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	src := pgsql.NewSession(db)
	require.Equal(t, "CREATE TABLE", outcome(t, src, `CREATE TABLE items (id integer PRIMARY KEY, code varchar(3), qty integer CHECK (qty >= 0))`))
	require.Equal(t, "INSERT 0 1", outcome(t, src, `INSERT INTO items VALUES (1, 'abc', 1)`))

	fdb, err := db.Fork(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = fdb.Close() })
	f := pgsql.NewSession(fdb)
	assert.Equal(t, "ERROR 22001", outcome(t, f, `INSERT INTO items VALUES (2, 'abcd', 1)`), "varchar(3) in the fork")
	assert.Equal(t, "ERROR 23514", outcome(t, f, `INSERT INTO items VALUES (2, 'ab', -1)`), "CHECK in the fork")
	assert.Equal(t, [][]string{{"1", "abc", "1"}}, texts(t, f, `SELECT * FROM items`))
	assert.Equal(t, [][]string{{"int4", "varchar", "int4"}}, columnTypes(t, f, `SELECT * FROM items`))

	require.Equal(t, "CREATE TABLE", outcome(t, f, `CREATE TABLE extra (id smallint PRIMARY KEY)`))
	assert.Equal(t, "ERROR 42P01", outcome(t, src, `SELECT * FROM extra`))
	require.Equal(t, "CREATE TABLE", outcome(t, src, `CREATE TABLE extra (id bigint PRIMARY KEY)`))
	assert.Equal(t, [][]string{{"int2"}}, columnTypes(t, f, `SELECT * FROM extra`))
	assert.Equal(t, [][]string{{"int8"}}, columnTypes(t, src, `SELECT * FROM extra`))
}

// columnTypes returns the pg_type names of a query's result columns.
func columnTypes(t *testing.T, s *pgsql.Session, sql string) [][]string {
	t.Helper()
	res, err := s.Exec(t.Context(), sql)
	require.NoError(t, err)
	var out []string
	for _, c := range res.Columns {
		out = append(out, c.TypeName())
	}
	return [][]string{out}
}
