//go:build !race

package engine_test

// raceEnabled is set under the race detector (see race_on_test.go).
const raceEnabled = false
