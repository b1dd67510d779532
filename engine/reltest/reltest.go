// Package reltest helps tests bound what code loads from a reldb database,
// the way Django's assertNumQueries bounds SQL queries: a test runs a block
// of code and fails, listing every load with the line that caused it, when
// the block loads more than it should. An N+1 pattern — one load per row of
// a result — then fails the test that covers it instead of slowing
// production.
//
//	reltest.MaxLoads(t, tx, 3, func() {
//		renderAuthorsPage(tx) // must prefetch books and tags
//	})
package reltest

import (
	"strings"
	"testing"

	"github.com/reldb/reldb/engine"
)

// Loads runs fn and returns the loads tx ran during it, in order. Other
// load hooks of tx keep running.
func Loads(tx *engine.Tx, fn func()) []engine.Load {
	var loads []engine.Load
	var prev func(engine.Load)
	prev = tx.SetLoadHook(func(l engine.Load) {
		loads = append(loads, l)
		if prev != nil {
			prev(l)
		}
	})
	defer func() { tx.SetLoadHook(prev) }()
	fn()
	return loads
}

// MaxLoads runs fn and fails t (without stopping it) if tx ran more than
// max loads during it; the failure lists each load. It returns the loads.
func MaxLoads(t testing.TB, tx *engine.Tx, max int, fn func()) []engine.Load {
	t.Helper()
	loads := Loads(tx, fn)
	if len(loads) > max {
		t.Errorf("reltest: %d loads, want at most %d:\n%s", len(loads), max, render(loads))
	}
	return loads
}

// ExactLoads is MaxLoads for an exact count: fewer loads fail too, which
// catches a test that no longer exercises what it meant to.
func ExactLoads(t testing.TB, tx *engine.Tx, want int, fn func()) []engine.Load {
	t.Helper()
	loads := Loads(tx, fn)
	if len(loads) != want {
		t.Errorf("reltest: %d loads, want %d:\n%s", len(loads), want, render(loads))
	}
	return loads
}

func render(loads []engine.Load) string {
	var b strings.Builder
	for i, l := range loads {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString("\t")
		b.WriteString(l.String())
	}
	return b.String()
}
