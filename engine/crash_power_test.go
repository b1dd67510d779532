package engine_test

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// The power-loss mode of the crash test (RELDB_CRASH_MODE=power, `make
// crash-power`). A SIGKILL loses only what the child had not yet written to
// the operating system; a power loss also loses what was written but not
// fsynced, and directory entries (files created, renamed, removed) whose
// directory was not fsynced since. So the child reports, as it happens,
// every step that makes something durable — the synced length of a file,
// a directory whose entries were synced — through durable.Hooks.Observer,
// which sees durable's own fsyncs and, through wal.Options.Observer, the
// log's (tidwall's fsyncs reported at the wal call that made tidwall sync).
// A report reaches the parent before the call that made the data durable
// returns, so before any commit relying on it is acknowledged.
//
// The child hard-links each file it reports into a keep directory, so that
// the parent still has the content of a file removed after its entry was
// synced (a log segment a checkpoint truncated away) and no inode number is
// reused during a cycle. After the kill the parent rebuilds the directory
// as a power loss could leave it:
//
//   - each directory holds the entries of its last sync, or its entries at
//     the kill (every later change persisted), or, entry by entry, either
//     (changes persisted in any order);
//   - each file holds its synced length, plus a random part of what was
//     written after its last sync: none, all, or a prefix;
//
// and the usual checks run on it: it opens, DB.Check passes, and every
// commit acknowledged under SyncEveryCommit is there. Commits acknowledged
// under the other sync modes may be lost by a power loss, so in those
// cycles only the consistency of what opens is checked.
const (
	crashModeEnv = "RELDB_CRASH_MODE" // "kill" (the default) or "power"
	crashKeepEnv = "RELDB_CRASH_KEEP" // the child's keep directory, in power mode
)

// powerObserver is the child's wal.SyncObserver: it reports each durable
// step on the child's output, as "file <inode> <size>" and
// "dir <relative path> [<name> <inode> <f|d>]...".
type powerObserver struct {
	root, keep string
	say        func(string)
	fail       func(error)
	mu         sync.Mutex
	linked     map[uint64]bool // inodes linked into keep
}

func newPowerObserver(root, keep string, say func(string), fail func(error)) *powerObserver {
	return &powerObserver{root: root, keep: keep, say: say, fail: fail, linked: map[uint64]bool{}}
}

// start reports everything under root as durable: the parent left it as a
// power loss would, and a reboot makes what survived durable.
func (o *powerObserver) start() {
	err := filepath.WalkDir(o.root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			o.DirSynced(path)
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		o.FileSynced(path, fi.Size())
		return nil
	})
	if err != nil {
		o.fail(err)
	}
}

func (o *powerObserver) FileSynced(path string, size int64) {
	if _, ok := o.rel(path); !ok {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	ino, err := o.linkLocked(path)
	if err != nil {
		o.fail(err)
	}
	o.say(fmt.Sprintf("file %d %d\n", ino, size))
}

func (o *powerObserver) DirSynced(dir string) {
	rel, ok := o.rel(dir)
	if !ok {
		return // a parent of the database's directory
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	des, err := os.ReadDir(dir)
	if err != nil {
		o.fail(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "dir %s", rel)
	for _, de := range des {
		if de.IsDir() {
			fmt.Fprintf(&b, " %s 0 d", de.Name())
			continue
		}
		ino, err := o.linkLocked(filepath.Join(dir, de.Name()))
		if os.IsNotExist(err) {
			continue // removed since the sync, by another goroutine
		}
		if err != nil {
			o.fail(err)
		}
		fmt.Fprintf(&b, " %s %d f", de.Name(), ino)
	}
	b.WriteByte('\n')
	o.say(b.String())
}

// rel returns path relative to the database's directory, if it is in it.
func (o *powerObserver) rel(path string) (string, bool) {
	rel, err := filepath.Rel(o.root, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return rel, true
}

// linkLocked returns the inode of the file at path, hard-linked into keep.
//
// REQUIRES: o.mu held.
func (o *powerObserver) linkLocked(path string) (uint64, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	ino := fi.Sys().(*syscall.Stat_t).Ino
	if o.linked[ino] {
		return ino, nil
	}
	if err := os.Link(path, filepath.Join(o.keep, strconv.FormatUint(ino, 10))); err != nil && !os.IsExist(err) {
		return 0, err
	}
	o.linked[ino] = true
	return ino, nil
}

// powerLog is what the parent learnt of a cycle's durable steps: the last
// report of each, so the state a power loss keeps.
type powerLog struct {
	synced map[uint64]int64        // inode -> durable length
	dirs   map[string][]powerEntry // relative directory -> entries at its last sync
}

type powerEntry struct {
	name string
	ino  uint64
	dir  bool
}

func newPowerLog() *powerLog {
	return &powerLog{synced: map[uint64]int64{}, dirs: map[string][]powerEntry{}}
}

// parse takes one line of the child's; it reports whether the line was a
// durability report.
func (p *powerLog) parse(f []string) (bool, error) {
	switch {
	case len(f) == 3 && f[0] == "file":
		ino, err1 := strconv.ParseUint(f[1], 10, 64)
		size, err2 := strconv.ParseInt(f[2], 10, 64)
		if err1 != nil || err2 != nil {
			return true, fmt.Errorf("bad report %q", f)
		}
		p.synced[ino] = size
		return true, nil
	case len(f) >= 2 && f[0] == "dir" && (len(f)-2)%3 == 0:
		var es []powerEntry
		for i := 2; i < len(f); i += 3 {
			ino, err := strconv.ParseUint(f[i+1], 10, 64)
			if err != nil {
				return true, fmt.Errorf("bad report %q", f)
			}
			es = append(es, powerEntry{name: f[i], ino: ino, dir: f[i+2] == "d"})
		}
		p.dirs[f[1]] = es
		return true, nil
	}
	return false, nil
}

// powerStats counts what simulated power losses changed, for the log.
type powerStats struct {
	bytesCut, filesCut, entriesChanged int
}

// powerLoss rewrites root as a power loss could have left it, given what
// the child reported durable, and empties keep for the next cycle.
func powerLoss(t *testing.T, root, keep string, p *powerLog, rng *rand.Rand, st *powerStats) {
	t.Helper()
	img := root + ".power"
	require.NoError(t, os.RemoveAll(img))
	require.NoError(t, powerRebuild(root, keep, img, ".", p, rng, st))
	require.NoError(t, os.RemoveAll(root))
	require.NoError(t, os.Rename(img, root))
	require.NoError(t, os.RemoveAll(keep))
	require.NoError(t, os.Mkdir(keep, 0o700))
}

// powerRebuild writes directory rel of root into img as a power loss could
// leave it; without rng, as the worst one leaves it: nothing unsynced kept.
func powerRebuild(root, keep, img, rel string, p *powerLog, rng *rand.Rand, st *powerStats) error {
	if err := os.MkdirAll(filepath.Join(img, rel), 0o700); err != nil {
		return err
	}
	cur := map[string]powerEntry{}
	des, err := os.ReadDir(filepath.Join(root, rel))
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	for _, de := range des {
		e := powerEntry{name: de.Name(), dir: de.IsDir()}
		if !e.dir {
			fi, err := de.Info()
			if err != nil {
				return err
			}
			e.ino = fi.Sys().(*syscall.Stat_t).Ino
		}
		cur[e.name] = e
	}
	// A directory never synced since it was created keeps no entries.
	dur := map[string]powerEntry{}
	for _, e := range p.dirs[rel] {
		dur[e.name] = e
	}
	names := map[string]bool{}
	for n := range cur {
		names[n] = true
	}
	for n := range dur {
		names[n] = true
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	// 0: as last synced, 1: as at the kill, 2: entry by entry. Not entry
	// by entry in the log's directory: tidwall's truncation renames and
	// removes files there with no directory sync in between, which a file
	// system that persists them out of order defeats (wal/doc.go's known
	// limit). Journaling file systems keep their order.
	how := powerPick(rng, 3)
	if rel == "wal" && how == 2 {
		how = 1
	}
	// The last plain segment file at the kill, the only one whose data
	// tidwall may not have synced yet.
	var lastSeg string
	for n := range cur {
		if len(n) == 20 && n > lastSeg {
			lastSeg = n
		}
	}
	for _, n := range sorted {
		d, inD := dur[n]
		c, inC := cur[n]
		e, keepIt := d, inD
		fromKill := false
		if !(inD && inC && d == c) {
			if how == 1 || (how == 2 && powerPick(rng, 2) == 0) {
				e, keepIt, fromKill = c, inC, true
			}
			st.entriesChanged++
		}
		if !keepIt {
			continue
		}
		if e.dir {
			if err := powerRebuild(root, keep, img, filepath.Join(rel, n), p, rng, st); err != nil {
				return err
			}
			continue
		}
		src := filepath.Join(keep, strconv.FormatUint(e.ino, 10))
		if _, err := os.Stat(src); err != nil {
			src = ""
			if inC && c.ino == e.ino {
				src = filepath.Join(root, rel, n) // never synced: only its unsynced data
			}
		}
		synced := p.synced[e.ino]
		if rel == "wal" && (fromKill || how == 1) && (len(n) == 20 && n < lastSeg || strings.HasSuffix(n, ".START") || strings.HasSuffix(n, ".END")) {
			// A log directory as at the kill: tidwall synced each
			// segment file before it started the next, and wrote each
			// .START and .END file whole and synced it before renaming it
			// into place, steps the observer hears of only when the wal
			// call returns.
			synced = -1
		}
		if err := powerFile(src, filepath.Join(img, rel, n), synced, rng, st); err != nil {
			return err
		}
	}
	return nil
}

// powerPick returns a random choice of n; 0, the worst case (what was
// synced, nothing more), without rng.
func powerPick(rng *rand.Rand, n int) int {
	if rng == nil {
		return 0
	}
	return rng.IntN(n)
}

// powerFile writes to dst the first synced bytes of src and a random part
// of the rest, which was written but not synced; synced -1 is all of it.
func powerFile(src, dst string, synced int64, rng *rand.Rand, st *powerStats) error {
	var data []byte
	if src != "" {
		var err error
		if data, err = os.ReadFile(src); err != nil {
			return err
		}
	}
	if synced < 0 {
		synced = int64(len(data))
	}
	if synced > int64(len(data)) {
		return fmt.Errorf("%s: %d bytes synced but %d there", src, synced, len(data))
	}
	n := int64(len(data))
	if unsynced := n - synced; unsynced > 0 {
		switch powerPick(rng, 3) {
		case 0:
			n = synced
		case 1:
			n = synced + rng.Int64N(unsynced+1)
		}
		if n < int64(len(data)) {
			st.filesCut++
			st.bytesCut += len(data) - int(n)
		}
	}
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data[:n])
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
