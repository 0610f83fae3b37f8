package main

import (
	"fmt"

	"github.com/almalinux/alesco/api"
	"github.com/spf13/cobra"
)

func (m *Main) agendaCommand() *cobra.Command {
	var f storeFlags
	var committee, meeting, format string
	var asJSON bool
	cmd := &cobra.Command{
		Use: "agenda", Short: "Print a meeting's agenda from the store (no GitHub request)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if asJSON {
				format = "json"
			}
			if format != "markdown" && format != "json" {
				return usageError(fmt.Errorf("unknown --format %q (want markdown or json)", format))
			}
			if meeting != "next" && meeting != "" { // both mean the next meeting
				if err := meetingArg(meeting); err != nil {
					return err
				}
			}
			a, db, err := m.open(cmd.Context(), f)
			if err != nil {
				return err
			}
			defer db.Close()
			ag, err := a.Agenda(operator(cmd.Context()), meeting, committee)
			if err != nil {
				return err
			}
			if format == "markdown" {
				_, err = fmt.Fprint(m.Stdout, ag.Markdown())
				return err
			}
			return m.printProto(api.AgendaProto(ag))
		},
	}
	f.add(cmd)
	cmd.Flags().StringVar(&committee, "committee", "alesco", "committee id")
	cmd.Flags().StringVar(&meeting, "meeting", "next", "meeting id (e.g. alesco-2026-12-03), or next")
	cmd.Flags().StringVar(&format, "format", "markdown", "output: markdown or json")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (the API's Agenda message); same as --format json")
	return cmd
}
