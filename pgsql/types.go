package pgsql

import (
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cockroachdb/apd/v3"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// kind is a SQL type of this slice, as PostgreSQL names it internally.
type kind uint8

const (
	kUnknown     kind = iota // an untyped string literal or parameter, resolved by context
	kInt2                    // smallint
	kInt4                    // integer
	kInt8                    // bigint
	kNumeric                 // numeric(p, s)
	kFloat4                  // real
	kFloat8                  // double precision
	kText                    // text
	kVarchar                 // varchar(n)
	kBpchar                  // char(n)
	kBool                    // boolean
	kBytea                   // bytea
	kTimestamp               // timestamp without time zone
	kTimestamptz             // timestamp with time zone
	kDate                    // date
	kUUID                    // uuid, stored as text in canonical form (uuid.go)
	kInterval                // interval, stored as text in its output form (interval.go)
	kJSON                    // json, stored as its input text (json.go)
	kJSONB                   // jsonb, stored as its normalized output text (json.go)
	kEnum                    // an enum type, stored as its label (enum.go)
	kTime                    // time without time zone, microseconds past midnight (timeofday.go)
)

// sqlType is a column's or an expression's SQL type: the kind and its
// modifiers (a length for varchar and char, precision and scale for
// numeric; 0 means none).
type sqlType struct {
	kind        kind
	length      int
	prec, scale int
	// array marks a one-dimensional array of the type (array.go).
	array bool
	// vector marks an array whose subscripts start at 0, as the catalog's
	// int2vector and oidvector columns' do; others start at 1.
	vector bool
	// enum is an enum type's definition, for kEnum.
	enum *enumType
	// record marks a row value (a whole-row reference or ROW(...)), held
	// as its json text with kind kJSON, where reldb takes one
	// (wholerow.go).
	record bool
}

// An interval's modifiers (interval day to second(3)) are kept in length
// and prec: length holds the field mask as the grammar gives it, prec the
// seconds precision plus one; 0 means none.

var kindNames = [...]string{"unknown", "int2", "int4", "int8", "numeric", "float4", "float8", "text", "varchar", "bpchar", "bool", "bytea", "timestamp", "timestamptz", "date", "uuid", "interval", "json", "jsonb", "enum", "time"}

// String returns PostgreSQL's internal type name with its modifiers, as
// pg_catalog's format_type would name it briefly (int4, varchar(20)).
func (t sqlType) String() string {
	name := kindNames[t.kind]
	switch {
	case t.kind == kEnum && t.enum != nil:
		return t.enum.name
	case (t.kind == kVarchar || t.kind == kBpchar) && t.length > 0:
		return fmt.Sprintf("%s(%d)", name, t.length)
	case t.kind == kNumeric && t.prec > 0:
		return fmt.Sprintf("numeric(%d,%d)", t.prec, t.scale)
	case t.kind == kTime && t.prec > 0:
		return fmt.Sprintf("time(%d)", t.prec-1)
	}
	return name
}

func (t sqlType) isInt() bool  { return t.kind >= kInt2 && t.kind <= kInt8 }
func (t sqlType) isText() bool { return t.kind == kText || t.kind == kVarchar || t.kind == kBpchar }

var (
	typInt4    = sqlType{kind: kInt4}
	typInt8    = sqlType{kind: kInt8}
	typNumeric = sqlType{kind: kNumeric}
	typFloat8  = sqlType{kind: kFloat8}
	typText    = sqlType{kind: kText}
	typBool    = sqlType{kind: kBool}
	typBytea   = sqlType{kind: kBytea}
	typUnknown = sqlType{kind: kUnknown}
)

// typeOf maps a type name from the IR onto a SQL type of this slice, or
// returns 0A000 naming it.
func typeOf(tn ir.TypeName) (sqlType, error) {
	if tn.ArrayDims > 0 {
		return arrayTypeOf(tn) // arraycol.go
	}
	if tn.Schema != "" && tn.Schema != "pg_catalog" {
		return sqlType{}, pgerr.Unsupported("type " + tn.String())
	}
	mod := func(i int) int {
		if i < len(tn.Mods) {
			return int(tn.Mods[i])
		}
		return 0
	}
	switch tn.Name {
	case "int2":
		return sqlType{kind: kInt2}, nil
	case "int4":
		return sqlType{kind: kInt4}, nil
	case "int8":
		return sqlType{kind: kInt8}, nil
	case "numeric":
		t := sqlType{kind: kNumeric, prec: mod(0), scale: mod(1)}
		if len(tn.Mods) > 0 && (t.prec < 1 || t.prec > 1000 || t.scale < 0 || t.scale > t.prec) {
			return sqlType{}, pgerr.Unsupported("numeric modifiers " + tn.String())
		}
		return t, nil
	case "float4":
		return sqlType{kind: kFloat4}, nil
	case "float8":
		return sqlType{kind: kFloat8}, nil
	case "text":
		return typText, nil
	case "varchar":
		return sqlType{kind: kVarchar, length: mod(0)}, nil
	case "bpchar":
		n := mod(0)
		if len(tn.Mods) == 0 {
			n = 1 // char without a length is char(1)
		}
		return sqlType{kind: kBpchar, length: n}, nil
	case "bool":
		return typBool, nil
	case "bytea":
		return sqlType{kind: kBytea}, nil
	case "timestamp":
		return sqlType{kind: kTimestamp}, nil
	case "timestamptz":
		return sqlType{kind: kTimestamptz}, nil
	case "date":
		return sqlType{kind: kDate}, nil
	case "time":
		return timeType(tn.Mods) // timeofday.go
	case "uuid":
		return typUUID, nil
	case "interval":
		return intervalType(tn)
	case "json":
		return typJSON, nil
	case "jsonb":
		return typJSONB, nil
	}
	return sqlType{}, pgerr.Unsupported("type " + tn.String())
}

// engineType is the engine column type that stores t.
func (t sqlType) engineType() engine.Type {
	if t.array {
		return engine.Text // its text form (arraycol.go)
	}
	switch t.kind {
	case kInt2, kInt4, kInt8, kTime:
		return engine.Int
	case kNumeric:
		return engine.Decimal
	case kFloat4, kFloat8:
		return engine.Float
	case kBool:
		return engine.Bool
	case kBytea:
		return engine.Bytes
	case kTimestamp, kTimestamptz, kDate:
		return engine.Time
	}
	return engine.Text
}

// defaultType is the SQL type of an engine column that was not made in
// SQL (declared through the Go API), as engine's type doc maps them.
func defaultType(c engine.Column) sqlType {
	switch c.Type {
	case engine.Int:
		return typInt8
	case engine.Float:
		return typFloat8
	case engine.Bool:
		return typBool
	case engine.Bytes:
		return sqlType{kind: kBytea}
	case engine.Time:
		return sqlType{kind: kTimestamptz}
	case engine.Decimal:
		return sqlType{kind: kNumeric, prec: c.Precision, scale: c.Scale}
	}
	return typText
}

// outOfRange is 22003 for an integer type.
func outOfRange(t sqlType) *pgerr.Error {
	switch t.kind {
	case kInt2:
		return pgerr.New(pgerr.NumericValueOutOfRange, "smallint out of range")
	case kInt8:
		return pgerr.New(pgerr.NumericValueOutOfRange, "bigint out of range")
	}
	return pgerr.New(pgerr.NumericValueOutOfRange, "integer out of range")
}

// checkInt returns 22003 when v does not fit integer type t.
func checkInt(t sqlType, v int64) error {
	switch t.kind {
	case kInt2:
		if v < math.MinInt16 || v > math.MaxInt16 {
			return outOfRange(t)
		}
	case kInt4:
		if v < math.MinInt32 || v > math.MaxInt32 {
			return outOfRange(t)
		}
	}
	return nil
}

func invalidInput(t sqlType, s string) *pgerr.Error {
	name := map[kind]string{kInt2: "smallint", kInt4: "integer", kInt8: "bigint", kNumeric: "numeric", kFloat4: "real",
		kFloat8: "double precision", kBool: "boolean", kBytea: "bytea", kTimestamp: "timestamp", kTimestamptz: "timestamp with time zone", kDate: "date", kUUID: "uuid", kInterval: "interval", kJSON: "json", kJSONB: "jsonb", kTime: "time"}[t.kind]
	code := pgerr.InvalidTextRepresentation
	if timeKind(t) || t.kind == kInterval || t.kind == kTime {
		code = "22007" // invalid_datetime_format
	}
	return pgerr.New(code, "invalid input syntax for type %s: %q", name, s)
}

// parseText reads s, a string literal or text parameter, as a value of
// type t, the way PostgreSQL's input functions do for the common forms.
func parseText(t sqlType, s string) (any, error) {
	trimmed := strings.TrimSpace(s)
	switch t.kind {
	case kUnknown, kText, kVarchar, kBpchar:
		return s, nil
	case kInt2, kInt4, kInt8:
		v, err := strconv.ParseInt(trimmed, 10, 64)
		if err != nil {
			if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
				return nil, outOfRange(t)
			}
			return nil, invalidInput(t, s)
		}
		return v, nil
	case kNumeric:
		d, _, err := apd.NewFromString(trimmed)
		if err != nil || d.Form == apd.Infinite {
			return nil, invalidInput(t, s)
		}
		return d, nil
	case kFloat4, kFloat8:
		switch strings.ToLower(trimmed) {
		case "nan":
			return math.NaN(), nil
		case "infinity", "inf", "+infinity":
			return math.Inf(1), nil
		case "-infinity", "-inf":
			return math.Inf(-1), nil
		}
		f, err := strconv.ParseFloat(trimmed, 64)
		if err != nil {
			if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
				return nil, pgerr.New(pgerr.NumericValueOutOfRange, "%q is out of range for type double precision", s)
			}
			return nil, invalidInput(t, s)
		}
		return f, nil
	case kBool:
		switch strings.ToLower(trimmed) {
		case "t", "true", "yes", "y", "on", "1":
			return true, nil
		case "f", "false", "no", "n", "off", "0":
			return false, nil
		}
		return nil, invalidInput(t, s)
	case kBytea:
		if rest, ok := strings.CutPrefix(s, `\x`); ok {
			b, err := hex.DecodeString(rest)
			if err != nil {
				return nil, invalidInput(t, s)
			}
			return b, nil
		}
		if strings.Contains(s, `\`) {
			return nil, pgerr.Unsupported("bytea escape format input")
		}
		return []byte(s), nil
	case kTimestamp, kTimestamptz:
		return parseTime(t, trimmed)
	case kUUID:
		return parseUUID(s)
	case kInterval:
		return parseIntervalTyped(s, t)
	case kJSON, kJSONB:
		return parseJSONText(t, s)
	case kEnum:
		return parseEnum(t, s)
	case kTime:
		us, err := parseTimeOfDay(s)
		if err != nil {
			return nil, err
		}
		return roundTime(us, t), nil
	case kDate:
		v, err := parseTime(sqlType{kind: kTimestamp}, trimmed)
		if err != nil {
			if pgerr.Code(err) == "22008" {
				return nil, err
			}
			return nil, invalidInput(t, s)
		}
		return v.(time.Time).Truncate(24 * time.Hour), nil
	}
	return nil, invalidInput(t, s)
}

// timeLayouts are the timestamp input forms accepted, without a zone.
var timeLayouts = []string{"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04", "2006-01-02"}

// parseTime reads an ISO 8601 timestamp. A zone (Z, +hh, +hh:mm) is
// honoured for timestamptz and ignored for timestamp, as PostgreSQL does;
// the session's TimeZone is UTC.
func parseTime(t sqlType, s string) (any, error) {
	body, off := s, 0
	if strings.HasSuffix(body, "Z") {
		body = body[:len(body)-1]
	} else if i := strings.LastIndexAny(body, "+-"); i > 10 {
		zone := body[i+1:]
		h, m := zone, "0"
		if a, b, ok := strings.Cut(zone, ":"); ok {
			h, m = a, b
		} else if len(zone) == 4 {
			h, m = zone[:2], zone[2:]
		}
		hh, err1 := strconv.Atoi(h)
		mm, err2 := strconv.Atoi(m)
		if err1 != nil || err2 != nil {
			return nil, invalidInput(t, s)
		}
		off = hh*3600 + mm*60
		if body[i] == '-' {
			off = -off
		}
		body = strings.TrimSpace(body[:i])
	}
	for _, l := range timeLayouts {
		v, err := time.Parse(l, body)
		var pe *time.ParseError
		if errors.As(err, &pe) && strings.Contains(pe.Message, "out of range") {
			return nil, pgerr.New("22008", "date/time field value out of range: %q", s)
		}
		if err == nil {
			if t.kind == kTimestamptz {
				v = v.Add(-time.Duration(off) * time.Second)
			}
			return v.UTC().Round(time.Microsecond), nil
		}
	}
	return nil, invalidInput(t, s)
}

// fit checks and converts v, already of t's kind family, to t: integer
// range, varchar and char length (22001), char padding, float4 rounding.
// Numeric precision is checked by the engine (22003).
func fit(t sqlType, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch t.kind {
	case kInt2, kInt4:
		if err := checkInt(t, v.(int64)); err != nil {
			return nil, err
		}
	case kVarchar, kBpchar:
		s := v.(string)
		n := utf8.RuneCountInString(s)
		if t.length > 0 && n > t.length {
			// PostgreSQL lets trailing blanks go silently.
			cut := strings.TrimRight(s, " ")
			if utf8.RuneCountInString(cut) > t.length {
				name := "character varying"
				if t.kind == kBpchar {
					name = "character"
				}
				return nil, pgerr.New(pgerr.StringDataRightTruncation, "value too long for type %s(%d)", name, t.length)
			}
			s = string([]rune(s)[:t.length])
			n = t.length
		}
		if t.kind == kBpchar && n < t.length {
			s += strings.Repeat(" ", t.length-n)
		}
		return s, nil
	case kFloat4:
		f := v.(float64)
		if !math.IsInf(f, 0) && !math.IsNaN(f) && math.Abs(f) > math.MaxFloat32 {
			return nil, pgerr.New(pgerr.NumericValueOutOfRange, "value out of range: overflow")
		}
		return float64(float32(f)), nil
	case kInterval:
		iv, err := asInterval(v)
		if err != nil {
			return nil, err
		}
		return fitInterval(iv, t), nil
	case kTime:
		return roundTime(v.(int64), t), nil
	}
	return v, nil
}

// Format returns PostgreSQL's text output of v, a value of a column of
// type c: t/f for booleans, \x hex for bytea, numeric with its scale,
// timestamps in ISO form with the session's UTC offset. null is true for
// NULL.
func (c Column) Format(v any) (text string, null bool) {
	if v == nil {
		return "", true
	}
	switch x := v.(type) {
	case int64:
		if c.typ.kind == kTime && !c.typ.array {
			return formatTime(x), false
		}
		return strconv.FormatInt(x, 10), false
	case float64:
		if c.typ.kind == kFloat4 {
			return formatFloat(x, 32), false
		}
		return formatFloat(x, 64), false
	case *apd.Decimal:
		if x.IsZero() && x.Negative {
			x = new(apd.Decimal).Neg(x)
		}
		return x.Text('f'), false
	case bool:
		if x {
			return "t", false
		}
		return "f", false
	case []byte:
		return `\x` + hex.EncodeToString(x), false
	case time.Time:
		if c.typ.kind == kDate {
			return x.UTC().Format("2006-01-02"), false
		}
		if c.typ.kind == kTimestamp {
			return x.UTC().Format("2006-01-02 15:04:05.999999"), false
		}
		return x.UTC().Format("2006-01-02 15:04:05.999999") + "+00", false
	case string:
		return x, false
	case Interval:
		return x.String(), false
	case jsonbText:
		return string(x), false
	case enumValue:
		return x.label, false
	case []any:
		return c.formatArray(x), false
	}
	return fmt.Sprint(v), false
}

// formatFloat prints f as PostgreSQL 12+ does: the shortest text that
// reads back exactly, in exponent form below 1e-4 and from 1e15 (1e6 for
// real) on.
func formatFloat(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	e := strconv.FormatFloat(f, 'e', -1, bits)
	exp, _ := strconv.Atoi(e[strings.IndexByte(e, 'e')+1:])
	limit := 15
	if bits == 32 {
		limit = 6
	}
	if exp < -4 || exp >= limit {
		return e
	}
	return strconv.FormatFloat(f, 'f', -1, bits)
}
