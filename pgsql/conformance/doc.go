// Package conformance holds the differential SQL corpus that reldb's SQL
// layer is judged by, and the runner that plays it on a database.
//
// The corpus, testdata/<topic>.txt, is a set of scenario files (package
// internal/scenario's format) whose expected outputs were all recorded from
// a real PostgreSQL server: PostgreSQL is the reference, so a database
// passes the corpus when it gives PostgreSQL's answers. [PostgreSQL] is the
// [Conn] that records and re-checks them (TestCorpus_PostgreSQL); reldb's
// executor plugs in as another Conn and runs the same files with [Walk].
//
// # Sessions
//
// A [Conn] is one database. Each case (block) of a file runs in one new
// session of it, as one client connection would: BEGIN, SAVEPOINT, SET
// CONSTRAINTS and an aborted transaction hold across the statements of a
// block, and when the block ends the session ends, rolling back a
// transaction still open, as PostgreSQL does when a client disconnects. A
// session starts with PostgreSQL's defaults and TimeZone set to UTC; the
// blocks of a file share the database, so tables made by one block are seen
// by the next. Files run in parallel, each on its own database.
//
// # Commands
//
// The input of exec and query is SQL: statements, each one or more lines,
// the last of which ends with ";". Blank lines between statements are
// ignored; a -- comment is part of the statement it precedes. Several
// statements on one line, an unterminated quote or unbalanced parentheses
// (psql would read on into the next statement), psql meta-commands (a backslash outside quotes) and
// COPY FROM STDIN are not allowed.
//
// exec — runs the statements in order and prints one line per statement:
// its command tag as PostgreSQL sends it (CREATE TABLE, INSERT 0 3, UPDATE
// 2, DELETE 0, BEGIN, ROLLBACK — also for the COMMIT of a failed
// transaction), or ERROR and the SQLSTATE (ERROR 23505). Warnings follow the
// tag: COMMIT (WARNING 25P01). Rows a statement returns are not printed; use
// query.
//
//	exec
//	INSERT INTO authors (name) VALUES ('Ursula K. Le Guin'), ('Octavia E. Butler');
//	DELETE FROM authors WHERE id = 42;
//	----
//	INSERT 0 2
//	DELETE 0
//
// query [ordered] — runs the statements in order; every statement but the
// last prints its line as exec does, then the last prints its result: a
// header line of column names, one line per row, and the command tag (SELECT
// 2, INSERT 0 1 for INSERT … RETURNING), or only ERROR and the SQLSTATE.
// Fields are separated by |. Without ordered, rows are printed sorted (byte
// order of their lines), so a query without ORDER BY compares as a
// multiset; with ordered, rows are printed in the order returned, and the
// query must have an ORDER BY that fixes it (ties make a file flaky).
//
//	query ordered
//	SELECT id, name, born FROM authors ORDER BY id;
//	----
//	id|name|born
//	1|Ursula K. Le Guin|1929
//	2|Octavia E. Butler|NULL
//	SELECT 2
//
// A value is printed as PostgreSQL's text output format gives it (t and f,
// 1.50, 2024-01-02 10:00:00+00, \x0102, {"a": 1}), NULL as NULL. A value
// that would not read back unambiguously — the empty string, the text NULL,
// one that starts with a double quote, contains | or a control character,
// or begins or ends with a space — is printed Go-quoted: "", "NULL",
// "ab   " (char(5)), "two\nlines". Column names are printed the same way.
// A result without columns prints (no columns) as its header and () for
// each row.
//
// reset — replaces the database with a fresh, empty one; prints nothing.
//
// # What is compared, and what is not
//
// Per statement: success or the SQLSTATE; the command tag, which carries
// the affected-row count (cascaded rows are not counted); warnings; for
// query, column names, every value's text and the row order when ordered.
// Not compared: error messages, details, hints and positions; NOTICEs
// (DROP … IF EXISTS, truncate cascades); column types other than through
// their text output. PostgreSQL's psql client does not show the command tag
// of a statement that returns rows unless it is an INSERT, UPDATE, DELETE
// or MERGE: the [PostgreSQL] Conn reports such results as SELECT and the
// row count, which is right for SELECT, VALUES, TABLE and WITH … SELECT, so
// the corpus uses no other row-returning statements (SHOW, EXPLAIN, FETCH).
//
// # Random queries
//
// [Random] generates, from a seed, a small database (tables related by
// foreign keys, with NULLs and duplicate values) and random SELECT queries
// over it: joins of every kind, subqueries, aggregates, set operations,
// WITH. TestRandomQueries runs them on reldb and, with
// RELDB_CONFORMANCE=1, on PostgreSQL, and compares the outcomes as the
// corpus does (SQLSTATE, column names, rows as a multiset unless the
// query's ORDER BY fixes their order); without PostgreSQL it checks only
// that reldb answers every query without a panic or a hang. A mismatch
// is reported with its seed, which replays it (RELDB_RANDQUERY_SEED=n);
// make conformance runs it for RANDQUERY_TIME, make randquery for longer.
// randquery.go lists what the generator avoids, and why.
//
// # Recording
//
// Expected outputs come only from PostgreSQL:
//
//	RELDB_CONFORMANCE=1 go test ./pgsql/conformance -run TestCorpus_PostgreSQL -rewrite
//
// [Walk] refuses -rewrite for any other Conn.
package conformance
