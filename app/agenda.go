package app

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/agenda"
)

// freezeGrace is how long after a meeting ends its agenda may still be put
// on record; an older meeting without one never had its agenda recorded.
const freezeGrace = 24 * time.Hour

// agendaMeeting resolves a meeting id, or "next" (or empty) with a
// committee (which may be left out when only one is served).
func (a *App) agendaMeeting(tx alesco.ReadTx, meetingID, committeeID string, now time.Time) (*alesco.Committee, alesco.Meeting, error) {
	if meetingID == "" || meetingID == "next" {
		if cs := a.Committees().List(); committeeID == "" && len(cs) == 1 {
			committeeID = cs[0].ID
		}
		s, err := a.committeeSchedule(tx, committeeID)
		if err != nil {
			return nil, alesco.Meeting{}, err
		}
		m, err := s.next(now)
		return s.c, m, err
	}
	s, m, err := a.meeting(tx, meetingID)
	if err != nil {
		return nil, m, err
	}
	if committeeID != "" && committeeID != s.c.ID {
		return nil, m, alesco.Errorf(alesco.EINVALID, "meeting %s belongs to %s, not %q", meetingID, s.c.ID, committeeID)
	}
	return s.c, m, nil
}

// agendaIn returns meeting m's agenda from one snapshot: the agenda on
// record when there is one, else built from the stored proposals and what
// earlier minutes left open (alesco.CarryOver) or decided (alesco.Decided).
func agendaIn(tx alesco.ReadTx, c *alesco.Committee, m alesco.Meeting) (ag agenda.Agenda, onRecord bool, err error) {
	if body, at, ok, err := tx.AgendaSnapshot(m.ID); err != nil {
		return ag, false, err
	} else if ok {
		ag, err = decodeAgenda(m.ID, body, at)
		return ag, true, err
	}
	// Every tracked proposal: a decided one may be labelled rejected while
	// its pull request is still open.
	proposals, err := tx.Proposals(c.ID)
	if err != nil {
		return ag, false, err
	}
	motions, err := tx.PastMotions(c.ID, m.Start)
	if err != nil {
		return ag, false, err
	}
	items, err := tx.PastActionItems(c.ID, m.Start)
	if err != nil {
		return ag, false, err
	}
	pending, decided := alesco.Decided(proposals, motions)
	ag = agenda.Build(c, m, pending, alesco.CarryOver(motions, items))
	ag.Decide(c, decided)
	ds := map[int]alesco.Discussion{}
	for _, it := range ag.Votes {
		if ds[it.Number], err = discussionOf(tx, c, it.Number); err != nil {
			return ag, false, err
		}
	}
	ag.Discuss(ds)
	return ag, false, nil
}

func decodeAgenda(id string, body []byte, at time.Time) (agenda.Agenda, error) {
	var ag agenda.Agenda
	if err := json.Unmarshal(body, &ag); err != nil {
		return ag, fmt.Errorf("app: agenda on record for %s: %w", id, err)
	}
	ag.Frozen, ag.FrozenAt = true, at
	return ag, nil
}

// AgendaJSON returns a meeting's agenda (an id, or "next" with a
// committee) as JSON of agenda.Agenda, read from one snapshot, and until
// when it holds. The first read at or after the meeting's start puts the
// agenda on record, served unchanged from then on.
func (a *App) AgendaJSON(ctx context.Context, meetingID, committeeID string) (Document, error) {
	ag, until, err := a.agenda(ctx, meetingID, committeeID)
	if err != nil {
		return Document{}, err
	}
	body, err := json.Marshal(ag)
	if err != nil {
		return Document{}, fmt.Errorf("app: agenda %s: %w", ag.MeetingID, err)
	}
	return Document{Body: body, ContentType: "application/json", Until: until}, nil
}

// Agenda is AgendaJSON decoded: every front end reads the same agenda,
// times and empty lists alike, whether it was kept or not.
func (a *App) Agenda(ctx context.Context, meetingID, committeeID string) (agenda.Agenda, error) {
	doc, err := a.AgendaJSON(ctx, meetingID, committeeID)
	if err != nil {
		return agenda.Agenda{}, err
	}
	var ag agenda.Agenda
	if err := json.Unmarshal(doc.Body, &ag); err != nil {
		return ag, fmt.Errorf("app: agenda: %w", err)
	}
	return ag, nil
}

// agenda reads a meeting's agenda from one snapshot, puts it on record at
// the first read at or after the meeting's start, and says until when it
// holds: the start (then it goes on record), and for "next" the end (then
// another meeting is next).
func (a *App) agenda(ctx context.Context, meetingID, committeeID string) (agenda.Agenda, time.Time, error) {
	now := a.now()
	var c *alesco.Committee
	var m alesco.Meeting
	var ag agenda.Agenda
	var onRecord bool
	err := a.store.View(ctx, func(tx alesco.ReadTx) error {
		var err error
		if c, m, err = a.agendaMeeting(tx, meetingID, committeeID, now); err != nil {
			return err
		}
		ag, onRecord, err = agendaIn(tx, c, m)
		return err
	})
	if err != nil {
		return ag, time.Time{}, err
	}
	started := !now.Before(m.Start)
	if !onRecord && started {
		if now.After(m.End.Add(freezeGrace)) {
			return ag, time.Time{}, alesco.Errorf(alesco.ENOTFOUND, "no agenda on record for %s: the meeting ended before its agenda was recorded", m.ID)
		}
		if ag, err = a.freezeAgenda(ctx, c, m, ag); err != nil {
			return ag, time.Time{}, err
		}
	}
	var until time.Time
	if !started {
		until = m.Start // then it goes on record
	}
	if meetingID == "" || meetingID == "next" {
		if until.IsZero() || m.End.Before(until) {
			until = m.End // then another meeting is next
		}
	}
	return ag, until, nil
}

// freezeAgenda puts ag on record as meeting m's agenda, unless another one
// got there first, and returns the one on record.
func (a *App) freezeAgenda(ctx context.Context, c *alesco.Committee, m alesco.Meeting, ag agenda.Agenda) (agenda.Agenda, error) {
	ctx = alesco.NewContext(ctx, alesco.Principal{Name: "alesco (agenda on record)"})
	var out agenda.Agenda
	err := a.store.Update(ctx, func(tx alesco.Tx) (alesco.Change, error) {
		ag.Frozen, ag.FrozenAt = true, tx.Now()
		body, err := json.Marshal(ag)
		if err != nil {
			return alesco.Change{}, fmt.Errorf("app: agenda %s: %w", m.ID, err)
		}
		ok, err := tx.FreezeAgenda(c.ID, m.ID, body)
		if err != nil {
			return alesco.Change{}, err
		}
		if !ok {
			body, at, _, err := tx.AgendaSnapshot(m.ID)
			if err != nil {
				return alesco.Change{}, err
			}
			if out, err = decodeAgenda(m.ID, body, at); err != nil {
				return alesco.Change{}, err
			}
			return alesco.Change{}, alesco.ErrUnchanged
		}
		out = ag
		return alesco.Change{Action: "agenda.freeze", Subject: "meeting/" + m.ID, Detail: map[string]any{"bytes": len(body)}}, nil
	})
	if err == alesco.ErrUnchanged {
		err = nil
	}
	return out, err
}

// FreezeStartedAgendas puts on record the agendas of meetings that started
// within the last day and have none yet, so an agenda is kept even when
// nobody asked for it during the meeting. The background loop calls it.
func (a *App) FreezeStartedAgendas(ctx context.Context) error {
	now := a.now()
	for _, seed := range a.Committees().List() {
		var c *alesco.Committee
		type pending struct {
			m  alesco.Meeting
			ag agenda.Agenda
		}
		var todo []pending
		err := a.store.View(ctx, func(tx alesco.ReadTx) error {
			var err error
			if c, err = a.committee(tx, seed.ID); err != nil {
				return err
			}
			s, err := loadSchedule(tx, c)
			if err != nil {
				return err
			}
			for _, m := range s.between(now.Add(-freezeGrace), now.Add(time.Minute)) {
				if m.Status == alesco.MeetingCancelled || now.Before(m.Start) || now.After(m.End.Add(freezeGrace)) {
					continue
				}
				ag, onRecord, err := agendaIn(tx, c, m)
				if err != nil {
					return err
				}
				if !onRecord {
					todo = append(todo, pending{m, ag})
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, p := range todo {
			if _, err := a.freezeAgenda(ctx, c, p.m, p.ag); err != nil {
				return err
			}
		}
	}
	return nil
}
