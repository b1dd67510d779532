package engine_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
)

// Example_readme is the README's code, block for block, as one program:
// TestREADME_CodeBlocks checks that every Go block of README.md appears
// here verbatim, so the README's code compiles, runs and prints what the
// README says.
func Example_readme() {
	// README: Quick start
	ctx := context.Background()
	db, err := engine.Open(engine.Options{}) // in memory
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	err = db.Update(ctx, func(tx *engine.Tx) error {
		if err := tx.CreateTable(engine.Table{
			Name:       "authors",
			PrimaryKey: []string{"id"},
			Columns: []engine.Column{
				{Name: "id", Type: engine.Int, AutoIncrement: true},
				{Name: "name", Type: engine.Text, NotNull: true},
			},
			Indexes: []engine.Index{{Name: "authors_name_key", Columns: []string{"name"}, Unique: true}},
		}); err != nil {
			return err
		}
		_, err := tx.Insert("authors", engine.Row{"name": "Ursula K. Le Guin"})
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	err = db.View(ctx, func(tx *engine.Tx) error {
		a, err := tx.Query("authors").Where(engine.Eq("name", "Ursula K. Le Guin")).First()
		if err != nil {
			return err
		}
		fmt.Println(a.ID(), a.Get("name")) // 1 Ursula K. Le Guin
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	err = db.View(ctx, func(tx *engine.Tx) error {
		a, err := tx.Get("authors", 1)
		if err != nil {
			return err
		}
		var id int64
		var name string
		if err := a.Scan(&id, &name); err != nil { // every column, in order
			return err
		}
		fmt.Println(id, name) // 1 Ursula K. Le Guin
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// README: Relations
	err = db.Update(ctx, func(tx *engine.Tx) error {
		for _, t := range []engine.Table{
			{Name: "books", PrimaryKey: []string{"id"}, Columns: []engine.Column{
				{Name: "id", Type: engine.Int, AutoIncrement: true},
				{Name: "author_id", Type: engine.Int, NotNull: true},
				{Name: "title", Type: engine.Text, NotNull: true},
			}},
			{Name: "tags", PrimaryKey: []string{"id"}, Columns: []engine.Column{
				{Name: "id", Type: engine.Int, AutoIncrement: true},
				{Name: "label", Type: engine.Text, NotNull: true},
			}},
		} {
			if err := tx.CreateTable(t); err != nil {
				return err
			}
		}
		// books.author_id references authors.id; deleting an author deletes her books.
		if err := tx.CreateRelation(engine.Relation{
			Child: "books", Columns: []string{"author_id"}, Parent: "authors",
			ParentAs: "author", ChildrenAs: "books", OnDelete: engine.Cascade,
		}); err != nil {
			return err
		}
		// books N-M tags, through a generated junction table books_tags.
		if err := tx.CreateManyToMany(engine.ManyToMany{
			Left: "books", Right: "tags", LeftAs: "tags", RightAs: "books",
		}); err != nil {
			return err
		}
		for _, title := range []string{"A Wizard of Earthsea", "The Dispossessed"} {
			if _, err := tx.Insert("books", engine.Row{"author_id": 1, "title": title}); err != nil {
				return err
			}
		}
		for _, label := range []string{"fantasy", "science fiction"} {
			if _, err := tx.Insert("tags", engine.Row{"label": label}); err != nil {
				return err
			}
		}
		for _, link := range [][2]int{{1, 1}, {2, 2}} { // book 1 is fantasy, book 2 science fiction
			if _, err := tx.Insert("books_tags", engine.Row{"books_id": link[0], "tags_id": link[1]}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// README: Traversal
	err = db.View(ctx, func(tx *engine.Tx) error {
		authors, err := tx.Query("authors").Prefetch("books.tags").All()
		if err != nil {
			return err
		}
		for _, a := range authors {
			books, err := a.Related("books") // prefetched: no load
			if err != nil {
				return err
			}
			for _, b := range books {
				tags, err := b.Related("tags")
				if err != nil {
					return err
				}
				fmt.Println(a.Get("name"), "/", b.Get("title"), "/", tags[0].Get("label"))
			}
		}
		fmt.Println("loads:", tx.Stats().Loads) // 3: authors, books, tags — at any size
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// README: Durability
	dir, err := os.MkdirTemp("", "reldb-readme") // or any directory of yours
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ddb, err := engine.Open(engine.Options{Dir: dir}) // durable; locks the directory
	if err != nil {
		log.Fatal(err)
	}
	err = ddb.Update(ctx, func(tx *engine.Tx) error {
		if err := tx.CreateTable(engine.Table{Name: "notes", PrimaryKey: []string{"id"},
			Columns: []engine.Column{{Name: "id", Type: engine.Int}, {Name: "text", Type: engine.Text}}}); err != nil {
			return err
		}
		_, err := tx.Insert("notes", engine.Row{"id": 1, "text": "committed means on disk"})
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := ddb.Close(); err != nil {
		log.Fatal(err)
	}
	ddb, err = engine.Open(engine.Options{Dir: dir}) // recovers what was committed
	if err != nil {
		log.Fatal(err)
	}
	defer ddb.Close()
	err = ddb.View(ctx, func(tx *engine.Tx) error {
		n, err := tx.Get("notes", 1)
		if err != nil {
			return err
		}
		fmt.Println("after reopening:", n.Get("text"))
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 1 Ursula K. Le Guin
	// 1 Ursula K. Le Guin
	// Ursula K. Le Guin / A Wizard of Earthsea / fantasy
	// Ursula K. Le Guin / The Dispossessed / science fiction
	// loads: 3
	// after reopening: committed means on disk
}

// TestREADME_CodeBlocks ensures every ```go block of README.md is part of
// Example_readme (or, for the SQL sections, pgsql's and reldbtest's
// examples, which engine's tests must not import), line for line, so that a README snippet that no longer compiles or runs fails the
// tests.
func TestREADME_CodeBlocks(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	require.NoError(t, err)
	// A block is an example's body (one tab less) or top-level code.
	var example, raw []string
	for _, path := range []string{"readme_test.go", filepath.Join("..", "pgsql", "example_test.go"), filepath.Join("..", "reldbtest", "example_test.go")} {
		src, err := os.ReadFile(path)
		require.NoError(t, err)
		for _, l := range strings.Split(string(src), "\n") {
			example = append(example, strings.TrimPrefix(l, "\t"))
			raw = append(raw, l)
		}
	}
	code, top := strings.Join(example, "\n"), strings.Join(raw, "\n")
	blocks := regexp.MustCompile("(?s)```go\n(.*?)```").FindAllStringSubmatch(string(readme), -1)
	require.NotEmpty(t, blocks, "README.md has Go blocks")
	for _, b := range blocks {
		require.True(t, strings.Contains(code, b[1]) || strings.Contains(top, b[1]), "README block not in Example_readme or the packages' examples:\n%s", b[1])
	}
}
