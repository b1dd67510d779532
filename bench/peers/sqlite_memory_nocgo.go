//go:build !cgo

package peers

// mattnMemoryUsed cannot reach mattn's SQLite without cgo.
func mattnMemoryUsed() int64 { return -1 }
