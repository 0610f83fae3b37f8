package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/app"
	"github.com/spf13/cobra"
)

// exitUnreadable is `meetings check`'s exit code when the events site
// could not be read (what it printed compares with the last good copy).
const exitUnreadable = 3

// checkFailed ends `meetings check` with its own exit code, its lines
// printed already.
type checkFailed struct {
	code int
	msg  string
}

func (e checkFailed) Error() string { return e.msg }

// meetingsCheck is `alesco meetings check`: the coming meetings whose
// event on the events site is missing, at another time or still listed
// though cancelled (app.CheckEvents). It reads the site first (as `serve`
// does on its sync interval) unless --kept.
func (m *Main) meetingsCheck() *cobra.Command {
	var f storeFlags
	var committee, fromS, toS string
	var asJSON, kept bool
	cmd := &cobra.Command{
		Use:   "check [--committee alesco] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json] [--kept]",
		Short: "Say which coming meetings the events site disagrees with (exit 1 if any, 3 if it cannot be read)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, c, db, err := m.openCommittee(cmd.Context(), f, committee)
			if err != nil {
				return err
			}
			defer db.Close()
			from, to, err := checkSpan(c, m.Now(), fromS, toS)
			if err != nil {
				return err
			}
			if c.EventSite.ICS == "" {
				return alesco.Errorf(alesco.EPRECONDITION, "%s names no events site: set events.ics in its configuration (see docs/calendar.md)", c.ShortName)
			}
			if !kept {
				readErr := a.RefreshCommitteeEvents(operator(cmd.Context()), c.ID)
				var site interface{ PublicError() string }
				if readErr != nil && !errors.As(readErr, &site) {
					return readErr // not the site's failure: this store's
				}
			}
			chk, err := a.CheckEvents(cmd.Context(), c.ID, from, to)
			if err != nil {
				return err
			}
			return m.printCheck(chk, from, to, asJSON)
		},
	}
	f.add(cmd)
	cmd.Flags().StringVar(&committee, "committee", "alesco", "committee id")
	cmd.Flags().StringVar(&fromS, "from", "", "first day, YYYY-MM-DD (default: now)")
	cmd.Flags().StringVar(&toS, "to", "", "last day, YYYY-MM-DD, inclusive (default: three months from today)")
	cmd.Flags().BoolVar(&kept, "kept", false, "check against the copy `alesco serve` keeps, without reading the site")
	jsonFlag(cmd, &asJSON)
	return cmd
}

// checkSpan is the span of the check: from now (or --from's midnight) to
// the end of --to (default: three months from today), in c's zone.
func checkSpan(c *alesco.Committee, now time.Time, fromS, toS string) (from, to time.Time, err error) {
	from, to = app.CheckAhead(c, now)
	if fromS != "" {
		d, err := alesco.ParseDate(fromS)
		if err != nil {
			return from, to, usageError(fmt.Errorf("--from: %w", err))
		}
		from = d.Midnight(c.Location)
		to = d.AddMonths(3).AddDays(1).Midnight(c.Location)
	}
	if toS != "" {
		d, err := alesco.ParseDate(toS)
		if err != nil {
			return from, to, usageError(fmt.Errorf("--to: %w", err))
		}
		to = d.AddDays(1).Midnight(c.Location)
	}
	if !to.After(from) {
		return from, to, usageError(fmt.Errorf("--to is before --from"))
	}
	if to.Sub(from) > 5*366*24*time.Hour {
		return from, to, usageError(fmt.Errorf("check at most five years at a time"))
	}
	return from, to, nil
}

// checkJSON is `meetings check --json`.
type checkJSON struct {
	Committee  string        `json:"committee"`
	Site       string        `json:"site"`
	Readable   bool          `json:"readable"`
	SiteError  string        `json:"site_error,omitempty"`
	CopyReadAt string        `json:"copy_read_at,omitempty"`
	From       string        `json:"from"`
	To         string        `json:"to"`
	Meetings   int           `json:"meetings"`
	Problems   []problemJSON `json:"problems"`
}

type problemJSON struct {
	MeetingID    string `json:"meeting_id"`
	Kind         string `json:"kind"`
	MeetingStart string `json:"meeting_start"` // committee's local time, RFC 3339
	EventStart   string `json:"event_start,omitempty"`
	EventURL     string `json:"event_url,omitempty"`
	Text         string `json:"text"`
}

// printCheck prints one line per problem (both times in the committee's
// zone), then a summary; a problem or an unreadable site is an exit code.
func (m *Main) printCheck(chk app.EventCheck, from, to time.Time, asJSON bool) error {
	c, loc := chk.Committee, chk.Committee.Location
	unreadable := chk.Site.Error != "" || chk.Site.Read.IsZero()
	siteErr := chk.Site.Error
	if siteErr == "" && chk.Site.Read.IsZero() {
		siteErr = "it has not been read yet"
	}
	if asJSON {
		out := checkJSON{Committee: c.ID, Site: c.EventSite.ICS, Readable: !unreadable, SiteError: siteErr,
			From: from.In(loc).Format(time.RFC3339), To: to.In(loc).Format(time.RFC3339), Meetings: chk.Meetings, Problems: []problemJSON{}}
		if !chk.Site.Read.IsZero() {
			out.CopyReadAt = chk.Site.Read.UTC().Format(time.RFC3339)
		}
		for _, p := range chk.Problems {
			pj := problemJSON{MeetingID: p.Meeting.ID, Kind: string(p.Kind), MeetingStart: p.Meeting.Start.In(loc).Format(time.RFC3339),
				EventURL: p.Event.URL, Text: p.Describe()}
			if !p.Event.Start.IsZero() {
				pj.EventStart = p.Event.Start.In(loc).Format(time.RFC3339)
			}
			out.Problems = append(out.Problems, pj)
		}
		if err := m.printJSON(out); err != nil {
			return err
		}
	} else {
		for _, p := range chk.Problems {
			fmt.Fprintf(m.Stdout, "%s  %s  %s\n", p.Meeting.ID, p.Meeting.Start.In(loc).Format("Mon "+localLayout+" MST"), p.Describe())
		}
		span := from.In(loc).Format("2006-01-02") + " to " + to.Add(-time.Second).In(loc).Format("2006-01-02")
		if len(chk.Problems) == 0 {
			fmt.Fprintf(m.Stdout, "the events site agrees with all %d meetings of %s from %s\n", chk.Meetings, c.ShortName, span)
		} else {
			fmt.Fprintf(m.Stdout, "%d of %d meetings of %s from %s disagree with the events site (%s)\n", len(chk.Problems), chk.Meetings, c.ShortName, span, c.EventSite.ICS)
		}
	}
	if unreadable {
		msg := "the events site could not be read: " + siteErr
		if !chk.Site.Read.IsZero() {
			msg += "; checked against its last good copy, read " + chk.Site.Read.In(loc).Format(localLayout+" MST")
		} else {
			msg += "; no copy of it is kept, so every meeting looks missing"
		}
		return checkFailed{code: exitUnreadable, msg: msg}
	}
	if len(chk.Problems) > 0 {
		return checkFailed{code: exitFailed, msg: fmt.Sprintf("%d meetings disagree with the events site", len(chk.Problems))}
	}
	return nil
}
