package peers_test

import (
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3" // registers "sqlite3" (cgo)
	_ "modernc.org/sqlite"          // registers "sqlite" (pure Go)

	"github.com/reldb/reldb/reldbtest"
)

// The schema of the fresh-database benchmarks: freshTables tables linked
// by foreign keys into a binary tree (t01 and t02 reference t00, t03 and
// t04 reference t01, ...), freshRows rows in each.
const (
	freshTables = 20
	freshRows   = 50
)

// freshMigrations returns one migration per table, parents first, in
// PostgreSQL's dialect or SQLite's: a table with a serial key, a foreign
// key to its parent with its index, a UNIQUE, a CHECK and a created_at
// default, as an application's migrations have.
func freshMigrations(sqlite bool) []string {
	migs := make([]string, freshTables)
	for i := range migs {
		var b strings.Builder
		name := fmt.Sprintf("t%02d", i)
		fmt.Fprintf(&b, "CREATE TABLE %s (\n", name)
		if sqlite {
			b.WriteString("  id INTEGER PRIMARY KEY,\n")
		} else {
			b.WriteString("  id bigserial PRIMARY KEY,\n")
		}
		if i > 0 {
			fmt.Fprintf(&b, "  parent_id bigint NOT NULL REFERENCES t%02d (id) ON DELETE CASCADE,\n", (i-1)/2)
		}
		b.WriteString("  code text NOT NULL UNIQUE,\n  name text NOT NULL,\n")
		b.WriteString("  amount numeric(10,2) NOT NULL CHECK (amount >= 0),\n")
		if sqlite {
			b.WriteString("  created_at text NOT NULL DEFAULT CURRENT_TIMESTAMP\n);\n")
		} else {
			b.WriteString("  created_at timestamptz NOT NULL DEFAULT now()\n);\n")
		}
		if i > 0 {
			fmt.Fprintf(&b, "CREATE INDEX %s_parent_id_idx ON %s (parent_id);\n", name, name)
		}
		migs[i] = b.String()
	}
	return migs
}

// freshFixtures inserts freshRows rows into every table, parents first,
// one multi-row INSERT per table; the keys come from the sequences.
func freshFixtures() string {
	var b strings.Builder
	for i := range freshTables {
		name := fmt.Sprintf("t%02d", i)
		if i > 0 {
			fmt.Fprintf(&b, "INSERT INTO %s (parent_id, code, name, amount) VALUES\n", name)
		} else {
			fmt.Fprintf(&b, "INSERT INTO %s (code, name, amount) VALUES\n", name)
		}
		for j := 1; j <= freshRows; j++ {
			sep := ","
			if j == freshRows {
				sep = ";"
			}
			if i > 0 {
				fmt.Fprintf(&b, "  (%d, '%s-%d', 'row %d', %d.%02d)%s\n", (j*7)%freshRows+1, name, j, j, j, j%100, sep)
			} else {
				fmt.Fprintf(&b, "  ('%s-%d', 'row %d', %d.%02d)%s\n", name, j, j, j, j%100, sep)
			}
		}
	}
	return b.String()
}

// freshQuery is the first query of a test on a fresh database, which
// must count the fixtures' freshRows rows in the last table.
const freshQuery = `SELECT count(*) FROM t19`

// firstQuery runs freshQuery and checks its count.
func firstQuery(tb testing.TB, db *sql.DB) {
	var n int
	if err := db.QueryRow(freshQuery).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	if n != freshRows {
		tb.Fatalf("first query counted %d, want %d", n, freshRows)
	}
}

// migrate runs the migrations and the fixtures on db.
func migrate(tb testing.TB, db *sql.DB, migs []string) {
	for i, m := range migs {
		if _, err := db.Exec(m); err != nil {
			tb.Fatalf("migration %d: %v", i, err)
		}
	}
	if _, err := db.Exec(freshFixtures()); err != nil {
		tb.Fatalf("fixtures: %v", err)
	}
}

// freshTmpl is the reldbtest template of the fresh-database schema.
var freshTmpl = newFreshTemplate()

func newFreshTemplate() *reldbtest.Template {
	steps := []reldbtest.Step{}
	for _, m := range freshMigrations(false /* sqlite */) {
		steps = append(steps, reldbtest.SQL(m))
	}
	return reldbtest.NewTemplate(append(steps, reldbtest.SQL(freshFixtures()))...)
}

// iterTB is the testing.TB one benchmark iteration hands to
// reldbtest.New: it keeps the cleanups, which the iteration runs at its
// end as a test's end would, instead of piling b.N of them onto b.
type iterTB struct {
	testing.TB
	cleanups []func()
}

func (t *iterTB) Cleanup(f func()) { t.cleanups = append(t.cleanups, f) }

func (t *iterTB) end() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
	t.cleanups = t.cleanups[:0]
}

// BenchmarkFreshDB measures what one test pays for a fresh database with
// the 20-table schema and its 1,000 fixture rows, up to the answer of its
// first query:
//
//   - reldbtest: reldbtest.New forks a template built once (its close
//     is timed too);
//   - reldb-migrate: sql.Open("reldb", "") and the migrations and
//     fixtures run every time;
//   - postgres-template: CREATE DATABASE … TEMPLATE on a running
//     PostgreSQL, a pgx connection and the query (DROP DATABASE untimed);
//   - sqlite-mattn and sqlite-modernc: SQLite in memory with foreign keys
//     on, the migrations and fixtures run every time.
func BenchmarkFreshDB(b *testing.B) {
	b.Run("system=reldbtest", func(b *testing.B) {
		if err := freshTmpl.Build(); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		tb := &iterTB{TB: b}
		for b.Loop() {
			firstQuery(b, reldbtest.New(tb, freshTmpl))
			tb.end()
		}
	})
	b.Run("system=reldb-migrate", func(b *testing.B) {
		migs := freshMigrations(false /* sqlite */)
		b.ReportAllocs()
		for b.Loop() {
			db, err := sql.Open("reldb", "")
			if err != nil {
				b.Fatal(err)
			}
			migrate(b, db, migs)
			firstQuery(b, db)
			_ = db.Close()
		}
	})
	b.Run("system=postgres-template", func(b *testing.B) { benchPostgresTemplate(b, "") })
	b.Run("system=postgres-template-filecopy", func(b *testing.B) { benchPostgresTemplate(b, " STRATEGY FILE_COPY") })
	for _, drv := range sqliteDrivers {
		b.Run("system="+drv.system, func(b *testing.B) {
			migs := freshMigrations(true /* sqlite */)
			b.ReportAllocs()
			for b.Loop() {
				db, err := sql.Open(drv.name, drv.dsn)
				if err != nil {
					b.Fatal(err)
				}
				db.SetMaxOpenConns(1) // each connection to :memory: is its own database
				migrate(b, db, migs)
				firstQuery(b, db)
				_ = db.Close()
			}
		})
	}
}

// sqliteDrivers are the two SQLite drivers, each with an in-memory DSN
// with foreign keys on.
var sqliteDrivers = []struct{ system, name, dsn string }{
	{"sqlite-mattn", "sqlite3", ":memory:?_foreign_keys=1"},
	{"sqlite-modernc", "sqlite", ":memory:?_pragma=foreign_keys(1)"},
}

// BenchmarkFork splits reldbtest.New's cost: the engine's fork alone
// (NewEngine), and the fork with its *sql.DB (New); each closed again.
func BenchmarkFork(b *testing.B) {
	if err := freshTmpl.Build(); err != nil {
		b.Fatal(err)
	}
	b.Run("call=NewEngine", func(b *testing.B) {
		b.ReportAllocs()
		tb := &iterTB{TB: b}
		for b.Loop() {
			reldbtest.NewEngine(tb, freshTmpl)
			tb.end()
		}
	})
	b.Run("call=New", func(b *testing.B) {
		b.ReportAllocs()
		tb := &iterTB{TB: b}
		for b.Loop() {
			reldbtest.New(tb, freshTmpl)
			tb.end()
		}
	})
}

// benchPostgresTemplate measures CREATE DATABASE … TEMPLATE with the
// given clause after it: PostgreSQL 15 copies a template by writing its
// pages to the WAL by default, or by copying its files (STRATEGY
// FILE_COPY, the only strategy before 15), which costs two checkpoints.
func benchPostgresTemplate(b *testing.B, strategy string) {
	srv := postgres(b)
	ctx := context.Background()
	tmpl := freshPostgresTemplate(b)
	admin := openPostgres(b, srv, "postgres")
	defer admin.Close()
	b.ReportAllocs()
	for b.Loop() {
		name := newDatabaseName("fresh")
		if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+" TEMPLATE "+tmpl+strategy); err != nil {
			b.Fatal(err)
		}
		db := openPostgres(b, srv, name)
		firstQuery(b, db)
		b.StopTimer()
		_ = db.Close()
		if _, err := admin.ExecContext(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// freshPG is the template database of the fresh-database schema on the
// shared server, made once.
var freshPG struct {
	once sync.Once
	name string
	err  error
}

// freshPostgresTemplate returns the name of a database on the shared
// server with the schema and fixtures, and no connections, to copy with
// CREATE DATABASE … TEMPLATE.
func freshPostgresTemplate(tb testing.TB) string {
	srv := postgres(tb)
	freshPG.once.Do(func() {
		ctx := context.Background()
		name := newDatabaseName("fresh_tmpl")
		if freshPG.err = srv.CreateDatabase(ctx, name); freshPG.err != nil {
			return
		}
		db := openPostgres(tb, srv, name)
		migrate(tb, db, freshMigrations(false /* sqlite */))
		firstQuery(tb, db)
		freshPG.err = db.Close()
		freshPG.name = name
		// A template must have no sessions; the server may take a moment
		// to end the ones just closed.
		admin := openPostgres(tb, srv, "postgres")
		defer admin.Close()
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			var n int
			if freshPG.err = admin.QueryRowContext(ctx,
				`SELECT count(*) FROM pg_stat_activity WHERE datname = $1`, name).Scan(&n); freshPG.err != nil || n == 0 {
				return
			}
		}
		freshPG.err = fmt.Errorf("sessions on %s did not end", name)
	})
	if freshPG.err != nil {
		tb.Fatal(freshPG.err)
	}
	return freshPG.name
}

// TestFreshDB_Schemas ensures every system of BenchmarkFreshDB builds the
// schema and fixtures and answers the first query.
func TestFreshDB_Schemas(t *testing.T) {
	t.Run("reldbtest", func(t *testing.T) { firstQuery(t, reldbtest.New(t, freshTmpl)) })
	t.Run("postgres", func(t *testing.T) {
		srv := postgres(t)
		name := newDatabaseName("fresh")
		db := openPostgres(t, srv, "postgres")
		defer db.Close()
		if _, err := db.Exec("CREATE DATABASE " + name + " TEMPLATE " + freshPostgresTemplate(t)); err != nil {
			t.Fatal(err)
		}
		fresh := openPostgres(t, srv, name)
		firstQuery(t, fresh)
		_ = fresh.Close()
		if _, err := db.Exec("DROP DATABASE " + name + " WITH (FORCE)"); err != nil {
			t.Fatal(err)
		}
	})
	for _, drv := range sqliteDrivers {
		t.Run(drv.system, func(t *testing.T) {
			db, err := sql.Open(drv.name, drv.dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			db.SetMaxOpenConns(1)
			migrate(t, db, freshMigrations(true /* sqlite */))
			firstQuery(t, db)
		})
	}
}

// TestFreshDB_ThousandParallelTests runs 1,000 parallel tests, each on its
// own reldbtest fork, inserting 10 rows and reading them back, and logs
// how long they took together (a figure, not an assertion).
func TestFreshDB_ThousandParallelTests(t *testing.T) {
	if err := freshTmpl.Build(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	t.Run("tests", func(t *testing.T) {
		for i := range 1000 {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				insertAndReadBack(t, reldbtest.New(t, freshTmpl))
			})
		}
	})
	t.Logf("1,000 parallel tests, each on a fresh fork inserting 10 rows and reading them back: %v", time.Since(start))
}

// insertAndReadBack inserts 10 rows, one statement each, and reads them
// back: the body of a small test.
func insertAndReadBack(tb testing.TB, db *sql.DB) {
	for j := range 10 {
		if _, err := db.Exec(`INSERT INTO t19 (parent_id, code, name, amount) VALUES ($1, $2, $3, $4)`,
			j+1, fmt.Sprintf("new-%d", j), "new", "1.50"); err != nil {
			tb.Fatal(err)
		}
	}
	rows, err := db.Query(`SELECT id, code FROM t19 WHERE name = $1 ORDER BY id`, "new")
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id int64
		var code string
		if err := rows.Scan(&id, &code); err != nil {
			tb.Fatal(err)
		}
		if want := fmt.Sprintf("new-%d", n); id != int64(freshRows+n+1) || code != want {
			tb.Fatalf("row %d = (%d, %s), want (%d, %s)", n, id, code, freshRows+n+1, want)
		}
		n++
	}
	if err := rows.Err(); err != nil || n != 10 {
		tb.Fatalf("read back %d rows, %v; want 10", n, err)
	}
}

// BenchmarkFreshDB_ThousandTests is TestFreshDB_ThousandParallelTests as
// a benchmark: one op is 1,000 tests on fresh forks, GOMAXPROCS at a time
// (as go test -parallel runs them), each inserting 10 rows and reading
// them back.
func BenchmarkFreshDB_ThousandTests(b *testing.B) {
	if err := freshTmpl.Build(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		var wg sync.WaitGroup
		work := make(chan int)
		for range runtimeProcs() {
			wg.Go(func() {
				tb := &iterTB{TB: b}
				for range work {
					insertAndReadBack(tb, reldbtest.New(tb, freshTmpl))
					tb.end()
				}
			})
		}
		for i := range 1000 {
			work <- i
		}
		close(work)
		wg.Wait()
	}
}

func runtimeProcs() int { return runtime.GOMAXPROCS(0) }
