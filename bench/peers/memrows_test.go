package peers_test

import (
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"testing"

	"github.com/reldb/reldb/bench/peers"
)

// TestMemoryRows measures what the systems named by RELDB_MEMSYS (reldb
// unless set) hold per row at RELDB_MEMROWS rows, the memory table of
// cmd/peers without its workloads; with RELDB_MEMPROFILE it also writes
// a heap profile of the loaded database there.
func TestMemoryRows(t *testing.T) {
	rows, _ := strconv.Atoi(os.Getenv("RELDB_MEMROWS"))
	if rows <= 0 {
		t.Skip("set RELDB_MEMROWS to the rows to measure")
	}
	name := os.Getenv("RELDB_MEMSYS")
	if name == "" {
		name = "reldb"
	}
	f := peers.Standard.WithRows(rows)
	for _, sys := range peers.Systems() {
		if sys.Name != name {
			continue
		}
		m, err := peers.MeasureMemory(sys, f)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d rows, Go heap %.1f B/row, own %.1f B/row, total %.1f B/row",
			sys.Name, m.Rows, float64(m.GoHeap)/float64(m.Rows), float64(m.Own)/float64(m.Rows), m.PerRow())
		for _, shape := range peers.MemoryShapes[1:] {
			m, err := peers.MeasureMemoryAs(sys, f, shape)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s, %s: Go heap %.1f B/row, own %.1f B/row, total %.1f B/row",
				sys.Name, shape, float64(m.GoHeap)/float64(m.Rows), float64(m.Own)/float64(m.Rows), m.PerRow())
		}
	}
	if path := os.Getenv("RELDB_MEMPROFILE"); path != "" {
		writeHeapProfile(t, name, f, path)
	}
}

// writeHeapProfile loads f into a new system name and writes a heap
// profile of what it holds, sampling every allocation.
func writeHeapProfile(t *testing.T, name string, f peers.Fixture, path string) {
	old := runtime.MemProfileRate
	runtime.MemProfileRate = 1
	defer func() { runtime.MemProfileRate = old }()
	for _, sys := range peers.Systems() {
		if sys.Name != name {
			continue
		}
		p, err := sys.Open(0)
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		if _, err := p.Load(f.Generate()); err != nil {
			t.Fatal(err)
		}
		runtime.GC()
		runtime.GC()
		out, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		defer out.Close()
		if err := pprof.Lookup("heap").WriteTo(out, 0); err != nil {
			t.Fatal(err)
		}
		runtime.KeepAlive(p)
	}
}
