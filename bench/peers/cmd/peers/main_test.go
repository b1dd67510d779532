package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestMain1 ensures the command runs every workload and the memory table
// end to end at a tiny size.
func TestMain1_Tiny(t *testing.T) {
	err := main1(config{reps: 1, budget: time.Millisecond, authors: 20, memRows: 2000})
	require.NoError(t, err)
}
