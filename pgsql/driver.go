package pgsql

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"math"
	"reflect"
	"strings"
	"time"

	"github.com/cockroachdb/apd/v3"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/parse"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// DriverName is the name the database/sql driver is registered under.
const DriverName = "reldb"

func init() {
	sql.Register(DriverName, Driver{})
}

// Driver is the database/sql driver. sql.Open("reldb", "") opens a fresh,
// private in-memory database for that sql.DB, closed with it; other DSNs
// are refused in this version. To run SQL on a database the Go API also
// uses, open it with sql.OpenDB(pgsql.NewConnector(db)).
type Driver struct{}

var (
	_ driver.Driver        = Driver{}
	_ driver.DriverContext = Driver{}
)

// Open opens a connection to a new private database; database/sql calls
// OpenConnector instead, so that one sql.DB shares one database.
func (d Driver) Open(dsn string) (driver.Conn, error) {
	c, err := d.OpenConnector(dsn)
	if err != nil {
		return nil, err
	}
	return c.Connect(context.Background())
}

// OpenConnector returns a Connector on a fresh in-memory database for the
// empty DSN.
func (Driver) OpenConnector(dsn string) (driver.Connector, error) {
	if dsn != "" {
		return nil, errors.New(`pgsql: unsupported DSN: only "" (a private in-memory database) is supported`)
	}
	db, err := engine.Open(engine.Options{})
	if err != nil {
		return nil, err
	}
	c := NewConnector(db)
	c.owned = true
	return c, nil
}

// Connector connects database/sql to one engine.DB. Its connections share
// the DB's parse cache. It is safe for concurrent use.
type Connector struct {
	db        *engine.DB
	cache     *parse.Cache
	owned     bool // the DB was opened for this connector: Close closes it
	intercept Interceptor
}

// Interceptor runs around every statement text a connection executes for
// database/sql (Exec, Query and prepared statements; not the BEGIN,
// COMMIT and ROLLBACK of sql.Tx): sql is the text and args its arguments,
// and next runs it. An Interceptor may observe the statement, delay it,
// or fail it by returning an error without calling next — then, inside a
// transaction, the transaction is aborted as if the statement had failed
// (later statements get 25P02 until ROLLBACK). It runs on the calling
// goroutine and must be safe for concurrent use by several connections.
// reldbtest counts statements and injects faults with one.
type Interceptor func(ctx context.Context, sql string, args []any, next func() (Result, error)) (Result, error)

// Intercept makes every connection made after it run its statements
// through i, and returns c. Call it before the Connector is used.
func (c *Connector) Intercept(i Interceptor) *Connector {
	c.intercept = i
	return c
}

var (
	_ driver.Connector = (*Connector)(nil)
	_ io.Closer        = (*Connector)(nil)
)

// NewConnector returns a Connector on db, for sql.OpenDB: SQL then runs on
// the same tables and relations as the Go API. Closing the sql.DB leaves
// db open.
func NewConnector(db *engine.DB) *Connector {
	return &Connector{db: db, cache: parseCacheOf(db)}
}

// Connect opens a connection: one Session.
func (c *Connector) Connect(context.Context) (driver.Conn, error) {
	return &conn{s: newSession(c.db, c.cache), intercept: c.intercept}, nil
}

// Driver returns the reldb Driver.
func (c *Connector) Driver() driver.Driver { return Driver{} }

// Close closes the database if the connector opened it (the "" DSN).
func (c *Connector) Close() error {
	if c.owned {
		return c.db.Close()
	}
	return nil
}

// conn is a database/sql connection: one Session.
type conn struct {
	s         *Session
	intercept Interceptor // nil: none
	// args holds a statement's arguments while it runs; database/sql uses
	// a connection for one statement at a time.
	args []any
}

// exec runs the statements stmts parsed from sql (nil: parse sql), through
// the connector's Interceptor if it has one.
func (c *conn) exec(ctx context.Context, sql string, stmts []ir.Statement, args []driver.NamedValue) (Result, error) {
	if c.intercept == nil {
		vals, err := values(c.args[:0], args)
		if err != nil {
			return Result{}, err
		}
		c.args = vals
		defer clear(vals) // keep no argument reachable after its statement
		return c.run(ctx, sql, stmts, vals)
	}
	// An Interceptor may keep its arguments.
	vals, err := values(nil, args)
	if err != nil {
		return Result{}, err
	}
	run := func() (Result, error) { return c.run(ctx, sql, stmts, vals) }
	ran := false
	res, err := c.intercept(ctx, sql, vals, func() (Result, error) {
		ran = true
		return run()
	})
	if err != nil && !ran {
		if c.s.tx != nil {
			c.s.failed = true
		}
		err = toError(err)
	}
	return res, err
}

// run runs the statements stmts parsed from sql (nil: parse sql).
func (c *conn) run(ctx context.Context, sql string, stmts []ir.Statement, vals []any) (Result, error) {
	if stmts == nil {
		return c.s.Exec(ctx, sql, vals...)
	}
	return c.s.execParsed(ctx, stmts, sql, vals)
}

var (
	_ driver.Conn               = (*conn)(nil)
	_ driver.ConnPrepareContext = (*conn)(nil)
	_ driver.ConnBeginTx        = (*conn)(nil)
	_ driver.ExecerContext      = (*conn)(nil)
	_ driver.QueryerContext     = (*conn)(nil)
	_ driver.NamedValueChecker  = (*conn)(nil)
	_ driver.Pinger             = (*conn)(nil)
	_ driver.SessionResetter    = (*conn)(nil)
	_ driver.Validator          = (*conn)(nil)
)

func (c *conn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

// PrepareContext parses query once; executions reuse the statements.
func (c *conn) PrepareContext(_ context.Context, query string) (driver.Stmt, error) {
	stmts, err := c.s.parse(query)
	if err != nil {
		return nil, err
	}
	return &stmt{c: c, sql: query, stmts: stmts}, nil
}

func (c *conn) Close() error { return c.s.Close() }

func (c *conn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

// BeginTx starts a transaction: LevelRepeatableRead and LevelSnapshot
// run as REPEATABLE READ, the other levels up to LevelSerializable as
// serializable (see Session); ReadOnly makes a read-only one.
func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	b := &ir.Begin{}
	switch sql.IsolationLevel(opts.Isolation) {
	case sql.LevelDefault:
	case sql.LevelReadUncommitted:
		b.Modes.Isolation = ir.ReadUncommitted
	case sql.LevelReadCommitted:
		b.Modes.Isolation = ir.ReadCommitted
	case sql.LevelRepeatableRead, sql.LevelSnapshot:
		b.Modes.Isolation = ir.RepeatableRead
	case sql.LevelSerializable:
		b.Modes.Isolation = ir.Serializable
	default:
		return nil, pgerr.Unsupported("isolation level " + sql.IsolationLevel(opts.Isolation).String())
	}
	if opts.ReadOnly {
		b.Modes.Access = ir.ReadOnly
	}
	if _, err := c.s.run(ctx, b, "BEGIN", nil); err != nil {
		return nil, err
	}
	return &tx{c: c}, nil
}

func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	res, err := c.exec(ctx, query, nil, args)
	if err != nil {
		return nil, err
	}
	return result(res.RowsAffected), nil
}

func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	res, err := c.exec(ctx, query, nil, args)
	if err != nil {
		return nil, err
	}
	return &rows{res: res}, nil
}

// CheckNamedValue accepts the argument types the session binds and
// converts others as database/sql's default converter does.
func (c *conn) CheckNamedValue(nv *driver.NamedValue) error {
	switch v := nv.Value.(type) {
	case nil, int64, float64, string, []byte, bool, time.Time, *apd.Decimal:
		return nil
	case apd.Decimal:
		nv.Value = &v
		return nil
	}
	v, err := driver.DefaultParameterConverter.ConvertValue(nv.Value)
	if err != nil {
		// A slice binds to x = ANY($n).
		if elems, ok := sliceArg(nv.Value); ok {
			nv.Value = elems
			return nil
		}
		return err
	}
	nv.Value = v
	return nil
}

func (c *conn) Ping(context.Context) error { return nil }

// ResetSession ends a transaction a client left open.
func (c *conn) ResetSession(context.Context) error {
	c.s.endTx()
	return nil
}

func (c *conn) IsValid() bool { return true }

// values appends the values of args to out.
func values(out []any, args []driver.NamedValue) ([]any, error) {
	for _, a := range args {
		if a.Name != "" {
			return nil, errors.New("pgsql: named arguments are not supported: use $1, $2 and so on")
		}
		out = append(out, a.Value)
	}
	return out, nil
}

type result int64

func (r result) LastInsertId() (int64, error) {
	return 0, errors.New("pgsql: LastInsertId is not supported; use RETURNING")
}

func (r result) RowsAffected() (int64, error) { return int64(r), nil }

// stmt is a prepared statement: the text parsed once.
type stmt struct {
	c     *conn
	sql   string
	stmts []ir.Statement
}

var (
	_ driver.StmtExecContext  = (*stmt)(nil)
	_ driver.StmtQueryContext = (*stmt)(nil)
)

func (s *stmt) Close() error  { return nil }
func (s *stmt) NumInput() int { return -1 }

func (s *stmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.ExecContext(context.Background(), named(args))
}

func (s *stmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.QueryContext(context.Background(), named(args))
}

func named(args []driver.Value) []driver.NamedValue {
	out := make([]driver.NamedValue, len(args))
	for i, a := range args {
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	return out
}

func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	res, err := s.c.exec(ctx, s.sql, s.stmts, args)
	if err != nil {
		return nil, err
	}
	return result(res.RowsAffected), nil
}

func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	res, err := s.c.exec(ctx, s.sql, s.stmts, args)
	if err != nil {
		return nil, err
	}
	return &rows{res: res}, nil
}

// tx is a database/sql transaction: the session's explicit one.
type tx struct {
	c *conn
}

// Commit commits; a transaction aborted by an error rolls back instead,
// and Commit then returns 25P02.
func (t *tx) Commit() error {
	res, err := t.c.s.commit()
	if err != nil {
		return err
	}
	if res.Tag == "ROLLBACK" {
		return &Error{Code: pgerr.InFailedSQLTransaction, Message: "commit unexpectedly resulted in rollback"}
	}
	return nil
}

func (t *tx) Rollback() error {
	t.c.s.endTx()
	return nil
}

// rows iterates a materialised result.
type rows struct {
	res Result
	at  int
	// names holds the column names of a result of a few columns, so that
	// Columns, which database/sql calls for every query, allocates none.
	names [8]string
}

var (
	_ driver.RowsColumnTypeDatabaseTypeName = (*rows)(nil)
	_ driver.RowsColumnTypeLength           = (*rows)(nil)
	_ driver.RowsColumnTypePrecisionScale   = (*rows)(nil)
	_ driver.RowsColumnTypeScanType         = (*rows)(nil)
)

// The ColumnType methods answer as pgx's stdlib does from a
// RowDescription, which carries a column's type OID and modifier but not
// whether it may be NULL: so there is no ColumnTypeNullable, and
// database/sql reports nullability as unknown, as it does for PostgreSQL.

// ColumnTypeLength returns the length of a text, bytea, varchar or char
// column, math.MaxInt64 when it is unbounded; ok is false for other types.
func (r *rows) ColumnTypeLength(i int) (int64, bool) {
	c := r.res.Columns[i]
	switch c.OID() {
	case OIDText, OIDBytea:
		return math.MaxInt64, true
	case OIDVarchar, OIDBpchar:
		if m := c.TypeModifier(); m >= 4 {
			return int64(m - 4), true
		}
		return math.MaxInt64, true
	}
	return 0, false
}

// ColumnTypePrecisionScale returns a numeric(p, s) column's precision and
// scale, and 0 and 6 (microseconds) for timestamps and intervals; ok is
// false for an unconstrained numeric and for other types.
func (r *rows) ColumnTypePrecisionScale(i int) (precision, scale int64, ok bool) {
	c := r.res.Columns[i]
	switch c.OID() {
	case OIDNumeric:
		m := c.TypeModifier()
		if m < 4 {
			return 0, 0, false
		}
		m -= 4
		return int64(m >> 16 & 0xffff), int64(m & 0xffff), true
	case OIDTimestamp, OIDTimestamptz, OIDInterval:
		return 0, 6, true
	case OIDTime:
		if m := c.TypeModifier(); m >= 0 {
			return 0, int64(m), true
		}
		return 0, 6, true
	}
	return 0, 0, false
}

// ColumnTypeScanType returns the Go type a column's values scan into.
func (r *rows) ColumnTypeScanType(i int) reflect.Type {
	switch r.res.Columns[i].OID() {
	case OIDFloat8:
		return reflect.TypeFor[float64]()
	case OIDFloat4:
		return reflect.TypeFor[float32]()
	case OIDInt8:
		return reflect.TypeFor[int64]()
	case OIDInt4:
		return reflect.TypeFor[int32]()
	case OIDInt2:
		return reflect.TypeFor[int16]()
	case OIDBool:
		return reflect.TypeFor[bool]()
	case OIDNumeric:
		return reflect.TypeFor[float64]()
	case OIDDate, OIDTimestamp, OIDTimestamptz:
		return reflect.TypeFor[time.Time]()
	case OIDBytea:
		return reflect.TypeFor[[]byte]()
	}
	return reflect.TypeFor[string]()
}

func (r *rows) Columns() []string {
	var names []string
	if n := len(r.res.Columns); n <= len(r.names) {
		names = r.names[:n:n]
	} else {
		names = make([]string, n)
	}
	for i, c := range r.res.Columns {
		names[i] = c.Name
	}
	return names
}

// ColumnTypeDatabaseTypeName returns PostgreSQL's type name in upper case,
// as pgx's stdlib does (INT4, TEXT, NUMERIC, TIMESTAMPTZ).
func (r *rows) ColumnTypeDatabaseTypeName(i int) string {
	return strings.ToUpper(r.res.Columns[i].TypeName())
}

func (r *rows) Close() error { return nil }

// Next copies the next row into dest; numerics, intervals, jsonb and arrays
// arrive as their text, as PostgreSQL's text format sends them.
func (r *rows) Next(dest []driver.Value) error {
	if r.at >= len(r.res.Rows) {
		return io.EOF
	}
	for i, v := range r.res.Rows[r.at] {
		switch v.(type) {
		case *apd.Decimal, Interval, jsonbText, []any, enumValue:
			v, _ = r.res.Columns[i].Format(v)
		case int64:
			if r.res.Columns[i].OID() == OIDTime {
				v, _ = r.res.Columns[i].Format(v) // a time arrives as its text
			}
		}
		dest[i] = v
	}
	r.at++
	return nil
}
