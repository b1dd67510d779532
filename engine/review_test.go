package engine_test

import (
	"context"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/cockroachdb/apd/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/engine/internal/testutil"
)

var rvCtx = context.Background()

func rvItems() engine.Table {
	return engine.Table{
		Name: "items",
		Columns: []engine.Column{
			{Name: "id", Type: engine.Int, AutoIncrement: true},
			{Name: "code", Type: engine.Text},
			{Name: "n", Type: engine.Int},
		},
		PrimaryKey: []string{"id"},
		Indexes:    []engine.Index{{Name: "items_code", Columns: []string{"code"}, Unique: true}},
	}
}

func rvSeed(t *testing.T, n int) *engine.DB {
	t.Helper()
	db := testutil.OpenDB(t, rvItems())
	require.NoError(t, db.Update(rvCtx, func(tx *engine.Tx) error {
		for i := 1; i <= n; i++ {
			if _, err := tx.Insert("items", engine.Row{"id": i, "code": string(rune('a' + i - 1)), "n": i * 10}); err != nil {
				return err
			}
		}
		return nil
	}))
	return db
}

// TestReview_Query_OffsetWithMaxLimit ensures Offset(k).Limit(math.MaxInt) returns every row after the first k, in write transactions too.
func TestReview_Query_OffsetWithMaxLimit(t *testing.T) {
	db := rvSeed(t, 5)
	for _, ro := range []bool{true, false} {
		tx, err := db.Begin(rvCtx, engine.TxOptions{ReadOnly: ro})
		require.NoError(t, err)
		recs, err := tx.Query("items").OrderBy("id", engine.Asc).Offset(1).Limit(math.MaxInt).All()
		require.NoError(t, err)
		assert.Len(t, recs, 4, "read-only=%v", ro)
		require.NoError(t, tx.Rollback())
	}
}

// TestReview_AutoIncrement_NoWrapAfterMaxKey ensures a generated key never wraps to a negative value after an explicit math.MaxInt64 key (PostgreSQL: nextval fails with 2200H).
func TestReview_AutoIncrement_NoWrapAfterMaxKey(t *testing.T) {
	db := testutil.OpenDB(t, rvItems())
	require.NoError(t, db.Update(rvCtx, func(tx *engine.Tx) error {
		_, err := tx.Insert("items", engine.Row{"id": int64(math.MaxInt64), "code": "max"})
		return err
	}))
	var got engine.Record
	err := db.Update(rvCtx, func(tx *engine.Tx) error {
		var err error
		got, err = tx.Insert("items", engine.Row{"code": "next"})
		return err
	})
	if err == nil {
		t.Fatalf("generated key after MaxInt64 is %v; want an error, not a wrapped key", got.ID())
	}
}

// TestReview_Update_AutoIncrementKeyAdvancesSequence ensures a key moved by Update never collides with a later generated key, as Column.AutoIncrement promises.
func TestReview_Update_AutoIncrementKeyAdvancesSequence(t *testing.T) {
	db := rvSeed(t, 1)
	require.NoError(t, db.Update(rvCtx, func(tx *engine.Tx) error {
		_, err := tx.Update("items", 1, engine.Row{"id": 3})
		return err
	}))
	require.NoError(t, db.Update(rvCtx, func(tx *engine.Tx) error {
		for _, c := range []string{"x", "y", "z"} {
			if _, err := tx.Insert("items", engine.Row{"code": c}); err != nil {
				return err
			}
		}
		return nil
	}))
}

// TestReview_Savepoint_ReadOnly ensures a read-only transaction may take and roll back to savepoints, as PostgreSQL allows in a READ ONLY transaction.
func TestReview_Savepoint_ReadOnly(t *testing.T) {
	db := rvSeed(t, 1)
	require.NoError(t, db.View(rvCtx, func(tx *engine.Tx) error {
		sp, err := tx.Savepoint()
		if err != nil {
			return err
		}
		return tx.RollbackTo(sp)
	}))
}

// TestReview_Unique_FreedConcurrentlyIsNotAViolation ensures a value freed by a transaction that committed after this one's snapshot is not reported as a unique violation (PostgreSQL checks uniqueness against committed state: the insert succeeds; at worst a retryable 40001).
func TestReview_Unique_FreedConcurrentlyIsNotAViolation(t *testing.T) {
	for _, tc := range []struct {
		name string
		free func(tx *engine.Tx) error
		take engine.Row
	}{
		{"unique index", func(tx *engine.Tx) error {
			_, err := tx.Update("items", 1, engine.Row{"code": "freed"})
			return err
		}, engine.Row{"id": 100, "code": "a"}},
		{"primary key", func(tx *engine.Tx) error { return tx.Delete("items", 1) }, engine.Row{"id": 1, "code": "new"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := rvSeed(t, 2)
			attempts := 0
			err := db.Update(rvCtx, func(tx *engine.Tx) error {
				attempts++
				if attempts == 1 {
					// Another transaction frees the value after tx began.
					require.NoError(t, db.Update(rvCtx, tc.free))
				}
				_, err := tx.Insert("items", tc.take)
				return err
			})
			assert.NoError(t, err, "after %d attempt(s)", attempts)
		})
	}
}

// TestReview_Concurrent_CheckDuringWritesAndDDL ensures DB.Check and readers run race-free and find no problem while writers upsert rows and create and drop tables.
func TestReview_Concurrent_CheckDuringWritesAndDDL(t *testing.T) {
	db := testutil.OpenDBWith(t, engine.Options{Retry: engine.RetryPolicy{MaxAttempts: 1000}}, engine.Table{Name: "acc",
		Columns: []engine.Column{{Name: "id", Type: engine.Int}, {Name: "bal", Type: engine.Decimal, Precision: 12, Scale: 2},
			{Name: "b", Type: engine.Bytes}, {Name: "at", Type: engine.Time}, {Name: "name", Type: engine.Text}},
		PrimaryKey: []string{"id"},
		Indexes:    []engine.Index{{Name: "acc_bal", Columns: []string{"bal"}}, {Name: "acc_name", Columns: []string{"name"}, Unique: true}}})
	errs := make(chan error, 16)
	var writers, readers sync.WaitGroup
	for w := 0; w < 4; w++ {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for i := 0; i < 100; i++ {
				err := db.Update(rvCtx, func(tx *engine.Tx) error {
					_, err := tx.Upsert("acc", engine.Row{"id": (i*7 + w) % 50, "bal": apd.New(int64(i), -1), "b": []byte{byte(i)},
						"at": time.Unix(int64(i), 123456789), "name": fmt.Sprint(w, "-", i)})
					if err != nil {
						return err
					}
					switch name := fmt.Sprintf("t%d_%d", w, i/10); i % 10 {
					case 0:
						if err := tx.CreateTable(engine.Table{Name: name, Columns: []engine.Column{{Name: "id", Type: engine.Int}}, PrimaryKey: []string{"id"}}); err != nil {
							return err
						}
						_, err = tx.Insert(name, engine.Row{"id": 1})
					case 5:
						err = tx.DropTable(name)
					}
					return err
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	stop := make(chan struct{})
	for r := 0; r < 4; r++ {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				err := db.Check()
				if err == nil {
					err = db.View(rvCtx, func(tx *engine.Tx) error {
						recs, err := tx.Query("acc").Where(engine.Gt("bal", "1.5")).OrderBy("bal", engine.Desc).All()
						for _, r := range recs {
							_ = r.String()
						}
						return err
					})
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	writers.Wait()
	close(stop)
	readers.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}

// rvRelDB opens authors(1) with books 1 and 2 by author 1, related by
// books.author_id (NO ACTION) with the given deferrability.
func rvRelDB(t *testing.T, deferrable, initiallyDeferred bool) *engine.DB {
	t.Helper()
	db := testutil.OpenDB(t, relAuthors(), relBooks())
	require.NoError(t, db.Update(rvCtx, func(tx *engine.Tx) error {
		if err := tx.CreateRelation(engine.Relation{Child: "books", Columns: []string{"author_id"}, Parent: "authors",
			Deferrable: deferrable, InitiallyDeferred: initiallyDeferred}); err != nil {
			return err
		}
		if _, err := tx.Insert("authors", engine.Row{"id": 1, "name": "Le Guin"}); err != nil {
			return err
		}
		for id := 1; id <= 2; id++ {
			if _, err := tx.Insert("books", engine.Row{"id": id, "author_id": 1}); err != nil {
				return err
			}
		}
		return nil
	}))
	return db
}

// TestReview_CreateRelation_InitiallyDeferredChecksExistingRows ensures CreateRelation refuses existing orphans even for an initially deferred relation (PostgreSQL validates existing rows at ALTER TABLE ADD CONSTRAINT whatever the deferral).
func TestReview_CreateRelation_InitiallyDeferredChecksExistingRows(t *testing.T) {
	db := testutil.OpenDB(t, relAuthors(), relBooks())
	require.NoError(t, db.Update(rvCtx, func(tx *engine.Tx) error {
		_, err := tx.Insert("books", engine.Row{"id": 1, "author_id": 7})
		return err
	}))
	tx := semBegin(t, db)
	err := tx.CreateRelation(engine.Relation{Child: "books", Columns: []string{"author_id"}, Parent: "authors",
		Deferrable: true, InitiallyDeferred: true})
	require.ErrorIs(t, err, engine.ErrForeignKey, "CreateRelation itself must name the orphan")
}

// TestReview_SetConstraints_FailedStatementKeepsMode ensures a SetConstraints(false) that fails leaves the transaction's constraint modes as they were (statement atomicity).
func TestReview_SetConstraints_FailedStatementKeepsMode(t *testing.T) {
	db := rvRelDB(t, true, true)
	tx := semBegin(t, db)
	_, err := tx.Insert("books", engine.Row{"id": 3, "author_id": 9}) // deferred: pending
	require.NoError(t, err)
	require.ErrorIs(t, tx.SetConstraints(false), engine.ErrForeignKey)
	// Still deferred: deleting a referenced author waits for commit.
	assert.NoError(t, tx.Delete("authors", 1), "the failed SetConstraints must not have made the relation immediate")
}

// TestReview_RollbackTo_RestoresSetConstraints ensures ROLLBACK TO SAVEPOINT undoes a SetConstraints made after the savepoint, as PostgreSQL restores SET CONSTRAINTS on subtransaction abort.
func TestReview_RollbackTo_RestoresSetConstraints(t *testing.T) {
	db := rvRelDB(t, true, false)
	tx := semBegin(t, db)
	sp, err := tx.Savepoint()
	require.NoError(t, err)
	require.NoError(t, tx.SetConstraints(true))
	require.NoError(t, tx.RollbackTo(sp))
	// Immediate again: deleting a referenced author fails at once.
	assert.ErrorIs(t, tx.Delete("authors", 1), engine.ErrForeignKey)
}

// TestReview_Cascade_FitsChildColumnType ensures ON UPDATE CASCADE stores the new key in the child's column type (numeric(5,2) here) or fails, never a value the column cannot hold (PostgreSQL casts on the cascaded UPDATE, then the FK check fails).
func TestReview_Cascade_FitsChildColumnType(t *testing.T) {
	db := testutil.OpenDB(t,
		engine.Table{Name: "p", Columns: []engine.Column{{Name: "k", Type: engine.Decimal}}, PrimaryKey: []string{"k"}},
		engine.Table{Name: "c", Columns: []engine.Column{{Name: "id", Type: engine.Int}, {Name: "pk", Type: engine.Decimal, Precision: 5, Scale: 2}}, PrimaryKey: []string{"id"}})
	require.NoError(t, db.Update(rvCtx, func(tx *engine.Tx) error {
		if err := tx.CreateRelation(engine.Relation{Child: "c", Columns: []string{"pk"}, Parent: "p", OnUpdate: engine.Cascade}); err != nil {
			return err
		}
		if _, err := tx.Insert("p", engine.Row{"k": "1.23"}); err != nil {
			return err
		}
		_, err := tx.Insert("c", engine.Row{"id": 1, "pk": "1.23"})
		return err
	}))
	err := db.Update(rvCtx, func(tx *engine.Tx) error {
		_, err := tx.Update("p", "1.23", engine.Row{"k": "1.239"})
		return err
	})
	if err == nil {
		assert.NoError(t, db.Check(), "the cascaded value must fit numeric(5,2)")
	}
}
