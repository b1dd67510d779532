package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sync"

	"github.com/cockroachdb/apd/v3"
	"github.com/reldb/reldb/engine"
)

func runDemo(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: reldb demo\n\nBuilds a small in-memory database and narrates what it does; then writes a\nshelf of books to a temporary directory, reopens it, and times lazy against\neager traversal of it, with and without a simulated network round trip per\nload. The directory is removed at the end.")
	}
	if status := parseFlags(fs, args, stderr); status >= 0 {
		return status
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "reldb demo: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if err := demo(context.Background(), stdout); err != nil {
		fmt.Fprintf(stderr, "reldb demo: %v\n", err)
		return 1
	}
	return 0
}

func demo(ctx context.Context, w io.Writer) error {
	db, err := engine.Open(engine.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	say := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }

	say("== schema: authors 1-N books (ON DELETE CASCADE), reviews -> books (RESTRICT), accounts with exact decimals")
	err = db.Update(ctx, func(tx *engine.Tx) error {
		return errors.Join(
			tx.CreateTable(engine.Table{Name: "authors", PrimaryKey: []string{"id"}, Columns: []engine.Column{
				{Name: "id", Type: engine.Int, AutoIncrement: true},
				{Name: "name", Type: engine.Text, NotNull: true},
			}, Indexes: []engine.Index{{Name: "authors_name_key", Columns: []string{"name"}, Unique: true}}}),
			tx.CreateTable(engine.Table{Name: "books", PrimaryKey: []string{"id"}, Columns: []engine.Column{
				{Name: "id", Type: engine.Int, AutoIncrement: true},
				{Name: "author_id", Type: engine.Int, NotNull: true},
				{Name: "title", Type: engine.Text, NotNull: true},
				{Name: "year", Type: engine.Int},
			}, Indexes: []engine.Index{{Name: "books_author_year", Columns: []string{"author_id", "year"}}}}),
			tx.CreateTable(engine.Table{Name: "reviews", PrimaryKey: []string{"id"}, Columns: []engine.Column{
				{Name: "id", Type: engine.Int, AutoIncrement: true},
				{Name: "book_id", Type: engine.Int, NotNull: true},
				{Name: "stars", Type: engine.Int},
			}}),
			tx.CreateTable(engine.Table{Name: "accounts", PrimaryKey: []string{"id"}, Columns: []engine.Column{
				{Name: "id", Type: engine.Int},
				{Name: "balance", Type: engine.Decimal, Precision: 12, Scale: 2, NotNull: true},
			}}),
			tx.CreateRelation(engine.Relation{Child: "books", Columns: []string{"author_id"}, Parent: "authors",
				ParentAs: "author", ChildrenAs: "books", OnDelete: engine.Cascade}),
			tx.CreateRelation(engine.Relation{Child: "reviews", Columns: []string{"book_id"}, Parent: "books",
				ParentAs: "book", ChildrenAs: "reviews", OnDelete: engine.Restrict}),
		)
	})
	if err != nil {
		return err
	}

	say("\n== insert")
	err = db.Update(ctx, func(tx *engine.Tx) error {
		books := map[string][]struct {
			title string
			year  int
		}{
			"Ursula K. Le Guin": {{"A Wizard of Earthsea", 1968}, {"The Left Hand of Darkness", 1969}, {"The Dispossessed", 1974}},
			"Octavia E. Butler": {{"Kindred", 1979}, {"Parable of the Sower", 1993}},
		}
		for _, name := range []string{"Ursula K. Le Guin", "Octavia E. Butler"} {
			a, err := tx.Insert("authors", engine.Row{"name": name})
			if err != nil {
				return err
			}
			say("inserted %v", a)
			for _, b := range books[name] {
				r, err := tx.Insert("books", engine.Row{"author_id": a.ID(), "title": b.title, "year": b.year})
				if err != nil {
					return err
				}
				say("  inserted %v", r)
			}
		}
		_, err := tx.Insert("accounts", engine.Row{"id": 1, "balance": "100.00"})
		if err == nil {
			_, err = tx.Insert("accounts", engine.Row{"id": 2, "balance": "0.005"})
		}
		return err
	})
	if err != nil {
		return err
	}

	say("\n== query: Le Guin's books after 1968, newest first (uses an index)")
	err = db.View(ctx, func(tx *engine.Tx) error {
		a, err := tx.Query("authors").Where(engine.Eq("name", "Ursula K. Le Guin")).First()
		if err != nil {
			return err
		}
		q := tx.Query("books").Where(engine.Eq("author_id", a.ID()), engine.Gt("year", 1968)).OrderBy("year", engine.Desc)
		plan, err := q.Explain()
		if err != nil {
			return err
		}
		say("plan: %s", plan)
		rows, err := q.All()
		for _, r := range rows {
			say("  %v (%v)", r.Get("title"), r.Get("year"))
		}
		return err
	})
	if err != nil {
		return err
	}

	if err := demoTraversal(ctx, db, say); err != nil {
		return err
	}

	say("\n== constraints: bad input is refused and changes nothing")
	err = db.Update(ctx, func(tx *engine.Tx) error {
		_, err := tx.Insert("authors", engine.Row{"name": "Octavia E. Butler"})
		say("duplicate name:   %v", err)
		var ce *engine.ConstraintError
		if errors.As(err, &ce) {
			say("                  SQLSTATE %s, constraint %s, key %s", ce.SQLState, ce.Constraint, ce.Key)
		}
		_, err = tx.Insert("books", engine.Row{"author_id": 99, "title": "Orphan"})
		say("missing author:   %v", err)
		_, err = tx.Insert("books", engine.Row{"author_id": "one", "title": "Typo"})
		say("wrong type:       %v", err)
		_, err = tx.Update("accounts", 1, engine.Row{"balance": "12345678901.00"})
		say("decimal overflow: %v", err)
		return nil
	})
	if err != nil {
		return err
	}

	say("\n== relations: RESTRICT refuses, CASCADE follows")
	err = db.Update(ctx, func(tx *engine.Tx) error {
		if _, err := tx.Insert("reviews", engine.Row{"book_id": 4, "stars": 5}); err != nil {
			return err
		}
		err := tx.Delete("authors", 2)
		say("delete Butler (Kindred has a review): %v", err)
		if err := tx.Delete("authors", 1); err != nil {
			return err
		}
		n, err := tx.Query("books").Count()
		say("delete Le Guin: her 3 books cascade away, %d books left", n)
		return err
	})
	if err != nil {
		return err
	}

	say("\n== savepoint: roll back part of a transaction")
	err = db.Update(ctx, func(tx *engine.Tx) error {
		sp, err := tx.Savepoint()
		if err != nil {
			return err
		}
		if err := tx.Delete("books", 5); err != nil {
			return err
		}
		n, _ := tx.Query("books").Count()
		say("after delete: %d books", n)
		if err := tx.RollbackTo(sp); err != nil {
			return err
		}
		n, _ = tx.Query("books").Count()
		say("after rollback to savepoint: %d books", n)
		return nil
	})
	if err != nil {
		return err
	}

	say("\n== serializable transactions: two transfers race, one is retried")
	if err := demoConflict(ctx, db, say); err != nil {
		return err
	}
	if err := db.Check(); err != nil {
		return err
	}
	return demoShelf(ctx, say)
}

// demoConflict runs two transfers from the same account at once: both read
// the balance, both write it; the later commit conflicts and DB.Update runs
// it again on the new balance, so no update is lost.
func demoConflict(ctx context.Context, db *engine.DB, say func(string, ...any)) error {
	var (
		wg       sync.WaitGroup
		attempts [2]int
		errs     [2]error
		bothRead = make(chan struct{})
		once     sync.Once
		ready    sync.WaitGroup
	)
	ready.Add(2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = db.Update(ctx, func(tx *engine.Tx) error {
				attempts[i]++
				r, err := tx.Get("accounts", 1)
				if err != nil {
					return err
				}
				if attempts[i] == 1 {
					ready.Done()
					once.Do(func() { go func() { ready.Wait(); close(bothRead) }() })
					<-bothRead // both have read the old balance
				}
				var bal apd.Decimal
				if _, err := apd.BaseContext.Sub(&bal, r.Get("balance").(*apd.Decimal), apd.New(1000, -2)); err != nil {
					return err
				}
				_, err = tx.Update("accounts", 1, engine.Row{"balance": &bal})
				return err
			})
		}()
	}
	wg.Wait()
	if err := errors.Join(errs[:]...); err != nil {
		return err
	}
	return db.View(ctx, func(tx *engine.Tx) error {
		r, err := tx.Get("accounts", 1)
		if err != nil {
			return err
		}
		say("transfer A ran %d time(s), transfer B ran %d time(s)", attempts[0], attempts[1])
		say("balance 100.00 - 10.00 - 10.00 = %v", r.Get("balance"))
		return nil
	})
}
