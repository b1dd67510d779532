package compat

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Ensure pgx scans an enum column into a string and binds a string to an
// enum parameter, in the extended protocol (described statements, binary
// where pgx knows the type), the simple protocol, and after LoadType has
// registered the enum.
func TestPgx_Enum(t *testing.T) {
	conn, _ := connectPgx(t)
	ctx := context.Background()
	_, err := conn.Exec(ctx, `CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
		CREATE TABLE moods (id int PRIMARY KEY, m mood NOT NULL)`)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, `INSERT INTO moods VALUES ($1, $2), ($3, $4)`, 1, "happy", 2, "sad")
	require.NoError(t, err)

	read := func(t *testing.T, mode pgx.QueryExecMode) {
		rows, err := conn.Query(ctx, `SELECT m FROM moods WHERE m >= $1 ORDER BY m`, mode, "sad")
		require.NoError(t, err)
		got, err := pgx.CollectRows(rows, pgx.RowTo[string])
		require.NoError(t, err)
		assert.Equal(t, []string{"sad", "happy"}, got)
		_, err = conn.Exec(ctx, `SELECT 1 FROM moods WHERE m = $1`, mode, "angry")
		assert.ErrorContains(t, err, "22P02")
	}
	modes := map[string]pgx.QueryExecMode{
		"cache statement": pgx.QueryExecModeCacheStatement, "describe exec": pgx.QueryExecModeDescribeExec,
		"exec": pgx.QueryExecModeExec, "simple protocol": pgx.QueryExecModeSimpleProtocol,
	}
	for name, mode := range modes {
		t.Run(name, func(t *testing.T) { read(t, mode) })
	}

	// In binary format an enum is its label's bytes, both ways, as
	// PostgreSQL sends and reads it.
	typ, err := conn.LoadType(ctx, "mood")
	require.NoError(t, err)
	res := conn.PgConn().ExecParams(ctx, `SELECT m FROM moods WHERE m = $1`, [][]byte{[]byte("sad")}, []uint32{typ.OID}, []int16{1}, []int16{1}).Read()
	require.NoError(t, res.Err)
	require.Len(t, res.Rows, 1)
	assert.Equal(t, "sad", string(res.Rows[0][0]))
	assert.Equal(t, typ.OID, res.FieldDescriptions[0].DataTypeOID)
	assert.Equal(t, int16(1), res.FieldDescriptions[0].Format)
	conn.TypeMap().RegisterType(typ)
	for name, mode := range modes {
		t.Run("registered "+name, func(t *testing.T) { read(t, mode) })
	}
}

type gormMoodEntry struct {
	ID   uint   `gorm:"primaryKey"`
	Mood string `gorm:"type:mood;not null;default:ok"`
}

func (gormMoodEntry) TableName() string { return "gorm_mood_entries" }

// Ensure GORM migrates a model with an enum column after CREATE TYPE, and
// a second AutoMigrate finds the column up to date.
func TestGorm_AutoMigrateEnum(t *testing.T) {
	db, rec := openGorm(t)
	require.NoError(t, db.Exec(`CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')`).Error)
	require.NoError(t, db.AutoMigrate(&gormMoodEntry{}))
	require.NotEmpty(t, rec.writes())
	require.NoError(t, db.AutoMigrate(&gormMoodEntry{}))
	assert.Empty(t, rec.writes(), "the second AutoMigrate changes nothing")

	require.NoError(t, db.Create(&gormMoodEntry{Mood: "happy"}).Error)
	require.NoError(t, db.Create(&gormMoodEntry{Mood: "sad"}).Error)
	var got []gormMoodEntry
	require.NoError(t, db.Order("mood").Find(&got).Error)
	require.Len(t, got, 2)
	assert.Equal(t, "sad", got[0].Mood)
	assert.Equal(t, "happy", got[1].Mood)
	assert.Error(t, db.Create(&gormMoodEntry{Mood: "angry"}).Error)

	cols, err := db.Migrator().ColumnTypes(&gormMoodEntry{})
	require.NoError(t, err)
	for _, c := range cols {
		if c.Name() == "mood" {
			assert.Equal(t, "mood", c.DatabaseTypeName())
		}
	}
}

// Ensure COPY moves enum columns as their labels, in text and in binary
// format, and refuses a label the type lacks.
func TestPgconn_CopyEnum(t *testing.T) {
	conn, _ := connectPgx(t)
	ctx := context.Background()
	_, err := conn.Exec(ctx, `CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
		CREATE TABLE moods (id int PRIMARY KEY, m mood);
		CREATE TABLE moods2 (id int PRIMARY KEY, m mood)`)
	require.NoError(t, err)
	tag, err := conn.PgConn().CopyFrom(ctx, strings.NewReader("1\thappy\n2\t\\N\n3\tsad\n"), `COPY moods FROM STDIN`)
	require.NoError(t, err)
	assert.Equal(t, "COPY 3", tag.String())
	_, err = conn.PgConn().CopyFrom(ctx, strings.NewReader("4\tangry\n"), `COPY moods FROM STDIN`)
	assert.ErrorContains(t, err, "22P02")

	var text bytes.Buffer
	_, err = conn.PgConn().CopyTo(ctx, &text, `COPY (SELECT * FROM moods ORDER BY m) TO STDOUT`)
	require.NoError(t, err)
	assert.Equal(t, "3\tsad\n1\thappy\n2\t\\N\n", text.String())

	var bin bytes.Buffer
	_, err = conn.PgConn().CopyTo(ctx, &bin, `COPY moods TO STDOUT (FORMAT binary)`)
	require.NoError(t, err)
	tag, err = conn.PgConn().CopyFrom(ctx, &bin, `COPY moods2 FROM STDIN BINARY`)
	require.NoError(t, err)
	assert.Equal(t, "COPY 3", tag.String())
	var same bool
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) = 3 FROM moods a JOIN moods2 b ON a.id = b.id AND a.m IS NOT DISTINCT FROM b.m`).Scan(&same))
	assert.True(t, same)
}
