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
