package bench

import (
	"fmt"
	"slices"
	"time"
)

// Suite runs eager against lazy traversal at growing sizes: the workload
// of `reldb bench`.
type Suite struct {
	Sizes   []int         // numbers of authors; each has 10 books of 3 of 50 tags
	Depth   int           // 1: authors → books; 2 (or 0): → tags
	API     API           // Dynamic or Typed
	Latency time.Duration // added to every load, as a network round trip
	Reps    int           // runs per measurement, the median kept; 0 means 3
}

// Measurement is one size and mode of a suite: the median of its runs.
type Measurement struct {
	Size     int     `json:"size"` // authors
	Mode     string  `json:"mode"` // "eager" or "lazy"
	Loads    int     `json:"loads"`
	Rows     int     `json:"rows"`
	NS       int64   `json:"ns"`         // total time of one traversal
	NSPerRow float64 `json:"ns_per_row"` // NS / Rows
}

// Run runs the suite; progress, if not nil, is called after each run with
// the runs done and the total.
func (s Suite) Run(progress func(done, total int)) ([]Measurement, error) {
	if len(s.Sizes) == 0 {
		return nil, fmt.Errorf("bench: no sizes")
	}
	for _, n := range s.Sizes {
		if n < 1 {
			return nil, fmt.Errorf("bench: size %d: want at least 1 author", n)
		}
	}
	if s.Depth < 0 || s.Depth > 2 {
		return nil, fmt.Errorf("bench: depth %d: want 1 or 2", s.Depth)
	}
	if s.Latency < 0 {
		return nil, fmt.Errorf("bench: negative latency %v", s.Latency)
	}
	reps := s.Reps
	if reps <= 0 {
		reps = 3
	}
	total, done := len(s.Sizes)*2*reps, 0
	var out []Measurement
	for _, n := range s.Sizes {
		lib := Library{Authors: n}
		db, err := OpenLibrary(lib)
		if err != nil {
			return nil, err
		}
		want := lib.Reached(max(s.Depth, 0))
		if s.Depth == 0 {
			want = lib.Reached(2)
		}
		for _, mode := range []Mode{Eager, Lazy} {
			t := Traversal{Mode: mode, API: s.API, Depth: s.Depth, Latency: s.Latency}
			times := make([]time.Duration, 0, reps)
			var res Result
			for range reps {
				if res, err = t.Run(db, want); err != nil {
					db.Close()
					return nil, err
				}
				times = append(times, res.Time)
				done++
				if progress != nil {
					progress(done, total)
				}
			}
			slices.Sort(times)
			med := times[len(times)/2]
			out = append(out, Measurement{Size: n, Mode: mode.String(), Loads: res.Loads, Rows: res.Rows,
				NS: med.Nanoseconds(), NSPerRow: float64(med.Nanoseconds()) / float64(res.Rows)})
		}
		db.Close()
	}
	return out, nil
}
