package pgwire

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql"
)

// Options configure a Server. The zero value serves in-memory databases
// to any user without a password, within the default limits.
type Options struct {
	// Dir keeps each database durably in its own directory Dir/<name>
	// (engine.Options.Dir); empty keeps every database in memory for the
	// server's lifetime.
	Dir string
	// Users maps each user name to its password. Empty means trust: any
	// user name is accepted without a password.
	Users map[string]string
	// Auth is how a password is asked for when Users is set: SCRAM-SHA-256
	// (the zero value) or a cleartext password.
	Auth AuthMethod
	// MaxConns bounds the connections served at once; 0 means 100. A
	// connection beyond it is refused with SQLSTATE 53300.
	MaxConns int
	// MaxMessageSize bounds the body of one message from a client, in
	// bytes; 0 means 64 MiB. A larger message closes its connection with
	// SQLSTATE 08P01.
	MaxMessageSize int
	// TLS, when set, lets a client that asks (SSLRequest) encrypt its
	// connection with it; nil answers every SSLRequest with 'N'. Clients
	// that do not ask still connect in clear.
	TLS *tls.Config
	// Open opens the database of a name the first time a client asks for
	// it; nil opens one with engine.Open (in Dir/<name> when Dir is set).
	// The caller closes what Open returns, after Server.Close.
	Open func(name string) (*engine.DB, error)
	// Intercept, when set, runs around every statement of every session
	// (pgsql.Session.Intercept): reldbtest counts and fails statements
	// sent over the wire with it.
	Intercept pgsql.Interceptor
}

// AuthMethod is how a server asks for a password.
type AuthMethod uint8

// The password methods.
const (
	AuthSCRAM     AuthMethod = iota // SCRAM-SHA-256, PostgreSQL's default
	AuthCleartext                   // the password in clear (use over a trusted link only)
)

// String returns the method's name as pg_hba.conf spells it.
func (m AuthMethod) String() string {
	switch m {
	case AuthSCRAM:
		return "scram-sha-256"
	case AuthCleartext:
		return "password"
	}
	return fmt.Sprintf("AuthMethod(%d)", uint8(m))
}

var _ fmt.Stringer = AuthSCRAM

// ErrServerClosed is returned by Serve after Close.
var ErrServerClosed = errors.New("pgwire: server closed")

// Server serves reldb databases over the PostgreSQL protocol. It is safe
// for concurrent use; connections are served concurrently, each with its
// own pgsql.Session over the database it named.
type Server struct {
	opts    Options
	nextPID atomic.Uint32
	wg      sync.WaitGroup // connections being served
	ctx     context.Context
	stop    context.CancelFunc

	// beforeRun, when set by a test, is called with each statement's
	// context just before the statement runs.
	beforeRun func(ctx context.Context)

	// mu guards the fields in it.
	mu struct {
		sync.Mutex
		dbs       map[string]*engine.DB
		owned     map[string]bool  // the databases the server opened, which Close closes
		conns     map[uint32]*conn // by process ID, once started up
		open      map[net.Conn]struct{}
		listeners []net.Listener
		closed    bool
	}
}

// New returns a server with opts, serving nothing until Serve, ServeConn
// or Dial.
func New(opts Options) *Server {
	if opts.MaxConns <= 0 {
		opts.MaxConns = 100
	}
	if opts.MaxMessageSize <= 0 {
		opts.MaxMessageSize = 64 << 20
	}
	s := &Server{opts: opts}
	s.ctx, s.stop = context.WithCancel(context.Background())
	s.mu.dbs = make(map[string]*engine.DB)
	s.mu.owned = make(map[string]bool)
	s.mu.conns = make(map[uint32]*conn)
	s.mu.open = make(map[net.Conn]struct{})
	var seed [4]byte
	_, _ = rand.Read(seed[:])
	s.nextPID.Store(binary.BigEndian.Uint32(seed[:]) >> 12) // small, nonzero-ish, unpredictable
	return s
}

// Listen returns a server with opts serving on addr (host:port; empty
// means 127.0.0.1 on a free port, as a test wants) in the background,
// until Close.
func Listen(addr string, opts Options) (*Server, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("pgwire: listen: %w", err)
	}
	s := New(opts)
	if err := s.addListener(l); err != nil {
		return nil, err
	}
	go func() { _ = s.serve(l) }()
	return s, nil
}

// Serve accepts connections on l and serves each in its own goroutine
// until l fails or the server is closed (ErrServerClosed). Close closes l.
func (s *Server) Serve(l net.Listener) error {
	if err := s.addListener(l); err != nil {
		return err
	}
	return s.serve(l)
}

func (s *Server) addListener(l net.Listener) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mu.closed {
		_ = l.Close()
		return ErrServerClosed
	}
	s.mu.listeners = append(s.mu.listeners, l)
	return nil
}

func (s *Server) serve(l net.Listener) error {
	for {
		nc, err := l.Accept()
		if err != nil {
			if s.ctx.Err() != nil {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				time.Sleep(10 * time.Millisecond)
				continue
			}
			return fmt.Errorf("pgwire: accept: %w", err)
		}
		if !s.track() {
			_ = nc.Close()
			return ErrServerClosed
		}
		go func() {
			defer s.wg.Done()
			s.serveConn(nc)
		}()
	}
}

// track counts a connection about to be served; false after Close.
func (s *Server) track() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mu.closed {
		return false
	}
	s.wg.Add(1)
	return true
}

// ServeConn serves one connection already accepted, returning when it
// ends; it closes nc.
func (s *Server) ServeConn(nc net.Conn) {
	if !s.track() {
		_ = nc.Close()
		return
	}
	defer s.wg.Done()
	s.serveConn(nc)
}

// Addr returns the address of the first listener, nil without one.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.mu.listeners) == 0 {
		return nil
	}
	return s.mu.listeners[0].Addr()
}

// DSN returns a connection URL for database on the first listener, for
// user reldb without a password and without TLS:
// postgres://reldb@127.0.0.1:port/database?sslmode=disable.
func (s *Server) DSN(database string) string {
	addr := s.Addr()
	if addr == nil {
		return ""
	}
	u := url.URL{Scheme: "postgres", User: url.User("reldb"), Host: addr.String(), Path: "/" + database, RawQuery: "sslmode=disable"}
	return u.String()
}

// Dial connects to the server in memory, without a port: it has the
// signature of pgconn.Config.DialFunc, ignoring network and addr, so a
// test sets config.DialFunc = srv.Dial. Cancel requests dial through it
// too.
func (s *Server) Dial(ctx context.Context, network, addr string) (net.Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	client, server := net.Pipe()
	if !s.track() {
		_ = client.Close()
		_ = server.Close()
		return nil, ErrServerClosed
	}
	go func() {
		defer s.wg.Done()
		s.serveConn(newDrainConn(server, s.opts.MaxMessageSize))
	}()
	return client, nil
}

// DB returns the database of a name, opening it on first use, as a
// client's startup does. Close closes the databases the server opened
// itself; those from Options.Open are the caller's to close.
func (s *Server) DB(name string) (*engine.DB, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mu.closed {
		return nil, ErrServerClosed
	}
	if db, ok := s.mu.dbs[name]; ok {
		return db, nil
	}
	open := s.opts.Open
	if open == nil {
		open = s.openDB
	}
	db, err := open(name)
	if err != nil {
		return nil, err
	}
	s.mu.dbs[name] = db
	s.mu.owned[name] = s.opts.Open == nil
	return db, nil
}

// openDB opens a database in memory, or in Dir/<name>.
func (s *Server) openDB(name string) (*engine.DB, error) {
	if s.opts.Dir == "" {
		return engine.Open(engine.Options{})
	}
	if !validDBName(name) {
		return nil, fmt.Errorf("pgwire: database name %q cannot be a directory name", name)
	}
	if err := os.MkdirAll(s.opts.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("pgwire: open database %q: %w", name, err)
	}
	return engine.Open(engine.Options{Dir: filepath.Join(s.opts.Dir, name)})
}

// validDBName reports whether name is safe as a directory name.
func validDBName(name string) bool {
	if name == "" || name == "." || name == ".." || len(name) > 63 {
		return false
	}
	for _, r := range name {
		ok := r == '_' || r == '-' || r == '.' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
		if !ok {
			return false
		}
	}
	return true
}

// opened records nc as open, so that Close closes it; false after Close.
func (s *Server) opened(nc net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mu.closed {
		return false
	}
	s.mu.open[nc] = struct{}{}
	return true
}

func (s *Server) closed(nc net.Conn) {
	s.mu.Lock()
	delete(s.mu.open, nc)
	s.mu.Unlock()
}

// register adds c to the served connections with a fresh process ID and
// secret; false when MaxConns are already served.
func (s *Server) register(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.mu.conns) >= s.opts.MaxConns {
		return false
	}
	for {
		c.pid = s.nextPID.Add(1)
		if _, taken := s.mu.conns[c.pid]; !taken && c.pid != 0 {
			break
		}
	}
	var key [4]byte
	_, _ = rand.Read(key[:])
	c.secret = key[:]
	s.mu.conns[c.pid] = c
	return true
}

func (s *Server) unregister(c *conn) {
	s.mu.Lock()
	delete(s.mu.conns, c.pid)
	s.mu.Unlock()
}

// cancel cancels the running statement of the connection with process
// ID pid, if key is its secret.
func (s *Server) cancel(pid uint32, key []byte) {
	s.mu.Lock()
	c := s.mu.conns[pid]
	s.mu.Unlock()
	if c != nil && subtle.ConstantTimeCompare(c.secret, key) == 1 {
		c.cancelRunning()
	}
}

// Close stops the listeners, closes every connection (rolling back the
// transactions they had open), waits for them to end and closes the
// databases it opened.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.mu.closed {
		s.mu.Unlock()
		return nil
	}
	s.mu.closed = true
	s.stop()
	for _, l := range s.mu.listeners {
		_ = l.Close()
	}
	for nc := range s.mu.open {
		_ = nc.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for name, db := range s.mu.dbs {
		if !s.mu.owned[name] {
			continue
		}
		if err := db.Close(); err != nil {
			errs = append(errs, fmt.Errorf("pgwire: close database %q: %w", name, err))
		}
	}
	return errors.Join(errs...)
}

// databaseNames returns the names of the databases open on the server,
// for pg_database.
func (s *Server) databaseNames() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.mu.dbs))
	for name := range s.mu.dbs {
		names = append(names, name)
	}
	return names
}
