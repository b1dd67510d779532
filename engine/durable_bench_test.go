package engine_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reldb/reldb/engine"
	"github.com/stretchr/testify/require"
)

// BenchmarkDB_Update_GroupCommit measures durable commits per second with
// an fsync on every commit (SyncEveryCommit) and 1, 4 or 16 goroutines
// committing one-row transactions at once. Group commit lets concurrent
// committers share one write and one fsync, so the rate should grow with
// the number of committers.
func BenchmarkDB_Update_GroupCommit(b *testing.B) {
	for _, n := range []int{1, 4, 16} {
		b.Run(fmt.Sprintf("committers=%d", n), func(b *testing.B) {
			db, err := engine.Open(engine.Options{Dir: b.TempDir(), CheckpointBytes: -1, Sync: benchSync()})
			require.NoError(b, err)
			defer db.Close()
			require.NoError(b, db.Update(durCtx, func(tx *engine.Tx) error {
				return tx.CreateTable(engine.Table{Name: "events", PrimaryKey: []string{"id"}, Columns: []engine.Column{
					{Name: "id", Type: engine.Int}, {Name: "body", Type: engine.Text}}})
			}))
			batches0, records0 := engine.LogBatches(db)
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			for g := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := g; i < b.N; i += n {
						id := next.Add(1)
						err := db.Update(durCtx, func(tx *engine.Tx) error {
							_, err := tx.Insert("events", engine.Row{"id": id, "body": "event " + strconv.FormatInt(id, 10)})
							return err
						})
						if err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "commits/s")
			batches, records := engine.LogBatches(db)
			b.ReportMetric(float64(records-records0)/float64(batches-batches0), "commits/fsync")
		})
	}
}

// BenchmarkDB_Open_Recover1M measures recovery of 1,000,000 rows (a table
// with a secondary index) from a snapshot file, and reports the file's
// size. It takes a minute or more to set up, so it runs only with
// RELDB_BENCH_1M=1:
//
//	RELDB_BENCH_1M=1 go test ./engine -run '^$' -bench Recover1M -benchtime 3x
func BenchmarkDB_Open_Recover1M(b *testing.B) {
	if os.Getenv("RELDB_BENCH_1M") == "" {
		b.Skip("set RELDB_BENCH_1M=1")
	}
	rows, batch := 1_000_000, 10_000
	if s := os.Getenv("RELDB_BENCH_ROWS"); s != "" {
		rows, _ = strconv.Atoi(s)
	}
	for _, from := range []string{"snapshot", "log"} {
		b.Run("from="+from, func(b *testing.B) {
			dir := b.TempDir()
			db, err := engine.Open(engine.Options{Dir: dir, CheckpointBytes: -1, Sync: engine.SyncNone})
			require.NoError(b, err)
			require.NoError(b, db.Update(durCtx, func(tx *engine.Tx) error {
				return tx.CreateTable(engine.Table{Name: "items", PrimaryKey: []string{"id"}, Columns: []engine.Column{
					{Name: "id", Type: engine.Int}, {Name: "name", Type: engine.Text}, {Name: "price", Type: engine.Decimal, Precision: 10, Scale: 2},
					{Name: "qty", Type: engine.Int}},
					Indexes: []engine.Index{{Name: "items_name_idx", Columns: []string{"name"}}}})
			}))
			for lo := 0; lo < rows; lo += batch {
				require.NoError(b, db.Update(durCtx, func(tx *engine.Tx) error {
					for i := lo; i < lo+batch; i++ {
						if _, err := tx.Insert("items", engine.Row{"id": i, "name": "item " + strconv.Itoa(i), "price": durDec(strconv.Itoa(i%10000) + ".99"), "qty": i % 100}); err != nil {
							return err
						}
					}
					return nil
				}))
			}
			if from == "snapshot" {
				require.NoError(b, db.Checkpoint())
			}
			require.NoError(b, db.Close())
			var snapBytes, logBytes int64
			require.NoError(b, filepath.Walk(dir, func(path string, fi os.FileInfo, err error) error {
				switch {
				case err != nil || fi.IsDir():
				case strings.HasPrefix(fi.Name(), "snapshot-"):
					snapBytes += fi.Size()
				case filepath.Base(filepath.Dir(path)) == "wal":
					logBytes += fi.Size()
				}
				return err
			}))
			b.ResetTimer()
			for range b.N {
				db, err := engine.Open(engine.Options{Dir: dir})
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				require.NoError(b, db.Close())
				b.StartTimer()
			}
			b.StopTimer()
			b.ReportMetric(float64(snapBytes)/(1<<20), "snapshot-MiB")
			b.ReportMetric(float64(logBytes)/(1<<20), "log-MiB")
			b.ReportMetric(float64(snapBytes+logBytes)/float64(rows), "disk-bytes/row")
		})
	}
}

// benchSync is SyncEveryCommit unless RELDB_BENCH_SYNC=none, which shows
// the CPU-bound ceiling of the same workload.
func benchSync() engine.SyncMode {
	if os.Getenv("RELDB_BENCH_SYNC") == "none" {
		return engine.SyncNone
	}
	return engine.SyncEveryCommit
}
