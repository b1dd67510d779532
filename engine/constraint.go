package engine

import (
	"errors"
	"fmt"
	"maps"

	"github.com/reldb/reldb/index"
	"github.com/reldb/reldb/relation"
)

// pendingCheck is a deferred foreign-key check. With childPK set it checks
// that the child row, if it still exists, references an existing parent;
// otherwise that no child references key unless a parent holds it again.
type pendingCheck struct {
	fk      *fkDef
	childPK []byte
	key     []any
}

// deferred reports whether fk's NO ACTION checks wait for commit in this
// transaction.
func (tx *Tx) deferred(fk *fkDef) bool {
	if !fk.Deferrable {
		return false
	}
	if m, ok := tx.modes[fk.Name]; ok {
		return m == Deferred
	}
	if tx.allMode != nil {
		return *tx.allMode == Deferred
	}
	return fk.InitiallyDeferred
}

// ConstraintMode says when a deferrable relation's NO ACTION checks run.
type ConstraintMode uint8

const (
	// Immediate runs the checks at the end of each statement.
	Immediate ConstraintMode = iota
	// Deferred runs the checks at commit.
	Deferred
)

var _ fmt.Stringer = Deferred

// String returns "IMMEDIATE" or "DEFERRED", as SQL spells them.
func (m ConstraintMode) String() string {
	switch m {
	case Immediate:
		return "IMMEDIATE"
	case Deferred:
		return "DEFERRED"
	}
	return fmt.Sprintf("ConstraintMode(%d)", uint8(m))
}

// SetConstraints sets the mode of the named deferrable relations (all of
// them when no name is given): Deferred moves their NO ACTION checks to
// commit, Immediate to the end of each statement, like SQL's
// SET CONSTRAINTS. Making a relation immediate runs
// its pending checks at once; if one fails, SetConstraints returns its
// *ConstraintError and the checks stay pending. RESTRICT and the actions
// (CASCADE, SET NULL, SET DEFAULT) are never deferred. Returns ErrSchema
// for an unknown or non-deferrable relation name.
func (tx *Tx) SetConstraints(mode ConstraintMode, names ...string) error {
	if err := tx.writable(); err != nil {
		return err
	}
	if mode != Immediate && mode != Deferred {
		return fmt.Errorf("set constraints: %w: unknown mode %v", ErrSchema, mode)
	}
	for _, n := range names {
		fk := tx.relationNamed(n)
		if fk == nil {
			return fmt.Errorf("set constraints: %w", &ConstraintError{Kind: ErrSchema, Constraint: n,
				SQLState: StateUndefinedObject, Detail: "no such relation"})
		}
		if !fk.Deferrable {
			return fmt.Errorf("set constraints: %w", &ConstraintError{Kind: ErrSchema, Constraint: n, Table: fk.Child,
				SQLState: StateWrongObjectType, Detail: "the relation is not deferrable"})
		}
	}
	// A failed SetConstraints changes nothing: keep the modes to restore.
	oldModes, oldAll := maps.Clone(tx.modes), tx.allMode
	if len(names) == 0 {
		tx.modes = nil
		tx.allMode = &mode
	} else {
		if tx.modes == nil {
			tx.modes = make(map[string]ConstraintMode)
		}
		for _, n := range names {
			tx.modes[n] = mode
		}
	}
	if mode == Deferred {
		return nil
	}
	if err := tx.runPending(func(fk *fkDef) bool { return !tx.deferred(fk) }); err != nil {
		tx.modes, tx.allMode = oldModes, oldAll
		return fmt.Errorf("set constraints: %w", err)
	}
	return nil
}

// runPending runs the pending checks whose relation which selects (all when
// which is nil), dropping those that pass. It returns the first failure.
func (tx *Tx) runPending(which func(*fkDef) bool) error {
	keep := tx.pending[:0]
	var first error
	for _, c := range tx.pending {
		if which != nil && !which(c.fk) {
			keep = append(keep, c)
			continue
		}
		if err := tx.runCheck(c); err != nil {
			keep = append(keep, c)
			if first == nil {
				first = err
			}
		}
	}
	clear(tx.pending[len(keep):])
	tx.pending = keep
	return first
}

func (tx *Tx) runCheck(c pendingCheck) error {
	child, err := tx.table(c.fk.Child)
	if err != nil {
		return nil // the table was dropped: nothing left to check
	}
	if c.childPK != nil {
		e, ok := tx.t.Get(child.primary, c.childPK)
		if !ok {
			return nil // the row is gone
		}
		row := rowOf(e.Val)
		key, check, err := c.fk.ChildKey(row)
		if err != nil || !check {
			return nil // checked when written
		}
		if !tx.parentExists(c.fk, key) {
			return parentMissing(child, c.fk, key)
		}
		return nil
	}
	return tx.checkNoChildren(c.fk, c.key)
}

// checkNoChildren returns a *ConstraintError (ErrForeignKey) if a child row
// still references key and no parent holds key.
func (tx *Tx) checkNoChildren(fk *fkDef, key []any) error {
	if tx.parentExists(fk, key) {
		return nil
	}
	var found []any
	if err := tx.children(fk, key, func(_ []byte, row []any) bool {
		found = row
		return false
	}); err != nil {
		return err
	}
	if found == nil {
		return nil
	}
	return tx.stillReferenced(fk, key, ErrForeignKey)
}

// stillReferenced is PostgreSQL's "update or delete on table violates
// foreign key constraint" error.
func (tx *Tx) stillReferenced(fk *fkDef, key []any, kind error) error {
	parent, _ := tx.table(fk.Parent)
	cols := []string{}
	if parent != nil {
		cols = parent.colNames(fk.ParentCols)
	}
	return &ConstraintError{Kind: kind, Constraint: fk.Name, Table: fk.Parent, Columns: cols,
		Key: renderKey(cols, key), SQLState: StateForeignKey,
		Detail: fmt.Sprintf("update or delete: key is still referenced from table %q", fk.Child)}
}

// execPlan applies a plan's row changes in order, then runs the checks the
// statement owes: NO ACTION for every changed referenced key (or defers
// them), and the parents of every row whose referencing columns changed.
// On error the caller rolls the statement back.
func (tx *Tx) execPlan(plan *relation.Plan) error {
	type changed struct {
		d   *tableDef
		row []any
		old []any
	}
	var updated []changed
	var d *tableDef
	for _, op := range plan.Ops {
		if d == nil || d.name != op.Table { // ops come in runs of one table
			var err error
			if d, err = tx.table(op.Table); err != nil {
				return err
			}
		}
		// Each row has one op, so the row is still as the planner read it
		// (and recorded the read): no second lookup.
		cur, pk := op.Row, op.PK
		if op.Kind == relation.OpDelete {
			tx.deleteRow(d, cur, pk)
			continue
		}
		vals := append([]any(nil), cur...)
		for c, v := range op.Set {
			// A value from the parent takes the child column's type
			// modifiers, as PostgreSQL casts it (numeric scale).
			cv, err := coerce(&d.cols[c], v)
			if err != nil {
				return err
			}
			vals[c] = cv
		}
		if err := d.checkNotNull(vals); err != nil {
			return err
		}
		if err := tx.replaceRow(d, cur, pk, vals); err != nil {
			return err
		}
		updated = append(updated, changed{d, vals, cur})
	}
	for _, c := range plan.NoAction {
		fk, err := tx.fkDef(c.FK)
		if err != nil {
			return err
		}
		if tx.deferred(fk) {
			tx.pending = append(tx.pending, pendingCheck{fk: fk, key: c.Key})
			continue
		}
		// An immediate check was decided when its turn came in the plan;
		// it is forgiven only if a parent holds the key again.
		if c.Referenced && !tx.parentExists(fk, c.Key) {
			return tx.stillReferenced(fk, c.Key, ErrForeignKey)
		}
	}
	for _, u := range updated {
		if err := tx.checkChangedParents(u.d, u.old, u.row); err != nil {
			return err
		}
	}
	return nil
}

// checkChangedParents checks the relations of a row whose referencing
// columns changed.
func (tx *Tx) checkChangedParents(d *tableDef, old, row []any) error {
	for _, fk := range d.fks {
		changed := false
		for _, c := range fk.ChildCols {
			if !sameStored(old[c], row[c]) {
				changed = true
				break
			}
		}
		if changed {
			if err := tx.checkParent(d, fk, row); err != nil {
				return err
			}
		}
	}
	return nil
}

// sameStored reports whether two stored values are equal as keys (NULL
// equals only NULL).
func sameStored(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return index.Compare(a, b) == 0
}

// restrictError converts the planner's RESTRICT refusal.
func (tx *Tx) restrictError(re *relation.RestrictError) error {
	fk, err := tx.fkDef(re.FK)
	if err != nil {
		return err
	}
	return tx.stillReferenced(fk, re.Key, ErrRestrict)
}

// runPlanned plans a delete (new == nil) or an update of one row and
// executes the plan. On error the caller rolls the statement back.
func (tx *Tx) runPlanned(d *tableDef, pk []byte, old, new []any) error {
	p := tx.getPlanner()
	defer tx.putPlanner(p)
	plan, err := tx.plan(p, d, pk, old, new)
	if err != nil {
		return err
	}
	return tx.execPlan(plan)
}

// plan plans a delete (new == nil) or an update of one row with p; the
// plan is valid until p plans again. A RESTRICT refusal comes back as the
// *ConstraintError the statement returns.
func (tx *Tx) plan(p *planner, d *tableDef, pk []byte, old, new []any) (*relation.Plan, error) {
	var plan *relation.Plan
	var err error
	if new == nil {
		plan, err = p.Delete(d.name, pk, old)
	} else {
		plan, err = p.Update(d.name, pk, old, new)
	}
	var re *relation.RestrictError
	if errors.As(err, &re) {
		return nil, tx.restrictError(re)
	}
	return plan, err
}
