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
	lines, err := textLines(file, data)
	if err != nil {
		return nil, nil, nil, err
	}
	p := &parser{c: c, file: file, seen: map[section]bool{},
		m: &alesco.Minutes{CommitteeID: c.ID, Status: alesco.MinutesFinal, Source: alesco.SourceMarkdown}}
	for i, raw := range lines {
		if err := p.line(i+1, raw); err != nil {
			return nil, p.warnings, nil, err
		}
	}
	if err := p.finish(); err != nil {
		return nil, p.warnings, nil, err
	}
	return p.m, p.warnings, p.seen, nil
}

// textLines checks a file's size and text and splits it into lines.
func textLines(file string, data []byte) ([]string, error) {
	if len(data) > MaxFileBytes {
		return nil, alesco.Errorf(alesco.EINVALID, "%s: file is larger than %d bytes", file, MaxFileBytes)
	}
	if !utf8.Valid(data) {
		return nil, alesco.Errorf(alesco.EINVALID, "%s: file is not UTF-8 text", file)
	}
	text := strings.TrimPrefix(string(data), "\ufeff")
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		// The characters every field allows (alesco.CleanText); lengths are
		// checked field by field once the file is read.
		if _, err := alesco.CleanText("text", alesco.TextKind{Max: len(l), MultiLine: true}, l); err != nil {
			return nil, alesco.Errorf(alesco.EINVALID, "%s:%d: %s", file, i+1, alesco.ErrorMessage(err))
		}
	}
	return lines, nil
}

// parser reads minutes line by line.
type parser struct {
	c        *alesco.Committee
	file     string
	m        *alesco.Minutes
	warnings []string

	sec          section
	minutesLevel int
	body         []string // lines of the Minutes section
	seenTitle    bool
	seen         map[section]bool
	// curDecision is the decision whose wrapped lines and details follow.
	curDecision                  *alesco.Decision
	decisionIndent, detailIndent int
}

func (p *parser) warn(format string, args ...any) {
	p.warnings = append(p.warnings, fmt.Sprintf(format, args...))
}

// line reads line n.
func (p *parser) line(n int, raw string) error {
	line := strings.TrimRight(raw, " \t")
	if p.sec == secMinutes {
		if h := headingRE.FindStringSubmatch(line); h != nil && len(h[1]) <= p.minutesLevel {
			if s := classify(h[2]); s != secNone && s != secMinutes {
				p.sec, p.seen[s] = s, true
				return nil
			}
		}
		p.body = append(p.body, raw)
		return nil
	}
	if h := headingRE.FindStringSubmatch(line); h != nil {
		return p.heading(n, len(h[1]), h[2])
	}
	trimmed := strings.TrimSpace(line)
	if trimmed == "" {
		return nil
	}
	if p.sec == secNone || p.sec == secMembers {
		if p.byline(trimmed) {
			return nil
		}
		if p.sec == secNone {
			p.warn("%s:%d: ignored text outside any section: %q", p.file, n, trimmed)
			return nil
		}
		// Names directly under "Members" are attendees.
		p.sec = secPresent
	}
	switch p.sec {
	case secPresent, secAbsent, secBoard, secCommunity:
		p.attendee(n, trimmed)
	case secDecisions:
		p.decision(line, trimmed)
	}
	return nil
}

// heading reads a heading: the title (with the meeting's date) or a
// section.
func (p *parser) heading(n, level int, title string) error {
	if !p.seenTitle && level == 1 && classify(title) == secNone {
		p.seenTitle = true
		if d := dateRE.FindString(title); d != "" {
			date, err := alesco.ParseDate(d)
			if err != nil {
				return alesco.Errorf(alesco.EINVALID, "%s:%d: bad date %q in the title", p.file, n, d)
			}
			p.m.Date = date
		}
		return nil
	}
	p.curDecision = nil
	p.sec = classify(title)
	p.seen[p.sec] = true
	if p.sec == secMinutes {
		p.minutesLevel = level
	} else if p.sec == secNone {
		p.warn("%s:%d: ignored heading %q (not a section of the minutes)", p.file, n, title)
	}
	return nil
}

// byline reads "Recorded by" and "Edited by" lines (the first of each).
func (p *parser) byline(trimmed string) bool {
	if r := recordedRE.FindStringSubmatchIndex(mask(trimmed)); r != nil && len(p.m.RecordedBy) == 0 {
		p.m.RecordedBy = splitNamesEscaped(trimmed[r[2]:r[3]])
		return true
	}
	if r := editedRE.FindStringSubmatchIndex(mask(trimmed)); r != nil && len(p.m.EditedBy) == 0 {
		p.m.EditedBy = splitNamesEscaped(trimmed[r[2]:r[3]])
		return true
	}
	return false
}

// attendee reads a name under Present, Absent, Board or Community.
func (p *parser) attendee(n int, trimmed string) {
	name := trimmed
	if _, content, ok := listItem(trimmed); ok {
		name = content
	}
	name = strings.TrimSpace(trimMasked(name, "*_"))
	if emptyName(name) {
		return
	}
	a := alesco.Attendee{Name: name}
	if r := parenRE.FindStringSubmatchIndex(mask(name)); r != nil && r[3] > r[2] {
		a.Name, a.Note = strings.TrimSpace(trimMasked(name[r[2]:r[3]], "*_ ")), strings.TrimSpace(name[r[4]:r[5]])
	}
	a.Name, a.Note = unescapeInline(a.Name), unescapeInline(a.Note)
	switch p.sec {
	case secBoard:
		a.Kind = alesco.AttendeeBoard
	case secCommunity:
		a.Kind = alesco.AttendeeCommunity
	default:
		a.Kind = alesco.AttendeeMember
		a.Absent = p.sec == secAbsent
		if mem, ok := p.c.MemberByName(a.Name); ok {
			a.MemberID, a.Name = mem.ID, mem.Name
		} else {
			p.warn("%s:%d: %q is listed as a member but is not a member of %s in the configuration", p.file, n, a.Name, p.c.ID)
		}
	}
	p.m.Attendees = append(p.m.Attendees, a)
}

// decision reads a line under Decisions: a new decision, a wrapped line of
// the current one, or one of its details.
func (p *parser) decision(line, trimmed string) {
	ind := indentOf(line)
	if d := p.curDecision; d != nil && ind > p.decisionIndent {
		if len(d.Details) == 0 {
			if !isListItem(trimmed) {
				// A wrapped line of the decision itself.
				d.Text += "\n" + trimmed
				return
			}
			// Details are read relative to the first one's indentation.
			p.detailIndent = ind
		}
		rel := dedent(line, p.detailIndent)
		if _, content, ok := listItem(rel); ok {
			rel = content
		}
		d.Details = append(d.Details, rel)
		return
	}
	textOf := trimmed
	if _, content, ok := listItem(trimmed); ok {
		textOf = content
	}
	p.m.Decisions = append(p.m.Decisions, alesco.Decision{Text: strings.TrimSpace(textOf)})
	p.curDecision = &p.m.Decisions[len(p.m.Decisions)-1]
	p.decisionIndent = ind
}

// finish dates the minutes (from the title, else the file's name), reads
// the decisions' outcomes and proposals and cuts the Minutes section into
// notes and action items.
func (p *parser) finish() error {
	m, file := p.m, p.file
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
		return alesco.Errorf(alesco.EINVALID, "%s: no meeting date: want a title such as \"# %s Meeting Minutes (YYYY-MM-DD)\" or a file named YYYY-MM-DD.md", file, shortName(p.c))
	}
	m.MeetingID = alesco.MeetingID(p.c.ID, m.Date, 1)
	for i := range m.Decisions {
		d := &m.Decisions[i]
		all := d.Text + "\n" + strings.Join(d.Details, "\n")
		d.Outcome = outcomeOf(d.Text)
		if d.Outcome == alesco.OutcomeNone {
			d.Outcome = outcomeOf(all)
		}
		d.ProposalNumber = ProposalNumber(all)
	}
	m.Notes, m.ActionItems = splitBody(p.body, p.minutesLevel+1)
	return nil
}
