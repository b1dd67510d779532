package reltest_test

import (
	"context"
	"fmt"
	"log"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/engine/reltest"
)

// This example counts what a page of code loads; in a test,
// reltest.MaxLoads(t, tx, 2, page) fails when the page loads more than 2
// times and lists every load with its line.
func ExampleLoads() {
	ctx := context.Background()
	db, err := engine.Open(engine.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	err = db.Update(ctx, func(tx *engine.Tx) error {
		_ = tx.CreateTable(engine.Table{Name: "authors", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}}})
		_ = tx.CreateTable(engine.Table{Name: "books", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "author_id", Type: engine.Int}}})
		if err := tx.CreateRelation(engine.Relation{Child: "books", Columns: []string{"author_id"}, Parent: "authors", ChildrenAs: "books"}); err != nil {
			return err
		}
		for a := 1; a <= 3; a++ {
			_, _ = tx.Insert("authors", engine.Row{"id": a})
			_, _ = tx.Insert("books", engine.Row{"id": 10 * a, "author_id": a})
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	page := func(tx *engine.Tx, q *engine.Query) {
		authors, _ := q.All()
		for _, a := range authors {
			_, _ = a.Related("books")
		}
	}
	_ = db.View(ctx, func(tx *engine.Tx) error {
		lazy := reltest.Loads(tx, func() { page(tx, tx.Query("authors")) })
		eager := reltest.Loads(tx, func() { page(tx, tx.Query("authors").Prefetch("books")) })
		fmt.Println("lazy:", len(lazy), "loads; eager:", len(eager), "loads")
		fmt.Println(eager[1].Kind, eager[1].Relation, "rows:", eager[1].Rows)
		return nil
	})
	// Output:
	// lazy: 4 loads; eager: 2 loads
	// batch authors.books rows: 3
}
