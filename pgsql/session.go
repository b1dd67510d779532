package pgsql

import (
	"context"
	"maps"
	"strings"
	"time"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/parse"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Result is what one statement returned.
type Result struct {
	// Tag is the command tag PostgreSQL sends: "CREATE TABLE", "INSERT 0 3",
	// "UPDATE 2", "SELECT 1", "ROLLBACK" (also for the COMMIT of a failed
	// transaction).
	Tag string
	// Columns describe the returned rows; nil when the statement returns
	// none (it is not a query and has no RETURNING).
	Columns []Column
	// Rows are the returned rows, one Go value per column: int64, float64,
	// string, bool, []byte, time.Time (UTC), *apd.Decimal, Interval, or
	// nil for NULL.
	Rows [][]any
	// RowsAffected counts the rows a write statement inserted, updated or
	// deleted itself (rows changed by cascades are not counted), or the
	// rows a query returned.
	RowsAffected int64
	// Warnings are the warnings and notices PostgreSQL would send with
	// the result, such as 25P01 for a COMMIT outside a transaction, or
	// TRUNCATE ... CASCADE's NOTICE "truncate cascades to table" (its
	// Severity says which).
	Warnings []*Error
}

// Column is a result column: its name and its type.
type Column struct {
	Name string
	typ  sqlType
}

// TypeName returns the column's PostgreSQL type name as pg_type names it
// (int4, int8, numeric, text, varchar, bpchar, bool, bytea, timestamptz,
// ..., _text for text[]), or "text" for an untyped literal.
func (c Column) TypeName() string {
	if c.typ.kind == kUnknown {
		return "text"
	}
	if c.typ.array {
		return "_" + kindNames[c.typ.kind] // pg_type names an array type so
	}
	return kindNames[c.typ.kind]
}

// Session is one SQL session over a DB, with PostgreSQL's session rules:
// outside BEGIN each statement is its own transaction; inside one, the
// first error aborts it and every later statement fails with 25P02 until
// ROLLBACK (or ROLLBACK TO a savepoint), and COMMIT of an aborted
// transaction rolls back. Isolation levels are the engine's: READ
// COMMITTED (the default, as in PostgreSQL; concurrent updates of one row
// wait for each other), REPEATABLE READ and SERIALIZABLE (a lost race is
// 40001).
//
// A Session is not safe for concurrent use; open one per connection.
// Sessions of one DB may run concurrently.
type Session struct {
	db    *engine.DB
	cache *parse.Cache
	decls *declarations
	// schemas caches schemaOf's results (schema.go).
	schemas map[schemaKey]*tableSchema
	// simple caches the plans of simple SELECTs, nil for a statement that
	// is not one (simple.go).
	simple map[*ir.Select]*simplePlan
	// noSimple turns simple plans off, for tests that compare them with
	// the general executor.
	noSimple bool

	tx *engine.Tx // the explicit transaction, nil outside one
	// implicit says tx is an implicit block's, block that statements run
	// in an implicit block (multi.go).
	implicit, block bool
	// grouped is set while InOneStatement runs: a failed statement leaves
	// the implicit block's transaction to it, which undoes the group.
	grouped bool
	// txFresh says no statement has run in the explicit transaction yet,
	// so SET TRANSACTION may still change txOpts, the modes it began with.
	txFresh bool
	txOpts  engine.TxOptions
	// txStart and stmtStart are the database clock's time at the start of
	// the current transaction and statement: now() and
	// statement_timestamp() (clock.go).
	txStart, stmtStart time.Time
	// stmtCtx is the running statement's context, which an advisory lock
	// wait ends with; advisory says the session has taken advisory locks,
	// whose transaction-level ones end with each transaction (advisory.go).
	stmtCtx  context.Context
	advisory bool
	// vars are the run-time parameters SET changed, by lower-case name;
	// localSaved and txSaved hold the values to restore when the
	// transaction ends (SET LOCAL) or rolls back (SET) (settings.go).
	vars                map[string]string
	localSaved, txSaved map[string]*string
	intercept           Interceptor // nil: none (multi.go)
	failed              bool        // the explicit transaction is aborted
	savepoints          []savepoint
	// declTx holds the declarations the transaction changed, by table (nil
	// for a removed one); commitTx publishes them (schema.go). declBase
	// holds, for each table of declTx, the published declaration its
	// change was made from (nil for none), which must still be the
	// published one when they are published.
	declTx, declBase map[string]*tableDecl
	// userCalls remembers, for the statements run lately, whether each
	// calls a user function, while the declarations stay at generation
	// userCallsGen (userfunc.go).
	userCalls    map[*ir.Select]bool
	userCallsGen uint64
	// spareRow is an empty row an INSERT builds its first VALUES row in,
	// and gives back once the engine is done with it (dml.go), or nil.
	spareRow engine.Row
	// seqs are currval's and lastval's values (sequence.go).
	seqs seqSession
	// notices are the notices the running statement's triggers raised
	// (RAISE NOTICE, ...), which its result carries (plpgsql.go), unless
	// notify takes them as they are raised (OnNotice).
	notices []*Error
	notify  func(*Error)
	// trigDepth counts the trigger functions running, nested (trigger.go).
	trigDepth int
	// funcDepth counts the user functions running, nested (userfunc.go).
	funcDepth int
	// actTx and actQ are the transaction and AFTER queue of the UPDATE or
	// DELETE watching its foreign-key actions, and actionFn is onAction,
	// made once (trigger.go).
	actTx    *engine.Tx
	actQ     *afterQueue
	actionFn engine.ActionHook
	// xid is the transaction id txid_current() gave tx (xact.go).
	xid struct {
		tx *engine.Tx
		id int64
	}
	// notes are the session's LISTEN and NOTIFY state (notify.go).
	notes notifyState
}

type savepoint struct {
	name  string
	sp    engine.Savepoint
	decls map[string]*tableDecl // declTx when the savepoint was taken
	notes notifyMark            // the NOTIFY work pending then (notify.go)
}

// NewSession returns a session over db.
func NewSession(db *engine.DB) *Session {
	return newSession(db, parseCacheOf(db))
}

func newSession(db *engine.DB, cache *parse.Cache) *Session {
	return &Session{db: db, cache: cache, decls: declsOf(db)}
}

// OnNotice makes the session hand the notices its statements raise
// (PL/pgSQL's RAISE NOTICE, INFO and WARNING in a trigger) to fn as they
// are raised, as PostgreSQL sends them, rather than in the Warnings of
// the statement's Result, which a failing statement does not return; nil
// restores that. fn runs on the goroutine running the statement.
func (s *Session) OnNotice(fn func(*Error)) { s.notify = fn }

// InTransaction reports whether an explicit transaction is open (aborted
// or not).
func (s *Session) InTransaction() bool { return s.tx != nil && !s.implicit }

// Close ends the session, rolling back a transaction still open.
func (s *Session) Close() error {
	s.endTx()
	if s.advisory {
		advisoryOf(s).release(s, false)
	}
	s.closeNotify() // notify.go
	return nil
}

// releaseXactLocks ends the transaction-level advisory locks.
func (s *Session) releaseXactLocks() {
	if s.advisory {
		advisoryOf(s).release(s, true)
	}
}

func (s *Session) endTx() {
	s.releaseXactLocks()
	// A rolled-back transaction takes its SETs with it, as in PostgreSQL.
	s.endLocalSettings()
	for k, v := range s.txSaved {
		if v == nil {
			delete(s.vars, k)
		} else {
			s.vars[k] = *v
		}
	}
	s.txSaved = nil
	if s.tx != nil {
		_ = s.tx.Rollback()
	}
	s.tx, s.failed, s.implicit, s.savepoints, s.declTx = nil, false, false, nil, nil
	s.xid.tx = nil
}

// Exec runs the statements of sql, with args bound to $1, $2, ... (int64,
// float64, string, []byte, bool, time.Time, *apd.Decimal, Interval or
// nil), and
// returns the last statement's result. Statements run one after the other
// and the first error stops them; several statements outside BEGIN run in
// one implicit transaction, as in PostgreSQL's simple query protocol (see
// ExecEach). Every error is an *Error.
//
// Arguments may be given only to a text holding one statement (42601), as
// PostgreSQL's extended protocol requires.
func (s *Session) Exec(ctx context.Context, sql string, args ...any) (Result, error) {
	stmts, err := s.parse(sql)
	if err != nil {
		return Result{}, err
	}
	return s.execParsed(ctx, stmts, sql, args)
}

// parse parses sql through the session's cache. A text that does not
// parse is a statement that failed, as in PostgreSQL: inside a
// transaction block it aborts the block (25P02 until ROLLBACK).
func (s *Session) parse(sql string) ([]ir.Statement, error) {
	stmts, err := s.cache.Parse(sql)
	if err != nil && s.tx != nil && !s.implicit {
		s.failed = true
	}
	return stmts, err
}

// execParsed is Exec of statements already parsed from sql.
func (s *Session) execParsed(ctx context.Context, stmts []ir.Statement, sql string, args []any) (Result, error) {
	if len(args) > 0 && len(stmts) > 1 {
		return Result{}, pgerr.Syntax("cannot insert multiple commands into a prepared statement")
	}
	var last Result
	err := s.execEach(ctx, stmts, sql, args, func(res Result) error {
		last = res
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	return last, nil
}

// run runs one statement under the session's transaction rules.
func (s *Session) run(ctx context.Context, st ir.Statement, sql string, args []any) (Result, error) {
	if s.decls.err != nil {
		return Result{}, s.decls.err // the declarations could not be read back
	}
	if err := ctx.Err(); err != nil {
		if s.tx != nil && !s.implicit {
			// Cancelled as it starts: it fails, and so aborts the block.
			s.failed = true
		}
		return Result{}, toError(err)
	}
	ctx, cancel := s.statementContext(ctx)
	defer cancel()
	res, err := s.runIn(ctx, st, sql, args)
	if err != nil && ctx.Err() != nil && context.Cause(ctx) == errStatementTimeout {
		return res, &Error{Code: "57014", Message: "canceling statement due to statement timeout"}
	}
	return res, err
}

// runIn is run within the statement's context.
func (s *Session) runIn(ctx context.Context, st ir.Statement, sql string, args []any) (Result, error) {
	s.stmtStart = s.db.Now()
	if s.tx == nil {
		s.txStart = s.stmtStart
	}
	s.stmtCtx = ctx
	defer func() { s.stmtCtx = nil }()
	if s.tx == nil && s.advisory {
		// A statement outside a transaction block is a transaction of its
		// own: its transaction-level advisory locks end with it.
		defer s.releaseXactLocks()
	}
	switch st := st.(type) {
	case *ir.Begin:
		return s.begin(ctx, st, sql)
	case *ir.Commit:
		return s.commit()
	case *ir.Rollback:
		if s.tx == nil || s.implicit {
			s.endTx()
			return Result{Tag: "ROLLBACK", Warnings: []*Error{noTransaction()}}, nil
		}
		s.endTx()
		return Result{Tag: "ROLLBACK"}, nil
	case *ir.RollbackTo:
		return s.rollbackTo(st.Name)
	}
	if s.failed {
		return Result{}, pgerr.InFailedTransactionError()
	}
	switch st := st.(type) {
	case *ir.Savepoint:
		return s.savepoint(st.Name)
	case *ir.ReleaseSavepoint:
		return s.release(st.Name)
	case *ir.SetConstraints:
		return s.setConstraints(st)
	case *ir.SetTransaction:
		return s.setTransaction(ctx, st)
	case *ir.SetVar, *ir.ShowVar, *ir.ResetVar:
		res, err := s.settingStatement(st)
		if err != nil && s.tx != nil {
			s.failed = true
		}
		return res, toErrorOrNil(err)
	}
	if m, ok := st.(*ir.Maintenance); ok && m.Vacuum && s.tx != nil {
		s.failed = true
		return Result{}, vacuumInBlock()
	}
	if s.tx != nil {
		s.txFresh = false
		res, err := s.inStatement(ctx, s.tx, st, args)
		if err != nil {
			s.failed = true
			return Result{}, toError(err)
		}
		return res, nil
	}
	sel, query := st.(*ir.Select)
	query = query && len(sel.Locking) == 0 && !hasWrites(sel.With) // FOR UPDATE takes locks, WITH may write: a writer
	query = query && !s.callsUserFunction(sel)                     // one may write (userfunc.go)
	opts := s.defaultOpts()
	opts.ReadOnly = query
	tx, err := s.db.Begin(ctx, opts)
	if err != nil {
		return Result{}, toError(err)
	}
	res, err := s.inStatement(ctx, tx, st, args)
	if err != nil {
		_ = tx.Rollback()
		s.declTx = nil
		return Result{}, toError(err)
	}
	if err := s.commitTx(tx); err != nil {
		_ = tx.Rollback()
		return Result{}, toError(err)
	}
	return res, nil
}

func noTransaction() *Error {
	return &Error{Code: pgerr.NoActiveSQLTransaction, Message: "there is no transaction in progress"}
}

func (s *Session) begin(ctx context.Context, st *ir.Begin, sql string) (Result, error) {
	tag := "BEGIN"
	if strings.HasPrefix(strings.ToUpper(strings.TrimSpace(stripComments(sql))), "START") {
		tag = "START TRANSACTION"
	}
	if s.implicit {
		// BEGIN inside a multi-statement text turns its implicit block
		// into an explicit transaction, as PostgreSQL does.
		s.implicit = false
		return Result{Tag: tag}, nil
	}
	if s.tx != nil {
		if s.failed {
			return Result{}, pgerr.InFailedTransactionError()
		}
		return Result{Tag: tag, Warnings: []*Error{{Code: pgerr.ActiveSQLTransaction, Message: "there is already a transaction in progress"}}}, nil
	}
	// The transaction outlives this statement: its context is not the
	// statement's, which a caller (a wire server) cancels when the
	// statement ends.
	opts := txOptions(st.Modes, s.defaultOpts())
	tx, err := s.db.Begin(context.WithoutCancel(ctx), opts)
	if err != nil {
		return Result{}, toError(err)
	}
	s.tx, s.txFresh, s.txOpts = tx, true, opts
	return Result{Tag: tag}, nil
}

// txOptions applies the modes of BEGIN or SET TRANSACTION to opts: each
// level is the engine's of that name, and READ UNCOMMITTED is READ
// COMMITTED, as in PostgreSQL.
func txOptions(m ir.TxModes, opts engine.TxOptions) engine.TxOptions {
	switch m.Access {
	case ir.ReadOnly:
		opts.ReadOnly = true
	case ir.ReadWrite:
		opts.ReadOnly = false
	}
	switch m.Isolation {
	case ir.RepeatableRead:
		opts.Isolation = engine.RepeatableRead
	case ir.Serializable:
		opts.Isolation = engine.Serializable
	case ir.ReadCommitted, ir.ReadUncommitted:
		opts.Isolation = engine.ReadCommitted
	}
	return opts
}

// sessionTxOptions are the modes a transaction takes when nothing says
// otherwise: PostgreSQL's default, READ COMMITTED.
var sessionTxOptions = engine.TxOptions{Isolation: engine.ReadCommitted}

// setTransaction is SET TRANSACTION: outside a transaction block it warns
// and does nothing, after the block's first query it is 25001, as in
// PostgreSQL; before, it begins the block's transaction again with the
// new modes (nothing has happened in it yet).
func (s *Session) setTransaction(ctx context.Context, st *ir.SetTransaction) (Result, error) {
	res := Result{Tag: "SET"}
	if s.tx == nil {
		res.Warnings = []*Error{inBlockOnly("SET TRANSACTION")}
		return res, nil
	}
	if !s.txFresh {
		if st.Modes.Isolation != ir.IsolationDefault {
			return res, s.fail(&Error{Code: "25001", Message: "SET TRANSACTION ISOLATION LEVEL must be called before any query"})
		}
		if st.Modes.Access != ir.AccessDefault {
			// PostgreSQL allows READ ONLY later, and READ WRITE only while
			// nothing was written: reldb's engine fixes the mode at begin.
			return res, s.fail(pgerr.Unsupported("SET TRANSACTION READ ONLY / READ WRITE after the first query"))
		}
		return res, nil
	}
	opts := txOptions(st.Modes, s.txOpts)
	tx, err := s.db.Begin(ctx, opts)
	if err != nil {
		return res, s.fail(err)
	}
	_ = s.tx.Rollback()
	s.tx, s.txOpts = tx, opts
	return res, nil
}

// stripComments drops the leading -- comments of a statement's text.
func stripComments(sql string) string {
	for {
		sql = strings.TrimSpace(sql)
		if !strings.HasPrefix(sql, "--") {
			return sql
		}
		_, rest, ok := strings.Cut(sql, "\n")
		if !ok {
			return ""
		}
		sql = rest
	}
}

func (s *Session) commit() (Result, error) {
	switch {
	case s.tx == nil:
		return Result{Tag: "COMMIT", Warnings: []*Error{noTransaction()}}, nil
	case s.failed:
		s.endTx()
		return Result{Tag: "ROLLBACK"}, nil
	}
	tx, implicit := s.tx, s.implicit
	s.tx, s.failed, s.implicit, s.savepoints = nil, false, false, nil
	defer s.releaseXactLocks()
	s.endLocalSettings()
	s.txSaved = nil
	if err := s.commitTx(tx); err != nil {
		_ = tx.Rollback()
		return Result{}, toError(err)
	}
	if implicit {
		return Result{Tag: "COMMIT", Warnings: []*Error{noTransaction()}}, nil
	}
	return Result{Tag: "COMMIT"}, nil
}

func inBlockOnly(what string) *Error {
	return &Error{Code: pgerr.NoActiveSQLTransaction, Message: what + " can only be used in transaction blocks"}
}

func (s *Session) savepoint(name string) (Result, error) {
	if s.tx == nil || s.implicit {
		return Result{}, inBlockOnly("SAVEPOINT")
	}
	sp, err := s.tx.Savepoint()
	if err != nil {
		return Result{}, toError(err)
	}
	s.savepoints = append(s.savepoints, savepoint{name: name, sp: sp, decls: maps.Clone(s.declTx), notes: s.notifyMark()})
	return Result{Tag: "SAVEPOINT"}, nil
}

// findSavepoint returns the position of the newest savepoint named name.
func (s *Session) findSavepoint(name string) (int, error) {
	for i := len(s.savepoints) - 1; i >= 0; i-- {
		if s.savepoints[i].name == name {
			return i, nil
		}
	}
	return 0, &Error{Code: "3B001", Message: "savepoint \"" + name + "\" does not exist"}
}

func (s *Session) release(name string) (Result, error) {
	if s.tx == nil || s.implicit {
		return Result{}, inBlockOnly("RELEASE SAVEPOINT")
	}
	i, err := s.findSavepoint(name)
	if err != nil {
		s.failed = true
		return Result{}, err
	}
	s.savepoints = s.savepoints[:i]
	return Result{Tag: "RELEASE"}, nil
}

func (s *Session) rollbackTo(name string) (Result, error) {
	if s.tx == nil || s.implicit {
		return Result{}, inBlockOnly("ROLLBACK TO SAVEPOINT")
	}
	i, err := s.findSavepoint(name)
	if err != nil {
		s.failed = true
		return Result{}, err
	}
	if err := s.tx.RollbackTo(s.savepoints[i].sp); err != nil {
		return Result{}, toError(err)
	}
	s.savepoints = s.savepoints[:i+1]
	s.declTx = maps.Clone(s.savepoints[i].decls)
	s.rollbackNotify(s.savepoints[i].notes)
	s.failed = false
	return Result{Tag: "ROLLBACK"}, nil
}

// setConstraints is SET CONSTRAINTS. Outside a transaction it does nothing
// and warns, as PostgreSQL does.
func (s *Session) setConstraints(st *ir.SetConstraints) (Result, error) {
	res := Result{Tag: "SET CONSTRAINTS"}
	if s.tx == nil {
		res.Warnings = []*Error{inBlockOnly("SET CONSTRAINTS")}
		return res, nil
	}
	mode := engine.Immediate
	if st.Deferred {
		mode = engine.Deferred
	}
	var names []string
	if !st.All {
		rels, err := s.tx.Relations("")
		if err != nil {
			return res, s.fail(err)
		}
		for _, n := range st.Names {
			i := -1
			for j, r := range rels {
				if r.Name == n.Name {
					i = j
				}
			}
			if i < 0 {
				return res, s.fail(&Error{Code: pgerr.UndefinedObject, Message: `constraint "` + n.Name + `" does not exist`})
			}
			if !rels[i].Deferrable {
				return res, s.fail(&Error{Code: "42809", Message: `constraint "` + n.Name + `" is not deferrable`})
			}
			names = append(names, n.Name)
		}
	}
	if err := s.tx.SetConstraints(mode, names...); err != nil {
		return res, s.fail(err)
	}
	return res, nil
}

// fail aborts the explicit transaction and returns err as an *Error.
func (s *Session) fail(err error) error {
	s.failed = true
	return toError(err)
}

// inStatement runs a statement in the session's transaction, which, under
// READ COMMITTED, takes the latest committed state for it.
func (s *Session) inStatement(ctx context.Context, tx *engine.Tx, st ir.Statement, args []any) (Result, error) {
	tx.SetLockTimeout(s.settingDuration("lock_timeout"))
	if err := tx.BeginStatement(ctx); err != nil {
		return Result{}, err
	}
	defer tx.EndStatement()
	s.notices = nil
	res, err := s.statement(tx, st, args)
	if err != nil {
		err = s.uniqueKeyDetail(s.failingRowDetail(tx, err)) // exprindex.go
	}
	if len(s.notices) > 0 {
		res.Warnings = append(s.notices, res.Warnings...)
		s.notices = nil
	}
	return res, err
}

// statement runs a statement other than transaction control in tx.
func (s *Session) statement(tx *engine.Tx, st ir.Statement, args []any) (Result, error) {
	if sel, ok := st.(*ir.Select); ok {
		if res, ok, err := s.simpleSelect(tx, sel, args); ok {
			return res, err
		}
	}
	// The statement's evaluator and its environment, in one allocation.
	env := &struct {
		ev evaluator
		q  queryEnv
	}{q: queryEnv{s: s, tx: tx}}
	env.ev = evaluator{params: args, q: &env.q}
	ev := &env.ev
	switch st := st.(type) {
	case *ir.CreateTable:
		return s.createTable(tx, st)
	case *ir.CreateTableAs:
		return s.createTableAs(tx, st, ev) // createas.go
	case *ir.CreateIndex:
		return s.createIndex(tx, st)
	case *ir.Drop:
		return s.drop(tx, st)
	case *ir.AlterTable:
		return s.alterTable(tx, st)
	case *ir.RenameIndex:
		return s.renameIndexStmt(tx, st) // alter.go
	case *ir.Insert, *ir.Update, *ir.Delete:
		return s.write(tx, st, ev) // dml.go
	case *ir.Select:
		return s.query(tx, st, ev)
	case *ir.Truncate:
		return s.truncate(tx, st) // truncate.go
	case *ir.Maintenance:
		return s.maintenance(tx, st) // maintenance.go
	case *ir.CommentOn:
		return s.commentOn(tx, st) // comment.go
	case *ir.CreateView:
		return s.createView(tx, st) // view.go
	case *ir.CreateSequence:
		return s.createSequence(tx, st) // sequence.go
	case *ir.AlterSequence:
		return s.alterSequence(tx, st)
	case *ir.CreateExtension:
		return s.createExtension(st) // extension.go
	case *ir.DropExtension:
		return s.dropExtension(tx, st)
	case *ir.CreateDomain:
		return s.createDomain(tx, st) // domain.go
	case *ir.AlterDomain:
		return s.alterDomain(tx, st)
	case *ir.CreateEnum:
		return s.createEnum(tx, st) // enum.go
	case *ir.AlterEnum:
		return s.alterEnum(tx, st)
	case *ir.CreateRole, *ir.AlterRole, *ir.RenameRole, *ir.DropRole, *ir.GrantRole, *ir.Grant,
		*ir.AlterOwner, *ir.ReassignOwned, *ir.DropOwned, *ir.AlterDefaultPrivileges:
		return s.roleStatement(tx, st) // role.go
	case *ir.CreateFunction:
		return s.createFunction(tx, st) // trigger.go
	case *ir.DropFunction:
		return s.dropFunction(tx, st)
	case *ir.CreateTrigger:
		return s.createTrigger(tx, st)
	case *ir.DropTrigger:
		return s.dropTrigger(tx, st)
	case *ir.Do:
		return s.do(tx, st) // do.go
	case *ir.Listen, *ir.Unlisten:
		return s.listenStmt(tx, st) // notify.go
	case *ir.Notify:
		return s.notifyStmt(tx, st)
	}
	return Result{}, pgerr.Unsupported(statementName(st))
}

// statementName names a statement kind for its 0A000.
func statementName(st ir.Statement) string {
	switch st.(type) {
	case *ir.CreateView:
		return "CREATE VIEW"
	case *ir.Truncate:
		return "TRUNCATE"
	case *ir.CommentOn:
		return "COMMENT ON"
	case *ir.SetVar:
		return "SET"
	case *ir.ShowVar:
		return "SHOW"
	case *ir.ResetVar:
		return "RESET"
	case *ir.Explain:
		return "EXPLAIN"
	}
	s := st.String()
	if i := strings.IndexByte(s, ' '); i > 0 {
		s = s[:i]
	}
	return s
}
