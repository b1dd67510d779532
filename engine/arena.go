package engine

// keyArena hands out key byte slices carved from large chunks, so that the
// keys a write transaction stores in trees and read sets cost no allocation
// each. A carved slice is never written again, and its capacity is clipped
// so that appending to it copies. A chunk stays alive while any key in it
// does: deleting rows frees their keys' memory only when the whole chunk is
// unreferenced.
type keyArena struct {
	buf []byte
}

// Chunks start small, so a short transaction allocates little, and double
// up to maxChunk.
const (
	minChunk = 256
	maxChunk = 32 << 10
)

// own returns an immutable copy of b.
func (a *keyArena) own(b []byte) []byte {
	n := len(b)
	if cap(a.buf)-len(a.buf) < n {
		if n > maxChunk/4 {
			return append([]byte(nil), b...)
		}
		a.buf = make([]byte, 0, min(max(2*cap(a.buf), minChunk), maxChunk))
	}
	start := len(a.buf)
	a.buf = append(a.buf, b...)
	return a.buf[start : start+n : start+n]
}

// prefixEnd returns an immutable key just past every key that starts with
// prefix, or nil when there is none (see index.PrefixEnd).
func (a *keyArena) prefixEnd(prefix []byte) []byte {
	for i := len(prefix) - 1; i >= 0; i-- {
		if prefix[i] != 0xFF {
			end := a.own(prefix[:i+1])
			end[i]++
			return end
		}
	}
	return nil
}
