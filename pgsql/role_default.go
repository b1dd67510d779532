package pgsql

import (
	"cmp"
	"slices"

	"github.com/reldb/reldb/engine"

	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// ALTER DEFAULT PRIVILEGES: pg_default_acl's entries, kept in one
// declaration (pg_reldb_default_privileges). A table, view, sequence
// (a serial's too), trigger function or enum type that CREATE makes
// takes the default privileges of its owner (the session's role) as
// PostgreSQL's get_user_default_acl computes them.

// defaultACLEntry is a row of pg_default_acl: the privileges role's new
// objects of kind (r, S, f, T, n) get, in schema ("" for all schemas).
type defaultACLEntry struct {
	role   int64
	schema string
	kind   byte
	acl    []aclItem
}

// defaultACLObjects names the kinds of pg_default_acl in DROP ROLE's details.
var defaultACLObjects = map[byte]string{'r': "relations", 'S': "sequences", 'f': "functions", 'T': "types", 'n': "schemas"}

// defaultACLKinds maps ALTER DEFAULT PRIVILEGES's object words onto
// pg_default_acl's kinds, and those onto ACL kinds.
var (
	defaultACLKinds = map[string]byte{"TABLES": 'r', "SEQUENCES": 'S', "FUNCTIONS": 'f', "TYPES": 'T', "SCHEMAS": 'n'}
	defaultACLOf    = map[byte]aclKind{'r': 'r', 'S': 's', 'f': 'f', 'T': 'T', 'n': 'n'}
)

func (s *Session) defaultACLs() []defaultACLEntry { return s.decl(defaultACLDecl).defACLs }

func (s *Session) setDefaultACLs(entries []defaultACLEntry) {
	if len(entries) == 0 {
		s.setDecl(defaultACLDecl, nil)
		return
	}
	s.setDecl(defaultACLDecl, &tableDecl{defACLs: entries})
}

func (s *Session) alterDefaultPrivilegesStmt(st *ir.AlterDefaultPrivileges) (Result, error) {
	res := Result{Tag: "ALTER DEFAULT PRIVILEGES"}
	roles := []int64{oidOwner}
	if st.Roles != nil {
		roles = nil
		for _, spec := range st.Roles {
			oid, err := s.resolveRole(spec, false)
			if err != nil {
				return res, err
			}
			roles = append(roles, oid)
		}
	}
	schemas := []string{""}
	if st.Schemas != nil {
		schemas = nil
		for _, name := range st.Schemas {
			if _, err := schemaObject(name); err != nil {
				return res, err
			}
			schemas = append(schemas, name)
		}
	}
	g := st.Grant
	kind, ok := defaultACLKinds[g.Object]
	if !ok {
		return res, pgerr.Unsupported("ALTER DEFAULT PRIVILEGES ON " + g.Object)
	}
	if kind == 'n' && st.Schemas != nil {
		return res, pgerr.New("0LP01", "cannot use IN SCHEMA clause when using GRANT/REVOKE ON SCHEMAS")
	}
	grantees, err := s.grantees(g.Grantees)
	if err != nil {
		return res, err
	}
	gk := *g
	gk.Object = map[byte]string{'r': "TABLE", 'S': "SEQUENCE", 'f': "FUNCTION", 'T': "TYPE", 'n': "SCHEMA"}[kind]
	mode, all, err := grantMode(&gk)
	if err != nil {
		return res, err
	}
	ak := defaultACLOf[kind]
	if all {
		mode = allRights[ak]
	}
	if !g.Revoke && g.GrantOption && slices.Contains(grantees, 0) {
		return res, pgerr.New("0LP01", "grant options can only be granted to roles")
	}
	entries := slices.Clone(s.defaultACLs())
	for _, role := range roles {
		for _, schema := range schemas {
			i := slices.IndexFunc(entries, func(d defaultACLEntry) bool {
				return d.role == role && d.schema == schema && d.kind == kind
			})
			var base []aclItem
			switch {
			case i >= 0:
				base = entries[i].acl
			case schema == "":
				base = defaultACL(ak, role)
			}
			acl := sortACL(updateACL(base, grantees, role, mode, g.Revoke, g.GrantOption))
			// An entry that says what no entry says is none.
			none := len(acl) == 0 && schema != ""
			if schema == "" {
				none = aclEqual(acl, sortACL(defaultACL(ak, role)))
			}
			switch {
			case none && i >= 0:
				entries = slices.Delete(entries, i, i+1)
			case none:
			case i >= 0:
				entries[i].acl = acl
			default:
				entries = append(entries, defaultACLEntry{role: role, schema: schema, kind: kind, acl: acl})
			}
		}
	}
	s.setDefaultACLs(entries)
	return res, nil
}

func aclEqual(a, b []aclItem) bool { return slices.Equal(a, b) }

// newObjectACL is the ACL a new object of kind owned by owner takes from
// the default privileges: nil when they say nothing of it.
func (s *Session) newObjectACL(kind byte, owner int64) []aclItem {
	entries := s.defaultACLs()
	if len(entries) == 0 {
		return nil
	}
	ak := defaultACLOf[kind]
	acl := defaultACL(ak, owner)
	for _, d := range entries {
		if d.role == owner && d.kind == kind && d.schema == "" {
			acl = slices.Clone(d.acl)
		}
	}
	for _, d := range entries {
		if d.role == owner && d.kind == kind && d.schema == "public" {
			for _, it := range d.acl {
				acl = updateACL(acl, []int64{it.grantee}, it.grantor, it.privs, false, false)
				acl = updateACL(acl, []int64{it.grantee}, it.grantor, it.options, false, true)
			}
		}
	}
	acl = sortACL(acl)
	if aclEqual(acl, sortACL(defaultACL(ak, owner))) {
		return nil
	}
	return acl
}

// sortACL sorts acl by grantee, grantor and privileges, as PostgreSQL's
// aclitemsort does before it stores a default ACL.
func sortACL(acl []aclItem) []aclItem {
	slices.SortFunc(acl, func(a, b aclItem) int {
		if c := cmp.Compare(a.grantee, b.grantee); c != 0 {
			return c
		}
		if c := cmp.Compare(a.grantor, b.grantor); c != 0 {
			return c
		}
		return cmp.Compare(a.privs, b.privs)
	})
	return acl
}

// applyDefaultACL gives the table CREATE TABLE just declared, and the
// sequences of its serial keys, their default privileges.
func (s *Session) applyDefaultACL(tx *engine.Tx, name string) {
	if acl := s.newObjectACL('r', oidOwner); acl != nil {
		s.setACL(aclObject{kind: 'r', key: name}, 0, acl)
	}
	for _, seq := range autoSequences(tx, name) {
		acl := s.newObjectACL('S', oidOwner)
		if acl != nil || s.decl(seq).acl != nil {
			s.setACL(aclObject{kind: 's', key: seq}, 0, acl)
		}
	}
}

// withDefaultACL gives td, the declaration of a new object of kind (r
// for a view, S, f, T), its default privileges, and returns it.
func (s *Session) withDefaultACL(kind byte, td *tableDecl) *tableDecl {
	td.owner, td.acl = 0, s.newObjectACL(kind, oidOwner)
	return td
}
