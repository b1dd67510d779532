package reldbtest

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }

// TestReadMigrations_Layouts: each tool's layout is read in the order the
// tool applies it, with only the up part.
func TestReadMigrations_Layouts(t *testing.T) {
	tests := []struct {
		name  string
		files fstest.MapFS
		want  []string // name: sql
	}{
		{"golang-migrate", fstest.MapFS{
			"m/000002_b.up.sql":   file("B"),
			"m/000002_b.down.sql": file("drop B"),
			"m/000010_c.up.sql":   file("C"),
			"m/000001_a.up.sql":   file("A"),
			"m/000001_a.down.sql": file("drop A"),
		}, []string{"m/000001_a.up.sql: A", "m/000002_b.up.sql: B", "m/000010_c.up.sql: C"}},
		{"goose, unpadded versions", fstest.MapFS{
			"m/10_c.sql": file("-- +goose Up\nC;\n-- +goose Down\nDROP C;\n"),
			"m/2_b.sql": file("-- some comment\n-- +goose Up\n-- +goose StatementBegin\nB1; B2;\n-- +goose StatementEnd\n" +
				"-- +goose Down\n-- +goose StatementBegin\nDROP B;\n-- +goose StatementEnd\n"),
			"m/1_a.sql": file("--  +goose   up\nA;\n"),
		}, []string{"m/1_a.sql: A;\n", "m/2_b.sql: B1; B2;\n", "m/10_c.sql: C;\n"}},
		{"plain, name order", fstest.MapFS{
			"m/b_second.sql": file("B"),
			"m/a_first.sql":  file("A"),
			"m/notes.txt":    file("not SQL"),
			"m/sub/x.sql":    file("in a subdirectory: not read"),
		}, []string{"m/a_first.sql: A", "m/b_second.sql: B"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			migs, err := readMigrations(tc.files, "m")
			require.NoError(t, err)
			var got []string
			for _, m := range migs {
				got = append(got, m.name+": "+m.sql)
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

// TestReadMigrations_Errors: what a tool would refuse, or what would run
// in an order nobody meant, is an error naming the files.
func TestReadMigrations_Errors(t *testing.T) {
	tests := []struct {
		name  string
		files fstest.MapFS
		want  string
	}{
		{"empty", fstest.MapFS{"m/readme.md": file("")}, `no .sql files in "m"`},
		{"missing dir", fstest.MapFS{}, "open m"},
		{"mixed", fstest.MapFS{"m/1_a.up.sql": file("A"), "m/2_b.sql": file("-- +goose Up\nB")}, "mix layouts"},
		{"same version", fstest.MapFS{"m/1_a.up.sql": file("A"), "m/01_b.up.sql": file("B")}, "have the same version 1"},
		{"no version", fstest.MapFS{"m/init.up.sql": file("A")}, "m/init.up.sql: the name must start with its version number"},
		{"envsub", fstest.MapFS{"m/1_a.sql": file("-- +goose Up\n-- +goose ENVSUB ON\nA")}, "ENVSUB ON is not supported"},
		{"unknown annotation", fstest.MapFS{"m/1_a.sql": file("-- +goose Up\n-- +goose Sideways\nA")}, `unknown goose annotation "-- +goose Sideways"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readMigrations(tc.files, "m")
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// TestShape: statements that differ only in their values share a shape.
func TestShape(t *testing.T) {
	for in, want := range map[string]string{
		"SELECT * FROM books WHERE author_id = 42":          "SELECT * FROM books WHERE author_id = ?",
		"SELECT *\n  FROM books WHERE author_id = $1":       "SELECT * FROM books WHERE author_id = ?",
		"SELECT 1 FROM t WHERE name = 'O''Brien' AND x=1.5": "SELECT ? FROM t WHERE name = ? AND x=?",
		"SELECT * FROM t WHERE id IN (1, 2, 3)":             "SELECT * FROM t WHERE id IN (...)",
		"SELECT * FROM t2 WHERE id IN ($1,$2)":              "SELECT * FROM t2 WHERE id IN (...)",
	} {
		assert.Equal(t, want, Shape(in), in)
	}
}
