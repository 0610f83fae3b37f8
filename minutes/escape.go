package minutes

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/almalinux/alesco"
)

// How stored values go into the wiki's Markdown and come back out. No
// library does this: it must match what this package's reader does with a
// line, not only what CommonMark does.
//
// Plain fields (attendees and their notes, "recorded by" names, action
// item owners, motion titles, member names) are written with CommonMark's
// own escapes (alesco.EscapeMarkdown, which the agenda and live topics use
// too, plus what each context below adds): a backslash before ASCII punctuation ("\[", "\*") or a
// numeric character reference ("&#97;"). A CommonMark renderer shows
// exactly the stored text, with no link, emphasis, HTML, heading or list
// item; the reader decodes the same escapes, so the value comes back
// unchanged. Besides those, each context escapes what its own line would
// misread: parentheses after an attendee's name (they hold the note),
// commas and "and" in a names list, ": " and brackets in an owner. A value
// needs no escape in the common case, so published minutes keep their
// bytes.
//
// Markdown fields (note topics and texts, action items, imported
// decisions) are the secretary's Markdown and are written as they are,
// except for the few lines that would otherwise open a section, a topic or
// the action items of their own; those get one reversible escape that the
// reader undoes (escapeBlock, unescapeBlock).

// inlineContext says where a plain value is written.
type inlineContext int

const (
	inText     inlineContext = iota // running text: titles, names in sentences
	inAttendee                      // an attendee line: "- Name (note)"
	inNames                         // a "recorded by" list: "A, B and C"
	inOwner                         // before an action item's ": "
)

// escapeInline writes plain text s for context where: alesco.EscapeMarkdown,
// with what the context's own line would misread escaped too.
func escapeInline(s string, where inlineContext) string {
	out := alesco.EscapeMarkdown(s, func(s string, i int, r rune) (string, bool) {
		switch {
		case where == inOwner && strings.ContainsRune("[]():", r) && (r != ':' || strings.HasPrefix(s[i+1:], " ")):
			// The reader finds an owner by its ": " and refuses owners
			// with brackets: a numeric reference hides both.
			return "&#" + strconv.Itoa(int(r)) + ";", true
		case where == inNames && andWordAt(s, i):
			return "&#97;", true // "and" as a word would split a names list
		case where == inNames && r == ',', where == inAttendee && (r == '(' || r == ')'):
			return `\` + string(r), true
		}
		return "", false
	})
	if where == inAttendee && emptyName(out) {
		// "N/A" or "no one" would read as nobody attended.
		r, n := utf8.DecodeRuneInString(out)
		out = "&#" + strconv.Itoa(int(r)) + ";" + out[n:]
	}
	return out
}

// andWordAt reports whether the word "and", which a names list is split
// at, starts at byte i of s.
func andWordAt(s string, i int) bool {
	return strings.HasPrefix(s[i:], "and") && (i == 0 || s[i-1] == ' ') && (i+3 == len(s) || s[i+3] == ' ')
}

// escapeUnit returns the length of the escape at the start of s: a
// backslash before ASCII punctuation, or a valid numeric character
// reference; 0 when s does not start with one.
func escapeUnit(s string) int {
	if len(s) >= 2 && s[0] == '\\' && isASCIIPunct(s[1]) {
		return 2
	}
	if _, n := numericRef(s); n > 0 {
		return n
	}
	return 0
}

// numericRef decodes a CommonMark numeric character reference at the start
// of s ("&#233;", "&#xE9;"): the rune and its length, or 0.
func numericRef(s string) (rune, int) {
	if !strings.HasPrefix(s, "&#") {
		return 0, 0
	}
	i, base, maxDigits := 2, 10, 7
	if len(s) > 2 && (s[2] == 'x' || s[2] == 'X') {
		i, base, maxDigits = 3, 16, 6
	}
	j := i
	for j < len(s) && j-i < maxDigits && isDigit(s[j], base) {
		j++
	}
	if j == i || j >= len(s) || s[j] != ';' {
		return 0, 0
	}
	n, err := strconv.ParseInt(s[i:j], base, 32)
	r := rune(n)
	if err != nil || r == 0 || !utf8.ValidRune(r) {
		return 0, 0
	}
	return r, j + 1
}

func isDigit(c byte, base int) bool {
	if '0' <= c && c <= '9' {
		return true
	}
	c |= 0x20
	return base == 16 && 'a' <= c && c <= 'f'
}

func isASCIIPunct(c byte) bool {
	return strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", c) >= 0
}

// mask returns s with every byte of every escape replaced by NUL, so the
// reader's patterns see no escaped character; offsets stay those of s.
// Lines never hold NUL: Parse refuses control characters.
func mask(s string) string {
	if !strings.ContainsAny(s, `\&`) {
		return s
	}
	b := []byte(s)
	for i := 0; i < len(b); {
		if n := escapeUnit(s[i:]); n > 0 {
			for k := i; k < i+n; k++ {
				b[k] = 0
			}
			i += n
			continue
		}
		i++
	}
	return string(b)
}

// unescapeInline decodes what escapeInline wrote.
func unescapeInline(s string) string {
	if !strings.ContainsAny(s, `\&`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if len(s)-i >= 2 && s[i] == '\\' && isASCIIPunct(s[i+1]) {
			b.WriteByte(s[i+1])
			i += 2
			continue
		}
		if r, n := numericRef(s[i:]); n > 0 {
			b.WriteRune(r)
			i += n
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// trimMasked trims the characters of cutset from both ends of s, except
// escaped ones.
func trimMasked(s, cutset string) string {
	m := mask(s)
	start, end := 0, len(m)
	for start < end && strings.IndexByte(cutset, m[start]) >= 0 {
		start++
	}
	for end > start && strings.IndexByte(cutset, m[end-1]) >= 0 {
		end--
	}
	return s[start:end]
}

// splitNamesEscaped is SplitNames for a line of escaped names.
func splitNamesEscaped(s string) []string {
	m := mask(s)
	var out []string
	prev := 0
	for _, loc := range namesSepRE.FindAllStringIndex(m, -1) {
		out = appendName(out, s[prev:loc[0]])
		prev = loc[1]
	}
	return appendName(out, s[prev:])
}

func appendName(out []string, s string) []string {
	if p := strings.TrimSpace(s); p != "" {
		out = append(out, unescapeInline(p))
	}
	return out
}

// headingLikeRE matches a line that is, or after one escape was, a heading
// of the levels the minutes use for sections and topics (1 to 3).
var headingLikeRE = regexp.MustCompile(`^( {0,3})(\\*)(#{1,3})(?:[ \t]|$)`)

// escapeBlock writes Markdown text (a note's) so that none of its lines
// opens a section, a topic or the action items: a heading of level 1 to 3
// gets a backslash ("\## x" shows "## x"), and a line the reader would take
// for a topic paragraph gets a trailing space (invisible). Lines that are
// already so escaped get one more, so unescapeBlock restores any text.
func escapeBlock(text string) string {
	if text == "" {
		return text
	}
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if m := headingLikeRE.FindStringSubmatchIndex(l); m != nil {
			lines[i] = l[:m[3]] + `\` + l[m[3]:]
		}
	}
	for i, l := range lines {
		if paragraphTopicAt(lines, i, strings.TrimRight(l, " \t")) {
			lines[i] = l + " "
		}
	}
	return strings.Join(lines, "\n")
}

// unescapeBlock undoes escapeBlock.
func unescapeBlock(text string) string {
	if text == "" {
		return text
	}
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if strings.HasSuffix(l, " ") && paragraphTopicAt(lines, i, strings.TrimRight(l, " \t")) {
			lines[i] = l[:len(l)-1]
		}
	}
	for i, l := range lines {
		if m := headingLikeRE.FindStringSubmatchIndex(l); m != nil && m[5] > m[4] {
			lines[i] = l[:m[4]] + l[m[4]+1:]
		}
	}
	return strings.Join(lines, "\n")
}

// paragraphTopicAt reports whether line i of lines, read as l, would be a
// topic paragraph (paragraphTopic) where it stands.
func paragraphTopicAt(lines []string, i int, l string) bool {
	saved := lines[i]
	lines[i] = l
	ok := paragraphTopic(lines, i)
	lines[i] = saved
	return ok
}

// escapeTopic writes a note's topic (one line of Markdown) as a heading's
// text: a trailing run of "#" would read as the heading's closing sequence,
// so it gets one more, which the reader drops.
func escapeTopic(topic string) string {
	topic = oneLine(topic)
	if closingRE.MatchString(topic) {
		return topic + " #"
	}
	return topic
}

var closingRE = regexp.MustCompile(`(?:^|[ \t])#+$`)

// oneLine keeps text stored before the one-line rule on one line.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// escapeURL writes a link destination: in angle brackets when it holds
// parentheses, which would otherwise end it. A reference stored before
// links were checked is written as text, not as a link.
func escapeURL(label, u string) string {
	if clean, err := alesco.CleanURL("url", u); err != nil || clean != u {
		return label + " (" + escapeInline(u, inText) + ")"
	}
	if strings.ContainsAny(u, "()") {
		return "[" + label + "](<" + u + ">)"
	}
	return "[" + label + "](" + u + ")"
}
