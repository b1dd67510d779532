// Package durable makes a reldb database durable: the commit hook that
// logs each committed write transaction, group commit, recovery of the
// newest snapshot plus the log after it, checkpoints, the binary codec of
// records and snapshot files, the directory's identity file and lock.
//
// It takes a [Config], not a database: package engine opens a [Store]
// with the directory, sync mode and checkpoint size of its options and a
// function that returns the latest committed snapshot, and builds its
// oracle from the [Recovered] state Open returns.
//
// Invariants:
//   - the log on disk is always a prefix of the commit order (records are
//     queued under the oracle's commit lock and written in batches, each
//     whole before the next), so a crash loses only a suffix of commits,
//     none of them acknowledged;
//   - a snapshot file is written to a temporary name, synced, renamed and
//     the directory synced before the log in front of it is truncated, and
//     only once the log records it covers are synced, in every sync mode
//     (the snapshot names the last of them, and a log found to end before
//     it is refused as cut short);
//   - the LOGGED mark is written only once the first batch is synced, in
//     every sync mode, for the same reason;
//   - crash tests may observe every sync through [Hooks].
//   - decoding never panics: damage is an error wrapping ErrCorrupt.
//
// A durable database's directory holds:
//
//	RELDB                      says the directory is a reldb database
//	LOCK                       a marker: the directory itself is flock'ed while a DB has it open
//	wal/                       the log: one record per committed write transaction, and
//	                           one of sequences Close wrote (see Store.encodeSequences)
//	snapshot-<version>.reldb   the newest checkpoint (see checkpoint.go)
//
// Commit path. txn calls Store.logCommit (the Hook) under the oracle's commit lock,
// after validation and before publishing: it encodes the commit's record
// and queues it, so the queue is in commit (version) order. Once Commit
// has published and released the commit lock, the committer calls Wait:
// the first waiter to find no flush in progress becomes the leader, takes
// the whole queue and appends it to the log in one write followed by one
// fsync (wal.Log.Append); the others wait for it and find their record
// written, or lead the next batch. So concurrent committers share a write
// and an fsync (group commit) while no lock is held across I/O.
//
// A commit is visible to other transactions from the moment it publishes,
// which can be before its record is durable. That is safe for what the log
// promises: records are written in version order and a batch is written
// whole before the next, so the log on disk is always a prefix of the
// commit order, and a crash loses only a suffix of commits, none of which
// had been acknowledged (Commit had not returned). A reader may see such a
// commit before the crash, as with PostgreSQL's synchronous_commit=off for
// the commits of others; a writer that read it commits after it, so its
// own record comes later and can never survive without it.
package durable
