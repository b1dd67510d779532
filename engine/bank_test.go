package engine_test

import (
	"context"
	"errors"
	"flag"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cockroachdb/apd/v3"
	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/engine/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var bankSeed = flag.Uint64("bank.seed", 0, "seed for TestDB_Update_BankTransfers (0: time-based)")

// bankCtx does the test's own decimal arithmetic, exactly: 40 digits hold
// any sum of numeric(20,2) values the test makes.
var bankCtx = apd.BaseContext.WithPrecision(40)

// bankAdd returns a+b, failing the test if the result is inexact.
func bankAdd(t *testing.T, a, b *apd.Decimal) *apd.Decimal {
	d := new(apd.Decimal)
	cond, err := bankCtx.Add(d, a, b)
	if err != nil || cond.Inexact() || cond.Rounded() {
		t.Errorf("bank: %s + %s: inexact (%v, %v)", a, b, cond, err)
	}
	return d
}

// bankSub returns a-b, failing the test if the result is inexact.
func bankSub(t *testing.T, a, b *apd.Decimal) *apd.Decimal {
	d := new(apd.Decimal)
	cond, err := bankCtx.Sub(d, a, b)
	if err != nil || cond.Inexact() || cond.Rounded() {
		t.Errorf("bank: %s - %s: inexact (%v, %v)", a, b, cond, err)
	}
	return d
}

func bankTables() []engine.Table {
	return []engine.Table{
		{
			Name: "accounts",
			Columns: []engine.Column{
				{Name: "id", Type: engine.Int},
				{Name: "balance", Type: engine.Decimal, NotNull: true, Precision: 20, Scale: 2},
			},
			PrimaryKey: []string{"id"},
		},
		{
			Name: "transfers",
			Columns: []engine.Column{
				{Name: "id", Type: engine.Int, AutoIncrement: true},
				{Name: "from", Type: engine.Int, NotNull: true},
				{Name: "to", Type: engine.Int, NotNull: true},
				{Name: "amount", Type: engine.Decimal, NotNull: true, Precision: 20, Scale: 2},
			},
			PrimaryKey: []string{"id"},
		},
	}
}

// bankBalances reads every balance through one query of tx's snapshot.
func bankBalances(tx *engine.Tx) (map[int64]*apd.Decimal, error) {
	rows, err := tx.Query("accounts").All()
	if err != nil {
		return nil, err
	}
	out := make(map[int64]*apd.Decimal, len(rows))
	for _, r := range rows {
		out[r.ID().(int64)] = r.Get("balance").(*apd.Decimal)
	}
	return out, nil
}

// TestDB_Update_BankTransfers ensures serializable transactions keep money
// exact under contention: concurrent random transfers between 100 accounts
// never create or destroy a cent in any snapshot readers see, every
// transfer that reported success happened exactly once, and the ledger of
// transfers replays to the final balances.
func TestDB_Update_BankTransfers(t *testing.T) {
	seed := *bankSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (rerun with -bank.seed=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 0))

	const accounts, writers, readers = 100, 8, 2
	perWriter := 500
	if testing.Short() {
		perWriter = 100
	}
	ctx := context.Background()
	db := testutil.OpenDBWith(t, engine.Options{Retry: engine.RetryPolicy{MaxAttempts: 1000}}, bankTables()...)

	// Random initial balances 0.00..200.00, so that some transfers are refused.
	initial := make(map[int64]*apd.Decimal, accounts)
	total := new(apd.Decimal)
	for id := int64(1); id <= accounts; id++ {
		initial[id] = apd.New(rng.Int64N(20001), -2)
		total = bankAdd(t, total, initial[id])
	}
	err := db.Update(ctx, func(tx *engine.Tx) error {
		for id, b := range initial {
			if _, err := tx.Insert("accounts", engine.Row{"id": id, "balance": b}); err != nil {
				return err
			}
		}
		return nil
	})
	require.NoError(t, err)
	t.Logf("%d accounts holding %s", accounts, total)

	var (
		calls     atomic.Int64 // Update calls
		attempts  atomic.Int64 // runs of a transfer function
		committed atomic.Int64 // Update returned nil and the transfer wrote
		refused   atomic.Int64 // Update returned nil and the transfer refused to overdraw
		snapshots atomic.Int64 // reader snapshots checked
	)

	writersDone := make(chan struct{})
	var readersWG sync.WaitGroup
	for range readers {
		readersWG.Go(func() {
			for n := 0; ; {
				select {
				case <-writersDone:
					return
				default:
				}
				err := db.View(ctx, func(tx *engine.Tx) error {
					bal, err := bankBalances(tx)
					if err != nil {
						return err
					}
					sum := new(apd.Decimal)
					for _, b := range bal {
						sum = bankAdd(t, sum, b)
					}
					if !assert.Len(t, bal, accounts) || !assert.Zero(t, sum.Cmp(total), "snapshot version %d sums to %s, want %s", tx.Version(), sum, total) {
						return errBankStop
					}
					// Now and then, check the ledger of this snapshot too: a
					// transfer's three writes are visible together or not at all.
					if n%25 == 0 && !bankLedgerMatches(t, tx, initial, bal) {
						return errBankStop
					}
					return nil
				})
				if err != nil {
					assert.ErrorIs(t, err, errBankStop)
					return
				}
				snapshots.Add(1)
				n++
			}
		})
	}

	var writersWG sync.WaitGroup
	for w := range writers {
		wrng := rand.New(rand.NewPCG(seed, uint64(w)+1))
		writersWG.Go(func() {
			for range perWriter {
				// A quarter of the transfers touch one of five hot accounts,
				// so that writers do collide.
				pick := func() int64 {
					if wrng.IntN(4) == 0 {
						return wrng.Int64N(5) + 1
					}
					return wrng.Int64N(accounts) + 1
				}
				from, to := pick(), pick()
				for to == from {
					to = pick()
				}
				amount := apd.New(wrng.Int64N(5000)+1, -2) // 0.01 .. 50.00
				wrote := false
				calls.Add(1)
				err := db.Update(ctx, func(tx *engine.Tx) error {
					attempts.Add(1)
					wrote = false
					fr, err := tx.Get("accounts", from)
					if err != nil {
						return err
					}
					tr, err := tx.Get("accounts", to)
					if err != nil {
						return err
					}
					nf := bankSub(t, fr.Get("balance").(*apd.Decimal), amount)
					if nf.Sign() < 0 {
						return nil // refuse to overdraw; write nothing
					}
					nt := bankAdd(t, tr.Get("balance").(*apd.Decimal), amount)
					if _, err := tx.Update("accounts", from, engine.Row{"balance": nf}); err != nil {
						return err
					}
					if _, err := tx.Update("accounts", to, engine.Row{"balance": nt}); err != nil {
						return err
					}
					if _, err := tx.Insert("transfers", engine.Row{"from": from, "to": to, "amount": amount}); err != nil {
						return err
					}
					wrote = true
					return nil
				})
				if !assert.NoError(t, err, "transfer %s from %d to %d", amount, from, to) {
					return
				}
				if wrote {
					committed.Add(1)
				} else {
					refused.Add(1)
				}
			}
		})
	}
	writersWG.Wait()
	close(writersDone)
	readersWG.Wait()

	t.Logf("%d transfers: %d committed, %d refused; %d attempts (%d retried after conflicts); %d reader snapshots checked",
		calls.Load(), committed.Load(), refused.Load(), attempts.Load(), attempts.Load()-calls.Load(), snapshots.Load())
	require.Equal(t, int64(writers*perWriter), calls.Load())
	require.Equal(t, calls.Load(), committed.Load()+refused.Load())
	assert.Positive(t, snapshots.Load())

	err = db.View(ctx, func(tx *engine.Tx) error {
		final, err := bankBalances(tx)
		require.NoError(t, err)
		require.Len(t, final, accounts)
		sum := new(apd.Decimal)
		for _, b := range final {
			sum = bankAdd(t, sum, b)
			assert.GreaterOrEqual(t, b.Sign(), 0, "no account is overdrawn")
		}
		assert.Zero(t, sum.Cmp(total), "final total %s, want %s", sum, total)

		n, err := tx.Query("transfers").Count()
		require.NoError(t, err)
		assert.Equal(t, int(committed.Load()), n, "one ledger row per committed transfer")
		bankLedgerMatches(t, tx, initial, final)
		return nil
	})
	require.NoError(t, err)
}

// bankLedgerMatches reports whether replaying the transfers tx sees, in
// order, on the initial balances gives exactly the balances bal, and fails
// the test for each account where it does not.
func bankLedgerMatches(t *testing.T, tx *engine.Tx, initial, bal map[int64]*apd.Decimal) bool {
	ledger, err := tx.Query("transfers").OrderBy("id", engine.Asc).All()
	if !assert.NoError(t, err) {
		return false
	}
	replay := make(map[int64]*apd.Decimal, len(initial))
	for id, b := range initial {
		replay[id] = b
	}
	for _, r := range ledger {
		from, to := r.Get("from").(int64), r.Get("to").(int64)
		amount := r.Get("amount").(*apd.Decimal)
		replay[from] = bankSub(t, replay[from], amount)
		replay[to] = bankAdd(t, replay[to], amount)
	}
	ok := true
	for id, want := range replay {
		ok = assert.Zero(t, want.Cmp(bal[id]), "snapshot version %d: account %d: ledger of %d transfers replays to %s, stored %s",
			tx.Version(), id, len(ledger), want, bal[id]) && ok
	}
	return ok
}

// errBankStop stops a reader after its assertion failed.
var errBankStop = errors.New("bank: reader saw a wrong total")
