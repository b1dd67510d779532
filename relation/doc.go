// Package relation holds reldb's foreign-key metadata and the referential
// action planner.
//
// A foreign key ([FK]) says that some columns of a child table reference
// the primary key or a unique key of a parent table. When a parent row is
// deleted, or its referenced key changes, each foreign key that references
// it acts: NO ACTION and RESTRICT refuse if children remain (RESTRICT at
// once, against the rows as they were before the statement; NO ACTION at
// the end of the statement, or at commit when deferred), CASCADE deletes or
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
// Actions fire in a fixed order: the foreign keys that reference a table in
// the order they were declared, and for each, the referencing rows in
// primary-key order.
package relation
