package txn

import "github.com/reldb/reldb/index"

// TreeID names a tree within a snapshot. The caller chooses IDs; package
// engine gives every table and index its own.
type TreeID uint64

// Snapshot is one committed, immutable state: a version number and the trees
// as they were after that commit. A Snapshot is safe for concurrent use and
// never changes; its trees must not be mutated.
type Snapshot struct {
	version uint64
	trees   treeSet
}

// Version returns the commit version that produced the snapshot; versions
// increase by one with every commit that wrote something.
func (s *Snapshot) Version() uint64 { return s.version }

// Tree returns the tree with the given ID, or nil when the snapshot has none.
// The tree is shared: read it, never write it.
func (s *Snapshot) Tree(id TreeID) *index.Tree { return s.trees.get(id) }

// Trees calls fn for every tree of the snapshot, in no particular order.
func (s *Snapshot) Trees(fn func(TreeID, *index.Tree)) { s.trees.each(fn) }

// treeSet maps tree IDs to the trees of a snapshot. Every read looks a tree
// up and every commit makes a new set, so it is a persistent two-level
// array rather than a map: IDs are small integers handed out in order, a
// lookup is two indexings, and a commit copies the top level and the chunks
// it changes instead of every entry. IDs too large for the array (no caller
// makes them, but a set must not grow without bound) go in a map, copied
// whole when it changes.
type treeSet struct {
	chunks []*treeChunk
	large  map[TreeID]*index.Tree
	n      int // trees in the set
}

const (
	chunkTrees = 16
	// maxChunks bounds the array part: IDs from maxChunks*chunkTrees on
	// are large.
	maxChunks = 1 << 14
)

type treeChunk [chunkTrees]*index.Tree

func (s *treeSet) get(id TreeID) *index.Tree {
	c := uint64(id / chunkTrees)
	if c < uint64(len(s.chunks)) {
		if ch := s.chunks[c]; ch != nil {
			return ch[id%chunkTrees]
		}
		return nil
	}
	return s.large[id] // nil map: nil
}

func (s *treeSet) len() int { return s.n }

func (s *treeSet) each(fn func(TreeID, *index.Tree)) {
	for c, ch := range s.chunks {
		if ch == nil {
			continue
		}
		for i, t := range ch {
			if t != nil {
				fn(TreeID(c*chunkTrees+i), t)
			}
		}
	}
	for id, t := range s.large {
		fn(id, t)
	}
}

// treeSetEdit makes a new set from base, copying what it changes and
// sharing the rest.
type treeSetEdit struct {
	base treeSet
	out  treeSet
	// owned says a chunk (by index) or the large map is the edit's own
	// copy, to change in place.
	owned      []bool
	ownedLarge bool
}

func editTrees(base treeSet) *treeSetEdit {
	e := &treeSetEdit{base: base, out: base}
	e.out.chunks = append([]*treeChunk(nil), base.chunks...)
	return e
}

// set puts t (nil: removes the tree) under id, freezing t: a tree in a
// snapshot is shared and never written again; writers fork it.
func (e *treeSetEdit) set(id TreeID, t *index.Tree) {
	if t != nil && !t.Frozen() { // a frozen tree may have readers: no write
		t.Freeze()
	}
	if e.out.get(id) == nil {
		if t == nil {
			return
		}
		e.out.n++
	} else if t == nil {
		e.out.n--
	}
	c := uint64(id / chunkTrees)
	if c >= maxChunks {
		if !e.ownedLarge {
			large := make(map[TreeID]*index.Tree, len(e.out.large)+1)
			for k, v := range e.out.large {
				large[k] = v
			}
			e.out.large, e.ownedLarge = large, true
		}
		if t == nil {
			delete(e.out.large, id)
		} else {
			e.out.large[id] = t
		}
		return
	}
	for uint64(len(e.out.chunks)) <= c {
		e.out.chunks = append(e.out.chunks, nil)
	}
	for uint64(len(e.owned)) <= c {
		e.owned = append(e.owned, false)
	}
	if !e.owned[c] {
		ch := new(treeChunk)
		if old := e.out.chunks[c]; old != nil {
			*ch = *old
		}
		e.out.chunks[c], e.owned[c] = ch, true
	}
	e.out.chunks[c][id%chunkTrees] = t
}

// treeSetOf makes a set of the trees of a map.
func treeSetOf(trees map[TreeID]*index.Tree) treeSet {
	e := editTrees(treeSet{})
	for id, t := range trees {
		e.set(id, t)
	}
	return e.out
}
