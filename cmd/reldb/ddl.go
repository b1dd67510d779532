package main

import (
	"context"
	"fmt"
	"io"

	"github.com/reldb/reldb/engine"
)

func runDDL(args []string, stdout, stderr io.Writer) int {
	db, status := dirCommand("ddl", "Prints a durable database's schema as PostgreSQL DDL: CREATE TABLE with\nREFERENCES ... ON DELETE ... DEFERRABLE, junction tables and indexes.", args, stderr)
	if db == nil {
		return status
	}
	defer db.Close()
	err := db.View(context.Background(), func(tx *engine.Tx) error {
		ddl, err := tx.DDL()
		if err == nil {
			_, err = io.WriteString(stdout, ddl)
		}
		return err
	})
	if err != nil {
		fmt.Fprintf(stderr, "reldb ddl: %v\n", err)
		return 1
	}
	return 0
}
