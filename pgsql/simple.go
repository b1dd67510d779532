package pgsql

import (
	"errors"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
)

// Most of what an application sends is a simple query: some columns of one
// table, the rows whose columns equal parameters, perhaps ordered and
// limited — sqlc's GetAuthor, ListBooksByAuthor. A session plans such a
// SELECT once, into a simplePlan, and runs the plan straight through the
// engine's query, without the evaluator's per-row work: the engine's
// equality on an integer, text or boolean column is SQL's, so no row needs
// checking again, and the output is the row's own values.
//
// The plan is kept per statement while the table's definition and SQL
// declarations are those it was made for (schemaKey). A statement that is
// not simple, and a run whose arguments the plan cannot take as they are (a
// NULL, a value of another type than its column's), goes to the general
// executor, which gives the same answer by the longer road; a test runs
// the conformance corpus both ways (simple_test.go).

// simplePlan is a simple SELECT planned for one table schema.
type simplePlan struct {
	key   schemaKey
	table string
	// cols are the table's columns in output order; whole says they are
	// every column of the stored row, in its order.
	cols    []int
	whole   bool
	width   int // of the table's rows
	columns []Column
	conds   []simpleCond
	order   []simpleOrder
	// limit and offset are nil when absent.
	limit, offset *simpleValue
	// point says conds is one equality on the whole primary key, and
	// there is no ORDER BY or OFFSET: a lookup of at most one row.
	point bool
	// join is set for a join of table with a second one looked up by its
	// primary key (simplejoin.go); cols are then unused.
	join *simpleJoin
	// prep is the engine query of conds and order, prepared; nil when a
	// condition is = ANY.
	prep *engine.PreparedQuery
}

// simpleCond is column op value, or column = ANY (parameter) when any.
// op is "=", or for an integer column also "<", "<=", ">" or ">=", which
// the engine compares exactly as SQL does.
type simpleCond struct {
	col  string
	op   string
	t    sqlType // the column's
	v    simpleValue
	kind simpleKind
	any  bool
}

// simpleKind is the family of an equality's column, which its value must
// have: the engine compares these exactly as SQL does.
type simpleKind uint8

const (
	simpleInt simpleKind = iota
	simpleText
	simpleBool
)

// simpleValue is a parameter ($param) or a constant (param 0, val).
type simpleValue struct {
	param int
	val   any
}

type simpleOrder struct {
	col string
	dir engine.Order
}

// maxSimplePlans bounds a session's plan cache: past it the cache starts
// again.
const maxSimplePlans = 256

// simpleSelect runs st through its simple plan when it has one that the
// arguments fit; ok is false when the general executor must run it.
func (s *Session) simpleSelect(tx *engine.Tx, st *ir.Select, args []any) (res Result, ok bool, err error) {
	if s.noSimple {
		return Result{}, false, nil
	}
	p, found := s.simple[st]
	if found && p != nil {
		found = s.stillKey(tx, p.table, p.key) && (p.join == nil || s.stillKey(tx, p.join.table, p.join.key))
	}
	if !found {
		// A statement found not simple is remembered as nil and stays
		// with the general executor, even if its table changes.
		p = s.planSimple(tx, st)
		if s.simple == nil || len(s.simple) >= maxSimplePlans {
			s.simple = make(map[*ir.Select]*simplePlan)
		}
		s.simple[st] = p
	}
	if p == nil {
		return Result{}, false, nil
	}
	return p.run(s, tx, args)
}

// stillKey reports whether table's definition and declarations are still
// those of key, which a plan over it was made for.
func (s *Session) stillKey(tx *engine.Tx, table string, key schemaKey) bool {
	version, err := tx.TableVersion(table)
	return err == nil && (schemaKey{version, s.decl(table)}) == key
}

// planSimple returns st's simple plan, or nil when st is not simple.
func (s *Session) planSimple(tx *engine.Tx, st *ir.Select) *simplePlan {
	if st.With != nil || st.Distinct || len(st.GroupBy) > 0 || st.Having != nil ||
		st.Values != nil || st.SetOp != nil || len(st.Locking) > 0 || len(st.From) != 1 ||
		st.DistinctOn != nil || hasWindows(st) {
		return nil
	}
	if j, ok := st.From[0].(*ir.Join); ok {
		return s.planSimpleJoin(tx, st, j)
	}
	t, ok := s.simpleTable(tx, st.From[0])
	if !ok {
		return nil
	}
	ts, alias := t.ts, t.alias
	p := &simplePlan{key: t.key, table: t.name, width: len(ts.def.Columns)}
	// column resolves a column reference to the table's column position.
	column := func(e ir.Expr) (int, bool) {
		c, ok := e.(*ir.ColumnRef)
		if !ok || c.Star || (c.Table != "" && c.Table != alias) {
			return 0, false
		}
		i, ok := ts.index[c.Column]
		return i, ok
	}
	for _, t := range st.Targets {
		if c, ok := t.Expr.(*ir.ColumnRef); ok && c.Star {
			if c.Table != "" && c.Table != alias {
				return nil
			}
			for _, i := range ts.visibleColumns() {
				if !storedAsIs(ts.types[i]) {
					return nil
				}
				p.cols = append(p.cols, i)
				p.columns = append(p.columns, Column{Name: ts.def.Columns[i].Name, typ: ts.types[i]})
			}
			continue
		}
		i, ok := column(t.Expr)
		if !ok || !storedAsIs(ts.types[i]) {
			return nil
		}
		p.cols = append(p.cols, i)
		p.columns = append(p.columns, Column{Name: targetName(t), typ: ts.types[i]})
	}
	if len(p.cols) == 0 {
		return nil
	}
	p.whole = len(p.cols) == len(ts.def.Columns)
	for i, c := range p.cols {
		p.whole = p.whole && c == i
	}
	if p.conds, ok = simpleConds(st.Where, ts, column); !ok {
		return nil
	}
	for _, o := range st.OrderBy {
		// Only NOT NULL columns, where the engine's order is SQL's
		// whatever NULLS FIRST or LAST says, and integer or boolean
		// ones; an output column's name wins over an input column's.
		var i int
		switch e := o.Expr.(type) {
		case *ir.Ordinal:
			if e.N < 1 || int(e.N) > len(p.cols) {
				return nil
			}
			i = p.cols[e.N-1]
		case *ir.ColumnRef:
			named := -1
			if e.Table == "" {
				for j, c := range p.columns {
					if c.Name == e.Column {
						if named >= 0 {
							return nil // ambiguous: the general executor's error
						}
						named = p.cols[j]
					}
				}
			}
			if named >= 0 {
				i = named
			} else if i, ok = column(e); !ok {
				return nil
			}
		default:
			return nil
		}
		switch ts.types[i].kind {
		case kInt2, kInt4, kInt8, kBool:
		default:
			return nil
		}
		if !ts.def.Columns[i].NotNull {
			return nil
		}
		dir := engine.Asc
		if o.Dir == ir.SortDesc {
			dir = engine.Desc
		}
		p.order = append(p.order, simpleOrder{col: ts.def.Columns[i].Name, dir: dir})
	}
	for _, lim := range []struct {
		e   ir.Expr
		dst **simpleValue
	}{{st.Limit, &p.limit}, {st.Offset, &p.offset}} {
		if lim.e == nil {
			continue
		}
		v, ok := simpleOperand(lim.e)
		if !ok {
			return nil
		}
		if v.param == 0 {
			n, ok := v.val.(int64)
			if !ok || n < 0 {
				return nil
			}
		}
		*lim.dst = &v
	}
	p.point = len(p.conds) == 1 && !p.conds[0].any && p.conds[0].op == "=" && len(ts.pk) == 1 && ts.hidden == 0 &&
		p.conds[0].col == ts.def.Columns[ts.pk[0]].Name && p.offset == nil
	p.prepare()
	return p
}

// prepare makes the plan's engine query a prepared one, each condition's
// value its parameter, so that a run does not plan it again — unless a
// condition is = ANY, whose list's length the engine's plan depends on.
func (p *simplePlan) prepare() {
	conds := make([]engine.Cond, len(p.conds))
	for i := range p.conds {
		c := &p.conds[i]
		v := engine.Param(i + 1)
		switch {
		case c.any:
			return
		case c.op == "<":
			conds[i] = engine.Lt(c.col, v)
		case c.op == "<=":
			conds[i] = engine.Le(c.col, v)
		case c.op == ">":
			conds[i] = engine.Gt(c.col, v)
		case c.op == ">=":
			conds[i] = engine.Ge(c.col, v)
		default:
			conds[i] = engine.Eq(c.col, v)
		}
	}
	p.prep = engine.Prepare(p.table, conds...)
	for _, o := range p.order {
		p.prep = p.prep.OrderBy(o.col, o.dir)
	}
}

// simpleTable is a base table a simple plan reads: its name, the name it
// goes by in the query, its schema and the key the plan is kept under.
type simpleTable struct {
	name, alias string
	ts          *tableSchema
	key         schemaKey
}

// simpleTable resolves a FROM item that is a base table, without column
// aliases, for a simple plan; ok is false for anything else (a catalog
// relation, a view, an unknown name: the general executor says why).
func (s *Session) simpleTable(tx *engine.Tx, it ir.FromItem) (simpleTable, bool) {
	ref, ok := it.(*ir.TableRef)
	if !ok || (ref.Alias != nil && len(ref.Alias.Columns) > 0) {
		return simpleTable{}, false
	}
	if _, isCat, err := catalogRelationNamed(ref.Table); isCat || err != nil {
		return simpleTable{}, false
	}
	name, err := tableName(ref.Table)
	if err != nil || reservedName(name) {
		return simpleTable{}, false
	}
	version, err := tx.TableVersion(name)
	if err != nil {
		return simpleTable{}, false
	}
	ts, err := s.schemaOf(tx, name)
	if err != nil {
		return simpleTable{}, false
	}
	alias := name
	if ref.Alias != nil {
		alias = ref.Alias.Name
	}
	return simpleTable{name: name, alias: alias, ts: ts, key: schemaKey{version, s.decl(name)}}, true
}

// storedAsIs reports whether a column of type t stores its SQL values as
// they are, as the evaluator's column reads them; an interval is stored as
// its text and decoded on reading (interval.go), and so is a jsonb value
// (json.go).
func storedAsIs(t sqlType) bool {
	return t.kind != kInterval && t.kind != kJSONB && t.kind != kEnum && !t.array
}

// simpleOperand returns a parameter, or an integer or string constant (as
// int64, or as the untyped string, which a column types).
func simpleOperand(e ir.Expr) (simpleValue, bool) {
	switch e := e.(type) {
	case *ir.Param:
		return simpleValue{param: e.Number}, e.Number >= 1
	case *ir.Const:
		switch e.Kind {
		case ir.ConstInteger:
			n, err := parseText(typInt8, e.Value)
			return simpleValue{val: n}, err == nil
		case ir.ConstString:
			return simpleValue{val: e.Value}, true
		}
	}
	return simpleValue{}, false
}

// fit returns v as a value the engine compares with the column exactly as
// SQL compares them, if it is one: a non-NULL value of the column's family,
// an untyped string converted to the column's type as PostgreSQL would.
func (c *simpleCond) fit(v any) (any, bool) {
	if a, ok := v.(typedArg); ok {
		v = a.v
		switch {
		case a.t.kind == kUnknown:
		case c.kind == simpleInt && a.t.isInt(), c.kind == simpleText && a.t.isText(), c.kind == simpleBool && a.t.kind == kBool:
			return v, v != nil
		default:
			return nil, false
		}
	}
	switch x := v.(type) {
	case int64:
		return v, c.kind == simpleInt
	case bool:
		return v, c.kind == simpleBool
	case string:
		// A string argument or literal is untyped: the column types it.
		pv, err := parseText(c.t, x)
		return pv, err == nil
	}
	return nil, false
}

// arg returns the value of v for a run with args; ok is false when it is
// not there or not usable as it is.
func (v *simpleValue) arg(args []any) (any, bool) {
	if v.param == 0 {
		return v.val, true
	}
	if v.param > len(args) {
		return nil, false
	}
	return args[v.param-1], true
}

// count returns a LIMIT or OFFSET's value, if it is a non-negative integer.
func (v *simpleValue) count(args []any) (int, bool) {
	a, ok := v.arg(args)
	if !ok {
		return 0, false
	}
	if t, ok := a.(typedArg); ok {
		if !t.t.isInt() {
			return 0, false
		}
		a = t.v
	}
	n, ok := a.(int64)
	if !ok || n < 0 || int64(int(n)) != n {
		return 0, false
	}
	return int(n), true
}

// run runs the plan with args; ok is false when the arguments do not fit
// it, and the general executor must run the statement.
func (p *simplePlan) run(s *Session, tx *engine.Tx, args []any) (Result, bool, error) {
	if p.join != nil {
		return p.runJoin(s, tx, args)
	}
	limit := -1
	if p.limit != nil {
		n, ok := p.limit.count(args)
		if !ok {
			return Result{}, false, nil
		}
		limit = n
	}
	if p.point {
		key, ok := p.conds[0].value(args)
		if !ok {
			return Result{}, false, nil
		}
		if limit == 0 {
			return p.result([][]any{}), true, nil
		}
		r, err := tx.Get(p.table, key)
		switch {
		case errors.Is(err, engine.ErrNotFound):
			return p.result([][]any{}), true, nil
		case err != nil:
			return Result{}, true, err
		}
		return p.result([][]any{p.output(r)}), true, nil
	}
	q, ok := p.query(tx, args)
	if !ok {
		return Result{}, false, nil
	}
	if p.prep == nil {
		for _, o := range p.order {
			q.OrderBy(o.col, o.dir)
		}
	}
	if p.offset != nil {
		n, ok := p.offset.count(args)
		if !ok {
			return Result{}, false, nil
		}
		q.Offset(n)
	}
	q.Limit(limit)
	rows := make([][]any, 0, 8)
	rr := newRecordReader(p.width)
	var slab rowSlab
	err := q.Each(func(r engine.Record) error {
		if len(rows)%interruptEvery == interruptEvery-1 {
			if err := s.interrupted(); err != nil {
				return err
			}
		}
		vals, err := rr.read(r)
		if err != nil {
			return err
		}
		out := slab.row(len(p.cols))
		for i, c := range p.cols {
			out[i] = vals[c]
		}
		rows = append(rows, out)
		return nil
	})
	if err != nil {
		return Result{}, true, err
	}
	return p.result(rows), true, nil
}

// recordReader reads the values of a table's records into one reused
// row, without the allocation of engine.Record.Values per record.
type recordReader struct {
	row, dests []any
}

// newRecordReader returns a reader of records of width values, its row
// and the pointers into it in one allocation.
func newRecordReader(width int) recordReader {
	buf := make([]any, 2*width)
	rr := recordReader{row: buf[:width:width], dests: buf[width:]}
	for i := range rr.row {
		rr.dests[i] = &rr.row[i]
	}
	return rr
}

// read returns r's values, as engine.Record.Values returns them, in a
// row that the next read overwrites.
func (rr *recordReader) read(r engine.Record) ([]any, error) {
	if err := r.Scan(rr.dests...); err != nil {
		return nil, err
	}
	return rr.row, nil
}

// rowSlab cuts the rows of a result from shared allocations: the first
// for 4 rows, each next one for twice as many, up to slabRows, so that a
// result of a few rows allocates little more than it needs and a long one
// one allocation per slabRows rows.
type rowSlab struct {
	free []any
	rows int // how many rows the last allocation was for
}

// row returns an empty row of n values.
func (sl *rowSlab) row(n int) []any {
	if len(sl.free) < n || n == 0 {
		sl.rows = min(max(2*sl.rows, 4), slabRows)
		sl.free = make([]any, n*sl.rows)
	}
	r := sl.free[:n:n]
	sl.free = sl.free[n:]
	return r
}

// query returns the engine query of the plan's table with its conditions
// for a run with args; ok is false when the arguments do not fit them.
func (p *simplePlan) query(tx *engine.Tx, args []any) (*engine.Query, bool) {
	if p.prep != nil {
		// Bind copies the values, so a few stay on the stack.
		var buf [4]any
		vals := buf[:0]
		for i := range p.conds {
			v, ok := p.conds[i].value(args)
			if !ok {
				return nil, false
			}
			vals = append(vals, v)
		}
		return tx.Bind(p.prep, vals...), true
	}
	q := tx.Query(p.table)
	for i := range p.conds {
		c := &p.conds[i]
		if c.any {
			vals, ok := c.values(args)
			if !ok {
				return nil, false
			}
			q.Where(engine.In(c.col, vals...))
			continue
		}
		v, ok := c.value(args)
		if !ok {
			return nil, false
		}
		switch c.op {
		case "<":
			q.Where(engine.Lt(c.col, v))
		case "<=":
			q.Where(engine.Le(c.col, v))
		case ">":
			q.Where(engine.Gt(c.col, v))
		case ">=":
			q.Where(engine.Ge(c.col, v))
		default:
			q.Where(engine.Eq(c.col, v))
		}
	}
	return q, true
}

// values returns the elements of an = ANY condition's slice argument, if
// the plan can take every one as it is (no NULL, each of the column's
// family); the engine's In is then the condition.
func (c *simpleCond) values(args []any) ([]any, bool) {
	v, ok := c.v.arg(args)
	if !ok {
		return nil, false
	}
	if a, ok := v.(typedArg); ok {
		v = a.v
	}
	elems, ok := v.([]any)
	if !ok {
		return nil, false
	}
	for _, e := range elems {
		switch e.(type) {
		case int64:
			ok = c.kind == simpleInt
		case string:
			ok = c.kind == simpleText
		case bool:
			ok = c.kind == simpleBool
		default:
			ok = false
		}
		if !ok {
			return nil, false
		}
	}
	return elems, true
}

// value returns the condition's value for a run with args, if the plan
// can take it.
func (c *simpleCond) value(args []any) (any, bool) {
	v, ok := c.v.arg(args)
	if ok && c.v.param != 0 {
		v, ok = c.fit(v)
	}
	return v, ok
}

// output returns the plan's output columns of r.
func (p *simplePlan) output(r engine.Record) []any {
	vals := r.Values()
	if p.whole {
		return vals
	}
	out := make([]any, len(p.cols))
	for i, c := range p.cols {
		out[i] = vals[c]
	}
	return out
}

func (p *simplePlan) result(rows [][]any) Result {
	return Result{Tag: commandTag(tagSelect, int64(len(rows))), Columns: p.columns, Rows: rows, RowsAffected: int64(len(rows))}
}

// simpleConds returns the conditions of where for a simple plan over ts,
// whose columns column resolves: each conjunct column = value or column =
// ANY ($n) on an integer, text or boolean column. ok is false when where
// has any other conjunct.
// flippedOp is each comparison a simple plan takes, with its operands
// swapped.
var flippedOp = map[string]string{"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}

func simpleConds(where ir.Expr, ts *tableSchema, column func(ir.Expr) (int, bool)) ([]simpleCond, bool) {
	if where == nil {
		return nil, true
	}
	conj := conjuncts(where)
	var conds []simpleCond
	for _, e := range conj {
		var col, val ir.Expr
		isAny, op := false, "="
		switch e := e.(type) {
		case *ir.Binary:
			if _, ok := flippedOp[e.Op]; !ok {
				return nil, false
			}
			col, val, op = e.Left, e.Right, e.Op
		case *ir.Quantified:
			// column = ANY ($n), with a slice: the eager walk's IN.
			if e.Op != "=" || e.Quant != ir.Any || e.Query != nil {
				return nil, false
			}
			if _, ok := e.Array.(*ir.Param); !ok {
				return nil, false
			}
			col, val, isAny = e.Left, e.Array, true
		default:
			return nil, false
		}
		if _, ok := column(col); !ok {
			col, val, op = val, col, flippedOp[op]
		}
		i, ok := column(col)
		if !ok {
			return nil, false
		}
		c := simpleCond{col: ts.def.Columns[i].Name, op: op, t: ts.types[i], any: isAny}
		switch c.t.kind {
		case kInt2, kInt4, kInt8:
			c.kind = simpleInt
		case kText, kVarchar:
			c.kind = simpleText
		case kBool:
			c.kind = simpleBool
		default:
			return nil, false
		}
		if op != "=" && c.kind != simpleInt {
			return nil, false // a text's order is its collation's
		}
		if c.v, ok = simpleOperand(val); !ok {
			return nil, false
		}
		if c.v.param == 0 {
			v, ok := c.fit(c.v.val)
			if !ok {
				return nil, false
			}
			c.v.val = v
		}
		conds = append(conds, c)
	}
	return conds, true
}
