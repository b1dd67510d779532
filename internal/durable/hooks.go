package durable

import (
	"sync/atomic"

	"github.com/reldb/reldb/wal"
)

// Hooks are process-wide settings for crash tests. The test binary's
// child process sets them before it opens its database; nothing else does.
type Hooks struct {
	// Observer is told what the stores of this process make durable, as
	// they do (see wal.SyncObserver): durable's own file and directory
	// syncs (the identity and LOGGED files, snapshots) and, through
	// wal.Options.Observer, the log's. A test that simulates a power loss
	// learns from it what one would keep.
	Observer wal.SyncObserver
	// SegmentSize, if positive, is the log's segment size, so that a short
	// test starts segment files often.
	SegmentSize int
}

// hooks is the Hooks in force; nil (the default) costs one atomic load per
// sync.
var hooks atomic.Pointer[Hooks]

// SetHooks puts h in force for every Store opened afterwards in this
// process; nil restores the defaults.
func SetHooks(h *Hooks) { hooks.Store(h) }

// syncObserver returns the observer, or nil.
func syncObserver() wal.SyncObserver {
	if h := hooks.Load(); h != nil {
		return h.Observer
	}
	return nil
}

// segmentSize returns the log's segment size, 0 for wal's default.
func segmentSize() int {
	if h := hooks.Load(); h != nil {
		return max(h.SegmentSize, 0)
	}
	return 0
}

// fileSynced reports that the first size bytes of path are durable.
func fileSynced(path string, size int64) {
	if o := syncObserver(); o != nil {
		o.FileSynced(path, size)
	}
}

// dirSynced reports that the entries of dir are durable as they are now.
func dirSynced(dir string) {
	if o := syncObserver(); o != nil {
		o.DirSynced(dir)
	}
}
