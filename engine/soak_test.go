package engine_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reldb/reldb/engine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The soak test: a mixed workload on a durable database for a bounded
// time, in phases; each phase opens the directory, runs the workload,
// stops it, checks and closes. Its length is RELDB_SOAK (a Go duration;
// `make soak` sets 20s), 4s by default and skipped under -short.
//
// The workload, all at once:
//   - transfer writers move amounts between a few accounts (conflicting
//     with each other, retried by Update) and count their own commits in
//     a row of their own;
//   - a cascade writer inserts authors with books (a counter on the author)
//     and deletes authors, whose books go by ON DELETE CASCADE;
//   - readers check the bank total and an author's book count;
//   - a long writer reads every account, pauses, and moves an amount
//     (conflicting often; ErrConflict is an outcome, not a failure);
//   - a checkpointer, besides the automatic checkpoints;
//   - a long reader open for the whole phase, and a Record kept from the
//     phase's first write transaction: neither may pin the commits made
//     meanwhile.
//
// Invariants, checked after every phase and the reopen that follows: the
// bank total is unchanged, in every reader's view and in the long reader's
// old snapshot; each writer's commit counter equals the commits Update
// acknowledged to it (none lost, none doubled, across reopens); each
// author's counter equals its books; DB.Check passes (indexes, no orphans);
// no goroutine outlives the last Close; and the heap in use after a GC at
// the end of each phase stays within 2x the first phase's plus 4 MiB —
// the data is bounded, so the heap must be too. (A Record or reader that
// pinned the commit chain would hold about 1 KiB per commit: tens of MiB
// in a 20 s run.) Phases rotate through the three sync modes.
const (
	soakEnv        = "RELDB_SOAK"
	soakAccounts   = 16
	soakBalance    = 1000
	soakWriters    = 4
	soakMaxAuthors = 40
)

func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("soak test skipped under -short")
	}
	total := 4 * time.Second
	if s := os.Getenv(soakEnv); s != "" {
		var err error
		total, err = time.ParseDuration(s)
		require.NoError(t, err, soakEnv)
	}
	phase := min(5*time.Second, total/2)
	phases := int(total / phase)
	goroutines := runtime.NumGoroutine()
	dir := t.TempDir()
	seed := uint64(time.Now().UnixNano())
	t.Logf("%d phases of %v, seed %d", phases, phase, seed)

	s := &soak{dir: dir, acked: make([]int64, soakWriters)}
	var heaps []uint64
	for p := range phases {
		heap := s.phase(t, p, phase, seed+uint64(p))
		heaps = append(heaps, heap)
	}
	// The last reopen checks what the last phase left.
	db := s.open(t, 0)
	s.check(t, db, "final reopen")
	require.NoError(t, db.Close())

	for i := 1; runtime.NumGoroutine() > goroutines && i < 100; i++ {
		runtime.Gosched() // let finished goroutines exit; no time bound asserted
		time.Sleep(time.Millisecond)
	}
	assert.LessOrEqual(t, runtime.NumGoroutine(), goroutines, "goroutines left running after Close")

	t.Logf("commits: transfers %d, long %d (%d conflicted), cascade %d; reads %d; checkpoints %d; heap after GC per phase (MiB): %v",
		s.transfers.Load(), s.long.Load(), s.longConflicts.Load(), s.cascades.Load(), s.reads.Load(), s.checkpoints.Load(), mib(heaps))
	limit := 2*heaps[0] + 4<<20
	for p, h := range heaps {
		assert.LessOrEqual(t, h, limit, "phase %d: heap %d KiB over the bound of %d KiB (2x the first phase's + 4 MiB)", p, h>>10, limit>>10)
	}
}

func mib(hs []uint64) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = fmt.Sprintf("%.1f", float64(h)/(1<<20))
	}
	return out
}

type soak struct {
	dir   string
	acked []int64 // per transfer writer: commits acknowledged, over all phases

	transfers, long, longConflicts, cascades, reads, checkpoints atomic.Int64
}

// open opens the database, in sync mode p%3 for phase p.
func (s *soak) open(t *testing.T, p int) *engine.DB {
	t.Helper()
	db, err := engine.Open(engine.Options{Dir: s.dir, Sync: engine.SyncMode(p % 3), SyncInterval: 5 * time.Millisecond,
		CheckpointBytes: 256 << 10, Retry: engine.RetryPolicy{MaxAttempts: 20}})
	require.NoError(t, err)
	require.NoError(t, db.Update(durCtx, func(tx *engine.Tx) error {
		if _, err := tx.Table("accounts"); err == nil {
			return nil
		}
		return soakSchema(tx)
	}))
	return db
}

func soakSchema(tx *engine.Tx) error {
	for _, tab := range []engine.Table{
		{Name: "accounts", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "balance", Type: engine.Int, NotNull: true}}},
		{Name: "writers", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "commits", Type: engine.Int, NotNull: true}}},
		{Name: "authors", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int, AutoIncrement: true}, {Name: "books", Type: engine.Int, NotNull: true}}},
		{Name: "books", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int, AutoIncrement: true}, {Name: "author_id", Type: engine.Int, NotNull: true},
			{Name: "title", Type: engine.Text}}},
	} {
		if err := tx.CreateTable(tab); err != nil {
			return err
		}
	}
	if err := tx.CreateRelation(engine.Relation{Child: "books", Columns: []string{"author_id"}, Parent: "authors",
		ParentAs: "author", ChildrenAs: "books", OnDelete: engine.Cascade}); err != nil {
		return err
	}
	for i := range soakAccounts {
		if _, err := tx.Insert("accounts", engine.Row{"id": i, "balance": soakBalance}); err != nil {
			return err
		}
	}
	for i := range soakWriters {
		if _, err := tx.Insert("writers", engine.Row{"id": i, "commits": 0}); err != nil {
			return err
		}
	}
	return nil
}

// phase opens the database, runs the workload for d, checks, measures the
// heap and closes; it returns the heap in use after a GC.
func (s *soak) phase(t *testing.T, p int, d time.Duration, seed uint64) uint64 {
	db := s.open(t, p)
	s.check(t, db, fmt.Sprintf("phase %d: open", p))

	// The long reader and the kept Record, held for the whole phase.
	longReader, err := db.Begin(durCtx, engine.TxOptions{ReadOnly: true})
	require.NoError(t, err)
	before, err := soakTotal(longReader)
	require.NoError(t, err)
	var kept engine.Record
	require.NoError(t, db.Update(durCtx, func(tx *engine.Tx) error {
		kept, err = tx.Insert("authors", engine.Row{"books": 0})
		return err
	}))

	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	run := func(name string, f func(rng *rand.Rand) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, uint64(len(name))))
			for ctx.Err() == nil {
				if err := f(rng); err != nil && ctx.Err() == nil {
					errs <- fmt.Errorf("%s: %w", name, err)
					return
				}
			}
		}()
	}
	for w := range soakWriters {
		run(fmt.Sprintf("transfer writer %d", w), func(rng *rand.Rand) error {
			err := db.Update(ctx, func(tx *engine.Tx) error { return soakTransfer(tx, rng, int64(w)) })
			if err == nil {
				s.acked[w]++
				s.transfers.Add(1)
				return nil
			}
			if errors.Is(err, engine.ErrConflict) {
				return nil // lost every retry: allowed, and not counted
			}
			return err
		})
	}
	run("cascade writer", func(rng *rand.Rand) error {
		err := db.Update(ctx, func(tx *engine.Tx) error { return soakCascade(tx, rng) })
		if err == nil {
			s.cascades.Add(1)
		}
		if errors.Is(err, engine.ErrConflict) {
			return nil
		}
		return err
	})
	for r := range 2 {
		run(fmt.Sprintf("reader %d", r), func(rng *rand.Rand) error {
			s.reads.Add(1)
			return db.View(ctx, func(tx *engine.Tx) error { return soakRead(tx, rng) })
		})
	}
	run("long writer", func(rng *rand.Rand) error {
		tx, err := db.Begin(ctx, engine.TxOptions{})
		if err != nil {
			return err
		}
		defer tx.Rollback()
		if _, err := soakTotal(tx); err != nil {
			return err
		}
		time.Sleep(time.Duration(rng.IntN(5)) * time.Millisecond) // writers commit meanwhile
		if err := soakMove(tx, rng.Int64N(soakAccounts), rng.Int64N(soakAccounts), 1); err != nil {
			return err
		}
		err = tx.Commit()
		switch {
		case err == nil:
			s.long.Add(1)
		case errors.Is(err, engine.ErrConflict):
			s.longConflicts.Add(1)
		default:
			return err
		}
		return nil
	})
	run("checkpointer", func(rng *rand.Rand) error {
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(d / 5):
		}
		s.checkpoints.Add(1)
		return db.Checkpoint()
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	// The long reader still sees its snapshot; the kept Record still reads.
	after, err := soakTotal(longReader)
	require.NoError(t, err)
	assert.Equal(t, before, after, "phase %d: the long reader's snapshot changed", p)
	assert.EqualValues(t, 0, kept.Get("books"))
	s.check(t, db, fmt.Sprintf("phase %d: end", p))

	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	runtime.KeepAlive(kept)
	longReader.Rollback()
	require.NoError(t, db.Close())
	return ms.HeapAlloc
}

// check verifies the invariants on db's latest state.
func (s *soak) check(t *testing.T, db *engine.DB, when string) {
	t.Helper()
	require.NoError(t, db.Check(), when)
	require.NoError(t, db.View(durCtx, func(tx *engine.Tx) error {
		total, err := soakTotal(tx)
		if err != nil {
			return err
		}
		if total != soakAccounts*soakBalance {
			return fmt.Errorf("bank total %d, want %d", total, soakAccounts*soakBalance)
		}
		for w, n := range s.acked {
			r, err := tx.Get("writers", w)
			if err != nil {
				return err
			}
			if got := r.Get("commits").(int64); got != n {
				return fmt.Errorf("writer %d: %d commits stored, %d acknowledged", w, got, n)
			}
		}
		authors, err := tx.Query("authors").All()
		if err != nil {
			return err
		}
		for _, a := range authors {
			if err := soakAuthorBooks(tx, a); err != nil {
				return err
			}
		}
		return nil
	}), when)
}

func soakTotal(tx *engine.Tx) (int64, error) {
	rows, err := tx.Query("accounts").All()
	var sum int64
	for _, r := range rows {
		sum += r.Get("balance").(int64)
	}
	return sum, err
}

func soakMove(tx *engine.Tx, from, to, amount int64) error {
	for _, leg := range []struct{ id, delta int64 }{{from, -amount}, {to, amount}} {
		r, err := tx.Get("accounts", leg.id)
		if err != nil {
			return err
		}
		if _, err := tx.Update("accounts", leg.id, engine.Row{"balance": r.Get("balance").(int64) + leg.delta}); err != nil {
			return err
		}
	}
	return nil
}

func soakTransfer(tx *engine.Tx, rng *rand.Rand, writer int64) error {
	if err := soakMove(tx, rng.Int64N(soakAccounts), rng.Int64N(soakAccounts), rng.Int64N(100)); err != nil {
		return err
	}
	r, err := tx.Get("writers", writer)
	if err != nil {
		return err
	}
	_, err = tx.Update("writers", writer, engine.Row{"commits": r.Get("commits").(int64) + 1})
	return err
}

func soakCascade(tx *engine.Tx, rng *rand.Rand) error {
	authors, err := tx.Query("authors").All()
	if err != nil {
		return err
	}
	if len(authors) >= soakMaxAuthors || (len(authors) > 0 && rng.IntN(3) == 0) {
		return tx.Delete("authors", authors[rng.IntN(len(authors))].ID())
	}
	n := 1 + rng.IntN(5)
	a, err := tx.Insert("authors", engine.Row{"books": n})
	if err != nil {
		return err
	}
	for i := range n {
		if _, err := tx.Insert("books", engine.Row{"author_id": a.ID(), "title": fmt.Sprintf("book %d", i)}); err != nil {
			return err
		}
	}
	return nil
}

func soakRead(tx *engine.Tx, rng *rand.Rand) error {
	total, err := soakTotal(tx)
	if err != nil {
		return err
	}
	if total != soakAccounts*soakBalance {
		return fmt.Errorf("bank total %d, want %d", total, soakAccounts*soakBalance)
	}
	authors, err := tx.Query("authors").All()
	if err != nil || len(authors) == 0 {
		return err
	}
	return soakAuthorBooks(tx, authors[rng.IntN(len(authors))])
}

// soakAuthorBooks checks that author a has as many books as it says.
func soakAuthorBooks(tx *engine.Tx, a engine.Record) error {
	books, err := tx.Query("books").Where(engine.Eq("author_id", a.ID())).All()
	if err != nil {
		return err
	}
	if int64(len(books)) != a.Get("books").(int64) {
		return fmt.Errorf("author %v: %d books, its counter says %v", a.ID(), len(books), a.Get("books"))
	}
	return nil
}
