package wal

import (
	"encoding/binary"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func payload(i int) []byte { return []byte(fmt.Sprintf("record-%04d", i)) }

// openLog opens a Log in dir and closes it when the test ends, unless the
// test closed it.
func openLog(t *testing.T, dir string, opts Options) *Log {
	t.Helper()
	l, err := Open(dir, opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	return l
}

// writeLog creates a log in a new directory holding payload(1..n), closed.
func writeLog(t *testing.T, n int, opts Options) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "log")
	l, err := Open(dir, opts)
	require.NoError(t, err)
	for i := 1; i <= n; i++ {
		last, err := l.Append(payload(i))
		require.NoError(t, err)
		require.Equal(t, uint64(i), last)
	}
	require.NoError(t, l.Close())
	return dir
}

// requireRecords checks that l holds exactly payload(first..last).
func requireRecords(t *testing.T, l *Log, first, last uint64) {
	t.Helper()
	f, err := l.First()
	require.NoError(t, err)
	n, err := l.Last()
	require.NoError(t, err)
	require.Equal(t, first, f, "first")
	require.Equal(t, last, n, "last")
	for i := first; i <= last; i++ {
		p, err := l.Read(i)
		require.NoError(t, err)
		require.Equal(t, payload(int(i)), p, "record %d", i)
	}
}

// segmentPaths returns the segment files of dir in order.
func segmentPaths(t *testing.T, dir string) []string {
	t.Helper()
	segs, err := listSegments(dir)
	require.NoError(t, err)
	var paths []string
	for _, s := range segs {
		paths = append(paths, filepath.Join(dir, s.name))
	}
	return paths
}

// entryBounds returns the [start, end) byte range of every entry of a
// segment file, parsed independently of the package's scanner.
func entryBounds(t *testing.T, path string) [][2]int {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var bounds [][2]int
	for off := 0; off < len(data); {
		size, n := binary.Uvarint(data[off:])
		require.Positive(t, n)
		end := off + n + int(size)
		bounds = append(bounds, [2]int{off, end})
		off = end
	}
	return bounds
}

// copyDir copies the regular files of src into a new directory.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "copy")
	require.NoError(t, os.Mkdir(dst, 0o700))
	des, err := os.ReadDir(src)
	require.NoError(t, err)
	for _, de := range des {
		b, err := os.ReadFile(filepath.Join(src, de.Name()))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dst, de.Name()), b, 0o600))
	}
	return dst
}

// Ensure appended records read back, singly and in batches.
func TestLog_Append_RoundTrip(t *testing.T) {
	l := openLog(t, t.TempDir(), Options{})
	requireRecords(t, l, 1, 0) // empty: First == Last+1
	last, err := l.Append(payload(1))
	require.NoError(t, err)
	assert.Equal(t, uint64(1), last)
	last, err = l.Append(payload(2), payload(3), payload(4))
	require.NoError(t, err)
	assert.Equal(t, uint64(4), last)
	last, err = l.Append()
	require.NoError(t, err)
	assert.Equal(t, uint64(4), last)
	requireRecords(t, l, 1, 4)
	_, err = l.Read(5)
	require.ErrorIs(t, err, ErrNotFound)
	_, err = l.Read(0)
	require.ErrorIs(t, err, ErrNotFound)
}

// Ensure concurrent Appends each get a contiguous range of indexes holding
// their own payloads, and that concurrent readers see them.
func TestLog_Append_Concurrent(t *testing.T) {
	l := openLog(t, t.TempDir(), Options{SyncMode: SyncNone, SegmentSize: 4096})
	const writers, perWriter = 8, 50
	var wg sync.WaitGroup
	var mu sync.Mutex
	got := map[uint64]string{}
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				a := []byte(fmt.Sprintf("w%d-%d-a", w, i))
				b := []byte(fmt.Sprintf("w%d-%d-b", w, i))
				last, err := l.Append(a, b)
				if !assert.NoError(t, err) {
					return
				}
				p, err := l.Read(last)
				assert.NoError(t, err)
				assert.Equal(t, b, p)
				mu.Lock()
				got[last-1], got[last] = string(a), string(b)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	require.Len(t, got, writers*perWriter*2)
	for i := uint64(1); i <= writers*perWriter*2; i++ {
		p, err := l.Read(i)
		require.NoError(t, err)
		require.Equal(t, got[i], string(p), "record %d", i)
	}
}

// Ensure a reopened log holds every record, across segments, and continues
// numbering after them, in every sync mode.
func TestLog_Open_Reopen(t *testing.T) {
	for _, opts := range []Options{
		{SegmentSize: 64},
		{SyncMode: SyncNone, SegmentSize: 64},
		{SyncMode: SyncInterval, Interval: time.Millisecond, SegmentSize: 64},
	} {
		t.Run(opts.SyncMode.String(), func(t *testing.T) {
			dir := writeLog(t, 20, opts)
			require.Greater(t, len(segmentPaths(t, dir)), 2)
			l := openLog(t, dir, opts)
			_, ok := l.Recovery()
			assert.False(t, ok)
			requireRecords(t, l, 1, 20)
			last, err := l.Append(payload(21))
			require.NoError(t, err)
			require.Equal(t, uint64(21), last)
			require.NoError(t, l.Sync())
			require.NoError(t, l.Close())
			l = openLog(t, dir, opts)
			requireRecords(t, l, 1, 21)
		})
	}
}

// Ensure cutting the last entry at any byte offset is a torn write, never
// damage, even with RefuseDamagedTail: Open reopens with exactly the records
// before it, reports the repair, and leaves a log that appends and reopens
// normally; NoRepair reports ErrTornTail alone.
func TestLog_Open_TornTailEveryOffset(t *testing.T) {
	const n = 5
	dir := writeLog(t, n, Options{})
	paths := segmentPaths(t, dir)
	require.Len(t, paths, 1)
	bounds := entryBounds(t, paths[0])
	require.Len(t, bounds, n)
	start, end := bounds[n-1][0], bounds[n-1][1]
	for cut := start; cut <= end; cut++ {
		t.Run(fmt.Sprintf("cut=%d", cut), func(t *testing.T) {
			d := copyDir(t, dir)
			seg := filepath.Join(d, filepath.Base(paths[0]))
			require.NoError(t, os.Truncate(seg, int64(cut)))
			vl, err := Open(d, Options{NoRepair: true, RefuseDamagedTail: true})
			if cut != start && cut != end {
				require.ErrorIs(t, err, ErrTornTail)
				assert.NotErrorIs(t, err, ErrCorrupt, "a torn write is not damage")
			} else {
				require.NoError(t, err)
				require.NoError(t, vl.Close())
			}
			l := openLog(t, d, Options{RefuseDamagedTail: true})
			want := uint64(n - 1)
			if cut == end {
				want = n
			}
			requireRecords(t, l, 1, want)
			rec, ok := l.Recovery()
			require.Equal(t, cut != start && cut != end, ok)
			if ok {
				assert.Equal(t, Recovery{Segment: seg, Index: n, Offset: int64(start), Dropped: int64(cut - start)}, rec)
			}
			last, err := l.Append(payload(int(want + 1)))
			require.NoError(t, err)
			require.Equal(t, want+1, last)
			require.NoError(t, l.Close())
			l = openLog(t, d, Options{})
			requireRecords(t, l, 1, want+1)
		})
	}
}

// flipCopy copies the log in dir, flips bit of byte off in the file named
// seg, and returns the copy's directory and the damaged file's path.
func flipCopy(t *testing.T, dir, seg string, off, bit int) (string, string) {
	t.Helper()
	d := copyDir(t, dir)
	path := filepath.Join(d, filepath.Base(seg))
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	b[off] ^= 1 << bit
	require.NoError(t, os.WriteFile(path, b, 0o600))
	return d, path
}

// Ensure a bit flip anywhere in the final entry, length prefix included, is
// never taken for a torn write: with RefuseDamagedTail Open fails with
// ErrCorrupt naming the segment file and the record, and changes nothing,
// with or without NoRepair.
func TestLog_Open_DamagedFinalRecordEveryBit(t *testing.T) {
	const n = 5
	for _, segSize := range []int{0, 64} {
		t.Run(fmt.Sprintf("segsize=%d", segSize), func(t *testing.T) {
			dir := writeLog(t, n, Options{SegmentSize: segSize})
			paths := segmentPaths(t, dir)
			seg := paths[len(paths)-1]
			bounds := entryBounds(t, seg)
			require.NotEmpty(t, bounds)
			last := bounds[len(bounds)-1]
			for off := last[0]; off < last[1]; off++ {
				for bit := range 8 {
					for _, noRepair := range []bool{false, true} {
						d, path := flipCopy(t, dir, seg, off, bit)
						before, err := os.ReadFile(path)
						require.NoError(t, err)
						l, err := Open(d, Options{SegmentSize: segSize, NoRepair: noRepair, RefuseDamagedTail: true})
						if l != nil {
							l.Close()
						}
						require.ErrorIs(t, err, ErrCorrupt, "offset %d bit %d", off, bit)
						assert.NotErrorIs(t, err, ErrTornTail, "offset %d bit %d", off, bit)
						assert.Contains(t, err.Error(), path)
						assert.Regexp(t, `record [0-9]+`, err.Error())
						after, err := os.ReadFile(path)
						require.NoError(t, err)
						require.Equal(t, before, after, "offset %d bit %d: a corrupt log is not modified", off, bit)
					}
				}
			}
		})
	}
}

// Ensure a flip in the checksum or payload of the final record is refused
// with RefuseDamagedTail, naming that record; that otherwise, for
// compatibility, Open drops it but reports it as damage (and NoRepair as
// both ErrTornTail and ErrCorrupt, changing nothing); and that the repaired
// log appends and reopens.
func TestLog_Open_DamagedFinalRecord(t *testing.T) {
	const n = 5
	dir := writeLog(t, n, Options{})
	seg := segmentPaths(t, dir)[0]
	bounds := entryBounds(t, seg)
	start, end := bounds[n-1][0], bounds[n-1][1]
	for _, tc := range []struct {
		name string
		off  int
	}{
		{"checksum", start + 1 + 1},
		{"payload first byte", start + 1 + recordHeaderSize},
		{"payload last byte", end - 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, path := flipCopy(t, dir, seg, tc.off, 3)
			_, err := Open(d, Options{RefuseDamagedTail: true})
			require.ErrorIs(t, err, ErrCorrupt)
			assert.NotErrorIs(t, err, ErrTornTail)
			assert.Contains(t, err.Error(), fmt.Sprintf("segment %s record %d", path, n))
			assert.Contains(t, err.Error(), "checksum mismatch")

			_, err = Open(d, Options{NoRepair: true})
			require.ErrorIs(t, err, ErrTornTail)
			require.ErrorIs(t, err, ErrCorrupt)
			fi, err := os.Stat(path)
			require.NoError(t, err)
			require.Equal(t, int64(end), fi.Size(), "NoRepair changes nothing")

			l := openLog(t, d, Options{})
			requireRecords(t, l, 1, n-1)
			rec, ok := l.Recovery()
			require.True(t, ok)
			assert.Equal(t, Recovery{Segment: path, Index: n, Offset: int64(start), Dropped: int64(end - start), Damaged: true}, rec)
			last, err := l.Append(payload(n))
			require.NoError(t, err)
			require.Equal(t, uint64(n), last)
			require.NoError(t, l.Close())
			l = openLog(t, d, Options{RefuseDamagedTail: true})
			requireRecords(t, l, 1, n)
			_, ok = l.Recovery()
			assert.False(t, ok)
		})
	}
}

// Ensure a damaged record anywhere but the final entry fails Open with
// ErrCorrupt naming the segment file and the record index.
func TestLog_Open_CorruptEarlierRecord(t *testing.T) {
	tests := []struct {
		name    string
		segSize int
		index   int // record to damage
		offset  func(bounds [2]int) int
	}{
		{"payload in tail segment", 0, 2, func(b [2]int) int { return b[1] - 1 }},
		{"payload in earlier segment", 64, 2, func(b [2]int) int { return b[1] - 1 }},
		{"version byte", 0, 4, func(b [2]int) int { return b[0] + 1 }},
		{"length prefix", 0, 1, func(b [2]int) int { return b[0] }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			const n = 12
			dir := writeLog(t, n, Options{SegmentSize: tc.segSize})
			// Find the segment holding the record and its bounds there.
			paths := segmentPaths(t, dir)
			var seg string
			var bounds [2]int
			first := 1
			for _, p := range paths {
				bs := entryBounds(t, p)
				if tc.index < first+len(bs) {
					seg, bounds = p, bs[tc.index-first]
					break
				}
				first += len(bs)
			}
			require.NotEmpty(t, seg)
			b, err := os.ReadFile(seg)
			require.NoError(t, err)
			b[tc.offset(bounds)] ^= 0x01
			require.NoError(t, os.WriteFile(seg, b, 0o600))
			before, err := os.ReadFile(seg)
			require.NoError(t, err)

			l, err := Open(dir, Options{SegmentSize: tc.segSize})
			require.ErrorIs(t, err, ErrCorrupt)
			assert.Nil(t, l)
			assert.Contains(t, err.Error(), seg)
			assert.Contains(t, err.Error(), fmt.Sprintf("record %d", tc.index))
			after, err := os.ReadFile(seg)
			require.NoError(t, err)
			assert.Equal(t, before, after, "a corrupt log is not modified")
		})
	}
}

// Ensure an incomplete final entry whose length prefix contradicts its
// record header is corruption, not a torn tail.
func TestLog_Open_TailLengthPrefixCorrupt(t *testing.T) {
	dir := writeLog(t, 3, Options{})
	seg := segmentPaths(t, dir)[0]
	bounds := entryBounds(t, seg)
	b, err := os.ReadFile(seg)
	require.NoError(t, err)
	b[bounds[2][0]] += 5 // the last entry now claims 5 more bytes than it has
	require.NoError(t, os.WriteFile(seg, b, 0o600))
	_, err = Open(dir, Options{})
	require.ErrorIs(t, err, ErrCorrupt)
	assert.Contains(t, err.Error(), "record 3")
	assert.Contains(t, err.Error(), seg)
}

// Ensure TruncateFront drops the records before index, survives reopen, may
// empty the log, and rejects an index past the end.
func TestLog_TruncateFront(t *testing.T) {
	dir := writeLog(t, 10, Options{SegmentSize: 64})
	l := openLog(t, dir, Options{SegmentSize: 64})
	require.NoError(t, l.TruncateFront(4))
	requireRecords(t, l, 4, 10)
	_, err := l.Read(3)
	require.ErrorIs(t, err, ErrNotFound)
	require.NoError(t, l.TruncateFront(2), "an index before First does nothing")
	requireRecords(t, l, 4, 10)
	require.ErrorIs(t, l.TruncateFront(12), ErrOutOfRange)
	requireRecords(t, l, 4, 10)

	require.NoError(t, l.Close())
	l = openLog(t, dir, Options{SegmentSize: 64})
	requireRecords(t, l, 4, 10)

	require.NoError(t, l.TruncateFront(11))
	requireRecords(t, l, 11, 10)
	last, err := l.Append(payload(11))
	require.NoError(t, err)
	require.Equal(t, uint64(11), last)
	require.NoError(t, l.Close())
	l = openLog(t, dir, Options{SegmentSize: 64})
	requireRecords(t, l, 11, 11)
}

// Ensure the log directory is created 0700 and its files 0600.
func TestLog_Open_Permissions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "log")
	l := openLog(t, dir, Options{SegmentSize: 64})
	for i := 1; i <= 10; i++ {
		_, err := l.Append(payload(i))
		require.NoError(t, err)
	}
	require.NoError(t, l.TruncateFront(5))
	for _, d := range []string{dir, filepath.Dir(dir)} {
		fi, err := os.Stat(d)
		require.NoError(t, err)
		assert.Equal(t, fs.FileMode(0o700), fi.Mode().Perm(), d)
	}
	des, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.NotEmpty(t, des)
	var names []string
	for _, de := range des {
		fi, err := de.Info()
		require.NoError(t, err)
		assert.Equal(t, fs.FileMode(0o600), fi.Mode().Perm(), de.Name())
		names = append(names, de.Name())
	}
	assert.True(t, sort.StringsAreSorted(names))
}

// Ensure a closed log refuses every operation with ErrClosed.
func TestLog_Close(t *testing.T) {
	l, err := Open(t.TempDir(), Options{SyncMode: SyncInterval, Interval: time.Hour})
	require.NoError(t, err)
	_, err = l.Append(payload(1))
	require.NoError(t, err)
	require.NoError(t, l.Close())
	require.ErrorIs(t, l.Close(), ErrClosed)
	_, err = l.Append(payload(2))
	require.ErrorIs(t, err, ErrClosed)
	_, err = l.Read(1)
	require.ErrorIs(t, err, ErrClosed)
	_, err = l.First()
	require.ErrorIs(t, err, ErrClosed)
	_, err = l.Last()
	require.ErrorIs(t, err, ErrClosed)
	require.ErrorIs(t, l.Sync(), ErrClosed)
	require.ErrorIs(t, l.TruncateFront(1), ErrClosed)
}

// Ensure invalid options are rejected without creating anything.
func TestOpen_InvalidOptions(t *testing.T) {
	for _, opts := range []Options{
		{SyncMode: SyncInterval},
		{SyncMode: SyncEveryCommit, Interval: time.Second},
		{SyncMode: SyncMode(7)},
		{SegmentSize: -1},
	} {
		dir := filepath.Join(t.TempDir(), "log")
		_, err := Open(dir, opts)
		require.Error(t, err, "%+v", opts)
		_, err = os.Stat(dir)
		require.ErrorIs(t, err, fs.ErrNotExist)
	}
	assert.Equal(t, "SyncMode(7)", SyncMode(7).String())
}

// Ensure the repair candidate is the segment tidwall will append to once it
// resolves an interrupted truncation, and never an atomically written
// .START or .END file.
func TestTailCandidate(t *testing.T) {
	seg := func(name string) segmentFile {
		s := segmentFile{name: name}
		if len(name) > 20 {
			s.kind = name[20:]
		}
		return s
	}
	tests := []struct {
		name  string
		files []string
		want  string // "" for no candidate
	}{
		{"empty", nil, ""},
		{"plain", []string{"00000000000000000001", "00000000000000000009"}, "00000000000000000009"},
		{"start before tail", []string{"00000000000000000001", "00000000000000000004.START", "00000000000000000009"}, "00000000000000000009"},
		{"start is tail", []string{"00000000000000000001", "00000000000000000004.START"}, ""},
		{"end anywhere", []string{"00000000000000000001.END", "00000000000000000009"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var segs []segmentFile
			for _, f := range tc.files {
				segs = append(segs, seg(f))
			}
			got, ok := tailCandidate(segs)
			require.Equal(t, tc.want != "", ok)
			assert.Equal(t, tc.want, got.name)
		})
	}
}

// Ensure a TruncateFront interrupted after writing its .START file is
// completed by Open.
func TestLog_Open_InterruptedTruncateFront(t *testing.T) {
	dir := writeLog(t, 10, Options{})
	seg := segmentPaths(t, dir)[0]
	bounds := entryBounds(t, seg)
	b, err := os.ReadFile(seg)
	require.NoError(t, err)
	start := filepath.Join(dir, fmt.Sprintf("%020d.START", 4))
	require.NoError(t, os.WriteFile(start, b[bounds[3][0]:], 0o600))
	l := openLog(t, dir, Options{})
	requireRecords(t, l, 4, 10)
}

// Ensure a tail of zero bytes of any length (the file grew but its data
// blocks were never written: what a power loss leaves after an unsynced
// append) is cut like any torn tail, never reported as damage, even with
// RefuseDamagedTail.
func TestLog_Open_ZeroFilledTail(t *testing.T) {
	for _, size := range []int{1, 2, recordHeaderSize, recordHeaderSize + 1, 64, 4096} {
		t.Run(fmt.Sprintf("zeros=%d", size), func(t *testing.T) {
			dir := writeLog(t, 3, Options{})
			segs := segmentPaths(t, dir)
			f, err := os.OpenFile(segs[len(segs)-1], os.O_WRONLY|os.O_APPEND, 0)
			require.NoError(t, err)
			_, err = f.Write(make([]byte, size))
			require.NoError(t, err)
			require.NoError(t, f.Close())

			l := openLog(t, dir, Options{RefuseDamagedTail: true})
			requireRecords(t, l, 1, 3)
			rec, ok := l.Recovery()
			require.True(t, ok)
			assert.False(t, rec.Damaged)
			assert.Equal(t, int64(size), rec.Dropped)
		})
	}
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

// Ensure a log missing a segment file between two others is refused with
// ErrCorrupt naming the missing records, and does not panic: tidwall finds a
// record's segment by the file names alone. A power loss that dropped an
// unsynced directory entry, or a user tidying files, leaves such a log.
func TestLog_Open_MissingMiddleSegment(t *testing.T) {
	dir := writeLog(t, 40, Options{SegmentSize: 64})
	segs := segmentPaths(t, dir)
	require.Greater(t, len(segs), 3)
	require.NoError(t, os.Remove(segs[1]))
	_, err := Open(dir, Options{SegmentSize: 64})
	require.ErrorIs(t, err, ErrCorrupt)
	assert.Contains(t, err.Error(), "are missing")
	assert.Contains(t, err.Error(), segs[0])
}

// Ensure a segment that also holds the first records of the next is
// accepted, as a truncation interrupted on a file system that persisted its
// steps out of order leaves it: the copy and the original agree.
func TestLog_Open_OverlappingSegments(t *testing.T) {
	dir := writeLog(t, 20, Options{})
	orig := segmentPaths(t, dir)
	require.Len(t, orig, 1)
	b, err := os.ReadFile(orig[0])
	require.NoError(t, err)
	l := openLog(t, dir, Options{})
	require.NoError(t, l.TruncateFront(12))
	require.NoError(t, l.Close())
	// The removal of the old segment was lost, its copy's rename kept.
	require.NoError(t, os.WriteFile(orig[0], b, 0o600))
	l = openLog(t, dir, Options{})
	requireRecords(t, l, 1, 20)
}
