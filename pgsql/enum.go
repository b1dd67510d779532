package pgsql

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"sync/atomic"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Enum types (CREATE TYPE ... AS ENUM) are the SQL layer's alone, as
// sequences are: a type is a declaration (tableDecl.enum) under its name,
// so CREATE, ALTER and DROP TYPE are transactional like other DDL and a
// durable DB writes them into declTable.
//
// A column of an enum type stores the label as engine text. Evaluated, a
// value is an enumValue carrying its label and its sort position, so that
// comparisons, ORDER BY, min / max and DISTINCT follow the declaration
// order as in PostgreSQL, never the labels' alphabetical order; a column
// of an enum type is therefore never read "as stored" (storedAsIs). An
// enum column may be in a PRIMARY KEY, UNIQUE constraint or index: the
// engine's uniqueness on the label is the enum's equality. Nothing reads
// such an index in its (alphabetical) order for ORDER BY or a range.
//
// A column's sqlType points at the enumType it was declared with, which
// is immutable: ALTER TYPE makes a new one and points every declaration
// that used the old one at it (retypeEnum). The pointer is stored as the
// type's uid (encodeType), which outlives RENAME TO; loadDecls resolves it.

// enumType is an enum type's definition. It is immutable.
type enumType struct {
	uid    string // identity from CREATE TYPE on, as an oid: RENAME TO keeps it
	name   string
	labels []string  // in declaration order
	sorts  []float64 // ascending, parallel to labels: pg_enum.enumsortorder
	// pending holds the labels ADD VALUE gave the type in a transaction,
	// which that transaction may not use (55P04); nil when there are none.
	pending *enumPending
}

// enumPending is the labels a transaction added, usable once it commits.
type enumPending struct {
	labels    []string
	committed atomic.Bool // set as the transaction publishes its declarations
}

// enumValue is a value of an enum type as evaluated.
type enumValue struct {
	label string
	sort  float64
}

// oid is the type's pg_type oid, stable for its life.
func (e *enumType) oid() int64 { return objectOID("e", e.uid) }

// lookup returns label's value, or false when the type has no such label.
func (e *enumType) lookup(label string) (enumValue, bool) {
	i := slices.Index(e.labels, label)
	if i < 0 {
		return enumValue{}, false
	}
	return enumValue{label: label, sort: e.sorts[i]}, true
}

// parseEnum is an enum type's input function: 22P02 for a label it lacks.
func parseEnum(t sqlType, s string) (any, error) {
	if t.enum == nil {
		return nil, pgerr.New(pgerr.InternalError, "enum type without a definition")
	}
	v, ok := t.enum.lookup(s)
	if !ok {
		return nil, pgerr.New(pgerr.InvalidTextRepresentation, "invalid input value for enum %s: %q", t.enum.name, s)
	}
	if p := t.enum.pending; p != nil && !p.committed.Load() && slices.Contains(p.labels, s) {
		return nil, &Error{Code: "55P04", Message: fmt.Sprintf("unsafe use of new value %q of enum type %s", s, t.enum.name),
			Hint: "New enum values must be committed before they can be used."}
	}
	return v, nil
}

// storedEnum is an enum column's value as a table row holds it (the
// label) as evaluated; a derived table's row already holds an enumValue.
func storedEnum(t sqlType, v any) (any, error) {
	if s, ok := v.(string); ok {
		return parseEnum(t, s)
	}
	return v, nil
}

// enumCommon is commonType for an enum type: an untyped side takes it,
// and two enum types match only when they are one.
func enumCommon(a, b sqlType) (sqlType, bool) {
	switch {
	case a.array || b.array:
		return a, false
	case a.kind == kUnknown:
		return b, true
	case b.kind == kUnknown:
		return a, true
	case a.kind == kEnum && b.kind == kEnum && a.enum != nil && b.enum != nil && a.enum.uid == b.enum.uid:
		return a, true
	}
	return a, false
}

// enumCast casts between an enum type and text: ok is false when neither
// side is an enum.
func enumCast(v any, from, to sqlType) (any, bool, error) {
	switch {
	case to.kind == kEnum && from.kind == kEnum:
		if from.enum.uid != to.enum.uid {
			return nil, true, pgerr.New("42846", "cannot cast type %s to %s", from, to)
		}
		return v, true, nil
	case to.kind == kEnum && (from.isText() || from.kind == kUnknown):
		s, _ := v.(string)
		out, err := parseEnum(to, s)
		return out, true, err
	case to.kind == kEnum:
		return nil, true, pgerr.New("42846", "cannot cast type %s to %s", from, to)
	case from.kind == kEnum && to.isText():
		return nil, false, nil // textOf formats it
	case from.kind == kEnum:
		return nil, true, pgerr.New("42846", "cannot cast type %s to %s", from, to)
	}
	return nil, false, nil
}

func compareEnums(a enumValue, b any) int {
	if y, ok := b.(enumValue); ok {
		return cmp.Compare(a.sort, y.sort)
	}
	return 0
}

// enumNamed returns the enum type named name as the session's transaction
// sees it.
func (s *Session) enumNamed(name string) (*enumType, bool) {
	e := s.decl(name).enum
	return e, e != nil
}

// resolveType is typeOf, also knowing the session's enum types.
func (s *Session) resolveType(tn ir.TypeName) (sqlType, error) {
	t, err := typeOf(tn)
	if err == nil || tn.ArrayDims > 0 || tn.Schema != "" && tn.Schema != "public" || len(tn.Mods) > 0 {
		return t, err
	}
	if e, ok := s.enumNamed(tn.Name); ok {
		return sqlType{kind: kEnum, enum: e}, nil
	}
	if d, ok := s.domainNamed(tn.Name); ok {
		return d.typ, nil // domain.go
	}
	return t, err
}

// typeOf resolves a type name in the evaluator's session, if it has one.
func (ev *evaluator) typeOf(tn ir.TypeName) (sqlType, error) {
	switch {
	case ev.q != nil && ev.q.s != nil:
		return ev.q.s.resolveType(tn)
	case ev.types != nil:
		return ev.types.resolveType(tn)
	}
	return typeOf(tn)
}

func typeNameOf(q ir.QualName) (string, error) {
	if q.Schema != "" && q.Schema != "public" {
		return "", pgerr.Unsupported("schema " + q.Schema)
	}
	return q.Name, nil
}

func typeExists(name string) *Error {
	return &Error{Code: "42710", Message: fmt.Sprintf("type %q already exists", name)}
}

func noSuchType(name string) *Error {
	return &Error{Code: "42704", Message: fmt.Sprintf("type %q does not exist", name)}
}

// typeNameTaken reports whether name is a type of schema public already:
// an enum, or a table's or view's row type. A built-in type's name is
// free, as pg_catalog's types are another schema's; pg_catalog comes
// first on the search path, so the built-in type is the one a bare name
// means.
func (s *Session) typeNameTaken(tx *engine.Tx, name string) bool {
	if _, ok := s.enumNamed(name); ok {
		return true
	}
	if _, ok := s.domainNamed(name); ok {
		return true
	}
	_, _, view := s.viewNamed(tx, ir.QualName{Name: name})
	return exists(tx, name) || view
}

// newTypeName returns the name a CREATE TYPE or CREATE DOMAIN declares:
// 42939 for a reserved one, 42710 for one a type or relation has.
func (s *Session) newTypeName(tx *engine.Tx, q ir.QualName) (string, error) {
	name, err := typeNameOf(q)
	if err != nil {
		return "", err
	}
	if err := reservedNameError(name); err != nil {
		return "", err
	}
	if s.typeNameTaken(tx, name) {
		return "", typeExists(name)
	}
	return name, nil
}

// checkLabel is 22023 for a label longer than PostgreSQL's NAMEDATALEN-1.
func checkLabel(l string) error {
	if len(l) > 63 {
		return &Error{Code: "42602", Message: fmt.Sprintf("invalid enum label %q", l), Detail: "Labels must be 63 bytes or less."}
	}
	return nil
}

// createEnum is CREATE TYPE name AS ENUM (...).
func (s *Session) createEnum(tx *engine.Tx, st *ir.CreateEnum) (Result, error) {
	res := Result{Tag: "CREATE TYPE"}
	name, err := s.newTypeName(tx, st.Name)
	if err != nil {
		return res, err
	}
	e := &enumType{uid: newSeqKey(), name: name}
	for i, l := range st.Labels {
		if err := checkLabel(l); err != nil {
			return res, err
		}
		if slices.Contains(e.labels, l) {
			// PostgreSQL's unique index on pg_enum catches it.
			return res, &Error{Code: "23505", Message: `duplicate key value violates unique constraint "pg_enum_typid_label_index"`,
				Detail: fmt.Sprintf("Key (enumtypid, enumlabel)=(%d, %s) already exists.", e.oid(), l)}
		}
		e.labels = append(e.labels, l)
		e.sorts = append(e.sorts, float64(i+1))
	}
	s.setDecl(name, s.withDefaultACL('T', &tableDecl{enum: e})) // role_default.go
	return res, nil
}

// enumUsers returns the tables (and views) whose columns are of enum type
// e, sorted.
func (s *Session) enumUsers(tx *engine.Tx, e *enumType) []string {
	var out []string
	for _, name := range s.declaredNames() {
		td := s.decl(name)
		used := false
		if td.view == nil && !exists(tx, name) {
			continue // a dropped table's declaration
		}
		for _, t := range td.types {
			used = used || t.kind == kEnum && t.enum != nil && t.enum.uid == e.uid
		}
		if td.view != nil {
			for _, c := range td.view.columns {
				used = used || c.typ.kind == kEnum && c.typ.enum != nil && c.typ.enum.uid == e.uid
			}
		}
		if used {
			out = append(out, name)
		}
	}
	return out
}

// retypeEnum points every declaration that used enum type old at new.
func (s *Session) retypeEnum(tx *engine.Tx, old, new *enumType) {
	for _, name := range s.enumUsers(tx, old) {
		td := *s.decl(name)
		if td.types != nil {
			types := make(map[string]sqlType, len(td.types))
			for c, t := range td.types {
				if t.kind == kEnum && t.enum.uid == old.uid {
					t.enum = new
				}
				types[c] = t
			}
			td.types = types
		}
		if td.view != nil {
			v := *td.view
			v.columns = slices.Clone(v.columns)
			for i, c := range v.columns {
				if c.typ.kind == kEnum && c.typ.enum.uid == old.uid {
					v.columns[i].typ.enum = new
				}
			}
			td.view = &v
		}
		s.setDecl(name, &td)
	}
}

// dropTypes is DROP TYPE [IF EXISTS] names [CASCADE | RESTRICT]. A type a
// column uses is 2BP01; CASCADE is 0A000 (PostgreSQL drops the columns).
func (s *Session) dropTypes(tx *engine.Tx, st *ir.Drop) (Result, error) {
	res := Result{Tag: "DROP TYPE"}
	var drop []*enumType
	for _, q := range st.Names {
		name, err := typeNameOf(q)
		if err != nil {
			return res, err
		}
		e, ok := s.enumNamed(name)
		if _, isDomain := s.domainNamed(name); isDomain {
			return res, pgerr.Unsupported("DROP TYPE of a domain (DROP DOMAIN drops it)") // domain.go
		}
		if !ok {
			if _, err := typeOf(ir.TypeName{Name: name}); err == nil || exists(tx, name) {
				return res, pgerr.Unsupported("DROP TYPE of a type that is not an enum")
			}
			if st.IfExists {
				continue
			}
			return res, noSuchType(name)
		}
		drop = append(drop, e)
	}
	for _, e := range drop {
		if users := s.enumUsers(tx, e); len(users) > 0 || s.enumNamedInExpr(tx, e) {
			if st.Cascade {
				return res, pgerr.Unsupported("DROP TYPE ... CASCADE of a type in use")
			}
			return res, &Error{Code: "2BP01", Message: fmt.Sprintf("cannot drop type %s because other objects depend on it", e.name),
				Hint: "Use DROP ... CASCADE to drop the dependent objects too."}
		}
	}
	for _, e := range drop {
		s.setDecl(e.name, nil)
		s.forgetStaleUsers(tx, e)
	}
	return res, nil
}

// alterEnum is ALTER TYPE name ADD VALUE, RENAME VALUE and RENAME TO.
func (s *Session) alterEnum(tx *engine.Tx, st *ir.AlterEnum) (Result, error) {
	res := Result{Tag: "ALTER TYPE"}
	name, err := typeNameOf(st.Name)
	if err != nil {
		return res, err
	}
	old, ok := s.enumNamed(name)
	if !ok {
		if _, err := typeOf(ir.TypeName{Name: name}); err == nil || exists(tx, name) {
			return res, &Error{Code: "42809", Message: fmt.Sprintf("%s is not an enum", name)}
		}
		return res, noSuchType(name)
	}
	e := &enumType{uid: old.uid, name: old.name, labels: slices.Clone(old.labels), sorts: slices.Clone(old.sorts), pending: old.pending}
	prev := s.decl(old.name) // its owner and privileges stay (role_acl.go)
	switch {
	case st.NewName != "":
		if err := reservedNameError(st.NewName); err != nil {
			return res, err
		}
		if s.typeNameTaken(tx, st.NewName) {
			return res, typeExists(st.NewName)
		}
		if s.enumNamedInExpr(tx, old) {
			// PostgreSQL's expressions name the type by its oid; reldb's
			// keep the name, which would name nothing after the rename.
			return res, pgerr.Unsupported("ALTER TYPE ... RENAME TO of a type a CHECK, DEFAULT or view names")
		}
		e.name = st.NewName
		s.setDecl(old.name, nil)
	case st.RenameValue != "" || st.NewValue != "":
		i := slices.Index(e.labels, st.RenameValue)
		if i < 0 {
			return res, &Error{Code: "22023", Message: fmt.Sprintf("%q is not an existing enum label", st.RenameValue)}
		}
		if slices.Contains(e.labels, st.NewValue) {
			return res, &Error{Code: "42710", Message: fmt.Sprintf("enum label %q already exists", st.NewValue)}
		}
		if err := checkLabel(st.NewValue); err != nil {
			return res, err
		}
		// Rows hold the label itself: renaming it would mean rewriting
		// them, which reldb does not do.
		for _, u := range s.enumUsers(tx, old) {
			if exists(tx, u) {
				return res, pgerr.Unsupported("ALTER TYPE ... RENAME VALUE of a type a table column uses")
			}
		}
		e.labels[i] = st.NewValue
	default:
		if slices.Contains(e.labels, st.AddValue) {
			if st.IfNotExists {
				return res, nil // PostgreSQL's NOTICE: already exists, skipping
			}
			return res, &Error{Code: "42710", Message: fmt.Sprintf("enum label %q already exists", st.AddValue)}
		}
		if err := checkLabel(st.AddValue); err != nil {
			return res, err
		}
		at := len(e.labels)
		if st.Neighbor != "" {
			i := slices.Index(e.labels, st.Neighbor)
			if i < 0 {
				return res, &Error{Code: "22023", Message: fmt.Sprintf("%q is not an existing enum label", st.Neighbor)}
			}
			at = i
			if st.After {
				at = i + 1
			}
		}
		// The new label sorts between its neighbours, as PostgreSQL's
		// float4 enumsortorder does, or one past the last.
		var sort float64
		switch {
		case len(e.labels) == 0:
			sort = 1
		case at == len(e.labels):
			sort = e.sorts[at-1] + 1
		case at == 0:
			sort = e.sorts[0] - 1
		default:
			sort = (e.sorts[at-1] + e.sorts[at]) / 2
			if sort <= e.sorts[at-1] || sort >= e.sorts[at] {
				return res, pgerr.Unsupported("ALTER TYPE ... ADD VALUE after the sort orders ran out of precision")
			}
		}
		e.labels = slices.Insert(e.labels, at, st.AddValue)
		e.sorts = slices.Insert(e.sorts, at, sort)
		// As in PostgreSQL, the new label waits for the commit, even in a
		// type the transaction made.
		p := &enumPending{labels: []string{st.AddValue}}
		if old.pending != nil && !old.pending.committed.Load() {
			p.labels = append(p.labels, old.pending.labels...)
		}
		e.pending = p
	}
	s.setDecl(e.name, withPrivileges(&tableDecl{enum: e}, prev))
	s.retypeEnum(tx, old, e)
	return res, nil
}

// columnTypeOf is columnType, also knowing the session's enum types.
func (s *Session) columnTypeOf(tn ir.TypeName) (sqlType, error) {
	if _, err := typeOf(tn); err != nil {
		return s.resolveType(tn)
	}
	return columnType(tn)
}

// enumTypes returns the enum types the session's transaction sees, by
// name.
func (s *Session) enumTypes() []*enumType {
	var out []*enumType
	for _, name := range s.declaredNames() {
		if e, ok := s.enumNamed(name); ok {
			out = append(out, e)
		}
	}
	return out
}

// enumTypeRows are pg_type's rows of the enum types, as PostgreSQL 15
// makes them (without the array type it makes along).
func enumTypeRows(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, e := range c.s.enumTypes() {
		out = append(out, map[string]any{
			"oid": e.oid(), "typname": e.name, "typnamespace": oidPublic, "typowner": oidOwner,
			"typlen": int64(4), "typbyval": true, "typtype": "e", "typcategory": "E", "typispreferred": false,
			"typisdefined": true, "typdelim": ",", "typrelid": int64(0), "typsubscript": "-", "typelem": int64(0),
			"typarray": int64(0), "typinput": "enum_in", "typoutput": "enum_out", "typreceive": "enum_recv",
			"typsend": "enum_send", "typmodin": "-", "typmodout": "-", "typanalyze": "-", "typalign": "i",
			"typstorage": "p", "typnotnull": false, "typbasetype": int64(0), "typtypmod": int64(-1),
			"typndims": int64(0), "typcollation": int64(0),
		})
	}
	return out
}

// pgEnum is pg_enum: a row per label.
func pgEnum(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, e := range c.s.enumTypes() {
		for i, l := range e.labels {
			out = append(out, map[string]any{"oid": objectOID("E", e.uid+"\x00"+l), "enumtypid": e.oid(),
				"enumsortorder": e.sorts[i], "enumlabel": l})
		}
	}
	return out
}

// enumByOID returns the enum type with pg_type oid oid.
func (s *Session) enumByOID(oid int64) (*enumType, bool) {
	for _, e := range s.enumTypes() {
		if e.oid() == oid {
			return e, true
		}
	}
	return nil, false
}

// enumByOID returns the enum type the evaluator's session sees with pg_type
// oid oid.
func (ev *evaluator) enumByOID(oid int64) (*enumType, bool) {
	if ev.q == nil || ev.q.s == nil {
		return nil, false
	}
	return ev.q.s.enumByOID(oid)
}

// enumTypePrefix begins an enum column's type in declTable: the type's uid
// follows, so that RENAME TO leaves the columns' declarations as they are.
const enumTypePrefix = "enum:"

// enumRecord is an enum type's definition as stored (declstore.go).
type enumRecord struct {
	UID    string    `json:"uid"`
	Name   string    `json:"name"`
	Labels []string  `json:"labels"`
	Sorts  []float64 `json:"sorts"`
}

// resolveEnums points the enum columns of the declarations read back at
// their types' definitions; a column of a type that is not among them is
// corrupt (XX001).
func resolveEnums(decls map[string]*tableDecl) error {
	byUID := map[string]*enumType{}
	for _, td := range decls {
		if td.enum != nil {
			byUID[td.enum.uid] = td.enum
		}
	}
	resolve := func(name, col string, t *sqlType) error {
		if t.kind != kEnum {
			return nil
		}
		e, ok := byUID[t.enum.uid]
		if !ok {
			return corruptDecl(name, fmt.Errorf("column %q of an enum type that is not declared", col))
		}
		t.enum = e
		return nil
	}
	for name, td := range decls {
		for c, t := range td.types {
			if err := resolve(name, c, &t); err != nil {
				return err
			}
			td.types[c] = t
		}
		if td.view != nil {
			for i := range td.view.columns {
				if err := resolve(name, td.view.columns[i].Name, &td.view.columns[i].typ); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// relationNameError is reservedNameError for a new table, view or
// sequence name, and 42710 for an enum type's name, which a relation's
// row type would take in PostgreSQL.
// claimRelation checks a new table's or sequence's name: reserved or an
// enum type's is an error, as is one a relation has (42P07) unless
// ifNotExists, when taken reports it and the statement does nothing.
func (s *Session) claimRelation(tx *engine.Tx, name string, ifNotExists bool) (taken bool, err error) {
	if err := s.relationNameError(name); err != nil {
		return false, err
	}
	if !s.relationExists(tx, name) {
		return false, nil
	}
	if ifNotExists {
		return true, nil
	}
	return true, pgerr.DuplicateTableError(name)
}

func (s *Session) relationNameError(name string) error {
	if err := reservedNameError(name); err != nil {
		return err
	}
	if _, ok := s.enumNamed(name); ok {
		return typeExists(name)
	}
	if _, ok := s.domainNamed(name); ok {
		return typeExists(name) // domain.go
	}
	return nil
}

// UserTypeOID reports whether oid is in the range of the types a database
// declares (enum types), whose values ParseParam takes as their text,
// typed by the statement's context: an enum's input, text or binary, is
// its label.
func UserTypeOID(oid uint32) bool { return int64(oid) >= firstUserOID }

// BinaryIsText reports whether the column's binary format is its text
// output, as an enum type's is.
func (c Column) BinaryIsText() bool { return c.typ.kind == kEnum && !c.typ.array }

// catalogInferTable returns the columns of the catalog relation ref names,
// for the inference of parameter types: pgx's LoadType binds pg_type's
// oid to a parameter (where oid = $1), which must be typed as a number.
func catalogInferTable(ref *ir.TableRef) (*tableSchema, string, bool) {
	rel, ok, err := catalogRelationNamed(ref.Table)
	if err != nil || !ok {
		return nil, "", false
	}
	res := Result{Columns: make([]Column, len(rel.columns))}
	for i, c := range rel.columns {
		res.Columns[i] = Column{Name: c.name, typ: c.typ}
	}
	ts, _, err := derived(res, ref.Alias)
	if err != nil {
		return nil, "", false
	}
	alias := rel.name
	if ref.Alias != nil {
		alias = ref.Alias.Name
	}
	return ts, alias, true
}

// OIDTextArray is text[]'s OID, which an array of an enum type is sent as:
// reldb declares no array type along with an enum type.
const OIDTextArray uint32 = 1009

// enumFunc evaluates enum_first, enum_last and enum_range (of one or two
// arguments); ok is false for another function.
func enumFunc(name string, vals []any, types []sqlType) (v any, t sqlType, ok bool, err error) {
	switch name {
	case "enum_first", "enum_last", "enum_range":
	default:
		return nil, typUnknown, false, nil
	}
	if len(vals) == 0 || len(vals) > 2 || len(vals) == 2 && name != "enum_range" {
		return nil, typUnknown, true, pgerr.New(pgerr.UndefinedFunction, "function %s with %d arguments does not exist", name, len(vals))
	}
	if len(types) == 2 {
		// An untyped literal or NULL takes the other argument's type.
		types, vals = slices.Clone(types), slices.Clone(vals)
		for i := range types {
			if types[i].kind != kUnknown || types[1-i].kind != kEnum {
				continue
			}
			types[i] = types[1-i]
			if s, isText := vals[i].(string); isText {
				if vals[i], err = parseEnum(types[i], s); err != nil {
					return nil, typUnknown, true, err
				}
			}
		}
	}
	e := types[0].enum
	for _, at := range types {
		if at.kind != kEnum || at.array || at.enum == nil {
			return nil, typUnknown, true, pgerr.New(pgerr.UndefinedFunction, "function %s(%s) does not exist", name, at)
		}
		if at.enum.uid != e.uid {
			return nil, typUnknown, true, pgerr.New(pgerr.UndefinedFunction, "function %s(%s, %s) does not exist", name, types[0], at)
		}
	}
	et := sqlType{kind: kEnum, enum: e}
	value := func(i int) enumValue { return enumValue{label: e.labels[i], sort: e.sorts[i]} }
	switch name {
	case "enum_first":
		return value(0), et, true, nil
	case "enum_last":
		return value(len(e.labels) - 1), et, true, nil
	}
	lo, hi := 0, len(e.labels)-1
	if len(vals) == 2 {
		// enum_range(a, b): from a to b, either NULL meaning that end.
		if a, isVal := vals[0].(enumValue); isVal {
			lo = slices.Index(e.labels, a.label)
		}
		if b, isVal := vals[1].(enumValue); isVal {
			hi = slices.Index(e.labels, b.label)
		}
	}
	out := []any{}
	for i := lo; i <= hi; i++ {
		out = append(out, value(i))
	}
	return out, sqlType{kind: kEnum, enum: e, array: true}, true, nil
}

// shadowed reports whether a built-in type of pg_catalog, first on the
// search path, has the enum type's name: the name alone means that type.
func (e *enumType) shadowed() bool {
	_, err := typeOf(ir.TypeName{Name: e.name})
	return err == nil
}

// displayName is the type's name as format_type prints it: qualified when
// a built-in type shadows it.
func (e *enumType) displayName() string {
	if e.shadowed() {
		return "public." + ident(e.name)
	}
	return ident(e.name)
}

// enumNamedInExpr reports whether a CHECK constraint, a DEFAULT or a
// view's query the session sees names enum type e (a cast to it).
func (s *Session) enumNamedInExpr(tx *engine.Tx, e *enumType) bool {
	for _, name := range s.declaredNames() {
		td := s.decl(name)
		switch {
		case td.view != nil:
			if namesType(td.view.query, e.name) {
				return true
			}
		case td.enum != nil || td.seq != nil || !exists(tx, name):
		default:
			for _, c := range td.checks {
				if namesType(c.expr, e.name) {
					return true
				}
			}
			for _, d := range td.defaults {
				if namesType(d, e.name) {
					return true
				}
			}
		}
	}
	return false
}

// namesType reports whether the IR v holds, at any depth, a type name that
// would resolve to the enum type named name.
func namesType(v any, name string) bool {
	tnType := reflect.TypeFor[ir.TypeName]()
	found := false
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		if found {
			return
		}
		switch v.Kind() {
		case reflect.Pointer, reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Struct:
			if v.Type() == tnType && v.CanInterface() {
				tn := v.Interface().(ir.TypeName)
				found = tn.Name == name && (tn.Schema == "" || tn.Schema == "public")
				return
			}
			for i := range v.NumField() {
				walk(v.Field(i))
			}
		case reflect.Slice, reflect.Array:
			for i := range v.Len() {
				walk(v.Index(i))
			}
		case reflect.Map:
			for it := v.MapRange(); it.Next(); {
				walk(it.Value())
			}
		}
	}
	walk(reflect.ValueOf(v))
	return found
}

// commitEnums makes the labels the committing transaction added usable.
// It runs before the declarations are published: if the commit fails they
// are never seen.
func commitEnums(changes map[string]*tableDecl) {
	for _, td := range changes {
		if td != nil && td.enum != nil && td.enum.pending != nil {
			td.enum.pending.committed.Store(true)
		}
	}
}

// forgetStaleUsers removes the declarations of dropped tables (which DROP
// TABLE leaves, to be replaced by a CREATE TABLE of the name) that name
// enum type e, which is being dropped: read back from a durable DB, they
// would name a type that is not declared.
func (s *Session) forgetStaleUsers(tx *engine.Tx, e *enumType) {
	for _, name := range s.declaredNames() {
		td := s.decl(name)
		if td.enum != nil || td.view != nil || td.seq != nil || exists(tx, name) {
			continue
		}
		for _, t := range td.types {
			if t.kind == kEnum && t.enum != nil && t.enum.uid == e.uid {
				s.setDecl(name, nil)
				break
			}
		}
	}
}
