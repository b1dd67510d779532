package engine

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// viewSeeded opens a database of packTables with author 1 and its books
// 0 to books-1, titled "ta", "tb", ...
func viewSeeded(t *testing.T, books int64) *DB {
	t.Helper()
	db := schemaDB(t, packTables, packRelations)
	require.NoError(t, db.Update(context.Background(), func(tx *Tx) error {
		if _, err := tx.Insert("authors", Row{"id": 1, "name": "Ann"}); err != nil {
			return err
		}
		for id := range books {
			if _, err := tx.Insert("books", Row{"id": id, "author_id": 1, "title": "t" + string(rune('a'+id))}); err != nil {
				return err
			}
		}
		return nil
	}))
	return db
}

// TestDB_View_RecyclesOnlyWhatNothingRefersTo checks which of View's
// transactions may serve another View: one that only read rows with Get
// (its records hold their own loose result) or ran up to two queries
// once each (their records hold the query's own result), and none that
// handed out more queries, a savepoint or its Stats, or traversed a
// relation.
func TestDB_View_RecyclesOnlyWhatNothingRefersTo(t *testing.T) {
	ctx := context.Background()
	db := viewSeeded(t, 2)
	require.NoError(t, Register[recycleBook](db, "books"))
	for _, c := range []struct {
		name string
		fn   func(tx *Tx) error
		want bool
	}{
		{"nothing", func(*Tx) error { return nil }, true},
		{"Get", func(tx *Tx) error { _, err := tx.Get("books", 1); return err }, true},
		{"two Gets of one table", func(tx *Tx) error {
			if _, err := tx.Get("books", 0); err != nil {
				return err
			}
			_, err := tx.Get("books", 1) // a second loose result, after the first
			return err
		}, false},
		{"typed Get twice", func(tx *Tx) error {
			if _, err := Get[recycleBook](tx, int64(1)); err != nil {
				return err
			}
			_, err := Get[recycleBook](tx, int64(1)) // the same row: no record made
			return err
		}, true},
		{"two Gets of two tables", func(tx *Tx) error {
			if _, err := tx.Get("books", 1); err != nil {
				return err
			}
			_, err := tx.Get("authors", 1) // a second loose result: traversal state
			return err
		}, false},
		{"Query", func(tx *Tx) error { _, err := tx.Query("books").All(); return err }, true},
		{"Bind and Query", func(tx *Tx) error {
			if _, err := tx.Bind(Prepare("books", Eq("author_id", Param(1))), 1).All(); err != nil {
				return err
			}
			_, err := tx.Query("books").Where(Eq("id", 1)).First() // streamed
			return err
		}, true},
		{"three queries", func(tx *Tx) error {
			for range 3 {
				if _, err := tx.Query("books").Count(); err != nil {
					return err
				}
			}
			return nil
		}, false},
		{"a query run twice", func(tx *Tx) error {
			q := tx.Query("books")
			if _, err := q.All(); err != nil {
				return err
			}
			_, err := q.All() // a second result, not the query's own
			return err
		}, false},
		{"Query with Prefetch", func(tx *Tx) error { _, err := tx.Query("books").Prefetch("author").All(); return err }, false},
		{"Related", func(tx *Tx) error {
			r, err := tx.Get("books", 1)
			if err == nil {
				_, err = r.Related("author")
			}
			return err
		}, false},
		{"Stats", func(tx *Tx) error { tx.Stats(); return nil }, false},
		{"Savepoint", func(tx *Tx) error { _, err := tx.Savepoint(); return err }, false},
	} {
		var kept *Tx
		require.NoError(t, db.View(ctx, func(tx *Tx) error { kept = tx; return c.fn(tx) }), c.name)
		assert.Equal(t, c.want, kept.recyclable(), c.name)
	}
}

// TestDB_View_SecondLooseRecordOutlivesView keeps the record of a View's
// second point read of a table, which its second loose result holds, and
// loads through it in the Views that follow, which may reuse the Tx: the
// load returns ErrTxDone, never reads through another View.
func TestDB_View_SecondLooseRecordOutlivesView(t *testing.T) {
	ctx := context.Background()
	db := viewSeeded(t, 10)
	var second Record
	require.NoError(t, db.View(ctx, func(tx *Tx) error {
		if _, err := tx.Get("books", int64(1)); err != nil {
			return err
		}
		var err error
		second, err = tx.Get("books", int64(2))
		return err
	}))
	for range 10 {
		require.NoError(t, db.View(ctx, func(tx *Tx) error {
			_, err := second.Related("author")
			assert.ErrorIs(t, err, ErrTxDone)
			return nil
		}))
	}
}

// TestDB_View_RecordsOutliveRecycledTx reads a record in one View and
// keeps it while many other Views, on other goroutines too, reuse the
// transactions: its values stay those of its row, and a lazy load through
// it returns ErrTxDone, also inside a View that reuses its Tx. Under
// -race, reading it beside them is no race.
func TestDB_View_RecordsOutliveRecycledTx(t *testing.T) {
	ctx := context.Background()
	db := viewSeeded(t, 10)
	var kept Record
	var keptTx *Tx
	require.NoError(t, db.View(ctx, func(tx *Tx) error {
		var err error
		keptTx = tx
		kept, err = tx.Get("books", int64(3))
		return err
	}))
	// Once the Tx serves another View (begun on it as View does when
	// the pool hands it back), a lazy load through the record is still
	// ErrTxDone: the record refers to the ended transaction, not to the
	// live one now using its memory.
	require.True(t, keptTx.recyclable())
	*keptTx = Tx{}
	db.begin(keptTx, ctx, TxOptions{ReadOnly: true})
	_, err := kept.Related("author")
	assert.ErrorIs(t, err, ErrTxDone, "a lazy load through a record of a recycled Tx")
	keptTx.rollback()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 500 {
				id := int64((g + i) % 10)
				err := db.View(ctx, func(tx *Tx) error {
					r, err := tx.Get("books", id)
					if err == nil && r.Get("id") != id {
						t.Errorf("read book %v, want %d", r.Get("id"), id)
					}
					return err
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	for range 500 {
		assert.Equal(t, "td", kept.Get("title"))
	}
	wg.Wait()
	assert.Equal(t, int64(3), kept.Get("id"))
	assert.Equal(t, "td", kept.Get("title"))
	_, err = kept.Related("author")
	assert.ErrorIs(t, err, ErrTxDone)
}

// TestDB_View_QueryOutlivesRecycledTx keeps a query and the records of
// its result past View, while the transaction serves other Views on
// other goroutines: the records keep their rows, a lazy load through them
// and a run of the query return ErrTxDone, also inside a View that reuses
// the Tx. Under -race, reading them beside the other Views is no race.
func TestDB_View_QueryOutlivesRecycledTx(t *testing.T) {
	ctx := context.Background()
	db := viewSeeded(t, 10)
	var q *Query
	var recs []Record
	var keptTx *Tx
	require.NoError(t, db.View(ctx, func(tx *Tx) error {
		keptTx = tx
		q = tx.Bind(Prepare("books", Eq("author_id", Param(1))), 1)
		var err error
		recs, err = q.All()
		return err
	}))
	require.Len(t, recs, 10)
	require.True(t, keptTx.recyclable())
	check := func() {
		for i, r := range recs {
			assert.Equal(t, int64(i), r.Get("id"))
		}
		_, err := recs[0].Related("author")
		assert.ErrorIs(t, err, ErrTxDone, "a lazy load through a record of a recycled Tx")
		_, err = recs[0].RelatedOne("author")
		assert.ErrorIs(t, err, ErrTxDone, "RelatedOne through a record of a recycled Tx")
		_, err = q.All()
		assert.ErrorIs(t, err, ErrTxDone, "a run of a query of a recycled Tx")
	}
	*keptTx = Tx{} // as View does when the pool hands it back
	db.begin(keptTx, ctx, TxOptions{ReadOnly: true})
	check()
	keptTx.rollback()
	var wg sync.WaitGroup
	for g := range 2 {
		wg.Go(func() {
			for i := range 300 {
				err := db.View(ctx, func(tx *Tx) error {
					rs, err := tx.Bind(Prepare("books", Eq("id", Param(1))), int64((g+i)%10)).All()
					if err == nil && (len(rs) != 1 || rs[0].Get("id") != int64((g+i)%10)) {
						t.Errorf("read %v, want book %d", rs, (g+i)%10)
					}
					return err
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	for range 100 {
		for i, r := range recs {
			assert.Equal(t, int64(i), r.Get("id"))
		}
	}
	wg.Wait()
	check()
}

// TestDB_View_TypedQueryOutlivesRecycledTx runs a typed query kept past
// its View, once run in it and once not, after the View recycled its
// Tx: All answers ErrTxDone, as the query's own runs do.
func TestDB_View_TypedQueryOutlivesRecycledTx(t *testing.T) {
	db := viewSeeded(t, 3)
	require.NoError(t, Register[recycleBook](db, "books"))
	for _, ran := range []bool{false, true} {
		var q *Query
		require.NoError(t, db.View(context.Background(), func(tx *Tx) error {
			q = QueryOf[recycleBook](tx)
			if ran {
				_, err := q.Count()
				return err
			}
			return nil
		}))
		_, err := q.All()
		assert.ErrorIs(t, err, ErrTxDone, "ran=%v", ran)
		assert.NotPanics(t, func() { _, err = All[recycleBook](q) }, "ran=%v", ran)
		assert.ErrorIs(t, err, ErrTxDone, "ran=%v", ran)
	}
}

// recycleBook is a typed model of viewSeeded's books.
type recycleBook struct {
	ID    int64  `reldb:"id"`
	Title string `reldb:"title"`
}

// TestDB_View_TypedGetOneAllocation checks that a typed point read in a
// View allocates once, its object (no record is made for it, and the key,
// under 256, needs no box), and that an object kept after the View keeps
// its values while the transaction serves other Views.
func TestDB_View_TypedGetOneAllocation(t *testing.T) {
	ctx := context.Background()
	db := viewSeeded(t, 10)
	require.NoError(t, Register[recycleBook](db, "books"))
	var kept *recycleBook
	require.NoError(t, db.View(ctx, func(tx *Tx) error {
		var err error
		kept, err = Get[recycleBook](tx, int64(3))
		return err
	}))
	var sum int64
	allocs := testing.AllocsPerRun(200, func() {
		err := db.View(ctx, func(tx *Tx) error {
			b, err := Get[recycleBook](tx, int64(5))
			if err == nil {
				sum += b.ID
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	assert.Equal(t, 1.0, allocs)
	assert.Equal(t, int64(5*201), sum)
	assert.Equal(t, recycleBook{ID: 3, Title: "td"}, *kept)
}
