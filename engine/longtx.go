package engine

import (
	"errors"
	"fmt"
	"sync"
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
	db.writers.mu.Lock()
	defer db.writers.mu.Unlock()
	for tx := db.writers.head; tx != nil; tx = tx.nextW {
		s.OpenWrites++
		if age := now.Sub(tx.began); age > s.Oldest {
			s.Oldest = age
		}
	}
	return s
}

// writerList links the open write transactions through their own fields,
// so that tracking one costs a short lock and no allocation.
type writerList struct {
	mu   sync.Mutex
	head *Tx
}

func (l *writerList) add(tx *Tx) {
	l.mu.Lock()
	tx.nextW, tx.listed = l.head, true
	if l.head != nil {
		l.head.prevW = tx
	}
	l.head = tx
	l.mu.Unlock()
}

// remove unlinks tx; a second call does nothing.
func (l *writerList) remove(tx *Tx) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !tx.listed {
		return
	}
	if tx.prevW != nil {
		tx.prevW.nextW = tx.nextW
	} else {
		l.head = tx.nextW
	}
	if tx.nextW != nil {
		tx.nextW.prevW = tx.prevW
	}
	tx.prevW, tx.nextW, tx.listed = nil, nil, false
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
