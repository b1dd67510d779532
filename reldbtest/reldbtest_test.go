package reldbtest_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql"
	"github.com/reldb/reldb/reldbtest"
)

var migrations = fstest.MapFS{
	"migrations/000001_users.up.sql": {Data: []byte(`
		CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE,
			created_at timestamptz NOT NULL DEFAULT now());`)},
	"migrations/000001_users.down.sql": {Data: []byte(`DROP TABLE users;`)},
	"migrations/000002_orders.up.sql": {Data: []byte(`
		CREATE TABLE orders (id bigserial PRIMARY KEY,
			user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE,
			total numeric(10,2) NOT NULL CHECK (total >= 0));
		CREATE INDEX orders_user_id_idx ON orders (user_id);`)},
	"migrations/000002_orders.down.sql": {Data: []byte(`DROP TABLE orders;`)},
	"fixtures/users.sql": {Data: []byte(`
		INSERT INTO users (email) VALUES ('ann@example.com'), ('bob@example.com');
		INSERT INTO orders (user_id, total) VALUES (1, 10.50), (1, 3.25), (2, 7.00);`)},
}

var tmpl = reldbtest.NewTemplate(
	reldbtest.Migrations(migrations, "migrations"),
	reldbtest.SQLFiles(migrations, "fixtures/*.sql"),
)

func count(t *testing.T, db *sql.DB, table string) int {
	t.Helper()
	var n int
	require.NoError(t, db.QueryRow("SELECT count(*) FROM "+table).Scan(&n))
	return n
}

// TestNew_FreshForkPerTest: every New holds the template's rows and
// constraints, writes to one are seen by no other, and generated keys
// start at the same value in each.
func TestNew_FreshForkPerTest(t *testing.T) {
	for i := range 4 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			db := reldbtest.New(t, tmpl)
			assert.Equal(t, 2, count(t, db, "users"))
			var id int64
			require.NoError(t, db.QueryRow(`INSERT INTO users (email) VALUES ($1) RETURNING id`, fmt.Sprintf("u%d@example.com", i)).Scan(&id))
			assert.Equal(t, int64(3), id, "each fork's sequence starts where the template's stood")
			assert.Equal(t, 3, count(t, db, "users"))
			// The template's constraints hold in the fork: unique, CHECK,
			// foreign key and cascade.
			_, err := db.Exec(`INSERT INTO users (email) VALUES ('ann@example.com')`)
			assertCode(t, err, "23505")
			_, err = db.Exec(`INSERT INTO orders (user_id, total) VALUES (1, -1)`)
			assertCode(t, err, "23514")
			_, err = db.Exec(`INSERT INTO orders (user_id, total) VALUES (99, 1)`)
			assertCode(t, err, "23503")
			_, err = db.Exec(`DELETE FROM users WHERE id = 1`)
			require.NoError(t, err)
			assert.Equal(t, 1, count(t, db, "orders"))
		})
	}
}

func assertCode(t *testing.T, err error, code string) {
	t.Helper()
	var pe *pgsql.Error
	if assert.ErrorAs(t, err, &pe) {
		assert.Equal(t, code, pe.Code, pe.Message)
	}
}

// fakeT records a test's failures without failing the real test, to check
// what reldbtest reports.
type fakeT struct {
	testing.TB
	mu       sync.Mutex
	errs     []string
	fatal    bool
	cleanups []func()
}

func (f *fakeT) Helper() {}
func (f *fakeT) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errs = append(f.errs, fmt.Sprintf(format, args...))
}
func (f *fakeT) Fatal(args ...any) {
	f.mu.Lock()
	f.errs = append(f.errs, fmt.Sprint(args...))
	f.fatal = true
	f.mu.Unlock()
	panic(f)
}
func (f *fakeT) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }
func (f *fakeT) finish() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}

// runFake runs fn with a fakeT, recovering its Fatal.
func runFake(t *testing.T, fn func(f *fakeT)) *fakeT {
	f := &fakeT{TB: t}
	defer f.finish()
	func() {
		defer func() {
			if r := recover(); r != nil && r != f {
				panic(r)
			}
		}()
		fn(f)
	}()
	return f
}

// TestTemplate_BuildError: a failing migration fails the template with the
// file's name and PostgreSQL's error, every time, and New fails the test.
func TestTemplate_BuildError(t *testing.T) {
	bad := reldbtest.NewTemplate(reldbtest.Migrations(fstest.MapFS{
		"m/1_a.up.sql": {Data: []byte(`CREATE TABLE a (id integer PRIMARY KEY);`)},
		"m/2_b.up.sql": {Data: []byte(`CREATE TABLE b (id integer PRIMARY KEY REFERENCES nowhere);`)},
	}, "m"))
	err := bad.Build()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "m/2_b.up.sql")
	var pe *pgsql.Error
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "42P01", pe.Code)
	assert.Same(t, err, bad.Build())

	f := runFake(t, func(f *fakeT) { reldbtest.New(f, bad) })
	assert.True(t, f.fatal)
	assert.Contains(t, strings.Join(f.errs, "\n"), "m/2_b.up.sql")
}

// TestTemplate_Steps: SQL, Func and GoFunc steps run in order on the
// template.
func TestTemplate_Steps(t *testing.T) {
	tm := reldbtest.NewTemplate(
		reldbtest.SQL(`CREATE TABLE kv (k text PRIMARY KEY, v integer)`),
		reldbtest.Func(func(ctx context.Context, db *sql.DB) error {
			_, err := db.ExecContext(ctx, `INSERT INTO kv VALUES ('sql', 1)`)
			return err
		}),
		reldbtest.GoFunc(func(ctx context.Context, db *engine.DB) error {
			return db.Update(ctx, func(tx *engine.Tx) error {
				_, err := tx.Insert("kv", engine.Row{"k": "go", "v": 2})
				return err
			})
		}),
	)
	db := reldbtest.New(t, tm)
	assert.Equal(t, 2, count(t, db, "kv"))
	assert.ErrorContains(t, reldbtest.NewTemplate(reldbtest.Step{}).Build(), "zero Step")
}

// TestClock: now() and DEFAULT now() read the test's clock, which
// WithClock starts stopped and Advance moves.
func TestClock(t *testing.T) {
	start := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	db := reldbtest.New(t, tmpl, reldbtest.WithClock(start))
	_, err := db.Exec(`INSERT INTO users (email) VALUES ('carol@example.com')`)
	require.NoError(t, err)
	reldbtest.ClockOf(db).Advance(time.Hour)
	var created, now time.Time
	require.NoError(t, db.QueryRow(`SELECT created_at, now() FROM users WHERE email = 'carol@example.com'`).Scan(&created, &now))
	assert.Equal(t, start, created.UTC())
	assert.Equal(t, start.Add(time.Hour), now.UTC())

	free := reldbtest.New(t, tmpl)
	require.NoError(t, free.QueryRow(`SELECT now()`).Scan(&now))
	assert.WithinDuration(t, time.Now(), now, time.Minute, "without WithClock the clock runs")
}

// TestInject: a fault fails the statements it matches with its SQLSTATE,
// as many times as asked, leaving the data alone; a delayed statement
// honours its context.
func TestInject(t *testing.T) {
	db := reldbtest.New(t, tmpl)
	reldbtest.Inject(db, reldbtest.Fault{Table: "orders", Code: "40001", Times: 2})
	// A retry loop, as the application would write one.
	attempts := 0
	var err error
	for attempts < 5 {
		attempts++
		_, err = db.Exec(`UPDATE "orders" SET total = total + 1 WHERE id = 1`)
		var pe *pgsql.Error
		if !errors.As(err, &pe) || pe.Code != "40001" {
			break
		}
	}
	require.NoError(t, err)
	assert.Equal(t, 3, attempts)
	var total string
	require.NoError(t, db.QueryRow(`SELECT total FROM orders WHERE id = 1`).Scan(&total))
	assert.Equal(t, "11.50", total, "only the third attempt ran")

	// Match and Table must both match; the table as a whole word.
	reldbtest.Inject(db, reldbtest.Fault{Match: "insert into", Table: "users", Code: "23505"})
	_, err = db.Exec(`INSERT INTO orders (user_id, total) VALUES (1, 1)`)
	require.NoError(t, err, "orders is not users")
	_, err = db.Exec(`SELECT * FROM users`)
	require.NoError(t, err, "not an insert")
	_, err = db.Exec(`INSERT  INTO users (email) VALUES ('x@example.com')`)
	assertCode(t, err, "23505")
	assert.Equal(t, 2, count(t, db, "users"))

	reldbtest.FailNext(db, "SELECT", "57P01")
	assertCode(t, db.QueryRow(`SELECT 1`).Scan(new(int)), "57P01")
	require.NoError(t, db.QueryRow(`SELECT 1`).Scan(new(int)), "only the next one")

	reldbtest.Inject(db, reldbtest.Fault{Match: "select", Delay: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = db.ExecContext(ctx, `SELECT 1`)
	assert.Error(t, err, "the delay ends with the context")

	// In a transaction, an injected failure aborts it as a real one does.
	tx, err := db.Begin()
	require.NoError(t, err)
	reldbtest.FailNext(db, "insert", "40001")
	_, err = tx.Exec(`INSERT INTO users (email) VALUES ('y@example.com')`)
	assertCode(t, err, "40001")
	_, err = tx.Exec(`SELECT 1`)
	assertCode(t, err, "25P02")
	require.NoError(t, tx.Rollback())
}

// listAuthorsOrders is application code with an N+1: one query per user.
func listUsersOrders(db *sql.DB) error {
	rows, err := db.Query(`SELECT id FROM users ORDER BY id`)
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := db.Exec(fmt.Sprintf(`SELECT * FROM orders WHERE user_id = %d`, id)); err != nil {
			return err
		}
	}
	return nil
}

// TestRecord: statements are counted with the application's file:line,
// and an N+1 loop is reported by shape and call site.
func TestRecord(t *testing.T) {
	db := reldbtest.New(t, tmpl)
	for range 2 {
		_, err := db.Exec(`INSERT INTO users (email) VALUES ($1)`, fmt.Sprint(time.Now().UnixNano(), "@example.com"))
		require.NoError(t, err)
	}
	stmts := reldbtest.Record(db, func() { require.NoError(t, listUsersOrders(db)) })
	require.Len(t, stmts, 5)
	assert.Equal(t, `SELECT id FROM users ORDER BY id`, stmts[0].SQL)
	for _, s := range stmts {
		assert.Regexp(t, `^reldbtest/reldbtest_test\.go:\d+$`, s.Caller)
	}
	rep := reldbtest.NPlusOne(stmts, 3)
	require.Len(t, rep, 1)
	assert.Equal(t, reldbtest.Repeat{Shape: "SELECT * FROM orders WHERE user_id = ?", Caller: stmts[1].Caller, Count: 4}, rep[0])

	assert.True(t, reldbtest.AssertStatements(t, db, 5, func() { _ = listUsersOrders(db) }))
	assert.True(t, reldbtest.AssertMaxStatements(t, db, 5, func() { _ = listUsersOrders(db) }))
	f := runFake(t, func(f *fakeT) {
		reldbtest.AssertMaxStatements(f, db, 2, func() { _ = listUsersOrders(db) })
	})
	require.Len(t, f.errs, 1)
	msg := f.errs[0]
	assert.Contains(t, msg, "want at most 2 statements, ran 5")
	assert.Contains(t, msg, "2. SELECT * FROM orders WHERE user_id = 1  (reldbtest/reldbtest_test.go:")
	assert.Contains(t, msg, "N+1: 4 × SELECT * FROM orders WHERE user_id = ?")
	f = runFake(t, func(f *fakeT) { reldbtest.AssertStatements(f, db, 1, func() {}) })
	assert.Contains(t, strings.Join(f.errs, ""), "want 1 statements, ran 0")
}

// TestChanged: Diff lists inserted, updated and deleted rows per table,
// cascades included, stably.
func TestChanged(t *testing.T) {
	db := reldbtest.New(t, tmpl, reldbtest.WithClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)))
	var at time.Time
	require.NoError(t, db.QueryRow(`SELECT created_at FROM users WHERE id = 1`).Scan(&at))
	created := at.UTC().Format("2006-01-02 15:04:05.999999Z07")
	ch := reldbtest.Changed(t, db, func() {
		_, err := db.Exec(`INSERT INTO users (email) VALUES ('dan@example.com')`)
		require.NoError(t, err)
		_, err = db.Exec(`UPDATE orders SET total = 4.00 WHERE id = 3`)
		require.NoError(t, err)
		_, err = db.Exec(`DELETE FROM users WHERE id = 1`)
		require.NoError(t, err)
	})
	assert.Len(t, ch.Table("orders").Deleted, 2)
	assert.Equal(t, []string{"total"}, ch.Table("orders").Updated[0].Changed)
	assert.Equal(t, "dan@example.com", ch.Table("users").Inserted[0]["email"])
	assert.Empty(t, ch.Table("nothing").Inserted)
	assert.Equal(t, `orders:
  ~ (id=3, user_id=2, total=7.00): total: 7.00 → 4.00
  - (id=1, user_id=1, total=10.50)
  - (id=2, user_id=1, total=3.25)
users:
  + (id=3, email='dan@example.com', created_at='2030-01-01 00:00:00Z')
  - (id=1, email='ann@example.com', created_at='`+created+`')
`, ch.String())
	assert.True(t, reldbtest.Changed(t, db, func() {}).Empty())
	assert.Equal(t, "no changes\n", reldbtest.Changed(t, db, func() {}).String())
}

// TestNew_UUIDs: gen_random_uuid() repeats in every fork and every run;
// WithSeed picks another repeatable stream.
func TestNew_UUIDs(t *testing.T) {
	tm := reldbtest.NewTemplate(reldbtest.SQL(`CREATE TABLE keys (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), n integer);
		INSERT INTO keys (n) VALUES (1)`))
	draw := func(db *sql.DB) (fixture, fresh string) {
		require.NoError(t, db.QueryRow(`SELECT id FROM keys WHERE n = 1`).Scan(&fixture))
		require.NoError(t, db.QueryRow(`INSERT INTO keys (n) VALUES (2) RETURNING id`).Scan(&fresh))
		return fixture, fresh
	}
	f1, a := draw(reldbtest.New(t, tm))
	f2, b := draw(reldbtest.New(t, tm))
	assert.Equal(t, a, b)
	assert.Equal(t, f1, f2)
	// The fixed seed's stream: the same in every run of the test binary.
	// (The first draw type-checks the DEFAULT at CREATE TABLE.)
	assert.Equal(t, "1bfb1fa3-7c41-411e-a46a-dd6a48d89474", f1)
	_, c := draw(reldbtest.New(t, tm, reldbtest.WithSeed(7)))
	_, d := draw(reldbtest.New(t, tm, reldbtest.WithSeed(7)))
	assert.Equal(t, c, d)
	assert.NotEqual(t, a, c)
}
