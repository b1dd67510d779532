package pgsql_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Ensure CREATE TABLE AS and SELECT INTO make a keyless table of the
// query's columns and rows, with PostgreSQL's names, types and tags.
func TestSession_Exec_CreateTableAs(t *testing.T) {
	s := newSession(t)
	assert.Equal(t, "SELECT 3", outcome(t, s, "CREATE TABLE priced AS SELECT b.id, a.name, b.price * 2 AS twice FROM books b JOIN authors a ON a.id = b.author_id"))
	assert.Equal(t, [][]string{{"id", "integer"}, {"name", "character varying"}, {"twice", "numeric"}},
		texts(t, s, "SELECT attname, format_type(atttypid, NULL) FROM pg_attribute WHERE attrelid = 'priced'::regclass AND attnum > 0 ORDER BY attnum"))
	assert.Equal(t, [][]string{{"10", "Le Guin", "19.98"}, {"11", "Le Guin", "19.98"}, {"20", "Butler", "19.98"}}, texts(t, s, "SELECT * FROM priced ORDER BY id"))
	// No primary key: the same row twice is fine.
	assert.Equal(t, "INSERT 0 1", outcome(t, s, "INSERT INTO priced VALUES (10, 'Le Guin', 1)"))
	assert.Equal(t, "SELECT 1", outcome(t, s, "SELECT id AS n, 'x' AS label INTO picked FROM authors WHERE id = $1", int64(2)))
	assert.Equal(t, [][]string{{"2", "x"}}, texts(t, s, "SELECT n, label FROM picked"))
	assert.Equal(t, "CREATE TABLE AS", outcome(t, s, "CREATE TABLE empty (a, b) AS SELECT id, name, 1 FROM authors WITH NO DATA"))
	assert.Equal(t, [][]string{{"a", "b", "?column?"}}, [][]string{columnNames(t, s, "SELECT * FROM empty")})
	assert.Equal(t, "CREATE TABLE AS", outcome(t, s, "CREATE TABLE IF NOT EXISTS empty AS SELECT 1 / 0"))
	assert.Equal(t, "ERROR 42P07", outcome(t, s, "CREATE TABLE empty AS SELECT 1"))
	assert.Equal(t, "ERROR 42601", outcome(t, s, "CREATE TABLE two (a, b, c) AS SELECT 1, 2"))
	assert.Equal(t, "ERROR 42701", outcome(t, s, "CREATE TABLE dup AS SELECT 1 AS a, 2 AS a"))
	assert.Equal(t, "ERROR 0A000", outcome(t, s, "CREATE TEMP TABLE tmp AS SELECT 1"))
	assert.Equal(t, "ERROR 0A000", outcome(t, s, "CREATE MATERIALIZED VIEW mv AS SELECT 1"))
	assert.Equal(t, "ERROR 42P01", outcome(t, s, "SELECT 1 AS x INTO lost FROM nope"))
	assert.Equal(t, "ERROR 42P01", outcome(t, s, "SELECT * FROM lost"))
}
