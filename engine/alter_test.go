package engine_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/engine/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// alterSchema is authors 1—N books (ON DELETE CASCADE) with three books.
func alterSchema(t *testing.T, opts engine.Options) *engine.DB {
	t.Helper()
	db := testutil.OpenDBWith(t, opts,
		engine.Table{Name: "authors", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int, AutoIncrement: true}, {Name: "name", Type: engine.Text, NotNull: true}},
			Indexes: []engine.Index{{Name: "authors_name_key", Columns: []string{"name"}, Unique: true}}},
		engine.Table{Name: "books", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "author_id", Type: engine.Int, NotNull: true},
			{Name: "title", Type: engine.Text}, {Name: "pages", Type: engine.Int}},
			Indexes: []engine.Index{{Name: "books_title_pages_idx", Columns: []string{"title", "pages"}}}},
	)
	err := db.Update(context.Background(), func(tx *engine.Tx) error {
		if err := tx.CreateRelation(engine.Relation{Child: "books", Columns: []string{"author_id"}, Parent: "authors",
			ParentAs: "author", ChildrenAs: "books", OnDelete: engine.Cascade}); err != nil {
			return err
		}
		for _, name := range []string{"Le Guin", "Butler"} {
			if _, err := tx.Insert("authors", engine.Row{"name": name}); err != nil {
				return err
			}
		}
		for _, b := range []engine.Row{
			{"id": 10, "author_id": 1, "title": "The Dispossessed", "pages": 387},
			{"id": 11, "author_id": 1, "title": "Lathe of Heaven", "pages": nil},
			{"id": 12, "author_id": 2, "title": "Kindred", "pages": 264},
		} {
			if _, err := tx.Insert("books", b); err != nil {
				return err
			}
		}
		return nil
	})
	require.NoError(t, err)
	return db
}

const alterSeeded = `authors:
  authors(id=1, name=Le Guin)
  authors(id=2, name=Butler)
books:
  books(id=10, author_id=1, title=The Dispossessed, pages=387)
  books(id=11, author_id=1, title=Lathe of Heaven, pages=NULL)
  books(id=12, author_id=2, title=Kindred, pages=264)
`

// TestTx_Alter_Operations checks each schema change's effect on the rows,
// its errors (which change nothing), and that a rolled-back change leaves
// the schema and the rows as they were.
func TestTx_Alter_Operations(t *testing.T) {
	tests := []struct {
		name     string
		op       func(tx *engine.Tx) error
		wantErr  error  // nil or a sentinel
		wantCode string // the SQLSTATE of the error, if any
		wantDump string // "" means alterSeeded
	}{
		{name: "add column with default", op: func(tx *engine.Tx) error {
			return tx.AddColumn("authors", engine.Column{Name: "country", Type: engine.Text, NotNull: true, Default: "US"})
		}, wantDump: `authors:
  authors(id=1, name=Le Guin, country=US)
  authors(id=2, name=Butler, country=US)
books:
  books(id=10, author_id=1, title=The Dispossessed, pages=387)
  books(id=11, author_id=1, title=Lathe of Heaven, pages=NULL)
  books(id=12, author_id=2, title=Kindred, pages=264)
`},
		{name: "add nullable column", op: func(tx *engine.Tx) error {
			return tx.AddColumn("books", engine.Column{Name: "price", Type: engine.Decimal, Precision: 6, Scale: 2})
		}, wantDump: `authors:
  authors(id=1, name=Le Guin)
  authors(id=2, name=Butler)
books:
  books(id=10, author_id=1, title=The Dispossessed, pages=387, price=NULL)
  books(id=11, author_id=1, title=Lathe of Heaven, pages=NULL, price=NULL)
  books(id=12, author_id=2, title=Kindred, pages=264, price=NULL)
`},
		{name: "add not null without default", op: func(tx *engine.Tx) error {
			return tx.AddColumn("authors", engine.Column{Name: "rating", Type: engine.Int, NotNull: true})
		}, wantErr: engine.ErrNotNull, wantCode: "23502"},
		{name: "add existing column", op: func(tx *engine.Tx) error {
			return tx.AddColumn("authors", engine.Column{Name: "name", Type: engine.Text})
		}, wantErr: engine.ErrExists, wantCode: "42701"},
		{name: "add auto-increment column", op: func(tx *engine.Tx) error {
			return tx.AddColumn("books", engine.Column{Name: "n", Type: engine.Int, AutoIncrement: true})
		}, wantErr: engine.ErrSchema},
		{name: "add column with a default of the wrong type", op: func(tx *engine.Tx) error {
			return tx.AddColumn("books", engine.Column{Name: "n", Type: engine.Int, Default: "many"})
		}, wantErr: engine.ErrSchema},
		{name: "add column to a missing table", op: func(tx *engine.Tx) error {
			return tx.AddColumn("nope", engine.Column{Name: "n", Type: engine.Int})
		}, wantErr: engine.ErrNoTable},
		{name: "drop column", op: func(tx *engine.Tx) error {
			return tx.DropColumn("books", "title")
		}, wantDump: `authors:
  authors(id=1, name=Le Guin)
  authors(id=2, name=Butler)
books:
  books(id=10, author_id=1, pages=387)
  books(id=11, author_id=1, pages=NULL)
  books(id=12, author_id=2, pages=264)
`},
		{name: "drop column of a relation", op: func(tx *engine.Tx) error {
			return tx.DropColumn("books", "author_id")
		}, wantDump: `authors:
  authors(id=1, name=Le Guin)
  authors(id=2, name=Butler)
books:
  books(id=10, title=The Dispossessed, pages=387)
  books(id=11, title=Lathe of Heaven, pages=NULL)
  books(id=12, title=Kindred, pages=264)
`},
		{name: "set column type, converting", op: func(tx *engine.Tx) error {
			return tx.SetColumnType("books", "pages", engine.ColumnType{Type: engine.Text, Default: "?"}, func(row []any) (any, error) {
				if row[3] == nil {
					return nil, nil
				}
				return fmt.Sprintf("%d p.", row[3]), nil
			})
		}, wantDump: `authors:
  authors(id=1, name=Le Guin)
  authors(id=2, name=Butler)
books:
  books(id=10, author_id=1, title=The Dispossessed, pages=387 p.)
  books(id=11, author_id=1, title=Lathe of Heaven, pages=NULL)
  books(id=12, author_id=2, title=Kindred, pages=264 p.)
`},
		{name: "set column type to decimal, coerced to the scale", op: func(tx *engine.Tx) error {
			return tx.SetColumnType("books", "pages", engine.ColumnType{Type: engine.Decimal, Precision: 6, Scale: 1}, func(row []any) (any, error) {
				if row[3] == nil {
					return nil, nil
				}
				return fmt.Sprintf("%d.04", row[3]), nil
			})
		}, wantDump: `authors:
  authors(id=1, name=Le Guin)
  authors(id=2, name=Butler)
books:
  books(id=10, author_id=1, title=The Dispossessed, pages=387.0)
  books(id=11, author_id=1, title=Lathe of Heaven, pages=NULL)
  books(id=12, author_id=2, title=Kindred, pages=264.0)
`},
		{name: "set column type, a conversion fails", op: func(tx *engine.Tx) error {
			return tx.SetColumnType("books", "pages", engine.ColumnType{Type: engine.Text}, func(row []any) (any, error) {
				if row[0] == int64(12) {
					return nil, engine.ErrInvalidArgument
				}
				return "x", nil
			})
		}, wantErr: engine.ErrInvalidArgument},
		{name: "set column type, a value of another type", op: func(tx *engine.Tx) error {
			return tx.SetColumnType("books", "pages", engine.ColumnType{Type: engine.Int}, func(row []any) (any, error) {
				return "many", nil
			})
		}, wantErr: engine.ErrType},
		{name: "set column type, a unique index breaks", op: func(tx *engine.Tx) error {
			return tx.SetColumnType("authors", "name", engine.ColumnType{Type: engine.Text}, func(row []any) (any, error) {
				return "same", nil
			})
		}, wantErr: engine.ErrUnique, wantCode: "23505"},
		{name: "set column type of a relation's column", op: func(tx *engine.Tx) error {
			return tx.SetColumnType("books", "author_id", engine.ColumnType{Type: engine.Text}, func(row []any) (any, error) {
				return "1", nil
			})
		}, wantErr: engine.ErrSchema},
		{name: "set column type of a referenced column", op: func(tx *engine.Tx) error {
			return tx.SetColumnType("authors", "id", engine.ColumnType{Type: engine.Float}, func(row []any) (any, error) {
				return 1.5, nil
			})
		}, wantErr: engine.ErrSchema},
		{name: "set column type of a missing column", op: func(tx *engine.Tx) error {
			return tx.SetColumnType("books", "isbn", engine.ColumnType{Type: engine.Text}, func(row []any) (any, error) { return nil, nil })
		}, wantErr: engine.ErrNoColumn},
		{name: "drop primary key column", op: func(tx *engine.Tx) error {
			return tx.DropColumn("books", "id")
		}, wantErr: engine.ErrSchema},
		{name: "drop missing column", op: func(tx *engine.Tx) error {
			return tx.DropColumn("books", "isbn")
		}, wantErr: engine.ErrNoColumn},
		{name: "drop referenced column", op: func(tx *engine.Tx) error {
			if err := tx.CreateTable(engine.Table{Name: "fans", PrimaryKey: []string{"id"}, Columns: []engine.Column{
				{Name: "id", Type: engine.Int}, {Name: "idol", Type: engine.Text}}}); err != nil {
				return err
			}
			if err := tx.CreateRelation(engine.Relation{Child: "fans", Columns: []string{"idol"}, Parent: "authors", References: []string{"name"}}); err != nil {
				return err
			}
			return tx.DropColumn("authors", "name")
		}, wantErr: engine.ErrSchema, wantCode: "2BP01"},
		{name: "rename column", op: func(tx *engine.Tx) error {
			if err := tx.RenameColumn("books", "title", "name"); err != nil {
				return err
			}
			_, err := tx.Insert("books", engine.Row{"id": 13, "author_id": 2, "name": "Dawn"})
			return err
		}, wantDump: `authors:
  authors(id=1, name=Le Guin)
  authors(id=2, name=Butler)
books:
  books(id=10, author_id=1, name=The Dispossessed, pages=387)
  books(id=11, author_id=1, name=Lathe of Heaven, pages=NULL)
  books(id=12, author_id=2, name=Kindred, pages=264)
  books(id=13, author_id=2, name=Dawn, pages=NULL)
`},
		{name: "rename column to a taken name", op: func(tx *engine.Tx) error {
			return tx.RenameColumn("books", "title", "pages")
		}, wantErr: engine.ErrExists, wantCode: "42701"},
		{name: "rename table: relations follow", op: func(tx *engine.Tx) error {
			if err := tx.RenameTable("authors", "writers"); err != nil {
				return err
			}
			if _, err := tx.Insert("books", engine.Row{"id": 13, "author_id": 3, "title": "Orphan"}); !assert.ErrorIs(t, err, engine.ErrForeignKey) {
				return err
			}
			return tx.Delete("writers", 1) // cascades to books 10 and 11
		}, wantDump: `books:
  books(id=12, author_id=2, title=Kindred, pages=264)
writers:
  writers(id=2, name=Butler)
`},
		{name: "rename table to a taken name", op: func(tx *engine.Tx) error {
			return tx.RenameTable("authors", "books")
		}, wantErr: engine.ErrExists},
		{name: "set and drop default", op: func(tx *engine.Tx) error {
			if err := tx.SetDefault("books", "pages", 100); err != nil {
				return err
			}
			if _, err := tx.Insert("books", engine.Row{"id": 13, "author_id": 2, "title": "Dawn"}); err != nil {
				return err
			}
			if err := tx.SetDefault("books", "pages", nil); err != nil {
				return err
			}
			_, err := tx.Insert("books", engine.Row{"id": 14, "author_id": 2, "title": "Imago"})
			return err
		}, wantDump: `authors:
  authors(id=1, name=Le Guin)
  authors(id=2, name=Butler)
books:
  books(id=10, author_id=1, title=The Dispossessed, pages=387)
  books(id=11, author_id=1, title=Lathe of Heaven, pages=NULL)
  books(id=12, author_id=2, title=Kindred, pages=264)
  books(id=13, author_id=2, title=Dawn, pages=100)
  books(id=14, author_id=2, title=Imago, pages=NULL)
`},
		{name: "set default of the wrong type", op: func(tx *engine.Tx) error {
			return tx.SetDefault("books", "pages", "many")
		}, wantErr: engine.ErrType},
		{name: "set not null over nulls", op: func(tx *engine.Tx) error {
			return tx.SetNotNull("books", "pages")
		}, wantErr: engine.ErrNotNull, wantCode: "23502"},
		{name: "set not null is enforced", op: func(tx *engine.Tx) error {
			if _, err := tx.Update("books", 11, engine.Row{"pages": 184}); err != nil {
				return err
			}
			if err := tx.SetNotNull("books", "pages"); err != nil {
				return err
			}
			_, err := tx.Update("books", 11, engine.Row{"pages": nil})
			return err
		}, wantErr: engine.ErrNotNull, wantCode: "23502"},
		{name: "drop not null of the primary key", op: func(tx *engine.Tx) error {
			return tx.DropNotNull("books", "id")
		}, wantErr: engine.ErrSchema},
		{name: "drop not null", op: func(tx *engine.Tx) error {
			if err := tx.DropNotNull("books", "author_id"); err != nil {
				return err
			}
			_, err := tx.Insert("books", engine.Row{"id": 13, "title": "Anthology"})
			return err
		}, wantDump: `authors:
  authors(id=1, name=Le Guin)
  authors(id=2, name=Butler)
books:
  books(id=10, author_id=1, title=The Dispossessed, pages=387)
  books(id=11, author_id=1, title=Lathe of Heaven, pages=NULL)
  books(id=12, author_id=2, title=Kindred, pages=264)
  books(id=13, author_id=NULL, title=Anthology, pages=NULL)
`},
		{name: "rename relation and index", op: func(tx *engine.Tx) error {
			if err := tx.RenameRelation("books_author_id_fkey", "books_by"); err != nil {
				return err
			}
			if err := tx.RenameIndex("authors", "authors_name_key", "authors_name_uq"); err != nil {
				return err
			}
			rels, err := tx.Relations("books")
			if err != nil {
				return err
			}
			assert.Equal(t, "books_by", rels[0].Name)
			def, err := tx.Table("authors")
			if err != nil {
				return err
			}
			assert.Equal(t, "authors_name_uq", def.Indexes[0].Name)
			return nil
		}},
		{name: "rename missing relation", op: func(tx *engine.Tx) error {
			return tx.RenameRelation("nope", "books_by")
		}, wantErr: engine.ErrSchema},
		{name: "rename missing index", op: func(tx *engine.Tx) error {
			return tx.RenameIndex("authors", "nope", "x")
		}, wantErr: engine.ErrNoIndex},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := alterSchema(t, engine.Options{})
			ddl := schemaDDL(t, db)
			err := db.Update(context.Background(), tc.op)
			require.ErrorIs(t, err, tc.wantErr)
			if tc.wantCode != "" {
				assert.Equal(t, tc.wantCode, engine.SQLState(err))
			}
			want := tc.wantDump
			if want == "" {
				want = alterSeeded
			}
			assert.Equal(t, want, testutil.Dump(t, db))
			if tc.wantErr != nil {
				assert.Equal(t, ddl, schemaDDL(t, db), "a failed change leaves the schema")
			}
			require.NoError(t, db.Check())

			t.Run("rollback", func(t *testing.T) {
				db := alterSchema(t, engine.Options{})
				tx, err := db.Begin(context.Background(), engine.TxOptions{})
				require.NoError(t, err)
				_ = tc.op(tx)
				require.NoError(t, tx.Rollback())
				assert.Equal(t, alterSeeded, testutil.Dump(t, db))
				assert.Equal(t, ddl, schemaDDL(t, db))
			})
		})
	}
}

func schemaDDL(t *testing.T, db *engine.DB) string {
	t.Helper()
	var ddl string
	require.NoError(t, db.View(context.Background(), func(tx *engine.Tx) error {
		var err error
		ddl, err = tx.DDL()
		return err
	}))
	return ddl
}

// TestTx_DropColumn_Relations checks that dropping a column takes the
// relations and indexes over it, and that a relation whose index went
// gets a new one.
func TestTx_DropColumn_Relations(t *testing.T) {
	db := alterSchema(t, engine.Options{})
	ctx := context.Background()
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		// The relation's index is (author_id, title): dropping title
		// takes it, and the relation needs another.
		if err := tx.CreateTable(engine.Table{Name: "reviews", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "book_id", Type: engine.Int}, {Name: "stars", Type: engine.Int}},
			Indexes: []engine.Index{{Name: "reviews_book_stars_idx", Columns: []string{"book_id", "stars"}}}}); err != nil {
			return err
		}
		if err := tx.CreateRelation(engine.Relation{Child: "reviews", Columns: []string{"book_id"}, Parent: "books", OnDelete: engine.Cascade}); err != nil {
			return err
		}
		_, err := tx.Insert("reviews", engine.Row{"id": 1, "book_id": 12, "stars": 5})
		return err
	}))
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error { return tx.DropColumn("reviews", "stars") }))
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error { return tx.DropColumn("books", "title") }))
	require.NoError(t, db.View(ctx, func(tx *engine.Tx) error {
		def, err := tx.Table("reviews")
		require.NoError(t, err)
		assert.Equal(t, []engine.Index{{Name: "reviews_book_id_idx", Columns: []string{"book_id"}}}, def.Indexes)
		def, err = tx.Table("books")
		require.NoError(t, err)
		assert.Equal(t, []engine.Index{{Name: "books_author_id_idx", Columns: []string{"author_id"}}}, def.Indexes)
		return nil
	}))
	// The relation still cascades through its new index.
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error { return tx.Delete("books", 12) }))
	require.NoError(t, db.View(ctx, func(tx *engine.Tx) error {
		n, err := tx.Query("reviews").Count()
		assert.Equal(t, 0, n)
		return err
	}))
	require.NoError(t, db.Check())
}

// TestTx_Alter_PendingChecks checks that a table with deferred checks
// pending cannot be altered, nor can the tables those checks read
// (PostgreSQL's 55006).
func TestTx_Alter_PendingChecks(t *testing.T) {
	db := alterSchema(t, engine.Options{})
	ctx := context.Background()
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		if err := tx.DropRelation("books_author_id_fkey"); err != nil {
			return err
		}
		return tx.CreateRelation(engine.Relation{Child: "books", Columns: []string{"author_id"}, Parent: "authors", Deferrable: true, InitiallyDeferred: true})
	}))
	tx, err := db.Begin(ctx, engine.TxOptions{})
	require.NoError(t, err)
	defer tx.Rollback()
	_, err = tx.Insert("books", engine.Row{"id": 20, "author_id": 9})
	require.NoError(t, err)
	err = tx.AddColumn("books", engine.Column{Name: "x", Type: engine.Int})
	require.ErrorIs(t, err, engine.ErrSchema)
	assert.Equal(t, "55006", engine.SQLState(err))
	// The parent too: the pending check reads its trees.
	require.ErrorIs(t, tx.RenameTable("authors", "writers"), engine.ErrSchema)
	require.NoError(t, tx.CreateTable(engine.Table{Name: "other", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}}}))
	require.NoError(t, tx.AddColumn("other", engine.Column{Name: "x", Type: engine.Int}), "a table the checks do not involve")
}

// TestTx_Alter_Durable checks that schema changes survive a reopen of a
// durable database, rows and indexes included.
func TestTx_Alter_Durable(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	db := alterSchema(t, engine.Options{Dir: dir})
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		if err := tx.AddColumn("authors", engine.Column{Name: "country", Type: engine.Text, Default: "US"}); err != nil {
			return err
		}
		if err := tx.CreateIndex("authors", engine.Index{Name: "authors_country_idx", Columns: []string{"country"}}); err != nil {
			return err
		}
		if err := tx.DropColumn("books", "title"); err != nil {
			return err
		}
		if err := tx.RenameColumn("books", "pages", "page_count"); err != nil {
			return err
		}
		return tx.RenameTable("authors", "writers")
	}))
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		if err := tx.SetNotNull("writers", "country"); err != nil {
			return err
		}
		_, err := tx.Insert("writers", engine.Row{"name": "Banks", "country": "GB"})
		return err
	}))
	dump, ddl := testutil.Dump(t, db), schemaDDL(t, db)
	require.NoError(t, db.Close())

	db2, err := engine.Open(engine.Options{Dir: dir})
	require.NoError(t, err)
	defer db2.Close()
	require.NoError(t, db2.Check())
	assert.Equal(t, dump, testutil.Dump(t, db2))
	assert.Equal(t, ddl, schemaDDL(t, db2))
	require.NoError(t, db2.Update(ctx, func(tx *engine.Tx) error {
		r, err := tx.Insert("writers", engine.Row{"name": "Jemisin", "country": "US"})
		if err != nil {
			return err
		}
		assert.Equal(t, int64(4), r.ID(), "the sequence survives")
		return tx.Delete("writers", 1) // cascades
	}))
	require.NoError(t, db2.View(ctx, func(tx *engine.Tx) error {
		n, err := tx.Query("books").Count()
		assert.Equal(t, 1, n)
		return err
	}))
	require.NoError(t, db2.Check())
}

// TestTx_Alter_DurableSequence checks that a table rebuilt by AddColumn
// keeps its sequence across a reopen even when it is empty, so that keys
// are not reused, as a PostgreSQL sequence never reuses them.
func TestTx_Alter_DurableSequence(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	db := alterSchema(t, engine.Options{Dir: dir})
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		if err := tx.Delete("authors", 1); err != nil {
			return err
		}
		return tx.Delete("authors", 2)
	}))
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		return tx.AddColumn("authors", engine.Column{Name: "country", Type: engine.Text})
	}))
	require.NoError(t, db.Close())
	db2, err := engine.Open(engine.Options{Dir: dir})
	require.NoError(t, err)
	defer db2.Close()
	require.NoError(t, db2.Update(ctx, func(tx *engine.Tx) error {
		r, err := tx.Insert("authors", engine.Row{"name": "Jemisin"})
		if err == nil {
			assert.Equal(t, int64(3), r.ID())
		}
		return err
	}))
}

type alterAuthor struct {
	ID   int64
	Name string
}

// TestTx_Alter_TypedModels checks that typed models follow column changes
// of their table.
func TestTx_Alter_TypedModels(t *testing.T) {
	db := alterSchema(t, engine.Options{})
	ctx := context.Background()
	require.NoError(t, engine.Register[alterAuthor](db, "authors"))
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		return tx.AddColumn("authors", engine.Column{Name: "country", Type: engine.Text})
	}))
	require.NoError(t, db.View(ctx, func(tx *engine.Tx) error {
		a, err := engine.Get[alterAuthor](tx, int64(2))
		require.NoError(t, err)
		assert.Equal(t, "Butler", a.Name)
		return nil
	}))
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error { return tx.RenameColumn("authors", "name", "full_name") }))
	require.NoError(t, db.View(ctx, func(tx *engine.Tx) error {
		_, err := engine.Get[alterAuthor](tx, int64(2))
		assert.ErrorIs(t, err, engine.ErrNoColumn)
		return nil
	}))
}

// TestTx_SetPrimaryKey rekeys a table whose key is a row identity, as
// SQL's ADD PRIMARY KEY on a table made without one: the rows, indexes
// and relations follow, bad data is refused with the table unchanged, and
// the change survives a reopen.
func TestTx_SetPrimaryKey(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	db, err := engine.Open(engine.Options{Dir: dir})
	require.NoError(t, err)
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		if err := tx.CreateTable(engine.Table{Name: "codes", PrimaryKey: []string{"rowid"}, Columns: []engine.Column{
			{Name: "rowid", Type: engine.Int, AutoIncrement: true}, {Name: "code", Type: engine.Text}, {Name: "n", Type: engine.Int}},
			Indexes: []engine.Index{{Name: "codes_n", Columns: []string{"n"}}}}); err != nil {
			return err
		}
		for _, r := range []engine.Row{{"code": "b", "n": 2}, {"code": "a", "n": 1}, {"code": "c", "n": 2}} {
			if _, err := tx.Insert("codes", r); err != nil {
				return err
			}
		}
		return nil
	}))
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		if err := tx.CreateTable(engine.Table{Name: "uses", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "code_row", Type: engine.Int}}}); err != nil {
			return err
		}
		return tx.CreateRelation(engine.Relation{Name: "uses_code", Child: "uses", Columns: []string{"code_row"}, Parent: "codes"})
	}))
	err = db.Update(ctx, func(tx *engine.Tx) error { return tx.SetPrimaryKey("codes", "", "code") })
	require.ErrorIs(t, err, engine.ErrSchema, "a relation references the old key")
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error { return tx.DropTable("uses") }))

	before := testutil.Dump(t, db)
	for _, c := range []struct {
		name string
		cols []string
		want error
	}{
		{"", nil, engine.ErrSchema},
		{"", []string{"nope"}, engine.ErrNoColumn},
		{"", []string{"code", "code"}, engine.ErrSchema},
		{"codes_n", []string{"code"}, engine.ErrExists},
		{"", []string{"n"}, engine.ErrUnique},
	} {
		err := db.Update(ctx, func(tx *engine.Tx) error { return tx.SetPrimaryKey("codes", c.name, c.cols...) })
		require.ErrorIs(t, err, c.want, "%v", c.cols)
	}
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		_, err := tx.Insert("codes", engine.Row{"n": 3})
		return err
	}))
	err = db.Update(ctx, func(tx *engine.Tx) error { return tx.SetPrimaryKey("codes", "", "code") })
	var ce *engine.ConstraintError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, engine.StateNotNull, ce.SQLState)
	assert.Equal(t, []string{"code"}, ce.Columns)
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error { return tx.Delete("codes", 4) }))
	assert.Equal(t, before, testutil.Dump(t, db), "refused changes left the table as it was")

	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		if err := tx.SetPrimaryKey("codes", "codes_pk", "code"); err != nil {
			return err
		}
		return tx.DropColumn("codes", "rowid")
	}))
	check := func(db *engine.DB) {
		t.Helper()
		require.NoError(t, db.Check())
		require.NoError(t, db.View(ctx, func(tx *engine.Tx) error {
			def, err := tx.Table("codes")
			require.NoError(t, err)
			assert.Equal(t, []string{"code"}, def.PrimaryKey)
			assert.Equal(t, "codes_pk", def.PrimaryKeyName)
			assert.True(t, def.Columns[0].NotNull)
			r, err := tx.Get("codes", "a")
			require.NoError(t, err)
			assert.Equal(t, int64(1), r.Get("n"))
			n, err := tx.Query("codes").Where(engine.Eq("n", 2)).Count()
			assert.Equal(t, 2, n, "the index was rebuilt")
			return err
		}))
		err := db.Update(ctx, func(tx *engine.Tx) error {
			_, err := tx.Insert("codes", engine.Row{"code": "a", "n": 9})
			return err
		})
		require.ErrorAs(t, err, &ce)
		assert.Equal(t, "codes_pk", ce.Constraint)
	}
	check(db)
	require.NoError(t, db.Close())
	db2, err := engine.Open(engine.Options{Dir: dir})
	require.NoError(t, err)
	defer db2.Close()
	check(db2)
}

// TestTx_DropPrimaryKey: the key's columns stay, NOT NULL, with
// duplicates allowed; the rows are numbered by a new auto-increment
// column that the next insert continues; a relation that found its child
// rows through the old key gets an index of its own; refused drops leave
// the table as it was; all of it survives a reopen.
func TestTx_DropPrimaryKey(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	db, err := engine.Open(engine.Options{Dir: dir})
	require.NoError(t, err)
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		for _, tb := range []engine.Table{
			{Name: "students", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}}},
			{Name: "courses", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int, AutoIncrement: true}}},
			{Name: "grades", PrimaryKey: []string{"student_id", "course"}, PrimaryKeyName: "grades_pk", Columns: []engine.Column{
				{Name: "student_id", Type: engine.Int}, {Name: "course", Type: engine.Text}, {Name: "grade", Type: engine.Int}},
				Indexes: []engine.Index{{Name: "grades_grade", Columns: []string{"grade"}}}},
			{Name: "notes", PrimaryKey: []string{"id"}, Columns: []engine.Column{
				{Name: "id", Type: engine.Int}, {Name: "student_id", Type: engine.Int}, {Name: "course", Type: engine.Text}}},
		} {
			if err := tx.CreateTable(tb); err != nil {
				return err
			}
		}
		if err := tx.CreateRelation(engine.Relation{Name: "grades_student", Child: "grades", Columns: []string{"student_id"}, Parent: "students", OnDelete: engine.Cascade}); err != nil {
			return err
		}
		if err := tx.CreateRelation(engine.Relation{Name: "notes_grade", Child: "notes", Columns: []string{"student_id", "course"}, Parent: "grades"}); err != nil {
			return err
		}
		for _, r := range []struct {
			table string
			row   engine.Row
		}{
			{"students", engine.Row{"id": 1}}, {"students", engine.Row{"id": 2}},
			{"grades", engine.Row{"student_id": 2, "course": "b", "grade": 5}},
			{"grades", engine.Row{"student_id": 1, "course": "a", "grade": 4}},
			{"grades", engine.Row{"student_id": 1, "course": "b", "grade": 5}},
		} {
			if _, err := tx.Insert(r.table, r.row); err != nil {
				return err
			}
		}
		return nil
	}))

	before := testutil.Dump(t, db)
	for _, c := range []struct {
		table, rowID string
		want         error
	}{
		{"nope", "ctid", engine.ErrNoTable},
		{"grades", "grade", engine.ErrExists},
		{"grades", "", engine.ErrSchema},
		{"grades", "ctid", engine.ErrSchema},  // notes_grade references the key
		{"courses", "ctid", engine.ErrSchema}, // an auto-increment key
	} {
		err := db.Update(ctx, func(tx *engine.Tx) error { return tx.DropPrimaryKey(c.table, c.rowID) })
		require.ErrorIs(t, err, c.want, "%s %q", c.table, c.rowID)
	}
	assert.Equal(t, before, testutil.Dump(t, db), "refused drops left the tables as they were")

	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		if err := tx.DropRelation("notes_grade"); err != nil {
			return err
		}
		return tx.DropPrimaryKey("grades", "ctid")
	}))
	check := func(db *engine.DB, rows int) {
		t.Helper()
		require.NoError(t, db.Check())
		require.NoError(t, db.View(ctx, func(tx *engine.Tx) error {
			def, err := tx.Table("grades")
			require.NoError(t, err)
			assert.Equal(t, []string{"ctid"}, def.PrimaryKey)
			assert.Empty(t, def.PrimaryKeyName, "the default, grades_pkey")
			assert.Equal(t, engine.Column{Name: "ctid", Type: engine.Int, NotNull: true, AutoIncrement: true}, def.Columns[3])
			assert.True(t, def.Columns[0].NotNull && def.Columns[1].NotNull, "the old key's columns stay NOT NULL")
			r, err := tx.Get("grades", int64(1))
			require.NoError(t, err)
			assert.Equal(t, []any{int64(1), "a"}, []any{r.Get("student_id"), r.Get("course")}, "rows are numbered in the old key's order")
			n, err := tx.Query("grades").Where(engine.Eq("grade", 5)).Count()
			require.NoError(t, err)
			assert.Equal(t, rows-1, n, "the index was rebuilt")
			n, err = tx.Query("grades").Where(engine.Eq("student_id", 1)).Count()
			require.NoError(t, err)
			assert.Equal(t, rows-1, n, "the relation's child rows are found")
			return nil
		}))
	}
	check(db, 3)
	var id any
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		r, err := tx.Insert("grades", engine.Row{"student_id": 1, "course": "a", "grade": 5})
		id = r.ID()
		return err
	}), "a duplicate of the old key is allowed")
	assert.Equal(t, int64(4), id, "the sequence goes on past the numbered rows")
	check(db, 4)
	require.NoError(t, db.Close())
	db, err = engine.Open(engine.Options{Dir: dir})
	require.NoError(t, err)
	defer db.Close()
	check(db, 4)
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error { return tx.Delete("students", 1) }))
	require.NoError(t, db.View(ctx, func(tx *engine.Tx) error {
		n, err := tx.Query("grades").Count()
		assert.Equal(t, 1, n, "the cascade found student 1's grades")
		return err
	}))
}

// TestTx_RenameIndex_PrimaryKey: the primary key's constraint name is
// renamed like an index's, and names no index can take after.
func TestTx_RenameIndex_PrimaryKey(t *testing.T) {
	ctx := context.Background()
	db := testutil.OpenDB(t, engine.Table{Name: "t", PrimaryKey: []string{"id"}, Columns: []engine.Column{
		{Name: "id", Type: engine.Int}, {Name: "v", Type: engine.Int}},
		Indexes: []engine.Index{{Name: "t_v", Columns: []string{"v"}}}})
	err := db.Update(ctx, func(tx *engine.Tx) error { return tx.RenameIndex("t", "t_pkey", "t_v") })
	require.ErrorIs(t, err, engine.ErrExists)
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error { return tx.RenameIndex("t", "t_pkey", "t_key") }))
	err = db.Update(ctx, func(tx *engine.Tx) error { return tx.RenameIndex("t", "t_v", "t_key") })
	require.ErrorIs(t, err, engine.ErrExists)
	err = db.Update(ctx, func(tx *engine.Tx) error {
		if _, err := tx.Insert("t", engine.Row{"id": 1}); err != nil {
			return err
		}
		_, err := tx.Insert("t", engine.Row{"id": 1})
		return err
	})
	var ce *engine.ConstraintError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "t_key", ce.Constraint)
}

// TestTx_RestartSequence ensures a restarted sequence numbers from 1 once
// its transaction commits, and that a rollback keeps the old one.
func TestTx_RestartSequence(t *testing.T) {
	db := alterSchema(t, engine.Options{})
	ctx := context.Background()
	insertAuthor := func(tx *engine.Tx, name string) (any, error) {
		r, err := tx.Insert("authors", engine.Row{"name": name})
		if err != nil {
			return nil, err
		}
		return r.Get("id"), nil
	}
	// Rolled back: the old sequence goes on (authors 1 and 2 exist).
	require.ErrorIs(t, db.Update(ctx, func(tx *engine.Tx) error {
		if err := tx.RestartSequence("authors"); err != nil {
			return err
		}
		_, err := insertAuthor(tx, "Lem")
		return err
	}), engine.ErrUnique, "key 1 is taken")
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		id, err := insertAuthor(tx, "Lem")
		assert.Equal(t, int64(3), id)
		return err
	}))
	// Committed after the rows went: numbering starts again.
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		for _, id := range []int64{10, 11, 12} {
			if err := tx.Delete("books", id); err != nil {
				return err
			}
		}
		for _, id := range []int64{1, 2, 3} {
			if err := tx.Delete("authors", id); err != nil {
				return err
			}
		}
		return tx.RestartSequence("authors")
	}))
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		id, err := insertAuthor(tx, "Tokarczuk")
		assert.Equal(t, int64(1), id)
		return err
	}))
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		require.ErrorIs(t, tx.RestartSequence("books"), engine.ErrSchema)
		require.ErrorIs(t, tx.RestartSequence("nope"), engine.ErrNoTable)
		return nil
	}))
}
