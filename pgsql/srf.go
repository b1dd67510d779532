package pgsql

import (
	"strings"
	"time"

	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Functions in FROM, as PostgreSQL reads them. A set-returning function
// gives the item its rows: generate_series(start, stop [, step]) over
// integers and over timestamps with an interval step, unnest(array), and pg_partition_ancestors(regclass), which
// has no rows here since reldb has no partitions (PostgreSQL returns none
// for a relation that is not a partition or partitioned). Any other
// function is read as one row holding its value. The item has one column,
// named by the alias's first column name, else by the alias, else by the
// function (relid for pg_partition_ancestors); WITH ORDINALITY appends a
// bigint column, ordinality, numbering the rows from 1.
//
// A FROM item is computed once per evaluation of its query, before any
// other item's rows, unless its arguments name a column: then it is
// LATERAL, as in PostgreSQL, and read once per row of the items before it
// (from.go's lateral). A set-returning function elsewhere is 0A000, but for a SELECT
// of one such call without FROM, which is the same as reading it in FROM.

// setReturning reports whether a function name is one of the
// set-returning functions above.
func setReturning(f *ir.Func) bool {
	if f.Schema != "" && f.Schema != "pg_catalog" {
		return false
	}
	switch f.Name {
	case "generate_series", "unnest", "pg_partition_ancestors", "regexp_matches", "regexp_split_to_table", "pg_listening_channels":
		return true
	}
	return jsonSetFunctions[f.Name]
}

// funcSource reads a function in FROM.
func (s *Session) funcSource(it *ir.FuncRef, ev *evaluator) (*source, error) {
	f := it.Func
	if fd, ok := s.userFunc(f); ok && fd.user.decl.Setof && ev.q != nil {
		res, err := ev.callUserSet(fd, f) // userfunc.go
		if err != nil {
			return nil, err
		}
		if len(res.Columns) == 1 && it.Alias != nil && res.Columns[0].Name == f.Name {
			res.Columns[0].Name = it.Alias.Name
		}
		if it.Ordinality {
			res.Columns = append(res.Columns, Column{Name: "ordinality", typ: typInt8})
			for i := range res.Rows {
				res.Rows[i] = append(res.Rows[i], int64(i+1))
			}
		}
		return funcItem(it, res)
	}
	col := Column{Name: f.Name}
	var vals []any
	if setReturning(f) {
		if f.Distinct || len(f.OrderBy) > 0 || f.Star {
			return nil, pgerr.Unsupported("function " + f.String())
		}
		args := make([]any, len(f.Args))
		types := make([]sqlType, len(f.Args))
		for i, a := range f.Args {
			var err error
			if args[i], types[i], err = ev.eval(a); err != nil {
				return nil, err
			}
		}
		if jsonSetFunctions[f.Name] {
			return jsonSource(it, args, types)
		}
		var err error
		switch f.Name {
		case "generate_series":
			vals, col.typ, err = generateSeries(args, types)
		case "unnest":
			vals, col.typ, err = unnest(args, types)
		case "regexp_matches", "regexp_split_to_table":
			vals, col.typ, err = regexSetFunc(f.Name, args, types) // regexfuncs.go
		case "pg_listening_channels":
			vals, col.typ, err = s.listeningChannels(types) // notify.go
		case "pg_partition_ancestors":
			col.Name, col.typ = "relid", typInt8
			if len(args) != 1 {
				err = pgerr.New(pgerr.UndefinedFunction, "function pg_partition_ancestors with %d arguments does not exist", len(args))
			} else if s, ok := args[0].(string); ok {
				_, err = ev.regOID("regclass", s) // a name must name a relation
			}
		}
		if err != nil {
			return nil, err
		}
	} else {
		v, t, err := ev.call(f)
		if err != nil {
			return nil, err
		}
		vals, col.typ = []any{v}, t
	}
	if col.typ.kind == kUnknown {
		col.typ = typText
	}
	if it.Alias != nil && col.Name == f.Name {
		col.Name = it.Alias.Name // a function of a scalar type takes the alias's name
	}
	res := Result{Columns: []Column{col}, Rows: make([][]any, len(vals))}
	if it.Ordinality {
		res.Columns = append(res.Columns, Column{Name: "ordinality", typ: typInt8})
	}
	for i, v := range vals {
		res.Rows[i] = []any{v}
		if it.Ordinality {
			res.Rows[i] = append(res.Rows[i], int64(i+1))
		}
	}
	return funcItem(it, res)
}

// funcItem is the FROM item of function call it whose rows are res's,
// named by its alias or, without one, the function.
func funcItem(it *ir.FuncRef, res Result) (*source, error) {
	ts, rows, err := derived(res, it.Alias)
	if err != nil {
		return nil, err
	}
	alias := it.Func.Name
	if it.Alias != nil {
		alias = it.Alias.Name
	}
	return &source{sc: newScope(ts, alias), rows: rows}, nil
}

// jsonSource reads a set-returning json function (jsonfuncs.go) in FROM.
func jsonSource(it *ir.FuncRef, args []any, types []sqlType) (*source, error) {
	f := it.Func
	cols, rows, err := jsonSetFunction(f.Name, args, types)
	if err != nil {
		return nil, err
	}
	if it.Alias != nil && len(cols) == 1 && cols[0].Name == f.Name {
		cols[0].Name = it.Alias.Name
	}
	res := Result{Columns: cols, Rows: rows}
	if it.Ordinality {
		res.Columns = append(res.Columns, Column{Name: "ordinality", typ: typInt8})
		for i := range res.Rows {
			res.Rows[i] = append(res.Rows[i], int64(i+1))
		}
	}
	return funcItem(it, res)
}

// maxSeries bounds the rows one generate_series may make, so that a typo
// cannot exhaust memory.
const maxSeries = 10_000_000

// generateSeries is generate_series(start, stop [, step]) over integers:
// int4 when every argument is, else int8; no rows when an argument is
// NULL; 22023 for a zero step. Over timestamps, see generateTimeSeries.
func generateSeries(args []any, types []sqlType) ([]any, sqlType, error) {
	if len(args) != 2 && len(args) != 3 {
		return nil, typInt8, pgerr.New(pgerr.UndefinedFunction, "function generate_series with %d arguments does not exist", len(args))
	}
	if timeSeries(types) {
		return generateTimeSeries(args, types)
	}
	t := typInt4
	for i, at := range types {
		switch {
		case at.kind == kUnknown && args[i] == nil:
		case at.kind == kUnknown:
			e := pgerr.New("42725", "function generate_series(unknown, ...) is not unique")
			e.Hint = "Could not choose a best candidate function. You might need to add explicit type casts."
			return nil, t, e
		case at.isInt() && !at.array:
			if at.kind == kInt8 {
				t = typInt8
			}
		default:
			return nil, t, pgerr.Unsupported("generate_series over " + formatTypeName(at, false))
		}
	}
	ints := make([]int64, 3)
	ints[2] = 1
	for i, v := range args {
		if v == nil {
			return nil, t, nil
		}
		ints[i] = v.(int64)
	}
	start, stop, step := ints[0], ints[1], ints[2]
	if step == 0 {
		return nil, t, pgerr.New("22023", "step size cannot equal zero")
	}
	var out []any
	for x := start; step > 0 && x <= stop || step < 0 && x >= stop; x += step {
		if len(out) == maxSeries {
			return nil, t, pgerr.New("54000", "generate_series would return more than %d rows", maxSeries)
		}
		out = append(out, x)
		if step > 0 && x > (1<<63-1)-step || step < 0 && x < -(1<<63)-step {
			break // the next value would overflow: the series ends here
		}
	}
	return out, t, nil
}

// unnest is unnest(array): the elements in order; none for a NULL array.
func unnest(args []any, types []sqlType) ([]any, sqlType, error) {
	if len(args) != 1 {
		return nil, typUnknown, pgerr.Unsupported("unnest of several arrays")
	}
	t := types[0]
	switch {
	case t.kind == kUnknown && args[0] != nil:
		e := pgerr.New("42725", "function unnest(unknown) is not unique")
		e.Hint = "Could not choose a best candidate function. You might need to add explicit type casts."
		return nil, t, e
	case t.kind != kUnknown && !t.array:
		return nil, t, pgerr.New(pgerr.UndefinedFunction, "function unnest(%s) does not exist", formatTypeName(t, false))
	}
	t.array, t.vector = false, false
	if args[0] == nil {
		return nil, t, nil
	}
	return args[0].([]any), t, nil
}

// srfQuery rewrites SELECT f(...) [AS a], with no FROM and f
// set-returning, as a SELECT from f; ok is false for any other query.
func srfQuery(st *ir.Select) (*ir.Select, bool) {
	if len(st.From) > 0 || len(st.Targets) != 1 || st.Distinct || st.GroupBy != nil || st.Having != nil {
		return nil, false
	}
	f, ok := st.Targets[0].Expr.(*ir.Func)
	if !ok || !setReturning(f) || strings.Contains(f.Name, "_each") {
		return nil, false // json_each's rows are records in a select list: 0A000
	}
	name := st.Targets[0].Alias
	if name == "" {
		name = f.Name
	}
	out := *st
	out.From = []ir.FromItem{&ir.FuncRef{Func: f, Alias: &ir.Alias{Name: f.Name, Columns: []string{name}}}}
	out.Targets = []ir.Target{{Expr: &ir.ColumnRef{Table: f.Name, Column: name}, Alias: st.Targets[0].Alias}}
	return &out, true
}

// timeSeries reports whether generate_series's arguments choose its
// timestamp form: one of them is a date, a timestamp or an interval.
func timeSeries(types []sqlType) bool {
	for _, t := range types {
		if !t.array && (timeKind(t) || t.kind == kInterval) {
			return true
		}
	}
	return false
}

// generateTimeSeries is generate_series(start, stop, step interval) over
// timestamps, as PostgreSQL resolves it: timestamp when a bound is a
// timestamp and none a timestamptz (a date beside a timestamp is read as
// one), else timestamptz (dates alone, untyped literals). Each value is
// the previous one plus step, with timestamp + interval's month-end
// clamping; the series runs up to stop for a step above zero, down to it
// for one below (intervals compared as PostgreSQL compares them), and a
// step equal to zero is 22023. No rows when an argument is NULL.
func generateTimeSeries(args []any, types []sqlType) ([]any, sqlType, error) {
	vals, t, ok, err := timeArgs("generate_series", args, types, 2) // datebin.go
	if !ok || err != nil {
		return nil, t, err
	}
	start, stop := vals[0].(time.Time), vals[1].(time.Time)
	step, err := asInterval(vals[2])
	if err != nil {
		return nil, t, err
	}
	sign := compareIntervals(step, Interval{})
	if sign == 0 {
		return nil, t, pgerr.New("22023", "step size cannot equal zero")
	}
	var out []any
	for x := start; sign > 0 && !x.After(stop) || sign < 0 && !x.Before(stop); {
		if len(out) == maxSeries {
			return nil, t, pgerr.New("54000", "generate_series would return more than %d rows", maxSeries)
		}
		out = append(out, x)
		if x, err = addInterval(x, step); err != nil {
			return nil, t, err
		}
	}
	return out, t, nil
}
