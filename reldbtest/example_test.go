package reldbtest_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"testing"
	"testing/fstest"
	"time"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql"
	"github.com/reldb/reldb/reldbtest"
)

// exampleTB stands in for the *testing.T a test function receives, so the
// examples read as tests do.
type exampleTB struct{ testing.TB }

func (exampleTB) Helper()                           {}
func (exampleTB) Cleanup(func())                    {}
func (exampleTB) Fatal(args ...any)                 { fmt.Fprintln(os.Stderr, args...); os.Exit(1) }
func (exampleTB) Errorf(format string, args ...any) { fmt.Printf(format+"\n", args...) }

var t = exampleTB{}

// shopMigrations are an application's golang-migrate migrations; a real
// test would use os.DirFS("migrations") or an embed.FS.
var shopMigrations = fstest.MapFS{
	"migrations/000001_init.up.sql": {Data: []byte(`
		CREATE TABLE customers (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE,
			created_at timestamptz NOT NULL DEFAULT now());
		CREATE TABLE orders (id bigserial PRIMARY KEY,
			customer_id bigint NOT NULL REFERENCES customers ON DELETE CASCADE,
			total numeric(10,2) NOT NULL);
		CREATE INDEX orders_customer_id_idx ON orders (customer_id);`)},
	"migrations/000001_init.down.sql": {Data: []byte(`DROP TABLE orders; DROP TABLE customers;`)},
	"fixtures/customers.sql": {Data: []byte(`
		INSERT INTO customers (email) VALUES ('ann@example.com'), ('bob@example.com');
		INSERT INTO orders (customer_id, total) VALUES (1, 25.00), (1, 5.50), (2, 12.00);`)},
}

// The template of a test package: built once, forked by every test.
var shop = reldbtest.NewTemplate(
	reldbtest.Migrations(shopMigrations, "migrations"),
	reldbtest.SQLFiles(shopMigrations, "fixtures/*.sql"),
)

func ExampleNew() {
	// In a test: func TestOrders(t *testing.T) { t.Parallel(); ... }
	db := reldbtest.New(t, shop)
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM orders WHERE customer_id = $1`, 1).Scan(&n); err != nil {
		t.Fatal(err)
	}
	fmt.Println(n, "orders")
	// Constraints hold as in PostgreSQL.
	_, err := db.Exec(`INSERT INTO orders (customer_id, total) VALUES (99, 1)`)
	var pe *pgsql.Error
	if errors.As(err, &pe) {
		fmt.Println(pe.Code, pe.Constraint)
	}
	// Output:
	// 2 orders
	// 23503 orders_customer_id_fkey
}

func ExampleNewTemplate() {
	tmpl := reldbtest.NewTemplate(
		reldbtest.SQL(`CREATE TABLE settings (key text PRIMARY KEY, value text NOT NULL)`),
		reldbtest.Func(func(ctx context.Context, db *sql.DB) error {
			_, err := db.ExecContext(ctx, `INSERT INTO settings VALUES ('theme', 'dark')`)
			return err
		}),
	)
	// Build runs the steps now (New would on first use) and reports the
	// failing step: call it from TestMain to fail early.
	if err := tmpl.Build(); err != nil {
		t.Fatal(err)
	}
	var theme string
	_ = reldbtest.New(t, tmpl).QueryRow(`SELECT value FROM settings WHERE key = 'theme'`).Scan(&theme)
	fmt.Println(theme)
	// Output: dark
}

func ExampleMigrations() {
	// goose's layout: the -- +goose Up section of each file, in version order.
	goose := fstest.MapFS{
		"db/1_create.sql": {Data: []byte("-- +goose Up\nCREATE TABLE notes (id serial PRIMARY KEY, body text);\n-- +goose Down\nDROP TABLE notes;\n")},
		"db/2_seed.sql":   {Data: []byte("-- +goose Up\nINSERT INTO notes (body) VALUES ('hello');\n-- +goose Down\nDELETE FROM notes;\n")},
	}
	db := reldbtest.New(t, reldbtest.NewTemplate(reldbtest.Migrations(goose, "db")))
	var body string
	_ = db.QueryRow(`SELECT body FROM notes`).Scan(&body)
	fmt.Println(body)
	// Output: hello
}

func ExampleGoFunc() {
	tmpl := reldbtest.NewTemplate(
		reldbtest.Migrations(shopMigrations, "migrations"),
		// Fixtures through reldb's Go API.
		reldbtest.GoFunc(func(ctx context.Context, db *engine.DB) error {
			return db.Update(ctx, func(tx *engine.Tx) error {
				// The Go API does not evaluate SQL's DEFAULT now(): pass it.
				_, err := tx.Insert("customers", engine.Row{"email": "go@example.com", "created_at": time.Now()})
				return err
			})
		}),
	)
	var email string
	_ = reldbtest.New(t, tmpl).QueryRow(`SELECT email FROM customers`).Scan(&email)
	fmt.Println(email)
	// Output: go@example.com
}

func ExampleWithClock() {
	db := reldbtest.New(t, shop, reldbtest.WithClock(time.Date(2030, 6, 1, 12, 0, 0, 0, time.UTC)))
	_, _ = db.Exec(`INSERT INTO customers (email) VALUES ('cat@example.com')`)
	reldbtest.ClockOf(db).Advance(24 * time.Hour)
	var created, now time.Time
	_ = db.QueryRow(`SELECT created_at, now() FROM customers WHERE email = 'cat@example.com'`).Scan(&created, &now)
	fmt.Println(created.UTC().Format(time.DateTime), "/", now.UTC().Format(time.DateTime))
	// Output: 2030-06-01 12:00:00 / 2030-06-02 12:00:00
}

func ExampleInject() {
	db := reldbtest.New(t, shop)
	// The next two updates of orders fail as a serialization failure
	// would: a retry loop must try a third time.
	reldbtest.Inject(db, reldbtest.Fault{Match: "UPDATE", Table: "orders", Code: "40001", Times: 2})
	for attempt := 1; ; attempt++ {
		_, err := db.Exec(`UPDATE orders SET total = total * 2 WHERE id = 1`)
		var pe *pgsql.Error
		if errors.As(err, &pe) && pe.Code == "40001" {
			continue
		}
		fmt.Println("attempts:", attempt, "error:", err)
		break
	}
	// Output: attempts: 3 error: <nil>
}

func ExampleFailNext() {
	db := reldbtest.New(t, shop)
	reldbtest.FailNext(db, "INSERT INTO customers", "23505")
	_, err := db.Exec(`INSERT INTO customers (email) VALUES ('new@example.com')`)
	fmt.Println(err)
	// Output: pgsql: injected by reldbtest (SQLSTATE 23505)
}

func ExampleAssertMaxStatements() {
	db := reldbtest.New(t, shop)
	// An N+1: one query for the customers, then one per customer.
	listTotals := func() {
		rows, _ := db.Query(`SELECT id FROM customers ORDER BY id`)
		var ids []int64
		for rows.Next() {
			var id int64
			_ = rows.Scan(&id)
			ids = append(ids, id)
		}
		for _, id := range ids {
			var total string
			_ = db.QueryRow(`SELECT sum(total) FROM orders WHERE customer_id = $1`, id).Scan(&total)
		}
	}
	_, _ = db.Exec(`INSERT INTO customers (email) VALUES ('c@example.com'), ('d@example.com')`)
	ok := reldbtest.AssertMaxStatements(t, db, 2, listTotals)
	fmt.Println("held:", ok)
	// The failure lists each statement with its caller's file:line (left
	// out of this example's output), then the N+1: 4 × SELECT sum(total) …
}

func ExampleRecord() {
	db := reldbtest.New(t, shop)
	stmts := reldbtest.Record(db, func() {
		_, _ = db.Exec(`DELETE FROM customers WHERE id = $1`, 2)
	})
	for _, s := range stmts {
		fmt.Println(s.SQL, s.Args)
	}
	// Output: DELETE FROM customers WHERE id = $1 [2]
}

func ExampleChanged() {
	db := reldbtest.New(t, shop)
	changes := reldbtest.Changed(t, db, func() {
		_, _ = db.Exec(`UPDATE orders SET total = 30.00 WHERE id = 1`)
		_, _ = db.Exec(`DELETE FROM customers WHERE id = 2`) // cascades to its order
	})
	fmt.Print(changes.Table("orders").String())
	fmt.Println(len(changes.Table("customers").Deleted), "customer deleted")
	// Output:
	// orders:
	//   ~ (id=1, customer_id=1, total=25.00): total: 25.00 → 30.00
	//   - (id=3, customer_id=2, total=12.00)
	// 1 customer deleted
}

func ExampleDiff() {
	db := reldbtest.New(t, shop)
	before := reldbtest.Capture(t, db)
	_, _ = db.Exec(`INSERT INTO orders (customer_id, total) VALUES (2, 1.00)`)
	after := reldbtest.Capture(t, db)
	for _, r := range reldbtest.Diff(t, before, after).Table("orders").Inserted {
		fmt.Println(r["id"], r["total"])
	}
	// Output: 4 1.00
}

func ExampleNewEngine() {
	// Code written against reldb's Go API gets its fork as an engine.DB.
	edb := reldbtest.NewEngine(t, shop)
	_ = edb.View(context.Background(), func(tx *engine.Tx) error {
		n, _ := tx.Query("orders").Count()
		fmt.Println(n, "orders")
		return nil
	})
	// Output: 3 orders
}
