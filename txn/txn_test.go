package txn

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/index"
)

// Trees of the fixture built by newOracle; treeC does not exist in it.
const (
	treeA TreeID = 1
	treeB TreeID = 2
	treeC TreeID = 3
)

// k returns the key encoding the integer n; keys order like their integers.
func k(n int) []byte {
	b, err := index.AppendKey(nil, int64(n))
	if err != nil {
		panic(err)
	}
	return b
}

// dk decodes a key built by k.
func dk(b []byte) int64 {
	vals, err := index.DecodeKey(b)
	if err != nil || len(vals) != 1 {
		panic(fmt.Sprintf("bad test key %x: %v", b, err))
	}
	return vals[0].(int64)
}

// newOracle returns an oracle at version 0 holding treeA, with key n mapped
// to value n for each n in keys, and an empty treeB.
func newOracle(keys ...int) *Oracle {
	a := index.NewTree()
	for _, n := range keys {
		a.Put(index.Entry{Key: k(n), Val: box(n)})
	}
	return NewOracle(map[TreeID]*index.Tree{treeA: a, treeB: index.NewTree()})
}

// put stores v under k(n) in tree id.
func put(tx *Txn, id TreeID, n int, v any) (index.Entry, bool) {
	return tx.Put(id, index.Entry{Key: k(n), Val: box(v)})
}

// box and unbox hold a test's value in an entry as a row is held.
func box(v any) *[]any { return &[]any{v} }

func unbox(e index.Entry) any {
	if e.Val == nil {
		return nil
	}
	return (*e.Val)[0]
}

// get returns the value under k(n) in tree id as tx sees it.
func get(tx *Txn, id TreeID, n int) (any, bool) {
	e, ok := tx.Get(id, k(n))
	return unbox(e), ok
}

// commit commits tx and requires success.
func commit(t *testing.T, tx *Txn) uint64 {
	t.Helper()
	v, err := tx.Commit()
	require.NoError(t, err)
	return v
}

// requireConflict requires err to be a *ConflictError naming tree and key (a
// nil key: the whole tree) and returns it.
func requireConflict(t *testing.T, err error, tree TreeID, key []byte) *ConflictError {
	t.Helper()
	require.ErrorIs(t, err, ErrConflict)
	var ce *ConflictError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, tree, ce.Tree)
	if key == nil {
		assert.Nil(t, ce.Key)
	} else {
		assert.Equal(t, key, ce.Key)
	}
	return ce
}

// contents returns a tree's entries by decoded key, or nil for a nil tree. It
// reads the tree directly and records nothing.
func contents(tr *index.Tree) map[int64]any {
	if tr == nil {
		return nil
	}
	m := map[int64]any{}
	tr.Ascend(nil, nil, func(e index.Entry) bool {
		m[dk(e.Key)] = unbox(e)
		return true
	})
	return m
}

// view returns what tx sees in tree id, without recording a read.
func view(tx *Txn, id TreeID) map[int64]any { return contents(tx.view(id)) }

// latest returns tree id of o's latest snapshot.
func latest(o *Oracle, id TreeID) map[int64]any { return contents(o.Latest().Tree(id)) }

// scanKeys scans [lo, hi) of tree id and returns the keys visited; with
// limit > 0, fn returns false on the limit-th entry.
func scanKeys(tx *Txn, id TreeID, lo, hi []byte, reverse bool, limit int) []int64 {
	var got []int64
	tx.Scan(id, lo, hi, reverse, func(e index.Entry) bool {
		got = append(got, dk(e.Key))
		return limit <= 0 || len(got) < limit
	})
	return got
}

// kOpt returns k(n), or nil (an open bound) for nil.
func kOpt(n *int) []byte {
	if n == nil {
		return nil
	}
	return k(*n)
}

func ip(n int) *int { return &n }

// keyOp is one write another transaction commits: a put of k(n), or a delete.
type keyOp struct {
	n   int
	del bool
}

func (w keyOp) String() string {
	if w.del {
		return fmt.Sprintf("delete %d", w.n)
	}
	return fmt.Sprintf("put %d", w.n)
}

// commitOps commits ops to treeA in a fresh transaction.
func commitOps(t *testing.T, o *Oracle, ops ...keyOp) uint64 {
	t.Helper()
	tx := o.Begin(ReadWrite)
	for _, w := range ops {
		if w.del {
			_, ok := tx.Delete(treeA, k(w.n))
			require.True(t, ok, "delete of a missing key %d", w.n)
		} else {
			put(tx, treeA, w.n, "other")
		}
	}
	return commit(t, tx)
}

// TestTxn_Get_SnapshotIsolation: a transaction sees exactly the commits made
// before it began, through Get.
func TestTxn_Get_SnapshotIsolation(t *testing.T) {
	for _, mode := range []Mode{ReadWrite, ReadOnly} {
		t.Run(mode.String(), func(t *testing.T) {
			o := newOracle(1, 2)
			before := o.Begin(mode)

			w := o.Begin(ReadWrite)
			put(w, treeA, 1, "new")
			w.Delete(treeA, k(2))
			put(w, treeA, 3, "x")
			commit(t, w)

			after := o.Begin(mode)
			for _, c := range []struct {
				tx        *Txn
				n         int
				wantVal   any
				wantFound bool
			}{
				{before, 1, 1, true}, {before, 2, 2, true}, {before, 3, nil, false},
				{after, 1, "new", true}, {after, 2, nil, false}, {after, 3, "x", true},
			} {
				v, ok := get(c.tx, treeA, c.n)
				assert.Equal(t, c.wantFound, ok, "key %d", c.n)
				assert.Equal(t, c.wantVal, v, "key %d", c.n)
			}
		})
	}
}

// TestTxn_Scan_SnapshotIsolation: a transaction sees exactly the commits made
// before it began, through ascending and descending scans.
func TestTxn_Scan_SnapshotIsolation(t *testing.T) {
	o := newOracle(1, 2, 5)
	before := o.Begin(ReadOnly)
	beforeW := o.Begin(ReadWrite)

	w := o.Begin(ReadWrite)
	put(w, treeA, 3, "x")
	w.Delete(treeA, k(2))
	put(w, treeA, 5, "y")
	commit(t, w)
	after := o.Begin(ReadOnly)

	for _, tx := range []*Txn{before, beforeW} {
		assert.Equal(t, []int64{1, 2, 5}, scanKeys(tx, treeA, nil, nil, false, 0))
		assert.Equal(t, []int64{5, 2, 1}, scanKeys(tx, treeA, nil, nil, true, 0))
		assert.Equal(t, []int64{2}, scanKeys(tx, treeA, k(2), k(5), false, 0))
	}
	assert.Equal(t, []int64{1, 3, 5}, scanKeys(after, treeA, nil, nil, false, 0))
	assert.Equal(t, []int64{5, 3, 1}, scanKeys(after, treeA, nil, nil, true, 0))
	assert.Equal(t, map[int64]any{1: 1, 3: "x", 5: "y"}, view(after, treeA))
	assert.Equal(t, map[int64]any{1: 1, 2: 2, 5: 5}, view(before, treeA))
}

// TestTxn_Commit_ReadOnlyNeverConflicts: a read-only transaction records no
// reads and commits at its snapshot's version whatever was committed since.
func TestTxn_Commit_ReadOnlyNeverConflicts(t *testing.T) {
	o := newOracle(1, 2, 3)
	ro := o.Begin(ReadOnly)
	require.True(t, ro.ReadOnly())
	get(ro, treeA, 1)
	get(ro, treeC, 1)
	scanKeys(ro, treeA, nil, nil, false, 0)
	scanKeys(ro, treeA, nil, nil, true, 1)
	assert.Nil(t, ro.writer, "a read-only transaction has no read set")
	assert.Zero(t, ro.Writes())

	commitOps(t, o, keyOp{n: 1}, keyOp{n: 2, del: true}, keyOp{n: 9})

	v, err := ro.Commit()
	require.NoError(t, err)
	assert.Equal(t, uint64(0), v)
	assert.Equal(t, uint64(1), o.Latest().Version())
}

// TestTxn_Commit_PointReadConflict: a key read by Get and written by a later
// commit fails validation with a ConflictError naming the tree, key and
// winning version; nothing is published.
func TestTxn_Commit_PointReadConflict(t *testing.T) {
	tests := []struct {
		name  string
		read  int // key read by Get
		other keyOp
	}{
		{"read then overwritten", 1, keyOp{n: 1}},
		{"read then deleted", 1, keyOp{n: 1, del: true}},
		{"absent key then inserted", 7, keyOp{n: 7}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := newOracle(1, 2)
			tx := o.Begin(ReadWrite)
			get(tx, treeA, tc.read)
			put(tx, treeB, 1, "mine")
			require.Equal(t, uint64(1), commitOps(t, o, tc.other))
			before := o.Latest()

			_, err := tx.Commit()
			ce := requireConflict(t, err, treeA, k(tc.read))
			assert.Equal(t, uint64(1), ce.Version)
			assert.Same(t, before, o.Latest(), "a failed commit publishes nothing")
			assert.Empty(t, latest(o, treeB))
		})
	}
}

// TestTxn_Commit_ReadDisjointNoConflict: a point read of a key nobody wrote
// does not conflict with a commit writing a neighbouring key.
func TestTxn_Commit_ReadDisjointNoConflict(t *testing.T) {
	o := newOracle(1, 2, 3)
	tx := o.Begin(ReadWrite)
	get(tx, treeA, 2)
	put(tx, treeB, 1, "mine")
	commitOps(t, o, keyOp{n: 1}, keyOp{n: 3, del: true}, keyOp{n: 20})
	assert.Equal(t, uint64(2), commit(t, tx))
	assert.Equal(t, map[int64]any{1: "other", 2: 2, 20: "other"}, latest(o, treeA))
	assert.Equal(t, map[int64]any{1: "mine"}, latest(o, treeB))
}

// TestTxn_Commit_WriteWriteConflict: two transactions writing the same key
// cannot both commit, whether they put or delete it.
func TestTxn_Commit_WriteWriteConflict(t *testing.T) {
	for _, mine := range []keyOp{{n: 1}, {n: 1, del: true}} {
		for _, theirs := range []keyOp{{n: 1}, {n: 1, del: true}} {
			t.Run(mine.String()+"/"+theirs.String(), func(t *testing.T) {
				o := newOracle(1)
				tx := o.Begin(ReadWrite)
				if mine.del {
					_, ok := tx.Delete(treeA, k(1))
					require.True(t, ok)
				} else {
					put(tx, treeA, 1, "mine")
				}
				commitOps(t, o, theirs)
				want := latest(o, treeA)

				_, err := tx.Commit()
				requireConflict(t, err, treeA, k(1))
				assert.Equal(t, want, latest(o, treeA))
			})
		}
	}
}

// TestTxn_Commit_DisjointKeysRebase: writers of disjoint keys both commit;
// the later one's writes are re-applied on the latest trees, so the final
// snapshot holds both, and earlier snapshots are left untouched.
func TestTxn_Commit_DisjointKeysRebase(t *testing.T) {
	o := newOracle(1, 2, 3)
	v0 := o.Latest()

	t1 := o.Begin(ReadWrite)
	get(t1, treeA, 1)
	put(t1, treeA, 1, "t1")
	put(t1, treeA, 5, "t1")
	put(t1, treeB, 10, "t1")

	t2 := o.Begin(ReadWrite)
	get(t2, treeA, 2)
	put(t2, treeA, 2, "t2")
	t2.Delete(treeA, k(3))
	put(t2, treeA, 4, "t2")

	require.Equal(t, uint64(1), commit(t, t2))
	v1 := o.Latest()
	require.Equal(t, uint64(2), commit(t, t1))

	assert.Equal(t, map[int64]any{1: "t1", 2: "t2", 4: "t2", 5: "t1"}, latest(o, treeA))
	assert.Equal(t, map[int64]any{10: "t1"}, latest(o, treeB))
	assert.Equal(t, map[int64]any{1: 1, 2: "t2", 4: "t2"}, contents(v1.Tree(treeA)))
	assert.Empty(t, contents(v1.Tree(treeB)))
	assert.Equal(t, map[int64]any{1: 1, 2: 2, 3: 3}, contents(v0.Tree(treeA)))
	assert.Empty(t, contents(v0.Tree(treeB)))
}

// TestTxn_Commit_PublishesFrozenTrees ensures every tree a snapshot holds
// is frozen, whichever way it got there (the oracle's first trees, a
// commit's own trees, a rebase's fork of the latest), so that writers fork
// published trees instead of cloning them and nothing writes to a tree
// that readers share.
func TestTxn_Commit_PublishesFrozenTrees(t *testing.T) {
	o := newOracle(1, 2)
	frozen := func(s *Snapshot) {
		t.Helper()
		s.Trees(func(id TreeID, tr *index.Tree) {
			assert.True(t, tr.Frozen(), "version %d tree %d", s.Version(), id)
		})
	}
	frozen(o.Latest())

	t1, t2 := o.Begin(ReadWrite), o.Begin(ReadWrite)
	put(t1, treeA, 3, "t1")
	t1.CreateTree(treeC)
	put(t1, treeC, 1, "t1")
	put(t2, treeB, 4, "t2")
	commit(t, t1) // publishes its own trees
	frozen(o.Latest())
	commit(t, t2) // rebased: forks the latest treeB
	frozen(o.Latest())
	assert.Equal(t, map[int64]any{4: "t2"}, latest(o, treeB))
	assert.Equal(t, map[int64]any{1: 1, 2: 2, 3: "t1"}, latest(o, treeA))
}

func TestTxn_Scan_RangeConflicts(t *testing.T) {
	tests := []struct {
		name     string
		lo, hi   int
		other    keyOp
		conflict bool
	}{
		{"insert inside", 10, 20, keyOp{n: 12}, true},
		{"overwrite at lo", 10, 20, keyOp{n: 10}, true},
		{"overwrite last inside", 10, 20, keyOp{n: 19}, true},
		{"delete inside", 10, 20, keyOp{n: 15, del: true}, true},
		{"insert at hi", 10, 20, keyOp{n: 20}, false},
		{"insert below lo", 10, 20, keyOp{n: 9}, false},
		{"overwrite above", 10, 20, keyOp{n: 25}, false},
		{"delete above", 10, 20, keyOp{n: 25, del: true}, false},
		{"insert into empty range", 30, 40, keyOp{n: 35}, true},
		{"insert at hi of empty range", 30, 40, keyOp{n: 40}, false},
	}
	for _, reverse := range []bool{false, true} {
		for _, tc := range tests {
			t.Run(fmt.Sprintf("reverse=%v/%s", reverse, tc.name), func(t *testing.T) {
				o := newOracle(10, 15, 19, 25)
				tx := o.Begin(ReadWrite)
				scanKeys(tx, treeA, k(tc.lo), k(tc.hi), reverse, 0)
				put(tx, treeB, 1, "mine")
				commitOps(t, o, tc.other)

				_, err := tx.Commit()
				if tc.conflict {
					requireConflict(t, err, treeA, k(tc.other.n))
				} else {
					require.NoError(t, err)
					assert.Equal(t, map[int64]any{1: "mine"}, latest(o, treeB))
				}
			})
		}
	}
}

// TestTxn_Scan_AdjacentRanges: scans of ranges that meet, which the read
// set keeps as one, still conflict with a write anywhere in either and in
// no gap; an empty or backward range after another does not shrink it,
// and one before another does not swallow it.
func TestTxn_Scan_AdjacentRanges(t *testing.T) {
	tests := []struct {
		name     string
		scans    [][2]int // [lo, hi) each, in order; -1 is an open hi
		write    int
		conflict bool
	}{
		{"first of two", [][2]int{{10, 20}, {20, 30}}, 12, true},
		{"at the seam", [][2]int{{10, 20}, {20, 30}}, 20, true},
		{"second of two", [][2]int{{10, 20}, {20, 30}}, 29, true},
		{"past both", [][2]int{{10, 20}, {20, 30}}, 30, false},
		{"open second", [][2]int{{10, 20}, {20, -1}}, 1000, true},
		{"three in a row", [][2]int{{10, 20}, {20, 30}, {30, 40}}, 35, true},
		{"gap between", [][2]int{{10, 20}, {25, 30}}, 22, false},
		{"empty after", [][2]int{{10, 20}, {20, 20}}, 15, true},
		{"backward after", [][2]int{{10, 20}, {20, 15}}, 17, true},
		{"backward after, beyond", [][2]int{{10, 20}, {20, 15}}, 20, false},
		// A backward range [30, 15) reads nothing; the range after it
		// that starts at its end must not be folded into it.
		{"after a backward one", [][2]int{{30, 15}, {15, 25}}, 20, true},
		{"after an empty one", [][2]int{{15, 15}, {15, 25}}, 20, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := newOracle(10, 15, 20, 25, 30)
			tx := o.Begin(ReadWrite)
			for _, sc := range tc.scans {
				var hi []byte
				if sc[1] >= 0 {
					hi = k(sc[1])
				}
				scanKeys(tx, treeA, k(sc[0]), hi, false, 0)
			}
			put(tx, treeB, 1, "mine")
			commitOps(t, o, keyOp{n: tc.write})
			_, err := tx.Commit()
			if tc.conflict {
				requireConflict(t, err, treeA, k(tc.write))
			} else {
				require.NoError(t, err)
			}
		})
	}
}

// TestTxn_Scan_StoppedEarly: a scan that fn stops records only the part it
// visited, up to and including the stop key: a write beyond the stop key
// does not conflict, one in the visited part does.
func TestTxn_Scan_StoppedEarly(t *testing.T) {
	tests := []struct {
		name     string
		lo, hi   *int
		reverse  bool
		limit    int
		visited  []int64
		write    int
		conflict bool
	}{
		{"asc below the first key", nil, nil, false, 3, []int64{10, 20, 30}, 5, true},
		{"asc inside visited", nil, nil, false, 3, []int64{10, 20, 30}, 25, true},
		{"asc at stop key", nil, nil, false, 3, []int64{10, 20, 30}, 30, true},
		{"asc just after stop key", nil, nil, false, 3, []int64{10, 20, 30}, 31, false},
		{"asc after stop key", nil, nil, false, 3, []int64{10, 20, 30}, 40, false},
		{"asc past the end", nil, nil, false, 3, []int64{10, 20, 30}, 60, false},
		{"asc stop at first", nil, nil, false, 1, []int64{10}, 15, false},
		{"asc stop at first, at it", nil, nil, false, 1, []int64{10}, 10, true},
		{"asc bounded below lo", ip(15), ip(45), false, 2, []int64{20, 30}, 12, false},
		{"asc bounded at lo", ip(15), ip(45), false, 2, []int64{20, 30}, 15, true},
		{"asc bounded after stop", ip(15), ip(45), false, 2, []int64{20, 30}, 35, false},
		{"desc past the end", nil, nil, true, 3, []int64{50, 40, 30}, 60, true},
		{"desc inside visited", nil, nil, true, 3, []int64{50, 40, 30}, 45, true},
		{"desc at stop key", nil, nil, true, 3, []int64{50, 40, 30}, 30, true},
		{"desc just before stop key", nil, nil, true, 3, []int64{50, 40, 30}, 29, false},
		{"desc after stop key", nil, nil, true, 3, []int64{50, 40, 30}, 20, false},
		{"desc before start", nil, nil, true, 3, []int64{50, 40, 30}, 5, false},
		{"desc bounded at hi", ip(15), ip(45), true, 2, []int64{40, 30}, 45, false},
		{"desc bounded below hi", ip(15), ip(45), true, 2, []int64{40, 30}, 44, true},
		{"desc bounded after stop", ip(15), ip(45), true, 2, []int64{40, 30}, 20, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := newOracle(10, 20, 30, 40, 50)
			tx := o.Begin(ReadWrite)
			got := scanKeys(tx, treeA, kOpt(tc.lo), kOpt(tc.hi), tc.reverse, tc.limit)
			require.Equal(t, tc.visited, got)
			put(tx, treeB, 1, "mine")
			commitOps(t, o, keyOp{n: tc.write})

			_, err := tx.Commit()
			if tc.conflict {
				requireConflict(t, err, treeA, k(tc.write))
			} else {
				require.NoError(t, err)
			}
		})
	}
}

// TestTxn_Scan_RecordsWholeRangeWhenNotStopped: a scan that runs to its end
// covers [lo, hi) even beyond its last entry.
func TestTxn_Scan_RecordsWholeRangeWhenNotStopped(t *testing.T) {
	for _, reverse := range []bool{false, true} {
		t.Run(fmt.Sprintf("reverse=%v", reverse), func(t *testing.T) {
			o := newOracle(10, 20)
			tx := o.Begin(ReadWrite)
			// fn would stop on a third entry, but there is none.
			require.Len(t, scanKeys(tx, treeA, nil, nil, reverse, 3), 2)
			put(tx, treeB, 1, "mine")
			commitOps(t, o, keyOp{n: 1000})
			_, err := tx.Commit()
			requireConflict(t, err, treeA, k(1000))
		})
	}
}

// TestTxn_Commit_ReadOfDeletedKey: a key that was read, by Get or by a scan,
// and deleted by a later commit conflicts.
func TestTxn_Commit_ReadOfDeletedKey(t *testing.T) {
	reads := map[string]func(tx *Txn){
		"get":       func(tx *Txn) { get(tx, treeA, 2) },
		"scan":      func(tx *Txn) { scanKeys(tx, treeA, k(1), k(3), false, 0) },
		"scan desc": func(tx *Txn) { scanKeys(tx, treeA, k(1), k(3), true, 0) },
	}
	for name, read := range reads {
		t.Run(name, func(t *testing.T) {
			o := newOracle(1, 2, 3)
			tx := o.Begin(ReadWrite)
			read(tx)
			put(tx, treeA, 5, "mine")
			commitOps(t, o, keyOp{n: 2, del: true})
			_, err := tx.Commit()
			requireConflict(t, err, treeA, k(2))
			assert.Equal(t, map[int64]any{1: 1, 3: 3}, latest(o, treeA))
		})
	}
}

// TestTxn_Commit_ValidatesWholeChain: validation checks every commit made
// since the snapshot, not just the latest, and reports the version of the
// one that conflicts; without a conflict the writes land on top of all.
func TestTxn_Commit_ValidatesWholeChain(t *testing.T) {
	tests := []struct {
		name        string
		chain       []int // key each later commit writes, in order
		wantVersion uint64
	}{
		{"conflict in first", []int{1, 5, 6, 7}, 1},
		{"conflict in middle", []int{5, 6, 1, 7}, 3},
		{"conflict in last", []int{5, 6, 7, 1}, 4},
		{"no conflict", []int{5, 6, 7, 8}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := newOracle(1)
			tx := o.Begin(ReadWrite)
			get(tx, treeA, 1)
			put(tx, treeA, 2, "mine")
			for _, n := range tc.chain {
				commitOps(t, o, keyOp{n: n})
			}
			v, err := tx.Commit()
			if tc.wantVersion != 0 {
				ce := requireConflict(t, err, treeA, k(1))
				assert.Equal(t, tc.wantVersion, ce.Version)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, uint64(len(tc.chain)+1), v)
			assert.Equal(t, map[int64]any{1: 1, 2: "mine", 5: "other", 6: "other", 7: "other", 8: "other"},
				latest(o, treeA))
		})
	}
}

// TestTxn_Commit_WriteSkew: two transactions that each read what the other
// writes cannot both commit.
func TestTxn_Commit_WriteSkew(t *testing.T) {
	o := newOracle(1, 2)
	t1 := o.Begin(ReadWrite)
	t2 := o.Begin(ReadWrite)
	get(t1, treeA, 1)
	get(t1, treeA, 2)
	put(t1, treeA, 1, "t1")
	get(t2, treeA, 1)
	get(t2, treeA, 2)
	put(t2, treeA, 2, "t2")
	commit(t, t1)
	_, err := t2.Commit()
	requireConflict(t, err, treeA, k(1))
}

// TestTxn_Delete_MissingKeyIsRead: a Delete that finds nothing observed the
// key's absence, so a later commit inserting the key conflicts (otherwise
// two transactions could each miss the other's write: write skew).
func TestTxn_Delete_MissingKeyIsRead(t *testing.T) {
	o := newOracle()
	t1 := o.Begin(ReadWrite)
	t2 := o.Begin(ReadWrite)

	_, found := t1.Delete(treeA, k(5)) // t1 sees no 5
	require.False(t, found)
	put(t1, treeA, 6, "t1")

	_, ok := get(t2, treeA, 6) // t2 sees no 6
	require.False(t, ok)
	put(t2, treeA, 5, "t2")
	commit(t, t2)

	// Committing t1 would leave 5 and 6 both set, which neither serial order
	// produces (t2 then t1 deletes 5; t1 then t2 sees 6).
	_, err := t1.Commit()
	requireConflict(t, err, treeA, k(5))
}

// TestTxn_RollbackTo_UndoneWriteStaysRead: a Put or Delete undone by
// RollbackTo still observed the key's old entry, so a later commit writing
// that key conflicts, as for reads.
func TestTxn_RollbackTo_UndoneWriteStaysRead(t *testing.T) {
	writes := map[string]func(tx *Txn) bool{
		"put":    func(tx *Txn) bool { _, replaced := put(tx, treeA, 5, "t1"); return replaced },
		"delete": func(tx *Txn) bool { _, found := tx.Delete(treeA, k(5)); return found },
	}
	for name, write := range writes {
		t.Run(name, func(t *testing.T) {
			o := newOracle(5)
			t1 := o.Begin(ReadWrite)
			t2 := o.Begin(ReadWrite)

			m := t1.Mark()
			require.True(t, write(t1)) // t1 sees 5
			t1.RollbackTo(m)
			put(t1, treeA, 6, "t1")

			_, ok := get(t2, treeA, 6) // t2 sees no 6
			require.False(t, ok)
			_, found := t2.Delete(treeA, k(5))
			require.True(t, found)
			commit(t, t2)

			_, err := t1.Commit()
			requireConflict(t, err, treeA, k(5))
		})
	}
}

// TestTxn_CreateTree_VisibleToOwnTxnUntilCommit: a created tree is seen only
// by its creator until commit, then by transactions begun afterwards.
func TestTxn_CreateTree_VisibleToOwnTxnUntilCommit(t *testing.T) {
	o := newOracle()
	tx := o.Begin(ReadWrite)
	tx.CreateTree(treeC)
	put(tx, treeC, 1, "c")
	assert.True(t, tx.Exists(treeC))
	assert.Equal(t, 1, tx.Len(treeC))
	v, ok := get(tx, treeC, 1)
	assert.True(t, ok)
	assert.Equal(t, "c", v)

	other := o.Begin(ReadWrite)
	assert.False(t, other.Exists(treeC))
	assert.Zero(t, other.Len(treeC))
	assert.Nil(t, o.Latest().Tree(treeC))

	require.Equal(t, uint64(1), commit(t, tx))
	assert.False(t, other.Exists(treeC), "a transaction begun before the commit")
	_, ok = get(other, treeC, 1)
	assert.False(t, ok)
	assert.Equal(t, map[int64]any{1: "c"}, latest(o, treeC))
	assert.True(t, o.Begin(ReadOnly).Exists(treeC))
}

// TestTxn_DropTree_VisibleToOwnTxnUntilCommit: a dropped tree disappears for
// its dropper at once and for others at commit; older snapshots keep it.
func TestTxn_DropTree_VisibleToOwnTxnUntilCommit(t *testing.T) {
	o := newOracle(1, 2)
	v0 := o.Latest()
	tx := o.Begin(ReadWrite)
	tx.DropTree(treeA)
	assert.False(t, tx.Exists(treeA))
	assert.Zero(t, tx.Len(treeA))
	_, ok := get(tx, treeA, 1)
	assert.False(t, ok)
	assert.Empty(t, scanKeys(tx, treeA, nil, nil, false, 0))

	other := o.Begin(ReadOnly)
	require.Equal(t, uint64(1), commit(t, tx))
	assert.True(t, other.Exists(treeA))
	assert.Equal(t, map[int64]any{1: 1, 2: 2}, view(other, treeA))
	assert.Nil(t, o.Latest().Tree(treeA))
	assert.NotNil(t, o.Latest().Tree(treeB))
	assert.Equal(t, map[int64]any{1: 1, 2: 2}, contents(v0.Tree(treeA)))
}

// TestTxn_CreateTree_DropInSameTxn: creating then dropping a tree leaves no
// tree; dropping then re-creating one replaces its contents.
func TestTxn_CreateTree_DropInSameTxn(t *testing.T) {
	t.Run("create then drop", func(t *testing.T) {
		o := newOracle(1)
		tx := o.Begin(ReadWrite)
		tx.CreateTree(treeC)
		put(tx, treeC, 1, "c")
		tx.DropTree(treeC)
		assert.False(t, tx.Exists(treeC))
		commit(t, tx)
		assert.Nil(t, o.Latest().Tree(treeC))
		assert.Equal(t, map[int64]any{1: 1}, latest(o, treeA))
	})
	t.Run("drop then create", func(t *testing.T) {
		o := newOracle(1, 2)
		tx := o.Begin(ReadWrite)
		put(tx, treeA, 3, "before drop")
		tx.DropTree(treeA)
		tx.CreateTree(treeA)
		put(tx, treeA, 4, "new")
		commit(t, tx)
		assert.Equal(t, map[int64]any{4: "new"}, latest(o, treeA))
	})
}

// TestTxn_Commit_TreeCreatedOrDroppedConflicts: a tree created or dropped by
// one transaction conflicts with another that read or wrote that tree, and
// with nothing else.
func TestTxn_Commit_TreeCreatedOrDroppedConflicts(t *testing.T) {
	tests := []struct {
		name   string
		mine   func(tx *Txn) // always also writes treeB key 100
		theirs func(tx *Txn)
		tree   TreeID // tree in conflict, 0 for none
		wantA  map[int64]any
		wantC  bool // treeC exists after both commits
	}{
		{"get then dropped", func(tx *Txn) { get(tx, treeA, 9) }, func(tx *Txn) { tx.DropTree(treeA) }, treeA, nil, false},
		{"scan then dropped", func(tx *Txn) { scanKeys(tx, treeA, k(5), k(6), false, 0) }, func(tx *Txn) { tx.DropTree(treeA) }, treeA, nil, false},
		{"put then dropped", func(tx *Txn) { put(tx, treeA, 9, "mine") }, func(tx *Txn) { tx.DropTree(treeA) }, treeA, nil, false},
		{"get of missing tree then created", func(tx *Txn) { get(tx, treeC, 1) }, func(tx *Txn) { tx.CreateTree(treeC) }, treeC, nil, false},
		{"scan of missing tree then created", func(tx *Txn) { scanKeys(tx, treeC, nil, nil, false, 0) }, func(tx *Txn) { tx.CreateTree(treeC) }, treeC, nil, false},
		{"drop then written", func(tx *Txn) { tx.DropTree(treeA) }, func(tx *Txn) { put(tx, treeA, 9, "other") }, treeA, nil, false},
		{"drop then dropped", func(tx *Txn) { tx.DropTree(treeA) }, func(tx *Txn) { tx.DropTree(treeA) }, treeA, nil, false},
		{"create then created", func(tx *Txn) { tx.CreateTree(treeC) }, func(tx *Txn) { tx.CreateTree(treeC) }, treeC, nil, false},
		{"drop and recreate then written", func(tx *Txn) { tx.DropTree(treeA); tx.CreateTree(treeA) }, func(tx *Txn) { put(tx, treeA, 9, "other") }, treeA, nil, false},
		{"untouched tree dropped", func(tx *Txn) {}, func(tx *Txn) { tx.DropTree(treeA) }, 0, nil, false},
		{"create while other tree written", func(tx *Txn) { tx.CreateTree(treeC) }, func(tx *Txn) { put(tx, treeA, 9, "other") }, 0, map[int64]any{1: 1, 9: "other"}, true},
		{"drop while other tree created", func(tx *Txn) { tx.DropTree(treeA) }, func(tx *Txn) { tx.CreateTree(treeC) }, 0, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := newOracle(1)
			tx := o.Begin(ReadWrite)
			tc.mine(tx)
			put(tx, treeB, 100, "mine")
			other := o.Begin(ReadWrite)
			tc.theirs(other)
			commit(t, other)
			want := o.Latest()

			_, err := tx.Commit()
			if tc.tree != 0 {
				requireConflict(t, err, tc.tree, nil)
				assert.Same(t, want, o.Latest())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, map[int64]any{100: "mine"}, latest(o, treeB))
			assert.Equal(t, tc.wantA, latest(o, treeA))
			assert.Equal(t, tc.wantC, o.Latest().Tree(treeC) != nil)
		})
	}
}

// TestTxn_RollbackTo_UndoesWrites: RollbackTo restores the transaction's view
// to the mark — puts, overwrites, deletes, tree creates and drops — and the
// commit publishes exactly the state at the mark.
func TestTxn_RollbackTo_UndoesWrites(t *testing.T) {
	o := newOracle(1, 2, 3)
	tx := o.Begin(ReadWrite)
	put(tx, treeA, 4, 4)
	put(tx, treeB, 7, 7)
	wantA, wantB := view(tx, treeA), view(tx, treeB)
	m := tx.Mark()
	require.Equal(t, 2, m)

	put(tx, treeA, 1, "over")
	put(tx, treeA, 4, "over")
	tx.Delete(treeA, k(2))
	put(tx, treeA, 5, "new")
	tx.Delete(treeA, k(99))
	tx.CreateTree(treeC)
	put(tx, treeC, 1, "c")
	put(tx, treeB, 8, 8)
	tx.DropTree(treeB)
	require.Equal(t, map[int64]any{1: "over", 3: 3, 4: "over", 5: "new"}, view(tx, treeA))

	tx.RollbackTo(m)
	assert.Equal(t, m, tx.Writes())
	assert.Equal(t, wantA, view(tx, treeA))
	assert.Equal(t, wantB, view(tx, treeB))
	assert.False(t, tx.Exists(treeC))

	require.Equal(t, uint64(1), commit(t, tx))
	assert.Equal(t, map[int64]any{1: 1, 2: 2, 3: 3, 4: 4}, latest(o, treeA))
	assert.Equal(t, map[int64]any{7: 7}, latest(o, treeB))
	assert.Nil(t, o.Latest().Tree(treeC))
}

// TestTxn_RollbackTo_Nested: rolling back to an inner mark keeps what was
// written before it, and to an outer mark undoes both levels.
func TestTxn_RollbackTo_Nested(t *testing.T) {
	o := newOracle(1, 2)
	tx := o.Begin(ReadWrite)
	m0 := tx.Mark()
	put(tx, treeA, 10, 10)
	m1 := tx.Mark()
	put(tx, treeA, 11, 11)
	tx.Delete(treeA, k(1))
	m2 := tx.Mark()
	put(tx, treeA, 12, 12)
	put(tx, treeA, 10, "over")
	tx.Delete(treeA, k(11))

	tx.RollbackTo(m2)
	assert.Equal(t, map[int64]any{2: 2, 10: 10, 11: 11}, view(tx, treeA))
	put(tx, treeA, 13, 13)
	tx.RollbackTo(m2) // a mark can be used again
	assert.Equal(t, map[int64]any{2: 2, 10: 10, 11: 11}, view(tx, treeA))
	tx.RollbackTo(m1)
	assert.Equal(t, map[int64]any{1: 1, 2: 2, 10: 10}, view(tx, treeA))
	tx.RollbackTo(m0)
	assert.Equal(t, map[int64]any{1: 1, 2: 2}, view(tx, treeA))
	assert.Zero(t, tx.Writes())

	before := o.Latest()
	v, err := tx.Commit()
	require.NoError(t, err)
	assert.Equal(t, uint64(0), v, "a transaction rolled back to 0 writes nothing")
	assert.Same(t, before, o.Latest())
}

// TestTxn_RollbackTo_TreeOps: tree creates and drops are undone in order,
// restoring the writes made to a tree before it was dropped.
func TestTxn_RollbackTo_TreeOps(t *testing.T) {
	o := newOracle(1)
	tx := o.Begin(ReadWrite)
	put(tx, treeA, 7, 7)
	m1 := tx.Mark()
	tx.DropTree(treeA)
	m2 := tx.Mark()
	tx.CreateTree(treeA)
	put(tx, treeA, 8, 8)
	m3 := tx.Mark()
	tx.CreateTree(treeC)
	put(tx, treeC, 1, 1)
	tx.DropTree(treeC)

	tx.RollbackTo(m3)
	assert.False(t, tx.Exists(treeC))
	assert.Equal(t, map[int64]any{8: 8}, view(tx, treeA))
	tx.RollbackTo(m2)
	assert.False(t, tx.Exists(treeA))
	tx.RollbackTo(m1)
	assert.Equal(t, map[int64]any{1: 1, 7: 7}, view(tx, treeA))

	commit(t, tx)
	assert.Equal(t, map[int64]any{1: 1, 7: 7}, latest(o, treeA))
	assert.Nil(t, o.Latest().Tree(treeC))
}

// TestTxn_Writes_Count: Writes counts one undo record per Put, per Delete
// that found its key, and per tree create or drop.
func TestTxn_Writes_Count(t *testing.T) {
	o := newOracle(1)
	tx := o.Begin(ReadWrite)
	steps := []struct {
		name string
		op   func()
		want int
	}{
		{"put new", func() { put(tx, treeA, 2, 2) }, 1},
		{"put over", func() { put(tx, treeA, 2, "x") }, 2},
		{"delete found", func() { tx.Delete(treeA, k(1)) }, 3},
		{"delete missing", func() { tx.Delete(treeA, k(1)) }, 3},
		{"get", func() { get(tx, treeA, 2) }, 3},
		{"create tree", func() { tx.CreateTree(treeC) }, 4},
		{"drop tree", func() { tx.DropTree(treeC) }, 5},
		{"rollback", func() { tx.RollbackTo(1) }, 1},
	}
	for _, s := range steps {
		s.op()
		assert.Equal(t, s.want, tx.Writes(), s.name)
		assert.Equal(t, s.want, tx.Mark(), s.name)
	}
}

// TestTxn_Misuse_Panics: writes in a read-only transaction, any use of a
// finished one, and writes to missing trees are programming errors.
func TestTxn_Misuse_Panics(t *testing.T) {
	ops := map[string]func(tx *Txn){
		"Get":        func(tx *Txn) { get(tx, treeA, 1) },
		"Scan":       func(tx *Txn) { scanKeys(tx, treeA, nil, nil, false, 0) },
		"Put":        func(tx *Txn) { put(tx, treeA, 1, 1) },
		"Delete":     func(tx *Txn) { tx.Delete(treeA, k(1)) },
		"CreateTree": func(tx *Txn) { tx.CreateTree(treeC) },
		"DropTree":   func(tx *Txn) { tx.DropTree(treeA) },
		"RollbackTo": func(tx *Txn) { tx.RollbackTo(0) },
		"Commit":     func(tx *Txn) { _, _ = tx.Commit() },
	}
	ends := map[string]func(t *testing.T, o *Oracle) *Txn{
		"committed": func(t *testing.T, o *Oracle) *Txn {
			tx := o.Begin(ReadWrite)
			put(tx, treeA, 1, 1)
			commit(t, tx)
			return tx
		},
		"committed empty": func(t *testing.T, o *Oracle) *Txn {
			tx := o.Begin(ReadWrite)
			commit(t, tx)
			return tx
		},
		"committed read-only": func(t *testing.T, o *Oracle) *Txn {
			tx := o.Begin(ReadOnly)
			commit(t, tx)
			return tx
		},
		"aborted": func(t *testing.T, o *Oracle) *Txn {
			tx := o.Begin(ReadWrite)
			put(tx, treeA, 1, 1)
			tx.Abort()
			return tx
		},
		"conflicted": func(t *testing.T, o *Oracle) *Txn {
			tx := o.Begin(ReadWrite)
			put(tx, treeA, 1, 1)
			commitOps(t, o, keyOp{n: 1})
			_, err := tx.Commit()
			require.ErrorIs(t, err, ErrConflict)
			return tx
		},
	}
	for end, finish := range ends {
		for name, op := range ops {
			t.Run(end+"/"+name, func(t *testing.T) {
				tx := finish(t, newOracle(1))
				assert.Panics(t, func() { op(tx) })
				assert.NotPanics(t, tx.Abort, "Abort of a finished transaction does nothing")
			})
		}
	}
	for _, name := range []string{"Put", "Delete", "CreateTree", "DropTree"} {
		t.Run("read-only/"+name, func(t *testing.T) {
			o := newOracle(1)
			tx := o.Begin(ReadOnly)
			assert.Panics(t, func() { ops[name](tx) })
			assert.Nil(t, tx.writer, "a refused write leaves nothing behind")
			assert.Zero(t, tx.Writes())
		})
	}
	others := map[string]func(tx *Txn){
		"put to missing tree":       func(tx *Txn) { put(tx, treeC, 1, 1) },
		"delete from missing tree":  func(tx *Txn) { tx.Delete(treeC, k(1)) },
		"put to dropped tree":       func(tx *Txn) { tx.DropTree(treeA); put(tx, treeA, 1, 1) },
		"create of existing tree":   func(tx *Txn) { tx.CreateTree(treeA) },
		"drop of missing tree":      func(tx *Txn) { tx.DropTree(treeC) },
		"drop of dropped tree":      func(tx *Txn) { tx.DropTree(treeA); tx.DropTree(treeA) },
		"rollback to negative mark": func(tx *Txn) { tx.RollbackTo(-1) },
		"rollback past the log":     func(tx *Txn) { put(tx, treeA, 1, 1); tx.RollbackTo(2) },
		"rollback to a dropped mark": func(tx *Txn) {
			put(tx, treeA, 1, 1)
			m := tx.Mark()
			put(tx, treeA, 2, 2)
			tx.RollbackTo(0)
			tx.RollbackTo(m)
		},
	}
	for name, op := range others {
		t.Run(name, func(t *testing.T) {
			tx := newOracle(1).Begin(ReadWrite)
			assert.Panics(t, func() { op(tx) })
		})
	}
}

// TestTxn_Scan_Nested: a scan inside another's callback, in either
// direction, with bounds of its own, and a scan after both, each see their
// own range: scans in progress never share a walker.
func TestTxn_Scan_Nested(t *testing.T) {
	o := newOracle(1, 2, 3, 4, 5, 6)
	for _, mode := range []Mode{ReadOnly, ReadWrite} {
		tx := o.Begin(mode)
		var got []string
		tx.Scan(treeA, k(2), k(5), false, func(outer index.Entry) bool {
			var inner []int64
			tx.Scan(treeA, k(1), k(int(dk(outer.Key))), true, func(e index.Entry) bool {
				inner = append(inner, dk(e.Key))
				return true
			})
			_, ok := tx.Get(treeA, k(6))
			got = append(got, fmt.Sprintf("%d:%v:%v", dk(outer.Key), inner, ok))
			return true
		})
		assert.Equal(t, []string{"2:[1]:true", "3:[2 1]:true", "4:[3 2 1]:true"}, got, "mode %v", mode)
		assert.Equal(t, []int64{4, 5, 6}, scanKeys(tx, treeA, k(4), nil, false, 0))
		tx.Abort()
	}
}

// TestTxn_Scan_AbortInside: a transaction ended by a scan's callback ends
// cleanly, and the scan stops reading nothing it should not.
func TestTxn_Scan_AbortInside(t *testing.T) {
	o := newOracle(1, 2, 3)
	tx := o.Begin(ReadOnly)
	n := 0
	tx.Scan(treeA, nil, nil, false, func(index.Entry) bool {
		n++
		tx.Abort()
		return false
	})
	assert.Equal(t, 1, n)
	assert.Panics(t, func() { tx.Scan(treeA, nil, nil, false, func(index.Entry) bool { return true }) })
	// Another transaction scans with the pool as usual.
	assert.Equal(t, []int64{1, 2, 3}, scanKeys(o.Begin(ReadOnly), treeA, nil, nil, false, 0))
}

// TestTxn_Removals ensures Removals advances on every operation that may
// take a key out of a tree, and on nothing else.
func TestTxn_Removals(t *testing.T) {
	o := NewOracle(map[TreeID]*index.Tree{1: index.NewTree(), 2: index.NewTree()})
	tx := o.Begin(ReadWrite)
	k := func(i int) []byte { b, _ := index.AppendKey(nil, int64(i)); return b }
	require.Zero(t, tx.Removals())
	mark := tx.Mark()
	tx.Put(1, index.Entry{Key: k(1), Val: box(1)})
	tx.Put(1, index.Entry{Key: k(1), Val: box(2)}) // a replacement keeps the key
	tx.Get(1, k(1))
	tx.Delete(1, k(9)) // nothing to remove
	require.Zero(t, tx.Removals())
	tx.Delete(1, k(1))
	require.Equal(t, uint64(1), tx.Removals())
	tx.RollbackTo(tx.Mark()) // nothing to undo
	require.Equal(t, uint64(1), tx.Removals())
	tx.RollbackTo(mark)
	require.Equal(t, uint64(2), tx.Removals())
	tx.DropTree(2)
	require.Equal(t, uint64(3), tx.Removals())
	require.Zero(t, o.Begin(ReadOnly).Removals(), "a reader")
}
