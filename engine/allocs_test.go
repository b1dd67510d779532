package engine_test

import (
	"context"
	"testing"

	"github.com/reldb/reldb/engine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAllocs pins the allocations of the paths a program takes most: a
// point read, a prepared children query and a one-row update through both
// APIs (a typed point read's one allocation is
// TestDB_View_TypedGetOneAllocation's). A change that adds one fails
// here, not only in a benchmark someone has to run.
// testing.AllocsPerRun gives the whole number of
// allocations a run averages, so a pool a collection emptied during the
// runs adds nothing, and each figure is the exact count. `make test` runs
// it without the race detector, under which the counts mean nothing.
func TestAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes allocation counts; make test-allocs runs this")
	}
	if testing.Short() {
		t.Skip("loads 11,000 rows")
	}
	db := openShelf(t)
	ctx := context.Background()
	byAuthor := engine.Prepare("books", engine.Eq("author_id", engine.Param(1)))
	// Keys under 256 need no box when passed as any: the figures are
	// reldb's, not the caller's.
	const author, book = int64(7), int64(200)
	var bk shelfBook
	var books [shelfPer]shelfBook
	cases := []struct {
		name string
		max  float64 // allocations a run makes, at most
		run  func() error
	}{
		// The loose result the record lives in.
		{"point read with Scan", 1, func() error {
			return db.View(ctx, func(tx *engine.Tx) error {
				r, err := tx.Get("books", book)
				if err != nil {
					return err
				}
				return scanBook(r, &bk)
			})
		}},
		// The Query, which holds its result and rows, and the records;
		// View recycles the Tx.
		{"prepared children with Scan", 2, func() error {
			return db.View(ctx, func(tx *engine.Tx) error {
				recs, err := tx.Bind(byAuthor, author).All()
				if err != nil {
					return err
				}
				for i, r := range recs {
					if err := scanBook(r, &books[i]); err != nil {
						return err
					}
				}
				return nil
			})
		}},
		{"one-row update", 57, func() error {
			return db.Update(ctx, func(tx *engine.Tx) error {
				_, err := tx.Update("books", book, engine.Row{"title": "new title"})
				return err
			})
		}},
		{"typed one-row update", 65, func() error {
			return db.Update(ctx, func(tx *engine.Tx) error {
				b, err := engine.Get[shelfBook](tx, book)
				if err != nil {
					return err
				}
				b.Title = "another title"
				return engine.Update(tx, b)
			})
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.NoError(t, c.run())
			allocs := testing.AllocsPerRun(200, func() {
				if err := c.run(); err != nil {
					t.Fatal(err)
				}
			})
			t.Logf("%.2f allocations a run", allocs)
			assert.LessOrEqual(t, allocs, c.max, "a run allocates more than it did")
		})
	}
}
