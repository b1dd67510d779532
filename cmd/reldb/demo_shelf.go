package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/reldb/reldb/bench"
	"github.com/reldb/reldb/engine"
)

// shelf is the demo's durable library: real authors, four books each, and
// for every book its genre and century as tags.
var shelf = []struct {
	author string
	books  []shelfBook
}{
	{"Ursula K. Le Guin", []shelfBook{{"A Wizard of Earthsea", 1968, "fantasy"}, {"The Left Hand of Darkness", 1969, "science fiction"}, {"The Lathe of Heaven", 1971, "science fiction"}, {"The Dispossessed", 1974, "science fiction"}}},
	{"Octavia E. Butler", []shelfBook{{"Kindred", 1979, "science fiction"}, {"Dawn", 1987, "science fiction"}, {"Parable of the Sower", 1993, "science fiction"}, {"Parable of the Talents", 1998, "science fiction"}}},
	{"Isaac Asimov", []shelfBook{{"I, Robot", 1950, "science fiction"}, {"Foundation", 1951, "science fiction"}, {"The Caves of Steel", 1954, "science fiction"}, {"The Gods Themselves", 1972, "science fiction"}}},
	{"Frank Herbert", []shelfBook{{"Dune", 1965, "science fiction"}, {"Dune Messiah", 1969, "science fiction"}, {"Children of Dune", 1976, "science fiction"}, {"The Dosadi Experiment", 1977, "science fiction"}}},
	{"Philip K. Dick", []shelfBook{{"The Man in the High Castle", 1962, "science fiction"}, {"Do Androids Dream of Electric Sheep?", 1968, "science fiction"}, {"Ubik", 1969, "science fiction"}, {"A Scanner Darkly", 1977, "science fiction"}}},
	{"Iain M. Banks", []shelfBook{{"Consider Phlebas", 1987, "science fiction"}, {"The Player of Games", 1988, "science fiction"}, {"Use of Weapons", 1990, "science fiction"}, {"Excession", 1996, "science fiction"}}},
	{"Arthur C. Clarke", []shelfBook{{"Childhood's End", 1953, "science fiction"}, {"The City and the Stars", 1956, "science fiction"}, {"Rendezvous with Rama", 1973, "science fiction"}, {"The Fountains of Paradise", 1979, "science fiction"}}},
	{"N. K. Jemisin", []shelfBook{{"The Fifth Season", 2015, "fantasy"}, {"The Obelisk Gate", 2016, "fantasy"}, {"The Stone Sky", 2017, "fantasy"}, {"The City We Became", 2020, "fantasy"}}},
	{"Terry Pratchett", []shelfBook{{"The Colour of Magic", 1983, "fantasy"}, {"Mort", 1987, "fantasy"}, {"Guards! Guards!", 1989, "fantasy"}, {"Small Gods", 1992, "fantasy"}}},
	{"J. R. R. Tolkien", []shelfBook{{"The Hobbit", 1937, "fantasy"}, {"The Fellowship of the Ring", 1954, "fantasy"}, {"The Two Towers", 1954, "fantasy"}, {"The Return of the King", 1955, "fantasy"}}},
	{"Mary Shelley", []shelfBook{{"Frankenstein", 1818, "gothic"}, {"Valperga", 1823, "historical"}, {"The Last Man", 1826, "science fiction"}, {"Lodore", 1835, "novel"}}},
	{"Jules Verne", []shelfBook{{"Journey to the Center of the Earth", 1864, "adventure"}, {"From the Earth to the Moon", 1865, "adventure"}, {"Twenty Thousand Leagues Under the Seas", 1870, "adventure"}, {"Around the World in Eighty Days", 1872, "adventure"}}},
}

type shelfBook struct {
	title string
	year  int
	genre string
}

// century names the century of a year: 1818 is in the 19th.
func century(year int) string {
	c := (year-1)/100 + 1
	suffix := "th"
	switch c % 10 {
	case 1:
		suffix = "st"
	case 2:
		suffix = "nd"
	case 3:
		suffix = "rd"
	}
	return fmt.Sprintf("%d%s century", c, suffix)
}

// demoLatency is the round trip the demo charges each load to show N+1 as
// a client of a networked database meets it.
const demoLatency = 200 * time.Microsecond

// demoShelf writes the shelf to a durable database in a temporary
// directory, closes it, reopens it and reads it back; then it times the
// walk authors → books → tags over it lazily and eagerly, in memory and
// with demoLatency per load. It removes the directory when done.
func demoShelf(ctx context.Context, say func(string, ...any)) error {
	dir, err := os.MkdirTemp("", "reldb-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	say("\n== durability: a shelf of %d authors written to disk, closed, reopened", len(shelf))
	db, err := engine.Open(engine.Options{Dir: dir})
	if err != nil {
		return err
	}
	var books, links int
	err = db.Update(ctx, func(tx *engine.Tx) error {
		books, links = 0, 0
		if err := bench.CreateLibrarySchema(tx); err != nil {
			return err
		}
		tags := map[string]int{}
		tag := func(name string) (int, error) {
			if id, ok := tags[name]; ok {
				return id, nil
			}
			id := len(tags) + 1
			tags[name] = id
			_, err := tx.Insert("tags", engine.Row{"id": id, "name": name})
			return id, err
		}
		for i, a := range shelf {
			if _, err := tx.Insert("authors", engine.Row{"id": i + 1, "name": a.author}); err != nil {
				return err
			}
			for _, b := range a.books {
				books++
				if _, err := tx.Insert("books", engine.Row{"id": books, "author_id": i + 1, "title": b.title}); err != nil {
					return err
				}
				for _, name := range []string{b.genre, century(b.year)} {
					id, err := tag(name)
					if err == nil {
						_, err = tx.Insert("books_tags", engine.Row{"books_id": books, "tags_id": id})
					}
					if err != nil {
						return err
					}
					links++
				}
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return err
	}
	st, err := db.Storage()
	if err == nil {
		err = db.Close()
	} else {
		db.Close()
	}
	if err != nil {
		return err
	}
	say("wrote %d authors, %d books and %d book-tag links in one commit to %s (log: %d bytes), closed it",
		len(shelf), books, links, dir, st.LogBytes)

	if db, err = engine.Open(engine.Options{Dir: dir}); err != nil {
		return err
	}
	defer db.Close()
	err = db.View(ctx, func(tx *engine.Tx) error {
		na, err := tx.Query("authors").Count()
		if err != nil {
			return err
		}
		nb, err := tx.Query("books").Count()
		if err != nil {
			return err
		}
		b, err := tx.Query("books").Where(engine.Eq("title", "Frankenstein")).First()
		if err != nil {
			return err
		}
		a, err := b.RelatedOne("author")
		if err != nil {
			return err
		}
		tags, err := b.Related("tags")
		if err != nil {
			return err
		}
		names := make([]string, len(tags))
		for i, t := range tags {
			names[i] = fmt.Sprint(t.Get("name"))
		}
		say("reopened it from disk: %d authors, %d books; %v by %v [%s]", na, nb, b.Get("title"), a.Get("name"), strings.Join(names, ", "))
		return nil
	})
	if err != nil {
		return err
	}

	rows := len(shelf) + books + links
	say("\n== what N+1 costs: walking every author → book → tags of the reopened shelf (%d rows)", rows)
	say("  %-32s %6s %11s %15s", "", "loads", "in memory", fmt.Sprintf("%v per load", demoLatency))
	var ratios [2]float64
	var times [2][2]time.Duration
	for m, mode := range []bench.Mode{bench.Lazy, bench.Eager} {
		var loads int
		for l, latency := range []time.Duration{0, demoLatency} {
			res, err := timeWalk(db, bench.Traversal{Mode: mode, Latency: latency}, rows)
			if err != nil {
				return err
			}
			loads, times[m][l] = res.Loads, res.Time
		}
		label := "lazy, Related per row (N+1)"
		if mode == bench.Eager {
			label = `eager, Prefetch("books.tags")`
		}
		say("  %-32s %6d %11v %15v", label, loads, round(times[m][0].Nanoseconds()), round(times[m][1].Nanoseconds()))
	}
	for l := range ratios {
		ratios[l] = float64(times[0][l]) / float64(times[1][l])
	}
	say("in memory a load costs microseconds, and lazy took %.1f× eager's time; at %v a round trip", ratios[0], demoLatency)
	say("it took %.0f×: lazy's loads grow with the rows (1 + authors + books), eager's stay at one per level", ratios[1])
	return nil
}

// timeWalk runs t five times and returns the run of median time.
func timeWalk(db *engine.DB, t bench.Traversal, rows int) (bench.Result, error) {
	var rs []bench.Result
	for range 5 {
		r, err := t.Run(db, rows)
		if err != nil {
			return r, err
		}
		rs = append(rs, r)
	}
	slices.SortFunc(rs, func(a, b bench.Result) int { return int(a.Time - b.Time) })
	return rs[len(rs)/2], nil
}
