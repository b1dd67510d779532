package pgsql_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Ensure CASE, GREATEST / LEAST, LIKE / ILIKE and BETWEEN SYMMETRIC give
// PostgreSQL's values and errors.
func TestSession_Exec_Conditionals(t *testing.T) {
	tests := []struct {
		sql  string
		want []string
	}{
		{"SELECT CASE WHEN 1 > 2 THEN 'a' WHEN NULL THEN 'b' ELSE 'c' END, CASE 2 WHEN 1 THEN 'x' END, CASE WHEN true THEN 1 ELSE 2.5 END", []string{"c", "NULL", "1"}},
		{"SELECT CASE WHEN true THEN 0 ELSE 1 / 0 END", []string{"0"}},
		{"SELECT GREATEST(1, NULL, 2.5), LEAST('b', 'a'), GREATEST(NULL::int, NULL)", []string{"2.5", "a", "NULL"}},
		{"SELECT 'abc' LIKE 'a%', 'abc' LIKE '_b', 'ABC' ILIKE 'a_c', 'a%' LIKE 'a\\%', '5%' LIKE '5!%' ESCAPE '!', NULL LIKE 'a'", []string{"t", "f", "t", "t", "t", "NULL"}},
		{"SELECT 5 BETWEEN SYMMETRIC 10 AND 1, 5 NOT BETWEEN SYMMETRIC 1 AND 4", []string{"t", "t"}},
	}
	for _, tc := range tests {
		t.Run(tc.sql, func(t *testing.T) {
			s := newSession(t)
			assert.Equal(t, [][]string{tc.want}, texts(t, s, tc.sql))
		})
	}
	s := newSession(t)
	assert.Equal(t, "ERROR 22025", outcome(t, s, "SELECT 'a' LIKE 'a\\'"))
	assert.Equal(t, "ERROR 42804", outcome(t, s, "SELECT CASE WHEN true THEN 1 ELSE true END"))
	assert.Equal(t, "ERROR 42804", outcome(t, s, "SELECT GREATEST(1, 'a'::text)"))
}

// Ensure COALESCE does not fail on an argument past its first non-NULL
// one, nor CASE on a branch it does not take, which PostgreSQL does not
// evaluate; and that an arithmetic argument's type still counts: the
// column is bigint here, as when no row is read.
func TestSession_Exec_UnevaluatedBranches(t *testing.T) {
	s := newSession(t)
	for _, sql := range []string{
		"SELECT COALESCE(x, 1 % y) FROM (VALUES (1, 0::bigint)) AS v (x, y)",
		"SELECT CASE WHEN x > 0 THEN x ELSE 1 % y END FROM (VALUES (1, 0::bigint)) AS v (x, y)",
	} {
		res, err := s.Exec(context.Background(), sql)
		require.NoError(t, err, sql)
		assert.Equal(t, "int8", res.Columns[0].TypeName(), sql)
		assert.Equal(t, [][]string{{"1"}}, texts(t, s, sql))
	}
	// A failure elsewhere reports a part's type, which does not count.
	assert.Equal(t, [][]string{{"x", "x"}}, texts(t, s, "SELECT COALESCE('x', upper(substr('abc', 1 / 0))), CASE WHEN true THEN 'x' ELSE upper(substr('abc', 1 / 0)) END"))
	assert.Equal(t, "ERROR 22012", outcome(t, s, "SELECT COALESCE(NULL, 1 / 0)"))
}

// Ensure LIKE / ILIKE with ANY and ALL, over arrays, subqueries and text[]
// parameters, give PostgreSQL's three-valued answers and errors.
func TestSession_Exec_LikeQuantified(t *testing.T) {
	tests := []struct {
		sql  string
		args []any
		want []string
	}{
		{"SELECT 'abc' LIKE ANY (ARRAY['x', 'a%']), 'abc' LIKE ALL (ARRAY['a%', '%c']), 'abc' LIKE ALL (ARRAY['a%', 'x'])", nil, []string{"t", "t", "f"}},
		{"SELECT 'ABC' ILIKE ANY (ARRAY['a%']), 'abc' NOT LIKE ANY (ARRAY['a%', 'b']), 'abc' NOT ILIKE ALL (ARRAY['A%'])", nil, []string{"t", "t", "f"}},
		{"SELECT 'a' LIKE ANY (ARRAY['b', NULL]), 'a' LIKE ANY (ARRAY['a', NULL]), 'a' LIKE ALL (ARRAY['a', NULL]), NULL LIKE ANY (ARRAY['a']), 'a' LIKE ANY (NULL::text[])", nil, []string{"NULL", "t", "NULL", "NULL", "NULL"}},
		{"SELECT 'a' LIKE ANY (ARRAY[]::text[]), 'a' LIKE ALL (ARRAY[]::text[]), 'a' LIKE ANY ('{b,a}')", nil, []string{"f", "t", "t"}},
		{"SELECT 'abc' LIKE ANY (SELECT 'x' UNION ALL SELECT 'a%'), 'a' ~~ 'a', 'A' ~~* 'a', 'a' !~~ 'b', 'a' !~~* 'A'", nil, []string{"t", "t", "t", "t", "f"}},
		{"SELECT name FROM authors WHERE name LIKE ANY ($1) ORDER BY id", []any{[]any{"Le%", "x"}}, []string{"Le Guin"}},
		{"SELECT count(*) FROM authors WHERE name ILIKE ANY ($1::text[])", []any{"{%guin,%BUT%}"}, []string{"2"}},
		{"SELECT count(*) FROM authors WHERE name NOT LIKE ALL ($1)", []any{[]any{"L%", "B%"}}, []string{"0"}},
	}
	for _, tc := range tests {
		t.Run(tc.sql, func(t *testing.T) {
			s := newSession(t)
			assert.Equal(t, [][]string{tc.want}, texts(t, s, tc.sql, tc.args...))
		})
	}
	s := newSession(t)
	assert.Equal(t, "ERROR 42883", outcome(t, s, "SELECT 1 LIKE ANY (ARRAY['1'])"))
	assert.Equal(t, "ERROR 42883", outcome(t, s, "SELECT 'a' LIKE ANY (ARRAY[1])"))
	assert.Equal(t, "ERROR 22025", outcome(t, s, "SELECT 'abc' LIKE ANY (ARRAY['ab\\'])"))
}
