package pgwire

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/cockroachdb/apd/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Ensure numeric's binary format from the coefficient's value
// (appendSmallNumeric) is byte for byte the one from its decimal digits
// (appendNumericDigits), and reads back as the same number with the same
// scale.
func TestAppendSmallNumeric_MatchesDigits(t *testing.T) {
	coeffs := []uint64{0, 1, 5, 9, 10, 99, 100, 1000, 9999, 10000, 10001, 12345, 100000000, 1234500000,
		99999999999, math.MaxUint64/1000 - 1, math.MaxUint64 / 1000}
	for p := uint64(1); p < math.MaxUint64/10; p *= 10 {
		coeffs = append(coeffs, p, p-1, p+1)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		coeffs = append(coeffs, rng.Uint64N(math.MaxUint64/1000+1)>>rng.UintN(64))
	}
	exps := []int32{-1000, -999, -998, -997, -996, 996, 997, 998, 999, 1000}
	for e := int32(-21); e <= 21; e++ {
		exps = append(exps, e)
	}
	for _, c := range coeffs {
		for _, e := range exps {
			for _, neg := range []bool{false, true} {
				d := &apd.Decimal{Form: apd.Finite, Exponent: e, Negative: neg}
				d.Coeff.SetUint64(c)
				fast, ok := appendSmallNumeric(nil, d)
				if c > math.MaxUint64/1000 {
					require.False(t, ok, "%s", d)
					continue
				}
				require.True(t, ok, "%s", d)
				slow := appendNumericDigits(nil, d)
				require.Equal(t, slow, fast, "%s", d)
				back, err := decodeNumeric(fast)
				require.NoError(t, err, "%s", d)
				assert.Zero(t, back.Cmp(d), "%s read back as %s", d, back)
				assert.Equal(t, max(0, -e), max(0, -back.Exponent), "scale of %s read back as %s", d, back)
			}
		}
	}
}

// Ensure appendSmallNumeric leaves what it cannot encode to the general
// path: a coefficient over MaxUint64/1000, an exponent beyond ±1000.
func TestAppendSmallNumeric_Refuses(t *testing.T) {
	for _, s := range []string{"18446744073709552", "1e1001", "1e-1001", "123456789012345678901234567890"} {
		d, _, err := apd.NewFromString(s)
		require.NoError(t, err)
		out, ok := appendSmallNumeric([]byte("x"), d)
		assert.False(t, ok, s)
		assert.Equal(t, []byte("x"), out, s)
		assert.NotEmpty(t, appendNumeric(nil, d), s)
	}
}

// BenchmarkAppendNumeric encodes a price, 1234.50, in numeric's binary
// format by the coefficient's value and by its decimal digits.
func BenchmarkAppendNumeric(b *testing.B) {
	d := &apd.Decimal{}
	d.SetFinite(123450, -2)
	buf := make([]byte, 0, 64)
	b.Run("path=small", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			buf, _ = appendSmallNumeric(buf[:0], d)
		}
	})
	b.Run("path=digits", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			buf = appendNumericDigits(buf[:0], d)
		}
	})
}
