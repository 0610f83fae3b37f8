package app

import "github.com/almalinux/alesco"

// Links returns a meeting's public URLs. The minutes link is given for held
// meetings only: others have no minutes to read.
func (a *App) Links(m alesco.Meeting) alesco.MeetingLinks {
	l := alesco.MeetingLinks{
		Agenda: a.URL("/agenda/" + m.ID + ".md"),
		Feed:   a.URL("/calendar/" + m.CommitteeID + ".ics"),
		ICS:    a.URL("/calendar/" + m.CommitteeID + "/" + m.ID + ".ics"),
		Page:   a.URL("/" + m.CommitteeID + "/meetings/" + m.ID),
	}
	if m.Status == alesco.MeetingHeld {
		l.Minutes = a.URL("/minutes/" + m.ID + ".md")
	}
	return l
}

// HitURL is where to read a search hit: a proposal's pull request, or the
// page of the meeting whose minutes hold it.
func (a *App) HitURL(c *alesco.Committee, h alesco.SearchHit) string {
	if h.Kind == alesco.SearchProposal {
		return h.URL
	}
	return a.URL("/" + c.ID + "/meetings/" + h.MeetingID + "#minutes")
}
