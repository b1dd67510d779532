package pgsql

import (
	"math/rand/v2"
	"testing"

	"github.com/cockroachdb/apd/v3"
)

// slowDivide is divide as it was: the quotient to the context's full
// precision, then rounded half up at the result scale. divide must give
// the same digits while computing far fewer.
func slowDivide(t *testing.T, a, b *apd.Decimal) string {
	w1, f1 := numericWeight(a)
	w2, f2 := numericWeight(b)
	qweight := w1 - w2
	if f1 <= f2 {
		qweight--
	}
	rscale := min(max(16-qweight*4, displayScale(a), displayScale(b), 0), 1000)
	q := new(apd.Decimal)
	if _, err := decimalCtx.Quo(q, a, b); err != nil {
		t.Fatal(err)
	}
	ctx := *decimalCtx
	ctx.Rounding = apd.RoundHalfUp
	out := new(apd.Decimal)
	if _, err := ctx.Quantize(out, q, int32(-rscale)); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func randomNumeric(rng *rand.Rand) *apd.Decimal {
	digits := make([]byte, 1+rng.IntN(30))
	for i := range digits {
		digits[i] = byte('0' + rng.IntN(10))
	}
	if rng.IntN(4) == 0 {
		digits[len(digits)-1] = '5' // ties at the rounding digit
	}
	d, _, err := apd.NewFromString(string(digits))
	if err != nil {
		panic(err)
	}
	d.Exponent = int32(rng.IntN(60) - 40)
	if rng.IntN(2) == 0 {
		d.Negative = true
	}
	return d
}

func TestDivide_RoundsAsFullPrecision(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	cases := [][2]string{{"1", "3"}, {"2", "3"}, {"1", "8"}, {"5", "2"}, {"-5", "2"}, {"1", "0.0003"}, {"123456789", "0.000000001"},
		{"0.5", "100000000000000000000"}, {"1e-40", "7e20"}, {"7e30", "3e-25"}, {"0", "7"}, {"1.00", "4"}, {"10", "4.000"}}
	for _, c := range cases {
		a, _, _ := apd.NewFromString(c[0])
		b, _, _ := apd.NewFromString(c[1])
		got, err := divide(a, b)
		if err != nil {
			t.Fatal(err)
		}
		if want := slowDivide(t, a, b); got.(*apd.Decimal).String() != want {
			t.Fatalf("%s / %s = %s, want %s", c[0], c[1], got, want)
		}
	}
	for i := range 20000 {
		a, b := randomNumeric(rng), randomNumeric(rng)
		if b.IsZero() {
			continue
		}
		got, err := divide(a, b)
		if err != nil {
			t.Fatal(err)
		}
		if want := slowDivide(t, a, b); got.(*apd.Decimal).String() != want {
			t.Fatalf("case %d: %s / %s = %s, want %s", i, a, b, got, want)
		}
	}
}

func BenchmarkDivide(b *testing.B) {
	x, _, _ := apd.NewFromString("12345.67")
	y, _, _ := apd.NewFromString("3")
	for b.Loop() {
		if _, err := divide(x, y); err != nil {
			b.Fatal(err)
		}
	}
}
