package pgsql_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Ensure WITH and WITH RECURSIVE give PostgreSQL's rows and errors.
func TestSession_Exec_With(t *testing.T) {
	tests := []struct {
		sql  string
		want [][]string
	}{
		{"WITH a AS (SELECT id FROM authors WHERE id > 1) SELECT name FROM authors JOIN a USING (id)", [][]string{{"Butler"}}},
		{"WITH a(x) AS (SELECT 1), b AS (SELECT x + 1 AS y FROM a) SELECT x, y FROM a, b", [][]string{{"1", "2"}}},
		{"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4) SELECT sum(i) FROM n", [][]string{{"10"}}},
		{"WITH RECURSIVE n(i) AS (SELECT 1 UNION SELECT i % 3 + 1 FROM n) SELECT i FROM n ORDER BY i", [][]string{{"1"}, {"2"}, {"3"}}},
		{"SELECT (WITH c AS (SELECT count(*) AS k FROM books) SELECT k FROM c)", [][]string{{"3"}}},
	}
	for _, tc := range tests {
		t.Run(tc.sql, func(t *testing.T) {
			s := newSession(t)
			assert.Equal(t, tc.want, texts(t, s, tc.sql))
		})
	}
	s := newSession(t)
	assert.Equal(t, "ERROR 42P19", outcome(t, s, "WITH RECURSIVE bad(i) AS (SELECT i FROM bad) SELECT * FROM bad"))
	assert.Equal(t, "ERROR 42804", outcome(t, s, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i::bigint + 1 FROM n WHERE i < 3) SELECT * FROM n"))
	assert.Equal(t, "ERROR 42712", outcome(t, s, "WITH a AS (SELECT 1), a AS (SELECT 2) SELECT * FROM a"))
	assert.Equal(t, "ERROR 42P01", outcome(t, s, "WITH a AS (SELECT 1) SELECT * FROM b"))
}
