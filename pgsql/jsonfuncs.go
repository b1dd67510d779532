package pgsql

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/cockroachdb/apd/v3"

	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// The json and jsonb functions: to_json[b], json[b]_build_object and
// _build_array, json[b]_typeof, json[b]_array_length,
// json[b]_extract_path[_text], jsonb_set, json[b]_strip_nulls,
// jsonb_pretty; the aggregates json[b]_agg and json[b]_object_agg; and,
// in FROM, the set-returning json[b]_array_elements[_text],
// json[b]_each[_text] and json[b]_object_keys. Each builds the text
// PostgreSQL's does, spacing included (json_build_object's "a" : 1,
// json_object_agg's { ... }), and a jsonb function parses its json text
// into jsonb.

// jsonFuncNames are the scalar functions here, for 42883 on other
// argument types.
var jsonFuncNames = map[string]bool{
	"to_json": true, "to_jsonb": true, "row_to_json": true, "json_build_object": true, "jsonb_build_object": true,
	"json_build_array": true, "jsonb_build_array": true, "json_typeof": true, "jsonb_typeof": true,
	"json_array_length": true, "jsonb_array_length": true, "json_extract_path": true, "jsonb_extract_path": true,
	"json_extract_path_text": true, "jsonb_extract_path_text": true, "jsonb_set": true,
	"json_strip_nulls": true, "jsonb_strip_nulls": true, "jsonb_pretty": true,
}

// appendToJSON appends v, a value of type t, as to_json writes it:
// numbers and booleans as they are (NaN and the infinities quoted),
// json as it is, jsonb as its text, dates and timestamps in ISO 8601
// with a T, arrays as JSON arrays, anything else as its text, quoted.
func appendToJSON(b []byte, v any, t sqlType) []byte {
	if v == nil {
		return append(b, "null"...)
	}
	if t.array {
		b = append(b, '[')
		et := t
		et.array, et.vector = false, false
		for i, e := range v.([]any) {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendToJSON(b, e, et)
		}
		return append(b, ']')
	}
	switch x := v.(type) {
	case int64:
		if t.kind == kTime {
			return appendJSONString(b, formatTime(x))
		}
		return strconv.AppendInt(b, x, 10)
	case float64:
		s := textOf(x, t)
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return appendJSONString(b, s)
		}
		return append(b, s...)
	case *apd.Decimal:
		return append(b, numericText(x)...)
	case bool:
		return strconv.AppendBool(b, x)
	case jsonbText:
		return append(b, x...)
	case time.Time:
		x = x.UTC()
		switch t.kind {
		case kDate:
			return appendJSONString(b, x.Format("2006-01-02"))
		case kTimestamp:
			return appendJSONString(b, x.Format("2006-01-02T15:04:05.999999"))
		}
		return appendJSONString(b, x.Format("2006-01-02T15:04:05.999999")+"+00:00")
	case string:
		if t.kind == kJSON {
			return append(b, x...)
		}
		if t.kind == kJSONB {
			return append(b, x...) // as a table stores it
		}
	}
	return appendJSONString(b, textOf(v, t))
}

// jsonOut returns text, built as json, as a value of kind k: the json
// text itself, or parsed into jsonb.
func jsonOut(text []byte, k kind) (any, sqlType, error) {
	if k == kJSON {
		return string(text), typJSON, nil
	}
	v, err := parseJSONText(typJSONB, string(text))
	return v, typJSONB, err
}

// funcKind is a function's json flavour: jsonb_... is jsonb.
func funcKind(name string) kind {
	if strings.HasPrefix(name, "jsonb") || name == "to_jsonb" {
		return kJSONB
	}
	return kJSON
}

func jsonNoFunction(name string, types []sqlType) *pgerr.Error {
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = formatTypeName(t, false)
		if t.array {
			names[i] += "[]"
		}
	}
	e := pgerr.New(pgerr.UndefinedFunction, "function %s(%s) does not exist", name, strings.Join(names, ", "))
	e.Hint = "No function matches the given name and argument types. You might need to add explicit type casts."
	return e
}

// jsonFunc computes the json function name; ok is false for another
// name.
func jsonFunc(name string, vals []any, types []sqlType) (v any, t sqlType, ok bool, err error) {
	if !jsonFuncNames[name] {
		return nil, typUnknown, false, nil
	}
	v, t, err = jsonFuncOf(name, vals, types)
	return v, t, true, err
}

func jsonFuncOf(name string, vals []any, types []sqlType) (any, sqlType, error) {
	k := funcKind(name)
	out := sqlType{kind: k}
	switch name {
	case "row_to_json":
		return rowToJSON(vals, types) // wholerow.go
	case "to_json", "to_jsonb":
		if len(vals) != 1 {
			return nil, out, jsonNoFunction(name, types)
		}
		if types[0].kind == kUnknown && !types[0].array {
			if vals[0] == nil {
				return nil, out, nil
			}
			return nil, out, pgerr.New(pgerr.DatatypeMismatch, "could not determine polymorphic type because input has type unknown")
		}
		if vals[0] == nil {
			return nil, out, nil
		}
		return jsonOut(appendToJSON(nil, vals[0], types[0]), k)
	case "json_build_object", "jsonb_build_object":
		return buildObject(name, vals, types, k)
	case "json_build_array", "jsonb_build_array":
		b := []byte{'['}
		for i, v := range vals {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendToJSON(b, v, types[i])
		}
		return jsonOut(append(b, ']'), k)
	}
	// The others take a json (or jsonb) value first.
	if len(vals) == 0 || !argIs(types[0], k) {
		return nil, typUnknown, jsonNoFunction(name, types)
	}
	for _, v := range vals {
		if v == nil && name != "jsonb_set" {
			return nil, resultType(name, k), nil
		}
	}
	if vals[0] == nil {
		return nil, out, nil
	}
	j, err := jsonOperand(vals[0], sqlType{kind: k})
	if err != nil {
		return nil, out, err
	}
	switch name {
	case "json_typeof", "jsonb_typeof":
		if len(vals) != 1 {
			return nil, typText, jsonNoFunction(name, types)
		}
		return jsonKindNames[j.kind], typText, nil
	case "json_array_length", "jsonb_array_length":
		if len(vals) != 1 {
			return nil, typInt4, jsonNoFunction(name, types)
		}
		switch j.kind {
		case jArray:
			return int64(len(j.elems)), typInt4, nil
		case jObject:
			return nil, typInt4, pgerr.New(pgerr.InvalidParameterValue, "cannot get array length of a non-array")
		}
		return nil, typInt4, pgerr.New(pgerr.InvalidParameterValue, "cannot get array length of a scalar")
	case "json_extract_path", "jsonb_extract_path", "json_extract_path_text", "jsonb_extract_path_text":
		path := make([]any, len(vals)-1)
		for i, v := range vals[1:] {
			if !textArg(types[i+1]) {
				return nil, out, jsonNoFunction(name, types)
			}
			path[i] = textOf(v, types[i+1])
		}
		asText := strings.HasSuffix(name, "_text")
		if asText {
			out = typText
		}
		return jsonResult(walkPath(j, path, k == kJSONB), sqlType{kind: k}, asText), out, nil
	case "json_strip_nulls", "jsonb_strip_nulls":
		if len(vals) != 1 {
			return nil, out, jsonNoFunction(name, types)
		}
		stripNulls(j)
		if k == kJSONB {
			return jsonbOf(j), out, nil
		}
		return string(appendCompactJSON(nil, j)), out, nil
	case "jsonb_pretty":
		if len(vals) != 1 {
			return nil, typText, jsonNoFunction(name, types)
		}
		return string(appendPretty(nil, j, 0)), typText, nil
	case "jsonb_set":
		return jsonbSet(vals, types, j)
	}
	return nil, out, jsonNoFunction(name, types)
}

// argIs reports whether a function's first argument is of (or an
// untyped literal read as) json kind k.
func argIs(t sqlType, k kind) bool {
	return !t.array && (t.kind == k || t.kind == kUnknown)
}

func resultType(name string, k kind) sqlType {
	switch {
	case strings.HasSuffix(name, "_typeof"), strings.HasSuffix(name, "_text"), name == "jsonb_pretty":
		return typText
	case strings.HasSuffix(name, "_array_length"):
		return typInt4
	}
	return sqlType{kind: k}
}

// buildObject is json[b]_build_object(key, value, ...).
func buildObject(name string, vals []any, types []sqlType, k kind) (any, sqlType, error) {
	if len(vals)%2 != 0 {
		e := pgerr.New(pgerr.InvalidParameterValue, "argument list must have even number of elements")
		e.Hint = "The arguments of " + name + "() must consist of alternating keys and values."
		return nil, sqlType{kind: k}, e
	}
	b := []byte{'{'}
	for i := 0; i < len(vals); i += 2 {
		if i > 0 {
			b = append(b, ", "...)
		}
		key, err := objectKey(vals[i], types[i], i+1)
		if err != nil {
			return nil, sqlType{kind: k}, err
		}
		b = appendJSONString(b, key)
		b = append(b, " : "...)
		b = appendToJSON(b, vals[i+1], types[i+1])
	}
	return jsonOut(append(b, '}'), k)
}

// objectKey is an object key argument's text: not NULL, and a scalar.
func objectKey(v any, t sqlType, pos int) (string, error) {
	if v == nil {
		e := pgerr.New(pgerr.InvalidParameterValue, "argument %d cannot be null", pos)
		e.Hint = "Object keys should be text."
		return "", e
	}
	if t.array || t.kind == kJSON || t.kind == kJSONB {
		return "", pgerr.New(pgerr.InvalidParameterValue, "key value must be scalar, not array, composite, or json")
	}
	return textOf(v, t), nil
}

// stripNulls removes object fields whose value is null, at every level.
func stripNulls(j *jsonValue) {
	if j.kind == jObject {
		keys, elems := j.keys[:0:0], j.elems[:0:0]
		for i, e := range j.elems {
			if e.kind != jNull {
				keys, elems = append(keys, j.keys[i]), append(elems, e)
			}
		}
		j.keys, j.elems = keys, elems
	}
	for _, e := range j.elems {
		stripNulls(e)
	}
}

// appendCompactJSON writes json without whitespace, as json_strip_nulls
// does: numbers as written, strings escaped anew.
func appendCompactJSON(b []byte, j *jsonValue) []byte {
	switch j.kind {
	case jArray:
		b = append(b, '[')
		for i, e := range j.elems {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendCompactJSON(b, e)
		}
		return append(b, ']')
	case jObject:
		b = append(b, '{')
		for i, e := range j.elems {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, j.keys[i])
			b = append(b, ':')
			b = appendCompactJSON(b, e)
		}
		return append(b, '}')
	case jString:
		return appendJSONString(b, j.str)
	}
	return appendJSONB(b, j)
}

// appendPretty writes jsonb_pretty's form: each element on its own line,
// indented four spaces a level.
func appendPretty(b []byte, j *jsonValue, level int) []byte {
	if j.kind < jArray {
		return appendJSONB(b, j)
	}
	open, closing := byte('['), byte(']')
	if j.kind == jObject {
		open, closing = '{', '}'
	}
	b = append(b, open)
	for i, e := range j.elems {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '\n')
		b = append(b, strings.Repeat("    ", level+1)...)
		if j.kind == jObject {
			b = appendJSONString(b, j.keys[i])
			b = append(b, ": "...)
		}
		b = appendPretty(b, e, level+1)
	}
	b = append(b, '\n')
	b = append(b, strings.Repeat("    ", level)...)
	return append(b, closing)
}

// jsonbSet is jsonb_set(target, path, new_value [, create_missing]).
func jsonbSet(vals []any, types []sqlType, j *jsonValue) (any, sqlType, error) {
	if len(vals) != 3 && len(vals) != 4 || !argIs(types[2], kJSONB) || len(vals) == 4 && types[3].kind != kBool && types[3].kind != kUnknown {
		return nil, typJSONB, jsonNoFunction("jsonb_set", types)
	}
	path, ok, err := textArrayArg(vals[1], types[1])
	if !ok {
		return nil, typJSONB, jsonNoFunction("jsonb_set", types)
	}
	if err != nil {
		return nil, typJSONB, err
	}
	create := true
	if len(vals) == 4 {
		if vals[3] == nil {
			return nil, typJSONB, nil
		}
		c, err := cast(vals[3], types[3], typBool, false /* explicit */)
		if err != nil {
			return nil, typJSONB, err
		}
		create = c.(bool)
	}
	if vals[1] == nil || vals[2] == nil {
		return nil, typJSONB, nil
	}
	nv, err := jsonOperand(vals[2], typJSONB)
	if err != nil {
		return nil, typJSONB, err
	}
	if j.kind < jArray {
		return nil, typJSONB, pgerr.New(pgerr.InvalidParameterValue, "cannot set path in scalar")
	}
	if err := setPath(j, path, 0, nv, create); err != nil {
		return nil, typJSONB, err
	}
	return jsonbOf(j), typJSONB, nil
}

// setPath sets the value at path[n:] under j, a container.
func setPath(j *jsonValue, path []any, n int, nv *jsonValue, create bool) error {
	if n >= len(path) {
		return nil
	}
	if path[n] == nil {
		return pgerr.New("22004", "path element at position %d is null", n+1)
	}
	k := path[n].(string)
	last := n == len(path)-1
	switch j.kind {
	case jObject:
		for i := range j.keys {
			if j.keys[i] != k {
				continue
			}
			if last {
				j.elems[i] = nv
				return nil
			}
			if j.elems[i].kind >= jArray {
				return setPath(j.elems[i], path, n+1, nv, create)
			}
			return nil
		}
		if last && create {
			j.keys, j.elems = append(j.keys, k), append(j.elems, nv)
			normalizeJSON(j)
		}
	case jArray:
		i, err := strconv.ParseInt(strings.TrimLeft(k, " \t\n\r\v\f"), 10, 32)
		if err != nil {
			return pgerr.New(pgerr.InvalidTextRepresentation, "path element at position %d is not an integer: \"%s\"", n+1, k)
		}
		if i < 0 {
			i += int64(len(j.elems))
		}
		switch {
		case i < 0:
			if last && create {
				j.elems = append([]*jsonValue{nv}, j.elems...)
			}
		case i >= int64(len(j.elems)):
			if last && create {
				j.elems = append(j.elems, nv)
			}
		case last:
			j.elems[i] = nv
		case j.elems[i].kind >= jArray:
			return setPath(j.elems[i], path, n+1, nv, create)
		}
	}
	return nil
}

// isJSONAggregate reports whether name is one of the json aggregates.
func isJSONAggregate(name string) bool {
	switch name {
	case "json_agg", "jsonb_agg", "json_object_agg", "jsonb_object_agg":
		return true
	}
	return false
}

// jsonAggregate computes json[b]_agg(value) and
// json[b]_object_agg(key, value) over a group's rows, in its ORDER BY's
// order; NULL values are kept (as null), and no rows give NULL.
func jsonAggregate(f *ir.Func, rows [][]any, empty []any, ev *evaluator) (any, sqlType, error) {
	k := funcKind(f.Name)
	out := sqlType{kind: k}
	object := strings.HasSuffix(f.Name, "object_agg")
	nargs := 1
	if object {
		nargs = 2
	}
	if f.Star || len(f.Args) != nargs {
		return nil, out, pgerr.New(pgerr.UndefinedFunction, "function %s does not exist", f.String())
	}
	if f.Distinct {
		return nil, out, pgerr.Unsupported("DISTINCT in " + f.Name)
	}
	rows, err := aggOrder(f, rows, ev) // group.go
	if err != nil {
		return nil, out, err
	}
	setRow(ev, empty)
	for _, a := range f.Args {
		if _, _, err := ev.evalArg(f, a); err != nil && len(rows) == 0 {
			return nil, out, err
		}
	}
	if len(rows) == 0 {
		return nil, out, nil
	}
	var b []byte
	if object {
		b = append(b, "{ "...)
	} else {
		b = append(b, '[')
	}
	for n, r := range rows {
		setRow(ev, r)
		var vals [2]any
		var types [2]sqlType
		for i, a := range f.Args {
			var err error
			if vals[i], types[i], err = ev.evalArg(f, a); err != nil { // wholerow.go
				return nil, out, err
			}
		}
		if n > 0 {
			b = append(b, ", "...)
			if !object && vals[0] != nil && (types[0].array || types[0].record) {
				b = append(b, "\n "...) // json_agg's line per array or row
			}
		}
		if object {
			if vals[0] == nil {
				return nil, out, pgerr.New(pgerr.InvalidParameterValue, "field name must not be null")
			}
			key, err := objectKey(vals[0], types[0], 1)
			if err != nil {
				return nil, out, err
			}
			b = appendJSONString(b, key)
			b = append(b, " : "...)
			b = appendToJSON(b, vals[1], types[1])
		} else {
			b = appendToJSON(b, vals[0], types[0])
		}
	}
	if object {
		b = append(b, " }"...)
	} else {
		b = append(b, ']')
	}
	return jsonOut(b, k)
}

// jsonSetFunctions are the set-returning json functions, read in FROM.
var jsonSetFunctions = map[string]bool{
	"json_array_elements": true, "jsonb_array_elements": true,
	"json_array_elements_text": true, "jsonb_array_elements_text": true,
	"json_each": true, "jsonb_each": true, "json_each_text": true, "jsonb_each_text": true,
	"json_object_keys": true, "jsonb_object_keys": true,
}

// jsonSetFunction computes a set-returning json function's columns and
// rows. Its columns keep their names (value, key) under a table alias,
// as a function's named OUT parameters do, but for object_keys's, which
// is named for the function.
func jsonSetFunction(name string, args []any, types []sqlType) ([]Column, [][]any, error) {
	k := funcKind(name)
	asText := strings.HasSuffix(name, "_text")
	vt := sqlType{kind: k}
	if asText {
		vt = typText
	}
	var cols []Column
	switch {
	case strings.Contains(name, "_each"):
		cols = []Column{{Name: "key", typ: typText}, {Name: "value", typ: vt}}
	case strings.HasSuffix(name, "object_keys"):
		cols = []Column{{Name: name, typ: typText}}
	default:
		cols = []Column{{Name: "value", typ: vt}}
	}
	if len(args) != 1 || !argIs(types[0], k) {
		return cols, nil, jsonNoFunction(name, types)
	}
	if args[0] == nil {
		return cols, nil, nil
	}
	j, err := jsonOperand(args[0], sqlType{kind: k})
	if err != nil {
		return cols, nil, err
	}
	what := map[jsonKind]string{jArray: "an array", jObject: "an object"}[j.kind]
	if what == "" {
		what = "a scalar"
	}
	var rows [][]any
	switch {
	case strings.Contains(name, "_each"):
		if j.kind != jObject {
			return cols, nil, pgerr.New(pgerr.InvalidParameterValue, "cannot call %s on a non-object", name)
		}
		for i, e := range j.elems {
			rows = append(rows, []any{j.keys[i], jsonResult(e, sqlType{kind: k}, asText)})
		}
	case strings.HasSuffix(name, "object_keys"):
		if j.kind != jObject {
			return cols, nil, pgerr.New(pgerr.InvalidParameterValue, "cannot call %s on %s", name, what)
		}
		for _, key := range j.keys {
			rows = append(rows, []any{key})
		}
	default:
		if j.kind != jArray {
			return cols, nil, pgerr.New(pgerr.InvalidParameterValue, "cannot extract elements from %s", what)
		}
		for _, e := range j.elems {
			rows = append(rows, []any{jsonResult(e, sqlType{kind: k}, asText)})
		}
	}
	return cols, rows, nil
}
