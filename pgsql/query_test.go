package pgsql_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Ensure unaliased output columns are named as PostgreSQL names them: a
// scalar subquery by its column, EXISTS, CASE by its ELSE when that has a
// name of its own, a cast by its operand or else its type, a subscript by
// its array.
func TestSession_Exec_OutputColumnNames(t *testing.T) {
	s := newSession(t)
	got := columnNames(t, s, "SELECT (SELECT max(id) FROM books), EXISTS (SELECT 1), CASE WHEN true THEN 1 ELSE id END, "+
		"CASE WHEN true THEN 1 END, CASE WHEN true THEN 'a' ELSE 'b'::text END, (SELECT 1), id::text, 'x'::text, (ARRAY[id])[1] FROM books LIMIT 1")
	assert.Equal(t, []string{"max", "exists", "id", "case", "case", "?column?", "id", "text", "array"}, got)
}
