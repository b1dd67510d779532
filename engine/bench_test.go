package engine_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/engine/internal/testutil"
	"github.com/stretchr/testify/require"
)

// benchItems is a table with two secondary indexes, one of them unique.
var benchItems = engine.Table{
	Name:       "items",
	PrimaryKey: []string{"id"},
	Columns: []engine.Column{
		{Name: "id", Type: engine.Int},
		{Name: "owner", Type: engine.Int, NotNull: true},
		{Name: "sku", Type: engine.Text, NotNull: true},
		{Name: "qty", Type: engine.Int},
	},
	Indexes: []engine.Index{
		{Name: "items_owner", Columns: []string{"owner"}},
		{Name: "items_sku", Columns: []string{"sku"}, Unique: true},
	},
}

func itemRow(i int) engine.Row {
	return engine.Row{"id": i, "owner": i % 100, "sku": fmt.Sprintf("sku-%08d", i), "qty": i}
}

// seedItems fills items with n rows in one transaction.
func seedItems(b *testing.B, n int) *engine.DB {
	b.Helper()
	return seedItemsWith(b, engine.Options{}, n)
}

func seedItemsWith(b *testing.B, opts engine.Options, n int) *engine.DB {
	b.Helper()
	db := testutil.OpenDBWith(b, opts, benchItems)
	err := db.Update(context.Background(), func(tx *engine.Tx) error {
		for i := range n {
			if _, err := tx.Insert("items", itemRow(i)); err != nil {
				return err
			}
		}
		return nil
	})
	require.NoError(b, err)
	return db
}

// BenchmarkTx_Insert_Bulk inserts a batch of rows with two secondary
// indexes (one unique) in one transaction into an empty table; ns/row is
// the cost of one insert, commit included.
func BenchmarkTx_Insert_Bulk(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			ctx := context.Background()
			rows := make([]engine.Row, n)
			for i := range rows {
				rows[i] = itemRow(i)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				db, err := engine.Open(engine.Options{})
				require.NoError(b, err)
				require.NoError(b, db.Update(ctx, func(tx *engine.Tx) error { return tx.CreateTable(benchItems) }))
				b.StartTimer()
				err = db.Update(ctx, func(tx *engine.Tx) error {
					for _, r := range rows {
						if _, err := tx.Insert("items", r); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/row")
		})
	}
}

// BenchmarkDB_Update_InsertOne commits one row per transaction.
func BenchmarkDB_Update_InsertOne(b *testing.B) {
	ctx := context.Background()
	db := testutil.OpenDB(b, benchItems)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		err := db.Update(ctx, func(tx *engine.Tx) error {
			_, err := tx.Insert("items", itemRow(i))
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDB_View_Get is a point get in its own read transaction: begin,
// get by primary key, end; at several table sizes.
func BenchmarkDB_View_Get(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			ctx := context.Background()
			db := seedItems(b, n)
			b.ReportAllocs()
			b.ResetTimer()
			var found int
			for i := 0; i < b.N; i++ {
				err := db.View(ctx, func(tx *engine.Tx) error {
					r, err := tx.Get("items", (i*7919)%n)
					if err == nil && !r.IsZero() {
						found++
					}
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			require.Equal(b, b.N, found)
		})
	}
}

// BenchmarkTx_Get is a point get inside one long read transaction, at
// several table sizes.
func BenchmarkTx_Get(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			ctx := context.Background()
			db := seedItems(b, n)
			tx, err := db.Begin(ctx, engine.TxOptions{ReadOnly: true})
			require.NoError(b, err)
			defer tx.Rollback()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := tx.Get("items", (i*7919)%n); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkQuery_UniqueLookup finds one row through a unique secondary index.
func BenchmarkQuery_UniqueLookup(b *testing.B) {
	const n = 100_000
	ctx := context.Background()
	db := seedItems(b, n)
	skus := make([]string, 1024)
	for i := range skus {
		skus[i] = fmt.Sprintf("sku-%08d", (i*7919)%n)
	}
	b.ReportAllocs()
	b.ResetTimer()
	err := db.View(ctx, func(tx *engine.Tx) error {
		for i := 0; i < b.N; i++ {
			r, err := tx.Query("items").Where(engine.Eq("sku", skus[i%len(skus)])).First()
			if err != nil {
				return err
			}
			if r.Get("sku") != skus[i%len(skus)] {
				return fmt.Errorf("wrong row %v", r)
			}
		}
		return nil
	})
	require.NoError(b, err)
}

// BenchmarkQuery_IndexRange reads the 1,000 rows of one owner through a
// non-unique secondary index; ns/row is the cost per row read.
func BenchmarkQuery_IndexRange(b *testing.B) {
	const n = 100_000
	ctx := context.Background()
	db := seedItems(b, n)
	b.ReportAllocs()
	b.ResetTimer()
	rows := 0
	err := db.View(ctx, func(tx *engine.Tx) error {
		for i := 0; i < b.N; i++ {
			err := tx.Query("items").Where(engine.Eq("owner", i%100)).Each(func(engine.Record) error {
				rows++
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	b.StopTimer()
	require.NoError(b, err)
	require.Equal(b, b.N*n/100, rows)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(rows), "ns/row")
}

// BenchmarkQuery_PrimaryRange scans a primary-key range of 1,000 rows.
func BenchmarkQuery_PrimaryRange(b *testing.B) {
	const n = 100_000
	ctx := context.Background()
	db := seedItems(b, n)
	b.ReportAllocs()
	b.ResetTimer()
	rows := 0
	err := db.View(ctx, func(tx *engine.Tx) error {
		for i := 0; i < b.N; i++ {
			lo := (i * 7919) % (n - 1000)
			err := tx.Query("items").Where(engine.Ge("id", lo), engine.Lt("id", lo+1000)).Each(func(engine.Record) error {
				rows++
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	b.StopTimer()
	require.NoError(b, err)
	require.Equal(b, b.N*1000, rows)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(rows), "ns/row")
}

// BenchmarkDB_Update_Commit updates one row per transaction from parallel
// goroutines: "disjoint" gives each goroutine its own rows (no conflicts),
// "contended" makes all of them update one of 4 rows (conflicts, retried).
func BenchmarkDB_Update_Commit(b *testing.B) {
	for _, mode := range []string{"disjoint", "contended"} {
		b.Run(mode, func(b *testing.B) {
			const n = 10_000
			ctx := context.Background()
			// Hot rows conflict constantly: let Update retry as long as it
			// takes, and report how many attempts a commit needed.
			db := seedItemsWith(b, engine.Options{Retry: engine.RetryPolicy{MaxAttempts: 1000}}, n)
			var worker, commits, attempts atomic.Int64
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				w := int(worker.Add(1))
				i := 0
				for pb.Next() {
					i++
					id := (w*1000 + i) % n
					if mode == "contended" {
						id = i % 4
					}
					err := db.Update(ctx, func(tx *engine.Tx) error {
						attempts.Add(1)
						r, err := tx.Get("items", id)
						if err != nil {
							return err
						}
						_, err = tx.Update("items", id, engine.Row{"qty": r.Get("qty").(int64) + 1})
						return err
					})
					if err != nil {
						b.Error(err)
						return
					}
					commits.Add(1)
				}
			})
			b.StopTimer()
			require.Equal(b, int64(b.N), commits.Load())
			b.ReportMetric(float64(attempts.Load())/float64(b.N), "attempts/op")
		})
	}
}
