package pgsql_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Ensure the ordered-set and hypothetical-set aggregates give
// PostgreSQL's values, and its errors for misuse.
func TestSession_Exec_OrderedSetAggregates(t *testing.T) {
	tests := []struct {
		sql  string
		want [][]string
	}{
		{"SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY id), percentile_disc(0.5) WITHIN GROUP (ORDER BY id), mode() WITHIN GROUP (ORDER BY author_id) FROM books", [][]string{{"11", "11", "1"}}},
		{"SELECT percentile_cont(0.25) WITHIN GROUP (ORDER BY id DESC) FROM books", [][]string{{"15.5"}}},
		{"SELECT percentile_disc(array[0, 1]) WITHIN GROUP (ORDER BY name) FROM authors", [][]string{{"{Butler,\"Le Guin\"}"}}},
		{"SELECT author_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY id) FILTER (WHERE id > 10) FROM books GROUP BY author_id ORDER BY 1", [][]string{{"1", "11"}, {"2", "20"}}},
		{"SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM (VALUES ('1 day'::interval), ('2 days')) t(x)", [][]string{{"1 day 12:00:00"}}},
		{"SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY id) FROM books WHERE false", [][]string{{"NULL"}}},
		{"SELECT rank(11) WITHIN GROUP (ORDER BY id), dense_rank(11) WITHIN GROUP (ORDER BY id), percent_rank(11) WITHIN GROUP (ORDER BY id), cume_dist(11) WITHIN GROUP (ORDER BY id) FROM books", [][]string{{"2", "2", "0.3333333333333333", "0.75"}}},
	}
	for _, tc := range tests {
		t.Run(tc.sql, func(t *testing.T) {
			s := newSession(t)
			assert.Equal(t, tc.want, texts(t, s, tc.sql))
		})
	}
	s := newSession(t)
	assert.Equal(t, "ERROR 22003", outcome(t, s, "SELECT percentile_cont(1.5) WITHIN GROUP (ORDER BY id) FROM books"))
	assert.Equal(t, "ERROR 42883", outcome(t, s, "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY name) FROM authors"))
	assert.Equal(t, "ERROR 42809", outcome(t, s, "SELECT percentile_disc(0.5, id) FROM books"))
	assert.Equal(t, "ERROR 42809", outcome(t, s, "SELECT string_agg(',') WITHIN GROUP (ORDER BY name) FROM authors"))
	assert.Equal(t, "ERROR 0A000", outcome(t, s, "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY id) OVER () FROM books"))
	assert.Equal(t, "ERROR 42803", outcome(t, s, "SELECT percentile_cont(id / 100.0) WITHIN GROUP (ORDER BY id) FROM books"))
	assert.Equal(t, "ERROR 42804", outcome(t, s, "SELECT mode() WITHIN GROUP (ORDER BY 'x') FROM books"))
	assert.Equal(t, "ERROR 42601", outcome(t, s, "SELECT percentile_cont(DISTINCT 0.5) WITHIN GROUP (ORDER BY id) FROM books"))
}
