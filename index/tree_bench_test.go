package index

import (
	"testing"
)

func BenchmarkTree_Get(b *testing.B) {
	const n = 100_000
	t := NewTree()
	keys := make([][]byte, n)
	for i := range n {
		k, _ := AppendKey(nil, int64(i))
		keys[i] = k
		t.Put(Entry{Key: k})
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, ok := t.Get(keys[(i*7919)%n]); !ok {
			b.Fatal("missing")
		}
	}
}

func BenchmarkTree_GetSeq(b *testing.B) {
	const n = 100_000
	t := NewTree()
	keys := make([][]byte, n)
	for i := range n {
		k, _ := AppendKey(nil, int64(i))
		keys[i] = k
		t.Put(Entry{Key: k})
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, ok := t.Get(keys[i%n]); !ok {
			b.Fatal("missing")
		}
	}
}

func BenchmarkTree_GetSmall(b *testing.B) {
	const n = 1000
	t := NewTree()
	keys := make([][]byte, n)
	for i := range n {
		k, _ := AppendKey(nil, int64(i))
		keys[i] = k
		t.Put(Entry{Key: k})
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, ok := t.Get(keys[(i*7919)%n]); !ok {
			b.Fatal("missing")
		}
	}
}
