// Package compat holds reldb's client compatibility tests: real
// PostgreSQL client libraries (pgx's native API and pgxpool, lib/pq
// through database/sql) and psql, talking to reldb's pgwire server. It
// is its own module so that those clients stay out of reldb's go.mod.
//
// Run with: cd compat && go test ./...
package compat
