// Package pgsql is reldb's PostgreSQL dialect: a [Session] that parses SQL
// (a real PostgreSQL grammar, translated into reldb's statement IR) and
// runs it on an engine.DB with PostgreSQL's session rules, and a
// database/sql driver named "reldb" on top of it.
//
// Tables made in SQL are ordinary engine tables and foreign keys are engine
// relations, so SQL and the Go API work on the same data.
//
// # Supported in this slice
//
// CREATE TABLE (smallint, integer, bigint, serial, bigserial, numeric(p,s),
// real, double precision, text, varchar(n), char(n), boolean, bytea,
// timestamp, timestamptz, date, time and time(p), interval, uuid, json, jsonb, and one-dimensional
// arrays T[] / T ARRAY of the integer, numeric, float, text, varchar, bool,
// uuid, date, timestamp and time types, stored as their text form (arraycol.go),
// with @> <@ && || and the array functions of array.go and arrayops.go; PRIMARY KEY, NOT NULL, UNIQUE (both with INCLUDE and WITH), DEFAULT (constant, or reading the clock),
// CHECK, REFERENCES / FOREIGN KEY with every ON DELETE / ON UPDATE action,
// MATCH FULL and DEFERRABLE); CREATE [UNIQUE] INDEX [IF NOT EXISTS] over
// columns and expressions, with a sort order, the btree operator
// classes of the types reldb has (text_pattern_ops, varchar_pattern_ops,
// ...), COLLATE "C", INCLUDE, WITH (fillfactor, deduplicate_items) and
// WHERE (a partial index; see "Expression and partial indexes" below); DROP TABLE / INDEX [IF EXISTS];
// CREATE TABLE [IF NOT EXISTS] name [(columns)] AS query [WITH [NO] DATA]
// and SELECT ... INTO name, making a table without a key of the query's
// columns as PostgreSQL names and types them (createas.go; TEMP and
// UNLOGGED are 0A000); ALTER TABLE [IF EXISTS] with ADD COLUMN [IF NOT EXISTS] (NOT
// NULL, DEFAULT, UNIQUE, CHECK, REFERENCES), DROP COLUMN [IF EXISTS]
// [CASCADE], ADD CONSTRAINT (PRIMARY KEY on a table without one, FOREIGN
// KEY, UNIQUE, CHECK; existing rows are checked, also for a CHECK or
// FOREIGN KEY added NOT VALID: those are 0A000 over rows that break
// them, which PostgreSQL keeps unchecked, and show as not validated in
// pg_constraint until VALIDATE CONSTRAINT), DROP CONSTRAINT [IF
// EXISTS] [CASCADE] (the primary key too), RENAME TO, RENAME COLUMN,
// RENAME CONSTRAINT, ALTER COLUMN SET / DROP DEFAULT, SET / DROP NOT NULL,
// and ALTER COLUMN TYPE [USING], which rewrites the rows as PostgreSQL
// casts them (42804 where PostgreSQL needs USING; the column of a foreign
// key may only change between types stored alike, integer to bigint or
// varchar(n) to text); ALTER INDEX [IF
// EXISTS] … RENAME TO; INSERT … VALUES (multi-row, DEFAULT) and INSERT … SELECT, with
// ON CONFLICT [(columns) | ON CONSTRAINT name] DO NOTHING / DO UPDATE SET …
// [WHERE …] and RETURNING (the conflict target may name expressions and
// a partial index's predicate: ON CONFLICT (lower(email)), ON CONFLICT
// (name) WHERE deleted_at IS NULL); UPDATE … SET … [FROM …] WHERE and DELETE …
// [USING …] WHERE (with RETURNING); SELECT over tables, subqueries in FROM (with column aliases,
// and LATERAL: read per row of the items before them, as a function in
// FROM naming their columns is; a RIGHT or FULL JOIN LATERAL is 42P10),
// VALUES lists and WITH queries, joined with commas and [INNER] / LEFT /
// RIGHT / FULL / CROSS JOIN … ON / USING, with expressions, WHERE, GROUP BY
// (expressions and ordinals; GROUPING SETS, ROLLUP and CUBE, nested and
// mixed with plain items, GROUP BY DISTINCT, and GROUPING(...); see
// groupingsets.go), HAVING, the aggregates count, sum, avg, min,
// max, bool_and, bool_or, every, string_agg and array_agg (with DISTINCT,
// ORDER BY or both, and FILTER (WHERE ...)), the ordered-set aggregates
// percentile_cont (double precision and interval), percentile_disc and
// mode, and the hypothetical-set rank, dense_rank, percent_rank and
// cume_dist, all WITHIN GROUP (ORDER BY ...) (a fraction array gives an
// array of percentiles; no OVER, as in PostgreSQL; see orderedset.go),
// SELECT DISTINCT and DISTINCT ON, window functions (row_number, rank,
// dense_rank, percent_rank, cume_dist, ntile, lag, lead, first_value,
// last_value, nth_value and the aggregates above with OVER; PARTITION BY,
// ORDER BY, the default frame and ROWS or RANGE frames, named windows;
// computed after GROUP BY and HAVING, see window.go), ORDER BY and LIMIT /
// OFFSET; UNION / INTERSECT / EXCEPT
// [ALL]; WITH and WITH RECURSIVE (before a SELECT, INSERT, UPDATE or
// DELETE); scalar, IN, EXISTS and ANY / ALL
// subqueries, correlated or not; CASE, LIKE / ILIKE (also [NOT] LIKE /
// ILIKE ANY / ALL over an array, a text[] parameter or a subquery, and
// the operators ~~ ~~* !~~ !~~*), [NOT] SIMILAR TO
// [ESCAPE] (see similar.go), GREATEST / LEAST,
// BETWEEN SYMMETRIC and the functions round, trunc, floor, ceil, mod, abs,
// substr, trim, replace, concat and concat_ws; the double precision math
// functions (sqrt, exp, ln, log, power, the trigonometric ones, pi,
// random), sign and div (mathfuncs.go), and the numeric sqrt, exp, ln,
// log, log10, log(b, x) and power with PostgreSQL's result scales
// (numericmath.go); the operator ^ and the bitwise operators & | # ~ <<
// >> on smallint, integer and bigint, and pg_typeof (bitwise.go);
// format (%s, %I, %L, positions, widths), string_to_array, to_hex,
// quote_ident, quote_literal, quote_nullable,
// encode and decode (hex, base64, escape out), num_nulls and num_nonnulls
// (strfuncs.go); sha224, sha256, sha384, sha512 and md5 of a bytea
// (digest.go); txid_current() and pg_current_xact_id() (its xid8 as
// text), one number per transaction, increasing within the process
// (xact.go); the regular-expression
// operators and functions ~ ~* !~ !~*, regexp_replace (with flags, start
// and N; \1..\9 and \& in the replacement), regexp_match, regexp_matches
// and regexp_split_to_table (set-returning, in FROM or in a select list:
// see projectset.go), regexp_split_to_array, regexp_count, regexp_instr,
// regexp_substr, regexp_like and substring(x FROM pattern) over
// PostgreSQL's advanced regular expressions translated into Go's RE2
// (see regex.go for what translates and what is 0A000: back references,
// lookahead and lookbehind, \m \M and [[:<:]] [[:>:]], collating elements,
// the b and e flags, and greedy and non-greedy quantifiers mixed in a
// pattern not anchored at both ends); CREATE EXTENSION [IF NOT EXISTS]
// and DROP EXTENSION [IF EXISTS] of pgcrypto and "uuid-ossp"
// (uuid_generate_v4, uuid_nil, uuid_ns_*), kept with the declarations
// and listed in pg_extension (see extension.go); now(), current_timestamp,
// transaction_timestamp(), statement_timestamp(), clock_timestamp(),
// localtimestamp and current_date, which read the database's clock
// (engine.Options.Clock); date and time arithmetic with PostgreSQL's
// operators (timestamp ± interval clamping to the month's end, date ±
// integer, timestamp - timestamp, interval * number, ...), extract
// (numeric) and date_part (double precision) of every field, date_trunc
// (with a time zone), age, make_date, make_timestamp[tz], make_interval
// (also with named arguments), to_timestamp(seconds), to_timestamp and
// to_date of a text by a template (tofmt.go), date_bin, justify_hours,
// justify_days, justify_interval, generate_series over dates and
// timestamps with an interval step (srf.go), AT TIME ZONE and to_char of a date, time
// or interval by its template patterns (see datetime.go, datefuncs.go,
// interval.go and tochar.go) and of an integer or numeric (tochar_number.go); gen_random_uuid(), from a per-database stream
// SeedRandom can fix; json and jsonb with their operators (-> ->> #> #>>,
// and on jsonb @> <@ ? ?| ?& || - #- and comparisons), casts and the
// functions to_json[b], json[b]_build_object, json[b]_build_array,
// json[b]_agg, json[b]_object_agg, json[b]_typeof, json[b]_array_length,
// json[b]_extract_path[_text], jsonb_set, json[b]_strip_nulls,
// jsonb_pretty, and in FROM json[b]_array_elements[_text],
// json[b]_each[_text] and json[b]_object_keys (see json.go); row values
// where those functions take one: row_to_json[(r, pretty)], to_json[b],
// json[b]_agg and json[b]_build_object / _array of a whole-row reference
// (t or t.* of a table, view, subquery or WITH query in FROM, also of an
// enclosing query) or of ROW(...) (see wholerow.go; elsewhere a whole-row
// reference is 0A000); BEGIN / START TRANSACTION
// with ISOLATION LEVEL (READ COMMITTED, the default, REPEATABLE READ and
// SERIALIZABLE, as engine.Isolation defines them) and SET TRANSACTION,
// COMMIT / END, ROLLBACK, SAVEPOINT, RELEASE, ROLLBACK TO and SET
// CONSTRAINTS; SELECT … FOR UPDATE / FOR NO KEY UPDATE [OF t] [NOWAIT |
// SKIP LOCKED] over one table; enum types (CREATE TYPE … AS ENUM, ALTER
// TYPE … ADD VALUE [IF NOT EXISTS] [BEFORE | AFTER], RENAME VALUE, RENAME
// TO, DROP TYPE [IF EXISTS]; transactional and durable like other DDL,
// and a label added in a transaction is 55P04 until it commits),
// whose columns store the label and compare, sort, group and take min /
// max in declaration order, in keys and indexes too, with casts to and
// from text, DEFAULT, enum_first, enum_last and enum_range, and pg_type /
// pg_enum rows (psql's \dT lists them: pg_type_is_visible); on the wire
// an enum is its label in text and binary format, under its type's OID
// (see enum.go); the advisory lock functions; pg_sleep; LISTEN, UNLISTEN,
// NOTIFY, pg_notify and pg_listening_channels, delivered at commit to the
// sessions of the same engine.DB (see notify.go and Notifier); SET [LOCAL],
// SHOW, RESET, set_config and current_setting for the parameters clients
// send (statement_timeout and lock_timeout honoured; a time zone other than
// UTC is 0A000); PL/pgSQL trigger functions and row triggers (see
// Triggers below) and DO blocks (see DO blocks below); TRUNCATE [RESTART IDENTITY] [CASCADE] (CASCADE truncates
// the tables referencing those named, with PostgreSQL's notices; RESTART
// IDENTITY restarts their serial and identity sequences, rolled back with
// the transaction) and DROP TABLE … CASCADE (which drops the foreign keys
// referencing the tables); VACUUM and ANALYZE, which check their tables and do nothing else
// (reldb keeps no statistics and no dead rows).
//
// # Catalog
//
// A read-only pg_catalog (pg_namespace, pg_class, pg_attribute, pg_type,
// pg_index, pg_indexes, pg_constraint, pg_attrdef, pg_tables, pg_database,
// pg_settings, pg_am, pg_roles, pg_sequence, pg_extension, pg_trigger,
// pg_proc (the session's functions only) and, empty, the others psql
// reads) and information_schema (tables, columns, table_constraints,
// key_column_usage, constraint_column_usage, referential_constraints,
// check_constraints, sequences, schemata, views, triggers; pg_views and
// pg_get_viewdef() for views, which pg_class lists with relkind v, their
// definitions deparsed as PostgreSQL 15 deparses them for the usual view
// queries, see viewdef.go), computed from
// the schema at query time, with current_schema(), current_database(),
// version(), format_type(), pg_get_constraintdef(), pg_get_indexdef(),
// pg_table_is_visible(), the reg* casts and to_regclass, to_regtype,
// to_regnamespace and to_regrole (NULL for a missing object, 0A000 for a
// system catalog relation or a type reldb's catalog does not list),
// and session advisory locks that never wait. See catalog.go for what it
// describes and how oid, name and arrays are typed.
//
// Everything else is an *Error with SQLSTATE 0A000 naming the construct,
// never a different answer: among others a subquery in CHECK, the system
// columns (ctid, xmin, ...), aggregates other than those
// above (and schema-qualified aggregate calls), GROUPING of an enclosing
// query's column, GROUPS and EXCLUDE in a window frame and RANGE with an offset,
// window functions in VALUES, INSERT, UPDATE or RETURNING (PostgreSQL's
// 42P20, which reldb gives in WHERE, GROUP BY, HAVING and JOIN ... ON),
// INSERT, UPDATE or DELETE inside WITH (a WITH of SELECTs before any of
// them works), INSERT, UPDATE or DELETE through a view (PostgreSQL's automatically updatable views), ALTER
// COLUMN TYPE that changes how values are stored (or has USING), dropping
// a primary key column or the primary key of a serial or identity column
// (which is the engine's auto-increment key), SEQUENCE NAME in an
// identity column's options, ALTER TABLE's other actions (OWNER, ENABLE
// ALWAYS or REPLICA TRIGGER, DISABLE TRIGGER ALL, ...), functions other
// than PL/pgSQL trigger functions and DO blocks, the PL/pgSQL constructs
// Triggers and DO blocks do not list, FOR EACH STATEMENT, INSTEAD OF, TRUNCATE and constraint
// triggers and trigger arguments,
// to_char of a floating-point value or with EEEE, RN or V, other date and time functions (timeofday, ...), template
// patterns to_timestamp does not read (ISO weeks, Julian days, TZH, FX,
// ...), and types (timetz, so current_time), infinite or BC dates and timestamps, arrays of an enum type,
// DROP TYPE … CASCADE of a type a column uses, ALTER TYPE … RENAME VALUE
// of a type a table column uses (rows hold the label), ALTER COLUMN TYPE
// to an enum type, ALTER TYPE … RENAME TO of a type a CHECK, DEFAULT or
// view names, an enum type in a schema other than public, an interval or jsonb
// column in a key or an index, an interval with modifiers (interval day,
// interval(3)), json[] and jsonb[] columns, arrays of other types, of
// more than one dimension or in a key or an index, the other json functions
// (jsonb_path_query, json_populate_record, ...), whole-row references
// and row constructors outside the json functions (SELECT t FROM t, t =
// t), json_each
// or regexp_matches in a select list beside other items, extensions
// other than pgcrypto and uuid-ossp (citext, hstore, ...) and the
// functions of pgcrypto but gen_random_uuid (digest, crypt, ...), ORDER BY
// expressions over a set operation, and a
// recursive query of more than a million rows (PostgreSQL would stop early
// only under an outer LIMIT).
//
// # Views
//
// CREATE [OR REPLACE] VIEW name [(columns)] AS SELECT … and DROP VIEW [IF
// EXISTS] … [CASCADE]: a view is read wherever a table can be (joins,
// subqueries, WHERE), by running its query afresh in the reader's
// transaction. Its columns, and the columns each * of its query stands
// for, are fixed when it is made, as in PostgreSQL. Dropping a table or
// view another view reads is 2BP01 unless CASCADE drops that view; an
// ALTER TABLE that would break a view is refused as PostgreSQL refuses it
// (DROP COLUMN 2BP01, ALTER COLUMN TYPE 0A000), and a view follows a
// rename of a table it reads, as PostgreSQL's do. Views
// are SQL's: the engine and the Go API do not see them; they are kept with
// the SQL declarations, so CREATE VIEW and DROP VIEW roll back with their
// transaction and a fork of the DB keeps its views (see view.go).
//
// # Triggers
//
// CREATE [OR REPLACE] FUNCTION name() RETURNS trigger LANGUAGE plpgsql AS
// $$ … $$ (or $tag$ … $tag$, or a string) and DROP FUNCTION [IF EXISTS]
// name[()] [CASCADE]; CREATE TRIGGER name {BEFORE | AFTER} {INSERT |
// UPDATE [OF col, …] | DELETE} [OR …] ON table FOR EACH ROW [WHEN (cond)]
// EXECUTE {FUNCTION | PROCEDURE} name() (CREATE OR REPLACE TRIGGER too),
// DROP TRIGGER [IF EXISTS] name ON
// table, and ALTER TABLE … ENABLE / DISABLE TRIGGER name | ALL | USER.
// The body is parsed when the function is created, as PostgreSQL does
// (42601 for a syntax error; package parse's PL/pgSQL parser): DECLARE
// with typed variables, CONSTANT, NOT NULL and defaults; assignment with
// := or = to a variable or a NEW or OLD field; IF / ELSIF / ELSE; RETURN
// NEW, OLD or NULL; RAISE [level] 'format with %', args [USING ERRCODE,
// MESSAGE, DETAIL, HINT, …], RAISE condition_name and RAISE SQLSTATE
// 'xxxxx' (EXCEPTION is P0001 unless told otherwise; NOTICE, INFO and
// WARNING are notices, see Session.OnNotice); INSERT, UPDATE and DELETE
// (RETURNING … INTO too), PERFORM, SELECT … INTO [STRICT], FOUND, GET
// [CURRENT] DIAGNOSTICS … = ROW_COUNT; TG_OP,
// TG_NAME, TG_WHEN, TG_LEVEL, TG_TABLE_NAME, TG_TABLE_SCHEMA, TG_NARGS;
// NULL;; nested [DECLARE …] BEGIN … END; blocks, whose variables hide the
// outer ones of their names; BEGIN … EXCEPTION WHEN condition [OR
// condition …] THEN … END, as PostgreSQL runs it: the block's statements
// run after a savepoint, an error a handler catches rolls the transaction
// and the SQL declarations back to it (variables keep their values) and
// the handler runs with SQLSTATE and SQLERRM, RAISE; raising the error
// again. Conditions are PostgreSQL's names (duplicate_object,
// unique_violation, …; a class's name, integrity_constraint_violation,
// catches its class), SQLSTATE 'xxxxx' and OTHERS (all but
// query_canceled and assert_failure). A 0A000 is never caught: it is
// reldb refusing a construct PostgreSQL would have run, which a handler
// would turn into a different answer. Loops: LOOP, WHILE cond LOOP, FOR
// i IN [REVERSE] lo .. hi [BY step] LOOP (i an integer variable of the
// loop's own; the bounds evaluated once) and FOR target IN SELECT …
// LOOP (the query run once, each row assigned in turn), each … END
// LOOP, with EXIT and CONTINUE [WHEN cond] of the innermost loop; FOUND
// says whether a FOR ran. A variable declared record takes a row from
// FOR or SELECT … INTO and is read field by field (r.col; 55000 before
// it has a row, 42703 for a field it lacks). A whole NEW or OLD may be
// given to to_jsonb and compared with IS [NOT] DISTINCT FROM (its other
// uses, NEW.* among them, and those of a whole record variable are
// 0A000). Anything else in a body (CASE, FOREACH, FOR … IN EXECUTE,
// EXECUTE, cursors, GET STACKED DIAGNOSTICS, RETURN of an expression,
// %TYPE, labels of blocks and loops, …) is 0A000 when the function is
// created.
// Variables and NEW and OLD fields are bound as parameters of the
// expressions and statements, which run through the ordinary executor (a
// name both a variable and a column of a table the statement reads is
// 42702, as under PostgreSQL's default variable_conflict).
//
// Triggers fire in name order, as PostgreSQL's do, on every SQL write:
// INSERT (VALUES, SELECT, DEFAULT VALUES; ON CONFLICT fires the insert
// triggers for every proposed row and the update ones for a row DO
// UPDATE changes), UPDATE, DELETE and pgwire's COPY FROM. A BEFORE
// trigger's result is the row written, checked as any other (NOT NULL,
// CHECK, keys); RETURN NULL skips the row, which no command tag,
// RowsAffected or RETURNING then counts. AFTER triggers see the rows as
// stored and run once the statement has written them all, in the order
// written. Statements a trigger runs fire their own triggers (64 deep at
// most: 54001). An error in a trigger fails its statement, which leaves
// nothing behind. Functions and triggers are declarations (see below):
// transactional, durable and carried by a fork. pg_trigger, pg_proc (the
// trigger functions), relhastriggers and pg_get_triggerdef describe them,
// so psql's \d lists a table's triggers. Rows a foreign key's ON DELETE
// / ON UPDATE action changes (CASCADE, SET NULL, SET DEFAULT) fire their
// table's AFTER triggers after the statement's own, as in PostgreSQL; a
// BEFORE trigger of such a row is 0A000 (the engine writes those rows,
// and could not write the row the trigger returned), and so refuses the
// statement. The Go API fires no trigger, as it checks no CHECK
// constraint (see trigger.go).
//
// # User-defined functions
//
// CREATE [OR REPLACE] FUNCTION name([argname] type [DEFAULT expr], ...)
// RETURNS type (or void) declares a function queries call, in LANGUAGE
// sql (statements, or the SQL-standard RETURN expr) or LANGUAGE plpgsql
// (the PL/pgSQL above without NEW, OLD and TG_*, with RETURN expr). Its
// arguments are $n or their names (a sql function's statement sees a
// column of a table it reads before an argument of that name); a call
// may give fewer arguments, which take their DEFAULTs, or name them
// (f(b => 1)). STRICT makes a NULL argument a NULL result without running
// the body; IMMUTABLE, STABLE, VOLATILE, SECURITY DEFINER, PARALLEL and
// COST are accepted. The body runs in the calling statement's
// transaction (a query calling one is read-write), 400 calls deep at
// most (54001). A name may be overloaded by argument types; a call takes
// the overload its arguments fit (each implicitly coercible to its
// parameter's type, else 42883) with the most exact types, an untyped
// literal preferring text (42725 for a tie);
// a function RETURNS SETOF type, SETOF table or TABLE (...) is read in
// FROM (a sql one's last statement's rows, a plpgsql one's RETURN NEXT
// and RETURN QUERY rows). OUT and VARIADIC arguments, set-returning calls outside FROM and calls from CHECK,
// DEFAULT, generated or index expressions are 0A000. pg_proc,
// information_schema.routines, pg_get_functiondef,
// pg_get_function_arguments, pg_get_function_result and regproc
// describe them, so psql's \df lists
// them; DROP FUNCTION of one a view calls is 2BP01 (see userfunc.go).
//
// # DO blocks
//
// DO [LANGUAGE plpgsql] 'body' (or $$ … $$) runs an anonymous PL/pgSQL
// block once, in the session's transaction: outside a transaction block
// it is one implicit transaction, which an error rolls back whole; inside
// one, an error it does not catch aborts the block, as any statement's.
// The body is parsed when the DO runs (42601 for a syntax error, pointing
// into the statement) and is the trigger functions' PL/pgSQL above,
// exception handlers included, without NEW, OLD and TG_* (FOUND stays),
// with RETURN; ending it early, and with any other SQL statement as a
// statement of the body: CREATE, ALTER and DROP of tables, types,
// indexes, views, sequences, functions and triggers, COMMENT, TRUNCATE,
// …, run as the client's would (PostgreSQL binds no variable into
// them), so the migrations' idempotent DDL runs:
//
//	DO $$ BEGIN CREATE TYPE mood AS ENUM ('sad', 'ok');
//	EXCEPTION WHEN duplicate_object THEN null; END $$;
//	DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'mood')
//	THEN CREATE TYPE mood AS ENUM ('sad', 'ok'); END IF; END $$;
//
// IF [NOT] EXISTS (subquery) is an ordinary condition. A statement reldb
// does not run (CREATE POLICY, …) is 0A000 when it runs, so a branch not
// taken does not fail the block; transaction control (COMMIT, ROLLBACK,
// SAVEPOINT), SET, SHOW and VACUUM in a body are refused. DO LANGUAGE sql
// (or c, internal) is 0A000 and an unknown language 42704, as in
// PostgreSQL. RAISE NOTICE, INFO and WARNING reach the client as a
// trigger's do (Session.OnNotice). Loops and record variables run as in
// a trigger function; the constructs the trigger functions refuse are
// 0A000 (see do.go), as are COMMIT and ROLLBACK in a body.
//
// # Roles and privileges
//
// Every session is the bootstrap superuser reldb (current_user), whom
// PostgreSQL's privilege checks let through, so the statements of roles
// and privileges that migrations and pg_dump output contain change only
// what the catalogs show: CREATE ROLE, USER and GROUP (LOGIN, PASSWORD,
// stored as a SCRAM-SHA-256 verifier, SUPERUSER, CREATEDB, CREATEROLE,
// INHERIT, REPLICATION, BYPASSRLS, CONNECTION LIMIT, VALID UNTIL, IN
// ROLE, ROLE, ADMIN), ALTER ROLE (the same options, RENAME TO), DROP ROLE
// [IF EXISTS] (2BP01 while the role owns or is granted something), GRANT
// and REVOKE of role membership [WITH ADMIN OPTION], GRANT and REVOKE of
// privileges ON [TABLE | SEQUENCE] names, ON ALL TABLES (SEQUENCES,
// FUNCTIONS) IN SCHEMA public, ON SCHEMA public, ON DATABASE (this one),
// ON FUNCTION (trigger functions) and ON TYPE (enum types) to roles,
// PUBLIC or CURRENT_USER [WITH GRANT OPTION], ALTER TABLE, SEQUENCE,
// VIEW, FUNCTION, TYPE, SCHEMA and DATABASE ... OWNER TO (a table's
// sequences follow it), ALTER DEFAULT PRIVILEGES [FOR ROLE] [IN SCHEMA]
// (CREATE applies them), REASSIGN OWNED and DROP OWNED (of a role
// that owns nothing). pg_roles, pg_user, pg_authid, pg_auth_members,
// pg_default_acl, the aclitem[] columns (relacl, nspacl, datacl, proacl,
// typacl), the owner columns and information_schema.table_privileges
// and role_table_grants show them as PostgreSQL 15 does, so psql's \du,
// \dp and \ddp work; has_table_privilege, has_sequence_privilege,
// has_schema_privilege, has_database_privilege, has_function_privilege,
// has_type_privilege and pg_has_role answer true for the session and,
// for a named role, from the recorded grants, memberships and INHERIT.
// Roles belong to the database, as every declaration does, and are kept
// with the declarations (transactional, durable, forked). SET ROLE and
// SET SESSION AUTHORIZATION to another role are 0A000 (that session would
// need the privilege checks reldb does not make), and so are column
// privileges, privileges on system catalogs, built-in types, other
// databases, domains and languages, ALTER ROLE ... SET, VALID UNTIL
// 'infinity' and DROP OWNED BY a role that owns objects (see role.go).
// GRANTED BY is recorded on memberships; on privileges it must name the
// session's role, as PostgreSQL 15 requires (0A000 otherwise).
//
// # Declarations and durability
//
// The engine's catalog holds tables, columns with their storage types,
// keys, indexes and relations; SQL declares more: each column's SQL type
// (varchar(40), int4, timestamptz, uuid, ...), CHECK constraints, DEFAULTs
// that read the clock or draw a uuid, generated columns' expressions
// (generated.go), constraints added NOT VALID, which indexes SQL sees,
// COMMENT ON texts, views, created extensions, trigger functions and
// triggers. SQL's writes enforce and compute them; the Go API's writes do
// not. pgsql keeps these declarations with the DB, changed in
// the transaction of the DDL that made them. On a durable DB (opened with
// engine.Options.Dir) they are also written, in that same engine
// transaction, to an engine table named pg_reldb_declarations (one row per
// table or view, its declaration in a versioned encoding whose
// expressions are the IR's canonical SQL text), so they are as durable as
// the tables: a committed CREATE TABLE, ALTER TABLE, CREATE VIEW or
// COMMENT survives Close and a crash, and one rolled back leaves nothing.
// A session reads them back the first time it uses a reopened DB; one that
// cannot be read fails every statement with XX001 (data_corrupted) naming
// it, rather than run with a different schema. SQL never sees that table
// (42P01), no catalog lists it, and names beginning with pg_reldb_ are
// reserved for reldb (CREATE TABLE or VIEW or RENAME TO such a name is
// 42939). Through the Go API, engine.Tx.Tables, DDL and Lint leave it out;
// Tx.Table and queries reach it by name: do not change it. An in-memory DB
// keeps its declarations in memory only, and a fork (engine.DB.Fork)
// carries a copy of them.
//
// # Tables without a primary key
//
// The engine keys every table; PostgreSQL does not require a key. A table
// CREATE TABLE declares without a PRIMARY KEY gets a hidden column ctid
// (after PostgreSQL's row identity of that name) as its primary key: a
// bigint the engine's sequence fills, one per row, so identical rows are
// separate rows. SQL never shows it: not in *, RETURNING *, an INSERT
// without a column list or the catalogs (which describe the table with
// its declared columns and no primary key), and no statement may name it
// (no user column can be called ctid, as in PostgreSQL). The Go API sees
// the table as it is stored: ctid is an ordinary auto-increment Int
// primary key, which Get, Update and Delete take and Insert fills. ALTER
// TABLE … ADD PRIMARY KEY, as pg_dump declares every key, rekeys the table
// by its columns (engine.Tx.SetPrimaryKey) and ctid goes.
//
// # Expression and partial indexes
//
// An index over expressions (CREATE UNIQUE INDEX ON users
// (lower(email))) or over the rows a predicate admits (… (name) WHERE
// deleted_at IS NULL) is an engine index over hidden columns that SQL's
// writes compute: one per expression, holding its value, and for a
// partial index one holding TRUE for a row that satisfies the predicate
// and NULL for one that does not (whose expression columns are NULL
// too). The engine treats NULLs as distinct, so a unique one is enforced
// as PostgreSQL enforces it, by one index probe per written row, with
// PostgreSQL's 23505 naming the index's key (Key (lower(email))=(…)).
// The hidden columns are named pg_reldb_ixN (no user column may take the
// prefix, 42939) and are hidden as the row identity above is: not in *,
// RETURNING *, an INSERT without a column list or the catalogs. INSERT
// (VALUES, SELECT, COPY FROM, ON CONFLICT), UPDATE and ON CONFLICT DO
// UPDATE compute them; like CHECK constraints, the Go API does not, and
// a row it writes has what it gives them (NULL by default: in no such
// index). The functions an index calls must be IMMUTABLE as PostgreSQL
// marks them (42P17); an index whose expressions or predicate read a
// column a foreign key's SET NULL, SET DEFAULT or ON UPDATE CASCADE
// action changes is 0A000 (the engine changes those rows without SQL),
// and so are ALTER COLUMN TYPE of a column they read and NULLS NOT
// DISTINCT. DROP COLUMN drops the indexes that read the column, RENAME
// COLUMN rewrites them, and their declarations are kept and made durable
// with the table's (see exprindex.go).
//
// # Dates, times and intervals
//
// The session's TimeZone is UTC, so timestamptz and timestamp values are
// UTC time.Time values and their arithmetic is the same. An interval is
// an [Interval]: PostgreSQL's months, days and microseconds, compared by
// a span of 30-day months and 24-hour days, printed in the postgres
// IntervalStyle. An interval column is stored in the engine as a Text
// column holding that output text (the Go API reads "1 day 02:00:00"),
// which reads back to the same fields; because the engine would order
// and compare that text, not the intervals, an interval column cannot be
// in a key or an index (0A000).
//
// A time (without time zone) is microseconds past midnight, 00:00:00
// to 24:00:00, stored in the engine as an Int column (the Go API reads
// the number), so its order is the engine's and a time column may be in
// a key or an index. Its input forms, operators (time ± interval
// wrapping around midnight, time - time, date + time) and implicit cast
// to interval are PostgreSQL's; see timeofday.go.
//
// # Caveats
//
// A foreign key's NO ACTION check runs at the end of each statement, as in
// PostgreSQL (engine.Tx.Statement). RESTRICT refuses at the row, where
// PostgreSQL checks it at the end of the statement too: the two differ in
// which constraint an error names when several fail, and when a cascade
// later in the statement removes the referencing row. CHECK
// constraints and triggers are kept by pgsql, not the engine: the Go API
// does not check or fire them (see check.go and trigger.go). A serial column is the engine's auto-increment key:
// an explicit larger value advances the sequence, which PostgreSQL's does
// not, and a row ON CONFLICT skips or turns into an update takes no value
// from it, where PostgreSQL's takes one. ADD COLUMN and DROP COLUMN
// rewrite every row of the table (see engine.Tx.AddColumn); an ALTER TABLE
// of a table with deferred foreign-key checks pending is 55006, as in
// PostgreSQL, and so is one of the table those checks reference, where
// PostgreSQL lets it pass.
//
// # Errors
//
// Every error a statement returns is an [*Error] (pgerr's type) carrying
// the SQLSTATE PostgreSQL would send; constraint failures from the engine
// are mapped with engine.SQLState and PostgreSQL's wording for the common
// ones.
package pgsql
