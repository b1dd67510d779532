package pgsql

import (
	"crypto/md5"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
)

// The digests PostgreSQL has without pgcrypto: sha224, sha256, sha384
// and sha512 of a bytea, each a bytea, and md5 of a bytea, its hex text
// (md5 of a text is textfuncs.go's). All are strict.

// digestFunc computes one of the digests; ok is false for another name,
// or for md5 of anything but a bytea.
func digestFunc(name string, vals []any, types []sqlType) (v any, t sqlType, ok bool, err error) {
	var sum func([]byte) []byte
	switch name {
	case "sha224":
		sum = func(b []byte) []byte { s := sha256.Sum224(b); return s[:] }
	case "sha256":
		sum = func(b []byte) []byte { s := sha256.Sum256(b); return s[:] }
	case "sha384":
		sum = func(b []byte) []byte { s := sha512.Sum384(b); return s[:] }
	case "sha512":
		sum = func(b []byte) []byte { s := sha512.Sum512(b); return s[:] }
	case "md5":
		if len(vals) != 1 || types[0].kind != kBytea || types[0].array {
			return nil, typText, false, nil
		}
		if vals[0] == nil {
			return nil, typText, true, nil
		}
		s := md5.Sum(vals[0].([]byte))
		return hex.EncodeToString(s[:]), typText, true, nil
	default:
		return nil, typUnknown, false, nil
	}
	if len(vals) != 1 || types[0].array || types[0].kind != kBytea && types[0].kind != kUnknown {
		return nil, typBytea, true, jsonNoFunction(name, types)
	}
	if vals[0] == nil {
		return nil, typBytea, true, nil
	}
	b, ok := vals[0].([]byte)
	if !ok {
		x, err := parseText(typBytea, vals[0].(string)) // an untyped literal
		if err != nil {
			return nil, typBytea, true, err
		}
		b = x.([]byte)
	}
	return sum(b), typBytea, true, nil
}
