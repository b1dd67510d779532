package peers

import (
	"errors"
	"fmt"

	memdb "github.com/hashicorp/go-memdb"
)

// memdbPeer is go-memdb: radix trees of pointers, one writer at a time,
// lock-free readers. It has no foreign keys, so every write checks parents
// and cascades deletes by hand in the same transaction, through the
// indexes a relational engine would keep: books by author, links by book
// and by tag.
type memdbPeer struct {
	db *memdb.MemDB
}

var _ Peer = (*memdbPeer)(nil)

var errNoParent = errors.New("peers: foreign key violation")

func openMemdb(int) (Peer, error) {
	id := func(field string) *memdb.IndexSchema {
		return &memdb.IndexSchema{Name: "id", Unique: true, Indexer: &memdb.IntFieldIndex{Field: field}}
	}
	by := func(name, field string) *memdb.IndexSchema {
		return &memdb.IndexSchema{Name: name, Indexer: &memdb.IntFieldIndex{Field: field}}
	}
	schema := &memdb.DBSchema{Tables: map[string]*memdb.TableSchema{
		"authors": {Name: "authors", Indexes: map[string]*memdb.IndexSchema{"id": id("ID")}},
		"books":   {Name: "books", Indexes: map[string]*memdb.IndexSchema{"id": id("ID"), "author": by("author", "AuthorID")}},
		"tags":    {Name: "tags", Indexes: map[string]*memdb.IndexSchema{"id": id("ID")}},
		"links": {Name: "links", Indexes: map[string]*memdb.IndexSchema{
			"id": {Name: "id", Unique: true, Indexer: &memdb.CompoundIndex{Indexes: []memdb.Indexer{
				&memdb.IntFieldIndex{Field: "BookID"}, &memdb.IntFieldIndex{Field: "TagID"}}}},
			"book": by("book", "BookID"),
			"tag":  by("tag", "TagID"),
		}},
	}}
	db, err := memdb.NewMemDB(schema)
	if err != nil {
		return nil, err
	}
	return &memdbPeer{db: db}, nil
}

// exists reports whether table has a row with primary key id.
func exists(txn *memdb.Txn, table string, id int64) (bool, error) {
	raw, err := txn.First(table, "id", id)
	return raw != nil, err
}

func (p *memdbPeer) Load(d *Data) (int, error) {
	txn := p.db.Txn(true)
	defer txn.Abort()
	n := 0
	for i := range d.Tags {
		t := d.Tags[i]
		if err := txn.Insert("tags", &t); err != nil {
			return 0, err
		}
		n++
	}
	for i := range d.Families {
		if err := addFamily(txn, &d.Families[i]); err != nil {
			return 0, err
		}
		n += d.Families[i].Rows()
	}
	txn.Commit()
	return n, nil
}

// addFamily inserts a family, checking that each book's author and each
// link's book and tag exist, and that no key is taken (Insert replaces).
func addFamily(txn *memdb.Txn, fam *Family) error {
	if ok, err := exists(txn, "authors", fam.Author.ID); err != nil || ok {
		return errors.Join(err, fmt.Errorf("peers: duplicate author %d", fam.Author.ID))
	}
	a := fam.Author
	if err := txn.Insert("authors", &a); err != nil {
		return err
	}
	for i := range fam.Books {
		b := fam.Books[i]
		if ok, err := exists(txn, "authors", b.AuthorID); err != nil || !ok {
			return errors.Join(err, fmt.Errorf("%w: book %d author %d", errNoParent, b.ID, b.AuthorID))
		}
		if ok, err := exists(txn, "books", b.ID); err != nil || ok {
			return errors.Join(err, fmt.Errorf("peers: duplicate book %d", b.ID))
		}
		if err := txn.Insert("books", &b); err != nil {
			return err
		}
	}
	for i := range fam.Links {
		l := fam.Links[i]
		if ok, err := exists(txn, "books", l.BookID); err != nil || !ok {
			return errors.Join(err, fmt.Errorf("%w: link book %d", errNoParent, l.BookID))
		}
		if ok, err := exists(txn, "tags", l.TagID); err != nil || !ok {
			return errors.Join(err, fmt.Errorf("%w: link tag %d", errNoParent, l.TagID))
		}
		if raw, err := txn.First("links", "id", l.BookID, l.TagID); err != nil || raw != nil {
			return errors.Join(err, fmt.Errorf("peers: duplicate link %v", l))
		}
		if err := txn.Insert("links", &l); err != nil {
			return err
		}
	}
	return nil
}

func (p *memdbPeer) Count(table string) (int, error) {
	it, err := p.db.Txn(false).Get(table, "id")
	if err != nil {
		return 0, err
	}
	n := 0
	for raw := it.Next(); raw != nil; raw = it.Next() {
		n++
	}
	return n, nil
}

func (p *memdbPeer) Get(id int64) (Book, error) {
	raw, err := p.db.Txn(false).First("books", "id", id)
	if err != nil {
		return Book{}, err
	}
	if raw == nil {
		return Book{}, fmt.Errorf("peers: no book %d", id)
	}
	return *raw.(*Book), nil
}

func (p *memdbPeer) Children(author int64) ([]Book, error) {
	it, err := p.db.Txn(false).Get("books", "author", author)
	if err != nil {
		return nil, err
	}
	var books []Book
	for raw := it.Next(); raw != nil; raw = it.Next() {
		books = append(books, *raw.(*Book))
	}
	return books, nil
}

func (p *memdbPeer) Add(fam *Family) error {
	txn := p.db.Txn(true)
	defer txn.Abort()
	if err := addFamily(txn, fam); err != nil {
		return err
	}
	txn.Commit()
	return nil
}

// Delete cascades by hand: the author's books through the author index,
// each book's links through the book index.
func (p *memdbPeer) Delete(author int64) error {
	txn := p.db.Txn(true)
	defer txn.Abort()
	raw, err := txn.First("authors", "id", author)
	if err != nil {
		return err
	}
	if raw == nil {
		return fmt.Errorf("peers: no author %d", author)
	}
	if err := txn.Delete("authors", raw); err != nil {
		return err
	}
	// Collect first: a write transaction's iterators must not see deletes.
	it, err := txn.Get("books", "author", author)
	if err != nil {
		return err
	}
	var books []int64
	for raw := it.Next(); raw != nil; raw = it.Next() {
		books = append(books, raw.(*Book).ID)
	}
	for _, b := range books {
		if _, err := txn.DeleteAll("links", "book", b); err != nil {
			return err
		}
	}
	if _, err := txn.DeleteAll("books", "author", author); err != nil {
		return err
	}
	txn.Commit()
	return nil
}

func (p *memdbPeer) Lazy(n int) (int, error) {
	txn := p.db.Txn(false)
	authors, err := memdbAuthors(txn, n)
	if err != nil {
		return 0, err
	}
	rows := len(authors)
	for _, a := range authors {
		it, err := txn.Get("books", "author", a.ID)
		if err != nil {
			return 0, err
		}
		for raw := it.Next(); raw != nil; raw = it.Next() {
			b := raw.(*Book)
			rows++
			links, err := txn.Get("links", "book", b.ID)
			if err != nil {
				return 0, err
			}
			for raw := links.Next(); raw != nil; raw = links.Next() {
				t, err := txn.First("tags", "id", raw.(*Link).TagID)
				if err != nil || t == nil {
					return 0, errors.Join(err, fmt.Errorf("peers: dangling link %v", *raw.(*Link)))
				}
				rows++
			}
		}
	}
	return rows, nil
}

// memdbAuthors returns copies of the authors with ids [0, n).
func memdbAuthors(txn *memdb.Txn, n int) ([]*Author, error) {
	it, err := txn.LowerBound("authors", "id", int64(0))
	if err != nil {
		return nil, err
	}
	var authors []*Author
	for raw := it.Next(); raw != nil; raw = it.Next() {
		a := raw.(*Author)
		if a.ID >= int64(n) {
			break
		}
		authors = append(authors, &Author{ID: a.ID, Name: a.Name})
	}
	return authors, nil
}

// Eager batches by hand, level by level as a prefetch does: the authors,
// then every author's books, then every book's links, then each distinct
// tag once, building the object graph.
func (p *memdbPeer) Eager(n int) (int, error) {
	txn := p.db.Txn(false)
	authors, err := memdbAuthors(txn, n)
	if err != nil {
		return 0, err
	}
	var books []*Book
	for _, a := range authors {
		it, err := txn.Get("books", "author", a.ID)
		if err != nil {
			return 0, err
		}
		for raw := it.Next(); raw != nil; raw = it.Next() {
			b := *raw.(*Book)
			a.Books = append(a.Books, &b)
			books = append(books, &b)
		}
	}
	tags := make(map[int64]*Tag)
	for _, b := range books {
		it, err := txn.Get("links", "book", b.ID)
		if err != nil {
			return 0, err
		}
		for raw := it.Next(); raw != nil; raw = it.Next() {
			id := raw.(*Link).TagID
			t, ok := tags[id]
			if !ok {
				t = &Tag{ID: id}
				tags[id] = t
			}
			b.Tags = append(b.Tags, t)
		}
	}
	for id, t := range tags {
		raw, err := txn.First("tags", "id", id)
		if err != nil || raw == nil {
			return 0, errors.Join(err, fmt.Errorf("peers: dangling tag %d", id))
		}
		*t = *raw.(*Tag)
	}
	return reached(authors), nil
}

func (p *memdbPeer) SetTitle(id int64, title string) error {
	txn := p.db.Txn(true)
	defer txn.Abort()
	raw, err := txn.First("books", "id", id)
	if err != nil {
		return err
	}
	if raw == nil {
		return fmt.Errorf("peers: no book %d", id)
	}
	b := *raw.(*Book) // stored objects are immutable: insert a copy
	b.Title = title
	if err := txn.Insert("books", &b); err != nil {
		return err
	}
	txn.Commit()
	return nil
}

func (p *memdbPeer) Close() error { return nil }
