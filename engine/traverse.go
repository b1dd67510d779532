package engine

import (
	"fmt"
	"log"
	"slices"
	"strings"
	"sync"

	"github.com/reldb/reldb/index"
	"github.com/reldb/reldb/txn"
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
	Kind ReportKind
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

// Link is one edge of a many-to-many relation: the junction row (with its
// payload, such as an enrollment's grade) and the row it leads to.
type Link struct {
	Via, To Record
}

// relDir is the direction a relation is read in.
type relDir uint8

const (
	toParent   relDir = iota // child row -> the row it references
	toChildren               // parent row -> the rows referencing it
	through                  // one side of a many-to-many -> the other side
)

// travRel is a relation resolved from one table, for reading.
type travRel struct {
	key  string // "table.relation", for stats and modes
	name string
	dir  relDir
	// near is the relation read: for through, the junction's relation to
	// the source table; far is the junction's relation to the target.
	near, far *fkDef
	// src are the source row's columns that make the lookup key.
	src []int
	// one: at most one related row (to a parent, or a one-to-one's child).
	one bool
	// A travRel belongs to one transaction (see resolve). stats are its
	// counters there, and to and junction its target tables, kept in a
	// read-only transaction, whose catalog cannot change.
	stats        *RelationStats
	to, junction *tableDef
}

// result is a set of rows one load returned: a query's rows, a prefetch
// level's distinct rows, or the rows of one lazy access. A Record points to
// its result and its position in it; that is how reading a relation finds
// what a prefetch loaded for it, how FetchPeers loads a relation for all
// the rows of a result at once, and what the N+1 detector counts by.
type result struct {
	tx   *Tx
	def  *tableDef // the table of the rows
	rows [][]any
	// loose is set for a result of rows read one at a time (Get, Insert,
	// Update), which are no peers of each other; filled is how many of
	// its rows are in place (see Tx.looseRecord).
	loose  bool
	filled int32
	// rels holds the relations loaded for every row of the result, by
	// relation name.
	rels *relSet
	// more holds what few results need; every Tx embeds a result for its
	// loose rows, so the common part stays small.
	more *resultMore
}

type resultMore struct {
	// partial is set while the rows stream to a Query.Each callback.
	partial bool
	// typed are the typed API's objects of the rows, per model, in front
	// of its identity map.
	typed []typedObjs
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

// extra returns the result's rarely used part, making it on first use.
func (res *result) extra() *resultMore {
	if res.more == nil {
		res.more = &resultMore{}
	}
	return res.more
}

// loaded is one relation loaded for every row of a result.
type loaded struct {
	rel *travRel
	// The rows related to row i of the source result are count[i] rows
	// of next (the result holding the distinct related rows, of table to)
	// at the places ats[start[i]:start[i]+count[i]].
	to           *tableDef
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
	vias       []*[]any
	junction   *tableDef
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
		rows := make([][]any, len(l.vias))
		for i, b := range l.vias {
			rows[i] = *b
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

// travState is a transaction's traversal state, allocated on first use.
type travState struct {
	mode     FetchMode
	relModes map[string]FetchMode
	relStats map[string]*RelationStats
	resolved map[relKey]*travRel
	// prefetched lists prefetch levels, lazy the lazy counters, to report
	// when the transaction ends.
	prefetched []*loaded
	lazy       []lazyCount       // in the order of their first load
	lazyAt     map[lazyKey]int32 // where each lazy counter is
	unused     []string
	hook       func(Load)
	scratch    []byte
	hi         []byte // a reader's reusable range end
	// rows, links and ats are loadOne's reusable buffers; collect is its
	// scan callback, which appends to links (one closure per transaction
	// instead of one per load).
	rows, links [][]any
	ats         []int
	spread      []Record
	// loose holds each table's current loose result (Tx.looseRecord).
	loose   map[*tableDef]*result
	collect func(index.Entry) bool
	// Lazy loads carve their results, row lists and records from slabs:
	// a lazy walk makes thousands of small ones.
	results  slab[result]
	rowLists slab[[]any]
	records  slab[Record]
	models   *modelState // the typed API's identity map
	finished bool
}

type relKey struct {
	d    *tableDef
	name string
}

func (tx *Tx) travState() *travState {
	if tx.trav == nil {
		tx.trav = &travState{mode: tx.fetch}
		tx.trav.results.max = 64
		tx.trav.rowLists.max = 1024
		tx.trav.records.max = 1024
	}
	return tx.trav
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

// resolve finds the relation a table's rows know by name.
func (tx *Tx) resolve(d *tableDef, name string) (*travRel, error) {
	// Once the transaction has ended its records may be read from several
	// goroutines at once (RelatedOne and Links of prefetched relations
	// resolve the name): the traversal state is only read then, and a
	// relation not resolved before is resolved afresh, not cached.
	done := tx.done.Load()
	tv := tx.trav
	if !done {
		tv = tx.travState()
	}
	if tv != nil {
		if r, ok := tv.resolved[relKey{d, name}]; ok {
			return r, nil
		}
	}
	r := resolveIn(d, name)
	if r == nil {
		return nil, fmt.Errorf("%w: table %q has no relation %q (it has %s)", ErrNoRelation, d.name, name, relationNames(d))
	}
	if done {
		return r, nil
	}
	if tv.resolved == nil {
		tv.resolved = map[relKey]*travRel{}
	}
	tv.resolved[relKey{d, name}] = r
	return r, nil
}

func resolveIn(d *tableDef, name string) *travRel {
	key := d.name + "." + name
	for _, fk := range d.fks {
		if fk.parentAs == name {
			return &travRel{key: key, name: name, dir: toParent, near: fk, src: fk.ChildCols, one: true}
		}
	}
	for _, fk := range d.refs {
		if fk.childrenAs == name {
			return &travRel{key: key, name: name, dir: toChildren, near: fk, src: fk.ParentCols, one: fk.kind == OneToOne}
		}
	}
	for _, m := range d.m2m {
		switch {
		case m.left == d.name && m.leftAs == name:
			return &travRel{key: key, name: name, dir: through, near: m.toLeft, far: m.toRight, src: m.toLeft.ParentCols}
		case m.right == d.name && m.rightAs == name:
			return &travRel{key: key, name: name, dir: through, near: m.toRight, far: m.toLeft, src: m.toRight.ParentCols}
		}
	}
	return nil
}

// relationNames lists the names a table's rows can traverse.
func relationNames(d *tableDef) string {
	var names []string
	for _, fk := range d.fks {
		if fk.parentAs != "" {
			names = append(names, fk.parentAs)
		}
	}
	for _, fk := range d.refs {
		if fk.childrenAs != "" {
			names = append(names, fk.childrenAs)
		}
	}
	for _, m := range d.m2m {
		if m.left == d.name && m.leftAs != "" {
			names = append(names, m.leftAs)
		}
		if m.right == d.name && m.rightAs != "" {
			names = append(names, m.rightAs)
		}
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// Related returns the rows related to r by the named relation, in the
// order of the relation's index (for a prefetch with an order, that order).
// The name is the one the relation declared for r's side: "books" from an
// author, "author" from a book, "tags" from a book of a many-to-many.
//
// If the relation was prefetched for r's result (Query.Prefetch), or
// loaded for its peers (FetchPeers), Related returns those rows without a
// load, even after the transaction ended. Otherwise what happens depends
// on the fetch mode (FetchMode): a lazy load of r's related rows as of the
// transaction's snapshot and its own writes, one batch for every row of r's
// result, or ErrLazyLoad. The returned slice may be shared with other
// records: do not modify it.
//
// Returns ErrNoRelation for an unknown name, ErrLazyLoad under FetchRaise,
// ErrTxDone for a load after the transaction ended.
func (r Record) Related(name string) ([]Record, error) {
	l, recs, err := r.related(name, false)
	if err != nil {
		return nil, err
	}
	if l != nil {
		return l.group(r.at), nil
	}
	return recs, nil
}

// RelatedOne returns the one row related to r by a relation that has at
// most one (a book's "author", a user's "profile"), or the zero Record
// when there is none. It loads like Related. Returns ErrSchema for a
// relation that may hold several rows.
func (r Record) RelatedOne(name string) (Record, error) {
	if r.res != nil {
		rel, err := r.res.tx.resolve(r.res.def, name)
		if err != nil {
			return Record{}, err
		}
		if !rel.one {
			return Record{}, fmt.Errorf("%w: relation %s may hold several rows; use Related", ErrSchema, rel.key)
		}
	}
	recs, err := r.Related(name)
	if err != nil || len(recs) == 0 {
		return Record{}, err
	}
	return recs[0], nil
}

// Links returns the edges of a many-to-many relation from r: each target
// row with the junction row that links it, whose payload columns (an
// enrollment's grade) it carries. It loads like Related. Returns ErrSchema
// for a relation that is not many-to-many.
func (r Record) Links(name string) ([]Link, error) {
	if r.res == nil {
		return nil, fmt.Errorf("reldb: links %q: the record was not read by a transaction", name)
	}
	rel, err := r.res.tx.resolve(r.res.def, name)
	if err != nil {
		return nil, err
	}
	if rel.dir != through {
		return nil, fmt.Errorf("%w: relation %s is not many-to-many; use Related", ErrSchema, rel.key)
	}
	l, recs, err := r.related(name, true)
	if err != nil {
		return nil, err
	}
	if l == nil {
		via := recs[len(recs):cap(recs)] // see loadOne: vias follow targets
		links := make([]Link, len(recs))
		for i := range recs {
			links[i] = Link{Via: via[i], To: recs[i]}
		}
		return links, nil
	}
	to := l.group(r.at)
	links := make([]Link, len(to))
	for i := range to {
		at := int(l.start[r.at]) + i
		links[i] = Link{Via: Record{res: l.junctionRows(r.res.tx), at: at}, To: to[i]}
	}
	return links, nil
}

// related reads a relation from r: the loaded relation of r's result that
// holds it, or the rows of a lazy load (with the junction records after
// them, for links).
func (r Record) related(name string, links bool) (*loaded, []Record, error) {
	if r.res == nil {
		return nil, nil, fmt.Errorf("reldb: related %q: the record was not read by a transaction", name)
	}
	res := r.res
	tx := res.tx
	if l := res.rels.get(name); l != nil {
		l.markUsed(tx)
		return l, nil, nil
	}
	rel, err := tx.resolve(res.def, name)
	if err != nil {
		return nil, nil, err
	}
	if err := tx.live(); err != nil {
		return nil, nil, fmt.Errorf("related %s: %w", rel.key, err)
	}
	switch tx.fetchMode(rel) {
	case FetchRaise:
		return nil, nil, fmt.Errorf("related %s from %s: %w", rel.key, res.def.renderPK(r.vals()), ErrLazyLoad)
	case FetchPeers:
		// A result still streaming to Query.Each has only part of its
		// rows: its peers are loaded one by one until it is whole.
		if !res.loose && len(res.rows) > 1 && (res.more == nil || !res.more.partial) {
			l, _, _, err := tx.loadBatch(res, rel, nil)
			if err != nil {
				return nil, nil, err
			}
			res.setRel(name, l)
			l.markUsed(tx)
			return l, nil, nil
		}
	case FetchLog:
		tx.report(Report{Kind: ReportLazyLoad, Relation: rel.key, Count: 1, Caller: caller()})
	}
	recs, err := tx.loadOne(rel, r.vals(), links)
	if err != nil {
		return nil, nil, err
	}
	if !res.loose {
		res.countLazy(rel)
	}
	return nil, recs, nil
}

// countLazy counts a lazy load of rel from a row of res, for the N+1
// detector. The counters live in the transaction's traversal state, so
// that counting allocates nothing per result.
func (res *result) countLazy(rel *travRel) {
	tx := res.tx
	limit := tx.db.opts.Traversal.NPlusOneThreshold // 0 became 10 in Open
	if limit < 0 {
		return
	}
	tv := tx.travState()
	k := lazyKey{res, rel}
	i, ok := tv.lazyAt[k]
	if !ok {
		if tv.lazyAt == nil {
			tv.lazyAt = map[lazyKey]int32{}
		}
		i = int32(len(tv.lazy))
		tv.lazyAt[k] = i
		tv.lazy = append(tv.lazy, lazyCount{rel: rel.key})
	}
	c := &tv.lazy[i]
	c.n++
	if c.n == limit+1 {
		c.caller = caller()
	}
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

// target returns the table a relation leads to, and for through the
// junction.
func (tx *Tx) target(rel *travRel) (to, junction *tableDef, err error) {
	if rel.to != nil {
		return rel.to, rel.junction, nil
	}
	defer func() {
		if err == nil && tx.readOnly {
			rel.to, rel.junction = to, junction
		}
	}()
	switch rel.dir {
	case toParent:
		to, err = tx.table(rel.near.Parent)
	case toChildren:
		to, err = tx.table(rel.near.Child)
	case through:
		if junction, err = tx.table(rel.near.Child); err == nil {
			to, err = tx.table(rel.far.Parent)
		}
	}
	return to, junction, err
}

// keyScratch encodes a row's columns into the traversal's scratch buffer;
// ok is false when one of them is NULL, which matches nothing.
func (tv *travState) keyScratch(vals []any, cols []int) ([]byte, bool) {
	for _, c := range cols {
		if vals[c] == nil {
			return nil, false
		}
	}
	tv.scratch = appendCols(tv.scratch[:0], vals, cols)
	return tv.scratch, true
}

// keepKey makes a key the transaction may keep in its read set.
func (tx *Tx) keepKey(k []byte) []byte {
	if tx.writeState == nil {
		return k // a reader keeps no read set
	}
	return tx.arena.own(k)
}

// loadOne lazily loads a relation for one row: one load and one index seek
// (plus one per target row through a junction). For a through relation and
// links, the returned slice's capacity holds the junction rows after the
// targets, which Links reads.
//
// A lazy traversal makes one load per access, so each must cost little:
// the rows are gathered in the traversal's buffers, then copied into
// slices carved from its slabs.
func (tx *Tx) loadOne(rel *travRel, vals []any, links bool) ([]Record, error) {
	tv := tx.travState()
	to, junction, err := tx.target(rel)
	if err != nil {
		return nil, fmt.Errorf("related %s: %w", rel.key, err)
	}
	key, ok := tv.keyScratch(vals, rel.src)
	if !ok {
		tx.countRel(rel, LoadLazy, to.name, 1, 0, 0, 0, "")
		return []Record{}, nil
	}
	key = tx.keepKey(key)
	switch rel.dir {
	case toParent:
		e, found := tx.t.Get(rel.near.parentTree, key)
		if !found {
			tx.countRel(rel, LoadLazy, to.name, 1, 1, 0, 0, "")
			return []Record{}, nil
		}
		tv.rows = append(tv.rows[:0], rowOf(e.Val))
		recs := tv.lazyResult(tx, to, tv.rows, 1)
		tx.countRel(rel, LoadLazy, to.name, 1, 1, 1, 1, "")
		return recs, nil
	case toChildren:
		tv.scanLinks(tx, rel.near.childTree, key)
		recs := tv.lazyResult(tx, to, tv.links, len(tv.links))
		tx.countRel(rel, LoadLazy, to.name, 1, 1, len(recs), len(recs), "")
		return recs, nil
	}
	// Through a junction: the junction rows, then a seek per target.
	tv.scanLinks(tx, rel.near.childTree, key)
	seeks := 1
	targets, vias, ats := tv.rows[:0], tv.links[:0], tv.ats[:0]
	for _, j := range tv.links {
		tk, ok := tv.keyScratch(j, rel.far.ChildCols)
		if !ok {
			continue
		}
		seeks++
		e, found := tx.t.Get(rel.far.parentTree, tx.keepKey(tk))
		if !found {
			continue
		}
		// Two junction rows may lead to one target (an explicit junction
		// with a key of its own): the result holds each target once, and
		// both records point at it.
		row, at := rowOf(e.Val), len(targets)
		for i, seen := range targets {
			if &seen[0] == &row[0] {
				at = i
				break
			}
		}
		if at == len(targets) {
			targets = append(targets, row)
		}
		ats = append(ats, at)
		vias = append(vias, j) // overwrites links already read
	}
	read := len(tv.links)
	tv.rows, tv.ats = targets, ats
	n, m := len(targets), len(ats)
	room := m
	if links {
		room = 2 * m
	}
	recs := tv.lazyResult(tx, to, targets, room)
	if n < m {
		// Some targets are linked twice: spread their records.
		tv.spread = append(tv.spread[:0], recs[:n]...)
		for i, at := range ats {
			recs[i] = tv.spread[at]
		}
	}
	if links {
		viaRes := tv.lazyRows(tx, junction, vias)
		for i := range viaRes.rows {
			recs[m+i] = Record{res: viaRes, at: i}
		}
	}
	tx.countRel(rel, LoadLazy, to.name, 1, seeks, read+n, m, "")
	return recs[:m], nil
}

// lazyRows makes a result of a copy of rows, of table d.
func (tv *travState) lazyRows(tx *Tx, d *tableDef, rows [][]any) *result {
	res := &tv.results.take(1)[0]
	res.tx, res.def = tx, d
	res.rows = tv.rowLists.take(len(rows))
	copy(res.rows, rows)
	return res
}

// lazyResult makes a result of a copy of rows, and records for them: a
// slice of n ≥ len(rows) records of which the first len(rows) hold the
// rows in order.
func (tv *travState) lazyResult(tx *Tx, d *tableDef, rows [][]any, n int) []Record {
	res := tv.lazyRows(tx, d, rows)
	recs := tv.records.take(n)
	for i := range res.rows {
		recs[i] = Record{res: res, at: i}
	}
	return recs
}

// scanLinks reads the entries of tree whose key starts with key into
// tv.links.
func (tv *travState) scanLinks(tx *Tx, tree txn.TreeID, key []byte) {
	if tv.collect == nil {
		tv.collect = func(e index.Entry) bool {
			tv.links = append(tv.links, rowOf(e.Val))
			return true
		}
	}
	tv.links = tv.links[:0]
	tv.hi = tx.rangeEnd(tv.hi, key)
	tx.t.Scan(tree, key, tv.hi, false, tv.collect)
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
		case pathSeek:
			s.Seeks++
		case pathScan:
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

// Access paths of a batched load.
const (
	pathSeek = "seek"
	pathScan = "scan"
)

// seekCost is how many index entries an ordered scan reads in the time
// one seek takes, roughly (a seek descends 3-4 levels of degree-32 nodes,
// missing cache on the way; a scan reads entries in order).
const seekCost = 8

// probe calls fn(i, box) for every entry of tree whose key starts with
// keys.key(i), for sorted, distinct keys of ncols values each, in key
// order, with the box the entry holds its row in (see rowOf). It returns
// the access path it took and the seeks. point says each
// key matches at most one entry exactly (a primary key or a unique index).
//
// The path is a join planner's choice. Seeking costs a seek per key plus
// the entries that match; a merge scan reads the entries from the first
// key on in order, matching them against the keys. domain is how many
// distinct keys there could be (the referenced table's rows), so a key
// matches about n/domain of the tree's n entries, and a scan of the keys'
// whole range reads about n·(1 - k/domain) entries more than the seeks:
// it wins when that is less than k seeks — or when the keys are dense
// (consecutive integers, mostly), so that their range holds little else.
// The merge scan gallops: after seekCost entries that match no key it
// seeks to the next key instead of reading on, so a gap in the keys costs
// at most about one seek.
func (tx *Tx) probe(tree txn.TreeID, keys keySet, ncols int, point bool, domain int, fn func(i int, box *[]any)) (path string, seeks int, err error) {
	k, n := keys.len(), tx.t.Len(tree)
	if k == 0 {
		return "", 0, nil
	}
	domain = max(domain, k)
	if k > 1 && (keys.dense || n*(domain-k) <= k*seekCost*domain) {
		// The scan stops itself past the last key. A reader scans with no
		// upper bound, which spares the B-tree a comparison per entry; a
		// writer bounds it, so that its read set holds no more than the
		// keys' range when the tree ends before a stop.
		var hi []byte
		if !tx.readOnly {
			hi = tx.rangeEnd(nil, keys.key(k-1))
		}
		// The merge: i is the first key not yet passed; gap counts the
		// entries since the last match, up to a reseek. scanFrom scans
		// from key i on.
		i, gap, reseek := 0, 0, false
		scanFrom := func() {
			tx.t.Scan(tree, keys.key(i), hi, false, func(e index.Entry) bool {
				return tx.probeStep(keys, &i, &gap, &reseek, &e, ncols, &err, fn)
			})
		}
		if keys.width > 0 && keys.width <= 16 && ncols == 1 {
			// Fixed-width keys of one column, within the prefix every tree
			// item holds inline: entries are matched without reading them
			// or their keys, unless they match.
			width, tag := keys.width, uint64(keys.fixed[0])<<56
			// k0, k1 are key i as the tree's inline words, m0, m1 the
			// masks of its width: set when i moves.
			m0, m1 := prefixMasks(width)
			var k0, k1 uint64
			setKey := func() { k0, k1 = index.InlinePrefix(keys.fixed[i*width : (i+1)*width]) }
			setKey()
			visit := func(p0, p1 uint64, e *index.Entry) bool {
				if p0&(0xFF<<56) != tag {
					// Another type (NULL) leads: compare the bytes.
					at := i
					goOn := tx.probeStep(keys, &i, &gap, &reseek, e, ncols, &err, fn)
					if i != at && i < k {
						setKey()
					}
					return goOn
				}
				p0, p1 = p0&m0, p1&m1
				for {
					if p0 == k0 && p1 == k1 {
						gap = 0
						fn(i, e.Val.(*[]any))
						return true
					}
					if p0 < k0 || (p0 == k0 && p1 < k1) {
						if gap++; gap > seekCost {
							reseek = true
							return false
						}
						return true
					}
					if i++; i == k {
						return false
					}
					setKey()
				}
			}
			scanFrom = func() { tx.t.ScanPrefix(tree, keys.key(i), hi, visit) }
		}
		for i < k && err == nil {
			seeks++
			gap, reseek = 0, false
			scanFrom()
			if !reseek {
				break
			}
		}
		return pathScan, seeks, err
	}
	var hi []byte
	for i := range k {
		key := keys.key(i)
		if point {
			if e, ok := tx.t.Get(tree, key); ok {
				fn(i, e.Val.(*[]any))
			}
			continue
		}
		hi = tx.rangeEnd(hi, key)
		tx.t.Scan(tree, key, hi, false, func(e index.Entry) bool {
			fn(i, e.Val.(*[]any))
			return true
		})
	}
	return pathSeek, k, nil
}

// probeStep is one entry of probe's merge scan: it passes the keys
// before the entry's key prefix, hands the entry on if its prefix is key
// *i, and counts entries that match no key (gap) up to a reseek. It
// returns whether the scan goes on.
func (tx *Tx) probeStep(keys keySet, i, gap *int, reseek *bool, e *index.Entry, ncols int, err *error, fn func(i int, box *[]any)) bool {
	n, serr := index.SkipValues(e.Key, ncols)
	if serr != nil {
		*err = serr
		return false
	}
	prefix := e.Key[:n]
	k := keys.len()
	for *i < k && string(keys.key(*i)) < string(prefix) {
		*i++
	}
	if *i == k {
		return false
	}
	if string(keys.key(*i)) == string(prefix) {
		*gap = 0
		fn(*i, e.Val.(*[]any))
		return true
	}
	if *gap++; *gap > seekCost {
		*reseek = true
		return false
	}
	return true
}

// prefixMasks returns the masks that keep the first n ≤ 16 bytes of two
// prefix words: an entry's key matches a key of n bytes when its masked
// words equal the key's, and orders against it as they do.
func prefixMasks(n int) (m0, m1 uint64) {
	if n >= 8 {
		return ^uint64(0), ^uint64(0) << (128 - 8*n)
	}
	return ^uint64(0) << (64 - 8*n), 0
}

// rangeEnd returns the end of the range of keys that start with prefix
// (index.PrefixEnd). A reader keeps no read set, so it reuses buf; a
// writer's read set keeps the key, so it comes from the arena.
func (tx *Tx) rangeEnd(buf, prefix []byte) []byte {
	if tx.writeState != nil {
		return tx.arena.prefixEnd(prefix)
	}
	return index.AppendPrefixEnd(buf[:0], prefix)
}

// distinctKeys encodes the cols of every row and returns the distinct
// non-NULL keys in order, and for each row the index of its key in them
// (-1 for a key with a NULL). The keys are never modified afterwards, so a
// write transaction may keep them in its read set.
func distinctKeys(src rowSource, cols []int) (keys keySet, of []int32) {
	n := src.len()
	if len(cols) == 1 {
		if keys, of, ok := distinctInts(src, cols[0]); ok {
			return keys, of
		}
	}
	of = make([]int32, n)
	var buf []byte
	ends := make([]int, 0, n)
	for i := range n {
		vals := src.at(i)
		of[i] = -1
		null := false
		for _, c := range cols {
			if vals[c] == nil {
				null = true
				break
			}
		}
		if !null {
			buf = appendCols(buf, vals, cols)
			ends = append(ends, len(buf))
			of[i] = int32(len(ends) - 1)
		}
	}
	// Slice the encodings out of buf and check whether they came in
	// strictly increasing order: rows read in primary-key order, or the
	// children of one merge scan, often do, and then there is nothing to
	// sort or deduplicate.
	all := make([][]byte, len(ends))
	sorted, start := true, 0
	for i, end := range ends {
		all[i] = buf[start:end:end]
		if i > 0 && string(all[i-1]) >= string(all[i]) {
			sorted = false
		}
		start = end
	}
	if sorted {
		return keySet{enc: all}, of
	}
	pos := make(map[string]int, len(all))
	var uniq [][]byte
	for _, k := range all {
		if _, ok := pos[string(k)]; !ok {
			pos[string(k)] = len(uniq)
			uniq = append(uniq, k)
		}
	}
	slices.SortFunc(uniq, func(a, b []byte) int { return strings.Compare(string(a), string(b)) })
	for i, k := range uniq {
		pos[string(k)] = i
	}
	for i, o := range of {
		if o >= 0 {
			of[i] = int32(pos[string(all[o])])
		}
	}
	return keySet{enc: uniq}, of
}

// rowSource is the rows of a batch: values, or the boxes a tree holds
// them in (see rowOf).
type rowSource struct {
	rows  [][]any
	boxes []*[]any
}

func (s rowSource) len() int {
	if s.boxes != nil {
		return len(s.boxes)
	}
	return len(s.rows)
}

func (s rowSource) at(i int) []any {
	if s.boxes != nil {
		return *s.boxes[i]
	}
	return s.rows[i]
}

// keySet is the sorted, distinct keys of a batch, encoded; dense says they
// are integers that fill at least half of the span between the first and
// the last, so that little else lies in their range.
//
// Integer keys are kept back to back, width bytes each, in fixed: a
// batch may have thousands, and a slice header apiece would triple their
// size.
type keySet struct {
	enc   [][]byte
	fixed []byte
	width int
	dense bool
}

// len returns the number of keys.
func (k *keySet) len() int {
	if k.width > 0 {
		return len(k.fixed) / k.width
	}
	return len(k.enc)
}

// key returns key i.
func (k *keySet) key(i int) []byte {
	if k.width > 0 {
		end := (i + 1) * k.width
		return k.fixed[i*k.width : end : end]
	}
	return k.enc[i]
}

// intKeyWidth is the length of an encoded Int (index.AppendInt).
const intKeyWidth = 9

// distinctInts is distinctKeys for one Int column, the common key: it
// deduplicates and sorts the integers and encodes only the distinct ones.
// ok is false when a value is not an int64. The integers are gathered in
// a buffer from intScratch, which it keeps no reference to.
func distinctInts(src rowSource, col int) (keys keySet, of []int32, ok bool) {
	n := src.len()
	of = make([]int32, n)
	scratch := intScratch.Get().(*[]int64)
	ints := (*scratch)[:0]
	if cap(ints) < n {
		ints = make([]int64, 0, n)
	}
	defer func() {
		*scratch = ints[:0]
		intScratch.Put(scratch)
	}()
	sorted := true
	for i := range n {
		switch x := src.at(i)[col].(type) {
		case nil:
			of[i] = -1
		case int64:
			if n := len(ints); n > 0 && ints[n-1] >= x {
				sorted = false
			}
			of[i] = int32(len(ints))
			ints = append(ints, x)
		default:
			return keySet{}, nil, false
		}
	}
	uniq := ints
	if !sorted {
		uniq = dedupeInts(ints, of)
	}
	buf := make([]byte, 0, intKeyWidth*len(uniq))
	for _, x := range uniq {
		buf = index.AppendInt(buf, x)
	}
	dense := len(uniq) > 1 && uint64(uniq[len(uniq)-1]-uniq[0]) < uint64(2*len(uniq))
	return keySet{fixed: buf, width: intKeyWidth, dense: dense}, of, true
}

// intScratch recycles distinctInts' integer buffers across transactions:
// a prefetch level of thousands of rows needs one as long as the level.
var intScratch = sync.Pool{New: func() any { return new([]int64) }}

// dedupeInts returns the distinct values of ints in order and points each
// of (an index into ints, or -1) at its value's place among them. Values
// spanning a range not much wider than their count, such as the ids of a
// small table reached through a junction, are counted in an array;
// others are sorted.
func dedupeInts(ints []int64, of []int32) []int64 {
	lo, hi := slices.Min(ints), slices.Max(ints)
	if span := uint64(hi - lo); span < uint64(4*len(ints)) {
		rank := make([]int32, span+1) // 1 + place among the distinct values; 0: absent
		for _, x := range ints {
			rank[x-lo] = 1
		}
		var uniq []int64
		for i, r := range rank {
			if r != 0 {
				uniq = append(uniq, lo+int64(i))
				rank[i] = int32(len(uniq))
			}
		}
		for i, o := range of {
			if o >= 0 {
				of[i] = rank[ints[o]-lo] - 1
			}
		}
		return uniq
	}
	uniq := slices.Clone(ints)
	slices.Sort(uniq)
	uniq = slices.Compact(uniq)
	for i, o := range of {
		if o >= 0 {
			j, _ := slices.BinarySearch(uniq, ints[o])
			of[i] = int32(j)
		}
	}
	return uniq
}
