package pgwire

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cockroachdb/apd/v3"

	"github.com/reldb/reldb/pgsql"
)

// Values cross the wire in PostgreSQL's text format (what pgsql's
// Column.Format prints and ParseParam reads) or its binary format, which
// this file encodes and decodes: big-endian integers and IEEE floats,
// bool as one byte, text and bytea as their bytes, timestamps as int64
// microseconds and dates as int32 days since 2000-01-01, intervals as
// int64 microseconds, int32 days and int32 months, and numeric as
// base-10000 digits with a weight, sign and display scale.

// pgEpoch is the zero of PostgreSQL's binary timestamps and dates.
var pgEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Format codes of Bind's parameters and results.
const (
	textFormat   int16 = 0
	binaryFormat int16 = 1
)

// formatAt returns the format of item i of n under codes, as Bind gives
// them: none means all text, one applies to all, else one per item.
func formatAt(codes []int16, i int) int16 {
	switch len(codes) {
	case 0:
		return textFormat
	case 1:
		return codes[0]
	}
	return codes[i]
}

// checkFormats returns an error if codes do not fit n items or hold a
// code other than 0 and 1.
func checkFormats(codes []int16, n int, what string) error {
	if len(codes) > 1 && len(codes) != n {
		return protocolError("bind message has %d %s formats but %d %ss", len(codes), what, n, what)
	}
	for _, c := range codes {
		if c != textFormat && c != binaryFormat {
			return &pgsql.Error{Code: "22023", Message: "unsupported format code: " + strconv.Itoa(int(c))}
		}
	}
	return nil
}

// decodeParam reads parameter i (0-based) of type oid from data in
// format f as the Go value pgsql takes; nil data is NULL.
func decodeParam(oid uint32, f int16, data []byte, i int) (any, error) {
	if data == nil {
		return nil, nil
	}
	if f == textFormat {
		return pgsql.ParseParam(oid, string(data))
	}
	v, err := decodeBinary(oid, data)
	if err != nil {
		return nil, &pgsql.Error{Code: "22P03", Message: fmt.Sprintf("incorrect binary data format in bind parameter %d", i+1), Detail: err.Error()}
	}
	return v, nil
}

// decodeBinary reads a value of type oid in binary format.
func decodeBinary(oid uint32, b []byte) (any, error) {
	need := func(n int) error {
		if len(b) != n {
			return fmt.Errorf("expected %d bytes, got %d", n, len(b))
		}
		return nil
	}
	switch oid {
	case pgsql.OIDInt2:
		if err := need(2); err != nil {
			return nil, err
		}
		return int64(int16(binary.BigEndian.Uint16(b))), nil
	case pgsql.OIDInt4:
		if err := need(4); err != nil {
			return nil, err
		}
		return int64(int32(binary.BigEndian.Uint32(b))), nil
	case pgsql.OIDInt8:
		if err := need(8); err != nil {
			return nil, err
		}
		return int64(binary.BigEndian.Uint64(b)), nil
	case pgsql.OIDFloat4:
		if err := need(4); err != nil {
			return nil, err
		}
		return float64(math.Float32frombits(binary.BigEndian.Uint32(b))), nil
	case pgsql.OIDFloat8:
		if err := need(8); err != nil {
			return nil, err
		}
		return math.Float64frombits(binary.BigEndian.Uint64(b)), nil
	case pgsql.OIDBool:
		if err := need(1); err != nil {
			return nil, err
		}
		return b[0] != 0, nil
	case pgsql.OIDBytea:
		return append([]byte{}, b...), nil
	case pgsql.OIDTimestamp, pgsql.OIDTimestamptz:
		if err := need(8); err != nil {
			return nil, err
		}
		us := int64(binary.BigEndian.Uint64(b))
		if us == math.MaxInt64 || us == math.MinInt64 {
			return nil, fmt.Errorf("infinite timestamps are not supported")
		}
		sec, frac := us/1e6, us%1e6
		if frac < 0 {
			sec, frac = sec-1, frac+1e6
		}
		return time.Unix(pgEpoch.Unix()+sec, frac*1000).UTC(), nil
	case pgsql.OIDDate:
		if err := need(4); err != nil {
			return nil, err
		}
		days := int32(binary.BigEndian.Uint32(b))
		if days == math.MaxInt32 || days == math.MinInt32 {
			return nil, fmt.Errorf("infinite dates are not supported")
		}
		return time.Unix(pgEpoch.Unix()+int64(days)*86400, 0).UTC(), nil
	case pgsql.OIDNumeric:
		return decodeNumeric(b)
	case pgsql.OIDTime:
		// Microseconds past midnight, passed on as the time's text.
		if err := need(8); err != nil {
			return nil, err
		}
		us := int64(binary.BigEndian.Uint64(b))
		if us < 0 || us > 86_400_000_000 {
			return nil, fmt.Errorf("time out of range")
		}
		return pgsql.ParseParam(oid, fmt.Sprintf("%02d:%02d:%02d.%06d", us/3_600_000_000, us/60_000_000%60, us/1_000_000%60, us%1_000_000))
	case pgsql.OIDInterval:
		if err := need(16); err != nil {
			return nil, err
		}
		return pgsql.Interval{
			Micros: int64(binary.BigEndian.Uint64(b)),
			Days:   int32(binary.BigEndian.Uint32(b[8:])),
			Months: int32(binary.BigEndian.Uint32(b[12:])),
		}, nil
	case pgsql.OIDUUID:
		if err := need(16); err != nil {
			return nil, err
		}
		h := hex.EncodeToString(b)
		return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
	case 0, pgsql.OIDText, pgsql.OIDVarchar, pgsql.OIDBpchar, pgsql.OIDUnknown:
		if !utf8.Valid(b) {
			return nil, fmt.Errorf("invalid UTF-8")
		}
		return string(b), nil
	case pgsql.OIDJSON, pgsql.OIDJSONB:
		// json's binary format is its text; jsonb's is a version byte, 1,
		// then the text.
		if oid == pgsql.OIDJSONB {
			if len(b) == 0 || b[0] != 1 {
				return nil, fmt.Errorf("unsupported jsonb version number")
			}
			b = b[1:]
		}
		return pgsql.ParseParam(oid, string(b))
	}
	if elem, ok := pgsql.ArrayElemOID(oid); ok {
		return decodeArray(elem, b)
	}
	if pgsql.UserTypeOID(oid) {
		// An enum's binary format is its label.
		return pgsql.ParseParam(oid, string(b))
	}
	return nil, fmt.Errorf("binary format of type %d is not supported", oid)
}

// decodeArray reads a one-dimensional array in binary format: the number
// of dimensions, a has-nulls flag, the element type, each dimension's
// length and lower bound, then each element as a length (-1 for NULL) and
// its bytes in elem's binary format.
func decodeArray(elem uint32, b []byte) ([]any, error) {
	word := func() (int32, error) {
		if len(b) < 4 {
			return 0, fmt.Errorf("array data cut short")
		}
		v := int32(binary.BigEndian.Uint32(b))
		b = b[4:]
		return v, nil
	}
	ndim, err := word()
	if err != nil {
		return nil, err
	}
	if _, err := word(); err != nil { // has nulls
		return nil, err
	}
	et, err := word()
	if err != nil {
		return nil, err
	}
	if uint32(et) != elem {
		return nil, fmt.Errorf("array of element type %d, want %d", uint32(et), elem)
	}
	switch ndim {
	case 0:
		if len(b) != 0 {
			return nil, fmt.Errorf("%d bytes after an empty array", len(b))
		}
		return []any{}, nil
	case 1:
	default:
		return nil, fmt.Errorf("arrays of %d dimensions are not supported", ndim)
	}
	n, err := word()
	if err != nil {
		return nil, err
	}
	if _, err := word(); err != nil { // lower bound
		return nil, err
	}
	if n < 0 || int(n) > len(b)/4 {
		return nil, fmt.Errorf("array of %d elements in %d bytes", n, len(b))
	}
	out := make([]any, n)
	for i := range out {
		size, err := word()
		if err != nil {
			return nil, err
		}
		if size == -1 {
			continue
		}
		if size < 0 || int(size) > len(b) {
			return nil, fmt.Errorf("array element of %d bytes in %d", size, len(b))
		}
		if out[i], err = decodeBinary(elem, b[:size]); err != nil {
			return nil, fmt.Errorf("array element %d: %w", i+1, err)
		}
		b = b[size:]
	}
	if len(b) != 0 {
		return nil, fmt.Errorf("%d bytes after the array", len(b))
	}
	return out, nil
}

// appendValue appends v, a value of column c, in format f. NULL is the
// caller's (a length of -1).
func appendValue(dst []byte, c pgsql.Column, f int16, v any) ([]byte, error) {
	if f == textFormat || c.BinaryIsText() {
		// An enum's binary format is its label, as its text format is.
		text, _ := c.Format(v)
		return append(dst, text...), nil
	}
	switch c.OID() {
	case pgsql.OIDJSON, pgsql.OIDJSONB:
		// The text, after jsonb's version byte, 1.
		if c.OID() == pgsql.OIDJSONB {
			dst = append(dst, 1)
		}
		text, _ := c.Format(v)
		return append(dst, text...), nil
	}
	return appendBinary(dst, c.OID(), v)
}

// appendBinary appends v in the binary format of type oid.
func appendBinary(dst []byte, oid uint32, v any) ([]byte, error) {
	switch x := v.(type) {
	case []any:
		if elem, ok := pgsql.ArrayElemOID(oid); ok {
			return appendBinaryArray(dst, elem, x)
		}
	case int64:
		switch oid {
		case pgsql.OIDTime:
			return binary.BigEndian.AppendUint64(dst, uint64(x)), nil // microseconds past midnight
		case pgsql.OIDInt2:
			return binary.BigEndian.AppendUint16(dst, uint16(int16(x))), nil
		case pgsql.OIDInt4:
			return binary.BigEndian.AppendUint32(dst, uint32(int32(x))), nil
		case pgsql.OIDInt8:
			return binary.BigEndian.AppendUint64(dst, uint64(x)), nil
		}
	case float64:
		switch oid {
		case pgsql.OIDFloat4:
			return binary.BigEndian.AppendUint32(dst, math.Float32bits(float32(x))), nil
		case pgsql.OIDFloat8:
			return binary.BigEndian.AppendUint64(dst, math.Float64bits(x)), nil
		}
	case bool:
		if oid == pgsql.OIDBool {
			if x {
				return append(dst, 1), nil
			}
			return append(dst, 0), nil
		}
	case string:
		switch oid {
		case pgsql.OIDText, pgsql.OIDVarchar, pgsql.OIDBpchar, pgsql.OIDUnknown:
			return append(dst, x...), nil
		case pgsql.OIDUUID:
			raw, err := hex.DecodeString(strings.ReplaceAll(x, "-", ""))
			if err == nil && len(raw) == 16 {
				return append(dst, raw...), nil
			}
		case pgsql.OIDInterval:
			// An interval as a table stores it: its text.
			if iv, err := pgsql.ParseParam(oid, x); err == nil {
				return appendBinary(dst, oid, iv)
			}
		}
	case pgsql.Interval:
		if oid == pgsql.OIDInterval {
			dst = binary.BigEndian.AppendUint64(dst, uint64(x.Micros))
			dst = binary.BigEndian.AppendUint32(dst, uint32(x.Days))
			return binary.BigEndian.AppendUint32(dst, uint32(x.Months)), nil
		}
	case []byte:
		if oid == pgsql.OIDBytea {
			return append(dst, x...), nil
		}
	case time.Time:
		switch oid {
		case pgsql.OIDTimestamp, pgsql.OIDTimestamptz:
			sec := x.Unix() - pgEpoch.Unix()
			if sec > math.MaxInt64/1_000_000-1 || sec < math.MinInt64/1_000_000+1 {
				return nil, &pgsql.Error{Code: "22008", Message: "timestamp out of range"}
			}
			us := sec*1e6 + int64(x.Nanosecond()/1000)
			return binary.BigEndian.AppendUint64(dst, uint64(us)), nil
		case pgsql.OIDDate:
			days := (x.Unix() - pgEpoch.Unix()) / 86400
			if x.Unix() < pgEpoch.Unix() && (x.Unix()-pgEpoch.Unix())%86400 != 0 {
				days-- // floor
			}
			if days > math.MaxInt32-1 || days < math.MinInt32+1 {
				return nil, &pgsql.Error{Code: "22008", Message: "date out of range"}
			}
			return binary.BigEndian.AppendUint32(dst, uint32(int32(days))), nil
		}
	case *apd.Decimal:
		if oid == pgsql.OIDNumeric {
			return appendNumeric(dst, x), nil
		}
	}
	return nil, &pgsql.Error{Code: "XX000", Message: fmt.Sprintf("cannot send %T as binary type %d", v, oid)}
}

// Numeric's binary sign words.
const (
	numericPos = 0x0000
	numericNeg = 0x4000
	numericNaN = 0xC000
)

// appendNumeric appends d in numeric's binary format: int16 digit count,
// int16 weight (the power of 10000 of the first digit), uint16 sign,
// int16 display scale, then the base-10000 digits.
func appendNumeric(dst []byte, d *apd.Decimal) []byte {
	if d.Form != apd.Finite {
		dst = binary.BigEndian.AppendUint64(dst, 0)
		binary.BigEndian.PutUint16(dst[len(dst)-4:], numericNaN)
		return dst
	}
	if out, ok := appendSmallNumeric(dst, d); ok {
		return out
	}
	return appendNumericDigits(dst, d)
}

// appendSmallNumeric is appendNumeric for a finite d whose coefficient,
// times 1000, fits in a uint64 and whose exponent is within ±1000 (every
// price, every count): the base-10000 digits are taken from the
// coefficient by division, without formatting it. It reports false, and
// appends nothing, for any other d.
func appendSmallNumeric(dst []byte, d *apd.Decimal) ([]byte, bool) {
	if !d.Coeff.IsUint64() || d.Exponent < -1000 || d.Exponent > 1000 {
		return dst, false
	}
	v := d.Coeff.Uint64()
	if v > math.MaxUint64/1000 {
		return dst, false
	}
	exp := int(d.Exponent)
	scale := max(0, -exp)
	// Scale v by 10^pad so that its exponent, exp-pad, is a multiple of
	// 4: then its base-10000 digits are the number's, the last
	// (pad-exp)/4 of them after the point.
	pad := ((exp % 4) + 4) % 4
	for range pad {
		v *= 10
	}
	groupExp := (exp - pad) / 4 // the power of 10000 of v's last digit
	var digits [6]uint16        // v < 10^23, so at most 6 digits; least significant first
	n := 0
	for ; v > 0; v /= 10000 {
		digits[n] = uint16(v % 10000)
		n++
	}
	weight := n - 1 + groupExp
	low := 0 // trailing zero digits are not sent
	for low < n && digits[low] == 0 {
		low++
	}
	sign := uint16(numericPos)
	if d.Negative && n > 0 {
		sign = numericNeg
	}
	if n == 0 {
		weight = 0
	}
	dst = binary.BigEndian.AppendUint16(dst, uint16(n-low))
	dst = binary.BigEndian.AppendUint16(dst, uint16(int16(weight)))
	dst = binary.BigEndian.AppendUint16(dst, sign)
	dst = binary.BigEndian.AppendUint16(dst, uint16(scale))
	for i := n - 1; i >= low; i-- {
		dst = binary.BigEndian.AppendUint16(dst, digits[i])
	}
	return dst, true
}

// appendNumericDigits is appendNumeric for any finite d, through the
// decimal digits of its coefficient.
func appendNumericDigits(dst []byte, d *apd.Decimal) []byte {
	coef := d.Coeff.String()
	exp := int(d.Exponent)
	scale := max(0, -exp)
	var intPart, frac string
	switch {
	case exp >= 0:
		intPart = coef + strings.Repeat("0", exp)
	case len(coef) > -exp:
		intPart, frac = coef[:len(coef)+exp], coef[len(coef)+exp:]
	default:
		intPart, frac = "0", strings.Repeat("0", -exp-len(coef))+coef
	}
	if pad := len(intPart) % 4; pad != 0 {
		intPart = strings.Repeat("0", 4-pad) + intPart
	}
	if pad := len(frac) % 4; pad != 0 {
		frac += strings.Repeat("0", 4-pad)
	}
	all := intPart + frac
	digits := make([]uint16, 0, len(all)/4)
	for i := 0; i < len(all); i += 4 {
		n, _ := strconv.Atoi(all[i : i+4])
		digits = append(digits, uint16(n))
	}
	weight := len(intPart)/4 - 1
	for len(digits) > 0 && digits[0] == 0 {
		digits = digits[1:]
		weight--
	}
	for len(digits) > 0 && digits[len(digits)-1] == 0 {
		digits = digits[:len(digits)-1]
	}
	sign := uint16(numericPos)
	if d.Negative && len(digits) > 0 {
		sign = numericNeg
	}
	if len(digits) == 0 {
		weight = 0
	}
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(digits)))
	dst = binary.BigEndian.AppendUint16(dst, uint16(int16(weight)))
	dst = binary.BigEndian.AppendUint16(dst, sign)
	dst = binary.BigEndian.AppendUint16(dst, uint16(scale))
	for _, g := range digits {
		dst = binary.BigEndian.AppendUint16(dst, g)
	}
	return dst
}

// maxNumericDigits bounds what decodeNumeric accepts, as PostgreSQL's
// numeric does (131072 digits before the point, 16383 after).
const maxNumericDigits = 131072/4 + 16383/4 + 2

// decodeNumeric reads numeric's binary format.
func decodeNumeric(b []byte) (*apd.Decimal, error) {
	if len(b) < 8 {
		return nil, fmt.Errorf("numeric too short")
	}
	n := int(binary.BigEndian.Uint16(b))
	weight := int(int16(binary.BigEndian.Uint16(b[2:])))
	sign := binary.BigEndian.Uint16(b[4:])
	scale := int(binary.BigEndian.Uint16(b[6:]))
	if len(b) != 8+2*n {
		return nil, fmt.Errorf("numeric has %d digits but %d bytes", n, len(b)-8)
	}
	switch sign {
	case numericNaN:
		return &apd.Decimal{Form: apd.NaN}, nil
	case numericPos, numericNeg:
	default:
		return nil, fmt.Errorf("invalid numeric sign %#x", sign)
	}
	if n > maxNumericDigits || scale > 16383 || weight > 131072/4 || weight < -16383/4-n {
		return nil, fmt.Errorf("numeric out of range")
	}
	var sb strings.Builder
	if sign == numericNeg {
		sb.WriteByte('-')
	}
	group := func(i int) string {
		if i < 0 || i >= n {
			return "0000"
		}
		return fmt.Sprintf("%04d", binary.BigEndian.Uint16(b[8+2*i:]))
	}
	for i := 0; i < n; i++ {
		if binary.BigEndian.Uint16(b[8+2*i:]) > 9999 {
			return nil, fmt.Errorf("invalid numeric digit")
		}
	}
	if weight < 0 {
		sb.WriteByte('0')
	}
	for i := 0; i <= weight; i++ {
		sb.WriteString(group(i))
	}
	var frac strings.Builder
	for i := weight + 1; frac.Len() < scale; i++ {
		frac.WriteString(group(i))
	}
	if scale > 0 {
		sb.WriteByte('.')
		sb.WriteString(frac.String()[:scale])
	}
	d, _, err := apd.NewFromString(sb.String())
	if err != nil {
		return nil, err
	}
	return d, nil
}

// appendBinaryArray appends a one-dimensional array of element type elem
// in binary format: dimensions, a NULL flag, the element type, the length
// and lower bound, then each element with its length (-1 for NULL).
func appendBinaryArray(dst []byte, elem uint32, elems []any) ([]byte, error) {
	hasNull := uint32(0)
	for _, v := range elems {
		if v == nil {
			hasNull = 1
		}
	}
	ndim := uint32(1)
	if len(elems) == 0 {
		ndim = 0
	}
	dst = binary.BigEndian.AppendUint32(dst, ndim)
	dst = binary.BigEndian.AppendUint32(dst, hasNull)
	dst = binary.BigEndian.AppendUint32(dst, elem)
	if ndim == 0 {
		return dst, nil
	}
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(elems)))
	dst = binary.BigEndian.AppendUint32(dst, 1)
	for _, v := range elems {
		if v == nil {
			dst = binary.BigEndian.AppendUint32(dst, 0xffffffff)
			continue
		}
		at := len(dst)
		dst = append(dst, 0, 0, 0, 0)
		var err error
		if dst, err = appendBinary(dst, elem, v); err != nil {
			return nil, err
		}
		binary.BigEndian.PutUint32(dst[at:], uint32(len(dst)-at-4))
	}
	return dst, nil
}
