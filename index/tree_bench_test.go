package index

import (
	"fmt"
	"testing"
)

// BenchmarkTree_Get looks up int64 keys in trees of several sizes, in a
// scattered order and in key order (which keeps the path in cache).
func BenchmarkTree_Get(b *testing.B) {
	for _, tc := range []struct {
		n      int
		stride int
	}{{1_000, 7919}, {10_000, 7919}, {100_000, 7919}, {100_000, 1}} {
		b.Run(fmt.Sprintf("rows=%d/stride=%d", tc.n, tc.stride), func(b *testing.B) {
			t := NewTree()
			keys := make([][]byte, tc.n)
			for i := range tc.n {
				keys[i], _ = AppendKey(nil, int64(i))
				t.Put(Entry{Key: keys[i]})
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, ok := t.Get(keys[(i*tc.stride)%tc.n]); !ok {
					b.Fatal("missing key")
				}
			}
		})
	}
}
