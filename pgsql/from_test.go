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

// Ensure a WHERE condition on the leftmost table of a join chain, which
// filters that table before the join, gives the rows the full WHERE over
// the joined rows gives: with NULL-extended rows of LEFT JOIN, conditions
// on the other side (never pushed), an alias, a parameter, and a RIGHT
// JOIN above (nothing pushed).
func TestSession_Exec_JoinWhereOnLeftTable(t *testing.T) {
	s := newSession(t)
	_, err := s.Exec(context.Background(), `INSERT INTO authors VALUES (3, 'Jemisin')`)
	require.NoError(t, err)
	for _, c := range []struct {
		name, sql string
		args      []any
		want      [][]string
	}{
		{"left join keeps the author with no books",
			`SELECT a.id, b.id FROM authors a LEFT JOIN books b ON b.author_id = a.id WHERE a.id >= 2 ORDER BY a.id, b.id`, nil,
			[][]string{{"2", "20"}, {"3", "NULL"}}},
		{"a parameter and a condition on the right side",
			`SELECT a.id, b.id FROM authors a LEFT JOIN books b ON b.author_id = a.id WHERE a.id < $1 AND b.id IS NULL ORDER BY a.id`, []any{int64(4)},
			[][]string{{"3", "NULL"}}},
		{"two joins, the table's own name",
			`SELECT authors.name, b.id, b2.id FROM authors JOIN books b ON b.author_id = authors.id JOIN books b2 ON b2.id = b.id WHERE authors.id = 1 AND authors.name <> 'x' ORDER BY b.id`, nil,
			[][]string{{"Le Guin", "10", "10"}, {"Le Guin", "11", "11"}}},
		{"an OR across both sides is not pushed",
			`SELECT a.id, b.id FROM authors a LEFT JOIN books b ON b.author_id = a.id WHERE a.id = 3 OR b.id = 10 ORDER BY a.id`, nil,
			[][]string{{"1", "10"}, {"3", "NULL"}}},
		{"a right join above keeps every book",
			`SELECT a.id, b.id FROM authors a RIGHT JOIN books b ON b.author_id = a.id AND a.id = 1 WHERE a.id IS NULL ORDER BY b.id`, nil,
			[][]string{{"NULL", "20"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, texts(t, s, c.sql, c.args...))
		})
	}
}

// Ensure the conditions an index lookup or a pushed-down scan answers
// exactly are not needed again, and the others still filter: WHERE and ON
// mixing pushed integer, text and IN conditions with a text range (pushed
// but rechecked), a NOT IN, a numeric comparison and an expression the
// engine cannot take.
func TestSession_Exec_PushedConditionsAndTheRest(t *testing.T) {
	tests := []struct {
		sql  string
		want [][]string
	}{
		{"SELECT id FROM books WHERE author_id = 1 AND price > 9.99 ORDER BY id", [][]string{}},
		{"SELECT id FROM books WHERE author_id = 1 AND id + 0 = 11", [][]string{{"11"}}},
		{"SELECT id FROM books WHERE id >= 11 AND id < 20 AND author_id IN (1, 2)", [][]string{{"11"}}},
		{"SELECT id FROM books WHERE id IN (10, 20) AND id NOT IN (20) AND author_id IS NOT NULL", [][]string{{"10"}}},
		{"SELECT id FROM authors WHERE name > 'C' AND name < 'M' AND id = 1", [][]string{{"1"}}},
		{"SELECT id FROM authors WHERE name >= 'M' AND id = 1", [][]string{}},
		{"SELECT b.id FROM authors a JOIN books b ON b.author_id = a.id AND b.id <> 10 WHERE a.id = 1", [][]string{{"11"}}},
		{"SELECT b.id FROM authors a JOIN books b ON b.author_id = a.id AND a.name = 'Butler' ORDER BY 1", [][]string{{"20"}}},
		{"SELECT a.id, b.id FROM authors a LEFT JOIN books b ON b.author_id = a.id AND b.price < 0 ORDER BY 1", [][]string{{"1", "NULL"}, {"2", "NULL"}}},
		{"SELECT a.name FROM books b JOIN authors a ON a.id = b.author_id AND a.id = b.author_id + 0 WHERE b.id = 20", [][]string{{"Butler"}}},
		{"SELECT a.id, b.id FROM authors a LEFT JOIN books b ON b.author_id = a.id WHERE a.id = 1 AND b.id > 10 ORDER BY 2", [][]string{{"1", "11"}}},
		{"SELECT a.id, b.id FROM authors a LEFT JOIN books b ON b.author_id = a.id WHERE a.id >= 1 AND a.name < 'C'", [][]string{{"2", "20"}}},
		{"SELECT a.id, b.id FROM authors a LEFT JOIN books b ON b.author_id = a.id WHERE a.id = 2 AND b.id IS NULL", [][]string{}},
		{"SELECT a.id, b.id FROM authors a JOIN books b ON b.author_id = a.id WHERE a.id IN (1, 2) AND b.id + a.id = 12 AND a.id < 2", [][]string{{"1", "11"}}},
	}
	for _, tc := range tests {
		t.Run(tc.sql, func(t *testing.T) {
			s := newSession(t)
			assert.Equal(t, tc.want, texts(t, s, tc.sql))
		})
	}
}
