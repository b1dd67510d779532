package pgserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// ErrUnavailable is returned when PostgreSQL cannot be run here: its binaries
// are missing, or the process runs as root and there is no account to run
// the server as.
var ErrUnavailable = errors.New("reldb: postgresql unavailable")

// debianRoot is where Debian's postgresql-NN packages install their binaries.
const debianRoot = "/usr/lib/postgresql"

// BinDirEnv names the environment variable that overrides where the
// binaries are found when Options.BinDir is empty, for installations outside
// Debian's layout.
const BinDirEnv = "RELDB_PG_BINDIR"

// Superuser is the database role initdb creates and every connection uses.
const Superuser = "postgres"

// startTimeout bounds Start when its context has no deadline.
const startTimeout = 60 * time.Second

// stopTimeout bounds Close.
const stopTimeout = 30 * time.Second

// Options configures Start. The zero value works.
type Options struct {
	// BinDir is the directory holding initdb, pg_ctl, postgres, psql and
	// pg_isready. Empty means $RELDB_PG_BINDIR when set, else the newest
	// /usr/lib/postgresql/*/bin.
	BinDir string
	// OSUser is the account initdb and postgres run as when the process is
	// root. Empty means "postgres". Ignored when not root.
	OSUser string
	// Settings are extra server settings (name to value) appended to
	// postgresql.conf, after the package's own, so they win.
	Settings map[string]string
}

// Server is a running PostgreSQL server in a temporary directory. It is safe
// for concurrent use. Call Close when done.
type Server struct {
	bin     binaries
	dir     string // temporary directory, removed by Close
	dataDir string
	logPath string
	extra   [][2]string // Options.Settings, sorted by name
	port    int
	proc    *osProc // nil once Close has run

	closeOnce sync.Once
	closeErr  error
}

// binaries are the PostgreSQL programs the package runs.
type binaries struct {
	dir      string
	version  string // major version, from the directory name when known
	initdb   string
	pgCtl    string
	postgres string
	psql     string
	isReady  string
}

// osProc is the postgres child process. exited is closed once Wait returns.
type osProc struct {
	cmd    *exec.Cmd
	exited chan struct{}
	err    error // Wait's result, read after exited is closed
}

// Start creates a temporary data directory, runs initdb and starts a server
// on 127.0.0.1 and a free port, and waits until it accepts connections or
// ctx is done (60 s when ctx has no deadline).
//
// Returns an error wrapping ErrUnavailable if the binaries are missing or
// the process is root and the OSUser account does not exist; any other error
// means PostgreSQL is installed but did not start, and carries the tail of
// the server log.
func Start(ctx context.Context, opts Options) (*Server, error) {
	bin, err := findBinaries(opts.BinDir)
	if err != nil {
		return nil, err
	}
	cred, err := credential(opts.OSUser)
	if err != nil {
		return nil, err
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, startTimeout)
		defer cancel()
	}
	dir, err := os.MkdirTemp("", "reldb-pg-")
	if err != nil {
		return nil, fmt.Errorf("pgserver: create temporary directory: %w", err)
	}
	s := &Server{
		bin:     bin,
		dir:     dir,
		dataDir: filepath.Join(dir, "data"),
		logPath: filepath.Join(dir, "postgres.log"),
	}
	for name, v := range opts.Settings {
		s.extra = append(s.extra, [2]string{name, v})
	}
	sort.Slice(s.extra, func(i, j int) bool { return s.extra[i][0] < s.extra[j][0] })
	if err := s.init(ctx, cred); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	// The port is free when we pick it but may be taken before postgres binds
	// it; try a few ports before giving up.
	const attempts = 3
	for i := 1; ; i++ {
		err = s.start(ctx, cred)
		if err == nil {
			return s, nil
		}
		if !errors.Is(err, errPortTaken) || i == attempts {
			break
		}
	}
	os.RemoveAll(dir)
	return nil, err
}

// errPortTaken marks a start that failed because the port was taken.
var errPortTaken = errors.New("reldb: port already in use")

// init prepares the temporary directory and runs initdb.
func (s *Server) init(ctx context.Context, cred *syscall.Credential) error {
	sockDir := filepath.Join(s.dir, "sock")
	if err := os.Mkdir(sockDir, 0o700); err != nil {
		return fmt.Errorf("pgserver: create socket directory: %w", err)
	}
	if cred != nil {
		for _, p := range []string{s.dir, sockDir} {
			if err := os.Chown(p, int(cred.Uid), int(cred.Gid)); err != nil {
				return fmt.Errorf("pgserver: give %s to uid %d: %w", p, cred.Uid, err)
			}
		}
	}
	cmd := exec.CommandContext(ctx, s.bin.initdb,
		"-D", s.dataDir,
		"-A", "trust",
		"-U", Superuser,
		"-E", "UTF8",
		"--no-locale",
		"--no-sync",
	)
	cmd.Dir = s.dir // the server account may not be able to enter ours
	cmd.Env = cleanEnv()
	cmd.SysProcAttr = childAttr(cred, false /* dieWithParent */)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("pgserver: initdb in %s: %w\n%s", s.dir, err, tail(out))
	}
	return nil
}

// start writes the configuration for a fresh port, starts postgres and waits
// until it accepts connections.
func (s *Server) start(ctx context.Context, cred *syscall.Credential) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	if err := s.writeConfig(port); err != nil {
		return err
	}
	logFile, err := os.OpenFile(s.logPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("pgserver: open server log: %w", err)
	}
	defer logFile.Close() // the child keeps its own descriptor
	logStart, _ := logFile.Seek(0, 2)

	cmd := exec.Command(s.bin.postgres, "-D", s.dataDir)
	cmd.Dir = s.dir
	cmd.Env = cleanEnv()
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.SysProcAttr = childAttr(cred, true /* dieWithParent */)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("pgserver: start postgres: %w", err)
	}
	proc := &osProc{cmd: cmd, exited: make(chan struct{})}
	go func() {
		proc.err = cmd.Wait()
		close(proc.exited)
	}()
	s.proc, s.port = proc, port

	if err := s.waitReady(ctx); err != nil {
		s.stop()
		log := s.readLog(logStart)
		if bytes.Contains(log, []byte("could not bind")) || bytes.Contains(log, []byte("Address already in use")) {
			return fmt.Errorf("pgserver: start on port %d: %w", port, errPortTaken)
		}
		return fmt.Errorf("pgserver: start on port %d: %w\n%s", port, err, tail(log))
	}
	return nil
}

// writeConfig appends the package's settings, then Options.Settings, to
// postgresql.conf. Later lines win, so a retry on another port only needs
// another append.
func (s *Server) writeConfig(port int) error {
	settings := [][2]string{
		{"listen_addresses", "127.0.0.1"},
		{"port", strconv.Itoa(port)},
		{"unix_socket_directories", filepath.Join(s.dir, "sock")},
		{"fsync", "off"},
		{"full_page_writes", "off"},
		{"synchronous_commit", "off"},
		{"max_connections", "50"},
		{"shared_buffers", "32MB"},
		{"timezone", "UTC"},
		{"log_timezone", "UTC"},
		{"logging_collector", "off"},
		{"log_checkpoints", "off"},
		{"log_min_messages", "warning"},
		{"log_min_error_statement", "panic"}, // scenarios fail on purpose; keep the log short
	}
	var b strings.Builder
	b.WriteString("\n# reldb pgserver\n")
	for _, kv := range settings {
		fmt.Fprintf(&b, "%s = %s\n", kv[0], confQuote(kv[1]))
	}
	for _, kv := range s.extra {
		fmt.Fprintf(&b, "%s = %s\n", kv[0], confQuote(kv[1]))
	}
	f, err := os.OpenFile(filepath.Join(s.dataDir, "postgresql.conf"), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return fmt.Errorf("pgserver: open postgresql.conf: %w", err)
	}
	if _, err := f.WriteString(b.String()); err != nil {
		f.Close()
		return fmt.Errorf("pgserver: write postgresql.conf: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("pgserver: write postgresql.conf: %w", err)
	}
	return nil
}

// waitReady polls pg_isready until the server accepts connections, the
// postgres process exits, or ctx is done.
func (s *Server) waitReady(ctx context.Context) error {
	for {
		cmd := exec.CommandContext(ctx, s.bin.isReady,
			"-q", "-h", s.Host(), "-p", strconv.Itoa(s.port), "-U", Superuser, "-d", "postgres", "-t", "2")
		cmd.Env = cleanEnv()
		if cmd.Run() == nil {
			return nil
		}
		select {
		case <-s.proc.exited:
			return fmt.Errorf("postgres exited: %w", s.proc.err)
		case <-ctx.Done():
			return fmt.Errorf("wait for postgres: %w", ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// stop shuts the server down with pg_ctl stop -m immediate, falling back to
// SIGKILL, and reaps the process.
func (s *Server) stop() error {
	proc := s.proc
	if proc == nil {
		return nil
	}
	s.proc = nil
	select {
	case <-proc.exited:
		return nil
	default:
	}
	ctx, cancel := context.WithTimeout(context.Background(), stopTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, s.bin.pgCtl, "stop", "-D", s.dataDir, "-m", "immediate", "-w", "-s")
	cmd.Dir = s.dir
	cmd.Env = cleanEnv()
	cmd.SysProcAttr = proc.cmd.SysProcAttr
	out, stopErr := cmd.CombinedOutput()
	select {
	case <-proc.exited:
		return nil
	case <-time.After(5 * time.Second):
	}
	proc.cmd.Process.Kill()
	<-proc.exited
	if stopErr != nil {
		return fmt.Errorf("pgserver: pg_ctl stop: %w\n%s", stopErr, tail(out))
	}
	return errors.New("reldb: postgres did not stop; killed")
}

// Close stops the server (pg_ctl stop -m immediate) and removes its
// directory. Calling Close again returns the first call's result.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		err := s.stop()
		if rmErr := os.RemoveAll(s.dir); rmErr != nil {
			err = errors.Join(err, fmt.Errorf("pgserver: remove %s: %w", s.dir, rmErr))
		}
		s.closeErr = err
	})
	return s.closeErr
}

// Host is the address the server listens on, 127.0.0.1.
func (s *Server) Host() string { return "127.0.0.1" }

// Port is the TCP port the server listens on.
func (s *Server) Port() int { return s.port }

// Version is the PostgreSQL major version, such as "15", or "" when BinDir
// did not name it.
func (s *Server) Version() string { return s.bin.version }

// ConnString is a libpq connection string for database db.
func (s *Server) ConnString(db string) string {
	return fmt.Sprintf("host=%s port=%d user=%s dbname=%s sslmode=disable", s.Host(), s.port, Superuser, db)
}

// Log returns the server log written so far.
func (s *Server) Log() ([]byte, error) {
	b, err := os.ReadFile(s.logPath)
	if err != nil {
		return nil, fmt.Errorf("pgserver: read server log: %w", err)
	}
	return b, nil
}

// readLog returns the server log from offset on, or nil.
func (s *Server) readLog(offset int64) []byte {
	b, err := os.ReadFile(s.logPath)
	if err != nil || offset > int64(len(b)) {
		return nil
	}
	return b[offset:]
}

// findBinaries locates the programs in dir, or in the newest Debian
// installation when dir is empty.
func findBinaries(dir string) (binaries, error) {
	if dir == "" {
		dir = os.Getenv(BinDirEnv)
	}
	if dir == "" {
		found, err := newestDebianBinDir()
		if err != nil {
			return binaries{}, err
		}
		dir = found
	}
	b := binaries{
		dir:      dir,
		initdb:   filepath.Join(dir, "initdb"),
		pgCtl:    filepath.Join(dir, "pg_ctl"),
		postgres: filepath.Join(dir, "postgres"),
		psql:     filepath.Join(dir, "psql"),
		isReady:  filepath.Join(dir, "pg_isready"),
	}
	if v := filepath.Base(filepath.Dir(dir)); isVersion(v) {
		b.version = v
	}
	for _, p := range []*string{&b.psql, &b.isReady} {
		// Debian ships these in the versioned directory too; elsewhere
		// they may only be on PATH.
		if !isExecutable(*p) {
			if lp, err := exec.LookPath(filepath.Base(*p)); err == nil {
				*p = lp
			}
		}
	}
	for _, p := range []string{b.initdb, b.pgCtl, b.postgres, b.psql, b.isReady} {
		if !isExecutable(p) {
			return binaries{}, fmt.Errorf("pgserver: %s not found (install postgresql): %w", p, ErrUnavailable)
		}
	}
	return b, nil
}

// newestDebianBinDir returns /usr/lib/postgresql/<newest>/bin.
func newestDebianBinDir() (string, error) {
	entries, err := os.ReadDir(debianRoot)
	if err != nil {
		return "", fmt.Errorf("pgserver: no PostgreSQL under %s (install postgresql): %w", debianRoot, ErrUnavailable)
	}
	var versions []string
	for _, e := range entries {
		if isVersion(e.Name()) && isExecutable(filepath.Join(debianRoot, e.Name(), "bin", "postgres")) {
			versions = append(versions, e.Name())
		}
	}
	if len(versions) == 0 {
		return "", fmt.Errorf("pgserver: no PostgreSQL server under %s (install postgresql): %w", debianRoot, ErrUnavailable)
	}
	sort.Slice(versions, func(i, j int) bool { return versionLess(versions[j], versions[i]) })
	return filepath.Join(debianRoot, versions[0], "bin"), nil
}

// isVersion reports whether s looks like a PostgreSQL major version: "15", "9.6".
func isVersion(s string) bool {
	if s == "" {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if _, err := strconv.Atoi(part); err != nil {
			return false
		}
	}
	return true
}

// versionLess orders versions numerically, part by part: 9.6 < 10 < 15.
func versionLess(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		x, _ := strconv.Atoi(pa[i])
		y, _ := strconv.Atoi(pb[i])
		if x != y {
			return x < y
		}
	}
	return len(pa) < len(pb)
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// credential returns the account to run server programs as: nil when the
// process is not root, else OSUser's (default postgres).
func credential(name string) (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	if name == "" {
		name = "postgres"
	}
	u, err := user.Lookup(name)
	if err != nil {
		return nil, fmt.Errorf("pgserver: running as root and cannot run the server as %q: %w: %w", name, ErrUnavailable, err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("pgserver: account %q has a non-numeric uid or gid: %w: %w", name, ErrUnavailable, err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// freePort asks the kernel for a free TCP port on 127.0.0.1.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgserver: find a free port: %w", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil {
		return 0, fmt.Errorf("pgserver: find a free port: %w", err)
	}
	return port, nil
}

// cleanEnv is the environment for PostgreSQL programs: ours without libpq's
// PG* variables or locale settings, plus a C locale and UTF8 client encoding,
// so a developer's PGDATABASE or LANG cannot change the outcome.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "PG") || strings.HasPrefix(name, "LC_") || name == "LANG" || name == "LANGUAGE" {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "LC_ALL=C", "PGCLIENTENCODING=UTF8", "PGCONNECT_TIMEOUT=10", "PGAPPNAME=reldb-pgserver")
}

// confQuote quotes a postgresql.conf value.
func confQuote(v string) string {
	return "'" + strings.ReplaceAll(v, "'", "''") + "'"
}

// tail returns the last lines of a program's output, for error messages.
func tail(out []byte) string {
	const max = 2000
	s := strings.TrimSpace(string(out))
	if len(s) > max {
		s = "..." + s[len(s)-max:]
	}
	return s
}
