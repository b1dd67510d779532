package engine_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/internal/durable"
	"github.com/stretchr/testify/require"
)

// Ensure a power loss at any moment leaves a directory that opens without
// a corruption error and, with SyncEveryCommit, holds every commit
// acknowledged before it. The test runs a database in this process with
// durable's sync observer and, at every durable step it reports (each log
// sync, segment file started, snapshot written, directory synced), copies
// the directory as the worst power loss at that moment would leave it:
// every file cut to its synced length, every directory back to its entries
// at its last sync. Then it opens each copy. The workload crosses segment
// files (4 KiB), checkpoints and a reopen; SyncNone loses unsynced commits
// by design, but must never leave a directory that fails to open.
func TestDB_PowerLoss_EverySyncPoint(t *testing.T) {
	for _, mode := range []engine.SyncMode{engine.SyncEveryCommit, engine.SyncNone} {
		t.Run(mode.String(), func(t *testing.T) {
			tmp := t.TempDir()
			root, keep, imgs := filepath.Join(tmp, "db"), filepath.Join(tmp, "keep"), filepath.Join(tmp, "images")
			for _, d := range []string{root, keep, imgs} {
				require.NoError(t, os.Mkdir(d, 0o700))
			}
			type image struct {
				dir   string
				acked int // rows acknowledged when it was taken
				event string
			}
			var images []image
			acked := 0
			plog := newPowerLog()
			var st powerStats
			var buildErr error
			say := func(line string) {
				if _, err := plog.parse(strings.Fields(line)); err != nil && buildErr == nil {
					buildErr = err
				}
				img := filepath.Join(imgs, fmt.Sprint(len(images)))
				if err := powerRebuild(root, keep, img, ".", plog, nil, &st); err != nil && buildErr == nil {
					buildErr = fmt.Errorf("image after %q: %w", line, err)
				}
				images = append(images, image{dir: img, acked: acked, event: strings.TrimSpace(line)})
			}
			obs := newPowerObserver(root, keep, say, func(err error) { t.Fatal(err) })
			durable.SetHooks(&durable.Hooks{Observer: obs, SegmentSize: 4 << 10})
			defer durable.SetHooks(nil)

			open := func() *engine.DB {
				db, err := engine.Open(engine.Options{Dir: root, Sync: mode, CheckpointBytes: -1})
				require.NoError(t, err)
				return db
			}
			db := open()
			require.NoError(t, db.Update(durCtx, func(tx *engine.Tx) error {
				return tx.CreateTable(engine.Table{Name: "t", PrimaryKey: []string{"id"}, Columns: []engine.Column{
					{Name: "id", Type: engine.Int}, {Name: "pad", Type: engine.Text}}})
			}))
			insert := func(n int) {
				for range n {
					id := acked + 1
					require.NoError(t, db.Update(durCtx, func(tx *engine.Tx) error {
						_, err := tx.Insert("t", engine.Row{"id": id, "pad": strings.Repeat("x", 300)})
						return err
					}))
					acked = id
				}
			}
			insert(20)
			require.NoError(t, db.Checkpoint())
			insert(20)
			require.NoError(t, db.Checkpoint())
			insert(5)
			require.NoError(t, db.Close())
			db = open()
			insert(5)
			require.NoError(t, db.Checkpoint())
			insert(3)
			durable.SetHooks(nil)
			require.NoError(t, db.Close())
			require.NoError(t, buildErr)
			t.Logf("%d images; the worst power losses cut %d bytes from %d files and changed %d directory entries",
				len(images), st.bytesCut, st.filesCut, st.entriesChanged)

			for i, img := range images {
				db, err := engine.Open(engine.Options{Dir: img.dir})
				require.NoError(t, err, "image %d, after %s", i, img.event)
				require.NoError(t, db.Check(), "image %d", i)
				var rows int
				require.NoError(t, db.View(durCtx, func(tx *engine.Tx) error {
					if _, err := tx.Table("t"); err != nil {
						return nil // before the table's commit was durable
					}
					rs, err := tx.Query("t").All()
					rows = len(rs)
					return err
				}))
				if mode == engine.SyncEveryCommit {
					require.GreaterOrEqual(t, rows, img.acked, "image %d, after %s: acknowledged commits lost", i, img.event)
				}
				require.NoError(t, db.Close())
			}
		})
	}
}
