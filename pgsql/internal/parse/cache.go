package parse

import (
	"container/list"
	"sync"

	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// DefaultCacheSize is the capacity NewCache uses for a size of zero or
// less.
const DefaultCacheSize = 1024

// Cache is a bounded LRU cache of parse results keyed by the exact SQL
// text. Parsing a small join costs tens of microseconds while a cache hit
// is a map lookup, and applications send the same few statements over and
// over.
//
// A Cache is safe for concurrent use. The statements it returns are shared
// between all callers that parse the same text and must be treated as
// read-only (see package ir). Errors are cached too; each caller gets its
// own copy of the *pgerr.Error.
type Cache struct {
	capacity int

	// mu guards entries and order.
	mu struct {
		sync.Mutex
		entries map[string]*list.Element // of *cacheEntry
		order   *list.List               // front: most recently used
	}
}

type cacheEntry struct {
	sql   string
	stmts []ir.Statement
	err   *pgerr.Error
}

// NewCache returns a cache holding at most size parse results.
func NewCache(size int) *Cache {
	if size <= 0 {
		size = DefaultCacheSize
	}
	c := &Cache{capacity: size}
	c.mu.entries = make(map[string]*list.Element) // grows with use: most sessions send few texts
	c.mu.order = list.New()
	return c
}

// Parse returns Parse(sql), from the cache when sql was parsed before.
// Two goroutines missing on the same text at once both parse it; the
// results are equal and one is kept.
func (c *Cache) Parse(sql string) ([]ir.Statement, error) {
	if e, ok := c.get(sql); ok {
		return result(e)
	}
	stmts, err := parse(sql)
	e := &cacheEntry{sql: sql, stmts: stmts, err: err}
	c.put(e)
	return result(e)
}

func result(e *cacheEntry) ([]ir.Statement, error) {
	if e.err != nil {
		cp := *e.err
		return nil, &cp
	}
	return e.stmts, nil
}

func (c *Cache) get(sql string) (*cacheEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.mu.entries[sql]
	if !ok {
		return nil, false
	}
	c.mu.order.MoveToFront(el)
	return el.Value.(*cacheEntry), true
}

func (c *Cache) put(e *cacheEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.mu.entries[e.sql]; ok {
		c.mu.order.MoveToFront(el)
		return
	}
	c.mu.entries[e.sql] = c.mu.order.PushFront(e)
	for c.mu.order.Len() > c.capacity {
		oldest := c.mu.order.Back()
		c.mu.order.Remove(oldest)
		delete(c.mu.entries, oldest.Value.(*cacheEntry).sql)
	}
}

// Len returns the number of cached results.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.mu.order.Len()
}
