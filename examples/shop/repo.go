package shop

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// User is a customer.
type User struct {
	ID        int64
	Email     string
	Name      string
	CreatedAt time.Time
}

// Item is one line of an order to place: a product and how many.
type Item struct {
	ProductID int64
	Quantity  int
}

// Order is a placed order with its lines.
type Order struct {
	ID        int64
	CreatedAt time.Time
	Lines     []Line
	Total     Cents // the sum of the lines' Quantity × UnitPrice
}

// Line is one line of a placed order: the price paid is the product's
// price when the order was placed.
type Line struct {
	ProductID int64
	Product   string // the product's name
	Quantity  int
	UnitPrice Cents
}

// Repo reads and writes the shop's tables. It is safe for concurrent use,
// as its *sql.DB is.
type Repo struct {
	db *sql.DB
}

// NewRepo returns a Repo over db, a PostgreSQL database (or a stand-in)
// migrated with Migrations.
func NewRepo(db *sql.DB) *Repo { return &Repo{db: db} }

// CreateUser adds a user and returns it with its id and creation time.
// Returns ErrEmailTaken if another user has the email.
func (r *Repo) CreateUser(ctx context.Context, email, name string) (User, error) {
	u := User{Email: email, Name: name}
	err := r.db.QueryRowContext(ctx,
		`INSERT INTO users (email, name) VALUES ($1, $2) RETURNING id, created_at`,
		email, name).Scan(&u.ID, &u.CreatedAt)
	if sqlState(err) == uniqueViolation {
		return User{}, fmt.Errorf("create user %q: %w", email, ErrEmailTaken)
	}
	if err != nil {
		return User{}, fmt.Errorf("create user %q: %w", email, err)
	}
	return u, nil
}

// DeleteUser deletes a user; the database deletes their orders and the
// orders' lines with them (ON DELETE CASCADE). Returns ErrNotFound if there
// is no such user.
func (r *Repo) DeleteUser(ctx context.Context, id int64) error {
	res, err := r.db.ExecContext(ctx, `DELETE FROM users WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("delete user %d: %w", id, err)
	}
	return mustAffect(res, fmt.Sprintf("delete user %d", id))
}

// DeleteProduct deletes a product. Returns ErrProductInUse if an order
// holds it (order_items' ON DELETE RESTRICT), ErrNotFound if there is no
// such product.
func (r *Repo) DeleteProduct(ctx context.Context, id int64) error {
	res, err := r.db.ExecContext(ctx, `DELETE FROM products WHERE id = $1`, id)
	if sqlState(err) == foreignKeyViolation {
		return fmt.Errorf("delete product %d: %w", id, ErrProductInUse)
	}
	if err != nil {
		return fmt.Errorf("delete product %d: %w", id, err)
	}
	return mustAffect(res, fmt.Sprintf("delete product %d", id))
}

func mustAffect(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return nil
}

// PlaceOrder creates an order for a user with the items, taking them from
// stock at the products' current prices, all in one transaction: if any
// item fails, nothing is written. It returns the order's id. items must
// name each product once.
//
// Returns ErrNotFound if the user or a product does not exist, and
// ErrOutOfStock if a product has fewer left than ordered.
func (r *Repo) PlaceOrder(ctx context.Context, userID int64, items []Item) (int64, error) {
	if len(items) == 0 {
		return 0, errors.New("place order: no items")
	}
	var orderID int64
	err := r.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx,
			`INSERT INTO orders (user_id) VALUES ($1) RETURNING id`, userID).Scan(&orderID)
		if sqlState(err) == foreignKeyViolation {
			return fmt.Errorf("user %d: %w", userID, ErrNotFound)
		}
		if err != nil {
			return err
		}
		for _, it := range items {
			// Take the items from stock and read the price in one statement;
			// the CHECK (stock >= 0) refuses an order larger than the stock.
			var price Cents
			err := tx.QueryRowContext(ctx,
				`UPDATE products SET stock = stock - $2 WHERE id = $1 RETURNING price`,
				it.ProductID, it.Quantity).Scan(&price)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				return fmt.Errorf("product %d: %w", it.ProductID, ErrNotFound)
			case sqlState(err) == checkViolation:
				return fmt.Errorf("product %d: %w", it.ProductID, ErrOutOfStock)
			case err != nil:
				return err
			}
			if _, err := tx.ExecContext(ctx,
				`INSERT INTO order_items (order_id, product_id, quantity, unit_price) VALUES ($1, $2, $3, $4)`,
				orderID, it.ProductID, it.Quantity, price); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("place order for user %d: %w", userID, err)
	}
	return orderID, nil
}

// maxAttempts bounds how often inTx runs a transaction that fails with a
// serialization failure.
const maxAttempts = 5

// inTx runs fn in a serializable transaction and commits it, running it
// again (up to maxAttempts times in all) when the database reports a
// serialization failure (SQLSTATE 40001), as PostgreSQL asks of clients of
// serializable transactions. fn may run several times: it must have no
// effects outside the transaction.
func (r *Repo) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := r.tryTx(ctx, fn)
		if sqlState(err) != serializationFailure || attempt == maxAttempts {
			return err
		}
		// Back off a little, longer each time, before trying again.
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt) * time.Millisecond):
		}
	}
}

func (r *Repo) tryTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := r.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable})
	if err != nil {
		return err
	}
	defer tx.Rollback() // after Commit, a no-op returning sql.ErrTxDone
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// Orders returns a user's orders, oldest first, with their lines and
// totals. It runs one query however many orders there are: a join, not a
// query per order (the N+1 pattern).
func (r *Repo) Orders(ctx context.Context, userID int64) ([]Order, error) {
	rows, err := r.db.QueryContext(ctx, `
		SELECT o.id, o.created_at, i.product_id, p.name, i.quantity, i.unit_price
		FROM orders o
		JOIN order_items i ON i.order_id = o.id
		JOIN products p ON p.id = i.product_id
		WHERE o.user_id = $1
		ORDER BY o.created_at, o.id, i.product_id`, userID)
	if err != nil {
		return nil, fmt.Errorf("orders of user %d: %w", userID, err)
	}
	defer rows.Close()
	var orders []Order
	for rows.Next() {
		var (
			id      int64
			created time.Time
			l       Line
		)
		if err := rows.Scan(&id, &created, &l.ProductID, &l.Product, &l.Quantity, &l.UnitPrice); err != nil {
			return nil, fmt.Errorf("orders of user %d: %w", userID, err)
		}
		if len(orders) == 0 || orders[len(orders)-1].ID != id {
			orders = append(orders, Order{ID: id, CreatedAt: created})
		}
		o := &orders[len(orders)-1]
		o.Lines = append(o.Lines, l)
		o.Total += Cents(l.Quantity) * l.UnitPrice
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("orders of user %d: %w", userID, err)
	}
	return orders, nil
}
