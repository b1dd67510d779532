package pgsql_test

import (
	"database/sql"
	"errors"
	"fmt"
	"log"

	"github.com/reldb/reldb/pgsql"
)

// Open a private in-memory database through database/sql, create two
// tables related by a foreign key, insert with RETURNING, query, and read
// a foreign-key violation's SQLSTATE.
func Example() {
	db, err := sql.Open("reldb", "") // a fresh in-memory database
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	_, err = db.Exec(`
		CREATE TABLE authors (id serial PRIMARY KEY, name text NOT NULL);
		CREATE TABLE books (id serial PRIMARY KEY, author_id integer NOT NULL REFERENCES authors ON DELETE CASCADE, title text NOT NULL)`)
	if err != nil {
		log.Fatal(err)
	}
	var id int64 // insert with RETURNING
	if err := db.QueryRow(`INSERT INTO authors (name) VALUES ($1) RETURNING id`, "Ursula K. Le Guin").Scan(&id); err != nil {
		log.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO books (author_id, title) VALUES ($1, $2)`, id, "The Dispossessed"); err != nil {
		log.Fatal(err)
	}
	var title string // a query
	if err := db.QueryRow(`SELECT title FROM books WHERE author_id = $1`, id).Scan(&title); err != nil {
		log.Fatal(err)
	}
	fmt.Println(id, title)
	_, err = db.Exec(`INSERT INTO books (author_id, title) VALUES (42, 'Orphan')`) // no author 42
	var pe *pgsql.Error
	if errors.As(err, &pe) {
		fmt.Println(pe.Code, pe.Constraint)
	}
	// Output:
	// 1 The Dispossessed
	// 23503 books_author_id_fkey
}
