package scenario

import (
	"fmt"
	"strconv"
	"strings"
)

// Case is one command of a scenario file, with its input and the output the
// file expects.
type Case struct {
	// File is the path the case was read from, as given to the runner.
	File string
	// Line is the 1-based line of the command.
	Line int
	// Cmd is the first word of the command line.
	Cmd string
	// Args are the other words of the command line, in order.
	Args []Arg
	// Input is the text between the command line and the ---- separator,
	// lines joined by "\n", without a final newline.
	Input string
	// Expected is the output the file records, each line ending in "\n";
	// "" when there is none.
	Expected string

	// expStart and expEnd delimit, as 0-based line indices [expStart,
	// expEnd), the lines after the first separator that hold the expected
	// output, double separators included; rewriting replaces them.
	expStart, expEnd int
}

// Arg is one argument of a command line: a bare key (Vals nil), key=val
// (one value) or key=(a,b) (any number of values, possibly none).
type Arg struct {
	Key  string
	Vals []string
}

// Pos returns the case's position as file:line.
func (c *Case) Pos() string {
	return fmt.Sprintf("%s:%d", c.File, c.Line)
}

// Arg returns the first argument named key.
func (c *Case) Arg(key string) (Arg, bool) {
	for _, a := range c.Args {
		if a.Key == key {
			return a, true
		}
	}
	return Arg{}, false
}

// HasArg reports whether the command line has an argument named key.
func (c *Case) HasArg(key string) bool {
	_, ok := c.Arg(key)
	return ok
}

// String returns the argument as it could be written on a command line.
func (a Arg) String() string {
	switch {
	case a.Vals == nil:
		return a.Key
	case len(a.Vals) == 1:
		return a.Key + "=" + quoteVal(a.Vals[0])
	default:
		vals := make([]string, len(a.Vals))
		for i, v := range a.Vals {
			vals[i] = quoteVal(v)
		}
		return a.Key + "=(" + strings.Join(vals, ", ") + ")"
	}
}

// quoteVal quotes a value that would not read back as itself bare.
func quoteVal(v string) string {
	if v == "" || strings.ContainsAny(v, " \t\"(),=") {
		return strconv.Quote(v)
	}
	return v
}
