package pgsql

import (
	"errors"
	"strconv"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Writes go through the engine one row at a time (Tx.Insert, Update,
// Delete), so foreign keys are checked after each row rather than at the
// end of the statement: a multi-row statement that is valid only as a
// whole (a self-referencing INSERT listing the child first, a DELETE of a
// parent and its NO ACTION child together) fails where PostgreSQL
// succeeds. An error anywhere fails the statement; the transaction it ran
// in is then rolled back (autocommit) or aborted (inside BEGIN), so its
// partial effect is never seen.

func (s *Session) insert(tx *engine.Tx, st *ir.Insert, ev *evaluator) (Result, error) {
	switch {
	case st.With != nil:
		return Result{}, pgerr.Unsupported("WITH in INSERT")
	case st.Query != nil:
		return Result{}, pgerr.Unsupported("INSERT ... SELECT")
	case st.OnConflict != nil:
		return Result{}, pgerr.Unsupported("ON CONFLICT")
	case st.Overriding != ir.OverridingNone:
		return Result{}, pgerr.Unsupported(st.Overriding.String())
	}
	table, err := tableName(st.Table)
	if err != nil {
		return Result{}, err
	}
	ts, err := s.schemaOf(tx, table)
	if err != nil {
		return Result{}, err
	}
	alias := table
	if st.Alias != "" {
		alias = st.Alias
	}
	var cols []int
	if len(st.Columns) == 0 {
		for i := range ts.def.Columns {
			cols = append(cols, i)
		}
	} else {
		seen := map[int]bool{}
		for _, c := range st.Columns {
			i, err := ts.column(c)
			if err != nil {
				return Result{}, err
			}
			if seen[i] {
				return Result{}, &Error{Code: pgerr.DuplicateColumn, Message: `column "` + c + `" specified more than once`}
			}
			seen[i] = true
			cols = append(cols, i)
		}
	}
	rows := st.Values
	if st.DefaultValues {
		rows = [][]ir.Expr{nil}
		cols = nil
	}
	res := Result{}
	ret, err := newReturning(ts, alias, st.Returning)
	if err != nil {
		return res, err
	}
	// Every row is built first and inserted as one engine statement, so
	// foreign keys are checked at the end of the statement, as PostgreSQL
	// checks them: a row may reference one listed after it.
	built := make([]engine.Row, 0, len(rows))
	for _, exprs := range rows {
		if len(exprs) > len(cols) {
			return res, pgerr.Syntax("INSERT has more expressions than target columns")
		}
		if len(exprs) < len(cols) && len(st.Columns) > 0 {
			return res, pgerr.Syntax("INSERT has more target columns than expressions")
		}
		row := engine.Row{}
		for j, e := range exprs {
			if _, ok := e.(*ir.Default); ok {
				continue
			}
			col := cols[j]
			v, t, err := ev.eval(e)
			if err != nil {
				return res, err
			}
			if v, err = assign(v, t, ts, col); err != nil {
				return res, err
			}
			row[ts.def.Columns[col].Name] = v
		}
		built = append(built, row)
	}
	recs, err := tx.InsertRows(table, built...)
	if err != nil {
		return res, err
	}
	for _, rec := range recs {
		if err := ret.add(ev, rec.Values()); err != nil {
			return res, err
		}
		res.RowsAffected++
	}
	res.Tag = "INSERT 0 " + strconv.FormatInt(res.RowsAffected, 10)
	ret.finish(&res)
	return res, nil
}

// assign converts a value for storage in column col: an assignment cast
// to the column's SQL type (range, length and precision checks).
func assign(v any, t sqlType, ts *tableSchema, col int) (any, error) {
	out, err := cast(v, t, ts.types[col], false /* explicit */)
	if err != nil {
		var pe *Error
		if errors.As(err, &pe) && pe.Code == pgerr.DatatypeMismatch {
			c := *pe
			c.Message = `column "` + ts.def.Columns[col].Name + `" is of type ` + ts.types[col].String() + " but expression is of type " + t.String()
			c.Column = ts.def.Columns[col].Name
			return nil, &c
		}
		return nil, err
	}
	return out, nil
}

// returning evaluates a RETURNING list over the rows a statement wrote.
type returning struct {
	targets []target
	sc      *scope
	rows    [][]any
}

func newReturning(ts *tableSchema, alias string, list []ir.Target) (*returning, error) {
	if len(list) == 0 {
		return nil, nil
	}
	sc := newScope(ts, alias)
	targets, err := expandTargets(sc, list)
	if err != nil {
		return nil, err
	}
	return &returning{targets: targets, sc: sc}, nil
}

func (r *returning) add(ev *evaluator, row []any) error {
	if r == nil {
		return nil
	}
	r.sc.row = row
	out := make([]any, len(r.targets))
	rowEv := ev.with(r.sc)
	for i, t := range r.targets {
		v, typ, err := rowEv.eval(t.expr)
		if err != nil {
			return err
		}
		out[i] = v
		if r.targets[i].typ.kind == kUnknown {
			r.targets[i].typ = typ
		}
	}
	r.rows = append(r.rows, out)
	return nil
}

func (r *returning) finish(res *Result) {
	if r == nil {
		return
	}
	res.Columns = columnsOf(r.targets)
	res.Rows = r.rows
	if res.Rows == nil {
		res.Rows = [][]any{}
	}
}

func (s *Session) update(tx *engine.Tx, st *ir.Update, ev *evaluator) (Result, error) {
	switch {
	case st.With != nil:
		return Result{}, pgerr.Unsupported("WITH in UPDATE")
	case len(st.From) > 0:
		return Result{}, pgerr.Unsupported("UPDATE ... FROM")
	}
	table, err := tableName(st.Table)
	if err != nil {
		return Result{}, err
	}
	ts, err := s.schemaOf(tx, table)
	if err != nil {
		return Result{}, err
	}
	alias := table
	if st.Alias != "" {
		alias = st.Alias
	}
	cols := make([]int, len(st.Set))
	for i, sc := range st.Set {
		if cols[i], err = ts.column(sc.Column); err != nil {
			return Result{}, err
		}
	}
	ret, err := newReturning(ts, alias, st.Returning)
	if err != nil {
		return Result{}, err
	}
	rows, err := scan(tx, ts, alias, st.Where, ev)
	if err != nil {
		return Result{}, err
	}
	res := Result{}
	sc := newScope(ts, alias)
	rowEv := ev.with(sc)
	for _, old := range rows {
		sc.row = old
		set := engine.Row{}
		for i, clause := range st.Set {
			col := cols[i]
			name := ts.def.Columns[col].Name
			if _, ok := clause.Value.(*ir.Default); ok {
				set[name] = ts.def.Columns[col].Default
				continue
			}
			v, t, err := rowEv.eval(clause.Value)
			if err != nil {
				return res, err
			}
			if set[name], err = assign(v, t, ts, col); err != nil {
				return res, err
			}
		}
		rec, err := tx.Update(table, ts.key(old), set)
		if errors.Is(err, engine.ErrNotFound) {
			// A cascade earlier in the statement removed the row.
			continue
		}
		if err != nil {
			return res, err
		}
		if err := ret.add(ev, rec.Values()); err != nil {
			return res, err
		}
		res.RowsAffected++
	}
	res.Tag = "UPDATE " + strconv.FormatInt(res.RowsAffected, 10)
	ret.finish(&res)
	return res, nil
}

func (s *Session) delete(tx *engine.Tx, st *ir.Delete, ev *evaluator) (Result, error) {
	switch {
	case st.With != nil:
		return Result{}, pgerr.Unsupported("WITH in DELETE")
	case len(st.Using) > 0:
		return Result{}, pgerr.Unsupported("DELETE ... USING")
	}
	table, err := tableName(st.Table)
	if err != nil {
		return Result{}, err
	}
	ts, err := s.schemaOf(tx, table)
	if err != nil {
		return Result{}, err
	}
	alias := table
	if st.Alias != "" {
		alias = st.Alias
	}
	ret, err := newReturning(ts, alias, st.Returning)
	if err != nil {
		return Result{}, err
	}
	rows, err := scan(tx, ts, alias, st.Where, ev)
	if err != nil {
		return Result{}, err
	}
	res := Result{}
	for _, old := range rows {
		err := tx.Delete(table, ts.key(old))
		if err != nil && !errors.Is(err, engine.ErrNotFound) {
			return res, err
		}
		// A row a cascade earlier in the statement removed still counts:
		// PostgreSQL deletes it in the statement's own scan, before the
		// cascades run.
		if err := ret.add(ev, old); err != nil {
			return res, err
		}
		res.RowsAffected++
	}
	res.Tag = "DELETE " + strconv.FormatInt(res.RowsAffected, 10)
	ret.finish(&res)
	return res, nil
}
