package conformance

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/reldb/reldb/internal/pgserver"
)

// PostgreSQL is a Conn on a database of a real PostgreSQL server, through
// package pgserver (which runs psql, one process per Run).
//
// pgserver returns a statement's SQLSTATE and messages but runs psql
// quietly, which hides command tags, and marks NULL with a string a text
// value could equal. So every statement is preceded by psql commands that
// send its output, command tag included, to a file of its own (\o) with
// QUIET off and NULL shown as the control character GS; Run reads the
// files. Values containing the control characters GS, RS or US cannot be
// told apart from the separators and are not supported.
type PostgreSQL struct {
	srv *pgserver.Server
	db  string
	dir string // holds the per-statement output files
}

var _ Conn = (*PostgreSQL)(nil)

// Output markers of the psql commands Run adds; see psqlPrefix.
const (
	pgNull      = "\x1d" // \pset null: ASCII group separator
	pgRecordSep = "\x1e" // pgserver's \pset recordsep
	pgFieldSep  = "\x1f" // pgserver's \pset fieldsep
)

// NewPostgreSQL creates the database db on srv, empty, and returns a Conn
// on it. dir is an existing directory for psql's output files, which Run
// removes as it goes. Close drops the database.
func NewPostgreSQL(ctx context.Context, srv *pgserver.Server, db, dir string) (*PostgreSQL, error) {
	p := &PostgreSQL{srv: srv, db: db, dir: dir}
	if err := srv.CreateDatabase(ctx, db); err != nil {
		return nil, fmt.Errorf("conformance: %w", err)
	}
	return p, nil
}

// Run runs stmts in one psql session.
func (p *PostgreSQL) Run(ctx context.Context, stmts []string) ([]Result, error) {
	dir, err := os.MkdirTemp(p.dir, "run")
	if err != nil {
		return nil, fmt.Errorf("conformance: %w", err)
	}
	defer os.RemoveAll(dir)
	wrapped := make([]string, len(stmts))
	for i, s := range stmts {
		wrapped[i] = psqlPrefix(outPath(dir, i)) + s
	}
	res, err := p.srv.Exec(ctx, p.db, wrapped)
	if err != nil {
		return nil, fmt.Errorf("conformance: %w", err)
	}
	results := make([]Result, len(res))
	for i, r := range res {
		out := Result{Warnings: warnings(r.Messages)}
		if !r.OK {
			out.SQLState = r.SQLState
			results[i] = out
			continue
		}
		text, err := os.ReadFile(outPath(dir, i))
		if err != nil {
			return nil, fmt.Errorf("conformance: output of %q: %w", stmts[i], err)
		}
		if out.Columns, out.Rows, out.Tag, err = parsePsqlOutput(string(text)); err != nil {
			return nil, fmt.Errorf("conformance: output of %q: %w", stmts[i], err)
		}
		results[i] = out
	}
	return results, nil
}

// Reset drops the database and creates it again.
func (p *PostgreSQL) Reset(ctx context.Context) error {
	if err := p.srv.DropDatabase(ctx, p.db); err != nil {
		return fmt.Errorf("conformance: %w", err)
	}
	if err := p.srv.CreateDatabase(ctx, p.db); err != nil {
		return fmt.Errorf("conformance: %w", err)
	}
	return nil
}

// Close drops the database.
func (p *PostgreSQL) Close(ctx context.Context) error {
	if err := p.srv.DropDatabase(ctx, p.db); err != nil {
		return fmt.Errorf("conformance: %w", err)
	}
	return nil
}

func outPath(dir string, i int) string {
	return filepath.Join(dir, strconv.Itoa(i)+".out")
}

// psqlPrefix returns the psql commands that go before a statement: quietly
// (so nothing reaches pgserver's stdout) show NULL as pgNull and send
// output to path, then turn QUIET off so that psql prints the command tag.
// \o closes the previous statement's file; psql closes the last one when it
// exits.
func psqlPrefix(path string) string {
	return "\\set QUIET on\n\\pset null '\\035'\n\\o '" + path + "'\n\\set QUIET off\n"
}

// warningLine matches a warning as pgserver reports it.
var warningLine = regexp.MustCompile(`^WARNING:\s+([0-9A-Z]{5})$`)

// warnings returns the SQLSTATEs of the warnings among pgserver's messages.
func warnings(msgs []string) []string {
	var codes []string
	for _, m := range msgs {
		if sm := warningLine.FindStringSubmatch(m); sm != nil {
			codes = append(codes, sm[1])
		}
	}
	return codes
}

// footerRE is psql's table footer, followed by the command tag when psql
// prints one after a table (INSERT, UPDATE, DELETE and MERGE with
// RETURNING).
var footerRE = regexp.MustCompile(`^\((\d+) rows?\)\n(?:([^\n]+)\n)?$`)

// parsePsqlOutput reads what psql printed for one successful statement with
// QUIET off, pgserver's unaligned format and NULL shown as pgNull: either a
// command tag line, or a table — header RS row RS … RS "(n rows)" LF —
// optionally followed by a tag line. A table without a tag is a query's,
// whose tag psql does not print: it is reported as SELECT n.
func parsePsqlOutput(out string) (columns []string, rows [][]Value, tag string, err error) {
	if !strings.Contains(out, pgRecordSep) {
		tag, ok := strings.CutSuffix(out, "\n")
		if !ok || tag == "" || strings.Contains(tag, "\n") {
			return nil, nil, "", fmt.Errorf("want one command tag line, got %q", out)
		}
		return nil, nil, tag, nil
	}
	recs := strings.Split(out, pgRecordSep)
	m := footerRE.FindStringSubmatch(recs[len(recs)-1])
	if m == nil {
		return nil, nil, "", fmt.Errorf("table does not end with a footer: %q", out)
	}
	n, err := strconv.Atoi(m[1])
	if err != nil || n != len(recs)-2 {
		return nil, nil, "", fmt.Errorf("table footer %q does not match its %d records (a value holds a separator?): %q", m[0], len(recs)-2, out)
	}
	tag = m[2]
	if tag == "" {
		tag = "SELECT " + m[1]
	}
	columns = []string{}
	if recs[0] != "" {
		columns = strings.Split(recs[0], pgFieldSep)
	}
	rows = make([][]Value, 0, n)
	for _, rec := range recs[1 : len(recs)-1] {
		var fields []string
		if rec != "" || len(columns) > 0 {
			fields = strings.Split(rec, pgFieldSep)
		}
		if len(fields) != len(columns) {
			return nil, nil, "", fmt.Errorf("row %q does not have %d fields (a value holds a separator?)", rec, len(columns))
		}
		row := make([]Value, len(fields))
		for j, f := range fields {
			if f == pgNull {
				row[j] = Null
			} else {
				row[j] = Text(f)
			}
		}
		rows = append(rows, row)
	}
	return columns, rows, tag, nil
}
