package catalog

import (
	"fmt"
	"slices"

	"github.com/reldb/reldb/index"
	"github.com/reldb/reldb/txn"
)

// CatalogTree holds the catalog: table name -> *Table.
const CatalogTree txn.TreeID = 0

// Pick returns the values of vals at positions pos.
func Pick(vals []any, pos []int) []any {
	out := make([]any, len(pos))
	for i, p := range pos {
		out[i] = vals[p]
	}
	return out
}

// AppendCols appends the key encoding of the given columns of a row.
func AppendCols(dst []byte, vals []any, pos []int) []byte {
	for _, p := range pos {
		var err error
		dst, err = index.AppendValue(dst, vals[p])
		if err != nil {
			// Stored values are coerced to encodable types on the way in.
			panic(fmt.Sprintf("reldb: encode stored value: %v", err))
		}
	}
	return dst
}

// PKKey returns the primary key of a row.
func (d *Table) PKKey(vals []any) []byte { return AppendCols(nil, vals, d.PK) }

// AppendIndexKey appends a row's entry key in ix, whose primary key is pk.
//
// A non-unique index's key is the indexed columns, then the primary key's
// other columns (ix.Tail), so that equal values still make distinct keys;
// when the indexed columns hold none of the primary key's, that is the
// encoded primary key itself. A unique index's key is the indexed columns
// alone — a second row with the same values has the same key, so inserting
// it finds the first — except when one of them is NULL: NULLs are
// distinct, so such a key carries the tail too.
func (d *Table) AppendIndexKey(dst []byte, ix *Index, vals []any, pk []byte) []byte {
	dst = AppendCols(dst, vals, ix.Cols)
	if ix.Unique {
		for _, p := range ix.Cols {
			if vals[p] == nil {
				return d.appendTail(dst, ix, vals, pk)
			}
		}
		return dst
	}
	return d.appendTail(dst, ix, vals, pk)
}

// appendTail appends the primary key columns of ix.Tail: pk when that is
// all of them.
func (d *Table) appendTail(dst []byte, ix *Index, vals []any, pk []byte) []byte {
	if len(ix.Tail) == len(d.PK) {
		return append(dst, pk...)
	}
	return AppendCols(dst, vals, ix.Tail)
}

// AppendRowKeys appends to dst the bytes of a new row's primary key and,
// where they can share them, of the row's key in one of d's indexes, so
// that a key arena stores them once: the primary key is b[pkAt:] of the
// bytes appended, b, and ix's key (when ix is not nil) is b[:ixLen].
//
// An index whose keys end with the whole primary key (a plain index over
// other columns, as on a foreign key: (author_id, id) over id) shares it
// as its suffix. An index over the primary key's columns rotated (a
// junction's reverse index (right, left) over (left, right)) shares it
// with the leading columns repeated: right, left, right. Otherwise ix is
// nil and b is the primary key alone.
func (d *Table) AppendRowKeys(dst []byte, vals []any) (b []byte, ix *Index, pkAt, ixLen int) {
	start := len(dst)
	for _, x := range d.Indexes {
		if !x.Unique && len(x.Tail) == len(d.PK) {
			b = AppendCols(dst, vals, x.Cols)
			pkAt = len(b) - start
			b = AppendCols(b, vals, d.PK)
			return b, x, pkAt, len(b) - start
		}
		if k := rotation(x.Cols, d.PK); k > 0 {
			// x.Cols is d.PK[k:] then d.PK[:k]: its key, then d.PK[k:]
			// again, ends with the primary key.
			lead := x.Cols[:len(d.PK)-k]
			b = AppendCols(dst, vals, lead)
			pkAt = len(b) - start
			b = AppendCols(b, vals, x.Cols[len(lead):])
			ixLen = len(b) - start
			b = append(b, b[start:start+pkAt]...)
			return b, x, pkAt, ixLen
		}
	}
	return AppendCols(dst, vals, d.PK), nil, 0, 0
}

// rotation returns k in [1, len(pk)) such that cols is pk[k:] then
// pk[:k], or 0 when there is none. An index over cols then has the same
// key for a row whatever it is (unique or not): the columns are the
// primary key's, never NULL, and leave no tail.
func rotation(cols, pk []int) int {
	if len(cols) != len(pk) {
		return 0
	}
	for k := 1; k < len(pk); k++ {
		if slices.Equal(cols[:len(pk)-k], pk[k:]) && slices.Equal(cols[len(pk)-k:], pk[:k]) {
			return k
		}
	}
	return 0
}

// Key is a composite primary key: the values of the key's columns in key
// order. A single-column key is passed as the bare value.
type Key []any

// EncodeKey encodes a primary key given by a caller (a bare value or a
// Key) into buf. It returns ok=false when a key column is NULL: no row
// has such a key.
func (d *Table) EncodeKey(buf []byte, key any) (enc []byte, ok bool, err error) {
	if len(d.PK) == 1 {
		if k, composite := key.(Key); composite && len(k) == 1 {
			key = k[0]
		}
		return d.AppendKeyValue(buf, 0, key)
	}
	parts, isKey := key.(Key)
	if !isKey || len(parts) != len(d.PK) {
		return nil, false, fmt.Errorf("%w: table %q has a %d-column primary key %v, got %v", ErrType, d.Name, len(d.PK), d.ColNames(d.PK), key)
	}
	enc = buf
	for i, v := range parts {
		if enc, ok, err = d.AppendKeyValue(enc, i, v); !ok || err != nil {
			return nil, ok, err
		}
	}
	return enc, true, nil
}

// AppendKeyValue coerces v to the type of primary key column i and appends
// its encoding.
func (d *Table) AppendKeyValue(buf []byte, i int, v any) ([]byte, bool, error) {
	c := &d.Cols[d.PK[i]]
	if c.Type == Int {
		// The common case, without boxing the coerced value.
		if n, isInt := ToInt64(v); isInt {
			return index.AppendInt(buf, n), true, nil
		}
	}
	cv, err := CoerceExact(c, v)
	if err != nil || cv == nil {
		return nil, false, err
	}
	enc, err := index.AppendValue(buf, cv)
	return enc, true, err
}

// KeyParts returns a caller's primary key as a list of values: a Key's
// values, or the bare value alone.
func KeyParts(key any) []any {
	if k, ok := key.(Key); ok {
		return k
	}
	return []any{key}
}

// RenderPK renders a row's primary key as PostgreSQL's error details do.
func (d *Table) RenderPK(vals []any) string {
	return RenderKey(d.ColNames(d.PK), Pick(vals, d.PK))
}
