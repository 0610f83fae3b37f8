package pages

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/agenda"
	"github.com/almalinux/alesco/internal/htmlcheck"
)

// The fixture scenario, built by hand the way the use cases return it: the
// committee on 2026-11-25, its next meeting alesco-2026-12-03, the open RFCs
// of the GitHub fixtures (votes #17 and #18 with #18 needing board input,
// discussion #16, new #19 and the draft #20) and the minutes of 2026-07-30.

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func date(s string) alesco.Date {
	d, err := alesco.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func fixtureCommittee() *Committee {
	names := []struct{ id, name, gh string }{
		{"andrew-lukoshko", "Andrew Lukoshko", "andrewlukoshko"},
		{"ben-thomas", "Ben Thomas", ""},
		{"jonathan-wright", "Jonathan Wright", "jonathanspw"},
		{"lance-albertson", "Lance Albertson", "ramereth"},
		{"neal-gompa", "Neal Gompa", "Conan-Kudo"},
	}
	c := &alesco.Committee{
		ID: "alesco", Name: "AlmaLinux Engineering Steering Committee", ShortName: "ALESCo", TimeZone: "America/New_York",
		Links:  alesco.Links{Chat: "https://chat.almalinux.org/almalinux/channels/engineering", Minutes: "https://wiki.almalinux.org/alesco/meeting-minutes/"},
		GitHub: alesco.GitHubSettings{Repo: "AlmaLinux/ALESCo", RFCPath: "rfcs"},
		Board:  []alesco.BoardMember{{Name: "benny Vasquez"}},
	}
	for _, n := range names {
		c.Members = append(c.Members, alesco.Member{ID: n.id, Name: n.name, GitHub: n.gh, Terms: []alesco.Term{{Start: date("2024-01-01")}}})
	}
	c.Members = append(c.Members, alesco.Member{ID: "former-member", Name: "Former Member", Terms: []alesco.Term{{Start: date("2023-01-01"), End: date("2024-01-01")}}})
	return &Committee{Committee: c, On: date("2026-11-25"), Quorum: alesco.Quorum{RosterSize: 5, Required: 4},
		ChairID: "andrew-lukoshko", ChairName: "Andrew Lukoshko", ChairTermExpired: true}
}

func fixtureMeeting() *Meeting {
	return &Meeting{Meeting: alesco.Meeting{
		ID: "alesco-2026-12-03", CommitteeID: "alesco", Title: "ALESCo meeting",
		Start: ts("2026-12-03T17:00:00Z"), End: ts("2026-12-03T18:00:00Z"),
		TimeZone: "America/New_York", Status: alesco.MeetingScheduled, OriginalStart: ts("2026-12-03T17:00:00Z"),
	}, Links: alesco.MeetingLinks{ICS: "https://alesco.example.org/calendar/alesco/alesco-2026-12-03.ics"}}
}

const pulls = "https://github.com/AlmaLinux/ALESCo/pull/"

func fixtureAgenda() *agenda.Agenda {
	fcp := alesco.ProposalFCP
	return &agenda.Agenda{
		MeetingID: "alesco-2026-12-03", CommitteeID: "alesco", Title: "ALESCo meeting", Start: ts("2026-12-03T17:00:00Z"),
		Votes: []agenda.Item{
			{Kind: agenda.KindProposal, Number: 17, Title: "RFC: Add alternative signed newer kernels", URL: pulls + "17", Authors: []string{"Lance Albertson"}, State: fcp, DaysInFCP: 12, DaysInReview: 97},
			{Kind: agenda.KindProposal, Number: 18, Title: "RFC: Permit the AlmaLinux name on community-built spins", URL: pulls + "18", State: fcp, DaysInFCP: 5, BoardInputNeeded: true, Warnings: []string{"board input needed"}},
		},
		Discussion: []agenda.Item{
			{Kind: agenda.KindProposal, Number: 16, Title: "RFC: Adding proposal for github org management", URL: pulls + "16", Authors: []string{"Jonathan Wright"}, State: alesco.ProposalDiscussion},
		},
		NewSubmissions: []agenda.Item{
			{Kind: agenda.KindProposal, Number: 19, Title: "RFC: Default to zstd-compressed RPM payloads", URL: pulls + "19", State: alesco.ProposalSubmitted},
			{Kind: agenda.KindProposal, Number: 20, Title: "WIP RFC: Enable IMA measurement by default", URL: pulls + "20", State: alesco.ProposalSubmitted, Draft: true},
		},
		CarriedOver: []agenda.Item{
			{Kind: agenda.KindActionItem, Title: "Draft the new signed-kernels RFC", Owner: "Lance Albertson", SourceMeetingID: "alesco-2026-07-30"},
		},
		ChairElection: agenda.ChairElection{Due: true, CurrentChairID: "andrew-lukoshko", Reason: "Andrew Lukoshko's term ran out on 2026-02-20."},
	}
}

func fixtureProposals() []alesco.Proposal {
	p := func(n int, title string, st alesco.ProposalState) alesco.Proposal {
		return alesco.Proposal{CommitteeID: "alesco", Number: n, Title: title, URL: pulls + string(rune('0'+n/10)) + string(rune('0'+n%10)), State: st, AuthorLogin: "someone"}
	}
	ps := []alesco.Proposal{
		p(19, "RFC: Default to zstd-compressed RPM payloads", alesco.ProposalSubmitted),
		p(20, "WIP RFC: Enable IMA measurement by default", alesco.ProposalSubmitted),
		p(18, "RFC: Permit the AlmaLinux name on community-built spins", alesco.ProposalFCP),
		p(17, "RFC: Add alternative signed newer kernels", alesco.ProposalFCP),
		p(16, "RFC: Adding proposal for github org management", alesco.ProposalDiscussion),
	}
	ps[1].Draft = true
	ps[2].NeedsBoardInput = true
	ps[3].RFCNumber = "0007"
	ps[3].Authors = []string{"Lance Albertson"}
	return ps
}

func fixtureClosedProposals() []alesco.Proposal {
	return []alesco.Proposal{
		{Number: 10, Title: "RFC: Enable CRB by default for AlmaLinux 10+", URL: pulls + "10", State: alesco.ProposalAccepted, RFCNumber: "0006"},
		{Number: 7, Title: "RFC: Build an x86_64-v1 variant of AlmaLinux 10", URL: pulls + "7", State: alesco.ProposalRejected},
		{Number: 15, Title: "RFC: Provide Secure Boot-Signed Alternative Kernels", URL: pulls + "15", State: alesco.ProposalWithdrawn},
	}
}

// gvnic is the decision of 2026-07-30 as the minutes write it, and as it reads.
const (
	gvnic     = "Unanimously voted to backport the gVNIC drivers to the AlmaLinux 9 ([bug 622](https://bugs.almalinux.org/view.php?id=622)) and 10 ([bug 621](https://bugs.almalinux.org/view.php?id=621)) kernels."
	gvnicText = "Unanimously voted to backport the gVNIC drivers to the AlmaLinux 9 (bug 622) and 10 (bug 621) kernels."
)

func fixtureMinutesList() []*Minutes {
	summary := func(id, day string, present, roster int, met bool, decisions ...string) *Minutes {
		m := &alesco.Minutes{MeetingID: id, Date: date(day), Status: alesco.MinutesFinal}
		for _, d := range decisions {
			m.Decisions = append(m.Decisions, alesco.Decision{Text: d})
		}
		return &Minutes{Minutes: m, Quorum: alesco.Quorum{RosterSize: roster}, MembersPresent: present, QuorumMet: met}
	}
	return []*Minutes{
		summary("alesco-2025-10-16", "2025-10-16", 3, 5, false),
		summary("alesco-2026-07-30", "2026-07-30", 5, 5, true, gvnic),
		summary("alesco-2026-06-04", "2026-06-04", 4, 4, true, "Elected Andrew Lukoshko as chair."),
	}
}

func fixtureMinutes() *Minutes {
	member := func(id string) alesco.Attendee {
		return alesco.Attendee{Kind: alesco.AttendeeMember, MemberID: id}
	}
	vote := func(id, name string, v alesco.VoteValue, src alesco.VoteSource) alesco.Vote {
		return alesco.Vote{MemberID: id, MemberName: name, Value: v, Source: src}
	}
	yes, live := alesco.VoteYes, alesco.VoteLive
	async := vote("neal-gompa", "Neal Gompa", yes, alesco.VoteAsync)
	async.ReferenceURL = "https://bugs.almalinux.org/view.php?id=622"
	m := &alesco.Minutes{
		MeetingID: "alesco-2026-07-30", CommitteeID: "alesco", Date: date("2026-07-30"),
		Status: alesco.MinutesFinal, Revision: 1,
		RecordedBy: []string{"Andrew Lukoshko"}, EditedBy: []string{"Andrew Lukoshko"},
		Attendees: []alesco.Attendee{
			member("andrew-lukoshko"), member("ben-thomas"), member("jonathan-wright"), member("lance-albertson"),
			{Kind: alesco.AttendeeMember, MemberID: "neal-gompa", Note: "arrived late"},
			{Kind: alesco.AttendeeCommunity, Name: "Jane Community"},
		},
		Decisions: []alesco.Decision{{Text: gvnic, MotionID: 1, Outcome: alesco.OutcomePassed}},
		Motions: []alesco.Motion{{
			ID: 1, MeetingID: "alesco-2026-07-30", Title: "Backport the gVNIC drivers",
			Status: alesco.MotionClosed, Outcome: alesco.OutcomePassed, Unanimous: true,
			Votes: []alesco.Vote{
				vote("andrew-lukoshko", "Andrew Lukoshko", yes, live), vote("ben-thomas", "Ben Thomas", yes, live),
				vote("jonathan-wright", "", yes, live), vote("lance-albertson", "Lance Albertson", yes, live), async,
			},
		}},
		Notes: []alesco.Note{
			{ID: 1, Topic: "RFC: Adding proposal for github org management", ProposalNumber: 16, Text: "No change since the last meeting."},
			{ID: 2, Topic: "EPEL possible breaking changes", Text: "- Discussed the new versioning in EPEL 11.\n- See [Looking back at EPEL 10](https://discussion.fedoraproject.org/t/197373)."},
			{ID: 3, Topic: "RFC: Adding proposal for github org management", Text: "Follow up next time."},
		},
		ActionItems: []alesco.ActionItem{{ID: 1, Owner: "Jonathan Wright", Text: "Update the org management RFC"}},
	}
	return &Minutes{Minutes: m, Quorum: alesco.Quorum{RosterSize: 5, Required: 4}, MembersPresent: 5, QuorumMet: true}
}

func fixtureLayout(section string) Layout {
	return Layout{Title: "ALESCo", Committee: fixtureCommittee(), Section: section}
}

func render(t *testing.T, name string, data any) []byte {
	t.Helper()
	p, err := New()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := p.Render(&buf, name, data); err != nil {
		t.Fatal(err)
	}
	if err := htmlcheck.Check(buf.Bytes()); err != nil {
		t.Fatalf("%s page is not valid HTML:\n%v\n%s", name, err, buf.Bytes())
	}
	return buf.Bytes()
}

func mainText(t *testing.T, doc []byte) string {
	t.Helper()
	s, err := htmlcheck.Text(doc)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func section(t *testing.T, doc []byte, id string) string {
	t.Helper()
	s, ok, err := htmlcheck.SectionText(doc, id)
	if err != nil || !ok {
		t.Fatalf("no section %q (%v) in\n%s", id, err, doc)
	}
	return s
}

func contains(t *testing.T, what, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("%s: missing %q in\n%s", what, w, text)
		}
	}
}

func absent(t *testing.T, what, text string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(text, w) {
			t.Errorf("%s: unexpected %q in\n%s", what, w, text)
		}
	}
}

func fixtureCommitteePage() *CommitteePage {
	return &CommitteePage{
		Layout: fixtureLayout("home"), Next: fixtureMeeting(), Agenda: fixtureAgenda(),
		Proposals: GroupProposals(fixtureProposals()), Sync: SyncInfo{LastSynced: ts("2026-11-25T11:55:00Z")},
		Decisions: RecentDecisions(fixtureMinutesList(), 3),
		Subscribe: NewSubscribe("https://alesco.example.org/calendar/alesco.ics", "ALESCo meetings"),
	}
}

func TestCommitteePage(t *testing.T) {
	doc := render(t, PageCommittee, fixtureCommitteePage())
	next := section(t, doc, "next")
	contains(t, "next meeting", next,
		"ALESCo meeting", "Thursday, 3 December 2026, 12:00 EST",
		"Votes #17 RFC: Add alternative signed newer kernels", "12 days in final comment period", "97 days in review",
		"#18 RFC: Permit the AlmaLinux name on community-built spins board input needed",
		"Discussion #16 RFC: Adding proposal for github org management",
		"New submissions #19 RFC: Default to zstd-compressed RPM payloads #20 WIP RFC: Enable IMA measurement by default draft",
		"Carried over Draft the new signed-kernels RFC", "owner: Lance Albertson",
		"Chair election Andrew Lukoshko's term ran out", "Open floor")
	contains(t, "next meeting links", string(doc),
		`href="https://alesco.example.org/calendar/alesco/alesco-2026-12-03.ics"`, `<time datetime="2026-12-03T17:00:00Z" data-tz="America/New_York">`,
		`href="/alesco/meetings/alesco-2026-12-03"`, `href="/agenda/alesco-2026-12-03.md"`)

	contains(t, "votes group", section(t, doc, "st-fcp"), "Vote at next meeting (2)", "#17", "RFC 0007", "by Lance Albertson", "#18", "board input needed")
	contains(t, "discussion group", section(t, doc, "st-discussion"), "In discussion (1)", "#16")
	contains(t, "submitted group", section(t, doc, "st-submitted"), "Submitted (2)", "#19", "#20", "draft")
	open := section(t, doc, "open")
	if i, j, k := strings.Index(open, "Vote at next meeting"), strings.Index(open, "In discussion"), strings.Index(open, "Submitted"); !(i < j && j < k) {
		t.Errorf("open proposals are not ordered votes, discussion, submitted: %s", open)
	}
	contains(t, "sync", open, "Proposals as last synced with GitHub, Wednesday, 25 November 2026, 06:55 EST")

	dec := section(t, doc, "decisions")
	contains(t, "decisions", dec, "Thursday, 30 July 2026", gvnicText, "Thursday, 4 June 2026")
	absent(t, "decisions", dec, "16 October 2025") // no decision was adopted without quorum
	if strings.Index(dec, "30 July") > strings.Index(dec, "4 June") {
		t.Errorf("decisions are not newest first: %s", dec)
	}

	mem := section(t, doc, "members")
	contains(t, "members", mem, "Chair: Andrew Lukoshko term has run out: election due", "Andrew Lukoshko chair", "Ben Thomas", "Jonathan Wright @jonathanspw",
		"Lance Albertson", "Neal Gompa", "Quorum: 4 of 5 members, as of Wednesday, 25 November 2026", "benny Vasquez")
	absent(t, "members", mem, "Former Member")

	contains(t, "subscribe", string(doc),
		`href="webcal://alesco.example.org/calendar/alesco.ics"`,
		`href="https://calendar.google.com/calendar/render?cid=webcal%3A%2F%2Falesco.example.org%2Fcalendar%2Falesco.ics"`,
		`href="https://outlook.live.com/calendar/0/addfromweb?url=https%3A%2F%2Falesco.example.org%2Fcalendar%2Falesco.ics&amp;name=ALESCo&#43;meetings"`,
		`href="https://alesco.example.org/calendar/alesco.ics?expand=true"`,
		`<input id="feed-url" type="url" readonly value="https://alesco.example.org/calendar/alesco.ics"`)
}

// TestPagesDegrade renders every page the way the server does when the
// services behind it are not available: each section says so, and the page
// is still valid.
func TestPagesDegrade(t *testing.T) {
	const na = "Not available yet."
	pages := []struct {
		name string
		data any
		want []string
	}{
		{PageIndex, &IndexPage{Layout: Layout{Title: "Committees"}, Committees: []CommitteeSummary{{Committee: fixtureCommittee(), NextNote: na}}}, []string{"AlmaLinux Engineering Steering Committee", "Next meeting: Not available yet."}},
		{PageIndex, &IndexPage{Layout: Layout{Title: "Committees"}, Note: "No committees are configured."}, []string{"No committees are configured."}},
		{PageCommittee, &CommitteePage{Layout: fixtureLayout("home"), NextNote: na, AgendaNote: na, ProposalsNote: na, DecisionsNote: na, Subscribe: NewSubscribe("http://x/calendar/alesco.ics", "x")}, []string{"Next meeting Not available yet. Agenda Not available yet.", "Open proposals Not available yet.", "Recent decisions Not available yet."}},
		{PageCommittee, &CommitteePage{Layout: fixtureLayout("home"), Next: fixtureMeeting(), Agenda: &agenda.Agenda{}, Subscribe: NewSubscribe("http://x/calendar/alesco.ics", "x")}, []string{"No RFC is up for a vote.", "No proposals are open.", "No decisions recorded yet."}},
		{PageMeeting, &MeetingPage{Layout: fixtureLayout("meeting"), MeetingID: "alesco-2026-12-03", MeetingNote: na, AgendaNote: na, MinutesNote: na, Upcoming: true, ICSURL: "/calendar/alesco/alesco-2026-12-03.ics"}, []string{"Meeting alesco-2026-12-03 Not available yet.", "Agenda Not available yet.", "Minutes Not available yet."}},
		{PageProposals, &ProposalsPage{Layout: fixtureLayout("proposals"), Note: na}, []string{"Proposals of ALESCo", na}},
		{PageProposals, &ProposalsPage{Layout: fixtureLayout("proposals")}, []string{"No proposals are tracked yet."}},
		{PageMinutes, &MinutesPage{Layout: fixtureLayout("minutes"), Note: na}, []string{"Minutes of ALESCo meetings", na}},
		{PageMinutes, &MinutesPage{Layout: fixtureLayout("minutes")}, []string{"No minutes have been recorded yet."}},
		{PageNotFound, &NotFoundPage{Layout: Layout{Title: "Not found"}, Message: "There is no committee \"nope\"."}, []string{"Page not found", "There is no committee \"nope\"."}},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			doc := render(t, p.name, p.data)
			contains(t, p.name, mainText(t, doc), p.want...)
		})
	}
}

func TestMeetingPageBefore(t *testing.T) {
	doc := render(t, PageMeeting, &MeetingPage{
		Layout: fixtureLayout("meeting"), MeetingID: "alesco-2026-12-03", Meeting: fixtureMeeting(), Upcoming: true,
		Agenda: fixtureAgenda(), MinutesNote: "Minutes will be published after the meeting.",
		ICSURL: "https://alesco.example.org/calendar/alesco/alesco-2026-12-03.ics", AgendaMarkdownURL: "/agenda/alesco-2026-12-03.md",
	})
	text := mainText(t, doc)
	contains(t, "meeting", text, "ALESCo meeting, 3 December 2026", "Thursday, 3 December 2026, 12:00 EST Scheduled",
		"Agenda Votes #17", "#18", "Discussion #16", "#19", "#20", "Minutes Minutes will be published after the meeting.")
	if strings.Index(text, "Agenda") > strings.Index(text, "Minutes will") {
		t.Error("an upcoming meeting should show its agenda before the minutes")
	}
}

func TestMeetingPageAfter(t *testing.T) {
	m := fixtureMeeting()
	m.ID, m.Start, m.End, m.OriginalStart = "alesco-2026-07-30", ts("2026-07-30T16:00:00Z"), ts("2026-07-30T17:00:00Z"), ts("2026-07-30T16:00:00Z")
	m.Status = alesco.MeetingHeld
	doc := render(t, PageMeeting, &MeetingPage{
		Layout: fixtureLayout("meeting"), MeetingID: m.ID, Meeting: m, Minutes: fixtureMinutes(), AgendaNote: "No agenda was recorded.",
		ICSURL: "/calendar/alesco/alesco-2026-07-30.ics", MinutesMarkdownURL: "/minutes/alesco-2026-07-30.md",
	})
	text := mainText(t, doc)
	contains(t, "minutes", text,
		"Thursday, 30 July 2026, 12:00 EDT Held",
		"Final · recorded by Andrew Lukoshko · edited by Andrew Lukoshko",
		"5 of 5 members present, 4 required: quorum met.",
		"Members present Andrew Lukoshko Ben Thomas Jonathan Wright Lance Albertson Neal Gompa (arrived late)",
		"Unable to attend None.", "Community attendees Jane Community",
		"Decisions adopted "+gvnicText,
		"Backport the gVNIC drivers: Passed, unanimous · +5, 0, 0 (5 in favor, 0 abstained, 0 not in favor)",
		"Andrew Lukoshko +1 (yes) in the meeting", "Jonathan Wright +1 (yes) in the meeting", "Neal Gompa +1 (yes) async (reference)",
		"Notes RFC: Adding proposal for github org management (#16) No change since the last meeting. Follow up next time. EPEL possible breaking changes Discussed the new versioning in EPEL 11. See Looking back at EPEL 10.",
		"Action items Update the org management RFC · owner: Jonathan Wright",
		"Agenda No agenda was recorded.")
	if strings.Index(text, "Minutes") > strings.Index(text, "Agenda") {
		t.Error("a past meeting should show its minutes before the agenda")
	}
	contains(t, "links", string(doc), `href="/minutes/alesco-2026-07-30.md"`, `(<a href="https://bugs.almalinux.org/view.php?id=622">bug 622</a>)`)
}

func TestProposalsPage(t *testing.T) {
	all := append(fixtureProposals(), fixtureClosedProposals()...)
	doc := render(t, PageProposals, &ProposalsPage{Layout: fixtureLayout("proposals"), Groups: GroupProposals(all)})
	text := mainText(t, doc)
	order := []string{"Vote at next meeting (2) #17", "#18", "In discussion (1) #16", "Submitted (2) #19", "#20", "Accepted (1) #10", "Rejected (1) #7", "Withdrawn (1) #15"}
	last := -1
	for _, w := range order {
		i := strings.Index(text, w)
		if i < 0 || i < last {
			t.Fatalf("%q missing or out of order in\n%s", w, text)
		}
		last = i
	}
	if !strings.Contains(string(doc), `aria-current="page">Proposals`) {
		t.Error("the Proposals navigation entry is not marked current")
	}
}

func TestMinutesPage(t *testing.T) {
	doc := render(t, PageMinutes, &MinutesPage{Layout: fixtureLayout("minutes"), Minutes: SortMinutes(fixtureMinutesList())})
	text := mainText(t, doc)
	contains(t, "minutes", text, "Thursday, 30 July 2026 5 of 5 members, quorum met "+gvnicText,
		"Thursday, 16 October 2025 3 of 5 members, no quorum None")
	if strings.Index(text, "30 July 2026") > strings.Index(text, "4 June 2026") || strings.Index(text, "4 June 2026") > strings.Index(text, "16 October 2025") {
		t.Errorf("minutes are not newest first: %s", text)
	}
	contains(t, "links", string(doc), `href="/alesco/meetings/alesco-2026-07-30"`, `href="/minutes/alesco-2026-07-30.md"`, `href="https://wiki.almalinux.org/alesco/meeting-minutes/"`)
}

func TestNewSubscribe(t *testing.T) {
	cases := []struct {
		name, feed, webcal, google string
	}{
		{"https", "https://alesco.example.org/calendar/alesco.ics", "webcal://alesco.example.org/calendar/alesco.ics", "https://calendar.google.com/calendar/render?cid=webcal%3A%2F%2Falesco.example.org%2Fcalendar%2Falesco.ics"},
		{"http with port", "http://localhost:8080/calendar/alesco.ics", "webcal://localhost:8080/calendar/alesco.ics", "https://calendar.google.com/calendar/render?cid=webcal%3A%2F%2Flocalhost%3A8080%2Fcalendar%2Falesco.ics"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := NewSubscribe(tc.feed, "ALESCo meetings")
			if string(s.WebcalURL) != tc.webcal || s.GoogleURL != tc.google || s.FeedURL != tc.feed {
				t.Fatalf("got %+v", s)
			}
			if want := "https://outlook.live.com/calendar/0/addfromweb?url=" + strings.NewReplacer(":", "%3A", "/", "%2F").Replace(tc.feed) + "&name=ALESCo+meetings"; s.OutlookURL != want {
				t.Fatalf("Outlook = %q, want %q", s.OutlookURL, want)
			}
		})
	}
}

// TestNoScriptNeeded checks that every time shown has its text in the
// committee's zone in the HTML itself; the script only adds the reader's.
func TestNoScriptNeeded(t *testing.T) {
	doc := render(t, PageCommittee, fixtureCommitteePage())
	if !strings.Contains(string(doc), `data-tz="America/New_York">Thursday, 3 December 2026, 12:00 EST</time>`) {
		t.Fatalf("meeting time not rendered server-side:\n%s", doc)
	}
	if n := len(doc); n > 40<<10 {
		t.Errorf("committee page is %d bytes; keep it light", n)
	}
}

func BenchmarkRenderCommitteePage(b *testing.B) {
	p, err := New()
	if err != nil {
		b.Fatal(err)
	}
	data := fixtureCommitteePage()
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := p.Render(&buf, PageCommittee, data); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/page")
}

func TestLinks(t *testing.T) {
	cases := []struct{ name, in, html, text string }{
		{"plain", "No change since the last meeting.", "No change since the last meeting.", "No change since the last meeting."},
		{"one link", "Discussed [RFC: org management](https://github.com/AlmaLinux/ALESCo/pull/16)",
			`Discussed <a href="https://github.com/AlmaLinux/ALESCo/pull/16">RFC: org management</a>`, "Discussed RFC: org management"},
		{"query string", "([bug 622](https://bugs.almalinux.org/view.php?id=622&x=1))",
			`(<a href="https://bugs.almalinux.org/view.php?id=622&amp;x=1">bug 622</a>)`, "(bug 622)"},
		{"markup is escaped", "<script>alert(1)</script> & [<b>x</b>](https://e.org)",
			`&lt;script&gt;alert(1)&lt;/script&gt; &amp; <a href="https://e.org">&lt;b&gt;x&lt;/b&gt;</a>`, "<script>alert(1)</script> & <b>x</b>"},
		{"no javascript links", "[x](javascript:alert(1))", "[x](javascript:alert(1))", "[x](javascript:alert(1))"},
		{"quote in url", `[x](https://e.org/"onmouseover=alert)`, `<a href="https://e.org/&#34;onmouseover=alert">x</a>`, "x"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(Links(tc.in)); got != tc.html {
				t.Errorf("Links = %s, want %s", got, tc.html)
			}
			if got := htmlcheck.MarkdownText(tc.in); got != tc.text {
				t.Errorf("MarkdownText = %q, want %q", got, tc.text)
			}
		})
	}
}
