package engine_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/engine/internal/testutil"
)

// lockModes are the four row lock modes, weakest first.
var lockModes = []engine.LockStrength{engine.ForKeyShare, engine.ForShare, engine.ForNoKeyUpdate, engine.ForUpdate}

// rowLockFamily opens a database of parents(id, code UNIQUE, name) with
// parents 1, 2 and 3; kids(id, parent_id ON DELETE CASCADE, note) with
// kid 10 of parent 2; and pets(id, parent_id ON DELETE SET NULL, note)
// with pet 20 of parent 3.
func rowLockFamily(t *testing.T) *engine.DB {
	t.Helper()
	child := func(name string) engine.Table {
		return engine.Table{Name: name, PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "parent_id", Type: engine.Int}, {Name: "note", Type: engine.Text}}}
	}
	db := testutil.OpenDB(t,
		engine.Table{Name: "parents", PrimaryKey: []string{"id"},
			Columns: []engine.Column{{Name: "id", Type: engine.Int}, {Name: "code", Type: engine.Text}, {Name: "name", Type: engine.Text}},
			Indexes: []engine.Index{{Name: "parents_code", Columns: []string{"code"}, Unique: true}}},
		child("kids"), child("pets"))
	require.NoError(t, db.Update(context.Background(), func(tx *engine.Tx) error {
		for _, r := range []engine.Relation{
			{Child: "kids", Columns: []string{"parent_id"}, Parent: "parents", OnDelete: engine.Cascade},
			{Child: "pets", Columns: []string{"parent_id"}, Parent: "parents", OnDelete: engine.SetNull},
		} {
			if err := tx.CreateRelation(r); err != nil {
				return err
			}
		}
		for _, ins := range []struct {
			table string
			row   engine.Row
		}{
			{"parents", engine.Row{"id": 1, "code": "a", "name": "ann"}},
			{"parents", engine.Row{"id": 2, "code": "b", "name": "bea"}},
			{"parents", engine.Row{"id": 3, "code": "c", "name": "cal"}},
			{"kids", engine.Row{"id": 10, "parent_id": 2, "note": "x"}},
			{"pets", engine.Row{"id": 20, "parent_id": 3, "note": "y"}},
		} {
			if _, err := tx.Insert(ins.table, ins.row); err != nil {
				return err
			}
		}
		return nil
	}))
	return db
}

// TestTx_LockRowFor_Conflicts ensures the four modes conflict as
// PostgreSQL's row-level locks do: a second transaction's NOWAIT request
// fails with ErrLockNotAvailable (55P03) exactly when its mode conflicts
// with the one held, and a transaction never conflicts with itself.
func TestTx_LockRowFor_Conflicts(t *testing.T) {
	// conflict[held][asked], in lockModes order: PostgreSQL's table.
	conflict := [4][4]bool{
		{false, false, false, true},
		{false, false, true, true},
		{false, true, true, true},
		{true, true, true, true},
	}
	db := rowLockFamily(t)
	for i, held := range lockModes {
		for j, asked := range lockModes {
			t.Run(held.String()+"/"+asked.String(), func(t *testing.T) {
				holder, other := isoBegin(t, db, isoRC), isoBegin(t, db, isoRC)
				_, err := holder.LockRowFor("parents", 1, held)
				require.NoError(t, err)
				_, err = other.TryLockRowFor("parents", 1, asked)
				if conflict[i][j] {
					require.ErrorIs(t, err, engine.ErrLockNotAvailable)
					assert.Equal(t, "55P03", engine.SQLState(err))
				} else {
					require.NoError(t, err)
				}
				require.NoError(t, other.Rollback())
				// A holder's own locks never conflict: it may ask for
				// any mode, and holds the stronger of the two.
				_, err = holder.TryLockRowFor("parents", 1, asked)
				require.NoError(t, err)
				third := isoBegin(t, db, isoRC)
				for k, probe := range lockModes {
					_, err = third.TryLockRowFor("parents", 1, probe)
					if conflict[max(i, j)][k] {
						assert.ErrorIs(t, err, engine.ErrLockNotAvailable, probe)
					} else {
						assert.NoError(t, err, probe)
					}
				}
				require.NoError(t, third.Rollback())
				require.NoError(t, holder.Rollback())
				last := isoBegin(t, db, isoRC)
				_, err = last.TryLockRowFor("parents", 1, engine.ForUpdate)
				assert.NoError(t, err, "released with the holder's transaction")
			})
		}
	}
	t.Run("unknown mode", func(t *testing.T) {
		tx := isoBegin(t, db, isoRC)
		_, err := tx.LockRowFor("parents", 1, 0)
		assert.ErrorIs(t, err, engine.ErrInvalidArgument)
		_, err = tx.LockRowFor("parents", 1, engine.ForUpdate+1)
		assert.ErrorIs(t, err, engine.ErrInvalidArgument)
	})
	assert.Equal(t, "FOR NO KEY UPDATE", engine.ForNoKeyUpdate.String())
	assert.Equal(t, "LockStrength(9)", engine.LockStrength(9).String())
}

// rowLockStep is one statement of the lock matrix, run in its own
// ReadCommitted transaction.
type rowLockStep struct {
	name string
	run  func(tx *engine.Tx) error
}

func lockStep(table string, key int, mode engine.LockStrength) rowLockStep {
	return rowLockStep{fmt.Sprintf("%s %d %s", table, key, mode), func(tx *engine.Tx) error {
		_, err := tx.LockRowFor(table, key, mode)
		return err
	}}
}

func updateStep(table string, key int, set engine.Row) rowLockStep {
	return rowLockStep{fmt.Sprintf("update %s %d %v", table, key, set), func(tx *engine.Tx) error {
		_, err := tx.Update(table, key, set)
		return err
	}}
}

func deleteStep(table string, key int) rowLockStep {
	return rowLockStep{fmt.Sprintf("delete %s %d", table, key), func(tx *engine.Tx) error {
		return tx.Delete(table, key)
	}}
}

func insertStep(table string, row engine.Row) rowLockStep {
	return rowLockStep{fmt.Sprintf("insert %s %v", table, row), func(tx *engine.Tx) error {
		_, err := tx.Insert(table, row)
		return err
	}}
}

// TestReadCommitted_LockModes ensures each statement takes the lock mode
// PostgreSQL's does and waits for exactly the holders PostgreSQL's waits
// for: an update that changes no key column takes FOR NO KEY UPDATE, so
// it does not wait for a child's foreign-key check (FOR KEY SHARE); a
// delete or a key update takes FOR UPDATE; a cascade's delete or SET NULL
// locks the child rows it changes. Each probe runs with a lock timeout
// while the holder keeps its lock, so a probe that waits fails with
// ErrLockNotAvailable and one that does not succeeds at once.
func TestReadCommitted_LockModes(t *testing.T) {
	probes := []rowLockStep{
		lockStep("parents", 1, engine.ForKeyShare),
		lockStep("parents", 1, engine.ForShare),
		lockStep("parents", 1, engine.ForNoKeyUpdate),
		lockStep("parents", 1, engine.ForUpdate),
		updateStep("parents", 1, engine.Row{"name": "probe"}),
		updateStep("parents", 1, engine.Row{"code": "probe"}),
		deleteStep("parents", 1),
		insertStep("kids", engine.Row{"id": 12, "parent_id": 1}),
		deleteStep("parents", 2), // cascades to kid 10
		deleteStep("parents", 3), // sets pet 20's parent_id to NULL
		updateStep("kids", 10, engine.Row{"note": "probe"}),
		lockStep("kids", 10, engine.ForKeyShare),
	}
	// W: the probe in that column waits for the holder of that row.
	holders := []struct {
		step  rowLockStep
		waits string
	}{
		{lockStep("parents", 1, engine.ForKeyShare), "...W.WW....."},
		{lockStep("parents", 1, engine.ForShare), "..WWWWW....."},
		{lockStep("parents", 1, engine.ForNoKeyUpdate), ".WWWWWW....."},
		{lockStep("parents", 1, engine.ForUpdate), "WWWWWWWW...."},
		{updateStep("parents", 1, engine.Row{"name": "held"}), ".WWWWWW....."},
		{updateStep("parents", 1, engine.Row{"code": "held"}), "WWWWWWWW...."},
		{updateStep("parents", 1, engine.Row{"code": "a"}), ".WWWWWW....."}, // the same value: no key change
		{deleteStep("parents", 1), "WWWWWWWW...."},
		{insertStep("kids", engine.Row{"id": 11, "parent_id": 1}), "...W.WW....."},
		{updateStep("kids", 10, engine.Row{"note": "held"}), "........W.W."},
		{lockStep("kids", 10, engine.ForKeyShare), "........W..."},
		{lockStep("pets", 20, engine.ForShare), ".........W.."},
		{lockStep("pets", 20, engine.ForKeyShare), "............"},
		{updateStep("pets", 20, engine.Row{"note": "held"}), ".........W.."},
	}
	db := rowLockFamily(t)
	before := testutil.Dump(t, db)
	for _, h := range holders {
		t.Run(h.step.name, func(t *testing.T) {
			var got strings.Builder
			for _, p := range probes {
				holder, probe := isoBegin(t, db, isoRC), isoBegin(t, db, isoRC)
				require.NoError(t, h.step.run(holder))
				probe.SetLockTimeout(20 * time.Millisecond)
				err := p.run(probe)
				switch {
				case err == nil:
					got.WriteByte('.')
				case engine.SQLState(err) == "55P03":
					got.WriteByte('W')
				default:
					t.Errorf("%s: %v", p.name, err)
					got.WriteByte('?')
				}
				require.NoError(t, probe.Rollback())
				require.NoError(t, holder.Rollback())
			}
			assert.Equal(t, h.waits, got.String(), "probes: %v", probeNames(probes))
		})
	}
	assert.Equal(t, before, testutil.Dump(t, db))
}

func probeNames(steps []rowLockStep) []string {
	out := make([]string, len(steps))
	for i, s := range steps {
		out[i] = s.name
	}
	return out
}

// startWaiting runs fn in a goroutine and returns once the transaction
// waits for a row lock; the channel yields fn's error. It fails the test
// if fn returns without waiting.
func startWaiting(t *testing.T, tx *engine.Tx, fn func() error) <-chan error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- fn() }()
	guard := time.After(30 * time.Second) // a deadlock guard, not a timing assertion
	for !engine.LockWaiting(tx) {
		select {
		case err := <-done:
			t.Fatalf("returned without waiting for a lock: %v", err)
		case <-guard:
			t.Fatal("never waited for a lock")
		case <-time.After(time.Millisecond):
		}
	}
	return done
}

// TestReadCommitted_ParentUpdateAndChildInsert ensures that inserting a
// child and updating its parent's non-key columns neither wait for each
// other nor fail at commit, in either order, as in PostgreSQL, while an
// update of the parent's key still waits for the child.
func TestReadCommitted_ParentUpdateAndChildInsert(t *testing.T) {
	for _, order := range []string{"child first", "parent first"} {
		for _, firstCommit := range []string{"child", "parent"} {
			t.Run(order+", "+firstCommit+" commits first", func(t *testing.T) {
				db := rowLockFamily(t)
				child, parent := isoBegin(t, db, isoRC), isoBegin(t, db, isoRC)
				insert := func() error {
					_, err := child.Insert("kids", engine.Row{"id": 11, "parent_id": 1})
					return err
				}
				update := func() error {
					_, err := parent.Update("parents", 1, engine.Row{"name": "renamed"})
					return err
				}
				steps := []func() error{insert, update}
				if order == "parent first" {
					steps = []func() error{update, insert}
				}
				for _, s := range steps {
					require.NoError(t, s())
				}
				commits := []*engine.Tx{child, parent}
				if firstCommit == "parent" {
					commits = []*engine.Tx{parent, child}
				}
				for _, tx := range commits {
					require.NoError(t, tx.Commit())
				}
				require.NoError(t, db.View(context.Background(), func(tx *engine.Tx) error {
					p, err := tx.Get("parents", 1)
					require.NoError(t, err)
					assert.Equal(t, "renamed", p.Get("name"))
					_, err = tx.Get("kids", 11)
					return err
				}))
				assert.NoError(t, db.Check())
			})
		}
	}
	t.Run("key update waits", func(t *testing.T) {
		db := rowLockFamily(t)
		child, parent := isoBegin(t, db, isoRC), isoBegin(t, db, isoRC)
		_, err := child.Insert("kids", engine.Row{"id": 11, "parent_id": 1})
		require.NoError(t, err)
		_, err = parent.Update("parents", 1, engine.Row{"name": "renamed"})
		require.NoError(t, err, "no key change: no wait")
		done := startWaiting(t, parent, func() error {
			_, err := parent.Update("parents", 1, engine.Row{"id": 7})
			return err
		})
		require.NoError(t, child.Commit())
		assert.ErrorIs(t, <-done, engine.ErrForeignKey, "the key is referenced by the committed child")
	})
}

// TestReadCommitted_CascadeLocks ensures rows a cascade changes are
// locked like rows a statement changes itself: a cascading delete waits
// for a concurrent updater of a child and then acts on the child's new
// version, and an updater of a child waits for a cascading delete, so
// neither overwrites the other or fails at commit.
func TestReadCommitted_CascadeLocks(t *testing.T) {
	type want struct {
		kid, pet engine.Row // nil: the row is gone
	}
	tests := []struct {
		name     string
		first    func(tx *engine.Tx) error // holds its locks
		second   func(tx *engine.Tx) error // waits for them
		secondIs error                     // nil or a sentinel
		want     want
	}{
		{
			name:   "cascade waits for a child's update, then deletes it",
			first:  updateStep("kids", 10, engine.Row{"note": "held"}).run,
			second: deleteStep("parents", 2).run,
			want:   want{kid: nil, pet: engine.Row{"parent_id": int64(3), "note": "y"}},
		},
		{
			name:   "cascade waits for a child moved to another parent, then leaves it",
			first:  updateStep("kids", 10, engine.Row{"parent_id": 1}).run,
			second: deleteStep("parents", 2).run,
			want:   want{kid: engine.Row{"parent_id": int64(1), "note": "x"}, pet: engine.Row{"parent_id": int64(3), "note": "y"}},
		},
		{
			name:     "a child's update waits for the cascade and finds it gone",
			first:    deleteStep("parents", 2).run,
			second:   updateStep("kids", 10, engine.Row{"note": "late"}).run,
			secondIs: engine.ErrNotFound,
			want:     want{kid: nil, pet: engine.Row{"parent_id": int64(3), "note": "y"}},
		},
		{
			name:   "set null waits for a child's update and keeps it",
			first:  updateStep("pets", 20, engine.Row{"note": "held"}).run,
			second: deleteStep("parents", 3).run,
			want:   want{kid: engine.Row{"parent_id": int64(2), "note": "x"}, pet: engine.Row{"parent_id": nil, "note": "held"}},
		},
		{
			name:   "a child's update waits for set null and keeps it",
			first:  deleteStep("parents", 3).run,
			second: updateStep("pets", 20, engine.Row{"note": "late"}).run,
			want:   want{kid: engine.Row{"parent_id": int64(2), "note": "x"}, pet: engine.Row{"parent_id": nil, "note": "late"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := rowLockFamily(t)
			first, second := isoBegin(t, db, isoRC), isoBegin(t, db, isoRC)
			require.NoError(t, tc.first(first))
			done := startWaiting(t, second, func() error { return tc.second(second) })
			require.NoError(t, first.Commit())
			err := <-done
			if tc.secondIs != nil {
				require.ErrorIs(t, err, tc.secondIs)
			} else {
				require.NoError(t, err)
			}
			require.NoError(t, second.Commit(), "no conflict at commit")
			require.NoError(t, db.View(context.Background(), func(tx *engine.Tx) error {
				for _, c := range []struct {
					table string
					key   int
					want  engine.Row
				}{{"kids", 10, tc.want.kid}, {"pets", 20, tc.want.pet}} {
					r, err := tx.Get(c.table, c.key)
					if c.want == nil {
						assert.ErrorIs(t, err, engine.ErrNotFound, c.table)
						continue
					}
					require.NoError(t, err, c.table)
					for col, v := range c.want {
						assert.Equal(t, v, r.Get(col), "%s.%s", c.table, col)
					}
				}
				return nil
			}))
			assert.NoError(t, db.Check())
		})
	}
}

// TestTx_LockRowFor_ReleaseWakesWaiter ensures that a row lock lasts
// while any holder does: a waiter for a mode that conflicts with two
// shared holders waits for both, is woken by the last release, and the
// lock table forgets every lock once its holders have ended.
func TestTx_LockRowFor_ReleaseWakesWaiter(t *testing.T) {
	db := rowLockFamily(t)
	a, b, c := isoBegin(t, db, isoRC), isoBegin(t, db, isoRC), isoBegin(t, db, isoRC)
	for _, tx := range []*engine.Tx{a, b} {
		_, err := tx.LockRowFor("parents", 1, engine.ForKeyShare)
		require.NoError(t, err)
	}
	_, err := b.LockRowFor("parents", 2, engine.ForUpdate)
	require.NoError(t, err)
	require.Equal(t, int64(2), engine.LockedRows(db))

	done := startWaiting(t, c, func() error {
		_, err := c.LockRowFor("parents", 1, engine.ForUpdate)
		return err
	})
	require.NoError(t, a.Commit())
	assert.Equal(t, int64(2), engine.LockedRows(db), "b still holds both rows")
	require.NoError(t, b.Rollback())
	require.NoError(t, <-done)
	assert.Equal(t, int64(1), engine.LockedRows(db), "c holds row 1")
	require.NoError(t, c.Commit())
	assert.Equal(t, int64(0), engine.LockedRows(db))
}
