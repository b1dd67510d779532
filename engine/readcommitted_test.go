package engine_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/engine/internal/testutil"
)

var isoRC = engine.TxOptions{Isolation: engine.ReadCommitted}

// transfer moves amount from one account to another in one ReadCommitted
// transaction, reading each balance under its row lock, as
// UPDATE ... SET balance = balance - $1 does in PostgreSQL.
func transfer(ctx context.Context, db *engine.DB, from, to int, amount int64) error {
	tx, err := db.Begin(ctx, isoRC)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, step := range []struct {
		id    int
		delta int64
	}{{from, -amount}, {to, amount}} {
		r, err := tx.LockRow("accounts", step.id)
		if err != nil {
			return err
		}
		if _, err := tx.Update("accounts", step.id, engine.Row{"balance": r.Get("balance").(int64) + step.delta}); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// TestReadCommitted_ConcurrentTransfers: 5, 10 and 50 concurrent transfers
// out of one account all commit, none retried, and the balances are
// exact; the same transfers run serializable through Update (which
// retries) end exact too.
func TestReadCommitted_ConcurrentTransfers(t *testing.T) {
	for _, n := range []int{5, 10, 50} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			db := isoSeeded(t, engine.Options{})
			var wg sync.WaitGroup
			errs := make(chan error, n)
			for i := range n {
				wg.Go(func() { errs <- transfer(context.Background(), db, 4, 1+i%3, 1) })
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				assert.NoError(t, err, "a ReadCommitted transfer never fails")
			}
			got, err := isoView(t, db, 4)
			require.NoError(t, err)
			assert.Equal(t, int64(100-n), got)
			var sum int64
			for id := 1; id <= 4; id++ {
				b, err := isoView(t, db, id)
				require.NoError(t, err)
				sum += b
			}
			assert.Equal(t, int64(155), sum)
			assert.NoError(t, db.Check())
		})
	}
	db := isoSeeded(t, engine.Options{Retry: engine.RetryPolicy{MaxAttempts: 1000}})
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			assert.NoError(t, db.Update(context.Background(), func(tx *engine.Tx) error {
				b := isoBalance(t, tx, 4)
				_, err := tx.Update("accounts", 4, engine.Row{"balance": b - 1})
				return err
			}))
		})
	}
	wg.Wait()
	got, err := isoView(t, db, 4)
	require.NoError(t, err)
	assert.Equal(t, int64(90), got)
}

// TestReadCommitted_StatementSnapshot: each statement sees what committed
// before it, including rows another transaction added.
func TestReadCommitted_StatementSnapshot(t *testing.T) {
	db := isoSeeded(t, engine.Options{})
	rc := isoBegin(t, db, isoRC)
	_, err := rc.Update("accounts", 1, engine.Row{"balance": 6})
	require.NoError(t, err)
	require.NoError(t, db.Update(context.Background(), func(tx *engine.Tx) error {
		_, err := tx.Insert("accounts", engine.Row{"id": 5, "owner": "eve", "balance": 7})
		return err
	}))
	assert.Equal(t, []int64{1, 2, 3, 4, 5}, isoIDs(t, rc.Query("accounts")), "the next statement sees the new row")
	assert.Equal(t, int64(6), isoBalance(t, rc, 1), "and keeps its own write")
	require.NoError(t, rc.Commit())
	b, err := isoView(t, db, 1)
	require.NoError(t, err)
	assert.Equal(t, int64(6), b)
}

// TestReadCommitted_SchemaReadsRecordedOnce: a long ReadCommitted
// transaction records its catalog reads once, not once per statement, as
// long as nothing commits; a commit by another transaction makes the next
// statement read the schema again.
func TestReadCommitted_SchemaReadsRecordedOnce(t *testing.T) {
	db := isoSeeded(t, engine.Options{})
	rc := isoBegin(t, db, isoRC)
	_, err := rc.Update("accounts", 1, engine.Row{"balance": 6})
	require.NoError(t, err)
	first := engine.ReadSetSize(rc)
	for i := range 100 {
		_, err := rc.Update("accounts", 1, engine.Row{"balance": i})
		require.NoError(t, err)
	}
	assert.Equal(t, first, engine.ReadSetSize(rc), "100 more statements on the same table")

	require.NoError(t, db.Update(context.Background(), func(tx *engine.Tx) error {
		_, err := tx.Insert("accounts", engine.Row{"id": 5, "owner": "eve", "balance": 7})
		return err
	}))
	_, err = rc.Update("accounts", 2, engine.Row{"balance": 1})
	require.NoError(t, err)
	assert.Positive(t, engine.ReadSetSize(rc), "the schema read again after a commit")
	require.NoError(t, rc.Commit())
}

// TestReadCommitted_WaitsAndRechecks: an update of a row another
// transaction holds waits for it; if it commits, the update applies to
// the new version; if it rolls back, to the old one; if it deleted the
// row, the row is not found.
func TestReadCommitted_WaitsAndRechecks(t *testing.T) {
	for _, end := range []string{"commit", "rollback", "delete"} {
		t.Run(end, func(t *testing.T) {
			db := isoSeeded(t, engine.Options{})
			first := isoBegin(t, db, isoRC)
			if end == "delete" {
				require.NoError(t, first.Delete("accounts", 4))
			} else {
				_, err := first.Update("accounts", 4, engine.Row{"balance": 50})
				require.NoError(t, err)
			}
			second := isoBegin(t, db, isoRC)
			done := make(chan error, 1)
			var seen int64
			go func() {
				r, err := second.LockRow("accounts", 4)
				if err == nil {
					seen = r.Get("balance").(int64)
				}
				done <- err
			}()
			select {
			case err := <-done:
				t.Fatalf("the second lock did not wait: %v", err)
			case <-time.After(20 * time.Millisecond):
			}
			if end == "rollback" {
				require.NoError(t, first.Rollback())
			} else {
				require.NoError(t, first.Commit())
			}
			err := <-done
			switch end {
			case "commit":
				require.NoError(t, err)
				assert.Equal(t, int64(50), seen)
			case "rollback":
				require.NoError(t, err)
				assert.Equal(t, int64(100), seen)
			case "delete":
				assert.ErrorIs(t, err, engine.ErrNotFound)
			}
			require.NoError(t, second.Commit())
		})
	}
}

// TestReadCommitted_Deadlock: two transactions locking two rows in
// opposite order: one gets ErrDeadlock (40P01) at once, the other commits.
func TestReadCommitted_Deadlock(t *testing.T) {
	db := isoSeeded(t, engine.Options{})
	a, b := isoBegin(t, db, isoRC), isoBegin(t, db, isoRC)
	_, err := a.LockRow("accounts", 1)
	require.NoError(t, err)
	_, err = b.LockRow("accounts", 2)
	require.NoError(t, err)
	aDone := make(chan error, 1)
	go func() {
		_, err := a.LockRow("accounts", 2)
		aDone <- err
	}()
	time.Sleep(20 * time.Millisecond)
	_, err = b.LockRow("accounts", 1)
	require.ErrorIs(t, err, engine.ErrDeadlock)
	assert.Equal(t, "40P01", engine.SQLState(err))
	require.NoError(t, b.Rollback())
	require.NoError(t, <-aDone)
	require.NoError(t, a.Commit())
}

// TestReadCommitted_WaitEndsWithContext: a lock wait ends when the
// transaction's context does.
func TestReadCommitted_WaitEndsWithContext(t *testing.T) {
	db := isoSeeded(t, engine.Options{})
	holder := isoBegin(t, db, isoRC)
	_, err := holder.LockRow("accounts", 1)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	waiter, err := db.Begin(ctx, isoRC)
	require.NoError(t, err)
	defer waiter.Rollback()
	_, err = waiter.LockRow("accounts", 1)
	assert.True(t, errors.Is(err, context.DeadlineExceeded), "%v", err)
}

// TestReadCommitted_LocklessWriterYields: a serializable commit that would
// change a row a ReadCommitted transaction holds fails instead of
// overwriting it.
func TestReadCommitted_LocklessWriterYields(t *testing.T) {
	db := isoSeeded(t, engine.Options{})
	rc := isoBegin(t, db, isoRC)
	_, err := rc.Update("accounts", 2, engine.Row{"balance": 21})
	require.NoError(t, err)
	s := isoBegin(t, db, isoRW)
	_, err = s.Update("accounts", 2, engine.Row{"balance": 99})
	require.NoError(t, err)
	isoRequireConflict(t, s.Commit())
	require.NoError(t, rc.Commit())
	b, err := isoView(t, db, 2)
	require.NoError(t, err)
	assert.Equal(t, int64(21), b)
}

// TestReadCommitted_InsertWaitsForInserter: a second insert of one key
// waits for the first; once that commits, it is a duplicate (23505).
func TestReadCommitted_InsertWaitsForInserter(t *testing.T) {
	db := testutil.OpenDB(t, isoAccounts())
	a := isoBegin(t, db, isoRC)
	_, err := a.Insert("accounts", engine.Row{"id": 9, "owner": "a", "balance": 1})
	require.NoError(t, err)
	b := isoBegin(t, db, isoRC)
	done := make(chan error, 1)
	go func() {
		_, err := b.Insert("accounts", engine.Row{"id": 9, "owner": "b", "balance": 2})
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	require.NoError(t, a.Commit())
	err = <-done
	assert.ErrorIs(t, err, engine.ErrUnique)
}

// TestDB_UpdateWith: Update at another isolation level, retried as Update
// is; a read-only one is refused.
func TestDB_UpdateWith(t *testing.T) {
	db := isoSeeded(t, engine.Options{})
	for _, iso := range []engine.Isolation{engine.RepeatableRead, engine.ReadCommitted} {
		require.NoError(t, db.UpdateWith(context.Background(), engine.TxOptions{Isolation: iso}, func(tx *engine.Tx) error {
			assert.Equal(t, iso, tx.Isolation())
			r, err := tx.LockRow("accounts", 3)
			if err != nil {
				return err
			}
			_, err = tx.Update("accounts", 3, engine.Row{"balance": r.Get("balance").(int64) + 1})
			return err
		}))
	}
	b, err := isoView(t, db, 3)
	require.NoError(t, err)
	assert.Equal(t, int64(32), b)
	err = db.UpdateWith(context.Background(), engine.TxOptions{ReadOnly: true}, func(*engine.Tx) error { return nil })
	assert.ErrorIs(t, err, engine.ErrInvalidArgument)
}

// TestReadCommitted_ForeignKeyLocks: a child insert takes a key-share lock
// on its parent, as PostgreSQL's check does: a parent delete waits for the
// child's transaction and then fails as the child is there (RESTRICT); a
// child insert waits for a parent delete and then fails with 23503 at the
// statement, not at commit; two children of one parent do not block each
// other.
func TestReadCommitted_ForeignKeyLocks(t *testing.T) {
	t.Run("delete waits for the child", func(t *testing.T) {
		db := isoParentKid(t)
		child := isoBegin(t, db, isoRC)
		_, err := child.Insert("kids", engine.Row{"id": 1, "parent_id": 1})
		require.NoError(t, err)
		other := isoBegin(t, db, isoRC)
		_, err = other.Insert("kids", engine.Row{"id": 2, "parent_id": 1})
		require.NoError(t, err, "key-share locks do not block each other")
		require.NoError(t, other.Rollback())
		del := isoBegin(t, db, isoRC)
		done := make(chan error, 1)
		go func() { done <- del.Delete("parents", 1) }()
		select {
		case err := <-done:
			t.Fatalf("the delete did not wait: %v", err)
		case <-time.After(20 * time.Millisecond):
		}
		require.NoError(t, child.Commit())
		assert.ErrorIs(t, <-done, engine.ErrRestrict)
		assert.NoError(t, db.Check())
	})
	t.Run("child waits for the delete", func(t *testing.T) {
		db := isoParentKid(t)
		del := isoBegin(t, db, isoRC)
		require.NoError(t, del.Delete("parents", 1))
		child := isoBegin(t, db, isoRC)
		done := make(chan error, 1)
		go func() {
			_, err := child.Insert("kids", engine.Row{"id": 1, "parent_id": 1})
			done <- err
		}()
		select {
		case err := <-done:
			t.Fatalf("the child insert did not wait: %v", err)
		case <-time.After(20 * time.Millisecond):
		}
		require.NoError(t, del.Commit())
		assert.ErrorIs(t, <-done, engine.ErrForeignKey, "at the statement")
		assert.NoError(t, db.Check())
	})
}

// TestReadCommitted_UniqueValueWaits: a second insert of a unique value
// waits for the first inserter; if it commits, the second fails with
// 23505 at the statement; if it rolls back, the second goes through. A
// value too long for the lock table to hold inline waits the same.
func TestReadCommitted_UniqueValueWaits(t *testing.T) {
	for _, tc := range []struct{ first, owner string }{
		{"commit", "sam"}, {"rollback", "sam"},
		{"commit", strings.Repeat("samantha ", 5)}, {"rollback", strings.Repeat("samantha ", 5)},
	} {
		first := tc.first
		t.Run(fmt.Sprintf("%s, %d-byte value", first, len(tc.owner)), func(t *testing.T) {
			db := testutil.OpenDB(t, isoAccounts())
			a := isoBegin(t, db, isoRC)
			_, err := a.Insert("accounts", engine.Row{"id": 1, "owner": tc.owner, "balance": 1})
			require.NoError(t, err)
			b := isoBegin(t, db, isoRC)
			done := make(chan error, 1)
			go func() {
				_, err := b.Insert("accounts", engine.Row{"id": 2, "owner": tc.owner, "balance": 2})
				done <- err
			}()
			select {
			case err := <-done:
				t.Fatalf("the second insert did not wait: %v", err)
			case <-time.After(20 * time.Millisecond):
			}
			if first == "commit" {
				require.NoError(t, a.Commit())
				err := <-done
				assert.ErrorIs(t, err, engine.ErrUnique)
				assert.Equal(t, "23505", engine.SQLState(err))
				return
			}
			require.NoError(t, a.Rollback())
			require.NoError(t, <-done)
			require.NoError(t, b.Commit())
		})
	}
}
