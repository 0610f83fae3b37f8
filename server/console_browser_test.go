package server_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/internal/alescotest"
	"github.com/almalinux/alesco/internal/htmlcheck"
	"github.com/almalinux/alesco/internal/webtest"
	"github.com/almalinux/alesco/web"
	"github.com/chromedp/chromedp"
)

// TestConsoleBrowser drives the meeting console in three headless-chromium
// tabs: the chair records attendance and opens a motion from the agenda,
// two members vote with their own buttons, every tab shows the votes
// without a reload, and the chair's finalize shows the wiki Markdown.
func TestConsoleBrowser(t *testing.T) {
	bin := webtest.Chromium(t)
	env := alescotest.New(t, alescotest.WithGitHub(""))
	if _, err := env.App.SyncProposals(alescotest.Admin(context.Background()), "alesco"); err != nil {
		t.Fatal(err)
	}
	next := alescotest.NextMeeting(t)
	env.Clock.Set(next.At(12, 2))
	id := next.ID
	path := "/alesco/meetings/" + id + "/console"

	page := env.Fetch("GET", path)
	if page.Status != 200 || page.Header.Get("Content-Security-Policy") != web.ConsoleContentSecurityPolicy {
		t.Fatalf("GET %s: %d, CSP %q", path, page.Status, page.Header.Get("Content-Security-Policy"))
	}
	if !strings.Contains(web.ConsoleContentSecurityPolicy, "connect-src 'self'") || strings.Contains(web.ConsoleContentSecurityPolicy, "unsafe") {
		t.Errorf("the console's policy is not strict: %s", web.ConsoleContentSecurityPolicy)
	}
	if err := htmlcheck.Check(page.Body); err != nil {
		t.Errorf("console HTML: %v", err)
	}
	if r := env.Fetch("GET", "/alesco/meetings/"+alescotest.DayID(next.Date.AddDays(1))+"/console"); r.Status != 404 {
		t.Errorf("a console for no meeting: %d", r.Status)
	}

	browser := webtest.Browser(t, bin)
	ctx, cancel := context.WithTimeout(browser, 3*time.Minute)
	defer cancel()
	tab := func(name string) context.Context {
		c, cancel := chromedp.NewContext(ctx)
		t.Cleanup(cancel)
		return c
	}
	chair, neal, ben := tab("chair"), tab("neal"), tab("ben")
	tabs := map[string]context.Context{"chair": chair, "Neal Gompa": neal, "Ben Thomas": ben}
	do := func(c context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(c, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	// waitText waits until an element's text holds want (the deadline
	// bounds a broken page; the test measures nothing).
	waitText := func(c context.Context, sel, want string) chromedp.Action[chromedp.Void] {
		return chromedp.Poll[chromedp.Void](fmt.Sprintf(`(document.querySelector(%q)||{}).textContent && document.querySelector(%q).textContent.includes(%q)`, sel, sel, want),
			chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second))
	}
	signIn := func(c context.Context, token, who string) {
		do(c, "sign in as "+who,
			chromedp.Navigate(env.URL+path),
			chromedp.WaitVisible(chromedp.CSS("#signin")),
			chromedp.SendKeys(chromedp.CSS("#token"), token),
			chromedp.Click(chromedp.CSS("#signin button[type=submit]")),
			waitText(c, "#who-text", "Signed in "+who),
			waitText(c, "#live", "Live"),
			// A mark that only survives if the page is never reloaded.
			chromedp.Evaluate[chromedp.Void](`window.alescoMark = "same page"`),
		)
	}
	signIn(chair, env.Token(alesco.RoleChair, "alesco", ""), "with token")
	do(chair, "the chair is told what the token may do", waitText(chair, "#who-text", "(chair of alesco): you record this meeting."))
	signIn(neal, env.Token(alesco.RoleMember, "alesco", "neal-gompa"), "as Neal Gompa (member): you vote as yourself.")
	signIn(ben, env.Token(alesco.RoleMember, "alesco", "ben-thomas"), "as Ben Thomas")
	do(neal, "a phone's screen", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))

	for _, m := range []string{"Andrew Lukoshko", "Ben Thomas", "Jonathan Wright", "Neal Gompa"} {
		do(chair, "mark "+m+" present", chromedp.Click(chromedp.CSS(fmt.Sprintf(`button[aria-label="%s: present"]`, m))),
			waitText(chair, "#roster", m+"present"))
	}
	for who, c := range tabs {
		do(c, who+" sees quorum", waitText(c, "#quorum", "4 of 5 members present, 4 required: quorum met."))
	}
	do(chair, "open a motion on #17", chromedp.Click(chromedp.CSS(`button[aria-label^="Open a motion on #17"]`)),
		waitText(chair, "#motion", "Accept RFC 17: Add alternative signed newer kernels"))
	// Each voter's page shows the motion before they vote: a click while
	// the update still lays the page out could land beside the button.
	do(neal, "Neal votes +1", waitText(neal, "#motion", "Accept RFC 17"), chromedp.WaitVisible(chromedp.CSS("#my-vote")),
		chromedp.Click(chromedp.CSS(`#my-vote button[data-vote=VOTE_VALUE_YES]`)), waitText(neal, "#votes", "Neal Gompa voted +1"))
	do(ben, "Ben votes -1", waitText(ben, "#motion", "Accept RFC 17"), chromedp.WaitVisible(chromedp.CSS("#my-vote")),
		chromedp.Click(chromedp.CSS(`#my-vote button[data-vote=VOTE_VALUE_NO]`)), waitText(ben, "#votes", "Ben Thomas voted −1"))
	for who, c := range tabs {
		do(c, who+" sees both votes", waitText(c, "#tally", "Tally +1 0 −1"), waitText(c, "#votes", "Neal Gompa voted +1"), waitText(c, "#votes", "Ben Thomas voted −1"))
	}
	pressed, err := chromedp.Run(neal, chromedp.Evaluate[string](`document.querySelector("#my-vote button[data-vote=VOTE_VALUE_YES]").getAttribute("aria-pressed")`))
	if err != nil || pressed != "true" {
		t.Errorf("Neal's +1 button pressed: %q, %v", pressed, err)
	}
	do(chair, "the chair decides the tie and closes",
		chromedp.Click(chromedp.CSS(`[data-decide=VOTE_VALUE_YES]`)), waitText(chair, "#votes", "deciding vote +1"),
		chromedp.Click(chromedp.CSS(`[data-close=MOTION_OUTCOME_UNSPECIFIED]`)), waitText(chair, "#tally", "approved"))
	do(ben, "Ben sees the outcome", waitText(ben, "#tally", "approved"))
	do(chair, "the chair finalizes",
		chromedp.Click(chromedp.CSS("#finalize")), chromedp.Click(chromedp.CSS("#finalize-now")),
		waitText(chair, "#markdown-label", "Final minutes"),
		waitText(chair, "#markdown", "# ALESCo Meeting Minutes ("+next.Date.String()+")\n\nMinutes recorded by Andrew Lukoshko."),
		waitText(chair, "#markdown", "- Accept RFC 17: Add alternative signed newer kernels was APPROVED"))
	do(neal, "members see the final minutes too", waitText(neal, "#markdown-label", "Final minutes"))
	hidden, err := chromedp.Run(chair, chromedp.Evaluate[bool](`document.querySelector("#note-form").hidden && document.querySelector("#finalize-controls").hidden`))
	if err != nil || !hidden {
		t.Errorf("recording controls shown on final minutes: %v, %v", hidden, err)
	}

	for who, c := range tabs {
		mark, err := chromedp.Run(c, chromedp.Evaluate[string](`String(window.alescoMark)`))
		if err != nil || mark != "same page" {
			t.Errorf("%s's page was reloaded (mark %q, %v)", who, mark, err)
		}
	}
	// Every control has an accessible name: its text, aria-label or label.
	unnamed, err := chromedp.Run(chair, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("button,input,select,textarea")).filter(function(e){
		return !(e.getAttribute("aria-label")||"").trim() && !(e.textContent||"").trim() && !(e.id && document.querySelector('label[for="'+e.id+'"]'));
	}).map(function(e){ return e.outerHTML.slice(0, 80) })`))
	if err != nil || len(unnamed) != 0 {
		t.Errorf("controls without an accessible name: %q, %v", unnamed, err)
	}
	// On a phone the page fits the screen's width.
	wide, err := chromedp.Run(neal, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	if err != nil || wide {
		t.Errorf("the console is wider than a phone's screen: %v, %v", wide, err)
	}
	shots := webtest.ArtifactDir(t, "..")
	for name, c := range map[string]context.Context{"console-chair": chair, "console-member-phone": neal} {
		png, err := chromedp.Run(c, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(shots, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
