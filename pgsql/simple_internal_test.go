package pgsql

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cockroachdb/apd/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

const simpleSchema = `
CREATE TABLE authors (id bigint PRIMARY KEY, name text NOT NULL, country varchar(20), active boolean NOT NULL DEFAULT true, rank int NOT NULL);
CREATE TABLE books (id int PRIMARY KEY, author_id bigint NOT NULL REFERENCES authors (id), title text, price numeric(8,2), pages smallint);
CREATE INDEX books_author ON books (author_id);
CREATE TABLE notes (body text, n int NOT NULL);
CREATE TABLE spans (id int PRIMARY KEY, span interval);
INSERT INTO spans VALUES (1, '1 day 2 hours');
INSERT INTO authors VALUES (1, 'Le Guin', 'US', true, 3), (2, 'Butler', 'US', false, 1), (3, 'Lem', 'PL', true, 2), (4, 'Tokarczuk', NULL, true, 2);
INSERT INTO books VALUES (10, 1, 'Earthsea', 9.50, 200), (11, 1, 'Dispossessed', 12.00, NULL), (12, 3, 'Solaris', NULL, 204), (13, 3, 'Fiasco', 8.25, 322), (14, 2, NULL, 5.00, 100);
INSERT INTO notes VALUES ('a', 1), (NULL, 2), ('a', 3);
`

// TestSimplePlan_SameAsGeneral runs each query with its arguments through
// the simple plan and through the general executor, on the same
// database, and wants the same result or the same SQLSTATE, and the
// simple plan used where the case says so.
func TestSimplePlan_SameAsGeneral(t *testing.T) {
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	ctx := context.Background()
	fast, slow := NewSession(db), NewSession(db)
	slow.noSimple = true
	_, err = fast.Exec(ctx, simpleSchema)
	require.NoError(t, err)

	for _, c := range []struct {
		sql    string
		args   []any
		simple bool // the plan is made and used
	}{
		{"SELECT id, name, country, active, rank FROM authors WHERE id = $1", []any{int64(1)}, true},
		{"SELECT * FROM authors WHERE id = $1", []any{int64(2)}, true},
		{"SELECT * FROM authors WHERE id = $1", []any{int64(99)}, true},
		{"SELECT name AS who, id, name FROM authors a WHERE a.id = $1", []any{int64(3)}, true},
		{"SELECT authors.name FROM authors WHERE $1 = authors.id", []any{int64(3)}, true},
		{"SELECT a.* FROM authors AS a WHERE country = $1 AND active = $2", []any{"US", true}, true},
		{"SELECT id FROM authors WHERE country = 'US' AND id = 1", nil, true},
		{"SELECT id FROM authors WHERE id = '2'", nil, true},
		{"SELECT id FROM authors WHERE name = $1", []any{"Lem"}, true},
		{"SELECT id, title, price, pages FROM books WHERE author_id = $1 ORDER BY id DESC", []any{int64(1)}, true},
		{"SELECT id, title FROM books WHERE author_id = $1 ORDER BY 1 LIMIT $2 OFFSET $3", []any{int64(3), int64(1), int64(1)}, true},
		{"SELECT id AS k, title FROM books ORDER BY k LIMIT 2", nil, true},
		{"SELECT rank, id FROM authors ORDER BY rank, id DESC", nil, true},
		{"SELECT * FROM notes WHERE n = $1", []any{int64(2)}, true},
		{"SELECT * FROM notes", nil, true},
		{"SELECT id, title FROM books WHERE author_id = ANY($1)", []any{[]any{int64(1), int64(3), int64(1)}}, true},
		{"SELECT id FROM books WHERE id = ANY($1) ORDER BY id", []any{[]any{}}, true},
		{"SELECT id FROM authors WHERE name = ANY($1) AND active = $2", []any{[]any{"Lem", "Butler"}, true}, true},
		{"SELECT id FROM authors WHERE id = ANY($1)", []any{[]any{int64(1), nil}}, true},
		{"SELECT id FROM authors WHERE id = ANY($1)", []any{[]any{"1"}}, true},
		{"SELECT id FROM authors WHERE id = ANY($1)", []any{"{1,2}"}, true},
		{"SELECT id FROM authors WHERE id = ANY($1)", []any{int64(1)}, true},
		{"SELECT id FROM authors WHERE id = ANY(ARRAY[1, 2])", nil, false},
		{"SELECT id FROM authors WHERE id <> ALL($1)", []any{[]any{int64(1)}}, false},
		{"SELECT id FROM authors WHERE id > $1", []any{int64(1)}, true},
		{"SELECT id, name FROM authors WHERE id < $1 ORDER BY id", []any{int64(3)}, true},
		{"SELECT id FROM authors WHERE $1 <= id AND id <= $2 AND active = $3 ORDER BY id DESC", []any{int64(2), int64(4), true}, true},
		{"SELECT id FROM books WHERE author_id = $1 AND pages >= 200", []any{int64(3)}, true},
		{"SELECT id FROM authors WHERE id >= 2 AND id < 2", nil, true},
		{"SELECT id FROM authors WHERE id < $1", []any{"3"}, true},
		{"SELECT id FROM authors WHERE id < $1", []any{2.5}, true},
		{"SELECT id FROM authors WHERE rank > $1", []any{int64(1) << 40}, true},
		// Arguments the plan does not take: the general executor runs.
		{"SELECT id FROM authors WHERE id = $1", []any{nil}, true},
		{"SELECT id FROM authors WHERE id = $1", []any{"2"}, true},
		{"SELECT id FROM authors WHERE id = $1", []any{"two"}, true},
		{"SELECT id FROM authors WHERE id = $1", []any{2.0}, true},
		{"SELECT id FROM authors WHERE name = $1", []any{int64(1)}, true},
		{"SELECT id FROM authors WHERE id = $2", []any{int64(1)}, true},
		{"SELECT id FROM books ORDER BY id LIMIT $1", []any{int64(-1)}, true},
		{"SELECT id FROM books ORDER BY id LIMIT $1", []any{nil}, true},
		{"SELECT id FROM books ORDER BY id OFFSET $1", []any{"1"}, true},
		// Not simple.
		{"SELECT name FROM authors WHERE name > $1", []any{"L"}, false},
		{"SELECT id FROM books WHERE price < 10", nil, false},
		{"SELECT id FROM authors WHERE id = $1 OR id = 2", []any{int64(1)}, false},
		{"SELECT id + 1 FROM authors WHERE id = $1", []any{int64(1)}, false},
		{"SELECT id FROM books WHERE price = 9.5", nil, false},
		{"SELECT id FROM books ORDER BY title", nil, false},
		{"SELECT id FROM books ORDER BY pages", nil, false},
		{"SELECT DISTINCT author_id FROM books", nil, false},
		{"SELECT count(*) FROM books WHERE author_id = $1", []any{int64(1)}, false},
		{"SELECT id FROM books LIMIT ALL", nil, false},
		{"SELECT id FROM books WHERE author_id = -1", nil, true},
		{"SELECT id FROM authors FOR UPDATE", nil, false},
		{"SELECT relname FROM pg_class WHERE relname = 'books'", nil, false},
		{"SELECT id FROM nosuch WHERE id = 1", nil, false},
		{"SELECT nosuch FROM authors WHERE id = 1", nil, false},
		{"SELECT id FROM authors WHERE nosuch = 1", nil, false},
		{"SELECT b.id FROM authors WHERE id = 1", nil, false},
		{"SELECT ctid FROM notes", nil, false},
		{"SELECT * FROM spans WHERE id = 1", nil, false},
		{"SELECT span FROM spans WHERE id = 1", nil, false},
	} {
		t.Run(c.sql, func(t *testing.T) { sameAsGeneral(t, fast, slow, c.sql, c.args, c.simple, render) })
	}
}

// TestSimplePlan_FollowsTheTable: a plan is made again when its table
// changes, and a prepared statement's typed arguments use it.
func TestSimplePlan_FollowsTheTable(t *testing.T) {
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	ctx := context.Background()
	s := NewSession(db)
	_, err = s.Exec(ctx, simpleSchema)
	require.NoError(t, err)
	const q = "SELECT * FROM notes WHERE n = $1"
	p, err := s.Prepare(ctx, q, nil)
	require.NoError(t, err)
	run := func() string {
		t.Helper()
		res, err := s.ExecPrepared(ctx, p, []any{int64(1)})
		require.NoError(t, err)
		return render(res)
	}
	assert.Equal(t, "body text, n int4; a 1", run())
	assert.NotNil(t, s.simple[p.stmt.(*ir.Select)])

	for _, step := range []struct{ sql, want string }{
		{"ALTER TABLE notes ADD COLUMN extra int DEFAULT 7", "body text, n int4, extra int4; a 1 7"},
		{"ALTER TABLE notes RENAME COLUMN body TO text", "text text, n int4, extra int4; a 1 7"},
		{"BEGIN; ALTER TABLE notes DROP COLUMN extra", "text text, n int4; a 1"},
		{"ROLLBACK", "text text, n int4, extra int4; a 1 7"},
		{"DROP TABLE notes; CREATE TABLE notes (n int, x bool); INSERT INTO notes VALUES (1, true)", "n int4, x bool; 1 true"},
	} {
		_, err := s.Exec(ctx, step.sql)
		require.NoError(t, err, step.sql)
		// The prepared statement was described before: rerun its text.
		res, err := s.Exec(ctx, q, int64(1))
		require.NoError(t, err, step.sql)
		assert.Equal(t, step.want, render(res), step.sql)
	}
	_, err = s.Exec(ctx, "DROP TABLE notes")
	require.NoError(t, err)
	_, err = s.Exec(ctx, q, int64(1))
	assert.Equal(t, pgerr.UndefinedTable, pgerr.Code(err))
}

// render writes a result as "col type, ...; row; row".
func render(r Result) string {
	out := ""
	for i, c := range r.Columns {
		if i > 0 {
			out += ", "
		}
		out += c.Name + " " + c.TypeName()
	}
	for _, row := range r.Rows {
		out += ";"
		for _, v := range row {
			switch x := v.(type) {
			case nil:
				out += " NULL"
			case *apd.Decimal:
				out += " " + x.String()
			default:
				out += fmt.Sprintf(" %v", x)
			}
		}
	}
	if r.Tag != "SELECT "+fmt.Sprint(len(r.Rows)) {
		out += "; tag " + r.Tag
	}
	return out
}

// TestSimpleJoin_SameAsGeneral: a join planned as a simple plan with a
// join part gives the rows, column names and types, or the SQLSTATE the
// general executor gives (rows compared in any order, as neither query
// orders them), and the plan is used where the case says so.
func TestSimpleJoin_SameAsGeneral(t *testing.T) {
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	ctx := context.Background()
	fast, slow := NewSession(db), NewSession(db)
	slow.noSimple = true
	_, err = fast.Exec(ctx, simpleSchema+`
CREATE TABLE tags (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE book_tags (book_id int REFERENCES books, tag_id int REFERENCES tags, PRIMARY KEY (book_id, tag_id));
CREATE TABLE small (id smallint PRIMARY KEY, x text);
INSERT INTO tags VALUES (1, 'sf'), (2, 'classic'), (3, 'polish');
INSERT INTO book_tags VALUES (10, 1), (10, 2), (11, 1), (12, 1), (12, 3), (13, 3);
INSERT INTO small VALUES (1, 'one'), (3, 'three'), (200, 'two hundred');
`)
	require.NoError(t, err)

	for _, c := range []struct {
		sql    string
		args   []any
		simple bool
	}{
		{"SELECT t.id, t.name FROM book_tags bt JOIN tags t ON t.id = bt.tag_id WHERE bt.book_id = $1", []any{int64(10)}, true},
		{"SELECT t.id, t.name FROM book_tags bt JOIN tags t ON t.id = bt.tag_id WHERE bt.book_id = $1", []any{int64(14)}, true},
		{"SELECT bt.book_id, t.id, t.name FROM book_tags bt JOIN tags t ON t.id = bt.tag_id WHERE bt.book_id = ANY($1)", []any{[]any{int64(10), int64(12)}}, true},
		{"SELECT * FROM tags INNER JOIN book_tags ON book_tags.tag_id = tags.id WHERE book_tags.book_id = ANY($1)", []any{[]any{int64(11), int64(13)}}, true},
		{"SELECT b.id, a.name AS author FROM books b JOIN authors a ON a.id = b.author_id WHERE b.author_id = $1", []any{int64(3)}, true},
		{"SELECT a.name, b.title FROM authors a JOIN books b ON b.author_id = a.id WHERE b.id = $1", []any{int64(14)}, true},
		{"SELECT * FROM books JOIN authors ON authors.id = books.author_id", nil, true},
		{"SELECT books.*, name FROM books JOIN authors ON author_id = authors.id WHERE active = true", nil, false},
		{"SELECT title, name FROM books JOIN authors ON author_id = authors.id WHERE title = $1", []any{"Solaris"}, true},
		{"SELECT s.x, b.id FROM books b JOIN small s ON s.id = b.pages", nil, true},
		{"SELECT s.x FROM authors a JOIN small s ON s.id = a.id", nil, false},
		{"SELECT n.body, a.name FROM notes n JOIN authors a ON a.id = n.n", nil, true},
		// Arguments the plan does not take.
		{"SELECT t.name FROM book_tags bt JOIN tags t ON t.id = bt.tag_id WHERE bt.book_id = $1", []any{"ten"}, true},
		{"SELECT t.name FROM book_tags bt JOIN tags t ON t.id = bt.tag_id WHERE bt.book_id = $1", []any{nil}, true},
		// Not simple.
		{"SELECT id FROM books b JOIN authors a ON a.id = b.author_id", nil, false},
		{"SELECT b.id FROM books b JOIN authors b ON b.id = b.author_id", nil, false},
		{"SELECT b.id FROM books b LEFT JOIN authors a ON a.id = b.author_id", nil, false},
		{"SELECT b.id FROM books b JOIN authors a ON a.id = b.author_id AND a.active", nil, false},
		{"SELECT b.id FROM books b JOIN authors a ON a.id = b.author_id WHERE a.name = $1", []any{"Lem"}, false},
		{"SELECT b.id FROM books b JOIN authors a ON a.id = b.author_id WHERE b.id = $1 AND a.id = $2", []any{int64(10), int64(1)}, false},
		{"SELECT b.id FROM books b JOIN authors a ON a.id = b.author_id ORDER BY 1", nil, false},
		{"SELECT b.id FROM books b JOIN authors a ON a.id = b.author_id LIMIT 1", nil, false},
		{"SELECT b.id FROM books b JOIN authors a ON a.name = b.title", nil, false},
		{"SELECT b.id + 1 FROM books b JOIN authors a ON a.id = b.author_id", nil, false},
		{"SELECT b.id FROM books b JOIN authors a USING (id)", nil, false},
		{"SELECT x.id FROM books b JOIN authors a ON a.id = b.author_id", nil, false},
	} {
		t.Run(c.sql, func(t *testing.T) { sameAsGeneral(t, fast, slow, c.sql, c.args, c.simple, renderSorted) })
	}
}

// sameAsGeneral runs sql with args on fast, which makes simple plans,
// and on slow, which does not, over the same database: it wants the same
// result as show writes it, or the same SQLSTATE, and a simple plan made
// for sql when simple says so.
func sameAsGeneral(t *testing.T, fast, slow *Session, sql string, args []any, simple bool, show func(Result) string) {
	t.Helper()
	ctx := context.Background()
	got, gotErr := fast.Exec(ctx, sql, args...)
	want, wantErr := slow.Exec(ctx, sql, args...)
	if wantErr != nil {
		require.Error(t, gotErr)
		assert.Equal(t, pgerr.Code(wantErr), pgerr.Code(gotErr), "%v", gotErr)
	} else {
		require.NoError(t, gotErr)
		assert.Equal(t, show(want), show(got))
	}
	stmts, err := fast.cache.Parse(sql)
	require.NoError(t, err)
	p := fast.simple[stmts[0].(*ir.Select)]
	assert.Equal(t, simple, p != nil, "simple plan")
}

// renderSorted is render with the rows in sorted order.
func renderSorted(r Result) string {
	parts := strings.Split(render(r), ";")
	slices.Sort(parts[1:])
	return strings.Join(parts, ";")
}
