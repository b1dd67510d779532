package peers

import (
	"fmt"
	"runtime"
)

// MemoryRows is the default size of the memory measurement: rows over the
// three tables and the junction.
const MemoryRows = 1_000_000

// Memory is what one system holds for a loaded library.
type Memory struct {
	Rows int
	// GoHeap is the growth of the Go heap's live objects (MemStats
	// HeapAlloc after two collections) from before the system was opened
	// to after it was loaded and the generated rows were dropped: what the
	// system keeps in Go memory, including the strings it shares with
	// nobody. It can be slightly negative for a system that keeps nothing
	// in Go memory.
	GoHeap int64
	// Own is memory the system allocates outside the Go heap, by its own
	// accounting (SQLite's), or 0; OwnHow says how it was measured.
	Own    int64
	OwnHow string
}

// PerRow is the bytes held per row, Go heap and own memory together.
func (m Memory) PerRow() float64 { return float64(m.GoHeap+m.Own) / float64(m.Rows) }

// ownMemory is a peer that holds memory outside the Go heap and can say how
// much.
type ownMemory interface {
	// OwnBytes returns the bytes the peer holds outside the Go heap and
	// how that figure was obtained.
	OwnBytes() (int64, string, error)
}

// heapAlloc returns the bytes of live Go heap objects after two
// collections (the second frees what finalizers of the first released).
func heapAlloc() int64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// MeasureMemory opens sys, loads f's library and measures what it holds
// (see LoadMeasured), checks the tables' counts and closes it.
func MeasureMemory(sys System, f Fixture) (Memory, error) {
	p, m, err := LoadMeasured(sys, f)
	if err != nil {
		return m, err
	}
	defer p.Close()
	return m, counts(p, f)
}

// LoadMeasured opens sys, loads f's library and measures what it holds;
// the caller closes the peer. The rows are generated after the baseline
// and dropped before the measurement, so what a system shares with them
// (strings) counts as its own and the rest does not count.
func LoadMeasured(sys System, f Fixture) (_ Peer, m Memory, err error) {
	if err := f.validate(); err != nil {
		return nil, m, err
	}
	m.Rows = f.Rows()
	before := heapAlloc()
	p, err := sys.Open(0)
	if err != nil {
		return nil, m, err
	}
	defer func() {
		if err != nil {
			p.Close()
		}
	}()
	var own0 int64
	om, hasOwn := p.(ownMemory)
	if hasOwn {
		if own0, _, err = om.OwnBytes(); err != nil {
			return nil, m, err
		}
	}
	if err := loadDropped(p, f); err != nil {
		return nil, m, fmt.Errorf("%s: %w", sys.Name, err)
	}
	m.GoHeap = heapAlloc() - before
	if hasOwn {
		own, how, err := om.OwnBytes()
		if err != nil {
			return nil, m, err
		}
		m.Own, m.OwnHow = own-own0, how
	}
	return p, m, nil
}

// loadDropped loads a library generated here, which is garbage once this
// returns.
func loadDropped(p Peer, f Fixture) error {
	d := f.Generate()
	_, err := p.Load(d)
	return err
}
