package engine_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/engine/internal/testutil"
)

var isoRR = engine.TxOptions{Isolation: engine.RepeatableRead}

// TestRepeatableRead_WriteSkew: the on-call doctors anomaly. Each of two
// transactions sees both doctors on call and takes one off. Under
// RepeatableRead both commit (write skew, as PostgreSQL's REPEATABLE READ
// allows); under Serializable the second fails.
func TestRepeatableRead_WriteSkew(t *testing.T) {
	for _, tc := range []struct {
		opts   engine.TxOptions
		commit bool
	}{{isoRR, true}, {isoRW, false}} {
		t.Run(tc.opts.Isolation.String(), func(t *testing.T) {
			db := isoSeeded(t, engine.Options{})
			a, b := isoBegin(t, db, tc.opts), isoBegin(t, db, tc.opts)
			for _, step := range []struct {
				tx *engine.Tx
				id int
			}{{a, 1}, {b, 2}} {
				n, err := step.tx.Query("doctors").Where(engine.Eq("on_call", true)).Count()
				require.NoError(t, err)
				require.Equal(t, 2, n)
				_, err = step.tx.Update("doctors", step.id, engine.Row{"on_call": false})
				require.NoError(t, err)
			}
			require.NoError(t, a.Commit())
			err := b.Commit()
			if tc.commit {
				assert.NoError(t, err)
			} else {
				isoRequireConflict(t, err)
			}
		})
	}
}

// TestRepeatableRead_LostUpdate: two transactions that write one row
// cannot both commit. As in PostgreSQL, the second update waits for the
// first transaction; once that commits, the update fails with 40001 at
// the statement (not at commit) and the first's write stands; had it
// rolled back, the update would go ahead.
func TestRepeatableRead_LostUpdate(t *testing.T) {
	for _, end := range []string{"commit", "rollback"} {
		t.Run(end, func(t *testing.T) {
			db := isoSeeded(t, engine.Options{})
			a, b := isoBegin(t, db, isoRR), isoBegin(t, db, isoRR)
			_, err := a.Update("accounts", 4, engine.Row{"balance": isoBalance(t, a, 4) - 10})
			require.NoError(t, err)
			seen := isoBalance(t, b, 4)
			done := startWaiting(t, b, func() error {
				_, err := b.Update("accounts", 4, engine.Row{"balance": seen - 10})
				return err
			})
			if end == "rollback" {
				require.NoError(t, a.Rollback())
				require.NoError(t, <-done)
				require.NoError(t, b.Commit())
			} else {
				require.NoError(t, a.Commit())
				isoRequireConflict(t, <-done)
				assert.Equal(t, int64(100), isoBalance(t, b, 4), "b keeps reading its snapshot")
				require.NoError(t, b.Rollback())
			}
			got, err := isoView(t, db, 4)
			require.NoError(t, err)
			assert.Equal(t, int64(90), got)
		})
	}
}

// TestRepeatableRead_ChangedSinceSnapshot: updating, deleting or locking a
// row that a transaction committed after the snapshot changed fails with
// 40001 at the statement, as PostgreSQL's REPEATABLE READ does; a row only
// locked meanwhile, or changed by a transaction that rolled back, does
// not.
func TestRepeatableRead_ChangedSinceSnapshot(t *testing.T) {
	steps := []struct {
		name string
		run  func(tx *engine.Tx) error
	}{
		{"update", func(tx *engine.Tx) error {
			_, err := tx.Update("accounts", 2, engine.Row{"balance": 1})
			return err
		}},
		{"delete", func(tx *engine.Tx) error { return tx.Delete("accounts", 2) }},
		{"lock", func(tx *engine.Tx) error {
			_, err := tx.LockRowFor("accounts", 2, engine.ForKeyShare)
			return err
		}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			db := isoSeeded(t, engine.Options{})
			rr := isoBegin(t, db, isoRR)
			require.NoError(t, db.Update(context.Background(), func(tx *engine.Tx) error {
				_, err := tx.Update("accounts", 2, engine.Row{"balance": 21})
				return err
			}))
			isoRequireConflict(t, st.run(rr))
			require.NoError(t, rr.Rollback())

			rr = isoBegin(t, db, isoRR)
			locker := isoBegin(t, db, isoRC)
			_, err := locker.LockRowFor("accounts", 2, engine.ForShare)
			require.NoError(t, err)
			require.NoError(t, locker.Rollback())
			assert.NoError(t, st.run(rr), "a lock alone changes nothing")
			require.NoError(t, rr.Commit())
		})
	}
}

// TestRepeatableRead_Snapshot: reads repeat: a row committed by another
// transaction after the snapshot stays invisible, and a row it deleted
// stays visible.
func TestRepeatableRead_Snapshot(t *testing.T) {
	db := isoSeeded(t, engine.Options{})
	rr := isoBegin(t, db, isoRR)
	require.Equal(t, []int64{1, 2, 3, 4}, isoIDs(t, rr.Query("accounts")))
	require.NoError(t, db.Update(context.Background(), func(tx *engine.Tx) error {
		if err := tx.Delete("accounts", 1); err != nil {
			return err
		}
		_, err := tx.Insert("accounts", engine.Row{"id": 5, "owner": "eve", "balance": 1})
		return err
	}))
	assert.Equal(t, []int64{1, 2, 3, 4}, isoIDs(t, rr.Query("accounts")))
	assert.NoError(t, rr.Commit(), "a reader under RepeatableRead never fails")
}

// TestRepeatableRead_ForeignKey: a child inserted under RepeatableRead
// whose parent a concurrent transaction deleted fails at commit (40001, as
// PostgreSQL's RI check does), never leaving an orphan; and a parent
// deleted under RepeatableRead while a child was added fails the same way.
func TestRepeatableRead_ForeignKey(t *testing.T) {
	t.Run("child after the parent's delete", func(t *testing.T) {
		db := isoParentKid(t)
		rr := isoBegin(t, db, isoRR)
		_, err := rr.Insert("kids", engine.Row{"id": 1, "parent_id": 1})
		require.NoError(t, err)
		require.NoError(t, db.Update(context.Background(), func(tx *engine.Tx) error { return tx.Delete("parents", 1) }))
		isoRequireConflict(t, rr.Commit())
		assert.NoError(t, db.Check())
	})
	t.Run("parent delete beside a new child", func(t *testing.T) {
		db := isoParentKid(t)
		rr := isoBegin(t, db, isoRR)
		require.NoError(t, rr.Delete("parents", 1))
		require.NoError(t, db.Update(context.Background(), func(tx *engine.Tx) error {
			_, err := tx.Insert("kids", engine.Row{"id": 1, "parent_id": 1})
			return err
		}))
		isoRequireConflict(t, rr.Commit())
		assert.NoError(t, db.Check())
	})
}

// TestBegin_UnknownIsolation: an isolation level reldb does not know is
// refused, not run as another.
func TestBegin_UnknownIsolation(t *testing.T) {
	db := testutil.OpenDB(t)
	_, err := db.Begin(context.Background(), engine.TxOptions{Isolation: 9})
	assert.ErrorIs(t, err, engine.ErrInvalidArgument)
	assert.Equal(t, "Isolation(9)", engine.Isolation(9).String())
}

// isoParentKid opens a database with parents(id) holding row 1 and
// kids(id, parent_id) referencing it ON DELETE RESTRICT.
func isoParentKid(t *testing.T) *engine.DB {
	t.Helper()
	db := testutil.OpenDB(t,
		engine.Table{Name: "parents", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}}},
		engine.Table{Name: "kids", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}, {Name: "parent_id", Type: engine.Int}}})
	require.NoError(t, db.Update(context.Background(), func(tx *engine.Tx) error {
		if err := tx.CreateRelation(engine.Relation{Child: "kids", Columns: []string{"parent_id"}, Parent: "parents", OnDelete: engine.Restrict}); err != nil {
			return err
		}
		_, err := tx.Insert("parents", engine.Row{"id": 1})
		return err
	}))
	return db
}
