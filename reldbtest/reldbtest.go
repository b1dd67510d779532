package reldbtest

import (
	"context"
	"database/sql"
	"encoding/binary"
	"sync"
	"testing"
	"time"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql"
)

// handle is what reldbtest keeps for each *sql.DB that New returned.
type handle struct {
	eng   *engine.DB
	clock *Clock
	seed  *[32]byte // WithSeed's; nil: continue the template's stream

	mu        sync.Mutex
	faults    []*faultState
	recorders map[*recorder]struct{}
}

// handles maps each *sql.DB from New to its handle until its test ends.
var handles sync.Map

// lookup returns db's handle; db must come from New, in a test that has
// not ended.
func lookup(db *sql.DB) *handle {
	h, ok := handles.Load(db)
	if !ok {
		panic("reldbtest: the *sql.DB was not made by reldbtest.New, or its test has ended")
	}
	return h.(*handle)
}

// Option configures New.
type Option func(*handle)

// WithClock starts the database's clock stopped at start (see Clock), so
// now() and DEFAULT now() give start until the test moves it.
func WithClock(start time.Time) Option {
	return func(h *handle) { h.clock.Set(start) }
}

// WithSeed seeds the database's gen_random_uuid() stream. Without it each
// fork continues the template's stream, which starts from a fixed seed, so
// a test draws the same uuids on every run; a different seed gives a
// different, equally repeatable stream.
func WithSeed(seed uint64) Option {
	return func(h *handle) {
		var s [32]byte
		binary.LittleEndian.PutUint64(s[:], seed)
		h.seed = &s
	}
}

// New returns a fresh database for the test: a fork of tmpl, which is
// built first if it has not been (a build error fails the test). Every
// call gets its own database, in about twenty microseconds however much the
// template holds, so tests may run with t.Parallel(): nothing one does is
// seen by another, or by the template. Sequences start where the
// template's stood, so every test gets the same generated keys.
//
// The *sql.DB speaks PostgreSQL's SQL through reldb's database/sql driver;
// hand it to the code under test. ClockOf, Inject, Record and Capture take
// it to control and observe the database. It is closed when the test ends.
func New(t testing.TB, tmpl *Template, opts ...Option) *sql.DB {
	t.Helper()
	h := fork(t, tmpl, opts)
	db := sql.OpenDB(pgsql.NewConnector(h.eng).Intercept(h.intercept))
	handles.Store(db, h)
	t.Cleanup(func() {
		handles.Delete(db)
		_ = db.Close()
	})
	return db
}

// NewEngine is New for code that uses reldb's Go API: the fork as an
// engine.DB, closed when the test ends. SQL and the Go API may be mixed on
// it through pgsql.NewConnector.
func NewEngine(t testing.TB, tmpl *Template, opts ...Option) *engine.DB {
	t.Helper()
	return fork(t, tmpl, opts).eng
}

// fork builds tmpl if needed and forks it with opts, closing the fork
// when the test ends.
func fork(t testing.TB, tmpl *Template, opts []Option) *handle {
	t.Helper()
	if err := tmpl.Build(); err != nil {
		t.Fatal(err)
	}
	h := &handle{clock: &Clock{}}
	for _, o := range opts {
		o(h)
	}
	eng, err := tmpl.db.Fork(engine.Options{Clock: h.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if h.seed != nil {
		pgsql.SeedRandom(eng, *h.seed)
	}
	h.eng = eng
	t.Cleanup(func() { _ = eng.Close() })
	return h
}

// Engine returns the engine.DB beneath a *sql.DB from New, to check what
// SQL did with reldb's Go API.
func Engine(db *sql.DB) *engine.DB { return lookup(db).eng }

// ClockOf returns the clock of a *sql.DB from New.
func ClockOf(db *sql.DB) *Clock { return lookup(db).clock }

// Clock is a database's clock: what now(), current_timestamp and DEFAULT
// now() read. It runs with time.Now until Set or Advance stops it at an
// instant of the test's choosing; it then moves only when told. A Clock is
// safe for concurrent use.
type Clock struct {
	mu      sync.Mutex
	stopped bool
	at      time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return c.at
	}
	return time.Now()
}

// Set stops the clock at t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.stopped, c.at = true, t
	c.mu.Unlock()
}

// Advance moves the clock forward by d, and stops it there.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	if !c.stopped {
		c.stopped, c.at = true, time.Now()
	}
	c.at = c.at.Add(d)
	c.mu.Unlock()
}

// intercept is the connector's pgsql.Interceptor: faults, then recording.
func (h *handle) intercept(ctx context.Context, sql string, args []any, next func() (pgsql.Result, error)) (pgsql.Result, error) {
	h.mu.Lock()
	f := h.matchFault(sql)
	recording := len(h.recorders) > 0
	h.mu.Unlock()
	var caller string
	if recording {
		caller = callerOutside()
	}
	start := time.Now()
	res, err := runFault(ctx, f, next)
	if recording {
		h.record(Statement{SQL: sql, Args: args, Caller: caller, Err: err, Duration: time.Since(start)})
	}
	return res, err
}
