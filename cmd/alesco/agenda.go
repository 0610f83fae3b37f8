package main

import (
	"context"
	"fmt"

	"github.com/almalinux/alesco/server"
	"google.golang.org/protobuf/encoding/protojson"
)

// runAgenda prints a meeting's agenda from the store (no GitHub request).
func runAgenda(ctx context.Context, m *Main, args []string) error {
	var c common
	fs := m.flags("agenda", &c)
	committee := fs.String("committee", "alesco", "committee id")
	meeting := fs.String("meeting", "next", "meeting id (e.g. alesco-2026-12-03), or next")
	format := fs.String("format", "markdown", "output: markdown or json")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *format != "markdown" && *format != "json" {
		return fmt.Errorf("unknown --format %q (want markdown or json): %w", *format, errUsage)
	}
	cs, db, err := m.open(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	srv, err := server.New(server.Options{Committees: cs, Store: db, Now: m.Now})
	if err != nil {
		return err
	}
	a, err := srv.Agenda(cliContext(ctx), *meeting, *committee)
	if err != nil {
		return err
	}
	if *format == "markdown" {
		_, err = fmt.Fprint(m.Stdout, a.Markdown())
		return err
	}
	b, err := protojson.MarshalOptions{Multiline: true, Indent: "  "}.Marshal(server.AgendaProto(a))
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(m.Stdout, string(b))
	return err
}
