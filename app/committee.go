package app

import (
	"context"
	"slices"
	"sync"

	"github.com/almalinux/alesco"
)

// A committee is its configuration (the seed) plus the decisions its
// meetings recorded about itself: chair elections, appointments and
// removals (alesco.Committee.WithDecisions). Every use case gets its
// committee from committee below, inside its own transaction, so what it
// checks (roster, quorum, chair, tie-break) is what that snapshot says.

// committees remembers the effective committees already worked out.
type committees struct {
	mu sync.Mutex
	// applied keys an effective committee on its seed and decisions, so a
	// transaction that reads the same decisions reuses it.
	applied map[string]appliedCommittee
	// current is what Committee last returned, by store version.
	current map[string]versioned
}

type appliedCommittee struct {
	seed      *alesco.Committee
	decisions []alesco.RosterDecision
	c         *alesco.Committee
}

type versioned struct {
	version uint64
	seed    *alesco.Committee
	c       *alesco.Committee
}

// committee returns committee id as snapshot tx has it: the configured
// seed with the roster decisions on record applied. It always reads the
// decisions from tx (one indexed query), so a write transaction never
// checks against a committee older than its own snapshot; working the
// committee out again is skipped when the decisions are unchanged.
func (a *App) committee(tx alesco.ReadTx, id string) (*alesco.Committee, error) {
	seed, err := a.Committees().Get(id)
	if err != nil {
		return nil, err
	}
	ds, err := tx.RosterDecisions(seed.ID)
	if err != nil {
		return nil, err
	}
	if len(ds) == 0 {
		return seed, nil
	}
	a.effective.mu.Lock()
	defer a.effective.mu.Unlock()
	if e, ok := a.effective.applied[seed.ID]; ok && e.seed == seed && slices.Equal(e.decisions, ds) {
		return e.c, nil
	}
	c := seed.WithDecisions(ds)
	if a.effective.applied == nil {
		a.effective.applied = map[string]appliedCommittee{}
	}
	a.effective.applied[seed.ID] = appliedCommittee{seed: seed, decisions: ds, c: c}
	return c, nil
}

// committeeOfMeeting returns the committee a meeting id belongs to as tx
// has it, and the meeting's original local date.
func (a *App) committeeOfMeeting(tx alesco.ReadTx, meetingID string) (*alesco.Committee, alesco.Date, error) {
	seed, d, err := a.parseMeetingID(meetingID)
	if err != nil {
		return nil, d, err
	}
	c, err := a.committee(tx, seed.ID)
	return c, d, err
}

// Committee returns the committee with the given id as it stands now: its
// configuration and the decisions on record. It reads a snapshot only when
// the data changed since it last did.
func (a *App) Committee(ctx context.Context, id string) (*alesco.Committee, error) {
	seed, err := a.Committees().Get(id)
	if err != nil {
		return nil, err
	}
	// The version is read before the snapshot is taken, so the snapshot is
	// at least that new: a committee kept under it is never stale.
	v := a.store.Version()
	a.effective.mu.Lock()
	e, ok := a.effective.current[seed.ID]
	a.effective.mu.Unlock()
	if ok && e.version == v && e.seed == seed {
		return e.c, nil
	}
	var c *alesco.Committee
	err = a.store.View(ctx, func(tx alesco.ReadTx) error {
		c, err = a.committee(tx, seed.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	a.effective.mu.Lock()
	if a.effective.current == nil {
		a.effective.current = map[string]versioned{}
	}
	a.effective.current[seed.ID] = versioned{version: v, seed: seed, c: c}
	a.effective.mu.Unlock()
	return c, nil
}

// ListCommittees returns every committee served, as they stand now.
func (a *App) ListCommittees(ctx context.Context) ([]*alesco.Committee, error) {
	var out []*alesco.Committee
	for _, seed := range a.Committees().List() {
		c, err := a.Committee(ctx, seed.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// WhoAmI returns the caller's principal and, when it acts for a member,
// the member's name.
func (a *App) WhoAmI(ctx context.Context) (alesco.Principal, string, error) {
	p, err := actor(ctx)
	if err != nil {
		return p, "", err
	}
	if p.MemberID == "" {
		return p, "", nil
	}
	c, err := a.Committee(ctx, p.CommitteeID)
	if err != nil {
		return p, "", err
	}
	if m, ok := c.Member(p.MemberID); ok {
		return p, m.Name, nil
	}
	return p, "", nil
}
