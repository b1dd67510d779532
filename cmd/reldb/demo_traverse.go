package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/reldb/reldb/engine"
)

// demoTraversal adds the other two relation kinds — books N-M tags through
// a generated junction, authors 1-1 profiles — and walks authors → books
// → tags lazily and then with a prefetch, counting loads.
func demoTraversal(ctx context.Context, db *engine.DB, say func(string, ...any)) error {
	say("\n== traversal: books N-M tags (generated junction), authors 1-1 profiles")
	err := db.Update(ctx, func(tx *engine.Tx) error {
		err := errors.Join(
			tx.CreateTable(engine.Table{Name: "tags", PrimaryKey: []string{"id"}, Columns: []engine.Column{
				{Name: "id", Type: engine.Int}, {Name: "name", Type: engine.Text, NotNull: true}}}),
			tx.CreateTable(engine.Table{Name: "profiles", PrimaryKey: []string{"id"}, Columns: []engine.Column{
				{Name: "id", Type: engine.Int, AutoIncrement: true}, {Name: "author_id", Type: engine.Int, NotNull: true},
				{Name: "bio", Type: engine.Text}}}),
		)
		if err != nil {
			return err
		}
		err = errors.Join(
			tx.CreateManyToMany(engine.ManyToMany{Left: "books", Right: "tags", LeftAs: "tags", RightAs: "books"}),
			tx.CreateRelation(engine.Relation{Kind: engine.OneToOne, Child: "profiles", Columns: []string{"author_id"},
				Parent: "authors", ParentAs: "author", ChildrenAs: "profile", OnDelete: engine.Cascade}),
		)
		if err != nil {
			return err
		}
		for id, name := range []string{"fantasy", "science fiction", "classic"} {
			if _, err := tx.Insert("tags", engine.Row{"id": id + 1, "name": name}); err != nil {
				return err
			}
		}
		books, err := tx.Query("books").All()
		if err != nil {
			return err
		}
		// Tag ids: 1 fantasy, 2 science fiction, 3 classic.
		tagsOf := map[string][]int{
			"A Wizard of Earthsea":      {1, 3},
			"The Left Hand of Darkness": {2, 3},
			"The Dispossessed":          {2, 3},
			"Kindred":                   {2, 3},
			"Parable of the Sower":      {2},
		}
		for _, b := range books {
			for _, tag := range tagsOf[fmt.Sprint(b.Get("title"))] {
				if _, err := tx.Insert("books_tags", engine.Row{"books_id": b.ID(), "tags_id": tag}); err != nil {
					return err
				}
			}
		}
		authors, err := tx.Query("authors").All()
		for _, a := range authors {
			if err == nil {
				_, err = tx.Insert("profiles", engine.Row{"author_id": a.ID(), "bio": "writes " + fmt.Sprint(a.Get("name"))})
			}
		}
		return err
	})
	if err != nil {
		return err
	}
	// walk returns a line per book: author, title and tags.
	walk := func(q *engine.Query) ([]string, error) {
		authors, err := q.All()
		if err != nil {
			return nil, err
		}
		var lines []string
		for _, a := range authors {
			books, err := a.Related("books")
			if err != nil {
				return nil, err
			}
			for _, b := range books {
				tags, err := b.Related("tags")
				if err != nil {
					return nil, err
				}
				names := make([]string, len(tags))
				for i, t := range tags {
					names[i] = fmt.Sprint(t.Get("name"))
				}
				lines = append(lines, fmt.Sprintf("%v: %v [%s]", a.Get("name"), b.Get("title"), strings.Join(names, ", ")))
			}
		}
		return lines, nil
	}
	return db.View(ctx, func(tx *engine.Tx) error {
		say("lazy, one load per Related call:")
		lazyLines, err := walk(tx.Query("authors"))
		if err != nil {
			return err
		}
		for _, l := range lazyLines {
			say("  %s", l)
		}
		lazy := tx.Stats().Loads
		eagerLines, err := walk(tx.Query("authors").Prefetch("books.tags"))
		if err != nil {
			return err
		}
		if !slices.Equal(lazyLines, eagerLines) {
			return fmt.Errorf("demo: eager walk found %q, lazy %q", eagerLines, lazyLines)
		}
		say("eager, Prefetch(\"books.tags\"): the same %d lines, the same code reading them", len(eagerLines))
		st := tx.Stats()
		say("loads: lazy %d (1 + authors + books: the N+1 pattern), eager %d (one per level)", lazy, st.Loads-lazy)
		u, err := tx.Get("authors", 1)
		if err != nil {
			return err
		}
		p, err := u.RelatedOne("profile")
		if err != nil {
			return err
		}
		say("one-to-one: %v has profile %q", u.Get("name"), p.Get("bio"))
		return nil
	})
}
