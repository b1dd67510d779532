package engine_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/internal/durable"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The disk-full tests. tidwall/wal writes its segment files through
// package os, so no fault-injecting file layer fits under the log; the
// operating system fails the writes instead. The test binary runs again as
// a child process (as the crash test does) that opens a database, commits,
// and then lowers its RLIMIT_FSIZE to a size it computes from its own
// files, with SIGXFSZ ignored: a write that would take a file past the
// limit writes what fits and fails with EFBIG, the way a full disk fails
// part-way through a write. The limit is per file, so it lands either in
// the log's tail segment or in the next checkpoint's snapshot file, as the
// plan says. The child reports on its output what it was promised and what
// it saw; the parent reopens the directory without a limit and checks:
//
//   - a commit whose log write failed got an error wrapping EFBIG and
//     ErrLogFailed, every later commit was refused with ErrLogFailed, reads
//     went on, and Close said the log had failed;
//   - a checkpoint whose snapshot write failed got an error wrapping EFBIG,
//     left no temporary file, kept the previous snapshot, and commits went
//     on;
//   - the directory opens (a torn tail is cut, as after a crash), DB.Check
//     passes, every acknowledged commit is there, and no commit is there
//     that was not acknowledged, except those of a batch whose write failed
//     part-way (the log holds them whole, so recovery may keep them).
//
// With Die the child gives SIGXFSZ back its default action and dies in the
// write that reaches the limit, just after the short write: a crash at the
// full disk, which leaves a torn log record or a partial temporary
// snapshot file for Open to deal with.
//
// A short seeded loop of random plans follows the fixed ones, on one
// database: its seed is logged, RELDB_DISKFULL_SEED replays it and
// RELDB_DISKFULL_RUNS lengthens it.
const (
	diskFullChildEnv = "RELDB_DISKFULL_CHILD" // the child's directory
	diskFullPlanEnv  = "RELDB_DISKFULL_PLAN"  // the child's plan, as JSON
	diskFullSeedEnv  = "RELDB_DISKFULL_SEED"  // replays the random plans
	diskFullRunsEnv  = "RELDB_DISKFULL_RUNS"  // random plans; default 6
)

// diskFullPlan is what one child does.
type diskFullPlan struct {
	Sync engine.SyncMode
	// Target is where the limit lands: "log" (the tail segment) or
	// "checkpoint" (the next snapshot file).
	Target string
	// Slack is how far past the current size of the target the limit is.
	Slack int64
	// Writers commit concurrently (group commit); 1 makes the outcome
	// exact.
	Writers int
	// Warm is the number of commits made before the limit is set.
	Warm int
	// Segment is the log's segment size; 0 is the default.
	Segment int
	// Auto checkpoints in the background every so many bytes of log; 0
	// never. Explicit checkpoints run every 10 commits when the target is
	// "checkpoint".
	Auto int64
	// Die makes the child die of SIGXFSZ in the write that hits the limit
	// (the signal's default action, which Go's runtime otherwise
	// overrides), after the short write and before any Go code runs: a
	// crash at the full disk, instead of an EFBIG to handle.
	Die  bool
	Seed uint64
}

// diskFullResult is what a child reported.
type diskFullResult struct {
	limit     int64
	acked     map[int64]crashOp
	failed    []diskFullEvent // commits whose Update failed
	refused   *diskFullEvent  // a commit tried after the log failed
	viewed    int             // rows of "commits" a View saw after it
	viewErr   string
	snapshots []string        // names of the snapshots checkpoints wrote
	ckptFail  *diskFullEvent  // the checkpoint whose snapshot write failed
	tmpLeft   bool            // a temporary snapshot file was left by it
	snapAfter string          // the newest snapshot after that failure
	closed    *diskFullEvent  // what Close returned
	died      bool            // the child died of SIGXFSZ
	reopened  bool            // the child reopened after the log failed, and committed
	repaired  string          // what that reopen cut (Storage.Repaired)
	segGone   []string        // log segments a failed checkpoint removed
	fails     map[int64]bool  // ids of failed commits
	lines     []string        // for failure messages
	ckptLater []diskFullEvent // checkpoints tried after the first failure
}

// diskFullEvent is an error a child saw, with what it wraps.
type diskFullEvent struct {
	id        int64
	efbig     bool // wraps syscall.EFBIG
	logFailed bool // wraps engine.ErrLogFailed
	msg       string
}

// TestDB_DiskFull writes until a file size limit makes the log or a
// checkpoint fail, in each sync mode, and checks what reopens.
func TestDB_DiskFull(t *testing.T) {
	if dir := os.Getenv(diskFullChildEnv); dir != "" {
		diskFullChild(dir)
		return
	}
	modes := []engine.SyncMode{engine.SyncEveryCommit, engine.SyncInterval, engine.SyncNone}
	for _, mode := range modes {
		t.Run("log/"+mode.String(), func(t *testing.T) {
			// Limits one byte, and a few records, past the tail segment:
			// the failing write tears a length prefix, or a record.
			for _, slack := range []int64{1, 2500} {
				dir := t.TempDir()
				plan := diskFullPlan{Sync: mode, Target: "log", Slack: slack, Writers: 1, Warm: 20}
				res := runDiskFullChild(t, dir, plan)
				checkLogFailed(t, res)
				checkDiskFullState(t, dir, res, true /* exact */)
				assert.Contains(t, res.repaired, "torn", "reopening cut the record the failed write tore")
			}
		})
		t.Run("checkpoint/"+mode.String(), func(t *testing.T) {
			dir := t.TempDir()
			plan := diskFullPlan{Sync: mode, Target: "checkpoint", Slack: 1500, Writers: 1, Warm: 120, Segment: 4 << 10}
			if mode == engine.SyncInterval {
				plan.Auto = 4 << 10 // background checkpoints fail too
			}
			res := runDiskFullChild(t, dir, plan)
			checkCheckpointFailed(t, res)
			st, _ := checkDiskFullState(t, dir, res, true /* exact */)
			assert.Equal(t, res.snapAfter, st.Snapshot, "reopen reads the last snapshot written whole")
		})
	}
	t.Run("die/log", func(t *testing.T) {
		// The process dies in the write that tears a record.
		dir := t.TempDir()
		res := runDiskFullChild(t, dir, diskFullPlan{Sync: engine.SyncEveryCommit, Target: "log", Slack: 700, Writers: 1, Warm: 10, Die: true})
		require.True(t, res.died, "the child must die at the limit:\n%s", strings.Join(res.lines, ""))
		st, _ := checkDiskFullState(t, dir, res, true /* exact */)
		assert.Contains(t, st.Repaired, "torn", "Open cut the torn record")
	})
	t.Run("die/checkpoint", func(t *testing.T) {
		// The process dies in the write of a snapshot: its temporary file
		// is left, cut at the limit, and must not be read as a snapshot.
		dir := t.TempDir()
		res := runDiskFullChild(t, dir, diskFullPlan{Sync: engine.SyncNone, Target: "checkpoint", Slack: 900, Writers: 1, Warm: 120, Segment: 4 << 10, Die: true})
		require.True(t, res.died, "the child must die at the limit:\n%s", strings.Join(res.lines, ""))
		tmps, err := filepath.Glob(filepath.Join(dir, "*.tmp"))
		require.NoError(t, err)
		require.Len(t, tmps, 1, "the snapshot being written is left")
		fi, err := os.Stat(tmps[0])
		require.NoError(t, err)
		assert.Equal(t, res.limit, fi.Size(), "written up to the limit")
		require.NotEmpty(t, res.snapshots)
		st, _ := checkDiskFullState(t, dir, res, true /* exact */)
		assert.Equal(t, res.snapshots[len(res.snapshots)-1], st.Snapshot, "reopen reads the last snapshot written whole")
	})
	t.Run("limit=size", func(t *testing.T) {
		// A limit at the tail segment's size: the next write writes
		// nothing and fails.
		dir := t.TempDir()
		res := runDiskFullChild(t, dir, diskFullPlan{Sync: engine.SyncEveryCommit, Target: "log", Writers: 1, Warm: 5})
		checkLogFailed(t, res)
		checkDiskFullState(t, dir, res, true /* exact */)
		assert.True(t, res.reopened)
		assert.Empty(t, res.repaired, "nothing was written past the limit")
	})

	runs := 6
	if s := os.Getenv(diskFullRunsEnv); s != "" {
		var err error
		runs, err = strconv.Atoi(s)
		require.NoError(t, err)
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv(diskFullSeedEnv); s != "" {
		var err error
		seed, err = strconv.ParseUint(s, 10, 64)
		require.NoError(t, err)
	}
	t.Run("random", func(t *testing.T) {
		t.Logf("seed %d (%s), %d runs", seed, diskFullSeedEnv, runs)
		rng := rand.New(rand.NewPCG(seed, seed))
		dir := t.TempDir() // one database through every run
		acked := map[int64]crashOp{}
		seen := map[int64]bool{} // commits found at earlier reopens
		for run := range runs {
			plan := diskFullPlan{
				Sync:    modes[rng.IntN(len(modes))],
				Target:  []string{"log", "checkpoint"}[rng.IntN(2)],
				Slack:   rng.Int64N(6000),
				Writers: 1 + rng.IntN(3),
				Warm:    rng.IntN(60),
				Die:     rng.IntN(4) == 0,
				Seed:    rng.Uint64(),
			}
			if rng.IntN(2) == 0 {
				plan.Segment = 4 << 10
			}
			if rng.IntN(2) == 0 {
				plan.Auto = 2<<10 + rng.Int64N(8<<10)
			}
			t.Logf("run %d: %+v", run, plan)
			res := runDiskFullChild(t, dir, plan)
			for id, op := range res.acked {
				acked[id] = op
			}
			res.acked = acked
			for id := range seen {
				res.fails[id] = true // allowed: an earlier run left it whole in the log
			}
			for _, f := range res.failed {
				assert.True(t, f.logFailed && f.efbig, "a failed commit's error wraps ErrLogFailed and EFBIG: %s", f.msg)
			}
			if res.refused != nil {
				assert.True(t, res.refused.logFailed, "a later commit is refused with ErrLogFailed: %s", res.refused.msg)
			}
			if res.reopened {
				assert.NotContains(t, res.repaired, "damage", "a short write is a torn record, not damage")
			}
			if res.ckptFail != nil {
				assert.True(t, res.ckptFail.efbig || res.ckptFail.logFailed, "a checkpoint fails with EFBIG, or because the log did: %s", res.ckptFail.msg)
			}
			_, present := checkDiskFullState(t, dir, res, false /* exact */)
			for id := range present {
				seen[id] = true
			}
			if t.Failed() {
				t.Fatalf("run %d failed; replay with %s=%d", run, diskFullSeedEnv, seed)
			}
		}
	})
}

// checkLogFailed checks what a child whose log write failed saw.
func checkLogFailed(t *testing.T, res *diskFullResult) {
	t.Helper()
	require.NotEmpty(t, res.failed, "no commit failed past the limit of %d bytes:\n%s", res.limit, strings.Join(res.lines, ""))
	for _, f := range res.failed {
		assert.True(t, f.efbig, "the failed commit's error wraps EFBIG: %s", f.msg)
		assert.True(t, f.logFailed, "the failed commit's error wraps ErrLogFailed: %s", f.msg)
	}
	require.NotNil(t, res.refused, "a commit after the failure must be refused")
	assert.True(t, res.refused.logFailed, "a later commit is refused with ErrLogFailed: %s", res.refused.msg)
	assert.Empty(t, res.viewErr, "reads go on after the log failed")
	assert.GreaterOrEqual(t, res.viewed, len(res.acked), "reads see every acknowledged commit")
	require.NotNil(t, res.closed)
	assert.True(t, res.closed.logFailed, "Close says the log failed: %s", res.closed.msg)
	assert.True(t, res.reopened, "the child reopened and committed again")
	assert.NotContains(t, res.repaired, "damage", "a short write is a torn record, not damage")
}

// checkCheckpointFailed checks what a child whose checkpoint failed saw.
func checkCheckpointFailed(t *testing.T, res *diskFullResult) {
	t.Helper()
	require.NotNil(t, res.ckptFail, "no checkpoint failed past the limit of %d bytes:\n%s", res.limit, strings.Join(res.lines, ""))
	assert.True(t, res.ckptFail.efbig, "the checkpoint's error wraps EFBIG: %s", res.ckptFail.msg)
	assert.False(t, res.ckptFail.logFailed, "a failed checkpoint does not break the log: %s", res.ckptFail.msg)
	assert.False(t, res.tmpLeft, "the failed checkpoint removed its temporary file")
	require.NotEmpty(t, res.snapshots, "a checkpoint succeeded before the limit")
	assert.Equal(t, res.snapshots[len(res.snapshots)-1], res.snapAfter, "the previous snapshot is kept")
	assert.Empty(t, res.segGone, "a failed checkpoint keeps the log whole")
	assert.Empty(t, res.failed, "commits go on after a failed checkpoint")
	for _, c := range res.ckptLater {
		assert.True(t, c.efbig, "a later checkpoint fails the same way: %s", c.msg)
	}
	require.NotNil(t, res.closed)
	assert.False(t, res.closed.logFailed, "Close: %s", res.closed.msg)
}

// checkDiskFullState reopens dir without a limit and checks it against
// what the child reported; with exact, the commits there must be exactly
// the acknowledged ones. It returns the reopened database's Storage and
// the ids of the commits there.
func checkDiskFullState(t *testing.T, dir string, res *diskFullResult, exact bool) (engine.Storage, map[int64]bool) {
	t.Helper()
	tmps, err := filepath.Glob(filepath.Join(dir, "*.tmp"))
	require.NoError(t, err)
	if len(tmps) > 0 {
		t.Logf("the child left %v", tmps)
	}
	db, err := engine.Open(engine.Options{Dir: dir})
	require.NoError(t, err, "reopen after the disk filled")
	st, err := db.Storage()
	require.NoError(t, err)
	assert.NotContains(t, st.Repaired, "damage", "a short write is a torn record, not damage")
	present := map[int64]bool{}
	require.NoError(t, db.View(durCtx, func(tx *engine.Tx) error {
		rows, err := tx.Query("commits").All()
		for _, r := range rows {
			present[r.Get("id").(int64)] = true
		}
		return err
	}))
	for id := range present {
		if _, ok := res.acked[id]; ok {
			continue
		}
		// A child that died at the limit reported no failure: any commit
		// in flight then may be whole in the log, as in the crash test.
		if exact || !(res.fails[id] || res.died) {
			t.Errorf("commit %d is there but was never acknowledged (failed: %v)", id, res.fails[id])
		}
	}
	tmps, err = filepath.Glob(filepath.Join(dir, "*.tmp"))
	require.NoError(t, err)
	assert.Empty(t, tmps, "Open removes temporary snapshot files")
	require.NoError(t, db.Close())
	checkCrashState(t, dir, 0, res.acked) // Check; acknowledged commits there; invariants
	return st, present
}

// runDiskFullChild runs one child on dir and returns what it reported.
func runDiskFullChild(t *testing.T, dir string, plan diskFullPlan) *diskFullResult {
	t.Helper()
	pj, err := json.Marshal(plan)
	require.NoError(t, err)
	cmd := exec.Command(os.Args[0], "-test.run=^TestDB_DiskFull$", "-test.count=1")
	// Under -race a process sleeps a second at exit unless told not to.
	gorace := strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0")
	cmd.Env = append(os.Environ(), diskFullChildEnv+"="+dir, diskFullPlanEnv+"="+string(pj), "GORACE="+gorace)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	res := &diskFullResult{acked: map[int64]crashOp{}, fails: map[int64]bool{}}
	r := bufio.NewReader(out)
	done := false
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			require.ErrorIs(t, err, io.EOF) // a cut last line says nothing
			break
		}
		res.lines = append(res.lines, line)
		f := strings.SplitN(strings.TrimSuffix(line, "\n"), " ", 2)
		rest := ""
		if len(f) == 2 {
			rest = f[1]
		}
		switch f[0] {
		case "limit":
			res.limit, err = strconv.ParseInt(rest, 10, 64)
			require.NoError(t, err)
		case "ack":
			g := strings.Fields(rest)
			require.Len(t, g, 3, "child said %q", line)
			id, err1 := strconv.ParseInt(g[0], 10, 64)
			batch, err2 := strconv.ParseInt(g[2], 10, 64)
			require.NoError(t, errors.Join(err1, err2))
			res.acked[id] = crashOp{id: id, kind: g[1], batch: batch}
		case "fail", "refused", "ckptfail", "ckptlater", "close":
			ev := parseDiskFullEvent(t, rest)
			switch f[0] {
			case "fail":
				res.failed = append(res.failed, ev)
				res.fails[ev.id] = true
			case "refused":
				res.refused = &ev
				res.fails[ev.id] = true
			case "ckptfail":
				res.ckptFail = &ev
			case "ckptlater":
				res.ckptLater = append(res.ckptLater, ev)
			case "close":
				res.closed = &ev
			}
		case "view":
			if n, err := strconv.Atoi(rest); err == nil {
				res.viewed = n
			} else {
				res.viewErr = rest
			}
		case "ckpt":
			res.snapshots = append(res.snapshots, rest)
		case "after":
			g := strings.Fields(rest + " ")
			res.tmpLeft = g[0] == "tmp"
			if len(g) > 1 {
				res.snapAfter = g[1]
			}
		case "segment":
			res.segGone = append(res.segGone, rest)
		case "reopened":
			res.reopened, res.repaired = true, rest
		case "conflict":
		case "done":
			done = true
		default:
			t.Fatalf("child said %q", line)
		}
	}
	err = cmd.Wait()
	if plan.Die {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			ws, ok := ee.Sys().(syscall.WaitStatus)
			require.True(t, ok && ws.Signaled() && ws.Signal() == syscall.SIGXFSZ, "the child must exit or die of SIGXFSZ: %v\n%s", err, strings.Join(res.lines, ""))
			res.died = true
			return res
		}
	}
	require.NoError(t, err, "child:\n%s", strings.Join(res.lines, ""))
	require.True(t, done, "child did not finish:\n%s", strings.Join(res.lines, ""))
	return res
}

// parseDiskFullEvent parses "<id> <efbig 0|1> <logfailed 0|1> <message>".
func parseDiskFullEvent(t *testing.T, s string) diskFullEvent {
	t.Helper()
	g := strings.SplitN(s, " ", 4)
	require.Len(t, g, 4, "event %q", s)
	id, err := strconv.ParseInt(g[0], 10, 64)
	require.NoError(t, err)
	return diskFullEvent{id: id, efbig: g[1] == "1", logFailed: g[2] == "1", msg: g[3]}
}

// diskFullChild runs a plan on dir and exits.
func diskFullChild(dir string) {
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "disk-full child:", err)
		os.Exit(2)
	}
	var plan diskFullPlan
	if err := json.Unmarshal([]byte(os.Getenv(diskFullPlanEnv)), &plan); err != nil {
		fail(err)
	}
	var mu sync.Mutex // one write per line
	say := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		if _, err := fmt.Fprintf(os.Stdout, format+"\n", args...); err != nil {
			os.Exit(3)
		}
	}
	event := func(kind string, id int64, err error) {
		b := func(ok bool) int {
			if ok {
				return 1
			}
			return 0
		}
		msg := "ok"
		if err != nil {
			msg = strings.ReplaceAll(err.Error(), "\n", " ")
		}
		say("%s %d %d %d %s", kind, id, b(errors.Is(err, syscall.EFBIG)), b(errors.Is(err, engine.ErrLogFailed)), msg)
	}
	if plan.Segment > 0 {
		durable.SetHooks(&durable.Hooks{SegmentSize: plan.Segment})
	}
	ckptBytes := plan.Auto
	if ckptBytes == 0 {
		ckptBytes = -1
	}
	db, err := engine.Open(engine.Options{Dir: dir, Sync: plan.Sync, SyncInterval: time.Millisecond, CheckpointBytes: ckptBytes})
	if err != nil {
		fail(err)
	}
	err = db.Update(durCtx, func(tx *engine.Tx) error {
		if _, err := tx.Table("commits"); err == nil {
			return nil
		}
		return crashSchema(tx)
	})
	if err != nil {
		fail(err)
	}
	var next int64
	err = db.View(durCtx, func(tx *engine.Tx) error {
		rows, err := tx.Query("commits").All()
		for _, r := range rows {
			next = max(next, r.Get("id").(int64))
		}
		return err
	})
	if err != nil {
		fail(err)
	}
	rng := rand.New(rand.NewPCG(plan.Seed, 1))
	var rngMu sync.Mutex
	// commit runs one transaction; it reports it acknowledged or failed.
	commit := func() error {
		rngMu.Lock()
		next++
		id := next
		kind, batch := "insert", id
		switch p := rng.IntN(100); {
		case p < 20:
			kind, batch = "delete", id-1-rng.Int64N(min(id, 20))
		case p < 55:
			kind, batch = "transfer", 0
		case p < 57:
			kind, batch = "ddl", 0
		}
		txRng := rand.New(rand.NewPCG(rng.Uint64(), 2))
		rngMu.Unlock()
		err := db.Update(durCtx, func(tx *engine.Tx) error { return crashTx(tx, txRng, id, kind, batch) })
		if errors.Is(err, engine.ErrConflict) {
			say("conflict %d", id) // Update ran out of retries: nothing logged
			return err
		}
		if err != nil {
			event("fail", id, err)
			return err
		}
		say("ack %d %s %d", id, kind, batch)
		return nil
	}
	for range plan.Warm {
		if err := commit(); err != nil {
			fail(err)
		}
	}
	if plan.Target == "checkpoint" {
		if err := db.Checkpoint(); err != nil {
			fail(err)
		}
	}
	st, err := db.Storage()
	if err != nil {
		fail(err)
	}
	if plan.Target == "checkpoint" {
		say("ckpt %s", st.Snapshot)
	}

	// The limit, past the file it is meant for.
	var size int64
	switch plan.Target {
	case "log":
		segs := logSegments(dir)
		if len(segs) == 0 {
			fail(errors.New("no log segment"))
		}
		fi, err := os.Stat(slices.Max(segs))
		if err != nil {
			fail(err)
		}
		size = fi.Size()
	case "checkpoint":
		size = st.SnapshotBytes
	default:
		fail(fmt.Errorf("unknown target %q", plan.Target))
	}
	limit := size + plan.Slack
	if plan.Die {
		// No core file, and SIGXFSZ's default action back.
		if err := syscall.Setrlimit(syscall.RLIMIT_CORE, &syscall.Rlimit{}); err != nil {
			fail(err)
		}
		if err := defaultSIGXFSZ(); err != nil {
			fail(err)
		}
	} else {
		signal.Ignore(syscall.SIGXFSZ)
	}
	var rlim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &rlim); err != nil {
		fail(err)
	}
	room := rlim.Cur // restored once space is "freed"
	rlim.Cur = uint64(limit)
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &rlim); err != nil {
		fail(err)
	}
	say("limit %d", limit)

	// Commit until the limit bites: the log's, or a checkpoint's (every
	// 10 commits, and in the background with Auto).
	const maxCommits = 600
	var (
		wg        sync.WaitGroup
		stateMu   sync.Mutex
		logFailed bool
		ckptFail  error
		count     int
	)
	work := func() {
		defer wg.Done()
		for {
			stateMu.Lock()
			stop := logFailed || count >= maxCommits || (ckptFail != nil && count >= 20)
			count++
			stateMu.Unlock()
			if stop {
				return
			}
			if err := commit(); err != nil {
				if errors.Is(err, engine.ErrConflict) {
					continue
				}
				stateMu.Lock()
				logFailed = true
				stateMu.Unlock()
				return
			}
		}
	}
	if plan.Target == "checkpoint" {
		// Checkpoints between rounds of commits; one writer per round.
		for round := 0; ; round++ {
			stateMu.Lock()
			stop := logFailed || count >= maxCommits || (ckptFail != nil && count >= 20)
			stateMu.Unlock()
			if stop {
				break
			}
			wg.Add(plan.Writers)
			for range plan.Writers {
				go func() {
					defer wg.Done()
					for range 10 {
						if err := commit(); err != nil && !errors.Is(err, engine.ErrConflict) {
							stateMu.Lock()
							logFailed = true
							stateMu.Unlock()
							return
						}
						stateMu.Lock()
						count++
						stateMu.Unlock()
					}
				}()
			}
			wg.Wait()
			stateMu.Lock()
			failedBefore := ckptFail != nil
			if failedBefore {
				count = max(count, 20) // the round after a failure is the last
			}
			stateMu.Unlock()
			if logFailed {
				break
			}
			segsBefore := logSegments(dir)
			err := db.Checkpoint()
			switch {
			case err == nil:
				st, serr := db.Storage()
				if serr != nil {
					fail(serr)
				}
				say("ckpt %s", st.Snapshot)
			case failedBefore:
				event("ckptlater", 0, err)
			default:
				event("ckptfail", 0, err)
				tmps, _ := filepath.Glob(filepath.Join(dir, "*.tmp"))
				st, serr := db.Storage()
				if serr != nil {
					fail(serr)
				}
				left := "notmp"
				if len(tmps) > 0 {
					left = "tmp"
				}
				say("after %s %s", left, st.Snapshot)
				if plan.Auto == 0 { // else a background checkpoint may have run meanwhile
					for _, seg := range segsBefore {
						if _, err := os.Stat(seg); err != nil {
							say("segment %s", err)
						}
					}
				}
				stateMu.Lock()
				ckptFail, count = err, 0
				stateMu.Unlock()
			}
		}
	} else {
		wg.Add(plan.Writers)
		for range plan.Writers {
			go work()
		}
		wg.Wait()
	}
	if logFailed {
		// Later commits are refused; reads go on.
		rngMu.Lock()
		next++
		id := next
		rngMu.Unlock()
		err := db.Update(durCtx, func(tx *engine.Tx) error {
			_, err := tx.Insert("commits", engine.Row{"id": id, "kind": "transfer", "batch": 0})
			return err
		})
		event("refused", id, err)
		err = db.View(durCtx, func(tx *engine.Tx) error {
			rows, err := tx.Query("commits").All()
			if err == nil {
				say("view %d", len(rows))
			}
			return err
		})
		if err != nil {
			say("view error: %v", err)
		}
	}
	event("close", 0, db.Close())
	if logFailed {
		// Space freed, the same process reopens, as ErrLogFailed says,
		// and commits again.
		rlim.Cur = room
		if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &rlim); err != nil {
			fail(err)
		}
		db, err = engine.Open(engine.Options{Dir: dir, Sync: plan.Sync, SyncInterval: time.Millisecond, CheckpointBytes: ckptBytes})
		if err != nil {
			fail(fmt.Errorf("reopen after the log failed: %w", err))
		}
		st, err := db.Storage()
		if err != nil {
			fail(err)
		}
		if err := commit(); err != nil {
			fail(fmt.Errorf("commit after reopening: %w", err))
		}
		if err := db.Close(); err != nil {
			fail(fmt.Errorf("close after reopening: %w", err))
		}
		say("reopened %s", st.Repaired)
	}
	say("done")
	os.Exit(0)
}

// defaultSIGXFSZ gives SIGXFSZ its default action, which kills the
// process. Go's runtime installs a handler for every signal and drops
// SIGXFSZ when no one is notified, and the signal package can only ignore
// or catch it; so this sets the kernel's disposition directly. The kernel
// sends SIGXFSZ to the thread whose write starts at the limit, which then
// dies in that system call.
func defaultSIGXFSZ() error {
	var act [4]uint64 // the kernel's struct sigaction, all zero: SIG_DFL, no flags, empty mask
	const sigsetSize = 8
	_, _, errno := syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, uintptr(syscall.SIGXFSZ),
		uintptr(unsafe.Pointer(&act)), 0 /* old action */, sigsetSize, 0, 0)
	if errno != 0 {
		return fmt.Errorf("rt_sigaction(SIGXFSZ): %w", errno)
	}
	return nil
}

// logSegments returns the paths of the log's segment files in dir.
func logSegments(dir string) []string {
	segs, _ := filepath.Glob(filepath.Join(dir, "wal", strings.Repeat("[0-9]", 20)))
	return segs
}
