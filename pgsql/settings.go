package pgsql

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Run-time parameters: SET [LOCAL], SHOW, RESET, set_config() and
// current_setting(), per session, as clients send them on connecting and
// applications use them (SET search_path, SET TIME ZONE 'UTC',
// SET statement_timeout, SET app.user_id = ...). Every parameter pg_settings
// lists can be read; one reldb cannot honour with another value (a time
// zone other than UTC, an encoding other than UTF8) is 0A000 rather than
// accepted and ignored. statement_timeout and lock_timeout are honoured
// (57014 and 55P03), default_transaction_isolation sets the level of the
// session's next transactions. A name with a dot is an application's own
// parameter (any value). Other names are 42704, as in PostgreSQL.

// settingDefault returns the default of a known parameter (by lower-case
// name) and its spelling in pg_settings.
func settingDefault(lower string) (name, value string, ok bool) {
	for _, s := range settings {
		if strings.ToLower(s[0]) == lower {
			return s[0], s[1], true
		}
	}
	for _, s := range extraSettings {
		if strings.ToLower(s[0]) == lower {
			return s[0], s[1], true
		}
	}
	return "", "", false
}

// extraSettings are parameters clients set that pg_settings' list above
// does not show.
var extraSettings = [][2]string{
	{"lock_timeout", "0"}, {"idle_in_transaction_session_timeout", "0"}, {"extra_float_digits", "1"},
	{"bytea_output", "hex"}, {"row_security", "on"}, {"synchronous_commit", "on"},
	{"timezone_abbreviations", "Default"}, {"default_transaction_read_only", "off"},
	{"transaction_read_only", "off"}, {"check_function_bodies", "on"}, {"client_min_messages", "notice"},
	{"xmloption", "content"}, {"work_mem", "4MB"}, {"jit", "off"},
	{"role", "none"}, {"session_authorization", ownerName}, // role.go
}

// setting returns the session's value of a parameter, or ok false when
// it is unknown.
func (s *Session) setting(name string) (string, bool) {
	lower := strings.ToLower(name)
	if v, ok := s.vars[lower]; ok {
		return v, true
	}
	if _, v, ok := settingDefault(lower); ok {
		if lower == "transaction_isolation" || lower == "default_transaction_isolation" {
			return s.defaultOpts().Isolation.String(), true
		}
		return v, true
	}
	return "", false
}

// setSetting validates and sets a parameter for the session (or, local,
// until the transaction ends). An empty value with reset restores the
// default.
func (s *Session) setSetting(name, value string, local, reset bool) error {
	lower := strings.ToLower(name)
	_, _, known := settingDefault(lower)
	if !known && !strings.Contains(lower, ".") {
		return pgerr.New("42704", "unrecognized configuration parameter %q", name)
	}
	if !reset {
		v, err := checkSetting(lower, value)
		if err != nil {
			return err
		}
		value = v
	}
	if local {
		if s.tx == nil {
			// PostgreSQL warns and does nothing outside a transaction block.
			return nil
		}
		if s.localSaved == nil {
			s.localSaved = map[string]*string{}
		}
		if _, saved := s.localSaved[lower]; !saved {
			if old, ok := s.vars[lower]; ok {
				s.localSaved[lower] = &old
			} else {
				s.localSaved[lower] = nil
			}
		}
	}
	if s.vars == nil {
		s.vars = map[string]string{}
	}
	if !local && s.tx != nil {
		// Undone if the transaction rolls back.
		if s.txSaved == nil {
			s.txSaved = map[string]*string{}
		}
		if _, saved := s.txSaved[lower]; !saved {
			if old, ok := s.vars[lower]; ok {
				s.txSaved[lower] = &old
			} else {
				s.txSaved[lower] = nil
			}
		}
	}
	if reset {
		delete(s.vars, lower)
	} else {
		s.vars[lower] = value
	}
	return nil
}

// endLocalSettings restores what SET LOCAL changed, at a transaction's end.
func (s *Session) endLocalSettings() {
	for k, v := range s.localSaved {
		if v == nil {
			delete(s.vars, k)
		} else {
			s.vars[k] = *v
		}
	}
	s.localSaved = nil
}

// checkSetting validates a value reldb must honour and returns it as
// SHOW prints it.
func checkSetting(lower, v string) (string, error) {
	switch lower {
	case "timezone":
		switch strings.ToUpper(v) {
		case "UTC", "ETC/UTC", "GMT", "Z", "ZULU", "UCT", "UNIVERSAL", "+00", "0", "00:00", "+00:00":
			return "UTC", nil
		}
		return "", pgerr.Unsupported("time zone " + v + " (reldb sessions run in UTC)")
	case "client_encoding":
		if u := strings.ToUpper(strings.ReplaceAll(v, "-", "")); u == "UTF8" || u == "UNICODE" {
			return "UTF8", nil
		}
		return "", pgerr.Unsupported("client_encoding " + v)
	case "datestyle":
		if u := strings.ToUpper(strings.ReplaceAll(v, " ", "")); u == "ISO" || u == "ISO,MDY" {
			return "ISO, MDY", nil
		}
		return "", pgerr.Unsupported("DateStyle " + v)
	case "standard_conforming_strings":
		if b, ok := boolSetting(v); ok && b {
			return "on", nil
		}
		return "", pgerr.Unsupported("standard_conforming_strings off")
	case "statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout":
		d, err := durationSetting(v)
		if err != nil {
			return "", pgerr.New("22023", "invalid value for parameter %q: %q", lower, v)
		}
		if d == 0 {
			return "0", nil
		}
		return d.String(), nil
	case "default_transaction_isolation", "transaction_isolation":
		switch strings.ToLower(v) {
		case "read committed", "read uncommitted":
			return "read committed", nil
		case "repeatable read":
			return "repeatable read", nil
		case "serializable":
			return "serializable", nil
		}
		return "", pgerr.New("22023", "invalid value for parameter %q: %q", lower, v)
	}
	return v, nil
}

func boolSetting(v string) (bool, bool) {
	switch strings.ToLower(v) {
	case "on", "true", "yes", "1":
		return true, true
	case "off", "false", "no", "0":
		return false, true
	}
	return false, false
}

// durationSetting reads a time parameter: milliseconds without a unit,
// else us, ms, s, min, h or d.
func durationSetting(v string) (time.Duration, error) {
	v = strings.TrimSpace(strings.ToLower(v))
	num := strings.TrimRightFunc(v, func(r rune) bool { return r >= 'a' && r <= 'z' || r == ' ' })
	unit := strings.TrimSpace(v[len(num):])
	n, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || n < 0 {
		return 0, errors.New("bad duration")
	}
	scale := map[string]time.Duration{"": time.Millisecond, "us": time.Microsecond, "ms": time.Millisecond,
		"s": time.Second, "min": time.Minute, "h": time.Hour, "d": 24 * time.Hour}[unit]
	if scale == 0 {
		return 0, errors.New("bad unit")
	}
	return time.Duration(n * float64(scale)), nil
}

// settingDuration is a time parameter's value, 0 for none. Every
// statement reads two, so it looks at what SET stored only (their
// defaults are 0), never the list of defaults.
func (s *Session) settingDuration(lower string) time.Duration {
	v, ok := s.vars[lower]
	if !ok || v == "0" {
		return 0
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0
	}
	return d
}

// defaultOpts are the modes of the session's next transaction.
func (s *Session) defaultOpts() engine.TxOptions {
	opts := sessionTxOptions
	if v, ok := s.vars["default_transaction_isolation"]; ok {
		switch v {
		case "repeatable read":
			opts.Isolation = engine.RepeatableRead
		case "serializable":
			opts.Isolation = engine.Serializable
		default:
			opts.Isolation = engine.ReadCommitted
		}
	}
	return opts
}

// errStatementTimeout is the cause a statement_timeout ends a statement's
// context with.
var errStatementTimeout = errors.New("statement timeout")

// statementContext bounds ctx by statement_timeout.
func (s *Session) statementContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if d := s.settingDuration("statement_timeout"); d > 0 {
		return context.WithTimeoutCause(ctx, d, errStatementTimeout)
	}
	return ctx, func() {}
}

// settingStatement runs SET, SHOW and RESET.
func (s *Session) settingStatement(st ir.Statement) (Result, error) {
	if res, ok, err := s.roleSetting(st); ok { // role.go
		return res, err
	}
	switch st := st.(type) {
	case *ir.SetVar:
		res := Result{Tag: "SET"}
		value := ""
		if !st.Default {
			var parts []string
			for _, e := range st.Values {
				c, ok := e.(*ir.Const)
				if !ok {
					return res, pgerr.Syntax("SET takes constants")
				}
				parts = append(parts, c.Value)
			}
			value = strings.Join(parts, ", ")
		}
		if strings.EqualFold(st.Name, "transaction_isolation") && !st.Default {
			m := ir.TxModes{}
			switch v, err := checkSetting("transaction_isolation", value); {
			case err != nil:
				return res, err
			case v == "repeatable read":
				m.Isolation = ir.RepeatableRead
			case v == "serializable":
				m.Isolation = ir.Serializable
			default:
				m.Isolation = ir.ReadCommitted
			}
			return s.setTransaction(context.Background(), &ir.SetTransaction{Modes: m})
		}
		if st.Local && s.tx == nil {
			res.Warnings = []*Error{inBlockOnly("SET LOCAL")}
			return res, nil
		}
		return res, s.setSetting(st.Name, value, st.Local, st.Default)
	case *ir.ResetVar:
		res := Result{Tag: "RESET"}
		if st.All {
			s.vars, s.localSaved = nil, nil
			return res, nil
		}
		return res, s.setSetting(st.Name, "", false, true)
	case *ir.ShowVar:
		if st.Name == "all" {
			res := Result{Tag: "SHOW", Columns: []Column{{Name: "name", typ: typText}, {Name: "setting", typ: typText}, {Name: "description", typ: typText}}}
			for _, set := range settings {
				v, _ := s.setting(set[0])
				res.Rows = append(res.Rows, []any{set[0], v, ""})
			}
			res.RowsAffected = int64(len(res.Rows))
			return res, nil
		}
		v, ok := s.setting(st.Name)
		if !ok {
			return Result{}, pgerr.New("42704", "unrecognized configuration parameter %q", st.Name)
		}
		return Result{Tag: "SHOW", Columns: []Column{{Name: strings.ToLower(st.Name), typ: typText}}, Rows: [][]any{{v}}, RowsAffected: 1}, nil
	}
	return Result{}, pgerr.Unsupported(statementName(st))
}

// toErrorOrNil is toError that keeps a nil error nil.
func toErrorOrNil(err error) error {
	if err == nil {
		return nil
	}
	return toError(err)
}
