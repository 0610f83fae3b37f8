package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/almalinux/alesco"
)

const meetingsUsage = `usage:
  alesco meetings [--committee ID] [--from DATE] [--to DATE]     list meetings (local time)
  alesco meetings cancel MEETING_ID --reason TEXT                cancel one meeting
  alesco meetings move MEETING_ID --to "YYYY-MM-DD HH:MM"        move one meeting (committee's local time)
  alesco meetings add --committee ID --at "YYYY-MM-DD HH:MM" [--duration 1h] [--title TEXT]`

// localLayout is how the CLI reads and prints meeting times: the
// committee's own wall-clock time.
const localLayout = "2006-01-02 15:04"

func runMeetings(ctx context.Context, m *Main, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "cancel", "move", "add":
			return m.changeMeeting(ctx, args[0], args[1:])
		case "list":
			args = args[1:]
		}
	}
	var c common
	fs := m.flags("meetings", &c)
	fs.Usage = func() { fmt.Fprintln(m.Stderr, meetingsUsage); fs.PrintDefaults() }
	committee := fs.String("committee", "alesco", "committee id")
	fromS := fs.String("from", "", "first day, YYYY-MM-DD (default: today)")
	toS := fs.String("to", "", "last day, YYYY-MM-DD, inclusive (default: three months after --from)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unknown meetings subcommand %q (want cancel, move or add)\n%s: %w", fs.Arg(0), meetingsUsage, errUsage)
	}
	_, com, db, err := m.openCommittee(ctx, c, *committee)
	if err != nil {
		return err
	}
	defer db.Close()
	from := com.Today(m.Now())
	if *fromS != "" {
		if from, err = alesco.ParseDate(*fromS); err != nil {
			return fmt.Errorf("--from: %w", err)
		}
	}
	to := from.AddMonths(3)
	if *toS != "" {
		if to, err = alesco.ParseDate(*toS); err != nil {
			return fmt.Errorf("--to: %w", err)
		}
	}
	if to.Before(from) {
		return fmt.Errorf("--to %s is before --from %s", to, from)
	}
	if from.DaysUntil(to) > 5*366 {
		return fmt.Errorf("list at most five years at a time (--from %s --to %s)", from, to)
	}
	changes, held, err := db.MeetingOverlay(ctx, com.ID)
	if err != nil {
		return err
	}
	ms := com.Schedule(from.Midnight(com.Location), to.AddDays(1).Midnight(com.Location), changes, held)
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTART\tSTATUS\tTITLE")
	for _, mt := range ms {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", mt.ID, localTime(mt), mt.Status, describe(mt))
	}
	if len(ms) == 0 {
		fmt.Fprintf(tw, "(no meetings of %s from %s to %s)\n", com.ShortName, from, to)
	}
	return tw.Flush()
}

func localTime(mt alesco.Meeting) string {
	loc := mt.Location
	if loc == nil {
		loc = time.UTC
	}
	return mt.Start.In(loc).Format("Mon " + localLayout + " MST")
}

func describe(mt alesco.Meeting) string {
	s := mt.Title
	switch mt.Status {
	case alesco.MeetingCancelled:
		s += " (cancelled: " + mt.CancelReason + ")"
	case alesco.MeetingMoved:
		s += " (moved from " + mt.OriginalStart.In(mt.Location).Format(localLayout) + ")"
	}
	return s
}

// changeMeeting runs cancel, move and add: the same rules as the API's
// CancelMeeting, RescheduleMeeting and AddMeeting (alesco.CancelMeeting...),
// recorded in the audit log as a CLI write.
func (m *Main) changeMeeting(ctx context.Context, sub string, args []string) error {
	var c common
	fs := m.flags("meetings "+sub, &c)
	fs.Usage = func() { fmt.Fprintln(m.Stderr, meetingsUsage); fs.PrintDefaults() }
	reason := fs.String("reason", "", "why the meeting is cancelled (cancel; shown in calendars)")
	to := fs.String("to", "", `new start, "YYYY-MM-DD HH:MM" in the committee's time zone (move)`)
	committee := fs.String("committee", "alesco", "committee id (add)")
	at := fs.String("at", "", `start, "YYYY-MM-DD HH:MM" in the committee's time zone (add)`)
	duration := fs.Duration("duration", 0, "length, e.g. 1h or 45m (add; default: the series' length)")
	title := fs.String("title", "", "title (add)")
	// Accept the meeting id before or after the flags.
	if err := fs.Parse(args); err != nil {
		return err
	}
	var id string
	if fs.NArg() > 0 {
		id = fs.Arg(0)
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			return err
		}
		if fs.NArg() > 0 {
			return fmt.Errorf("unexpected arguments %q\n%s: %w", fs.Args(), meetingsUsage, errUsage)
		}
	}
	if sub != "add" && id == "" {
		return fmt.Errorf("which meeting? give its id, e.g. alesco meetings %s alesco-2026-12-03\n%s: %w", sub, meetingsUsage, errUsage)
	}
	cs, db, err := m.open(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	now := m.Now()
	var com *alesco.Committee
	var ch alesco.MeetingChange
	if sub == "add" {
		if com, err = cs.Get(*committee); err != nil {
			return err
		}
		start, err := parseLocal("--at", *at, com.Location)
		if err != nil {
			return err
		}
		changes, err := db.MeetingChanges(ctx, com.ID)
		if err != nil {
			return err
		}
		if ch, err = com.AddMeeting(start, *duration, strings.TrimSpace(*title), now, changes); err != nil {
			return err
		}
	} else {
		var d alesco.Date
		if com, d, _, err = cs.ParseMeetingID(id); err != nil {
			return err
		}
		changes, held, err := db.MeetingOverlay(ctx, com.ID)
		if err != nil {
			return err
		}
		mt, ok := com.FindMeeting(id, d, changes, held)
		if !ok {
			return alesco.Errorf(alesco.ENOTFOUND, "no meeting %s: %s does not meet on %s", id, com.ShortName, d)
		}
		switch sub {
		case "cancel":
			if strings.TrimSpace(*reason) == "" {
				return fmt.Errorf("--reason is required: say why %s is cancelled (calendars show it): %w", id, errUsage)
			}
			ch, err = alesco.CancelMeeting(mt, strings.TrimSpace(*reason), now)
		case "move":
			start, perr := parseLocal("--to", *to, mt.Location)
			if perr != nil {
				return perr
			}
			ch, err = alesco.RescheduleMeeting(mt, start, now)
		}
		if err != nil {
			return err
		}
	}
	if _, err := db.SaveMeetingChange(cliContext(ctx), ch); err != nil {
		return err
	}
	changes, held, err := db.MeetingOverlay(ctx, com.ID)
	if err != nil {
		return err
	}
	mt, ok := com.FindMeeting(ch.MeetingID, alesco.DateIn(ch.OriginalStart, com.Location), changes, held)
	if !ok {
		return errors.New("the change was saved but the meeting cannot be found again")
	}
	fmt.Fprintf(m.Stdout, "%s: %s, %s: %s\n", mt.ID, mt.Status, localTime(mt), describe(mt))
	return nil
}

// parseLocal reads "YYYY-MM-DD HH:MM" (or with a T) as wall-clock time in loc.
func parseLocal(flagName, s string, loc *time.Location) (time.Time, error) {
	if s == "" {
		return time.Time{}, fmt.Errorf("%s is required, e.g. %s \"2026-12-10 12:00\": %w", flagName, flagName, errUsage)
	}
	t, err := time.ParseInLocation(localLayout, strings.Replace(strings.TrimSpace(s), "T", " ", 1), loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %q: want \"YYYY-MM-DD HH:MM\" in %s", flagName, s, loc)
	}
	return t, nil
}
