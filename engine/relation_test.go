package engine_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/engine/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func relAuthors() engine.Table {
	return engine.Table{Name: "authors", PrimaryKey: []string{"id"}, Columns: []engine.Column{
		{Name: "id", Type: engine.Int}, {Name: "name", Type: engine.Text}}}
}

func relBooks() engine.Table {
	return engine.Table{Name: "books", PrimaryKey: []string{"id"}, Columns: []engine.Column{
		{Name: "id", Type: engine.Int}, {Name: "author_id", Type: engine.Int, Default: int64(0)}, {Name: "title", Type: engine.Text}}}
}

// relDB opens authors(1,2,0) and books (1,2 by author 1; 3 by author 2)
// related by books.author_id with the given actions.
func relDB(t *testing.T, onDelete, onUpdate engine.Action) *engine.DB {
	t.Helper()
	db := testutil.OpenDB(t, relAuthors(), relBooks())
	err := db.Update(context.Background(), func(tx *engine.Tx) error {
		if err := tx.CreateRelation(engine.Relation{Child: "books", Columns: []string{"author_id"}, Parent: "authors",
			ParentAs: "author", ChildrenAs: "books", OnDelete: onDelete, OnUpdate: onUpdate}); err != nil {
			return err
		}
		for _, a := range []engine.Row{{"id": 0, "name": "unknown"}, {"id": 1, "name": "Le Guin"}, {"id": 2, "name": "Butler"}} {
			if _, err := tx.Insert("authors", a); err != nil {
				return err
			}
		}
		for _, b := range []engine.Row{{"id": 1, "author_id": 1, "title": "a"}, {"id": 2, "author_id": 1, "title": "b"}, {"id": 3, "author_id": 2, "title": "c"}} {
			if _, err := tx.Insert("books", b); err != nil {
				return err
			}
		}
		return nil
	})
	require.NoError(t, err)
	return db
}

const relSeeded = `authors:
  authors(id=0, name=unknown)
  authors(id=1, name=Le Guin)
  authors(id=2, name=Butler)
books:
  books(id=1, author_id=1, title=a)
  books(id=2, author_id=1, title=b)
  books(id=3, author_id=2, title=c)
`

// TestTx_Delete_OnDeleteActions checks each ON DELETE action when author 1
// (two books) is deleted.
func TestTx_Delete_OnDeleteActions(t *testing.T) {
	tests := []struct {
		name     string
		action   engine.Action
		wantErr  error
		wantDump string
	}{
		{"no action refuses", engine.NoAction, engine.ErrForeignKey, relSeeded},
		{"restrict refuses", engine.Restrict, engine.ErrRestrict, relSeeded},
		{"cascade removes books", engine.Cascade, nil, "authors:\n  authors(id=0, name=unknown)\n  authors(id=2, name=Butler)\nbooks:\n  books(id=3, author_id=2, title=c)\n"},
		{"set null unlinks", engine.SetNull, nil, "authors:\n  authors(id=0, name=unknown)\n  authors(id=2, name=Butler)\nbooks:\n  books(id=1, author_id=NULL, title=a)\n  books(id=2, author_id=NULL, title=b)\n  books(id=3, author_id=2, title=c)\n"},
		{"set default moves to unknown", engine.SetDefault, nil, "authors:\n  authors(id=0, name=unknown)\n  authors(id=2, name=Butler)\nbooks:\n  books(id=1, author_id=0, title=a)\n  books(id=2, author_id=0, title=b)\n  books(id=3, author_id=2, title=c)\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := relDB(t, tc.action, engine.NoAction)
			err := db.Update(context.Background(), func(tx *engine.Tx) error { return tx.Delete("authors", 1) })
			if tc.wantErr == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tc.wantErr)
				var ce *engine.ConstraintError
				require.ErrorAs(t, err, &ce)
				assert.Equal(t, "23503", ce.SQLState)
				assert.Equal(t, "books_author_id_fkey", ce.Constraint)
			}
			assert.Equal(t, tc.wantDump, testutil.Dump(t, db))
		})
	}
}

// TestTx_Update_OnUpdateActions checks each ON UPDATE action when author
// 1's key becomes 10.
func TestTx_Update_OnUpdateActions(t *testing.T) {
	tests := []struct {
		name     string
		action   engine.Action
		wantErr  error
		wantDump string
	}{
		{"no action refuses", engine.NoAction, engine.ErrForeignKey, relSeeded},
		{"restrict refuses", engine.Restrict, engine.ErrRestrict, relSeeded},
		{"cascade follows", engine.Cascade, nil, "authors:\n  authors(id=0, name=unknown)\n  authors(id=2, name=Butler)\n  authors(id=10, name=Le Guin)\nbooks:\n  books(id=1, author_id=10, title=a)\n  books(id=2, author_id=10, title=b)\n  books(id=3, author_id=2, title=c)\n"},
		{"set null unlinks", engine.SetNull, nil, "authors:\n  authors(id=0, name=unknown)\n  authors(id=2, name=Butler)\n  authors(id=10, name=Le Guin)\nbooks:\n  books(id=1, author_id=NULL, title=a)\n  books(id=2, author_id=NULL, title=b)\n  books(id=3, author_id=2, title=c)\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := relDB(t, engine.NoAction, tc.action)
			err := db.Update(context.Background(), func(tx *engine.Tx) error {
				_, err := tx.Update("authors", 1, engine.Row{"id": 10})
				return err
			})
			if tc.wantErr == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tc.wantErr)
			}
			assert.Equal(t, tc.wantDump, testutil.Dump(t, db))
		})
	}
}

// TestTx_Insert_ForeignKey checks the child side: a missing parent is
// refused with 23503, NULL is not checked (MATCH SIMPLE).
func TestTx_Insert_ForeignKey(t *testing.T) {
	db := relDB(t, engine.NoAction, engine.NoAction)
	ctx := context.Background()
	err := db.Update(ctx, func(tx *engine.Tx) error {
		_, err := tx.Insert("books", engine.Row{"id": 9, "author_id": 7, "title": "orphan"})
		return err
	})
	require.ErrorIs(t, err, engine.ErrForeignKey)
	var ce *engine.ConstraintError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "23503", ce.SQLState)
	assert.Equal(t, "(author_id)=(7)", ce.Key)
	assert.Equal(t, relSeeded, testutil.Dump(t, db))

	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		_, err := tx.Insert("books", engine.Row{"id": 9, "author_id": nil, "title": "anonymous"})
		return err
	}))
	err = db.Update(ctx, func(tx *engine.Tx) error {
		_, err := tx.Update("books", 9, engine.Row{"author_id": 8})
		return err
	})
	require.ErrorIs(t, err, engine.ErrForeignKey)
}

// TestTx_SetConstraints_Deferred checks that a deferrable relation's check
// waits for commit: an orphan inserted first and its parent later commits.
func TestTx_SetConstraints_Deferred(t *testing.T) {
	db := testutil.OpenDB(t, relAuthors(), relBooks())
	ctx := context.Background()
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		return tx.CreateRelation(engine.Relation{Child: "books", Columns: []string{"author_id"}, Parent: "authors", Deferrable: true})
	}))
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		require.NoError(t, tx.SetConstraints(engine.Deferred))
		if _, err := tx.Insert("books", engine.Row{"id": 1, "author_id": 5}); err != nil {
			return err
		}
		_, err := tx.Insert("authors", engine.Row{"id": 5, "name": "late"})
		return err
	}))
	err := db.Update(ctx, func(tx *engine.Tx) error {
		require.NoError(t, tx.SetConstraints(engine.Deferred, "books_author_id_fkey"))
		_, err := tx.Insert("books", engine.Row{"id": 2, "author_id": 6})
		return err
	})
	require.ErrorIs(t, err, engine.ErrForeignKey, "the deferred check fails at commit")
	assert.Equal(t, "authors:\n  authors(id=5, name=late)\nbooks:\n  books(id=1, author_id=5, title=NULL)\n", testutil.Dump(t, db))
}

// TestTx_Delete_SelfReferenceChain deletes the head of a long chain of
// self-referencing rows with ON DELETE CASCADE: the worklist needs no
// recursion.
func TestTx_Delete_SelfReferenceChain(t *testing.T) {
	n := 100_000
	if testing.Short() {
		n = 2_000
	}
	db := testutil.OpenDB(t, engine.Table{Name: "nodes", PrimaryKey: []string{"id"}, Columns: []engine.Column{
		{Name: "id", Type: engine.Int}, {Name: "next", Type: engine.Int}}})
	ctx := context.Background()
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		if err := tx.CreateRelation(engine.Relation{Child: "nodes", Columns: []string{"next"}, Parent: "nodes", OnDelete: engine.Cascade}); err != nil {
			return err
		}
		for i := 1; i <= n; i++ {
			next := any(i - 1)
			if i == 1 {
				next = nil
			}
			// Row i references i-1: deleting 1 cascades up the chain.
			if _, err := tx.Insert("nodes", engine.Row{"id": i, "next": next}); err != nil {
				return err
			}
		}
		return nil
	}))
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error { return tx.Delete("nodes", 1) }))
	require.NoError(t, db.View(ctx, func(tx *engine.Tx) error {
		c, err := tx.Query("nodes").Count()
		assert.Equal(t, 0, c)
		return err
	}))
}

// TestTx_DropTable_Referenced checks that a referenced table cannot be
// dropped, while dropping the child also drops its relation.
func TestTx_DropTable_Referenced(t *testing.T) {
	db := relDB(t, engine.Cascade, engine.NoAction)
	ctx := context.Background()
	err := db.Update(ctx, func(tx *engine.Tx) error { return tx.DropTable("authors") })
	require.ErrorIs(t, err, engine.ErrSchema)
	err = db.Update(ctx, func(tx *engine.Tx) error { return tx.DropIndex("books", "books_author_id_idx") })
	require.ErrorIs(t, err, engine.ErrSchema, "the relation's index stays")
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error { return tx.DropTable("books") }))
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error { return tx.Delete("authors", 1) }), "no relation left to act")
}

// TestTx_DropIndex_RelationMoves checks that the index a relation made
// may go once another index starts with the relation's columns: the
// relation then finds its children by that one (traversal, prefetch,
// checks and cascades), which in turn stays while it is the only one.
func TestTx_DropIndex_RelationMoves(t *testing.T) {
	db := relDB(t, engine.Cascade, engine.NoAction)
	ctx := context.Background()
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		if err := tx.CreateIndex("books", engine.Index{Name: "books_by_author", Columns: []string{"author_id", "title"}}); err != nil {
			return err
		}
		return tx.DropIndex("books", "books_author_id_idx")
	}))
	require.NoError(t, db.View(ctx, func(tx *engine.Tx) error {
		tb, err := tx.Table("books")
		require.NoError(t, err)
		assert.Equal(t, []engine.Index{{Name: "books_by_author", Columns: []string{"author_id", "title"}}}, tb.Indexes)
		authors, err := tx.Query("authors").OrderBy("id", engine.Asc).Prefetch("books").All()
		require.NoError(t, err)
		var titles []string
		for _, a := range authors {
			books, err := a.Related("books")
			require.NoError(t, err)
			for _, b := range books {
				titles = append(titles, fmt.Sprint(a.ID(), b.Get("title")))
			}
		}
		assert.Equal(t, []string{"1a", "1b", "2c"}, titles)
		return nil
	}))
	err := db.Update(ctx, func(tx *engine.Tx) error {
		_, err := tx.Insert("books", engine.Row{"id": 9, "author_id": 7, "title": "x"})
		return err
	})
	require.ErrorIs(t, err, engine.ErrForeignKey)
	err = db.Update(ctx, func(tx *engine.Tx) error { return tx.DropIndex("books", "books_by_author") })
	require.ErrorIs(t, err, engine.ErrSchema, "the relation's only index stays")
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error { return tx.Delete("authors", 1) }))
	assert.Equal(t, "authors:\n  authors(id=0, name=unknown)\n  authors(id=2, name=Butler)\nbooks:\n  books(id=3, author_id=2, title=c)\n",
		testutil.Dump(t, db))
}

// TestTx_Delete_RestrictDeepInCascade checks that a RESTRICT met anywhere in
// a cascade refuses the whole statement and changes nothing.
func TestTx_Delete_RestrictDeepInCascade(t *testing.T) {
	db := relDB(t, engine.Cascade, engine.NoAction)
	ctx := context.Background()
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		if err := tx.CreateTable(engine.Table{Name: "reviews", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "book_id", Type: engine.Int}}}); err != nil {
			return err
		}
		if err := tx.CreateRelation(engine.Relation{Child: "reviews", Columns: []string{"book_id"}, Parent: "books", OnDelete: engine.Restrict}); err != nil {
			return err
		}
		_, err := tx.Insert("reviews", engine.Row{"id": 1, "book_id": 2})
		return err
	}))
	before := testutil.Dump(t, db)
	err := db.Update(ctx, func(tx *engine.Tx) error { return tx.Delete("authors", 1) })
	require.ErrorIs(t, err, engine.ErrRestrict)
	assert.Equal(t, before, testutil.Dump(t, db))
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error { return tx.Delete("authors", 2) }), "author 2's book has no review")
}

// TestTx_Delete_Diamond checks that a row reached through two cascade paths
// is deleted once.
func TestTx_Delete_Diamond(t *testing.T) {
	db := testutil.OpenDB(t,
		engine.Table{Name: "a", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}}},
		engine.Table{Name: "b", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}, {Name: "a_id", Type: engine.Int}}},
		engine.Table{Name: "c", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}, {Name: "a_id", Type: engine.Int}}},
		engine.Table{Name: "d", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}, {Name: "b_id", Type: engine.Int}, {Name: "c_id", Type: engine.Int}}},
	)
	ctx := context.Background()
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		for _, r := range []engine.Relation{
			{Child: "b", Columns: []string{"a_id"}, Parent: "a", OnDelete: engine.Cascade},
			{Child: "c", Columns: []string{"a_id"}, Parent: "a", OnDelete: engine.Cascade},
			{Child: "d", Columns: []string{"b_id"}, Parent: "b", OnDelete: engine.Cascade},
			{Child: "d", Columns: []string{"c_id"}, Parent: "c", OnDelete: engine.Cascade},
		} {
			if err := tx.CreateRelation(r); err != nil {
				return err
			}
		}
		for _, ins := range []struct {
			t string
			r engine.Row
		}{{"a", engine.Row{"id": 1}}, {"b", engine.Row{"id": 1, "a_id": 1}}, {"c", engine.Row{"id": 1, "a_id": 1}}, {"d", engine.Row{"id": 1, "b_id": 1, "c_id": 1}}} {
			if _, err := tx.Insert(ins.t, ins.r); err != nil {
				return err
			}
		}
		return nil
	}))
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error { return tx.Delete("a", 1) }))
	assert.Equal(t, "a: empty\nb: empty\nc: empty\nd: empty\n", testutil.Dump(t, db))
}

// TestTx_Insert_OneToOne checks that a one-to-one relation makes its
// columns unique.
func TestTx_Insert_OneToOne(t *testing.T) {
	db := testutil.OpenDB(t,
		engine.Table{Name: "users", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}}},
		engine.Table{Name: "profiles", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}, {Name: "user_id", Type: engine.Int}}},
	)
	ctx := context.Background()
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		if err := tx.CreateRelation(engine.Relation{Kind: engine.OneToOne, Child: "profiles", Columns: []string{"user_id"}, Parent: "users",
			ParentAs: "user", ChildrenAs: "profile", OnDelete: engine.Cascade}); err != nil {
			return err
		}
		if _, err := tx.Insert("users", engine.Row{"id": 1}); err != nil {
			return err
		}
		_, err := tx.Insert("profiles", engine.Row{"id": 1, "user_id": 1})
		return err
	}))
	err := db.Update(ctx, func(tx *engine.Tx) error {
		_, err := tx.Insert("profiles", engine.Row{"id": 2, "user_id": 1})
		return err
	})
	require.ErrorIs(t, err, engine.ErrUnique)
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error { return tx.Delete("users", 1) }))
	assert.Equal(t, "profiles: empty\nusers: empty\n", testutil.Dump(t, db))
}

// TestTx_CreateRelation_Invalid checks declarations that can never work.
func TestTx_CreateRelation_Invalid(t *testing.T) {
	db := testutil.OpenDB(t, relAuthors(), engine.Table{Name: "books", PrimaryKey: []string{"id"}, Columns: []engine.Column{
		{Name: "id", Type: engine.Int}, {Name: "author_id", Type: engine.Int, NotNull: true}, {Name: "title", Type: engine.Text}}})
	ctx := context.Background()
	for name, r := range map[string]engine.Relation{
		"unknown parent": {Child: "books", Columns: []string{"author_id"}, Parent: "nope"},
		"unknown column": {Child: "books", Columns: []string{"nope"}, Parent: "authors"},
		"type mismatch":  {Child: "books", Columns: []string{"title"}, Parent: "authors"},
		"not unique":     {Child: "books", Columns: []string{"author_id"}, Parent: "authors", References: []string{"name"}},
	} {
		t.Run(name, func(t *testing.T) {
			err := db.Update(ctx, func(tx *engine.Tx) error { return tx.CreateRelation(r) })
			require.Error(t, err)
			assert.True(t, errors.Is(err, engine.ErrSchema) || errors.Is(err, engine.ErrNoTable), "got %v", err)
		})
	}
}

// TestTx_Relations_BothSides checks that a table's relations read back
// from both sides, with generated names and referenced columns filled in,
// and that DropRelation removes one.
func TestTx_Relations_BothSides(t *testing.T) {
	db := relDB(t, engine.Cascade, engine.Restrict)
	ctx := context.Background()
	want := engine.Relation{Name: "books_author_id_fkey", Child: "books", Columns: []string{"author_id"}, Parent: "authors",
		References: []string{"id"}, ParentAs: "author", ChildrenAs: "books", OnDelete: engine.Cascade, OnUpdate: engine.Restrict}
	require.NoError(t, db.View(ctx, func(tx *engine.Tx) error {
		for _, table := range []string{"authors", "books", ""} {
			rs, err := tx.Relations(table)
			require.NoError(t, err)
			assert.Equal(t, []engine.Relation{want}, rs, "relations of %q", table)
		}
		_, err := tx.Relations("nope")
		assert.ErrorIs(t, err, engine.ErrNoTable)
		return nil
	}))
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error { return tx.DropRelation("books_author_id_fkey") }))
	require.NoError(t, db.View(ctx, func(tx *engine.Tx) error {
		rs, err := tx.Relations("")
		assert.Empty(t, rs)
		return err
	}))
	err := db.Update(ctx, func(tx *engine.Tx) error { return tx.DropRelation("books_author_id_fkey") })
	require.ErrorIs(t, err, engine.ErrSchema)
}

// TestTx_PreviewDelete_MatchesDelete checks that a preview lists what the
// delete then does, grouped by relation path, and writes nothing.
func TestTx_PreviewDelete_MatchesDelete(t *testing.T) {
	db := relDB(t, engine.Cascade, engine.NoAction)
	ctx := context.Background()
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		p, err := tx.PreviewDelete("authors", 1)
		require.NoError(t, err)
		assert.Empty(t, p.Refusals)
		groups := p.Groups()
		require.Len(t, groups, 2)
		assert.Equal(t, "", groups[0].Path)
		assert.Equal(t, []engine.Change{{Table: "authors", Key: int64(1), Delete: true}}, groups[0].Changes)
		assert.Equal(t, "books_author_id_fkey", groups[1].Path)
		assert.Len(t, groups[1].Changes, 2)
		assert.Equal(t, relSeeded, txDumpRel(t, tx), "a preview writes nothing")
		return nil
	}))
	db2 := relDB(t, engine.NoAction, engine.NoAction)
	require.NoError(t, db2.View(ctx, func(tx *engine.Tx) error {
		p, err := tx.PreviewDelete("authors", 1)
		require.NoError(t, err)
		require.Len(t, p.Refusals, 1)
		assert.ErrorIs(t, p.Refusals[0], engine.ErrForeignKey)
		return nil
	}))
}

func txDumpRel(t *testing.T, tx *engine.Tx) string {
	t.Helper()
	out := ""
	for _, table := range []string{"authors", "books"} {
		rows, err := tx.Query(table).All()
		require.NoError(t, err)
		out += table + ":\n"
		for _, r := range rows {
			out += "  " + r.String() + "\n"
		}
	}
	return out
}

// TestTx_CreateManyToMany_Generated checks a generated junction: its shape,
// both directions indexed, and cascades from either side.
func TestTx_CreateManyToMany_Generated(t *testing.T) {
	db := testutil.OpenDB(t,
		engine.Table{Name: "books", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}}},
		engine.Table{Name: "tags", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}}},
	)
	ctx := context.Background()
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		if err := tx.CreateManyToMany(engine.ManyToMany{Left: "books", Right: "tags", LeftAs: "tags", RightAs: "books"}); err != nil {
			return err
		}
		for _, r := range []struct {
			t string
			r engine.Row
		}{{"books", engine.Row{"id": 1}}, {"books", engine.Row{"id": 2}}, {"tags", engine.Row{"id": 7}},
			{"books_tags", engine.Row{"books_id": 1, "tags_id": 7}}, {"books_tags", engine.Row{"books_id": 2, "tags_id": 7}}} {
			if _, err := tx.Insert(r.t, r.r); err != nil {
				return err
			}
		}
		return nil
	}))
	require.NoError(t, db.View(ctx, func(tx *engine.Tx) error {
		j, err := tx.Table("books_tags")
		require.NoError(t, err)
		assert.Equal(t, []string{"books_id", "tags_id"}, j.PrimaryKey)
		assert.Equal(t, []engine.Index{{Name: "books_tags_reverse_idx", Columns: []string{"tags_id", "books_id"}}}, j.Indexes)
		m, err := tx.ManyToManys("tags")
		require.NoError(t, err)
		assert.Equal(t, []engine.ManyToMany{{Name: "books_tags", Left: "books", Right: "tags", LeftAs: "tags", RightAs: "books",
			Through: "books_tags", LeftRelation: "books_tags_books_id_fkey", RightRelation: "books_tags_tags_id_fkey"}}, m)
		plan, err := tx.Query("books_tags").Where(engine.Eq("tags_id", 7)).Explain()
		require.NoError(t, err)
		assert.Contains(t, plan, "books_tags_reverse_idx", "the right-to-left direction is one prefix scan")
		return nil
	}))
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error { return tx.Delete("books", 1) }))
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		_, err := tx.Insert("books_tags", engine.Row{"books_id": 9, "tags_id": 7})
		assert.ErrorIs(t, err, engine.ErrForeignKey)
		return tx.Delete("tags", 7)
	}))
	assert.Equal(t, "books:\n  books(id=2)\nbooks_tags: empty\ntags: empty\n", testutil.Dump(t, db))
}

// TestTx_CreateManyToMany_ExplicitJunction checks a junction with payload
// and its own actions: enrollments cascade from students, and a course with
// students can't be dropped (RESTRICT).
func TestTx_CreateManyToMany_ExplicitJunction(t *testing.T) {
	db := testutil.OpenDB(t,
		engine.Table{Name: "students", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}}},
		engine.Table{Name: "courses", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}}},
		engine.Table{Name: "enrollments", PrimaryKey: []string{"student_id", "course_id"}, Columns: []engine.Column{
			{Name: "student_id", Type: engine.Int}, {Name: "course_id", Type: engine.Int},
			{Name: "grade", Type: engine.Decimal, Precision: 3, Scale: 1}}},
	)
	ctx := context.Background()
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		for _, r := range []engine.Relation{
			{Child: "enrollments", Columns: []string{"student_id"}, Parent: "students", OnDelete: engine.Cascade},
			{Child: "enrollments", Columns: []string{"course_id"}, Parent: "courses", OnDelete: engine.Restrict},
		} {
			if err := tx.CreateRelation(r); err != nil {
				return err
			}
		}
		if err := tx.CreateManyToMany(engine.ManyToMany{Left: "students", Right: "courses", Through: "enrollments", LeftAs: "courses", RightAs: "students"}); err != nil {
			return err
		}
		for _, r := range []struct {
			t string
			r engine.Row
		}{{"students", engine.Row{"id": 1}}, {"courses", engine.Row{"id": 10}}, {"enrollments", engine.Row{"student_id": 1, "course_id": 10, "grade": "3.7"}}} {
			if _, err := tx.Insert(r.t, r.r); err != nil {
				return err
			}
		}
		return nil
	}))
	err := db.Update(ctx, func(tx *engine.Tx) error { return tx.Delete("courses", 10) })
	require.ErrorIs(t, err, engine.ErrRestrict)
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error { return tx.Delete("students", 1) }))
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error { return tx.Delete("courses", 10) }))
}

// TestTx_Lint_CyclesAndConflicts checks the two lint warnings.
func TestTx_Lint_CyclesAndConflicts(t *testing.T) {
	db := testutil.OpenDB(t,
		engine.Table{Name: "users", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}}},
		engine.Table{Name: "posts", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}, {Name: "user_id", Type: engine.Int}}},
		engine.Table{Name: "comments", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "post_id", Type: engine.Int}, {Name: "user_id", Type: engine.Int}, {Name: "parent_id", Type: engine.Int}}},
	)
	ctx := context.Background()
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		for _, r := range []engine.Relation{
			{Child: "posts", Columns: []string{"user_id"}, Parent: "users", OnDelete: engine.Cascade},
			{Child: "comments", Columns: []string{"post_id"}, Parent: "posts", OnDelete: engine.Cascade},
			{Child: "comments", Columns: []string{"user_id"}, Parent: "users", OnDelete: engine.SetNull},
			{Child: "comments", Columns: []string{"parent_id"}, Parent: "comments", OnDelete: engine.Cascade},
		} {
			if err := tx.CreateRelation(r); err != nil {
				return err
			}
		}
		return nil
	}))
	require.NoError(t, db.View(ctx, func(tx *engine.Tx) error {
		ws, err := tx.Lint()
		require.NoError(t, err)
		var got []string
		for _, w := range ws {
			got = append(got, w.String())
		}
		assert.Contains(t, got, `comments_parent_id_fkey: ON DELETE CASCADE cycle: deleting a row of "comments" can cascade back into "comments"`)
		assert.Contains(t, got, `posts_user_id_fkey, comments_post_id_fkey, comments_user_id_fkey: a delete in "users" reaches "comments" by CASCADE and by SET NULL from "users"`)
		return nil
	}))
}

// TestTx_PreviewUpdate_ShowsCascadedKeys checks that previewing a key
// update lists the children it would move, with their new values, and a
// RESTRICT refusal with the error Update would return.
func TestTx_PreviewUpdate_ShowsCascadedKeys(t *testing.T) {
	ctx := context.Background()
	db := relDB(t, engine.NoAction, engine.Cascade)
	require.NoError(t, db.View(ctx, func(tx *engine.Tx) error {
		p, err := tx.PreviewUpdate("authors", 1, engine.Row{"id": 10})
		require.NoError(t, err)
		require.Empty(t, p.Refusals)
		require.Len(t, p.Changes, 3)
		assert.Equal(t, engine.Change{Table: "authors", Key: int64(1), Set: engine.Row{"id": int64(10)}}, p.Changes[0])
		for _, c := range p.Changes[1:] {
			assert.Equal(t, []string{"books_author_id_fkey"}, c.Path)
			assert.Equal(t, engine.Row{"author_id": int64(10)}, c.Set)
		}
		return nil
	}))
	db = relDB(t, engine.NoAction, engine.Restrict)
	require.NoError(t, db.View(ctx, func(tx *engine.Tx) error {
		p, err := tx.PreviewUpdate("authors", 1, engine.Row{"id": 10})
		require.NoError(t, err)
		require.Len(t, p.Refusals, 1)
		assert.ErrorIs(t, p.Refusals[0], engine.ErrRestrict)
		_, err = tx.PreviewUpdate("authors", 99, engine.Row{"id": 10})
		assert.ErrorIs(t, err, engine.ErrNotFound)
		return nil
	}))
}

// TestTx_Update_NonKeyColumns: an update that leaves every relation key as
// it was runs no referential check or action (the row is replaced), under
// every action; changing a key still does.
func TestTx_Update_NonKeyColumns(t *testing.T) {
	for _, action := range []engine.Action{engine.NoAction, engine.Restrict, engine.Cascade, engine.SetNull, engine.SetDefault} {
		t.Run(action.String(), func(t *testing.T) {
			db := relDB(t, action, action)
			require.NoError(t, db.Update(context.Background(), func(tx *engine.Tx) error {
				if _, err := tx.Update("authors", 1, engine.Row{"name": "Ursula", "id": 1}); err != nil {
					return err
				}
				_, err := tx.Update("books", 3, engine.Row{"title": "C", "author_id": 2})
				return err
			}))
			want := strings.Replace(strings.Replace(relSeeded, "name=Le Guin", "name=Ursula", 1), "title=c", "title=C", 1)
			assert.Equal(t, want, testutil.Dump(t, db))
			err := db.Update(context.Background(), func(tx *engine.Tx) error {
				_, err := tx.Update("books", 3, engine.Row{"title": "D", "author_id": 99})
				return err
			})
			require.ErrorIs(t, err, engine.ErrForeignKey, "a changed child key is still checked")
		})
	}
}

// TestTx_CreateRelation_FailingActionAccepted ensures a declaration
// PostgreSQL accepts loads here too: SET NULL on a NOT NULL column is
// accepted (Lint warns), and a delete that reaches it fails with 23502 and
// changes nothing; INITIALLY DEFERRED implies DEFERRABLE.
func TestTx_CreateRelation_FailingActionAccepted(t *testing.T) {
	db := testutil.OpenDB(t, relAuthors(), engine.Table{Name: "books", PrimaryKey: []string{"id"}, Columns: []engine.Column{
		{Name: "id", Type: engine.Int}, {Name: "author_id", Type: engine.Int, NotNull: true}, {Name: "title", Type: engine.Text}}})
	ctx := context.Background()
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		if err := tx.CreateRelation(engine.Relation{Child: "books", Columns: []string{"author_id"}, Parent: "authors",
			OnDelete: engine.SetNull, InitiallyDeferred: true}); err != nil {
			return err
		}
		if _, err := tx.Insert("authors", engine.Row{"id": 1, "name": "Le Guin"}); err != nil {
			return err
		}
		_, err := tx.Insert("books", engine.Row{"id": 1, "author_id": 1})
		return err
	}))
	seeded := testutil.Dump(t, db)
	err := db.Update(ctx, func(tx *engine.Tx) error { return tx.Delete("authors", 1) })
	require.ErrorIs(t, err, engine.ErrNotNull)
	assert.Equal(t, "23502", engine.SQLState(err))
	assert.Equal(t, seeded, testutil.Dump(t, db))
	require.NoError(t, db.View(ctx, func(tx *engine.Tx) error {
		ws, err := tx.Lint()
		require.NoError(t, err)
		require.Len(t, ws, 1)
		assert.Contains(t, ws[0].Message, "SET NULL on NOT NULL column")
		rs, err := tx.Relations("books")
		require.NoError(t, err)
		assert.True(t, rs[0].Deferrable, "INITIALLY DEFERRED implies DEFERRABLE")
		return nil
	}))
}
