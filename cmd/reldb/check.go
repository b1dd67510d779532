package main

import (
	"fmt"
	"io"
	"strings"
)

func runCheck(args []string, stdout, stderr io.Writer) int {
	db, status := dirCommand("check", "Verifies a durable database: every log record's and the snapshot's checksum\n(opening reads them all), every index against its table, and the referential\nintegrity of every relation. Exit status 0 when clean, 1 with the problems.", args, stderr)
	if db == nil {
		return status
	}
	defer db.Close()
	if err := db.Check(); err != nil {
		fmt.Fprintln(stdout, "problems:")
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(stdout, "  %s\n", line)
		}
		return 1
	}
	fmt.Fprintln(stdout, "ok: checksums, indexes and relations are consistent")
	return 0
}
