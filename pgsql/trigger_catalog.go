package pgsql

import (
	"strings"

	"github.com/reldb/reldb/pgsql/internal/ir"
)

// The catalog's view of triggers and trigger functions: pg_trigger,
// pg_proc (the trigger functions only; the built-in functions are not
// listed), pg_class.relhastriggers and pg_tables.hastriggers, and
// pg_get_triggerdef(), which psql's \d reads to list a table's triggers.

// plpgsqlLanguageOID is plpgsql's row of pg_language in PostgreSQL 15.
const plpgsqlLanguageOID = 13563

// triggerTypeOID is the pseudo-type trigger's oid.
const triggerTypeOID = 2279

// hasTriggers reports whether t has triggers of its own (not counting
// those PostgreSQL keeps for foreign keys).
func (t *catalogTable) hasTriggers() bool { return t.decl != nil && len(t.decl.triggers) > 0 }

// triggerOID is a trigger's oid: stable for the table and the name.
func triggerOID(table, name string) int64 { return objectOID("tg", table+"."+name) }

// functionOID is a trigger function's oid.
func functionOID(name string) int64 { return objectOID("f", name) }

// tgType is pg_trigger.tgtype: ROW, BEFORE and the events as PostgreSQL
// encodes them.
func tgType(t *triggerDef) int64 {
	v := int64(1) // ROW
	if t.before {
		v |= 2
	}
	if t.events&ir.TriggerInsert != 0 {
		v |= 4
	}
	if t.events&ir.TriggerDelete != 0 {
		v |= 8
	}
	if t.events&ir.TriggerUpdate != 0 {
		v |= 16
	}
	return v
}

// pgTrigger is pg_trigger: the tables' triggers.
func pgTrigger(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, t := range c.tables {
		if !t.hasTriggers() {
			continue
		}
		for i := range t.decl.triggers {
			tr := &t.decl.triggers[i]
			enabled := "O"
			if tr.disabled {
				enabled = "D"
			}
			out = append(out, map[string]any{"oid": triggerOID(t.name(), tr.name), "tgrelid": t.oid, "tgparentid": int64(0),
				"tgname": tr.name, "tgfoid": functionOID(tr.function), "tgtype": tgType(tr), "tgenabled": enabled,
				"tgisinternal": false, "tgconstrrelid": int64(0), "tgconstrindid": int64(0), "tgconstraint": int64(0),
				"tgdeferrable": false, "tginitdeferred": false, "tgnargs": int64(0), "tgattr": t.attnums(tr.columns),
				"tgargs": []byte{}})
		}
	}
	return out
}

// pgProc is pg_proc: the trigger functions.
func pgProc(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, name := range c.s.declaredNames() {
		fname, ok := strings.CutPrefix(name, functionDeclPrefix)
		if !ok {
			continue
		}
		fd, ok := c.s.function(fname)
		if !ok {
			continue
		}
		if fd.user != nil {
			for _, o := range overloads(fd) {
				out = append(out, c.s.procRow(o)) // userfunc.go
			}
			continue
		}
		out = append(out, map[string]any{"oid": functionOID(fname), "proname": fname, "pronamespace": oidPublic,
			"proowner": oidOwner, "prolang": int64(plpgsqlLanguageOID), "procost": float64(100), "prorows": float64(0),
			"provariadic": int64(0), "prosupport": "-", "prokind": "f", "prosecdef": false, "proleakproof": false,
			"proisstrict": false, "proretset": false, "provolatile": "v", "proparallel": "u", "pronargs": int64(0),
			"pronargdefaults": int64(0), "prorettype": int64(triggerTypeOID), "proargtypes": []any{}, "prosrc": fd.body})
	}
	return out
}

// triggerDef is pg_get_triggerdef's text of the trigger of oid, or false
// when there is none. pretty leaves the table unqualified and the WHEN
// condition with PostgreSQL's pretty parentheses.
func (c *catalogSnapshot) triggerDef(oid int64, pretty bool) (string, bool) {
	for _, t := range c.tables {
		if !t.hasTriggers() {
			continue
		}
		for i := range t.decl.triggers {
			tr := &t.decl.triggers[i]
			if triggerOID(t.name(), tr.name) != oid {
				continue
			}
			st := &ir.CreateTrigger{Name: tr.name, Before: tr.before, Events: tr.events, Columns: tr.columns}
			text := st.String()
			head, _, _ := strings.Cut(text, " ON ")
			table := ident(t.name())
			if !pretty {
				table = "public." + table
			}
			var b strings.Builder
			b.WriteString(head + " ON " + table + " FOR EACH ROW")
			if tr.when != nil {
				b.WriteString(" WHEN " + c.whenText(t, tr.when, pretty))
			}
			b.WriteString(" EXECUTE FUNCTION " + ident(tr.function) + "()")
			return b.String(), true
		}
	}
	return "", false
}

// whenText deparses a WHEN condition as pg_get_triggerdef does, in
// parentheses, over the relations new and old.
func (c *catalogSnapshot) whenText(t *catalogTable, when ir.Expr, pretty bool) string {
	rel := func(ref string) *viewRel {
		r := &viewRel{ref: ref}
		for i, col := range t.ts.def.Columns {
			if t.ts.isHidden(i) {
				continue
			}
			r.names = append(r.names, col.Name)
			r.types = append(r.types, t.ts.types[i])
		}
		return r
	}
	d := &viewDeparser{c: c, pretty: pretty, rels: []*viewRel{rel("new"), rel("old")}}
	text, ok := d.boolean(when)
	if !ok {
		// A condition the deparser does not know: its canonical text,
		// fully parenthesized.
		text = when.String()
	}
	return "(" + text + ")"
}

// isTriggers is information_schema.triggers: a row per trigger and event
// (INSERT, DELETE, UPDATE, in that order), action_order numbering the
// table's triggers of one event and timing in the order they fire.
func isTriggers(c *catalogSnapshot) []map[string]any {
	var out []map[string]any
	for _, t := range c.tables {
		if !t.hasTriggers() {
			continue
		}
		order := map[string]int64{}
		for i := range t.decl.triggers {
			tr := &t.decl.triggers[i]
			timing := "AFTER"
			if tr.before {
				timing = "BEFORE"
			}
			var cond any
			if tr.when != nil {
				w := c.whenText(t, tr.when, false /* pretty */)
				cond = w[1 : len(w)-1] // without WHEN's parentheses
			}
			for _, ev := range []struct {
				bit  ir.TriggerEvent
				name string
			}{{ir.TriggerInsert, "INSERT"}, {ir.TriggerDelete, "DELETE"}, {ir.TriggerUpdate, "UPDATE"}} {
				if tr.events&ev.bit == 0 {
					continue
				}
				order[timing+ev.name]++
				out = append(out, map[string]any{"trigger_catalog": c.db, "trigger_schema": "public", "trigger_name": tr.name,
					"event_manipulation": ev.name, "event_object_catalog": c.db, "event_object_schema": "public",
					"event_object_table": t.name(), "action_order": order[timing+ev.name], "action_condition": cond,
					"action_statement": "EXECUTE FUNCTION " + ident(tr.function) + "()", "action_orientation": "ROW",
					"action_timing": timing})
			}
		}
	}
	return out
}
