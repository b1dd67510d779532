// Package pgserver runs a throwaway PostgreSQL server for reldb's tests, so
// that the conformance suite can play the same scenario on reldb and on a
// real PostgreSQL and compare the outcomes.
//
// [Start] finds Debian's PostgreSQL binaries (/usr/lib/postgresql/*/bin,
// newest major version first), runs initdb into a fresh temporary directory
// and starts postgres on 127.0.0.1 and a free port, with fsync off. The
// server is a child of the test process: [Server.Close] stops it and removes
// the directory, and on Linux the server is also sent SIGQUIT if the test
// process dies first. PostgreSQL refuses to run as root, so when the test
// runs as root initdb and postgres run as the postgres account, which owns
// the temporary directory.
//
// Statements reach the server through the psql client, one psql session per
// [Server.Exec] call, so BEGIN, COMMIT and SET CONSTRAINTS hold across the
// statements of one call. The package needs no Go driver: reldb's core
// module must not depend on one.
//
// When PostgreSQL is not installed, Start returns an error wrapping
// [ErrUnavailable]; [SkipOrFatal] turns that into a skipped test, except in
// CI (CI=true), where a missing server must fail the suite.
//
// A Server is safe for concurrent use: every Exec runs its own psql process.
// Typical use shares one server per test binary, started in TestMain, and
// gives each scenario its own database ([Server.CreateDatabase]).
package pgserver
