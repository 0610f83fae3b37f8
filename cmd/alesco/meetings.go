package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/almalinux/alesco"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	"github.com/almalinux/alesco/protoconv"
	"github.com/spf13/cobra"
)

// localLayout is how the CLI reads and prints meeting times: the
// committee's own wall-clock time.
const localLayout = "2006-01-02 15:04"

func (m *Main) meetingsCommand() *cobra.Command {
	var f storeFlags
	var committee, fromS, toS string
	var asJSON bool
	list := func(cmd *cobra.Command, args []string) error {
		a, c, db, err := m.openCommittee(cmd.Context(), f, committee)
		if err != nil {
			return err
		}
		defer db.Close()
		from := c.Today(m.Now())
		if fromS != "" {
			if from, err = alesco.ParseDate(fromS); err != nil {
				return usageError(fmt.Errorf("--from: %w", err))
			}
		}
		to := from.AddMonths(3)
		if toS != "" {
			if to, err = alesco.ParseDate(toS); err != nil {
				return usageError(fmt.Errorf("--to: %w", err))
			}
		}
		if to.Before(from) {
			return usageError(fmt.Errorf("--to %s is before --from %s", to, from))
		}
		if from.DaysUntil(to) > 5*366 {
			return usageError(fmt.Errorf("list at most five years at a time (--from %s --to %s)", from, to))
		}
		_, ms, err := a.ListMeetings(cmd.Context(), c.ID, from.Midnight(c.Location), to.AddDays(1).Midnight(c.Location))
		if err != nil {
			return err
		}
		if asJSON {
			out := &alescov1.ListMeetingsResponse{}
			for _, mt := range ms {
				out.Meetings = append(out.Meetings, protoconv.MeetingProto(mt, a.Links(mt)))
			}
			return m.printProto(out)
		}
		tw := newTable(m.Stdout, "ID", "START", "STATUS", "TITLE")
		for _, mt := range ms {
			tw.row(mt.ID, localTime(mt), mt.Status.String(), describe(mt))
		}
		return tw.flush(fmt.Sprintf("(no meetings of %s from %s to %s)", c.ShortName, from, to))
	}
	listFlags := func(cmd *cobra.Command) {
		f.add(cmd)
		cmd.Flags().StringVar(&committee, "committee", "alesco", "committee id")
		cmd.Flags().StringVar(&fromS, "from", "", "first day, YYYY-MM-DD (default: today)")
		cmd.Flags().StringVar(&toS, "to", "", "last day, YYYY-MM-DD, inclusive (default: three months after --from)")
		jsonFlag(cmd, &asJSON)
	}
	cmd := &cobra.Command{
		Use:   "meetings",
		Short: "List meetings (local time); cancel, move or add one",
		Args:  cobra.NoArgs,
		RunE:  list,
	}
	listFlags(cmd)
	listCmd := &cobra.Command{Use: "list", Short: "List meetings in the committee's local time", Args: cobra.NoArgs, RunE: list}
	listFlags(listCmd)
	cmd.AddCommand(listCmd, m.meetingCancel(), m.meetingMove(), m.meetingAdd(), m.meetingsCheck())
	return cmd
}

func (m *Main) meetingCancel() *cobra.Command {
	var f storeFlags
	var reason string
	cmd := &cobra.Command{
		Use: "cancel MEETING_ID --reason TEXT", Short: "Cancel one meeting", Args: exactArgs(1, "the meeting's id, e.g. alesco-2026-12-03"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(reason) == "" {
				return usageError(fmt.Errorf("--reason is required: say why %s is cancelled (calendars show it)", args[0]))
			}
			a, db, err := m.openFor(cmd.Context(), f, args[0])
			if err != nil {
				return err
			}
			defer db.Close()
			mt, err := a.CancelMeeting(operator(cmd.Context()), args[0], reason)
			return m.printMeeting(mt, err)
		},
	}
	f.add(cmd)
	cmd.Flags().StringVar(&reason, "reason", "", "why the meeting is cancelled (shown in calendars)")
	return cmd
}

func (m *Main) meetingMove() *cobra.Command {
	var f storeFlags
	var to string
	cmd := &cobra.Command{
		Use: `move MEETING_ID --to "YYYY-MM-DD HH:MM"`, Short: "Move one meeting (committee's local time)", Args: exactArgs(1, "the meeting's id, e.g. alesco-2026-12-03"),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, db, err := m.openFor(cmd.Context(), f, args[0])
			if err != nil {
				return err
			}
			defer db.Close()
			c, _, _, err := a.Committees().ParseMeetingID(args[0])
			if err != nil {
				return err
			}
			start, err := parseLocal("--to", to, c.Location)
			if err != nil {
				return err
			}
			mt, err := a.MoveMeeting(operator(cmd.Context()), args[0], start)
			return m.printMeeting(mt, err)
		},
	}
	f.add(cmd)
	cmd.Flags().StringVar(&to, "to", "", `new start, "YYYY-MM-DD HH:MM" in the committee's time zone`)
	return cmd
}

func (m *Main) meetingAdd() *cobra.Command {
	var f storeFlags
	var committee, at, title string
	var where alesco.Place
	var duration time.Duration
	cmd := &cobra.Command{
		Use: `add --at "YYYY-MM-DD HH:MM" [--duration 1h] [--title TEXT] [--location TEXT] [--url URL]`, Short: "Add an extra meeting", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, c, db, err := m.openCommittee(cmd.Context(), f, committee)
			if err != nil {
				return err
			}
			defer db.Close()
			start, err := parseLocal("--at", at, c.Location)
			if err != nil {
				return err
			}
			mt, err := a.AddMeeting(operator(cmd.Context()), c.ID, start, duration, title, where)
			return m.printMeeting(mt, err)
		},
	}
	f.add(cmd)
	cmd.Flags().StringVar(&committee, "committee", "alesco", "committee id")
	cmd.Flags().StringVar(&at, "at", "", `start, "YYYY-MM-DD HH:MM" in the committee's time zone`)
	cmd.Flags().DurationVar(&duration, "duration", 0, "length, e.g. 1h or 45m (default: the series' length)")
	cmd.Flags().StringVar(&title, "title", "", "title")
	cmd.Flags().StringVar(&where.Venue, "location", "", "where it takes place (default: the series' location that day)")
	cmd.Flags().StringVar(&where.JoinURL, "url", "", "the link to join it (default: the series' link that day)")
	return cmd
}

func (m *Main) printMeeting(mt alesco.Meeting, err error) error {
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(m.Stdout, "%s: %s, %s: %s\n", mt.ID, mt.Status, localTime(mt), describe(mt))
	return err
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

// parseLocal reads "YYYY-MM-DD HH:MM" (or with a T) as wall-clock time in loc.
func parseLocal(flagName, s string, loc *time.Location) (time.Time, error) {
	if s == "" {
		return time.Time{}, usageError(fmt.Errorf("%s is required, e.g. %s \"2026-12-10 12:00\"", flagName, flagName))
	}
	t, err := time.ParseInLocation(localLayout, strings.Replace(strings.TrimSpace(s), "T", " ", 1), loc)
	if err != nil {
		return time.Time{}, usageError(fmt.Errorf("%s %q: want \"YYYY-MM-DD HH:MM\" in %s", flagName, s, loc))
	}
	return t, nil
}
