package catalog

import (
	"fmt"
	"slices"
	"strings"

	"github.com/reldb/reldb/relation"
)

// Warning is a schema lint finding: legal, but likely not what was meant.
type Warning struct {
	Relations []string // the relations involved
	Message   string
}

// String returns the relations, then the message.
func (w Warning) String() string {
	return fmt.Sprintf("%s: %s", strings.Join(w.Relations, ", "), w.Message)
}

// Lint returns warnings for cycles of ON DELETE CASCADE and for tables
// that one delete reaches both by CASCADE and by a relation that sets
// NULL, sets a default or restricts. tables are every table of the
// schema, in name order.
func Lint(tables []*Table) []Warning {
	defs := make(map[string]*Table, len(tables))
	names := make([]string, len(tables))
	for i, d := range tables {
		defs[d.Name] = d
		names[i] = d.Name
	}
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
				if fk.OnDelete != relation.Cascade {
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
				if fk.OnDelete == relation.Cascade || fk.OnDelete == relation.NoAction {
					continue
				}
				if path, ok := reached[fk.Child]; ok && fk.Child != root && len(path) > 0 {
					add(Warning{Relations: append(slices.Clone(path), fk.Name),
						Message: fmt.Sprintf("a delete in %q reaches %q by CASCADE and by %s from %q", root, fk.Child, fk.OnDelete, t)})
				}
			}
		}
	}
	for _, d := range tables {
		for _, fk := range d.FKs {
			if w, ok := failingAction(d, fk.FK); ok {
				add(w)
			}
		}
	}
	slices.SortFunc(warnings, func(a, b Warning) int { return strings.Compare(a.String(), b.String()) })
	return warnings
}

// failingAction reports an action that fails whenever it runs: SET NULL
// into a NOT NULL column, or SET DEFAULT into a NOT NULL column without a
// default. PostgreSQL accepts both declarations and fails with 23502 at
// the first delete or update that reaches them; so does reldb.
func failingAction(child *Table, fk *relation.FK) (Warning, bool) {
	for _, a := range []struct {
		action relation.Action
		cols   []int
		on     string
	}{{fk.OnDelete, fk.SetCols, "DELETE"}, {fk.OnUpdate, nil, "UPDATE"}} {
		cols := a.cols
		if cols == nil {
			cols = fk.ChildCols
		}
		for _, c := range cols {
			col := &child.Cols[c]
			switch {
			case a.action == relation.SetNull && col.NotNull:
				return Warning{Relations: []string{fk.Name}, Message: fmt.Sprintf(
					"ON %s SET NULL on NOT NULL column %q of %q: it fails whenever it runs", a.on, col.Name, child.Name)}, true
			case a.action == relation.SetDefault && col.NotNull && col.Default == nil:
				return Warning{Relations: []string{fk.Name}, Message: fmt.Sprintf(
					"ON %s SET DEFAULT on NOT NULL column %q of %q without a default: it fails whenever it runs", a.on, col.Name, child.Name)}, true
			}
		}
	}
	return Warning{}, false
}
