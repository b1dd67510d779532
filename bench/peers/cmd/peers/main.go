// Command peers runs every workload of package peers on reldb (dynamic and
// typed API, and SQL through database/sql), go-memdb and SQLite (both
// drivers) in one process, and on the bare-structure floor, and prints one
// table: each system's median time
// per unit over interleaved runs, the best peer's time divided by each
// reldb API's (above 1: reldb is ahead), the typed API's time over the
// dynamic one's, and reldb's time over the two floors' (how far reldb is
// from google/btree alone on the same keys, changed in place and with a
// snapshot published after every write). Under readers+writer, a writer row
// gives the commit rate the paced writer achieved beside each system's
// readers: a loaded machine gives noisy figures and a starred short rate,
// never a failed run. The machine's load average is printed with the
// table. A second table compares the wire systems, run interleaved with
// the others: the same workloads through pgx over loopback TCP on reldb's
// pgwire server and on PostgreSQL (fsync off; left out with a note where
// it is not installed), with PostgreSQL's time over reldb's, plus
// connection setup to the first query's answer. A third table gives the
// bytes each in-process system holds per row at -memrows rows.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"regexp"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/reldb/reldb/bench/peers"
)

// config is the command's flags.
type config struct {
	reps    int
	budget  time.Duration
	authors int
	run     string
	systems string
	memRows int
}

func main() {
	var c config
	flag.IntVar(&c.reps, "reps", 5, "interleaved runs per workload and system; the median is reported")
	flag.DurationVar(&c.budget, "budget", 200*time.Millisecond, "timed work per run")
	flag.IntVar(&c.authors, "authors", peers.Standard.Authors, "authors of the library (10 books each, 3 of 50 tags per book)")
	flag.StringVar(&c.run, "run", "", "only workloads matching this regexp")
	flag.StringVar(&c.systems, "systems", "", "only systems matching this regexp (a system's figures move with the others run beside it)")
	flag.IntVar(&c.memRows, "memrows", peers.MemoryRows, "rows of the memory measurement (0: skip it)")
	quick := flag.Bool("quick", false, "a quick pass: 2 runs of 10ms, 100 authors, 20,000 rows of memory (noisy; for tests)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "peers:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	if *quick {
		c.reps, c.budget, c.authors, c.memRows = 2, 10*time.Millisecond, 100, 20_000
	}
	if err := main1(c); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "peers:", err)
		os.Exit(1)
	}
}

// loadAverage returns the one-minute load average, or "?".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}

func main1(c config) error {
	if c.reps < 1 {
		return errors.New("-reps must be at least 1")
	}
	only, err := regexp.Compile(c.run)
	if err != nil {
		return fmt.Errorf("-run: %w", err)
	}
	f := peers.Standard
	f.Authors = c.authors
	f.Traverse = min(f.Traverse, c.authors)
	defer func() {
		if err := peers.StopPostgres(); err != nil {
			fmt.Fprintln(os.Stderr, "peers: stop postgres:", err)
		}
	}()
	onlySys, err := regexp.Compile(c.systems)
	if err != nil {
		return fmt.Errorf("-systems: %w", err)
	}
	var chosen []peers.System
	for _, s := range peers.Systems() {
		if onlySys.MatchString(s.Name) {
			chosen = append(chosen, s)
		}
	}
	systems, notes, err := available(chosen)
	if err != nil {
		return err
	}
	var local, wire []peers.System
	for _, s := range systems {
		if s.Wire() {
			wire = append(wire, s)
		} else {
			local = append(local, s)
		}
	}
	loadStart := loadAverage()
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := []string{"workload", "unit"}
	for _, s := range local {
		head = append(head, s.Name)
	}
	head = append(head, "best peer", "best/reldb", "best/typed", "best/sql", "typed/reldb", "reldb/floor", "reldb/snapshot-floor", "sql/sql-floor")
	localRatios := len(head) - 2 - len(local) // the columns after the systems'
	fmt.Fprintln(w, strings.Join(head, "\t")+"\t")
	ww := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	head = []string{"workload", "unit"}
	for _, s := range wire {
		head = append(head, s.Name)
	}
	head = append(head, "reldb-sql", "loopback-floor", "pgx-floor", "postgres/reldb-wire", "reldb-wire/reldb-sql", "reldb-wire/pgx-floor")
	wireRatios := len(head) - 2 - len(wire)
	fmt.Fprintln(ww, strings.Join(head, "\t")+"\t")
	start := time.Now()
	short := false
	for _, wl := range peers.Workloads() {
		if !only.MatchString(wl.Name) {
			continue
		}
		fmt.Fprintf(os.Stderr, "%-28s", wl.Name)
		res, err := measure(wl, systems, f, c.reps, c.budget)
		if err != nil {
			return fmt.Errorf("%s: %w", wl.Name, err)
		}
		fmt.Fprintln(os.Stderr)
		if ran(res, engines(local)) {
			fmt.Fprintln(w, row(wl, local, res.ns))
			if res.target > 0 {
				line, s := rateRow(local, res, localRatios)
				fmt.Fprintln(w, line)
				short = short || s
			}
		}
		if ran(res, wire) {
			fmt.Fprintln(ww, wireRow(wl, wire, res.ns))
			if res.target > 0 {
				line, s := rateRow(wire, res, wireRatios)
				fmt.Fprintln(ww, line)
				short = short || s
			}
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if short {
		fmt.Printf("\n* The writer fell more than 10%% short of %d commits a second beside that system's readers: this\n"+
			"  machine is loaded, or the system is slower to commit, and that read figure was taken under a lighter\n"+
			"  write load than the others'.\n", peers.WritesPerSecond)
	}
	shape := "scattered book ids"
	fmt.Printf("\n%d authors × 10 books × 3 of 50 tags (%s; /contiguous: consecutive); traversals over %d authors;\n"+
		"%d readers beside a writer committing %d times a second; median of %d interleaved runs of ~%v each; %v in all.\n",
		f.Authors, shape, f.Traverse, peers.Readers(), peers.WritesPerSecond, c.reps, c.budget, time.Since(start).Round(time.Second))
	fmt.Printf("Machine: %d CPUs, GOMAXPROCS %d, load average %s at the start, %s at the end.\n",
		runtime.NumCPU(), runtime.GOMAXPROCS(0), loadStart, loadAverage())
	fmt.Println("best peer is the fastest of go-memdb and SQLite (either driver). best/reldb, best/typed and best/sql: above 1, reldb (its dynamic API, typed API, SQL through database/sql) is ahead.")
	fmt.Println("typed/reldb: the typed API's time over the dynamic one's. reldb/floor: reldb's time over bare google/btree's,")
	fmt.Println("the same operations on the same keys with no engine, changing the trees in place (except under readers+writer).")
	fmt.Println("reldb/snapshot-floor: the same over bare trees that publish a copy-on-write snapshot after every write, the least")
	fmt.Println("an engine pays whose readers never wait; on a write, the gap between the two floors is what copy-on-write costs.")
	fmt.Println("sql-floor: reldb-sql's code (prepared statements, Scans) through database/sql on a driver that parses and plans")
	fmt.Println("nothing and answers each statement from the bare trees: what database/sql and the trees cost with no SQL engine.")
	fmt.Println("sql/sql-floor: reldb-sql's time over it.")
	fmt.Println("eager-join: SQLite runs one JOIN; reldb, go-memdb and the floor have no JOIN and run their batched eager walk (go-memdb: -).")
	if len(wire) > 0 {
		fmt.Println("\nOver the wire: the same workloads through pgx's native API (cached prepared statements, CopyFrom, Batch,")
		fmt.Println("= ANY($1)) over loopback TCP, on reldb's pgwire server in this process and on PostgreSQL (fsync off), interleaved")
		fmt.Println("with the runs above:")
		if err := ww.Flush(); err != nil {
			return err
		}
		fmt.Println("postgres/reldb-wire: above 1, reldb's server is ahead (the goal is 3× on every workload). reldb-wire/reldb-sql:")
		fmt.Println("what the wire and pgx cost over reldb's SQL in process through database/sql. connect: pgx.ConnectConfig")
		fmt.Println("to SELECT 1's answer, a new connection each time (the goal is under 1 ms); eager-join is one JOIN on both.")
		fmt.Println("round-trip: pgx's QueryRow of SELECT $1::bigint, a query that asks nothing of the server. loopback-floor: a")
		fmt.Println("64-byte message and its echo over loopback TCP between two goroutines of this process, with no protocol and no")
		fmt.Println("server work. pgx-floor: the same QueryRow through pgx to a server that parses nothing and answers from memory;")
		fmt.Println("no wire system reached through pgx here answers a query faster. reldb-wire/pgx-floor: reldb-wire's round trip over it.")
	}
	for _, n := range notes {
		fmt.Println(n)
	}
	if c.memRows > 0 {
		return memory(local, f.WithRows(c.memRows))
	}
	return nil
}

// available returns the systems that can run here, and a note for each
// that cannot (PostgreSQL not installed), which is left out rather than
// failing the run. It starts the wire systems' servers to find out.
func available(systems []peers.System) ([]peers.System, []string, error) {
	var ok []peers.System
	var notes []string
	for _, s := range systems {
		if s.Server != nil {
			_, release, err := s.Server()
			if errors.Is(err, peers.ErrUnavailable) {
				notes = append(notes, fmt.Sprintf("\n%s: not run, unavailable here: %v", s.Name, err))
				continue
			}
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", s.Name, err)
			}
			if err := release(); err != nil {
				return nil, nil, fmt.Errorf("%s: %w", s.Name, err)
			}
		}
		ok = append(ok, s)
	}
	return ok, notes, nil
}

// engines returns the systems that are not a floor.
func engines(systems []peers.System) []peers.System {
	var out []peers.System
	for _, s := range systems {
		if !s.Floor {
			out = append(out, s)
		}
	}
	return out
}

// ran reports whether any of systems has a figure in m.
func ran(m measured, systems []peers.System) bool {
	for _, s := range systems {
		if _, ok := m.ns[s.Name]; ok {
			return true
		}
	}
	return false
}

// memory measures and prints the bytes per row of every system.
func memory(systems []peers.System, f peers.Fixture) error {
	fmt.Printf("\nMemory held per row, %d rows (%d authors, %d books, %d tags, %d junction rows):\n",
		f.Rows(), f.Authors, f.Books(), f.Tags, f.Links())
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "system\tGo heap B/row\town B/row\ttotal B/row\tvs reldb\tby family B/row\tvs reldb\tupdated B/row\tvs reldb\town memory measured as\t")
	base := make([]float64, len(peers.MemoryShapes)) // reldb's total per shape
	for _, sys := range systems {
		fmt.Fprintf(os.Stderr, "memory %-21s", sys.Name)
		ms := make([]peers.Memory, len(peers.MemoryShapes))
		for i, shape := range peers.MemoryShapes {
			m, err := peers.MeasureMemoryAs(sys, f, shape)
			if err != nil {
				fmt.Fprintln(os.Stderr)
				return fmt.Errorf("memory: %s, %s: %w", sys.Name, shape, err)
			}
			ms[i] = m
		}
		fmt.Fprintln(os.Stderr)
		if sys.Name == "reldb" {
			for i := range ms {
				base[i] = ms[i].PerRow()
			}
		}
		m := ms[0]
		own, how := "-", "-"
		if m.OwnHow != "" {
			own, how = fmt.Sprintf("%.0f", float64(m.Own)/float64(m.Rows)), m.OwnHow
		}
		fmt.Fprintf(w, "%s\t%.0f\t%s", sys.Name, float64(m.GoHeap)/float64(m.Rows), own)
		for i := range ms {
			ratio := "-"
			if base[i] > 0 {
				ratio = fmt.Sprintf("%.2f×", ms[i].PerRow()/base[i])
			}
			fmt.Fprintf(w, "\t%.0f\t%s", ms[i].PerRow(), ratio)
		}
		fmt.Fprintf(w, "\t%s\t\n", how)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Println("Go heap: growth of live heap (MemStats.HeapAlloc after two GCs) from before opening to after loading, the generated rows dropped.")
	fmt.Println("by family: the same library added as an application adds to it, the tags in one transaction, then each author with its")
	fmt.Println("books and their links in a transaction of its own; updated: loaded in one transaction, then every book given a new title")
	fmt.Println("of the same length, one transaction a book (both: Go heap and own memory together).")
	fmt.Println("own: memory outside the Go heap by the system's own count: mattn's sqlite3_memory_used (page cache with headers,")
	fmt.Println("schema, statements); modernc's SQLite has memory statistics compiled out, so its figure is page_count*page_size, a lower bound.")
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
	// Only the case's aimed rate is kept from one run to the next: a case
	// holds its system, whose data would stay live through the next
	// system's runs and change the collector's work there.
	target := 0
	for rep := range reps {
		fmt.Fprint(os.Stderr, ".")
		for k := range systems {
			// Each round starts one system further on, so that no system
			// always runs after the same one.
			sys := systems[(rep+k)%len(systems)]
			if skip[sys.Name] {
				continue
			}
			out, rate, err := runOnce(wl, sys, f, budget, next[sys.Name])
			if errors.Is(err, peers.ErrUnsupported) {
				skip[sys.Name] = true
				continue
			}
			if err != nil {
				return m, fmt.Errorf("%s: %w", sys.Name, err)
			}
			target = rate
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
	if target > 0 {
		m.target = target
		aim := peers.Case{Rate: target}
		for name, r := range rates {
			m.rate[name] = median(r)
			m.short[name] = aim.Short(m.rate[name])
		}
	}
	return m, nil
}

// runOnce prepares the workload on sys, runs it once from operation next,
// and closes it. It returns the case's aimed background rate too (0 for a
// case without background work).
func runOnce(wl peers.Workload, sys peers.System, f peers.Fixture, budget time.Duration, next int) (out peers.Outcome, rate int, err error) {
	c, err := wl.Prepare(sys, f)
	if err != nil {
		return peers.Outcome{Next: next}, 0, err
	}
	defer func() {
		if cerr := c.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("close: %w", cerr)
		}
	}()
	runtime.GC()
	out, err = c.Run(budget, next)
	return out, c.Rate, err
}

// rateRow renders the background work's achieved rates under its
// workload's line, a star on each that fell short, then blank cells for
// the line's ratio columns, and reports whether any fell short.
func rateRow(systems []peers.System, m measured, ratios int) (line string, short bool) {
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
	for range ratios {
		cells = append(cells, "")
	}
	return strings.Join(cells, "\t") + "\t", short
}

// row renders one workload's line.
func row(wl peers.Workload, systems []peers.System, med map[string]float64) string {
	cells := []string{wl.Name, wl.Unit}
	for _, s := range systems {
		cells = append(cells, cell(med, s.Name))
	}
	best, bestName := 0.0, "-"
	for _, s := range systems {
		v, ok := med[s.Name]
		switch {
		case !ok, s.Floor:
		case !strings.HasPrefix(s.Name, "reldb") && (bestName == "-" || v < best):
			best, bestName = v, s.Name
		}
	}
	reldb, typed, viaSQL := med["reldb"], med["reldb-typed"], med["reldb-sql"]
	cells = append(cells, bestName, ratio(best, reldb), ratio(best, typed), ratio(best, viaSQL), ratio(typed, reldb),
		ratio(reldb, med["btree-floor"]), ratio(reldb, med["snapshot-floor"]), ratio(viaSQL, med["sql-floor"]))
	return strings.Join(cells, "\t") + "\t"
}

// wireRow renders one workload's line of the wire table: the wire
// systems, reldb-sql for reference, and the ratios.
func wireRow(wl peers.Workload, systems []peers.System, med map[string]float64) string {
	cells := []string{wl.Name, wl.Unit}
	for _, s := range systems {
		cells = append(cells, cell(med, s.Name))
	}
	// The floors of the wire table are round-trip's bare loopback exchange
	// and pgx's query to a server that answers from memory, which the
	// btree-floor and sql-floor systems run (see peers.Workloads).
	floor := map[string]float64{}
	if wl.Name == "round-trip" {
		floor["loopback"], floor["pgx"] = med["btree-floor"], med["sql-floor"]
	}
	cells = append(cells, cell(med, "reldb-sql"), cell(floor, "loopback"), cell(floor, "pgx"))
	wire := med["reldb-wire"]
	cells = append(cells, ratio(med["postgres"], wire), ratio(wire, med["reldb-sql"]), ratio(wire, floor["pgx"]))
	return strings.Join(cells, "\t") + "\t"
}

// ratio renders num/den, or "-" without one of them.
func ratio(num, den float64) string {
	if num == 0 || den == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f×", num/den)
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
