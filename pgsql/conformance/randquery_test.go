package conformance

// TestRandomQueries: random queries (randquery.go) on reldb and on
// PostgreSQL, compared. With RELDB_CONFORMANCE=1 it needs PostgreSQL (it
// skips without one, except in CI, where it fails, like the corpus);
// without it, it runs the queries on reldb alone and checks only that
// every one returns a result or a *pgsql.Error, without a panic or a hang.
// Either way reldb runs each query twice, as a simple query and prepared
// (Prepare, ExecPrepared), and the two must agree, column types included.
//
//	RELDB_RANDQUERY_TIME=2m      how long to run (default 25 s with
//	                             PostgreSQL, 2 s on reldb alone)
//	RELDB_RANDQUERY_SEED=n       run only seed n (replays a failure)
//	RELDB_RANDQUERY_QUERIES=n    queries per seed (default 150)
//
// Each seed is a new database (randquery.go's Setup) and its queries. The
// first seed is taken from the clock and logged; the next ones follow it.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/internal/pgserver"
	"github.com/reldb/reldb/pgsql"
)

const (
	// rqStatementTimeout bounds one query on either database; a query
	// that takes longer is reported (reldb fails it with 57014).
	rqStatementTimeout = 10 * time.Second
	// rqHang is how long reldb may take to answer at all, past its
	// statement timeout, before the test calls it a hang.
	rqHang = 30 * time.Second
	// rqMaxMismatches stops a run after this many mismatches.
	rqMaxMismatches = 10
)

// rqConfig is the run's settings, from the environment.
type rqConfig struct {
	budget  time.Duration
	seed    uint64
	replay  bool // only seed
	queries int
}

func rqSettings(t *testing.T, withPostgres bool) rqConfig {
	c := rqConfig{budget: 2 * time.Second, queries: 150, seed: uint64(time.Now().UnixNano() % 1_000_000_000)}
	if withPostgres {
		c.budget = 25 * time.Second
	}
	if testing.Short() {
		c.budget = time.Second
	}
	if v := os.Getenv("RELDB_RANDQUERY_TIME"); v != "" {
		d, err := time.ParseDuration(v)
		require.NoError(t, err, "RELDB_RANDQUERY_TIME")
		c.budget = d
	}
	if v := os.Getenv("RELDB_RANDQUERY_QUERIES"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err, "RELDB_RANDQUERY_QUERIES")
		c.queries = n
	}
	if v := os.Getenv("RELDB_RANDQUERY_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		require.NoError(t, err, "RELDB_RANDQUERY_SEED")
		c.seed, c.replay = n, true
	}
	return c
}

// rqCase is one seed's database and queries.
type rqCase struct {
	seed    uint64
	setup   []string
	queries []RandomQuery
}

func newRQCase(seed uint64, n int) rqCase {
	g := NewRandom(seed)
	c := rqCase{seed: seed, setup: g.Setup()}
	for i := 0; i < n; i++ {
		c.queries = append(c.queries, g.Query())
	}
	return c
}

// TestRandomQueries compares random queries' results on reldb and
// PostgreSQL: the same error SQLSTATE, or the same column names and rows
// (as a multiset, or in order when the query's ORDER BY fixes it).
func TestRandomQueries(t *testing.T) {
	withPostgres := os.Getenv("RELDB_CONFORMANCE") == "1"
	cfg := rqSettings(t, withPostgres)
	var pg *PostgreSQL
	if withPostgres {
		srv := pgserver.StartTB(t, pgserver.Options{})
		ctx := context.Background()
		var err error
		pg, err = NewPostgreSQL(ctx, srv, "randquery", t.TempDir())
		require.NoError(t, err)
		t.Cleanup(func() { _ = pg.Close(ctx) })
	}
	t.Logf("first seed %d (replay one with RELDB_RANDQUERY_SEED=n)", cfg.seed)
	start := time.Now()
	var seeds, queries, mismatches int
	errorsBy := map[string]int{}
	example := map[string]string{} // a query per SQLSTATE, for -v
	var last time.Duration         // the last seed's run, to end within the budget
	for seed := cfg.seed; ; seed++ {
		began := time.Now()
		c := newRQCase(seed, cfg.queries)
		got := runReldb(t, c)
		if pg != nil {
			want, err := runPostgres(pg, c)
			require.NoError(t, err, "seed %d", seed)
			mismatches += compareRQ(t, c, want, got)
		}
		for i, r := range got[len(c.setup):] {
			if r.SQLState != "" {
				errorsBy[r.SQLState]++
				if _, ok := example[r.SQLState]; !ok {
					example[r.SQLState] = fmt.Sprintf("seed %d query %d: %s (%s)", seed, i, c.queries[i].SQL, r.msg)
				}
			}
		}
		seeds++
		queries += len(c.queries)
		last = time.Since(began)
		if cfg.replay || mismatches >= rqMaxMismatches || time.Since(start)+last > cfg.budget {
			break
		}
	}
	t.Logf("%d seeds, %d queries in %v; reldb errors by SQLSTATE: %v", seeds, queries, time.Since(start).Round(time.Millisecond), errorsBy)
	if testing.Verbose() {
		for code, q := range example {
			t.Logf("%s: %s", code, q)
		}
	}
}

// runPostgres runs the setup and the queries in one psql session.
func runPostgres(pg *PostgreSQL, c rqCase) ([]Result, error) {
	stmts := []string{"SET statement_timeout = '" + strconv.Itoa(int(rqStatementTimeout/time.Millisecond)) + "ms';",
		"DROP TABLE IF EXISTS t3, t2, t1, t0 CASCADE;"}
	stmts = append(stmts, c.setup...)
	for _, q := range c.queries {
		stmts = append(stmts, q.SQL)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(len(stmts))*rqStatementTimeout)
	defer cancel()
	res, err := pg.Run(ctx, stmts)
	if err != nil {
		return nil, err
	}
	return res[2:], nil
}

// rqResult is reldb's result of a statement, with its error message and
// its columns' types.
type rqResult struct {
	Result
	msg   string
	types []string
}

// runReldb runs the setup and the queries in one session on a fresh
// in-memory database, each query both as a simple query and prepared
// (Prepare, then ExecPrepared, as the extended protocol and the driver
// run it), which must agree. It fails the test if a statement panics,
// hangs, or fails with an error that is not a *pgsql.Error.
func runReldb(t *testing.T, c rqCase) []rqResult {
	t.Helper()
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	defer db.Close()
	s := pgsql.NewSession(db)
	defer s.Close()
	var out []rqResult
	stmts := append([]string{}, c.setup...)
	for _, q := range c.queries {
		stmts = append(stmts, q.SQL)
	}
	for i, stmt := range stmts {
		r, err := execGuarded(s, stmt, false /* prepared */)
		if err != nil {
			t.Fatalf("seed %d statement %d: %v\n%s", c.seed, i, err, c.describe(stmt))
		}
		out = append(out, r)
		if i < len(c.setup) {
			continue
		}
		p, err := execGuarded(s, stmt, true /* prepared */)
		if err != nil {
			t.Fatalf("seed %d statement %d, prepared: %v\n%s", c.seed, i, err, c.describe(stmt))
		}
		ordered := c.queries[i-len(c.setup)].Ordered
		if ps, rs := table(p.Result, ordered), table(r.Result, ordered); ps != rs || !slices.Equal(p.types, r.types) {
			t.Errorf("seed %d query %d: prepared, reldb differs from its simple query (replay: RELDB_RANDQUERY_SEED=%d)\n%s\nsimple query %v:\n%s\nprepared %v:\n%s",
				c.seed, i-len(c.setup), c.seed, c.describe(stmt), r.types, indent(rs+r.msg), p.types, indent(ps+p.msg))
		}
	}
	return out
}

// execGuarded runs one statement with a deadline, turning a panic, a hang
// or an error of another type than *pgsql.Error into an error. Prepared,
// its types are those Prepare described.
func execGuarded(s *pgsql.Session, stmt string, prepared bool) (rqResult, error) {
	type answer struct {
		r   rqResult
		err error
	}
	done := make(chan answer, 1)
	ctx, cancel := context.WithTimeout(context.Background(), rqStatementTimeout)
	defer cancel()
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- answer{err: fmt.Errorf("panic: %v\n%s", p, debug.Stack())}
			}
		}()
		var res pgsql.Result
		var cols []pgsql.Column
		var err error
		if prepared {
			var p *pgsql.Prepared
			if p, err = s.Prepare(ctx, stmt, nil); err == nil {
				cols = p.Columns()
				res, err = s.ExecPrepared(ctx, p, nil)
			}
		} else {
			res, err = s.Exec(ctx, stmt)
			cols = res.Columns
		}
		var pe *pgsql.Error
		switch {
		case err == nil:
			r := rqResult{Result: resultOf(res)}
			for _, c := range cols {
				r.types = append(r.types, c.TypeName())
			}
			done <- answer{r: r}
		case errors.As(err, &pe):
			done <- answer{r: rqResult{Result: Result{SQLState: pe.Code}, msg: pe.Message}}
		default:
			done <- answer{err: err}
		}
	}()
	select {
	case a := <-done:
		if a.err != nil {
			return rqResult{}, fmt.Errorf("not a *pgsql.Error: %w", a.err)
		}
		return a.r, nil
	case <-time.After(rqHang):
		return rqResult{}, errors.New("no answer in " + rqHang.String())
	}
}

// compareRQ reports each query whose results differ and returns how many.
// The setup must succeed on both.
func compareRQ(t *testing.T, c rqCase, want []Result, got []rqResult) int {
	t.Helper()
	n := 0
	for i, stmt := range c.setup {
		if want[i].SQLState != "" || got[i].SQLState != "" {
			t.Errorf("seed %d: setup statement failed: postgresql %q, reldb %q\n%s", c.seed, want[i].SQLState, got[i].SQLState, c.describe(stmt))
			return 1
		}
	}
	for i, q := range c.queries {
		w, g := want[len(c.setup)+i], got[len(c.setup)+i]
		ws, gs := table(w, q.Ordered), table(g.Result, q.Ordered)
		if ws == gs {
			continue
		}
		if g.msg != "" {
			gs = strings.TrimRight(gs, "\n") + " (" + g.msg + ")"
		}
		n++
		t.Errorf("seed %d query %d: reldb differs from PostgreSQL (replay: RELDB_RANDQUERY_SEED=%d)\n%s\npostgresql:\n%s\nreldb:\n%s",
			c.seed, i, c.seed, c.describe(q.SQL), indent(ws), indent(gs))
		if n >= rqMaxMismatches {
			break
		}
	}
	return n
}

// describe prints the seed's schema and data and a statement.
func (c rqCase) describe(stmt string) string {
	return "schema:\n" + indent(strings.Join(c.setup, "\n")) + "\nstatement:\n" + indent(stmt)
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
}
