package wal

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// Ensure that whatever bytes follow two sound records at the end of the last
// segment, Open with RefuseDamagedTail never panics and never loses a sound
// record: it fails with ErrCorrupt, or it keeps both records, and cuts only
// what is torn (incomplete or zero-filled), never a complete record.
func FuzzOpen_Tail(f *testing.F) {
	sound := AppendRecord(nil, []byte("third"))
	f.Add([]byte{})
	f.Add([]byte{0})
	f.Add(make([]byte, 40))
	f.Add(append([]byte{byte(len(sound))}, sound...))
	f.Add(append([]byte{byte(len(sound))}, sound[:len(sound)-2]...))
	flipped := append([]byte{byte(len(sound))}, sound...)
	flipped[len(flipped)-1] ^= 0x10
	f.Add(flipped)
	f.Add([]byte{0x80, 0x80, 0x80})

	base := func(t *testing.T) string {
		dir := filepath.Join(t.TempDir(), "log")
		l, err := Open(dir, Options{SyncMode: SyncNone})
		require.NoError(t, err)
		_, err = l.Append(payload(1), payload(2))
		require.NoError(t, err)
		require.NoError(t, l.Close())
		return dir
	}
	f.Fuzz(func(t *testing.T, tail []byte) {
		dir := base(t)
		seg := segmentPaths(t, dir)[0]
		fi, err := os.Stat(seg)
		require.NoError(t, err)
		sizeBefore := fi.Size()
		file, err := os.OpenFile(seg, os.O_WRONLY|os.O_APPEND, 0)
		require.NoError(t, err)
		_, err = file.Write(tail)
		require.NoError(t, err)
		require.NoError(t, file.Close())

		l, err := Open(dir, Options{SyncMode: SyncNone, RefuseDamagedTail: true})
		if err != nil {
			require.True(t, errors.Is(err, ErrCorrupt), "%v", err)
			return
		}
		defer l.Close()
		first, err := l.First()
		require.NoError(t, err)
		require.Equal(t, uint64(1), first)
		last, err := l.Last()
		require.NoError(t, err)
		require.GreaterOrEqual(t, last, uint64(2), "a sound record was lost")
		for i := uint64(1); i <= 2; i++ {
			p, err := l.Read(i)
			require.NoError(t, err)
			require.Equal(t, payload(int(i)), p)
		}
		if rec, ok := l.Recovery(); ok {
			require.False(t, rec.Damaged)
			require.GreaterOrEqual(t, rec.Offset, sizeBefore, "the cut reached a sound record")
		}
	})
}
