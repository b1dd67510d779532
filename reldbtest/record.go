package reldbtest

import (
	"database/sql"
	"fmt"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"
)

// Statement is one statement text a database ran for the code under test.
type Statement struct {
	SQL    string
	Args   []any
	Caller string // file:line of the call that sent it (see Record); "" over the wire

	Err      error // what it returned; nil on success
	Duration time.Duration
}

// recorder collects statements while Record runs.
type recorder struct {
	stmts []Statement
}

func (h *handle) record(s Statement) {
	h.mu.Lock()
	for r := range h.recorders {
		r.stmts = append(r.stmts, s)
	}
	h.mu.Unlock()
}

// Record runs fn and returns every statement db (a *sql.DB from New) ran
// meanwhile, from any goroutine, in the order they started. BEGIN, COMMIT
// and ROLLBACK sent by database/sql's Tx are not statements here; the same
// words sent with Exec are. A statement's Caller is the first frame outside
// database/sql, reldb, the runtime and the common SQL libraries (sqlx,
// GORM, pgx, lib/pq): the application's line that sent it.
func Record(db *sql.DB, fn func()) []Statement {
	h := lookup(db)
	r := &recorder{}
	h.mu.Lock()
	if h.recorders == nil {
		h.recorders = map[*recorder]struct{}{}
	}
	h.recorders[r] = struct{}{}
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(h.recorders, r)
		h.mu.Unlock()
	}()
	fn()
	h.mu.Lock()
	defer h.mu.Unlock()
	return r.stmts
}

// AssertStatements fails the test unless fn ran exactly n statements on
// db, listing them with their callers and any N+1 pattern. It returns
// whether the assertion held, like testify's assertions.
func AssertStatements(t testing.TB, db *sql.DB, n int, fn func()) bool {
	t.Helper()
	stmts := Record(db, fn)
	if len(stmts) == n {
		return true
	}
	t.Errorf("reldbtest: want %d statements, ran %d:\n%s", n, len(stmts), Report(stmts))
	return false
}

// AssertMaxStatements fails the test if fn ran more than max statements on
// db, listing them with their callers and any N+1 pattern.
func AssertMaxStatements(t testing.TB, db *sql.DB, max int, fn func()) bool {
	t.Helper()
	stmts := Record(db, fn)
	if len(stmts) <= max {
		return true
	}
	t.Errorf("reldbtest: want at most %d statements, ran %d:\n%s", max, len(stmts), Report(stmts))
	return false
}

// Repeat is a statement shape that ran several times from one call site:
// the mark of an N+1 query.
type Repeat struct {
	Shape  string // the statement with literals replaced by ?
	Caller string
	Count  int
}

// NPlusOne returns the statement shapes that ran at least min times from
// one call site, most repeated first. A shape is the statement's text with
// its numbers and strings replaced by ? and white space folded, so a loop
// that formats ids into its SQL is caught as well as one passing $1.
func NPlusOne(stmts []Statement, min int) []Repeat {
	type key struct{ shape, caller string }
	counts := map[key]int{}
	var order []key
	for _, s := range stmts {
		k := key{Shape(s.SQL), s.Caller}
		if counts[k] == 0 {
			order = append(order, k)
		}
		counts[k]++
	}
	var out []Repeat
	for _, k := range order {
		if counts[k] >= min {
			out = append(out, Repeat{Shape: k.shape, Caller: k.caller, Count: counts[k]})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Count > out[j].Count })
	return out
}

// nPlusOneMin is how many runs of one shape from one caller Report calls
// an N+1.
const nPlusOneMin = 3

// Report formats statements one per line with their callers, then the N+1
// patterns among them (shapes run three or more times from one caller).
func Report(stmts []Statement) string {
	var b strings.Builder
	for i, s := range stmts {
		fmt.Fprintf(&b, "  %d. %s", i+1, oneLine(s.SQL))
		if len(s.Args) > 0 {
			fmt.Fprintf(&b, " %v", s.Args)
		}
		if s.Caller != "" {
			fmt.Fprintf(&b, "  (%s)", s.Caller)
		}
		if s.Err != nil {
			fmt.Fprintf(&b, "  error: %v", s.Err)
		}
		b.WriteByte('\n')
	}
	for _, r := range NPlusOne(stmts, nPlusOneMin) {
		fmt.Fprintf(&b, "  N+1: %d × %s  (%s)\n", r.Count, r.Shape, r.Caller)
	}
	return b.String()
}

func oneLine(s string) string {
	const max = 200
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > max {
		s = s[:max] + "…"
	}
	return s
}

var (
	stringLit = regexp.MustCompile(`'(?:[^']|'')*'`)
	numberLit = regexp.MustCompile(`\b[0-9]+(?:\.[0-9]+)?\b`)
	paramRef  = regexp.MustCompile(`\$\?`)
	inList    = regexp.MustCompile(`\((?:\s*\?\s*,)+\s*\?\s*\)`)
)

// Shape returns a statement's text with literals replaced by ?, IN lists
// of them folded to (...), and white space folded: statements that differ
// only in their values have one shape.
func Shape(sql string) string {
	s := strings.Join(strings.Fields(sql), " ")
	s = stringLit.ReplaceAllString(s, "?")
	s = numberLit.ReplaceAllString(s, "?")
	s = paramRef.ReplaceAllString(s, "?")
	s = inList.ReplaceAllString(s, "(...)")
	return s
}

// libraryPrefixes are the packages whose frames callerOutside skips: the
// path from the application to the driver.
var libraryPrefixes = []string{
	"database/sql.", "runtime.", "testing.",
	"github.com/reldb/reldb/pgsql.", "github.com/reldb/reldb/pgsql/internal/", "github.com/reldb/reldb/pgwire.", "github.com/reldb/reldb/reldbtest.",
	"github.com/jmoiron/sqlx", "gorm.io/", "github.com/jackc/pgx", "github.com/lib/pq",
}

// callerOutside returns file:line of the first frame outside the libraries
// between the application and the driver, or "" if there is none.
func callerOutside() string {
	var pcs [48]uintptr
	n := runtime.Callers(3, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		library := false
		for _, p := range libraryPrefixes {
			if strings.HasPrefix(f.Function, p) {
				library = true
				break
			}
		}
		if !library && f.Function != "" {
			return shortFile(f.File) + ":" + fmt.Sprint(f.Line)
		}
		if !more {
			return ""
		}
	}
}

// shortFile keeps the last two elements of a path: package directory and
// file, enough to find it and short enough to read.
func shortFile(path string) string {
	i := strings.LastIndexByte(path, '/')
	if i > 0 {
		if j := strings.LastIndexByte(path[:i], '/'); j >= 0 {
			return path[j+1:]
		}
	}
	return path
}
