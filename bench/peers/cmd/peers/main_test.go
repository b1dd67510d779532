package main

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reldb/reldb/bench/peers"
	"github.com/stretchr/testify/require"
)

// TestMain1 ensures the command runs every workload and the memory table
// end to end at a tiny size.
func TestMain1_Tiny(t *testing.T) {
	err := main1(config{reps: 1, budget: time.Millisecond, authors: 20, memRows: 2000})
	require.NoError(t, err)
}

// TestMeasure_KeepsNoCase ensures a system's data is garbage once its run
// is over: kept live through the next system's runs, it would change the
// collector's work there, and so that system's figure.
func TestMeasure_KeepsNoCase(t *testing.T) {
	var made, freed atomic.Int64
	prepare := func(peers.System, peers.Fixture) (*peers.Case, error) {
		// Every case made before this one has run and been closed.
		want := made.Load()
		require.Eventually(t, func() bool {
			runtime.GC()
			return freed.Load() == want
		}, 5*time.Second, time.Millisecond, "a closed case is still reachable")
		data := new([1 << 16]byte)
		runtime.AddCleanup(data, func(struct{}) { freed.Add(1) }, struct{}{})
		made.Add(1)
		return &peers.Case{
			Op:    func(int) (int, error) { return int(data[0]) + 1, nil },
			Want:  1,
			Units: 1,
			Close: func() error { return nil },
		}, nil
	}
	systems := []peers.System{{Name: "a"}, {Name: "b"}, {Name: "c"}}
	_, err := measure(peers.Workload{Name: "w", Unit: "op", Prepare: prepare}, systems, peers.Standard, 2, time.Millisecond)
	require.NoError(t, err)
	require.EqualValues(t, 6, made.Load())
}
