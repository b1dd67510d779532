package pgsql_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Ensure scalar, IN, EXISTS, ANY / ALL and FROM subqueries, correlated or
// not, give PostgreSQL's rows and errors.
func TestSession_Exec_Subqueries(t *testing.T) {
	tests := []struct {
		sql  string
		want [][]string
	}{
		{"SELECT (SELECT max(id) FROM books), (SELECT id FROM books WHERE false)", [][]string{{"20", "NULL"}}},
		{"SELECT name FROM authors WHERE id IN (SELECT author_id FROM books WHERE id > 10) ORDER BY 1", [][]string{{"Butler"}, {"Le Guin"}}},
		{"SELECT name FROM authors a WHERE EXISTS (SELECT 1 FROM books b WHERE b.author_id = a.id AND b.id > 15)", [][]string{{"Butler"}}},
		{"SELECT name, (SELECT count(*) FROM books WHERE author_id = authors.id) FROM authors ORDER BY 2", [][]string{{"Butler", "1"}, {"Le Guin", "2"}}},
		{"SELECT 5 > ALL (SELECT id FROM authors), 2 = ANY (SELECT id FROM authors), 3 NOT IN (SELECT NULL::int)", [][]string{{"t", "t", "NULL"}}},
		{"SELECT 1 > ALL (SELECT id FROM authors WHERE false), 1 = ANY (SELECT id FROM authors WHERE false)", [][]string{{"t", "f"}}},
		{"SELECT v.x, n FROM (SELECT id, name FROM authors) AS v(x, n) WHERE v.x > 1", [][]string{{"2", "Butler"}}},
		{"SELECT a.id, (SELECT max(b.id) + a.id FROM books b) FROM authors a ORDER BY 1", [][]string{{"1", "21"}, {"2", "22"}}},
		{"SELECT id FROM authors a WHERE 2 = (SELECT count(*) FROM books WHERE author_id = a.id)", [][]string{{"1"}}},
		{"UPDATE books b SET price = (SELECT id FROM authors WHERE id = b.author_id) RETURNING id, price", [][]string{{"10", "1.00"}, {"11", "1.00"}, {"20", "2.00"}}},
		{"SELECT s.a FROM (SELECT author_id AS a FROM books) s GROUP BY s.a ORDER BY 1", [][]string{{"1"}, {"2"}}},
	}
	for _, tc := range tests {
		t.Run(tc.sql, func(t *testing.T) {
			s := newSession(t)
			assert.Equal(t, tc.want, texts(t, s, tc.sql))
		})
	}
	s := newSession(t)
	assert.Equal(t, "ERROR 21000", outcome(t, s, "SELECT (SELECT id FROM books)"))
	assert.Equal(t, "ERROR 42601", outcome(t, s, "SELECT (SELECT id, name FROM authors)"))
	assert.Equal(t, "ERROR 42P10", outcome(t, s, "SELECT * FROM (SELECT 1) AS v(a, b)"))
	assert.Equal(t, "DELETE 2", outcome(t, s, "DELETE FROM books WHERE author_id IN (SELECT id FROM authors WHERE name = 'Le Guin')"))
}
