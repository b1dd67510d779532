// Package parse is the front end of reldb's PostgreSQL dialect: it parses
// SQL text with PostgreSQL's own grammar (github.com/pgplex/pgparser, a Go
// translation of PostgreSQL 17's gram.y) and translates the parse tree
// into the statement IR of package ir, which is what the planner consumes.
//
// # API
//
// [Parse] turns a SQL text into IR statements; [Cache] memoises it in a
// bounded LRU keyed by the text; [Split] and [ParamCount] cut a text into
// statements and count the $N parameters without translating.
//
// # What translates
//
// Statements: SELECT (DISTINCT, DISTINCT ON, joins INNER/LEFT/RIGHT/FULL/CROSS with ON
// or USING, subqueries in FROM, WHERE, GROUP BY expressions and ordinals,
// HAVING, WINDOW, ORDER BY with ASC/DESC and NULLS FIRST/LAST, LIMIT/OFFSET and
// FETCH FIRST, UNION/INTERSECT/EXCEPT [ALL], WITH [RECURSIVE], FOR
// UPDATE/SHARE), VALUES, INSERT (multi-row VALUES with DEFAULT, SELECT,
// DEFAULT VALUES, ON CONFLICT, RETURNING), UPDATE (FROM, RETURNING, row
// assignment), DELETE (USING, RETURNING), CREATE TABLE, CREATE INDEX,
// CREATE VIEW, DROP TABLE/INDEX/VIEW, ALTER TABLE (columns, constraints,
// defaults, NOT NULL, renames), TRUNCATE, COMMENT ON, BEGIN/START
// TRANSACTION, COMMIT/END, ROLLBACK/ABORT, SAVEPOINT, RELEASE, ROLLBACK TO,
// SET TRANSACTION, SET CONSTRAINTS, SET/SHOW/RESET, EXPLAIN.
//
// Expressions: literals, $N, column references, operators, AND/OR/NOT,
// IS [NOT] NULL/TRUE/FALSE/UNKNOWN, IS [NOT] DISTINCT FROM, [NOT] BETWEEN
// [SYMMETRIC], [NOT] IN (list or subquery), EXISTS, scalar subqueries,
// ANY/SOME/ALL over arrays and subqueries, [NOT] LIKE/ILIKE [ESCAPE],
// [NOT] SIMILAR TO [ESCAPE] (x ~ similar_to_escape(p, e), as PostgreSQL
// parses it), CASE, COALESCE, NULLIF, GREATEST, LEAST, CAST and ::, function and aggregate
// calls (DISTINCT, *, ORDER BY inside), window function calls (OVER name
// or a specification with PARTITION BY, ORDER BY and a ROWS or RANGE
// frame; the frames PostgreSQL's grammar refuses are 42P20 as there),
// SQL-standard value functions, ARRAY[...] and row constructors.
//
// # What is 0A000
//
// Anything else the grammar accepts, each with its own message; among
// them: MERGE, COPY, sequences, schemas, extensions, functions, triggers,
// GRANT, PREPARE/EXECUTE, LOCK, CREATE TABLE AS, temporary and unlogged
// tables, INHERITS, partitioning, LIKE in CREATE TABLE, generated columns,
// COLLATE, identity options' SEQUENCE NAME, MATCH PARTIAL, EXCLUDE, NO INHERIT, NOT
// VALID, INCLUDE, non-btree and partial indexes, ALTER COLUMN TYPE,
// GROUPS and EXCLUDE in window frames, RANGE frames with an offset,
// ROWS FROM, TABLESAMPLE,
// WITH TIES, subscripts and field selection, ARRAY(subquery),
// VARIADIC arguments and named ones (but make_interval's, put in their
// positions with zeros between), data-modifying WITH other than in the
// WITH of a top-level SELECT, INSERT, UPDATE or DELETE, ON CONFLICT on
// expressions or with a predicate, UPDATE SET (...) = (SELECT ...), WHERE
// CURRENT OF, AND CHAIN and two-phase commit. The tests in
// errors_test.go list each message.
//
// # Invariants
//
//   - Every error is a *pgerr.Error. A construct the IR cannot express is
//     0A000 naming it ("<construct> is not supported"), never a statement
//     that means something else.
//   - pgparser is called in one place (rawParse) and its tree never
//     escapes this package.
//   - The IR this package returns shares nothing with pgparser's tree.
//
// # Working around pgparser v0.2.0
//
//   - Its lexer errors are ignored by its parser, which then sees end of
//     input: "SELECT 'abc" parsed as "SELECT". Our own scanner (scan.go)
//     finds unterminated strings, quoted identifiers, dollar quotes and
//     comments first and reports 42601 with the position of their start;
//     a pass of pgparser's own lexer then catches its remaining lexical
//     errors (trailing junk after numbers, bad escapes).
//   - Its ParamRef nodes do not carry the parameter number. Every $N is
//     rewritten into a marker identifier before parsing and turned back
//     into ir.Param with the right number and location (source.go).
//   - It records no token locations, so IR nodes other than ir.Param have
//     Location -1, and a syntax error's position is reconstructed from the
//     lexer offset pgparser reports: it names the token at which the
//     grammar failed, except after NOT, WITH, NULLS, WITHOUT and FORMAT,
//     where pgparser's one-token lookahead makes it name the next token.
//     Errors raised while translating (0A000, and the grammar-level 42601
//     checks PostgreSQL makes in its parser) point at the construct's
//     keyword in the failing statement, or at the statement's start.
//   - It does not apply column constraint attributes consistently
//     (DEFERRABLE after a column REFERENCES is folded in, after CHECK it is
//     a separate item); the translator applies them as PostgreSQL does and
//     makes INITIALLY DEFERRED imply DEFERRABLE. Where pgparser folds the
//     attributes itself (table constraints, a column's REFERENCES) it drops
//     NOT DEFERRABLE, so "NOT DEFERRABLE INITIALLY DEFERRED" there is taken
//     as deferrable where PostgreSQL rejects it.
//   - It builds TRIM(chars FROM s) with its arguments reversed and accepts
//     MySQL's LIMIT offset, count; both are corrected or rejected using
//     the source's tokens (see fixTrimArgs and limitComma).
//   - It drops unary plus (+x parses as x), which only matters for types
//     without a unary + operator.
package parse
