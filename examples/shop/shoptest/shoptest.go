// Package shoptest is the shop's test suite, written once and run on two
// databases: on reldb (shop_test.go, through reldbtest, in milliseconds)
// and on a real PostgreSQL server (bench/peers, under CI). Each test gets
// a fresh database with the migrations and testdata/fixtures.sql applied,
// from the newDB function the caller passes.
//
// The assertions are on behaviour — a duplicate email, a RESTRICT, a
// CASCADE, totals, a rollback — never on SQL text, so they hold on both.
// A few tests use what only reldbtest gives (statement counts, injected
// faults, a fixed clock); they are skipped on other databases.
package shoptest

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/reldb/reldb/examples/shop"
	"github.com/reldb/reldb/pgsql"
	"github.com/reldb/reldb/reldbtest"
)

// Fixture keys (testdata/fixtures.sql).
const (
	ann, bob                    = 1, 2 // users; Ann has orders 1 and 2, Bob none
	tea, mug, teapot, cup       = 1, 2, 3, 4
	teaStock, teapotStock       = 100, 1
	fixtureOrders, fixtureUsers = 2, 2 // rows in orders and users
)

// Run runs the suite's tests as parallel subtests of t. newDB must return
// a fresh database, migrated and loaded with the fixtures, that lives
// until its test ends; on reldb it must come from reldbtest.New, whose
// extras (statement counts, faults, the clock) the reldb-only tests use.
func Run(t *testing.T, newDB func(t *testing.T) *sql.DB) {
	tests := []struct {
		name string
		fn   func(t *testing.T, db *sql.DB)
	}{
		{"CreateUser", testCreateUser},
		{"CreateUser_DuplicateEmail", testCreateUserDuplicateEmail},
		{"DeleteProduct_Restrict", testDeleteProductRestrict},
		{"DeleteProduct_Unordered", testDeleteProductUnordered},
		{"DeleteUser_Cascade", testDeleteUserCascade},
		{"Orders_Totals", testOrdersTotals},
		{"PlaceOrder", testPlaceOrder},
		{"PlaceOrder_RollsBackOnFailedItem", testPlaceOrderRollsBack},
		{"PlaceOrder_NotFound", testPlaceOrderNotFound},
		// reldb only.
		{"Orders_OneStatement", testOrdersOneStatement},
		{"PlaceOrder_RetriesSerializationFailure", testPlaceOrderRetries},
		{"PlaceOrder_GivesUpAfterRetries", testPlaceOrderGivesUp},
		{"PlaceOrder_Changes", testPlaceOrderChanges},
		{"CreatedAt_FixedClock", testCreatedAtFixedClock},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newDB(t))
		})
	}
}

// requireReldb skips a test unless db is a reldb database (from
// reldbtest.New).
func requireReldb(t *testing.T, db *sql.DB) {
	t.Helper()
	if _, ok := db.Driver().(pgsql.Driver); !ok {
		t.Skip("needs reldbtest")
	}
}

func testCreateUser(t *testing.T, db *sql.DB) {
	u, err := shop.NewRepo(db).CreateUser(context.Background(), "cat@example.com", "Cat")
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != fixtureUsers+1 {
		t.Errorf("id = %d, want %d (the next from the sequence)", u.ID, fixtureUsers+1)
	}
	if u.CreatedAt.IsZero() {
		t.Error("created_at not returned")
	}
}

// A duplicate email is ErrEmailTaken, found by SQLSTATE 23505, and adds
// no row.
func testCreateUserDuplicateEmail(t *testing.T, db *sql.DB) {
	_, err := shop.NewRepo(db).CreateUser(context.Background(), "ann@example.com", "Another Ann")
	if !errors.Is(err, shop.ErrEmailTaken) {
		t.Fatalf("err = %v, want ErrEmailTaken", err)
	}
	if n := count(t, db, `SELECT count(*) FROM users`); n != fixtureUsers {
		t.Errorf("%d users, want %d", n, fixtureUsers)
	}
}

// A product in an order cannot be deleted (ON DELETE RESTRICT).
func testDeleteProductRestrict(t *testing.T, db *sql.DB) {
	err := shop.NewRepo(db).DeleteProduct(context.Background(), tea)
	if !errors.Is(err, shop.ErrProductInUse) {
		t.Fatalf("err = %v, want ErrProductInUse", err)
	}
	if n := count(t, db, `SELECT count(*) FROM products WHERE id = $1`, tea); n != 1 {
		t.Error("the product was deleted")
	}
	if n := count(t, db, `SELECT count(*) FROM order_items WHERE product_id = $1`, tea); n != 1 {
		t.Errorf("%d order lines for the product, want 1", n)
	}
}

func testDeleteProductUnordered(t *testing.T, db *sql.DB) {
	repo := shop.NewRepo(db)
	if err := repo.DeleteProduct(context.Background(), cup); err != nil {
		t.Fatal(err)
	}
	if err := repo.DeleteProduct(context.Background(), cup); !errors.Is(err, shop.ErrNotFound) {
		t.Errorf("second delete: err = %v, want ErrNotFound", err)
	}
}

// Deleting a user deletes their orders and the orders' lines (ON DELETE
// CASCADE, two levels), and nothing else.
func testDeleteUserCascade(t *testing.T, db *sql.DB) {
	repo := shop.NewRepo(db)
	if err := repo.DeleteUser(context.Background(), ann); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		query string
		want  int
	}{
		{`SELECT count(*) FROM users`, fixtureUsers - 1},
		{`SELECT count(*) FROM orders`, 0},
		{`SELECT count(*) FROM order_items`, 0},
		{`SELECT count(*) FROM products`, 4},
	} {
		if n := count(t, db, c.query); n != c.want {
			t.Errorf("%s = %d, want %d", c.query, n, c.want)
		}
	}
	if err := repo.DeleteUser(context.Background(), ann); !errors.Is(err, shop.ErrNotFound) {
		t.Errorf("second delete: err = %v, want ErrNotFound", err)
	}
}

func testOrdersTotals(t *testing.T, db *sql.DB) {
	orders, err := shop.NewRepo(db).Orders(context.Background(), ann)
	if err != nil {
		t.Fatal(err)
	}
	want := []shop.Order{
		{ID: 1, Total: 2100, Lines: []shop.Line{
			{ProductID: tea, Product: "Green tea", Quantity: 2, UnitPrice: 450},
			{ProductID: mug, Product: "Mug", Quantity: 1, UnitPrice: 1200},
		}},
		{ID: 2, Total: 3599, Lines: []shop.Line{
			{ProductID: teapot, Product: "Teapot", Quantity: 1, UnitPrice: 3599},
		}},
	}
	checkOrders(t, orders, want)
	if !orders[0].CreatedAt.Equal(time.Date(2024, 2, 1, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("order 1 created_at = %v", orders[0].CreatedAt)
	}
	none, err := shop.NewRepo(db).Orders(context.Background(), bob)
	if err != nil || len(none) != 0 {
		t.Errorf("Bob's orders = %v, %v; want none", none, err)
	}
}

// An order takes its items from stock at the products' prices.
func testPlaceOrder(t *testing.T, db *sql.DB) {
	repo := shop.NewRepo(db)
	id, err := repo.PlaceOrder(context.Background(), bob, []shop.Item{{ProductID: tea, Quantity: 3}, {ProductID: cup, Quantity: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if id != fixtureOrders+1 {
		t.Errorf("order id = %d, want %d", id, fixtureOrders+1)
	}
	orders, err := repo.Orders(context.Background(), bob)
	if err != nil {
		t.Fatal(err)
	}
	checkOrders(t, orders, []shop.Order{{ID: id, Total: 1975, Lines: []shop.Line{
		{ProductID: tea, Product: "Green tea", Quantity: 3, UnitPrice: 450},
		{ProductID: cup, Product: "Cup", Quantity: 1, UnitPrice: 625},
	}}})
	if n := stock(t, db, tea); n != teaStock-3 {
		t.Errorf("tea stock = %d, want %d", n, teaStock-3)
	}
}

// When one item fails (too few teapots), the whole order is rolled back:
// no order, no lines, and the first item's stock is back.
func testPlaceOrderRollsBack(t *testing.T, db *sql.DB) {
	_, err := shop.NewRepo(db).PlaceOrder(context.Background(), bob, []shop.Item{{ProductID: tea, Quantity: 1}, {ProductID: teapot, Quantity: teapotStock + 1}})
	if !errors.Is(err, shop.ErrOutOfStock) {
		t.Fatalf("err = %v, want ErrOutOfStock", err)
	}
	checkUnchanged(t, db)
}

func testPlaceOrderNotFound(t *testing.T, db *sql.DB) {
	repo := shop.NewRepo(db)
	ctx := context.Background()
	if _, err := repo.PlaceOrder(ctx, 99, []shop.Item{{ProductID: tea, Quantity: 1}}); !errors.Is(err, shop.ErrNotFound) {
		t.Errorf("unknown user: err = %v, want ErrNotFound", err)
	}
	if _, err := repo.PlaceOrder(ctx, bob, []shop.Item{{ProductID: tea, Quantity: 1}, {ProductID: 99, Quantity: 1}}); !errors.Is(err, shop.ErrNotFound) {
		t.Errorf("unknown product: err = %v, want ErrNotFound", err)
	}
	checkUnchanged(t, db)
}

// Orders runs one statement however many orders the user has: no N+1.
func testOrdersOneStatement(t *testing.T, db *sql.DB) {
	requireReldb(t, db)
	repo := shop.NewRepo(db)
	for range 5 {
		if _, err := repo.PlaceOrder(context.Background(), ann, []shop.Item{{ProductID: tea, Quantity: 1}, {ProductID: mug, Quantity: 1}}); err != nil {
			t.Fatal(err)
		}
	}
	var orders []shop.Order
	reldbtest.AssertMaxStatements(t, db, 1, func() {
		var err error
		if orders, err = repo.Orders(context.Background(), ann); err != nil {
			t.Error(err)
		}
	})
	if len(orders) != fixtureOrders+5 {
		t.Errorf("%d orders, want %d", len(orders), fixtureOrders+5)
	}
}

// A serialization failure (40001) makes PlaceOrder run its transaction
// again; the order is placed once.
func testPlaceOrderRetries(t *testing.T, db *sql.DB) {
	requireReldb(t, db)
	reldbtest.Inject(db, reldbtest.Fault{Match: "INSERT INTO orders", Code: "40001", Times: 2})
	var id int64
	stmts := reldbtest.Record(db, func() {
		var err error
		if id, err = shop.NewRepo(db).PlaceOrder(context.Background(), bob, []shop.Item{{ProductID: tea, Quantity: 2}}); err != nil {
			t.Error(err)
		}
	})
	if id == 0 {
		t.FailNow()
	}
	if n := countPrefix(stmts, "INSERT INTO orders"); n != 3 {
		t.Errorf("INSERT INTO orders ran %d times, want 3 (two failures, one success):\n%s", n, reldbtest.Report(stmts))
	}
	if n := count(t, db, `SELECT count(*) FROM orders WHERE user_id = $1`, bob); n != 1 {
		t.Errorf("%d orders for Bob, want 1", n)
	}
	if n := stock(t, db, tea); n != teaStock-2 {
		t.Errorf("tea stock = %d, want %d (taken once)", n, teaStock-2)
	}
}

// PlaceOrder stops retrying after a few attempts and writes nothing.
func testPlaceOrderGivesUp(t *testing.T, db *sql.DB) {
	requireReldb(t, db)
	reldbtest.Inject(db, reldbtest.Fault{Match: "UPDATE products", Code: "40001", Times: -1})
	_, err := shop.NewRepo(db).PlaceOrder(context.Background(), bob, []shop.Item{{ProductID: tea, Quantity: 1}})
	var pe interface{ SQLState() string }
	if !errors.As(err, &pe) || pe.SQLState() != "40001" {
		t.Fatalf("err = %v, want SQLSTATE 40001", err)
	}
	checkUnchanged(t, db)
}

// PlaceOrder's effect, row by row: one order, its lines, the stock taken.
func testPlaceOrderChanges(t *testing.T, db *sql.DB) {
	requireReldb(t, db)
	changes := reldbtest.Changed(t, db, func() {
		if _, err := shop.NewRepo(db).PlaceOrder(context.Background(), bob, []shop.Item{{ProductID: tea, Quantity: 1}, {ProductID: mug, Quantity: 2}}); err != nil {
			t.Error(err)
		}
	})
	for table, want := range map[string][3]int{ // inserted, updated, deleted
		"orders":      {1, 0, 0},
		"order_items": {2, 0, 0},
		"products":    {0, 2, 0},
		"users":       {0, 0, 0},
	} {
		tc := changes.Table(table)
		if got := [3]int{len(tc.Inserted), len(tc.Updated), len(tc.Deleted)}; got != want {
			t.Errorf("%s: inserted, updated, deleted = %v, want %v\n%s", table, got, want, changes)
		}
	}
}

// created_at is the database's now(), which a test can fix.
func testCreatedAtFixedClock(t *testing.T, db *sql.DB) {
	requireReldb(t, db)
	at := time.Date(2030, 6, 1, 12, 0, 0, 0, time.UTC)
	reldbtest.ClockOf(db).Set(at)
	repo := shop.NewRepo(db)
	u, err := repo.CreateUser(context.Background(), "cat@example.com", "Cat")
	if err != nil {
		t.Fatal(err)
	}
	if !u.CreatedAt.Equal(at) {
		t.Errorf("user created_at = %v, want %v", u.CreatedAt, at)
	}
	reldbtest.ClockOf(db).Advance(time.Hour)
	if _, err := repo.PlaceOrder(context.Background(), u.ID, []shop.Item{{ProductID: tea, Quantity: 1}}); err != nil {
		t.Fatal(err)
	}
	orders, err := repo.Orders(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(orders) != 1 || !orders[0].CreatedAt.Equal(at.Add(time.Hour)) {
		t.Errorf("orders = %+v, want one created at %v", orders, at.Add(time.Hour))
	}
}

// checkUnchanged fails the test unless the orders and the stock are the
// fixtures'.
func checkUnchanged(t *testing.T, db *sql.DB) {
	t.Helper()
	if n := count(t, db, `SELECT count(*) FROM orders`); n != fixtureOrders {
		t.Errorf("%d orders, want the fixtures' %d", n, fixtureOrders)
	}
	if n := count(t, db, `SELECT count(*) FROM order_items`); n != 3 {
		t.Errorf("%d order lines, want the fixtures' 3", n)
	}
	if n := stock(t, db, tea); n != teaStock {
		t.Errorf("tea stock = %d, want %d", n, teaStock)
	}
}

func checkOrders(t *testing.T, got, want []shop.Order) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d orders, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.ID != w.ID || g.Total != w.Total || len(g.Lines) != len(w.Lines) {
			t.Errorf("order %d = id %d, total %v, %d lines; want id %d, total %v, %d lines",
				i, g.ID, g.Total, len(g.Lines), w.ID, w.Total, len(w.Lines))
			continue
		}
		for j := range w.Lines {
			if g.Lines[j] != w.Lines[j] {
				t.Errorf("order %d line %d = %+v, want %+v", g.ID, j, g.Lines[j], w.Lines[j])
			}
		}
	}
}

func count(t *testing.T, db *sql.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func stock(t *testing.T, db *sql.DB, product int64) int {
	t.Helper()
	return count(t, db, `SELECT stock FROM products WHERE id = $1`, product)
}

// countPrefix counts the statements that start with prefix.
func countPrefix(stmts []reldbtest.Statement, prefix string) int {
	n := 0
	for _, s := range stmts {
		if strings.HasPrefix(s.SQL, prefix) {
			n++
		}
	}
	return n
}
