package index

import (
	"bytes"
	"fmt"
)

// SkipValues returns the length of the encoding of the first n values of
// key, so that key[SkipValues(key, n):] is what follows them — in a
// secondary index entry, the primary key. It does not allocate and does not
// check that the values are canonical (DecodeValue does). It returns an
// error wrapping ErrBadKey if key holds fewer than n values.
func SkipValues(key []byte, n int) (int, error) {
	off := 0
	for i := 0; i < n; i++ {
		w, err := valueWidth(key[off:])
		if err != nil {
			return 0, fmt.Errorf("value %d: %w", i, badKey(off, err.Error()))
		}
		off += w
	}
	return off, nil
}

// valueWidth returns the length of the encoded value at the start of b.
func valueWidth(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, fmt.Errorf("missing type tag")
	}
	fixed := 0
	if n, ok := intWidth(b[0]); ok {
		if len(b) < 1+n {
			return 0, fmt.Errorf("truncated value")
		}
		return 1 + n, nil
	}
	switch b[0] {
	case tagNull:
		return 1, nil
	case tagBool:
		fixed = 1
	case tagFloat:
		fixed = 8
	case tagTime:
		fixed = 12
	case tagText, tagBytes:
		// 0x00 is always followed by escByte or endByte; endByte ends it.
		for i := 1; ; {
			j := bytes.IndexByte(b[i:], 0)
			if j < 0 || i+j+1 >= len(b) {
				return 0, fmt.Errorf("unterminated string")
			}
			i += j + 2
			if b[i-1] == endByte {
				return i, nil
			}
		}
	case tagDecimal:
		if len(b) < 2 {
			return 0, fmt.Errorf("truncated decimal")
		}
		if b[1] != decNeg && b[1] != decPos {
			return 2, nil
		}
		// Class, 8 exponent bytes, digit pairs, terminator (inverted for
		// negatives).
		term := byte(0)
		if b[1] == decNeg {
			term = 0xFF
		}
		if len(b) < 11 {
			return 0, fmt.Errorf("truncated decimal")
		}
		j := bytes.IndexByte(b[10:], term)
		if j < 0 {
			return 0, fmt.Errorf("unterminated decimal")
		}
		return 10 + j + 1, nil
	default:
		return 0, fmt.Errorf("unknown type tag %#02x", b[0])
	}
	if len(b) < 1+fixed {
		return 0, fmt.Errorf("truncated value")
	}
	return 1 + fixed, nil
}
