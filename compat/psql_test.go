package compat

import (
	"bufio"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var rewrite = flag.Bool("rewrite", false, "rewrite testdata/*.golden from this run's output")

// Ensure psql (Debian's postgresql-client) works against `reldb serve`:
// the output of testdata/psql.sql is testdata/psql.golden.
func TestPsql_Script(t *testing.T) {
	psql, err := exec.LookPath("psql")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("psql is not installed; CI installs postgresql, which has it")
		}
		t.Skip("psql is not installed")
	}
	bin := filepath.Join(t.TempDir(), "reldb")
	build := exec.Command("go", "build", "-o", bin, "github.com/reldb/reldb/cmd/reldb")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)

	serve := exec.Command(bin, "serve", "-addr", "127.0.0.1:0")
	stdout, err := serve.StdoutPipe()
	require.NoError(t, err)
	serve.Stderr = os.Stderr
	require.NoError(t, serve.Start())
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err)
	addr := regexp.MustCompile(`on (127\.0\.0\.1):(\d+) `).FindStringSubmatch(line)
	require.NotNil(t, addr, line)

	cmd := exec.Command(psql, "-X", "-h", addr[1], "-p", addr[2], "-U", "reldb", "-d", "shop", "-f", "testdata/psql.sql")
	cmd.Env = append(os.Environ(), "PGSSLMODE=prefer", "PGCONNECT_TIMEOUT=10")
	got, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", got)
	text := strings.ReplaceAll(string(got), "psql:testdata/psql.sql:", "psql:")

	require.NoError(t, serve.Process.Signal(syscall.SIGTERM))
	require.NoError(t, serve.Wait(), "reldb serve exits 0 on SIGTERM")

	golden := filepath.Join("testdata", "psql.golden")
	if *rewrite {
		require.NoError(t, os.WriteFile(golden, []byte(text), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), text)
}
