package minutesmd

import (
	"strings"

	"github.com/almalinux/alesco"
)

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
