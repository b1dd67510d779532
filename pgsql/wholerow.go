package pgsql

import (
	"strconv"

	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Row values. reldb has no composite type, but a few functions take a
// row the way PostgreSQL's do: row_to_json, to_json[b], json[b]_agg,
// json[b]_build_object and _build_array. There a whole-row reference
// (t, or t.*, naming a FROM item: a table, view, subquery or WITH query
// where no column is named t) or a row constructor ROW(a, b) (whose
// fields are f1, f2, ...; t.* inside it stands for t's columns) is a
// value of a record type, held as the json text row_to_json gives it:
// keys are the column names in order, values are written as to_json
// writes them. Anywhere else a whole-row reference is the undefined
// column it always was, and ROW(...) 0A000.
//
// The whole row of a table on the NULL-padded side of an outer join is
// NULL where the join found no match, as in PostgreSQL. reldb's rows do
// not mark the padding, so it is told from the columns: all NULL where
// one of them (a primary key, a NOT NULL column, a keyless table's
// hidden row identity) cannot be. A subquery there whose columns are all
// NULL could be either: that is 0A000.

// takesRecord reports whether the function name accepts a row value.
func takesRecord(name string) bool {
	switch name {
	case "row_to_json", "to_json", "to_jsonb", "json_agg", "jsonb_agg",
		"json_build_object", "jsonb_build_object", "json_build_array", "jsonb_build_array":
		return true
	}
	return false
}

// typRecord is the type of a row value.
var typRecord = sqlType{kind: kJSON, record: true}

// evalArg evaluates a of the call f: as a row value where f takes one
// and a is one, else as any expression.
func (ev *evaluator) evalArg(f *ir.Func, a ir.Expr) (any, sqlType, error) {
	if takesRecord(f.Name) && (f.Schema == "" || f.Schema == "pg_catalog") {
		if v, ok, err := ev.record(a); ok || err != nil {
			return v, typRecord, err
		}
	}
	return ev.eval(a)
}

// record evaluates e when it is a row value: its json text, nil for a
// NULL row; ok is false for another expression.
func (ev *evaluator) record(e ir.Expr) (v any, ok bool, err error) {
	switch e := e.(type) {
	case *ir.Row:
		v, err := ev.rowConstructor(e)
		return v, true, err
	case *ir.ColumnRef:
		name := ""
		switch {
		case e.Star && e.Table != "" && e.Schema == "":
			name = e.Table
		case !e.Star && e.Table == "" && e.Schema == "":
			// A column of that name, here or in an enclosing query, wins.
			// (An enclosing query's whole row is 0A000 to ev.column.)
			if _, _, cerr := ev.column(e); pgerr.Code(cerr) != pgerr.UndefinedColumn && pgerr.Code(cerr) != pgerr.FeatureNotSupported {
				return nil, false, nil
			}
			name = e.Column
		default:
			return nil, false, nil
		}
		return ev.wholeRow(name)
	}
	return nil, false, nil
}

// wholeRow returns the json text of the row of the FROM item name, in
// this query or the nearest enclosing one that has it.
func (ev *evaluator) wholeRow(name string) (any, bool, error) {
	for x := ev; x != nil; {
		if x.sc != nil {
			for _, b := range x.sc.rels {
				if b.alias != name {
					continue
				}
				if x != ev && ev.q != nil && ev.q.corr != nil {
					*ev.q.corr = true
				}
				v, err := bindingJSON(x, b)
				return v, true, err
			}
		}
		if x.q == nil {
			break
		}
		x = x.q.outer
	}
	return nil, false, nil
}

// bindingJSON is the json text of b's columns in the row of ev's scope,
// or nil for the NULL row of an outer join's padding.
func bindingJSON(ev *evaluator, b binding) (any, error) {
	row := ev.sc.row[b.off : b.off+len(b.ts.types)]
	if b.nullable && allNil(row) {
		// Typing a query's output reads no rows: there are none to mistake.
		if b.ts.hidden > 0 || len(b.ts.def.PrimaryKey) > 0 || ev.readsNoRows() {
			return nil, nil
		}
		for _, c := range b.ts.def.Columns {
			if c.NotNull {
				return nil, nil
			}
		}
		return nil, pgerr.Unsupported("whole-row reference to " + strconv.Quote(b.alias) + " on the NULL side of an outer join, whose columns are all NULL")
	}
	buf := []byte{'{'}
	n := 0
	for i, t := range b.ts.types {
		if b.ts.isHidden(i) {
			continue
		}
		v, err := scopeValue(row[i], t)
		if err != nil {
			return nil, err
		}
		buf = appendField(buf, n, b.ts.def.Columns[i].Name, v, t)
		n++
	}
	return string(append(buf, '}')), nil
}

// appendField appends the n-th field of a record's json text.
func appendField(buf []byte, n int, key string, v any, t sqlType) []byte {
	if n > 0 {
		buf = append(buf, ',')
	}
	buf = appendJSONString(buf, key)
	buf = append(buf, ':')
	return appendToJSON(buf, v, t)
}

func allNil(row []any) bool {
	for _, v := range row {
		if v != nil {
			return false
		}
	}
	return true
}

// rowConstructor is the json text of ROW(...): fields f1, f2, ..., with
// t.* standing for t's columns.
func (ev *evaluator) rowConstructor(r *ir.Row) (any, error) {
	buf := []byte{'{'}
	n := 0
	add := func(v any, t sqlType) {
		buf = appendField(buf, n, "f"+strconv.Itoa(n+1), v, t)
		n++
	}
	for _, e := range r.Elems {
		if c, ok := e.(*ir.ColumnRef); ok && c.Star {
			if err := ev.starFields(c, add); err != nil {
				return nil, err
			}
			continue
		}
		v, ok, err := ev.record(e)
		t := typRecord
		if !ok && err == nil {
			v, t, err = ev.eval(e)
		}
		if err != nil {
			return nil, err
		}
		if t.kind == kUnknown && v != nil {
			t = typText // an untyped literal is text in a row
		}
		add(v, t)
	}
	return string(append(buf, '}')), nil
}

// starFields calls add with each value t.* (or *) stands for.
func (ev *evaluator) starFields(c *ir.ColumnRef, add func(any, sqlType)) error {
	if ev.sc == nil {
		return pgerr.Unsupported("* in this position")
	}
	found := false
	for _, i := range ev.sc.star() {
		if c.Table != "" && ev.sc.aliasAt(i) != c.Table {
			continue
		}
		found = true
		t := ev.sc.typeAt(i)
		v, err := scopeValue(ev.sc.row[i], t)
		if err != nil {
			return err
		}
		add(v, t)
	}
	if !found && c.Table != "" {
		return pgerr.New(pgerr.UndefinedTable, "missing FROM-clause entry for table %q", c.Table)
	}
	return nil
}

// rowToJSON is row_to_json(record [, pretty]).
func rowToJSON(vals []any, types []sqlType) (any, sqlType, error) {
	if len(vals) < 1 || len(vals) > 2 || !types[0].record || len(vals) == 2 && types[1].kind != kBool && types[1].kind != kUnknown {
		return nil, typJSON, jsonNoFunction("row_to_json", types)
	}
	if vals[0] == nil {
		return nil, typJSON, nil
	}
	if len(vals) == 2 {
		pretty := vals[1]
		if s, ok := pretty.(string); ok {
			var err error
			if pretty, err = parseText(typBool, s); err != nil {
				return nil, typJSON, err
			}
		}
		if pretty == nil {
			return nil, typJSON, nil
		}
		if pretty.(bool) {
			return prettyRecord(vals[0].(string)), typJSON, nil
		}
	}
	return vals[0], typJSON, nil
}

// prettyRecord puts each field of a record's json text after the first
// on a line of its own, as row_to_json(r, true) does.
func prettyRecord(text string) string {
	var out []byte
	depth, inString, escaped := 0, false, false
	for i := 0; i < len(text); i++ {
		c := text[i]
		out = append(out, c)
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			depth--
		case c == ',' && depth == 1:
			out = append(out, "\n "...)
		}
	}
	return string(out)
}

// wholeRowBinding returns the FROM item of sc that c, a whole-row
// reference, names: t.*, or t where sc has no column t.
func (sc *scope) wholeRowBinding(c *ir.ColumnRef) (binding, bool) {
	name := ""
	switch {
	case c.Schema != "":
		return binding{}, false
	case c.Star && c.Table != "":
		name = c.Table
	case !c.Star && c.Table == "":
		if _, _, err := sc.resolveName(c); pgerr.Code(err) != pgerr.UndefinedColumn {
			return binding{}, false
		}
		name = c.Column
	default:
		return binding{}, false
	}
	for _, b := range sc.rels {
		if b.alias == name {
			return b, true
		}
	}
	return binding{}, false
}

// isWholeRow reports whether c is a whole-row reference to a FROM item
// of an enclosing query.
func (ev *evaluator) isWholeRow(c *ir.ColumnRef) bool {
	if c.Star || c.Table != "" || c.Schema != "" {
		return false
	}
	for x := ev; x.q != nil && x.q.outer != nil; {
		x = x.q.outer
		if x.sc != nil {
			if _, ok := x.sc.wholeRowBinding(c); ok {
				return true
			}
		}
	}
	return false
}

func hasWholeRow(sc *scope, c *ir.ColumnRef) bool {
	_, ok := sc.wholeRowBinding(c)
	return ok
}
