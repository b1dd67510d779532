// Package reldbtest gives each Go test its own PostgreSQL-compatible
// database, migrated and loaded with fixtures, in microseconds.
//
// A Template runs the application's migrations and fixtures once per test
// binary; New forks it for each test. A fork shares the template's
// copy-on-write trees, so it costs the same for ten rows or a million, and
// tests may run in parallel without seeing each other's writes:
//
//	var tmpl = reldbtest.NewTemplate(
//		reldbtest.Migrations(os.DirFS("migrations"), "."), // golang-migrate, goose or plain .sql
//		reldbtest.SQLFiles(os.DirFS("testdata"), "fixtures/*.sql"),
//	)
//
//	func TestPlaceOrder(t *testing.T) {
//		t.Parallel()
//		db := reldbtest.New(t, tmpl) // *sql.DB, closed when the test ends
//		repo := shop.NewRepo(db)     // the application's code, unchanged
//		...
//	}
//
// The database speaks PostgreSQL's SQL with PostgreSQL's results, errors
// (SQLSTATEs, constraint names) and foreign-key behaviour, through reldb's
// database/sql driver (package pgsql): what a fake or sqlmock would not
// catch — an orphan row, a duplicate key, a missing cascade — fails here as
// it fails in production. What pgsql does not support fails with SQLSTATE
// 0A000 naming the construct, never with a different answer.
//
// Beyond a fresh database, a test can:
//
//   - fix time: ClockOf(db).Set and Advance move what now(),
//     current_timestamp and DEFAULT now() read (WithClock starts stopped);
//   - inject faults: Inject and FailNext make matching statements fail
//     with a chosen SQLSTATE (40001 to drive a retry loop, 23505, 57014)
//     or wait first;
//   - count statements: AssertStatements and AssertMaxStatements, like
//     Django's assertNumQueries, list each statement with the
//     application's file:line on failure and point out N+1 patterns;
//     Record returns them;
//   - see effects: Changed, or Capture and Diff, give the rows a call
//     inserted, updated and deleted per table, with a stable String for
//     golden files.
//
// Sequences (serial columns) restart at the template's values in every
// fork, and gen_random_uuid() continues the template's fixed-seed stream
// (WithSeed picks another), so generated keys are the same in every test
// and every run.
//
// The package lives beside engine and pgsql rather than under engine:
// it is a test double for SQL code, built on the SQL layer, while
// engine/reltest counts the Go API's row loads.
package reldbtest
