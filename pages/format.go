package pages

import (
	"fmt"
	"html"
	"html/template"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/agenda"
)

var funcs = template.FuncMap{
	"when":          When,
	"dateOnly":      dateOnly,
	"longDate":      longDate,
	"stateLabel":    func(s alesco.ProposalState) string { return s.Label() },
	"stateSlug":     stateSlug,
	"voteLabel":     VoteLabel,
	"sourceLabel":   sourceLabel,
	"outcomeLabel":  OutcomeLabel,
	"meetingStatus": func(s alesco.MeetingStatus) string { return s.Label() },
	"cancelled":     func(s alesco.MeetingStatus) bool { return s == alesco.MeetingCancelled },
	"scheduled":     func(s alesco.MeetingStatus) bool { return s == alesco.MeetingScheduled },
	"started":       func(t, now time.Time) bool { return !t.After(now) },
	"minutesStatus": func(s alesco.MinutesStatus) string { return s.Label() },
	"memberName":    memberName,
	"attendees":     attendees,
	"join":          strings.Join,
	"plural":        plural,
	"sentence":      sentence,
	"currentMembers": func(c *Committee) []alesco.Member {
		var out []alesco.Member
		for i := range c.Members {
			if c.Members[i].IsMemberOn(c.On) {
				out = append(out, c.Members[i])
			}
		}
		return out
	},
	"dict":          dict,
	"asyncTally":    func(d alesco.Discussion) string { return d.Tally().String() },
	"mdInline":      MarkdownInline,
	"mdBlock":       MarkdownBlock,
	"pullLink":      pullLink,
	"topicLinks":    topicLinks,
	"carriedFrom":   carriedFrom,
	"itemTitle":     itemTitle,
	"schedule":      Schedule,
	"proposalFacts": proposalFacts,
	"snippet":       snippetHTML,
	"agendaMeta":    agendaMeta,
	"tallyText":     TallyText,
	"noteGroups":    NoteGroups,
	"style":         func() template.CSS { return template.CSS(styleCSS) },
	"script":        func() template.JS { return template.JS(localTimeJS) },
	// consoleScript is the console page's script, embedded verbatim (its
	// hash is in ConsoleContentSecurityPolicy).
	"consoleScript": func() template.JS { return template.JS(consoleJS) },
}

var zones sync.Map // IANA name -> *time.Location

// location loads an IANA zone once; an unknown or empty zone is UTC.
func location(name string) *time.Location {
	if name == "" {
		return time.UTC
	}
	if l, ok := zones.Load(name); ok {
		return l.(*time.Location)
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		l = time.UTC
	}
	zones.Store(name, l)
	return l
}

// Time is an instant ready for a <time> element: machine-readable UTC plus
// text in the zone the committee meets in.
type Time struct {
	// ISO is RFC 3339 in UTC, for the datetime attribute and the script.
	ISO string
	// Text is the wall-clock time in Zone, e.g. "Thursday, 3 December 2026, 12:00 EST".
	Text string
	Zone string
}

// When converts t to a Time in zone; a zero t gives a zero Time.
func When(t time.Time, zone string) Time {
	if t.IsZero() {
		return Time{}
	}
	t = t.In(location(zone))
	return Time{ISO: t.UTC().Format(time.RFC3339), Text: t.Format("Monday, 2 January 2006, 15:04 MST"), Zone: zone}
}

// dateOnly formats t as a date in zone, "3 December 2026".
func dateOnly(t time.Time, zone string) string {
	if t.IsZero() {
		return ""
	}
	return t.In(location(zone)).Format("2 January 2006")
}

// longDate formats a civil date as "Thursday, 30 July 2026" ("" for the
// zero date).
func longDate(d alesco.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.Midnight(time.UTC).Format("Monday, 2 January 2006")
}

// The pages show the domain's values with the domain's words (Label, beside
// each type); these say what a value outside its table shows.

// stateSlug is a short id-safe name of a state ("fcp", "discussion").
func stateSlug(s alesco.ProposalState) string {
	if n := s.String(); n != "unknown" {
		return n
	}
	return "unspecified"
}

// VoteLabel is how a vote reads: "+1 (yes)".
func VoteLabel(v alesco.VoteValue) string {
	if l := v.Label(); l != "" {
		return l
	}
	return "not cast"
}

// sourceLabel is where a vote was cast; a vote that does not say was cast
// in the meeting.
func sourceLabel(s alesco.VoteSource) string {
	if l := s.Label(); l != "" {
		return l
	}
	return alesco.VoteLive.Label()
}

// OutcomeLabel is how a motion's outcome reads ("Open" while undecided).
func OutcomeLabel(o alesco.MotionOutcome) string {
	if l := o.Label(); l != "" {
		return l
	}
	return alesco.OutcomeNone.Label()
}

// memberName finds a member's display name, falling back to the id.
func memberName(c *Committee, id string) string {
	if m, ok := c.Member(id); ok {
		return m.Name
	}
	return id
}

// attendees filters a minutes' attendance by kind name ("member",
// "absent", "board", "community") and returns display names with their
// annotations.
func attendees(c *Committee, m *Minutes, kind string) []string {
	var out []string
	for _, a := range m.Attendees {
		var ok bool
		switch kind {
		case "member":
			ok = a.Kind == alesco.AttendeeMember && !a.Absent
		case "absent":
			ok = a.Kind == alesco.AttendeeMember && a.Absent
		case "board":
			ok = a.Kind == alesco.AttendeeBoard
		case "community":
			ok = a.Kind == alesco.AttendeeCommunity
		}
		if !ok {
			continue
		}
		name := a.Name
		if name == "" {
			name = memberName(c, a.MemberID)
		}
		if a.Note != "" {
			name += " (" + a.Note + ")"
		}
		out = append(out, name)
	}
	return out
}

// plural writes "1 day", "3 days".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// dict builds a map from alternating keys and values, so a template can
// pass several values to a sub-template.
func dict(kv ...any) map[string]any {
	m := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		k, _ := kv[i].(string)
		m[k] = kv[i+1]
	}
	return m
}

// NoteGroup is the notes taken under one topic, in recording order.
type NoteGroup struct {
	Topic          string
	ProposalNumber int
	Notes          []alesco.Note
}

// NoteGroups groups notes by topic, keeping the order topics first appear.
func NoteGroups(notes []alesco.Note) []NoteGroup {
	var out []NoteGroup
	at := map[string]int{}
	for _, n := range notes {
		i, ok := at[n.Topic]
		if !ok {
			i = len(out)
			at[n.Topic] = i
			out = append(out, NoteGroup{Topic: n.Topic})
		}
		if out[i].ProposalNumber == 0 {
			out[i].ProposalNumber = n.ProposalNumber
		}
		out[i].Notes = append(out[i].Notes, n)
	}
	return out
}

// TallyText writes a tally the way the committee's minutes do:
// "+4, 0, -1 (4 in favor, 0 abstained, 1 not in favor)".
func TallyText(t alesco.Tally) string {
	no := "0"
	if t.No > 0 {
		no = "-" + strconv.Itoa(t.No)
	}
	return fmt.Sprintf("+%d, %d, %s (%d in favor, %d abstained, %d not in favor)", t.Yes, t.Abstain, no, t.Yes, t.Abstain, t.No)
}

// agendaMeta is the small print under an agenda item: authors, time in
// review and in FCP, the owner by name (where the carried-over item came
// from is its own link).
func agendaMeta(c *Committee, it agenda.Item) []string {
	var out []string
	if len(it.Authors) > 0 {
		out = append(out, "by "+strings.Join(it.Authors, ", "))
	}
	if n := it.DaysInReview; n > 0 {
		out = append(out, plural(n, "day", "days")+" in review")
	}
	if n := it.DaysInFCP; n > 0 {
		out = append(out, plural(n, "day", "days")+" in final comment period")
	}
	if it.Owner != "" {
		out = append(out, "owner: "+memberName(c, it.Owner))
	}
	return out
}

// mdLink is an inline Markdown link to an http(s) URL, as the committee's
// minutes write them: [text](https://...).
var mdLink = regexp.MustCompile(`\[([^\[\]]+)\]\((https?://[^\s()]+)\)`)

// Links renders text that may hold inline Markdown links (minutes are
// written in Markdown) as HTML: the links become <a> elements, everything
// else is escaped. Only this one construct is rendered; a full Markdown
// renderer would be a dependency for a single feature.
func Links(s string) template.HTML {
	var b strings.Builder
	last := 0
	for _, m := range mdLink.FindAllStringSubmatchIndex(s, -1) {
		b.WriteString(html.EscapeString(s[last:m[0]]))
		b.WriteString(`<a href="` + html.EscapeString(s[m[4]:m[5]]) + `">` + html.EscapeString(s[m[2]:m[3]]) + `</a>`)
		last = m[1]
	}
	b.WriteString(html.EscapeString(s[last:]))
	return template.HTML(b.String())
}

// NoteLines splits a note into its lines, dropping Markdown bullets: the
// page lists them itself.
func NoteLines(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		for _, bullet := range []string{"- ", "* ", "+ "} {
			l = strings.TrimPrefix(l, bullet)
		}
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

// sentence makes a clause read as a sentence: capital first letter, final
// period ("the chair's term ran out on 2026-02-20" -> "The chair's ...20.").
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[n:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// snippetHTML writes a search result's snippet with its matches marked.
func snippetHTML(parts []alesco.SnippetPart) template.HTML {
	var b strings.Builder
	for _, p := range parts {
		if p.Match {
			b.WriteString("<mark>" + html.EscapeString(p.Text) + "</mark>")
		} else {
			b.WriteString(html.EscapeString(p.Text))
		}
	}
	return template.HTML(b.String())
}
