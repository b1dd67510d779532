package peers

// OwnBytes returns SQLite's own count of the bytes it holds
// (sqlite3_memory_used: pages in the page cache with their headers,
// schema, statements), for the whole process's SQLite of this driver;
// where that cannot be reached, the database's pages (page_count ×
// page_size), which leaves out the page cache's per-page headers.
//
// mattn's SQLite counts (sqlite3_memory_used through cgo, see
// sqlite_memory_cgo.go). modernc's is compiled with
// SQLITE_DEFAULT_MEMSTATUS=0, so its sqlite3_memory_used is always 0, and
// it allocates from its own mmap'ed heap, outside Go's: its figure is the
// pages only, a lower bound.
func (p *sqlitePeer) OwnBytes() (int64, string, error) {
	if p.memoryUsed != nil {
		if n := p.memoryUsed(); n >= 0 {
			return n, "sqlite3_memory_used", nil
		}
	}
	var pages, size int64
	if err := p.db.QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
		return 0, "", err
	}
	if err := p.db.QueryRow("PRAGMA page_size").Scan(&size); err != nil {
		return 0, "", err
	}
	return pages * size, "page_count*page_size", nil
}
