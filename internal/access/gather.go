package access

import (
	"slices"

	"github.com/reldb/reldb/index"
)

// BatchSpec is PrefetchOptions bound to the related table.
type BatchSpec struct {
	Conds   []Bound     // the relation's filter
	Order   []OrderTerm // the order of each parent's related rows
	OrderAt []int       // Order's column positions
	Limit   int         // rows kept per parent; < 0: all
}

// Gather collects the related rows of sorted keys, added in key order.
// Through a junction, a row is a target (target[i] of targetRows) reached
// by a junction row (vias[i]); otherwise rows holds it.
type Gather struct {
	Rows       [][]any  // the rows gathered, when not through a junction
	Vias       []*[]any // through: the junction rows, boxed as stored
	Target     []int32  // through: the target of each junction row, in TargetRows
	TargetRows [][]any  // through: the distinct targets
	Ends       []int    // Ends[k] is the end of key k's range in Rows (or Vias)
	Keep       []int    // Keep[k] is how many of that range Arrange kept
	Last       int      // the key added last
	N          int      // rows gathered
	// ViaKeys replaces Vias through a junction kept in a derived tree
	// (index.NewDerivedTree): its rows are made of these keys, and only
	// when asked for (Links).
	ViaKeys []index.InlineKey
}

// Add gathers a row of key k.
func (g *Gather) Add(k int, row []any) {
	g.Close(k)
	g.Rows = append(g.Rows, row)
	g.N++
}

// AddTarget gathers target t of key k, reached by junction row via.
func (g *Gather) AddTarget(k int, t int32, via *[]any) {
	g.Close(k)
	g.Target = append(g.Target, t)
	g.Vias = append(g.Vias, via)
	g.N++
}

// AddTargetKey is AddTarget of a junction row given by its key (ViaKeys).
func (g *Gather) AddTargetKey(k int, t int32, via index.InlineKey) {
	g.Close(k)
	g.Target = append(g.Target, t)
	g.ViaKeys = append(g.ViaKeys, via)
	g.N++
}

// row returns gathered row i.
func (g *Gather) row(i int) []any {
	if g.TargetRows != nil {
		return g.TargetRows[g.Target[i]]
	}
	return g.Rows[i]
}

// Close ends the ranges of keys [last, n).
func (g *Gather) Close(n int) {
	for ; g.Last < n; g.Last++ {
		g.Ends[g.Last] = g.N
	}
}

// Count is how many rows of key k are kept.
func (g *Gather) Count(k int) int {
	if g.Keep != nil {
		return g.Keep[k]
	}
	start := 0
	if k > 0 {
		start = g.Ends[k-1]
	}
	return g.Ends[k] - start
}

// Kept is how many rows are kept in all.
func (g *Gather) Kept() int {
	if g.Keep == nil {
		return g.N
	}
	n := 0
	for _, c := range g.Keep {
		n += c
	}
	return n
}

// Arrange orders each key's range and applies the per-key limit.
func (g *Gather) Arrange(sp *BatchSpec) {
	g.Keep = make([]int, len(g.Ends))
	start := 0
	for k, end := range g.Ends {
		if len(sp.Order) > 0 && end-start > 1 {
			idx := make([]int, end-start)
			for i := range idx {
				idx[i] = start + i
			}
			slices.SortStableFunc(idx, func(a, b int) int { return compareRows(g.row(a), g.row(b), sp.Order, sp.OrderAt) })
			if g.TargetRows != nil {
				if g.ViaKeys != nil {
					permute(g.ViaKeys[start:end], idx, start)
				} else {
					permute(g.Vias[start:end], idx, start)
				}
				permute(g.Target[start:end], idx, start)
			} else {
				permute(g.Rows[start:end], idx, start)
			}
		}
		g.Keep[k] = end - start
		if sp.Limit > 0 {
			g.Keep[k] = min(g.Keep[k], sp.Limit)
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

// compareRows orders two rows by ORDER BY terms.
func compareRows(a, b []any, order []OrderTerm, orderAt []int) int {
	for i, col := range orderAt {
		c := index.Compare(a[col], b[col])
		if order[i].Dir == Desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return 0
}
