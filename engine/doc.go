// Package engine is reldb's public API: an embedded, in-memory relational
// database for Go with typed tables, indexes and serializable MVCC
// transactions. It is the only package most programs import.
//
// # Basics
//
// [Open] returns a [DB]. Tables are declared with [Table], [Column] and
// [Index] and created inside a transaction ([Tx.CreateTable]); schema changes
// are versioned with the data. Existing tables change with [Tx.AddColumn],
// [Tx.DropColumn], [Tx.RenameColumn], [Tx.RenameTable], [Tx.SetDefault],
// [Tx.SetNotNull] and the others of ALTER TABLE, each transactional. Rows go in as a [Row] (column name to Go
// value) and come out as a [Record], a read-only view of the stored row.
// [Tx.Query] selects rows with conditions ([Eq], [Lt], [In], [IsNull], ...),
// ORDER BY and LIMIT, using an index when one matches. A query run many
// times is made once with [Prepare], its values [Param] placeholders, and
// run with [Tx.Bind]: the plan is kept until the table's schema changes.
//
//	db, _ := engine.Open(engine.Options{}) // in memory
//	err := db.Update(ctx, func(tx *engine.Tx) error {
//		a, err := tx.Insert("authors", engine.Row{"name": "Le Guin"})
//		if err != nil {
//			return err
//		}
//		_, err = tx.Insert("books", engine.Row{"author_id": a.ID(), "title": "The Dispossessed"})
//		return err
//	})
//
// # Transactions
//
// [DB.View] runs a function in a read-only transaction, [DB.Update] in a
// write transaction that commits when the function returns nil, and
// [DB.Begin] gives an explicit [Tx] to Commit or Rollback. Every transaction
// reads one snapshot: the state committed when it began, plus its own
// writes. Readers never block and are never blocked.
//
// Several write transactions may run at once. Each records what it read —
// keys, and key ranges, so rows inserted into a range it scanned count — and
// at commit it is validated against the transactions that committed since it
// began. If one of them wrote something it read or wrote, Commit returns
// [ErrConflict] and nothing is written: the result is serializable. Update
// retries on conflict with a bounded, jittered backoff ([RetryPolicy]).
// [TxOptions].Isolation = [RepeatableRead] validates only writes and the
// reads of constraint checks instead, as PostgreSQL's REPEATABLE READ: write
// skew is then possible, lost updates and orphans are not; it locks the
// rows it writes, and writing a row changed since its snapshot fails at
// once.
// [ReadCommitted] reads the latest committed state at each statement and
// locks the rows it writes: concurrent writers of one row wait for each
// other instead of failing ([Tx.LockRow], [ErrDeadlock]), as under
// PostgreSQL's READ COMMITTED, the SQL layer's default.
//
// Each statement is atomic: one that fails leaves the transaction as it was.
// [Tx.Savepoint] and [Tx.RollbackTo] undo part of a transaction.
//
// # Relations
//
// [Tx.CreateRelation] declares a foreign key from a child table to the
// primary key or a unique index of a parent, named from both sides (a book
// has an "author", an author has "books"): one-to-many, or one-to-one (the
// child's columns become unique). [Tx.CreateManyToMany] relates two tables
// through a generated junction, or an explicit one carrying payload
// columns. Every relation's child columns are indexed.
//
// Inserting or updating a child whose parent does not exist fails with
// [ErrForeignKey] (SQLSTATE 23503); MATCH SIMPLE skips a key with a NULL,
// MATCH FULL refuses a partly NULL one. Deleting a parent, or changing its
// referenced key, runs each referencing relation's action, as PostgreSQL
// does: NO ACTION (the default) refuses if children still reference the
// key when its check's turn comes, unless a parent holds the key again by
// the end of the statement — or it checks at commit when the relation is
// deferrable and deferred ([Tx.SetConstraints]); RESTRICT refuses if
// children reference the key when its turn comes, and is never deferred
// ([ErrRestrict]); CASCADE deletes or updates the children; SET NULL and
// SET DEFAULT change their key columns. Like PostgreSQL's referential
// triggers, the actions and checks run as one first-in-first-out queue of
// row events — for each row, the relations referencing its table in the
// order they were declared, rows in primary-key order — through an
// explicit worklist (no recursion limit), each row once. A statement that
// fails anywhere changes nothing.
// [Tx.PreviewDelete] shows a delete's whole effect without writing it;
// [Tx.DDL] exports the schema as PostgreSQL DDL; [Tx.Lint] warns about
// cascade cycles and conflicting paths.
//
// # Traversal
//
// A [Record] knows the transaction and the result it was read in, and
// [Record.Related] follows a relation by the name it declared for that
// side: "books" from an author, "author" from a book, "tags" from a book of
// a many-to-many ([Record.Links] also gives each target's junction row, with
// its payload). Read this way, one row at a time, every access is a load —
// one index seek — and a loop over a result is the N+1 pattern.
// [Query.Prefetch] loads relations with the rows instead, each level of
// each path in one batched load whatever the number of rows: it collects
// the level's distinct keys and seeks each one or merge-scans the
// relation's index, whichever reads less, loads a row shared by many (a
// tag of 500 books) once, and shares levels between paths with a common
// prefix. [Query.PrefetchWith] filters, orders and limits per row.
//
//	authors, _ := tx.Query("authors").Prefetch("books.tags").All()
//	for _, a := range authors {
//		books, _ := a.Related("books") // no load: prefetched
//		...
//	}
//	tx.Stats().Loads // 3: authors, books, tags
//
// Every transaction counts its loads, index seeks and rows, per relation
// too ([Tx.Stats], [DB.Stats]); package reltest bounds the loads of a block
// of code in a test. A fetch mode ([FetchMode]: per database, transaction
// or relation) decides what an access that was not prefetched does: load
// for that row, load for every row of the result at once (FetchPeers, N+1
// becomes 1+1), fail ([ErrLazyLoad]) or load and report. An N+1 detector
// and a report of prefetched relations nothing read go to
// [TraversalOptions].OnReport.
//
// # Typed models
//
// Structs map to tables with [Register]; [Insert], [Update], [Delete],
// [Get], [Find] and [All] work on them, All filling relation fields down
// the prefetch paths, and [Related] loads one lazily. Each row is one
// object per transaction. [Register] gives the mapping rules:
//
//	type Author struct {
//		ID    int64   // column id
//		Name  string  // column name
//		Born  *int64  // column born; nil is NULL
//		Books []*Book `rel:"books"` // the relation named books
//	}
//
// # Values
//
// Each [Type] stores one Go type, which [Record.Get] returns: Int int64,
// Float float64, Text string, Bool bool, Bytes []byte, Time time.Time (UTC),
// Decimal *apd.Decimal (github.com/cockroachdb/apd/v3). On input a column
// also takes the Go values that convert exactly: any integer type for Int
// and Decimal, float32, a decimal string such as "12.50" for Decimal, a
// pointer to any of them (nil is NULL) and named types over them. A
// decimal reads without importing apd: fmt.Sprint(r.Get("price")) or
// r.Get("price").(fmt.Stringer).String() give its exact text, "12.50".
//
// # Durability
//
// With the zero [Options] a database is purely in memory and lives as long
// as its DB. With [Options.Dir] it is durable:
//
//	db, err := engine.Open(engine.Options{Dir: "data"})
//	defer db.Close()
//
// Open locks the directory (a second Open, in any process, fails with
// [ErrLocked]; the kernel drops the lock if the process dies) and recovers
// the newest snapshot file plus the log after it. Every committed write
// transaction, schema changes included, is one checksummed record in a
// write-ahead log, written before Commit returns: the new catalog if the
// schema changed, and per table the deleted primary keys and the full new
// rows (indexes are rebuilt on replay; cascades are already expanded). How
// durable "written" is depends on [Options.Sync] — see [SyncMode]: by
// default the record is fsynced, and committers that commit at the same
// time share one write and one fsync (group commit), so throughput grows
// with concurrent committers.
//
// A commit is visible to other transactions as soon as it is published,
// which may be a moment before its record is synced. The log is always a
// prefix of the commit order, so a crash loses only a suffix of commits
// whose Commit had not returned. If writing the log fails, Commit returns
// the error (the commit may be visible in memory but not durable) and every
// later commit fails: Close and Open again.
//
// [DB.Checkpoint] writes the latest committed state to a snapshot file —
// reading one MVCC snapshot, so writers keep committing — atomically
// (temporary file, fsync, rename, fsync of the directory), then truncates
// the log in front of it; it also runs by itself in the background after
// [Options.CheckpointBytes] of log. Recovery time is proportional to the
// snapshot plus the log after it. A torn last log record (a crash in the
// middle of a write that was never acknowledged) is cut off at Open; damage
// — a complete record whose checksum fails, the last one included, or a
// damaged snapshot file — makes Open fail with [ErrCorrupt] naming the
// file and record, and changes nothing ([Options.RepairDamagedTail] cuts a
// damaged last record instead, losing its commit). Files are
// created with mode 0600, directories 0700. [DB.Close] writes what is
// queued, syncs and releases the directory.
//
// A sequence is not transactional: values taken by a transaction that
// rolled back are gone, and each commit logs the sequences of the tables
// it wrote. Close logs the sequences that moved since (by rollbacks
// only), so a value is never handed out twice across Close and Open, as
// PostgreSQL never hands one out twice; after a crash, values taken since
// the last commit that logged the table may be handed out again.
//
// Reserved names: tables whose names begin with pg_reldb_ belong to
// reldb's own layers. The SQL layer (package pgsql) keeps one in a durable
// database, pg_reldb_declarations, holding what SQL declared beyond the
// engine's catalog (declared types, CHECK constraints, volatile defaults,
// comments, views), written in the transaction of the DDL that made it.
// [Tx.Tables], [Tx.DDL] and [Tx.Lint] leave such tables out; do not create,
// change or drop them through the Go API.
//
// # Errors
//
// Errors wrap sentinels for errors.Is ([ErrNotFound], [ErrConflict],
// [ErrUnique], [ErrNotNull], [ErrType], [ErrNoTable], ...). A constraint
// failure is a [*ConstraintError] for errors.As naming the constraint,
// table, columns and key and carrying PostgreSQL's SQLSTATE, so code written
// against PostgreSQL error codes can be tested against reldb. Bad input
// changes nothing.
//
// # Caveats
//
//   - Text compares byte-wise, like PostgreSQL's C collation.
//   - Decimals compare by value: 1.0 and 1.00 are equal (and collide in a
//     unique index), while the row keeps the scale it was given.
//   - An auto-increment key that is given explicitly advances the sequence;
//     PostgreSQL's sequences do not move.
//   - Every table needs a primary key.
//   - NULL sorts after every value, as in PostgreSQL's default B-tree order
//     (ASC NULLS LAST, DESC NULLS FIRST).
//   - Text must be valid UTF-8 without NUL bytes; times keep microseconds
//     and are stored in UTC — PostgreSQL's text and timestamptz.
//   - A unique value freed by a transaction that committed after this one
//     began is reported as a serialization conflict (40001), which Update
//     retries, not as a unique violation.
//   - Index names are unique per table, not per schema.
package engine
