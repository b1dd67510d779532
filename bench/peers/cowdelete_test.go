package peers_test

import (
	"testing"

	"github.com/google/btree"
	"github.com/reldb/reldb/bench/peers"
)

// Elements of a tree of (tag, book) pairs, the junction's reverse index,
// the most scattered tree of the cascade: both 16 bytes, the pair packed
// into one word that alone orders them. wordElem holds no pointer;
// ptrElem holds one to its key, carved from chunks of 256 as reldb's
// elements (index/tree.go) point to items carved from chunks.
type (
	wordElem struct{ w, _ uint64 }
	ptrElem  struct {
		w uint64
		p *[2]int64
	}
)

func packPair(tag, book int64) uint64 { return uint64(tag)<<32 | uint64(book) }

// BenchmarkCOWDelete deletes one family's 30 links from a copy-on-write
// B-tree of every link of the library (degree 32, reldb's), publishing a
// snapshot before each family's deletes as an MVCC commit does, and adds
// them back untimed: the snapshot floor's junction work in
// cascade-delete, with the two element layouts. The gap is what a
// pointer per element costs a copy-on-write delete: the copied nodes
// hold pointers, which the copy's write barrier shades while the
// collector marks, and which the collector scans.
func BenchmarkCOWDelete(b *testing.B) {
	b.Run("elem=word", func(b *testing.B) {
		benchCOWDelete(b, func(tag, book int64, _ bool) wordElem { return wordElem{w: packPair(tag, book)} },
			func(x, y wordElem) bool { return x.w < y.w })
	})
	b.Run("elem=word+pointer", func(b *testing.B) {
		var chunk [][2]int64
		benchCOWDelete(b, func(tag, book int64, stored bool) ptrElem {
			e := ptrElem{w: packPair(tag, book)}
			if stored {
				if len(chunk) == cap(chunk) {
					chunk = make([][2]int64, 0, 256)
				}
				chunk = append(chunk, [2]int64{tag, book})
				e.p = &chunk[len(chunk)-1]
			}
			return e
		}, func(x, y ptrElem) bool { return x.w < y.w })
	})
}

// benchCOWDelete runs BenchmarkCOWDelete on elements made by mk (stored
// is false for a search key).
func benchCOWDelete[E any](b *testing.B, mk func(tag, book int64, stored bool) E, less func(x, y E) bool) {
	f := peers.Standard
	fams := make([]peers.Family, f.Authors)
	t := btree.NewG(32, less)
	for a := range fams {
		fams[a] = f.Family(int64(a))
		for _, l := range fams[a].Links {
			t.ReplaceOrInsert(mk(l.TagID, l.BookID, true))
		}
	}
	want := t.Len()
	var snapshot *btree.BTreeG[E]
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		fam := &fams[i*31%len(fams)]
		snapshot = t.Clone() // what readers see; t copies each node it changes
		for _, l := range fam.Links {
			if _, ok := t.Delete(mk(l.TagID, l.BookID, false)); !ok {
				b.Fatalf("link %v missing", l)
			}
		}
		b.StopTimer()
		for _, l := range fam.Links {
			t.ReplaceOrInsert(mk(l.TagID, l.BookID, true))
		}
		b.StartTimer()
	}
	b.StopTimer()
	if t.Len() != want || snapshot.Len() != want {
		b.Fatalf("tree holds %d links, snapshot %d, want %d", t.Len(), snapshot.Len(), want)
	}
}
