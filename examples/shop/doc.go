// Package shop is a small example service: users place orders for
// products, through a repository layer written against database/sql and
// PostgreSQL's SQL.
//
// It imports no driver. The program that runs it opens a *sql.DB with a
// PostgreSQL driver (pgx's stdlib, lib/pq) and passes it to [NewRepo]; its
// tests pass one from reldbtest.New, a forked in-memory database that
// behaves like PostgreSQL, and the same tests run on a real PostgreSQL
// (see package shoptest and the README).
//
// The schema is in the migrations folder (golang-migrate's layout, embedded
// as [Migrations]): users 1—N orders (ON DELETE CASCADE), orders N—M
// products through order_items, a junction that carries a payload
// (quantity, unit_price), whose rows go with their order (CASCADE) and
// keep their product from being deleted (RESTRICT).
//
// Errors a caller can act on are sentinels for errors.Is: [ErrEmailTaken],
// [ErrProductInUse], [ErrOutOfStock], [ErrNotFound]. They are found by
// SQLSTATE through the SQLState method that pgx's, lib/pq's and reldb's
// errors have, so no driver's error type is imported.
package shop
