package wal

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Ensure a payload survives AppendRecord and DecodeRecord unchanged, and
// that AppendRecord appends to dst.
func TestRecord_RoundTrip(t *testing.T) {
	for _, p := range [][]byte{nil, {}, {0}, []byte("hello"), bytes.Repeat([]byte{0xff}, 1<<16)} {
		prefix := []byte("prefix")
		b := AppendRecord(append([]byte(nil), prefix...), p)
		require.Equal(t, prefix, b[:len(prefix)])
		require.Len(t, b, len(prefix)+recordHeaderSize+len(p))
		got, err := DecodeRecord(b[len(prefix):])
		require.NoError(t, err)
		assert.Equal(t, len(p), len(got))
		assert.True(t, bytes.Equal(p, got))
	}
}

// Ensure every kind of damage is reported as ErrCorrupt saying what is wrong.
func TestRecord_Decode_Corrupt(t *testing.T) {
	good := AppendRecord(nil, []byte("payload"))
	mutate := func(f func(b []byte) []byte) []byte {
		return f(append([]byte(nil), good...))
	}
	tests := []struct {
		name    string
		frame   []byte
		wantMsg string
	}{
		{"empty", nil, "short frame"},
		{"header cut", good[:recordHeaderSize-1], "short frame"},
		{"bad version", mutate(func(b []byte) []byte { b[0] = 2; return b }), "bad record version 2"},
		{"payload cut", good[:len(good)-1], "length mismatch"},
		{"trailing byte", append(append([]byte(nil), good...), 0), "length mismatch"},
		{"length field", mutate(func(b []byte) []byte {
			binary.LittleEndian.PutUint32(b[5:9], 1<<31)
			return b
		}), "length mismatch"},
		{"payload flip", mutate(func(b []byte) []byte { b[len(b)-1] ^= 1; return b }), "checksum mismatch"},
		{"crc flip", mutate(func(b []byte) []byte { b[1] ^= 0x80; return b }), "checksum mismatch"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := DecodeRecord(tc.frame)
			require.ErrorIs(t, err, ErrCorrupt)
			assert.Contains(t, err.Error(), tc.wantMsg)
			assert.Nil(t, p)
		})
	}
}

// Ensure DecodeRecord never panics and that whatever it accepts re-encodes
// to the same bytes.
func FuzzDecodeRecord(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{recordVersion})
	f.Add(AppendRecord(nil, nil))
	f.Add(AppendRecord(nil, []byte("hello, reldb")))
	f.Add(AppendRecord(nil, bytes.Repeat([]byte{0}, 300)))
	bad := AppendRecord(nil, []byte("x"))
	bad[5] = 0xff
	f.Add(bad)
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := DecodeRecord(b)
		if err != nil {
			require.ErrorIs(t, err, ErrCorrupt)
			return
		}
		require.Equal(t, b, AppendRecord(nil, p))
	})
}
