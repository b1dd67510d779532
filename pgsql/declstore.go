package pgsql

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/parse"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// A durable DB keeps its declarations (schema.go) in an engine table of
// its own, declTable: one row per table or view name, written in the same
// engine transaction as the DDL that changed it (Session.commitTx), so
// the write-ahead log makes them as durable as the tables and a rollback
// or a crash before the commit leaves neither. The declarations are read
// back from it when a session first uses the DB (declsOf). An in-memory
// DB never writes the table: its declarations live only in memory, and a
// fork gets a copy of them (declarations.Fork), as before.
//
// The table's name begins with pg_reldb_, a prefix the engine reserves
// (its Tables, DDL and Lint leave such tables out) and SQL refuses to
// create or rename to (42939); SQL sees no table of that name (42P01),
// nor does any catalog list it.
//
// A row holds the name, a format number (declFormat) and the declaration
// as JSON: types by their names (varchar(40)), expressions (CHECK,
// volatile DEFAULTs, a view's query) in the IR's canonical text, which
// parses back to the same expression; a text that does not is refused
// when it is written (XX000), never stored to come back different. A row
// that does not decode fails every statement of every session of the DB
// with XX001, naming the table: the declarations are never silently
// incomplete.

// declTable is the engine table of the declarations.
const declTable = reservedPrefix + "declarations"

// reservedPrefix begins the names of the engine tables that reldb keeps
// for itself; engine's documentation reserves it.
const reservedPrefix = "pg_reldb_"

// declFormat is the version of the encoding of declTable's rows: a row of
// another format is refused as corrupt rather than misread.
const declFormat = 1

// reservedName reports whether name is one SQL may neither see nor take.
func reservedName(name string) bool { return strings.HasPrefix(name, reservedPrefix) }

// reservedNameError is 42939 for a relation SQL would name with the
// reserved prefix, or nil.
func reservedNameError(name string) error {
	if !reservedName(name) {
		return nil
	}
	return &Error{Code: "42939", Message: `relation name "` + name + `" is reserved`,
		Detail: `The prefix "` + reservedPrefix + `" is reserved for reldb's own tables.`}
}

// declTableDef is declTable's definition.
var declTableDef = engine.Table{
	Name: declTable,
	Columns: []engine.Column{
		{Name: "name", Type: engine.Text, NotNull: true},
		{Name: "format", Type: engine.Int, NotNull: true},
		{Name: "body", Type: engine.Text, NotNull: true},
	},
	PrimaryKey: []string{"name"},
}

// loadDecls makes the declarations of db: those declTable holds, and, for
// a durable DB that does not have the table yet, the table itself, so
// that sessions' first DDL statements do not race to create it.
func loadDecls(db *engine.DB) *declarations {
	d := &declarations{tables: make(map[string]*tableDecl)}
	st, err := db.Storage()
	if err != nil {
		// Whether to write the declarations is unknown: write none, and
		// run no statement.
		d.err = toError(err)
		return d
	}
	d.durable = st.Dir != ""
	ctx := context.Background()
	found := false
	err = db.View(ctx, func(tx *engine.Tx) error {
		if _, err := tx.Table(declTable); err != nil {
			if errors.Is(err, engine.ErrNoTable) {
				return nil
			}
			return err
		}
		found = true
		return tx.Query(declTable).Each(func(r engine.Record) error {
			name, _ := r.Get("name").(string)
			format, _ := r.Get("format").(int64)
			body, _ := r.Get("body").(string)
			td, err := decodeDecl(format, body)
			if err != nil {
				return corruptDecl(name, err)
			}
			d.tables[name] = td
			if isUserFunction(name, td) {
				d.userFuncs.Add(1)
			}
			return nil
		})
	})
	if err == nil && d.durable && !found {
		err = db.Update(ctx, func(tx *engine.Tx) error {
			if _, err := tx.Table(declTable); err == nil {
				return nil
			}
			return tx.CreateTable(declTableDef)
		})
		if errors.Is(err, engine.ErrReadOnly) {
			err = nil // opened read-only: nothing will be declared
		}
	}
	if err == nil {
		err = resolveEnums(d.tables)
	}
	if err != nil {
		d.err = toError(err)
	}
	return d
}

// corruptDecl is XX001 for a row of declTable that does not decode.
func corruptDecl(name string, err error) *Error {
	return &Error{Code: "XX001", Message: fmt.Sprintf("corrupt declaration of %q in %s: %v", name, declTable, err),
		Hint: "The SQL declarations (types, CHECK constraints, defaults, comments, views) of this database cannot be read back."}
}

// storeDecls writes changes into declTable in tx: a row per declaration,
// none for a removed one.
func storeDecls(tx *engine.Tx, changes map[string]*tableDecl) error {
	for _, name := range slices.Sorted(maps.Keys(changes)) {
		td := changes[name]
		if td == nil {
			if err := tx.Delete(declTable, name); err != nil && !errors.Is(err, engine.ErrNotFound) {
				return err
			}
			continue
		}
		body, err := encodeDecl(td)
		if err != nil {
			return pgerr.New(pgerr.InternalError, "cannot store the declaration of %q: %v", name, err)
		}
		if _, err := tx.Upsert(declTable, engine.Row{"name": name, "format": int64(declFormat), "body": body}); err != nil {
			return err
		}
	}
	return nil
}

// declRecord is a tableDecl as stored. Fields are never omitted: a nil
// map (a table the Go API made has no types) and an empty one (a table
// SQL made without columns) mean different things.
type declRecord struct {
	Types    map[string]string `json:"types"`
	Checks   []checkRecord     `json:"checks"`
	Defaults map[string]string `json:"defaults"`
	Indexes  map[string]string `json:"indexes"`
	Comments map[string]string `json:"comments"`
	View     *viewRecord       `json:"view"`
	Sequence *seqRecord        `json:"sequence"`
	// Identity is omitted when empty, so that the rows written before
	// identity columns read as they were written.
	Identity map[string]string `json:"identity,omitempty"`
	// Enum is an enum type's definition (enum.go), omitted for others.
	Enum *enumRecord `json:"enum,omitempty"`
	// Domain is a domain's definition and Domains the domains of a
	// table's columns, by column (domain.go); omitted when none.
	Domain  *domainRecord     `json:"domain,omitempty"`
	Domains map[string]string `json:"domains,omitempty"`
	// NotValid lists the constraints added NOT VALID and not validated
	// since, sorted; omitted when there are none.
	NotValid []string `json:"not_valid,omitempty"`
	// Generated are the generated columns' expressions, by column;
	// omitted when there are none.
	Generated map[string]string `json:"generated,omitempty"`
	// IndexDefs are the declarations of expression, partial and other
	// indexes that are more than columns (exprindex.go), by name; omitted
	// when there are none.
	IndexDefs map[string]indexRecord `json:"index_defs,omitempty"`
	// Triggers are a table's triggers and Function a trigger function's
	// body (trigger.go), omitted when there are none.
	Triggers []triggerRecord `json:"triggers,omitempty"`
	Function *functionRecord `json:"function,omitempty"`
	// Owner, ACL, Role and DefaultACL are an object's owner and access
	// privileges, a role, and ALTER DEFAULT PRIVILEGES' entries
	// (role_store.go); omitted when there are none.
	Owner      int64          `json:"owner,omitempty"`
	ACL        *[]string      `json:"acl,omitempty"`
	Role       *roleRecord    `json:"role,omitempty"`
	DefaultACL []defACLRecord `json:"default_acl,omitempty"`
}

// indexRecord is an indexDecl as stored: expressions in canonical text.
type indexRecord struct {
	Elems   []indexElemRecord `json:"elems"`
	Include []string          `json:"include,omitempty"`
	Options [][2]string       `json:"options,omitempty"`
	Pred    string            `json:"pred,omitempty"`
	Flag    string            `json:"flag,omitempty"`
}

type indexElemRecord struct {
	Column    string `json:"column"`
	Expr      string `json:"expr,omitempty"`
	Collation string `json:"collation,omitempty"`
	Opclass   string `json:"opclass,omitempty"`
	Dir       int    `json:"dir,omitempty"`
	Nulls     int    `json:"nulls,omitempty"`
}

// triggerRecord is a trigger as stored; its WHEN condition is the IR's
// canonical text.
type triggerRecord struct {
	Name     string   `json:"name"`
	Before   bool     `json:"before"`
	Events   uint8    `json:"events"`
	Columns  []string `json:"columns,omitempty"`
	When     string   `json:"when,omitempty"`
	Function string   `json:"function"`
	Disabled bool     `json:"disabled,omitempty"`
}

// functionRecord is a trigger function as stored: its body as written,
// parsed again when read back.
type functionRecord struct {
	Name string `json:"name"`
	Body string `json:"body"`
	// Decl is a function called from SQL's canonical CREATE FUNCTION
	// (userfunc.go); omitted for a trigger function.
	Decl string `json:"decl,omitempty"`
	// More are the other overloads of the name, as Decl.
	More []string `json:"more,omitempty"`
}

// seqRecord is a sequence's definition as stored (sequence.go).
type seqRecord struct {
	UID         string `json:"uid"`
	Key         string `json:"key"`
	Restart     int64  `json:"restart"`
	Type        string `json:"type"`
	Start       int64  `json:"start"`
	Increment   int64  `json:"increment"`
	Min         int64  `json:"min"`
	Max         int64  `json:"max"`
	Cache       int64  `json:"cache"`
	Cycle       bool   `json:"cycle"`
	OwnerTable  string `json:"owner_table"`
	OwnerColumn string `json:"owner_column"`
}

type checkRecord struct {
	Name string `json:"name"`
	Expr string `json:"expr"`
}

type viewRecord struct {
	Query   string         `json:"query"`
	Columns []columnRecord `json:"columns"`
	// Stars are the fixed expansions of the query's *, by the position of
	// the * among the query's (starRefs).
	Stars []starsRecord `json:"stars"`
}

type columnRecord struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

type starsRecord struct {
	At      int          `json:"at"`
	Columns []starRecord `json:"columns"`
}

type starRecord struct {
	Schema string `json:"schema,omitempty"`
	Table  string `json:"table,omitempty"`
	Column string `json:"column"`
	Name   string `json:"name"`
}

var originNames = map[indexOrigin]string{byConstraint: "constraint", byCreateIndex: "index", byAdoption: "adopted"}

// encodeDecl encodes td as declTable's body.
func encodeDecl(td *tableDecl) (string, error) {
	var rec declRecord
	if td.types != nil {
		rec.Types = make(map[string]string, len(td.types))
		for c, t := range td.types {
			rec.Types[c] = encodeType(t)
		}
	}
	if td.checks != nil {
		rec.Checks = make([]checkRecord, len(td.checks))
		for i, c := range td.checks {
			text, err := encodeExpr(c.expr)
			if err != nil {
				return "", fmt.Errorf("check %q: %w", c.name, err)
			}
			rec.Checks[i] = checkRecord{Name: c.name, Expr: text}
		}
	}
	if td.defaults != nil {
		rec.Defaults = make(map[string]string, len(td.defaults))
		for c, e := range td.defaults {
			text, err := encodeExpr(e)
			if err != nil {
				return "", fmt.Errorf("default of %q: %w", c, err)
			}
			rec.Defaults[c] = text
		}
	}
	rec.NotValid = slices.Sorted(maps.Keys(td.notValid))
	for c, e := range td.generated {
		text, err := encodeExpr(e)
		if err != nil {
			return "", fmt.Errorf("generation expression of %q: %w", c, err)
		}
		if rec.Generated == nil {
			rec.Generated = make(map[string]string, len(td.generated))
		}
		rec.Generated[c] = text
	}
	for c, k := range td.identity {
		if rec.Identity == nil {
			rec.Identity = make(map[string]string, len(td.identity))
		}
		rec.Identity[c] = k.String()
	}
	if td.indexes != nil {
		rec.Indexes = make(map[string]string, len(td.indexes))
		for n, o := range td.indexes {
			name, ok := originNames[o]
			if !ok {
				return "", fmt.Errorf("index %q of unknown origin %d", n, o)
			}
			rec.Indexes[n] = name
		}
	}
	for n, def := range td.indexDefs {
		if rec.IndexDefs == nil {
			rec.IndexDefs = make(map[string]indexRecord, len(td.indexDefs))
		}
		r := indexRecord{Include: def.include, Flag: def.flag}
		for _, e := range def.elems {
			er := indexElemRecord{Column: e.column, Collation: e.collation, Opclass: e.opclass, Dir: int(e.dir), Nulls: int(e.nulls)}
			if e.expr != nil {
				text, err := encodeExpr(e.expr)
				if err != nil {
					return "", fmt.Errorf("index %q: %w", n, err)
				}
				er.Expr = text
			}
			r.Elems = append(r.Elems, er)
		}
		for _, o := range def.options {
			r.Options = append(r.Options, [2]string{o.Name, o.Value})
		}
		if def.pred != nil {
			text, err := encodeExpr(def.pred)
			if err != nil {
				return "", fmt.Errorf("index %q: %w", n, err)
			}
			r.Pred = text
		}
		rec.IndexDefs[n] = r
	}
	rec.Comments = td.comments
	if td.view != nil {
		v, err := encodeView(td.view)
		if err != nil {
			return "", err
		}
		rec.View = v
	}
	if q := td.seq; q != nil {
		rec.Sequence = &seqRecord{UID: q.uid, Key: q.key, Restart: q.restart, Type: encodeType(q.typ), Start: q.start,
			Increment: q.incr, Min: q.min, Max: q.max, Cache: q.cache, Cycle: q.cycle, OwnerTable: q.ownerTable, OwnerColumn: q.ownerColumn}
	}
	if e := td.enum; e != nil {
		rec.Enum = &enumRecord{UID: e.uid, Name: e.name, Labels: e.labels, Sorts: e.sorts}
	}
	if d := td.domain; d != nil {
		r, err := encodeDomain(d) // domain.go
		if err != nil {
			return "", err
		}
		rec.Domain = r
	}
	rec.Domains = td.domains
	for _, t := range td.triggers {
		tr := triggerRecord{Name: t.name, Before: t.before, Events: uint8(t.events), Columns: t.columns, Function: t.function, Disabled: t.disabled}
		if t.when != nil {
			text, err := encodeExpr(t.when)
			if err != nil {
				return "", fmt.Errorf("trigger %q: %w", t.name, err)
			}
			tr.When = text
		}
		rec.Triggers = append(rec.Triggers, tr)
	}
	if f := td.function; f != nil {
		rec.Function = functionRecordOf(f) // userfunc.go
	}
	encodePrivileges(td, &rec) // role_store.go
	b, err := json.Marshal(rec)
	return string(b), err
}

// decodeDecl decodes a body of declTable in the given format.
func decodeDecl(format int64, body string) (*tableDecl, error) {
	if format != declFormat {
		return nil, fmt.Errorf("format %d, where this version of reldb reads %d", format, declFormat)
	}
	var rec declRecord
	dec := json.NewDecoder(strings.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rec); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("data after the declaration")
	}
	td := &tableDecl{comments: rec.Comments}
	if rec.Types != nil {
		td.types = make(map[string]sqlType, len(rec.Types))
		for c, text := range rec.Types {
			t, err := decodeType(text)
			if err != nil {
				return nil, fmt.Errorf("type of %q: %w", c, err)
			}
			td.types[c] = t
		}
	}
	if rec.Checks != nil {
		td.checks = make([]check, len(rec.Checks))
		for i, c := range rec.Checks {
			e, err := decodeExpr(c.Expr)
			if err != nil {
				return nil, fmt.Errorf("check %q: %w", c.Name, err)
			}
			td.checks[i] = check{name: c.Name, expr: e}
		}
	}
	if rec.Defaults != nil {
		td.defaults = make(map[string]ir.Expr, len(rec.Defaults))
		for c, text := range rec.Defaults {
			e, err := decodeExpr(text)
			if err != nil {
				return nil, fmt.Errorf("default of %q: %w", c, err)
			}
			td.defaults[c] = e
		}
	}
	for c, text := range rec.Generated {
		e, err := decodeExpr(text)
		if err != nil {
			return nil, fmt.Errorf("generation expression of %q: %w", c, err)
		}
		if td.generated == nil {
			td.generated = make(map[string]ir.Expr, len(rec.Generated))
		}
		td.generated[c] = e
	}
	for _, name := range rec.NotValid {
		if td.notValid == nil {
			td.notValid = make(map[string]bool, len(rec.NotValid))
		}
		td.notValid[name] = true
	}
	for c, name := range rec.Identity {
		k, ok := identityNamed(name)
		if !ok {
			return nil, fmt.Errorf("identity of %q of unknown kind %q", c, name)
		}
		if td.identity == nil {
			td.identity = make(map[string]identityKind, len(rec.Identity))
		}
		td.identity[c] = k
	}
	if rec.Indexes != nil {
		td.indexes = make(map[string]indexOrigin, len(rec.Indexes))
		for n, name := range rec.Indexes {
			o, ok := originOf(name)
			if !ok {
				return nil, fmt.Errorf("index %q of unknown origin %q", n, name)
			}
			td.indexes[n] = o
		}
	}
	for n, r := range rec.IndexDefs {
		if td.indexDefs == nil {
			td.indexDefs = make(map[string]*indexDecl, len(rec.IndexDefs))
		}
		def := &indexDecl{include: r.Include, flag: r.Flag}
		for _, er := range r.Elems {
			e := indexElem{column: er.Column, collation: er.Collation, opclass: er.Opclass, dir: ir.SortDir(er.Dir), nulls: ir.NullsOrder(er.Nulls)}
			if er.Expr != "" {
				x, err := decodeExpr(er.Expr)
				if err != nil {
					return nil, fmt.Errorf("index %q: %w", n, err)
				}
				e.expr = x
			}
			if e.column == "" {
				return nil, fmt.Errorf("index %q: element without a column", n)
			}
			def.elems = append(def.elems, e)
		}
		for _, o := range r.Options {
			def.options = append(def.options, ir.IndexOption{Name: o[0], Value: o[1]})
		}
		if r.Pred != "" {
			x, err := decodeExpr(r.Pred)
			if err != nil {
				return nil, fmt.Errorf("index %q: %w", n, err)
			}
			def.pred = x
		}
		if (def.pred != nil) != (def.flag != "") {
			return nil, fmt.Errorf("index %q: predicate without its column", n)
		}
		td.indexDefs[n] = def
	}
	if rec.View != nil {
		v, err := decodeView(rec.View)
		if err != nil {
			return nil, err
		}
		td.view = v
	}
	if q := rec.Sequence; q != nil {
		t, err := decodeType(q.Type)
		if err != nil || !t.isInt() || t.array || q.Increment == 0 || q.Min >= q.Max || q.UID == "" || q.Key == "" {
			return nil, fmt.Errorf("bad sequence %+v", *q)
		}
		td.seq = &seqDef{uid: q.UID, key: q.Key, restart: q.Restart, typ: t, start: q.Start, incr: q.Increment,
			min: q.Min, max: q.Max, cache: q.Cache, cycle: q.Cycle, ownerTable: q.OwnerTable, ownerColumn: q.OwnerColumn}
	}
	if e := rec.Enum; e != nil {
		if e.UID == "" || len(e.Labels) != len(e.Sorts) {
			return nil, fmt.Errorf("bad enum type %+v", *e)
		}
		td.enum = &enumType{uid: e.UID, name: e.Name, labels: e.Labels, sorts: e.Sorts}
	}
	if r := rec.Domain; r != nil {
		d, err := decodeDomain(r) // domain.go
		if err != nil {
			return nil, err
		}
		td.domain = d
	}
	td.domains = rec.Domains
	for _, tr := range rec.Triggers {
		t := triggerDef{name: tr.Name, before: tr.Before, events: ir.TriggerEvent(tr.Events), columns: tr.Columns, function: tr.Function, disabled: tr.Disabled}
		if tr.Name == "" || tr.Function == "" || t.events == 0 || t.events&^(ir.TriggerInsert|ir.TriggerUpdate|ir.TriggerDelete) != 0 {
			return nil, fmt.Errorf("bad trigger %+v", tr)
		}
		if tr.When != "" {
			e, err := decodeExpr(tr.When)
			if err != nil {
				return nil, fmt.Errorf("trigger %q: %w", tr.Name, err)
			}
			t.when = e
		}
		td.triggers = append(td.triggers, t)
	}
	if f := rec.Function; f != nil {
		fd, err := functionOfRecord(f) // userfunc.go
		if err != nil {
			return nil, err
		}
		td.function = fd
	}
	if err := decodePrivileges(&rec, td); err != nil { // role_store.go
		return nil, err
	}
	return td, nil
}

func originOf(name string) (indexOrigin, bool) {
	for o, n := range originNames {
		if n == name {
			return o, true
		}
	}
	return 0, false
}

// encodeType names t as pg_catalog would (varchar(40), numeric(10,2)),
// with [] for an array.
func encodeType(t sqlType) string {
	if t.kind == kEnum && t.enum != nil {
		return enumTypePrefix + t.enum.uid // enum.go
	}
	if t.array {
		return t.String() + "[]"
	}
	return t.String()
}

// decodeType is the inverse of encodeType.
func decodeType(text string) (sqlType, error) {
	if uid, ok := strings.CutPrefix(text, enumTypePrefix); ok && uid != "" {
		// Resolved once every declaration is read (resolveEnums).
		return sqlType{kind: kEnum, enum: &enumType{uid: uid}}, nil
	}
	var t sqlType
	name := text
	if s, ok := strings.CutSuffix(name, "[]"); ok {
		t.array, name = true, s
	}
	var mods []int
	if i := strings.IndexByte(name, '('); i >= 0 && strings.HasSuffix(name, ")") {
		for _, m := range strings.Split(name[i+1:len(name)-1], ",") {
			n, err := strconv.Atoi(m)
			if err != nil || n < 0 {
				return sqlType{}, fmt.Errorf("bad type %q", text)
			}
			mods = append(mods, n)
		}
		name = name[:i]
	}
	k := slices.Index(kindNames[:], name)
	if k < 0 {
		return sqlType{}, fmt.Errorf("unknown type %q", text)
	}
	t.kind = kind(k)
	switch {
	case len(mods) == 1 && (t.kind == kVarchar || t.kind == kBpchar):
		t.length = mods[0]
	case len(mods) == 2 && t.kind == kNumeric:
		t.prec, t.scale = mods[0], mods[1]
	case len(mods) == 1 && t.kind == kTime && mods[0] <= 6:
		t.prec = mods[0] + 1
	case len(mods) > 0:
		return sqlType{}, fmt.Errorf("bad type %q", text)
	}
	if encodeType(t) != text {
		return sqlType{}, fmt.Errorf("bad type %q", text)
	}
	return t, nil
}

// encodeExpr returns e's canonical text, checking that it parses back.
func encodeExpr(e ir.Expr) (string, error) {
	text := e.String()
	if _, err := decodeExpr(text); err != nil {
		return "", err
	}
	return text, nil
}

// decodeExpr parses an expression's canonical text: it must read back as
// itself.
func decodeExpr(text string) (ir.Expr, error) {
	sel, err := parseSelect("SELECT " + text)
	if err != nil {
		return nil, err
	}
	if len(sel.Targets) != 1 || sel.Targets[0].Alias != "" || len(sel.From) > 0 || sel.With != nil || sel.SetOp != nil || sel.Values != nil ||
		sel.Where != nil || sel.GroupBy != nil || sel.Having != nil || sel.OrderBy != nil || sel.Limit != nil || sel.Offset != nil || sel.Distinct {
		return nil, fmt.Errorf("%q is not one expression", text)
	}
	e := sel.Targets[0].Expr
	if e.String() != text {
		return nil, fmt.Errorf("expression %q reads back as %q", text, e.String())
	}
	return e, nil
}

// parseSelect parses text as one query.
func parseSelect(text string) (*ir.Select, error) {
	stmts, err := parse.Parse(text)
	if err != nil {
		return nil, fmt.Errorf("%q: %w", text, err)
	}
	if len(stmts) != 1 {
		return nil, fmt.Errorf("%q is not one statement", text)
	}
	sel, ok := stmts[0].(*ir.Select)
	if !ok {
		return nil, fmt.Errorf("%q is not a query", text)
	}
	return sel, nil
}

// encodeView encodes a view, checking that its query reads back as
// itself with its * in the same places.
func encodeView(v *viewDef) (*viewRecord, error) {
	rec := &viewRecord{Query: v.query.String(), Columns: make([]columnRecord, len(v.columns)), Stars: []starsRecord{}}
	for i, c := range v.columns {
		rec.Columns[i] = columnRecord{Name: c.Name, Type: encodeType(c.typ)}
	}
	refs := starRefs(v.query)
	for i, r := range refs {
		cols, ok := v.stars[r]
		if !ok {
			continue
		}
		sr := starsRecord{At: i, Columns: make([]starRecord, len(cols))}
		for j, c := range cols {
			if c.ref.Star {
				return nil, fmt.Errorf("view column %q stands for a *", c.name)
			}
			sr.Columns[j] = starRecord{Schema: c.ref.Schema, Table: c.ref.Table, Column: c.ref.Column, Name: c.name}
		}
		rec.Stars = append(rec.Stars, sr)
	}
	if len(rec.Stars) != len(v.stars) {
		return nil, errors.New("a * of the view's query is out of reach")
	}
	if _, err := decodeView(rec); err != nil {
		return nil, err
	}
	return rec, nil
}

// decodeView is the inverse of encodeView.
func decodeView(rec *viewRecord) (*viewDef, error) {
	query, err := parseSelect(rec.Query)
	if err != nil {
		return nil, fmt.Errorf("view query: %w", err)
	}
	if query.String() != rec.Query {
		return nil, fmt.Errorf("view query %q reads back as %q", rec.Query, query.String())
	}
	v := &viewDef{query: query, columns: make([]Column, len(rec.Columns)), stars: map[*ir.ColumnRef][]starColumn{}, deps: tablesRead(query, nil)}
	for i, c := range rec.Columns {
		t, err := decodeType(c.Type)
		if err != nil {
			return nil, fmt.Errorf("view column %q: %w", c.Name, err)
		}
		v.columns[i] = Column{Name: c.Name, typ: t}
	}
	refs := starRefs(query)
	for _, sr := range rec.Stars {
		if sr.At < 0 || sr.At >= len(refs) {
			return nil, fmt.Errorf("view query has no * number %d", sr.At)
		}
		if _, dup := v.stars[refs[sr.At]]; dup {
			return nil, fmt.Errorf("view query's * number %d expanded twice", sr.At)
		}
		cols := make([]starColumn, len(sr.Columns))
		for j, c := range sr.Columns {
			cols[j] = starColumn{ref: ir.ColumnRef{Schema: c.Schema, Table: c.Table, Column: c.Column}, name: c.Name}
		}
		v.stars[refs[sr.At]] = cols
	}
	return v, nil
}

// starRefs returns the * and t.* column references of a query, at any
// depth, in the order of a walk of its tree: two queries with the same
// canonical form have their * at the same positions.
func starRefs(st *ir.Select) []*ir.ColumnRef {
	var out []*ir.ColumnRef
	for _, r := range columnRefs(st) {
		if r.Star {
			out = append(out, r)
		}
	}
	return out
}

// columnRefs returns the column references of a query, at any depth, in
// the order of a walk of its tree.
func columnRefs(st *ir.Select) []*ir.ColumnRef {
	var out []*ir.ColumnRef
	seen := map[*ir.ColumnRef]bool{}
	refType := reflect.TypeFor[*ir.ColumnRef]()
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if v.IsNil() {
				return
			}
			if v.Type() == refType && v.CanInterface() {
				r := v.Interface().(*ir.ColumnRef)
				if !seen[r] {
					seen[r] = true
					out = append(out, r)
				}
				return
			}
			walk(v.Elem())
		case reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Struct:
			for i := range v.NumField() {
				walk(v.Field(i))
			}
		case reflect.Slice, reflect.Array:
			for i := range v.Len() {
				walk(v.Index(i))
			}
		}
	}
	walk(reflect.ValueOf(st))
	return out
}
