package catalog

import (
	"github.com/reldb/reldb/index"
	"github.com/reldb/reldb/txn"
)

// EachTable calls fn for every table of snap, in name order. It reads the
// snapshot directly: nothing is recorded in a read set.
func EachTable(snap *txn.Snapshot, fn func(*Table)) {
	snap.Tree(CatalogTree).Ascend(nil, nil, func(e index.Entry) bool {
		fn(TableOf(e.Val))
		return true
	})
}

// TableVal returns what CatalogTree holds for d: trees hold rows, so a
// definition is held as a row of one value.
func TableVal(d *Table) *[]any { return &[]any{d} }

// TableOf returns the table a CatalogTree entry holds (see TableVal).
func TableOf(v *[]any) *Table { return (*v)[0].(*Table) }

// CatalogKey returns the key of the table named name in CatalogTree.
func CatalogKey(name string) []byte {
	k, _ := index.AppendValue(nil, name)
	return k
}
