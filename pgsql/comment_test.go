package pgsql_test

import (
	"testing"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Ensure COMMENT ON TABLE and COLUMN is kept, read by obj_description,
// col_description and pg_description, follows a column's rename, is
// removed by IS NULL, and rolls back with its transaction.
func TestSession_CommentOn(t *testing.T) {
	s := newSession(t)
	require.Equal(t, "CREATE TABLE", outcome(t, s, `CREATE TABLE notes (id integer PRIMARY KEY, body text)`))
	require.Equal(t, "COMMENT", outcome(t, s, `COMMENT ON TABLE notes IS 'things to remember'`))
	require.Equal(t, "COMMENT", outcome(t, s, `COMMENT ON COLUMN notes.body IS 'the text'`))
	assert.Equal(t, [][]string{{"things to remember", "the text"}},
		texts(t, s, `SELECT obj_description('notes'::regclass, 'pg_class'), col_description('notes'::regclass, 2)`))
	assert.Equal(t, [][]string{{"0", "things to remember"}, {"2", "the text"}},
		texts(t, s, `SELECT objsubid, description FROM pg_description ORDER BY objsubid`))
	require.Equal(t, "ALTER TABLE", outcome(t, s, `ALTER TABLE notes RENAME COLUMN body TO content`))
	assert.Equal(t, [][]string{{"the text"}}, texts(t, s, `SELECT col_description('notes'::regclass, 2)`))

	require.Equal(t, "BEGIN", outcome(t, s, "BEGIN"))
	require.Equal(t, "COMMENT", outcome(t, s, `COMMENT ON TABLE notes IS NULL`))
	assert.Equal(t, [][]string{{"NULL"}}, texts(t, s, `SELECT obj_description('notes'::regclass, 'pg_class')`))
	require.Equal(t, "ROLLBACK", outcome(t, s, "ROLLBACK"))
	assert.Equal(t, [][]string{{"things to remember"}}, texts(t, s, `SELECT obj_description('notes'::regclass, 'pg_class')`))

	assert.Equal(t, "ERROR 42703", outcome(t, s, `COMMENT ON COLUMN notes.nope IS 'x'`))
	assert.Equal(t, "ERROR 42P01", outcome(t, s, `COMMENT ON TABLE nope IS 'x'`))
	assert.Equal(t, "ERROR 0A000", outcome(t, s, `COMMENT ON INDEX notes_pkey IS 'x'`))
}

// Ensure two transactions that change the same table's declaration do not
// lose one change: the later commit fails with 40001 and changes nothing,
// in memory as in a durable DB; changes to different tables both commit.
func TestSession_ConcurrentDeclarations(t *testing.T) {
	for _, durable := range []bool{false, true} {
		t.Run(map[bool]string{false: "memory", true: "durable"}[durable], func(t *testing.T) {
			var db *engine.DB
			if durable {
				db = openDurable(t, t.TempDir())
			} else {
				var err error
				db, err = engine.Open(engine.Options{})
				require.NoError(t, err)
				t.Cleanup(func() { _ = db.Close() })
			}
			a, b := pgsql.NewSession(db), pgsql.NewSession(db)
			for _, stmt := range []string{`CREATE TABLE t (id int PRIMARY KEY)`, `CREATE TABLE u (id int PRIMARY KEY)`} {
				require.Equal(t, "CREATE TABLE", outcome(t, a, stmt))
			}
			require.Equal(t, "BEGIN", outcome(t, a, `BEGIN`))
			require.Equal(t, "COMMENT", outcome(t, a, `COMMENT ON TABLE t IS 'from a'`))
			require.Equal(t, "COMMENT", outcome(t, a, `COMMENT ON TABLE u IS 'from a'`))
			require.Equal(t, "COMMENT", outcome(t, b, `COMMENT ON COLUMN t.id IS 'from b'`))
			assert.Equal(t, "ERROR 40001", outcome(t, a, `COMMIT`))
			assert.Equal(t, [][]string{{"NULL", "from b", "NULL"}}, texts(t, b,
				`SELECT obj_description('t'::regclass), col_description('t'::regclass, 1), obj_description('u'::regclass)`))

			require.Equal(t, "BEGIN", outcome(t, a, `BEGIN`))
			require.Equal(t, "COMMENT", outcome(t, a, `COMMENT ON TABLE t IS 'from a'`))
			require.Equal(t, "COMMENT", outcome(t, b, `COMMENT ON TABLE u IS 'from b'`))
			assert.Equal(t, "COMMIT", outcome(t, a, `COMMIT`))
			assert.Equal(t, [][]string{{"from a", "from b", "from b"}}, texts(t, a,
				`SELECT obj_description('t'::regclass), col_description('t'::regclass, 1), obj_description('u'::regclass)`))
		})
	}
}
