package pgsql_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Ensure GROUP BY, HAVING, aggregates and DISTINCT give PostgreSQL's
// values and types.
func TestSession_Exec_Grouping(t *testing.T) {
	tests := []struct {
		sql  string
		want [][]string
	}{
		{"SELECT count(*), count(DISTINCT author_id), sum(author_id), avg(author_id), min(id), max(price) FROM books", [][]string{{"3", "2", "4", "1.3333333333333333", "10", "9.99"}}},
		{"SELECT count(*), sum(id), avg(id), max(id), bool_and(id > 0), string_agg(name, ',') FROM authors WHERE false", [][]string{{"0", "NULL", "NULL", "NULL", "NULL", "NULL"}}},
		{"SELECT author_id, count(*) FROM books GROUP BY author_id ORDER BY 2 DESC", [][]string{{"1", "2"}, {"2", "1"}}},
		{"SELECT author_id FROM books GROUP BY 1 HAVING count(*) > 1", [][]string{{"1"}}},
		{"SELECT a.name, count(b.id) FROM authors a LEFT JOIN books b ON b.author_id = a.id GROUP BY a.id ORDER BY 1", [][]string{{"Butler", "1"}, {"Le Guin", "2"}}},
		{"SELECT string_agg(name, '; ' ORDER BY name DESC) FROM authors", [][]string{{"Le Guin; Butler"}}},
		{"SELECT DISTINCT author_id, price FROM books ORDER BY author_id", [][]string{{"1", "9.99"}, {"2", "9.99"}}},
		{"SELECT sum(id::bigint) FROM books", [][]string{{"41"}}},
	}
	for _, tc := range tests {
		t.Run(tc.sql, func(t *testing.T) {
			s := newSession(t)
			assert.Equal(t, tc.want, texts(t, s, tc.sql))
		})
	}
	s := newSession(t)
	assert.Equal(t, "ERROR 42803", outcome(t, s, "SELECT author_id, id FROM books GROUP BY author_id"))
	assert.Equal(t, "ERROR 42803", outcome(t, s, "SELECT id FROM books WHERE count(*) > 1"))
	assert.Equal(t, "ERROR 42803", outcome(t, s, "SELECT sum(count(*)) FROM books"))
	assert.Equal(t, "ERROR 42P10", outcome(t, s, "SELECT DISTINCT author_id FROM books ORDER BY id"))
}
