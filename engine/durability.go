package engine

import "github.com/reldb/reldb/internal/durable"

// ProbeDir reports whether dir holds a durable reldb database, without
// opening, locking or changing it: nil if it does, an error wrapping
// fs.ErrNotExist if dir does not exist, ErrNotDatabase if it is a file or a
// directory without a database. Open with Options.Dir creates a database
// where there is none; tools that must not (reldb inspect) probe first.
func ProbeDir(dir string) error { return durable.ProbeDir(dir) }

// Storage describes the files of a durable database:
//   - Dir is the database's directory;
//   - LogBytes and LogSegments are the size and file count of the
//     write-ahead log: the commits since the newest snapshot;
//   - Snapshot is the newest snapshot file's name, empty before the first
//     checkpoint, and SnapshotBytes its size;
//   - Repaired describes the torn final log record Open cut when it opened
//     the database (a commit that was never acknowledged, or damage to the
//     last record); empty if it cut nothing.
type Storage = durable.Storage

// Storage returns the sizes of the database's files as they are now; the
// zero Storage for an in-memory database.
func (db *DB) Storage() (Storage, error) {
	if db.dur == nil {
		return Storage{}, nil
	}
	return db.dur.Storage()
}

// Checkpoint writes the latest committed state to a snapshot file and
// removes the log records it holds, so that the next Open reads the
// snapshot and replays only what was committed after it. Writers keep
// committing while it runs (it reads one MVCC snapshot); concurrent
// Checkpoints run one after the other. The file is written atomically:
// to a temporary file, synced, renamed, and the directory synced, before
// the log is truncated, so a crash at any point leaves a recoverable
// directory. A durable DB also checkpoints by itself, in the background,
// after Options.CheckpointBytes of log. O(rows) time; it does not block
// commits beyond their usual wait.
//
// Checkpoint of an in-memory database does nothing; of one opened with
// Options.ReadOnly, it returns an error wrapping ErrReadOnly. Returns ErrClosed after
// Close, the log's error once writing the log has failed, and the I/O error
// if writing the snapshot fails (the log is then kept whole).
func (db *DB) Checkpoint() error {
	if db.closed.Load() {
		return ErrClosed
	}
	if db.dur == nil {
		return nil
	}
	if db.opts.ReadOnly {
		return errReadOnlyDB
	}
	return db.dur.Checkpoint()
}
