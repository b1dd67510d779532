package pgsql

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// jsonInputs are tricky inputs with the SQLSTATE PostgreSQL 15's json
// and jsonb inputs give them ("" for accepted), recorded with psql.
var jsonInputs = []struct{ in, json, jsonb string }{
	{"01", "22P02", "22P02"}, {"-0", "", ""}, {"1.", "22P02", "22P02"}, {".1", "22P02", "22P02"},
	{"1e", "22P02", "22P02"}, {"1e+", "22P02", "22P02"}, {"1E-5", "", ""}, {"-", "22P02", "22P02"},
	{"+1", "22P02", "22P02"}, {"tru", "22P02", "22P02"}, {"true", "", ""}, {"nulls", "22P02", "22P02"},
	{"[1,]", "22P02", "22P02"}, {"{}", "", ""}, {"[]", "", ""}, {`{"a":1,}`, "22P02", "22P02"},
	{`"\u00"`, "22P02", "22P02"}, {`"\u0000"`, "", "22P05"}, {`"\ud800"`, "", "22P02"}, {`"\/"`, "", ""},
	{`"\'"`, "22P02", "22P02"}, {" 1 ", "", ""}, {"1 2", "22P02", "22P02"}, {"[", "22P02", "22P02"},
	{"]", "22P02", "22P02"}, {`{"a"}`, "22P02", "22P02"}, {"NaN", "22P02", "22P02"}, {"Infinity", "22P02", "22P02"},
	{"0x10", "22P02", "22P02"}, {"1_000", "22P02", "22P02"}, {"[1e400]", "", ""}, {`"é"`, "", ""},
	{"[[[]]]", "", ""}, {`{"a":{"b":{}}}`, "", ""}, {"-1.5E+10", "", ""}, {`"\uD83D\uDE00"`, "", ""},
	{"\f1", "22P02", "22P02"}, {"\"\x7f\"", "", ""}, {`{"a":1 "b":2}`, "22P02", "22P02"}, {"[1 2]", "22P02", "22P02"},
	{"{1:2}", "22P02", "22P02"}, {`"\u00zz"`, "22P02", "22P02"}, {"-01.5", "22P02", "22P02"}, {"0.0e0", "", ""},
	{"1e0001", "", ""}, {`{"":""}`, "", ""}, {"[true,false,null]", "", ""}, {`"a\"`, "22P02", "22P02"},
	{"", "22P02", "22P02"}, {"\"a\tb\"", "22P02", "22P02"},
}

// Ensure json and jsonb accept exactly what PostgreSQL's accept, with its
// SQLSTATEs.
func TestParseJSON_Corpus(t *testing.T) {
	for _, c := range jsonInputs {
		for _, jsonb := range []bool{false, true} {
			want := c.json
			if jsonb {
				want = c.jsonb
			}
			_, err := parseJSON(c.in, jsonb)
			assert.Equal(t, want, pgerr.Code(err), "%q jsonb=%v: %v", c.in, jsonb, err)
		}
	}
}

// Ensure jsonb prints its normalized form as PostgreSQL does.
func TestParseJSON_JSONBOutput(t *testing.T) {
	for in, want := range map[string]string{
		`{"b": 1, "a": [1, 2, {"c": null}]}`:        `{"a": [1, 2, {"c": null}], "b": 1}`,
		`{"a":1,   "a":2}`:                          `{"a": 2}`,
		`{"b":1,"aa":2,"a":3,"c":{"z":1,"y":[]}}`:   `{"a": 3, "b": 1, "c": {"y": [], "z": 1}, "aa": 2}`,
		`[1e2, -0, 0.10, 1E-2, 1.50e1, 0e10, -0.0]`: `[100, 0, 0.10, 0.01, 15.0, 0, 0.0]`,
		`"\u00e9\n\t\u001f\/\""`:                    `"é\n\t\u001f/\""`,
		`"\ud83d\ude00"`:                            `"😀"`,
		` 3.10 `:                                    `3.10`,
		`{}`:                                        `{}`,
	} {
		v, err := parseJSONText(typJSONB, in)
		require.NoError(t, err, in)
		assert.Equal(t, jsonbText(want), v, in)
	}
}

// Ensure jsonb's order is PostgreSQL's btree order (keys of equal-sized
// objects compare as text, not in jsonb's key order).
func TestCompareJSONB(t *testing.T) {
	ascending := []string{`[]`, `null`, `""`, `"a"`, `"b"`, `-1`, `1`, `1.5`, `false`, `true`, `[1]`, `[2]`, `[1, 1]`, `{}`, `{"aa": 1}`, `{"b": 1}`, `{"a": 1, "b": 0}`}
	for i, a := range ascending {
		for j, b := range ascending {
			got := compareJSONBValues(jsonbText(a), jsonbText(b))
			assert.Equal(t, sign(i-j), got, "%s vs %s", a, b)
		}
	}
	assert.Zero(t, compareJSONBValues(jsonbText(`1.0`), jsonbText(`1`)))
	assert.Equal(t, jsonbKey(jsonbText(`{"a": [1.00]}`)), jsonbKey(jsonbText(`{"a": [1]}`)))
}

// FuzzParseJSON: the parser never panics; json accepts what
// encoding/json accepts (the same RFC 8259 grammar) on valid UTF-8;
// jsonb accepts no more than json; and jsonb's output parses back to
// itself, an equal value.
func FuzzParseJSON(f *testing.F) {
	for _, c := range jsonInputs {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, jerr := parseJSON(s, false)
		if utf8.ValidString(s) && (jerr == nil) != json.Valid([]byte(s)) {
			t.Fatalf("%q: json error %v, encoding/json valid %v", s, jerr, json.Valid([]byte(s)))
		}
		v, err := parseJSON(s, true)
		if err != nil {
			return
		}
		if jerr != nil {
			t.Fatalf("%q: jsonb accepts what json refuses: %v", s, jerr)
		}
		out := jsonbOf(v)
		again, err := parseJSON(string(out), true)
		if err != nil {
			t.Fatalf("%q: output %q does not parse: %v", s, out, err)
		}
		if jsonbOf(again) != out || compareJSONB(v, again, true) != 0 {
			t.Fatalf("%q: output %q reads back as %q", s, out, jsonbOf(again))
		}
	})
}
