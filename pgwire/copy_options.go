package pgwire

import (
	"strings"
	"unicode"

	"github.com/reldb/reldb/pgsql"
)

// copyKind is COPY's data format.
type copyKind int

const (
	copyText copyKind = iota
	copyCSV
	copyBinary
)

// headerMode is COPY's HEADER option.
type headerMode int

const (
	headerNone  headerMode = iota
	headerSkip             // HEADER true: FROM skips the first line, TO writes the names
	headerMatch            // HEADER MATCH: FROM checks the first line names the columns
)

// copyOptions are a COPY statement's options, defaults filled in.
type copyOptions struct {
	kind   copyKind
	header headerMode
	delim  byte
	null   string
	quote  byte
	escape byte

	forceQuoteAll bool
	forceQuote    []string // FORCE_QUOTE columns (COPY TO, CSV)
	forceNotNull  []string // FORCE_NOT_NULL columns (COPY FROM, CSV)
	forceNull     []string // FORCE_NULL columns (COPY FROM, CSV)
}

// copyToken is a token of COPY's option list.
type copyToken struct {
	text   string // lower-cased unless quoted
	quoted bool   // a "quoted identifier"
	str    bool   // a 'string'
	punct  bool   // ( ) , *
}

// tokenizeCopyOptions splits the text after FROM STDIN or TO STDOUT.
func tokenizeCopyOptions(s string) ([]copyToken, error) {
	var out []copyToken
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			i++
		case c == '(' || c == ')' || c == ',' || c == '*' || c == '=':
			out = append(out, copyToken{text: string(c), punct: true})
			i++
		case c == '\'' || (c == 'e' || c == 'E') && i+1 < len(s) && s[i+1] == '\'':
			escapes := c != '\''
			if escapes {
				i++
			}
			v, n, ok := scanQuoted(s[i:], '\'', escapes)
			if !ok {
				return nil, syntaxError("unterminated quoted string at or near " + quoteText(s[i:]))
			}
			out = append(out, copyToken{text: v, str: true})
			i += n
		case c == '"':
			v, n, ok := scanQuoted(s[i:], '"', false)
			if !ok {
				return nil, syntaxError("unterminated quoted identifier at or near " + quoteText(s[i:]))
			}
			out = append(out, copyToken{text: v, quoted: true})
			i += n
		default:
			j := i
			for j < len(s) && (s[j] >= 0x80 || s[j] == '_' || s[j] == '$' || s[j] == '.' || s[j] == '-' || s[j] == '+' ||
				unicode.IsLetter(rune(s[j])) || unicode.IsDigit(rune(s[j]))) {
				j++
			}
			if j == i {
				return nil, syntaxError("syntax error at or near " + quoteText(s[i:i+1]))
			}
			out = append(out, copyToken{text: strings.ToLower(s[i:j])})
			i = j
		}
	}
	return out, nil
}

// scanQuoted reads a literal opened by q at s[0], with doubled q inside
// and, in an escape string (E followed by the quote), backslash escapes;
// it returns the value and its length.
func scanQuoted(s string, q byte, escapes bool) (string, int, bool) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch {
		case s[i] == q && i+1 < len(s) && s[i+1] == q:
			b.WriteByte(q)
			i++
		case s[i] == q:
			return b.String(), i + 1, true
		case escapes && s[i] == '\\' && i+1 < len(s):
			i++
			switch s[i] {
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'x':
				v, n := 0, 0
				for ; n < 2 && i+1 < len(s) && isHex(s[i+1]); n++ {
					i++
					v = v*16 + hexVal(s[i])
				}
				if n == 0 {
					b.WriteByte('x')
				} else {
					b.WriteByte(byte(v))
				}
			case '0', '1', '2', '3', '4', '5', '6', '7':
				v := int(s[i] - '0')
				for n := 1; n < 3 && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '7'; n++ {
					i++
					v = v*8 + int(s[i]-'0')
				}
				b.WriteByte(byte(v))
			default:
				b.WriteByte(s[i])
			}
		default:
			b.WriteByte(s[i])
		}
	}
	return "", 0, false
}

func quoteText(s string) string {
	return `"` + s + `"`
}

func syntaxError(msg string) *pgsql.Error {
	return &pgsql.Error{Code: "42601", Message: msg}
}

// copyOptionSet records which options a statement gave, for PostgreSQL's
// checks of conflicts and of options that do not fit the format.
type copyOptionSet struct {
	format, freeze, delim, null, header, quote, escape, encoding bool
	forceQuote, forceNotNull, forceNull                          bool
}

// parseCopyOptions reads COPY's options: the list in parentheses,
// WITH (FORMAT csv, HEADER, ...), or the older keywords, [WITH] [BINARY]
// [DELIMITER [AS] 'c'] [NULL [AS] 'n'] [CSV [HEADER] [QUOTE [AS] 'q']
// [ESCAPE [AS] 'e'] [FORCE QUOTE cols | *] [FORCE NOT NULL cols]
// [FORCE NULL cols]], and checks them as PostgreSQL's ProcessCopyOptions
// does, with its messages. from is true for COPY FROM.
func parseCopyOptions(text string, from bool) (*copyOptions, error) {
	toks, err := tokenizeCopyOptions(text)
	if err != nil {
		return nil, err
	}
	if len(toks) > 0 && !toks[0].punct && !toks[0].str && !toks[0].quoted && toks[0].text == "with" {
		toks = toks[1:]
	}
	p := &copyOptParser{toks: toks, from: from}
	var o copyOptions
	var set copyOptionSet
	var delim, null, quote, escape *string
	if len(toks) > 0 && toks[0].punct && toks[0].text == "(" {
		err = p.list(&o, &set, &delim, &null, &quote, &escape)
	} else {
		err = p.legacy(&o, &set, &delim, &null, &quote, &escape)
	}
	if err != nil {
		return nil, err
	}
	return &o, o.check(&set, delim, null, quote, escape, from)
}

type copyOptParser struct {
	toks []copyToken
	pos  int
	from bool
}

func (p *copyOptParser) peek() (copyToken, bool) {
	if p.pos >= len(p.toks) {
		return copyToken{}, false
	}
	return p.toks[p.pos], true
}

func (p *copyOptParser) next() (copyToken, bool) {
	t, ok := p.peek()
	if ok {
		p.pos++
	}
	return t, ok
}

// keyword reports whether the next token is the unquoted word w, and
// takes it if so.
func (p *copyOptParser) keyword(w string) bool {
	t, ok := p.peek()
	if ok && !t.punct && !t.str && !t.quoted && t.text == w {
		p.pos++
		return true
	}
	return false
}

func (p *copyOptParser) punct(s string) bool {
	t, ok := p.peek()
	if ok && t.punct && t.text == s {
		p.pos++
		return true
	}
	return false
}

func (p *copyOptParser) syntaxError() *pgsql.Error {
	if t, ok := p.peek(); ok {
		return syntaxError("syntax error at or near " + quoteText(t.text))
	}
	return syntaxError("syntax error at end of input")
}

func conflicting() *pgsql.Error {
	return &pgsql.Error{Code: "42601", Message: "conflicting or redundant options"}
}

// list reads ( name [value] [, ...] ).
func (p *copyOptParser) list(o *copyOptions, set *copyOptionSet, delim, null, quote, escape **string) error {
	p.pos++ // (
	for {
		t, ok := p.next()
		if !ok || t.punct || t.str {
			p.pos--
			return p.syntaxError()
		}
		name := t.text
		var arg *copyToken
		var cols []string
		var star bool
		if v, ok := p.peek(); ok && !(v.punct && (v.text == "," || v.text == ")")) {
			switch {
			case v.punct && v.text == "(":
				p.pos++
				var err error
				if cols, err = p.columns(); err != nil {
					return err
				}
			case v.punct && v.text == "*":
				p.pos++
				star = true
			case v.punct:
				return p.syntaxError()
			default:
				p.pos++
				arg = &v
			}
		}
		if err := o.option(set, name, arg, cols, star, delim, null, quote, escape, p.from); err != nil {
			return err
		}
		if p.punct(")") {
			break
		}
		if !p.punct(",") {
			return p.syntaxError()
		}
	}
	if _, ok := p.peek(); ok {
		return p.syntaxError()
	}
	return nil
}

// columns reads a column list after its "(" up to and with its ")".
func (p *copyOptParser) columns() ([]string, error) {
	var cols []string
	for {
		t, ok := p.next()
		if !ok || t.punct || t.str {
			p.pos--
			return nil, p.syntaxError()
		}
		cols = append(cols, t.text)
		if p.punct(")") {
			return cols, nil
		}
		if !p.punct(",") {
			return nil, p.syntaxError()
		}
	}
}

// legacy reads the keyword options of PostgreSQL before 9.0.
func (p *copyOptParser) legacy(o *copyOptions, set *copyOptionSet, delim, null, quote, escape **string) error {
	str := func() (*copyToken, error) {
		p.keyword("as")
		t, ok := p.next()
		if !ok || !t.str {
			p.pos--
			return nil, p.syntaxError()
		}
		return &t, nil
	}
	word := func(w string) *copyToken { return &copyToken{text: w} }
	for {
		if _, ok := p.peek(); !ok {
			return nil
		}
		var err error
		switch {
		case p.keyword("binary"):
			err = o.option(set, "format", word("binary"), nil, false, delim, null, quote, escape, p.from)
		case p.keyword("csv"):
			err = o.option(set, "format", word("csv"), nil, false, delim, null, quote, escape, p.from)
		case p.keyword("freeze"):
			err = o.option(set, "freeze", nil, nil, false, delim, null, quote, escape, p.from)
		case p.keyword("header"):
			err = o.option(set, "header", nil, nil, false, delim, null, quote, escape, p.from)
		case p.keyword("delimiter"), p.keyword("null"), p.keyword("quote"), p.keyword("escape"), p.keyword("encoding"):
			name := p.toks[p.pos-1].text
			var arg *copyToken
			if arg, err = str(); err == nil {
				err = o.option(set, name, arg, nil, false, delim, null, quote, escape, p.from)
			}
		case p.keyword("force"):
			var name string
			switch {
			case p.keyword("quote"):
				name = "force_quote"
			case p.keyword("not"):
				if !p.keyword("null") {
					return p.syntaxError()
				}
				name = "force_not_null"
			case p.keyword("null"):
				name = "force_null"
			default:
				return p.syntaxError()
			}
			if name == "force_quote" && p.punct("*") {
				err = o.option(set, name, nil, nil, true, delim, null, quote, escape, p.from)
				break
			}
			var cols []string
			for {
				t, ok := p.next()
				if !ok || t.punct || t.str {
					p.pos--
					return p.syntaxError()
				}
				cols = append(cols, t.text)
				if !p.punct(",") {
					break
				}
			}
			err = o.option(set, name, nil, cols, false, delim, null, quote, escape, p.from)
		default:
			return p.syntaxError()
		}
		if err != nil {
			return err
		}
	}
}

// option applies one option of the parenthesized list.
func (o *copyOptions) option(set *copyOptionSet, name string, arg *copyToken, cols []string, star bool, delim, null, quote, escape **string, from bool) error {
	strArg := func() (*string, error) {
		if arg == nil {
			return nil, &pgsql.Error{Code: "42601", Message: name + " requires a parameter"}
		}
		v := arg.text
		return &v, nil
	}
	once := func(b *bool) error {
		if *b {
			return conflicting()
		}
		*b = true
		return nil
	}
	var err error
	switch name {
	case "format":
		if err = once(&set.format); err != nil {
			return err
		}
		if arg == nil {
			return &pgsql.Error{Code: "42601", Message: "format requires a parameter"}
		}
		switch arg.text {
		case "text":
			o.kind = copyText
		case "csv":
			o.kind = copyCSV
		case "binary":
			o.kind = copyBinary
		default:
			return &pgsql.Error{Code: "22023", Message: `COPY format "` + arg.text + `" not recognized`}
		}
	case "freeze":
		if err = once(&set.freeze); err != nil {
			return err
		}
		if _, err = copyBool(name, arg); err != nil {
			return err
		}
	case "delimiter", "null", "quote", "escape", "encoding":
		var seen *bool
		var dst **string
		switch name {
		case "delimiter":
			seen, dst = &set.delim, delim
		case "null":
			seen, dst = &set.null, null
		case "quote":
			seen, dst = &set.quote, quote
		case "escape":
			seen, dst = &set.escape, escape
		case "encoding":
			seen = &set.encoding
		}
		if err = once(seen); err != nil {
			return err
		}
		v, err := strArg()
		if err != nil {
			return err
		}
		if name == "encoding" {
			if !isUTF8(*v) {
				return &pgsql.Error{Code: "22023", Message: "argument to option \"encoding\" must be a valid encoding name"}
			}
			return nil
		}
		*dst = v
	case "header":
		if err = once(&set.header); err != nil {
			return err
		}
		o.header, err = copyHeader(arg, from)
		return err
	case "force_quote", "force_not_null", "force_null":
		var seen *bool
		var dst *[]string
		switch name {
		case "force_quote":
			seen, dst = &set.forceQuote, &o.forceQuote
		case "force_not_null":
			seen, dst = &set.forceNotNull, &o.forceNotNull
		default:
			seen, dst = &set.forceNull, &o.forceNull
		}
		if err = once(seen); err != nil {
			return err
		}
		switch {
		case star && name == "force_quote":
			o.forceQuoteAll = true
		case cols != nil:
			*dst = cols
		default:
			return &pgsql.Error{Code: "42601", Message: `argument to option "` + name + `" must be a list of column names`}
		}
	default:
		return &pgsql.Error{Code: "42601", Message: `option "` + name + `" not recognized`}
	}
	return nil
}

// copyBool reads a Boolean option's value; none means true.
func copyBool(name string, arg *copyToken) (bool, error) {
	if arg == nil {
		return true, nil
	}
	switch arg.text {
	case "true", "on", "1":
		return true, nil
	case "false", "off", "0":
		return false, nil
	}
	return false, &pgsql.Error{Code: "22023", Message: name + " requires a Boolean value"}
}

// copyHeader reads HEADER's value: a Boolean or, for COPY FROM, MATCH.
func copyHeader(arg *copyToken, from bool) (headerMode, error) {
	if arg != nil && arg.text == "match" {
		if !from {
			return headerNone, &pgsql.Error{Code: "0A000", Message: `cannot use "match" with HEADER in COPY TO`}
		}
		return headerMatch, nil
	}
	on, err := copyBool("header", arg)
	if err != nil {
		return headerNone, &pgsql.Error{Code: "42601", Message: `header requires a Boolean value or "match"`}
	}
	if on {
		return headerSkip, nil
	}
	return headerNone, nil
}

// check fills in the defaults and applies PostgreSQL's checks of the
// options together.
func (o *copyOptions) check(set *copyOptionSet, delim, null, quote, escape *string, from bool) error {
	csv := o.kind == copyCSV
	notSupported := func(msg string) error { return &pgsql.Error{Code: "0A000", Message: msg} }
	invalid := func(msg string) error { return &pgsql.Error{Code: "22023", Message: msg} }
	if o.kind == copyBinary {
		switch {
		case delim != nil:
			return syntaxError("cannot specify DELIMITER in BINARY mode")
		case null != nil:
			return syntaxError("cannot specify NULL in BINARY mode")
		}
	}
	d, n := "\t", `\N`
	if csv {
		d, n = ",", ""
	}
	if delim != nil {
		d = *delim
	}
	if null != nil {
		n = *null
	}
	q, e := `"`, ""
	if quote != nil {
		q = *quote
	}
	e = q
	if escape != nil {
		e = *escape
	}
	switch {
	case len(d) != 1:
		return notSupported("COPY delimiter must be a single one-byte character")
	case d[0] == '\r' || d[0] == '\n':
		return invalid("COPY delimiter cannot be newline or carriage return")
	case strings.ContainsAny(n, "\r\n"):
		return invalid("COPY null representation cannot use newline or carriage return")
	case !csv && strings.IndexByte(`\.abcdefghijklmnopqrstuvwxyz0123456789`, d[0]) >= 0:
		return invalid(`COPY delimiter cannot be "` + d + `"`)
	case o.kind == copyBinary && o.header != headerNone:
		return notSupported("cannot specify HEADER in BINARY mode")
	case !csv && quote != nil:
		return notSupported("COPY quote available only in CSV mode")
	case csv && len(q) != 1:
		return notSupported("COPY quote must be a single one-byte character")
	case csv && d[0] == q[0]:
		return invalid("COPY delimiter and quote must be different")
	case !csv && escape != nil:
		return notSupported("COPY escape available only in CSV mode")
	case csv && len(e) != 1:
		return notSupported("COPY escape must be a single one-byte character")
	case !csv && set.forceQuote:
		return notSupported("COPY force quote available only in CSV mode")
	case set.forceQuote && from:
		return notSupported("COPY force quote only available using COPY TO")
	case !csv && set.forceNotNull:
		return notSupported("COPY force not null available only in CSV mode")
	case set.forceNotNull && !from:
		return notSupported("COPY force not null only available using COPY FROM")
	case !csv && set.forceNull:
		return notSupported("COPY force null available only in CSV mode")
	case set.forceNull && !from:
		return notSupported("COPY force null only available using COPY FROM")
	case strings.IndexByte(n, d[0]) >= 0:
		return notSupported("COPY delimiter must not appear in the NULL specification")
	case csv && strings.IndexByte(n, q[0]) >= 0:
		return notSupported("CSV quote character must not appear in the NULL specification")
	}
	o.delim, o.null = d[0], n
	if csv {
		o.quote, o.escape = q[0], e[0]
	}
	return nil
}
