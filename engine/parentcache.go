package engine

import (
	"bytes"
	"hash/maphash"

	"github.com/reldb/reldb/index"
)

// parentCache remembers, for one relation, parent keys that this write
// transaction has already found present, so that checking a foreign key
// costs a B-tree descent once per distinct parent instead of once per child
// row: a bulk load checks the same author for each of its books and the
// same few tags for thousands of junction rows.
//
// A hit answers "present" without looking, which is sound for two reasons:
//
//   - The first lookup went through txn.Txn.Get, which put the key in the
//     read set, and a read set only grows during a transaction (even
//     RollbackTo keeps reads). So a concurrent transaction that deletes the
//     parent and commits first still makes this one conflict at commit,
//     exactly as if every child had looked the parent up.
//   - Within the transaction the parent tree can lose a key only by a
//     removal — a delete (a cascade's too), an update replacing a key, a
//     rollback of a statement or savepoint that undoes the parent's
//     insert, a dropped tree — and each advances txn.Txn.Removals. A slot
//     keeps the count it was filled at and is ignored once it moved.
//
// Only present keys are cached: a missing parent is an error, never the
// fast path. The slots are direct-mapped by a hash of the encoded key; a
// collision just evicts.
type parentCache struct {
	fk     *fkDef
	checks int          // lookups so far; the slots come after a few
	hits   int          // checks answered by a slot (tests look)
	slots  []parentSlot // nil until then, so a short transaction pays nothing
}

type parentSlot struct {
	key      []byte // the encoded parent key, owned by the arena: immutable
	removals uint64 // txn.Txn.Removals when the key was found
}

const (
	// parentSlots is the slots per relation: enough for a few hundred
	// parents in use at once (a tag table) at 4 KiB a relation.
	parentSlots = 128
	// parentCacheAfter is the lookups of one relation after which a
	// transaction starts caching its parents.
	parentCacheAfter = 8
)

var parentSeed = maphash.MakeSeed()

// parentCacheFor returns the transaction's cache for fk, adding one.
// Transactions check few relations, so a linear search is the fastest
// lookup.
func (tx *Tx) parentCacheFor(fk *fkDef) *parentCache {
	for i := range tx.parents {
		if tx.parents[i].fk == fk {
			return &tx.parents[i]
		}
	}
	tx.parents = append(tx.parents, parentCache{fk: fk})
	return &tx.parents[len(tx.parents)-1]
}

// parentFound reports whether row's foreign key under fk has no NULL and
// references a parent present in the transaction's view, recording the
// read as parentExists does (once per key and removal count; see
// parentCache). false means "not shown": the caller takes the general path,
// which handles NULLs, MATCH FULL, deferral and the error.
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
	pc := tx.parentCacheFor(fk)
	removals := tx.t.Removals()
	var slot *parentSlot
	if pc.slots != nil {
		slot = &pc.slots[maphash.Bytes(parentSeed, buf)%parentSlots]
		if slot.removals == removals && bytes.Equal(slot.key, buf) {
			pc.hits++
			return true
		}
	} else if pc.checks++; pc.checks >= parentCacheAfter {
		pc.slots = make([]parentSlot, parentSlots)
	}
	key := tx.arena.own(buf) // the read set keeps it
	if _, ok := tx.t.Get(fk.parentTree, key); !ok {
		return false
	}
	if slot != nil {
		*slot = parentSlot{key: key, removals: removals}
	}
	return true
}
