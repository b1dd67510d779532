package peers

import (
	"fmt"

	"github.com/cockroachdb/apd/v3"
)

// The results of every system are checked against what the generator
// made, by value: a sum over every row of a hash of every column (the
// decimal by coefficient and exponent, so 12.5 is not 12.50), plus the
// row's place in the object graph (the author a book hangs under, the book
// a tag hangs under). A sum does not depend on the order rows come in,
// which no workload asks for.

// mix is splitmix64's finalizer: every input bit moves every output bit.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// hashString is FNV-1a.
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// hashDecimal hashes a decimal's exact representation.
func hashDecimal(d *apd.Decimal) uint64 {
	h := mix(uint64(d.Form)<<32 ^ uint64(uint32(d.Exponent)))
	if d.Negative {
		h = mix(h ^ 1)
	}
	if d.Coeff.IsInt64() {
		return mix(h ^ uint64(d.Coeff.Int64()))
	}
	return mix(h ^ hashString(d.Coeff.String()))
}

func hashAuthor(a *Author) uint64 {
	return mix(mix(uint64(a.ID)) ^ hashString(a.Name))
}

func hashBook(b *Book) uint64 {
	h := mix(uint64(b.ID) + 1)
	h = mix(h ^ uint64(b.AuthorID))
	h = mix(h ^ hashString(b.Title))
	return mix(h ^ hashDecimal(&b.Price))
}

func hashTag(t *Tag) uint64 {
	return mix(mix(uint64(t.ID)+2) ^ hashString(t.Name))
}

// Sum is a checked result: how many rows, and the sum of their hashes.
type Sum struct {
	Rows int
	Hash uint64
}

func (s Sum) String() string { return fmt.Sprintf("%d rows, hash %016x", s.Rows, s.Hash) }

// sumBooks sums a list of books.
func sumBooks(books []*Book) Sum {
	s := Sum{Rows: len(books)}
	for _, b := range books {
		s.Hash += hashBook(b)
	}
	return s
}

// pointers returns pointers to each of books, for a system whose
// Children reads its rows into an array of its own.
func pointers(books []Book) []*Book {
	ps := make([]*Book, len(books))
	for i := range books {
		ps[i] = &books[i]
	}
	return ps
}

// sumGraph sums an object graph: each author, each book under the author
// it hangs from, each tag under its book.
func sumGraph(authors []*Author) Sum {
	var s Sum
	for _, a := range authors {
		s.Rows++
		s.Hash += hashAuthor(a)
		ah := mix(uint64(a.ID) + 3)
		for _, b := range a.Books {
			s.Rows++
			s.Hash += mix(hashBook(b) ^ ah)
			bh := mix(uint64(b.ID) + 4)
			for _, t := range b.Tags {
				s.Rows++
				s.Hash += mix(hashTag(t) ^ bh)
			}
		}
	}
	return s
}

// expected is what the generator made, by the keys the workloads ask for.
type expected struct {
	books     []Book // by id
	children  []Sum  // by author id
	traversal Sum    // of authors [0, Traverse)
}

// expect computes the results the workloads of f must return.
func (f Fixture) expect(d *Data) *expected {
	e := &expected{books: make([]Book, f.Books()), children: make([]Sum, f.Authors)}
	var graph []*Author
	for a := range d.Families {
		fam := &d.Families[a]
		for i := range fam.Books {
			e.books[fam.Books[i].ID] = fam.Books[i]
		}
		e.children[a] = sumBooks(pointers(fam.Books))
		if a < f.Traverse {
			au := fam.Author
			for i := range fam.Books {
				b := fam.Books[i]
				for _, l := range fam.Links {
					if l.BookID == b.ID {
						b.Tags = append(b.Tags, &d.Tags[l.TagID])
					}
				}
				au.Books = append(au.Books, &b)
			}
			graph = append(graph, &au)
		}
	}
	e.traversal = sumGraph(graph)
	return e
}

// sameBook reports whether got is want, every column, the title allowed a
// " rev n" suffix when revised is set (the readers+writer workload's
// writer changes titles).
func sameBook(got, want *Book, revised bool) error {
	title := got.Title == want.Title ||
		revised && len(got.Title) > len(want.Title) && got.Title[:len(want.Title)+1] == want.Title+" "
	if got.ID != want.ID || got.AuthorID != want.AuthorID || !title ||
		hashDecimal(&got.Price) != hashDecimal(&want.Price) {
		return fmt.Errorf("peers: read book {%d %d %q %s}, want {%d %d %q %s}",
			got.ID, got.AuthorID, got.Title, &got.Price, want.ID, want.AuthorID, want.Title, &want.Price)
	}
	return nil
}

// joinGraph builds the traversal's graph from the rows of its LEFT JOIN
// query (author, book, tag, ordered by author and book), one row at a
// time, with one *Tag per tag: the part of each SQL system's Join that
// does not depend on its driver's types.
type joinGraph struct {
	authors []*Author
	a       *Author
	b       *Book
	tags    map[int64]*Tag
}

// row adds a row: an author, and a book and a tag unless the outer joins
// left them NULL (bOK, tOK false). It returns the book when the row
// starts a new one, whose price the caller then sets from its column.
func (g *joinGraph) row(aID int64, aName string, bID int64, bOK bool, bTitle string, tID int64, tOK bool, tName string) (newBook *Book) {
	if g.a == nil || g.a.ID != aID {
		g.a = &Author{ID: aID, Name: aName}
		g.authors = append(g.authors, g.a)
		g.b = nil
	}
	if !bOK {
		return nil
	}
	if g.b == nil || g.b.ID != bID {
		g.b = &Book{ID: bID, AuthorID: aID, Title: bTitle}
		g.a.Books = append(g.a.Books, g.b)
		newBook = g.b
	}
	if !tOK {
		return newBook
	}
	t, ok := g.tags[tID]
	if !ok {
		if g.tags == nil {
			g.tags = make(map[int64]*Tag)
		}
		t = &Tag{ID: tID, Name: tName}
		g.tags[tID] = t
	}
	g.b.Tags = append(g.b.Tags, t)
	return newBook
}
