package conformance

// A random query generator for differential testing: from a seed, a small
// database (a few related tables with NULLs and duplicate values) and
// random SELECT queries over it, which TestRandomQueries runs on reldb and
// on PostgreSQL and compares. Everything is drawn from one seeded source,
// so a seed replays the same database and the same queries.
//
// The queries are meant to have one right answer, the same on any
// database that follows PostgreSQL's rules; so the generator keeps away
// from what PostgreSQL leaves open or decides by plan:
//
//   - Order. A query's rows are compared as a multiset unless its ORDER BY
//     lists every output column, and LIMIT and OFFSET come only with such
//     an ORDER BY (or under EXISTS, whose answer does not depend on which
//     rows are kept); a scalar subquery is an aggregate (one row) or ends
//     in ORDER BY its one column LIMIT 1.
//   - Equal values that print differently. 1.5 and 1.50 are equal
//     numerics, 'ab' and 'ab ' equal chars, so a value that is
//     deduplicated, grouped, set-combined, sorted under a LIMIT, or
//     chosen by min or max could print either way. There a numeric has a
//     fixed scale (kNum: columns are numeric(6,2)) and a string is text
//     (kText); quotients, averages and mixed-scale values (kNumX), and
//     char(3) columns and expressions of type char (kChar) appear only
//     where every value is printed as computed, or converted to text.
//     Numbers are integers or numeric, never double precision (round(int)
//     is one), whose text PostgreSQL and Go print differently and for
//     which round(x, n) does not exist.
//   - Errors whose occurrence depends on the plan. PostgreSQL evaluates a
//     WHERE or ON condition wherever its plan puts it (pushed below a
//     join, before or after another condition) and AND and OR in any
//     order, and folds constant expressions, a derived table's constant
//     columns included, when it plans, failing even if no row would reach
//     them. So an expression that can fail (22012 division by zero, 22003
//     int4 overflow) appears only in the select list of a query without
//     LIMIT, outside AND and OR ("risky"), with a table's column as the
//     operand that fails. Elsewhere a divisor is wrapped in NULLIF(…, 0)
//     and values stay small.
//   - string_agg orders by its argument, so its result is determined; a
//     literal argument is cast to text, or DISTINCT would not find the
//     ORDER BY among the arguments (42P10).
//   - FULL JOIN … ON has only equalities of columns: PostgreSQL refuses
//     other conditions (0A000, merge- or hash-joinable conditions only).
//   - An aggregate's arguments use only the subquery's own columns: an
//     aggregate over outer columns belongs to the outer query, a rule
//     this generator does not model.
//   - A GROUP BY expression names a column (GROUP BY 1 would be an
//     ordinal, GROUP BY TRUE an error), and a subquery does not name a
//     GROUP BY expression: PostgreSQL does not match one inside a
//     subquery (42803, the subquery uses an ungrouped column).
//   - substr's position is cast to integer: substr(text, bigint) does not
//     exist (42883) and count(*) is a bigint.
//
// Constructs reldb reports as unsupported (0A000) are not generated, so
// that the comparison stays meaningful: aggregate FILTER, row
// constructors ((a, b) = (c, d)), window functions, NATURAL joins,
// LATERAL, DISTINCT ON, GROUPING SETS.
//
// Known differences from PostgreSQL that reldb does not fix, also not
// generated:
//
//   - Type errors. PostgreSQL resolves types when it plans (42883 for
//     text = integer, 22P02 for integer = 'x', 42883 for round(x, bigint),
//     even over an empty table); reldb types values as it evaluates them,
//     so it reports such an error only when a row reaches the expression:
//     SELECT a.s = 1 FROM t0 a WHERE false is 42883 on PostgreSQL and an
//     empty result on reldb. Deliberately mistyped expressions are
//     generated only as the select list of a query without FROM, which is
//     evaluated once.
//   - IN with an untyped literal on the left. PostgreSQL compares it with
//     the list's items that name no column of the query's own level as
//     one type, the first the items have (char for 'b' and an outer
//     query's char column), and with the others one by one; reldb
//     compares item by item: SELECT (SELECT 'b ' IN ('b', ' a', v.c))
//     FROM (VALUES ('x'::char(3))) v(c) is true on PostgreSQL, false on
//     reldb. An IN's left side is cast to text when it is a literal.

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

// Random generates a small database and random queries over it,
// deterministically from a seed. It is not safe for concurrent use.
type Random struct {
	r      *rand.Rand
	tables []*rqTable
	setup  []string

	// Per query.
	aliases int      // aliases handed out, so every alias is new
	depth   int      // subquery nesting
	ctes    []*rqRel // WITH queries in scope
	typeErr bool     // one deliberate type error may still be placed
}

// RandomQuery is one generated query.
type RandomQuery struct {
	SQL string
	// Ordered is true when the query's ORDER BY fixes the order of its
	// rows' printed values, so the rows compare in order; otherwise they
	// compare as a multiset.
	Ordered bool
}

// rqKind is the type of a generated expression, as far as the generator
// needs to know it.
type rqKind uint8

const (
	kInt  rqKind = iota // smallint, integer or bigint
	kNum                // numeric of scale 2
	kNumX               // numeric of any scale (a kNum is one too)
	kText               // text or varchar
	kBool               // boolean
	// kChar is char(3), and expressions of type char: values equal
	// without their trailing blanks print differently ('ab' and 'ab '
	// as char), so like kNumX it is kept from deduplication, grouping,
	// set operations, sorting under a LIMIT, min and max.
	kChar
)

var _ fmt.Stringer = kInt

func (k rqKind) String() string {
	switch k {
	case kInt:
		return "int"
	case kNum:
		return "num"
	case kNumX:
		return "numx"
	case kText:
		return "text"
	case kBool:
		return "bool"
	case kChar:
		return "char"
	}
	return "rqKind(" + strconv.Itoa(int(k)) + ")"
}

// stable is the kind itself, or kNum for kNumX and kText for kChar: a
// kind whose equal values print alike.
func (k rqKind) stable() rqKind {
	switch k {
	case kNumX:
		return kNum
	case kChar:
		return kText
	}
	return k
}

// rqTable is a generated table.
type rqTable struct {
	name string
	cols []rqColDef
}

// rqColDef is a column of a table, CTE or derived table.
type rqColDef struct {
	name    string
	kind    rqKind
	sqlType string // for tables
	notNull bool
	unique  bool
	ref     *rqTable // REFERENCES ref (id)
}

// rqRel is a WITH query: a name and columns.
type rqRel struct {
	name string
	cols []rqColDef
}

// rqCol is a column an expression may name.
type rqCol struct {
	ref  string // how it is named: "a3.k", or "k"
	kind rqKind
	// base is set for a table's column: PostgreSQL cannot fold it to a
	// constant when it plans, as it can a derived table's or a WITH
	// query's column (see baseCol).
	base bool
	// key is set for a GROUP BY expression (not a column): a subquery
	// may not name it (see qualified).
	key bool
}

// rqOut is an output column of a FROM item, by its unqualified name.
type rqOut struct {
	name string
	kind rqKind
}

// rqFrom is a FROM item or a join of them.
type rqFrom struct {
	sql  string
	cols []rqCol // qualified references to every column
	out  []rqOut // the columns SELECT * and unqualified names see
}

// rqCtx is where an expression is generated.
type rqCtx struct {
	cols  []rqCol // columns it may name
	agg   []rqCol // non-nil: aggregates may appear, their arguments over these
	risky bool    // it may fail (division by zero, overflow)
}

// rqSelect is a generated query expression.
type rqSelect struct {
	sql   string
	kinds []rqKind
	names []string // output names; "" where PostgreSQL picks one
	total bool     // ORDER BY fixes the order of the printed rows
}

// NewRandom returns a generator whose database and queries are determined
// by seed.
func NewRandom(seed uint64) *Random {
	g := &Random{r: rand.New(rand.NewPCG(seed, 0x5eed))}
	g.genSchema()
	return g
}

// Setup returns the statements that create and fill the database: CREATE
// TABLE, CREATE INDEX and INSERT, in order. They should all succeed.
func (g *Random) Setup() []string { return slices.Clone(g.setup) }

// Query returns a new random query over the database.
func (g *Random) Query() RandomQuery {
	g.aliases, g.depth, g.ctes = 0, 0, nil
	g.typeErr = g.chance(0.04)
	q := g.topQuery()
	return RandomQuery{SQL: q.sql + ";", Ordered: q.total}
}

func (g *Random) chance(p float64) bool { return g.r.Float64() < p }

func (g *Random) intn(n int) int { return g.r.IntN(n) }

// between returns an int in [lo, hi].
func (g *Random) between(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

func pick[T any](g *Random, xs []T) T { return xs[g.r.IntN(len(xs))] }

// ---- schema and data ----

// Column name pools: a name always has one kind (char(3) and text count as
// one), so USING can join on it.
var rqNamedKinds = []rqOut{
	{"k", kInt}, {"k2", kInt}, {"s", kText}, {"s2", kText}, {"n", kNum}, {"b", kBool},
}

var (
	rqTexts = []string{"a", "b", "ab", "A", "abc", "a%b", "x_y", "", " a", "b ", "zz", "Ab", "10", "9", "ba"}
	rqNums  = []string{"0.00", "1.50", "-1.50", "2.25", "10.00", "0.01", "-0.01", "99.99", "3.00", "-7.25"}
)

func (g *Random) genSchema() {
	ntables := g.between(3, 4)
	for i := 0; i < ntables; i++ {
		t := &rqTable{name: "t" + strconv.Itoa(i)}
		t.cols = append(t.cols, rqColDef{name: "id", kind: kInt, sqlType: "integer", notNull: true})
		// Foreign keys to earlier tables, and sometimes to itself.
		for j := 0; j < i; j++ {
			if g.chance(0.5) {
				t.cols = append(t.cols, rqColDef{name: g.tables[j].name + "_id", kind: kInt, sqlType: "integer", ref: g.tables[j]})
			}
		}
		if i > 0 && g.chance(0.15) {
			t.cols = append(t.cols, rqColDef{name: "parent_id", kind: kInt, sqlType: "integer", ref: t})
		}
		names := slices.Clone(rqNamedKinds)
		g.r.Shuffle(len(names), func(a, b int) { names[a], names[b] = names[b], names[a] })
		for _, nk := range names[:g.between(2, 5)] {
			c := rqColDef{name: nk.name, kind: nk.kind, notNull: g.chance(0.15)}
			switch nk.kind {
			case kInt:
				c.sqlType = pick(g, []string{"integer", "integer", "bigint", "smallint"})
			case kText:
				// char(3) pads to 3 and ignores trailing blanks when it
				// compares: the texts all fit.
				c.sqlType = pick(g, []string{"text", "text", "text", "varchar(10)", "varchar(10)", "char(3)"})
			case kNum:
				c.sqlType = "numeric(6,2)"
			case kBool:
				c.sqlType = "boolean"
			}
			if c.sqlType == "char(3)" {
				c.kind = kChar
			}
			c.unique = c.kind == kText && g.chance(0.1)
			t.cols = append(t.cols, c)
		}
		g.tables = append(g.tables, t)
	}
	for _, t := range g.tables {
		var defs []string
		for _, c := range t.cols {
			d := c.name + " " + c.sqlType
			switch {
			case c.name == "id":
				d += " PRIMARY KEY"
			case c.notNull:
				d += " NOT NULL"
			}
			if c.unique {
				d += " UNIQUE"
			}
			if c.ref != nil {
				d += " REFERENCES " + c.ref.name
				if g.chance(0.3) {
					d += " ON DELETE CASCADE"
				}
			}
			defs = append(defs, d)
		}
		g.setup = append(g.setup, "CREATE TABLE "+t.name+" ("+strings.Join(defs, ", ")+");")
		for _, c := range t.cols[1:] {
			if c.ref == nil && !c.unique && g.chance(0.25) {
				g.setup = append(g.setup, fmt.Sprintf("CREATE INDEX ON %s (%s);", t.name, c.name))
			}
		}
	}
	ids := map[*rqTable][]int{}
	for _, t := range g.tables {
		n := g.between(0, 9)
		if g.chance(0.7) {
			n += 3
		}
		if g.chance(0.05) {
			n = 0
		}
		used := map[int]bool{}
		var rows []string
		usedText := map[string]map[string]bool{}
		for len(rows) < n {
			id := g.between(-2, 20)
			if used[id] {
				continue
			}
			used[id] = true
			vals := []string{strconv.Itoa(id)}
			for _, c := range t.cols[1:] {
				vals = append(vals, g.value(c, ids[c.ref], ids[t], usedText))
			}
			ids[t] = append(ids[t], id)
			rows = append(rows, "("+strings.Join(vals, ", ")+")")
		}
		if len(rows) > 0 {
			g.setup = append(g.setup, "INSERT INTO "+t.name+" VALUES "+strings.Join(rows, ", ")+";")
		}
	}
}

// value returns a literal for a new row's column c; parents are the ids
// of the table c references (self: of its own table so far).
func (g *Random) value(c rqColDef, parents, self []int, usedText map[string]map[string]bool) string {
	if c.ref != nil {
		if c.name == "parent_id" {
			parents = self
		}
		if len(parents) == 0 || g.chance(0.25) {
			return "NULL"
		}
		return strconv.Itoa(pick(g, parents))
	}
	if !c.notNull && g.chance(0.2) {
		return "NULL"
	}
	switch c.kind {
	case kInt:
		if g.chance(0.1) {
			return strconv.Itoa(g.between(20, 100))
		}
		return strconv.Itoa(g.between(-3, 9))
	case kNum:
		return pick(g, rqNums)
	case kBool:
		return pick(g, []string{"true", "false"})
	}
	s := pick(g, rqTexts)
	if c.unique {
		if usedText[c.name] == nil {
			usedText[c.name] = map[string]bool{}
		}
		for usedText[c.name][s] {
			s += "x"
		}
		usedText[c.name][s] = true
	}
	return quote(s)
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// ---- queries ----

func (g *Random) alias(prefix string) string {
	g.aliases++
	return prefix + strconv.Itoa(g.aliases)
}

// randomKinds returns n output kinds; stable ones only when stable.
func (g *Random) randomKinds(n int, stable bool) []rqKind {
	ks := make([]rqKind, n)
	for i := range ks {
		k := pick(g, []rqKind{kInt, kInt, kNum, kNumX, kText, kText, kBool, kChar})
		if stable {
			k = k.stable()
		}
		ks[i] = k
	}
	return ks
}

// topQuery is a whole statement: maybe WITH, then a query expression.
func (g *Random) topQuery() rqSelect {
	if g.typeErr && g.chance(0.5) {
		return g.typeErrorQuery()
	}
	g.typeErr = false
	var with string
	if g.chance(0.15) {
		with = g.withClause(nil)
	}
	q := g.queryExpr(nil, nil, true /* top */)
	q.sql = with + q.sql
	return q
}

// typeErrorQuery is a SELECT without FROM whose one item has a type
// error PostgreSQL reports when it plans (see the package comment).
func (g *Random) typeErrorQuery() rqSelect {
	g.typeErr = false
	var bad string
	switch g.intn(6) {
	case 0:
		bad = "'abc' = 1 + " + g.literal(kInt)
	case 1:
		bad = g.literal(kText) + "::text > " + g.literal(kInt)
	case 2:
		bad = g.literal(kInt) + " + TRUE"
	case 3:
		bad = "sum(" + g.literal(kText) + "::text)"
	case 4:
		bad = "upper(" + g.literal(kInt) + ")"
	default:
		bad = g.literal(kNum) + " || " + g.literal(kInt)
	}
	return rqSelect{sql: "SELECT " + bad, kinds: []rqKind{kBool}, names: []string{""}}
}

// withClause returns "WITH c AS (…), … " and puts its queries in scope.
func (g *Random) withClause(outer []rqCol) string {
	g.depth++
	defer func() { g.depth-- }()
	n := g.between(1, 2)
	var parts []string
	recursive := false
	for i := 0; i < n; i++ {
		if g.chance(0.15) {
			name := g.alias("r")
			part, cols := g.recursiveQuery(name)
			parts = append(parts, part)
			g.ctes = append(g.ctes, &rqRel{name: name, cols: cols})
			recursive = true
			continue
		}
		q := g.queryExpr(outer, g.randomKinds(g.between(1, 3), false), false)
		name := g.alias("w")
		rel := &rqRel{name: name}
		explicit := needsNames(q.names) || g.chance(0.4)
		names := q.names
		if explicit {
			names = outNames(q.kinds)
		}
		for j, k := range q.kinds {
			rel.cols = append(rel.cols, rqColDef{name: names[j], kind: k})
		}
		head := name
		if explicit {
			head += " (" + strings.Join(names, ", ") + ")"
		}
		parts = append(parts, head+" AS ("+q.sql+")")
		g.ctes = append(g.ctes, rel)
	}
	if recursive {
		return "WITH RECURSIVE " + strings.Join(parts, ", ") + " "
	}
	return "WITH " + strings.Join(parts, ", ") + " "
}

// recursiveQuery is a recursive WITH query named name, and its columns:
// a count, a string grown row by row, or a walk down a table's parent_id
// tree (which has no cycle: a row's parent is an earlier row).
func (g *Random) recursiveQuery(name string) (string, []rqColDef) {
	var tree *rqTable
	for _, t := range g.tables {
		if slices.ContainsFunc(t.cols, func(c rqColDef) bool { return c.name == "parent_id" }) {
			tree = t
		}
	}
	union := pick(g, []string{"UNION ALL", "UNION"})
	switch {
	case tree != nil && g.chance(0.5):
		a, b, r := g.alias("a"), g.alias("a"), g.alias("a")
		return fmt.Sprintf("%s (id, k) AS (SELECT %s.id, 0 FROM %s AS %s WHERE %s.parent_id IS NULL %s SELECT %s.id, %s.k + 1 FROM %s AS %s JOIN %s AS %s ON %s.parent_id = %s.id)",
				name, a, tree.name, a, a, union, b, r, tree.name, b, name, r, b, r),
			[]rqColDef{{name: "id", kind: kInt}, {name: "k", kind: kInt}}
	case g.chance(0.5):
		return fmt.Sprintf("%s (k, s) AS (SELECT 1, %s::text %s SELECT k + 1, s || %s FROM %s WHERE k < %d)",
				name, g.literal(kText), union, g.literal(kText), name, g.between(0, 5)),
			[]rqColDef{{name: "k", kind: kInt}, {name: "s", kind: kText}}
	}
	return fmt.Sprintf("%s (k) AS (SELECT %d %s SELECT k + %d FROM %s WHERE k < %d)",
		name, g.between(-2, 3), union, g.between(1, 2), name, g.between(0, 9)), []rqColDef{{name: "k", kind: kInt}}
}

// outNames names output columns of the given kinds: the first of a kind
// after the table columns of that kind (so that USING can join a derived
// table with a table), the others c0, c1, ….
func outNames(kinds []rqKind) []string {
	seen := map[rqKind]bool{}
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = "c" + strconv.Itoa(i)
		if !seen[k] {
			seen[k] = true
			switch k {
			case kInt:
				names[i] = "k"
			case kText:
				names[i] = "s"
			case kNum:
				names[i] = "n"
			case kBool:
				names[i] = "b"
			}
		}
	}
	return names
}

// needsNames reports whether a derived table or WITH query must name its
// columns: some are unnamed, or two share a name.
func needsNames(names []string) bool {
	seen := map[string]bool{}
	for _, n := range names {
		if n == "" || seen[n] {
			return true
		}
		seen[n] = true
	}
	return false
}

// queryExpr is a SELECT, possibly combined by set operations, possibly
// ordered and limited. want fixes the output kinds (nil: any); outer are
// the columns of enclosing queries it may name.
func (g *Random) queryExpr(outer []rqCol, want []rqKind, top bool) rqSelect {
	// Decide the order first: a total order needs stable kinds.
	total := g.chance(0.3)
	free := want == nil
	if free {
		want = g.randomKinds(pick(g, []int{1, 1, 2, 2, 3, 4}), total)
	} else if total && slices.Contains(want, kNumX) {
		total = false
	}
	var q rqSelect
	if g.depth == 0 && g.chance(0.12) {
		q = g.setOp(outer, want)
	} else {
		q = g.selectCore(outer, want, top && !total, free)
	}
	if total && slices.Contains(q.kinds, kNumX) {
		total = false // SELECT * of a derived table
	}
	if total {
		var terms []string
		for _, i := range g.r.Perm(len(q.kinds)) {
			terms = append(terms, strconv.Itoa(i+1)+g.direction())
		}
		q.sql += " ORDER BY " + strings.Join(terms, ", ")
		q.total = true
		if g.chance(0.5) {
			q.sql += " LIMIT " + strconv.Itoa(g.between(0, 6))
		}
		if g.chance(0.3) {
			q.sql += " OFFSET " + strconv.Itoa(g.between(0, 4))
		}
	} else if top && g.chance(0.2) && len(q.kinds) > 0 {
		// An order that need not be total: rows still compare as a multiset.
		q.sql += " ORDER BY " + strconv.Itoa(g.between(1, len(q.kinds))) + g.direction()
	}
	return q
}

func (g *Random) direction() string {
	return pick(g, []string{"", "", " ASC", " DESC", " NULLS FIRST", " DESC NULLS LAST", " ASC NULLS FIRST", " DESC NULLS FIRST"})
}

// setOp combines two or three SELECTs of the same kinds.
func (g *Random) setOp(outer []rqCol, want []rqKind) rqSelect {
	for i := range want {
		want[i] = want[i].stable()
	}
	g.depth++
	defer func() { g.depth-- }()
	left := g.setOperand(outer, want)
	sql := left.sql
	for n := g.between(1, 2); n > 0; n-- {
		op := pick(g, []string{"UNION", "UNION", "INTERSECT", "EXCEPT"})
		if g.chance(0.4) {
			op += " ALL"
		}
		right := g.setOperand(outer, want)
		sql += " " + op + " " + right.sql
	}
	return rqSelect{sql: sql, kinds: left.kinds, names: left.names}
}

// setOperand is a SELECT in a set operation: bare, or parenthesized and
// possibly with its own ORDER BY and LIMIT.
func (g *Random) setOperand(outer []rqCol, want []rqKind) rqSelect {
	if g.chance(0.2) {
		q := g.queryExpr(outer, slices.Clone(want), false)
		q.sql = "(" + q.sql + ")"
		return q
	}
	return g.selectCore(outer, slices.Clone(want), false, false)
}

// selectCore is one SELECT … FROM … WHERE … [GROUP BY … HAVING …].
// risky allows failing expressions in its select list; free allows other
// output kinds than want (SELECT *).
func (g *Random) selectCore(outer []rqCol, want []rqKind, risky, free bool) rqSelect {
	if g.chance(0.05) {
		// No FROM.
		ctx := &rqCtx{cols: outer, risky: risky}
		return g.items(ctx, want, false, nil)
	}
	from := g.fromClause(outer)
	cols := append(slices.Clone(from.cols), outer...)
	var where string
	if g.chance(0.6) {
		where = " WHERE " + g.expr(&rqCtx{cols: cols}, kBool, g.between(1, 3-g.depth))
	}
	distinct := g.chance(0.12)
	if distinct {
		for i := range want {
			want[i] = want[i].stable()
		}
	}
	var q rqSelect
	if g.chance(0.3) {
		q = g.grouped(from, outer, want, where, risky)
	} else if free && !distinct && g.chance(0.06) && len(from.out) > 0 {
		// SELECT *: its kinds are the FROM clause's.
		q = rqSelect{sql: "SELECT * FROM " + from.sql + where}
		for _, o := range from.out {
			q.kinds = append(q.kinds, o.kind)
			q.names = append(q.names, o.name)
		}
	} else {
		q = g.items(&rqCtx{cols: cols, risky: risky}, want, false, nil)
		q.sql += " FROM " + from.sql + where
	}
	if distinct {
		q.sql = "SELECT DISTINCT" + strings.TrimPrefix(q.sql, "SELECT")
	}
	return q
}

// items is "SELECT e AS c0, …" over ctx.
// aggs allows aggregates; preset fixes some items' expressions.
func (g *Random) items(ctx *rqCtx, want []rqKind, aggs bool, preset map[int]string) rqSelect {
	q := rqSelect{kinds: want}
	var list []string
	aliases := outNames(want)
	for i, k := range want {
		var e string
		if p, ok := preset[i]; ok {
			e = p
		} else if aggs && g.chance(0.5) {
			e = g.aggregate(ctx, k)
		} else {
			e = g.expr(ctx, k, g.between(0, 2-min(g.depth, 1)))
		}
		if g.chance(0.85) {
			name := aliases[i]
			e += " AS " + name
			q.names = append(q.names, name)
		} else {
			q.names = append(q.names, "")
		}
		list = append(list, e)
	}
	q.sql = "SELECT " + strings.Join(list, ", ")
	return q
}

// grouped is a SELECT with GROUP BY (or aggregates over all rows).
func (g *Random) grouped(from rqFrom, outer []rqCol, want []rqKind, where string, risky bool) rqSelect {
	var keys []rqCol
	var keySQL []string
	for n := g.between(0, 2); n > 0; n-- {
		c := pick(g, from.cols)
		if c.kind == kNumX || c.kind == kChar && !c.base {
			// Equal values that print differently: the group's would be
			// either. A table's char(3) column pads all alike.
			continue
		}
		key := c
		if g.chance(0.25) {
			key = g.keyExpr(c)
		}
		keys = append(keys, key)
		keySQL = append(keySQL, key.ref)
	}
	cols := append(slices.Clone(keys), outer...)
	for _, k := range keys {
		// Grouped by a table's primary key, its other columns are grouped
		// too (PostgreSQL's functional dependency), in subqueries as well.
		if k.base && !k.key && strings.HasSuffix(k.ref, ".id") {
			prefix := strings.TrimSuffix(k.ref, "id")
			for _, c := range from.cols {
				if strings.HasPrefix(c.ref, prefix) && c.ref != k.ref {
					cols = append(cols, c)
				}
			}
		}
	}
	// Sometimes GROUP BY names a key by its position in the select list.
	var preset map[int]string
	if len(keys) > 0 && g.chance(0.2) {
		j := g.intn(len(keys))
		for i, k := range want {
			if k == keys[j].kind {
				preset = map[int]string{i: keys[j].ref}
				keySQL[j] = strconv.Itoa(i + 1)
				break
			}
		}
	}
	ctx := &rqCtx{cols: cols, agg: from.cols, risky: risky}
	q := g.items(ctx, want, true, preset)
	q.sql += " FROM " + from.sql + where
	if len(keys) > 0 {
		q.sql += " GROUP BY " + strings.Join(keySQL, ", ")
	}
	if g.chance(0.3) {
		hctx := &rqCtx{cols: ctx.cols, agg: ctx.agg}
		q.sql += " HAVING " + g.expr(hctx, kBool, 2)
	}
	return q
}

// keyExpr is an expression over column c to group by. It names c, so
// that it is no constant (GROUP BY 1 is an ordinal, GROUP BY TRUE an
// error).
func (g *Random) keyExpr(c rqCol) rqCol {
	var k rqCol
	switch c.kind {
	case kInt:
		k = pick(g, []rqCol{{ref: "(" + c.ref + " % 3)", kind: kInt}, {ref: "(" + c.ref + " > 2)", kind: kBool}, {ref: "abs(" + c.ref + ")", kind: kInt}})
	case kNum:
		k = pick(g, []rqCol{{ref: "round(" + c.ref + ", 1)", kind: kNumX}, {ref: "(" + c.ref + " < 0)", kind: kBool}, {ref: "(" + c.ref + " * 2)", kind: kNum}})
	case kText, kChar:
		k = pick(g, []rqCol{{ref: "upper(" + c.ref + ")", kind: kText}, {ref: "substr(" + c.ref + ", 1, 1)", kind: kText}, {ref: "length(" + c.ref + ")", kind: kInt}})
	default:
		k = rqCol{ref: "(" + c.ref + " IS NOT TRUE)", kind: kBool}
	}
	k.key = true
	return k
}

// fromClause is one or two comma-separated join chains.
func (g *Random) fromClause(outer []rqCol) rqFrom {
	n := pick(g, []int{1, 1, 1, 2, 2, 3})
	if g.depth > 0 {
		n = pick(g, []int{1, 1, 1, 2})
	}
	f := g.joinChain(outer, n)
	if g.chance(0.15) {
		f2 := g.joinChain(outer, 1)
		f = rqFrom{sql: f.sql + ", " + f2.sql, cols: append(f.cols, f2.cols...), out: append(f.out, f2.out...)}
	}
	// Unqualified names that are unique may be used too.
	count := map[string]int{}
	for _, o := range f.out {
		count[o.name]++
	}
	for _, o := range f.out {
		if count[o.name] == 1 && g.chance(0.3) {
			f.cols = append(f.cols, rqCol{ref: o.name, kind: o.kind})
		}
	}
	return f
}

// joinChain is n FROM items joined left to right.
func (g *Random) joinChain(outer []rqCol, n int) rqFrom {
	f := g.fromItem(outer)
	for i := 1; i < n; i++ {
		var right rqFrom
		if g.chance(0.12) {
			right = g.joinChain(outer, 2)
			right.sql = "(" + right.sql + ")"
		} else {
			right = g.fromItem(outer)
		}
		f = g.join(f, right, outer)
	}
	return f
}

// join joins left and right with a random kind and condition.
func (g *Random) join(left, right rqFrom, outer []rqCol) rqFrom {
	kind := pick(g, []string{"JOIN", "INNER JOIN", "LEFT JOIN", "LEFT OUTER JOIN", "RIGHT JOIN", "FULL JOIN", "FULL OUTER JOIN", "CROSS JOIN"})
	out := rqFrom{cols: append(slices.Clone(left.cols), right.cols...)}
	if kind == "CROSS JOIN" {
		out.sql = left.sql + " CROSS JOIN " + right.sql
		out.out = append(slices.Clone(left.out), right.out...)
		return out
	}
	if using := g.usingColumns(left, right); len(using) > 0 && g.chance(0.3) {
		out.sql = left.sql + " " + kind + " " + right.sql + " USING (" + strings.Join(using, ", ") + ")"
		for _, name := range using {
			for _, o := range left.out {
				if o.name == name {
					out.out = append(out.out, o)
				}
			}
		}
		for _, o := range left.out {
			if !slices.Contains(using, o.name) {
				out.out = append(out.out, o)
			}
		}
		for _, o := range right.out {
			if !slices.Contains(using, o.name) {
				out.out = append(out.out, o)
			}
		}
		return out
	}
	out.out = append(slices.Clone(left.out), right.out...)
	var conds []string
	full := strings.HasPrefix(kind, "FULL")
	for n := g.between(1, 2); n > 0; n-- {
		if l, r, ok := g.equiPair(left.cols, right.cols); ok && (full || g.chance(0.7)) {
			conds = append(conds, l+" = "+r)
		} else if !full {
			conds = append(conds, g.expr(&rqCtx{cols: append(slices.Clone(out.cols), outer...)}, kBool, 2))
		}
	}
	if len(conds) == 0 {
		// A FULL JOIN whose sides have no columns of one kind.
		kind = "CROSS JOIN"
		out.sql = left.sql + " CROSS JOIN " + right.sql
		return out
	}
	out.sql = left.sql + " " + kind + " " + right.sql + " ON " + strings.Join(conds, " AND ")
	return out
}

// equiPair picks a column of each side of the same kind.
func (g *Random) equiPair(left, right []rqCol) (string, string, bool) {
	for try := 0; try < 6; try++ {
		l, r := pick(g, left), pick(g, right)
		if l.kind.stable() == r.kind.stable() && l.kind != kBool {
			return l.ref, r.ref, true
		}
	}
	return "", "", false
}

// usingColumns returns names USING may join on: each once on both sides.
func (g *Random) usingColumns(left, right rqFrom) []string {
	count := func(outs []rqOut, name string) (int, rqKind) {
		n, k := 0, rqKind(0)
		for _, o := range outs {
			if o.name == name {
				n++
				k = o.kind
			}
		}
		return n, k
	}
	var names []string
	for _, o := range right.out {
		ln, lk := count(left.out, o.name)
		rn, rk := count(right.out, o.name)
		if ln == 1 && rn == 1 && lk.stable() == rk.stable() && !slices.Contains(names, o.name) {
			names = append(names, o.name)
		}
	}
	g.r.Shuffle(len(names), func(a, b int) { names[a], names[b] = names[b], names[a] })
	if len(names) > 1 {
		names = names[:g.between(1, len(names))]
	}
	return names
}

// fromItem is a table, a WITH query, a derived table or VALUES, aliased.
func (g *Random) fromItem(outer []rqCol) rqFrom {
	switch x := g.intn(100); {
	case x < 12 && len(g.ctes) > 0:
		c := pick(g, g.ctes)
		return g.named(c.name, c.cols, false /* base */)
	case x < 20 && g.depth == 0:
		return g.derived(outer)
	case x < 28:
		return g.valuesItem()
	}
	t := pick(g, g.tables)
	return g.named(t.name, t.cols, true /* base */)
}

// named is a table or WITH query under a new alias.
func (g *Random) named(name string, cols []rqColDef, base bool) rqFrom {
	a := g.alias("a")
	f := rqFrom{sql: name + " AS " + a}
	if g.chance(0.1) {
		f.sql = name + " " + a
	}
	for _, c := range cols {
		f.cols = append(f.cols, rqCol{ref: a + "." + c.name, kind: c.kind, base: base})
		f.out = append(f.out, rqOut{name: c.name, kind: c.kind})
	}
	return f
}

// derived is (SELECT …) AS d (columns).
func (g *Random) derived(outer []rqCol) rqFrom {
	g.depth++
	// A derived table cannot see its query's other FROM items; it can see
	// enclosing queries' columns, and its own WITH queries.
	ctes := g.ctes
	var with string
	if g.chance(0.1) {
		with = g.withClause(outer)
	}
	q := g.queryExpr(outer, nil, false)
	q.sql = with + q.sql
	g.ctes = ctes
	g.depth--
	a := g.alias("d")
	f := rqFrom{}
	explicit := needsNames(q.names) || g.chance(0.5)
	names := q.names
	if explicit {
		names = outNames(q.kinds)
	}
	for i, k := range q.kinds {
		f.cols = append(f.cols, rqCol{ref: a + "." + names[i], kind: k})
		f.out = append(f.out, rqOut{name: names[i], kind: k})
	}
	f.sql = "(" + q.sql + ") AS " + a
	if explicit {
		f.sql += " (" + strings.Join(names, ", ") + ")"
	}
	return f
}

// valuesItem is (VALUES (…), …) AS v (columns).
func (g *Random) valuesItem() rqFrom {
	kinds := g.randomKinds(g.between(1, 3), true)
	var rows []string
	for n := g.between(1, 4); n > 0; n-- {
		var vals []string
		for _, k := range kinds {
			if len(rows) > 0 && g.chance(0.2) {
				vals = append(vals, "NULL")
			} else {
				vals = append(vals, g.literal(k))
			}
		}
		rows = append(rows, "("+strings.Join(vals, ", ")+")")
	}
	a := g.alias("v")
	f := rqFrom{}
	names := outNames(kinds)
	for i, k := range kinds {
		f.cols = append(f.cols, rqCol{ref: a + "." + names[i], kind: k})
		f.out = append(f.out, rqOut{name: names[i], kind: k})
	}
	f.sql = "(VALUES " + strings.Join(rows, ", ") + ") AS " + a + " (" + strings.Join(names, ", ") + ")"
	return f
}

// ---- expressions ----

// colsOf returns the columns of ctx that can stand for kind k.
func colsOf(cols []rqCol, k rqKind) []rqCol {
	var out []rqCol
	for _, c := range cols {
		if c.kind == k || k == kNumX && c.kind == kNum {
			out = append(out, c)
		}
	}
	return out
}

// baseCol returns a table column of ctx of kind k, if it has one: the
// operand of a failing expression, which PostgreSQL would otherwise fold
// and fail when it plans, whether or not a row reaches it.
func baseCol(g *Random, ctx *rqCtx, k rqKind) (string, bool) {
	var cs []rqCol
	for _, c := range colsOf(ctx.cols, k) {
		if c.base {
			cs = append(cs, c)
		}
	}
	if len(cs) == 0 {
		return "", false
	}
	return pick(g, cs).ref, true
}

// leaf is a column of kind k, a literal, or an aggregate.
func (g *Random) leaf(ctx *rqCtx, k rqKind) string {
	if ctx.agg != nil && g.chance(0.4) {
		return g.aggregate(ctx, k)
	}
	if cs := colsOf(ctx.cols, k); len(cs) > 0 && g.chance(0.8) {
		return pick(g, cs).ref
	}
	if g.chance(0.08) {
		return "NULL::" + sqlTypeOf(k)
	}
	return g.literal(k)
}

func sqlTypeOf(k rqKind) string {
	switch k {
	case kInt:
		return "integer"
	case kNum:
		return "numeric(6,2)"
	case kNumX:
		return "numeric"
	case kText:
		return "text"
	case kChar:
		return "char(3)"
	}
	return "boolean"
}

// literal is a constant of kind k.
func (g *Random) literal(k rqKind) string {
	switch k {
	case kInt:
		return strconv.Itoa(g.between(-3, 12))
	case kNum:
		return pick(g, rqNums)
	case kNumX:
		return pick(g, []string{"0.5", "1.125", "3.000", "-2.5", "0.333", "7.0"})
	case kText, kChar:
		return quote(pick(g, rqTexts))
	}
	return pick(g, []string{"TRUE", "FALSE"})
}

// expr is an expression of kind k over ctx, at most d levels deep.
func (g *Random) expr(ctx *rqCtx, k rqKind, d int) string {
	if d <= 0 || g.chance(0.25) {
		return g.leaf(ctx, k)
	}
	if g.depth < 2 && g.chance(0.03) {
		return g.subqueryExpr(ctx, k)
	}
	switch k {
	case kInt:
		return g.intExpr(ctx, d)
	case kNum:
		return g.numExpr(ctx, d)
	case kNumX:
		return g.numxExpr(ctx, d)
	case kText:
		return g.textExpr(ctx, d)
	case kChar:
		if g.chance(0.3) {
			return pick(g, []string{"GREATEST(", "LEAST("}) + g.expr(ctx, kChar, d-1) + ", " + g.expr(ctx, kChar, d-1) + ")"
		}
		return g.common(ctx, kChar, d)
	}
	return g.boolExpr(ctx, d)
}

// common are the productions every kind has: CASE, COALESCE, NULLIF.
func (g *Random) common(ctx *rqCtx, k rqKind, d int) string {
	switch g.intn(4) {
	case 0, 1:
		var b strings.Builder
		b.WriteString("CASE")
		simple := g.chance(0.3)
		var operandKind rqKind
		if simple {
			operandKind = g.kindOf(ctx.cols, kInt, kText, kBool)
			b.WriteString(" " + g.expr(ctx, operandKind, d-1))
		}
		for n := g.between(1, 2); n > 0; n-- {
			if simple {
				b.WriteString(" WHEN " + g.expr(ctx, operandKind, d-1))
			} else {
				b.WriteString(" WHEN " + g.expr(ctx, kBool, d-1))
			}
			b.WriteString(" THEN " + g.expr(ctx, k, d-1))
		}
		if g.chance(0.6) {
			b.WriteString(" ELSE " + g.expr(ctx, k, d-1))
		}
		b.WriteString(" END")
		return b.String()
	case 2:
		args := []string{g.expr(ctx, k, d-1), g.expr(ctx, k, d-1)}
		if g.chance(0.3) {
			args = append(args, g.expr(ctx, k, d-1))
		}
		return "COALESCE(" + strings.Join(args, ", ") + ")"
	}
	return "NULLIF(" + g.expr(ctx, k, d-1) + ", " + g.expr(ctx, k, d-1) + ")"
}

// safe returns ctx for a child that must not fail.
func safe(ctx *rqCtx) *rqCtx {
	if !ctx.risky {
		return ctx
	}
	c := *ctx
	c.risky = false
	return &c
}

func (g *Random) intExpr(ctx *rqCtx, d int) string {
	switch g.intn(12) {
	case 0:
		return "(" + g.expr(ctx, kInt, d-1) + " + " + g.expr(ctx, kInt, d-1) + ")"
	case 1:
		return "(" + g.expr(ctx, kInt, d-1) + " - " + g.expr(ctx, kInt, d-1) + ")"
	case 2:
		if c, ok := baseCol(g, ctx, kInt); ctx.risky && ok && g.chance(0.1) {
			return "(" + c + " * 2147483647)"
		}
		return "(" + g.expr(ctx, kInt, d-1) + " * " + strconv.Itoa(g.between(-3, 3)) + ")"
	case 3:
		op := pick(g, []string{" / ", " % "})
		if c, ok := baseCol(g, ctx, kInt); ctx.risky && ok && g.chance(0.3) {
			return "(" + g.expr(ctx, kInt, d-1) + op + c + ")"
		}
		return "(" + g.expr(ctx, kInt, d-1) + op + "NULLIF(" + g.expr(ctx, kInt, d-1) + ", 0))"
	case 4:
		return "-(" + g.expr(ctx, kInt, d-1) + ")"
	case 5:
		return "abs(" + g.expr(ctx, kInt, d-1) + ")"
	case 6:
		return pick(g, []string{"length(", "char_length(", "octet_length("}) + g.expr(ctx, kText, d-1) + ")"
	case 7:
		return pick(g, []string{"GREATEST(", "LEAST("}) + g.expr(ctx, kInt, d-1) + ", " + g.expr(ctx, kInt, d-1) + ")"
	case 8:
		// kNum at depth 1 stays far from integer overflow.
		return "CAST(" + g.expr(safe(ctx), kNum, 1) + " AS integer)"
	case 9:
		return "mod(" + g.expr(ctx, kInt, d-1) + ", NULLIF(" + g.expr(ctx, kInt, d-1) + ", 0))"
	}
	return g.common(ctx, kInt, d)
}

func (g *Random) numExpr(ctx *rqCtx, d int) string {
	switch g.intn(10) {
	case 0:
		return "(" + g.expr(ctx, kNum, d-1) + " + " + g.expr(ctx, pick(g, []rqKind{kNum, kInt}), d-1) + ")"
	case 1:
		return "(" + g.expr(ctx, kNum, d-1) + " - " + g.expr(ctx, pick(g, []rqKind{kNum, kInt}), d-1) + ")"
	case 2:
		return "(" + g.expr(ctx, kNum, d-1) + " * " + g.expr(ctx, kInt, d-1) + ")"
	case 3:
		return "-(" + g.expr(ctx, kNum, d-1) + ")"
	case 4:
		return "abs(" + g.expr(ctx, kNum, d-1) + ")"
	case 5:
		return pick(g, []string{"round(", "trunc("}) + g.expr(ctx, kNumX, d-1) + ", 2)"
	case 6:
		return pick(g, []string{"GREATEST(", "LEAST("}) + g.expr(ctx, kNum, d-1) + ", " + g.expr(ctx, kNum, d-1) + ")"
	}
	return g.common(ctx, kNum, d)
}

func (g *Random) numxExpr(ctx *rqCtx, d int) string {
	switch g.intn(10) {
	case 0, 1:
		return g.numExpr(ctx, d)
	case 2:
		if c, ok := baseCol(g, ctx, kNum); ctx.risky && ok && g.chance(0.3) {
			return "(" + g.expr(ctx, kNumX, d-1) + " / " + c + ")"
		}
		return "(" + g.expr(ctx, kNumX, d-1) + " / NULLIF(" + g.expr(ctx, pick(g, []rqKind{kNumX, kInt}), d-1) + ", 0))"
	case 3:
		return "(" + g.expr(ctx, kNumX, d-1) + " * " + g.expr(ctx, kNumX, d-1) + ")"
	case 4:
		return "(" + g.expr(ctx, kNumX, d-1) + pick(g, []string{" + ", " - "}) + g.expr(ctx, kNumX, d-1) + ")"
	case 5:
		return "CAST(" + g.expr(ctx, kInt, d-1) + " AS numeric)"
	case 6:
		return pick(g, []string{"round(", "trunc(", "floor(", "ceil("}) + g.expr(ctx, kNumX, d-1) + ")"
	case 7:
		return "round(" + g.expr(ctx, kNumX, d-1) + ", " + strconv.Itoa(g.between(0, 3)) + ")"
	case 8:
		return "(" + g.expr(ctx, kNumX, d-1) + " % NULLIF(" + g.expr(ctx, kNum, d-1) + ", 0))"
	}
	return g.common(ctx, kNumX, d)
}

func (g *Random) textExpr(ctx *rqCtx, d int) string {
	switch g.intn(12) {
	case 0, 1:
		return "(" + g.expr(ctx, g.kindOf(ctx.cols, kText, kChar), d-1) + " || " + g.expr(ctx, kText, d-1) + ")"
	case 2:
		return pick(g, []string{"upper(", "lower(", "btrim(", "ltrim(", "rtrim("}) + g.expr(ctx, g.kindOf(ctx.cols, kText, kChar), d-1) + ")"
	case 3:
		// substr takes an integer, not a bigint: cast the position.
		pos := "CAST(" + g.expr(ctx, kInt, d-1) + " AS integer)"
		if g.chance(0.5) {
			return "substr(" + g.expr(ctx, kText, d-1) + ", " + pos + ")"
		}
		return "substr(" + g.expr(ctx, kText, d-1) + ", " + pos + ", " + strconv.Itoa(g.between(0, 3)) + ")"
	case 4:
		return "replace(" + g.expr(ctx, kText, d-1) + ", " + g.literal(kText) + ", " + g.literal(kText) + ")"
	case 5:
		args := []string{g.expr(ctx, kText, d-1), g.expr(ctx, pick(g, []rqKind{kText, kInt, kNum}), d-1)}
		if g.chance(0.5) {
			return "concat(" + strings.Join(args, ", ") + ")"
		}
		return "concat_ws(" + g.literal(kText) + ", " + strings.Join(args, ", ") + ")"
	case 6:
		return "CAST(" + g.expr(ctx, pick(g, []rqKind{kInt, kNumX, kBool, kChar}), d-1) + " AS text)"
	case 7:
		return pick(g, []string{"GREATEST(", "LEAST("}) + g.expr(ctx, kText, d-1) + ", " + g.expr(ctx, kText, d-1) + ")"
	}
	return g.common(ctx, kText, d)
}

func (g *Random) boolExpr(ctx *rqCtx, d int) string {
	switch g.intn(16) {
	case 0, 1, 2:
		k := g.kindOf(ctx.cols, kInt, kNumX, kText, kBool, kChar)
		op := pick(g, []string{" = ", " <> ", " < ", " <= ", " > ", " >= ", " != "})
		right := g.expr(ctx, k, d-1)
		if k == kChar && g.chance(0.3) {
			right = g.expr(ctx, kText, d-1) // char against text compares as text
		}
		if g.chance(0.05) {
			right = "NULL"
		}
		return "(" + g.expr(ctx, k, d-1) + op + right + ")"
	case 3:
		s := safe(ctx)
		return "(" + g.expr(s, kBool, d-1) + pick(g, []string{" AND ", " OR "}) + g.expr(s, kBool, d-1) + ")"
	case 4:
		return "NOT " + g.expr(ctx, kBool, d-1)
	case 5:
		return "(" + g.expr(ctx, g.kindOf(ctx.cols, kInt, kNum, kNumX, kText, kBool, kChar), d-1) + pick(g, []string{" IS NULL", " IS NOT NULL"}) + ")"
	case 6:
		k := g.kindOf(ctx.cols, kInt, kNum, kNumX, kText, kBool, kChar)
		return "(" + g.expr(ctx, k, d-1) + pick(g, []string{" IS DISTINCT FROM ", " IS NOT DISTINCT FROM "}) + g.expr(ctx, k, d-1) + ")"
	case 7:
		k := g.kindOf(ctx.cols, kInt, kNumX, kText, kChar)
		return "(" + g.expr(ctx, k, d-1) + pick(g, []string{" BETWEEN ", " NOT BETWEEN ", " BETWEEN SYMMETRIC "}) +
			g.expr(ctx, k, d-1) + " AND " + g.expr(ctx, k, d-1) + ")"
	case 8:
		k := g.kindOf(ctx.cols, kInt, kNumX, kText, kChar)
		var list []string
		for n := g.between(1, 4); n > 0; n-- {
			if g.chance(0.15) {
				list = append(list, "NULL")
			} else {
				list = append(list, g.expr(ctx, k, d-2))
			}
		}
		left := g.expr(ctx, k, d-1)
		if strings.HasPrefix(left, "'") {
			left += "::text" // see the package comment: IN and untyped literals
		}
		return "(" + left + pick(g, []string{" IN (", " NOT IN ("}) + strings.Join(list, ", ") + "))"
	case 9:
		pat := pick(g, []string{"a%", "%b", "_", "%", "a\\_%", "%A%", "", "a_", "%a%b%", "\\%"})
		return "(" + g.expr(ctx, g.kindOf(ctx.cols, kText, kChar), d-1) + pick(g, []string{" LIKE ", " NOT LIKE ", " ILIKE ", " NOT ILIKE "}) + quote(pat) + ")"
	case 10:
		return "(" + g.expr(ctx, kBool, d-1) + pick(g, []string{" IS TRUE", " IS NOT TRUE", " IS FALSE", " IS NOT FALSE", " IS UNKNOWN", " IS NOT UNKNOWN"}) + ")"
	case 11:
		k := g.kindOf(ctx.cols, kInt, kNumX, kText)
		var list []string
		for n := g.between(1, 3); n > 0; n-- {
			if g.chance(0.15) {
				list = append(list, "NULL")
			} else {
				list = append(list, g.literal(k.stable()))
			}
		}
		return "(" + g.expr(ctx, k, d-1) + pick(g, []string{" = ", " <> ", " < ", " >= "}) + pick(g, []string{"ANY", "ALL", "SOME"}) +
			" (ARRAY[" + strings.Join(list, ", ") + "]::" + sqlTypeOf(k) + "[]))"
	case 12:
		if g.depth < 2 && g.chance(0.5) {
			return g.subqueryExpr(ctx, kBool)
		}
	}
	return g.common(ctx, kBool, d)
}

// kindOf picks one of choices, usually one that cols has a column of, so
// that expressions name columns more often than they compare constants.
func (g *Random) kindOf(cols []rqCol, choices ...rqKind) rqKind {
	if g.chance(0.75) {
		var ks []rqKind
		for _, c := range cols {
			for _, k := range choices {
				if c.kind == k || k == kNumX && c.kind == kNum {
					ks = append(ks, k)
				}
			}
		}
		if len(ks) > 0 {
			return pick(g, ks)
		}
	}
	return pick(g, choices)
}

// aggregate is an aggregate call of kind k over ctx.agg.
func (g *Random) aggregate(ctx *rqCtx, k rqKind) string {
	arg := &rqCtx{cols: ctx.agg}
	distinct := ""
	if g.chance(0.15) {
		distinct = "DISTINCT "
	}
	switch k {
	case kInt:
		switch g.intn(4) {
		case 0:
			return "count(*)"
		case 1:
			return "count(" + distinct + g.expr(arg, g.kindOf(arg.cols, kInt, kNum, kText, kBool), 1) + ")"
		case 2:
			return "sum(" + distinct + g.expr(arg, kInt, 1) + ")"
		}
		return pick(g, []string{"min(", "max("}) + distinct + g.expr(arg, kInt, 1) + ")"
	case kNum:
		return pick(g, []string{"sum(", "min(", "max("}) + distinct + g.expr(arg, kNum, 1) + ")"
	case kNumX:
		if g.chance(0.3) && distinct == "" {
			return "sum(" + g.expr(arg, kNumX, 1) + ")"
		}
		return "avg(" + distinct + g.expr(arg, g.kindOf(arg.cols, kInt, kNum), 1) + ")"
	case kText, kChar:
		// min and max of char could return either of two equal values;
		// string_agg takes text, so a char argument loses its padding.
		if g.chance(0.4) {
			return pick(g, []string{"min(", "max("}) + distinct + g.expr(arg, kText, 1) + ")"
		}
		e := g.expr(arg, g.kindOf(arg.cols, kText, kChar), 1)
		if strings.HasPrefix(e, "'") {
			// An untyped literal would be text as the argument but not in
			// ORDER BY, which PostgreSQL refuses with DISTINCT (42P10).
			e += "::text"
		}
		return "string_agg(" + distinct + e + ", " + quote(pick(g, []string{",", "", " | ", "-"})) + " ORDER BY " + e + pick(g, []string{"", " DESC"}) + ")"
	}
	return pick(g, []string{"bool_and(", "bool_or(", "every("}) + distinct + g.expr(arg, kBool, 1) + ")"
}

// subqueryExpr is a subquery expression of kind k: scalar, or for kBool
// EXISTS, IN or a quantified comparison. It may name ctx's columns.
func (g *Random) subqueryExpr(ctx *rqCtx, k rqKind) string {
	g.depth++
	defer func() { g.depth-- }()
	outer := qualified(ctx.cols)
	if k == kBool && g.chance(0.7) {
		switch g.intn(3) {
		case 0:
			q := g.queryExpr(outer, nil, false)
			if !q.total && g.chance(0.2) {
				// Whether rows exist past an OFFSET does not depend on
				// their order.
				q.sql += pick(g, []string{" LIMIT 1", " OFFSET 1", " OFFSET 2", " LIMIT 0"})
			}
			return pick(g, []string{"EXISTS (", "NOT EXISTS ("}) + q.sql + ")"
		case 1:
			ek := g.kindOf(ctx.cols, kInt, kText, kNum)
			q := g.queryExpr(outer, []rqKind{ek}, false)
			return "(" + g.expr(ctx, ek, 1) + pick(g, []string{" IN (", " NOT IN ("}) + q.sql + "))"
		}
		ek := g.kindOf(ctx.cols, kInt, kText, kNum)
		q := g.queryExpr(outer, []rqKind{ek}, false)
		return "(" + g.expr(ctx, ek, 1) + pick(g, []string{" = ", " <> ", " < ", " >= "}) + pick(g, []string{"ANY", "ALL", "SOME"}) + " (" + q.sql + "))"
	}
	return "(" + g.scalarSubquery(outer, k) + ")"
}

// qualified returns the columns of cols a subquery may name: not the
// unqualified ones, which could mean its own columns, and not GROUP BY
// expressions, which PostgreSQL does not match inside a subquery (42803:
// the subquery uses an ungrouped column).
func qualified(cols []rqCol) []rqCol {
	var out []rqCol
	for _, c := range cols {
		if strings.Contains(c.ref, ".") && !c.key {
			out = append(out, c)
		}
	}
	return out
}

// scalarSubquery is a query of one column of kind k and at most one row.
func (g *Random) scalarSubquery(outer []rqCol, k rqKind) string {
	if g.chance(0.15) {
		return "SELECT " + g.expr(&rqCtx{cols: outer}, k, 2)
	}
	from := g.fromClause(outer)
	cols := append(slices.Clone(from.cols), outer...)
	var where string
	if g.chance(0.7) {
		where = " WHERE " + g.expr(&rqCtx{cols: cols}, kBool, 2)
	}
	if g.chance(0.6) {
		ctx := &rqCtx{cols: outer, agg: from.cols}
		return "SELECT " + g.aggregate(ctx, k) + " FROM " + from.sql + where
	}
	k = k.stable()
	return "SELECT " + g.expr(&rqCtx{cols: cols}, k, 2) + " FROM " + from.sql + where + " ORDER BY 1" + g.direction() + " LIMIT 1"
}
