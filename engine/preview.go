package engine

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/reldb/reldb/internal/catalog"
	"github.com/reldb/reldb/relation"
)

// Preview is what a delete or key update would do, planned without writing
// anything: the rows that CASCADE, SET NULL and SET DEFAULT would change,
// and the refusals (RESTRICT, or NO ACTION checks that would fail at the end
// of the statement). Tx.Delete and Tx.Update execute the same plan.
type Preview struct {
	// Changes lists every row change in the order the statement applies
	// them; the statement's own row comes first.
	Changes []Change
	// Refusals lists the relations that would refuse the statement, each
	// with the error the statement would return. Empty means it would
	// succeed (unless a changed row breaks a unique or NOT NULL constraint).
	// A NO ACTION refusal is listed even if the statement itself would put
	// the key back in place (which the real statement forgives).
	Refusals []error
}

// Change is one row a statement would change.
type Change struct {
	// Path names the relations followed from the statement's own row to
	// this one, outermost first; empty for the statement's own row.
	Path   []string
	Table  string // the row's table
	Key    any    // the row's primary key: a value, or a Key when composite
	Delete bool   // deleted; otherwise updated with Set
	Set    Row    // the columns an update changes, with their new values
}

// Group is the changes reached through one relation path.
type Group struct {
	Path    string   // relation names joined by " > "; "" for the statement's row
	Changes []Change // in the order the statement would make them
}

// Groups returns the changes grouped by relation path, in the order each
// path is first reached.
func (p *Preview) Groups() []Group {
	var groups []Group
	at := map[string]int{}
	for _, c := range p.Changes {
		path := strings.Join(c.Path, " > ")
		i, ok := at[path]
		if !ok {
			i = len(groups)
			at[path] = i
			groups = append(groups, Group{Path: path})
		}
		groups[i].Changes = append(groups[i].Changes, c)
	}
	return groups
}

// PreviewDelete plans Tx.Delete(table, key) without writing. Returns
// ErrNoTable, ErrType or ErrNotFound for bad input.
func (tx *Tx) PreviewDelete(table string, key any) (*Preview, error) {
	return tx.preview(table, key, nil)
}

// PreviewUpdate plans Tx.Update(table, key, set) without writing: what
// changing the row's referenced keys would make relations do.
func (tx *Tx) PreviewUpdate(table string, key any, set Row) (*Preview, error) {
	if set == nil {
		set = Row{}
	}
	return tx.preview(table, key, set)
}

func (tx *Tx) preview(table string, key any, set Row) (*Preview, error) {
	if err := tx.live(); err != nil {
		return nil, err
	}
	d, err := tx.table(table)
	if err != nil {
		return nil, fmt.Errorf("preview: %w", err)
	}
	old, pk, err := tx.lookup(d, key)
	if err != nil {
		return nil, fmt.Errorf("preview %s: %w", table, err)
	}
	var vals []any // nil plans a delete
	if set != nil {
		if vals, err = d.ApplySet(make([]any, len(old)), old, set); err != nil {
			return nil, fmt.Errorf("preview %s: %w", table, err)
		}
	}
	out := &Preview{}
	p := tx.getPlanner()
	defer tx.putPlanner(p)
	plan, err := tx.plan(p, d, pk, old, vals)
	if errors.Is(err, ErrRestrict) {
		out.Refusals = append(out.Refusals, err)
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	for i, op := range plan.Ops {
		od, err := tx.table(op.Table)
		if err != nil {
			return nil, err
		}
		c := Change{Path: plan.Path(i), Table: op.Table, Key: od.ID(op.Row), Delete: op.Kind == relation.OpDelete}
		if !c.Delete {
			c.Set = Row{}
			for col, v := range op.Set {
				c.Set[od.Cols[col].Name] = catalog.ExportValue(v)
			}
		}
		out.Changes = append(out.Changes, c)
	}
	// NO ACTION: the plan says whether a child still referenced the key
	// when the check's turn came.
	for _, check := range plan.NoAction {
		fk, err := tx.compiledFK(check.FK)
		if err != nil {
			return nil, err
		}
		if check.Referenced && !tx.deferred(fk) {
			out.Refusals = append(out.Refusals, tx.stillReferenced(fk, check.Key, ErrForeignKey))
		}
	}
	return out, nil
}

// String renders the change as one line: "delete books key 10", or
// "update orders key 5 set user_id = NULL".
func (c Change) String() string {
	var b strings.Builder
	if c.Delete {
		fmt.Fprintf(&b, "delete %s key %s", c.Table, formatKey(c.Key))
		return b.String()
	}
	fmt.Fprintf(&b, "update %s key %s set ", c.Table, formatKey(c.Key))
	cols := make([]string, 0, len(c.Set))
	for col := range c.Set {
		cols = append(cols, col)
	}
	slices.Sort(cols)
	for i, col := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s = %s", col, catalog.FormatValue(c.Set[col]))
	}
	return b.String()
}

// String renders the plan as it reads: the statement's own row, then each
// row a relation reaches, indented under the relation path that reaches
// it, then the refusals:
//
//	delete authors key 1
//	  books_author_id_fkey: delete books key 10
//	  books_author_id_fkey > reviews_book_id_fkey: delete reviews key 100
//	refused: reldb: update or delete on table "books" violates ...
func (p *Preview) String() string {
	var b strings.Builder
	for _, c := range p.Changes {
		if len(c.Path) > 0 {
			fmt.Fprintf(&b, "  %s: ", strings.Join(c.Path, " > "))
		}
		b.WriteString(c.String())
		b.WriteByte('\n')
	}
	for _, err := range p.Refusals {
		fmt.Fprintf(&b, "refused: %v\n", err)
	}
	return b.String()
}

// formatKey renders a primary key: a bare value, or (a, b) for a Key.
func formatKey(key any) string {
	k, ok := key.(Key)
	if !ok {
		return catalog.FormatValue(key)
	}
	parts := make([]string, len(k))
	for i, v := range k {
		parts[i] = catalog.FormatValue(v)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
