package parse

import (
	"github.com/pgplex/pgparser/nodes"

	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// createExtension translates CREATE EXTENSION; whether reldb has the
// extension is the session's question.
func (t *translator) createExtension(s *nodes.CreateExtensionStmt) (ir.Statement, error) {
	out := &ir.CreateExtension{Name: s.Extname, IfNotExists: s.IfNotExists}
	for _, it := range items(s.Options) {
		d, ok := it.(*nodes.DefElem)
		if !ok {
			return nil, pgerr.New(pgerr.InternalError, "unexpected %s in CREATE EXTENSION", nodeName(it))
		}
		switch d.Defname {
		case "schema", "new_version":
			v, ok := d.Arg.(*nodes.String)
			if !ok {
				return nil, pgerr.New(pgerr.InternalError, "unexpected %s in CREATE EXTENSION", nodeName(d.Arg))
			}
			if d.Defname == "schema" {
				out.Schema = v.Str
			} else {
				out.Version = v.Str
			}
		case "cascade":
			out.Cascade = true
		default:
			return nil, unsupportedf("CREATE EXTENSION option %s", d.Defname)
		}
	}
	return out, nil
}

// dropExtension translates DROP EXTENSION.
func (t *translator) dropExtension(s *nodes.DropStmt) (ir.Statement, error) {
	out := &ir.DropExtension{IfExists: s.Missing_ok, Cascade: nodes.DropBehavior(s.Behavior) == nodes.DROP_CASCADE}
	for _, it := range items(s.Objects) {
		l, ok := it.(*nodes.List)
		if !ok {
			return nil, pgerr.New(pgerr.InternalError, "unexpected %s in DROP EXTENSION", nodeName(it))
		}
		name, err := strs(l)
		if err != nil || len(name) != 1 {
			return nil, pgerr.New(pgerr.InternalError, "unexpected name in DROP EXTENSION")
		}
		out.Names = append(out.Names, name[0])
	}
	return out, nil
}
