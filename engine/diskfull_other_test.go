//go:build !linux

package engine_test

import "testing"

// TestDB_DiskFull runs on Linux only (see diskfull_linux_test.go).
func TestDB_DiskFull(t *testing.T) {
	t.Skip("needs Linux: the child process sets RLIMIT_FSIZE, and SIGXFSZ's disposition through rt_sigaction")
}
