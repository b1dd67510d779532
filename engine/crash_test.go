package engine_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cockroachdb/apd/v3"
	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/internal/durable"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The crash test runs this test binary again as a child process
// (crashChildEnv names its directory; cycles rotate through the sync
// modes) that commits transactions and prints
// "ack <id> <kind> <batch>" once each commit has returned. The parent kills
// it with SIGKILL at a random moment, reopens the directory itself and
// checks what the child was promised:
//
//   - the store opens and DB.Check passes (indexes, no orphans);
//   - every acknowledged transaction is there: its row in "commits", and the
//     batch it inserted, unless a delete of that batch is there too;
//   - no transaction is there in part: a batch holds exactly the items it
//     was inserted with and their total, and transfers keep the sum of the
//     account balances.
//
// Each transaction writes its own row in "commits", so "is it there" is one
// lookup. Batches cascade to their items on delete; amounts are decimals.
//
// With RELDB_CRASH_MODE=power (make crash-power) each kill is followed by a
// simulated power loss; see crash_power_test.go.
const (
	crashChildEnv  = "RELDB_CRASH_CHILD"
	crashEnv       = "RELDB_CRASH"        // run the crash test
	crashCyclesEnv = "RELDB_CRASH_CYCLES" // kill/reopen cycles; default 200
	crashSyncEnv   = "RELDB_CRASH_SYNC"   // the child's sync mode
	crashAccounts  = 8
	crashBalance   = "1000.00"
)

// TestCrash_KillAndReopen is the crash test; `make crash` runs it.
func TestCrash_KillAndReopen(t *testing.T) {
	if dir := os.Getenv(crashChildEnv); dir != "" {
		crashChild(dir)
		return
	}
	if os.Getenv(crashEnv) == "" {
		t.Skip("set RELDB_CRASH=1 (make crash)")
	}
	cycles := 200
	if s := os.Getenv(crashCyclesEnv); s != "" {
		var err error
		cycles, err = strconv.Atoi(s)
		require.NoError(t, err)
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("RELDB_CRASH_SEED"); s != "" {
		var err error
		seed, err = strconv.ParseUint(s, 10, 64)
		require.NoError(t, err)
	}
	power := os.Getenv(crashModeEnv) == "power"
	if m := os.Getenv(crashModeEnv); m != "" && m != "kill" && !power {
		t.Fatalf("%s=%q: want kill or power", crashModeEnv, m)
	}
	t.Logf("seed %d (RELDB_CRASH_SEED), %d cycles, power loss %v", seed, cycles, power)
	rng := rand.New(rand.NewPCG(seed, seed))
	tmp := t.TempDir()
	dir, keep := filepath.Join(tmp, "db"), filepath.Join(tmp, "keep")
	require.NoError(t, os.Mkdir(dir, 0o700))
	require.NoError(t, os.Mkdir(keep, 0o700))
	acked := map[int64]crashOp{}
	start := time.Now()
	commits, checkpoints, lastSnap := 0, 0, ""
	var pst powerStats
	for cycle := range cycles {
		// Every sync mode writes the record before Commit returns, so each
		// must keep every acknowledged commit through a crash of the
		// process; through a power loss only SyncEveryCommit must.
		mode := engine.SyncMode(cycle % 3)
		ops, plog := runCrashChild(t, dir, keep, power, mode, time.Duration(rng.IntN(40_000))*time.Microsecond)
		if power {
			powerLoss(t, dir, keep, plog, rng, &pst)
		}
		if !power || mode == engine.SyncEveryCommit {
			for _, op := range ops {
				acked[op.id] = op
			}
		}
		commits += len(ops)
		checkCrashState(t, dir, cycle, acked)
		snaps, err := filepath.Glob(filepath.Join(dir, "snapshot-*.reldb"))
		require.NoError(t, err)
		if len(snaps) > 0 && snaps[len(snaps)-1] != lastSnap {
			lastSnap = snaps[len(snaps)-1]
			checkpoints++
		}
	}
	t.Logf("%d cycles, %d acknowledged commits, %d checkpoints seen, %v", cycles, commits, checkpoints, time.Since(start).Round(time.Millisecond))
	if power {
		t.Logf("power losses cut %d bytes from %d files and changed %d directory entries", pst.bytesCut, pst.filesCut, pst.entriesChanged)
	}
}

type crashOp struct {
	id    int64
	kind  string // "insert", "delete", "transfer", "ddl"
	batch int64
}

// runCrashChild starts a child on dir, lets it commit for about d after it
// is ready, kills it, and returns the commits it acknowledged and, with
// power, what it reported durable (keep is its keep directory).
func runCrashChild(t *testing.T, dir, keep string, power bool, mode engine.SyncMode, d time.Duration) ([]crashOp, *powerLog) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrash_KillAndReopen$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+dir, crashSyncEnv+"="+strconv.Itoa(int(mode)))
	if power {
		cmd.Env = append(cmd.Env, crashKeepEnv+"="+keep)
	}
	plog := newPowerLog()
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	r := bufio.NewReader(out)
	for {
		line, err := r.ReadString('\n')
		require.NoError(t, err, "child did not start")
		if line == "ready\n" {
			break
		}
		ok, err := plog.parse(strings.Fields(line))
		require.NoError(t, err)
		require.True(t, ok, "child said %q", line)
	}
	timer := time.AfterFunc(d, func() { _ = cmd.Process.Signal(syscall.SIGKILL) })
	var ops []crashOp
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			require.ErrorIs(t, err, io.EOF) // a cut last line is not an acknowledgement
			break
		}
		f := strings.Fields(line)
		if ok, err := plog.parse(f); ok {
			require.NoError(t, err)
			continue
		}
		require.Len(t, f, 4, "child said %q", line)
		require.Equal(t, "ack", f[0], "child said %q", line)
		id, err1 := strconv.ParseInt(f[1], 10, 64)
		batch, err2 := strconv.ParseInt(f[3], 10, 64)
		require.NoError(t, errors.Join(err1, err2))
		ops = append(ops, crashOp{id: id, kind: f[2], batch: batch})
	}
	timer.Stop()
	_ = cmd.Process.Signal(syscall.SIGKILL)
	err = cmd.Wait()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee, "the child must die by the signal, not exit")
	return ops, plog
}

// checkCrashState reopens dir and checks it against the acknowledged ops.
func checkCrashState(t *testing.T, dir string, cycle int, acked map[int64]crashOp) {
	t.Helper()
	db, err := engine.Open(engine.Options{Dir: dir})
	require.NoError(t, err, "cycle %d: reopen", cycle)
	defer func() { require.NoError(t, db.Close()) }()
	require.NoError(t, db.Check(), "cycle %d", cycle)
	err = db.View(durCtx, func(tx *engine.Tx) error {
		present := map[int64]engine.Record{}
		rows, err := tx.Query("commits").All()
		if err != nil {
			return err
		}
		deleted := map[int64]bool{}
		for _, r := range rows {
			id := r.Get("id").(int64)
			present[id] = r
			if r.Get("kind") == "delete" {
				deleted[r.Get("batch").(int64)] = true
			}
		}
		for id, op := range acked {
			if _, ok := present[id]; !ok {
				return fmt.Errorf("acknowledged commit %d (%s) is missing", id, op.kind)
			}
			if op.kind == "insert" && !deleted[op.batch] {
				if _, err := tx.Get("batches", op.batch); err != nil {
					return fmt.Errorf("acknowledged insert of batch %d: %w", op.batch, err)
				}
			}
		}
		// Batches hold all their items or none.
		batches, err := tx.Query("batches").All()
		if err != nil {
			return err
		}
		for _, b := range batches {
			items, err := tx.Query("items").Where(engine.Eq("batch_id", b.Get("id"))).All()
			if err != nil {
				return err
			}
			var sum apd.Decimal
			for _, it := range items {
				if _, err := apd.BaseContext.Add(&sum, &sum, it.Get("amount").(*apd.Decimal)); err != nil {
					return err
				}
			}
			if int64(len(items)) != b.Get("n").(int64) || sum.Cmp(b.Get("total").(*apd.Decimal)) != 0 {
				return fmt.Errorf("batch %v: %d items totalling %s, want %v totalling %v", b.Get("id"), len(items), &sum, b.Get("n"), b.Get("total"))
			}
		}
		// Transfers keep the total.
		accts, err := tx.Query("accounts").All()
		if err != nil {
			return err
		}
		if len(accts) > 0 {
			var sum apd.Decimal
			for _, a := range accts {
				if _, err := apd.BaseContext.Add(&sum, &sum, a.Get("balance").(*apd.Decimal)); err != nil {
					return err
				}
			}
			want, _, _ := apd.NewFromString(crashBalance)
			if _, err := apd.BaseContext.Mul(want, want, apd.New(crashAccounts, 0)); err != nil {
				return err
			}
			if sum.Cmp(want) != 0 || len(accts) != crashAccounts {
				return fmt.Errorf("%d accounts hold %s, want %d holding %s", len(accts), &sum, crashAccounts, want)
			}
		}
		return nil
	})
	require.NoError(t, err, "cycle %d", cycle)
}

// crashChild commits until it is killed; it never returns.
func crashChild(dir string) {
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "crash child:", err)
		os.Exit(2)
	}
	mode, err := strconv.Atoi(os.Getenv(crashSyncEnv))
	if err != nil {
		fail(err)
	}
	var mu sync.Mutex // one write per line, so a line is never interleaved
	say := func(s string) {
		mu.Lock()
		defer mu.Unlock()
		if _, err := os.Stdout.WriteString(s); err != nil {
			os.Exit(3)
		}
	}
	if keep := os.Getenv(crashKeepEnv); keep != "" {
		o := newPowerObserver(dir, keep, say, fail)
		o.start()
		// Segments of 4 KiB: checkpoints every 16 KiB truncate several.
		durable.SetHooks(&durable.Hooks{Observer: o, SegmentSize: 4 << 10})
	}
	db, err := engine.Open(engine.Options{Dir: dir, CheckpointBytes: 16 << 10, Sync: engine.SyncMode(mode), SyncInterval: time.Millisecond})
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
	say("ready\n")
	var idMu sync.Mutex
	newID := func() int64 {
		idMu.Lock()
		defer idMu.Unlock()
		next++
		return next
	}
	for w := range 4 {
		go func() {
			rng := rand.New(rand.NewPCG(uint64(w), uint64(time.Now().UnixNano())))
			for {
				id := newID()
				kind, batch := "insert", id
				switch p := rng.IntN(100); {
				case p < 20:
					kind, batch = "delete", id-1-rng.Int64N(min(id, 20))
				case p < 55:
					kind, batch = "transfer", 0
				case p < 57:
					kind, batch = "ddl", 0
				}
				err := db.Update(durCtx, func(tx *engine.Tx) error { return crashTx(tx, rng, id, kind, batch) })
				if err != nil && !errors.Is(err, engine.ErrConflict) {
					fail(err)
				}
				if err == nil {
					say(fmt.Sprintf("ack %d %s %d\n", id, kind, batch))
				}
			}
		}()
	}
	select {}
}

func crashSchema(tx *engine.Tx) error {
	for _, tab := range []engine.Table{
		{Name: "commits", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "kind", Type: engine.Text, NotNull: true}, {Name: "batch", Type: engine.Int}}},
		{Name: "batches", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "n", Type: engine.Int, NotNull: true},
			{Name: "total", Type: engine.Decimal, Precision: 12, Scale: 2, NotNull: true}}},
		{Name: "items", PrimaryKey: []string{"batch_id", "seq"}, Columns: []engine.Column{
			{Name: "batch_id", Type: engine.Int}, {Name: "seq", Type: engine.Int},
			{Name: "amount", Type: engine.Decimal, Precision: 10, Scale: 2}}},
		{Name: "accounts", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "balance", Type: engine.Decimal, Precision: 12, Scale: 2}}},
	} {
		if err := tx.CreateTable(tab); err != nil {
			return err
		}
	}
	if err := tx.CreateRelation(engine.Relation{Child: "items", Columns: []string{"batch_id"}, Parent: "batches",
		ParentAs: "batch", ChildrenAs: "items", OnDelete: engine.Cascade}); err != nil {
		return err
	}
	for i := range crashAccounts {
		if _, err := tx.Insert("accounts", engine.Row{"id": i, "balance": crashBalance}); err != nil {
			return err
		}
	}
	return nil
}

// crashTx is one transaction of the child.
func crashTx(tx *engine.Tx, rng *rand.Rand, id int64, kind string, batch int64) error {
	if _, err := tx.Insert("commits", engine.Row{"id": id, "kind": kind, "batch": batch}); err != nil {
		return err
	}
	switch kind {
	case "insert":
		n := 1 + rng.IntN(8)
		var total apd.Decimal
		if _, err := tx.Insert("batches", engine.Row{"id": id, "n": n, "total": "0"}); err != nil {
			return err
		}
		for s := range n {
			amt := apd.New(rng.Int64N(100_000), -2)
			if _, err := apd.BaseContext.Add(&total, &total, amt); err != nil {
				return err
			}
			if _, err := tx.Insert("items", engine.Row{"batch_id": id, "seq": s, "amount": amt}); err != nil {
				return err
			}
		}
		_, err := tx.Update("batches", id, engine.Row{"total": &total})
		return err
	case "delete":
		if err := tx.Delete("batches", batch); err != nil && !errors.Is(err, engine.ErrNotFound) {
			return err
		}
		return nil
	case "transfer":
		from, to := rng.Int64N(crashAccounts), rng.Int64N(crashAccounts)
		amt := apd.New(rng.Int64N(5_000), -2)
		for _, leg := range []struct {
			acct int64
			neg  bool
		}{{from, true}, {to, false}} {
			r, err := tx.Get("accounts", leg.acct)
			if err != nil {
				return err
			}
			var bal apd.Decimal
			op := apd.BaseContext.Add
			if leg.neg {
				op = apd.BaseContext.Sub
			}
			if _, err := op(&bal, r.Get("balance").(*apd.Decimal), amt); err != nil {
				return err
			}
			if _, err := tx.Update("accounts", leg.acct, engine.Row{"balance": &bal}); err != nil {
				return err
			}
		}
		return nil
	case "ddl":
		// Schema changes are logged too: toggle an index on items.
		if err := tx.DropIndex("items", "items_amount_idx"); err == nil {
			return nil
		}
		return tx.CreateIndex("items", engine.Index{Name: "items_amount_idx", Columns: []string{"amount", "batch_id"}})
	}
	return fmt.Errorf("unknown kind %q", kind)
}

// lockChildEnv makes the test binary a child that opens a directory and
// holds it until killed.
const lockChildEnv = "RELDB_LOCK_CHILD"

// TestDB_Open_Durable_LockedByProcess checks that a directory another
// process holds is refused with ErrLocked, and free again once that process
// is killed (the kernel drops its lock).
func TestDB_Open_Durable_LockedByProcess(t *testing.T) {
	if dir := os.Getenv(lockChildEnv); dir != "" {
		if _, err := engine.Open(engine.Options{Dir: dir}); err != nil {
			fmt.Fprintln(os.Stderr, "lock child:", err)
			os.Exit(2)
		}
		fmt.Println("ready")
		select {}
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestDB_Open_Durable_LockedByProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), lockChildEnv+"="+dir)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	line, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, "ready\n", line)

	_, err = engine.Open(engine.Options{Dir: dir})
	require.ErrorIs(t, err, engine.ErrLocked)
	assert.Contains(t, err.Error(), dir)

	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait()
	db, err := engine.Open(engine.Options{Dir: dir})
	require.NoError(t, err)
	require.NoError(t, db.Close())
}
