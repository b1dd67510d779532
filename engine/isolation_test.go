package engine_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/engine/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// isoAccounts declares accounts(id int pk, owner text UNIQUE, balance int
// NOT NULL) with a secondary index on balance, so range filters on balance
// read an index range rather than the whole table.
func isoAccounts() engine.Table {
	return engine.Table{
		Name: "accounts",
		Columns: []engine.Column{
			{Name: "id", Type: engine.Int},
			{Name: "owner", Type: engine.Text},
			{Name: "balance", Type: engine.Int, NotNull: true},
		},
		PrimaryKey: []string{"id"},
		Indexes: []engine.Index{
			{Name: "accounts_balance", Columns: []string{"balance"}},
			{Name: "accounts_owner", Columns: []string{"owner"}, Unique: true},
		},
	}
}

// isoDoctors declares doctors(id int pk, name text, on_call bool NOT NULL).
func isoDoctors() engine.Table {
	return engine.Table{
		Name: "doctors",
		Columns: []engine.Column{
			{Name: "id", Type: engine.Int},
			{Name: "name", Type: engine.Text},
			{Name: "on_call", Type: engine.Bool, NotNull: true},
		},
		PrimaryKey: []string{"id"},
	}
}

// isoSeeded opens a database holding accounts 1..4 with balances 5, 20, 30
// and 100, and doctors alice (1) and bob (2), both on call.
func isoSeeded(t *testing.T, opts engine.Options) *engine.DB {
	t.Helper()
	db := testutil.OpenDBWith(t, opts, isoAccounts(), isoDoctors())
	err := db.Update(context.Background(), func(tx *engine.Tx) error {
		for _, r := range []engine.Row{
			{"id": 1, "owner": "ann", "balance": 5},
			{"id": 2, "owner": "bea", "balance": 20},
			{"id": 3, "owner": "cal", "balance": 30},
			{"id": 4, "owner": "dan", "balance": 100},
		} {
			if _, err := tx.Insert("accounts", r); err != nil {
				return err
			}
		}
		for _, r := range []engine.Row{
			{"id": 1, "name": "alice", "on_call": true},
			{"id": 2, "name": "bob", "on_call": true},
		} {
			if _, err := tx.Insert("doctors", r); err != nil {
				return err
			}
		}
		return nil
	})
	require.NoError(t, err)
	return db
}

// isoBegin begins an explicit transaction that the test's cleanup rolls back.
func isoBegin(t *testing.T, db *engine.DB, opts engine.TxOptions) *engine.Tx {
	t.Helper()
	tx, err := db.Begin(context.Background(), opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = tx.Rollback() })
	return tx
}

var (
	isoRW = engine.TxOptions{}
	isoRO = engine.TxOptions{ReadOnly: true}
)

// isoRequireConflict asserts err is a serialization failure: errors.Is
// ErrConflict, and a *ConstraintError carrying SQLSTATE 40001. It returns
// the ConstraintError.
func isoRequireConflict(t *testing.T, err error) *engine.ConstraintError {
	t.Helper()
	require.ErrorIs(t, err, engine.ErrConflict)
	var ce *engine.ConstraintError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "40001", ce.SQLState)
	assert.ErrorIs(t, ce.Kind, engine.ErrConflict)
	assert.Equal(t, "40001", engine.SQLState(err))
	return ce
}

// isoBalance returns account id's balance as tx sees it.
func isoBalance(t *testing.T, tx *engine.Tx, id int) int64 {
	t.Helper()
	r, err := tx.Get("accounts", id)
	require.NoError(t, err)
	return r.Get("balance").(int64)
}

// isoIDs runs q as it is and returns the primary keys of its rows, sorted.
func isoIDs(t *testing.T, q *engine.Query) []int64 {
	t.Helper()
	rs, err := q.All()
	require.NoError(t, err)
	ids := []int64{}
	for _, r := range rs {
		ids = append(ids, r.ID().(int64))
	}
	slices.Sort(ids)
	return ids
}

// isoView returns account id's latest committed balance.
func isoView(t *testing.T, db *engine.DB, id int) (balance int64, err error) {
	t.Helper()
	err = db.View(context.Background(), func(tx *engine.Tx) error {
		r, err := tx.Get("accounts", id)
		if err != nil {
			return err
		}
		balance = r.Get("balance").(int64)
		return nil
	})
	return balance, err
}

// TestDB_Begin_Snapshot ensures a transaction reads the state committed when
// it began: one that began before a commit sees none of it through Get,
// Query and Count, one that begins after sees all of it.
func TestDB_Begin_Snapshot(t *testing.T) {
	db := isoSeeded(t, engine.Options{})
	beforeRO := isoBegin(t, db, isoRO)
	beforeRW := isoBegin(t, db, isoRW)

	w := isoBegin(t, db, isoRW)
	_, err := w.Insert("accounts", engine.Row{"id": 5, "owner": "eve", "balance": 50})
	require.NoError(t, err)
	_, err = w.Update("accounts", 2, engine.Row{"balance": 21})
	require.NoError(t, err)
	require.NoError(t, w.Delete("accounts", 1))
	require.NoError(t, w.Commit())

	afterRO := isoBegin(t, db, isoRO)
	afterRW := isoBegin(t, db, isoRW)

	for name, tx := range map[string]*engine.Tx{"read-only": beforeRO, "read-write": beforeRW} {
		t.Run("began before/"+name, func(t *testing.T) {
			_, err := tx.Get("accounts", 5)
			assert.ErrorIs(t, err, engine.ErrNotFound)
			assert.Equal(t, int64(20), isoBalance(t, tx, 2))
			assert.Equal(t, int64(5), isoBalance(t, tx, 1))
			assert.Equal(t, []int64{1, 2, 3, 4}, isoIDs(t, tx.Query("accounts")))
			assert.Equal(t, []int64{2, 3, 4}, isoIDs(t, tx.Query("accounts").Where(engine.Gt("balance", 10))))
			n, err := tx.Query("accounts").Count()
			require.NoError(t, err)
			assert.Equal(t, 4, n)
			n, err = tx.Query("accounts").Where(engine.Eq("balance", 21)).Count()
			require.NoError(t, err)
			assert.Zero(t, n)
		})
	}
	for name, tx := range map[string]*engine.Tx{"read-only": afterRO, "read-write": afterRW} {
		t.Run("began after/"+name, func(t *testing.T) {
			assert.Equal(t, int64(50), isoBalance(t, tx, 5))
			assert.Equal(t, int64(21), isoBalance(t, tx, 2))
			_, err := tx.Get("accounts", 1)
			assert.ErrorIs(t, err, engine.ErrNotFound)
			assert.Equal(t, []int64{2, 3, 4, 5}, isoIDs(t, tx.Query("accounts")))
			assert.Equal(t, []int64{2, 3, 4, 5}, isoIDs(t, tx.Query("accounts").Where(engine.Gt("balance", 10))))
			n, err := tx.Query("accounts").Count()
			require.NoError(t, err)
			assert.Equal(t, 4, n)
			n, err = tx.Query("accounts").Where(engine.Eq("balance", 21)).Count()
			require.NoError(t, err)
			assert.Equal(t, 1, n)
		})
	}
	assert.Greater(t, afterRO.Version(), beforeRO.Version())
}

// TestTx_Commit_Isolation ensures each classic anomaly is impossible: every
// interleaving of explicit transactions either behaves as some serial order
// or fails one transaction with ErrConflict.
// accountByID is a prepared lookup, shared by every test's database.
var accountByID = engine.Prepare("accounts", engine.Eq("id", engine.Param(1)))

func TestTx_Commit_Isolation(t *testing.T) {
	ctx := context.Background()

	// Uncommitted writes are invisible to every other transaction, whether
	// it began before the writes, between them and the rollback, or is a View.
	t.Run("dirty read", func(t *testing.T) {
		db := isoSeeded(t, engine.Options{})
		early := isoBegin(t, db, isoRO)
		w := isoBegin(t, db, isoRW)
		_, err := w.Insert("accounts", engine.Row{"id": 5, "owner": "eve", "balance": 50})
		require.NoError(t, err)
		_, err = w.Update("accounts", 2, engine.Row{"balance": 99})
		require.NoError(t, err)
		require.NoError(t, w.Delete("accounts", 3))
		// The writer sees its own writes.
		assert.Equal(t, int64(99), isoBalance(t, w, 2))
		assert.Equal(t, []int64{1, 2, 4, 5}, isoIDs(t, w.Query("accounts")))

		lateRO := isoBegin(t, db, isoRO)
		lateRW := isoBegin(t, db, isoRW)
		for name, tx := range map[string]*engine.Tx{"early": early, "late read-only": lateRO, "late read-write": lateRW} {
			_, err := tx.Get("accounts", 5)
			assert.ErrorIs(t, err, engine.ErrNotFound, name)
			assert.Equal(t, int64(20), isoBalance(t, tx, 2), name)
			assert.Equal(t, int64(30), isoBalance(t, tx, 3), name)
			assert.Equal(t, []int64{2, 3, 4}, isoIDs(t, tx.Query("accounts").Where(engine.Gt("balance", 10))), name)
			n, err := tx.Query("accounts").Where(engine.Eq("balance", 99)).Count()
			require.NoError(t, err)
			assert.Zero(t, n, name)
		}
		got, err := isoView(t, db, 2)
		require.NoError(t, err)
		assert.Equal(t, int64(20), got)

		require.NoError(t, w.Rollback())
		_, err = isoView(t, db, 5)
		assert.ErrorIs(t, err, engine.ErrNotFound)
		got, err = isoView(t, db, 2)
		require.NoError(t, err)
		assert.Equal(t, int64(20), got)
	})

	// Reading the same row twice in one transaction gives the same answer
	// even when another transaction changes it and commits in between.
	t.Run("non-repeatable read", func(t *testing.T) {
		db := isoSeeded(t, engine.Options{})
		for _, opts := range []engine.TxOptions{isoRO, isoRW} {
			r := isoBegin(t, db, opts)
			first := isoBalance(t, r, 2)
			firstQ, err := r.Query("accounts").Where(engine.Eq("id", 2)).First()
			require.NoError(t, err)

			w := isoBegin(t, db, isoRW)
			_, err = w.Update("accounts", 2, engine.Row{"balance": first + 1000})
			require.NoError(t, err)
			require.NoError(t, w.Commit())

			assert.Equal(t, first, isoBalance(t, r, 2), "read-only=%v", opts.ReadOnly)
			againQ, err := r.Query("accounts").Where(engine.Eq("id", 2)).First()
			require.NoError(t, err)
			assert.Equal(t, firstQ.Row(), againQ.Row(), "read-only=%v", opts.ReadOnly)
			require.NoError(t, r.Rollback())

			got, err := isoView(t, db, 2)
			require.NoError(t, err)
			assert.Equal(t, first+1000, got)
		}
	})

	// T1 scans a range; T2 changes what the range holds and commits; T1 still
	// sees its snapshot, and its commit fails if the range changed. A T2 write
	// outside the scanned range does not conflict.
	t.Run("phantom", func(t *testing.T) {
		tests := []struct {
			name     string
			scan     func(tx *engine.Tx) *engine.Query
			other    func(tx *engine.Tx) error
			conflict bool
			wantIDs  []int64 // accounts after both transactions
		}{
			{
				name:    "insert into scanned index range",
				wantIDs: []int64{1, 2, 3, 4, 10},
				scan: func(tx *engine.Tx) *engine.Query {
					return tx.Query("accounts").Where(engine.Gt("balance", 10))
				},
				other: func(tx *engine.Tx) error {
					_, err := tx.Insert("accounts", engine.Row{"id": 10, "owner": "phantom", "balance": 50})
					return err
				},
				conflict: true,
			},
			{
				name:    "insert outside scanned index range",
				wantIDs: []int64{1, 2, 3, 4, 10},
				scan: func(tx *engine.Tx) *engine.Query {
					return tx.Query("accounts").Where(engine.Gt("balance", 10))
				},
				other: func(tx *engine.Tx) error {
					_, err := tx.Insert("accounts", engine.Row{"id": 10, "owner": "poor", "balance": 1})
					return err
				},
			},
			{
				name:    "update moves a row into scanned range",
				wantIDs: []int64{1, 2, 3, 4},
				scan: func(tx *engine.Tx) *engine.Query {
					return tx.Query("accounts").Where(engine.Gt("balance", 10))
				},
				other: func(tx *engine.Tx) error {
					_, err := tx.Update("accounts", 1, engine.Row{"balance": 60})
					return err
				},
				conflict: true,
			},
			{
				name:    "update outside scanned range stays outside",
				wantIDs: []int64{1, 2, 3, 4},
				scan: func(tx *engine.Tx) *engine.Query {
					return tx.Query("accounts").Where(engine.Gt("balance", 10))
				},
				other: func(tx *engine.Tx) error {
					_, err := tx.Update("accounts", 1, engine.Row{"balance": 7})
					return err
				},
			},
			{
				name:    "delete from scanned range",
				wantIDs: []int64{1, 2, 3},
				scan: func(tx *engine.Tx) *engine.Query {
					return tx.Query("accounts").Where(engine.Gt("balance", 10))
				},
				other:    func(tx *engine.Tx) error { return tx.Delete("accounts", 4) },
				conflict: true,
			},
			{
				name:    "insert into scanned primary key range",
				wantIDs: []int64{1, 2, 3, 4, 10},
				scan: func(tx *engine.Tx) *engine.Query {
					return tx.Query("accounts").Where(engine.Ge("id", 2), engine.Lt("id", 20))
				},
				other: func(tx *engine.Tx) error {
					_, err := tx.Insert("accounts", engine.Row{"id": 10, "owner": "phantom", "balance": 1})
					return err
				},
				conflict: true,
			},
			{
				name:    "insert outside scanned primary key range",
				wantIDs: []int64{1, 2, 3, 4, 20},
				scan: func(tx *engine.Tx) *engine.Query {
					return tx.Query("accounts").Where(engine.Ge("id", 2), engine.Lt("id", 20))
				},
				other: func(tx *engine.Tx) error {
					_, err := tx.Insert("accounts", engine.Row{"id": 20, "owner": "outside", "balance": 50})
					return err
				},
			},
			{
				name:    "insert the key an equality lookup missed",
				wantIDs: []int64{1, 2, 3, 4, 10},
				scan: func(tx *engine.Tx) *engine.Query {
					return tx.Query("accounts").Where(engine.Eq("id", 10))
				},
				other: func(tx *engine.Tx) error {
					_, err := tx.Insert("accounts", engine.Row{"id": 10, "owner": "late", "balance": 1})
					return err
				},
				conflict: true,
			},
			{
				name:    "insert the key a prepared lookup missed",
				wantIDs: []int64{1, 2, 3, 4, 10},
				scan: func(tx *engine.Tx) *engine.Query {
					return tx.Bind(accountByID, 10)
				},
				other: func(tx *engine.Tx) error {
					_, err := tx.Insert("accounts", engine.Row{"id": 10, "owner": "late", "balance": 1})
					return err
				},
				conflict: true,
			},
			{
				name:    "insert the neighbour of the key an equality lookup missed",
				wantIDs: []int64{1, 2, 3, 4, 11},
				scan: func(tx *engine.Tx) *engine.Query {
					return tx.Query("accounts").Where(engine.Eq("id", 10))
				},
				other: func(tx *engine.Tx) error {
					_, err := tx.Insert("accounts", engine.Row{"id": 11, "owner": "late", "balance": 1})
					return err
				},
			},
			{
				name:    "insert above the top row read by a descending limit",
				wantIDs: []int64{1, 2, 3, 4, 10},
				scan: func(tx *engine.Tx) *engine.Query {
					return tx.Query("accounts").OrderBy("balance", engine.Desc).Limit(1)
				},
				other: func(tx *engine.Tx) error {
					_, err := tx.Insert("accounts", engine.Row{"id": 10, "owner": "richer", "balance": 200})
					return err
				},
				conflict: true,
			},
			{
				name:    "insert below the top row read by a descending limit",
				wantIDs: []int64{1, 2, 3, 4, 10},
				scan: func(tx *engine.Tx) *engine.Query {
					return tx.Query("accounts").OrderBy("balance", engine.Desc).Limit(1)
				},
				other: func(tx *engine.Tx) error {
					_, err := tx.Insert("accounts", engine.Row{"id": 10, "owner": "poorer", "balance": 50})
					return err
				},
			},
			{
				name:    "insert below the first row read by an ascending limit",
				wantIDs: []int64{1, 2, 3, 4, 10},
				scan: func(tx *engine.Tx) *engine.Query {
					return tx.Query("accounts").OrderBy("balance", engine.Asc).Limit(2)
				},
				other: func(tx *engine.Tx) error {
					_, err := tx.Insert("accounts", engine.Row{"id": 10, "owner": "poorest", "balance": 1})
					return err
				},
				conflict: true,
			},
			{
				name:    "insert past the rows read by an ascending limit",
				wantIDs: []int64{1, 2, 3, 4, 10},
				scan: func(tx *engine.Tx) *engine.Query {
					return tx.Query("accounts").OrderBy("balance", engine.Asc).Limit(2)
				},
				other: func(tx *engine.Tx) error {
					_, err := tx.Insert("accounts", engine.Row{"id": 10, "owner": "middle", "balance": 25})
					return err
				},
			},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				db := isoSeeded(t, engine.Options{})
				t1 := isoBegin(t, db, isoRW)
				before := isoIDs(t, tc.scan(t1))

				t2 := isoBegin(t, db, isoRW)
				require.NoError(t, tc.other(t2))
				require.NoError(t, t2.Commit())

				assert.Equal(t, before, isoIDs(t, tc.scan(t1)), "T1 sees no phantom in its snapshot")
				_, err := t1.Update("accounts", 3, engine.Row{"balance": 31})
				require.NoError(t, err)
				err = t1.Commit()

				want := int64(31)
				if tc.conflict {
					ce := isoRequireConflict(t, err)
					assert.Equal(t, "accounts", ce.Table)
					want = 30
				} else {
					require.NoError(t, err)
				}
				got, err := isoView(t, db, 3)
				require.NoError(t, err)
				assert.Equal(t, want, got, "T1's write is published exactly when T1 commits")
				err = db.View(context.Background(), func(tx *engine.Tx) error {
					assert.Equal(t, tc.wantIDs, isoIDs(t, tx.Query("accounts")), "T2's write stays committed")
					return nil
				})
				require.NoError(t, err)
			})
		}
	})

	// Two transactions read-modify-write the same row: the second commit
	// conflicts instead of overwriting the first one's increment.
	t.Run("lost update", func(t *testing.T) {
		db := isoSeeded(t, engine.Options{})
		t1 := isoBegin(t, db, isoRW)
		t2 := isoBegin(t, db, isoRW)
		b1 := isoBalance(t, t1, 2)
		b2 := isoBalance(t, t2, 2)
		_, err := t1.Update("accounts", 2, engine.Row{"balance": b1 + 10})
		require.NoError(t, err)
		_, err = t2.Update("accounts", 2, engine.Row{"balance": b2 + 10})
		require.NoError(t, err)
		require.NoError(t, t1.Commit())
		ce := isoRequireConflict(t, t2.Commit())
		assert.Equal(t, "accounts", ce.Table, "the conflict names the table")
		assert.Contains(t, ce.Error(), "could not serialize access")
		assert.Contains(t, ce.Error(), `of table "accounts"`, "the message says where")
		got, err := isoView(t, db, 2)
		require.NoError(t, err)
		assert.Equal(t, int64(30), got)
		// The failed commit ended the loser.
		require.ErrorIs(t, t2.Commit(), engine.ErrTxDone)
		_, err = t2.Get("accounts", 2)
		require.ErrorIs(t, err, engine.ErrTxDone)
		require.NoError(t, t2.Rollback())

		// The loser retried from scratch applies its increment on top.
		err = db.Update(ctx, func(tx *engine.Tx) error {
			_, err := tx.Update("accounts", 2, engine.Row{"balance": isoBalance(t, tx, 2) + 10})
			return err
		})
		require.NoError(t, err)
		got, err = isoView(t, db, 2)
		require.NoError(t, err)
		assert.Equal(t, int64(40), got)
	})

	// Many goroutines increment one counter through DB.Update: retries on
	// conflict make every increment count exactly once.
	t.Run("lost update under concurrent Update", func(t *testing.T) {
		db := isoSeeded(t, engine.Options{Retry: engine.RetryPolicy{MaxAttempts: 1000}})
		const workers, perWorker = 8, 25
		var wg sync.WaitGroup
		start := make(chan struct{})
		for range workers {
			wg.Go(func() {
				<-start
				for range perWorker {
					err := db.Update(ctx, func(tx *engine.Tx) error {
						r, err := tx.Get("accounts", 2)
						if err != nil {
							return err
						}
						_, err = tx.Update("accounts", 2, engine.Row{"balance": r.Get("balance").(int64) + 1})
						return err
					})
					if !assert.NoError(t, err) {
						return
					}
				}
			})
		}
		close(start)
		wg.Wait()
		got, err := isoView(t, db, 2)
		require.NoError(t, err)
		assert.Equal(t, int64(20+workers*perWorker), got)
	})

	// Two transactions that each check a key is free and take it cannot
	// both commit: the unique index (or primary key) would hold a duplicate.
	t.Run("unique key race", func(t *testing.T) {
		insert := func(id int, owner any) func(tx *engine.Tx) error {
			return func(tx *engine.Tx) error {
				_, err := tx.Insert("accounts", engine.Row{"id": id, "owner": owner, "balance": 0})
				return err
			}
		}
		tests := []struct {
			name     string
			t1, t2   func(tx *engine.Tx) error
			conflict bool
		}{
			{"same owner", insert(10, "zed"), insert(11, "zed"), true},
			{"same primary key", insert(10, "zed"), insert(10, "yan"), true},
			{"owner taken by update", insert(10, "zed"), func(tx *engine.Tx) error {
				_, err := tx.Update("accounts", 2, engine.Row{"owner": "zed"})
				return err
			}, true},
			{"owner freed and taken", func(tx *engine.Tx) error {
				_, err := tx.Update("accounts", 1, engine.Row{"owner": "ann2"})
				return err
			}, insert(10, "ann2"), true},
			{"different owners", insert(10, "zed"), insert(11, "yan"), false},
			{"NULL owners are distinct", insert(10, nil), insert(11, nil), false},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				db := isoSeeded(t, engine.Options{})
				t1 := isoBegin(t, db, isoRW)
				t2 := isoBegin(t, db, isoRW)
				require.NoError(t, tc.t1(t1))
				require.NoError(t, tc.t2(t2))
				require.NoError(t, t1.Commit())
				err := t2.Commit()
				if tc.conflict {
					isoRequireConflict(t, err)
				} else {
					require.NoError(t, err)
				}
				// The cleanup's consistency check verifies the unique index.
				require.NoError(t, db.Check())
			})
		}
	})

	// Two doctors are on call; each of two transactions checks that both are
	// on call and takes a different one off. Serializable isolation refuses
	// one of them, so someone stays on call.
	t.Run("write skew", func(t *testing.T) {
		db := isoSeeded(t, engine.Options{})
		read := make(chan struct{}, 2)
		proceed := make(chan struct{})
		errs := make(chan error, 2)
		var wg sync.WaitGroup
		for _, me := range []int{1, 2} {
			tx := isoBegin(t, db, isoRW)
			wg.Go(func() {
				onCall := 0
				for _, id := range []int{1, 2} {
					r, err := tx.Get("doctors", id)
					if !assert.NoError(t, err) {
						errs <- err
						read <- struct{}{}
						return
					}
					if r.Get("on_call").(bool) {
						onCall++
					}
				}
				read <- struct{}{}
				<-proceed
				if onCall < 2 {
					errs <- errors.New("test: fewer than two doctors on call")
					return
				}
				if _, err := tx.Update("doctors", me, engine.Row{"on_call": false}); err != nil {
					errs <- err
					return
				}
				errs <- tx.Commit()
			})
		}
		<-read
		<-read // both have read both rows before either writes
		close(proceed)
		wg.Wait()
		close(errs)
		conflicts, commits := 0, 0
		for err := range errs {
			if err == nil {
				commits++
				continue
			}
			isoRequireConflict(t, err)
			conflicts++
		}
		assert.Equal(t, 1, commits)
		assert.Equal(t, 1, conflicts)
		err := db.View(ctx, func(tx *engine.Tx) error {
			n, err := tx.Query("doctors").Where(engine.Eq("on_call", true)).Count()
			require.NoError(t, err)
			assert.Equal(t, 1, n, "exactly one doctor is still on call")
			return nil
		})
		require.NoError(t, err)
	})

	// Two write transactions open at the same time on disjoint rows both
	// commit, whichever commits first, and both writes are visible afterwards.
	t.Run("disjoint writers", func(t *testing.T) {
		db := isoSeeded(t, engine.Options{})
		t1 := isoBegin(t, db, isoRW)
		t2 := isoBegin(t, db, isoRW)
		_, err := t1.Update("accounts", 1, engine.Row{"balance": isoBalance(t, t1, 1) + 1})
		require.NoError(t, err)
		_, err = t1.Insert("accounts", engine.Row{"id": 11, "owner": "t1", "balance": 11})
		require.NoError(t, err)
		_, err = t2.Update("accounts", 2, engine.Row{"balance": isoBalance(t, t2, 2) + 1})
		require.NoError(t, err)
		_, err = t2.Insert("accounts", engine.Row{"id": 12, "owner": "t2", "balance": 12})
		require.NoError(t, err)
		require.NoError(t, t2.Delete("doctors", 2))
		require.NoError(t, t1.Commit())
		require.NoError(t, t2.Commit())

		err = db.View(ctx, func(tx *engine.Tx) error {
			assert.Equal(t, int64(6), isoBalance(t, tx, 1))
			assert.Equal(t, int64(21), isoBalance(t, tx, 2))
			assert.Equal(t, []int64{1, 2, 3, 4, 11, 12}, isoIDs(t, tx.Query("accounts")))
			_, err := tx.Get("doctors", 2)
			assert.ErrorIs(t, err, engine.ErrNotFound)
			return nil
		})
		require.NoError(t, err)
	})

	// The same, with the two writers running and committing in parallel.
	t.Run("disjoint writers in parallel", func(t *testing.T) {
		db := isoSeeded(t, engine.Options{})
		const n = 4
		ready := make(chan struct{}, n)
		proceed := make(chan struct{})
		var wg sync.WaitGroup
		for i := 1; i <= n; i++ {
			tx := isoBegin(t, db, isoRW)
			wg.Go(func() {
				r, err := tx.Get("accounts", i)
				ready <- struct{}{}
				<-proceed
				if !assert.NoError(t, err) {
					return
				}
				if _, err := tx.Update("accounts", i, engine.Row{"balance": r.Get("balance").(int64) * 2}); !assert.NoError(t, err) {
					return
				}
				if _, err := tx.Insert("accounts", engine.Row{"id": 100 + i, "balance": i}); !assert.NoError(t, err) {
					return
				}
				assert.NoError(t, tx.Commit())
			})
		}
		for range n {
			<-ready
		}
		close(proceed)
		wg.Wait()
		err := db.View(ctx, func(tx *engine.Tx) error {
			for i, want := range []int64{10, 40, 60, 200} {
				assert.Equal(t, want, isoBalance(t, tx, i+1))
				assert.Equal(t, int64(i+1), isoBalance(t, tx, 101+i))
			}
			return nil
		})
		require.NoError(t, err)
	})

	// A read-only transaction cannot write: every write returns ErrReadOnly
	// and leaves nothing behind; it never conflicts, however much others
	// change what it read.
	t.Run("read-only", func(t *testing.T) {
		db := isoSeeded(t, engine.Options{})
		before := testutil.Dump(t, db)
		ro := isoBegin(t, db, isoRO)
		require.True(t, ro.ReadOnly())
		assert.Equal(t, int64(20), isoBalance(t, ro, 2))
		n, err := ro.Query("accounts").Where(engine.Gt("balance", 10)).Count()
		require.NoError(t, err)
		assert.Equal(t, 3, n)

		writes := map[string]func() error{
			"Insert": func() error {
				_, err := ro.Insert("accounts", engine.Row{"id": 9, "balance": 9})
				return err
			},
			"Update": func() error {
				_, err := ro.Update("accounts", 2, engine.Row{"balance": 0})
				return err
			},
			"Delete": func() error { return ro.Delete("accounts", 2) },
			"Upsert": func() error {
				_, err := ro.Upsert("accounts", engine.Row{"id": 2, "balance": 0})
				return err
			},
			"CreateTable": func() error {
				return ro.CreateTable(engine.Table{Name: "t", Columns: []engine.Column{{Name: "id", Type: engine.Int}}, PrimaryKey: []string{"id"}})
			},
			"DropTable": func() error { return ro.DropTable("doctors") },
			"CreateIndex": func() error {
				return ro.CreateIndex("accounts", engine.Index{Name: "accounts_owner", Columns: []string{"owner"}})
			},
			"DropIndex": func() error { return ro.DropIndex("accounts", "accounts_balance") },
		}
		for name, write := range writes {
			assert.ErrorIs(t, write(), engine.ErrReadOnly, name)
		}
		// Nothing left behind, in the transaction or in the database.
		assert.Equal(t, int64(20), isoBalance(t, ro, 2))
		assert.Equal(t, []int64{1, 2, 3, 4}, isoIDs(t, ro.Query("accounts")))
		tables, err := ro.Tables()
		require.NoError(t, err)
		assert.Len(t, tables, 2)
		assert.Equal(t, before, testutil.Dump(t, db))

		// Another transaction rewrites everything ro read, then ro commits.
		err = db.Update(ctx, func(tx *engine.Tx) error {
			for id := 1; id <= 4; id++ {
				if _, err := tx.Update("accounts", id, engine.Row{"balance": 1000 + id}); err != nil {
					return err
				}
			}
			_, err := tx.Insert("accounts", engine.Row{"id": 50, "balance": 50})
			return err
		})
		require.NoError(t, err)
		assert.Equal(t, int64(20), isoBalance(t, ro, 2))
		require.NoError(t, ro.Commit(), "a read-only transaction never conflicts")

		// View is read-only too.
		err = db.View(ctx, func(tx *engine.Tx) error {
			assert.True(t, tx.ReadOnly())
			_, err := tx.Insert("accounts", engine.Row{"id": 9, "balance": 9})
			assert.ErrorIs(t, err, engine.ErrReadOnly)
			return nil
		})
		require.NoError(t, err)
		_, err = isoView(t, db, 9)
		assert.ErrorIs(t, err, engine.ErrNotFound)
	})
}

// TestUnique_FreedConcurrentlyIsNotAViolation ensures a value freed by a transaction that committed after this one's snapshot is not reported as a unique violation (PostgreSQL checks uniqueness against committed state: the insert succeeds; at worst a retryable 40001).
func TestUnique_FreedConcurrentlyIsNotAViolation(t *testing.T) {
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
			db := seedUniqueItems(t, 2)
			attempts := 0
			err := db.Update(bg, func(tx *engine.Tx) error {
				attempts++
				if attempts == 1 {
					// Another transaction frees the value after tx began.
					require.NoError(t, db.Update(bg, tc.free))
				}
				_, err := tx.Insert("items", tc.take)
				return err
			})
			assert.NoError(t, err, "after %d attempt(s)", attempts)
		})
	}
}

// Read set: a write tx that read a relation conflicts with a concurrent
// insert into it (lazy, seek prefetch, scan prefetch, through).
func TestTx_ReadSet_Traversal(t *testing.T) {
	for _, c := range []struct {
		name string
		read func(tx *engine.Tx)
	}{
		{"lazy", func(tx *engine.Tx) {
			a, _ := tx.Get("authors", 4)
			_, err := a.Related("books")
			require.NoError(t, err)
		}},
		{"seek", func(tx *engine.Tx) {
			_, err := tx.Query("authors").Where(engine.Eq("id", 4)).Prefetch("books").All()
			require.NoError(t, err)
		}},
		{"scan", func(tx *engine.Tx) {
			_, err := tx.Query("authors").Prefetch("books").All()
			require.NoError(t, err)
		}},
		{"peers", func(tx *engine.Tx) {
			tx.SetFetchMode(engine.FetchPeers)
			as, err := tx.Query("authors").All()
			require.NoError(t, err)
			for _, a := range as {
				_, err := a.Related("books")
				require.NoError(t, err)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := libraryDB(t, engine.Options{})
			tx, err := db.Begin(trCtx, engine.TxOptions{})
			require.NoError(t, err)
			defer tx.Rollback()
			c.read(tx)
			require.NoError(t, db.Update(trCtx, func(tx2 *engine.Tx) error {
				_, err := tx2.Insert("books", engine.Row{"id": 40, "author_id": 4, "title": "x"})
				return err
			}))
			_, err = tx.Insert("tags", engine.Row{"id": 9, "name": "z"})
			require.NoError(t, err)
			assert.ErrorIs(t, tx.Commit(), engine.ErrConflict)
		})
	}
}
