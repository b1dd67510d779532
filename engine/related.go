package engine

import (
	"fmt"
	"slices"
	"strings"

	"github.com/reldb/reldb/index"
	"github.com/reldb/reldb/internal/catalog"
	"github.com/reldb/reldb/txn"
)

// Link is one edge of a many-to-many relation: the junction row (with its
// payload, such as an enrollment's grade) and the row it leads to.
type Link struct {
	Via Record // the junction row
	To  Record // the row on the other side
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
	near, far *catalog.FK
	// src are the source row's columns that make the lookup key.
	src []int
	// one: at most one related row (to a parent, or a one-to-one's child).
	one bool
	// A travRel belongs to one transaction (see resolve). stats are its
	// counters there, and to and junction its target tables, kept in a
	// read-only transaction, whose catalog cannot change.
	stats        *RelationStats
	to, junction *catalog.Table
}

// travState is a transaction's traversal state, allocated on first use.
type travState struct {
	mode     FetchMode
	relModes map[string]FetchMode
	relStats map[string]*RelationStats
	resolved map[relKey]*travRel
	// recent holds the last relations resolved, checked before resolved:
	// a traversal asks for one or two by name, thousands of times, and
	// comparing a pointer and a short string beats hashing the string.
	recent     [2]recentRel
	recentNext uint8
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
	loose   map[*catalog.Table]*result
	collect func(index.Entry) bool
	// far and farEnds are the targets' keys scanFarKeys read, back to
	// back; collectFar is its callback, nearCols the near columns it
	// skips.
	far        []byte
	farEnds    []int32
	collectFar func(_, _ uint64, e index.Ref) bool
	nearCols   int
	// Lazy loads carve their results, row lists and records from slabs:
	// a lazy walk makes thousands of small ones.
	results  catalog.Slab[result]
	rowLists catalog.Slab[[]any]
	records  catalog.Slab[Record]
	finished bool
}

type relKey struct {
	d    *catalog.Table
	name string
}

// recentRel is an entry of travState.recent.
type recentRel struct {
	relKey
	rel *travRel
}

func (tx *Tx) travState() *travState {
	if tx.trav == nil {
		tx.trav = &travState{mode: tx.fetch}
		tx.trav.results.Max = 64
		tx.trav.rowLists.Max = 1024
		tx.trav.records.Max = 1024
	}
	return tx.trav
}

// resolve finds the relation a table's rows know by name.
func (tx *Tx) resolve(d *catalog.Table, name string) (*travRel, error) {
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
		for i := range tv.recent {
			if e := &tv.recent[i]; e.d == d && e.name == name { // an empty entry's d is nil
				return e.rel, nil
			}
		}
		if r, ok := tv.resolved[relKey{d, name}]; ok {
			if !done {
				tv.remember(d, name, r)
			}
			return r, nil
		}
	}
	r := resolveIn(d, name)
	if r == nil {
		return nil, fmt.Errorf("%w: table %q has no relation %q (it has %s)", ErrNoRelation, d.Name, name, relationNames(d))
	}
	if done {
		return r, nil
	}
	if tv.resolved == nil {
		tv.resolved = map[relKey]*travRel{}
	}
	tv.resolved[relKey{d, name}] = r
	tv.remember(d, name, r)
	return r, nil
}

// remember makes r, the relation d's rows know by name, one of the recent
// ones, in place of the older.
func (tv *travState) remember(d *catalog.Table, name string, r *travRel) {
	tv.recent[tv.recentNext] = recentRel{relKey{d, name}, r}
	tv.recentNext ^= 1
}

func resolveIn(d *catalog.Table, name string) *travRel {
	key := d.Name + "." + name
	for _, fk := range d.FKs {
		if fk.ParentAs == name {
			return &travRel{key: key, name: name, dir: toParent, near: fk, src: fk.ChildCols, one: true}
		}
	}
	for _, fk := range d.Refs {
		if fk.ChildrenAs == name {
			return &travRel{key: key, name: name, dir: toChildren, near: fk, src: fk.ParentCols, one: fk.Kind == OneToOne}
		}
	}
	for _, m := range d.M2M {
		switch {
		case m.Left == d.Name && m.LeftAs == name:
			return &travRel{key: key, name: name, dir: through, near: m.ToLeft, far: m.ToRight, src: m.ToLeft.ParentCols}
		case m.Right == d.Name && m.RightAs == name:
			return &travRel{key: key, name: name, dir: through, near: m.ToRight, far: m.ToLeft, src: m.ToRight.ParentCols}
		}
	}
	return nil
}

// relationNames lists the names a table's rows can traverse.
func relationNames(d *catalog.Table) string {
	var names []string
	for _, fk := range d.FKs {
		if fk.ParentAs != "" {
			names = append(names, fk.ParentAs)
		}
	}
	for _, fk := range d.Refs {
		if fk.ChildrenAs != "" {
			names = append(names, fk.ChildrenAs)
		}
	}
	for _, m := range d.M2M {
		if m.Left == d.Name && m.LeftAs != "" {
			names = append(names, m.LeftAs)
		}
		if m.Right == d.Name && m.RightAs != "" {
			names = append(names, m.RightAs)
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
func (r Record) Related(name string) ([]Record, error) { return r.relatedVia(name, nil) }

// relatedVia is Related, with rel the relation r's table knows by name
// when the caller has resolved it, else nil.
func (r Record) relatedVia(name string, rel *travRel) ([]Record, error) {
	l, recs, err := r.related(name, rel, false)
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
	l, recs, err := r.related(name, nil, true)
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

// related reads a relation from r, rel when the caller has resolved it
// (else nil, and name is resolved if the relation is not loaded): the
// loaded relation of r's result that holds it, or the rows of a lazy load
// (with the junction records after them, for links).
func (r Record) related(name string, rel *travRel, links bool) (*loaded, []Record, error) {
	if r.res == nil {
		return nil, nil, fmt.Errorf("reldb: related %q: the record was not read by a transaction", name)
	}
	res := r.res
	tx := res.tx
	if l := res.rels.get(name); l != nil {
		l.markUsed(tx)
		return l, nil, nil
	}
	if rel == nil {
		var err error
		if rel, err = tx.resolve(res.def, name); err != nil {
			return nil, nil, err
		}
	}
	if err := tx.live(); err != nil {
		return nil, nil, fmt.Errorf("related %s: %w", rel.key, err)
	}
	switch tx.fetchMode(rel) {
	case FetchRaise:
		return nil, nil, fmt.Errorf("related %s from %s: %w", rel.key, res.def.RenderPK(r.vals()), ErrLazyLoad)
	case FetchPeers:
		// A result still streaming to Query.Each has only part of its
		// rows: its peers are loaded one by one until it is whole.
		if !res.loose && len(res.rows) > 1 && !res.partial {
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

// target returns the table a relation leads to, and for through the
// junction.
func (tx *Tx) target(rel *travRel) (to, junction *catalog.Table, err error) {
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
	tv.scratch = catalog.AppendCols(tv.scratch[:0], vals, cols)
	return tv.scratch, true
}

// keepKey makes a key the transaction may keep in its read set.
func (tx *Tx) keepKey(k []byte) []byte {
	if tx.writeState == nil {
		return k // a reader keeps no read set
	}
	return tx.readKeys.Own(k)
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
		tx.countRel(rel, LoadLazy, to.Name, 1, 0, 0, 0, "")
		return []Record{}, nil
	}
	key = tx.keepKey(key)
	switch rel.dir {
	case toParent:
		e, found := tx.t.Get(rel.near.ParentTree, key)
		if !found {
			tx.countRel(rel, LoadLazy, to.Name, 1, 1, 0, 0, "")
			return []Record{}, nil
		}
		tv.rows = append(tv.rows[:0], catalog.RowOf(e.Val))
		recs := tv.lazyResult(tx, to, tv.rows, 1)
		tx.countRel(rel, LoadLazy, to.Name, 1, 1, 1, 1, "")
		return recs, nil
	case toChildren:
		tv.scanLinks(tx, rel.near.ChildTree, key)
		recs := tv.lazyResult(tx, to, tv.links, len(tv.links))
		tx.countRel(rel, LoadLazy, to.Name, 1, 1, len(recs), len(recs), "")
		return recs, nil
	}
	// Through a junction: the targets' keys from the junction, then a
	// seek per target.
	nLinks := tv.scanFarKeys(tx, rel, junction, key, links)
	keysOnly := to.KeysOnly()
	seeks := 1
	targets, vias, ats := tv.rows[:0], tv.links[:0], tv.ats[:0]
	for i := range nLinks {
		tk := tv.farKey(i)
		if tk == nil {
			continue
		}
		seeks++
		e, found := tx.t.Get(rel.far.ParentTree, tx.keepKey(tk))
		if !found {
			continue
		}
		// Two junction rows may lead to one target (an explicit junction
		// with a key of its own): the result holds each target once, and
		// both records point at it.
		// A table of keys alone makes a row anew on each read: its rows
		// are the same when their values are.
		row, at := catalog.RowOf(e.Val), len(targets)
		for i, seen := range targets {
			if &seen[0] == &row[0] || keysOnly && slices.EqualFunc(seen, row, index.Equal) {
				at = i
				break
			}
		}
		if at == len(targets) {
			targets = append(targets, row)
		}
		ats = append(ats, at)
		if links {
			vias = append(vias, tv.links[i]) // overwrites links already read
		}
	}
	read := nLinks
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
	tx.countRel(rel, LoadLazy, to.Name, 1, seeks, read+n, m, "")
	return recs[:m], nil
}

// lazyRows makes a result of a copy of rows, of table d.
func (tv *travState) lazyRows(tx *Tx, d *catalog.Table, rows [][]any) *result {
	res := &tv.results.Take(1)[0]
	res.tx, res.def = tx, d
	res.rows = tv.rowLists.Take(len(rows))
	copy(res.rows, rows)
	return res
}

// lazyResult makes a result of a copy of rows, and records for them: a
// slice of n ≥ len(rows) records of which the first len(rows) hold the
// rows in order.
func (tv *travState) lazyResult(tx *Tx, d *catalog.Table, rows [][]any, n int) []Record {
	res := tv.lazyRows(tx, d, rows)
	recs := tv.records.Take(n)
	for i := range res.rows {
		recs[i] = Record{res: res, at: i}
	}
	return recs
}

// scanFarKeys reads the keys of the targets of the junction rows whose
// near columns are key into tv.far, one by one (see farKey), and returns
// how many there are. With rows set, or when the junction's rows are not
// made of their keys, it reads the rows into tv.links, in step. A
// junction of keys alone (catalog.Table.KeysOnly) whose near tree holds
// the near columns then the far ones needs no row: the far key is the
// rest of the entry's key, and its tree (index.NewDerivedTree) would
// make each row anew.
func (tv *travState) scanFarKeys(tx *Tx, rel *travRel, junction *catalog.Table, key []byte, rows bool) int {
	tv.far, tv.farEnds = tv.far[:0], tv.farEnds[:0]
	tree := rel.near.ChildTree
	if !rows && junction.KeysOnly() && junction.KeyHolds(tree, rel.near.ChildCols, rel.far.ChildCols) {
		if tv.collectFar == nil {
			tv.collectFar = func(_, _ uint64, e index.Ref) bool {
				k := e.Key()
				n, err := index.SkipValues(k, tv.nearCols)
				if err != nil {
					panic(fmt.Sprintf("reldb: junction key %x: %v", k, err)) // the tree holds what the engine put
				}
				tv.far = append(tv.far, k[n:]...)
				tv.farEnds = append(tv.farEnds, int32(len(tv.far)))
				return true
			}
		}
		tv.nearCols = len(rel.near.ChildCols)
		tv.hi = tx.paths().RangeEnd(tv.hi, key)
		tx.t.ScanPrefix(tree, key, tv.hi, tv.collectFar)
		return len(tv.farEnds)
	}
	tv.scanLinks(tx, tree, key)
	for _, j := range tv.links {
		if tk, ok := tv.keyScratch(j, rel.far.ChildCols); ok {
			tv.far = append(tv.far, tk...)
		}
		tv.farEnds = append(tv.farEnds, int32(len(tv.far)))
	}
	return len(tv.links)
}

// farKey returns the i'th key scanFarKeys read, nil for a row whose far
// columns hold a NULL (an encoded key is never empty).
func (tv *travState) farKey(i int) []byte {
	start := int32(0)
	if i > 0 {
		start = tv.farEnds[i-1]
	}
	if start == tv.farEnds[i] {
		return nil
	}
	return tv.far[start:tv.farEnds[i]]
}

// scanLinks reads the entries of tree whose key starts with key into
// tv.links.
func (tv *travState) scanLinks(tx *Tx, tree txn.TreeID, key []byte) {
	if tv.collect == nil {
		tv.collect = func(e index.Entry) bool {
			tv.links = append(tv.links, catalog.RowOf(e.Val))
			return true
		}
	}
	tv.links = tv.links[:0]
	tv.hi = tx.paths().RangeEnd(tv.hi, key)
	tx.t.Scan(tree, key, tv.hi, false, tv.collect)
}
