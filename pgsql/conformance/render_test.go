package conformance

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Ensure every value prints so that NULL, the empty string, the text NULL
// and blanks at the ends stay distinct after the scenario format trims lines.
func TestRenderValue(t *testing.T) {
	tests := []struct {
		in   Value
		want string
	}{
		{Null, "NULL"},
		{Text("NULL"), `"NULL"`},
		{Text(""), `""`},
		{Text("Le Guin"), "Le Guin"},
		{Text("ab   "), `"ab   "`},
		{Text(" x"), `" x"`},
		{Text("a|b"), `"a|b"`},
		{Text("two\nlines"), `"two\nlines"`},
		{Text(`"quoted"`), `"\"quoted\""`},
		{Text(`say "hi"`), `say "hi"`},
		{Text(`\x0102`), `\x0102`},
		{Text(`{"a": 1}`), `{"a": 1}`},
		{Text("Ægir"), "Ægir"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, renderValue(tc.in), "%#v", tc.in)
	}
}

// Ensure a row without columns still prints a non-blank line.
func TestRenderRow_NoColumns(t *testing.T) {
	assert.Equal(t, "()", renderRow(nil))
	assert.Equal(t, "1|NULL|\"\"", renderRow([]Value{Text("1"), Null, Text("")}))
}
