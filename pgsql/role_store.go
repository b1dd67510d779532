package pgsql

import (
	"fmt"
	"strconv"
	"strings"
)

// How roles, owners and ACLs are stored in a durable DB's declarations
// (declstore.go): a role as a roleRecord, an ACL item as the text
// "grantee/grantor/privileges/grant options" of OIDs and aclLetters'
// letters (grantee 0 is PUBLIC), so that a renamed role stays the same.

type roleRecord struct {
	OID        int64    `json:"oid"`
	Name       string   `json:"name"`
	Attributes string   `json:"attributes"` // the letters of roleAttributes it has
	ConnLimit  int64    `json:"conn_limit"`
	Password   string   `json:"password,omitempty"`
	ValidUntil string   `json:"valid_until,omitempty"`
	MemberOf   []string `json:"member_of,omitempty"` // "role/grantor/admin"
}

type defACLRecord struct {
	Role   int64    `json:"role"`
	Schema string   `json:"schema,omitempty"`
	Kind   string   `json:"kind"`
	ACL    []string `json:"acl"`
}

// roleAttributes are the letters of a role's attributes in roleRecord:
// superuser, inherit, createrole, createdb, login, replication, bypassrls.
const roleAttributes = "SICDLRB"

func (r *roleDef) attributes() []*bool {
	return []*bool{&r.super, &r.inherit, &r.createRole, &r.createDB, &r.login, &r.repl, &r.bypass}
}

func encodeACL(acl []aclItem) []string {
	out := make([]string, len(acl))
	for i, it := range acl {
		out[i] = fmt.Sprintf("%d/%d/%d/%d", it.grantee, it.grantor, it.privs, it.options)
	}
	return out
}

func decodeACL(texts []string) ([]aclItem, error) {
	out := make([]aclItem, 0, len(texts))
	for _, t := range texts {
		parts := strings.Split(t, "/")
		if len(parts) != 4 {
			return nil, fmt.Errorf("bad ACL item %q", t)
		}
		var n [4]int64
		for i, p := range parts {
			v, err := strconv.ParseInt(p, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("bad ACL item %q", t)
			}
			n[i] = v
		}
		out = append(out, aclItem{grantee: n[0], grantor: n[1], privs: aclMode(n[2]), options: aclMode(n[3])})
	}
	return out, nil
}

// encodePrivileges puts td's owner, ACL, role and default privileges
// into rec.
func encodePrivileges(td *tableDecl, rec *declRecord) {
	rec.Owner = td.owner
	if td.acl != nil {
		acl := encodeACL(td.acl)
		rec.ACL = &acl
	}
	if r := td.role; r != nil {
		rr := &roleRecord{OID: r.oid, Name: r.name, ConnLimit: r.connLimit, Password: r.password, ValidUntil: r.validUntil}
		for i, a := range r.attributes() {
			if *a {
				rr.Attributes += roleAttributes[i : i+1]
			}
		}
		for _, m := range r.memberOf {
			rr.MemberOf = append(rr.MemberOf, fmt.Sprintf("%d/%d/%t", m.role, m.grantor, m.admin))
		}
		rec.Role = rr
	}
	for _, d := range td.defACLs {
		rec.DefaultACL = append(rec.DefaultACL, defACLRecord{Role: d.role, Schema: d.schema, Kind: string(d.kind), ACL: encodeACL(d.acl)})
	}
}

// decodePrivileges reads back what encodePrivileges stored.
func decodePrivileges(rec *declRecord, td *tableDecl) error {
	td.owner = rec.Owner
	if rec.ACL != nil {
		acl, err := decodeACL(*rec.ACL)
		if err != nil {
			return err
		}
		td.acl = acl
	}
	if rr := rec.Role; rr != nil {
		if rr.Name == "" || rr.OID == 0 {
			return fmt.Errorf("bad role %+v", *rr)
		}
		r := &roleDef{oid: rr.OID, name: rr.Name, connLimit: rr.ConnLimit, password: rr.Password, validUntil: rr.ValidUntil}
		for i, a := range r.attributes() {
			*a = strings.Contains(rr.Attributes, roleAttributes[i:i+1])
		}
		for _, m := range rr.MemberOf {
			var ms membership
			if _, err := fmt.Sscanf(m, "%d/%d/%t", &ms.role, &ms.grantor, &ms.admin); err != nil {
				return fmt.Errorf("bad membership %q of role %q", m, rr.Name)
			}
			r.memberOf = append(r.memberOf, ms)
		}
		td.role = r
	}
	for _, d := range rec.DefaultACL {
		acl, err := decodeACL(d.ACL)
		if err != nil || len(d.Kind) != 1 {
			return fmt.Errorf("bad default privileges %+v", d)
		}
		td.defACLs = append(td.defACLs, defaultACLEntry{role: d.Role, schema: d.Schema, kind: d.Kind[0], acl: acl})
	}
	return nil
}
