package index_test

import (
	"bytes"
	"fmt"
	"log"

	"github.com/reldb/reldb/index"
)

// This example encodes composite keys: comparing the bytes orders them as
// their values, column by column, with NULL after every value (as
// PostgreSQL's default ascending order).
func ExampleAppendKey() {
	keys := [][]any{{int64(2), "b"}, {int64(-7), "z"}, {nil, "a"}, {int64(2), "a"}}
	var enc [][]byte
	for _, k := range keys {
		b, err := index.AppendKey(nil, k...)
		if err != nil {
			log.Fatal(err)
		}
		enc = append(enc, b)
	}
	for i := range enc {
		for j := range enc {
			if i < j {
				fmt.Println(keys[i], keys[j], bytes.Compare(enc[i], enc[j]))
			}
		}
	}
	back, err := index.DecodeKey(enc[0])
	fmt.Println(back, err)
	// Output:
	// [2 b] [-7 z] 1
	// [2 b] [<nil> a] -1
	// [2 b] [2 a] 1
	// [-7 z] [<nil> a] -1
	// [-7 z] [2 a] -1
	// [<nil> a] [2 a] 1
	// [2 b] <nil>
}
