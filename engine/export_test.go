package engine

// LogBatches returns how many batches a durable DB has written to its log
// and how many records they held; 0, 0 in memory.
func LogBatches(db *DB) (batches, records int64) {
	if db.dur == nil {
		return 0, 0
	}
	db.dur.mu.Lock()
	defer db.dur.mu.Unlock()
	return db.dur.mu.batches, db.dur.mu.records
}
