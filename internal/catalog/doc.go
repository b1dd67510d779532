// Package catalog holds what reldb knows about a database's shape and the
// values it may store. It sits below the public face, package engine, and
// beside the SQL layer; both import it, users cannot (it is internal to the
// module).
//
// It owns:
//   - column types ([Type]) and the coercion of Go values into the one
//     canonical stored form of each type ([Coerce], [CoerceExact]);
//   - compiled definitions: [Table] with its [Column]s and [Index]es, [FK]
//     (a relation: the planner's foreign key plus the trees that find each
//     side) and [ManyToMany]; [CatalogTree] is the tree that maps table
//     names to *Table in every snapshot;
//   - the key layout: a table's primary tree maps the encoded primary key
//     to the row ([Table.PKKey]); an index maps the encoded indexed
//     columns, then the primary key's columns it lacks unless the index
//     is unique and holds no NULL, to the same row ([Table.LayOut],
//     [Table.AppendIndexKey]); callers' keys are coerced and encoded by
//     [Table.EncodeKey];
//   - building and checking rows for writes ([Table.NewRow],
//     [Table.ApplySet], [Table.CheckNotNull]) and the table's sequence;
//   - the sentinel errors of definitions, values and constraints, the
//     [ConstraintError] that carries PostgreSQL's SQLSTATE, and the
//     SQLSTATE codes.
//
// Package engine re-exports the errors and the public types by value
// (engine.ErrUnique is catalog.ErrUnique, engine.Type is catalog.Type), so
// errors.Is and errors.As work across the layers.
//
// Invariants:
//   - a value returned by Coerce is in canonical form: int64, float64,
//     string (valid UTF-8, no NUL), bool, []byte (a private copy),
//     time.Time (UTC, microseconds) or *apd.Decimal (a private copy at the
//     column's scale), or nil; keys and the log codec rely on it;
//   - a Table, its Columns and Indexes are immutable once published in a
//     snapshot: a schema change clones the Table ([Table.Clone]) and
//     publishes the clone; only Seq, the non-transactional sequence, is
//     shared and changes (atomically);
//   - a relation's *FK is shared by its child's and its parent's Table.
//
// The package knows nothing of transactions' mechanics: it names trees by
// txn.TreeID and encodes keys with package index, nothing more.
package catalog
