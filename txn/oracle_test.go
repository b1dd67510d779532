package txn

import (
	"errors"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/index"
)

// TestOracle_NewOracle_Empty: an oracle made from no trees starts at version
// 0 with no trees, and trees can be created in it.
func TestOracle_NewOracle_Empty(t *testing.T) {
	o := NewOracle(nil)
	snap := o.Latest()
	assert.Equal(t, uint64(0), snap.Version())
	n := 0
	snap.Trees(func(TreeID, *index.Tree) { n++ })
	assert.Zero(t, n)

	tx := o.Begin(ReadWrite)
	tx.CreateTree(treeA)
	put(tx, treeA, 1, "x")
	require.Equal(t, uint64(1), commit(t, tx))
	assert.Equal(t, map[int64]any{1: "x"}, latest(o, treeA))
}

// TestSnapshot_Trees: Trees visits every tree of the snapshot once, and Tree
// returns the same trees.
func TestSnapshot_Trees(t *testing.T) {
	o := newOracle(1)
	got := map[TreeID]*index.Tree{}
	o.Latest().Trees(func(id TreeID, tr *index.Tree) {
		assert.NotContains(t, got, id)
		got[id] = tr
	})
	require.Len(t, got, 2)
	for id, tr := range got {
		assert.Same(t, o.Latest().Tree(id), tr)
	}
	assert.Nil(t, o.Latest().Tree(treeC))
}

// TestOracle_Begin_Snapshot: Begin takes the latest snapshot, and ReadOnly
// reports the mode asked for.
func TestOracle_Begin_Snapshot(t *testing.T) {
	o := newOracle()
	commitOps(t, o, keyOp{n: 1})
	for _, mode := range []Mode{ReadWrite, ReadOnly} {
		tx := o.Begin(mode)
		assert.Same(t, o.Latest(), tx.Snapshot())
		assert.Equal(t, mode == ReadOnly, tx.ReadOnly())
	}
}

// TestOracle_BeginInto_ResetsTxn: BeginInto makes a used, finished Txn a
// fresh transaction on the latest snapshot: live, with no reads, writes or
// private trees left from its previous life.
func TestOracle_BeginInto_ResetsTxn(t *testing.T) {
	o := newOracle(1)
	var tx Txn
	o.BeginInto(&tx, ReadWrite)
	get(&tx, treeA, 5)
	put(&tx, treeA, 1, "first")
	commit(t, &tx)

	o.BeginInto(&tx, ReadWrite)
	assert.False(t, tx.ReadOnly())
	assert.Same(t, o.Latest(), tx.Snapshot())
	assert.Zero(t, tx.Writes())
	assert.Nil(t, tx.reads)
	assert.Nil(t, tx.local)
	put(&tx, treeA, 6, "second")
	commitOps(t, o, keyOp{n: 5}) // the key the first life read
	require.Equal(t, uint64(3), commit(t, &tx), "no reads carried over")
	assert.Equal(t, map[int64]any{1: "first", 5: "other", 6: "second"}, latest(o, treeA))

	tx.Abort()
	o.BeginInto(&tx, ReadOnly)
	assert.True(t, tx.ReadOnly())
	v, ok := get(&tx, treeA, 6)
	assert.True(t, ok)
	assert.Equal(t, "second", v)
	assert.Panics(t, func() { put(&tx, treeA, 7, 7) })
}

// TestOracle_Latest_VersionPerWritingCommit: every commit that wrote
// something bumps the version by exactly one, rebased or not; commits that
// wrote nothing, and failed commits, leave it and the snapshot alone.
func TestOracle_Latest_VersionPerWritingCommit(t *testing.T) {
	o := newOracle(1)
	steps := []struct {
		name        string
		run         func(t *testing.T) (uint64, error)
		wantVersion uint64 // Latest's version afterwards
		wantReturn  uint64
	}{
		{"put", func(t *testing.T) (uint64, error) {
			tx := o.Begin(ReadWrite)
			put(tx, treeA, 2, 2)
			return tx.Commit()
		}, 1, 1},
		{"read-only", func(t *testing.T) (uint64, error) {
			tx := o.Begin(ReadOnly)
			get(tx, treeA, 1)
			return tx.Commit()
		}, 1, 1},
		{"writer that only read", func(t *testing.T) (uint64, error) {
			tx := o.Begin(ReadWrite)
			get(tx, treeA, 1)
			scanKeys(tx, treeA, nil, nil, false, 0)
			return tx.Commit()
		}, 1, 1},
		{"delete of a missing key", func(t *testing.T) (uint64, error) {
			tx := o.Begin(ReadWrite)
			tx.Delete(treeA, k(99))
			return tx.Commit()
		}, 1, 1},
		{"everything rolled back", func(t *testing.T) (uint64, error) {
			tx := o.Begin(ReadWrite)
			put(tx, treeA, 3, 3)
			tx.CreateTree(treeC)
			tx.RollbackTo(0)
			return tx.Commit()
		}, 1, 1},
		{"delete", func(t *testing.T) (uint64, error) {
			tx := o.Begin(ReadWrite)
			tx.Delete(treeA, k(2))
			return tx.Commit()
		}, 2, 2},
		{"create tree", func(t *testing.T) (uint64, error) {
			tx := o.Begin(ReadWrite)
			tx.CreateTree(treeC)
			return tx.Commit()
		}, 3, 3},
		{"rebased over two commits", func(t *testing.T) (uint64, error) {
			tx := o.Begin(ReadWrite)
			put(tx, treeB, 1, 1)
			commitOps(t, o, keyOp{n: 10})
			commitOps(t, o, keyOp{n: 11})
			return tx.Commit()
		}, 6, 6},
		{"empty writer behind two commits returns its snapshot's version", func(t *testing.T) (uint64, error) {
			tx := o.Begin(ReadWrite)
			get(tx, treeA, 10)
			commitOps(t, o, keyOp{n: 10})
			commitOps(t, o, keyOp{n: 11})
			return tx.Commit()
		}, 8, 6},
	}
	for _, s := range steps {
		before := o.Latest()
		v, err := s.run(t)
		require.NoError(t, err, s.name)
		assert.Equal(t, s.wantReturn, v, s.name)
		assert.Equal(t, s.wantVersion, o.Latest().Version(), s.name)
		if s.wantVersion == before.Version() {
			assert.Same(t, before, o.Latest(), "%s: no new snapshot", s.name)
		}
	}

	tx := o.Begin(ReadWrite)
	put(tx, treeA, 12, 12)
	commitOps(t, o, keyOp{n: 12})
	before := o.Latest()
	_, err := tx.Commit()
	require.ErrorIs(t, err, ErrConflict)
	assert.Same(t, before, o.Latest(), "a failed commit publishes nothing")
	assert.Equal(t, uint64(9), o.Latest().Version())
}

// TestConflictError_Error: a ConflictError is ErrConflict for errors.Is,
// keeps its fields through wrapping, and its message names them.
func TestConflictError_Error(t *testing.T) {
	var err error = &ConflictError{Tree: 7, Key: []byte{0xab}, Version: 42}
	wrapped := errors.Join(errors.New("commit"), err)
	require.ErrorIs(t, wrapped, ErrConflict)
	var ce *ConflictError
	require.ErrorAs(t, wrapped, &ce)
	assert.Equal(t, TreeID(7), ce.Tree)
	assert.Equal(t, "reldb: serialization conflict: tree 7 key ab written by version 42", err.Error())
	assert.Equal(t, "reldb: serialization conflict", ErrConflict.Error())
}

// TestOracle_Commit_NoLostUpdates: concurrent read-modify-write increments
// that retry on ErrConflict never lose an update: the counters sum to the
// number of successful commits, which is also the version.
func TestOracle_Commit_NoLostUpdates(t *testing.T) {
	const workers, perWorker, counters = 8, 150, 6
	a := index.NewTree()
	for i := range counters {
		a.Put(index.Entry{Key: k(i), Val: box(0)})
	}
	// treeB holds one key per worker, written now and then, so that some
	// commits rebase over others that touched a different tree.
	o := NewOracle(map[TreeID]*index.Tree{treeA: a, treeB: index.NewTree()})

	var commits, conflicts atomic.Int64
	var wg sync.WaitGroup
	start := make(chan struct{})
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for i := 0; i < perWorker; {
				n := rng.IntN(counters)
				tx := o.Begin(ReadWrite)
				e, ok := tx.Get(treeA, k(n))
				if !assert.True(t, ok) {
					return
				}
				runtime.Gosched() // let others commit between read and write
				tx.Put(treeA, index.Entry{Key: k(n), Val: box(unbox(e).(int) + 1)})
				if i%10 == 0 {
					tx.Put(treeB, index.Entry{Key: k(w), Val: box(i)})
				}
				_, err := tx.Commit()
				switch {
				case err == nil:
					commits.Add(1)
					i++
				case errors.Is(err, ErrConflict):
					conflicts.Add(1)
				default:
					assert.NoError(t, err)
					return
				}
			}
		}()
	}
	close(start)
	wg.Wait()

	require.Equal(t, int64(workers*perWorker), commits.Load())
	sum := 0
	for _, v := range latest(o, treeA) {
		sum += v.(int)
	}
	assert.Equal(t, workers*perWorker, sum)
	assert.Equal(t, uint64(workers*perWorker), o.Latest().Version())
	assert.Len(t, latest(o, treeB), workers)
	t.Logf("%d commits, %d conflicts retried", commits.Load(), conflicts.Load())
}

// TestOracle_Latest_ReadersSeeConsistentSnapshots: while writers move amounts
// between accounts (the total stays constant), every reader's snapshot, read
// by scans either way or by point reads, sums to the total, and snapshot
// versions never go backwards.
func TestOracle_Latest_ReadersSeeConsistentSnapshots(t *testing.T) {
	const writers, readers, moves, accounts, initial = 4, 4, 150, 8, 100
	a := index.NewTree()
	for i := range accounts {
		a.Put(index.Entry{Key: k(i), Val: box(initial)})
	}
	o := NewOracle(map[TreeID]*index.Tree{treeA: a})
	const total = accounts * initial

	start, done := make(chan struct{}), make(chan struct{})
	var wwg, rwg sync.WaitGroup
	for w := range writers {
		wwg.Add(1)
		go func() {
			defer wwg.Done()
			<-start
			rng := rand.New(rand.NewPCG(uint64(w), 2))
			for i := 0; i < moves; {
				from, to := rng.IntN(accounts), rng.IntN(accounts)
				amount := rng.IntN(10)
				tx := o.Begin(ReadWrite)
				f, _ := tx.Get(treeA, k(from))
				runtime.Gosched()
				tx.Put(treeA, index.Entry{Key: k(from), Val: box(unbox(f).(int) - amount)})
				g, _ := tx.Get(treeA, k(to)) // sees the put above when from == to
				tx.Put(treeA, index.Entry{Key: k(to), Val: box(unbox(g).(int) + amount)})
				_, err := tx.Commit()
				if err == nil {
					i++
				} else if !assert.ErrorIs(t, err, ErrConflict) {
					return
				}
			}
		}()
	}
	var reads atomic.Int64
	for r := range readers {
		rwg.Add(1)
		go func() {
			defer rwg.Done()
			<-start
			var last uint64
			for i := 0; ; i++ {
				select {
				case <-done:
					if i > 0 {
						return
					}
				default:
				}
				tx := o.Begin(Mode(r % 2)) // half read-only, half writers that only read
				v := tx.Snapshot().Version()
				if !assert.GreaterOrEqual(t, v, last, "versions go backwards") {
					return
				}
				last = v
				asc, desc, points := 0, 0, 0
				tx.Scan(treeA, nil, nil, false, func(e index.Entry) bool { asc += unbox(e).(int); return true })
				tx.Scan(treeA, nil, nil, true, func(e index.Entry) bool { desc += unbox(e).(int); return true })
				for n := range accounts {
					e, _ := tx.Get(treeA, k(n))
					points += unbox(e).(int)
				}
				_, err := tx.Commit()
				ok := assert.NoError(t, err) &&
					assert.Equal(t, total, asc, "ascending scan at version %d", v) &&
					assert.Equal(t, total, desc, "descending scan at version %d", v) &&
					assert.Equal(t, total, points, "point reads at version %d", v)
				if !ok {
					return
				}
				reads.Add(1)
			}
		}()
	}
	close(start)
	wwg.Wait()
	close(done)
	rwg.Wait()

	assert.Equal(t, uint64(writers*moves), o.Latest().Version())
	sum := 0
	for _, v := range latest(o, treeA) {
		sum += v.(int)
	}
	assert.Equal(t, total, sum)
	t.Logf("%d consistent reads", reads.Load())
}

// TestTxn_CommitWith_Hook: the hook sees the version, the written keys and
// the trees as published, in commit order; a hook error publishes nothing.
func TestTxn_CommitWith_Hook(t *testing.T) {
	o := newOracle(1)
	base := o.Latest()

	// Two writers on one snapshot: the second is re-applied on the first.
	t1, t2 := o.Begin(ReadWrite), o.Begin(ReadWrite)
	put(t1, treeA, 10, "a")
	put(t2, treeB, 20, "b")
	put(t2, treeB, 21, "c")
	t2.Delete(treeB, k(21))
	var seen []uint64
	hook := func(c *Changes) error {
		seen = append(seen, c.Version)
		n := 0
		c.Each(func(id TreeID, whole bool, keys [][]byte) {
			assert.False(t, whole)
			for _, kk := range keys {
				_, found := c.Tree(id).Get(kk)
				assert.Equal(t, !bytesEqual(kk, k(21)), found, "final state of %x", kk)
				n++
			}
		})
		assert.Positive(t, n)
		return nil
	}
	_, err := t1.CommitWith(hook)
	require.NoError(t, err)
	v, err := t2.CommitWith(hook)
	require.NoError(t, err)
	assert.Equal(t, []uint64{base.Version() + 1, base.Version() + 2}, seen)
	assert.Equal(t, v, o.Latest().Version())

	// A failing hook publishes nothing.
	t3 := o.Begin(ReadWrite)
	put(t3, treeA, 30, "x")
	boom := errors.New("boom")
	_, err = t3.CommitWith(func(*Changes) error { return boom })
	require.ErrorIs(t, err, boom)
	assert.Equal(t, v, o.Latest().Version())
	_, found := o.Latest().Tree(treeA).Get(k(30))
	assert.False(t, found)

	// A commit that wrote nothing calls no hook.
	t4 := o.Begin(ReadWrite)
	_, err = t4.CommitWith(func(*Changes) error { t.Fatal("hook called"); return nil })
	require.NoError(t, err)
}

// TestOracle_NewOracleAt: versions continue from the one given.
func TestOracle_NewOracleAt(t *testing.T) {
	o := NewOracleAt(41, nil)
	assert.Equal(t, uint64(41), o.Latest().Version())
	tx := o.Begin(ReadWrite)
	tx.CreateTree(treeA)
	assert.Equal(t, uint64(42), commit(t, tx))
}

// TestOracle_NewOracleFrom_Independent: an oracle forked from a snapshot
// starts at its version and trees, with the replaced ones swapped in, and
// commits on either side are invisible to the other, even when both
// write the same keys of the same shared tree at once.
func TestOracle_NewOracleFrom_Independent(t *testing.T) {
	src := newOracle(1, 2)
	c := index.NewTree()
	c.Put(index.Entry{Key: k(9), Val: box(9)})
	fork := NewOracleFrom(src.Latest(), map[TreeID]*index.Tree{treeB: nil, treeC: c})
	assert.Equal(t, src.Latest().Version(), fork.Latest().Version())
	assert.Nil(t, fork.Latest().Tree(treeB))
	assert.Equal(t, map[int64]any{9: 9}, latest(fork, treeC))
	assert.NotNil(t, src.Latest().Tree(treeB), "the source keeps the tree the fork removed")

	var wg sync.WaitGroup
	for _, o := range []*Oracle{src, fork} {
		wg.Go(func() {
			for i := range 200 {
				tx := o.Begin(ReadWrite)
				put(tx, treeA, i%5, o == fork)
				if _, err := tx.Commit(); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	for _, o := range []*Oracle{src, fork} {
		want := o == fork
		assert.Equal(t, map[int64]any{0: want, 1: want, 2: want, 3: want, 4: want}, latest(o, treeA))
	}
}

func bytesEqual(a, b []byte) bool { return string(a) == string(b) }

// TestTxn_SnapshotIsolation: under snapshot isolation a transaction fails
// only for a write-write conflict or a changed integrity read; write skew
// commits (as PostgreSQL's REPEATABLE READ allows), where serializable
// transactions refuse it.
func TestTxn_SnapshotIsolation(t *testing.T) {
	skew := func(iso Isolation) (error, error) {
		o := newOracle(1, 2)
		a, b := o.Begin(ReadWrite), o.Begin(ReadWrite)
		a.SetIsolation(iso)
		b.SetIsolation(iso)
		get(a, treeA, 1)
		put(a, treeA, 2, "a")
		get(b, treeA, 2)
		put(b, treeA, 1, "b")
		_, errA := a.Commit()
		_, errB := b.Commit()
		return errA, errB
	}
	errA, errB := skew(SnapshotIsolation)
	assert.NoError(t, errA)
	assert.NoError(t, errB, "write skew commits under snapshot isolation")
	errA, errB = skew(Serializable)
	assert.NoError(t, errA)
	assert.ErrorIs(t, errB, ErrConflict, "and not under serializable")

	// Two writes of one key: the second committer fails.
	o := newOracle(1)
	a, b := o.Begin(ReadWrite), o.Begin(ReadWrite)
	a.SetIsolation(SnapshotIsolation)
	b.SetIsolation(SnapshotIsolation)
	put(a, treeA, 1, "a")
	put(b, treeA, 1, "b")
	commit(t, a)
	_, err := b.Commit()
	assert.ErrorIs(t, err, ErrConflict)

	// An integrity read that a later commit changed fails the commit; the
	// same read outside EnterIntegrity does not.
	for _, integrity := range []bool{true, false} {
		o := newOracle(1)
		c := o.Begin(ReadWrite)
		c.SetIsolation(SnapshotIsolation)
		if integrity {
			c.EnterIntegrity()
		}
		get(c, treeA, 1)
		scanKeys(c, treeA, nil, nil, false, 0)
		if integrity {
			c.LeaveIntegrity()
		}
		put(c, treeB, 1, "child")
		d := o.Begin(ReadWrite)
		_, ok := d.Delete(treeA, k(1))
		require.True(t, ok)
		commit(t, d)
		_, err := c.Commit()
		if integrity {
			assert.ErrorIs(t, err, ErrConflict)
		} else {
			assert.NoError(t, err)
		}
	}
}

// TestTxn_Refresh: a refresh shows the transaction what committed since
// it began, keeping its own writes; it fails, changing nothing, if a
// commit it skips wrote what it wrote or read; and after it the commit
// validates only against later commits.
func TestTxn_Refresh(t *testing.T) {
	o := newOracle(1, 2, 3)
	a := o.Begin(ReadWrite)
	a.SetIsolation(SnapshotIsolation)
	put(a, treeA, 1, "mine")
	get(a, treeA, 2) // not validated under snapshot isolation
	other := o.Begin(ReadWrite)
	put(other, treeA, 2, "theirs")
	put(other, treeA, 4, "new")
	commit(t, other)
	v, _ := get(a, treeA, 4)
	assert.Nil(t, v, "before the refresh, a sees its snapshot")
	require.NoError(t, a.Refresh())
	v, _ = get(a, treeA, 4)
	assert.Equal(t, "new", v)
	v, _ = get(a, treeA, 1)
	assert.Equal(t, "mine", v)
	commit(t, a)
	assert.Equal(t, map[int64]any{1: "mine", 2: "theirs", 3: 3, 4: "new"}, latest(o, treeA))

	// A skipped commit that wrote a key this one wrote: conflict, and the
	// transaction is as it was.
	b := o.Begin(ReadWrite)
	b.SetIsolation(SnapshotIsolation)
	put(b, treeA, 3, "b")
	c := o.Begin(ReadWrite)
	put(c, treeA, 3, "c")
	commit(t, c)
	assert.ErrorIs(t, b.Refresh(), ErrConflict)
	v, _ = get(b, treeA, 3)
	assert.Equal(t, "b", v)
	b.Abort()

	// Serializable: a read the skipped commit changed is a conflict too.
	s := o.Begin(ReadWrite)
	get(s, treeA, 1)
	put(s, treeB, 1, "x")
	w := o.Begin(ReadWrite)
	put(w, treeA, 1, "changed")
	commit(t, w)
	assert.ErrorIs(t, s.Refresh(), ErrConflict)
	s.Abort()

	// After a refresh, only later commits are validated against.
	r := o.Begin(ReadWrite)
	r.SetIsolation(SnapshotIsolation)
	put(r, treeA, 7, "r")
	w = o.Begin(ReadWrite)
	put(w, treeA, 8, "w")
	commit(t, w)
	require.NoError(t, r.Refresh())
	rollbackMark := r.Mark()
	put(r, treeA, 8, "r8")
	r.RollbackTo(rollbackMark)
	v, _ = get(r, treeA, 8)
	assert.Equal(t, "w", v, "a rollback after the refresh restores the refreshed value")
	commit(t, r)
	assert.Equal(t, "r", latest(o, treeA)[7])
	assert.Equal(t, "w", latest(o, treeA)[8])
}
