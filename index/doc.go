// Package index holds reldb's order-preserving key encoding and the
// copy-on-write B-tree that every table and index is stored in.
//
// Keys are byte strings built by [AppendKey]: comparing two keys with
// bytes.Compare gives the same order as comparing the values they encode with
// [Compare], column by column. Every encoded value is self-delimiting, so a
// composite key is the plain concatenation of its columns, and the encoding of
// the leading columns of an index is a byte prefix of every key that starts
// with those values. Package engine stores a table's primary tree as the
// encoded primary key mapped to the row, and each index as the encoded
// indexed columns (followed by the primary key's other columns, except in a
// unique index whose values hold no NULL) mapped to the same row, so a scan
// of an index needs no second lookup.
//
// The package knows nothing of transactions. Its invariants, which package
// txn relies on:
//   - a [Tree] handed to other goroutines (a published snapshot's tree) is
//     frozen first ([Tree.Freeze]) and never mutated again; writers Fork it,
//     which writes nothing to the shared tree, so forks need no lock (a
//     Clone of an unfrozen tree does write to it, and Clones of one tree
//     must be serialised by the caller);
//   - an [Entry] in a tree is immutable: neither its key bytes nor its value
//     change after Put.
package index
