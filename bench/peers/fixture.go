package peers

import (
	"fmt"

	"github.com/cockroachdb/apd/v3"
)

// Fixture sizes the library: Authors authors, each with BooksPerAuthor
// books, each book with TagsPerBook distinct tags out of Tags.
//
// Book ids are scattered: author a owns the books whose position p is in
// [a*B, (a+1)*B), and book p has id p*M mod Books for a multiplier M
// coprime with Books near Books/φ, so one author's books, their index
// entries and their junction rows lie all over the trees, as rows inserted
// over a database's life do. Contiguous keeps the old shape, book id = p:
// an author's books are neighbours in every tree.
type Fixture struct {
	Authors        int
	BooksPerAuthor int
	Tags           int
	TagsPerBook    int
	// Traverse is how many authors (ids [0, Traverse)) the traversal
	// workloads walk.
	Traverse int
	// Contiguous numbers each author's books consecutively.
	Contiguous bool
}

// Standard is the fixture of the peer comparison: 1,000 authors × 10 books
// × 3 of 50 tags, traversals over 100 authors.
var Standard = Fixture{Authors: 1000, BooksPerAuthor: 10, Tags: 50, TagsPerBook: 3, Traverse: 100}

// Tiny is a fixture small enough for a test to run every workload on every
// system in well under a second.
var Tiny = Fixture{Authors: 20, BooksPerAuthor: 10, Tags: 50, TagsPerBook: 3, Traverse: 5}

func (f Fixture) validate() error {
	if f.Authors < 1 || f.BooksPerAuthor < 1 || f.Tags < 1 || f.TagsPerBook < 1 ||
		f.TagsPerBook > f.Tags || f.Traverse < 1 || f.Traverse > f.Authors {
		return fmt.Errorf("peers: bad fixture %+v", f)
	}
	return nil
}

// Books is the number of books of the fixture.
func (f Fixture) Books() int { return f.Authors * f.BooksPerAuthor }

// Links is the number of junction rows of the fixture.
func (f Fixture) Links() int { return f.Books() * f.TagsPerBook }

// Rows is every row the bulk load inserts.
func (f Fixture) Rows() int { return f.Tags + f.Authors + f.Books() + f.Links() }

// RowsPerAuthor is the rows one family adds: the author, its books, their
// links.
func (f Fixture) RowsPerAuthor() int { return 1 + f.BooksPerAuthor*(1+f.TagsPerBook) }

// WithRows returns f with as many authors as make about rows rows in all.
func (f Fixture) WithRows(rows int) Fixture {
	f.Authors = max(1, (rows-f.Tags)/f.RowsPerAuthor())
	f.Traverse = min(f.Traverse, f.Authors)
	return f
}

// TraversalRows is what a traversal of f.Traverse authors reaches: the
// authors, their books and every (book, tag) pair.
func (f Fixture) TraversalRows() int { return f.Traverse * f.RowsPerAuthor() }

// multiplier returns the M of the book id permutation p → p*M mod Books:
// the first number from Books/φ up that is coprime with Books.
func (f Fixture) multiplier() int64 {
	n := int64(f.Books())
	if f.Contiguous || n < 3 {
		return 1
	}
	m := n * 618 / 1000
	for gcd(m, n) != 1 {
		m++
	}
	return m
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// Author, Book, Tag and Link are the rows of the library, and the objects a
// traversal builds: an author's Books, a book's Tags. Their field and
// relation names are the reldb-typed peer's mapping too.
type Author struct {
	ID    int64
	Name  string
	Books []*Book `rel:"books"`
}

// Book is a book; AuthorID references Author.ID. Price is numeric(10,2),
// an exact decimal with two digits after the point.
type Book struct {
	ID       int64
	AuthorID int64
	Title    string
	Price    apd.Decimal
	Tags     []*Tag `rel:"tags"`
}

// Tag is a tag.
type Tag struct {
	ID   int64
	Name string
}

// Link is a junction row: book BookID has tag TagID. The tags name reldb's
// generated junction columns.
type Link struct {
	BookID int64 `reldb:"books_id"`
	TagID  int64 `reldb:"tags_id"`
}

// Family is one author with its books and their links, in insertion
// order.
type Family struct {
	Author Author
	Books  []Book
	Links  []Link
}

// Rows is how many rows the family is.
func (fam *Family) Rows() int { return 1 + len(fam.Books) + len(fam.Links) }

// Data is the whole library as rows, generated before any timing.
type Data struct {
	Tags     []Tag
	Families []Family
}

// Generate builds the rows of f.
func (f Fixture) Generate() *Data {
	d := &Data{Tags: make([]Tag, f.Tags), Families: make([]Family, f.Authors)}
	for t := range d.Tags {
		d.Tags[t] = Tag{ID: int64(t), Name: fmt.Sprintf("tag %d", t)}
	}
	for a := range d.Families {
		d.Families[a] = f.Family(int64(a))
	}
	return d
}

// Family builds author a of the library with its books and their links.
func (f Fixture) Family(a int64) Family {
	m, n, per := f.multiplier(), int64(f.Books()), int64(f.BooksPerAuthor)
	return f.family(a, func(j int64) int64 { return (a*per + j) * m % n })
}

// freshFamily builds an author id that is not part of the library, with
// books numbered from firstBook on.
func (f Fixture) freshFamily(id, firstBook int64) Family {
	return f.family(id, func(j int64) int64 { return firstBook + j })
}

// family builds author id with books bookID(0), bookID(1), ...: title
// "book <id>", a price of (id*7919 mod 100000 + 100) cents, and tags
// (7*id + k) mod Tags for k < TagsPerBook.
func (f Fixture) family(id int64, bookID func(j int64) int64) Family {
	fam := Family{
		Author: Author{ID: id, Name: fmt.Sprintf("author %d", id)},
		Books:  make([]Book, f.BooksPerAuthor),
		Links:  make([]Link, 0, f.BooksPerAuthor*f.TagsPerBook),
	}
	for j := range fam.Books {
		b := bookID(int64(j))
		bk := &fam.Books[j]
		bk.ID, bk.AuthorID, bk.Title = b, id, fmt.Sprintf("book %d", b)
		bk.Price.SetFinite(priceCents(b), -2)
		for k := range f.TagsPerBook {
			fam.Links = append(fam.Links, Link{BookID: b, TagID: (b*7 + int64(k)) % int64(f.Tags)})
		}
	}
	return fam
}

// priceCents is book id's price in cents.
func priceCents(id int64) int64 { return id*7919%100_000 + 100 }
