package bench_test

import (
	"fmt"
	"testing"

	"github.com/reldb/reldb/bench"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTraversal: every mode and API reaches every row; eager costs
// exactly 1 + 2 loads at every size, lazy 1 + authors + books.
func TestTraversal(t *testing.T) {
	for _, n := range []int{0, 1, 10, 100} {
		lib := bench.Library{Authors: n}
		db, err := bench.OpenLibrary(lib)
		require.NoError(t, err)
		for _, api := range []bench.API{bench.Dynamic, bench.Typed} {
			for _, mode := range []bench.Mode{bench.Eager, bench.Lazy} {
				t.Run(fmt.Sprintf("authors=%d/%s/%s", n, mode, api), func(t *testing.T) {
					res, err := bench.Traversal{Mode: mode, API: api}.Run(db, lib.Rows())
					require.NoError(t, err)
					assert.Equal(t, n+10*n+30*n, res.Rows)
					if mode == bench.Eager {
						assert.Equal(t, 3, res.Loads)
					} else {
						assert.Equal(t, 1+n+10*n, res.Loads)
					}
				})
			}
		}
		require.NoError(t, db.Check())
		db.Close()
	}
}

// TestTraversal_WrongCount: a traversal that reaches too few rows fails.
func TestTraversal_WrongCount(t *testing.T) {
	lib := bench.Library{Authors: 2}
	db, err := bench.OpenLibrary(lib)
	require.NoError(t, err)
	defer db.Close()
	_, err = bench.Traversal{}.Run(db, lib.Rows()+1)
	assert.ErrorContains(t, err, "reached 82 rows, want 83")
	_, err = bench.OpenLibrary(bench.Library{Authors: 1, Tags: 2, TagsPerBook: 3})
	assert.Error(t, err)
}

// BenchmarkTraversal walks authors → books → tags, eagerly and lazily,
// through both APIs. ns/row is per reached row (author, book or book-tag
// pair); loads/op is the loads of one traversal.
func BenchmarkTraversal(b *testing.B) {
	for _, n := range []int{10, 100, 1000, 10000} {
		lib := bench.Library{Authors: n}
		db, err := bench.OpenLibrary(lib)
		require.NoError(b, err)
		for _, api := range []bench.API{bench.Dynamic, bench.Typed} {
			for _, mode := range []bench.Mode{bench.Eager, bench.Lazy} {
				b.Run(fmt.Sprintf("authors=%d/%s/%s", n, mode, api), func(b *testing.B) {
					tr := bench.Traversal{Mode: mode, API: api}
					b.ReportAllocs()
					var res bench.Result
					for b.Loop() {
						if res, err = tr.Run(db, lib.Rows()); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(float64(res.Loads), "loads/op")
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(res.Rows), "ns/row")
				})
			}
		}
		db.Close()
	}
}
