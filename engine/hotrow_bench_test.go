package engine_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/engine/internal/testutil"
)

// BenchmarkHotRow has 16 goroutines each add one to one row's counter, at
// each isolation level: Serializable and RepeatableRead through DB.Update,
// which retries conflicts; ReadCommitted reading the row under its lock,
// which never conflicts. It reports increments per second, the 99th
// percentile latency of one increment (retries included) and the retries
// per increment; every run checks the counter is exact.
func BenchmarkHotRow(b *testing.B) {
	for _, iso := range []engine.Isolation{engine.Serializable, engine.RepeatableRead, engine.ReadCommitted} {
		b.Run(iso.String(), func(b *testing.B) {
			db := testutil.OpenDBWith(b, engine.Options{Retry: engine.RetryPolicy{MaxAttempts: 1 << 20, MinBackoff: time.Microsecond, MaxBackoff: 100 * time.Microsecond}},
				engine.Table{Name: "counters", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}, {Name: "n", Type: engine.Int}}})
			ctx := context.Background()
			if err := db.Update(ctx, func(tx *engine.Tx) error {
				_, err := tx.Insert("counters", engine.Row{"id": 1, "n": 0})
				return err
			}); err != nil {
				b.Fatal(err)
			}
			var attempts atomic.Int64
			incr := func() error {
				if iso == engine.ReadCommitted {
					attempts.Add(1)
					tx, err := db.Begin(ctx, engine.TxOptions{Isolation: iso})
					if err != nil {
						return err
					}
					defer tx.Rollback()
					r, err := tx.LockRow("counters", 1)
					if err != nil {
						return err
					}
					if _, err := tx.Update("counters", 1, engine.Row{"n": r.Get("n").(int64) + 1}); err != nil {
						return err
					}
					return tx.Commit()
				}
				return db.UpdateWith(ctx, engine.TxOptions{Isolation: iso}, func(tx *engine.Tx) error {
					attempts.Add(1)
					r, err := tx.Get("counters", 1)
					if err != nil {
						return err
					}
					_, err = tx.Update("counters", 1, engine.Row{"n": r.Get("n").(int64) + 1})
					return err
				})
			}
			const workers = 16
			var lat []time.Duration
			var mu sync.Mutex
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			var next atomic.Int64
			for range workers {
				wg.Go(func() {
					var mine []time.Duration
					for next.Add(1) <= int64(b.N) {
						t0 := time.Now()
						if err := incr(); err != nil && !errors.Is(err, context.Canceled) {
							b.Error(err)
							return
						}
						mine = append(mine, time.Since(t0))
					}
					mu.Lock()
					lat = append(lat, mine...)
					mu.Unlock()
				})
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			var n int64
			_ = db.View(ctx, func(tx *engine.Tx) error {
				r, err := tx.Get("counters", 1)
				if err == nil {
					n = r.Get("n").(int64)
				}
				return err
			})
			if n != int64(b.N) {
				b.Fatalf("counter %d after %d increments", n, b.N)
			}
			slices.Sort(lat)
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "incr/s")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
			b.ReportMetric(float64(attempts.Load()-int64(b.N))/float64(b.N), "retries/incr")
		})
	}
}
