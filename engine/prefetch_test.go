package engine_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/engine/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
			assert.Contains(t, loads[1].Caller, "prefetch_test.go")
		})
	}
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

func TestQuery_PrefetchWith_MatchesManual(t *testing.T) {
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

// TestQuery_Prefetch_UniquePrefixChildIndex ensures a one-to-many whose
// child index is a unique index starting with the foreign-key columns
// prefetches the same children (seek path) as lazy loads find.
func TestQuery_Prefetch_UniquePrefixChildIndex(t *testing.T) {
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

// TestQuery_Prefetch_SelfRelationsMatchLazy ensures prefetch matches lazy
// loads on self-referential relations, on every access path.
func TestQuery_Prefetch_SelfRelationsMatchLazy(t *testing.T) {
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

// TestQuery_Prefetch_LinksMatchLazy: the links of a prefetch through a
// generated junction, which is kept as keys alone and makes its rows only
// when Links asks (index.NewDerivedTree), are the lazy walk's: each
// junction row with its own book and tag, in the same order.
func TestQuery_Prefetch_LinksMatchLazy(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	walk := func(q func(tx *engine.Tx) *engine.Query) []string {
		var out []string
		require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
			books, err := q(tx).All()
			require.NoError(t, err)
			for _, b := range books {
				links, err := b.Links("tags")
				require.NoError(t, err)
				for _, l := range links {
					out = append(out, fmt.Sprintf("%v: %v", l.Via.Values(), l.To.Get("id")))
				}
			}
			return nil
		}))
		return out
	}
	eager := walk(func(tx *engine.Tx) *engine.Query { return tx.Query("books").OrderBy("id", engine.Asc).Prefetch("tags") })
	lazy := walk(func(tx *engine.Tx) *engine.Query { return tx.Query("books").OrderBy("id", engine.Asc) })
	assert.Equal(t, lazy, eager)
	assert.GreaterOrEqual(t, len(eager), 3, "the library links books and tags")
}
