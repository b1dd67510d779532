package wal

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// A tail of zero bytes (the file grew but its data blocks were never
// written: what a power loss leaves after an unsynced append) holds no
// acknowledged record; Open should cut it like any torn tail.
func TestLog_Regress_Open_ZeroFilledTail(t *testing.T) {
	dir := writeLog(t, 3, Options{})
	segs := segmentPaths(t, dir)
	f, err := os.OpenFile(segs[len(segs)-1], os.O_WRONLY|os.O_APPEND, 0)
	require.NoError(t, err)
	_, err = f.Write(make([]byte, 64))
	require.NoError(t, err)
	require.NoError(t, f.Close())

	l, err := Open(dir, Options{})
	require.NoError(t, err)
	defer l.Close()
	requireRecords(t, l, 1, 3)
}

// With NoRepair, Open reports a torn tail as ErrTornTail and leaves the
// file as it is; a normal Open then cuts it.
func TestLog_Open_NoRepair(t *testing.T) {
	dir := writeLog(t, 3, Options{})
	segs := segmentPaths(t, dir)
	last := segs[len(segs)-1]
	b, err := os.ReadFile(last)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(last, b[:len(b)-3], 0o600)) // tear the last record

	_, err = Open(dir, Options{NoRepair: true})
	require.ErrorIs(t, err, ErrTornTail)
	after, err := os.ReadFile(last)
	require.NoError(t, err)
	require.Len(t, after, len(b)-3, "nothing changed")

	l, err := Open(dir, Options{})
	require.NoError(t, err)
	defer l.Close()
	requireRecords(t, l, 1, 2)
}
