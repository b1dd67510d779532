package scenario

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// ErrSyntax is returned when a scenario file is malformed: a command without
// a ---- separator, an unterminated double-separator block, or a bad
// argument.
var ErrSyntax = errors.New("reldb: scenario syntax error")

// separator ends a case's input; doubled, it wraps output with blank lines.
const separator = "----"

// file is a parsed scenario file: its lines, kept for rewriting, and cases.
type file struct {
	lines        []string
	cases        []*Case
	finalNewline bool // the last line ends in "\n"; rewriting keeps it so
}

// ParseFile reads and parses the scenario file at path.
func ParseFile(path string) ([]*Case, error) {
	f, err := parseFile(path)
	if err != nil {
		return nil, err
	}
	return f.cases, nil
}

// parseFile reads and parses a file, keeping its lines for rewriting.
func parseFile(path string) (*file, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("scenario: read: %w", err)
	}
	return parse(path, data)
}

// Parse parses a scenario file's contents; name is used for Case.File and in
// errors. Returns an error wrapping ErrSyntax, naming name:line, if the file
// is malformed.
func Parse(name string, data []byte) ([]*Case, error) {
	f, err := parse(name, data)
	if err != nil {
		return nil, err
	}
	return f.cases, nil
}

// splitLines splits data into lines; a final newline does not start an
// empty line.
func splitLines(data []byte) []string {
	if len(data) == 0 {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

func isSeparator(line string) bool {
	return strings.TrimRight(line, " \t\r") == separator
}

func isBlank(line string) bool {
	return strings.TrimSpace(line) == ""
}

func parse(name string, data []byte) (*file, error) {
	f := &file{lines: splitLines(data), finalNewline: len(data) > 0 && data[len(data)-1] == '\n'}
	lines := f.lines
	for i := 0; i < len(lines); {
		line := lines[i]
		if isBlank(line) || strings.HasPrefix(strings.TrimSpace(line), "#") {
			i++
			continue
		}
		c := &Case{File: name, Line: i + 1}
		syntaxErr := func(line int, format string, args ...any) error {
			return fmt.Errorf("%s:%d: %w: %s", name, line, ErrSyntax, fmt.Sprintf(format, args...))
		}
		var err error
		if c.Cmd, c.Args, err = parseCommand(line); err != nil {
			return nil, syntaxErr(c.Line, "%v", err)
		}
		i++

		var input []string
		for ; i < len(lines) && !isSeparator(lines[i]); i++ {
			input = append(input, lines[i])
		}
		if i == len(lines) {
			return nil, syntaxErr(c.Line, "command %q has no %s line", c.Cmd, separator)
		}
		c.Input = strings.Join(input, "\n")
		i++

		c.expStart = i
		var expected []string
		if i < len(lines) && isSeparator(lines[i]) {
			open := i + 1
			for i++; ; i++ {
				if i+1 >= len(lines) {
					return nil, syntaxErr(open, "output opened with %s%s is not closed by two %s lines", separator, separator, separator)
				}
				if isSeparator(lines[i]) && isSeparator(lines[i+1]) {
					break
				}
				expected = append(expected, lines[i])
			}
			i += 2
		} else {
			for ; i < len(lines) && !isBlank(lines[i]); i++ {
				expected = append(expected, lines[i])
			}
		}
		c.expEnd = i
		if len(expected) > 0 {
			c.Expected = strings.Join(expected, "\n") + "\n"
		}
		f.cases = append(f.cases, c)
	}
	return f, nil
}

// parseCommand splits a command line into the command and its arguments.
func parseCommand(line string) (string, []Arg, error) {
	words, err := splitWords(line)
	if err != nil {
		return "", nil, err
	}
	cmd := words[0]
	if strings.ContainsAny(cmd, "=()\"") {
		return "", nil, fmt.Errorf("command %q is not a word", cmd)
	}
	var args []Arg
	for _, w := range words[1:] {
		a, err := parseArg(w)
		if err != nil {
			return "", nil, err
		}
		args = append(args, a)
	}
	return cmd, args, nil
}

// splitWords splits at spaces and tabs outside double quotes and
// parentheses.
func splitWords(line string) ([]string, error) {
	var (
		words   []string
		cur     strings.Builder
		depth   int
		inQuote bool
	)
	for i := 0; i < len(line); i++ {
		ch := line[i]
		switch {
		case inQuote:
			cur.WriteByte(ch)
			if ch == '\\' && i+1 < len(line) {
				i++
				cur.WriteByte(line[i])
			} else if ch == '"' {
				inQuote = false
			}
		case ch == '"':
			inQuote = true
			cur.WriteByte(ch)
		case ch == '(':
			depth++
			cur.WriteByte(ch)
		case ch == ')':
			if depth == 0 {
				return nil, fmt.Errorf("unbalanced ) in %q", line)
			}
			depth--
			cur.WriteByte(ch)
		case (ch == ' ' || ch == '\t') && depth == 0:
			if cur.Len() > 0 {
				words = append(words, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteByte(ch)
		}
	}
	if inQuote {
		return nil, fmt.Errorf("unterminated quote in %q", line)
	}
	if depth > 0 {
		return nil, fmt.Errorf("unbalanced ( in %q", line)
	}
	if cur.Len() > 0 {
		words = append(words, cur.String())
	}
	return words, nil
}

// parseArg parses key, key=val, key="val" or key=(a, "b", c).
func parseArg(word string) (Arg, error) {
	key, val, hasVal := strings.Cut(word, "=")
	if key == "" || strings.ContainsAny(key, "()\"") {
		return Arg{}, fmt.Errorf("argument %q has no key", word)
	}
	if !hasVal {
		return Arg{Key: key}, nil
	}
	if !strings.HasPrefix(val, "(") {
		v, err := unquote(val)
		if err != nil {
			return Arg{}, fmt.Errorf("argument %q: %w", word, err)
		}
		return Arg{Key: key, Vals: []string{v}}, nil
	}
	if !strings.HasSuffix(val, ")") {
		return Arg{Key: key}, fmt.Errorf("argument %q: text after )", word)
	}
	inner := val[1 : len(val)-1]
	vals := []string{}
	if strings.TrimSpace(inner) == "" {
		return Arg{Key: key, Vals: vals}, nil
	}
	for _, part := range splitList(inner) {
		v, err := unquote(strings.TrimSpace(part))
		if err != nil {
			return Arg{}, fmt.Errorf("argument %q: %w", word, err)
		}
		vals = append(vals, v)
	}
	return Arg{Key: key, Vals: vals}, nil
}

// splitList splits at commas outside double quotes.
func splitList(s string) []string {
	var (
		parts   []string
		start   int
		inQuote bool
	)
	for i := 0; i < len(s); i++ {
		switch {
		case inQuote && s[i] == '\\':
			i++
		case s[i] == '"':
			inQuote = !inQuote
		case s[i] == ',' && !inQuote:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// unquote removes Go-style double quotes from v when it has them.
func unquote(v string) (string, error) {
	if !strings.HasPrefix(v, `"`) {
		if strings.Contains(v, `"`) {
			return "", fmt.Errorf("stray quote in %q", v)
		}
		return v, nil
	}
	u, err := strconv.Unquote(v)
	if err != nil {
		return "", fmt.Errorf("bad quoted value %s: %w", v, err)
	}
	return u, nil
}
