package ir

import "strings"

// TypeName is a column or cast type as written, after the grammar's
// normalisation (see the package doc).
type TypeName struct {
	Schema    string  // "" for built-in types
	Name      string  // e.g. "int4", "varchar", "numeric", "timestamptz", "uuid"
	Mods      []int64 // type modifiers: varchar(20) is [20], numeric(10,2) is [10 2]
	ArrayDims int     // 1 for int4[], 0 for a scalar type
	Location  int     // byte offset, -1 if unknown
}

func (t TypeName) String() string {
	var b strings.Builder
	if t.Schema != "" {
		b.WriteString(Ident(t.Schema) + ".")
	}
	b.WriteString(Ident(t.Name))
	if t.Schema == "" && t.Name == "interval" && len(t.Mods) > 0 {
		b.WriteString(intervalMods(t.Mods))
	} else if len(t.Mods) > 0 {
		b.WriteByte('(')
		for i, m := range t.Mods {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(itoa(m))
		}
		b.WriteByte(')')
	}
	for i := 0; i < t.ArrayDims; i++ {
		b.WriteString("[]")
	}
	return b.String()
}

// Interval field masks, as PostgreSQL encodes them in an interval's first
// type modifier.
const (
	intervalMonth     = 1 << 1
	intervalYear      = 1 << 2
	intervalDay       = 1 << 3
	intervalHour      = 1 << 10
	intervalMinute    = 1 << 11
	intervalSecond    = 1 << 12
	intervalFullRange = 0x7FFF
)

// intervalFields names the field masks the grammar can produce.
var intervalFields = map[int64]string{
	intervalYear:                 " year",
	intervalMonth:                " month",
	intervalDay:                  " day",
	intervalHour:                 " hour",
	intervalMinute:               " minute",
	intervalSecond:               " second",
	intervalYear | intervalMonth: " year to month",
	intervalDay | intervalHour:   " day to hour",
	intervalDay | intervalHour | intervalMinute:                  " day to minute",
	intervalDay | intervalHour | intervalMinute | intervalSecond: " day to second",
	intervalHour | intervalMinute:                                " hour to minute",
	intervalHour | intervalMinute | intervalSecond:               " hour to second",
	intervalMinute | intervalSecond:                              " minute to second",
}

// intervalMods renders an interval's modifiers (field mask, then optional
// seconds precision) the way they are written: interval day to second(3),
// interval(3).
func intervalMods(mods []int64) string {
	prec := ""
	if len(mods) > 1 {
		prec = "(" + itoa(mods[1]) + ")"
	}
	if mods[0] == intervalFullRange {
		return prec
	}
	if f, ok := intervalFields[mods[0]]; ok {
		return f + prec
	}
	parts := make([]string, len(mods))
	for i, m := range mods {
		parts[i] = itoa(m)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
