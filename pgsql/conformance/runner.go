package conformance

import (
	"context"
	"flag"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/reldb/reldb/internal/scenario"
)

// blockTimeout bounds one block's session.
const blockTimeout = 2 * time.Minute

// Walk runs every testdata file in dir on its own Conn, the files in
// parallel subtests named after them. open returns a Conn on a fresh, empty
// database for the file at path and arranges (t.Cleanup) to drop it.
//
// With -rewrite, only a PostgreSQL Conn may run: the corpus records
// PostgreSQL's outputs and nothing else's.
func Walk(t *testing.T, dir string, open func(t *testing.T, path string) Conn) {
	t.Helper()
	scenario.WalkFiles(t, dir, func(t *testing.T, path string) {
		t.Parallel()
		RunFile(t, path, open(t, path))
	})
}

// RunFile runs the cases of one testdata file on conn, in order, and
// compares each case's output with the file's.
func RunFile(t *testing.T, path string, conn Conn) {
	t.Helper()
	if _, ok := conn.(*PostgreSQL); !ok && rewriting() {
		t.Fatalf("conformance: -rewrite records PostgreSQL's outputs; %T may only be compared", conn)
	}
	scenario.RunFile(t, path, func(t *testing.T, c *scenario.Case) string {
		return runCase(t, conn, c)
	})
}

// rewriting reports whether the test binary runs with scenario's -rewrite.
func rewriting() bool {
	f := flag.Lookup("rewrite")
	return f != nil && f.Value.String() == "true"
}

func runCase(t *testing.T, conn Conn, c *scenario.Case) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), blockTimeout)
	defer cancel()
	switch c.Cmd {
	case "reset":
		if err := conn.Reset(ctx); err != nil {
			t.Fatalf("%s: reset: %v", c.Pos(), err)
		}
		return ""
	case "exec", "query":
	default:
		t.Fatalf("%s: unknown command %q (want exec, query or reset)", c.Pos(), c.Cmd)
	}
	for _, a := range c.Args {
		if c.Cmd != "query" || a.Key != "ordered" || a.Vals != nil {
			t.Fatalf("%s: %s: unknown argument %s", c.Pos(), c.Cmd, a)
		}
	}
	stmts, err := SplitStatements(c.Input)
	if err != nil {
		t.Fatalf("%s: %v", c.Pos(), err)
	}
	if len(stmts) == 0 {
		t.Fatalf("%s: %s without statements", c.Pos(), c.Cmd)
	}
	ordered := c.HasArg("ordered")
	if ordered && !orderByRE.MatchString(stmts[len(stmts)-1]) {
		t.Errorf("%s: query ordered, but the query has no ORDER BY", c.Pos())
	}
	res, err := conn.Run(ctx, stmts)
	if err != nil {
		t.Fatalf("%s: %v", c.Pos(), err)
	}
	if len(res) != len(stmts) {
		t.Fatalf("%s: %d results for %d statements", c.Pos(), len(res), len(stmts))
	}
	var b strings.Builder
	last := len(res)
	if c.Cmd == "query" {
		last--
	}
	for _, r := range res[:last] {
		b.WriteString(outcome(r) + "\n")
	}
	if c.Cmd == "query" {
		b.WriteString(table(res[last], ordered))
	}
	return b.String()
}

// orderByRE finds an ORDER BY in a query's text.
var orderByRE = regexp.MustCompile(`(?i)\border\s+by\b`)

// SplitStatements splits a block's input into statements: groups of lines,
// each group ending with a line whose last non-blank character is ";".
// Blank lines between statements are dropped; lines keep their text.
func SplitStatements(input string) ([]string, error) {
	var stmts []string
	var cur []string
	for _, l := range strings.Split(input, "\n") {
		trimmed := strings.TrimSpace(l)
		if trimmed == "" && len(cur) == 0 {
			continue
		}
		cur = append(cur, strings.TrimRight(l, " \t\r"))
		if strings.HasSuffix(trimmed, ";") {
			stmts = append(stmts, strings.Join(cur, "\n"))
			cur = nil
		}
	}
	if len(cur) > 0 {
		return nil, fmt.Errorf("statement does not end with ';': %q", strings.Join(cur, "\n"))
	}
	return stmts, nil
}

// outcome is a statement's line in exec's output: the tag and its warnings,
// or the error.
func outcome(r Result) string {
	var s string
	if r.SQLState != "" {
		s = "ERROR " + r.SQLState
	} else {
		s = r.Tag
	}
	for _, w := range r.Warnings {
		s += " (WARNING " + w + ")"
	}
	return s
}

// table is a query's output: header, rows (sorted unless ordered) and tag;
// or its outcome line when it failed or returned no rows.
func table(r Result, ordered bool) string {
	if r.SQLState != "" || r.Columns == nil {
		return outcome(r) + "\n"
	}
	var b strings.Builder
	if len(r.Columns) == 0 {
		b.WriteString("(no columns)\n")
	} else {
		names := make([]string, len(r.Columns))
		for i, c := range r.Columns {
			names[i] = renderText(c)
		}
		b.WriteString(strings.Join(names, "|") + "\n")
	}
	lines := make([]string, len(r.Rows))
	for i, row := range r.Rows {
		lines[i] = renderRow(row)
	}
	if !ordered {
		slices.Sort(lines)
	}
	for _, l := range lines {
		b.WriteString(l + "\n")
	}
	b.WriteString(outcome(r) + "\n")
	return b.String()
}
