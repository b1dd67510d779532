package parse

import (
	"strings"

	"github.com/pgplex/pgparser/nodes"

	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// createFunction translates CREATE FUNCTION. Whether reldb runs the
// function (a PL/pgSQL trigger function) is the executor's question; this
// only refuses what no function reldb runs can have.
func (t *translator) createFunction(s *nodes.CreateFunctionStmt) (ir.Statement, error) {
	name, err := qualName(s.Funcname)
	if err != nil {
		return nil, err
	}
	out := &ir.CreateFunction{Name: name, Replace: s.IsOrReplace}
	if s.SqlBody != nil {
		// RETURN expr; BEGIN ATOMIC ... END is a list of statements.
		r, ok := s.SqlBody.(*nodes.ReturnStmt)
		if !ok {
			return nil, unsupported("CREATE FUNCTION with a BEGIN ATOMIC body")
		}
		if out.Return, err = t.expr(r.Returnval); err != nil {
			return nil, err
		}
		out.Language = "sql"
	}
	for _, it := range items(s.Parameters) {
		p, ok := it.(*nodes.FunctionParameter)
		if !ok {
			return nil, pgerr.New(pgerr.InternalError, "unexpected %s in CREATE FUNCTION", nodeName(it))
		}
		if p.Mode == nodes.FUNC_PARAM_TABLE {
			tn, err := t.typeName(p.ArgType)
			if err != nil {
				return nil, err
			}
			out.TableNames, out.TableTypes = append(out.TableNames, p.Name), append(out.TableTypes, tn)
			continue
		}
		if p.Mode != nodes.FUNC_PARAM_IN && p.Mode != nodes.FUNC_PARAM_DEFAULT && p.Mode != 0 {
			return nil, unsupported("CREATE FUNCTION with OUT, INOUT or VARIADIC arguments")
		}
		tn, err := t.typeName(p.ArgType)
		if err != nil {
			return nil, err
		}
		i := len(out.ArgTypes)
		out.ArgTypes = append(out.ArgTypes, tn)
		if p.Name != "" {
			if out.ArgNames == nil {
				out.ArgNames = make([]string, i, i+1)
			}
			out.ArgNames = append(out.ArgNames, p.Name)
		} else if out.ArgNames != nil {
			out.ArgNames = append(out.ArgNames, "")
		}
		if p.Defexpr != nil {
			e, err := t.expr(p.Defexpr)
			if err != nil {
				return nil, err
			}
			if out.ArgDefaults == nil {
				out.ArgDefaults = make([]ir.Expr, i, i+1)
			}
			out.ArgDefaults = append(out.ArgDefaults, e)
		} else if out.ArgDefaults != nil {
			out.ArgDefaults = append(out.ArgDefaults, nil)
		}
	}
	if s.ReturnType != nil {
		setof := s.ReturnType.Setof
		rt := *s.ReturnType
		rt.Setof = false
		tn, err := t.typeName(&rt)
		if err != nil {
			return nil, err
		}
		out.Returns, out.Setof = &tn, setof || out.TableTypes != nil
	}
	for _, it := range items(s.Options) {
		d, ok := it.(*nodes.DefElem)
		if !ok {
			return nil, pgerr.New(pgerr.InternalError, "unexpected %s in CREATE FUNCTION", nodeName(it))
		}
		switch d.Defname {
		case "language":
			v, ok := d.Arg.(*nodes.String)
			if !ok {
				return nil, pgerr.New(pgerr.InternalError, "unexpected %s in LANGUAGE", nodeName(d.Arg))
			}
			out.Language = strings.ToLower(v.Str)
		case "as":
			l, ok := d.Arg.(*nodes.List)
			if !ok || len(l.Items) != 1 {
				return nil, unsupported("CREATE FUNCTION with an object file and link symbol")
			}
			v, ok := l.Items[0].(*nodes.String)
			if !ok {
				return nil, pgerr.New(pgerr.InternalError, "unexpected %s in AS", nodeName(l.Items[0]))
			}
			out.Body = v.Str
		case "volatility":
			if v, ok := d.Arg.(*nodes.String); ok {
				out.Volatility = v.Str
			}
			out.Options = append(out.Options, d.Defname)
		case "strict":
			if v, ok := d.Arg.(*nodes.Integer); ok {
				out.Strict = v.Ival != 0
			}
			out.Options = append(out.Options, d.Defname)
		case "security":
			if v, ok := d.Arg.(*nodes.Integer); ok {
				out.SecurityDefiner = v.Ival != 0
			}
			out.Options = append(out.Options, d.Defname)
		case "parallel":
			if v, ok := d.Arg.(*nodes.String); ok {
				out.Parallel = strings.ToLower(v.Str)
			}
			out.Options = append(out.Options, d.Defname)
		default:
			out.Options = append(out.Options, d.Defname)
		}
	}
	if at, ok := t.bodyOffset(out.Body); ok {
		out.BodyPosition = pgerr.CharPosition(t.src.sql, at)
	}
	return out, nil
}

// bodyOffset finds where a function's body, given as a dollar-quoted
// string, starts in the source of the statement being translated.
func (t *translator) bodyOffset(body string) (int, bool) {
	spans := t.src.spans()
	if t.stmt < 0 || t.stmt >= len(spans) || len(t.src.params) > 0 {
		return 0, false
	}
	sp := spans[t.stmt]
	for _, tok := range t.src.toks {
		if tok.kind != tokString || tok.start < sp.Start || tok.end > sp.End {
			continue
		}
		text := t.src.sql[tok.start:tok.end]
		if !strings.HasPrefix(text, "$") {
			continue
		}
		tag := text[:strings.IndexByte(text[1:], '$')+2]
		if strings.HasSuffix(text, tag) && len(text) >= 2*len(tag) && text[len(tag):len(text)-len(tag)] == body {
			return tok.start + len(tag), true
		}
	}
	return 0, false
}

// dropFunction translates DROP FUNCTION.
func (t *translator) dropFunction(s *nodes.DropStmt) (ir.Statement, error) {
	out := &ir.DropFunction{IfExists: s.Missing_ok, Cascade: nodes.DropBehavior(s.Behavior) == nodes.DROP_CASCADE}
	for _, it := range items(s.Objects) {
		var args []ir.TypeName
		var nameList *nodes.List
		switch o := it.(type) {
		case *nodes.ObjectWithArgs:
			nameList = o.Objname
			if !o.ArgsUnspecified {
				args = []ir.TypeName{}
				for _, a := range items(o.Objargs) {
					tn, ok := a.(*nodes.TypeName)
					if !ok {
						return nil, pgerr.New(pgerr.InternalError, "unexpected %s in DROP FUNCTION", nodeName(a))
					}
					typ, err := t.typeName(tn)
					if err != nil {
						return nil, err
					}
					args = append(args, typ)
				}
			}
		case *nodes.List:
			nameList = o
		default:
			return nil, pgerr.New(pgerr.InternalError, "unexpected %s in DROP FUNCTION", nodeName(it))
		}
		name, err := qualName(nameList)
		if err != nil {
			return nil, err
		}
		out.Names = append(out.Names, name)
		out.Args = append(out.Args, args)
	}
	return out, nil
}

// createTrigger translates CREATE TRIGGER: row triggers BEFORE or AFTER
// INSERT, UPDATE [OF ...] or DELETE; the other kinds are 0A000.
func (t *translator) createTrigger(s *nodes.CreateTrigStmt) (ir.Statement, error) {
	switch {
	case s.IsConstraint:
		return nil, unsupported("CREATE CONSTRAINT TRIGGER")
	case s.Timing&nodes.TRIGGER_TYPE_INSTEAD != 0:
		return nil, unsupported("INSTEAD OF trigger")
	case s.Events&nodes.TRIGGER_TYPE_TRUNCATE != 0:
		return nil, unsupported("TRUNCATE trigger")
	case !s.Row:
		return nil, unsupported("FOR EACH STATEMENT trigger")
	case len(items(s.TransitionRels)) > 0:
		return nil, unsupported("trigger transition table (REFERENCING)")
	case len(items(s.Args)) > 0:
		return nil, unsupported("trigger function arguments")
	}
	table, err := rangeVar(s.Relation)
	if err != nil {
		return nil, err
	}
	fn, err := qualName(s.Funcname)
	if err != nil {
		return nil, err
	}
	out := &ir.CreateTrigger{Name: s.Trigname, Replace: s.Replace, Table: table, Before: s.Timing&nodes.TRIGGER_TYPE_BEFORE != 0, Function: fn}
	if s.Events&nodes.TRIGGER_TYPE_INSERT != 0 {
		out.Events |= ir.TriggerInsert
	}
	if s.Events&nodes.TRIGGER_TYPE_UPDATE != 0 {
		out.Events |= ir.TriggerUpdate
	}
	if s.Events&nodes.TRIGGER_TYPE_DELETE != 0 {
		out.Events |= ir.TriggerDelete
	}
	if out.Columns, err = strs(s.Columns); err != nil {
		return nil, err
	}
	if s.WhenClause != nil {
		if out.When, err = t.expr(s.WhenClause); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// dropTrigger translates DROP TRIGGER. pgparser v0.2.0 keeps only the
// table's name of "name ON table": the trigger's is read from the
// statement's tokens, the identifier after TRIGGER [IF EXISTS].
func (t *translator) dropTrigger(s *nodes.DropStmt) (ir.Statement, error) {
	objs := items(s.Objects)
	if len(objs) != 1 {
		return nil, pgerr.New(pgerr.InternalError, "unexpected DROP TRIGGER")
	}
	l, ok := objs[0].(*nodes.List)
	if !ok {
		return nil, pgerr.New(pgerr.InternalError, "unexpected %s in DROP TRIGGER", nodeName(objs[0]))
	}
	table, err := qualName(l)
	if err != nil {
		return nil, err
	}
	name, ok := t.triggerNameOfDrop()
	if !ok {
		return nil, pgerr.New(pgerr.InternalError, "cannot find the trigger's name in DROP TRIGGER")
	}
	return &ir.DropTrigger{Name: name, Table: table, IfExists: s.Missing_ok, Cascade: nodes.DropBehavior(s.Behavior) == nodes.DROP_CASCADE}, nil
}

// triggerNameOfDrop reads the trigger's name from the tokens of the
// statement being translated, a DROP TRIGGER.
func (t *translator) triggerNameOfDrop() (string, bool) {
	spans := t.src.spans()
	if t.stmt < 0 || t.stmt >= len(spans) {
		return "", false
	}
	sp := spans[t.stmt]
	var words []token
	for _, tok := range t.src.toks {
		if tok.start >= sp.Start && tok.end <= sp.End {
			words = append(words, tok)
		}
	}
	word := func(i int) string {
		if i >= len(words) || words[i].kind != tokIdent {
			return ""
		}
		return strings.ToLower(t.src.sql[words[i].start:words[i].end])
	}
	i := 2 // DROP TRIGGER
	if word(0) != "drop" || word(1) != "trigger" {
		return "", false
	}
	if word(i) == "if" && word(i+1) == "exists" && i+2 < len(words) && word(i+3) == "on" {
		i += 2
	}
	if i >= len(words) {
		return "", false
	}
	tok := words[i]
	text := t.src.sql[tok.start:tok.end]
	switch tok.kind {
	case tokIdent:
		return strings.ToLower(text), true
	case tokQIdent:
		if strings.HasPrefix(text, `"`) && strings.HasSuffix(text, `"`) && len(text) >= 2 {
			return strings.ReplaceAll(text[1:len(text)-1], `""`, `"`), true
		}
	}
	return "", false
}

// enableTrigger translates ALTER TABLE's ENABLE and DISABLE TRIGGER.
func enableTrigger(c *nodes.AlterTableCmd) (ir.AlterCmd, bool) {
	switch nodes.AlterTableType(c.Subtype) {
	case nodes.AT_EnableTrig:
		return &ir.EnableTrigger{Name: c.Name}, true
	case nodes.AT_DisableTrig:
		return &ir.EnableTrigger{Name: c.Name, Disable: true}, true
	case nodes.AT_EnableTrigAll:
		return &ir.EnableTrigger{All: true}, true
	case nodes.AT_DisableTrigAll:
		return &ir.EnableTrigger{All: true, Disable: true}, true
	case nodes.AT_EnableTrigUser:
		return &ir.EnableTrigger{}, true
	case nodes.AT_DisableTrigUser:
		return &ir.EnableTrigger{Disable: true}, true
	}
	return nil, false
}

// do translates DO [LANGUAGE lang] 'body'. Whether reldb runs the
// language is the executor's question.
func (t *translator) do(s *nodes.DoStmt) (ir.Statement, error) {
	out := &ir.Do{}
	for _, it := range items(s.Args) {
		d, ok := it.(*nodes.DefElem)
		if !ok {
			return nil, pgerr.New(pgerr.InternalError, "unexpected %s in DO", nodeName(it))
		}
		v, ok := d.Arg.(*nodes.String)
		if !ok {
			return nil, pgerr.New(pgerr.InternalError, "unexpected %s in DO", nodeName(d.Arg))
		}
		switch d.Defname {
		case "as":
			if out.Bodies == 0 {
				out.Body = v.Str
			}
			out.Bodies++
		case "language":
			if out.Languages == 0 {
				out.Language = v.Str
			}
			out.Languages++
		}
	}
	if out.Language == "" {
		out.Language = "plpgsql"
	}
	if at, ok := t.bodyOffset(out.Body); ok && out.Bodies == 1 {
		out.BodyPosition = pgerr.CharPosition(t.src.sql, at)
	}
	return out, nil
}
