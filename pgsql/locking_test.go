package pgsql_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/internal/pgserver"
	"github.com/reldb/reldb/pgsql"
)

// rowLockSchema is the lock matrix's database: parents with a unique
// code, kids deleted with their parent, pets unlinked from it.
var rowLockSchema = []string{
	`CREATE TABLE parents (id integer PRIMARY KEY, code text UNIQUE, name text)`,
	`CREATE TABLE kids (id integer PRIMARY KEY, parent_id integer REFERENCES parents ON DELETE CASCADE, note text)`,
	`CREATE TABLE pets (id integer PRIMARY KEY, parent_id integer REFERENCES parents ON DELETE SET NULL, note text)`,
	`INSERT INTO parents VALUES (1, 'a', 'ann'), (2, 'b', 'bea'), (3, 'c', 'cal')`,
	`INSERT INTO kids VALUES (10, 2, 'x')`,
	`INSERT INTO pets VALUES (20, 3, 'y')`,
}

// rowLockProbes are run, each in its own READ COMMITTED transaction with
// a lock timeout, while another transaction holds what a holder took.
var rowLockProbes = []string{
	`SELECT id FROM parents WHERE id = 1 FOR KEY SHARE`,
	`SELECT id FROM parents WHERE id = 1 FOR SHARE`,
	`SELECT id FROM parents WHERE id = 1 FOR NO KEY UPDATE`,
	`SELECT id FROM parents WHERE id = 1 FOR UPDATE`,
	`UPDATE parents SET name = 'probe' WHERE id = 1`,
	`UPDATE parents SET code = 'probe' WHERE id = 1`,
	`DELETE FROM parents WHERE id = 1`,
	`INSERT INTO kids VALUES (12, 1, 'probe')`,
	`DELETE FROM parents WHERE id = 2`, // cascades to kid 10
	`DELETE FROM parents WHERE id = 3`, // sets pet 20's parent_id to NULL
	`UPDATE kids SET note = 'probe' WHERE id = 10`,
	`SELECT id FROM kids WHERE id = 10 FOR KEY SHARE`,
	`SELECT id FROM parents WHERE id = 1 FOR SHARE NOWAIT`,
	`SELECT id FROM parents WHERE id = 1 FOR SHARE SKIP LOCKED`,
}

// rowLockHolders are the statements a transaction runs and keeps open,
// with what each probe then does, in rowLockProbes order: "." it runs at
// once, "W" it waits (and fails with 55P03 at the lock timeout, or at
// once with NOWAIT), "0" it skips the locked row and returns nothing.
var rowLockHolders = []struct {
	stmt, probes string
}{
	{`SELECT id FROM parents WHERE id = 1 FOR KEY SHARE`, "...W.WW......."},
	{`SELECT id FROM parents WHERE id = 1 FOR SHARE`, "..WWWWW......."},
	{`SELECT id FROM parents WHERE id = 1 FOR NO KEY UPDATE`, ".WWWWWW.....W0"},
	{`SELECT id FROM parents WHERE id = 1 FOR UPDATE`, "WWWWWWWW....W0"},
	{`UPDATE parents SET name = 'held' WHERE id = 1`, ".WWWWWW.....W0"},
	{`UPDATE parents SET code = 'held' WHERE id = 1`, "WWWWWWWW....W0"},
	{`UPDATE parents SET code = 'a' WHERE id = 1`, ".WWWWWW.....W0"}, // the same value: no key change
	{`DELETE FROM parents WHERE id = 1`, "WWWWWWWW....W0"},
	{`INSERT INTO kids VALUES (11, 1, 'held')`, "...W.WW......."},
	{`UPDATE kids SET note = 'held' WHERE id = 10`, "........W.W..."},
	{`SELECT id FROM kids WHERE id = 10 FOR KEY SHARE`, "........W....."},
	{`SELECT id FROM pets WHERE id = 20 FOR SHARE`, ".........W...."},
	{`SELECT id FROM pets WHERE id = 20 FOR KEY SHARE`, ".............."},
	{`UPDATE pets SET note = 'held' WHERE id = 20`, ".........W...."},
}

// rowLockCell renders a probe's outcome as rowLockHolders spells it.
func rowLockCell(ok bool, code string, rows int, isSelect bool) string {
	switch {
	case ok && isSelect && rows == 0:
		return "0"
	case ok:
		return "."
	case code == "55P03":
		return "W"
	}
	return "?" + code
}

// TestSession_RowLockModes ensures SQL statements take PostgreSQL's row
// lock modes and wait for exactly the holders PostgreSQL's wait for:
// SELECT's four locking clauses (with NOWAIT and SKIP LOCKED), UPDATE
// (FOR NO KEY UPDATE unless a key column changes), DELETE, a foreign
// key's check (FOR KEY SHARE on the parent) and the rows a cascade
// deletes or sets NULL. The same matrix runs on a real PostgreSQL when
// one is installed.
func TestSession_RowLockModes(t *testing.T) {
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	setup := pgsql.NewSession(db)
	for _, stmt := range rowLockSchema {
		require.NotContains(t, outcome(t, setup, stmt), "ERROR", stmt)
	}
	ctx := context.Background()
	for _, h := range rowLockHolders {
		t.Run(h.stmt, func(t *testing.T) {
			var got strings.Builder
			for _, p := range rowLockProbes {
				holder, probe := pgsql.NewSession(db), pgsql.NewSession(db)
				require.Equal(t, "BEGIN", outcome(t, holder, "BEGIN"))
				require.NotContains(t, outcome(t, holder, h.stmt), "ERROR")
				require.Equal(t, "BEGIN", outcome(t, probe, "BEGIN"))
				require.Equal(t, "SET", outcome(t, probe, "SET LOCAL lock_timeout = '20ms'"))
				res, err := probe.Exec(ctx, p)
				var pe *pgsql.Error
				code := ""
				if errors.As(err, &pe) {
					code = pe.Code
				} else {
					require.NoError(t, err)
				}
				got.WriteString(rowLockCell(err == nil, code, len(res.Rows), strings.HasPrefix(p, "SELECT")))
				require.Equal(t, "ROLLBACK", outcome(t, probe, "ROLLBACK"))
				require.Equal(t, "ROLLBACK", outcome(t, holder, "ROLLBACK"))
			}
			assert.Equal(t, h.probes, got.String(), "probes:\n%s", strings.Join(rowLockProbes, "\n"))
		})
	}
	assert.Equal(t, [][]string{{"3"}, {"1"}, {"1"}}, texts(t, setup,
		`SELECT count(*) FROM parents UNION ALL SELECT count(*) FROM kids UNION ALL SELECT count(*) FROM pets`), "nothing changed")

	t.Run("postgresql", func(t *testing.T) {
		srv := pgserver.StartTB(t, pgserver.Options{})
		ctx, cancel := context.WithTimeout(ctx, 2*time.Minute) // a deadlock guard
		defer cancel()
		require.NoError(t, srv.CreateDatabase(ctx, "rowlocks"))
		res, err := srv.Exec(ctx, "rowlocks", append([]string{`CREATE EXTENSION dblink`}, rowLockSchema...))
		require.NoError(t, err)
		for _, r := range res {
			require.NoError(t, r.Err())
		}
		// The holder is a second session the psql session drives through
		// dblink, so that both run in one script.
		for _, h := range rowLockHolders {
			hold := fmt.Sprintf(`SELECT dblink_exec('h', $q$%s$q$)`, h.stmt)
			if strings.HasPrefix(h.stmt, "SELECT") {
				hold = fmt.Sprintf(`SELECT count(*) FROM dblink('h', $q$%s$q$) AS t(id integer)`, h.stmt)
			}
			stmts := []string{fmt.Sprintf(`SELECT dblink_connect('h', '%s')`, srv.ConnString("rowlocks"))}
			var probeAt []int
			for _, p := range rowLockProbes {
				stmts = append(stmts, `SELECT dblink_exec('h', 'BEGIN')`, hold,
					`BEGIN`, `SET LOCAL lock_timeout = '20ms'`, p)
				probeAt = append(probeAt, len(stmts)-1)
				stmts = append(stmts, `ROLLBACK`, `SELECT dblink_exec('h', 'ROLLBACK')`)
			}
			res, err := srv.Exec(ctx, "rowlocks", stmts)
			require.NoError(t, err)
			var got strings.Builder
			for i, r := range res {
				if slices.Contains(probeAt, i) {
					got.WriteString(rowLockCell(r.OK, r.SQLState, len(r.Rows), strings.HasPrefix(r.Stmt, "SELECT")))
					continue
				}
				require.NoError(t, r.Err())
			}
			assert.Equal(t, h.probes, got.String(), "PostgreSQL, holder %s; probes:\n%s", h.stmt, strings.Join(rowLockProbes, "\n"))
		}
	})
}

// rrStep is one statement of a REPEATABLE READ scenario: by the
// repeatable-read session (other false) or by a second session.
type rrStep struct {
	other bool
	sql   string
}

// rrScenarios are interleavings of a REPEATABLE READ transaction with a
// concurrent one, with the SQLSTATE of each step ("" for success), as
// PostgreSQL reports them: a row changed by a transaction that committed
// after the snapshot is 40001 at the UPDATE, DELETE or locking SELECT that
// touches it; a row only locked meanwhile, or changed by a transaction
// that rolled back, is not; a key inserted meanwhile is 23505; a row a
// live transaction changed is waited for (55P03 at the lock timeout).
var rrScenarios = []struct {
	name  string
	steps []rrStep
	want  []string
}{
	{"update after a committed update", []rrStep{
		{false, `SELECT count(*) FROM parents`},
		{true, `UPDATE parents SET name = 'other' WHERE id = 1`},
		{false, `UPDATE parents SET name = 'rr' WHERE id = 1`},
	}, []string{"", "", "40001"}},
	{"delete after a committed update", []rrStep{
		{false, `SELECT count(*) FROM parents`},
		{true, `UPDATE parents SET name = 'other' WHERE id = 1`},
		{false, `DELETE FROM parents WHERE id = 1`},
	}, []string{"", "", "40001"}},
	{"locking select after a committed update", []rrStep{
		{false, `SELECT count(*) FROM parents`},
		{true, `UPDATE parents SET name = 'other' WHERE id = 1`},
		{false, `SELECT id FROM parents WHERE id = 1 FOR SHARE`},
	}, []string{"", "", "40001"}},
	{"update after another row's update", []rrStep{
		{false, `SELECT count(*) FROM parents`},
		{true, `UPDATE parents SET name = 'other' WHERE id = 2`},
		{false, `UPDATE parents SET name = 'rr' WHERE id = 1`},
	}, []string{"", "", ""}},
	{"update after a committed lock", []rrStep{
		{false, `SELECT count(*) FROM parents`},
		{true, `BEGIN`},
		{true, `SELECT id FROM parents WHERE id = 1 FOR UPDATE`},
		{true, `COMMIT`},
		{false, `UPDATE parents SET name = 'rr' WHERE id = 1`},
	}, []string{"", "", "", "", ""}},
	{"update after a rolled back update", []rrStep{
		{false, `SELECT count(*) FROM parents`},
		{true, `BEGIN`},
		{true, `UPDATE parents SET name = 'other' WHERE id = 1`},
		{true, `ROLLBACK`},
		{false, `UPDATE parents SET name = 'rr' WHERE id = 1`},
	}, []string{"", "", "", "", ""}},
	{"update waits for a live update", []rrStep{
		{false, `SELECT count(*) FROM parents`},
		{true, `BEGIN`},
		{true, `UPDATE parents SET name = 'other' WHERE id = 1`},
		{false, `UPDATE parents SET name = 'rr' WHERE id = 1`},
	}, []string{"", "", "", "55P03"}},
	{"insert of a key committed since", []rrStep{
		{false, `SELECT count(*) FROM parents`},
		{true, `INSERT INTO parents VALUES (4, 'd', 'dan')`},
		{false, `INSERT INTO parents VALUES (4, 'e', 'eve')`},
	}, []string{"", "", "23505"}},
	{"insert of a unique value committed since", []rrStep{
		{false, `SELECT count(*) FROM parents`},
		{true, `INSERT INTO parents VALUES (4, 'd', 'dan')`},
		{false, `INSERT INTO parents VALUES (5, 'd', 'eve')`},
	}, []string{"", "", "23505"}},
}

// TestSession_RepeatableReadFailsAtStatement ensures REPEATABLE READ
// reports a concurrent update at the statement that meets it, as
// PostgreSQL does (rrScenarios), and checks the scenarios on a real
// PostgreSQL when one is installed.
func TestSession_RepeatableReadFailsAtStatement(t *testing.T) {
	ctx := context.Background()
	for _, sc := range rrScenarios {
		t.Run(sc.name, func(t *testing.T) {
			db, err := engine.Open(engine.Options{})
			require.NoError(t, err)
			t.Cleanup(func() { _ = db.Close() })
			setup := pgsql.NewSession(db)
			for _, stmt := range rowLockSchema {
				require.NotContains(t, outcome(t, setup, stmt), "ERROR", stmt)
			}
			rr, other := pgsql.NewSession(db), pgsql.NewSession(db)
			require.Equal(t, "BEGIN", outcome(t, rr, "BEGIN ISOLATION LEVEL REPEATABLE READ"))
			require.Equal(t, "SET", outcome(t, rr, "SET LOCAL lock_timeout = '20ms'"))
			var got []string
			for _, st := range sc.steps {
				s := rr
				if st.other {
					s = other
				}
				code := ""
				if _, err := s.Exec(ctx, st.sql); err != nil {
					var pe *pgsql.Error
					require.ErrorAs(t, err, &pe)
					code = pe.Code
				}
				got = append(got, code)
			}
			assert.Equal(t, sc.want, got)
		})
	}

	t.Run("postgresql", func(t *testing.T) {
		srv := pgserver.StartTB(t, pgserver.Options{})
		ctx, cancel := context.WithTimeout(ctx, 2*time.Minute) // a deadlock guard
		defer cancel()
		for i, sc := range rrScenarios {
			dbName := fmt.Sprintf("rr%d", i)
			require.NoError(t, srv.CreateDatabase(ctx, dbName))
			res, err := srv.Exec(ctx, dbName, append([]string{`CREATE EXTENSION dblink`}, rowLockSchema...))
			require.NoError(t, err)
			for _, r := range res {
				require.NoError(t, r.Err())
			}
			stmts := []string{fmt.Sprintf(`SELECT dblink_connect('h', '%s')`, srv.ConnString(dbName)),
				`BEGIN ISOLATION LEVEL REPEATABLE READ`, `SET LOCAL lock_timeout = '20ms'`}
			for _, st := range sc.steps {
				switch {
				case !st.other:
					stmts = append(stmts, st.sql)
				case strings.HasPrefix(st.sql, "SELECT"):
					stmts = append(stmts, fmt.Sprintf(`SELECT count(*) FROM dblink('h', $q$%s$q$) AS t(id integer)`, st.sql))
				default:
					stmts = append(stmts, fmt.Sprintf(`SELECT dblink_exec('h', $q$%s$q$)`, st.sql))
				}
			}
			res, err = srv.Exec(ctx, dbName, append(stmts, `ROLLBACK`))
			require.NoError(t, err)
			var got []string
			for _, r := range res[3 : 3+len(sc.steps)] {
				got = append(got, r.SQLState)
			}
			assert.Equal(t, sc.want, got, "PostgreSQL: %s", sc.name)
		}
	})
}
