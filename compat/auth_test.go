package compat

import (
	"context"
	"database/sql"
	"net/url"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/pgwire"
)

// Ensure pgx and lib/pq authenticate by SCRAM-SHA-256 and by cleartext
// password, and a wrong password fails with 28P01.
func TestAuth_Password(t *testing.T) {
	for _, method := range []pgwire.AuthMethod{pgwire.AuthSCRAM, pgwire.AuthCleartext} {
		t.Run(method.String(), func(t *testing.T) {
			srv, err := pgwire.Listen("", pgwire.Options{Users: map[string]string{"ann": "s3cret"}, Auth: method})
			require.NoError(t, err)
			t.Cleanup(func() { require.NoError(t, srv.Close()) })
			dsn := func(password string) string {
				u, err := url.Parse(srv.DSN("auth"))
				require.NoError(t, err)
				u.User = url.UserPassword("ann", password)
				return u.String()
			}
			ctx := context.Background()
			conn, err := pgx.Connect(ctx, dsn("s3cret"))
			require.NoError(t, err)
			require.NoError(t, conn.Ping(ctx))
			require.NoError(t, conn.Close(ctx))

			_, err = pgx.Connect(ctx, dsn("wrong"))
			var pgErr *pgconn.PgError
			require.ErrorAs(t, err, &pgErr)
			assert.Equal(t, "28P01", pgErr.Code)

			db, err := sql.Open("postgres", dsn("s3cret"))
			require.NoError(t, err)
			defer db.Close()
			require.NoError(t, db.Ping())
		})
	}
}
