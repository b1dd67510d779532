package engine

import (
	"errors"
	"fmt"

	"github.com/reldb/reldb/index"
	"github.com/reldb/reldb/internal/catalog"
	"github.com/reldb/reldb/relation"
)

// reader adapts a Tx to relation.Reader for one plan, caching what the
// planner asks for again and again.
type reader struct {
	tx       *Tx
	incoming map[string][]*relation.FK
	defs     map[*relation.FK]*catalog.FK
	// scan serves every Children call not nested in another (the planner
	// nests none).
	scan childScan
}

// planner is a relation.Planner with the reader it reads through. The
// database pools them (DB.planners) so that a statement reuses the
// buffers of earlier plans instead of growing its own.
type planner struct {
	*relation.Planner
	r reader
}

// getPlanner returns a planner reading through tx. Put it back with
// putPlanner once the plan it returns is no longer used.
func (tx *Tx) getPlanner() *planner {
	p, _ := tx.db.planners.Get().(*planner)
	if p == nil {
		p = &planner{r: reader{incoming: map[string][]*relation.FK{}, defs: map[*relation.FK]*catalog.FK{}}}
		p.r.scan.visitFn = p.r.scan.visit
		p.Planner = relation.NewPlanner(&p.r)
	}
	p.r.tx = tx
	return p
}

// putPlanner returns p to the pool. Its caches belong to one transaction's
// view of the schema, so they are dropped.
func (tx *Tx) putPlanner(p *planner) {
	p.r.tx = nil
	clear(p.r.incoming)
	clear(p.r.defs)
	tx.db.planners.Put(p)
}

// Incoming implements relation.Reader: the relations referencing table.
func (r *reader) Incoming(table string) []*relation.FK {
	if fks, ok := r.incoming[table]; ok {
		return fks
	}
	d, err := r.tx.table(table)
	if err != nil {
		return nil
	}
	fks := make([]*relation.FK, len(d.Refs))
	for i, f := range d.Refs {
		fks[i] = f.FK
		r.defs[f.FK] = f
	}
	r.incoming[table] = fks
	return fks
}

// Children implements relation.Reader: the rows referencing key through fk.
func (r *reader) Children(fk *relation.FK, key []any, fn func(pk []byte, row []any) bool) error {
	def, ok := r.defs[fk]
	if !ok {
		var err error
		if def, err = r.tx.compiledFK(fk); err != nil {
			return err
		}
		r.defs[fk] = def
	}
	if r.scan.fn != nil {
		return r.tx.children(def, key, fn) // nested in a scan: one of its own
	}
	return r.tx.scanChildren(&r.scan, def, key, fn)
}

// Default implements relation.Reader: the default of a column.
func (r *reader) Default(table string, col int) any {
	d, err := r.tx.table(table)
	if err != nil {
		return nil
	}
	return d.Cols[col].Default
}

// compiledFK finds the compiled relation of a planner FK.
func (tx *Tx) compiledFK(fk *relation.FK) (*catalog.FK, error) {
	d, err := tx.table(fk.Parent)
	if err != nil {
		return nil, err
	}
	for _, f := range d.Refs {
		if f.FK == fk {
			return f, nil
		}
	}
	return nil, fmt.Errorf("reldb: relation %q vanished from table %q", fk.Name, fk.Parent)
}

// ActionHook is told of a row a foreign key's ON DELETE or ON UPDATE
// action (CASCADE, SET NULL, SET DEFAULT) changed: its table, the row
// before and after the change (new is nil for a delete), both in column
// order and read-only. An error fails the statement that set the action
// off.
type ActionHook func(table string, old, new []any) error

// SetActionHook installs fn to be called for every row a foreign key's
// action changes in the transaction, right after the change, and returns
// the hook it replaces (nil for none). The statement's own rows are not
// reported. It does nothing in a read-only transaction, where no action
// runs. pgsql uses it to fire the triggers of the tables an action
// changes.
func (tx *Tx) SetActionHook(fn ActionHook) ActionHook {
	if tx.writeState == nil {
		return nil
	}
	old := tx.actionHook
	tx.actionHook = fn
	return old
}

// execPlan applies a plan's row changes in order, then runs the checks the
// statement owes: NO ACTION for every changed referenced key (or defers
// them), and the parents of every row whose referencing columns changed.
// On error the caller rolls the statement back.
func (tx *Tx) execPlan(plan *relation.Plan) error {
	type changed struct {
		d   *catalog.Table
		row []any
		old []any
	}
	var updated []changed
	var d *catalog.Table
	for _, op := range plan.Ops {
		if d == nil || d.Name != op.Table { // ops come in runs of one table
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
			if op.Via != nil && tx.actionHook != nil {
				if err := tx.actionHook(op.Table, cur, nil); err != nil {
					return err
				}
			}
			continue
		}
		vals := tx.allocRow(d, len(cur))
		copy(vals, cur)
		for c, v := range op.Set {
			// A value from the parent takes the child column's type
			// modifiers, as PostgreSQL casts it (numeric scale).
			cv, err := catalog.Coerce(&d.Cols[c], v)
			if err != nil {
				return err
			}
			vals[c] = cv
		}
		if err := d.CheckNotNull(vals); err != nil {
			return err
		}
		if err := tx.replaceRow(d, cur, pk, vals); err != nil {
			return err
		}
		if op.Via != nil && tx.actionHook != nil {
			if err := tx.actionHook(op.Table, cur, vals); err != nil {
				return err
			}
		}
		updated = append(updated, changed{d, vals, cur})
	}
	for _, c := range plan.NoAction {
		fk, err := tx.compiledFK(c.FK)
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
	fk, err := tx.compiledFK(re.FK)
	if err != nil {
		return err
	}
	return tx.stillReferenced(fk, re.Key, ErrRestrict)
}

// runPlanned plans a delete (new == nil) or an update of one row and
// executes the plan. On error the caller rolls the statement back.
func (tx *Tx) runPlanned(d *catalog.Table, pk []byte, old, new []any) error {
	tx.t.EnterIntegrity() // the referential actions' reads are validated under every isolation level
	defer tx.t.LeaveIntegrity()
	p := tx.getPlanner()
	defer tx.putPlanner(p)
	plan, err := tx.lockedPlan(p, d, pk, old, new)
	if err != nil {
		return err
	}
	return tx.execPlan(plan)
}

// plan plans a delete (new == nil) or an update of one row with p; the
// plan is valid until p plans again. A RESTRICT refusal comes back as the
// *ConstraintError the statement returns.
func (tx *Tx) plan(p *planner, d *catalog.Table, pk []byte, old, new []any) (*relation.Plan, error) {
	var plan *relation.Plan
	var err error
	if new == nil {
		plan, err = p.Delete(d.Name, pk, old)
	} else {
		plan, err = p.Update(d.Name, pk, old, new)
	}
	var re *relation.RestrictError
	if errors.As(err, &re) {
		return nil, tx.restrictError(re)
	}
	return plan, err
}
