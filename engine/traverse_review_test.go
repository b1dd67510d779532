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
		wg.Add(1)
		go func() {
			defer wg.Done()
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
		}()
	}
	wg.Wait()
}
