package parse

import (
	"strconv"
	"strings"

	"github.com/pgplex/pgparser/nodes"

	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

func (t *translator) createTable(s *nodes.CreateStmt) (ir.Statement, error) {
	switch {
	case items(s.InhRelations) != nil:
		return nil, unsupported("INHERITS")
	case s.Partbound != nil:
		return nil, unsupported("PARTITION OF")
	case s.Partspec != nil:
		return nil, unsupported("PARTITION BY")
	case s.OfTypename != nil:
		return nil, unsupported("CREATE TABLE OF type")
	case items(s.Options) != nil:
		return nil, unsupported("storage parameters (WITH)")
	case s.OnCommit != nodes.ONCOMMIT_NOOP:
		return nil, unsupported("ON COMMIT")
	case s.Tablespacename != "":
		return nil, unsupported("TABLESPACE")
	case s.AccessMethod != "":
		return nil, unsupported("table access method (USING)")
	}
	name, err := rangeVar(s.Relation)
	if err != nil {
		return nil, err
	}
	out := &ir.CreateTable{Table: name, IfNotExists: s.IfNotExists}
	elems := append(append([]nodes.Node(nil), items(s.TableElts)...), items(s.Constraints)...)
	for _, el := range elems {
		switch el := el.(type) {
		case *nodes.ColumnDef:
			c, err := t.columnDef(el)
			if err != nil {
				return nil, err
			}
			out.Columns = append(out.Columns, c)
		case *nodes.Constraint:
			k, err := t.tableConstraint(el)
			if err != nil {
				return nil, err
			}
			out.Constraints = append(out.Constraints, k)
		case *nodes.TableLikeClause:
			return nil, unsupported("LIKE in CREATE TABLE")
		default:
			return nil, unsupportedf("table element %s", nodeName(el))
		}
	}
	return out, nil
}

// columnDef translates a column definition and its column constraints.
// Constraint attributes (DEFERRABLE, INITIALLY DEFERRED, ...) that the
// grammar leaves as separate list items are applied to the constraint
// before them, with PostgreSQL's checks.
func (t *translator) columnDef(cd *nodes.ColumnDef) (ir.ColumnDef, error) {
	switch {
	case cd.CollClause != nil:
		return ir.ColumnDef{}, unsupported("COLLATE")
	case cd.Compression != "":
		return ir.ColumnDef{}, unsupported("COMPRESSION")
	case cd.StorageName != "" || cd.Storage != 0:
		return ir.ColumnDef{}, unsupported("STORAGE")
	case items(cd.Fdwoptions) != nil:
		return ir.ColumnDef{}, unsupported("column OPTIONS")
	}
	typ, err := t.typeName(cd.TypeName)
	if err != nil {
		return ir.ColumnDef{}, err
	}
	out := ir.ColumnDef{Name: cd.Colname, Type: typ, NotNull: cd.IsNotNull}
	if base, ok := serialTypes[typ.Name]; ok && typ.Schema == "" {
		if typ.ArrayDims > 0 {
			return ir.ColumnDef{}, unsupported("array of serial")
		}
		out.Type = ir.TypeName{Name: base, Location: typ.Location}
		out.Identity = &ir.Identity{Kind: ir.IdentitySerial}
		out.NotNull = true
	}
	if cd.RawDefault != nil {
		if out.Default, err = t.expr(cd.RawDefault); err != nil {
			return ir.ColumnDef{}, err
		}
	}
	if cd.Identity != 0 {
		out.Identity = &ir.Identity{Kind: identityKind(cd.Identity)}
		out.NotNull = true
	}
	var sawNull, sawNotNull bool
	attrs := attrState{}
	for _, it := range items(cd.Constraints) {
		k, ok := it.(*nodes.Constraint)
		if !ok {
			return ir.ColumnDef{}, pgerr.New(pgerr.InternalError, "unexpected %s in column constraints", nodeName(it))
		}
		var last *ir.Constraint
		if n := len(out.Constraints); n > 0 && attrs.open {
			last = &out.Constraints[n-1]
		}
		if handled, err := attrs.apply(k, last); handled || err != nil {
			if err != nil {
				return ir.ColumnDef{}, err
			}
			continue
		}
		attrs = attrState{}
		switch k.Contype {
		case nodes.CONSTR_NULL:
			if sawNotNull {
				return ir.ColumnDef{}, pgerr.Syntax("conflicting NULL/NOT NULL declarations for column \"%s\"", cd.Colname)
			}
			sawNull = true
		case nodes.CONSTR_NOTNULL:
			if sawNull {
				return ir.ColumnDef{}, pgerr.Syntax("conflicting NULL/NOT NULL declarations for column \"%s\"", cd.Colname)
			}
			sawNotNull = true
			out.NotNull = true
		case nodes.CONSTR_DEFAULT:
			if out.Default != nil {
				return ir.ColumnDef{}, pgerr.Syntax("multiple default values specified for column \"%s\"", cd.Colname)
			}
			if out.Default, err = t.expr(k.RawExpr); err != nil {
				return ir.ColumnDef{}, err
			}
		case nodes.CONSTR_IDENTITY:
			if out.Identity != nil && out.Identity.Kind != ir.IdentitySerial {
				return ir.ColumnDef{}, pgerr.Syntax("multiple identity specifications for column \"%s\"", cd.Colname)
			}
			if out.Identity != nil {
				return ir.ColumnDef{}, pgerr.Syntax("both default and identity specified for column \"%s\"", cd.Colname)
			}
			out.Identity = &ir.Identity{Kind: identityKind(k.GeneratedWhen)}
			if items(k.Options) != nil {
				o, err := t.sequenceOptions(k.Options, false)
				if err != nil {
					return ir.ColumnDef{}, err
				}
				out.Identity.Options = &o
			}
			out.NotNull = true
		case nodes.CONSTR_GENERATED:
			if k.GeneratedWhen != 'a' {
				return ir.ColumnDef{}, pgerr.Syntax("for a generated column, GENERATED ALWAYS must be specified")
			}
			if out.Generated != nil {
				return ir.ColumnDef{}, pgerr.Syntax("multiple generation clauses specified for column \"%s\"", cd.Colname)
			}
			if out.Generated, err = t.expr(k.RawExpr); err != nil {
				return ir.ColumnDef{}, err
			}
		default:
			c, err := t.constraint(k, []string{cd.Colname})
			if err != nil {
				return ir.ColumnDef{}, err
			}
			out.Constraints = append(out.Constraints, c)
			attrs.open = true
		}
	}
	if out.Identity != nil && out.Default != nil {
		return ir.ColumnDef{}, pgerr.Syntax("both default and identity specified for column \"%s\"", cd.Colname)
	}
	return out, nil
}

func identityKind(b byte) ir.IdentityKind {
	if b == 'a' {
		return ir.IdentityAlways
	}
	return ir.IdentityByDefault
}

// attrState follows constraint attribute items in a column's constraint
// list, as PostgreSQL's transformConstraintAttrs does.
type attrState struct {
	open          bool // the previous item was a constraint attributes may follow
	sawDeferrable bool
	sawInitially  bool
}

// apply handles k if it is a constraint attribute, applying it to last
// (nil when no constraint that takes attributes precedes it).
func (a *attrState) apply(k *nodes.Constraint, last *ir.Constraint) (bool, error) {
	var clause string
	switch k.Contype {
	case nodes.CONSTR_ATTR_DEFERRABLE:
		clause = "DEFERRABLE"
	case nodes.CONSTR_ATTR_NOT_DEFERRABLE:
		clause = "NOT DEFERRABLE"
	case nodes.CONSTR_ATTR_DEFERRED:
		clause = "INITIALLY DEFERRED"
	case nodes.CONSTR_ATTR_IMMEDIATE:
		clause = "INITIALLY IMMEDIATE"
	default:
		return false, nil
	}
	if last == nil || last.Kind == ir.Check {
		return true, pgerr.Syntax("misplaced %s clause", clause)
	}
	switch k.Contype {
	case nodes.CONSTR_ATTR_DEFERRABLE, nodes.CONSTR_ATTR_NOT_DEFERRABLE:
		if a.sawDeferrable {
			return true, pgerr.Syntax("multiple DEFERRABLE/NOT DEFERRABLE clauses not allowed")
		}
		a.sawDeferrable = true
		last.Deferrable = k.Contype == nodes.CONSTR_ATTR_DEFERRABLE
		if !last.Deferrable && a.sawInitially && last.InitiallyDeferred {
			return true, pgerr.Syntax("constraint declared INITIALLY DEFERRED must be DEFERRABLE")
		}
	default:
		if a.sawInitially {
			return true, pgerr.Syntax("multiple INITIALLY IMMEDIATE/DEFERRED clauses not allowed")
		}
		a.sawInitially = true
		last.InitiallyDeferred = k.Contype == nodes.CONSTR_ATTR_DEFERRED
		if last.InitiallyDeferred {
			if a.sawDeferrable && !last.Deferrable {
				return true, pgerr.Syntax("constraint declared INITIALLY DEFERRED must be DEFERRABLE")
			}
			last.Deferrable = true // INITIALLY DEFERRED implies DEFERRABLE
		}
	}
	return true, nil
}

// tableConstraint translates a table constraint (or ALTER TABLE ADD
// constraint), whose columns are written in it.
func (t *translator) tableConstraint(k *nodes.Constraint) (ir.Constraint, error) {
	switch k.Contype {
	case nodes.CONSTR_PRIMARY, nodes.CONSTR_UNIQUE:
		cols, err := strs(k.Keys)
		if err != nil {
			return ir.Constraint{}, err
		}
		return t.constraint(k, cols)
	case nodes.CONSTR_FOREIGN:
		cols, err := strs(k.FkAttrs)
		if err != nil {
			return ir.Constraint{}, err
		}
		return t.constraint(k, cols)
	case nodes.CONSTR_NOTNULL:
		return ir.Constraint{}, unsupported("table-level NOT NULL constraint")
	}
	return t.constraint(k, nil)
}

// constraintKindNames names the kinds of constraint that cannot be NOT
// VALID as PostgreSQL's message does.
var constraintKindNames = map[nodes.ConstrType]string{
	nodes.CONSTR_PRIMARY: "PRIMARY KEY", nodes.CONSTR_UNIQUE: "UNIQUE", nodes.CONSTR_EXCLUSION: "EXCLUSION",
}

// refActions maps pgparser's action codes to IR actions.
var refActions = map[byte]ir.RefAction{
	0: ir.NoAction, 'a': ir.NoAction, 'r': ir.Restrict, 'c': ir.Cascade, 'n': ir.SetNull, 'd': ir.SetDefault,
}

// constraint translates a PRIMARY KEY, UNIQUE, CHECK or FOREIGN KEY
// constraint over cols (the column itself for a column constraint).
func (t *translator) constraint(k *nodes.Constraint, cols []string) (ir.Constraint, error) {
	switch {
	case k.IsNoInherit:
		return ir.Constraint{}, unsupported("NO INHERIT")
	case k.SkipValidation && k.Contype != nodes.CONSTR_CHECK && k.Contype != nodes.CONSTR_FOREIGN:
		return ir.Constraint{}, pgerr.New(pgerr.FeatureNotSupported, "%s constraints cannot be marked NOT VALID", constraintKindNames[k.Contype])
	case k.Indexname != "":
		return ir.Constraint{}, unsupported("USING INDEX")
	case k.Indexspace != "":
		return ir.Constraint{}, unsupported("USING INDEX TABLESPACE")
	case k.WhereClause != nil:
		return ir.Constraint{}, unsupported("constraint WHERE clause")
	}
	out := ir.Constraint{Name: k.Conname, Columns: cols, Deferrable: k.Deferrable || k.Initdeferred, InitiallyDeferred: k.Initdeferred,
		NotValid: k.SkipValidation}
	if k.Contype == nodes.CONSTR_PRIMARY || k.Contype == nodes.CONSTR_UNIQUE {
		var err error
		if out.Include, err = strs(k.Including); err != nil {
			return ir.Constraint{}, err
		}
		if out.Options, err = indexOptions(k.Options); err != nil {
			return ir.Constraint{}, err
		}
	}
	switch k.Contype {
	case nodes.CONSTR_PRIMARY:
		out.Kind = ir.PrimaryKey
	case nodes.CONSTR_UNIQUE:
		out.Kind = ir.Unique
		out.NullsNotDistinct = k.NullsNotDistinct
	case nodes.CONSTR_CHECK:
		out.Kind = ir.Check
		out.Columns = nil
		if out.Deferrable {
			return ir.Constraint{}, unsupported("DEFERRABLE on a CHECK constraint")
		}
		var err error
		if out.Check, err = t.expr(k.RawExpr); err != nil {
			return ir.Constraint{}, err
		}
	case nodes.CONSTR_FOREIGN:
		out.Kind = ir.ForeignKey
		fk, err := foreignKey(k)
		if err != nil {
			return ir.Constraint{}, err
		}
		out.ForeignKey = fk
	case nodes.CONSTR_EXCLUSION:
		return ir.Constraint{}, unsupported("EXCLUDE constraint")
	default:
		return ir.Constraint{}, unsupportedf("constraint of kind %d", k.Contype)
	}
	return out, nil
}

func foreignKey(k *nodes.Constraint) (*ir.ForeignKeyDef, error) {
	if k.Pktable == nil {
		return nil, pgerr.New(pgerr.InternalError, "foreign key without referenced table")
	}
	ref, err := rangeVar(k.Pktable)
	if err != nil {
		return nil, err
	}
	out := &ir.ForeignKeyDef{RefTable: ref}
	if out.RefColumns, err = strs(k.PkAttrs); err != nil {
		return nil, err
	}
	switch k.FkMatchtype {
	case 0, 's':
		out.Match = ir.MatchSimple
	case 'f':
		out.Match = ir.MatchFull
	case 'p':
		return nil, unsupported("MATCH PARTIAL")
	default:
		return nil, pgerr.New(pgerr.InternalError, "unknown MATCH type %q", k.FkMatchtype)
	}
	var ok bool
	if out.OnDelete, ok = refActions[k.FkDelaction]; !ok {
		return nil, pgerr.New(pgerr.InternalError, "unknown ON DELETE action %q", k.FkDelaction)
	}
	if out.OnUpdate, ok = refActions[k.FkUpdaction]; !ok {
		return nil, pgerr.New(pgerr.InternalError, "unknown ON UPDATE action %q", k.FkUpdaction)
	}
	if out.OnDeleteColumns, err = strs(k.FkDelsetcols); err != nil {
		return nil, err
	}
	return out, nil
}

func (t *translator) createIndex(s *nodes.IndexStmt) (ir.Statement, error) {
	switch {
	case s.AccessMethod != "" && s.AccessMethod != "btree":
		return nil, unsupportedf("index access method %s", s.AccessMethod)
	case s.TableSpace != "":
		return nil, unsupported("TABLESPACE")
	case items(s.ExcludeOpNames) != nil:
		return nil, unsupported("EXCLUDE constraint")
	}
	table, err := rangeVar(s.Relation)
	if err != nil {
		return nil, err
	}
	out := &ir.CreateIndex{
		Name: s.Idxname, Table: table, Unique: s.Unique, NullsNotDistinct: s.Nulls_not_distinct,
		IfNotExists: s.IfNotExists, Concurrently: s.Concurrent,
	}
	for _, it := range items(s.IndexParams) {
		ie, ok := it.(*nodes.IndexElem)
		if !ok {
			return nil, pgerr.New(pgerr.InternalError, "unexpected %s in index columns", nodeName(it))
		}
		if ie.Opclassopts != nil {
			return nil, unsupported("operator class parameters")
		}
		el := ir.IndexElem{Column: ie.Name, Dir: sortDir(ie.Ordering), Nulls: nullsOrder(ie.NullsOrdering)}
		if ie.Opclass != nil {
			if el.Opclass, err = catalogObjectName(ie.Opclass, "operator class"); err != nil {
				return nil, err
			}
		}
		if ie.Collation != nil {
			if el.Collation, err = catalogObjectName(ie.Collation, "collation"); err != nil {
				return nil, err
			}
		}
		if ie.Expr != nil {
			if el.Expr, err = t.expr(ie.Expr); err != nil {
				return nil, err
			}
		}
		if c, ok := el.Expr.(*ir.ColumnRef); ok && c.Table == "" && c.Schema == "" && !c.Star {
			el.Column, el.Expr = c.Column, nil // ((col)) indexes the column
		}
		out.Elems = append(out.Elems, el)
	}
	for _, it := range items(s.IndexIncludingParams) {
		ie, ok := it.(*nodes.IndexElem)
		if !ok {
			return nil, pgerr.New(pgerr.InternalError, "unexpected %s in INCLUDE", nodeName(it))
		}
		if ie.Expr != nil {
			return nil, pgerr.New(pgerr.FeatureNotSupported, "expressions are not supported in included columns")
		}
		if ie.Collation != nil || ie.Opclass != nil {
			return nil, unsupported("INCLUDE column with COLLATE or operator class")
		}
		out.Include = append(out.Include, ie.Name)
	}
	if s.IndexIncludingParams != nil && out.Include == nil {
		out.Include = []string{}
	}
	if out.Options, err = indexOptions(s.Options); err != nil {
		return nil, err
	}
	if out.Where, err = t.optExpr(s.WhereClause); err != nil {
		return nil, err
	}
	return out, nil
}

// indexOptions translates an index's WITH (storage parameters), nil for
// none.
func indexOptions(l *nodes.List) ([]ir.IndexOption, error) {
	var out []ir.IndexOption
	for _, it := range items(l) {
		d, ok := it.(*nodes.DefElem)
		if !ok {
			return nil, pgerr.New(pgerr.InternalError, "unexpected %s in WITH", nodeName(it))
		}
		if d.Defnamespace != "" {
			return nil, unsupportedf("storage parameter %s.%s", d.Defnamespace, d.Defname)
		}
		o := ir.IndexOption{Name: d.Defname}
		switch a := d.Arg.(type) {
		case nil:
		case *nodes.Integer:
			o.Value = strconv.FormatInt(int64(a.Ival), 10)
		case *nodes.Float:
			o.Value = a.Fval
		case *nodes.String:
			o.Value, o.Quoted = a.Str, true
		case *nodes.TypeName:
			// A bare word (WITH (deduplicate_items = off)) arrives as a
			// type name.
			names, err := strs(a.Names)
			if err != nil || len(names) != 1 {
				return nil, unsupported("storage parameter value " + nodeName(d.Arg))
			}
			o.Value = names[0]
		default:
			return nil, unsupported("storage parameter value " + nodeName(d.Arg))
		}
		out = append(out, o)
	}
	return out, nil
}

// dropKinds maps DROP object types to IR kinds.
var dropKinds = map[nodes.ObjectType]ir.ObjectKind{
	nodes.OBJECT_TABLE: ir.ObjectTable, nodes.OBJECT_INDEX: ir.ObjectIndex, nodes.OBJECT_VIEW: ir.ObjectView,
	nodes.OBJECT_SEQUENCE: ir.ObjectSequence, nodes.OBJECT_TYPE: ir.ObjectType, nodes.OBJECT_DOMAIN: ir.ObjectDomain,
}

// objectNames names object types in 0A000 messages.
var objectNames = map[nodes.ObjectType]string{
	nodes.OBJECT_TABLE: "TABLE", nodes.OBJECT_INDEX: "INDEX", nodes.OBJECT_VIEW: "VIEW", nodes.OBJECT_COLUMN: "COLUMN",
	nodes.OBJECT_SEQUENCE: "SEQUENCE", nodes.OBJECT_SCHEMA: "SCHEMA", nodes.OBJECT_FUNCTION: "FUNCTION",
	nodes.OBJECT_TYPE: "TYPE", nodes.OBJECT_MATVIEW: "MATERIALIZED VIEW", nodes.OBJECT_EXTENSION: "EXTENSION",
	nodes.OBJECT_TRIGGER: "TRIGGER", nodes.OBJECT_DOMAIN: "DOMAIN", nodes.OBJECT_ROLE: "ROLE",
	nodes.OBJECT_DATABASE: "DATABASE", nodes.OBJECT_PROCEDURE: "PROCEDURE", nodes.OBJECT_FOREIGN_TABLE: "FOREIGN TABLE",
}

func objectName(o nodes.ObjectType) string {
	if n, ok := objectNames[o]; ok {
		return n
	}
	return "this object type"
}

func (t *translator) drop(s *nodes.DropStmt) (ir.Statement, error) {
	switch nodes.ObjectType(s.RemoveType) {
	case nodes.OBJECT_EXTENSION:
		return t.dropExtension(s) // extension.go
	case nodes.OBJECT_FUNCTION:
		return t.dropFunction(s) // trigger.go
	case nodes.OBJECT_TRIGGER:
		return t.dropTrigger(s)
	}
	kind, ok := dropKinds[nodes.ObjectType(s.RemoveType)]
	if !ok {
		return nil, unsupportedf("DROP %s", objectName(nodes.ObjectType(s.RemoveType)))
	}
	out := &ir.Drop{Kind: kind, IfExists: s.Missing_ok, Cascade: nodes.DropBehavior(s.Behavior) == nodes.DROP_CASCADE}
	for _, it := range items(s.Objects) {
		if tn, ok := it.(*nodes.TypeName); ok { // DROP TYPE
			it = tn.Names
		}
		l, ok := it.(*nodes.List)
		if !ok {
			return nil, pgerr.New(pgerr.InternalError, "unexpected %s in DROP", nodeName(it))
		}
		name, err := qualName(l)
		if err != nil {
			return nil, err
		}
		out.Names = append(out.Names, name)
	}
	return out, nil
}

// alterNames names ALTER TABLE actions in 0A000 messages.
var alterNames = map[nodes.AlterTableType]string{
	nodes.AT_AddIdentity:       "ALTER COLUMN ... ADD GENERATED",
	nodes.AT_SetIdentity:       "ALTER COLUMN ... SET GENERATED",
	nodes.AT_DropIdentity:      "ALTER COLUMN ... DROP IDENTITY",
	nodes.AT_SetExpression:     "ALTER COLUMN ... SET EXPRESSION",
	nodes.AT_SetStatistics:     "ALTER COLUMN ... SET STATISTICS",
	nodes.AT_AlterConstraint:   "ALTER CONSTRAINT",
	nodes.AT_ChangeOwner:       "OWNER TO",
	nodes.AT_EnableAlwaysTrig:  "ENABLE ALWAYS TRIGGER",
	nodes.AT_EnableReplicaTrig: "ENABLE REPLICA TRIGGER",
	nodes.AT_EnableRowSecurity: "ENABLE ROW LEVEL SECURITY",
	nodes.AT_AttachPartition:   "ATTACH PARTITION",
	nodes.AT_DetachPartition:   "DETACH PARTITION",
	nodes.AT_AddInherit:        "INHERIT",
	nodes.AT_ReplicaIdentity:   "REPLICA IDENTITY",
	nodes.AT_SetTableSpace:     "SET TABLESPACE",
	nodes.AT_SetRelOptions:     "SET (storage parameters)",
}

func (t *translator) alterTable(s *nodes.AlterTableStmt) (ir.Statement, error) {
	if nodes.ObjectType(s.ObjType) != nodes.OBJECT_TABLE {
		return nil, unsupportedf("ALTER %s", objectName(nodes.ObjectType(s.ObjType)))
	}
	table, err := rangeVar(s.Relation)
	if err != nil {
		return nil, err
	}
	out := &ir.AlterTable{Table: table, IfExists: s.Missing_ok}
	for _, it := range items(s.Cmds) {
		c, ok := it.(*nodes.AlterTableCmd)
		if !ok {
			return nil, pgerr.New(pgerr.InternalError, "unexpected %s in ALTER TABLE", nodeName(it))
		}
		cmd, err := t.alterCmd(c)
		if err != nil {
			return nil, err
		}
		out.Cmds = append(out.Cmds, cmd)
	}
	return out, nil
}

func (t *translator) alterCmd(c *nodes.AlterTableCmd) (ir.AlterCmd, error) {
	if cmd, ok := enableTrigger(c); ok { // trigger.go
		return cmd, nil
	}
	cascade := nodes.DropBehavior(c.Behavior) == nodes.DROP_CASCADE
	switch nodes.AlterTableType(c.Subtype) {
	case nodes.AT_AddColumn:
		cd, ok := c.Def.(*nodes.ColumnDef)
		if !ok {
			return nil, pgerr.New(pgerr.InternalError, "ADD COLUMN without a column")
		}
		col, err := t.columnDef(cd)
		if err != nil {
			return nil, err
		}
		return &ir.AddColumn{Column: col, IfNotExists: c.Missing_ok}, nil
	case nodes.AT_DropColumn:
		return &ir.DropColumn{Name: c.Name, IfExists: c.Missing_ok, Cascade: cascade}, nil
	case nodes.AT_AddConstraint:
		k, ok := c.Def.(*nodes.Constraint)
		if !ok {
			return nil, pgerr.New(pgerr.InternalError, "ADD CONSTRAINT without a constraint")
		}
		con, err := t.tableConstraint(k)
		if err != nil {
			return nil, err
		}
		return &ir.AddConstraint{Constraint: con}, nil
	case nodes.AT_DropConstraint:
		return &ir.DropConstraint{Name: c.Name, IfExists: c.Missing_ok, Cascade: cascade}, nil
	case nodes.AT_ValidateConstraint:
		return &ir.ValidateConstraint{Name: c.Name}, nil
	case nodes.AT_DropExpression:
		return &ir.DropExpression{Column: c.Name, IfExists: c.Missing_ok}, nil
	case nodes.AT_ColumnDefault:
		def, err := t.optExpr(c.Def)
		if err != nil {
			return nil, err
		}
		return &ir.SetColumnDefault{Column: c.Name, Default: def}, nil
	case nodes.AT_SetNotNull:
		return &ir.SetColumnNotNull{Column: c.Name, NotNull: true}, nil
	case nodes.AT_DropNotNull:
		return &ir.SetColumnNotNull{Column: c.Name}, nil
	case nodes.AT_AlterColumnType:
		cd, ok := c.Def.(*nodes.ColumnDef)
		if !ok {
			return nil, pgerr.New(pgerr.InternalError, "ALTER COLUMN ... TYPE without a type")
		}
		if cd.CollClause != nil {
			return nil, unsupported("COLLATE")
		}
		typ, err := t.typeName(cd.TypeName)
		if err != nil {
			return nil, err
		}
		using, err := t.usingExpr()
		if err != nil {
			return nil, err
		}
		return &ir.SetColumnType{Column: c.Name, Type: typ, Using: using}, nil
	}
	if name, ok := alterNames[nodes.AlterTableType(c.Subtype)]; ok {
		return nil, unsupportedf("ALTER TABLE ... %s", name)
	}
	return nil, unsupportedf("ALTER TABLE action %d", c.Subtype)
}

func (t *translator) rename(s *nodes.RenameStmt) (ir.Statement, error) {
	if s.RenameType == nodes.OBJECT_TYPE {
		return t.renameType(s) // enum.go
	}
	if s.Relation == nil {
		return nil, unsupportedf("ALTER %s ... RENAME", objectName(s.RenameType))
	}
	table, err := rangeVar(s.Relation)
	if err != nil {
		return nil, err
	}
	switch s.RenameType {
	case nodes.OBJECT_INDEX:
		return &ir.RenameIndex{Index: table, IfExists: s.MissingOk, NewName: s.Newname}, nil
	case nodes.OBJECT_SEQUENCE:
		return &ir.AlterSequence{Name: table, IfExists: s.MissingOk, NewName: s.Newname}, nil
	}
	out := &ir.AlterTable{Table: table, IfExists: s.MissingOk}
	switch {
	case s.RenameType == nodes.OBJECT_TABLE:
		out.Cmds = []ir.AlterCmd{&ir.RenameTable{NewName: s.Newname}}
	case s.RenameType == nodes.OBJECT_COLUMN && s.RelationType == nodes.OBJECT_TABLE:
		out.Cmds = []ir.AlterCmd{&ir.RenameColumn{Column: s.Subname, NewName: s.Newname}}
	case s.RenameType == nodes.OBJECT_TABCONSTRAINT:
		out.Cmds = []ir.AlterCmd{&ir.RenameConstraint{Constraint: s.Subname, NewName: s.Newname}}
	default:
		return nil, unsupportedf("ALTER %s ... RENAME", objectName(s.RenameType))
	}
	return out, nil
}

func (t *translator) createView(s *nodes.ViewStmt) (ir.Statement, error) {
	switch {
	case items(s.Options) != nil:
		return nil, unsupported("view options (WITH)")
	case s.WithCheckOption != 0:
		return nil, unsupported("WITH CHECK OPTION")
	}
	name, err := rangeVar(s.View)
	if err != nil {
		return nil, err
	}
	sel, ok := s.Query.(*nodes.SelectStmt)
	if !ok {
		return nil, unsupportedf("view query %s", nodeName(s.Query))
	}
	q, err := t.query(sel)
	if err != nil {
		return nil, err
	}
	cols, err := strs(s.Aliases)
	if err != nil {
		return nil, err
	}
	return &ir.CreateView{View: name, OrReplace: s.Replace, Columns: cols, Query: q}, nil
}

func (t *translator) truncate(s *nodes.TruncateStmt) (ir.Statement, error) {
	out := &ir.Truncate{RestartIdentity: s.RestartSeqs, Cascade: s.Behavior == nodes.DROP_CASCADE}
	for _, it := range items(s.Relations) {
		rv, ok := it.(*nodes.RangeVar)
		if !ok {
			return nil, pgerr.New(pgerr.InternalError, "unexpected %s in TRUNCATE", nodeName(it))
		}
		name, err := rangeVar(rv)
		if err != nil {
			return nil, err
		}
		out.Tables = append(out.Tables, name)
	}
	return out, nil
}

// maintenance translates VACUUM and ANALYZE; their options change nothing
// reldb does, so they are not kept.
func (t *translator) maintenance(s *nodes.VacuumStmt) (ir.Statement, error) {
	out := &ir.Maintenance{Vacuum: s.IsVacuumCmd}
	for _, it := range items(s.Rels) {
		vr, ok := it.(*nodes.VacuumRelation)
		if !ok || vr.Relation == nil {
			return nil, pgerr.New(pgerr.InternalError, "unexpected %s in VACUUM or ANALYZE", nodeName(it))
		}
		name, err := rangeVar(vr.Relation)
		if err != nil {
			return nil, err
		}
		cols, err := strs(vr.VaCols)
		if err != nil {
			return nil, err
		}
		out.Tables = append(out.Tables, ir.MaintenanceTarget{Table: name, Columns: cols})
	}
	return out, nil
}

// commentKinds maps COMMENT ON object types to IR kinds.
var commentKinds = map[nodes.ObjectType]ir.ObjectKind{
	nodes.OBJECT_TABLE: ir.ObjectTable, nodes.OBJECT_VIEW: ir.ObjectView, nodes.OBJECT_INDEX: ir.ObjectIndex,
	nodes.OBJECT_COLUMN: ir.ObjectColumn, nodes.OBJECT_TABCONSTRAINT: ir.ObjectConstraint,
}

// comment translates COMMENT ON. PostgreSQL treats an empty comment as
// NULL (removing it), and pgparser cannot tell the two apart, so both
// arrive with Null set.
func (t *translator) comment(s *nodes.CommentStmt) (ir.Statement, error) {
	kind, ok := commentKinds[s.Objtype]
	if !ok {
		return nil, unsupportedf("COMMENT ON %s", objectName(s.Objtype))
	}
	l, ok := s.Object.(*nodes.List)
	if !ok {
		return nil, pgerr.New(pgerr.InternalError, "unexpected %s in COMMENT ON", nodeName(s.Object))
	}
	parts, err := strs(l)
	if err != nil {
		return nil, err
	}
	out := &ir.CommentOn{Kind: kind, Comment: s.Comment, Null: s.Comment == ""}
	if kind == ir.ObjectColumn || kind == ir.ObjectConstraint {
		if len(parts) < 2 {
			return nil, pgerr.Syntax("column name must be qualified")
		}
		last := parts[len(parts)-1]
		parts = parts[:len(parts)-1]
		if kind == ir.ObjectColumn {
			out.Column = last
		} else {
			out.Constraint = last
		}
	}
	if out.Object, err = qualName(&nodes.List{Items: stringNodes(parts)}); err != nil {
		return nil, err
	}
	return out, nil
}

func stringNodes(parts []string) []nodes.Node {
	out := make([]nodes.Node, len(parts))
	for i, p := range parts {
		out[i] = &nodes.String{Str: p}
	}
	return out
}

// usingExpr returns the USING expression of the next ALTER COLUMN ...
// TYPE command of the statement being translated, or nil when it has
// none. pgparser v0.2.0 parses USING but drops its expression (and the
// type's location), so it is read back from the statement's text: the
// commands are cut at its top-level commas, and in the k-th that reads
// ALTER [COLUMN] name [SET DATA] TYPE, the expression runs from the token
// after a top-level USING to the command's end. It is parsed as a select
// list item.
func (t *translator) usingExpr() (ir.Expr, error) {
	k := t.typeCmds
	t.typeCmds++
	if !t.src.hasKeyword("using") {
		return nil, nil
	}
	spans := t.src.spans()
	if len(spans) != t.stmts || t.stmt >= len(spans) {
		return nil, pgerr.New(pgerr.InternalError, "ALTER COLUMN ... TYPE ... USING: statement %d not found", t.stmt)
	}
	text, ok := t.src.alterTypeUsing(spans[t.stmt], k)
	if !ok {
		return nil, pgerr.New(pgerr.InternalError, "ALTER COLUMN ... TYPE ... USING: command %d not found", k)
	}
	if text == "" {
		return nil, nil
	}
	stmts, perr := parse("SELECT " + text)
	if perr != nil {
		return nil, perr
	}
	sel, ok := stmts[0].(*ir.Select)
	if len(stmts) != 1 || !ok || len(sel.Targets) != 1 || sel.From != nil || sel.Where != nil {
		return nil, unsupported("USING expression " + text)
	}
	return sel.Targets[0].Expr, nil
}

// alterTypeUsing returns the text of the USING expression of the k-th
// ALTER [COLUMN] name [SET DATA] TYPE command in the statement sp, "" if
// it has none; ok is false when there is no such command.
func (s *source) alterTypeUsing(sp Span, k int) (string, bool) {
	var cmds [][]token // the statement's tokens, cut at top-level commas
	var cur []token
	depth := 0
	for _, tk := range s.toks {
		if tk.start < sp.Start || tk.end > sp.End {
			continue
		}
		if tk.kind == tokPunct {
			switch s.sql[tk.start] {
			case '(', '[':
				depth++
			case ')', ']':
				depth--
			case ',':
				if depth == 0 {
					cmds = append(cmds, cur)
					cur = nil
					continue
				}
			}
		}
		cur = append(cur, tk)
	}
	cmds = append(cmds, cur)
	word := func(tk token, w string) bool {
		return tk.kind == tokIdent && strings.EqualFold(s.sql[tk.start:tk.end], w)
	}
	for _, cmd := range cmds {
		typeAt := -1
		for i := 0; i+2 < len(cmd) && typeAt < 0; i++ {
			if !word(cmd[i], "alter") {
				continue
			}
			j := i + 1
			if word(cmd[j], "column") {
				j++
			}
			j++ // the column's name
			if j+1 < len(cmd) && word(cmd[j], "set") && word(cmd[j+1], "data") {
				j += 2
			}
			if j < len(cmd) && word(cmd[j], "type") {
				typeAt = j
			}
		}
		if typeAt < 0 {
			continue
		}
		if k > 0 {
			k--
			continue
		}
		depth := 0
		for i := typeAt + 1; i < len(cmd); i++ {
			tk := cmd[i]
			if tk.kind == tokPunct {
				switch s.sql[tk.start] {
				case '(', '[':
					depth++
				case ')', ']':
					depth--
				}
			}
			if depth == 0 && word(tk, "using") && i+1 < len(cmd) {
				return s.sql[cmd[i+1].start:cmd[len(cmd)-1].end], true
			}
		}
		return "", true
	}
	return "", false
}

// catalogObjectName is the name of an operator class or collation (what)
// written as list, which may qualify it with pg_catalog; another schema
// is 0A000.
func catalogObjectName(list *nodes.List, what string) (string, error) {
	names, err := strs(list)
	if err != nil {
		return "", err
	}
	if len(names) == 2 && names[0] == "pg_catalog" {
		names = names[1:]
	}
	if len(names) != 1 {
		return "", unsupportedf("%s %s", what, strings.Join(names, "."))
	}
	return names[0], nil
}
