package parse

import (
	"strconv"
	"strings"

	"github.com/pgplex/pgparser/nodes"

	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

func (t *translator) transaction(s *nodes.TransactionStmt) (ir.Statement, error) {
	switch s.Kind {
	case nodes.TRANS_STMT_BEGIN, nodes.TRANS_STMT_START:
		modes, err := txModes(s.Options)
		if err != nil {
			return nil, err
		}
		return &ir.Begin{Modes: modes}, nil
	case nodes.TRANS_STMT_COMMIT:
		if s.Chain {
			return nil, unsupported("COMMIT AND CHAIN")
		}
		return &ir.Commit{}, nil
	case nodes.TRANS_STMT_ROLLBACK:
		if s.Chain {
			return nil, unsupported("ROLLBACK AND CHAIN")
		}
		return &ir.Rollback{}, nil
	case nodes.TRANS_STMT_SAVEPOINT:
		return &ir.Savepoint{Name: s.Savepoint}, nil
	case nodes.TRANS_STMT_RELEASE:
		return &ir.ReleaseSavepoint{Name: s.Savepoint}, nil
	case nodes.TRANS_STMT_ROLLBACK_TO:
		return &ir.RollbackTo{Name: s.Savepoint}, nil
	}
	return nil, unsupported("two-phase commit")
}

// isolationLevels maps the grammar's isolation level strings.
var isolationLevels = map[string]ir.Isolation{
	"read uncommitted": ir.ReadUncommitted,
	"read committed":   ir.ReadCommitted,
	"repeatable read":  ir.RepeatableRead,
	"serializable":     ir.Serializable,
}

// txModes translates the DefElem list of BEGIN and SET TRANSACTION.
// PostgreSQL rejects conflicting repeated modes; so does this.
func txModes(l *nodes.List) (ir.TxModes, error) {
	var m ir.TxModes
	seen := map[string]bool{}
	for _, it := range items(l) {
		d, ok := it.(*nodes.DefElem)
		if !ok {
			return m, pgerr.New(pgerr.InternalError, "unexpected %s in transaction modes", nodeName(it))
		}
		c, _ := d.Arg.(*nodes.A_Const)
		if c == nil {
			return m, pgerr.New(pgerr.InternalError, "transaction mode %s without a value", d.Defname)
		}
		if seen[d.Defname] {
			return m, pgerr.Syntax("conflicting or redundant options")
		}
		seen[d.Defname] = true
		switch d.Defname {
		case "transaction_isolation":
			s, _ := c.Val.(*nodes.String)
			if s == nil {
				return m, pgerr.New(pgerr.InternalError, "isolation level is not a string")
			}
			lvl, ok := isolationLevels[strings.ToLower(s.Str)]
			if !ok {
				return m, pgerr.Syntax("unrecognized isolation level \"%s\"", s.Str)
			}
			m.Isolation = lvl
		case "transaction_read_only":
			m.Access = ir.ReadWrite
			if constTrue(c) {
				m.Access = ir.ReadOnly
			}
		case "transaction_deferrable":
			m.Deferrable = constTrue(c)
		default:
			return m, unsupportedf("transaction mode %s", d.Defname)
		}
	}
	return m, nil
}

// constTrue reports whether a constant is the integer 1 or TRUE, as the
// grammar encodes transaction mode flags.
func constTrue(c *nodes.A_Const) bool {
	switch v := c.Val.(type) {
	case *nodes.Integer:
		return v.Ival != 0
	case *nodes.Boolean:
		return v.Boolval
	}
	return false
}

func (t *translator) setConstraints(s *nodes.ConstraintsSetStmt) (ir.Statement, error) {
	out := &ir.SetConstraints{All: s.Constraints == nil, Deferred: s.Deferred}
	for _, it := range items(s.Constraints) {
		rv, ok := it.(*nodes.RangeVar)
		if !ok {
			return nil, pgerr.New(pgerr.InternalError, "unexpected %s in SET CONSTRAINTS", nodeName(it))
		}
		name, err := rangeVar(rv)
		if err != nil {
			return nil, err
		}
		out.Names = append(out.Names, name)
	}
	return out, nil
}

func (t *translator) setVar(s *nodes.VariableSetStmt) (ir.Statement, error) {
	name := strings.ToLower(s.Name)
	switch s.Kind {
	case nodes.VAR_SET_VALUE:
		vals, err := t.exprList(s.Args)
		if err != nil {
			return nil, err
		}
		return &ir.SetVar{Name: name, Values: vals, Local: s.IsLocal}, nil
	case nodes.VAR_SET_DEFAULT:
		return &ir.SetVar{Name: name, Default: true, Local: s.IsLocal}, nil
	case nodes.VAR_SET_MULTI:
		if name != "transaction" {
			return nil, unsupportedf("SET %s", strings.ToUpper(s.Name))
		}
		if s.IsLocal {
			return nil, unsupported("SET LOCAL TRANSACTION")
		}
		modes, err := txModes(s.Args)
		if err != nil {
			return nil, err
		}
		return &ir.SetTransaction{Modes: modes}, nil
	case nodes.VAR_RESET:
		return &ir.ResetVar{Name: name}, nil
	case nodes.VAR_RESET_ALL:
		return &ir.ResetVar{All: true}, nil
	}
	return nil, unsupported("SET ... FROM CURRENT")
}

func (t *translator) explain(s *nodes.ExplainStmt) (ir.Statement, error) {
	out := &ir.Explain{}
	for _, it := range items(s.Options) {
		d, ok := it.(*nodes.DefElem)
		if !ok {
			return nil, pgerr.New(pgerr.InternalError, "unexpected %s in EXPLAIN options", nodeName(it))
		}
		opt := ir.ExplainOption{Name: strings.ToLower(d.Defname)}
		switch v := d.Arg.(type) {
		case nil:
		case *nodes.String:
			opt.Value = strings.ToLower(v.Str)
		case *nodes.Integer:
			opt.Value = strconv.FormatInt(v.Ival, 10)
		case *nodes.Boolean:
			opt.Value = strconv.FormatBool(v.Boolval)
		case *nodes.A_Const:
			e, err := constant(v)
			if err != nil {
				return nil, err
			}
			opt.Value = strings.Trim(e.String(), "'")
		default:
			return nil, unsupportedf("EXPLAIN option value %s", nodeName(v))
		}
		out.Options = append(out.Options, opt)
	}
	stmt, err := t.statement(s.Query)
	if err != nil {
		return nil, err
	}
	out.Stmt = stmt
	return out, nil
}
