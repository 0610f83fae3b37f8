package server

import (
	"context"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/pages"
)

// warned is m with the events site's warning for it, if any.
func (h *pageHandler) warned(ctx context.Context, m *pages.Meeting) *pages.Meeting {
	m.Events = h.eventWarning(ctx, m.Meeting)
	return m
}

// eventWarning is how the events site disagrees with a meeting to come
// (app.MeetingEventProblems), for its page, the committee's page and the
// chair's console; nil when it agrees or names no events site. A failure
// to read it is logged: the page shows the meeting all the same.
func (h *pageHandler) eventWarning(ctx context.Context, m alesco.Meeting) *pages.EventWarning {
	ps, siteErr, err := h.s.app.MeetingEventProblems(ctx, m)
	if err != nil {
		h.s.log.WarnContext(ctx, "events site warning not shown", "meeting", m.ID, "err", err)
		return nil
	}
	if len(ps) == 0 && siteErr == "" {
		return nil
	}
	w := &pages.EventWarning{SiteError: siteErr}
	for _, p := range ps {
		w.Problems = append(w.Problems, p.Describe())
	}
	return w
}
