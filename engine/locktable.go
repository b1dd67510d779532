package engine

// shrinkLocks is how many row locks a transaction must have held for its
// end to shrink the lock table (see lockTable.end).
const shrinkLocks = 4096

// end lets go of every lock tx holds (releaseAll) and, when it held many,
// of the room the lock table grew to hold them: a Go map keeps the memory
// of its largest size, so a bulk load under READ COMMITTED, which locks
// every row it inserts, would leave the table holding some 90 bytes per
// row for the life of the DB (measured: 93 MB after loading a million
// rows through SQL). The locks others hold move to a map of their size,
// a cost in proportion to them paid once per transaction that held
// thousands.
func (lt *lockTable) end(tx *Tx) {
	held := len(tx.held)
	lt.releaseAll(tx)
	if held < shrinkLocks {
		return
	}
	lt.mu.Lock()
	defer lt.mu.Unlock()
	// Not maps.Clone, which may keep the source's size.
	for _, tl := range lt.locks {
		short := make(map[shortKey]*rowLock, len(tl.short))
		for k, l := range tl.short {
			short[k] = l
		}
		long := make(map[string]*rowLock, len(tl.long))
		for k, l := range tl.long {
			long[k] = l
		}
		tl.short, tl.long = short, long
	}
}
