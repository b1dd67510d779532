package peers_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/reldb/reldb/bench/peers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWorkloads runs every workload once on every system at a tiny size:
// each operation's count is checked, and so is each peer's state after.
func TestWorkloads(t *testing.T) {
	for _, w := range peers.Workloads() {
		for _, sys := range peers.Systems() {
			t.Run(w.Name+"/"+sys.Name, func(t *testing.T) {
				c, err := w.Prepare(sys, peers.Tiny)
				if errors.Is(err, peers.ErrUnsupported) {
					t.Skip(err)
				}
				require.NoError(t, err)
				defer func() { require.NoError(t, c.Close()) }()
				out, err := c.Run(0, 0)
				require.NoError(t, err)
				assert.Positive(t, out.NSPerUnit)
				assert.Positive(t, out.Next)
				if c.Rate > 0 {
					assert.Positive(t, out.Rate, "the background work's achieved rate")
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
			require.NoError(t, err)
			defer p.Close()
			fam := peers.Tiny.Family(1, 10)
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
	if c.Verify != nil {
		require.NoError(b, c.Verify())
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*c.Units), fmt.Sprintf("ns/%s", unit))
}
