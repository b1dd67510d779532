package durable

import (
	"errors"

	"github.com/reldb/reldb/wal"
)

// Errors of the durability machinery; package engine re-exports each by
// value and documents when it is returned.
var (
	ErrClosed      = errors.New("reldb: database is closed")
	ErrLocked      = errors.New("reldb: database directory is locked")
	ErrNotDatabase = errors.New("reldb: not a reldb database")
	ErrLogFailed   = errors.New("reldb: writing the log failed; close and reopen the database")
	ErrCorrupt     = wal.ErrCorrupt
	ErrTornTail    = wal.ErrTornTail
)
