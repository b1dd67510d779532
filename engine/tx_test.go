package engine_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/engine/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// txAuthors declares authors(id int pk, name text NOT NULL, email text
// UNIQUE, rating numeric(5,2), age int) with a unique index on email and a
// plain one on age.
func txAuthors() engine.Table {
	return engine.Table{
		Name: "authors",
		Columns: []engine.Column{
			{Name: "id", Type: engine.Int},
			{Name: "name", Type: engine.Text, NotNull: true},
			{Name: "email", Type: engine.Text},
			{Name: "rating", Type: engine.Decimal, Precision: 5, Scale: 2},
			{Name: "age", Type: engine.Int},
		},
		PrimaryKey: []string{"id"},
		Indexes: []engine.Index{
			{Name: "authors_email", Columns: []string{"email"}, Unique: true},
			{Name: "authors_age", Columns: []string{"age"}},
		},
	}
}

// txTags declares tags(id int pk, label text NOT NULL).
func txTags() engine.Table {
	return engine.Table{
		Name: "tags",
		Columns: []engine.Column{
			{Name: "id", Type: engine.Int},
			{Name: "label", Type: engine.Text, NotNull: true},
		},
		PrimaryKey: []string{"id"},
	}
}

// txCounters declares counters(id int pk, n int NOT NULL).
func txCounters() engine.Table {
	return engine.Table{
		Name: "counters",
		Columns: []engine.Column{
			{Name: "id", Type: engine.Int},
			{Name: "n", Type: engine.Int, NotNull: true},
		},
		PrimaryKey: []string{"id"},
	}
}

// txSeeded opens a database with authors 1..3 and tags 1..2.
func txSeeded(t *testing.T) *engine.DB {
	t.Helper()
	db := testutil.OpenDB(t, txAuthors(), txTags())
	err := db.Update(context.Background(), func(tx *engine.Tx) error {
		for _, r := range []engine.Row{
			{"id": 1, "name": "Le Guin", "email": "ursula@example.com", "rating": "4.50", "age": 88},
			{"id": 2, "name": "Butler", "email": "octavia@example.com", "rating": "4.75", "age": 58},
			{"id": 3, "name": "Delany", "email": "samuel@example.com", "age": 70},
		} {
			if _, err := tx.Insert("authors", r); err != nil {
				return err
			}
		}
		for _, r := range []engine.Row{{"id": 1, "label": "sf"}, {"id": 2, "label": "fantasy"}} {
			if _, err := tx.Insert("tags", r); err != nil {
				return err
			}
		}
		return nil
	})
	require.NoError(t, err)
	return db
}

// txCounterDB opens a database with counters row 1 holding 0.
func txCounterDB(t *testing.T, opts engine.Options) *engine.DB {
	t.Helper()
	db := testutil.OpenDBWith(t, opts, txCounters())
	err := db.Update(context.Background(), func(tx *engine.Tx) error {
		_, err := tx.Insert("counters", engine.Row{"id": 1, "n": 0})
		return err
	})
	require.NoError(t, err)
	return db
}

// txCounter returns counter 1 as tx sees it.
func txCounter(tx *engine.Tx) (int64, error) {
	r, err := tx.Get("counters", 1)
	if err != nil {
		return 0, err
	}
	return r.Get("n").(int64), nil
}

// txCommittedCounter returns the latest committed value of counter 1.
func txCommittedCounter(t *testing.T, db *engine.DB) int64 {
	t.Helper()
	var n int64
	err := db.View(context.Background(), func(tx *engine.Tx) (err error) {
		n, err = txCounter(tx)
		return err
	})
	require.NoError(t, err)
	return n
}

// txBumpCommitted commits, in a transaction of its own, counter 1 += by.
func txBumpCommitted(t *testing.T, db *engine.DB, by int64) {
	t.Helper()
	other, err := db.Begin(context.Background(), engine.TxOptions{})
	require.NoError(t, err)
	defer other.Rollback()
	n, err := txCounter(other)
	require.NoError(t, err)
	_, err = other.Update("counters", 1, engine.Row{"n": n + by})
	require.NoError(t, err)
	require.NoError(t, other.Commit())
}

// txDump renders everything tx sees: each table's declaration, its rows in
// primary-key order and, for each index, the primary keys in index order
// (a scan of the index itself, so a stale or missing entry shows).
func txDump(t *testing.T, tx *engine.Tx) string {
	t.Helper()
	var b strings.Builder
	tables, err := tx.Tables()
	require.NoError(t, err)
	for _, tb := range tables {
		fmt.Fprintf(&b, "table %+v\n", tb)
		rows, err := tx.Query(tb.Name).All()
		require.NoError(t, err)
		for _, r := range rows {
			fmt.Fprintf(&b, "  %s\n", r)
		}
		for _, ix := range tb.Indexes {
			q := tx.Query(tb.Name)
			for _, c := range append(slices.Clone(ix.Columns), tb.PrimaryKey...) {
				q.OrderBy(c, engine.Asc)
			}
			rows, err := q.All()
			require.NoError(t, err)
			fmt.Fprintf(&b, "  index %s:", ix.Name)
			for _, r := range rows {
				fmt.Fprintf(&b, " %v", r.ID())
			}
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// txDumpDB is txDump of the latest committed snapshot.
func txDumpDB(t *testing.T, db *engine.DB) string {
	t.Helper()
	var s string
	require.NoError(t, db.View(context.Background(), func(tx *engine.Tx) error {
		s = txDump(t, tx)
		return nil
	}))
	return s
}

// txPanicMessage runs fn and returns what it panicked with, or nil.
func txPanicMessage(fn func()) (v any) {
	defer func() { v = recover() }()
	fn()
	return nil
}

// TestTx_Rollback_Finished ensures Rollback of a transaction that already
// ended does nothing and returns nil, so `defer tx.Rollback()` is safe.
func TestTx_Rollback_Finished(t *testing.T) {
	ctx := context.Background()
	for _, end := range []string{"Commit", "Rollback"} {
		t.Run("after "+end, func(t *testing.T) {
			db := txSeeded(t)
			tx, err := db.Begin(ctx, engine.TxOptions{})
			require.NoError(t, err)
			rec, err := tx.Insert("tags", engine.Row{"id": 3, "label": "horror"})
			require.NoError(t, err)
			if end == "Commit" {
				require.NoError(t, tx.Commit())
			} else {
				require.NoError(t, tx.Rollback())
			}
			assert.NoError(t, tx.Rollback())
			assert.NoError(t, tx.Rollback())
			assert.Equal(t, "horror", rec.Get("label"), "a returned record stays valid after its transaction ends")
			err = db.View(ctx, func(tx *engine.Tx) error {
				_, err := tx.Get("tags", 3)
				return err
			})
			if end == "Commit" {
				assert.NoError(t, err, "a late Rollback does not undo a commit")
			} else {
				assert.ErrorIs(t, err, engine.ErrNotFound)
			}
		})
	}
	t.Run("read-only", func(t *testing.T) {
		db := txSeeded(t)
		tx, err := db.Begin(ctx, engine.TxOptions{ReadOnly: true})
		require.NoError(t, err)
		require.NoError(t, tx.Commit())
		assert.NoError(t, tx.Rollback())
	})
}

// TestTx_Commit_ThenErrTxDone ensures that once a transaction has ended,
// every method except Rollback returns ErrTxDone and changes nothing.
func TestTx_Commit_ThenErrTxDone(t *testing.T) {
	ctx := context.Background()
	calls := []struct {
		name string
		call func(tx *engine.Tx, sp engine.Savepoint) error
	}{
		{"Insert", func(tx *engine.Tx, _ engine.Savepoint) error {
			_, err := tx.Insert("tags", engine.Row{"id": 9, "label": "x"})
			return err
		}},
		{"Get", func(tx *engine.Tx, _ engine.Savepoint) error {
			_, err := tx.Get("tags", 1)
			return err
		}},
		{"Update", func(tx *engine.Tx, _ engine.Savepoint) error {
			_, err := tx.Update("tags", 1, engine.Row{"label": "x"})
			return err
		}},
		{"Delete", func(tx *engine.Tx, _ engine.Savepoint) error { return tx.Delete("tags", 1) }},
		{"Upsert", func(tx *engine.Tx, _ engine.Savepoint) error {
			_, err := tx.Upsert("tags", engine.Row{"id": 1, "label": "x"})
			return err
		}},
		{"Query.All", func(tx *engine.Tx, _ engine.Savepoint) error {
			_, err := tx.Query("tags").All()
			return err
		}},
		{"Query.First", func(tx *engine.Tx, _ engine.Savepoint) error {
			_, err := tx.Query("tags").First()
			return err
		}},
		{"Query.Count", func(tx *engine.Tx, _ engine.Savepoint) error {
			_, err := tx.Query("tags").Where(engine.Eq("id", 1)).Count()
			return err
		}},
		{"Query.Each", func(tx *engine.Tx, _ engine.Savepoint) error {
			return tx.Query("tags").Each(func(engine.Record) error { return nil })
		}},
		{"Query.Explain", func(tx *engine.Tx, _ engine.Savepoint) error {
			_, err := tx.Query("tags").Explain()
			return err
		}},
		{"Commit", func(tx *engine.Tx, _ engine.Savepoint) error { return tx.Commit() }},
		{"Savepoint", func(tx *engine.Tx, _ engine.Savepoint) error {
			_, err := tx.Savepoint()
			return err
		}},
		{"RollbackTo", func(tx *engine.Tx, sp engine.Savepoint) error { return tx.RollbackTo(sp) }},
		{"CreateTable", func(tx *engine.Tx, _ engine.Savepoint) error {
			return tx.CreateTable(engine.Table{Name: "t", Columns: []engine.Column{{Name: "id", Type: engine.Int}}, PrimaryKey: []string{"id"}})
		}},
		{"DropTable", func(tx *engine.Tx, _ engine.Savepoint) error { return tx.DropTable("tags") }},
		{"CreateIndex", func(tx *engine.Tx, _ engine.Savepoint) error {
			return tx.CreateIndex("tags", engine.Index{Name: "tags_label", Columns: []string{"label"}})
		}},
		{"DropIndex", func(tx *engine.Tx, _ engine.Savepoint) error { return tx.DropIndex("authors", "authors_age") }},
		{"Tables", func(tx *engine.Tx, _ engine.Savepoint) error {
			_, err := tx.Tables()
			return err
		}},
		{"Table", func(tx *engine.Tx, _ engine.Savepoint) error {
			_, err := tx.Table("tags")
			return err
		}},
	}
	for _, end := range []string{"Commit", "Rollback"} {
		for _, readOnly := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/read-only=%v", end, readOnly), func(t *testing.T) {
				db := txSeeded(t)
				tx, err := db.Begin(ctx, engine.TxOptions{ReadOnly: readOnly})
				require.NoError(t, err)
				var sp engine.Savepoint
				if !readOnly {
					sp, err = tx.Savepoint()
					require.NoError(t, err)
				}
				before := txDumpDB(t, db)
				if end == "Commit" {
					require.NoError(t, tx.Commit())
				} else {
					require.NoError(t, tx.Rollback())
				}
				for _, c := range calls {
					assert.ErrorIs(t, c.call(tx, sp), engine.ErrTxDone, c.name)
				}
				assert.NoError(t, tx.Rollback())
				assert.Equal(t, before, txDumpDB(t, db))
			})
		}
	}
	// A transaction kept after View or Update returned has ended too (its
	// Commit and Rollback still panic: it is managed).
	for _, run := range []string{"View", "Update"} {
		t.Run("leaked from "+run, func(t *testing.T) {
			db := txSeeded(t)
			var leaked *engine.Tx
			keep := func(tx *engine.Tx) error { leaked = tx; return nil }
			if run == "View" {
				require.NoError(t, db.View(ctx, keep))
			} else {
				require.NoError(t, db.Update(ctx, keep))
			}
			before := txDumpDB(t, db)
			for _, c := range calls {
				if c.name == "Commit" {
					continue
				}
				assert.ErrorIs(t, c.call(leaked, engine.Savepoint{}), engine.ErrTxDone, c.name)
			}
			assert.Equal(t, before, txDumpDB(t, db))
		})
	}
}

// TestDB_Update_CommitPanics ensures Commit and Rollback on the transaction
// View or Update manages panic with a "reldb:" message, and leave the
// transaction running.
func TestDB_Update_CommitPanics(t *testing.T) {
	ctx := context.Background()
	db := txSeeded(t)
	for _, name := range []string{"Commit", "Rollback"} {
		end := func(tx *engine.Tx) error {
			if name == "Commit" {
				return tx.Commit()
			}
			return tx.Rollback()
		}
		t.Run("Update/"+name, func(t *testing.T) {
			err := db.Update(ctx, func(tx *engine.Tx) error {
				v := txPanicMessage(func() { _ = end(tx) })
				require.NotNil(t, v, "%s inside Update must panic", name)
				assert.True(t, strings.HasPrefix(fmt.Sprint(v), "reldb:"), "panic message %q", v)
				_, err := tx.Insert("tags", engine.Row{"id": 10 + len(name), "label": name})
				return err
			})
			require.NoError(t, err)
			require.NoError(t, db.View(ctx, func(tx *engine.Tx) error {
				_, err := tx.Get("tags", 10+len(name))
				return err
			}), "the transaction was still committed by Update")
		})
		t.Run("View/"+name, func(t *testing.T) {
			err := db.View(ctx, func(tx *engine.Tx) error {
				require.Panics(t, func() { _ = end(tx) })
				_, err := tx.Get("tags", 1)
				return err
			})
			require.NoError(t, err)
		})
	}
}

// TestDB_View_KeptTxEnded ensures a Tx kept after View or Update returned
// is ended, not managed: Commit returns ErrTxDone and Rollback nil, instead
// of panicking.
func TestDB_View_KeptTxEnded(t *testing.T) {
	ctx := context.Background()
	db := txSeeded(t)
	var viewed, updated *engine.Tx
	require.NoError(t, db.View(ctx, func(tx *engine.Tx) error { viewed = tx; return nil }))
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error { updated = tx; return nil }))
	for _, tx := range []*engine.Tx{viewed, updated} {
		require.NotPanics(t, func() {
			require.ErrorIs(t, tx.Commit(), engine.ErrTxDone)
			require.NoError(t, tx.Rollback())
		})
	}
}

// TestDB_Update_PanicRollsBack ensures a panic in Update's function
// propagates out of Update, without a retry, and nothing it wrote is
// committed.
func TestDB_Update_PanicRollsBack(t *testing.T) {
	ctx := context.Background()
	db := txSeeded(t)
	before := txDumpDB(t, db)
	runs := 0
	require.PanicsWithValue(t, "boom", func() {
		_ = db.Update(ctx, func(tx *engine.Tx) error {
			runs++
			if _, err := tx.Insert("tags", engine.Row{"id": 3, "label": "horror"}); err != nil {
				return err
			}
			if _, err := tx.Update("authors", 1, engine.Row{"age": 89}); err != nil {
				return err
			}
			if err := tx.Delete("authors", 2); err != nil {
				return err
			}
			panic("boom")
		})
	})
	assert.Equal(t, 1, runs)
	assert.Equal(t, before, txDumpDB(t, db))

	// Nothing of the panicked transaction lingers: the same writes now commit.
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		_, err := tx.Insert("tags", engine.Row{"id": 3, "label": "horror"})
		return err
	}))
	require.PanicsWithValue(t, "view boom", func() {
		_ = db.View(ctx, func(*engine.Tx) error { panic("view boom") })
	})
}

// TestDB_Update_RetriesOnConflict ensures Update reruns its function when a
// transaction that committed meanwhile wrote what the function read, and
// that the rerun sees the newer state.
func TestDB_Update_RetriesOnConflict(t *testing.T) {
	ctx := context.Background()
	db := txCounterDB(t, engine.Options{})
	read, proceed := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	runs := 0 // touched only by the Update goroutine until done is received
	go func() {
		done <- db.Update(ctx, func(tx *engine.Tx) error {
			runs++
			n, err := txCounter(tx)
			if err != nil {
				return err
			}
			if runs == 1 {
				close(read)
				<-proceed
			}
			_, err = tx.Update("counters", 1, engine.Row{"n": n + 1})
			return err
		})
	}()
	<-read
	txBumpCommitted(t, db, 10) // commits while the first attempt is open
	close(proceed)
	require.NoError(t, <-done)
	assert.Equal(t, 2, runs)
	assert.Equal(t, int64(11), txCommittedCounter(t, db), "the retry applied +1 on top of the concurrent +10")
}

// TestDB_Update_NoRetry ensures that with Retry.MaxAttempts 1, Update
// returns the conflict after a single run and writes nothing.
func TestDB_Update_NoRetry(t *testing.T) {
	ctx := context.Background()
	db := txCounterDB(t, engine.Options{Retry: engine.RetryPolicy{MaxAttempts: 1}})
	read, proceed := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	runs := 0
	go func() {
		done <- db.Update(ctx, func(tx *engine.Tx) error {
			runs++
			n, err := txCounter(tx)
			if err != nil {
				return err
			}
			close(read)
			<-proceed
			_, err = tx.Update("counters", 1, engine.Row{"n": n + 1})
			return err
		})
	}()
	<-read
	txBumpCommitted(t, db, 10)
	close(proceed)
	isoRequireConflict(t, <-done)
	assert.Equal(t, 1, runs)
	assert.Equal(t, int64(10), txCommittedCounter(t, db))
}

// TestDB_Update_GivesUp ensures Update stops after MaxAttempts conflicting
// runs and returns an error that still is ErrConflict.
func TestDB_Update_GivesUp(t *testing.T) {
	ctx := context.Background()
	db := txCounterDB(t, engine.Options{Retry: engine.RetryPolicy{MaxAttempts: 3}})
	runs := 0
	err := db.Update(ctx, func(tx *engine.Tx) error {
		runs++
		n, err := txCounter(tx)
		if err != nil {
			return err
		}
		txBumpCommitted(t, db, 10) // every attempt loses to a fresh commit
		_, err = tx.Update("counters", 1, engine.Row{"n": n + 1})
		return err
	})
	isoRequireConflict(t, err)
	assert.Equal(t, 3, runs)
	assert.Equal(t, int64(30), txCommittedCounter(t, db))
}

// txDoneHookCtx is a context that reports, by closing waiting, the first
// time someone waits on Done: DB.Update does so only while backing off.
type txDoneHookCtx struct {
	context.Context
	once    sync.Once
	waiting chan struct{}
}

func (c *txDoneHookCtx) Done() <-chan struct{} {
	c.once.Do(func() { close(c.waiting) })
	return c.Context.Done()
}

// TestDB_Update_CancelDuringBackoff ensures a context cancelled while Update
// waits to retry ends Update with the context's error, without another run.
func TestDB_Update_CancelDuringBackoff(t *testing.T) {
	// Backoff is an hour: only the cancellation can end the wait.
	db := txCounterDB(t, engine.Options{Retry: engine.RetryPolicy{MinBackoff: time.Hour, MaxBackoff: time.Hour}})
	base, cancel := context.WithCancel(context.Background())
	defer cancel()
	ctx := &txDoneHookCtx{Context: base, waiting: make(chan struct{})}
	done := make(chan error, 1)
	runs := 0
	go func() {
		done <- db.Update(ctx, func(tx *engine.Tx) error {
			runs++
			n, err := txCounter(tx)
			if err != nil {
				return err
			}
			txBumpCommitted(t, db, 10) // this attempt will conflict
			_, err = tx.Update("counters", 1, engine.Row{"n": n + 1})
			return err
		})
	}()
	<-ctx.waiting
	cancel()
	err := <-done
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, err, engine.ErrConflict, "the error still says Update was retrying a conflict")
	assert.Equal(t, 1, runs)
	assert.Equal(t, int64(10), txCommittedCounter(t, db))
}

// TestDB_Update_NoRetryOnOtherErrors ensures an error from fn that is not a
// conflict is returned at once, after one run, and nothing is written.
func TestDB_Update_NoRetryOnOtherErrors(t *testing.T) {
	ctx := context.Background()
	errBoom := errors.New("boom")
	tests := []struct {
		name    string
		fn      func(tx *engine.Tx) error
		wantErr error
	}{
		{"own error", func(tx *engine.Tx) error {
			if _, err := tx.Insert("tags", engine.Row{"id": 3, "label": "horror"}); err != nil {
				return err
			}
			return fmt.Errorf("wrapped: %w", errBoom)
		}, errBoom},
		{"constraint error", func(tx *engine.Tx) error {
			if _, err := tx.Insert("tags", engine.Row{"id": 3, "label": "horror"}); err != nil {
				return err
			}
			_, err := tx.Insert("tags", engine.Row{"id": 1, "label": "dup"})
			return err
		}, engine.ErrUnique},
		{"not found", func(tx *engine.Tx) error {
			if err := tx.Delete("tags", 1); err != nil {
				return err
			}
			return tx.Delete("tags", 1)
		}, engine.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := txSeeded(t)
			before := txDumpDB(t, db)
			runs := 0
			err := db.Update(ctx, func(tx *engine.Tx) error {
				runs++
				return tc.fn(tx)
			})
			require.ErrorIs(t, err, tc.wantErr)
			assert.NotErrorIs(t, err, engine.ErrConflict)
			assert.Equal(t, 1, runs)
			assert.Equal(t, before, txDumpDB(t, db))
		})
	}
}

// TestTx_Insert_FailedStatementAtomic ensures a failing statement leaves the
// transaction exactly as it was before the statement, earlier writes of the
// same transaction included, and that committing afterwards publishes
// exactly that state.
func TestTx_Insert_FailedStatementAtomic(t *testing.T) {
	ctx := context.Background()
	db := txSeeded(t)
	tx, err := db.Begin(ctx, engine.TxOptions{})
	require.NoError(t, err)
	defer tx.Rollback()

	// Successful writes first, so failures must preserve uncommitted state.
	_, err = tx.Insert("authors", engine.Row{"id": 4, "name": "Jemisin", "email": "nk@example.com", "rating": "4.8", "age": 58})
	require.NoError(t, err)
	_, err = tx.Update("authors", 1, engine.Row{"age": 89, "rating": "4.555"})
	require.NoError(t, err)
	require.NoError(t, tx.Delete("authors", 3))
	_, err = tx.Upsert("authors", engine.Row{"id": 2, "email": "ob@example.com"})
	require.NoError(t, err)
	_, err = tx.Insert("tags", engine.Row{"id": 3, "label": "horror"})
	require.NoError(t, err)
	_, err = tx.Update("tags", 1, engine.Row{"id": 10}) // move a primary key
	require.NoError(t, err)
	before := txDump(t, tx)
	t.Logf("state before the failing statements:\n%s", before)

	insert := func(row engine.Row) func() error {
		return func() error {
			_, err := tx.Insert("authors", row)
			return err
		}
	}
	update := func(key any, set engine.Row) func() error {
		return func() error {
			_, err := tx.Update("authors", key, set)
			return err
		}
	}
	upsert := func(row engine.Row) func() error {
		return func() error {
			_, err := tx.Upsert("authors", row)
			return err
		}
	}
	tests := []struct {
		name      string
		stmt      func() error
		wantErr   error
		wantState string // SQLSTATE, "" for none
	}{
		{"insert duplicate primary key", insert(engine.Row{"id": 1, "name": "x"}), engine.ErrUnique, "23505"},
		{"insert duplicate of a row inserted in this tx", insert(engine.Row{"id": 4, "name": "x"}), engine.ErrUnique, "23505"},
		{"insert unique index violation", insert(engine.Row{"id": 5, "name": "x", "email": "ursula@example.com"}), engine.ErrUnique, "23505"},
		{"insert unique violation against this tx's update", insert(engine.Row{"id": 5, "name": "x", "email": "ob@example.com"}), engine.ErrUnique, "23505"},
		{"insert explicit NULL into NOT NULL", insert(engine.Row{"id": 5, "name": nil}), engine.ErrNotNull, "23502"},
		{"insert omits NOT NULL column", insert(engine.Row{"id": 5, "email": "new@example.com"}), engine.ErrNotNull, "23502"},
		{"insert NULL primary key", insert(engine.Row{"id": nil, "name": "x"}), engine.ErrNotNull, "23502"},
		{"insert wrong type", insert(engine.Row{"id": 5, "name": "x", "age": "old"}), engine.ErrType, "42804"},
		{"insert float into decimal", insert(engine.Row{"id": 5, "name": "x", "rating": 4.5}), engine.ErrType, "42804"},
		{"insert invalid decimal", insert(engine.Row{"id": 5, "name": "x", "rating": "four"}), engine.ErrType, "22P02"},
		{"insert numeric overflow", insert(engine.Row{"id": 5, "name": "x", "rating": "1000.00"}), engine.ErrNumericOverflow, "22003"},
		{"insert numeric overflow after rounding", insert(engine.Row{"id": 5, "name": "x", "rating": "999.995"}), engine.ErrNumericOverflow, "22003"},
		{"insert unknown column", insert(engine.Row{"id": 5, "name": "x", "nope": 1}), engine.ErrNoColumn, "42703"},
		{"insert into unknown table", func() error {
			_, err := tx.Insert("nope", engine.Row{"id": 1})
			return err
		}, engine.ErrNoTable, "42P01"},
		{"update moves primary key onto another row", update(1, engine.Row{"id": 2}), engine.ErrUnique, "23505"},
		{"update moves primary key then violates unique index", update(1, engine.Row{"id": 50, "email": "nk@example.com"}), engine.ErrUnique, "23505"},
		{"update unique index violation", update(4, engine.Row{"email": "ursula@example.com"}), engine.ErrUnique, "23505"},
		{"update sets NOT NULL column to NULL", update(1, engine.Row{"name": nil, "age": 1}), engine.ErrNotNull, "23502"},
		{"update sets primary key to NULL", update(1, engine.Row{"id": nil}), engine.ErrNotNull, "23502"},
		{"update wrong type", update(1, engine.Row{"age": 1.5}), engine.ErrType, "42804"},
		{"update numeric overflow", update(2, engine.Row{"age": 1, "rating": "12345"}), engine.ErrNumericOverflow, "22003"},
		{"update unknown column", update(1, engine.Row{"age": 1, "nope": 1}), engine.ErrNoColumn, "42703"},
		{"update missing row", update(99, engine.Row{"age": 1}), engine.ErrNotFound, ""},
		{"update row deleted in this tx", update(3, engine.Row{"age": 1}), engine.ErrNotFound, ""},
		{"update wrong key type", update("one", engine.Row{"age": 1}), engine.ErrType, "42804"},
		{"update old key of a moved row", func() error {
			_, err := tx.Update("tags", 1, engine.Row{"label": "x"})
			return err
		}, engine.ErrNotFound, ""},
		{"update moved row onto a duplicate", func() error {
			_, err := tx.Update("tags", 10, engine.Row{"id": 2})
			return err
		}, engine.ErrUnique, "23505"},
		{"upsert existing row violates unique index", upsert(engine.Row{"id": 2, "email": "ursula@example.com"}), engine.ErrUnique, "23505"},
		{"upsert new row violates unique index", upsert(engine.Row{"id": 60, "name": "x", "email": "ursula@example.com"}), engine.ErrUnique, "23505"},
		{"upsert new row without NOT NULL column", upsert(engine.Row{"id": 60}), engine.ErrNotNull, "23502"},
		{"delete missing row", func() error { return tx.Delete("authors", 99) }, engine.ErrNotFound, ""},
		{"delete row deleted in this tx", func() error { return tx.Delete("authors", 3) }, engine.ErrNotFound, ""},
		{"create unique index over duplicates", func() error {
			return tx.CreateIndex("authors", engine.Index{Name: "authors_age_key", Columns: []string{"age"}, Unique: true})
		}, engine.ErrUnique, "23505"},
		{"create index on unknown column", func() error {
			return tx.CreateIndex("authors", engine.Index{Name: "authors_nope", Columns: []string{"nope"}})
		}, engine.ErrSchema, ""},
		{"create index with a taken name", func() error {
			return tx.CreateIndex("authors", engine.Index{Name: "authors_email", Columns: []string{"name"}})
		}, engine.ErrExists, ""},
		{"create existing table", func() error { return tx.CreateTable(txTags()) }, engine.ErrExists, ""},
		{"drop unknown table", func() error { return tx.DropTable("nope") }, engine.ErrNoTable, "42P01"},
		{"drop unknown index", func() error { return tx.DropIndex("authors", "nope") }, engine.ErrNoIndex, ""},
	}
	for _, tc := range tests {
		err := tc.stmt()
		require.ErrorIs(t, err, tc.wantErr, tc.name)
		if tc.wantState != "" {
			assert.Equal(t, tc.wantState, engine.SQLState(err), "%s: %v", tc.name, err)
		}
		require.Equal(t, before, txDump(t, tx), "%s left the transaction changed (%v)", tc.name, err)
	}

	// The constraint error names what was violated.
	err = insert(engine.Row{"id": 1, "name": "x"})()
	var ce *engine.ConstraintError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "authors_pkey", ce.Constraint)
	assert.Equal(t, "authors", ce.Table)
	assert.Equal(t, []string{"id"}, ce.Columns)
	assert.Equal(t, "(id)=(1)", ce.Key)

	require.NoError(t, tx.Commit())
	assert.Equal(t, before, txDumpDB(t, db), "the commit publishes the state before the failed statements")
}

// TestTx_RollbackTo_RestoresState ensures RollbackTo returns to exactly the
// state at the savepoint, DDL included — a table created since disappears,
// a table dropped since comes back with its rows, index changes are undone —
// and that the savepoint can be rolled back to again.
func TestTx_RollbackTo_RestoresState(t *testing.T) {
	ctx := context.Background()
	db := txSeeded(t)
	// genres is committed and not touched before the savepoint.
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		if err := tx.CreateTable(engine.Table{Name: "genres", Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "name", Type: engine.Text},
		}, PrimaryKey: []string{"id"}, Indexes: []engine.Index{{Name: "genres_name", Columns: []string{"name"}, Unique: true}}}); err != nil {
			return err
		}
		_, err := tx.Insert("genres", engine.Row{"id": 1, "name": "space opera"})
		return err
	}))
	tx, err := db.Begin(ctx, engine.TxOptions{})
	require.NoError(t, err)
	defer tx.Rollback()

	// Before the savepoint: row writes and a new table with rows.
	_, err = tx.Insert("authors", engine.Row{"id": 4, "name": "Jemisin", "age": 58})
	require.NoError(t, err)
	_, err = tx.Insert("tags", engine.Row{"id": 3, "label": "horror"})
	require.NoError(t, err)
	require.NoError(t, tx.CreateTable(engine.Table{Name: "series", Columns: []engine.Column{
		{Name: "id", Type: engine.Int, AutoIncrement: true}, {Name: "title", Type: engine.Text},
	}, PrimaryKey: []string{"id"}}))
	_, err = tx.Insert("series", engine.Row{"title": "Earthsea"})
	require.NoError(t, err)
	sp, err := tx.Savepoint()
	require.NoError(t, err)
	atSP := txDump(t, tx)

	changes := []func() error{
		func() error { _, err := tx.Insert("authors", engine.Row{"id": 5, "name": "Wolfe"}); return err },
		func() error { _, err := tx.Update("authors", 1, engine.Row{"age": 89}); return err },
		func() error { _, err := tx.Update("authors", 4, engine.Row{"id": 40}); return err },
		func() error { return tx.Delete("authors", 2) },
		func() error { return tx.DropTable("tags") },
		func() error { return tx.DropTable("series") },
		func() error { return tx.DropTable("genres") },
		func() error {
			return tx.CreateTable(engine.Table{Name: "awards", Columns: []engine.Column{{Name: "id", Type: engine.Int}}, PrimaryKey: []string{"id"}})
		},
		func() error { _, err := tx.Insert("awards", engine.Row{"id": 1}); return err },
		func() error {
			return tx.CreateIndex("authors", engine.Index{Name: "authors_name", Columns: []string{"name"}})
		},
		func() error { return tx.DropIndex("authors", "authors_email") },
		func() error { return tx.CreateTable(txTags()) }, // same name, new table
		func() error { _, err := tx.Insert("tags", engine.Row{"id": 1, "label": "new"}); return err },
	}
	for i, change := range changes {
		require.NoError(t, change(), "change %d", i)
	}
	require.NotEqual(t, atSP, txDump(t, tx))

	require.NoError(t, tx.RollbackTo(sp))
	assert.Equal(t, atSP, txDump(t, tx))
	_, err = tx.Get("awards", 1)
	assert.ErrorIs(t, err, engine.ErrNoTable, "a table created after the savepoint is gone")
	r, err := tx.Get("tags", 3)
	if assert.NoError(t, err, "a dropped table comes back with its rows") {
		assert.Equal(t, "horror", r.Get("label"))
	}
	r, err = tx.Get("series", 1)
	if assert.NoError(t, err, "a table created before the savepoint and dropped after comes back") {
		assert.Equal(t, "Earthsea", r.Get("title"))
	}
	r, err = tx.Query("genres").Where(engine.Eq("name", "space opera")).First()
	if assert.NoError(t, err, "a committed table dropped after the savepoint comes back with its index") {
		assert.Equal(t, int64(1), r.ID())
	}
	ex, err := tx.Query("authors").Where(engine.Eq("email", "ursula@example.com")).Explain()
	require.NoError(t, err)
	assert.Contains(t, ex, "authors_email", "the dropped index is back and used")

	// The savepoint survives its use: write again, roll back again.
	require.NoError(t, tx.DropTable("authors"))
	_, err = tx.Insert("tags", engine.Row{"id": 4, "label": "weird"})
	require.NoError(t, err)
	require.NoError(t, tx.RollbackTo(sp))
	assert.Equal(t, atSP, txDump(t, tx))

	// The state is usable after the rollback, and commits as it is.
	_, err = tx.Insert("series", engine.Row{"title": "Xenogenesis"})
	require.NoError(t, err)
	want := txDump(t, tx)
	require.NoError(t, tx.Commit())
	assert.Equal(t, want, txDumpDB(t, db))
}

// TestTx_RollbackTo_Nested ensures nested savepoints each restore their own
// state, rolling back to one discards those taken after it (ErrNoSavepoint
// afterwards), and a savepoint of another transaction is refused.
// Ensure Release keeps the writes made since a savepoint and discards it
// and the savepoints after it, but not those before.
func TestTx_Release(t *testing.T) {
	ctx := context.Background()
	db := txSeeded(t)
	tx, err := db.Begin(ctx, engine.TxOptions{})
	require.NoError(t, err)
	defer tx.Rollback()

	sp1, err := tx.Savepoint()
	require.NoError(t, err)
	d1 := txDump(t, tx)
	sp2, err := tx.Savepoint()
	require.NoError(t, err)
	_, err = tx.Insert("tags", engine.Row{"id": 100, "label": "kept"})
	require.NoError(t, err)
	sp3, err := tx.Savepoint()
	require.NoError(t, err)
	d3 := txDump(t, tx)

	require.NoError(t, tx.Release(sp2))
	assert.Equal(t, d3, txDump(t, tx), "release keeps the writes")
	require.ErrorIs(t, tx.RollbackTo(sp2), engine.ErrNoSavepoint)
	require.ErrorIs(t, tx.RollbackTo(sp3), engine.ErrNoSavepoint, "sp3 went with sp2")
	require.ErrorIs(t, tx.Release(sp2), engine.ErrNoSavepoint)
	require.NoError(t, tx.RollbackTo(sp1))
	assert.Equal(t, d1, txDump(t, tx))
}

func TestTx_RollbackTo_Nested(t *testing.T) {
	ctx := context.Background()
	db := txSeeded(t)
	tx, err := db.Begin(ctx, engine.TxOptions{})
	require.NoError(t, err)
	defer tx.Rollback()

	step := 0
	write := func() {
		step++
		_, err := tx.Insert("tags", engine.Row{"id": 100 + step, "label": fmt.Sprint("step ", step)})
		require.NoError(t, err)
		_, err = tx.Update("authors", 1, engine.Row{"age": 100 + step})
		require.NoError(t, err)
	}
	sp1, err := tx.Savepoint()
	require.NoError(t, err)
	d1 := txDump(t, tx)
	write()
	sp2, err := tx.Savepoint()
	require.NoError(t, err)
	d2 := txDump(t, tx)
	write()
	sp3, err := tx.Savepoint()
	require.NoError(t, err)
	d3 := txDump(t, tx)
	write()

	require.NoError(t, tx.RollbackTo(sp3))
	assert.Equal(t, d3, txDump(t, tx))
	require.NoError(t, tx.RollbackTo(sp2))
	assert.Equal(t, d2, txDump(t, tx))
	require.ErrorIs(t, tx.RollbackTo(sp3), engine.ErrNoSavepoint, "sp3 was discarded by rolling back to sp2")
	assert.Equal(t, d2, txDump(t, tx), "a refused RollbackTo changes nothing")

	write()
	require.NoError(t, tx.RollbackTo(sp1))
	assert.Equal(t, d1, txDump(t, tx))
	require.ErrorIs(t, tx.RollbackTo(sp2), engine.ErrNoSavepoint)

	// A newer savepoint does not resurrect a discarded one.
	write()
	sp4, err := tx.Savepoint()
	require.NoError(t, err)
	d4 := txDump(t, tx)
	write()
	require.ErrorIs(t, tx.RollbackTo(sp2), engine.ErrNoSavepoint)
	require.ErrorIs(t, tx.RollbackTo(sp3), engine.ErrNoSavepoint)
	require.NoError(t, tx.RollbackTo(sp4))
	assert.Equal(t, d4, txDump(t, tx))

	// Savepoints of another transaction, or the zero Savepoint, are refused.
	other, err := db.Begin(ctx, engine.TxOptions{})
	require.NoError(t, err)
	defer other.Rollback()
	osp, err := other.Savepoint()
	require.NoError(t, err)
	require.ErrorIs(t, tx.RollbackTo(osp), engine.ErrNoSavepoint)
	require.ErrorIs(t, tx.RollbackTo(engine.Savepoint{}), engine.ErrNoSavepoint)
	require.ErrorIs(t, other.RollbackTo(sp1), engine.ErrNoSavepoint)
	assert.Equal(t, d4, txDump(t, tx))

	require.NoError(t, tx.RollbackTo(sp1))
	assert.Equal(t, d1, txDump(t, tx))
	require.NoError(t, tx.Commit())
	assert.Equal(t, d1, txDumpDB(t, db))
	require.ErrorIs(t, tx.RollbackTo(sp1), engine.ErrTxDone)
}

// TestDB_Update_RollbackToInside ensures savepoints work inside Update: only
// the writes that survive the last RollbackTo are committed.
func TestDB_Update_RollbackToInside(t *testing.T) {
	ctx := context.Background()
	db := txSeeded(t)
	var want string
	err := db.Update(ctx, func(tx *engine.Tx) error {
		if _, err := tx.Insert("tags", engine.Row{"id": 3, "label": "kept"}); err != nil {
			return err
		}
		sp, err := tx.Savepoint()
		if err != nil {
			return err
		}
		if _, err := tx.Insert("tags", engine.Row{"id": 4, "label": "undone"}); err != nil {
			return err
		}
		if err := tx.Delete("authors", 1); err != nil {
			return err
		}
		if err := tx.RollbackTo(sp); err != nil {
			return err
		}
		if _, err := tx.Update("authors", 2, engine.Row{"age": 59}); err != nil {
			return err
		}
		want = txDump(t, tx)
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, want, txDumpDB(t, db))
	require.NoError(t, db.View(ctx, func(tx *engine.Tx) error {
		_, err := tx.Get("tags", 4)
		assert.ErrorIs(t, err, engine.ErrNotFound)
		_, err = tx.Get("authors", 1)
		assert.NoError(t, err)
		return nil
	}))
}

// TestTx_CreateTable_Versioned ensures schema changes are transactional: a
// table created or dropped by an uncommitted transaction, or by one that
// committed after another began, is invisible to that other transaction.
func TestTx_CreateTable_Versioned(t *testing.T) {
	db := txSeeded(t)
	series := engine.Table{Name: "series", Columns: []engine.Column{
		{Name: "id", Type: engine.Int}, {Name: "title", Type: engine.Text},
	}, PrimaryKey: []string{"id"}}
	tableNames := func(tx *engine.Tx) []string {
		tables, err := tx.Tables()
		require.NoError(t, err)
		var names []string
		for _, tb := range tables {
			names = append(names, tb.Name)
		}
		return names
	}

	earlyRO := isoBegin(t, db, isoRO)
	earlyRW := isoBegin(t, db, isoRW)
	creator := isoBegin(t, db, isoRW)
	require.NoError(t, creator.CreateTable(series))
	_, err := creator.Insert("series", engine.Row{"id": 1, "title": "Earthsea"})
	require.NoError(t, err)
	require.NoError(t, creator.DropTable("tags"))

	uncommitted := isoBegin(t, db, isoRO)
	_, err = uncommitted.Get("series", 1)
	require.ErrorIs(t, err, engine.ErrNoTable, "an uncommitted CreateTable is invisible")
	require.NoError(t, creator.Commit())

	for name, tx := range map[string]*engine.Tx{"read-only": earlyRO, "read-write": earlyRW, "began before commit": uncommitted} {
		_, err := tx.Get("series", 1)
		assert.ErrorIs(t, err, engine.ErrNoTable, name)
		_, err = tx.Query("series").All()
		assert.ErrorIs(t, err, engine.ErrNoTable, name)
		_, err = tx.Table("series")
		assert.ErrorIs(t, err, engine.ErrNoTable, name)
		assert.Equal(t, []string{"authors", "tags"}, tableNames(tx), name)
		n, err := tx.Query("tags").Count()
		assert.NoError(t, err, "%s still sees the dropped table", name)
		assert.Equal(t, 2, n, name)
	}
	_, err = earlyRW.Insert("series", engine.Row{"id": 2})
	assert.ErrorIs(t, err, engine.ErrNoTable)

	late := isoBegin(t, db, isoRO)
	r, err := late.Get("series", 1)
	require.NoError(t, err)
	assert.Equal(t, "Earthsea", r.Get("title"))
	_, err = late.Get("tags", 1)
	assert.ErrorIs(t, err, engine.ErrNoTable)
	assert.Equal(t, []string{"authors", "series"}, tableNames(late))
}

// TestTx_CreateTable_ConcurrentSameName ensures two transactions creating a
// table of the same name cannot both commit.
func TestTx_CreateTable_ConcurrentSameName(t *testing.T) {
	db := txSeeded(t)
	t1 := isoBegin(t, db, isoRW)
	t2 := isoBegin(t, db, isoRW)
	mk := func(col string) engine.Table {
		return engine.Table{Name: "series", Columns: []engine.Column{{Name: col, Type: engine.Int}}, PrimaryKey: []string{col}}
	}
	require.NoError(t, t1.CreateTable(mk("a")))
	require.NoError(t, t2.CreateTable(mk("b")))
	require.NoError(t, t1.Commit())
	isoRequireConflict(t, t2.Commit())
	require.NoError(t, db.View(context.Background(), func(tx *engine.Tx) error {
		tb, err := tx.Table("series")
		require.NoError(t, err)
		assert.Equal(t, "a", tb.Columns[0].Name)
		return nil
	}))
}

// TestTx_CreateIndex_ConcurrentInsert ensures an index build and a
// concurrent insert into the same table cannot both commit, whichever
// commits first, so the index never misses a row.
func TestTx_CreateIndex_ConcurrentInsert(t *testing.T) {
	ctx := context.Background()
	for _, first := range []string{"insert", "index"} {
		t.Run(first+" commits first", func(t *testing.T) {
			db := txSeeded(t)
			indexer := isoBegin(t, db, isoRW)
			inserter := isoBegin(t, db, isoRW)
			require.NoError(t, indexer.CreateIndex("authors", engine.Index{Name: "authors_name", Columns: []string{"name"}}))
			_, err := inserter.Insert("authors", engine.Row{"id": 4, "name": "Jemisin"})
			require.NoError(t, err)

			winner, loser := inserter, indexer
			if first == "index" {
				winner, loser = indexer, inserter
			}
			require.NoError(t, winner.Commit())
			isoRequireConflict(t, loser.Commit())

			// The loser retries and succeeds; every row is then indexed.
			err = db.Update(ctx, func(tx *engine.Tx) error {
				if first == "index" {
					_, err := tx.Insert("authors", engine.Row{"id": 4, "name": "Jemisin"})
					return err
				}
				return tx.CreateIndex("authors", engine.Index{Name: "authors_name", Columns: []string{"name"}})
			})
			require.NoError(t, err)
			require.NoError(t, db.View(ctx, func(tx *engine.Tx) error {
				q := tx.Query("authors").Where(engine.Eq("name", "Jemisin"))
				ex, err := q.Explain()
				require.NoError(t, err)
				assert.Contains(t, ex, "authors_name")
				n, err := q.Count()
				require.NoError(t, err)
				assert.Equal(t, 1, n)
				return nil
			}))
			require.NoError(t, db.Check())
		})
	}
}

// TestTx_CreateIndex_SeesOwnWrites ensures an index created in a
// transaction covers the rows that transaction inserted, updated and
// deleted before, and a unique index refuses duplicates among them.
func TestTx_CreateIndex_SeesOwnWrites(t *testing.T) {
	ctx := context.Background()
	db := txSeeded(t)
	tx, err := db.Begin(ctx, engine.TxOptions{})
	require.NoError(t, err)
	defer tx.Rollback()
	_, err = tx.Insert("authors", engine.Row{"id": 4, "name": "Jemisin"})
	require.NoError(t, err)
	_, err = tx.Insert("authors", engine.Row{"id": 5, "name": "Jemisin"})
	require.NoError(t, err)
	_, err = tx.Update("authors", 1, engine.Row{"name": "Jemisin"})
	require.NoError(t, err)
	require.NoError(t, tx.Delete("authors", 5))

	before := txDump(t, tx)
	err = tx.CreateIndex("authors", engine.Index{Name: "authors_name_key", Columns: []string{"name"}, Unique: true})
	require.ErrorIs(t, err, engine.ErrUnique, "rows 1 and 4 share a name")
	assert.Equal(t, before, txDump(t, tx))

	require.NoError(t, tx.CreateIndex("authors", engine.Index{Name: "authors_name", Columns: []string{"name"}}))
	q := func() *engine.Query { return tx.Query("authors").Where(engine.Eq("name", "Jemisin")) }
	ex, err := q().Explain()
	require.NoError(t, err)
	require.Contains(t, ex, "authors_name")
	assert.Equal(t, []int64{1, 4}, isoIDs(t, q()))
	// The new index is maintained by later writes of the same transaction.
	_, err = tx.Insert("authors", engine.Row{"id": 6, "name": "Jemisin"})
	require.NoError(t, err)
	require.NoError(t, tx.Delete("authors", 1))
	assert.Equal(t, []int64{4, 6}, isoIDs(t, q()))
	require.NoError(t, tx.Commit())
	require.NoError(t, db.View(ctx, func(tx *engine.Tx) error {
		assert.Equal(t, []int64{4, 6}, isoIDs(t, tx.Query("authors").Where(engine.Eq("name", "Jemisin"))))
		return nil
	}))
}

// TestDB_Begin_CancelledContext ensures Begin, View and Update refuse a
// context that is already done, with its error, and run nothing.
func TestDB_Begin_CancelledContext(t *testing.T) {
	db := txSeeded(t)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel2()
	for _, tc := range []struct {
		ctx  context.Context
		want error
	}{{cancelled, context.Canceled}, {expired, context.DeadlineExceeded}} {
		tx, err := db.Begin(tc.ctx, engine.TxOptions{})
		require.ErrorIs(t, err, tc.want)
		assert.Nil(t, tx)
		_, err = db.Begin(tc.ctx, engine.TxOptions{ReadOnly: true})
		require.ErrorIs(t, err, tc.want)
		ran := false
		err = db.View(tc.ctx, func(*engine.Tx) error { ran = true; return nil })
		require.ErrorIs(t, err, tc.want)
		err = db.Update(tc.ctx, func(*engine.Tx) error { ran = true; return nil })
		require.ErrorIs(t, err, tc.want)
		assert.False(t, ran)
	}
}

// TestTx_Commit_CancelledContext ensures Commit after the transaction's
// context is done returns the context's error, writes nothing and ends the
// transaction; Update whose context is cancelled by fn does the same.
func TestTx_Commit_CancelledContext(t *testing.T) {
	db := txSeeded(t)
	before := txDumpDB(t, db)
	ctx, cancel := context.WithCancel(context.Background())
	tx, err := db.Begin(ctx, engine.TxOptions{})
	require.NoError(t, err)
	_, err = tx.Insert("tags", engine.Row{"id": 3, "label": "horror"})
	require.NoError(t, err)
	require.NoError(t, tx.Delete("authors", 1))
	cancel()
	require.ErrorIs(t, tx.Commit(), context.Canceled)
	assert.Equal(t, before, txDumpDB(t, db))
	require.ErrorIs(t, tx.Commit(), engine.ErrTxDone)
	_, err = tx.Get("tags", 1)
	require.ErrorIs(t, err, engine.ErrTxDone)
	require.NoError(t, tx.Rollback())

	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	runs := 0
	err = db.Update(ctx, func(tx *engine.Tx) error {
		runs++
		if _, err := tx.Insert("tags", engine.Row{"id": 3, "label": "horror"}); err != nil {
			return err
		}
		cancel()
		return nil
	})
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 1, runs)
	assert.Equal(t, before, txDumpDB(t, db))
}

// TestTx_Savepoint_ReadOnly ensures a read-only transaction may take and roll back to savepoints, as PostgreSQL allows in a READ ONLY transaction.
func TestTx_Savepoint_ReadOnly(t *testing.T) {
	db := seedUniqueItems(t, 1)
	require.NoError(t, db.View(bg, func(tx *engine.Tx) error {
		sp, err := tx.Savepoint()
		if err != nil {
			return err
		}
		return tx.RollbackTo(sp)
	}))
}

// TestTx_ConcurrentUse_Busy ensures a write statement or Commit on a Tx
// while another goroutine's statement runs fails with ErrTxBusy before it
// writes anything, and the Tx works again once that statement ends;
// statements that nest (Upsert, CreateManyToMany) are not mistaken for
// concurrent use.
func TestTx_ConcurrentUse_Busy(t *testing.T) {
	ctx := context.Background()
	db := txSeeded(t)
	tx, err := db.Begin(ctx, engine.TxOptions{})
	require.NoError(t, err)
	defer tx.Rollback()
	release, err := engine.EnterStatement(tx) // another goroutine's statement
	require.NoError(t, err)
	_, err = tx.Insert("tags", engine.Row{"id": 50, "label": "busy"})
	require.ErrorIs(t, err, engine.ErrTxBusy)
	require.ErrorIs(t, tx.Delete("tags", 1), engine.ErrTxBusy)
	require.ErrorIs(t, tx.CreateTable(engine.Table{Name: "x", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}}}), engine.ErrTxBusy)
	require.ErrorIs(t, tx.Commit(), engine.ErrTxBusy)
	release()
	_, err = tx.Upsert("tags", engine.Row{"id": 50, "label": "free"})
	require.NoError(t, err, "Upsert nests Insert: not concurrent use")
	require.NoError(t, tx.Commit())
	require.NoError(t, db.View(ctx, func(tx *engine.Tx) error {
		r, err := tx.Get("tags", 50)
		if err == nil {
			assert.Equal(t, "free", r.Get("label"))
		}
		return err
	}))
}

// TestTx_KeptRecord_DoesNotPinCommits ensures a Record kept from a write
// transaction does not keep every later commit's write set alive: the heap
// stays flat over thousands of later commits.
func TestTx_KeptRecord_DoesNotPinCommits(t *testing.T) {
	if testing.Short() {
		t.Skip("commits 20,000 transactions")
	}
	ctx := context.Background()
	db := txSeeded(t)
	var kept engine.Record
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		var err error
		kept, err = tx.Insert("tags", engine.Row{"id": 1000, "label": "kept"})
		return err
	}))
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	commits := func(n int) {
		for i := range n {
			require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
				_, err := tx.Upsert("tags", engine.Row{"id": 2000, "label": strings.Repeat("x", 512) + fmt.Sprint(i)})
				return err
			}))
		}
	}
	commits(1000) // warm up pools and trees
	before := heap()
	commits(20000)
	after := heap()
	assert.Equal(t, "kept", kept.Get("label"))
	// 20,000 write sets of over 512 bytes each would be more than 10 MB.
	assert.Less(t, int64(after)-int64(before), int64(4<<20), "heap grew from %d to %d bytes", before, after)
}

// A failed log write has PostgreSQL's SQLSTATE for a failed write:
// disk_full when the disk is full, io_error otherwise.
func TestSQLState_LogFailed(t *testing.T) {
	assert.Equal(t, "53100", engine.SQLState(fmt.Errorf("commit: %w: %w", engine.ErrLogFailed, syscall.ENOSPC)))
	assert.Equal(t, "58030", engine.SQLState(fmt.Errorf("commit: %w: %w", engine.ErrLogFailed, syscall.EFBIG)))
	assert.Equal(t, "", engine.SQLState(syscall.ENOSPC), "a write error that is not the log's")
}
