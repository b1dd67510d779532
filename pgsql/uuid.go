package pgsql

import (
	crand "crypto/rand"
	"encoding/hex"
	"math/rand/v2"
	"strings"
	"sync"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// uuid values are stored as text in PostgreSQL's output form, lower-case
// hex in 8-4-4-4-12 groups: fixed width, so text order is the order of
// the 16 bytes, which is how PostgreSQL orders uuid. Input takes what
// PostgreSQL's takes: either case, optional braces, and a hyphen allowed
// after any group of four digits.

var typUUID = sqlType{kind: kUUID}

// parseUUID reads a uuid in any of PostgreSQL's input forms.
func parseUUID(s string) (any, error) {
	in := s
	if strings.HasPrefix(in, "{") {
		if !strings.HasSuffix(in, "}") {
			return nil, invalidInput(typUUID, s)
		}
		in = in[1 : len(in)-1]
	}
	var raw [16]byte
	digits := 0
	for i := 0; i < len(in); i++ {
		c := in[i]
		if c == '-' {
			// Only after a complete group of four, not at either end and not
			// twice in a row.
			if digits == 0 || digits%4 != 0 || digits == 32 || in[i-1] == '-' {
				return nil, invalidInput(typUUID, s)
			}
			continue
		}
		v, ok := hexDigit(c)
		if !ok || digits == 32 {
			return nil, invalidInput(typUUID, s)
		}
		raw[digits/2] |= v << (4 * (1 - digits%2))
		digits++
	}
	if digits != 32 {
		return nil, invalidInput(typUUID, s)
	}
	return formatUUID(raw), nil
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func formatUUID(b [16]byte) string {
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// uuidFunc evaluates gen_random_uuid(), a version 4 uuid from the
// database's random source; ok is false for another name.
func (ev *evaluator) uuidFunc(name string, nargs int) (v any, t sqlType, ok bool, err error) {
	if name != "gen_random_uuid" || nargs != 0 {
		return nil, typUnknown, false, nil
	}
	if ev.q == nil {
		return nil, typUUID, true, pgerr.Unsupported("function gen_random_uuid in this position")
	}
	var b [16]byte
	randomOf(ev.q.s.db).read(b[:])
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 9562 variant
	return formatUUID(b), typUUID, true, nil
}

// randomSource is a database's source of random values: a ChaCha8 stream,
// seeded from the operating system unless SeedRandom set it. A fork
// continues from a copy of its source's stream, so every fork of a seeded
// template draws the same values, as each starts its sequences alike.
type randomSource struct {
	mu sync.Mutex
	r  *rand.ChaCha8
}

type randomKey struct{}

func randomOf(db *engine.DB) *randomSource {
	return db.Extension(randomKey{}, func() any {
		var seed [32]byte
		_, _ = crand.Read(seed[:]) // never fails on supported platforms
		return &randomSource{r: rand.NewChaCha8(seed)}
	}).(*randomSource)
}

func (s *randomSource) read(p []byte) {
	s.mu.Lock()
	_, _ = s.r.Read(p) // ChaCha8.Read never fails
	s.mu.Unlock()
}

// Fork copies the stream's state.
func (s *randomSource) Fork() any {
	s.mu.Lock()
	defer s.mu.Unlock()
	state, _ := s.r.MarshalBinary()
	r := new(rand.ChaCha8)
	if err := r.UnmarshalBinary(state); err != nil {
		panic("pgsql: copying a ChaCha8 state: " + err.Error())
	}
	return &randomSource{r: r}
}

// SeedRandom makes db's random values — gen_random_uuid() — a
// deterministic stream from seed, for tests whose expected output holds
// generated keys. reldbtest.WithSeed calls it.
func SeedRandom(db *engine.DB, seed [32]byte) {
	s := randomOf(db)
	s.mu.Lock()
	s.r = rand.NewChaCha8(seed)
	s.mu.Unlock()
}
