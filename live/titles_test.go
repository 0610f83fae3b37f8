package live_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/internal/alescotest"
	"github.com/almalinux/alesco/live"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/renderer/html"
)

// hostileTitles serves the demo snapshot with markup in every RFC's title,
// as GitHub allows (`Build for <arch>`, an image, a javascript: link), and
// syncs it.
func hostileTitles(t *testing.T) *alescotest.Env {
	t.Helper()
	env := alescotest.New(t, alescotest.WithGitHub(""))
	for _, page := range []string{"pulls-page-1.json", "pulls-page-2.json", "pulls-page-3.json"} {
		body := bytes.ReplaceAll(env.GitHub.File(page), []byte(`"title": "RFC: `),
			[]byte(`"title": "RFC: Build for <arch> <img src=x onerror=alert(1)> [x](javascript:alert(1)) `))
		env.GitHub.SetFile(page, body)
	}
	if _, err := env.App.SyncProposals(alescotest.Admin(context.Background()), "alesco"); err != nil {
		t.Fatal(err)
	}
	return env
}

// unsafeHTML renders Markdown as a renderer that passes HTML through would
// (the wiki, a chat client): what a reader's browser gets.
func unsafeHTML(t *testing.T, md string) string {
	t.Helper()
	var b bytes.Buffer
	if err := goldmark.New(goldmark.WithRendererOptions(html.WithUnsafe())).Convert([]byte(md), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestTitlesFromGitHubAreData: a pull request titled with markup is taken
// up by next and by topic #N in a live meeting (it used to be refused:
// "topic may not hold HTML"); the topic is the title escaped, so the
// minutes show the title as text, with no tag or link in them.
func TestTitlesFromGitHubAreData(t *testing.T) {
	env := hostileTitles(t)
	mt := alescotest.NextMeeting(t)
	env.Clock.Set(mt.Start.Add(2 * time.Minute))
	ctx := alesco.NewContext(context.Background(), chair)
	const escaped = `Build for \<arch\> \<img src=x onerror=alert(1)\> \[x\](javascript:alert(1))`
	for _, l := range []string{"startmeeting", "next", "info Taken up by next.", "topic #17", "info Taken up by number."} {
		r, err := live.Run(ctx, env.App, mt.ID, l)
		if err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		if strings.HasPrefix(l, "next") || strings.HasPrefix(l, "topic") {
			if !strings.Contains(r, escaped) {
				t.Errorf("%s: %q; want the title escaped", l, r)
			}
		}
	}
	_, m, err := env.App.GetMinutes(ctx, mt.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range m.Notes {
		if !strings.Contains(n.Topic, escaped) || (n.ProposalNumber == 17 && n.Topic != "RFC: "+escaped+" Add alternative signed newer kernels") {
			t.Errorf("topic of #%d: %q", n.ProposalNumber, n.Topic)
		}
	}
	md := env.Fetch("GET", "/minutes/"+mt.ID+".md")
	if md.Status != 200 {
		t.Fatalf("export: %d %s", md.Status, md.Body)
	}
	out := unsafeHTML(t, string(md.Body))
	for _, bad := range []string{"<arch>", "<img", `href="javascript:`} {
		if strings.Contains(out, bad) {
			t.Errorf("the minutes, rendered, hold %q:\n%s", bad, out)
		}
	}
	if !strings.Contains(out, "Build for &lt;arch&gt; &lt;img src=x onerror=alert(1)&gt; [x](javascript:alert(1))") {
		t.Errorf("the minutes do not show the title as text:\n%s", out)
	}
	if want := `<a href="https://github.com/AlmaLinux/ALESCo/pull/17">RFC: Build for &lt;arch&gt; &lt;img src=x onerror=alert(1)&gt; [x](javascript:alert(1)) Add alternative signed newer kernels</a>`; !strings.Contains(out, want) {
		t.Errorf("the minutes do not link #17 with its title as text:\n%s", out)
	}
}
