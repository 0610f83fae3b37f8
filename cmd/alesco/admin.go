package main

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/config"
	"github.com/spf13/cobra"
)

func (m *Main) configCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "config", Short: "Check a configuration file, or print the default one", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() }}
	cmd.AddCommand(&cobra.Command{
		Use: "default", Short: "Print the embedded configuration (the real ALESCo)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := m.Stdout.Write(config.DefaultYAML())
			return err
		},
	}, &cobra.Command{
		Use: "check FILE...", Short: "Validate configuration files; problems are reported as FILE:LINE: message",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var errs []error
			for _, f := range args {
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
		},
	})
	return cmd
}

func (m *Main) tokenCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "token", Short: "Create, list or revoke API tokens", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() }}
	var f storeFlags
	var t alesco.Token
	var role string
	create := &cobra.Command{
		Use:   "create --committee ID --role ROLE [--member ID]",
		Short: "Make a token; its secret is printed once, only its hash is stored",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := alesco.ParseRole(role)
			if err != nil {
				return usageError(err)
			}
			if r == alesco.RoleMember && t.MemberID == "" {
				return usageError(errors.New("a member token acts as one member: say which with --member ID"))
			}
			t.Role = r
			a, db, err := m.open(cmd.Context(), f)
			if err != nil {
				return err
			}
			defer db.Close()
			t, secret, err := a.CreateToken(operator(cmd.Context()), t)
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stderr, "token %d: %s of %s%s. It is shown only this once; store it now.\n", t.ID, t.Role, t.CommitteeID, memberSuffix(t.MemberID))
			fmt.Fprintln(m.Stdout, secret)
			return nil
		},
	}
	f.add(create)
	create.Flags().StringVar(&t.CommitteeID, "committee", "", "committee the token acts on (required)")
	create.Flags().StringVar(&role, "role", "", "admin, chair, secretary or member (required)")
	create.Flags().StringVar(&t.MemberID, "member", "", "member id the token acts as (required for role member)")
	create.Flags().StringVar(&t.Label, "label", "", "note to remember the token by")
	_ = create.MarkFlagRequired("committee") // errors only for a flag that does not exist
	_ = create.MarkFlagRequired("role")

	var lf storeFlags
	var asJSON bool
	list := &cobra.Command{
		Use: "list", Short: "List every token, revoked ones too", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, db, err := m.open(cmd.Context(), lf)
			if err != nil {
				return err
			}
			defer db.Close()
			ts, err := a.Tokens(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				out := tokenList{Tokens: []tokenJSON{}}
				for _, t := range ts {
					out.Tokens = append(out.Tokens, tokenJSON{ID: t.ID, CommitteeID: t.CommitteeID, Role: string(t.Role),
						MemberID: t.MemberID, Label: t.Label, CreateTime: jsonTime(t.Created), RevokeTime: jsonTime(t.Revoked)})
				}
				return m.printJSON(out)
			}
			tw := newTable(m.Stdout, "ID", "COMMITTEE", "ROLE", "MEMBER", "STATE", "LABEL")
			for _, t := range ts {
				state := "active"
				if !t.Revoked.IsZero() {
					state = "revoked " + t.Revoked.UTC().Format("2006-01-02T15:04:05Z")
				}
				tw.row(strconv.FormatInt(t.ID, 10), t.CommitteeID, string(t.Role), t.MemberID, state, t.Label)
			}
			return tw.flush("(no tokens: make one with alesco token create)")
		},
	}
	lf.add(list)
	jsonFlag(list, &asJSON)

	var rf storeFlags
	revoke := &cobra.Command{
		Use: "revoke ID", Short: "Revoke a token (see alesco token list)", Args: exactArgs(1, "the token's id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return usageError(fmt.Errorf("bad token id %q", args[0]))
			}
			a, db, err := m.open(cmd.Context(), rf)
			if err != nil {
				return err
			}
			defer db.Close()
			if err := a.RevokeToken(operator(cmd.Context()), id); err != nil {
				return err
			}
			fmt.Fprintf(m.Stderr, "token %d revoked\n", id)
			return nil
		},
	}
	rf.add(revoke)
	cmd.AddCommand(create, list, revoke)
	return cmd
}

// tokenList is `alesco token list --json`: the API serves no tokens, so
// the shape follows its conventions (camelCase, RFC 3339 times, omitted
// when unset).
type tokenList struct {
	Tokens []tokenJSON `json:"tokens"`
}

type tokenJSON struct {
	ID          int64  `json:"id"`
	CommitteeID string `json:"committeeId"`
	Role        string `json:"role"`
	MemberID    string `json:"memberId,omitempty"`
	Label       string `json:"label,omitempty"`
	CreateTime  string `json:"createTime,omitempty"`
	RevokeTime  string `json:"revokeTime,omitempty"`
}

func jsonTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func memberSuffix(id string) string {
	if id == "" {
		return ""
	}
	return " acting as " + id
}

func (m *Main) auditCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "Verify the audit log, or print its head for publication", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() }}
	var f storeFlags
	var published string
	verify := &cobra.Command{
		Use:   "verify [--head ROWS:SHA256]",
		Short: "Re-check the audit log: its hash chain and head, and every frozen minutes text; name the first thing broken",
		Long: `Re-check the audit log: its hash chain, the head of the chain (so rows cut
from the end show), and every finalized minutes text and record against the
SHA-256 the log kept when they were frozen. With --head, also check that the
log still holds a head published earlier (alesco audit head): nothing was
rewritten or cut since. Exits 1 naming the cause when anything was altered.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var want *alesco.AuditHead
			if published != "" {
				h, err := alesco.ParseAuditHead(published)
				if err != nil {
					return usageError(err)
				}
				want = &h
			}
			a, db, err := m.open(cmd.Context(), f)
			if err != nil {
				return err
			}
			defer db.Close()
			rep, err := a.VerifyAudit(cmd.Context(), want)
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "audit log ok: %d rows, chain intact, head %s\n", rep.Head.Rows, rep.Head)
			fmt.Fprintf(m.Stdout, "minutes ok: %d frozen texts match their seals", rep.Sealed)
			if rep.OnUpgrade > 0 {
				fmt.Fprintf(m.Stdout, " (%d of them sealed on upgrade at %s: frozen by a release that kept no seals, they are checked as they stood then)",
					rep.OnUpgrade, rep.UpgradedAt)
			}
			fmt.Fprintln(m.Stdout)
			return nil
		},
	}
	f.add(verify)
	verify.Flags().StringVar(&published, "head", "", "a head published earlier, ROWS:SHA256, that the log must still hold")
	var hf storeFlags
	head := &cobra.Command{
		Use:   "head",
		Short: "Print the head of the audit chain (ROWS:SHA256), to publish where the database cannot change it",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, db, err := m.open(cmd.Context(), hf)
			if err != nil {
				return err
			}
			defer db.Close()
			h, err := a.AuditHead(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintln(m.Stdout, h)
			return nil
		},
	}
	hf.add(head)
	cmd.AddCommand(verify, head)
	return cmd
}

func (m *Main) backupCommand() *cobra.Command {
	var f storeFlags
	cmd := &cobra.Command{
		Use: "backup NEW_FILE", Short: "Copy the database consistently while the server runs", Args: exactArgs(1, "the new file's path"),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, db, err := m.open(cmd.Context(), f)
			if err != nil {
				return err
			}
			defer db.Close()
			if err := a.Backup(cmd.Context(), args[0]); err != nil {
				return err
			}
			fmt.Fprintf(m.Stderr, "backed up %s to %s\n", db.Path(), args[0])
			return nil
		},
	}
	f.add(cmd)
	return cmd
}
