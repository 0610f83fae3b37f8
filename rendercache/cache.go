// Package rendercache keeps rendered representations (feeds, pages,
// Markdown, API answers) in memory, each with its entity tag and content
// type, keyed with the data version it was built from and valid until a
// time it was given: a warm read is served from here without touching the
// store. Its budget is in bytes, least recently used first out.
package rendercache

import (
	"container/list"
	"crypto/sha256"
	"encoding/base64"
	"sync"
	"time"
)

// Rendered is a representation ready to serve: its bytes, their entity tag
// and when the data behind them last changed.
type Rendered struct {
	Body         []byte
	ETag         string
	LastModified time.Time
	ContentType  string
	// Value is a decoded form kept beside (or instead of) Body, shared
	// read-only by every request that hits it (an API message, say), and
	// Size the bytes it holds, for the cache's budget.
	Value any
	Size  int
}

// ETag returns a strong entity tag for body.
func ETag(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
}

// DefaultBytes bounds a cache made with a budget of 0.
const DefaultBytes = 32 << 20

// Cache keeps rendered representations, each until the data version it was
// built from changes or its validity ends, within a budget of bytes: the
// least recently used entries go first. hashicorp/golang-lru bounds by
// entry count only, so this small LRU over container/list counts bytes.
type Cache struct {
	mu      sync.Mutex
	max     int
	used    int
	order   *list.List // front: most recently used
	entries map[string]*list.Element
	hits    uint64
	misses  uint64
}

type cacheEntry struct {
	key     string
	version uint64
	built   time.Time // valid from here (a clock set back rebuilds)...
	until   time.Time // ...to here; zero: until the version changes
	rep     Rendered
}

// New returns a cache of at most maxBytes (DefaultBytes when 0).
func New(maxBytes int) *Cache {
	if maxBytes <= 0 {
		maxBytes = DefaultBytes
	}
	return &Cache{max: maxBytes, order: list.New(), entries: map[string]*list.Element{}}
}

func size(e *cacheEntry) int {
	// 160: the entry, its list element, map slot and headers, roughly.
	return len(e.key) + len(e.rep.Body) + e.rep.Size + len(e.rep.ETag) + len(e.rep.ContentType) + 160
}

// Get returns the representation cached under key if it was built at
// version and is still valid at now, else builds, stores and returns a new
// one (valid until the returned time; zero means until the version
// changes). Concurrent misses may build twice; both results are the same.
func (c *Cache) Get(key string, version uint64, now time.Time, build func() (Rendered, time.Time, error)) (Rendered, error) {
	c.mu.Lock()
	if el, ok := c.entries[key]; ok {
		e := el.Value.(*cacheEntry)
		if e.version == version && !now.Before(e.built) && (e.until.IsZero() || now.Before(e.until)) {
			c.order.MoveToFront(el)
			c.hits++
			c.mu.Unlock()
			return e.rep, nil
		}
	}
	c.misses++
	c.mu.Unlock()
	rep, until, err := build()
	if err != nil {
		return Rendered{}, err
	}
	if rep.ETag == "" {
		rep.ETag = ETag(rep.Body)
	}
	c.put(&cacheEntry{key: key, version: version, built: now, until: until, rep: rep})
	return rep, nil
}

func (c *Cache) put(e *cacheEntry) {
	n := size(e)
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[e.key]; ok {
		c.used -= size(el.Value.(*cacheEntry))
		c.order.Remove(el)
		delete(c.entries, e.key)
	}
	if n > c.max/4 {
		return // one huge entry would flush everything else
	}
	c.entries[e.key] = c.order.PushFront(e)
	c.used += n
	for c.used > c.max {
		last := c.order.Back()
		old := last.Value.(*cacheEntry)
		c.order.Remove(last)
		delete(c.entries, old.key)
		c.used -= size(old)
	}
}

// Clear empties the cache.
func (c *Cache) Clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.order.Init()
	c.entries = map[string]*list.Element{}
	c.used = 0
}

// Stats counts the cache's use.
type Stats struct {
	Entries, Bytes, MaxBytes int
	Hits, Misses             uint64
}

// Stats returns the cache's counters.
func (c *Cache) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return Stats{Entries: len(c.entries), Bytes: c.used, MaxBytes: c.max, Hits: c.hits, Misses: c.misses}
}
