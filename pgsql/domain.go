package pgsql

import (
	"fmt"
	"strconv"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Domains (CREATE DOMAIN) are declarations, as enum types are: a domain
// is tableDecl.domain under its name, transactional like other DDL and
// written into declTable by a durable DB.
//
// A column of a domain type is a column of the base type in everything
// but the writes: its declared type (tableDecl.types) is the base type,
// so values, operators, output and the wire format are the base type's,
// and tableDecl.domains names the column's domain. INSERT, UPDATE, upsert
// and COPY check a stored row's domain columns (checkDomains) before its
// table's CHECKs; a cast to the domain checks its value. A domain's
// DEFAULT becomes the default of a column that declares none.
//
// A table's schema holds its columns' domains: ALTER DOMAIN replaces the
// domain and re-declares the tables that use it, so that their schemas
// are derived again. DROP DOMAIN of a domain a column uses is 2BP01
// (CASCADE, which drops the columns, is 0A000).

// domainType is a domain's definition. It is immutable.
type domainType struct {
	uid         string
	name        string
	typ         sqlType // the base type
	def         ir.Expr // nil for none
	notNull     bool
	notNullName string
	checks      []check // in the order declared
	value       *tableSchema
}

// oid is the domain's pg_type oid.
func (d *domainType) oid() int64 { return objectOID("D", d.uid) }

// valueSchema is the one-column relation the CHECK expressions read
// VALUE from.
func valueSchema(d *domainType) *tableSchema {
	return &tableSchema{def: engine.Table{Name: d.name, Columns: []engine.Column{{Name: "value", Type: d.typ.engineType()}}},
		types: []sqlType{d.typ}, index: map[string]int{"value": 0}}
}

// domainNamed returns the domain named name as the session's transaction
// sees it.
func (s *Session) domainNamed(name string) (*domainType, bool) {
	d := s.decl(name).domain
	return d, d != nil
}

// typeDomain returns the domain a type name names, if it names one.
func (s *Session) typeDomain(tn ir.TypeName) (*domainType, bool) {
	if tn.ArrayDims > 0 || len(tn.Mods) > 0 || tn.Schema != "" && tn.Schema != "public" {
		return nil, false
	}
	return s.domainNamed(tn.Name)
}

// createDomain is CREATE DOMAIN.
func (s *Session) createDomain(tx *engine.Tx, st *ir.CreateDomain) (Result, error) {
	res := Result{Tag: "CREATE DOMAIN"}
	name, err := s.newTypeName(tx, st.Name) // enum.go
	if err != nil {
		return res, err
	}
	if _, ok := s.typeDomain(st.Type); ok {
		return res, pgerr.Unsupported("CREATE DOMAIN over a domain")
	}
	typ, err := s.resolveType(st.Type)
	if err != nil {
		return res, err
	}
	if typ.kind == kEnum || typ.record {
		return res, pgerr.Unsupported("CREATE DOMAIN over type " + st.Type.String())
	}
	d := &domainType{uid: newSeqKey(), name: name, typ: typ, def: st.Default, notNull: st.NotNull, notNullName: st.NotNullName}
	d.value = valueSchema(d)
	if st.Default != nil {
		if volatile(st.Default) {
			err = s.checkDefault(tx, name, st.Default, typ)
		} else {
			_, err = constantDefault(s, st.Default, typ)
		}
		if err != nil {
			return res, err
		}
	}
	taken := map[string]bool{}
	for _, k := range st.Checks {
		cname := k.Name
		if cname == "" {
			cname = name + "_check"
			for i := 1; taken[cname]; i++ {
				cname = name + "_check" + strconv.Itoa(i)
			}
		} else if taken[cname] {
			return res, &Error{Code: "42710", Message: fmt.Sprintf("constraint %q for domain %q already exists", cname, name)}
		}
		taken[cname] = true
		d.checks = append(d.checks, check{name: cname, expr: k.Check})
	}
	// Type-check the expressions against a NULL value: an unknown column
	// or a non-boolean expression fails here, as in PostgreSQL.
	ev := (&evaluator{types: s}).with(newScope(d.value, d.name))
	ev.sc.row = []any{nil}
	for _, c := range d.checks {
		if _, err := ev.boolean(c.expr, "CHECK"); err != nil && pgerr.Code(err)[:2] != "22" {
			return res, err
		}
	}
	s.setDecl(name, s.withDefaultACL('T', &tableDecl{domain: d})) // role_default.go
	return res, nil
}

// checkDomain checks v against domain d's NOT NULL and CHECKs: 23502 and
// 23514 as PostgreSQL words them.
func (s *Session) checkDomain(d *domainType, v any, ev *evaluator) error {
	if v == nil {
		if d.notNull {
			return &Error{Code: pgerr.NotNullViolation, Message: fmt.Sprintf("domain %s does not allow null values", d.name)}
		}
	}
	if len(d.checks) == 0 {
		return nil
	}
	sc := newScope(d.value, d.name)
	sc.row = []any{v}
	var valueEv *evaluator
	if ev != nil {
		valueEv = ev.with(sc)
	} else {
		valueEv = (&evaluator{types: s}).with(sc)
	}
	for _, c := range d.checks {
		ok, err := valueEv.boolean(c.expr, "CHECK")
		if err != nil {
			return err
		}
		if ok == false {
			return &Error{Code: pgerr.CheckViolation, Message: fmt.Sprintf("value for domain %s violates check constraint %q", d.name, c.name),
				Constraint: c.name}
		}
	}
	return nil
}

// checkDomains checks a stored row's domain columns.
func (s *Session) checkDomains(ts *tableSchema, vals []any, ev *evaluator) error {
	for i, d := range ts.domains {
		if d == nil || i >= len(vals) {
			continue
		}
		if err := s.checkDomain(d, vals[i], ev); err != nil {
			return err
		}
	}
	return nil
}

// checkCastDomain checks a value cast to type name tn when tn names a
// domain.
func (ev *evaluator) checkCastDomain(tn ir.TypeName, v any) error {
	var s *Session
	switch {
	case ev.q != nil && ev.q.s != nil:
		s = ev.q.s
	case ev.types != nil:
		s = ev.types
	default:
		return nil
	}
	if _, err := typeOf(tn); err == nil {
		return nil // a built-in type
	}
	if d, ok := s.typeDomain(tn); ok {
		return s.checkDomain(d, v, ev)
	}
	return nil
}

// withDomains rewrites a CREATE TABLE's columns of a domain type: each
// gets the domain's default when it declares none. It returns the
// statement to create and the domains by column, nil when none.
func (s *Session) withDomains(st *ir.CreateTable) (*ir.CreateTable, map[string]string) {
	var domains map[string]string
	var cols []ir.ColumnDef
	for i, cd := range st.Columns {
		d, ok := s.typeDomain(cd.Type)
		if !ok {
			continue
		}
		if domains == nil {
			domains = map[string]string{}
			cols = append([]ir.ColumnDef(nil), st.Columns...)
		}
		domains[cd.Name] = d.name
		if cd.Default == nil && d.def != nil && cd.Identity == nil && cd.Generated == nil {
			cols[i].Default = d.def
		}
	}
	if domains == nil {
		return st, nil
	}
	c := *st
	c.Columns = cols
	return &c, domains
}

// domainsOf returns a table's domains by column position, nil when it
// has none.
func (s *Session) domainsOf(def engine.Table, td *tableDecl) []*domainType {
	if len(td.domains) == 0 {
		return nil
	}
	out := make([]*domainType, len(def.Columns))
	for i, c := range def.Columns {
		if n, ok := td.domains[c.Name]; ok {
			out[i], _ = s.domainNamed(n)
		}
	}
	return out
}

// domainUsers returns the tables with a column of domain name.
func (s *Session) domainUsers(tx *engine.Tx, name string) []string {
	var out []string
	for _, t := range s.declaredNames() {
		td := s.decl(t)
		if !exists(tx, t) {
			continue
		}
		for _, d := range td.domains {
			if d == name {
				out = append(out, t)
				break
			}
		}
	}
	return out
}

// alterDomainGuard is 0A000 for an ALTER TABLE command that would add,
// retype or rename a column of a domain type, which reldb does not track.
func (s *Session) alterDomainGuard(table string, c ir.AlterCmd) error {
	td := s.decl(table)
	switch c := c.(type) {
	case *ir.AddColumn:
		if _, ok := s.typeDomain(c.Column.Type); ok {
			return pgerr.Unsupported("ALTER TABLE ... ADD COLUMN of a domain type")
		}
	case *ir.SetColumnType:
		_, ok := s.typeDomain(c.Type)
		if _, was := td.domains[c.Column]; ok || was {
			return pgerr.Unsupported("ALTER TABLE ... ALTER COLUMN TYPE to or from a domain type")
		}
	case *ir.RenameColumn:
		if _, ok := td.domains[c.Column]; ok {
			return pgerr.Unsupported("ALTER TABLE ... RENAME COLUMN of a column of a domain type")
		}
	case *ir.SetColumnDefault:
		// The column holds its domain's default as its own: dropping it
		// would drop the domain's too.
		if n, ok := td.domains[c.Column]; ok && c.Default == nil {
			if d, ok := s.domainNamed(n); ok && d.def != nil {
				return pgerr.Unsupported("ALTER TABLE ... DROP DEFAULT of a column whose domain has a default")
			}
		}
	case *ir.DropColumn:
		if _, ok := td.domains[c.Name]; ok {
			return pgerr.Unsupported("ALTER TABLE ... DROP COLUMN of a column of a domain type")
		}
	}
	return nil
}

// dropDomains is DROP DOMAIN [IF EXISTS] names [CASCADE | RESTRICT].
func (s *Session) dropDomains(tx *engine.Tx, st *ir.Drop) (Result, error) {
	res := Result{Tag: "DROP DOMAIN"}
	var drop []*domainType
	for _, q := range st.Names {
		name, err := typeNameOf(q)
		if err != nil {
			return res, err
		}
		d, ok := s.domainNamed(name)
		if !ok {
			if _, isEnum := s.enumNamed(name); isEnum || exists(tx, name) {
				return res, &Error{Code: "42809", Message: fmt.Sprintf("%q is not a domain", name)}
			}
			if _, err := typeOf(ir.TypeName{Name: name}); err == nil {
				return res, &Error{Code: "42809", Message: fmt.Sprintf("%q is not a domain", name)}
			}
			if st.IfExists {
				continue
			}
			return res, noSuchType(name)
		}
		drop = append(drop, d)
	}
	for _, d := range drop {
		if users := s.domainUsers(tx, d.name); len(users) > 0 {
			if st.Cascade {
				return res, pgerr.Unsupported("DROP DOMAIN ... CASCADE of a domain in use")
			}
			return res, &Error{Code: "2BP01", Message: fmt.Sprintf("cannot drop type %s because other objects depend on it", d.name),
				Hint: "Use DROP ... CASCADE to drop the dependent objects too."}
		}
	}
	for _, d := range drop {
		s.setDecl(d.name, nil)
	}
	return res, nil
}

// domainRecord is a domainType as declTable stores it.
type domainRecord struct {
	UID         string        `json:"uid"`
	Name        string        `json:"name"`
	Type        string        `json:"type"`
	Default     string        `json:"default,omitempty"`
	NotNull     bool          `json:"not_null,omitempty"`
	NotNullName string        `json:"not_null_name,omitempty"`
	Checks      []checkRecord `json:"checks,omitempty"`
}

func encodeDomain(d *domainType) (*domainRecord, error) {
	r := &domainRecord{UID: d.uid, Name: d.name, Type: encodeType(d.typ), NotNull: d.notNull, NotNullName: d.notNullName}
	if d.def != nil {
		text, err := encodeExpr(d.def)
		if err != nil {
			return nil, fmt.Errorf("domain %q default: %w", d.name, err)
		}
		r.Default = text
	}
	for _, c := range d.checks {
		text, err := encodeExpr(c.expr)
		if err != nil {
			return nil, fmt.Errorf("domain %q check %q: %w", d.name, c.name, err)
		}
		r.Checks = append(r.Checks, checkRecord{Name: c.name, Expr: text})
	}
	return r, nil
}

func decodeDomain(r *domainRecord) (*domainType, error) {
	typ, err := decodeType(r.Type)
	if err != nil || r.UID == "" || r.Name == "" || typ.kind == kEnum {
		return nil, fmt.Errorf("bad domain %+v", *r)
	}
	d := &domainType{uid: r.UID, name: r.Name, typ: typ, notNull: r.NotNull, notNullName: r.NotNullName}
	if r.Default != "" {
		if d.def, err = decodeExpr(r.Default); err != nil {
			return nil, fmt.Errorf("domain %q default: %w", r.Name, err)
		}
	}
	for _, c := range r.Checks {
		e, err := decodeExpr(c.Expr)
		if err != nil {
			return nil, fmt.Errorf("domain %q check %q: %w", r.Name, c.Name, err)
		}
		d.checks = append(d.checks, check{name: c.Name, expr: e})
	}
	d.value = valueSchema(d)
	return d, nil
}

// domainTypes returns the domains the session's transaction sees, by
// name.
func (s *Session) domainTypes() []*domainType {
	var out []*domainType
	for _, name := range s.declaredNames() {
		if d, ok := s.domainNamed(name); ok {
			out = append(out, d)
		}
	}
	return out
}

// typmodOf is pg_type.typtypmod / pg_attribute.atttypmod of t: -1 when it
// has no modifier.
func typmodOf(t sqlType) int64 {
	switch {
	case (t.kind == kVarchar || t.kind == kBpchar) && t.length > 0:
		return int64(t.length) + 4
	case t.kind == kNumeric && t.prec > 0:
		return int64(t.prec)<<16 | int64(t.scale) + 4
	}
	return -1
}

// domainTypeRows are pg_type's rows of the domains, as PostgreSQL 15
// makes them (without the array type it makes along).
func domainTypeRows(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, d := range c.s.domainTypes() {
		base := int64(oidOf(d.typ))
		m := map[string]any{
			"oid": d.oid(), "typname": d.name, "typnamespace": oidPublic, "typowner": oidOwner,
			"typlen": int64(-1), "typbyval": false, "typtype": "d", "typcategory": "U", "typispreferred": false,
			"typisdefined": true, "typdelim": ",", "typrelid": int64(0), "typsubscript": "-", "typelem": int64(0),
			"typarray": int64(0), "typinput": "domain_in", "typoutput": "-", "typreceive": "domain_recv",
			"typsend": "-", "typmodin": "-", "typmodout": "-", "typanalyze": "-", "typalign": "i",
			"typstorage": "x", "typnotnull": d.notNull, "typbasetype": base, "typtypmod": typmodOf(d.typ),
			"typndims": int64(0), "typcollation": int64(0),
		}
		for _, b := range builtinTypes {
			if b.oid == base {
				m["typlen"], m["typbyval"], m["typcategory"], m["typalign"] = b.len, b.byval, b.category, b.align
				m["typoutput"], m["typsend"], m["typstorage"] = b.name+"out", b.name+"send", typStorage(b.name, b.len)
				m["typcollation"] = b.coll
			}
		}
		if d.def != nil {
			m["typdefault"] = d.def.String()
		}
		out = append(out, m)
	}
	return out
}

// domainConstraintRows are pg_constraint's rows of the domains' CHECKs.
func domainConstraintRows(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, d := range c.s.domainTypes() {
		for _, k := range d.checks {
			out = append(out, map[string]any{
				"oid": objectOID("c", d.uid+"\x00"+k.name), "conname": k.name, "connamespace": oidPublic, "contype": "c",
				"condeferrable": false, "condeferred": false, "convalidated": true, "conrelid": int64(0),
				"contypid": d.oid(), "conindid": int64(0), "conparentid": int64(0), "confrelid": int64(0),
				"confupdtype": " ", "confdeltype": " ", "confmatchtype": " ", "conislocal": true, "coninhcount": int64(0),
				"connoinherit": false, "conbin": parenthesized(k.expr),
			})
		}
	}
	return out
}

// domainByOID returns the domain the evaluator's session sees with pg_type
// oid oid.
func (ev *evaluator) domainByOID(oid int64) (*domainType, bool) {
	if ev.q == nil || ev.q.s == nil {
		return nil, false
	}
	for _, d := range ev.q.s.domainTypes() {
		if d.oid() == oid {
			return d, true
		}
	}
	return nil, false
}

// domainConstraintDef is pg_get_constraintdef of a domain's CHECK.
func (ev *evaluator) domainConstraintDef(oid int64) (string, bool) {
	if ev.q == nil || ev.q.s == nil {
		return "", false
	}
	for _, d := range ev.q.s.domainTypes() {
		for _, k := range d.checks {
			if objectOID("c", d.uid+"\x00"+k.name) == oid {
				return "CHECK " + parenthesized(k.expr), true
			}
		}
	}
	return "", false
}

// domainUseError is 0A000 when tn names a domain in a place whose values
// reldb would not check against it (what names the place).
func (s *Session) domainUseError(tn ir.TypeName, what string) error {
	if d, ok := s.typeDomain(tn); ok {
		return pgerr.Unsupported("domain " + d.name + " as the type of " + what)
	}
	return nil
}

// createAsDomainError is 0A000 for CREATE TABLE AS reading a table with a
// column of a domain type: PostgreSQL's new column would be of the
// domain, reldb's of its base type, whose writes nothing would check.
func (s *Session) createAsDomainError(st *ir.CreateTableAs) error {
	r := tableRefs(st.Query, nil) // cte_writes.go
	for _, n := range append(r.direct, r.qualified...) {
		if len(s.decl(n).domains) > 0 {
			return pgerr.Unsupported("CREATE TABLE AS reading table " + n + ", which has a column of a domain type,")
		}
	}
	return nil
}

// isDomains is information_schema.domains: the name, base type and
// default of each domain.
func isDomains(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, d := range c.s.domainTypes() {
		m := map[string]any{"domain_catalog": c.db, "domain_schema": "public", "domain_name": d.name,
			"data_type": sqlDataType(d.typ), "udt_catalog": c.db, "udt_schema": "pg_catalog",
			"udt_name": Column{typ: d.typ}.TypeName(), "dtd_identifier": "1"}
		if (d.typ.kind == kVarchar || d.typ.kind == kBpchar) && d.typ.length > 0 {
			m["character_maximum_length"], m["character_octet_length"] = int64(d.typ.length), int64(d.typ.length)*4
		} else if d.typ.isText() {
			m["character_octet_length"] = int64(1073741824)
		}
		if d.def != nil {
			m["domain_default"] = d.def.String()
		}
		out = append(out, m)
	}
	return out
}

// alterDomain is ALTER DOMAIN. A new CHECK or NOT NULL is checked against
// the values the domain's columns hold, as PostgreSQL checks them. SET
// and DROP DEFAULT are 0A000 while a column uses the domain: its columns
// hold the domain's default as their own (withDomains).
func (s *Session) alterDomain(tx *engine.Tx, st *ir.AlterDomain) (Result, error) {
	res := Result{Tag: "ALTER DOMAIN"}
	name, err := typeNameOf(st.Name)
	if err != nil {
		return res, err
	}
	old, ok := s.domainNamed(name)
	if !ok {
		_, isEnum := s.enumNamed(name)
		if _, err := typeOf(ir.TypeName{Name: name}); err == nil || exists(tx, name) || isEnum {
			return res, &Error{Code: "42809", Message: fmt.Sprintf("%q is not a domain", name)}
		}
		return res, noSuchType(name)
	}
	d := *old
	d.checks = append([]check(nil), old.checks...)
	users := s.domainUsers(tx, name)
	switch {
	case st.SetDefault != nil || st.DropDefault:
		if len(users) > 0 {
			return res, pgerr.Unsupported("ALTER DOMAIN ... SET and DROP DEFAULT of a domain a column uses")
		}
		d.def = st.SetDefault
		if d.def != nil {
			if volatile(d.def) {
				err = s.checkDefault(tx, name, d.def, d.typ)
			} else {
				_, err = constantDefault(s, d.def, d.typ)
			}
			if err != nil {
				return res, err
			}
		}
	case st.DropNotNull:
		d.notNull, d.notNullName = false, ""
	case st.SetNotNull:
		if !d.notNull {
			only := &domainType{name: d.name, typ: d.typ, notNull: true, value: d.value}
			if err := s.domainRowsError(tx, users, name, only, func(col, table string) error {
				return &Error{Code: pgerr.NotNullViolation, Message: fmt.Sprintf("column %q of table %q contains null values", col, table),
					Table: table, Column: col}
			}); err != nil {
				return res, err
			}
		}
		d.notNull = true
	case st.Drop != "":
		i := -1
		for j, k := range d.checks {
			if k.name == st.Drop {
				i = j
			}
		}
		if i < 0 {
			if st.IfExists {
				return res, nil // PostgreSQL's NOTICE: does not exist, skipping
			}
			return res, &Error{Code: "42704", Message: fmt.Sprintf("constraint %q of domain %q does not exist", st.Drop, name)}
		}
		d.checks = append(d.checks[:i], d.checks[i+1:]...)
	case st.Add != nil:
		cname := st.Add.Name
		taken := func(n string) bool {
			for _, k := range d.checks {
				if k.name == n {
					return true
				}
			}
			return false
		}
		if cname == "" {
			cname = name + "_check"
			for i := 1; taken(cname); i++ {
				cname = name + "_check" + strconv.Itoa(i)
			}
		} else if taken(cname) {
			return res, &Error{Code: "42710", Message: fmt.Sprintf("constraint %q for domain %q already exists", cname, name)}
		}
		k := check{name: cname, expr: st.Add.Check}
		only := &domainType{name: d.name, typ: d.typ, checks: []check{k}, value: d.value}
		ev := (&evaluator{types: s}).with(newScope(d.value, d.name))
		ev.sc.row = []any{nil}
		if _, err := ev.boolean(k.expr, "CHECK"); err != nil && pgerr.Code(err)[:2] != "22" {
			return res, err
		}
		if err := s.domainRowsError(tx, users, name, only, func(col, table string) error {
			return &Error{Code: pgerr.CheckViolation, Message: fmt.Sprintf("column %q of table %q contains values that violate the new constraint", col, table),
				Table: table, Column: col}
		}); err != nil {
			return res, err
		}
		d.checks = append(d.checks, k)
	}
	d.value = valueSchema(&d)
	s.setDecl(name, withPrivileges(&tableDecl{domain: &d}, s.decl(name)))
	for _, t := range users {
		// A new declaration, so that the table's cached schema, which
		// holds the domain, is derived again.
		td := *s.decl(t)
		s.setDecl(t, &td)
	}
	return res, nil
}

// domainRowsError checks the values of each column of domain name in
// tables against d, returning what fail makes of the first column whose
// value fails.
func (s *Session) domainRowsError(tx *engine.Tx, tables []string, name string, d *domainType, fail func(col, table string) error) error {
	ev := &evaluator{q: &queryEnv{s: s, tx: tx}}
	for _, t := range tables {
		ts, err := s.schemaOf(tx, t)
		if err != nil {
			return err
		}
		td := s.decl(t)
		var cols []int
		for i, c := range ts.def.Columns {
			if td.domains[c.Name] == name {
				cols = append(cols, i)
			}
		}
		err = tx.Query(t).Each(func(r engine.Record) error {
			vals := r.Values()
			for _, i := range cols {
				if err := s.checkDomain(d, vals[i], ev); err != nil {
					if c := pgerr.Code(err); c == pgerr.CheckViolation || c == pgerr.NotNullViolation {
						return fail(ts.def.Columns[i].Name, t)
					}
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}
