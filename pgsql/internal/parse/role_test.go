package parse

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Ensure role and privilege statements translate to the IR, shown by
// its canonical form, which reads back to the same statement.
func TestParse_Roles(t *testing.T) {
	tests := []struct{ sql, want string }{
		{`CREATE USER app WITH PASSWORD 'x' LOGIN CONNECTION LIMIT 3 VALID UNTIL 'infinity' IN ROLE a, b`,
			`CREATE USER app PASSWORD 'x' LOGIN CONNECTION LIMIT 3 VALID UNTIL 'infinity' IN ROLE a, b`},
		{`CREATE ROLE r NOSUPERUSER NOINHERIT ROLE m ADMIN n`, `CREATE ROLE r NOSUPERUSER NOINHERIT ROLE m ADMIN n`},
		{`ALTER ROLE CURRENT_USER WITH PASSWORD NULL`, `ALTER ROLE CURRENT_USER PASSWORD NULL`},
		{`ALTER USER "Old" RENAME TO new`, `ALTER ROLE "Old" RENAME TO new`},
		{`DROP USER IF EXISTS a, b`, `DROP ROLE IF EXISTS a, b`},
		{`GRANT a, b TO c WITH ADMIN OPTION`, `GRANT a, b TO c WITH ADMIN OPTION`},
		{`REVOKE ADMIN OPTION FOR a FROM c CASCADE`, `REVOKE ADMIN OPTION FOR a FROM c CASCADE`},
		{`GRANT select, INSERT ON public.t, u TO app, public WITH GRANT OPTION`,
			`GRANT SELECT, INSERT ON TABLE public.t, u TO app, PUBLIC WITH GRANT OPTION`},
		{`REVOKE GRANT OPTION FOR USAGE ON SEQUENCE s FROM CURRENT_ROLE`,
			`REVOKE GRANT OPTION FOR USAGE ON SEQUENCE s FROM CURRENT_ROLE`},
		{`REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA public FROM a`, `REVOKE ALL ON ALL TABLES IN SCHEMA public FROM a`},
		{`GRANT EXECUTE ON FUNCTION f(int, text), g TO app`, `GRANT EXECUTE ON FUNCTION f(int4, text), g TO app`},
		{`ALTER TABLE public.t OWNER TO app`, `ALTER TABLE public.t OWNER TO app`},
		{`ALTER SEQUENCE s OWNER TO SESSION_USER`, `ALTER SEQUENCE s OWNER TO SESSION_USER`},
		{`ALTER TABLE IF EXISTS ONLY t OWNER TO a`, `ALTER TABLE IF EXISTS t OWNER TO a`},
		{`ALTER SCHEMA public OWNER TO pg_database_owner`, `ALTER SCHEMA public OWNER TO pg_database_owner`},
		{`ALTER DEFAULT PRIVILEGES FOR ROLE a IN SCHEMA public REVOKE ALL ON TABLES FROM PUBLIC`,
			`ALTER DEFAULT PRIVILEGES FOR ROLE a IN SCHEMA public REVOKE ALL ON TABLES FROM PUBLIC`},
		{`REASSIGN OWNED BY a, b TO c`, `REASSIGN OWNED BY a, b TO c`},
		{`DROP OWNED BY a CASCADE`, `DROP OWNED BY a CASCADE`},
		{`GRANT a TO b GRANTED BY CURRENT_USER`, `GRANT a TO b GRANTED BY CURRENT_USER`},
		{`REVOKE SELECT ON t FROM b GRANTED BY c`, `REVOKE SELECT ON TABLE t FROM b GRANTED BY c`},
	}
	for _, tc := range tests {
		t.Run(tc.sql, func(t *testing.T) {
			stmts, err := Parse(tc.sql)
			require.NoError(t, err)
			require.Len(t, stmts, 1)
			assert.Equal(t, tc.want, stmts[0].String())
			again, err := Parse(stmts[0].String())
			require.NoError(t, err)
			assert.Equal(t, tc.want, again[0].String())
		})
	}
}

// Ensure the role statements reldb does not run are 0A000 naming them.
func TestParse_RolesUnsupported(t *testing.T) {
	for sql, msg := range map[string]string{
		`GRANT USAGE ON DOMAIN d TO app`:             "GRANT ON DOMAIN is not supported",
		`ALTER GROUP g DROP USER u`:                  "ALTER GROUP ... DROP USER is not supported",
		`ALTER EXTENSION pgcrypto ADD TABLE t`:       "ALTER EXTENSION ... ADD and DROP is not supported",
		`ALTER ROLE a SET work_mem = '1MB'`:          "ALTER ROLE ... SET is not supported",
		`ALTER TABLE t OWNER TO a, ADD COLUMN x int`: "OWNER TO with other ALTER TABLE subcommands is not supported",
	} {
		_, err := Parse(sql)
		require.Error(t, err, sql)
		assert.Contains(t, err.Error(), msg, sql)
	}
}
