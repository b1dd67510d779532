package engine_test

import (
	"context"
	"fmt"
	"log"

	"github.com/reldb/reldb/engine"
)

// libraryExample opens a database with authors 1—N books N—M tags and a
// few rows: two authors, three books, two tags.
func libraryExample(ctx context.Context) *engine.DB {
	db, err := engine.Open(engine.Options{})
	if err != nil {
		log.Fatal(err)
	}
	err = db.Update(ctx, func(tx *engine.Tx) error {
		id := engine.Column{Name: "id", Type: engine.Int}
		name := engine.Column{Name: "name", Type: engine.Text}
		for _, t := range []engine.Table{
			{Name: "authors", PrimaryKey: []string{"id"}, Columns: []engine.Column{id, name}},
			{Name: "books", PrimaryKey: []string{"id"}, Columns: []engine.Column{id, name, {Name: "author_id", Type: engine.Int, NotNull: true}}},
			{Name: "tags", PrimaryKey: []string{"id"}, Columns: []engine.Column{id, name}},
		} {
			if err := tx.CreateTable(t); err != nil {
				return err
			}
		}
		// One-to-many, named from both sides: a book's "author", an author's "books".
		if err := tx.CreateRelation(engine.Relation{Child: "books", Columns: []string{"author_id"}, Parent: "authors",
			ParentAs: "author", ChildrenAs: "books", OnDelete: engine.Cascade}); err != nil {
			return err
		}
		// Many-to-many through a generated junction books_tags.
		if err := tx.CreateManyToMany(engine.ManyToMany{Left: "books", Right: "tags", LeftAs: "tags", RightAs: "books"}); err != nil {
			return err
		}
		for _, r := range []struct {
			table string
			row   engine.Row
		}{
			{"authors", engine.Row{"id": 1, "name": "Le Guin"}}, {"authors", engine.Row{"id": 2, "name": "Butler"}},
			{"books", engine.Row{"id": 10, "name": "Earthsea", "author_id": 1}},
			{"books", engine.Row{"id": 11, "name": "The Dispossessed", "author_id": 1}},
			{"books", engine.Row{"id": 20, "name": "Kindred", "author_id": 2}},
			{"tags", engine.Row{"id": 1, "name": "sf"}}, {"tags", engine.Row{"id": 2, "name": "fantasy"}},
			{"books_tags", engine.Row{"books_id": 10, "tags_id": 2}}, {"books_tags", engine.Row{"books_id": 11, "tags_id": 1}},
			{"books_tags", engine.Row{"books_id": 20, "tags_id": 1}},
		} {
			if _, err := tx.Insert(r.table, r.row); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	return db
}

// This example reads authors → books → tags lazily, one load per access
// (the N+1 pattern), then with a prefetch: one load per level.
func Example_prefetch() {
	ctx := context.Background()
	db := libraryExample(ctx)
	defer db.Close()
	walk := func(tx *engine.Tx, authors []engine.Record) {
		for _, a := range authors {
			books, _ := a.Related("books")
			for _, b := range books {
				tags, _ := b.Related("tags")
				fmt.Printf("%s: %s %d tag(s)\n", a.Get("name"), b.Get("name"), len(tags))
			}
		}
	}
	_ = db.View(ctx, func(tx *engine.Tx) error {
		authors, _ := tx.Query("authors").All()
		walk(tx, authors)
		fmt.Println("lazy loads:", tx.Stats().Loads) // 1 query + 2 authors + 3 books
		return nil
	})
	_ = db.View(ctx, func(tx *engine.Tx) error {
		authors, _ := tx.Query("authors").Prefetch("books.tags").All()
		walk(tx, authors)
		fmt.Println("eager loads:", tx.Stats().Loads) // authors, books, tags
		return nil
	})
	// Output:
	// Le Guin: Earthsea 1 tag(s)
	// Le Guin: The Dispossessed 1 tag(s)
	// Butler: Kindred 1 tag(s)
	// lazy loads: 6
	// Le Guin: Earthsea 1 tag(s)
	// Le Guin: The Dispossessed 1 tag(s)
	// Butler: Kindred 1 tag(s)
	// eager loads: 3
}

// Author, Book and Tag map the library's tables to structs: columns by
// field name in snake_case, relations by their `rel` name.
type Author struct {
	ID    int64
	Name  string
	Books []*Book `rel:"books"` // one-to-many
}

type Book struct {
	ID       int64
	Name     string
	AuthorID int64
	Author   *Author `rel:"author"` // many-to-one, the other side
	Tags     []*Tag  `rel:"tags"`   // many-to-many
}

type Tag struct {
	ID    int64
	Name  string
	Books []*Book `rel:"books"`
}

// This example registers structs for the tables and reads a two-level
// prefetch into them: a tag shared by two books is one *Tag.
func ExampleAll() {
	ctx := context.Background()
	db := libraryExample(ctx)
	defer db.Close()
	for _, err := range []error{
		engine.Register[Author](db, "authors"), engine.Register[Book](db, "books"), engine.Register[Tag](db, "tags"),
	} {
		if err != nil {
			log.Fatal(err)
		}
	}
	_ = db.View(ctx, func(tx *engine.Tx) error {
		authors, err := engine.All[Author](engine.QueryOf[Author](tx).Prefetch("books.tags"))
		if err != nil {
			log.Fatal(err)
		}
		for _, a := range authors {
			for _, b := range a.Books {
				fmt.Printf("%s: %s [%s]\n", a.Name, b.Name, b.Tags[0].Name)
			}
		}
		sf := authors[0].Books[1].Tags[0]
		fmt.Println("one sf tag:", sf == authors[1].Books[0].Tags[0])
		fmt.Println("loads:", tx.Stats().Loads)
		return nil
	})
	// Output:
	// Le Guin: Earthsea [fantasy]
	// Le Guin: The Dispossessed [sf]
	// Butler: Kindred [sf]
	// one sf tag: true
	// loads: 3
}

// This example shows a struct being checked against the schema when it is
// registered.
func ExampleRegister() {
	ctx := context.Background()
	db := libraryExample(ctx)
	defer db.Close()
	type wrong struct {
		ID    int64
		Title string // books has "name", not "title"
	}
	fmt.Println(engine.Register[wrong](db, "books"))
	// Output:
	// register engine_test.wrong: field Title: reldb: no such column: table "books" has no column "title"
}

// User and Profile are a one-to-one relation: a profile's user_id is a
// unique foreign key, so a user has at most one profile.
type User struct {
	ID      int64
	Name    string
	Profile *Profile `rel:"profile"`
}

type Profile struct {
	ID     int64
	UserID int64
	Bio    string
}

// This example declares a one-to-one relation and reads it lazily through
// the typed API: one load for the user, one for the profile.
func ExampleRelated() {
	ctx := context.Background()
	db, _ := engine.Open(engine.Options{})
	defer db.Close()
	err := db.Update(ctx, func(tx *engine.Tx) error {
		_ = tx.CreateTable(engine.Table{Name: "users", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "name", Type: engine.Text}}})
		_ = tx.CreateTable(engine.Table{Name: "profiles", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "user_id", Type: engine.Int, NotNull: true}, {Name: "bio", Type: engine.Text}}})
		if err := tx.CreateRelation(engine.Relation{Kind: engine.OneToOne, Child: "profiles", Columns: []string{"user_id"},
			Parent: "users", ParentAs: "user", ChildrenAs: "profile", OnDelete: engine.Cascade}); err != nil {
			return err
		}
		_, _ = tx.Insert("users", engine.Row{"id": 1, "name": "ann"})
		_, err := tx.Insert("profiles", engine.Row{"id": 7, "user_id": 1, "bio": "reads a lot"})
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	_ = engine.Register[User](db, "users")
	_ = engine.Register[Profile](db, "profiles")
	_ = db.View(ctx, func(tx *engine.Tx) error {
		u, _ := engine.Get[User](tx, 1)
		profiles, _ := engine.Related[Profile](tx, u, "profile")
		fmt.Println(u.Name, "-", profiles[0].Bio, "- loads:", tx.Stats().Loads)
		return nil
	})
	// Output:
	// ann - reads a lot - loads: 2
}
