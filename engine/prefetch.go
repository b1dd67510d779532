package engine

import (
	"fmt"
	"slices"
	"strings"

	"github.com/reldb/reldb/index"
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
func (tx *Tx) prefetch(s *result, d *tableDef, nodes []*prefetchNode) error {
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
		if s.rels == nil {
			s.rels = map[string]*loaded{}
		}
		s.rels[n.name] = l
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

func bindPrefetch(to *tableDef, rel *travRel, opts *PrefetchOptions) (*batchSpec, error) {
	what := "prefetch " + rel.key
	conds, err := bindConds(to, what, opts.Where)
	if err != nil {
		return nil, err
	}
	sp := &batchSpec{conds: conds, limit: opts.Limit}
	for _, k := range opts.OrderBy {
		sp.order = append(sp.order, orderTerm{k.Col, k.Dir})
	}
	if sp.orderAt, err = bindOrder(to, what, sp.order); err != nil {
		return nil, err
	}
	return sp, nil
}

// loadBatch loads a relation for every row of s in one load. It returns
// the loaded relation, the result holding the distinct related rows (for
// the next level of a prefetch) and their table.
func (tx *Tx) loadBatch(s *result, rel *travRel, opts *PrefetchOptions) (*loaded, *result, *tableDef, error) {
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
	keys, of := distinctKeys(s.rows, rel.src)
	// per[k] are the related rows of key k; for through, vias[k] the
	// junction rows in parallel.
	per := make([][][]any, len(keys))
	var vias [][][]any
	var path string
	var seeks, read int
	add := func(i int, row []any) {
		read++
		if matches(sp.conds, row) {
			per[i] = append(per[i], row)
		}
	}
	switch rel.dir {
	case toParent:
		path, seeks, err = tx.probe(rel.near.parentTree, keys, len(rel.src), true, add)
	case toChildren:
		path, seeks, err = tx.probe(rel.near.childTree, keys, len(rel.src), rel.near.pkAt < 0, add)
	case through:
		path, seeks, read, vias, err = tx.probeThrough(rel, keys, sp, per)
	}
	if err != nil {
		return nil, nil, nil, fmt.Errorf("prefetch %s: %w", rel.key, err)
	}
	if len(sp.order) > 0 || sp.limit > 0 {
		for k := range per {
			per[k], vias = sp.arrange(per[k], vias, k)
		}
	}

	// Materialize each distinct related row once, in the order first met.
	next := &result{tx: tx}
	var joins *result
	if rel.dir == through {
		joins = &result{tx: tx}
	}
	recsOf := make([][]Record, len(keys))
	viasOf := make([][]Record, len(keys))
	var seen map[*any]int // through: a target shared by several keys is one record
	if rel.dir == through {
		seen = map[*any]int{}
	}
	for k, rows := range per {
		if len(rows) == 0 {
			continue
		}
		recs := make([]Record, len(rows))
		for i, row := range rows {
			at := len(next.rows)
			if seen != nil {
				if j, ok := seen[&row[0]]; ok {
					at = j
				} else {
					seen[&row[0]] = at
					next.rows = append(next.rows, row)
				}
			} else {
				next.rows = append(next.rows, row)
			}
			recs[i] = Record{def: to, vals: row, res: next, at: at}
		}
		recsOf[k] = recs
		if joins != nil {
			vs := make([]Record, len(rows))
			for i, j := range vias[k] {
				vs[i] = Record{def: junction, vals: j, res: joins, at: len(joins.rows)}
				joins.rows = append(joins.rows, j)
			}
			viasOf[k] = vs
		}
	}
	l := &loaded{rel: rel, groups: make([][]Record, len(s.rows))}
	if joins != nil {
		l.vias = make([][]Record, len(s.rows))
	}
	for i, k := range of {
		if k >= 0 {
			l.groups[i] = recsOf[k]
			if joins != nil {
				l.vias[i] = viasOf[k]
			}
		}
	}
	tx.countRel(rel, LoadBatch, to.name, len(keys), seeks, read, len(next.rows), path)
	return l, next, to, nil
}

// probeThrough loads a many-to-many for sorted distinct source keys: the
// junction rows of each key, then each distinct target once. It fills
// per[k] with the targets of key k that match the spec and returns the
// junction rows in parallel.
func (tx *Tx) probeThrough(rel *travRel, keys [][]byte, sp *batchSpec, per [][][]any) (path string, seeks, read int, vias [][][]any, err error) {
	links := make([][][]any, len(keys))
	var flat [][]any
	path, seeks, err = tx.probe(rel.near.childTree, keys, len(rel.src), rel.near.pkAt < 0, func(i int, row []any) {
		links[i] = append(links[i], row)
		flat = append(flat, row)
	})
	if err != nil {
		return "", 0, 0, nil, err
	}
	read = len(flat)
	tkeys, tof := distinctKeys(flat, rel.far.ChildCols)
	targets := make([][]any, len(tkeys))
	_, tseeks, err := tx.probe(rel.far.parentTree, tkeys, len(rel.far.ChildCols), true, func(i int, row []any) {
		read++
		if matches(sp.conds, row) {
			targets[i] = row
		}
	})
	if err != nil {
		return "", 0, 0, nil, err
	}
	vias = make([][][]any, len(keys))
	f := 0
	for k, js := range links {
		for _, j := range js {
			if t := tof[f]; t >= 0 && targets[t] != nil {
				per[k] = append(per[k], targets[t])
				vias[k] = append(vias[k], j)
			}
			f++
		}
	}
	return path, seeks + tseeks, read, vias, nil
}

// arrange orders the related rows of one key and applies the limit,
// keeping the junction rows (if any) in step.
func (sp *batchSpec) arrange(rows [][]any, vias [][][]any, k int) ([][]any, [][][]any) {
	if len(sp.order) > 0 && len(rows) > 1 {
		idx := make([]int, len(rows))
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(a, b int) int { return compareRows(rows[a], rows[b], sp.order, sp.orderAt) })
		sorted := make([][]any, len(rows))
		for i, j := range idx {
			sorted[i] = rows[j]
		}
		rows = sorted
		if vias != nil {
			sv := make([][]any, len(idx))
			for i, j := range idx {
				sv[i] = vias[k][j]
			}
			vias[k] = sv
		}
	}
	if sp.limit > 0 && len(rows) > sp.limit {
		rows = rows[:sp.limit]
		if vias != nil {
			vias[k] = vias[k][:sp.limit]
		}
	}
	return rows, vias
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
