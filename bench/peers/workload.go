package peers

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Case is one workload prepared on one system.
type Case struct {
	// Setup, if set, runs untimed before operation i.
	Setup func(i int) error
	// Op runs operation i and returns its result count, which must be
	// Want.
	Op   func(i int) (int, error)
	Want int
	// Units is how many units (rows, reads) one operation is; the figure
	// reported is time per unit.
	Units int
	// Verify, if set, checks the peer's state after a run of operations.
	Verify func() error
	// Start, if set, starts background work before a run of operations;
	// the stop it returns ends it and reports how much it did, which must
	// be more than nothing.
	Start func() (stop func() (int, error))
	// Rate, if set, is how many units of background work a second Start's
	// work aims at. A run reports the rate it achieved beside its figure
	// (Outcome.Rate): on a loaded machine the work can fall short (see
	// Short), and the figure was then taken under a lighter load, which a
	// report must say rather than fail.
	Rate int
	// Close releases the case's peer.
	Close func() error
}

// Workload is one of the compared workloads.
type Workload struct {
	Name string
	Unit string // what a figure is per: "row", "op", "read"
	// Prepare opens a peer of sys for f and returns the case, or
	// ErrUnsupported.
	Prepare func(sys System, f Fixture) (*Case, error)
}

// Workloads is every workload, in table order.
func Workloads() []Workload {
	return []Workload{
		{Name: "bulk-load", Unit: "row", Prepare: bulkLoad},
		{Name: "point-lookup", Unit: "op", Prepare: pointLookup},
		{Name: "children", Unit: "op", Prepare: children},
		{Name: "cascade-delete", Unit: "op", Prepare: cascadeDelete},
		{Name: "lazy-traversal", Unit: "op", Prepare: lazy},
		{Name: "eager-traversal", Unit: "op", Prepare: eager},
		{Name: "eager-join", Unit: "op", Prepare: join},
		{Name: "readers+writer", Unit: "read", Prepare: readers},
	}
}

// loaded opens a peer of sys holding f's library.
func loaded(sys System, f Fixture, readers int) (Peer, error) {
	if err := f.validate(); err != nil {
		return nil, err
	}
	p, err := sys.Open(readers)
	if err != nil {
		return nil, err
	}
	if _, err := p.Load(f.Generate()); err != nil {
		p.Close()
		return nil, fmt.Errorf("%s: load: %w", sys.Name, err)
	}
	return p, nil
}

// counts checks the row counts of every table.
func counts(p Peer, f Fixture) error {
	for _, c := range []struct {
		table string
		want  int
	}{{"authors", f.Authors}, {"books", f.Books()}, {"tags", f.Tags}, {"links", f.Links()}} {
		n, err := p.Count(c.table)
		if err != nil {
			return err
		}
		if n != c.want {
			return fmt.Errorf("peers: %s has %d rows, want %d", c.table, n, c.want)
		}
	}
	return nil
}

// bulkLoad: every operation loads the whole library into a new, empty peer
// (opened untimed) in one transaction with foreign-key checks.
func bulkLoad(sys System, f Fixture) (*Case, error) {
	if err := f.validate(); err != nil {
		return nil, err
	}
	d := f.Generate()
	var p Peer
	closePeer := func() error {
		if p == nil {
			return nil
		}
		err := p.Close()
		p = nil
		return err
	}
	return &Case{
		Setup: func(int) error {
			if err := closePeer(); err != nil {
				return err
			}
			var err error
			p, err = sys.Open(0)
			return err
		},
		Op:     func(int) (int, error) { return p.Load(d) },
		Want:   f.Rows(),
		Units:  f.Rows(),
		Verify: func() error { return counts(p, f) },
		Close:  closePeer,
	}, nil
}

// pointLookup reads one book by primary key.
func pointLookup(sys System, f Fixture) (*Case, error) {
	p, err := loaded(sys, f, 0)
	if err != nil {
		return nil, err
	}
	books := int64(f.Books())
	per := int64(f.BooksPerAuthor)
	return &Case{
		Op: func(i int) (int, error) {
			id := int64(i) * 7919 % books
			b, err := p.Get(id)
			if err != nil || b.ID != id || b.AuthorID != id/per {
				return 0, err
			}
			return 1, nil
		},
		Want: 1, Units: 1, Close: p.Close,
	}, nil
}

// children reads the books of one author.
func children(sys System, f Fixture) (*Case, error) {
	p, err := loaded(sys, f, 0)
	if err != nil {
		return nil, err
	}
	authors := int64(f.Authors)
	return &Case{
		Op: func(i int) (int, error) {
			books, err := p.Children(int64(i) * 31 % authors)
			return len(books), err
		},
		Want: f.BooksPerAuthor, Units: 1, Close: p.Close,
	}, nil
}

// cascadeDelete deletes an author with its books and their links. Each
// operation deletes a fresh author inserted untimed just before it, so the
// library is the same after every run: Verify checks that every cascade
// happened.
func cascadeDelete(sys System, f Fixture) (*Case, error) {
	p, err := loaded(sys, f, 0)
	if err != nil {
		return nil, err
	}
	const base = 1 << 40 // ids above the fixture's
	per := int64(f.BooksPerAuthor)
	return &Case{
		Setup: func(i int) error {
			fam := f.Family(base+int64(i), base+int64(i)*per)
			return p.Add(&fam)
		},
		Op: func(i int) (int, error) {
			if err := p.Delete(base + int64(i)); err != nil {
				return 0, err
			}
			return 1, nil
		},
		Want: 1, Units: 1,
		Verify: func() error { return counts(p, f) },
		Close:  p.Close,
	}, nil
}

// lazy walks f.Traverse authors → books → tags one query per access.
func lazy(sys System, f Fixture) (*Case, error) {
	p, err := loaded(sys, f, 0)
	if err != nil {
		return nil, err
	}
	return &Case{
		Op:   func(int) (int, error) { return p.Lazy(f.Traverse) },
		Want: f.TraversalRows(), Units: 1, Close: p.Close,
	}, nil
}

// eager walks the same rows one batch per level.
func eager(sys System, f Fixture) (*Case, error) {
	p, err := loaded(sys, f, 0)
	if err != nil {
		return nil, err
	}
	return &Case{
		Op:   func(int) (int, error) { return p.Eager(f.Traverse) },
		Want: f.TraversalRows(), Units: 1, Close: p.Close,
	}, nil
}

// join walks the same rows in one JOIN query; reldb's figure is its
// prefetch, since reldb has no JOIN.
func join(sys System, f Fixture) (*Case, error) {
	p, err := loaded(sys, f, 0)
	if err != nil {
		return nil, err
	}
	op := func(int) (int, error) { return p.Eager(f.Traverse) }
	if j, ok := p.(Joiner); ok {
		op = func(int) (int, error) { return j.Join(f.Traverse) }
	} else if sys.Name != "reldb" {
		p.Close()
		return nil, ErrUnsupported
	}
	return &Case{Op: op, Want: f.TraversalRows(), Units: 1, Close: p.Close}, nil
}

// Readers is how many goroutines read in the readers+writer workload: one
// per processor, at least 2.
func Readers() int { return max(2, runtime.GOMAXPROCS(0)) }

// readsPerReader is how many point reads each reader makes per operation.
const readsPerReader = 500

// WritesPerSecond is the commit rate of the readers+writer workload's
// writer. A fixed rate puts every system under the same write load: a
// writer that commits as fast as it can does more work on a system with
// faster commits (measured: reldb 84,000 commits a second, go-memdb
// 47,000, SQLite 36,000-42,000, beside two readers on two cores), and
// that extra work was charged to the system's reads. Every system
// sustains this rate with room to spare on an idle machine; on a loaded one
// the writer can fall short, and the run reports the rate it achieved
// (Outcome.Rate) so the figure is read as taken under a lighter load.
const WritesPerSecond = 20_000

// readers: Readers() goroutines each read books by primary key while one
// writer changes book titles, one row per transaction, WritesPerSecond
// times a second. The figure is wall time per read over all readers.
func readers(sys System, f Fixture) (*Case, error) {
	r := Readers()
	p, err := loaded(sys, f, r)
	if err != nil {
		return nil, err
	}
	books := int64(f.Books())
	per := int64(f.BooksPerAuthor)
	read := func(seed int64) (int, error) {
		found := 0
		for j := range int64(readsPerReader) {
			id := (seed + j*7919) % books
			b, err := p.Get(id)
			if err != nil {
				return found, err
			}
			if b.ID == id && b.AuthorID == id/per {
				found++
			}
		}
		return found, nil
	}
	return &Case{
		Op: func(i int) (int, error) {
			var wg sync.WaitGroup
			var found atomic.Int64
			errs := make([]error, r)
			for g := range r {
				wg.Go(func() {
					n, err := read(int64(i*r + g))
					found.Add(int64(n))
					errs[g] = err
				})
			}
			wg.Wait()
			return int(found.Load()), errors.Join(errs...)
		},
		Want: r * readsPerReader, Units: r * readsPerReader,
		Start: func() func() (int, error) {
			return startWriter(func(w int) error {
				id := int64(w) * 131 % books
				return p.SetTitle(id, fmt.Sprintf("book %d rev %d", id, w))
			})
		},
		Rate:  WritesPerSecond,
		Close: p.Close,
	}, nil
}

// startWriter calls write(0), write(1), ... in a goroutine, paced to
// WritesPerSecond: write w is due w/WritesPerSecond seconds after the
// start, and one that is late runs at once, so that the writer catches up
// after a wait for a processor. It returns when write(0) is done; the stop
// function it returns ends the writer and reports its writes, or its
// error.
func startWriter(write func(w int) error) (stop func() (int, error)) {
	interval := time.Second / WritesPerSecond
	var quit atomic.Bool
	var writes int
	var werr error
	done, first := make(chan struct{}), make(chan struct{})
	start := time.Now()
	go func() {
		defer close(done)
		for w := 0; w == 0 || !quit.Load(); w++ {
			if d := time.Until(start.Add(time.Duration(w) * interval)); d > 0 {
				time.Sleep(d)
			}
			werr = write(w)
			if w == 0 {
				close(first)
			}
			if werr != nil {
				return
			}
			writes++
		}
	}()
	<-first // the readers start with the writer under way
	return func() (int, error) {
		quit.Store(true)
		<-done
		return writes, werr
	}
}

// Short reports whether rate, units of background work a second, falls
// more than 10% short of c.Rate: a figure taken beside it was taken under
// a lighter load than the case aims at.
func (c *Case) Short(rate float64) bool {
	return c.Rate > 0 && rate < 0.9*float64(c.Rate)
}

// Outcome is what one run of a case measured.
type Outcome struct {
	// NSPerUnit is the timed work's nanoseconds per unit.
	NSPerUnit float64
	// Next is the next unused operation number.
	Next int
	// Rate is the units of background work done a second over the run, 0
	// for a case without any.
	Rate float64
}

// Run runs c's operations until about budget of timed work is done (at
// least one operation) and returns the nanoseconds per unit. next is the
// first operation number; the outcome's Next is the next unused one. A run
// whose background work falls short of c.Rate does not fail: its outcome
// says the rate it achieved.
func (c *Case) Run(budget time.Duration, next int) (out Outcome, err error) {
	if c.Start != nil {
		began := time.Now()
		stop := c.Start()
		defer func() {
			n, serr := stop()
			out.Rate = float64(n) / time.Since(began).Seconds()
			switch {
			case err != nil:
			case serr != nil:
				err = fmt.Errorf("background: %w", serr)
			case n == 0:
				err = errors.New("peers: the background writer wrote nothing")
			}
		}()
	}
	var timed time.Duration
	ops := 0
	i := next
	check := func(n int, err error) error {
		if err != nil {
			return err
		}
		if n != c.Want {
			return fmt.Errorf("peers: operation %d counted %d, want %d", i, n, c.Want)
		}
		return nil
	}
	for batch := 1; ops == 0 || timed < budget; batch = min(2*batch, 1<<16) {
		if c.Setup != nil {
			// Time each operation alone: the setups between are untimed.
			if err := c.Setup(i); err != nil {
				return Outcome{Next: i}, fmt.Errorf("setup %d: %w", i, err)
			}
			start := time.Now()
			n, err := c.Op(i)
			timed += time.Since(start)
			if err := check(n, err); err != nil {
				return Outcome{Next: i}, err
			}
			i++
			ops++
			continue
		}
		start := time.Now()
		for range batch {
			if err := check(c.Op(i)); err != nil {
				return Outcome{Next: i}, err
			}
			i++
		}
		timed += time.Since(start)
		ops += batch
	}
	if c.Verify != nil {
		if err := c.Verify(); err != nil {
			return Outcome{Next: i}, fmt.Errorf("verify: %w", err)
		}
	}
	return Outcome{NSPerUnit: float64(timed.Nanoseconds()) / float64(ops*c.Units), Next: i}, nil
}
