package scenario

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// rewritten returns the file's lines with the expected output of every case
// whose actual output is known replaced by it. Cases with a nil actual keep
// their text.
func rewritten(lines []string, cases []*Case, actual []*string) ([]string, error) {
	var out []string
	prev := 0
	for i, c := range cases {
		if actual[i] == nil {
			continue
		}
		block, err := formatOutput(*actual[i])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.Pos(), err)
		}
		out = append(out, lines[prev:c.expStart]...)
		out = append(out, block...)
		prev = c.expEnd
		// Single-form output ends at a blank line, so one must follow it
		// before anything else (a double-form block did not need one).
		if prev < len(lines) && !isBlank(lines[prev]) {
			out = append(out, "")
		}
	}
	return append(out, lines[prev:]...), nil
}

// formatOutput returns the lines that record output after a ---- line:
// plain when it has no blank lines, else wrapped in double separators.
func formatOutput(output string) ([]string, error) {
	lines := normalizedLines(output)
	double := len(lines) > 0 && lines[0] == separator
	for _, l := range lines {
		if l == "" {
			double = true
		}
	}
	if !double {
		return lines, nil
	}
	// Inside double separators, a ---- line followed by another, or by the
	// closing pair, would close the block early.
	for i, l := range lines {
		if l == separator && (i+1 == len(lines) || lines[i+1] == separator) {
			return nil, fmt.Errorf("%w: output with blank lines has a %s line the format cannot hold", ErrSyntax, separator)
		}
	}
	block := append([]string{separator}, lines...)
	return append(block, separator, separator), nil
}

// writeFile rewrites path with the actual outputs, through a temporary file
// renamed over it, keeping its permissions.
func writeFile(path string, f *file, actual []*string) error {
	newLines, err := rewritten(f.lines, f.cases, actual)
	if err != nil {
		return fmt.Errorf("scenario: rewrite %s: %w", path, err)
	}
	data := strings.Join(newLines, "\n")
	if len(newLines) > 0 && f.finalNewline {
		data += "\n"
	}
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("scenario: rewrite: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".rewrite-*")
	if err != nil {
		return fmt.Errorf("scenario: rewrite %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	if _, err := tmp.WriteString(data); err != nil {
		tmp.Close()
		return fmt.Errorf("scenario: rewrite %s: %w", path, err)
	}
	if err := tmp.Chmod(fi.Mode().Perm()); err != nil {
		tmp.Close()
		return fmt.Errorf("scenario: rewrite %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("scenario: rewrite %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("scenario: rewrite %s: %w", path, err)
	}
	return nil
}
