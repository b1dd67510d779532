package compat

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/reldb/reldb/pgwire"
)

// The GORM models: users have one profile and many orders, orders have
// many items, users and groups are many-to-many.
type gormUser struct {
	ID        uint   `gorm:"primaryKey"`
	Email     string `gorm:"size:120;not null;unique"`
	Name      string `gorm:"not null;index"`
	Active    bool   `gorm:"default:true"`
	CreatedAt time.Time
	Profile   gormProfile  `gorm:"foreignKey:UserID;constraint:OnDelete:CASCADE"`
	Orders    []gormOrder  `gorm:"foreignKey:UserID;constraint:OnDelete:CASCADE"`
	Groups    []*gormGroup `gorm:"many2many:gorm_user_groups;constraint:OnDelete:CASCADE"`
}

func (gormUser) TableName() string { return "gorm_users" }

type gormProfile struct {
	ID     uint   `gorm:"primaryKey"`
	UserID uint   `gorm:"uniqueIndex;not null"`
	Bio    string `gorm:"comment:what the user says of themselves"`
}

func (gormProfile) TableName() string { return "gorm_profiles" }

type gormOrder struct {
	ID     uint    `gorm:"primaryKey"`
	UserID uint    `gorm:"not null"`
	Total  float64 `gorm:"type:numeric(10,2)"`
	Note   *string
	Items  []gormItem `gorm:"foreignKey:OrderID;constraint:OnDelete:CASCADE"`
}

func (gormOrder) TableName() string { return "gorm_orders" }

type gormItem struct {
	ID      uint   `gorm:"primaryKey"`
	OrderID uint   `gorm:"not null;index:idx_item_order_sku,priority:1"`
	SKU     string `gorm:"size:32;index:idx_item_order_sku,priority:2"`
	Qty     int    `gorm:"check:qty > 0"`
}

func (gormItem) TableName() string { return "gorm_items" }

type gormGroup struct {
	ID    uint        `gorm:"primaryKey"`
	Name  string      `gorm:"uniqueIndex"`
	Users []*gormUser `gorm:"many2many:gorm_user_groups"`
}

func (gormGroup) TableName() string { return "gorm_groups" }

var gormModels = []any{&gormUser{}, &gormProfile{}, &gormOrder{}, &gormItem{}, &gormGroup{}}

// openGorm returns GORM over a fresh reldb server and the log of the
// statements it sends.
func openGorm(t *testing.T) (*gorm.DB, *recorder) {
	t.Helper()
	srv, err := pgwire.Listen("", pgwire.Options{})
	require.NoError(t, err)
	rec := &recorder{}
	db, err := gorm.Open(postgres.Open(srv.DSN("gorm")), &gorm.Config{TranslateError: true, Logger: rec})
	require.NoError(t, err)
	sqlDB, err := db.DB()
	require.NoError(t, err)
	t.Cleanup(func() {
		require.NoError(t, sqlDB.Close())
		require.NoError(t, srv.Close())
	})
	return db, rec
}

// Ensure GORM's postgres migrator creates the schema once and, run again,
// finds it up to date: the second AutoMigrate only reads the catalog.
func TestGorm_AutoMigrateTwice(t *testing.T) {
	db, rec := openGorm(t)
	require.NoError(t, db.AutoMigrate(gormModels...))
	first := rec.writes()
	assert.NotEmpty(t, first)
	for _, s := range first {
		t.Log(s)
	}
	for _, table := range []string{"gorm_users", "gorm_profiles", "gorm_orders", "gorm_items", "gorm_groups", "gorm_user_groups"} {
		assert.True(t, db.Migrator().HasTable(table), table)
	}
	assert.True(t, db.Migrator().HasIndex(&gormItem{}, "idx_item_order_sku"))
	assert.True(t, db.Migrator().HasConstraint(&gormUser{}, "Orders"))
	assert.True(t, db.Migrator().HasColumn(&gormOrder{}, "Note"))

	require.NoError(t, db.AutoMigrate(gormModels...))
	assert.Empty(t, rec.writes(), "the second AutoMigrate changes nothing")

	cols, err := db.Migrator().ColumnTypes(&gormUser{})
	require.NoError(t, err)
	byName := map[string]gorm.ColumnType{}
	for _, c := range cols {
		byName[c.Name()] = c
	}
	require.Contains(t, byName, "email")
	assert.Equal(t, "varchar", byName["email"].DatabaseTypeName())
	n, ok := byName["email"].Length()
	assert.True(t, ok)
	assert.Equal(t, int64(120), n)
	unique, _ := byName["email"].Unique()
	assert.True(t, unique)
	pk, _ := byName["id"].PrimaryKey()
	assert.True(t, pk)
	auto, _ := byName["id"].AutoIncrement()
	assert.True(t, auto)
	nullable, _ := byName["name"].Nullable()
	assert.False(t, nullable)

	tables, err := db.Migrator().GetTables()
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"gorm_users", "gorm_profiles", "gorm_orders", "gorm_items", "gorm_groups", "gorm_user_groups"}, tables)
	indexes, err := db.Migrator().GetIndexes(&gormItem{})
	require.NoError(t, err)
	var names []string
	for _, ix := range indexes {
		names = append(names, ix.Name())
	}
	assert.ElementsMatch(t, []string{"idx_item_order_sku"}, names)
}

// Ensure GORM's everyday calls work: Create with associations, Preload,
// Joins, a transaction with a nested savepoint, a cascade and a duplicate
// key translated to gorm.ErrDuplicatedKey.
func TestGorm_CRUD(t *testing.T) {
	db, _ := openGorm(t)
	require.NoError(t, db.AutoMigrate(gormModels...))

	note := "gift"
	admins := &gormGroup{Name: "admins"}
	u := gormUser{Email: "ulg@example.com", Name: "Ursula",
		Profile: gormProfile{Bio: "writer"},
		Orders: []gormOrder{
			{Total: 12.5, Note: &note, Items: []gormItem{{SKU: "A-1", Qty: 1}, {SKU: "B-2", Qty: 3}}},
			{Total: 3},
		},
		Groups: []*gormGroup{admins},
	}
	require.NoError(t, db.Create(&u).Error)
	require.NotZero(t, u.ID)
	assert.True(t, u.Active, "default:true")

	var got gormUser
	require.NoError(t, db.Preload("Profile").Preload("Orders.Items").Preload("Groups").First(&got, u.ID).Error)
	assert.Equal(t, "writer", got.Profile.Bio)
	require.Len(t, got.Orders, 2)
	assert.Len(t, got.Orders[0].Items, 2)
	require.Len(t, got.Groups, 1)
	assert.Equal(t, "admins", got.Groups[0].Name)

	var withProfile []gormUser
	require.NoError(t, db.Joins("Profile").Where(`"Profile".bio = ?`, "writer").Find(&withProfile).Error)
	require.Len(t, withProfile, 1)
	assert.Equal(t, "writer", withProfile[0].Profile.Bio)

	var totals []struct {
		Name  string
		Total float64
	}
	require.NoError(t, db.Model(&gormUser{}).Select("gorm_users.name, sum(gorm_orders.total) AS total").
		Joins("JOIN gorm_orders ON gorm_orders.user_id = gorm_users.id").Group("gorm_users.name").Scan(&totals).Error)
	require.Len(t, totals, 1)
	assert.InDelta(t, 15.5, totals[0].Total, 1e-9)

	// A transaction whose nested transaction (a savepoint) fails and rolls
	// back alone.
	err := db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&gormUser{Email: "oeb@example.com", Name: "Octavia"}).Error; err != nil {
			return err
		}
		nested := tx.Transaction(func(tx2 *gorm.DB) error {
			require.NoError(t, tx2.Create(&gormUser{Email: "temp@example.com", Name: "Temp"}).Error)
			return errors.New("roll back the savepoint")
		})
		assert.EqualError(t, nested, "roll back the savepoint")
		return nil
	})
	require.NoError(t, err)
	var count int64
	require.NoError(t, db.Model(&gormUser{}).Count(&count).Error)
	assert.Equal(t, int64(2), count)

	// A duplicate key.
	err = db.Create(&gormUser{Email: "ulg@example.com", Name: "again"}).Error
	assert.ErrorIs(t, err, gorm.ErrDuplicatedKey)

	// ON DELETE CASCADE from the constraint tags.
	require.NoError(t, db.Select("Groups").Delete(&gormUser{ID: u.ID}).Error)
	require.NoError(t, db.Model(&gormItem{}).Count(&count).Error)
	assert.Zero(t, count)
	require.NoError(t, db.Model(&gormProfile{}).Count(&count).Error)
	assert.Zero(t, count)
}

// recorder is a GORM logger that records the statements that change the
// schema or data, and fails on none.
type recorder struct {
	mu    sync.Mutex
	stmts []string
}

func (r *recorder) LogMode(logger.LogLevel) logger.Interface           { return r }
func (r *recorder) Info(ctx context.Context, msg string, args ...any)  {}
func (r *recorder) Warn(ctx context.Context, msg string, args ...any)  {}
func (r *recorder) Error(ctx context.Context, msg string, args ...any) {}
func (r *recorder) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	sql, _ := fc()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stmts = append(r.stmts, sql)
}

// writes returns and forgets the statements recorded that are not
// queries.
func (r *recorder) writes() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, s := range r.stmts {
		if !strings.HasPrefix(strings.ToUpper(strings.TrimSpace(s)), "SELECT") {
			out = append(out, s)
		}
	}
	r.stmts = nil
	return out
}
