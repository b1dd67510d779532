package pgwire

import (
	"context"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/reldb/reldb/pgsql"
)

// ServerVersion is the server_version a client is told: the PostgreSQL
// version whose behaviour reldb follows, then reldb's name.
const ServerVersion = "15.0 (reldb)"

// startupTimeout bounds how long a client may take to start up.
const startupTimeout = 30 * time.Second

// flushAt is how much output a connection buffers before it writes
// without waiting for Sync.
const flushAt = 64 << 10

// maxOutBuffer is the largest output buffer a connection keeps once it
// has written it: a larger one, grown for a big row, is dropped.
const maxOutBuffer = 2 * flushAt

// conn is one client connection: its protocol state and its session.
// Only its own goroutine touches it, except cancel, under mu.
type conn struct {
	srv    *Server
	nc     net.Conn // a *tls.Conn once encrypted
	tls    bool
	be     *pgproto3.Backend
	pid    uint32
	secret []byte

	user, database string
	sess           *pgsql.Session
	done           chan struct{} // closed once the connection is served to its end

	stmts   map[string]*statement // prepared statements by name; "" is the unnamed one
	portals map[string]*portal
	// skipping is set by an error in an extended-protocol message: the
	// messages up to the next Sync are ignored.
	skipping bool
	writeErr error
	// ready says the last message sent was ReadyForQuery outside a
	// transaction block: waiting for the next message, the connection is
	// idle, and notifications go out at once (notify.go).
	ready bool
	// note guards idle, and the notifier's writes while it is set.
	note struct {
		sync.Mutex
		idle bool
	}

	// wb is the output not yet written to nc. be writes into it: send
	// moves each message there at once (be.Flush), and sendRows encodes
	// data rows straight into it.
	wb outBuffer

	// out holds the messages sent most often, reused for every one:
	// Send encodes a message into the backend's write buffer at once and
	// keeps nothing of it, so one of each serves the whole connection
	// without an allocation per row or per statement.
	out struct {
		complete pgproto3.CommandComplete
		ready    pgproto3.ReadyForQuery
	}

	// mu guards the context statements run under, which a CancelRequest
	// cancels from another goroutine.
	mu struct {
		sync.Mutex
		// ctx is the context of every statement of the connection until
		// one is canceled; the next statement gets a new one. One per
		// statement cost three allocations and a registration with the
		// server's context each time.
		ctx     context.Context
		cancel  context.CancelFunc // ctx's; called when the connection ends
		running bool               // a statement runs under ctx
	}
}

// serveConn serves nc to its end and closes it.
func (s *Server) serveConn(nc net.Conn) {
	defer nc.Close()
	if !s.opened(nc) {
		return
	}
	defer s.closed(nc)
	c := &conn{srv: s, nc: nc, stmts: map[string]*statement{}, portals: map[string]*portal{}, done: make(chan struct{})}
	c.wb.w = nc
	c.be = pgproto3.NewBackend(nc, &c.wb)
	defer close(c.done)
	c.be.SetMaxBodyLen(s.opts.MaxMessageSize)
	if !c.startup() {
		return
	}
	defer s.unregister(c)
	defer c.endContext()
	defer c.sess.Close() // rolls back a transaction left open
	defer func() {
		// A bug that panics in one session ends that connection, with
		// PostgreSQL's internal error and the panic's text, not the
		// server and every other session with it.
		if r := recover(); r != nil {
			c.fatal(&pgsql.Error{Code: "XX000", Message: fmt.Sprintf("internal error: %v", r)})
		}
	}()
	c.loop()
}

// fatal sends a FATAL error and flushes; the caller then closes.
func (c *conn) fatal(e *pgsql.Error) {
	c.be.Send(errorResponse("FATAL", e))
	_ = c.flush()
}

// startup runs the startup phase: SSL and GSS encryption refused,
// a cancel request served, then the startup message, authentication and
// the session's parameters. It reports whether the connection goes on.
func (c *conn) startup() bool {
	_ = c.nc.SetReadDeadline(time.Now().Add(startupTimeout))
	var sm *pgproto3.StartupMessage
	for sm == nil {
		msg, err := c.be.ReceiveStartupMessage()
		if err != nil {
			if !isClosed(err) {
				c.fatal(protocolError("invalid startup packet: %v", err))
			}
			return false
		}
		switch m := msg.(type) {
		case *pgproto3.SSLRequest:
			if !c.startTLS() {
				return false
			}
		case *pgproto3.GSSEncRequest:
			if _, err := c.nc.Write([]byte{'N'}); err != nil {
				return false
			}
		case *pgproto3.CancelRequest:
			c.srv.cancel(m.ProcessID, m.SecretKey)
			return false
		case *pgproto3.StartupMessage:
			sm = m
		}
	}
	_ = c.nc.SetReadDeadline(time.Time{})
	if sm.ProtocolVersion != pgproto3.ProtocolVersion30 {
		// We speak 3.0; tell a client asking for 3.2 so, with the
		// protocol options it asked for that we do not know.
		var unknown []string
		for k := range sm.Parameters {
			if strings.HasPrefix(k, "_pq_.") {
				unknown = append(unknown, k)
			}
		}
		c.be.Send(&pgproto3.NegotiateProtocolVersion{NewestMinorProtocol: 0, UnrecognizedOptions: unknown})
	}
	c.user = sm.Parameters["user"]
	if c.user == "" {
		c.fatal(&pgsql.Error{Code: "28000", Message: "no PostgreSQL user name specified in startup packet"})
		return false
	}
	c.database = sm.Parameters["database"]
	if c.database == "" {
		c.database = c.user
	}
	if enc := sm.Parameters["client_encoding"]; enc != "" && !isUTF8(enc) {
		c.fatal(&pgsql.Error{Code: "22023", Message: `invalid value for parameter "client_encoding": "` + enc + `"`, Hint: "reldb speaks UTF8 only."})
		return false
	}
	if !c.srv.register(c) {
		c.fatal(&pgsql.Error{Code: "53300", Message: "sorry, too many clients already"})
		return false
	}
	if !c.authenticate() {
		c.srv.unregister(c)
		return false
	}
	db, err := c.srv.DB(c.database)
	if err != nil {
		c.fatal(&pgsql.Error{Code: "3D000", Message: `database "` + c.database + `" does not exist`, Detail: err.Error()})
		c.srv.unregister(c)
		return false
	}
	pgsql.SetDatabaseInfo(db, c.database, c.srv.databaseNames)
	c.sess = pgsql.NewSession(db)
	c.sess.SetBackendPID(c.pid) // pg_backend_pid() and NOTIFY's sender
	// A trigger's RAISE NOTICE goes out as it is raised, before the
	// statement's result or error, as PostgreSQL sends it.
	c.sess.OnNotice(func(e *pgsql.Error) { c.send(noticeResponse(e)) })
	if c.srv.opts.Intercept != nil {
		c.sess.Intercept(c.srv.opts.Intercept)
	}
	c.be.Send(&pgproto3.AuthenticationOk{})
	appName := sm.Parameters["application_name"]
	for _, p := range [][2]string{
		{"server_version", ServerVersion},
		{"server_encoding", "UTF8"},
		{"client_encoding", "UTF8"},
		{"DateStyle", "ISO, MDY"},
		{"IntervalStyle", "postgres"},
		{"TimeZone", "UTC"},
		{"integer_datetimes", "on"},
		{"standard_conforming_strings", "on"},
		{"is_superuser", "on"},
		{"session_authorization", c.user},
		{"application_name", appName},
	} {
		c.be.Send(&pgproto3.ParameterStatus{Name: p[0], Value: p[1]})
	}
	c.be.Send(&pgproto3.BackendKeyData{ProcessID: c.pid, SecretKey: c.secret})
	c.readyForQuery()
	if c.flush() != nil {
		return false
	}
	go c.notifier() // notify.go
	return true
}

// startTLS answers an SSLRequest: 'S' and a TLS handshake when the server
// has a certificate and the connection is not encrypted yet, else 'N'.
// It reports whether the connection goes on.
func (c *conn) startTLS() bool {
	if c.srv.opts.TLS == nil || c.tls {
		_, err := c.nc.Write([]byte{'N'})
		return err == nil
	}
	if _, err := c.nc.Write([]byte{'S'}); err != nil {
		return false
	}
	tc := tls.Server(c.nc, c.srv.opts.TLS)
	if err := tc.Handshake(); err != nil {
		return false
	}
	// A new reader: bytes the client sent in clear after its SSLRequest
	// are dropped, not taken as encrypted (CVE-2021-23214).
	c.nc, c.tls = tc, true
	c.wb.w = tc
	c.be = pgproto3.NewBackend(tc, &c.wb)
	c.be.SetMaxBodyLen(c.srv.opts.MaxMessageSize)
	return true
}

func isUTF8(enc string) bool {
	switch strings.ToUpper(strings.Trim(enc, `'"`)) {
	case "UTF8", "UTF-8", "UNICODE":
		return true
	}
	return false
}

// isClosed reports whether err means the client went away.
func isClosed(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) || errors.Is(err, io.ErrClosedPipe)
}

// loop serves messages until the client terminates or breaks the
// protocol.
func (c *conn) loop() {
	for c.writeErr == nil {
		idle := c.ready
		if idle {
			c.enterIdle() // notify.go
		}
		msg, err := c.be.Receive()
		if idle {
			c.leaveIdle()
		}
		c.ready = false
		if err != nil {
			if !isClosed(err) {
				c.fatal(protocolError("invalid message: %v", err))
			}
			return
		}
		if _, ok := msg.(*pgproto3.Terminate); ok {
			return
		}
		if c.skipping {
			if _, ok := msg.(*pgproto3.Sync); !ok {
				continue
			}
		}
		switch m := msg.(type) {
		case *pgproto3.Query:
			c.simpleQuery(m.String)
		case *pgproto3.Parse:
			c.parse(m)
		case *pgproto3.Bind:
			c.bind(m)
		case *pgproto3.Describe:
			c.describe(m)
		case *pgproto3.Execute:
			c.execute(m)
		case *pgproto3.Close:
			c.close(m)
		case *pgproto3.Sync:
			c.sync()
		case *pgproto3.Flush:
			_ = c.flush()
		case *pgproto3.CopyData, *pgproto3.CopyDone, *pgproto3.CopyFail:
			// Ignored outside COPY, as PostgreSQL does.
		case *pgproto3.FunctionCall:
			c.fail(&pgsql.Error{Code: "0A000", Message: "the function call protocol message is not supported"})
		default:
			c.fatal(protocolError("unexpected message %T", msg))
			return
		}
	}
}

// send queues a message, flushing when much is queued.
func (c *conn) send(msg pgproto3.BackendMessage) {
	c.be.Send(msg)
	c.queue()
}

// queue moves the messages be holds to wb, writing them out when much is
// queued. be's buffer thus holds one message at a time and keeps its
// small allocation: it replaces any larger one with a new one each time
// it is flushed, which, flushed only every flushAt bytes, cost a buffer
// grown from 1 KiB to 64 KiB again for every 64 KiB of rows.
func (c *conn) queue() {
	if err := c.be.Flush(); err != nil {
		c.writeErr = err // a message that could not be encoded
		return
	}
	if len(c.wb.buf) >= flushAt {
		_ = c.flush()
	}
}

// flush writes out everything queued.
func (c *conn) flush() error {
	if err := c.be.Flush(); err != nil {
		c.writeErr = err
		return err
	}
	if err := c.wb.drain(); err != nil {
		c.writeErr = err
		return err
	}
	return nil
}

// outBuffer collects a connection's output until it is written to w.
type outBuffer struct {
	w   io.Writer
	buf []byte
}

// Write queues p; it never fails.
func (o *outBuffer) Write(p []byte) (int, error) {
	o.buf = append(o.buf, p...)
	return len(p), nil
}

// drain writes what is queued to w.
func (o *outBuffer) drain() error {
	if len(o.buf) == 0 {
		return nil
	}
	_, err := o.w.Write(o.buf)
	o.buf = o.buf[:0]
	if cap(o.buf) > maxOutBuffer {
		o.buf = nil
	}
	return err
}

func (c *conn) readyForQuery() {
	status := c.sess.TxStatus()
	c.ready = status == pgsql.TxIdle
	if c.ready {
		c.sendNotifications() // notify.go
	}
	c.out.ready.TxStatus = byte(status)
	c.be.Send(&c.out.ready)
}

// fail reports err for an extended-protocol message: an ErrorResponse,
// then every message up to the next Sync is skipped.
func (c *conn) fail(err error) {
	c.be.Send(errorResponse("ERROR", asSQLError(err)))
	c.skipping = true
}

// statementContext starts a statement and returns the context it runs
// under, which a CancelRequest or the server's Close cancels. The caller
// ends the statement with endStatement.
func (c *conn) statementContext() context.Context {
	c.mu.Lock()
	if c.mu.ctx == nil || c.mu.ctx.Err() != nil {
		c.mu.ctx, c.mu.cancel = context.WithCancel(c.srv.ctx)
	}
	c.mu.running = true
	ctx := c.mu.ctx
	c.mu.Unlock()
	if c.srv.beforeRun != nil {
		c.srv.beforeRun(ctx)
	}
	return ctx
}

// endStatement ends the statement statementContext started: a
// CancelRequest from now on reaches nothing.
func (c *conn) endStatement() {
	c.mu.Lock()
	c.mu.running = false
	c.mu.Unlock()
}

// cancelRunning cancels the statement running, if any.
func (c *conn) cancelRunning() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.mu.running {
		c.mu.cancel()
	}
}

// endContext releases the statements' context when the connection ends.
func (c *conn) endContext() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.mu.cancel != nil {
		c.mu.cancel()
	}
}

// simpleQuery runs a Query message: each statement's rows in text, its
// warnings and its tag, then ReadyForQuery.
func (c *conn) simpleQuery(sql string) {
	delete(c.stmts, "")
	delete(c.portals, "")
	if c.tryCopy(sql) || c.tryDatabase(sql) {
		c.readyForQuery()
		_ = c.flush()
		return
	}
	ctx := c.statementContext()
	n := 0
	err := c.sess.ExecEach(ctx, sql, func(res pgsql.Result) error {
		n++
		if res.Columns != nil {
			c.send(rowDescription(res.Columns, nil))
		}
		if err := c.sendRows(res.Columns, nil, res.Rows); err != nil {
			return err
		}
		c.complete(res, res.Tag)
		return c.writeErr
	})
	c.endStatement()
	switch {
	case err != nil:
		c.be.Send(errorResponse("ERROR", asSQLError(err)))
	case n == 0:
		c.be.Send(&pgproto3.EmptyQueryResponse{})
	}
	c.readyForQuery()
	_ = c.flush()
}

// complete sends a statement's warnings and its CommandComplete.
func (c *conn) complete(res pgsql.Result, tag string) {
	for _, w := range res.Warnings {
		c.send(noticeResponse(w))
	}
	c.out.complete.CommandTag = append(c.out.complete.CommandTag[:0], tag...)
	c.send(&c.out.complete)
}

// rowDescription describes cols with result formats formats (Bind's).
func rowDescription(cols []pgsql.Column, formats []int16) *pgproto3.RowDescription {
	fields := make([]pgproto3.FieldDescription, len(cols))
	for i, col := range cols {
		fields[i] = pgproto3.FieldDescription{
			Name:         []byte(col.Name),
			DataTypeOID:  col.OID(),
			DataTypeSize: col.TypeSize(),
			TypeModifier: col.TypeModifier(),
			Format:       formatAt(formats, i),
		}
	}
	return &pgproto3.RowDescription{Fields: fields}
}

// sendRows sends rows as DataRows, column i in format formatAt(formats, i),
// encoding each straight into the connection's output buffer. A value
// that cannot be encoded leaves its row unsent and is the error.
func (c *conn) sendRows(cols []pgsql.Column, formats []int16, rows [][]any) error {
	c.queue() // the messages before the rows
	for _, row := range rows {
		if len(row) > math.MaxUint16 {
			return &pgsql.Error{Code: "54011", Message: "too many columns in a row"}
		}
		start := len(c.wb.buf)
		buf := append(c.wb.buf, 'D', 0, 0, 0, 0)
		buf = binary.BigEndian.AppendUint16(buf, uint16(len(row)))
		for i, v := range row {
			if v == nil {
				buf = binary.BigEndian.AppendUint32(buf, math.MaxUint32) // -1: NULL
				continue
			}
			at := len(buf)
			buf = append(buf, 0, 0, 0, 0)
			var err error
			if buf, err = appendValue(buf, cols[i], formatAt(formats, i), v); err != nil {
				c.wb.buf = buf[:start]
				return err
			}
			binary.BigEndian.PutUint32(buf[at:], uint32(len(buf)-at-4))
		}
		if len(buf)-start-1 > maxMessageBody {
			c.wb.buf = buf[:start]
			return &pgsql.Error{Code: "54000", Message: "row is too big to send"}
		}
		binary.BigEndian.PutUint32(buf[start+1:], uint32(len(buf)-start-1))
		c.wb.buf = buf
		if len(buf) >= flushAt {
			_ = c.flush()
		}
	}
	return nil
}

// maxMessageBody is the largest message body a client takes: pgx's limit,
// and PostgreSQL's for a value (1 GB).
const maxMessageBody = 1 << 30
