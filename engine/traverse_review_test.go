package engine_test

// Tests from a review of the read-path rework (records as result and
// position, loose results, slabs): each failed before its fix.

import (
	"sync"
	"testing"

	"github.com/reldb/reldb/engine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReview_PrefetchedAfterTx_Concurrent: the relations a query
// prefetched are read after the transaction from several goroutines at
// once, by RelatedOne and Links as well as Related; a relation nothing
// loaded fails with ErrTxDone. None of it may race (go test -race):
// RelatedOne and Links resolved the relation name first, caching it in
// the transaction's traversal state, which goroutines then wrote at once.
func TestReview_PrefetchedAfterTx_Concurrent(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	var books, students []engine.Record
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		var err error
		if books, err = tx.Query("books").Prefetch("author", "tags").All(); err != nil {
			return err
		}
		students, err = tx.Query("students").Prefetch("courses").All()
		return err
	}))
	require.NotEmpty(t, books)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for _, b := range books {
				a, err := b.RelatedOne("author")
				if assert.NoError(t, err) {
					assert.Equal(t, b.Get("author_id"), a.ID())
				}
				_, err = b.Links("tags")
				assert.NoError(t, err)
				_, err = b.Related("reviews") // not prefetched
				assert.ErrorIs(t, err, engine.ErrTxDone)
			}
			for _, s := range students {
				ls, err := s.Links("courses")
				if assert.NoError(t, err) {
					for _, l := range ls {
						assert.Equal(t, s.ID(), l.Via.Get("student_id"))
					}
				}
			}
		})
	}
	wg.Wait()
}

// TestReview_LooseRecordsHandedOff: records of rows read one at a time
// are handed to another goroutine while the transaction reads on. A
// record reads its row through its result's row list, which later point
// reads appended to: a data race (go test -race) where a record used to
// hold its row itself.
func TestReview_LooseRecordsHandedOff(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		ch := make(chan engine.Record)
		done := make(chan []any)
		go func() {
			var got []any
			for r := range ch {
				got = append(got, r.ID(), r.Get("name"))
			}
			done <- got
		}()
		var want []any
		for i := range 40 {
			id := i%4 + 1
			table := "authors"
			if i%3 == 0 {
				table = "users"
				id = i%2 + 1
			}
			r, err := tx.Get(table, id)
			require.NoError(t, err)
			want = append(want, r.ID(), r.Get("name"))
			ch <- r
		}
		close(ch)
		assert.Equal(t, want, <-done)
		return nil
	}))
}
