package txn

import (
	"fmt"
	"testing"

	"github.com/reldb/reldb/index"
	"github.com/stretchr/testify/require"
)

// TestUndoLog_TruncateAcrossChunks checks that records survive and vanish
// exactly at any truncation point, including chunk boundaries.
func TestUndoLog_TruncateAcrossChunks(t *testing.T) {
	for _, cut := range []int{0, 1, logChunk - 1, logChunk, logChunk + 1, 2 * logChunk, 3*logChunk - 5} {
		t.Run(fmt.Sprint(cut), func(t *testing.T) {
			var l undoLog
			const n = 3 * logChunk
			for i := range n {
				l.append(logRec{tree: TreeID(i)})
			}
			require.Equal(t, n, l.len())
			l.truncate(cut)
			require.Equal(t, cut, l.len())
			for i := range cut {
				require.Equal(t, TreeID(i), l.at(i).tree)
			}
			for i := cut; i < cut+logChunk+3; i++ {
				l.append(logRec{tree: TreeID(1_000_000 + i)})
			}
			for i := range l.len() {
				want := TreeID(i)
				if i >= cut {
					want = TreeID(1_000_000 + i)
				}
				require.Equal(t, want, l.at(i).tree, "record %d", i)
			}
		})
	}
}

// TestTxn_RollbackTo_LargeLog undoes a transaction with more writes than
// one log chunk holds, to a mark in the middle of a chunk.
func TestTxn_RollbackTo_LargeLog(t *testing.T) {
	o := NewOracle(map[TreeID]*index.Tree{1: index.NewTree()})
	tx := o.Begin(ReadWrite)
	key := func(i int) []byte { k, _ := index.AppendKey(nil, int64(i)); return k }
	for i := range 1500 {
		tx.Put(1, index.Entry{Key: key(i), Val: box(i)})
	}
	mark := tx.Mark()
	for i := range 3000 {
		if i%2 == 0 {
			tx.Delete(1, key(i%1500))
		} else {
			tx.Put(1, index.Entry{Key: key(i), Val: box(-i)})
		}
	}
	tx.RollbackTo(mark)
	require.Equal(t, 1500, tx.Len(1))
	for i := range 1500 {
		e, ok := tx.Get(1, key(i))
		require.True(t, ok)
		require.Equal(t, i, unbox(e))
	}
	_, err := tx.Commit()
	require.NoError(t, err)
	require.Equal(t, 1500, o.Latest().Tree(1).Len())
}
