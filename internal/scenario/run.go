package scenario

import (
	"flag"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// rewrite is read when a file runs, after the testing package parsed flags.
var rewrite = flag.Bool("rewrite", false, "rewrite scenario files with the actual outputs instead of failing")

// Func runs one case and returns its output.
type Func func(t *testing.T, c *Case) string

// reporter is the part of *testing.T the runner reports through; the
// runner's own tests substitute a recorder.
type reporter interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

var _ reporter = (*testing.T)(nil)

// RunFile runs the cases of the scenario file at path in order, in t
// itself (not in subtests), so that they share whatever state fn keeps. For
// each case it compares fn's output with the expected output, ignoring
// trailing whitespace on every line and trailing blank lines, and reports a
// mismatch as an error naming the case's file:line, with a diff; the
// following cases still run. If fn ends the test (t.Fatal), the remaining
// cases do not run.
//
// With -rewrite, RunFile writes the outputs of the cases that ran into the
// file instead of comparing, leaving everything else in it unchanged.
func RunFile(t *testing.T, path string, fn Func) {
	t.Helper()
	runFile(t, t, path, fn, *rewrite)
}

// Walk runs RunFile on every *.txt file in dir, in name order, each in a
// subtest named after the file without its extension. fn is shared by all
// files; to give each file fresh state use WalkFiles.
func Walk(t *testing.T, dir string, fn Func) {
	t.Helper()
	WalkFiles(t, dir, func(t *testing.T, path string) {
		RunFile(t, path, fn)
	})
}

// WalkFiles calls fn for every *.txt file in dir, in name order, each in a
// subtest named after the file without its extension; fn typically sets up
// state and calls RunFile. It fails the test if dir holds no such file.
func WalkFiles(t *testing.T, dir string, fn func(t *testing.T, path string)) {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		t.Fatalf("scenario: list %s: %v", dir, err)
	}
	if len(paths) == 0 {
		t.Fatalf("scenario: no *.txt files in %s", dir)
	}
	sort.Strings(paths)
	for _, p := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(p), ".txt"), func(t *testing.T) {
			fn(t, p)
		})
	}
}

func runFile(t *testing.T, r reporter, path string, fn Func, rewriting bool) {
	r.Helper()
	f, err := parseFile(path)
	if err != nil {
		r.Fatalf("%v", err)
		return
	}
	cases := f.cases
	actual := make([]*string, len(cases))
	if rewriting {
		// Deferred so that the cases that ran are written even if fn ends
		// the test early.
		defer func() {
			if err := writeFile(path, f, actual); err != nil {
				r.Errorf("%v", err)
			}
		}()
	}
	for i, c := range cases {
		out := fn(t, c)
		actual[i] = &out
		if rewriting {
			continue
		}
		want, got := normalize(c.Expected), normalize(out)
		if want != got {
			r.Errorf("%s", mismatch(c, want, got))
		}
	}
}

// normalize removes trailing whitespace from every line and trailing blank
// lines.
func normalize(s string) string {
	return strings.Join(normalizedLines(s), "\n")
}

func normalizedLines(s string) []string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t\r")
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// mismatch describes a case whose output differs from the file's.
func mismatch(c *Case, want, got string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", c.Pos(), c.Cmd)
	for _, a := range c.Args {
		b.WriteString(" " + a.String())
	}
	b.WriteString("\n")
	if c.Input != "" {
		b.WriteString("input:\n")
		for _, l := range strings.Split(c.Input, "\n") {
			b.WriteString("    " + l + "\n")
		}
	}
	b.WriteString("output differs (-expected +actual; rerun with -rewrite to accept):\n")
	b.WriteString(diff(splitNonEmpty(want), splitNonEmpty(got)))
	return b.String()
}

func splitNonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
