package engine_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/reldb/reldb/engine"
)

// exampleAuthors declares the authors table the examples share: a generated
// key, a unique NOT NULL name, and a nullable year of birth.
var exampleAuthors = engine.Table{
	Name: "authors",
	Columns: []engine.Column{
		{Name: "id", Type: engine.Int, AutoIncrement: true},
		{Name: "name", Type: engine.Text, NotNull: true},
		{Name: "born", Type: engine.Int},
	},
	PrimaryKey: []string{"id"},
	Indexes:    []engine.Index{{Name: "authors_name", Columns: []string{"name"}, Unique: true}},
}

// exampleDB opens an in-memory database holding the authors table.
func exampleDB(ctx context.Context) *engine.DB {
	db, err := engine.Open(engine.Options{})
	if err != nil {
		log.Fatal(err)
	}
	if err := db.Update(ctx, func(tx *engine.Tx) error { return tx.CreateTable(exampleAuthors) }); err != nil {
		log.Fatal(err)
	}
	return db
}

// This example creates a table, inserts rows and queries them.
func Example() {
	ctx := context.Background()
	db, err := engine.Open(engine.Options{}) // in memory
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	err = db.Update(ctx, func(tx *engine.Tx) error {
		// 1. Create a table.
		if err := tx.CreateTable(exampleAuthors); err != nil {
			return err
		}
		// 2. Insert rows; the key is generated.
		for _, name := range []string{"Le Guin", "Butler", "Delany"} {
			if _, err := tx.Insert("authors", engine.Row{"name": name}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// 3. Query them in name order.
	err = db.View(ctx, func(tx *engine.Tx) error {
		authors, err := tx.Query("authors").OrderBy("name", engine.Asc).All()
		for _, a := range authors {
			fmt.Println(a.ID(), a.Get("name"))
		}
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 2 Butler
	// 3 Delany
	// 1 Le Guin
}

// View runs a read-only transaction on one consistent snapshot.
func ExampleDB_View() {
	ctx := context.Background()
	db := exampleDB(ctx)
	defer db.Close()
	err := db.Update(ctx, func(tx *engine.Tx) error {
		_, err := tx.Insert("authors", engine.Row{"name": "Le Guin", "born": 1929})
		return err
	})
	if err != nil {
		log.Fatal(err)
	}

	err = db.View(ctx, func(tx *engine.Tx) error {
		// 1. Look a row up by primary key.
		a, err := tx.Get("authors", 1)
		if err != nil {
			return err
		}
		fmt.Println(a)
		// 2. Writes are refused.
		_, err = tx.Insert("authors", engine.Row{"name": "Butler"})
		fmt.Println(errors.Is(err, engine.ErrReadOnly))
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// authors(id=1, name=Le Guin, born=1929)
	// true
}

// Update commits when its function returns nil and rolls back when it
// returns an error.
func ExampleDB_Update() {
	ctx := context.Background()
	db := exampleDB(ctx)
	defer db.Close()

	// 1. Returning nil commits.
	err := db.Update(ctx, func(tx *engine.Tx) error {
		_, err := tx.Insert("authors", engine.Row{"name": "Butler", "born": 1947})
		return err
	})
	fmt.Println("first:", err)
	// 2. Returning an error rolls everything back.
	errAbort := errors.New("changed my mind")
	err = db.Update(ctx, func(tx *engine.Tx) error {
		if _, err := tx.Update("authors", 1, engine.Row{"born": nil}); err != nil {
			return err
		}
		return errAbort
	})
	fmt.Println("second:", err)
	// 3. Only the first transaction's write is there.
	err = db.View(ctx, func(tx *engine.Tx) error {
		a, err := tx.Get("authors", 1)
		fmt.Println(a)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// first: <nil>
	// second: changed my mind
	// authors(id=1, name=Butler, born=1947)
}

// Begin starts an explicit transaction; deferring Rollback is always safe.
func ExampleDB_Begin() {
	ctx := context.Background()
	db := exampleDB(ctx)
	defer db.Close()

	// 1. Begin, and make sure the transaction ends.
	tx, err := db.Begin(ctx, engine.TxOptions{})
	if err != nil {
		log.Fatal(err)
	}
	defer tx.Rollback() // a no-op after Commit
	// 2. Write.
	if _, err := tx.Insert("authors", engine.Row{"name": "Delany"}); err != nil {
		log.Fatal(err)
	}
	// 3. Commit makes the write visible to later transactions.
	if err := tx.Commit(); err != nil {
		log.Fatal(err)
	}
	err = db.View(ctx, func(tx *engine.Tx) error {
		n, err := tx.Query("authors").Count()
		fmt.Println(n, "author")
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 1 author
}

// Rollback discards every write of the transaction.
func ExampleTx_Rollback() {
	ctx := context.Background()
	db := exampleDB(ctx)
	defer db.Close()

	// 1. Write in a transaction.
	tx, err := db.Begin(ctx, engine.TxOptions{})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := tx.Insert("authors", engine.Row{"name": "Le Guin"}); err != nil {
		log.Fatal(err)
	}
	// 2. Roll it back; a second Rollback does nothing.
	fmt.Println(tx.Rollback(), tx.Rollback())
	// 3. The transaction is over and its write is gone.
	_, err = tx.Get("authors", 1)
	fmt.Println(errors.Is(err, engine.ErrTxDone))
	err = db.View(ctx, func(tx *engine.Tx) error {
		n, err := tx.Query("authors").Count()
		fmt.Println(n, "authors")
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// <nil> <nil>
	// true
	// 0 authors
}

// A savepoint undoes part of a transaction, as ROLLBACK TO SAVEPOINT does.
func ExampleTx_Savepoint() {
	ctx := context.Background()
	db := exampleDB(ctx)
	defer db.Close()

	err := db.Update(ctx, func(tx *engine.Tx) error {
		// 1. Keep this write.
		if _, err := tx.Insert("authors", engine.Row{"name": "Butler"}); err != nil {
			return err
		}
		// 2. Mark the transaction, write more, and undo back to the mark.
		sp, err := tx.Savepoint()
		if err != nil {
			return err
		}
		if _, err := tx.Insert("authors", engine.Row{"name": "Delany"}); err != nil {
			return err
		}
		return tx.RollbackTo(sp)
	})
	if err != nil {
		log.Fatal(err)
	}
	// 3. Only the write before the savepoint was committed.
	err = db.View(ctx, func(tx *engine.Tx) error {
		authors, err := tx.Query("authors").All()
		fmt.Println(len(authors), authors[0].Get("name"))
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 1 Butler
}

// A constraint failure carries PostgreSQL's SQLSTATE and names the
// constraint, table and key.
func ExampleConstraintError() {
	ctx := context.Background()
	db := exampleDB(ctx)
	defer db.Close()

	err := db.Update(ctx, func(tx *engine.Tx) error {
		// 1. The second insert repeats a unique name.
		if _, err := tx.Insert("authors", engine.Row{"name": "Le Guin"}); err != nil {
			return err
		}
		_, err := tx.Insert("authors", engine.Row{"name": "Le Guin"})
		return err
	})
	// 2. Match it by sentinel, or unwrap it for the details.
	fmt.Println(errors.Is(err, engine.ErrUnique))
	var ce *engine.ConstraintError
	if !errors.As(err, &ce) {
		log.Fatal(err)
	}
	fmt.Println(ce.SQLState, ce.Constraint, ce.Table, ce.Key)
	// Output:
	// true
	// 23505 authors_name authors (name)=(Le Guin)
}

// ExampleOptions_durable opens a database in a directory, commits, closes
// and opens it again: the commit is still there.
func ExampleOptions_durable() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "reldb-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	// Open durably: every commit is in the log, fsynced, when Update returns.
	db, err := engine.Open(engine.Options{Dir: dir})
	if err != nil {
		log.Fatal(err)
	}
	err = db.Update(ctx, func(tx *engine.Tx) error {
		if err := tx.CreateTable(exampleAuthors); err != nil {
			return err
		}
		_, err := tx.Insert("authors", engine.Row{"name": "Le Guin"})
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Close releases the directory; reopening recovers it.
	if err := db.Close(); err != nil {
		log.Fatal(err)
	}
	db, err = engine.Open(engine.Options{Dir: dir})
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	err = db.View(ctx, func(tx *engine.Tx) error {
		a, err := tx.Get("authors", 1)
		fmt.Println(a.Get("name"))
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output: Le Guin
}
