package pgsql_test

import (
	"context"
	"fmt"
	"strconv"
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

// Ensure joins whose outer rows repeat the keys they look up (many rows
// of one parent), or repeat them seldom, past the point where a lookup
// decides whether to remember its keys' rows, give every row its own
// match: by primary key and by index, with NULL keys and keys that
// match nothing among them.
func TestSession_Exec_LookupJoinRepeatedKeys(t *testing.T) {
	s := newSession(t)
	ctx := context.Background()
	for _, q := range []string{
		`CREATE TABLE parents (id integer PRIMARY KEY, v text)`,
		`CREATE TABLE kids (id integer PRIMARY KEY, parent_id integer, k integer)`,
		`CREATE INDEX kids_k ON kids (k)`,
		`INSERT INTO parents VALUES (0, 'p0'), (1, 'p1'), (2, 'p2')`,
	} {
		_, err := s.Exec(ctx, q)
		require.NoError(t, err, q)
	}
	const n = 2500
	for i := range n {
		// parent_id 0, 1, 2 repeat; 3 matches nothing; every 7th is NULL.
		var parent any = int64(i % 4)
		if i%7 == 0 {
			parent = nil
		}
		_, err := s.Exec(ctx, `INSERT INTO kids VALUES ($1, $2, $3)`, int64(i), parent, int64(i/2))
		require.NoError(t, err)
	}
	rows := texts(t, s, `SELECT k.id, p.v FROM kids k LEFT JOIN parents p ON p.id = k.parent_id ORDER BY k.id`)
	require.Len(t, rows, n)
	for i, r := range rows {
		want := fmt.Sprintf("p%d", i%4)
		if i%7 == 0 || i%4 == 3 {
			want = "NULL"
		}
		require.Equal(t, []string{strconv.Itoa(i), want}, r)
	}
	// The same as a simple join (simplejoin.go), which an ORM's eager
	// load sends: its inner join drops the kids without a parent.
	ids := make([]any, n)
	for i := range ids {
		ids[i] = int64(i)
	}
	rows = texts(t, s, `SELECT k.id, p.v FROM kids k JOIN parents p ON p.id = k.parent_id WHERE k.id = ANY($1)`, ids)
	var want [][]string
	for i := range n {
		if i%7 != 0 && i%4 != 3 {
			want = append(want, []string{strconv.Itoa(i), fmt.Sprintf("p%d", i%4)})
		}
	}
	require.Equal(t, want, rows)
	// Each kid's k is shared with one other kid: keys repeat seldom.
	rows = texts(t, s, `SELECT a.id, b.id FROM kids a JOIN kids b ON b.k = a.k AND b.id <> a.id ORDER BY a.id`)
	require.Len(t, rows, n)
	for i, r := range rows {
		require.Equal(t, []string{strconv.Itoa(i), strconv.Itoa(i ^ 1)}, r)
	}
	// Keys that never repeat, by primary key.
	assert.Equal(t, [][]string{{"2500", "2500"}}, texts(t, s, `SELECT count(*), count(CASE WHEN b.k = a.k THEN 1 END) FROM kids a JOIN kids b ON b.id = a.id`))
	// Keys that repeat, looked up through an index: the 2142 kids with a
	// parent_id (0-3) each meet the two kids whose k is that id.
	assert.Equal(t, [][]string{{"4284", "4284"}}, texts(t, s, `SELECT count(*), sum(CASE WHEN b.k = a.parent_id AND b.id / 2 = a.parent_id THEN 1 END) FROM kids a JOIN kids b ON b.k = a.parent_id`))
}
