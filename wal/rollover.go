package wal

import (
	"encoding/binary"
	"os"
	"path/filepath"
)

// tidwallSegmentSize is tidwall's default SegmentSize, which Open passes
// explicitly so that segmentModel and tidwall agree on it.
const tidwallSegmentSize = 20 << 20

// segmentModel follows tidwall v1.2.1's rule for starting a segment file, so
// that Append knows without asking the file system when a batch created one
// and the directory must be synced. tidwall's writeBatch starts a new
// segment file (its cycle) before a batch when the tail segment holds more
// than SegmentSize bytes, and after any entry that brings the tail to
// SegmentSize bytes or more, even the batch's last; an entry takes its
// uvarint length prefix plus its bytes, and the tail's size is its file's
// size. The model costs no system call; TestSegmentModel checks it against
// the files tidwall creates.
type segmentModel struct {
	limit int // tidwall's SegmentSize
	tail  int // bytes in the tail segment file
}

// addRecords accounts for a batch holding the records of payloads and
// reports whether tidwall starts at least one segment file writing it.
func (m *segmentModel) addRecords(payloads [][]byte) (created bool) {
	if m.tail > m.limit {
		m.tail, created = 0, true
	}
	var buf [binary.MaxVarintLen64]byte
	for _, p := range payloads {
		frame := recordHeaderSize + len(p)
		m.tail += binary.PutUvarint(buf[:], uint64(frame)) + frame
		if m.tail >= m.limit {
			m.tail, created = 0, true
		}
	}
	return created
}

// tailSize returns the size of the last segment file of the log in dir, 0
// if it has none.
func tailSize(dir string) (int, error) {
	segs, err := listSegments(dir)
	if err != nil || len(segs) == 0 {
		return 0, err
	}
	fi, err := os.Stat(filepath.Join(dir, segs[len(segs)-1].name))
	if err != nil {
		return 0, err
	}
	return int(fi.Size()), nil
}
