package pgsql

import (
	"strings"
	"unicode/utf8"

	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Type OIDs are the pg_type row numbers PostgreSQL's wire protocol names
// types by: in a RowDescription, a ParameterDescription and a Parse. These
// are the types of this slice; they never change between PostgreSQL
// versions.
const (
	OIDBool        uint32 = 16
	OIDBytea       uint32 = 17
	OIDInt8        uint32 = 20
	OIDInt2        uint32 = 21
	OIDInt4        uint32 = 23
	OIDText        uint32 = 25
	OIDFloat4      uint32 = 700
	OIDFloat8      uint32 = 701
	OIDUnknown     uint32 = 705
	OIDBpchar      uint32 = 1042
	OIDVarchar     uint32 = 1043
	OIDDate        uint32 = 1082
	OIDTime        uint32 = 1083
	OIDTimestamp   uint32 = 1114
	OIDTimestamptz uint32 = 1184
	OIDInterval    uint32 = 1186
	OIDNumeric     uint32 = 1700
	OIDUUID        uint32 = 2950
	OIDJSON        uint32 = 114
	OIDJSONB       uint32 = 3802
)

// kindOIDs maps each kind onto its OID; an untyped value is text, as
// PostgreSQL resolves an unknown output column.
var kindOIDs = [...]uint32{
	kUnknown: OIDText, kInt2: OIDInt2, kInt4: OIDInt4, kInt8: OIDInt8, kNumeric: OIDNumeric,
	kFloat4: OIDFloat4, kFloat8: OIDFloat8, kText: OIDText, kVarchar: OIDVarchar, kBpchar: OIDBpchar,
	kBool: OIDBool, kBytea: OIDBytea, kTimestamp: OIDTimestamp, kTimestamptz: OIDTimestamptz, kDate: OIDDate,
	kUUID: OIDUUID, kInterval: OIDInterval, kJSON: OIDJSON, kJSONB: OIDJSONB, kEnum: 0, kTime: OIDTime,
}

// arrayOIDs maps each kind onto the OID of its one-dimensional array type
// (int8[] is 1016), for the parameters of ANY and ALL.
var arrayOIDs = [...]uint32{
	kUnknown: 1009, kInt2: 1005, kInt4: 1007, kInt8: 1016, kNumeric: 1231,
	kFloat4: 1021, kFloat8: 1022, kText: 1009, kVarchar: 1015, kBpchar: 1014,
	kBool: 1000, kBytea: 1001, kTimestamp: 1115, kTimestamptz: 1185, kDate: 1182,
	kUUID: 2951, kInterval: 1187, kJSON: 199, kJSONB: 3807, kEnum: 0, kTime: 1183,
}

// oidOf returns the OID of t, an array type's for an array.
func oidOf(t sqlType) uint32 {
	if t.array && int(t.kind) < len(arrayOIDs) && arrayOIDs[t.kind] != 0 {
		return arrayOIDs[t.kind]
	}
	if t.array {
		return OIDTextArray // an enum's array, sent as text[] (enum.go)
	}
	if t.kind == kEnum {
		if t.enum == nil {
			return OIDText
		}
		return uint32(t.enum.oid())
	}
	return kindOIDs[t.kind]
}

// typeOfOID maps an OID onto a type: a scalar of this slice, a
// one-dimensional array of one, or unknown for 0 and 705; ok is false for
// any other.
func typeOfOID(oid uint32) (sqlType, bool) {
	if k, ok := kindOf(oid); ok {
		return sqlType{kind: k}, true
	}
	for k, o := range arrayOIDs {
		if o == oid && o != 0 && kind(k) != kUnknown {
			return sqlType{kind: kind(k), array: true}, true
		}
	}
	return sqlType{}, false
}

// ArrayElemOID returns the element type's OID of array type oid, or false
// when oid is not an array type of this slice.
func ArrayElemOID(oid uint32) (uint32, bool) {
	t, ok := typeOfOID(oid)
	if !ok || !t.array {
		return 0, false
	}
	return kindOIDs[t.kind], true
}

// kindOf maps an OID back onto a kind; ok is false for a type outside
// this slice.
func kindOf(oid uint32) (kind, bool) {
	for k, o := range kindOIDs {
		if o == oid && o != 0 && kind(k) != kUnknown {
			return kind(k), true
		}
	}
	return kUnknown, oid == 0 || oid == OIDUnknown
}

// OID returns the pg_type OID of the column's type (text, 25, for an
// untyped literal).
func (c Column) OID() uint32 { return oidOf(c.typ) }

// TypeSize returns pg_type.typlen of the column's type: its fixed width in
// bytes, or -1 for a variable-width type. A RowDescription carries it.
func (c Column) TypeSize() int16 {
	if c.typ.array {
		return -1
	}
	switch c.typ.kind {
	case kBool:
		return 1
	case kInt2:
		return 2
	case kInt4, kFloat4, kDate, kEnum: // an enum's oid, in PostgreSQL
		return 4
	case kInt8, kFloat8, kTimestamp, kTimestamptz, kTime:
		return 8
	case kUUID, kInterval:
		return 16
	}
	return -1
}

// TypeModifier returns the column's atttypmod as PostgreSQL sends it in a
// RowDescription: length + 4 for varchar(n) and char(n), ((p << 16) | s)
// + 4 for numeric(p, s), and -1 without modifiers.
func (c Column) TypeModifier() int32 {
	switch {
	case (c.typ.kind == kVarchar || c.typ.kind == kBpchar) && c.typ.length > 0:
		return int32(c.typ.length) + 4
	case c.typ.kind == kNumeric && c.typ.prec > 0:
		return int32(c.typ.prec<<16|c.typ.scale) + 4
	case c.typ.kind == kTime && c.typ.prec > 0:
		return int32(c.typ.prec - 1) // time(p) sends p
	}
	return -1
}

// ParseParam reads s, a parameter sent in text format for a parameter of
// type oid, as the Go value Exec takes: a string for text types and for an
// unknown type (0 or 705: the statement's context types it), else the
// type's value (int64 for the integers, float64, *apd.Decimal, bool,
// []byte, time.Time, Interval; a time as its text). A malformed value is 22P02 (22007 for a
// date, timestamp or interval) and an out-of-range one 22003, as
// PostgreSQL's input functions report them; a type outside this slice is
// 0A000.
func ParseParam(oid uint32, s string) (any, error) {
	if elem, ok := ArrayElemOID(oid); ok {
		// An array parameter, for ANY / ALL: its literal's elements, each
		// read as the element type.
		items, err := parseArrayText(s)
		if err != nil {
			return nil, err
		}
		for i, it := range items {
			if it == nil {
				continue
			}
			if items[i], err = ParseParam(elem, it.(string)); err != nil {
				return nil, err
			}
		}
		return items, nil
	}
	k, ok := kindOf(oid)
	if !ok && UserTypeOID(oid) {
		k, ok = kUnknown, true // an enum's label, typed by its context (enum.go)
	}
	if !ok {
		return nil, pgerr.Unsupported("parameter type with OID " + itoa(int(oid)))
	}
	if !utf8.ValidString(s) {
		return nil, pgerr.New("22021", "invalid byte sequence for encoding \"UTF8\"")
	}
	switch k {
	case kUnknown, kText, kVarchar, kBpchar:
		return s, nil
	case kBytea:
		if strings.HasPrefix(s, `\x`) {
			break
		}
		return unescapeBytea(s)
	}
	v, err := parseText(sqlType{kind: k}, s)
	if err != nil {
		return nil, err
	}
	if k == kInt2 || k == kInt4 {
		if err := checkInt(sqlType{kind: k}, v.(int64)); err != nil {
			return nil, err
		}
	}
	if k == kTime {
		// Checked, and passed on as its canonical text, which the
		// statement's context types: an int64 argument is a number.
		return formatTime(v.(int64)), nil
	}
	return v, nil
}

// unescapeBytea reads bytea's escape input format: \\ is a backslash,
// \nnn an octal byte, and any other byte stands for itself.
func unescapeBytea(s string) ([]byte, error) {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			out = append(out, s[i])
			continue
		}
		switch {
		case i+1 < len(s) && s[i+1] == '\\':
			out = append(out, '\\')
			i++
		case i+3 < len(s) && isOctal(s[i+1]) && isOctal(s[i+2]) && isOctal(s[i+3]) && s[i+1] <= '3':
			out = append(out, (s[i+1]-'0')<<6|(s[i+2]-'0')<<3|(s[i+3]-'0'))
			i += 3
		default:
			return nil, pgerr.New(pgerr.InvalidTextRepresentation, "invalid input syntax for type bytea")
		}
	}
	return out, nil
}

func isOctal(b byte) bool { return b >= '0' && b <= '7' }
