package wal

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

var segmentModelSeed = flag.Uint64("segment-model-seed", 0, "seed of TestSegmentModel_MatchesTidwall; 0 picks one")

// Ensure Log syncs its directory exactly in the Appends, reopens and
// truncations after which tidwall has created a segment file: random batch
// and payload sizes, segment sizes, sync modes, reopens and truncations, with
// the segment files listed after every step.
func TestSegmentModel_MatchesTidwall(t *testing.T) {
	seed := *segmentModelSeed
	if seed == 0 {
		seed = rand.Uint64()
	}
	t.Logf("seed %d (rerun with -segment-model-seed)", seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	steps := 100
	if testing.Short() {
		steps = 40
	}
	// The model does not depend on the sync mode: SyncNone keeps it fast.
	for _, segSize := range []int{1, 40, 64, 257, 1000} {
		t.Run(fmt.Sprintf("segsize=%d", segSize), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "log")
			fsys := newFaultFS()
			opts := Options{SyncMode: SyncNone, SegmentSize: segSize, fs: fsys}
			l := openLog(t, dir, opts)
			next := uint64(1)
			for step := range steps {
				before := segmentPaths(t, dir)
				syncs := fsys.syncCount(dir)
				switch r := rng.IntN(20); {
				case r == 0:
					require.NoError(t, l.Close())
					l = openLog(t, dir, opts)
					require.Equal(t, syncs+1, fsys.syncCount(dir), "step %d: reopen", step)
					continue
				case r == 1:
					first, err := l.First()
					require.NoError(t, err)
					to := first + rng.Uint64N(next-first+1)
					require.NoError(t, l.TruncateFront(to))
					want := syncs
					if to > first {
						want++
					}
					require.Equal(t, want, fsys.syncCount(dir), "step %d: truncate front to %d", step, to)
					continue
				}
				batch := make([][]byte, 1+rng.IntN(6))
				for i := range batch {
					batch[i] = make([]byte, rng.IntN(150))
				}
				last, err := l.Append(batch...)
				require.NoError(t, err)
				next = last + 1
				after := segmentPaths(t, dir)
				created := !slices.Equal(before, after)
				want := syncs
				if created {
					want++
				}
				require.Equal(t, want, fsys.syncCount(dir),
					"step %d: batch of %d, segment files %d -> %d", step, len(batch), len(before), len(after))
			}
		})
	}
}
