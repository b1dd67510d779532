package wal

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
)

// ErrCorrupt is returned when stored data fails its checks: here, a record
// or segment file (bad version, short frame, length mismatch, checksum
// mismatch) anywhere the log cannot prove it to be an unacknowledged torn
// tail. Package engine re-exports it for its own snapshot files, log
// payloads and consistency checks, so there is one corruption error.
var ErrCorrupt = errors.New("reldb: corrupt data")

// Record frame layout, all integers little-endian:
//
//	offset 0  version      1 byte  (recordVersion)
//	offset 1  crc32c       4 bytes (Castagnoli, of the payload only)
//	offset 5  payload len  4 bytes
//	offset 9  payload      len bytes
//
// The frame length is redundant with tidwall's entry length prefix on
// purpose: recovery cross-checks the two so that a damaged length prefix is
// reported as corruption instead of being mistaken for a torn tail.
const (
	recordVersion    = 1
	recordHeaderSize = 9
	// MaxPayload is the largest payload a record can hold.
	MaxPayload = math.MaxUint32
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// AppendRecord appends the frame of payload to dst and returns the extended
// slice.
//
// REQUIRES: len(payload) <= MaxPayload; AppendRecord panics otherwise, as
// that is a programming error ([Log.Append] checks it and returns an error).
func AppendRecord(dst, payload []byte) []byte {
	if uint64(len(payload)) > MaxPayload {
		panic(fmt.Sprintf("reldb: wal record payload of %d bytes exceeds %d", len(payload), uint64(MaxPayload)))
	}
	var hdr [recordHeaderSize]byte
	hdr[0] = recordVersion
	binary.LittleEndian.PutUint32(hdr[1:5], crc32.Checksum(payload, castagnoli))
	binary.LittleEndian.PutUint32(hdr[5:9], uint32(len(payload)))
	dst = append(dst, hdr[:]...)
	return append(dst, payload...)
}

// DecodeRecord checks the frame b and returns its payload, which aliases b.
// It never panics. Returns an error wrapping ErrCorrupt that says what is
// wrong if the frame is short, has an unknown version, declares a length
// other than the bytes that follow, or fails its checksum.
func DecodeRecord(b []byte) (payload []byte, err error) {
	if len(b) < recordHeaderSize {
		return nil, fmt.Errorf("%w: short frame: %d bytes, header needs %d", ErrCorrupt, len(b), recordHeaderSize)
	}
	if b[0] != recordVersion {
		return nil, fmt.Errorf("%w: bad record version %d, want %d", ErrCorrupt, b[0], recordVersion)
	}
	n := binary.LittleEndian.Uint32(b[5:9])
	if uint64(n) != uint64(len(b)-recordHeaderSize) {
		return nil, fmt.Errorf("%w: length mismatch: header declares %d payload bytes, frame holds %d",
			ErrCorrupt, n, len(b)-recordHeaderSize)
	}
	payload = b[recordHeaderSize:]
	want := binary.LittleEndian.Uint32(b[1:5])
	if got := crc32.Checksum(payload, castagnoli); got != want {
		return nil, fmt.Errorf("%w: checksum mismatch: stored %08x, computed %08x", ErrCorrupt, want, got)
	}
	return payload, nil
}

// checkFramePrefix reports whether b could be the beginning of a frame whose
// total length is frameLen, as far as the bytes present allow: it is used on
// an incomplete final entry, where the checksum cannot be checked yet.
func checkFramePrefix(b []byte, frameLen uint64) error {
	if len(b) >= 1 && b[0] != recordVersion {
		return fmt.Errorf("%w: bad record version %d, want %d", ErrCorrupt, b[0], recordVersion)
	}
	if len(b) >= recordHeaderSize {
		n := binary.LittleEndian.Uint32(b[5:9])
		if uint64(n)+recordHeaderSize != frameLen {
			return fmt.Errorf("%w: length mismatch: entry prefix declares %d frame bytes, record header %d",
				ErrCorrupt, frameLen, uint64(n)+recordHeaderSize)
		}
	}
	return nil
}
