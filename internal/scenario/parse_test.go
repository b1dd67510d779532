package scenario

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Ensure command lines split into the command and bare, single-valued,
// quoted and list arguments.
func TestParse_Args(t *testing.T) {
	tests := []struct {
		line string
		cmd  string
		args []Arg
	}{
		{"exec", "exec", nil},
		{"  exec\tpg  ", "exec", []Arg{{Key: "pg"}}},
		{
			`insert table=books rows=(1, 2,3) none=() name="a b" list=("x, y", "q\"", z) flag`,
			"insert",
			[]Arg{
				{Key: "table", Vals: []string{"books"}},
				{Key: "rows", Vals: []string{"1", "2", "3"}},
				{Key: "none", Vals: []string{}},
				{Key: "name", Vals: []string{"a b"}},
				{Key: "list", Vals: []string{"x, y", `q"`, "z"}},
				{Key: "flag"},
			},
		},
		{"cmd k=", "cmd", []Arg{{Key: "k", Vals: []string{""}}}},
	}
	for _, tc := range tests {
		t.Run(tc.line, func(t *testing.T) {
			cmd, args, err := parseCommand(tc.line)
			require.NoError(t, err)
			assert.Equal(t, tc.cmd, cmd)
			assert.Equal(t, tc.args, args)
		})
	}
}

// Ensure Arg.String writes what parseArg reads back.
func TestArg_String(t *testing.T) {
	for _, a := range []Arg{
		{Key: "k"},
		{Key: "k", Vals: []string{"v"}},
		{Key: "k", Vals: []string{}},
		{Key: "k", Vals: []string{"a b", "c", ""}},
		{Key: "k", Vals: []string{`q"(,)`}},
	} {
		back, err := parseArg(a.String())
		require.NoError(t, err, a.String())
		assert.Equal(t, a, back, a.String())
	}
}

// Ensure malformed command lines are syntax errors.
func TestParse_Args_Errors(t *testing.T) {
	for _, line := range []string{
		"cmd a=(x",
		"cmd a=x)",
		`cmd a="x`,
		"cmd =x",
		`cmd a=x"y`,
		"cmd a=(x)y",
		`cmd a=("\z")`,
		"k=v",
	} {
		_, _, err := parseCommand(line)
		assert.Error(t, err, line)
	}
}

// Ensure blocks split as in datadriven: comments and blank lines between
// cases, blank lines allowed in input, single-form output ending at a blank
// line or the end of the file, double-form output holding blank lines.
func TestParse_Blocks(t *testing.T) {
	const data = "" +
		"# leading comment\n" + // 1
		"\n" + // 2
		"first a=1\n" + // 3
		"in 1\n" + // 4
		"\n" + // 5
		"in 3\n" + // 6
		"----\n" + // 7
		"out 1\n" + // 8
		"out 2  \n" + // 9
		"\n" + // 10
		"  # indented comment\n" + // 11
		"second\n" + // 12
		"----\n" + // 13
		"\n" + // 14
		"third\n" + // 15
		"----\n" + // 16
		"----\n" + // 17
		"para 1\n" + // 18
		"\n" + // 19
		"para 2\n" + // 20
		"----\n" + // 21
		"----\n" + // 22
		"fourth\n" + // 23
		"----\n" + // 24
		"----\n" + // 25
		"----\n" + // 26
		"----\n" + // 27
		"last\n" + // 28
		"# not a comment inside input\n" + // 29
		"----\n" + // 30
		"tail without newline" // 31
	cases, err := Parse("x.txt", []byte(data))
	require.NoError(t, err)
	for _, c := range cases {
		c.expStart, c.expEnd = 0, 0 // compared separately by the rewrite tests
	}
	assert.Equal(t, []*Case{
		{File: "x.txt", Line: 3, Cmd: "first", Args: []Arg{{Key: "a", Vals: []string{"1"}}}, Input: "in 1\n\nin 3", Expected: "out 1\nout 2  \n"},
		{File: "x.txt", Line: 12, Cmd: "second"},
		{File: "x.txt", Line: 15, Cmd: "third", Expected: "para 1\n\npara 2\n"},
		{File: "x.txt", Line: 23, Cmd: "fourth"},
		{File: "x.txt", Line: 28, Cmd: "last", Input: "# not a comment inside input", Expected: "tail without newline\n"},
	}, cases)
	assert.Equal(t, "x.txt:28", cases[4].Pos())
}

// Ensure malformed files fail with ErrSyntax naming file:line.
func TestParse_Errors(t *testing.T) {
	tests := []struct {
		name, data, pos string
	}{
		{"no separator", "# c\ncmd\ninput\n", "f.txt:2:"},
		{"unclosed double", "cmd\n----\n----\nout\n----\n", "f.txt:3:"},
		{"bad argument", "\ncmd a=(x\n----\n", "f.txt:2:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("f.txt", []byte(tc.data))
			require.ErrorIs(t, err, ErrSyntax)
			assert.Contains(t, err.Error(), tc.pos)
		})
	}
}

// Ensure an empty or comment-only file has no cases.
func TestParse_Empty(t *testing.T) {
	for _, data := range []string{"", "\n", "# only\n\n"} {
		cases, err := Parse("f.txt", []byte(data))
		require.NoError(t, err)
		assert.Empty(t, cases)
	}
}

// Ensure a case's argument lookups find the first argument of a name.
func TestCase_Arg(t *testing.T) {
	c := &Case{Args: []Arg{{Key: "a", Vals: []string{"1"}}, {Key: "a", Vals: []string{"2"}}, {Key: "b"}}}
	a, ok := c.Arg("a")
	assert.True(t, ok)
	assert.Equal(t, []string{"1"}, a.Vals)
	assert.True(t, c.HasArg("b"))
	assert.False(t, c.HasArg("c"))
}
