//go:build !linux

package pgserver

import "syscall"

// childAttr returns the process attributes for a PostgreSQL program. Outside
// Linux the server is not tied to the test process's life: a test killed
// before Close leaves it running.
func childAttr(cred *syscall.Credential, dieWithParent bool) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Credential: cred, Setpgid: true}
}
