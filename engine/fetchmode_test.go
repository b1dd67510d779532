package engine_test

import (
	"fmt"
	"testing"

	"github.com/reldb/reldb/engine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTx_FetchMode: Peers batches on first access, Raise refuses, Log
// reports; relation settings override the transaction's, which override
// the database's.
func TestTx_FetchMode(t *testing.T) {
	var reports []engine.Report
	db := libraryDB(t, engine.Options{Traversal: engine.TraversalOptions{
		FetchMode:     engine.FetchPeers,
		RelationModes: map[string]engine.FetchMode{"books.tags": engine.FetchRaise},
		OnReport:      func(r engine.Report) { reports = append(reports, r) },
	}})
	walk := func(tx *engine.Tx) (books, tagErrs int) {
		authors, err := tx.Query("authors").All()
		require.NoError(t, err)
		for _, a := range authors {
			bs, err := a.Related("books")
			require.NoError(t, err)
			books += len(bs)
			for _, b := range bs {
				if _, err := b.Related("tags"); err != nil {
					require.ErrorIs(t, err, engine.ErrLazyLoad)
					tagErrs++
				}
			}
		}
		return books, tagErrs
	}
	// Database: peers for books, raise for tags.
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		books, tagErrs := walk(tx)
		assert.Equal(t, 6, books)
		assert.Equal(t, 6, tagErrs)
		assert.Equal(t, 2, tx.Stats().Loads, "authors, then books of all authors in one batch")
		assert.Equal(t, 1, tx.Stats().Relations["authors.books"].Batched)
		return nil
	}))
	// Transaction: lazy; the relation setting still raises until removed.
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		tx.SetFetchMode(engine.FetchLazy)
		_, tagErrs := walk(tx)
		assert.Equal(t, 6, tagErrs)
		assert.Equal(t, 1+4, tx.Stats().Loads)
		tx.SetRelationFetchMode("books.tags", engine.FetchLog)
		reports = nil
		_, tagErrs = walk(tx)
		assert.Equal(t, 0, tagErrs)
		require.Len(t, reports, 6)
		assert.Equal(t, engine.ReportLazyLoad, reports[0].Kind)
		assert.Equal(t, "books.tags", reports[0].Relation)
		assert.Contains(t, reports[0].Caller, "fetchmode_test.go")
		return nil
	}))
	// TxOptions: raise everything.
	tx, err := db.Begin(trCtx, engine.TxOptions{ReadOnly: true, FetchMode: engine.FetchRaise})
	require.NoError(t, err)
	defer tx.Rollback()
	a, err := tx.Get("authors", 1)
	require.NoError(t, err)
	_, err = a.Related("books")
	assert.ErrorIs(t, err, engine.ErrLazyLoad)
	assert.ErrorContains(t, err, "authors.books")
}

// TestTx_NPlusOne: lazily loading one relation from the rows of one result
// more often than the threshold is reported once, with the count and the
// caller's line, when the transaction ends.
func TestTx_NPlusOne(t *testing.T) {
	var reports []engine.Report
	db := libraryDB(t, engine.Options{Traversal: engine.TraversalOptions{
		NPlusOneThreshold: 3,
		OnReport:          func(r engine.Report) { reports = append(reports, r) },
	}})
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		authors, err := tx.Query("authors").All()
		require.NoError(t, err)
		for _, a := range authors {
			_, err := a.Related("books")
			require.NoError(t, err)
		}
		// Three loads from another result stay under the threshold.
		for range 3 {
			b, err := tx.Query("books").Where(engine.Eq("id", 10)).First()
			require.NoError(t, err)
			_, err = b.Related("tags")
			require.NoError(t, err)
		}
		assert.Empty(t, reports, "reported when the transaction ends")
		return nil
	}))
	require.Len(t, reports, 1)
	r := reports[0]
	assert.Equal(t, engine.ReportNPlusOne, r.Kind)
	assert.Equal(t, "authors.books", r.Relation)
	assert.Equal(t, 4, r.Count)
	assert.Contains(t, r.Caller, "fetchmode_test.go:")
	assert.Contains(t, r.String(), "n+1")
}

// TestQuery_Each_FetchPeersNoPanic ensures FetchPeers inside a streaming
// Each loads lazily instead of panicking.
func TestQuery_Each_FetchPeersNoPanic(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		tx.SetFetchMode(engine.FetchPeers)
		got := ""
		err := tx.Query("authors").Each(func(r engine.Record) error {
			bs, err := r.Related("books")
			got += fmt.Sprintf("%v:%s ", r.ID(), ids(bs))
			return err
		})
		require.NoError(t, err)
		assert.Equal(t, "1:10,11,12 2:20,21 3:30 4: ", got)
		return nil
	}))
}
