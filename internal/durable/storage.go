package durable

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ProbeDir is ProbeDir.
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
	Dir string // the database's directory
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

// Storage returns the sizes of the files (see DB.Storage).
func (d *Store) Storage() (Storage, error) {
	s := Storage{Dir: d.dir}
	if r, ok := d.log.Recovery(); ok {
		s.Repaired = fmt.Sprintf("cut %d bytes from the end of %s (record %d)", r.Dropped, r.Segment, r.Index)
		if r.Damaged {
			s.Repaired += ": a complete record that failed its checksum (damage): its commit may have been acknowledged"
		} else {
			s.Repaired += ": a torn record (a commit never acknowledged)"
		}
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
