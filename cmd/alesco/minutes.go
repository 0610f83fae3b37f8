package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/minutes"
	"github.com/almalinux/alesco/server"
)

func runMinutes(ctx context.Context, m *Main, args []string) error {
	const usage = "usage: alesco minutes export MEETING_ID [--index] | import [--committee alesco] [--json] FILE... | list [--committee alesco]"
	if len(args) == 0 {
		return fmt.Errorf("%s: %w", usage, errUsage)
	}
	var c common
	fs := m.flags("minutes "+args[0], &c)
	switch args[0] {
	case "export":
		index := fs.Bool("index", false, "print the line for the wiki's index of minutes instead of the minutes")
		if err := parseAnywhere(fs, args[1:]); err != nil {
			return err
		}
		if fs.NArg() != 1 {
			return fmt.Errorf("usage: alesco minutes export MEETING_ID [--index]: %w", errUsage)
		}
		cs, db, err := m.open(ctx, c)
		if err != nil {
			return err
		}
		defer db.Close()
		com, _, _, err := cs.ParseMeetingID(fs.Arg(0))
		if err != nil {
			return err
		}
		rec, found, err := db.Minutes(ctx, fs.Arg(0))
		if err != nil {
			return err
		}
		if !found {
			return alesco.Errorf(alesco.ENOTFOUND, "meeting %s has no minutes (see alesco minutes list)", fs.Arg(0))
		}
		if *index {
			_, err = fmt.Fprintln(m.Stdout, minutes.IndexLine(com, rec))
		} else {
			_, err = io.WriteString(m.Stdout, minutes.Text(com, rec))
		}
		return err
	case "import":
		committee := fs.String("committee", "alesco", "committee the minutes belong to")
		asJSON := fs.Bool("json", false, "print one JSON object per file")
		if err := parseAnywhere(fs, args[1:]); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			return fmt.Errorf("usage: alesco minutes import [--committee alesco] [--json] FILE...: %w", errUsage)
		}
		cs, db, err := m.open(ctx, c)
		if err != nil {
			return err
		}
		defer db.Close()
		srv, err := server.New(server.Options{Committees: cs, Store: db, Now: m.Now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			return err
		}
		enc := json.NewEncoder(m.Stdout)
		var errs []error
		for _, f := range fs.Args() {
			data, err := os.ReadFile(f)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			r, err := srv.ImportMinutes(cliContext(ctx), *committee, f, data)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", f, err))
				continue
			}
			if *asJSON {
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
	case "list":
		committee := fs.String("committee", "alesco", "committee whose minutes to list")
		if err := parseAnywhere(fs, args[1:]); err != nil {
			return err
		}
		_, com, db, err := m.openCommittee(ctx, c, *committee)
		if err != nil {
			return err
		}
		defer db.Close()
		all, err := db.ListMinutes(ctx, com.ID)
		if err != nil {
			return err
		}
		for _, rec := range all {
			q, present := rec.Quorum(com)
			met := "quorum"
			if !q.Met(present) {
				met = "no quorum"
			}
			var ds []string
			for _, d := range rec.Decisions {
				ds = append(ds, d.Text)
			}
			fmt.Fprintf(m.Stdout, "%s\t%s\t%s\t%d/%d present\t%s\t%s\n", rec.Date, rec.MeetingID, rec.Status, present, q.RosterSize, met, strings.Join(ds, "; "))
		}
		return nil
	}
	return fmt.Errorf("unknown minutes subcommand %q: %s: %w", args[0], usage, errUsage)
}

// parseAnywhere parses flags given before or after the positional
// arguments ("export ID --index"), which package flag alone stops at.
func parseAnywhere(fs *flag.FlagSet, args []string) error {
	var flags, rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			rest = append(rest, a)
			continue
		}
		flags = append(flags, a)
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if f := fs.Lookup(name); f != nil && !hasValue && !isBoolFlag(f) && i+1 < len(args) {
			flags = append(flags, args[i+1])
			i++
		}
	}
	if err := fs.Parse(flags); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q: %w", fs.Arg(0), errUsage)
	}
	return fs.Parse(append(flags, append([]string{"--"}, rest...)...))
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// pluralWord returns word, with an s unless n is 1.
func pluralWord(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
