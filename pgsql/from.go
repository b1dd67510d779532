package pgsql

import (
	"fmt"
	"slices"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// The FROM clause is read into memory as rows over a scope: one table is
// scanned through the engine's planner with WHERE pushed down (scan);
// several tables and joins are combined by nested loops: a join whose
// right side is a base table looks that table up per left row through
// the engine, a chain of them in one pipeline (lookupjoin.go), and other
// joins combine both sides read whole (join); WHERE is checked on the
// combined rows.

// source is the rows a FROM item produces, with the scope naming their
// columns. Its rows have len(sc.width()) values.
type source struct {
	sc   *scope
	rows [][]any
}

// from reads the FROM clause and applies WHERE.
func (s *Session) from(tx *engine.Tx, items []ir.FromItem, where ir.Expr, ev *evaluator) (*scope, [][]any, error) {
	if len(items) == 1 {
		if ref, ok := items[0].(*ir.TableRef); ok && !isCTE(ev, ref) && !isCatalog(ev, ref) && !s.isView(tx, ev, ref) {
			ts, alias, err := s.tableRef(tx, ref)
			if err != nil {
				return nil, nil, err
			}
			rows, err := scan(tx, ts, alias, where, ev)
			if err != nil {
				return nil, nil, err
			}
			return newScope(ts, alias), rows, nil
		}
	}
	var src *source
	var pushed *pushedWhere
	if len(items) == 1 && where != nil {
		pushed = s.pushIntoJoin(tx, items[0], where, ev)
	}
	for _, it := range items {
		if src != nil && isLateral(it) {
			var err error
			if src, err = s.lateral(tx, src, it, ir.JoinCross, nil, nil, ev); err != nil {
				return nil, nil, err
			}
			continue
		}
		next, err := s.fromItem(tx, it, ev, pushed)
		if err != nil {
			return nil, nil, err
		}
		if src == nil {
			src = next
			continue
		}
		if src, err = s.join(src, ir.JoinCross, nil /* on */, nil /* using */, next, ev); err != nil {
			return nil, nil, err
		}
	}
	if where == nil {
		return src.sc, src.rows, nil
	}
	check := pushed.notAnswered(where) // what each joined row is checked against
	rowEv := ev.with(src.sc)
	var rows [][]any
	if check == nil {
		rows = src.rows
	}
	for i, r := range src.rows {
		if check == nil {
			break
		}
		if i%interruptEvery == interruptEvery-1 {
			if err := ev.interrupted(); err != nil {
				return nil, nil, err
			}
		}
		src.sc.row = r
		ok, err := rowEv.boolean(check, "WHERE")
		if err != nil {
			return nil, nil, err
		}
		if ok == true {
			rows = append(rows, r)
		}
	}
	if len(src.rows) == 0 {
		// Type-check the condition, as PostgreSQL does before it reads a row.
		src.sc.row = make([]any, src.sc.width())
		if _, err := rowEv.boolean(where, "WHERE"); err != nil && pgerr.Code(err) != pgerr.DivisionByZero && pgerr.Code(err) != pgerr.NumericValueOutOfRange {
			return nil, nil, err
		}
	}
	return src.sc, rows, nil
}

// tableRef resolves a table named in FROM and the name it goes by.
func (s *Session) tableRef(tx *engine.Tx, ref *ir.TableRef) (*tableSchema, string, error) {
	if ref.Alias != nil && len(ref.Alias.Columns) > 0 {
		return nil, "", pgerr.Unsupported("column aliases in FROM")
	}
	name, err := tableName(ref.Table)
	if err != nil {
		return nil, "", err
	}
	ts, err := s.schemaOf(tx, name)
	if err != nil {
		return nil, "", err
	}
	alias := name
	if ref.Alias != nil {
		alias = ref.Alias.Name
	}
	return ts, alias, nil
}

// pushIntoJoin finds the conditions of where that can filter the
// leftmost table of a join before the join: that table is on the
// preserved side of every join above it (INNER, LEFT or CROSS all the way
// up), and each condition reads only its columns, qualified by its name
// or alias, with no subquery or function call. A row such a condition
// rejects can produce no joined row that WHERE keeps, so scanning with it
// (through the engine's planner, using an index where one fits) changes
// nothing but the work: WHERE a.id < $1 over a LEFT JOIN chain scans the
// authors it keeps, not every author.
func (s *Session) pushIntoJoin(tx *engine.Tx, it ir.FromItem, where ir.Expr, ev *evaluator) *pushedWhere {
	j, ok := it.(*ir.Join)
	if !ok {
		return nil
	}
	for {
		if j.Kind != ir.JoinInner && j.Kind != ir.JoinLeft && j.Kind != ir.JoinCross {
			return nil
		}
		next, ok := j.Left.(*ir.Join)
		if !ok {
			break
		}
		j = next
	}
	ref, ok := j.Left.(*ir.TableRef)
	if !ok || ref.Table.Schema != "" || isCTE(ev, ref) || isCatalog(ev, ref) || s.isView(tx, ev, ref) {
		return nil
	}
	name := ref.Table.Name
	if ref.Alias != nil {
		if len(ref.Alias.Columns) > 0 {
			return nil
		}
		name = ref.Alias.Name
	}
	conj := conjuncts(where)
	var keep []ir.Expr
	for _, c := range conj {
		if onlyColumnsOf(c, name) {
			keep = append(keep, c)
		}
	}
	if len(keep) == 0 {
		return nil
	}
	return &pushedWhere{ref: ref, where: conjunction(keep)}
}

// pushedWhere is the part of WHERE pushed into the scan of a join's
// leftmost table (pushIntoJoin), and, once the table is scanned, the part
// of it the scan did not answer exactly (pushdown).
type pushedWhere struct {
	ref         *ir.TableRef
	where, rest ir.Expr
	scanned     bool
}

// notAnswered returns where without the conjuncts the scan of the
// join's leftmost table answered exactly: the joined rows carry that
// table's values unchanged, so those conjuncts hold for each of them. nil
// when none is left.
func (pw *pushedWhere) notAnswered(where ir.Expr) ir.Expr {
	if pw == nil || !pw.scanned {
		return where
	}
	answered := conjuncts(pw.where)
	for _, r := range conjuncts(pw.rest) {
		answered = slices.DeleteFunc(answered, func(e ir.Expr) bool { return e == r })
	}
	if len(answered) == 0 {
		return where
	}
	var left []ir.Expr
	for _, c := range conjuncts(where) {
		if !slices.Contains(answered, c) {
			left = append(left, c)
		}
	}
	return conjunction(left)
}

// conjuncts returns the operands of e's ANDs, nested ones flattened
// (a AND b AND c is parsed as (a AND b) AND c), or e alone; none for nil.
// The slice is the caller's.
func conjuncts(e ir.Expr) []ir.Expr {
	return appendConjuncts(nil, e)
}

// conjunction is the AND of es: nil for none, the one alone.
func conjunction(es []ir.Expr) ir.Expr {
	switch len(es) {
	case 0:
		return nil
	case 1:
		return es[0]
	}
	return &ir.Logic{Op: ir.And, Args: es}
}

func appendConjuncts(dst []ir.Expr, e ir.Expr) []ir.Expr {
	if e == nil {
		return dst
	}
	if l, ok := e.(*ir.Logic); ok && l.Op == ir.And {
		for _, a := range l.Args {
			dst = appendConjuncts(dst, a)
		}
		return dst
	}
	return append(dst, e)
}

// onlyColumnsOf reports whether e reads columns and only columns
// qualified by name (no unqualified column, no other table's), and has no
// subquery or function call.
func onlyColumnsOf(e ir.Expr, name string) bool {
	ok, any := true, false
	ir.Inspect(e, func(x ir.Expr) bool {
		switch x := x.(type) {
		case *ir.ColumnRef:
			if x.Star || x.Schema != "" || x.Table != name {
				ok = false
			}
			any = true
		case *ir.Quantified:
			if x.Query != nil {
				ok = false // x op ANY (subquery)
			}
		case *ir.Subquery, *ir.Exists, *ir.Func, *ir.ValueFunc:
			ok = false
		}
		return ok
	})
	return ok && any
}

// fromItem reads one FROM item.
//
// pushed holds, for some base tables, conditions of the WHERE clause to
// scan them with (pushIntoJoin); WHERE is still applied to the joined
// rows in full.
func (s *Session) fromItem(tx *engine.Tx, it ir.FromItem, ev *evaluator, pushed *pushedWhere) (*source, error) {
	switch it := it.(type) {
	case *ir.TableRef:
		if c, ok := ev.cte(it); ok {
			if c.noReturning {
				return nil, noReturningError(c.name) // cte_writes.go
			}
			if c.image {
				return s.imageSource(tx, it, c)
			}
			alias := c.name
			if it.Alias != nil {
				alias = it.Alias.Name
			}
			ts, rows, err := derived(Result{Columns: columnsOfTable(c.ts), Rows: c.rows}, it.Alias)
			if err != nil {
				return nil, err
			}
			return &source{sc: newScope(ts, alias), rows: rows}, nil
		}
		if src, ok, err := s.catalogSource(tx, it); ok {
			return src, err
		}
		if v, name, ok := s.viewNamed(tx, it.Table); ok {
			return s.viewSource(tx, name, v, it, ev)
		}
		ts, alias, err := s.tableRef(tx, it)
		if err != nil {
			return nil, err
		}
		var rows [][]any
		if pushed != nil && pushed.ref == it {
			rows, pushed.rest, err = scanRest(tx, ts, alias, pushed.where, ev)
			pushed.scanned = err == nil
		} else {
			rows, err = scan(tx, ts, alias, nil /* where */, ev)
		}
		if err != nil {
			return nil, err
		}
		return &source{sc: newScope(ts, alias), rows: rows}, nil
	case *ir.Join:
		if s.looksUp(tx, it, ev) {
			return s.lookupJoins(tx, it, ev, pushed) // lookupjoin.go
		}
		left, err := s.fromItem(tx, it.Left, ev, pushed)
		if err != nil {
			return nil, err
		}
		if isLateral(it.Right) {
			return s.lateral(tx, left, it.Right, it.Kind, it.On, it.Using, ev)
		}
		right, err := s.fromItem(tx, it.Right, ev, nil)
		if err != nil {
			return nil, err
		}
		return s.join(left, it.Kind, it.On, joinUsing(it, left.sc, right.sc), right, ev)
	case *ir.SubqueryRef:
		res, err := ev.subquery(it.Query)
		if err != nil {
			return nil, err
		}
		ts, rows, err := derived(res, it.Alias)
		if err != nil {
			return nil, err
		}
		alias := ""
		if it.Alias != nil {
			alias = it.Alias.Name
		}
		return &source{sc: newScope(ts, alias), rows: rows}, nil
	case *ir.FuncRef:
		return s.funcSource(it, ev)
	}
	return nil, pgerr.Unsupported("FROM item " + it.String())
}

// isLateral reports whether FROM item it reads the columns of the items
// before it, row by row: a LATERAL subquery, or a function in FROM whose
// arguments name a column (implicitly LATERAL, as in PostgreSQL).
func isLateral(it ir.FromItem) bool {
	switch it := it.(type) {
	case *ir.SubqueryRef:
		return it.Lateral
	case *ir.FuncRef:
		if it.Lateral {
			return true
		}
		refs := false
		for _, a := range it.Func.Args {
			ir.Inspect(a, func(x ir.Expr) bool {
				if _, ok := x.(*ir.ColumnRef); ok {
					refs = true
				}
				return !refs
			})
		}
		return refs
	}
	return false
}

// lateral joins left with it, a lateral item read once for each left row
// with that row's columns in scope, by kind on on or using: a cross,
// inner or left join (a right or full one cannot see the left row: 42P10,
// as in PostgreSQL). With no left rows the item is read once over a row
// of NULLs, for its columns.
func (s *Session) lateral(tx *engine.Tx, left *source, it ir.FromItem, kind ir.JoinKind, on ir.Expr, using []string, ev *evaluator) (*source, error) {
	if kind == ir.JoinRight || kind == ir.JoinFull {
		e := pgerr.New("42P10", "invalid reference to FROM-clause entry for table %q", left.sc.aliasAt(0))
		e.Hint = "The combining JOIN type must be INNER or LEFT for a LATERAL reference."
		return nil, e
	}
	outer := ev.with(left.sc)
	read := func(l []any) (*source, error) {
		left.sc.row = l
		return s.fromItem(tx, it, outer, nil)
	}
	var jsc *scope
	var cond ir.Expr
	var jev *evaluator
	var rw int
	start := func(r *source) error {
		var err error
		if jsc, cond, err = joinScope(left.sc, r.sc, kind, using); err != nil {
			return err
		}
		if on != nil {
			cond = on
		}
		jev, rw = ev.with(jsc), r.sc.width()
		return nil
	}
	if len(left.rows) == 0 {
		r, err := read(make([]any, left.sc.width()))
		if err != nil {
			return nil, err
		}
		if err := start(r); err != nil {
			return nil, err
		}
	}
	var out [][]any
	for i, l := range left.rows {
		if i%interruptEvery == interruptEvery-1 {
			if err := ev.interrupted(); err != nil {
				return nil, err
			}
		}
		r, err := read(l)
		if err != nil {
			return nil, err
		}
		if jsc == nil {
			if err := start(r); err != nil {
				return nil, err
			}
		}
		matched := false
		for _, rr := range r.rows {
			row := make([]any, 0, len(l)+rw)
			row = append(append(row, l...), rr...)
			if cond != nil {
				jsc.row = row
				ok, err := jev.boolean(cond, "JOIN/ON")
				if err != nil {
					return nil, err
				}
				if ok != true {
					continue
				}
			}
			out = append(out, row)
			matched = true
		}
		if !matched && kind == ir.JoinLeft {
			out = append(out, append(append(make([]any, 0, len(l)+rw), l...), make([]any, rw)...))
		}
	}
	return &source{sc: jsc, rows: out}, nil
}

func isCTE(ev *evaluator, ref *ir.TableRef) bool {
	_, ok := ev.cte(ref)
	return ok
}

// columnsOfTable returns a table's columns as a result's.
func columnsOfTable(ts *tableSchema) []Column {
	cols := make([]Column, len(ts.def.Columns))
	for i, c := range ts.def.Columns {
		cols[i] = Column{Name: c.Name, typ: ts.types[i]}
	}
	return cols
}

// join joins left with right, both read whole, by a nested loop. A join
// whose right side is a base table is lookupJoins', which reads that
// table per left row instead.
func (s *Session) join(left *source, kind ir.JoinKind, on ir.Expr, using []string, right *source, ev *evaluator) (*source, error) {
	sc, cond, err := joinScope(left.sc, right.sc, kind, using)
	if err != nil {
		return nil, err
	}
	if on != nil {
		cond = on
	}
	lw, rw := left.sc.width(), right.sc.width()
	// finish appends the merged USING columns of a FULL JOIN to a row.
	finish := func(row []any) ([]any, error) {
		for _, m := range sc.merged {
			v, t := row[m.left], m.lt
			if v == nil {
				v, t = row[m.right], m.rt
			}
			if v != nil {
				var err error
				if v, err = cast(v, t, m.typ, false /* explicit */); err != nil {
					return nil, err
				}
			}
			row = append(row, v)
		}
		return row, nil
	}
	rowEv := ev.with(sc)
	rmatched := make([]bool, len(right.rows))
	var out [][]any
	steps := 0 // left rows and pairs tried, for interrupted
	for _, l := range left.rows {
		if steps++; steps%interruptEvery == 0 {
			if err := ev.interrupted(); err != nil {
				return nil, err
			}
		}
		matched := false
		for j, r := range right.rows {
			if steps++; steps%interruptEvery == 0 {
				if err := ev.interrupted(); err != nil {
					return nil, err
				}
			}
			row := make([]any, 0, lw+rw+len(sc.merged))
			row = append(append(row, l...), r...)
			if cond != nil {
				sc.row = row
				ok, err := rowEv.boolean(cond, "JOIN/ON")
				if err != nil {
					return nil, err
				}
				if ok != true {
					continue
				}
			}
			matched = true
			rmatched[j] = true
			if row, err = finish(row); err != nil {
				return nil, err
			}
			out = append(out, row)
		}
		if !matched && (kind == ir.JoinLeft || kind == ir.JoinFull) {
			row, err := finish(append(append(make([]any, 0, lw+rw), l...), make([]any, rw)...))
			if err != nil {
				return nil, err
			}
			out = append(out, row)
		}
	}
	if kind == ir.JoinRight || kind == ir.JoinFull {
		for j, r := range right.rows {
			if !rmatched[j] {
				row, err := finish(append(make([]any, lw, lw+rw), r...))
				if err != nil {
					return nil, err
				}
				out = append(out, row)
			}
		}
	}
	if len(out) == 0 && cond != nil {
		if err := typeCheckOn(sc, rowEv, cond); err != nil {
			return nil, err
		}
	}
	return &source{sc: sc, rows: out}, nil
}

// typeCheckOn evaluates a join condition over a row of NULLs, as
// PostgreSQL type-checks it before it reads a row, when the join produced
// none: an error other than one only a value causes is the join's.
func typeCheckOn(sc *scope, rowEv *evaluator, cond ir.Expr) error {
	sc.row = make([]any, sc.width())
	if _, err := rowEv.boolean(cond, "JOIN/ON"); err != nil && pgerr.Code(err) != pgerr.DivisionByZero && pgerr.Code(err) != pgerr.NumericValueOutOfRange {
		return err
	}
	return nil
}

// joinScope returns the scope of left joined with right and, for USING,
// the equalities it stands for. A USING column is named once, unqualified:
// the left table's for inner and left joins, the right's for a right join.
// joinUsing returns the USING list of join j of scopes l and r: its own,
// or for NATURAL the names of l's columns, in * order, that r has too (a
// NATURAL join without any is a cross join, kept as the join's kind).
func joinUsing(j *ir.Join, l, r *scope) []string {
	if !j.Natural {
		return j.Using
	}
	names := func(sc *scope) []string {
		var out []string
		for _, i := range sc.star() {
			b, k := sc.at(i)
			out = append(out, b.ts.def.Columns[k].Name)
		}
		return out
	}
	right := names(r)
	var using []string
	for _, n := range names(l) {
		if slices.Contains(right, n) && !slices.Contains(using, n) {
			using = append(using, n)
		}
	}
	return using
}

func joinScope(l, r *scope, kind ir.JoinKind, using []string) (*scope, ir.Expr, error) {
	lw := l.width()
	sc := &scope{rels: make([]binding, 0, len(l.rels)+len(r.rels)+1)}
	if len(l.using)+len(r.using)+len(using) > 0 {
		sc.using = make(map[string]int, len(l.using)+len(r.using)+len(using))
	}
	sc.rels = append(sc.rels, l.rels...)
	for _, b := range r.rels {
		for _, x := range sc.rels {
			if x.alias == b.alias {
				return nil, nil, pgerr.New("42712", "table name %q specified more than once", b.alias)
			}
		}
		b.off += lw
		b.nullable = b.nullable || kind == ir.JoinLeft || kind == ir.JoinFull
		sc.rels = append(sc.rels, b)
	}
	if kind == ir.JoinRight || kind == ir.JoinFull {
		for i := range l.rels {
			sc.rels[i].nullable = true
		}
	}
	for k, v := range l.using {
		sc.using[k] = v
	}
	for k, v := range r.using {
		sc.using[k] = v + lw
	}
	var conds []ir.Expr
	var merged []mergedColumn
	var hidden map[int]bool
	if len(using) > 0 {
		hidden = map[int]bool{}
	}
	for _, name := range using {
		li, _, err := l.resolve(&ir.ColumnRef{Column: name})
		if err != nil {
			return nil, nil, err
		}
		ri, _, err := r.resolve(&ir.ColumnRef{Column: name})
		if err != nil {
			return nil, nil, err
		}
		ri += lw
		keep := li
		if kind == ir.JoinRight {
			keep = ri
		}
		if kind == ir.JoinFull {
			lt, rt := l.typeAt(li), r.typeAt(ri-lw)
			t, err := commonType(lt, rt, "JOIN/USING")
			if err != nil {
				return nil, nil, err
			}
			merged = append(merged, mergedColumn{name: name, typ: t, left: li, right: ri, lt: lt, rt: rt})
			keep = -len(merged) // placed after the right side below
		}
		if kind == ir.JoinRight {
			// The right side's column, of the common type: a text column
			// USING a char(n) one drops the padding.
			lt, rt := l.typeAt(li), r.typeAt(ri-lw)
			t, err := commonType(lt, rt, "JOIN/USING")
			if err != nil {
				return nil, nil, err
			}
			if t.kind != rt.kind {
				merged = append(merged, mergedColumn{name: name, typ: t, left: ri, right: ri, lt: rt, rt: rt})
				keep = -len(merged)
			}
		}
		sc.using[name] = keep
		sc.stars = append(sc.stars, keep)
		hidden[li], hidden[ri] = true, true
		conds = append(conds, &ir.Binary{Op: "=", Left: &ir.ColumnRef{Table: l.aliasAt(li), Column: name}, Right: &ir.ColumnRef{Table: r.aliasAt(ri - lw), Column: name}})
	}
	// Without USING, * is every visible column of each side in order,
	// which a nil stars says; a side that is itself a join with USING
	// has its own list.
	if len(using) > 0 || l.stars != nil || r.stars != nil {
		for _, i := range l.star() {
			if !hidden[i] {
				sc.stars = append(sc.stars, i)
			}
		}
		for _, i := range r.star() {
			if !hidden[i+lw] {
				sc.stars = append(sc.stars, i+lw)
			}
		}
	}
	if merged != nil {
		// FULL JOIN's USING columns are COALESCE(left, right), a RIGHT
		// JOIN's that change type the right side's: a table of their own
		// after both sides, that no qualified name reaches.
		ts := &tableSchema{index: map[string]int{}}
		for i, m := range merged {
			ts.def.Columns = append(ts.def.Columns, engine.Column{Name: m.name})
			ts.types = append(ts.types, m.typ)
			ts.index[m.name] = i
			sc.using[m.name] = lw + r.width() + i
		}
		// Its name is one no SQL name spells (a NUL byte) and no other
		// join's: an enclosing join's USING condition names these columns
		// by it, and an enclosing FULL JOIN adds a table of its own.
		sc.rels = append(sc.rels, binding{ts: ts, alias: fmt.Sprintf("\x00using %p", ts), off: lw + r.width()})
		sc.merged = merged
		for i, p := range sc.stars {
			if p < 0 {
				sc.stars[i] = lw + r.width() - p - 1
			}
		}
	}
	return sc, conjunction(conds), nil
}

// mergedColumn is a USING column of a FULL JOIN: the left value, else the
// right one, in their common type; or of a RIGHT JOIN, whose left and
// right are both the right side's column.
type mergedColumn struct {
	name        string
	typ         sqlType
	left, right int // row positions of the two sides' columns
	lt, rt      sqlType
}
