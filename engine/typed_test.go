package engine_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/cockroachdb/apd/v3"
	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/engine/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type tAuthor struct {
	ID    int64
	Name  string
	Books []*tBook `rel:"books"`
}

type tBook struct {
	ID       int64
	AuthorID int64
	Title    string
	Price    *int64
	Year     int
	Author   *tAuthor   `rel:"author"`
	Tags     []*tTag    `rel:"tags"`
	Reviews  []*tReview `rel:"reviews"`
}

type tTag struct {
	ID    int64
	Name  string   `reldb:"name"`
	Books []*tBook `rel:"books"`
}

type tReview struct {
	ID     int64
	BookID *int64
	UserID *int64
	User   *tUser `rel:"user"`
}

type tUser struct {
	ID      int64
	Name    string
	Profile *tProfile `rel:"profile"`
	Ignored chan int  `reldb:"-"`
}

type tProfile struct {
	ID     int64
	UserID *int64
	Bio    *string
}

func registerLibrary(t *testing.T, db *engine.DB) {
	t.Helper()
	require.NoError(t, engine.Register[tAuthor](db, "authors"))
	require.NoError(t, engine.Register[tBook](db, "books"))
	require.NoError(t, engine.Register[tTag](db, "tags"))
	require.NoError(t, engine.Register[tReview](db, "reviews"))
	require.NoError(t, engine.Register[tUser](db, "users"))
	require.NoError(t, engine.Register[tProfile](db, "profiles"))
	require.NoError(t, engine.Register[tAuthor](db, "authors"), "registering again is harmless")
}

// TestRegister_Mismatch: a struct that does not match the schema is an
// error at registration, naming the field.
func TestRegister_Mismatch(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	type noColumn struct {
		ID   int64
		Nope string
	}
	type wrongType struct {
		ID   int64
		Name int64
	}
	type noRelation struct {
		ID    int64
		Books []*tBook `rel:"nope"`
	}
	type oneForMany struct {
		ID    int64
		Books *tBook `rel:"books"`
	}
	type notPointers struct {
		ID    int64
		Books []tBook `rel:"books"`
	}
	type noKey struct {
		Name string
	}
	type embedded struct {
		tTag
	}
	tests := []struct {
		name     string
		register func() error
		want     error
		msg      string
	}{
		{"unknown column", func() error { return engine.Register[noColumn](db, "authors") }, engine.ErrNoColumn, `field Nope`},
		{"wrong type", func() error { return engine.Register[wrongType](db, "authors") }, engine.ErrType, `column "name" of type text`},
		{"unknown relation", func() error { return engine.Register[noRelation](db, "authors") }, engine.ErrNoRelation, `no relation "nope"`},
		{"one field for many rows", func() error { return engine.Register[oneForMany](db, "authors") }, engine.ErrSchema, "use a slice"},
		{"slice of structs", func() error { return engine.Register[notPointers](db, "authors") }, engine.ErrSchema, "[]*Struct"},
		{"no primary key field", func() error { return engine.Register[noKey](db, "authors") }, engine.ErrSchema, `primary key column "id"`},
		{"embedded", func() error { return engine.Register[embedded](db, "tags") }, engine.ErrSchema, "embedded"},
		{"not a struct", func() error { return engine.Register[int](db, "authors") }, engine.ErrSchema, "struct"},
		{"unknown table", func() error { return engine.Register[tAuthor](db, "nope") }, engine.ErrNoTable, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.register()
			require.ErrorIs(t, err, tc.want)
			assert.ErrorContains(t, err, tc.msg)
		})
	}
	require.NoError(t, engine.Register[tTag](db, "tags"))
	assert.ErrorIs(t, engine.Register[tTag](db, "authors"), engine.ErrExists)
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		_, err := engine.Get[tBook](tx, 10)
		assert.ErrorIs(t, err, engine.ErrSchema, "an unregistered type")
		_, err = engine.All[tTag](tx.Query("authors"))
		assert.ErrorIs(t, err, engine.ErrSchema, "a query of another table")
		return nil
	}))
}

// TestTyped_Prefetch: All fills relation fields down the prefetch paths,
// each row one shared object, in 1 + levels loads.
func TestTyped_Prefetch(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	registerLibrary(t, db)
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		tx.SetFetchMode(engine.FetchRaise)
		authors, err := engine.All[tAuthor](engine.QueryOf[tAuthor](tx).Prefetch("books.tags", "books.reviews.user.profile"))
		require.NoError(t, err)
		assert.Equal(t, 6, tx.Stats().Loads)
		require.Len(t, authors, 4)
		a := authors[0]
		assert.Equal(t, "Le Guin", a.Name)
		require.Len(t, a.Books, 3)
		assert.Equal(t, "Earthsea", a.Books[0].Title)
		assert.Equal(t, int64(5), *a.Books[0].Price)
		assert.Nil(t, a.Books[0].Author, "not prefetched")
		assert.Len(t, a.Books[0].Tags, 2)
		assert.Same(t, a.Books[0].Tags[0], a.Books[1].Tags[0], "tag sf is one object")
		assert.Same(t, a.Books[0].Tags[1], a.Books[2].Tags[0], "tag fantasy is one object")
		assert.Same(t, a.Books[0].Reviews[0].User, a.Books[2].Reviews[0].User)
		assert.Equal(t, "reads", *a.Books[0].Reviews[0].User.Profile.Bio)
		assert.Nil(t, a.Books[0].Reviews[1].User.Profile, "bob has none")
		assert.Empty(t, authors[3].Books)

		again, err := engine.Get[tAuthor](tx, 1)
		require.NoError(t, err)
		assert.Same(t, a, again, "one object per row per transaction")
		return nil
	}))
}

// TestTyped_Related: typed lazy loads, one load each, and prefetched ones
// with none.
func TestTyped_Related(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	registerLibrary(t, db)
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		a, err := engine.Get[tAuthor](tx, 1)
		require.NoError(t, err)
		books, err := engine.Related[tBook](tx, a, "books")
		require.NoError(t, err)
		require.Len(t, books, 3)
		assert.Equal(t, 2, tx.Stats().Loads)
		tags, err := engine.Related[tTag](tx, books[0], "tags")
		require.NoError(t, err)
		assert.Len(t, tags, 2)
		owner, err := engine.Related[tAuthor](tx, books[0], "author")
		require.NoError(t, err)
		assert.Same(t, a, owner[0])
		assert.Equal(t, 4, tx.Stats().Loads)

		_, err = engine.Related[tTag](tx, a, "books")
		assert.ErrorIs(t, err, engine.ErrSchema, "books are not tags")
		// An object made by hand relates by its key fields.
		books, err = engine.Related[tBook](tx, &tAuthor{ID: 2}, "books")
		require.NoError(t, err)
		assert.Len(t, books, 2)
		return nil
	}))
}

// TestTyped_Write: Insert, Update and Delete of objects, with what the
// table stored copied back, and failures leaving the object and database
// as they were.
func TestTyped_Write(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	type note struct {
		ID     int64
		Body   string
		Amount *apd.Decimal
		Rating float32
	}
	require.NoError(t, db.Update(trCtx, func(tx *engine.Tx) error {
		return tx.CreateTable(engine.Table{Name: "notes", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int, AutoIncrement: true}, {Name: "body", Type: engine.Text, Default: "empty"},
			{Name: "amount", Type: engine.Decimal, Precision: 10, Scale: 2}, {Name: "rating", Type: engine.Float}}})
	}))
	require.NoError(t, engine.Register[note](db, "notes"))
	registerLibrary(t, db)
	require.NoError(t, db.Update(trCtx, func(tx *engine.Tx) error {
		n := &note{Body: "hi", Amount: apd.New(12345, -3), Rating: 2.5}
		require.NoError(t, engine.Insert(tx, n))
		assert.Equal(t, int64(1), n.ID, "generated key copied back")
		assert.Equal(t, "12.35", n.Amount.String(), "rounded to the column's scale")
		n.Body = "changed"
		require.NoError(t, engine.Update(tx, n))
		got, err := tx.Get("notes", 1)
		require.NoError(t, err)
		assert.Equal(t, "changed", got.Get("body"))

		b := &tBook{ID: 99, AuthorID: 42, Title: "orphan"}
		err = engine.Insert(tx, b)
		require.ErrorIs(t, err, engine.ErrForeignKey)
		assert.Equal(t, "orphan", b.Title)
		_, err = tx.Get("books", 99)
		assert.ErrorIs(t, err, engine.ErrNotFound)

		require.NoError(t, engine.Delete(tx, n))
		_, err = tx.Get("notes", 1)
		assert.ErrorIs(t, err, engine.ErrNotFound)
		assert.Error(t, engine.Insert[note](tx, nil))
		return nil
	}))
	// NULL into a field that is not a pointer is an error, not a zero.
	require.NoError(t, db.Update(trCtx, func(tx *engine.Tx) error {
		_, err := tx.Insert("books", engine.Row{"id": 98, "author_id": 1, "title": "no year"})
		return err
	}))
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		_, err := engine.Get[tBook](tx, 98)
		assert.ErrorIs(t, err, engine.ErrType)
		assert.ErrorContains(t, err, "field Year")
		return nil
	}))
}

// TestTyped_Identity: a row met in two results is one object, and an
// object from a result keeps its place in it, so FetchPeers batches a
// typed lazy access for the whole result.
func TestTyped_Identity(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	registerLibrary(t, db)
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		authors, err := engine.All[tAuthor](engine.QueryOf[tAuthor](tx).Prefetch("books"))
		require.NoError(t, err)
		b, err := engine.Get[tBook](tx, 12)
		require.NoError(t, err)
		assert.Same(t, authors[0].Books[2], b)
		again, err := engine.Find[tAuthor](tx, engine.Eq("id", 2))
		require.NoError(t, err)
		assert.Same(t, authors[1], again[0])
		return nil
	}))
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		tx.SetFetchMode(engine.FetchPeers)
		authors, err := engine.All[tAuthor](engine.QueryOf[tAuthor](tx))
		require.NoError(t, err)
		var got []int
		for _, a := range authors {
			books, err := engine.Related[tBook](tx, a, "books")
			require.NoError(t, err)
			got = append(got, len(books))
		}
		assert.Equal(t, []int{3, 2, 1, 0}, got)
		assert.Equal(t, 2, tx.Stats().Loads, "the authors, then every author's books in one batch")
		assert.Equal(t, 1, tx.Stats().Relations["authors.books"].Batched)
		return nil
	}))
}

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

// TestTyped_LazyThroughDuplicateTarget ensures a course linked twice to a
// student through an explicit junction is one object, loaded lazily as when
// prefetched.
func TestTyped_LazyThroughDuplicateTarget(t *testing.T) {
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

type zBadBook struct {
	ID     int64
	Author *tProfile `rel:"author"` // authors, not profiles
}

// TestTyped_RelationFieldWrongTable ensures Register refuses a relation
// field whose element type maps another table, instead of failing at use.
func TestTyped_RelationFieldWrongTable(t *testing.T) {
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

type zEmp struct {
	ID        int64
	ManagerID *int64
	Manager   *zEmp   `rel:"manager"`
	Reports   []*zEmp `rel:"reports"`
}

// 3b. Within one query: employees 1..3, Prefetch("reports.manager"):
// employees 2 and 3 are reports of 1, already objects of the top level, so
// their Manager field (prefetched one level down) is never set.
func TestTyped_SelfPrefetchFieldMissing(t *testing.T) {
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

// TestTyped_All_FillsObjectMetBefore ensures All fills the relation
// fields of an object met before the prefetching query.
func TestTyped_All_FillsObjectMetBefore(t *testing.T) {
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

// TestTyped_Get_AfterConversionError ensures a conversion error in the first typed
// result leaves the identity map usable: the next typed read works.
func TestTyped_Get_AfterConversionError(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	registerLibrary(t, db)
	require.NoError(t, db.Update(trCtx, func(tx *engine.Tx) error {
		_, err := tx.Insert("books", engine.Row{"id": 98, "author_id": 1, "title": "no year"})
		return err
	}))
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		_, err := engine.All[tBook](engine.QueryOf[tBook](tx))
		require.ErrorIs(t, err, engine.ErrType)
		b, err := engine.Get[tBook](tx, 10)
		require.NoError(t, err)
		assert.Equal(t, "Earthsea", b.Title)
		return nil
	}))
}

// TestTyped_IdentityAfterUpdate ensures a row read after a typed Update is
// the same object.
func TestTyped_IdentityAfterUpdate(t *testing.T) {
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

// TestTyped_TwoModelsOneTable ensures two types mapped to one table each
// get objects of their own type from the identity map.
func TestTyped_TwoModelsOneTable(t *testing.T) {
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
		assert.Empty(t, a.Books, "not prefetched: Books is never read from a tAuthorName object")
		return nil
	}))
}

// An inserted object's fields are copied into the stored row: changing
// the object afterwards, its decimal included, changes nothing stored,
// and the stored row is copied back into the object (key, rounding).
func TestTyped_InsertCopiesFields(t *testing.T) {
	type item struct {
		ID    int64       `reldb:"id"`
		Name  string      `reldb:"name"`
		Price apd.Decimal `reldb:"price"`
		Qty   int         `reldb:"qty"`
	}
	db := testutil.OpenDB(t, engine.Table{Name: "items", PrimaryKey: []string{"id"}, Columns: []engine.Column{
		{Name: "id", Type: engine.Int, AutoIncrement: true}, {Name: "name", Type: engine.Text, NotNull: true},
		{Name: "price", Type: engine.Decimal, Precision: 6, Scale: 2}, {Name: "qty", Type: engine.Int},
		{Name: "note", Type: engine.Text, Default: "none"}}})
	require.NoError(t, engine.Register[item](db, "items"))
	it := &item{Name: "pen", Qty: 3}
	it.Price.SetString("1.005")
	require.NoError(t, db.Update(trCtx, func(tx *engine.Tx) error { return engine.Insert(tx, it) }))
	assert.Equal(t, int64(1), it.ID, "the generated key is copied back")
	assert.Equal(t, "1.01", it.Price.String(), "the stored, rounded price is copied back")
	it.Price.SetString("9.99")
	it.Name = "changed"
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		r, err := tx.Get("items", 1)
		require.NoError(t, err)
		assert.Equal(t, "items(id=1, name=pen, price=1.01, qty=3, note=none)", r.String())
		return nil
	}))
	bad := &item{}
	err := db.Update(trCtx, func(tx *engine.Tx) error { return engine.Insert(tx, bad) })
	require.NoError(t, err, "an empty name is not NULL")
	big := &item{Name: "big"}
	big.Price.SetString("12345.5")
	err = db.Update(trCtx, func(tx *engine.Tx) error { return engine.Insert(tx, big) })
	require.ErrorIs(t, err, engine.ErrNumericOverflow)
	assert.Zero(t, big.ID, "a failed insert leaves the object as it was")
}

type (
	wRow0 struct{ ID, N int64 }
	wRow1 wRow0
	wRow2 wRow0
	wRow3 wRow0
	wRow4 wRow0
	wRow5 wRow0
	wRow6 wRow0
	wRow7 wRow0
	wRow8 wRow0
	wRow9 wRow0
	wRowA wRow0
)

// wTable is one of the tables of TestTyped_Insert_IdentityAcrossTables,
// with an insert and a get of its model.
type wTable struct {
	insert func(tx *engine.Tx, id, n int64) (any, error)
	get    func(tx *engine.Tx, id int64) (any, int64, error)
	update func(tx *engine.Tx, obj any, n int64) error
}

func wTableOf[T ~struct{ ID, N int64 }](t *testing.T, db *engine.DB, name string) wTable {
	require.NoError(t, engine.Register[T](db, name))
	return wTable{
		insert: func(tx *engine.Tx, id, n int64) (any, error) {
			v := &T{ID: id, N: n}
			return v, engine.Insert(tx, v)
		},
		get: func(tx *engine.Tx, id int64) (any, int64, error) {
			v, err := engine.Get[T](tx, id)
			if err != nil {
				return nil, 0, err
			}
			return v, wRow0(*v).N, nil
		},
		update: func(tx *engine.Tx, obj any, n int64) error {
			v := obj.(*T)
			*v = T(wRow0{ID: wRow0(*v).ID, N: n})
			return engine.Update(tx, v)
		},
	}
}

// TestTyped_Insert_IdentityAcrossTables ensures every object inserted in
// a transaction that writes many tables in turn (more than the identity
// map's written list looks back over) is the object a later Get of its
// row returns, and that an object written twice is found with its last
// values.
func TestTyped_Insert_IdentityAcrossTables(t *testing.T) {
	var tables []engine.Table
	for k := range 11 {
		tables = append(tables, engine.Table{Name: fmt.Sprintf("w%d", k), PrimaryKey: []string{"id"},
			Columns: []engine.Column{{Name: "id", Type: engine.Int}, {Name: "n", Type: engine.Int}}})
	}
	db := testutil.OpenDB(t, tables...)
	ws := []wTable{wTableOf[wRow0](t, db, "w0"), wTableOf[wRow1](t, db, "w1"), wTableOf[wRow2](t, db, "w2"),
		wTableOf[wRow3](t, db, "w3"), wTableOf[wRow4](t, db, "w4"), wTableOf[wRow5](t, db, "w5"),
		wTableOf[wRow6](t, db, "w6"), wTableOf[wRow7](t, db, "w7"), wTableOf[wRow8](t, db, "w8"),
		wTableOf[wRow9](t, db, "w9"), wTableOf[wRowA](t, db, "w10")}
	const perTable = 300
	require.NoError(t, db.Update(trCtx, func(tx *engine.Tx) error {
		objs := make([][]any, len(ws))
		for id := range int64(perTable) {
			for k, w := range ws {
				v, err := w.insert(tx, id, id)
				require.NoError(t, err)
				objs[k] = append(objs[k], v)
			}
			if id%7 == 3 { // a second write of an earlier object, in a later result
				for k, w := range ws {
					require.NoError(t, w.update(tx, objs[k][id/2], 1000+id))
				}
			}
			if id == 100 || id == 250 { // a new key, twice: found by the last
				v := objs[0][9].(*wRow0)
				v.ID = 10000 + id
				require.NoError(t, engine.Update(tx, v))
			}
		}
		for k, w := range ws {
			for id := range int64(perTable) {
				if k == 0 && id == 9 {
					continue
				}
				got, n, err := w.get(tx, id)
				require.NoError(t, err)
				require.Same(t, objs[k][id], got, "table w%d row %d", k, id)
				want := id
				for u := range int64(perTable) {
					if u%7 == 3 && u/2 == id {
						want = 1000 + u // the last update of this row
					}
				}
				require.Equal(t, want, n, "table w%d row %d", k, id)
			}
		}
		// An update after the identity map is built finds the row it read.
		require.NoError(t, ws[0].update(tx, objs[0][5], -5))
		got, n, err := ws[0].get(tx, 5)
		require.NoError(t, err)
		assert.Same(t, objs[0][5], got)
		assert.Equal(t, int64(-5), n)
		// Delete finds the row by the key it was last written with.
		require.NoError(t, engine.Delete(tx, objs[0][9].(*wRow0)))
		for _, id := range []int64{9, 10100, 10250} {
			_, err = tx.Get("w0", id)
			assert.ErrorIs(t, err, engine.ErrNotFound, "w0 row %d", id)
		}
		return nil
	}))
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		r, err := tx.Get("w10", 1)
		require.NoError(t, err)
		assert.Equal(t, int64(1003), r.Get("n"), "row 1's last update, by the object Get found")
		return nil
	}))
}

// TestTyped_Identity_AcrossPaths ensures a row is one object whichever way
// it is reached again in a transaction: a relation read lazily twice, the
// prefetched books of one author read with Related, a book got before a
// lazy read of its author's books, and every book of two queries.
func TestTyped_Identity_AcrossPaths(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	registerLibrary(t, db)
	require.NoError(t, db.Update(trCtx, func(tx *engine.Tx) error {
		for id := 100; id < 400; id++ { // enough rows to grow the identity table
			if _, err := tx.Insert("books", engine.Row{"id": id, "author_id": 3, "title": fmt.Sprint("b", id), "year": id}); err != nil {
				return err
			}
		}
		return nil
	}))
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		a, err := engine.Get[tAuthor](tx, 1)
		require.NoError(t, err)
		first, err := engine.Related[tBook](tx, a, "books")
		require.NoError(t, err)
		again, err := engine.Related[tBook](tx, a, "books")
		require.NoError(t, err)
		require.Len(t, again, 3)
		for i := range first {
			assert.Same(t, first[i], again[i], "lazy twice, book %d", first[i].ID)
		}
		return nil
	}))
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		authors, err := engine.All[tAuthor](engine.QueryOf[tAuthor](tx).Prefetch("books"))
		require.NoError(t, err)
		books, err := engine.Related[tBook](tx, authors[1], "books")
		require.NoError(t, err, "prefetched: no load")
		require.Len(t, books, 2)
		assert.Same(t, authors[1].Books[0], books[0])
		assert.Same(t, authors[1].Books[1], books[1])
		return nil
	}))
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		b, err := engine.Get[tBook](tx, 11)
		require.NoError(t, err)
		a, err := engine.Get[tAuthor](tx, 1)
		require.NoError(t, err)
		books, err := engine.Related[tBook](tx, a, "books")
		require.NoError(t, err)
		require.Len(t, books, 3)
		var found bool
		for _, x := range books {
			if x.ID == 11 {
				assert.Same(t, b, x, "the book got before")
				found = true
			} else {
				assert.NotSame(t, b, x)
			}
			assert.Equal(t, int64(1), x.AuthorID)
		}
		assert.True(t, found)
		return nil
	}))
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		all, err := engine.Find[tBook](tx)
		require.NoError(t, err)
		some, err := engine.Find[tBook](tx, engine.Gt("year", 150))
		require.NoError(t, err)
		all2, err := engine.Find[tBook](tx)
		require.NoError(t, err)
		require.Len(t, all, 306)
		byID := map[int64]*tBook{}
		for i, b := range all {
			byID[b.ID] = b
			assert.Same(t, b, all2[i])
		}
		require.NotEmpty(t, some)
		for _, b := range some {
			assert.Same(t, byID[b.ID], b, "book %d", b.ID)
			if b.ID >= 100 {
				assert.Equal(t, int(b.ID), b.Year, "values of the row")
			}
		}
		return nil
	}))
}

// errRollback makes Update roll its transaction back.
var errRollback = errors.New("roll back")

// TestTyped_WriteAgain_KeyChanged ensures an object written stands for the
// row version written: after an Update that changed its key, a second
// Update and a Delete find the row by its new key, whether the object came
// from a single row or from a result.
func TestTyped_WriteAgain_KeyChanged(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	registerLibrary(t, db)
	reads := map[string]func(tx *engine.Tx) (*tTag, error){
		"get": func(tx *engine.Tx) (*tTag, error) { return engine.Get[tTag](tx, 1) },
		"find": func(tx *engine.Tx) (*tTag, error) {
			tags, err := engine.Find[tTag](tx, engine.Eq("id", 1))
			if err != nil || len(tags) != 1 {
				return nil, fmt.Errorf("find: %d tags: %w", len(tags), err)
			}
			return tags[0], nil
		},
	}
	for name, read := range reads {
		t.Run(name, func(t *testing.T) {
			err := db.Update(trCtx, func(tx *engine.Tx) error {
				tag, err := read(tx)
				require.NoError(t, err)
				tag.ID = 77
				require.NoError(t, engine.Update(tx, tag))
				tag.Name = "again"
				require.NoError(t, engine.Update(tx, tag), "second update, by the key written")
				got, err := engine.Get[tTag](tx, 77)
				require.NoError(t, err)
				assert.Same(t, tag, got)
				assert.Equal(t, "again", got.Name)
				_, err = tx.Get("tags", 1)
				assert.ErrorIs(t, err, engine.ErrNotFound)
				require.NoError(t, engine.Delete(tx, tag), "delete by the key written")
				_, err = tx.Get("tags", 77)
				assert.ErrorIs(t, err, engine.ErrNotFound)
				return errRollback
			})
			require.ErrorIs(t, err, errRollback)
		})
	}
}

// TestTyped_Fork ensures a type registered before a Fork is registered on
// the fork, and one registered on the fork afterwards is not on the
// original.
func TestTyped_Fork(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	require.NoError(t, engine.Register[tAuthor](db, "authors"))
	f, err := db.Fork(engine.Options{})
	require.NoError(t, err)
	defer f.Close()
	require.NoError(t, engine.Register[tUser](f, "users"))
	require.NoError(t, f.View(trCtx, func(tx *engine.Tx) error {
		a, err := engine.Get[tAuthor](tx, 1)
		require.NoError(t, err)
		assert.Equal(t, "Le Guin", a.Name)
		_, err = engine.Find[tUser](tx)
		assert.NoError(t, err)
		return nil
	}))
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		_, err := engine.Find[tUser](tx)
		assert.ErrorIs(t, err, engine.ErrSchema, "registered on the fork only")
		return nil
	}))
}

// TestTyped_KeysOnlyRowIsOneObject: a table of keys alone makes its rows
// anew on every read (index.NewDerivedTree), and the identity map still
// gives one object per row, however often and however it is read.
func TestTyped_KeysOnlyRowIsOneObject(t *testing.T) {
	db := enrollmentDB(t, []int{2, 3}, []int{2})
	require.NoError(t, engine.Register[zCourse](db, "courses"))
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		first, err := engine.Get[zCourse](tx, 2)
		require.NoError(t, err)
		all, err := engine.All[zCourse](engine.QueryOf[zCourse](tx))
		require.NoError(t, err)
		again, err := engine.Get[zCourse](tx, 2)
		require.NoError(t, err)
		other, err := engine.Get[zCourse](tx, 3)
		require.NoError(t, err)
		require.Len(t, all, 2)
		assert.Same(t, first, all[0], "a query's object is the one Get made")
		assert.Same(t, first, again, "Get again")
		assert.Same(t, other, all[1])
		assert.NotSame(t, first, other)
		return nil
	}))
}
