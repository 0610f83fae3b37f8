package app_test

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/internal/alescotest"
	"github.com/emersion/go-ical"
)

// TestReadsOneSnapshot: a use case that reads does so from one snapshot;
// once cached, it reads none until the data changes.
func TestReadsOneSnapshot(t *testing.T) {
	var store alescotest.CountingStore
	env := alescotest.New(t, alescotest.WithGitHub(""), alescotest.WithCounting(&store))
	ctx := context.Background()
	if _, err := env.App.SyncProposals(alescotest.Admin(ctx), "alesco"); err != nil {
		t.Fatal(err)
	}
	next := alescotest.NextMeeting(t)
	store.Counts()
	reads := []struct {
		name string
		call func() error
	}{
		{"agenda", func() error { _, err := env.App.Agenda(ctx, next.ID, ""); return err }},
		{"next agenda", func() error { _, err := env.App.Agenda(ctx, "next", "alesco"); return err }},
		{"feed", func() error { _, err := env.App.Feed(ctx, "alesco", false); return err }},
		{"expanded feed", func() error { _, err := env.App.Feed(ctx, "alesco", true); return err }},
		{"meeting calendar", func() error { _, err := env.App.MeetingCalendar(ctx, "alesco", next.ID); return err }},
	}
	for _, r := range reads {
		t.Run(r.name, func(t *testing.T) {
			if err := r.call(); err != nil {
				t.Fatal(err)
			}
			if views, updates := store.Counts(); views != 1 || updates != 0 {
				t.Fatalf("cold: %d snapshots and %d writes, want 1 and 0", views, updates)
			}
			if err := r.call(); err != nil {
				t.Fatal(err)
			}
			if views, updates := store.Counts(); views != 0 || updates != 0 {
				t.Fatalf("warm: %d snapshots and %d writes, want none", views, updates)
			}
		})
	}
	// The first read after the meeting starts puts the agenda on record:
	// one snapshot, one write.
	env.Clock.Set(next.Start.Add(5 * time.Minute))
	ag, err := env.App.Agenda(ctx, next.ID, "")
	if err != nil || !ag.Frozen {
		t.Fatalf("agenda at the start: frozen %v, err %v", ag.Frozen, err)
	}
	if views, updates := store.Counts(); views != 1 || updates != 1 {
		t.Fatalf("freezing: %d snapshots and %d writes, want 1 and 1", views, updates)
	}
}

// TestCancelRacesMinutes: cancelling a meeting checks "has it minutes?"
// and writes in one transaction, so minutes recorded at the same moment
// (half an hour before it starts, when both are allowed) either land first
// (and the cancel is refused) or find the meeting cancelled; never both.
func TestCancelRacesMinutes(t *testing.T) {
	env := alescotest.New(t)
	ctx := alescotest.Admin(context.Background())
	held, cancelled := 0, 0
	for _, next := range alescotest.Meetings(t, 6) {
		id := next.ID
		m, err := env.App.GetMeeting(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		env.Clock.Set(m.Start.Add(-30 * time.Minute))
		var wg sync.WaitGroup
		var cancelErr, noteErr error
		start := make(chan struct{})
		wg.Go(func() {
			<-start
			_, cancelErr = env.App.CancelMeeting(ctx, id, "race")
		})
		wg.Go(func() {
			<-start
			_, noteErr = env.App.AddNote(ctx, id, alesco.Note{Topic: "Open floor", Text: "Recorded while someone cancelled"})
		})
		close(start)
		wg.Wait()
		switch {
		case cancelErr == nil && noteErr == nil:
			t.Fatalf("%s: cancelled and given minutes", id)
		case cancelErr == nil:
			if !strings.Contains(alesco.ErrorMessage(noteErr), "was cancelled") {
				t.Fatalf("%s: note after the cancel: %v", id, noteErr)
			}
			cancelled++
		case noteErr == nil:
			if alesco.ErrorCode(cancelErr) != alesco.EPRECONDITION || !strings.Contains(alesco.ErrorMessage(cancelErr), "has minutes") {
				t.Fatalf("%s: cancel after the note: %v", id, cancelErr)
			}
			held++
		default:
			t.Fatalf("%s: both failed: %v; %v", id, cancelErr, noteErr)
		}
		if m, err = env.App.GetMeeting(ctx, id); err != nil {
			t.Fatal(err)
		}
		if (m.Status == alesco.MeetingCancelled) != (cancelErr == nil) {
			t.Fatalf("%s: status %v after cancel err %v", id, m.Status, cancelErr)
		}
	}
	t.Logf("%d cancels won, %d notes won", cancelled, held)
}

// TestFeedEventText: the next meeting's event carries the live agenda; a
// later one carries none; once a meeting started, the agenda on record.
func TestFeedEventText(t *testing.T) {
	env := alescotest.New(t, alescotest.WithGitHub(""))
	ctx := context.Background()
	if _, err := env.App.SyncProposals(alescotest.Admin(ctx), "alesco"); err != nil {
		t.Fatal(err)
	}
	description := func(id string) string {
		t.Helper()
		rep, err := env.App.MeetingCalendar(ctx, "alesco", id)
		if err != nil {
			t.Fatal(err)
		}
		cal, err := ical.NewDecoder(strings.NewReader(string(rep.Body))).Decode()
		if err != nil {
			t.Fatal(err)
		}
		events := cal.Events()
		if len(events) != 1 {
			t.Fatalf("%s: %d events, want 1", id, len(events))
		}
		d, err := events[0].Props.Text(ical.PropDescription)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	ms := alescotest.Meetings(t, 2)
	if got := description(ms[0].ID); !strings.Contains(got, "Votes:\n- #17 Add alternative signed newer kernels") || !strings.Contains(got, "Chair election due.") {
		t.Fatalf("next meeting:\n%s", got)
	}
	if got := description(ms[1].ID); strings.Contains(got, "Votes:") || !strings.Contains(got, "Agenda: https://alesco.example.org/agenda/"+ms[1].ID+".md") {
		t.Fatalf("a later meeting:\n%s", got)
	}
	env.Clock.Set(ms[0].Start.Add(30 * time.Minute))
	if got := description(ms[0].ID); strings.Contains(got, "#17") {
		t.Fatalf("a started meeting without an agenda on record:\n%s", got)
	}
	if err := env.App.FreezeStartedAgendas(ctx); err != nil {
		t.Fatal(err)
	}
	if got := description(ms[0].ID); !strings.Contains(got, "#17") {
		t.Fatalf("once on record:\n%s", got)
	}
}

// TestTokenForFormerMember: a token acts for a member on today's roster;
// one who left, or has not joined yet, gets none, and is told why.
func TestTokenForFormerMember(t *testing.T) {
	env := alescotest.New(t)
	ctx := alescotest.Admin(context.Background())
	_, _, err := env.App.CreateToken(ctx, alesco.Token{CommitteeID: "alesco", Role: alesco.RoleMember, MemberID: "cody-robertson"})
	if alesco.ErrorCode(err) != alesco.EINVALID || !strings.Contains(alesco.ErrorMessage(err),
		"cody-robertson (Cody Robertson) is not on the ALESCo roster on "+alescotest.Today().String()+": they left the committee on 2026-03-22") {
		t.Fatalf("token for a former member: %v", err)
	}
	// The roster's history: on 2026-06-01 Lance Albertson was appointed
	// but not yet a member.
	env.Clock.Set(time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))
	_, _, err = env.App.CreateToken(ctx, alesco.Token{CommitteeID: "alesco", Role: alesco.RoleMember, MemberID: "lance-albertson"})
	if !strings.Contains(alesco.ErrorMessage(err), "their term starts on 2026-06-13") {
		t.Fatalf("token for a member not yet appointed: %v", err)
	}
	if _, _, err := env.App.CreateToken(ctx, alesco.Token{CommitteeID: "alesco", Role: alesco.RoleMember, MemberID: "neal-gompa"}); err != nil {
		t.Fatal(err)
	}
	if ts, err := env.App.Tokens(ctx); err != nil || len(ts) != 1 {
		t.Fatalf("tokens stored: %d, %v", len(ts), err)
	}
}

// TestVerifyAuditSeals: live minutes finalized through alesco verify; a
// draft made final behind alesco's back, or a final revision kept as an
// earlier one and edited, does not.
func TestVerifyAuditSeals(t *testing.T) {
	env := alescotest.New(t)
	ctx := alescotest.Admin(context.Background())
	past := alescotest.PastMeetings(t, 2) // 2026-11-05 and 11-19 on the default today
	earlier, last := past[0].ID, past[1].ID
	for _, id := range []string{earlier, last} {
		if _, err := env.App.AddNote(ctx, id, alesco.Note{Topic: "Open floor", Text: "Nothing"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := env.App.FinalizeMinutes(ctx, last, []string{"Andrew Lukoshko"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := env.App.AmendMinutes(ctx, last, "reopen", ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := env.App.FinalizeMinutes(ctx, last, nil, nil); err != nil {
		t.Fatal(err)
	}
	rep, err := env.App.VerifyAudit(ctx, nil)
	if err != nil || rep.Sealed != 2 || rep.OnUpgrade != 0 {
		t.Fatalf("verify: %+v, %v", rep, err)
	}
	raw, err := sql.Open("sqlite", "file:"+env.DB.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`DROP TRIGGER minutes_revisions_no_update;
		UPDATE minutes_revisions SET markdown = markdown || 'forged' WHERE meeting_id = '` + last + `'`); err != nil {
		t.Fatal(err)
	}
	if _, err := env.App.VerifyAudit(ctx, nil); err == nil || !strings.Contains(alesco.ErrorMessage(err), "revision 1 of the minutes of "+last+" was edited or removed after it was frozen") {
		t.Fatalf("an edited earlier revision: %v", err)
	}
	if _, err := raw.Exec(`UPDATE minutes_revisions SET markdown = substr(markdown, 1, length(markdown) - 6) WHERE meeting_id = '` + last + `';
		UPDATE minutes SET status = 'final', markdown = 'made up' WHERE meeting_id = '` + earlier + `'`); err != nil {
		t.Fatal(err)
	}
	if _, err := env.App.VerifyAudit(ctx, nil); err == nil || !strings.Contains(alesco.ErrorMessage(err), "minutes of "+earlier+" were finalized outside alesco: 1 of their revisions are final, the audit log froze 0") {
		t.Fatalf("a draft made final in SQL: %v", err)
	}
}
