package txn

import (
	"flag"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/index"
)

var modelSeed = flag.Int64("txn.seed", 0, "seed of TestTxn_Commit_MatchesModel (0: time-based)")

// Shape of the model test: trees 1..modelTrees (the last one absent at
// first), integer keys in [0, modelKeys), up to modelActive transactions
// interleaved on one goroutine.
const (
	modelTrees  = 4
	modelKeys   = 12
	modelActive = 4
)

// mState is a set of trees as the model sees it: an absent tree has no entry.
type mState map[TreeID]map[int]int

func (s mState) clone() mState {
	c := make(mState, len(s))
	for id, tr := range s {
		c[id] = maps.Clone(tr)
	}
	return c
}

// mTreeWrites is what one commit, or one transaction's undo log, changed in
// one tree: the whole tree (created or dropped) and keys written.
type mTreeWrites struct {
	whole bool
	keys  map[int]bool
}

type mWrites map[TreeID]*mTreeWrites

// mRange is the key range [lo, hi) over integers; nil bounds are open.
type mRange struct{ lo, hi *int }

func (r mRange) has(n int) bool {
	return (r.lo == nil || n >= *r.lo) && (r.hi == nil || n < *r.hi)
}

// mLogRec is one undo record: a key write, or a tree op when whole.
type mLogRec struct {
	tree  TreeID
	n     int
	whole bool
}

type mMark struct {
	pos   int
	state mState
}

// mTxn models one open transaction: its view, undo log, marks and the reads
// a serializable validator must check.
type mTxn struct {
	id       int
	tx       *Txn
	readOnly bool
	begin    int // number of commits in the history at begin
	state    mState
	log      []mLogRec
	marks    []mMark
	points   map[TreeID]map[int]bool
	ranges   map[TreeID][]mRange
}

func (m *mTxn) readPoint(id TreeID, n int) {
	if m.readOnly {
		return
	}
	if m.points[id] == nil {
		m.points[id] = map[int]bool{}
	}
	m.points[id][n] = true
}

func (m *mTxn) readRange(id TreeID, r mRange) {
	if !m.readOnly {
		m.ranges[id] = append(m.ranges[id], r)
	}
}

// writes returns the write set of the current undo log.
func (m *mTxn) writes() mWrites {
	ws := mWrites{}
	for _, r := range m.log {
		w := ws[r.tree]
		if w == nil {
			w = &mTreeWrites{keys: map[int]bool{}}
			ws[r.tree] = w
		}
		if r.whole {
			w.whole = true
		} else {
			w.keys[r.n] = true
		}
	}
	return ws
}

// conflictsWith returns the (tree, key) pairs of commit c that invalidate m,
// key -1 standing for the whole tree; none means no conflict. It is the
// model's own statement of the rule: a commit since m's snapshot that wrote
// a key m read (point or range) or wrote, or created or dropped a tree m
// touched, or wrote into a tree m created or dropped.
func (m *mTxn) conflictsWith(c mWrites, mine mWrites) map[[2]int]bool {
	out := map[[2]int]bool{}
	for id, theirs := range c {
		w := mine[id]
		touched := len(m.points[id]) > 0 || len(m.ranges[id]) > 0 || w != nil
		if theirs.whole || (w != nil && w.whole) {
			if touched {
				out[[2]int{int(id), -1}] = true
			}
			continue
		}
		for n := range theirs.keys {
			hit := m.points[id][n] || (w != nil && w.keys[n])
			for _, r := range m.ranges[id] {
				hit = hit || r.has(n)
			}
			if hit {
				out[[2]int{int(id), n}] = true
			}
		}
	}
	return out
}

// modelRun is one round: an oracle, the model of its committed state, and
// the open transactions.
type modelRun struct {
	t         *testing.T
	rng       *rand.Rand
	o         *Oracle
	committed mState
	history   []mWrites // write set of each commit; version i+1 is history[i]
	snaps     []*Snapshot
	snapState []mState // committed state of each snap
	active    []*mTxn
	nextTxn   int
	nextVal   int
	trace     []string
	stats     map[string]int
}

func (r *modelRun) logf(format string, args ...any) {
	r.trace = append(r.trace, fmt.Sprintf(format, args...))
}

// randKey returns a key, sometimes one just outside the key space.
func (r *modelRun) randKey() int { return r.rng.IntN(modelKeys+2) - 1 }

func (r *modelRun) randTree() TreeID { return TreeID(1 + r.rng.IntN(modelTrees)) }

func (r *modelRun) randBound() *int {
	if r.rng.IntN(4) == 0 {
		return nil
	}
	n := r.randKey()
	return &n
}

func fmtBound(b *int) string {
	if b == nil {
		return "nil"
	}
	return fmt.Sprint(*b)
}

func newModelRun(t *testing.T, rng *rand.Rand) *modelRun {
	r := &modelRun{t: t, rng: rng, committed: mState{}, stats: map[string]int{}}
	trees := map[TreeID]*index.Tree{}
	for id := TreeID(1); id < modelTrees; id++ {
		tr := index.NewTree()
		r.committed[id] = map[int]int{}
		for n := range modelKeys {
			if rng.IntN(3) == 0 {
				r.nextVal++
				tr.Put(index.Entry{Key: k(n), Val: box(r.nextVal)})
				r.committed[id][n] = r.nextVal
			}
		}
		trees[id] = tr
	}
	r.o = NewOracle(trees)
	r.snaps = append(r.snaps, r.o.Latest())
	r.snapState = append(r.snapState, r.committed.clone())
	return r
}

// checkView requires the engine's view of every tree in m to match the model.
func (r *modelRun) checkView(m *mTxn, what string) {
	t := r.t
	for id := TreeID(1); id <= modelTrees; id++ {
		require.Equal(t, r.toAny(m.state[id]), contents(m.tx.view(id)), "%s: txn %d tree %d", what, m.id, id)
		require.Equal(t, m.state[id] != nil, m.tx.Exists(id), "%s: txn %d tree %d", what, m.id, id)
		require.Equal(t, len(m.state[id]), m.tx.Len(id), "%s: txn %d tree %d", what, m.id, id)
	}
	require.Equal(t, len(m.log), m.tx.Writes(), "%s: txn %d", what, m.id)
}

func (r *modelRun) checkSnapshot(s *Snapshot, want mState, what string) {
	n := 0
	s.Trees(func(TreeID, *index.Tree) { n++ })
	require.Equal(r.t, len(want), n, "%s: tree count", what)
	for id := TreeID(1); id <= modelTrees; id++ {
		require.Equal(r.t, r.toAny(want[id]), contents(s.Tree(id)), "%s: tree %d", what, id)
	}
}

// toAny converts a model tree to what contents returns.
func (r *modelRun) toAny(tr map[int]int) map[int64]any {
	if tr == nil {
		return nil
	}
	out := make(map[int64]any, len(tr))
	for n, v := range tr {
		out[int64(n)] = v
	}
	return out
}

func (r *modelRun) begin() {
	r.nextTxn++
	m := &mTxn{
		id:       r.nextTxn,
		readOnly: r.rng.IntN(5) == 0,
		begin:    len(r.history),
		state:    r.committed.clone(),
		points:   map[TreeID]map[int]bool{},
		ranges:   map[TreeID][]mRange{},
	}
	mode := ReadWrite
	if m.readOnly {
		mode = ReadOnly
	}
	m.tx = r.o.Begin(mode)
	m.marks = []mMark{{pos: 0, state: m.state.clone()}}
	require.Equal(r.t, uint64(m.begin), m.tx.Snapshot().Version())
	r.active = append(r.active, m)
	r.logf("begin txn %d readOnly=%v at version %d", m.id, m.readOnly, m.begin)
	r.stats["begin"]++
}

func (r *modelRun) end(m *mTxn) {
	r.active = slices.DeleteFunc(r.active, func(x *mTxn) bool { return x == m })
}

// step performs one random operation.
func (r *modelRun) step() {
	if len(r.active) == 0 || (len(r.active) < modelActive && r.rng.IntN(4) == 0) {
		r.begin()
		return
	}
	m := r.active[r.rng.IntN(len(r.active))]
	ops := []struct {
		name   string
		weight int
		run    func(m *mTxn) bool // false: not applicable, nothing done
	}{
		{"get", 15, r.get},
		{"put", 25, r.put},
		{"delete", 10, r.del},
		{"scan", 15, r.scan},
		{"create", 2, r.create},
		{"drop", 1, r.drop},
		{"mark", 5, r.mark},
		{"rollback", 5, r.rollback},
		{"commit", 8, r.commit},
		{"abort", 2, r.abort},
	}
	total := 0
	for _, op := range ops {
		total += op.weight
	}
	for {
		pick := r.rng.IntN(total)
		for _, op := range ops {
			if pick < op.weight {
				if op.run(m) {
					r.stats[op.name]++
					if !m.tx.done {
						r.checkView(m, op.name)
					}
					return
				}
				break
			}
			pick -= op.weight
		}
	}
}

func (r *modelRun) get(m *mTxn) bool {
	id, n := r.randTree(), r.randKey()
	e, ok := m.tx.Get(id, k(n))
	v, want := m.state[id][n]
	r.logf("txn %d: get %d/%d -> %v %v", m.id, id, n, unbox(e), ok)
	require.Equal(r.t, want, ok, "get %d/%d", id, n)
	if ok {
		require.Equal(r.t, v, unbox(e), "get %d/%d", id, n)
	}
	m.readPoint(id, n)
	return true
}

func (r *modelRun) put(m *mTxn) bool {
	id, n := r.randTree(), r.randKey()
	if m.readOnly || m.state[id] == nil {
		return false
	}
	r.nextVal++
	old, replaced := m.tx.Put(id, index.Entry{Key: k(n), Val: box(r.nextVal)})
	v, want := m.state[id][n]
	r.logf("txn %d: put %d/%d=%d -> %v %v", m.id, id, n, r.nextVal, unbox(old), replaced)
	require.Equal(r.t, want, replaced, "put %d/%d", id, n)
	if replaced {
		require.Equal(r.t, v, unbox(old), "put %d/%d", id, n)
	}
	m.state[id][n] = r.nextVal
	m.log = append(m.log, mLogRec{tree: id, n: n})
	return true
}

func (r *modelRun) del(m *mTxn) bool {
	id, n := r.randTree(), r.randKey()
	if m.readOnly || m.state[id] == nil {
		return false
	}
	old, found := m.tx.Delete(id, k(n))
	v, want := m.state[id][n]
	r.logf("txn %d: delete %d/%d -> %v %v", m.id, id, n, unbox(old), found)
	require.Equal(r.t, want, found, "delete %d/%d", id, n)
	if found {
		require.Equal(r.t, v, unbox(old), "delete %d/%d", id, n)
		delete(m.state[id], n)
		m.log = append(m.log, mLogRec{tree: id, n: n})
	} else {
		m.readPoint(id, n) // the absence was observed
	}
	return true
}

func (r *modelRun) scan(m *mTxn) bool {
	id, lo, hi := r.randTree(), r.randBound(), r.randBound()
	reverse := r.rng.IntN(2) == 0
	limit := 0
	if r.rng.IntN(2) == 0 {
		limit = 1 + r.rng.IntN(4)
	}
	var got []int
	var gotVals []any
	m.tx.Scan(id, kOpt(lo), kOpt(hi), reverse, func(e index.Entry) bool {
		got = append(got, int(dk(e.Key)))
		gotVals = append(gotVals, unbox(e))
		return limit == 0 || len(got) < limit
	})
	r.logf("txn %d: scan %d [%s, %s) reverse=%v limit=%d -> %v", m.id, id, fmtBound(lo), fmtBound(hi), reverse, limit, got)

	rg := mRange{lo: lo, hi: hi}
	var want []int
	var wantVals []any
	for _, n := range slices.Sorted(maps.Keys(m.state[id])) {
		if rg.has(n) {
			want = append(want, n)
		}
	}
	if reverse {
		slices.Reverse(want)
	}
	if limit > 0 && len(want) >= limit {
		want = want[:limit]
		stop := want[limit-1]
		if reverse {
			rg.lo = &stop
		} else {
			end := stop + 1
			rg.hi = &end
		}
	}
	for _, n := range want {
		wantVals = append(wantVals, m.state[id][n])
	}
	require.Equal(r.t, want, got, "scan keys")
	require.Equal(r.t, wantVals, gotVals, "scan values")
	m.readRange(id, rg)
	return true
}

func (r *modelRun) create(m *mTxn) bool {
	id := r.randTree()
	if m.readOnly || m.state[id] != nil {
		return false
	}
	m.tx.CreateTree(id)
	r.logf("txn %d: create tree %d", m.id, id)
	m.state[id] = map[int]int{}
	m.log = append(m.log, mLogRec{tree: id, whole: true})
	return true
}

func (r *modelRun) drop(m *mTxn) bool {
	id := r.randTree()
	if m.readOnly || m.state[id] == nil {
		return false
	}
	m.tx.DropTree(id)
	r.logf("txn %d: drop tree %d", m.id, id)
	delete(m.state, id)
	m.log = append(m.log, mLogRec{tree: id, whole: true})
	return true
}

func (r *modelRun) mark(m *mTxn) bool {
	if m.readOnly {
		return false
	}
	got := m.tx.Mark()
	r.logf("txn %d: mark -> %d", m.id, got)
	require.Equal(r.t, len(m.log), got)
	m.marks = append(m.marks, mMark{pos: got, state: m.state.clone()})
	return true
}

func (r *modelRun) rollback(m *mTxn) bool {
	if m.readOnly {
		return false
	}
	i := r.rng.IntN(len(m.marks))
	mk := m.marks[i]
	m.tx.RollbackTo(mk.pos)
	r.logf("txn %d: rollback to %d", m.id, mk.pos)
	for _, rec := range m.log[mk.pos:] {
		if !rec.whole {
			m.readPoint(rec.tree, rec.n) // the undone write saw the old entry
		}
	}
	m.log = m.log[:mk.pos]
	m.state = mk.state.clone()
	m.marks = m.marks[:i+1]
	return true
}

func (r *modelRun) abort(m *mTxn) bool {
	r.logf("txn %d: abort", m.id)
	m.tx.Abort()
	r.end(m)
	return true
}

func (r *modelRun) commit(m *mTxn) bool {
	t := r.t
	if m.readOnly {
		require.Nil(t, m.tx.writer, "read-only txn %d has writer state", m.id)
	}
	before := r.o.Latest()
	got, err := m.tx.Commit()
	r.end(m)
	mine := m.writes()
	r.logf("txn %d: commit -> %d %v (writes %d)", m.id, got, err, len(m.log))

	if m.readOnly || len(m.log) == 0 {
		require.NoError(t, err, "commit of txn %d without writes", m.id)
		require.Equal(t, uint64(m.begin), got)
		require.Same(t, before, r.o.Latest())
		r.stats["commit empty"]++
		return true
	}

	for i := m.begin; i < len(r.history); i++ {
		want := m.conflictsWith(r.history[i], mine)
		if len(want) == 0 {
			continue
		}
		require.ErrorIs(t, err, ErrConflict, "txn %d: model expects conflict with version %d on %v", m.id, i+1, want)
		var ce *ConflictError
		require.ErrorAs(t, err, &ce)
		require.Equal(t, uint64(i+1), ce.Version, "txn %d: first conflicting version", m.id)
		key := -1
		if ce.Key != nil {
			key = int(dk(ce.Key))
		}
		require.True(t, want[[2]int{int(ce.Tree), key}], "txn %d: engine names tree %d key %d; model allows %v", m.id, ce.Tree, key, want)
		require.Same(t, before, r.o.Latest(), "a failed commit publishes nothing")
		r.stats["commit conflict"]++
		return true
	}
	require.NoError(t, err, "txn %d: model expects no conflict", m.id)

	for id, w := range mine {
		if w.whole {
			if m.state[id] == nil {
				delete(r.committed, id)
			} else {
				r.committed[id] = maps.Clone(m.state[id])
			}
			continue
		}
		for n := range w.keys {
			if v, ok := m.state[id][n]; ok {
				r.committed[id][n] = v
			} else {
				delete(r.committed[id], n)
			}
		}
	}
	r.history = append(r.history, mine)
	require.Equal(t, uint64(len(r.history)), got, "commit version")
	require.Equal(t, got, r.o.Latest().Version())
	r.checkSnapshot(r.o.Latest(), r.committed, fmt.Sprintf("after commit of txn %d", m.id))
	r.snaps = append(r.snaps, r.o.Latest())
	r.snapState = append(r.snapState, r.committed.clone())
	if m.begin < len(r.history)-1 {
		r.stats["commit rebased"]++
	} else {
		r.stats["commit direct"]++
	}
	return true
}

// TestTxn_Commit_MatchesModel: random interleavings of transactions on a few
// trees behave exactly like a map model — every read, every commit verdict
// (conflict or not, and which version and key) and every published snapshot,
// which stays unchanged afterwards.
func TestTxn_Commit_MatchesModel(t *testing.T) {
	seed := *modelSeed
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	t.Logf("seed %d (rerun with -txn.seed=%d)", seed, seed)
	rounds, steps := 25, 1500
	if testing.Short() {
		rounds, steps = 5, 300
	}
	stats := map[string]int{}
	for round := range rounds {
		r := newModelRun(t, rand.New(rand.NewPCG(uint64(seed), uint64(round))))
		func() {
			defer func() {
				if t.Failed() {
					tail := r.trace[max(0, len(r.trace)-40):]
					t.Logf("round %d, last operations:\n%s", round, strings.Join(tail, "\n"))
				}
			}()
			for range steps {
				r.step()
			}
			for i, s := range r.snaps {
				r.checkSnapshot(s, r.snapState[i], fmt.Sprintf("snapshot %d at the end", i))
			}
		}()
		if t.Failed() {
			return
		}
		for name, n := range r.stats {
			stats[name] += n
		}
	}
	t.Logf("operations: %v", stats)
	assert.NotZero(t, stats["commit conflict"])
	assert.NotZero(t, stats["commit rebased"])
}
