package minutes_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/minutes"
)

// hostile are the values an attacker or a careless chair types: forged
// sections and decisions, a link breaking out of its destination, escapes,
// names the reader could take for "nobody", separators of a names list.
var hostile = []string{
	"x\n\n## Decisions Adopted\n\n- RFC 99 was APPROVED",
	"https://example.com/a) [click me](javascript:alert(1)",
	"[click me](javascript:alert(1))",
	"<script>alert(1)</script>",
	"### Action Items",
	"- [ ] Mallory: take over",
	"Discussed [RFC 99](https://e.org/99)\n\n- forged topic",
	`\## escaped \\ back\slash \(x\) &amp; &#65; &#x41;`,
	"N/A", "no one", "None", "-", "1. first", "* star *", "_under_", "**bold**",
	"Simon and Garfunkel", "Smith, Jr. & Co", "and", "Ada (guest)", "x)", "(x",
	"Owner: text", "C#", "topic ##", "##", "#", "=== ---", "`code`", "~~gone~~",
	"José Ñandú", "名前", "😀", "a  b", "{{ 7*7 }}",
}

// line is s on one line, for the fields that must be.
func line(s string) string { return strings.ReplaceAll(s, "\n", " ") }

// FuzzMarkdownRecord: minutes held as Markdown (what an import or an
// amendment stores) with any values the record's rules accept export to
// Markdown that reads back as exactly the same record, with no warning.
func FuzzMarkdownRecord(f *testing.F) {
	for i, h := range hostile {
		g := hostile[(i+1)%len(hostile)]
		f.Add(line(h), line(g), line(h), line(g), h, line(h), g, line(g), line(h), i%2 == 0)
	}
	f.Add("Luna Jernberg", "briefly", "benny Vasquez", "RFC: Btrfs", "- looked at it\n\n### not a topic\n\nDiscussed it\n\n- again", "Open floor", "Nothing", "Ben Thomas", "write it up", true)
	c := committee(f)
	f.Fuzz(func(t *testing.T, name, note, board, topic, text, topic2, text2, owner, action string, done bool) {
		m := &alesco.Minutes{MeetingID: "alesco-2026-11-19", CommitteeID: "alesco", Date: alesco.DateOf(time.Date(2026, 11, 19, 0, 0, 0, 0, time.UTC)),
			Status: alesco.MinutesFinal, Source: alesco.SourceMarkdown}
		scratch := alesco.NewMinutes(alesco.Meeting{ID: m.MeetingID, CommitteeID: "alesco"})
		scratch.Date = m.Date
		if err := scratch.RecordAttendance(c, []alesco.Attendee{
			{Kind: alesco.AttendeeMember, MemberID: "andrew-lukoshko"}, {Kind: alesco.AttendeeMember, MemberID: "ben-thomas", Absent: true},
			{Kind: alesco.AttendeeBoard, Name: board}, {Kind: alesco.AttendeeCommunity, Name: name, Note: note},
		}); err != nil {
			t.Skip(err)
		}
		m.Attendees = scratch.Attendees
		for _, n := range []alesco.Note{{Topic: topic, Text: text}, {Topic: topic2, Text: text2}} {
			got, err := scratch.AddNote(n)
			if err != nil || (len(m.Notes) > 0 && got.Topic == "") {
				t.Skip(err)
			}
			got.ProposalNumber = minutes.ProposalNumber(got.Topic)
			if got.ProposalNumber == 0 {
				got.ProposalNumber = minutes.ProposalNumber(got.Text)
			}
			m.Notes = append(m.Notes, *got)
		}
		item, err := scratch.AddActionItem(owner, action)
		if err != nil {
			t.Skip(err)
		}
		m.ActionItems = []alesco.ActionItem{{Owner: item.Owner, Text: item.Text, Done: done}}
		for _, n := range []string{name, owner} {
			if n, err := alesco.CleanText("name", alesco.NameText, n); err == nil && n != "" {
				m.RecordedBy = append(m.RecordedBy, n)
				m.EditedBy = append([]string{n}, m.EditedBy...)
			}
		}

		out := minutes.Render(c, m)
		back, warnings, err := minutes.Parse(c, "2026-11-19.md", []byte(out))
		if err != nil {
			t.Fatalf("export does not read back: %v\n%s", err, out)
		}
		if len(warnings) > 0 {
			t.Fatalf("export reads back with warnings %q:\n%s", warnings, out)
		}
		if !reflect.DeepEqual(back, m) {
			t.Fatalf("export reads back as another record:\nwant %+v\ngot  %+v\n%s", m, back, out)
		}
	})
}

// FuzzRecordedExport: minutes recorded live through the domain's methods,
// with any values those accept, export to Markdown in which no value adds
// an attendee, a decision, an action item or a section; the export reads
// back with the same attendance, names and action items, and exports again
// to the same bytes.
func FuzzRecordedExport(f *testing.F) {
	for i, h := range hostile {
		g := hostile[(i+3)%len(hostile)]
		f.Add(line(h), line(g), line(h), line(g), h, line(g), "https://github.com/AlmaLinux/ALESCo/pull/9#issuecomment-1", line(h), line(g))
	}
	f.Add("Luna", "late", "benny", "RFC 16", "Discussed it", "Adopt RFC 16", "https://e.org/a_(b)", "Neal Gompa", "Build it")
	c := committee(f)
	start := time.Date(2026, 11, 19, 17, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, name, note, board, topic, text, title, ref, owner, action string) {
		m := alesco.NewMinutes(alesco.Meeting{ID: "alesco-2026-11-19", CommitteeID: "alesco", Start: start, Location: c.Location})
		// In the order the minutes list them.
		var as []alesco.Attendee
		for _, id := range []string{"andrew-lukoshko", "ben-thomas", "jonathan-wright", "neal-gompa"} {
			as = append(as, alesco.Attendee{Kind: alesco.AttendeeMember, MemberID: id})
		}
		as = append(as, alesco.Attendee{Kind: alesco.AttendeeMember, MemberID: "lance-albertson", Absent: true, Note: note},
			alesco.Attendee{Kind: alesco.AttendeeBoard, Name: board}, alesco.Attendee{Kind: alesco.AttendeeCommunity, Name: name, Note: note})
		if err := m.RecordAttendance(c, as); err != nil {
			t.Skip(err)
		}
		if _, err := m.AddNote(alesco.Note{Topic: topic, Text: text}); err != nil {
			t.Skip(err)
		}
		mo, err := m.OpenMotion(c, title, 0, start)
		if err != nil {
			t.Skip(err)
		}
		mo.ID = 1
		if _, _, err := m.CastVote(c, 1, alesco.Vote{MemberID: "lance-albertson", Value: alesco.VoteYes, Source: alesco.VoteAsync, ReferenceURL: ref}, start); err != nil {
			t.Skip(err)
		}
		for _, id := range []string{"andrew-lukoshko", "ben-thomas"} {
			if _, _, err := m.CastVote(c, 1, alesco.Vote{MemberID: id, Value: alesco.VoteNo}, start); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := m.CastDecidingVote(c, 1, "", alesco.VoteYes, false, start); err == nil {
			t.Fatal("a deciding vote on a motion that is not tied")
		}
		if _, err := m.CloseMotion(c, 1, alesco.OutcomeNone, start); err != nil {
			t.Fatal(err)
		}
		if _, err := m.AddActionItem(owner, action); err != nil {
			t.Skip(err)
		}
		if err := m.Finalize(c, []string{name, "Andrew Lukoshko"}, []string{owner}, start, func(m *alesco.Minutes) string { return minutes.Render(c, m) }); err != nil {
			t.Skip(err)
		}

		back, warnings, err := minutes.Parse(c, "2026-11-19.md", []byte(m.Markdown))
		if err != nil || len(warnings) > 0 {
			t.Fatalf("export reads back with %v, warnings %q:\n%s", err, warnings, m.Markdown)
		}
		if !reflect.DeepEqual(back.Attendees, m.Attendees) || !reflect.DeepEqual(back.RecordedBy, m.RecordedBy) || !reflect.DeepEqual(back.EditedBy, m.EditedBy) {
			t.Fatalf("attendance or names changed:\nwant %+v %q %q\ngot  %+v %q %q\n%s", m.Attendees, m.RecordedBy, m.EditedBy, back.Attendees, back.RecordedBy, back.EditedBy, m.Markdown)
		}
		if len(back.Decisions) != 1 || !strings.HasSuffix(back.Decisions[0].Text, " was REJECTED") || len(back.Decisions[0].Details) != 1 {
			t.Fatalf("decisions read back as %+v:\n%s", back.Decisions, m.Markdown)
		}
		if len(back.ActionItems) != 1 || back.ActionItems[0].Owner != m.ActionItems[0].Owner || back.ActionItems[0].Text != m.ActionItems[0].Text {
			t.Fatalf("action items read back as %+v, want %+v:\n%s", back.ActionItems, m.ActionItems, m.Markdown)
		}
		for _, n := range back.Notes {
			if strings.EqualFold(n.Topic, alesco.ActionItemsTopic) {
				t.Fatalf("a note became the action items:\n%s", m.Markdown)
			}
		}
		if again := minutes.Render(c, back); again != m.Markdown {
			t.Fatalf("the export, read back, exports differently:\n%s\n---\n%s", m.Markdown, again)
		}
	})
}
