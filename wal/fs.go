package wal

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// fileSystem is the seam between wal and the operating system for the
// durability steps wal takes itself, so that a test can observe them and
// make them fail (the habit of pebble's errorfs). tidwall opens, writes,
// syncs, renames and removes its segment files through package os, so those
// steps cannot pass through here; the directory syncs wal adds around them
// do.
type fileSystem interface {
	// SyncDir makes the entries of directory dir durable: the files
	// created, renamed or removed in it since its last sync survive a power
	// loss.
	SyncDir(dir string) error
}

// osFS is the operating system's file system.
type osFS struct{}

var _ fileSystem = osFS{}

// SyncDir opens dir and fsyncs it.
func (osFS) SyncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// makeDir creates dir and any missing parent (mode 0700), and syncs the
// parent of each directory it created so that the new entries survive a
// power loss. An existing dir is left as it is and nothing is synced.
func makeDir(fsys fileSystem, dir string) error {
	var created []string // deepest first
	for d := filepath.Clean(dir); ; {
		_, err := os.Stat(d)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		created = append(created, d)
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	if err := os.MkdirAll(dir, dirPerm); err != nil {
		return err
	}
	for i := len(created) - 1; i >= 0; i-- {
		parent := filepath.Dir(created[i])
		if err := fsys.SyncDir(parent); err != nil {
			return fmt.Errorf("sync directory %s: %w", parent, err)
		}
	}
	return nil
}
