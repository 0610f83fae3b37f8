package sqlite_test

import (
	"context"
	"slices"
	"testing"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/internal/alescotest"
)

// TestTouched: the store says which committees' meetings the commits since
// a version wrote: a token or the outbox's bookkeeping touches none, a
// record's write touches its committee.
func TestTouched(t *testing.T) {
	env := alescotest.New(t)
	next := alescotest.NextMeeting(t)
	env.Clock.Set(next.At(12, 2))
	v := env.DB.Version()
	if c, all := env.DB.Touched(v); c != nil || all {
		t.Fatalf("nothing committed: %v %v", c, all)
	}
	env.Token(alesco.RoleChair, "alesco", "")
	if c, all := env.DB.Touched(v); len(c) != 0 || all || env.DB.Version() == v {
		t.Fatalf("after a token: %v %v (version %d → %d)", c, all, v, env.DB.Version())
	}
	if _, _, _, err := env.App.StartMeeting(alescotest.Admin(context.Background()), next.ID); err != nil {
		t.Fatal(err)
	}
	if c, all := env.DB.Touched(v); !slices.Equal(c, []string{"alesco"}) || all {
		t.Fatalf("after starting the minutes: %v %v", c, all)
	}
	if c, all := env.DB.Touched(0); c == nil && !all {
		t.Fatalf("since the start: %v %v", c, all)
	}
}
