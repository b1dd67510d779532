package pgsql

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// PostgreSQL's advanced regular expressions (AREs), read by Go's RE2.
// A pattern is translated, not reinterpreted: what reads the same in both
// (literals, classes, groups, alternation, bounds up to 255, \d \s \w,
// [[:alpha:]] and the other named classes, (?:...)) is copied; what
// differs in spelling is respelled (\y and \Y are RE2's \b and \B, ARE's
// \b is a backspace and \B a backslash, \Z is \z, \uXXXX, \xHH, \e, \cX);
// and what RE2 cannot do is 0A000 naming the construct: back references,
// lookahead and lookbehind constraints, \m and \M and [[:<:]] [[:>:]]
// (word start and end), collating elements and equivalence classes, the
// b and e flags (basic and extended REs). An ARE matches '.' and [^...]
// across newlines unless the n, p or w flag says otherwise, which the
// translation spells out.
//
// Matching follows PostgreSQL's rule for how much to match: an RE with no
// non-greedy quantifier finds the longest match at the leftmost position
// (RE2's leftmost-longest mode), one with only non-greedy quantifiers the
// shortest (RE2's leftmost-first). PostgreSQL gives an RE that mixes the
// two the greediness of its first quantifier, which RE2 has no way to
// express: such a pattern is 0A000 unless it is anchored at both ends
// (^...$), where only the whole string can match.

// reOptions are the flags of a regular expression: the function's flags
// argument, then the pattern's own (?...) prefix.
type reOptions struct {
	icase    bool
	dotNL    bool // '.' and [^...] match a newline (not n or p)
	lineAnch bool // ^ and $ match at newlines (n or w)
	expanded bool // x: whitespace and # comments are ignored
	literal  bool // q: the whole pattern is a literal string
}

func defaultREOptions() reOptions { return reOptions{dotNL: true} }

// apply reads one flag letter; ok is false for a letter that is not one.
func (o *reOptions) apply(c byte) (ok bool, err error) {
	switch c {
	case 'i':
		o.icase = true
	case 'c':
		o.icase = false
	case 'n', 'm':
		o.dotNL, o.lineAnch = false, true
	case 'p':
		o.dotNL, o.lineAnch = false, false
	case 'w':
		o.dotNL, o.lineAnch = true, true
	case 's':
		o.dotNL, o.lineAnch = true, false
	case 'x':
		o.expanded = true
	case 't':
		o.expanded = false
	case 'q':
		o.literal = true
	case 'b':
		return true, pgerr.Unsupported("basic regular expressions (flag b)")
	case 'e':
		return true, pgerr.Unsupported("extended regular expressions (flag e)")
	default:
		return false, nil
	}
	return true, nil
}

// regex is a compiled ARE: re matches anywhere; after matches a rune
// followed by the pattern, with the start-of-text anchors made
// impossible, so that searching s[i-w:] with it finds the pattern's first
// match at or after i with the rune before i as context (RE2 has no way
// to start a search in the middle of a string).
type regex struct {
	re, after *regexp.Regexp
}

var regexCache sync.Map // regexKey -> *regex or error

type regexKey struct {
	pattern string
	opts    reOptions
}

// compileARE compiles pattern under opts, caching the result.
func compileARE(pattern string, opts reOptions) (*regex, error) {
	k := regexKey{pattern, opts}
	if v, ok := regexCache.Load(k); ok {
		if err, isErr := v.(error); isErr {
			return nil, err
		}
		return v.(*regex), nil
	}
	r, err := buildARE(pattern, opts)
	if err != nil {
		var pe *pgerr.Error
		if errors.As(err, &pe) { // errors are cached too: only ours
			regexCache.Store(k, err)
		}
		return nil, err
	}
	regexCache.Store(k, r)
	return r, nil
}

func buildARE(pattern string, opts reOptions) (*regex, error) {
	tr, err := translateARE(pattern, opts)
	if err != nil {
		return nil, err
	}
	re, err := regexp.Compile(tr.main)
	if err != nil {
		return nil, regexError(err)
	}
	after, err := regexp.Compile(tr.after)
	if err != nil {
		return nil, regexError(err)
	}
	if tr.longest {
		re.Longest()
		after.Longest()
	}
	return &regex{re: re, after: after}, nil
}

// regexError is 2201B with PostgreSQL's wording for RE2's parse errors.
func regexError(err error) error {
	var se *syntax.Error
	msg := err.Error()
	if errors.As(err, &se) {
		switch se.Code {
		case syntax.ErrMissingParen, syntax.ErrUnexpectedParen:
			msg = "parentheses () not balanced"
		case syntax.ErrMissingBracket:
			msg = "brackets [] not balanced"
		case syntax.ErrMissingRepeatArgument, syntax.ErrInvalidRepeatOp:
			msg = "quantifier operand invalid"
		case syntax.ErrInvalidEscape, syntax.ErrTrailingBackslash:
			msg = `invalid escape \ sequence`
		case syntax.ErrInvalidRepeatSize:
			msg = "invalid repetition count(s)"
		case syntax.ErrInvalidCharRange:
			msg = "invalid character range"
		case syntax.ErrInvalidCharClass:
			msg = "invalid character class"
		default:
			msg = se.Code.String()
		}
	}
	return pgerr.New("2201B", "invalid regular expression: %s", msg)
}

func invalidRE(msg string) error {
	return pgerr.New("2201B", "invalid regular expression: %s", msg)
}

// translation is an ARE in RE2's syntax.
type translation struct {
	main, after string
	longest     bool
}

// neverMatches stands for a start-of-text anchor in the after form.
const neverMatches = `[^\x00-\x{10FFFF}]`

// translateARE translates an ARE into RE2 syntax, or fails with 2201B
// (invalid in PostgreSQL too) or 0A000 (valid there, not expressible
// here).
func translateARE(pattern string, opts reOptions) (translation, error) {
	switch {
	case strings.HasPrefix(pattern, "***="):
		pattern, opts.literal = pattern[4:], true
	case strings.HasPrefix(pattern, "***:"):
		pattern = pattern[4:]
	}
	if !opts.literal && strings.HasPrefix(pattern, "(?") {
		end := strings.IndexByte(pattern, ')')
		if end < 0 {
			return translation{}, invalidRE("parentheses () not balanced")
		}
		flags := pattern[2:end]
		if !strings.HasPrefix(flags, ":") && !strings.HasPrefix(flags, "=") && !strings.HasPrefix(flags, "!") && !strings.HasPrefix(flags, "<") {
			for i := 0; i < len(flags); i++ {
				ok, err := opts.apply(flags[i])
				if err != nil {
					return translation{}, err
				}
				if !ok {
					return translation{}, invalidRE("invalid embedded option")
				}
			}
			pattern = pattern[end+1:]
		}
	}
	var prefix strings.Builder
	prefix.WriteString("(?")
	if opts.dotNL {
		prefix.WriteByte('s')
	}
	if opts.lineAnch {
		prefix.WriteByte('m')
	}
	if opts.icase {
		prefix.WriteByte('i')
	}
	prefix.WriteString(")")
	if prefix.Len() == 3 {
		prefix.Reset()
	}
	if opts.literal {
		q := regexp.QuoteMeta(pattern)
		return translation{main: prefix.String() + q, after: `(?s:.)(?:` + prefix.String() + q + ")", longest: true}, nil
	}
	t := areTranslator{src: pattern, opts: opts}
	if err := t.run(); err != nil {
		return translation{}, err
	}
	if t.lazy && t.greedy {
		body := strings.TrimSpace(pattern)
		if !(strings.HasPrefix(body, "^") && strings.HasSuffix(body, "$") && !strings.HasSuffix(body, `\$`)) {
			return translation{}, pgerr.Unsupported("regular expression mixing greedy and non-greedy quantifiers")
		}
	}
	return translation{
		main:    prefix.String() + t.main.String(),
		after:   `(?s:.)(?:` + prefix.String() + t.after.String() + ")",
		longest: !t.lazy,
	}, nil
}

type areTranslator struct {
	src         string
	i           int
	opts        reOptions
	main, after strings.Builder
	lazy        bool // a non-greedy quantifier
	greedy      bool // a greedy quantifier
}

func (t *areTranslator) emit(s string) {
	t.main.WriteString(s)
	t.after.WriteString(s)
}

// emitBeginText is a start-of-text anchor, impossible in the after form.
func (t *areTranslator) emitBeginText(s string) {
	t.main.WriteString(s)
	t.after.WriteString(neverMatches)
}

func (t *areTranslator) run() error {
	for t.i < len(t.src) {
		c := t.src[t.i]
		if t.opts.expanded {
			if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' {
				t.i++
				continue
			}
			if c == '#' {
				for t.i < len(t.src) && t.src[t.i] != '\n' {
					t.i++
				}
				continue
			}
		}
		switch c {
		case '\\':
			if err := t.escape(false); err != nil {
				return err
			}
			continue
		case '[':
			if err := t.bracket(); err != nil {
				return err
			}
			continue
		case '(':
			if strings.HasPrefix(t.src[t.i:], "(?") {
				rest := t.src[t.i+2:]
				switch {
				case strings.HasPrefix(rest, ":"):
					t.emit("(?:")
					t.i += 3
					continue
				case strings.HasPrefix(rest, "="), strings.HasPrefix(rest, "!"):
					return pgerr.Unsupported("regular expression lookahead constraint (?" + rest[:1])
				case strings.HasPrefix(rest, "<=") || strings.HasPrefix(rest, "<!"):
					return pgerr.Unsupported("regular expression lookbehind constraint (?" + rest[:2])
				}
				return invalidRE("quantifier operand invalid")
			}
			t.emit("(")
		case '^':
			if t.opts.lineAnch {
				t.emit("^")
			} else {
				t.emitBeginText(`\A`)
			}
		case '$':
			if t.opts.lineAnch {
				t.emit("$")
			} else {
				t.emit(`\z`)
			}
		case '.':
			if t.opts.dotNL {
				t.emit(".")
			} else {
				t.emit(`[^\n]`)
			}
		case '*', '+', '?':
			t.emit(string(c))
			t.i++
			t.quantifierSuffix()
			continue
		case '{':
			if err := t.bound(); err != nil {
				return err
			}
			continue
		case ')', '|':
			t.emit(string(c))
		default:
			r, w := utf8.DecodeRuneInString(t.src[t.i:])
			t.emit(regexp.QuoteMeta(string(r)))
			t.i += w
			continue
		}
		t.i++
	}
	return nil
}

// quantifierSuffix reads the ? that makes a quantifier non-greedy.
func (t *areTranslator) quantifierSuffix() {
	if t.i < len(t.src) && t.src[t.i] == '?' {
		t.emit("?")
		t.i++
		t.lazy = true
		return
	}
	t.greedy = true
}

// bound reads {m}, {m,} or {m,n}; a { not starting one is a literal.
func (t *areTranslator) bound() error {
	j := t.i + 1
	start := j
	for j < len(t.src) && (t.src[j] >= '0' && t.src[j] <= '9' || t.src[j] == ',') {
		j++
	}
	if j == start || t.src[start] == ',' {
		t.emit(`\{`)
		t.i++
		return nil
	}
	if j >= len(t.src) || t.src[j] != '}' {
		return invalidRE("braces {} not balanced")
	}
	parts := strings.Split(t.src[start:j], ",")
	if len(parts) > 2 {
		return invalidRE("invalid repetition count(s)")
	}
	var nums []int
	for _, p := range parts {
		if p == "" {
			continue
		}
		n, err := strconv.Atoi(p)
		if err != nil || n > 255 {
			return invalidRE("invalid repetition count(s)")
		}
		nums = append(nums, n)
	}
	if len(nums) == 2 && nums[0] > nums[1] {
		return invalidRE("invalid repetition count(s)")
	}
	t.emit(t.src[t.i : j+1])
	t.i = j + 1
	t.quantifierSuffix()
	return nil
}

// escape reads a backslash escape; inBracket is true inside [...].
func (t *areTranslator) escape(inBracket bool) error {
	if t.i+1 >= len(t.src) {
		return invalidRE(`invalid escape \ sequence`)
	}
	c := t.src[t.i+1]
	t.i += 2
	switch c {
	case 'd', 's', 'w', 'D', 'S', 'W':
		t.emit(`\` + string(c))
	case 'y', 'Y', 'm', 'M', 'A', 'Z':
		if inBracket {
			return invalidRE(`invalid escape \ sequence`)
		}
		switch c {
		case 'y':
			t.emit(`\b`)
		case 'Y':
			t.emit(`\B`)
		case 'A':
			t.emitBeginText(`\A`)
		case 'Z':
			t.emit(`\z`)
		default:
			return pgerr.Unsupported(`regular expression constraint \` + string(c) + " (start or end of a word)")
		}
	case 'a':
		t.emit(`\x07`)
	case 'b':
		t.emit(`\x08`)
	case 'B':
		t.emit(`\\`)
	case 'e':
		t.emit(`\x1B`)
	case 'f', 'n', 'r', 't', 'v':
		t.emit(`\` + string(c))
	case 'c':
		if t.i >= len(t.src) {
			return invalidRE(`invalid escape \ sequence`)
		}
		t.emit(fmt.Sprintf(`\x{%X}`, t.src[t.i]&0x1f))
		t.i++
	case 'u', 'U', 'x':
		n := 4
		if c == 'U' {
			n = 8
		}
		j := t.i
		for j < len(t.src) && isHexDigit(t.src[j]) && (c == 'x' || j-t.i < n) {
			j++
		}
		if c != 'x' && j-t.i != n || c == 'x' && j == t.i {
			return invalidRE(`invalid escape \ sequence`)
		}
		v, err := strconv.ParseUint(t.src[t.i:j], 16, 64)
		if err != nil || v > utf8.MaxRune || v >= 0xD800 && v <= 0xDFFF {
			return invalidRE(`invalid escape \ sequence`)
		}
		t.emit(fmt.Sprintf(`\x{%X}`, v))
		t.i = j
	case '0':
		j := t.i
		for j < len(t.src) && j-t.i < 2 && t.src[j] >= '0' && t.src[j] <= '7' {
			j++
		}
		v, _ := strconv.ParseUint("0"+t.src[t.i:j], 8, 32)
		t.emit(fmt.Sprintf(`\x{%X}`, v))
		t.i = j
	case '1', '2', '3', '4', '5', '6', '7', '8', '9':
		if inBracket {
			return invalidRE(`invalid escape \ sequence`)
		}
		return pgerr.Unsupported(`regular expression back reference \` + string(c))
	default:
		if c >= 0x80 {
			r, w := utf8.DecodeRuneInString(t.src[t.i-1:])
			t.i += w - 1
			t.emit(regexp.QuoteMeta(string(r)))
			return nil
		}
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
			return invalidRE(`invalid escape \ sequence`)
		}
		t.emit(quoteByte(c))
	}
	return nil
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// quoteByte is an ASCII character as a literal in RE2, inside or
// outside a class.
func quoteByte(c byte) string {
	if c < 0x20 || c == 0x7f {
		return fmt.Sprintf(`\x%02X`, c)
	}
	if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == ' ' {
		return string(c)
	}
	return `\` + string(c)
}

// bracket reads a bracket expression [...].
func (t *areTranslator) bracket() error {
	t.i++ // [
	t.emit("[")
	negated := false
	if t.i < len(t.src) && t.src[t.i] == '^' {
		negated = true
		t.emit("^")
		t.i++
	}
	first := true
	for {
		if t.i >= len(t.src) {
			return invalidRE("brackets [] not balanced")
		}
		c := t.src[t.i]
		switch {
		case c == ']' && !first:
			if negated && !t.opts.dotNL {
				t.emit(`\n`)
			}
			t.emit("]")
			t.i++
			return nil
		case c == '[' && t.i+1 < len(t.src) && (t.src[t.i+1] == ':' || t.src[t.i+1] == '.' || t.src[t.i+1] == '='):
			kind := t.src[t.i+1]
			end := strings.Index(t.src[t.i+2:], string(kind)+"]")
			if end < 0 {
				return invalidRE("brackets [] not balanced")
			}
			name := t.src[t.i+2 : t.i+2+end]
			t.i += 2 + end + 2
			switch kind {
			case ':':
				switch name {
				case "<", ">":
					return pgerr.Unsupported("regular expression word boundary [[:" + name + ":]]")
				case "alnum", "alpha", "blank", "cntrl", "digit", "graph", "lower", "print", "punct", "space", "upper", "xdigit", "word":
					t.emit("[:" + name + ":]")
				default:
					return invalidRE("invalid character class")
				}
			case '.':
				if utf8.RuneCountInString(name) != 1 {
					return pgerr.Unsupported("regular expression collating element [." + name + ".]")
				}
				t.emitClassLiteral(name)
			default:
				return pgerr.Unsupported("regular expression equivalence class [=" + name + "=]")
			}
		case c == '\\':
			if err := t.escape(true); err != nil {
				return err
			}
		case c == '-':
			t.emit("-")
			t.i++
		default:
			r, w := utf8.DecodeRuneInString(t.src[t.i:])
			t.emitClassLiteral(string(r))
			t.i += w
		}
		first = false
	}
}

func (t *areTranslator) emitClassLiteral(s string) {
	if len(s) == 1 {
		t.emit(quoteByte(s[0]))
		return
	}
	t.emit(s)
}

// searchFrom finds the first match at or after byte offset from, with
// what comes before from as context, as PostgreSQL's regexec does given a
// search start: the whole match and submatch indexes of s, or nil.
func (r *regex) searchFrom(s string, from int) []int {
	if from == 0 {
		return r.re.FindStringSubmatchIndex(s)
	}
	if from > len(s) {
		return nil
	}
	_, w := utf8.DecodeLastRuneInString(s[:from])
	base := from - w
	m := r.after.FindStringSubmatchIndex(s[base:])
	if m == nil {
		return nil
	}
	for i := range m {
		if m[i] >= 0 {
			m[i] += base
		}
	}
	_, cw := utf8.DecodeRuneInString(s[m[0]:])
	m[0] += cw // the match proper starts after its context rune
	return m
}

// numGroups is the number of capturing groups.
func (r *regex) numGroups() int { return r.re.NumSubexp() }
