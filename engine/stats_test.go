package engine_test

import (
	"testing"

	"github.com/reldb/reldb/engine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTx_Stats_UnusedPrefetch: a prefetched relation nothing reads is
// listed when the transaction ends, and reported.
func TestTx_Stats_UnusedPrefetch(t *testing.T) {
	var reports []engine.Report
	db := libraryDB(t, engine.Options{Traversal: engine.TraversalOptions{OnReport: func(r engine.Report) { reports = append(reports, r) }}})
	tx, err := db.Begin(trCtx, engine.TxOptions{ReadOnly: true})
	require.NoError(t, err)
	authors, err := tx.Query("authors").Prefetch("books.tags").All()
	require.NoError(t, err)
	_, err = authors[0].Related("books")
	require.NoError(t, err)
	assert.Empty(t, tx.Stats().Unused, "filled when the transaction ends")
	require.NoError(t, tx.Commit())
	assert.Equal(t, []string{"books.tags"}, tx.Stats().Unused)
	require.Len(t, reports, 1)
	assert.Equal(t, engine.ReportUnusedPrefetch, reports[0].Kind)

	// Prefetched rows stay readable after the end; lazy loads do not.
	books, err := authors[0].Related("books")
	require.NoError(t, err)
	assert.Len(t, books, 3)
	_, err = books[0].Related("reviews")
	assert.ErrorIs(t, err, engine.ErrTxDone)
}

// TestDB_Stats: the database adds up the counters of ended transactions.
func TestDB_Stats(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	before := db.Stats()
	for range 3 {
		require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
			_, err := tx.Query("authors").Prefetch("books").All()
			return err
		}))
	}
	after := db.Stats()
	assert.Equal(t, 6, after.Loads-before.Loads)
	assert.Equal(t, 3*(4+6), after.RowsRead-before.RowsRead)
	assert.Equal(t, 3, after.Relations["authors.books"].Batched-before.Relations["authors.books"].Batched)
}

// TestDB_Stats_PointReads: the database's seeks and rows add up for reads
// that find a row, miss, and scan.
func TestDB_Stats_PointReads(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	before := db.Stats()
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		_, err := tx.Get("authors", 1)
		require.NoError(t, err)
		_, err = tx.Get("authors", 99)
		require.ErrorIs(t, err, engine.ErrNotFound)
		_, err = tx.Query("books").All()
		return err
	}))
	after := db.Stats()
	assert.Equal(t, 3, after.Loads-before.Loads)
	assert.Equal(t, 3, after.IndexSeeks-before.IndexSeeks, "two point reads, one range")
	assert.Equal(t, 1+0+6, after.RowsRead-before.RowsRead)
}

// TestOpen_TraversalOptions: an unknown fetch mode is refused at Open.
func TestOpen_TraversalOptions(t *testing.T) {
	for _, tr := range []engine.TraversalOptions{
		{FetchMode: engine.FetchMode(99)},
		{RelationModes: map[string]engine.FetchMode{"authors.books": 42}},
	} {
		_, err := engine.Open(engine.Options{Traversal: tr})
		assert.ErrorContains(t, err, "unknown fetch mode")
	}
}
