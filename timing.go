package alesco

import "time"

// This file holds the rules of when a meeting's record may be written:
// the record follows the meeting, never runs ahead of it. Every time is
// the one clock of the transaction that writes (Tx.Now).

// RecordLead is how long before a meeting's start its minutes may be
// begun: the secretary opens the record and takes attendance as people
// arrive.
const RecordLead = time.Hour

// Clock writes an instant as a committee's people read it: in the
// committee's time zone, with the zone's abbreviation ("2026-12-03 12:00
// EST"). Every message that tells a chair a time writes it so, never in UTC
// beside others in local time.
func Clock(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("2006-01-02 15:04 MST")
}

// clock formats an instant in the meeting's time zone, as a chair reads it.
func (m Meeting) clock(t time.Time) string { return Clock(t, m.loc()) }

// CheckRecording is THE rule for writing a meeting's minutes at now: from
// RecordLead before its start on, and never for a cancelled meeting.
func (m Meeting) CheckRecording(now time.Time) error {
	if m.Status == MeetingCancelled {
		reason := ""
		if m.CancelReason != "" {
			reason = " (" + m.CancelReason + ")"
		}
		return Errorf(EPRECONDITION, "meeting %s was cancelled%s: it takes no minutes", m.ID, reason)
	}
	return m.checkStarted(now, m.Start.Add(-RecordLead), "its minutes can be recorded from "+m.clock(m.Start.Add(-RecordLead))+", an hour before it starts")
}

// CheckImport is the rule for importing published minutes of m at now:
// the meeting must be due (as for recording). A meeting alesco shows as
// cancelled still takes them: the published record says it met, and the
// import warns about the disagreement.
func (m Meeting) CheckImport(now time.Time) error {
	return m.checkStarted(now, m.Start.Add(-RecordLead), "minutes of a meeting that has not taken place cannot be imported")
}

func (m Meeting) checkStarted(now, from time.Time, what string) error {
	if now.Before(from) {
		return Errorf(EPRECONDITION, "meeting %s starts %s: %s", m.ID, m.clock(m.Start), what)
	}
	return nil
}

// heldAt is THE rule for a held meeting: it has minutes and has started
// (and was not cancelled).
func (m Meeting) heldAt(now time.Time) bool {
	return m.Recorded && m.Status != MeetingCancelled && !now.Before(m.Start)
}

// checkFinalize is the rule for finalizing minutes at now: only once the
// meeting has started. The refusal gives the start in c's time zone.
func (m *Minutes) checkFinalize(c *Committee, now time.Time) error {
	if now.Before(m.Start) {
		return Errorf(EPRECONDITION, "meeting %s has not started yet (it starts %s): finalize its minutes after it starts",
			m.MeetingID, Clock(m.Start, c.loc()))
	}
	return nil
}
