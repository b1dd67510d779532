package pgwire

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/pgsql"
)

// readLines runs a lineReader over chunks, then the end of the data, and
// returns the lines, "<marker>" after the end marker, or the error code.
func readLines(t *testing.T, r *lineReader, chunks ...string) []string {
	t.Helper()
	var out []string
	feed := func(b []byte, eof bool) bool {
		r.buf = append(r.buf, b...)
		for {
			line, marker, more, err := r.next(eof)
			if err != nil {
				out = append(out, "ERROR "+err.(*pgsql.Error).Message)
				return false
			}
			if more {
				return true
			}
			out = append(out, string(line))
			if marker {
				out = append(out, "<marker>")
				return false
			}
		}
	}
	for _, c := range chunks {
		if !feed([]byte(c), false /* eof */) {
			return out
		}
	}
	feed(nil, true /* eof */)
	return out
}

// Ensure lines end at unquoted line ends of the first line's kind, quoted
// CSV fields keep theirs, "\." alone ends the data, and chunk boundaries
// change nothing.
func TestLineReader_Next(t *testing.T) {
	tests := []struct {
		name   string
		csv    bool
		chunks []string
		want   []string
	}{
		{"text lines", false, []string{"a\tb\nc\td\n"}, []string{"a\tb", "c\td"}},
		{"text last line without newline", false, []string{"a\nb"}, []string{"a", "b"}},
		{"text escaped newline stays", false, []string{"a\\\nb\nc\n"}, []string{"a\\\nb", "c"}},
		{"text marker", false, []string{"a\n\\.\nignored\n"}, []string{"a", "", "<marker>"}},
		{"text data before marker", false, []string{"a\\.\n"}, []string{"a", "<marker>"}},
		{"text escaped backslash before dot", false, []string{"a\\\\.\n"}, []string{"a\\\\."}},
		{"text marker corrupt", false, []string{"a\n\\.x\n"}, []string{"a", "ERROR end-of-copy marker corrupt"}},
		{"text crlf", false, []string{"a\r\nb\r\n"}, []string{"a", "b"}},
		{"text cr", false, []string{"a\rb\r"}, []string{"a", "b"}},
		{"text lf after crlf", false, []string{"a\r\nb\n"}, []string{"a", "ERROR literal newline found in data"}},
		{"text cr after lf", false, []string{"a\nb\rc\n"}, []string{"a", "ERROR literal carriage return found in data"}},
		{"text crlf split between chunks", false, []string{"a\r", "\nb\r\n"}, []string{"a", "b"}},
		{"text marker split between chunks", false, []string{"a\n\\", ".", "\n"}, []string{"a", "", "<marker>"}},
		{"csv quoted newline", true, []string{"1,\"a\nb\"\n2,c\n"}, []string{"1,\"a\nb\"", "2,c"}},
		{"csv doubled quote", true, []string{"1,\"a\"\"\nb\"\n"}, []string{"1,\"a\"\"\nb\""}},
		{"csv quote split between chunks", true, []string{"1,\"a", "\nb\"\n"}, []string{"1,\"a\nb\""}},
		{"csv marker alone", true, []string{"1\n\\.\n2\n"}, []string{"1", "", "<marker>"}},
		{"csv marker not first", true, []string{"1,\\.\n"}, []string{"1,\\."}},
		{"csv marker with more is data", true, []string{"\\.x\n"}, []string{"\\.x"}},
		{"csv marker at eof without newline is data", true, []string{"\\."}, []string{"\\."}},
		{"csv quoted marker is data", true, []string{"\"\\.\"\n"}, []string{"\"\\.\""}},
		{"csv unterminated quote runs to the end", true, []string{"1,\"a\n2\n"}, []string{"1,\"a\n2\n"}},
		{"csv cr after lf", true, []string{"a\nb\rc\n"}, []string{"a", "ERROR unquoted carriage return found in data"}},
		{"csv quoted cr after lf", true, []string{"a\n\"b\rc\"\n"}, []string{"a", "\"b\rc\""}},
		{"csv marker crlf", true, []string{"a\r\n\\.\r\n"}, []string{"a", "", "<marker>"}},
		{"csv marker of the wrong newline", true, []string{"a\r\n\\.\n"}, []string{"a", "\\.\n"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &lineReader{csv: tc.csv, quote: '"', escape: '"'}
			assert.Equal(t, tc.want, readLines(t, r, tc.chunks...))
		})
	}
}

// Ensure CSV fields split at unquoted delimiters, quotes and escapes are
// undone, and only an unquoted NULL string is NULL.
func TestSplitCSV(t *testing.T) {
	n := func() copyField { return copyField{null: true} }
	v := func(s string) copyField { return copyField{value: s} }
	qv := func(s string) copyField { return copyField{value: s, quoted: true} }
	tests := []struct {
		line          string
		delim, escape byte
		null          string
		want          []copyField
		wantErr       string
	}{
		{"a,b", ',', '"', "", []copyField{v("a"), v("b")}, ""},
		{",\"\"", ',', '"', "", []copyField{n(), qv("")}, ""},
		{"", ',', '"', "", []copyField{n()}, ""},
		{"a,", ',', '"', "", []copyField{v("a"), n()}, ""},
		{"\"a,b\",\"say \"\"hi\"\"\"", ',', '"', "", []copyField{qv("a,b"), qv(`say "hi"`)}, ""},
		{"x\"y,z\"w", ',', '"', "", []copyField{qv("xy,zw")}, ""},
		{" a , b ", ',', '"', "", []copyField{v(" a "), v(" b ")}, ""},
		{"NULL;\"NULL\";null", ';', '"', "NULL", []copyField{n(), qv("NULL"), v("null")}, ""},
		{`"a\"b\\c\d"`, ',', '\\', "", []copyField{qv(`a"b\c\d`)}, ""},
		{`a\"b`, ',', '\\', "", nil, "unterminated CSV quoted field"},
		{"\"open", ',', '"', "", nil, "unterminated CSV quoted field"},
		{"\"multi\nline\"", ',', '"', "", []copyField{qv("multi\nline")}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.line, func(t *testing.T) {
			got, err := splitCSV([]byte(tc.line), tc.delim, '"', tc.escape, tc.null)
			if tc.wantErr != "" {
				var pe *pgsql.Error
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, "22P04", pe.Code)
				assert.Equal(t, tc.wantErr, pe.Message)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

// Ensure text fields split at unescaped delimiters, backslash escapes
// (letters, octal, hex, any other character) are undone, and the NULL
// string is compared before unescaping.
func TestSplitText(t *testing.T) {
	n := copyField{null: true}
	v := func(s string) copyField { return copyField{value: s} }
	tests := []struct {
		line  string
		delim byte
		null  string
		want  []copyField
	}{
		{"a\tb", '\t', `\N`, []copyField{v("a"), v("b")}},
		{`\N` + "\t" + `\\N`, '\t', `\N`, []copyField{n, v(`\N`)}},
		{`\b\f\n\r\t\v\q`, '\t', `\N`, []copyField{v("\b\f\n\r\t\vq")}},
		{`\101\0\7777\x41\x4a2\xg`, '\t', `\N`, []copyField{v("A\x00\xff7AJ2xg")}},
		{`a\|b|`, '|', "", []copyField{v("a|b"), n}},
		{"a\\", '\t', `\N`, []copyField{v("a")}},
		{"", '\t', "", []copyField{n}},
	}
	for _, tc := range tests {
		t.Run(tc.line, func(t *testing.T) {
			assert.Equal(t, tc.want, splitText([]byte(tc.line), tc.delim, tc.null))
		})
	}
}

// Ensure values are written as PostgreSQL writes them: CSV quoted only
// when needed (or forced), text with backslash escapes.
func TestAppendCSVAndText(t *testing.T) {
	csv := &copyOptions{kind: copyCSV, delim: ',', quote: '"', escape: '"'}
	semi := &copyOptions{kind: copyCSV, delim: ';', quote: '\'', escape: '\\', null: "N"}
	tests := []struct {
		o      *copyOptions
		s      string
		force  bool
		single bool
		want   string
	}{
		{csv, "plain", false, false, "plain"},
		{csv, "", false, false, `""`},
		{csv, "a,b", false, false, `"a,b"`},
		{csv, `say "hi"`, false, false, `"say ""hi"""`},
		{csv, "two\nlines", false, false, "\"two\nlines\""},
		{csv, "cr\r", false, false, "\"cr\r\""},
		{csv, `\.`, false, false, `\.`},
		{csv, `\.`, false, true, `"\."`},
		{csv, "x", true, false, `"x"`},
		{semi, "N", false, false, `'N'`},
		{semi, "", false, false, ``},
		{semi, `it's \ here`, false, false, `'it\'s \\ here'`},
		{semi, "a,b", false, false, `a,b`},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, string(appendCSV(nil, tc.s, tc.o, tc.force, tc.single)), "%q", tc.s)
	}
	assert.Equal(t, `a\\b\tc\nd\re\bf\fg\vh\|i`+"\x01", string(appendText(nil, "a\\b\tc\nd\re\bf\fg\vh|i\x01", '|')))
	assert.Equal(t, `a\tb`+"\\\x01", string(appendText(nil, "a\tb\x01", 1)))
}

// Ensure COPY's options read as PostgreSQL reads them, in the list and
// the older keyword syntax, and PostgreSQL's errors for bad ones.
func TestParseCopyOptions(t *testing.T) {
	tests := []struct {
		text    string
		from    bool
		want    copyOptions
		wantErr string // SQLSTATE
	}{
		{"", true, copyOptions{kind: copyText, delim: '\t', null: `\N`}, ""},
		{"WITH (FORMAT csv)", true, copyOptions{kind: copyCSV, delim: ',', quote: '"', escape: '"'}, ""},
		{"(format 'csv', header match, delimiter ';', null 'x', quote '''', escape '\\', force_not_null (a, \"B\"), force_null (c))", true,
			copyOptions{kind: copyCSV, header: headerMatch, delim: ';', null: "x", quote: '\'', escape: '\\', forceNotNull: []string{"a", "B"}, forceNull: []string{"c"}}, ""},
		{"WITH CSV HEADER", true, copyOptions{kind: copyCSV, header: headerSkip, delim: ',', quote: '"', escape: '"'}, ""},
		{"csv force quote *", false, copyOptions{kind: copyCSV, delim: ',', quote: '"', escape: '"', forceQuoteAll: true}, ""},
		{"CSV FORCE NOT NULL a, b DELIMITER AS '|' NULL AS ''", true, copyOptions{kind: copyCSV, delim: '|', quote: '"', escape: '"', forceNotNull: []string{"a", "b"}}, ""},
		{"(FORMAT csv, HEADER false)", false, copyOptions{kind: copyCSV, delim: ',', quote: '"', escape: '"'}, ""},
		{"binary", true, copyOptions{kind: copyBinary, delim: '\t', null: `\N`}, ""},
		{"(format binary, freeze)", true, copyOptions{kind: copyBinary, delim: '\t', null: `\N`}, ""},
		{"(delimiter E'\\x01')", false, copyOptions{kind: copyText, delim: 1, null: `\N`}, ""},
		{"(format json)", true, copyOptions{}, "22023"},
		{"(header, header)", true, copyOptions{}, "42601"},
		{"(format csv, delimiter '')", true, copyOptions{}, "0A000"},
		{"(format csv, header match)", false, copyOptions{}, "0A000"},
		{"(format csv, force_quote (a))", true, copyOptions{}, "0A000"},
		{"(quote '\"')", true, copyOptions{}, "0A000"},
		{"(nonsense)", true, copyOptions{}, "42601"},
		{"(format csv", true, copyOptions{}, "42601"},
		{"csv quote", true, copyOptions{}, "42601"},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			got, err := parseCopyOptions(tc.text, tc.from)
			if tc.wantErr != "" {
				var pe *pgsql.Error
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, tc.wantErr, pe.Code, pe.Message)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, *got)
		})
	}
}

// fuzzOptions picks valid COPY options from b: in text format only with
// the NULL string \N, as another one is a value too (text format does not
// quote, so with NULL as the empty string COPY TO writes an empty value
// and NULL alike).
func fuzzOptions(b byte) *copyOptions {
	if b&1 == 0 {
		return &copyOptions{kind: copyText, delim: []byte{'\t', '|', ','}[int(b>>1)%3], null: `\N`}
	}
	quote := []byte{'"', '\''}[int(b>>1)%2]
	escape := []byte{quote, '\\'}[int(b>>2)%2]
	return &copyOptions{kind: copyCSV, delim: []byte{',', ';', '\t'}[int(b>>3)%3], null: []string{"", `\N`, "NULL"}[int(b>>5)%3], quote: quote, escape: escape}
}

// FuzzCopyRoundTrip checks that rows written in COPY's text or CSV format
// by appendText or appendCSV read back, through lineReader split at any
// point and splitText or splitCSV, as the same values and NULLs.
func FuzzCopyRoundTrip(f *testing.F) {
	f.Add(byte(1), uint16(3), byte(0), []byte("a\x00b,c\x00say \"hi\"\x00x\ny\x00\\.\x00"))
	f.Add(byte(0), uint16(1), byte(2), []byte("\\N\x00tab\there\x00\r\n\x00\\.\x00"))
	f.Add(byte(3), uint16(0), byte(5), []byte("'\x00\\\x00\x00NULL"))
	f.Fuzz(func(t *testing.T, opt byte, split uint16, nulls byte, data []byte) {
		o := fuzzOptions(opt)
		values := bytes.Split(data, []byte{0})
		width := 1 + int(nulls>>5)%3
		var rows [][]*string
		var row []*string
		for i, v := range values {
			s := string(v)
			p := &s
			if nulls&(1<<(i%5)) != 0 {
				p = nil
			}
			row = append(row, p)
			if len(row) == width {
				rows = append(rows, row)
				row = nil
			}
		}
		var enc []byte
		for _, row := range rows {
			for i, v := range row {
				if i > 0 {
					enc = append(enc, o.delim)
				}
				switch {
				case v == nil:
					enc = append(enc, o.null...)
				case o.kind == copyCSV:
					enc = appendCSV(enc, *v, o, false /* force */, width == 1)
				default:
					enc = appendText(enc, *v, o.delim)
				}
			}
			enc = append(enc, '\n')
		}
		cut := int(split) % (len(enc) + 1)
		r := &lineReader{csv: o.kind == copyCSV, quote: o.quote, escape: o.escape}
		var got [][]*string
		feed := func(b []byte, eof bool) {
			r.buf = append(r.buf, b...)
			for {
				line, marker, more, err := r.next(eof)
				require.NoError(t, err)
				require.False(t, marker, "no row reads as the end marker")
				if more {
					return
				}
				var fields []copyField
				if o.kind == copyCSV {
					fields, err = splitCSV(line, o.delim, o.quote, o.escape, o.null)
					require.NoError(t, err)
				} else {
					fields = splitText(line, o.delim, o.null)
				}
				var row []*string
				for _, f := range fields {
					if f.null {
						row = append(row, nil)
					} else {
						v := f.value
						row = append(row, &v)
					}
				}
				got = append(got, row)
			}
		}
		feed(enc[:cut], false /* eof */)
		feed(enc[cut:], true /* eof */)
		require.Equal(t, rows, got, "encoded as %q", enc)
	})
}
