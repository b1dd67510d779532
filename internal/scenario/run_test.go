package scenario

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recorder is a reporter that keeps what the runner reports.
type recorder struct {
	errors []string
	fatal  bool
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	r.fatal = true
}

// runner returns the Func for testdata/runner.txt. Its counter is the state
// the cases share.
func runner() Func {
	n := 0
	return func(t *testing.T, c *Case) string {
		switch c.Cmd {
		case "echo":
			return c.Input
		case "args":
			var b strings.Builder
			for _, a := range c.Args {
				if a.Vals == nil {
					fmt.Fprintln(&b, a.Key)
				} else {
					fmt.Fprintf(&b, "%s %q\n", a.Key, a.Vals)
				}
			}
			return b.String()
		case "incr":
			by := 1
			if a, ok := c.Arg("by"); ok {
				var err error
				by, err = strconv.Atoi(a.Vals[0])
				require.NoError(t, err, c.Pos())
			}
			n += by
			return fmt.Sprintf("n=%d\n", n)
		case "silent":
			return ""
		}
		t.Fatalf("%s: unknown command %q", c.Pos(), c.Cmd)
		return ""
	}
}

// Ensure a file whose outputs match passes, with state shared in order.
func TestRunFile_Match(t *testing.T) {
	RunFile(t, "testdata/runner.txt", runner())
}

// Ensure every mismatching case is reported with its file:line, command,
// input and a diff, that the run continues after one, and that trailing
// whitespace does not count.
func TestRunFile_Mismatch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.txt")
	require.NoError(t, os.WriteFile(path, []byte(""+
		"echo\n"+ // 1
		"same   \n"+
		"----\n"+
		"same\n"+
		"\n"+
		"echo k=v\n"+ // 6
		"a\n"+
		"b\n"+
		"----\n"+
		"a\n"+
		"old\n"+
		"\n"+
		"incr\n"+ // 13
		"----\n"+
		"n=7\n"), 0o644))

	var r recorder
	runFile(t, &r, path, runner(), false /* rewriting */)
	require.Len(t, r.errors, 2)
	assert.Equal(t, path+":6: echo k=v\n"+
		"input:\n    a\n    b\n"+
		"output differs (-expected +actual; rerun with -rewrite to accept):\n"+
		"  a\n- old\n+ b\n", r.errors[0])
	assert.True(t, strings.HasPrefix(r.errors[1], path+":13: incr\n"), r.errors[1])
	assert.Contains(t, r.errors[1], "- n=7\n+ n=1\n")
	assert.False(t, r.fatal)
}

// Ensure a malformed or missing file stops the run with an error naming it.
func TestRunFile_BadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.txt")
	require.NoError(t, os.WriteFile(path, []byte("echo\nno separator\n"), 0o644))
	for _, p := range []string{path, path + ".missing"} {
		var r recorder
		runFile(t, &r, p, runner(), false /* rewriting */)
		assert.True(t, r.fatal)
		require.Len(t, r.errors, 1)
		assert.Contains(t, r.errors[0], p)
	}
}

// copyFile copies src into dir and returns the copy's path.
func copyFile(t *testing.T, src, dir string) string {
	t.Helper()
	data, err := os.ReadFile(src)
	require.NoError(t, err)
	dst := filepath.Join(dir, filepath.Base(src))
	require.NoError(t, os.WriteFile(dst, data, 0o644))
	return dst
}

// comments returns a file's comment lines, in order.
func comments(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// Ensure -rewrite writes new outputs (switching between single and double
// separators as blank lines come and go) while keeping comments, commands
// and inputs, that the result then passes, and that rewriting with the
// original outputs restores the file byte for byte.
func TestRunFile_Rewrite(t *testing.T) {
	const src = "testdata/runner.txt"
	original, err := os.ReadFile(src)
	require.NoError(t, err)
	path := copyFile(t, src, t.TempDir())
	before, err := ParseFile(path)
	require.NoError(t, err)

	// changed gives echo its input in upper case without blank lines, and
	// args a blank line between arguments, so both block forms flip.
	changed := func() Func {
		inner := runner()
		return func(t *testing.T, c *Case) string {
			out := inner(t, c)
			switch c.Cmd {
			case "echo":
				return strings.ReplaceAll(strings.ToUpper(out), "\n\n", "\n")
			case "args":
				return strings.ReplaceAll(out, "\n", "\n\n")
			}
			return out
		}
	}

	var r recorder
	runFile(t, &r, path, changed(), true /* rewriting */)
	require.Empty(t, r.errors)

	after, err := ParseFile(path)
	require.NoError(t, err)
	require.Len(t, after, len(before))
	want := changed()
	for i, c := range after {
		b := before[i]
		assert.Equal(t, []any{b.Cmd, b.Args, b.Input}, []any{c.Cmd, c.Args, c.Input}, "case %d", i)
		assert.Equal(t, normalize(want(t, b)), normalize(c.Expected), "case %d", i)
	}
	assert.Equal(t, comments(t, src), comments(t, path))
	assert.Contains(t, readFile(t, path), "----\n----\nplain\n\nkey [\"value\"]\n")

	r = recorder{}
	runFile(t, &r, path, changed(), false /* rewriting */)
	assert.Empty(t, r.errors, "the rewritten file passes")

	r = recorder{}
	runFile(t, &r, path, runner(), true /* rewriting */)
	require.Empty(t, r.errors)
	assert.Equal(t, string(original), readFile(t, path), "rewriting back restores the file")
}

// Ensure that when fn ends the run early, -rewrite still writes the cases
// that ran and leaves the rest as they were.
func TestRunFile_RewritePartial(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.txt")
	require.NoError(t, os.WriteFile(path, []byte("echo\nnew\n----\nold\n\nstop\n----\nkept\n"), 0o644))
	var r recorder
	done := make(chan struct{})
	go func() {
		// Goexit is what t.Fatal does; this goroutine stands in for the test's.
		defer close(done)
		runFile(t, &r, path, func(t *testing.T, c *Case) string {
			if c.Cmd == "stop" {
				runtime.Goexit()
			}
			return c.Input
		}, true /* rewriting */)
	}()
	<-done
	assert.Empty(t, r.errors)
	assert.Equal(t, "echo\nnew\n----\nnew\n\nstop\n----\nkept\n", readFile(t, path))
}

// Ensure output the format cannot hold is an error, not a corrupt file.
func TestFormatOutput(t *testing.T) {
	tests := []struct {
		out  string
		want []string
	}{
		{"", []string{}},
		{"\n\n", []string{}},
		{"a  \nb\n", []string{"a", "b"}},
		{"a\n\nb", []string{"----", "a", "", "b", "----", "----"}},
		{"----\nx", []string{"----", "----", "x", "----", "----"}},
	}
	for _, tc := range tests {
		got, err := formatOutput(tc.out)
		require.NoError(t, err, "%q", tc.out)
		assert.Equal(t, tc.want, got, "%q", tc.out)
	}
	for _, out := range []string{"a\n\n----\n----", "a\n\n----"} {
		_, err := formatOutput(out)
		assert.ErrorIs(t, err, ErrSyntax, "%q", out)
	}
}

// Ensure Walk runs every file in name order, each as a subtest named after
// the file, and WalkFiles hands over paths.
func TestWalk(t *testing.T) {
	var files, names []string
	Walk(t, "testdata/walk", func(t *testing.T, c *Case) string {
		files = append(files, c.File)
		names = append(names, t.Name())
		return c.Input
	})
	assert.Equal(t, []string{"testdata/walk/a.txt", "testdata/walk/b.txt"}, files)
	assert.Equal(t, []string{"TestWalk/a", "TestWalk/b"}, names)

	var paths []string
	WalkFiles(t, "testdata/walk", func(t *testing.T, path string) {
		paths = append(paths, path)
	})
	assert.Equal(t, files, paths)
}

// Ensure the diff marks removed, added and common lines.
func TestDiff(t *testing.T) {
	assert.Equal(t, "  a\n- b\n+ x\n  c\n+ d\n", diff([]string{"a", "b", "c"}, []string{"a", "x", "c", "d"}))
	assert.Equal(t, "+ a\n", diff(nil, []string{"a"}))
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(data)
}
