package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrNotDatabase is returned by ProbeDir, and by Open with Options.Dir,
// for a directory that holds files but no reldb database.
var ErrNotDatabase = errors.New("reldb: not a reldb database")

// ProbeDir reports whether dir holds a durable reldb database, without
// opening, locking or changing it: nil if it does, an error wrapping
// fs.ErrNotExist if dir does not exist, ErrNotDatabase if it is a file or a
// directory without a database. Open with Options.Dir creates a database
// where there is none; tools that must not (reldb inspect) probe first.
func ProbeDir(dir string) error {
	info, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("probe %s: %w", dir, err)
	}
	if !info.IsDir() {
		return fmt.Errorf("probe %s: %w: not a directory", dir, ErrNotDatabase)
	}
	if hasIdentity(dir) {
		return nil
	}
	return fmt.Errorf("probe %s: %w: no %s file", dir, ErrNotDatabase, identityName)
}

// Storage describes the files of a durable database.
type Storage struct {
	Dir string
	// LogBytes and LogSegments are the size and file count of the
	// write-ahead log: the commits since the newest snapshot.
	LogBytes    int64
	LogSegments int
	// Snapshot is the newest snapshot file's name, empty before the first
	// checkpoint; SnapshotBytes its size.
	Snapshot      string
	SnapshotBytes int64
	// Repaired describes the torn final log record Open cut when it
	// opened the database (a commit that was never acknowledged, or
	// damage to the last record); empty if it cut nothing.
	Repaired string
}

// Storage returns the sizes of the database's files as they are now; the
// zero Storage for an in-memory database.
func (db *DB) Storage() (Storage, error) {
	if db.dur == nil {
		return Storage{}, nil
	}
	s := Storage{Dir: db.dur.dir}
	if r, ok := db.dur.log.Recovery(); ok {
		s.Repaired = fmt.Sprintf("cut %d bytes from the end of %s (record %d)", r.Dropped, r.Segment, r.Index)
	}
	err := filepath.WalkDir(filepath.Join(s.Dir, walDirName), func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		s.LogBytes += info.Size()
		s.LogSegments++
		return nil
	})
	if err != nil {
		return Storage{}, fmt.Errorf("storage of %s: %w", s.Dir, err)
	}
	entries, err := os.ReadDir(s.Dir)
	if err != nil {
		return Storage{}, fmt.Errorf("storage of %s: %w", s.Dir, err)
	}
	for _, e := range entries {
		name := e.Name()
		if isSnapshotName(name) && name > s.Snapshot {
			info, err := e.Info()
			if err != nil {
				return Storage{}, fmt.Errorf("storage of %s: %w", s.Dir, err)
			}
			s.Snapshot, s.SnapshotBytes = name, info.Size()
		}
	}
	return s, nil
}
