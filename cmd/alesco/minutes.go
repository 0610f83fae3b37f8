package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/api"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	"github.com/almalinux/alesco/minutes"
	"github.com/spf13/cobra"
)

func (m *Main) minutesCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "minutes", Short: "Export, import or list minutes", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() }}

	var ef storeFlags
	var index bool
	export := &cobra.Command{
		Use: "export MEETING_ID [--index]", Short: "Print a meeting's minutes as the wiki's Markdown", Args: exactArgs(1, "the meeting's id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := meetingArg(args[0]); err != nil {
				return err
			}
			a, db, err := m.open(cmd.Context(), ef)
			if err != nil {
				return err
			}
			defer db.Close()
			c, rec, err := a.GetMinutes(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if index {
				_, err = fmt.Fprintln(m.Stdout, minutes.IndexLine(c, rec))
			} else {
				_, err = io.WriteString(m.Stdout, minutes.Text(c, rec))
			}
			return err
		},
	}
	ef.add(export)
	export.Flags().BoolVar(&index, "index", false, "print the line for the wiki's index of minutes instead of the minutes")

	var imf storeFlags
	var committee string
	var asJSON bool
	imp := &cobra.Command{
		Use: "import FILE...", Short: "Import wiki Markdown minutes (importing the same file again changes nothing)", Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, db, err := m.open(cmd.Context(), imf)
			if err != nil {
				return err
			}
			defer db.Close()
			enc := json.NewEncoder(m.Stdout)
			var errs []error
			for _, f := range args {
				data, err := os.ReadFile(f)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				r, err := a.ImportMinutes(operator(cmd.Context()), committee, f, data)
				if err != nil {
					errs = append(errs, fmt.Errorf("%s: %w", f, err))
					continue
				}
				if asJSON {
					if err := enc.Encode(r); err != nil {
						return err
					}
					continue
				}
				state := "imported"
				if !r.Changed {
					state = "unchanged"
				}
				met := "met"
				if !r.QuorumMet {
					met = "not met"
				}
				fmt.Fprintf(m.Stdout, "%s: %s %s: %d of %d members present, quorum %d %s, %d %s\n",
					f, state, r.MeetingID, len(r.MembersPresent), r.RosterSize, r.QuorumRequired, met, len(r.Decisions), pluralWord(len(r.Decisions), "decision"))
				for _, w := range r.Warnings {
					fmt.Fprintf(m.Stderr, "%s: warning: %s\n", f, w)
				}
			}
			return errors.Join(errs...)
		},
	}
	imf.addCreating(imp)
	imp.Flags().StringVar(&committee, "committee", "alesco", "committee the minutes belong to")
	imp.Flags().BoolVar(&asJSON, "json", false, "print one JSON object per file")

	var lf storeFlags
	var listCommittee string
	var listJSON bool
	list := &cobra.Command{
		Use: "list", Short: "List the meetings that have minutes, with attendance and decisions", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, db, err := m.open(cmd.Context(), lf)
			if err != nil {
				return err
			}
			defer db.Close()
			c, all, err := a.ListMinutes(cmd.Context(), listCommittee)
			if err != nil {
				return err
			}
			if listJSON {
				out := &alescov1.ListMinutesResponse{}
				for _, rec := range all {
					out.Minutes = append(out.Minutes, api.MinutesSummary(c, rec))
				}
				return m.printProto(out)
			}
			tw := newTable(m.Stdout, "DATE", "MEETING", "STATUS", "PRESENT", "QUORUM", "DECISIONS")
			for _, rec := range all {
				q, present := rec.Quorum(c)
				met := "met"
				if !q.Met(present) {
					met = "not met"
				}
				var ds []string
				for _, d := range rec.Decisions {
					ds = append(ds, d.Text)
				}
				tw.row(rec.Date.String(), rec.MeetingID, string(rec.Status), fmt.Sprintf("%d/%d", present, q.RosterSize), met, strings.Join(ds, "; "))
			}
			return tw.flush("(no minutes yet: alesco minutes import FILE...)")
		},
	}
	lf.add(list)
	list.Flags().StringVar(&listCommittee, "committee", "alesco", "committee whose minutes to list")
	jsonFlag(list, &listJSON)
	cmd.AddCommand(export, imp, list, m.minutesSearch())
	return cmd
}

func (m *Main) minutesSearch() *cobra.Command {
	var f storeFlags
	var committee string
	var limit int
	var asJSON bool
	cmd := &cobra.Command{
		Use: "search WORDS...", Short: "Find notes, decisions, action items and proposals holding every word, best first",
		Example: `  alesco minutes search secure boot`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, db, err := m.open(cmd.Context(), f)
			if err != nil {
				return err
			}
			defer db.Close()
			c, hits, err := a.SearchMinutes(cmd.Context(), committee, strings.Join(args, " "), limit)
			if err != nil {
				return err
			}
			if asJSON {
				out := &alescov1.SearchMinutesResponse{}
				for _, h := range hits {
					out.Results = append(out.Results, api.SearchResultProto(h, a.HitURL(c, h)))
				}
				return m.printProto(out)
			}
			tw := newTable(m.Stdout, "DATE", "WHERE", "KIND", "MATCH")
			for _, h := range hits {
				date, where := "", h.MeetingID
				if !h.Date.IsZero() {
					date = h.Date.String()
				}
				if h.Kind == alesco.SearchProposal {
					where = fmt.Sprintf("#%d", h.ProposalNumber)
				}
				tw.row(date, where, h.Kind.Label(), h.SnippetText())
			}
			return tw.flush("(nothing found)")
		},
	}
	f.add(cmd)
	cmd.Flags().StringVar(&committee, "committee", "alesco", "committee whose record to search")
	cmd.Flags().IntVar(&limit, "limit", 20, "at most this many results")
	jsonFlag(cmd, &asJSON)
	return cmd
}

// pluralWord returns word, with an s unless n is 1.
func pluralWord(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
