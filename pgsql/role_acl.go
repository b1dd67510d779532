package pgsql

import (
	"fmt"
	"slices"
	"strings"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Access privileges: PostgreSQL's ACLs (aclitem[]), kept with each
// object's declaration (see role.go).

// aclLetters are the privileges in aclitem's order: bit i of an aclMode
// is letter i.
const aclLetters = "arwdDxtXUCTcsA"

// aclMode is a set of privileges, one bit per letter of aclLetters.
type aclMode uint16

func aclModeOf(letters string) aclMode {
	var m aclMode
	for _, c := range letters {
		if i := strings.IndexRune(aclLetters, c); i >= 0 {
			m |= 1 << i
		}
	}
	return m
}

// privilegeLetters maps a privilege's name onto its letter.
var privilegeLetters = map[string]byte{"insert": 'a', "select": 'r', "update": 'w', "delete": 'd', "truncate": 'D',
	"references": 'x', "trigger": 't', "execute": 'X', "usage": 'U', "create": 'C', "temporary": 'T', "temp": 'T',
	"connect": 'c', "set": 's', "alter system": 'A'}

// aclKind is the kind of object an ACL is on, with pg_class's and
// acldefault's letters: r relation, s sequence, n schema, d database, f
// function, T type.
type aclKind byte

// allRights are the privileges an object of each kind has.
var allRights = map[aclKind]aclMode{'r': aclModeOf("arwdDxt"), 's': aclModeOf("rwU"), 'n': aclModeOf("UC"),
	'd': aclModeOf("CTc"), 'f': aclModeOf("X"), 'T': aclModeOf("U")}

var aclKindNames = map[aclKind]string{'r': "table", 's': "sequence", 'n': "schema", 'd': "database", 'f': "function", 'T': "type"}

// aclItem grants privileges (and the grant options of some) to a role
// (0: PUBLIC) from a grantor.
type aclItem struct {
	grantee, grantor int64
	privs, options   aclMode
}

// defaultACL is acldefault: the privileges of an object with a NULL ACL.
func defaultACL(kind aclKind, owner int64) []aclItem {
	var out []aclItem
	switch kind {
	case 'd':
		out = append(out, aclItem{grantee: 0, grantor: owner, privs: aclModeOf("Tc")})
	case 'f', 'T':
		out = append(out, aclItem{grantee: 0, grantor: owner, privs: allRights[kind]})
	}
	return append(out, aclItem{grantee: owner, grantor: owner, privs: allRights[kind]})
}

// publicSchemaACL is schema public's ACL in PostgreSQL 15.
var publicSchemaACL = []aclItem{{grantee: oidDatabaseOwner, grantor: oidDatabaseOwner, privs: aclModeOf("UC")},
	{grantee: 0, grantor: oidDatabaseOwner, privs: aclModeOf("U")}}

// aclText renders an ACL as aclitem[]'s elements.
func (s *Session) aclText(acl []aclItem) []any {
	out := make([]any, len(acl))
	for i, it := range acl {
		var b strings.Builder
		b.WriteString(quoteACLName(s.roleName(it.grantee)))
		b.WriteByte('=')
		for j := range len(aclLetters) {
			if it.privs&(1<<j) != 0 {
				b.WriteByte(aclLetters[j])
				if it.options&(1<<j) != 0 {
					b.WriteByte('*')
				}
			}
		}
		b.WriteString("/" + quoteACLName(s.roleName(it.grantor)))
		out[i] = b.String()
	}
	return out
}

// quoteACLName quotes a role name in an aclitem as putid does.
func quoteACLName(name string) string {
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c > 127) {
			return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
		}
	}
	return name
}

// aclObject is an object GRANT, REVOKE or OWNER TO acts on.
type aclObject struct {
	kind aclKind
	key  string // its declaration's name
	name string // for messages
	// describe names it in DROP ROLE's details ("table t").
	describe string
}

// ownerOf returns the owner and the ACL (nil: the default) of o.
func (s *Session) ownerOf(o aclObject) (int64, []aclItem) {
	td := s.decl(o.key)
	owner := td.owner
	if owner == 0 {
		owner = oidOwner
		if o.kind == 'n' && o.key == schemaDeclPrefix+"public" {
			owner = oidDatabaseOwner
		}
	}
	acl := td.acl
	if acl == nil && o.kind == 'n' && o.key == schemaDeclPrefix+"public" && td.owner == 0 {
		acl = publicSchemaACL
	}
	return owner, acl
}

// effectiveACL is o's ACL, its default when NULL.
func (s *Session) effectiveACL(o aclObject) (int64, []aclItem) {
	owner, acl := s.ownerOf(o)
	if acl == nil {
		acl = defaultACL(o.kind, owner)
	}
	return owner, acl
}

// setACL stores o's owner and ACL.
func (s *Session) setACL(o aclObject, owner int64, acl []aclItem) {
	td := *s.decl(o.key)
	td.owner, td.acl = owner, acl
	s.setDecl(o.key, &td)
}

// relationObject resolves a relation GRANT ON TABLE or SEQUENCE, or
// OWNER TO, names.
func (s *Session) relationObject(tx *engine.Tx, q ir.QualName) (aclObject, error) {
	if q.Schema == "pg_catalog" || q.Schema == "information_schema" || q.Schema == "" && !s.relationExists(tx, q.Name) {
		if _, ok, _ := catalogRelationNamed(q); ok {
			return aclObject{}, pgerr.Unsupported("privileges on a system catalog")
		}
	}
	if q.Schema != "" && q.Schema != "public" {
		return aclObject{}, pgerr.New("3F000", "schema \"%s\" does not exist", q.Schema)
	}
	name := q.Name
	switch {
	case exists(tx, name):
		return aclObject{kind: 'r', key: name, name: name, describe: "table " + name}, nil
	case s.decl(name).view != nil:
		return aclObject{kind: 'r', key: name, name: name, describe: "view " + name}, nil
	case s.decl(name).seq != nil || slices.Contains(autoSequences(tx, ""), name):
		return aclObject{kind: 's', key: name, name: name, describe: "sequence " + name}, nil
	}
	return aclObject{}, pgerr.New(pgerr.UndefinedTable, "relation \"%s\" does not exist", q.String())
}

// schemaObject resolves a schema's name.
func schemaObject(name string) (aclObject, error) {
	switch name {
	case "public":
		return aclObject{kind: 'n', key: schemaDeclPrefix + name, name: name, describe: "schema " + name}, nil
	case "pg_catalog", "information_schema", "pg_toast":
		return aclObject{}, pgerr.Unsupported("privileges on schema " + name)
	}
	return aclObject{}, pgerr.New("3F000", "schema \"%s\" does not exist", name)
}

// databaseObject resolves a database's name: the session's own; another
// database of the server is 0A000 (its declarations are its own).
func (s *Session) databaseObject(name string) (aclObject, error) {
	cur, all := databaseInfoOf(s.db).get()
	if name == cur {
		return aclObject{kind: 'd', key: databaseDecl, name: name, describe: "database " + name}, nil
	}
	if slices.Contains(all, name) {
		return aclObject{}, pgerr.Unsupported("privileges and owners of another database")
	}
	return aclObject{}, pgerr.New("3D000", "database \"%s\" does not exist", name)
}

// functionObject resolves a function's name and arguments.
func (s *Session) functionObject(o ir.GrantObject) (aclObject, error) {
	name, err := funcName(o.Name)
	if err != nil {
		return aclObject{}, err
	}
	if _, ok := s.function(name); ok && len(o.Args) == 0 {
		return aclObject{kind: 'f', key: functionDeclPrefix + name, name: name, describe: "function " + name + "()"}, nil
	}
	if o.Args == nil {
		return aclObject{}, pgerr.New(pgerr.UndefinedFunction, "could not find a function named \"%s\"", name)
	}
	types := make([]string, len(o.Args))
	for j, a := range o.Args {
		t, err := s.resolveType(a)
		if err != nil {
			return aclObject{}, err
		}
		types[j] = formatType(int64(Column{typ: t}.OID()), -1)
	}
	return aclObject{}, pgerr.New(pgerr.UndefinedFunction, "function %s(%s) does not exist", name, strings.Join(types, ", "))
}

// typeObject resolves a type's name: an enum type; a built-in type is 0A000.
func (s *Session) typeObject(q ir.QualName) (aclObject, error) {
	if q.Schema == "" || q.Schema == "public" {
		if e, ok := s.enumNamed(q.Name); ok {
			return aclObject{kind: 'T', key: e.name, name: e.name, describe: "type " + e.name}, nil
		}
	}
	builtin := false
	for _, b := range builtinTypes {
		builtin = builtin || b.name == q.Name
	}
	if _, err := s.resolveType(ir.TypeName{Name: q.Name}); (err == nil || builtin) && q.Schema != "public" {
		return aclObject{}, pgerr.Unsupported("privileges on a built-in type")
	}
	return aclObject{}, pgerr.New(pgerr.UndefinedObject, "type \"%s\" does not exist", q.String())
}

// grantObjects resolves the objects of a GRANT or REVOKE.
func (s *Session) grantObjects(tx *engine.Tx, st *ir.Grant) ([]aclObject, error) {
	var out []aclObject
	if st.AllInSchema {
		for _, o := range st.Objects {
			if _, err := schemaObject(o.Name.Name); err != nil {
				return nil, err
			}
			switch st.Object {
			case "TABLE":
				defs, err := tx.Tables()
				if err != nil {
					return nil, err
				}
				var names []string
				for _, d := range defs {
					if !reservedName(d.Name) {
						names = append(names, d.Name)
					}
				}
				for _, name := range s.declaredNames() {
					if s.decl(name).view != nil && !exists(tx, name) {
						names = append(names, name)
					}
				}
				slices.Sort(names)
				for _, n := range names {
					out = append(out, aclObject{kind: 'r', key: n, name: n, describe: "table " + n})
				}
			case "SEQUENCE":
				names := append(s.sequenceNames(tx), autoSequences(tx, "")...)
				slices.Sort(names)
				for _, n := range names {
					out = append(out, aclObject{kind: 's', key: n, name: n, describe: "sequence " + n})
				}
			case "FUNCTION":
				for _, name := range s.declaredNames() {
					if n, ok := strings.CutPrefix(name, functionDeclPrefix); ok && s.decl(name).function != nil {
						out = append(out, aclObject{kind: 'f', key: name, name: n, describe: "function " + n + "()"})
					}
				}
			default:
				return nil, pgerr.Unsupported("GRANT ON ALL " + st.Object + "S IN SCHEMA")
			}
		}
		return out, nil
	}
	for _, o := range st.Objects {
		var obj aclObject
		var err error
		switch st.Object {
		case "TABLE", "SEQUENCE":
			obj, err = s.relationObject(tx, o.Name)
			if err == nil && st.Object == "SEQUENCE" && obj.kind != 's' {
				err = pgerr.New("42809", "\"%s\" is not a sequence", obj.name)
			}
		case "SCHEMA":
			obj, err = schemaObject(o.Name.Name)
		case "DATABASE":
			obj, err = s.databaseObject(o.Name.Name)
		case "FUNCTION":
			obj, err = s.functionObject(o)
		case "TYPE":
			obj, err = s.typeObject(o.Name)
		default:
			err = pgerr.Unsupported("GRANT ON " + st.Object)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, obj)
	}
	return out, nil
}

// grantKind is the kind of object a GRANT's keyword names (TABLE, or
// TABLES in ALTER DEFAULT PRIVILEGES), for the privileges it may name.
func grantKind(object string) aclKind {
	switch strings.TrimSuffix(object, "S") {
	case "TABLE":
		return 'r'
	case "SEQUENCE":
		return 's'
	case "SCHEMA":
		return 'n'
	case "DATABASE":
		return 'd'
	case "FUNCTION":
		return 'f'
	case "TYPE":
		return 'T'
	}
	return 0
}

// grantMode reads a GRANT's privileges: nil Privileges is ALL.
func grantMode(st *ir.Grant) (mode aclMode, all bool, err error) {
	if st.Privileges == nil {
		return 0, true, nil
	}
	kind := grantKind(st.Object)
	allowed := allRights[kind]
	what := aclKindNames[kind]
	if kind == 'r' {
		allowed |= allRights['s']
		what = "relation"
	}
	for _, p := range st.Privileges {
		if p.Columns != nil {
			return 0, false, pgerr.Unsupported("column privileges")
		}
		letter, ok := privilegeLetters[p.Name]
		if !ok {
			return 0, false, pgerr.New(pgerr.SyntaxError, "unrecognized privilege type \"%s\"", p.Name)
		}
		m := aclModeOf(string(letter))
		if m&allowed == 0 {
			return 0, false, pgerr.New("0LP01", "invalid privilege type %s for %s", strings.ToUpper(p.Name), what)
		}
		mode |= m
	}
	return mode, false, nil
}

// updateACL applies a GRANT (or REVOKE) of mode to grantees on acl,
// granted by grantor, as PostgreSQL's aclupdate does: a new grantee's
// item goes last, a revoke that leaves an item nothing removes it.
func updateACL(acl []aclItem, grantees []int64, grantor int64, mode aclMode, revoke, option bool) []aclItem {
	acl = slices.Clone(acl)
	for _, g := range grantees {
		i := slices.IndexFunc(acl, func(it aclItem) bool { return it.grantee == g && it.grantor == grantor })
		if revoke {
			if i < 0 {
				continue
			}
			if !option {
				acl[i].privs &^= mode
			}
			acl[i].options &^= mode
			if acl[i].privs == 0 {
				acl = slices.Delete(acl, i, i+1)
			}
			continue
		}
		if i < 0 {
			if mode == 0 {
				continue
			}
			acl = append(acl, aclItem{grantee: g, grantor: grantor})
			i = len(acl) - 1
		}
		acl[i].privs |= mode
		if option {
			acl[i].options |= mode
		}
	}
	return acl
}

func (s *Session) grantStmt(tx *engine.Tx, st *ir.Grant) (Result, error) {
	res := Result{Tag: "GRANT"}
	if st.Revoke {
		res.Tag = "REVOKE"
	}
	objects, err := s.grantObjects(tx, st)
	if err != nil {
		return res, err
	}
	grantees, err := s.grantees(st.Grantees)
	if err != nil {
		return res, err
	}
	if st.Grantor != nil {
		oid, err := s.resolveRole(*st.Grantor, false)
		if err != nil {
			return res, err
		}
		if oid != oidOwner {
			return res, pgerr.New(pgerr.FeatureNotSupported, "grantor must be current user")
		}
	}
	mode, all, err := grantMode(st)
	if err != nil {
		return res, err
	}
	if !st.Revoke && st.GrantOption && slices.Contains(grantees, 0) {
		return res, pgerr.New("0LP01", "grant options can only be granted to roles")
	}
	for _, o := range objects {
		m := mode
		if all {
			m = allRights[o.kind]
		} else if st.Object == "TABLE" && o.kind == 's' {
			if m&^allRights['s'] != 0 {
				res.Warnings = append(res.Warnings, &Error{Code: "0LP01", Severity: "WARNING",
					Message: fmt.Sprintf("sequence \"%s\" only supports USAGE, SELECT, and UPDATE privileges", o.name)})
			}
			m &= allRights['s']
		} else if m&^allRights[o.kind] != 0 {
			bad := m &^ allRights[o.kind]
			for name, letter := range privilegeLetters {
				if bad&aclModeOf(string(letter)) != 0 {
					return res, pgerr.New("0LP01", "invalid privilege type %s for %s", strings.ToUpper(name), aclKindNames[o.kind])
				}
			}
		}
		owner, acl := s.effectiveACL(o)
		s.setACL(o, owner, updateACL(acl, grantees, owner, m, st.Revoke, st.GrantOption))
	}
	return res, nil
}

// grantees resolves the roles of a GRANT or REVOKE (0: PUBLIC).
func (s *Session) grantees(specs []ir.RoleSpec) ([]int64, error) {
	var out []int64
	for _, spec := range specs {
		oid, err := s.resolveRole(spec, true)
		if err != nil {
			return nil, err
		}
		out = append(out, oid)
	}
	return out, nil
}

// ownerObject resolves the object of ALTER ... OWNER TO.
func (s *Session) ownerObject(tx *engine.Tx, st *ir.AlterOwner) (aclObject, error) {
	switch st.Object {
	case "TABLE", "SEQUENCE", "VIEW":
		o, err := s.relationObject(tx, st.Target.Name)
		if err != nil {
			return o, err
		}
		isView := s.decl(o.key).view != nil && !exists(tx, o.key)
		switch {
		case st.Object == "SEQUENCE" && o.kind != 's':
			return o, pgerr.New("42809", "\"%s\" is not a sequence", o.name)
		case st.Object == "VIEW" && !isView:
			return o, pgerr.New("42809", "\"%s\" is not a view", o.name)
		}
		return o, nil
	case "SCHEMA":
		return schemaObject(st.Target.Name.Name)
	case "DATABASE":
		return s.databaseObject(st.Target.Name.Name)
	case "FUNCTION":
		return s.functionObject(st.Target)
	case "TYPE":
		return s.typeObject(st.Target.Name)
	}
	return aclObject{}, pgerr.Unsupported("ALTER " + st.Object + " ... OWNER TO")
}

func (s *Session) alterOwnerStmt(tx *engine.Tx, st *ir.AlterOwner) (Result, error) {
	res := Result{Tag: "ALTER " + st.Object}
	o, err := s.ownerObject(tx, st)
	if err != nil {
		if st.IfExists && pgerr.Code(err) == pgerr.UndefinedTable {
			s.notice(&Error{Code: "00000", Severity: "NOTICE", Message: fmt.Sprintf("relation \"%s\" does not exist, skipping", st.Target.Name.Name)})
			return res, nil
		}
		return res, err
	}
	owner, err := s.resolveRole(st.Owner, false)
	if err != nil {
		return res, err
	}
	s.changeOwner(o, owner)
	if o.kind == 'r' && exists(tx, o.key) {
		// A table's sequences (serial, identity, OWNED BY) follow it.
		seqs := autoSequences(tx, o.key)
		for _, n := range s.sequenceNames(tx) {
			if def, _ := s.sequenceNamed(tx, n); def.ownerTable == o.key {
				seqs = append(seqs, n)
			}
		}
		for _, n := range seqs {
			s.changeOwner(aclObject{kind: 's', key: n, name: n}, owner)
		}
	}
	return res, nil
}

// autoSequences names the sequences that stand for the engine's
// AutoIncrement columns (serial keys; see sequence_catalog.go), of table
// or, when table is "", of every table.
func autoSequences(tx *engine.Tx, table string) []string {
	defs, err := tx.Tables()
	if err != nil {
		return nil
	}
	var out []string
	for _, d := range defs {
		if table != "" && d.Name != table || reservedName(d.Name) {
			continue
		}
		for _, c := range d.Columns {
			if c.AutoIncrement {
				out = append(out, d.Name+"_"+c.Name+"_seq")
			}
		}
	}
	return out
}

// changeOwner makes owner o's owner, replacing the old owner in its ACL
// as aclnewowner does.
func (s *Session) changeOwner(o aclObject, owner int64) {
	old, acl := s.ownerOf(o)
	if old == owner {
		return
	}
	if acl != nil {
		var out []aclItem
		for _, it := range acl {
			if it.grantee == old {
				it.grantee = owner
			}
			if it.grantor == old {
				it.grantor = owner
			}
			if i := slices.IndexFunc(out, func(x aclItem) bool { return x.grantee == it.grantee && x.grantor == it.grantor }); i >= 0 {
				out[i].privs |= it.privs
				out[i].options |= it.options
				continue
			}
			out = append(out, it)
		}
		acl = out
	}
	s.setACL(o, owner, acl)
}

// aclObjects returns every object that has an owner or an ACL recorded.
func (s *Session) aclObjects(tx *engine.Tx) []aclObject {
	var out []aclObject
	for _, name := range s.declaredNames() {
		td := s.decl(name)
		if td.owner == 0 && td.acl == nil {
			continue
		}
		switch {
		case name == databaseDecl:
			cur, _ := databaseInfoOf(s.db).get()
			out = append(out, aclObject{kind: 'd', key: name, name: cur, describe: "database " + cur})
		case strings.HasPrefix(name, schemaDeclPrefix):
			n := strings.TrimPrefix(name, schemaDeclPrefix)
			out = append(out, aclObject{kind: 'n', key: name, name: n, describe: "schema " + n})
		case strings.HasPrefix(name, functionDeclPrefix):
			if td.function != nil {
				n := strings.TrimPrefix(name, functionDeclPrefix)
				out = append(out, aclObject{kind: 'f', key: name, name: n, describe: "function " + n + "()"})
			}
		case reservedName(name):
		case td.enum != nil:
			out = append(out, aclObject{kind: 'T', key: name, name: name, describe: "type " + name})
		case exists(tx, name):
			out = append(out, aclObject{kind: 'r', key: name, name: name, describe: "table " + name})
		case td.view != nil:
			out = append(out, aclObject{kind: 'r', key: name, name: name, describe: "view " + name})
		case td.seq != nil || slices.Contains(autoSequences(tx, ""), name):
			out = append(out, aclObject{kind: 's', key: name, name: name, describe: "sequence " + name})
		}
	}
	return out
}

// roleDependents describes what depends on role: objects it owns,
// privileges granted to it, default privileges of or for it.
func (s *Session) roleDependents(tx *engine.Tx, role int64) []string {
	var owns, privs []string
	for _, o := range s.aclObjects(tx) {
		owner, acl := s.ownerOf(o)
		if owner == role {
			owns = append(owns, "owner of "+o.describe)
		}
		if slices.ContainsFunc(acl, func(it aclItem) bool { return it.grantee == role || it.grantor == role }) {
			privs = append(privs, "privileges for "+o.describe)
		}
	}
	for _, d := range s.defaultACLs() {
		if d.role == role || slices.ContainsFunc(d.acl, func(it aclItem) bool { return it.grantee == role }) {
			privs = append(privs, "privileges for default privileges on new "+defaultACLObjects[d.kind]+" belonging to role "+s.roleName(d.role))
		}
	}
	return append(owns, privs...)
}

func (s *Session) reassignOwnedStmt(tx *engine.Tx, st *ir.ReassignOwned) (Result, error) {
	res := Result{Tag: "REASSIGN OWNED"}
	var from []int64
	for _, spec := range st.Roles {
		oid, err := s.resolveRole(spec, false)
		if err != nil {
			return res, err
		}
		from = append(from, oid)
	}
	to, err := s.resolveRole(st.NewRole, false)
	if err != nil {
		return res, err
	}
	if slices.Contains(from, oidOwner) {
		return res, pgerr.Unsupported("REASSIGN OWNED BY the bootstrap superuser")
	}
	for _, o := range s.aclObjects(tx) {
		if owner, _ := s.ownerOf(o); slices.Contains(from, owner) {
			s.changeOwner(o, to)
		}
	}
	return res, nil
}

func (s *Session) dropOwnedStmt(tx *engine.Tx, st *ir.DropOwned) (Result, error) {
	res := Result{Tag: "DROP OWNED"}
	var roles []int64
	for _, spec := range st.Roles {
		oid, err := s.resolveRole(spec, false)
		if err != nil {
			return res, err
		}
		if oid == oidOwner {
			return res, pgerr.Unsupported("DROP OWNED BY the bootstrap superuser")
		}
		roles = append(roles, oid)
	}
	objects := s.aclObjects(tx)
	for _, o := range objects {
		if owner, _ := s.ownerOf(o); slices.Contains(roles, owner) {
			return res, pgerr.Unsupported("DROP OWNED BY a role that owns objects")
		}
	}
	for _, o := range objects {
		owner, acl := s.ownerOf(o)
		if acl == nil {
			continue
		}
		out := slices.DeleteFunc(slices.Clone(acl), func(it aclItem) bool { return slices.Contains(roles, it.grantee) })
		if len(out) != len(acl) {
			s.setACL(o, owner, out)
		}
	}
	var keep []defaultACLEntry
	for _, d := range s.defaultACLs() {
		if slices.Contains(roles, d.role) {
			continue
		}
		d.acl = slices.DeleteFunc(slices.Clone(d.acl), func(it aclItem) bool { return slices.Contains(roles, it.grantee) })
		keep = append(keep, d)
	}
	s.setDefaultACLs(keep)
	return res, nil
}

// withPrivileges gives td, a declaration that replaces prev (CREATE OR
// REPLACE, ALTER, RENAME), prev's owner and ACL, and returns it.
func withPrivileges(td, prev *tableDecl) *tableDecl {
	td.owner, td.acl = prev.owner, prev.acl
	return td
}
