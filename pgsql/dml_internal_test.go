package pgsql

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestCommandTag ensures the tags made once and the tags made per call
// read alike, on both sides of the boundary between them.
func TestCommandTag(t *testing.T) {
	for _, c := range []struct {
		verb tagVerb
		n    int64
		want string
	}{
		{tagSelect, 0, "SELECT 0"},
		{tagSelect, 15, "SELECT 15"},
		{tagSelect, 16, "SELECT 16"},
		{tagInsert, 1, "INSERT 0 1"},
		{tagInsert, 1_000_000, "INSERT 0 1000000"},
		{tagUpdate, 3, "UPDATE 3"},
		{tagDelete, 0, "DELETE 0"},
		{tagDelete, 17, "DELETE 17"},
	} {
		assert.Equal(t, c.want, commandTag(c.verb, c.n))
	}
}
