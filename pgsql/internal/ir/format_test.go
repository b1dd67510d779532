package ir

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Ensure identifiers are quoted exactly when a bare form would change them.
func TestIdent_Quoting(t *testing.T) {
	tests := []struct{ in, want string }{
		{"users", "users"},
		{"deleted_at", "deleted_at"},
		{"a$1", "a$1"},
		{"Users", `"Users"`},
		{"1abc", `"1abc"`},
		{"has space", `"has space"`},
		{`q"uote`, `"q""uote"`},
		{"", `""`},
		{"user", `"user"`},
		{"left", `"left"`},
		{"time", "time"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			assert.Equal(t, tc.want, Ident(tc.in))
		})
	}
}

// Ensure enum String prints unknown values with their type and number.
func TestEnum_String_Unknown(t *testing.T) {
	assert.Equal(t, "CASCADE", Cascade.String())
	assert.Equal(t, "RefAction(42)", RefAction(42).String())
	assert.Equal(t, "JoinKind(-1)", JoinKind(-1).String())
}

// Ensure the canonical form of hand-built nodes is as documented.
func TestString_Canonical(t *testing.T) {
	tests := []struct {
		name string
		node interface{ String() string }
		want string
	}{
		{"type with mods", TypeName{Name: "numeric", Mods: []int64{10, 2}}, "numeric(10, 2)"},
		{"array type", TypeName{Name: "int4", ArrayDims: 1}, "int4[]"},
		{"interval fields", TypeName{Name: "interval", Mods: []int64{intervalDay | intervalHour | intervalMinute | intervalSecond, 3}}, "interval day to second(3)"},
		{"interval precision", TypeName{Name: "interval", Mods: []int64{intervalFullRange, 2}}, "interval(2)"},
		{"string const", &Const{Kind: ConstString, Value: "it's"}, "'it''s'"},
		{"bits const", &Const{Kind: ConstBits, Value: "x1F"}, "X'1F'"},
		{"star", &ColumnRef{Table: "users", Star: true}, "users.*"},
		{"count star", &Func{Name: "count", Star: true}, "count(*)"},
		{"quantified", &Quantified{Left: &ColumnRef{Column: "x"}, Op: "=", Quant: Any, Array: &Param{Number: 1}}, "(x = ANY ($1))"},
		{"drop", &Drop{Kind: ObjectTable, Names: []QualName{{Schema: "public", Name: "T"}}, IfExists: true, Cascade: true}, `DROP TABLE IF EXISTS public."T" CASCADE`},
		{"comment null", &CommentOn{Kind: ObjectColumn, Object: QualName{Name: "t"}, Column: "c", Null: true}, "COMMENT ON COLUMN t.c IS NULL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.node.String())
		})
	}
}
