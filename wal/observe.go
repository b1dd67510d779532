package wal

import (
	"os"
	"path/filepath"
)

// A SyncObserver is told what a Log has made durable, at the moment it
// knows: a crash test that simulates a power loss learns from it what a
// power loss would keep (the synced length of each file, the directories
// whose entries are synced) and rolls the files back to that.
//
// tidwall fsyncs its segment files itself, so the Log reports them at the
// call that made tidwall sync: after an Append with SyncEveryCommit (the
// tail segment), after any Append that started a segment file (each earlier
// segment, which tidwall synced before starting the next), after Sync,
// TruncateFront (the new first segment, which tidwall wrote to a temporary
// file and synced) and Close, and after the truncation that repairs a torn
// tail. The directory syncs are the Log's own.
//
// Methods are called with the Log's lock held, before the call that made
// the data durable returns, so in the order the steps happened; they must
// not call the Log.
type SyncObserver interface {
	// FileSynced says the first size bytes of the file at path are
	// durable.
	FileSynced(path string, size int64)
	// DirSynced says the entries of directory dir, as they are now, are
	// durable.
	DirSynced(dir string)
}

// observeFiles reports, if an observer is set, the file at path as synced
// at its current size.
func observeFiles(o SyncObserver, paths ...string) {
	if o == nil {
		return
	}
	for _, p := range paths {
		if fi, err := os.Stat(p); err == nil {
			o.FileSynced(p, fi.Size())
		}
	}
}

// observeSegments reports the log's segment files as synced at their
// current size, if an observer is set: every segment but the tail, which
// is whole and was synced when tidwall started the next, and the tail too
// if tail.
func (l *Log) observeSegments(tail bool) {
	if l.obs == nil {
		return
	}
	segs, err := listSegments(l.dir)
	if err != nil || len(segs) == 0 {
		return
	}
	if !tail {
		segs = segs[:len(segs)-1]
	}
	for _, s := range segs {
		observeFiles(l.obs, filepath.Join(l.dir, s.name))
	}
}

// observedFS is a fileSystem that reports each successful directory sync
// to an observer.
type observedFS struct {
	fileSystem
	obs SyncObserver
}

// SyncDir syncs dir and reports it.
func (o observedFS) SyncDir(dir string) error {
	if err := o.fileSystem.SyncDir(dir); err != nil {
		return err
	}
	o.obs.DirSynced(dir)
	return nil
}
