package access

import (
	"github.com/reldb/reldb/index"
	"github.com/reldb/reldb/internal/catalog"
	"github.com/reldb/reldb/txn"
)

// Reader reads a transaction's trees along the access paths below.
type Reader struct {
	T     *txn.Txn          // the transaction whose trees are read
	Arena *catalog.KeyArena // a writer's key arena; nil in a read-only transaction
}

// Access paths of a batched load.
const (
	PathSeek = "seek"
	PathScan = "scan"
)

// SeekCost is how many index entries an ordered scan reads in the time
// one seek takes, roughly (a seek descends 3-4 levels of degree-32 nodes,
// missing cache on the way; a scan reads entries in order).
const SeekCost = 8

// Probe calls fn(i, box) for every entry of tree whose key starts with
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
//
// fn gets each entry as an index.Ref, and must call its Val within the
// call if it wants the row: an entry of a derived tree
// (index.NewDerivedTree) makes its row only when asked.
func (r Reader) Probe(tree txn.TreeID, keys KeySet, ncols int, point bool, domain int, fn func(i int, e index.Ref)) (path string, seeks int, err error) {
	k, n := keys.Len(), r.T.Len(tree)
	if k == 0 {
		return "", 0, nil
	}
	domain = max(domain, k)
	if k > 1 && (keys.dense || n*(domain-k) <= k*SeekCost*domain) {
		// The scan stops itself past the last key. A treeReader scans with no
		// upper bound, which spares the B-tree a comparison per entry; a
		// writer bounds it, so that its read set holds no more than the
		// keys' range when the tree ends before a stop.
		var hi []byte
		if r.Arena != nil {
			hi = r.RangeEnd(nil, keys.key(k-1))
		}
		// The merge: i is the first key not yet passed; gap counts the
		// entries since the last match, up to a reseek. scanFrom scans
		// from key i on.
		i, gap, reseek := 0, 0, false
		scanFrom := func() {
			r.T.ScanPrefix(tree, keys.key(i), hi, func(_, _ uint64, e index.Ref) bool {
				return r.probeStep(keys, &i, &gap, &reseek, e, ncols, &err, fn)
			})
		}
		if keys.ends != nil && ncols == 1 {
			// Integer keys of one column (at most 9 bytes): entries
			// whose key fits the 7 bytes a tree element holds inline are
			// matched without reading them or their keys, unless they
			// match; the tree reads a longer key's first 16 bytes from
			// its item. An entry's first bytes, as many as key i has, equal
			// key i when its first value is key i (an encoded value is
			// never a prefix of another) and order as the values do.
			// k0, k1 are key i as the tree's inline words, m0, m1 the
			// masks of its length: set when i moves.
			var k0, k1, m0, m1 uint64
			setKey := func() {
				key := keys.key(i)
				k0, k1 = index.InlinePrefix(key)
				m0, m1 = prefixMasks(len(key))
			}
			setKey()
			visit := func(p0, p1 uint64, it index.Ref) bool {
				if !index.IsIntTag(byte(p0 >> 56)) {
					// Another type (NULL) leads: compare the bytes.
					at := i
					goOn := r.probeStep(keys, &i, &gap, &reseek, it, ncols, &err, fn)
					if i != at && i < k {
						setKey()
					}
					return goOn
				}
				for {
					// Masked to key i's length, which changes with i.
					p0, p1 := p0&m0, p1&m1
					if p0 == k0 && p1 == k1 {
						gap = 0
						fn(i, it)
						return true
					}
					if p0 < k0 || (p0 == k0 && p1 < k1) {
						if gap++; gap > SeekCost {
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
			scanFrom = func() { r.T.ScanPrefix(tree, keys.key(i), hi, visit) }
		}
		for i < k && err == nil {
			seeks++
			gap, reseek = 0, false
			scanFrom()
			if !reseek {
				break
			}
		}
		return PathScan, seeks, err
	}
	var hi []byte
	for i := range k {
		key := keys.key(i)
		if point {
			if e, ok := r.T.Get(tree, key); ok {
				fn(i, index.EntryRef(e))
			}
			continue
		}
		hi = r.RangeEnd(hi, key)
		r.T.ScanPrefix(tree, key, hi, func(_, _ uint64, e index.Ref) bool {
			fn(i, e)
			return true
		})
	}
	return PathSeek, k, nil
}

// probeStep is one entry of probe's merge scan: it passes the keys
// before the entry's key prefix, hands the entry on if its prefix is key
// *i, and counts entries that match no key (gap) up to a reseek. It
// returns whether the scan goes on.
func (r Reader) probeStep(keys KeySet, i, gap *int, reseek *bool, e index.Ref, ncols int, err *error, fn func(i int, e index.Ref)) bool {
	key := e.Key()
	n, serr := index.SkipValues(key, ncols)
	if serr != nil {
		*err = serr
		return false
	}
	prefix := key[:n]
	k := keys.Len()
	for *i < k && string(keys.key(*i)) < string(prefix) {
		*i++
	}
	if *i == k {
		return false
	}
	if string(keys.key(*i)) == string(prefix) {
		*gap = 0
		fn(*i, e)
		return true
	}
	if *gap++; *gap > SeekCost {
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

// RangeEnd returns the end of the range of keys that start with prefix
// (index.PrefixEnd). A treeReader keeps no read set, so it reuses buf; a
// writer's read set keeps the key, so it comes from the arena.
func (r Reader) RangeEnd(buf, prefix []byte) []byte {
	if r.Arena != nil {
		return r.Arena.PrefixEnd(prefix)
	}
	return index.AppendPrefixEnd(buf[:0], prefix)
}
