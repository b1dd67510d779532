package engine

import (
	"bytes"
	"encoding/binary"

	"github.com/reldb/reldb/index"
)

// parentCache remembers, for one relation, parent keys that this write
// transaction knows to be present, so that checking a foreign key costs a
// B-tree descent once per distinct parent instead of once per child row: a
// bulk load checks the same author for each of its books and the same few
// tags for thousands of junction rows.
//
// A key gets in two ways, and a hit answers "present" without looking:
//
//   - A lookup found it. That lookup went through txn.Txn.Get, which put
//     the key in the read set, and a read set only grows during a
//     transaction (even RollbackTo keeps reads). So a concurrent
//     transaction that deletes the parent and commits first still makes
//     this one conflict at commit, as if every child had looked it up.
//   - This transaction inserted the parent (see rememberParent). Its write
//     set holds the key then, and a concurrent commit that writes the key
//     conflicts with that write; no read is needed.
//
// Within the transaction the parent tree can lose a key only by a removal
// — a delete (a cascade's too), an update moving a key, a rollback of a
// statement or savepoint undoing the parent's insert, a dropped tree — and
// each advances txn.Txn.Removals. A slot keeps the count it was filled at
// and is ignored once the count moved.
//
// Only present keys are cached: a missing parent is an error, never the
// fast path. Slots form two-way sets indexed by a hash of the encoded key;
// a third key in a set evicts the older one.
type parentCache struct {
	fk    *fkDef
	hits  int          // checks answered by a slot (tests look)
	slots []parentSlot // 2*parentSets
}

type parentSlot struct {
	key      []byte // the encoded parent key, immutable (from the arena or a tree)
	removals uint64 // txn.Txn.Removals when the key was known present
}

const (
	// parentSets is the sets per relation, of two slots each: room for
	// about a hundred parents in use at once (a tag table) in 4 KiB.
	parentSets = 64
	// parentCacheAfter is the foreign-key checks after which a
	// transaction starts caching parents, so that a short one pays
	// nothing for the cache.
	parentCacheAfter = 8
)

// set returns the two slots key may occupy.
func (pc *parentCache) set(key []byte) []parentSlot {
	i := 2 * int(slotHash(key)>>(64-6)) // top 6 bits: parentSets = 64
	return pc.slots[i : i+2 : i+2]
}

// has reports whether key is cached as present at the removal count.
func (pc *parentCache) has(key []byte, removals uint64) bool {
	s := pc.set(key)
	return (s[0].removals == removals && bytes.Equal(s[0].key, key)) ||
		(s[1].removals == removals && bytes.Equal(s[1].key, key))
}

// add caches key, immutable, as present at the removal count: into an
// unusable slot of its set if there is one, else in place of the older.
func (pc *parentCache) add(key []byte, removals uint64) {
	s := pc.set(key)
	switch {
	case s[0].removals != removals || s[0].key == nil:
		s[0] = parentSlot{key: key, removals: removals}
	case s[1].removals != removals || s[1].key == nil:
		s[1] = parentSlot{key: key, removals: removals}
	default:
		s[1] = s[0]
		s[0] = parentSlot{key: key, removals: removals}
	}
}

// slotHash mixes an encoded key's bytes, eight at a time; the top bits of
// the result are well spread. Keys are at most a few dozen bytes. A
// collision costs only a lookup.
func slotHash(key []byte) uint64 {
	const m = 0x9E3779B97F4A7C15
	h := uint64(len(key))
	for ; len(key) >= 8; key = key[8:] {
		h = (h ^ binary.LittleEndian.Uint64(key)) * m
		h ^= h >> 32
	}
	for _, b := range key {
		h = (h ^ uint64(b)) * m
	}
	return h * m
}

// parentCacheFor returns the transaction's cache for fk, adding one if
// add is set, else nil. Transactions check few relations, so a linear
// search is the fastest lookup.
func (tx *Tx) parentCacheFor(fk *fkDef, add bool) *parentCache {
	for i := range tx.parents {
		if tx.parents[i].fk == fk {
			return &tx.parents[i]
		}
	}
	if !add {
		return nil
	}
	tx.parents = append(tx.parents, parentCache{fk: fk, slots: make([]parentSlot, 2*parentSets)})
	return &tx.parents[len(tx.parents)-1]
}

// parentFound reports whether row's foreign key under fk has no NULL and
// references a parent present in the transaction's view, recording the
// read as parentExists does (or knowing it recorded; see parentCache).
// false means "not shown": the caller takes the general path, which
// handles NULLs, MATCH FULL, deferral and the error.
func (tx *Tx) parentFound(fk *fkDef, row []any) bool {
	buf := tx.scratch[:0]
	for _, c := range fk.ChildCols {
		if row[c] == nil {
			return false
		}
		var err error
		if buf, err = index.AppendValue(buf, row[c]); err != nil {
			return false
		}
	}
	tx.scratch = buf
	var pc *parentCache
	removals := tx.t.Removals()
	if tx.fkChecks < parentCacheAfter {
		tx.fkChecks++
	} else {
		pc = tx.parentCacheFor(fk, true /* add */)
		if pc.has(buf, removals) {
			pc.hits++
			return true
		}
	}
	key := tx.arena.own(buf) // the read set keeps it
	if _, ok := tx.t.Get(fk.parentTree, key); !ok {
		return false
	}
	if pc != nil {
		pc.add(key, removals)
	}
	return true
}

// rememberParent caches a row that this transaction just inserted into d,
// whose primary key is pk (immutable), as a present parent for each
// relation referencing d's primary key whose parents the transaction
// already caches (see parentCache for why that needs no read). Loading
// parents, then their children, looks no parent up.
func (tx *Tx) rememberParent(d *tableDef, pk []byte) {
	for _, fk := range d.refs {
		if fk.parentTree != d.primary {
			continue
		}
		if pc := tx.parentCacheFor(fk, false /* add */); pc != nil {
			pc.add(pk, tx.t.Removals())
		}
	}
}
