package parse_test

import (
	"errors"
	"fmt"

	"github.com/reldb/reldb/pgsql/internal/parse"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Parse turns a SQL text into IR statements, printed here in their
// canonical form.
func ExampleParse() {
	stmts, err := parse.Parse(`-- name: ListBooks :many
SELECT b.title FROM "books" b JOIN authors a ON a.id = b.author_id WHERE a.name = $1 ORDER BY 1 LIMIT $2`)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range stmts {
		fmt.Println(s)
	}
	// Output:
	// SELECT b.title FROM (books AS b JOIN authors AS a ON (a.id = b.author_id)) WHERE (a.name = $1) ORDER BY 1 LIMIT $2
}

// Errors carry PostgreSQL's SQLSTATE and position.
func ExampleParse_errors() {
	for _, sql := range []string{"SELECT * FORM t", "SELECT * FROM t TABLESAMPLE SYSTEM (10)"} {
		_, err := parse.Parse(sql)
		var pe *pgerr.Error
		if errors.As(err, &pe) {
			fmt.Println(pe.Code, pe.Position, pe.Message)
		}
	}
	// Output:
	// 42601 10 syntax error at or near "FORM"
	// 0A000 17 TABLESAMPLE is not supported
}

// Split cuts a text into statements and says how many arguments each
// takes.
func ExampleSplit() {
	sql := "INSERT INTO t VALUES ($1, $2); SELECT ';' FROM t WHERE id = $1"
	spans, _ := parse.Split(sql)
	for _, sp := range spans {
		fmt.Printf("%d %s\n", sp.Params, sql[sp.Start:sp.End])
	}
	// Output:
	// 2 INSERT INTO t VALUES ($1, $2)
	// 1 SELECT ';' FROM t WHERE id = $1
}
