package pgsql

import (
	"strconv"
	"strings"

	"github.com/cockroachdb/apd/v3"
)

// information_schema's views, row by row, for the database's own tables
// (schema public). Columns a row leaves out are NULL.

func yesNo(b bool) string {
	if b {
		return "YES"
	}
	return "NO"
}

func isSchemata(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, n := range []string{"pg_toast", "pg_catalog", "public", "information_schema"} {
		out = append(out, map[string]any{"catalog_name": c.db, "schema_name": n, "schema_owner": ownerName})
	}
	return out
}

func isTables(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, t := range c.tables {
		out = append(out, map[string]any{"table_catalog": c.db, "table_schema": "public", "table_name": t.name(),
			"table_type": "BASE TABLE", "is_insertable_into": "YES", "is_typed": "NO"})
	}
	for _, v := range c.views {
		out = append(out, map[string]any{"table_catalog": c.db, "table_schema": "public", "table_name": v.name(),
			"table_type": "VIEW", "is_insertable_into": "NO", "is_typed": "NO"})
	}
	return out
}

// isViews lists the views; none is updatable through reldb.
func isViews(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, v := range c.views {
		out = append(out, map[string]any{"table_catalog": c.db, "table_schema": "public", "table_name": v.name(),
			"view_definition": c.viewDefinition(v.view, false /* pretty */), "check_option": "NONE", "is_updatable": "NO",
			"is_insertable_into": "NO", "is_trigger_updatable": "NO", "is_trigger_deletable": "NO",
			"is_trigger_insertable_into": "NO"})
	}
	return out
}

// sqlDataType is information_schema's data_type of t.
func sqlDataType(t sqlType) string {
	if t.array {
		return "ARRAY"
	}
	switch t.kind {
	case kInt2:
		return "smallint"
	case kInt4:
		return "integer"
	case kInt8:
		return "bigint"
	case kFloat4:
		return "real"
	case kFloat8:
		return "double precision"
	case kVarchar:
		return "character varying"
	case kBpchar:
		return "character"
	case kBool:
		return "boolean"
	case kTimestamp:
		return "timestamp without time zone"
	case kTimestamptz:
		return "timestamp with time zone"
	case kTime:
		return "time without time zone"
	case kEnum:
		return "USER-DEFINED"
	}
	return kindNames[t.kind] // numeric, text, bytea, date, uuid
}

func isColumns(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, t := range c.relations() {
		for i, col := range t.ts.def.Columns {
			typ := t.ts.types[i]
			m := map[string]any{
				"table_catalog": c.db, "table_schema": "public", "table_name": t.name(), "column_name": col.Name,
				"ordinal_position": int64(i + 1), "is_nullable": yesNo(!col.NotNull), "data_type": sqlDataType(typ),
				"udt_catalog": c.db, "udt_schema": "pg_catalog", "udt_name": Column{typ: typ}.TypeName(),
				"dtd_identifier": strconv.Itoa(i + 1), "is_self_referencing": "NO", "is_identity": "NO",
				"identity_cycle": "NO", "is_generated": "NEVER", "is_updatable": yesNo(t.view == nil),
			}
			if typ.kind == kEnum {
				m["udt_schema"], m["udt_name"] = "public", typ.enum.name // enum.go
			}
			if i < len(t.ts.domains) && t.ts.domains[i] != nil {
				m["domain_catalog"], m["domain_schema"], m["domain_name"] = c.db, "public", t.ts.domains[i].name // domain.go
			}
			if e := t.ts.generatedAt(i); e != nil {
				m["is_generated"], m["generation_expression"] = "ALWAYS", generationText(t, i)
			} else if def, ok := columnDefault(t, i); ok {
				m["column_default"] = def
			}
			if k := t.ts.identityAt(i); k != 0 {
				m["is_identity"], m["identity_generation"] = "YES", k.generation()
				_, hi := typeRange(typ)
				start, incr, lo, cycle := int64(1), int64(1), int64(1), false
				if def := c.identitySequence(t, col.Name); def != nil {
					start, incr, lo, hi, cycle = def.start, def.incr, def.min, def.max, def.cycle
				}
				m["identity_start"], m["identity_increment"] = strconv.FormatInt(start, 10), strconv.FormatInt(incr, 10)
				m["identity_minimum"], m["identity_maximum"] = strconv.FormatInt(lo, 10), strconv.FormatInt(hi, 10)
				m["identity_cycle"] = yesNo(cycle)
			}
			switch {
			case typ.array:
				// PostgreSQL describes an array column's elements elsewhere
				// (element_types), not here.
			case typ.kind == kVarchar || typ.kind == kBpchar:
				if typ.length > 0 {
					m["character_maximum_length"] = int64(typ.length)
					m["character_octet_length"] = int64(typ.length * 4)
				} else {
					m["character_octet_length"] = int64(1073741824)
				}
			case typ.kind == kText:
				m["character_octet_length"] = int64(1073741824)
			case typ.isInt():
				m["numeric_precision"] = map[kind]int64{kInt2: 16, kInt4: 32, kInt8: 64}[typ.kind]
				m["numeric_precision_radix"], m["numeric_scale"] = int64(2), int64(0)
			case typ.kind == kFloat4 || typ.kind == kFloat8:
				m["numeric_precision"] = map[kind]int64{kFloat4: 24, kFloat8: 53}[typ.kind]
				m["numeric_precision_radix"] = int64(2)
			case typ.kind == kNumeric:
				m["numeric_precision_radix"] = int64(10)
				if typ.prec > 0 {
					m["numeric_precision"], m["numeric_scale"] = int64(typ.prec), int64(typ.scale)
				}
			case typ.kind == kTimestamp || typ.kind == kTimestamptz || typ.kind == kInterval:
				m["datetime_precision"] = int64(6)
			case typ.kind == kDate:
				m["datetime_precision"] = int64(0)
			case typ.kind == kTime:
				m["datetime_precision"] = int64(6)
				if typ.prec > 0 {
					m["datetime_precision"] = int64(typ.prec - 1)
				}
			}
			out = append(out, m)
		}
	}
	return out
}

// columnDefault is the text of column i's default as PostgreSQL
// deparses it (pg_get_expr of pg_attrdef.adbin), and whether it has one.
func columnDefault(t *catalogTable, i int) (string, bool) {
	col := t.ts.def.Columns[i]
	typ := t.ts.types[i]
	switch {
	case t.ts.generatedAt(i) != nil:
		return generationText(t, i), true
	case t.ts.identityAt(i) != 0:
		return "", false // an identity column has its sequence and no DEFAULT
	case col.AutoIncrement:
		return "nextval('" + strings.ReplaceAll(ident(t.name()+"_"+col.Name+"_seq"), "'", "''") + "'::regclass)", true
	case t.ts.defaults != nil && t.ts.defaults[i] != nil:
		if text, ok := sequenceDefaultText(t.ts.defaults[i]); ok { // sequence.go
			return text, true
		}
		return t.ts.defaults[i].String(), true
	case col.Default == nil:
		return "", false
	}
	text, _ := Column{typ: typ}.Format(col.Default)
	if d, ok := col.Default.(*apd.Decimal); ok {
		// The engine keeps the value rounded to the column's scale, not
		// the literal: print it without trailing zeros (0, not 0.00),
		// as the common literals were written.
		var r apd.Decimal
		r.Reduce(d)
		text, _ = Column{typ: typNumeric}.Format(&r)
	}
	quoted := "'" + strings.ReplaceAll(text, "'", "''") + "'::"
	switch typ.kind {
	case kBool:
		return strconv.FormatBool(col.Default == true), true
	case kInt2, kInt4, kInt8, kNumeric, kFloat4, kFloat8:
		if !strings.HasPrefix(text, "-") && !strings.ContainsAny(text, "NI") {
			return text, true
		}
		return quoted + formatTypeName(typ, false), true
	case kBpchar:
		return quoted + "bpchar", true
	}
	return quoted + formatTypeName(typ, false), true
}

// constraintType is information_schema's name of a constraint kind.
func constraintType(kind string) string {
	return map[string]string{"p": "PRIMARY KEY", "u": "UNIQUE", "f": "FOREIGN KEY", "c": "CHECK"}[kind]
}

func isTableConstraints(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, t := range c.tables {
		for _, con := range t.cons {
			m := map[string]any{"constraint_catalog": c.db, "constraint_schema": "public", "constraint_name": con.name,
				"table_catalog": c.db, "table_schema": "public", "table_name": t.name(),
				"constraint_type": constraintType(con.kind), "is_deferrable": "NO", "initially_deferred": "NO",
				"enforced": "YES"}
			if con.kind == "f" {
				m["is_deferrable"] = yesNo(con.fk.Deferrable || con.fk.InitiallyDeferred)
				m["initially_deferred"] = yesNo(con.fk.InitiallyDeferred)
			}
			if con.kind == "p" || con.kind == "u" {
				m["nulls_distinct"] = "YES"
			}
			out = append(out, m)
		}
		// PostgreSQL lists each NOT NULL column as a CHECK constraint.
		for _, n := range notNullConstraints(t) {
			out = append(out, map[string]any{"constraint_catalog": c.db, "constraint_schema": "public",
				"constraint_name": n[0], "table_catalog": c.db, "table_schema": "public", "table_name": t.name(),
				"constraint_type": "CHECK", "is_deferrable": "NO", "initially_deferred": "NO", "enforced": "YES"})
		}
	}
	return out
}

// notNullConstraints returns the names information_schema gives t's NOT
// NULL columns (<namespace oid>_<table oid>_<attnum>_not_null) and their
// check clauses.
func notNullConstraints(t *catalogTable) [][2]string {
	var out [][2]string
	for i, col := range t.ts.def.Columns {
		if col.NotNull {
			name := strconv.FormatInt(oidPublic, 10) + "_" + strconv.FormatInt(t.oid, 10) + "_" + strconv.Itoa(i+1) + "_not_null"
			out = append(out, [2]string{name, ident(col.Name) + " IS NOT NULL"})
		}
	}
	return out
}

func isKeyColumnUsage(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, con := range c.cons {
		if con.kind == "c" {
			continue
		}
		for i, col := range con.cols {
			m := map[string]any{"constraint_catalog": c.db, "constraint_schema": "public", "constraint_name": con.name,
				"table_catalog": c.db, "table_schema": "public", "table_name": con.table.name(), "column_name": col,
				"ordinal_position": int64(i + 1)}
			if con.kind == "f" {
				m["position_in_unique_constraint"] = int64(i + 1)
				if ix := referencedIndex(con); ix != nil {
					for j, rc := range ix.columns {
						if rc == con.refs[i] {
							m["position_in_unique_constraint"] = int64(j + 1)
						}
					}
				}
			}
			out = append(out, m)
		}
	}
	return out
}

func isConstraintColumnUsage(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, con := range c.cons {
		table, cols := con.table, con.cols
		switch con.kind {
		case "f":
			table, cols = con.ref, con.refs
		case "c":
			cols = checkColumns(con)
		}
		for _, col := range cols {
			out = append(out, map[string]any{"table_catalog": c.db, "table_schema": "public", "table_name": table.name(),
				"column_name": col, "constraint_catalog": c.db, "constraint_schema": "public", "constraint_name": con.name})
		}
	}
	return out
}

func isReferentialConstraints(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, con := range c.cons {
		if con.kind != "f" {
			continue
		}
		m := map[string]any{"constraint_catalog": c.db, "constraint_schema": "public", "constraint_name": con.name,
			"match_option": "NONE", "update_rule": con.fk.OnUpdate.String(), "delete_rule": con.fk.OnDelete.String()}
		if strings.Contains(strings.ToUpper(con.fk.Match.String()), "FULL") {
			m["match_option"] = "FULL"
		}
		if ix := referencedIndex(con); ix != nil && ix.constraint != nil {
			m["unique_constraint_catalog"], m["unique_constraint_schema"], m["unique_constraint_name"] = c.db, "public", ix.constraint.name
		}
		out = append(out, m)
	}
	return out
}

func isCheckConstraints(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, t := range c.tables {
		for _, con := range t.cons {
			if con.kind == "c" {
				out = append(out, map[string]any{"constraint_catalog": c.db, "constraint_schema": "public",
					"constraint_name": con.name, "check_clause": checkClause(con, false)})
			}
		}
		for _, n := range notNullConstraints(t) {
			out = append(out, map[string]any{"constraint_catalog": c.db, "constraint_schema": "public",
				"constraint_name": n[0], "check_clause": n[1]})
		}
	}
	return out
}

func isSequences(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, q := range c.seqs {
		bits := int64(64)
		switch q.def.typ.kind {
		case kInt2:
			bits = 16
		case kInt4:
			bits = 32
		}
		yes := "NO"
		if q.def.cycle {
			yes = "YES"
		}
		out = append(out, map[string]any{"sequence_catalog": c.db, "sequence_schema": "public", "sequence_name": q.name,
			"data_type": sqlDataType(q.def.typ), "numeric_precision": bits, "numeric_precision_radix": int64(2),
			"numeric_scale": int64(0), "start_value": strconv.FormatInt(q.def.start, 10), "minimum_value": strconv.FormatInt(q.def.min, 10),
			"maximum_value": strconv.FormatInt(q.def.max, 10), "increment": strconv.FormatInt(q.def.incr, 10), "cycle_option": yes})
	}
	return out
}

// generationText is the text of generated column i's expression as
// PostgreSQL deparses it (pg_get_expr of pg_attrdef.adbin,
// information_schema's generation_expression).
func generationText(t *catalogTable, i int) string {
	e := t.ts.generatedAt(i)
	if text, ok := tableExprText(t, e, false); ok {
		return text
	}
	return e.String()
}
