package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/app"
	"github.com/almalinux/alesco/demo"
)

// demoMeetingLength is how long the demo's meeting in progress lasts: long
// enough to try the console and the terminal at leisure.
const demoMeetingLength = 2 * time.Hour

// demoLive is the demo's meeting in progress and the chair token that runs it.
type demoLive struct {
	meeting alesco.Meeting
	token   string
}

// seedDemo fills a fresh store with the committee's public record kept in
// the repository, through the same use cases an operator calls: the wiki's
// minutes are imported and the proposals synced from the GitHub snapshot
// (the app's syncer is wired to it). Then it adds a meeting in progress
// and a chair token for it, so the live guide works at once.
func (m *Main) seedDemo(ctx context.Context, a *app.App, log *slog.Logger) (demoLive, error) {
	ctx = alesco.NewContext(ctx, alesco.Principal{Role: alesco.RoleAdmin, Name: "alesco (demo)"})
	if _, err := a.Committee(ctx, demo.CommitteeID); err != nil {
		return demoLive{}, fmt.Errorf("demo: the record is %s's, which this configuration lacks: %w", demo.CommitteeID, err)
	}
	files := demo.Minutes()
	for _, f := range files {
		if _, err := a.ImportMinutes(ctx, demo.CommitteeID, f.Name, f.Data); err != nil {
			return demoLive{}, fmt.Errorf("demo: import %s: %w", f.Name, err)
		}
	}
	r, err := a.SyncProposals(ctx, demo.CommitteeID)
	if err != nil {
		return demoLive{}, fmt.Errorf("demo: sync the GitHub snapshot: %w", err)
	}
	live, err := m.startDemoMeeting(ctx, a)
	if err != nil {
		return demoLive{}, err
	}
	log.Info("demo: seeded a temporary database", "minutes", len(files), "proposals", r.Changed, "meeting", live.meeting.ID)
	return live, nil
}

// startDemoMeeting adds a meeting that starts at the next second (a
// meeting cannot be added in the past, and one that has not started
// cannot be finalized: it is under way by the time the server listens),
// starts its minutes as the chair would (the console and `meeting run`
// find a meeting under way) and makes a chair token to run it with.
func (m *Main) startDemoMeeting(ctx context.Context, a *app.App) (demoLive, error) {
	start := m.Now().Truncate(time.Second).Add(time.Second)
	mt, err := a.AddMeeting(ctx, demo.CommitteeID, start, demoMeetingLength, "Demo meeting: try running it live", alesco.Place{})
	if err != nil {
		return demoLive{}, fmt.Errorf("demo: add the meeting in progress: %w", err)
	}
	if _, _, _, err := a.StartMeeting(ctx, mt.ID); err != nil {
		return demoLive{}, fmt.Errorf("demo: start the minutes of %s: %w", mt.ID, err)
	}
	_, secret, err := a.CreateToken(ctx, alesco.Token{CommitteeID: demo.CommitteeID, Role: alesco.RoleChair, Label: "demo chair"})
	if err != nil {
		return demoLive{}, fmt.Errorf("demo: chair token: %w", err)
	}
	return demoLive{meeting: mt, token: secret}, nil
}

// demoConsole is the console of the demo's meeting; demoCommand the
// terminal line that runs it.
func demoConsole(baseURL string, live demoLive) string {
	return baseURL + "/" + demo.CommitteeID + "/meetings/" + live.meeting.ID + "/console"
}

func demoCommand(baseURL string, live demoLive) string {
	return "ALESCO_TOKEN=" + live.token + " alesco meeting run " + live.meeting.ID + " --server " + baseURL
}

// printDemo tells a newcomer, after the listening line, where the demo is
// and how to run its meeting in progress: in the browser console, or from
// a terminal with the exact command to paste. A JSON log gets one record
// with the same facts.
func printDemo(w io.Writer, log *slog.Logger, json bool, baseURL string, live demoLive) {
	open := "demo: open " + baseURL + "/" + demo.CommitteeID + " (the database is temporary and removed on exit)"
	if json {
		log.Info(open, "meeting", live.meeting.ID, "until", live.meeting.End, "console", demoConsole(baseURL, live),
			"chair_token", live.token, "run", demoCommand(baseURL, live))
		return
	}
	loc := live.meeting.Location
	if loc == nil {
		loc = time.UTC
	}
	fmt.Fprintf(w, `
Demo: open %s/%s (the database is temporary and removed on exit).
A meeting is in progress until %s: %s. Run it as its chair
  in the browser: %s
                  (sign in with the token %s)
  in a terminal:  %s
                  then type e.g. present andrew, ben, jonathan, lance · next · motion Accept RFC 17 ·
                  vote andrew +1 · close · status · help (docs/live.md)

`, baseURL, demo.CommitteeID, live.meeting.End.In(loc).Format("15:04 MST"), live.meeting.ID,
		demoConsole(baseURL, live), live.token, demoCommand(baseURL, live))
}

// demoDir makes the directory of the demo's temporary database: in the
// temporary directory (TMPDIR, else /tmp) or, where that cannot be written
// (a container with a read-only root file system and no tmpfs on /tmp),
// beside --db (the image's /data volume). The caller removes it.
func demoDir(db string) (string, error) {
	dir, errTmp := os.MkdirTemp("", "alesco-demo-")
	if errTmp == nil {
		return dir, nil
	}
	beside, err := filepath.Abs(filepath.Dir(db))
	if err != nil {
		return "", fmt.Errorf("demo: %w (and %w)", errTmp, err)
	}
	dir, errDB := os.MkdirTemp(beside, ".alesco-demo-")
	if errDB == nil {
		return dir, nil
	}
	return "", fmt.Errorf("demo: no writable directory for the temporary database (%w; %w): "+
		"mount a tmpfs on %s, set TMPDIR, or pass a --db in a writable directory", errTmp, errDB, os.TempDir())
}
