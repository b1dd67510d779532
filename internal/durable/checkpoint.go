package durable

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/reldb/reldb/index"
	"github.com/reldb/reldb/internal/catalog"
	"github.com/reldb/reldb/txn"
	"github.com/reldb/reldb/wal"
)

// A snapshot file holds one committed state, all of it:
//
//	magic "reldbsnp", format byte (snapshotFormat)
//	uvarint version
//	uvarint the log index of that version's record (format 3 on): the log
//	must hold records up to it, or it was removed or cut short
//	the catalog (appendCatalog)
//	for each table, in catalog order: uvarint auto-increment sequence
//	(format 2 on), uvarint row count, then the rows
//	CRC32C (Castagnoli) of everything before it, 4 bytes little-endian
//
// Indexes are not stored: loading rebuilds them from the rows.
const (
	snapshotMagic  = "reldbsnp"
	snapshotFormat = 3 // formats 1 (no sequences) and 2 (no log index) are still read
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Checkpoint writes the latest snapshot to a file and truncates the log in
// front of it (see engine.DB.Checkpoint); it returns ErrClosed after Close.
func (d *Store) Checkpoint() error {
	d.ckptMu.Lock()
	defer d.ckptMu.Unlock()
	d.mu.Lock()
	closed, broken := d.mu.closed, d.mu.err
	d.mu.since = 0
	d.mu.Unlock()
	if closed {
		return ErrClosed
	}
	if broken != nil {
		// The log failed: memory may hold a commit the log lacks, whose
		// Commit returned an error. Do not make it durable now.
		return fmt.Errorf("checkpoint: %w", broken)
	}
	snap := d.cfg.Latest()
	v := snap.Version()
	// The records up to v must be in the log before the log in front of
	// them can go (and a snapshot of v is only ever read with them gone).
	if err := d.Wait(v); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	// And durable, in every sync mode, before the snapshot that says the
	// log reaches them: a power loss that kept the snapshot and lost them
	// would make the log look cut short.
	if d.cfg.Sync != wal.SyncEveryCommit {
		if err := d.log.Sync(); err != nil {
			return fmt.Errorf("checkpoint: %w", err)
		}
	}
	name := snapshotName(v)
	if _, err := writeSnapshot(d.dir, name, snap, v-d.firstVersion+d.firstIndex); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	if err := removeSnapshotsBefore(d.dir, name); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	if err := d.log.TruncateFront(v - d.firstVersion + d.firstIndex + 1); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

// writeSnapshot writes snap to dir/name atomically and returns its size.
func writeSnapshot(dir, name string, snap *txn.Snapshot, logIndex uint64) (size int64, err error) {
	tmp := filepath.Join(dir, name+tmpSuffix)
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, filePerm)
	if err != nil {
		return 0, err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	h := crc32.New(castagnoli)
	cw := &countWriter{w: io.MultiWriter(f, h)}
	w := bufio.NewWriterSize(cw, 1<<20)
	var defs []*catalog.Table
	catalog.EachTable(snap, func(t *catalog.Table) { defs = append(defs, t) })
	e := enc{b: append([]byte(snapshotMagic), snapshotFormat)}
	e.uvarint(snap.Version())
	e.uvarint(logIndex)
	appendCatalog(&e, defs)
	for _, t := range defs {
		tree := snap.Tree(t.Primary)
		e.uvarint(uint64(max(t.Seq.Load(), 0)))
		e.uvarint(uint64(tree.Len()))
		tree.Ascend(nil, nil, func(ent index.Entry) bool {
			e.row(catalog.RowOf(ent.Val))
			if len(e.b) >= 64<<10 {
				_, err = w.Write(e.b)
				e.b = e.b[:0]
			}
			return err == nil
		})
		if err != nil {
			return 0, err
		}
	}
	if _, err := w.Write(e.b); err != nil {
		return 0, err
	}
	if err := w.Flush(); err != nil {
		return 0, err
	}
	if _, err := f.Write(binary.LittleEndian.AppendUint32(nil, h.Sum32())); err != nil {
		return 0, err
	}
	if err := f.Sync(); err != nil {
		return 0, err
	}
	fileSynced(tmp, cw.n+4)
	if err := f.Close(); err != nil {
		return 0, err
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		return 0, err
	}
	return cw.n + 4, syncDir(dir)
}

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n int64
}

// Write writes p and counts it.
func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		dirSynced(dir)
	}
	return err
}

// removeSnapshotsBefore removes the snapshot files older than name.
func removeSnapshotsBefore(dir, name string) error {
	des, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, de := range des {
		n := de.Name()
		if isSnapshotName(n) && n < name {
			if err := os.Remove(filepath.Join(dir, n)); err != nil {
				return err
			}
		}
	}
	return nil
}

// readSnapshot loads a snapshot file. Returns an error wrapping ErrCorrupt,
// naming the file, if it fails its checksum or does not decode.
func readSnapshot(path string) (*Recovered, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s, err := decodeSnapshot(b)
	if err != nil {
		return nil, fmt.Errorf("snapshot %s: %w", path, err)
	}
	return s, nil
}

// decodeSnapshot rebuilds a state from a snapshot file's bytes.
func decodeSnapshot(b []byte) (*Recovered, error) {
	head := len(snapshotMagic) + 1
	if len(b) < head+4 || !bytes.Equal(b[:len(snapshotMagic)], []byte(snapshotMagic)) {
		return nil, fmt.Errorf("%w: not a snapshot file", ErrCorrupt)
	}
	format := b[len(snapshotMagic)]
	if format < 1 || format > snapshotFormat {
		return nil, fmt.Errorf("%w: unknown snapshot format %d", ErrCorrupt, format)
	}
	body := b[:len(b)-4]
	if want, got := binary.LittleEndian.Uint32(b[len(b)-4:]), crc32.Checksum(body, castagnoli); want != got {
		return nil, fmt.Errorf("%w: checksum mismatch: stored %08x, computed %08x", ErrCorrupt, want, got)
	}
	d := newDec(body[head:])
	s := newStore()
	d.slab = &s.rows
	s.Version = d.uvarint()
	if format >= 3 {
		s.logIndex = d.uvarint()
	}
	defs := decodeCatalog(d, false)
	if d.err != nil {
		return nil, d.err
	}
	if err := s.setCatalog(defs); err != nil {
		return nil, err
	}
	for _, t := range defs {
		if format >= 2 {
			if seq := int64(min(d.uvarint(), math.MaxInt64)); seq > t.Seq.Load() {
				t.Seq.Store(seq)
			}
		}
		n := d.count(1)
		for range n {
			row := d.row()
			if d.err != nil {
				return nil, d.err
			}
			if err := checkRow(t, row); err != nil {
				return nil, err
			}
			s.insert(t, row)
		}
	}
	if d.err == nil && len(d.b) != 0 {
		d.fail("%d bytes after the rows", len(d.b))
	}
	if d.err != nil {
		return nil, d.err
	}
	return s, nil
}
