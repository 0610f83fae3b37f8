package main

import (
	"context"
	"strings"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/app"
	"github.com/almalinux/alesco/config"
	"github.com/almalinux/alesco/sqlite"
	"github.com/spf13/cobra"
)

// Shell completion (alesco completion bash|zsh|fish|powershell) offers the
// values of the flags that take one of a few, and meeting ids. Cobra asks
// through its hidden __complete command, with the flags typed so far
// parsed, so the meeting ids come from the --config and --db the command
// itself would use.

// meetingWindow is how far around today meeting ids are offered: the
// meetings a chair or secretary works on (the weeks just past, for their
// minutes, and the quarter ahead), not the whole calendar.
const (
	meetingWindowBefore = 8 * 7  // days
	meetingWindowAfter  = 13 * 7 // days
)

// completions registers the completions of every command of the tree: a
// flag's by its name, wherever it is; meeting ids for commands whose
// first argument is one (MEETING_ID in their usage line).
func (m *Main) completions(c *cobra.Command) {
	fixed := func(values ...string) cobra.CompletionFunc {
		return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			var out []cobra.Completion
			for _, v := range values {
				if strings.HasPrefix(v, toComplete) {
					out = append(out, v)
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		}
	}
	var roles []string
	for _, r := range alesco.Roles() {
		roles = append(roles, string(r))
	}
	byFlag := map[string]cobra.CompletionFunc{
		"role":       fixed(roles...),
		"format":     fixed("markdown", "json"),
		"log-format": fixed("text", "json"),
		"committee":  m.completeCommittees,
		"meeting":    m.completeMeetings("next"),
	}
	for name, fn := range byFlag {
		if c.Flags().Lookup(name) != nil {
			_ = c.RegisterFlagCompletionFunc(name, fn) // errors only for a flag that does not exist
		}
	}
	if strings.Contains(c.Use, " MEETING_ID") {
		meetings := m.completeMeetings()
		c.ValidArgsFunction = func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return meetings(cmd, args, toComplete)
		}
	}
	for _, sub := range c.Commands() {
		m.completions(sub)
	}
}

// completionFlags are the --config and --db of the command being completed.
func completionFlags(cmd *cobra.Command) storeFlags {
	var f storeFlags
	if fl := cmd.Flags().Lookup("config"); fl != nil {
		f.config = fl.Value.String()
	}
	if fl := cmd.Flags().Lookup("db"); fl != nil {
		f.db = fl.Value.String()
	}
	return f
}

// completeCommittees offers the ids of the configured committees.
func (m *Main) completeCommittees(cmd *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	cs, err := config.Load(completionFlags(cmd).config)
	if err != nil {
		cobra.CompDebugln(err.Error(), false)
		return nil, cobra.ShellCompDirectiveError
	}
	var out []cobra.Completion
	for _, c := range cs {
		if strings.HasPrefix(c.ID, toComplete) {
			out = append(out, cobra.CompletionWithDesc(c.ID, c.Name))
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeMeetings offers the ids of the meetings around today (extra
// values first, such as "next"): of the committee the command's
// --committee names, or of every committee. The database, when there is
// one, adds its moves, cancellations and extra meetings; without it the
// configured series still give their meetings, and none is created.
func (m *Main) completeMeetings(extra ...string) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		ms, err := m.meetingsAround(cmd)
		if err != nil {
			cobra.CompDebugln(err.Error(), false)
			return nil, cobra.ShellCompDirectiveError
		}
		var out []cobra.Completion
		for _, v := range extra {
			if strings.HasPrefix(v, toComplete) {
				out = append(out, v)
			}
		}
		for _, mt := range ms {
			if strings.HasPrefix(mt.ID, toComplete) {
				out = append(out, cobra.CompletionWithDesc(mt.ID, localTime(mt)+": "+describe(mt)))
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// meetingsAround lists the meetings of the window around today, as the
// command being completed would see them.
func (m *Main) meetingsAround(cmd *cobra.Command) ([]alesco.Meeting, error) {
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	f := completionFlags(cmd)
	cs, err := config.Load(f.config)
	if err != nil {
		return nil, err
	}
	committees := alesco.NewCommittees(cs).List()
	if fl := cmd.Flags().Lookup("committee"); fl != nil {
		c, err := alesco.NewCommittees(cs).Get(fl.Value.String())
		if err != nil {
			return nil, err
		}
		committees = []*alesco.Committee{c}
	}
	now := m.Now()
	window := func(c *alesco.Committee) (time.Time, time.Time) {
		today := c.Today(now)
		return today.AddDays(-meetingWindowBefore).Midnight(c.Location), today.AddDays(meetingWindowAfter).Midnight(c.Location)
	}
	var a *app.App
	if f.db != "" {
		if db, err := sqlite.OpenExisting(ctx, f.db); err == nil {
			defer db.Close()
			db.Now = m.Now
			if a, err = m.newApp(alesco.NewCommittees(cs), db, app.Options{}); err != nil {
				return nil, err
			}
		}
	}
	var out []alesco.Meeting
	for _, c := range committees {
		from, to := window(c)
		if a == nil { // no database: the series as configured
			out = append(out, c.Schedule(from, to, nil, nil, now)...)
			continue
		}
		_, ms, err := a.ListMeetings(ctx, c.ID, from, to)
		if err != nil {
			return nil, err
		}
		out = append(out, ms...)
	}
	return out, nil
}
