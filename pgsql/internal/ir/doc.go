// Package ir is reldb's statement IR for the PostgreSQL dialect: plain Go
// structs describing what a SQL statement asks for, after parsing and
// before any name resolution, typing or planning.
//
// The IR is the contract between the parser front end (package parse,
// which translates pgparser's tree into it) and the planner and executor
// that consume it. It depends on neither: no pgparser node and no engine
// type appears here.
//
// # Shape
//
// Every statement implements [Statement]; every scalar expression
// implements [Expr]; every FROM item implements [FromItem]; every ALTER
// TABLE action implements [AlterCmd]. Each node's String method prints a
// canonical, single-line, SQL-like form: names are quoted only when they
// must be, operator expressions are fully parenthesised, and clauses appear
// in a fixed order. Tests compare this form, EXPLAIN and debugging print it;
// the canonical form of a query or DML statement is itself SQL that parses
// back to the same statement. [Inspect] walks an expression within one
// query level.
//
// # Invariants
//
//   - Names are as PostgreSQL's grammar leaves them: unquoted identifiers
//     are already folded to lower case, quoted ones kept verbatim.
//   - Type names are PostgreSQL's internal names after the grammar's own
//     normalisation (integer is int4, varchar stays varchar, char(n) is
//     bpchar, timestamp with time zone is timestamptz); the pg_catalog
//     schema the grammar adds is dropped.
//   - Numeric literals keep their exact source text; nothing is rounded.
//   - A node that holds a Location gives a byte offset into the SQL text
//     the statement was parsed from, or -1 when unknown. pgparser v0.2.0
//     records no token locations, so today only [Param] has one.
//   - The IR never silently changes meaning: a construct it cannot express
//     is rejected by the front end with SQLSTATE 0A000.
//   - IR values may be shared (the parse cache returns the same statements
//     to every caller): treat them as read-only once built.
package ir
