package engine

import (
	"fmt"
	"strings"

	"github.com/reldb/reldb/index"
	"github.com/reldb/reldb/internal/access"
	"github.com/reldb/reldb/internal/catalog"
)

// PrefetchOptions filters, orders and limits what one prefetched relation
// loads for each source row (Query.PrefetchWith): the books with price >
// 10, newest first, three per author.
type PrefetchOptions struct {
	// Where are conditions on the related rows, as in Query.Where. They are
	// checked while the relation's index is scanned.
	Where []Cond
	// OrderBy orders each source row's related rows; without it they come
	// in the order of the relation's index.
	OrderBy []SortKey
	// Limit keeps at most this many related rows per source row, after
	// ordering; 0 keeps all.
	Limit int
}

// SortKey is one key of PrefetchOptions.OrderBy.
type SortKey struct {
	Col string // the related table's column
	Dir Order  // Asc or Desc
}

// prefetchNode is one relation of a query's prefetch tree: paths sharing a
// prefix share its nodes, so each level loads once.
type prefetchNode struct {
	name string
	opts *PrefetchOptions
	kids []*prefetchNode
}

// Prefetch loads relations of the query's rows together with them, each
// level of each path in one batched load whatever the number of rows:
// "books" loads every matching author's books at once, "books.tags" then
// every tag of those books. Paths sharing a prefix share its levels, so
// Prefetch("books.tags", "books.reviews") loads books once. Record.Related
// then reads the prefetched rows without a load.
//
// Each level collects the distinct keys of the rows above it and picks an
// access path as a join planner would: one index seek per key when the
// keys are few against the related table, one ordered merge scan of the
// relation's index when they cover much of it (Stats.Relations counts
// which). A row related to many (a tag of 500 books) is loaded once and
// shared. The query fails with ErrNoRelation for an unknown relation.
func (q *Query) Prefetch(paths ...string) *Query {
	for _, p := range paths {
		q.addPrefetch(p, nil)
	}
	return q
}

// PrefetchWith prefetches one path like Prefetch, with options for its
// last relation: a filter, an order and a per-row limit.
func (q *Query) PrefetchWith(path string, opts PrefetchOptions) *Query {
	if opts.Limit < 0 {
		q.err = fmt.Errorf("query %s: prefetch %q: negative limit %d", q.table, path, opts.Limit)
	}
	q.addPrefetch(path, &opts)
	return q
}

func (q *Query) addPrefetch(path string, opts *PrefetchOptions) {
	q.unprepare() // a bound query shares its prefetch tree
	names := strings.Split(path, ".")
	nodes := &q.prefetch
	var n *prefetchNode
	for _, name := range names {
		if name == "" {
			q.err = fmt.Errorf("query %s: prefetch %q: empty relation name", q.table, path)
			return
		}
		n = nil
		for _, c := range *nodes {
			if c.name == name {
				n = c
				break
			}
		}
		if n == nil {
			n = &prefetchNode{name: name}
			*nodes = append(*nodes, n)
		}
		nodes = &n.kids
	}
	if opts != nil {
		if n.opts != nil {
			q.err = fmt.Errorf("query %s: prefetch %q: options given twice", q.table, path)
			return
		}
		n.opts = opts
	}
}

// prefetch runs a prefetch tree on the rows of a result of table d.
func (tx *Tx) prefetch(s *result, d *catalog.Table, nodes []*prefetchNode) error {
	for _, n := range nodes {
		rel, err := tx.resolve(d, n.name)
		if err != nil {
			return fmt.Errorf("prefetch: %w", err)
		}
		l, next, to, err := tx.loadBatch(s, rel, n.opts)
		if err != nil {
			return err
		}
		l.prefetched = true
		tv := tx.travState()
		tv.prefetched = append(tv.prefetched, l)
		s.setRel(n.name, l)
		if len(n.kids) > 0 {
			if err := tx.prefetch(next, to, n.kids); err != nil {
				return err
			}
		}
	}
	return nil
}

func bindPrefetch(to *catalog.Table, rel *travRel, opts *PrefetchOptions) (*access.BatchSpec, error) {
	conds, err := bindConds(to, "prefetch", rel.key, opts.Where, nil)
	if err != nil {
		return nil, err
	}
	sp := &access.BatchSpec{Conds: conds, Limit: opts.Limit}
	for _, k := range opts.OrderBy {
		sp.Order = append(sp.Order, access.OrderTerm{Col: k.Col, Dir: k.Dir})
	}
	if sp.OrderAt, err = bindOrder(to, "prefetch", rel.key, sp.Order); err != nil {
		return nil, err
	}
	return sp, nil
}

// loadBatch loads a relation for every row of s in one load. It returns
// the loaded relation, the result holding the distinct related rows (for
// the next level of a prefetch) and their table.
//
// Everything is kept in flat slices: a probe visits keys in order, so the
// related rows of one key are contiguous, and a key's group is a range.
func (tx *Tx) loadBatch(s *result, rel *travRel, opts *PrefetchOptions) (*loaded, *result, *catalog.Table, error) {
	to, junction, err := tx.target(rel)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("prefetch %s: %w", rel.key, err)
	}
	sp := &access.BatchSpec{}
	if opts != nil {
		if sp, err = bindPrefetch(to, rel, opts); err != nil {
			return nil, nil, nil, err
		}
	}
	keys, of := access.DistinctKeys(access.RowSource{Rows: s.rows}, rel.src)
	// g holds the related rows of every key; ends[k] is where key k's
	// range ends (it starts where key k-1's ends).
	g := &access.Gather{Ends: make([]int, keys.Len())}
	var path string
	var seeks, read int
	switch rel.dir {
	case toParent, toChildren:
		tree, point := rel.near.ParentTree, true
		domain := tx.t.Len(rel.near.ParentTree)
		// Room for the rows expected: a parent per key, or each key's
		// share of the children.
		room := keys.Len()
		if rel.dir == toChildren {
			// A child tree's keys start with the relation's columns and
			// may go on (a longer unique index): always a prefix scan.
			tree, point = rel.near.ChildTree, false
			room = keys.Len()*tx.t.Len(tree)/max(domain, 1) + 16
		}
		g.Rows = make([][]any, 0, room)
		path, seeks, err = tx.paths().Probe(tree, keys, len(rel.src), point, domain, func(k int, e index.Ref) {
			row := *e.Val()
			read++
			if access.Matches(sp.Conds, row) {
				g.Add(k, row)
			}
		})
		g.Close(keys.Len())
	case through:
		path, seeks, read, err = tx.probeThrough(rel, junction, keys, sp, g)
	}
	if err != nil {
		return nil, nil, nil, fmt.Errorf("prefetch %s: %w", rel.key, err)
	}
	if len(sp.Order) > 0 || sp.Limit > 0 {
		g.Arrange(sp)
	}

	// Place each distinct related row in next once. Through a junction a
	// target may be related to many keys: g.target says which distinct
	// target a row is, and it gets one place. When every gathered row is
	// kept, the gathered slices serve as the results' rows as they are.
	// Records are made from the places on the first Related (loaded.group).
	all := g.Keep == nil
	next := &result{tx: tx, def: to}
	ats := make([]int32, 0, g.Kept()) // the related rows' places in next, all groups in order
	var vias []*[]any                 // through: the junction rows, in step with ats
	var viaKeys []index.InlineKey     // or their keys (Gather.ViaKeys)
	var targetAt []int32
	switch {
	case rel.dir == through:
		vias, viaKeys = g.Vias, g.ViaKeys
		if !all {
			if viaKeys != nil {
				viaKeys = make([]index.InlineKey, 0, g.Kept())
			} else {
				vias = make([]*[]any, 0, g.Kept())
			}
		}
		targetAt = make([]int32, len(g.TargetRows))
		for i := range targetAt {
			targetAt[i] = -1
		}
	case all:
		next.rows = g.Rows
	default:
		next.rows = make([][]any, 0, g.Kept())
	}
	groupOf := make([][2]int32, keys.Len()) // [start, end) in ats
	start := 0
	for k, end := range g.Ends {
		from := int32(len(ats))
		for i := start; i < start+g.Count(k); i++ {
			at := i // all kept and not through: next.rows is g.rows
			switch {
			case targetAt != nil:
				t := g.Target[i]
				if targetAt[t] < 0 {
					targetAt[t] = int32(len(next.rows))
					next.rows = append(next.rows, g.TargetRows[t])
				}
				at = int(targetAt[t])
				switch {
				case all:
				case viaKeys != nil:
					viaKeys = append(viaKeys, g.ViaKeys[i])
				default:
					vias = append(vias, g.Vias[i])
				}
			case !all:
				at = len(next.rows)
				next.rows = append(next.rows, g.Rows[i])
			}
			ats = append(ats, int32(at))
		}
		groupOf[k] = [2]int32{from, int32(len(ats))}
		start = end
	}
	l := &loaded{rel: rel, to: to, next: next, ats: ats, start: make([]int32, len(s.rows)), count: make([]int32, len(s.rows))}
	if rel.dir == through {
		l.vias, l.junction = vias, junction
		if viaKeys != nil {
			l.viaKeys, l.viaDerive = viaKeys, junction.KeyDerive(rel.near.ChildTree)
		}
	}
	for i, k := range of {
		if k >= 0 {
			r := groupOf[k]
			l.start[i], l.count[i] = r[0], r[1]-r[0]
		}
	}
	tx.countRel(rel, LoadBatch, to.Name, keys.Len(), seeks, read, len(next.rows), path)
	return l, next, to, nil
}

// probeThrough loads a many-to-many for sorted distinct source keys: the
// junction rows of each key, then each distinct target once, and gathers
// each key's targets that match the spec, in junction order.
func (tx *Tx) probeThrough(rel *travRel, junction *catalog.Table, keys access.KeySet, sp *access.BatchSpec, g *access.Gather) (path string, seeks, read int, err error) {
	// Each key has about n/domain junction rows: room for that many.
	domain := max(tx.t.Len(rel.near.ParentTree), 1)
	if tx.t.Derived(rel.near.ChildTree) && len(rel.far.ChildCols) == 1 && junction.Cols[rel.far.ChildCols[0]].Type == catalog.Int &&
		junction.KeyHolds(rel.near.ChildTree, rel.near.ChildCols, rel.far.ChildCols) {
		if path, seeks, read, ok, err := tx.probeThroughKeys(rel, keys, domain, sp, g); ok || err != nil {
			return path, seeks, read, err
		}
	}
	// The junction rows are gathered as the boxes the tree stores them in:
	// a third of the size of slice headers, and Links alone needs more.
	jg := &access.Gather{Ends: make([]int, keys.Len()), Vias: make([]*[]any, 0, keys.Len()*tx.t.Len(rel.near.ChildTree)/domain+16)}
	path, seeks, err = tx.paths().Probe(rel.near.ChildTree, keys, len(rel.src), false /* point */, domain, func(k int, e index.Ref) {
		jg.Close(k)
		jg.Vias = append(jg.Vias, e.Val())
		jg.N++
	})
	jg.Close(keys.Len())
	if err != nil {
		return "", 0, 0, err
	}
	links, linkEnds := jg.Vias, jg.Ends
	tkeys, tof := access.DistinctKeys(access.RowSource{Boxes: links}, rel.far.ChildCols)
	tseeks, read, every, err := tx.gatherTargets(rel, sp, g, tkeys, tof, linkEnds, func(f, k int, t int32) { g.AddTarget(k, t, links[f]) })
	if err != nil {
		return "", 0, 0, err
	}
	if every {
		g.Vias = links
	}
	return path, seeks + tseeks, read, nil
}

// probeThroughKeys is probeThrough through a junction kept in a derived
// tree (index.NewDerivedTree) whose keys are the near columns then one
// integer column, the far one: it reads the far keys from the junction's
// keys and keeps the keys for Links (Gather.ViaKeys), so that no junction
// row is made. ok is false, with nothing gathered, if a key is not the
// two integers expected.
func (tx *Tx) probeThroughKeys(rel *travRel, keys access.KeySet, domain int, sp *access.BatchSpec, g *access.Gather) (path string, seeks, read int, ok bool, err error) {
	n := keys.Len()*tx.t.Len(rel.near.ChildTree)/domain + 16
	jg := &access.Gather{Ends: make([]int, keys.Len()), ViaKeys: make([]index.InlineKey, 0, n)}
	fars := make([]int64, 0, n)
	near, ok := len(rel.src), true
	path, seeks, err = tx.paths().Probe(rel.near.ChildTree, keys, near, false /* point */, domain, func(k int, e index.Ref) {
		key := e.Key()
		at, serr := index.SkipValues(key, near)
		var far int64
		var w int
		good := serr == nil
		if good {
			far, w, good = index.ReadInt(key[at:])
		}
		ik, inline := e.Inline()
		if !good || at+w != len(key) || !inline {
			ok = false
			return
		}
		jg.Close(k)
		jg.ViaKeys = append(jg.ViaKeys, ik)
		fars = append(fars, far)
		jg.N++
	})
	if err != nil || !ok {
		return "", 0, 0, false, err
	}
	jg.Close(keys.Len())
	tkeys, tof := access.DistinctInts(fars)
	tseeks, read, every, err := tx.gatherTargets(rel, sp, g, tkeys, tof, jg.Ends, func(f, k int, t int32) { g.AddTargetKey(k, t, jg.ViaKeys[f]) })
	if err != nil {
		return "", 0, 0, true, err
	}
	if every {
		g.ViaKeys = jg.ViaKeys
	}
	return path, seeks + tseeks, read, true, nil
}

// gatherTargets reads the distinct targets tkeys of a batch's junction
// rows (tof[f] is junction row f's target, -1 for none; linkEnds[k] the
// end of key k's junction rows) and gathers into g each junction row's
// target that matches the spec. When every junction row leads to a
// target that matches, the usual case, it gathers them all at once and
// reports every: the caller then makes its junction rows g's as they
// are. Otherwise it calls add(f, k, t) for each junction row f of key k
// whose target t is kept. read counts the junction rows and the targets.
func (tx *Tx) gatherTargets(rel *travRel, sp *access.BatchSpec, g *access.Gather, tkeys access.KeySet, tof []int32, linkEnds []int, add func(f, k int, t int32)) (seeks, read int, every bool, err error) {
	read = len(tof)
	targets := make([][]any, tkeys.Len())
	_, seeks, err = tx.paths().Probe(rel.far.ParentTree, tkeys, len(rel.far.ChildCols), true /* point */, tx.t.Len(rel.far.ParentTree), func(i int, e index.Ref) {
		row := *e.Val()
		read++
		if access.Matches(sp.Conds, row) {
			targets[i] = row
		}
	})
	if err != nil {
		return 0, 0, false, err
	}
	g.TargetRows = targets
	every = true
	for _, t := range tof {
		if t < 0 || targets[t] == nil {
			every = false
			break
		}
	}
	if every {
		g.Target, g.N = tof, len(tof)
		copy(g.Ends, linkEnds)
		g.Last = len(linkEnds)
		return seeks, read, true, nil
	}
	g.Target = make([]int32, 0, len(tof))
	start := 0
	for k, end := range linkEnds {
		for f := start; f < end; f++ {
			if t := tof[f]; t >= 0 && targets[t] != nil {
				add(f, k, t)
			}
		}
		start = end
	}
	g.Close(len(linkEnds))
	return seeks, read, false, nil
}
