package peers

import (
	"context"
	"fmt"

	"github.com/reldb/reldb/engine"
)

// reldbTables is the library in reldb: authors(id, name), books(id,
// author_id NOT NULL, title, price numeric(10,2)), tags(id, name). It is
// defined here rather than taken from package bench, whose engine
// benchmarks keep their three-column books.
func reldbTables() []engine.Table {
	return []engine.Table{
		{Name: "authors", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "name", Type: engine.Text}}},
		{Name: "books", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "author_id", Type: engine.Int, NotNull: true},
			{Name: "title", Type: engine.Text}, {Name: "price", Type: engine.Decimal, Precision: 10, Scale: 2}}},
		{Name: "tags", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "name", Type: engine.Text}}},
	}
}

// createReldbSchema creates the tables and relations: books.author_id →
// authors ON DELETE CASCADE (indexed (author_id, id)), books N—M tags
// through the generated junction books_tags(books_id, tags_id), keyed
// (books_id, tags_id) and indexed (tags_id, books_id), cascading from both
// sides.
func createReldbSchema(tx *engine.Tx) error {
	for _, t := range reldbTables() {
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

// reldbPeer is reldb through its dynamic API, as its package doc shows it:
// Tx.Insert with Rows, Tx.Get, Query with Where and Prefetch,
// Record.Related, and Record.Get by column name to read values.
type reldbPeer struct {
	db  *engine.DB
	ctx context.Context
}

var _ Peer = (*reldbPeer)(nil)

func openReldbDB() (*engine.DB, error) {
	db, err := engine.Open(engine.Options{})
	if err != nil {
		return nil, err
	}
	if err := db.Update(context.Background(), createReldbSchema); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func openReldb(int) (Peer, error) {
	db, err := openReldbDB()
	if err != nil {
		return nil, err
	}
	return &reldbPeer{db: db, ctx: context.Background()}, nil
}

func (p *reldbPeer) Load(d *Data) (int, error) {
	n := 0
	err := p.db.Update(p.ctx, func(tx *engine.Tx) error {
		n = 0
		for _, t := range d.Tags {
			if _, err := tx.Insert("tags", engine.Row{"id": t.ID, "name": t.Name}); err != nil {
				return err
			}
			n++
		}
		for i := range d.Families {
			if err := insertFamily(tx, &d.Families[i]); err != nil {
				return err
			}
			n += d.Families[i].Rows()
		}
		return nil
	})
	return n, err
}

func insertFamily(tx *engine.Tx, fam *Family) error {
	if _, err := tx.Insert("authors", engine.Row{"id": fam.Author.ID, "name": fam.Author.Name}); err != nil {
		return err
	}
	for i := range fam.Books {
		b := &fam.Books[i]
		if _, err := tx.Insert("books", engine.Row{"id": b.ID, "author_id": b.AuthorID, "title": b.Title, "price": &b.Price}); err != nil {
			return err
		}
	}
	for _, l := range fam.Links {
		if _, err := tx.Insert("books_tags", engine.Row{"books_id": l.BookID, "tags_id": l.TagID}); err != nil {
			return err
		}
	}
	return nil
}

func (p *reldbPeer) Count(table string) (int, error) {
	if table == "links" {
		table = "books_tags"
	}
	n := 0
	err := p.db.View(p.ctx, func(tx *engine.Tx) error {
		var err error
		n, err = tx.Query(table).Count()
		return err
	})
	return n, err
}

// readBook reads every column of a book record with Record.Scan, which
// the engine's documentation gives for reading a whole row: by position,
// the price Set into the Book without an allocation.
func readBook(r engine.Record, b *Book) error {
	return r.Scan(&b.ID, &b.AuthorID, &b.Title, &b.Price)
}

func readAuthor(r engine.Record) (*Author, error) {
	a := new(Author)
	if err := r.Scan(&a.ID, &a.Name); err != nil {
		return nil, err
	}
	return a, nil
}

func readTag(r engine.Record) (*Tag, error) {
	t := new(Tag)
	if err := r.Scan(&t.ID, &t.Name); err != nil {
		return nil, err
	}
	return t, nil
}

func (p *reldbPeer) Get(id int64) (Book, error) {
	var b Book
	err := p.db.View(p.ctx, func(tx *engine.Tx) error {
		r, err := tx.Get("books", id)
		if err != nil {
			return err
		}
		return readBook(r, &b)
	})
	return b, err
}

// booksOf is the children query, prepared once as engine.Prepare's
// documentation recommends for a query run many times (SQLite's peers run
// a prepared statement).
var booksOf = engine.Prepare("books", engine.Eq("author_id", engine.Param(1)))

func (p *reldbPeer) Children(author int64) ([]*Book, error) {
	var books []*Book
	err := p.db.View(p.ctx, func(tx *engine.Tx) error {
		recs, err := tx.Bind(booksOf, author).All()
		if err != nil {
			return err
		}
		arr := make([]Book, len(recs))
		for i, r := range recs {
			if err := readBook(r, &arr[i]); err != nil {
				return err
			}
		}
		books = pointers(arr)
		return nil
	})
	return books, err
}

func (p *reldbPeer) Add(fam *Family) error {
	return p.db.Update(p.ctx, func(tx *engine.Tx) error { return insertFamily(tx, fam) })
}

func (p *reldbPeer) Delete(author int64) error {
	return p.db.Update(p.ctx, func(tx *engine.Tx) error { return tx.Delete("authors", author) })
}

func (p *reldbPeer) Lazy(n int) ([]*Author, error) { return p.walk(n, false) }

func (p *reldbPeer) Eager(n int) ([]*Author, error) { return p.walk(n, true) }

// walk reads authors [0, n) and follows books and tags with Related: a load
// per access, or none after Prefetch("books.tags"). Prefetched, a tag
// shared by several books is one *Tag, as a prefetch loads it once.
func (p *reldbPeer) walk(n int, prefetch bool) ([]*Author, error) {
	var authors []*Author
	err := p.db.View(p.ctx, func(tx *engine.Tx) error {
		q := tx.Query("authors").Where(engine.Lt("id", n))
		var tags map[int64]*Tag
		if prefetch {
			q = q.Prefetch("books.tags")
			tags = make(map[int64]*Tag)
		}
		recs, err := q.All()
		if err != nil {
			return err
		}
		authors = make([]*Author, len(recs))
		for i, ar := range recs {
			a, err := readAuthor(ar)
			if err != nil {
				return err
			}
			authors[i] = a
			brs, err := ar.Related("books")
			if err != nil {
				return err
			}
			books := make([]Book, len(brs))
			a.Books = make([]*Book, len(brs))
			for j, br := range brs {
				b := &books[j]
				if err := readBook(br, b); err != nil {
					return err
				}
				a.Books[j] = b
				trs, err := br.Related("tags")
				if err != nil {
					return err
				}
				b.Tags = make([]*Tag, len(trs))
				for k, tr := range trs {
					if tags != nil {
						var id int64
						if err := tr.Scan(&id, nil); err != nil {
							return err
						}
						if t, ok := tags[id]; ok {
							b.Tags[k] = t
							continue
						}
					}
					t, err := readTag(tr)
					if err != nil {
						return err
					}
					if tags != nil {
						tags[t.ID] = t
					}
					b.Tags[k] = t
				}
			}
		}
		return nil
	})
	return authors, err
}

func (p *reldbPeer) SetTitle(id int64, title string) error {
	return p.db.Update(p.ctx, func(tx *engine.Tx) error {
		r, err := tx.Update("books", id, engine.Row{"title": title})
		if err == nil && r.Get("id").(int64) != id {
			err = fmt.Errorf("peers: updated book %v, want %d", r.Get("id"), id)
		}
		return err
	})
}

func (p *reldbPeer) Close() error { return p.db.Close() }
