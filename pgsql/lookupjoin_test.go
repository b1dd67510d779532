package pgsql_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Ensure a chain of joins that look their tables up gives the rows the
// joins one after the other give, in their order: a LEFT JOIN with no
// match fills NULLs that the joins after it look nothing up by, an INNER
// JOIN drops the row, a condition the lookup does not answer is checked
// on each candidate, and a table without an index on the joined column
// is read whole.
func TestSession_Exec_LookupJoinChain(t *testing.T) {
	s := newSession(t)
	for _, q := range []string{
		`CREATE TABLE tags (id integer PRIMARY KEY, name text)`,
		`CREATE TABLE book_tags (book_id integer REFERENCES books, tag_id integer REFERENCES tags, PRIMARY KEY (book_id, tag_id))`,
		`CREATE TABLE notes (book_id integer, body text)`, // no index on book_id
		`INSERT INTO authors VALUES (3, 'Jemisin')`,
		`INSERT INTO tags VALUES (1, 'sf'), (2, 'fantasy'), (3, 'unused')`,
		`INSERT INTO book_tags VALUES (10, 2), (10, 1), (20, 1)`,
		`INSERT INTO notes VALUES (20, 'n1'), (10, 'n2'), (20, 'n3')`,
	} {
		_, err := s.Exec(context.Background(), q)
		require.NoError(t, err, q)
	}
	for _, c := range []struct {
		name, sql string
		want      [][]string
	}{
		{"left joins, in the order of the joins",
			`SELECT a.id, b.id, t.name FROM authors a LEFT JOIN books b ON b.author_id = a.id LEFT JOIN book_tags bt ON bt.book_id = b.id LEFT JOIN tags t ON t.id = bt.tag_id`,
			[][]string{{"1", "10", "sf"}, {"1", "10", "fantasy"}, {"1", "11", "NULL"}, {"2", "20", "sf"}, {"3", "NULL", "NULL"}}},
		{"an inner join drops what the left join kept",
			`SELECT a.id, b.id, t.name FROM authors a LEFT JOIN books b ON b.author_id = a.id JOIN book_tags bt ON bt.book_id = b.id JOIN tags t ON t.id = bt.tag_id`,
			[][]string{{"1", "10", "sf"}, {"1", "10", "fantasy"}, {"2", "20", "sf"}}},
		{"a condition checked on each candidate",
			`SELECT a.id, b.id, t.name FROM authors a JOIN books b ON b.author_id = a.id LEFT JOIN book_tags bt ON bt.book_id = b.id AND bt.tag_id > 1 LEFT JOIN tags t ON t.id = bt.tag_id`,
			[][]string{{"1", "10", "fantasy"}, {"1", "11", "NULL"}, {"2", "20", "NULL"}}},
		{"a table read whole",
			`SELECT b.id, n.body FROM books b LEFT JOIN notes n ON n.book_id = b.id CROSS JOIN tags t WHERE t.id = 3`,
			[][]string{{"10", "n2"}, {"11", "NULL"}, {"20", "n1"}, {"20", "n3"}}},
		{"USING",
			`SELECT b.id, tag_id FROM books b JOIN book_tags bt ON bt.book_id = b.id JOIN tags t ON t.id = bt.tag_id JOIN book_tags bt2 USING (book_id, tag_id)`,
			[][]string{{"10", "1"}, {"10", "2"}, {"20", "1"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, texts(t, s, c.sql))
		})
	}
	// A join after one that gives no row still has its condition
	// type-checked, as PostgreSQL checks it before reading a row.
	assert.Equal(t, "ERROR 42883", outcome(t, s, `SELECT 1 FROM authors a JOIN books b ON b.author_id = a.id AND a.id < 0 JOIN tags t ON t.id = b.id AND t.name > 1`))
	assert.Equal(t, "SELECT 0", outcome(t, s, `SELECT 1 FROM authors a JOIN books b ON b.author_id = a.id AND a.id < 0 JOIN tags t ON t.id = b.id AND 1/0 = 1`))
}
