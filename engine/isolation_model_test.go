package engine_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/engine/internal/testutil"
)

// TestIsolation_MixedLevelsModel runs random transfers between a few
// accounts from many goroutines, each transaction at a random isolation
// level, some rolled back on purpose, some interleaved with a
// deliberately slow step. Transfers read balances the way each level
// should (ReadCommitted under the row lock, the others by a plain read,
// their commit validating it) and retry conflicts and deadlocks. The
// model is a ledger of the transfers that committed: every account must
// end with exactly its opening balance plus its committed deltas — no
// lost update at any level or across levels — and Check must pass.
func TestIsolation_MixedLevelsModel(t *testing.T) {
	const accounts, workers, transfers = 5, 8, 150
	db := testutil.OpenDBWith(t, engine.Options{Retry: engine.RetryPolicy{MaxAttempts: 1 << 16}},
		engine.Table{Name: "acct", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}, {Name: "balance", Type: engine.Int, NotNull: true}}})
	ctx := context.Background()
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		for id := range accounts {
			if _, err := tx.Insert("acct", engine.Row{"id": id, "balance": 1000}); err != nil {
				return err
			}
		}
		return nil
	}))
	levels := []engine.Isolation{engine.Serializable, engine.RepeatableRead, engine.ReadCommitted}
	var mu sync.Mutex
	delta := make([]int64, accounts)
	perLevel := map[engine.Isolation]int{}
	errAbort := errors.New("rolled back on purpose")
	var wg sync.WaitGroup
	for w := range workers {
		rng := rand.New(rand.NewPCG(uint64(w), 42))
		wg.Go(func() {
			for range transfers {
				iso := levels[rng.IntN(len(levels))]
				from, to := rng.IntN(accounts), rng.IntN(accounts)
				amount := int64(1 + rng.IntN(9))
				abort := rng.IntN(10) == 0
				read := func(tx *engine.Tx, id int) (int64, error) {
					var r engine.Record
					var err error
					if iso == engine.ReadCommitted {
						r, err = tx.LockRow("acct", id)
					} else {
						r, err = tx.Get("acct", id)
					}
					if err != nil {
						return 0, err
					}
					return r.Get("balance").(int64), nil
				}
				err := db.UpdateWith(ctx, engine.TxOptions{Isolation: iso}, func(tx *engine.Tx) error {
					// Lock in id order, as careful code does, except now
					// and then, so that deadlocks happen too.
					first, second := from, to
					if first > second && rng.IntN(4) != 0 {
						first, second = second, first
					}
					for _, id := range []int{first, second} {
						b, err := read(tx, id)
						if err != nil {
							return err
						}
						d := amount
						if id == from {
							d = -amount
						}
						if from == to {
							d = 0
						}
						if _, err := tx.Update("acct", id, engine.Row{"balance": b + d}); err != nil {
							return err
						}
					}
					if abort {
						return errAbort
					}
					return nil
				})
				switch {
				case errors.Is(err, errAbort):
				case err != nil:
					t.Errorf("%v transfer %d->%d: %v", iso, from, to, err)
					return
				default:
					mu.Lock()
					if from != to {
						delta[from] -= amount
						delta[to] += amount
					}
					perLevel[iso]++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	require.NoError(t, db.View(ctx, func(tx *engine.Tx) error {
		for id := range accounts {
			r, err := tx.Get("acct", id)
			if err != nil {
				return err
			}
			assert.Equal(t, 1000+delta[id], r.Get("balance").(int64), "account %d", id)
		}
		return nil
	}))
	assert.NoError(t, db.Check())
	for _, l := range levels {
		assert.Positive(t, perLevel[l], fmt.Sprintf("%v transfers committed", l))
	}
}

// TestIsolation_ForeignKeysModel races child inserts against parent
// deletes and re-inserts at random isolation levels: whatever commits,
// no child is ever left without its parent (Check), and every operation
// either commits or fails with a constraint error or a retried conflict.
func TestIsolation_ForeignKeysModel(t *testing.T) {
	const parents, workers, ops = 4, 8, 120
	db := testutil.OpenDBWith(t, engine.Options{Retry: engine.RetryPolicy{MaxAttempts: 1 << 16}},
		engine.Table{Name: "p", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}}},
		engine.Table{Name: "c", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int, AutoIncrement: true}, {Name: "p_id", Type: engine.Int, NotNull: true}}})
	ctx := context.Background()
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		if err := tx.CreateRelation(engine.Relation{Child: "c", Columns: []string{"p_id"}, Parent: "p", OnDelete: engine.Cascade}); err != nil {
			return err
		}
		for id := range parents {
			if _, err := tx.Insert("p", engine.Row{"id": id}); err != nil {
				return err
			}
		}
		return nil
	}))
	levels := []engine.Isolation{engine.Serializable, engine.RepeatableRead, engine.ReadCommitted}
	var wg sync.WaitGroup
	for w := range workers {
		rng := rand.New(rand.NewPCG(uint64(w), 7))
		wg.Go(func() {
			for range ops {
				iso := levels[rng.IntN(len(levels))]
				pid := rng.IntN(parents)
				op := rng.IntN(3)
				err := db.UpdateWith(ctx, engine.TxOptions{Isolation: iso}, func(tx *engine.Tx) error {
					switch op {
					case 0:
						_, err := tx.Insert("c", engine.Row{"p_id": pid})
						return err
					case 1:
						return tx.Delete("p", pid)
					default:
						_, err := tx.Insert("p", engine.Row{"id": pid})
						return err
					}
				})
				if err != nil && !errors.Is(err, engine.ErrForeignKey) && !errors.Is(err, engine.ErrNotFound) && !errors.Is(err, engine.ErrUnique) {
					t.Errorf("%v op %d on parent %d: %v", iso, op, pid, err)
					return
				}
			}
		})
	}
	wg.Wait()
	assert.NoError(t, db.Check(), "no orphan, no broken index")
	require.NoError(t, db.View(ctx, func(tx *engine.Tx) error {
		return tx.Query("c").Each(func(r engine.Record) error {
			_, err := tx.Get("p", r.Get("p_id"))
			assert.NoError(t, err, "child %v has its parent", r.ID())
			return nil
		})
	}))
}
