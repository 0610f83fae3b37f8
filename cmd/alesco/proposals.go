package main

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/app"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	"github.com/almalinux/alesco/github"
	"github.com/almalinux/alesco/protoconv"
	"github.com/spf13/cobra"
)

func (m *Main) proposalsCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "proposals", Short: "List proposals or sync them from GitHub", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() }}

	var sf storeFlags
	var committee, githubURL string
	sync := &cobra.Command{
		Use: "sync", Short: "Reconcile the committee's proposals with GitHub now (GITHUB_TOKEN or a GitHub App)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cs, db, err := m.load(cmd.Context(), sf)
			if err != nil {
				return err
			}
			defer db.Close()
			auth, err := m.githubAuth()
			if err != nil {
				return err
			}
			syncer, err := github.NewSyncer(github.Options{Cache: db, BaseURL: githubURL, Token: auth.Token, App: auth.App,
				Now: m.Now, Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				return err
			}
			a, err := m.newApp(cs, db, app.Options{Syncer: syncer})
			if err != nil {
				return err
			}
			r, err := a.SyncProposals(operator(cmd.Context()), committee)
			if err != nil {
				return fmt.Errorf("sync %s: %s", committee, alesco.ErrorMessage(err))
			}
			fmt.Fprintf(m.Stdout, "synced %s: %d requests (%d not modified), %d proposals changed\n", committee, r.Requests, r.NotModified, r.Changed)
			return nil
		},
	}
	sf.addCreating(sync)
	sync.Flags().StringVar(&committee, "committee", "alesco", "committee id")
	sync.Flags().StringVar(&githubURL, "github-url", github.DefaultBaseURL, "GitHub REST API base URL")

	var lf storeFlags
	var listCommittee, states string
	var asJSON bool
	list := &cobra.Command{
		Use: "list [--state fcp,discussion]", Short: "List proposals as last synced", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var filter []alesco.ProposalState
			for _, name := range strings.Split(states, ",") {
				if strings.TrimSpace(name) == "" {
					continue
				}
				st, err := alesco.ParseProposalState(name)
				if err != nil {
					return usageError(err)
				}
				filter = append(filter, st)
			}
			a, db, err := m.open(cmd.Context(), lf)
			if err != nil {
				return err
			}
			defer db.Close()
			ps, st, err := a.ListProposals(cmd.Context(), listCommittee, filter...)
			if err != nil {
				return err
			}
			if asJSON {
				out := &alescov1.ListProposalsResponse{LastSyncedTime: protoconv.Timestamp(st.LastSynced), SyncError: st.LastError}
				for _, p := range ps {
					out.Proposals = append(out.Proposals, protoconv.ProposalProto(p))
				}
				return m.printProto(out)
			}
			tw := newTable(m.Stdout, "#", "STATE", "RFC", "TITLE", "FLAGS")
			for _, p := range ps {
				var flags []string
				if p.Draft {
					flags = append(flags, "draft")
				}
				if p.NeedsBoardInput {
					flags = append(flags, "board input")
				}
				tw.row(strconv.Itoa(p.Number), p.State.String(), p.RFCNumber, p.Title, strings.Join(flags, ","))
			}
			if err := tw.flush("(no proposals)"); err != nil {
				return err
			}
			switch {
			case st.LastSynced.IsZero() && st.LastError == "":
				fmt.Fprintln(m.Stderr, "never synced: run `alesco proposals sync` (needs GitHub), or try `alesco serve --demo`")
			case st.LastError != "":
				fmt.Fprintf(m.Stderr, "last synced %s; the last attempt failed: %s\n", fmtTime(st.LastSynced), st.LastError)
			default:
				fmt.Fprintf(m.Stderr, "last synced %s\n", fmtTime(st.LastSynced))
			}
			return nil
		},
	}
	lf.add(list)
	list.Flags().StringVar(&listCommittee, "committee", "alesco", "committee id")
	jsonFlag(list, &asJSON)
	list.Flags().StringVar(&states, "state", "", "comma-separated states (submitted, discussion, fcp, accepted, rejected, withdrawn, superseded)")
	cmd.AddCommand(list, sync)
	return cmd
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}
