package relation_test

import (
	"fmt"

	"github.com/reldb/reldb/relation"
)

// This example reads the key a child row references: under MATCH SIMPLE a
// key with a NULL is not checked; under MATCH FULL a partly NULL key is an
// error.
func ExampleFK_ChildKey() {
	fk := &relation.FK{Name: "shipments_order_fkey", Child: "shipments", Parent: "orders",
		ChildCols: []int{1, 2}, ParentCols: []int{0, 1}, OnDelete: relation.Cascade}
	for _, row := range [][]any{{int64(1), int64(7), "eu"}, {int64(2), int64(7), nil}} {
		key, check, err := fk.ChildKey(row)
		fmt.Println(key, check, err)
	}
	fk.Match = relation.MatchFull
	_, _, err := fk.ChildKey([]any{int64(2), int64(7), nil})
	fmt.Println(err != nil, fk.OnDelete)
	// Output:
	// [7 eu] true <nil>
	// [7 <nil>] false <nil>
	// true CASCADE
}
