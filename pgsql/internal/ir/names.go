package ir

import "strings"

// QualName is a possibly schema-qualified object name.
type QualName struct {
	Schema string // "" when not written
	Name   string
}

func (q QualName) String() string {
	if q.Schema == "" {
		return Ident(q.Name)
	}
	return Ident(q.Schema) + "." + Ident(q.Name)
}

// Ident renders an identifier for the canonical form: bare when it is a
// plain lower-case name that is not a reserved word, double-quoted (with
// quotes doubled) otherwise, so the canonical form of a query reads back
// as the same query.
func Ident(s string) string {
	if s != "" && plainIdent(s) && !reservedWords[s] {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

func plainIdent(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c == '_':
		case (c >= '0' && c <= '9') || c == '$':
			if i == 0 {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// idents renders a comma-separated identifier list.
func idents(names []string) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = Ident(n)
	}
	return strings.Join(parts, ", ")
}

// quoteString renders a SQL string literal.
func quoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

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

// reservedWords are PostgreSQL's keywords that cannot stand bare as a
// column name: the reserved ones and those reserved except as type or
// function names.
var reservedWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
		all analyse analyze and any array as asc asymmetric both case cast check
		collate column constraint create current_catalog current_date current_role
		current_time current_timestamp current_user default deferrable desc distinct
		do else end except false fetch for foreign from grant group having in
		initially intersect into lateral leading limit localtime localtimestamp not
		null offset on only or order placing primary references returning select
		session_user some symmetric system_user table then to trailing true union
		unique user using variadic when where window with
		authorization binary collation concurrently cross current_schema freeze full
		ilike inner is isnull join left like natural notnull outer overlaps right
		similar tablesample verbose`) {
		m[w] = true
	}
	return m
}()

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
