package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/reldb/reldb/engine"
)

// Library sizes the traversal fixture.
type Library struct {
	Authors        int // number of authors
	BooksPerAuthor int // books of each author; 0 means 10
	Tags           int // number of distinct tags; 0 means 50
	TagsPerBook    int // tags of each book, distinct; 0 means 3
}

func (l Library) withDefaults() Library {
	if l.BooksPerAuthor == 0 {
		l.BooksPerAuthor = 10
	}
	if l.Tags == 0 {
		l.Tags = 50
	}
	if l.TagsPerBook == 0 {
		l.TagsPerBook = 3
	}
	return l
}

// Rows is how many rows a full traversal reaches: every author, book and
// (book, tag) pair.
func (l Library) Rows() int { return l.Reached(2) }

// Reached is how many rows a traversal of the given depth reaches: authors
// alone (0), with their books (1), and the books' tags (2).
func (l Library) Reached(depth int) int {
	l = l.withDefaults()
	books := l.Authors * l.BooksPerAuthor
	switch {
	case depth <= 0:
		return l.Authors
	case depth == 1:
		return l.Authors + books
	}
	return l.Authors + books + books*l.TagsPerBook
}

// Author, Book and Tag are the typed models of the library.
type Author struct {
	ID    int64
	Name  string
	Books []*Book `rel:"books"`
}

// Book is a book of the library.
type Book struct {
	ID       int64
	AuthorID int64
	Title    string
	Tags     []*Tag `rel:"tags"`
}

// Tag is a tag of the library.
type Tag struct {
	ID   int64
	Name string
}

// LibraryTables returns the library's tables: authors(id, name),
// books(id, author_id NOT NULL, title) and tags(id, name).
func LibraryTables() []engine.Table {
	return []engine.Table{
		{Name: "authors", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "name", Type: engine.Text}}},
		{Name: "books", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "author_id", Type: engine.Int, NotNull: true}, {Name: "title", Type: engine.Text}}},
		{Name: "tags", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "name", Type: engine.Text}}},
	}
}

// CreateLibrarySchema creates the library's tables and relations in tx:
// authors 1—N books (books.author_id, ON DELETE CASCADE) and books N—M
// tags through the generated junction books_tags(books_id, tags_id),
// which cascades from both sides.
func CreateLibrarySchema(tx *engine.Tx) error {
	for _, t := range LibraryTables() {
		if err := tx.CreateTable(t); err != nil {
			return err
		}
	}
	if err := tx.CreateRelation(engine.Relation{Child: "books", Columns: []string{"author_id"}, Parent: "authors",
		ParentAs: "author", ChildrenAs: "books", OnDelete: engine.Cascade}); err != nil {
		return err
	}
	return tx.CreateManyToMany(engine.ManyToMany{Left: "books", Right: "tags", LeftAs: "tags", RightAs: "books"})
}

// OpenLibrary opens an in-memory database holding the library: tables,
// relations (books.author_id → authors ON DELETE CASCADE, books N—M tags
// through a generated junction), rows, and the typed models registered.
func OpenLibrary(l Library) (*engine.DB, error) {
	l = l.withDefaults()
	if l.Authors < 0 || l.BooksPerAuthor < 0 || l.TagsPerBook > l.Tags {
		return nil, fmt.Errorf("bench: bad library %+v", l)
	}
	db, err := engine.Open(engine.Options{})
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	err = db.Update(ctx, func(tx *engine.Tx) error {
		if err := CreateLibrarySchema(tx); err != nil {
			return err
		}
		for t := range l.Tags {
			if _, err := tx.Insert("tags", engine.Row{"id": t, "name": fmt.Sprintf("tag %d", t)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	const batch = 500 // authors per transaction
	for lo := 0; lo < l.Authors; lo += batch {
		err := db.Update(ctx, func(tx *engine.Tx) error {
			for a := lo; a < min(lo+batch, l.Authors); a++ {
				if _, err := tx.Insert("authors", engine.Row{"id": a, "name": fmt.Sprintf("author %d", a)}); err != nil {
					return err
				}
				for j := range l.BooksPerAuthor {
					book := a*l.BooksPerAuthor + j
					if _, err := tx.Insert("books", engine.Row{"id": book, "author_id": a, "title": fmt.Sprintf("book %d", book)}); err != nil {
						return err
					}
					for k := range l.TagsPerBook {
						tag := (book*7 + k) % l.Tags // spread, distinct for k < Tags
						if _, err := tx.Insert("books_tags", engine.Row{"books_id": book, "tags_id": tag}); err != nil {
							return err
						}
					}
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for _, err := range []error{
		engine.Register[Author](db, "authors"),
		engine.Register[Book](db, "books"),
		engine.Register[Tag](db, "tags"),
	} {
		if err != nil {
			return nil, err
		}
	}
	return db, nil
}

// Mode is how a traversal loads relations.
type Mode uint8

const (
	// Lazy loads each relation of each row when it is read: 1 + authors +
	// books loads.
	Lazy Mode = iota
	// Eager prefetches "books.tags" with the authors: 3 loads.
	Eager
)

func (m Mode) String() string {
	switch m {
	case Lazy:
		return "lazy"
	case Eager:
		return "eager"
	}
	return fmt.Sprintf("Mode(%d)", uint8(m))
}

// API is which of reldb's APIs a traversal uses.
type API uint8

const (
	// Dynamic reads engine.Records.
	Dynamic API = iota
	// Typed reads structs registered with engine.Register.
	Typed
)

func (a API) String() string {
	switch a {
	case Dynamic:
		return "dynamic"
	case Typed:
		return "typed"
	}
	return fmt.Sprintf("API(%d)", uint8(a))
}

// Traversal walks every author's books and every book's tags in one read
// transaction.
type Traversal struct {
	Mode Mode
	API  API
	// Depth is how far it goes: 1 stops at books, 2 (or 0) goes on to
	// tags.
	Depth int
	// Latency is added to every load, as a networked database's round trip
	// would be (for showing what N+1 costs there); 0 adds nothing.
	Latency time.Duration
}

// Result is what one traversal did.
type Result struct {
	Loads int           // loads the transaction ran
	Rows  int           // rows reached: authors, books and (book, tag) pairs
	Time  time.Duration // wall time of the traversal
}

// Run runs the traversal once on a library database and checks that it
// reached want rows (pass Library.Reached(depth)).
func (t Traversal) Run(db *engine.DB, want int) (Result, error) {
	var res Result
	start := time.Now()
	err := db.View(context.Background(), func(tx *engine.Tx) error {
		if t.Latency > 0 {
			tx.SetLoadHook(func(engine.Load) { wait(t.Latency) })
		}
		var err error
		if t.API == Typed {
			res.Rows, err = t.typed(tx)
		} else {
			res.Rows, err = t.dynamic(tx)
		}
		res.Loads = tx.Stats().Loads
		return err
	})
	res.Time = time.Since(start)
	if err == nil && res.Rows != want {
		err = fmt.Errorf("bench: %s %s traversal reached %d rows, want %d", t.Mode, t.API, res.Rows, want)
	}
	return res, err
}

func (t Traversal) dynamic(tx *engine.Tx) (int, error) {
	q := tx.Query("authors")
	if t.Mode == Eager {
		q = q.Prefetch(t.path())
	}
	authors, err := q.All()
	if err != nil {
		return 0, err
	}
	rows := len(authors)
	for _, a := range authors {
		books, err := a.Related("books")
		if err != nil {
			return 0, err
		}
		rows += len(books)
		if t.Depth == 1 {
			continue
		}
		for _, b := range books {
			tags, err := b.Related("tags")
			if err != nil {
				return 0, err
			}
			rows += len(tags)
		}
	}
	return rows, nil
}

func (t Traversal) typed(tx *engine.Tx) (int, error) {
	q := engine.QueryOf[Author](tx)
	if t.Mode == Eager {
		q = q.Prefetch(t.path())
	}
	authors, err := engine.All[Author](q)
	if err != nil {
		return 0, err
	}
	rows := len(authors)
	for _, a := range authors {
		books := a.Books
		if t.Mode == Lazy {
			if books, err = engine.Related[Book](tx, a, "books"); err != nil {
				return 0, err
			}
		}
		rows += len(books)
		if t.Depth == 1 {
			continue
		}
		for _, b := range books {
			tags := b.Tags
			if t.Mode == Lazy {
				if tags, err = engine.Related[Tag](tx, b, "tags"); err != nil {
					return 0, err
				}
			}
			rows += len(tags)
		}
	}
	return rows, nil
}

// path is the prefetch path of an eager traversal.
func (t Traversal) path() string {
	if t.Depth == 1 {
		return "books"
	}
	return "books.tags"
}

// wait blocks for d: sleeping below a millisecond overshoots by tens of
// microseconds, so short waits spin.
func wait(d time.Duration) {
	if d >= time.Millisecond {
		time.Sleep(d)
		return
	}
	for start := time.Now(); time.Since(start) < d; {
	}
}
