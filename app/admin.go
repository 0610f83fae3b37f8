package app

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/almalinux/alesco"
)

// This file holds the operator's use cases: tokens, the audit log, backups.
// They run from the command line on the server's machine, as the operator.

// CreateToken makes a token for a committee (any, for an admin token's
// reach is all of them) and returns it with its secret, shown once. A
// token that acts as a member needs a member on today's roster.
func (a *App) CreateToken(ctx context.Context, t alesco.Token) (alesco.Token, string, error) {
	var secret string
	err := a.store.Update(ctx, func(tx alesco.Tx) (alesco.Change, error) {
		c, err := a.committee(tx, t.CommitteeID)
		if err != nil {
			return alesco.Change{}, err
		}
		if t.MemberID != "" {
			// A token acts for a member of the committee as it stands today.
			if _, err := c.OnRoster(t.MemberID, c.Today(tx.Now())); err != nil {
				return alesco.Change{}, err
			}
		} else if t.Role == alesco.RoleMember {
			return alesco.Change{}, alesco.Errorf(alesco.EINVALID, "a member token needs a member")
		}
		t.CommitteeID = c.ID
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

// AuditReport is what VerifyAudit checked.
type AuditReport struct {
	// Head is the head of the chain, as "alesco audit head" publishes it.
	Head alesco.AuditHead
	// Sealed counts the frozen minutes texts checked against the seals in
	// the log.
	Sealed int
	// OnUpgrade counts those of them sealed on upgrade (alesco.SealAction):
	// frozen by a release that kept no seals, sealed as they were stored
	// when this release first opened the database, at UpgradedAt (the
	// audit row's time). Edits made before then cannot show.
	OnUpgrade  int
	UpgradedAt string
}

// VerifyAudit re-checks the audit log: its hash chain against its head
// (and against a head published earlier, when given: nothing cut or
// rewritten since), then every frozen minutes text and record against the
// seal the log keeps of it. The error (EPRECONDITION) names the cause.
func (a *App) VerifyAudit(ctx context.Context, published *alesco.AuditHead) (AuditReport, error) {
	head, err := a.store.VerifyAudit(ctx, published)
	rep := AuditReport{Head: head}
	if err != nil {
		return rep, err
	}
	err = a.store.View(ctx, func(tx alesco.ReadTx) error {
		rows := map[string]*meetingRows{}
		for after := int64(0); ; {
			es, err := tx.AuditLog(after, 1000)
			if err != nil {
				return err
			}
			for _, e := range es {
				if id, ok := strings.CutPrefix(e.Subject, "meeting/"); ok {
					if rows[id] == nil {
						rows[id] = &meetingRows{}
					}
					rows[id].add(e)
				}
			}
			if len(es) < 1000 {
				break
			}
			after = es[len(es)-1].ID
		}
		for _, c := range a.Committees().List() {
			ms, err := tx.ListMinutes(c.ID)
			if err != nil {
				return err
			}
			for _, m := range ms {
				r := rows[m.MeetingID]
				if r == nil {
					r = &meetingRows{}
				}
				if err := r.check(m, &rep); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return rep, err
}

// meetingRows are the audit rows of one meeting that matter to its seals:
// how many froze its minutes, and the latest seal of each revision.
type meetingRows struct {
	froze int
	seals map[int]alesco.AuditEntry
}

func (r *meetingRows) add(e alesco.AuditEntry) {
	if freezes(e) {
		r.froze++
	}
	if s, ok := alesco.SealIn(e.Detail); ok {
		if r.seals == nil {
			r.seals = map[int]alesco.AuditEntry{}
		}
		r.seals[s.Revision] = e
	}
}

// freezes reports whether an audit row froze minutes: a finalize, an
// import, an amendment with a new text.
func freezes(e alesco.AuditEntry) bool {
	switch e.Action {
	case "minutes.finalize", "minutes.import":
		return true
	case "minutes.amend":
		var d struct {
			Replaced bool `json:"replaced"`
		}
		return json.Unmarshal([]byte(e.Detail), &d) == nil && d.Replaced
	}
	return false
}

// check checks one meeting's frozen texts against the rows that froze and
// sealed them: every final revision was frozen by a row of the log and is
// sealed by one, and still has its text (and, for the current one, its
// record).
func (r *meetingRows) check(m *alesco.Minutes, rep *AuditReport) error {
	frozen := len(m.Revisions)
	if m.Status == alesco.MinutesFinal {
		frozen++
	}
	if r.froze < frozen {
		return alesco.Errorf(alesco.EPRECONDITION, "minutes of %s were finalized outside alesco: %d of their revisions are final, the audit log froze %d",
			m.MeetingID, frozen, r.froze)
	}
	for rev := 1; rev <= m.Revision; rev++ {
		if rev == m.Revision && m.Status != alesco.MinutesFinal {
			if e, ok := r.seals[rev]; ok {
				return alesco.Errorf(alesco.EPRECONDITION, "minutes of %s (revision %d) were frozen by audit row %d but are a draft now: they were reopened outside alesco", m.MeetingID, rev, e.ID)
			}
			continue
		}
		e, ok := r.seals[rev]
		if !ok {
			return alesco.Errorf(alesco.EPRECONDITION, "revision %d of the minutes of %s is final but no audit row seals it: it was made final outside alesco", rev, m.MeetingID)
		}
		s, _ := alesco.SealIn(e.Detail)
		if rev == m.Revision {
			if err := s.Check(m); err != nil {
				return alesco.Errorf(alesco.EPRECONDITION, "%s (sealed in audit row %d)", alesco.ErrorMessage(err), e.ID)
			}
		} else if i := slices.IndexFunc(m.Revisions, func(r alesco.MinutesRevision) bool { return r.Revision == rev }); i < 0 || alesco.TextSHA256(m.Revisions[i].Markdown) != s.Text {
			return alesco.Errorf(alesco.EPRECONDITION, "revision %d of the minutes of %s was edited or removed after it was frozen: it no longer matches its SHA-256 in audit row %d",
				rev, m.MeetingID, e.ID)
		}
		rep.Sealed++
		if e.Action == alesco.SealAction {
			rep.OnUpgrade++
			if rep.UpgradedAt == "" || e.At < rep.UpgradedAt {
				rep.UpgradedAt = e.At
			}
		}
	}
	return nil
}

// AuditHead returns the head of the audit chain, to publish.
func (a *App) AuditHead(ctx context.Context) (alesco.AuditHead, error) {
	var h alesco.AuditHead
	err := a.store.View(ctx, func(tx alesco.ReadTx) error {
		var err error
		h, err = tx.AuditHead()
		return err
	})
	return h, err
}

// Backup writes a consistent copy of the database to path.
func (a *App) Backup(ctx context.Context, path string) error { return a.store.Backup(ctx, path) }
