package engine_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"testing"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/engine/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// warmBooks inserts n books by author, numbered from first, so that the
// transaction's foreign-key checks cache author as a present parent; it
// requires that they did.
func warmBooks(t *testing.T, tx *engine.Tx, first, n int, author int64) {
	t.Helper()
	for i := range n {
		_, err := tx.Insert("books", engine.Row{"id": first + i, "author_id": author, "title": "warm"})
		require.NoError(t, err)
	}
	require.Positive(t, engine.ParentCacheHits(tx), "the parent cache was not used")
}

// cacheIsolations are the isolation levels whose foreign-key checks use
// the parent cache, each filling it its own way (see parentCache).
var cacheIsolations = []struct {
	name string
	opts engine.TxOptions
}{{"serializable", isoRW}, {"read committed", isoRC}}

// TestTx_Insert_CachedParentDeleted ensures a parent the foreign-key cache
// holds, deleted later in the same transaction, lets no orphan in.
func TestTx_Insert_CachedParentDeleted(t *testing.T) {
	for _, iso := range cacheIsolations {
		t.Run(iso.name, func(t *testing.T) {
			db := relDB(t, engine.Cascade, engine.NoAction)
			err := db.UpdateWith(context.Background(), iso.opts, func(tx *engine.Tx) error {
				warmBooks(t, tx, 100, 20, 1)
				require.NoError(t, tx.Delete("authors", 1))
				_, err := tx.Insert("books", engine.Row{"id": 200, "author_id": 1, "title": "orphan"})
				require.ErrorIs(t, err, engine.ErrForeignKey)
				_, err = tx.Insert("books", engine.Row{"id": 201, "author_id": 2, "title": "ok"})
				return err
			})
			require.NoError(t, err)
		})
	}
}

// TestTx_Insert_CachedParentRolledBack ensures a parent inserted and cached
// after a savepoint, then rolled back, is not taken as present.
func TestTx_Insert_CachedParentRolledBack(t *testing.T) {
	for _, iso := range cacheIsolations {
		t.Run(iso.name, func(t *testing.T) {
			db := relDB(t, engine.Cascade, engine.NoAction)
			tx := isoBegin(t, db, iso.opts)
			sp, err := tx.Savepoint()
			require.NoError(t, err)
			_, err = tx.Insert("authors", engine.Row{"id": 9, "name": "gone"})
			require.NoError(t, err)
			warmBooks(t, tx, 100, 20, 9)
			require.NoError(t, tx.RollbackTo(sp))
			_, err = tx.Insert("books", engine.Row{"id": 200, "author_id": 9, "title": "orphan"})
			require.ErrorIs(t, err, engine.ErrForeignKey)
			require.NoError(t, tx.Commit())
			assert.Equal(t, relSeeded, testutil.Dump(t, db))
		})
	}
}

// TestTx_Insert_CachedParentKeyUpdated ensures a cached parent whose key
// an update changes is no longer found under the old key.
func TestTx_Insert_CachedParentKeyUpdated(t *testing.T) {
	for _, iso := range cacheIsolations {
		t.Run(iso.name, func(t *testing.T) {
			db := relDB(t, engine.NoAction, engine.Cascade)
			err := db.UpdateWith(context.Background(), iso.opts, func(tx *engine.Tx) error {
				warmBooks(t, tx, 100, 20, 2)
				_, err := tx.Update("authors", 2, engine.Row{"id": 7})
				require.NoError(t, err)
				_, err = tx.Insert("books", engine.Row{"id": 200, "author_id": 2, "title": "orphan"})
				require.ErrorIs(t, err, engine.ErrForeignKey)
				_, err = tx.Insert("books", engine.Row{"id": 201, "author_id": 7, "title": "ok"})
				return err
			})
			require.NoError(t, err)
		})
	}
}

// TestTx_Insert_CachedSelfParentUndone ensures that a row which was its own
// cached parent, undone because its statement failed on another foreign
// key, is not found as a parent afterwards.
func TestTx_Insert_CachedSelfParentUndone(t *testing.T) {
	nodes := engine.Table{Name: "nodes", PrimaryKey: []string{"id"}, Columns: []engine.Column{
		{Name: "id", Type: engine.Int}, {Name: "parent_id", Type: engine.Int}, {Name: "author_id", Type: engine.Int}}}
	db := testutil.OpenDB(t, relAuthors(), nodes)
	err := db.Update(context.Background(), func(tx *engine.Tx) error {
		require.NoError(t, tx.CreateRelation(engine.Relation{Child: "nodes", Columns: []string{"parent_id"}, Parent: "nodes",
			ParentAs: "parent", ChildrenAs: "children"}))
		require.NoError(t, tx.CreateRelation(engine.Relation{Child: "nodes", Columns: []string{"author_id"}, Parent: "authors",
			ParentAs: "author", ChildrenAs: "nodes"}))
		_, err := tx.Insert("authors", engine.Row{"id": 1, "name": "a"})
		return err
	})
	require.NoError(t, err)
	err = db.Update(context.Background(), func(tx *engine.Tx) error {
		for id := range 20 { // each its own parent, checked through the cache
			_, err := tx.Insert("nodes", engine.Row{"id": id, "parent_id": id, "author_id": 1})
			require.NoError(t, err)
		}
		// Node 50 finds itself as parent (and caches itself), then fails
		// on its author: the statement is undone.
		_, err := tx.Insert("nodes", engine.Row{"id": 50, "parent_id": 50, "author_id": 99})
		require.ErrorIs(t, err, engine.ErrForeignKey)
		require.Positive(t, engine.ParentCacheHits(tx))
		_, err = tx.Insert("nodes", engine.Row{"id": 51, "parent_id": 50, "author_id": 1})
		require.ErrorIs(t, err, engine.ErrForeignKey)
		return nil
	})
	require.NoError(t, err)
	err = db.View(context.Background(), func(tx *engine.Tx) error {
		n, err := tx.Query("nodes").Count()
		require.NoError(t, err)
		assert.Equal(t, 20, n)
		return nil
	})
	require.NoError(t, err)
}

// TestTx_Commit_CachedParentDeletedConcurrently ensures a transaction whose
// foreign-key checks were answered by the cache still conflicts with a
// concurrent transaction that deleted the parent and committed first.
func TestTx_Commit_CachedParentDeletedConcurrently(t *testing.T) {
	db := relDB(t, engine.Cascade, engine.NoAction)
	tx := isoBegin(t, db, isoRW)
	warmBooks(t, tx, 100, 20, 1)
	err := db.Update(context.Background(), func(other *engine.Tx) error { return other.Delete("authors", 1) })
	require.NoError(t, err)
	warmBooks(t, tx, 200, 5, 1) // answered by the cache: no new read
	isoRequireConflict(t, tx.Commit())
	assert.Equal(t, "authors:\n  authors(id=0, name=unknown)\n  authors(id=2, name=Butler)\nbooks:\n  books(id=3, author_id=2, title=c)\n",
		testutil.Dump(t, db))
}

// TestTx_Insert_RememberedParentUndone ensures a parent that the
// transaction inserted after its children's checks were cached — so the
// insert itself fills the cache — is not taken as present once undone by
// a rollback or a delete.
func TestTx_Insert_RememberedParentUndone(t *testing.T) {
	for _, tc := range []struct {
		name string
		undo func(tx *engine.Tx, sp engine.Savepoint) error
	}{
		{"rollback to savepoint", func(tx *engine.Tx, sp engine.Savepoint) error { return tx.RollbackTo(sp) }},
		{"delete", func(tx *engine.Tx, _ engine.Savepoint) error { return tx.Delete("authors", 9) }},
	} {
		for _, iso := range cacheIsolations {
			t.Run(tc.name+", "+iso.name, func(t *testing.T) {
				db := relDB(t, engine.Cascade, engine.NoAction)
				tx := isoBegin(t, db, iso.opts)
				warmBooks(t, tx, 100, 20, 1)
				sp, err := tx.Savepoint()
				require.NoError(t, err)
				_, err = tx.Insert("authors", engine.Row{"id": 9, "name": "new"})
				require.NoError(t, err)
				hits := engine.ParentCacheHits(tx)
				_, err = tx.Insert("books", engine.Row{"id": 200, "author_id": 9, "title": "child"})
				require.NoError(t, err)
				require.Equal(t, hits+1, engine.ParentCacheHits(tx), "the inserted parent was not remembered")
				require.NoError(t, tc.undo(tx, sp))
				_, err = tx.Insert("books", engine.Row{"id": 201, "author_id": 9, "title": "orphan"})
				require.ErrorIs(t, err, engine.ErrForeignKey)
				require.NoError(t, tx.Commit())
				require.NoError(t, db.Check())
			})
		}
	}
}

// TestTx_Commit_RememberedParentInsertedConcurrently ensures children
// checked against a parent this transaction inserted (no read recorded)
// still conflict with a concurrent commit that wrote the same parent key.
func TestTx_Commit_RememberedParentInsertedConcurrently(t *testing.T) {
	db := relDB(t, engine.Cascade, engine.NoAction)
	tx := isoBegin(t, db, isoRW)
	warmBooks(t, tx, 100, 20, 1)
	_, err := tx.Insert("authors", engine.Row{"id": 9, "name": "mine"})
	require.NoError(t, err)
	warmBooks(t, tx, 200, 3, 9)
	err = db.Update(context.Background(), func(other *engine.Tx) error {
		_, err := other.Insert("authors", engine.Row{"id": 9, "name": "theirs"})
		return err
	})
	require.NoError(t, err)
	isoRequireConflict(t, tx.Commit())
	require.NoError(t, db.Check())
}

// TestTx_Insert_ParentCacheModel runs long random transactions of parent
// inserts, deletes and key updates (cascading), child inserts and
// savepoint rollbacks against a model of which parents exist, so that
// the foreign-key checks run through the parent cache: every child insert
// must succeed exactly when its parent exists.
func TestTx_Insert_ParentCacheModel(t *testing.T) {
	for seed := range uint64(20) {
		iso := cacheIsolations[seed%2]
		t.Run(fmt.Sprint(seed, " ", iso.name), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 7))
			db := relDB(t, engine.Cascade, engine.Cascade)
			type state struct {
				authors map[int64]bool
				books   map[int64]int64 // id -> author_id
			}
			st := state{authors: map[int64]bool{0: true, 1: true, 2: true}, books: map[int64]int64{1: 1, 2: 1, 3: 2}}
			clone := func(s state) state { return state{maps.Clone(s.authors), maps.Clone(s.books)} }
			type saved struct {
				sp engine.Savepoint
				st state
			}
			var sps []saved
			tx := isoBegin(t, db, iso.opts)
			nextBook := int64(100)
			for op := range 3000 {
				a := rng.Int64N(12)
				switch r := rng.IntN(100); {
				case r < 8:
					_, err := tx.Insert("authors", engine.Row{"id": a, "name": "n"})
					if st.authors[a] {
						require.ErrorIs(t, err, engine.ErrUnique, "op %d", op)
					} else {
						require.NoError(t, err, "op %d", op)
						st.authors[a] = true
					}
				case r < 13:
					err := tx.Delete("authors", a)
					if !st.authors[a] {
						require.ErrorIs(t, err, engine.ErrNotFound, "op %d", op)
						break
					}
					require.NoError(t, err, "op %d", op)
					delete(st.authors, a)
					maps.DeleteFunc(st.books, func(_, author int64) bool { return author == a })
				case r < 17:
					to := rng.Int64N(12)
					_, err := tx.Update("authors", a, engine.Row{"id": to})
					switch {
					case !st.authors[a]:
						require.ErrorIs(t, err, engine.ErrNotFound, "op %d", op)
					case a != to && st.authors[to]:
						require.ErrorIs(t, err, engine.ErrUnique, "op %d", op)
					default:
						require.NoError(t, err, "op %d", op)
						delete(st.authors, a)
						st.authors[to] = true
						for id, author := range st.books {
							if author == a {
								st.books[id] = to
							}
						}
					}
				case r < 20:
					sp, err := tx.Savepoint()
					require.NoError(t, err)
					sps = append(sps, saved{sp, clone(st)})
				case r < 23 && len(sps) > 0:
					i := rng.IntN(len(sps))
					require.NoError(t, tx.RollbackTo(sps[i].sp), "op %d", op)
					st = clone(sps[i].st)
					sps = sps[:i+1]
				default:
					nextBook++
					_, err := tx.Insert("books", engine.Row{"id": nextBook, "author_id": a, "title": "t"})
					if st.authors[a] {
						require.NoError(t, err, "op %d: author %d", op, a)
						st.books[nextBook] = a
					} else {
						require.ErrorIs(t, err, engine.ErrForeignKey, "op %d: author %d", op, a)
					}
				}
			}
			require.Positive(t, engine.ParentCacheHits(tx))
			n, err := tx.Query("books").Count()
			require.NoError(t, err)
			require.Equal(t, len(st.books), n)
			require.NoError(t, tx.Commit())
			require.NoError(t, db.Check())
		})
	}
}

// TestReadCommitted_CachedParentStaysLocked ensures that under
// ReadCommitted a parent the foreign-key cache answers for is one the
// transaction holds locked: a concurrent delete of it waits for the
// transaction to end, then cascades to every child, those checked through
// the cache included, as in PostgreSQL.
func TestReadCommitted_CachedParentStaysLocked(t *testing.T) {
	db := relDB(t, engine.Cascade, engine.NoAction)
	tx, deleter := isoBegin(t, db, isoRC), isoBegin(t, db, isoRC)
	warmBooks(t, tx, 100, 20, 1)
	done := startWaiting(t, deleter, func() error { return deleter.Delete("authors", 1) })
	hits := engine.ParentCacheHits(tx)
	warmBooks(t, tx, 200, 5, 1)
	require.Equal(t, hits+5, engine.ParentCacheHits(tx), "answered by the cache")
	require.NoError(t, tx.Commit())
	require.NoError(t, <-done)
	require.NoError(t, deleter.Commit())
	assert.Equal(t, "authors:\n  authors(id=0, name=unknown)\n  authors(id=2, name=Butler)\nbooks:\n  books(id=3, author_id=2, title=c)\n",
		testutil.Dump(t, db))
}
