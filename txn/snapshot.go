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
	trees   map[TreeID]*index.Tree
}

// Version returns the commit version that produced the snapshot; versions
// increase by one with every commit that wrote something.
func (s *Snapshot) Version() uint64 { return s.version }

// Tree returns the tree with the given ID, or nil when the snapshot has none.
// The tree is shared: read it, never write it.
func (s *Snapshot) Tree(id TreeID) *index.Tree { return s.trees[id] }

// Trees calls fn for every tree of the snapshot, in no particular order.
func (s *Snapshot) Trees(fn func(TreeID, *index.Tree)) {
	for id, t := range s.trees {
		fn(id, t)
	}
}
