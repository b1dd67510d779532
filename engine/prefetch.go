package engine

import (
	"fmt"
	"slices"
	"strings"

	"github.com/reldb/reldb/index"
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
	Col string
	Dir Order
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

// batchSpec is PrefetchOptions bound to the related table.
type batchSpec struct {
	conds   []bound
	order   []orderTerm
	orderAt []int
	limit   int
}

func bindPrefetch(to *catalog.Table, rel *travRel, opts *PrefetchOptions) (*batchSpec, error) {
	conds, err := bindConds(to, "prefetch", rel.key, opts.Where, nil)
	if err != nil {
		return nil, err
	}
	sp := &batchSpec{conds: conds, limit: opts.Limit}
	for _, k := range opts.OrderBy {
		sp.order = append(sp.order, orderTerm{k.Col, k.Dir})
	}
	if sp.orderAt, err = bindOrder(to, "prefetch", rel.key, sp.order); err != nil {
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
	sp := &batchSpec{}
	if opts != nil {
		if sp, err = bindPrefetch(to, rel, opts); err != nil {
			return nil, nil, nil, err
		}
	}
	keys, of := distinctKeys(rowSource{rows: s.rows}, rel.src)
	// g holds the related rows of every key; ends[k] is where key k's
	// range ends (it starts where key k-1's ends).
	g := &gather{ends: make([]int, keys.len())}
	var path string
	var seeks, read int
	switch rel.dir {
	case toParent, toChildren:
		tree, point := rel.near.ParentTree, true
		domain := tx.t.Len(rel.near.ParentTree)
		// Room for the rows expected: a parent per key, or each key's
		// share of the children.
		room := keys.len()
		if rel.dir == toChildren {
			// A child tree's keys start with the relation's columns and
			// may go on (a longer unique index): always a prefix scan.
			tree, point = rel.near.ChildTree, false
			room = keys.len()*tx.t.Len(tree)/max(domain, 1) + 16
		}
		g.rows = make([][]any, 0, room)
		path, seeks, err = tx.probe(tree, keys, len(rel.src), point, domain, func(k int, box *[]any) {
			row := *box
			read++
			if matches(sp.conds, row) {
				g.add(k, row)
			}
		})
		g.close(keys.len())
	case through:
		path, seeks, read, err = tx.probeThrough(rel, keys, sp, g)
	}
	if err != nil {
		return nil, nil, nil, fmt.Errorf("prefetch %s: %w", rel.key, err)
	}
	if len(sp.order) > 0 || sp.limit > 0 {
		g.arrange(sp)
	}

	// Place each distinct related row in next once. Through a junction a
	// target may be related to many keys: g.target says which distinct
	// target a row is, and it gets one place. When every gathered row is
	// kept, the gathered slices serve as the results' rows as they are.
	// Records are made from the places on the first Related (loaded.group).
	all := g.keep == nil
	next := &result{tx: tx, def: to}
	ats := make([]int32, 0, g.kept()) // the related rows' places in next, all groups in order
	var vias []*[]any                 // through: the junction rows, in step with ats
	var targetAt []int32
	switch {
	case rel.dir == through:
		vias = g.vias
		if !all {
			vias = make([]*[]any, 0, g.kept())
		}
		targetAt = make([]int32, len(g.targetRows))
		for i := range targetAt {
			targetAt[i] = -1
		}
	case all:
		next.rows = g.rows
	default:
		next.rows = make([][]any, 0, g.kept())
	}
	groupOf := make([][2]int32, keys.len()) // [start, end) in ats
	start := 0
	for k, end := range g.ends {
		from := int32(len(ats))
		for i := start; i < start+g.count(k); i++ {
			at := i // all kept and not through: next.rows is g.rows
			switch {
			case targetAt != nil:
				t := g.target[i]
				if targetAt[t] < 0 {
					targetAt[t] = int32(len(next.rows))
					next.rows = append(next.rows, g.targetRows[t])
				}
				at = int(targetAt[t])
				if !all {
					vias = append(vias, g.vias[i])
				}
			case !all:
				at = len(next.rows)
				next.rows = append(next.rows, g.rows[i])
			}
			ats = append(ats, int32(at))
		}
		groupOf[k] = [2]int32{from, int32(len(ats))}
		start = end
	}
	l := &loaded{rel: rel, to: to, next: next, ats: ats, start: make([]int32, len(s.rows)), count: make([]int32, len(s.rows))}
	if rel.dir == through {
		l.vias, l.junction = vias, junction
	}
	for i, k := range of {
		if k >= 0 {
			r := groupOf[k]
			l.start[i], l.count[i] = r[0], r[1]-r[0]
		}
	}
	tx.countRel(rel, LoadBatch, to.Name, keys.len(), seeks, read, len(next.rows), path)
	return l, next, to, nil
}

// gather collects the related rows of sorted keys, added in key order.
// Through a junction, a row is a target (target[i] of targetRows) reached
// by a junction row (vias[i]); otherwise rows holds it.
type gather struct {
	rows       [][]any
	vias       []*[]any // through: the junction rows, boxed as stored
	target     []int32
	targetRows [][]any
	// ends[k] is the end of key k's range in rows; keep[k], when set by
	// arrange, how many of the range are kept.
	ends []int
	keep []int
	last int // the key added last
	n    int // rows gathered
}

// add gathers a row of key k.
func (g *gather) add(k int, row []any) {
	g.close(k)
	g.rows = append(g.rows, row)
	g.n++
}

// addTarget gathers target t of key k, reached by junction row via.
func (g *gather) addTarget(k int, t int32, via *[]any) {
	g.close(k)
	g.target = append(g.target, t)
	g.vias = append(g.vias, via)
	g.n++
}

// row returns gathered row i.
func (g *gather) row(i int) []any {
	if g.targetRows != nil {
		return g.targetRows[g.target[i]]
	}
	return g.rows[i]
}

// close ends the ranges of keys [last, n).
func (g *gather) close(n int) {
	for ; g.last < n; g.last++ {
		g.ends[g.last] = g.n
	}
}

// count is how many rows of key k are kept.
func (g *gather) count(k int) int {
	if g.keep != nil {
		return g.keep[k]
	}
	start := 0
	if k > 0 {
		start = g.ends[k-1]
	}
	return g.ends[k] - start
}

// kept is how many rows are kept in all.
func (g *gather) kept() int {
	if g.keep == nil {
		return g.n
	}
	n := 0
	for _, c := range g.keep {
		n += c
	}
	return n
}

// arrange orders each key's range and applies the per-key limit.
func (g *gather) arrange(sp *batchSpec) {
	g.keep = make([]int, len(g.ends))
	start := 0
	for k, end := range g.ends {
		if len(sp.order) > 0 && end-start > 1 {
			idx := make([]int, end-start)
			for i := range idx {
				idx[i] = start + i
			}
			slices.SortStableFunc(idx, func(a, b int) int { return compareRows(g.row(a), g.row(b), sp.order, sp.orderAt) })
			if g.targetRows != nil {
				permute(g.vias[start:end], idx, start)
				permute(g.target[start:end], idx, start)
			} else {
				permute(g.rows[start:end], idx, start)
			}
		}
		g.keep[k] = end - start
		if sp.limit > 0 {
			g.keep[k] = min(g.keep[k], sp.limit)
		}
		start = end
	}
}

// permute reorders s so that s[i] is the old s[idx[i]-base].
func permute[E any](s []E, idx []int, base int) {
	old := slices.Clone(s)
	for i, j := range idx {
		s[i] = old[j-base]
	}
}

// probeThrough loads a many-to-many for sorted distinct source keys: the
// junction rows of each key, then each distinct target once, and gathers
// each key's targets that match the spec, in junction order.
func (tx *Tx) probeThrough(rel *travRel, keys keySet, sp *batchSpec, g *gather) (path string, seeks, read int, err error) {
	// Each key has about n/domain junction rows: room for that many.
	domain := max(tx.t.Len(rel.near.ParentTree), 1)
	// The junction rows are gathered as the boxes the tree stores them in:
	// a third of the size of slice headers, and Links alone needs more.
	jg := &gather{ends: make([]int, keys.len()), vias: make([]*[]any, 0, keys.len()*tx.t.Len(rel.near.ChildTree)/domain+16)}
	path, seeks, err = tx.probe(rel.near.ChildTree, keys, len(rel.src), false /* point */, domain, func(k int, box *[]any) {
		jg.close(k)
		jg.vias = append(jg.vias, box)
		jg.n++
	})
	jg.close(keys.len())
	if err != nil {
		return "", 0, 0, err
	}
	links, linkEnds := jg.vias, jg.ends
	read = len(links)
	tkeys, tof := distinctKeys(rowSource{boxes: links}, rel.far.ChildCols)
	targets := make([][]any, tkeys.len())
	_, tseeks, err := tx.probe(rel.far.ParentTree, tkeys, len(rel.far.ChildCols), true /* point */, tx.t.Len(rel.far.ParentTree), func(i int, box *[]any) {
		row := *box
		read++
		if matches(sp.conds, row) {
			targets[i] = row
		}
	})
	if err != nil {
		return "", 0, 0, err
	}
	g.targetRows = targets
	// Usually every junction row leads to a target that matches: then
	// the junction rows and their target numbers are the gathered rows as
	// they are.
	every := true
	for _, t := range tof {
		if t < 0 || targets[t] == nil {
			every = false
			break
		}
	}
	if every {
		g.vias, g.target, g.n = links, tof, len(links)
		copy(g.ends, linkEnds)
		g.last = keys.len()
		return path, seeks + tseeks, read, nil
	}
	g.vias = make([]*[]any, 0, len(links))
	g.target = make([]int32, 0, len(links))
	start := 0
	for k, end := range linkEnds {
		for f := start; f < end; f++ {
			if t := tof[f]; t >= 0 && targets[t] != nil {
				g.addTarget(k, t, links[f])
			}
		}
		start = end
	}
	g.close(keys.len())
	return path, seeks + tseeks, read, nil
}

// compareRows orders two rows by ORDER BY terms.
func compareRows(a, b []any, order []orderTerm, orderAt []int) int {
	for i, col := range orderAt {
		c := index.Compare(a[col], b[col])
		if order[i].dir == Desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return 0
}
