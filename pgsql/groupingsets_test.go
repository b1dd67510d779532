package pgsql_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Ensure GROUPING SETS, ROLLUP and CUBE give each set's groups, with NULL
// for the keys outside the set, and GROUPING's bits.
func TestSession_Exec_GroupingSets(t *testing.T) {
	tests := []struct {
		sql  string
		want [][]string
	}{
		{"SELECT author_id, count(*), grouping(author_id) FROM books GROUP BY ROLLUP (author_id) ORDER BY 1", [][]string{{"1", "2", "0"}, {"2", "1", "0"}, {"NULL", "3", "1"}}},
		{"SELECT author_id, id, count(*) FROM books GROUP BY CUBE (author_id, id) HAVING grouping(author_id, id) = 2 ORDER BY 2", [][]string{{"NULL", "10", "1"}, {"NULL", "11", "1"}, {"NULL", "20", "1"}}},
		{"SELECT author_id + 1 AS k, count(*) FROM books GROUP BY GROUPING SETS ((author_id + 1), ()) ORDER BY 1", [][]string{{"2", "2"}, {"3", "1"}, {"NULL", "3"}}},
		{"SELECT count(*) FROM books WHERE false GROUP BY GROUPING SETS ((), author_id)", [][]string{{"0"}}},
		{"SELECT author_id, count(*) FROM books GROUP BY DISTINCT ROLLUP (author_id), ROLLUP (author_id) ORDER BY 1", [][]string{{"1", "2"}, {"2", "1"}, {"NULL", "3"}}},
		{"SELECT author_id, percentile_disc(0.5) WITHIN GROUP (ORDER BY id) FROM books GROUP BY ROLLUP (author_id) ORDER BY 1", [][]string{{"1", "10"}, {"2", "20"}, {"NULL", "11"}}},
	}
	for _, tc := range tests {
		t.Run(tc.sql, func(t *testing.T) {
			s := newSession(t)
			assert.Equal(t, tc.want, texts(t, s, tc.sql))
		})
	}
	s := newSession(t)
	assert.Equal(t, "ERROR 42803", outcome(t, s, "SELECT author_id, id FROM books GROUP BY ROLLUP (author_id)"))
	assert.Equal(t, "ERROR 42803", outcome(t, s, "SELECT grouping(id) FROM books GROUP BY author_id"))
	assert.Equal(t, "ERROR 42803", outcome(t, s, "SELECT author_id FROM books GROUP BY ROLLUP (author_id, count(*))"))
	assert.Equal(t, "ERROR 0A000", outcome(t, s, "SELECT (SELECT grouping(b.author_id) FROM authors LIMIT 1) FROM books b GROUP BY ROLLUP (b.author_id)"))
	_, err := s.Exec(context.Background(), "SELECT id FROM books WHERE grouping(id) = 0 GROUP BY id")
	assert.ErrorContains(t, err, "grouping operations are not allowed in WHERE")
}
