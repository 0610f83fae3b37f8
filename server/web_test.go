package server_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/almalinux/alesco/internal/alescotest"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/internal/htmlcheck"
	"github.com/almalinux/alesco/web"
)

// newWebEnv starts a server and loads the fixture data through the API:
// three of the real minutes kept in demo/minutes are imported and proposals synced from a fake
// GitHub serving the fixture scenario.
func newWebEnv(t *testing.T) *alescotest.Env {
	t.Helper()
	env := alescotest.New(t, alescotest.WithGitHub(""))
	ctx := context.Background()
	admin := alescotest.WithToken(env.Token(alesco.RoleAdmin, "alesco", ""))
	var files []string
	for _, d := range []string{"2025-10-16", "2026-06-04", "2026-07-30"} {
		files = append(files, "../demo/minutes/"+d+".md")
	}
	mc := v1.NewMinutesServiceClient(env.Client, env.URL, admin)
	for _, f := range files {
		md, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		_, err = mc.ImportMinutes(ctx, connect.NewRequest(&alescov1.ImportMinutesRequest{CommitteeId: "alesco", FileName: filepath.Base(f), Markdown: string(md)}))
		if err != nil {
			t.Fatalf("import %s: %v", f, err)
		}
	}
	pc := v1.NewProposalServiceClient(env.Client, env.URL, admin)
	if _, err := pc.SyncProposals(ctx, connect.NewRequest(&alescov1.SyncProposalsRequest{CommitteeId: "alesco"})); err != nil {
		t.Fatalf("SyncProposals: %v", err)
	}
	return env
}

// webWant is what the pages must show, fetched over the public API.
type webWant struct {
	committees []*alescov1.Committee
	committee  *alescov1.Committee
	next       *alescov1.Meeting
	nextErr    error
	agenda     *alescov1.Agenda
	agendaErr  error
	open       []*alescov1.Proposal
	openErr    error
	all        []*alescov1.Proposal
	allErr     error
	minutes    []*alescov1.MinutesSummary
	minutesErr error
}

func webFetchWant(t *testing.T, env *alescotest.Env) webWant {
	t.Helper()
	ctx := context.Background()
	get := connect.WithHTTPGet()
	var w webWant
	cc := v1.NewCommitteeServiceClient(env.Client, env.URL, get)
	lc, err := cc.ListCommittees(ctx, connect.NewRequest(&alescov1.ListCommitteesRequest{}))
	if err != nil {
		t.Fatal(err)
	}
	w.committees = lc.Msg.Committees
	gc, err := cc.GetCommittee(ctx, connect.NewRequest(&alescov1.GetCommitteeRequest{CommitteeId: "alesco"}))
	if err != nil {
		t.Fatal(err)
	}
	w.committee = gc.Msg.Committee
	next, err := v1.NewMeetingServiceClient(env.Client, env.URL, get).GetNextMeeting(ctx, connect.NewRequest(&alescov1.GetNextMeetingRequest{CommitteeId: "alesco"}))
	agendaReq := &alescov1.GetAgendaRequest{MeetingId: "next", CommitteeId: "alesco"}
	if w.nextErr = err; err == nil {
		w.next = next.Msg.Meeting
		agendaReq.MeetingId = w.next.Id
	}
	ag, err := v1.NewAgendaServiceClient(env.Client, env.URL, get).GetAgenda(ctx, connect.NewRequest(agendaReq))
	if w.agendaErr = err; err == nil {
		w.agenda = ag.Msg.Agenda
	}
	pc := v1.NewProposalServiceClient(env.Client, env.URL, get)
	open, err := pc.ListProposals(ctx, connect.NewRequest(&alescov1.ListProposalsRequest{CommitteeId: "alesco", States: []alescov1.ProposalState{
		alescov1.ProposalState_PROPOSAL_STATE_SUBMITTED, alescov1.ProposalState_PROPOSAL_STATE_DISCUSSION, alescov1.ProposalState_PROPOSAL_STATE_FCP}}))
	if w.openErr = err; err == nil {
		w.open = open.Msg.Proposals
	}
	all, err := pc.ListProposals(ctx, connect.NewRequest(&alescov1.ListProposalsRequest{CommitteeId: "alesco"}))
	if w.allErr = err; err == nil {
		w.all = all.Msg.Proposals
	}
	ms, err := v1.NewMinutesServiceClient(env.Client, env.URL, get).ListMinutes(ctx, connect.NewRequest(&alescov1.ListMinutesRequest{CommitteeId: "alesco"}))
	if w.minutesErr = err; err == nil {
		w.minutes = ms.Msg.Minutes
	}
	return w
}

// webNorm collapses whitespace the way the page text helpers do.
func webNorm(s string) string { return strings.Join(strings.Fields(s), " ") }

func webStateSlug(st alescov1.ProposalState) string {
	return strings.ToLower(strings.TrimPrefix(st.String(), "PROPOSAL_STATE_"))
}

// webSection returns the text of a page section, failing when it is missing.
func webSection(t *testing.T, doc []byte, id string) string {
	t.Helper()
	s, ok, err := htmlcheck.SectionText(doc, id)
	if err != nil || !ok {
		t.Fatalf("page has no section %q (%v)", id, err)
	}
	return s
}

func webWantIn(t *testing.T, what, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, webNorm(w)) {
			t.Errorf("%s: missing %q in:\n%s", what, w, text)
		}
	}
}

func webHasLink(t *testing.T, doc []byte, href string) {
	t.Helper()
	links, err := htmlcheck.Links(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range links {
		if l.Href == href {
			return
		}
	}
	t.Errorf("no link to %q", href)
}

// webWantNote checks a section shows the note for a failed call.
func webWantNote(t *testing.T, what, text string, err error, ifNotFound string) {
	t.Helper()
	if alescotest.CodeOf(err) != connect.CodeNotFound {
		t.Errorf("%s: the API call failed unexpectedly: %v", what, err)
		return
	}
	webWantIn(t, what, text, ifNotFound)
}

func webCheckIndex(t *testing.T, doc []byte, w webWant) {
	text, err := htmlcheck.Text(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range w.committees {
		webWantIn(t, "index", text, c.Name)
		webHasLink(t, doc, "/"+c.Id)
	}
	if w.next != nil {
		webHasLink(t, doc, "/alesco/meetings/"+w.next.Id)
	}
}

func webAgendaItems(a *alescov1.Agenda) []*alescov1.AgendaItem {
	var out []*alescov1.AgendaItem
	for _, l := range [][]*alescov1.AgendaItem{a.GetVotes(), a.GetDiscussion(), a.GetCarriedOver(), a.GetNewSubmissions()} {
		out = append(out, l...)
	}
	return out
}

func webCheckAgenda(t *testing.T, what, text string, a *alescov1.Agenda) {
	t.Helper()
	for _, it := range webAgendaItems(a) {
		if it.Number != 0 {
			webWantIn(t, what, text, "#"+webItoa(it.Number)+" "+it.Title)
		} else {
			webWantIn(t, what, text, it.Title)
		}
		for _, warn := range it.Warnings {
			webWantIn(t, what, text, warn)
		}
	}
	if len(a.GetVotes()) == 0 {
		webWantIn(t, what, text, "No RFC is up for a vote.")
	}
}

func webItoa(n int32) string { return strconv.Itoa(int(n)) }

func webCheckCommittee(t *testing.T, doc []byte, w webWant) {
	c := w.committee
	text, err := htmlcheck.Text(doc)
	if err != nil {
		t.Fatal(err)
	}
	webWantIn(t, "committee", text, c.Name)

	next := webSection(t, doc, "next")
	if w.next != nil {
		webWantIn(t, "next meeting", next, w.next.Title)
		webHasLink(t, doc, "/alesco/meetings/"+w.next.Id)
	} else {
		webWantNote(t, "next meeting", next, w.nextErr, "No upcoming meeting is scheduled.")
	}
	if w.agenda != nil {
		webCheckAgenda(t, "next meeting's agenda", next, w.agenda)
	} else {
		webWantNote(t, "agenda", next, w.agendaErr, "There is no agenda yet.")
	}

	open := webSection(t, doc, "open")
	if w.openErr != nil {
		webWantNote(t, "open proposals", open, w.openErr, "")
	} else if len(w.open) == 0 {
		webWantIn(t, "open proposals", open, "No proposals are open.")
	}
	for _, p := range w.open {
		webWantIn(t, "open proposals", webSection(t, doc, "st-"+webStateSlug(p.State)), "#"+webItoa(p.Number)+" "+p.Title)
	}

	dec := webSection(t, doc, "decisions")
	if w.minutesErr != nil {
		webWantNote(t, "decisions", dec, w.minutesErr, "")
	}
	recent := web.RecentDecisions(w.minutes, 3) // only the latest few are shown
	for _, m := range recent {
		webHasLink(t, doc, "/alesco/meetings/"+m.MeetingId)
		for _, d := range m.Decisions {
			webWantIn(t, "decisions", dec, htmlcheck.MarkdownText(d))
		}
	}
	if w.minutesErr == nil && len(recent) == 0 {
		webWantIn(t, "decisions", dec, "No decisions recorded yet.")
	}

	mem := webSection(t, doc, "members")
	if c.CurrentChairName != "" {
		webWantIn(t, "members", mem, "Chair: "+c.CurrentChairName)
	}
	for _, m := range c.Members {
		if m.Current {
			webWantIn(t, "members", mem, m.Name)
		} else if strings.Contains(mem, m.Name) {
			t.Errorf("former member %s is listed", m.Name)
		}
	}
	webHasLink(t, doc, "webcal://alesco.example.org/calendar/alesco.ics")
	webHasLink(t, doc, "https://alesco.example.org/calendar/alesco.ics")
	webHasLink(t, doc, "https://calendar.google.com/calendar/render?cid=webcal%3A%2F%2Falesco.example.org%2Fcalendar%2Falesco.ics")
	webHasLink(t, doc, "https://outlook.live.com/calendar/0/addfromweb?url=https%3A%2F%2Falesco.example.org%2Fcalendar%2Falesco.ics&name="+strings.ReplaceAll(c.ShortName, " ", "+")+"+meetings")
}

// webCheckMeeting checks one meeting's page against GetMeeting,
// GetAgenda and GetMinutes.
func webCheckMeeting(t *testing.T, env *alescotest.Env, doc []byte, id string) {
	ctx := context.Background()
	get := connect.WithHTTPGet()
	text, err := htmlcheck.Text(doc)
	if err != nil {
		t.Fatal(err)
	}
	m, err := v1.NewMeetingServiceClient(env.Client, env.URL, get).GetMeeting(ctx, connect.NewRequest(&alescov1.GetMeetingRequest{MeetingId: id}))
	if err == nil {
		webWantIn(t, "meeting", text, m.Msg.Meeting.Title)
		if m.Msg.Meeting.CancelReason != "" {
			webWantIn(t, "meeting", text, m.Msg.Meeting.CancelReason)
		}
	} else {
		webWantNote(t, "meeting", text, err, "")
	}
	agenda := webSection(t, doc, "agenda")
	ag, err := v1.NewAgendaServiceClient(env.Client, env.URL, get).GetAgenda(ctx, connect.NewRequest(&alescov1.GetAgendaRequest{MeetingId: id, CommitteeId: "alesco"}))
	if err == nil {
		webCheckAgenda(t, "meeting agenda", agenda, ag.Msg.Agenda)
	} else {
		webWantNote(t, "meeting agenda", agenda, err, "No agenda was recorded for this meeting.")
	}
	minutes := webSection(t, doc, "minutes")
	mn, err := v1.NewMinutesServiceClient(env.Client, env.URL, get).GetMinutes(ctx, connect.NewRequest(&alescov1.GetMinutesRequest{MeetingId: id}))
	if err != nil {
		if alescotest.CodeOf(err) == connect.CodeNotFound {
			if !strings.Contains(minutes, "Minutes will be published after the meeting.") && !strings.Contains(minutes, "No minutes have been recorded for this meeting.") {
				t.Errorf("meeting without minutes does not say so: %s", minutes)
			}
		} else {
			webWantNote(t, "minutes", minutes, err, "")
		}
		return
	}
	min := mn.Msg.Minutes
	if min.QuorumMet {
		webWantIn(t, "minutes", minutes, "quorum met")
	} else {
		webWantIn(t, "minutes", minutes, "quorum not met")
	}
	for _, d := range min.Decisions {
		webWantIn(t, "minutes", minutes, htmlcheck.MarkdownText(d.Text))
	}
	for _, mo := range min.Motions {
		webWantIn(t, "minutes", minutes, mo.Title)
		for _, v := range mo.Votes {
			if v.MemberName != "" {
				webWantIn(t, "minutes", minutes, v.MemberName)
			}
		}
	}
	for _, n := range min.Notes {
		webWantIn(t, "minutes", minutes, htmlcheck.MarkdownText(n.Topic))
		for _, l := range web.NoteLines(n.Text) {
			webWantIn(t, "minutes", minutes, htmlcheck.MarkdownText(l))
		}
	}
	for _, a := range min.Attendees {
		if a.Name != "" {
			webWantIn(t, "minutes", minutes, a.Name)
		}
	}
}

func webCheckProposals(t *testing.T, doc []byte, w webWant) {
	text, err := htmlcheck.Text(doc)
	if err != nil {
		t.Fatal(err)
	}
	if w.allErr != nil {
		webWantNote(t, "proposals", text, w.allErr, "")
	}
	for _, p := range w.all {
		webWantIn(t, "proposals", webSection(t, doc, "st-"+webStateSlug(p.State)), "#"+webItoa(p.Number)+" "+p.Title)
	}
}

func webCheckMinutes(t *testing.T, doc []byte, w webWant) {
	text, err := htmlcheck.Text(doc)
	if err != nil {
		t.Fatal(err)
	}
	if w.minutesErr != nil {
		webWantNote(t, "minutes", text, w.minutesErr, "")
	}
	for _, m := range w.minutes {
		webHasLink(t, doc, "/alesco/meetings/"+m.MeetingId)
		for _, d := range m.Decisions {
			webWantIn(t, "minutes", text, htmlcheck.MarkdownText(d))
		}
	}
}

// webPaths lists the pages to visit: the fixed ones, the next meeting and
// the newest meeting with minutes.
func webPaths(w webWant) []string {
	paths := []string{"/", "/alesco", "/alesco/proposals", "/alesco/minutes"}
	if w.next != nil {
		paths = append(paths, "/alesco/meetings/"+w.next.Id)
	} else {
		paths = append(paths, "/alesco/meetings/"+alescotest.DecisionMeeting)
	}
	if len(w.minutes) > 0 {
		newest := w.minutes[0]
		for _, m := range w.minutes {
			if m.Date > newest.Date {
				newest = m
			}
		}
		paths = append(paths, "/alesco/meetings/"+newest.MeetingId)
	}
	return paths
}

// webCheckPage runs the checks for the page at path.
func webCheckPage(t *testing.T, env *alescotest.Env, w webWant, path string, doc []byte) {
	t.Helper()
	switch {
	case path == "/":
		webCheckIndex(t, doc, w)
	case path == "/alesco":
		webCheckCommittee(t, doc, w)
	case path == "/alesco/proposals":
		webCheckProposals(t, doc, w)
	case path == "/alesco/minutes":
		webCheckMinutes(t, doc, w)
	case strings.HasPrefix(path, "/alesco/meetings/"):
		webCheckMeeting(t, env, doc, strings.TrimPrefix(path, "/alesco/meetings/"))
	default:
		t.Fatalf("no checks for %s", path)
	}
}

// webGet fetches a page (env.Fetch) as a response and its body.
func webGet(t *testing.T, env *alescotest.Env, path string, header http.Header) (*http.Response, []byte) {
	t.Helper()
	var pairs []string
	for k, vs := range header {
		for _, v := range vs {
			pairs = append(pairs, k, v)
		}
	}
	f := env.Fetch(http.MethodGet, path, pairs...)
	return &http.Response{StatusCode: f.Status, Status: http.StatusText(f.Status), Header: f.Header}, f.Body
}

// TestWebPages serves every page from the real server and checks that it
// is valid HTML showing what the API returns.
func TestWebPages(t *testing.T) {
	env := newWebEnv(t)
	w := webFetchWant(t, env)
	for _, path := range webPaths(w) {
		t.Run(strings.ReplaceAll(path, "/", "_"), func(t *testing.T) {
			resp, body := webGet(t, env, path, nil)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %s\n%s", path, resp.Status, body)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type = %q", ct)
			}
			if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
				t.Errorf("Content-Security-Policy = %q", csp)
			}
			if err := htmlcheck.Check(body); err != nil {
				t.Fatalf("GET %s is not valid HTML:\n%v", path, err)
			}
			webCheckPage(t, env, w, path, body)
			// Nothing on a page needs a token: no write calls, and one form
			// only, the search box (a GET of the search page, no token).
			if forms := regexp.MustCompile(`<form[^>]*>`).FindAllString(string(body), -1); path != "/" && (len(forms) != 1 ||
				forms[0] != `<form class="search" role="search" method="get" action="/alesco/search">`) {
				t.Errorf("forms: %q, want the search box alone", forms)
			}
			for _, bad := range []string{`type="hidden"`, `method="post"`, "Authorization", "Bearer", "CancelMeeting", "CastVote"} {
				if strings.Contains(string(body), bad) {
					t.Errorf("page shows %q", bad)
				}
			}
			if n := len(body); n > 64<<10 {
				t.Errorf("page is %d bytes; keep pages light", n)
			}
		})
	}
}

func TestWebNotFound(t *testing.T) {
	env := alescotest.New(t)
	next := alescotest.NextMeeting(t)
	other, noMeeting := "other-"+next.Date.String(), alescotest.DayID(next.Date.AddDays(1))
	cases := []struct{ name, path, want string }{
		{"unknown committee", "/nope", `There is no committee "nope" here.`},
		{"proposals of unknown committee", "/nope/proposals", `There is no committee "nope" here.`},
		{"minutes of unknown committee", "/nope/minutes", `There is no committee "nope" here.`},
		{"unknown page", "/alesco/nope", "There is no page at this address."},
		{"too deep", "/alesco/meetings/" + next.ID + "/more", "There is no page at this address."},
		{"malformed meeting id", "/alesco/meetings/tomorrow", `ALESCo has no meeting "tomorrow".`},
		{"meeting id of another committee", "/alesco/meetings/" + other, `ALESCo has no meeting "` + other + `".`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := webGet(t, env, tc.path, nil)
			if resp.StatusCode != http.StatusNotFound {
				t.Fatalf("GET %s: %s, want 404", tc.path, resp.Status)
			}
			if err := htmlcheck.Check(body); err != nil {
				t.Fatalf("404 page is not valid HTML: %v", err)
			}
			text, _ := htmlcheck.Text(body)
			webWantIn(t, tc.path, text, "Page not found", tc.want)
		})
	}
	// A date the committee does not meet on is a 404, as MeetingService says.
	_, err := v1.NewMeetingServiceClient(env.Client, env.URL).GetMeeting(context.Background(), connect.NewRequest(&alescov1.GetMeetingRequest{MeetingId: noMeeting}))
	resp, body := webGet(t, env, "/alesco/meetings/"+noMeeting, nil)
	if alescotest.CodeOf(err) != connect.CodeNotFound {
		t.Errorf("GetMeeting(%s) = %v, want NotFound", noMeeting, err)
	}
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(string(body), "Page not found") {
		t.Errorf("page for a day without a meeting: %s", resp.Status)
	}
}

// TestWebConditional checks ETag/304, HEAD, and that the ETag follows the
// page's content: unchanged by a write the page does not show, changed when
// the page changes (the next day's roster date).
func TestWebConditional(t *testing.T) {
	env := alescotest.New(t)
	resp, body := webGet(t, env, "/alesco", nil)
	etag := resp.Header.Get("ETag")
	if resp.StatusCode != 200 || etag == "" || !strings.Contains(resp.Header.Get("Cache-Control"), "max-age=60") {
		t.Fatalf("GET /alesco: %s, ETag %q, Cache-Control %q", resp.Status, etag, resp.Header.Get("Cache-Control"))
	}
	resp, _ = webGet(t, env, "/alesco", http.Header{"If-None-Match": {etag}})
	if resp.StatusCode != http.StatusNotModified {
		t.Fatalf("If-None-Match: %s, want 304", resp.Status)
	}
	req, _ := http.NewRequest(http.MethodHead, env.URL+"/alesco", nil)
	head, err := env.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	head.Body.Close()
	if head.StatusCode != 200 || head.Header.Get("ETag") != etag || head.Header.Get("Content-Length") != webItoa(int32(len(body))) {
		t.Fatalf("HEAD: %s, ETag %q, Content-Length %q", head.Status, head.Header.Get("ETag"), head.Header.Get("Content-Length"))
	}

	env.Token(alesco.RoleChair, "alesco", "") // a write the page does not show
	resp, _ = webGet(t, env, "/alesco", http.Header{"If-None-Match": {etag}})
	if resp.StatusCode != http.StatusNotModified {
		t.Fatalf("after an unrelated write: %s, want 304 (same content, same ETag)", resp.Status)
	}

	env.Clock.Set(env.Now().Add(24 * time.Hour))
	resp, body2 := webGet(t, env, "/alesco", http.Header{"If-None-Match": {etag}})
	if resp.StatusCode != http.StatusOK || resp.Header.Get("ETag") == etag {
		t.Fatalf("a day later: %s, ETag %q (was %q), want a new page", resp.Status, resp.Header.Get("ETag"), etag)
	}
	if tomorrow := alescotest.Today().AddDays(1).At(12, 0, time.UTC).Format("Monday, 2 January 2006"); !strings.Contains(string(body2), tomorrow) {
		t.Errorf("a day later the roster date should be %s", tomorrow)
	}
}

func TestWebMethodsAndRoutes(t *testing.T) {
	env := alescotest.New(t)
	resp, err := env.Client.Post(env.URL+"/alesco", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST /alesco: %s, Allow %q", resp.Status, resp.Header.Get("Allow"))
	}
	// A trailing slash redirects to the canonical address.
	noRedirect := *env.Client
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err = noRedirect.Get(env.URL + "/alesco/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/alesco" {
		t.Errorf("GET /alesco/: %s to %q", resp.Status, resp.Header.Get("Location"))
	}
	// The pages do not shadow the other routes.
	for _, p := range []string{"/healthz", "/calendar/alesco.ics", "/agenda/" + alescotest.DecisionMeeting + ".md", "/minutes/alesco-2026-07-30.md"} {
		resp, body := webGet(t, env, p, nil)
		if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || strings.Contains(string(body), "<!DOCTYPE html>") {
			t.Errorf("GET %s answered by the web pages", p)
		}
	}
	_, err = v1.NewCommitteeServiceClient(env.Client, env.URL, connect.WithHTTPGet()).ListCommittees(context.Background(), connect.NewRequest(&alescov1.ListCommitteesRequest{}))
	if err != nil {
		t.Errorf("Connect GET next to the pages: %v", err)
	}
}
