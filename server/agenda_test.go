package server_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/almalinux/alesco/internal/alescotest"

	"connectrpc.com/connect"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
)

func (e *rfcEnv) agenda(meetingID string) *alescov1.Agenda {
	e.t.Helper()
	client := v1.NewAgendaServiceClient(e.Client, e.URL, connect.WithHTTPGet())
	resp, err := client.GetAgenda(context.Background(), connect.NewRequest(&alescov1.GetAgendaRequest{MeetingId: meetingID, CommitteeId: "alesco"}))
	if err != nil {
		e.t.Fatalf("agenda %s: %v", meetingID, err)
	}
	return resp.Msg.Agenda
}

func hasWarning(it *alescov1.AgendaItem, w string) bool { return slices.Contains(it.Warnings, w) }

// TestAgendaAcceptance walks the acceptance scenario: the agenda for
// the next meeting (2026-12-03 on the default today) from the fixtures,
// then a signed webhook moving #16 to the votes, and the same delivery
// unsigned or re-sent changing nothing.
func TestAgendaAcceptance(t *testing.T) {
	env := newRFCEnv(t)
	env.mustSync()
	next := alescotest.NextMeeting(t)
	a := env.agenda(next.ID)

	if got := numbers(a.Votes); !slices.Equal(got, []int32{17, 18}) {
		t.Fatalf("votes = %v, want [17 18]", got)
	}
	if hasWarning(a.Votes[0], "board input needed") || a.Votes[0].BoardInputNeeded {
		t.Errorf("#17 flagged for board input: %v", a.Votes[0].Warnings)
	}
	if !a.Votes[1].BoardInputNeeded || !hasWarning(a.Votes[1], "board input needed") {
		t.Errorf("#18 not flagged for board input: %v", a.Votes[1].Warnings)
	}
	if got := numbers(a.Discussion); !slices.Equal(got, []int32{16}) {
		t.Fatalf("discussion = %v, want [16]", got)
	}
	if got := numbers(a.NewSubmissions); !slices.Equal(got, []int32{19, 20}) {
		t.Fatalf("new submissions = %v, want [19 20]", got)
	}
	if a.NewSubmissions[0].Draft || !a.NewSubmissions[1].Draft {
		t.Errorf("drafts: #19 %v, #20 %v; want only #20", a.NewSubmissions[0].Draft, a.NewSubmissions[1].Draft)
	}
	if len(a.CarriedOver) != 0 {
		t.Errorf("carried over = %v, want none before the minutes land", a.CarriedOver)
	}
	// The real record: Andrew Lukoshko was elected on 2025-08-20 and
	// re-elected on 2026-03-12 for six months; a third term in a row is
	// barred by the charter.
	if a.ChairElection == nil || !a.ChairElection.Due || a.ChairElection.CurrentChairId != "andrew-lukoshko" ||
		a.ChairElection.Reason != "the chair's term ran out on 2026-09-12" {
		t.Errorf("chair election = %v, want due (the term from 2026-03-12 ran out)", a.ChairElection)
	}
	const cannot = `Andrew Lukoshko cannot stand again: "the chair cannot serve more than 2 consecutive terms (1 year) as chair" (charter); they have chaired since 2025-08-20, 2 terms in a row`
	if a.ChairElection.GetCannotStand() != cannot || !strings.Contains(a.Markdown, "## Chair Election\n\n- Elect a chair: the chair's term ran out on 2026-09-12.\n- Current chair: Andrew Lukoshko.\n- "+cannot+".\n") {
		t.Errorf("the agenda does not say Andrew Lukoshko cannot stand again: %q\n%s", a.ChairElection.GetCannotStand(), a.Markdown)
	}
	if a.Frozen {
		t.Error("agenda frozen before the meeting")
	}
	for _, n := range []string{"#5]", "#21]"} {
		if strings.Contains(a.Markdown, n) {
			t.Errorf("markdown mentions %s, which is not an RFC", n)
		}
	}
	for _, want := range []string{
		"### RFC: Add alternative signed newer kernels",
		"[#17](https://github.com/AlmaLinux/ALESCo/pull/17)",
		"by Lance Albertson, Example Kernel Hacker",
		"**Warning: board input needed**",
		"## New Submissions",
		"(draft)",
		"## Chair Election",
		"## Open Floor",
	} {
		if !strings.Contains(a.Markdown, want) {
			t.Errorf("markdown lacks %q:\n%s", want, a.Markdown)
		}
	}

	body := alescotest.LabelWebhook(env.Now())
	before := env.version()
	// Unsigned, badly signed, or signed with another secret: 401, no change.
	for name, sig := range map[string]string{
		"missing":      "",
		"sha1 only":    "sha1=" + strings.Repeat("0", 40),
		"wrong secret": alescotest.Sign("not-the-secret", body),
		"garbage":      "sha256=zz",
	} {
		if code := env.deliver("pull_request", "d-"+name, sig, body); code != http.StatusUnauthorized {
			t.Errorf("%s signature: status %d, want 401", name, code)
		}
	}
	if env.version() != before {
		t.Fatal("a rejected delivery wrote to the store")
	}
	if got := numbers(env.agenda(next.ID).Votes); !slices.Equal(got, []int32{17, 18}) {
		t.Fatalf("votes after rejected deliveries = %v, want [17 18]", got)
	}

	if code := env.deliver("pull_request", "delivery-16", alescotest.Sign(webhookSecret, body), body); code != http.StatusOK {
		t.Fatalf("signed delivery: status %d, want 200", code)
	}
	a = env.agenda(next.ID)
	if got := numbers(a.Votes); !slices.Equal(got, []int32{17, 18, 16}) {
		t.Fatalf("votes after #16 labelled = %v, want [17 18 16]", got)
	}
	if len(a.Discussion) != 0 {
		t.Fatalf("discussion after #16 labelled = %v, want none", numbers(a.Discussion))
	}
	v16 := a.Votes[2]
	// #16 was opened 2026-01-20; its time in discussion is unknown, so the
	// review period counts from then and is long over. It entered FCP at
	// the label event, now (noon UTC), whole days before the meeting (at
	// 16:00 or 17:00 UTC): 8 on the default today.
	if days := alescotest.Today().DaysUntil(next.Date); v16.ReviewPeriodOpen || hasWarning(v16, "review period not over") || int(v16.DaysInFcp) != days {
		t.Errorf("#16: review open %v, warnings %v, days in FCP %d; want period over, %d days", v16.ReviewPeriodOpen, v16.Warnings, v16.DaysInFcp, days)
	}

	// The same delivery again: acknowledged, no second effect.
	after := env.version()
	if code := env.deliver("pull_request", "delivery-16", alescotest.Sign(webhookSecret, body), body); code != http.StatusOK {
		t.Fatalf("redelivery: status %d, want 200", code)
	}
	if env.version() != after {
		t.Fatal("a redelivery wrote to the store")
	}

	// A later sync whose listing predates the label event keeps #16 in FCP.
	env.mustSync()
	if got := numbers(env.agenda(next.ID).Votes); !slices.Equal(got, []int32{17, 18, 16}) {
		t.Fatalf("votes after a sync = %v, want [17 18 16]", got)
	}
}

// TestAgendaReviewPeriodWarning: a proposal seen entering discussion and
// FCP within the review period is flagged.
func TestAgendaReviewPeriodWarning(t *testing.T) {
	env := newRFCEnv(t)
	env.mustSync()
	next := alescotest.NextMeeting(t)
	// #19, opened 15 days before the meeting (2026-11-18 on the default
	// today), gets both labels, by webhook, now.
	opened := next.Date.AddDays(-15).At(8, 0, time.UTC).Format(time.RFC3339)
	body := alescotest.LabelWebhook(env.Now())
	body = bytes.ReplaceAll(body, []byte(`"number": 16`), []byte(`"number": 19`))
	body = bytes.ReplaceAll(body, []byte(`pull/16`), []byte(`pull/19`))
	body = bytes.Replace(body, []byte(`"created_at": "2026-01-20T17:00:00Z"`), []byte(`"created_at": "`+opened+`"`), 1)
	if code := env.deliver("pull_request", "delivery-19", alescotest.Sign(webhookSecret, body), body); code != http.StatusOK {
		t.Fatalf("delivery: %d", code)
	}
	a := env.agenda(next.ID)
	var it *alescov1.AgendaItem
	for _, v := range a.Votes {
		if v.Number == 19 {
			it = v
		}
	}
	if it == nil {
		t.Fatalf("#19 not in votes: %v", numbers(a.Votes))
	}
	// Opened 15 days before the meeting, but seen entering discussion now
	// (the label event, noon UTC), fewer than 14 whole days before the
	// meeting (8 on the default today).
	if days := alescotest.Today().DaysUntil(next.Date); days >= 14 || !it.ReviewPeriodOpen || !hasWarning(it, "review period not over") || int(it.DaysInReview) != days {
		t.Fatalf("#19: review open %v, days %d, warnings %v; want open, %d days", it.ReviewPeriodOpen, it.DaysInReview, it.Warnings, days)
	}
	if !strings.Contains(a.Markdown, "**Warning: review period not over**") {
		t.Errorf("markdown lacks the review warning:\n%s", a.Markdown)
	}
}

// TestAgendaFrozenAtStart: once the meeting starts its agenda is on record
// and later changes do not touch it; the next meeting's agenda moves on.
func TestAgendaFrozenAtStart(t *testing.T) {
	env := newRFCEnv(t)
	env.mustSync()
	ms := alescotest.Meetings(t, 2)
	env.Clock.Set(ms[0].At(12, 5))
	frozen := env.agenda(ms[0].ID)
	if !frozen.Frozen || frozen.FrozenTime == nil {
		t.Fatalf("agenda after the start: frozen %v", frozen.Frozen)
	}
	body := alescotest.LabelWebhook(env.Now())
	if code := env.deliver("pull_request", "late-16", alescotest.Sign(webhookSecret, body), body); code != http.StatusOK {
		t.Fatalf("delivery: %d", code)
	}
	again := env.agenda(ms[0].ID)
	if again.Markdown != frozen.Markdown || !slices.Equal(numbers(again.Votes), []int32{17, 18}) {
		t.Fatalf("frozen agenda changed: votes %v", numbers(again.Votes))
	}
	if cur := env.agenda("next"); cur.MeetingId != ms[0].ID || !cur.Frozen {
		t.Fatalf("next during the meeting = %s (frozen %v), want the running %s, frozen", cur.MeetingId, cur.Frozen, ms[0].ID)
	}
	next := env.agenda(ms[1].ID)
	if next.Frozen || !slices.Equal(numbers(next.Votes), []int32{17, 18, 16}) {
		t.Fatalf("next agenda %s votes %v, want %s with [17 18 16]", next.MeetingId, numbers(next.Votes), ms[1].ID)
	}
	client := v1.NewAgendaServiceClient(env.Client, env.URL)
	if _, err := client.GetAgenda(context.Background(), connect.NewRequest(&alescov1.GetAgendaRequest{MeetingId: "alesco-2025-09-04"})); alescotest.CodeOf(err) != connect.CodeNotFound {
		t.Fatalf("agenda of a meeting long before alesco: err = %v, want NotFound", err)
	}
}

func TestAgendaMarkdownAndETag(t *testing.T) {
	env := newRFCEnv(t)
	env.mustSync()
	get := func(path, inm string) (*http.Response, string) {
		req, _ := http.NewRequest(http.MethodGet, env.URL+path, nil)
		if inm != "" {
			req.Header.Set("If-None-Match", inm)
		}
		resp, err := env.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(b)
	}
	next := alescotest.NextMeeting(t)
	resp, md := get("/agenda/"+next.ID+".md", "")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/markdown") {
		t.Fatalf("status %d type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if !strings.HasPrefix(md, "# ALESCo Meeting Agenda ("+next.Date.String()+")") || !strings.Contains(md, "[#18](https://github.com/AlmaLinux/ALESCo/pull/18)") {
		t.Fatalf("markdown:\n%s", md)
	}
	if resp, _ := get("/agenda/"+next.ID+".md", resp.Header.Get("ETag")); resp.StatusCode != http.StatusNotModified {
		t.Fatalf("conditional GET: %d, want 304", resp.StatusCode)
	}
	if resp, _ := get("/agenda/"+alescotest.DayID(next.Date.AddDays(1))+".md", ""); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("no meeting that day: %d, want 404", resp.StatusCode)
	}
	if resp, _ := get("/agenda/next.md", ""); resp.StatusCode != 200 {
		t.Fatalf("next.md: %d", resp.StatusCode)
	}

	// Connect GET with ETag.
	client := v1.NewAgendaServiceClient(env.Client, env.URL, connect.WithHTTPGet())
	req := connect.NewRequest(&alescov1.GetAgendaRequest{MeetingId: next.ID})
	r1, err := client.GetAgenda(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	req2 := connect.NewRequest(&alescov1.GetAgendaRequest{MeetingId: next.ID})
	req2.Header().Set("If-None-Match", r1.Header().Get("ETag"))
	if _, err := client.GetAgenda(context.Background(), req2); !connect.IsNotModifiedError(err) {
		t.Fatalf("conditional GetAgenda: err = %v, want not modified", err)
	}
}

// TestAgendaDecided: once the next meeting (2026-12-03 on the default
// today) accepts #17 and rejects #18, the next agenda lists them as decided, awaiting merge or close on
// GitHub, and no longer under votes; once GitHub shows #17 merged it is gone.
func TestAgendaDecided(t *testing.T) {
	env := newRFCEnv(t)
	env.mustSync()
	env.Clock.Set(alescotest.DuringDecisionMeeting)
	alescotest.DecideRFCs(t, env.Client, env.URL, env.chair)
	ms := alescotest.Meetings(t, 2)
	decided := ms[0].Date.String()

	a := env.agenda(ms[1].ID)
	if got := numbers(a.Votes); len(got) != 0 {
		t.Errorf("votes on %s = %v, want none: #17 and #18 were decided", ms[1].Date, got)
	}
	if got := numbers(a.Decided); !slices.Equal(got, []int32{17, 18}) {
		t.Fatalf("decided = %v, want [17 18]", got)
	}
	if d := a.Decided[0]; d.Outcome != alescov1.MotionOutcome_MOTION_OUTCOME_PASSED || d.SourceMeetingId != alescotest.DecisionMeeting ||
		d.Note != "Passed on "+decided+", awaiting merge" {
		t.Errorf("#17 decided as %v at %s: %q", d.Outcome, d.SourceMeetingId, d.Note)
	}
	if d := a.Decided[1]; d.Outcome != alescov1.MotionOutcome_MOTION_OUTCOME_REJECTED || d.Note != "Rejected on "+decided+", awaiting close" {
		t.Errorf("#18 decided as %v: %q", d.Outcome, d.Note)
	}
	for _, want := range []string{
		"## Decided, awaiting merge/close on GitHub\n\n",
		"- [#17](https://github.com/AlmaLinux/ALESCo/pull/17) Add alternative signed newer kernels — Passed on " + decided + ", awaiting merge\n",
		"## Votes\n\nNo RFC is in the final comment period.\n",
	} {
		if !strings.Contains(a.Markdown, want) {
			t.Errorf("agenda Markdown lacks %q:\n%s", want, a.Markdown)
		}
	}
	// The meeting's own agenda still lists the votes it took.
	if got := numbers(env.agenda(alescotest.DecisionMeeting).Votes); !slices.Equal(got, []int32{17, 18}) {
		t.Errorf("votes on %s = %v, want [17 18]", decided, got)
	}

	// GitHub shows #17 merged: it leaves the agenda altogether.
	merged := ms[0].Date.AddDays(3).At(12, 0, time.UTC)
	env.Clock.Set(merged)
	env.GitHub.UpdatePull(17, func(pr map[string]any) {
		pr["state"], pr["merged_at"], pr["closed_at"] = "closed", merged.Format(time.RFC3339), merged.Format(time.RFC3339)
	})
	env.mustSync()
	if got := numbers(env.agenda(ms[1].ID).Decided); !slices.Equal(got, []int32{18}) {
		t.Errorf("decided after #17 merged = %v, want [18]", got)
	}
}
