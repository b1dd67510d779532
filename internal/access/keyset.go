package access

import (
	"slices"
	"strings"
	"sync"

	"github.com/reldb/reldb/index"
	"github.com/reldb/reldb/internal/catalog"
)

// DistinctKeys encodes the cols of every row and returns the distinct
// non-NULL keys in order, and for each row the index of its key in them
// (-1 for a key with a NULL). The keys are never modified afterwards, so a
// write transaction may keep them in its read set.
func DistinctKeys(src RowSource, cols []int) (keys KeySet, of []int32) {
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
			buf = catalog.AppendCols(buf, vals, cols)
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
		return KeySet{enc: all}, of
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
	return KeySet{enc: uniq}, of
}

// RowSource is the rows of a batch: values, or the boxes a tree holds
// them in (see rowOf).
type RowSource struct {
	Rows  [][]any  // the rows, when not boxed
	Boxes []*[]any // the rows as a tree holds them, when set
}

func (s RowSource) len() int {
	if s.Boxes != nil {
		return len(s.Boxes)
	}
	return len(s.Rows)
}

func (s RowSource) at(i int) []any {
	if s.Boxes != nil {
		return *s.Boxes[i]
	}
	return s.Rows[i]
}

// KeySet is the sorted, distinct keys of a batch, encoded; dense says they
// are integers that fill at least half of the span between the first and
// the last, so that little else lies in their range.
//
// Integer keys are kept back to back in packed, key i ending at ends[i]:
// a batch may have thousands, and a slice header apiece would be several
// times their size.
type KeySet struct {
	enc    [][]byte
	packed []byte
	ends   []int32 // non-nil for integer keys
	dense  bool
}

// Len returns the number of keys.
func (k *KeySet) Len() int {
	if k.ends != nil {
		return len(k.ends)
	}
	return len(k.enc)
}

// key returns key i.
func (k *KeySet) key(i int) []byte {
	if k.ends != nil {
		start := int32(0)
		if i > 0 {
			start = k.ends[i-1]
		}
		end := k.ends[i]
		return k.packed[start:end:end]
	}
	return k.enc[i]
}

// distinctInts is distinctKeys for one Int column, the common key: it
// deduplicates and sorts the integers and encodes only the distinct ones.
// ok is false when a value is not an int64. The integers are gathered in
// a buffer from intScratch, which it keeps no reference to.
func distinctInts(src RowSource, col int) (keys KeySet, of []int32, ok bool) {
	n := src.len()
	of = make([]int32, n)
	scratch := IntScratch.Get().(*[]int64)
	ints := (*scratch)[:0]
	if cap(ints) < n {
		ints = make([]int64, 0, n)
	}
	defer func() {
		*scratch = ints[:0]
		IntScratch.Put(scratch)
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
			return KeySet{}, nil, false
		}
	}
	keys = intKeySet(ints, of, sorted)
	return keys, of, true
}

// DistinctInts is DistinctKeys of one integer column whose values are xs:
// the sorted, distinct keys, and of[i] the place of xs[i] among them.
func DistinctInts(xs []int64) (keys KeySet, of []int32) {
	of = make([]int32, len(xs))
	sorted := true
	for i, x := range xs {
		if i > 0 && xs[i-1] >= x {
			sorted = false
		}
		of[i] = int32(i)
	}
	return intKeySet(xs, of, sorted), of
}

// intKeySet returns the KeySet of the distinct values of ints, sorted
// says they are strictly increasing, and points each of (an index into
// ints, or -1) at its value's place among them. It keeps no reference to
// ints.
func intKeySet(ints []int64, of []int32, sorted bool) KeySet {
	uniq := ints
	if !sorted {
		uniq = dedupeInts(ints, of)
	}
	size := 0
	for _, x := range uniq {
		size += index.IntKeyLen(x)
	}
	buf := make([]byte, 0, size)
	ends := make([]int32, len(uniq))
	for i, x := range uniq {
		buf = index.AppendInt(buf, x)
		ends[i] = int32(len(buf))
	}
	dense := len(uniq) > 1 && uint64(uniq[len(uniq)-1]-uniq[0]) < uint64(2*len(uniq))
	return KeySet{packed: buf, ends: ends, dense: dense}
}

// IntScratch recycles distinctInts' integer buffers across transactions:
// a prefetch level of thousands of rows needs one as long as the level.
var IntScratch = sync.Pool{New: func() any { return new([]int64) }}

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
