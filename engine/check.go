package engine

import (
	"bytes"
	"errors"
	"fmt"
	"slices"

	"github.com/reldb/reldb/index"
	"github.com/reldb/reldb/internal/catalog"
	"github.com/reldb/reldb/txn"
)

// maxProblems bounds how many problems one Check reports.
const maxProblems = 20

// checkSnapshot verifies one snapshot; see DB.Check.
func checkSnapshot(snap *txn.Snapshot) error {
	var problems []error
	report := func(format string, args ...any) {
		if len(problems) < maxProblems {
			problems = append(problems, fmt.Errorf(format, args...))
		}
	}
	used := map[txn.TreeID]string{catalog.CatalogTree: "catalog"}
	catalog.EachTable(snap, func(d *catalog.Table) {
		for _, id := range append([]txn.TreeID{d.Primary}, treesOf(d)...) {
			if other, dup := used[id]; dup {
				report("table %q: tree %d also used by %s", d.Name, id, other)
			}
			used[id] = d.Name
		}
		checkTable(snap, d, report)
	})
	snap.Trees(func(id txn.TreeID, _ *index.Tree) {
		if _, ok := used[id]; !ok {
			report("tree %d belongs to no table or index", id)
		}
	})
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %w", ErrCorrupt, errors.Join(problems...))
}

func treesOf(d *catalog.Table) []txn.TreeID {
	ids := make([]txn.TreeID, len(d.Indexes))
	for i, ix := range d.Indexes {
		ids[i] = ix.Tree
	}
	return ids
}

func checkTable(snap *txn.Snapshot, d *catalog.Table, report func(string, ...any)) {
	primary := snap.Tree(d.Primary)
	if primary == nil {
		report("table %q: primary tree %d is missing", d.Name, d.Primary)
		return
	}
	trees := make([]*index.Tree, len(d.Indexes))
	for i, ix := range d.Indexes {
		if trees[i] = snap.Tree(ix.Tree); trees[i] == nil {
			report("table %q: index %q: tree %d is missing", d.Name, ix.Name, ix.Tree)
			return
		}
		if trees[i].Len() != primary.Len() {
			report("table %q: index %q has %d entries for %d rows", d.Name, ix.Name, trees[i].Len(), primary.Len())
		}
	}
	primary.Ascend(nil, nil, func(e index.Entry) bool {
		var vals []any
		if e.Val != nil {
			vals = *e.Val
		}
		if e.Val == nil || len(vals) != len(d.Cols) {
			report("table %q: key %x: malformed row %v", d.Name, e.Key, e.Val)
			return true
		}
		for i := range d.Cols {
			c := &d.Cols[i]
			if vals[i] == nil {
				if c.NotNull {
					report("table %q: key %x: NULL in NOT NULL column %q", d.Name, e.Key, c.Name)
				}
				continue
			}
			if got, err := catalog.Coerce(c, vals[i]); err != nil || index.Compare(got, vals[i]) != 0 {
				report("table %q: key %x: column %q holds %T %v", d.Name, e.Key, c.Name, vals[i], vals[i])
			}
		}
		if !bytes.Equal(e.Key, d.PKKey(vals)) {
			report("table %q: row %v stored under key %x", d.Name, vals, e.Key)
		}
		for _, fk := range d.FKs {
			key, check, err := fk.ChildKey(vals)
			if err != nil {
				report("table %q: row %v breaks MATCH FULL of relation %q", d.Name, vals, fk.Name)
				continue
			}
			if !check {
				continue
			}
			enc, err := index.AppendKey(nil, key...)
			if parentTree := snap.Tree(fk.ParentTree); err != nil || parentTree == nil {
				report("table %q: relation %q: parent index %d is missing", d.Name, fk.Name, fk.ParentTree)
			} else if _, ok := parentTree.Get(enc); !ok {
				report("table %q: row %v is an orphan: relation %q finds no %q row with key %v", d.Name, vals, fk.Name, fk.Parent, key)
			}
		}
		// With the counts equal, one entry per row carrying that row means
		// the index holds nothing else — and a unique index no duplicates,
		// since two rows with equal values would share one key.
		for i, ix := range d.Indexes {
			k := d.AppendIndexKey(nil, ix, vals, e.Key)
			if entry, ok := trees[i].Get(k); !ok {
				report("table %q: index %q lacks the entry for row %v", d.Name, ix.Name, vals)
			} else if !sameRow(entry.Val, e.Val) && !(d.KeysOnly() && slices.EqualFunc(*entry.Val, vals, index.Equal)) {
				report("table %q: index %q: entry %x carries %v, not the row %v", d.Name, ix.Name, k, entry.Val, vals)
			}
		}
		return true
	})
}

// sameRow reports whether two entry values hold the same stored row (the
// same boxed tuple, not merely equal values). A table of keys alone
// (catalog.Table.KeysOnly) holds equal rows instead: its derived trees
// make them from their keys, and a tree that spilled long keys made its
// entries' rows apart.
func sameRow(a, b *[]any) bool { return a != nil && a == b }
