package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/reldb/reldb/engine"
)

func runInspect(args []string, stdout, stderr io.Writer) int {
	db, status := dirCommand("inspect", "Prints a durable database's schema — tables, row counts, relations seen\nfrom both sides — and the sizes of its log and snapshot.", args, stderr)
	if db == nil {
		return status
	}
	defer db.Close()
	if err := inspect(db, stdout); err != nil {
		fmt.Fprintf(stderr, "reldb inspect: %v\n", err)
		return 1
	}
	return 0
}

func inspect(db *engine.DB, w io.Writer) error {
	st, err := db.Storage()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "database %s\n", st.Dir)
	fmt.Fprintf(w, "  log: %d bytes in %d segment(s)\n", st.LogBytes, st.LogSegments)
	if st.Snapshot == "" {
		fmt.Fprintln(w, "  snapshot: none yet")
	} else {
		fmt.Fprintf(w, "  snapshot: %s, %d bytes\n", st.Snapshot, st.SnapshotBytes)
	}
	return db.View(context.Background(), func(tx *engine.Tx) error {
		tables, err := tx.Tables()
		if err != nil {
			return err
		}
		for _, t := range tables {
			n, err := tx.Query(t.Name).Count()
			if err != nil {
				return err
			}
			cols := make([]string, len(t.Columns))
			for i, c := range t.Columns {
				cols[i] = c.Name + " " + c.Type.String()
			}
			fmt.Fprintf(w, "\ntable %s (%s), %d row(s)\n", t.Name, strings.Join(cols, ", "), n)
			fmt.Fprintf(w, "  primary key (%s)\n", strings.Join(t.PrimaryKey, ", "))
			for _, ix := range t.Indexes {
				kind := "index"
				if ix.Unique {
					kind = "unique index"
				}
				fmt.Fprintf(w, "  %s %s (%s)\n", kind, ix.Name, strings.Join(ix.Columns, ", "))
			}
			rels, err := tx.Relations(t.Name)
			if err != nil {
				return err
			}
			for _, r := range rels {
				if r.Child == t.Name {
					fmt.Fprintf(w, "  %s -> %s.%s (%s): %s (%s), on delete %v, on update %v\n", accessor(r.ParentAs), r.Parent,
						strings.Join(r.References, ", "), strings.Join(r.Columns, ", "), r.Name, r.Kind, r.OnDelete, r.OnUpdate)
				}
				if r.Parent == t.Name {
					fmt.Fprintf(w, "  %s <- %s (%s): %s (%s)\n", accessor(r.ChildrenAs), r.Child, strings.Join(r.Columns, ", "), r.Name, r.Kind)
				}
			}
			m2m, err := tx.ManyToManys(t.Name)
			if err != nil {
				return err
			}
			for _, m := range m2m {
				if m.Left == t.Name {
					fmt.Fprintf(w, "  %s <-> %s through %s\n", accessor(m.LeftAs), m.Right, m.Through)
				}
				if m.Right == t.Name {
					fmt.Fprintf(w, "  %s <-> %s through %s\n", accessor(m.RightAs), m.Left, m.Through)
				}
			}
		}
		return nil
	})
}

// accessor names a relation's side, or says it has no name.
func accessor(name string) string {
	if name == "" {
		return "(unnamed)"
	}
	return name
}
