package pgsql

import (
	_ "embed"
	"strings"
	"sync"
)

// builtinFuncsText lists the names of PostgreSQL 15's functions in
// pg_catalog, one a line, as `SELECT DISTINCT proname FROM pg_proc WHERE
// pronamespace = 'pg_catalog'::regnamespace` gives them, and those of the
// extensions reldb accepts (pgcrypto and uuid-ossp).
//
//go:embed builtin_funcs.txt
var builtinFuncsText string

var builtinFuncs = sync.OnceValue(func() map[string]struct{} {
	names := strings.Fields(builtinFuncsText)
	m := make(map[string]struct{}, len(names))
	for _, n := range names {
		m[n] = struct{}{}
	}
	return m
})

// isBuiltinFunc reports whether PostgreSQL has a function of this name in
// pg_catalog. A call of a function reldb does not have is 0A000 when
// PostgreSQL has one of that name (reldb lacks it), and PostgreSQL's 42883
// when neither has (the caller named a function nobody declared).
func isBuiltinFunc(name string) bool {
	_, ok := builtinFuncs()[name]
	return ok
}
