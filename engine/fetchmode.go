package engine

import (
	"fmt"
	"log"
	"slices"
)

// FetchMode says what reading a relation from a record does when the
// relation was not prefetched for the record's result.
type FetchMode uint8

const (
	// FetchDefault inherits: a relation's own mode, else the
	// transaction's, else the database's; at the database it means
	// FetchLazy.
	FetchDefault FetchMode = iota
	// FetchLazy loads the relation for that one row: one load, one index
	// seek (plus one per target for a many-to-many), each time.
	FetchLazy
	// FetchPeers loads the relation, on its first access from a row, for
	// every row of the same result in one batch, as a prefetch would:
	// N+1 loads become 1+1 with no prefetch written.
	FetchPeers
	// FetchRaise makes the access fail with ErrLazyLoad.
	FetchRaise
	// FetchLog loads like FetchLazy and reports each load
	// (TraversalOptions.OnReport, or the standard logger).
	FetchLog
)

var _ fmt.Stringer = FetchPeers

// String returns the mode's name ("lazy", "peers", ...), or
// "FetchMode(n)" for an unknown value.
func (m FetchMode) String() string {
	switch m {
	case FetchDefault:
		return "default"
	case FetchLazy:
		return "lazy"
	case FetchPeers:
		return "peers"
	case FetchRaise:
		return "raise"
	case FetchLog:
		return "log"
	}
	return fmt.Sprintf("FetchMode(%d)", uint8(m))
}

// TraversalOptions configures how relations are read (Options.Traversal).
// The zero value loads lazily and detects nothing.
type TraversalOptions struct {
	// FetchMode is the database's fetch mode; FetchDefault means FetchLazy.
	FetchMode FetchMode
	// RelationModes sets the fetch mode of single relations, by
	// "table.relation" ("authors.books"). They override FetchMode and a
	// transaction's mode; Tx.SetRelationFetchMode overrides them.
	RelationModes map[string]FetchMode
	// NPlusOneThreshold is how many lazy loads of one relation from the
	// rows of one result a transaction may run before OnReport hears of
	// it (ReportNPlusOne, when the transaction ends). 0 means 10; a
	// negative value turns the detector off.
	NPlusOneThreshold int
	// OnReport receives the traversal's reports: N+1 patterns, lazy loads
	// under FetchLog, prefetched relations nothing read. It runs in the
	// goroutine of the transaction, after the transaction's locks are
	// released, and must not block. Nil drops the reports, except that
	// FetchLog then writes to the standard logger.
	OnReport func(Report)
}

// ReportKind says what a Report is about.
type ReportKind uint8

const (
	// ReportNPlusOne: a relation was loaded lazily more than
	// NPlusOneThreshold times from the rows of one result.
	ReportNPlusOne ReportKind = iota
	// ReportLazyLoad: one lazy load under FetchLog.
	ReportLazyLoad
	// ReportUnusedPrefetch: a prefetched relation that nothing read.
	ReportUnusedPrefetch
)

var _ fmt.Stringer = ReportNPlusOne

// String returns "n+1", "lazy load", "unused prefetch", or
// "ReportKind(n)" for an unknown value.
func (k ReportKind) String() string {
	switch k {
	case ReportNPlusOne:
		return "n+1"
	case ReportLazyLoad:
		return "lazy load"
	case ReportUnusedPrefetch:
		return "unused prefetch"
	}
	return fmt.Sprintf("ReportKind(%d)", uint8(k))
}

// Report is something the traversal noticed (TraversalOptions.OnReport).
type Report struct {
	Kind ReportKind // what was noticed
	// Relation is "table.relation".
	Relation string
	// Count is how many lazy loads ran (ReportNPlusOne), else 1.
	Count int
	// Caller is the file:line outside package engine that ran the load
	// that crossed the threshold, or ran the lazy load; empty for
	// ReportUnusedPrefetch.
	Caller string
}

// String renders the report on one line.
func (r Report) String() string {
	switch r.Kind {
	case ReportNPlusOne:
		return fmt.Sprintf("reldb: n+1: relation %s loaded lazily %d times from one result at %s", r.Relation, r.Count, r.Caller)
	case ReportLazyLoad:
		return fmt.Sprintf("reldb: lazy load of relation %s at %s", r.Relation, r.Caller)
	}
	return fmt.Sprintf("reldb: %s: relation %s", r.Kind, r.Relation)
}

// lazyCount counts the lazy loads of one relation from the rows of one
// result, for the N+1 detector.
type lazyCount struct {
	rel    string
	n      int
	caller string // where the load that crossed the threshold ran
}

// lazyKey names a lazyCount: a result and a relation its rows have. A
// result's rows share one table definition, which resolve maps each
// relation name to one *travRel for the whole transaction.
type lazyKey struct {
	res *result
	rel *travRel
}

// SetFetchMode sets the transaction's fetch mode; FetchDefault goes back
// to the database's.
func (tx *Tx) SetFetchMode(m FetchMode) {
	tx.fetch = m
	tx.travState().mode = m
}

// SetRelationFetchMode sets the fetch mode of one relation, named
// "table.relation", for the rest of the transaction; FetchDefault removes
// the setting.
func (tx *Tx) SetRelationFetchMode(relation string, m FetchMode) {
	tv := tx.travState()
	if m == FetchDefault {
		delete(tv.relModes, relation)
		return
	}
	if tv.relModes == nil {
		tv.relModes = map[string]FetchMode{}
	}
	tv.relModes[relation] = m
}

// fetchMode returns the mode that applies to a relation.
func (tx *Tx) fetchMode(rel *travRel) FetchMode {
	opts := &tx.db.opts.Traversal
	if tv := tx.trav; tv != nil {
		if m, ok := tv.relModes[rel.key]; ok {
			return m
		}
	}
	if m, ok := opts.RelationModes[rel.key]; ok && m != FetchDefault {
		return m
	}
	if tx.fetch != FetchDefault {
		return tx.fetch
	}
	if opts.FetchMode != FetchDefault {
		return opts.FetchMode
	}
	return FetchLazy
}

// report hands a report to OnReport.
func (tx *Tx) report(r Report) {
	if fn := tx.db.opts.Traversal.OnReport; fn != nil {
		fn(r)
		return
	}
	if r.Kind == ReportLazyLoad {
		log.Print(r.String())
	}
}

// finish runs when the transaction ends: it lists prefetched relations
// nothing read and reports them and the N+1 patterns.
func (tv *travState) finish(tx *Tx) {
	if tv.finished {
		return
	}
	tv.finished = true
	for _, l := range tv.prefetched {
		if !l.used {
			tv.unused = append(tv.unused, l.rel.key)
		}
	}
	slices.Sort(tv.unused)
	tv.unused = slices.Compact(tv.unused)
	for _, u := range tv.unused {
		tx.report(Report{Kind: ReportUnusedPrefetch, Relation: u, Count: 1})
	}
	limit := tx.db.opts.Traversal.NPlusOneThreshold
	for _, c := range tv.lazy {
		if limit > 0 && c.n > limit {
			tx.report(Report{Kind: ReportNPlusOne, Relation: c.rel, Count: c.n, Caller: c.caller})
		}
	}
}
