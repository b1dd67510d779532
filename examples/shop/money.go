package shop

import (
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"
)

// Cents is an amount of money in cents: exact, unlike a float64. It
// scans a numeric(10,2) column (drivers send numerics as decimal text) and
// binds as decimal text.
type Cents int64

// String formats c as a decimal, as PostgreSQL prints numeric(10,2): "12.50".
func (c Cents) String() string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%d.%02d", sign, c/100, c%100)
}

// Value implements driver.Valuer.
func (c Cents) Value() (driver.Value, error) { return c.String(), nil }

// Scan implements sql.Scanner for a numeric column with at most two
// decimal places.
func (c *Cents) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case string:
		s = v
	case []byte:
		s = string(v)
	case int64:
		*c = Cents(v * 100)
		return nil
	default:
		return fmt.Errorf("shop: scan %T into Cents", src)
	}
	n, err := parseCents(s)
	if err != nil {
		return fmt.Errorf("shop: scan %q into Cents: %w", s, err)
	}
	*c = n
	return nil
}

// parseCents parses "12", "12.5" or "-12.50".
func parseCents(s string) (Cents, error) {
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 2 {
		return 0, fmt.Errorf("more than two decimal places")
	}
	frac += "00"[len(frac):]
	neg := strings.HasPrefix(whole, "-")
	w, err := strconv.ParseInt(strings.TrimPrefix(whole, "-"), 10, 64)
	if err != nil {
		return 0, err
	}
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0, err
	}
	n := Cents(w*100 + f)
	if neg {
		n = -n
	}
	return n, nil
}
