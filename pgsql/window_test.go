package pgsql_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Ensure window functions give PostgreSQL's values and types, computed
// over partitions, peers and frames, after grouping.
func TestSession_Exec_Window(t *testing.T) {
	tests := []struct {
		sql  string
		want [][]string
	}{
		{"SELECT id, row_number() OVER (ORDER BY id DESC), rank() OVER (ORDER BY author_id), dense_rank() OVER (ORDER BY author_id) FROM books ORDER BY id",
			[][]string{{"10", "3", "1", "1"}, {"11", "2", "1", "1"}, {"20", "1", "3", "2"}}},
		{"SELECT id, percent_rank() OVER (ORDER BY author_id), cume_dist() OVER (ORDER BY author_id) FROM books ORDER BY id",
			[][]string{{"10", "0", "0.6666666666666666"}, {"11", "0", "0.6666666666666666"}, {"20", "1", "1"}}},
		{"SELECT id, ntile(2) OVER (ORDER BY id), ntile(NULL) OVER () FROM books ORDER BY id",
			[][]string{{"10", "1", "NULL"}, {"11", "1", "NULL"}, {"20", "2", "NULL"}}},
		{"SELECT id, lag(id) OVER w, lead(id, 1, 0) OVER w, lag(id, -1) OVER w FROM books WINDOW w AS (ORDER BY id) ORDER BY id",
			[][]string{{"10", "NULL", "11", "11"}, {"11", "10", "20", "20"}, {"20", "11", "0", "NULL"}}},
		{"SELECT id, first_value(id) OVER w, last_value(id) OVER w, nth_value(id, 2) OVER w FROM books WINDOW w AS (PARTITION BY author_id ORDER BY id) ORDER BY id",
			[][]string{{"10", "10", "10", "NULL"}, {"11", "10", "11", "11"}, {"20", "20", "20", "NULL"}}},
		{"SELECT id, sum(id) OVER (PARTITION BY author_id), count(*) OVER (ORDER BY author_id), sum(id) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM books ORDER BY id",
			[][]string{{"10", "21", "2", "10"}, {"11", "21", "2", "21"}, {"20", "20", "3", "31"}}},
		{"SELECT id, avg(price) OVER (), string_agg(id::text, ',') OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) FROM books ORDER BY id",
			[][]string{{"10", "9.9900000000000000", "10,11,20"}, {"11", "9.9900000000000000", "11,20"}, {"20", "9.9900000000000000", "20"}}},
		{"SELECT author_id, count(*), rank() OVER (ORDER BY count(*) DESC), sum(count(*)) OVER () FROM books GROUP BY author_id ORDER BY 1",
			[][]string{{"1", "2", "1", "3"}, {"2", "1", "2", "3"}}},
		{"SELECT id FROM books ORDER BY row_number() OVER (ORDER BY id DESC)", [][]string{{"20"}, {"11"}, {"10"}}},
		{"SELECT count(*) OVER (), rank() OVER (ORDER BY id) FROM books WHERE false", [][]string{}},
		{"SELECT row_number() OVER ()", [][]string{{"1"}}},
		{"SELECT author_id, first_value(sum(price)) OVER w FROM books WHERE false GROUP BY author_id WINDOW w AS (ORDER BY count(*))", [][]string{}},
	}
	for _, tc := range tests {
		t.Run(tc.sql, func(t *testing.T) {
			s := newSession(t)
			assert.Equal(t, tc.want, texts(t, s, tc.sql))
		})
	}
}

// Ensure window functions where PostgreSQL refuses them, and the
// constructs reldb does not compute, fail with PostgreSQL's SQLSTATE.
func TestSession_Exec_WindowErrors(t *testing.T) {
	tests := []struct{ sql, want string }{
		{"SELECT id FROM books WHERE rank() OVER () > 1", "ERROR 42P20"},
		{"SELECT author_id FROM books GROUP BY rank() OVER ()", "ERROR 42P20"},
		{"SELECT author_id FROM books GROUP BY 1 HAVING rank() OVER () > 1", "ERROR 42P20"},
		{"SELECT 1 FROM books a JOIN books b ON rank() OVER () > 0", "ERROR 42P20"},
		{"SELECT sum(rank() OVER ()) OVER () FROM books", "ERROR 42P20"},
		{"SELECT rank() OVER (ORDER BY rank() OVER ()) FROM books", "ERROR 42P20"},
		{"SELECT sum(rank() OVER ()) FROM books", "ERROR 42803"},
		{"SELECT author_id, sum(id) OVER () FROM books GROUP BY author_id", "ERROR 42803"},
		{"SELECT rank() FROM books", "ERROR 42809"},
		{"SELECT upper('a') OVER () FROM books", "ERROR 42809"},
		{"SELECT row_number(1) OVER () FROM books", "ERROR 42883"},
		{"SELECT ntile(0) OVER () FROM books", "ERROR 22014"},
		{"SELECT nth_value(id, 0) OVER () FROM books", "ERROR 22016"},
		{"SELECT lag(id, 1::bigint) OVER () FROM books", "ERROR 42883"},
		{"SELECT sum(id) OVER (ROWS BETWEEN -1 PRECEDING AND CURRENT ROW) FROM books", "ERROR 22013"},
		{"SELECT sum(id) OVER (ROWS BETWEEN CURRENT ROW AND NULL FOLLOWING) FROM books", "ERROR 22004"},
		{"SELECT sum(id) OVER (ROWS BETWEEN id PRECEDING AND CURRENT ROW) FROM books", "ERROR 42P10"},
		{"SELECT sum(id) OVER (ROWS BETWEEN CURRENT ROW AND UNBOUNDED PRECEDING) FROM books", "ERROR 42P20"},
		{"SELECT sum(id) OVER w FROM books", "ERROR 42704"},
		{"SELECT sum(id) OVER w FROM books WINDOW w AS (), w AS ()", "ERROR 42P20"},
		{"SELECT sum(id) OVER (w ORDER BY id) FROM books WINDOW w AS (ORDER BY author_id)", "ERROR 42P20"},
		{"SELECT sum(id) OVER (w PARTITION BY id) FROM books WINDOW w AS ()", "ERROR 42P20"},
		{"SELECT sum(id) OVER (w) FROM books WINDOW w AS (ROWS CURRENT ROW)", "ERROR 42P20"},
		{"SELECT count(DISTINCT id) OVER () FROM books", "ERROR 0A000"},
		{"SELECT rank() OVER (ORDER BY id) FROM books FOR UPDATE", "ERROR 0A000"},
		{"SELECT sum(id) OVER (ORDER BY id GROUPS CURRENT ROW) FROM books", "ERROR 0A000"},
		{"SELECT sum(id) OVER (ORDER BY id RANGE 1 PRECEDING) FROM books", "ERROR 0A000"},
		{"SELECT sum(id) OVER (ROWS CURRENT ROW EXCLUDE CURRENT ROW) FROM books", "ERROR 0A000"},
		{"UPDATE books SET price = rank() OVER ()", "ERROR 0A000"},
	}
	for _, tc := range tests {
		t.Run(tc.sql, func(t *testing.T) {
			s := newSession(t)
			assert.Equal(t, tc.want, outcome(t, s, tc.sql))
		})
	}
}

// Ensure a parameter may give a frame's offset.
func TestSession_Exec_WindowFrameParam(t *testing.T) {
	s := newSession(t)
	sql := "SELECT id, sum(id) OVER (ORDER BY id ROWS BETWEEN $1 PRECEDING AND CURRENT ROW) FROM books ORDER BY id"
	assert.Equal(t, [][]string{{"10", "10"}, {"11", "21"}, {"20", "31"}}, texts(t, s, sql, int64(1)))
	assert.Equal(t, [][]string{{"10", "10"}, {"11", "21"}, {"20", "41"}}, texts(t, s, sql, "5"))
	assert.Equal(t, "ERROR 22013", outcome(t, s, sql, int64(-1)))
}

// Ensure a prepared statement types a frame offset's parameter as bigint.
func TestSession_Prepare_WindowFrameParam(t *testing.T) {
	s := newSession(t)
	p, err := s.Prepare(context.Background(), "SELECT id, rank() OVER w, sum(id) OVER (w ROWS BETWEEN $1 PRECEDING AND CURRENT ROW) FROM books WINDOW w AS (ORDER BY id)", nil)
	require.NoError(t, err)
	assert.Equal(t, []uint32{20}, p.ParamOIDs())
	assert.Equal(t, "rank", p.Columns()[1].Name)
}
