package pgsql

import (
	"strings"

	"github.com/cockroachdb/apd/v3"

	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// to_char(number, text) formats an integer or numeric by PostgreSQL's
// numeric template patterns: 9 a digit (blank when it is a leading
// zero), 0 a digit always printed, . or D the decimal point, , or G a
// group separator (blank before the first digit), S, MI, PL, SG and PR
// the sign, FM no padding and no trailing zeros, TH or th the ordinal
// suffix, text in double quotes and other characters copied. The locale
// is C's: D is '.', G is ',', L is a blank. Without S, MI, SG or PR the
// sign takes a column of its own just before the first digit, blank for
// a value that is not negative. A number with more integer digits than
// the template has prints # in every digit position. Floating-point
// values (whose digits PostgreSQL takes from their shortest form),
// scientific notation (EEEE), roman numerals (RN) and V are 0A000.

// numToken is one element of a numeric template.
type numToken struct {
	kind byte   // '9', '0', '.', ',', 'S', 'M' (MI), 'P' (PL), 'G' (SG), 'R' (PR), 'T' (TH), 't' (th), 'L', 'x' (text)
	text string // for 'x'
}

// numKeywords are the two-letter keywords of a numeric template and their
// token kinds: the sign's forms (matched in any case), TH and th (as
// written: the suffix's case) and SP (0: printed as nothing).
var numKeywords = map[string]byte{"MI": 'M', "PL": 'P', "PR": 'R', "SG": 'G', "SP": 0, "TH": 'T', "th": 't'}

// parseNumTemplate splits a numeric template into tokens and says
// whether FM was given.
func parseNumTemplate(f string) ([]numToken, bool, error) {
	var out []numToken
	fill := false
	for i := 0; i < len(f); {
		rest := f[i:]
		up := strings.ToUpper(rest)
		switch {
		case rest[0] == '"':
			j := i + 1
			var b strings.Builder
			for j < len(f) && f[j] != '"' {
				if f[j] == '\\' && j+1 < len(f) {
					j++
				}
				b.WriteByte(f[j])
				j++
			}
			out = append(out, numToken{kind: 'x', text: b.String()})
			i = j + 1
			continue
		case rest[0] == '\\' && len(rest) > 1 && rest[1] == '"':
			out = append(out, numToken{kind: 'x', text: `"`})
			i += 2
			continue
		case strings.HasPrefix(up, "FM"):
			fill = true
			i += 2
			continue
		case strings.HasPrefix(up, "EEEE"):
			return nil, false, pgerr.Unsupported("to_char pattern EEEE")
		case strings.HasPrefix(up, "RN"):
			return nil, false, pgerr.Unsupported("to_char pattern RN")
		}
		if len(rest) >= 2 {
			key := rest[:2] // TH and th as written, the others in any case
			if _, ok := numKeywords[key]; !ok && up[:2] != "TH" {
				key = up[:2]
			}
			if k, ok := numKeywords[key]; ok {
				if k != 0 {
					out = append(out, numToken{kind: k})
				}
				i += 2
				continue
			}
		}
		switch c := rest[0]; c {
		case '9', '0', '.', ',':
			out = append(out, numToken{kind: c})
		case 'D', 'd':
			out = append(out, numToken{kind: '.'})
		case 'G', 'g':
			out = append(out, numToken{kind: ','})
		case 'S', 's':
			out = append(out, numToken{kind: 'S'})
		case 'L', 'l':
			out = append(out, numToken{kind: 'L'})
		case 'V', 'v':
			return nil, false, pgerr.Unsupported("to_char pattern V")
		case 'B', 'b', 'C', 'c':
			// Keywords PostgreSQL reads and prints nothing for.
		default:
			out = append(out, numToken{kind: 'x', text: string(c)})
		}
		i++
	}
	return out, fill, nil
}

// toCharNumber is to_char of an integer or numeric value.
func toCharNumber(v any, t sqlType, format string) (any, sqlType, error) {
	if t.kind == kFloat4 || t.kind == kFloat8 {
		return nil, typText, pgerr.Unsupported("to_char of a floating-point value")
	}
	toks, fill, err := parseNumTemplate(format)
	if err != nil {
		return nil, typText, err
	}
	var d apd.Decimal
	switch x := v.(type) {
	case int64:
		d.SetInt64(x)
	case *apd.Decimal:
		if x.Form != apd.Finite {
			return nil, typText, pgerr.Unsupported("to_char of NaN or infinity")
		}
		d.Set(x)
	default:
		return nil, typText, noFunction("to_char", []sqlType{t, typText})
	}
	// The shape of the template: digit positions before and after the
	// decimal point, the first 0 among the integer ones and the last
	// among the decimal ones, and the sign's tokens.
	pre, post, zeroStart, zeroEnd := 0, 0, -1, -1
	decimal, firstDigitSeen := false, false
	signBefore, signAfter, pr, ownSign, plus, minus := false, false, false, false, false, false
	for _, tk := range toks {
		switch tk.kind {
		case '9', '0':
			firstDigitSeen = true
			if decimal {
				post++
				if tk.kind == '0' {
					zeroEnd = post - 1
				}
			} else {
				if tk.kind == '0' && zeroStart < 0 {
					zeroStart = pre
				}
				pre++
			}
		case '.':
			decimal = true
		case 'S':
			switch {
			case signBefore || signAfter:
				return nil, typText, pgerr.Syntax(`cannot use "S" twice`)
			case plus || minus || pr:
				return nil, typText, pgerr.Syntax(`cannot use "S" and "PL"/"MI"/"SG"/"PR" together`)
			}
			if firstDigitSeen {
				signAfter = true
			} else {
				signBefore = true
			}
			ownSign = true
		case 'M', 'P', 'G':
			if signBefore || signAfter {
				name := map[byte]string{'M': "MI", 'P': "PL", 'G': "SG"}[tk.kind]
				return nil, typText, pgerr.Syntax(`cannot use "S" and "%s" together`, name)
			}
			if tk.kind != 'P' {
				ownSign = true
			}
			minus = minus || tk.kind != 'P'
			plus = plus || tk.kind != 'M'
		case 'R':
			if signBefore || signAfter || plus || minus {
				return nil, typText, pgerr.Syntax(`cannot use "PR" and "S"/"PL"/"MI"/"SG" together`)
			}
			pr, ownSign = true, true
		}
		if pr && (tk.kind == '9' || tk.kind == '0') {
			return nil, typText, pgerr.Syntax(`"9" must be ahead of "PR"`)
		}
	}
	// The value rounded half away from zero to the decimal positions.
	ctx := *decimalCtx
	ctx.Rounding = apd.RoundHalfUp
	if _, err := ctx.Quantize(&d, &d, int32(-post)); err != nil {
		return nil, typText, err
	}
	neg := d.Negative && !d.IsZero()
	d.Negative = false
	digits := d.Text('f')
	intPart, frac := digits, ""
	if k := strings.IndexByte(digits, '.'); k >= 0 {
		intPart, frac = digits[:k], digits[k+1:]
	}
	overflow := len(intPart) > pre
	spaces := pre - len(intPart) // integer positions before the number's first digit
	// In fill mode the decimal digits end at the last one that is not a
	// trailing zero, or at the last 0 position.
	lastFrac := post - 1
	if fill {
		lastFrac = max(strings.LastIndexFunc(frac, func(r rune) bool { return r != '0' }), zeroEnd)
	}
	var b strings.Builder
	signWritten, digitWritten := false, false
	writeSign := func() {
		if signWritten {
			return
		}
		signWritten = true
		switch {
		case pr:
			if neg {
				b.WriteByte('<')
			} else if !fill {
				b.WriteByte(' ')
			}
		case signBefore:
			if neg {
				b.WriteByte('-')
			} else {
				b.WriteByte('+')
			}
		case ownSign:
		case neg:
			b.WriteByte('-')
		case !fill:
			b.WriteByte(' ')
		}
	}
	pos, fpos := 0, 0
loop:
	for _, tk := range toks {
		switch tk.kind {
		case '9', '0':
			if pos < pre {
				i := pos
				pos++
				switch {
				case overflow:
					writeSign()
					b.WriteByte('#')
				case i < spaces && (zeroStart < 0 || i < zeroStart):
					if !fill {
						b.WriteByte(' ')
					}
				case i < spaces:
					writeSign()
					b.WriteByte('0')
					digitWritten = true
				case intPart == "0" && decimal && post > 0 && (zeroStart < 0 || i < zeroStart) && !(fill && d.IsZero() && lastFrac < 0):
					// 0.5 is printed ' .50': the integer zero is blank
					// (in fill mode absent, unless it is the only digit
					// left: 0 by FM9.9 is "0.").
					if !fill {
						b.WriteByte(' ')
					}
				default:
					writeSign()
					b.WriteByte(intPart[i-spaces])
					digitWritten = true
				}
				continue
			}
			j := fpos
			fpos++
			switch {
			case overflow:
				b.WriteByte('#')
			case j <= lastFrac:
				b.WriteByte(frac[j])
			}
		case '.':
			if post == 0 && overflow {
				b.WriteByte('.')
				continue
			}
			if post == 0 {
				// A decimal point with no digit after it ends the
				// output: what follows it is not printed.
				break loop
			}
			writeSign()
			b.WriteByte('.')
		case ',':
			switch {
			case digitWritten || overflow:
				b.WriteByte(',')
			case !fill:
				b.WriteByte(' ')
			}
		case 'S':
			if signAfter {
				if neg {
					b.WriteByte('-')
				} else {
					b.WriteByte('+')
				}
			}
		case 'M':
			switch {
			case neg:
				b.WriteByte('-')
			case !fill:
				b.WriteByte(' ')
			}
		case 'P':
			switch {
			case !neg:
				b.WriteByte('+')
			case !fill:
				b.WriteByte(' ')
			}
		case 'G':
			if neg {
				b.WriteByte('-')
			} else {
				b.WriteByte('+')
			}
		case 'R':
			if neg {
				b.WriteByte('>')
			} else if !fill {
				b.WriteByte(' ')
			}
		case 'T', 't':
			// No suffix for a negative value or a template with
			// decimals.
			if !neg && !overflow && !decimal {
				b.WriteString(ordinal(intPart, tk.kind == 'T'))
			}
		case 'L':
			b.WriteByte(' ')
		case 'x':
			b.WriteString(tk.text)
		}
	}
	if !signWritten && !overflow {
		writeSign() // no digit printed: the sign still has its column
	}
	return b.String(), typText, nil
}
