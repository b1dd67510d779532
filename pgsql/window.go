package pgsql

import (
	"slices"
	"strings"

	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Window functions. A SELECT's calls with OVER are computed after its
// rows are grouped and HAVING has kept its groups, and before DISTINCT,
// ORDER BY and LIMIT, as in PostgreSQL. Calls over the same PARTITION BY
// and ORDER BY share one sort: the rows are sorted by the partition keys,
// then by the window's ORDER BY, and each call is computed for every row
// from its partition, its peers (the rows its ORDER BY does not tell
// apart) and its frame. The results are bound to the calls, one row at a
// time, as a group's aggregates are (evaluator.win).
//
// Supported: row_number, rank, dense_rank, percent_rank, cume_dist,
// ntile, lag, lead, first_value, last_value, nth_value, and the
// aggregates reldb computes (fold) over the frame; named windows (WINDOW
// w AS (...), OVER w, OVER (w ORDER BY ...)); frames in RANGE mode with
// UNBOUNDED and CURRENT ROW bounds and in ROWS mode with offsets too. The
// parser refuses GROUPS, EXCLUDE and RANGE offsets (0A000).

// windowingError is PostgreSQL's 42P20 (windowing_error).
const windowingError = "42P20"

// windowFuncArgs are the functions that are window functions only, with
// their least and greatest number of arguments.
var windowFuncArgs = map[string][2]int{
	"row_number": {0, 0}, "rank": {0, 0}, "dense_rank": {0, 0}, "percent_rank": {0, 0}, "cume_dist": {0, 0},
	"ntile": {1, 1}, "lag": {1, 3}, "lead": {1, 3}, "first_value": {1, 1}, "last_value": {1, 1}, "nth_value": {2, 2},
}

// windowAggregates are the aggregates a window computes over its frame.
var windowAggregates = map[string]bool{
	"count": true, "sum": true, "avg": true, "min": true, "max": true,
	"bool_and": true, "bool_or": true, "every": true, "string_agg": true,
}

// isAggregateCall reports whether f is a call of an aggregate as an
// aggregate, not as a window function (with OVER).
func isAggregateCall(f *ir.Func) bool {
	return f.Schema == "" && f.Over == nil && (isAggregate(f.Name) || f.WithinGroup)
}

// windowCalls returns the window function calls of e at this query level.
func windowCalls(e ir.Expr) []*ir.Func {
	var out []*ir.Func
	ir.Inspect(e, func(x ir.Expr) bool {
		if f, ok := x.(*ir.Func); ok && f.Over != nil {
			out = append(out, f)
			return false
		}
		return true
	})
	return out
}

// noWindows returns 42P20 if e holds a window function call.
func noWindows(e ir.Expr, clause string) error {
	if len(windowCalls(e)) > 0 {
		return pgerr.New(windowingError, "window functions are not allowed in %s", clause)
	}
	return nil
}

// hasWindows reports whether st's select list or ORDER BY calls a window
// function or st has a WINDOW clause.
func hasWindows(st *ir.Select) bool {
	if len(st.Windows) > 0 {
		return true
	}
	for _, t := range st.Targets {
		if len(windowCalls(t.Expr)) > 0 {
			return true
		}
	}
	for _, o := range st.OrderBy {
		if len(windowCalls(o.Expr)) > 0 {
			return true
		}
	}
	return false
}

// checkWindowPlaces returns PostgreSQL's errors for window function calls
// where they are not allowed: in WHERE, GROUP BY, HAVING, a JOIN's
// condition, a window definition, the argument of an aggregate or of
// another window function.
func checkWindowPlaces(st *ir.Select) error {
	if err := joinWindows(st.From); err != nil {
		return err
	}
	var list []ir.Expr
	for _, t := range st.Targets {
		list = append(list, t.Expr)
	}
	for _, o := range st.OrderBy {
		list = append(list, o.Expr)
	}
	for _, e := range list {
		if err := nestedWindows(e); err != nil {
			return err
		}
	}
	if st.Where != nil {
		if err := noWindows(st.Where, "WHERE"); err != nil {
			return err
		}
	}
	if st.Having != nil {
		if err := noWindows(st.Having, "HAVING"); err != nil {
			return err
		}
	}
	for _, g := range st.GroupBy {
		if err := noWindows(g, "GROUP BY"); err != nil {
			return err
		}
	}
	for _, d := range st.Windows {
		if err := windowDefinition(d.Window); err != nil {
			return err
		}
	}
	return nil
}

// joinWindows refuses window function calls in JOIN conditions.
func joinWindows(from []ir.FromItem) error {
	for _, f := range from {
		j, ok := f.(*ir.Join)
		if !ok {
			continue
		}
		if j.On != nil {
			if err := noWindows(j.On, "JOIN conditions"); err != nil {
				return err
			}
		}
		if err := joinWindows([]ir.FromItem{j.Left, j.Right}); err != nil {
			return err
		}
	}
	return nil
}

// windowDefinition refuses window function calls in a window's
// PARTITION BY, ORDER BY and frame.
func windowDefinition(w *ir.Window) error {
	var list []ir.Expr
	list = append(list, w.PartitionBy...)
	for _, o := range w.OrderBy {
		list = append(list, o.Expr)
	}
	if w.Frame != nil {
		list = append(list, w.Frame.Start.Offset, w.Frame.End.Offset)
	}
	for _, e := range list {
		if e != nil {
			if err := noWindows(e, "window definitions"); err != nil {
				return err
			}
		}
	}
	return nil
}

// nestedWindows refuses, in a select-list or ORDER BY expression, a
// window call inside an aggregate's or a window call's arguments, or in
// an OVER clause.
func nestedWindows(e ir.Expr) error {
	var err error
	ir.Inspect(e, func(x ir.Expr) bool {
		f, ok := x.(*ir.Func)
		if err != nil || !ok {
			return err == nil
		}
		var args []ir.Expr
		args = append(args, f.Args...)
		for _, o := range f.OrderBy {
			args = append(args, o.Expr)
		}
		for _, a := range args {
			if len(windowCalls(a)) == 0 {
				continue
			}
			switch {
			case f.Over != nil:
				err = pgerr.New(windowingError, "window function calls cannot be nested")
			case isAggregateCall(f):
				err = pgerr.New(pgerr.GroupingError, "aggregate function calls cannot contain window function calls")
			}
			if err != nil {
				return false
			}
		}
		if f.Over != nil {
			if err = windowDefinition(f.Over); err != nil {
				return false
			}
		}
		return true
	})
	return err
}

// windowExprs returns the expressions of st's WINDOW clause: those a
// grouped query evaluates per group, and the frame offsets.
func windowExprs(st *ir.Select) []ir.Expr {
	var out []ir.Expr
	for _, d := range st.Windows {
		out = append(out, d.Window.PartitionBy...)
		for _, o := range d.Window.OrderBy {
			out = append(out, o.Expr)
		}
		if f := d.Window.Frame; f != nil {
			for _, e := range []ir.Expr{f.Start.Offset, f.End.Offset} {
				if e != nil {
					out = append(out, e)
				}
			}
		}
	}
	return out
}

// frameOffsets returns the frame offsets of st's windows, in its WINDOW
// clause and its calls' OVER clauses: bigints, as PostgreSQL types a
// parameter there.
func frameOffsets(st *ir.Select) []ir.Expr {
	var out []ir.Expr
	add := func(w *ir.Window) {
		if w != nil && w.Frame != nil {
			for _, e := range []ir.Expr{w.Frame.Start.Offset, w.Frame.End.Offset} {
				if e != nil {
					out = append(out, e)
				}
			}
		}
	}
	for _, d := range st.Windows {
		add(d.Window)
	}
	var exprs []ir.Expr
	for _, t := range st.Targets {
		exprs = append(exprs, t.Expr)
	}
	for _, o := range st.OrderBy {
		exprs = append(exprs, o.Expr)
	}
	for _, e := range exprs {
		for _, f := range windowCalls(e) {
			add(f.Over)
		}
	}
	return out
}

// windowSpec is a window resolved: a PARTITION BY and ORDER BY that calls
// share, and the calls over it, each with its frame.
type windowSpec struct {
	partition []ir.Expr
	order     []ir.OrderItem
	calls     []windowCall
}

// windowCall is one call of a window function and its frame.
type windowCall struct {
	f     *ir.Func
	slot  int       // position in windowPlan.calls
	frame *ir.Frame // nil for the default frame
}

// windowPlan is the window computation of one SELECT.
type windowPlan struct {
	specs []*windowSpec
	calls []*ir.Func
	last  int // the spec whose sort the output keeps, as PostgreSQL's plan does
}

// planWindows resolves st's window calls in the select list and ORDER BY
// (targets and order, resolved) against its WINDOW clause; nil when there
// are none.
func planWindows(st *ir.Select, targets []target, order []orderTerm) (*windowPlan, error) {
	named := map[string]*ir.Window{}
	for _, d := range st.Windows {
		if _, dup := named[d.Name]; dup {
			return nil, pgerr.New(windowingError, "window %q is already defined", d.Name)
		}
		w, err := resolveWindow(d.Window, named)
		if err != nil {
			return nil, err
		}
		named[d.Name] = w
	}
	var exprs []ir.Expr
	for _, t := range targets {
		exprs = append(exprs, t.expr)
	}
	for _, o := range order {
		if o.target < 0 {
			exprs = append(exprs, o.expr)
		}
	}
	p := &windowPlan{}
	byKey := map[string]*windowSpec{}
	for _, e := range exprs {
		for _, f := range windowCalls(e) {
			if slices.Contains(p.calls, f) {
				continue
			}
			if err := checkWindowFunc(f); err != nil {
				return nil, err
			}
			w, err := resolveWindow(f.Over, named)
			if err != nil {
				return nil, err
			}
			key := (&ir.Window{PartitionBy: w.PartitionBy, OrderBy: w.OrderBy}).Spec()
			spec, ok := byKey[key]
			if !ok {
				spec = &windowSpec{partition: w.PartitionBy, order: w.OrderBy}
				byKey[key] = spec
				p.specs = append(p.specs, spec)
			}
			spec.calls = append(spec.calls, windowCall{f: f, slot: len(p.calls), frame: w.Frame})
			p.calls = append(p.calls, f)
		}
	}
	if len(p.calls) == 0 {
		return nil, nil
	}
	if len(st.Locking) > 0 {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "%s is not allowed with window functions", st.Locking[0].Strength)
	}
	if err := checkFrameOffsets(p, st.Windows); err != nil {
		return nil, err
	}
	p.last = lastWindow(p.specs, st)
	return p, nil
}

// resolveWindow applies a window's reference to a named window: OVER w
// is w; OVER (w ...) copies w's PARTITION BY and ORDER BY, which it may
// not override, and may not copy a window with a frame.
func resolveWindow(w *ir.Window, named map[string]*ir.Window) (*ir.Window, error) {
	if w.Name != "" {
		ref, ok := named[w.Name]
		if !ok {
			return nil, pgerr.New(pgerr.UndefinedObject, "window %q does not exist", w.Name)
		}
		return ref, nil
	}
	if w.Ref == "" {
		return w, nil
	}
	ref, ok := named[w.Ref]
	switch {
	case !ok:
		return nil, pgerr.New(pgerr.UndefinedObject, "window %q does not exist", w.Ref)
	case len(w.PartitionBy) > 0:
		return nil, pgerr.New(windowingError, "cannot override PARTITION BY clause of window %q", w.Ref)
	case len(w.OrderBy) > 0 && len(ref.OrderBy) > 0:
		return nil, pgerr.New(windowingError, "cannot override ORDER BY clause of window %q", w.Ref)
	case ref.Frame != nil:
		e := pgerr.New(windowingError, "cannot copy window %q because it has a frame clause", w.Ref)
		if len(w.OrderBy) == 0 && w.Frame == nil {
			e.Hint = "Omit the parentheses in this OVER clause."
		}
		return nil, e
	}
	out := &ir.Window{PartitionBy: ref.PartitionBy, OrderBy: ref.OrderBy, Frame: w.Frame}
	if len(out.OrderBy) == 0 {
		out.OrderBy = w.OrderBy
	}
	return out, nil
}

// checkWindowFunc returns the errors PostgreSQL's parse analysis gives a
// call with OVER: a function that is neither a window function nor an
// aggregate, DISTINCT or ORDER BY in an aggregate, a wrong number of
// arguments.
func checkWindowFunc(f *ir.Func) error {
	if _, ok := orderedSetArgs[f.Name]; ok && f.WithinGroup {
		return pgerr.New(pgerr.FeatureNotSupported, "OVER is not supported for ordered-set aggregate %s", f.Name)
	}
	if f.WithinGroup {
		return pgerr.Unsupported("window function " + f.String())
	}
	if isOrderedSet(f.Name) {
		return withinGroupRequired(f, nil)
	}
	if f.Schema != "" && f.Schema != "pg_catalog" {
		return pgerr.Unsupported("window function " + f.String())
	}
	if n, ok := windowFuncArgs[f.Name]; ok {
		if f.Star || f.Distinct || len(f.OrderBy) > 0 || len(f.Args) < n[0] || len(f.Args) > n[1] {
			if f.Star {
				return pgerr.New(pgerr.UndefinedFunction, "function %s(*) does not exist", f.Name)
			}
			if f.Name == "rank" || f.Name == "dense_rank" || f.Name == "percent_rank" || f.Name == "cume_dist" {
				if len(f.Args) > 0 {
					return pgerr.New("42809", "WITHIN GROUP is required for ordered-set aggregate %s", f.Name)
				}
			}
			return pgerr.New(pgerr.UndefinedFunction, "function %s with %d arguments does not exist", f.Name, len(f.Args))
		}
		return nil
	}
	if !windowAggregates[f.Name] {
		if scalarFuncName(f.Name) {
			return pgerr.New("42809", "OVER specified, but %s is not a window function nor an aggregate function", f.Name)
		}
		return pgerr.Unsupported("window function " + f.Name)
	}
	switch {
	case f.Filter != nil:
		return pgerr.Unsupported("FILTER in a window function")
	case f.Distinct:
		return pgerr.Unsupported("DISTINCT is not implemented for window functions")
	case len(f.OrderBy) > 0:
		return pgerr.Unsupported("aggregate ORDER BY is not implemented for window functions")
	}
	return nil
}

// windowOnly returns 42809 for a window function called without OVER.
func windowOnly(f *ir.Func) error {
	if _, ok := windowFuncArgs[f.Name]; ok && f.Over == nil && (f.Schema == "" || f.Schema == "pg_catalog") {
		return pgerr.New("42809", "window function %s requires an OVER clause", f.Name)
	}
	return nil
}

// lastWindow picks the window whose sort order the rows keep: of the
// windows PostgreSQL plans one over another, the one it computes last.
// Its planner orders the windows by their sort keys, compared key by key
// by the number it gave each (in the order the query names them: ORDER
// BY, GROUP BY, then the windows'), the greater first, and a window whose
// keys start another's after it.
func lastWindow(specs []*windowSpec, st *ir.Select) int {
	refs := map[string]int{}
	ref := func(e ir.Expr) int {
		k := e.String()
		if _, ok := refs[k]; !ok {
			refs[k] = len(refs) + 1
		}
		return refs[k]
	}
	for _, o := range st.OrderBy {
		ref(o.Expr)
	}
	for _, g := range st.GroupBy {
		ref(g)
	}
	type key struct {
		ref  int
		desc bool
	}
	keys := make([][]key, len(specs))
	for i, s := range specs {
		seen := map[key]bool{}
		add := func(k key) {
			if !seen[k] {
				seen[k] = true
				keys[i] = append(keys[i], k)
			}
		}
		for _, e := range s.partition {
			add(key{ref(e), false})
		}
		for _, o := range s.order {
			add(key{ref(o.Expr), o.Dir == ir.SortDesc})
		}
	}
	// before reports whether PostgreSQL computes a before b.
	before := func(a, b []key) bool {
		for i := range min(len(a), len(b)) {
			if a[i].ref != b[i].ref {
				return a[i].ref > b[i].ref
			}
			if a[i].desc != b[i].desc {
				return a[i].desc
			}
		}
		return len(a) > len(b)
	}
	last := 0
	for i := 1; i < len(specs); i++ {
		if !before(keys[i], keys[last]) {
			last = i
		}
	}
	return last
}

// windowValues holds the results of a query's window calls, per row.
type windowValues struct {
	index map[*ir.Func]int
	rows  [][]aggValue // per row, per call
	types []sqlType    // per call, for a query without rows
}

// windowRow binds the results of the window calls for one row.
type windowRow struct {
	index map[*ir.Func]int
	vals  []aggValue
}

func (w *windowRow) value(f *ir.Func) (aggValue, bool) {
	if w == nil {
		return aggValue{}, false
	}
	i, ok := w.index[f]
	if !ok {
		return aggValue{}, false
	}
	return w.vals[i], true
}

// row returns row i's bindings, or NULLs of the calls' types for i < 0.
func (wv *windowValues) row(i int) *windowRow {
	if i >= 0 {
		return &windowRow{index: wv.index, vals: wv.rows[i]}
	}
	vals := make([]aggValue, len(wv.types))
	for j, t := range wv.types {
		vals[j] = aggValue{t: t}
	}
	return &windowRow{index: wv.index, vals: vals}
}

// windowInput is the rows a window computation reads: a query's rows, or
// its groups.
type windowInput struct {
	rows   [][]any
	groups []group // set when grouped, one per row
	sc     *scope
	ev     *evaluator
	// empty holds, for a grouped query without groups, its aggregates
	// over no rows, with which the window calls are typed.
	empty map[*ir.Func]aggValue
}

// newWindowInput returns the input of st's window calls: its rows, or its
// groups when grouped.
func newWindowInput(st *ir.Select, targets []target, order []orderTerm, rows [][]any, groups []group, grouped bool, sc *scope, ev *evaluator) *windowInput {
	in := &windowInput{rows: rows, sc: sc, ev: ev}
	if !grouped {
		return in
	}
	in.groups = groups
	if len(groups) == 0 {
		probe := append([]target(nil), targets...)
		for _, o := range order {
			probe = append(probe, target{expr: o.expr})
		}
		for _, e := range windowExprs(st) {
			probe = append(probe, target{expr: e})
		}
		in.empty = probeAggs(probe, sc, ev)
	}
	return in
}

func (in *windowInput) len() int { return len(in.rows) }

// at makes row i the evaluator's current row; i < 0 is a row of NULLs.
func (in *windowInput) at(i int) {
	if i < 0 {
		var row []any
		if in.sc != nil {
			row = make([]any, in.sc.width())
		}
		setRow(in.ev, row)
		setGroup(in.ev, nil)
		in.ev.aggs = in.empty
		return
	}
	setRow(in.ev, in.rows[i])
	if in.groups != nil {
		setGroup(in.ev, &in.groups[i]) // groupingsets.go
	}
}

// run computes every window call over in's rows, and puts the rows (and
// groups) in the order of the window PostgreSQL computes last.
func (p *windowPlan) run(in *windowInput, outer *evaluator) (*windowValues, error) {
	n := in.len()
	wv := &windowValues{index: map[*ir.Func]int{}, rows: make([][]aggValue, n), types: make([]sqlType, len(p.calls))}
	for i, f := range p.calls {
		wv.index[f] = i
	}
	flat := make([]aggValue, n*len(p.calls))
	for i := range wv.rows {
		wv.rows[i] = flat[i*len(p.calls) : (i+1)*len(p.calls) : (i+1)*len(p.calls)]
	}
	var lastPerm []int
	for si, spec := range p.specs {
		perm, parts, peers, err := spec.sort(in)
		if err != nil {
			return nil, err
		}
		for _, c := range spec.calls {
			if err := c.compute(in, outer, perm, parts, peers, wv); err != nil {
				return nil, err
			}
		}
		if si == p.last {
			lastPerm = perm
		}
	}
	if lastPerm != nil {
		rows := make([][]any, n)
		vals := make([][]aggValue, n)
		var groups []group
		if in.groups != nil {
			groups = make([]group, n)
		}
		for i, j := range lastPerm {
			rows[i], vals[i] = in.rows[j], wv.rows[j]
			if groups != nil {
				groups[i] = in.groups[j]
			}
		}
		copy(in.rows, rows)
		copy(wv.rows, vals)
		if groups != nil {
			copy(in.groups, groups)
		}
	}
	return wv, nil
}

// sort orders the rows by the spec's partition keys and ORDER BY: perm
// lists the rows in that order, parts the start of each partition in perm
// (and len(perm) last), and peers, for each position of perm, the
// position where its peer group starts.
func (s *windowSpec) sort(in *windowInput) (perm, parts, peers []int, err error) {
	n := in.len()
	var terms []orderTerm
	for range s.partition {
		terms = append(terms, orderTerm{target: -1})
	}
	ot, err := orderTerms(s.order, nil)
	if err != nil {
		return nil, nil, nil, err
	}
	terms = append(terms, ot...)
	np := len(s.partition)
	keys := make([][]any, n)
	ids := make([][]any, n)
	types := make([]sqlType, np)
	for i := range n {
		in.at(i)
		keys[i] = make([]any, len(terms))
		for j, e := range s.partition {
			v, t, err := in.ev.eval(e)
			if err != nil {
				return nil, nil, nil, err
			}
			keys[i][j], types[j] = v, t
		}
		for j, o := range ot {
			v, _, err := in.ev.eval(o.expr)
			if err != nil {
				return nil, nil, nil, err
			}
			keys[i][np+j] = v
		}
		ids[i] = []any{i}
	}
	if n == 0 {
		// Type-check the keys, as PostgreSQL does before it reads a row.
		in.at(-1)
		for _, e := range append(append([]ir.Expr(nil), s.partition...), orderExprs(ot)...) {
			if _, _, err := in.ev.eval(e); err != nil && !dataException(err) {
				return nil, nil, nil, err
			}
		}
	}
	if len(terms) > 0 {
		if err := sortRows(ids, keys, terms, nil, in.ev); err != nil {
			return nil, nil, nil, err
		}
	}
	perm = make([]int, n)
	for i, id := range ids {
		perm[i] = id[0].(int)
	}
	peers = make([]int, n)
	partKey := func(i int) string {
		var b strings.Builder
		for j := range np {
			b.WriteString(typedKey(keys[i][j], types[j]))
		}
		return b.String()
	}
	prevKey := ""
	for pos, i := range perm {
		k := partKey(i)
		if pos == 0 || k != prevKey {
			parts = append(parts, pos)
			peers[pos] = pos
		} else if samePeer(keys[perm[pos-1]][np:], keys[i][np:]) {
			peers[pos] = peers[pos-1]
		} else {
			peers[pos] = pos
		}
		prevKey = k
	}
	parts = append(parts, n)
	return perm, parts, peers, nil
}

func orderExprs(terms []orderTerm) []ir.Expr {
	out := make([]ir.Expr, len(terms))
	for i, o := range terms {
		out[i] = o.expr
	}
	return out
}

// samePeer reports whether two rows' ORDER BY keys are equal, NULLs
// equal to NULLs.
func samePeer(a, b []any) bool {
	for i := range a {
		x, y := a[i], b[i]
		switch {
		case x == nil && y == nil:
		case x == nil || y == nil:
			return false
		case compareValues(x, y) != 0:
			return false
		}
	}
	return true
}

// compute fills the call's results for every row.
func (c windowCall) compute(in *windowInput, outer *evaluator, perm, parts, peers []int, wv *windowValues) error {
	f := c.f
	// The arguments' values on every row, and their types.
	n := in.len()
	args := make([][]any, len(f.Args))
	argTypes := make([]sqlType, len(f.Args))
	for a := range f.Args {
		args[a] = make([]any, n)
	}
	for i := range n {
		in.at(i)
		for a, e := range f.Args {
			v, t, err := in.ev.eval(e)
			if err != nil {
				return err
			}
			args[a][i] = v
			if t.kind != kUnknown || argTypes[a].kind == kUnknown {
				argTypes[a] = t
			}
		}
	}
	if n == 0 {
		in.at(-1)
		for a, e := range f.Args {
			_, t, err := in.ev.eval(e)
			if err != nil && !dataException(err) {
				return err
			}
			argTypes[a] = t
		}
	}
	fn, typ, err := windowFunction(f, argTypes, args)
	if err != nil {
		return err
	}
	wv.types[c.slot] = typ
	if n == 0 {
		return nil
	}
	fr, err := newFrame(c.frame, outer)
	if err != nil {
		return err
	}
	for p := 0; p+1 < len(parts); p++ {
		part := newPartition(perm[parts[p]:parts[p+1]], peers[parts[p]:parts[p+1]], parts[p])
		if err := fn(part, fr, func(pos int, v any) {
			wv.rows[part.rows[pos]][c.slot] = aggValue{v: v, t: typ}
		}); err != nil {
			return err
		}
	}
	return nil
}

// windowPartition is one partition's rows in window order (indexes into
// the input), with their peer groups: peers[j] is where row j's group
// starts and ends[j] where it ends (inclusive), as positions in the
// partition. Without ORDER BY every row of a partition is a peer of
// every other.
type windowPartition struct {
	rows  []int
	peers []int
	ends  []int
}

// newPartition makes the partition of the rows at positions base... of
// the window's order, from their peer group starts in that order.
func newPartition(rows, peers []int, base int) *windowPartition {
	m := len(rows)
	p := &windowPartition{rows: rows, peers: make([]int, m), ends: make([]int, m)}
	for j, s := range peers {
		p.peers[j] = s - base
	}
	for j := m - 1; j >= 0; j-- {
		if j == m-1 || p.peers[j+1] != p.peers[j] {
			p.ends[j] = j
		} else {
			p.ends[j] = p.ends[j+1]
		}
	}
	return p
}

// frame is a call's frame with its offsets evaluated.
type frame struct {
	f          *ir.Frame // nil for the default
	start, end int64     // the offsets, when the bounds have them
}

func newFrame(f *ir.Frame, ev *evaluator) (frame, error) {
	out := frame{f: f}
	if f == nil {
		return out, nil
	}
	var err error
	if out.start, err = frameOffset(f.Start, "starting", ev); err != nil {
		return out, err
	}
	out.end, err = frameOffset(f.End, "ending", ev)
	return out, err
}

// frameOffset evaluates a ROWS offset: a bigint, not NULL, not negative.
func frameOffset(b ir.FrameBound, which string, ev *evaluator) (int64, error) {
	if b.Offset == nil {
		return 0, nil
	}
	v, t, err := ev.eval(b.Offset)
	if err != nil {
		return 0, err
	}
	if v == nil {
		return 0, pgerr.New("22004", "frame %s offset must not be null", which)
	}
	if v, err = cast(v, t, typInt8, false /* explicit */); err != nil {
		return 0, err
	}
	n := v.(int64)
	if n < 0 {
		return 0, pgerr.New("22013", "frame %s offset must not be negative", which)
	}
	return n, nil
}

// checkFrameOffsets refuses frame offsets that read the row.
func checkFrameOffsets(p *windowPlan, named []ir.WindowDef) error {
	var frames []*ir.Frame
	for _, s := range p.specs {
		for _, c := range s.calls {
			if c.frame != nil {
				frames = append(frames, c.frame)
			}
		}
	}
	for _, d := range named {
		if d.Window.Frame != nil {
			frames = append(frames, d.Window.Frame)
		}
	}
	for _, f := range frames {
		for _, e := range []ir.Expr{f.Start.Offset, f.End.Offset} {
			vars := false
			ir.Inspect(e, func(x ir.Expr) bool {
				if _, ok := x.(*ir.ColumnRef); ok {
					vars = true
				}
				return !vars
			})
			if vars {
				return pgerr.New(pgerr.InvalidColumnReference, "argument of %s must not contain variables", f.Mode)
			}
		}
	}
	return nil
}

// bounds returns row j's frame in the partition, [lo, hi]; lo > hi when
// it is empty.
func (fr frame) bounds(p *windowPartition, j int) (int, int) {
	m := len(p.rows)
	if fr.f == nil {
		return 0, p.ends[j] // RANGE UNBOUNDED PRECEDING to CURRENT ROW
	}
	lo, hi := 0, m-1
	rows := fr.f.Mode == ir.FrameRows
	switch fr.f.Start.Kind {
	case ir.OffsetPreceding:
		lo = int(max(int64(j)-fr.start, -1))
	case ir.CurrentRow:
		lo = j
		if !rows {
			lo = p.peers[j]
		}
	case ir.OffsetFollowing:
		lo = int(min(int64(j)+fr.start, int64(m)))
	}
	switch fr.f.End.Kind {
	case ir.OffsetPreceding:
		hi = int(max(int64(j)-fr.end, -1))
	case ir.CurrentRow:
		hi = j
		if !rows {
			hi = p.ends[j]
		}
	case ir.OffsetFollowing:
		hi = int(min(int64(j)+fr.end, int64(m)))
	}
	return max(lo, 0), min(hi, m-1)
}

// windowFunc computes a window function over one partition, setting the
// result of each of its rows (by position in the partition).
type windowFunc func(p *windowPartition, fr frame, set func(pos int, v any)) error

// windowFunction returns the function f computes and its result type.
// args holds each argument's value on every input row.
func windowFunction(f *ir.Func, types []sqlType, args [][]any) (windowFunc, sqlType, error) {
	switch f.Name {
	case "row_number":
		return func(p *windowPartition, _ frame, set func(int, any)) error {
			for j := range p.rows {
				set(j, int64(j+1))
			}
			return nil
		}, typInt8, nil
	case "rank", "dense_rank", "percent_rank", "cume_dist":
		return rankFunc(f.Name)
	case "ntile":
		if err := intArgument(f, types, args, 0); err != nil {
			return nil, typInt4, err
		}
		return func(p *windowPartition, _ frame, set func(int, any)) error {
			return ntile(p, args[0], set)
		}, typInt4, nil
	case "lag", "lead":
		return lagLead(f, types, args)
	case "first_value", "last_value", "nth_value":
		if err := polymorphic(types[0]); err != nil {
			return nil, typUnknown, err
		}
		if f.Name == "nth_value" {
			if err := intArgument(f, types, args, 1); err != nil {
				return nil, typUnknown, err
			}
		}
		return func(p *windowPartition, fr frame, set func(int, any)) error {
			for j := range p.rows {
				lo, hi := fr.bounds(p, j)
				pos := lo
				switch f.Name {
				case "last_value":
					pos = hi
				case "nth_value":
					nv := args[1][p.rows[j]]
					if nv == nil {
						set(j, nil)
						continue
					}
					nth := nv.(int64)
					if nth <= 0 {
						return pgerr.New("22016", "argument of nth_value must be greater than zero")
					}
					pos = int(min(int64(lo)+nth-1, int64(len(p.rows))))
				}
				if lo > hi || pos > hi {
					set(j, nil)
					continue
				}
				set(j, args[0][p.rows[pos]])
			}
			return nil
		}, types[0], nil
	}
	return windowAggregate(f, types, args)
}

// rankFunc returns the ranking functions, computed from the peer groups.
func rankFunc(name string) (windowFunc, sqlType, error) {
	typ := typInt8
	if name == "percent_rank" || name == "cume_dist" {
		typ = typFloat8
	}
	return func(p *windowPartition, _ frame, set func(int, any)) error {
		m := len(p.rows)
		dense := int64(0)
		for j := range p.rows {
			if p.peers[j] == j {
				dense++
			}
			rank := int64(p.peers[j] + 1)
			switch name {
			case "rank":
				set(j, rank)
			case "dense_rank":
				set(j, dense)
			case "percent_rank":
				if m == 1 {
					set(j, 0.0)
				} else {
					set(j, float64(rank-1)/float64(m-1))
				}
			case "cume_dist":
				set(j, float64(p.ends[j]+1)/float64(m))
			}
		}
		return nil
	}, typ, nil
}

// ntile deals the partition's rows into buckets as PostgreSQL's
// window_ntile does: the argument is read on the first row where it is
// not NULL (the rows before it get NULL), and the first total % buckets
// buckets have one row more.
func ntile(p *windowPartition, arg []any, set func(int, any)) error {
	total := int64(len(p.rows))
	var bucket, inBucket, boundary, remainder int64
	for j := range p.rows {
		if bucket == 0 {
			v := arg[p.rows[j]]
			if v == nil {
				set(j, nil)
				continue
			}
			nb := v.(int64)
			if nb <= 0 {
				return pgerr.New("22014", "argument of ntile must be greater than zero")
			}
			bucket, inBucket = 1, 0
			boundary = total / nb
			if boundary <= 0 {
				boundary = 1
			} else if remainder = total % nb; remainder != 0 {
				boundary++
			}
		}
		inBucket++
		if boundary < inBucket {
			if remainder != 0 && bucket == remainder {
				remainder = 0
				boundary--
			}
			bucket++
			inBucket = 1
		}
		set(j, bucket)
	}
	return nil
}

// lagLead returns lag or lead: the value offset rows before (after) the
// current row in its partition, or the default (evaluated on the current
// row) when there is no such row. A negative offset looks the other way,
// a NULL one gives NULL. The result type is the common type of the value
// and the default.
func lagLead(f *ir.Func, types []sqlType, args [][]any) (windowFunc, sqlType, error) {
	typ := types[0]
	if len(types) > 1 {
		if err := intArgument(f, types, args, 1); err != nil {
			return nil, typUnknown, err
		}
	}
	if len(types) > 2 {
		t, err := commonType(typ, types[2], f.Name)
		if err != nil {
			return nil, typUnknown, pgerr.New(pgerr.UndefinedFunction, "function %s(%s) does not exist", f.Name, typeList(types))
		}
		typ = t
	}
	if err := polymorphic(typ); err != nil {
		return nil, typUnknown, err
	}
	sign := int64(-1)
	if f.Name == "lead" {
		sign = 1
	}
	return func(p *windowPartition, _ frame, set func(int, any)) error {
		for j, i := range p.rows {
			off := int64(1)
			if len(args) > 1 {
				v := args[1][i]
				if v == nil {
					set(j, nil)
					continue
				}
				off = v.(int64)
			}
			var v any
			var vt sqlType
			if k := int64(j) + sign*off; k >= 0 && k < int64(len(p.rows)) {
				v, vt = args[0][p.rows[k]], types[0]
			} else if len(args) > 2 {
				v, vt = args[2][i], types[2]
			}
			v, err := cast(v, vt, typ, false /* explicit */)
			if err != nil {
				return err
			}
			set(j, v)
		}
		return nil
	}, typ, nil
}

// intArgument checks that argument i of f is an integer (smallint or
// integer), as PostgreSQL's signature wants; an untyped literal (NULL,
// '3') is read as one.
func intArgument(f *ir.Func, types []sqlType, args [][]any, i int) error {
	switch types[i].kind {
	case kInt2, kInt4:
		return nil
	case kUnknown:
		for r, v := range args[i] {
			if s, ok := v.(string); ok {
				n, err := parseText(typInt4, s)
				if err != nil {
					return err
				}
				args[i][r] = n
			}
		}
		types[i] = typInt4
		return nil
	}
	return pgerr.New(pgerr.UndefinedFunction, "function %s(%s) does not exist", f.Name, typeList(types))
}

// polymorphic refuses an untyped value where PostgreSQL resolves a
// polymorphic argument.
func polymorphic(t sqlType) error {
	if t.kind == kUnknown {
		return pgerr.New(pgerr.DatatypeMismatch, "could not determine polymorphic type because input has type unknown")
	}
	return nil
}

// windowAggregate returns an aggregate computed over each row's frame: the
// frame's non-NULL values folded as GROUP BY folds a group's. Rows with
// the same frame share its result.
func windowAggregate(f *ir.Func, types []sqlType, args [][]any) (windowFunc, sqlType, error) {
	nargs := 1
	if f.Name == "string_agg" {
		nargs = 2
	}
	if f.Star {
		if f.Name != "count" {
			return nil, typUnknown, pgerr.New(pgerr.UndefinedFunction, "function %s(*) does not exist", f.Name)
		}
		return func(p *windowPartition, fr frame, set func(int, any)) error {
			for j := range p.rows {
				lo, hi := fr.bounds(p, j)
				set(j, int64(max(hi-lo+1, 0)))
			}
			return nil
		}, typInt8, nil
	}
	if len(f.Args) != nargs {
		return nil, typUnknown, pgerr.New(pgerr.UndefinedFunction, "function %s does not exist", f.String())
	}
	// The type and the errors of the aggregate over no rows.
	_, typ, err := fold(f.Name, types[0], nil, nil)
	if err != nil {
		return nil, typ, err
	}
	return func(p *windowPartition, fr frame, set func(int, any)) error {
		prevLo, prevHi := -1, -2
		var prev any
		var vals, delims []any
		run, incremental := newRunning(f.Name, types[0], typ) // windowagg.go
		runHi := -1                                           // the last row run has folded in
		for j := range p.rows {
			lo, hi := fr.bounds(p, j)
			if j > 0 && lo == prevLo && hi == prevHi {
				set(j, prev)
				continue
			}
			if incremental && lo == 0 && hi >= runHi {
				for k := runHi + 1; k <= hi; k++ {
					i := p.rows[k]
					if args[0][i] == nil {
						continue
					}
					var delim any
					if nargs == 2 {
						delim = args[1][i]
					}
					if err := run.add(args[0][i], delim); err != nil {
						return err
					}
				}
				runHi = max(runHi, hi)
				v, err := run.result()
				if err != nil {
					return err
				}
				set(j, v)
				prevLo, prevHi, prev = lo, hi, v
				continue
			}
			incremental = false // the frames no longer only grow
			vals, delims = vals[:0], delims[:0]
			for k := lo; k <= hi; k++ {
				i := p.rows[k]
				if args[0][i] == nil {
					continue
				}
				vals = append(vals, args[0][i])
				if nargs == 2 {
					delims = append(delims, args[1][i])
				}
			}
			v, _, err := fold(f.Name, types[0], vals, delims)
			if err != nil {
				return err
			}
			set(j, v)
			prevLo, prevHi, prev = lo, hi, v
		}
		return nil
	}, typ, nil
}
