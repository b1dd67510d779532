// Package relation holds reldb's foreign-key metadata and the referential
// action planner.
//
// A foreign key ([FK]) says that some columns of a child table reference
// the primary key or a unique key of a parent table. When a parent row is
// deleted, or its referenced key changes, each foreign key that references
// it acts: NO ACTION and RESTRICT refuse if children remain (RESTRICT
// always at once; NO ACTION at once, unless a parent holds the key again
// by the end of the statement, or at commit when deferred), CASCADE deletes or
// updates the children, SET NULL and SET DEFAULT change the children's key
// columns. PostgreSQL is the reference for every rule.
//
// The [Planner] expands one delete or key update into its whole effect
// without writing anything: it reads rows through a [Reader] the caller
// implements (package engine, over a transaction), follows foreign keys
// with an explicit worklist — no recursion, so a chain of a million
// self-referencing rows costs no stack — handles each row once however many
// paths reach it (diamonds, cycles), and reports RESTRICT violations. The
// caller executes the resulting [Plan] and runs its end-of-statement checks.
//
// Actions fire in a fixed order, PostgreSQL's: one queue of row events,
// first in first out — the statement's own row, then the rows each action
// changes, appended as it runs — and for each row, the foreign keys that
// reference its table in the order they were declared, the referencing
// rows in primary-key order. A RESTRICT or NO ACTION check sees the changes
// of the events before it, so in a diamond whether a child is still there
// depends on which path reached it first, exactly as in PostgreSQL.
package relation
