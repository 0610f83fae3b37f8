package server

import (
	"context"
	"time"

	"github.com/almalinux/alesco"
)

// meetings materialises a committee's meetings starting in [from, to):
// configured series plus stored changes, HELD where minutes exist.
func (s *Server) meetings(ctx context.Context, c *alesco.Committee, from, to time.Time) ([]alesco.Meeting, error) {
	changes, held, err := s.store.MeetingOverlay(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	return c.Schedule(from, to, changes, held), nil
}

// meeting finds one meeting by id, or ENOTFOUND.
func (s *Server) meeting(ctx context.Context, id string) (*alesco.Committee, alesco.Meeting, error) {
	c, d, _, err := s.committees.ParseMeetingID(id)
	if err != nil {
		return nil, alesco.Meeting{}, err
	}
	changes, held, err := s.store.MeetingOverlay(ctx, c.ID)
	if err != nil {
		return nil, alesco.Meeting{}, err
	}
	if m, ok := c.FindMeeting(id, d, changes, held); ok {
		return c, m, nil
	}
	return nil, alesco.Meeting{}, alesco.Errorf(alesco.ENOTFOUND, "no meeting %s: %s does not meet on %s", id, c.ShortName, d)
}

// nextMeeting returns the first meeting of c that is not cancelled and has
// not ended at now.
func (s *Server) nextMeeting(ctx context.Context, c *alesco.Committee, now time.Time) (alesco.Meeting, error) {
	for span := 60 * 24 * time.Hour; span <= 800*24*time.Hour; span *= 2 {
		ms, err := s.meetings(ctx, c, now.Add(-12*time.Hour), now.Add(span))
		if err != nil {
			return alesco.Meeting{}, err
		}
		for _, m := range ms {
			if m.Status != alesco.MeetingCancelled && m.End.After(now) {
				return m, nil
			}
		}
	}
	return alesco.Meeting{}, alesco.Errorf(alesco.ENOTFOUND, "%s has no upcoming meeting", c.ShortName)
}
