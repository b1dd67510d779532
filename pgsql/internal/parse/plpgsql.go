package parse

import (
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// PL/pgSQL bodies are read by a small parser of our own (pgparser has
// none): it splits the body into statements with the SQL scanner's
// tokens and hands each expression ("SELECT <expr>") and embedded SQL
// statement to Parse, as PostgreSQL's PL/pgSQL hands them to its SQL
// parser. It reads the subset ir.PLFunction describes; every other
// construct is 0A000 naming it, so that a body is never run differently.

// PLpgSQL parses a PL/pgSQL function body. Errors are *pgerr.Error: 42601
// for a syntax error (Position counted in body), 0A000 for a construct
// reldb does not run, 42704 for an unknown condition name in RAISE or
// WHEN.
func PLpgSQL(body string) (*ir.PLFunction, error) {
	return plpgsqlPositioned(body, false /* do */)
}

// PLpgSQLDo parses the body of a DO block: PLpgSQL's subset without NEW,
// OLD and TG_*, with RETURN without a value, and with any other SQL
// statement (DDL, ...) as a statement of the body. A statement the SQL
// grammar refuses with 0A000 is refused when it runs, so that a branch
// not taken does not fail the block.
func PLpgSQLDo(body string) (*ir.PLFunction, error) {
	return plpgsqlPositioned(body, true /* do */)
}

// PLpgSQLFunction parses the body of a function called from SQL (not a
// trigger function): a DO block's subset, whose arguments, named args
// ("" for an unnamed one), are variables, and whose RETURN gives the
// value, which a void function has none of.
func PLpgSQLFunction(body string, args []string, void bool) (*ir.PLFunction, error) {
	return plpgsqlPositioned(body, true /* do */, &plFunc{args: args, void: void})
}

// PLpgSQLSetFunction parses the body of a set-returning function: RETURN
// NEXT expr and RETURN QUERY query add rows, RETURN; ends it; outs are
// RETURNS TABLE's columns, which are variables of the body.
func PLpgSQLSetFunction(body string, args, outs []string) (*ir.PLFunction, error) {
	return plpgsqlPositioned(body, true /* do */, &plFunc{args: append(slices.Clone(args), outs...), void: true, setof: true})
}

// plFunc is what the parser knows of a function called from SQL.
type plFunc struct {
	args  []string
	void  bool
	setof bool
}

func plpgsqlPositioned(body string, do bool, fns ...*plFunc) (*ir.PLFunction, error) {
	fn, err, off := plpgsql(body, do, fns...)
	if err != nil {
		if off >= 0 && err.Position == 0 {
			err = err.WithPosition(body, off)
		}
		return nil, err
	}
	return fn, nil
}

// plpgsql is PLpgSQL with the byte offset in body an error points at (-1
// for none), for a caller that positions it in a larger text.
func plpgsql(body string, do bool, fns ...*plFunc) (fn *ir.PLFunction, err *pgerr.Error, off int) {
	toks, lerr := scan(body)
	if lerr != nil {
		off := -1
		if lerr.Position > 0 {
			off = byteOffset(body, lerr.Position)
		}
		c := *lerr
		c.Position = 0
		return nil, &c, off
	}
	p := &plParser{body: body, toks: toks, vars: map[string]bool{}, records: map[string]bool{}, do: do}
	if len(fns) > 0 {
		p.fn = fns[0]
		for _, a := range p.fn.args {
			if a != "" {
				p.vars[a] = true
			}
		}
	}
	if do {
		p.vars["found"] = true
	} else {
		for _, v := range plImplicitVars {
			p.vars[v] = true
		}
	}
	defer func() {
		if r := recover(); r != nil {
			pe, ok := r.(plFailure)
			if !ok {
				panic(r)
			}
			fn, err, off = nil, pe.err, pe.off
		}
	}()
	block := p.block(true /* top */)
	if p.pos < len(p.toks) {
		p.syntaxError(p.pos)
	}
	if p.later != nil {
		return nil, p.later.err, p.later.off
	}
	return &ir.PLFunction{Block: block}, nil, -1
}

// byteOffset converts a 1-based character position in text to a byte
// offset.
func byteOffset(text string, pos int) int {
	off := 0
	for i := 1; i < pos && off < len(text); i++ {
		_, n := utf8.DecodeRuneInString(text[off:])
		off += n
	}
	return off
}

// plImplicitVars are the variables every trigger function has.
var plImplicitVars = []string{"found", "tg_op", "tg_name", "tg_when", "tg_level", "tg_table_name",
	"tg_table_schema", "tg_relname", "tg_relid", "tg_nargs", "tg_argv"}

// plFailure carries a parse error out of the recursive descent.
type plFailure struct {
	err *pgerr.Error
	off int
}

type plParser struct {
	body string
	toks []token
	pos  int
	vars map[string]bool // the variables assignments may set
	// do says the body is a DO block's: NEW and OLD are no records, and
	// other SQL statements are statements of the body.
	do bool
	// loopDepth counts the loops being read, in which EXIT and CONTINUE
	// may be.
	loopDepth int
	// records are the variables of type record in scope.
	records map[string]bool
	// fn is set for a function called from SQL (do is then set too).
	fn *plFunc
	// later is a 0A000 to report once the whole body has parsed: a
	// syntax error after it is PostgreSQL's answer, as it would have read
	// the construct.
	later *plFailure
}

func (p *plParser) fail(err *pgerr.Error, off int) { panic(plFailure{err, off}) }

// syntaxError fails at token i: PostgreSQL's "at or near" or "at end of
// input".
func (p *plParser) syntaxError(i int) {
	if i >= len(p.toks) {
		p.fail(pgerr.Syntax("syntax error at end of input"), len(p.body))
	}
	t := p.toks[i]
	p.fail(pgerr.Syntax("syntax error at or near \"%s\"", p.body[t.start:t.end]), t.start)
}

// unsupported fails with 0A000 naming a construct at token i.
func (p *plParser) unsupported(construct string, i int) {
	off := len(p.body)
	if i < len(p.toks) {
		off = p.toks[i].start
	}
	p.fail(pgerr.Unsupported(construct), off)
}

// word returns token i lower-cased when it is a keyword or plain
// identifier, else "".
func (p *plParser) word(i int) string {
	if i >= len(p.toks) || p.toks[i].kind != tokIdent {
		return ""
	}
	t := p.toks[i]
	return strings.ToLower(p.body[t.start:t.end])
}

// text returns token i as written, "" past the end.
func (p *plParser) text(i int) string {
	if i >= len(p.toks) {
		return ""
	}
	return p.body[p.toks[i].start:p.toks[i].end]
}

// ident returns token i as an identifier (lower-cased, or unquoted).
func (p *plParser) ident(i int) (string, bool) {
	if i >= len(p.toks) {
		return "", false
	}
	switch p.toks[i].kind {
	case tokIdent:
		return p.word(i), true
	case tokQIdent:
		s := p.text(i)
		if strings.HasPrefix(s, `"`) && len(s) >= 2 {
			return strings.ReplaceAll(s[1:len(s)-1], `""`, `"`), true
		}
	}
	return "", false
}

// expectWord consumes keyword kw or fails.
func (p *plParser) expectWord(kw string) {
	if p.word(p.pos) != kw {
		p.syntaxError(p.pos)
	}
	p.pos++
}

// expectPunct consumes the one-character token c or fails.
func (p *plParser) expectPunct(c string) {
	if p.text(p.pos) != c {
		p.syntaxError(p.pos)
	}
	p.pos++
}

// line is the 1-based line of token i in the body.
func (p *plParser) line(i int) int {
	if i >= len(p.toks) {
		return strings.Count(p.body, "\n") + 1
	}
	return strings.Count(p.body[:p.toks[i].start], "\n") + 1
}

// block reads [DECLARE ...] BEGIN ... [EXCEPTION ...] END [;], the
// semicolon required after a nested block. The variables it declares
// are known in it only.
func (p *plParser) block(top bool) *ir.PLBlock {
	b := &ir.PLBlock{Line: p.line(p.pos)}
	if p.text(p.pos) == "<<" || strings.HasPrefix(p.text(p.pos), "<<") {
		p.unsupported("PL/pgSQL block label", p.pos)
	}
	outer, outerRecs := maps.Clone(p.vars), maps.Clone(p.records)
	defer func() { p.vars, p.records = outer, outerRecs }()
	if p.word(p.pos) == "declare" {
		p.pos++
		for p.pos < len(p.toks) && p.word(p.pos) != "begin" {
			b.Decls = append(b.Decls, p.declaration())
		}
	}
	p.expectWord("begin")
	b.Body = p.statements("end", "exception")
	if p.word(p.pos) == "exception" {
		p.pos++
		b.Handlers = p.handlers()
	}
	p.expectWord("end")
	if _, ok := p.ident(p.pos); ok && p.text(p.pos) != ";" {
		p.unsupported("PL/pgSQL block label", p.pos)
	}
	if top {
		if p.text(p.pos) == ";" {
			p.pos++
		}
	} else {
		p.expectPunct(";")
	}
	return b
}

// handlers reads an EXCEPTION section's WHEN condition [OR condition]
// THEN statements, up to its block's END.
func (p *plParser) handlers() []ir.PLHandler {
	var out []ir.PLHandler
	for {
		p.expectWord("when")
		var h ir.PLHandler
		for {
			h.Conditions = append(h.Conditions, p.condition())
			if p.word(p.pos) != "or" {
				break
			}
			p.pos++
		}
		p.expectWord("then")
		saved := p.vars
		p.vars = maps.Clone(saved)
		p.vars["sqlstate"], p.vars["sqlerrm"] = true, true
		h.Body = p.statements("when", "end")
		p.vars = saved
		out = append(out, h)
		if p.word(p.pos) != "when" {
			return out
		}
	}
}

// condition reads one condition of WHEN: OTHERS, SQLSTATE 'xxxxx' or a
// condition name, as the SQLSTATE it catches.
func (p *plParser) condition() string {
	switch p.word(p.pos) {
	case "others":
		p.pos++
		return "others"
	case "sqlstate":
		if p.pos+1 < len(p.toks) && p.toks[p.pos+1].kind == tokString {
			p.pos++
			code := p.stringLiteral(p.pos)
			if !validSQLState(code) {
				p.fail(pgerr.Syntax("invalid SQLSTATE code"), p.toks[p.pos].start)
			}
			p.pos++
			return code
		}
	}
	name, ok := p.ident(p.pos)
	if !ok {
		p.syntaxError(p.pos)
	}
	code, known := pgerr.ConditionCode(name)
	if !known {
		p.fail(pgerr.New(pgerr.UndefinedObject, "unrecognized exception condition \"%s\"", name), -1)
	}
	p.pos++
	return code
}

// declaration reads one variable of DECLARE: name [CONSTANT] type [NOT
// NULL] [{DEFAULT | := | =} expr];
func (p *plParser) declaration() ir.PLVar {
	name, ok := p.ident(p.pos)
	if !ok {
		p.syntaxError(p.pos)
	}
	p.pos++
	v := ir.PLVar{Name: name}
	switch w := p.word(p.pos); w {
	case "constant":
		v.Constant = true
		p.pos++
	case "alias":
		p.unsupported("PL/pgSQL ALIAS", p.pos)
	case "cursor", "scroll", "no":
		p.unsupported("PL/pgSQL cursor", p.pos)
	}
	typeStart := p.pos
	for p.pos < len(p.toks) {
		w, t := p.word(p.pos), p.text(p.pos)
		if t == ";" || t == ":=" || t == "=" || w == "default" || w == "not" || w == "collate" {
			break
		}
		p.pos++
	}
	if p.pos == typeStart {
		p.syntaxError(p.pos)
	}
	if p.pos >= len(p.toks) {
		p.syntaxError(p.pos)
	}
	typeText := p.body[p.toks[typeStart].start:p.toks[p.pos-1].end]
	switch strings.ToLower(typeText) {
	case "record":
		v.Record = true
	case "refcursor":
		p.unsupported("PL/pgSQL cursor", typeStart)
	}
	if strings.Contains(typeText, "%") {
		p.unsupported("%TYPE and %ROWTYPE", typeStart)
	}
	if !v.Record {
		v.Type = p.typeName(typeText, typeStart)
	}
	if p.word(p.pos) == "collate" {
		p.unsupported("COLLATE", p.pos)
	}
	notAt := -1
	if p.word(p.pos) == "not" {
		notAt = p.toks[p.pos].start
		p.pos++
		p.expectWord("null")
		v.NotNull = true
	}
	if t := p.text(p.pos); t == ":=" || t == "=" || p.word(p.pos) == "default" {
		p.pos++
		v.Default = p.expr(p.until(";"))
	}
	p.expectPunct(";")
	if v.NotNull && v.Default == nil {
		p.fail(pgerr.New("22004", "variable \"%s\" must have a default value, since it's declared NOT NULL", name), notAt)
	}
	if v.Record && (v.Default != nil || v.Constant || v.NotNull) {
		p.unsupported("a record variable with CONSTANT, NOT NULL or a default", typeStart)
	}
	p.vars[name] = true
	p.records[name] = v.Record
	return v
}

// typeName parses a declared type through the SQL grammar.
func (p *plParser) typeName(text string, at int) ir.TypeName {
	stmts, err := parse("SELECT NULL::" + text)
	if err != nil {
		if err.Code == pgerr.FeatureNotSupported {
			p.fail(err, p.toks[at].start)
		}
		p.syntaxError(at)
	}
	if len(stmts) == 1 {
		if sel, ok := stmts[0].(*ir.Select); ok && len(sel.Targets) == 1 {
			if c, ok := sel.Targets[0].Expr.(*ir.Cast); ok {
				return c.Type
			}
		}
	}
	p.syntaxError(at)
	return ir.TypeName{}
}

// until returns the position of the first token at parenthesis depth 0,
// from p.pos, that is one of stops (punctuation, or keywords in lower
// case); len(toks) when none is.
func (p *plParser) until(stops ...string) int {
	depth := 0
	for i := p.pos; i < len(p.toks); i++ {
		t := p.text(i)
		switch t {
		case "(", "[":
			depth++
			continue
		case ")", "]":
			depth--
			continue
		}
		if depth > 0 {
			continue
		}
		w := p.word(i)
		for _, s := range stops {
			if t == s || w != "" && w == s {
				return i
			}
		}
	}
	return len(p.toks)
}

// expr parses the tokens from p.pos to end as an expression and moves
// past them: 42601 at end when there are none.
func (p *plParser) expr(end int) ir.Expr {
	if end >= len(p.toks) && p.pos >= len(p.toks) || end == p.pos {
		p.syntaxError(end)
	}
	startOff := p.toks[p.pos].start
	text := p.body[startOff:p.toks[end-1].end]
	stmts, err := parse("SELECT " + text)
	if err != nil {
		p.sqlError(err, startOff, len("SELECT "))
	}
	p.pos = end
	if len(stmts) == 1 {
		if sel, ok := stmts[0].(*ir.Select); ok && plainExpression(sel) {
			return sel.Targets[0].Expr
		}
	}
	p.fail(pgerr.Unsupported("PL/pgSQL expression that is not a single value"), startOff)
	return nil
}

// plainExpression reports whether sel is SELECT <one expression>.
func plainExpression(sel *ir.Select) bool {
	return len(sel.Targets) == 1 && sel.Targets[0].Alias == "" && len(sel.From) == 0 && sel.With == nil &&
		sel.SetOp == nil && sel.Values == nil && sel.Where == nil && sel.GroupBy == nil && sel.Having == nil &&
		sel.OrderBy == nil && sel.Limit == nil && sel.Offset == nil && !sel.Distinct && sel.DistinctOn == nil &&
		sel.Locking == nil && sel.Windows == nil
}

// sqlError fails with an error Parse returned for a text that starts at
// byte off of the body after a prefix of skip bytes it did not come with.
func (p *plParser) sqlError(err *pgerr.Error, off, skip int) {
	at := -1
	if err.Position > 0 {
		at = off + max(0, byteOffset(p.body[off:], err.Position)-skip)
		if at > len(p.body) {
			at = len(p.body)
		}
	}
	c := *err
	c.Position = 0
	p.fail(&c, at)
}

// statements reads statements up to one of the keywords ends.
func (p *plParser) statements(ends ...string) []ir.PLStmt {
	var out []ir.PLStmt
	for {
		if p.pos >= len(p.toks) {
			p.syntaxError(p.pos)
		}
		w := p.word(p.pos)
		for _, e := range ends {
			if w == e {
				return out
			}
		}
		out = append(out, p.statement())
	}
}

// plUnsupported names the PL/pgSQL statements reldb does not run, by
// their first word.
var plUnsupported = map[string]string{
	"foreach": "PL/pgSQL FOREACH", "case": "PL/pgSQL CASE statement",
	"execute": "PL/pgSQL EXECUTE", "open": "PL/pgSQL cursor", "fetch": "PL/pgSQL cursor",
	"move": "PL/pgSQL cursor", "close": "PL/pgSQL cursor",
	"assert": "PL/pgSQL ASSERT", "call": "CALL", "commit": "PL/pgSQL COMMIT", "rollback": "PL/pgSQL ROLLBACK",
	"merge":  "MERGE",
	"create": "DDL in PL/pgSQL", "drop": "DDL in PL/pgSQL", "alter": "DDL in PL/pgSQL",
	"truncate": "TRUNCATE in PL/pgSQL", "lock": "LOCK", "copy": "COPY", "set": "SET in PL/pgSQL",
	"notify": "NOTIFY", "listen": "LISTEN", "savepoint": "PL/pgSQL SAVEPOINT", "release": "PL/pgSQL SAVEPOINT",
	"import": "IMPORT", "grant": "GRANT and REVOKE", "revoke": "GRANT and REVOKE", "values": "VALUES in PL/pgSQL",
	"table": "TABLE in PL/pgSQL", "reset": "RESET in PL/pgSQL", "show": "SHOW in PL/pgSQL",
	"comment": "DDL in PL/pgSQL", "analyze": "ANALYZE in PL/pgSQL", "vacuum": "VACUUM in PL/pgSQL",
}

// doStatements are the first words of the SQL statements a DO block's
// body runs besides those a trigger function's does.
var doStatements = map[string]bool{"create": true, "drop": true, "alter": true, "comment": true,
	"truncate": true, "analyze": true, "grant": true, "revoke": true, "lock": true, "notify": true,
	"call": true, "merge": true, "import": true, "copy": true}

// statement reads one statement.
func (p *plParser) statement() ir.PLStmt {
	start := p.pos
	line := p.line(start)
	w := p.word(start)
	if strings.HasPrefix(p.text(start), "<<") {
		p.unsupported("PL/pgSQL label", start)
	}
	switch w {
	case "declare", "begin":
		if !p.isAssignment() {
			return p.block(false /* top */)
		}
	case "if":
		return p.ifStmt(line)
	case "loop", "while", "for":
		if !p.isAssignment() {
			return p.loop(line)
		}
	case "exit", "continue":
		if !p.isAssignment() {
			return p.exit(line)
		}
	case "return":
		return p.returnStmt(line)
	case "raise":
		return p.raise(line)
	case "null":
		p.pos++
		p.expectPunct(";")
		return &ir.PLNull{Line: line}
	case "insert", "update", "delete", "select", "with":
		return p.sqlStmt(line, false)
	case "perform":
		return p.sqlStmt(line, true)
	case "get":
		if !p.isAssignment() {
			return p.getDiagnostics(line)
		}
	}
	if p.do && doStatements[w] && !p.isAssignment() {
		return p.sqlStmt(line, false)
	}
	if !p.do && (w == "new" || w == "old") && (p.text(start+1) == ":=" || p.text(start+1) == "=") {
		p.unsupported("assignment to a whole record", start)
	}
	if name, ok := plUnsupported[w]; ok && !p.isAssignment() {
		p.unsupported(name, start)
	}
	if p.isAssignment() {
		return p.assignment(line)
	}
	if _, ok := p.ident(start); ok {
		// A word that is neither a statement nor a variable: PostgreSQL
		// reads it as the start of an SQL statement it cannot parse.
		if p.pos+1 < len(p.toks) && (p.text(p.pos+1) == ":=" || p.text(p.pos+1) == "=" || p.text(p.pos+1) == ".") {
			name, _ := p.ident(start)
			p.fail(pgerr.Syntax("\"%s\" is not a known variable", name), p.toks[start].start)
		}
	}
	p.syntaxError(start)
	return nil
}

// loop reads LOOP, WHILE and FOR (over integers or a query's rows).
func (p *plParser) loop(line int) ir.PLStmt {
	var st ir.PLStmt
	var body *[]ir.PLStmt
	outer, outerRecs := maps.Clone(p.vars), maps.Clone(p.records)
	switch p.word(p.pos) {
	case "loop":
		l := &ir.PLLoop{Line: line}
		st, body = l, &l.Body
	case "while":
		p.pos++
		l := &ir.PLWhile{Line: line, Cond: p.expr(p.until("loop"))}
		st, body = l, &l.Body
	case "for":
		st, body = p.forLoop(line)
	}
	p.expectWord("loop")
	p.loopDepth++
	*body = p.statements("end")
	p.loopDepth--
	p.vars, p.records = outer, outerRecs
	p.expectWord("end")
	p.expectWord("loop")
	if _, ok := p.ident(p.pos); ok {
		p.unsupported("PL/pgSQL loop label", p.pos)
	}
	p.expectPunct(";")
	return st
}

// forLoop reads FOR's head up to LOOP: FOR name IN [REVERSE] lo .. hi
// [BY step], or FOR target [, ...] IN query.
func (p *plParser) forLoop(line int) (ir.PLStmt, *[]ir.PLStmt) {
	p.pos++ // FOR
	start := p.pos
	var names []string
	for {
		name, ok := p.ident(p.pos)
		if !ok {
			p.syntaxError(p.pos)
		}
		names = append(names, name)
		p.pos++
		if p.text(p.pos) != "," {
			break
		}
		p.pos++
	}
	p.expectWord("in")
	switch w := p.word(p.pos); w {
	case "select", "with":
		l := &ir.PLForQuery{Line: line}
		for i, name := range names {
			if !p.vars[name] || p.records[name] && len(names) > 1 {
				p.fail(pgerr.Syntax("loop variable of loop over rows must be a record variable or list of scalar variables"), p.toks[start+2*i].start)
			}
			l.Targets = append(l.Targets, ir.PLTarget{Name: name})
		}
		end := p.until("loop")
		if end >= len(p.toks) {
			p.syntaxError(end)
		}
		base := p.toks[p.pos].start
		text := p.body[base:p.toks[end-1].end]
		stmts, err := parse(text)
		if err != nil {
			p.sqlError(err, base, 0)
		}
		if len(stmts) != 1 {
			p.syntaxError(end)
		}
		if _, ok := stmts[0].(*ir.Select); !ok {
			p.syntaxError(p.pos)
		}
		l.Query = &ir.PLSQL{Line: line, Stmt: stmts[0], Text: strings.TrimSpace(text)}
		p.pos = end
		return l, &l.Body
	case "execute":
		p.unsupported("PL/pgSQL FOR ... IN EXECUTE", p.pos)
	}
	if len(names) > 1 {
		p.syntaxError(start + 1)
	}
	l := &ir.PLForInt{Line: line, Var: names[0]}
	if p.word(p.pos) == "reverse" {
		l.Reverse = true
		p.pos++
	}
	end := p.until("loop", "by")
	if end >= len(p.toks) || end == p.pos {
		p.syntaxError(end)
	}
	// The bounds are split at "..", which the SQL scanner does not see
	// as one token.
	from, to := p.toks[p.pos].start, p.toks[end-1].end
	dots := rangeDots(p.body[from:to])
	if dots < 0 {
		p.unsupported("PL/pgSQL FOR over something other than integers or a query", p.pos)
	}
	l.Lo = p.exprText(from, from+dots)
	l.Hi = p.exprText(from+dots+2, to)
	p.pos = end
	if p.word(p.pos) == "by" {
		p.pos++
		l.Step = p.expr(p.until("loop"))
	}
	p.vars[l.Var] = true
	p.records[l.Var] = false
	return l, &l.Body
}

// rangeDots returns the offset of the first ".." in text outside quotes
// and parentheses, -1 when there is none.
func rangeDots(text string) int {
	depth := 0
	var quote byte
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '(' || c == '[':
			depth++
		case c == ')' || c == ']':
			depth--
		case c == '.' && depth == 0 && i+1 < len(text) && text[i+1] == '.':
			return i
		}
	}
	return -1
}

// exprText parses body[from:to] as an expression.
func (p *plParser) exprText(from, to int) ir.Expr {
	text := strings.TrimSpace(p.body[from:to])
	if text == "" {
		p.fail(pgerr.Syntax("syntax error at or near \"..\""), from)
	}
	stmts, err := parse("SELECT " + p.body[from:to])
	if err != nil {
		p.sqlError(err, from, len("SELECT "))
	}
	if len(stmts) == 1 {
		if sel, ok := stmts[0].(*ir.Select); ok && plainExpression(sel) {
			return sel.Targets[0].Expr
		}
	}
	p.fail(pgerr.Unsupported("PL/pgSQL expression that is not a single value"), from)
	return nil
}

// exit reads EXIT [WHEN cond]; and CONTINUE [WHEN cond];.
func (p *plParser) exit(line int) ir.PLStmt {
	s := &ir.PLExit{Line: line, Continue: p.word(p.pos) == "continue"}
	at := p.pos
	p.pos++
	if p.word(p.pos) != "when" && p.text(p.pos) != ";" {
		p.unsupported("PL/pgSQL loop label", p.pos)
	}
	if p.loopDepth == 0 {
		msg := "EXIT cannot be used outside a loop, unless it has a label"
		if s.Continue {
			msg = "CONTINUE cannot be used outside a loop"
		}
		p.fail(pgerr.Syntax("%s", msg), p.toks[at].start)
	}
	if p.word(p.pos) == "when" {
		p.pos++
		s.When = p.expr(p.until(";"))
	}
	p.expectPunct(";")
	return s
}

// isAssignment reports whether the statement at p.pos is target := or
// target =, the target a known variable or NEW.field / OLD.field.
func (p *plParser) isAssignment() bool {
	name, ok := p.ident(p.pos)
	if !ok {
		return false
	}
	i := p.pos + 1
	if p.text(i) == "." && (name == "new" || name == "old") && !p.do {
		if _, ok := p.ident(i + 1); !ok {
			return false
		}
		i += 2
	} else if !p.vars[name] {
		return false
	}
	t := p.text(i)
	return t == ":=" || t == "="
}

// target reads an assignment or INTO target.
func (p *plParser) target() ir.PLTarget {
	name, ok := p.ident(p.pos)
	if !ok {
		p.syntaxError(p.pos)
	}
	if (name == "new" || name == "old") && p.text(p.pos+1) == "." && !p.do {
		field, ok := p.ident(p.pos + 2)
		if !ok {
			p.syntaxError(p.pos + 2)
		}
		p.pos += 3
		return ir.PLTarget{Record: name, Name: field}
	}
	if (name == "new" || name == "old") && !p.do {
		p.unsupported("assignment to a whole record", p.pos)
	}
	if !p.vars[name] {
		p.fail(pgerr.Syntax("\"%s\" is not a known variable", name), p.toks[p.pos].start)
	}
	if p.text(p.pos+1) == "." || p.text(p.pos+1) == "[" {
		p.unsupported("assignment to a field or element of a variable", p.pos+1)
	}
	p.pos++
	return ir.PLTarget{Name: name}
}

func (p *plParser) assignment(line int) ir.PLStmt {
	start := p.pos
	tg := p.target()
	p.pos++ // := or =
	end := p.until(";")
	value := p.expr(end)
	p.expectPunct(";")
	return &ir.PLAssign{Line: line, Target: tg, Value: value, Text: p.body[p.toks[start].start:p.toks[end-1].end]}
}

func (p *plParser) ifStmt(line int) ir.PLStmt {
	s := &ir.PLIf{Line: line}
	p.pos++ // IF
	for {
		s.Conds = append(s.Conds, p.expr(p.until("then")))
		p.expectWord("then")
		s.Blocks = append(s.Blocks, p.statements("elsif", "elseif", "else", "end"))
		switch p.word(p.pos) {
		case "elsif", "elseif":
			p.pos++
			continue
		case "else":
			p.pos++
			s.Else = p.statements("end")
			if s.Else == nil {
				s.Else = []ir.PLStmt{}
			}
		}
		p.expectWord("end")
		p.expectWord("if")
		p.expectPunct(";")
		return s
	}
}

func (p *plParser) returnStmt(line int) ir.PLStmt {
	p.pos++ // RETURN
	if p.fn != nil && p.fn.setof {
		switch p.word(p.pos) {
		case "next":
			p.pos++
			if p.text(p.pos) == ";" {
				p.unsupported("RETURN NEXT without a value", p.pos)
			}
			end := p.until(";")
			if end >= len(p.toks) {
				p.syntaxError(end)
			}
			e := p.expr(end)
			p.pos = end + 1
			return &ir.PLReturnNext{Line: line, Value: e}
		case "query":
			p.pos++
			if w := p.word(p.pos); w != "select" && w != "with" {
				p.unsupported("RETURN QUERY of a statement other than SELECT", p.pos)
			}
			q := p.sqlStmt(line, false).(*ir.PLSQL)
			if q.Into != nil {
				p.fail(pgerr.Syntax("RETURN QUERY cannot have INTO"), p.toks[p.pos-1].start)
			}
			return &ir.PLReturnNext{Line: line, Query: q}
		}
	}
	if p.fn != nil && !p.fn.void {
		switch w := p.word(p.pos); {
		case w == "next" || w == "query":
			p.unsupported("RETURN "+strings.ToUpper(w), p.pos)
		case p.text(p.pos) == ";":
			p.fail(pgerr.Syntax("missing expression at or near \";\""), p.toks[p.pos].start)
		}
		end := p.until(";")
		if end >= len(p.toks) {
			p.syntaxError(end)
		}
		e := p.expr(end)
		p.pos = end + 1
		return &ir.PLReturn{Line: line, Value: e}
	}
	if p.do {
		if p.text(p.pos) == ";" {
			p.pos++
			return &ir.PLReturn{Line: line}
		}
		if p.pos < len(p.toks) {
			p.fail(pgerr.New(pgerr.DatatypeMismatch, "RETURN cannot have a parameter in function returning void"), p.toks[p.pos].start)
		}
		p.syntaxError(p.pos)
	}
	switch w := p.word(p.pos); {
	case w == "next" || w == "query":
		p.unsupported("RETURN "+strings.ToUpper(w), p.pos)
	case (w == "new" || w == "old" || w == "null") && p.text(p.pos+1) == ";":
		p.pos += 2
		if w == "null" {
			w = ""
		}
		return &ir.PLReturn{Line: line, Record: w}
	}
	end := p.until(";")
	if end >= len(p.toks) {
		p.syntaxError(end)
	}
	if end == p.pos {
		p.unsupported("RETURN without a value in a trigger function", p.pos)
	}
	// Not parsed: PostgreSQL reads any expression here, and pgparser's
	// grammar differs from it on some (RETURN NEW END, a column alias).
	start := p.toks[p.pos].start
	if p.later == nil {
		p.later = &plFailure{pgerr.Unsupported("RETURN of a value other than NEW, OLD or NULL"), start}
	}
	p.pos = end + 1
	return &ir.PLReturn{Line: line}
}

// raiseLevels are RAISE's levels.
var raiseLevels = map[string]bool{"debug": true, "log": true, "info": true, "notice": true, "warning": true, "exception": true}

// raiseOptions are RAISE's USING options.
var raiseOptions = map[string]bool{"message": true, "detail": true, "hint": true, "errcode": true, "column": true,
	"constraint": true, "datatype": true, "table": true, "schema": true}

func (p *plParser) raise(line int) ir.PLStmt {
	s := &ir.PLRaise{Line: line, Level: "exception"}
	p.pos++ // RAISE
	if w := p.word(p.pos); raiseLevels[w] {
		s.Level = w
		p.pos++
	}
	switch {
	case p.text(p.pos) == ";":
		if s.Level != "exception" || p.word(p.pos-1) != "raise" {
			p.syntaxError(p.pos)
		}
		// RAISE; re-raises the error a handler caught: the check that
		// one did is PostgreSQL's when it runs (0Z002).
		s.Reraise = true
	case p.pos < len(p.toks) && p.toks[p.pos].kind == tokString:
		s.Format, s.HasFormat = p.stringLiteral(p.pos), true
		p.pos++
		for p.text(p.pos) == "," {
			p.pos++
			s.Args = append(s.Args, p.expr(p.until(",", ";", "using")))
		}
		n := placeholders(s.Format)
		if n > len(s.Args) {
			p.fail(pgerr.Syntax("too few parameters specified for RAISE"), -1)
		}
		if n < len(s.Args) {
			p.fail(pgerr.Syntax("too many parameters specified for RAISE"), -1)
		}
	case p.word(p.pos) == "sqlstate":
		p.pos++
		if p.pos >= len(p.toks) || p.toks[p.pos].kind != tokString {
			p.syntaxError(p.pos)
		}
		s.SQLState = p.stringLiteral(p.pos)
		if !validSQLState(s.SQLState) {
			p.fail(pgerr.Syntax("invalid SQLSTATE code"), p.toks[p.pos].start)
		}
		p.pos++
	case p.word(p.pos) != "using":
		name, ok := p.ident(p.pos)
		if !ok {
			p.syntaxError(p.pos)
		}
		if _, known := pgerr.ConditionCode(name); !known {
			p.fail(pgerr.New(pgerr.UndefinedObject, "unrecognized exception condition \"%s\"", name), -1)
		}
		s.Condition = name
		p.pos++
	}
	if p.word(p.pos) == "using" {
		p.pos++
		for {
			name := p.word(p.pos)
			if !raiseOptions[name] {
				if _, ok := p.ident(p.pos); ok {
					p.fail(pgerr.Syntax("unrecognized RAISE statement option at or near \"%s\"", p.text(p.pos)), p.toks[p.pos].start)
				}
				p.syntaxError(p.pos)
			}
			p.pos++
			if t := p.text(p.pos); t != "=" && t != ":=" {
				p.syntaxError(p.pos)
			}
			p.pos++
			for _, o := range s.Options {
				if o.Name == name {
					p.fail(pgerr.Syntax("RAISE option already specified: %s", strings.ToUpper(name)), -1)
				}
			}
			if name == "message" && s.HasFormat {
				p.fail(pgerr.Syntax("RAISE option already specified: MESSAGE"), -1)
			}
			if name == "errcode" && (s.Condition != "" || s.SQLState != "") {
				p.fail(pgerr.Syntax("RAISE option already specified: ERRCODE"), -1)
			}
			s.Options = append(s.Options, ir.PLRaiseOption{Name: name, Value: p.expr(p.until(",", ";"))})
			if p.text(p.pos) != "," {
				break
			}
			p.pos++
		}
	}
	p.expectPunct(";")
	return s
}

// placeholders counts the % of a RAISE format that take an argument (%%
// is a literal %).
func placeholders(format string) int {
	n := 0
	for i := 0; i < len(format); i++ {
		if format[i] == '%' {
			if i+1 < len(format) && format[i+1] == '%' {
				i++
				continue
			}
			n++
		}
	}
	return n
}

// validSQLState reports whether code is five digits or upper-case
// letters, not 00000.
func validSQLState(code string) bool {
	if len(code) != 5 || code == "00000" {
		return false
	}
	for i := 0; i < 5; i++ {
		c := code[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// stringLiteral decodes the string literal token i through the SQL
// grammar.
func (p *plParser) stringLiteral(i int) string {
	stmts, err := parse("SELECT " + p.text(i))
	if err == nil && len(stmts) == 1 {
		if sel, ok := stmts[0].(*ir.Select); ok && plainExpression(sel) {
			if c, ok := sel.Targets[0].Expr.(*ir.Const); ok && c.Kind == ir.ConstString {
				return c.Value
			}
		}
	}
	p.syntaxError(i)
	return ""
}

// sqlStmt reads an SQL statement up to its semicolon, taking out its INTO
// clause; perform reads PERFORM's query.
func (p *plParser) sqlStmt(line int, perform bool) ir.PLStmt {
	start := p.pos
	if perform {
		p.pos++
	}
	end := p.until(";")
	if end >= len(p.toks) {
		p.syntaxError(end)
	}
	s := &ir.PLSQL{Line: line, Perform: perform}
	// The text handed to Parse: the statement with INTO's tokens blanked,
	// so that positions stay those of the body.
	first := p.pos
	if first == end {
		p.syntaxError(end)
	}
	text := []byte(p.body[p.toks[first].start:p.toks[end-1].end])
	base := p.toks[first].start
	utility := p.do && doStatements[p.word(first)]
	if !perform && !utility {
		if i := p.intoAt(first, end); i >= 0 {
			j := i + 1
			if p.word(j) == "strict" {
				s.Strict = true
				j++
			}
			p.pos = j
			for {
				if p.pos >= end {
					p.syntaxError(p.pos)
				}
				s.Into = append(s.Into, p.target())
				if p.text(p.pos) != "," || p.pos >= end {
					break
				}
				p.pos++
			}
			for k := p.toks[i].start; k < p.toks[p.pos-1].end; k++ {
				if text[k-base] != '\n' {
					text[k-base] = ' '
				}
			}
		}
	}
	sql := string(text)
	prefix := ""
	if perform {
		prefix = "SELECT "
	}
	stmts, err := parse(prefix + sql)
	if err != nil && utility && err.Code == pgerr.FeatureNotSupported {
		// Refused when it runs, as PostgreSQL would run the others.
		c := *err
		c.Position = 0
		s.Refused = &c
		s.Utility = true
		s.Text = strings.TrimSpace(sql)
		p.pos = end + 1
		return s
	}
	if err != nil {
		p.sqlError(err, base, len(prefix))
	}
	if len(stmts) != 1 {
		p.syntaxError(end)
	}
	switch st := stmts[0].(type) {
	case *ir.Select:
	case *ir.Insert, *ir.Update, *ir.Delete:
		if s.Into != nil && len(ir.ReturningOf(st)) == 0 {
			p.fail(pgerr.Syntax("INTO used with a command that cannot return data"), -1)
		}
	default:
		if !utility {
			p.unsupported(statementKind(st)+" in PL/pgSQL", start)
		}
		s.Utility = true
	}
	s.Stmt = stmts[0]
	s.Text = strings.TrimSpace(prefix + sql)
	p.pos = end + 1
	return s
}

// statementKind names a statement by its first word.
func statementKind(st ir.Statement) string {
	s := st.String()
	if i := strings.IndexByte(s, ' '); i > 0 {
		s = s[:i]
	}
	return s
}

// intoAt finds the INTO clause of the statement in tokens [from, end): the
// first INTO at parenthesis depth 0 that is not INSERT's; -1 when none.
func (p *plParser) intoAt(from, end int) int {
	depth := 0
	for i := from; i < end; i++ {
		switch p.text(i) {
		case "(":
			depth++
		case ")":
			depth--
		}
		if depth == 0 && p.word(i) == "into" && !(i > from && p.word(i-1) == "insert") {
			return i
		}
	}
	return -1
}

// getDiagnostics reads GET [CURRENT] DIAGNOSTICS target {= | :=} item
// [, ...]: the item ROW_COUNT; the others (PG_CONTEXT, and STACKED
// DIAGNOSTICS, which needs an exception handler) are 0A000.
func (p *plParser) getDiagnostics(line int) ir.PLStmt {
	start := p.pos
	p.pos++ // GET
	switch p.word(p.pos) {
	case "current":
		p.pos++
	case "stacked":
		p.unsupported("GET STACKED DIAGNOSTICS", start)
	}
	p.expectWord("diagnostics")
	s := &ir.PLGetDiagnostics{Line: line}
	for {
		tg := p.target()
		if t := p.text(p.pos); t != "=" && t != ":=" {
			p.syntaxError(p.pos)
		}
		p.pos++
		switch p.word(p.pos) {
		case "row_count":
		case "pg_context", "pg_routine_oid":
			p.unsupported("GET DIAGNOSTICS "+strings.ToUpper(p.word(p.pos)), p.pos)
		default:
			p.syntaxError(p.pos)
		}
		p.pos++
		s.Targets = append(s.Targets, tg)
		if p.text(p.pos) != "," {
			break
		}
		p.pos++
	}
	p.expectPunct(";")
	return s
}
