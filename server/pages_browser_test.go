package server_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	"github.com/almalinux/alesco/internal/htmlcheck"
	"github.com/almalinux/alesco/internal/webtest"
	"github.com/emersion/go-ical"
	"google.golang.org/protobuf/encoding/protojson"
)

// TestMain closes the headless chromium that the package's browser tests
// share (webtest) after them.
func TestMain(m *testing.M) { os.Exit(webtest.Main(m)) }

// TestWebBrowser drives headless chromium through the pages with the
// fixture data: what it renders must show what the API returns, the script
// must add the reader's own times, the subscribe links must lead to valid
// feeds, and every page is screenshotted (desktop and phone widths).
func TestWebBrowser(t *testing.T) {
	t.Parallel()
	bin := webtest.Chromium(t)
	env := newWebEnv(t)
	w := webFetchWant(t, env)
	// Chromium gets plain HTTP on its own listener: same server, same data.
	srv := httptest.NewServer(env.Server)
	defer srv.Close()
	shots := webtest.ArtifactDir(t, "..")

	var committeeDOM []byte
	// The pages, each in its own tab, a few at a time (go test -parallel);
	// t.Run("pages") returns when all of them are done.
	t.Run("pages", func(t *testing.T) {
		for _, path := range webPaths(w) {
			name := strings.Trim(strings.ReplaceAll(path, "/", "_"), "_")
			if name == "" {
				name = "index"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				page := webtest.Open(t, bin, srv.URL+path)
				dom := page.DOM()
				webCheckPage(t, env, w, path, dom)
				webtest.CheckLocalTimes(t, dom)
				if path == "/alesco" {
					committeeDOM = dom
				}
				page.Screenshot(filepath.Join(shots, name+".png"), 1280, 2000)
				page.Screenshot(filepath.Join(shots, name+"-phone.png"), 390, 1600)
			})
		}
	})
	if committeeDOM == nil {
		t.Fatal("the committee page was not rendered")
	}
	t.Logf("screenshots in %s", shots)

	t.Run("subscribe", func(t *testing.T) {
		links, err := htmlcheck.Links(committeeDOM)
		if err != nil {
			t.Fatal(err)
		}
		byText := map[string]string{}
		for _, l := range links {
			byText[l.Text] = l.Href
		}
		base := "https://alesco.example.org"
		feed := byText["Download the .ics feed"]
		if !strings.HasPrefix(feed, base+"/calendar/") || byText["Subscribe in your calendar app"] != "webcal://"+strings.TrimPrefix(feed, "https://") {
			t.Fatalf("subscribe links: feed %q, webcal %q", feed, byText["Subscribe in your calendar app"])
		}
		follow := func(href string) (*http.Response, []byte) {
			return webGet(t, env, strings.TrimPrefix(href, base), nil)
		}
		if w.next == nil {
			t.Fatalf("GetNextMeeting: %v", w.nextErr)
		}
		parse := func(href string) *ical.Calendar {
			resp, body := follow(href)
			if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/calendar") {
				t.Fatalf("GET %s: %s, %s", href, resp.Status, resp.Header.Get("Content-Type"))
			}
			cal, err := ical.NewDecoder(bytes.NewReader(body)).Decode()
			if err != nil {
				t.Fatalf("GET %s is not a valid iCalendar feed: %v\n%s", href, err, body)
			}
			return cal
		}
		// The feed of one event per meeting and the meeting's own .ics
		// both hold the next meeting at the time the API gives.
		for _, href := range []string{byText["One event per meeting (.ics)"], byText["Add this meeting to your calendar (.ics)"]} {
			found := false
			for _, ev := range parse(href).Events() {
				start, err := ev.DateTimeStart(time.UTC)
				if err == nil && start.Equal(w.next.StartTime.AsTime()) {
					found = true
				}
			}
			if !found {
				t.Errorf("%s has no event at the next meeting's start %s", href, w.next.StartTime.AsTime())
			}
		}
		if cal := parse(feed); len(cal.Events()) == 0 {
			t.Errorf("%s has no events", feed)
		}
	})
}

// TestEmbedSnippetInBrowser loads the docs' drop-in "open proposals" snippet
// (docs/web.md) from another origin in headless chromium: it must fetch
// ListProposals over Connect GET across origins (CORS) and list what the
// RPC returns.
func TestEmbedSnippetInBrowser(t *testing.T) {
	t.Parallel()
	bin := webtest.Chromium(t)
	doc, err := os.ReadFile(filepath.Join("..", "docs", "web.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "```html\n")
	snippet, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 || !strings.Contains(snippet, `"https://alesco.almalinux.org"`) {
		t.Fatal("docs/web.md has no html snippet calling https://alesco.almalinux.org")
	}
	env := newWebEnv(t)
	api := httptest.NewServer(env.Server)
	defer api.Close()
	// runSnippet serves the snippet, pointed at apiURL, from its own origin
	// and returns the list chromium shows once the fetch is done.
	runSnippet := func(apiURL string) string {
		js := strings.Replace(snippet, `"https://alesco.almalinux.org"`, `"`+apiURL+`"`, 1)
		page := "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>ALESCo</title></head><body><main>" + js + "</main></body></html>"
		site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, page)
		}))
		defer site.Close()
		// The list is filled after the load event, when the fetch is done.
		tab := webtest.Open(t, bin, site.URL)
		tab.Await(`!document.getElementById("open-proposals").textContent.includes("Loading")`, 10*time.Second)
		dom := tab.DOM()
		tab.Close()
		list, ok, err := htmlcheck.SectionText(dom, "open-proposals")
		if err != nil || !ok {
			t.Fatalf("no list in %s (%v)", dom, err)
		}
		if strings.Contains(list, "Loading") {
			t.Errorf("the snippet never replaced its placeholder: %s", list)
		}
		return list
	}

	// The snippet itself, against a stand-in answering like ListProposals
	// (proto3 JSON, CORS), so its rendering is proven whatever is stored.
	standIn := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := protojson.Marshal(&alescov1.ListProposalsResponse{Proposals: []*alescov1.Proposal{
			{Number: 17, Title: "RFC: Add alternative signed newer kernels", Url: "https://github.com/AlmaLinux/ALESCo/pull/17", State: alescov1.ProposalState_PROPOSAL_STATE_FCP},
			{Number: 19, Title: "RFC: Default to <zstd> payloads", Url: "https://github.com/AlmaLinux/ALESCo/pull/19", State: alescov1.ProposalState_PROPOSAL_STATE_SUBMITTED},
		}})
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	defer standIn.Close()
	webWantIn(t, "snippet with a stand-in API", runSnippet(standIn.URL),
		"#17 RFC: Add alternative signed newer kernels (vote at next meeting)", "#19 RFC: Default to <zstd> payloads (submitted)")

	// The API answers a cross-origin Connect GET with CORS headers.
	msg := `{"committeeId":"alesco","states":["PROPOSAL_STATE_FCP","PROPOSAL_STATE_DISCUSSION","PROPOSAL_STATE_SUBMITTED"]}`
	req, _ := http.NewRequest(http.MethodGet, api.URL+"/alesco.v1.ProposalService/ListProposals?connect=v1&encoding=json&message="+url.QueryEscape(msg), nil)
	req.Header.Set("Origin", "http://committee.example.org")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "*" && got != "http://committee.example.org" {
		t.Fatalf("Access-Control-Allow-Origin = %q for a cross-origin Connect GET", got)
	}

	list := runSnippet(api.URL)
	w := webFetchWant(t, env)
	switch {
	case w.openErr != nil:
		webWantIn(t, "snippet", list, "See the open proposals on GitHub")
		t.Logf("ListProposals: %v; the snippet falls back to GitHub", w.openErr)
	case len(w.open) == 0:
		webWantIn(t, "snippet", list, "No open proposals.")
	default:
		for _, p := range w.open {
			webWantIn(t, "snippet", list, "#"+webItoa(p.Number)+" "+p.Title)
		}
	}
}
