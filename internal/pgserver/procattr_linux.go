package pgserver

import "syscall"

// childAttr returns the process attributes for a PostgreSQL program: run as
// cred when non-nil, in its own process group so a terminal's Ctrl-C reaches
// only the test, and, for the server, SIGQUIT (immediate shutdown) when the
// test process dies without calling Close.
//
// Linux sends Pdeathsig when the thread that started the child exits, not
// the process; Go only ends threads whose goroutine exits while locked with
// runtime.LockOSThread, which Start never does.
func childAttr(cred *syscall.Credential, dieWithParent bool) *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{Credential: cred, Setpgid: true}
	if dieWithParent {
		attr.Pdeathsig = syscall.SIGQUIT
	}
	return attr
}
