package app

import (
	"context"
	"strings"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/minutes"
)

// AmendMinutes amends final minutes, keeping the finalized text as a
// revision. With Markdown, the text (complete minutes of that meeting,
// minutes.ParseAmendment) replaces attendance, decisions and notes and the
// minutes stay final (and what they told the world is updated: the same
// comments edited, the same wiki pull request); without, they reopen as a
// draft, and are published again once final. It returns what changed.
func (a *App) AmendMinutes(ctx context.Context, meetingID, reason, markdown string) (*alesco.Committee, *alesco.Minutes, alesco.Amendment, error) {
	var am alesco.Amendment
	c, m, err := a.editMinutes(ctx, alesco.ActRecordMinutes, "minutes.amend", byMeeting(meetingID), false, func(e *edit) (string, any, error) {
		// Parsed here, with the committee as this snapshot has it, so that
		// members appointed by a recorded decision are recognised.
		var replacement *alesco.Minutes
		if strings.TrimSpace(markdown) != "" {
			var err error
			if replacement, _, err = minutes.ParseAmendment(e.c, meetingID, e.m.Date, []byte(markdown)); err != nil {
				return "", nil, err
			}
		}
		// What changed is told against the final text as it reads back,
		// which is what the amended text was written from.
		before, _, err := minutes.Parse(e.c, meetingID+".md", []byte(minutes.Text(e.c, e.m)))
		if err != nil {
			b := *e.m
			before = &b
		}
		if err := e.m.Amend(reason, replacement, e.tx.Now(), render(e.c)); err != nil {
			return "", nil, err
		}
		am = alesco.CompareMinutes(before, e.m)
		detail := map[string]any{"reason": e.m.Revisions[len(e.m.Revisions)-1].Reason,
			"replaced": replacement != nil, "revision": e.m.Revision, "changes": am.Summary()}
		return "meeting/" + meetingID, detail, a.publishMinutes(e)
	})
	return c, m, am, err
}

// ImportMinutes imports one wiki Markdown file into a committee's minutes.
// A date that is no occurrence of a configured series becomes an added
// meeting on that date, all day (its time is not on record). Minutes of a
// meeting that has not taken place are refused. Importing the same file
// twice changes nothing.
func (a *App) ImportMinutes(ctx context.Context, committeeID, file string, data []byte) (minutes.ImportResult, error) {
	if _, err := actor(ctx); err != nil {
		return minutes.ImportResult{}, err
	}
	if file == "" {
		file = "minutes.md"
	}
	var res minutes.ImportResult
	err := a.store.Update(ctx, func(tx alesco.Tx) (alesco.Change, error) {
		c, err := a.committee(tx, committeeID)
		if err != nil {
			return alesco.Change{}, err
		}
		if _, err := authorize(ctx, alesco.ActRecordMinutes, c); err != nil {
			return alesco.Change{}, err
		}
		parsed, warnings, err := minutes.Parse(c, file, data)
		if err != nil {
			return alesco.Change{}, err
		}
		res = minutes.Summarize(c, file, parsed, warnings)
		s, err := loadSchedule(tx, c)
		if err != nil {
			return alesco.Change{}, err
		}
		detail := map[string]any{"file": file, "sha256": alesco.ImportHash(parsed)}
		mt, err := s.find(parsed.MeetingID, parsed.Date)
		if alesco.ErrorCode(err) == alesco.ENOTFOUND {
			if mt, err = a.addImportedMeeting(tx, s, parsed, file); err != nil {
				return alesco.Change{}, err
			}
			res.Warnings = append(res.Warnings, "no configured meeting on "+parsed.Date.String()+": added one")
			detail["added_meeting"] = true
		} else if err != nil {
			return alesco.Change{}, err
		}
		if err := mt.CheckImport(tx.Now()); err != nil {
			return alesco.Change{}, err
		}
		if mt.Status == alesco.MeetingCancelled {
			res.Warnings = append(res.Warnings, "meeting "+mt.ID+" is marked cancelled, but minutes exist for it")
		}
		m, err := tx.Minutes(mt.ID)
		if alesco.ErrorCode(err) == alesco.ENOTFOUND {
			m, err = alesco.NewMinutes(mt), nil
			m.Date = parsed.Date
		}
		if err != nil {
			return alesco.Change{}, err
		}
		if res.Changed, err = m.Import(parsed, file, tx.Now(), render(c)); err != nil {
			return alesco.Change{}, err
		}
		if !res.Changed {
			return alesco.Change{}, alesco.ErrUnchanged
		}
		return alesco.Change{Action: "minutes.import", Subject: "meeting/" + mt.ID, Detail: detail}, tx.SaveMinutes(m)
	})
	if err == alesco.ErrUnchanged {
		return res, nil
	}
	return res, err
}

// addImportedMeeting adds the meeting imported minutes are of, when no
// series has one on that date. The minutes do not say when it met, so it
// is all day: no time is made up.
func (a *App) addImportedMeeting(tx alesco.Tx, s schedule, parsed *alesco.Minutes, file string) (alesco.Meeting, error) {
	c := s.c
	start := parsed.Date.Midnight(c.Location)
	ch, err := tx.SaveMeetingChange(alesco.MeetingChange{
		MeetingID: parsed.MeetingID, CommitteeID: c.ID, Kind: alesco.ChangeAdd, OriginalStart: start,
		Start: start, End: parsed.Date.AddDays(1).Midnight(c.Location), Title: c.ShortName + " meeting",
		Reason: "minutes imported from " + file, AllDay: true,
	})
	if err != nil {
		return alesco.Meeting{}, err
	}
	return a.meetingAfter(tx, c, ch)
}

// GetMinutes returns a meeting's minutes and its committee, or ENOTFOUND.
func (a *App) GetMinutes(ctx context.Context, meetingID string) (*alesco.Committee, *alesco.Minutes, error) {
	var c *alesco.Committee
	var m *alesco.Minutes
	err := a.store.View(ctx, func(tx alesco.ReadTx) error {
		var err error
		if c, _, err = a.committeeOfMeeting(tx, meetingID); err != nil {
			return err
		}
		m, err = tx.Minutes(meetingID)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return c, m, nil
}

// ListMinutes returns the listed minutes of a committee's meetings (see
// alesco.MinutesRef.Listed), oldest first.
func (a *App) ListMinutes(ctx context.Context, committeeID string) (*alesco.Committee, []*alesco.Minutes, error) {
	var c *alesco.Committee
	var ms []*alesco.Minutes
	now := a.now()
	err := a.store.View(ctx, func(tx alesco.ReadTx) error {
		var err error
		if c, err = a.committee(tx, committeeID); err != nil {
			return err
		}
		all, err := tx.ListMinutes(c.ID)
		for _, m := range all {
			if (alesco.MinutesRef{Start: m.Start, Status: m.Status}).Listed(now) {
				ms = append(ms, m)
			}
		}
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return c, ms, nil
}

// MinutesMarkdown returns a meeting's minutes as the wiki's Markdown: the
// frozen text of final minutes, the current draft otherwise.
func (a *App) MinutesMarkdown(ctx context.Context, meetingID string) (Rendered, error) {
	return a.Cache.Get("minutes.md/"+meetingID, a.CacheVersion(), a.now(), func() (Rendered, time.Time, error) {
		c, m, err := a.GetMinutes(ctx, meetingID)
		if err != nil {
			return Rendered{}, time.Time{}, err
		}
		return Rendered{Body: []byte(minutes.Text(c, m)), LastModified: m.Finalized, ContentType: "text/markdown; charset=utf-8"}, time.Time{}, nil
	})
}
