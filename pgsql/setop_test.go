package pgsql_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Ensure VALUES and UNION / INTERSECT / EXCEPT [ALL] give PostgreSQL's
// rows, column names and types, ordered and limited as a whole.
func TestSession_Exec_SetOps(t *testing.T) {
	tests := []struct {
		sql  string
		want [][]string
	}{
		{"VALUES (1, 'a'), (2.5, NULL) ORDER BY column1 DESC", [][]string{{"2.5", "NULL"}, {"1", "a"}}},
		{"SELECT * FROM (VALUES (1), (2)) AS v(x) WHERE x > 1", [][]string{{"2"}}},
		{"SELECT author_id FROM books UNION SELECT id FROM authors ORDER BY 1", [][]string{{"1"}, {"2"}}},
		{"SELECT author_id FROM books UNION ALL SELECT id FROM authors ORDER BY author_id DESC LIMIT 2", [][]string{{"2"}, {"2"}}},
		{"SELECT author_id FROM books INTERSECT ALL SELECT 1 ORDER BY 1", [][]string{{"1"}}},
		{"SELECT author_id FROM books EXCEPT ALL SELECT 1 ORDER BY 1", [][]string{{"1"}, {"2"}}},
		{"SELECT author_id FROM books EXCEPT SELECT 1", [][]string{{"2"}}},
		{"SELECT 1 UNION SELECT 2.5 ORDER BY 1", [][]string{{"1"}, {"2.5"}}},
	}
	for _, tc := range tests {
		t.Run(tc.sql, func(t *testing.T) {
			s := newSession(t)
			assert.Equal(t, tc.want, texts(t, s, tc.sql))
		})
	}
	s := newSession(t)
	assert.Equal(t, "ERROR 42804", outcome(t, s, "SELECT 1 UNION SELECT name FROM authors"))
	assert.Equal(t, "ERROR 42804", outcome(t, s, "SELECT id FROM authors WHERE false UNION SELECT name FROM authors"))
	assert.Equal(t, "ERROR 42601", outcome(t, s, "SELECT 1 UNION SELECT 1, 2"))
	assert.Equal(t, "ERROR 0A000", outcome(t, s, "SELECT id FROM authors UNION SELECT 1 ORDER BY id + 1"))
	assert.Equal(t, "ERROR 22P02", outcome(t, s, "SELECT 'a' UNION SELECT 1"))
}
