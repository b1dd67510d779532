package reldbtest

import (
	"context"
	"database/sql"
	"net"
	"testing"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql"
	"github.com/reldb/reldb/pgwire"
)

// WireServer is a test's database served over PostgreSQL's wire protocol,
// for code that talks to PostgreSQL through pgx's native API (pgx.Conn,
// pgxpool, sqlc's pgx mode) or any other client library.
type WireServer struct {
	srv *pgwire.Server
}

// DSN is a connection URL for the test's database on a loopback port:
// postgres://reldb@127.0.0.1:port/reldbtest?sslmode=disable. Every
// database name in it reaches the same database.
func (w *WireServer) DSN() string { return w.srv.DSN("reldbtest") }

// Dial connects without a port, in memory: set pgx's
// ConnConfig.DialFunc (or pgxpool's ConnConfig.DialFunc) to it, with a
// DSN whose host is an IP address (pgx looks a name up before it dials).
func (w *WireServer) Dial(ctx context.Context, network, addr string) (net.Conn, error) {
	return w.srv.Dial(ctx, network, addr)
}

// Wire serves db, a *sql.DB from New, over PostgreSQL's wire protocol
// until the test ends: connections through it see what db sees, and
// Record, Inject and FailNext apply to their statements as to db's.
func Wire(t testing.TB, db *sql.DB) *WireServer {
	t.Helper()
	return wire(t, Engine(db), lookup(db).intercept)
}

// WireEngine is Wire for an engine.DB from NewEngine (whose statements
// nothing records).
func WireEngine(t testing.TB, db *engine.DB) *WireServer {
	t.Helper()
	return wire(t, db, nil)
}

func wire(t testing.TB, eng *engine.DB, intercept pgsql.Interceptor) *WireServer {
	srv, err := pgwire.Listen("", pgwire.Options{Open: func(string) (*engine.DB, error) { return eng, nil }, Intercept: intercept})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return &WireServer{srv: srv}
}
