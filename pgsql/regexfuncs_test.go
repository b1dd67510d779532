package pgsql_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Ensure the regular-expression functions give PostgreSQL's values,
// counting characters rather than bytes (values recorded with psql on
// PostgreSQL 15).
func TestSession_Exec_RegexFunctions(t *testing.T) {
	tests := []struct {
		sql  string
		want []string
	}{
		{`SELECT regexp_replace('héllo wörld', '[öé]', '_', 'g'), regexp_instr('héllo wörld', 'w'), regexp_instr('héllo wörld', 'ö', 1, 1, 1)`, []string{"h_llo w_rld", "7", "9"}},
		{`SELECT regexp_replace('abc', '(?i)B', '[\&]'), regexp_replace('aaa', '^a', 'x', 'g'), regexp_replace('a\nb', 'a.b', 'x')`, []string{"a[b]c", "xaa", "a\\nb"}},
		{`SELECT regexp_count('ébébé', 'é', 2), regexp_substr('ébébé', 'b.', 1, 2), regexp_like('ABC', '^abc$', 'i')`, []string{"2", "bé", "t"}},
		{`SELECT array_to_string(regexp_split_to_array('a1b2c3', '\d'), '|'), array_to_string(regexp_match('key=value', '(\w+)=(\w+)'), ',')`, []string{"a|b|c|", "key,value"}},
		{`SELECT substring('Thomas' FROM '...$'), substring('Thomas' FROM '^(.)'), substring('Thomas' SIMILAR '%#"o_a#"_' ESCAPE '#')`, []string{"mas", "T", "oma"}},
		{`SELECT 'Thomas' SIMILAR TO '%(b|m)%', 'Thomas' NOT SIMILAR TO 'T%', 'x' ~ '^(x|y)$'`, []string{"t", "f", "t"}},
	}
	for _, tc := range tests {
		t.Run(tc.sql, func(t *testing.T) {
			s := newSession(t)
			assert.Equal(t, [][]string{tc.want}, texts(t, s, tc.sql))
		})
	}
	s := newSession(t)
	for sql, want := range map[string]string{
		`SELECT 'ab' ~ 'a*?b+'`:                                    "ERROR 0A000", // mixed greediness, unanchored
		`SELECT 'ab' ~ '^a*?b+$'`:                                  "SELECT 1",    // anchored at both ends
		`SELECT regexp_replace('aa', '(a)\1', 'x')`:                "ERROR 0A000",
		`SELECT id, regexp_matches(name, 'e', 'g') FROM authors`:   "SELECT 2", // one row per match (Le Guin, Butler)
		`SELECT regexp_match('a', '(')`:                            "ERROR 2201B",
		`SELECT regexp_match('a', 'a', 'b')`:                       "ERROR 0A000",
		`SELECT regexp_replace('a', 'a', 'b', 'y')`:                "ERROR 22023",
		`SELECT regexp_substr('a', 'a', 1, 1, 'g')`:                "ERROR 22023",
		`SELECT 'a' SIMILAR TO 'a' ESCAPE 'xy'`:                    "ERROR 22025",
		`SELECT regexp_split_to_array(ARRAY['a'], 'a')`:            "ERROR 42883",
		`SELECT * FROM regexp_split_to_table('a b', ' ', 'g')`:     "ERROR 22023",
		`SELECT * FROM regexp_matches('ab', '(a)(x)?') AS m(g)`:    "SELECT 1",
		`SELECT regexp_replace('x', 'x', 'y', 1, 1, 'q')`:          "SELECT 1",
		`SELECT similar_to_escape('a%', NULL) IS NULL`:             "SELECT 1",
		`SELECT name FROM authors WHERE name SIMILAR TO '%(Guin)'`: "SELECT 1",
	} {
		assert.Equal(t, want, outcome(t, s, sql), sql)
	}
}
