package pgsql

import (
	"context"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// The functions, casts and operators clients use on the catalog:
// current_schema(), current_database(), version(), format_type(),
// pg_get_constraintdef(), pg_get_indexdef(), pg_get_expr(),
// pg_table_is_visible(), pg_get_userbyid(), obj_description() and
// col_description() (COMMENT ON's texts, comment.go), the casts to regclass
// and the other reg* types, and the regular-expression operators ~, ~*,
// !~ and !~*.
//
// regclass is not a type of its own: 'name'::regclass (text in) is the
// table's oid, a bigint, which compares with oid columns; oid::regclass
// (a number in) is the relation's name, text, as PostgreSQL prints a
// regclass. The advisory lock functions are in advisory.go.

const (
	serverVersion    = "15.0 (reldb)"
	serverVersionNum = "150000"
)

// catalogValueFunc is CURRENT_SCHEMA, CURRENT_USER, SESSION_USER, USER,
// CURRENT_ROLE and CURRENT_CATALOG; ok is false for another name.
func (ev *evaluator) catalogValueFunc(name string) (any, sqlType, bool) {
	switch name {
	case "current_schema":
		return "public", typText, true
	case "current_user", "session_user", "user", "current_role":
		return ownerName, typText, true
	case "current_catalog":
		if ev.q == nil {
			return "reldb", typText, true
		}
		db, _ := databaseInfoOf(ev.q.s.db).get()
		return db, typText, true
	}
	return nil, typUnknown, false
}

// catalogFunc computes the catalog functions; ok is false for a name and
// arguments it does not know.
func (ev *evaluator) catalogFunc(name string, vals []any, types []sqlType) (v any, t sqlType, ok bool, err error) {
	null := false
	for _, v := range vals {
		null = null || v == nil
	}
	n := len(vals)
	switch {
	case name == "current_schema" && n == 0:
		return "public", typText, true, nil
	case name == "pg_typeof" && n == 1:
		return pgTypeof(types[0]), typText, true, nil // bitwise.go
	case (name == "current_database" || name == "current_catalog") && n == 0:
		v, t, _ := ev.catalogValueFunc("current_catalog")
		return v, t, true, nil
	case (name == "current_user" || name == "session_user") && n == 0:
		return ownerName, typText, true, nil
	case name == "version" && n == 0:
		return "PostgreSQL " + serverVersion + ", compiled by Go, 64-bit", typText, true, nil
	case name == "to_regclass" || name == "to_regtype" || name == "to_regnamespace" || name == "to_regrole":
		v, err := ev.toReg(name, vals, types)
		return v, typInt8, true, err
	case isPrivilegeFunc(name, n): // role_catalog.go
		v, err := ev.privilegeFunc(name, vals, types)
		return v, typBool, true, err
	case name == "pg_backend_pid" && n == 0:
		if ev.q != nil {
			return int64(ev.q.s.BackendPID()), typInt4, true, nil // notify.go
		}
		return int64(1), typInt4, true, nil
	case name == "pg_notify":
		return ev.notifyFunc(name, vals, types) // notify.go
	case name == "current_setting" && (n == 1 || n == 2):
		if null {
			return nil, typText, true, nil
		}
		if ev.q != nil {
			if v, ok := ev.q.s.setting(vals[0].(string)); ok {
				return v, typText, true, nil
			}
		} else if _, v, ok := settingDefault(strings.ToLower(vals[0].(string))); ok {
			return v, typText, true, nil
		}
		if n == 2 && vals[1] == true {
			return nil, typText, true, nil
		}
		return nil, typText, true, pgerr.New("42704", "unrecognized configuration parameter %q", vals[0])
	case name == "set_config" && n == 3 && ev.q != nil:
		if vals[0] == nil || vals[2] == nil || ev.q.describe {
			return nil, typText, true, nil // strict; Prepare's trial run sets nothing
		}
		value, _ := vals[1].(string)
		if err := ev.q.s.setSetting(vals[0].(string), value, vals[2] == true, vals[1] == nil); err != nil {
			return nil, typText, true, err
		}
		v, _ := ev.q.s.setting(vals[0].(string))
		return v, typText, true, nil
	case name == "format_type" && n == 2:
		if vals[0] == nil {
			return nil, typText, true, nil
		}
		oid, err1 := asInt(vals[0], types[0])
		mod := int64(-1)
		if vals[1] != nil {
			mod, err = asInt(vals[1], types[1])
		}
		if err1 != nil || err != nil {
			return nil, typText, true, castError(types[0], typInt8)
		}
		if e, ok := ev.enumByOID(oid); ok { // enum.go
			return e.displayName(), typText, true, nil
		}
		if d, ok := ev.domainByOID(oid); ok { // domain.go
			return ident(d.name), typText, true, nil
		}
		return formatType(oid, mod), typText, true, nil
	case (name == "pg_get_functiondef" || name == "pg_get_function_arguments" || name == "pg_get_function_identity_arguments" || name == "pg_get_function_result") && n == 1:
		if null || ev.q == nil {
			return nil, typText, true, nil
		}
		oid, err := asInt(vals[0], types[0])
		if err != nil {
			return nil, typText, true, err
		}
		v, err := ev.q.s.functionInfo(name, oid) // userfunc.go
		return v, typText, true, err
	case name == "pg_get_triggerdef" && (n == 1 || n == 2):
		if null || ev.q == nil {
			return nil, typText, true, nil
		}
		oid, c, err := ev.catalogOID(vals[0], types[0])
		if err != nil {
			return nil, typText, true, err
		}
		text, found := c.triggerDef(oid, n == 2 && vals[1] == true) // trigger_catalog.go
		if !found {
			return nil, typText, true, nil
		}
		return text, typText, true, nil
	case name == "pg_get_viewdef" && (n == 1 || n == 2):
		if null || ev.q == nil {
			return nil, typText, true, nil
		}
		c, err := ev.catalog()
		if err != nil {
			return nil, typText, true, err
		}
		var t *catalogTable
		if types[0].isText() || types[0].kind == kUnknown {
			// pg_get_viewdef(text) looks the name up as a regclass does.
			name := vals[0].(string)
			if t = c.byName[strings.TrimPrefix(name, "public.")]; t == nil {
				return nil, typText, true, pgerr.UndefinedTableError(name)
			}
		} else {
			oid, err := asInt(vals[0], types[0])
			if err != nil {
				return nil, typText, true, err
			}
			t = c.byOID[oid]
		}
		if t == nil || t.view == nil {
			return nil, typText, true, nil
		}
		if n == 2 {
			// pg_get_viewdef(view, pretty); a wrap column in place of
			// pretty is not supported, and shows the query's own text.
			pretty, isBool := vals[1].(bool)
			if !isBool {
				return viewDefinition(t.view), typText, true, nil
			}
			return c.viewDefinition(t.view, pretty), typText, true, nil
		}
		return c.viewDefinition(t.view, false /* pretty */), typText, true, nil
	case name == "pg_get_userbyid" && n == 1:
		if null {
			return nil, typText, true, nil
		}
		return ev.userByID(vals[0], types[0]), typText, true, nil // role_catalog.go
	case (name == "obj_description" || name == "col_description") && (n == 1 || n == 2):
		if null || ev.q == nil || (name == "col_description" && n != 2) {
			return nil, typText, true, nil
		}
		oid, c, err := ev.catalogOID(vals[0], types[0])
		if err != nil {
			return nil, typText, true, err
		}
		t := c.byOID[oid]
		if t == nil || t.decl == nil {
			return nil, typText, true, nil
		}
		key := ""
		if name == "col_description" {
			attnum, err := asInt(vals[1], types[1])
			if err != nil {
				return nil, typText, true, err
			}
			if attnum < 1 || int(attnum) > len(t.ts.def.Columns) {
				return nil, typText, true, nil
			}
			key = t.ts.def.Columns[attnum-1].Name
		}
		if text, ok := t.decl.comments[key]; ok {
			return text, typText, true, nil
		}
		return nil, typText, true, nil
	case name == "shobj_description" && n == 2:
		return nil, typText, true, nil
	case name == "pg_get_expr" && (n == 2 || n == 3):
		if null {
			return nil, typText, true, nil
		}
		return vals[0], typText, true, nil
	case name == "pg_type_is_visible" && n == 1:
		// Every type is pg_catalog's or public's, both on the search path
		// (psql's \dT asks), but pg_catalog's come first.
		if null {
			return nil, typBool, true, nil
		}
		oid, err := asInt(vals[0], types[0])
		if err != nil {
			return nil, typBool, true, err
		}
		if e, ok := ev.enumByOID(oid); ok { // enum.go
			return !e.shadowed(), typBool, true, nil
		}
		return true, typBool, true, nil
	case name == "pg_table_is_visible" && n == 1:
		if null {
			return nil, typBool, true, nil
		}
		oid, snap, err := ev.catalogOID(vals[0], types[0])
		if err != nil {
			return nil, typBool, true, err
		}
		return snap.relationName(oid) != "", typBool, true, nil
	case name == "pg_function_is_visible" && n == 1:
		if null || ev.q == nil {
			return nil, typBool, true, nil
		}
		oid, err := asInt(vals[0], types[0])
		if err != nil {
			return nil, typBool, true, err
		}
		if _, ok := ev.q.s.functionByOID(oid); ok { // userfunc.go
			return true, typBool, true, nil
		}
		return nil, typBool, true, nil
	case name == "pg_relation_is_publishable" && n == 1:
		return false, typBool, true, nil
	case (name == "pg_get_constraintdef" && (n == 1 || n == 2)) || (name == "pg_get_indexdef" && (n == 1 || n == 3)):
		if null {
			return nil, typText, true, nil
		}
		oid, snap, err := ev.catalogOID(vals[0], types[0])
		if err != nil {
			return nil, typText, true, err
		}
		if name == "pg_get_constraintdef" {
			if con := snap.conByOID[oid]; con != nil {
				pretty := n == 2 && vals[1] == true
				return constraintDef(con, pretty), typText, true, nil
			}
			if def, ok := ev.domainConstraintDef(oid); ok { // domain.go
				return def, typText, true, nil
			}
			return nil, typText, true, nil
		}
		ix := snap.indexes[oid]
		if ix == nil {
			return nil, typText, true, nil
		}
		if n == 3 {
			col, err := asInt(vals[1], types[1])
			if err != nil {
				return nil, typText, true, err
			}
			if col > 0 {
				if int(col) > len(ix.columns) {
					return "", typText, true, nil
				}
				if ix.def != nil && int(col) <= len(ix.def.elems) {
					pretty := vals[2] == true
					return ix.table.decl.elemText(ix.table.name(), ix.def.elems[col-1], pretty, false /* order */), typText, true, nil
				}
				return ident(ix.columns[col-1]), typText, true, nil
			}
		}
		return indexDef(ix, n != 3 || vals[2] != true), typText, true, nil
	case name == "pg_get_serial_sequence" && n == 2:
		if null {
			return nil, typText, true, nil
		}
		snap, err := ev.catalog()
		if err != nil {
			return nil, typText, true, err
		}
		t := snap.byName[strings.TrimPrefix(vals[0].(string), "public.")]
		if t == nil {
			return nil, typText, true, pgerr.UndefinedTableError(vals[0].(string))
		}
		i, ok := t.ts.index[vals[1].(string)]
		if !ok {
			return nil, typText, true, pgerr.UndefinedColumnError(vals[1].(string))
		}
		seq, ok := snap.serialSequence(t, t.ts.def.Columns[i].Name) // sequence_catalog.go
		if !ok {
			return nil, typText, true, nil
		}
		return "public." + ident(seq), typText, true, nil
	case strings.HasPrefix(name, "pg_advisory") || strings.HasPrefix(name, "pg_try_advisory"):
		return ev.advisoryLock(name, vals, types)
	case name == "pg_sleep" && len(vals) == 1:
		return ev.sleep(vals[0], types[0])
	}
	return nil, typUnknown, false, nil
}

// sleep is pg_sleep(seconds): it waits, until the statement is cancelled
// (57014, as a CancelRequest or statement_timeout ends it), and returns
// void, which reldb types as an empty text, as it does the advisory lock
// functions'.
func (ev *evaluator) sleep(v any, t sqlType) (any, sqlType, bool, error) {
	if v == nil {
		return nil, typText, true, nil // strict
	}
	x, err := cast(v, t, typFloat8, false /* explicit */)
	if err != nil {
		return nil, typText, true, err
	}
	secs := x.(float64)
	if !(secs > 0) || ev.q != nil && ev.q.describe { // negative, zero or NaN, or Prepare's trial run: no wait
		return "", typText, true, nil
	}
	ctx := context.Background()
	if ev.q != nil && ev.q.s != nil && ev.q.s.stmtCtx != nil {
		ctx = ev.q.s.stmtCtx
	}
	d := time.Duration(min(secs, float64(math.MaxInt64/int64(time.Second))) * float64(time.Second))
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return "", typText, true, nil
	case <-ctx.Done():
		return nil, typText, true, ctx.Err()
	}
}

// asInt reads an integer argument, or an untyped one as an integer.
func asInt(v any, t sqlType) (int64, error) {
	x, err := cast(v, t, typInt8, true /* explicit */)
	if err != nil {
		return 0, err
	}
	return x.(int64), nil
}

// catalog returns the schema snapshot of the evaluator's transaction.
func (ev *evaluator) catalog() (*catalogSnapshot, error) {
	if ev.q == nil || ev.q.tx == nil {
		return nil, pgerr.Unsupported("catalog functions in this position")
	}
	return ev.q.s.catalogSnapshot(ev.q.tx)
}

// relationName returns the name of the table, index or sequence with oid,
// or "".
func (c *catalogSnapshot) relationName(oid int64) string {
	if t := c.byOID[oid]; t != nil {
		return t.name()
	}
	if ix := c.indexes[oid]; ix != nil {
		return ix.name
	}
	for _, q := range c.seqs {
		if q.oid == oid {
			return q.name
		}
	}
	return ""
}

// relationOID returns the oid of the table, index or sequence named name,
// or 0.
func (c *catalogSnapshot) relationOID(name string) int64 {
	if t := c.byName[name]; t != nil {
		return t.oid
	}
	for _, t := range c.tables {
		for _, ix := range t.indexes {
			if ix.name == name {
				return ix.oid
			}
		}
	}
	for _, q := range c.seqs {
		if q.name == name {
			return q.oid
		}
	}
	return 0
}

// typeByOID finds a built-in type's row.
func typeByOID(oid int64) (name string, elem int64, ok bool) {
	for _, b := range builtinTypes {
		if b.oid == oid {
			return b.name, b.elem, true
		}
	}
	return "", 0, false
}

// formatType is format_type(oid, typmod).
func formatType(oid, mod int64) string {
	if k, ok := kindOf(uint32(oid)); ok && oid != 0 && oid != int64(OIDUnknown) {
		t := sqlType{kind: k}
		if mod >= 4 {
			switch k {
			case kVarchar, kBpchar:
				t.length = int(mod - 4)
			case kNumeric:
				t.prec, t.scale = int((mod-4)>>16), int((mod-4)&0xffff)
			}
		}
		if k == kTime && mod >= 0 && mod <= 6 {
			t.prec = int(mod) + 1
		}
		return formatTypeName(t, true)
	}
	if oid == 0 {
		return "-"
	}
	if name, elem, ok := typeByOID(oid); ok {
		switch {
		case strings.HasPrefix(name, "_") && elem != 0:
			return formatType(elem, mod) + "[]"
		case name == "char":
			return `"char"`
		case name == "unknown":
			return "unknown"
		}
		return name
	}
	return "???"
}

// formatTypeName is format_type's name of t: with its modifiers when
// mods is set.
func formatTypeName(t sqlType, mods bool) string {
	if t.array {
		return formatTypeName(elemType(t), mods) + "[]"
	}
	var name string
	switch t.kind {
	case kVarchar:
		name = "character varying"
	case kBpchar:
		name = "character"
	case kNumeric:
		name = "numeric"
	case kEnum:
		name = t.enum.displayName() // enum.go
	default:
		name = sqlDataType(t)
	}
	if mods {
		switch {
		case (t.kind == kVarchar || t.kind == kBpchar) && t.length > 0:
			name += "(" + strconv.Itoa(t.length) + ")"
		case t.kind == kNumeric && t.prec > 0:
			name += "(" + strconv.Itoa(t.prec) + "," + strconv.Itoa(t.scale) + ")"
		case t.kind == kTime && t.prec > 0:
			name = "time(" + strconv.Itoa(t.prec-1) + ") without time zone"
		}
	}
	return name
}

// catalogCast casts to the object identifier types and the catalog's
// other types: ok is false when e's type is none of them.
func (ev *evaluator) catalogCast(e *ir.Cast) (any, sqlType, bool, error) {
	if e.Type.Schema != "" && e.Type.Schema != "pg_catalog" || e.Type.ArrayDims > 0 {
		return nil, typUnknown, false, nil
	}
	if v, ok, err := ev.regText(e); ok {
		return v, typText, true, err
	}
	switch e.Type.Name {
	case "regclass", "regtype", "regnamespace", "regproc", "regprocedure", "regrole", "oid", "name", "char", "xid":
	default:
		return nil, typUnknown, false, nil
	}
	if e.Type.Name == "char" && len(e.Type.Mods) > 0 {
		return nil, typUnknown, false, nil // char(n) is bpchar
	}
	v, t, err := ev.eval(e.Arg)
	if err != nil {
		return nil, typUnknown, true, err
	}
	switch e.Type.Name {
	case "name", "char":
		if v == nil {
			return nil, typText, true, nil
		}
		s := textOf(v, t)
		if e.Type.Name == "char" && s != "" {
			s = string([]rune(s)[:1])
		}
		if e.Type.Name == "name" && len(s) > 63 {
			s = s[:63]
		}
		return s, typText, true, nil
	case "oid", "xid":
		if v == nil {
			return nil, typInt8, true, nil
		}
		x, err := cast(v, t, typInt8, true /* explicit */)
		return x, typInt8, true, err
	}
	if t.isInt() {
		// A number in: the object's name out, as a reg* type prints.
		if v == nil {
			return nil, typText, true, nil
		}
		return ev.regName(e.Type.Name, v.(int64)), typText, true, nil
	}
	if v == nil {
		return nil, typInt8, true, nil
	}
	if !t.isText() && t.kind != kUnknown {
		return nil, typInt8, true, castError(t, typInt8)
	}
	oid, err := ev.regOID(e.Type.Name, v.(string))
	return oid, typInt8, true, err
}

// toReg is to_regclass(text) and the others: 'name'::regclass, or NULL
// where the cast would fail for want of the object.
func (ev *evaluator) toReg(name string, vals []any, types []sqlType) (any, error) {
	if len(vals) != 1 || !textArg(types[0]) {
		return nil, jsonNoFunction(name, types)
	}
	if vals[0] == nil {
		return nil, nil
	}
	typ, s := strings.TrimPrefix(name, "to_"), strings.TrimSpace(vals[0].(string))
	if typ == "regtype" {
		if n, ok := sqlTypeNames[strings.Join(strings.Fields(strings.ToLower(s)), " ")]; ok {
			s = n
		}
	}
	oid, err := ev.regOID(typ, s)
	switch pgerr.Code(err) {
	case pgerr.UndefinedTable, "42704", "3F000":
		// What reldb's catalog does not describe is not missing.
		schema, rel := splitQualified(s)
		switch {
		case typ == "regclass" && (schema == "pg_catalog" || schema == "information_schema" || schema == "" && (strings.HasPrefix(rel, "pg_") || isCatalogName(rel))):
			return nil, pgerr.Unsupported(name + " of a system catalog relation")
		case typ == "regtype" && (schema == "" || schema == "pg_catalog") && pgOnlyTypes[rel]:
			return nil, pgerr.Unsupported(name + " of type " + rel)
		}
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return oid, nil
}

// sqlTypeNames are the SQL spellings of the types to_regtype knows by
// their internal names.
var sqlTypeNames = map[string]string{
	"integer": "int4", "int": "int4", "smallint": "int2", "bigint": "int8",
	"real": "float4", "double precision": "float8", "boolean": "bool",
	"character varying": "varchar", "character": "bpchar", "decimal": "numeric",
	"timestamp without time zone": "timestamp", "timestamp with time zone": "timestamptz",
	"time without time zone": "time",
}

// pgOnlyTypes are types PostgreSQL has and reldb's catalog does not list:
// to_regtype of one is 0A000, not NULL.
var pgOnlyTypes = map[string]bool{
	"inet": true, "cidr": true, "macaddr": true, "macaddr8": true, "money": true,
	"point": true, "line": true, "lseg": true, "box": true, "path": true, "polygon": true, "circle": true,
	"bit": true, "varbit": true, "bit varying": true, "tsvector": true, "tsquery": true, "xml": true,
	"timetz": true, "time with time zone": true, "int4range": true, "int8range": true, "numrange": true,
	"tsrange": true, "tstzrange": true, "daterange": true, "jsonpath": true, "xid8": true, "cid": true,
	"tid": true, "pg_lsn": true, "record": true, "void": true, "regoper": true, "regoperator": true,
	"regprocedure": true, "regrole": true, "regconfig": true, "regdictionary": true, "regcollation": true,
	"txid_snapshot": true, "pg_snapshot": true, "anyelement": true, "anyarray": true, "trigger": true,
}

// isCatalogName reports whether name is a relation of reldb's catalogs.
func isCatalogName(name string) bool {
	_, ok, err := catalogRelationNamed(ir.QualName{Name: name})
	return ok || err != nil
}

// regName is the text of oid as a value of reg type typ.
// regText is the text cast of a reg* value, such as 'users'::regclass::text
// or c.oid::regclass::text: the object's name, as the value prints, not
// its oid (reg* values are carried as oids). ok is false for another cast.
func (ev *evaluator) regText(e *ir.Cast) (any, bool, error) {
	switch e.Type.Name {
	case "text", "varchar", "name":
	default:
		return nil, false, nil
	}
	in, ok := e.Arg.(*ir.Cast)
	if !ok || in.Type.ArrayDims > 0 || in.Type.Schema != "" && in.Type.Schema != "pg_catalog" {
		return nil, false, nil
	}
	switch in.Type.Name {
	case "regclass", "regtype", "regnamespace", "regproc", "regprocedure", "regrole":
	default:
		return nil, false, nil
	}
	v, t, err := ev.eval(in)
	if err != nil || v == nil {
		return nil, true, err
	}
	if t.isText() {
		return v, true, nil // already the name (an integer cast to reg* prints as one)
	}
	oid, ok := v.(int64)
	if !ok {
		return nil, false, nil
	}
	return ev.regName(in.Type.Name, oid), true, nil
}

func (ev *evaluator) regName(typ string, oid int64) string {
	switch typ {
	case "regproc", "regprocedure":
		if ev.q != nil {
			if text, ok := ev.q.s.regProcName(typ, oid); ok { // userfunc.go
				return text
			}
		}
	case "regclass":
		if snap, err := ev.catalog(); err == nil {
			if name := snap.relationName(oid); name != "" {
				return ident(name)
			}
		}
	case "regtype":
		if e, ok := ev.enumByOID(oid); ok { // enum.go
			return e.displayName()
		}
		if d, ok := ev.domainByOID(oid); ok { // domain.go
			return ident(d.name)
		}
		switch oid {
		case voidTypeOID, triggerTypeOID: // the pseudo-types functions return (userfunc.go)
			return map[int64]string{voidTypeOID: "void", triggerTypeOID: "trigger"}[oid]
		}
		if oid != 0 {
			if s := formatType(oid, -1); s != "???" {
				return s
			}
		}
	case "regnamespace":
		switch oid {
		case oidPgCatalog:
			return "pg_catalog"
		case oidPublic:
			return "public"
		case oidInformationSchema:
			return "information_schema"
		}
	case "regrole":
		if name, ok := ev.roleNameOf(oid); ok { // role_catalog.go
			return name
		}
	}
	if oid == 0 && typ != "regnamespace" {
		return "-"
	}
	return strconv.FormatInt(oid, 10)
}

// regOID reads the text s as a value of reg type typ: a number, or an
// object's name (42P01 / 42704 when there is none).
func (ev *evaluator) regOID(typ, s string) (int64, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	schema, name := splitQualified(s)
	switch typ {
	case "regclass":
		snap, err := ev.catalog()
		if err != nil {
			return 0, err
		}
		if schema == "" || schema == "public" {
			if oid := snap.relationOID(name); oid != 0 {
				return oid, nil
			}
		}
		return 0, pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", s)
	case "regnamespace":
		switch name {
		case "pg_catalog":
			return oidPgCatalog, nil
		case "public":
			return oidPublic, nil
		case "information_schema":
			return oidInformationSchema, nil
		}
		return 0, pgerr.New("3F000", "schema %q does not exist", s)
	case "regtype":
		tn := ir.TypeName{Name: name}
		if t, err := typeOf(tn); err == nil {
			return int64(oidOf(t)), nil
		}
		for _, b := range builtinTypes {
			if b.name == name {
				return b.oid, nil
			}
		}
		if ev.q != nil && (schema == "" || schema == "public") {
			if e, ok := ev.q.s.enumNamed(name); ok { // enum.go
				return e.oid(), nil
			}
			if d, ok := ev.q.s.domainNamed(name); ok { // domain.go
				return d.oid(), nil
			}
		}
		return 0, pgerr.New("42704", "type %q does not exist", s)
	case "regrole":
		if oid, ok := ev.roleOIDOf(name); ok { // role_catalog.go
			return oid, nil
		}
		return 0, pgerr.New("42704", "role %q does not exist", s)
	case "regproc", "regprocedure":
		if ev.q != nil && (schema == "" || schema == "public") {
			if oid, ok := ev.q.s.regProcOID(name); ok { // userfunc.go
				return oid, nil
			}
		}
	}
	return 0, pgerr.New("42883", "function %q does not exist", s)
}

// regexOp is ~ (match), ~* (match, ignoring case), !~ and !~*, over
// PostgreSQL's advanced regular expressions as regex.go translates them.
func regexOp(op string, l any, lt sqlType, r any, rt sqlType) (any, sqlType, error) {
	for _, t := range []sqlType{lt, rt} {
		if !t.isText() && t.kind != kUnknown {
			return nil, typBool, pgerr.New("42883", "operator does not exist: %s %s %s", lt, op, rt)
		}
	}
	if l == nil || r == nil {
		return nil, typBool, nil
	}
	pattern := r.(string)
	if rt.kind == kBpchar {
		pattern = strings.TrimRight(pattern, " ") // read as text
	}
	opts := defaultREOptions()
	opts.icase = strings.HasSuffix(op, "*")
	re, err := compileARE(pattern, opts)
	if err != nil {
		return nil, typBool, err
	}
	// char(n) ~ pattern matches the padded value, as PostgreSQL's does.
	return (re.searchFrom(l.(string), 0) != nil) != strings.HasPrefix(op, "!"), typBool, nil
}

// splitQualified splits a possibly schema-qualified, possibly quoted name
// as the reg* input functions read it: unquoted parts fold to lower case.
func splitQualified(s string) (schema, name string) {
	var parts []string
	var b strings.Builder
	quoted := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' && quoted && i+1 < len(s) && s[i+1] == '"':
			b.WriteByte('"')
			i++
		case c == '"':
			quoted = !quoted
		case c == '.' && !quoted:
			parts = append(parts, b.String())
			b.Reset()
		case !quoted:
			b.WriteString(strings.ToLower(string(c)))
		default:
			b.WriteByte(c)
		}
	}
	parts = append(parts, b.String())
	if len(parts) == 1 {
		return "", parts[0]
	}
	return parts[len(parts)-2], parts[len(parts)-1]
}

// catalogOID reads an oid argument of a catalog function (v of type t)
// and the catalog snapshot it is looked up in.
func (ev *evaluator) catalogOID(v any, t sqlType) (int64, *catalogSnapshot, error) {
	oid, err := asInt(v, t)
	if err != nil {
		return 0, nil, err
	}
	c, err := ev.catalog()
	return oid, c, err
}
