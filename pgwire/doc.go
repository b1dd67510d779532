// Package pgwire serves reldb over PostgreSQL's frontend/backend protocol,
// version 3, so that pgx, lib/pq, psql and other PostgreSQL clients talk to
// a reldb database unchanged. Messages are read and written with pgx's
// pgproto3; everything SQL goes through a pgsql.Session per connection.
//
// # Starting a server
//
// Three ways, all over one [Server]:
//
//   - the command line: reldb serve [-addr 127.0.0.1:5432] [-dir DIR];
//   - a test on a loopback port: srv, _ := pgwire.Listen("", pgwire.Options{})
//     and connect to srv.DSN("mydb");
//   - a test without a port: set pgx's config.DialFunc = srv.Dial, which
//     serves the connection over an in-memory pipe.
//
// Each database name a client starts up with is its own engine.DB, opened
// on first use: in memory, or in Options.Dir/<name>. CREATE DATABASE
// makes one ahead of time (TEMPLATE another makes an O(1) in-memory fork of it) and
// DROP DATABASE [IF EXISTS] name [WITH (FORCE)] removes one, closing its
// connections when forced. Connections are served concurrently, each with
// its own session over the shared database.
//
// # Protocol
//
// Startup answers SSLRequest with TLS when Options.TLS is set ('N'
// otherwise), refuses GSS encryption, authenticates by trust or,
// when Options.Users is set, by SCRAM-SHA-256 or a cleartext password,
// reports the ParameterStatus values clients rely on (server_version,
// client_encoding UTF8, DateStyle ISO, TimeZone UTC, integer_datetimes,
// standard_conforming_strings) and a BackendKeyData. A CancelRequest
// (on a connection of its own, closed without a reply, as PostgreSQL
// does) with a session's process ID and secret key cancels the statement
// that session is running: it fails with 57014, inside a transaction
// block aborting it. It reaches a statement waiting for a row lock or an
// advisory lock and one looping over many rows; a request with a wrong
// key, or for a session running nothing, does nothing.
//
// LISTEN and NOTIFY: a NotificationResponse, with the sender's process
// ID, goes to an idle client as soon as the sender commits, to a busy
// one before its next ReadyForQuery outside a transaction block (see
// notify.go).
//
// The simple query protocol runs every statement of a message, each
// answered with its own RowDescription, DataRows and CommandComplete, in
// one implicit transaction. The extended protocol has named and unnamed
// statements and portals, Describe of both (parameter OIDs inferred by
// pgsql.Session.Prepare), Execute with a row limit and PortalSuspended,
// Close, Flush, Sync and, after an error, skipping to the next Sync;
// the messages between two Syncs run in one implicit block.
// Parameters and results go in text or binary format, per parameter and
// per column, for int2, int4, int8, float4, float8, numeric, text, varchar,
// bpchar, bool, bytea, date, timestamp and timestamptz. COPY table
// [(columns)] FROM STDIN (pgx's CopyFrom, lib/pq's CopyIn, psql's \copy)
// loads all rows or none, and COPY table [(columns)] | (query) TO STDOUT
// sends rows, in text, CSV or binary format, with PostgreSQL's options in
// both syntaxes (WITH (FORMAT csv, HEADER match, DELIMITER ';', NULL 'x',
// QUOTE, ESCAPE, FORCE_QUOTE, FORCE_NOT_NULL, FORCE_NULL) and WITH CSV
// HEADER ...), its quoting, end marker, messages and CONTEXT lines; COPY
// is served by this package over pgsql's INSERT and SELECT, as a Query
// message of its own. ReadyForQuery carries the session's true state (I, T or E); errors and warnings carry
// every field of pgsql.Error.
//
// # Limits
//
// Options.MaxConns bounds the connections (53300 beyond it) and
// Options.MaxMessageSize one message (08P01, closing that connection).
// A malformed message closes its own connection with a FATAL 08P01 and
// touches no other; a client that goes away inside a transaction has it
// rolled back.
//
// # Caveats
//
// A portal that returns rows runs whole at its first Describe or Execute
// and keeps its rows, which Execute sends a row limit at a time: a cursor
// over a huge result holds it in memory. Describing a prepared query runs
// it once with NULL parameters, read-only and rolled back, to learn its
// column types. COPY FROM inserts its rows in batches, each a multi-row
// INSERT whose errors say which row failed (pgsql.Error.Row), so that a
// duplicate key, a NOT NULL or CHECK violation or a value too long for its
// column has PostgreSQL's CONTEXT line; a foreign key is checked at the
// end of each batch, where PostgreSQL checks it at the end of the COPY, so
// a row may reference a later row only within its batch. The function
// call message and GSSAPI are not supported.
package pgwire
