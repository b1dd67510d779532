package peers

import (
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/google/btree"
)

// floorDegree is the B-trees' degree, reldb's own (index/tree.go), so that
// the floor differs from reldb by the engine's work, not the node size.
const floorDegree = 32

// The floor stores rows as pointers to immutable structs, keyed by an
// item holding the key beside the pointer so that a comparison reads no
// row; secondary and junction trees hold key pairs only, as reldb's
// indexes hold index key + primary key.
type (
	authorItem struct {
		id  int64
		row *Author
	}
	bookItem struct {
		id  int64
		row *Book
	}
	tagItem struct {
		id  int64
		row *Tag
	}
	// pair is a two-column key: (author_id, id) of books_author, (book,
	// tag) of links, (tag, book) of links_tag.
	pair [2]int64
)

func lessPair(a, b pair) bool { return a[0] < b[0] || a[0] == b[0] && a[1] < b[1] }

// floorTables is one state of the library in bare google/btree trees:
// a primary tree per table, the foreign-key index (author_id, id) of
// books, and the junction both ways.
type floorTables struct {
	authors     *btree.BTreeG[authorItem]
	books       *btree.BTreeG[bookItem]
	bookAuthors *btree.BTreeG[pair]
	tags        *btree.BTreeG[tagItem]
	links       *btree.BTreeG[pair]
	linkTags    *btree.BTreeG[pair]
}

func newFloorTables() *floorTables {
	return &floorTables{
		authors:     btree.NewG(floorDegree, func(a, b authorItem) bool { return a.id < b.id }),
		books:       btree.NewG(floorDegree, func(a, b bookItem) bool { return a.id < b.id }),
		bookAuthors: btree.NewG(floorDegree, lessPair),
		tags:        btree.NewG(floorDegree, func(a, b tagItem) bool { return a.id < b.id }),
		links:       btree.NewG(floorDegree, lessPair),
		linkTags:    btree.NewG(floorDegree, lessPair),
	}
}

// clone returns a copy-on-write copy of every tree. It changes t's
// copy-on-write context, so t must be private to the caller.
func (t *floorTables) clone() *floorTables {
	return &floorTables{
		authors: t.authors.Clone(), books: t.books.Clone(), bookAuthors: t.bookAuthors.Clone(),
		tags: t.tags.Clone(), links: t.links.Clone(), linkTags: t.linkTags.Clone(),
	}
}

// floorPeer is the floor: the same operations on the same keys as the
// engines, on bare trees, with the same foreign-key checks and cascades by
// hand and the same materialized results, and nothing else — no
// transactions, no schema, no row encoding. Without readers it changes
// its trees in place. With readers, the writer changes trees of its own
// and publishes a clone after each write (O(1), copy-on-write), which
// readers load atomically: they never block, as in reldb.
//
// The snapshot floor publishes a clone after each write whether or not
// anyone reads: the least any engine pays whose readers never block and
// never wait, reldb's promise. Its next write copies every node it
// changes, so it is the floor for reldb's writes, and the gap between
// the two floors is what copy-on-write itself costs.
type floorPeer struct {
	w         *floorTables // the writer's trees
	cur       atomic.Pointer[floorTables]
	snapshots bool
	mu        sync.Mutex // serializes writers
}

var _ Peer = (*floorPeer)(nil)

func openFloor(readers int) (Peer, error) {
	p := &floorPeer{w: newFloorTables(), snapshots: readers > 0}
	p.publish()
	return p, nil
}

func openSnapshotFloor(int) (Peer, error) {
	p := &floorPeer{w: newFloorTables(), snapshots: true}
	p.publish()
	return p, nil
}

// publish makes the writer's trees the state readers see.
func (p *floorPeer) publish() {
	if p.snapshots {
		p.cur.Store(p.w.clone())
	} else {
		p.cur.Store(p.w)
	}
}

// write runs fn on the writer's trees and publishes them; on an error it
// publishes nothing. fn leaves the trees as they were when it fails,
// except Load, which leaves the rows before the failing family.
func (p *floorPeer) write(fn func(t *floorTables) error) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := fn(p.w); err != nil {
		return err
	}
	p.publish()
	return nil
}

func (p *floorPeer) Load(d *Data) (int, error) {
	n := 0
	err := p.write(func(t *floorTables) error {
		for i := range d.Tags {
			tg := &Tag{ID: d.Tags[i].ID, Name: d.Tags[i].Name}
			if _, dup := t.tags.ReplaceOrInsert(tagItem{tg.ID, tg}); dup {
				return fmt.Errorf("peers: duplicate tag %d", tg.ID)
			}
			n++
		}
		for i := range d.Families {
			if err := t.addFamily(&d.Families[i]); err != nil {
				return err
			}
			n += d.Families[i].Rows()
		}
		return nil
	})
	return n, err
}

// addFamily inserts copies of a family's rows, checking parents and keys.
// On an error it removes what it inserted: a refused statement changes
// nothing, as in the engines.
func (t *floorTables) addFamily(fam *Family) (err error) {
	authors, books, links := 0, 0, 0
	defer func() {
		if err != nil {
			t.undoFamily(fam, authors, books, links)
		}
	}()
	a := &Author{ID: fam.Author.ID, Name: fam.Author.Name}
	if old, dup := t.authors.ReplaceOrInsert(authorItem{a.ID, a}); dup {
		t.authors.ReplaceOrInsert(old)
		return fmt.Errorf("peers: duplicate author %d", a.ID)
	}
	authors++
	for i := range fam.Books {
		src := &fam.Books[i]
		if !t.authors.Has(authorItem{id: src.AuthorID}) {
			return fmt.Errorf("%w: book %d author %d", errNoParent, src.ID, src.AuthorID)
		}
		b := &Book{}
		copyBook(b, src)
		if old, dup := t.books.ReplaceOrInsert(bookItem{b.ID, b}); dup {
			t.books.ReplaceOrInsert(old)
			return fmt.Errorf("peers: duplicate book %d", b.ID)
		}
		t.bookAuthors.ReplaceOrInsert(pair{b.AuthorID, b.ID})
		books++
	}
	for _, l := range fam.Links {
		if !t.books.Has(bookItem{id: l.BookID}) {
			return fmt.Errorf("%w: link book %d", errNoParent, l.BookID)
		}
		if !t.tags.Has(tagItem{id: l.TagID}) {
			return fmt.Errorf("%w: link tag %d", errNoParent, l.TagID)
		}
		if _, dup := t.links.ReplaceOrInsert(pair{l.BookID, l.TagID}); dup {
			return fmt.Errorf("peers: duplicate link %v", l) // the same key: nothing changed
		}
		t.linkTags.ReplaceOrInsert(pair{l.TagID, l.BookID})
		links++
	}
	return nil
}

// undoFamily removes the first authors, books and links rows of a family,
// the ones addFamily added before it failed.
func (t *floorTables) undoFamily(fam *Family, authors, books, links int) {
	for _, l := range fam.Links[:links] {
		t.links.Delete(pair{l.BookID, l.TagID})
		t.linkTags.Delete(pair{l.TagID, l.BookID})
	}
	for _, b := range fam.Books[:books] {
		t.books.Delete(bookItem{id: b.ID})
		t.bookAuthors.Delete(pair{b.AuthorID, b.ID})
	}
	if authors > 0 {
		t.authors.Delete(authorItem{id: fam.Author.ID})
	}
}

func (p *floorPeer) Count(table string) (int, error) {
	t := p.cur.Load()
	switch table {
	case "authors":
		return t.authors.Len(), nil
	case "books":
		return t.books.Len(), nil
	case "tags":
		return t.tags.Len(), nil
	case "links":
		return t.links.Len(), nil
	}
	return 0, fmt.Errorf("peers: no table %q", table)
}

func (p *floorPeer) Get(id int64) (Book, error) {
	var b Book
	it, ok := p.cur.Load().books.Get(bookItem{id: id})
	if !ok {
		return b, fmt.Errorf("peers: no book %d", id)
	}
	copyBook(&b, it.row)
	return b, nil
}

// prefix calls fn for the pairs of tree whose first column is k, in order.
func prefix(tree *btree.BTreeG[pair], k int64, fn func(p pair) bool) {
	tree.AscendRange(pair{k, math.MinInt64}, pair{k + 1, math.MinInt64}, fn)
}

// keys returns the second columns of the pairs of tree whose first
// column is k, appended to buf.
func keys(tree *btree.BTreeG[pair], k int64, buf []int64) []int64 {
	prefix(tree, k, func(p pair) bool { buf = append(buf, p[1]); return true })
	return buf
}

// children appends copies of the books of author to books: the
// foreign-key index's range, then each book by key.
func (t *floorTables) children(author int64, books []Book) ([]Book, error) {
	var buf [16]int64
	ids := keys(t.bookAuthors, author, buf[:0])
	books = slices.Grow(books, len(ids))
	for _, id := range ids {
		it, ok := t.books.Get(bookItem{id: id})
		if !ok {
			return nil, fmt.Errorf("peers: index names missing book %d", id)
		}
		books = append(books, Book{})
		copyBook(&books[len(books)-1], it.row)
	}
	return books, nil
}

func (p *floorPeer) Children(author int64) ([]*Book, error) {
	books, err := p.cur.Load().children(author, nil)
	return pointers(books), err
}

func (p *floorPeer) Add(fam *Family) error {
	return p.write(func(t *floorTables) error { return t.addFamily(fam) })
}

// Delete cascades as reldb does: the author, its books through the
// foreign-key index, each book's links through the junction's key, each
// removed from every tree that holds it.
func (p *floorPeer) Delete(author int64) error {
	return p.write(func(t *floorTables) error {
		if _, ok := t.authors.Delete(authorItem{id: author}); !ok {
			return fmt.Errorf("peers: no author %d", author)
		}
		var bbuf, tbuf [16]int64
		for _, b := range keys(t.bookAuthors, author, bbuf[:0]) {
			for _, tg := range keys(t.links, b, tbuf[:0]) {
				t.links.Delete(pair{b, tg})
				t.linkTags.Delete(pair{tg, b})
			}
			t.books.Delete(bookItem{id: b})
			t.bookAuthors.Delete(pair{author, b})
		}
		return nil
	})
}

// authorsBelow returns copies of the authors with ids [0, n).
func (t *floorTables) authorsBelow(n int) []*Author {
	var authors []*Author
	t.authors.AscendRange(authorItem{id: 0}, authorItem{id: int64(n)}, func(it authorItem) bool {
		authors = append(authors, &Author{ID: it.row.ID, Name: it.row.Name})
		return true
	})
	return authors
}

// hangTags hangs a book's tags on it through the junction's key, a copy
// per access, or through shared when it is not nil.
func (t *floorTables) hangTags(b *Book, shared map[int64]*Tag) error {
	var buf [16]int64
	ids := keys(t.links, b.ID, buf[:0])
	b.Tags = make([]*Tag, len(ids))
	for i, id := range ids {
		if tg, ok := shared[id]; ok {
			b.Tags[i] = tg
			continue
		}
		it, ok := t.tags.Get(tagItem{id: id})
		if !ok {
			return fmt.Errorf("peers: dangling link (%d, %d)", b.ID, id)
		}
		tg := &Tag{ID: it.row.ID, Name: it.row.Name}
		if shared != nil {
			shared[id] = tg
		}
		b.Tags[i] = tg
	}
	return nil
}

func (p *floorPeer) Lazy(n int) ([]*Author, error) {
	t := p.cur.Load()
	authors := t.authorsBelow(n)
	for _, a := range authors {
		books, err := t.children(a.ID, nil)
		if err != nil {
			return nil, err
		}
		a.Books = make([]*Book, len(books))
		for i := range books {
			a.Books[i] = &books[i]
			if err := t.hangTags(&books[i], nil); err != nil {
				return nil, err
			}
		}
	}
	return authors, nil
}

// Eager walks level by level: every author's books into one array, then
// every book's tags, each distinct tag once.
func (p *floorPeer) Eager(n int) ([]*Author, error) {
	t := p.cur.Load()
	authors := t.authorsBelow(n)
	var books []Book
	at := make([]int, len(authors)+1)
	var err error
	for i, a := range authors {
		if books, err = t.children(a.ID, books); err != nil {
			return nil, err
		}
		at[i+1] = len(books)
	}
	tags := make(map[int64]*Tag)
	for i, a := range authors {
		a.Books = make([]*Book, 0, at[i+1]-at[i])
		for j := at[i]; j < at[i+1]; j++ {
			a.Books = append(a.Books, &books[j])
			if err := t.hangTags(&books[j], tags); err != nil {
				return nil, err
			}
		}
	}
	return authors, nil
}

func (p *floorPeer) SetTitle(id int64, title string) error {
	return p.write(func(t *floorTables) error {
		it, ok := t.books.Get(bookItem{id: id})
		if !ok {
			return fmt.Errorf("peers: no book %d", id)
		}
		b := &Book{} // stored rows are immutable: replace with a copy
		copyBook(b, it.row)
		b.Title = title
		t.books.ReplaceOrInsert(bookItem{id, b})
		return nil
	})
}

func (p *floorPeer) Close() error { return nil }
