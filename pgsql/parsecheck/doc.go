// Package parsecheck checks reldb's SQL parser against PostgreSQL's own:
// pganalyze/pg_query_go, which compiles PostgreSQL's parser (libpg_query)
// with cgo. For each statement it compares one decision — does the grammar
// accept it — on both, over every statement of the differential corpus
// (pgsql/conformance/testdata), a table of lexical and grammatical corner
// cases, and fuzzed text.
//
// reldb may accept a statement PostgreSQL's grammar accepts and still
// refuse it later, with 0A000 for a construct it does not support or an
// error of analysis (42703, 42P01, ...): that counts as accepted. Only a
// syntax error (42601) or a lexical data exception (class 22, as a bad
// escape in a string) counts as rejected, since those are what
// PostgreSQL's raw parser reports.
//
// It is its own module so that cgo and pg_query_go stay out of the core
// go.mod; run it with
//
//	cd pgsql/parsecheck && go test ./...
//	cd pgsql/parsecheck && go test -run '^$' -fuzz FuzzAcceptReject -fuzztime 60s
package parsecheck
