package peers

import (
	"encoding/binary"
	"errors"
	"fmt"

	memdb "github.com/hashicorp/go-memdb"
)

// memdbPeer is go-memdb: radix trees of pointers, one writer at a time,
// lock-free readers. It has no foreign keys, so every write checks parents
// and cascades deletes by hand in the same transaction, through the
// indexes a relational engine keeps: books by (author_id, id), links by
// (book, tag) and by (tag, book).
//
// Its indexes are hand-written memdb.SingleIndexer / PrefixIndexer
// implementations on the library's types, encoding int64 keys as 8
// big-endian bytes, rather than the reflection-based IntFieldIndex and
// CompoundIndex: go-memdb's docs present the indexer interfaces for this,
// and they save a reflect walk per index per write and a type switch per
// lookup.
type memdbPeer struct {
	db *memdb.MemDB
}

var _ Peer = (*memdbPeer)(nil)

var errNoParent = errors.New("peers: foreign key violation")

// appendKey appends an int64 in 8 bytes that order as the int64s do.
func appendKey(b []byte, v int64) []byte {
	return binary.BigEndian.AppendUint64(b, uint64(v)^1<<63)
}

// int64Args encodes args, which must be int64s, as one key.
func int64Args(args []any) ([]byte, error) {
	key := make([]byte, 0, 8*len(args))
	for _, a := range args {
		v, ok := a.(int64)
		if !ok {
			return nil, fmt.Errorf("peers: index argument %T, want int64", a)
		}
		key = appendKey(key, v)
	}
	return key, nil
}

// intIndex indexes the int64 fields that fields returns, in order; lookups
// and prefix lookups take int64 arguments for a leading part of them.
type intIndex struct {
	fields func(raw any) (a, b int64, two bool)
}

var (
	_ memdb.SingleIndexer = intIndex{}
	_ memdb.PrefixIndexer = intIndex{}
)

func (x intIndex) FromObject(raw any) (bool, []byte, error) {
	a, b, two := x.fields(raw)
	key := make([]byte, 0, 16)
	key = appendKey(key, a)
	if two {
		key = appendKey(key, b)
	}
	return true, key, nil
}

func (intIndex) FromArgs(args ...any) ([]byte, error) { return int64Args(args) }

func (intIndex) PrefixFromArgs(args ...any) ([]byte, error) { return int64Args(args) }

var (
	authorID = intIndex{func(raw any) (int64, int64, bool) { return raw.(*Author).ID, 0, false }}
	bookID   = intIndex{func(raw any) (int64, int64, bool) { return raw.(*Book).ID, 0, false }}
	// bookAuthor is not unique: go-memdb appends the id index's key, so
	// an author's books come in id order.
	bookAuthor = intIndex{func(raw any) (int64, int64, bool) { return raw.(*Book).AuthorID, 0, false }}
	tagID      = intIndex{func(raw any) (int64, int64, bool) { return raw.(*Tag).ID, 0, false }}
	linkID     = intIndex{func(raw any) (int64, int64, bool) { l := raw.(*Link); return l.BookID, l.TagID, true }}
	linkTag    = intIndex{func(raw any) (int64, int64, bool) { l := raw.(*Link); return l.TagID, l.BookID, true }}
)

func openMemdb(int) (Peer, error) {
	ix := func(name string, unique bool, x intIndex) *memdb.IndexSchema {
		return &memdb.IndexSchema{Name: name, Unique: unique, Indexer: x}
	}
	schema := &memdb.DBSchema{Tables: map[string]*memdb.TableSchema{
		"authors": {Name: "authors", Indexes: map[string]*memdb.IndexSchema{"id": ix("id", true, authorID)}},
		"books": {Name: "books", Indexes: map[string]*memdb.IndexSchema{
			"id": ix("id", true, bookID), "author": ix("author", false, bookAuthor)}},
		"tags": {Name: "tags", Indexes: map[string]*memdb.IndexSchema{"id": ix("id", true, tagID)}},
		// A book's links are the prefix scan "id_prefix" of the key
		// (book, tag); a tag's the unique index (tag, book).
		"links": {Name: "links", Indexes: map[string]*memdb.IndexSchema{
			"id": ix("id", true, linkID), "tag": ix("tag", true, linkTag)}},
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
		if ok, err := exists(txn, "tags", t.ID); err != nil || ok {
			return 0, errors.Join(err, fmt.Errorf("peers: duplicate tag %d", t.ID))
		}
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

// addFamily inserts copies of a family's rows, checking that each book's
// author and each link's book and tag exist, and that no key is taken
// (Insert replaces).
func addFamily(txn *memdb.Txn, fam *Family) error {
	if ok, err := exists(txn, "authors", fam.Author.ID); err != nil || ok {
		return errors.Join(err, fmt.Errorf("peers: duplicate author %d", fam.Author.ID))
	}
	if err := txn.Insert("authors", &Author{ID: fam.Author.ID, Name: fam.Author.Name}); err != nil {
		return err
	}
	for i := range fam.Books {
		src := &fam.Books[i]
		if ok, err := exists(txn, "authors", src.AuthorID); err != nil || !ok {
			return errors.Join(err, fmt.Errorf("%w: book %d author %d", errNoParent, src.ID, src.AuthorID))
		}
		if ok, err := exists(txn, "books", src.ID); err != nil || ok {
			return errors.Join(err, fmt.Errorf("peers: duplicate book %d", src.ID))
		}
		b := &Book{}
		copyBook(b, src)
		if err := txn.Insert("books", b); err != nil {
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
	var b Book
	copyBook(&b, raw.(*Book))
	return b, nil
}

// children appends copies of the books of author to books.
func memdbChildren(txn *memdb.Txn, author int64, books []Book) ([]Book, error) {
	it, err := txn.Get("books", "author", author)
	if err != nil {
		return nil, err
	}
	for raw := it.Next(); raw != nil; raw = it.Next() {
		books = append(books, Book{})
		copyBook(&books[len(books)-1], raw.(*Book))
	}
	return books, nil
}

func (p *memdbPeer) Children(author int64) ([]*Book, error) {
	books, err := memdbChildren(p.db.Txn(false), author, nil)
	return pointers(books), err
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
// each book's links by prefix of the links' key.
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
		if _, err := txn.DeleteAll("links", "id_prefix", b); err != nil {
			return err
		}
	}
	if _, err := txn.DeleteAll("books", "author", author); err != nil {
		return err
	}
	txn.Commit()
	return nil
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

// memdbTags hangs copies of a book's tags on it: its links by prefix,
// then each tag by key, through shared (nil: a copy per access).
func memdbTags(txn *memdb.Txn, b *Book, shared map[int64]*Tag) error {
	it, err := txn.Get("links", "id_prefix", b.ID)
	if err != nil {
		return err
	}
	for raw := it.Next(); raw != nil; raw = it.Next() {
		id := raw.(*Link).TagID
		if t, ok := shared[id]; ok {
			b.Tags = append(b.Tags, t)
			continue
		}
		traw, err := txn.First("tags", "id", id)
		if err != nil || traw == nil {
			return errors.Join(err, fmt.Errorf("peers: dangling link %v", *raw.(*Link)))
		}
		t := *traw.(*Tag)
		if shared != nil {
			shared[id] = &t
		}
		b.Tags = append(b.Tags, &t)
	}
	return nil
}

// Lazy reads each level one lookup per access.
func (p *memdbPeer) Lazy(n int) ([]*Author, error) {
	txn := p.db.Txn(false)
	authors, err := memdbAuthors(txn, n)
	if err != nil {
		return nil, err
	}
	for _, a := range authors {
		books, err := memdbChildren(txn, a.ID, nil)
		if err != nil {
			return nil, err
		}
		for i := range books {
			b := &books[i]
			a.Books = append(a.Books, b)
			if err := memdbTags(txn, b, nil); err != nil {
				return nil, err
			}
		}
	}
	return authors, nil
}

// Eager batches by hand, level by level as a prefetch does: the authors,
// then every author's books, then every book's links, each distinct tag
// read once.
func (p *memdbPeer) Eager(n int) ([]*Author, error) {
	txn := p.db.Txn(false)
	authors, err := memdbAuthors(txn, n)
	if err != nil {
		return nil, err
	}
	var books []Book
	at := make([]int, len(authors)+1)
	for i, a := range authors {
		if books, err = memdbChildren(txn, a.ID, books); err != nil {
			return nil, err
		}
		at[i+1] = len(books)
	}
	tags := make(map[int64]*Tag)
	for i, a := range authors {
		a.Books = make([]*Book, 0, at[i+1]-at[i])
		for j := at[i]; j < at[i+1]; j++ {
			a.Books = append(a.Books, &books[j])
			if err := memdbTags(txn, &books[j], tags); err != nil {
				return nil, err
			}
		}
	}
	return authors, nil
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
	b := &Book{} // stored objects are immutable: insert a copy
	copyBook(b, raw.(*Book))
	b.Title = title
	if err := txn.Insert("books", b); err != nil {
		return err
	}
	txn.Commit()
	return nil
}

func (p *memdbPeer) Close() error { return nil }
