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

// execSeq runs statements in s, requiring each to succeed.
func execSeq(t *testing.T, s *pgsql.Session, stmts ...string) {
	t.Helper()
	for _, stmt := range stmts {
		_, err := s.Exec(context.Background(), stmt)
		require.NoError(t, err, stmt)
	}
}

// oneInt returns the single bigint a query returns.
func oneInt(t *testing.T, s *pgsql.Session, query string) int64 {
	t.Helper()
	res, err := s.Exec(context.Background(), query)
	require.NoError(t, err, query)
	require.Len(t, res.Rows, 1, query)
	v, ok := res.Rows[0][0].(int64)
	require.True(t, ok, "%s returned %T", query, res.Rows[0][0])
	return v
}

// Ensure nextval's values are not given back when the transaction that
// drew them rolls back, while CREATE SEQUENCE itself rolls back.
func TestSequence_Nextval_NotTransactional(t *testing.T) {
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	s := pgsql.NewSession(db)
	execSeq(t, s, "CREATE SEQUENCE s", "BEGIN")
	assert.Equal(t, int64(1), oneInt(t, s, "SELECT nextval('s')"))
	assert.Equal(t, int64(2), oneInt(t, s, "SELECT nextval('s')"))
	execSeq(t, s, "ROLLBACK")
	assert.Equal(t, int64(3), oneInt(t, s, "SELECT nextval('s')"))

	execSeq(t, s, "BEGIN", "CREATE SEQUENCE gone", "SELECT nextval('gone')", "ROLLBACK")
	assert.Equal(t, "ERROR 42P01", outcome(t, s, "SELECT nextval('gone')"))

	// ALTER SEQUENCE RESTART is transactional, as in PostgreSQL.
	execSeq(t, s, "BEGIN", "ALTER SEQUENCE s RESTART WITH 100", "ROLLBACK")
	assert.Equal(t, int64(4), oneInt(t, s, "SELECT nextval('s')"))
}

// Ensure the errors of the sequence functions carry PostgreSQL's SQLSTATEs.
func TestSequence_Functions_Errors(t *testing.T) {
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	s := pgsql.NewSession(db)
	execSeq(t, s, "CREATE SEQUENCE s MAXVALUE 2", "CREATE TABLE t (id integer PRIMARY KEY)", "CREATE TABLE k (id serial PRIMARY KEY)")
	tests := []struct{ sql, code string }{
		{"SELECT currval('s')", "55000"},
		{"SELECT lastval()", "55000"},
		{"SELECT nextval('t')", "42809"},
		{"SELECT nextval('nowhere')", "42P01"},
		{"SELECT setval('s', 3)", "22003"},
		{"CREATE SEQUENCE bad INCREMENT 0", "22023"},
		{"SELECT nextval('s'), nextval('s'), nextval('s')", "2200H"},
		{"INSERT INTO s VALUES (1)", "0A000"},
		{"SELECT setval('k_id_seq', 5)", "0A000"}, // the engine's sequence of a serial key
	}
	for _, tc := range tests {
		t.Run(tc.sql, func(t *testing.T) {
			assert.Equal(t, "ERROR "+tc.code, outcome(t, s, tc.sql))
		})
	}
	execSeq(t, s, "BEGIN READ ONLY")
	assert.Equal(t, "ERROR 25006", outcome(t, s, "SELECT nextval('s')"))
}

// Ensure sessions calling nextval at once all get distinct values.
func TestSequence_Nextval_Concurrent(t *testing.T) {
	for _, durable := range []bool{false, true} {
		t.Run(map[bool]string{false: "memory", true: "durable"}[durable], func(t *testing.T) {
			opts := engine.Options{}
			if durable {
				opts.Dir = t.TempDir()
			}
			db, err := engine.Open(opts)
			require.NoError(t, err)
			t.Cleanup(func() { _ = db.Close() })
			execSeq(t, pgsql.NewSession(db), "CREATE SEQUENCE s", "CREATE TABLE t (code text PRIMARY KEY, n serial)")
			const workers, each = 4, 50
			got := make([][]int64, workers)
			var wg sync.WaitGroup
			for w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					s := pgsql.NewSession(db)
					for i := range each {
						res, err := s.Exec(context.Background(), "SELECT nextval('s')")
						if !assert.NoError(t, err) {
							return
						}
						got[w] = append(got[w], res.Rows[0][0].(int64))
						_, err = s.Exec(context.Background(), "INSERT INTO t (code) VALUES ($1)", string(rune('a'+w))+string(rune('A'+i%26))+string(rune('0'+i/26)))
						assert.NoError(t, err)
					}
				}()
			}
			wg.Wait()
			seen := map[int64]bool{}
			for _, vals := range got {
				for _, v := range vals {
					assert.False(t, seen[v], "value %d handed out twice", v)
					seen[v] = true
				}
			}
			assert.Len(t, seen, workers*each)
			s := pgsql.NewSession(db)
			assert.Equal(t, int64(workers*each), oneInt(t, s, "SELECT count(DISTINCT n) FROM t"))
		})
	}
}

// Ensure a durable DB's sequences continue after a restart: exactly
// where they stood after a clean close, and past every value handed out
// after a crash (simulated by reading the directory of an open DB's
// copy is not possible here, so the clean path and the logged bound are
// both checked through reopen).
func TestSequence_Durable_Reopen(t *testing.T) {
	dir := t.TempDir()
	db, err := engine.Open(engine.Options{Dir: dir})
	require.NoError(t, err)
	s := pgsql.NewSession(db)
	execSeq(t, s, "CREATE SEQUENCE s START 10", "CREATE SEQUENCE r",
		"CREATE TABLE t (code text PRIMARY KEY, n serial)", "INSERT INTO t (code) VALUES ('a'), ('b')")
	for range 3 {
		oneInt(t, s, "SELECT nextval('s')")
	}
	execSeq(t, s, "SELECT setval('r', 40, false)")
	require.NoError(t, db.Close())

	db, err = engine.Open(engine.Options{Dir: dir})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	s = pgsql.NewSession(db)
	assert.Equal(t, int64(13), oneInt(t, s, "SELECT nextval('s')"))
	assert.Equal(t, int64(40), oneInt(t, s, "SELECT nextval('r')"))
	execSeq(t, s, "INSERT INTO t (code) VALUES ('c')")
	assert.Equal(t, int64(3), oneInt(t, s, "SELECT n FROM t WHERE code = 'c'"))
}

// Ensure a fork continues each sequence from where its source stood,
// independently of it.
func TestSequence_Fork(t *testing.T) {
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	s := pgsql.NewSession(db)
	execSeq(t, s, "CREATE SEQUENCE s", "SELECT nextval('s')", "SELECT nextval('s')")
	f, err := db.Fork(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = f.Close() })
	fs := pgsql.NewSession(f)
	assert.Equal(t, int64(3), oneInt(t, fs, "SELECT nextval('s')"))
	assert.Equal(t, int64(4), oneInt(t, fs, "SELECT nextval('s')"))
	assert.Equal(t, int64(3), oneInt(t, s, "SELECT nextval('s')"))
}
