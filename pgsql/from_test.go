package pgsql_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Ensure joins combine rows as PostgreSQL does, outer joins filling NULLs.
func TestSession_Exec_Joins(t *testing.T) {
	tests := []struct {
		sql  string
		want [][]string
	}{
		{"SELECT b.id, a.name FROM books b JOIN authors a ON a.id = b.author_id ORDER BY 1", [][]string{{"10", "Le Guin"}, {"11", "Le Guin"}, {"20", "Butler"}}},
		{"SELECT a.name, b.id FROM authors a LEFT JOIN books b ON b.author_id = a.id AND b.id > 15 ORDER BY 1", [][]string{{"Butler", "20"}, {"Le Guin", "NULL"}}},
		{"SELECT a.name, b.id FROM books b RIGHT JOIN authors a ON b.author_id = a.id AND b.id > 15 ORDER BY 1", [][]string{{"Butler", "20"}, {"Le Guin", "NULL"}}},
		{"SELECT count(*) FROM authors, books", [][]string{{"6"}}},
		{"SELECT a.id, b.id FROM authors a CROSS JOIN books b WHERE b.id = 20 ORDER BY 1", [][]string{{"1", "20"}, {"2", "20"}}},
		{"SELECT * FROM authors JOIN books ON books.author_id = authors.id WHERE books.id = 20", [][]string{{"2", "Butler", "20", "2", "9.99"}}},
		{"SELECT b.* FROM authors a JOIN books b ON b.author_id = a.id WHERE a.name = 'Butler'", [][]string{{"20", "2", "9.99"}}},
	}
	for _, tc := range tests {
		t.Run(tc.sql, func(t *testing.T) {
			s := newSession(t)
			assert.Equal(t, tc.want, texts(t, s, tc.sql))
		})
	}
	s := newSession(t)
	assert.Equal(t, "ERROR 42702", outcome(t, s, "SELECT id FROM authors JOIN books ON author_id = authors.id"))
	assert.Equal(t, "ERROR 42P01", outcome(t, s, "SELECT x.id FROM authors a JOIN books b ON b.author_id = a.id"))
	assert.Equal(t, "ERROR 42712", outcome(t, s, "SELECT 1 FROM authors a JOIN books a ON true"))
}

// Ensure USING names the joined column once, merged for a FULL JOIN.
func TestSession_Exec_JoinUsing(t *testing.T) {
	s := newSession(t)
	for _, q := range []string{
		"CREATE TABLE l (k integer PRIMARY KEY, a text)",
		"CREATE TABLE r (k bigint PRIMARY KEY, b text)",
		"INSERT INTO l VALUES (1, 'l1'), (2, 'l2')",
		"INSERT INTO r VALUES (2, 'r2'), (3, 'r3')",
	} {
		_, err := s.Exec(context.Background(), q)
		require.NoError(t, err)
	}
	assert.Equal(t, [][]string{{"2", "l2", "r2"}}, texts(t, s, "SELECT * FROM l JOIN r USING (k)"))
	assert.Equal(t, [][]string{{"1", "l1", "NULL"}, {"2", "l2", "r2"}}, texts(t, s, "SELECT * FROM l LEFT JOIN r USING (k) ORDER BY k"))
	assert.Equal(t, [][]string{{"2", "l2", "r2"}, {"3", "NULL", "r3"}}, texts(t, s, "SELECT * FROM l RIGHT JOIN r USING (k) ORDER BY k"))
	assert.Equal(t, [][]string{{"1", "l1", "NULL", "1", "NULL"}, {"2", "l2", "r2", "2", "2"}, {"3", "NULL", "r3", "NULL", "3"}},
		texts(t, s, "SELECT k, a, b, l.k, r.k FROM l FULL JOIN r USING (k) ORDER BY k"))
	assert.Equal(t, [][]string{{"3"}}, texts(t, s, "SELECT count(*) FROM l FULL JOIN r USING (k)"))
}
