package engine_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
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
	for _, tc := range lazyCases {
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

// TestRecord_Related_ManyInOneTx: one transaction reads every relation of
// lazyCases, forwards, backwards and forwards again. Names repeat across
// tables (authors.books and tags.books, profiles.user and reviews.user),
// so a relation resolved by name alone, or kept from an earlier table,
// reads the wrong rows.
func TestRecord_Related_ManyInOneTx(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	order := make([]int, 0, 3*len(lazyCases))
	for i := range lazyCases {
		order = append(order, i)
	}
	for i := range lazyCases {
		order = append(order, len(lazyCases)-1-i)
	}
	order = append(order, order[:len(lazyCases)]...)
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		for _, i := range order {
			tc := lazyCases[i]
			r, err := tx.Get(tc.table, tc.key)
			require.NoError(t, err)
			got, err := r.Related(tc.relation)
			require.NoError(t, err)
			assert.Equal(t, tc.want, ids(got), "%s %v %s", tc.table, tc.key, tc.relation)
		}
		want := map[string]int{}
		for _, tc := range lazyCases {
			want[tc.table+"."+tc.relation] += 3
		}
		for rel, n := range want {
			assert.Equal(t, n, tx.Stats().Relations[rel].Single, rel)
		}
		return nil
	}))
}

// lazyCases are a relation read from a row of the library, and the keys
// it gives.
var lazyCases = []struct {
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

func TestRecord_Links_WithOptions(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	render := func(ls []engine.Link) string {
		var p []string
		for _, l := range ls {
			p = append(p, fmt.Sprintf("%v/%v=%v", l.Via.Get("course_id"), l.To.ID(), l.Via.Get("grade")))
		}
		return strings.Join(p, ",")
	}
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		for _, opts := range []engine.PrefetchOptions{
			{OrderBy: []engine.SortKey{{Col: "title", Dir: engine.Asc}}},
			{OrderBy: []engine.SortKey{{Col: "title", Dir: engine.Asc}}, Limit: 1},
			{Where: []engine.Cond{engine.Eq("title", "math")}},
		} {
			recs, err := tx.Query("students").PrefetchWith("courses", opts).All()
			require.NoError(t, err)
			var got []string
			for _, r := range recs {
				ls, err := r.Links("courses")
				require.NoError(t, err)
				got = append(got, render(ls))
			}
			t.Logf("%+v: %v", opts, got)
			for _, s := range got {
				for _, part := range strings.Split(s, ",") {
					if part == "" {
						continue
					}
					var a, b int
					var g string
					fmt.Sscanf(strings.ReplaceAll(strings.ReplaceAll(part, "/", " "), "=", " "), "%d %d %s", &a, &b, &g)
					assert.Equal(t, a, b, "via and target disagree: %s", part)
				}
			}
		}
		return nil
	}))
}

// Records are immutable views that outlive their transaction; reading a
// prefetched relation from two goroutines afterwards races on loaded.used.
func TestRecord_Related_AfterTxConcurrent(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	var recs []engine.Record
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		var err error
		recs, err = tx.Query("authors").Prefetch("books").All()
		return err
	}))
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for _, r := range recs {
				_, _ = r.Related("books")
			}
		})
	}
	wg.Wait()
}

// A lazy Links through an explicit junction whose rows lead to the same
// target twice and then to another: every edge keeps its own target, and
// both edges to one target share its row in the result.
func TestRecord_Links_LazyDuplicateThenOther(t *testing.T) {
	// Junction keys order the edges: course 2, course 2 again, course 3, course 1.
	db := enrollmentDB(t, []int{1, 2, 3}, []int{2, 2, 3, 1})
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		s, err := tx.Get("students", 1)
		require.NoError(t, err)
		links, err := s.Links("courses")
		require.NoError(t, err)
		var edges []string
		for _, l := range links {
			edges = append(edges, fmt.Sprintf("%v:%v->%v", l.Via.Get("id"), l.Via.Get("course_id"), l.To.ID()))
		}
		assert.Equal(t, []string{"1:2->2", "2:2->2", "3:3->3", "4:1->1"}, edges)
		to, err := s.Related("courses")
		require.NoError(t, err)
		var ids []any
		for _, r := range to {
			ids = append(ids, r.ID())
		}
		assert.Equal(t, []any{int64(2), int64(2), int64(3), int64(1)}, ids)
		return nil
	}))
}

// TestRecord_Related_PrefetchedAfterTxConcurrent: the relations a query
// prefetched are read after the transaction from several goroutines at
// once, by RelatedOne and Links as well as Related; a relation nothing
// loaded fails with ErrTxDone. None of it may race (go test -race):
// RelatedOne and Links resolved the relation name first, caching it in
// the transaction's traversal state, which goroutines then wrote at once.
func TestRecord_Related_PrefetchedAfterTxConcurrent(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	var books, students []engine.Record
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		var err error
		if books, err = tx.Query("books").Prefetch("author", "tags").All(); err != nil {
			return err
		}
		students, err = tx.Query("students").Prefetch("courses").All()
		return err
	}))
	require.NotEmpty(t, books)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for _, b := range books {
				a, err := b.RelatedOne("author")
				if assert.NoError(t, err) {
					assert.Equal(t, b.Get("author_id"), a.ID())
				}
				_, err = b.Links("tags")
				assert.NoError(t, err)
				_, err = b.Related("reviews") // not prefetched
				assert.ErrorIs(t, err, engine.ErrTxDone)
			}
			for _, s := range students {
				ls, err := s.Links("courses")
				if assert.NoError(t, err) {
					for _, l := range ls {
						assert.Equal(t, s.ID(), l.Via.Get("student_id"))
					}
				}
			}
		})
	}
	wg.Wait()
}
