package parse

import (
	"github.com/pgplex/pgparser/nodes"

	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// createDomain is CREATE DOMAIN. A COLLATE clause, and any constraint
// other than NOT NULL, NULL and CHECK, are 0A000.
func (t *translator) createDomain(s *nodes.CreateDomainStmt) (ir.Statement, error) {
	name, err := qualName(s.Domainname)
	if err != nil {
		return nil, err
	}
	if s.CollClause != nil {
		return nil, unsupported("COLLATE in CREATE DOMAIN")
	}
	typ, err := t.typeName(s.Typname)
	if err != nil {
		return nil, err
	}
	out := &ir.CreateDomain{Name: name, Type: typ}
	sawNull := false
	for _, it := range items(s.Constraints) {
		if _, ok := it.(*nodes.CollateClause); ok {
			return nil, unsupported("COLLATE in CREATE DOMAIN")
		}
		k, ok := it.(*nodes.Constraint)
		if !ok {
			return nil, pgerr.New(pgerr.InternalError, "unexpected %s in CREATE DOMAIN", nodeName(it))
		}
		switch k.Contype {
		case nodes.CONSTR_NULL, nodes.CONSTR_NOTNULL:
			if k.Contype == nodes.CONSTR_NULL && out.NotNull || k.Contype == nodes.CONSTR_NOTNULL && sawNull {
				return nil, pgerr.Syntax("conflicting NULL/NOT NULL constraints")
			}
			if k.Contype == nodes.CONSTR_NULL {
				sawNull = true
				continue
			}
			out.NotNull, out.NotNullName = true, k.Conname
		case nodes.CONSTR_DEFAULT:
			if out.Default != nil {
				return nil, pgerr.Syntax("multiple default expressions")
			}
			if out.Default, err = t.expr(k.RawExpr); err != nil {
				return nil, err
			}
		case nodes.CONSTR_CHECK:
			if k.SkipValidation || k.Deferrable || k.Initdeferred {
				return nil, unsupported("NOT VALID or DEFERRABLE in CREATE DOMAIN")
			}
			e, err := t.expr(k.RawExpr)
			if err != nil {
				return nil, err
			}
			out.Checks = append(out.Checks, ir.Constraint{Kind: ir.Check, Name: k.Conname, Check: e})
		default:
			return nil, unsupported("this constraint in CREATE DOMAIN")
		}
	}
	return out, nil
}

// alterDomain is ALTER DOMAIN's constraint, NOT NULL and DEFAULT forms;
// VALIDATE CONSTRAINT and CASCADE are 0A000.
func (t *translator) alterDomain(s *nodes.AlterDomainStmt) (ir.Statement, error) {
	name, err := qualName(s.Typname)
	if err != nil {
		return nil, err
	}
	out := &ir.AlterDomain{Name: name}
	switch s.Subtype {
	case 'T':
		if s.Def == nil {
			out.DropDefault = true
		} else if out.SetDefault, err = t.expr(s.Def); err != nil {
			return nil, err
		}
	case 'N':
		out.DropNotNull = true
	case 'O':
		out.SetNotNull = true
	case 'C':
		k, ok := s.Def.(*nodes.Constraint)
		if !ok || k.Contype != nodes.CONSTR_CHECK {
			return nil, unsupported("ALTER DOMAIN ... ADD of a constraint other than CHECK")
		}
		if k.SkipValidation {
			return nil, unsupported("ALTER DOMAIN ... ADD CONSTRAINT ... NOT VALID")
		}
		e, err := t.expr(k.RawExpr)
		if err != nil {
			return nil, err
		}
		out.Add = &ir.Constraint{Kind: ir.Check, Name: k.Conname, Check: e}
	case 'X':
		if s.Behavior == nodes.DROP_CASCADE {
			return nil, unsupported("ALTER DOMAIN ... DROP CONSTRAINT ... CASCADE")
		}
		out.Drop, out.IfExists = s.Name, s.MissingOk
	default:
		return nil, unsupported("this form of ALTER DOMAIN")
	}
	return out, nil
}
