package pgsql

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// The catalogs of roles and privileges (role.go), and the has_*_privilege
// functions, which answer for a named role from the recorded grants and
// for a superuser (the session's own role) always true, as PostgreSQL's do.

func init() {
	catalogRows["pg_catalog.pg_authid"] = pgAuthid
	catalogRows["pg_catalog.pg_auth_members"] = pgAuthMembers
	catalogRows["pg_catalog.pg_default_acl"] = pgDefaultACL
	catalogRows["information_schema.table_privileges"] = isTablePrivileges
	catalogRows["information_schema.role_table_grants"] = isTablePrivileges
	withOwners := func(name string, f func(c *catalogSnapshot, row map[string]any)) {
		rows := catalogRows[name]
		catalogRows[name] = func(c *catalogSnapshot) []map[string]any {
			out := rows(c)
			for _, row := range out {
				f(c, row)
			}
			return out
		}
	}
	withOwners("pg_catalog.pg_class", func(c *catalogSnapshot, row map[string]any) {
		name, _ := row["relname"].(string)
		switch row["relkind"] {
		case "r", "v", "S":
			kind := aclKind('r')
			if row["relkind"] == "S" {
				kind = 's'
			}
			owner, acl := c.s.ownerOf(aclObject{kind: kind, key: name})
			row["relowner"] = owner
			if acl != nil {
				row["relacl"] = c.s.aclText(acl)
			}
		case "i":
			if ix := c.indexes[row["oid"].(int64)]; ix != nil {
				row["relowner"], _ = c.s.ownerOf(aclObject{kind: 'r', key: ix.table.name()})
			}
		}
	})
	ownerColumn := func(name, nameCol, ownerCol string, kind aclKind) {
		withOwners(name, func(c *catalogSnapshot, row map[string]any) {
			n, _ := row[nameCol].(string)
			owner, _ := c.s.ownerOf(aclObject{kind: kind, key: n})
			row[ownerCol] = c.s.roleName(owner)
		})
	}
	ownerColumn("pg_catalog.pg_tables", "tablename", "tableowner", 'r')
	ownerColumn("pg_catalog.pg_views", "viewname", "viewowner", 'r')
	ownerColumn("pg_catalog.pg_sequences", "sequencename", "sequenceowner", 's')
	withOwners("pg_catalog.pg_namespace", func(c *catalogSnapshot, row map[string]any) {
		switch row["nspname"] {
		case "public":
			owner, acl := c.s.ownerOf(aclObject{kind: 'n', key: schemaDeclPrefix + "public"})
			row["nspowner"], row["nspacl"] = owner, c.s.aclText(acl)
		case "pg_catalog", "information_schema":
			row["nspacl"] = []any{ownerName + "=UC/" + ownerName, "=U/" + ownerName}
		}
	})
	withOwners("pg_catalog.pg_database", func(c *catalogSnapshot, row map[string]any) {
		if row["datname"] == c.db {
			owner, acl := c.s.ownerOf(aclObject{kind: 'd', key: databaseDecl})
			row["datdba"] = owner
			if acl != nil {
				row["datacl"] = c.s.aclText(acl)
			}
		}
	})
	withOwners("pg_catalog.pg_proc", func(c *catalogSnapshot, row map[string]any) {
		if row["pronamespace"] != oidPublic {
			return
		}
		name, _ := row["proname"].(string)
		owner, acl := c.s.ownerOf(aclObject{kind: 'f', key: functionDeclPrefix + name})
		row["proowner"] = owner
		if acl != nil {
			row["proacl"] = c.s.aclText(acl)
		}
	})
	withOwners("pg_catalog.pg_type", func(c *catalogSnapshot, row map[string]any) {
		if row["typnamespace"] != oidPublic {
			return
		}
		name, _ := row["typname"].(string)
		if e, ok := c.s.enumNamed(name); ok && row["oid"] == e.oid() {
			owner, acl := c.s.ownerOf(aclObject{kind: 'T', key: name})
			row["typowner"] = owner
			if acl != nil {
				row["typacl"] = c.s.aclText(acl)
			}
		}
	})
}

// pgRoles and pgUser are in catalogRows; the others are added here.

// roleRow is a role's pg_authid columns; password is rolpassword's value.
func roleRow(r *roleDef, password any) map[string]any {
	m := map[string]any{"oid": r.oid, "rolname": r.name, "rolsuper": r.super, "rolinherit": r.inherit,
		"rolcreaterole": r.createRole, "rolcreatedb": r.createDB, "rolcanlogin": r.login, "rolreplication": r.repl,
		"rolbypassrls": r.bypass, "rolconnlimit": r.connLimit, "rolpassword": password}
	if v := validUntilValue(r.validUntil); v != nil {
		m["rolvaliduntil"] = v
	}
	return m
}

// validUntilValue is VALID UNTIL's timestamptz, nil for none.
func validUntilValue(text string) any {
	if text == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, text)
	if err != nil {
		return nil
	}
	return t
}

func pgAuthid(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, r := range c.s.allRoles() {
		var pw any
		if r.password != "" {
			pw = r.password
		}
		out = append(out, roleRow(r, pw))
	}
	return out
}

func pgRoles(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, r := range c.s.allRoles() {
		out = append(out, roleRow(r, "********"))
	}
	return out
}

func pgUser(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, r := range c.s.allRoles() {
		if !r.login {
			continue
		}
		m := map[string]any{"usename": r.name, "usesysid": r.oid, "usecreatedb": r.createDB, "usesuper": r.super,
			"userepl": r.repl, "usebypassrls": r.bypass, "passwd": "********"}
		if v := validUntilValue(r.validUntil); v != nil {
			m["valuntil"] = v
		}
		out = append(out, m)
	}
	return out
}

func pgAuthMembers(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, r := range c.s.allRoles() {
		for _, m := range r.memberOf {
			out = append(out, map[string]any{"roleid": m.role, "member": r.oid, "grantor": m.grantor, "admin_option": m.admin})
		}
	}
	return out
}

func pgDefaultACL(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, d := range c.s.defaultACLs() {
		ns := int64(0)
		if d.schema != "" {
			ns = oidPublic
		}
		out = append(out, map[string]any{"oid": objectOID("defacl", fmt.Sprint(d.role, d.schema, d.kind)),
			"defaclrole": d.role, "defaclnamespace": ns, "defaclobjtype": string(d.kind), "defaclacl": c.s.aclText(d.acl)})
	}
	return out
}

// tablePrivilegeNames are information_schema's names of the table privileges.
var tablePrivilegeNames = map[byte]string{'a': "INSERT", 'r': "SELECT", 'w': "UPDATE", 'd': "DELETE",
	'D': "TRUNCATE", 'x': "REFERENCES", 't': "TRIGGER"}

// isTablePrivileges is information_schema.table_privileges (and
// role_table_grants, the same rows for a superuser): a row per privilege
// of each ACL item of each table and view.
func isTablePrivileges(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, t := range c.relations() {
		owner, acl := c.s.effectiveACL(aclObject{kind: 'r', key: t.name()})
		ownerRoles := map[int64]bool{}
		for _, it := range acl {
			if it.grantee != 0 && c.s.privilegedAs(it.grantee)[owner] {
				ownerRoles[it.grantee] = true
			}
		}
		for _, it := range acl {
			grantee := "PUBLIC"
			if it.grantee != 0 {
				grantee = c.s.roleName(it.grantee)
			}
			for i := range len(aclLetters) {
				name, ok := tablePrivilegeNames[aclLetters[i]]
				if !ok || it.privs&(1<<i) == 0 {
					continue
				}
				grantable := "NO"
				if it.options&(1<<i) != 0 || ownerRoles[it.grantee] {
					grantable = "YES"
				}
				hierarchy := "NO"
				if name == "SELECT" {
					hierarchy = "YES"
				}
				out = append(out, map[string]any{"grantor": c.s.roleName(it.grantor), "grantee": grantee,
					"table_catalog": c.db, "table_schema": "public", "table_name": t.name(), "privilege_type": name,
					"is_grantable": grantable, "with_hierarchy": hierarchy})
			}
		}
	}
	return out
}

// privilegeFuncs are the has_*_privilege functions: the kind of object
// each asks about, and the privileges it takes by name.
var privilegeFuncs = map[string]struct {
	kind  aclKind
	privs map[string]byte
}{
	"has_table_privilege": {'r', map[string]byte{"select": 'r', "insert": 'a', "update": 'w', "delete": 'd',
		"truncate": 'D', "references": 'x', "trigger": 't'}},
	"has_sequence_privilege": {'s', map[string]byte{"usage": 'U', "select": 'r', "update": 'w'}},
	"has_schema_privilege":   {'n', map[string]byte{"create": 'C', "usage": 'U'}},
	"has_database_privilege": {'d', map[string]byte{"create": 'C', "temporary": 'T', "temp": 'T', "connect": 'c'}},
	"has_function_privilege": {'f', map[string]byte{"execute": 'X'}},
	"has_type_privilege":     {'T', map[string]byte{"usage": 'U'}},
	// Columns have no ACLs of their own here: a column's privilege is
	// its table's.
	"has_column_privilege":     {'r', columnPrivileges},
	"has_any_column_privilege": {'r', columnPrivileges},
}

var columnPrivileges = map[string]byte{"select": 'r', "insert": 'a', "update": 'w', "references": 'x'}

// isPrivilegeFunc reports whether name is one privilegeFunc computes.
func isPrivilegeFunc(name string, n int) bool {
	_, ok := privilegeFuncs[name]
	if name == "has_column_privilege" {
		return n == 3 || n == 4
	}
	return (ok || name == "pg_has_role") && (n == 2 || n == 3)
}

// privilegeFunc computes has_*_privilege([role,] object, privileges) and
// pg_has_role([role,] role, 'MEMBER' | 'USAGE').
func (ev *evaluator) privilegeFunc(name string, vals []any, types []sqlType) (any, error) {
	if ev.q == nil {
		return nil, pgerr.Unsupported(name + " here")
	}
	for _, v := range vals {
		if v == nil {
			return nil, nil
		}
	}
	s := ev.q.s
	role := oidOwner
	var column any
	var columnType sqlType
	if name == "has_column_privilege" {
		last := len(vals) - 2
		column, columnType = vals[last], types[last]
		vals, types = append(slices.Clone(vals[:last]), vals[last+1]), append(slices.Clone(types[:last]), types[last+1])
	}
	if len(vals) == 3 {
		r, err := roleArg(s, vals[0], types[0])
		if err != nil {
			return nil, err
		}
		role = r
		vals, types = vals[1:], types[1:]
	}
	privText, _ := vals[1].(string)
	if name == "pg_has_role" {
		other, err := roleArg(s, vals[0], types[0])
		if err != nil {
			return nil, err
		}
		return s.hasRole(role, other, privText)
	}
	f := privilegeFuncs[name]
	var mode aclMode
	grantOption := aclMode(0)
	for _, chunk := range strings.Split(privText, ",") {
		p := strings.ToLower(strings.TrimSpace(chunk))
		withOption := false
		if base, ok := strings.CutSuffix(p, " with grant option"); ok {
			p, withOption = strings.TrimSpace(base), true
		}
		letter, ok := f.privs[p]
		if !ok {
			return nil, pgerr.New(pgerr.InvalidParameterValue, "unrecognized privilege type: \"%s\"", strings.TrimSpace(chunk))
		}
		if withOption {
			grantOption |= aclModeOf(string(letter))
		} else {
			mode |= aclModeOf(string(letter))
		}
	}
	obj, found, err := ev.privilegeObject(f.kind, vals[0], types[0])
	if err != nil || !found {
		return nil, err
	}
	if column != nil && obj.key != "\x00catalog" {
		if ok, err := ev.columnExists(obj.key, column, columnType); !ok || err != nil {
			return nil, err
		}
	}
	return s.hasPrivilege(role, obj, mode, grantOption), nil
}

// columnExists checks has_column_privilege's column, a name (42703 when
// table has none) or a number (false, for NULL, when none).
func (ev *evaluator) columnExists(table string, v any, t sqlType) (bool, error) {
	var columns []string
	if view, _, ok := ev.q.s.viewNamed(ev.q.tx, ir.QualName{Name: table}); ok {
		for _, c := range view.columns {
			columns = append(columns, c.Name)
		}
	} else if ts, err := ev.q.s.schemaOf(ev.q.tx, table); err == nil {
		for _, c := range ts.visible().def.Columns {
			columns = append(columns, c.Name)
		}
	} else {
		columns = []string{"last_value", "log_cnt", "is_called"} // a sequence's
	}
	if t.isInt() {
		n, err := asInt(v, t)
		return err == nil && n >= 1 && int(n) <= len(columns), err
	}
	name, _ := v.(string)
	if !slices.Contains(columns, name) {
		return false, pgerr.New(pgerr.UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", name, table)
	}
	return true, nil
}

// roleArg resolves a role given by name or OID.
func roleArg(s *Session, v any, t sqlType) (int64, error) {
	if t.isText() || t.kind == kUnknown {
		name, _ := v.(string)
		r, ok := s.roleNamed(name)
		if !ok {
			if strings.EqualFold(name, "public") {
				return 0, nil
			}
			return 0, undefinedRole(name)
		}
		return r.oid, nil
	}
	oid, err := asInt(v, t)
	return oid, err
}

// privilegeObject resolves the object of a has_*_privilege call, given
// by name (text) or OID; found is false for an OID nothing has (NULL).
func (ev *evaluator) privilegeObject(kind aclKind, v any, t sqlType) (aclObject, bool, error) {
	s, tx := ev.q.s, ev.q.tx
	byOID := !(t.isText() || t.kind == kUnknown)
	var name string
	if byOID {
		oid, err := asInt(v, t)
		if err != nil {
			return aclObject{}, false, err
		}
		snap, err := ev.catalog()
		if err != nil {
			return aclObject{}, false, err
		}
		switch kind {
		case 'r', 's':
			name = snap.relationName(oid)
		case 'n':
			name = map[int64]string{oidPublic: "public", oidPgCatalog: "pg_catalog", oidInformationSchema: "information_schema"}[oid]
		case 'd':
			if oid == objectOID("d", snap.db) {
				name = snap.db
			}
		default:
			return aclObject{}, false, pgerr.Unsupported(fmt.Sprintf("privileges of a %s given by its OID", aclKindNames[kind]))
		}
		if name == "" {
			return aclObject{}, false, nil
		}
	} else {
		name, _ = v.(string)
	}
	switch kind {
	case 'r', 's':
		q := ir.QualName{Name: name}
		if !byOID {
			schema, n := splitQualified(name)
			q = ir.QualName{Schema: schema, Name: n}
		}
		if rel, ok, _ := catalogRelationNamed(q); ok && rel != nil {
			return aclObject{kind: kind, key: "\x00catalog"}, true, nil
		}
		o, err := s.relationObject(tx, q)
		if err != nil {
			return o, false, err
		}
		if kind == 's' && o.kind != 's' {
			return o, false, pgerr.New("42809", "\"%s\" is not a sequence", name)
		}
		return o, true, nil
	case 'n':
		switch name {
		case "pg_catalog", "information_schema":
			return aclObject{kind: 'n', key: "\x00catalog"}, true, nil
		}
		o, err := schemaObject(name)
		return o, err == nil, err
	case 'd':
		o, err := s.databaseObject(name)
		return o, err == nil, err
	case 'f':
		fname, args, ok := strings.Cut(name, "(")
		if !ok {
			return aclObject{}, false, pgerr.New("22P02", "expected a left parenthesis")
		}
		if strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(args), ")")) != "" {
			return aclObject{}, false, pgerr.New(pgerr.UndefinedFunction, "function \"%s\" does not exist", name)
		}
		schema, n := splitQualified(strings.TrimSpace(fname))
		o, err := s.functionObject(ir.GrantObject{Name: ir.QualName{Schema: schema, Name: n}, Args: []ir.TypeName{}})
		if err != nil {
			return o, false, pgerr.New(pgerr.UndefinedFunction, "function \"%s\" does not exist", name)
		}
		return o, true, nil
	case 'T':
		schema, n := splitQualified(name)
		o, err := s.typeObject(ir.QualName{Schema: schema, Name: n})
		if err != nil && pgerr.Code(err) == pgerr.FeatureNotSupported {
			// A built-in type: USAGE is PUBLIC's.
			return aclObject{kind: 'T', key: "\x00builtin"}, true, nil
		}
		return o, err == nil, err
	}
	return aclObject{}, false, nil
}

// hasPrivilege reports whether role holds any of mode on o, or the grant
// option of any of options.
func (s *Session) hasPrivilege(role int64, o aclObject, mode, options aclMode) bool {
	if r, ok := s.roleByOID(role); ok && r.super {
		return true
	}
	if o.key == "\x00catalog" {
		// The catalogs: SELECT and USAGE are PUBLIC's.
		return mode&aclModeOf("rU") != 0
	}
	if o.key == "\x00builtin" {
		return mode != 0
	}
	owner, acl := s.effectiveACL(o)
	as := s.privilegedAs(role)
	var held, heldOptions aclMode
	for _, it := range acl {
		if it.grantee == 0 || as[it.grantee] {
			held |= it.privs
			heldOptions |= it.options
		}
	}
	if as[owner] {
		heldOptions |= allRights[o.kind]
	}
	return held&mode != 0 || heldOptions&options != 0
}

// hasRole is pg_has_role: MEMBER asks whether role is a member of other
// (directly or not), USAGE whether it has other's privileges.
func (s *Session) hasRole(role, other int64, privs string) (any, error) {
	result := false
	for _, chunk := range strings.Split(privs, ",") {
		p := strings.ToLower(strings.TrimSpace(chunk))
		p, withAdmin := strings.CutSuffix(p, " with admin option")
		if !withAdmin {
			p, withAdmin = strings.CutSuffix(p, " with grant option")
		}
		p = strings.TrimSpace(p)
		if p != "member" && p != "usage" {
			return nil, pgerr.New(pgerr.InvalidParameterValue, "unrecognized privilege type: \"%s\"", strings.TrimSpace(chunk))
		}
		if r, ok := s.roleByOID(role); ok && r.super {
			result = true
			continue
		}
		switch {
		case withAdmin:
			if r, ok := s.roleByOID(role); ok {
				for _, m := range r.memberOf {
					if m.role == other && m.admin {
						result = true
					}
				}
			}
		case p == "member":
			result = result || s.isMember(role, other)
		default:
			result = result || s.privilegedAs(role)[other]
		}
	}
	return result, nil
}

// roleNameOf names the role of oid, for regrole's output.
func (ev *evaluator) roleNameOf(oid int64) (string, bool) {
	if ev.q == nil {
		return ownerName, oid == oidOwner
	}
	r, ok := ev.q.s.roleByOID(oid)
	if !ok {
		return "", false
	}
	return ident(r.name), true
}

// roleOIDOf is the OID of the role named name, for regrole's input.
func (ev *evaluator) roleOIDOf(name string) (int64, bool) {
	if ev.q == nil {
		return oidOwner, name == ownerName
	}
	r, ok := ev.q.s.roleNamed(name)
	if !ok {
		return 0, false
	}
	return r.oid, true
}

// userByID is pg_get_userbyid: the role's name, or unknown (OID=n).
func (ev *evaluator) userByID(v any, t sqlType) string {
	oid, err := asInt(v, t)
	if err != nil {
		return ownerName
	}
	if ev.q == nil {
		if oid == oidOwner {
			return ownerName
		}
	} else if r, ok := ev.q.s.roleByOID(oid); ok {
		return r.name
	}
	return fmt.Sprintf("unknown (OID=%d)", oid)
}
