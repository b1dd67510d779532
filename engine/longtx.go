package engine

import (
	"errors"
	"fmt"
	"time"
)

// Long write transactions: a write transaction left open keeps every
// write set committed since it began (its commit validates against
// them), so memory grows with the commits made meanwhile. DB.Transactions
// shows the open ones and the oldest's age; Options.MaxWriteTxAge bounds
// them: past it, the transaction's next statement or its Commit fails
// with ErrTxTooOld and the transaction is rolled back, releasing what it
// held. (A transaction nobody touches again keeps its memory until it is
// rolled back or dropped: the engine does not end it from another
// goroutine.) Read-only transactions keep only their snapshot's trees and
// are not counted.

// ErrTxTooOld is returned by a statement or Commit of a write transaction
// older than Options.MaxWriteTxAge; the transaction has been rolled back.
// SQLSTATE 25P04, as PostgreSQL's transaction_timeout.
var ErrTxTooOld = errors.New("reldb: transaction older than Options.MaxWriteTxAge")

// TransactionStats describes the write transactions open now.
type TransactionStats struct {
	OpenWrites int           // write transactions begun and not ended
	Oldest     time.Duration // the age of the oldest of them; 0 when none
}

// Transactions returns the write transactions open now and the oldest's
// age. It does not block writers. O(open transactions).
func (db *DB) Transactions() TransactionStats {
	var s TransactionStats
	now := time.Now()
	db.writers.Range(func(_, v any) bool {
		s.OpenWrites++
		if age := now.Sub(v.(time.Time)); age > s.Oldest {
			s.Oldest = age
		}
		return true
	})
	return s
}

// checkAge fails a write transaction older than the limit, rolling it
// back.
func (tx *Tx) checkAge() error {
	limit := tx.db.opts.MaxWriteTxAge
	if limit <= 0 || tx.writeState == nil || tx.done.Load() {
		return nil
	}
	if age := time.Since(tx.began); age > limit {
		tx.rollback()
		return fmt.Errorf("%w: began %v ago, limit %v; it was rolled back", ErrTxTooOld, age.Round(time.Millisecond), limit)
	}
	return nil
}
