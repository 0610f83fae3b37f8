package app_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/almalinux/alesco/app"
	"github.com/almalinux/alesco/internal/alescotest"
)

// get asks c for key at version v and reports whether it was built.
func get(t *testing.T, c *app.Cache, key string, v uint64, now time.Time, body string, until time.Time) (built bool) {
	t.Helper()
	rep, err := c.Get(key, v, now, func() (app.Rendered, time.Time, error) {
		built = true
		return app.Rendered{Body: []byte(body)}, until, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if string(rep.Body) != body || rep.ETag != app.ETag([]byte(body)) {
		t.Fatalf("%s: got %q %s", key, rep.Body, rep.ETag)
	}
	return built
}

// TestCacheLRUWithinBytes: the cache never holds more than its budget;
// the least recently used entry goes first, and one asked for again
// stays.
func TestCacheLRUWithinBytes(t *testing.T) {
	const budget = 64 << 10
	c := app.NewCache(budget)
	now := alescotest.Epoch
	body := strings.Repeat("x", 1000)
	for i := range 1000 {
		get(t, c, fmt.Sprintf("page/%d", i), 1, now, body, time.Time{})
		if i%10 == 0 {
			get(t, c, "hot", 1, now, body, time.Time{}) // asked all along
		}
		if st := c.Stats(); st.Bytes > budget {
			t.Fatalf("after %d entries the cache holds %d bytes, over its budget %d", i+1, st.Bytes, budget)
		}
	}
	st := c.Stats()
	if st.Entries < 40 || st.Entries > 64 || st.Bytes < budget*3/4 {
		t.Errorf("stats %+v: want the budget about full of 1 KB entries", st)
	}
	if get(t, c, "hot", 1, now, body, time.Time{}) {
		t.Error("the entry asked for all along was evicted")
	}
	if get(t, c, "page/999", 1, now, body, time.Time{}) {
		t.Error("the newest entry was evicted")
	}
	if !get(t, c, "page/0", 1, now, body, time.Time{}) {
		t.Error("the oldest entry was kept")
	}
	// An entry larger than a quarter of the budget is served, not kept.
	big := strings.Repeat("y", budget/2)
	get(t, c, "big", 1, now, big, time.Time{})
	if !get(t, c, "big", 1, now, big, time.Time{}) {
		t.Error("an entry of half the budget was kept")
	}
}

// TestCacheVersionAndValidity: an entry is rebuilt when the data version
// moves, when its validity ends, and when the clock is set back before it
// was built; errors are never kept.
func TestCacheVersionAndValidity(t *testing.T) {
	c := app.NewCache(0)
	now := alescotest.Epoch
	steps := []struct {
		name    string
		version uint64
		at      time.Time
		built   bool
	}{
		{"cold", 1, now, true},
		{"warm", 1, now.Add(time.Minute), false},
		{"new version", 2, now.Add(time.Minute), true},
		{"same version again", 2, now.Add(2 * time.Minute), false},
		{"validity over", 2, now.Add(61 * time.Minute), true},
		{"warm after rebuild", 2, now.Add(62 * time.Minute), false},
		{"clock set back", 2, now, true},
	}
	for _, s := range steps {
		// Each build holds for an hour.
		if got := get(t, c, "k", s.version, s.at, "v", s.at.Add(time.Hour)); got != s.built {
			t.Errorf("%s: built %v, want %v", s.name, got, s.built)
		}
	}
	boom := errors.New("boom")
	for range 2 {
		if _, err := c.Get("err", 1, now, func() (app.Rendered, time.Time, error) { return app.Rendered{}, time.Time{}, boom }); err != boom {
			t.Fatalf("err = %v", err)
		}
	}
	if st := c.Stats(); st.Misses < 2 || st.Entries != 1 {
		t.Errorf("stats %+v: errors must not be kept", st)
	}
}
