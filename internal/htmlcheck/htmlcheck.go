// Package htmlcheck checks that an HTML page is well formed and carries
// the structure assistive technology relies on: every element explicitly
// closed, a language, a title, the header/nav/main/footer landmarks, one
// h1 and no skipped heading levels, unique ids, labelled form fields and
// links with text.
//
// The HTML5 parser (golang.org/x/net/html) repairs any input silently, so
// the tag balance is checked on its tokenizer's stream, and the structure
// on its parsed tree. This is hand-written because no kept Go library
// validates HTML; the checks are the ones alesco's pages promise.
package htmlcheck

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// voidElements have no end tag (HTML Living Standard §13.1.2).
var voidElements = map[atom.Atom]bool{
	atom.Area: true, atom.Base: true, atom.Br: true, atom.Col: true, atom.Embed: true,
	atom.Hr: true, atom.Img: true, atom.Input: true, atom.Link: true, atom.Meta: true,
	atom.Source: true, atom.Track: true, atom.Wbr: true,
}

// Check returns every problem found in doc, joined, or nil.
func Check(doc []byte) error {
	errs := balance(doc)
	root, err := html.Parse(bytes.NewReader(doc))
	if err != nil {
		return errors.Join(append(errs, fmt.Errorf("htmlcheck: parse: %w", err))...)
	}
	errs = append(errs, structure(root)...)
	return errors.Join(errs...)
}

type open struct {
	name string
	line int
}

// balance checks, on the raw token stream, that the document starts with
// a doctype and that every non-void element is closed in order.
func balance(doc []byte) []error {
	var errs []error
	z := html.NewTokenizer(bytes.NewReader(doc))
	var stack []open
	line := 1
	first := true
	for {
		tt := z.Next()
		raw := z.Raw()
		at := line
		line += bytes.Count(raw, []byte("\n"))
		switch tt {
		case html.ErrorToken:
			if z.Err() != io.EOF {
				errs = append(errs, fmt.Errorf("line %d: %w", at, z.Err()))
			}
			for i := len(stack) - 1; i >= 0; i-- {
				errs = append(errs, fmt.Errorf("line %d: <%s> is never closed", stack[i].line, stack[i].name))
			}
			return errs
		case html.TextToken:
			if first && len(bytes.TrimSpace(raw)) == 0 {
				continue
			}
		case html.DoctypeToken:
			if !first {
				errs = append(errs, fmt.Errorf("line %d: doctype after content", at))
			} else if !strings.EqualFold(string(z.Token().Data), "html") {
				errs = append(errs, fmt.Errorf("line %d: doctype is not <!DOCTYPE html>", at))
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if voidElements[a] {
				break
			}
			if tt == html.SelfClosingTagToken {
				errs = append(errs, fmt.Errorf("line %d: <%s/> is not a void element and must be closed", at, name))
				break
			}
			stack = append(stack, open{string(name), at})
		case html.EndTagToken:
			name, _ := z.TagName()
			if voidElements[atom.Lookup(name)] {
				errs = append(errs, fmt.Errorf("line %d: </%s> closes a void element", at, name))
				break
			}
			if len(stack) == 0 {
				errs = append(errs, fmt.Errorf("line %d: </%s> closes nothing", at, name))
				break
			}
			match := -1
			for i := len(stack) - 1; i >= 0; i-- {
				if stack[i].name == string(name) {
					match = i
					break
				}
			}
			if match < 0 {
				errs = append(errs, fmt.Errorf("line %d: </%s> closes nothing", at, name))
				break
			}
			// Report what the end tag leaves unclosed, then recover by
			// popping to the matching element.
			for i := len(stack) - 1; i > match; i-- {
				errs = append(errs, fmt.Errorf("line %d: </%s> but <%s> from line %d is still open", at, name, stack[i].name, stack[i].line))
			}
			stack = stack[:match]
		}
		if first && tt != html.DoctypeToken && tt != html.CommentToken {
			errs = append(errs, fmt.Errorf("line %d: the document does not start with <!DOCTYPE html>", at))
		}
		first = false
	}
}

// structure checks the parsed tree.
func structure(root *html.Node) []error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	var (
		htmlEl         *html.Node
		titles         []string
		count          = map[atom.Atom]int{}
		lastHeading    int
		ids            = map[string]int{}
		labelFor       = map[string]bool{}
		fields         []*html.Node
		labelledby     []string
		hasCharset     bool
		hasViewport    bool
		navs, navNames int
	)
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			count[n.DataAtom]++
			if id := attr(n, "id"); id != "" {
				ids[id]++
			}
			if v := attr(n, "aria-labelledby"); v != "" {
				labelledby = append(labelledby, strings.Fields(v)...)
			}
			switch n.DataAtom {
			case atom.Html:
				htmlEl = n
			case atom.Title:
				titles = append(titles, strings.TrimSpace(text(n)))
			case atom.Meta:
				if attr(n, "charset") != "" {
					hasCharset = true
				}
				if attr(n, "name") == "viewport" {
					hasViewport = true
				}
			case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
				level := int(n.Data[1] - '0')
				if level > lastHeading+1 {
					fail("heading <%s> %q skips a level (after h%d)", n.Data, strings.TrimSpace(text(n)), lastHeading)
				}
				if strings.TrimSpace(text(n)) == "" {
					fail("empty <%s>", n.Data)
				}
				lastHeading = level
			case atom.Nav:
				navs++
				if attr(n, "aria-label") != "" || attr(n, "aria-labelledby") != "" {
					navNames++
				}
			case atom.Label:
				if f := attr(n, "for"); f != "" {
					labelFor[f] = true
				}
			case atom.Input, atom.Select, atom.Textarea:
				if attr(n, "type") != "hidden" {
					fields = append(fields, n)
				}
			case atom.Img:
				if _, ok := attrOK(n, "alt"); !ok {
					fail("<img src=%q> has no alt text", attr(n, "src"))
				}
			case atom.A:
				if attr(n, "href") == "" {
					fail("<a> %q has no href", strings.TrimSpace(text(n)))
				}
				if strings.TrimSpace(text(n)) == "" && attr(n, "aria-label") == "" {
					fail("link to %q has no text", attr(n, "href"))
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)

	if htmlEl == nil || strings.TrimSpace(attr(htmlEl, "lang")) == "" {
		fail("<html> has no lang attribute")
	}
	if len(titles) != 1 || titles[0] == "" {
		fail("want exactly one non-empty <title>, have %q", titles)
	}
	if !hasCharset {
		fail("no <meta charset>")
	}
	if !hasViewport {
		fail("no <meta name=viewport>: the page is not responsive")
	}
	for _, a := range []atom.Atom{atom.Header, atom.Main, atom.Footer, atom.H1} {
		if count[a] != 1 {
			fail("want exactly one <%s>, have %d", a, count[a])
		}
	}
	if navs == 0 {
		fail("no <nav> landmark")
	} else if navs > 1 && navNames < navs {
		fail("%d <nav> landmarks, but only %d are labelled", navs, navNames)
	}
	for id, n := range ids {
		if n > 1 {
			fail("id %q is used %d times", id, n)
		}
	}
	for _, ref := range labelledby {
		if ids[ref] == 0 {
			fail("aria-labelledby names missing id %q", ref)
		}
	}
	for _, f := range fields {
		id := attr(f, "id")
		if !(id != "" && labelFor[id]) && attr(f, "aria-label") == "" && attr(f, "aria-labelledby") == "" {
			fail("<%s name=%q> has no label", f.Data, attr(f, "name"))
		}
	}
	return errs
}

func attrOK(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func attr(n *html.Node, key string) string {
	v, _ := attrOK(n, key)
	return v
}

// text is the text content of n.
func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// Text returns the visible text of a document's <main> (or of the whole
// document without one), whitespace collapsed: what tests assert on.
func Text(doc []byte) (string, error) {
	root, err := html.Parse(bytes.NewReader(doc))
	if err != nil {
		return "", fmt.Errorf("htmlcheck: parse: %w", err)
	}
	n := find(root, atom.Main)
	if n == nil {
		n = root
	}
	return strings.Join(strings.Fields(visible(n)), " "), nil
}

func find(n *html.Node, a atom.Atom) *html.Node {
	if n.Type == html.ElementNode && n.DataAtom == a {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := find(c, a); f != nil {
			return f
		}
	}
	return nil
}

// blocks are the elements that break the text flow: their text is
// separated from what surrounds them, inline elements' text is not.
var blocks = map[atom.Atom]bool{
	atom.P: true, atom.Li: true, atom.Ul: true, atom.Ol: true, atom.Div: true, atom.Section: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Table: true, atom.Caption: true, atom.Tr: true, atom.Th: true, atom.Td: true, atom.Br: true,
	atom.Header: true, atom.Footer: true, atom.Nav: true, atom.Main: true, atom.Article: true,
	atom.Dl: true, atom.Dt: true, atom.Dd: true, atom.Label: true, atom.Input: true,
}

// visible is the text of n without scripts and styles, as it reads.
func visible(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.DataAtom == atom.Script || n.DataAtom == atom.Style) {
			return
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		block := n.Type == html.ElementNode && blocks[n.DataAtom]
		if block {
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if block {
			b.WriteByte(' ')
		}
	}
	walk(n)
	return b.String()
}

// SectionText returns the visible text of the element labelled by id
// (aria-labelledby) or, failing that, of the element with that id; ok is
// false when there is neither.
func SectionText(doc []byte, id string) (text string, ok bool, err error) {
	root, err := html.Parse(bytes.NewReader(doc))
	if err != nil {
		return "", false, fmt.Errorf("htmlcheck: parse: %w", err)
	}
	n := findFunc(root, func(n *html.Node) bool { return attr(n, "aria-labelledby") == id })
	if n == nil {
		n = findFunc(root, func(n *html.Node) bool { return attr(n, "id") == id })
	}
	if n == nil {
		return "", false, nil
	}
	return strings.Join(strings.Fields(visible(n)), " "), true, nil
}

// Link is an <a> element.
type Link struct {
	Href, Text string
}

// Links lists the document's links in order.
func Links(doc []byte) ([]Link, error) {
	root, err := html.Parse(bytes.NewReader(doc))
	if err != nil {
		return nil, fmt.Errorf("htmlcheck: parse: %w", err)
	}
	var out []Link
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.DataAtom == atom.A {
			out = append(out, Link{Href: attr(n, "href"), Text: strings.Join(strings.Fields(text(n)), " ")})
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return out, nil
}

func findFunc(n *html.Node, match func(*html.Node) bool) *html.Node {
	if n.Type == html.ElementNode && match(n) {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := findFunc(c, match); f != nil {
			return f
		}
	}
	return nil
}

// mdLink is an inline Markdown link to an http(s) URL.
var mdLink = regexp.MustCompile(`\[([^\[\]]+)\]\((https?://[^\s()]+)\)`)

// MarkdownText is what a page shows of Markdown text: the link texts
// without their URLs.
func MarkdownText(s string) string { return mdLink.ReplaceAllString(s, "$1") }
