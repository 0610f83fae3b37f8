package alesco

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file is the one place the rules for text people type into the
// record live: how long each kind of field may be, which characters it may
// hold, and what a link must look like. Every write of the record (API,
// CLI, imports and amendments alike) goes through CleanText and CleanURL.
// The Markdown writer (minutes.Render) relies on them: a one-line field can
// never start a new line, so it cannot open a section of its own.

// TextKind is a kind of text field: its limit in characters (Unicode code
// points) and whether it may span lines.
type TextKind struct {
	Name      string
	Max       int
	MultiLine bool
}

// The kinds of text field. Limits are generous for what each field holds
// (a person's name, a title, a meeting's notes on one topic) and small
// enough that no single write can bloat the record or the pages.
var (
	// NameText: attendees (and their "arrived late" notes), action item
	// owners, "recorded by" and "edited by" names.
	NameText = TextKind{Name: "name", Max: 200}
	// LineText: motion and meeting titles, note topics, action items,
	// cancellation reasons (calendars show them on one line).
	LineText = TextKind{Name: "line", Max: 500}
	// NoteText: the text of a discussion note (Markdown).
	NoteText = TextKind{Name: "note", Max: 20000, MultiLine: true}
	// ReasonText: amendment reasons; decisions of imported minutes.
	ReasonText = TextKind{Name: "reason", Max: 2000, MultiLine: true}
	// URLText: links (async votes' references).
	URLText = TextKind{Name: "url", Max: 2000}
)

// CleanText trims s and checks it against kind. It refuses (EINVALID,
// naming field) text that is too long, is not UTF-8, or holds a control
// character: only multi-line kinds may hold line breaks (a CRLF becomes a
// LF) and tabs. Invisible direction overrides (which can make text read
// differently from what is stored) and Unicode line separators are
// refused everywhere.
func CleanText(field string, kind TextKind, s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", Errorf(EINVALID, "%s is not valid UTF-8 text", field)
	}
	if kind.MultiLine {
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	s = strings.TrimSpace(s)
	if n := utf8.RuneCountInString(s); n > kind.Max {
		return "", Errorf(EINVALID, "%s is too long: %d characters, at most %d", field, n, kind.Max)
	}
	pos := 0
	for _, r := range s {
		pos++
		switch {
		case r == '\n' || r == '\r':
			if !kind.MultiLine || r == '\r' {
				return "", Errorf(EINVALID, "%s must be one line: it has a line break at character %d", field, pos)
			}
		case r == '\t':
			if !kind.MultiLine {
				return "", Errorf(EINVALID, "%s must be one line: it has a tab at character %d", field, pos)
			}
		case unicode.IsControl(r):
			return "", Errorf(EINVALID, "%s has a control character (%U) at character %d", field, r, pos)
		case r == '\u2028' || r == '\u2029':
			return "", Errorf(EINVALID, "%s has a Unicode line separator (%U) at character %d: use a newline", field, r, pos)
		case isBidiControl(r):
			return "", Errorf(EINVALID, "%s has an invisible direction control (%U) at character %d", field, r, pos)
		}
	}
	return s, nil
}

// CleanMarkdown is CleanText for a field that holds Markdown (a note, its
// topic, an action item): besides the text rules, its links may lead only
// to http(s) and mailto addresses or within the page, and it may hold no
// raw HTML (an <http(s)://...> link excepted). The wiki renders these
// fields as they are, HTML included: a "javascript:" link or a <script>
// there would run in its readers' browsers.
func CleanMarkdown(field string, kind TextKind, s string) (string, error) {
	s, err := CleanText(field, kind, s)
	if err != nil {
		return s, err
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s) && strings.IndexByte(`!"#$%&'()*+,-./:;<=>?@[\\]^_{|}~`+"`", s[i+1]) >= 0:
			i++ // an escaped character opens nothing
		case c == '<':
			if rest := s[i+1:]; len(rest) > 0 && (isLetter(rest[0]) || strings.IndexByte("/!?", rest[0]) >= 0) && !autolinkRE.MatchString(s[i:]) {
				return "", Errorf(EINVALID, "%s may not hold HTML (%q): write \\< for a literal <", field, clip(s[i:]))
			}
		case c == ']' && i+1 < len(s) && s[i+1] == '(':
			if !safeDestination(s[i+2:]) {
				return "", Errorf(EINVALID, "%s may link only to http(s) or mailto addresses, not %q", field, clip(s[i+2:]))
			}
		}
	}
	for _, m := range refDefRE.FindAllStringSubmatch(s, -1) {
		if !safeDestination(m[1]) {
			return "", Errorf(EINVALID, "%s may link only to http(s) or mailto addresses, not %q", field, clip(m[1]))
		}
	}
	return s, nil
}

// EscapeMarkdown writes plain text s (a pull request's title from GitHub, a
// meeting's or a motion's title, a name) as CommonMark inline text that
// shows exactly s: a backslash before what would open a link, emphasis,
// code or HTML ("\[", "\<"), and before what would make the line a
// heading, a list item or a rule. Line breaks become spaces: one value
// never opens a line of its own. It is the one escape for Markdown written
// from data (the minutes, the agenda, live topics); minutes.Parse reads it
// back. A value needs no escape in the common case, so published text
// keeps its bytes.
//
// special, when not nil, lets a context escape more: it is called with the
// one-line s for each rune r at byte i, and returns r's escape and true,
// or false for the rules above.
func EscapeMarkdown(s string, special func(s string, i int, r rune) (string, bool)) string {
	if special == nil && !strings.ContainsAny(s, "\\`*_[]<>~&\n\r\u2028\u2029") && (s == "" || !strings.ContainsRune("#-+0123456789", rune(s[0]))) {
		return s // the common case: nothing to escape, nothing to allocate
	}
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i, r := range s {
		if special != nil {
			if e, ok := special(s, i, r); ok {
				b.WriteString(e)
				continue
			}
		}
		if strings.ContainsRune("\\`*_[]<>~&", r) || (i == 0 && strings.ContainsRune("#-+", r)) {
			b.WriteByte('\\') // inline markup; at the start, a heading, a list item or a rule
		}
		b.WriteRune(r)
	}
	out := b.String()
	if m := orderedRE.FindStringIndex(out); m != nil {
		out = out[:m[1]-1] + `\` + out[m[1]-1:] // "1. x" would be a list item
	}
	return out
}

var orderedRE = regexp.MustCompile(`^\d{1,9}[.)]`)

// refDefRE is a link reference definition: "[id]: destination".
var refDefRE = regexp.MustCompile(`(?m)^ {0,3}\[[^\]]+\]:[ \t]*(\S+)`)

// autolinkRE is a CommonMark autolink to an http(s) address.
var autolinkRE = regexp.MustCompile(`^<(?i:https?)://[^\s<>]*>`)

// safeDestination reports whether a link destination (what follows "](")
// leads to an http(s) or mailto address or within the page. Anything else,
// entity-encoded schemes included, is refused.
func safeDestination(d string) bool {
	d = strings.TrimLeft(d, " \t<")
	lower := strings.ToLower(d)
	for _, ok := range []string{"https://", "http://", "mailto:", "#", "/"} {
		if strings.HasPrefix(lower, ok) {
			return true
		}
	}
	return false
}

func isLetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

func clip(s string) string {
	if r := []rune(s); len(r) > 30 {
		return string(r[:30]) + "…"
	}
	return s
}

// isBidiControl reports the embedding, override and isolate controls that
// reorder how text is displayed (Unicode TR #9; CVE-2021-42574).
func isBidiControl(r rune) bool {
	return (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069')
}

// CleanURL trims s and checks that it is an absolute http(s) URL a reader
// may follow: a host, no user name or password (https://github.com@evil.example
// reads as GitHub), and only the characters RFC 3986 allows (non-ASCII and
// spaces percent-encoded), at most URLText.Max long.
func CleanURL(field, s string) (string, error) {
	s, err := CleanText(field, URLText, s)
	if err != nil {
		return "", err
	}
	if s == "" {
		return "", Errorf(EINVALID, "%s is required: an http(s) link", field)
	}
	for i := 0; i < len(s); i++ {
		if !uriChar(s[i]) {
			r, _ := utf8.DecodeRuneInString(s[i:])
			return "", Errorf(EINVALID, "%s may not contain %q: percent-encode it (RFC 3986)", field, r)
		}
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return "", Errorf(EINVALID, "%s is not a valid URL", field)
	case u.Scheme == "":
		return "", Errorf(EINVALID, "%s must be an absolute link such as https://github.com/...", field)
	case u.Scheme != "http" && u.Scheme != "https":
		return "", Errorf(EINVALID, "%s must be an http(s) link, not %q", field, u.Scheme+":")
	case u.Host == "" || u.Opaque != "":
		return "", Errorf(EINVALID, "%s must be an absolute link such as https://github.com/...", field)
	case u.User != nil:
		return "", Errorf(EINVALID, "%s may not carry a user name or password", field)
	}
	return s, nil
}

// uriChar reports the characters RFC 3986 §2 allows in a URI: unreserved,
// reserved and the percent sign of an escape.
func uriChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-._~:/?#[]@!$&'()*+,;=%", c) >= 0
}

// SplitOwner reads an action item written the wiki's way, "Owner: what to
// do": the text before the first ": " is its owner when it is not empty
// and holds no link brackets. The minutes reader and AddActionItem share
// this rule, so an item keeps its owner through an export and import.
func SplitOwner(s string) (owner, rest string, ok bool) {
	owner, rest, ok = strings.Cut(s, ": ")
	if !ok || !IsOwner(owner) {
		return "", s, false
	}
	return owner, rest, true
}

// IsOwner reports whether the text before an action item's ": " names its
// owner (SplitOwner).
func IsOwner(s string) bool {
	return strings.TrimSpace(s) != "" && !strings.ContainsAny(s, "[]()")
}

// checkText checks every text field of minutes read from Markdown (an
// import or an amendment's replacement) with the same rules as the fields
// recorded one by one.
func (m *Minutes) checkText() error {
	check := func(field string, kind TextKind, s string) error {
		_, err := CleanText(field, kind, s)
		return err
	}
	markdown := func(field string, kind TextKind, s string) error {
		_, err := CleanMarkdown(field, kind, s)
		return err
	}
	for i, n := range append(append([]string(nil), m.RecordedBy...), m.EditedBy...) {
		if err := check(fmt.Sprintf("recorded/edited-by name %d", i+1), NameText, n); err != nil {
			return err
		}
	}
	for i, a := range m.Attendees {
		if err := check(fmt.Sprintf("attendee %d: name", i+1), NameText, a.Name); err != nil {
			return err
		}
		if err := check(fmt.Sprintf("attendee %d: note", i+1), NameText, a.Note); err != nil {
			return err
		}
	}
	for i, d := range m.Decisions {
		if err := markdown(fmt.Sprintf("decision %d", i+1), ReasonText, d.Text); err != nil {
			return err
		}
		for j, det := range d.Details {
			if utf8.RuneCountInString(det) > ReasonText.Max || strings.ContainsAny(det, "\n\r") {
				return Errorf(EINVALID, "decision %d, detail %d: one line of at most %d characters", i+1, j+1, ReasonText.Max)
			}
			if err := markdown(fmt.Sprintf("decision %d, detail %d", i+1, j+1), ReasonText, det); err != nil {
				return err
			}
		}
	}
	for i, n := range m.Notes {
		if err := markdown(fmt.Sprintf("note %d: topic", i+1), LineText, n.Topic); err != nil {
			return err
		}
		if err := markdown(fmt.Sprintf("note %d: text", i+1), NoteText, n.Text); err != nil {
			return err
		}
	}
	for i, a := range m.ActionItems {
		if err := check(fmt.Sprintf("action item %d: owner", i+1), NameText, a.Owner); err != nil {
			return err
		}
		if err := markdown(fmt.Sprintf("action item %d", i+1), LineText, a.Text); err != nil {
			return err
		}
	}
	return nil
}
