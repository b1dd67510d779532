package txn

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reldb/reldb/index"
)

// BenchmarkOracle_CommitBehind commits a transaction that read 1,000 keys
// and began 20,000 commits ago, while another goroutine keeps committing
// one-key transactions. It reports the long commit's time (ns/op) and how
// many short commits completed during it (short-commits/op): a long
// validation under the commit lock holds every other committer up, so
// that count falls towards zero.
func BenchmarkOracle_CommitBehind(b *testing.B) {
	const behind, reads = 20000, 1000
	o := NewOracle(map[TreeID]*index.Tree{treeA: index.NewTree(), treeB: index.NewTree()})
	commitOne := func(n int) {
		tx := o.Begin(ReadWrite)
		put(tx, treeB, n, n)
		if _, err := tx.Commit(); err != nil {
			b.Error(err)
		}
	}
	var during int64
	for b.Loop() {
		b.StopTimer()
		long := o.Begin(ReadWrite)
		for i := range reads {
			get(long, treeA, i)
		}
		put(long, treeA, -1, "long")
		for i := range behind {
			commitOne(i % 512)
		}
		stop := make(chan struct{})
		var short atomic.Int64
		var wg sync.WaitGroup
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				commitOne(i % 512)
				short.Add(1)
			}
		})
		time.Sleep(time.Millisecond) // let the short committer get going
		b.StartTimer()
		before := short.Load()
		if _, err := long.Commit(); err != nil {
			b.Fatal(err)
		}
		during += short.Load() - before
		b.StopTimer()
		close(stop)
		wg.Wait()
		b.StartTimer()
	}
	b.ReportMetric(float64(during)/float64(b.N), "short-commits/op")
}
