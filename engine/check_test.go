package engine_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/cockroachdb/apd/v3"
	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/engine/internal/testutil"
	"github.com/stretchr/testify/require"
)

// TestDB_Check_DuringWritesAndDDL ensures DB.Check and readers run race-free and find no problem while writers upsert rows and create and drop tables.
func TestDB_Check_DuringWritesAndDDL(t *testing.T) {
	db := testutil.OpenDBWith(t, engine.Options{Retry: engine.RetryPolicy{MaxAttempts: 1000}}, engine.Table{Name: "acc",
		Columns: []engine.Column{{Name: "id", Type: engine.Int}, {Name: "bal", Type: engine.Decimal, Precision: 12, Scale: 2},
			{Name: "b", Type: engine.Bytes}, {Name: "at", Type: engine.Time}, {Name: "name", Type: engine.Text}},
		PrimaryKey: []string{"id"},
		Indexes:    []engine.Index{{Name: "acc_bal", Columns: []string{"bal"}}, {Name: "acc_name", Columns: []string{"name"}, Unique: true}}})
	errs := make(chan error, 16)
	var writers, readers sync.WaitGroup
	for w := 0; w < 4; w++ {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for i := 0; i < 100; i++ {
				err := db.Update(bg, func(tx *engine.Tx) error {
					_, err := tx.Upsert("acc", engine.Row{"id": (i*7 + w) % 50, "bal": apd.New(int64(i), -1), "b": []byte{byte(i)},
						"at": time.Unix(int64(i), 123456789), "name": fmt.Sprint(w, "-", i)})
					if err != nil {
						return err
					}
					switch name := fmt.Sprintf("t%d_%d", w, i/10); i % 10 {
					case 0:
						if err := tx.CreateTable(engine.Table{Name: name, Columns: []engine.Column{{Name: "id", Type: engine.Int}}, PrimaryKey: []string{"id"}}); err != nil {
							return err
						}
						_, err = tx.Insert(name, engine.Row{"id": 1})
					case 5:
						err = tx.DropTable(name)
					}
					return err
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	stop := make(chan struct{})
	for r := 0; r < 4; r++ {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				err := db.Check()
				if err == nil {
					err = db.View(bg, func(tx *engine.Tx) error {
						recs, err := tx.Query("acc").Where(engine.Gt("bal", "1.5")).OrderBy("bal", engine.Desc).All()
						for _, r := range recs {
							_ = r.String()
						}
						return err
					})
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	writers.Wait()
	close(stop)
	readers.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}
