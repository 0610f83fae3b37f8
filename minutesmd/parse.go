package minutesmd

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/almalinux/alesco"
)

// The wiki's minutes are line-oriented Markdown whose notes must be kept
// byte for byte (so an imported file exports back unchanged). A CommonMark
// parser such as goldmark gives an AST that loses the source's own
// formatting, so this reader is hand-written over lines: headings pick the
// section, list markers pick the entries, and everything under "Minutes"
// is kept verbatim.

// MaxFileBytes bounds one minutes file.
const MaxFileBytes = 1 << 20

var (
	// headingRE is an ATX heading; as in CommonMark, a closing run of "#"
	// counts only after a space ("### C#" is about C#).
	headingRE  = regexp.MustCompile(`^(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$`)
	dateRE     = regexp.MustCompile(`\b(\d{4}-\d{2}-\d{2})\b`)
	recordedRE = regexp.MustCompile(`(?i)^(?:minutes\s+)?(?:recorded|taken)\s+by:?\s+(.+?)\.?$`)
	editedRE   = regexp.MustCompile(`(?i)^edited\s+by:?\s+(.+?)(?:\s+for\s+publishing)?\.?$`)
	listRE     = regexp.MustCompile(`^([-*+]|\d{1,3}[.)])(?:[ \t]+|$)`)
	pullRE     = regexp.MustCompile(`(?i)/pull/(\d{1,6})\b|(?:^|[^\w&])#(\d{1,6})\b|\bRFC[ -]?#?(\d{1,6})\b`)
	parenRE    = regexp.MustCompile(`^(.*?)\s*\(([^()]*)\)\s*$`)
	actionRE   = regexp.MustCompile(`^\[([ xX])\]\s*(.*)$`)
	namesSepRE = regexp.MustCompile(`\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*`)
)

type section int

const (
	secNone section = iota
	secMembers
	secPresent
	secAbsent
	secBoard
	secCommunity
	secDecisions
	secMinutes
)

// classify maps a heading's text to the section it opens; the wiki has
// used several names and levels for each.
func classify(text string) section {
	t := strings.ToLower(strings.TrimSpace(strings.Trim(text, "*_:")))
	t = strings.TrimSuffix(t, ":")
	switch {
	case t == "members":
		return secMembers
	case t == "attendance" || t == "attendees" || t == "present" || strings.HasSuffix(t, "member attendees") || t == "members present" || t == "member attendance":
		return secPresent
	case strings.HasPrefix(t, "unable to attend") || t == "absent" || t == "members absent" || t == "regrets" || t == "apologies" || t == "not present":
		return secAbsent
	case strings.HasPrefix(t, "board"):
		return secBoard
	case strings.HasPrefix(t, "community") || t == "guests" || t == "other attendees":
		return secCommunity
	case strings.HasPrefix(t, "decisions") || t == "decisions adopted" || t == "decision":
		return secDecisions
	case t == "minutes" || t == "meeting minutes" || t == "notes" || t == "discussion":
		return secMinutes
	}
	return secNone
}

// emptyName reports whether an attendance line says "nobody".
func emptyName(s string) bool {
	t := strings.ToLower(strings.Trim(strings.TrimSpace(s), ".*_"))
	return t == "" || t == "n/a" || t == "na" || t == "none" || t == "nobody" || t == "-" || strings.HasPrefix(t, "no ")
}

// listItem splits a list line ("- x", "* x", "1. x") into its marker width
// and content.
func listItem(line string) (width int, content string, ok bool) {
	loc := listRE.FindStringIndex(line)
	if loc == nil {
		return 0, "", false
	}
	return loc[1], line[loc[1]:], true
}

func indentOf(line string) int {
	n := 0
	for _, r := range line {
		switch r {
		case ' ':
			n++
		case '\t':
			n += 4
		default:
			return n
		}
	}
	return n
}

// dedent removes up to n columns of leading spaces.
func dedent(line string, n int) string {
	i := 0
	for i < len(line) && i < n && line[i] == ' ' {
		i++
	}
	return line[i:]
}

// ProposalNumber finds the pull-request number a text refers to, 0 if none.
func ProposalNumber(s string) int {
	m := pullRE.FindStringSubmatch(s)
	if m == nil {
		return 0
	}
	for _, g := range m[1:] {
		if g != "" {
			n, _ := strconv.Atoi(g)
			return n
		}
	}
	return 0
}

// outcomeOf infers a decision's outcome from the words the wiki uses.
func outcomeOf(s string) alesco.MotionOutcome {
	u := strings.ToUpper(s)
	switch {
	case strings.Contains(u, "REJECT") || strings.Contains(u, "DECLINE"):
		return alesco.OutcomeRejected
	case strings.Contains(u, "TABLED"):
		return alesco.OutcomeTabled
	case strings.Contains(u, "PUNTED") || strings.Contains(u, "DEFERRED"):
		return alesco.OutcomePunted
	case strings.Contains(u, "APPROVED") || strings.Contains(u, "PASSED") || strings.Contains(u, "ADOPTED") ||
		strings.Contains(u, "VOTED") || strings.Contains(u, "UNANIMOUS") || strings.Contains(u, "ELECTED"):
		return alesco.OutcomePassed
	}
	return alesco.OutcomeNone
}

// Parse reads one wiki minutes file. Members are matched to c's members by
// name (case-insensitive); warnings say what was ignored or looks wrong.
// The date comes from the title "(YYYY-MM-DD)", else from the file name.
func Parse(c *alesco.Committee, file string, data []byte) (*alesco.Minutes, []string, error) {
	m, warnings, _, err := parse(c, file, data)
	return m, warnings, err
}

// ParseAmendment reads the text that replaces the minutes of meeting
// meetingID, held on date, in an amendment. It must be complete minutes of
// that meeting: its date (if it gives one) is the meeting's (date, or
// also, for a meeting moved to another day, the day its id names), and it
// has the Members, Decisions Adopted and Minutes sections; otherwise the
// error (EINVALID) says what is missing, so a stray paste cannot wipe a
// record.
func ParseAmendment(c *alesco.Committee, meetingID string, date alesco.Date, data []byte) (*alesco.Minutes, []string, error) {
	file := meetingID + ".md"
	m, warnings, seen, err := parse(c, file, data)
	if err != nil {
		return nil, warnings, err
	}
	if _, idDate, _, _ := alesco.NewCommittees([]*alesco.Committee{c}).ParseMeetingID(meetingID); m.Date != date && m.Date != idDate {
		return nil, warnings, alesco.Errorf(alesco.EINVALID, "the amended text is dated %s, but meeting %s was on %s", m.Date, meetingID, date)
	}
	var missing []string
	if !seen[secMembers] && !seen[secPresent] && !seen[secAbsent] {
		missing = append(missing, `"## Members" with its attendance`)
	}
	if !seen[secDecisions] {
		missing = append(missing, `"## Decisions Adopted"`)
	}
	if !seen[secMinutes] {
		missing = append(missing, `"## Minutes"`)
	}
	if len(missing) > 0 {
		return nil, warnings, alesco.Errorf(alesco.EINVALID, "the amended text is not complete minutes of %s: it has no %s section; start from GET /minutes/%s.md and edit that",
			meetingID, strings.Join(missing, ", no "), meetingID)
	}
	return m, warnings, nil
}

// parse is Parse, also reporting which sections the file has.
func parse(c *alesco.Committee, file string, data []byte) (*alesco.Minutes, []string, map[section]bool, error) {
	if len(data) > MaxFileBytes {
		return nil, nil, nil, alesco.Errorf(alesco.EINVALID, "%s: file is larger than %d bytes", file, MaxFileBytes)
	}
	if !utf8.Valid(data) {
		return nil, nil, nil, alesco.Errorf(alesco.EINVALID, "%s: file is not UTF-8 text", file)
	}
	text := strings.TrimPrefix(string(data), "\ufeff")
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		// The characters every field allows (alesco.CleanText); lengths are
		// checked field by field once the file is read.
		if _, err := alesco.CleanText("text", alesco.TextKind{Max: len(l), MultiLine: true}, l); err != nil {
			return nil, nil, nil, alesco.Errorf(alesco.EINVALID, "%s:%d: %s", file, i+1, alesco.ErrorMessage(err))
		}
	}

	m := &alesco.Minutes{CommitteeID: c.ID, Status: alesco.MinutesFinal, Source: alesco.SourceMarkdown}
	var warnings []string
	warn := func(format string, args ...any) { warnings = append(warnings, fmt.Sprintf(format, args...)) }

	sec := secNone
	minutesLevel := 0
	var body []string // lines of the Minutes section
	var curDecision *alesco.Decision
	decisionIndent, detailIndent := 0, 0
	seenTitle := false
	seen := map[section]bool{}

	for i, raw := range lines {
		line := strings.TrimRight(raw, " \t")
		if sec == secMinutes {
			if h := headingRE.FindStringSubmatch(line); h != nil && len(h[1]) <= minutesLevel {
				if s := classify(h[2]); s != secNone && s != secMinutes {
					sec, seen[s] = s, true
					continue
				}
			}
			body = append(body, raw)
			continue
		}
		if h := headingRE.FindStringSubmatch(line); h != nil {
			level, title := len(h[1]), h[2]
			if !seenTitle && level == 1 && classify(title) == secNone {
				seenTitle = true
				if d := dateRE.FindString(title); d != "" {
					date, err := alesco.ParseDate(d)
					if err != nil {
						return nil, warnings, nil, alesco.Errorf(alesco.EINVALID, "%s:%d: bad date %q in the title", file, i+1, d)
					}
					m.Date = date
				}
				continue
			}
			curDecision = nil
			sec = classify(title)
			seen[sec] = true
			if sec == secMinutes {
				minutesLevel = level
			} else if sec == secNone {
				warn("%s:%d: ignored heading %q (not a section of the minutes)", file, i+1, title)
			}
			continue
		}
		trimmed := strings.TrimSpace(line)
		if trimmed == "" {
			continue
		}
		if sec == secNone || sec == secMembers {
			if r := recordedRE.FindStringSubmatchIndex(mask(trimmed)); r != nil && len(m.RecordedBy) == 0 {
				m.RecordedBy = splitNamesEscaped(trimmed[r[2]:r[3]])
				continue
			}
			if r := editedRE.FindStringSubmatchIndex(mask(trimmed)); r != nil && len(m.EditedBy) == 0 {
				m.EditedBy = splitNamesEscaped(trimmed[r[2]:r[3]])
				continue
			}
			if sec == secNone {
				warn("%s:%d: ignored text outside any section: %q", file, i+1, trimmed)
				continue
			}
			// Names directly under "Members" are attendees.
			sec = secPresent
		}
		switch sec {
		case secPresent, secAbsent, secBoard, secCommunity:
			name := trimmed
			if _, content, ok := listItem(trimmed); ok {
				name = content
			}
			name = strings.TrimSpace(trimMasked(name, "*_"))
			if emptyName(name) {
				continue
			}
			a := alesco.Attendee{Name: name}
			if p := parenRE.FindStringSubmatchIndex(mask(name)); p != nil && p[3] > p[2] {
				a.Name, a.Note = strings.TrimSpace(trimMasked(name[p[2]:p[3]], "*_ ")), strings.TrimSpace(name[p[4]:p[5]])
			}
			a.Name, a.Note = unescapeInline(a.Name), unescapeInline(a.Note)
			switch sec {
			case secBoard:
				a.Kind = alesco.AttendeeBoard
			case secCommunity:
				a.Kind = alesco.AttendeeCommunity
			default:
				a.Kind = alesco.AttendeeMember
				a.Absent = sec == secAbsent
				if mem, ok := c.MemberByName(a.Name); ok {
					a.MemberID, a.Name = mem.ID, mem.Name
				} else {
					warn("%s:%d: %q is listed as a member but is not a member of %s in the configuration", file, i+1, a.Name, c.ID)
				}
			}
			m.Attendees = append(m.Attendees, a)
		case secDecisions:
			ind := indentOf(line)
			if curDecision != nil && ind > decisionIndent {
				if len(curDecision.Details) == 0 {
					if !isListItem(trimmed) {
						// A wrapped line of the decision itself.
						curDecision.Text += "\n" + trimmed
						continue
					}
					// Details are read relative to the first one's indentation.
					detailIndent = ind
				}
				rel := dedent(line, detailIndent)
				if _, content, ok := listItem(rel); ok {
					rel = content
				}
				curDecision.Details = append(curDecision.Details, rel)
				continue
			}
			textOf := trimmed
			if _, content, ok := listItem(trimmed); ok {
				textOf = content
			}
			m.Decisions = append(m.Decisions, alesco.Decision{Text: strings.TrimSpace(textOf)})
			curDecision = &m.Decisions[len(m.Decisions)-1]
			decisionIndent = ind
		}
	}
	if m.Date.IsZero() {
		base := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
		if d := dateRE.FindString(base); d != "" {
			date, err := alesco.ParseDate(d)
			if err == nil {
				m.Date = date
			}
		}
	}
	if m.Date.IsZero() {
		return nil, warnings, nil, alesco.Errorf(alesco.EINVALID, "%s: no meeting date: want a title such as \"# %s Meeting Minutes (YYYY-MM-DD)\" or a file named YYYY-MM-DD.md", file, shortName(c))
	}
	m.MeetingID = alesco.MeetingID(c.ID, m.Date, 1)
	for i := range m.Decisions {
		d := &m.Decisions[i]
		all := d.Text + "\n" + strings.Join(d.Details, "\n")
		d.Outcome = outcomeOf(d.Text)
		if d.Outcome == alesco.OutcomeNone {
			d.Outcome = outcomeOf(all)
		}
		d.ProposalNumber = ProposalNumber(all)
	}
	m.Notes, m.ActionItems = splitBody(body, minutesLevel+1)
	return m, warnings, seen, nil
}

// splitBody cuts the Minutes section into notes at its topics, keeping each
// note's text verbatim. A topic is a heading (level topicLevel or above) or,
// in the shape the wiki uses since 2025-10, a one-line paragraph followed by
// a blank line and a list ("Discussed [RFC: ...](...)"). A topic called
// "Action Items" holds the action items instead.
func splitBody(body []string, topicLevel int) ([]alesco.Note, []alesco.ActionItem) {
	var notes []alesco.Note
	var items []alesco.ActionItem
	topic, inActions, paragraph := "", false, false
	var cur []string
	flush := func() {
		for len(cur) > 0 && strings.TrimSpace(cur[0]) == "" {
			cur = cur[1:]
		}
		for len(cur) > 0 && strings.TrimSpace(cur[len(cur)-1]) == "" {
			cur = cur[:len(cur)-1]
		}
		text := strings.Join(cur, "\n")
		cur = nil
		if inActions {
			for _, l := range strings.Split(text, "\n") {
				_, content, ok := listItem(strings.TrimSpace(l))
				if !ok {
					continue
				}
				a := alesco.ActionItem{Text: content}
				if m := actionRE.FindStringSubmatch(content); m != nil {
					a.Done, a.Text = m[1] != " ", m[2]
				}
				// alesco.SplitOwner, on the line as escaped (the owner is
				// plain text, the rest Markdown).
				if i := strings.Index(mask(a.Text), ": "); i >= 0 && alesco.IsOwner(a.Text[:i]) {
					a.Owner, a.Text = unescapeInline(a.Text[:i]), a.Text[i+2:]
				}
				items = append(items, a)
			}
			return
		}
		if strings.TrimSpace(text) == "" && topic == "" {
			return
		}
		if strings.TrimSpace(text) == "" {
			text = ""
		}
		text = unescapeBlock(text)
		n := ProposalNumber(topic)
		if n == 0 {
			n = ProposalNumber(text)
		}
		notes = append(notes, alesco.Note{Topic: topic, ProposalNumber: n, Text: text, Paragraph: paragraph})
	}
	started := false
	for i, l := range body {
		if h := headingRE.FindStringSubmatch(strings.TrimRight(l, " \t")); h != nil && len(h[1]) <= topicLevel {
			if started || len(cur) > 0 {
				flush()
			}
			started = true
			topic, paragraph = h[2], false
			inActions = strings.EqualFold(strings.TrimSpace(topic), "action items")
			continue
		}
		if !inActions && paragraphTopic(body, i) {
			if started || len(cur) > 0 {
				flush()
			}
			started = true
			topic, paragraph = strings.TrimRight(l, " \t"), true
			continue
		}
		cur = append(cur, l)
	}
	if started || len(cur) > 0 {
		flush()
	}
	return notes, items
}

// paragraphTopic reports whether body[i] is a topic written as a paragraph:
// a single unindented line that is not a list item or heading, with a blank
// line (or the start) before it, then either a blank line and a list, or
// (2025-10-16) a Markdown hard line break (two trailing spaces) when the
// line names a pull request ("Discussed [RFC: ...](.../pull/15)  ") and
// text goes on in the next line.
func paragraphTopic(body []string, i int) bool {
	l := body[i]
	if strings.TrimSpace(l) == "" || indentOf(l) > 0 || strings.HasPrefix(l, "#") {
		return false
	}
	if _, _, ok := listItem(l); ok {
		return false
	}
	if i > 0 && strings.TrimSpace(body[i-1]) != "" {
		return false
	}
	if trimmed := strings.TrimRight(l, " \t"); trimmed != l {
		if !strings.HasSuffix(l, "  ") || strings.ContainsRune(l[len(trimmed):], '\t') || ProposalNumber(trimmed) == 0 {
			return false
		}
		if i+1 >= len(body) || strings.TrimSpace(body[i+1]) == "" || indentOf(body[i+1]) > 0 {
			return false
		}
		_, _, list := listItem(body[i+1])
		return !list
	}
	if i+2 >= len(body) || strings.TrimSpace(body[i+1]) != "" {
		return false
	}
	_, _, ok := listItem(body[i+2])
	return ok && indentOf(body[i+2]) == 0
}
