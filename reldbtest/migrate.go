package reldbtest

import (
	"bufio"
	"cmp"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// migration is one migration file's up part, ready to run.
type migration struct {
	name    string // the file's path in its fs.FS
	version int64  // the leading number of the name; -1 if it has none
	sql     string
}

// readMigrations reads the migrations of dir in fsys in the order the
// tools that wrote them apply them. Three layouts are understood, and may
// not be mixed in one directory:
//
//   - golang-migrate: NNN_name.up.sql files (NNN_name.down.sql files are
//     skipped), in version order;
//   - goose: NNN_name.sql files whose -- +goose Up section is run (the
//     -- +goose Down section is not), in version order;
//   - plain: every *.sql file, run whole, in name order.
//
// A version is the file name's leading decimal number, compared as a
// number, so goose's unpadded 2_x.sql comes before 10_y.sql.
func readMigrations(fsys fs.FS, dir string) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("reldbtest: migrations: %w", err)
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".sql") {
			files = append(files, e.Name())
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("reldbtest: migrations: no .sql files in %q", dir)
	}
	var migs []migration
	var migrateStyle, gooseStyle, plainStyle []string
	for _, name := range files {
		full := path.Join(dir, name)
		if strings.HasSuffix(name, ".down.sql") {
			migrateStyle = append(migrateStyle, name)
			continue
		}
		b, err := fs.ReadFile(fsys, full)
		if err != nil {
			return nil, fmt.Errorf("reldbtest: migrations: %w", err)
		}
		m := migration{name: full, version: leadingVersion(name), sql: string(b)}
		switch {
		case strings.HasSuffix(name, ".up.sql"):
			migrateStyle = append(migrateStyle, name)
		case isGoose(m.sql):
			gooseStyle = append(gooseStyle, name)
			if m.sql, err = gooseUp(full, m.sql); err != nil {
				return nil, err
			}
		default:
			plainStyle = append(plainStyle, name)
		}
		migs = append(migs, m)
	}
	styles := 0
	for _, s := range [][]string{migrateStyle, gooseStyle, plainStyle} {
		if len(s) > 0 {
			styles++
		}
	}
	if styles > 1 {
		return nil, fmt.Errorf("reldbtest: migrations in %q mix layouts (golang-migrate %q, goose %q, plain %q): use one per directory",
			dir, migrateStyle, gooseStyle, plainStyle)
	}
	if len(plainStyle) == 0 {
		for _, m := range migs {
			if m.version < 0 {
				return nil, fmt.Errorf("reldbtest: migration %s: the name must start with its version number", m.name)
			}
		}
		slices.SortStableFunc(migs, func(a, b migration) int {
			if a.version != b.version {
				return cmp.Compare(a.version, b.version)
			}
			return strings.Compare(a.name, b.name)
		})
		for i := 1; i < len(migs); i++ {
			if migs[i].version == migs[i-1].version {
				return nil, fmt.Errorf("reldbtest: migrations %s and %s have the same version %d", migs[i-1].name, migs[i].name, migs[i].version)
			}
		}
	}
	// Plain files are already in name order: fs.ReadDir sorts by name.
	return migs, nil
}

// leadingVersion returns the decimal number a file name starts with, or
// -1.
func leadingVersion(name string) int64 {
	end := 0
	for end < len(name) && name[end] >= '0' && name[end] <= '9' {
		end++
	}
	if end == 0 {
		return -1
	}
	v, err := strconv.ParseInt(name[:end], 10, 64)
	if err != nil {
		return -1
	}
	return v
}

// gooseAnnotation returns the annotation of a goose comment line, such as
// "up" for "-- +goose Up", or "".
func gooseAnnotation(line string) string {
	rest, ok := strings.CutPrefix(strings.TrimSpace(line), "--")
	if !ok {
		return ""
	}
	rest, ok = strings.CutPrefix(strings.TrimSpace(rest), "+goose")
	if !ok {
		return ""
	}
	return strings.ToLower(strings.Join(strings.Fields(rest), " "))
}

func isGoose(sql string) bool {
	sc := bufio.NewScanner(strings.NewReader(sql))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		if gooseAnnotation(sc.Text()) == "up" {
			return true
		}
	}
	return false
}

// gooseUp returns the -- +goose Up section of a goose migration. Its
// StatementBegin / StatementEnd markers need no handling: reldb's parser
// splits statements itself, semicolons in function bodies included.
// ENVSUB is refused rather than run unsubstituted.
func gooseUp(name, sql string) (string, error) {
	var b strings.Builder
	in := false
	sc := bufio.NewScanner(strings.NewReader(sql))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		line := sc.Text()
		switch a := gooseAnnotation(line); {
		case a == "up":
			in = true
			continue
		case a == "down":
			in = false
			continue
		case a == "statementbegin", a == "statementend", a == "no transaction", a == "envsub off":
			continue
		case a == "envsub on":
			return "", fmt.Errorf("reldbtest: migration %s: -- +goose ENVSUB ON is not supported", name)
		case a != "":
			return "", fmt.Errorf("reldbtest: migration %s: unknown goose annotation %q", name, strings.TrimSpace(line))
		}
		if in {
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	if err := sc.Err(); err != nil {
		return "", fmt.Errorf("reldbtest: migration %s: %w", name, err)
	}
	return b.String(), nil
}
