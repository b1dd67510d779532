package peers

import (
	"errors"
	"fmt"
	"runtime"
	"strconv"
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
	// Check, if set, checks by value the result of operation i, the last
	// one run; it runs untimed after each timed batch of operations, so
	// that every system's timed work is the same: materializing the
	// result, not checking it.
	Check func(i int) error
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

// Workloads is every workload, in table order. The "/contiguous" rows are
// the old shape, each author's books numbered consecutively and the
// cascade deleting fresh authors at the right edge of every tree: kept to
// show what scattered data costs. "connect" is connection setup to the
// first query's answer and "round-trip" one query that does nothing, for
// the wire systems only; the btree-floor system runs round-trip as a bare
// loopback TCP exchange, the least any wire system in this process pays
// per query, and the sql-floor system as the same query through pgx to a
// server that answers from memory.
func Workloads() []Workload {
	contiguous := func(prepare func(System, Fixture) (*Case, error)) func(System, Fixture) (*Case, error) {
		return func(sys System, f Fixture) (*Case, error) {
			f.Contiguous = true
			return prepare(sys, f)
		}
	}
	return []Workload{
		{Name: "bulk-load", Unit: "row", Prepare: bulkLoad},
		{Name: "point-lookup", Unit: "op", Prepare: pointLookup},
		{Name: "children", Unit: "op", Prepare: children},
		{Name: "cascade-delete", Unit: "op", Prepare: cascadeDelete},
		{Name: "lazy-traversal", Unit: "op", Prepare: lazy},
		{Name: "eager-traversal", Unit: "op", Prepare: eager},
		{Name: "eager-join", Unit: "op", Prepare: join},
		{Name: "readers+writer", Unit: "read", Prepare: readers},
		{Name: "children/contiguous", Unit: "op", Prepare: contiguous(children)},
		{Name: "cascade-delete/contiguous", Unit: "op", Prepare: contiguous(cascadeFresh)},
		{Name: "cascade-delete/serial", Unit: "op", Prepare: cascadeSerial},
		{Name: "eager-traversal/contiguous", Unit: "op", Prepare: contiguous(eager)},
		{Name: "connect", Unit: "conn", Prepare: connect},
		{Name: "round-trip", Unit: "op", Prepare: roundTrip},
	}
}

// loaded opens a peer of sys holding f's library, and returns the results
// the workloads must find in it.
func loaded(sys System, f Fixture, readers int) (Peer, *expected, error) {
	if err := f.validate(); err != nil {
		return nil, nil, err
	}
	p, err := sys.Open(readers)
	if err != nil {
		return nil, nil, err
	}
	d := f.Generate()
	if _, err := p.Load(d); err != nil {
		p.Close()
		return nil, nil, fmt.Errorf("%s: load: %w", sys.Name, err)
	}
	if s, ok := p.(settler); ok {
		if err := s.settle(); err != nil {
			p.Close()
			return nil, nil, fmt.Errorf("%s: after the load: %w", sys.Name, err)
		}
	}
	return p, f.expect(d), nil
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

// checkChildren checks the books of author a by value.
func checkChildren(p Peer, e *expected, a int64) error {
	books, err := p.Children(a)
	if err != nil {
		return err
	}
	return checkSum(fmt.Sprintf("books of author %d", a), sumBooks(books), e.children[a])
}

func checkSum(what string, got, want Sum) error {
	if got != want {
		return fmt.Errorf("peers: %s: got %v, want %v", what, got, want)
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
	e := f.expect(d)
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
		Op:    func(int) (int, error) { return p.Load(d) },
		Check: func(i int) error { return checkChildren(p, e, int64(i)%int64(f.Authors)) },
		Want:  f.Rows(),
		Units: f.Rows(),
		Verify: func() error {
			if err := counts(p, f); err != nil {
				return err
			}
			return checkChildren(p, e, int64(f.Authors-1))
		},
		Close: closePeer,
	}, nil
}

// pointLookup reads one book by primary key.
func pointLookup(sys System, f Fixture) (*Case, error) {
	p, e, err := loaded(sys, f, 0)
	if err != nil {
		return nil, err
	}
	books := int64(f.Books())
	id := func(i int) int64 { return int64(i) * 7919 % books }
	var last Book
	return &Case{
		Op: func(i int) (int, error) {
			b, err := p.Get(id(i))
			if err != nil {
				return 0, err
			}
			last = b
			return 1, nil
		},
		Check: func(i int) error { return sameBook(&last, &e.books[id(i)], false) },
		Want:  1, Units: 1, Close: p.Close,
	}, nil
}

// children reads the books of one author.
func children(sys System, f Fixture) (*Case, error) {
	p, e, err := loaded(sys, f, 0)
	if err != nil {
		return nil, err
	}
	authors := int64(f.Authors)
	author := func(i int) int64 { return int64(i) * 31 % authors }
	var last []*Book
	return &Case{
		Op: func(i int) (int, error) {
			books, err := p.Children(author(i))
			last = books
			return len(books), err
		},
		Check: func(i int) error {
			return checkSum(fmt.Sprintf("books of author %d", author(i)), sumBooks(last), e.children[author(i)])
		},
		Want: f.BooksPerAuthor, Units: 1, Close: p.Close,
	}, nil
}

// cascadeDelete deletes an author of the library with its books and their
// links: with scattered ids, a family whose rows lie all over every tree.
// Operation i deletes author i*31 mod Authors; the setup before the next
// operation checks that the cascade removed every row of the family
// (untimed) and inserts the family again, so the library keeps its size
// and every author exists when its turn comes.
func cascadeDelete(sys System, f Fixture) (*Case, error) {
	p, e, err := loaded(sys, f, 0)
	if err != nil {
		return nil, err
	}
	authors := int64(f.Authors)
	author := func(i int) int64 { return int64(i) * 31 % authors }
	deleted := int64(-1)
	restore := func() error {
		if deleted < 0 {
			return nil
		}
		fam := f.Family(deleted)
		if err := gone(p, &fam); err != nil {
			return err
		}
		deleted = -1
		if err := p.Add(&fam); err != nil {
			return fmt.Errorf("add author %d again: %w", fam.Author.ID, err)
		}
		return nil
	}
	return deleteCase(p, f, author, func(i int) { deleted = author(i) }, restore,
		func() error { return checkChildren(p, e, author(0)) }), nil
}

// deleteCase is a cascade case: operation i deletes author(i) and calls
// deleted(i); restore, run before each operation and at the end, adds the
// last family deleted back, and the end checks the library's counts and
// then final.
func deleteCase(p Peer, f Fixture, author func(i int) int64, deleted func(i int), restore, final func() error) *Case {
	return &Case{
		Setup: func(int) error { return restore() },
		Op: func(i int) (int, error) {
			if err := p.Delete(author(i)); err != nil {
				return 0, err
			}
			deleted(i)
			return 1, nil
		},
		Want: 1, Units: 1,
		Verify: func() error {
			if err := restore(); err != nil {
				return err
			}
			if err := counts(p, f); err != nil {
				return err
			}
			return final()
		},
		Close: p.Close,
	}
}

// cascadeSerial deletes scattered authors as cascadeDelete does, but adds
// each deleted family back under new ids, as a table with serial keys
// grows: deleted keys never come back. Family n's author is Authors+n and
// its book j is Books + j<<20 + n, so that a family's books lie apart,
// in ten runs that each grow at their end, and every id still fits the
// keys' short integer form. Operation i deletes the family in slot
// i*31 mod Authors, at first the library's own, later a re-added one.
// A system that defers part of a delete's work (reldb removes deleted
// entries from its trees in batches) pays that work within the timed
// deletes here, none of it in the untimed re-adds.
func cascadeSerial(sys System, f Fixture) (*Case, error) {
	p, _, err := loaded(sys, f, 0)
	if err != nil {
		return nil, err
	}
	fams := make([]Family, f.Authors)
	for a := range fams {
		fams[a] = f.Family(int64(a))
	}
	slot := func(i int) int { return i * 31 % f.Authors }
	deleted, added := -1, 0
	restore := func() error {
		if deleted < 0 {
			return nil
		}
		if err := gone(p, &fams[deleted]); err != nil {
			return err
		}
		n := int64(added)
		added++
		fam := f.family(int64(f.Authors)+n, func(j int64) int64 { return int64(f.Books()) + j<<20 + n })
		if err := p.Add(&fam); err != nil {
			return fmt.Errorf("add author %d: %w", fam.Author.ID, err)
		}
		fams[deleted], deleted = fam, -1
		return nil
	}
	author := func(i int) int64 { return fams[slot(i)].Author.ID }
	return deleteCase(p, f, author, func(i int) { deleted = slot(i) }, restore, func() error {
		fam := &fams[slot(0)]
		books, err := p.Children(fam.Author.ID)
		if err != nil {
			return err
		}
		return checkSum(fmt.Sprintf("books of author %d", fam.Author.ID), sumBooks(books), sumBooks(pointers(fam.Books)))
	}), nil
}

// gone checks that a deleted family left nothing behind: no books of the
// author, none of its books by key.
func gone(p Peer, fam *Family) error {
	books, err := p.Children(fam.Author.ID)
	if err != nil {
		return err
	}
	if len(books) > 0 {
		return fmt.Errorf("peers: author %d deleted, %d books left", fam.Author.ID, len(books))
	}
	if _, err := p.Get(fam.Books[0].ID); err == nil {
		return fmt.Errorf("peers: author %d deleted, book %d left", fam.Author.ID, fam.Books[0].ID)
	}
	return nil
}

// cascadeFresh is the old cascade shape: each operation deletes a fresh
// author inserted untimed just before it, with ids above the library's,
// so its rows sit together at the right edge of every tree.
func cascadeFresh(sys System, f Fixture) (*Case, error) {
	p, _, err := loaded(sys, f, 0)
	if err != nil {
		return nil, err
	}
	const base = 1 << 40 // ids above the fixture's
	per := int64(f.BooksPerAuthor)
	var fam Family
	return &Case{
		Setup: func(i int) error {
			fam = f.freshFamily(base+int64(i), base+int64(i)*per)
			return p.Add(&fam)
		},
		Op: func(i int) (int, error) {
			if err := p.Delete(base + int64(i)); err != nil {
				return 0, err
			}
			return 1, nil
		},
		Check: func(int) error { return gone(p, &fam) },
		Want:  1, Units: 1,
		Verify: func() error { return counts(p, f) },
		Close:  p.Close,
	}, nil
}

// traversal is a case that builds the graph of f.Traverse authors with
// walk. One walk runs untimed first, and is checked: whatever a system
// prepares or caches on first use (SQLite's IN-list statements) is ready
// before the timing starts, on every system alike.
func traversal(p Peer, f Fixture, e *expected, walk func(n int) ([]*Author, error)) (*Case, error) {
	warm, err := walk(f.Traverse)
	if err == nil {
		err = checkSum("traversal", sumGraph(warm), e.traversal)
	}
	if err != nil {
		p.Close()
		return nil, err
	}
	var last []*Author
	return &Case{
		Op: func(int) (int, error) {
			authors, err := walk(f.Traverse)
			last = authors
			return len(authors), err
		},
		Check: func(int) error { return checkSum("traversal", sumGraph(last), e.traversal) },
		Want:  f.Traverse, Units: 1, Close: p.Close,
	}, nil
}

// lazy walks f.Traverse authors → books → tags one query per access.
func lazy(sys System, f Fixture) (*Case, error) {
	p, e, err := loaded(sys, f, 0)
	if err != nil {
		return nil, err
	}
	return traversal(p, f, e, p.Lazy)
}

// eager walks the same rows one batch per level.
func eager(sys System, f Fixture) (*Case, error) {
	p, e, err := loaded(sys, f, 0)
	if err != nil {
		return nil, err
	}
	return traversal(p, f, e, p.Eager)
}

// join walks the same rows in one JOIN query; reldb's figure is its
// prefetch, since reldb's Go API has no JOIN.
func join(sys System, f Fixture) (*Case, error) {
	p, e, err := loaded(sys, f, 0)
	if err != nil {
		return nil, err
	}
	if j, ok := p.(Joiner); ok {
		return traversal(p, f, e, j.Join)
	}
	if !sys.JoinIsEager {
		p.Close()
		return nil, ErrUnsupported
	}
	return traversal(p, f, e, p.Eager)
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
// times a second. The figure is wall time per read over all readers. Each
// read's key is checked; each reader's last book is checked by value
// after the operation.
func readers(sys System, f Fixture) (*Case, error) {
	r := Readers()
	p, e, err := loaded(sys, f, r)
	if err != nil {
		return nil, err
	}
	books := int64(f.Books())
	id := func(seed, j int64) int64 { return (seed + j*7919) % books }
	last := make([]Book, r)
	read := func(g int, seed int64) (int, error) {
		found := 0
		for j := range int64(readsPerReader) {
			b, err := p.Get(id(seed, j))
			if err != nil {
				return found, err
			}
			if b.ID == id(seed, j) {
				found++
			}
			last[g] = b
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
					n, err := read(g, int64(i*r+g))
					found.Add(int64(n))
					errs[g] = err
				})
			}
			wg.Wait()
			return int(found.Load()), errors.Join(errs...)
		},
		Check: func(i int) error {
			for g := range r {
				if err := sameBook(&last[g], &e.books[id(int64(i*r+g), readsPerReader-1)], true); err != nil {
					return err
				}
			}
			return nil
		},
		Want: r * readsPerReader, Units: r * readsPerReader,
		Start: func() func() (int, error) {
			return startWriter(func(w int) error {
				id := int64(w) * 131 % books
				return p.SetTitle(id, e.books[id].Title+" rev "+strconv.Itoa(w))
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
			if c.Check != nil {
				if err := c.Check(i); err != nil {
					return Outcome{Next: i}, fmt.Errorf("operation %d: %w", i, err)
				}
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
		if c.Check != nil {
			if err := c.Check(i - 1); err != nil {
				return Outcome{Next: i}, fmt.Errorf("operation %d: %w", i-1, err)
			}
		}
	}
	if c.Verify != nil {
		if err := c.Verify(); err != nil {
			return Outcome{Next: i}, fmt.Errorf("verify: %w", err)
		}
	}
	return Outcome{NSPerUnit: float64(timed.Nanoseconds()) / float64(ops*c.Units), Next: i}, nil
}
