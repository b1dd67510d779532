package peers_test

import (
	"database/sql"
	"fmt"
	"os"
	"sync/atomic"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"

	"github.com/reldb/reldb/bench/peers"
	"github.com/reldb/reldb/internal/pgserver"
)

// postgres returns the PostgreSQL server the tests, the benchmarks and the
// postgres system of this package share (peers.Postgres), starting it on
// first use. It skips the test when PostgreSQL is not installed, except
// under CI=true, where it fails it (pgserver.SkipOrFatal).
func postgres(tb testing.TB) *pgserver.Server {
	tb.Helper()
	srv, err := peers.Postgres()
	pgserver.SkipOrFatal(tb, err)
	return srv
}

func TestMain(m *testing.M) {
	code := m.Run()
	if err := peers.StopPostgres(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}

// dbNames numbers the databases the tests create.
var dbNames atomic.Int64

// newDatabaseName returns a database name no other test uses.
func newDatabaseName(prefix string) string {
	return fmt.Sprintf("%s_%d_%d", prefix, os.Getpid(), dbNames.Add(1))
}

// openPostgres connects to database name on srv through pgx's
// database/sql driver.
func openPostgres(tb testing.TB, srv *pgserver.Server, name string) *sql.DB {
	tb.Helper()
	db, err := sql.Open("pgx", srv.ConnString(name))
	if err != nil {
		tb.Fatal(err)
	}
	return db
}
