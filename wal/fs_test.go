package wal

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// faultFS is a fileSystem for tests, after pebble's errorfs: it counts
// directory syncs, fails them on demand, and remembers what each directory
// held at its last sync, so that a test can simulate a power loss that drops
// every directory entry created, renamed or removed since.
//
// tidwall creates, renames and removes segment files through package os, so
// faultFS cannot see those steps themselves, only the directory syncs that
// make them durable. The simulation therefore assumes what SyncEveryCommit
// gives: once an Append returns, the data of every file is durable (the test
// says so with dataSynced); only directory entries can be lost.
type faultFS struct {
	mu      sync.Mutex
	syncs   map[string]int               // directory -> successful syncs
	durable map[string]map[string][]byte // directory -> entry -> content
	fail    error                        // when set, SyncDir returns it and syncs nothing
}

var _ fileSystem = (*faultFS)(nil)

func newFaultFS() *faultFS {
	return &faultFS{syncs: map[string]int{}, durable: map[string]map[string][]byte{}}
}

func (f *faultFS) SyncDir(dir string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return f.fail
	}
	// No real fsync: the durable state is the one simulated here.
	des, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	entries := map[string][]byte{}
	for _, de := range des {
		var b []byte
		if !de.IsDir() {
			if b, err = os.ReadFile(filepath.Join(dir, de.Name())); err != nil {
				return err
			}
		}
		entries[de.Name()] = b
	}
	f.durable[dir] = entries
	f.syncs[dir]++
	return nil
}

func (f *faultFS) setFail(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail = err
}

func (f *faultFS) syncCount(dir string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.syncs[dir]
}

// dataSynced records that the data of every file in dir is durable now:
// each durable entry of dir that still exists takes its current content.
func (f *faultFS) dataSynced(t *testing.T, dir string) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	for name := range f.durable[dir] {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if errors.Is(err, os.ErrNotExist) {
			continue // removed, but the removal is not durable
		}
		require.NoError(t, err)
		f.durable[dir][name] = b
	}
}

// powerLoss returns a new directory holding what dir would hold after a
// power loss now: the entries it had at its last sync, each with its last
// durable content. Entries created since are gone; entries removed since are
// back.
func (f *faultFS) powerLoss(t *testing.T, dir string) string {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	dst := filepath.Join(t.TempDir(), "crashed")
	require.NoError(t, os.Mkdir(dst, 0o700))
	for name, b := range f.durable[dir] {
		require.NoError(t, os.WriteFile(filepath.Join(dst, name), b, 0o600))
	}
	return dst
}

// Ensure the first Open syncs the parent of every directory it creates, and
// every Open syncs the log directory itself.
func TestLog_Open_SyncsDirectories(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "a", "b", "log")
	fsys := newFaultFS()
	l := openLog(t, dir, Options{fs: fsys})
	for _, d := range []string{root, filepath.Join(root, "a"), filepath.Join(root, "a", "b"), dir} {
		assert.Equal(t, 1, fsys.syncCount(d), d)
	}
	assert.Contains(t, fsys.durable[dir], fmt.Sprintf("%020d", 1), "the first segment file is durable")
	require.NoError(t, l.Close())

	l = openLog(t, dir, Options{fs: fsys})
	assert.Equal(t, 1, fsys.syncCount(root), "an existing directory is not created again")
	assert.Equal(t, 2, fsys.syncCount(dir))
	require.NoError(t, l.Close())
}

// Ensure TruncateFront syncs the log directory, and a TruncateFront that
// changes nothing does not.
func TestLog_TruncateFront_SyncsDir(t *testing.T) {
	dir := writeLog(t, 10, Options{SegmentSize: 64})
	fsys := newFaultFS()
	l := openLog(t, dir, Options{SegmentSize: 64, fs: fsys})
	n := fsys.syncCount(dir)
	require.NoError(t, l.TruncateFront(4))
	assert.Equal(t, n+1, fsys.syncCount(dir))
	require.NoError(t, l.TruncateFront(2))
	assert.Equal(t, n+1, fsys.syncCount(dir))
	require.NoError(t, l.TruncateFront(11))
	assert.Equal(t, n+2, fsys.syncCount(dir))
}

var errInjected = errors.New("injected directory sync failure")

// Ensure a failing directory sync is returned by the call that needed it,
// and that after an Append or TruncateFront fails that way the log refuses
// further writes with that error.
func TestLog_SyncDirFailure(t *testing.T) {
	t.Run("open creating the directory", func(t *testing.T) {
		fsys := newFaultFS()
		fsys.setFail(errInjected)
		_, err := Open(filepath.Join(t.TempDir(), "log"), Options{fs: fsys})
		require.ErrorIs(t, err, errInjected)
	})
	t.Run("open", func(t *testing.T) {
		dir := writeLog(t, 3, Options{})
		fsys := newFaultFS()
		fsys.setFail(errInjected)
		_, err := Open(dir, Options{fs: fsys})
		require.ErrorIs(t, err, errInjected)
	})
	t.Run("append starting a segment", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "log")
		fsys := newFaultFS()
		l := openLog(t, dir, Options{SegmentSize: 64, fs: fsys})
		fsys.setFail(errInjected)
		var err error
		for i := 1; i <= 20 && err == nil; i++ {
			before := len(segmentPaths(t, dir))
			_, err = l.Append(payload(i))
			if err == nil {
				require.Equal(t, before, len(segmentPaths(t, dir)), "append %d started a segment without syncing", i)
			}
		}
		require.ErrorIs(t, err, errInjected)
		assert.Len(t, segmentPaths(t, dir), 2)
		fsys.setFail(nil)
		_, err = l.Append(payload(99))
		require.ErrorIs(t, err, errInjected, "the failure is sticky")
		require.ErrorIs(t, l.Sync(), errInjected)
		require.ErrorIs(t, l.Close(), errInjected)
	})
	t.Run("truncate front", func(t *testing.T) {
		dir := writeLog(t, 10, Options{SegmentSize: 64})
		fsys := newFaultFS()
		l := openLog(t, dir, Options{SegmentSize: 64, fs: fsys})
		fsys.setFail(errInjected)
		require.ErrorIs(t, l.TruncateFront(4), errInjected)
		fsys.setFail(nil)
		_, err := l.Append(payload(11))
		require.ErrorIs(t, err, errInjected, "the failure is sticky")
	})
}

// Ensure that with SyncEveryCommit every acknowledged record survives a
// power loss that drops the directory entries not synced: across segment
// rollovers and after TruncateFront, whose truncation survives too.
func TestLog_PowerLoss_DirectoryEntries(t *testing.T) {
	for _, segSize := range []int{64, 200} {
		t.Run(fmt.Sprintf("segsize=%d", segSize), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "log")
			fsys := newFaultFS()
			l := openLog(t, dir, Options{SegmentSize: segSize, fs: fsys})
			first := uint64(1)
			for i := 1; i <= 40; i++ {
				last, err := l.Append(payload(i))
				require.NoError(t, err)
				require.Equal(t, uint64(i), last)
				if i%15 == 0 {
					first = uint64(i - 3)
					require.NoError(t, l.TruncateFront(first))
				}
				fsys.dataSynced(t, dir)
				crashed := fsys.powerLoss(t, dir)
				c, err := Open(crashed, Options{SegmentSize: segSize})
				require.NoError(t, err, "after record %d", i)
				requireRecords(t, c, first, uint64(i))
				require.NoError(t, c.Close())
			}
			// One sync on Open, two for the truncations, the rest rollovers.
			require.GreaterOrEqual(t, fsys.syncCount(dir), 1+2+3, "several segment files were started")
		})
	}
}

// recordingObserver is a SyncObserver that records what it is told.
type recordingObserver struct {
	mu     sync.Mutex
	events []string
}

func (o *recordingObserver) FileSynced(path string, size int64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.events = append(o.events, fmt.Sprintf("file %s %d", filepath.Base(path), size))
}

func (o *recordingObserver) DirSynced(dir string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.events = append(o.events, "dir "+filepath.Base(dir))
}

func (o *recordingObserver) take() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	e := o.events
	o.events = nil
	return e
}

// Ensure the observer hears of each durable step as the log takes it: the
// tail's synced length after each Append with SyncEveryCommit, each segment
// tidwall finished and the directory when a segment file is started, the
// new first segment and the directory after TruncateFront; and with
// SyncNone nothing of the tail until Sync.
func TestLog_Observer(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "log")
	obs := &recordingObserver{}
	l := openLog(t, dir, Options{SegmentSize: 64, Observer: obs})
	assert.Equal(t, []string{"dir " + filepath.Base(filepath.Dir(dir)), "dir log"}, obs.take(), "open: the new directory and its first segment")

	frame := int64(1 + recordHeaderSize + len(payload(1))) // uvarint prefix, header, payload
	_, err := l.Append(payload(1))
	require.NoError(t, err)
	assert.Equal(t, []string{fmt.Sprintf("file 00000000000000000001 %d", frame)}, obs.take())
	_, err = l.Append(payload(2), payload(3), payload(4))
	require.NoError(t, err)
	assert.Equal(t, []string{
		fmt.Sprintf("file 00000000000000000001 %d", 4*frame), // full: 4*21 >= 64
		"file 00000000000000000005 0",
		"dir log",
	}, obs.take())
	require.NoError(t, l.TruncateFront(4))
	assert.Equal(t, []string{fmt.Sprintf("file 00000000000000000004 %d", frame), "dir log"}, obs.take())
	require.NoError(t, l.Close())
	obs.take()

	l = openLog(t, dir, Options{SegmentSize: 64, SyncMode: SyncNone, Observer: obs})
	obs.take()
	_, err = l.Append(payload(5))
	require.NoError(t, err)
	assert.Empty(t, obs.take(), "SyncNone: nothing synced")
	require.NoError(t, l.Sync())
	assert.Equal(t, []string{
		fmt.Sprintf("file 00000000000000000004 %d", frame),
		fmt.Sprintf("file 00000000000000000005 %d", frame),
	}, obs.take())
}
