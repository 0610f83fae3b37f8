package main

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/almalinux/alesco/internal/alescotest"
	"github.com/emersion/go-ical"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// maxCrawl bounds the crawl: the demo's pages, consoles, feeds, agendas
// and minutes are a few hundred; many more means a page links without end
// (say, from each meeting to the next, for ever).
const maxCrawl = 600

// TestDemoLinks crawls `alesco serve --demo` from / as a reader and a
// calendar app would, breadth first: the HTML pages (every <a href>,
// <link href>, <script src>, <img src> and GET <form action>), the
// consoles, the iCal feeds (each URL property and every link in a
// DESCRIPTION), and the agendas' and minutes' Markdown (its links). Every
// link back to alesco (relative, the server's own origin, or the public
// --base-url, webcal:// included) must answer 200; each broken one is
// reported with the pages that hold it. Links elsewhere are not fetched.
//
// It crawls twice: as the demo starts, and once its meeting is under way
// (its draft minutes, its console, the feed's texts all change then).
func TestDemoLinks(t *testing.T) {
	clock := alescotest.NewClock(alescotest.Epoch)
	baseURL, _, logs := startServeAt(t, clock.Now, "--demo")
	public := regexp.MustCompile(`alesco listening.*url=(\S+)`).FindStringSubmatch(logs.String())
	if public == nil {
		t.Fatalf("no public URL in the log:\n%s", logs)
	}
	t.Run("at start", func(t *testing.T) { crawlDemo(t, baseURL, public[1]) })
	clock.Set(alescotest.Epoch.Add(10 * time.Minute))
	t.Run("meeting under way", func(t *testing.T) { crawlDemo(t, baseURL, public[1]) })
}

func crawlDemo(t *testing.T, baseURL, public string) {
	c := newCrawler(t, baseURL, public)
	c.crawl(baseURL + "/")
	if len(c.broken) > 0 {
		var lines []string
		for key, from := range c.broken {
			lines = append(lines, fmt.Sprintf("%s (%s), linked from %s", c.url[key], c.status[key], strings.Join(firstOf(from, 3), ", ")))
		}
		sort.Strings(lines)
		t.Errorf("%d broken internal links of %d fetched:\n%s", len(lines), len(c.status), strings.Join(lines, "\n"))
	}
	// The crawl reached every kind of document it is meant to check.
	for _, want := range []string{"/alesco/meetings/", "/console", "/calendar/alesco.ics", "/calendar/alesco/", "/agenda/", "/minutes/", "/alesco/search"} {
		if !slices.ContainsFunc(c.order, func(u string) bool { return strings.Contains(u, want) }) {
			t.Errorf("the crawl never reached a %s link; it fetched:\n%s", want, strings.Join(c.order, "\n"))
		}
	}
	t.Logf("fetched %d internal URLs, saw %d external links (not fetched)", len(c.status), len(c.external))
}

// crawler walks the links of one served alesco.
type crawler struct {
	t *testing.T
	// server is where requests go; public is the configured base URL,
	// whose links are mapped onto server.
	server, public *url.URL
	// status of each fetched URL (by key), in the order fetched.
	status map[string]string
	order  []string
	// broken maps a URL that did not answer 200 to the pages linking it.
	broken   map[string][]string
	external map[string]bool
	// from maps a queued document (crawlKey) to the pages linking it, url
	// to the URL fetched for it.
	from  map[string][]string
	url   map[string]string
	queue []string
}

func newCrawler(t *testing.T, server, public string) *crawler {
	t.Helper()
	s, err := url.Parse(server)
	if err != nil {
		t.Fatal(err)
	}
	p, err := url.Parse(public)
	if err != nil {
		t.Fatal(err)
	}
	return &crawler{t: t, server: s, public: p, status: map[string]string{}, broken: map[string][]string{},
		external: map[string]bool{}, from: map[string][]string{}, url: map[string]string{}}
}

// crawl fetches start and everything internal it links to, breadth first.
func (c *crawler) crawl(start string) {
	c.add("(start)", start)
	for len(c.queue) > 0 {
		key := c.queue[0]
		c.queue = c.queue[1:]
		if len(c.status) >= maxCrawl {
			c.t.Errorf("the crawl passed %d URLs (next: %s from %v): do pages link without end?", maxCrawl, c.url[key], firstOf(c.from[key], 3))
			return
		}
		c.fetch(key)
	}
}

// add queues link, found on page, when it points back to alesco.
func (c *crawler) add(page, link string) {
	link = strings.TrimSpace(link)
	if link == "" || strings.HasPrefix(link, "#") {
		return // the page itself
	}
	base := c.server
	if page != "(start)" {
		base, _ = url.Parse(page)
	}
	ref, err := url.Parse(link)
	if err != nil {
		c.t.Errorf("%s links a malformed URL %q: %v", page, link, err)
		return
	}
	u := base.ResolveReference(ref)
	u.Fragment, u.RawFragment = "", ""
	switch {
	case u.Scheme == "webcal" && c.sameHost(u, c.public):
		u.Scheme = c.public.Scheme
	case u.Scheme == "webcal" && c.sameHost(u, c.server):
		u.Scheme = c.server.Scheme
	}
	switch {
	case u.Scheme == c.public.Scheme && c.sameHost(u, c.public):
		u.Scheme, u.Host = c.server.Scheme, c.server.Host
	case u.Scheme == c.server.Scheme && c.sameHost(u, c.server):
	default:
		c.external[u.String()] = true
		return
	}
	key := crawlKey(u)
	if _, seen := c.from[key]; !seen {
		c.queue = append(c.queue, key)
		c.url[key] = u.String()
	}
	if !slices.Contains(c.from[key], page) {
		c.from[key] = append(c.from[key], page)
	}
	if _, bad := c.broken[key]; bad {
		c.broken[key] = c.from[key]
	}
}

func (c *crawler) sameHost(u, v *url.URL) bool { return strings.EqualFold(u.Host, v.Host) }

// crawlKey names the document u is: query variants that differ only in
// their values (searches for other words) are one page to check, and the
// first one found is fetched.
func crawlKey(u *url.URL) string {
	q := u.Query()
	if len(q) == 0 {
		return u.Scheme + "://" + u.Host + u.EscapedPath()
	}
	names := slices.Sorted(maps.Keys(q))
	return u.Scheme + "://" + u.Host + u.EscapedPath() + "?" + strings.Join(names, "&")
}

// fetch GETs the document key and queues the links of what it answers.
func (c *crawler) fetch(key string) {
	u := c.url[key]
	c.order = append(c.order, u)
	resp, err := http.Get(u)
	if err != nil {
		c.status[key] = err.Error()
		c.broken[key] = c.from[key]
		return
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	resp.Body.Close()
	c.status[key] = resp.Status
	if err != nil || resp.StatusCode != http.StatusOK {
		c.broken[key] = c.from[key]
		return
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	var links []string
	switch mt {
	case "text/html":
		links, err = htmlLinks(body)
	case "text/calendar":
		links, err = icalLinks(body)
	case "text/markdown":
		links = markdownLinks(body)
	}
	if err != nil {
		c.t.Errorf("%s (%s): %v", u, mt, err)
	}
	for _, l := range links {
		c.add(u, l)
	}
}

// htmlLinks returns what an HTML page makes a browser fetch or a reader
// follow: <a href>, <link href>, <script src>, <img src>, and the action of
// each GET form.
func htmlLinks(doc []byte) ([]string, error) {
	root, err := html.Parse(bytes.NewReader(doc))
	if err != nil {
		return nil, err
	}
	var out []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.A, atom.Link:
				out = appendAttr(out, n, "href")
			case atom.Script, atom.Img:
				out = appendAttr(out, n, "src")
			case atom.Form:
				if m, _ := attrOf(n, "method"); m == "" || strings.EqualFold(m, "get") {
					if a, ok := attrOf(n, "action"); ok {
						out = append(out, a)
					}
				}
			}
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	walk(root)
	return out, nil
}

func appendAttr(out []string, n *html.Node, key string) []string {
	if v, ok := attrOf(n, key); ok {
		out = append(out, v)
	}
	return out
}

func attrOf(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// icalLinks returns the links of an iCalendar file as a calendar app shows
// them: the URL (and SOURCE) of the calendar and of each component, and
// every http(s) link in a DESCRIPTION.
func icalLinks(doc []byte) ([]string, error) {
	cal, err := ical.NewDecoder(bytes.NewReader(doc)).Decode()
	if err != nil {
		return nil, err
	}
	var out []string
	var walk func(*ical.Component)
	walk = func(comp *ical.Component) {
		for _, name := range []string{ical.PropURL, "SOURCE"} {
			for _, p := range comp.Props.Values(name) {
				out = append(out, p.Value)
			}
		}
		for _, p := range comp.Props.Values(ical.PropDescription) {
			d, err := p.Text()
			if err != nil {
				d = p.Value
			}
			out = append(out, markdownLinks([]byte(d))...)
		}
		for _, ch := range comp.Children {
			walk(ch)
		}
	}
	walk(cal.Component)
	return out, nil
}

// mdLinks parses Markdown with bare URLs made links (Linkify), as the
// pages and most chat and wiki renderers do.
var mdLinks = goldmark.New(goldmark.WithExtensions(extension.Linkify))

// markdownLinks returns the destinations of a Markdown text's links, images
// and autolinks (bare http(s) URLs included).
func markdownLinks(doc []byte) []string {
	var out []string
	root := mdLinks.Parser().Parse(text.NewReader(doc))
	ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch l := n.(type) {
		case *ast.Link:
			out = append(out, string(l.Destination))
		case *ast.Image:
			out = append(out, string(l.Destination))
		case *ast.AutoLink:
			if l.AutoLinkType == ast.AutoLinkURL {
				out = append(out, string(l.URL(doc)))
			}
		}
		return ast.WalkContinue, nil
	})
	return out
}

func firstOf(list []string, n int) []string {
	if len(list) <= n {
		return list
	}
	return append(slices.Clone(list[:n]), fmt.Sprintf("and %d more", len(list)-n))
}
