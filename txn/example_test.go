package txn_test

import (
	"fmt"
	"log"

	"github.com/reldb/reldb/index"
	"github.com/reldb/reldb/txn"
)

// This example shows snapshot isolation and a write-write conflict: a
// reader keeps the snapshot it began on, and of two writers of one key the
// second to commit fails with ErrConflict.
func ExampleOracle() {
	const accounts txn.TreeID = 1
	o := txn.NewOracle(map[txn.TreeID]*index.Tree{accounts: index.NewTree()})
	key := []byte("alice")

	reader := o.Begin(txn.ReadOnly)
	w1, w2 := o.Begin(txn.ReadWrite), o.Begin(txn.ReadWrite)
	w1.Put(accounts, index.Entry{Key: key, Val: &[]any{100}})
	w2.Put(accounts, index.Entry{Key: key, Val: &[]any{200}})
	if _, err := w1.Commit(); err != nil {
		log.Fatal(err)
	}
	_, err := w2.Commit()
	fmt.Println("second writer:", err != nil)

	_, found := reader.Get(accounts, key)
	fmt.Println("old reader sees alice:", found)
	e, _ := o.Begin(txn.ReadOnly).Get(accounts, key)
	fmt.Println("new reader sees:", (*e.Val)[0])
	// Output:
	// second writer: true
	// old reader sees alice: false
	// new reader sees: 100
}
