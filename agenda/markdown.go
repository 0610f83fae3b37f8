package agenda

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/almalinux/alesco"
)

// The agenda's Markdown form.

// title strips the "RFC:" prefix the pull-request titles carry, since the
// Markdown heading adds its own.
func title(t string) string {
	t = strings.TrimSpace(t)
	for _, p := range []string{"RFC:", "RFC -", "WIP RFC:", "WIP:"} {
		if len(t) >= len(p) && strings.EqualFold(t[:len(p)], p) {
			return strings.TrimSpace(t[len(p):])
		}
	}
	return t
}

func plural(n int, one string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + one + "s"
}

// zones keeps the time zones Markdown has loaded: time.LoadLocation reads
// and parses the zone's file on every call.
var zones sync.Map // name -> *time.Location

func zone(name string) (*time.Location, bool) {
	if l, ok := zones.Load(name); ok {
		return l.(*time.Location), true
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, false
	}
	zones.Store(name, l)
	return l, true
}

// Markdown renders the agenda the way the committee writes its minutes:
// "### RFC: Title" headings and "[#17](url)" links. It writes strings
// directly (no fmt): agendas with a thousand RFCs are rendered on the
// request path.
func (a Agenda) Markdown() string {
	var b strings.Builder
	b.Grow(1024 + 200*(len(a.Votes)+len(a.Discussion)+len(a.CarriedOver)+len(a.NewSubmissions)))
	a.writeHeading(&b)
	a.writeVotes(&b)
	a.writeDiscussion(&b)
	a.writeCarriedOver(&b)
	a.writeNewSubmissions(&b)
	a.writeChairElection(&b)
	b.WriteString("\n## Open Floor\n\n- Any other business.\n")
	return b.String()
}

// section writes a section's heading, and none when it has no items.
func section(b *strings.Builder, heading, none string, items int) {
	b.WriteString(heading)
	if items == 0 {
		b.WriteString(none)
	}
}

// writeHeading writes the title line and when the meeting is.
func (a Agenda) writeHeading(b *strings.Builder) {
	start := a.Start
	if loc, ok := zone(a.TimeZone); ok && a.TimeZone != "" {
		start = start.In(loc)
	}
	b.WriteString("# " + a.Committee + " Meeting Agenda (" + start.Format("2006-01-02") + ")\n\n")
	b.WriteString(md(a.Title) + ", " + start.Format("Monday 2 January 2006, 15:04 MST") + " (" + a.Start.UTC().Format("15:04") + " UTC).\n")
	if a.EventURL != "" {
		b.WriteString("Event page: " + a.EventURL + "\n")
	}
	if a.Frozen {
		b.WriteString("\nThis agenda is on record as it stood when the meeting started (" + alesco.Clock(a.FrozenAt, start.Location()) + ").\n")
	}
}

// writeVotes writes the RFCs in FCP, then those decided and awaiting
// GitHub.
func (a Agenda) writeVotes(b *strings.Builder) {
	section(b, "\n## Votes\n\n", "No RFC is in the final comment period.\n\n", len(a.Votes))
	for _, it := range a.Votes {
		writeProposal(b, it)
		b.WriteString("- ")
		if it.FCPKnown {
			b.WriteString("In FCP for " + plural(it.DaysInFCP, "day"))
		} else {
			b.WriteString("In FCP since before alesco first synced")
		}
		b.WriteString("; in review for " + plural(it.DaysInReview, "day") + ".\n")
		writeDiscussed(b, it)
		writeWarnings(b, it)
		b.WriteString("\n")
	}
	if len(a.Decided) > 0 {
		b.WriteString("## Decided, awaiting merge/close on GitHub\n\n")
		for _, it := range a.Decided {
			fmt.Fprintf(b, "- [#%d](%s) %s — %s\n", it.Number, it.URL, md(title(it.Title)), it.Note)
		}
		b.WriteString("\n")
	}
}

// writeDiscussion writes the RFCs open for discussion.
func (a Agenda) writeDiscussion(b *strings.Builder) {
	section(b, "## Discussion\n\n", "No RFC is open for discussion.\n\n", len(a.Discussion))
	for _, it := range a.Discussion {
		writeProposal(b, it)
		b.WriteString("- In review for " + plural(it.DaysInReview, "day") + ".\n")
		writeWarnings(b, it)
		b.WriteString("\n")
	}
}

// writeCarriedOver writes what the previous meetings left open.
func (a Agenda) writeCarriedOver(b *strings.Builder) {
	section(b, "## Carried Over\n\n", "Nothing was left open at the previous meeting.\n", len(a.CarriedOver))
	for _, it := range a.CarriedOver {
		b.WriteString("- " + carriedLine(it) + "\n")
	}
}

// writeNewSubmissions writes the RFCs awaiting triage.
func (a Agenda) writeNewSubmissions(b *strings.Builder) {
	section(b, "\n## New Submissions\n\n", "No new RFC awaits triage.\n", len(a.NewSubmissions))
	for _, it := range a.NewSubmissions {
		writeLink(b, it)
		b.WriteString(" ")
		b.WriteString(md(title(it.Title)))
		if it.Draft {
			b.WriteString(" (draft)")
		}
		if len(it.Authors) > 0 {
			b.WriteString(" — ")
			writeList(b, it.Authors)
		}
		b.WriteString("\n")
	}
}

// writeChairElection writes the chair election, when one is due.
func (a Agenda) writeChairElection(b *strings.Builder) {
	if !a.ChairElection.Due {
		return
	}
	b.WriteString("\n## Chair Election\n\n")
	b.WriteString("- Elect a chair: " + a.ChairElection.Reason + ".\n")
	if a.ChairElection.CurrentChair != "" {
		b.WriteString("- Current chair: " + md(a.ChairElection.CurrentChair) + ".\n")
	}
	if a.ChairElection.CannotStand != "" {
		fmt.Fprintf(b, "- %s.\n", md(a.ChairElection.CannotStand))
	}
}

// carriedLine writes an item carried over, naming the meeting that left it
// open once: "Action item from the 2026-11-19 meeting: Build it — Neal
// Gompa", "Accept RFC 12 ([#12](…)) (tabled on 2026-11-19)".
func carriedLine(it Item) string {
	from := "meeting " + it.SourceMeetingID
	day := dateRE.FindString(it.SourceMeetingID)
	if day != "" {
		from = "the " + day + " meeting"
	}
	if it.Kind == KindActionItem {
		// The text is Markdown already (alesco.CleanMarkdown); the owner
		// is a name. The note ("action item from …") would say it twice.
		line := "Action item"
		if it.SourceMeetingID != "" {
			line += " from " + from
		}
		line += ": " + it.Title
		if it.Owner != "" {
			line += " — " + md(it.Owner)
		}
		return line
	}
	line := md(it.Title) // a motion's title is plain text
	if it.Number > 0 && it.URL != "" {
		line += " ([#" + strconv.Itoa(it.Number) + "](" + it.URL + "))"
	}
	if it.Note != "" {
		line += " (" + md(it.Note) + ")"
	}
	if it.SourceMeetingID != "" && (day == "" || !strings.Contains(it.Note, day)) {
		line += ", from " + from
	}
	return line
}

// dateRE finds the date in a meeting's id ("alesco-2026-12-03-2").
var dateRE = regexp.MustCompile(`\d{4}-\d{2}-\d{2}`)

// md writes plain text from data (titles from GitHub and of meetings and
// motions, names) into the agenda's Markdown, which is posted to chat and
// pasted in the wiki: escaped as the minutes escape it, so that it shows as
// written and opens no link, image or HTML.
func md(s string) string { return alesco.EscapeMarkdown(s, nil) }

// writeLink writes "- [#N](url)".
func writeLink(b *strings.Builder, it Item) {
	var n [20]byte
	b.WriteString("- [#")
	b.Write(strconv.AppendInt(n[:0], int64(it.Number), 10))
	b.WriteString("](")
	b.WriteString(it.URL)
	b.WriteString(")")
}

// writeList writes names joined by ", ".
func writeList(b *strings.Builder, names []string) {
	for i, n := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(md(n))
	}
}

func writeProposal(b *strings.Builder, it Item) {
	b.WriteString("### RFC: ")
	b.WriteString(md(title(it.Title)))
	b.WriteString("\n\n")
	writeLink(b, it)
	if len(it.Authors) > 0 {
		b.WriteString(" by ")
		writeList(b, it.Authors)
	}
	b.WriteString("\n")
}

func writeWarnings(b *strings.Builder, it Item) {
	for _, w := range it.Warnings {
		b.WriteString("- **Warning: " + w + "**")
		if w == WarnBoardInput && it.BoardInputReason != "" {
			b.WriteString(" (" + md(it.BoardInputReason) + ")")
		}
		b.WriteString("\n")
	}
}
