package parse

import (
	"strings"

	"github.com/pgplex/pgparser/nodes"

	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Roles and privileges (see ir/role.go); whether the roles and objects
// exist is the session's question.

// roleSpec converts a RoleSpec node. pgparser marks PUBLIC as a name, as
// PostgreSQL's grammar reads it: "public" is PUBLIC, quoted or not.
func roleSpec(n nodes.Node) (ir.RoleSpec, error) {
	r, ok := n.(*nodes.RoleSpec)
	if !ok {
		return ir.RoleSpec{}, pgerr.New(pgerr.InternalError, "unexpected %s for a role", nodeName(n))
	}
	switch nodes.RoleSpecType(r.Roletype) {
	case nodes.ROLESPEC_PUBLIC:
		return ir.RoleSpec{Kind: ir.RolePublic}, nil
	case nodes.ROLESPEC_CURRENT_USER:
		return ir.RoleSpec{Kind: ir.RoleCurrentUser}, nil
	case nodes.ROLESPEC_CURRENT_ROLE:
		return ir.RoleSpec{Kind: ir.RoleCurrentRole}, nil
	case nodes.ROLESPEC_SESSION_USER:
		return ir.RoleSpec{Kind: ir.RoleSessionUser}, nil
	}
	switch r.Rolename {
	case "public":
		return ir.RoleSpec{Kind: ir.RolePublic}, nil
	case "none":
		return ir.RoleSpec{}, reservedRole("none") // as PostgreSQL's grammar has it
	}
	return ir.RoleSpec{Name: r.Rolename}, nil
}

// reservedRole is PostgreSQL's parse error for a role named public or
// none where a role's own name is declared.
func reservedRole(name string) error {
	return pgerr.New("42939", "role name %q is reserved", name)
}

func roleSpecs(l *nodes.List) ([]ir.RoleSpec, error) {
	out := []ir.RoleSpec{}
	for _, it := range items(l) {
		r, err := roleSpec(it)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// roleOptions converts the options of CREATE and ALTER ROLE.
func roleOptions(l *nodes.List) ([]ir.RoleOption, error) {
	var out []ir.RoleOption
	for _, it := range items(l) {
		d, ok := it.(*nodes.DefElem)
		if !ok {
			return nil, pgerr.New(pgerr.InternalError, "unexpected %s in role options", nodeName(it))
		}
		o := ir.RoleOption{Name: d.Defname}
		switch v := d.Arg.(type) {
		case *nodes.Boolean:
			o.Bool = v.Boolval
		case *nodes.Integer:
			o.Int = int64(v.Ival)
		case *nodes.String:
			o.Text = v.Str
		case *nodes.List:
			rs, err := roleSpecs(v)
			if err != nil {
				return nil, err
			}
			o.Roles = rs
		case nil:
			o.Null = true
		default:
			return nil, pgerr.New(pgerr.InternalError, "unexpected %s in role option %s", nodeName(d.Arg), d.Defname)
		}
		switch o.Name {
		case "superuser", "createdb", "createrole", "inherit", "canlogin", "isreplication", "bypassrls",
			"connectionlimit", "password", "validUntil", "addroleto", "rolemembers", "adminmembers", "sysid":
		default:
			return nil, unsupportedf("role option %s", strings.ToUpper(o.Name))
		}
		out = append(out, o)
	}
	return out, nil
}

func (t *translator) createRole(s *nodes.CreateRoleStmt) (ir.Statement, error) {
	kind := [...]string{"ROLE", "USER", "GROUP"}[s.StmtType]
	opts, err := roleOptions(s.Options)
	if err != nil {
		return nil, err
	}
	if s.Role == "public" || s.Role == "none" {
		return nil, reservedRole(s.Role)
	}
	return &ir.CreateRole{Name: s.Role, Kind: kind, Options: opts}, nil
}

func (t *translator) alterRole(s *nodes.AlterRoleStmt) (ir.Statement, error) {
	if s.Action != 1 {
		return nil, unsupported("ALTER GROUP ... DROP USER")
	}
	r, err := roleSpec(s.Role)
	if err != nil {
		return nil, err
	}
	opts, err := roleOptions(s.Options)
	if err != nil {
		return nil, err
	}
	return &ir.AlterRole{Role: r, Options: opts}, nil
}

func (t *translator) dropRole(s *nodes.DropRoleStmt) (ir.Statement, error) {
	rs, err := roleSpecs(s.Roles)
	if err != nil {
		return nil, err
	}
	return &ir.DropRole{Roles: rs, IfExists: s.MissingOk}, nil
}

func (t *translator) grantRole(s *nodes.GrantRoleStmt) (ir.Statement, error) {
	out := &ir.GrantRole{Revoke: !s.IsGrant, Cascade: nodes.DropBehavior(s.Behavior) == nodes.DROP_CASCADE}
	if s.Grantor != nil {
		r, err := roleSpec(s.Grantor)
		if err != nil {
			return nil, err
		}
		out.Grantor = &r
	}
	for _, it := range items(s.GrantedRoles) {
		p, ok := it.(*nodes.AccessPriv)
		if !ok {
			return nil, pgerr.New(pgerr.InternalError, "unexpected %s in GRANT", nodeName(it))
		}
		out.Roles = append(out.Roles, p.PrivName)
	}
	for _, it := range items(s.Opt) {
		d, ok := it.(*nodes.DefElem)
		if !ok || d.Defname != "admin" {
			return nil, unsupported("GRANT role option other than ADMIN OPTION")
		}
		out.Admin = true
	}
	var err error
	out.Members, err = roleSpecs(s.GranteeRoles)
	return out, err
}

// grantObjectKinds names the kinds of object GRANT takes.
var grantObjectKinds = map[nodes.ObjectType]string{
	nodes.OBJECT_TABLE: "TABLE", nodes.OBJECT_SEQUENCE: "SEQUENCE", nodes.OBJECT_SCHEMA: "SCHEMA",
	nodes.OBJECT_DATABASE: "DATABASE", nodes.OBJECT_FUNCTION: "FUNCTION", nodes.OBJECT_TYPE: "TYPE",
	nodes.OBJECT_VIEW: "VIEW", nodes.OBJECT_DOMAIN: "DOMAIN", nodes.OBJECT_PROCEDURE: "PROCEDURE",
	nodes.OBJECT_ROUTINE: "ROUTINE", nodes.OBJECT_LANGUAGE: "LANGUAGE", nodes.OBJECT_TABLESPACE: "TABLESPACE",
	nodes.OBJECT_LARGEOBJECT: "LARGE OBJECT", nodes.OBJECT_FDW: "FOREIGN DATA WRAPPER",
	nodes.OBJECT_FOREIGN_SERVER: "FOREIGN SERVER", nodes.OBJECT_PARAMETER_ACL: "PARAMETER",
	nodes.OBJECT_FOREIGN_TABLE: "FOREIGN TABLE",
}

func (t *translator) grant(s *nodes.GrantStmt) (ir.Statement, error) {
	kind, ok := grantObjectKinds[s.Objtype]
	if !ok {
		return nil, unsupported("GRANT on this kind of object")
	}
	switch kind {
	case "TABLE", "SEQUENCE", "SCHEMA", "DATABASE", "FUNCTION", "TYPE":
	default:
		return nil, unsupportedf("GRANT ON %s", kind)
	}
	out := &ir.Grant{Revoke: !s.IsGrant, Object: kind, GrantOption: s.GrantOption,
		Cascade: nodes.DropBehavior(s.Behavior) == nodes.DROP_CASCADE}
	if s.Grantor != nil {
		r, err := roleSpec(s.Grantor)
		if err != nil {
			return nil, err
		}
		out.Grantor = &r
	}
	switch s.Targtype {
	case nodes.ACL_TARGET_ALL_IN_SCHEMA:
		out.AllInSchema = true
	case nodes.ACL_TARGET_DEFAULTS:
		out.Object += "S"
	}
	if s.Privileges != nil {
		out.Privileges = []ir.Privilege{}
	}
	for _, it := range items(s.Privileges) {
		p, ok := it.(*nodes.AccessPriv)
		if !ok {
			return nil, pgerr.New(pgerr.InternalError, "unexpected %s in GRANT", nodeName(it))
		}
		if p.PrivName == "" {
			return nil, unsupported("ALL PRIVILEGES with a column list")
		}
		priv := ir.Privilege{Name: p.PrivName}
		if p.Cols != nil {
			cols, err := strs(p.Cols)
			if err != nil {
				return nil, err
			}
			priv.Columns = cols
		}
		out.Privileges = append(out.Privileges, priv)
	}
	for _, it := range items(s.Objects) {
		var o ir.GrantObject
		var err error
		switch n := it.(type) {
		case *nodes.RangeVar:
			o.Name, err = rangeVar(n)
		case *nodes.List:
			o.Name, err = qualName(n)
		case *nodes.String:
			o.Name = ir.QualName{Name: n.Str}
		case *nodes.ObjectWithArgs:
			o, err = t.objectWithArgs(n)
		default:
			return nil, pgerr.New(pgerr.InternalError, "unexpected %s in GRANT", nodeName(it))
		}
		if err != nil {
			return nil, err
		}
		out.Objects = append(out.Objects, o)
	}
	var err error
	out.Grantees, err = roleSpecs(s.Grantees)
	return out, err
}

// objectWithArgs converts a function's name and argument types.
func (t *translator) objectWithArgs(n *nodes.ObjectWithArgs) (ir.GrantObject, error) {
	name, err := qualName(n.Objname)
	if err != nil {
		return ir.GrantObject{}, err
	}
	o := ir.GrantObject{Name: name}
	if !n.ArgsUnspecified {
		o.Args = []ir.TypeName{}
		for _, a := range items(n.Objargs) {
			tn, ok := a.(*nodes.TypeName)
			if !ok {
				return o, pgerr.New(pgerr.InternalError, "unexpected %s in a function signature", nodeName(a))
			}
			typ, err := t.typeName(tn)
			if err != nil {
				return o, err
			}
			o.Args = append(o.Args, typ)
		}
	}
	return o, nil
}

// ownerObjectKinds are the kinds of object ALTER ... OWNER TO takes.
var ownerObjectKinds = map[nodes.ObjectType]string{
	nodes.OBJECT_TABLE: "TABLE", nodes.OBJECT_SEQUENCE: "SEQUENCE", nodes.OBJECT_VIEW: "VIEW",
	nodes.OBJECT_SCHEMA: "SCHEMA", nodes.OBJECT_DATABASE: "DATABASE", nodes.OBJECT_FUNCTION: "FUNCTION",
	nodes.OBJECT_TYPE: "TYPE",
}

func (t *translator) alterOwner(s *nodes.AlterOwnerStmt) (ir.Statement, error) {
	kind, ok := ownerObjectKinds[s.ObjectType]
	if !ok {
		return nil, unsupportedf("ALTER %s ... OWNER TO", objectName(s.ObjectType))
	}
	out := &ir.AlterOwner{Object: kind}
	var err error
	switch n := s.Object.(type) {
	case *nodes.String:
		out.Target.Name = ir.QualName{Name: n.Str}
	case *nodes.List:
		out.Target.Name, err = qualName(n)
	case *nodes.ObjectWithArgs:
		out.Target, err = t.objectWithArgs(n)
	default:
		return nil, pgerr.New(pgerr.InternalError, "unexpected %s in ALTER ... OWNER TO", nodeName(s.Object))
	}
	if err != nil {
		return nil, err
	}
	out.Owner, err = roleSpec(s.Newowner)
	return out, err
}

// alterTableOwner translates ALTER TABLE, SEQUENCE or VIEW name OWNER TO
// role; ok is false for an ALTER TABLE that is not only that.
func (t *translator) alterTableOwner(s *nodes.AlterTableStmt) (ir.Statement, bool, error) {
	cmds := items(s.Cmds)
	owner := 0
	var to *nodes.RoleSpec
	for _, it := range cmds {
		if c, ok := it.(*nodes.AlterTableCmd); ok && nodes.AlterTableType(c.Subtype) == nodes.AT_ChangeOwner {
			owner++
			to = c.Newowner
		}
	}
	if owner == 0 {
		return nil, false, nil
	}
	if owner != len(cmds) || owner > 1 {
		return nil, true, unsupported("OWNER TO with other ALTER TABLE subcommands")
	}
	kind, ok := ownerObjectKinds[nodes.ObjectType(s.ObjType)]
	if !ok {
		return nil, true, unsupportedf("ALTER %s ... OWNER TO", objectName(nodes.ObjectType(s.ObjType)))
	}
	name, err := rangeVar(s.Relation)
	if err != nil {
		return nil, true, err
	}
	r, err := roleSpec(to)
	if err != nil {
		return nil, true, err
	}
	return &ir.AlterOwner{Object: kind, Target: ir.GrantObject{Name: name}, Owner: r, IfExists: s.Missing_ok}, true, nil
}

func (t *translator) alterDefaultPrivileges(s *nodes.AlterDefaultPrivilegesStmt) (ir.Statement, error) {
	out := &ir.AlterDefaultPrivileges{}
	for _, it := range items(s.Options) {
		d, ok := it.(*nodes.DefElem)
		if !ok {
			return nil, pgerr.New(pgerr.InternalError, "unexpected %s in ALTER DEFAULT PRIVILEGES", nodeName(it))
		}
		l, _ := d.Arg.(*nodes.List)
		switch d.Defname {
		case "roles":
			rs, err := roleSpecs(l)
			if err != nil {
				return nil, err
			}
			out.Roles = rs
		case "schemas":
			ss, err := strs(l)
			if err != nil {
				return nil, err
			}
			out.Schemas = ss
		default:
			return nil, unsupportedf("ALTER DEFAULT PRIVILEGES option %s", d.Defname)
		}
	}
	g, err := t.grant(s.Action)
	if err != nil {
		return nil, err
	}
	out.Grant = g.(*ir.Grant)
	return out, nil
}

func (t *translator) reassignOwned(s *nodes.ReassignOwnedStmt) (ir.Statement, error) {
	rs, err := roleSpecs(s.Roles)
	if err != nil {
		return nil, err
	}
	to, err := roleSpec(s.Newrole)
	if err != nil {
		return nil, err
	}
	return &ir.ReassignOwned{Roles: rs, NewRole: to}, nil
}

func (t *translator) dropOwned(s *nodes.DropOwnedStmt) (ir.Statement, error) {
	rs, err := roleSpecs(s.Roles)
	if err != nil {
		return nil, err
	}
	return &ir.DropOwned{Roles: rs, Cascade: nodes.DropBehavior(s.Behavior) == nodes.DROP_CASCADE}, nil
}
