package app

import (
	"context"
	"reflect"

	"github.com/almalinux/alesco"
)

// WatchMinutes calls send with a meeting's record (and its committee) now,
// and again after every change to it, until ctx ends (it then returns nil)
// or send fails. Changes are seen through the store's version, which moves
// on at every commit, this process's or another's on the same database
// (the CLI beside a server); a commit that leaves this record as it was
// sends nothing. Before the minutes exist it sends an empty draft of the
// meeting, so a watcher sees the meeting start.
func (a *App) WatchMinutes(ctx context.Context, meetingID string, send func(*alesco.Committee, *alesco.Minutes) error) error {
	var lastC *alesco.Committee
	var last *alesco.Minutes
	for {
		// Taken before reading, so a commit during the read wakes the next
		// round instead of being missed.
		changed := a.store.Changed()
		c, m, err := a.watched(ctx, meetingID)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if c != lastC || !reflect.DeepEqual(m, last) {
			if err := send(c, m); err != nil {
				return err
			}
			lastC, last = c, m
		}
		select {
		case <-ctx.Done():
			return nil
		case <-changed:
		}
	}
}

// watched reads a meeting's record from one snapshot, or an empty draft of
// the meeting when it has none yet.
func (a *App) watched(ctx context.Context, meetingID string) (*alesco.Committee, *alesco.Minutes, error) {
	var c *alesco.Committee
	var m *alesco.Minutes
	err := a.store.View(ctx, func(tx alesco.ReadTx) error {
		s, mt, err := a.meeting(tx, meetingID)
		if err != nil {
			return err
		}
		c = s.c
		if m, err = tx.Minutes(meetingID); alesco.ErrorCode(err) == alesco.ENOTFOUND {
			m, err = alesco.NewMinutes(mt), nil
		}
		return err
	})
	return c, m, err
}
