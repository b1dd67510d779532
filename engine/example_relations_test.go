package engine_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/reldb/reldb/engine"
)

// This example deletes an author: ON DELETE CASCADE takes her books with
// her, and their links to tags.
func Example_cascade() {
	ctx := context.Background()
	db := libraryExample(ctx)
	defer db.Close()
	err := db.Update(ctx, func(tx *engine.Tx) error {
		return tx.Delete("authors", 1) // Le Guin: books 10 and 11
	})
	if err != nil {
		log.Fatal(err)
	}
	err = db.View(ctx, func(tx *engine.Tx) error {
		books, err := tx.Query("books").All()
		if err != nil {
			return err
		}
		links, err := tx.Query("books_tags").Count()
		fmt.Println(len(books), "book left:", books[0].Get("name"), "with", links, "tag link")
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 1 book left: Kindred with 1 tag link
}

// ExampleTx_PreviewDelete shows what a delete would change, writing
// nothing.
func ExampleTx_PreviewDelete() {
	ctx := context.Background()
	db := libraryExample(ctx)
	defer db.Close()
	err := db.View(ctx, func(tx *engine.Tx) error {
		p, err := tx.PreviewDelete("authors", 2)
		if err != nil {
			return err
		}
		fmt.Print(p)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// delete authors key 2
	//   books_author_id_fkey: delete books key 20
	//   books_author_id_fkey > books_tags_books_id_fkey: delete books_tags key (20, 1)
}

// ExampleQuery_Where filters and orders with an index: the books of one
// author, newest id first.
func ExampleQuery_Where() {
	ctx := context.Background()
	db := libraryExample(ctx)
	defer db.Close()
	err := db.View(ctx, func(tx *engine.Tx) error {
		q := tx.Query("books").Where(engine.Eq("author_id", 1)).OrderBy("id", engine.Desc)
		plan, err := q.Explain()
		if err != nil {
			return err
		}
		fmt.Println(plan)
		return q.Each(func(b engine.Record) error {
			fmt.Println(b.ID(), b.Get("name"))
			return nil
		})
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// scan books using books_author_id_idx (1 equality column, 1 range) backward
	// 11 The Dispossessed
	// 10 Earthsea
}

// ExampleTx_DDL prints the schema as PostgreSQL DDL, ready for psql.
func ExampleTx_DDL() {
	ctx := context.Background()
	db := libraryExample(ctx)
	defer db.Close()
	err := db.View(ctx, func(tx *engine.Tx) error {
		ddl, err := tx.DDL()
		fmt.Print(ddl)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// CREATE TABLE "authors" (
	//     "id" bigint,
	//     "name" text,
	//     CONSTRAINT "authors_pkey" PRIMARY KEY ("id")
	// );
	// CREATE TABLE "books" (
	//     "id" bigint,
	//     "name" text,
	//     "author_id" bigint NOT NULL,
	//     CONSTRAINT "books_pkey" PRIMARY KEY ("id")
	// );
	// CREATE TABLE "books_tags" (
	//     "books_id" bigint,
	//     "tags_id" bigint,
	//     CONSTRAINT "books_tags_pkey" PRIMARY KEY ("books_id", "tags_id")
	// );
	// CREATE TABLE "tags" (
	//     "id" bigint,
	//     "name" text,
	//     CONSTRAINT "tags_pkey" PRIMARY KEY ("id")
	// );
	// CREATE INDEX "books_author_id_idx" ON "books" ("author_id");
	// CREATE INDEX "books_tags_reverse_idx" ON "books_tags" ("tags_id", "books_id");
	// ALTER TABLE "books" ADD CONSTRAINT "books_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "authors" ("id") ON DELETE CASCADE ON UPDATE NO ACTION;
	// ALTER TABLE "books_tags" ADD CONSTRAINT "books_tags_books_id_fkey" FOREIGN KEY ("books_id") REFERENCES "books" ("id") ON DELETE CASCADE ON UPDATE CASCADE;
	// ALTER TABLE "books_tags" ADD CONSTRAINT "books_tags_tags_id_fkey" FOREIGN KEY ("tags_id") REFERENCES "tags" ("id") ON DELETE CASCADE ON UPDATE CASCADE;
}

// ExampleRecord_Links reads an explicit junction that carries data: an
// enrollment links a student to a course with a grade. Deleting a course
// with students is refused (RESTRICT).
func ExampleRecord_Links() {
	ctx := context.Background()
	db, err := engine.Open(engine.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	id := engine.Column{Name: "id", Type: engine.Int}
	name := engine.Column{Name: "name", Type: engine.Text}
	err = db.Update(ctx, func(tx *engine.Tx) error {
		for _, t := range []engine.Table{
			{Name: "students", PrimaryKey: []string{"id"}, Columns: []engine.Column{id, name}},
			{Name: "courses", PrimaryKey: []string{"id"}, Columns: []engine.Column{id, name}},
			{Name: "enrollments", PrimaryKey: []string{"student_id", "course_id"}, Columns: []engine.Column{
				{Name: "student_id", Type: engine.Int}, {Name: "course_id", Type: engine.Int},
				{Name: "grade", Type: engine.Text}}},
		} {
			if err := tx.CreateTable(t); err != nil {
				return err
			}
		}
		for _, r := range []engine.Relation{
			{Child: "enrollments", Columns: []string{"student_id"}, Parent: "students", OnDelete: engine.Cascade},
			{Child: "enrollments", Columns: []string{"course_id"}, Parent: "courses", OnDelete: engine.Restrict},
		} {
			if err := tx.CreateRelation(r); err != nil {
				return err
			}
		}
		if err := tx.CreateManyToMany(engine.ManyToMany{Left: "students", Right: "courses",
			LeftAs: "courses", RightAs: "students", Through: "enrollments"}); err != nil {
			return err
		}
		for _, r := range []struct {
			table string
			row   engine.Row
		}{
			{"students", engine.Row{"id": 1, "name": "Shevek"}},
			{"courses", engine.Row{"id": 7, "name": "Temporal physics"}},
			{"courses", engine.Row{"id": 8, "name": "Pravic"}},
			{"enrollments", engine.Row{"student_id": 1, "course_id": 7, "grade": "A"}},
			{"enrollments", engine.Row{"student_id": 1, "course_id": 8, "grade": "B+"}},
		} {
			if _, err := tx.Insert(r.table, r.row); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	err = db.View(ctx, func(tx *engine.Tx) error {
		s, err := tx.Get("students", 1)
		if err != nil {
			return err
		}
		links, err := s.Links("courses")
		for _, l := range links {
			fmt.Println(s.Get("name"), "/", l.To.Get("name"), "/", l.Via.Get("grade"))
		}
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	err = db.Update(ctx, func(tx *engine.Tx) error { return tx.Delete("courses", 7) })
	fmt.Println(errors.Is(err, engine.ErrRestrict), engine.SQLState(err))
	// Output:
	// Shevek / Temporal physics / A
	// Shevek / Pravic / B+
	// true 23503
}
