package engine_test

// The PostgreSQL conformance suite: every file in testdata/conformance is
// played on reldb and on a real PostgreSQL server (internal/pgserver)
// and the two are compared statement by statement — success, or the
// error's SQLSTATE — and table by table. It runs only with
// RELDB_CONFORMANCE=1 (`make conformance`); without PostgreSQL it skips,
// except in CI (CI=true), where it fails.
//
// Each file gets a fresh PostgreSQL database; each `schema` block starts a
// new scenario on a fresh reldb database and an emptied PostgreSQL schema.
// Files run in parallel; the blocks of one file run in order. Expected
// outputs are PostgreSQL's (the reference); wherever reldb differs the test
// fails with the statement's file:line and both results, whatever the file
// expects. `go test ./engine -run TestConformance -rewrite` (with
// RELDB_CONFORMANCE=1) records the outputs.
//
// # Language
//
// A block is a command line, input lines, "----" and the expected output
// (see package scenario). Blank input lines and input lines starting with
// # are ignored. Identifiers are bare words; values (VAL) are integers,
// decimals (1.50, -3), 'text' ('' escapes a quote), null, true and false.
// A text value goes to a time column as a timestamp with its zone
// ('2024-01-02 10:00:00+00') and to a bytes column as '\xdead'.
//
// schema — one declaration per line, created in reldb in one transaction
// (CreateTable, CreateIndex, CreateRelation, in order); then the schema
// reldb exports (Tx.DDL) is run on PostgreSQL, which must accept it:
//
//	table NAME (COL TYPE [pk] [not null] [default VAL] [autoincrement], ..., [primary key (COL, ...)])
//	index NAME on TABLE (COL, ...) [unique]
//	relation [NAME] CHILD(COL, ...) -> PARENT[(COL, ...)] [one-to-one]
//	    [on delete ACTION [(COL, ...)]] [on update ACTION] [match full]
//	    [deferrable] [initially deferred]
//
// TYPE is int, float, text, bool, bytes, time, decimal or decimal(P,S);
// ACTION is cascade, restrict, set null, set default or no action;
// columns after ON DELETE SET NULL or SET DEFAULT limit it to them
// (PostgreSQL 15's SET NULL (cols)).
// Output: ok, or reldb's error by sentinel name (error ErrSchema); a
// refused schema leaves both systems without tables.
//
// exec — one statement per line, run on both systems; output is one line
// per statement, ok or error SQLSTATE (reldb's from engine.SQLState; a
// reldb error without one prints its sentinel name, which never matches):
//
//	insert TABLE COL=VAL ...                  INSERT INTO ... VALUES ...
//	update TABLE KEY=VAL ... set COL=VAL ...  UPDATE ... SET ... WHERE KEY = VAL AND ...
//	delete TABLE KEY=VAL ...                  DELETE FROM ... WHERE KEY = VAL AND ...
//	begin | commit | rollback                 BEGIN | COMMIT | ROLLBACK
//	savepoint NAME | rollback to NAME         SAVEPOINT | ROLLBACK TO SAVEPOINT
//	set constraints all|NAME[, NAME] deferred|immediate
//
// KEY columns are the table's whole primary key; on reldb they become the
// key of Tx.Update and Tx.Delete, and ErrNotFound counts as ok, as
// PostgreSQL's UPDATE 0 and DELETE 0 do. The PostgreSQL statements of one
// block run in one session. On reldb, a statement outside begin/commit is
// its own transaction (Begin, the statement, Commit: a deferred check fails
// at that commit, as in autocommit). Inside a block the runner plays
// PostgreSQL's session rules: after an error, statements report 25P02 until
// rollback, commit (which then rolls back and reports ok) or a rollback to
// a savepoint (which revives the transaction); commit, rollback and set
// constraints outside a block are ok (PostgreSQL only warns); savepoint and
// rollback to outside a block are 25P01, rollback to an unknown savepoint
// 3B001. A transaction still open at the end of a block is rolled back on
// both systems.
//
// dump — every table (in name order) on both systems, rows in primary-key
// order, one line each: `table: (1, 'Le Guin', null)`, or `table: empty`.
// PostgreSQL's text output is parsed by column type so that equal data
// prints the same: ints, decimals with their scale as numeric prints them
// (1.50), 'text', true/false, null.

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/apd/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/engine/internal/testutil"
	"github.com/reldb/reldb/internal/pgserver"
	"github.com/reldb/reldb/internal/scenario"
)

const confDir = "testdata/conformance"

var confCtx = context.Background()

// TestConformance plays every scenario file on reldb and on PostgreSQL and
// requires the same outcome for every statement and the same final tables.
func TestConformance(t *testing.T) {
	if os.Getenv("RELDB_CONFORMANCE") != "1" {
		t.Skip("the PostgreSQL conformance suite runs with RELDB_CONFORMANCE=1: run `make conformance`")
	}
	srv := pgserver.StartTB(t, pgserver.Options{})
	scenario.WalkFiles(t, confDir, func(t *testing.T, path string) {
		t.Parallel()
		r := &confRunner{t: t, srv: srv, pgdb: confDBName(path), db: testutil.OpenDB(t)}
		require.NoError(t, srv.CreateDatabase(confCtx, r.pgdb))
		t.Cleanup(func() {
			assert.NoError(t, srv.DropDatabase(confCtx, r.pgdb))
		})
		scenario.RunFile(t, path, r.run)
	})
}

var confNameRE = regexp.MustCompile(`[^a-z0-9_]`)

// confDBName names a scenario file's PostgreSQL database.
func confDBName(path string) string {
	base := strings.TrimSuffix(filepath.Base(path), ".txt")
	return "conf_" + confNameRE.ReplaceAllString(strings.ToLower(base), "_")
}

// confRunner plays one scenario file. It keeps the reldb side's session: the
// explicit transaction, whether an error aborted it, and its savepoints.
type confRunner struct {
	t      *testing.T
	srv    *pgserver.Server
	pgdb   string
	db     *engine.DB
	tables map[string]engine.Table

	tx      *engine.Tx
	aborted bool
	sps     []confSavepoint
}

type confSavepoint struct {
	name string
	sp   engine.Savepoint
}

// run plays one block and returns its output.
func (r *confRunner) run(t *testing.T, c *scenario.Case) string {
	switch c.Cmd {
	case "schema":
		return r.schema(c)
	case "exec":
		return r.exec(c)
	case "dump":
		return r.dump(c)
	}
	t.Fatalf("%s: unknown command %q (want schema, exec or dump)", c.Pos(), c.Cmd)
	return ""
}

// confLine is one input line and its line number in the file.
type confLine struct {
	n    int
	text string
}

// confInput returns a block's input lines, without blanks and comments.
func confInput(c *scenario.Case) []confLine {
	var out []confLine
	for i, l := range strings.Split(c.Input, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		out = append(out, confLine{n: c.Line + 1 + i, text: l})
	}
	return out
}

// pg runs statements in one PostgreSQL session.
func (r *confRunner) pg(stmts []string) []pgserver.Result {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(confCtx, time.Minute)
	defer cancel()
	res, err := r.srv.Exec(ctx, r.pgdb, stmts)
	require.NoError(r.t, err)
	require.Len(r.t, res, len(stmts))
	return res
}

// ---- schema

func (r *confRunner) schema(c *scenario.Case) string {
	t := r.t
	r.endTx()
	r.db = testutil.OpenDB(t)
	r.tables = nil
	type decl struct {
		line  confLine
		apply func(tx *engine.Tx) error
	}
	var decls []decl
	for _, l := range confInput(c) {
		apply, err := confParseDecl(l.text)
		if err != nil {
			t.Fatalf("%s:%d: %q: %v", c.File, l.n, l.text, err)
		}
		decls = append(decls, decl{l, apply})
	}
	err := r.db.Update(confCtx, func(tx *engine.Tx) error {
		for _, d := range decls {
			if err := d.apply(tx); err != nil {
				return fmt.Errorf("%s:%d: %w", c.File, d.line.n, err)
			}
		}
		return nil
	})
	reset := []string{"DROP SCHEMA public CASCADE", "CREATE SCHEMA public"}
	if err != nil {
		// Both systems are left empty, so later blocks still compare.
		t.Logf("reldb refused the schema: %v", err)
		for _, res := range r.pg(reset) {
			require.True(t, res.OK, "%s: PostgreSQL: error %s in %s", c.Pos(), res.SQLState, res.Stmt)
		}
		return confSchemaError(err) + "\n"
	}
	var ddl string
	var tables []engine.Table
	require.NoError(t, r.db.View(confCtx, func(tx *engine.Tx) (err error) {
		if ddl, err = tx.DDL(); err != nil {
			return err
		}
		tables, err = tx.Tables()
		return err
	}))
	r.tables = make(map[string]engine.Table, len(tables))
	for _, tb := range tables {
		r.tables[tb.Name] = tb
	}
	stmts := slices.Clone(reset)
	for _, s := range strings.Split(ddl, ";\n") {
		if s = strings.TrimSpace(s); s != "" {
			stmts = append(stmts, s)
		}
	}
	for _, res := range r.pg(stmts) {
		if !res.OK {
			t.Errorf("%s: PostgreSQL refused the DDL of a schema reldb accepted: error %s in %s", c.Pos(), res.SQLState, res.Stmt)
		}
	}
	return "ok\n"
}

// confParseDecl parses a schema declaration into what creates it.
func confParseDecl(line string) (func(tx *engine.Tx) error, error) {
	toks, err := confLex(line)
	if err != nil {
		return nil, err
	}
	p := &confParser{toks: toks}
	var apply func(tx *engine.Tx) error
	switch kw := p.word(); kw {
	case "table":
		var tb engine.Table
		if tb, err = p.table(); err == nil {
			apply = func(tx *engine.Tx) error { return tx.CreateTable(tb) }
		}
	case "index":
		var table string
		var ix engine.Index
		if table, ix, err = p.index(); err == nil {
			apply = func(tx *engine.Tx) error { return tx.CreateIndex(table, ix) }
		}
	case "relation":
		var rel engine.Relation
		if rel, err = p.relation(); err == nil {
			apply = func(tx *engine.Tx) error { return tx.CreateRelation(rel) }
		}
	default:
		err = fmt.Errorf("unknown declaration %q (want table, index or relation)", kw)
	}
	if err == nil && !p.done() {
		err = fmt.Errorf("unexpected %q", p.peek().s)
	}
	if p.err != nil {
		err = p.err
	}
	return apply, err
}

var confTypes = map[string]engine.Type{
	"int": engine.Int, "float": engine.Float, "text": engine.Text, "bool": engine.Bool,
	"bytes": engine.Bytes, "time": engine.Time, "decimal": engine.Decimal,
}

func (p *confParser) table() (engine.Table, error) {
	tb := engine.Table{Name: p.word()}
	p.expect("(")
	for p.err == nil {
		if p.accept("primary") {
			p.expect("key")
			tb.PrimaryKey = p.names()
		} else {
			col, pk := p.column()
			tb.Columns = append(tb.Columns, col)
			if pk {
				tb.PrimaryKey = append(tb.PrimaryKey, col.Name)
			}
		}
		if !p.accept(",") {
			break
		}
	}
	p.expect(")")
	return tb, p.err
}

func (p *confParser) column() (col engine.Column, pk bool) {
	col.Name = p.word()
	typ := p.word()
	t, ok := confTypes[typ]
	if !ok && p.err == nil {
		p.fail("unknown type %q", typ)
	}
	col.Type = t
	if t == engine.Decimal && p.accept("(") {
		col.Precision = p.int()
		p.expect(",")
		col.Scale = p.int()
		p.expect(")")
	}
	for p.err == nil && !p.done() && p.peek().s != "," && p.peek().s != ")" {
		switch w := p.word(); w {
		case "pk":
			pk = true
		case "not":
			p.expect("null")
			col.NotNull = true
		case "default":
			col.Default = confGoValue(col.Type, p.lit())
		case "autoincrement":
			col.AutoIncrement = true
		default:
			p.fail("unknown column option %q", w)
		}
	}
	return col, pk
}

func (p *confParser) index() (string, engine.Index, error) {
	ix := engine.Index{Name: p.word()}
	p.expect("on")
	table := p.word()
	ix.Columns = p.names()
	ix.Unique = p.accept("unique")
	return table, ix, p.err
}

func (p *confParser) relation() (engine.Relation, error) {
	var rel engine.Relation
	if len(p.toks) > p.i+1 && p.toks[p.i+1].s != "(" {
		rel.Name = p.word()
	}
	rel.Child = p.word()
	rel.Columns = p.names()
	p.expect("->")
	rel.Parent = p.word()
	if !p.done() && p.peek().s == "(" {
		rel.References = p.names()
	}
	for p.err == nil && !p.done() {
		switch w := p.word(); w {
		case "one-to-one":
			rel.Kind = engine.OneToOne
		case "on":
			switch on := p.word(); on {
			case "delete":
				rel.OnDelete = p.action()
				if !p.done() && p.peek().s == "(" {
					rel.SetColumns = p.names()
				}
			case "update":
				rel.OnUpdate = p.action()
			default:
				p.fail("want on delete or on update, got on %q", on)
			}
		case "match":
			switch m := p.word(); m {
			case "full":
				rel.Match = engine.MatchFull
			case "simple":
				rel.Match = engine.MatchSimple
			default:
				p.fail("unknown match %q", m)
			}
		case "deferrable":
			rel.Deferrable = true
		case "initially":
			switch m := p.word(); m {
			case "deferred":
				rel.InitiallyDeferred = true
			case "immediate":
			default:
				p.fail("want initially deferred or immediate, got %q", m)
			}
		default:
			p.fail("unknown relation option %q", w)
		}
	}
	return rel, p.err
}

func (p *confParser) action() engine.Action {
	switch w := p.word(); w {
	case "cascade":
		return engine.Cascade
	case "restrict":
		return engine.Restrict
	case "set":
		switch v := p.word(); v {
		case "null":
			return engine.SetNull
		case "default":
			return engine.SetDefault
		default:
			p.fail("want set null or set default, got set %q", v)
		}
	case "no":
		p.expect("action")
		return engine.NoAction
	default:
		p.fail("unknown action %q", w)
	}
	return engine.NoAction
}

// confSchemaError renders a schema error by reldb's sentinel, falling back
// to its SQLSTATE.
func confSchemaError(err error) string {
	for _, s := range confSentinels {
		if errors.Is(err, s.err) {
			return "error " + s.name
		}
	}
	return confResult(err)
}

var confSentinels = []struct {
	err  error
	name string
}{
	{engine.ErrSchema, "ErrSchema"}, {engine.ErrExists, "ErrExists"}, {engine.ErrNoTable, "ErrNoTable"},
	{engine.ErrNoColumn, "ErrNoColumn"}, {engine.ErrNoIndex, "ErrNoIndex"}, {engine.ErrType, "ErrType"},
	{engine.ErrNotFound, "ErrNotFound"}, {engine.ErrNoSavepoint, "ErrNoSavepoint"}, {engine.ErrTxDone, "ErrTxDone"},
	{engine.ErrReadOnly, "ErrReadOnly"}, {engine.ErrConflict, "ErrConflict"}, {engine.ErrClosed, "ErrClosed"},
	{engine.ErrForeignKey, "ErrForeignKey"}, {engine.ErrRestrict, "ErrRestrict"}, {engine.ErrUnique, "ErrUnique"},
	{engine.ErrNotNull, "ErrNotNull"}, {engine.ErrNumericOverflow, "ErrNumericOverflow"},
}

// confResult renders a reldb statement's outcome as PostgreSQL's: ok, or
// error and the SQLSTATE (reldb's sentinel when it has none).
func confResult(err error) string {
	if err == nil {
		return "ok"
	}
	if state := engine.SQLState(err); state != "" {
		return "error " + state
	}
	for _, s := range confSentinels {
		if errors.Is(err, s.err) {
			return "error " + s.name
		}
	}
	return "error " + err.Error()
}

func confPGResult(res pgserver.Result) string {
	if res.OK {
		return "ok"
	}
	return "error " + res.SQLState
}

// ---- exec

type confKind uint8

const (
	confInsert confKind = iota + 1
	confUpdate
	confDelete
	confBegin
	confCommit
	confRollback
	confSavepointStmt
	confRollbackTo
	confSetConstraints
)

// confStmt is one parsed exec statement.
type confStmt struct {
	line     confLine
	kind     confKind
	table    string
	key, set []confAssign
	name     string   // savepoint
	names    []string // set constraints; nil for all
	mode     engine.ConstraintMode
}

type confAssign struct {
	col string
	val confLit
}

func confParseStmt(line string) (*confStmt, error) {
	toks, err := confLex(line)
	if err != nil {
		return nil, err
	}
	p := &confParser{toks: toks}
	s := &confStmt{}
	switch kw := p.word(); kw {
	case "insert":
		s.kind, s.table = confInsert, p.word()
		s.set = p.assigns("")
	case "update":
		s.kind, s.table = confUpdate, p.word()
		s.key = p.assigns("set")
		p.expect("set")
		s.set = p.assigns("")
		if len(s.set) == 0 && p.err == nil {
			p.fail("update sets nothing")
		}
	case "delete":
		s.kind, s.table = confDelete, p.word()
		s.key = p.assigns("")
	case "begin":
		s.kind = confBegin
	case "commit":
		s.kind = confCommit
	case "rollback":
		s.kind = confRollback
		if p.accept("to") {
			s.kind, s.name = confRollbackTo, p.word()
		}
	case "savepoint":
		s.kind, s.name = confSavepointStmt, p.word()
	case "set":
		s.kind = confSetConstraints
		p.expect("constraints")
		if !p.accept("all") {
			s.names = append(s.names, p.word())
			for p.accept(",") {
				s.names = append(s.names, p.word())
			}
		}
		switch m := p.word(); m {
		case "deferred":
			s.mode = engine.Deferred
		case "immediate":
			s.mode = engine.Immediate
		default:
			p.fail("want deferred or immediate, got %q", m)
		}
	default:
		p.fail("unknown statement %q", kw)
	}
	if (s.kind == confUpdate || s.kind == confDelete) && len(s.key) == 0 && p.err == nil {
		p.fail("%s needs the primary key", s.table)
	}
	if p.err == nil && !p.done() {
		p.fail("unexpected %q", p.peek().s)
	}
	return s, p.err
}

// assigns reads COL=VAL pairs until the end or the word stop.
func (p *confParser) assigns(stop string) []confAssign {
	var out []confAssign
	for p.err == nil && !p.done() && !(stop != "" && p.peek().s == stop && !p.peek().str) {
		col := p.word()
		p.expect("=")
		out = append(out, confAssign{col, p.lit()})
	}
	return out
}

// sql renders a statement for PostgreSQL.
func (s *confStmt) sql() string {
	where := func() string {
		conds := make([]string, len(s.key))
		for i, a := range s.key {
			conds[i] = confIdent(a.col) + " = " + a.val.sql()
		}
		return " WHERE " + strings.Join(conds, " AND ")
	}
	switch s.kind {
	case confInsert:
		if len(s.set) == 0 {
			return "INSERT INTO " + confIdent(s.table) + " DEFAULT VALUES"
		}
		cols, vals := make([]string, len(s.set)), make([]string, len(s.set))
		for i, a := range s.set {
			cols[i], vals[i] = confIdent(a.col), a.val.sql()
		}
		return fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", confIdent(s.table), strings.Join(cols, ", "), strings.Join(vals, ", "))
	case confUpdate:
		sets := make([]string, len(s.set))
		for i, a := range s.set {
			sets[i] = confIdent(a.col) + " = " + a.val.sql()
		}
		return "UPDATE " + confIdent(s.table) + " SET " + strings.Join(sets, ", ") + where()
	case confDelete:
		return "DELETE FROM " + confIdent(s.table) + where()
	case confBegin:
		return "BEGIN"
	case confCommit:
		return "COMMIT"
	case confRollback:
		return "ROLLBACK"
	case confSavepointStmt:
		return "SAVEPOINT " + confIdent(s.name)
	case confRollbackTo:
		return "ROLLBACK TO SAVEPOINT " + confIdent(s.name)
	case confSetConstraints:
		which := "ALL"
		if s.names != nil {
			q := make([]string, len(s.names))
			for i, n := range s.names {
				q[i] = confIdent(n)
			}
			which = strings.Join(q, ", ")
		}
		mode := "IMMEDIATE"
		if s.mode == engine.Deferred {
			mode = "DEFERRED"
		}
		return "SET CONSTRAINTS " + which + " " + mode
	}
	panic(fmt.Sprintf("conformance: statement kind %d", s.kind))
}

func confIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func (r *confRunner) exec(c *scenario.Case) string {
	t := r.t
	var stmts []*confStmt
	var sqls []string
	for _, l := range confInput(c) {
		s, err := confParseStmt(l.text)
		if err != nil {
			t.Fatalf("%s:%d: %q: %v", c.File, l.n, l.text, err)
		}
		s.line = l
		stmts = append(stmts, s)
		sqls = append(sqls, s.sql())
	}
	res := r.pg(sqls)
	var out strings.Builder
	for i, s := range stmts {
		got, want := r.reldb(s), confPGResult(res[i])
		if got != want {
			t.Errorf("%s:%d: %s\n    reldb:      %s\n    postgresql: %s", c.File, s.line.n, s.line.text, got, want)
		}
		out.WriteString(want + "\n")
	}
	r.endTx() // psql's session ends: PostgreSQL rolls back an open transaction
	return out.String()
}

// endTx rolls back the reldb side's open transaction, if any.
func (r *confRunner) endTx() {
	if r.tx != nil {
		_ = r.tx.Rollback()
	}
	r.tx, r.aborted, r.sps = nil, false, nil
}

// reldb runs one statement on reldb with PostgreSQL's session rules and
// returns its outcome.
func (r *confRunner) reldb(s *confStmt) string {
	t := r.t
	if r.tx == nil {
		switch s.kind {
		case confBegin:
			tx, err := r.db.Begin(confCtx, engine.TxOptions{})
			require.NoError(t, err)
			r.tx = tx
			return "ok"
		case confCommit, confRollback, confSetConstraints:
			return "ok" // PostgreSQL warns 25P01 and does nothing
		case confSavepointStmt, confRollbackTo:
			return "error 25P01" // only in a transaction block
		}
		tx, err := r.db.Begin(confCtx, engine.TxOptions{})
		require.NoError(t, err)
		if err := r.write(tx, s); err != nil {
			_ = tx.Rollback()
			return confResult(err)
		}
		return confResult(tx.Commit())
	}
	switch s.kind {
	case confBegin:
		return "ok" // PostgreSQL warns 25001
	case confCommit:
		tx, aborted := r.tx, r.aborted
		r.tx, r.aborted, r.sps = nil, false, nil
		if aborted {
			_ = tx.Rollback()
			return "ok" // COMMIT of a failed transaction rolls back
		}
		return confResult(tx.Commit())
	case confRollback:
		r.endTx()
		return "ok"
	case confRollbackTo:
		i := len(r.sps) - 1
		for i >= 0 && r.sps[i].name != s.name {
			i--
		}
		if i < 0 {
			r.aborted = true
			return "error 3B001"
		}
		require.NoError(t, r.tx.RollbackTo(r.sps[i].sp))
		r.sps, r.aborted = r.sps[:i+1], false
		return "ok"
	}
	if r.aborted {
		return "error 25P02"
	}
	var err error
	switch s.kind {
	case confSavepointStmt:
		var sp engine.Savepoint
		sp, err = r.tx.Savepoint()
		if err == nil {
			r.sps = append(r.sps, confSavepoint{s.name, sp})
		}
	case confSetConstraints:
		err = r.tx.SetConstraints(s.mode, s.names...)
	default:
		err = r.write(r.tx, s)
	}
	if err != nil {
		r.aborted = true
	}
	return confResult(err)
}

// write runs an insert, update or delete on reldb.
func (r *confRunner) write(tx *engine.Tx, s *confStmt) error {
	row := make(engine.Row, len(s.set))
	for _, a := range s.set {
		row[a.col] = r.value(s.table, a.col, a.val)
	}
	var err error
	switch s.kind {
	case confInsert:
		_, err = tx.Insert(s.table, row)
		return err
	case confUpdate:
		_, err = tx.Update(s.table, r.key(s), row)
	case confDelete:
		err = tx.Delete(s.table, r.key(s))
	default:
		panic(fmt.Sprintf("conformance: write of statement kind %d", s.kind))
	}
	if errors.Is(err, engine.ErrNotFound) {
		return nil // UPDATE 0, DELETE 0
	}
	return err
}

// key returns the primary key a statement names: a bare value or, for a
// composite key, an engine.Key in key order.
func (r *confRunner) key(s *confStmt) any {
	vals := make([]any, 0, len(s.key))
	if tb, ok := r.tables[s.table]; ok {
		given := make([]string, len(s.key))
		for i, a := range s.key {
			given[i] = a.col
		}
		if len(given) != len(tb.PrimaryKey) {
			r.t.Fatalf("%s: key columns %v are not the primary key %v of %s", s.line.text, given, tb.PrimaryKey, s.table)
		}
		for _, col := range tb.PrimaryKey {
			i := slices.Index(given, col)
			if i < 0 {
				r.t.Fatalf("%s: key columns %v are not the primary key %v of %s", s.line.text, given, tb.PrimaryKey, s.table)
			}
			vals = append(vals, r.value(s.table, col, s.key[i].val))
		}
	} else {
		for _, a := range s.key {
			vals = append(vals, r.value(s.table, a.col, a.val))
		}
	}
	if len(vals) == 1 {
		return vals[0]
	}
	return engine.Key(vals)
}

// value converts a literal for a column of a table, as PostgreSQL would
// read it for that column.
func (r *confRunner) value(table, col string, l confLit) any {
	var typ engine.Type
	if tb, ok := r.tables[table]; ok {
		for _, c := range tb.Columns {
			if c.Name == col {
				typ = c.Type
			}
		}
	}
	return confGoValue(typ, l)
}

// confGoValue converts a literal to the Go value reldb takes for a column
// of type typ (0 when unknown: the literal as written).
func confGoValue(typ engine.Type, l confLit) any {
	switch l.kind {
	case confNull:
		return nil
	case confBool:
		return l.text == "true"
	}
	switch typ {
	case engine.Int:
		if n, err := strconv.ParseInt(l.text, 10, 64); err == nil {
			return n
		}
	case engine.Float:
		if f, err := strconv.ParseFloat(l.text, 64); err == nil {
			return f
		}
	case engine.Text, engine.Decimal:
		return l.text
	case engine.Bytes:
		if h, ok := strings.CutPrefix(l.text, `\x`); ok && l.kind == confString {
			if b, err := hex.DecodeString(h); err == nil {
				return b
			}
		}
		return []byte(l.text)
	case engine.Time:
		for _, layout := range []string{"2006-01-02 15:04:05.999999Z07:00", "2006-01-02 15:04:05.999999Z07", time.RFC3339Nano} {
			if ts, err := time.Parse(layout, l.text); err == nil {
				return ts
			}
		}
	}
	if l.kind == confNumber {
		if n, err := strconv.ParseInt(l.text, 10, 64); err == nil {
			return n
		}
	}
	return l.text
}

// ---- dump

func (r *confRunner) dump(c *scenario.Case) string {
	t := r.t
	var tables []engine.Table
	var mine strings.Builder
	require.NoError(t, r.db.View(confCtx, func(tx *engine.Tx) error {
		var err error
		if tables, err = tx.Tables(); err != nil {
			return err
		}
		for _, tb := range tables {
			q := tx.Query(tb.Name)
			for _, col := range tb.PrimaryKey {
				q = q.OrderBy(col, engine.Asc)
			}
			recs, err := q.All()
			if err != nil {
				return err
			}
			if len(recs) == 0 {
				fmt.Fprintf(&mine, "%s: empty\n", tb.Name)
			}
			for _, rec := range recs {
				fmt.Fprintf(&mine, "%s: %s\n", tb.Name, confRenderRow(rec.Values()))
			}
		}
		return nil
	}))

	stmts := []string{
		"SET TimeZone TO 'UTC'",
		`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name::text COLLATE "C"`,
	}
	for _, tb := range tables {
		cols, order := make([]string, len(tb.Columns)), make([]string, len(tb.PrimaryKey))
		for i, col := range tb.Columns {
			cols[i] = confIdent(col.Name)
		}
		for i, col := range tb.PrimaryKey {
			order[i] = confIdent(col)
			if confColumn(tb, col).Type == engine.Text {
				order[i] += ` COLLATE "C"` // reldb orders text byte-wise
			}
		}
		stmts = append(stmts, fmt.Sprintf("SELECT %s FROM %s ORDER BY %s", strings.Join(cols, ", "), confIdent(tb.Name), strings.Join(order, ", ")))
	}
	res := r.pg(stmts)
	for _, x := range res {
		require.True(t, x.OK, "%s: PostgreSQL: error %s in %s", c.Pos(), x.SQLState, x.Stmt)
	}
	var pgTables, reldbTables []string
	for _, row := range res[1].Rows {
		pgTables = append(pgTables, row[0])
	}
	for _, tb := range tables {
		reldbTables = append(reldbTables, tb.Name)
	}
	assert.Equal(t, reldbTables, pgTables, "%s: tables on reldb and on PostgreSQL", c.Pos())
	var theirs strings.Builder
	for i, tb := range tables {
		rows := res[2+i].Rows
		if len(rows) == 0 {
			fmt.Fprintf(&theirs, "%s: empty\n", tb.Name)
		}
		for _, row := range rows {
			vals := make([]any, len(row))
			for j, text := range row {
				v, err := confParsePG(tb.Columns[j].Type, text)
				if err != nil {
					t.Errorf("%s: table %s column %s: PostgreSQL value %q: %v", c.Pos(), tb.Name, tb.Columns[j].Name, text, err)
				}
				vals[j] = v
			}
			fmt.Fprintf(&theirs, "%s: %s\n", tb.Name, confRenderRow(vals))
		}
	}
	if mine.String() != theirs.String() {
		t.Errorf("%s: dump: reldb's tables differ from PostgreSQL's\nreldb:\n%spostgresql:\n%s", c.Pos(), mine.String(), theirs.String())
	}
	return theirs.String()
}

func confColumn(tb engine.Table, name string) engine.Column {
	for _, c := range tb.Columns {
		if c.Name == name {
			return c
		}
	}
	return engine.Column{}
}

// confParsePG reads PostgreSQL's text output of a column of type typ into
// the Go value reldb stores.
func confParsePG(typ engine.Type, s string) (any, error) {
	if s == pgserver.Null {
		return nil, nil
	}
	switch typ {
	case engine.Int:
		return strconv.ParseInt(s, 10, 64)
	case engine.Float:
		return strconv.ParseFloat(s, 64)
	case engine.Text:
		return s, nil
	case engine.Bool:
		switch s {
		case "t":
			return true, nil
		case "f":
			return false, nil
		}
	case engine.Bytes:
		if h, ok := strings.CutPrefix(s, `\x`); ok {
			return hex.DecodeString(h)
		}
	case engine.Time:
		return time.Parse("2006-01-02 15:04:05.999999-07", s)
	case engine.Decimal:
		d, _, err := apd.NewFromString(s)
		return d, err
	}
	return s, fmt.Errorf("cannot read as %v", typ)
}

func confRenderRow(vals []any) string {
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = confRender(v)
	}
	return "(" + strings.Join(out, ", ") + ")"
}

// confRender renders a value one way whichever system it came from.
func confRender(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case string:
		return "'" + strings.ReplaceAll(x, "'", "''") + "'"
	case bool:
		return strconv.FormatBool(x)
	case []byte:
		return `'\x` + hex.EncodeToString(x) + "'"
	case time.Time:
		return "'" + x.UTC().Format("2006-01-02 15:04:05.999999Z07:00") + "'"
	case *apd.Decimal:
		return x.Text('f')
	}
	return fmt.Sprintf("%T(%v)", v, v)
}

// ---- lexing and parsing

// confTok is a token: a word, punctuation ( ) , = ->, or a quoted string
// (str, s unquoted).
type confTok struct {
	s   string
	str bool
}

func confLex(line string) ([]confTok, error) {
	var toks []confTok
	for i := 0; i < len(line); {
		switch ch := line[i]; {
		case ch == ' ' || ch == '\t':
			i++
		case ch == '\'':
			var b strings.Builder
			j := i + 1
			for ; ; j++ {
				if j >= len(line) {
					return nil, fmt.Errorf("unterminated string at column %d", i+1)
				}
				if line[j] == '\'' {
					if j+1 < len(line) && line[j+1] == '\'' {
						b.WriteByte('\'')
						j++
						continue
					}
					break
				}
				b.WriteByte(line[j])
			}
			toks = append(toks, confTok{s: b.String(), str: true})
			i = j + 1
		case strings.HasPrefix(line[i:], "->"):
			toks = append(toks, confTok{s: "->"})
			i += 2
		case strings.ContainsRune("(),=", rune(ch)):
			toks = append(toks, confTok{s: string(ch)})
			i++
		default:
			j := i
			for j < len(line) && !strings.ContainsRune(" \t(),='", rune(line[j])) && !strings.HasPrefix(line[j:], "->") {
				j++
			}
			toks = append(toks, confTok{s: line[i:j]})
			i = j
		}
	}
	return toks, nil
}

// confParser reads tokens; the first error sticks and later reads return
// zero values.
type confParser struct {
	toks []confTok
	i    int
	err  error
}

func (p *confParser) done() bool { return p.i >= len(p.toks) }

func (p *confParser) peek() confTok {
	if p.done() {
		return confTok{}
	}
	return p.toks[p.i]
}

func (p *confParser) fail(format string, args ...any) {
	if p.err == nil {
		p.err = fmt.Errorf(format, args...)
	}
}

func (p *confParser) next() confTok {
	if p.err != nil {
		return confTok{}
	}
	if p.done() {
		p.fail("unexpected end of line")
		return confTok{}
	}
	p.i++
	return p.toks[p.i-1]
}

// word reads a bare word (not punctuation, not a string).
func (p *confParser) word() string {
	tok := p.next()
	if p.err == nil && (tok.str || strings.ContainsAny(tok.s, "(),=") || tok.s == "->") {
		p.fail("want a word, got %q", tok.s)
	}
	return tok.s
}

func (p *confParser) accept(s string) bool {
	if p.err == nil && !p.done() && !p.peek().str && p.peek().s == s {
		p.i++
		return true
	}
	return false
}

func (p *confParser) expect(s string) {
	if tok := p.next(); p.err == nil && (tok.str || tok.s != s) {
		p.fail("want %q, got %q", s, tok.s)
	}
}

func (p *confParser) int() int {
	w := p.word()
	n, err := strconv.Atoi(w)
	if err != nil && p.err == nil {
		p.fail("want a number, got %q", w)
	}
	return n
}

// names reads (a, b, ...).
func (p *confParser) names() []string {
	p.expect("(")
	names := []string{p.word()}
	for p.accept(",") {
		names = append(names, p.word())
	}
	p.expect(")")
	return names
}

// confLit is a literal value as written in a scenario.
type confLit struct {
	kind confLitKind
	text string // the number, the unquoted string, or true/false
}

type confLitKind uint8

const (
	confNull confLitKind = iota + 1
	confBool
	confNumber
	confString
)

var confNumberRE = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

func (p *confParser) lit() confLit {
	tok := p.next()
	switch {
	case p.err != nil:
		return confLit{}
	case tok.str:
		return confLit{confString, tok.s}
	case tok.s == "null":
		return confLit{kind: confNull}
	case tok.s == "true" || tok.s == "false":
		return confLit{confBool, tok.s}
	case confNumberRE.MatchString(tok.s):
		return confLit{confNumber, tok.s}
	}
	p.fail("want a value (number, 'text', null, true, false), got %q", tok.s)
	return confLit{}
}

func (l confLit) sql() string {
	switch l.kind {
	case confNull:
		return "NULL"
	case confString:
		return "'" + strings.ReplaceAll(l.text, "'", "''") + "'"
	}
	return l.text
}
