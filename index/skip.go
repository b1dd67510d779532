package index

import "fmt"

// SkipValues returns the length of the encoding of the first n values of
// key, so that key[SkipValues(key, n):] is what follows them — in a
// secondary index entry, the primary key. It returns an error wrapping
// ErrBadKey if key holds fewer than n well-formed values.
func SkipValues(key []byte, n int) (int, error) {
	rest := key
	for i := 0; i < n; i++ {
		_, r, err := DecodeValue(rest)
		if err != nil {
			return 0, fmt.Errorf("value %d: %w", i, err)
		}
		rest = r
	}
	return len(key) - len(rest), nil
}
