package live_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/internal/alescotest"
	"github.com/almalinux/alesco/live"
)

// TestNumbersCountPerMeeting: motions and action items are numbered from 1
// in each meeting, as the minutes list them: the second meeting's first
// motion is announced as motion 1, not by the store's id.
func TestNumbersCountPerMeeting(t *testing.T) {
	env := alescotest.New(t)
	ctx := alesco.NewContext(context.Background(), chair)
	for _, mt := range alescotest.Meetings(t, 2) {
		env.Clock.Set(mt.Start.Add(5 * time.Minute))
		var replies []string
		for _, l := range []string{"startmeeting", "present andrew, ben, jonathan, neal", "topic Open floor",
			"motion Adopt the first", "vote andrew +1", "close", "motion Adopt the second", "vote andrew +1", "close",
			"action neal Build it", "action ben Review it", "status", "endmeeting"} {
			r, err := live.Run(ctx, env.App, mt.ID, l)
			if err != nil {
				t.Fatalf("%s: %s: %v", mt.ID, l, err)
			}
			replies = append(replies, r)
		}
		for i, want := range map[int]string{3: `motion 1 "Adopt the first" is open`, 4: `motion 1 "Adopt the first": +1`,
			5: `motion 1 "Adopt the first" APPROVED`, 6: `motion 2 "Adopt the second" is open`, 8: `motion 2 "Adopt the second" APPROVED`,
			9: "action item 1 for Neal Gompa", 10: "action item 2 for Ben Thomas"} {
			if !strings.HasPrefix(replies[i], want) {
				t.Errorf("%s: reply %d: %q, want %q", mt.ID, i, replies[i], want)
			}
		}
		_, m, err := env.App.GetMinutes(ctx, mt.ID)
		if err != nil {
			t.Fatal(err)
		}
		for i, mo := range m.Motions {
			if mo.Number != i+1 {
				t.Errorf("%s: motion %d (id %d) is numbered %d", mt.ID, i+1, mo.ID, mo.Number)
			}
		}
		for i, a := range m.ActionItems {
			if a.Number != i+1 {
				t.Errorf("%s: action item %d (id %d) is numbered %d", mt.ID, i+1, a.ID, a.Number)
			}
		}
	}
}

// TestRefusalsSpeakTheCommitteesTime: ending a meeting before it starts is
// refused with its start in the committee's time zone (America/New_York),
// like every other time a chair is told, not in UTC.
func TestRefusalsSpeakTheCommitteesTime(t *testing.T) {
	env := alescotest.New(t)
	ctx := alesco.NewContext(context.Background(), chair)
	mt := alescotest.NextMeeting(t)
	env.Clock.Set(mt.Start.Add(-30 * time.Minute))
	if _, err := live.Run(ctx, env.App, mt.ID, "startmeeting"); err != nil {
		t.Fatal(err)
	}
	_, err := live.Run(ctx, env.App, mt.ID, "endmeeting")
	local := mt.Start.In(alescotest.Location("America/New_York")).Format("2006-01-02 15:04 MST")
	if msg := alesco.ErrorMessage(err); !strings.Contains(msg, "it starts "+local) || strings.Contains(msg, "UTC") {
		t.Fatalf("endmeeting before the start: %q; want the start as %s", msg, local)
	}
}
