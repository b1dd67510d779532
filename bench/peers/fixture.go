package peers

import "fmt"

// Fixture sizes the library, with the shapes of bench.Library: Authors
// authors, each with BooksPerAuthor books, each book with TagsPerBook
// distinct tags out of Tags.
type Fixture struct {
	Authors        int
	BooksPerAuthor int
	Tags           int
	TagsPerBook    int
	// Traverse is how many authors (ids [0, Traverse)) the traversal
	// workloads walk.
	Traverse int
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

// TraversalRows is what a traversal of f.Traverse authors reaches: the
// authors, their books and every (book, tag) pair.
func (f Fixture) TraversalRows() int {
	return f.Traverse * (1 + f.BooksPerAuthor*(1+f.TagsPerBook))
}

// Author, Book, Tag and Link are the rows of the library, and the objects a
// traversal builds: an author's Books, a book's Tags (one *Tag per tag
// within a traversal).
type Author struct {
	ID    int64
	Name  string
	Books []*Book
}

// Book is a book; AuthorID references Author.ID.
type Book struct {
	ID       int64
	AuthorID int64
	Title    string
	Tags     []*Tag
}

// Tag is a tag.
type Tag struct {
	ID   int64
	Name string
}

// Link is a junction row: book BookID has tag TagID.
type Link struct {
	BookID int64
	TagID  int64
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

// Generate builds the rows of f. Author a has books [a*B, (a+1)*B) for B
// books per author; book b has tags (7b + k) mod Tags for k < TagsPerBook,
// as bench.OpenLibrary spreads them.
func (f Fixture) Generate() *Data {
	d := &Data{Tags: make([]Tag, f.Tags), Families: make([]Family, f.Authors)}
	for t := range d.Tags {
		d.Tags[t] = Tag{ID: int64(t), Name: fmt.Sprintf("tag %d", t)}
	}
	for a := range d.Families {
		d.Families[a] = f.Family(int64(a), int64(a*f.BooksPerAuthor))
	}
	return d
}

// Family builds author id with BooksPerAuthor books numbered from
// firstBook and their links.
func (f Fixture) Family(id, firstBook int64) Family {
	fam := Family{
		Author: Author{ID: id, Name: fmt.Sprintf("author %d", id)},
		Books:  make([]Book, f.BooksPerAuthor),
		Links:  make([]Link, 0, f.BooksPerAuthor*f.TagsPerBook),
	}
	for j := range fam.Books {
		b := firstBook + int64(j)
		fam.Books[j] = Book{ID: b, AuthorID: id, Title: fmt.Sprintf("book %d", b)}
		for k := range f.TagsPerBook {
			fam.Links = append(fam.Links, Link{BookID: b, TagID: (b*7 + int64(k)) % int64(f.Tags)})
		}
	}
	return fam
}

// reached counts what a traversal's object graph holds: the authors, their
// books and each book's tags, as reldb's walk counts through Related.
func reached(authors []*Author) int {
	n := len(authors)
	for _, a := range authors {
		n += len(a.Books)
		for _, b := range a.Books {
			n += len(b.Tags)
		}
	}
	return n
}
