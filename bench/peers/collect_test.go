package peers_test

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/reldb/reldb/bench/peers"
	"github.com/stretchr/testify/require"
)

// BenchmarkCollect times one full garbage collection of the Go heap
// holding a system's loaded library and nothing else, with 1, 3 and 5
// tags a book: what the collector marks of each system's data, each time
// it runs. live-MB is the heap the library holds; the growth from one
// tag count to the next is what the junction's rows hold.
func BenchmarkCollect(b *testing.B) {
	for _, tags := range []int{1, 3, 5} {
		for _, sys := range peers.Systems() {
			if sys.Server != nil || sys.Name == "reldb-typed" || sys.Name == "reldb-sql" {
				continue // reached over the wire, or reldb's heap again
			}
			b.Run(fmt.Sprintf("tags=%d/%s", tags, sys.Name), func(b *testing.B) {
				f := peers.Standard
				f.TagsPerBook = tags
				p, m, err := peers.LoadMeasured(sys, f)
				require.NoError(b, err)
				defer p.Close()
				for b.Loop() {
					runtime.GC()
				}
				b.ReportMetric(float64(m.GoHeap)/1e6, "live-MB")
			})
		}
	}
}
