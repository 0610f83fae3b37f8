package server_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/almalinux/alesco/internal/alescotest"
	"github.com/almalinux/alesco/internal/htmlcheck"
)

func getPage(t *testing.T, env *alescotest.Env, path string) string {
	t.Helper()
	resp, err := env.Client.Get(env.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", path, resp.Status)
	}
	if err := htmlcheck.Check(body); err != nil {
		t.Fatalf("GET %s is not valid HTML: %v", path, err)
	}
	return string(body)
}

// TestWebSearch: the search box's page answers "when did we discuss
// Secure Boot?" with the meeting, the topic and the words marked; a bad
// query reads as a sentence, not an error page.
func TestWebSearch(t *testing.T) {
	env, _, _ := seededEnv(t)
	page := getPage(t, env, "/alesco/search?q="+url.QueryEscape("secure boot"))
	for _, want := range []string{
		`<input id="q" name="q" type="search" value="secure boot"`,
		`<a href="https://alesco.example.org/alesco/meetings/alesco-2025-10-16#minutes">Thursday, 16 October 2025</a>`,
		`<strong>Discussed <a href="https://github.com/AlmaLinux/ALESCo/pull/15">RFC: Provide Secure Boot-Signed Alternative Kernels</a></strong>`,
		`<mark>Secure</mark> <mark>Boot</mark>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("search page lacks %s", want)
		}
	}
	if page := getPage(t, env, "/alesco/search?q=%22%2A%28"); !strings.Contains(page, "has no words to look for") {
		t.Errorf("a word-less query: %s", page)
	}
	if page := getPage(t, env, "/alesco/search"); strings.Contains(page, "results for") {
		t.Errorf("an empty search shows results")
	}
}

// TestWebPagesReadWell checks what the issue asked of the pages, on the
// real minutes and the GitHub snapshot.
func TestWebPagesReadWell(t *testing.T) {
	env, _, _ := seededEnv(t)
	next := alescotest.NextMeeting(t)
	committee := getPage(t, env, "/alesco")
	for _, want := range []string{
		// The UTC hour is the next meeting's: 17:00 in winter, 16:00 in summer.
		"meets every other Thursday at 12:00 New York time (" + next.Start.UTC().Format("15:04") + " UTC)",
		"Where: ~alesco on chat.almalinux.org (https://chat.almalinux.org/almalinux/channels/alesco)",
	} {
		if !strings.Contains(committee, want) {
			t.Errorf("committee page lacks %q", want)
		}
	}
	// Imported minutes keep their nested lists.
	old := getPage(t, env, "/alesco/meetings/alesco-2024-07-24")
	if !regexp.MustCompile(`<li>ALESCo Logistics\s*<ul>\s*<li>Items:\s*<ul>\s*<li>Meeting times</li>`).MatchString(old) {
		t.Errorf("nested lists are flattened:\n%s", old)
	}
	// A topic line ending in a hard break is the topic, linked, not a
	// bullet under "Other notes".
	oct := getPage(t, env, "/alesco/meetings/alesco-2025-10-16")
	if !strings.Contains(oct, `<h4>Discussed <a href="https://github.com/AlmaLinux/ALESCo/pull/15">RFC: Provide Secure Boot-Signed Alternative Kernels</a></h4>`) ||
		strings.Contains(oct, "Other notes") {
		t.Errorf("2025-10-16 topic:\n%s", oct)
	}
	props := getPage(t, env, "/alesco/proposals")
	// #17 was opened on 2026-08-20 16:00 UTC (the snapshot's history): 96
	// days before the default today's noon.
	opened := int(alescotest.Epoch.Sub(time.Date(2026, 8, 20, 16, 0, 0, 0, time.UTC)) / (24 * time.Hour))
	for _, want := range []string{"opened " + strconv.Itoa(opened) + " days ago", "to be voted on " + next.Start.In(alescotest.NewYork).Format("2 January 2006"), "Board input: Trademark approval"} {
		if !strings.Contains(props, want) {
			t.Errorf("proposals page lacks %q", want)
		}
	}
}
