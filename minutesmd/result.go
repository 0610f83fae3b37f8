package minutesmd

import (
	"fmt"

	"github.com/almalinux/alesco"
)

// Text returns the Markdown of m: the frozen text of final minutes, or a
// fresh rendering of a draft.
func Text(c *alesco.Committee, m *alesco.Minutes) string {
	if m.Status == alesco.MinutesFinal && m.Markdown != "" {
		return m.Markdown
	}
	return Render(c, m)
}

// ImportResult reports one imported file; it is what
// `alesco minutes import --json` prints and mirrors the ImportResult proto.
type ImportResult struct {
	File           string   `json:"file"`
	MeetingID      string   `json:"meeting_id"`
	Date           string   `json:"date"`
	MembersPresent []string `json:"members_present"`
	MembersAbsent  []string `json:"members_absent"`
	RosterSize     int      `json:"roster_size"`
	QuorumRequired int      `json:"quorum_required"`
	QuorumMet      bool     `json:"quorum_met"`
	Decisions      []string `json:"decisions"`
	Warnings       []string `json:"warnings"`
	Changed        bool     `json:"changed"`
}

// Summarize fills the attendance, quorum and decisions of an import result
// from parsed minutes, and warns where the file's attendees and absentees
// disagree with the configured roster on the meeting's date.
func Summarize(c *alesco.Committee, file string, m *alesco.Minutes, warnings []string) ImportResult {
	q := c.QuorumOn(m.Date)
	present := m.MembersPresent(c)
	r := ImportResult{
		File: file, MeetingID: m.MeetingID, Date: m.Date.String(),
		MembersPresent: nonNil(present), MembersAbsent: []string{}, Decisions: []string{},
		RosterSize: q.RosterSize, QuorumRequired: q.Required, QuorumMet: q.Met(len(present)),
		Warnings: nonNil(warnings),
	}
	listed := map[string]bool{}
	for _, a := range m.Attendees {
		if a.Kind != alesco.AttendeeMember || a.MemberID == "" {
			continue
		}
		listed[a.MemberID] = true
		if a.Absent {
			r.MembersAbsent = append(r.MembersAbsent, a.MemberID)
		}
		if mem, _ := c.Member(a.MemberID); !mem.IsMemberOn(m.Date) {
			r.Warnings = append(r.Warnings, fmt.Sprintf("%s is listed as a member but is not on the configured %s roster on %s", mem.Name, c.ShortName, m.Date))
		}
	}
	for _, mem := range c.Roster(m.Date) {
		if !listed[mem.ID] {
			r.Warnings = append(r.Warnings, fmt.Sprintf("%s is on the configured %s roster on %s but is listed neither as attending nor as unable to attend", mem.Name, c.ShortName, m.Date))
		}
	}
	for _, d := range m.Decisions {
		r.Decisions = append(r.Decisions, d.Text)
	}
	return r
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
