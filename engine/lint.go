package engine

import (
	"fmt"
	"slices"
	"strings"

	"github.com/reldb/reldb/index"
	"github.com/reldb/reldb/internal/catalog"
)

// Warning is a schema lint finding: legal, but likely not what was meant.
type Warning struct {
	Relations []string // the relations involved
	Message   string
}

func (w Warning) String() string {
	return fmt.Sprintf("%s: %s", strings.Join(w.Relations, ", "), w.Message)
}

// Lint reviews the relations of the schema the transaction sees and
// returns warnings for cycles of ON DELETE CASCADE (a delete can come back
// to its own table: fine for a tree, surprising elsewhere) and for tables
// that one delete reaches both by CASCADE and by a relation that sets NULL,
// sets a default or restricts (which action wins depends on the order the
// relations were declared). Declarations that can never work — SET NULL on
// a NOT NULL column, SET DEFAULT without a default — are refused by
// CreateRelation instead.
func (tx *Tx) Lint() ([]Warning, error) {
	if err := tx.live(); err != nil {
		return nil, err
	}
	defs := map[string]*catalog.Table{}
	var names []string
	tx.t.Scan(catalog.CatalogTree, nil, nil, false, func(e index.Entry) bool {
		d := e.Val.(*catalog.Table)
		defs[d.Name] = d
		names = append(names, d.Name)
		return true
	})
	var warnings []Warning
	seen := map[string]bool{}
	add := func(w Warning) {
		if k := w.String(); !seen[k] {
			seen[k] = true
			warnings = append(warnings, w)
		}
	}
	for _, root := range names {
		// The tables one delete in root reaches through ON DELETE CASCADE,
		// and the cascade relations that reach each.
		reached := map[string][]string{root: nil}
		queue := []string{root}
		for len(queue) > 0 {
			t := queue[0]
			queue = queue[1:]
			for _, fk := range defs[t].Refs {
				if fk.OnDelete != Cascade {
					continue
				}
				if fk.Child == root {
					add(Warning{Relations: append(slices.Clone(reached[t]), fk.Name),
						Message: fmt.Sprintf("ON DELETE CASCADE cycle: deleting a row of %q can cascade back into %q", root, root)})
				}
				if _, ok := reached[fk.Child]; !ok {
					reached[fk.Child] = append(slices.Clone(reached[t]), fk.Name)
					queue = append(queue, fk.Child)
				}
			}
		}
		// A reached table that another reached table refers to with a
		// non-cascading action: two paths, two different outcomes.
		for t := range reached {
			for _, fk := range defs[t].Refs {
				if fk.OnDelete == Cascade || fk.OnDelete == NoAction {
					continue
				}
				if path, ok := reached[fk.Child]; ok && fk.Child != root && len(path) > 0 {
					add(Warning{Relations: append(slices.Clone(path), fk.Name),
						Message: fmt.Sprintf("a delete in %q reaches %q by CASCADE and by %s from %q", root, fk.Child, fk.OnDelete, t)})
				}
			}
		}
	}
	slices.SortFunc(warnings, func(a, b Warning) int { return strings.Compare(a.String(), b.String()) })
	return warnings, nil
}
