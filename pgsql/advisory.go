package pgsql

import (
	"context"
	"strings"
	"sync"

	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Advisory locks, as PostgreSQL's: exclusive locks on application-chosen
// keys (one bigint, or two integers, a separate key space), held by a
// session until it unlocks them or ends (pg_advisory_lock), or until its
// transaction ends (pg_advisory_xact_lock), and re-entrant: a session
// holds a key as many times as it took it. pg_advisory_lock waits while
// another session holds the key, until the statement's context ends;
// the pg_try_ forms answer false instead. Migration tools take one to run
// alone. The _shared forms are 0A000.

// advisoryKey is a lock's key: one bigint (two false) or two integers.
type advisoryKey struct {
	a, b int64
	two  bool
}

// advisoryLock is a held key: its session, how many times it holds it at
// session and at transaction level, and a channel closed on release.
type advisoryLock struct {
	owner         *Session
	session, xact int
	released      chan struct{}
}

// advisoryLocks are one DB's advisory locks.
type advisoryLocks struct {
	mu    sync.Mutex
	locks map[advisoryKey]*advisoryLock
}

type advisoryLocksKey struct{}

func advisoryOf(s *Session) *advisoryLocks {
	return s.db.Extension(advisoryLocksKey{}, func() any {
		return &advisoryLocks{locks: map[advisoryKey]*advisoryLock{}}
	}).(*advisoryLocks)
}

// take takes k for s, waiting (wait) while another session holds it. It
// reports false if it did not wait and the key is taken.
func (al *advisoryLocks) take(ctx context.Context, s *Session, k advisoryKey, xact, wait bool) (bool, error) {
	al.mu.Lock()
	defer al.mu.Unlock()
	for {
		l := al.locks[k]
		if l == nil {
			l = &advisoryLock{owner: s, released: make(chan struct{})}
			al.locks[k] = l
		}
		if l.owner == s {
			if xact {
				l.xact++
			} else {
				l.session++
			}
			return true, nil
		}
		if !wait {
			return false, nil
		}
		ch := l.released
		al.mu.Unlock()
		select {
		case <-ch:
			al.mu.Lock()
		case <-ctx.Done():
			al.mu.Lock()
			return false, ctx.Err()
		}
	}
}

// drop releases the lock l on k once its counts reach zero.
// REQUIRES: al.mu held.
func (al *advisoryLocks) drop(k advisoryKey, l *advisoryLock) {
	if l.session == 0 && l.xact == 0 {
		delete(al.locks, k)
		close(l.released)
	}
}

// unlock releases one session-level hold of k by s; false if s held none.
func (al *advisoryLocks) unlock(s *Session, k advisoryKey) bool {
	al.mu.Lock()
	defer al.mu.Unlock()
	l := al.locks[k]
	if l == nil || l.owner != s || l.session == 0 {
		return false
	}
	l.session--
	al.drop(k, l)
	return true
}

// release drops s's transaction-level holds (xactOnly) or all its holds.
func (al *advisoryLocks) release(s *Session, xactOnly bool) {
	al.mu.Lock()
	defer al.mu.Unlock()
	for k, l := range al.locks {
		if l.owner != s {
			continue
		}
		l.xact = 0
		if !xactOnly {
			l.session = 0
		}
		al.drop(k, l)
	}
}

// advisoryLock evaluates the advisory lock functions; ok is false for
// another name or arity.
func (ev *evaluator) advisoryLock(name string, vals []any, types []sqlType) (any, sqlType, bool, error) {
	if ev.q == nil {
		return nil, typUnknown, false, nil
	}
	if name == "pg_advisory_unlock_all" {
		if len(vals) != 0 {
			return nil, typUnknown, false, nil
		}
		if ev.q.describe {
			return "", typText, true, nil // Prepare's trial run releases nothing
		}
		advisoryOf(ev.q.s).release(ev.q.s, false)
		return "", typText, true, nil
	}
	if len(vals) != 1 && len(vals) != 2 {
		return nil, typUnknown, false, nil
	}
	if strings.HasSuffix(name, "_shared") {
		return nil, typUnknown, true, pgerr.Unsupported("function " + name)
	}
	k := advisoryKey{two: len(vals) == 2}
	for i, v := range vals {
		if v == nil {
			// PostgreSQL's lock functions are strict: NULL in, NULL out.
			return nil, typBool, true, nil
		}
		n, err := asInt(v, types[i])
		if err != nil {
			return nil, typBool, true, err
		}
		if i == 0 {
			k.a = n
		} else {
			k.b = n
		}
	}
	if ev.q.describe {
		// Prepare's trial run (prepare.go) only types the query: it
		// takes and releases no lock.
		if name == "pg_advisory_lock" || name == "pg_advisory_xact_lock" {
			return "", typText, true, nil
		}
		return nil, typBool, true, nil
	}
	s := ev.q.s
	s.advisory = true
	al := advisoryOf(s)
	ctx := s.stmtCtx
	if ctx == nil {
		ctx = context.Background()
	}
	switch name {
	case "pg_advisory_lock", "pg_advisory_xact_lock":
		if _, err := al.take(ctx, s, k, name == "pg_advisory_xact_lock", true); err != nil {
			return nil, typText, true, toError(err)
		}
		return "", typText, true, nil
	case "pg_try_advisory_lock", "pg_try_advisory_xact_lock":
		got, err := al.take(ctx, s, k, name == "pg_try_advisory_xact_lock", false)
		return got, typBool, true, err
	case "pg_advisory_unlock":
		return al.unlock(s, k), typBool, true, nil
	}
	return nil, typUnknown, false, nil
}
