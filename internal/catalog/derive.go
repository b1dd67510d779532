package catalog

import (
	"bytes"
	"fmt"
	"unsafe"

	"github.com/reldb/reldb/index"
	"github.com/reldb/reldb/txn"
)

// KeyDerive returns the function that makes a row of d from an entry's
// key in tree, d's primary tree or one of its indexes, when the key holds
// every column of the row and each in an encoding that gives its value
// back exactly: a table whose columns are all in its primary key, of
// types Int, Text and Bool (a junction without payload between tables
// keyed by integers is the usual one), and the indexes of such a table
// whose keys hold all its columns (a junction's reverse index). It
// returns nil for every other tree.
//
// Such a tree is created derived (index.NewDerivedTree): it holds its keys
// and no rows, the rows it hands out are made from the keys, and the
// collector has nothing in it to scan.
func (d *Table) KeyDerive(tree txn.TreeID) index.Derive {
	if !d.KeysOnly() {
		return nil
	}
	pos := d.keyPositions(tree)
	if len(pos) != len(d.Cols) {
		return nil
	}
	seen := make([]bool, len(d.Cols))
	for _, p := range pos {
		if seen[p] {
			return nil
		}
		seen[p] = true
	}
	n := len(d.Cols)
	general := func(k index.InlineKey) (*[]any, []byte) {
		var buf [16]byte
		key := bytes.Clone(k.Put(&buf))
		// A key with a NULL is possible for a moment: a statement that
		// sets a key column to NULL puts the row before the NOT NULL
		// check refuses it and takes it back.
		vals, err := index.DecodeKey(key)
		if err != nil || len(vals) != n {
			panic(fmt.Sprintf("catalog: a derived tree holds a key that is not a row's: %x (%v)", key, err))
		}
		row := make([]any, n)
		for i, p := range pos {
			row[p] = vals[i]
		}
		return &row, key
	}
	if n == 2 && d.Cols[0].Type == Int && d.Cols[1].Type == Int {
		first := pos[0]
		return func(key index.InlineKey) (*[]any, []byte) {
			if row, stored := intPairRow(key, first); row != nil {
				return row, stored
			}
			return general(key)
		}
	}
	return general
}

// EmptyTree returns a new empty tree for tree, d's primary tree or one of
// its indexes: derived when d's rows can be made from its keys
// (KeyDerive), ordinary otherwise. The engine and recovery both create
// d's trees with it.
func (d *Table) EmptyTree(tree txn.TreeID) *index.Tree {
	if derive := d.KeyDerive(tree); derive != nil {
		return index.NewDerivedTree(derive)
	}
	return index.NewTree()
}

// KeysOnly reports whether every column of d is in its primary key, and
// of a type whose key encoding gives its value back exactly (Int, Text,
// Bool): the rows of its primary tree are made from their keys (see
// KeyDerive). Such a table's rows are worth no stored memory of their
// own, so package engine allocates them apart from other tables' rows,
// whose memory the trees keep: they are garbage once written.
func (d *Table) KeysOnly() bool {
	if len(d.PK) != len(d.Cols) {
		return false
	}
	for i := range d.Cols {
		switch d.Cols[i].Type {
		case Int, Text, Bool:
		default:
			return false
		}
	}
	return true
}

// KeyHolds reports whether the keys of tree, d's primary tree or one of
// its indexes, hold the columns lead and then the columns rest, and
// nothing else. It allocates nothing: a lazy walk asks it on every load.
func (d *Table) KeyHolds(tree txn.TreeID, lead, rest []int) bool {
	cols, tail := d.PK, []int(nil)
	if tree != d.Primary {
		ix := d.indexOn(tree)
		if ix == nil {
			return false
		}
		cols = ix.Cols
		if !ix.Unique {
			tail = ix.Tail
		}
	}
	if len(cols)+len(tail) != len(lead)+len(rest) {
		return false
	}
	for i := range len(lead) + len(rest) {
		got, want := 0, 0
		if i < len(cols) {
			got = cols[i]
		} else {
			got = tail[i-len(cols)]
		}
		if i < len(lead) {
			want = lead[i]
		} else {
			want = rest[i-len(lead)]
		}
		if got != want {
			return false
		}
	}
	return true
}

// indexOn returns the index of d held in tree, or nil.
func (d *Table) indexOn(tree txn.TreeID) *Index {
	for _, ix := range d.Indexes {
		if ix.Tree == tree {
			return ix
		}
	}
	return nil
}

// keyPositions returns the positions of the columns whose values tree's
// keys hold, in key order, or nil when tree is none of d's.
func (d *Table) keyPositions(tree txn.TreeID) []int {
	if tree == d.Primary {
		return d.PK
	}
	for _, ix := range d.Indexes {
		if ix.Tree != tree {
			continue
		}
		if ix.Unique {
			// Unique keys carry the tail only for a NULL, which a
			// table whose every column is in its primary key has not.
			return ix.Cols
		}
		return append(append([]int(nil), ix.Cols...), ix.Tail...)
	}
	return nil
}

// pairRow is a row of two integers in one allocation: its box, its cells,
// their values and the key they were read from (96 bytes).
type pairRow struct {
	box   []any
	cells [2]any
	vals  [2]int64
	key   [16]byte
}

// intPairRow makes the row of two Int columns whose key is key: the first
// of its values belongs at position first (0 or 1), the second at the
// other. It returns nil when key is not two integers.
func intPairRow(k index.InlineKey, first int) (*[]any, []byte) {
	r := new(pairRow)
	key := k.Put(&r.key)
	a, n, ok := index.ReadInt(key)
	var b int64
	var m int
	if ok {
		b, m, ok = index.ReadInt(key[n:])
	}
	if !ok || n+m != len(key) {
		return nil, nil
	}
	r.vals[first], r.vals[1-first] = a, b
	r.cells[0] = boxAt(int64Word, unsafe.Pointer(&r.vals[0]))
	r.cells[1] = boxAt(int64Word, unsafe.Pointer(&r.vals[1]))
	r.box = r.cells[:]
	return &r.box, key
}
