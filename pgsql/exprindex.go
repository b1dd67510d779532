package pgsql

import (
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Expression and partial indexes. The engine indexes columns; an index
// over an expression, or over the rows a predicate admits, is an engine
// index over hidden columns the SQL layer computes on every write:
//
//   - each expression of the index has a hidden column holding its value
//     for the row (lower(email)'s, say);
//   - a partial index has one more hidden column, its flag, last in the
//     engine index: TRUE when the row satisfies the predicate, NULL when
//     it does not, in which case the row's expression columns are NULL
//     too, the expressions not evaluated (PostgreSQL evaluates them only
//     for the rows the index holds).
//
// A unique engine index treats NULLs as distinct, as PostgreSQL does, so
// a row outside the predicate (its flag NULL) never conflicts, and a NULL
// expression value never conflicts: the engine enforces the index exactly
// as PostgreSQL enforces it, with one B-tree probe per written row. The
// hidden columns are named pg_reldb_ixN, a prefix no user column may
// take (systemColumnError); they are hidden from SQL as the row identity
// of a table without a primary key is (schema.go): not in *, INSERT
// without a column list, RETURNING * or any catalog, and no name
// resolves to them. The index's declaration (indexDecl, kept with the
// table's in tableDecl.indexDefs, durable with the others) says which
// hidden column holds what.
//
// The values are computed by SQL's writes: INSERT (all its forms, COPY
// FROM too, which the wire layer runs as INSERTs), UPDATE and ON
// CONFLICT. The Go API writes rows as they are stored and does not
// compute them, as it does not check CHECK constraints: a row it writes
// has whatever it gives the hidden columns (NULL by default, outside
// every such index). Because the engine's referential actions (ON
// DELETE SET NULL, ON UPDATE CASCADE, ...) change rows without SQL, an
// index whose expressions or predicate read a column such an action
// changes is 0A000. A row that leaves an auto-increment (serial) key
// an index reads to the engine draws it from the engine's sequence
// before its hidden columns are computed.
//
// An index whose elements are columns but that has INCLUDE columns,
// storage parameters (WITH) or a sort order keeps a declaration too, for
// the catalog's text; its engine index is over its key columns alone, so
// INCLUDE columns take no part in uniqueness, as in PostgreSQL.

// hiddenPrefix begins the names of the hidden columns of expression and
// partial indexes.
const hiddenPrefix = reservedPrefix + "ix"

// indexDecl is what SQL declares of an index beyond its engine columns.
// It is immutable.
type indexDecl struct {
	elems   []indexElem
	include []string
	options []ir.IndexOption // names lower-case, values as written
	pred    ir.Expr          // the partial index's predicate, nil for none
	flag    string           // the hidden column of pred, "" for none
}

// indexElem is one key element of an index: a table column, or an
// expression held by the hidden column named column.
type indexElem struct {
	column    string
	expr      ir.Expr // nil for a table column
	collation string  // a COLLATE other than the column's, "" for none
	opclass   string  // an operator class other than the default, "" for none
	dir       ir.SortDir
	nulls     ir.NullsOrder
}

// derived reports whether def's index is over hidden columns.
func (def *indexDecl) derived() bool {
	if def.pred != nil {
		return true
	}
	return slices.ContainsFunc(def.elems, func(e indexElem) bool { return e.expr != nil })
}

// hiddenColumns returns the hidden columns of def, in order.
func (def *indexDecl) hiddenColumns() []string {
	var out []string
	for _, e := range def.elems {
		if e.expr != nil {
			out = append(out, e.column)
		}
	}
	if def.flag != "" {
		out = append(out, def.flag)
	}
	return out
}

// engineColumns returns the columns of def's engine index.
func (def *indexDecl) engineColumns() []string {
	out := make([]string, 0, len(def.elems)+1)
	for _, e := range def.elems {
		out = append(out, e.column)
	}
	if def.flag != "" {
		out = append(out, def.flag)
	}
	return out
}

// describes reports whether def declares ix: an index of its name over
// its engine columns (a dropped table's declaration may outlive it).
func (def *indexDecl) describes(ix engine.Index) bool {
	return slices.Equal(ix.Columns, def.engineColumns())
}

// reads returns whether def's index mentions column name: as a key
// column, an INCLUDE column, or in an expression or its predicate.
func (def *indexDecl) reads(name string) bool {
	if slices.Contains(def.include, name) {
		return true
	}
	for _, e := range def.elems {
		if e.expr == nil && e.column == name || e.expr != nil && mentions(e.expr, name) {
			return true
		}
	}
	return def.pred != nil && mentions(def.pred, name)
}

// renamed returns def with column from renamed to to.
func (def *indexDecl) renamed(from, to string) (*indexDecl, error) {
	out := *def
	out.elems = slices.Clone(def.elems)
	var err error
	for i, e := range out.elems {
		if e.expr == nil && e.column == from {
			out.elems[i].column = to
		}
		if e.expr != nil && mentions(e.expr, from) {
			if out.elems[i].expr, err = renameRefs(e.expr, from, to); err != nil {
				return nil, err
			}
		}
	}
	out.include = slices.Clone(def.include)
	for i, c := range out.include {
		if c == from {
			out.include[i] = to
		}
	}
	if def.pred != nil && mentions(def.pred, from) {
		if out.pred, err = renameRefs(def.pred, from, to); err != nil {
			return nil, err
		}
	}
	return &out, nil
}

// derivedIndex is how a table's writes compute the hidden columns of one
// expression or partial index: positions in the row.
type derivedIndex struct {
	pred  ir.Expr
	flag  int // position of the flag column, -1 for none
	exprs []derivedExpr
}

type derivedExpr struct {
	pos  int
	expr ir.Expr
}

// deriveSchema sets ts's derived indexes and hidden columns from td,
// before ts.index is built: name is each column's position.
func (ts *tableSchema) deriveSchema(td *tableDecl, pos map[string]int) {
	names := slices.Sorted(maps.Keys(td.indexDefs))
	for _, n := range names {
		def := td.indexDefs[n]
		if !def.derived() {
			continue
		}
		d := derivedIndex{pred: def.pred, flag: -1}
		complete := true
		for _, e := range def.elems {
			if e.expr == nil {
				continue
			}
			p, ok := pos[e.column]
			complete = complete && ok
			d.exprs = append(d.exprs, derivedExpr{pos: p, expr: e.expr})
		}
		if def.flag != "" {
			p, ok := pos[def.flag]
			complete = complete && ok
			d.flag = p
		}
		if !complete {
			continue // the Go API dropped a hidden column
		}
		if ts.concealed == nil {
			ts.concealed = make([]bool, len(ts.def.Columns))
		}
		for _, x := range d.exprs {
			ts.concealed[x.pos] = true
		}
		if d.flag >= 0 {
			ts.concealed[d.flag] = true
		}
		ts.derived = append(ts.derived, d)
		for i, c := range ts.def.Columns {
			if !c.AutoIncrement || slices.Contains(ts.serialReads, i) {
				continue
			}
			reads := d.pred != nil && mentions(d.pred, c.Name)
			for _, x := range d.exprs {
				reads = reads || mentions(x.expr, c.Name)
			}
			if reads {
				ts.serialReads = append(ts.serialReads, i)
			}
		}
	}
}

// derive computes the hidden columns of vals, a whole row of ts, calling
// set with each one's position and value.
func (ts *tableSchema) derive(vals []any, ev *evaluator, set func(pos int, v any)) error {
	if len(ts.derived) == 0 {
		return nil
	}
	sc := newScope(ts, ts.def.Name)
	sc.row = vals
	rowEv := ev.with(sc)
	for _, d := range ts.derived {
		holds := true
		if d.pred != nil {
			ok, err := rowEv.boolean(d.pred, "WHERE")
			if err != nil {
				return err
			}
			holds = ok == true
		}
		if d.flag >= 0 {
			if holds {
				set(d.flag, true)
			} else {
				set(d.flag, nil)
			}
		}
		for _, x := range d.exprs {
			if !holds {
				set(x.pos, nil)
				continue
			}
			v, t, err := rowEv.eval(x.expr)
			if err != nil {
				return err
			}
			if v, err = assign(v, t, ts, x.pos); err != nil {
				return err
			}
			set(x.pos, v)
		}
	}
	return nil
}

// deriveInsert sets the hidden columns of row, an INSERT's row with its
// defaults filled.
func (ts *tableSchema) deriveInsert(row engine.Row, ev *evaluator) error {
	if len(ts.derived) == 0 {
		return nil
	}
	for _, i := range ts.serialReads {
		// The engine would draw the key after the row is computed: it
		// is drawn now, as its DEFAULT would.
		name := ts.def.Columns[i].Name
		if v, ok := row[name]; ok && v != nil {
			continue
		}
		v, err := ts.defaultValue(i, ev)
		if err != nil {
			return err
		}
		row[name] = v
	}
	vals := ts.proposed(row)
	return ts.derive(vals, ev, func(pos int, v any) { row[ts.def.Columns[pos].Name] = v })
}

// deriveUpdate adds to set, an UPDATE's changes to the row old, the
// hidden columns of the row it makes.
func (ts *tableSchema) deriveUpdate(old []any, set engine.Row, ev *evaluator) error {
	if len(ts.derived) == 0 {
		return nil
	}
	vals := slices.Clone(old[:len(ts.def.Columns)])
	for i, c := range ts.def.Columns {
		if v, ok := set[c.Name]; ok {
			vals[i] = v
		}
	}
	return ts.derive(vals, ev, func(pos int, v any) { set[ts.def.Columns[pos].Name] = v })
}

// indexSpec checks a CREATE INDEX's elements, INCLUDE columns, storage
// parameters and predicate against ts, as PostgreSQL does. It returns
// the index's declaration (nil for one over plain columns only, which
// needs none), the engine columns of a plain one, and the names
// PostgreSQL's default index name is made of.
func (s *Session) indexSpec(ts *tableSchema, st *ir.CreateIndex) (*indexDecl, []string, []string, error) {
	def := &indexDecl{include: st.Include}
	var cols, names []string
	needed := st.Include != nil || st.Options != nil || st.Where != nil
	for _, e := range st.Elems {
		el := indexElem{dir: e.Dir, nulls: e.Nulls}
		if e.Dir != ir.SortDefault || e.Nulls != ir.NullsDefault || e.Opclass != "" || e.Collation != "" {
			needed = true
		}
		if e.Expr == nil {
			if _, err := ts.column(e.Column); err != nil {
				return nil, nil, nil, pgerr.UndefinedColumnError(e.Column)
			}
			t := ts.types[ts.index[e.Column]]
			if err := keyTypes([]string{e.Column}, map[string]sqlType{e.Column: t}); err != nil {
				return nil, nil, nil, err
			}
			var err error
			if el.collation, el.opclass, err = elemClass(e, t); err != nil {
				return nil, nil, nil, err
			}
			el.column = e.Column
			cols = append(cols, e.Column)
			names = append(names, e.Column)
			def.elems = append(def.elems, el)
			continue
		}
		needed = true
		t, err := s.indexExprCheck(ts, e.Expr, "expression", "expressions")
		if err != nil {
			return nil, nil, nil, err
		}
		if el.collation, el.opclass, err = elemClass(e, t); err != nil {
			return nil, nil, nil, err
		}
		x, err := unqualified(e.Expr)
		if err != nil {
			return nil, nil, nil, err
		}
		el.expr = x
		names = append(names, indexColName(x))
		def.elems = append(def.elems, el)
	}
	for _, c := range st.Include {
		if _, err := ts.column(c); err != nil {
			return nil, nil, nil, pgerr.UndefinedColumnError(c)
		}
		names = append(names, c)
	}
	for _, o := range st.Options {
		o, err := indexOption(o)
		if err != nil {
			return nil, nil, nil, err
		}
		def.options = append(def.options, o)
	}
	if st.Where != nil {
		if _, err := s.indexExprCheck(ts, st.Where, "predicate", "predicates"); err != nil {
			return nil, nil, nil, err
		}
		x, err := unqualified(st.Where)
		if err != nil {
			return nil, nil, nil, err
		}
		def.pred = x
	}
	if !needed {
		return nil, cols, names, nil
	}
	return def, cols, dedupeNames(names), nil
}

// indexExprCheck refuses in an index expression or predicate (what, and
// its plural) what PostgreSQL refuses there, and one reldb cannot keep:
// see the comment at the top of this file.
func (s *Session) indexExprCheck(ts *tableSchema, e ir.Expr, what, plural string) (sqlType, error) {
	var bad error
	ir.Inspect(e, func(x ir.Expr) bool {
		switch x := x.(type) {
		case *ir.Subquery, *ir.Exists, *ir.Quantified:
			bad = pgerr.New(pgerr.FeatureNotSupported, "cannot use subquery in index %s", what)
		case *ir.Param:
			bad = pgerr.New("42P02", "there is no parameter $%d", x.Number)
		case *ir.Func:
			switch {
			case x.Over != nil:
				bad = pgerr.New("42P20", "window functions are not allowed in index %s", plural)
			case isAggregateCall(x):
				bad = pgerr.New("42803", "aggregate functions are not allowed in index %s", plural)
			case setReturning(x):
				bad = pgerr.New(pgerr.FeatureNotSupported, "set-returning functions are not allowed in index %s", plural)
			}
		}
		return bad == nil
	})
	if bad != nil {
		return typUnknown, bad
	}
	sc := newScope(ts, ts.def.Name)
	sc.row = make([]any, len(ts.def.Columns))
	ev := (&evaluator{types: s}).with(sc)
	if !immutable(e) || timeZoneDependent(ev, e) {
		return typUnknown, &Error{Code: "42P17", Message: "functions in index " + what + " must be marked IMMUTABLE"}
	}
	if what == "predicate" {
		if _, err := ev.boolean(e, "WHERE"); err != nil && !strings.HasPrefix(pgerr.Code(err), "22") {
			return typUnknown, err
		}
		return typBool, nil
	}
	_, t, err := ev.eval(e)
	if err != nil {
		if !strings.HasPrefix(pgerr.Code(err), "22") {
			return typUnknown, err
		}
		// A data error on a row of NULLs: its type is not known.
		return typUnknown, pgerr.Unsupported("index expression " + e.String())
	}
	if t.kind == kUnknown {
		return typUnknown, pgerr.Unsupported("index expression " + e.String() + " of unknown type")
	}
	if err := keyTypes([]string{"expression"}, map[string]sqlType{"expression": t}); err != nil {
		return typUnknown, err
	}
	return t, nil
}

// btreeOpclasses are the btree operator classes reldb knows, by name:
// the kinds of column each takes, and whether it is their default.
var btreeOpclasses = map[string]struct {
	kinds []kind
	def   bool
}{
	"text_ops": {[]kind{kText, kVarchar}, true}, "varchar_ops": {[]kind{kText, kVarchar}, false},
	"text_pattern_ops": {[]kind{kText, kVarchar}, false}, "varchar_pattern_ops": {[]kind{kText, kVarchar}, false},
	"bpchar_ops": {[]kind{kBpchar}, true}, "bpchar_pattern_ops": {[]kind{kBpchar}, false},
	"int2_ops": {[]kind{kInt2}, true}, "int4_ops": {[]kind{kInt4}, true}, "int8_ops": {[]kind{kInt8}, true},
	"numeric_ops": {[]kind{kNumeric}, true}, "float4_ops": {[]kind{kFloat4}, true}, "float8_ops": {[]kind{kFloat8}, true},
	"bool_ops": {[]kind{kBool}, true}, "bytea_ops": {[]kind{kBytea}, true}, "date_ops": {[]kind{kDate}, true},
	"timestamp_ops": {[]kind{kTimestamp}, true}, "timestamptz_ops": {[]kind{kTimestamptz}, true},
	"uuid_ops": {[]kind{kUUID}, true}, "enum_ops": {[]kind{kEnum}, true},
}

// elemClass checks an index element's COLLATE and operator class against
// its type t, and returns those the catalog shows: none for the defaults.
// Each operator class reldb knows compares for equality as the default
// does, and COLLATE "C" orders text as reldb always does, so neither
// changes what a unique index refuses.
func elemClass(e ir.IndexElem, t sqlType) (collation, opclass string, err error) {
	if c := e.Collation; c != "" {
		switch {
		case !t.isText() || t.array:
			return "", "", pgerr.New(pgerr.DatatypeMismatch, "collations are not supported by type %s", t)
		case c == "C" || c == "POSIX":
			collation = c
		case c != "default":
			return "", "", pgerr.Unsupported(`collation "` + c + `"`)
		}
	}
	if e.Opclass == "" {
		return collation, "", nil
	}
	oc, ok := btreeOpclasses[e.Opclass]
	if !ok {
		return "", "", pgerr.New(pgerr.UndefinedObject, `operator class "%s" does not exist for access method "btree"`, e.Opclass)
	}
	if t.array || !slices.Contains(oc.kinds, t.kind) {
		return "", "", pgerr.New(pgerr.DatatypeMismatch, `operator class "%s" does not accept data type %s`, e.Opclass, t)
	}
	if !oc.def {
		opclass = e.Opclass
	}
	return collation, opclass, nil
}

// unqualified returns e with its column references unqualified
// (users.email read as email), so that the index keeps reading its
// columns when the table is renamed, as PostgreSQL's do. Parsed
// expressions are shared, so a copy is changed, as renameRefs does.
func unqualified(e ir.Expr) (ir.Expr, error) {
	qualified := false
	ir.Inspect(e, func(x ir.Expr) bool {
		if r, ok := x.(*ir.ColumnRef); ok && (r.Table != "" || r.Schema != "") {
			qualified = true
		}
		return !qualified
	})
	if !qualified {
		return e, nil
	}
	c, err := renameRefs(e, "", "")
	if err != nil {
		return nil, err
	}
	ir.Inspect(c, func(x ir.Expr) bool {
		if r, ok := x.(*ir.ColumnRef); ok {
			r.Table, r.Schema = "", ""
		}
		return true
	})
	return c, nil
}

// stableFuncs are functions reldb has that PostgreSQL marks STABLE or
// VOLATILE (besides those volatile finds), which an index may not call.
var stableFuncs = map[string]bool{
	"concat": true, "concat_ws": true, "format": true, "to_char": true, "age": true,
	"current_setting": true, "set_config": true, "timeofday": true,
	"random": true, "setseed": true, "pg_sleep": true,
}

// immutable reports whether e calls only functions PostgreSQL marks
// IMMUTABLE, as far as reldb knows them: not the clock, random values,
// sequences, the catalog, the session's settings, nor the stable ones.
func immutable(e ir.Expr) bool {
	if volatile(e) {
		return false
	}
	ok := true
	ir.Inspect(e, func(x ir.Expr) bool {
		switch x := x.(type) {
		case *ir.ValueFunc:
			ok = false
		case *ir.Func:
			if stableFuncs[x.Name] || strings.HasPrefix(x.Name, "pg_") || strings.HasPrefix(x.Name, "current_") ||
				strings.HasPrefix(x.Name, "txid_") || strings.HasSuffix(x.Name, "_is_visible") {
				ok = false
			}
		}
		return ok
	})
	return ok
}

// timeZoneDependent reports whether e, typed by ev over a row of NULLs,
// converts between date and time types and text, or between timestamptz
// and the types without a time zone, or takes a field of a timestamptz:
// PostgreSQL marks those STABLE (they read DateStyle or TimeZone).
func timeZoneDependent(ev *evaluator, e ir.Expr) bool {
	dated := func(t sqlType) bool {
		return !t.array && (t.kind == kTimestamp || t.kind == kTimestamptz || t.kind == kDate || t.kind == kInterval)
	}
	typeOf := func(x ir.Expr) (sqlType, bool) {
		_, t, err := ev.eval(x)
		return t, err == nil
	}
	found := false
	ir.Inspect(e, func(x ir.Expr) bool {
		switch x := x.(type) {
		case *ir.Cast:
			from, ok := typeOf(x.Arg)
			to, err := columnType(x.Type)
			if !ok || err != nil {
				return true
			}
			switch {
			case dated(from) && to.isText(), from.isText() && dated(to):
				found = true
			case from.kind == kTimestamptz && dated(to) && to.kind != kTimestamptz,
				to.kind == kTimestamptz && dated(from) && from.kind != kTimestamptz:
				found = true
			}
		case *ir.Func:
			switch x.Name {
			case "date_trunc", "date_part", "extract", "to_char", "age":
				for _, a := range x.Args {
					if t, ok := typeOf(a); ok && t.kind == kTimestamptz {
						found = true
					}
				}
			}
		}
		return !found
	})
	return found
}

// indexColName is PostgreSQL's name for an index expression in a
// default index name: a column's, a function's, what a cast casts, else
// expr.
func indexColName(e ir.Expr) string {
	switch x := e.(type) {
	case *ir.ColumnRef:
		if !x.Star {
			return x.Column
		}
	case *ir.Func:
		return x.Name
	case *ir.Cast:
		if n := indexColName(x.Arg); n != "expr" {
			return n
		}
		return x.Type.Name
	case *ir.Coalesce:
		return "coalesce"
	case *ir.Case:
		return "case"
	}
	return "expr"
}

// dedupeNames numbers a name that repeats an earlier one, as PostgreSQL
// names an index's columns: lower, lower1, ...
func dedupeNames(names []string) []string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		cur := n
		for i := 1; slices.Contains(out, cur); i++ {
			cur = n + itoa(i)
		}
		out = append(out, cur)
	}
	return out
}

// indexOption checks a btree storage parameter as PostgreSQL does
// (fillfactor from 10 to 100, deduplicate_items a boolean) and returns it
// with its name in lower case and its value as PostgreSQL keeps it.
func indexOption(o ir.IndexOption) (ir.IndexOption, error) {
	o.Name = strings.ToLower(o.Name)
	switch o.Name {
	case "fillfactor":
		if o.Value == "" {
			o.Value = "true"
		}
		n, err := strconv.Atoi(o.Value)
		if err != nil {
			return o, &Error{Code: "22023", Message: `invalid value for integer option "fillfactor": ` + o.Value}
		}
		if n < 10 || n > 100 {
			return o, &Error{Code: "22023", Message: `value ` + o.Value + ` out of bounds for option "fillfactor"`,
				Detail: `Valid values are between "10" and "100".`}
		}
	case "deduplicate_items":
		if o.Value == "" {
			o.Value = "true"
		}
		if _, err := parseText(typBool, o.Value); err != nil {
			return o, &Error{Code: "22023", Message: `invalid value for boolean option "deduplicate_items": ` + o.Value}
		}
	default:
		return o, &Error{Code: "22023", Message: `unrecognized parameter "` + o.Name + `"`}
	}
	o.Quoted = false
	return o, nil
}

// hiddenName returns a name for a new hidden column of def (a table's
// engine definition) that none of its columns, nor any in taken, has.
func hiddenName(def engine.Table, taken []string) string {
	for i := 1; ; i++ {
		n := hiddenPrefix + itoa(i)
		if !slices.ContainsFunc(def.Columns, func(c engine.Column) bool { return c.Name == n }) && !slices.Contains(taken, n) {
			return n
		}
	}
}

// staleIndexColumn returns the first column of table that an expression
// or the predicate of def reads and that a referential action of rels
// may change (a foreign key's columns under SET NULL, SET DEFAULT or ON
// UPDATE CASCADE), or "".
func staleIndexColumn(table string, def *indexDecl, rels []engine.Relation) string {
	exprs := def.hiddenExprs()
	for _, r := range rels {
		changes := r.OnDelete == engine.SetNull || r.OnDelete == engine.SetDefault ||
			r.OnUpdate == engine.SetNull || r.OnUpdate == engine.SetDefault || r.OnUpdate == engine.Cascade
		if r.Child != table || !changes {
			continue
		}
		for _, c := range r.Columns {
			if slices.ContainsFunc(exprs, func(e ir.Expr) bool { return mentions(e, c) }) {
				return c
			}
		}
	}
	return ""
}

// createDerivedIndex makes the engine index of def, an expression or
// partial index of table named name: its hidden columns, their values
// for the rows there are, then the index, which refuses duplicates among
// them as PostgreSQL's CREATE UNIQUE INDEX does (23505 "could not create
// unique index").
func (s *Session) createDerivedIndex(tx *engine.Tx, table, name string, unique bool, def *indexDecl) error {
	a := &alteration{s: s, tx: tx, table: table}
	ts, err := a.schema()
	if err != nil {
		return err
	}
	rels, err := tx.Relations(table)
	if err != nil {
		return err
	}
	if c := staleIndexColumn(table, def, rels); c != "" {
		return pgerr.Unsupported("index expression or predicate reading column " + c + ", which a foreign key's action changes")
	}
	td := a.decl()
	var taken []string
	out := *def
	out.elems = slices.Clone(def.elems)
	sc := newScope(ts, ts.def.Name)
	sc.row = make([]any, len(ts.def.Columns))
	ev := (&evaluator{types: s}).with(sc)
	for i, e := range out.elems {
		if e.expr == nil {
			continue
		}
		_, t, err := ev.eval(e.expr) // its type, as indexSpec found it
		if err != nil {
			return err
		}
		col := hiddenName(ts.def, taken)
		taken = append(taken, col)
		out.elems[i].column = col
		if err := tx.AddColumn(table, engine.Column{Name: col, Type: t.engineType(), Precision: t.enginePrec(), Scale: t.engineScale()}); err != nil {
			return err
		}
		td.types[col] = t
	}
	if out.pred != nil {
		out.flag = hiddenName(ts.def, taken)
		if err := tx.AddColumn(table, engine.Column{Name: out.flag, Type: engine.Bool}); err != nil {
			return err
		}
		td.types[out.flag] = typBool
	}
	td.indexDefs = maps.Clone(td.indexDefs)
	if td.indexDefs == nil {
		td.indexDefs = map[string]*indexDecl{}
	}
	td.indexDefs[name] = &out
	if td.indexes == nil {
		td.indexes = map[string]indexOrigin{}
	}
	td.indexes[name] = byCreateIndex
	s.setDecl(table, td)
	if ts, err = a.schema(); err != nil {
		return err
	}
	recs, err := tx.Query(table).All()
	if err != nil {
		return err
	}
	rowEv := &evaluator{types: s}
	for _, rec := range recs {
		vals := rec.Values()
		set := engine.Row{}
		if err := ts.derive(vals, rowEv, func(pos int, v any) {
			if v != nil {
				set[ts.def.Columns[pos].Name] = v
			}
		}); err != nil {
			return err
		}
		if len(set) == 0 {
			continue
		}
		if _, err := tx.Update(table, ts.key(vals), set); err != nil {
			return err
		}
	}
	if err := tx.CreateIndex(table, engine.Index{Name: name, Columns: out.engineColumns(), Unique: unique}); err != nil {
		return s.uniqueKeyDetail(createIndexError(err, name))
	}
	return nil
}

// dropIndexDef forgets the declaration of index name of table, dropping
// the hidden columns its engine index (dropped already) was over.
func (s *Session) dropIndexDef(tx *engine.Tx, table, name string) error {
	td := s.decl(table)
	def := td.indexDefs[name]
	if def == nil {
		return nil
	}
	for _, c := range def.hiddenColumns() {
		if err := tx.DropColumn(table, c); err != nil && !errors.Is(err, engine.ErrNoColumn) {
			return err
		}
	}
	a := &alteration{s: s, tx: tx, table: table}
	nd := a.decl()
	nd.indexDefs = maps.Clone(nd.indexDefs)
	delete(nd.indexDefs, name)
	for _, c := range def.hiddenColumns() {
		delete(nd.types, c)
	}
	s.setDecl(table, nd)
	return nil
}

// dropIndexesReading drops the indexes of table with a declaration that
// reads column (DROP COLUMN), as PostgreSQL drops every index over a
// column it drops.
func (s *Session) dropIndexesReading(tx *engine.Tx, table, column string) error {
	td := s.decl(table)
	def, err := tx.Table(table)
	if err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(td.indexDefs)) {
		if !td.indexDefs[name].reads(column) {
			continue
		}
		if name == pkName(def) {
			return pgerr.Unsupported("dropping a column the primary key INCLUDEs")
		}
		if err := tx.DropIndex(table, name); err != nil && !errors.Is(err, engine.ErrSchema) {
			return err
		}
		if err := s.dropIndexDef(tx, table, name); err != nil {
			return err
		}
		s.declareIndex(table, name, 0)
	}
	return nil
}

// createIndexError words a unique violation found while building index
// name over the rows there are as PostgreSQL does: "could not create
// unique index", the key "is duplicated".
func createIndexError(err error, name string) error {
	var ce *engine.ConstraintError
	if !errors.As(err, &ce) || ce.SQLState != pgerr.UniqueViolation {
		return err
	}
	return &Error{Code: pgerr.UniqueViolation, Message: `could not create unique index "` + name + `"`,
		Detail: "Key " + ce.Key + " is duplicated.", Table: ce.Table, Constraint: name}
}

// uniqueKeyDetail rewrites the DETAIL of a unique violation of an
// expression or partial index: it names the index's expressions, not the
// hidden columns, and leaves out the predicate's flag, as PostgreSQL's
// names the index's key. Other errors are returned as they are.
func (s *Session) uniqueKeyDetail(err error) error {
	var pe *Error
	var ce *engine.ConstraintError
	switch {
	case errors.As(err, &pe):
	case errors.As(err, &ce) && ce.SQLState == pgerr.UniqueViolation:
		pe = toError(err)
	default:
		return err
	}
	if pe.Code != pgerr.UniqueViolation || pe.Table == "" {
		return err
	}
	def := s.decl(pe.Table).indexDefs[pe.Constraint]
	if def == nil || !def.derived() {
		return err
	}
	prefix := "Key (" + strings.Join(def.engineColumns(), ", ") + ")=("
	rest, ok := strings.CutPrefix(pe.Detail, prefix)
	if !ok {
		return err
	}
	var vals, tail string
	for _, t := range []string{") already exists.", ") is duplicated."} {
		if v, ok := strings.CutSuffix(rest, t); ok {
			vals, tail = v, t
		}
	}
	if tail == "" {
		return err
	}
	if def.flag != "" {
		vals = strings.TrimSuffix(vals, ", true")
	}
	texts := make([]string, len(def.elems))
	for i, e := range def.elems {
		texts[i] = s.decl(pe.Table).elemText(pe.Table, e, true /* pretty */, false /* order */)
	}
	c := *pe
	c.Detail = "Key (" + strings.Join(texts, ", ") + ")=(" + vals + tail
	return &c
}

// exprText deparses an expression or predicate of an index of table as
// pg_get_indexdef does, pretty or not, where viewdef's deparser knows
// the expression's kinds; else it is the expression's canonical text.
func (td *tableDecl) exprText(table string, e ir.Expr, pretty bool) string {
	if td.types != nil {
		rel := &viewRel{ref: table}
		for _, n := range slices.Sorted(maps.Keys(td.types)) {
			if strings.HasPrefix(n, hiddenPrefix) {
				continue
			}
			rel.names = append(rel.names, n)
			rel.types = append(rel.types, td.types[n])
		}
		d := &viewDeparser{pretty: pretty, bare: true, rels: []*viewRel{rel}}
		if x, ok := d.expr(e); ok && x.lit == "" && !x.null {
			return x.text
		}
	}
	switch e.(type) {
	case *ir.Func, *ir.Coalesce, *ir.ColumnRef:
		return e.String()
	}
	if pretty {
		return e.String()
	}
	return parenthesized(e)
}

// elemText is one key element of an index of table as pg_get_indexdef
// shows it: a column, a function call, or an expression in parentheses,
// then its sort order where it is not the default.
func (td *tableDecl) elemText(table string, e indexElem, pretty, order bool) string {
	var s string
	switch x := e.expr.(type) {
	case nil:
		s = ident(e.column)
	case *ir.Func, *ir.Coalesce, *ir.ColumnRef:
		s = td.exprText(table, x, pretty)
	default:
		s = "(" + td.exprText(table, x, pretty) + ")"
	}
	if !order {
		return s
	}
	if e.collation != "" {
		s += ` COLLATE "` + e.collation + `"`
	}
	if e.opclass != "" {
		s += " " + e.opclass
	}
	if e.dir == ir.SortDesc {
		s += " DESC"
		if e.nulls == ir.NullsLast {
			s += " NULLS LAST"
		}
	} else if e.nulls == ir.NullsFirst {
		s += " NULLS FIRST"
	}
	return s
}

// defText is the text pg_get_indexdef gives def after the key columns'
// list: INCLUDE, WITH and WHERE.
func (td *tableDecl) defTail(table string, def *indexDecl, pretty bool) string {
	var b strings.Builder
	if len(def.include) > 0 {
		q := make([]string, len(def.include))
		for i, c := range def.include {
			q[i] = ident(c)
		}
		b.WriteString(" INCLUDE (" + strings.Join(q, ", ") + ")")
	}
	if len(def.options) > 0 {
		q := make([]string, len(def.options))
		for i, o := range def.options {
			v := o.Value
			if viewIdent(v) != v {
				v = "'" + strings.ReplaceAll(v, "'", "''") + "'"
			}
			q[i] = o.Name + "=" + v
		}
		b.WriteString(" WITH (" + strings.Join(q, ", ") + ")")
	}
	if def.pred != nil {
		b.WriteString(" WHERE " + td.exprText(table, def.pred, pretty))
	}
	return b.String()
}

// declareIndexDef records def as the declaration of index name of table,
// or forgets the one it has (def nil).
func (s *Session) declareIndexDef(table, name string, def *indexDecl) {
	old := s.decl(table)
	if def == nil && old.indexDefs[name] == nil {
		return
	}
	td := *old
	td.indexDefs = maps.Clone(td.indexDefs)
	if td.indexDefs == nil {
		td.indexDefs = map[string]*indexDecl{}
	}
	if def == nil {
		delete(td.indexDefs, name)
	} else {
		td.indexDefs[name] = def
	}
	s.setDecl(table, &td)
}

// constraintIndexDecl checks a PRIMARY KEY's or UNIQUE's INCLUDE columns
// (which has reports a column of the table) and storage parameters, and
// returns the declaration of its index: nil when it has neither.
func constraintIndexDecl(k ir.Constraint, has func(string) bool) (*indexDecl, error) {
	if k.Include == nil && k.Options == nil {
		return nil, nil
	}
	def := &indexDecl{include: k.Include}
	for _, c := range k.Columns {
		def.elems = append(def.elems, indexElem{column: c})
	}
	for _, c := range k.Include {
		if !has(c) {
			return nil, pgerr.UndefinedColumnError(c)
		}
	}
	for _, o := range k.Options {
		o, err := indexOption(o)
		if err != nil {
			return nil, err
		}
		def.options = append(def.options, o)
	}
	return def, nil
}

// constraintIndexName is PostgreSQL's name for the index of an unnamed
// UNIQUE constraint: its key and INCLUDE columns, then _key.
func constraintIndexName(table string, k ir.Constraint) string {
	return table + "_" + strings.Join(append(slices.Clone(k.Columns), k.Include...), "_") + "_key"
}

// indexOptionBits is pg_index.indoption of an element: 1 for DESC, 2 for
// NULLS FIRST.
func indexOptionBits(e indexElem) int64 {
	var bits int64
	if e.dir == ir.SortDesc {
		bits |= 1
	}
	if e.nulls == ir.NullsFirst || e.dir == ir.SortDesc && e.nulls == ir.NullsDefault {
		bits |= 2
	}
	return bits
}

// attNames are the names of def's index's columns, key and INCLUDE, as
// PostgreSQL names them in pg_attribute: a column's name, an
// expression's as a default index name has it, numbered where repeated.
func (def *indexDecl) attNames() []string {
	names := make([]string, 0, len(def.elems)+len(def.include))
	for _, e := range def.elems {
		if e.expr == nil {
			names = append(names, e.column)
		} else {
			names = append(names, indexColName(e.expr))
		}
	}
	return dedupeNames(append(names, def.include...))
}

// names0 returns names[j], or name when names has none.
func names0(names []string, j int, name string) string {
	if j < len(names) {
		return names[j]
	}
	return name
}

// hiddenExprs returns the expressions def's hidden columns are computed
// from: its key's and its predicate.
func (def *indexDecl) hiddenExprs() []ir.Expr {
	var out []ir.Expr
	for _, e := range def.elems {
		if e.expr != nil {
			out = append(out, e.expr)
		}
	}
	if def.pred != nil {
		out = append(out, def.pred)
	}
	return out
}
