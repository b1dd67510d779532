package parse

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// plSummary prints a parsed body's statements, one a line, for tests to
// compare.
func plSummary(fn *ir.PLFunction) string {
	var b strings.Builder
	for _, d := range fn.Block.Decls {
		fmt.Fprintf(&b, "declare %s %s", d.Name, d.Type)
		if d.Constant {
			b.WriteString(" constant")
		}
		if d.NotNull {
			b.WriteString(" not null")
		}
		if d.Default != nil {
			b.WriteString(" := " + d.Default.String())
		}
		b.WriteString("\n")
	}
	var stmts func(list []ir.PLStmt, indent string)
	target := func(t ir.PLTarget) string {
		if t.Record != "" {
			return t.Record + "." + t.Name
		}
		return t.Name
	}
	stmts = func(list []ir.PLStmt, indent string) {
		for _, st := range list {
			fmt.Fprintf(&b, "%s%d: ", indent, st.PLLine())
			switch st := st.(type) {
			case *ir.PLAssign:
				fmt.Fprintf(&b, "%s := %s\n", target(st.Target), st.Value)
			case *ir.PLIf:
				b.WriteString("if\n")
				for i, c := range st.Conds {
					fmt.Fprintf(&b, "%s when %s\n", indent, c)
					stmts(st.Blocks[i], indent+"  ")
				}
				if st.Else != nil {
					fmt.Fprintf(&b, "%s else\n", indent)
					stmts(st.Else, indent+"  ")
				}
			case *ir.PLReturn:
				fmt.Fprintf(&b, "return %q\n", st.Record)
			case *ir.PLRaise:
				if st.Reraise {
					b.WriteString("reraise\n")
					continue
				}
				fmt.Fprintf(&b, "raise %s format=%q cond=%q state=%q args=%d", st.Level, st.Format, st.Condition, st.SQLState, len(st.Args))
				for _, o := range st.Options {
					fmt.Fprintf(&b, " %s=%s", o.Name, o.Value)
				}
				b.WriteString("\n")
			case *ir.PLSQL:
				var into []string
				for _, t := range st.Into {
					into = append(into, target(t))
				}
				switch {
				case st.Refused != nil:
					fmt.Fprintf(&b, "refused %q\n", st.Refused.Error())
				case st.Utility:
					fmt.Fprintf(&b, "utility %s\n", st.Stmt)
				default:
					fmt.Fprintf(&b, "sql %s into=%v strict=%v perform=%v\n", st.Stmt, into, st.Strict, st.Perform)
				}
			case *ir.PLNull:
				b.WriteString("null\n")
			case *ir.PLLoop:
				b.WriteString("loop\n")
				stmts(st.Body, indent+"  ")
			case *ir.PLWhile:
				fmt.Fprintf(&b, "while %s\n", st.Cond)
				stmts(st.Body, indent+"  ")
			case *ir.PLForInt:
				fmt.Fprintf(&b, "for %s reverse=%v %s .. %s by %v\n", st.Var, st.Reverse, st.Lo, st.Hi, st.Step)
				stmts(st.Body, indent+"  ")
			case *ir.PLForQuery:
				var into []string
				for _, t := range st.Targets {
					into = append(into, target(t))
				}
				fmt.Fprintf(&b, "for %v in %s\n", into, st.Query.Stmt)
				stmts(st.Body, indent+"  ")
			case *ir.PLExit:
				fmt.Fprintf(&b, "exit continue=%v when %v\n", st.Continue, st.When)
			case *ir.PLBlock:
				b.WriteString("block\n")
				for _, d := range st.Decls {
					fmt.Fprintf(&b, "%s declare %s %s\n", indent, d.Name, d.Type)
				}
				stmts(st.Body, indent+"  ")
				for _, h := range st.Handlers {
					fmt.Fprintf(&b, "%s when %v\n", indent, h.Conditions)
					stmts(h.Body, indent+"  ")
				}
			case *ir.PLGetDiagnostics:
				for _, t := range st.Targets {
					b.WriteString("row_count -> " + target(t) + " ")
				}
				b.WriteString("\n")
			}
		}
	}
	stmts(fn.Block.Body, "")
	return b.String()
}

// Ensure the PL/pgSQL subset parses into the statements it says, with
// their lines, targets, INTO clauses and RAISE options.
func TestPLpgSQL_Parse(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"updated_at", "\nBEGIN\n  NEW.updated_at = now();\n  RETURN NEW;\nEND;\n",
			"3: new.updated_at := now()\n4: return \"new\"\n"},
		{"declare and if", `DECLARE n integer := 1; c CONSTANT text = 'x'; m numeric(10,2) NOT NULL DEFAULT 0;
BEGIN IF NEW.qty < n THEN n := 2; ELSIF NEW.qty IS NULL THEN NULL; ELSE RETURN NULL; END IF; RETURN OLD; END`,
			"declare n int4 := 1\ndeclare c text constant := 'x'\ndeclare m numeric(10, 2) not null := 0\n" +
				"2: if\n when (new.qty < n)\n  2: n := 2\n when (new.qty IS NULL)\n  2: null\n else\n  2: return \"\"\n2: return \"old\"\n"},
		{"raise forms", `BEGIN RAISE 'a % b %%', 1 + 1; RAISE NOTICE 'n'; RAISE unique_violation USING MESSAGE = 'dup', HINT = 'h';
RAISE SQLSTATE '22012'; RAISE EXCEPTION USING ERRCODE = 'check_violation', DETAIL = NEW.x; RETURN NEW; END`,
			"1: raise exception format=\"a % b %%\" cond=\"\" state=\"\" args=1\n1: raise notice format=\"n\" cond=\"\" state=\"\" args=0\n" +
				"1: raise exception format=\"\" cond=\"unique_violation\" state=\"\" args=0 message='dup' hint='h'\n" +
				"2: raise exception format=\"\" cond=\"\" state=\"22012\" args=0\n" +
				"2: raise exception format=\"\" cond=\"\" state=\"\" args=0 errcode='check_violation' detail=new.x\n2: return \"new\"\n"},
		{"embedded sql", `DECLARE v int; w text; BEGIN
INSERT INTO audit (op, id) VALUES (TG_OP, NEW.id);
UPDATE parent SET n = n + 1 WHERE id = NEW.parent_id;
DELETE FROM t WHERE id = OLD.id RETURNING id INTO v;
SELECT a, b INTO STRICT v, w FROM t WHERE id = 1;
SELECT a INTO NEW.x FROM t;
PERFORM f(1);
RETURN NEW; END`,
			"declare v int4\ndeclare w text\n2: sql INSERT INTO audit (op, id) VALUES (tg_op, new.id) into=[] strict=false perform=false\n" +
				"3: sql UPDATE parent SET n = (n + 1) WHERE (id = new.parent_id) into=[] strict=false perform=false\n" +
				"4: sql DELETE FROM t WHERE (id = old.id) RETURNING id into=[v] strict=false perform=false\n" +
				"5: sql SELECT a, b FROM t WHERE (id = 1) into=[v w] strict=true perform=false\n" +
				"6: sql SELECT a FROM t into=[new.x] strict=false perform=false\n" +
				"7: sql SELECT f(1) into=[] strict=false perform=true\n8: return \"new\"\n"},
		{"get diagnostics", "DECLARE n int; BEGIN GET DIAGNOSTICS n = ROW_COUNT; GET CURRENT DIAGNOSTICS n := ROW_COUNT, NEW.x = ROW_COUNT; RETURN NEW; END",
			"declare n int4\n1: row_count -> n \n1: row_count -> n row_count -> new.x \n1: return \"new\"\n"},
		{"comments and quoted", "-- c\nBEGIN /* x; */ \"NEW\".a := 'it''s;'; RETURN NEW; END", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fn, err := PLpgSQL(tc.body)
			if tc.name == "comments and quoted" {
				// "NEW" quoted is the variable NEW, which is not a record
				// PL/pgSQL knows by that case: an unknown variable.
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, plSummary(fn))
		})
	}
}

// Ensure exception handlers and nested blocks parse, with each
// condition as the SQLSTATE it catches (a class's ending in 000).
func TestPLpgSQL_Parse_Exceptions(t *testing.T) {
	body := `BEGIN
  BEGIN INSERT INTO t VALUES (1);
  EXCEPTION WHEN unique_violation OR check_violation THEN RAISE NOTICE '%', SQLERRM;
    WHEN SQLSTATE '22012' THEN NULL; WHEN integrity_constraint_violation THEN RAISE;
    WHEN OTHERS THEN sqlstate := 'x';
  END;
  DECLARE n int; BEGIN n := 1; END;
  RETURN NEW;
END`
	fn, err := PLpgSQL(body)
	require.NoError(t, err)
	assert.Equal(t, "2: block\n  2: sql INSERT INTO t VALUES (1) into=[] strict=false perform=false\n"+
		" when [23505 23514]\n  3: raise notice format=\"%\" cond=\"\" state=\"\" args=1\n"+
		" when [22012]\n  4: null\n when [23000]\n  4: reraise\n when [others]\n  5: sqlstate := 'x'\n"+
		"7: block\n declare n int4\n  7: n := 1\n8: return \"new\"\n", plSummary(fn))
}

// Ensure loops parse: FOR over integers (its bounds split at "..", which
// the SQL scanner splits otherwise) and over rows, LOOP, WHILE, EXIT and
// CONTINUE.
func TestPLpgSQL_Parse_Loops(t *testing.T) {
	body := `DECLARE r record; n int; BEGIN
FOR i IN REVERSE 10..f(1, '..') BY 2 LOOP EXIT WHEN i < 3; END LOOP;
FOR r IN SELECT a FROM t LOOP CONTINUE WHEN r.a > 1; n := r.a; END LOOP;
FOR n IN 1..3 LOOP LOOP EXIT; END LOOP; END LOOP;
WHILE n > 0 LOOP n := n - 1; END LOOP;
RETURN NEW; END`
	fn, err := PLpgSQL(body)
	require.NoError(t, err)
	assert.Equal(t, "declare r \"\"\ndeclare n int4\n2: for i reverse=true 10 .. f(1, '..') by 2\n  2: exit continue=false when (i < 3)\n"+
		"3: for [r] in SELECT a FROM t\n  3: exit continue=true when (r.a > 1)\n  3: n := r.a\n"+
		"4: for n reverse=false 1 .. 3 by <nil>\n  4: loop\n    4: exit continue=false when <nil>\n"+
		"5: while (n > 0)\n  5: n := (n - 1)\n6: return \"new\"\n", plSummary(fn))
}

// Ensure a DO block's body reads other SQL statements as statements,
// defers the grammar's 0A000 for one to when it runs, takes RETURN
// without a value, and knows no NEW or OLD.
func TestPLpgSQLDo_Parse(t *testing.T) {
	body := `DECLARE new int := 1; BEGIN
  CREATE TABLE x (a int); ALTER TABLE x ADD COLUMN b text; DROP TABLE IF EXISTS y;
  CREATE POLICY p ON x USING (true); new := 2; INSERT INTO x VALUES (new);
  IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'm') THEN RETURN; END IF;
END`
	fn, err := PLpgSQLDo(body)
	require.NoError(t, err)
	assert.Equal(t, "declare new int4 := 1\n2: utility CREATE TABLE x (a int4)\n2: utility ALTER TABLE x ADD COLUMN b text\n"+
		"2: utility DROP TABLE IF EXISTS y\n3: refused \"pgsql: CREATE POLICY is not supported (SQLSTATE 0A000)\"\n3: new := 2\n"+
		"3: sql INSERT INTO x VALUES (new) into=[] strict=false perform=false\n"+
		"4: if\n when (NOT EXISTS (SELECT 1 FROM pg_type WHERE (typname = 'm')))\n  4: return \"\"\n", plSummary(fn))

	tests := []struct{ body, code, message string }{
		{" BEGIN RETURN 1; END", "42804", "RETURN cannot have a parameter in function returning void"},
		{" BEGIN RETURN NEW; END", "42804", "RETURN cannot have a parameter in function returning void"},
		{" BEGIN NEW.x := 1; END", "42601", `"new" is not a known variable`},
		{" BEGIN CREATE TABLE (; END", "42601", "syntax error at end of input"},
		{" BEGIN COMMIT; END", "0A000", "PL/pgSQL COMMIT is not supported"},
	}
	for _, tc := range tests {
		t.Run(tc.body, func(t *testing.T) {
			_, err := PLpgSQLDo(tc.body)
			var pe *pgerr.Error
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.code, pe.Code)
			assert.Equal(t, tc.message, pe.Message)
		})
	}
}

// Ensure a body is refused when PostgreSQL refuses it at CREATE time,
// with its code and message, and every construct reldb does not run is
// 0A000 naming it.
func TestPLpgSQL_Errors(t *testing.T) {
	tests := []struct {
		body, code, message string
	}{
		{" BEGIN RETURN NEW END; ", "42601", "syntax error at end of input"},
		{" BEGIN RETURN NEW END; END", "0A000", "RETURN of a value other than NEW, OLD or NULL is not supported"},
		{" BEGIN FOO; END; ", "42601", `syntax error at or near "FOO"`},
		{" BEGIN IF x THEN END; END; ", "42601", `syntax error at or near ";"`},
		{" BEGIN x := 1; END; ", "42601", `"x" is not a known variable`},
		{" BEGIN RAISE EXCEPTION 'a % b'; END; ", "42601", "too few parameters specified for RAISE"},
		{" BEGIN RAISE EXCEPTION 'a b', 1; END; ", "42601", "too many parameters specified for RAISE"},
		{" BEGIN RAISE foo_bar; END; ", "42704", `unrecognized exception condition "foo_bar"`},
		{" BEGIN UPDATE t SET; END; ", "42601", "syntax error at end of input"},
		{" BEGIN RETURN NEW; ", "42601", "syntax error at end of input"},
		{" BEGIN RAISE 'x' USING foo = 1; END", "42601", `unrecognized RAISE statement option at or near "foo"`},
		{" BEGIN RAISE 'x' USING MESSAGE = 'y'; END", "42601", "RAISE option already specified: MESSAGE"},
		{" DECLARE x int NOT NULL; BEGIN RETURN NEW; END", "22004", `variable "x" must have a default value, since it's declared NOT NULL`},
		{" BEGIN INSERT INTO t VALUES (1) INTO x; END", "42601", `"x" is not a known variable`},
		{" BEGIN FOREACH x IN ARRAY a LOOP END LOOP; END", "0A000", "PL/pgSQL FOREACH is not supported"},
		{" BEGIN FOR i IN EXECUTE 'x' LOOP END LOOP; END", "0A000", "PL/pgSQL FOR ... IN EXECUTE is not supported"},
		{" BEGIN FOR i IN 1..3 LOOP END LOOP lbl; END", "0A000", "PL/pgSQL loop label is not supported"},
		{" BEGIN LOOP EXIT lbl; END LOOP; END", "0A000", "PL/pgSQL loop label is not supported"},
		{" BEGIN EXIT; END", "42601", "EXIT cannot be used outside a loop, unless it has a label"},
		{" BEGIN CONTINUE WHEN true; END", "42601", "CONTINUE cannot be used outside a loop"},
		{" BEGIN FOR x IN SELECT 1 LOOP END LOOP; END", "42601", "loop variable of loop over rows must be a record variable or list of scalar variables"},
		{" BEGIN FOR i IN 1..3 LOOP END LOOP; i := 1; END", "42601", `"i" is not a known variable`},
		{" BEGIN LOOP NULL; END; END", "42601", `syntax error at or near ";"`},
		{" BEGIN EXECUTE 'select 1'; END", "0A000", "PL/pgSQL EXECUTE is not supported"},
		{" BEGIN RETURN NEW; EXCEPTION WHEN foo_bar THEN RETURN NULL; END", "42704", `unrecognized exception condition "foo_bar"`},
		{" BEGIN RETURN NEW; EXCEPTION WHEN SQLSTATE '2201' THEN RETURN NULL; END", "42601", "invalid SQLSTATE code"},
		{" BEGIN RETURN NEW; EXCEPTION RETURN NULL; END", "42601", `syntax error at or near "RETURN"`},
		{" BEGIN RETURN NEW; EXCEPTION WHEN others THEN x := 1; END", "42601", `"x" is not a known variable`},
		{" BEGIN RAISE EXCEPTION; END", "42601", `syntax error at or near ";"`},
		{" DECLARE c CURSOR FOR SELECT 1; BEGIN RETURN NEW; END", "0A000", "PL/pgSQL cursor is not supported"},
		{" DECLARE r record := NULL; BEGIN RETURN NEW; END", "0A000", "a record variable with CONSTANT, NOT NULL or a default is not supported"},
		{" DECLARE r t%ROWTYPE; BEGIN RETURN NEW; END", "0A000", "%TYPE and %ROWTYPE is not supported"},
		{" BEGIN RETURN 1; END", "0A000", "RETURN of a value other than NEW, OLD or NULL is not supported"},
		{" BEGIN RETURN NEXT NEW; END", "0A000", "RETURN NEXT is not supported"},
		{" BEGIN BEGIN NULL; END", "42601", "syntax error at end of input"},
		{" BEGIN DECLARE x int; BEGIN NULL; END; x := 1; RETURN NEW; END", "42601", `"x" is not a known variable`},
		{" DECLARE m text; BEGIN GET STACKED DIAGNOSTICS m = MESSAGE_TEXT; END", "0A000", "GET STACKED DIAGNOSTICS is not supported"},
		{" DECLARE m text; BEGIN GET DIAGNOSTICS m = PG_CONTEXT; END", "0A000", "GET DIAGNOSTICS PG_CONTEXT is not supported"},
		{" BEGIN GET DIAGNOSTICS n = ROW_COUNT; END", "42601", `"n" is not a known variable`},
		{" BEGIN CREATE TABLE x (a int); END", "0A000", "DDL in PL/pgSQL is not supported"},
		{" BEGIN ASSERT false; END", "0A000", "PL/pgSQL ASSERT is not supported"},
		{" <<lbl>> BEGIN RETURN NEW; END", "0A000", "PL/pgSQL block label is not supported"},
		{" BEGIN NEW := OLD; RETURN NEW; END", "0A000", "assignment to a whole record is not supported"},
		{" BEGIN CASE WHEN true THEN NULL; END CASE; END", "0A000", "PL/pgSQL CASE statement is not supported"},
		{" BEGIN RETURN NEW; END; extra", "42601", `syntax error at or near "extra"`},
		{" BEGIN x = ; END", "42601", `"x" is not a known variable`},
		{" BEGIN SELECT 'abc; END", "42601", "unterminated quoted string at or near \"'abc; END\""},
	}
	for _, tc := range tests {
		t.Run(tc.body, func(t *testing.T) {
			_, err := PLpgSQL(tc.body)
			var pe *pgerr.Error
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.code, pe.Code)
			assert.Equal(t, tc.message, pe.Message)
		})
	}
}

// Ensure DO translates with its language (plpgsql when not given), its
// body and where the body starts; the checks of its options are the
// executor's, as PostgreSQL's grammar makes none.
func TestParse_Do(t *testing.T) {
	stmts, err := Parse("SELECT 1; DO LANGUAGE plpgsql $x$ BEGIN NULL; END $x$; DO 'BEGIN END'; DO $$ a $$ $$ b $$")
	require.NoError(t, err)
	d, ok := stmts[1].(*ir.Do)
	require.True(t, ok)
	assert.Equal(t, ir.Do{Language: "plpgsql", Body: " BEGIN NULL; END ", Bodies: 1, Languages: 1, BodyPosition: 34}, *d)
	assert.Equal(t, "DO LANGUAGE plpgsql $$ BEGIN NULL; END $$", d.String())
	d, ok = stmts[2].(*ir.Do)
	require.True(t, ok)
	assert.Equal(t, ir.Do{Language: "plpgsql", Body: "BEGIN END", Bodies: 1}, *d)
	d, ok = stmts[3].(*ir.Do)
	require.True(t, ok)
	assert.Equal(t, 2, d.Bodies)
}

// Ensure CREATE FUNCTION accepts any body, as PostgreSQL's grammar does
// (its CREATE FUNCTION parses the body when it runs), and says where a
// dollar-quoted body starts in the text.
func TestParse_CreateFunction_Body(t *testing.T) {
	sql := "SELECT 1; CREATE FUNCTION bad() RETURNS trigger LANGUAGE plpgsql AS $b$ BEGIN RETURN NEW END; $b$"
	stmts, err := Parse(sql)
	require.NoError(t, err)
	cf, ok := stmts[1].(*ir.CreateFunction)
	require.True(t, ok)
	assert.Equal(t, " BEGIN RETURN NEW END; ", cf.Body)
	assert.Equal(t, strings.Index(sql, " BEGIN")+1, cf.BodyPosition)
	stmts, err = Parse("CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN'")
	require.NoError(t, err)
	assert.Equal(t, 0, stmts[0].(*ir.CreateFunction).BodyPosition, "a quoted string's escapes move positions: none")
}

// Ensure CREATE FUNCTION, CREATE TRIGGER, DROP FUNCTION, DROP TRIGGER and
// ENABLE / DISABLE TRIGGER translate with every part they carry, and
// their canonical forms parse back to the same statements.
func TestParse_TriggerStatements(t *testing.T) {
	tests := []struct {
		sql  string
		want ir.Statement
	}{
		{"CREATE OR REPLACE FUNCTION public.f() RETURNS trigger LANGUAGE plpgsql AS $x$ BEGIN RETURN NEW; END $x$",
			&ir.CreateFunction{Name: ir.QualName{Schema: "public", Name: "f"}, Replace: true, Returns: &ir.TypeName{Name: "trigger", Location: -1}, Language: "plpgsql", Body: " BEGIN RETURN NEW; END "}},
		{"CREATE FUNCTION g(int, text) RETURNS SETOF int AS 'select 1' LANGUAGE SQL STABLE",
			&ir.CreateFunction{Name: ir.QualName{Name: "g"}, ArgTypes: []ir.TypeName{{Name: "int4", Location: -1}, {Name: "text", Location: -1}},
				Returns: &ir.TypeName{Name: "int4", Location: -1}, Setof: true, Language: "sql", Body: "select 1", Options: []string{"volatility"}, Volatility: "stable"}},
		{"CREATE FUNCTION h(a int, int DEFAULT 2) RETURNS int LANGUAGE sql IMMUTABLE STRICT RETURN a + $2",
			&ir.CreateFunction{Name: ir.QualName{Name: "h"}, ArgTypes: []ir.TypeName{{Name: "int4", Location: -1}, {Name: "int4", Location: -1}},
				ArgNames: []string{"a", ""}, ArgDefaults: []ir.Expr{nil, &ir.Const{Kind: ir.ConstInteger, Value: "2"}},
				Returns: &ir.TypeName{Name: "int4", Location: -1}, Language: "sql", Options: []string{"volatility", "strict"}, Volatility: "immutable", Strict: true,
				Return: &ir.Binary{Op: "+", Left: &ir.ColumnRef{Column: "a"}, Right: &ir.Param{Number: 2, Location: 93}}}},
		{"CREATE FUNCTION p(n int) RETURNS TABLE (k int, v text) LANGUAGE sql SECURITY DEFINER PARALLEL SAFE AS 'select 1, 2'",
			&ir.CreateFunction{Name: ir.QualName{Name: "p"}, ArgTypes: []ir.TypeName{{Name: "int4", Location: -1}}, ArgNames: []string{"n"},
				Returns: &ir.TypeName{Name: "record", Location: -1}, Setof: true, Language: "sql", Body: "select 1, 2",
				Options: []string{"security", "parallel"}, SecurityDefiner: true, Parallel: "safe",
				TableNames: []string{"k", "v"}, TableTypes: []ir.TypeName{{Name: "int4", Location: -1}, {Name: "text", Location: -1}}}},
		{"CREATE TRIGGER tr BEFORE UPDATE OF a, b OR INSERT ON s.users FOR EACH ROW WHEN (NEW.a IS DISTINCT FROM OLD.a) EXECUTE PROCEDURE f()",
			&ir.CreateTrigger{Name: "tr", Table: ir.QualName{Schema: "s", Name: "users"}, Before: true, Events: ir.TriggerInsert | ir.TriggerUpdate,
				Columns: []string{"a", "b"}, When: &ir.IsDistinct{Left: &ir.ColumnRef{Table: "new", Column: "a"}, Right: &ir.ColumnRef{Table: "old", Column: "a"}}, Function: ir.QualName{Name: "f"}}},
		{"CREATE OR REPLACE TRIGGER tr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()",
			&ir.CreateTrigger{Name: "tr", Replace: true, Table: ir.QualName{Name: "t"}, Events: ir.TriggerInsert, Function: ir.QualName{Name: "f"}}},
		{"CREATE TRIGGER tr AFTER DELETE ON t FOR EACH ROW EXECUTE FUNCTION f()",
			&ir.CreateTrigger{Name: "tr", Table: ir.QualName{Name: "t"}, Events: ir.TriggerDelete, Function: ir.QualName{Name: "f"}}},
		{"DROP FUNCTION IF EXISTS f(), g, h(integer) CASCADE",
			&ir.DropFunction{Names: []ir.QualName{{Name: "f"}, {Name: "g"}, {Name: "h"}}, IfExists: true, Cascade: true,
				Args: [][]ir.TypeName{{}, nil, {{Name: "int4", Location: -1}}}}},
		{"DROP TRIGGER IF EXISTS \"Tr x\" ON users", &ir.DropTrigger{Name: "Tr x", Table: ir.QualName{Name: "users"}, IfExists: true}},
		{"SELECT 1; DROP TRIGGER tr ON s.users CASCADE", &ir.DropTrigger{Name: "tr", Table: ir.QualName{Schema: "s", Name: "users"}, Cascade: true}},
		{"ALTER TABLE t DISABLE TRIGGER tr", &ir.AlterTable{Table: ir.QualName{Name: "t"}, Cmds: []ir.AlterCmd{&ir.EnableTrigger{Name: "tr", Disable: true}}}},
		{"ALTER TABLE t ENABLE TRIGGER ALL", &ir.AlterTable{Table: ir.QualName{Name: "t"}, Cmds: []ir.AlterCmd{&ir.EnableTrigger{All: true}}}},
		{"ALTER TABLE t ENABLE TRIGGER USER", &ir.AlterTable{Table: ir.QualName{Name: "t"}, Cmds: []ir.AlterCmd{&ir.EnableTrigger{}}}},
	}
	for _, tc := range tests {
		t.Run(tc.sql, func(t *testing.T) {
			stmts, err := Parse(tc.sql)
			require.NoError(t, err)
			got := stmts[len(stmts)-1]
			if cf, ok := got.(*ir.CreateFunction); ok {
				cf.BodyPosition = 0 // checked by TestParse_CreateFunction_Body
			}
			if ct, ok := got.(*ir.CreateTrigger); ok && ct.When != nil {
				assert.Equal(t, tc.want.(*ir.CreateTrigger).When.String(), ct.When.String())
				ct.When = tc.want.(*ir.CreateTrigger).When
			}
			assert.Equal(t, tc.want, got)
			again, err := Parse(got.String())
			require.NoError(t, err, got.String())
			assert.Equal(t, got.String(), again[0].String())
		})
	}
}

// FuzzPLpgSQL checks that any body parses or fails cleanly: no panic, no
// hang, only *pgerr.Error with a code and a position inside the body.
func FuzzPLpgSQL(f *testing.F) {
	for _, s := range []string{
		"BEGIN NEW.updated_at = now(); RETURN NEW; END;",
		"DECLARE n int := 0; BEGIN IF NEW.a < 0 THEN RAISE EXCEPTION 'neg %', NEW.a USING ERRCODE = 'check_violation'; ELSIF NEW.a > 9 THEN RETURN NULL; ELSE n := 1; END IF; RETURN NEW; END",
		"BEGIN INSERT INTO audit VALUES (TG_OP, OLD.id, NEW.id); SELECT count(*) INTO STRICT n FROM t; PERFORM 1; RETURN NULL; END",
		"BEGIN UPDATE parent SET n = n + 1 WHERE id = NEW.parent_id; RETURN NULL; END",
		"BEGIN RAISE NOTICE 'x %%'; RAISE SQLSTATE '22012'; RAISE unique_violation; END",
		"BEGIN LOOP EXIT; END LOOP; END",
		"DECLARE r record; n int; BEGIN FOR r IN SELECT * FROM t LOOP CONTINUE WHEN r.a > 1; n := r.a; END LOOP; FOR i IN REVERSE 10..1 BY 2 LOOP EXIT WHEN i < 3; END LOOP; WHILE n > 0 LOOP n := n - 1; END LOOP; END",
		"BEGIN 'unterminated",
		"BEGIN CREATE TYPE mood AS ENUM ('a', 'b'); EXCEPTION WHEN duplicate_object THEN null; END",
		"BEGIN IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'm') THEN CREATE TYPE m AS ENUM ('a'); END IF; END",
		"BEGIN ALTER TABLE t ADD CONSTRAINT c CHECK (x > 0); EXCEPTION WHEN duplicate_object OR SQLSTATE '42P07' THEN NULL; END;",
		"DECLARE v int := 1; BEGIN BEGIN PERFORM 1/0; EXCEPTION WHEN others THEN RAISE NOTICE '% %', SQLSTATE, SQLERRM; RAISE; END; RETURN; END",
		"BEGIN DECLARE x text; BEGIN x := 'a'; END; DROP TABLE IF EXISTS t; CREATE ROLE r; END",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		watchdog := time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf("PLpgSQL(%q) hangs", body)) })
		defer watchdog.Stop()
		// A DO block's body reads more (DDL, RETURN;): the same checks.
		if _, err := PLpgSQLDo(body); err != nil {
			checkCleanError(t, err, body)
		}
		fn, err := PLpgSQL(body)
		if err != nil {
			checkCleanError(t, err, body)
			return
		}
		if fn == nil || fn.Block == nil {
			t.Fatalf("no error and no body for %q", body)
		}
		_ = plSummary(fn)
	})
}
