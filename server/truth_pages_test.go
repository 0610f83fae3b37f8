package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/internal/alescotest"
	"github.com/almalinux/alesco/live"
)

// notices are the page's notes and muted lines, for a failure message.
func notices(p string) string {
	var out []string
	for _, l := range strings.Split(p, "\n") {
		if strings.Contains(l, `class="note"`) || strings.Contains(l, `class="muted"`) || strings.Contains(l, "final comment period") || strings.Contains(l, "Action item") {
			out = append(out, strings.TrimSpace(l))
		}
	}
	return strings.Join(out, "\n")
}

// page fetches a page and fails unless it is served.
func page(t *testing.T, env *alescotest.Env, path string) string {
	t.Helper()
	r := env.Fetch("GET", path)
	if r.Status != 200 {
		t.Fatalf("GET %s: %d", path, r.Status)
	}
	return string(r.Body)
}

// TestSyncNoticeSaysWhatIsTrue: a server that never synced says so; one
// whose first sync failed does not claim to show what was synced before;
// one whose sync failed after a success does.
func TestSyncNoticeSaysWhatIsTrue(t *testing.T) {
	const failed, before, notYet = "The last sync with GitHub failed", "showing what was synced before", "Not synced with GitHub yet"
	never := page(t, alescotest.New(t), "/alesco/proposals")
	if !strings.Contains(never, notYet+".") || strings.Contains(never, failed) {
		t.Errorf("a server that never synced:\n%s", notices(never))
	}
	env := alescotest.New(t, alescotest.WithGitHub(""))
	ctx := alescotest.Admin(context.Background())
	sync := func() {
		env.Clock.Set(env.Now().Add(time.Hour))
		env.App.SyncProposals(ctx, "alesco") // a failure is recorded, which is what the page tells
	}
	env.GitHub.SetDown(true)
	sync()
	if p := page(t, env, "/alesco/proposals"); !strings.Contains(p, notYet+": the sync failed (") || strings.Contains(p, before) {
		t.Errorf("a first sync failed:\n%s", notices(p))
	}
	env.GitHub.SetDown(false)
	sync()
	if p := page(t, env, "/alesco/proposals"); strings.Contains(p, failed) || strings.Contains(p, notYet) {
		t.Errorf("synced:\n%s", notices(p))
	}
	env.GitHub.SetDown(true)
	sync()
	if p := page(t, env, "/alesco/proposals"); !strings.Contains(p, failed+" (") || !strings.Contains(p, before) {
		t.Errorf("a sync failed after a success:\n%s", notices(p))
	}
}

// TestFCPWithoutKnownStart: a proposal already in its final comment period
// when alesco first synced is shown as in it, with no made-up "since".
func TestFCPWithoutKnownStart(t *testing.T) {
	env := alescotest.New(t, alescotest.WithGitHub(""))
	ctx := alescotest.Admin(context.Background())
	if _, err := env.App.SyncProposals(ctx, "alesco"); err != nil {
		t.Fatal(err)
	}
	ps, _, err := env.App.ListProposals(ctx, "alesco", alesco.ProposalFCP)
	if err != nil || len(ps) == 0 || !ps[0].FCPTime.IsZero() {
		t.Fatalf("the snapshot's proposals in FCP: %+v, %v; want one whose entry alesco did not see", ps, err)
	}
	p := page(t, env, "/alesco/proposals")
	if strings.Contains(p, "since when") || !strings.Contains(p, "in final comment period") {
		t.Errorf("proposals page:\n%s", notices(p))
	}
}

// TestCarriedActionItemNamesItsMeetingOnce: an action item left open is
// carried to the next agenda as "action item from the DATE meeting", said
// once, in the Markdown and on the committee's page.
func TestCarriedActionItemNamesItsMeetingOnce(t *testing.T) {
	env := alescotest.New(t)
	ms := alescotest.Meetings(t, 2)
	env.Clock.Set(ms[0].Start.Add(5 * time.Minute))
	ctx := alesco.NewContext(context.Background(), alesco.Principal{Role: alesco.RoleChair, CommitteeID: "alesco", Name: "test chair"})
	for _, l := range []string{"startmeeting", "present andrew, ben, jonathan, neal", "action neal Build it", "endmeeting"} {
		if _, err := live.Run(ctx, env.App, ms[0].ID, l); err != nil {
			t.Fatalf("%s: %v", l, err)
		}
	}
	env.Clock.Set(ms[0].End.Add(time.Hour))
	md := page(t, env, "/agenda/"+ms[1].ID+".md")
	want := "- Action item from the " + ms[0].Date.String() + " meeting: Build it — Neal Gompa\n"
	if !strings.Contains(md, want) || strings.Count(strings.ToLower(md), "action item") != 1 || strings.Contains(md, ", from alesco-") {
		t.Errorf("agenda of %s lacks %q, said once:\n%s", ms[1].ID, want, md)
	}
	if p := page(t, env, "/alesco"); !strings.Contains(p, ">Action item from the meeting of ") {
		t.Errorf("the committee page does not say where the item comes from:\n%s", notices(p))
	}
}

// TestSyncWaitSpeaksTheCommitteesTime: when GitHub asks alesco to wait,
// the sync error the pages show gives the time in the committee's zone.
func TestSyncWaitSpeaksTheCommitteesTime(t *testing.T) {
	env := alescotest.New(t, alescotest.WithGitHub(""))
	ctx := alescotest.Admin(context.Background())
	env.GitHub.RetryAfterNext("3600")
	env.App.SyncProposals(ctx, "alesco") // answered 429: the next sync waits an hour
	env.App.SyncProposals(ctx, "alesco")
	_, st, err := env.App.ListProposals(ctx, "alesco")
	if err != nil {
		t.Fatal(err)
	}
	local := alesco.Clock(env.Now().Add(time.Hour), alescotest.Location("America/New_York"))
	if !strings.Contains(st.LastError, "the next sync is after "+local) || strings.Contains(st.LastError, "UTC") {
		t.Errorf("sync error: %q; want the time as %s", st.LastError, local)
	}
}
