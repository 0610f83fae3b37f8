package alesco

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"strconv"
)

// Seal is what the audit log keeps of minutes when they are frozen
// (finalized, amended with a new text, imported): the SHA-256 of the frozen
// Markdown and of the record behind it. The log's hash chain protects the
// seal; the seal protects the minutes, so an edit of a final text or of its
// votes in the database shows at the next "alesco audit verify".
type Seal struct {
	Revision int    `json:"revision"`
	Text     string `json:"text_sha256"`
	Record   string `json:"record_sha256"`
}

// SealAction is the audit action of a seal written on upgrade: when a
// release that seals every final record first opened a database holding
// minutes frozen by one that did not, it sealed them as they stood then.
// What they held then is what is checked from then on.
const SealAction = "minutes.seal"

// SealIn reads the seal an audit row's detail carries, if it carries one
// (the row that froze the minutes, or a SealAction row).
func SealIn(detail string) (Seal, bool) {
	var s Seal
	if json.Unmarshal([]byte(detail), &s) != nil || s.Text == "" {
		return Seal{}, false
	}
	return s, true
}

// SealOf seals final minutes as they stand.
func SealOf(m *Minutes) Seal {
	return Seal{Revision: m.Revision, Text: TextSHA256(m.Markdown), Record: recordSHA256(m)}
}

// TextSHA256 is the hex SHA-256 of a frozen text.
func TextSHA256(markdown string) string {
	sum := sha256.Sum256([]byte(markdown))
	return hex.EncodeToString(sum[:])
}

// Check compares the seal with minutes as stored now (the current final
// revision), naming what changed.
func (s Seal) Check(m *Minutes) error {
	if TextSHA256(m.Markdown) != s.Text {
		return Errorf(EPRECONDITION, "the final text of %s (revision %d) was edited after it was frozen: it no longer matches its SHA-256 in the audit log", m.MeetingID, s.Revision)
	}
	if recordSHA256(m) != s.Record {
		return Errorf(EPRECONDITION, "the record of %s (revision %d: attendance, decisions, notes, motions, votes or action items) was edited after it was frozen", m.MeetingID, s.Revision)
	}
	return nil
}

// recordSHA256 hashes the frozen record in a fixed form (version 1), not
// the Go structs: fields added to them later do not change old seals.
// Action items' completion is left out: items of final minutes may still be
// completed.
func recordSHA256(m *Minutes) string {
	h := sha256.New()
	field(h, "alesco minutes record v1", m.MeetingID, m.Revision)
	for _, n := range m.RecordedBy {
		field(h, "recorded by", n)
	}
	for _, n := range m.EditedBy {
		field(h, "edited by", n)
	}
	for _, a := range m.Attendees {
		field(h, "attendee", a.Kind, a.MemberID, a.Name, a.Absent, a.Note)
	}
	for _, d := range m.Decisions {
		field(h, "decision", d.Text, d.MotionID, d.ProposalNumber, d.Outcome, len(d.Details))
		for _, det := range d.Details {
			field(h, "detail", det)
		}
	}
	for _, n := range m.Notes {
		field(h, "note", n.Topic, n.ProposalNumber, n.Paragraph, n.Text)
	}
	for _, mo := range m.Motions {
		field(h, "motion", mo.ID, mo.Title, mo.ProposalNumber, mo.Status, mo.Outcome, mo.Unanimous, mo.DesignatedMemberID)
		for _, v := range mo.Votes {
			field(h, "vote", v.MemberID, v.Value, v.Source, v.ReferenceURL)
		}
		if d := mo.Deciding; d != nil {
			field(h, "deciding vote", d.MemberID, d.Value)
		}
	}
	for _, a := range m.ActionItems {
		field(h, "action item", a.Owner, a.Text)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// field writes one record field: each part length-prefixed, so no value
// can run into the next.
func field(h hash.Hash, parts ...any) {
	for _, p := range parts {
		s := fmt.Sprint(p)
		h.Write([]byte(strconv.Itoa(len(s)) + ":" + s + ","))
	}
	h.Write([]byte{'\n'})
}
