package wal

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// This file knows tidwall/wal v1.2.1's on-disk layout, in binary mode:
//
//   - a log directory holds segment files named by the index of their first
//     entry as 20 decimal digits ("00000000000000000001");
//   - a segment file is a sequence of entries, each a uvarint length
//     followed by that many bytes (for reldb, one record frame);
//   - an interrupted TruncateFront or TruncateBack leaves a complete,
//     atomically written "<name>.START" or "<name>.END" file that tidwall
//     resolves on its next Open.
//
// tidwall appends to the last segment only, and syncs a segment before it
// starts the next one, so only the last segment can end in a torn entry.

// Recovery describes the final entry Open cut from the log.
type Recovery struct {
	Segment string // path of the repaired segment file
	Index   uint64 // index the dropped entry would have had
	Offset  int64  // new length of the segment file
	Dropped int64  // bytes cut from the end of the segment file
	// Damaged is true when the dropped entry was complete but failed its
	// checks, which Options.RefuseDamagedTail forbids: unlike a torn write,
	// that record may have been acknowledged, so a commit may be lost.
	// False for a torn (incomplete or zero-filled) tail, which never was.
	Damaged bool
}

// tailPolicy says what repairTail may do with the end of the last segment.
type tailPolicy struct {
	cut     bool // cut what it may drop; false only reports it
	damaged bool // a complete final entry that fails its checks may be dropped
}

// segmentFile is one file of the log directory.
type segmentFile struct {
	name  string
	first uint64 // index of its first entry
	kind  string // "", ".START" or ".END"
}

// listSegments returns the segment files of dir sorted by name, which is
// tidwall's order.
func listSegments(dir string) ([]segmentFile, error) {
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var segs []segmentFile
	for _, de := range des {
		name := de.Name()
		if de.IsDir() || len(name) < 20 {
			continue
		}
		first, err := strconv.ParseUint(name[:20], 10, 64)
		if err != nil || first == 0 {
			continue
		}
		var kind string
		switch {
		case len(name) == 20:
		case len(name) == 26 && strings.HasSuffix(name, ".START"):
			kind = ".START"
		case len(name) == 24 && strings.HasSuffix(name, ".END"):
			kind = ".END"
		default:
			continue
		}
		segs = append(segs, segmentFile{name: name, first: first, kind: kind})
	}
	sort.Slice(segs, func(i, j int) bool { return segs[i].name < segs[j].name })
	return segs, nil
}

// tailCandidate returns the segment tidwall will append to after resolving
// any interrupted truncation, if it is a plain segment file that could hold
// a torn entry. A .START or .END file is written atomically and never torn.
func tailCandidate(segs []segmentFile) (segmentFile, bool) {
	if len(segs) == 0 {
		return segmentFile{}, false
	}
	for _, s := range segs {
		if s.kind == ".END" {
			return segmentFile{}, false
		}
	}
	last := segs[len(segs)-1]
	if last.kind != "" {
		return segmentFile{}, false
	}
	return last, true
}

// entry is the position of one complete entry in a segment file.
type entry struct {
	start int // offset of its length prefix
	frame []byte
}

// scanEntries parses a segment file's bytes into complete entries. rest is
// the length of an incomplete final entry (0 if the data ends on an entry
// boundary). It returns an error wrapping ErrCorrupt for bytes that no torn
// write can produce: an overlong length prefix, or an incomplete entry whose
// present bytes contradict the record frame it claims to hold.
func scanEntries(data []byte) (entries []entry, rest int, err error) {
	off := 0
	for off < len(data) {
		size, n := binary.Uvarint(data[off:])
		if n == 0 {
			// The length prefix itself is cut short.
			return entries, len(data) - off, nil
		}
		if n < 0 {
			return entries, 0, fmt.Errorf("%w: bad entry length prefix at offset %d", ErrCorrupt, off)
		}
		body := data[off+n:]
		if uint64(len(body)) < size {
			if err := checkFramePrefix(body, size); err != nil {
				return entries, 0, fmt.Errorf("incomplete entry at offset %d: %w", off, err)
			}
			return entries, len(data) - off, nil
		}
		entries = append(entries, entry{start: off, frame: body[:size]})
		off += n + int(size)
	}
	return entries, 0, nil
}

// repairTail cuts the torn final entry, if any, from the last segment of the
// log in dir. Only the final entry may be dropped, and only when it is torn:
// incomplete (its length prefix or its frame cut short), or zero-filled from
// its first byte to the end of the file. That is a torn write of the last
// batch, which Append never acknowledged. A final entry that is complete by
// its length prefix but fails its record checks is damage to a record that
// may have been acknowledged: it is dropped only with p.damaged, and
// otherwise reported as an error wrapping ErrCorrupt. Any other bad entry of
// that segment is reported as an error wrapping ErrCorrupt. On error nothing
// is changed.
//
// With p.cut false it changes nothing and only reports what it would cut.
func repairTail(dir string, p tailPolicy) (Recovery, bool, error) {
	segs, err := listSegments(dir)
	if err != nil {
		return Recovery{}, false, err
	}
	tail, ok := tailCandidate(segs)
	if !ok {
		return Recovery{}, false, nil
	}
	path := filepath.Join(dir, tail.name)
	data, err := os.ReadFile(path)
	if err != nil {
		return Recovery{}, false, err
	}
	entries, rest, err := scanEntries(data)
	if err != nil {
		// Report the first bad entry: a damaged length prefix shows first as
		// a record that fails its checks.
		if err := checkEntries(path, tail.first, entries); err != nil {
			return Recovery{}, false, err
		}
		return Recovery{}, false, fmt.Errorf("segment %s record %d: %w", path, tail.first+uint64(len(entries)), err)
	}
	// A power loss can leave a file longer than what was written, the rest
	// zeros: from the first entry that is not a record, all zeros is a torn
	// tail too. A record is never all zeros, so no sound entry is lost.
	cut, damaged := -1, false
	for i, e := range entries {
		if _, err := DecodeRecord(e.frame); err != nil {
			if allZero(data[e.start:]) {
				cut, entries, rest = e.start, entries[:i], 0
			}
			break
		}
	}
	switch {
	case cut >= 0:
	case rest > 0:
		cut = len(data) - rest
	case len(entries) > 0:
		last := entries[len(entries)-1]
		if _, err := DecodeRecord(last.frame); err != nil {
			// Complete but unsound: damage, not a torn write. An earlier
			// bad entry is reported first.
			if err := checkEntries(path, tail.first, entries[:len(entries)-1]); err != nil {
				return Recovery{}, false, err
			}
			if !p.damaged {
				return Recovery{}, false, fmt.Errorf("segment %s record %d: %w (the final record is complete, so this is damage, not a torn write)",
					path, tail.first+uint64(len(entries)-1), err)
			}
			cut, damaged = last.start, true
			entries = entries[:len(entries)-1]
		}
	}
	// Every entry kept must be sound: only the final one may be dropped.
	if err := checkEntries(path, tail.first, entries); err != nil {
		return Recovery{}, false, err
	}
	if cut < 0 {
		return Recovery{}, false, nil
	}
	if p.cut {
		if err := truncateFile(path, int64(cut)); err != nil {
			return Recovery{}, false, err
		}
	}
	return Recovery{
		Segment: path,
		Index:   tail.first + uint64(len(entries)),
		Offset:  int64(cut),
		Dropped: int64(len(data) - cut),
		Damaged: damaged,
	}, true, nil
}

// truncateFile cuts path to size bytes and syncs it.
func truncateFile(path string, size int64) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Truncate(size); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// verifySegments checks every entry of every segment file in dir, once
// tidwall has resolved interrupted truncations, and that each segment
// reaches the first record of the next: tidwall finds a record by the
// names of the files alone, and panics reading one a missing segment file
// held. Returns an error wrapping ErrCorrupt that names the segment file
// and the record index of the first bad or missing entry.
//
// A segment that holds records the next one starts with is accepted: a
// truncation copies them into a new file before it removes the old one,
// and a file system that persists those steps out of order can leave both.
func verifySegments(dir string) error {
	segs, err := listSegments(dir)
	if err != nil {
		return err
	}
	for i, s := range segs {
		path := filepath.Join(dir, s.name)
		if s.kind != "" {
			return fmt.Errorf("segment %s: %w: unresolved truncation file", path, ErrCorrupt)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		entries, rest, err := scanEntries(data)
		if err := checkEntries(path, s.first, entries); err != nil {
			return err
		}
		if err == nil && rest > 0 {
			err = fmt.Errorf("%w: incomplete entry at offset %d", ErrCorrupt, len(data)-rest)
		}
		if err != nil {
			return fmt.Errorf("segment %s record %d: %w", path, s.first+uint64(len(entries)), err)
		}
		if i+1 < len(segs) {
			if end, next := s.first+uint64(len(entries)), segs[i+1].first; end < next {
				return fmt.Errorf("segment %s: %w: it ends before record %d and the next segment file starts at record %d: records %d-%d are missing",
					path, ErrCorrupt, end, next, end, next-1)
			}
		}
	}
	return nil
}

// checkEntries decodes every entry of the segment file at path, whose first
// entry has index first, and reports the first that fails.
func checkEntries(path string, first uint64, entries []entry) error {
	for i, e := range entries {
		if _, err := DecodeRecord(e.frame); err != nil {
			return fmt.Errorf("segment %s record %d: %w", path, first+uint64(i), err)
		}
	}
	return nil
}

// allZero reports whether b holds only zero bytes.
func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
