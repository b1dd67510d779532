package compat

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/pgwire"
)

// selfSigned returns a certificate for 127.0.0.1, valid for an hour.
func selfSigned(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "reldb test"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Minute),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// Ensure a server given a certificate encrypts the connections of
// clients that ask (sslmode=require), and still serves those that do not.
func TestTLS(t *testing.T) {
	srv, err := pgwire.Listen("", pgwire.Options{TLS: &tls.Config{Certificates: []tls.Certificate{selfSigned(t)}}})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	ctx := context.Background()
	for _, mode := range []string{"require", "disable"} {
		conn, err := pgx.Connect(ctx, strings.Replace(srv.DSN("tls"), "sslmode=disable", "sslmode="+mode, 1))
		require.NoError(t, err, mode)
		_, encrypted := conn.PgConn().Conn().(*tls.Conn)
		assert.Equal(t, mode == "require", encrypted, mode)
		var one int
		require.NoError(t, conn.QueryRow(ctx, `SELECT 1`).Scan(&one))
		require.NoError(t, conn.Close(ctx))
	}
}
