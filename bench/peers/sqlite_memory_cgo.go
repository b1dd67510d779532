//go:build cgo

package peers

/*
// sqlite3_memory_used is SQLite's count of the bytes its allocator holds,
// compiled into this binary by github.com/mattn/go-sqlite3. The weak
// reference lets this package link on its own, where the function is
// absent (then it reads as NULL); in a binary with mattn's driver it
// resolves to mattn's copy of SQLite.
extern long long sqlite3_memory_used(void) __attribute__((weak));

static long long peers_sqlite3_memory_used(void) {
	if (sqlite3_memory_used == 0) {
		return -1;
	}
	return sqlite3_memory_used();
}
*/
import "C"

// mattnMemoryUsed returns sqlite3_memory_used() of mattn's SQLite, or -1
// when the function cannot be reached.
func mattnMemoryUsed() int64 { return int64(C.peers_sqlite3_memory_used()) }
