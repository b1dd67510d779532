package pgserver

import (
	"context"
	"errors"
	"os"
	"testing"
)

// SkipOrFatal ends a test that could not start a server. It does nothing
// when err is nil; it skips the test when err wraps ErrUnavailable, unless
// the environment variable CI is "true", where a missing PostgreSQL must
// fail the suite; it fails the test for any other error.
func SkipOrFatal(tb testing.TB, err error) {
	tb.Helper()
	switch {
	case err == nil:
	case errors.Is(err, ErrUnavailable) && os.Getenv("CI") != "true":
		tb.Skipf("postgresql not available (set CI=true to fail instead): %v", err)
	default:
		tb.Fatalf("start postgresql: %v", err)
	}
}

// StartTB starts a server for one test and closes it when the test ends,
// calling SkipOrFatal if it cannot start. Starting takes about a second;
// to share one server between tests, call Start from TestMain.
func StartTB(tb testing.TB, opts Options) *Server {
	tb.Helper()
	s, err := Start(context.Background(), opts)
	SkipOrFatal(tb, err)
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("close postgresql: %v", err)
		}
	})
	return s
}
