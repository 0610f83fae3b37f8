package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/config"
	"github.com/almalinux/alesco/sqlite"
)

func runConfig(ctx context.Context, m *Main, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: alesco config check FILE... | alesco config default: %w", errUsage)
	}
	switch args[0] {
	case "default":
		_, err := m.Stdout.Write(config.DefaultYAML())
		return err
	case "check":
		if len(args) < 2 {
			return fmt.Errorf("usage: alesco config check FILE...: %w", errUsage)
		}
		var errs []error
		for _, f := range args[1:] {
			cs, err := config.Load(f)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			for _, c := range cs {
				today := c.Today(m.Now())
				q := c.QuorumOn(today)
				fmt.Fprintf(m.Stdout, "%s: ok: %s (%s), %d members on %s, quorum %d, %d meeting series\n",
					f, c.ID, c.ShortName, q.RosterSize, today, q.Required, len(c.Series))
			}
		}
		return errors.Join(errs...)
	}
	return fmt.Errorf("unknown config subcommand %q (want check or default): %w", args[0], errUsage)
}

func runToken(ctx context.Context, m *Main, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: alesco token create|list|revoke: %w", errUsage)
	}
	var c common
	fs := m.flags("token "+args[0], &c)
	switch args[0] {
	case "create":
		committee := fs.String("committee", "", "committee the token acts on (required)")
		role := fs.String("role", "", "admin, chair, secretary or member (required)")
		member := fs.String("member", "", "member id the token acts as (required for role member)")
		label := fs.String("label", "", "note to remember the token by")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		r, err := alesco.ParseRole(*role)
		if err != nil {
			return err
		}
		_, com, db, err := m.openCommittee(ctx, c, *committee)
		if err != nil {
			return err
		}
		defer db.Close()
		if *member != "" {
			if _, ok := com.Member(*member); !ok {
				return fmt.Errorf("%s has no member %q", com.ID, *member)
			}
		} else if r == alesco.RoleMember {
			return fmt.Errorf("a member token needs --member ID")
		}
		t, secret, err := db.CreateToken(cliContext(ctx), sqlite.Token{CommitteeID: com.ID, Role: r, MemberID: *member, Label: *label})
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stderr, "token %d: %s of %s%s. It is shown only this once; store it now.\n", t.ID, r, com.ID, memberSuffix(*member))
		fmt.Fprintln(m.Stdout, secret)
		return nil
	case "list":
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		_, db, err := m.open(ctx, c)
		if err != nil {
			return err
		}
		defer db.Close()
		ts, err := db.ListTokens(ctx)
		if err != nil {
			return err
		}
		for _, t := range ts {
			state := "active"
			if t.RevokedAt != "" {
				state = "revoked " + t.RevokedAt
			}
			fmt.Fprintf(m.Stdout, "%d\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.CommitteeID, t.Role, t.MemberID, state, t.Label)
		}
		return nil
	case "revoke":
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if fs.NArg() != 1 {
			return fmt.Errorf("usage: alesco token revoke ID (see alesco token list): %w", errUsage)
		}
		id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
		if err != nil {
			return fmt.Errorf("bad token id %q", fs.Arg(0))
		}
		_, db, err := m.open(ctx, c)
		if err != nil {
			return err
		}
		defer db.Close()
		if err := db.RevokeToken(cliContext(ctx), id); err != nil {
			return err
		}
		fmt.Fprintf(m.Stderr, "token %d revoked\n", id)
		return nil
	}
	return fmt.Errorf("unknown token subcommand %q (want create, list or revoke): %w", args[0], errUsage)
}

func memberSuffix(id string) string {
	if id == "" {
		return ""
	}
	return " acting as " + id
}

func runAudit(ctx context.Context, m *Main, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		return fmt.Errorf("usage: alesco audit verify [--db FILE]: %w", errUsage)
	}
	var c common
	fs := m.flags("audit verify", &c)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	_, db, err := m.open(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "audit log ok: %d rows, chain intact\n", n)
	return nil
}

func runBackup(ctx context.Context, m *Main, args []string) error {
	var c common
	fs := m.flags("backup", &c)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("usage: alesco backup [--db FILE] NEW_FILE: %w", errUsage)
	}
	_, db, err := m.open(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "backed up %s to %s\n", db.Path(), fs.Arg(0))
	return nil
}
