package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/reldb/reldb/bench"
)

func runBench(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sizes := fs.String("sizes", "10,100,1000,10000", "comma-separated numbers of authors (each has 10 books with 3 of 50 tags)")
	depth := fs.Int("depth", 2, "levels to traverse: 1 = authors → books, 2 = → tags")
	latency := fs.Duration("latency", 0, "simulated latency per load, e.g. 200us for a networked database")
	api := fs.String("api", "dynamic", "API to traverse with: dynamic (records) or typed (structs)")
	reps := fs.Int("reps", 3, "runs per measurement; the median is reported")
	svg := fs.String("svg", "", "write a log-log chart of time against size, with each point's loads, to this file")
	asJSON := fs.Bool("json", false, "print the results as one JSON array instead of a table")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: reldb bench [flags]\n\nTimes eager (one prefetch) against lazy (one load per access) traversal of\nauthors → books → tags at growing sizes, on an in-memory database. A progress\nbar is drawn on stderr when it is a terminal.\n\nflags:")
		fs.PrintDefaults()
	}
	if status := parseFlags(fs, args, stderr); status >= 0 {
		return status
	}
	fail := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "reldb bench: "+format+"\n", args...)
		return 2
	}
	if fs.NArg() > 0 {
		return fail("unexpected argument %q", fs.Arg(0))
	}
	s := bench.Suite{Depth: *depth, Latency: *latency, Reps: *reps}
	for _, f := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return fail("-sizes: %q is not a positive number", f)
		}
		s.Sizes = append(s.Sizes, n)
	}
	switch *api {
	case "dynamic":
		s.API = bench.Dynamic
	case "typed":
		s.API = bench.Typed
	default:
		return fail("-api: %q is neither dynamic nor typed", *api)
	}
	if *depth != 1 && *depth != 2 {
		return fail("-depth: %d is neither 1 nor 2", *depth)
	}
	if *latency < 0 || *reps < 1 {
		return fail("-latency and -reps must not be negative or zero")
	}
	var chart *os.File
	if *svg != "" {
		f, err := os.OpenFile(*svg, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
		if err != nil {
			return fail("-svg: %v", err)
		}
		chart = f
		defer chart.Close()
	}
	var progress func(done, total int)
	if isTerminal(stderr) {
		progress = progressBar(stderr)
	}
	ms, err := s.Run(progress)
	if err != nil {
		fmt.Fprintf(stderr, "reldb bench: %v\n", err)
		return 1
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		if err := enc.Encode(ms); err != nil {
			fmt.Fprintf(stderr, "reldb bench: %v\n", err)
			return 1
		}
	} else {
		printTable(stdout, s, ms)
	}
	if chart != nil {
		title := fmt.Sprintf("reldb: eager vs lazy traversal (%s API, depth %d)", *api, *depth)
		if *latency > 0 {
			title += fmt.Sprintf(", %v per load", *latency)
		}
		err := bench.WriteSVG(chart, ms, title)
		if err == nil {
			err = chart.Close()
		}
		if err != nil {
			fmt.Fprintf(stderr, "reldb bench: -svg: %v\n", err)
			return 1
		}
		fmt.Fprintf(stderr, "reldb bench: wrote the chart to %s\n", *svg)
	}
	return 0
}

// isTerminal reports whether w is a terminal (a character device), where a
// progress bar that rewrites its line with \r reads well; in a log or a
// pipe it would leave a line of bars.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// progressBar draws a bar on w, rewriting one line, and ends it when done.
func progressBar(w io.Writer) func(done, total int) {
	const width = 30
	return func(done, total int) {
		filled := width * done / total
		fmt.Fprintf(w, "\r[%s%s] %d/%d runs", strings.Repeat("#", filled), strings.Repeat(".", width-filled), done, total)
		if done == total {
			fmt.Fprintln(w)
		}
	}
}

// printTable prints one line per size: loads, time and ns per row of each
// mode, and how many times faster eager was.
func printTable(w io.Writer, s bench.Suite, ms []bench.Measurement) {
	fmt.Fprintf(w, "%8s %8s %12s %12s %11s %11s %12s %12s %8s\n",
		"authors", "rows", "eager loads", "lazy loads", "eager", "lazy", "eager ns/row", "lazy ns/row", "lazy/eager")
	for i := 0; i+1 < len(ms); i += 2 {
		e, l := ms[i], ms[i+1]
		fmt.Fprintf(w, "%8d %8d %12d %12d %11s %11s %12.0f %12.0f %7.1fx\n",
			e.Size, e.Rows, e.Loads, l.Loads, round(e.NS), round(l.NS), e.NSPerRow, l.NSPerRow, float64(l.NS)/float64(e.NS))
	}
	if s.Latency > 0 {
		fmt.Fprintf(w, "each load waited %v, as a round trip to a networked database would\n", s.Latency)
	}
}

func round(ns int64) string {
	d := time.Duration(ns)
	switch {
	case d >= time.Second:
		return d.Round(time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond).String()
	}
	return d.Round(time.Microsecond).String()
}
