//go:build race

package engine_test

// raceEnabled is set under the race detector, which changes how much a
// path allocates (sync.Pool drops what it is given at random).
const raceEnabled = true
