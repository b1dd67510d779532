package peers_test

import (
	"errors"
	"fmt"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/cockroachdb/apd/v3"
	"github.com/reldb/reldb/bench/peers"
	"github.com/reldb/reldb/internal/pgserver"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWorkloads runs every workload a few times on every system at a tiny
// size: each operation's count is checked, its result by value, and each
// peer's state after.
func TestWorkloads(t *testing.T) {
	for _, w := range peers.Workloads() {
		for _, sys := range peers.Systems() {
			t.Run(w.Name+"/"+sys.Name, func(t *testing.T) {
				c, err := w.Prepare(sys, peers.Tiny)
				if errors.Is(err, peers.ErrUnsupported) {
					t.Skip(err)
				}
				pgserver.SkipOrFatal(t, unavailable(err))
				require.NoError(t, err)
				defer func() { require.NoError(t, c.Close()) }()
				next := 0
				for range 3 { // several runs: a cascade restores what it deleted
					out, err := c.Run(0, next)
					require.NoError(t, err)
					assert.Positive(t, out.NSPerUnit)
					assert.Greater(t, out.Next, next)
					if c.Rate > 0 {
						assert.Positive(t, out.Rate, "the background work's achieved rate")
					}
					next = out.Next
				}
			})
		}
	}
}

// TestPeer_ForeignKeys ensures every system refuses an orphan: a book whose
// author does not exist.
func TestPeer_ForeignKeys(t *testing.T) {
	for _, sys := range peers.Systems() {
		t.Run(sys.Name, func(t *testing.T) {
			p, err := sys.Open(0)
			pgserver.SkipOrFatal(t, unavailable(err))
			require.NoError(t, err)
			defer p.Close()
			fam := peers.Tiny.Family(1)
			fam.Books[3].AuthorID = 2 // no such author
			assert.Error(t, p.Add(&fam))
			for _, table := range []string{"authors", "books", "links"} {
				n, err := p.Count(table)
				require.NoError(t, err)
				assert.Zero(t, n, "%s after a refused insert", table)
			}
		})
	}
}

// TestPeer_Prices ensures every system stores and returns a price
// exactly, with its two digits after the point: zero, negative, trailing
// zeros and the largest numeric(10,2). Over the wire a zero comes back
// as 0, on PostgreSQL too: pgx's binary numeric decoding drops the scale
// of a zero (pgtype.Numeric{Int: 0, Exp: 0}). No price of the library is
// zero.
func TestPeer_Prices(t *testing.T) {
	prices := []string{"0.00", "-0.50", "12.50", "1.00", "-99999999.99", "99999999.99"}
	for _, sys := range peers.Systems() {
		t.Run(sys.Name, func(t *testing.T) {
			p, err := sys.Open(0)
			pgserver.SkipOrFatal(t, unavailable(err))
			require.NoError(t, err)
			defer p.Close()
			d := peers.Tiny.Generate()
			d.Families = d.Families[:1]
			fam := &d.Families[0]
			for i, s := range prices {
				_, _, err := fam.Books[i].Price.SetString(s)
				require.NoError(t, err)
			}
			_, err = p.Load(d)
			require.NoError(t, err)
			for i, s := range prices {
				b, err := p.Get(fam.Books[i].ID)
				require.NoError(t, err)
				if sys.Wire() && s == "0.00" {
					assert.True(t, b.Price.IsZero(), "got %s, want %s", &b.Price, s)
					continue
				}
				assert.Equal(t, s, b.Price.String())
				assert.Equal(t, int32(-2), b.Price.Exponent, "exponent of %s", s)
			}
		})
	}
}

// unavailable returns err if it says a system cannot run here
// (PostgreSQL is not installed), for pgserver.SkipOrFatal; else nil.
func unavailable(err error) error {
	if errors.Is(err, peers.ErrUnavailable) {
		return err
	}
	return nil
}

// corrupt wraps a system so that its reads return a book whose price is
// off by a cent.
func corrupt(sys peers.System) peers.System {
	return peers.System{Name: sys.Name + "-corrupt", Open: func(readers int) (peers.Peer, error) {
		p, err := sys.Open(readers)
		return corruptPeer{p}, err
	}}
}

type corruptPeer struct{ peers.Peer }

func (p corruptPeer) Get(id int64) (peers.Book, error) {
	b, err := p.Peer.Get(id)
	var cent apd.Decimal
	cent.SetFinite(1, -2)
	_, aerr := apd.BaseContext.Add(&b.Price, &b.Price, &cent)
	return b, errors.Join(err, aerr)
}

func (p corruptPeer) Children(author int64) ([]*peers.Book, error) {
	books, err := p.Peer.Children(author)
	if len(books) > 0 {
		books[0].Title += "!"
	}
	return books, err
}

// TestCase_Run_ChecksValues ensures a result with the right number of rows
// but a wrong value fails the run.
func TestCase_Run_ChecksValues(t *testing.T) {
	i := slices.IndexFunc(peers.Systems(), func(s peers.System) bool { return s.Floor })
	require.GreaterOrEqual(t, i, 0)
	floor := peers.Systems()[i]
	for _, w := range peers.Workloads() {
		if w.Name != "point-lookup" && w.Name != "children" {
			continue
		}
		t.Run(w.Name, func(t *testing.T) {
			c, err := w.Prepare(corrupt(floor), peers.Tiny)
			require.NoError(t, err)
			defer c.Close()
			_, err = c.Run(0, 1)
			assert.ErrorContains(t, err, "want")
		})
	}
}

// TestFixture_Family_Scattered ensures book ids are a permutation of
// [0, Books) with each author's books apart, and contiguous ones are
// not.
func TestFixture_Family_Scattered(t *testing.T) {
	f := peers.Standard
	seen := make([]bool, f.Books())
	for a := range int64(f.Authors) {
		fam := f.Family(a)
		for j, b := range fam.Books {
			require.False(t, seen[b.ID], "book %d twice", b.ID)
			seen[b.ID] = true
			if j > 0 {
				d := b.ID - fam.Books[j-1].ID
				assert.Greater(t, d*d, int64(f.BooksPerAuthor*f.BooksPerAuthor), "author %d's books %d apart", a, d)
			}
		}
	}
	f.Contiguous = true
	fam := f.Family(7)
	assert.Equal(t, int64(70), fam.Books[0].ID)
	assert.Equal(t, int64(79), fam.Books[9].ID)
}

// TestMeasureMemory ensures every in-process system's memory is measured,
// and that a library takes some. The wire systems have none to measure:
// PostgreSQL's is another process's.
func TestMeasureMemory(t *testing.T) {
	for _, sys := range peers.Systems() {
		if sys.Wire() {
			continue
		}
		t.Run(sys.Name, func(t *testing.T) {
			m, err := peers.MeasureMemory(sys, peers.Tiny)
			require.NoError(t, err)
			assert.Equal(t, peers.Tiny.Rows(), m.Rows)
			for _, shape := range peers.MemoryShapes[1:] {
				m, err := peers.MeasureMemoryAs(sys, peers.Tiny, shape)
				require.NoError(t, err, shape)
				assert.Equal(t, peers.Tiny.Rows(), m.Rows, shape)
				assert.Positive(t, m.PerRow(), shape)
			}
			switch sys.Name {
			case "sqlite-mattn":
				assert.Equal(t, "sqlite3_memory_used", m.OwnHow, "SQLite's own accounting, through cgo")
				assert.Positive(t, m.Own)
			case "sqlite-modernc":
				assert.Equal(t, "page_count*page_size", m.OwnHow)
				assert.Positive(t, m.Own)
			default:
				assert.Empty(t, m.OwnHow)
			}
			assert.Positive(t, m.PerRow())
		})
	}
}

// TestCase_Run_ShortRate ensures a run whose background work falls short
// of the case's rate, as on a loaded machine, still succeeds and reports
// the rate it achieved, which Short judges against a 10% margin.
func TestCase_Run_ShortRate(t *testing.T) {
	c := &peers.Case{Rate: 1000}
	assert.False(t, c.Short(900))
	assert.True(t, c.Short(899))
	assert.False(t, (&peers.Case{}).Short(0), "a case without a rate is never short")

	slow := &peers.Case{
		Op: func(int) (int, error) { time.Sleep(time.Millisecond); return 1, nil }, Want: 1, Units: 1,
		Start: func() func() (int, error) { return func() (int, error) { return 1, nil } },
		Rate:  1_000_000,
	}
	out, err := slow.Run(20*time.Millisecond, 0)
	require.NoError(t, err)
	assert.Positive(t, out.NSPerUnit)
	assert.Positive(t, out.Rate)
	assert.Less(t, out.Rate, 100.0, "one unit over at least 20ms")
	assert.True(t, slow.Short(out.Rate))
}

// TestCase_Run_WrongCount ensures a count that differs from the wanted one
// fails the run.
func TestCase_Run_WrongCount(t *testing.T) {
	c := &peers.Case{Op: func(int) (int, error) { return 9, nil }, Want: 10, Units: 1}
	_, err := c.Run(time.Millisecond, 0)
	assert.ErrorContains(t, err, "counted 9, want 10")
}

// BenchmarkPeers runs every workload on every system on the standard
// fixture: BenchmarkPeers/<workload>/<system>, ns/unit being ns per row
// loaded, per operation or per read (see Workload.Unit).
func BenchmarkPeers(b *testing.B) {
	for _, w := range peers.Workloads() {
		for _, sys := range peers.Systems() {
			var c *peers.Case
			b.Run(w.Name+"/"+sys.Name, func(b *testing.B) {
				if c == nil {
					var err error
					if c, err = w.Prepare(sys, peers.Standard); errors.Is(err, peers.ErrUnsupported) {
						b.Skip(err)
					}
					pgserver.SkipOrFatal(b, unavailable(err))
					require.NoError(b, err)
				}
				runBench(b, c, w.Unit)
			})
			if c != nil {
				require.NoError(b, c.Close())
			}
		}
	}
}

// next numbers operations across the calls testing makes of one
// benchmark, so cascade-delete's fresh authors never repeat.
var next int

func runBench(b *testing.B, c *peers.Case, unit string) {
	b.ReportAllocs()
	if c.Start != nil {
		began := time.Now()
		stop := c.Start()
		defer func() {
			n, err := stop()
			require.NoError(b, err)
			require.Positive(b, n, "background writes")
			// A loaded machine gives a short rate, reported beside the
			// figure, not a failure.
			b.ReportMetric(float64(n)/time.Since(began).Seconds(), "background/s")
		}()
	}
	b.ResetTimer()
	cpu0 := cpuTime()
	for range b.N {
		if c.Setup != nil {
			b.StopTimer()
			require.NoError(b, c.Setup(next))
			b.StartTimer()
		}
		n, err := c.Op(next)
		if err != nil || n != c.Want {
			b.Fatalf("operation %d: counted %d, want %d: %v", next, n, c.Want, err)
		}
		next++
	}
	b.StopTimer()
	if cpu := cpuTime() - cpu0; c.Setup == nil && c.Start == nil && cpu > 0 {
		// CPU time spent by the whole process (GC included) per
		// operation: less disturbed than the elapsed time by other work
		// on a busy machine, for comparing two builds.
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
	if c.Check != nil {
		require.NoError(b, c.Check(next-1))
	}
	if c.Verify != nil {
		require.NoError(b, c.Verify())
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*c.Units), fmt.Sprintf("ns/%s", unit))
}

// cpuTime returns the user and system CPU time the process has used, or 0
// where getrusage is not available.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
