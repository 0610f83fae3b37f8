package server_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	"github.com/almalinux/alesco/internal/alescotest"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/renderer/html"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// TestAgendaMarkdownEscapesTitles: the agenda's Markdown (served, and
// posted to chat) writes the titles of pull requests, as GitHub allows
// them, and of meetings as text. Rendered by a renderer that passes HTML
// through (a chat client, the wiki), it holds no tag and no script link,
// and shows each title as written. A meeting's title follows the notes'
// rules: HTML and links to scripts are refused.
func TestAgendaMarkdownEscapesTitles(t *testing.T) {
	env := alescotest.New(t, alescotest.WithGitHub(""))
	for _, page := range []string{"pulls-page-1.json", "pulls-page-2.json", "pulls-page-3.json"} {
		env.GitHub.SetFile(page, bytes.ReplaceAll(env.GitHub.File(page), []byte(`"title": "RFC: `),
			[]byte(`"title": "RFC: Build for <arch> <img src=x onerror=alert(1)> [x](javascript:alert(1)) `)))
	}
	ctx := context.Background()
	if _, err := env.App.SyncProposals(alescotest.Admin(ctx), "alesco"); err != nil {
		t.Fatal(err)
	}
	chair := chairClient(env)
	start := alescotest.NextMeeting(t).Start.Add(48 * time.Hour)
	for title, want := range map[string]string{
		"<img src=x onerror=alert(1)>": "title may not hold HTML",
		"[x](javascript:alert(1))":     "title may link only to http(s) or mailto addresses",
	} {
		_, err := chair.AddMeeting(ctx, connect.NewRequest(&alescov1.AddMeetingRequest{CommitteeId: "alesco", StartTime: timestamppb.New(start), Title: title}))
		if alescotest.CodeOf(err) != connect.CodeInvalidArgument || !strings.Contains(err.Error(), want) {
			t.Errorf("AddMeeting titled %q: %v; want InvalidArgument, %q", title, err, want)
		}
	}
	const title = "Planning *2027* [draft] <3 & _more_ ~~x~~"
	added := ok(chair.AddMeeting(ctx, connect.NewRequest(&alescov1.AddMeetingRequest{CommitteeId: "alesco", StartTime: timestamppb.New(start), Title: title})))(t).Meeting
	for _, id := range []string{added.Id, alescotest.NextMeeting(t).ID} {
		md := env.Fetch("GET", "/agenda/"+id+".md")
		if md.Status != 200 {
			t.Fatalf("agenda of %s: %d %s", id, md.Status, md.Body)
		}
		var b bytes.Buffer
		if err := goldmark.New(goldmark.WithRendererOptions(html.WithUnsafe())).Convert(md.Body, &b); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		for _, bad := range []string{"<arch>", "<img", `href="javascript:`, "<em>", "<del>"} {
			if strings.Contains(out, bad) {
				t.Errorf("the agenda of %s, rendered, holds %q:\n%s", id, bad, out)
			}
		}
		if !strings.Contains(out, "<h3>RFC: Build for &lt;arch&gt; &lt;img src=x onerror=alert(1)&gt; [x](javascript:alert(1)) Add alternative signed newer kernels</h3>") {
			t.Errorf("the agenda of %s does not show #17's title as text:\n%s", id, out)
		}
		if id == added.Id && !strings.Contains(out, "Planning *2027* [draft] &lt;3 &amp; _more_ ~~x~~, ") {
			t.Errorf("the agenda does not show the meeting's title as text:\n%s", out)
		}
	}
}
