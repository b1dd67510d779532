package parse

import (
	"github.com/pgplex/pgparser/nodes"

	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// target translates the table of INSERT, UPDATE or DELETE and its alias.
func target(rv *nodes.RangeVar) (ir.QualName, string, error) {
	if rv == nil {
		return ir.QualName{}, "", pgerr.New(pgerr.InternalError, "missing target table")
	}
	name, err := rangeVar(rv)
	if err != nil {
		return ir.QualName{}, "", err
	}
	a := ""
	if rv.Alias != nil {
		if items(rv.Alias.Colnames) != nil {
			return ir.QualName{}, "", pgerr.Syntax("column aliases are not allowed on the target table")
		}
		a = rv.Alias.Aliasname
	}
	return name, a, nil
}

// dmlHead translates the optional WITH clause and the target table that
// INSERT, UPDATE and DELETE share, in that order.
func (t *translator) dmlHead(w *nodes.WithClause, rel *nodes.RangeVar) (*ir.With, ir.QualName, string, error) {
	var with *ir.With
	if w != nil {
		var err error
		if with, err = t.with(w); err != nil {
			return nil, ir.QualName{}, "", err
		}
	}
	table, alias, err := target(rel)
	if err != nil {
		return nil, ir.QualName{}, "", err
	}
	return with, table, alias, nil
}

// dmlTail translates the FROM (UPDATE) or USING (DELETE) list, the WHERE
// clause and the RETURNING list, in that order.
func (t *translator) dmlTail(from *nodes.List, where nodes.Node, returning *nodes.List) ([]ir.FromItem, ir.Expr, []ir.Target, error) {
	f, err := t.fromList(from)
	if err != nil {
		return nil, nil, nil, err
	}
	w, err := t.optExpr(where)
	if err != nil {
		return nil, nil, nil, err
	}
	r, err := t.targets(returning)
	if err != nil {
		return nil, nil, nil, err
	}
	return f, w, r, nil
}

// columnNames translates an INSERT column list (ResTargets with names).
func columnNames(l *nodes.List) ([]string, error) {
	var out []string
	for _, it := range items(l) {
		rt, ok := it.(*nodes.ResTarget)
		if !ok {
			return nil, pgerr.New(pgerr.InternalError, "unexpected %s in column list", nodeName(it))
		}
		if rt.Indirection != nil {
			return nil, unsupported("array subscript and field selection")
		}
		out = append(out, rt.Name)
	}
	return out, nil
}

// plainValues reports whether s is a bare VALUES list, the form in which
// INSERT allows DEFAULT items.
func plainValues(s *nodes.SelectStmt) bool {
	return s.ValuesLists != nil && s.Op == nodes.SETOP_NONE && s.WithClause == nil &&
		s.SortClause == nil && s.LimitCount == nil && s.LimitOffset == nil && s.LockingClause == nil
}

func (t *translator) insert(s *nodes.InsertStmt) (ir.Statement, error) {
	out := &ir.Insert{}
	var err error
	if out.With, out.Table, out.Alias, err = t.dmlHead(s.WithClause, s.Relation); err != nil {
		return nil, err
	}
	if out.Columns, err = columnNames(s.Cols); err != nil {
		return nil, err
	}
	switch s.Override {
	case nodes.OVERRIDING_USER_VALUE:
		out.Overriding = ir.OverridingUserValue
	case nodes.OVERRIDING_SYSTEM_VALUE:
		out.Overriding = ir.OverridingSystemValue
	}
	switch src := s.SelectStmt.(type) {
	case nil:
		out.DefaultValues = true
	case *nodes.SelectStmt:
		if plainValues(src) {
			if out.Values, err = t.valuesRows(src.ValuesLists, true /* defaults */); err != nil {
				return nil, err
			}
		} else if out.Query, err = t.query(src); err != nil {
			return nil, err
		}
	default:
		return nil, unsupportedf("INSERT source %s", nodeName(src))
	}
	if s.OnConflictClause != nil {
		if out.OnConflict, err = t.onConflict(s.OnConflictClause); err != nil {
			return nil, err
		}
	}
	if out.Returning, err = t.targets(s.ReturningList); err != nil {
		return nil, err
	}
	return out, nil
}

// On conflict actions, as pgparser numbers them (PostgreSQL's
// OnConflictAction).
const (
	onConflictNothing = 1
	onConflictUpdate  = 2
)

func (t *translator) onConflict(c *nodes.OnConflictClause) (*ir.OnConflict, error) {
	out := &ir.OnConflict{DoUpdate: c.Action == onConflictUpdate}
	if c.Action != onConflictNothing && c.Action != onConflictUpdate {
		return nil, pgerr.New(pgerr.InternalError, "unknown ON CONFLICT action %d", c.Action)
	}
	if inf := c.Infer; inf != nil {
		out.Constraint = inf.Conname
		var err error
		if out.IndexWhere, err = t.optExpr(inf.WhereClause); err != nil {
			return nil, err
		}
		for _, it := range items(inf.IndexElems) {
			ie, ok := it.(*nodes.IndexElem)
			if !ok {
				return nil, pgerr.New(pgerr.InternalError, "unexpected %s in ON CONFLICT", nodeName(it))
			}
			if ie.Collation != nil || ie.Opclass != nil {
				return nil, unsupported("ON CONFLICT with COLLATE or operator class")
			}
			if ie.Expr != nil {
				e, err := t.expr(ie.Expr)
				if err != nil {
					return nil, err
				}
				if c, ok := e.(*ir.ColumnRef); ok && c.Table == "" && c.Schema == "" && !c.Star {
					out.Columns = append(out.Columns, c.Column) // ((col)) is the column
					continue
				}
				out.Exprs = append(out.Exprs, e)
				continue
			}
			out.Columns = append(out.Columns, ie.Name)
		}
	}
	if out.DoUpdate && out.Constraint == "" && len(out.Columns) == 0 && len(out.Exprs) == 0 {
		e := pgerr.Syntax("ON CONFLICT DO UPDATE requires inference specification or constraint name")
		e.Hint = "For example, ON CONFLICT (column_name)."
		return nil, e
	}
	var err error
	if out.Set, err = t.setClauses(c.TargetList); err != nil {
		return nil, err
	}
	if out.Where, err = t.optExpr(c.WhereClause); err != nil {
		return nil, err
	}
	return out, nil
}

// setClauses translates UPDATE SET targets. SET (a, b) = (x, y) arrives
// from the grammar as one MultiAssignRef per column and becomes one clause
// per column; SET (a, b) = (SELECT ...) is not supported.
func (t *translator) setClauses(l *nodes.List) ([]ir.SetClause, error) {
	var out []ir.SetClause
	for _, it := range items(l) {
		rt, ok := it.(*nodes.ResTarget)
		if !ok {
			return nil, pgerr.New(pgerr.InternalError, "unexpected %s in SET", nodeName(it))
		}
		if rt.Indirection != nil {
			return nil, unsupported("assignment to an array element or field")
		}
		val := rt.Val
		if m, ok := val.(*nodes.MultiAssignRef); ok {
			var elems []nodes.Node
			switch src := m.Source.(type) {
			case *nodes.RowExpr:
				elems = items(src.Args)
			case *nodes.List:
				elems = src.Items
			default:
				return nil, unsupported("multiple-column UPDATE from a subquery")
			}
			if m.Ncolumns != len(elems) || m.Colno < 1 || m.Colno > len(elems) {
				return nil, pgerr.Syntax("number of columns does not match number of values")
			}
			val = elems[m.Colno-1]
		}
		e, err := t.value(val)
		if err != nil {
			return nil, err
		}
		out = append(out, ir.SetClause{Column: rt.Name, Value: e})
	}
	return out, nil
}

func (t *translator) update(s *nodes.UpdateStmt) (ir.Statement, error) {
	out := &ir.Update{}
	var err error
	if out.With, out.Table, out.Alias, err = t.dmlHead(s.WithClause, s.Relation); err != nil {
		return nil, err
	}
	if out.Set, err = t.setClauses(s.TargetList); err != nil {
		return nil, err
	}
	if out.From, out.Where, out.Returning, err = t.dmlTail(s.FromClause, s.WhereClause, s.ReturningList); err != nil {
		return nil, err
	}
	return out, nil
}

func (t *translator) delete(s *nodes.DeleteStmt) (ir.Statement, error) {
	out := &ir.Delete{}
	var err error
	if out.With, out.Table, out.Alias, err = t.dmlHead(s.WithClause, s.Relation); err != nil {
		return nil, err
	}
	if out.Using, out.Where, out.Returning, err = t.dmlTail(s.UsingClause, s.WhereClause, s.ReturningList); err != nil {
		return nil, err
	}
	return out, nil
}
