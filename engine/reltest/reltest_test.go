package reltest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/engine/reltest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recorder is a testing.TB that keeps failures instead of failing.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func openLibrary(t *testing.T) *engine.DB {
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	require.NoError(t, db.Update(context.Background(), func(tx *engine.Tx) error {
		for _, tb := range []engine.Table{
			{Name: "authors", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}}},
			{Name: "books", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}, {Name: "author_id", Type: engine.Int}}},
		} {
			if err := tx.CreateTable(tb); err != nil {
				return err
			}
		}
		if err := tx.CreateRelation(engine.Relation{Child: "books", Columns: []string{"author_id"}, Parent: "authors", ParentAs: "author", ChildrenAs: "books"}); err != nil {
			return err
		}
		for a := 1; a <= 5; a++ {
			if _, err := tx.Insert("authors", engine.Row{"id": a}); err != nil {
				return err
			}
			if _, err := tx.Insert("books", engine.Row{"id": 10 * a, "author_id": a}); err != nil {
				return err
			}
		}
		return nil
	}))
	return db
}

// page reads every author's books, lazily or by prefetch.
func page(t *testing.T, tx *engine.Tx, prefetch bool) {
	q := tx.Query("authors")
	if prefetch {
		q = q.Prefetch("books")
	}
	authors, err := q.All()
	require.NoError(t, err)
	for _, a := range authors {
		_, err := a.Related("books")
		require.NoError(t, err)
	}
}

// TestMaxLoads: an N+1 page fails the bound and the failure names each
// load and its line; the prefetching page passes.
func TestMaxLoads(t *testing.T) {
	db := openLibrary(t)
	require.NoError(t, db.View(context.Background(), func(tx *engine.Tx) error {
		rec := &recorder{TB: t}
		loads := reltest.MaxLoads(rec, tx, 2, func() { page(t, tx, false) })
		assert.Len(t, loads, 6)
		require.Len(t, rec.errors, 1)
		assert.Contains(t, rec.errors[0], "6 loads, want at most 2")
		assert.Contains(t, rec.errors[0], "lazy authors.books rows=1 at ")
		assert.Contains(t, rec.errors[0], "reltest_test.go:")

		rec = &recorder{TB: t}
		loads = reltest.MaxLoads(rec, tx, 2, func() { page(t, tx, true) })
		assert.Empty(t, rec.errors)
		require.Len(t, loads, 2)
		assert.Equal(t, engine.LoadQuery, loads[0].Kind)
		assert.Equal(t, engine.LoadBatch, loads[1].Kind)

		rec = &recorder{TB: t}
		reltest.ExactLoads(rec, tx, 3, func() { page(t, tx, true) })
		require.Len(t, rec.errors, 1)
		assert.Contains(t, rec.errors[0], "2 loads, want 3")
		return nil
	}))
}

// TestLoads_Nested: hooks nest; the outer one still sees the inner loads.
func TestLoads_Nested(t *testing.T) {
	db := openLibrary(t)
	require.NoError(t, db.View(context.Background(), func(tx *engine.Tx) error {
		var inner []engine.Load
		outer := reltest.Loads(tx, func() {
			_, err := tx.Get("authors", 1)
			require.NoError(t, err)
			inner = reltest.Loads(tx, func() { page(t, tx, true) })
		})
		assert.Len(t, inner, 2)
		assert.Len(t, outer, 3)
		return nil
	}))
}
