package engine

import (
	"fmt"
	"time"
)

// Options configures a database. The zero value is a purely in-memory
// database with default retry settings.
type Options struct {
	// Retry bounds how DB.Update retries a transaction that failed with
	// ErrConflict.
	Retry RetryPolicy
	// Traversal sets how relations are read: fetch modes and the N+1
	// detector.
	Traversal TraversalOptions
}

// RetryPolicy bounds DB.Update's retries. Between attempts Update sleeps for
// a random duration up to a backoff that starts at MinBackoff and doubles
// up to MaxBackoff (full jitter), so that colliding writers spread out.
type RetryPolicy struct {
	// MaxAttempts is how many times Update runs its function at most.
	// 0 means 10; 1 means no retries.
	MaxAttempts int
	// MinBackoff is the first backoff; 0 means 50µs.
	MinBackoff time.Duration
	// MaxBackoff caps the backoff; 0 means 10ms, or MinBackoff if larger.
	MaxBackoff time.Duration
}

func (o *Options) validate() error {
	r := &o.Retry
	if r.MaxAttempts < 0 || r.MinBackoff < 0 || r.MaxBackoff < 0 {
		return fmt.Errorf("reldb: options: negative retry setting %+v", *r)
	}
	if r.MaxAttempts == 0 {
		r.MaxAttempts = 10
	}
	if r.MinBackoff == 0 {
		r.MinBackoff = 50 * time.Microsecond
	}
	if r.MaxBackoff == 0 {
		r.MaxBackoff = max(10*time.Millisecond, r.MinBackoff)
	}
	if r.MaxBackoff < r.MinBackoff {
		return fmt.Errorf("reldb: options: retry MaxBackoff %v is below MinBackoff %v", r.MaxBackoff, r.MinBackoff)
	}
	return nil
}

// TxOptions configures a transaction begun with DB.Begin.
type TxOptions struct {
	// ReadOnly makes a snapshot reader: it records no read set, never
	// conflicts, and every write returns ErrReadOnly.
	ReadOnly bool
	// FetchMode overrides the database's fetch mode for the transaction;
	// FetchDefault keeps it.
	FetchMode FetchMode
}
