// Command peers runs every workload of package peers on reldb, go-memdb and
// SQLite (both drivers) in one process and prints one table: each system's
// median time per unit over several runs, and each peer's time divided by
// reldb's (above 1: reldb is ahead). SQLite's ratio uses the faster of its
// two drivers for that workload. Under readers+writer, a writer row gives
// the commit rate the paced writer achieved beside each system's readers:
// a loaded machine gives noisy figures and a starred short rate, never a
// failed run.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/reldb/reldb/bench/peers"
)

func main() {
	reps := flag.Int("reps", 5, "runs per workload and system; the median is reported")
	budget := flag.Duration("budget", 200*time.Millisecond, "timed work per run")
	authors := flag.Int("authors", peers.Standard.Authors, "authors of the library (10 books each, 3 of 50 tags per book)")
	run := flag.String("run", "", "only workloads matching this regexp")
	flag.Parse()
	if err := main1(*reps, *budget, *authors, *run); err != nil {
		fmt.Fprintln(os.Stderr, "peers:", err)
		os.Exit(1)
	}
}

func main1(reps int, budget time.Duration, authors int, run string) error {
	if reps < 1 {
		return errors.New("-reps must be at least 1")
	}
	only, err := regexp.Compile(run)
	if err != nil {
		return fmt.Errorf("-run: %w", err)
	}
	f := peers.Standard
	f.Authors = authors
	f.Traverse = min(f.Traverse, authors)
	systems := peers.Systems()
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := []string{"workload", "unit"}
	for _, s := range systems {
		head = append(head, s.Name)
	}
	head = append(head, "memdb/reldb", "sqlite/reldb", "sqlite driver")
	fmt.Fprintln(w, strings.Join(head, "\t")+"\t")
	start := time.Now()
	short := false
	for _, wl := range peers.Workloads() {
		if !only.MatchString(wl.Name) {
			continue
		}
		fmt.Fprintf(os.Stderr, "%-16s", wl.Name)
		res, err := measure(wl, systems, f, reps, budget)
		if err != nil {
			return fmt.Errorf("%s: %w", wl.Name, err)
		}
		fmt.Fprintln(os.Stderr)
		fmt.Fprintln(w, row(wl, systems, res.ns))
		if res.target > 0 {
			line, s := rateRow(systems, res)
			fmt.Fprintln(w, line)
			short = short || s
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if short {
		fmt.Printf("\n* The writer fell more than 10%% short of %d commits a second beside that system's readers: this\n"+
			"  machine is loaded, and that read figure was taken under a lighter write load than the others'.\n", peers.WritesPerSecond)
	}
	fmt.Printf("\n%d authors × 10 books × 3 of 50 tags; traversals over %d authors; %d readers beside a writer committing %d times a second; median of %d runs of ~%v each; %v in all.\n",
		f.Authors, f.Traverse, peers.Readers(), peers.WritesPerSecond, reps, budget, time.Since(start).Round(time.Second))
	fmt.Println("Ratios are peer time / reldb time: above 1, reldb is ahead. eager-join's reldb figure is its prefetch.")
	fmt.Println("The writer row is the median rate the paced writer achieved beside each system's readers.")
	return nil
}

// measured is one workload's medians, by system name.
type measured struct {
	ns     map[string]float64 // nanoseconds per unit
	rate   map[string]float64 // background work's achieved units a second
	target int                // the background work's aimed rate; 0 for none
	short  map[string]bool    // whether the rate fell short of target
}

// measure runs the workload reps times on every system and returns each
// one's median, in nanoseconds per unit, and for a workload with
// background work the median rate it achieved (a loaded machine gives
// noisy figures and a short rate, never a failed run). The runs are
// interleaved (one run of each system, reps times), so that a burst of load
// on the machine falls on no system in particular. Each run prepares its
// system afresh and closes it after, with a garbage collection before the
// timing starts: only the measured system's data is in the Go heap, as in
// a program that embeds one of them, and no system's collections scan
// another's data or collect its garbage.
func measure(wl peers.Workload, systems []peers.System, f peers.Fixture, reps int, budget time.Duration) (measured, error) {
	runs := make(map[string][]float64)
	rates := make(map[string][]float64)
	next := make(map[string]int)
	skip := make(map[string]bool)
	m := measured{ns: map[string]float64{}, rate: map[string]float64{}, short: map[string]bool{}}
	var c *peers.Case
	for range reps {
		fmt.Fprint(os.Stderr, ".")
		for _, sys := range systems {
			if skip[sys.Name] {
				continue
			}
			out, cs, err := runOnce(wl, sys, f, budget, next[sys.Name])
			if errors.Is(err, peers.ErrUnsupported) {
				skip[sys.Name] = true
				continue
			}
			if err != nil {
				return m, fmt.Errorf("%s: %w", sys.Name, err)
			}
			c = cs
			next[sys.Name] = out.Next
			runs[sys.Name] = append(runs[sys.Name], out.NSPerUnit)
			rates[sys.Name] = append(rates[sys.Name], out.Rate)
		}
	}
	median := func(r []float64) float64 {
		slices.Sort(r)
		return r[len(r)/2]
	}
	for name, r := range runs {
		m.ns[name] = median(r)
	}
	if c != nil && c.Rate > 0 {
		m.target = c.Rate
		for name, r := range rates {
			m.rate[name] = median(r)
			m.short[name] = c.Short(m.rate[name])
		}
	}
	return m, nil
}

// runOnce prepares the workload on sys, runs it once from operation next,
// and closes it. It returns the case too, for its aimed background rate.
func runOnce(wl peers.Workload, sys peers.System, f peers.Fixture, budget time.Duration, next int) (out peers.Outcome, c *peers.Case, err error) {
	c, err = wl.Prepare(sys, f)
	if err != nil {
		return peers.Outcome{Next: next}, nil, err
	}
	defer func() {
		if cerr := c.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("close: %w", cerr)
		}
	}()
	runtime.GC()
	out, err = c.Run(budget, next)
	return out, c, err
}

// rateRow renders the background work's achieved rates under its
// workload's line, a star on each that fell short, and reports whether
// any did.
func rateRow(systems []peers.System, m measured) (line string, short bool) {
	cells := []string{"writer", "commit/s"}
	for _, s := range systems {
		r, ok := m.rate[s.Name]
		switch {
		case !ok:
			cells = append(cells, "-")
		case m.short[s.Name]:
			cells = append(cells, fmt.Sprintf("*%.0f", r))
			short = true
		default:
			cells = append(cells, fmt.Sprintf("%.0f", r))
		}
	}
	cells = append(cells, "", "", "")
	return strings.Join(cells, "\t") + "\t", short
}

// row renders one workload's line.
func row(wl peers.Workload, systems []peers.System, med map[string]float64) string {
	cells := []string{wl.Name, wl.Unit}
	for _, s := range systems {
		cells = append(cells, cell(med, s.Name))
	}
	reldb, ok := med["reldb"]
	ratio := func(peer float64, has bool) string {
		if !ok || !has {
			return "-"
		}
		return fmt.Sprintf("%.1f×", peer/reldb)
	}
	m, hasM := med["go-memdb"]
	cells = append(cells, ratio(m, hasM))
	best, driver := 0.0, "-"
	for _, name := range []string{"sqlite-mattn", "sqlite-modernc"} {
		if v, has := med[name]; has && (driver == "-" || v < best) {
			best, driver = v, strings.TrimPrefix(name, "sqlite-")
		}
	}
	cells = append(cells, ratio(best, driver != "-"), driver)
	return strings.Join(cells, "\t") + "\t"
}

func cell(med map[string]float64, name string) string {
	v, ok := med[name]
	if !ok {
		return "-"
	}
	return format(v)
}

// format prints nanoseconds with a unit that keeps three digits or so.
func format(ns float64) string {
	switch {
	case ns >= 1e6:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.2f µs", ns/1e3)
	}
	return fmt.Sprintf("%.0f ns", ns)
}
