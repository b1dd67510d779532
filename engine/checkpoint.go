package engine

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
// Checkpoint of an in-memory database does nothing. Returns ErrClosed after
// Close, the log's error once writing the log has failed, and the I/O error
// if writing the snapshot fails (the log is then kept whole).
func (db *DB) Checkpoint() error {
	if db.closed.Load() {
		return ErrClosed
	}
	if db.dur == nil {
		return nil
	}
	return db.dur.Checkpoint()
}
