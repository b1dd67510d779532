package reldbtest

import (
	"context"
	"database/sql"
	"regexp"
	"strings"
	"time"

	"github.com/reldb/reldb/pgsql"
)

// Fault makes statements that match it fail or wait: what neither a real
// server nor a mock gives cheaply. A statement matches when it contains
// Match (ignoring case and runs of white space) and names Table as a whole
// word; an empty field matches every statement.
type Fault struct {
	Match string
	Table string
	// Code is the SQLSTATE the statement fails with, instead of running:
	// "40001" to exercise a retry loop, "23505", "57014" for a timeout.
	// Empty runs the statement, after Delay.
	Code string
	// Message is the error's message; empty gives "injected by reldbtest".
	Message string
	// Delay holds the statement this long before it fails or runs. A
	// context that ends meanwhile fails it with 57014, as a cancelled
	// statement does.
	Delay time.Duration
	// Times is how many matching statements the fault affects: 0 means
	// the next one only, -1 every one until the test ends.
	Times int
}

// faultState is an injected Fault and how many statements it still
// affects (-1: all).
type faultState struct {
	Fault
	match string         // Match, normalized
	table *regexp.Regexp // Table as a word; nil: any
	left  int
}

// Inject adds a fault to db, a *sql.DB from New. Faults are tried in the
// order injected; a statement takes the first that matches and has
// statements left.
func Inject(db *sql.DB, f Fault) {
	h := lookup(db)
	fs := &faultState{Fault: f, match: normalize(f.Match), left: f.Times}
	if f.Times == 0 {
		fs.left = 1
	}
	if f.Table != "" {
		fs.table = regexp.MustCompile(`(?i)(^|[^\w$])"?` + regexp.QuoteMeta(f.Table) + `"?($|[^\w$])`)
	}
	h.mu.Lock()
	h.faults = append(h.faults, fs)
	h.mu.Unlock()
}

// FailNext makes the next statement on db that contains match fail with
// the SQLSTATE code.
func FailNext(db *sql.DB, match, code string) {
	Inject(db, Fault{Match: match, Code: code})
}

// matchFault returns the fault the statement takes, using up one of its
// statements, or nil. h.mu is held.
func (h *handle) matchFault(sql string) *Fault {
	if len(h.faults) == 0 {
		return nil
	}
	norm := normalize(sql)
	for i, f := range h.faults {
		if f.left == 0 || !strings.Contains(norm, f.match) || f.table != nil && !f.table.MatchString(sql) {
			continue
		}
		if f.left > 0 {
			f.left--
		}
		if f.left == 0 {
			h.faults = append(h.faults[:i:i], h.faults[i+1:]...)
		}
		return &f.Fault
	}
	return nil
}

// runFault applies f (nil: none) to a statement that next runs.
func runFault(ctx context.Context, f *Fault, next func() (pgsql.Result, error)) (pgsql.Result, error) {
	if f == nil {
		return next()
	}
	if f.Delay > 0 {
		timer := time.NewTimer(f.Delay)
		select {
		case <-ctx.Done():
			timer.Stop()
			return pgsql.Result{}, &pgsql.Error{Code: "57014", Message: "canceling statement due to user request"}
		case <-timer.C:
		}
	}
	if f.Code == "" {
		return next()
	}
	msg := f.Message
	if msg == "" {
		msg = "injected by reldbtest"
	}
	return pgsql.Result{}, &pgsql.Error{Code: f.Code, Message: msg}
}

// normalize lowers a statement's case and folds its white space, for
// matching.
func normalize(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}
