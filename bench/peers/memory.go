package peers

import (
	"fmt"
	"runtime"
	"strings"
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

// MemoryShape is how a memory measurement puts the library in a system.
type MemoryShape int

const (
	// Bulk loads the library in one transaction (Peer.Load).
	Bulk MemoryShape = iota
	// ByFamily loads it as an application adds to it over time: the tags
	// in one transaction, then each family (an author, its books and their
	// links) in a transaction of its own (Peer.Add).
	ByFamily
	// Updated loads it in one transaction, then gives every book a new
	// title of the same length, one transaction a book (Peer.SetTitle),
	// as an application updates its rows.
	Updated
)

// MemoryShapes lists the shapes, in the order of their names.
var MemoryShapes = []MemoryShape{Bulk, ByFamily, Updated}

func (s MemoryShape) String() string {
	return [...]string{"bulk", "by family", "updated"}[s]
}

// MeasureMemory opens sys, loads f's library and measures what it holds
// (see LoadMeasured), checks the tables' counts and closes it.
func MeasureMemory(sys System, f Fixture) (Memory, error) {
	return MeasureMemoryAs(sys, f, Bulk)
}

// MeasureMemoryAs is MeasureMemory with the library put in as shape says:
// what a system keeps per transaction beyond its rows, or per row version,
// shows in the ByFamily and Updated shapes and not in one bulk load.
func MeasureMemoryAs(sys System, f Fixture, shape MemoryShape) (Memory, error) {
	load := loadDropped
	switch shape {
	case ByFamily:
		load = addDropped
	case Updated:
		load = updatedDropped
	}
	p, m, err := loadMeasured(sys, f, load)
	if err != nil {
		return m, err
	}
	defer p.Close()
	if err := counts(p, f); err != nil {
		return m, err
	}
	if shape == Updated {
		// The last book updated has its new title.
		fam := f.Family(int64(f.Authors - 1))
		want := fam.Books[len(fam.Books)-1]
		got, err := p.Get(want.ID)
		if err != nil {
			return m, err
		}
		if got.Title != strings.ToUpper(want.Title) {
			return m, fmt.Errorf("peers: book %d has title %q after the update, want %q", want.ID, got.Title, strings.ToUpper(want.Title))
		}
	}
	return m, nil
}

// LoadMeasured opens sys, loads f's library and measures what it holds;
// the caller closes the peer. The rows are generated after the baseline
// and dropped before the measurement, so what a system shares with them
// (strings) counts as its own and the rest does not count.
func LoadMeasured(sys System, f Fixture) (_ Peer, m Memory, err error) {
	return loadMeasured(sys, f, loadDropped)
}

func loadMeasured(sys System, f Fixture, load func(Peer, Fixture) error) (_ Peer, m Memory, err error) {
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
	if err := load(p, f); err != nil {
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

// updatedDropped is loadDropped followed by a new title for every book,
// one transaction a book: "book 123" becomes "BOOK 123".
func updatedDropped(p Peer, f Fixture) error {
	d := f.Generate()
	if _, err := p.Load(d); err != nil {
		return err
	}
	for i := range d.Families {
		for _, b := range d.Families[i].Books {
			if err := p.SetTitle(b.ID, strings.ToUpper(b.Title)); err != nil {
				return fmt.Errorf("set title of book %d: %w", b.ID, err)
			}
		}
	}
	return nil
}

// addDropped is loadDropped with the tags loaded in one transaction and
// each family added in one of its own.
func addDropped(p Peer, f Fixture) error {
	d := f.Generate()
	if _, err := p.Load(&Data{Tags: d.Tags}); err != nil {
		return err
	}
	for i := range d.Families {
		if err := p.Add(&d.Families[i]); err != nil {
			return fmt.Errorf("add author %d: %w", d.Families[i].Author.ID, err)
		}
	}
	return nil
}
