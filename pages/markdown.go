package pages

import (
	"bytes"
	"html"
	"html/template"
	"net/url"
	"regexp"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Minutes are written in Markdown (CommonMark plus GitHub's tables and
// autolinks). goldmark renders it in its safe mode: text and attributes
// escaped, raw HTML never written out. userContent then takes out the two
// things that mode would still leave: raw HTML's placeholders and links or
// images to anything but http(s), mailto and this site. An HTML sanitizer
// (bluemonday) on top did the same work a second time, on the rendered
// string, and cost a megabyte and a half of every server's memory.
var markdown = goldmark.New(
	goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify),
	goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(userContent{}, 1000), util.Prioritized(prLinks{}, 999))),
)

// userContent drops raw HTML (inline tags and HTML blocks: their text
// stays, as text) and turns a link or image whose destination is not
// http(s), mailto or on this site into its text.
type userContent struct{}

func (userContent) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	src := reader.Source()
	var drop, unlink []ast.Node
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.RawHTML, *ast.HTMLBlock:
			drop = append(drop, n)
			return ast.WalkSkipChildren, nil
		case *ast.Link:
			if !allowedLink(string(n.Destination)) {
				unlink = append(unlink, n)
			}
		case *ast.Image:
			if !allowedLink(string(n.Destination)) {
				unlink = append(unlink, n)
			}
		case *ast.AutoLink:
			if !allowedLink(string(n.URL(src))) {
				unlink = append(unlink, n)
			}
		}
		return ast.WalkContinue, nil
	})
	for _, n := range drop {
		n.Parent().RemoveChild(n.Parent(), n)
	}
	for _, n := range unlink {
		parent := n.Parent()
		if a, ok := n.(*ast.AutoLink); ok {
			parent.ReplaceChild(parent, n, ast.NewString(a.Label(src)))
			continue
		}
		for c := n.FirstChild(); c != nil; {
			next := c.NextSibling()
			parent.InsertBefore(parent, n, c)
			c = next
		}
		parent.RemoveChild(parent, n)
	}
}

// allowedLink reports whether a link destination leads to an http(s) or
// mailto address or within this site (no scheme at all). Character
// references are resolved first, as a browser would.
func allowedLink(dest string) bool {
	u, err := url.Parse(strings.TrimSpace(html.UnescapeString(dest)))
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "", "http", "https", "mailto":
		return true
	}
	return false
}

// prKey carries the committee's repository into the parse.
var prKey = parser.NewContextKey()

// prRef is "#17" as the committee's minutes and decisions refer to a pull
// request; "(#15)" and "#15," too, but not "issue#15" or "#15abc".
var prRef = regexp.MustCompile(`(^|[^\w&/#])#(\d{1,6})\b`)

// prLinks makes every "#17" in text (outside links and code) a link to
// pull request 17 of the committee's repository.
type prLinks struct{}

func (prLinks) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	repo, _ := pc.Get(prKey).(string)
	if repo == "" {
		return
	}
	src := reader.Source()
	var texts []*ast.Text
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.Kind() {
		case ast.KindLink, ast.KindAutoLink, ast.KindCodeSpan, ast.KindCodeBlock, ast.KindFencedCodeBlock, ast.KindHTMLBlock, ast.KindRawHTML:
			return ast.WalkSkipChildren, nil
		}
		if t, ok := n.(*ast.Text); ok {
			texts = append(texts, t)
		}
		return ast.WalkContinue, nil
	})
	for _, t := range texts {
		seg := t.Segment
		value := seg.Value(src)
		matches := prRef.FindAllSubmatchIndex(value, -1)
		if matches == nil {
			continue
		}
		parent := t.Parent()
		last := 0
		var prev ast.Node = t
		insert := func(n ast.Node) {
			parent.InsertAfter(parent, prev, n)
			prev = n
		}
		for _, m := range matches {
			start := m[4] - 1 // the '#'
			if start > last {
				insert(ast.NewTextSegment(text.NewSegment(seg.Start+last, seg.Start+start)))
			}
			num := string(value[m[4]:m[5]])
			link := ast.NewLink()
			link.Destination = []byte("https://github.com/" + repo + "/pull/" + num)
			link.AppendChild(link, ast.NewTextSegment(text.NewSegment(seg.Start+start, seg.Start+m[5])))
			insert(link)
			last = m[5]
		}
		tail := ast.NewTextSegment(text.NewSegment(seg.Start+last, seg.Stop))
		tail.SetSoftLineBreak(t.SoftLineBreak())
		tail.SetHardLineBreak(t.HardLineBreak())
		insert(tail)
		parent.RemoveChild(parent, t)
	}
}

// renderMarkdown turns Markdown into safe HTML (userContent), with the
// committee's pull requests linked.
func renderMarkdown(c *Committee, s string) string {
	var buf bytes.Buffer
	pc := parser.NewContext()
	pc.Set(prKey, c.GitHub.Repo)
	if err := markdown.Convert([]byte(s), &buf, parser.WithContext(pc)); err != nil {
		return template.HTMLEscapeString(s)
	}
	return buf.String()
}

// MarkdownBlock renders a note (paragraphs, nested lists, links) as HTML.
func MarkdownBlock(c *Committee, s string) template.HTML {
	return template.HTML(renderMarkdown(c, s))
}

// MarkdownInline renders one line (a topic, a decision, a title) as inline
// HTML: its paragraph is unwrapped; anything that is not one paragraph
// (a line that reads as a list item or heading) renders as a block.
func MarkdownInline(c *Committee, s string) template.HTML {
	s = strings.TrimSpace(s)
	h := strings.TrimSpace(renderMarkdown(c, s))
	if inner, ok := strings.CutPrefix(h, "<p>"); ok {
		if inner, ok := strings.CutSuffix(inner, "</p>"); ok && !strings.Contains(inner, "<p>") {
			return template.HTML(inner)
		}
	}
	return template.HTML(h)
}
