package app

import (
	"context"
	"fmt"

	"github.com/almalinux/alesco"
)

// This file holds the operator's use cases: tokens, the audit log, backups.
// They run from the command line on the server's machine, as the operator.

// CreateToken makes a token for a committee (any, for an admin token's
// reach is all of them) and returns it with its secret, shown once. A
// token that acts as a member needs a member on today's roster.
func (a *App) CreateToken(ctx context.Context, t alesco.Token) (alesco.Token, string, error) {
	c, err := a.Committee(t.CommitteeID)
	if err != nil {
		return alesco.Token{}, "", err
	}
	if t.MemberID != "" {
		// A token acts for a member of the committee as it stands today.
		if _, err := c.OnRoster(t.MemberID, c.Today(a.now())); err != nil {
			return alesco.Token{}, "", err
		}
	} else if t.Role == alesco.RoleMember {
		return alesco.Token{}, "", alesco.Errorf(alesco.EINVALID, "a member token needs a member")
	}
	t.CommitteeID = c.ID
	var secret string
	err = a.store.Update(ctx, func(tx alesco.Tx) (alesco.Change, error) {
		var err error
		t, secret, err = tx.CreateToken(t)
		return alesco.Change{Action: "token.create", Subject: "token", Detail: map[string]any{
			"committee": t.CommitteeID, "role": t.Role, "member": t.MemberID, "label": t.Label}}, err
	})
	return t, secret, err
}

// RevokeToken revokes a token by id.
func (a *App) RevokeToken(ctx context.Context, id int64) error {
	return a.store.Update(ctx, func(tx alesco.Tx) (alesco.Change, error) {
		return alesco.Change{Action: "token.revoke", Subject: fmt.Sprintf("token/%d", id)}, tx.RevokeToken(id)
	})
}

// Tokens lists every token, revoked ones too.
func (a *App) Tokens(ctx context.Context) ([]alesco.Token, error) {
	var ts []alesco.Token
	err := a.store.View(ctx, func(tx alesco.ReadTx) error {
		var err error
		ts, err = tx.Tokens()
		return err
	})
	return ts, err
}

// AuditLog returns audit rows after id afterID, oldest first, at most limit.
func (a *App) AuditLog(ctx context.Context, afterID int64, limit int) ([]alesco.AuditEntry, error) {
	var es []alesco.AuditEntry
	err := a.store.View(ctx, func(tx alesco.ReadTx) error {
		var err error
		es, err = tx.AuditLog(afterID, limit)
		return err
	})
	return es, err
}

// VerifyAudit re-checks the audit log's hash chain.
func (a *App) VerifyAudit(ctx context.Context) (int, error) { return a.store.VerifyAudit(ctx) }

// Backup writes a consistent copy of the database to path.
func (a *App) Backup(ctx context.Context, path string) error { return a.store.Backup(ctx, path) }
