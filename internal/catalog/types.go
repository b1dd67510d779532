package catalog

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cockroachdb/apd/v3"
)

// Type is a column's data type.
type Type uint8

// Column types. Each maps to one Go type in stored rows, which Record.Get
// returns: Int int64, Float float64, Text string, Bool bool, Bytes []byte,
// Time time.Time (UTC), Decimal *apd.Decimal. NULL is nil.
const (
	Int     Type = iota + 1 // int64; PostgreSQL bigint
	Float                   // float64; PostgreSQL double precision
	Text                    // string, valid UTF-8 without NUL; PostgreSQL text, compared byte-wise (C collation)
	Bool                    // bool; PostgreSQL boolean
	Bytes                   // []byte; PostgreSQL bytea
	Time                    // time.Time in UTC, rounded to microseconds; PostgreSQL timestamptz
	Decimal                 // *apd.Decimal, exact; PostgreSQL numeric(precision, scale)
)

var typeNames = [...]string{Int: "int", Float: "float", Text: "text", Bool: "bool", Bytes: "bytes", Time: "time", Decimal: "decimal"}

// String returns the type's name, or "Type(n)" for an unknown value.
func (t Type) String() string {
	if int(t) < len(typeNames) && typeNames[t] != "" {
		return typeNames[t]
	}
	return "Type(" + strconv.Itoa(int(t)) + ")"
}

// Valid reports whether t is one of the column types.
func (t Type) Valid() bool { return t >= Int && t <= Decimal }

// decimalCtx does the arithmetic of decimal coercion. Its precision is raised
// per operation where a value needs more digits.
var decimalCtx = apd.BaseContext.WithPrecision(1000)

// Coerce converts a Go value into the canonical stored form for column c:
// int64, float64, string, bool, []byte (a private copy), time.Time (UTC) or
// *apd.Decimal (a private copy, rounded to the column's scale). nil stays nil;
// NOT NULL is checked by the caller. The error wraps ErrType or
// ErrNumericOverflow.
func Coerce(c *Column, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	// A value already of the stored type is returned as given, not
	// re-boxed: boxing an int64 or a string allocates, and a bulk insert
	// would pay it for every column of every row.
	switch c.Type {
	case Int:
		if _, ok := v.(int64); ok {
			return v, nil
		}
		if i, ok := ToInt64(v); ok {
			return i, nil
		}
	case Float:
		switch x := v.(type) {
		case float64:
			return v, nil
		case float32:
			return float64(x), nil
		}
		if i, ok := ToInt64(v); ok {
			return float64(i), nil
		}
	case Text:
		if s, ok := v.(string); ok {
			if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
				// PostgreSQL text is UTF-8 without NUL.
				return nil, &ConstraintError{Kind: ErrType, Table: c.Table, Columns: []string{c.Name}, SQLState: StateCharacterNotInRepertoire,
					Message: fmt.Sprintf("invalid text for column %q of table %q", c.Name, c.Table),
					Detail:  fmt.Sprintf("text must be valid UTF-8 without NUL bytes, as PostgreSQL's; got %q", s)}
			}
			return v, nil
		}
	case Bool:
		if _, ok := v.(bool); ok {
			return v, nil
		}
	case Bytes:
		if b, ok := v.([]byte); ok {
			if b == nil {
				return nil, nil
			}
			return append([]byte{}, b...), nil
		}
	case Time:
		if t, ok := v.(time.Time); ok {
			// PostgreSQL's timestamptz keeps microseconds, rounding the rest,
			// from 4713 BC to 294276 AD.
			t = t.UTC().Round(time.Microsecond)
			if t.Before(minTime) || t.After(maxTime) {
				return nil, &ConstraintError{Kind: ErrType, Table: c.Table, Columns: []string{c.Name}, SQLState: StateDatetimeOverflow,
					Message: fmt.Sprintf("timestamp out of range for column %q of table %q: %v", c.Name, c.Table, t),
					Detail:  "PostgreSQL's timestamptz holds 4713 BC to 294276 AD"}
			}
			return t, nil
		}
	case Decimal:
		d, err := ToDecimal(v)
		if err == nil && d == nil {
			return nil, nil
		}
		if err == nil {
			return c.FitDecimal(d)
		}
		if s, isString := v.(string); isString {
			return nil, &ConstraintError{Kind: ErrType, Table: c.Table, Columns: []string{c.Name}, SQLState: StateInvalidTextRepresentation,
				Message: fmt.Sprintf("invalid input syntax for type numeric: %q", s)}
		}
		if _, isPtr := v.(*apd.Decimal); isPtr || reflect.ValueOf(v).Kind() != reflect.Pointer {
			return nil, fmt.Errorf("%w: column %q: %w", ErrType, c.Name, err)
		}
	}
	// A pointer stands for what it points to, and a nil one for NULL; a
	// named type (type ID int64) for its underlying value, as database/sql
	// treats them.
	rv := reflect.ValueOf(v)
	for depth := 0; rv.Kind() == reflect.Pointer; depth++ {
		if rv.IsNil() {
			return nil, nil
		}
		if depth == maxPointerDepth {
			return nil, fmt.Errorf("%w: column %q: %T points too deep", ErrType, c.Name, v)
		}
		rv = rv.Elem()
	}
	var base any
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		base = rv.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		base = rv.Uint()
	case reflect.Float32, reflect.Float64:
		base = rv.Float()
	case reflect.String:
		base = rv.String()
	case reflect.Bool:
		base = rv.Bool()
	case reflect.Slice:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			base = rv.Bytes()
		}
	case reflect.Struct:
		if rv.CanInterface() {
			switch x := rv.Interface().(type) {
			case time.Time, apd.Decimal:
				base = x
			}
		}
	}
	if base != nil && reflect.TypeOf(base) != reflect.TypeOf(v) {
		return Coerce(c, base)
	}
	return nil, &ConstraintError{Kind: ErrType, Table: c.Table, Columns: []string{c.Name}, SQLState: StateDatatypeMismatch,
		Message: fmt.Sprintf("column %q of table %q is of type %s, but the value is a Go %T", c.Name, c.Table, c.Type.SQLName(), v)}
}

// maxPointerDepth bounds how many pointers coerce follows (a pointer type
// may point to itself).
const maxPointerDepth = 8

// CoerceExact is coerce for comparisons: a decimal is converted without
// rounding it to the column's scale, so that it compares as given (as
// PostgreSQL compares numeric values in a WHERE clause).
func CoerceExact(c *Column, v any) (any, error) {
	if c.Type == Decimal && c.Precision > 0 {
		exact := *c
		exact.Precision, exact.Scale = 0, 0
		return Coerce(&exact, v)
	}
	return Coerce(c, v)
}

// ToInt64 returns v as an int64 when v is a Go integer that fits one.
func ToInt64(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case int:
		return int64(x), true
	case int32:
		return int64(x), true
	case int16:
		return int64(x), true
	case int8:
		return int64(x), true
	case uint8:
		return int64(x), true
	case uint16:
		return int64(x), true
	case uint32:
		return int64(x), true
	case uint:
		if uint64(x) <= math.MaxInt64 {
			return int64(x), true
		}
	case uint64:
		if x <= math.MaxInt64 {
			return int64(x), true
		}
	}
	return 0, false
}

// ToDecimal returns a private copy of v as a decimal, nil for a nil pointer,
// or an error for a type that has no exact decimal form. Floats are refused:
// a binary fraction is not the decimal the caller meant; pass a string.
func ToDecimal(v any) (*apd.Decimal, error) {
	switch x := v.(type) {
	case *apd.Decimal:
		if x == nil {
			return nil, nil
		}
		if x.Coeff.Sign() < 0 {
			return nil, fmt.Errorf("malformed decimal: negative coefficient (the sign belongs in Negative)")
		}
		return new(apd.Decimal).Set(x), nil
	case apd.Decimal:
		if x.Coeff.Sign() < 0 {
			return nil, fmt.Errorf("malformed decimal: negative coefficient (the sign belongs in Negative)")
		}
		return new(apd.Decimal).Set(&x), nil
	case string:
		d, _, err := apd.NewFromString(strings.TrimSpace(x))
		if err != nil {
			return nil, fmt.Errorf("invalid decimal %q", x)
		}
		return d, nil
	case float32, float64:
		return nil, fmt.Errorf("float %v is not exact: pass a string or *apd.Decimal", x)
	}
	if i, ok := ToInt64(v); ok {
		return apd.New(i, 0), nil
	}
	return nil, fmt.Errorf("got %T", v)
}

// FitDecimal applies numeric(precision, scale) the way PostgreSQL does: round
// half away from zero to scale digits after the point, then refuse a value
// with more than precision-scale digits before it. Without a precision the
// value is kept as given, scale included. NaN fits any column; an infinity
// fits only an unconstrained one.
func (c *Column) FitDecimal(d *apd.Decimal) (any, error) {
	if d.Form == apd.NaNSignaling {
		d.Form = apd.NaN
	}
	if d.Form == apd.NaN || d.IsZero() {
		d.Negative = false // PostgreSQL has no negative zero or signed NaN
	}
	if c.Precision == 0 || d.Form == apd.NaN {
		return d, nil
	}
	overflow := func() error {
		return &ConstraintError{
			Kind: ErrNumericOverflow, Table: c.Table, Columns: []string{c.Name},
			SQLState: StateNumericOverflow,
			Message:  fmt.Sprintf("numeric field overflow in column %q of table %q", c.Name, c.Table),
			Detail:   fmt.Sprintf("a field with precision %d, scale %d must round to an absolute value less than 10^%d; %s does not", c.Precision, c.Scale, c.Precision-c.Scale, d),
		}
	}
	if d.Form == apd.Infinite {
		return nil, overflow()
	}
	if d.Exponent == -int32(c.Scale) {
		// Already at the column's scale, as a value the SQL layer cast to
		// the column's type is: rounding would copy it unchanged.
		if d.NumDigits() > int64(c.Precision) {
			return nil, overflow()
		}
		return d, nil
	}
	ctx := *decimalCtx
	ctx.Rounding = apd.RoundHalfUp // apd rounds the magnitude: half away from zero
	if need := uint32(d.NumDigits()) + uint32(max(int64(d.Exponent), -int64(d.Exponent))) + uint32(c.Scale) + 2; need > ctx.Precision {
		ctx.Precision = need
	}
	r := new(apd.Decimal)
	if _, err := ctx.Quantize(r, d, -int32(c.Scale)); err != nil {
		return nil, overflow()
	}
	if r.IsZero() {
		r.Negative = false // -0.004 rounds to 0.00, not -0.00
	} else if r.NumDigits() > int64(c.Precision) {
		return nil, overflow()
	}
	return r, nil
}

// FormatValue renders a stored value for messages and dumps.
func FormatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		return x
	case []byte:
		return `\x` + fmt.Sprintf("%x", x)
	case time.Time:
		return x.Format(time.RFC3339Nano)
	case *apd.Decimal:
		return x.String()
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	return fmt.Sprint(v)
}

var _ fmt.Stringer = Int

// ExportValue copies the stored values a caller could mutate.
func ExportValue(v any) any {
	switch x := v.(type) {
	case []byte:
		return append([]byte{}, x...)
	case *apd.Decimal:
		return new(apd.Decimal).Set(x)
	case time.Time:
		return x
	}
	return v
}

// SQLName returns the PostgreSQL name of the type (bigint, double
// precision, text, boolean, bytea, timestamptz, numeric), or its String
// for an unknown type.
func (t Type) SQLName() string {
	if t.Valid() {
		return pgTypes[t]
	}
	return t.String()
}

// The range of PostgreSQL's timestamptz: 4713-11-24 BC (year -4712 in Go's
// proleptic Gregorian calendar) to the end of 294276 AD.
var (
	minTime = time.Date(-4712, time.November, 24, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(294276, time.December, 31, 23, 59, 59, 999999000, time.UTC)
)

// MaxNameLen is PostgreSQL's NAMEDATALEN-1: longer identifiers are
// truncated there, so two names that differ after 63 bytes would collide.
const MaxNameLen = 63

// MaxPrecision is the largest numeric precision PostgreSQL declares.
const MaxPrecision = 1000

// CheckName returns an error wrapping ErrSchema unless name is a name
// PostgreSQL would keep as given: not empty, at most MaxNameLen bytes,
// valid UTF-8 without NUL. what says what is named ("table", "column").
func CheckName(what, name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%w: %s has no name", ErrSchema, what)
	case len(name) > MaxNameLen:
		return fmt.Errorf("%w: %s name %q is %d bytes; PostgreSQL keeps %d", ErrSchema, what, name, len(name), MaxNameLen)
	case !utf8.ValidString(name) || strings.IndexByte(name, 0) >= 0:
		return fmt.Errorf("%w: %s name %q must be valid UTF-8 without NUL", ErrSchema, what, name)
	}
	return nil
}
