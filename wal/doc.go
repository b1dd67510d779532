// Package wal is reldb's write-ahead log: an append-only sequence of opaque,
// versioned, checksummed records stored in a directory, numbered from 1.
// It wraps github.com/tidwall/wal, which no other reldb package imports.
//
// Only engine calls it. Invariants:
//
//   - Records are opaque to wal: it frames each payload with a format
//     version, a CRC32C (Castagnoli) of the payload and its length
//     ([AppendRecord], [DecodeRecord]), and never decodes a payload.
//   - One [Log.Append] is one batch followed by at most one sync; with
//     [SyncEveryCommit] it returns only once the batch is durable, so a
//     record is acknowledged exactly when its Append returns.
//   - Only an unacknowledged tail may be repaired. tidwall writes to the last
//     segment file only and syncs a segment before starting the next, so a
//     crash can tear only the final entry of the last segment. [Open] drops
//     that entry, and only that one, when it is incomplete or its record
//     fails its checks, by cutting the file back to the end of the last
//     sound entry ([Log.Recovery] reports it). Every other damaged entry, in
//     any segment, makes Open fail with an error wrapping [ErrCorrupt] that
//     names the segment file and the record index. An incomplete final entry
//     whose present bytes contradict its length prefix is corruption too.
//   - Consequence: damage to the last acknowledged record that looks exactly
//     like a torn write of it (the record is complete but fails its
//     checksum) cannot be told apart and is dropped. Damage that spans more
//     than the final entry, such as a torn multi-record batch whose earlier
//     records also fail, is reported as ErrCorrupt rather than guessed at.
//   - Files are created with mode 0600 and directories with mode 0700.
package wal
