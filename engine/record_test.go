package engine_test

import (
	"fmt"
	"testing"

	"github.com/reldb/reldb/engine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Records of rows read or written one at a time share chunked results:
// every record keeps its own row across chunk boundaries and table
// switches, and such rows are never loaded as peers of one another.
func TestRecord_LooseRows(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	const n, base = 3000, 1000 // several chunks per table; ids above the library's
	var written []engine.Record
	require.NoError(t, db.Update(trCtx, func(tx *engine.Tx) error {
		for i := range n {
			a, err := tx.Insert("authors", engine.Row{"id": base + i, "name": fmt.Sprint("a", i)})
			require.NoError(t, err)
			b, err := tx.Insert("books", engine.Row{"id": base + i, "author_id": base + i, "title": fmt.Sprint("b", i)})
			require.NoError(t, err)
			written = append(written, a, b)
		}
		// An update's record shows the new row; the insert's keeps the old.
		u, err := tx.Update("books", base, engine.Row{"title": "changed"})
		require.NoError(t, err)
		assert.Equal(t, "changed", u.Get("title"))
		return nil
	}))
	for i := range n {
		assert.Equal(t, fmt.Sprint("a", i), written[2*i].Get("name"))
		assert.Equal(t, "authors", written[2*i].Table())
		assert.Equal(t, fmt.Sprint("b", i), written[2*i+1].Get("title"))
		assert.Equal(t, int64(base+i), written[2*i+1].Get("author_id"))
	}
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		tx.SetFetchMode(engine.FetchPeers)
		var got []engine.Record
		for i := range n {
			r, err := tx.Get("authors", base+i)
			require.NoError(t, err)
			got = append(got, r)
		}
		for i, r := range got {
			require.Equal(t, int64(base+i), r.ID())
		}
		books, err := got[7].Related("books")
		require.NoError(t, err)
		require.Len(t, books, 1)
		assert.Equal(t, int64(base+7), books[0].ID())
		s := tx.Stats().Relations["authors.books"]
		assert.Equal(t, 1, s.Single, "a loose row loads alone")
		assert.Zero(t, s.Batched, "loose rows are no peers")
		return nil
	}))
}

// TestRecord_LooseRecordsHandedOff: records of rows read one at a time
// are handed to another goroutine while the transaction reads on. A
// record reads its row through its result's row list, which later point
// reads appended to: a data race (go test -race) where a record used to
// hold its row itself.
func TestRecord_LooseRecordsHandedOff(t *testing.T) {
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
