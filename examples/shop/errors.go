package shop

import "errors"

// Errors a caller can act on, for errors.Is.
var (
	// ErrEmailTaken is returned by CreateUser when another user has the email.
	ErrEmailTaken = errors.New("shop: email already taken")
	// ErrProductInUse is returned by DeleteProduct when an order holds the product.
	ErrProductInUse = errors.New("shop: product is in an order")
	// ErrOutOfStock is returned by PlaceOrder when a product has too few left.
	ErrOutOfStock = errors.New("shop: out of stock")
	// ErrNotFound is returned when a user or product does not exist.
	ErrNotFound = errors.New("shop: not found")
)

// SQLSTATE codes the repository acts on (PostgreSQL's errcodes).
const (
	foreignKeyViolation  = "23503"
	uniqueViolation      = "23505"
	checkViolation       = "23514"
	serializationFailure = "40001"
)

// sqlState returns the SQLSTATE of a database error, or "" for any other
// error. pgx (*pgconn.PgError), lib/pq (*pq.Error) and reldb (*pgsql.Error)
// all have a SQLState method, so no driver needs importing.
func sqlState(err error) string {
	var e interface{ SQLState() string }
	if errors.As(err, &e) {
		return e.SQLState()
	}
	return ""
}
