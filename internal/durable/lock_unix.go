//go:build unix

package durable

import (
	"errors"
	"os"
	"syscall"
)

// flock takes an exclusive, non-blocking lock on f. The kernel drops it when
// the process exits, however it exits, so a crash never leaves a stale lock.
// The lock belongs to the open file, so a second Open in the same process
// is refused too.
func flock(f *os.File) error { return flockHow(f, syscall.LOCK_EX) }

// flockShared takes a shared, non-blocking lock on f: read-only opens share
// the directory with each other, never with a writer.
func flockShared(f *os.File) error { return flockHow(f, syscall.LOCK_SH) }

func flockHow(f *os.File, how int) error {
	err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return errHeld
	}
	return err
}

var errHeld = errors.New("held by another DB, in this process or another")

func unlock(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
}
