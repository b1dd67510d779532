package peers

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5"

	"github.com/reldb/reldb/internal/pgserver"
	"github.com/reldb/reldb/pgwire"
)

// The wire systems: the library through pgx over loopback TCP, on reldb's
// pgwire server in this process and on a real PostgreSQL server (started
// by internal/pgserver, fsync off), with the same Go code (pgxLibrary).

// ErrUnavailable is returned by a system's Open when the system cannot run
// here: PostgreSQL is not installed. It is pgserver.ErrUnavailable.
var ErrUnavailable = pgserver.ErrUnavailable

// reldbWireServer starts a pgwire server of its own on a free loopback
// port and returns the URL of a database on it, which the server opens
// in memory at the first connection, and a function that stops the
// server, closing the database.
func reldbWireServer() (string, func() error, error) {
	srv, err := pgwire.Listen("", pgwire.Options{})
	if err != nil {
		return "", nil, err
	}
	return srv.DSN("peers"), srv.Close, nil
}

func openReldbWire(readers int) (Peer, error) {
	dsn, release, err := reldbWireServer()
	if err != nil {
		return nil, fmt.Errorf("reldb-wire: %w", err)
	}
	return openPgx("reldb-wire", dsn, readers, release, false /* analyze */)
}

// pg is the PostgreSQL server of the postgres system, started on first
// use and stopped by StopPostgres.
var pg struct {
	mu      sync.Mutex
	started bool
	srv     *pgserver.Server
	admin   *pgx.Conn // to pgDatabase, for CREATE and DROP SCHEMA
	err     error
}

// pgDatabase is the database on the PostgreSQL server that holds the
// postgres system's libraries, each in a schema of its own.
const pgDatabase = "peers"

// Postgres returns the PostgreSQL server the postgres system runs on,
// starting it on first use: a throwaway server in a temporary directory
// with fsync off (internal/pgserver). It returns an error wrapping
// ErrUnavailable when PostgreSQL is not installed. StopPostgres stops it.
func Postgres() (*pgserver.Server, error) {
	pg.mu.Lock()
	defer pg.mu.Unlock()
	return postgresLocked()
}

func postgresLocked() (*pgserver.Server, error) {
	if !pg.started {
		pg.started = true
		pg.srv, pg.err = pgserver.Start(bg, pgserver.Options{})
		if pg.err == nil {
			pg.err = pg.srv.CreateDatabase(bg, pgDatabase)
		}
		if pg.err == nil {
			pg.admin, pg.err = pgx.Connect(bg, pg.srv.ConnString(pgDatabase))
		}
	}
	return pg.srv, pg.err
}

// StopPostgres stops the server Postgres started, if any; the next call
// of Postgres starts another.
func StopPostgres() error {
	pg.mu.Lock()
	defer pg.mu.Unlock()
	var err error
	if pg.admin != nil {
		err = pg.admin.Close(bg)
	}
	if pg.srv != nil {
		err = errors.Join(err, pg.srv.Close())
	}
	pg.started, pg.srv, pg.admin, pg.err = false, nil, nil, nil
	return err
}

// pgSchemas numbers the schemas of the postgres system.
var pgSchemas atomic.Int64

// postgresServer makes an empty schema in pgDatabase on the PostgreSQL
// server and returns a connection string whose search_path is that
// schema, and a function that drops the schema with everything in it. A
// schema is a fresh set of tables as a new database is, made in a few
// milliseconds rather than a hundred, and its connections start without
// loading a new database's catalog.
func postgresServer() (string, func() error, error) {
	pg.mu.Lock()
	defer pg.mu.Unlock()
	srv, err := postgresLocked()
	if err != nil {
		return "", nil, err
	}
	name := fmt.Sprintf("peers_%d", pgSchemas.Add(1))
	if _, err := pg.admin.Exec(bg, "CREATE SCHEMA "+name); err != nil {
		return "", nil, fmt.Errorf("create schema: %w", err)
	}
	drop := func() error {
		pg.mu.Lock()
		defer pg.mu.Unlock()
		if pg.admin == nil {
			return nil // the server is gone, and the schema with it
		}
		if _, err := pg.admin.Exec(bg, "DROP SCHEMA "+name+" CASCADE"); err != nil {
			return fmt.Errorf("drop schema: %w", err)
		}
		return nil
	}
	return srv.ConnString(pgDatabase) + " search_path=" + name, drop, nil
}

func openPostgres(readers int) (Peer, error) {
	dsn, release, err := postgresServer()
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return openPgx("postgres", dsn, readers, release, true /* analyze */)
}

// connect measures connection setup to the first query's answer: each
// operation is pgx.ConnectConfig, over loopback TCP to the system's
// server, then SELECT 1 read back. The connection is closed untimed,
// before the next operation. Only the wire systems have it.
func connect(sys System, _ Fixture) (*Case, error) {
	if sys.Server == nil {
		return nil, ErrUnsupported
	}
	dsn, release, err := sys.Server()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", sys.Name, err)
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, errors.Join(err, release())
	}
	var conn *pgx.Conn
	closeConn := func() error {
		if conn == nil {
			return nil
		}
		err := conn.Close(bg)
		conn = nil
		return err
	}
	return &Case{
		Setup: func(int) error { return closeConn() },
		Op: func(int) (int, error) {
			var err error
			if conn, err = pgx.ConnectConfig(bg, cfg); err != nil {
				return 0, err
			}
			var one int
			err = conn.QueryRow(bg, "SELECT 1").Scan(&one)
			return one, err
		},
		Want: 1, Units: 1,
		Close: func() error { return errors.Join(closeConn(), release()) },
	}, nil
}

// roundTrip measures one query that asks the server for nothing: pgx's
// QueryRow of "SELECT $1::bigint" (a cached prepared statement, so one
// round trip of Bind, Execute and Sync) with the operation's number read
// back. Every wire workload pays it once per round trip, whatever the
// server does. On the btree-floor system it is the bare exchange the
// wire systems cannot go below: a 64-byte message each way over loopback
// TCP between two goroutines of this process, what the same Bind,
// Execute and Sync and its answer come to on the wire. On the sql-floor
// system it is the same QueryRow through pgx to a server that answers
// from memory (pgxFloorCase): the floor with pgx's own work in it.
func roundTrip(sys System, _ Fixture) (*Case, error) {
	switch sys.Name {
	case "btree-floor":
		return loopbackCase()
	case "sql-floor":
		return pgxFloorCase() // wirefloor.go
	}
	if sys.Server == nil {
		return nil, ErrUnsupported
	}
	dsn, release, err := sys.Server()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", sys.Name, err)
	}
	conn, err := pgx.Connect(bg, dsn)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("%s: %w", sys.Name, err), release())
	}
	return echoCase(conn, release), nil
}

// echoCase is round-trip on conn: each operation's number sent as
// SELECT $1::bigint's parameter and read back. Its Close closes conn,
// then calls release.
func echoCase(conn *pgx.Conn, release func() error) *Case {
	var got, want int64
	return &Case{
		Op: func(i int) (int, error) {
			want = int64(i)
			return 1, conn.QueryRow(bg, "SELECT $1::bigint", want).Scan(&got)
		},
		Check: func(int) error {
			if got != want {
				return fmt.Errorf("round trip: got %d, want %d", got, want)
			}
			return nil
		},
		Want: 1, Units: 1,
		Close: func() error { return errors.Join(conn.Close(bg), release()) },
	}
}

// loopbackMessage is the size of each message of loopbackCase: pgx's
// Bind, Execute and Sync of "SELECT $1::bigint" come to about 60 bytes, and
// the answer (BindComplete, DataRow, CommandComplete, ReadyForQuery)
// about as much.
const loopbackMessage = 64

// loopbackCase is round-trip's floor: an echo server goroutine on a
// loopback TCP port, and each operation one message written to it and its
// echo read back.
func loopbackCase() (*Case, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	served := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			served <- err
			return
		}
		defer c.Close()
		buf := make([]byte, loopbackMessage)
		for {
			if _, err := io.ReadFull(c, buf); err != nil {
				served <- nil // the client closed
				return
			}
			if _, err := c.Write(buf); err != nil {
				served <- err
				return
			}
		}
	}()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		return nil, errors.Join(err, ln.Close())
	}
	out := make([]byte, loopbackMessage)
	in := make([]byte, loopbackMessage)
	var want byte
	return &Case{
		Op: func(i int) (int, error) {
			want = byte(i)
			out[0] = want
			if _, err := conn.Write(out); err != nil {
				return 0, err
			}
			_, err := io.ReadFull(conn, in)
			return 1, err
		},
		Check: func(int) error {
			if in[0] != want {
				return fmt.Errorf("loopback: got %d, want %d", in[0], want)
			}
			return nil
		},
		Want: 1, Units: 1,
		Close: func() error {
			err := errors.Join(conn.Close(), ln.Close())
			return errors.Join(err, <-served)
		},
	}, nil
}
