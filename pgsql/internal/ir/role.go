package ir

import (
	"strconv"
	"strings"
)

// Roles and privileges: CREATE, ALTER and DROP ROLE, GRANT and REVOKE of
// privileges and of role membership, ALTER ... OWNER TO, ALTER DEFAULT
// PRIVILEGES, REASSIGN OWNED and DROP OWNED.

// RoleSpecKind says what a RoleSpec names.
type RoleSpecKind uint8

const (
	RoleNamed       RoleSpecKind = iota // a role by its name
	RolePublic                          // PUBLIC
	RoleCurrentUser                     // CURRENT_USER
	RoleCurrentRole                     // CURRENT_ROLE
	RoleSessionUser                     // SESSION_USER
)

// RoleSpec names a role where a statement takes one.
type RoleSpec struct {
	Kind RoleSpecKind
	Name string // for RoleNamed
}

func (r RoleSpec) String() string {
	switch r.Kind {
	case RolePublic:
		return "PUBLIC"
	case RoleCurrentUser:
		return "CURRENT_USER"
	case RoleCurrentRole:
		return "CURRENT_ROLE"
	case RoleSessionUser:
		return "SESSION_USER"
	}
	return Ident(r.Name)
}

func roleList(rs []RoleSpec) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.String()
	}
	return strings.Join(parts, ", ")
}

// RoleOption is one option of CREATE or ALTER ROLE, by PostgreSQL's
// name for it: superuser, createdb, createrole, inherit, canlogin,
// isreplication, bypassrls (Bool), connectionlimit (Int), password
// (Text, or Null for PASSWORD NULL), validUntil (Text), addroleto (IN
// ROLE), rolemembers (ROLE), adminmembers (ADMIN) (Roles), sysid (Int).
type RoleOption struct {
	Name  string
	Bool  bool
	Int   int64
	Text  string
	Null  bool
	Roles []RoleSpec
}

func (o RoleOption) String() string {
	switch o.Name {
	case "connectionlimit":
		return "CONNECTION LIMIT " + strconv.FormatInt(o.Int, 10)
	case "password":
		if o.Null {
			return "PASSWORD NULL"
		}
		return "PASSWORD " + quoteString(o.Text)
	case "validUntil":
		return "VALID UNTIL " + quoteString(o.Text)
	case "addroleto":
		return "IN ROLE " + roleList(o.Roles)
	case "rolemembers":
		return "ROLE " + roleList(o.Roles)
	case "adminmembers":
		return "ADMIN " + roleList(o.Roles)
	case "sysid":
		return "SYSID " + strconv.FormatInt(o.Int, 10)
	}
	word := map[string]string{"canlogin": "LOGIN", "isreplication": "REPLICATION"}[o.Name]
	if word == "" {
		word = strings.ToUpper(o.Name)
	}
	if !o.Bool {
		return "NO" + word
	}
	return word
}

func optionList(opts []RoleOption) string {
	var b strings.Builder
	for _, o := range opts {
		b.WriteString(" " + o.String())
	}
	return b.String()
}

// CreateRole is CREATE ROLE, USER or GROUP name [WITH] options; a USER
// logs in unless told NOLOGIN.
type CreateRole struct {
	Name    string
	Kind    string // ROLE, USER or GROUP
	Options []RoleOption
}

func (s *CreateRole) String() string {
	return "CREATE " + s.Kind + " " + Ident(s.Name) + optionList(s.Options)
}

// AlterRole is ALTER ROLE role [WITH] options.
type AlterRole struct {
	Role    RoleSpec
	Options []RoleOption
}

func (s *AlterRole) String() string { return "ALTER ROLE " + s.Role.String() + optionList(s.Options) }

// RenameRole is ALTER ROLE name RENAME TO new.
type RenameRole struct{ Name, NewName string }

func (s *RenameRole) String() string {
	return "ALTER ROLE " + Ident(s.Name) + " RENAME TO " + Ident(s.NewName)
}

// DropRole is DROP ROLE [IF EXISTS] role, ....
type DropRole struct {
	Roles    []RoleSpec
	IfExists bool
}

func (s *DropRole) String() string { return "DROP ROLE " + ifExists(s.IfExists) + roleList(s.Roles) }

// GrantRole is GRANT role, ... TO member, ... [WITH ADMIN OPTION] and
// REVOKE [ADMIN OPTION FOR] role, ... FROM member, ....
type GrantRole struct {
	Revoke  bool
	Roles   []string
	Members []RoleSpec
	Admin   bool // WITH ADMIN OPTION, or REVOKE ADMIN OPTION FOR
	Cascade bool
	Grantor *RoleSpec // GRANTED BY, nil when not given
}

func (s *GrantRole) String() string {
	names := make([]string, len(s.Roles))
	for i, r := range s.Roles {
		names[i] = Ident(r)
	}
	if s.Revoke {
		out := "REVOKE "
		if s.Admin {
			out += "ADMIN OPTION FOR "
		}
		out += strings.Join(names, ", ") + " FROM " + roleList(s.Members) + grantedBy(s.Grantor)
		if s.Cascade {
			out += " CASCADE"
		}
		return out
	}
	out := "GRANT " + strings.Join(names, ", ") + " TO " + roleList(s.Members)
	if s.Admin {
		out += " WITH ADMIN OPTION"
	}
	return out + grantedBy(s.Grantor)
}

func grantedBy(r *RoleSpec) string {
	if r == nil {
		return ""
	}
	return " GRANTED BY " + r.String()
}

// Privilege is a privilege GRANT or REVOKE names, lower case, with the
// columns it is limited to.
type Privilege struct {
	Name    string
	Columns []string
}

// GrantObject is an object GRANT names: a relation, schema, database or
// type by name, or a function by name and, when given, argument types.
type GrantObject struct {
	Name QualName
	Args []TypeName // nil when no argument list is given
}

// Grant is GRANT privileges ON objects TO roles [WITH GRANT OPTION] and
// REVOKE [GRANT OPTION FOR] privileges ON objects FROM roles [CASCADE].
type Grant struct {
	Revoke bool
	// Object is the kind of object: TABLE, SEQUENCE, SCHEMA, DATABASE,
	// FUNCTION, TYPE; in ALTER DEFAULT PRIVILEGES TABLES, SEQUENCES,
	// FUNCTIONS, TYPES or SCHEMAS.
	Object string
	// AllInSchema is ON ALL TABLES (SEQUENCES, FUNCTIONS) IN SCHEMA:
	// Objects then name the schemas.
	AllInSchema bool
	Objects     []GrantObject
	Privileges  []Privilege // nil: ALL [PRIVILEGES]
	Grantees    []RoleSpec
	GrantOption bool // WITH GRANT OPTION, or REVOKE GRANT OPTION FOR
	Cascade     bool
	Grantor     *RoleSpec // GRANTED BY, nil when not given
}

func (s *Grant) String() string {
	var b strings.Builder
	if s.Revoke {
		b.WriteString("REVOKE ")
		if s.GrantOption {
			b.WriteString("GRANT OPTION FOR ")
		}
	} else {
		b.WriteString("GRANT ")
	}
	if s.Privileges == nil {
		b.WriteString("ALL")
	}
	for i, p := range s.Privileges {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strings.ToUpper(p.Name))
		if p.Columns != nil {
			b.WriteString(" (" + identList(p.Columns) + ")")
		}
	}
	b.WriteString(" ON ")
	if s.AllInSchema {
		b.WriteString("ALL " + s.Object + "S IN SCHEMA ")
	} else if s.Objects != nil {
		b.WriteString(s.Object + " ")
	} else {
		b.WriteString(s.Object)
	}
	for i, o := range s.Objects {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(o.Name.String())
		if o.Args != nil {
			b.WriteString("(")
			for j, a := range o.Args {
				if j > 0 {
					b.WriteString(", ")
				}
				b.WriteString(a.String())
			}
			b.WriteString(")")
		}
	}
	if s.Revoke {
		b.WriteString(" FROM " + roleList(s.Grantees) + grantedBy(s.Grantor))
		if s.Cascade {
			b.WriteString(" CASCADE")
		}
	} else {
		b.WriteString(" TO " + roleList(s.Grantees))
		if s.GrantOption {
			b.WriteString(" WITH GRANT OPTION")
		}
		b.WriteString(grantedBy(s.Grantor))
	}
	return b.String()
}

func identList(names []string) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = Ident(n)
	}
	return strings.Join(parts, ", ")
}

// AlterOwner is ALTER TABLE, SEQUENCE, VIEW, FUNCTION, TYPE, SCHEMA or
// DATABASE name OWNER TO role.
type AlterOwner struct {
	Object   string
	Target   GrantObject
	Owner    RoleSpec
	IfExists bool // ALTER TABLE (SEQUENCE, VIEW) IF EXISTS
}

func (s *AlterOwner) String() string {
	return "ALTER " + s.Object + " " + ifExists(s.IfExists) + s.Target.Name.String() + " OWNER TO " + s.Owner.String()
}

// AlterDefaultPrivileges is ALTER DEFAULT PRIVILEGES [FOR ROLE roles]
// [IN SCHEMA schemas] GRANT or REVOKE ... ON TABLES (...) ...; Grant has
// no objects.
type AlterDefaultPrivileges struct {
	Roles   []RoleSpec
	Schemas []string
	Grant   *Grant
}

func (s *AlterDefaultPrivileges) String() string {
	out := "ALTER DEFAULT PRIVILEGES"
	if s.Roles != nil {
		out += " FOR ROLE " + roleList(s.Roles)
	}
	if s.Schemas != nil {
		out += " IN SCHEMA " + identList(s.Schemas)
	}
	return out + " " + s.Grant.String()
}

// ReassignOwned is REASSIGN OWNED BY roles TO role.
type ReassignOwned struct {
	Roles   []RoleSpec
	NewRole RoleSpec
}

func (s *ReassignOwned) String() string {
	return "REASSIGN OWNED BY " + roleList(s.Roles) + " TO " + s.NewRole.String()
}

// DropOwned is DROP OWNED BY roles [CASCADE].
type DropOwned struct {
	Roles   []RoleSpec
	Cascade bool
}

func (s *DropOwned) String() string {
	out := "DROP OWNED BY " + roleList(s.Roles)
	if s.Cascade {
		out += " CASCADE"
	}
	return out
}

func (*CreateRole) stmt()             {}
func (*AlterRole) stmt()              {}
func (*RenameRole) stmt()             {}
func (*DropRole) stmt()               {}
func (*GrantRole) stmt()              {}
func (*Grant) stmt()                  {}
func (*AlterOwner) stmt()             {}
func (*AlterDefaultPrivileges) stmt() {}
func (*ReassignOwned) stmt()          {}
func (*DropOwned) stmt()              {}
