package shop

import "testing"

// TestCents_Scan ensures Cents reads numeric text exactly and prints it
// back as PostgreSQL prints numeric(10,2).
func TestCents_Scan(t *testing.T) {
	for _, tc := range []struct {
		src  any
		want Cents
		text string
	}{
		{"12.50", 1250, "12.50"},
		{[]byte("35.99"), 3599, "35.99"},
		{"7", 700, "7.00"},
		{"0.5", 50, "0.50"},
		{"-0.05", -5, "-0.05"},
		{int64(3), 300, "3.00"},
	} {
		var c Cents
		if err := c.Scan(tc.src); err != nil || c != tc.want || c.String() != tc.text {
			t.Errorf("Scan(%v) = %d (%s), %v; want %d (%s)", tc.src, c, c, err, tc.want, tc.text)
		}
	}
	for _, bad := range []any{"1.234", "abc", 1.5, nil} {
		var c Cents
		if err := c.Scan(bad); err == nil {
			t.Errorf("Scan(%v) = %d, want an error", bad, c)
		}
	}
}
