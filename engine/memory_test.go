package engine_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/cockroachdb/apd/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
)

// liveHeap returns the bytes of live heap objects after two collections.
func liveHeap() int64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// TestMemory_ShortTransactionsKeepOnlyTheirRows compares what the books
// of a table with a foreign-key index hold when they are inserted one a
// transaction, as an application inserts rows, and all in one: a short
// transaction must keep no more alive than its rows (a write transaction
// carves rows, items and keys from chunks, and a chunk stays alive while
// anything carved from it does: chunks of a few hundred bytes each made a
// book inserted alone take 1,199 bytes instead of 280). Updating every row
// once, one a transaction, must likewise cost little more than the rows
// already took (574 bytes a book before). Nor may a transaction of ten
// rows keep empty room for more (chunks of blocks doubling from one left
// a third of its blocks empty).
func TestMemory_ShortTransactionsKeepOnlyTheirRows(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes what allocations take; make test-allocs runs this")
	}
	if testing.Short() {
		t.Skip("inserts 60,000 rows")
	}
	const n = 20_000
	ctx := context.Background()
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		if err := createShelf(tx); err != nil {
			return err
		}
		for a := range int64(100) {
			if _, err := tx.Insert("authors", engine.Row{"id": a, "name": fmt.Sprintf("author %d", a)}); err != nil {
				return err
			}
		}
		return nil
	}))
	titles := make([]string, 3*n) // made before the baselines: not the database's
	for i := range titles {
		titles[i] = fmt.Sprintf("book %d", i)
	}
	price := apd.New(1250, -2)
	book := func(id int64) engine.Row {
		return engine.Row{"id": id, "author_id": id * 37 % 100, "title": titles[id], "price": price}
	}

	before := liveHeap()
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		for id := range int64(n) {
			if _, err := tx.Insert("books", book(id)); err != nil {
				return err
			}
		}
		return nil
	}))
	bulk := float64(liveHeap()-before) / n

	before = liveHeap()
	for id := int64(n); id < 2*n; id++ {
		require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
			_, err := tx.Insert("books", book(id))
			return err
		}))
	}
	alone := float64(liveHeap()-before) / n

	before = liveHeap()
	for id := int64(2 * n); id < 3*n; id += 10 {
		require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
			for k := range int64(10) {
				if _, err := tx.Insert("books", book(id+k)); err != nil {
					return err
				}
			}
			return nil
		}))
	}
	tens := float64(liveHeap()-before) / n

	before = liveHeap()
	for id := range int64(2 * n) {
		require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
			_, err := tx.Update("books", id, engine.Row{"title": titles[2*n-1-id]})
			return err
		}))
	}
	updated := float64(liveHeap()-before) / (2 * n)

	t.Logf("bytes a book: %.0f inserted in one transaction, %.0f one a transaction, %.0f ten a transaction; updating each once added %.0f",
		bulk, alone, tens, updated)
	assert.Less(t, alone, 1.25*bulk, "a book inserted alone")
	assert.Less(t, tens, 1.1*bulk, "a book inserted with nine others")
	assert.Less(t, updated, 0.25*bulk, "a book updated alone")
}
