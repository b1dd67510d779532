package engine

import "context"

// LogBatches returns how many batches a durable DB has written to its log
// and how many records they held; 0, 0 in memory.
func LogBatches(db *DB) (batches, records int64) {
	if db.dur == nil {
		return 0, 0
	}
	return db.dur.BatchCounts()
}

// ParentCacheHits returns how many foreign-key checks of tx found their
// parent in the transaction's parent cache, for tests that must know the
// cache was exercised.
func ParentCacheHits(tx *Tx) int {
	if tx.writeState == nil {
		return 0
	}
	n := 0
	for _, pc := range tx.parents {
		n += pc.hits
	}
	return n
}

// EnterStatement starts a write statement on tx as another goroutine's
// would, for tests of concurrent misuse; release ends it.
func EnterStatement(tx *Tx) (release func(), err error) {
	if err := tx.enter(); err != nil {
		return nil, err
	}
	return tx.leave, nil
}

// LockWaiting reports whether tx is waiting for a row lock now, so that a
// test can tell a blocked statement from a slow one without a timer.
func LockWaiting(tx *Tx) bool {
	return tx.writeState != nil && tx.db.locks.waiting(tx)
}

// LockedRows returns how many rows (and unique values) the lock table
// holds locked now, by any transaction.
func LockedRows(db *DB) int64 { return db.locks.n.Load() }

// ReadSetSize returns how many reads tx has recorded for validation at
// commit.
func ReadSetSize(tx *Tx) int {
	if tx.writeState == nil {
		return 0
	}
	return tx.t.ReadSetSize()
}

// TreesDerived reports, for table's primary tree and then each of its
// indexes, whether the latest snapshot keeps it derived
// (index.NewDerivedTree).
func TreesDerived(db *DB, table string) []bool {
	var out []bool
	_ = db.View(context.Background(), func(tx *Tx) error {
		d, err := tx.table(table)
		if err != nil {
			return err
		}
		out = append(out, tx.t.Derived(d.Primary))
		for _, ix := range d.Indexes {
			out = append(out, tx.t.Derived(ix.Tree))
		}
		return nil
	})
	return out
}
