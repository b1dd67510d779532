package pgwire

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql"
)

// CREATE DATABASE and DROP DATABASE are served by the wire layer, which
// owns the databases by name (pgsql's grammar has neither): a Query
// message holding only one of them. A database also comes into being when
// a client first connects to its name, so CREATE DATABASE is needed only
// by clients that expect it, such as test harnesses making one database
// per test.

var (
	createDBRE = regexp.MustCompile(`(?is)^\s*create\s+database\s+(` + identRE + `)\s*(.*?)\s*;?\s*$`)
	dropDBRE   = regexp.MustCompile(`(?is)^\s*drop\s+database\s+(if\s+exists\s+)?(` + identRE + `)\s*(.*?)\s*;?\s*$`)
	templateRE = regexp.MustCompile(`(?is)\btemplate\s*=?\s*(` + identRE + `)`)
	forceRE    = regexp.MustCompile(`(?is)^(with\s*)?\(\s*force\s*\)$`)
)

// identName is an identifier's name: unquoted, or lowercased.
func identName(id string) string {
	if strings.HasPrefix(id, `"`) {
		return strings.ReplaceAll(id[1:len(id)-1], `""`, `"`)
	}
	return strings.ToLower(id)
}

// tryDatabase runs sql if it is CREATE or DROP DATABASE, reporting
// whether it was; the caller sends ReadyForQuery.
func (c *conn) tryDatabase(sql string) bool {
	t := strings.TrimSpace(sql)
	if len(t) < 6 || !(strings.EqualFold(t[:6], "create") || strings.EqualFold(t[:4], "drop")) {
		return false
	}
	var tag string
	var notice, err *pgsql.Error
	if m := createDBRE.FindStringSubmatch(sql); m != nil {
		tag, err = "CREATE DATABASE", c.createDatabase(identName(m[1]), m[2])
	} else if m := dropDBRE.FindStringSubmatch(sql); m != nil {
		tag = "DROP DATABASE"
		notice, err = c.dropDatabase(identName(m[2]), m[1] != "", m[3])
	} else {
		return false
	}
	switch {
	case err != nil:
		c.be.Send(errorResponse("ERROR", err))
	default:
		if notice != nil {
			c.be.Send(&pgproto3.NoticeResponse{Severity: "NOTICE", SeverityUnlocalized: "NOTICE", Code: notice.Code, Message: notice.Message})
		}
		c.send(&pgproto3.CommandComplete{CommandTag: []byte(tag)})
	}
	return true
}

func (c *conn) createDatabase(name, opts string) *pgsql.Error {
	if c.sess.TxStatus() != pgsql.TxIdle {
		return c.failTx(&pgsql.Error{Code: "25001", Message: "CREATE DATABASE cannot run inside a transaction block"})
	}
	s := c.srv
	if m := templateRE.FindStringSubmatch(opts); m != nil {
		if t := identName(m[1]); t != "template0" && t != "template1" {
			return s.forkDatabase(name, t)
		}
	}
	s.mu.Lock()
	_, exists := s.mu.dbs[name]
	s.mu.Unlock()
	if exists {
		return &pgsql.Error{Code: "42P04", Message: `database "` + name + `" already exists`}
	}
	if _, err := s.DB(name); err != nil {
		return &pgsql.Error{Code: "58000", Message: err.Error()}
	}
	return nil
}

// forkDatabase is CREATE DATABASE name TEMPLATE tmpl: an O(tables) fork
// of tmpl's committed state (engine.DB.Fork), in memory. As in
// PostgreSQL, the template must exist and have no connections, this one
// included. A server with a directory refuses it: a fork is not durable.
func (s *Server) forkDatabase(name, tmpl string) *pgsql.Error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mu.closed {
		return &pgsql.Error{Code: "57P01", Message: ErrServerClosed.Error()}
	}
	src, ok := s.mu.dbs[tmpl]
	if !ok {
		return &pgsql.Error{Code: "3D000", Message: `template database "` + tmpl + `" does not exist`}
	}
	if _, exists := s.mu.dbs[name]; exists {
		return &pgsql.Error{Code: "42P04", Message: `database "` + name + `" already exists`}
	}
	users := 0
	for _, o := range s.mu.conns {
		if o.database == tmpl {
			users++
		}
	}
	if users > 0 {
		return &pgsql.Error{Code: "55006", Message: `source database "` + tmpl + `" is being accessed by other users`,
			Detail: fmt.Sprintf("There %s %d other %s using the database.", plural(users, "is", "are"), users, plural(users, "session", "sessions"))}
	}
	if s.opts.Dir != "" || s.opts.Open != nil {
		return &pgsql.Error{Code: "0A000", Message: "CREATE DATABASE ... TEMPLATE on a server with a directory or its own Open is not supported: a fork lives in memory"}
	}
	db, err := src.Fork(engine.Options{})
	if err != nil {
		return &pgsql.Error{Code: "58000", Message: err.Error()}
	}
	s.mu.dbs[name] = db
	s.mu.owned[name] = true
	return nil
}

// failTx reports e as the error of a statement in the session's
// transaction, which it aborts.
func (c *conn) failTx(e *pgsql.Error) *pgsql.Error {
	return asSQLError(c.sess.Fail(e))
}

// dropDatabase drops a database: its connections must be gone, or, WITH
// (FORCE), are closed (their transactions roll back); its directory, in
// a durable server, is removed. A database never opened does not exist.
func (c *conn) dropDatabase(name string, ifExists bool, opts string) (notice, err *pgsql.Error) {
	if c.sess.TxStatus() != pgsql.TxIdle {
		return nil, c.failTx(&pgsql.Error{Code: "25001", Message: "DROP DATABASE cannot run inside a transaction block"})
	}
	force := false
	switch o := strings.TrimSpace(opts); {
	case o == "":
	case forceRE.MatchString(o):
		force = true
	default:
		return nil, &pgsql.Error{Code: "0A000", Message: "DROP DATABASE option " + o + " is not supported"}
	}
	if name == c.database {
		return nil, &pgsql.Error{Code: "55006", Message: "cannot drop the currently open database"}
	}
	s := c.srv
	s.mu.Lock()
	db, exists := s.mu.dbs[name]
	var users []*conn
	for _, o := range s.mu.conns {
		if o.database == name {
			users = append(users, o)
		}
	}
	s.mu.Unlock()
	if !exists {
		if ifExists {
			return &pgsql.Error{Code: "00000", Message: `database "` + name + `" does not exist, skipping`}, nil
		}
		return nil, &pgsql.Error{Code: "3D000", Message: `database "` + name + `" does not exist`}
	}
	if len(users) > 0 && !force {
		return nil, &pgsql.Error{Code: "55006", Message: `database "` + name + `" is being accessed by other users`,
			Detail: fmt.Sprintf("There %s %d other %s using the database.", plural(len(users), "is", "are"), len(users), plural(len(users), "session", "sessions"))}
	}
	for _, o := range users {
		_ = o.nc.Close()
	}
	for _, o := range users {
		<-o.done
	}
	s.mu.Lock()
	owned := s.mu.owned[name]
	delete(s.mu.dbs, name)
	delete(s.mu.owned, name)
	s.mu.Unlock()
	if !owned {
		return nil, nil // Options.Open's databases are the caller's to close
	}
	var errs []error
	if err := db.Close(); err != nil {
		errs = append(errs, err)
	}
	if s.opts.Dir != "" && validDBName(name) {
		errs = append(errs, os.RemoveAll(filepath.Join(s.opts.Dir, name)))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, &pgsql.Error{Code: "58000", Message: "drop database " + name + ": " + err.Error()}
	}
	return nil, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
