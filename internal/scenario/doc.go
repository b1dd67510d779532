// Package scenario runs data-driven test files, in the format of pebble's
// datadriven package, for reldb's own tests and for the PostgreSQL
// conformance suite, which plays the same files on reldb and on a real
// server. It is our own small runner: the core module takes no test-data
// library.
//
// A file, by convention testdata/<topic>.txt, is a sequence of cases:
//
//	# Comment lines start with #.
//	command arg1 key=value key=(a,b)
//	input line 1
//	input line 2
//	----
//	expected output line 1
//	expected output line 2
//
// The first word of the command line is the command; the rest are
// arguments: a bare key, key=value, key="quoted value" or key=(a, b). Input
// runs from the line after the command to a line "----" and may contain
// blank lines. Expected output runs from there to the next blank line or the
// end of the file. Output that contains blank lines is wrapped in double
// separators:
//
//	command
//	----
//	----
//	first paragraph
//
//	second paragraph
//	----
//	----
//
// [RunFile] runs a file's cases in order, all in one test, so that they can
// share state (a database the first case creates and the next ones use); a
// mismatch is reported with the case's file:line and a diff, and the run goes
// on. Outputs are compared after trailing whitespace is removed from every
// line and trailing blank lines are dropped. With the -rewrite flag
// (go test ./pkg -rewrite) the runner writes the actual outputs into the file
// instead of failing, keeping comments, commands and inputs byte for byte.
//
// The package registers the -rewrite flag; a test binary that imports it
// must not define a flag of that name.
package scenario
