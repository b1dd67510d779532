package engine_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
)

// booksOf is the prepared query the tests share, as a program would keep
// one in a package variable.
var booksOf = engine.Prepare("books", engine.Eq("author_id", engine.Param(1))).OrderBy("id", engine.Asc)

func bookNames(t *testing.T, q *engine.Query) []string {
	t.Helper()
	recs, err := q.All()
	require.NoError(t, err)
	var out []string
	for _, r := range recs {
		out = append(out, r.Get("name").(string))
	}
	return out
}

func TestPrepared_BindsArguments(t *testing.T) {
	ctx := context.Background()
	db := libraryExample(ctx)
	defer db.Close()
	require.NoError(t, db.View(ctx, func(tx *engine.Tx) error {
		assert.Equal(t, []string{"Earthsea", "The Dispossessed"}, bookNames(t, tx.Bind(booksOf, 1)))
		assert.Equal(t, []string{"Kindred"}, bookNames(t, tx.Bind(booksOf, int32(2))), "converted as Eq converts")
		assert.Empty(t, bookNames(t, tx.Bind(booksOf, 3)))
		assert.Empty(t, bookNames(t, tx.Bind(booksOf, nil)), "NULL matches nothing")
		assert.Equal(t, []string{"Kindred"}, bookNames(t, tx.Bind(booksOf, 2)), "a NULL run leaves the plan as it was")
		n, err := tx.Bind(booksOf, 1).Count()
		require.NoError(t, err)
		assert.Equal(t, 2, n)
		first, err := tx.Bind(booksOf, 1).First()
		require.NoError(t, err)
		assert.Equal(t, "Earthsea", first.Get("name"))
		_, err = tx.Bind(booksOf, 3).First()
		assert.ErrorIs(t, err, engine.ErrNotFound)
		// Bind keeps its arguments, not the caller's slice.
		args := []any{1}
		q := tx.Bind(booksOf, args...)
		args[0] = 2
		assert.Equal(t, []string{"Earthsea", "The Dispossessed"}, bookNames(t, q))
		args = []any{1, 2}
		q = tx.Bind(engine.Prepare("books", engine.In("author_id", engine.Param(1), engine.Param(2))).OrderBy("id", engine.Asc), args...)
		args[1] = 1
		assert.Equal(t, []string{"Earthsea", "The Dispossessed", "Kindred"}, bookNames(t, q))
		return nil
	}))
	// In a writer, the bound query reads the transaction's own writes.
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		_, err := tx.Insert("books", engine.Row{"id": 30, "name": "Parable", "author_id": 2})
		require.NoError(t, err)
		assert.Equal(t, []string{"Kindred", "Parable"}, bookNames(t, tx.Bind(booksOf, 2)))
		return nil
	}))
}

// The plan is the one the same query gets unprepared, and ranges, Limit,
// Offset, descending order and In take Params too.
func TestPrepared_SamePlanAndResultsAsQuery(t *testing.T) {
	ctx := context.Background()
	db := libraryExample(ctx)
	defer db.Close()
	cases := []struct {
		name  string
		prep  *engine.PreparedQuery
		args  []any
		query func(tx *engine.Tx) *engine.Query
	}{
		{"eq", booksOf, []any{1}, func(tx *engine.Tx) *engine.Query {
			return tx.Query("books").Where(engine.Eq("author_id", 1)).OrderBy("id", engine.Asc)
		}},
		{"range desc limit", engine.Prepare("books", engine.Ge("id", engine.Param(1)), engine.Lt("id", engine.Param(2))).OrderBy("id", engine.Desc).Limit(2),
			[]any{10, 21}, func(tx *engine.Tx) *engine.Query {
				return tx.Query("books").Where(engine.Ge("id", 10), engine.Lt("id", 21)).OrderBy("id", engine.Desc).Limit(2)
			}},
		{"offset", booksOf.Offset(1), []any{1}, func(tx *engine.Tx) *engine.Query {
			return tx.Query("books").Where(engine.Eq("author_id", 1)).OrderBy("id", engine.Asc).Offset(1)
		}},
		{"in with a param and a constant", engine.Prepare("books", engine.In("id", engine.Param(1), 20)).OrderBy("id", engine.Asc),
			[]any{11}, func(tx *engine.Tx) *engine.Query {
				return tx.Query("books").Where(engine.In("id", 11, 20)).OrderBy("id", engine.Asc)
			}},
		{"a param twice", engine.Prepare("books", engine.Ge("id", engine.Param(1)), engine.Le("id", engine.Param(1))),
			[]any{11}, func(tx *engine.Tx) *engine.Query {
				return tx.Query("books").Where(engine.Ge("id", 11), engine.Le("id", 11))
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.NoError(t, db.View(ctx, func(tx *engine.Tx) error {
				for range 2 { // the first run makes the plan, the second reuses it
					want, err := c.query(tx).Explain()
					require.NoError(t, err)
					got, err := tx.Bind(c.prep, c.args...).Explain()
					require.NoError(t, err)
					assert.Equal(t, want, got)
					assert.Equal(t, bookNames(t, c.query(tx)), bookNames(t, tx.Bind(c.prep, c.args...)))
				}
				return nil
			}))
		})
	}
}

func TestPrepared_Errors(t *testing.T) {
	ctx := context.Background()
	db := libraryExample(ctx)
	defer db.Close()
	cases := []struct {
		name string
		run  func(tx *engine.Tx) error
		want error
		msg  string
	}{
		{"too few arguments", func(tx *engine.Tx) error { _, err := tx.Bind(booksOf).All(); return err },
			engine.ErrInvalidArgument, "0 arguments for 1 parameters"},
		{"too many arguments", func(tx *engine.Tx) error { _, err := tx.Bind(booksOf, 1, 2).All(); return err },
			engine.ErrInvalidArgument, "2 arguments for 1 parameters"},
		{"Param(0)", func(tx *engine.Tx) error {
			_, err := tx.Bind(engine.Prepare("books", engine.Eq("id", engine.Param(0)))).All()
			return err
		}, engine.ErrInvalidArgument, "numbered from 1"},
		{"a Param in an ordinary query", func(tx *engine.Tx) error {
			_, err := tx.Query("books").Where(engine.Eq("id", engine.Param(1))).All()
			return err
		}, engine.ErrInvalidArgument, "outside a prepared query"},
		{"an argument of the wrong type", func(tx *engine.Tx) error { _, err := tx.Bind(booksOf, "x").All(); return err },
			engine.ErrType, "query books: $1"},
		{"an unknown column", func(tx *engine.Tx) error {
			_, err := tx.Bind(engine.Prepare("books", engine.Eq("nope", engine.Param(1))), 1).All()
			return err
		}, engine.ErrNoColumn, "nope"},
		{"an unknown table", func(tx *engine.Tx) error {
			_, err := tx.Bind(engine.Prepare("nope", engine.Eq("id", engine.Param(1))), 1).All()
			return err
		}, engine.ErrNoTable, "nope"},
		{"a negative offset", func(tx *engine.Tx) error { _, err := tx.Bind(booksOf.Offset(-1), 1).All(); return err },
			engine.ErrInvalidArgument, "negative offset"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.NoError(t, db.View(ctx, func(tx *engine.Tx) error {
				err := c.run(tx)
				require.ErrorIs(t, err, c.want)
				assert.Contains(t, err.Error(), c.msg)
				return nil
			}))
		})
	}
	// A failed bind does not spoil the prepared query.
	require.NoError(t, db.View(ctx, func(tx *engine.Tx) error {
		assert.Equal(t, []string{"Kindred"}, bookNames(t, tx.Bind(booksOf, 2)))
		return nil
	}))
}

// Each chained method returns a new prepared query; the one it was called
// on is unchanged.
func TestPrepared_Immutable(t *testing.T) {
	ctx := context.Background()
	db := libraryExample(ctx)
	defer db.Close()
	base := engine.Prepare("books", engine.Eq("author_id", engine.Param(1)))
	desc := base.OrderBy("id", engine.Desc)
	limited := desc.Limit(1)
	withTags := base.Prefetch("tags")
	require.NoError(t, db.View(ctx, func(tx *engine.Tx) error {
		assert.ElementsMatch(t, []string{"Earthsea", "The Dispossessed"}, bookNames(t, tx.Bind(base, 1)))
		assert.Equal(t, []string{"The Dispossessed", "Earthsea"}, bookNames(t, tx.Bind(desc, 1)))
		assert.Equal(t, []string{"The Dispossessed"}, bookNames(t, tx.Bind(limited, 1)))
		// Chaining onto a bound query changes that query only.
		bound := tx.Bind(desc, 1).OrderBy("name", engine.Asc).Where(engine.Gt("id", 10))
		assert.Equal(t, []string{"The Dispossessed"}, bookNames(t, bound))
		assert.Equal(t, []string{"The Dispossessed", "Earthsea"}, bookNames(t, tx.Bind(desc, 1)))

		// Relations of a book's tags (tags.books) below the prepared
		// query's own prefetch (tags).
		walk := func(recs []engine.Record) {
			for _, r := range recs {
				tags, err := r.Related("tags")
				require.NoError(t, err)
				for _, tag := range tags {
					_, err := tag.Related("books")
					require.NoError(t, err)
				}
			}
		}
		recs, err := tx.Bind(withTags, 1).Prefetch("tags.books").All()
		require.NoError(t, err)
		require.Len(t, recs, 2)
		before := tx.Stats().Loads
		walk(recs)
		assert.Equal(t, before, tx.Stats().Loads, "tags and their books were prefetched")
		// The extra Prefetch on the bound query did not reach withTags.
		recs, err = tx.Bind(withTags, 1).All()
		require.NoError(t, err)
		before = tx.Stats().Loads
		walk(recs)
		assert.Greater(t, tx.Stats().Loads, before, "the tags' books are loaded lazily")
		return nil
	}))
}

// A schema change remakes the plan: a new index is used, a dropped column
// is an error, and a fork with its own catalog gets a plan of its own.
func TestPrepared_FollowsSchemaChanges(t *testing.T) {
	ctx := context.Background()
	db := libraryExample(ctx)
	defer db.Close()
	byName := engine.Prepare("books", engine.Eq("name", engine.Param(1)))
	explain := func(db *engine.DB) string {
		var s string
		require.NoError(t, db.View(ctx, func(tx *engine.Tx) error {
			var err error
			s, err = tx.Bind(byName, "Kindred").Explain()
			require.NoError(t, err)
			assert.Equal(t, []string{"Kindred"}, bookNames(t, tx.Bind(byName, "Kindred")))
			return nil
		}))
		return s
	}
	before := explain(db)
	assert.NotContains(t, before, "books_name")

	fork, err := db.Fork(engine.Options{})
	require.NoError(t, err)
	defer fork.Close()
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		return tx.CreateIndex("books", engine.Index{Name: "books_name", Columns: []string{"name"}})
	}))
	assert.Contains(t, explain(db), "books_name")
	assert.Equal(t, before, explain(fork), "the fork has no such index")
	assert.Contains(t, explain(db), "books_name")

	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		return tx.DropIndex("books", "books_name")
	}))
	assert.Equal(t, before, explain(db))

	// A dropped column fails the bound query, in the transaction that
	// drops it and after.
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		require.NoError(t, tx.DropColumn("books", "name"))
		_, err := tx.Bind(byName, "Kindred").All()
		assert.ErrorIs(t, err, engine.ErrNoColumn)
		return nil
	}))
	require.NoError(t, db.View(ctx, func(tx *engine.Tx) error {
		_, err := tx.Bind(byName, "Kindred").All()
		assert.ErrorIs(t, err, engine.ErrNoColumn)
		return nil
	}))
	assert.Equal(t, before, explain(fork), "the fork keeps its column")
}

// One prepared query bound by many readers and a writer at once, on two
// databases: run with -race.
func TestPrepared_Concurrent(t *testing.T) {
	ctx := context.Background()
	db := libraryExample(ctx)
	defer db.Close()
	fork, err := db.Fork(engine.Options{})
	require.NoError(t, err)
	defer fork.Close()
	require.NoError(t, fork.Update(ctx, func(tx *engine.Tx) error {
		return tx.CreateIndex("books", engine.Index{Name: "books_name", Columns: []string{"name"}})
	}))
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			on := db
			if g%2 == 1 {
				on = fork
			}
			for i := range 300 {
				author := int64(1 + i%2)
				err := on.View(ctx, func(tx *engine.Tx) error {
					recs, err := tx.Bind(booksOf, author).All()
					if err != nil {
						return err
					}
					for _, r := range recs {
						if r.Get("author_id") != author {
							return fmt.Errorf("book %v of author %v for %d", r.Get("id"), r.Get("author_id"), author)
						}
					}
					if len(recs) == 0 {
						return fmt.Errorf("no books for %d", author)
					}
					return nil
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 100 {
			err := db.Update(ctx, func(tx *engine.Tx) error {
				_, err := tx.Insert("books", engine.Row{"id": 1000 + i, "name": fmt.Sprint("b", i), "author_id": 1 + i%2})
				if err != nil {
					return err
				}
				_, err = tx.Bind(booksOf, 1+i%2).Count()
				return err
			})
			if err != nil {
				errs <- err
				return
			}
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// The typed API takes a bound query like any other.
func TestPrepared_Typed(t *testing.T) {
	ctx := context.Background()
	db := libraryExample(ctx)
	defer db.Close()
	type Book struct {
		ID       int64  `reldb:"id"`
		Name     string `reldb:"name"`
		AuthorID int64  `reldb:"author_id"`
	}
	require.NoError(t, engine.Register[Book](db, "books"))
	require.NoError(t, db.View(ctx, func(tx *engine.Tx) error {
		books, err := engine.All[Book](tx.Bind(booksOf, 1))
		require.NoError(t, err)
		require.Len(t, books, 2)
		assert.Equal(t, "Earthsea", books[0].Name)
		return nil
	}))
}

// This example prepares a query once and runs it for two authors. The
// first run looks up the column, converts the constants and chooses the
// index; later runs only bind the argument.
func ExamplePrepare() {
	ctx := context.Background()
	db := libraryExample(ctx)
	defer db.Close()
	byAuthor := engine.Prepare("books", engine.Eq("author_id", engine.Param(1))).OrderBy("name", engine.Asc)
	_ = db.View(ctx, func(tx *engine.Tx) error {
		for _, author := range []int64{1, 2} {
			books, err := tx.Bind(byAuthor, author).All()
			if err != nil {
				return err
			}
			for _, b := range books {
				fmt.Println(author, b.Get("name"))
			}
		}
		return nil
	})
	// Output:
	// 1 Earthsea
	// 1 The Dispossessed
	// 2 Kindred
}
