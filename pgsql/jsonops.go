package pgsql

import (
	"strconv"
	"strings"

	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// The json and jsonb operators, as PostgreSQL resolves and computes
// them: -> and ->> (a key or an array index, negative from the end), #>
// and #>> (a text[] path), and on jsonb only @> and <@ (containment), ?,
// ?| and ?& (key existence), || (concatenation), - (deleting a key, an
// index or keys) and #- (deleting a path). Every one is strict: NULL in
// gives NULL out. json has no comparison operators at all (42883).

func isJSON(t sqlType) bool { return !t.array && (t.kind == kJSON || t.kind == kJSONB) }

// jsonOperators are the operators only json and jsonb define.
var jsonOperators = map[string]bool{"->": true, "->>": true, "#>": true, "#>>": true, "@>": true, "<@": true, "?": true, "?|": true, "?&": true, "#-": true}

// jsonOp computes op when it is a json operator or an operand is json
// or jsonb; ok is false to leave op to the other operators.
func jsonOp(op string, l any, lt sqlType, r any, rt sqlType) (v any, t sqlType, ok bool, err error) {
	if !jsonOperators[op] && !isJSON(lt) && !isJSON(rt) {
		return nil, typUnknown, false, nil
	}
	switch op {
	case "=", "<>", "!=", "<", "<=", ">", ">=":
		if lt.kind == kJSON && !lt.array || rt.kind == kJSON && !rt.array {
			return nil, typBool, true, jsonNoOperator(lt, op, rt)
		}
		return nil, typUnknown, false, nil
	case "->", "->>":
		v, t, err = jsonField(op, l, lt, r, rt)
	case "#>", "#>>":
		v, t, err = jsonPath(op, l, lt, r, rt)
	case "@>", "<@", "?", "?|", "?&", "#-":
		v, t, err = jsonbOnly(op, l, lt, r, rt)
	case "||":
		if lt.kind == kJSONB && !lt.array && (rt.kind == kJSONB && !rt.array || rt.kind == kUnknown) ||
			rt.kind == kJSONB && !rt.array && lt.kind == kUnknown {
			v, t, err = jsonbOnly(op, l, lt, r, rt)
			break
		}
		return nil, typUnknown, false, nil // text || anynonarray, or none
	case "-":
		if lt.kind != kJSONB || lt.array {
			return nil, typUnknown, false, nil
		}
		v, t, err = jsonbMinus(l, r, rt)
	default:
		return nil, typUnknown, false, nil
	}
	return v, t, true, err
}

func jsonNoOperator(lt sqlType, op string, rt sqlType) *pgerr.Error {
	e := pgerr.New(pgerr.UndefinedFunction, "operator does not exist: %s %s %s", formatTypeName(lt, false), op, formatTypeName(rt, false))
	e.Hint = "No operator matches the given name and argument types. You might need to add explicit type casts."
	return e
}

func notUniqueOperator(lt sqlType, op string, rt sqlType) *pgerr.Error {
	e := pgerr.New("42725", "operator is not unique: %s %s %s", formatTypeName(lt, false), op, formatTypeName(rt, false))
	e.Hint = "Could not choose a best candidate operator. You might need to add explicit type casts."
	return e
}

// jsonLeft resolves the left operand of a json operator: json or jsonb
// (jsonbOnly: jsonb, or an untyped literal read as jsonb).
func jsonLeft(op string, lt, rt sqlType, jsonbOnly bool) error {
	switch {
	case lt.kind == kUnknown && !jsonbOnly:
		return notUniqueOperator(lt, op, rt)
	case lt.array, lt.kind != kJSONB && (jsonbOnly || lt.kind != kJSON) && lt.kind != kUnknown:
		return jsonNoOperator(lt, op, rt)
	}
	return nil
}

// textArg reports whether t converts to text implicitly (or is an
// untyped literal).
func textArg(t sqlType) bool { return !t.array && (t.isText() || t.kind == kUnknown) }

// textArrayArg reads r, an operand that must be text[]: a text array or
// an untyped literal in array syntax.
func textArrayArg(r any, rt sqlType) ([]any, bool, error) {
	switch {
	case rt.kind == kUnknown && !rt.array:
		if r == nil {
			return nil, true, nil
		}
		items, err := parseArrayText(r.(string))
		return items, true, err
	case rt.array && (rt.isText() || rt.kind == kUnknown):
		if r == nil {
			return nil, true, nil
		}
		items := r.([]any)
		if rt.kind == kBpchar {
			out := make([]any, len(items))
			for i, it := range items {
				if s, ok := it.(string); ok {
					out[i] = strings.TrimRight(s, " ")
				}
			}
			items = out
		}
		return items, true, nil
	}
	return nil, false, nil
}

// jsonOperand parses the left operand (json mode for json, jsonb for
// jsonb and an untyped literal).
func jsonOperand(v any, t sqlType) (*jsonValue, error) {
	if t.kind == kJSON {
		return parseJSON(v.(string), false)
	}
	if t.kind == kUnknown {
		return parseJSON(v.(string), true)
	}
	return asJSONB(v)
}

// jsonResult is a value taken out of a json or jsonb value, as json or
// jsonb (->, #>) or as text (->>, #>>: a string's text, NULL for null).
func jsonResult(v *jsonValue, t sqlType, asText bool) any {
	switch {
	case v == nil:
		return nil
	case asText && v.kind == jNull:
		return nil
	case asText && v.kind == jString:
		return v.str
	case t.kind == kJSON:
		return v.raw
	case asText:
		return string(jsonbOf(v))
	}
	return jsonbOf(v)
}

// jsonField is -> and ->>.
func jsonField(op string, l any, lt sqlType, r any, rt sqlType) (any, sqlType, error) {
	if err := jsonLeft(op, lt, rt, false); err != nil {
		return nil, typUnknown, err
	}
	out := sqlType{kind: lt.kind}
	if op == "->>" {
		out = typText
	}
	byIndex := false
	switch {
	case rt.kind == kInt2 || rt.kind == kInt4:
		byIndex = true
	case !textArg(rt):
		return nil, out, jsonNoOperator(lt, op, rt)
	}
	if l == nil || r == nil {
		return nil, out, nil
	}
	j, err := jsonOperand(l, lt)
	if err != nil {
		return nil, out, err
	}
	var got *jsonValue
	if byIndex {
		got = jsonIndex(j, r.(int64), lt.kind == kJSONB, true)
	} else {
		got = jsonKey(j, textOf(r, rt))
	}
	return jsonResult(got, lt, op == "->>"), out, nil
}

// jsonIndex is an array's element i (from the end when negative), or
// nil; in jsonb a top-level scalar is an array of one element.
func jsonIndex(j *jsonValue, i int64, jsonb, top bool) *jsonValue {
	elems := j.elems
	switch {
	case j.kind == jArray:
	case jsonb && top && j.kind < jArray:
		elems = []*jsonValue{j}
	default:
		return nil
	}
	if i < 0 {
		i += int64(len(elems))
	}
	if i < 0 || i >= int64(len(elems)) {
		return nil
	}
	return elems[i]
}

// jsonKey is an object's value for key k (the last, for json's repeated
// keys), or nil.
func jsonKey(j *jsonValue, k string) *jsonValue {
	if j.kind != jObject {
		return nil
	}
	for i := len(j.keys) - 1; i >= 0; i-- {
		if j.keys[i] == k {
			return j.elems[i]
		}
	}
	return nil
}

// jsonPath is #> and #>>.
func jsonPath(op string, l any, lt sqlType, r any, rt sqlType) (any, sqlType, error) {
	if err := jsonLeft(op, lt, rt, false); err != nil {
		return nil, typUnknown, err
	}
	out := sqlType{kind: lt.kind}
	if op == "#>>" {
		out = typText
	}
	path, ok, err := textArrayArg(r, rt)
	if !ok {
		return nil, out, jsonNoOperator(lt, op, rt)
	}
	if err != nil || l == nil || r == nil {
		return nil, out, err
	}
	j, err := jsonOperand(l, lt)
	if err != nil {
		return nil, out, err
	}
	got := walkPath(j, path, lt.kind == kJSONB)
	return jsonResult(got, lt, op == "#>>"), out, nil
}

// walkPath follows path's keys and indexes from j; nil when one is
// missing, NULL or not an integer where an array is.
func walkPath(j *jsonValue, path []any, jsonb bool) *jsonValue {
	for _, p := range path {
		if p == nil {
			return nil
		}
		s := p.(string)
		switch {
		case j.kind == jObject:
			j = jsonKey(j, s)
		case j.kind == jArray:
			i, err := strconv.ParseInt(strings.TrimLeft(s, " \t\n\r\v\f"), 10, 32)
			if err != nil {
				return nil
			}
			j = jsonIndex(j, i, jsonb, false /* top: a path does not index a scalar */)
		default:
			return nil
		}
		if j == nil {
			return nil
		}
	}
	return j
}

// jsonbOnly is the operators jsonb has and json does not: @>, <@, ?, ?|,
// ?&, #- and ||.
func jsonbOnly(op string, l any, lt sqlType, r any, rt sqlType) (any, sqlType, error) {
	out := typBool
	if op == "||" || op == "#-" {
		out = typJSONB
	}
	if lt.kind == kUnknown && (op == "?" || op == "?|" || op == "?&" || op == "#-") && !lt.array {
		lt = typJSONB
	}
	if lt.kind == kUnknown && rt.kind == kUnknown {
		return nil, out, notUniqueOperator(lt, op, rt)
	}
	if err := jsonLeft(op, lt, rt, true); err != nil {
		return nil, out, err
	}
	var keys []any
	switch op {
	case "@>", "<@", "||":
		if rt.array || rt.kind != kJSONB && rt.kind != kUnknown {
			return nil, out, jsonNoOperator(lt, op, rt)
		}
	case "?":
		if !textArg(rt) {
			return nil, out, jsonNoOperator(lt, op, rt)
		}
	default: // ?| ?& #-
		var ok bool
		var err error
		if keys, ok, err = textArrayArg(r, rt); !ok || err != nil {
			if !ok {
				err = jsonNoOperator(lt, op, rt)
			}
			return nil, out, err
		}
	}
	if l == nil || r == nil {
		return nil, out, nil
	}
	a, err := jsonOperand(l, typJSONB)
	if err != nil {
		return nil, out, err
	}
	var b *jsonValue
	if op == "@>" || op == "<@" || op == "||" {
		if b, err = jsonOperand(r, typJSONB); err != nil {
			return nil, out, err
		}
	}
	switch op {
	case "@>":
		return jsonbContains(a, b), out, nil
	case "<@":
		return jsonbContains(b, a), out, nil
	case "?":
		return jsonbHasKey(a, textOf(r, rt)), out, nil
	case "?|", "?&":
		all := op == "?&"
		for _, k := range keys {
			if k == nil {
				continue
			}
			if jsonbHasKey(a, k.(string)) != all {
				return !all, out, nil
			}
		}
		return all, out, nil
	case "#-":
		v, err := deletePath(a, keys)
		if err != nil {
			return nil, out, err
		}
		return jsonbOf(v), out, nil
	}
	return jsonbOf(jsonbConcat(a, b)), out, nil
}

// jsonScalarEqual compares two scalars of jsonb.
func jsonScalarEqual(a, b *jsonValue) bool {
	return a.kind == b.kind && a.kind < jArray && compareJSONB(a, b, false) == 0
}

// jsonbContains is a @> b, PostgreSQL's JsonbDeepContains: a top-level
// scalar contains only an equal scalar, and is contained by an array
// holding it.
func jsonbContains(a, b *jsonValue) bool {
	switch {
	case a.kind < jArray:
		return jsonScalarEqual(a, b)
	case b.kind < jArray:
		if a.kind != jArray {
			return false
		}
		for _, e := range a.elems {
			if jsonScalarEqual(e, b) {
				return true
			}
		}
		return false
	}
	return deepContains(a, b)
}

func deepContains(a, b *jsonValue) bool {
	if a.kind != b.kind {
		return false
	}
	if a.kind == jObject {
		if len(a.elems) < len(b.elems) {
			return false
		}
		for i, k := range b.keys {
			av, bv := jsonKey(a, k), b.elems[i]
			switch {
			case av == nil || av.kind != bv.kind:
				return false
			case bv.kind < jArray:
				if !jsonScalarEqual(av, bv) {
					return false
				}
			case !deepContains(av, bv):
				return false
			}
		}
		return true
	}
	for _, bv := range b.elems {
		found := false
		for _, av := range a.elems {
			if bv.kind < jArray && jsonScalarEqual(av, bv) || bv.kind >= jArray && av.kind >= jArray && deepContains(av, bv) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// jsonbHasKey is a ? k: k is a key of the top-level object, or a string
// element of the top-level array (or the top-level string).
func jsonbHasKey(a *jsonValue, k string) bool {
	switch a.kind {
	case jObject:
		return jsonKey(a, k) != nil
	case jArray:
		for _, e := range a.elems {
			if e.kind == jString && e.str == k {
				return true
			}
		}
		return false
	case jString:
		return a.str == k
	}
	return false
}

// jsonbConcat is a || b: two objects merge (b's keys win); anything else
// concatenates as arrays, a scalar or an object taken as an array of one.
func jsonbConcat(a, b *jsonValue) *jsonValue {
	if a.kind == jObject && b.kind == jObject {
		out := &jsonValue{kind: jObject}
		out.keys = append(append([]string{}, a.keys...), b.keys...)
		out.elems = append(append([]*jsonValue{}, a.elems...), b.elems...)
		normalizeJSON(out)
		return out
	}
	elems := func(v *jsonValue) []*jsonValue {
		if v.kind == jArray {
			return v.elems
		}
		return []*jsonValue{v}
	}
	return &jsonValue{kind: jArray, elems: append(append([]*jsonValue{}, elems(a)...), elems(b)...)}
}

func cannotDelete(what string) *pgerr.Error {
	return pgerr.New(pgerr.InvalidParameterValue, "cannot delete from %s", what)
}

// jsonbMinus is jsonb - text (a key, or an array's equal strings), jsonb
// - integer (an array's element) and jsonb - text[] (several keys).
func jsonbMinus(l, r any, rt sqlType) (any, sqlType, error) {
	var keys []any
	index := false
	switch {
	case rt.kind == kInt2 || rt.kind == kInt4:
		index = true
	case textArg(rt):
	default:
		var ok bool
		var err error
		if keys, ok, err = textArrayArg(r, rt); !ok || err != nil {
			if !ok {
				err = jsonNoOperator(typJSONB, "-", rt)
			}
			return nil, typJSONB, err
		}
		if r == nil {
			return nil, typJSONB, nil
		}
	}
	if l == nil || r == nil {
		return nil, typJSONB, nil
	}
	a, err := asJSONB(l)
	if err != nil {
		return nil, typJSONB, err
	}
	if a.kind < jArray {
		return nil, typJSONB, cannotDelete("scalar")
	}
	if index {
		if a.kind == jObject {
			return nil, typJSONB, pgerr.New(pgerr.InvalidParameterValue, "cannot delete from object using integer index")
		}
		i := r.(int64)
		if i < 0 {
			i += int64(len(a.elems))
		}
		if i >= 0 && i < int64(len(a.elems)) {
			a.elems = append(append([]*jsonValue{}, a.elems[:i]...), a.elems[i+1:]...)
		}
		return jsonbOf(a), typJSONB, nil
	}
	if keys == nil {
		keys = []any{textOf(r, rt)}
	}
	drop := map[string]bool{}
	for _, k := range keys {
		if k != nil {
			drop[k.(string)] = true
		}
	}
	out := &jsonValue{kind: a.kind}
	for i, e := range a.elems {
		switch {
		case a.kind == jObject && drop[a.keys[i]]:
		case a.kind == jArray && e.kind == jString && drop[e.str]:
		default:
			out.elems = append(out.elems, e)
			if a.kind == jObject {
				out.keys = append(out.keys, a.keys[i])
			}
		}
	}
	return jsonbOf(out), typJSONB, nil
}

// deletePath is a #- path: the value at path removed, a missing one
// leaving a unchanged.
func deletePath(a *jsonValue, path []any) (*jsonValue, error) {
	if a.kind < jArray {
		return nil, pgerr.New(pgerr.InvalidParameterValue, "cannot delete path in scalar")
	}
	if len(path) == 0 {
		return a, nil
	}
	var walk func(v *jsonValue, n int) error
	walk = func(v *jsonValue, n int) error {
		if path[n] == nil {
			return pgerr.New("22004", "path element at position %d is null", n+1)
		}
		k := path[n].(string)
		last := n == len(path)-1
		switch v.kind {
		case jObject:
			for i := range v.keys {
				if v.keys[i] != k {
					continue
				}
				if last {
					v.keys = append(v.keys[:i:i], v.keys[i+1:]...)
					v.elems = append(v.elems[:i:i], v.elems[i+1:]...)
					return nil
				}
				if v.elems[i].kind >= jArray {
					return walk(v.elems[i], n+1)
				}
				return nil
			}
		case jArray:
			i, err := strconv.ParseInt(strings.TrimSpace(k), 10, 32)
			if err != nil {
				e := pgerr.New(pgerr.InvalidTextRepresentation, "path element at position %d is not an integer: \"%s\"", n+1, k)
				return e
			}
			if i < 0 {
				i += int64(len(v.elems))
			}
			if i < 0 || i >= int64(len(v.elems)) {
				return nil
			}
			if last {
				v.elems = append(v.elems[:i:i], v.elems[i+1:]...)
				return nil
			}
			if v.elems[i].kind >= jArray {
				return walk(v.elems[i], n+1)
			}
		}
		return nil
	}
	return a, walk(a, 0)
}

// jsonParamTypes are the types parameters take as the operands of a
// json operator, as PostgreSQL resolves an unknown operand: the right
// side of -> and ->> is text, of ? text, of ?|, ?&, #>, #>> and #- text[],
// of @>, <@ and || (beside jsonb) jsonb, and of jsonb's - text; the left
// side jsonb. Beside an array, @>, <@ and && take the array's type. ok is
// false for other operators.
func jsonParamTypes(op string, lt, rt sqlType) (sqlType, sqlType, bool) {
	textArray := sqlType{kind: kText, array: true}
	switch op {
	case "->", "->>", "?", "-":
		if op == "-" && lt.kind != kJSONB {
			return lt, rt, false
		}
		return typJSONB, typText, true
	case "?|", "?&", "#>", "#>>", "#-":
		return typJSONB, textArray, true
	case "@>", "<@", "&&":
		// Beside an array, the array's type (array containment and
		// overlap); otherwise jsonb containment.
		arr := func(t sqlType) sqlType {
			if t.kind == kUnknown {
				return sqlType{kind: kText, array: true} // ARRAY['a'] is text[]
			}
			return t
		}
		switch {
		case lt.array:
			return arr(lt), arr(lt), true
		case rt.array:
			return arr(rt), arr(rt), true
		case op == "&&":
			return lt, rt, false
		}
		return typJSONB, typJSONB, true
	case "||":
		if lt.kind == kJSONB && !lt.array || rt.kind == kJSONB && !rt.array {
			return typJSONB, typJSONB, true
		}
	}
	return lt, rt, false
}

// jsonNoEquality is 42883 for json, which has no equality operator to
// group or compare rows by.
func jsonNoEquality(t sqlType) error {
	if t.kind == kJSON && !t.array {
		return pgerr.New(pgerr.UndefinedFunction, "could not identify an equality operator for type json")
	}
	return nil
}

// jsonNoOrdering is 42883 for json, which has no ordering operator.
func jsonNoOrdering(t sqlType) error {
	if t.kind == kJSON && !t.array {
		return pgerr.New(pgerr.UndefinedFunction, "could not identify an ordering operator for type json")
	}
	return nil
}

// jsonComparable checks that no json column is made distinct (when
// distinct) or ordered by, by the targets and order terms of a query.
func jsonComparable(distinct bool, targets []target, order []orderTerm) error {
	for _, o := range order {
		if o.target >= 0 && o.target < len(targets) {
			if err := jsonNoOrdering(targets[o.target].typ); err != nil {
				return err
			}
		}
	}
	if distinct {
		for _, t := range targets {
			if err := jsonNoEquality(t.typ); err != nil {
				return err
			}
		}
	}
	return nil
}

// jsonCast converts between json and jsonb, and from jsonb to the
// numeric types and boolean (explicitly only); ok is false for the casts
// cast does itself (to and from text, from an untyped literal).
func jsonCast(v any, from, to sqlType, explicit bool) (any, bool, error) {
	switch {
	case from.array || to.array || from.kind == kUnknown || to.isText():
		return nil, false, nil
	case from.kind == kJSON && to.kind != kJSON && to.kind != kJSONB:
		return nil, true, castError(from, to)
	case from.kind == kJSON && to.kind == kJSONB:
		v, err := parseJSONText(to, v.(string))
		return v, true, err
	case from.kind == kJSONB && to.kind == kJSON:
		return string(v.(jsonbText)), true, nil
	case from.kind != kJSONB || to.kind == kJSONB:
		return nil, false, nil
	case !isNumber(to) && to.kind != kBool:
		return nil, false, nil
	case !explicit:
		return nil, true, assignMismatch(from, to)
	}
	j, err := asJSONB(v)
	if err != nil {
		return nil, true, err
	}
	want := jNumber
	if to.kind == kBool {
		want = jBool
	}
	if j.kind != want {
		return nil, true, pgerr.New(pgerr.InvalidParameterValue, "cannot cast jsonb %s to type %s", jsonKindNames[j.kind], formatTypeName(to, false))
	}
	if want == jBool {
		return j.b, true, nil
	}
	out, err := cast(j.num, typNumeric, to, true /* explicit */)
	return out, true, err
}
