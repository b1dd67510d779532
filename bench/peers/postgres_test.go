package peers_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"

	"github.com/reldb/reldb/internal/pgserver"
)

// pg is the PostgreSQL server the tests and benchmarks of this package
// share: started on first use, stopped by TestMain.
var pg struct {
	once sync.Once
	srv  *pgserver.Server
	err  error
}

// postgres returns the shared server, starting it on first use. It skips
// the test when PostgreSQL is not installed, except under CI=true, where
// it fails it (pgserver.SkipOrFatal).
func postgres(tb testing.TB) *pgserver.Server {
	tb.Helper()
	pg.once.Do(func() {
		pg.srv, pg.err = pgserver.Start(context.Background(), pgserver.Options{})
	})
	pgserver.SkipOrFatal(tb, pg.err)
	return pg.srv
}

func TestMain(m *testing.M) {
	code := m.Run()
	if pg.srv != nil {
		if err := pg.srv.Close(); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
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
