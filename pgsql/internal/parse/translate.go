package parse

import (
	"fmt"
	"strings"

	"github.com/pgplex/pgparser/nodes"

	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// translator turns pgparser nodes of one source into IR. It is used for
// one Parse call and is not safe for concurrent use.
type translator struct {
	src  *source
	used []bool // used[i]: parameter occurrence i became an ir.Param
	// stmt is the index of the statement being translated, of stmts, and
	// typeCmds counts its ALTER COLUMN ... TYPE commands so far (see
	// usingExpr).
	stmt, stmts, typeCmds int
	// topWith is the WITH clause of the top-level SELECT (also of SELECT
	// INTO and CREATE TABLE AS), INSERT, UPDATE or DELETE being
	// translated, the one WITH clause that may hold data-modifying
	// statements; topLevel says the statement is one of those (see
	// writeCTE).
	topWith  *nodes.WithClause
	topLevel bool
}

func newTranslator(src *source) *translator {
	return &translator{src: src, used: make([]bool, len(src.params))}
}

// unsupported is the 0A000 error for a construct; see pgerr.Unsupported.
func unsupported(construct string) *pgerr.Error { return pgerr.Unsupported(construct) }

// unsupportedf formats the construct's name.
func unsupportedf(format string, args ...any) *pgerr.Error {
	return pgerr.Unsupported(fmt.Sprintf(format, args...))
}

// nodeName is a node's Go type name without package, for messages about
// nodes this layer does not know.
func nodeName(n nodes.Node) string {
	return strings.TrimPrefix(fmt.Sprintf("%T", n), "*nodes.")
}

// items returns a list's items; a nil list has none.
func items(l *nodes.List) []nodes.Node {
	if l == nil {
		return nil
	}
	return l.Items
}

// strs returns the strings of a list of String nodes.
func strs(l *nodes.List) ([]string, error) {
	var out []string
	for _, it := range items(l) {
		s, ok := it.(*nodes.String)
		if !ok {
			return nil, pgerr.New(pgerr.InternalError, "unexpected %s in a name list", nodeName(it))
		}
		out = append(out, s.Str)
	}
	return out, nil
}

// qualName converts a dotted name list (schema.name) to a QualName.
func qualName(l *nodes.List) (ir.QualName, error) {
	parts, err := strs(l)
	if err != nil {
		return ir.QualName{}, err
	}
	switch len(parts) {
	case 1:
		return ir.QualName{Name: parts[0]}, nil
	case 2:
		return ir.QualName{Schema: parts[0], Name: parts[1]}, nil
	case 3:
		return ir.QualName{}, unsupported("cross-database reference")
	}
	return ir.QualName{}, pgerr.Syntax("improper qualified name (too many dotted names): %s", strings.Join(parts, "."))
}

// rangeVar converts a table name in a statement; temporary and unlogged
// relations are not supported.
func rangeVar(rv *nodes.RangeVar) (ir.QualName, error) {
	if rv.Catalogname != "" {
		return ir.QualName{}, unsupported("cross-database reference")
	}
	switch rv.Relpersistence {
	case nodes.RELPERSISTENCE_TEMP:
		return ir.QualName{}, unsupported("TEMPORARY table")
	case nodes.RELPERSISTENCE_UNLOGGED:
		return ir.QualName{}, unsupported("UNLOGGED table")
	}
	return ir.QualName{Schema: rv.Schemaname, Name: rv.Relname}, nil
}

// statement translates one top-level statement.
func (t *translator) statement(n nodes.Node) (ir.Statement, error) {
	t.topWith, t.topLevel = nil, false
	switch n := n.(type) {
	case *nodes.SelectStmt:
		t.topWith, t.topLevel = n.WithClause, true // cte_writes.go
		return t.selectStmt(n)
	case *nodes.InsertStmt:
		t.topWith, t.topLevel = n.WithClause, true
		return t.insert(n)
	case *nodes.UpdateStmt:
		t.topWith, t.topLevel = n.WithClause, true
		return t.update(n)
	case *nodes.DeleteStmt:
		t.topWith, t.topLevel = n.WithClause, true
		return t.delete(n)
	case *nodes.CreateStmt:
		return t.createTable(n)
	case *nodes.CreateTableAsStmt:
		if q, ok := n.Query.(*nodes.SelectStmt); ok {
			t.topWith, t.topLevel = q.WithClause, true
		}
		return t.createTableAs(n) // createas.go
	case *nodes.IndexStmt:
		return t.createIndex(n)
	case *nodes.DropStmt:
		return t.drop(n)
	case *nodes.AlterTableStmt:
		if st, ok, err := t.alterTableOwner(n); ok { // role.go
			return st, err
		}
		return t.alterTable(n)
	case *nodes.RenameStmt:
		if n.RenameType == nodes.OBJECT_ROLE {
			return &ir.RenameRole{Name: n.Subname, NewName: n.Newname}, nil
		}
		return t.rename(n)
	case *nodes.ViewStmt:
		return t.createView(n)
	case *nodes.TruncateStmt:
		return t.truncate(n)
	case *nodes.VacuumStmt:
		return t.maintenance(n)
	case *nodes.CommentStmt:
		return t.comment(n)
	case *nodes.CreateExtensionStmt:
		return t.createExtension(n) // extension.go
	case *nodes.TransactionStmt:
		return t.transaction(n)
	case *nodes.ConstraintsSetStmt:
		return t.setConstraints(n)
	case *nodes.VariableSetStmt:
		return t.setVar(n)
	case *nodes.VariableShowStmt:
		return &ir.ShowVar{Name: strings.ToLower(n.Name)}, nil
	case *nodes.ExplainStmt:
		return t.explain(n)
	case *nodes.CreateSeqStmt:
		return t.createSequence(n) // sequence.go
	case *nodes.AlterSeqStmt:
		return t.alterSequence(n)
	case *nodes.CreateDomainStmt:
		return t.createDomain(n) // domain.go
	case *nodes.AlterDomainStmt:
		return t.alterDomain(n)
	case *nodes.CreateEnumStmt:
		return t.createEnum(n) // enum.go
	case *nodes.AlterEnumStmt:
		return t.alterEnum(n)
	case *nodes.CreateRoleStmt:
		return t.createRole(n) // role.go
	case *nodes.AlterRoleStmt:
		return t.alterRole(n)
	case *nodes.DropRoleStmt:
		return t.dropRole(n)
	case *nodes.GrantRoleStmt:
		return t.grantRole(n)
	case *nodes.GrantStmt:
		return t.grant(n)
	case *nodes.AlterOwnerStmt:
		return t.alterOwner(n)
	case *nodes.AlterDefaultPrivilegesStmt:
		return t.alterDefaultPrivileges(n)
	case *nodes.ReassignOwnedStmt:
		return t.reassignOwned(n)
	case *nodes.DropOwnedStmt:
		return t.dropOwned(n)
	case *nodes.CreateFunctionStmt:
		return t.createFunction(n) // trigger.go
	case *nodes.CreateTrigStmt:
		return t.createTrigger(n)
	case *nodes.DoStmt:
		return t.do(n)
	case *nodes.ListenStmt:
		return t.listen(n) // notify.go
	case *nodes.UnlistenStmt:
		return t.unlisten(n)
	case *nodes.NotifyStmt:
		return t.notify(n)
	case *nodes.RawStmt:
		return t.statement(n.Stmt)
	}
	if name, ok := unsupportedStatements[nodeName(n)]; ok {
		return nil, unsupported(name)
	}
	return nil, unsupportedf("%s statement", strings.TrimSuffix(nodeName(n), "Stmt"))
}

// unsupportedStatements names, as users write them, the statements
// reldb's SQL layer rejects with 0A000.
var unsupportedStatements = map[string]string{
	"MergeStmt":                  "MERGE",
	"CopyStmt":                   "COPY",
	"CreateSchemaStmt":           "CREATE SCHEMA",
	"PrepareStmt":                "PREPARE",
	"ExecuteStmt":                "EXECUTE",
	"DeallocateStmt":             "DEALLOCATE",
	"LockStmt":                   "LOCK",
	"DiscardStmt":                "DISCARD",
	"DeclareCursorStmt":          "DECLARE CURSOR",
	"FetchStmt":                  "FETCH and MOVE",
	"ClosePortalStmt":            "CLOSE",
	"CompositeTypeStmt":          "CREATE TYPE",
	"CreateRangeStmt":            "CREATE TYPE",
	"DefineStmt":                 "CREATE AGGREGATE, OPERATOR and TYPE",
	"CallStmt":                   "CALL",
	"CreatedbStmt":               "CREATE DATABASE",
	"DropdbStmt":                 "DROP DATABASE",
	"ReindexStmt":                "REINDEX",
	"ClusterStmt":                "CLUSTER",
	"CheckPointStmt":             "CHECKPOINT",
	"RefreshMatViewStmt":         "REFRESH MATERIALIZED VIEW",
	"CreateForeignTableStmt":     "CREATE FOREIGN TABLE",
	"AlterObjectSchemaStmt":      "ALTER ... SET SCHEMA",
	"CreatePolicyStmt":           "CREATE POLICY",
	"RuleStmt":                   "CREATE RULE",
	"AlterRoleSetStmt":           "ALTER ROLE ... SET",
	"AlterExtensionContentsStmt": "ALTER EXTENSION ... ADD and DROP",
}
