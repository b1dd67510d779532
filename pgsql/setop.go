package pgsql

import (
	"strconv"
	"strings"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// VALUES lists and set operations produce their rows first; ORDER BY,
// LIMIT and OFFSET then apply to the output columns only. Their column
// types are resolved as PostgreSQL's select_common_type does for the
// common cases: untyped literals take the other rows' type (text when
// all are untyped), integers widen, integers and numerics make numeric,
// any float makes double precision, and other mixes are 42804.

// values is a VALUES list: columns column1, column2, ...
func (s *Session) values(st *ir.Select, ev *evaluator) ([]target, [][]any, error) {
	n := len(st.Values[0])
	targets := make([]target, n)
	for i := range targets {
		targets[i] = target{name: "column" + strconv.Itoa(i+1), typ: typUnknown}
	}
	rows := make([][]any, len(st.Values))
	types := make([][]sqlType, len(st.Values))
	for r, list := range st.Values {
		if len(list) != n {
			return nil, nil, pgerr.New(pgerr.SyntaxError, "VALUES lists must all be the same length")
		}
		rows[r], types[r] = make([]any, n), make([]sqlType, n)
		for c, e := range list {
			if err := noAggregates(e, "VALUES"); err != nil {
				return nil, nil, err
			}
			v, t, err := ev.eval(e)
			if err != nil {
				return nil, nil, err
			}
			rows[r][c], types[r][c] = v, t
			if targets[c].typ, err = commonType(targets[c].typ, t, "VALUES"); err != nil {
				return nil, nil, err
			}
		}
	}
	if err := castColumns(targets, rows, types); err != nil {
		return nil, nil, err
	}
	return targets, rows, nil
}

// castColumns converts every value to its column's type, text for a
// column of untyped literals only.
func castColumns(targets []target, rows [][]any, types [][]sqlType) error {
	for c := range targets {
		if targets[c].typ.kind == kUnknown {
			targets[c].typ = typText
		}
	}
	for r, row := range rows {
		for c, v := range row {
			var err error
			if row[c], err = cast(v, types[r][c], targets[c].typ, false /* explicit */); err != nil {
				return err
			}
		}
	}
	return nil
}

// setOp is UNION, INTERSECT or EXCEPT [ALL]: the left side's column
// names, both sides' common types.
func (s *Session) setOp(tx *engine.Tx, st *ir.Select, ev *evaluator) ([]target, [][]any, error) {
	op := st.SetOp
	left, err := s.query(tx, op.Left, ev)
	if err != nil {
		return nil, nil, err
	}
	right, err := s.query(tx, op.Right, ev)
	if err != nil {
		return nil, nil, err
	}
	if len(left.Columns) != len(right.Columns) {
		return nil, nil, pgerr.New(pgerr.SyntaxError, "each %s query must have the same number of columns", op.Op)
	}
	targets := make([]target, len(left.Columns))
	for i, c := range left.Columns {
		t, err := commonType(c.typ, right.Columns[i].typ, op.Op.String())
		if err != nil {
			return nil, nil, err
		}
		targets[i] = target{name: c.Name, typ: t}
	}
	var rows [][]any
	var types [][]sqlType
	for _, side := range []Result{left, right} {
		ts := make([]sqlType, len(side.Columns))
		for i, c := range side.Columns {
			ts[i] = c.typ
		}
		for _, r := range side.Rows {
			rows = append(rows, append([]any(nil), r...))
			types = append(types, ts)
		}
	}
	if err := castColumns(targets, rows, types); err != nil {
		return nil, nil, err
	}
	if err := jsonComparable(!op.All || op.Op != ir.Union, targets, nil); err != nil { // jsonops.go
		return nil, nil, err
	}
	l, r := rows[:len(left.Rows)], rows[len(left.Rows):]
	var out [][]any
	switch op.Op {
	case ir.Union:
		out = rows
		if !op.All {
			out = distinctRows(out, targets)
		}
	case ir.Intersect, ir.Except:
		counts := map[string]int{}
		for _, row := range r {
			counts[rowKey(row, targets)]++
		}
		if !op.All {
			l = distinctRows(l, targets)
		}
		for _, row := range l {
			k := rowKey(row, targets)
			in := counts[k] > 0
			if in && op.All {
				counts[k]--
			}
			if in == (op.Op == ir.Intersect) {
				out = append(out, row)
			}
		}
	}
	return targets, out, nil
}

// rowKey is a row's identity for DISTINCT and set operations, its
// columns of the targets' types (untyped when targets is nil).
func rowKey(row []any, targets []target) string {
	var k strings.Builder
	for i, v := range row {
		if targets != nil {
			k.WriteString(typedKey(v, targets[i].typ))
		} else {
			k.WriteString(valueKey(v))
		}
	}
	return k.String()
}

// distinctRows keeps the first of each set of equal rows.
func distinctRows(rows [][]any, targets []target) [][]any {
	seen := map[string]bool{}
	var out [][]any
	for _, r := range rows {
		k := rowKey(r, targets)
		if !seen[k] {
			seen[k] = true
			out = append(out, r)
		}
	}
	return out
}

// output applies ORDER BY, LIMIT and OFFSET to rows of output columns
// only, as after VALUES or a set operation: ORDER BY names an output
// column or its position.
func output(st *ir.Select, targets []target, rows [][]any, ev *evaluator) (Result, error) {
	order, err := orderTerms(st.OrderBy, targets)
	if err != nil {
		return Result{}, err
	}
	keys := make([][]any, len(rows))
	for i, o := range order {
		if o.target < 0 {
			if c, ok := o.expr.(*ir.ColumnRef); ok && c.Table == "" && !c.Star {
				return Result{}, pgerr.UndefinedColumnError(c.Column)
			}
			return Result{}, pgerr.Unsupported("ORDER BY expression over " + setName(st))
		}
		for r, row := range rows {
			if i == 0 {
				keys[r] = make([]any, len(order))
			}
			keys[r][i] = row[o.target]
		}
	}
	if err := jsonComparable(false, targets, order); err != nil { // jsonops.go
		return Result{}, err
	}
	if len(order) > 0 {
		if err := sortRows(rows, keys, order, targets, ev); err != nil {
			return Result{}, err
		}
	}
	return selectResult(st, rows, targets, ev)
}

func setName(st *ir.Select) string {
	if st.SetOp != nil {
		return st.SetOp.Op.String()
	}
	return "VALUES"
}
