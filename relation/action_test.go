package relation

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestAction_String ensures each action prints as SQL writes it and an
// unknown one as Action(n).
func TestAction_String(t *testing.T) {
	tests := []struct {
		action Action
		want   string
	}{
		{NoAction, "NO ACTION"},
		{Restrict, "RESTRICT"},
		{Cascade, "CASCADE"},
		{SetNull, "SET NULL"},
		{SetDefault, "SET DEFAULT"},
		{Action(5), "Action(5)"},
		{Action(255), "Action(255)"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.action.String())
			assert.Equal(t, tc.want, fmt.Sprint(tc.action), "fmt uses String")
		})
	}
}

// TestAction_Valid ensures exactly the five actions are valid.
func TestAction_Valid(t *testing.T) {
	for _, a := range []Action{NoAction, Restrict, Cascade, SetNull, SetDefault} {
		assert.True(t, a.Valid(), "%v", a)
	}
	for _, a := range []Action{Action(5), Action(6), Action(255)} {
		assert.False(t, a.Valid(), "%v", a)
	}
}

// TestMatch_String ensures each match kind prints as SQL writes it and an
// unknown one as Match(n).
func TestMatch_String(t *testing.T) {
	tests := []struct {
		match Match
		want  string
	}{
		{MatchSimple, "SIMPLE"},
		{MatchFull, "FULL"},
		{Match(2), "Match(2)"},
		{Match(255), "Match(255)"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.match.String())
			assert.Equal(t, tc.want, fmt.Sprint(tc.match), "fmt uses String")
		})
	}
}

// TestAction_ZeroValue ensures the zero values are PostgreSQL's defaults:
// NO ACTION and MATCH SIMPLE.
func TestAction_ZeroValue(t *testing.T) {
	var fk FK
	assert.Equal(t, NoAction, fk.OnDelete)
	assert.Equal(t, NoAction, fk.OnUpdate)
	assert.Equal(t, MatchSimple, fk.Match)
}
