package engine_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/engine/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// trCtx is the context of the traversal tests.
var trCtx = context.Background()

// libraryDB opens the canonical schema with a small data set:
//
//	authors 1 (books 10, 11, 12), 2 (books 20, 21), 3 (book 30), 4 (none)
//	books 10: tags 1, 2; 11: tag 1; 12: tags 2, 3; 20: tag 1; 30: tag 3
//	reviews 100 (book 10, user 1), 101 (book 10, user 2), 102 (book 12, user 1)
//	users 1 (profile 7), 2 (no profile)
//	students 1 (courses 1 "A", 2 "B"), 2 (course 1 "C")
func libraryDB(t testing.TB, opts engine.Options) *engine.DB {
	t.Helper()
	db := testutil.OpenDBWith(t, opts,
		engine.Table{Name: "authors", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "name", Type: engine.Text}}},
		engine.Table{Name: "books", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "author_id", Type: engine.Int, NotNull: true},
			{Name: "title", Type: engine.Text}, {Name: "price", Type: engine.Int}, {Name: "year", Type: engine.Int}}},
		engine.Table{Name: "tags", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "name", Type: engine.Text}}},
		engine.Table{Name: "users", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "name", Type: engine.Text}}},
		engine.Table{Name: "profiles", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "user_id", Type: engine.Int}, {Name: "bio", Type: engine.Text}}},
		engine.Table{Name: "reviews", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "book_id", Type: engine.Int}, {Name: "user_id", Type: engine.Int}}},
		engine.Table{Name: "students", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "name", Type: engine.Text}}},
		engine.Table{Name: "courses", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "title", Type: engine.Text}}},
		engine.Table{Name: "enrollments", PrimaryKey: []string{"student_id", "course_id"}, Columns: []engine.Column{
			{Name: "student_id", Type: engine.Int}, {Name: "course_id", Type: engine.Int}, {Name: "grade", Type: engine.Text}}},
	)
	require.NoError(t, db.Update(trCtx, func(tx *engine.Tx) error {
		for _, r := range []engine.Relation{
			{Child: "books", Columns: []string{"author_id"}, Parent: "authors", ParentAs: "author", ChildrenAs: "books", OnDelete: engine.Cascade},
			{Kind: engine.OneToOne, Child: "profiles", Columns: []string{"user_id"}, Parent: "users", ParentAs: "user", ChildrenAs: "profile", OnDelete: engine.Cascade},
			{Child: "reviews", Columns: []string{"book_id"}, Parent: "books", ParentAs: "book", ChildrenAs: "reviews", OnDelete: engine.Cascade},
			{Child: "reviews", Columns: []string{"user_id"}, Parent: "users", ParentAs: "user", ChildrenAs: "reviews", OnDelete: engine.SetNull},
			{Child: "enrollments", Columns: []string{"student_id"}, Parent: "students", ParentAs: "student", ChildrenAs: "enrollments", OnDelete: engine.Cascade},
			{Child: "enrollments", Columns: []string{"course_id"}, Parent: "courses", ParentAs: "course", ChildrenAs: "enrollments", OnDelete: engine.Restrict},
		} {
			if err := tx.CreateRelation(r); err != nil {
				return err
			}
		}
		if err := tx.CreateManyToMany(engine.ManyToMany{Left: "books", Right: "tags", LeftAs: "tags", RightAs: "books"}); err != nil {
			return err
		}
		if err := tx.CreateManyToMany(engine.ManyToMany{Left: "students", Right: "courses", Through: "enrollments", LeftAs: "courses", RightAs: "students"}); err != nil {
			return err
		}
		ins := func(table string, rows ...engine.Row) {
			for _, r := range rows {
				if _, err := tx.Insert(table, r); err != nil {
					panic(fmt.Sprintf("fixture %s %v: %v", table, r, err))
				}
			}
		}
		ins("authors", engine.Row{"id": 1, "name": "Le Guin"}, engine.Row{"id": 2, "name": "Butler"},
			engine.Row{"id": 3, "name": "Lem"}, engine.Row{"id": 4, "name": "Nobody"})
		ins("books",
			engine.Row{"id": 10, "author_id": 1, "title": "Earthsea", "price": 5, "year": 1968},
			engine.Row{"id": 11, "author_id": 1, "title": "Dispossessed", "price": 15, "year": 1974},
			engine.Row{"id": 12, "author_id": 1, "title": "Left Hand", "price": 25, "year": 1969},
			engine.Row{"id": 20, "author_id": 2, "title": "Kindred", "price": 12, "year": 1979},
			engine.Row{"id": 21, "author_id": 2, "title": "Dawn", "price": 8, "year": 1987},
			engine.Row{"id": 30, "author_id": 3, "title": "Solaris", "price": 20, "year": 1961})
		ins("tags", engine.Row{"id": 1, "name": "sf"}, engine.Row{"id": 2, "name": "fantasy"}, engine.Row{"id": 3, "name": "classic"})
		for _, bt := range [][2]int{{10, 1}, {10, 2}, {11, 1}, {12, 2}, {12, 3}, {20, 1}, {30, 3}} {
			ins("books_tags", engine.Row{"books_id": bt[0], "tags_id": bt[1]})
		}
		ins("users", engine.Row{"id": 1, "name": "ann"}, engine.Row{"id": 2, "name": "bob"})
		ins("profiles", engine.Row{"id": 7, "user_id": 1, "bio": "reads"})
		ins("reviews", engine.Row{"id": 100, "book_id": 10, "user_id": 1}, engine.Row{"id": 101, "book_id": 10, "user_id": 2},
			engine.Row{"id": 102, "book_id": 12, "user_id": 1})
		ins("students", engine.Row{"id": 1, "name": "sam"}, engine.Row{"id": 2, "name": "kim"})
		ins("courses", engine.Row{"id": 1, "title": "math"}, engine.Row{"id": 2, "title": "art"})
		ins("enrollments", engine.Row{"student_id": 1, "course_id": 1, "grade": "A"},
			engine.Row{"student_id": 1, "course_id": 2, "grade": "B"}, engine.Row{"student_id": 2, "course_id": 1, "grade": "C"})
		return nil
	}))
	return db
}

// ids renders the primary keys of records, in order.
func ids(recs []engine.Record) string {
	var parts []string
	for _, r := range recs {
		parts = append(parts, fmt.Sprint(r.ID()))
	}
	return strings.Join(parts, ",")
}

// TestRecord_Related_Lazy: every relation reads in both directions, each
// access one load.
func TestRecord_Related_Lazy(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	tests := []struct {
		table    string
		key      any
		relation string
		want     string
	}{
		{"authors", 1, "books", "10,11,12"},
		{"authors", 4, "books", ""},
		{"books", 20, "author", "2"},
		{"books", 10, "tags", "1,2"},
		{"books", 21, "tags", ""},
		{"tags", 1, "books", "10,11,20"},
		{"users", 1, "profile", "7"},
		{"users", 2, "profile", ""},
		{"profiles", 7, "user", "1"},
		{"books", 10, "reviews", "100,101"},
		{"users", 1, "reviews", "100,102"},
		{"students", 1, "courses", "1,2"},
		{"courses", 1, "students", "1,2"},
		{"students", 1, "enrollments", "[1 1],[1 2]"},
		{"enrollments", engine.Key{2, 1}, "course", "1"},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s %v %s", tc.table, tc.key, tc.relation), func(t *testing.T) {
			require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
				r, err := tx.Get(tc.table, tc.key)
				require.NoError(t, err)
				got, err := r.Related(tc.relation)
				require.NoError(t, err)
				assert.Equal(t, tc.want, ids(got))
				got, err = r.Related(tc.relation) // lazy: loads again
				require.NoError(t, err)
				assert.Equal(t, tc.want, ids(got))
				st := tx.Stats()
				assert.Equal(t, 3, st.Loads, "one Get and two lazy accesses")
				rel := tc.table + "." + tc.relation
				assert.Equal(t, 2, st.Relations[rel].Single)
				assert.Equal(t, 0, st.Relations[rel].Batched)
				return nil
			}))
		})
	}
}

// TestRecord_RelatedOne: a to-one relation gives its row or the zero
// Record; a to-many one is refused.
func TestRecord_RelatedOne(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		u1, err := tx.Get("users", 1)
		require.NoError(t, err)
		p, err := u1.RelatedOne("profile")
		require.NoError(t, err)
		assert.Equal(t, "reads", p.Get("bio"))
		owner, err := p.RelatedOne("user")
		require.NoError(t, err)
		assert.Equal(t, "ann", owner.Get("name"))

		u2, err := tx.Get("users", 2)
		require.NoError(t, err)
		p, err = u2.RelatedOne("profile")
		require.NoError(t, err)
		assert.True(t, p.IsZero())

		_, err = u1.RelatedOne("reviews")
		assert.ErrorIs(t, err, engine.ErrSchema)
		_, err = u1.Related("nope")
		assert.ErrorIs(t, err, engine.ErrNoRelation)
		assert.ErrorContains(t, err, "profile, reviews")
		return nil
	}))
	_, err := engine.Record{}.Related("books")
	assert.Error(t, err)
}

// TestQuery_Prefetch_Levels: a prefetch costs one load per path level
// whatever the number of rows, and Related then reads without loading.
func TestQuery_Prefetch_Levels(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		authors, err := tx.Query("authors").Prefetch("books.tags", "books.reviews.user").All()
		require.NoError(t, err)
		require.Len(t, authors, 4)
		assert.Equal(t, 1+4, tx.Stats().Loads, "authors, books, tags, reviews, users")
		var got []string
		for _, a := range authors {
			books, err := a.Related("books")
			require.NoError(t, err)
			for _, b := range books {
				tags, err := b.Related("tags")
				require.NoError(t, err)
				reviews, err := b.Related("reviews")
				require.NoError(t, err)
				var users []engine.Record
				for _, r := range reviews {
					u, err := r.RelatedOne("user")
					require.NoError(t, err)
					users = append(users, u)
				}
				got = append(got, fmt.Sprintf("%v/%v:[%s][%s][%s]", a.ID(), b.ID(), ids(tags), ids(reviews), ids(users)))
			}
		}
		assert.Equal(t, []string{
			"1/10:[1,2][100,101][1,2]", "1/11:[1][][]", "1/12:[2,3][102][1]",
			"2/20:[1][][]", "2/21:[][][]", "3/30:[3][][]",
		}, got)
		st := tx.Stats()
		assert.Equal(t, 5, st.Loads, "reading prefetched relations loads nothing")
		assert.Equal(t, 1, st.Relations["authors.books"].Batched)
		assert.Equal(t, 6, st.Relations["authors.books"].Rows)
		assert.Equal(t, 3, st.Relations["books.tags"].Rows, "each distinct tag once")
		assert.Equal(t, 0, st.Relations["books.tags"].Single)
		return nil
	}))
	assert.Empty(t, db.Stats().Relations["books.tags"].Single)
	assert.Equal(t, 1, db.Stats().Relations["books.tags"].Batched)
}

// TestQuery_Prefetch_Options: filtered, ordered and limited prefetch per
// parent row.
func TestQuery_Prefetch_Options(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	tests := []struct {
		name string
		opts engine.PrefetchOptions
		want string // books per author 1, 2, 3, 4
	}{
		{"all", engine.PrefetchOptions{}, "10,11,12|20,21|30|"},
		{"price over 10", engine.PrefetchOptions{Where: []engine.Cond{engine.Gt("price", 10)}}, "11,12|20|30|"},
		{"newest first", engine.PrefetchOptions{OrderBy: []engine.SortKey{{Col: "year", Dir: engine.Desc}}}, "11,12,10|21,20|30|"},
		{"two newest", engine.PrefetchOptions{OrderBy: []engine.SortKey{{Col: "year", Dir: engine.Desc}}, Limit: 2}, "11,12|21,20|30|"},
		{"cheapest over 10", engine.PrefetchOptions{Where: []engine.Cond{engine.Gt("price", 10)},
			OrderBy: []engine.SortKey{{Col: "price", Dir: engine.Asc}}, Limit: 1}, "11|20|30|"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
				authors, err := tx.Query("authors").OrderBy("id", engine.Asc).PrefetchWith("books", tc.opts).All()
				require.NoError(t, err)
				var parts []string
				for _, a := range authors {
					books, err := a.Related("books")
					require.NoError(t, err)
					parts = append(parts, ids(books))
				}
				assert.Equal(t, tc.want, strings.Join(parts, "|"))
				assert.Equal(t, 2, tx.Stats().Loads)
				return nil
			}))
		})
	}
	// Options on a many-to-many filter and order the targets.
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		b, err := tx.Query("books").Where(engine.Eq("id", 12)).
			PrefetchWith("tags", engine.PrefetchOptions{OrderBy: []engine.SortKey{{Col: "name", Dir: engine.Asc}}, Limit: 1}).First()
		require.NoError(t, err)
		links, err := b.Links("tags")
		require.NoError(t, err)
		require.Len(t, links, 1)
		assert.Equal(t, "classic", links[0].To.Get("name"))
		assert.Equal(t, int64(3), links[0].Via.Get("tags_id"))
		return nil
	}))
}

// TestQuery_Prefetch_BadInput: bad prefetch paths and options are errors.
func TestQuery_Prefetch_BadInput(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		_, err := tx.Query("authors").Prefetch("books.nope").All()
		assert.ErrorIs(t, err, engine.ErrNoRelation)
		assert.ErrorContains(t, err, `table "books" has no relation "nope"`)
		_, err = tx.Query("authors").Prefetch("books..tags").All()
		assert.ErrorContains(t, err, "empty relation name")
		_, err = tx.Query("authors").PrefetchWith("books", engine.PrefetchOptions{Where: []engine.Cond{engine.Eq("nope", 1)}}).All()
		assert.ErrorIs(t, err, engine.ErrNoColumn)
		_, err = tx.Query("authors").PrefetchWith("books", engine.PrefetchOptions{Limit: -1}).All()
		assert.ErrorContains(t, err, "negative limit")
		_, err = tx.Query("authors").PrefetchWith("books", engine.PrefetchOptions{}).PrefetchWith("books", engine.PrefetchOptions{Limit: 1}).All()
		assert.ErrorContains(t, err, "options given twice")
		return nil
	}))
}

// TestQuery_Prefetch_AccessPath: few keys against a big table seek per key;
// keys covering the table take one merge scan; both give the same rows.
func TestQuery_Prefetch_AccessPath(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	require.NoError(t, db.Update(trCtx, func(tx *engine.Tx) error {
		for a := 100; a < 200; a++ {
			if _, err := tx.Insert("authors", engine.Row{"id": a, "name": "x"}); err != nil {
				return err
			}
			for b := range 5 {
				if _, err := tx.Insert("books", engine.Row{"id": a*10 + b, "author_id": a, "title": "t"}); err != nil {
					return err
				}
			}
		}
		return nil
	}))
	for _, tc := range []struct {
		name  string
		conds []engine.Cond
		path  string
		books int
	}{
		{"one author seeks", []engine.Cond{engine.Eq("id", 150)}, "seek", 5},
		{"every author scans", nil, "scan", 506},
		// 50 consecutive ids but for a gap of 10 authors (50 books): dense
		// enough to scan, and the scan seeks across the gap.
		{"dense keys gallop over a gap", []engine.Cond{engine.In("id", galloping()...)}, "scan", 250},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var loads []engine.Load
			require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
				tx.SetLoadHook(func(l engine.Load) { loads = append(loads, l) })
				authors, err := tx.Query("authors").Where(tc.conds...).Prefetch("books").All()
				require.NoError(t, err)
				n := 0
				for _, a := range authors {
					books, err := a.Related("books")
					require.NoError(t, err)
					for _, b := range books {
						assert.Equal(t, a.ID(), b.Get("author_id"))
					}
					n += len(books)
				}
				assert.Equal(t, tc.books, n)
				rs := tx.Stats().Relations["authors.books"]
				if tc.path == "seek" {
					assert.Equal(t, 1, rs.Seeks)
				} else {
					assert.Equal(t, 1, rs.Scans)
				}
				if tc.name == "dense keys gallop over a gap" {
					query := len(galloping())
					assert.Equal(t, query+2, tx.Stats().IndexSeeks, "one seek per IN value, then two for the scan")
				}
				return nil
			}))
			require.Len(t, loads, 2)
			assert.Equal(t, tc.path, loads[1].Path)
			assert.Contains(t, loads[1].Caller, "traverse_test.go")
		})
	}
}

// TestRecord_Links_Payload: an explicit junction's payload comes with each
// target, eagerly and lazily.
func TestRecord_Links_Payload(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	render := func(links []engine.Link) string {
		var parts []string
		for _, l := range links {
			parts = append(parts, fmt.Sprintf("%s=%s", l.To.Get("title"), l.Via.Get("grade")))
		}
		return strings.Join(parts, ",")
	}
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		s, err := tx.Get("students", 1)
		require.NoError(t, err)
		lazy, err := s.Links("courses")
		require.NoError(t, err)
		assert.Equal(t, "math=A,art=B", render(lazy))

		students, err := tx.Query("students").Prefetch("courses").All()
		require.NoError(t, err)
		var got []string
		for _, s := range students {
			links, err := s.Links("courses")
			require.NoError(t, err)
			got = append(got, render(links))
		}
		assert.Equal(t, []string{"math=A,art=B", "math=C"}, got)

		_, err = s.Links("enrollments")
		assert.ErrorIs(t, err, engine.ErrSchema)
		return nil
	}))
}

// TestTx_FetchMode: Peers batches on first access, Raise refuses, Log
// reports; relation settings override the transaction's, which override
// the database's.
func TestTx_FetchMode(t *testing.T) {
	var reports []engine.Report
	db := libraryDB(t, engine.Options{Traversal: engine.TraversalOptions{
		FetchMode:     engine.FetchPeers,
		RelationModes: map[string]engine.FetchMode{"books.tags": engine.FetchRaise},
		OnReport:      func(r engine.Report) { reports = append(reports, r) },
	}})
	walk := func(tx *engine.Tx) (books, tagErrs int) {
		authors, err := tx.Query("authors").All()
		require.NoError(t, err)
		for _, a := range authors {
			bs, err := a.Related("books")
			require.NoError(t, err)
			books += len(bs)
			for _, b := range bs {
				if _, err := b.Related("tags"); err != nil {
					require.ErrorIs(t, err, engine.ErrLazyLoad)
					tagErrs++
				}
			}
		}
		return books, tagErrs
	}
	// Database: peers for books, raise for tags.
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		books, tagErrs := walk(tx)
		assert.Equal(t, 6, books)
		assert.Equal(t, 6, tagErrs)
		assert.Equal(t, 2, tx.Stats().Loads, "authors, then books of all authors in one batch")
		assert.Equal(t, 1, tx.Stats().Relations["authors.books"].Batched)
		return nil
	}))
	// Transaction: lazy; the relation setting still raises until removed.
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		tx.SetFetchMode(engine.FetchLazy)
		_, tagErrs := walk(tx)
		assert.Equal(t, 6, tagErrs)
		assert.Equal(t, 1+4, tx.Stats().Loads)
		tx.SetRelationFetchMode("books.tags", engine.FetchLog)
		reports = nil
		_, tagErrs = walk(tx)
		assert.Equal(t, 0, tagErrs)
		require.Len(t, reports, 6)
		assert.Equal(t, engine.ReportLazyLoad, reports[0].Kind)
		assert.Equal(t, "books.tags", reports[0].Relation)
		assert.Contains(t, reports[0].Caller, "traverse_test.go")
		return nil
	}))
	// TxOptions: raise everything.
	tx, err := db.Begin(trCtx, engine.TxOptions{ReadOnly: true, FetchMode: engine.FetchRaise})
	require.NoError(t, err)
	defer tx.Rollback()
	a, err := tx.Get("authors", 1)
	require.NoError(t, err)
	_, err = a.Related("books")
	assert.ErrorIs(t, err, engine.ErrLazyLoad)
	assert.ErrorContains(t, err, "authors.books")
}

// TestTx_NPlusOne: lazily loading one relation from the rows of one result
// more often than the threshold is reported once, with the count and the
// caller's line, when the transaction ends.
func TestTx_NPlusOne(t *testing.T) {
	var reports []engine.Report
	db := libraryDB(t, engine.Options{Traversal: engine.TraversalOptions{
		NPlusOneThreshold: 3,
		OnReport:          func(r engine.Report) { reports = append(reports, r) },
	}})
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		authors, err := tx.Query("authors").All()
		require.NoError(t, err)
		for _, a := range authors {
			_, err := a.Related("books")
			require.NoError(t, err)
		}
		// Three loads from another result stay under the threshold.
		for range 3 {
			b, err := tx.Query("books").Where(engine.Eq("id", 10)).First()
			require.NoError(t, err)
			_, err = b.Related("tags")
			require.NoError(t, err)
		}
		assert.Empty(t, reports, "reported when the transaction ends")
		return nil
	}))
	require.Len(t, reports, 1)
	r := reports[0]
	assert.Equal(t, engine.ReportNPlusOne, r.Kind)
	assert.Equal(t, "authors.books", r.Relation)
	assert.Equal(t, 4, r.Count)
	assert.Contains(t, r.Caller, "traverse_test.go:")
	assert.Contains(t, r.String(), "n+1")
}

// TestTx_Stats_UnusedPrefetch: a prefetched relation nothing reads is
// listed when the transaction ends, and reported.
func TestTx_Stats_UnusedPrefetch(t *testing.T) {
	var reports []engine.Report
	db := libraryDB(t, engine.Options{Traversal: engine.TraversalOptions{OnReport: func(r engine.Report) { reports = append(reports, r) }}})
	tx, err := db.Begin(trCtx, engine.TxOptions{ReadOnly: true})
	require.NoError(t, err)
	authors, err := tx.Query("authors").Prefetch("books.tags").All()
	require.NoError(t, err)
	_, err = authors[0].Related("books")
	require.NoError(t, err)
	assert.Empty(t, tx.Stats().Unused, "filled when the transaction ends")
	require.NoError(t, tx.Commit())
	assert.Equal(t, []string{"books.tags"}, tx.Stats().Unused)
	require.Len(t, reports, 1)
	assert.Equal(t, engine.ReportUnusedPrefetch, reports[0].Kind)

	// Prefetched rows stay readable after the end; lazy loads do not.
	books, err := authors[0].Related("books")
	require.NoError(t, err)
	assert.Len(t, books, 3)
	_, err = books[0].Related("reviews")
	assert.ErrorIs(t, err, engine.ErrTxDone)
}

// TestTx_Related_OwnWrites: a write transaction's traversal sees its own
// writes, lazily and by prefetch.
func TestTx_Related_OwnWrites(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	require.NoError(t, db.Update(trCtx, func(tx *engine.Tx) error {
		_, err := tx.Insert("books", engine.Row{"id": 40, "author_id": 4, "title": "new"})
		require.NoError(t, err)
		err = tx.Delete("books", 11)
		require.NoError(t, err)
		a1, err := tx.Get("authors", 1)
		require.NoError(t, err)
		books, err := a1.Related("books")
		require.NoError(t, err)
		assert.Equal(t, "10,12", ids(books))
		authors, err := tx.Query("authors").Where(engine.In("id", 1, 4)).Prefetch("books").All()
		require.NoError(t, err)
		var got []string
		for _, a := range authors {
			bs, err := a.Related("books")
			require.NoError(t, err)
			got = append(got, ids(bs))
		}
		assert.Equal(t, []string{"10,12", "40"}, got)
		return nil
	}))
}

// TestQuery_Prefetch_MatchesLazy: on random data, every relation read by
// prefetch (whichever access path it takes) gives what lazy reads give.
func TestQuery_Prefetch_MatchesLazy(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	db := libraryDB(t, engine.Options{})
	require.NoError(t, db.Update(trCtx, func(tx *engine.Tx) error {
		for a := 100; a < 100+rng.IntN(60); a++ {
			if _, err := tx.Insert("authors", engine.Row{"id": a}); err != nil {
				return err
			}
			for range rng.IntN(6) {
				b, err := tx.Insert("books", engine.Row{"id": rng.IntN(1 << 20), "author_id": a})
				if err != nil {
					continue // a duplicate id: skip it
				}
				for tag := 1; tag <= 3; tag++ {
					if rng.IntN(2) == 0 {
						if _, err := tx.Insert("books_tags", engine.Row{"books_id": b.ID(), "tags_id": tag}); err != nil {
							return err
						}
					}
				}
			}
		}
		return nil
	}))
	paths := map[string][]string{
		"authors":  {"books", "books.tags", "books.reviews.user"},
		"tags":     {"books", "books.author"},
		"books":    {"author", "tags.books"},
		"users":    {"profile", "reviews.book"},
		"students": {"courses", "enrollments.course"},
	}
	walk := func(recs []engine.Record, path []string) string { return walkPath(t, recs, path) }
	for table, ps := range paths {
		for _, p := range ps {
			var lazy, eager string
			require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
				recs, err := tx.Query(table).All()
				require.NoError(t, err)
				lazy = walk(recs, strings.Split(p, "."))
				return nil
			}))
			require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
				tx.SetFetchMode(engine.FetchRaise) // any load the prefetch missed fails
				recs, err := tx.Query(table).Prefetch(p).All()
				require.NoError(t, err)
				eager = walk(recs, strings.Split(p, "."))
				assert.Equal(t, 2+strings.Count(p, "."), tx.Stats().Loads)
				return nil
			}))
			assert.Equal(t, lazy, eager, "%s %s", table, p)
		}
	}
}

// TestDB_Stats: the database adds up the counters of ended transactions.
func TestDB_Stats(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	before := db.Stats()
	for range 3 {
		require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
			_, err := tx.Query("authors").Prefetch("books").All()
			return err
		}))
	}
	after := db.Stats()
	assert.Equal(t, 6, after.Loads-before.Loads)
	assert.Equal(t, 3*(4+6), after.RowsRead-before.RowsRead)
	assert.Equal(t, 3, after.Relations["authors.books"].Batched-before.Relations["authors.books"].Batched)
}

// TestRecord_Related_CompositeKey: a two-column foreign key reads the same
// lazily and by prefetch, through either access path; a key with a NULL
// (MATCH SIMPLE) relates to nothing.
func TestRecord_Related_CompositeKey(t *testing.T) {
	db := testutil.OpenDB(t,
		engine.Table{Name: "shelves", PrimaryKey: []string{"room", "num"}, Columns: []engine.Column{
			{Name: "room", Type: engine.Text}, {Name: "num", Type: engine.Int}}},
		engine.Table{Name: "items", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "room", Type: engine.Text}, {Name: "num", Type: engine.Int}}},
	)
	require.NoError(t, db.Update(trCtx, func(tx *engine.Tx) error {
		if err := tx.CreateRelation(engine.Relation{Child: "items", Columns: []string{"room", "num"}, Parent: "shelves",
			ParentAs: "shelf", ChildrenAs: "items"}); err != nil {
			return err
		}
		for _, room := range []string{"a", "b"} {
			for num := 1; num <= 3; num++ {
				if _, err := tx.Insert("shelves", engine.Row{"room": room, "num": num}); err != nil {
					return err
				}
			}
		}
		for id, it := range []engine.Row{{"room": "b", "num": 2}, {"room": "a", "num": 1}, {"room": "b", "num": 2}, {"room": nil, "num": 2}, {"room": "a", "num": 3}} {
			it["id"] = id
			if _, err := tx.Insert("items", it); err != nil {
				return err
			}
		}
		return nil
	}))
	render := func(recs []engine.Record, rel string) string {
		var parts []string
		for _, r := range recs {
			got, err := r.Related(rel)
			require.NoError(t, err)
			parts = append(parts, fmt.Sprintf("%v:[%s]", r.ID(), ids(got)))
		}
		return strings.Join(parts, " ")
	}
	for _, q := range []struct {
		table, rel string
		conds      []engine.Cond
		want       string
	}{
		{"shelves", "items", nil, "[a 1]:[1] [a 2]:[] [a 3]:[4] [b 1]:[] [b 2]:[0,2] [b 3]:[]"},
		{"shelves", "items", []engine.Cond{engine.Eq("room", "b"), engine.Eq("num", 2)}, "[b 2]:[0,2]"},
		{"items", "shelf", nil, "0:[[b 2]] 1:[[a 1]] 2:[[b 2]] 3:[] 4:[[a 3]]"},
	} {
		require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
			recs, err := tx.Query(q.table).Where(q.conds...).All()
			require.NoError(t, err)
			assert.Equal(t, q.want, render(recs, q.rel), "lazy")
			recs, err = tx.Query(q.table).Where(q.conds...).Prefetch(q.rel).All()
			require.NoError(t, err)
			tx.SetFetchMode(engine.FetchRaise)
			assert.Equal(t, q.want, render(recs, q.rel), "prefetch")
			return nil
		}))
	}
}

// galloping returns author ids 100-129 and 140-159.
func galloping() []any {
	var ids []any
	for a := 100; a < 160; a++ {
		if a < 130 || a >= 140 {
			ids = append(ids, a)
		}
	}
	return ids
}

// TestDB_Stats_PointReads: the database's seeks and rows add up for reads
// that find a row, miss, and scan.
func TestDB_Stats_PointReads(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	before := db.Stats()
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		_, err := tx.Get("authors", 1)
		require.NoError(t, err)
		_, err = tx.Get("authors", 99)
		require.ErrorIs(t, err, engine.ErrNotFound)
		_, err = tx.Query("books").All()
		return err
	}))
	after := db.Stats()
	assert.Equal(t, 3, after.Loads-before.Loads)
	assert.Equal(t, 3, after.IndexSeeks-before.IndexSeeks, "two point reads, one range")
	assert.Equal(t, 1+0+6, after.RowsRead-before.RowsRead)
}

// walkPath renders every row reachable from recs by a relation path, level
// by level, as id:(related...).
func walkPath(t *testing.T, recs []engine.Record, path []string) string {
	if len(path) == 0 {
		return ids(recs)
	}
	var parts []string
	for _, r := range recs {
		rel, err := r.Related(path[0])
		require.NoError(t, err)
		parts = append(parts, fmt.Sprintf("%v:(%s)", r.ID(), walkPath(t, rel, path[1:])))
	}
	return strings.Join(parts, " ")
}

// TestOpen_TraversalOptions: an unknown fetch mode is refused at Open.
func TestOpen_TraversalOptions(t *testing.T) {
	for _, tr := range []engine.TraversalOptions{
		{FetchMode: engine.FetchMode(99)},
		{RelationModes: map[string]engine.FetchMode{"authors.books": 42}},
	} {
		_, err := engine.Open(engine.Options{Traversal: tr})
		assert.ErrorContains(t, err, "unknown fetch mode")
	}
}
