package web

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/almalinux/alesco/internal/htmlcheck"
	"github.com/almalinux/alesco/internal/webtest"
)

// TestFixturePagesInBrowser renders the fixture scenario's pages in headless
// chromium, under the same Content-Security-Policy the server sends: the
// inline style and script must be allowed by their hashes, the script must
// add the reader's own time to every meeting time, and the screenshots show
// the pages at desktop and phone widths.
func TestFixturePagesInBrowser(t *testing.T) {
	bin := webtest.Chromium(t)
	pages, err := New()
	if err != nil {
		t.Fatal(err)
	}
	m := fixtureMeeting()
	m.Id, m.StartTime, m.EndTime, m.OriginalStartTime = "alesco-2026-07-30", ts("2026-07-30T16:00:00Z"), ts("2026-07-30T17:00:00Z"), ts("2026-07-30T16:00:00Z")
	routes := map[string]struct {
		page string
		data any
	}{
		"/alesco": {PageCommittee, fixtureCommitteePage()},
		"/alesco/meetings/alesco-2026-07-30": {PageMeeting, &MeetingPage{Layout: fixtureLayout("meeting"), MeetingID: m.Id, Meeting: m,
			Minutes: fixtureMinutes(), AgendaNote: "No agenda was recorded for this meeting.", ICSURL: "/x.ics", MinutesMarkdownURL: "/minutes/alesco-2026-07-30.md"}},
		"/alesco/meetings": {PageMeetings, fixtureMeetingsPage()},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rt, ok := routes[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Security-Policy", ContentSecurityPolicy)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := pages.Render(w, rt.page, rt.data); err != nil {
			t.Error(err)
		}
	}))
	defer srv.Close()
	shots := webtest.ArtifactDir(t, "..")
	// 12:00 in New York is 02:00 (EST) or 01:00 (EDT) the next day in
	// Tokyo; the reader's format follows the browser's locale.
	for path, want := range map[string][]string{
		"/alesco":                            {"Thursday, 3 December 2026, 12:00 EST (your time: Friday", "02:00", "#18 RFC: Permit the AlmaLinux name on community-built spins board input needed"},
		"/alesco/meetings/alesco-2026-07-30": {"Thursday, 30 July 2026, 12:00 EDT (your time: Friday", "01:00", "Neal Gompa +1 (yes) async"},
		"/alesco/meetings":                   {"Thursday, 3 December 2026, 12:00 EST (your time: Friday", "In progress", "Tuesday, 22 December 2026, 12:00 EST (your time: Wednesday"},
	} {
		name := "fixture" + strings.ReplaceAll(path, "/", "_")
		t.Run(name, func(t *testing.T) {
			dom := webtest.DOM(t, bin, srv.URL+path)
			webtest.CheckLocalTimes(t, dom)
			text, err := htmlcheck.Text(dom)
			if err != nil {
				t.Fatal(err)
			}
			contains(t, path, text, want...)
			webtest.Screenshot(t, bin, srv.URL+path, filepath.Join(shots, name+".png"), 1280, 2600)
			webtest.Screenshot(t, bin, srv.URL+path, filepath.Join(shots, name+"-phone.png"), 390, 2400)
		})
	}
}
