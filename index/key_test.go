package index

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/apd/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dec parses s as a decimal, failing the test if it does not parse.
func dec(t testing.TB, s string) *apd.Decimal {
	t.Helper()
	d, _, err := apd.NewFromString(s)
	require.NoError(t, err, "parse decimal %q", s)
	return d
}

// enc encodes vals as one key, failing the test on error.
func enc(t testing.TB, vals ...any) []byte {
	t.Helper()
	k, err := AppendKey(nil, vals...)
	require.NoError(t, err)
	return k
}

func sign(c int) int { return cmp.Compare(c, 0) }

// fmtVal renders v for failure messages, showing the type and exact bytes.
func fmtVal(v any) string {
	switch x := v.(type) {
	case *apd.Decimal:
		if x == nil {
			return "(*apd.Decimal)(nil)"
		}
		return fmt.Sprintf("dec(%s form=%v)", x.String(), x.Form)
	case float64:
		return fmt.Sprintf("float64(%v bits=%#x)", x, math.Float64bits(x))
	case time.Time:
		return fmt.Sprintf("time(%d,%d)", x.Unix(), x.Nanosecond())
	}
	return fmt.Sprintf("%T(%q)", v, fmt.Sprint(v))
}

// checkOrdered checks that groups are in ascending order, with the values
// inside one group equal: Compare, Equal and bytes.Compare of the encodings
// must all agree with the group positions, and every value must survive a
// round trip.
func checkOrdered(t *testing.T, groups [][]any) {
	t.Helper()
	type item struct {
		group int
		v     any
		key   []byte
	}
	var items []item
	for g, vals := range groups {
		for _, v := range vals {
			items = append(items, item{g, v, enc(t, v)})
		}
	}
	for _, a := range items {
		for _, b := range items {
			want := cmp.Compare(a.group, b.group)
			msg := fmt.Sprintf("a=%s b=%s", fmtVal(a.v), fmtVal(b.v))
			assert.Equal(t, want, Compare(a.v, b.v), "Compare %s", msg)
			assert.Equal(t, want == 0, Equal(a.v, b.v), "Equal %s", msg)
			assert.Equal(t, want, sign(bytes.Compare(a.key, b.key)), "bytes.Compare %s", msg)
		}
		got, rest, err := DecodeValue(a.key)
		require.NoError(t, err, "decode %s", fmtVal(a.v))
		assert.Empty(t, rest)
		assert.Equal(t, 0, Compare(a.v, got), "round trip of %s gave %s", fmtVal(a.v), fmtVal(got))
		assert.Equal(t, a.key, enc(t, got), "re-encoding %s", fmtVal(a.v))
	}
}

// TestCompare_Order ensures each type sorts by PostgreSQL's rules, with NULL
// last, and that the encodings sort the same way.
func TestCompare_Order(t *testing.T) {
	nanPayload := math.Float64frombits(0x7FF0000000000042)
	negNaN := math.Float64frombits(0xFFF8000000000000)
	utc := time.Date(2024, 2, 29, 12, 30, 0, 0, time.UTC)
	plus2 := time.FixedZone("UTC+2", 2*3600)
	zeros500 := strings.Repeat("0", 500)
	nines500 := strings.Repeat("9", 500)

	tests := []struct {
		name   string
		groups func(t *testing.T) [][]any // ascending; values in one group are equal
	}{
		{"bool", func(*testing.T) [][]any {
			return [][]any{{false}, {true}, {nil}}
		}},
		{"int", func(*testing.T) [][]any {
			return [][]any{
				{int64(math.MinInt64)}, {int64(math.MinInt64 + 1)}, {int64(-256)},
				{int64(-1)}, {int64(0)}, {int64(1)}, {int64(255)}, {int64(256)},
				{int64(math.MaxInt64 - 1)}, {int64(math.MaxInt64)}, {nil},
			}
		}},
		{"float", func(*testing.T) [][]any {
			return [][]any{
				{math.Inf(-1)}, {-math.MaxFloat64}, {-1.5}, {-1.0},
				{-math.SmallestNonzeroFloat64}, {math.Copysign(0, -1), 0.0},
				{math.SmallestNonzeroFloat64}, {1.0}, {1.5}, {math.MaxFloat64},
				{math.Inf(1)}, {math.NaN(), negNaN, nanPayload}, {nil},
			}
		}},
		{"decimal", func(t *testing.T) [][]any {
			d := func(ss ...string) []any {
				out := make([]any, len(ss))
				for i, s := range ss {
					out[i] = dec(t, s)
				}
				return out
			}
			return [][]any{
				d("-Infinity"),
				d("-1" + zeros500 + "1"),
				d("-1E+500", "-1"+zeros500),
				d("-" + nines500),
				d("-1E+100"),
				d("-10", "-1E+1", "-10.000"),
				d("-9.99"),
				d("-1.5"),
				d("-1.25"),
				d("-1", "-1.0", "-1.00", "-0.1E+1"),
				d("-0.01"),
				d("-0.001"),
				d("-1E-400"),
				d("0", "-0", "0.000", "0E+10", "-0E-5"),
				d("1E-400"),
				d("0.001", "1E-3"),
				d("0.01"),
				d("0.1"),
				d("0.1001"),
				d("0.101"),
				d("0.1234567890123456789012"),
				d("0.12345678901234567890123"),
				d("1", "1.0", "1.00", "1E0", "0.1E+1", "100E-2"),
				d("1.01"),
				d("1.5"),
				d("9.99"),
				d("10", "1E+1", "10.0"),
				d("1500", "1.5E+3", "15E+2"),
				d("18446744073709551615"), // max uint64 coefficient
				d("18446744073709551616"), // first BigInt coefficient
				d("1E+100"),
				d(nines500),
				d("1E+500", "1"+zeros500, "1"+zeros500+".000"),
				d("1" + zeros500 + "1"),
				d("Infinity"),
				d("NaN", "sNaN", "-NaN"),
				{nil, (*apd.Decimal)(nil)},
			}
		}},
		{"time", func(*testing.T) [][]any {
			return [][]any{
				{time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)},
				{time.Unix(-1e10, 0)},
				{time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC)},
				{time.Date(1969, 12, 31, 23, 59, 59, 999999999, time.UTC)},
				{time.Unix(0, 0), time.Unix(0, 0).UTC()},
				{time.Unix(0, 1)},
				{utc, utc.In(plus2), time.Date(2024, 2, 29, 14, 30, 0, 0, plus2)},
				{utc.Add(time.Nanosecond)},
				{time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)},
				{nil},
			}
		}},
		{"text", func(*testing.T) [][]any {
			return [][]any{
				{""}, {"\x00"}, {"\x00\x00"}, {"\x00\x01"}, {"\x00\xff"}, {"\x01"},
				{"a"}, {"a\x00"}, {"a\x00\x00"}, {"a\x00b"}, {"a\x01"}, {"ab"},
				{"b"}, {"é"}, {"\xff"}, {"\xff\x00"}, {"\xff\xff"}, {nil},
			}
		}},
		{"bytes", func(*testing.T) [][]any {
			return [][]any{
				{[]byte(nil), []byte{}}, {[]byte{0}}, {[]byte{0, 0}}, {[]byte{0, 1}},
				{[]byte{0, 0xff}}, {[]byte{1}}, {[]byte("a")}, {[]byte("a\x00")},
				{[]byte("ab")}, {[]byte{0xff}}, {[]byte{0xff, 0}}, {[]byte{0xff, 0xff}},
				{nil},
			}
		}},
		{"mixed types order by tag", func(t *testing.T) [][]any {
			return [][]any{
				{false}, {true},
				{int64(math.MinInt64)}, {int64(math.MaxInt64)},
				{math.Inf(-1)}, {math.NaN()},
				{dec(t, "-Infinity")}, {dec(t, "NaN")},
				{time.Unix(-1e10, 0)}, {time.Unix(1e10, 0)},
				{""}, {"\xff\xff"},
				{[]byte{}}, {[]byte{0xff, 0xff}},
				{nil, (*apd.Decimal)(nil)},
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkOrdered(t, tc.groups(t))
		})
	}
}

// TestAppendKey_Composite ensures composite keys order column by column.
func TestAppendKey_Composite(t *testing.T) {
	tuples := [][]any{ // ascending
		{int64(1), "b"},
		{int64(1), "ba"},
		{int64(1), nil},
		{int64(2), "a"},
		{int64(2), "a\x00"},
		{int64(2), "b"},
		{nil, ""},
		{nil, nil},
	}
	for i, a := range tuples {
		for j, b := range tuples {
			want := cmp.Compare(i, j)
			got := sign(bytes.Compare(enc(t, a...), enc(t, b...)))
			assert.Equal(t, want, got, "%v vs %v", a, b)
		}
	}
	assert.Equal(t, 1, sign(bytes.Compare(enc(t, nil), enc(t, "zzz"))), "NULL after a value")
}

// TestAppendKey_Prefix ensures the key of leading values is a byte prefix of
// the whole key, and of no key of a tuple with different leading values.
func TestAppendKey_Prefix(t *testing.T) {
	full := []any{int64(7), "ab", dec(t, "1.50"), []byte{0, 1}, nil, true}
	key := enc(t, full...)
	for k := range len(full) + 1 {
		assert.True(t, bytes.HasPrefix(key, enc(t, full[:k]...)), "prefix of %d values", k)
	}
	prefix := enc(t, int64(7), "a")
	others := [][]any{
		{int64(7), "ab"},
		{int64(7), "a\x00"},
		{int64(7), "a", "b"}, // would match: a tuple whose leading values are equal
		{int64(7), nil},
		{dec(t, "1.5"), dec(t, "1.5")},
	}
	assert.True(t, bytes.HasPrefix(enc(t, others[2]...), prefix))
	for _, o := range append(others[:2:2], others[3:]...) {
		assert.False(t, bytes.HasPrefix(enc(t, o...), prefix), "%v", o)
	}
	// Equal decimals with different scales share their prefixes.
	assert.True(t, bytes.HasPrefix(enc(t, dec(t, "1.5"), "x"), enc(t, dec(t, "1.500"))))
	// Decimal magnitudes are prefix-free: 1.5 is not a prefix of 1.55.
	assert.False(t, bytes.HasPrefix(enc(t, dec(t, "1.55")), enc(t, dec(t, "1.5"))))
	assert.False(t, bytes.HasPrefix(enc(t, dec(t, "-1.55")), enc(t, dec(t, "-1.5"))))
}

// TestDecodeKey_RoundTrip ensures DecodeKey returns each value as the type
// AppendValue accepts, in canonical form.
func TestDecodeKey_RoundTrip(t *testing.T) {
	plus2 := time.FixedZone("UTC+2", 2*3600)
	when := time.Date(1960, 5, 6, 7, 8, 9, 123456789, plus2)
	vals := []any{
		nil, true, false, int64(-42), 2.5, math.Copysign(0, -1), math.NaN(),
		dec(t, "1.500"), dec(t, "-0.00"), dec(t, "-Infinity"), dec(t, "sNaN"),
		when, "", "a\x00b", []byte{}, []byte{0, 0xff}, (*apd.Decimal)(nil),
	}
	key := enc(t, vals...)
	got, err := DecodeKey(key)
	require.NoError(t, err)
	require.Len(t, got, len(vals))

	assert.Nil(t, got[0])
	assert.Equal(t, true, got[1])
	assert.Equal(t, false, got[2])
	assert.Equal(t, int64(-42), got[3])
	assert.Equal(t, 2.5, got[4])
	assert.Equal(t, uint64(0), math.Float64bits(got[5].(float64)), "-0 decodes as +0")
	assert.True(t, math.IsNaN(got[6].(float64)))
	assert.Equal(t, "1.5", got[7].(*apd.Decimal).String(), "scale is not kept")
	assert.Equal(t, "0", got[8].(*apd.Decimal).String())
	assert.Equal(t, "-Infinity", got[9].(*apd.Decimal).String())
	assert.Equal(t, apd.NaN, got[10].(*apd.Decimal).Form)
	assert.Equal(t, when.UTC(), got[11], "instant kept, in UTC")
	assert.Equal(t, time.UTC, got[11].(time.Time).Location())
	assert.Equal(t, "", got[12])
	assert.Equal(t, "a\x00b", got[13])
	assert.Equal(t, []byte{}, got[14])
	assert.NotNil(t, got[14])
	assert.Equal(t, []byte{0, 0xff}, got[15])
	assert.Nil(t, got[16], "a nil *apd.Decimal is NULL")

	assert.Equal(t, key, enc(t, got...))
	none, err := DecodeKey(nil)
	require.NoError(t, err)
	assert.Empty(t, none)
}

// TestDecodeValue_BytesDoNotAlias ensures a decoded []byte is a copy.
func TestDecodeValue_BytesDoNotAlias(t *testing.T) {
	for _, in := range [][]byte{{1, 2, 3}, {1, 0, 3}, {}} {
		key := enc(t, in, int64(5))
		v, rest, err := DecodeValue(key)
		require.NoError(t, err)
		assert.Equal(t, enc(t, int64(5)), rest)
		got := v.([]byte)
		require.NotNil(t, got)
		require.Equal(t, in, got)
		for i := range key {
			key[i] = 0xAA
		}
		assert.Equal(t, in, got, "decoded bytes changed with the key")
	}
}

// TestDecodeValue_Decimal ensures decoded decimals are the normalized value,
// including coefficients beyond uint64 and exponents beyond apd's int32.
func TestDecodeValue_Decimal(t *testing.T) {
	huge := &apd.Decimal{Exponent: math.MaxInt32}
	huge.Coeff.SetUint64(1000) // 1 × 10^(MaxInt32+3) once normalized
	tiny := &apd.Decimal{Exponent: math.MinInt32, Negative: true}
	tiny.Coeff.SetUint64(123)
	for _, d := range []*apd.Decimal{
		dec(t, "1.5E+3"), dec(t, "-12345678901234567890.123456789000"),
		dec(t, "1"+strings.Repeat("0", 300)+"7E-5"), huge, tiny,
	} {
		key := enc(t, d)
		v, rest, err := DecodeValue(key)
		require.NoError(t, err, "%s", d)
		assert.Empty(t, rest)
		got := v.(*apd.Decimal)
		assert.Equal(t, 0, got.Cmp(d), "got %s want %s", got, d)
		assert.Equal(t, 0, Compare(d, got))
		assert.Equal(t, key, enc(t, got))
	}
}

// TestDecodeValue_Malformed ensures bad input is rejected with ErrBadKey and
// the offset, never a panic.
func TestDecodeValue_Malformed(t *testing.T) {
	exp := func(e int64, neg bool) []byte {
		b := binary.BigEndian.AppendUint64(nil, uint64(e)^signBit)
		if neg {
			for i := range b {
				b[i] = ^b[i]
			}
		}
		return b
	}
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	tests := []struct {
		name string
		in   []byte
	}{
		{"empty", []byte{}},
		{"unknown tag", []byte{0x00}},
		{"unknown tag between types", []byte{0x11}},
		{"truncated bool", []byte{tagBool}},
		{"bool 2", []byte{tagBool, 2}},
		{"truncated int", []byte{intTag + 4, 1, 2, 3}},
		{"truncated negative int", []byte{intNegTag - 2, 1}},
		{"legacy fixed-width int", []byte{tagInt, 0x80, 0, 0, 0, 0, 0, 0, 1}},
		{"int leading zero", []byte{intTag + 2, 0, 5}},
		{"int zero with a byte", []byte{intTag + 1, 0}},
		{"int of 8 bytes above MaxInt64", []byte{intTag + 8, 0x80, 0, 0, 0, 0, 0, 0, 0}},
		{"negative int leading 0xff", []byte{intNegTag - 2, 0xff, 0}},
		{"negative int of 8 bytes not negative", []byte{intNegTag - 8, 0x7f, 0, 0, 0, 0, 0, 0, 0}},
		{"truncated float", []byte{tagFloat, 0x80}},
		{"float -0", []byte{tagFloat, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
		{"float other NaN", []byte{tagFloat, 0xff, 0xf8, 0, 0, 0, 0, 0, 0}},
		{"float negative NaN", []byte{tagFloat, 0, 0x07, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe}},
		{"truncated time", []byte{tagTime, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
		{"time nanos 1e9", cat([]byte{tagTime, 0x80, 0, 0, 0, 0, 0, 0, 0}, []byte{0x3b, 0x9a, 0xca, 0x00})},
		{"unterminated text", []byte{tagText, 'a', 'b'}},
		{"text ends in 0x00", []byte{tagText, 'a', 0}},
		{"text bad escape", []byte{tagText, 'a', 0, 2}},
		{"text bad escape after escape", []byte{tagText, 0, 0xff, 0, 0}},
		{"text unterminated after escape", []byte{tagText, 0, 0xff, 'a'}},
		{"bytes bad escape", []byte{tagBytes, 0, 0x80, 0, 1}},
		{"truncated decimal", []byte{tagDecimal}},
		{"decimal class 0", []byte{tagDecimal, 0}},
		{"decimal class 7", []byte{tagDecimal, 7}},
		{"decimal truncated exponent", []byte{tagDecimal, decPos, 0x80, 0}},
		{"decimal no digits", cat([]byte{tagDecimal, decPos}, exp(1, false), []byte{0})},
		{"decimal unterminated", cat([]byte{tagDecimal, decPos}, exp(1, false), []byte{11})},
		{"decimal digit byte 101", cat([]byte{tagDecimal, decPos}, exp(1, false), []byte{101, 0})},
		{"decimal leading zero", cat([]byte{tagDecimal, decPos}, exp(1, false), []byte{6, 0})},
		{"decimal trailing zero", cat([]byte{tagDecimal, decPos}, exp(1, false), []byte{12, 1, 0})},
		{"negative decimal uninverted", cat([]byte{tagDecimal, decNeg}, exp(1, false), []byte{11, 0})},
		{"negative decimal trailing zero", cat([]byte{tagDecimal, decNeg}, exp(2, true), []byte{^byte(11), ^byte(1), 0xff})},
		{"decimal exponent too small", cat([]byte{tagDecimal, decPos}, exp(math.MinInt32, false), []byte{11, 0})},
		{"decimal exponent too large", cat([]byte{tagDecimal, decPos}, exp(math.MaxInt64, false), []byte{11, 0})},
		{"decimal exponent beyond padding", cat([]byte{tagDecimal, decPos}, exp(math.MaxInt32+maxDecimalPad+2, false), []byte{11, 0})},
		{"second value truncated", cat(enc(t, int64(1)), []byte{intTag + 2, 0})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.in) > 0 { // an empty key holds no values
				_, err := DecodeKey(tc.in)
				require.ErrorIs(t, err, ErrBadKey)
				assert.Contains(t, err.Error(), "offset")
			}
			v, rest, err := DecodeValue(tc.in)
			for err == nil { // the bad value may follow good ones
				v, rest, err = DecodeValue(rest)
			}
			require.ErrorIs(t, err, ErrBadKey)
			assert.Contains(t, err.Error(), "offset")
			assert.Nil(t, v)
			assert.Nil(t, rest)
		})
	}
	_, err := DecodeKey(cat(enc(t, int64(1)), []byte{intTag + 2, 0}))
	assert.ErrorContains(t, err, "offset 2", "offset within the whole key")

	// The largest exponent that padding still covers decodes.
	v, _, err := DecodeValue(cat([]byte{tagDecimal, decPos}, exp(math.MaxInt32+maxDecimalPad+1, false), []byte{11, 0}))
	require.NoError(t, err)
	assert.Equal(t, int32(math.MaxInt32), v.(*apd.Decimal).Exponent)
}

// TestAppendValue_Unsupported ensures values of other Go types are rejected
// with ErrUnsupported naming the type, leaving dst as it was.
func TestAppendValue_Unsupported(t *testing.T) {
	for _, v := range []any{1, int32(1), uint64(1), float32(1), apd.Decimal{}, struct{}{}, []string{"a"}} {
		t.Run(fmt.Sprintf("%T", v), func(t *testing.T) {
			dst := []byte("prefix")
			out, err := AppendValue(dst, v)
			require.ErrorIs(t, err, ErrUnsupported)
			assert.Contains(t, err.Error(), fmt.Sprintf("%T", v))
			assert.Equal(t, "prefix", string(out))

			out, err = AppendKey(dst, int64(1), "x", v)
			require.ErrorIs(t, err, ErrUnsupported)
			assert.Equal(t, "prefix", string(out))

			assert.Panics(t, func() { Compare(v, int64(1)) })
			assert.Panics(t, func() { Compare(nil, v) })
		})
	}
}

// TestAppendValue_NoAllocs ensures encoding and comparing the scalar types
// allocates nothing beyond growing dst.
func TestAppendValue_NoAllocs(t *testing.T) {
	when := time.Now()
	vals := []any{nil, true, int64(-5), 1.5, math.NaN(), when, "text\x00with zero", []byte("bytes"), dec(t, "123.4500")}
	others := []any{nil, false, int64(5), -1.5, 1.0, when.Add(1), "text", []byte("bytez"), dec(t, "-1")}
	dst := make([]byte, 0, 256)
	for i, v := range vals {
		allocs := testing.AllocsPerRun(100, func() {
			var err error
			if _, err = AppendValue(dst[:0], v); err != nil {
				panic(err)
			}
		})
		assert.Zero(t, allocs, "AppendValue(%s)", fmtVal(v))
		allocs = testing.AllocsPerRun(100, func() { Compare(v, others[i]) })
		assert.Zero(t, allocs, "Compare(%s)", fmtVal(v))
	}
}

// fuzzSide supplies the values of one fuzzed tuple.
type fuzzSide struct {
	i    int64
	f    float64
	s    string
	d    string
	sec  int64
	nsec uint32
}

// value returns the side's value of the given kind, 0..7: NULL, Bool, Int,
// Float, Decimal, Time, Text, Bytes.
func (fs fuzzSide) value(kind uint32) any {
	switch kind % 8 {
	case 1:
		return fs.i&1 == 1
	case 2:
		return fs.i
	case 3:
		return fs.f
	case 4:
		if d, _, err := apd.NewFromString(fs.d); err == nil {
			return d
		}
		return apd.New(fs.i, int32(int8(fs.nsec)))
	case 5:
		return time.Unix(fs.sec, int64(fs.nsec%uint32(time.Second)))
	case 6:
		return fs.s
	case 7:
		return []byte(fs.s)
	}
	return nil
}

// oracleCompare compares two values of one column independently of Compare
// where the standard library or apd can: NULL last, then natural order.
func oracleCompare(a, b any) (c int, ok bool) {
	aNull, bNull := a == nil || a == (*apd.Decimal)(nil), b == nil || b == (*apd.Decimal)(nil)
	if aNull || bNull {
		return compareBool(aNull, bNull), true
	}
	switch x := a.(type) {
	case bool:
		return compareBool(x, b.(bool)), true
	case int64:
		return cmp.Compare(x, b.(int64)), true
	case float64:
		y := b.(float64)
		switch {
		case math.IsNaN(x) || math.IsNaN(y):
			return compareBool(math.IsNaN(x), math.IsNaN(y)), true
		case x == y:
			return 0, true
		}
		return cmp.Compare(x, y), true
	case *apd.Decimal:
		y := b.(*apd.Decimal)
		rank := func(d *apd.Decimal) int {
			switch d.Form {
			case apd.Finite:
				return 0
			case apd.Infinite:
				if d.Negative {
					return -1
				}
				return 1
			}
			return 2
		}
		if c := cmp.Compare(rank(x), rank(y)); c != 0 || rank(x) != 0 {
			return c, true
		}
		return x.Cmp(y), true
	case time.Time:
		y := b.(time.Time)
		if x.Unix() < -1<<62 || x.Unix() > 1<<62 || y.Unix() < -1<<62 || y.Unix() > 1<<62 {
			return 0, false // time's internal clock wraps; no independent order
		}
		return x.Compare(y), true
	case string:
		return strings.Compare(x, b.(string)), true
	case []byte:
		return bytes.Compare(x, b.([]byte)), true
	}
	return 0, false
}

func addFuzzSeeds(f *testing.F) {
	f.Add(int64(0), 0.0, "", []byte(nil), false, int64(0), int64(0), "0")
	f.Add(int64(math.MinInt64), math.Inf(-1), "a\x00b", []byte{0, 0xff}, true, int64(-1), int64(999999999), "-1.500")
	f.Add(int64(math.MaxInt64), math.NaN(), "\xff\xff", []byte{0xff}, true, int64(1e10), int64(-1), "NaN")
	f.Add(int64(-1), math.Copysign(0, -1), "\x00", []byte{}, false, int64(-1e10), int64(5e9), "-Infinity")
	f.Add(int64(12345), 1e300, "héllo", []byte("x\x00"), true, int64(math.MaxInt64), int64(0), "1"+strings.Repeat("0", 60)+"E-7")
}

// FuzzKeyRoundTrip checks that DecodeKey inverts AppendKey up to Compare,
// returning the same types, and that the encoding of leading values is a
// prefix of the whole key.
func FuzzKeyRoundTrip(f *testing.F) {
	addFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, i int64, fl float64, s string, bs []byte, b bool, sec, nsec int64, ds string) {
		vals := []any{i, fl, s, bs, b, time.Unix(sec, nsec), nil}
		if d, _, err := apd.NewFromString(ds); err == nil {
			vals = append(vals, d)
			neg := new(apd.Decimal).Set(d)
			neg.Negative = !neg.Negative
			vals = append(vals, neg)
		}
		key, err := AppendKey(nil, vals...)
		require.NoError(t, err)
		got, err := DecodeKey(key)
		require.NoError(t, err)
		require.Len(t, got, len(vals))
		for k, v := range vals {
			assert.Equal(t, 0, Compare(v, got[k]), "value %d: %s decoded as %s", k, fmtVal(v), fmtVal(got[k]))
			if v != nil {
				assert.IsType(t, v, got[k], "value %d", k)
			}
			prefix, err := AppendKey(nil, vals[:k]...)
			require.NoError(t, err)
			assert.True(t, bytes.HasPrefix(key, prefix), "prefix of %d values", k)
		}
		if d, ok := vals[len(vals)-1].(*apd.Decimal); ok && d.Form == apd.Finite {
			assert.Equal(t, 0, d.Cmp(got[len(got)-1].(*apd.Decimal)), "decimal %s", d)
		}
		again, err := AppendKey(nil, got...)
		require.NoError(t, err)
		assert.Equal(t, key, again, "re-encoding the decoded values")
	})
}

// FuzzKeyOrder checks that comparing two keys' bytes orders them as comparing
// their values column by column, and that Compare agrees with an independent
// oracle where one exists. shape picks 1 to 3 columns and their types, which
// columns are equal in both tuples, and which are NULL.
func FuzzKeyOrder(f *testing.F) {
	f.Add(uint32(0x2), int64(1), int64(2), 0.0, 0.0, "", "", "", "", int64(0), int64(0), uint32(0), uint32(0))
	f.Add(uint32(2<<18|1<<9|6<<3|2), int64(1), int64(1), 0.0, 0.0, "b", "ba", "", "", int64(0), int64(0), uint32(0), uint32(0))
	f.Add(uint32(4), int64(0), int64(0), 0.0, 0.0, "", "", "1.0", "1.00", int64(0), int64(0), uint32(0), uint32(0))
	f.Add(uint32(4), int64(15), int64(150), 0.0, 0.0, "", "", "x", "y", int64(0), int64(0), uint32(1), uint32(0))
	f.Add(uint32(4), int64(0), int64(0), 0.0, 0.0, "", "", "-1.5", "-1.25", int64(0), int64(0), uint32(0), uint32(0))
	f.Add(uint32(3), int64(0), int64(0), math.Copysign(0, -1), 0.0, "", "", "", "", int64(0), int64(0), uint32(0), uint32(0))
	f.Add(uint32(3), int64(0), int64(0), math.NaN(), math.Inf(1), "", "", "", "", int64(0), int64(0), uint32(0), uint32(0))
	f.Add(uint32(5|1<<15), int64(0), int64(0), 0.0, 0.0, "", "", "", "", int64(-1), int64(0), uint32(999999999), uint32(0))
	f.Add(uint32(1<<18|7<<3|6), int64(0), int64(0), 0.0, 0.0, "a\x00", "a", "", "", int64(0), int64(0), uint32(0), uint32(0))
	f.Fuzz(func(t *testing.T, shape uint32, i1, i2 int64, f1, f2 float64, s1, s2, d1, d2 string, sec1, sec2 int64, nsec1, nsec2 uint32) {
		sa := fuzzSide{i1, f1, s1, d1, sec1, nsec1}
		sb := fuzzSide{i2, f2, s2, d2, sec2, nsec2}
		ncols := 1 + int(shape>>18)%3
		var a, b []any
		for j := range ncols {
			kind := shape >> (3 * j) & 7
			va, vb := sa.value(kind), sb.value(kind)
			if shape>>(9+j)&1 == 1 {
				vb = va
			}
			if shape>>(12+j)&1 == 1 {
				va = nil
			}
			if shape>>(15+j)&1 == 1 {
				vb = nil
			}
			a, b = append(a, va), append(b, vb)
		}
		want := 0
		for j := range a {
			c := Compare(a[j], b[j])
			require.Equal(t, -c, Compare(b[j], a[j]), "antisymmetry of %s, %s", fmtVal(a[j]), fmtVal(b[j]))
			if o, ok := oracleCompare(a[j], b[j]); ok {
				require.Equal(t, o, c, "Compare(%s, %s) against the oracle", fmtVal(a[j]), fmtVal(b[j]))
			}
			ka, kb := enc(t, a[j]), enc(t, b[j])
			require.Equal(t, c, sign(bytes.Compare(ka, kb)), "column %d: %s vs %s", j, fmtVal(a[j]), fmtVal(b[j]))
			if want == 0 {
				want = c
			}
		}
		got := sign(bytes.Compare(enc(t, a...), enc(t, b...)))
		require.Equal(t, want, got, "tuples %v vs %v", a, b)
	})
}

// FuzzDecodeKey checks that arbitrary bytes never panic the decoder, fail only
// with ErrBadKey, and that whatever decodes is canonical: re-encoding gives
// the same bytes.
func FuzzDecodeKey(f *testing.F) {
	seeds := [][]any{
		{nil}, {true}, {int64(-3)}, {math.NaN()}, {-2.5}, {"a\x00b"}, {[]byte{0, 0xff}},
		{time.Unix(-5, 7)}, {int64(1), "x", nil, false},
	}
	for _, s := range []string{"1.5", "-1.5", "-0.001", "1E+100", "-" + strings.Repeat("7", 40), "NaN", "-Infinity", "0"} {
		seeds = append(seeds, []any{dec(f, s)})
	}
	for _, vals := range seeds {
		f.Add(enc(f, vals...))
	}
	f.Add([]byte{tagText, 0, 2})
	f.Add([]byte{tagDecimal, decPos, 0x80, 0, 0, 0, 0, 0, 0, 1, 10, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		vals, err := DecodeKey(data)
		if err != nil {
			require.ErrorIs(t, err, ErrBadKey)
			return
		}
		again, err := AppendKey(nil, vals...)
		require.NoError(t, err)
		require.True(t, bytes.Equal(data, again), "%x decoded as %v, which encodes as %x", data, vals, again)
	})
}

func BenchmarkAppendKey(b *testing.B) {
	benchmarks := []struct {
		name string
		vals []any // boxed once, outside the timer
	}{
		{"int64", []any{int64(123456789)}},
		{"string,int64", []any{"customer-000042", int64(123456789)}},
	}
	for _, bm := range benchmarks {
		b.Run(bm.name, func(b *testing.B) {
			dst := make([]byte, 0, 64)
			b.ReportAllocs()
			var err error
			for b.Loop() {
				if dst, err = AppendKey(dst[:0], bm.vals...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkCompare(b *testing.B) {
	for _, bm := range []struct {
		name string
		a, b any
	}{
		{"int64", int64(1), int64(2)},
		{"string", "customer-000042", "customer-000043"},
		{"decimal", dec(b, "12345.67"), dec(b, "12345.670001")},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Compare(bm.a, bm.b)
			}
		})
	}
}

// TestAppendInt_LengthsAndOrder ensures integers at every byte-length
// boundary encode in as few bytes as hold them, order as numbers, decode
// back and are measured by IntKeyLen and SkipValues.
func TestAppendInt_LengthsAndOrder(t *testing.T) {
	var vals []int64
	for n := 0; n < 8; n++ {
		edge := int64(1) << (8 * n) // the first value needing n+1 bytes
		vals = append(vals, edge-1, edge, edge+1, -edge, -edge-1, -edge+1)
	}
	vals = append(vals, math.MaxInt64, math.MaxInt64-1, math.MinInt64, math.MinInt64+1, 0, 1, -1, 1000, -1000)
	slices.Sort(vals)
	vals = slices.Compact(vals)
	var prev []byte
	for _, v := range vals {
		key := AppendInt(nil, v)
		u := uint64(v)
		if v < 0 {
			u = ^u
		}
		want := 1 + (64-bits.LeadingZeros64(u)+7)/8
		assert.Len(t, key, want, "%d", v)
		assert.Equal(t, want, IntKeyLen(v), "%d", v)
		assert.True(t, IsIntTag(key[0]), "%d", v)
		if prev != nil {
			assert.Negative(t, bytes.Compare(prev, key), "%d after its predecessor", v)
		}
		prev = key
		got, rest, err := DecodeValue(key)
		require.NoError(t, err, "%d", v)
		assert.Equal(t, v, got)
		assert.Empty(t, rest)
		w, err := SkipValues(append(key, tagNull), 1)
		require.NoError(t, err)
		assert.Equal(t, len(key), w, "%d", v)
	}
	// Most keys are small: an id below 2^24 takes 4 bytes, one below
	// 2^16 3, and a pair of them fits the 7 bytes a tree element holds
	// inline.
	assert.Len(t, AppendInt(nil, 1<<24-1), 4)
	assert.Len(t, AppendInt(nil, 1<<16-1), 3)
	assert.Equal(t, []byte{intTag}, AppendInt(nil, 0))
	assert.Equal(t, []byte{intNegTag}, AppendInt(nil, -1))
}

// TestUpgradeLegacyKey ensures a key whose Ints are in the old fixed
// 8-byte form becomes the current encoding of the same values, and that
// a current key or garbage is not mistaken for one.
func TestUpgradeLegacyKey(t *testing.T) {
	legacyInt := func(x int64) []byte {
		return binary.BigEndian.AppendUint64([]byte{tagInt}, uint64(x)^signBit)
	}
	var old []byte
	old = append(old, legacyInt(42)...)
	old = AppendString(old, "x")
	old = append(old, legacyInt(-7)...)
	got, err := UpgradeLegacyKey(old)
	require.NoError(t, err)
	assert.Equal(t, enc(t, int64(42), "x", int64(-7)), got)

	cur := enc(t, int64(1), nil, 2.5)
	got, err = UpgradeLegacyKey(cur)
	require.NoError(t, err)
	assert.Equal(t, cur, got, "a current key is kept")

	_, err = UpgradeLegacyKey([]byte{tagInt, 0x80, 0})
	assert.ErrorIs(t, err, ErrBadKey)
	_, err = UpgradeLegacyKey([]byte{0x05})
	assert.ErrorIs(t, err, ErrBadKey)
}

// TestReadInt: ReadInt reads back what AppendInt wrote, with what follows
// it left alone, and refuses truncated, non-canonical and non-Int bytes.
func TestReadInt(t *testing.T) {
	for _, x := range []int64{0, 1, -1, 255, 256, -256, -257, 1 << 40, math.MaxInt64, math.MinInt64} {
		b := append(AppendInt(nil, x), 0x42)
		got, n, ok := ReadInt(b)
		require.True(t, ok, "%d", x)
		assert.Equal(t, x, got)
		assert.Equal(t, len(b)-1, n)
		_, _, ok = ReadInt(b[:n-1])
		assert.False(t, ok, "%d truncated", x)
	}
	_, _, ok := ReadInt([]byte{intTag + 2, 0x00, 0x05}) // 5 in two bytes
	assert.False(t, ok)
	_, _, ok = ReadInt(AppendString(nil, "a"))
	assert.False(t, ok)
	_, _, ok = ReadInt(nil)
	assert.False(t, ok)
}
