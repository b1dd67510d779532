package pgsql

import (
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Roles and privileges, as migration scripts and pg_dump output declare
// them. Every session is the bootstrap superuser reldb (current_user),
// and PostgreSQL's superusers pass every privilege check, so GRANT,
// REVOKE, ALTER ... OWNER TO and ALTER DEFAULT PRIVILEGES change only
// what the catalogs show: roles (pg_roles, pg_user, pg_authid,
// pg_auth_members), owners (pg_class.relowner, pg_tables.tableowner, …)
// and access privileges (relacl and the other aclitem[] columns,
// information_schema.table_privileges), which has_table_privilege and
// its siblings read for a named role. Nothing is ever refused for want of
// a privilege; SET ROLE, which would make a session a role that could be
// refused, is 0A000.
//
// Roles belong to the database, as every declaration does (in reldb
// each database is a DB of its own): a role created in one database of a
// pgwire server is not seen by another. They are kept with the
// declarations, under the reserved names pg_reldb_role.<name>, and an
// object's owner and ACL with the object's declaration (a schema's and
// the database's under pg_reldb_schema.<name> and pg_reldb_database), so
// they roll back with their transaction, survive a reopen of a durable
// DB and go with a fork. References to roles are by OID, so ALTER ROLE
// … RENAME TO renames a role everywhere.

const (
	roleDeclPrefix   = reservedPrefix + "role."
	schemaDeclPrefix = reservedPrefix + "schema."
	databaseDecl     = reservedPrefix + "database"
	defaultACLDecl   = reservedPrefix + "default_privileges"
)

// oidDatabaseOwner is pg_database_owner, the owner of schema public.
const oidDatabaseOwner int64 = 6171

// roleDef is a role.
type roleDef struct {
	oid                                                       int64
	name                                                      string
	super, inherit, createRole, createDB, login, repl, bypass bool
	connLimit                                                 int64
	password                                                  string // a SCRAM-SHA-256 verifier, or ""
	validUntil                                                string // timestamptz text, "infinity", or ""
	// memberOf are the roles this one is a member of.
	memberOf []membership
}

// membership is a role's membership of another.
type membership struct {
	role, grantor int64
	admin         bool
}

// builtinRoles are the roles every database has: the bootstrap superuser
// and PostgreSQL 15's predefined roles.
var builtinRoles = func() []*roleDef {
	out := []*roleDef{{oid: oidOwner, name: ownerName, super: true, inherit: true, createRole: true, createDB: true,
		login: true, repl: true, bypass: true, connLimit: -1}}
	for _, r := range []struct {
		oid  int64
		name string
	}{{6171, "pg_database_owner"}, {6181, "pg_read_all_data"}, {6182, "pg_write_all_data"}, {3373, "pg_monitor"},
		{3374, "pg_read_all_settings"}, {3375, "pg_read_all_stats"}, {3377, "pg_stat_scan_tables"},
		{4569, "pg_read_server_files"}, {4570, "pg_write_server_files"}, {4571, "pg_execute_server_program"},
		{4200, "pg_signal_backend"}, {4544, "pg_checkpoint"}} {
		d := &roleDef{oid: r.oid, name: r.name, inherit: true, connLimit: -1}
		if r.name == "pg_monitor" {
			for _, of := range []int64{3374, 3375, 3377} {
				d.memberOf = append(d.memberOf, membership{role: of, grantor: oidOwner})
			}
		}
		out = append(out, d)
	}
	return out
}()

// roleNamed returns the role named name as the session's transaction
// sees it.
func (s *Session) roleNamed(name string) (*roleDef, bool) {
	if r := s.decl(roleDeclPrefix + name).role; r != nil {
		return r, true
	}
	for _, r := range builtinRoles {
		if r.name == name {
			return r, true
		}
	}
	return nil, false
}

// allRoles returns every role, the built-in ones first, then by name.
func (s *Session) allRoles() []*roleDef {
	out := []*roleDef{}
	declared := map[string]*roleDef{}
	for _, name := range s.declaredNames() {
		if n, ok := strings.CutPrefix(name, roleDeclPrefix); ok {
			if r := s.decl(name).role; r != nil {
				declared[n] = r
			}
		}
	}
	for _, r := range builtinRoles {
		if d, ok := declared[r.name]; ok {
			out = append(out, d)
			delete(declared, r.name)
		} else {
			out = append(out, r)
		}
	}
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for n := range declared {
			if !yield(n) {
				return
			}
		}
	}) {
		out = append(out, declared[name])
	}
	return out
}

// roleByOID returns the role of oid.
func (s *Session) roleByOID(oid int64) (*roleDef, bool) {
	for _, r := range s.allRoles() {
		if r.oid == oid {
			return r, true
		}
	}
	return nil, false
}

// roleName names the role of oid: "" for PUBLIC (0), the number for one
// that does not exist.
func (s *Session) roleName(oid int64) string {
	if oid == 0 {
		return ""
	}
	if r, ok := s.roleByOID(oid); ok {
		return r.name
	}
	return fmt.Sprint(oid)
}

func undefinedRole(name string) *Error {
	return pgerr.New(pgerr.UndefinedObject, "role \"%s\" does not exist", name)
}

// resolveRole returns the OID of the role spec names: 0 for PUBLIC when
// public is true, else 42704.
func (s *Session) resolveRole(spec ir.RoleSpec, public bool) (int64, error) {
	switch spec.Kind {
	case ir.RolePublic:
		if public {
			return 0, nil
		}
		return 0, undefinedRole("public")
	case ir.RoleCurrentUser, ir.RoleCurrentRole, ir.RoleSessionUser:
		return oidOwner, nil
	}
	r, ok := s.roleNamed(spec.Name)
	if !ok {
		return 0, undefinedRole(spec.Name)
	}
	return r.oid, nil
}

// setRole stores r in the session's transaction.
func (s *Session) setRole(r *roleDef) {
	s.setDecl(roleDeclPrefix+r.name, &tableDecl{role: r})
}

func (r *roleDef) clone() *roleDef {
	c := *r
	c.memberOf = slices.Clone(r.memberOf)
	return &c
}

// reservedRoleName is 42939 for a name CREATE ROLE or RENAME TO may not
// take.
func reservedRoleName(name string) error {
	if name == "public" || name == "none" {
		return pgerr.New("42939", "role name \"%s\" is reserved", name)
	}
	if strings.HasPrefix(name, "pg_") {
		e := pgerr.New("42939", "role name \"%s\" is reserved", name)
		e.Detail = "Role names starting with \"pg_\" are reserved."
		return e
	}
	return nil
}

func (s *Session) createRoleStmt(st *ir.CreateRole) (Result, error) {
	res := Result{Tag: "CREATE ROLE"}
	if err := reservedRoleName(st.Name); err != nil {
		return res, err
	}
	if _, ok := s.roleNamed(st.Name); ok {
		return res, pgerr.New(pgerr.DuplicateObject, "role \"%s\" already exists", st.Name)
	}
	r := &roleDef{name: st.Name, inherit: true, connLimit: -1, login: st.Kind == "USER"}
	r.oid = s.newRoleOID()
	var later []func() error
	if err := s.applyRoleOptions(r, st.Options, true, &later); err != nil {
		return res, err
	}
	s.setRole(r)
	for _, f := range later {
		if err := f(); err != nil {
			return res, err
		}
	}
	return res, nil
}

// applyRoleOptions sets r's attributes from opts; CREATE ROLE's
// memberships (IN ROLE, ROLE, ADMIN) are appended to later, to run once r
// is stored.
func (s *Session) applyRoleOptions(r *roleDef, opts []ir.RoleOption, create bool, later *[]func() error) error {
	seen := map[string]bool{}
	for _, o := range opts {
		if seen[o.Name] {
			return pgerr.New(pgerr.SyntaxError, "conflicting or redundant options")
		}
		seen[o.Name] = true
		switch o.Name {
		case "superuser":
			r.super = o.Bool
		case "createdb":
			r.createDB = o.Bool
		case "createrole":
			r.createRole = o.Bool
		case "inherit":
			r.inherit = o.Bool
		case "canlogin":
			r.login = o.Bool
		case "isreplication":
			r.repl = o.Bool
		case "bypassrls":
			r.bypass = o.Bool
		case "connectionlimit":
			if o.Int < -1 {
				return pgerr.New(pgerr.InvalidParameterValue, "invalid connection limit: %d", o.Int)
			}
			r.connLimit = o.Int
		case "password":
			r.password = ""
			if !o.Null && o.Text != "" {
				r.password = scramVerifier(o.Text)
			}
		case "validUntil":
			v, err := validUntilText(o.Text)
			if err != nil {
				return err
			}
			r.validUntil = v
		case "sysid":
			s.notice(&Error{Code: "00000", Severity: "NOTICE", Message: "SYSID can no longer be specified"})
		case "addroleto", "rolemembers", "adminmembers":
			if !create {
				return pgerr.Unsupported("ALTER ROLE ... " + map[string]string{"addroleto": "IN ROLE", "rolemembers": "ROLE", "adminmembers": "ADMIN"}[o.Name])
			}
			for _, spec := range o.Roles {
				spec, name := spec, o.Name
				*later = append(*later, func() error {
					other, err := s.resolveRole(spec, false)
					if err != nil {
						return err
					}
					if name == "addroleto" {
						return s.addMember(other, r.oid, false, oidOwner)
					}
					return s.addMember(r.oid, other, name == "adminmembers", oidOwner)
				})
			}
		}
	}
	return nil
}

// validUntilText checks VALID UNTIL's timestamp and returns its text.
// reldb's timestamps have no infinity: VALID UNTIL 'infinity' is 0A000.
func validUntilText(text string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(text)) {
	case "infinity", "-infinity":
		return "", pgerr.Unsupported("VALID UNTIL 'infinity'")
	}
	v, err := cast(text, typText, typTimestamptz, true)
	if err != nil {
		return "", err
	}
	t, ok := v.(time.Time)
	if !ok {
		return "", pgerr.New(pgerr.InternalError, "VALID UNTIL: unexpected %T", v)
	}
	return t.UTC().Format(time.RFC3339Nano), nil
}

// scramVerifier is the SCRAM-SHA-256 verifier PostgreSQL stores for a
// password (password_encryption = scram-sha-256); a password given as a
// verifier (or an md5 hash) is stored as given.
func scramVerifier(password string) string {
	if strings.HasPrefix(password, "SCRAM-SHA-256$") || (strings.HasPrefix(password, "md5") && len(password) == 35) {
		return password
	}
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	const iterations = 4096
	salted, err := pbkdf2.Key(sha256.New, password, salt, iterations, sha256.Size)
	if err != nil {
		return ""
	}
	mac := func(key []byte, msg string) []byte {
		h := hmac.New(sha256.New, key)
		h.Write([]byte(msg))
		return h.Sum(nil)
	}
	stored := sha256.Sum256(mac(salted, "Client Key"))
	server := mac(salted, "Server Key")
	b64 := base64.StdEncoding.EncodeToString
	return fmt.Sprintf("SCRAM-SHA-256$%d:%s$%s:%s", iterations, b64(salt), b64(stored[:]), b64(server))
}

// roleOIDs hands out role OIDs for a DB, ascending as PostgreSQL's
// (whose ACLs and default ACLs sort by them), distinct across concurrent
// transactions; an OID a rolled-back CREATE ROLE took is not reused.
type roleOIDs struct {
	mu   sync.Mutex
	next int64
}

type roleOIDsKey struct{}

// Fork gives a forked DB its own counter, starting where this one is.
func (o *roleOIDs) Fork() any {
	o.mu.Lock()
	defer o.mu.Unlock()
	return &roleOIDs{next: o.next}
}

// newRoleOID returns an OID above every role's the session sees.
func (s *Session) newRoleOID() int64 {
	o := s.db.Extension(roleOIDsKey{}, func() any { return &roleOIDs{next: firstUserOID} }).(*roleOIDs)
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, r := range s.allRoles() {
		o.next = max(o.next, r.oid+1)
	}
	oid := o.next
	o.next++
	return oid
}

// alterableRole returns a copy of the role spec names, to change.
func (s *Session) alterableRole(spec ir.RoleSpec, what string) (*roleDef, error) {
	if spec.Kind == ir.RolePublic {
		return nil, undefinedRole("public")
	}
	oid, err := s.resolveRole(spec, false)
	if err != nil {
		return nil, err
	}
	r, _ := s.roleByOID(oid)
	if strings.HasPrefix(r.name, "pg_") {
		return nil, pgerr.Unsupported(what + " of a predefined role")
	}
	return r.clone(), nil
}

func (s *Session) alterRoleStmt(st *ir.AlterRole) (Result, error) {
	res := Result{Tag: "ALTER ROLE"}
	r, err := s.alterableRole(st.Role, "ALTER ROLE")
	if err != nil {
		return res, err
	}
	if err := s.applyRoleOptions(r, st.Options, false, nil); err != nil {
		return res, err
	}
	if r.oid == oidOwner && !r.super {
		return res, pgerr.New("0LP01", "permission denied: bootstrap user must be superuser")
	}
	s.setRole(r)
	return res, nil
}

func (s *Session) renameRoleStmt(st *ir.RenameRole) (Result, error) {
	res := Result{Tag: "ALTER ROLE"}
	r, err := s.alterableRole(ir.RoleSpec{Name: st.Name}, "ALTER ROLE ... RENAME TO")
	if err != nil {
		return res, err
	}
	if r.oid == oidOwner {
		return res, pgerr.New("0A000", "session user cannot be renamed")
	}
	if err := reservedRoleName(st.NewName); err != nil {
		return res, err
	}
	if _, ok := s.roleNamed(st.NewName); ok {
		return res, pgerr.New(pgerr.DuplicateObject, "role \"%s\" already exists", st.NewName)
	}
	if strings.HasPrefix(r.password, "md5") {
		r.password = ""
		s.notice(&Error{Code: "00000", Severity: "NOTICE", Message: "MD5 password cleared because of role rename"})
	}
	s.setDecl(roleDeclPrefix+r.name, nil)
	r.name = st.NewName
	s.setRole(r)
	return res, nil
}

func (s *Session) dropRoleStmt(tx *engine.Tx, st *ir.DropRole) (Result, error) {
	res := Result{Tag: "DROP ROLE"}
	var drop []*roleDef
	for _, spec := range st.Roles {
		if spec.Kind != ir.RoleNamed {
			return res, pgerr.New(pgerr.InvalidParameterValue, "cannot use special role specifier in DROP ROLE")
		}
		r, ok := s.roleNamed(spec.Name)
		if !ok {
			if st.IfExists {
				s.notice(&Error{Code: "00000", Severity: "NOTICE", Message: fmt.Sprintf("role \"%s\" does not exist, skipping", spec.Name)})
				continue
			}
			return res, undefinedRole(spec.Name)
		}
		if r.oid == oidOwner {
			return res, pgerr.New("55006", "current user cannot be dropped")
		}
		if strings.HasPrefix(r.name, "pg_") {
			return res, pgerr.New("2BP01", "cannot drop role %s because it is required by the database system", r.name)
		}
		if deps := s.roleDependents(tx, r.oid); len(deps) > 0 {
			e := pgerr.New("2BP01", "role \"%s\" cannot be dropped because some objects depend on it", r.name)
			e.Detail = strings.Join(deps, "\n")
			return res, e
		}
		drop = append(drop, r)
	}
	for _, r := range drop {
		s.setDecl(roleDeclPrefix+r.name, nil)
		// Memberships of others in r go with it.
		for _, o := range s.allRoles() {
			if i := slices.IndexFunc(o.memberOf, func(m membership) bool { return m.role == r.oid }); i >= 0 {
				c := o.clone()
				c.memberOf = slices.DeleteFunc(c.memberOf, func(m membership) bool { return m.role == r.oid })
				s.setRole(c)
			}
		}
	}
	return res, nil
}

// addMember makes member a member of role, granted by grantor.
func (s *Session) addMember(role, member int64, admin bool, grantor int64) error {
	r, _ := s.roleByOID(role)
	m, _ := s.roleByOID(member)
	if role == member {
		return pgerr.New("0LP01", "role \"%s\" is a member of role \"%s\"", r.name, m.name)
	}
	if s.isMember(role, member) {
		return pgerr.New("0LP01", "role \"%s\" is a member of role \"%s\"", r.name, m.name)
	}
	c := m.clone()
	for i, ms := range c.memberOf {
		if ms.role == role {
			if !admin || ms.admin {
				s.notice(&Error{Code: "00000", Severity: "NOTICE", Message: fmt.Sprintf("role \"%s\" is already a member of role \"%s\"", m.name, r.name)})
				return nil
			}
			c.memberOf[i].admin = true
			s.setRole(c)
			return nil
		}
	}
	c.memberOf = append(c.memberOf, membership{role: role, grantor: grantor, admin: admin})
	s.setRole(c)
	return nil
}

// isMember reports whether member is role or a member of it, directly or
// through other roles.
func (s *Session) isMember(member, role int64) bool {
	seen := map[int64]bool{}
	var walk func(int64) bool
	walk = func(oid int64) bool {
		if oid == role {
			return true
		}
		if seen[oid] {
			return false
		}
		seen[oid] = true
		r, ok := s.roleByOID(oid)
		if !ok {
			return false
		}
		for _, m := range r.memberOf {
			if walk(m.role) {
				return true
			}
		}
		return false
	}
	return walk(member)
}

// privilegedAs returns the roles whose privileges role has: itself and,
// through INHERIT, the roles it is a member of.
func (s *Session) privilegedAs(role int64) map[int64]bool {
	out := map[int64]bool{}
	var walk func(int64)
	walk = func(oid int64) {
		if out[oid] {
			return
		}
		out[oid] = true
		r, ok := s.roleByOID(oid)
		if !ok || !r.inherit {
			return
		}
		for _, m := range r.memberOf {
			walk(m.role)
		}
	}
	walk(role)
	return out
}

func (s *Session) grantRoleStmt(st *ir.GrantRole) (Result, error) {
	res := Result{Tag: "GRANT ROLE"}
	if st.Revoke {
		res.Tag = "REVOKE ROLE"
	}
	grantor := oidOwner
	if st.Grantor != nil {
		oid, err := s.resolveRole(*st.Grantor, false)
		if err != nil {
			return res, err
		}
		grantor = oid
	}
	var roles, members []int64
	for _, name := range st.Roles {
		oid, err := s.resolveRole(ir.RoleSpec{Name: name}, false)
		if err != nil {
			return res, err
		}
		roles = append(roles, oid)
	}
	for _, spec := range st.Members {
		oid, err := s.resolveRole(spec, false)
		if err != nil {
			return res, err
		}
		members = append(members, oid)
	}
	for _, role := range roles {
		for _, member := range members {
			if !st.Revoke {
				if err := s.addMember(role, member, st.Admin, grantor); err != nil {
					return res, err
				}
				continue
			}
			m, _ := s.roleByOID(member)
			c := m.clone()
			i := slices.IndexFunc(c.memberOf, func(ms membership) bool { return ms.role == role })
			if i < 0 {
				r, _ := s.roleByOID(role)
				res.Warnings = append(res.Warnings, &Error{Code: "01000", Severity: "WARNING",
					Message: fmt.Sprintf("role \"%s\" is not a member of role \"%s\"", m.name, r.name)})
				continue
			}
			if st.Admin {
				c.memberOf[i].admin = false
			} else {
				c.memberOf = slices.Delete(c.memberOf, i, i+1)
			}
			s.setRole(c)
		}
	}
	return res, nil
}

// roleSetting runs SET ROLE, SET SESSION AUTHORIZATION and their RESETs:
// to the session's own role (or NONE, DEFAULT) they change nothing; to
// another role they are 0A000, since a session that became a role
// without the superuser's privileges would need the privilege checks
// reldb does not make. ok is false for another parameter.
func (s *Session) roleSetting(st ir.Statement) (Result, bool, error) {
	switch st := st.(type) {
	case *ir.SetVar:
		name := strings.ToLower(st.Name)
		if name != "role" && name != "session_authorization" {
			return Result{}, false, nil
		}
		res := Result{Tag: "SET"}
		if st.Default || len(st.Values) != 1 {
			return res, true, nil
		}
		c, ok := st.Values[0].(*ir.Const)
		if !ok {
			return res, true, pgerr.Syntax("SET takes constants")
		}
		if name == "role" && strings.EqualFold(c.Value, "none") {
			return res, true, nil
		}
		r, ok := s.roleNamed(c.Value)
		if !ok {
			return res, true, pgerr.New(pgerr.InvalidParameterValue, "role \"%s\" does not exist", c.Value)
		}
		if r.oid != oidOwner {
			what := "SET ROLE"
			if name == "session_authorization" {
				what = "SET SESSION AUTHORIZATION"
			}
			return res, true, pgerr.Unsupported(what + " to a role other than the session's (" + ownerName + ")")
		}
		return res, true, nil
	case *ir.ResetVar:
		name := strings.ToLower(st.Name)
		return Result{Tag: "RESET"}, name == "role" || name == "session_authorization", nil
	}
	return Result{}, false, nil
}

// roleStatement runs a statement of roles and privileges. They write no
// engine table, so a read-only transaction is refused here (25006), as
// the engine refuses other writes.
func (s *Session) roleStatement(tx *engine.Tx, st ir.Statement) (Result, error) {
	readOnly := s.defaultOpts().ReadOnly
	if s.tx != nil {
		readOnly = s.txOpts.ReadOnly
	}
	if readOnly {
		name := strings.Fields(st.String())
		what := strings.Join(name[:min(2, len(name))], " ")
		switch name[0] {
		case "GRANT", "REVOKE", "ALTER":
			what = name[0]
		}
		return Result{}, pgerr.New("25006", "cannot execute %s in a read-only transaction", what)
	}
	switch st := st.(type) {
	case *ir.CreateRole:
		return s.createRoleStmt(st)
	case *ir.AlterRole:
		return s.alterRoleStmt(st)
	case *ir.RenameRole:
		return s.renameRoleStmt(st)
	case *ir.DropRole:
		return s.dropRoleStmt(tx, st)
	case *ir.GrantRole:
		return s.grantRoleStmt(st)
	case *ir.Grant:
		return s.grantStmt(tx, st) // role_acl.go
	case *ir.AlterOwner:
		return s.alterOwnerStmt(tx, st)
	case *ir.ReassignOwned:
		return s.reassignOwnedStmt(tx, st)
	case *ir.DropOwned:
		return s.dropOwnedStmt(tx, st)
	case *ir.AlterDefaultPrivileges:
		return s.alterDefaultPrivilegesStmt(st) // role_default.go
	}
	return Result{}, pgerr.Unsupported(statementName(st))
}
