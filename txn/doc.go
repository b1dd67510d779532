// Package txn implements reldb's multi-version concurrency control: immutable
// snapshots of a set of B-trees, optimistic write transactions with read and
// write sets, and serializable validation at commit.
//
// A committed state is a [Snapshot]: a version number and a set of
// [index.Tree]s named by [TreeID]. Snapshots are immutable; readers take the
// latest one with one atomic load and are never blocked.
//
// A write transaction ([Txn]) forks each tree the first time it writes to it
// (O(1) copy-on-write, [index.Tree.Fork]) and records what it read: point keys and key ranges,
// so that inserts into a range it scanned (phantoms) are seen. At commit,
// under the [Oracle]'s commit lock, a transaction whose snapshot is still the
// latest publishes its trees as they are. Otherwise it is validated against
// the write sets of every transaction that committed since its snapshot: if
// one of them wrote a key it read or wrote, it fails with [ErrConflict];
// if none did, its writes are re-applied to the latest trees and published.
// This is serializable: the transaction behaves as if it ran entirely at its
// commit point.
//
// Invariants:
//   - a published tree is frozen ([index.Tree.Freeze]) before its snapshot
//     is published and never mutated afterwards; a writer forks it, which
//     writes nothing to the shared tree and so needs no lock;
//   - the chain of committed write sets is written only under the commit lock
//     and read only under it;
//   - keys passed to Put, Get and Scan are kept (by a tree or the read
//     set): callers must not modify them afterwards. Delete keeps only
//     copies.
//
// The package knows nothing of tables, rows or schemas: package engine maps
// those onto trees.
package txn
