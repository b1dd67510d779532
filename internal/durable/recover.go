package durable

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/reldb/reldb/index"
	"github.com/reldb/reldb/internal/catalog"
	"github.com/reldb/reldb/txn"
	"github.com/reldb/reldb/wal"
)

// Recovered is a state under reconstruction by recovery: trees nobody else
// sees yet, so they are changed in place. Open returns it finished, for
// the caller to build its oracle on.
type Recovered struct {
	Version uint64                     // the version of the last recovered commit
	Trees   map[txn.TreeID]*index.Tree // every table's and index's tree, and the catalog's
	// logIndex is the log index of the snapshot's version (0 without a
	// snapshot, or from a snapshot of format 2 or older).
	logIndex  uint64
	defs      []*catalog.Table
	byPrimary map[txn.TreeID]*catalog.Table

	// Rows, keys and items come from slabs: loading a million rows
	// allocates thousands of chunks instead of millions of objects.
	rows    catalog.RowSlab
	keys    catalog.KeyArena
	items   []index.Item
	scratch []byte
	pending []pendingIndex
}

type pendingIndex struct {
	t  *catalog.Table
	ix *catalog.Index
}

// item returns an index item carved from the store's slab, in chunks of
// 1,706 items: 40,944 bytes, a large object of five pages all but whole.
func (s *Recovered) item(key []byte, box *[]any) *index.Item {
	if len(s.items) == cap(s.items) {
		s.items = make([]index.Item, 0, 1706)
	}
	s.items = s.items[:len(s.items)+1]
	it := &s.items[len(s.items)-1]
	it.Set(key, box)
	return it
}

func newStore() *Recovered {
	return &Recovered{Trees: map[txn.TreeID]*index.Tree{catalog.CatalogTree: index.NewTree()}, byPrimary: map[txn.TreeID]*catalog.Table{}}
}

// setCatalog replaces the catalog: trees no table uses any more go, new
// tables get empty trees, and new indexes of existing tables are filled
// from their rows. A table keeps its sequence, also when it moved to new
// trees under the same name.
func (s *Recovered) setCatalog(defs []*catalog.Table) error {
	s.pending = s.pending[:0]
	keep := map[txn.TreeID]bool{catalog.CatalogTree: true}
	for _, t := range defs {
		keep[t.Primary] = true
		for _, ix := range t.Indexes {
			keep[ix.Tree] = true
		}
	}
	for id := range s.Trees {
		if !keep[id] {
			delete(s.Trees, id)
		}
	}
	old := s.byPrimary
	oldByName := make(map[string]*catalog.Table, len(old))
	for _, t := range old {
		oldByName[t.Name] = t
	}
	s.byPrimary = make(map[txn.TreeID]*catalog.Table, len(defs))
	cat := index.NewTree()
	for _, t := range defs {
		if prev := old[t.Primary]; prev != nil {
			t.Seq = prev.Seq
		} else if prev := oldByName[t.Name]; prev != nil && !keep[prev.Primary] {
			// Rebuilt into new trees (ADD or DROP COLUMN): the sequence
			// goes on, even when no row carried its value in the record.
			// A table dropped and created again in one commit inherits it
			// too, which leaves a gap in its keys, never a repeat.
			t.Seq = prev.Seq
		}
		primary := s.Trees[t.Primary]
		if primary == nil {
			primary = t.EmptyTree(t.Primary)
			s.Trees[t.Primary] = primary
		}
		for _, ix := range t.Indexes {
			if s.Trees[ix.Tree] != nil {
				continue
			}
			s.Trees[ix.Tree] = t.EmptyTree(ix.Tree)
			s.pending = append(s.pending, pendingIndex{t, ix})
		}
		cat.Put(index.Entry{Key: catalog.CatalogKey(t.Name), Val: catalog.TableVal(t)})
		s.byPrimary[t.Primary] = t
	}
	s.Trees[catalog.CatalogTree] = cat
	s.defs = defs
	return nil
}

// fillNew fills the index trees that setCatalog created empty, from the rows
// as they are now.
func (s *Recovered) fillNew() {
	for _, p := range s.pending {
		t, ix := p.t, p.ix
		it := s.Trees[ix.Tree]
		s.Trees[t.Primary].Ascend(nil, nil, func(e index.Entry) bool {
			it.Put(index.Entry{Key: t.AppendIndexKey(nil, ix, catalog.RowOf(e.Val), e.Key), Val: e.Val})
			return true
		})
	}
	s.pending = s.pending[:0]
}

// checkRow reports a row that does not fit its table as corruption.
func checkRow(t *catalog.Table, row []any) error {
	if len(row) != len(t.Cols) {
		return fmt.Errorf("%w: table %q: row of %d values, want %d", ErrCorrupt, t.Name, len(row), len(t.Cols))
	}
	for i, v := range row {
		c := &t.Cols[i]
		if v == nil {
			if c.NotNull {
				return fmt.Errorf("%w: table %q column %q: NULL in a NOT NULL column", ErrCorrupt, t.Name, c.Name)
			}
			continue
		}
		if !valueFits(c.Type, v) {
			return fmt.Errorf("%w: table %q column %q: value of type %T", ErrCorrupt, t.Name, c.Name, v)
		}
		// A decoded value must be what a write would have stored: valid
		// text, a time in range, a decimal at its column's scale.
		got, err := catalog.Coerce(c, v)
		if err == nil && (index.Compare(got, v) != 0 || catalog.FormatValue(got) != catalog.FormatValue(v)) {
			err = fmt.Errorf("not in stored form: %s, stored as %s", catalog.FormatValue(v), catalog.FormatValue(got))
		}
		if err != nil {
			return fmt.Errorf("%w: table %q column %q: %w", ErrCorrupt, t.Name, c.Name, err)
		}
	}
	for _, p := range t.PK {
		if row[p] == nil {
			return fmt.Errorf("%w: table %q: NULL in the primary key", ErrCorrupt, t.Name)
		}
	}
	return nil
}

// mergeCatalog returns the catalog after a schema change logged as what
// changed (format 3): the current tables less those dropped, with those
// created or changed put in, in key order. The relations and many-to-many
// relations a changed table shares with an unchanged one are made one
// again, the changed table's copy standing for both, and the result is
// checked as decodeCatalog checks a whole catalog: every tree used once,
// every relation between tables that exist.
func (s *Recovered) mergeCatalog(dropped []string, changed []*catalog.Table) ([]*catalog.Table, error) {
	byName := make(map[string]*catalog.Table, len(s.defs)+len(changed))
	for _, t := range s.defs {
		byName[t.Name] = t
	}
	for _, name := range dropped {
		if byName[name] == nil {
			return nil, fmt.Errorf("%w: schema change drops table %q, which does not exist", ErrCorrupt, name)
		}
		delete(byName, name)
	}
	fks := map[uint64]*catalog.FK{}
	m2ms := map[string]*catalog.ManyToMany{}
	isNew := make(map[*catalog.Table]bool, len(changed))
	for _, t := range changed {
		byName[t.Name] = t
		isNew[t] = true
		for _, list := range [][]*catalog.FK{t.FKs, t.Refs} {
			for _, fk := range list {
				fks[fk.Seq] = fk
			}
		}
		for _, m := range t.M2M {
			m2ms[m.Name] = m
		}
	}
	defs := make([]*catalog.Table, 0, len(byName))
	for _, t := range byName {
		if !isNew[t] {
			t = relink(t, fks, m2ms)
		}
		defs = append(defs, t)
	}
	slices.SortFunc(defs, func(a, b *catalog.Table) int {
		return bytes.Compare(catalog.CatalogKey(a.Name), catalog.CatalogKey(b.Name))
	})
	trees := map[txn.TreeID]bool{catalog.CatalogTree: true}
	use := func(id txn.TreeID, table string) error {
		if trees[id] {
			return fmt.Errorf("%w: tree %d of table %q is used twice", ErrCorrupt, id, table)
		}
		trees[id] = true
		return nil
	}
	var all []*catalog.FK
	seen := map[*catalog.FK]bool{}
	for _, t := range defs {
		if err := use(t.Primary, t.Name); err != nil {
			return nil, err
		}
		for _, ix := range t.Indexes {
			if err := use(ix.Tree, t.Name); err != nil {
				return nil, err
			}
		}
		for _, list := range [][]*catalog.FK{t.FKs, t.Refs} {
			for _, fk := range list {
				if !seen[fk] {
					seen[fk] = true
					all = append(all, fk)
				}
			}
		}
	}
	if err := checkRelations(all, byName, trees); err != "" {
		return nil, fmt.Errorf("%w: schema change: %s", ErrCorrupt, err)
	}
	return defs, nil
}

// relink returns t with the relations and many-to-many relations found in
// fks (by sequence) and m2ms (by name) in place of its own copies: a copy
// of t if any was replaced, t itself if none was.
func relink(t *catalog.Table, fks map[uint64]*catalog.FK, m2ms map[string]*catalog.ManyToMany) *catalog.Table {
	var out *catalog.Table
	own := func() *catalog.Table {
		if out == nil {
			c := *t
			c.FKs, c.Refs, c.M2M = slices.Clone(t.FKs), slices.Clone(t.Refs), slices.Clone(t.M2M)
			out = &c
		}
		return out
	}
	for i, fk := range t.FKs {
		if n := fks[fk.Seq]; n != nil && n != fk {
			own().FKs[i] = n
		}
	}
	for i, fk := range t.Refs {
		if n := fks[fk.Seq]; n != nil && n != fk {
			own().Refs[i] = n
		}
	}
	for i, m := range t.M2M {
		if n := m2ms[m.Name]; n != nil && n != m {
			own().M2M[i] = n
		}
	}
	if out == nil {
		return t
	}
	return out
}

// insert stores a row in its table's primary tree and indexes.
func (s *Recovered) insert(t *catalog.Table, row []any) {
	// The primary key shares its bytes with an index's key, as a live
	// insert's does (engine's insertRow).
	var shared *catalog.Index
	var pkAt, ixLen int
	s.scratch, shared, pkAt, ixLen = t.AppendRowKeys(s.scratch[:0], row)
	keys := s.keys.Own(s.scratch)
	k := keys[pkAt:]
	if len(row) == len(t.Cols) {
		// Into a row block, as a live insert's row goes (catalog's
		// pack.go): the decoded row's cells are left behind.
		vals := s.rows.AllocRow(t)
		copy(vals, row)
		row = vals
	}
	pe := s.rows.Entry(k, row)
	s.rows.Pack()
	box := pe.Val()
	s.Trees[t.Primary].PutItem(pe)
	for _, ix := range t.Indexes {
		if ix == shared {
			s.Trees[ix.Tree].PutItem(s.item(keys[:ixLen:ixLen], box))
			continue
		}
		s.scratch = t.AppendIndexKey(s.scratch[:0], ix, row, k)
		s.Trees[ix.Tree].PutItem(s.item(s.keys.Own(s.scratch), box))
	}
}

// unindex removes a stored row's index entries.
func (s *Recovered) unindex(t *catalog.Table, row []any, pk []byte) {
	for _, ix := range t.Indexes {
		s.scratch = t.AppendIndexKey(s.scratch[:0], ix, row, pk)
		s.Trees[ix.Tree].DeleteItem(s.scratch)
	}
}

// apply replays one commit: the schema first (so rows go to the indexes of
// the new schema), then every removal and then every insertion, so that a
// unique value moving from one row to another never meets itself.
func (s *Recovered) apply(r *commitRecord) error {
	if r.schema {
		defs := r.catalog
		if r.delta {
			var err error
			if defs, err = s.mergeCatalog(r.dropped, r.changed); err != nil {
				return err
			}
		}
		if err := s.setCatalog(defs); err != nil {
			return err
		}
	}
	for _, tc := range r.tables {
		t := s.byPrimary[tc.primary]
		if t == nil {
			return fmt.Errorf("%w: changes to tree %d, which is no table's", ErrCorrupt, tc.primary)
		}
		if tc.restart {
			// A sequence of its own, from 1 again (the new schema's
			// definition may share the old one's).
			t.Seq = new(atomic.Int64)
		}
		t.AdvanceSeq(tc.seq)
		p := s.Trees[t.Primary]
		for _, k := range tc.deletes {
			if e, ok := p.Delete(k); ok {
				s.unindex(t, catalog.RowOf(e.Val), e.Key)
			}
		}
		for _, row := range tc.puts {
			if err := checkRow(t, row); err != nil {
				return err
			}
			s.scratch = catalog.AppendCols(s.scratch[:0], row, t.PK)
			if e, ok := p.Get(s.scratch); ok {
				s.unindex(t, catalog.RowOf(e.Val), e.Key)
			}
		}
	}
	for _, tc := range r.tables {
		t := s.byPrimary[tc.primary]
		for _, row := range tc.puts {
			s.insert(t, row)
		}
	}
	s.fillNew()
	s.Version = r.version
	return nil
}

// applySequences replays the sequences of a record of the version just
// recovered: those Close logged (see Store.encodeSequences), or those of
// a commit that a snapshot already holds, which cannot be ahead of it. A
// sequence only moves forward.
func (s *Recovered) applySequences(r *commitRecord) error {
	for _, tc := range r.tables {
		t := s.byPrimary[tc.primary]
		if t == nil {
			return fmt.Errorf("%w: sequence of tree %d, which is no table's", ErrCorrupt, tc.primary)
		}
		t.AdvanceSeq(tc.seq)
	}
	return nil
}

// Finish returns the largest tree or relation ID in use, for the DB's
// counter, moves every auto-increment sequence past its table's largest
// key, and compacts the large trees.
func (s *Recovered) Finish() uint64 {
	var top uint64
	for _, t := range s.defs {
		top = max(top, uint64(t.Primary))
		for _, ix := range t.Indexes {
			top = max(top, uint64(ix.Tree))
		}
		for _, fk := range t.FKs {
			top = max(top, fk.Seq)
		}
		if t.AutoInc >= 0 {
			s.Trees[t.Primary].Descend(nil, nil, func(e index.Entry) bool {
				if id, ok := catalog.RowOf(e.Val)[t.AutoInc].(int64); ok {
					t.AdvanceSeq(id)
				}
				return false
			})
		}
	}
	// A snapshot file's rows, and the index entries made from them, went
	// in in ascending key order, which leaves the nodes half empty.
	for id, tr := range s.Trees {
		if tr.Len() >= compactLen {
			s.Trees[id] = tr.Compact()
		}
	}
	return top
}

// compactLen is the fewest entries of a recovered tree that Finish
// compacts (index.Tree.Compact).
const compactLen = 4096

// Open locks and recovers the directory of cfg: the newest
// snapshot file, then every later record of the log. On error it leaves
// nothing open.
func Open(cfg Config) (_ *Store, _ *Recovered, err error) {
	dir := cfg.Dir
	if cfg.ReadOnly {
		if !hasIdentity(dir) {
			if _, err := os.Stat(dir); err != nil {
				return nil, nil, fmt.Errorf("open %s read-only: %w", dir, err)
			}
			return nil, nil, fmt.Errorf("open %s read-only: %w: no %s", dir, ErrNotDatabase, identityName)
		}
	} else if err := claimDir(dir); err != nil {
		return nil, nil, fmt.Errorf("open %s: %w", dir, err)
	}
	lock, err := lockDir(dir, cfg.ReadOnly)
	if err != nil {
		return nil, nil, fmt.Errorf("open %s: %w", dir, err)
	}
	defer func() {
		if err != nil {
			_ = unlock(lock)
			lock.Close()
		}
	}()
	s, err := loadNewestSnapshot(dir, cfg.ReadOnly)
	if err != nil {
		return nil, nil, fmt.Errorf("open %s: %w", dir, err)
	}
	wo := wal.Options{SyncMode: cfg.Sync, NoRepair: cfg.NoRepair, RefuseDamagedTail: !cfg.RepairDamagedTail,
		Observer: syncObserver(), SegmentSize: segmentSize()}
	if cfg.Sync == wal.SyncInterval {
		wo.Interval = cfg.SyncInterval
	}
	if cfg.ReadOnly {
		wo = wal.Options{ReadOnly: true, NoRepair: cfg.NoRepair, RefuseDamagedTail: !cfg.RepairDamagedTail}
	}
	log, err := wal.Open(filepath.Join(dir, walDirName), wo)
	if err != nil {
		return nil, nil, fmt.Errorf("open %s: %w", dir, err)
	}
	defer func() {
		if err != nil {
			log.Close()
		}
	}()
	first, err := log.First()
	if err != nil {
		return nil, nil, fmt.Errorf("open %s: %w", dir, err)
	}
	last, err := log.Last()
	if err != nil {
		return nil, nil, fmt.Errorf("open %s: %w", dir, err)
	}
	// The log starts at record 1 until a checkpoint truncates it; a log
	// that starts later needs the snapshot that holds what came before.
	// A snapshot records how far the log went when it was taken: a log
	// that ends before that was removed or cut short, and the commits
	// after the snapshot went with it.
	if s.logIndex > 0 && last < s.logIndex {
		return nil, nil, fmt.Errorf("open %s: %w: the log ends at record %d, but the snapshot of version %d was taken at record %d: the log was removed or cut short, and the commits logged after the snapshot are lost", dir, ErrCorrupt, last, s.Version, s.logIndex)
	}
	if s.Version == 0 && first > 1 {
		return nil, nil, fmt.Errorf("open %s: %w: the log starts at record %d but no snapshot holds the records before it", dir, ErrCorrupt, first)
	}
	_, statErr := os.Stat(filepath.Join(dir, loggedName))
	marked := statErr == nil
	if marked && s.Version == 0 && last == 0 {
		return nil, nil, fmt.Errorf("open %s: %w: the log is empty or missing, but %s says it held commits and no snapshot holds them: the log was removed, and its commits are lost", dir, ErrCorrupt, loggedName)
	}
	var logged int64
	for i := first; i <= last; i++ {
		p, err := log.Read(i)
		if err != nil {
			return nil, nil, fmt.Errorf("open %s: %w", dir, err)
		}
		logged += int64(len(p))
		rec, err := decodeCommitRows(p, &s.rows)
		if err == nil && rec.version > s.Version+1 {
			err = fmt.Errorf("%w: version %d follows version %d: records are missing", ErrCorrupt, rec.version, s.Version)
		}
		switch {
		case err != nil:
		case rec.version == s.Version+1:
			err = s.apply(rec)
		case rec.version == s.Version:
			// The sequences Close logged, or a commit the snapshot holds.
			err = s.applySequences(rec)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("open %s: log record %d: %w", dir, i, err)
		}
	}
	d := &Store{cfg: cfg, dir: dir, log: log, lock: lock, firstVersion: s.Version, firstIndex: last, logged: marked}
	d.Hook = d.logCommit
	d.mu.cond.L = &d.mu.Mutex
	d.mu.queued, d.mu.written = s.Version, s.Version
	d.mu.since = logged // the log left by earlier runs counts towards a checkpoint
	d.enc.seqs = make(map[*atomic.Int64]int64, len(s.defs))
	for _, t := range s.defs {
		d.enc.seqs[t.Seq] = t.Seq.Load()
	}
	d.setCatalogTree(s.Trees[catalog.CatalogTree], nil)
	return d, s, nil
}

const (
	snapshotPrefix = "snapshot-"
	snapshotSuffix = ".reldb"
	tmpSuffix      = ".tmp"
)

// snapshotName returns the file name of the snapshot of version v.
func snapshotName(v uint64) string {
	return fmt.Sprintf("%s%020d%s", snapshotPrefix, v, snapshotSuffix)
}

// isSnapshotName reports whether name is one snapshotName returns; other
// files in the directory are left alone.
func isSnapshotName(name string) bool {
	rest, okPrefix := strings.CutPrefix(name, snapshotPrefix)
	digits, okSuffix := strings.CutSuffix(rest, snapshotSuffix)
	if !okPrefix || !okSuffix || len(digits) != 20 {
		return false
	}
	_, err := strconv.ParseUint(digits, 10, 64)
	return err == nil
}

// loadNewestSnapshot loads the snapshot file with the highest version, or
// returns an empty store if there is none. Unless readOnly, it removes
// temporary files left by an interrupted checkpoint, and older snapshot
// files left by one interrupted after its rename.
func loadNewestSnapshot(dir string, readOnly bool) (*Recovered, error) {
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var snaps []string
	for _, de := range des {
		name := de.Name()
		switch {
		case isSnapshotName(strings.TrimSuffix(name, tmpSuffix)) && strings.HasSuffix(name, tmpSuffix):
			if readOnly {
				continue
			}
			if err := os.Remove(filepath.Join(dir, name)); err != nil {
				return nil, err
			}
		case isSnapshotName(name):
			snaps = append(snaps, name) // ReadDir sorts by name: by version
		}
	}
	if len(snaps) == 0 {
		return newStore(), nil
	}
	newest := snaps[len(snaps)-1]
	s, err := readSnapshot(filepath.Join(dir, newest))
	if err != nil {
		return nil, err
	}
	if readOnly {
		return s, nil
	}
	var errs []error
	for _, old := range snaps[:len(snaps)-1] {
		errs = append(errs, os.Remove(filepath.Join(dir, old)))
	}
	return s, errors.Join(errs...)
}

// claimDir makes sure dir is a reldb database directory: one holding the
// identity file, or a missing or empty one, which it makes a database by
// writing that file. A directory holding anything else is refused with
// ErrNotDatabase, so that a wrong path never has a log written into it.
func claimDir(dir string) error {
	_, statErr := os.Stat(dir)
	if err := os.MkdirAll(dir, dirPerm); err != nil {
		return err
	}
	if errors.Is(statErr, fs.ErrNotExist) {
		// A new directory survives a power loss only once its parent's
		// entry for it is synced.
		if err := syncDir(filepath.Dir(filepath.Clean(dir))); err != nil {
			return err
		}
	}
	if hasIdentity(dir) {
		return nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("%w: the directory holds files but no %s", ErrNotDatabase, identityName)
	}
	f, err := os.OpenFile(filepath.Join(dir, identityName), os.O_WRONLY|os.O_CREATE|os.O_EXCL, filePerm)
	if err != nil {
		return err
	}
	_, err = f.WriteString(identityText)
	if err == nil {
		err = f.Sync()
	}
	if err == nil {
		fileSynced(filepath.Join(dir, identityName), int64(len(identityText)))
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = syncDir(dir)
	}
	return err
}

// hasIdentity reports whether dir holds the file that marks a database.
func hasIdentity(dir string) bool {
	info, err := os.Stat(filepath.Join(dir, identityName))
	return err == nil && info.Mode().IsRegular()
}
