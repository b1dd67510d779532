//go:build !unix

package durable

import "os"

// flock does nothing where flock(2) does not exist: the directory is not
// protected against a second process there.
func flock(*os.File) error { return nil }

func flockShared(*os.File) error { return nil }

func unlock(*os.File) error { return nil }
