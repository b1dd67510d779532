package wal

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// roLog holds the records of a log opened with Options.ReadOnly, read
// into memory at Open: reading tidwall's files needs no writable handle.
type roLog struct {
	first  uint64   // index of frames[0]; Last()+1 when empty
	frames [][]byte // each record's frame, in index order
}

// openReadOnly is Open with opts.ReadOnly: it reads and checks every
// segment file, skips a torn final entry without cutting it, and writes
// nothing.
func openReadOnly(dir string, opts Options) (*Log, error) {
	if opts.SyncMode != SyncEveryCommit || opts.Interval != 0 {
		return nil, fmt.Errorf("wal: open %s: a read-only log takes no sync mode", dir)
	}
	l := &Log{dir: dir, ro: &roLog{first: 1}}
	segs, err := listSegments(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return l, nil
	}
	if err != nil {
		return nil, fmt.Errorf("wal: open %s: %w", dir, err)
	}
	for _, s := range segs {
		if s.kind != "" {
			return nil, fmt.Errorf("wal: open %s: segment %s: an interrupted truncation, which only a read-write open resolves", dir, s.name)
		}
	}
	// What a read-write open would cut, left on disk and skipped here.
	rec, torn, err := repairTail(dir, tailPolicy{cut: false, damaged: !opts.RefuseDamagedTail})
	if err != nil {
		return nil, fmt.Errorf("wal: open %s: %w", dir, err)
	}
	if torn && opts.NoRepair {
		return nil, fmt.Errorf("wal: open %s: %w: record %d of %s (%d bytes at offset %d)", dir, ErrTornTail, rec.Index, rec.Segment, rec.Dropped, rec.Offset)
	}
	l.recovery, l.repaired = rec, torn
	for i, s := range segs {
		path := filepath.Join(dir, s.name)
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("wal: open %s: %w", dir, err)
		}
		if torn && i == len(segs)-1 {
			data = data[:rec.Offset]
		}
		entries, rest, err := scanEntries(data)
		if err == nil && rest > 0 {
			err = fmt.Errorf("%w: incomplete entry at offset %d", ErrCorrupt, len(data)-rest)
		}
		if err != nil {
			return nil, fmt.Errorf("wal: open %s: segment %s record %d: %w", dir, path, s.first+uint64(len(entries)), err)
		}
		if err := checkEntries(path, s.first, entries); err != nil {
			return nil, fmt.Errorf("wal: open %s: %w", dir, err)
		}
		if i == 0 {
			l.ro.first = s.first
		} else if want := l.ro.first + uint64(len(l.ro.frames)); s.first != want {
			return nil, fmt.Errorf("wal: open %s: segment %s: %w: starts at record %d, want %d", dir, path, ErrCorrupt, s.first, want)
		}
		for _, e := range entries {
			l.ro.frames = append(l.ro.frames, e.frame)
		}
	}
	return l, nil
}

func (r *roLog) closed(l *Log) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.mu.closed
}

func (r *roLog) read(l *Log, index uint64) ([]byte, error) {
	if r.closed(l) {
		return nil, fmt.Errorf("wal: read record %d: %w", index, ErrClosed)
	}
	if index < r.first || index-r.first >= uint64(len(r.frames)) {
		return nil, fmt.Errorf("wal: read record %d: %w", index, ErrNotFound)
	}
	p, err := DecodeRecord(r.frames[index-r.first])
	if err != nil {
		return nil, fmt.Errorf("wal: read record %d: %w", index, err)
	}
	return append([]byte(nil), p...), nil
}

func (r *roLog) firstIndex(l *Log) (uint64, error) {
	if r.closed(l) {
		return 0, fmt.Errorf("wal: first index: %w", ErrClosed)
	}
	return r.first, nil
}

func (r *roLog) lastIndex(l *Log) (uint64, error) {
	if r.closed(l) {
		return 0, fmt.Errorf("wal: last index: %w", ErrClosed)
	}
	return r.first + uint64(len(r.frames)) - 1, nil
}
