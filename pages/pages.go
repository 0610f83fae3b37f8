// Package pages renders alesco's public HTML pages: the templates, their
// assets and the view models they read. The server's page handlers call
// the use cases and hand what they return to these templates.
//
// Pages are server-rendered with html/template, their CSS and the one tiny
// script (showing times in the reader's own zone) are embedded and inlined,
// and everything works without JavaScript.
package pages

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/agenda"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed assets/style.css
var styleCSS string

//go:embed assets/localtime.js
var localTimeJS string

//go:embed assets/console.js
var consoleJS string

// Page names accepted by Pages.Render.
const (
	PageIndex     = "index"
	PageCommittee = "committee"
	PageMeeting   = "meeting"
	PageProposals = "proposals"
	PageMinutes   = "minutes"
	PageNotFound  = "notfound"
	PageSearch    = "search"
	PageConsole   = "console"
	PageMeetings  = "meetings"
	PageMember    = "member"
)

var pageNames = []string{PageIndex, PageCommittee, PageMeeting, PageProposals, PageMinutes, PageNotFound, PageSearch, PageConsole, PageMeetings, PageMember}

// Pages is the parsed, immutable template set; safe for concurrent use.
type Pages struct {
	// sets builds each page's set (the layout and parts cloned, the page
	// added) when it is first rendered: eight copies of the layout's
	// parse tree are most of an idle server's templates, and a server
	// that serves only feeds and RPCs needs none.
	sets map[string]func() (*template.Template, error)
}

// New parses the embedded templates: the layout and parts, and each page
// on its own, so that a broken template stops the server at start.
func New() (*Pages, error) {
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/parts.html")
	if err != nil {
		return nil, fmt.Errorf("pages: parse layout: %w", err)
	}
	p := &Pages{sets: map[string]func() (*template.Template, error){}}
	for _, name := range pageNames {
		file := "templates/" + name + ".html"
		if _, err := template.New(name).Funcs(funcs).ParseFS(templateFS, file); err != nil {
			return nil, fmt.Errorf("pages: parse %s: %w", name, err)
		}
		p.sets[name] = sync.OnceValues(func() (*template.Template, error) {
			t, err := template.Must(base.Clone()).ParseFS(templateFS, file)
			if err != nil {
				return nil, fmt.Errorf("pages: parse %s: %w", name, err)
			}
			return t, nil
		})
	}
	return p, nil
}

// Render writes page name with data (one of the *Page view models).
// Rendering goes to a buffer first so a template error never leaves half a
// page on the wire.
func (p *Pages) Render(w io.Writer, name string, data any) error {
	set, ok := p.sets[name]
	if !ok {
		return fmt.Errorf("pages: no page %q", name)
	}
	t, err := set()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", data); err != nil {
		return fmt.Errorf("pages: render %s: %w", name, err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// Layout is what every page shares.
type Layout struct {
	// Title is the document title.
	Title string
	// Committee is the committee the page is about; nil on the index.
	Committee *Committee
	// Section names the current navigation entry ("home", "proposals",
	// "minutes", "meeting", "search") for aria-current.
	Section string
	// Now is when the page was built (ages and days in FCP count to it).
	Now time.Time
	// Query is the search box's text.
	Query string
}

// Committee is a committee as its pages show it on a date (today): the
// domain's committee, and what its roster says on that date.
type Committee struct {
	*alesco.Committee
	// On is the date the roster, quorum and chair are read on.
	On     alesco.Date
	Quorum alesco.Quorum
	// ChairID is the chair on that date ("" when vacant), ChairName their
	// name when they are a member on record.
	ChairID, ChairName string
	// ChairTermExpired: the chair's term has run out, an election is due.
	ChairTermExpired bool
}

// NewCommittee is c as its pages show it on date d.
func NewCommittee(c *alesco.Committee, d alesco.Date) *Committee {
	out := &Committee{Committee: c, On: d, Quorum: c.QuorumOn(d)}
	if t, ok := c.ChairOn(d); ok {
		out.ChairID = t.MemberID
		if m, ok := c.Member(t.MemberID); ok {
			out.ChairName = m.Name
		}
	}
	out.ChairTermExpired, _ = c.ChairElectionDue(d)
	return out
}

// Meeting is a meeting as its pages show it, with its public links.
type Meeting struct {
	alesco.Meeting
	Links alesco.MeetingLinks
	// Events warns where the events site disagrees with the meeting (the
	// next meeting's and the meeting's own page); nil when it agrees.
	Events *EventWarning
}

// EventWarning says how the events site disagrees with a meeting: its
// problems in words (alesco.EventProblem.Describe), or that the site could
// not be read.
type EventWarning struct {
	Problems  []string
	SiteError string
}

// Minutes are a meeting's minutes as its pages show them, with the
// roster and quorum on the meeting's date.
type Minutes struct {
	*alesco.Minutes
	Quorum         alesco.Quorum
	MembersPresent int
	QuorumMet      bool
}

// NewMinutes is m as the pages show it, its quorum counted by committee c.
func NewMinutes(c *alesco.Committee, m *alesco.Minutes) *Minutes {
	q, present := m.Quorum(c)
	return &Minutes{Minutes: m, Quorum: q, MembersPresent: present, QuorumMet: q.Met(present)}
}

// SearchResult is a search hit and where to read it (the meeting's page
// or the proposal's pull request).
type SearchResult struct {
	alesco.SearchHit
	Link string
}

// IndexPage lists the committees this instance serves.
type IndexPage struct {
	Layout
	Committees []CommitteeSummary
	// Note explains why the list is missing, when it is.
	Note string
}

// CommitteeSummary is one committee on the index with its next meeting.
type CommitteeSummary struct {
	Committee *Committee
	Next      *Meeting
	NextNote  string
}

// CommitteePage is a committee's home page.
type CommitteePage struct {
	Layout
	Next     *Meeting
	NextNote string
	// Agenda of the next meeting.
	Agenda     *agenda.Agenda
	AgendaNote string
	// Open proposals, by state (votes first).
	Proposals     []ProposalGroup
	ProposalsNote string
	Sync          SyncInfo
	// Recent meetings with the decisions they adopted, newest first.
	Decisions     []*Minutes
	DecisionsNote string
	Subscribe     Subscribe
}

// MeetingPage is one meeting: agenda before, minutes after.
type MeetingPage struct {
	Layout
	MeetingID string
	Meeting   *Meeting
	// MeetingNote explains a missing Meeting.
	MeetingNote string
	// Upcoming is true until the meeting has ended.
	Upcoming   bool
	Agenda     *agenda.Agenda
	AgendaNote string
	Minutes    *Minutes
	// MinutesNote explains missing Minutes.
	MinutesNote string
	// ICSURL adds this meeting alone to a calendar.
	ICSURL string
	// AgendaMarkdownURL and MinutesMarkdownURL are the plain-text versions.
	AgendaMarkdownURL  string
	MinutesMarkdownURL string
}

// MeetingsPage lists a committee's meetings: those to come, with their
// agendas, and those past, with their minutes. The calendar feed's series
// link here.
type MeetingsPage struct {
	Layout
	// Upcoming have not ended, soonest first; Past have, newest first.
	Upcoming []Meeting
	Past     []Meeting
	// Note explains missing lists.
	Note string
	// Since is the first day Past covers; older meetings are on the
	// minutes page.
	Since alesco.Date
	// FeedURL is the committee's calendar feed.
	FeedURL string
}

// ConsolePage is a meeting's live console: the page is a shell that its
// script fills from the API (the record streams in; changes go through the
// RPCs with the token the person signs in with).
type ConsolePage struct {
	Layout
	MeetingID string
	// Date is the meeting's local date, YYYY-MM-DD.
	Date string
	// MinutesMarkdownURL is the minutes as Markdown, once they exist.
	MinutesMarkdownURL string
	// Events warns the chair where the events site disagrees.
	Events *EventWarning
}

// ProposalsPage lists every tracked proposal by state.
type ProposalsPage struct {
	Layout
	Groups []ProposalGroup
	Note   string
	Sync   SyncInfo
	// Next is the next meeting: the one that votes on proposals in FCP.
	Next *Meeting
}

// SearchPage shows what a search found.
type SearchPage struct {
	Layout
	Results []SearchResult
	// Note explains missing results (a bad query, search unavailable).
	Note string
}

// MinutesPage lists the meetings that have minutes, newest first.
type MinutesPage struct {
	Layout
	Minutes []*Minutes
	Note    string
}

// NotFoundPage explains a missing page.
type NotFoundPage struct {
	Layout
	Message string
}

// SyncInfo says when proposals were last reconciled with GitHub (zero:
// never) and how the last attempt failed.
type SyncInfo struct {
	LastSynced time.Time
	Error      string
}

// ProposalGroup is the proposals in one state.
type ProposalGroup struct {
	State     alesco.ProposalState
	Proposals []alesco.Proposal
	// Discussions are what the GitHub discussions of the RFCs in
	// discussion or FCP say, by number (nil when not read).
	Discussions map[int]alesco.Discussion
}

// OpenStates are the states of proposals still before the committee, in
// the order the committee page shows them: up for a vote first.
var OpenStates = []alesco.ProposalState{alesco.ProposalFCP, alesco.ProposalDiscussion, alesco.ProposalSubmitted}

// stateOrder is the display order of every state.
var stateOrder = append(append([]alesco.ProposalState{}, OpenStates...),
	alesco.ProposalAccepted, alesco.ProposalRejected, alesco.ProposalWithdrawn, alesco.ProposalSuperseded)

// GroupProposals groups proposals by state in display order, omitting empty
// groups. Within a group, open proposals are oldest first (the agenda's
// order) and closed ones newest first. A proposal in a state the order
// does not know goes last.
func GroupProposals(ps []alesco.Proposal) []ProposalGroup {
	by := map[alesco.ProposalState][]alesco.Proposal{}
	var unknown []alesco.Proposal
	for _, p := range ps {
		if slices.Contains(stateOrder, p.State) {
			by[p.State] = append(by[p.State], p)
		} else {
			unknown = append(unknown, p)
		}
	}
	var out []ProposalGroup
	for i, st := range append(slices.Clone(stateOrder), 0) {
		list := by[st]
		if st == 0 {
			list = unknown
		}
		if len(list) == 0 {
			continue
		}
		open := i < len(OpenStates)
		sort.SliceStable(list, func(a, b int) bool {
			if open {
				return list[a].Number < list[b].Number
			}
			return list[a].Number > list[b].Number
		})
		out = append(out, ProposalGroup{State: st, Proposals: list})
	}
	return out
}

// SortMinutes orders minutes newest first (ids break ties).
func SortMinutes(ms []*Minutes) []*Minutes {
	out := slices.Clone(ms)
	sort.SliceStable(out, func(a, b int) bool {
		if da, db := out[a].Date.String(), out[b].Date.String(); da != db {
			return da > db
		}
		return out[a].MeetingID > out[b].MeetingID
	})
	return out
}

// RecentDecisions returns up to n of the newest minutes that adopted decisions.
func RecentDecisions(ms []*Minutes, n int) []*Minutes {
	var out []*Minutes
	for _, m := range SortMinutes(ms) {
		if len(m.Decisions) > 0 && len(out) < n {
			out = append(out, m)
		}
	}
	return out
}

// Subscribe holds the ways to add a committee's calendar.
type Subscribe struct {
	// FeedURL is the plain https .ics feed.
	FeedURL string
	// ExpandedFeedURL lists one event per meeting, for clients that
	// mishandle recurrence overrides.
	ExpandedFeedURL string
	// WebcalURL makes the system's calendar app subscribe. It is a
	// template.URL because html/template only trusts http(s) and mailto
	// schemes on its own; this one is built here from the feed's address.
	WebcalURL  template.URL
	GoogleURL  string
	OutlookURL string
	// ReminderFeedURL and ReminderWebcalURL are the feed with a reminder
	// ReminderLabel before each meeting (?alarm=).
	ReminderFeedURL   string
	ReminderWebcalURL template.URL
	ReminderLabel     string
}

// SubscribeReminder is the reminder the subscribe links offer (?alarm=).
const SubscribeReminder = "15m"

// NewSubscribe builds the subscribe links for the feed at feedURL (an
// absolute http(s) URL) of a calendar called name.
func NewSubscribe(feedURL, name string) Subscribe {
	webcal := "#"
	if scheme, rest, ok := strings.Cut(feedURL, "://"); ok && (scheme == "https" || scheme == "http") {
		webcal = "webcal://" + rest
	}
	expanded := feedURL + "?expand=true"
	if strings.Contains(feedURL, "?") {
		expanded = feedURL + "&expand=true"
	}
	return Subscribe{
		FeedURL:         feedURL,
		ExpandedFeedURL: expanded,
		WebcalURL:       template.URL(webcal),
		// Google Calendar subscribes to a cid that is the feed's webcal URL.
		GoogleURL: "https://calendar.google.com/calendar/render?cid=" + url.QueryEscape(webcal),
		OutlookURL: "https://outlook.live.com/calendar/0/addfromweb?url=" + url.QueryEscape(feedURL) +
			"&name=" + url.QueryEscape(name),
		ReminderFeedURL:   withQuery(feedURL, "alarm="+SubscribeReminder),
		ReminderWebcalURL: template.URL(withQuery(webcal, "alarm="+SubscribeReminder)),
		ReminderLabel:     "15 minutes",
	}
}

// withQuery adds a query parameter to a link ("#" stays as it is).
func withQuery(link, param string) string {
	switch {
	case link == "#":
		return link
	case strings.Contains(link, "?"):
		return link + "&" + param
	}
	return link + "?" + param
}

// ContentSecurityPolicy allows exactly the inline style and script the
// pages carry (by hash) and nothing else: no other origin, no framing,
// and forms (the search box, a GET) only to this site.
var ContentSecurityPolicy = "default-src 'none'; style-src '" + cspHash(styleCSS) + "'; script-src '" + cspHash(localTimeJS) +
	"'; img-src data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// ConsoleContentSecurityPolicy is the console's: the pages' policy, plus
// the console's own script (by hash) and requests to this origin only (the
// API). No other origin, no inline code but these two scripts.
var ConsoleContentSecurityPolicy = "default-src 'none'; style-src '" + cspHash(styleCSS) + "'; script-src '" + cspHash(localTimeJS) +
	"' '" + cspHash(consoleJS) + "'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func cspHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}
