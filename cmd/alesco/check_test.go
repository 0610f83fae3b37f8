package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/config"
	"github.com/almalinux/alesco/github/githubtest"
	"github.com/almalinux/alesco/internal/alescotest"
	"github.com/almalinux/alesco/internal/eventstest"
)

// eventsConfig is the embedded ALESCo configuration reading the events
// site at url.
func eventsConfig(t *testing.T, url string) string {
	t.Helper()
	src := string(config.DefaultYAML())
	withEvents := strings.Replace(src, "    short_name: ALESCo\n", "    short_name: ALESCo\n    events:\n      ics: "+url+"\n", 1)
	if withEvents == src {
		t.Fatal("the embedded configuration has no short_name line to add events after")
	}
	path := filepath.Join(t.TempDir(), "alesco.yaml")
	if err := os.WriteFile(path, []byte(withEvents), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestMeetingsCheck runs `alesco meetings check` as the binary does
// against the served export: it names the second meeting (its
// event an hour off, both times in New York) and the third (no event),
// not the first, and exits 1; --json says the same; an export that agrees
// exits 0; a site that cannot be read exits 3 and says so, checking the
// last good copy.
func TestMeetingsCheck(t *testing.T) {
	sc := eventstest.NextThree(t)
	site := eventstest.New(t, sc.Events)
	cfg := eventsConfig(t, site.URL())
	db := emptyDB(t)
	first, second, third := sc.Meetings[0], sc.Meetings[1], sc.Meetings[2]
	local := func(tm time.Time) string { return tm.In(alescotest.NewYork).Format("Mon 2006-01-02 15:04 MST") }

	out, _, err := runAt(t, "meetings", "check", "--db", db, "--config", cfg)
	if exitCode(err) != exitFailed {
		t.Fatalf("exit code %d (%v), want 1\n%s", exitCode(err), err, out)
	}
	for _, want := range []string{
		second.ID + "  " + local(second.Start) + "  the event is at another time: " + local(second.Start.Add(time.Hour)) + "\n",
		third.ID + "  " + local(third.Start) + "  no event on the events site\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, first.ID) {
		t.Errorf("the first meeting agrees with its event, the check names it:\n%s", out)
	}

	out, _, err = runAt(t, "meetings", "check", "--db", db, "--config", cfg, "--json", "--kept")
	if exitCode(err) != exitFailed {
		t.Fatalf("--json exit code %d (%v)", exitCode(err), err)
	}
	var res checkJSON
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !res.Readable || len(res.Problems) < 2 || res.Problems[0].MeetingID != second.ID || res.Problems[0].Kind != "time" ||
		res.Problems[0].EventStart != second.Start.Add(time.Hour).In(alescotest.NewYork).Format(time.RFC3339) ||
		res.Problems[1].MeetingID != third.ID || res.Problems[1].Kind != "missing" {
		t.Errorf("--json: %+v", res)
	}

	t.Run("all agree", func(t *testing.T) {
		var events []alesco.SiteEvent
		for i, m := range alescotest.Meetings(t, 10) {
			events = append(events, alesco.SiteEvent{UID: fmt.Sprint(i), Title: "ALESCo Meeting", URL: fmt.Sprintf("https://events.almalinux.org/event/%d/", 200+i), Start: m.Start, End: m.End})
		}
		agree := eventstest.New(t, events)
		out, _, err := runAt(t, "meetings", "check", "--db", emptyDB(t), "--config", eventsConfig(t, agree.URL()))
		if err != nil || !strings.Contains(out, "the events site agrees with all") {
			t.Fatalf("exit code %d (%v)\n%s", exitCode(err), err, out)
		}
	})

	t.Run("unreadable", func(t *testing.T) {
		site.Mode(eventstest.Down)
		defer site.Mode(eventstest.OK)
		out, _, err := runAt(t, "meetings", "check", "--db", db, "--config", cfg)
		if exitCode(err) != exitUnreadable || !strings.Contains(message(err), "the events site could not be read: the events site answered 503") ||
			!strings.Contains(message(err), "checked against its last good copy") {
			t.Fatalf("exit code %d: %v", exitCode(err), err)
		}
		if !strings.Contains(out, third.ID+"  ") {
			t.Errorf("the last good copy is not checked:\n%s", out)
		}
	})

	t.Run("no events site", func(t *testing.T) {
		_, _, err := runAt(t, "meetings", "check", "--db", db)
		if exitCode(err) != exitFailed || !strings.Contains(message(err), "names no events site") {
			t.Fatalf("exit code %d: %v", exitCode(err), err)
		}
	})
}

// TestServeReadsEventsSite: `alesco serve` reads the events site on its
// sync interval (the first pass at start) and its feeds then link the
// first meeting's event.
func TestServeReadsEventsSite(t *testing.T) {
	t.Parallel()
	sc := eventstest.NextThree(t)
	site := eventstest.New(t, sc.Events)
	fake := githubtest.New(t, alescotest.Running(alescotest.Epoch))
	baseURL, _, logs := startServe(t, "--sync-interval", "1h", "--github-url", fake.BaseURL(), "--config", eventsConfig(t, site.URL()))
	var body []byte
	alescotest.Eventually(t, 30*time.Second, "the feed links the first meeting's event", func() bool {
		resp, err := http.Get(baseURL + "/calendar/alesco.ics?expand=true")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		body, _ = io.ReadAll(resp.Body)
		return bytes.Contains(bytes.ReplaceAll(body, []byte("\r\n "), nil), []byte("Event page: "+sc.FirstEventURL))
	})
	if site.Hits() == 0 || strings.Contains(logs.String(), "cannot read the events site") {
		t.Errorf("hits %d, log:\n%s", site.Hits(), logs)
	}
}
