package pgsql_test

import (
	"testing"

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
