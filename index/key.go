package index

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cockroachdb/apd/v3"
)

// ErrUnsupported is returned when a value's Go type has no key encoding.
var ErrUnsupported = errors.New("reldb: unsupported key type")

// ErrBadKey is returned when bytes given to DecodeValue or DecodeKey are not
// a key that AppendKey could have produced: truncated, with an unknown type
// tag, or not in canonical form.
var ErrBadKey = errors.New("reldb: malformed key")

// Type tags, in sort order. The gaps leave room for later types to be slotted
// in at their sort position without renumbering. NULL's tag is the largest
// byte so that NULL sorts after every value (PostgreSQL's NULLS LAST).
const (
	tagBool byte = 0x10
	// tagInt is Int's place among the types: an Int's own tag is one of
	// intNegTag-8 … intNegTag (negative) or intTag … intTag+8 (zero and
	// positive), and tagInt itself, between them, is no key's first
	// byte. It was the tag of the fixed 8-byte form, which the write-ahead
	// log's older records still hold (see UpgradeLegacyKey).
	tagInt     byte = 0x20
	intNegTag  byte = tagInt - 1 // -1; -256 … -2 one byte below; and so on
	intTag     byte = tagInt + 1 // 0; 1 … 255 one byte above; and so on
	tagFloat   byte = 0x30
	tagDecimal byte = 0x40
	tagTime    byte = 0x50
	tagText    byte = 0x60
	tagBytes   byte = 0x70
	tagNull    byte = 0xFF
)

// Decimal classes, the byte after tagDecimal, in sort order.
const (
	decNegInf byte = 0x01
	decNeg    byte = 0x02
	decZero   byte = 0x03
	decPos    byte = 0x04
	decPosInf byte = 0x05
	decNaN    byte = 0x06
)

const (
	// signBit flips the sign of a two's complement int64 so that its
	// big-endian bytes sort in numeric order.
	signBit = uint64(1) << 63

	// canonicalNaN is the only float64 NaN a key holds (math.NaN's bits).
	canonicalNaN = uint64(0x7FF8000000000001)

	// escByte and endByte follow a 0x00 in Text and Bytes: 0x00 0xFF is an
	// escaped 0x00 and 0x00 0x01 ends the value.
	escByte byte = 0xFF
	endByte byte = 0x01

	// maxDecimalPad bounds the zeros DecodeValue appends to a decimal's
	// coefficient when its normalized exponent exceeds apd's int32 exponent
	// (a value such as 10 × 10^MaxInt32, which AppendValue normalizes to
	// 1 × 10^(MaxInt32+1)). Keys needing more are rejected as malformed
	// rather than allocating without limit.
	maxDecimalPad = 1 << 12

	// maxUint64Digits is the number of decimal digits any uint64 can hold.
	maxUint64Digits = 19
)

// AppendValue appends the order-preserving encoding of v to dst and returns
// the extended slice. Comparing two encodings with bytes.Compare gives the
// same result as Compare on the values.
//
// v must be nil (SQL NULL), int64, float64, string (Text), bool, []byte
// (Bytes), time.Time or *apd.Decimal; a nil *apd.Decimal is NULL. Returns an
// error wrapping ErrUnsupported, with dst unchanged, for any other type.
//
// Every encoding starts with a one-byte type tag, and tags ascend Bool, Int,
// Float, Decimal, Time, Text, Bytes; NULL's tag is 0xFF, so NULL sorts after
// every non-NULL value (ascending NULLS LAST, as PostgreSQL's default). Values
// of different types order by tag. After the tag:
//
//   - Bool: 0x00 for false, 0x01 for true.
//   - Int: as few bytes as hold the value, big-endian, after a tag that
//     says how many and the sign: a non-negative v that needs n bytes
//     (0 for zero, 8 at most) has tag intTag+n and its n low bytes; a
//     negative v whose complement ^v needs n bytes has tag intNegTag-n and
//     its n low bytes. A longer encoding of the same sign holds a larger
//     magnitude, so the tags order the lengths and the bytes order the
//     values of one length. Small integers, most keys, take 2 to 4 bytes
//     instead of 9, and a key of two integers up to 65,535 and
//     16,777,215 fits the 7 bytes a tree compares inline.
//   - Float: 8 bytes big-endian of the IEEE 754 bits with the sign bit flipped
//     for a non-negative value and all bits flipped for a negative one. As in
//     PostgreSQL's float8, -0 is encoded as +0 (they are equal), and every NaN
//     as one canonical NaN, which sorts after +Inf (NaN equals NaN).
//   - Decimal: a class byte, 0x01 -Inf, 0x02 negative, 0x03 zero (so -0 is 0),
//     0x04 positive, 0x05 +Inf, 0x06 NaN (every apd NaN form, sorting above
//     +Inf as PostgreSQL's numeric NaN). A finite non-zero value is written as
//     0.d1d2…dn × 10^E with d1 ≠ 0 and dn ≠ 0: E as 8 bytes big-endian with the
//     sign bit flipped, then the digits two per byte as 1 + 10×d(i) + d(i+1),
//     padding an odd last digit with 0, then a 0x00 terminator. For a negative
//     value every byte after the class byte is inverted, which reverses the
//     order. Trailing zeros are not part of the key, so numerically equal
//     decimals (1, 1.0, 1.00) have equal keys: the row keeps the scale, the
//     key keeps only the value.
//   - Time: 8 bytes big-endian of the Unix seconds with the sign bit flipped,
//     then 4 bytes big-endian of the nanoseconds within the second. Only the
//     instant is kept, as PostgreSQL's timestamptz: the location and any
//     monotonic clock reading are dropped.
//   - Text and Bytes: the bytes with every 0x00 escaped as 0x00 0xFF, then the
//     terminator 0x00 0x01.
//
// Every encoding is self-delimiting and none is a proper prefix of another,
// so a composite key is the plain concatenation of its values (see
// AppendKey).
//
// AppendInt appends the encoding of an integer: AppendValue for an int64
// without boxing it in an interface.
func AppendInt(dst []byte, x int64) []byte {
	tag, n := intHeader(x)
	var buf [9]byte
	buf[0] = tag
	binary.BigEndian.PutUint64(buf[1:], uint64(x))
	dst = append(dst, tag)
	return append(dst, buf[9-n:]...)
}

// IntKeyLen returns the length of AppendInt's encoding of x.
func IntKeyLen(x int64) int {
	_, n := intHeader(x)
	return 1 + n
}

// intHeader returns the tag of x's encoding and how many bytes follow it:
// as few as hold x, or for a negative x its complement ^x.
func intHeader(x int64) (tag byte, n int) {
	if x >= 0 {
		n = (bits.Len64(uint64(x)) + 7) / 8
		return intTag + byte(n), n
	}
	n = (bits.Len64(^uint64(x)) + 7) / 8
	return intNegTag - byte(n), n
}

// intWidth returns the number of bytes after the tag of an Int whose tag
// is t, and whether t is an Int's tag.
func intWidth(t byte) (int, bool) {
	switch {
	case t >= intTag && t <= intTag+8:
		return int(t - intTag), true
	case t <= intNegTag && t >= intNegTag-8:
		return int(intNegTag - t), true
	}
	return 0, false
}

// IsIntTag reports whether b, the first byte of an encoded value, is the
// tag of an Int.
func IsIntTag(b byte) bool {
	_, ok := intWidth(b)
	return ok
}

// ReadInt decodes the Int AppendInt encoded at the start of b and returns
// it with the length of its encoding; ok is false when b does not start
// with the shortest encoding of an Int.
func ReadInt(b []byte) (x int64, n int, ok bool) {
	if len(b) == 0 {
		return 0, 0, false
	}
	w, isInt := intWidth(b[0])
	if !isInt || len(b) < 1+w {
		return 0, 0, false
	}
	x, ok = decodeInt(b[0], b[1:], w)
	return x, 1 + w, ok
}

// decodeInt decodes the Int whose tag is t from body, which holds at
// least the n bytes after the tag; ok is false if they are not the
// shortest form of their value.
func decodeInt(t byte, body []byte, n int) (x int64, ok bool) {
	var u uint64
	for _, c := range body[:n] {
		u = u<<8 | uint64(c)
	}
	if t >= intTag {
		// The shortest form: no leading zero byte, and at 8 bytes a value
		// that is still non-negative.
		return int64(u), n == 0 || body[0] != 0 && (n < 8 || body[0] < 0x80)
	}
	if n < 8 {
		u |= ^uint64(0) << (8 * n)
	}
	return int64(u), n == 0 || body[0] != 0xFF && (n < 8 || body[0] >= 0x80)
}

// AppendString appends the encoding of a string: AppendValue for a
// string without boxing it in an interface.
func AppendString(dst []byte, s string) []byte {
	dst = slices.Grow(dst, len(s)+3)
	dst = append(dst, tagText)
	return appendEscapedString(dst, s)
}

// AppendValue allocates nothing beyond growing dst, except for decimals whose
// coefficient does not fit a uint64.
func AppendValue(dst []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(dst, tagNull), nil
	case bool:
		b := byte(0)
		if x {
			b = 1
		}
		return append(dst, tagBool, b), nil
	case int64:
		return AppendInt(dst, x), nil
	case float64:
		dst = append(dst, tagFloat)
		return binary.BigEndian.AppendUint64(dst, floatKeyBits(x)), nil
	case *apd.Decimal:
		if x == nil {
			return append(dst, tagNull), nil
		}
		return appendDecimal(dst, x), nil
	case time.Time:
		dst = append(dst, tagTime)
		dst = binary.BigEndian.AppendUint64(dst, uint64(x.Unix())^signBit)
		return binary.BigEndian.AppendUint32(dst, uint32(x.Nanosecond())), nil
	case string:
		return AppendString(dst, x), nil
	case []byte:
		dst = slices.Grow(dst, len(x)+3)
		dst = append(dst, tagBytes)
		return appendEscapedBytes(dst, x), nil
	default:
		return dst, fmt.Errorf("encode key value of type %T: %w", v, ErrUnsupported)
	}
}

// AppendKey appends the encoding of each of vals to dst, in order, and
// returns the extended slice. Because every encoded value is self-delimiting,
// the key of a tuple's leading values is a byte prefix of the tuple's key, and
// no key of a different tuple starts with it unless that tuple begins with
// equal values.
//
// Returns an error wrapping ErrUnsupported, with dst unchanged (its length as
// given), if any value has a type AppendValue rejects.
func AppendKey(dst []byte, vals ...any) ([]byte, error) {
	n := len(dst)
	for i, v := range vals {
		var err error
		if dst, err = AppendValue(dst, v); err != nil {
			return dst[:n], fmt.Errorf("key column %d: %w", i, err)
		}
	}
	return dst, nil
}

// DecodeValue decodes the value at the start of b and returns it with the
// bytes that follow it. Values come back as the types AppendValue accepts:
// NULL as nil, Bytes as a fresh non-nil []byte (never aliasing b), Time in
// UTC, and a Decimal as a new *apd.Decimal holding the normalized value
// (1.00 decodes as 1).
//
// Returns an error wrapping ErrBadKey, naming the offset, if b does not start
// with a complete, canonical encoding.
func DecodeValue(b []byte) (v any, rest []byte, err error) {
	return decodeValue(b, 0)
}

// DecodeKey decodes every value in b, which must hold whole encodings and
// nothing else. An empty b decodes to no values.
//
// Returns an error wrapping ErrBadKey, naming the offset in b, if any value is
// truncated, malformed or not canonical.
func DecodeKey(b []byte) ([]any, error) {
	var vals []any
	for off := 0; off < len(b); {
		v, rest, err := decodeValue(b[off:], off)
		if err != nil {
			return nil, err
		}
		vals = append(vals, v)
		off = len(b) - len(rest)
	}
	return vals, nil
}

// Compare returns -1, 0 or +1 as a sorts before, equal to or after b, in the
// order bytes.Compare gives their encodings: NULL (nil or a nil *apd.Decimal)
// after everything else, values of different types by type tag (see
// AppendValue), and values of one type by the PostgreSQL rules AppendValue
// describes (-0 equals +0, NaN equals NaN and sorts last, decimals compare by
// value regardless of scale).
//
// Compare allocates nothing except for decimals with coefficients too large
// for a uint64.
//
// REQUIRES: a and b have types AppendValue accepts; Compare panics otherwise,
// since such a value can never be in a key.
func Compare(a, b any) int {
	switch x := a.(type) {
	case bool:
		if y, ok := b.(bool); ok {
			return compareBool(x, y)
		}
	case int64:
		if y, ok := b.(int64); ok {
			return cmp.Compare(x, y)
		}
	case float64:
		if y, ok := b.(float64); ok {
			return compareFloat(x, y)
		}
	case *apd.Decimal:
		if y, ok := b.(*apd.Decimal); ok && x != nil && y != nil {
			return compareDecimal(x, y)
		}
	case time.Time:
		if y, ok := b.(time.Time); ok {
			if c := cmp.Compare(x.Unix(), y.Unix()); c != 0 {
				return c
			}
			return cmp.Compare(x.Nanosecond(), y.Nanosecond())
		}
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y)
		}
	case []byte:
		if y, ok := b.([]byte); ok {
			return bytes.Compare(x, y)
		}
	}
	// Different types, or NULL on at least one side.
	return cmp.Compare(mustTag(a), mustTag(b))
}

// Equal reports whether a and b have equal encodings, that is
// Compare(a, b) == 0. It has Compare's requirements.
func Equal(a, b any) bool { return Compare(a, b) == 0 }

// tagOf returns the type tag AppendValue writes for v, or false if v's type
// has no encoding.
func tagOf(v any) (byte, bool) {
	switch x := v.(type) {
	case nil:
		return tagNull, true
	case bool:
		return tagBool, true
	case int64:
		return tagInt, true
	case float64:
		return tagFloat, true
	case *apd.Decimal:
		if x == nil {
			return tagNull, true
		}
		return tagDecimal, true
	case time.Time:
		return tagTime, true
	case string:
		return tagText, true
	case []byte:
		return tagBytes, true
	}
	return 0, false
}

func mustTag(v any) byte {
	t, ok := tagOf(v)
	if !ok {
		panic(fmt.Sprintf("reldb: compare key value of unsupported type %T", v))
	}
	return t
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case b:
		return -1
	default:
		return 1
	}
}

// compareFloat orders as PostgreSQL's float8: -0 == +0, NaN == NaN, and NaN
// after every other value.
func compareFloat(a, b float64) int {
	aNaN, bNaN := math.IsNaN(a), math.IsNaN(b)
	switch {
	case aNaN || bNaN:
		return compareBool(aNaN, bNaN)
	case a < b:
		return -1
	case a > b:
		return 1
	default:
		return 0
	}
}

// floatKeyBits returns the sortable 8-byte form of f.
func floatKeyBits(f float64) uint64 {
	var bits uint64
	switch {
	case math.IsNaN(f):
		bits = canonicalNaN
	case f == 0:
		bits = 0 // -0 is +0
	default:
		bits = math.Float64bits(f)
	}
	if bits&signBit != 0 {
		return ^bits
	}
	return bits ^ signBit
}

func appendEscapedString(dst []byte, s string) []byte {
	for {
		i := strings.IndexByte(s, 0)
		if i < 0 {
			break
		}
		dst = append(dst, s[:i]...)
		dst = append(dst, 0, escByte)
		s = s[i+1:]
	}
	dst = append(dst, s...)
	return append(dst, 0, endByte)
}

func appendEscapedBytes(dst, s []byte) []byte {
	for {
		i := bytes.IndexByte(s, 0)
		if i < 0 {
			break
		}
		dst = append(dst, s[:i]...)
		dst = append(dst, 0, escByte)
		s = s[i+1:]
	}
	dst = append(dst, s...)
	return append(dst, 0, endByte)
}

// decimalKey is a decimal split the way its key is laid out.
type decimalKey struct {
	class byte
	// For decNeg and decPos, the value's magnitude is 0.digits × 10^exp.
	// digits are ASCII '0'..'9' with no leading or trailing '0'.
	exp    int64
	digits []byte
}

// splitDecimal returns d's key form. buf is scratch space for the digits.
func splitDecimal(d *apd.Decimal, buf []byte) decimalKey {
	switch d.Form {
	case apd.NaN, apd.NaNSignaling:
		return decimalKey{class: decNaN}
	case apd.Infinite:
		if d.Negative {
			return decimalKey{class: decNegInf}
		}
		return decimalKey{class: decPosInf}
	}
	sign := d.Coeff.Sign()
	if sign == 0 {
		return decimalKey{class: decZero}
	}
	// apd requires a non-negative coefficient; should one be negative anyway,
	// the value it denotes is still -1^Negative × Coeff × 10^Exponent.
	neg := d.Negative != (sign < 0)
	var digits []byte
	if d.Coeff.IsUint64() {
		digits = strconv.AppendUint(buf, d.Coeff.Uint64(), 10)
	} else {
		digits = d.Coeff.Append(buf, 10)
		digits = bytes.TrimPrefix(digits, []byte{'-'})
	}
	k := decimalKey{class: decPos, exp: int64(d.Exponent) + int64(len(digits))}
	if neg {
		k.class = decNeg
	}
	k.digits = bytes.TrimRight(digits, "0")
	return k
}

func compareDecimal(a, b *apd.Decimal) int {
	var abuf, bbuf [maxUint64Digits + 1]byte
	ka, kb := splitDecimal(a, abuf[:0]), splitDecimal(b, bbuf[:0])
	if c := cmp.Compare(ka.class, kb.class); c != 0 || (ka.class != decPos && ka.class != decNeg) {
		return c
	}
	c := cmp.Compare(ka.exp, kb.exp)
	if c == 0 {
		c = bytes.Compare(ka.digits, kb.digits)
	}
	if ka.class == decNeg {
		return -c
	}
	return c
}

func appendDecimal(dst []byte, d *apd.Decimal) []byte {
	var buf [maxUint64Digits + 1]byte
	k := splitDecimal(d, buf[:0])
	dst = append(dst, tagDecimal, k.class)
	if k.class != decPos && k.class != decNeg {
		return dst
	}
	start := len(dst)
	dst = slices.Grow(dst, 8+len(k.digits)/2+2)
	dst = binary.BigEndian.AppendUint64(dst, uint64(k.exp)^signBit)
	for i := 0; i < len(k.digits); i += 2 {
		pair := (k.digits[i] - '0') * 10
		if i+1 < len(k.digits) {
			pair += k.digits[i+1] - '0'
		}
		dst = append(dst, pair+1)
	}
	dst = append(dst, 0)
	if k.class == decNeg {
		for i := start; i < len(dst); i++ {
			dst[i] = ^dst[i]
		}
	}
	return dst
}

// badKey returns the error for a malformed encoding found at offset off.
func badKey(off int, what string) error {
	return fmt.Errorf("decode key: %s at offset %d: %w", what, off, ErrBadKey)
}

// decodeValue is DecodeValue for b found at offset off of the whole key, so
// that errors name the offset in the whole key.
func decodeValue(b []byte, off int) (any, []byte, error) {
	if len(b) == 0 {
		return nil, nil, badKey(off, "missing type tag")
	}
	body := b[1:]
	if n, ok := intWidth(b[0]); ok {
		if len(body) < n {
			return nil, nil, badKey(off, "truncated int")
		}
		x, ok := decodeInt(b[0], body, n)
		if !ok {
			return nil, nil, badKey(off+1, "non-canonical int")
		}
		return x, body[n:], nil
	}
	switch b[0] {
	case tagNull:
		return nil, body, nil
	case tagBool:
		if len(body) < 1 {
			return nil, nil, badKey(off, "truncated bool")
		}
		if body[0] > 1 {
			return nil, nil, badKey(off+1, "invalid bool")
		}
		return body[0] == 1, body[1:], nil
	case tagFloat:
		if len(body) < 8 {
			return nil, nil, badKey(off, "truncated float")
		}
		f, ok := floatFromKeyBits(binary.BigEndian.Uint64(body))
		if !ok {
			return nil, nil, badKey(off+1, "non-canonical float")
		}
		return f, body[8:], nil
	case tagDecimal:
		return decodeDecimal(body, off+1)
	case tagTime:
		if len(body) < 12 {
			return nil, nil, badKey(off, "truncated time")
		}
		sec := int64(binary.BigEndian.Uint64(body) ^ signBit)
		nsec := binary.BigEndian.Uint32(body[8:])
		if nsec >= uint32(time.Second) {
			return nil, nil, badKey(off+9, "time nanoseconds out of range")
		}
		return time.Unix(sec, int64(nsec)).UTC(), body[12:], nil
	case tagText:
		raw, n, _, err := unescape(body, off+1)
		if err != nil {
			return nil, nil, err
		}
		return string(raw), body[n:], nil
	case tagBytes:
		raw, n, aliased, err := unescape(body, off+1)
		if err != nil {
			return nil, nil, err
		}
		if aliased {
			raw = append(make([]byte, 0, len(raw)), raw...) // never nil
		}
		return raw, body[n:], nil
	default:
		return nil, nil, badKey(off, fmt.Sprintf("unknown type tag %#02x", b[0]))
	}
}

// floatFromKeyBits inverts floatKeyBits. It reports false for bits that
// floatKeyBits never produces: -0 and non-canonical NaNs.
func floatFromKeyBits(u uint64) (float64, bool) {
	var bits uint64
	if u&signBit != 0 {
		bits = u ^ signBit
	} else {
		bits = ^u
	}
	f := math.Float64frombits(bits)
	if (f == 0 && bits != 0) || (math.IsNaN(f) && bits != canonicalNaN) {
		return 0, false
	}
	return f, true
}

// unescape decodes an escaped, terminated Text or Bytes body at the start of
// b, found at offset off. It returns the raw bytes and the number of bytes of
// b consumed. When the body holds no escape, raw aliases b and aliased is
// true; otherwise raw is a new slice.
func unescape(b []byte, off int) (raw []byte, n int, aliased bool, err error) {
	i := bytes.IndexByte(b, 0)
	if i < 0 || i+1 >= len(b) {
		return nil, 0, false, badKey(off, "unterminated string")
	}
	if b[i+1] == endByte {
		return b[:i:i], i + 2, true, nil
	}
	// Slow path: at least one escaped 0x00.
	raw = make([]byte, 0, 2*i+2)
	start := 0
	for {
		switch b[i+1] {
		case escByte:
			raw = append(raw, b[start:i+1]...) // includes the 0x00 itself
		case endByte:
			return append(raw, b[start:i]...), i + 2, false, nil
		default:
			return nil, 0, false, badKey(off+i+1, fmt.Sprintf("invalid escape %#02x", b[i+1]))
		}
		start = i + 2
		j := bytes.IndexByte(b[start:], 0)
		if j < 0 || start+j+1 >= len(b) {
			return nil, 0, false, badKey(off, "unterminated string")
		}
		i = start + j
	}
}

// decodeDecimal decodes a decimal body (class byte onward) at the start of b,
// found at offset off.
func decodeDecimal(b []byte, off int) (any, []byte, error) {
	if len(b) == 0 {
		return nil, nil, badKey(off, "truncated decimal")
	}
	class, body := b[0], b[1:]
	switch class {
	case decNegInf:
		return &apd.Decimal{Form: apd.Infinite, Negative: true}, body, nil
	case decZero:
		return &apd.Decimal{}, body, nil
	case decPosInf:
		return &apd.Decimal{Form: apd.Infinite}, body, nil
	case decNaN:
		return &apd.Decimal{Form: apd.NaN}, body, nil
	case decNeg, decPos:
	default:
		return nil, nil, badKey(off, fmt.Sprintf("unknown decimal class %#02x", class))
	}
	off++
	var inv byte // every byte after the class is inverted for negatives
	if class == decNeg {
		inv = 0xFF
	}
	if len(body) < 8 {
		return nil, nil, badKey(off, "truncated decimal exponent")
	}
	u := binary.BigEndian.Uint64(body)
	if inv != 0 {
		u = ^u
	}
	e := int64(u ^ signBit)
	var buf [2 * maxUint64Digits]byte
	digits := buf[:0]
	end := -1
	for i := 8; i < len(body); i++ {
		x := body[i] ^ inv
		if x == 0 {
			end = i
			break
		}
		if x > 100 {
			return nil, nil, badKey(off+i, "invalid decimal digits")
		}
		digits = append(digits, '0'+(x-1)/10, '0'+(x-1)%10)
	}
	switch {
	case end < 0:
		return nil, nil, badKey(off, "unterminated decimal")
	case end == 8:
		return nil, nil, badKey(off+8, "decimal without digits")
	case digits[0] == '0':
		return nil, nil, badKey(off+8, "decimal digits with leading zero")
	case digits[len(digits)-1] == '0':
		digits = digits[:len(digits)-1] // padding of an odd digit count
		if digits[len(digits)-1] == '0' {
			return nil, nil, badKey(off+end-1, "decimal digits with trailing zero")
		}
	}
	// The value is 0.digits × 10^e = digits × 10^(e-n).
	n := int64(len(digits))
	if e < math.MinInt32+n {
		return nil, nil, badKey(off, "decimal exponent out of range")
	}
	exp := e - n
	if exp > math.MaxInt32 {
		// Move the excess into the coefficient as trailing zeros.
		pad := exp - math.MaxInt32
		if pad > maxDecimalPad {
			return nil, nil, badKey(off, "decimal exponent out of range")
		}
		digits = append(digits, bytes.Repeat([]byte{'0'}, int(pad))...)
		exp = math.MaxInt32
	}
	d := &apd.Decimal{Negative: class == decNeg, Exponent: int32(exp)}
	if len(digits) <= maxUint64Digits {
		var c uint64
		for _, ch := range digits {
			c = c*10 + uint64(ch-'0')
		}
		d.Coeff.SetUint64(c)
	} else if _, ok := d.Coeff.SetString(string(digits), 10); !ok {
		return nil, nil, badKey(off, "invalid decimal digits") // unreachable: digits are ASCII digits
	}
	return d, body[end+1:], nil
}

// UpgradeLegacyKey returns key re-encoded in the current form. Before
// Ints took as few bytes as hold them, an Int was tagInt and 8 bytes
// big-endian with the sign bit flipped; the write-ahead log's records of
// that time name the rows they delete by such keys. Values of other types
// are copied as they are. It returns an error wrapping ErrBadKey if key is
// not a key of either form.
func UpgradeLegacyKey(key []byte) ([]byte, error) {
	var vals []any
	for off := 0; off < len(key); {
		b := key[off:]
		if b[0] == tagInt {
			if len(b) < 9 {
				return nil, badKey(off, "truncated int")
			}
			vals = append(vals, int64(binary.BigEndian.Uint64(b[1:])^signBit))
			off += 9
			continue
		}
		v, rest, err := decodeValue(b, off)
		if err != nil {
			return nil, err
		}
		vals = append(vals, v)
		off = len(key) - len(rest)
	}
	return AppendKey(nil, vals...)
}
