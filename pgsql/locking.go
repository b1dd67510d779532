package pgsql

import (
	"errors"
	"reflect"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// SELECT ... FOR UPDATE / FOR NO KEY UPDATE [OF t] [NOWAIT | SKIP LOCKED]
// over one table: the rows the query returns are locked for the rest of
// the transaction, in ORDER BY order and only as many as LIMIT and OFFSET
// keep, so `FOR UPDATE SKIP LOCKED LIMIT 1` hands each worker of a job
// queue its own row. Under READ COMMITTED a row another transaction
// holds is waited for (NOWAIT: 55P03; SKIP LOCKED: left out) and then
// re-checked against WHERE in its new version, as UPDATE does; the other
// levels take no locks and rely on their commit validation. FOR SHARE and
// FOR KEY SHARE, joins, grouping, DISTINCT and set operations with a
// locking clause are 0A000.

// lockedRows locks the rows of a locking SELECT and returns those it
// keeps, in their order. rows are the table's rows that passed WHERE.
func (s *Session) lockedRows(tx *engine.Tx, st *ir.Select, sc *scope, rows [][]any, targets []target, order []orderTerm, ev *evaluator) ([][]any, error) {
	lk := st.Locking[0]
	switch {
	case len(st.Locking) > 1, lk.Strength == ir.ForShare, lk.Strength == ir.ForKeyShare:
		return nil, pgerr.Unsupported(lk.String())
	case len(st.GroupBy) > 0, st.Having != nil, st.Distinct, hasAggregate(targets):
		return nil, pgerr.New(pgerr.FeatureNotSupported, "%s is not allowed with GROUP BY, aggregate functions or DISTINCT", lk.Strength)
	}
	ref, ok := st.From[0].(*ir.TableRef)
	if len(st.From) != 1 || !ok {
		return nil, pgerr.Unsupported(lk.Strength.String() + " over a join or subquery")
	}
	table, err := tableName(ref.Table)
	if err != nil {
		return nil, err
	}
	alias := table
	if ref.Alias != nil {
		alias = ref.Alias.Name
	}
	for _, t := range lk.Tables {
		if t != alias {
			return nil, pgerr.New(pgerr.UndefinedTable, `relation "%s" in %s clause not found in FROM clause`, t, lk.Strength)
		}
	}
	ts, err := s.schemaOf(tx, table)
	if err != nil {
		return nil, err
	}
	// Lock in the order the rows are returned, so that LIMIT stops early.
	if len(order) > 0 {
		keys := make([][]any, len(rows))
		for i, r := range rows {
			setRow(ev, r)
			keys[i] = make([]any, len(order))
			for j, o := range order {
				e := o.expr
				if o.target >= 0 {
					e = targets[o.target].expr
				}
				if keys[i][j], _, err = ev.eval(e); err != nil {
					return nil, err
				}
			}
		}
		rows = append([][]any(nil), rows...)
		if err := sortRows(rows, keys, order, targets, ev); err != nil {
			return nil, err
		}
	}
	// Rows beyond OFFSET + LIMIT are not returned, so not locked.
	want := int64(-1)
	if st.Limit != nil {
		lim, err := exprCount(st.Limit, ev)
		if err != nil {
			return nil, err
		}
		off, err := exprCount(st.Offset, ev)
		if err != nil {
			return nil, err
		}
		if lim >= 0 {
			want = max(off, 0) + lim
		}
	}
	var kept [][]any
	for _, r := range rows {
		if want >= 0 && int64(len(kept)) >= want {
			break
		}
		key := ts.key(r[:len(ts.types)])
		var rec engine.Record
		if lk.Wait == ir.LockWaitBlock {
			rec, err = tx.LockRow(table, key)
		} else {
			rec, err = tx.TryLockRow(table, key)
		}
		switch {
		case errors.Is(err, engine.ErrNotFound):
			continue
		case errors.Is(err, engine.ErrLockNotAvailable) && lk.Wait == ir.LockSkipLocked:
			continue
		case errors.Is(err, engine.ErrLockNotAvailable):
			return nil, pgerr.New("55P03", `could not obtain lock on row in relation "%s"`, table)
		case err != nil:
			return nil, err
		}
		cur := rec.Values()
		if !reflect.DeepEqual(r[:len(ts.types)], cur) {
			// Changed by a transaction that held it: its new version must
			// still match.
			r = append(append(make([]any, 0, len(r)), cur...), r[len(ts.types):]...)
			if st.Where != nil {
				sc.row = r
				v, _, err := ev.eval(st.Where)
				if err != nil {
					return nil, err
				}
				if v != true {
					continue
				}
			}
		}
		kept = append(kept, r)
	}
	return kept, nil
}

// hasAggregate reports whether a target calls an aggregate function.
func hasAggregate(targets []target) bool {
	found := false
	for _, t := range targets {
		ir.Inspect(t.expr, func(x ir.Expr) bool {
			if f, ok := x.(*ir.Func); ok && f.Schema == "" && isAggregate(f.Name) {
				found = true
			}
			return !found
		})
	}
	return found
}

// exprCount evaluates a LIMIT or OFFSET expression: -1 when absent or
// NULL (no bound); errors as limitRows reports them.
func exprCount(e ir.Expr, ev *evaluator) (int64, error) {
	if e == nil {
		return -1, nil
	}
	v, t, err := ev.eval(e)
	if err != nil || v == nil {
		return -1, err
	}
	v, err = cast(v, t, typInt8, false /* explicit */)
	if err != nil {
		return -1, err
	}
	return v.(int64), nil
}
