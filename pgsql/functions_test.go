package pgsql_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql"
)

// Ensure the numeric and string functions give PostgreSQL's values,
// types and errors.
func TestSession_Exec_Functions(t *testing.T) {
	tests := []struct {
		sql  string
		want []string
	}{
		{"SELECT round(2.5), round(-2.5), round(3.14159, 2), round(1234.5, -2), round(2.5::float8), trunc(-2.7)", []string{"3", "-3", "3.14", "1200", "2", "-2"}},
		{"SELECT floor(-2.7), ceil(2.1), ceiling(5), mod(-17, 5), mod(17.5, 5)", []string{"-3", "3", "5", "-2", "2.5"}},
		{"SELECT substr('hello', 2, 3), substr('hello', -2, 4), substr('hello', 9), substring('hello' FROM 2)", []string{"ell", "h", "", "ello"}},
		{"SELECT trim('  a  '), ltrim('xxa', 'x'), rtrim('axx', 'x'), trim(both 'x' from 'xxhixx')", []string{"a", "a", "a", "hi"}},
		{"SELECT replace('a b', ' ', '_'), replace('ab', '', 'x'), concat(1, NULL, 2.50, true), concat_ws(', ', 'a', NULL, 3)", []string{"a_b", "ab", "12.50t", "a, 3"}},
		{"SELECT round(NULL::numeric), substr(NULL, 1), concat_ws(NULL, 'a')", []string{"NULL", "NULL", "NULL"}},
	}
	for _, tc := range tests {
		t.Run(tc.sql, func(t *testing.T) {
			s := newSession(t)
			assert.Equal(t, [][]string{tc.want}, texts(t, s, tc.sql))
		})
	}
	s := newSession(t)
	assert.Equal(t, "ERROR 22011", outcome(t, s, "SELECT substr('abc', 1, -1)"))
	assert.Equal(t, "ERROR 22012", outcome(t, s, "SELECT mod(5, 0)"))
	assert.Equal(t, "ERROR 0A000", outcome(t, s, "SELECT timeofday()"))
}

// Ensure sessions rounding numerics at once do not share a decimal
// context: round and trunc each use their own rounding mode (run with
// -race; they once wrote one context shared by every session).
func TestSession_Exec_RoundingConcurrent(t *testing.T) {
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	var wg sync.WaitGroup
	for _, q := range []struct{ sql, want string }{
		{"SELECT round(2.5::numeric), round(-2.5::numeric)", "3|-3"},
		{"SELECT trunc(2.5::numeric), trunc(-2.5::numeric)", "2|-2"},
	} {
		s := pgsql.NewSession(db)
		wg.Go(func() {
			for range 200 {
				res, err := s.Exec(context.Background(), q.sql)
				if !assert.NoError(t, err) {
					return
				}
				a, _ := res.Columns[0].Format(res.Rows[0][0])
				b, _ := res.Columns[1].Format(res.Rows[0][1])
				assert.Equal(t, q.want, a+"|"+b)
			}
		})
	}
	wg.Wait()
}
