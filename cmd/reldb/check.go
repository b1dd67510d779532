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
	var problems []string
	if st, err := db.Storage(); err != nil {
		problems = append(problems, err.Error())
	} else if st.Repaired != "" {
		problems = append(problems, "the log's final record failed its checks and opening "+st.Repaired+
			": an unacknowledged commit torn by a crash, or damage")
	}
	if err := db.Check(); err != nil {
		problems = append(problems, strings.Split(err.Error(), "\n")...)
	}
	if len(problems) > 0 {
		fmt.Fprintln(stdout, "problems:")
		for _, p := range problems {
			fmt.Fprintf(stdout, "  %s\n", p)
		}
		return 1
	}
	fmt.Fprintln(stdout, "ok: checksums, indexes and relations are consistent")
	return 0
}
