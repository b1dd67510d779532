package bench_test

import (
	"fmt"
	"log"

	"github.com/reldb/reldb/bench"
)

// This example runs the traversal workload on 100 authors lazily and
// eagerly: the same rows, 1 + 100 + 1,000 loads against 3.
func ExampleTraversal() {
	lib := bench.Library{Authors: 100}
	db, err := bench.OpenLibrary(lib)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	for _, mode := range []bench.Mode{bench.Lazy, bench.Eager} {
		r, err := bench.Traversal{Mode: mode}.Run(db, lib.Reached(2))
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(mode, r.Rows, "rows,", r.Loads, "loads")
	}
	// Output:
	// lazy 4100 rows, 1101 loads
	// eager 4100 rows, 3 loads
}
