package minutesmd_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/almalinux/alesco/internal/alescotest"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/minutesmd"
)

func committee(t testing.TB) *alesco.Committee { return alescotest.Committee(t) }

func parseFile(t testing.TB, c *alesco.Committee, path string) (*alesco.Minutes, []string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, w, err := minutesmd.Parse(c, filepath.Base(path), data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m, w
}

// TestParseWikiFixtures checks attendance, quorum and decisions of the eight
// real minutes against what the files say.
func TestParseWikiFixtures(t *testing.T) {
	c := committee(t)
	cases := []struct {
		file                   string
		present, absent, board int
		community              []string
		roster, quorum         int
		met                    bool
		decisions              []alesco.MotionOutcome
	}{
		{"2024-07-24.md", 6, 0, 0, []string{"Michel Lind"}, 6, 4, true, []alesco.MotionOutcome{alesco.OutcomePassed, alesco.OutcomePassed, alesco.OutcomePassed}},
		{"2024-10-02.md", 5, 1, 2, nil, 6, 4, true, []alesco.MotionOutcome{alesco.OutcomeTabled}},
		{"2025-04-16.md", 4, 2, 0, []string{"Lance Albertson"}, 6, 4, true, []alesco.MotionOutcome{alesco.OutcomeRejected}},
		{"2025-05-28.md", 4, 2, 0, []string{"Davide Cavalca", "Lance Albertson", "Luna Jernberg"}, 6, 4, true, []alesco.MotionOutcome{alesco.OutcomePassed, alesco.OutcomePassed}},
		{"2025-08-20.md", 5, 0, 0, []string{"Brynn Macpherson"}, 5, 4, true, []alesco.MotionOutcome{alesco.OutcomePassed, alesco.OutcomeNone, alesco.OutcomeNone}},
		{"2025-10-16.md", 3, 2, 0, []string{"Lance Albertson"}, 5, 4, false, nil},
		{"2026-06-04.md", 4, 0, 0, []string{"Lance Albertson"}, 4, 4, true, []alesco.MotionOutcome{alesco.OutcomePassed}},
		{"2026-07-30.md", 5, 0, 0, nil, 5, 4, true, []alesco.MotionOutcome{alesco.OutcomePassed}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			m, warnings := parseFile(t, c, filepath.Join("../demo/minutes", tc.file))
			r := minutesmd.Summarize(c, tc.file, m, warnings)
			if len(r.MembersPresent) != tc.present || len(r.MembersAbsent) != tc.absent {
				t.Errorf("present %v absent %v, want %d and %d", r.MembersPresent, r.MembersAbsent, tc.present, tc.absent)
			}
			if r.RosterSize != tc.roster || r.QuorumRequired != tc.quorum || r.QuorumMet != tc.met {
				t.Errorf("roster %d quorum %d met %v, want %d %d %v", r.RosterSize, r.QuorumRequired, r.QuorumMet, tc.roster, tc.quorum, tc.met)
			}
			if len(r.Warnings) != 0 {
				t.Errorf("warnings: %q", r.Warnings)
			}
			var board, community []string
			for _, a := range m.Attendees {
				switch a.Kind {
				case alesco.AttendeeBoard:
					board = append(board, a.Name)
				case alesco.AttendeeCommunity:
					community = append(community, a.Name)
				}
			}
			if len(board) != tc.board || !reflect.DeepEqual(community, tc.community) {
				t.Errorf("board %q community %q, want %d board and %q", board, community, tc.board, tc.community)
			}
			var outcomes []alesco.MotionOutcome
			for _, d := range m.Decisions {
				outcomes = append(outcomes, d.Outcome)
			}
			if !reflect.DeepEqual(outcomes, tc.decisions) {
				t.Errorf("decision outcomes %q, want %q", outcomes, tc.decisions)
			}
		})
	}
}

// TestRoundTrip: every fixture parses, renders in the current shape, and
// the rendering parses back to the same record.
func TestRoundTrip(t *testing.T) {
	c := committee(t)
	files, _ := filepath.Glob("testdata/*/*.md")
	wiki, _ := filepath.Glob("../demo/minutes/*.md")
	files = append(files, wiki...)
	if len(files) < 9 {
		t.Fatalf("only %d fixtures", len(files))
	}
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			m, _ := parseFile(t, c, f)
			out := minutesmd.Render(c, m)
			back, _, err := minutesmd.Parse(c, "export.md", []byte(out))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(m, back) {
				t.Errorf("round trip changed the record:\nbefore %+v\nafter  %+v\nexport:\n%s", m, back, out)
			}
			if again := minutesmd.Render(c, back); again != out {
				t.Errorf("second export differs")
			}
			for _, h := range []string{"\n## Members\n", "\n### ALESCo Member Attendees\n", "\n### Unable to attend\n", "\n### Board Attendees\n", "\n### Community Attendees\n", "\n## Decisions Adopted\n", "\n## Minutes\n"} {
				if !strings.Contains(out, h) {
					t.Errorf("export lacks %q", strings.TrimSpace(h))
				}
			}
		})
	}
}

// TestCurrentShapeExact: files already in the wiki's current shape export
// byte for byte as published.
func TestCurrentShapeExact(t *testing.T) {
	c := committee(t)
	for _, f := range []string{"2026-06-04.md", "2026-07-30.md"} {
		path := filepath.Join("../demo/minutes", f)
		m, _ := parseFile(t, c, path)
		want, _ := os.ReadFile(path)
		if got := minutesmd.Render(c, m); got != string(want) {
			t.Errorf("%s: export differs from the published file:\n%s", f, got)
		}
	}
}

// TestParseVariants covers shapes the wiki used besides the fixtures:
// names without bullets, capitalised headings, annotations, None lines,
// nested decision details and action items.
func TestParseVariants(t *testing.T) {
	c := committee(t)
	m, warnings := parseFile(t, c, "testdata/variants/2024-05-15.md")
	if m.Date != alescotest.Date("2024-05-15") || !reflect.DeepEqual(m.RecordedBy, []string{"Cody Robertson"}) {
		t.Errorf("date %s recorded by %q", m.Date, m.RecordedBy)
	}
	want := []alesco.Attendee{
		{Kind: alesco.AttendeeMember, MemberID: "jonathan-wright", Name: "Jonathan Wright"},
		{Kind: alesco.AttendeeMember, MemberID: "cody-robertson", Name: "Cody Robertson", Note: "briefly"},
		{Kind: alesco.AttendeeMember, MemberID: "andrew-lukoshko", Name: "Andrew Lukoshko"},
		{Kind: alesco.AttendeeMember, MemberID: "neal-gompa", Name: "Neal Gompa", Note: "arrived late"},
		{Kind: alesco.AttendeeMember, MemberID: "ben-thomas", Name: "Ben Thomas", Absent: true},
		{Kind: alesco.AttendeeMember, MemberID: "elkhan-mammadli", Name: "Elkhan Mammadli", Absent: true, Note: "left early"},
	}
	if !reflect.DeepEqual(m.Attendees, want) {
		t.Errorf("attendees:\n%+v\nwant\n%+v", m.Attendees, want)
	}
	if len(m.Decisions) != 2 || m.Decisions[0].Outcome != alesco.OutcomePassed || m.Decisions[1].Outcome != alesco.OutcomeTabled ||
		!reflect.DeepEqual(m.Decisions[0].Details, []string{"Unanimous decision", "    - with a note"}) {
		t.Errorf("decisions: %+v", m.Decisions)
	}
	if len(m.Notes) != 2 || m.Notes[0].Topic != "" || m.Notes[1].Topic != "Introductions" {
		t.Errorf("notes: %+v", m.Notes)
	}
	if len(m.ActionItems) != 2 || m.ActionItems[0].Owner != "Cody Robertson" || m.ActionItems[0].Done || !m.ActionItems[1].Done {
		t.Errorf("action items: %+v", m.ActionItems)
	}
	if len(warnings) != 0 {
		t.Errorf("warnings: %q", warnings)
	}
	q, present := m.Quorum(c)
	if present != 4 || q.RosterSize != 6 || !q.Met(present) {
		t.Errorf("quorum %+v present %d", q, present)
	}
}

func TestParseErrors(t *testing.T) {
	c := committee(t)
	cases := map[string]string{
		"no date":  "# Meeting\n\n## Members\n",
		"bad date": "# ALESCo Meeting Minutes (2024-13-45)\n",
		"not utf8": "# ALESCo Meeting Minutes (2024-01-01)\n\xff\xfe",
	}
	for name, text := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, err := minutesmd.Parse(c, "notes.md", []byte(text))
			if alesco.ErrorCode(err) != alesco.EINVALID {
				t.Fatalf("err = %v, want invalid", err)
			}
		})
	}
	// The file name gives the date when the title has none.
	m, _, err := minutesmd.Parse(c, "docs/2025-01-08.md", []byte("# Minutes\n\n## Members\n\n- Unknown Person\n"))
	if err != nil || m.Date != alescotest.Date("2025-01-08") {
		t.Fatalf("m %+v err %v", m, err)
	}
}

func TestWarnings(t *testing.T) {
	c := committee(t)
	text := "# ALESCo Meeting Minutes (2025-01-08)\n\n## Members\n\n### Attendance\n\n- Andrew Lukoshko\n- Linus Torvalds\n- Lance Albertson\n\n## Something else\n"
	m, warnings, err := minutesmd.Parse(c, "x.md", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	r := minutesmd.Summarize(c, "x.md", m, warnings)
	joined := strings.Join(r.Warnings, "\n")
	for _, want := range []string{`"Linus Torvalds" is listed as a member but is not a member`, "Lance Albertson is listed as a member but is not on the configured ALESCo roster",
		"Ben Thomas is on the configured ALESCo roster on 2025-01-08 but is listed neither", `ignored heading "Something else"`} {
		if !strings.Contains(joined, want) {
			t.Errorf("warnings lack %q:\n%s", want, joined)
		}
	}
	if len(r.MembersPresent) != 1 {
		t.Errorf("present = %v, want only andrew-lukoshko", r.MembersPresent)
	}
}

// FuzzParse: any input either fails with EINVALID or parses into minutes
// whose export parses back to the same record.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*/*.md")
	wiki, _ := filepath.Glob("../demo/minutes/*.md")
	files = append(files, wiki...)
	for _, p := range files {
		data, _ := os.ReadFile(p)
		f.Add(data)
	}
	f.Add([]byte("# ALESCo Meeting Minutes (2025-01-01)\n## Decisions\n1. x\n   y\n  - z\n"))
	// The escapes the writer uses, and lines it must keep from opening
	// sections or topics.
	f.Add([]byte("# ALESCo Meeting Minutes (2025-01-01)\n\nMinutes recorded by A\\, B &#97;nd C.\n\n## Members\n\n### Community Attendees\n\n" +
		"- \\[x\\] \\(y\\) (no\\)te)\n- &#78;/A\n\n## Minutes\n\n\\### not a topic\n\nDiscussed it \n\n- a\n\n### C#\n\n- b\n\n### Action Items\n\n- [ ] O&#58; x: y\n"))
	c := committee(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		m, _, err := minutesmd.Parse(c, "2025-01-01.md", data)
		if err != nil {
			if alesco.ErrorCode(err) != alesco.EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		out := minutesmd.Render(c, m)
		back, _, err := minutesmd.Parse(c, "2025-01-01.md", []byte(out))
		if err != nil {
			t.Fatalf("export does not parse: %v\n%s", err, out)
		}
		if minutesmd.Render(c, back) != out {
			t.Fatalf("export is not stable:\n%s\n---\n%s", out, minutesmd.Render(c, back))
		}
	})
}

func BenchmarkParse(b *testing.B) {
	c := committee(b)
	data, err := os.ReadFile("../demo/minutes/2025-05-28.md")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := minutesmd.Parse(c, "2025-05-28.md", data); err != nil {
			b.Fatal(err)
		}
	}
}

// TestTopics checks that notes are cut at the topics of both shapes the
// wiki has used: "### Topic" headings, and since 2025-10 one-line
// "Discussed ..." paragraphs above a list.
func TestTopics(t *testing.T) {
	c := committee(t)
	type topic struct {
		text      string
		proposal  int
		paragraph bool
	}
	for _, tc := range []struct {
		file string
		want []topic
	}{
		{"2026-07-30.md", []topic{
			{"Discussed [RFC: Adding proposal for github org management](https://github.com/AlmaLinux/ALESCo/pull/16)", 16, true},
			{"Discussed the new RFC replacing the closed [RFC: Add alternative signed newer kernels](https://github.com/AlmaLinux/ALESCo/pull/15)", 15, true},
			{"Discussed EPEL possible breaking changes:", 0, true},
			{"Discussed backporting upstream GCP drivers to the AlmaLinux 9 and 10 kernels:", 0, true},
		}},
		// A topic line ending in a hard break, its text on the next line.
		{"2025-10-16.md", []topic{
			{"Discussed [RFC: Provide Secure Boot-Signed Alternative Kernels](https://github.com/AlmaLinux/ALESCo/pull/15)", 15, true},
		}},
		{"2026-06-04.md", []topic{
			{"Discussed [RFC: Adding proposal for github org management](https://github.com/AlmaLinux/ALESCo/pull/16)", 16, true},
			{"Discussed [RFC: Add alternative signed newer kernels](https://github.com/AlmaLinux/ALESCo/pull/15)", 15, true},
			{"Discussed adding new ALESCo members:", 0, true},
		}},
		{"2025-05-28.md", []topic{
			{"RFC: Enable CRB by default for AlmaLinux 10+", 10, false},
			{"RFC: Enable Btrfs as a tech preview", 9, false},
			{"RFC: Use dynamic workspace indicator on GNOME", 6, false},
			{"Open Floor", 0, false},
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			m, _ := parseFile(t, c, filepath.Join("../demo/minutes", tc.file))
			var got []topic
			for _, n := range m.Notes {
				got = append(got, topic{n.Topic, n.ProposalNumber, n.Paragraph})
				if n.Text == "" {
					t.Errorf("topic %q has no text", n.Topic)
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("topics:\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// TestIndexLine: every line of the wiki's real index from 2026 on is what
// IndexLine writes for its date; earlier lines, typed by hand, differ at
// most in the day's zero padding.
func TestIndexLine(t *testing.T) {
	c := alescotest.Committee(t)
	data, err := os.ReadFile(alescotest.Path("testdata/wiki/meeting-minutes.md"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(string(data), "\n") {
		if !strings.HasPrefix(line, "- [") {
			continue
		}
		n++
		d, err := alesco.ParseDate(line[len(line)-len("2026-07-30)") : len(line)-1])
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		got := minutesmd.IndexLine(c, &alesco.Minutes{Date: d})
		if d.Year < 2026 && d.Day < 10 {
			got = strings.Replace(got, fmt.Sprintf(" 0%d,", d.Day), fmt.Sprintf(" %d,", d.Day), 1)
			line = strings.Replace(line, fmt.Sprintf(" 0%d,", d.Day), fmt.Sprintf(" %d,", d.Day), 1)
		}
		if got != line {
			t.Errorf("IndexLine(%s) = %q, the wiki has %q", d, got, line)
		}
	}
	if n < 20 {
		t.Fatalf("only %d index lines read", n)
	}
}

// TestRenderLegacyHostileValues: values stored before the text rules (or
// put in the record by any other path) still cannot forge structure in the
// export: no section, decision, action item or link of their own.
func TestRenderLegacyHostileValues(t *testing.T) {
	c := committee(t)
	forged := "x\n\n## Decisions Adopted\n\n- RFC 99 was APPROVED\n\n### Action Items\n\n- [ ] Mallory: own it"
	breakout := "https://example.com/a) [click me](javascript:alert(1)"
	m := &alesco.Minutes{MeetingID: "alesco-2026-11-19", CommitteeID: "alesco", Date: alescotest.Date("2026-11-19"), Status: alesco.MinutesDraft, Source: alesco.SourceRecorded,
		RecordedBy: []string{forged},
		Attendees:  []alesco.Attendee{{Kind: alesco.AttendeeCommunity, Name: forged, Note: forged}},
		Notes:      []alesco.Note{{Topic: forged, Text: "fine\n" + forged}},
		Motions: []alesco.Motion{{ID: 1, Title: forged, Status: alesco.MotionClosed, Outcome: alesco.OutcomePassed,
			Votes: []alesco.Vote{{MemberID: "neal-gompa", MemberName: "Neal Gompa", Value: alesco.VoteYes, Source: alesco.VoteAsync, ReferenceURL: breakout}}}},
		ActionItems: []alesco.ActionItem{{Owner: forged, Text: forged}},
	}
	m.Decisions = []alesco.Decision{{Text: forged + " was APPROVED", MotionID: 1, Outcome: alesco.OutcomePassed}}
	out := minutesmd.Render(c, m)
	back, warnings, err := minutesmd.Parse(c, "2026-11-19.md", []byte(out))
	if err != nil || len(warnings) > 0 {
		t.Fatalf("export reads back with %v, %q:\n%s", err, warnings, out)
	}
	if len(back.Decisions) != 1 || len(back.ActionItems) != 1 || len(back.Attendees) != 1 || len(back.RecordedBy) != 1 {
		t.Fatalf("forged structure: %d decisions, %d action items, %d attendees, %d recorders:\n%s",
			len(back.Decisions), len(back.ActionItems), len(back.Attendees), len(back.RecordedBy), out)
	}
	if regexp.MustCompile(`(^|[^\\])\]\((javascript|https://example\.com/a\))`).MatchString(out) {
		t.Fatalf("a link broke out of its destination:\n%s", out)
	}
	if n := strings.Count(out, "\n## "); n != 3 {
		t.Fatalf("%d sections, want 3:\n%s", n, out)
	}
}
