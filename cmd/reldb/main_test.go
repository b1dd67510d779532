package main

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRun_ExitStatus checks the exit status and the stream each kind of
// command line writes to.
func TestRun_ExitStatus(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantStatus int
		wantOut    string // substring of stdout
		wantErr    string // substring of stderr
	}{
		{"no command", nil, 2, "", "usage: reldb"},
		{"help", []string{"help"}, 0, "bench", ""},
		{"unknown command", []string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{"help unknown command", []string{"help", "frobnicate"}, 2, "", `reldb help: unknown command "frobnicate"`},
		{"demo help", []string{"demo", "-h"}, 0, "", "usage: reldb demo"},
		{"demo bad flag", []string{"demo", "-nope"}, 2, "", "flag provided but not defined"},
		{"demo extra argument", []string{"demo", "x"}, 2, "", `unexpected argument "x"`},
		{"bench help", []string{"bench", "-h"}, 0, "", "usage: reldb bench"},
		{"serve help", []string{"serve", "-h"}, 0, "", "usage: reldb serve"},
		{"serve extra argument", []string{"serve", "x"}, 2, "", `unexpected argument "x"`},
		{"serve bad addr", []string{"serve", "-addr", "nope"}, 1, "", "reldb serve:"},
		{"serve cert without key", []string{"serve", "-tls-cert", "c.pem"}, 2, "", "-tls-cert and -tls-key go together"},
		{"serve missing cert", []string{"serve", "-tls-cert", "/nonexistent/c.pem", "-tls-key", "/nonexistent/k.pem"}, 2, "", "reldb serve:"},
		{"bench json", []string{"bench", "-sizes", "2,3", "-reps", "1", "-json"}, 0, `{"size":3,"mode":"lazy","loads":34,"rows":123,`, ""},
		{"bench table", []string{"bench", "-sizes", "2", "-reps", "1", "-depth", "1", "-api", "typed", "-latency", "1us"}, 0, "lazy/eager", ""},
		{"bench bad size", []string{"bench", "-sizes", "10,zero"}, 2, "", `-sizes: "zero" is not a positive number`},
		{"bench bad depth", []string{"bench", "-depth", "3"}, 2, "", "-depth: 3"},
		{"bench bad api", []string{"bench", "-api", "orm"}, 2, "", `-api: "orm"`},
		{"bench bad svg path", []string{"bench", "-sizes", "2", "-svg", "/nonexistent/dir/chart.svg"}, 2, "", "-svg:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			assert.Equal(t, tc.wantStatus, run(tc.args, &out, &errOut))
			assert.Contains(t, out.String(), tc.wantOut)
			assert.Contains(t, errOut.String(), tc.wantErr)
		})
	}
}

// TestRun_HelpCommand ensures 'reldb help COMMAND' prints that command's own
// usage (and for bench its flags) on stdout, not the general usage, and
// that an unknown command after help is one line and status 2.
func TestRun_HelpCommand(t *testing.T) {
	for _, c := range commands() {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			require.Equal(t, 0, run([]string{"help", c.name}, &out, &errOut))
			assert.Contains(t, out.String(), "usage: reldb "+c.name)
			assert.NotContains(t, out.String(), "commands:", "the general usage")
			assert.Empty(t, errOut.String())
		})
	}
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"help", "bench"}, &out, &errOut))
	for _, flag := range []string{"-sizes", "-depth", "-latency", "-api", "-reps", "-svg", "-json"} {
		assert.Contains(t, out.String(), flag)
	}

	for _, args := range [][]string{{"help", "frobnicate"}, {"help", "bench", "demo"}} {
		out.Reset()
		errOut.Reset()
		assert.Equal(t, 2, run(args, &out, &errOut), args)
		assert.Empty(t, out.String())
		assert.Equal(t, 1, strings.Count(errOut.String(), "\n"), "one line: %q", errOut.String())
	}
	assert.Contains(t, errOut.String(), "reldb help: want at most one command")
	out.Reset()
	require.Equal(t, 0, run([]string{"help", "help"}, &out, &errOut))
	assert.Contains(t, out.String(), "commands:")
}

// TestDemo_Narrates checks that the demo runs clean and narrates what the
// engine actually did.
func TestDemo_Narrates(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, demo(context.Background(), &out))
	got := out.String()
	for _, want := range []string{
		"inserted authors(id=1, name=Ursula K. Le Guin)",
		"plan: scan books using books_author_year",
		"The Dispossessed (1974)",
		"SQLSTATE 23505",
		"after rollback to savepoint: 2 books",
		"delete Butler (Kindred has a review): delete from authors key (id)=(2): reldb: update or delete on table \"books\" violates foreign key constraint \"reviews_book_id_fkey\" on table \"reviews\"",
		"her 3 books cascade away, 2 books left",
		"balance 100.00 - 10.00 - 10.00 = 80.00",
		"Octavia E. Butler: Kindred [science fiction, classic]",
		"loads: lazy 8 (1 + authors + books: the N+1 pattern), eager 3 (one per level)",
		`one-to-one: Ursula K. Le Guin has profile "writes Ursula K. Le Guin"`,
		`eager, Prefetch("books.tags"): the same 5 lines`,
		"wrote 12 authors, 48 books and 96 book-tag links in one commit to ",
		"reopened it from disk: 12 authors, 48 books; Frankenstein by Mary Shelley [gothic, 19th century]",
		"loads   in memory  200µs per load",
	} {
		assert.True(t, strings.Contains(got, want), "demo output lacks %q:\n%s", want, got)
	}
	// The lists are printed once, the lazy walk's; the eager one is compared.
	assert.Equal(t, 1, strings.Count(got, "Octavia E. Butler: Kindred"), got)
	// Loads and both times for each mode: 1 + 12 authors + 48 books lazily,
	// one per level eagerly.
	assert.Regexp(t, `lazy, Related per row \(N\+1\) +61 +\S+s +\S+s\n`, got)
	assert.Regexp(t, `eager, Prefetch\("books.tags"\) +3 +\S+s +\S+s\n`, got)
	// The durable shelf's directory is gone afterwards.
	m := regexp.MustCompile(`links in one commit to (\S+) \(log: \d+ bytes\), closed it`).FindStringSubmatch(got)
	require.Len(t, m, 2, got)
	assert.NoDirExists(t, m[1])
}

// TestBench_SVG: -svg writes a chart next to the table.
func TestBench_SVG(t *testing.T) {
	path := t.TempDir() + "/chart.svg"
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"bench", "-sizes", "1,10", "-reps", "1", "-svg", path}, &out, &errOut), errOut.String())
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Contains(t, string(b), "<polyline")
	assert.Contains(t, string(b), "lower is better")
	assert.Contains(t, string(b), "111 loads", "lazy's loads at 10 authors")
	assert.Equal(t, 3, strings.Count(out.String(), "\n"), "a header and one line per size:\n%s", out.String())
	assert.Equal(t, "reldb bench: wrote the chart to "+path+"\n", errOut.String())
}

// TestBench_ProgressBar ensures the \r progress bar is drawn only when
// stderr is a terminal: not into a buffer, nor into a file such as a log.
func TestBench_ProgressBar(t *testing.T) {
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"bench", "-sizes", "2", "-reps", "1"}, &out, &errOut))
	assert.Empty(t, errOut.String())

	log, err := os.Create(t.TempDir() + "/bench.log")
	require.NoError(t, err)
	defer log.Close()
	assert.False(t, isTerminal(log))
	require.Equal(t, 0, run([]string{"bench", "-sizes", "2", "-reps", "1"}, &out, log))
	b, err := os.ReadFile(log.Name())
	require.NoError(t, err)
	assert.Empty(t, string(b))

	var bar bytes.Buffer
	draw := progressBar(&bar)
	draw(1, 2)
	draw(2, 2)
	assert.Equal(t, "\r[###############...............] 1/2 runs\r[##############################] 2/2 runs\n", bar.String())
}
