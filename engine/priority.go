package engine

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
)

// Priority for writers that keep losing. Commits are first-committer-wins:
// a transaction whose reads a later commit overwrote fails with
// ErrConflict, and a long transaction under a stream of short ones can
// lose every time. So DB.Update (and UpdateWith), after priorityAfter
// failed attempts, takes the commit turn for the rest of its attempts:
// while it holds the turn no other write transaction commits — each waits
// in Commit until the turn is released — so its attempts can lose only to
// commits already past that wait when it took the turn: at most one per
// goroutine committing then, after which it commits. Readers are never
// held up. A waiting commit that holds
// row locks (ReadCommitted, LockRow) does not wait, since the turn's
// holder may be waiting for one of them: it fails with ErrConflict and
// releases them, and its own Update retries it. Turns are taken one at a
// time, in the order of a sync.RWMutex's writers.
//
// The turn is an exclusive commit lock held for a whole transaction, so
// it costs the others throughput while a long transaction runs with it;
// Options.MaxWriteTxAge bounds how long that can be.

// priorityAfter is how many attempts an Update makes before it takes the
// commit turn.
const priorityAfter = 3

// commitTurn is the exclusive commit turn. Commits check one atomic
// counter when nobody holds or wants the turn.
type commitTurn struct {
	wanted atomic.Int32 // Updates holding the turn or waiting for it
	mu     sync.RWMutex // held for writing by the turn's holder, for reading by commits while wanted
}

// turnKey marks the context of the turn's holder.
type turnKey struct{}

// take waits for the turn and returns the context its holder's attempts
// run with, and the function that releases it.
func (c *commitTurn) take(ctx context.Context) (context.Context, func()) {
	c.wanted.Add(1)
	c.mu.Lock()
	return context.WithValue(ctx, turnKey{}, c), func() {
		c.mu.Unlock()
		c.wanted.Add(-1)
	}
}

// enter is called by a write transaction's commit before it validates:
// while another transaction holds or wants the turn it waits for it, and
// returns the function that lets the turn go again. It returns an error
// wrapping ErrConflict, without waiting, if tx holds row locks.
func (c *commitTurn) enter(tx *Tx) (release func(), err error) {
	if c.wanted.Load() == 0 || tx.ctx.Value(turnKey{}) == c {
		return nil, nil
	}
	if len(tx.held) > 0 {
		return nil, fmt.Errorf("%w: a transaction that kept losing has the commit turn, and this one holds row locks it may be waiting for", ErrConflict)
	}
	c.mu.RLock()
	return c.mu.RUnlock, nil
}
