// Package minutesmd writes a meeting's minutes as the AlmaLinux wiki's
// Markdown and reads every shape of that Markdown the wiki has published.
package minutesmd

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/almalinux/alesco"
)

// Render returns the minutes of m in the wiki's current shape (the shape of
// docs/alesco/meeting-minutes/2026-07-30.md): title, recorded/edited lines,
// Members with its four lists, Decisions Adopted, and Minutes. Stored
// values are escaped (escape.go) so that none can add a section, a
// decision, a topic, an action item or a link of its own; Parse reads
// them back unchanged.
func Render(c *alesco.Committee, m *alesco.Minutes) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s Meeting Minutes (%s)\n", shortName(c), m.Date)
	if len(m.RecordedBy) > 0 {
		fmt.Fprintf(&b, "\nMinutes recorded by %s.\n", joinNames(escapeAll(m.RecordedBy, inNames)))
	}
	if len(m.EditedBy) > 0 {
		fmt.Fprintf(&b, "\nEdited by %s for publishing.\n", joinNames(escapeAll(m.EditedBy, inNames)))
	}
	b.WriteString("\n## Members\n")
	list := func(heading string, keep func(alesco.Attendee) bool) {
		fmt.Fprintf(&b, "\n### %s\n", heading)
		var lines []string
		for _, a := range m.Attendees {
			if keep(a) {
				line := "- " + escapeInline(a.Name, inAttendee)
				if a.Note != "" {
					line += " (" + escapeInline(a.Note, inAttendee) + ")"
				}
				lines = append(lines, line)
			}
		}
		if len(lines) > 0 {
			b.WriteString("\n" + strings.Join(lines, "\n") + "\n")
		}
	}
	list(shortName(c)+" Member Attendees", func(a alesco.Attendee) bool { return a.Kind == alesco.AttendeeMember && !a.Absent })
	list("Unable to attend", func(a alesco.Attendee) bool { return a.Kind == alesco.AttendeeMember && a.Absent })
	list("Board Attendees", func(a alesco.Attendee) bool { return a.Kind == alesco.AttendeeBoard })
	list("Community Attendees", func(a alesco.Attendee) bool { return a.Kind == alesco.AttendeeCommunity })

	b.WriteString("\n## Decisions Adopted\n")
	if len(m.Decisions) > 0 {
		b.WriteString("\n")
		for _, d := range m.Decisions {
			if d.MotionID != 0 {
				// A motion's decision is plain text (Motion.Decision);
				// imported and agreed ones are one line of Markdown.
				d.Text, d.Details = escapeInline(d.Text, inText), escapeAll(d.Details, inText)
			}
			b.WriteString("- " + indentRest(d.Text, "  ") + "\n")
			for _, det := range d.Details {
				if strings.HasPrefix(det, " ") {
					b.WriteString("  " + det + "\n")
				} else {
					b.WriteString("  - " + indentRest(det, "    ") + "\n")
				}
			}
		}
	}

	b.WriteString("\n## Minutes\n")
	var blocks []string
	if m.Source == alesco.SourceMarkdown {
		blocks = markdownBody(m.Notes)
	} else {
		blocks = recordedBody(c, m)
	}
	if items := actionItems(m.ActionItems); items != "" {
		blocks = append(blocks, "### Action Items", items)
	}
	for _, bl := range blocks {
		b.WriteString("\n" + bl + "\n")
	}
	return b.String()
}

// markdownBody renders notes read from Markdown (or added to such minutes)
// as the wiki wrote them: each topic as its heading or paragraph, each text
// as it was. A note without a topic after the first one continues the
// text above it, as it will read back.
func markdownBody(notes []alesco.Note) []string {
	var blocks []string
	var text []string
	flush := func() {
		if t := strings.Join(text, "\n\n"); t != "" {
			blocks = append(blocks, escapeBlock(t))
		}
		text = nil
	}
	for i, n := range notes {
		if n.Topic != "" && n.Paragraph && hardBreakTopic(n.Text) && !strings.ContainsAny(n.Topic, "\r\n") {
			// The topic line ends in a hard break and the text goes on
			// below it, as the wiki wrote it on 2025-10-16. The text is
			// escaped where it stands, under its topic line.
			flush()
			_, text, _ := strings.Cut(escapeBlock(n.Topic+"  \n"+n.Text), "\n")
			blocks = append(blocks, n.Topic+"  \n"+text)
			continue
		}
		if n.Topic != "" || i == 0 {
			flush()
			if n.Topic != "" {
				blocks = append(blocks, markdownTopic(n))
			}
		}
		if n.Text != "" {
			text = append(text, n.Text)
		}
	}
	flush()
	return blocks
}

// markdownTopic writes a note's topic: the paragraph the wiki uses since
// 2025-10 when it reads back as one, else a heading.
func markdownTopic(n alesco.Note) string {
	if n.Paragraph && paragraphForm(n.Topic, n.Text) {
		return n.Topic
	}
	return "### " + escapeTopic(n.Topic)
}

// paragraphForm reports whether topic, written as a paragraph above text,
// reads back as a topic paragraph.
func paragraphForm(topic, text string) bool {
	first, _, _ := strings.Cut(text, "\n")
	return paragraphTopic([]string{topic, "", first}, 0) && !strings.ContainsAny(topic, "\r\n")
}

func escapeAll(in []string, where inlineContext) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = escapeInline(s, where)
	}
	return out
}

// IndexLine returns the line that lists m in the wiki's index of minutes
// (docs/alesco/meeting-minutes.md), exactly as the wiki writes it:
// "- [July 30, 2026](/alesco/meeting-minutes/2026-07-30)", the link being
// the path of the committee's minutes URL plus the date.
func IndexLine(c *alesco.Committee, m *alesco.Minutes) string {
	return fmt.Sprintf("- [%s](%s%s)", DateLabel(m.Date), minutesPath(c), m.Date)
}

// DateLabel is how the wiki names a meeting's date in its index and commit
// messages: "July 30, 2026", the day zero-padded ("July 02, 2026") as every
// line since 2026 has it (earlier lines were typed by hand, some padded).
func DateLabel(d alesco.Date) string {
	return d.Midnight(time.UTC).Format("January 02, 2006")
}

// minutesPath is the path of the committee's published minutes folder
// ("/alesco/meeting-minutes/"), from its minutes URL; "" when none is
// configured (the link is then relative to the index).
func minutesPath(c *alesco.Committee) string {
	u, err := url.Parse(c.Links.Minutes)
	if err != nil || u.Path == "" {
		return ""
	}
	return strings.TrimSuffix(u.Path, "/") + "/"
}

func shortName(c *alesco.Committee) string {
	if c.ShortName != "" {
		return c.ShortName
	}
	return c.Name
}

// joinNames joins names as the wiki does: "A", "A and B", "A, B and C".
func joinNames(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// indentRest indents every line of s but the first, so multi-line text
// stays inside its list item.
func indentRest(s, indent string) string {
	return strings.ReplaceAll(s, "\n", "\n"+indent)
}

func actionItems(items []alesco.ActionItem) string {
	var lines []string
	for _, a := range items {
		box := "[ ]"
		if a.Done {
			box = "[x]"
		}
		line := "- " + box + " "
		if a.Owner != "" {
			line += escapeInline(a.Owner, inOwner) + ": "
		}
		lines = append(lines, line+oneLine(a.Text))
	}
	return strings.Join(lines, "\n")
}

// recordedBody renders live-recorded notes and motions in the wiki's
// current shape (2026-07-30): each topic is a "Discussed ..." line, a link
// to the proposal when it has one, followed by its bullets. A motion goes
// under the topic it was put under, else under the topic of its proposal
// (or of its title), else under a topic of its own. Notes without a topic
// come first, where they read back as such.
func recordedBody(c *alesco.Committee, m *alesco.Minutes) []string {
	type topic struct {
		name     string
		proposal int
		lines    []string
	}
	var topics []*topic
	find := func(name string, proposal int) *topic {
		for _, t := range topics {
			if (proposal != 0 && t.proposal == proposal) || strings.EqualFold(t.name, name) {
				return t
			}
		}
		t := &topic{name: name, proposal: proposal}
		topics = append(topics, t)
		return t
	}
	for _, n := range m.Notes {
		t := find(n.Topic, n.ProposalNumber)
		if t.proposal == 0 {
			t.proposal = n.ProposalNumber
		}
		if n.Text == "" {
			continue // the topic was taken up; nothing noted yet
		}
		text := n.Text
		if !isListItem(text) {
			text = "- " + indentRest(text, "  ")
		}
		t.lines = append(t.lines, text)
	}
	for _, mo := range m.Motions {
		name := mo.Topic // Markdown, as every topic
		if name == "" {
			name = escapeInline(mo.Title, inText) // plain text
		}
		t := find(name, mo.ProposalNumber)
		t.lines = append(t.lines, motionLines(&mo)...)
	}
	sort.SliceStable(topics, func(i, j int) bool { return topics[i].name == "" && topics[j].name != "" })
	var out []string
	for _, t := range topics {
		if t.name != "" {
			out = append(out, topicLine(c, t.name, t.proposal))
		}
		if len(t.lines) > 0 {
			out = append(out, escapeBlock(strings.Join(t.lines, "\n")))
		}
	}
	return out
}

// topicLine writes a topic as the wiki does: "Discussed [RFC: Title](PR
// link)" for a topic on a proposal, "Discussed TEXT" otherwise. A topic
// is one line of Markdown (alesco.CleanMarkdown; a pull request's title is
// escaped into it, app.TitleTopic): inside the link it stays Markdown, with
// its unescaped brackets escaped so that it cannot close the link early. A
// topic holding a link of its own is written as it is.
func topicLine(c *alesco.Committee, name string, proposal int) string {
	name = oneLine(name)
	if url := c.PullURL(proposal); url != "" && !strings.Contains(mask(name), "](") {
		return "Discussed [" + escapeBrackets(name) + "](" + url + ")"
	}
	return "Discussed " + name
}

// escapeBrackets escapes the brackets of Markdown text that no escape
// covers yet, so that the text can be a link's text.
func escapeBrackets(md string) string {
	m := mask(md)
	if !strings.ContainsAny(m, "[]") {
		return md
	}
	var b strings.Builder
	for i := 0; i < len(md); i++ {
		if m[i] == '[' || m[i] == ']' {
			b.WriteByte('\\')
		}
		b.WriteByte(md[i])
	}
	return b.String()
}

func motionLines(mo *alesco.Motion) []string {
	out := []string{"- Motion: " + escapeInline(mo.Title, inText)}
	if mo.Status == alesco.MotionOpen {
		out = append(out, "  - Voting is open")
	}
	if len(mo.Votes) > 0 {
		out = append(out, "  - Vote results: "+mo.Tally().String())
		for _, v := range mo.Votes {
			line := "    - " + escapeInline(v.MemberName, inText) + " voted " + v.Value.String()
			if v.Source == alesco.VoteAsync {
				line += " async"
				if v.ReferenceURL != "" {
					// The wiki's words: "voted +1 async in the GitHub discussion".
					where := "the discussion"
					if strings.HasPrefix(v.ReferenceURL, "https://github.com/") {
						where = "the GitHub discussion"
					}
					line += " in " + escapeURL(where, v.ReferenceURL)
				}
			}
			out = append(out, line)
		}
	}
	if d := mo.Deciding; d != nil {
		// Who cast it is recorded with the motion: a member the chair
		// designated, else the chair of the day (who may since have
		// changed, by an election in this very meeting).
		name := escapeInline(d.MemberName, inText)
		who := name + " (chair)"
		if mo.DesignatedMemberID == d.MemberID {
			who = name + " (designated by the chair)"
		}
		out = append(out, "  - Tie decided by "+who+" voting "+d.Value.String())
	}
	if mo.Status == alesco.MotionClosed {
		line := "  - Outcome: " + mo.Outcome.Word()
		if mo.Unanimous {
			line += " (unanimous)"
		}
		out = append(out, line)
	}
	return out
}

func isListItem(s string) bool {
	_, _, ok := listItem(s)
	return ok
}

// hardBreakTopic reports whether a paragraph topic's text starts with a
// line of prose (not a list): the topic was written above it with a hard
// line break, not as a paragraph of its own.
func hardBreakTopic(text string) bool {
	first, _, _ := strings.Cut(text, "\n")
	if strings.TrimSpace(first) == "" || indentOf(first) > 0 {
		return false
	}
	_, _, list := listItem(first)
	return !list
}
