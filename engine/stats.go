package engine

import (
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/reldb/reldb/internal/access"
)

// Stats counts what a transaction (Tx.Stats) or a database since Open
// (DB.Stats) read. A load is one round trip as a client of a networked
// database would see it: a Get, a query, one lazy access of a relation, or
// one level of a prefetch however many rows it serves. Writes count
// nothing. The counters are what an N+1 pattern inflates and what tests
// bound (package reltest).
type Stats struct {
	// Loads counts reads that went to the tables, each the equivalent of
	// one query a SQL client would send: a Get, a Query run, a lazy
	// Related call that was not prefetched, and one per level of a
	// prefetch (however many rows it covers). A page whose Loads grows
	// with its rows has the N+1 pattern.
	Loads int
	// IndexSeeks counts B-tree descents: point lookups and the start of
	// each range scanned.
	IndexSeeks int
	// RowsRead counts rows returned by loads, junction rows included.
	RowsRead int
	// Relations holds per-relation counters, by "table.relation" (the
	// table the traversal starts from and the relation's name on it, e.g.
	// "authors.books").
	Relations map[string]RelationStats
	// Unused lists the prefetched relations, as "table.relation", that
	// nothing read through Related or Links. Filled when the transaction
	// ends; a prefetch can still be used before that.
	Unused []string
}

// RelationStats counts the loads of one relation.
type RelationStats struct {
	// Batched counts loads that served a whole result at once: a prefetch
	// level, or the batch FetchPeers runs on first access.
	Batched int
	// Single counts lazy loads of the relation for one row.
	Single int
	// Rows counts the related rows those loads returned.
	Rows int
	// Seeks and Scans count the access paths batched loads took: one seek
	// per distinct key, or one ordered merge scan of the relation's index.
	Seeks, Scans int
}

func (s *RelationStats) add(o RelationStats) {
	s.Batched += o.Batched
	s.Single += o.Single
	s.Rows += o.Rows
	s.Seeks += o.Seeks
	s.Scans += o.Scans
}

// LoadKind says what caused a load.
type LoadKind uint8

const (
	// LoadGet is a Tx.Get.
	LoadGet LoadKind = iota
	// LoadQuery is one run of a Query.
	LoadQuery
	// LoadLazy is one lazy access of a relation from one row.
	LoadLazy
	// LoadBatch loads a relation for many rows at once: a prefetch level,
	// or FetchPeers on first access.
	LoadBatch
)

var _ fmt.Stringer = LoadLazy

// String returns "get", "query", "lazy", "batch", or "LoadKind(n)" for
// an unknown value.
func (k LoadKind) String() string {
	switch k {
	case LoadGet:
		return "get"
	case LoadQuery:
		return "query"
	case LoadLazy:
		return "lazy"
	case LoadBatch:
		return "batch"
	}
	return fmt.Sprintf("LoadKind(%d)", uint8(k))
}

// Load describes one load, for a hook installed with Tx.SetLoadHook.
type Load struct {
	Kind LoadKind // what kind of read: a Get, a Query, a lazy or a batched relation load
	// Table is the table read; Relation is "table.relation" for a lazy or
	// batched relation load and empty otherwise.
	Table, Relation string
	// Keys is how many distinct keys a batched load looked up.
	Keys int
	// Rows is how many rows the load returned.
	Rows int
	// Path is the access path of a batched load: "seek" or "scan".
	Path string
	// Caller is the file:line outside package engine that caused the load.
	Caller string
}

// String renders the load on one line.
func (l Load) String() string {
	var b strings.Builder
	b.WriteString(l.Kind.String())
	b.WriteByte(' ')
	if l.Relation != "" {
		b.WriteString(l.Relation)
	} else {
		b.WriteString(l.Table)
	}
	if l.Kind == LoadBatch {
		fmt.Fprintf(&b, " keys=%d path=%s", l.Keys, l.Path)
	}
	fmt.Fprintf(&b, " rows=%d", l.Rows)
	if l.Caller != "" {
		b.WriteString(" at ")
		b.WriteString(l.Caller)
	}
	return b.String()
}

// txStats are a transaction's counters. The scalars live in the Tx itself;
// everything relation-related is allocated on first use.
type txStats struct {
	loads, seeks, rows int
}

// dbStats accumulates the counters of ended transactions. Seeks and rows
// are kept as their excess over loads: a point read is one load, one seek
// and one row, so it costs one atomic add instead of three. The counters
// are spread over shards, each on its own cache line (see shardOf): with
// one shared line, concurrent readers would take turns owning it on every
// point read.
type dbStats struct {
	// The pad keeps the shards, which ending transactions write, off the
	// cache line of the DB fields that every transaction reads.
	_      [64]byte
	shards [statShards]statShard
	// mu guards the per-relation counters.
	mu struct {
		sync.Mutex
		relations map[string]RelationStats
	}
}

const statShards = 8

// shardOf picks a transaction's stats shard from its address: goroutines
// on different processors allocate from different spans, and one
// processor's successive transactions step through its span, so the
// shards spread without a random number per transaction.
func shardOf(tx *Tx) uintptr {
	return uintptr(unsafe.Pointer(tx)) / unsafe.Sizeof(Tx{}) % statShards
}

type statShard struct {
	loads, extraSeeks, extraRows atomic.Int64
	_                            [64 - 3*8]byte // the rest of the cache line
}

// Stats returns the transaction's counters so far. It may be called after
// the transaction ended (Unused is filled only then); for View's
// transaction, only if Stats was called while fn ran (see DB.View).
func (tx *Tx) Stats() Stats {
	if tx.managed && !tx.done.Load() {
		tx.escaped = true // kept for a Stats after View (see DB.View)
	}
	s := Stats{Loads: tx.stats.loads, IndexSeeks: tx.stats.seeks, RowsRead: tx.stats.rows}
	if tv := tx.trav; tv != nil {
		s.Relations = relationStats(tv.relStats)
		s.Unused = slices.Clone(tv.unused)
	}
	return s
}

// Stats returns the counters of every transaction that has ended since the
// database was opened. Unused holds nothing here; see Tx.Stats.
func (db *DB) Stats() Stats {
	var s Stats
	for i := range db.stats.shards {
		sh := &db.stats.shards[i]
		loads := int(sh.loads.Load())
		s.Loads += loads
		s.IndexSeeks += loads + int(sh.extraSeeks.Load())
		s.RowsRead += loads + int(sh.extraRows.Load())
	}
	db.stats.mu.Lock()
	s.Relations = maps.Clone(db.stats.mu.relations)
	db.stats.mu.Unlock()
	return s
}

// SetLoadHook installs fn to be called after every load of the transaction
// and returns the hook it replaces (nil for none). A hook makes each load
// find its caller's file:line, which costs a stack walk: it is meant for
// tests and debugging (package reltest uses it).
func (tx *Tx) SetLoadHook(fn func(Load)) func(Load) {
	tv := tx.travState()
	old := tv.hook
	tv.hook = fn
	return old
}

// counted records a load of rows found with seeks index descents.
func (tx *Tx) counted(kind LoadKind, table string, seeks, rows int) {
	tx.tally(seeks, rows)
	if tv := tx.trav; tv != nil && tv.hook != nil {
		tv.hook(Load{Kind: kind, Table: table, Rows: rows, Caller: caller()})
	}
}

// tally counts one load that took seeks index descents and read rows rows.
func (tx *Tx) tally(seeks, rows int) {
	tx.stats.loads++
	tx.stats.seeks += seeks
	tx.stats.rows += rows
}

// endStats runs once when the transaction ends: it reports what the
// transaction's traversal left to report and adds its counters to the
// database's.
func (tx *Tx) endStats() {
	db := tx.db
	if l := tx.stats.loads; l > 0 {
		sh := &db.stats.shards[shardOf(tx)]
		sh.loads.Add(int64(l))
		if d := tx.stats.seeks - l; d != 0 {
			sh.extraSeeks.Add(int64(d))
		}
		if d := tx.stats.rows - l; d != 0 {
			sh.extraRows.Add(int64(d))
		}
	}
	tv := tx.trav
	if tv == nil {
		return
	}
	tv.finish(tx)
	if len(tv.relStats) == 0 {
		return
	}
	db.stats.mu.Lock()
	if db.stats.mu.relations == nil {
		db.stats.mu.relations = map[string]RelationStats{}
	}
	for k, v := range tv.relStats {
		s := db.stats.mu.relations[k]
		s.add(*v)
		db.stats.mu.relations[k] = s
	}
	db.stats.mu.Unlock()
}

// enginePkg prefixes the functions of this package in stack traces.
const enginePkg = "github.com/reldb/reldb/engine."

// caller returns file:line of the innermost frame outside package engine
// (its tests count as outside), or "" when there is none.
func caller() string {
	var pcs [32]uintptr
	n := runtime.Callers(2, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		if !strings.HasPrefix(f.Function, enginePkg) || strings.HasSuffix(f.File, "_test.go") {
			return fmt.Sprintf("%s:%d", f.File, f.Line)
		}
		if !more {
			return ""
		}
	}
}

// relationStats copies a transaction's counters by relation.
func relationStats(m map[string]*RelationStats) map[string]RelationStats {
	if m == nil {
		return nil
	}
	out := make(map[string]RelationStats, len(m))
	for k, v := range m {
		out[k] = *v
	}
	return out
}

// countRel records a relation load: rowsRead rows read (junction rows
// included) and related rows returned.
func (tx *Tx) countRel(rel *travRel, kind LoadKind, table string, keys, seeks, rowsRead, related int, path string) {
	tx.tally(seeks, rowsRead)
	tv := tx.travState()
	s := rel.stats
	if s == nil {
		// Several travRels may share a key: one per table definition.
		if s = tv.relStats[rel.key]; s == nil {
			if tv.relStats == nil {
				tv.relStats = map[string]*RelationStats{}
			}
			s = new(RelationStats)
			tv.relStats[rel.key] = s
		}
		rel.stats = s
	}
	if kind == LoadBatch {
		s.Batched++
		switch path {
		case access.PathSeek:
			s.Seeks++
		case access.PathScan:
			s.Scans++
		}
	} else {
		s.Single++
	}
	s.Rows += related
	if tv.hook != nil {
		tv.hook(Load{Kind: kind, Table: table, Relation: rel.key, Keys: keys, Rows: related, Path: path, Caller: caller()})
	}
}
