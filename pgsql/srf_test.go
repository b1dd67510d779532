package pgsql_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/pgsql"
)

// Ensure functions in FROM (generate_series, unnest, WITH ORDINALITY, a
// scalar function as one row) give PostgreSQL's rows, column names and
// errors.
func TestSession_Exec_FunctionsInFrom(t *testing.T) {
	tests := []struct {
		sql  string
		want [][]string
	}{
		{"SELECT * FROM generate_series(1, 3)", [][]string{{"1"}, {"2"}, {"3"}}},
		{"SELECT s, s * 2 FROM generate_series(10, 1, -4) AS s", [][]string{{"10", "20"}, {"6", "12"}, {"2", "4"}}},
		{"SELECT * FROM generate_series(1, NULL)", [][]string{}},
		{"SELECT * FROM generate_series(3, 1)", [][]string{}},
		{"SELECT * FROM generate_series(2, 4) WITH ORDINALITY", [][]string{{"2", "1"}, {"3", "2"}, {"4", "3"}}},
		{"SELECT x, n FROM unnest(ARRAY['b', 'a', NULL]) WITH ORDINALITY AS u(x, n) ORDER BY n", [][]string{{"b", "1"}, {"a", "2"}, {"NULL", "3"}}},
		{"SELECT b.id, s FROM books b, generate_series(1, 2) s WHERE b.author_id = 2 ORDER BY 2", [][]string{{"20", "1"}, {"20", "2"}}},
		{"SELECT a.name, (SELECT count(*) FROM generate_series(1, a.id)) FROM authors a ORDER BY 1", [][]string{{"Butler", "2"}, {"Le Guin", "1"}}},
		{"SELECT * FROM lower('ABC') AS f", [][]string{{"abc"}}},
		{"SELECT generate_series(1, 2)", [][]string{{"1"}, {"2"}}},
		{"SELECT * FROM pg_partition_ancestors('books')", [][]string{}},
		{"SELECT id FROM authors WHERE id IN (SELECT pg_partition_ancestors('books') UNION ALL VALUES (1))", [][]string{{"1"}}},
		{"SELECT s FROM generate_series(0, array_upper('{7,8}'::int2[], 1)) s", [][]string{{"0"}, {"1"}, {"2"}}},
	}
	for _, tc := range tests {
		t.Run(tc.sql, func(t *testing.T) {
			s := newSession(t)
			assert.Equal(t, tc.want, texts(t, s, tc.sql))
		})
	}
	s := newSession(t)
	assert.Equal(t, []string{"generate_series", "ordinality"}, columnNames(t, s, "SELECT * FROM generate_series(1, 2) WITH ORDINALITY"))
	assert.Equal(t, []string{"s", "ordinality"}, columnNames(t, s, "SELECT * FROM generate_series(1, 2) WITH ORDINALITY s"))
	assert.Equal(t, []string{"relid"}, columnNames(t, s, "SELECT * FROM pg_partition_ancestors('books') p"))
	assert.Equal(t, "ERROR 22023", outcome(t, s, "SELECT * FROM generate_series(1, 3, 0)"))
	assert.Equal(t, "ERROR 42725", outcome(t, s, "SELECT * FROM unnest('{1,2}')"))
	assert.Equal(t, "ERROR 42P10", outcome(t, s, "SELECT * FROM generate_series(1, 2) AS g(a, b)"))
	assert.Equal(t, "ERROR 42P01", outcome(t, s, "SELECT * FROM pg_partition_ancestors('nosuch')"))
	assert.Equal(t, "ERROR 0A000", outcome(t, s, "SELECT * FROM generate_series(1.5, 3)"), "numeric series are not supported")
	assert.Equal(t, texts(t, s, "SELECT b.id, g FROM books b, generate_series(1, 2) AS g ORDER BY 1, 2"),
		texts(t, s, "SELECT id, generate_series(1, 2) FROM books ORDER BY 1, 2"), "a set-returning function beside other targets: each row twice")
	// A function naming an earlier item's column is read per row of it
	// (LATERAL): book b gives b.id rows.
	assert.Equal(t, texts(t, s, "SELECT sum(id) FROM books"), texts(t, s, "SELECT count(*) FROM books b, LATERAL generate_series(1, b.id)"))
	assert.Equal(t, texts(t, s, "SELECT sum(id) FROM books"), texts(t, s, "SELECT count(*) FROM books b, generate_series(1, b.id)"))
}

// Ensure ARRAY(subquery), ARRAY[...], subscripts, ||, comparison, casts
// and the array functions give PostgreSQL's values.
func TestSession_Exec_ArrayValues(t *testing.T) {
	tests := []struct {
		sql  string
		want [][]string
	}{
		{"SELECT ARRAY(SELECT name FROM authors ORDER BY name)", [][]string{{`{Butler,"Le Guin"}`}}},
		{"SELECT ARRAY(SELECT id FROM books WHERE false)", [][]string{{"{}"}}},
		{"SELECT a.name, ARRAY(SELECT b.id FROM books b WHERE b.author_id = a.id ORDER BY 1) FROM authors a ORDER BY 1", [][]string{{"Butler", "{20}"}, {"Le Guin", "{10,11}"}}},
		{"SELECT (ARRAY(SELECT id FROM books ORDER BY id))[2], (ARRAY[5, 6])[0], (ARRAY[5, 6])[3], (ARRAY[5, 6])[NULL]", [][]string{{"11", "NULL", "NULL", "NULL"}}},
		{"SELECT array_to_string(ARRAY['a', NULL, 'c'], ','), array_to_string(ARRAY['a', NULL, 'c'], ',', '*'), array_to_string(ARRAY(SELECT id FROM books ORDER BY 1), ', ')", [][]string{{"a,c", "a,*,c", "10, 11, 20"}}},
		{"SELECT array_upper(ARRAY[1, 2, 3], 1), array_lower(ARRAY[1, 2, 3], 1), array_upper(ARRAY[1], 2), array_length(ARRAY(SELECT 1 WHERE false), 1), cardinality(ARRAY[4, 5])", [][]string{{"3", "1", "NULL", "NULL", "2"}}},
		{"SELECT NULL::text[] || ARRAY['a'], ARRAY[1] || 2, 0 || ARRAY[1], ARRAY[1, 2] || ARRAY[3]", [][]string{{"{a}", "{1,2}", "{0,1}", "{1,2,3}"}}},
		{"SELECT ARRAY[1, 2] = '{1,2}', ARRAY[1, 2] < ARRAY[1, 3], ARRAY[1] < ARRAY[1, 0], '{1,2}'::int[]", [][]string{{"t", "t", "t", "{1,2}"}}},
		{"SELECT indkey[0], indkey[1] FROM pg_index WHERE indexrelid = 'books_pkey'::regclass", [][]string{{"1", "NULL"}}},
	}
	for _, tc := range tests {
		t.Run(tc.sql, func(t *testing.T) {
			s := newSession(t)
			assert.Equal(t, tc.want, texts(t, s, tc.sql))
		})
	}
	s := newSession(t)
	assert.Equal(t, []string{"array", "indkey"}, columnNames(t, s, "SELECT ARRAY(SELECT 1), indkey[0] FROM pg_index LIMIT 1"))
	assert.Equal(t, "ERROR 42601", outcome(t, s, "SELECT ARRAY(SELECT id, name FROM authors)"))
	assert.Equal(t, "ERROR 42804", outcome(t, s, "SELECT (id)[1] FROM books"))
	assert.Equal(t, "ERROR 0A000", outcome(t, s, "SELECT (ARRAY[1, 2])[1:2]"))
}

// columnNames runs sql and returns its result's column names.
func columnNames(t *testing.T, s *pgsql.Session, sql string) []string {
	t.Helper()
	res, err := s.Exec(context.Background(), sql)
	require.NoError(t, err)
	var out []string
	for _, c := range res.Columns {
		out = append(out, c.Name)
	}
	return out
}
