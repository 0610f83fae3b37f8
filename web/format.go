package web

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
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	"google.golang.org/protobuf/types/known/timestamppb"
)

var funcs = template.FuncMap{
	"when":          When,
	"dateOnly":      dateOnly,
	"longDate":      longDate,
	"stateLabel":    StateLabel,
	"stateSlug":     stateSlug,
	"voteLabel":     VoteLabel,
	"sourceLabel":   sourceLabel,
	"outcomeLabel":  OutcomeLabel,
	"meetingStatus": meetingStatus,
	"cancelled":     func(s alescov1.MeetingStatus) bool { return s == alescov1.MeetingStatus_MEETING_STATUS_CANCELLED },
	"scheduled":     func(s alescov1.MeetingStatus) bool { return s == alescov1.MeetingStatus_MEETING_STATUS_SCHEDULED },
	"started":       func(ts *timestamppb.Timestamp, now time.Time) bool { return ts != nil && !ts.AsTime().After(now) },
	"minutesStatus": minutesStatus,
	"memberName":    memberName,
	"attendees":     attendees,
	"join":          strings.Join,
	"plural":        plural,
	"len32":         func(v []*alescov1.SearchResult) int32 { return int32(len(v)) },
	"sentence":      sentence,
	"currentMembers": func(c *alescov1.Committee) []*alescov1.Member {
		var out []*alescov1.Member
		for _, m := range c.GetMembers() {
			if m.GetCurrent() {
				out = append(out, m)
			}
		}
		return out
	},
	"dict":          dict,
	"md":            Links,
	"mdInline":      MarkdownInline,
	"mdBlock":       MarkdownBlock,
	"pullURL":       PullURL,
	"pullLink":      pullLink,
	"topicLinks":    topicLinks,
	"carriedFrom":   carriedFrom,
	"itemTitle":     itemTitle,
	"schedule":      Schedule,
	"proposalFacts": proposalFacts,
	"snippet":       snippetHTML,
	"kindLabel":     func(k alescov1.SearchResultKind) string { return alesco.SearchKindFromProto(int32(k)).Label() },
	"noteLines":     NoteLines,
	"agendaMeta":    agendaMeta,
	"tallyText":     TallyText,
	"noteGroups":    NoteGroups,
	"style":         func() template.CSS { return template.CSS(styleCSS) },
	"script":        func() template.JS { return template.JS(localTimeJS) },
	// consoleScript is the console page's script, embedded verbatim (its
	// hash is in ConsoleContentSecurityPolicy).
	"consoleScript": func() template.JS { return template.JS(consoleJS) },
	"isOpen": func(st alescov1.ProposalState) bool {
		for _, o := range OpenStates {
			if o == st {
				return true
			}
		}
		return false
	},
	"hasAgendaItems": func(a *alescov1.Agenda) bool {
		return len(a.GetVotes())+len(a.GetDiscussion())+len(a.GetCarriedOver())+len(a.GetNewSubmissions())+len(a.GetDecided()) > 0
	},
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

// When converts ts to a Time in zone; a nil ts gives a zero Time.
func When(ts *timestamppb.Timestamp, zone string) Time {
	if ts == nil {
		return Time{}
	}
	t := ts.AsTime().In(location(zone))
	return Time{ISO: t.UTC().Format(time.RFC3339), Text: t.Format("Monday, 2 January 2006, 15:04 MST"), Zone: zone}
}

// dateOnly formats ts as a date in zone, "3 December 2026".
func dateOnly(ts *timestamppb.Timestamp, zone string) string {
	if ts == nil {
		return ""
	}
	return ts.AsTime().In(location(zone)).Format("2 January 2006")
}

// longDate formats a civil date "2026-07-30" as "Thursday, 30 July 2026";
// anything else is returned as is.
func longDate(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return t.Format("Monday, 2 January 2006")
}

// The pages show the API's enums with the domain's words (one table per
// enum, in package alesco).

// StateLabel is how a proposal state reads on the page.
func StateLabel(st alescov1.ProposalState) string {
	s, err := alesco.ProposalStateFromProto(int32(st))
	if err != nil {
		return "Unknown state"
	}
	return s.Label()
}

// stateSlug is a short id-safe name of a state ("fcp", "discussion").
func stateSlug(st alescov1.ProposalState) string {
	s := strings.TrimPrefix(st.String(), "PROPOSAL_STATE_")
	return strings.ToLower(s)
}

// VoteLabel is how a vote reads: "+1 (yes)".
func VoteLabel(v alescov1.VoteValue) string {
	if d, err := alesco.VoteFromProto(int32(v)); err == nil {
		return d.Label()
	}
	return "not cast"
}

func sourceLabel(s alescov1.VoteSource) string {
	d, _ := alesco.VoteSourceFromProto(int32(s))
	return d.Label()
}

// OutcomeLabel is how a motion's outcome reads.
func OutcomeLabel(o alescov1.MotionOutcome) string {
	d, _ := alesco.OutcomeFromProto(int32(o))
	return d.Label()
}

func meetingStatus(s alescov1.MeetingStatus) string {
	return alesco.MeetingStatusFromProto(int32(s)).Label()
}

func minutesStatus(s alescov1.MinutesStatus) string {
	return alesco.MinutesStatusFromProto(int32(s)).Label()
}

// memberName finds a member's display name, falling back to the id.
func memberName(c *alescov1.Committee, id string) string {
	for _, m := range c.GetMembers() {
		if m.GetId() == id {
			return m.GetName()
		}
	}
	return id
}

// attendees filters a minutes' attendance by kind name ("member",
// "absent", "board", "community") and returns display names with their
// annotations.
func attendees(c *alescov1.Committee, m *alescov1.Minutes, kind string) []string {
	var out []string
	for _, a := range m.GetAttendees() {
		var ok bool
		switch kind {
		case "member":
			ok = a.GetKind() == alescov1.AttendeeKind_ATTENDEE_KIND_MEMBER && !a.GetAbsent()
		case "absent":
			ok = a.GetKind() == alescov1.AttendeeKind_ATTENDEE_KIND_MEMBER && a.GetAbsent()
		case "board":
			ok = a.GetKind() == alescov1.AttendeeKind_ATTENDEE_KIND_BOARD
		case "community":
			ok = a.GetKind() == alescov1.AttendeeKind_ATTENDEE_KIND_COMMUNITY
		}
		if !ok {
			continue
		}
		name := a.GetName()
		if name == "" {
			name = memberName(c, a.GetMemberId())
		}
		if a.GetNote() != "" {
			name += " (" + a.GetNote() + ")"
		}
		out = append(out, name)
	}
	return out
}

// plural writes "1 day", "3 days".
func plural(n int32, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(int(n)) + " " + many
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
	ProposalNumber int32
	Notes          []*alescov1.Note
}

// NoteGroups groups notes by topic, keeping the order topics first appear.
func NoteGroups(notes []*alescov1.Note) []NoteGroup {
	var out []NoteGroup
	at := map[string]int{}
	for _, n := range notes {
		i, ok := at[n.GetTopic()]
		if !ok {
			i = len(out)
			at[n.GetTopic()] = i
			out = append(out, NoteGroup{Topic: n.GetTopic()})
		}
		if out[i].ProposalNumber == 0 {
			out[i].ProposalNumber = n.GetProposalNumber()
		}
		out[i].Notes = append(out[i].Notes, n)
	}
	return out
}

// TallyText writes a tally the way the committee's minutes do:
// "+4, 0, -1 (4 in favor, 0 abstained, 1 not in favor)".
func TallyText(t *alescov1.Tally) string {
	no := "0"
	if t.GetNo() > 0 {
		no = "-" + strconv.Itoa(int(t.GetNo()))
	}
	return fmt.Sprintf("+%d, %d, %s (%d in favor, %d abstained, %d not in favor)",
		t.GetYes(), t.GetAbstain(), no, t.GetYes(), t.GetAbstain(), t.GetNo())
}

// agendaMeta is the small print under an agenda item: authors, time in
// review and in FCP, the owner by name (where the carried-over item came
// from is its own link).
func agendaMeta(c *alescov1.Committee, it *alescov1.AgendaItem) []string {
	var out []string
	if len(it.GetAuthors()) > 0 {
		out = append(out, "by "+strings.Join(it.GetAuthors(), ", "))
	}
	if n := it.GetDaysInReview(); n > 0 {
		out = append(out, plural(n, "day", "days")+" in review")
	}
	if n := it.GetDaysInFcp(); n > 0 {
		out = append(out, plural(n, "day", "days")+" in final comment period")
	}
	if it.GetOwner() != "" {
		out = append(out, "owner: "+memberName(c, it.GetOwner()))
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
func snippetHTML(parts []*alescov1.SnippetPart) template.HTML {
	var b strings.Builder
	for _, p := range parts {
		if p.GetMatch() {
			b.WriteString("<mark>" + html.EscapeString(p.GetText()) + "</mark>")
		} else {
			b.WriteString(html.EscapeString(p.GetText()))
		}
	}
	return template.HTML(b.String())
}
