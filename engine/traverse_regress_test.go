package engine_test

// Regression tests from a review of the traversal and typed-model code:
// each once failed (a panic, a wrong result, a data race or a lost
// identity) and names what it guards.

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/engine/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type zStudent struct {
	ID      int64
	Courses []*zCourse `rel:"courses"`
}
type zCourse struct {
	ID int64
}

// enrollmentDB opens a database of students, courses and an explicit
// junction with a key of its own, enrollments, holding student 1, the
// given courses, and an enrollment of student 1 in each course of links,
// numbered from 1 in order.
func enrollmentDB(t *testing.T, courses, links []int) *engine.DB {
	t.Helper()
	db := testutil.OpenDB(t,
		engine.Table{Name: "students", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}}},
		engine.Table{Name: "courses", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}}},
		engine.Table{Name: "enrollments", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "student_id", Type: engine.Int}, {Name: "course_id", Type: engine.Int}}},
	)
	require.NoError(t, db.Update(trCtx, func(tx *engine.Tx) error {
		require.NoError(t, tx.CreateRelation(engine.Relation{Child: "enrollments", Columns: []string{"student_id"}, Parent: "students"}))
		require.NoError(t, tx.CreateRelation(engine.Relation{Child: "enrollments", Columns: []string{"course_id"}, Parent: "courses"}))
		require.NoError(t, tx.CreateManyToMany(engine.ManyToMany{Left: "students", Right: "courses", Through: "enrollments", LeftAs: "courses", RightAs: "students"}))
		_, err := tx.Insert("students", engine.Row{"id": 1})
		require.NoError(t, err)
		for _, c := range courses {
			_, err := tx.Insert("courses", engine.Row{"id": c})
			require.NoError(t, err)
		}
		for i, c := range links {
			_, err := tx.Insert("enrollments", engine.Row{"id": i + 1, "student_id": 1, "course_id": c})
			require.NoError(t, err)
		}
		return nil
	}))
	return db
}

// Defect 7 of the review, fixed: A course linked twice to a student through an explicit junction is
// two objects when loaded lazily (one when prefetched).
func TestRegress_Typed_LazyThroughDuplicateTarget(t *testing.T) {
	db := enrollmentDB(t, []int{2}, []int{2, 2}) // a retake
	require.NoError(t, engine.Register[zStudent](db, "students"))
	require.NoError(t, engine.Register[zCourse](db, "courses"))
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		ss, err := engine.All[zStudent](engine.QueryOf[zStudent](tx).Prefetch("courses"))
		require.NoError(t, err)
		require.Len(t, ss[0].Courses, 2)
		assert.Same(t, ss[0].Courses[0], ss[0].Courses[1], "prefetch: one object")
		return nil
	}))
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		s, err := engine.Get[zStudent](tx, 1)
		require.NoError(t, err)
		cs, err := engine.Related[zCourse](tx, s, "courses")
		require.NoError(t, err)
		require.Len(t, cs, 2)
		assert.Same(t, cs[0], cs[1], "lazy: one object per row")
		return nil
	}))
}

func TestRegress_LinksWithOptions(t *testing.T) {
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

func TestRegress_PrefetchOptionsMatchManual(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	db := libraryDB(t, engine.Options{})
	require.NoError(t, db.Update(trCtx, func(tx *engine.Tx) error {
		for a := 100; a < 140; a++ {
			if _, err := tx.Insert("authors", engine.Row{"id": a}); err != nil {
				return err
			}
			for range rng.IntN(6) {
				b, err := tx.Insert("books", engine.Row{"id": rng.IntN(1 << 20), "author_id": a, "price": rng.IntN(5), "year": rng.IntN(4)})
				if err != nil {
					continue
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
	for _, c := range []struct {
		table, rel string
		conds      []engine.Cond
	}{{"authors", "books", nil}, {"authors", "books", []engine.Cond{engine.Eq("id", 1)}}, {"books", "tags", nil}, {"tags", "books", nil}, {"books", "tags", []engine.Cond{engine.In("id", 10, 12)}}} {
		for _, lim := range []int{0, 1, 2} {
			opts := engine.PrefetchOptions{Limit: lim, OrderBy: []engine.SortKey{{Col: "id", Dir: engine.Desc}}}
			if c.rel == "books" {
				opts.Where = []engine.Cond{engine.Gt("price", 1)}
				opts.OrderBy = []engine.SortKey{{Col: "year", Dir: engine.Desc}, {Col: "id", Dir: engine.Asc}}
			}
			var want, got []string
			require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
				recs, err := tx.Query(c.table).Where(c.conds...).All()
				require.NoError(t, err)
				for _, r := range recs {
					rel, err := r.Related(c.rel)
					require.NoError(t, err)
					rel = slices.Clone(rel)
					if c.rel == "books" {
						rel = slices.DeleteFunc(rel, func(x engine.Record) bool { p, _ := x.Get("price").(int64); return x.Get("price") == nil || p <= 1 })
						slices.SortStableFunc(rel, func(a, b engine.Record) int {
							ya, _ := a.Get("year").(int64)
							yb, _ := b.Get("year").(int64)
							if ya != yb {
								if ya > yb {
									return -1
								}
								return 1
							}
							return int(a.Get("id").(int64) - b.Get("id").(int64))
						})
					} else {
						slices.SortStableFunc(rel, func(a, b engine.Record) int { return int(b.Get("id").(int64) - a.Get("id").(int64)) })
					}
					if lim > 0 && len(rel) > lim {
						rel = rel[:lim]
					}
					want = append(want, fmt.Sprintf("%v:%s", r.ID(), ids(rel)))
				}
				recs, err = tx.Query(c.table).Where(c.conds...).PrefetchWith(c.rel, opts).All()
				require.NoError(t, err)
				for _, r := range recs {
					rel, err := r.Related(c.rel)
					require.NoError(t, err)
					got = append(got, fmt.Sprintf("%v:%s", r.ID(), ids(rel)))
				}
				return nil
			}))
			assert.Equal(t, strings.Join(want, " "), strings.Join(got, " "), "%s.%s %v lim %d", c.table, c.rel, c.conds, lim)
		}
	}
}

// Records are immutable views that outlive their transaction; reading a
// prefetched relation from two goroutines afterwards races on loaded.used.
func TestRegress_RelatedAfterTxConcurrent(t *testing.T) {
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

// Defect 1 of the review, fixed: FetchPeers inside a streaming Each: panics.
func TestRegress_EachFetchPeersPanics(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		tx.SetFetchMode(engine.FetchPeers)
		got := ""
		err := tx.Query("authors").Each(func(r engine.Record) error {
			bs, err := r.Related("books")
			got += fmt.Sprintf("%v:%s ", r.ID(), ids(bs))
			return err
		})
		require.NoError(t, err)
		assert.Equal(t, "1:10,11,12 2:20,21 3:30 4: ", got)
		return nil
	}))
}

// Defect 2 of the review, fixed: One-to-many whose child index is a unique index starting with the FK
// columns: prefetch (seek path) finds nothing, lazy finds the children.
func TestRegress_UniquePrefixChildIndex(t *testing.T) {
	db := testutil.OpenDB(t,
		engine.Table{Name: "students", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}}},
		engine.Table{Name: "courses", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}}},
		engine.Table{Name: "enrollments", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "student_id", Type: engine.Int}, {Name: "course_id", Type: engine.Int}},
			Indexes: []engine.Index{{Name: "enr_sc", Columns: []string{"student_id", "course_id"}, Unique: true}}},
	)
	require.NoError(t, db.Update(trCtx, func(tx *engine.Tx) error {
		require.NoError(t, tx.CreateRelation(engine.Relation{Child: "enrollments", Columns: []string{"student_id"}, Parent: "students", ParentAs: "student", ChildrenAs: "enrollments"}))
		require.NoError(t, tx.CreateRelation(engine.Relation{Child: "enrollments", Columns: []string{"course_id"}, Parent: "courses", ParentAs: "course", ChildrenAs: "enrollments"}))
		require.NoError(t, tx.CreateManyToMany(engine.ManyToMany{Left: "students", Right: "courses", Through: "enrollments", LeftAs: "courses", RightAs: "students"}))
		for i := 1; i <= 20; i++ {
			_, err := tx.Insert("students", engine.Row{"id": i})
			require.NoError(t, err)
			_, err = tx.Insert("courses", engine.Row{"id": i})
			require.NoError(t, err)
		}
		_, err := tx.Insert("enrollments", engine.Row{"id": 1, "student_id": 1, "course_id": 2})
		require.NoError(t, err)
		_, err = tx.Insert("enrollments", engine.Row{"id": 2, "student_id": 1, "course_id": 3})
		require.NoError(t, err)
		return nil
	}))
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		for _, rel := range []string{"enrollments", "courses"} {
			s, err := tx.Get("students", 1)
			require.NoError(t, err)
			lazy, err := s.Related(rel)
			require.NoError(t, err)
			recs, err := tx.Query("students").Where(engine.Eq("id", 1)).Prefetch(rel).All()
			require.NoError(t, err)
			eager, err := recs[0].Related(rel)
			require.NoError(t, err)
			assert.Equal(t, ids(lazy), ids(eager), rel)
		}
		return nil
	}))
}

type zBadBook struct {
	ID     int64
	Author *tProfile `rel:"author"` // authors, not profiles
}

// Defect 8 of the review, fixed: A relation field whose element type maps another table registers
// fine, then panics (or silently builds wrong objects) at use.
func TestRegress_Typed_RelationFieldWrongTable(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	registerLibrary(t, db)
	err := engine.Register[zBadBook](db, "books")
	if err != nil {
		t.Logf("register refused: %v", err)
		return
	}
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		_, err := engine.All[zBadBook](engine.QueryOf[zBadBook](tx).Prefetch("author"))
		assert.ErrorIs(t, err, engine.ErrSchema)
		return nil
	}))
}

// Read set: a write tx that read a relation conflicts with a concurrent
// insert into it (lazy, seek prefetch, scan prefetch, through).
func TestRegress_ReadSetTraversal(t *testing.T) {
	for _, c := range []struct {
		name string
		read func(tx *engine.Tx)
	}{
		{"lazy", func(tx *engine.Tx) {
			a, _ := tx.Get("authors", 4)
			_, err := a.Related("books")
			require.NoError(t, err)
		}},
		{"seek", func(tx *engine.Tx) {
			_, err := tx.Query("authors").Where(engine.Eq("id", 4)).Prefetch("books").All()
			require.NoError(t, err)
		}},
		{"scan", func(tx *engine.Tx) {
			_, err := tx.Query("authors").Prefetch("books").All()
			require.NoError(t, err)
		}},
		{"peers", func(tx *engine.Tx) {
			tx.SetFetchMode(engine.FetchPeers)
			as, err := tx.Query("authors").All()
			require.NoError(t, err)
			for _, a := range as {
				_, err := a.Related("books")
				require.NoError(t, err)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := libraryDB(t, engine.Options{})
			tx, err := db.Begin(trCtx, engine.TxOptions{})
			require.NoError(t, err)
			defer tx.Rollback()
			c.read(tx)
			require.NoError(t, db.Update(trCtx, func(tx2 *engine.Tx) error {
				_, err := tx2.Insert("books", engine.Row{"id": 40, "author_id": 4, "title": "x"})
				return err
			}))
			_, err = tx.Insert("tags", engine.Row{"id": 9, "name": "z"})
			require.NoError(t, err)
			assert.ErrorIs(t, tx.Commit(), engine.ErrConflict)
		})
	}
}

// Defect 9 of the review, fixed: A generated many-to-many from a table to itself cannot be declared.
func TestRegress_SelfManyToManyGenerated(t *testing.T) {
	db := testutil.OpenDB(t,
		engine.Table{Name: "people", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}}})
	err := db.Update(trCtx, func(tx *engine.Tx) error {
		if err := tx.CreateManyToMany(engine.ManyToMany{Left: "people", Right: "people", LeftAs: "following", RightAs: "followers"}); err != nil {
			return err
		}
		for id := 1; id <= 3; id++ {
			if _, err := tx.Insert("people", engine.Row{"id": id}); err != nil {
				return err
			}
		}
		for _, f := range [][2]int{{1, 2}, {1, 3}, {2, 3}} {
			if _, err := tx.Insert("people_people", engine.Row{"people_id": f[0], "related_id": f[1]}); err != nil {
				return err
			}
		}
		return nil
	})
	require.NoError(t, err)
	for _, prefetch := range []bool{false, true} {
		require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
			q := tx.Query("people")
			if prefetch {
				q = q.Prefetch("following", "followers")
			}
			people, err := q.All()
			require.NoError(t, err)
			var got []string
			for _, p := range people {
				following, err := p.Related("following")
				require.NoError(t, err)
				followers, err := p.Related("followers")
				require.NoError(t, err)
				got = append(got, fmt.Sprintf("%v follows [%s], followed by [%s]", p.ID(), ids(following), ids(followers)))
			}
			assert.Equal(t, []string{"1 follows [2,3], followed by []", "2 follows [3], followed by [1]", "3 follows [], followed by [1,2]"}, got)
			return nil
		}))
	}
}

func selfDB(t *testing.T) *engine.DB {
	db := testutil.OpenDB(t,
		engine.Table{Name: "emps", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "manager_id", Type: engine.Int}}},
		engine.Table{Name: "follows", PrimaryKey: []string{"a", "b"}, Columns: []engine.Column{
			{Name: "a", Type: engine.Int}, {Name: "b", Type: engine.Int}},
			Indexes: []engine.Index{{Name: "follows_rev", Columns: []string{"b", "a"}}}},
	)
	require.NoError(t, db.Update(trCtx, func(tx *engine.Tx) error {
		require.NoError(t, tx.CreateRelation(engine.Relation{Name: "mgr", Child: "emps", Columns: []string{"manager_id"}, Parent: "emps", ParentAs: "manager", ChildrenAs: "reports"}))
		require.NoError(t, tx.CreateRelation(engine.Relation{Name: "fa", Child: "follows", Columns: []string{"a"}, Parent: "emps"}))
		require.NoError(t, tx.CreateRelation(engine.Relation{Name: "fb", Child: "follows", Columns: []string{"b"}, Parent: "emps"}))
		require.NoError(t, tx.CreateManyToMany(engine.ManyToMany{Left: "emps", Right: "emps", Through: "follows", LeftRelation: "fa", RightRelation: "fb", LeftAs: "following", RightAs: "followers"}))
		for i := 1; i <= 30; i++ {
			var m any
			if i > 1 {
				m = (i-2)/3 + 1
			}
			_, err := tx.Insert("emps", engine.Row{"id": i, "manager_id": m})
			require.NoError(t, err)
		}
		for i := 1; i <= 30; i++ {
			for _, d := range []int{1, 7, 13} {
				j := (i+d-1)%30 + 1
				_, err := tx.Insert("follows", engine.Row{"a": i, "b": j})
				require.NoError(t, err)
			}
		}
		return nil
	}))
	return db
}

// Defect 10 of the review, fixed: Self-referential relations: prefetch matches lazy, all paths.
func TestRegress_SelfRelations_PrefetchMatchesLazy(t *testing.T) {
	db := selfDB(t)
	walk := func(recs []engine.Record, path []string) string { return walkPath(t, recs, path) }
	for _, p := range []string{"manager", "reports", "manager.reports", "reports.reports.manager", "following", "followers", "following.followers", "followers.manager.following"} {
		for _, conds := range [][]engine.Cond{nil, {engine.Lt("id", 4)}, {engine.In("id", 5, 17, 29)}} {
			var lazy, eager string
			require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
				recs, err := tx.Query("emps").Where(conds...).All()
				require.NoError(t, err)
				lazy = walk(recs, strings.Split(p, "."))
				return nil
			}))
			require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
				tx.SetFetchMode(engine.FetchRaise)
				recs, err := tx.Query("emps").Where(conds...).Prefetch(p, "manager").All()
				require.NoError(t, err)
				eager = walk(recs, strings.Split(p, "."))
				return nil
			}))
			require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
				tx.SetFetchMode(engine.FetchPeers)
				recs, err := tx.Query("emps").Where(conds...).All()
				require.NoError(t, err)
				peers := walk(recs, strings.Split(p, "."))
				assert.Equal(t, lazy, peers, "peers %s %v", p, conds)
				return nil
			}))
			assert.Equal(t, lazy, eager, "%s %v", p, conds)
		}
	}
}

type zEmp struct {
	ID        int64
	ManagerID *int64
	Manager   *zEmp   `rel:"manager"`
	Reports   []*zEmp `rel:"reports"`
}

// 3b. Within one query: employees 1..3, Prefetch("reports.manager"):
// employees 2 and 3 are reports of 1, already objects of the top level, so
// their Manager field (prefetched one level down) is never set.
func TestRegress_Typed_SelfPrefetchFieldMissing(t *testing.T) {
	db := selfDB(t)
	require.NoError(t, engine.Register[zEmp](db, "emps"))
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		tx.SetFetchMode(engine.FetchRaise)
		es, err := engine.All[zEmp](engine.QueryOf[zEmp](tx).Where(engine.Lt("id", 4)).Prefetch("reports.manager"))
		require.NoError(t, err)
		require.Len(t, es[0].Reports, 3) // 2, 3, 4
		for _, r := range es[0].Reports {
			assert.Same(t, es[0], r.Manager, "manager of %d", r.ID)
		}
		return nil
	}))
}

// Defect 3 of the review, fixed: An object met before a prefetching query does not get its relation
// fields filled by All.
func TestRegress_Typed_AllAfterGetLeavesRelationEmpty(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	registerLibrary(t, db)
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		a, err := engine.Get[tAuthor](tx, 1)
		require.NoError(t, err)
		authors, err := engine.All[tAuthor](engine.QueryOf[tAuthor](tx).Prefetch("books"))
		require.NoError(t, err)
		assert.Same(t, a, authors[0])
		assert.Len(t, authors[0].Books, 3, "prefetched books")
		return nil
	}))
}

// Defect 4 of the review, fixed: A conversion error in the first typed result leaves a broken identity
// map: the next typed read panics.
func TestRegress_Typed_ErrorThenPanic(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	registerLibrary(t, db)
	require.NoError(t, db.Update(trCtx, func(tx *engine.Tx) error {
		_, err := tx.Insert("books", engine.Row{"id": 98, "author_id": 1, "title": "no year"})
		return err
	}))
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		_, err := engine.All[tBook](engine.QueryOf[tBook](tx))
		require.ErrorIs(t, err, engine.ErrType)
		b, err := engine.Get[tBook](tx, 10) // panics: index out of range
		require.NoError(t, err)
		assert.Equal(t, "Earthsea", b.Title)
		return nil
	}))
}

// Defect 5 of the review, fixed: After a typed Update, the row is a different object.
func TestRegress_Typed_IdentityAfterUpdate(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	registerLibrary(t, db)
	require.NoError(t, db.Update(trCtx, func(tx *engine.Tx) error {
		a, err := engine.Get[tAuthor](tx, 1)
		require.NoError(t, err)
		a.Name = "Ursula"
		require.NoError(t, engine.Update(tx, a))
		again, err := engine.Get[tAuthor](tx, 1)
		require.NoError(t, err)
		assert.Same(t, a, again, "one object per row per transaction")
		n := &tAuthor{ID: 50, Name: "new"}
		require.NoError(t, engine.Insert(tx, n))
		got, err := engine.Get[tAuthor](tx, 50)
		require.NoError(t, err)
		assert.Same(t, n, got, "inserted object")
		return nil
	}))
}

type tAuthorName struct {
	Name string
	ID   int64
	Pad  [8]int64 `reldb:"-"`
}

type tBookAuthorName struct {
	ID     int64
	Author *tAuthorName `rel:"author"`
}

// Defect 6 of the review, fixed: Two types mapped to one table: the identity map hands out an object
// of the other type.
func TestRegress_Typed_TwoModelsOneTable(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	registerLibrary(t, db)
	require.NoError(t, engine.Register[tAuthorName](db, "authors"))
	require.NoError(t, engine.Register[tBookAuthorName](db, "books"))
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		// tBook.Author (tAuthor) is not filled: only Prefetch("author") on
		// a tBookAuthorName query makes authors of model tAuthorName from l.next.
		books, err := engine.All[tBook](engine.QueryOf[tBook](tx).Prefetch("author"))
		require.NoError(t, err)
		// Same result (l.next) now made into tAuthorName objects.
		_, err = engine.Related[tAuthorName](tx, books[0], "author")
		require.NoError(t, err)
		a, err := engine.Get[tAuthor](tx, 1)
		require.NoError(t, err)
		assert.Equal(t, int64(1), a.ID) // reads a tAuthorName's Name pointer
		assert.Empty(t, a.Books, "not prefetched; with the defect it read tAuthorName.Pad")
		return nil
	}))
}

// A lazy Links through an explicit junction whose rows lead to the same
// target twice and then to another: every edge keeps its own target, and
// both edges to one target share its row in the result.
func TestRegress_LazyLinks_DuplicateThenOther(t *testing.T) {
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

// Records of rows read or written one at a time share chunked results:
// every record keeps its own row across chunk boundaries and table
// switches, and such rows are never loaded as peers of one another.
func TestRecord_LooseRows(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	const n, base = 3000, 1000 // several chunks per table; ids above the library's
	var written []engine.Record
	require.NoError(t, db.Update(trCtx, func(tx *engine.Tx) error {
		for i := range n {
			a, err := tx.Insert("authors", engine.Row{"id": base + i, "name": fmt.Sprint("a", i)})
			require.NoError(t, err)
			b, err := tx.Insert("books", engine.Row{"id": base + i, "author_id": base + i, "title": fmt.Sprint("b", i)})
			require.NoError(t, err)
			written = append(written, a, b)
		}
		// An update's record shows the new row; the insert's keeps the old.
		u, err := tx.Update("books", base, engine.Row{"title": "changed"})
		require.NoError(t, err)
		assert.Equal(t, "changed", u.Get("title"))
		return nil
	}))
	for i := range n {
		assert.Equal(t, fmt.Sprint("a", i), written[2*i].Get("name"))
		assert.Equal(t, "authors", written[2*i].Table())
		assert.Equal(t, fmt.Sprint("b", i), written[2*i+1].Get("title"))
		assert.Equal(t, int64(base+i), written[2*i+1].Get("author_id"))
	}
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		tx.SetFetchMode(engine.FetchPeers)
		var got []engine.Record
		for i := range n {
			r, err := tx.Get("authors", base+i)
			require.NoError(t, err)
			got = append(got, r)
		}
		for i, r := range got {
			require.Equal(t, int64(base+i), r.ID())
		}
		books, err := got[7].Related("books")
		require.NoError(t, err)
		require.Len(t, books, 1)
		assert.Equal(t, int64(base+7), books[0].ID())
		s := tx.Stats().Relations["authors.books"]
		assert.Equal(t, 1, s.Single, "a loose row loads alone")
		assert.Zero(t, s.Batched, "loose rows are no peers")
		return nil
	}))
}
