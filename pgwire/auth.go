package pgwire

import (
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"strings"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/reldb/reldb/pgsql"
)

// scramIterations is the PBKDF2 iteration count the server asks for,
// PostgreSQL's default.
const scramIterations = 4096

// authenticate asks for and checks the user's password when the server
// has users; it reports whether the client may go on, having sent the
// FATAL error when not. AuthenticationOk is the caller's.
func (c *conn) authenticate() bool {
	if len(c.srv.opts.Users) == 0 {
		return true
	}
	password, known := c.srv.opts.Users[c.user]
	var ok bool
	switch c.srv.opts.Auth {
	case AuthCleartext:
		ok = c.cleartext(password)
	default:
		ok = c.scram(password)
	}
	if !ok || !known {
		c.fatal(&pgsql.Error{Code: "28P01", Message: `password authentication failed for user "` + c.user + `"`})
		return false
	}
	return true
}

func (c *conn) cleartext(password string) bool {
	c.be.Send(&pgproto3.AuthenticationCleartextPassword{})
	if c.flush() != nil || c.be.SetAuthType(pgproto3.AuthTypeCleartextPassword) != nil {
		return false
	}
	msg, err := c.be.Receive()
	if err != nil {
		return false
	}
	pm, ok := msg.(*pgproto3.PasswordMessage)
	return ok && subtle.ConstantTimeCompare([]byte(pm.Password), []byte(password)) == 1
}

// scram runs SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel binding,
// as PostgreSQL's SASL exchange does.
func (c *conn) scram(password string) bool {
	c.be.Send(&pgproto3.AuthenticationSASL{AuthMechanisms: []string{"SCRAM-SHA-256"}})
	if c.flush() != nil || c.be.SetAuthType(pgproto3.AuthTypeSASL) != nil {
		return false
	}
	msg, err := c.be.Receive()
	if err != nil {
		return false
	}
	first, ok := msg.(*pgproto3.SASLInitialResponse)
	if !ok || first.AuthMechanism != "SCRAM-SHA-256" {
		return false
	}
	// client-first-message: gs2-header "n,," or "y,,", then the bare part
	// "n=user,r=nonce".
	cf := string(first.Data)
	var gs2, bare string
	switch {
	case strings.HasPrefix(cf, "n,,"), strings.HasPrefix(cf, "y,,"):
		gs2, bare = cf[:3], cf[3:]
	default:
		return false
	}
	clientNonce := scramAttr(bare, "r")
	if clientNonce == "" {
		return false
	}
	salt := make([]byte, 16)
	nonce := make([]byte, 18)
	_, _ = rand.Read(salt)
	_, _ = rand.Read(nonce)
	fullNonce := clientNonce + base64.StdEncoding.EncodeToString(nonce)
	serverFirst := "r=" + fullNonce + ",s=" + base64.StdEncoding.EncodeToString(salt) + ",i=4096"
	c.be.Send(&pgproto3.AuthenticationSASLContinue{Data: []byte(serverFirst)})
	if c.flush() != nil || c.be.SetAuthType(pgproto3.AuthTypeSASLContinue) != nil {
		return false
	}
	if msg, err = c.be.Receive(); err != nil {
		return false
	}
	final, ok := msg.(*pgproto3.SASLResponse)
	if !ok {
		return false
	}
	cfinal := string(final.Data)
	i := strings.LastIndex(cfinal, ",p=")
	if i < 0 {
		return false
	}
	withoutProof := cfinal[:i]
	proof, err := base64.StdEncoding.DecodeString(cfinal[i+3:])
	if err != nil || len(proof) != sha256.Size {
		return false
	}
	if scramAttr(withoutProof, "c") != base64.StdEncoding.EncodeToString([]byte(gs2)) || scramAttr(withoutProof, "r") != fullNonce {
		return false
	}
	salted, err := pbkdf2.Key(sha256.New, password, salt, scramIterations, sha256.Size)
	if err != nil {
		return false
	}
	clientKey := hmacSHA256(salted, "Client Key")
	storedKey := sha256.Sum256(clientKey)
	authMessage := bare + "," + serverFirst + "," + withoutProof
	signature := hmacSHA256(storedKey[:], authMessage)
	for j := range proof {
		proof[j] ^= signature[j]
	}
	got := sha256.Sum256(proof)
	if subtle.ConstantTimeCompare(got[:], storedKey[:]) != 1 {
		return false
	}
	serverSig := hmacSHA256(hmacSHA256(salted, "Server Key"), authMessage)
	c.be.Send(&pgproto3.AuthenticationSASLFinal{Data: []byte("v=" + base64.StdEncoding.EncodeToString(serverSig))})
	return true
}

// scramAttr returns the value of attribute name in a SCRAM message.
func scramAttr(msg, name string) string {
	for _, part := range strings.Split(msg, ",") {
		if v, ok := strings.CutPrefix(part, name+"="); ok {
			return v
		}
	}
	return ""
}

func hmacSHA256(key []byte, msg string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(msg))
	return h.Sum(nil)
}
