package app

import (
	"context"
	"fmt"
	"time"

	"github.com/almalinux/alesco"
)

// Deliverer makes effects of some kinds happen (the github, mattermost
// and mail adapters implement it). Deliver must be idempotent: before
// repeating an effect it looks for an earlier delivery of the same key (a
// comment's hidden marker, the wiki branch, a pull request for it), since
// the process may have died between a delivery and its record. It returns
// what it did, for the record ("created comment 12"). An error whose code
// alesco.PermanentFailure reports parks the effect at once; any other is
// retried with backoff.
type Deliverer interface {
	Deliver(ctx context.Context, it alesco.OutboxItem) (result string, err error)
}

// Delivery stages a DeliveryHook sees.
const (
	StageBefore = "before" // the item is about to be delivered
	StageSent   = "sent"   // the deliverer returned; the outcome is not yet recorded
)

// deliveryTimeout bounds one delivery (a wiki pull request is a dozen
// requests).
const deliveryTimeout = 2 * time.Minute

// outboxBatch is how many due items one pass reads at a time, and
// outboxPassLimit how many one DeliverOutbox call attempts at most.
const (
	outboxBatch     = 20
	outboxPassLimit = 500
)

// outboxActor names the worker in the audit log.
var outboxActor = alesco.Principal{Role: alesco.RoleAdmin, Name: "alesco (outbox)"}

// DeliverOutbox delivers the effects due now, oldest first, one at a time,
// and records each outcome: delivered, retried later (RetryDelay), or
// parked (alesco.OutboxItem.Failed). It returns how many it attempted.
func (a *App) DeliverOutbox(ctx context.Context) (int, error) {
	ctx = alesco.NewContext(ctx, outboxActor)
	attempted := 0
	for attempted < outboxPassLimit {
		var due []alesco.OutboxItem
		err := a.store.View(ctx, func(tx alesco.ReadTx) error {
			var err error
			due, err = tx.Outbox(alesco.OutboxFilter{Statuses: []alesco.OutboxStatus{alesco.OutboxPending}, DueBy: a.now(), Limit: outboxBatch})
			return err
		})
		if err != nil || len(due) == 0 {
			return attempted, err
		}
		for _, it := range due {
			if err := ctx.Err(); err != nil {
				return attempted, err
			}
			if err := a.deliver(ctx, it); err != nil {
				return attempted, err
			}
			attempted++
		}
	}
	return attempted, nil
}

// deliver attempts one effect and records the outcome in one transaction.
// An item replaced while it was being delivered (an amendment) keeps its
// new revision pending: the outcome of the old one is not recorded.
func (a *App) deliver(ctx context.Context, it alesco.OutboxItem) error {
	a.hook(StageBefore, it)
	var result string
	var err error
	if d := a.deliverers[it.Kind]; d == nil {
		err = alesco.Errorf(alesco.EUNAVAILABLE, "%s", notConfigured(it.Kind))
	} else {
		dctx, cancel := context.WithTimeout(ctx, deliveryTimeout)
		result, err = d.Deliver(dctx, it)
		cancel()
	}
	if ctx.Err() != nil {
		return ctx.Err() // shutting down: the item stays due, for the next start
	}
	a.hook(StageSent, it)
	now := a.now()
	action := "outbox.deliver"
	detail := map[string]any{"key": it.Key, "kind": it.Kind, "revision": it.Revision}
	if err == nil {
		it.MarkDelivered(result, now)
		detail["result"] = result
		a.log.InfoContext(ctx, "outbox: delivered", "id", it.ID, "key", it.Key, "result", result)
	} else {
		it.Failed(err, now)
		action, detail["error"], detail["attempts"] = "outbox.fail", it.LastError, it.Attempts
		if it.Status == alesco.OutboxParked {
			action = "outbox.park"
			a.log.ErrorContext(ctx, "outbox: parked after failing", "id", it.ID, "key", it.Key, "attempts", it.Attempts, "err", err)
		} else {
			a.log.WarnContext(ctx, "outbox: delivery failed; will retry", "id", it.ID, "key", it.Key, "attempts", it.Attempts,
				"next", it.NextAttempt, "err", err)
		}
	}
	err = a.store.Update(ctx, func(tx alesco.Tx) (alesco.Change, error) {
		saved, err := tx.SaveOutboxItem(it)
		if err != nil {
			return alesco.Change{}, err
		}
		if !saved {
			return alesco.Change{}, alesco.ErrUnchanged
		}
		return alesco.Change{Action: action, Subject: fmt.Sprintf("outbox/%d", it.ID), Detail: detail}, nil
	})
	if err == alesco.ErrUnchanged {
		return nil
	}
	return err
}

func (a *App) hook(stage string, it alesco.OutboxItem) {
	if a.deliveryHook != nil {
		a.deliveryHook(stage, it)
	}
}

// notConfigured says which setting delivers a kind of effect.
func notConfigured(k alesco.EffectKind) string {
	switch k {
	case alesco.EffectMail:
		return "mail is not configured on this server: set ALESCO_SMTP_URL"
	case alesco.EffectChat:
		return "chat is not configured on this server: set ALESCO_MATTERMOST_WEBHOOK_URL"
	}
	return "GitHub writes are not configured on this server: set GITHUB_TOKEN"
}

// RunOutbox delivers effects until ctx ends: at once, whenever the data
// changes (this process's writes and the CLI's alike), when the next
// retry is due, and at least every interval, when it also queues the
// meetings' time-triggered announcements (AnnounceMeetings).
func (a *App) RunOutbox(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		interval = 30 * time.Second
	}
	for {
		changed := a.store.Changed()
		if err := a.AnnounceMeetings(ctx); err != nil && ctx.Err() == nil {
			a.log.WarnContext(ctx, "outbox: queueing announcements failed", "err", err)
		}
		if _, err := a.DeliverOutbox(ctx); err != nil && ctx.Err() == nil {
			a.log.WarnContext(ctx, "outbox: delivery pass failed", "err", err)
		}
		wait := interval
		if next, err := a.nextDue(ctx); err == nil && !next.IsZero() {
			wait = max(min(wait, next.Sub(a.now())), 100*time.Millisecond)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-changed:
		case <-t.C:
		}
		t.Stop()
	}
}

// nextDue is when the next pending effect is due (zero when none is).
func (a *App) nextDue(ctx context.Context) (time.Time, error) {
	var next time.Time
	err := a.store.View(ctx, func(tx alesco.ReadTx) error {
		items, err := tx.Outbox(alesco.OutboxFilter{Statuses: []alesco.OutboxStatus{alesco.OutboxPending}, DueBy: farFuture, Limit: 1})
		if len(items) > 0 {
			next = items[0].NextAttempt
		}
		return err
	})
	return next, err
}

var farFuture = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

// Outbox lists the outbox items f selects (the operator's view: `alesco
// outbox list`).
func (a *App) Outbox(ctx context.Context, f alesco.OutboxFilter) ([]alesco.OutboxItem, error) {
	var out []alesco.OutboxItem
	err := a.store.View(ctx, func(tx alesco.ReadTx) error {
		var err error
		out, err = tx.Outbox(f)
		return err
	})
	return out, err
}

// OutboxDepth counts the effects not delivered yet, pending and parked
// (metrics).
func (a *App) OutboxDepth(ctx context.Context) (map[alesco.OutboxStatus]int, error) {
	items, err := a.Outbox(ctx, alesco.OutboxFilter{Statuses: []alesco.OutboxStatus{alesco.OutboxPending, alesco.OutboxParked}})
	if err != nil {
		return nil, err
	}
	out := map[alesco.OutboxStatus]int{}
	for _, it := range items {
		out[it.Status]++
	}
	return out, nil
}

// RetryOutbox queues an item again at once, its attempts forgotten.
func (a *App) RetryOutbox(ctx context.Context, id int64) (alesco.OutboxItem, error) {
	return a.steerOutbox(ctx, id, "outbox.retry", func(it *alesco.OutboxItem, now time.Time) error { return it.Retry(now) })
}

// DropOutbox gives an item up: it is never delivered.
func (a *App) DropOutbox(ctx context.Context, id int64) (alesco.OutboxItem, error) {
	return a.steerOutbox(ctx, id, "outbox.drop", func(it *alesco.OutboxItem, _ time.Time) error { return it.Drop() })
}

func (a *App) steerOutbox(ctx context.Context, id int64, action string, fn func(*alesco.OutboxItem, time.Time) error) (alesco.OutboxItem, error) {
	p, err := actor(ctx)
	if err != nil {
		return alesco.OutboxItem{}, err
	}
	var out alesco.OutboxItem
	err = a.store.Update(ctx, func(tx alesco.Tx) (alesco.Change, error) {
		items, err := tx.Outbox(alesco.OutboxFilter{ID: id})
		if err != nil {
			return alesco.Change{}, err
		}
		if len(items) == 0 {
			return alesco.Change{}, alesco.Errorf(alesco.ENOTFOUND, "no outbox item %d (see alesco outbox list --all)", id)
		}
		out = items[0]
		if err := p.Authorize(alesco.ActSteerOutbox, out.CommitteeID); err != nil {
			return alesco.Change{}, err
		}
		if err := fn(&out, tx.Now()); err != nil {
			return alesco.Change{}, err
		}
		if _, err := tx.SaveOutboxItem(out); err != nil {
			return alesco.Change{}, err
		}
		return alesco.Change{Action: action, Subject: fmt.Sprintf("outbox/%d", id), Detail: map[string]any{"key": out.Key, "status": out.Status}}, nil
	})
	return out, err
}
