package wal_test

import (
	"fmt"
	"log"
	"os"

	"github.com/reldb/reldb/wal"
)

// This example appends two records in one batch (one write, one fsync),
// reopens the log and reads them back.
func ExampleLog_Append() {
	dir, err := os.MkdirTemp("", "wal-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	l, err := wal.Open(dir, wal.Options{})
	if err != nil {
		log.Fatal(err)
	}
	last, err := l.Append([]byte("first commit"), []byte("second commit"))
	if err != nil {
		log.Fatal(err)
	}
	if err := l.Close(); err != nil {
		log.Fatal(err)
	}
	if l, err = wal.Open(dir, wal.Options{}); err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	for i := uint64(1); i <= last; i++ {
		p, err := l.Read(i)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%d: %s\n", i, p)
	}
	// Output:
	// 1: first commit
	// 2: second commit
}
