package engine

import (
	"sync"

	"github.com/reldb/reldb/index"
	"github.com/reldb/reldb/internal/catalog"
)

// result is a set of rows one load returned: a query's rows, a prefetch
// level's distinct rows, or the rows of one lazy access. A Record points to
// its result and its position in it; that is how reading a relation finds
// what a prefetch loaded for it, how FetchPeers loads a relation for all
// the rows of a result at once, and what the N+1 detector counts by.
type result struct {
	tx   *Tx
	def  *catalog.Table // the table of the rows
	rows [][]any
	// loose is set for a result of rows read one at a time (Get, Insert,
	// Update), which are no peers of each other; filled is how many of
	// its rows are in place (see Tx.looseRecord). partial is set while
	// the rows stream to a Query.Each callback. The three share a word.
	loose   bool
	partial bool
	filled  int32
	// rels holds the relations loaded for every row of the result, by
	// relation name.
	rels *relSet
}

// relSet is the relations loaded for every row of a result, by the name
// they are read by. A result has one or two, looked up on every Related of
// its rows: a short list beats a map.
type relSet struct {
	names []string
	rels  []*loaded
}

// get returns the relation loaded under name, or nil.
func (s *relSet) get(name string) *loaded {
	if s == nil {
		return nil
	}
	for i, n := range s.names {
		if n == name {
			return s.rels[i]
		}
	}
	return nil
}

// setRel records l as the relation loaded for res's rows under name.
func (res *result) setRel(name string, l *loaded) {
	s := res.rels
	if s == nil {
		s = &relSet{}
		res.rels = s
	}
	for i, n := range s.names {
		if n == name {
			s.rels[i] = l
			return
		}
	}
	s.names = append(s.names, name)
	s.rels = append(s.rels, l)
}

// loaded is one relation loaded for every row of a result.
type loaded struct {
	rel *travRel
	// The rows related to row i of the source result are count[i] rows
	// of next (the result holding the distinct related rows, of table to)
	// at the places ats[start[i]:start[i]+count[i]].
	to           *catalog.Table
	next         *result
	ats          []int32
	start, count []int32
	// recs are their records, made once, on the first Related (the typed
	// API never needs them); records of a finished transaction may be read
	// from several goroutines, hence the Once.
	once sync.Once
	recs []Record
	// Through a junction, vias holds the junction rows in step with recs;
	// Links makes their result and records when first asked (joinsOnce).
	vias     []*[]any
	junction *catalog.Table
	// viaKeys replaces vias through a junction kept in a derived tree:
	// the junction rows' keys, which viaDerive makes rows of.
	viaKeys    []index.InlineKey
	viaDerive  index.Derive
	joinsOnce  sync.Once
	joins      *result
	prefetched bool // by a prefetch (not FetchPeers): reported if unused
	used       bool
}

// markUsed notes that something read the relation, while the
// transaction lives: records are read-only views after it ends, which
// several goroutines may read at once.
func (l *loaded) markUsed(tx *Tx) {
	if !l.used && !tx.done.Load() {
		l.used = true
	}
}

// junctionRows returns the result of the junction rows, made on the first
// call: only Links reads them.
func (l *loaded) junctionRows(tx *Tx) *result {
	l.joinsOnce.Do(func() {
		rows := make([][]any, len(l.vias)+len(l.viaKeys))
		for i, b := range l.vias {
			rows[i] = *b
		}
		for i, k := range l.viaKeys {
			row, _ := l.viaDerive(k)
			rows[i] = *row
		}
		l.joins = &result{tx: tx, def: l.junction, rows: rows}
	})
	return l.joins
}

// group returns the records related to row i of the source result.
func (l *loaded) group(i int) []Record {
	l.once.Do(l.makeRecords)
	n := l.count[i]
	if n == 0 {
		return nil
	}
	s := l.start[i]
	return l.recs[s : s+n : s+n]
}

func (l *loaded) makeRecords() {
	l.recs = make([]Record, len(l.ats))
	for j, at := range l.ats {
		l.recs[j] = Record{res: l.next, at: int(at)}
	}
}
