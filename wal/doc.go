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
//     crash can tear only the final entry of the last segment. A torn entry
//     is incomplete (its length prefix or its frame cut short) or
//     zero-filled to the end of the file (a power loss after the file grew
//     but before its data reached the disk). [Open] drops that entry, and
//     only that one, by cutting the file back to the end of the last sound
//     entry ([Log.Recovery] reports it). An incomplete final entry whose
//     present bytes contradict its length prefix is corruption, not a tear.
//   - A complete final entry that fails its checks is damage, not a torn
//     write: the record may have been acknowledged. With
//     [Options.RefuseDamagedTail] Open fails with an error wrapping
//     [ErrCorrupt]; without it Open cuts the record as before and reports it
//     through [Recovery.Damaged]. Every other damaged entry, in any segment,
//     makes Open fail with an error wrapping ErrCorrupt that names the
//     segment file and the record index, whatever the options.
//   - Known limit: a power loss on a file system that can expose a grown
//     file before all its new data (ext4 data=writeback, for one) can leave
//     an unacknowledged final record complete by its length but partly
//     zero. That is indistinguishable from damage: RefuseDamagedTail
//     refuses it too, and the caller opens once without it to drop it.
//   - Directory entries are durable before they are relied on: tidwall never
//     syncs the log directory, so wal does, through a small file system seam
//     a test can observe and fail: after Open (which may create the
//     directory, syncing its parents too, or the first segment file, or
//     finish an interrupted truncation), whenever an Append starts a segment
//     file (before it returns; it knows when from tidwall's rollover rule,
//     without a system call), and after TruncateFront. A failed directory
//     sync is sticky, like a failed write.
//   - Known limit: inside TruncateFront tidwall renames its .START file into
//     place and removes old segment files with no directory sync in between;
//     wal syncs once after. A file system that persists the removals but not
//     the earlier rename could lose the truncated segment; journaling file
//     systems commit them in order.
//   - Each segment file reaches the first record of the next: a log with a
//     segment file missing between two others is corruption (tidwall would
//     find no record of it, and panic reading one).
//   - What the log makes durable it can report, as it does, to an
//     [Options.Observer] (a [SyncObserver]): the synced length of each
//     segment file and each directory sync. Crash tests that simulate a
//     power loss use it to learn what one would keep.
//   - Files are created with mode 0600 and directories with mode 0700.
package wal
