package parse

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Ensure a hit returns the same statements and the cache stays bounded,
// evicting the least recently used text.
func TestCache_Parse_LRU(t *testing.T) {
	c := NewCache(2)
	a1, err := c.Parse("SELECT 1")
	require.NoError(t, err)
	a2, err := c.Parse("SELECT 1")
	require.NoError(t, err)
	require.Len(t, a2, 1)
	assert.Same(t, a1[0], a2[0], "a hit shares the cached statement")

	_, err = c.Parse("SELECT 2")
	require.NoError(t, err)
	_, err = c.Parse("SELECT 1") // now most recent
	require.NoError(t, err)
	_, err = c.Parse("SELECT 3") // evicts SELECT 2
	require.NoError(t, err)
	assert.Equal(t, 2, c.Len())

	b, err := c.Parse("SELECT 1")
	require.NoError(t, err)
	assert.Same(t, a1[0], b[0], "SELECT 1 survived eviction")
	c2, err := c.Parse("SELECT 2")
	require.NoError(t, err)
	assert.Equal(t, "SELECT 2", c2[0].String())
}

// Ensure errors are cached and every caller gets its own copy.
func TestCache_Parse_Errors(t *testing.T) {
	c := NewCache(0)
	_, err1 := c.Parse("SELECT * FORM t")
	var pe1 *pgerr.Error
	require.ErrorAs(t, err1, &pe1)
	pe1.Message = "changed by a caller"
	_, err2 := c.Parse("SELECT * FORM t")
	var pe2 *pgerr.Error
	require.ErrorAs(t, err2, &pe2)
	assert.Equal(t, `syntax error at or near "FORM"`, pe2.Message)
	assert.Equal(t, 1, c.Len())
}

// Ensure concurrent use is safe (run with -race) and results are right.
func TestCache_Parse_Concurrent(t *testing.T) {
	c := NewCache(8)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				n := (g + i) % 16
				stmts, err := c.Parse(fmt.Sprintf("SELECT a FROM t WHERE b = %d", n))
				if !assert.NoError(t, err) {
					return
				}
				assert.Equal(t, fmt.Sprintf("SELECT a FROM t WHERE (b = %d)", n), stmts[0].String())
			}
		}()
	}
	wg.Wait()
	assert.LessOrEqual(t, c.Len(), 8)
}

func BenchmarkParse(b *testing.B) {
	const sql = `SELECT a.name, b.title FROM authors a JOIN books b ON b.author_id = a.id WHERE a.country = $1 ORDER BY b.title LIMIT $2`
	b.Run("uncached", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := Parse(sql); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cached", func(b *testing.B) {
		c := NewCache(16)
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := c.Parse(sql); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkParse_BatchInsert measures what GORM's CreateInBatches sends:
// one INSERT with many rows of parameters.
func BenchmarkParse_BatchInsert(b *testing.B) {
	for _, rows := range []int{10, 1000} {
		var sb strings.Builder
		sb.WriteString(`INSERT INTO "users" ("a","b","c","d","e") VALUES `)
		for r := 0; r < rows; r++ {
			if r > 0 {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, "($%d,$%d,$%d,$%d,$%d)", 5*r+1, 5*r+2, 5*r+3, 5*r+4, 5*r+5)
		}
		sb.WriteString(` RETURNING "id"`)
		sql := sb.String()
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := Parse(sql); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
