package pgsql

import (
	"strconv"
	"strings"

	"github.com/reldb/reldb/pgsql/internal/ir"
)

// pg_catalog's relations, row by row. Columns a row leaves out are NULL.

type catalogRowsFunc = func(c *catalogSnapshot) []map[string]any

// catalogRows computes each catalog relation's rows, by schema.name;
// relations without an entry are empty.
var catalogRows = map[string]catalogRowsFunc{
	"pg_catalog.pg_namespace":   pgNamespace,
	"pg_catalog.pg_class":       pgClass,
	"pg_catalog.pg_attribute":   pgAttribute,
	"pg_catalog.pg_type":        pgType,
	"pg_catalog.pg_enum":        pgEnum, // enum.go
	"pg_catalog.pg_index":       pgIndex,
	"pg_catalog.pg_indexes":     pgIndexes,
	"pg_catalog.pg_constraint":  pgConstraint,
	"pg_catalog.pg_database":    pgDatabase,
	"pg_catalog.pg_settings":    pgSettings,
	"pg_catalog.pg_tables":      pgTables,
	"pg_catalog.pg_views":       pgViews,
	"pg_catalog.pg_attrdef":     pgAttrdef,
	"pg_catalog.pg_description": pgDescription,
	"pg_catalog.pg_am":          pgAm,
	"pg_catalog.pg_roles":       pgRoles,
	"pg_catalog.pg_user":        pgUser,
	"pg_catalog.pg_sequence":    pgSequence,
	"pg_catalog.pg_sequences":   pgSequences,
	"pg_catalog.pg_extension":   pgExtension, // extension.go
	"pg_catalog.pg_trigger":     pgTrigger,   // trigger_catalog.go
	"pg_catalog.pg_proc":        pgProc,

	"information_schema.schemata":                isSchemata,
	"information_schema.tables":                  isTables,
	"information_schema.columns":                 isColumns,
	"information_schema.table_constraints":       isTableConstraints,
	"information_schema.key_column_usage":        isKeyColumnUsage,
	"information_schema.constraint_column_usage": isConstraintColumnUsage,
	"information_schema.referential_constraints": isReferentialConstraints,
	"information_schema.check_constraints":       isCheckConstraints,
	"information_schema.sequences":               isSequences,
	"information_schema.domains":                 isDomains, // domain.go
	"information_schema.views":                   isViews,
	"information_schema.triggers":                isTriggers, // trigger_catalog.go
	"information_schema.routines":                isRoutines, // userfunc.go
}

// ownerName is the role that owns every object: the bootstrap superuser.
const ownerName = "reldb"

func pgNamespace(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, n := range []struct {
		oid  int64
		name string
	}{{99, "pg_toast"}, {oidPgCatalog, "pg_catalog"}, {oidPublic, "public"}, {oidInformationSchema, "information_schema"}} {
		out = append(out, map[string]any{"oid": n.oid, "nspname": n.name, "nspowner": oidOwner})
	}
	return out
}

// classRow is a pg_class row with PostgreSQL's values for a relation
// without rules, triggers, policies, partitions or storage options.
func classRow(oid int64, name, kind string, natts int, extra map[string]any) map[string]any {
	m := map[string]any{
		"oid": oid, "relname": name, "relnamespace": oidPublic, "reltype": int64(0), "reloftype": int64(0),
		"relowner": oidOwner, "relam": int64(0), "relfilenode": oid, "reltablespace": int64(0), "relpages": int64(0),
		"reltuples": float64(-1), "relallvisible": int64(0), "reltoastrelid": int64(0), "relhasindex": false,
		"relisshared": false, "relpersistence": "p", "relkind": kind, "relnatts": int64(natts), "relchecks": int64(0),
		"relhasrules": false, "relhastriggers": false, "relhassubclass": false, "relrowsecurity": false,
		"relforcerowsecurity": false, "relispopulated": true, "relreplident": "n", "relispartition": false,
		"relrewrite": int64(0), "relfrozenxid": int64(0), "relminmxid": int64(0),
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func pgClass(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, t := range c.tables {
		checks := 0
		for _, con := range t.cons {
			if con.kind == "c" {
				checks++
			}
		}
		out = append(out, classRow(t.oid, t.name(), "r", len(t.ts.def.Columns), map[string]any{
			"reltype": objectOID("t", t.name()), "relam": oidHeap, "relhasindex": true, "relchecks": int64(checks),
			"relreplident": "d", "relhastriggers": len(t.cons) > 0 && hasForeignKeys(c, t) || t.hasTriggers(),
		}))
		for _, ix := range t.indexes {
			out = append(out, classRow(ix.oid, ix.name, "i", len(ix.columns), map[string]any{"relam": oidBtree}))
		}
	}
	for _, q := range c.seqs {
		out = append(out, classRow(q.oid, q.name, "S", 3, map[string]any{"relfrozenxid": nil, "relminmxid": nil}))
	}
	for _, v := range c.views {
		out = append(out, classRow(v.oid, v.name(), "v", len(v.ts.def.Columns), map[string]any{
			"reltype": objectOID("t", v.name()), "relfilenode": int64(0), "relhasrules": true,
		}))
	}
	return out
}

// pgViews lists the views with their definitions.
func pgViews(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, v := range c.views {
		out = append(out, map[string]any{"schemaname": "public", "viewname": v.name(), "viewowner": ownerName,
			"definition": c.viewDefinition(v.view, false /* pretty */)})
	}
	return out
}

// hasForeignKeys reports whether t references or is referenced by a
// foreign key: PostgreSQL keeps those with triggers.
func hasForeignKeys(c *catalogSnapshot, t *catalogTable) bool {
	for _, con := range c.cons {
		if con.kind == "f" && (con.table == t || con.ref == t) {
			return true
		}
	}
	return false
}

// typStorage is a built-in type's typstorage: p for a fixed-size type, m
// for numeric, x for another variable-length one.
func typStorage(name string, length int64) string {
	switch {
	case length > 0:
		return "p"
	case name == "numeric":
		return "m"
	}
	return "x"
}

func pgAttribute(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	attr := func(rel int64, num int, name string, typ sqlType, notNull, hasDef bool) map[string]any {
		col := Column{typ: typ}
		coll := int64(0)
		if typ.isText() {
			coll = 100
		}
		align := map[int16]string{1: "c", 2: "s", 4: "i", 8: "d"}[col.TypeSize()]
		if align == "" {
			align = "i"
		}
		storage := "p"
		switch {
		case typ.kind == kNumeric && !typ.array:
			storage = "m" // numeric is stored inline, compressed, as PostgreSQL's typstorage main
		case col.TypeSize() < 0:
			storage = "x"
		}
		return map[string]any{
			"attrelid": rel, "attname": name, "atttypid": int64(col.OID()), "attstattarget": int64(-1),
			"attlen": int64(col.TypeSize()), "attnum": int64(num), "attndims": int64(map[bool]int{true: 1}[typ.array]), "attcacheoff": int64(-1),
			"atttypmod": int64(col.TypeModifier()), "attbyval": col.TypeSize() > 0 && col.TypeSize() <= 8,
			"attalign": align, "attstorage": storage, "attcompression": "", "attnotnull": notNull, "atthasdef": hasDef,
			"atthasmissing": false, "attidentity": "", "attgenerated": "", "attisdropped": false, "attislocal": true,
			"attinhcount": int64(0), "attcollation": coll,
		}
	}
	for _, t := range c.relations() {
		for i, col := range t.ts.def.Columns {
			_, hasDef := columnDefault(t, i)
			a := attr(t.oid, i+1, col.Name, t.ts.types[i], col.NotNull, hasDef)
			a["attidentity"] = t.ts.identityAt(i).String()
			if t.ts.generatedAt(i) != nil {
				a["attgenerated"] = "s"
			}
			out = append(out, a)
		}
		for _, ix := range t.indexes {
			var names []string
			if ix.def != nil {
				names = ix.def.attNames()
			}
			for j, name := range ix.columns {
				if p, ok := t.ts.index[name]; ok {
					out = append(out, attr(ix.oid, j+1, names0(names, j, name), t.ts.types[p], false, false))
					continue
				}
				// An expression's column: PostgreSQL names it as a
				// default index name would (exprindex.go).
				out = append(out, attr(ix.oid, j+1, names0(names, j, name), t.decl.types[name], false, false))
			}
		}
	}
	return out
}

// builtinTypes are pg_type's rows for the types catalogs and columns use,
// as PostgreSQL 15 has them: oid, name, typlen, typbyval, typcategory,
// typispreferred, typelem, typarray, typalign, typcollation.
var builtinTypes = []struct {
	oid       int64
	name      string
	len       int64
	byval     bool
	category  string
	preferred bool
	elem, arr int64
	align     string
	coll      int64
}{
	{16, "bool", 1, true, "B", true, 0, 1000, "c", 0},
	{17, "bytea", -1, false, "U", false, 0, 1001, "i", 0},
	{18, "char", 1, true, "Z", false, 0, 1002, "c", 0},
	{19, "name", 64, false, "S", false, 18, 1003, "c", 950},
	{20, "int8", 8, true, "N", false, 0, 1016, "d", 0},
	{21, "int2", 2, true, "N", false, 0, 1005, "s", 0},
	{22, "int2vector", -1, false, "A", false, 21, 1006, "i", 0},
	{23, "int4", 4, true, "N", false, 0, 1007, "i", 0},
	{24, "regproc", 4, true, "N", false, 0, 1008, "i", 0},
	{25, "text", -1, false, "S", true, 0, 1009, "i", 100},
	{26, "oid", 4, true, "N", true, 0, 1028, "i", 0},
	{28, "xid", 4, true, "U", false, 0, 1011, "i", 0},
	{30, "oidvector", -1, false, "A", false, 26, 1013, "i", 0},
	{114, "json", -1, false, "U", false, 0, 199, "i", 0},
	{194, "pg_node_tree", -1, false, "Z", false, 0, 0, "i", 100},
	{199, "_json", -1, false, "A", false, 114, 0, "i", 0},
	{700, "float4", 4, true, "N", false, 0, 1021, "i", 0},
	{701, "float8", 8, true, "N", true, 0, 1022, "d", 0},
	{705, "unknown", -2, false, "X", false, 0, 0, "c", 0},
	{1000, "_bool", -1, false, "A", false, 16, 0, "i", 0},
	{1001, "_bytea", -1, false, "A", false, 17, 0, "i", 0},
	{1002, "_char", -1, false, "A", false, 18, 0, "i", 0},
	{1003, "_name", -1, false, "A", false, 19, 0, "i", 950},
	{1005, "_int2", -1, false, "A", false, 21, 0, "i", 0},
	{1007, "_int4", -1, false, "A", false, 23, 0, "i", 0},
	{1009, "_text", -1, false, "A", false, 25, 0, "i", 100},
	{1014, "_bpchar", -1, false, "A", false, 1042, 0, "i", 100},
	{1015, "_varchar", -1, false, "A", false, 1043, 0, "i", 100},
	{1016, "_int8", -1, false, "A", false, 20, 0, "d", 0},
	{1021, "_float4", -1, false, "A", false, 700, 0, "i", 0},
	{1022, "_float8", -1, false, "A", false, 701, 0, "d", 0},
	{1028, "_oid", -1, false, "A", false, 26, 0, "i", 0},
	{1042, "bpchar", -1, false, "S", false, 0, 1014, "i", 100},
	{1043, "varchar", -1, false, "S", false, 0, 1015, "i", 100},
	{1082, "date", 4, true, "D", false, 0, 1182, "i", 0},
	{1083, "time", 8, true, "D", false, 0, 1183, "d", 0},
	{1114, "timestamp", 8, true, "D", false, 0, 1115, "d", 0},
	{1115, "_timestamp", -1, false, "A", false, 1114, 0, "d", 0},
	{1182, "_date", -1, false, "A", false, 1082, 0, "i", 0},
	{1183, "_time", -1, false, "A", false, 1083, 0, "d", 0},
	{1184, "timestamptz", 8, true, "D", true, 0, 1185, "d", 0},
	{1185, "_timestamptz", -1, false, "A", false, 1184, 0, "d", 0},
	{1186, "interval", 16, false, "T", true, 0, 1187, "d", 0},
	{1187, "_interval", -1, false, "A", false, 1186, 0, "d", 0},
	{1231, "_numeric", -1, false, "A", false, 1700, 0, "i", 0},
	{1700, "numeric", -1, false, "N", false, 0, 1231, "i", 0},
	{2205, "regclass", 4, true, "N", false, 0, 2210, "i", 0},
	{2206, "regtype", 4, true, "N", false, 0, 2211, "i", 0},
	{2950, "uuid", 16, false, "U", false, 0, 2951, "c", 0},
	{2951, "_uuid", -1, false, "A", false, 2950, 0, "i", 0},
	{3802, "jsonb", -1, false, "U", false, 0, 3807, "i", 0},
	{3807, "_jsonb", -1, false, "A", false, 3802, 0, "i", 0},
	{4089, "regnamespace", 4, true, "N", false, 0, 4090, "i", 0},
}

func pgType(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, b := range builtinTypes {
		typtype := "b"
		if b.name == "unknown" {
			typtype = "p"
		}
		delim := ","
		out = append(out, map[string]any{
			"oid": b.oid, "typname": b.name, "typnamespace": oidPgCatalog, "typowner": oidOwner, "typlen": b.len,
			"typbyval": b.byval, "typtype": typtype, "typcategory": b.category, "typispreferred": b.preferred,
			"typisdefined": true, "typdelim": delim, "typrelid": int64(0), "typsubscript": "-", "typelem": b.elem,
			"typarray": b.arr, "typinput": b.name + "in", "typoutput": b.name + "out", "typreceive": b.name + "recv",
			"typsend": b.name + "send", "typmodin": "-", "typmodout": "-", "typanalyze": "-", "typalign": b.align,
			"typstorage": typStorage(b.name, b.len), "typnotnull": false, "typbasetype": int64(0),
			"typtypmod": int64(-1), "typndims": int64(0), "typcollation": b.coll,
		})
	}
	out = append(out, enumTypeRows(c)...)   // enum.go
	out = append(out, domainTypeRows(c)...) // domain.go
	for _, t := range c.tables {
		out = append(out, map[string]any{
			"oid": objectOID("t", t.name()), "typname": t.name(), "typnamespace": oidPublic, "typowner": oidOwner,
			"typlen": int64(-1), "typbyval": false, "typtype": "c", "typcategory": "C", "typispreferred": false,
			"typisdefined": true, "typdelim": ",", "typrelid": t.oid, "typsubscript": "-", "typelem": int64(0),
			"typarray": int64(0), "typinput": "record_in", "typoutput": "record_out", "typreceive": "record_recv",
			"typsend": "record_send", "typmodin": "-", "typmodout": "-", "typanalyze": "-", "typalign": "d",
			"typstorage": "x", "typnotnull": false, "typbasetype": int64(0), "typtypmod": int64(-1),
			"typndims": int64(0), "typcollation": int64(0),
		})
	}
	return out
}

func pgIndex(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, t := range c.tables {
		for _, ix := range t.indexes {
			nkey := ix.keyColumns()
			classes := make([]any, nkey)
			colls := make([]any, nkey)
			opts := make([]any, nkey)
			for i, col := range ix.columns[:nkey] {
				classes[i], opts[i] = int64(0), int64(0)
				colls[i] = int64(0)
				if p, ok := t.ts.index[col]; ok && t.ts.types[p].isText() {
					colls[i] = int64(100)
				}
				if ix.def != nil {
					opts[i] = indexOptionBits(ix.def.elems[i])
				}
			}
			m := map[string]any{
				"indexrelid": ix.oid, "indrelid": t.oid, "indnatts": int64(len(ix.columns)),
				"indnkeyatts": int64(nkey), "indisunique": ix.unique, "indnullsnotdistinct": false,
				"indisprimary": ix.primary, "indisexclusion": false, "indimmediate": true, "indisclustered": false,
				"indisvalid": true, "indcheckxmin": false, "indisready": true, "indislive": true,
				"indisreplident": false, "indkey": t.attnums(ix.columns), "indcollation": colls,
				"indclass": classes, "indoption": opts,
			}
			if d := ix.def; d != nil {
				// PostgreSQL's are node trees; these are the
				// expressions' texts, for the callers that test them for
				// NULL (exprindex.go).
				var exprs []string
				for _, e := range d.elems {
					if e.expr != nil {
						exprs = append(exprs, e.expr.String())
					}
				}
				if exprs != nil {
					m["indexprs"] = "(" + strings.Join(exprs, " ") + ")"
				}
				if d.pred != nil {
					// pg_get_expr returns it as it is: psql's \d of the
					// index shows it.
					m["indpred"] = t.decl.exprText(t.name(), d.pred, true /* pretty */)
				}
			}
			out = append(out, m)
		}
	}
	return out
}

func pgIndexes(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, t := range c.tables {
		for _, ix := range t.indexes {
			out = append(out, map[string]any{"schemaname": "public", "tablename": t.name(), "indexname": ix.name,
				"indexdef": indexDef(ix, true /* qualified */)})
		}
	}
	return out
}

// indexDef is pg_get_indexdef's text of ix: with the table's schema when
// qualified, else (the pretty form) without, as public is on the path.
func indexDef(ix *catalogIndex, qualified bool) string {
	var b strings.Builder
	b.WriteString("CREATE ")
	if ix.unique {
		b.WriteString("UNIQUE ")
	}
	b.WriteString("INDEX " + ident(ix.name) + " ON ")
	if qualified {
		b.WriteString("public.")
	}
	b.WriteString(ident(ix.table.name()) + " USING btree (")
	if d := ix.def; d != nil {
		for i, e := range d.elems {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(ix.table.decl.elemText(ix.table.name(), e, !qualified, true /* order */))
		}
		b.WriteString(")")
		b.WriteString(ix.table.decl.defTail(ix.table.name(), d, !qualified))
		return b.String()
	}
	for i, col := range ix.columns {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(ident(col))
	}
	b.WriteString(")")
	return b.String()
}

// ident quotes an identifier only where PostgreSQL would.
func ident(s string) string { return ir.Ident(s) }

func pgConstraint(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, con := range c.cons {
		m := map[string]any{
			"oid": con.oid, "conname": con.name, "connamespace": oidPublic, "contype": con.kind,
			"condeferrable": false, "condeferred": false, "convalidated": true, "conrelid": con.table.oid,
			"contypid": int64(0), "conindid": int64(0), "conparentid": int64(0), "confrelid": int64(0),
			"confupdtype": " ", "confdeltype": " ", "confmatchtype": " ", "conislocal": true, "coninhcount": int64(0),
			"connoinherit": false,
		}
		if con.notValid {
			m["convalidated"] = false
		}
		if con.index != nil {
			m["conindid"] = con.index.oid
		}
		if con.cols != nil {
			m["conkey"] = con.table.attnums(con.cols)
		}
		switch con.kind {
		case "f":
			r := con.fk
			m["condeferrable"], m["condeferred"] = r.Deferrable || r.InitiallyDeferred, r.InitiallyDeferred
			m["confrelid"] = con.ref.oid
			m["confkey"] = con.ref.attnums(con.refs)
			m["confupdtype"], m["confdeltype"] = actionCode(r.OnUpdate.String()), actionCode(r.OnDelete.String())
			m["confmatchtype"] = "s"
			if r.Match.String() == "MATCH FULL" || strings.Contains(strings.ToUpper(r.Match.String()), "FULL") {
				m["confmatchtype"] = "f"
			}
			if ix := referencedIndex(con); ix != nil {
				m["conindid"] = ix.oid
			}
			if len(r.SetColumns) > 0 {
				m["confdelsetcols"] = con.table.attnums(r.SetColumns)
			}
		case "c":
			m["conbin"] = parenthesized(con.check)
			m["conkey"] = con.table.attnums(checkColumns(con))
		}
		out = append(out, m)
	}
	return append(out, domainConstraintRows(c)...) // domain.go
}

// referencedIndex is the unique index a foreign key's referenced columns
// use.
func referencedIndex(con *catalogConstraint) *catalogIndex {
	for _, ix := range con.ref.indexes {
		if ix.unique && slicesEqual(ix.columns, con.refs) {
			return ix
		}
	}
	return nil
}

func slicesEqual(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// actionCode is pg_constraint's letter for a referential action.
func actionCode(action string) string {
	switch action {
	case "RESTRICT":
		return "r"
	case "CASCADE":
		return "c"
	case "SET NULL":
		return "n"
	case "SET DEFAULT":
		return "d"
	}
	return "a"
}

// constraintDef is pg_get_constraintdef's text of a constraint, pretty
// as its second argument asks.
func constraintDef(con *catalogConstraint, pretty bool) string {
	cols := func(names []string) string {
		q := make([]string, len(names))
		for i, n := range names {
			q[i] = ident(n)
		}
		return strings.Join(q, ", ")
	}
	include := ""
	if con.index != nil && con.index.def != nil && len(con.index.def.include) > 0 {
		include = " INCLUDE (" + cols(con.index.def.include) + ")"
	}
	switch con.kind {
	case "p":
		return "PRIMARY KEY (" + cols(con.cols) + ")" + include
	case "u":
		return "UNIQUE (" + cols(con.cols) + ")" + include
	case "c":
		return "CHECK " + checkClause(con, pretty) + notValidSuffix(con)
	}
	r := con.fk
	s := "FOREIGN KEY (" + cols(con.cols) + ") REFERENCES " + ident(con.ref.name()) + "(" + cols(con.refs) + ")"
	if strings.Contains(strings.ToUpper(r.Match.String()), "FULL") {
		s += " MATCH FULL"
	}
	if a := r.OnUpdate.String(); a != "NO ACTION" {
		s += " ON UPDATE " + a
	}
	if a := r.OnDelete.String(); a != "NO ACTION" {
		s += " ON DELETE " + a
		if len(r.SetColumns) > 0 {
			s += " (" + cols(r.SetColumns) + ")"
		}
	}
	if r.Deferrable || r.InitiallyDeferred {
		s += " DEFERRABLE"
	}
	if r.InitiallyDeferred {
		s += " INITIALLY DEFERRED"
	}
	return s + notValidSuffix(con)
}

// notValidSuffix ends the definition of a constraint added NOT VALID.
func notValidSuffix(con *catalogConstraint) string {
	if con.notValid {
		return " NOT VALID"
	}
	return ""
}

func pgDatabase(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, name := range c.databases {
		out = append(out, map[string]any{
			"oid": objectOID("d", name), "datname": name, "datdba": oidOwner, "encoding": int64(6),
			"datlocprovider": "c", "datistemplate": false, "datallowconn": true, "datconnlimit": int64(-1),
			"datfrozenxid": int64(0), "datminmxid": int64(1), "dattablespace": int64(1663), "datcollate": "C.UTF-8",
			"datctype": "C.UTF-8",
		})
	}
	return out
}

// settings are pg_settings' rows: the parameters a client reads, with
// the values reldb's sessions have.
var settings = [][2]string{
	{"DateStyle", "ISO, MDY"}, {"IntervalStyle", "postgres"}, {"TimeZone", "UTC"}, {"application_name", ""},
	{"client_encoding", "UTF8"}, {"default_transaction_isolation", "read committed"},
	{"integer_datetimes", "on"}, {"is_superuser", "on"}, {"lc_collate", "C.UTF-8"}, {"lc_ctype", "C.UTF-8"},
	{"max_identifier_length", "63"}, {"search_path", `"$user", public`}, {"server_encoding", "UTF8"},
	{"server_version", serverVersion}, {"server_version_num", serverVersionNum},
	{"standard_conforming_strings", "on"}, {"statement_timeout", "0"}, {"transaction_isolation", "read committed"},
}

func pgSettings(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, s := range settings {
		out = append(out, map[string]any{"name": s[0], "setting": s[1], "context": "user", "vartype": "string",
			"source": "default", "boot_val": s[1], "reset_val": s[1], "pending_restart": false})
	}
	return out
}

func pgTables(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, t := range c.tables {
		out = append(out, map[string]any{"schemaname": "public", "tablename": t.name(), "tableowner": ownerName,
			"hasindexes": true, "hasrules": false, "hastriggers": hasForeignKeys(c, t) || t.hasTriggers(), "rowsecurity": false})
	}
	return out
}

func pgAttrdef(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, t := range c.tables {
		for i := range t.ts.def.Columns {
			if def, ok := columnDefault(t, i); ok {
				out = append(out, map[string]any{"oid": objectOID("a", t.name()+"."+strconv.Itoa(i+1)),
					"adrelid": t.oid, "adnum": int64(i + 1), "adbin": def})
			}
		}
	}
	return out
}

func pgAm(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, a := range []struct {
		oid        int64
		name, kind string
	}{{oidHeap, "heap", "t"}, {oidBtree, "btree", "i"}, {405, "hash", "i"}, {783, "gist", "i"}, {2742, "gin", "i"}, {4000, "spgist", "i"}, {3580, "brin", "i"}} {
		out = append(out, map[string]any{"oid": a.oid, "amname": a.name, "amhandler": a.name + "handler", "amtype": a.kind})
	}
	return out
}

func pgSequence(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, q := range c.seqs {
		out = append(out, map[string]any{"seqrelid": q.oid, "seqtypid": int64(oidOf(q.def.typ)),
			"seqstart": q.def.start, "seqincrement": q.def.incr, "seqmax": q.def.max, "seqmin": q.def.min,
			"seqcache": q.def.cache, "seqcycle": q.def.cycle})
	}
	return out
}

// pgSequences is pg_sequences; last_value is NULL for a sequence nextval
// has not been called on (or whose value setval made not called).
func pgSequences(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, q := range c.seqs {
		m := map[string]any{"schemaname": "public", "sequencename": q.name, "sequenceowner": ownerName,
			"data_type": sqlDataType(q.def.typ), "start_value": q.def.start, "min_value": q.def.min, "max_value": q.def.max,
			"increment_by": q.def.incr, "cycle": q.def.cycle, "cache_size": q.def.cache}
		if last, called := q.value(c); called {
			m["last_value"] = last
		}
		out = append(out, m)
	}
	return out
}

// parenthesized is e's text in parentheses, as pg_get_constraintdef and
// check_clause print a CHECK expression.
func parenthesized(e ir.Expr) string {
	s := e.String()
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		return s
	}
	return "(" + s + ")"
}

// checkColumns returns the columns a CHECK constraint reads, in table
// order.
func checkColumns(con *catalogConstraint) []string {
	used := map[string]bool{}
	ir.Inspect(con.check, func(x ir.Expr) bool {
		if r, ok := x.(*ir.ColumnRef); ok {
			used[r.Column] = true
		}
		return true
	})
	var cols []string
	for _, col := range con.table.ts.def.Columns {
		if used[col.Name] {
			cols = append(cols, col.Name)
		}
	}
	return cols
}

// pgDescription lists COMMENT ON's comments: a table's with objsubid 0,
// a column's with its attnum; classoid is pg_class's (1259).
func pgDescription(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, t := range c.relations() {
		if t.decl == nil {
			continue
		}
		if text, ok := t.decl.comments[""]; ok {
			out = append(out, map[string]any{"objoid": t.oid, "classoid": int64(1259), "objsubid": int64(0), "description": text})
		}
		for i, col := range t.ts.def.Columns {
			if text, ok := t.decl.comments[col.Name]; ok {
				out = append(out, map[string]any{"objoid": t.oid, "classoid": int64(1259), "objsubid": int64(i + 1), "description": text})
			}
		}
	}
	return out
}
