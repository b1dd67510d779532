package pgsql

import (
	"errors"
	"reflect"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// SELECT ... FOR UPDATE / FOR NO KEY UPDATE / FOR SHARE / FOR KEY SHARE
// [OF t] [NOWAIT | SKIP LOCKED] over one table: the rows the query returns
// are locked in that mode (engine.LockStrength, PostgreSQL's conflict
// table) for the rest of the transaction, in ORDER BY order and only as
// many as LIMIT and OFFSET keep, so `FOR UPDATE SKIP LOCKED LIMIT 1` hands
// each worker of a job queue its own row. Under READ COMMITTED a row
// another transaction holds in a conflicting mode is waited for (NOWAIT:
// 55P03; SKIP LOCKED: left out) and then re-checked against WHERE in its
// new version, as UPDATE does; REPEATABLE READ locks too, but a row
// changed since its snapshot is 40001; SERIALIZABLE takes no locks and
// relies on its commit validation. UPDATE locks its rows FOR NO KEY UPDATE (the
// engine takes FOR UPDATE once a key column changes), DELETE FOR UPDATE.
// Several locking clauses, joins, grouping, DISTINCT and set operations
// with a locking clause are 0A000.

// lockStrengths maps a locking clause's strength to the engine's mode.
var lockStrengths = map[ir.LockStrength]engine.LockStrength{
	ir.ForKeyShare: engine.ForKeyShare, ir.ForShare: engine.ForShare,
	ir.ForNoKeyUpdate: engine.ForNoKeyUpdate, ir.ForUpdate: engine.ForUpdate,
}

// lockedRows locks the rows of a locking SELECT and returns those it
// keeps, in their order. rows are the table's rows that passed WHERE.
func (s *Session) lockedRows(tx *engine.Tx, st *ir.Select, sc *scope, rows [][]any, targets []target, order []orderTerm, ev *evaluator) ([][]any, error) {
	lk := st.Locking[0]
	mode, known := lockStrengths[lk.Strength]
	switch {
	case len(st.Locking) > 1, !known:
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
	if lim, ok, err := limitCount(st.Limit, "LIMIT", "2201W", ev); err != nil {
		return nil, err
	} else if ok {
		off, _, err := limitCount(st.Offset, "OFFSET", "2201X", ev)
		if err != nil {
			return nil, err
		}
		want = off + lim
	}
	var kept [][]any
	for _, r := range rows {
		if want >= 0 && int64(len(kept)) >= want {
			break
		}
		r, ok, err := s.relock(tx, table, ts, sc, r, st.Where, ev, mode, lk.Wait == ir.LockWaitBlock)
		switch {
		case errors.Is(err, engine.ErrLockNotAvailable) && lk.Wait == ir.LockSkipLocked:
			continue
		case errors.Is(err, engine.ErrLockNotAvailable):
			return nil, pgerr.New("55P03", `could not obtain lock on row in relation "%s"`, table)
		case err != nil:
			return nil, err
		case ok:
			kept = append(kept, r)
		}
	}
	return kept, nil
}

// relock locks the table row at the start of row (the rest of it comes
// from FROM / USING) in mode, waiting for a holder or not
// (ErrLockNotAvailable),
// and returns the row as it now is and whether the statement still
// applies to it: a version another transaction committed meanwhile must
// still match where, and a row it deleted is skipped — PostgreSQL's
// re-check of updated rows. Outside READ COMMITTED the engine takes no
// lock and the row comes back as found.
func (s *Session) relock(tx *engine.Tx, table string, ts *tableSchema, sc *scope, row []any, where ir.Expr, ev *evaluator, mode engine.LockStrength, wait bool) ([]any, bool, error) {
	old := row[:len(ts.types)]
	var rec engine.Record
	var err error
	if wait {
		rec, err = tx.LockRowFor(table, ts.key(old), mode)
	} else {
		rec, err = tx.TryLockRowFor(table, ts.key(old), mode)
	}
	if errors.Is(err, engine.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	cur := rec.Values()
	if reflect.DeepEqual(old, cur) {
		return row, true, nil
	}
	row = append(append(make([]any, 0, len(row)), cur...), row[len(ts.types):]...)
	if where == nil {
		return row, true, nil
	}
	sc.row = row
	v, _, err := ev.with(sc).eval(where)
	if err != nil {
		return nil, false, err
	}
	return row, v == true, nil
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
