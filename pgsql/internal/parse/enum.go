package parse

import (
	"github.com/pgplex/pgparser/nodes"

	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

func (t *translator) createEnum(s *nodes.CreateEnumStmt) (ir.Statement, error) {
	name, err := qualName(s.TypeName)
	if err != nil {
		return nil, err
	}
	labels, err := strs(s.Vals)
	if err != nil {
		return nil, err
	}
	return &ir.CreateEnum{Name: name, Labels: labels}, nil
}

func (t *translator) alterEnum(s *nodes.AlterEnumStmt) (ir.Statement, error) {
	name, err := qualName(s.Typname)
	if err != nil {
		return nil, err
	}
	if s.Oldval != "" {
		return &ir.AlterEnum{Name: name, RenameValue: s.Oldval, NewValue: s.Newval}, nil
	}
	return &ir.AlterEnum{Name: name, AddValue: s.Newval, IfNotExists: s.SkipIfNewvalExists,
		Neighbor: s.NewvalNeighbor, After: s.NewvalIsAfter}, nil
}

// renameType is ALTER TYPE name RENAME TO.
func (t *translator) renameType(s *nodes.RenameStmt) (ir.Statement, error) {
	l, ok := s.Object.(*nodes.List)
	if !ok {
		return nil, pgerr.New(pgerr.InternalError, "unexpected %s in ALTER TYPE", nodeName(s.Object))
	}
	name, err := qualName(l)
	if err != nil {
		return nil, err
	}
	return &ir.AlterEnum{Name: name, NewName: s.Newname}, nil
}
