package txn

import (
	"math/rand/v2"
	"testing"

	"github.com/reldb/reldb/index"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTreeSet_Model edits tree sets at random, small and large IDs alike,
// and checks every set against a map after each edit: an edit's result
// holds what the map holds, and the set it started from is unchanged.
func TestTreeSet_Model(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	trees := make([]*index.Tree, 8)
	for i := range trees {
		trees[i] = index.NewTree()
	}
	randomID := func() TreeID {
		switch rng.IntN(10) {
		case 0: // beyond the array part
			return TreeID(maxChunks*chunkTrees + rng.Uint64N(1<<40))
		case 1:
			return TreeID(rng.IntN(maxChunks * chunkTrees))
		}
		return TreeID(rng.IntN(300))
	}
	type version struct {
		set   treeSet
		model map[TreeID]*index.Tree
	}
	check := func(v version) {
		t.Helper()
		require.Equal(t, len(v.model), v.set.len())
		seen := map[TreeID]*index.Tree{}
		v.set.each(func(id TreeID, tr *index.Tree) { seen[id] = tr })
		require.Equal(t, v.model, seen)
		for id, tr := range v.model {
			require.Same(t, tr, v.set.get(id))
		}
		assert.Nil(t, v.set.get(TreeID(rng.IntN(1000)+100_000)))
	}
	versions := []version{{set: treeSet{}, model: map[TreeID]*index.Tree{}}}
	for range 500 {
		base := versions[rng.IntN(len(versions))]
		e := editTrees(base.set)
		model := make(map[TreeID]*index.Tree, len(base.model))
		for k, v := range base.model {
			model[k] = v
		}
		for range rng.IntN(6) + 1 {
			id := randomID()
			if len(model) > 0 && rng.IntN(3) == 0 {
				for k := range model { // remove an existing one
					id = k
					break
				}
				e.set(id, nil)
				delete(model, id)
				continue
			}
			tr := trees[rng.IntN(len(trees))]
			e.set(id, tr)
			model[id] = tr
		}
		next := version{set: e.out, model: model}
		check(next)
		check(base)
		versions = append(versions, next)
	}
	for _, v := range versions {
		check(v)
	}
}

// TestTreeSet_Of builds a set from a map, as NewOracle does.
func TestTreeSet_Of(t *testing.T) {
	a, b := index.NewTree(), index.NewTree()
	s := treeSetOf(map[TreeID]*index.Tree{0: a, 1 << 50: b})
	assert.Equal(t, 2, s.len())
	assert.Same(t, a, s.get(0))
	assert.Same(t, b, s.get(1<<50))
	assert.Nil(t, s.get(1))
	empty := treeSetOf(nil)
	assert.Equal(t, 0, empty.len())
}
