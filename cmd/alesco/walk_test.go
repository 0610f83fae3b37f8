package main

import (
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/almalinux/alesco/internal/htmlcheck"
	"github.com/almalinux/alesco/internal/webtest"
)

// TestMain closes the headless chromium that the package's browser tests
// share (webtest) after them.
func TestMain(m *testing.M) { os.Exit(webtest.Main(m)) }

// TestDemoWalk is a newcomer's first visit, in headless chromium, to
// `alesco serve --demo` (offline): home → committee → its next meeting →
// proposals → minutes → the search box, following the links and the form
// each page actually has, and finding the Secure Boot RFC discussion.
func TestDemoWalk(t *testing.T) {
	t.Parallel()
	bin := webtest.Chromium(t)
	baseURL, _, _ := startServe(t, "--demo")
	follow := func(dom []byte, what string, match func(htmlcheck.Link) bool) string {
		t.Helper()
		links, err := htmlcheck.Links(dom)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range links {
			if match(l) {
				u, err := url.Parse(baseURL)
				if err != nil {
					t.Fatal(err)
				}
				ref, err := url.Parse(l.Href)
				if err != nil {
					t.Fatal(err)
				}
				return u.ResolveReference(ref).String()
			}
		}
		t.Fatalf("no link to %s on the page:\n%s", what, dom)
		return ""
	}
	visit := func(u string, want ...string) []byte {
		t.Helper()
		dom := webtest.DOM(t, bin, u)
		if err := htmlcheck.Check(dom); err != nil {
			t.Errorf("%s: %v", u, err)
		}
		for _, w := range want {
			if !strings.Contains(string(dom), w) {
				t.Errorf("%s lacks %q", u, w)
			}
		}
		return dom
	}
	home := visit(baseURL+"/", "AlmaLinux Engineering Steering Committee")
	committee := visit(follow(home, "the committee", func(l htmlcheck.Link) bool { return l.Href == "/alesco" }),
		"meets every other Thursday at 12:00 New York time", "Where: ~alesco on chat.almalinux.org", "your time:")
	meeting := visit(follow(committee, "the next meeting", func(l htmlcheck.Link) bool { return strings.HasPrefix(l.Href, "/alesco/meetings/") }),
		"Agenda", "Votes")
	proposals := visit(follow(meeting, "the proposals", func(l htmlcheck.Link) bool { return l.Href == "/alesco/proposals" }),
		"Vote at next meeting", "in final comment period", "to be voted on", "Proposals as last synced with GitHub")
	minutes := visit(follow(proposals, "the minutes", func(l htmlcheck.Link) bool { return l.Href == "/alesco/minutes" }),
		"16 October 2025", "no quorum")
	// The search box: a GET form; chromium's --dump-dom cannot type, so
	// the walk submits it as the browser would, from its action and field.
	form := regexp.MustCompile(`<form class="search" role="search" method="get" action="([^"]+)">[\s\S]*?<input id="q" name="(\w+)"`).FindSubmatch(minutes)
	if form == nil {
		t.Fatalf("no search box on the minutes page:\n%s", minutes)
	}
	results := visit(baseURL+string(form[1])+"?"+string(form[2])+"="+url.QueryEscape("secure boot"),
		"<mark>Secure</mark> <mark>Boot</mark>", "Thursday, 16 October 2025")
	oct := visit(follow(results, "the 2025-10-16 meeting", func(l htmlcheck.Link) bool {
		return strings.HasSuffix(l.Href, "/alesco/meetings/alesco-2025-10-16#minutes")
	}), `<h4>Discussed <a href="https://github.com/AlmaLinux/ALESCo/pull/15">RFC: Provide Secure Boot-Signed Alternative Kernels</a></h4>`, "Which repo(s) should the kernels be released to?")
	if strings.Contains(string(oct), "Other notes") {
		t.Errorf("the 2025-10-16 topic reads as other notes")
	}
}
