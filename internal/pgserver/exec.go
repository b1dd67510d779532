package pgserver

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
)

// Null is how a NULL value appears in Result.Rows. A text value equal to
// Null is indistinguishable from NULL; scenarios should not use one.
const Null = "<NULL>"

// Output separators: psql prints rows unaligned with these between fields
// and records. Values containing them cannot be told apart and make Exec
// fail rather than return wrong rows.
const (
	fieldSep  = "\x1f" // ASCII unit separator
	recordSep = "\x1e" // ASCII record separator
)

// Result is the outcome of one statement.
type Result struct {
	// Stmt is the statement as given to Exec.
	Stmt string
	// OK is true when the statement succeeded.
	OK bool
	// SQLState is the five-character error code, such as "23503", or ""
	// when OK. Inside a failed transaction block later statements report
	// "25P02", as PostgreSQL does.
	SQLState string
	// Columns are the result's column names, nil unless the statement
	// returned rows (a SELECT, or DML with RETURNING).
	Columns []string
	// Rows are the returned rows as PostgreSQL's text output, NULL as
	// [Null]; nil unless the statement returned rows (non-nil and empty
	// for a query that matched nothing).
	Rows [][]string
	// RowCount is the number of rows returned or affected, as psql's
	// ROW_COUNT: 0 after an error or for statements without a count.
	RowCount int64
	// Messages are the notices, warnings and errors the statement raised,
	// with severity and SQLSTATE only, such as "WARNING:  25P01".
	Messages []string
}

// Err returns nil when the statement succeeded, else an *Error.
func (r Result) Err() error {
	if r.OK {
		return nil
	}
	return &Error{Stmt: r.Stmt, SQLState: r.SQLState}
}

// Error is a statement PostgreSQL rejected, as returned by Result.Err.
type Error struct {
	Stmt     string // the statement as given to Exec
	SQLState string // PostgreSQL's error code, such as "23505"
}

func (e *Error) Error() string {
	return fmt.Sprintf("reldb: postgresql error %s in %q", e.SQLState, e.Stmt)
}

// Exec runs stmts in order in one psql session connected to database db, so
// transaction state carries from one statement to the next, and returns one
// Result per statement. A failing statement does not stop the others.
//
// Each string should hold one SQL statement; a missing final semicolon is
// added. The text goes to psql as script, so psql meta-commands (a
// backslash outside quotes) and :variables in it are psql's, and COPY FROM
// STDIN is not supported.
//
// ctx bounds the psql process, which is killed when ctx is done: give it a
// deadline, since a statement waiting on another session's lock waits until
// then.
//
// The returned error is not about SQL: it means psql could not run or
// connect, stopped early (then the results so far are returned with it), or
// printed output Exec cannot parse.
func (s *Server) Exec(ctx context.Context, db string, stmts []string) ([]Result, error) {
	nonce, err := newNonce()
	if err != nil {
		return nil, err
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, s.bin.psql,
		"-X", "-q", "-A",
		"-v", "ON_ERROR_STOP=0",
		"-h", s.Host(), "-p", strconv.Itoa(s.port),
		"-U", Superuser, "-d", db,
		"-f", "-",
	)
	cmd.Env = cleanEnv()
	cmd.Stdin = strings.NewReader(script(nonce, stmts))
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	runErr := cmd.Run()
	results, parseErr := parseOutput(nonce, stmts, stdout.String(), stderr.String())
	if runErr != nil {
		return results, fmt.Errorf("pgserver: psql on database %q: %w\n%s", db, runErr, tail(stderr.Bytes()))
	}
	if parseErr != nil {
		return results, fmt.Errorf("pgserver: psql on database %q: %w\n%s", db, parseErr, tail(stderr.Bytes()))
	}
	return results, nil
}

// CreateDatabase creates an empty database from template0.
func (s *Server) CreateDatabase(ctx context.Context, name string) error {
	return s.admin(ctx, "create database", "CREATE DATABASE "+quoteIdent(name)+" TEMPLATE template0")
}

// DropDatabase drops a database, closing its connections. Dropping one that
// does not exist is not an error.
func (s *Server) DropDatabase(ctx context.Context, name string) error {
	return s.admin(ctx, "drop database", "DROP DATABASE IF EXISTS "+quoteIdent(name)+" WITH (FORCE)")
}

// admin runs one statement in the postgres database.
func (s *Server) admin(ctx context.Context, what, stmt string) error {
	res, err := s.Exec(ctx, "postgres", []string{stmt})
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := res[0].Err(); err != nil {
		return fmt.Errorf("pgserver: %s: %w", what, err)
	}
	return nil
}

// quoteIdent quotes a SQL identifier.
func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

func newNonce() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("pgserver: make output marker: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// script builds psql's input. psql prints rows on stdout and messages on
// stderr, two streams whose interleaving is not reliable, so each statement
// is followed by an end marker on both: \echo (stdout) carrying psql's
// SQLSTATE and ROW_COUNT variables, and \warn (stderr). Segment i of each
// stream is then everything between marker i-1 (or the start marker) and
// marker i. Markers carry a random nonce so no value can fake one.
func script(nonce string, stmts []string) string {
	var b strings.Builder
	b.WriteString(`\set VERBOSITY sqlstate
\set SHOW_CONTEXT never
\pset format unaligned
\pset footer on
\pset tuples_only off
\pset fieldsep '\037'
\pset recordsep '\036'
\pset null '` + Null + `'
`)
	fmt.Fprintf(&b, "\\echo '@@%s start'\n\\warn '@@%s start'\n", nonce, nonce)
	for i, stmt := range stmts {
		// psql keeps its variables from the previous query when a string
		// sends nothing; reset them so a stale error cannot leak.
		b.WriteString("\\set SQLSTATE none\n\\set ROW_COUNT 0\n")
		b.WriteString(stmt)
		if !strings.HasSuffix(strings.TrimSpace(stmt), ";") {
			// On its own line, so a trailing -- comment cannot swallow it.
			b.WriteString("\n;")
		}
		fmt.Fprintf(&b, "\n\\echo '@@%s end %d' :SQLSTATE :ROW_COUNT\n\\warn '@@%s end %d'\n", nonce, i, nonce, i)
	}
	return b.String()
}

// parseOutput splits psql's two streams at the markers and builds one
// Result per statement. When a marker is missing (psql stopped early), it
// returns the results before it and an error.
func parseOutput(nonce string, stmts []string, stdout, stderr string) ([]Result, error) {
	// Missing markers are reported below, by counting the results.
	outSegs, outTails, _ := segments(stdout, nonce, len(stmts), true /* withVars */)
	errSegs, _, _ := segments(stderr, nonce, len(stmts), false /* withVars */)
	var err error
	var results []Result
	for i := range outSegs {
		r := Result{Stmt: stmts[i], OK: true}
		vars := strings.Fields(outTails[i])
		if len(vars) != 2 {
			return results, fmt.Errorf("statement %d: malformed end marker %q", i, outTails[i])
		}
		if state := vars[0]; state != "none" && state != "00000" {
			r.OK, r.SQLState = false, state
		}
		if r.RowCount, err = strconv.ParseInt(vars[1], 10, 64); err != nil {
			return results, fmt.Errorf("statement %d: malformed row count %q: %w", i, vars[1], err)
		}
		if i < len(errSegs) {
			r.Messages = messages(errSegs[i])
		}
		// A string holding several statements reports its first error.
		if code, ok := firstError(r.Messages); ok {
			r.OK, r.SQLState = false, code
		}
		if r.Columns, r.Rows, err = parseTables(outSegs[i]); err != nil {
			return results, fmt.Errorf("statement %d: %w", i, err)
		}
		results = append(results, r)
	}
	if len(results) < len(stmts) {
		return results, fmt.Errorf("%w: psql stopped before the end of statement %d", errIncomplete, len(results))
	}
	return results, nil
}

// errIncomplete marks output that ends before every statement reported.
var errIncomplete = errors.New("reldb: incomplete psql output")

// segments cuts out (after the start marker) the text before each end
// marker. With withVars, tails holds what follows each end marker on its
// line (psql's variables). It stops at the first missing marker.
func segments(out, nonce string, n int, withVars bool) (segs, tails []string, err error) {
	start := "@@" + nonce + " start\n"
	i := strings.Index(out, start)
	if i < 0 {
		return nil, nil, errIncomplete
	}
	rest := out[i+len(start):]
	for k := 0; k < n; k++ {
		marker := fmt.Sprintf("@@%s end %d", nonce, k)
		j := indexLine(rest, marker)
		if j < 0 {
			return segs, tails, errIncomplete
		}
		segs = append(segs, rest[:j])
		line, after, _ := strings.Cut(rest[j+len(marker):], "\n")
		if withVars {
			tails = append(tails, line)
		}
		rest = after
	}
	return segs, tails, nil
}

// indexLine returns the index of the first occurrence of prefix at the start
// of a line in s, or -1.
func indexLine(s, prefix string) int {
	for off := 0; ; {
		j := strings.Index(s[off:], prefix)
		if j < 0 {
			return -1
		}
		j += off
		if j == 0 || s[j-1] == '\n' {
			return j
		}
		off = j + 1
	}
}

// psqlPrefix is what psql puts before messages when reading a script:
// "psql:<stdin>:12: ".
var psqlPrefix = regexp.MustCompile(`^psql:[^:]*:\d+: `)

// messages returns the non-empty stderr lines without psql's prefix.
func messages(seg string) []string {
	var msgs []string
	for _, line := range strings.Split(seg, "\n") {
		line = strings.TrimRight(psqlPrefix.ReplaceAllString(line, ""), " \r")
		if line != "" {
			msgs = append(msgs, line)
		}
	}
	return msgs
}

// errorLine matches an error as psql prints it with VERBOSITY sqlstate.
var errorLine = regexp.MustCompile(`^(?:ERROR|FATAL|PANIC):\s+([0-9A-Z]{5})$`)

// firstError returns the SQLSTATE of the first error among msgs.
func firstError(msgs []string) (string, bool) {
	for _, m := range msgs {
		if sm := errorLine.FindStringSubmatch(m); sm != nil {
			return sm[1], true
		}
	}
	return "", false
}

// footer is psql's table footer, which ends every table in unaligned format.
var footer = regexp.MustCompile(`^\((\d+) rows?\)\n`)

// parseTables parses psql's unaligned table output in a stdout segment:
// header RS row RS ... RS "(n rows)" LF, fields split by FS. A segment may
// hold several tables when a string held several queries; the last wins.
// It is read from the end, where the footer gives the row count, so a value
// that looks like a footer cannot end the table early. An empty segment
// means no rows were returned: nil, nil.
func parseTables(seg string) (columns []string, rows [][]string, err error) {
	if seg == "" {
		return nil, nil, nil
	}
	recs := strings.Split(seg, recordSep)
	last := recs[len(recs)-1]
	m := footer.FindStringSubmatch(last)
	if m == nil || len(m[0]) != len(last) {
		return nil, nil, fmt.Errorf("psql output does not end with a table footer: %q", seg)
	}
	n, err := strconv.Atoi(m[1])
	if err != nil || n > len(recs)-2 {
		return nil, nil, fmt.Errorf("psql output has fewer rows than its footer %q: %q", m[0], seg)
	}
	header := recs[len(recs)-2-n]
	if len(recs)-2-n > 0 {
		// An earlier table's footer line precedes this header.
		fm := footer.FindString(header)
		if fm == "" {
			return nil, nil, fmt.Errorf("psql output has more rows than its footer %q: %q", m[0], seg)
		}
		header = header[len(fm):]
	}
	columns = splitFields(header, -1)
	rows = make([][]string, 0, n)
	for _, rec := range recs[len(recs)-1-n : len(recs)-1] {
		row := splitFields(rec, len(columns))
		if row == nil {
			return nil, nil, fmt.Errorf("row %q does not have %d fields (a value holds a separator?)", rec, len(columns))
		}
		rows = append(rows, row)
	}
	return columns, rows, nil
}

// splitFields splits a record into fields; a query with no columns prints
// an empty record. With want >= 0 it returns nil unless there are want.
func splitFields(rec string, want int) []string {
	fields := []string{}
	if rec != "" || want > 0 {
		fields = strings.Split(rec, fieldSep)
	}
	if want >= 0 && len(fields) != want {
		return nil
	}
	return fields
}
