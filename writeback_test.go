package alesco_test

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/internal/alescotest"
)

// publishing returns the real ALESCo with every effect turned on.
func publishing(t *testing.T) *alesco.Committee {
	t.Helper()
	c := alescotest.Committee(t)
	c.GitHub.Write, c.GitHub.AcceptedLabel = true, "accepted"
	c.Notify = alesco.NotifySettings{BoardEmail: "board@example.org", Chat: alesco.Announcements, AgendaBefore: 24 * time.Hour}
	return c
}

func keys(effects []alesco.Effect) []string {
	var out []string
	for _, e := range effects {
		out = append(out, e.Key)
	}
	return out
}

// decidedMinutes: 2026-11-19 with #16 accepted (+3, 0, -1), #9 rejected,
// #7 tabled and a motion on no proposal, finalized.
func decidedMinutes(t *testing.T, c *alesco.Committee) *alesco.Minutes {
	t.Helper()
	_, m := draft(t, four...)
	vote := func(id int64, votes map[string]alesco.VoteValue) {
		for member, v := range votes {
			if _, _, err := m.CastVote(c, id, alesco.Vote{MemberID: member, Value: v}, recordNow); err != nil {
				t.Fatal(err)
			}
		}
	}
	open := func(title string, n int) int64 {
		mo, err := m.OpenMotion(c, title, n, recordNow)
		if err != nil {
			t.Fatal(err)
		}
		mo.ID = int64(len(m.Motions))
		return mo.ID
	}
	close := func(id int64, o alesco.MotionOutcome) {
		if _, err := m.CloseMotion(c, id, o, recordNow); err != nil {
			t.Fatal(err)
		}
	}
	id := open("Accept RFC 16", 16)
	vote(id, map[string]alesco.VoteValue{"andrew-lukoshko": 1, "ben-thomas": 1, "jonathan-wright": 1, "neal-gompa": -1})
	close(id, alesco.OutcomeNone)
	id = open("Accept RFC 9", 9)
	vote(id, map[string]alesco.VoteValue{"andrew-lukoshko": -1, "ben-thomas": -1, "jonathan-wright": 0, "neal-gompa": 1})
	close(id, alesco.OutcomeNone)
	close(open("Accept RFC 7", 7), alesco.OutcomeTabled)
	id = open("Meet weekly", 0)
	vote(id, map[string]alesco.VoteValue{"andrew-lukoshko": 1})
	close(id, alesco.OutcomeNone)
	if err := m.Finalize(c, []string{"Jonathan Wright"}, nil, recordNow, render); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestMinutesEffects(t *testing.T) {
	c := publishing(t)
	m := decidedMinutes(t, c)
	proposals := map[int]alesco.Proposal{16: {Number: 16}, 9: {Number: 9}, 7: {Number: 7}}
	links := alesco.PublishLinks{Minutes: "https://alesco.example.org/alesco/meetings/alesco-2026-11-19",
		IndexLine: "- [November 19, 2026](/alesco/meeting-minutes/2026-11-19)", DateLabel: "November 19, 2026"}
	effects := c.MinutesEffects(m, proposals, links)
	want := []string{"github:outcome:alesco-2026-11-19:9", "github:labels:alesco-2026-11-19:9",
		"github:outcome:alesco-2026-11-19:16", "github:labels:alesco-2026-11-19:16",
		"wiki:minutes:alesco-2026-11-19", "chat:minutes:alesco-2026-11-19"}
	if got := keys(effects); !slices.Equal(got, want) {
		t.Fatalf("effects %q, want %q", got, want)
	}
	rejected, accepted := effects[1].Labels, effects[3].Labels
	if !slices.Equal(rejected.Remove, []string{"vote at next meeting"}) || !slices.Equal(rejected.Add, []string{"rejected"}) || rejected.Number != 9 {
		t.Errorf("labels of the rejected RFC: %+v", rejected)
	}
	if !slices.Equal(accepted.Add, []string{"accepted"}) || accepted.Repo != "AlmaLinux/ALESCo" {
		t.Errorf("labels of the accepted RFC: %+v", accepted)
	}
	body := effects[2].Comment.Body
	for _, w := range []string{"### ALESCo decision: RFC accepted", "**APPROVED**, +3, 0, -1 (3 in favor, 0 abstained, 1 not in favor)",
		"| Andrew Lukoshko | +1 |", "| Neal Gompa | -1 |", "Minutes: " + links.Minutes + "\n", "alesco never merges or closes"} {
		if !strings.Contains(body, w) {
			t.Errorf("comment lacks %q:\n%s", w, body)
		}
	}
	w := effects[4].Wiki
	if w.Branch != "alesco/minutes-alesco-2026-11-19" || w.File != "docs/alesco/meeting-minutes/2026-11-19.md" || w.Content != m.Markdown ||
		w.Index != "docs/alesco/meeting-minutes.md" || w.Message != "Add ALESCo meeting minutes for November 19, 2026" || w.IndexLine != links.IndexLine {
		t.Errorf("wiki effect: %+v", w)
	}
	if chat := effects[5].Chat.Text; !strings.Contains(chat, links.Minutes) || !strings.Contains(chat, "Accept RFC 16 was APPROVED") {
		t.Errorf("chat post: %q", chat)
	}

	// Amended: the same keys, the comment says which revision.
	if err := m.Amend("typo in a name", &alesco.Minutes{Attendees: m.Attendees, Decisions: m.Decisions}, recordNow, render); err != nil {
		t.Fatal(err)
	}
	amended := c.MinutesEffects(m, proposals, links)
	if got := keys(amended); !slices.Equal(got, want) {
		t.Fatalf("amended effects %q, want the same keys %q", got, want)
	}
	if b := amended[2].Comment.Body; !strings.Contains(b, "(revision 2, amended: typo in a name)") || amended[2].Same(effects[2]) {
		t.Errorf("amended comment:\n%s", b)
	}
	if !amended[3].Same(effects[3]) {
		t.Errorf("labels changed by an amendment: %+v", amended[3])
	}

	// Off: GitHub writes not allowed, no chat; a draft tells nothing.
	c.GitHub.Write, c.Notify = false, alesco.NotifySettings{}
	if got := c.MinutesEffects(m, proposals, links); len(got) != 0 {
		t.Errorf("with write-back off: %q", keys(got))
	}
	c.Notify.Chat = []alesco.Announcement{alesco.AnnounceMinutes}
	if got := keys(c.MinutesEffects(m, proposals, links)); !slices.Equal(got, []string{"chat:minutes:alesco-2026-11-19"}) {
		t.Errorf("chat only: %q", got)
	}
	_, d := draft(t, four...)
	if got := publishing(t).MinutesEffects(d, proposals, links); len(got) != 0 {
		t.Errorf("draft minutes: %q", keys(got))
	}
}

func TestProposalEffects(t *testing.T) {
	c := publishing(t)
	c.Board[0].Chair = true
	next := alesco.Meeting{ID: "alesco-2026-12-17", Start: time.Date(2026, 12, 17, 17, 0, 0, 0, time.UTC), Location: c.Location}
	at := alesco.ProposalMoment{Now: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC), NextMeeting: &next,
		MeetingPage: "https://alesco.example.org/alesco/meetings/alesco-2026-12-17", NextRFCNumber: "0009"}
	row := func(s alesco.ProposalState, f func(*alesco.PullRecord)) alesco.PullRecord {
		p := alesco.PullRecord{Tracked: true, Proposal: alesco.Proposal{CommitteeID: "alesco", Number: 19, State: s, Open: true,
			Title: "RFC: Default to zstd-compressed RPM payloads", URL: "https://github.com/AlmaLinux/ALESCo/pull/19",
			RFCPath: "rfcs/0000-zstd-payloads.md", Created: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}}
		if f != nil {
			f(&p)
		}
		return p
	}
	board := func(p *alesco.PullRecord) {
		p.NeedsBoardInput, p.BoardInputReason = true, "labelled board input required"
	}

	effects := c.ProposalEffects(row(alesco.ProposalSubmitted, nil), true, row(alesco.ProposalDiscussion, board), at)
	if got := keys(effects); !slices.Equal(got, []string{"github:discussion:alesco:19", "github:review:alesco:19", "mail:discussion:alesco:19"}) {
		t.Fatalf("accepted for discussion: %q", got)
	}
	comment := effects[0].Comment.Body
	for _, w := range []string{"accepted this RFC for discussion on 2026-11-25", "from 2026-12-09",
		"The next free RFC number is **0009**: rename `rfcs/0000-zstd-payloads.md` to `rfcs/0009-zstd-payloads.md`",
		"Board input is expected to be a blocker", "(@bennyvasquez), is requested as a reviewer"} {
		if !strings.Contains(comment, w) {
			t.Errorf("discussion comment lacks %q:\n%s", w, comment)
		}
	}
	if r := effects[1].Review; !slices.Equal(r.Reviewers, []string{"bennyvasquez"}) || r.Number != 19 {
		t.Errorf("review: %+v", r)
	}
	if m := effects[2].Mail; !slices.Equal(m.To, []string{"board@example.org"}) ||
		m.Subject != "[ALESCo] RFC accepted for discussion: RFC: Default to zstd-compressed RPM payloads (#19)" ||
		!strings.Contains(m.Body, "Board input is expected to be a blocker") || !strings.Contains(m.Body, "https://github.com/AlmaLinux/ALESCo/pull/19") {
		t.Errorf("mail: %+v", m)
	}
	// Numbered, no board input: no number suggestion, no review request.
	plain := c.ProposalEffects(row(alesco.ProposalSubmitted, nil), true, row(alesco.ProposalDiscussion, func(p *alesco.PullRecord) { p.RFCNumber = "0009" }), at)
	if got := keys(plain); !slices.Equal(got, []string{"github:discussion:alesco:19", "mail:discussion:alesco:19"}) ||
		strings.Contains(plain[0].Comment.Body, "next free") || !strings.Contains(plain[1].Mail.Body, "not expected to be a blocker") {
		t.Errorf("plain discussion: %q\n%s", got, plain[0].Comment.Body)
	}

	fcp := c.ProposalEffects(row(alesco.ProposalDiscussion, nil), true, row(alesco.ProposalFCP, nil), at)
	if got := keys(fcp); !slices.Equal(got, []string{"github:fcp:alesco:19:alesco-2026-12-17", "mail:fcp:alesco:19:alesco-2026-12-17"}) {
		t.Fatalf("FCP: %q", got)
	}
	for _, w := range []string{"final comment period", "at its meeting on Thursday 17 December 2026, 12:00 EST (17:00 UTC): " + at.MeetingPage} {
		if !strings.Contains(fcp[0].Comment.Body, w) || !strings.Contains(fcp[1].Mail.Body, w) {
			t.Errorf("FCP comment or mail lacks %q:\n%s\n%s", w, fcp[0].Comment.Body, fcp[1].Mail.Body)
		}
	}
	if s := fcp[1].Mail.Subject; s != "[ALESCo] RFC in final comment period: RFC: Default to zstd-compressed RPM payloads (#19), vote on 2026-12-17" {
		t.Errorf("FCP subject %q", s)
	}

	for name, tc := range map[string]struct {
		prev, next alesco.PullRecord
		found      bool
	}{
		"first seen":             {row(alesco.ProposalSubmitted, nil), row(alesco.ProposalFCP, nil), false},
		"FCP label removed":      {row(alesco.ProposalFCP, nil), row(alesco.ProposalDiscussion, nil), true},
		"unchanged":              {row(alesco.ProposalFCP, nil), row(alesco.ProposalFCP, nil), true},
		"rejected":               {row(alesco.ProposalFCP, nil), row(alesco.ProposalRejected, nil), true},
		"closed while to be FCP": {row(alesco.ProposalDiscussion, nil), row(alesco.ProposalFCP, func(p *alesco.PullRecord) { p.Open = false }), true},
	} {
		if got := c.ProposalEffects(tc.prev, tc.found, tc.next, at); len(got) != 0 {
			t.Errorf("%s: %q", name, keys(got))
		}
	}
	c.GitHub.Write, c.Notify.BoardEmail = false, ""
	if got := c.ProposalEffects(row(alesco.ProposalDiscussion, nil), true, row(alesco.ProposalFCP, nil), at); len(got) != 0 {
		t.Errorf("with write-back off: %q", keys(got))
	}
}

func TestMeetingEffects(t *testing.T) {
	c := publishing(t)
	start := time.Date(2026, 12, 17, 17, 0, 0, 0, time.UTC)
	ms := c.Schedule(start, start.Add(time.Hour), nil, nil, start.Add(-48*time.Hour))
	if len(ms) != 1 || ms[0].ID != "alesco-2026-12-17" || ms[0].Status != alesco.MeetingScheduled {
		t.Fatalf("the meeting of 2026-12-17: %+v", ms)
	}
	m := ms[0]
	page := "https://alesco.example.org/alesco/meetings/alesco-2026-12-17"
	now := start.Add(-48 * time.Hour)
	cancelled := m
	cancelled.Status, cancelled.CancelReason, cancelled.Sequence = alesco.MeetingCancelled, "holidays", 1
	got := c.MeetingChangeEffects(m, cancelled, now, page)
	if len(got) != 1 || got[0].Key != "chat:cancel:alesco-2026-12-17:1" ||
		got[0].Chat.Text != "**The ALESCo meeting of Thursday 17 December 2026, 12:00 EST (17:00 UTC) is cancelled**: holidays\n"+page+"\n" {
		t.Errorf("cancel: %+v", got)
	}
	moved := m
	moved.Start, moved.End, moved.Status, moved.Sequence = start.Add(24*time.Hour), start.Add(25*time.Hour), alesco.MeetingMoved, 2
	if got := c.MeetingChangeEffects(m, moved, now, page); len(got) != 1 || got[0].Key != "chat:move:alesco-2026-12-17:2" ||
		!strings.Contains(got[0].Chat.Text, "has moved** to Friday 18 December 2026, 12:00 EST (17:00 UTC)") {
		t.Errorf("move: %+v", got)
	}
	if got := c.MeetingChangeEffects(m, cancelled, start.Add(2*time.Hour), page); len(got) != 0 {
		t.Errorf("a past meeting's change announced: %+v", got)
	}

	links := alesco.MeetingLinks{Agenda: "https://alesco.example.org/agenda/alesco-2026-12-17.md"}
	for _, tc := range []struct {
		now  time.Time
		want string
	}{
		{start.Add(-25 * time.Hour), ""},
		{start.Add(-24 * time.Hour), "chat:agenda:alesco-2026-12-17"},
		{start.Add(-time.Minute), "chat:agenda:alesco-2026-12-17"},
		{start, "chat:start:alesco-2026-12-17"},
		{start.Add(59 * time.Minute), "chat:start:alesco-2026-12-17"},
		{start.Add(time.Hour), ""},
	} {
		got := c.Announce(m, alesco.MeetingMoment{Now: tc.now, AgendaMarkdown: "# ALESCo Meeting Agenda (2026-12-17)\n", Links: links})
		if k := strings.Join(keys(got), ","); k != tc.want {
			t.Errorf("at %s: %q, want %q", tc.now.Sub(start), k, tc.want)
		}
	}
	ag := c.Announce(m, alesco.MeetingMoment{Now: start.Add(-24 * time.Hour), AgendaMarkdown: "# ALESCo Meeting Agenda (2026-12-17)\n", Links: links})
	if text := ag[0].Chat.Text; !strings.Contains(text, "(in 24 hours)") || !strings.Contains(text, "# ALESCo Meeting Agenda") || !strings.Contains(text, links.Agenda) {
		t.Errorf("agenda post: %q", text)
	}
	st := c.Announce(m, alesco.MeetingMoment{Now: start, Links: links})
	if text := st[0].Chat.Text; !strings.Contains(text, "starting now") || !strings.Contains(text, "Where: ~alesco on chat.almalinux.org (https://chat.almalinux.org/almalinux/channels/alesco)") {
		t.Errorf("start post: %q", text)
	}
	// A deployment that configures the series' join link (url:) posts it.
	withLink := m
	withLink.JoinURL = "https://meet.example.org/alesco"
	if text := c.Announce(withLink, alesco.MeetingMoment{Now: start, Links: links})[0].Chat.Text; !strings.Contains(text, "Join: https://meet.example.org/alesco\n") || strings.Contains(text, "Where:") {
		t.Errorf("start post with a join link: %q", text)
	}
	if got := c.Announce(cancelled, alesco.MeetingMoment{Now: start, Links: links}); len(got) != 0 {
		t.Errorf("cancelled meeting announced: %+v", got)
	}
}

// TestInsertIndexLine: the wiki's index before the commit that published
// 2026-07-30, with that meeting's line inserted, is the index after it,
// byte for byte.
func TestInsertIndexLine(t *testing.T) {
	after, err := os.ReadFile(alescotest.Path("testdata/wiki/meeting-minutes.md"))
	if err != nil {
		t.Fatal(err)
	}
	line := "- [July 30, 2026](/alesco/meeting-minutes/2026-07-30)"
	before := strings.Replace(string(after), line+"\n", "", 1)
	got, changed := alesco.InsertIndexLine(before, line, alescotest.Date("2026-07-30"))
	if !changed || got != string(after) {
		t.Fatalf("inserted:\n%s", got)
	}
	if again, changed := alesco.InsertIndexLine(got, line, alescotest.Date("2026-07-30")); changed || again != got {
		t.Fatal("inserted twice")
	}
	// An older meeting published late goes in date order.
	late := "- [July 23, 2026](/alesco/meeting-minutes/2026-07-23)"
	got, _ = alesco.InsertIndexLine(string(after), late, alescotest.Date("2026-07-23"))
	if !strings.Contains(got, line+"\n"+late+"\n- [July 16, 2026]") {
		t.Errorf("late meeting misplaced:\n%s", got)
	}
	if got, _ := alesco.InsertIndexLine("# Minutes\n", line, alescotest.Date("2026-07-30")); got != "# Minutes\n"+line+"\n" {
		t.Errorf("empty list: %q", got)
	}
}

func TestNextRFCNumber(t *testing.T) {
	ps := []alesco.Proposal{{RFCNumber: "0007"}, {RFCNumber: ""}, {RFCNumber: "0008"}, {RFCNumber: "0002"}}
	if got := alesco.NextRFCNumber(ps); got != "0009" {
		t.Errorf("NextRFCNumber = %s, want 0009", got)
	}
	if got := alesco.NextRFCNumber(nil); got != "0001" {
		t.Errorf("NextRFCNumber(none) = %s, want 0001", got)
	}
}
