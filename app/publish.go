package app

import (
	"context"
	"errors"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/minutesmd"
	"github.com/almalinux/alesco/notice"
)

// This file queues what decisions tell the world, in the transaction of
// the change that causes them: the domain's rules (alesco.MinutesEffects,
// ProposalEffects, MeetingChangeEffects, Announce) decide that something
// is said, to whom and under which key, package notice writes what they
// say, and the outbox worker delivers.

// enqueue writes effects to the outbox in tx.
func enqueue(tx alesco.Tx, effects []alesco.Effect) error {
	for _, e := range effects {
		if _, err := tx.Enqueue(e); err != nil {
			return err
		}
	}
	return nil
}

// meetingPage is the public page of a meeting: its agenda, then its minutes.
func (a *App) meetingPage(committeeID, meetingID string) string {
	return a.URL("/" + committeeID + "/meetings/" + meetingID)
}

// publishMinutes queues what final minutes tell the world
// (alesco.MinutesEffects), reading the proposals their motions name in the
// same transaction. Draft minutes (an amendment that reopened them) queue
// nothing until they are final again.
func (a *App) publishMinutes(e *edit) error {
	if e.m.Status != alesco.MinutesFinal {
		return nil
	}
	proposals := map[int]alesco.Proposal{}
	for _, mo := range e.m.Motions {
		if mo.ProposalNumber <= 0 {
			continue
		}
		p, err := e.tx.Proposal(e.c.ID, mo.ProposalNumber)
		switch alesco.ErrorCode(err) {
		case "":
			proposals[p.Number] = p
		case alesco.ENOTFOUND:
		default:
			return err
		}
	}
	links := alesco.PublishLinks{Minutes: a.meetingPage(e.c.ID, e.m.MeetingID), IndexLine: minutesmd.IndexLine(e.c, e.m),
		DateLabel: minutesmd.DateLabel(e.m.Date)}
	return enqueue(e.tx, e.c.MinutesEffects(e.m, proposals, links, notice.Texts{}))
}

// savePull stores a pull request as read from GitHub and queues what its
// change tells the world (proposalEffects), in tx: syncs and webhooks
// alike come here.
func (a *App) savePull(tx alesco.Tx, next alesco.Proposal, filesRead string) error {
	prev, _, found, err := tx.PullRequest(next.CommitteeID, next.Number)
	if err != nil {
		return err
	}
	if err := tx.SavePullRequest(next, filesRead); err != nil {
		return err
	}
	effects, err := a.proposalEffects(tx, prev, found, next)
	if err != nil {
		return err
	}
	if err := enqueue(tx, effects); err != nil {
		return err
	}
	return a.restatus(tx, prev, found, next)
}

// restatus writes an RFC's status comment when it moves into discussion or
// between discussion and FCP (the meeting that votes on it changes): the
// comment is there from the discussion's start until the RFC is decided.
// An RFC already in discussion when alesco first saw it gets its comment
// with the first command in its discussion.
func (a *App) restatus(tx alesco.Tx, prev alesco.Proposal, found bool, next alesco.Proposal) error {
	if !found || prev.State == next.State || !alesco.DiscussionOpen(next) {
		return nil
	}
	c, err := a.committee(tx, next.CommitteeID)
	if err != nil {
		return nil // a committee no longer served
	}
	d, err := discussionOf(tx, c, next.Number)
	if err != nil {
		return err
	}
	return a.queueStatus(tx, c, next, d)
}

// proposalEffects derives what a pull request's change tells the world
// (alesco.Committee.ProposalEffects), in the transaction that stores it,
// after the new row is written. It reads the next meeting and the RFC
// numbers from that transaction.
func (a *App) proposalEffects(tx alesco.ReadTx, prev alesco.Proposal, found bool, next alesco.Proposal) ([]alesco.Effect, error) {
	if !found || prev.State == next.State {
		return nil, nil // only a move through the lifecycle says anything
	}
	c, err := a.committee(tx, next.CommitteeID)
	if err != nil {
		return nil, nil // a committee no longer served
	}
	now := a.now()
	at := alesco.ProposalMoment{Now: now}
	s, err := loadSchedule(tx, c)
	if err != nil {
		return nil, err
	}
	if m, err := s.next(now); err == nil {
		at.NextMeeting, at.MeetingPage = &m, a.meetingPage(c.ID, m.ID)
	}
	all, err := tx.Proposals(c.ID)
	if err != nil {
		return nil, err
	}
	at.NextRFCNumber = alesco.NextRFCNumber(all)
	return c.ProposalEffects(prev, found, next, at, notice.Texts{}), nil
}

// AnnounceMeetings queues the meetings' time-triggered chat posts that
// are due (alesco.Committee.Announce): each committee's agenda before its
// meeting and "starting now" at its start. Their keys make each happen
// once, across restarts; the worker calls this every pass.
func (a *App) AnnounceMeetings(ctx context.Context) error {
	ctx = alesco.NewContext(ctx, outboxActor)
	now := a.now()
	for _, c := range a.Committees().List() {
		if err := a.remindMembers(ctx, c, now); err != nil {
			return err
		}
		if !c.Notify.Chats(alesco.AnnounceAgenda) && !c.Notify.Chats(alesco.AnnounceStart) {
			continue
		}
		before := c.Notify.AgendaBefore
		if before == 0 {
			before = alesco.DefaultAgendaBefore
		}
		var due []alesco.Effect
		err := a.store.View(ctx, func(tx alesco.ReadTx) error {
			s, err := loadSchedule(tx, c)
			if err != nil {
				return err
			}
			for _, m := range s.between(now.Add(-12*time.Hour), now.Add(before+time.Minute)) {
				at := alesco.MeetingMoment{Now: now, Links: a.Links(m)}
				effects := c.Announce(m, at, notice.Texts{})
				if len(effects) == 0 {
					continue
				}
				queued, err := tx.Outbox(alesco.OutboxFilter{Key: effects[0].Key})
				if err != nil {
					return err
				}
				if len(queued) > 0 {
					continue // announced already
				}
				if effects[0].Key == "chat:agenda:"+m.ID {
					ag, _, err := agendaIn(tx, c, m)
					if err != nil {
						return err
					}
					at.AgendaMarkdown = ag.Markdown()
					effects = c.Announce(m, at, notice.Texts{})
				}
				due = append(due, effects...)
			}
			return nil
		})
		if err != nil || len(due) == 0 {
			if err != nil {
				return err
			}
			continue
		}
		if err := a.queueDue(ctx, c, "outbox.announce", due); err != nil {
			return err
		}
	}
	return nil
}

// queueDue queues the posts that came due for a committee, in one audited
// change (action) naming those that were not queued already.
func (a *App) queueDue(ctx context.Context, c *alesco.Committee, action string, due []alesco.Effect) error {
	err := a.store.Update(ctx, func(tx alesco.Tx) (alesco.Change, error) {
		var keys []string
		for _, e := range due {
			queued, err := tx.Enqueue(e)
			if err != nil {
				return alesco.Change{}, err
			}
			if queued {
				keys = append(keys, e.Key)
			}
		}
		if len(keys) == 0 {
			return alesco.Change{}, alesco.ErrUnchanged
		}
		return alesco.Change{Action: action, Subject: "committee/" + c.ID, Detail: map[string]any{"keys": keys}}, nil
	})
	if errors.Is(err, alesco.ErrUnchanged) {
		return nil
	}
	return err
}
