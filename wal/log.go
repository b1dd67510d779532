package wal

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	tidwall "github.com/tidwall/wal"
)

var (
	// ErrClosed is returned when an operation is called on a closed Log.
	ErrClosed = errors.New("reldb: log closed")
	// ErrNotFound is returned by Read when no record has the index.
	ErrNotFound = errors.New("reldb: log record not found")
	// ErrOutOfRange is returned by TruncateFront for an index past the end
	// of the log.
	ErrOutOfRange = errors.New("reldb: log index out of range")
	// ErrTornTail is returned by Open with Options.NoRepair when the log
	// ends in a final record that Open would otherwise cut: a torn one, or,
	// without Options.RefuseDamagedTail, a damaged one (the error then also
	// wraps ErrCorrupt).
	ErrTornTail = errors.New("reldb: log ends in a torn record")
	// ErrReadOnly is returned by Append, TruncateFront and Sync on a log
	// opened with Options.ReadOnly.
	ErrReadOnly = errors.New("reldb: log opened read-only")
)

// SyncMode says when Append makes records durable.
type SyncMode int

const (
	// SyncEveryCommit syncs once per Append, before it returns.
	SyncEveryCommit SyncMode = iota
	// SyncInterval syncs in the background every Options.Interval; Append
	// returns before its records are durable.
	SyncInterval
	// SyncNone never syncs except on Sync, Close and segment rollover.
	SyncNone
)

var _ fmt.Stringer = SyncEveryCommit

func (m SyncMode) String() string {
	switch m {
	case SyncEveryCommit:
		return "SyncEveryCommit"
	case SyncInterval:
		return "SyncInterval"
	case SyncNone:
		return "SyncNone"
	}
	return fmt.Sprintf("SyncMode(%d)", int(m))
}

// Options configures Open. The zero value syncs every Append.
type Options struct {
	SyncMode SyncMode
	// Interval between background syncs; must be positive with
	// SyncInterval and zero otherwise.
	Interval time.Duration
	// SegmentSize is the target size in bytes of a segment file; 0 means
	// 20 MiB.
	SegmentSize int
	// NoRepair makes Open change nothing: where it would cut the final
	// record it fails with ErrTornTail instead. For tools that only verify.
	NoRepair bool
	// RefuseDamagedTail makes Open fail, changing nothing, with an error
	// wrapping ErrCorrupt that names the segment file and the record, when
	// the final record is complete (its length prefix and its frame are all
	// there) but fails its checksum or other checks. A torn write leaves an
	// incomplete or zero-filled entry, never a complete one, so such a
	// record is damage to a record that may have been acknowledged, and
	// cutting it loses a commit. Callers that promise no silent loss set
	// it. Without it Open cuts the record as it cuts a torn one, and says
	// so only through Log.Recovery (Recovery.Damaged) and, with NoRepair,
	// an error wrapping both ErrTornTail and ErrCorrupt: the behaviour of
	// callers written before the two were told apart.
	RefuseDamagedTail bool
	// ReadOnly opens the log without writing anything, on read-only media
	// too: the directory is not created (a missing one is an empty log),
	// a torn final record is left on disk and skipped (Log.Recovery
	// reports it), an interrupted truncation is an error, and every record
	// is read into memory. Append, TruncateFront and Sync return
	// ErrReadOnly. SyncMode and Interval must be zero.
	ReadOnly bool
	// Observer, if not nil, is told what the log makes durable, as it
	// does (see SyncObserver): for crash tests that simulate a power loss.
	Observer SyncObserver

	// fs is the file system seam for tests; nil means the operating
	// system's.
	fs fileSystem
}

const (
	dirPerm  = 0o700
	filePerm = 0o600
)

// Log is an append-only sequence of opaque records numbered from 1 and
// stored in a directory. A Log is safe for concurrent use: Appends are
// serialised and each is atomic with respect to readers, which see every
// record of an Append that has returned. A Log must be closed; after Close
// every method returns ErrClosed.
//
// Besides its segment files, a Log keeps their directory durable: it syncs
// the directory when Open creates it or a segment file, when Append starts a
// segment file (before Append returns, in every sync mode), and after
// TruncateFront; an Append that stays within its segment never does.
type Log struct {
	dir      string
	mode     SyncMode
	fs       fileSystem
	obs      SyncObserver // nil unless Options.Observer
	recovery Recovery
	repaired bool
	tw       *tidwall.Log // internally locked; reads go to it directly
	ro       *roLog       // the records of a read-only log; tw is nil then

	// mu serialises Append, TruncateFront, Sync and Close, and guards the
	// fields below.
	mu struct {
		sync.Mutex
		closed bool
		dirty  bool  // records appended since the last sync
		err    error // sticky: a failed write or sync; reopen to recover
		batch  tidwall.Batch
		frame  []byte
		segs   segmentModel // when tidwall starts a segment file
	}
	stop chan struct{} // closed by Close to end the SyncInterval loop
	done chan struct{} // closed when that loop has returned
}

// Open opens the log in dir, creating dir (mode 0700) and its segment files
// (mode 0600) if needed, and syncs dir and the parent of each directory it
// created. It repairs a torn final entry in the last segment
// (see [Log.Recovery]) and then checks the checksum of every record, so it
// reads the whole log: O(size of the log).
//
// Returns an error wrapping ErrCorrupt, naming the segment file and record
// index, if any record other than an unacknowledged torn tail is damaged,
// including a complete final record that fails its checks when
// opts.RefuseDamagedTail is set. Returns an error wrapping ErrTornTail with
// opts.NoRepair where it would cut the final record. Returns an error if
// opts is invalid, and the error if a directory sync fails.
func Open(dir string, opts Options) (*Log, error) {
	switch opts.SyncMode {
	case SyncEveryCommit, SyncNone:
		if opts.Interval != 0 {
			return nil, fmt.Errorf("wal: open %s: interval %v is only valid with %v", dir, opts.Interval, SyncInterval)
		}
	case SyncInterval:
		if opts.Interval <= 0 {
			return nil, fmt.Errorf("wal: open %s: %v needs a positive interval, got %v", dir, SyncInterval, opts.Interval)
		}
	default:
		return nil, fmt.Errorf("wal: open %s: unknown sync mode %v", dir, opts.SyncMode)
	}
	if opts.SegmentSize < 0 {
		return nil, fmt.Errorf("wal: open %s: negative segment size %d", dir, opts.SegmentSize)
	}
	if opts.ReadOnly {
		return openReadOnly(dir, opts)
	}
	fsys := opts.fs
	if fsys == nil {
		fsys = osFS{}
	}
	if opts.Observer != nil {
		fsys = observedFS{fsys, opts.Observer}
	}
	if err := makeDir(fsys, dir); err != nil {
		return nil, fmt.Errorf("wal: open %s: %w", dir, err)
	}
	rec, repaired, err := repairTail(dir, tailPolicy{cut: !opts.NoRepair, damaged: !opts.RefuseDamagedTail})
	if err != nil {
		return nil, fmt.Errorf("wal: open %s: %w", dir, err)
	}
	if repaired && opts.NoRepair {
		if rec.Damaged {
			return nil, fmt.Errorf("wal: open %s: %w: %w: record %d of %s is complete but fails its checks (%d bytes at offset %d)",
				dir, ErrTornTail, ErrCorrupt, rec.Index, rec.Segment, rec.Dropped, rec.Offset)
		}
		return nil, fmt.Errorf("wal: open %s: %w: record %d of %s (%d bytes at offset %d)", dir, ErrTornTail, rec.Index, rec.Segment, rec.Dropped, rec.Offset)
	}
	if repaired && opts.Observer != nil {
		opts.Observer.FileSynced(rec.Segment, rec.Offset) // truncateFile synced the cut
	}
	segSize := opts.SegmentSize
	if segSize == 0 {
		segSize = tidwallSegmentSize
	}
	// tidwall writes its defaults into the Options it is given: a fresh one.
	tw, err := tidwall.Open(dir, &tidwall.Options{
		NoSync:      opts.SyncMode != SyncEveryCommit,
		SegmentSize: segSize,
		LogFormat:   tidwall.Binary,
		AllowEmpty:  true,
		DirPerms:    dirPerm,
		FilePerms:   filePerm,
	})
	if err != nil {
		return nil, fmt.Errorf("wal: open %s: %w", dir, wrapTidwall(err))
	}
	if err := verifySegments(dir); err != nil {
		tw.Close()
		return nil, fmt.Errorf("wal: open %s: %w", dir, err)
	}
	// tidwall may have created the first segment file or finished an
	// interrupted truncation, and an earlier process may have died between
	// creating a segment file and syncing the directory: sync it once before
	// any record is acknowledged in those files.
	if err := fsys.SyncDir(dir); err != nil {
		tw.Close()
		return nil, fmt.Errorf("wal: open %s: sync directory: %w", dir, err)
	}
	tail, err := tailSize(dir)
	if err != nil {
		tw.Close()
		return nil, fmt.Errorf("wal: open %s: %w", dir, err)
	}
	l := &Log{dir: dir, mode: opts.SyncMode, fs: fsys, obs: opts.Observer, recovery: rec, repaired: repaired, tw: tw}
	l.mu.segs = segmentModel{limit: segSize, tail: tail}
	if opts.SyncMode == SyncInterval {
		l.stop = make(chan struct{})
		l.done = make(chan struct{})
		go l.syncLoop(opts.Interval)
	}
	return l, nil
}

// Recovery reports the final entry Open cut from the log, if it cut one:
// a torn tail, or, without Options.RefuseDamagedTail, a damaged final
// record (Recovery.Damaged).
func (l *Log) Recovery() (Recovery, bool) {
	return l.recovery, l.repaired
}

// wrapTidwall maps tidwall's errors onto ours, keeping the original.
func wrapTidwall(err error) error {
	switch {
	case errors.Is(err, tidwall.ErrCorrupt):
		return fmt.Errorf("%w: %w", ErrCorrupt, err)
	case errors.Is(err, tidwall.ErrClosed):
		return ErrClosed
	case errors.Is(err, tidwall.ErrNotFound):
		return ErrNotFound
	case errors.Is(err, tidwall.ErrOutOfRange):
		return ErrOutOfRange
	}
	return err
}

// Append writes payloads as consecutive records, in one batch, and returns
// the index of the last one (the current last index if payloads is empty).
// With SyncEveryCommit the batch is durable when Append returns; otherwise
// see SyncMode. If the batch starts a segment file, Append also syncs the
// log's directory before it returns, in every sync mode. Payloads are
// copied.
//
// Returns ErrClosed after Close. Returns an error, and writes nothing, if a
// payload exceeds MaxPayload. If a write or sync fails the Log refuses every
// later Append, Sync and TruncateFront with that error: reopen it.
func (l *Log) Append(payloads ...[]byte) (last uint64, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.usableLocked(); err != nil {
		return 0, fmt.Errorf("wal: append: %w", err)
	}
	if l.ro != nil {
		return 0, fmt.Errorf("wal: append: %w", ErrReadOnly)
	}
	last, err = l.tw.LastIndex()
	if err != nil {
		return 0, fmt.Errorf("wal: append: %w", wrapTidwall(err))
	}
	if len(payloads) == 0 {
		return last, nil
	}
	for i, p := range payloads {
		if uint64(len(p)) > MaxPayload {
			return 0, fmt.Errorf("wal: append record %d: payload of %d bytes exceeds %d", last+1+uint64(i), len(p), uint64(MaxPayload))
		}
	}
	b := &l.mu.batch
	b.Clear()
	for i, p := range payloads {
		l.mu.frame = AppendRecord(l.mu.frame[:0], p)
		b.Write(last+1+uint64(i), l.mu.frame)
	}
	if err := l.tw.WriteBatch(b); err != nil {
		l.mu.err = wrapTidwall(err)
		return 0, fmt.Errorf("wal: append records %d-%d: %w", last+1, last+uint64(len(payloads)), l.mu.err)
	}
	l.mu.dirty = l.mode != SyncEveryCommit
	created := l.mu.segs.addRecords(payloads)
	if l.obs != nil && (created || l.mode == SyncEveryCommit) {
		// tidwall synced the tail with SyncEveryCommit, and each segment
		// before a new one in every mode; the new tail is synced only
		// with SyncEveryCommit.
		l.observeSegments(l.mode == SyncEveryCommit)
	}
	if created {
		if err := l.fs.SyncDir(l.dir); err != nil {
			l.mu.err = fmt.Errorf("sync directory %s: %w", l.dir, err)
			return 0, fmt.Errorf("wal: append records %d-%d: %w", last+1, last+uint64(len(payloads)), l.mu.err)
		}
	}
	return last + uint64(len(payloads)), nil
}

// usableLocked returns why the log cannot be written, or nil.
//
// REQUIRES: l.mu held.
func (l *Log) usableLocked() error {
	if l.mu.closed {
		return ErrClosed
	}
	return l.mu.err
}

// Read returns a copy of the payload of record index. It sees every record
// of every Append that has returned.
//
// Returns ErrNotFound if index is outside [First, Last], ErrClosed after
// Close, and an error wrapping ErrCorrupt if the record fails its checks.
func (l *Log) Read(index uint64) ([]byte, error) {
	if l.ro != nil {
		return l.ro.read(l, index)
	}
	frame, err := l.tw.Read(index)
	if err != nil {
		return nil, fmt.Errorf("wal: read record %d: %w", index, wrapTidwall(err))
	}
	p, err := DecodeRecord(frame)
	if err != nil {
		return nil, fmt.Errorf("wal: read record %d: %w", index, err)
	}
	return p, nil
}

// First returns the index of the first record. On an empty log it is
// Last()+1, the index the next Append will use. Returns ErrClosed after
// Close.
func (l *Log) First() (uint64, error) {
	if l.ro != nil {
		return l.ro.firstIndex(l)
	}
	i, err := l.tw.FirstIndex()
	if err != nil {
		return 0, fmt.Errorf("wal: first index: %w", wrapTidwall(err))
	}
	return i, nil
}

// Last returns the index of the last record, 0 for a log never written, or
// First()-1 once TruncateFront has removed every record. Returns ErrClosed
// after Close.
func (l *Log) Last() (uint64, error) {
	if l.ro != nil {
		return l.ro.lastIndex(l)
	}
	i, err := l.tw.LastIndex()
	if err != nil {
		return 0, fmt.Errorf("wal: last index: %w", wrapTidwall(err))
	}
	return i, nil
}

// TruncateFront removes every record before index, so that index becomes the
// first; index Last()+1 empties the log. An index at or before First does
// nothing. The truncation is crash-safe: a crash leaves the log either as it
// was or truncated; it is durable when TruncateFront returns, which syncs
// the log's directory.
//
// Returns ErrOutOfRange if index > Last()+1, and ErrClosed after Close. If
// the directory sync fails the Log refuses every later Append, Sync and
// TruncateFront with that error, as for a failed write.
func (l *Log) TruncateFront(index uint64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.usableLocked(); err != nil {
		return fmt.Errorf("wal: truncate front to %d: %w", index, err)
	}
	if l.ro != nil {
		return fmt.Errorf("wal: truncate front to %d: %w", index, ErrReadOnly)
	}
	first, err := l.tw.FirstIndex()
	if err != nil {
		return fmt.Errorf("wal: truncate front to %d: %w", index, wrapTidwall(err))
	}
	if index <= first {
		return nil
	}
	last, err := l.tw.LastIndex()
	if err != nil {
		return fmt.Errorf("wal: truncate front to %d: %w", index, wrapTidwall(err))
	}
	if index > last+1 {
		return fmt.Errorf("wal: truncate front to %d: last is %d: %w", index, last, ErrOutOfRange)
	}
	if err := l.tw.TruncateFront(index); err != nil {
		return fmt.Errorf("wal: truncate front to %d: %w", index, wrapTidwall(err))
	}
	// tidwall wrote the new first segment to a temporary file and synced
	// it before renaming it into place.
	if l.obs != nil {
		if segs, err := listSegments(l.dir); err == nil && len(segs) > 0 {
			observeFiles(l.obs, filepath.Join(l.dir, segs[0].name))
		}
	}
	if err := l.fs.SyncDir(l.dir); err != nil {
		l.mu.err = fmt.Errorf("sync directory %s: %w", l.dir, err)
		return fmt.Errorf("wal: truncate front to %d: %w", index, l.mu.err)
	}
	// Truncating inside the tail segment shortens it.
	tail, err := tailSize(l.dir)
	if err != nil {
		l.mu.err = err
		return fmt.Errorf("wal: truncate front to %d: %w", index, err)
	}
	l.mu.segs.tail = tail
	return nil
}

// Sync makes every appended record durable. Returns ErrClosed after Close.
func (l *Log) Sync() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.usableLocked(); err != nil {
		return fmt.Errorf("wal: sync: %w", err)
	}
	if l.ro != nil {
		return fmt.Errorf("wal: sync: %w", ErrReadOnly)
	}
	if err := l.syncLocked(); err != nil {
		return fmt.Errorf("wal: sync: %w", err)
	}
	return nil
}

// syncLocked syncs the tail segment; a failure is sticky.
//
// REQUIRES: l.mu held, log usable.
func (l *Log) syncLocked() error {
	if err := l.tw.Sync(); err != nil {
		l.mu.err = wrapTidwall(err)
		return l.mu.err
	}
	l.mu.dirty = false
	l.observeSegments(true)
	return nil
}

// syncLoop syncs every interval while records are pending, until Close.
func (l *Log) syncLoop(interval time.Duration) {
	defer close(l.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
			l.mu.Lock()
			if l.mu.dirty && l.usableLocked() == nil {
				_ = l.syncLocked() // sticky: the next Append or Sync reports it
			}
			l.mu.Unlock()
		}
	}
}

// Close syncs and closes the log. Returns ErrClosed if already closed, or
// the error that made the log unusable.
func (l *Log) Close() error {
	l.mu.Lock()
	if l.mu.closed {
		l.mu.Unlock()
		return fmt.Errorf("wal: close: %w", ErrClosed)
	}
	l.mu.closed = true
	l.mu.Unlock()
	if l.stop != nil {
		close(l.stop)
		<-l.done
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ro != nil {
		return nil
	}
	// tidwall's Close syncs the tail segment.
	if err := l.tw.Close(); err != nil {
		return fmt.Errorf("wal: close: %w", wrapTidwall(err))
	}
	l.observeSegments(true)
	if l.mu.err != nil {
		return fmt.Errorf("wal: close: %w", l.mu.err)
	}
	return nil
}
