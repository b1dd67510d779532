package reldbtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"sync"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql"
)

// Template is a database built once — migrations run, fixtures loaded —
// that New forks for every test. Build it at package level and share it:
//
//	var tmpl = reldbtest.NewTemplate(
//		reldbtest.Migrations(os.DirFS("migrations"), "."),
//		reldbtest.SQLFiles(os.DirFS("testdata"), "fixtures/*.sql"),
//	)
//
// A Template is built on first use (or by Build) and is safe for
// concurrent use; it is never changed after it is built.
type Template struct {
	steps []Step
	once  sync.Once
	db    *engine.DB
	err   error
}

// Step is one part of building a Template: a set of migrations, some SQL,
// fixture files or a Go function. Steps run in the order given, each to
// completion, and the first that fails fails the Template.
type Step struct {
	name string
	run  func(ctx context.Context, b *builder) error
}

// builder is what steps build with: the template's engine DB and an SQL
// connection to it, whose statements run one at a time.
type builder struct {
	db  *engine.DB
	sql *sql.DB
}

// NewTemplate returns a Template that steps will build. Nothing runs
// until Build or the first New.
func NewTemplate(steps ...Step) *Template {
	return &Template{steps: steps}
}

// Build builds the template if it has not been built, and returns the
// error of the step that failed, naming it (the same error every time).
// New calls it; call it yourself (in TestMain, say) to fail early.
func (t *Template) Build() error {
	t.once.Do(func() {
		t.db, t.err = build(t.steps)
	})
	return t.err
}

func build(steps []Step) (*engine.DB, error) {
	db, err := engine.Open(engine.Options{})
	if err != nil {
		return nil, err
	}
	// gen_random_uuid() draws from a fixed stream: the template's fixtures
	// get the same uuids in every run, and every fork continues alike.
	pgsql.SeedRandom(db, [32]byte{})
	sqlDB := sql.OpenDB(pgsql.NewConnector(db))
	defer sqlDB.Close()
	// One connection, so that a step's session state (an open
	// transaction, SET CONSTRAINTS) carries from statement to statement
	// as it would in a migration tool's session.
	sqlDB.SetMaxOpenConns(1)
	b := &builder{db: db, sql: sqlDB}
	for _, s := range steps {
		if s.run == nil {
			return nil, errors.New("reldbtest: template: a zero Step; make steps with Migrations, SQL, SQLFiles, Func or GoFunc")
		}
		if err := s.run(context.Background(), b); err != nil {
			_ = db.Close()
			return nil, fmt.Errorf("reldbtest: template: %s: %w", s.name, err)
		}
	}
	return db, nil
}

// Migrations runs the migrations in directory dir of fsys: golang-migrate's
// NNN_name.up.sql files, goose's NNN_name.sql files (their -- +goose Up
// sections), or plain .sql files in name order (a directory holds one
// kind). Each file runs as one text of statements, as the tools send it.
// Pass os.DirFS("migrations") or an embed.FS.
func Migrations(fsys fs.FS, dir string) Step {
	return Step{name: "migrations " + dir, run: func(ctx context.Context, b *builder) error {
		migs, err := readMigrations(fsys, dir)
		if err != nil {
			return err
		}
		for _, m := range migs {
			if err := b.exec(ctx, m.sql); err != nil {
				return fmt.Errorf("%s: %w", m.name, err)
			}
		}
		return nil
	}}
}

// SQL runs a text of SQL statements.
func SQL(statements string) Step {
	return Step{name: "SQL", run: func(ctx context.Context, b *builder) error {
		return b.exec(ctx, statements)
	}}
}

// SQLFiles runs the SQL files of fsys that match the patterns (path.Match
// syntax, as fs.Glob), in name order, each as one text of statements: the
// usual way to load fixtures. A pattern that matches nothing is an error.
func SQLFiles(fsys fs.FS, patterns ...string) Step {
	return Step{name: fmt.Sprintf("SQL files %q", patterns), run: func(ctx context.Context, b *builder) error {
		var names []string
		for _, p := range patterns {
			m, err := fs.Glob(fsys, p)
			if err != nil {
				return err
			}
			if len(m) == 0 {
				return fmt.Errorf("no file matches %q", p)
			}
			names = append(names, m...)
		}
		sort.Strings(names)
		for _, name := range names {
			text, err := fs.ReadFile(fsys, name)
			if err != nil {
				return err
			}
			if err := b.exec(ctx, string(text)); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		return nil
	}}
}

// Func runs fn with database/sql on the template: fixtures written in Go
// against the same SQL the application sends.
func Func(fn func(ctx context.Context, db *sql.DB) error) Step {
	return Step{name: "Func", run: func(ctx context.Context, b *builder) error { return fn(ctx, b.sql) }}
}

// GoFunc runs fn with the template's engine.DB: fixtures written with
// reldb's Go API.
func GoFunc(fn func(ctx context.Context, db *engine.DB) error) Step {
	return Step{name: "GoFunc", run: func(ctx context.Context, b *builder) error { return fn(ctx, b.db) }}
}

func (b *builder) exec(ctx context.Context, text string) error {
	_, err := b.sql.ExecContext(ctx, text)
	return err
}
