package main

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func rv2List(t *testing.T, dir string) []string {
	var out []string
	require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		out = append(out, p)
		return err
	}))
	sort.Strings(out)
	return out
}

// A directory of another program that happens to have a wal/ folder (a
// Prometheus data directory, say) is not a reldb database: status 2, one
// line, nothing created.
func TestRegress_Inspect_ForeignWalDir(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "wal"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "wal", "00000000"), []byte("not ours"), 0o600))
	before := rv2List(t, dir)
	for _, cmd := range []string{"inspect", "check", "ddl"} {
		var out, errOut bytes.Buffer
		status := run([]string{cmd, dir}, &out, &errOut)
		t.Logf("%s: status %d stdout %q stderr %q", cmd, status, out.String(), errOut.String())
		assert.Equal(t, 2, status, cmd)
	}
	assert.Equal(t, before, rv2List(t, dir), "the directory changed")
}

// check verifies every log checksum: a final record that fails its
// checksum is a problem to report (status 1), not something to cut
// silently while printing "ok".
// check reports a damaged final record and leaves it as it is.
func TestRegress_Check_BadFinalRecordChecksum(t *testing.T) {
	dir := durableDir(t)
	segs, err := filepath.Glob(filepath.Join(dir, "wal", "0*"))
	require.NoError(t, err)
	last := segs[len(segs)-1]
	b, err := os.ReadFile(last)
	require.NoError(t, err)
	b[len(b)-2] ^= 0xFF // inside the payload of the final record (books id 11)
	require.NoError(t, os.WriteFile(last, b, 0o600))
	var out, errOut bytes.Buffer
	status := run([]string{"check", dir}, &out, &errOut)
	after, _ := os.ReadFile(last)
	t.Logf("status %d, stdout %q, stderr %q, segment %d -> %d bytes", status, out.String(), errOut.String(), len(b), len(after))
	assert.Equal(t, 1, status, "a damaged final record is a problem to report")
	assert.Contains(t, errOut.String(), "torn record")
	assert.Equal(t, len(b), len(after), "check changed the log")
}
