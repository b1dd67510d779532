package pgsql

import (
	"strings"
	"unicode/utf8"

	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Conditional expressions: CASE, GREATEST / LEAST and [NOT] LIKE /
// ILIKE. CASE evaluates only the branch it chooses, as PostgreSQL does,
// so a failing branch that is not taken raises nothing; the other
// branches are still evaluated for their types, errors ignored, so that
// the result has the type of all of them.

func (ev *evaluator) caseExpr(e *ir.Case) (any, sqlType, error) {
	var arg any
	var argT sqlType
	if e.Arg != nil {
		var err error
		if arg, argT, err = ev.eval(e.Arg); err != nil {
			return nil, argT, err
		}
		if argT.kind == kUnknown {
			// PostgreSQL makes an untyped literal CASE operand text:
			// CASE 'b ' WHEN c compares as text, with the blank.
			argT = typText
		}
	}
	chosen := e.Else
	whens := e.Whens
	if e.Arg != nil && foldsToNull(e.Arg) {
		// PostgreSQL folds the operand to NULL before the query runs and
		// drops the WHENs, which NULL never equals: they are not
		// evaluated, so one that would fail on some row does not. A
		// constant WHEN it folds first, failing as it does (1 / 0).
		for _, w := range whens {
			if constantExpr(w.Cond) { // eval.go
				if _, _, err := ev.eval(w.Cond); err != nil {
					return nil, typUnknown, err
				}
			}
		}
		whens = nil
	}
	for _, w := range whens {
		var hit any
		var err error
		if e.Arg != nil {
			c, ct, cerr := ev.eval(w.Cond)
			if cerr != nil {
				return nil, typUnknown, cerr
			}
			hit, _, err = binary("=", arg, argT, c, ct)
		} else {
			hit, err = ev.boolean(w.Cond, "CASE/WHEN")
		}
		if err != nil {
			return nil, typUnknown, err
		}
		if hit == true {
			chosen = w.Result
			break
		}
	}
	var v any
	t := typUnknown
	if chosen != nil {
		var err error
		if v, t, err = ev.eval(chosen); err != nil {
			return nil, t, err
		}
	}
	// The result type is the common type of ELSE and the THENs, in
	// that order, as PostgreSQL resolves it.
	results := []ir.Expr{e.Else}
	for _, w := range e.Whens {
		results = append(results, w.Result)
	}
	to := typUnknown
	for _, r := range results {
		if r == nil {
			continue
		}
		rt := t
		if r != chosen {
			// A branch not taken may fail (1 / 0); see failedType.
			var err error
			if _, rt, err = ev.eval(r); err != nil {
				var ok bool
				if rt, ok = failedType(r, rt); !ok {
					continue
				}
			}
		}
		var err error
		if to, err = commonType(to, rt, "CASE"); err != nil {
			return nil, to, err
		}
	}
	if to.kind == kUnknown {
		to = typText
	}
	v, err := cast(v, t, to, false /* explicit */)
	return v, to, err
}

// minMax is GREATEST or LEAST: NULLs are ignored, NULL if all are.
func (ev *evaluator) minMax(e *ir.MinMax) (any, sqlType, error) {
	vals := make([]any, len(e.Args))
	types := make([]sqlType, len(e.Args))
	to := typUnknown
	for i, a := range e.Args {
		v, t, err := ev.eval(a)
		if err != nil {
			return nil, t, err
		}
		vals[i], types[i] = v, t
		if to, err = commonType(to, t, e.Op.String()); err != nil {
			return nil, to, err
		}
	}
	if to.kind == kUnknown {
		to = typText
	}
	var best, bestKey any
	for i, v := range vals {
		v, err := cast(v, types[i], to, false /* explicit */)
		if err != nil || v == nil {
			if err != nil {
				return nil, to, err
			}
			continue
		}
		key := v // char(n) compares without its padding, keeps it
		if to.kind == kBpchar {
			key = strings.TrimRight(v.(string), " ")
		}
		if best == nil {
			best, bestKey = v, key
			continue
		}
		c := compareValues(key, bestKey)
		if (e.Op == ir.Greatest && c > 0) || (e.Op == ir.Least && c < 0) {
			best, bestKey = v, key
		}
	}
	return best, to, nil
}

// like is [NOT] LIKE / ILIKE with PostgreSQL's patterns: % any run, _ one
// character, the escape character (backslash unless ESCAPE says, none for
// an empty ESCAPE) quoting the next one.
func (ev *evaluator) like(e *ir.Like) (any, sqlType, error) {
	var vals [3]any
	for i, x := range []ir.Expr{e.Arg, e.Pattern, e.Escape} {
		if x == nil {
			continue
		}
		v, t, err := ev.eval(x)
		if err != nil {
			return nil, typBool, err
		}
		if v == nil {
			return nil, typBool, nil
		}
		if !t.isText() && t.kind != kUnknown {
			return nil, typBool, pgerr.New(pgerr.UndefinedFunction, "operator does not exist: %s ~~ text", t)
		}
		s := v.(string)
		if t.kind == kBpchar && i > 0 {
			// char(n) LIKE matches the padded value; a char pattern is
			// read as text, without its padding.
			s = strings.TrimRight(s, " ")
		}
		vals[i] = s
	}
	esc := '\\'
	if e.Escape != nil {
		switch s := vals[2].(string); utf8.RuneCountInString(s) {
		case 0:
			esc = -1
		case 1:
			esc, _ = utf8.DecodeRuneInString(s)
		default:
			return nil, typBool, pgerr.New("22019", "invalid escape string")
		}
	}
	return likeText(vals[0].(string), vals[1].(string), esc, e.CaseInsensitive, e.Not)
}

// likeText is s [NOT] LIKE / ILIKE p with escape character esc (-1 for
// none).
func likeText(s, p string, esc rune, caseInsensitive, not bool) (any, sqlType, error) {
	if caseInsensitive {
		s, p = strings.ToLower(s), strings.ToLower(p)
	}
	ok, err := likeMatch([]rune(s), []rune(p), esc)
	if err != nil {
		return nil, typBool, err
	}
	return ok != not, typBool, nil
}

// isLikeOp reports whether op is one of LIKE's operators.
func isLikeOp(op string) bool {
	switch op {
	case "~~", "~~*", "!~~", "!~~*":
		return true
	}
	return false
}

// likeOp is LIKE in its operator spelling: ~~ (LIKE), ~~* (ILIKE) and
// their negations !~~ and !~~*, which is what x LIKE ANY (array) and
// the other quantified forms apply to each element.
func likeOp(op string, l any, lt sqlType, r any, rt sqlType) (any, sqlType, error) {
	for _, t := range []sqlType{lt, rt} {
		if !t.isText() && t.kind != kUnknown || t.array {
			return nil, typBool, pgerr.New(pgerr.UndefinedFunction, "operator does not exist: %s %s %s", lt, op, rt)
		}
	}
	if l == nil || r == nil {
		return nil, typBool, nil
	}
	p := r.(string)
	if rt.kind == kBpchar {
		p = strings.TrimRight(p, " ") // a char pattern is read as text
	}
	return likeText(l.(string), p, '\\', strings.HasSuffix(op, "*"), strings.HasPrefix(op, "!"))
}

// likeMatch matches s against the LIKE pattern p.
func likeMatch(s, p []rune, esc rune) (bool, error) {
	for len(p) > 0 {
		switch c := p[0]; {
		case c == esc:
			if len(p) == 1 {
				return false, pgerr.New("22025", "LIKE pattern must not end with escape character")
			}
			if len(s) == 0 || s[0] != p[1] {
				return false, nil
			}
			s, p = s[1:], p[2:]
		case c == '%':
			for len(p) > 0 && p[0] == '%' {
				p = p[1:]
			}
			if len(p) == 0 {
				return true, nil
			}
			for i := 0; i <= len(s); i++ {
				ok, err := likeMatch(s[i:], p, esc)
				if err != nil || ok {
					return ok, err
				}
			}
			return false, nil
		case c == '_':
			if len(s) == 0 {
				return false, nil
			}
			s, p = s[1:], p[1:]
		default:
			if len(s) == 0 || s[0] != c {
				return false, nil
			}
			s, p = s[1:], p[1:]
		}
	}
	return len(s) == 0, nil
}

// foldsToNull reports whether e is NULL whatever the row, as PostgreSQL's
// planner folds it: a NULL constant, a cast of one, or an arithmetic or
// comparison operator (all strict) with such an operand.
func foldsToNull(e ir.Expr) bool {
	switch e := e.(type) {
	case *ir.Const:
		return e.Kind == ir.ConstNull
	case *ir.Cast:
		return foldsToNull(e.Arg)
	case *ir.Binary:
		switch e.Op {
		case "+", "-", "*", "/", "%", "=", "<>", "<", ">", "<=", ">=":
			return foldsToNull(e.Left) || foldsToNull(e.Right)
		}
	}
	return false
}
