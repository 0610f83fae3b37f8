package config_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/almalinux/alesco/internal/alescotest"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/config"
)

func TestDefaultIsRealALESCo(t *testing.T) {
	cs, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].ID != "alesco" || cs[0].ShortName != "ALESCo" {
		t.Fatalf("default committees = %+v", cs)
	}
	c := cs[0]
	if c.Location == nil || c.Location.String() != "America/New_York" {
		t.Errorf("location = %v", c.Location)
	}
	if c.GitHub.Repo != "AlmaLinux/ALESCo" || c.GitHub.FCPLabel != "vote at next meeting" || c.GitHub.DiscussionLabel != "accepted for discussion" {
		t.Errorf("github = %+v", c.GitHub)
	}
	if len(c.Series) != 2 || c.Series[0].First.String() != "2025-09-04" || c.Series[0].Last.String() != "2026-02-05" || c.Series[1].First.String() != "2026-02-12" {
		t.Errorf("series = %+v", c.Series)
	}
	if len(c.Board) != 2 {
		t.Errorf("board = %+v", c.Board)
	}
	// Its meetings take place where its pages say it chats; no join link
	// is published.
	for _, s := range c.Series {
		if s.Venue != "~alesco on chat.almalinux.org (https://chat.almalinux.org/almalinux/channels/alesco)" || s.JoinURL != "" {
			t.Errorf("series %s takes place at %q, %q", s.ID, s.Venue, s.JoinURL)
		}
	}
}

// TestSeriesPlace: a series' location and join link are read and checked
// by the record's text rules, with the line of the mistake.
func TestSeriesPlace(t *testing.T) {
	series := minimal + `    meetings:
      - id: weekly
        first: 2026-01-08
        time: "16:00"
        location: Jitsi
        url: https://meet.example.org/core-sig
`
	cs, err := config.Parse("sig.yaml", []byte(series))
	if err != nil {
		t.Fatal(err)
	}
	if p := cs[0].Series[0].Place; p.Venue != "Jitsi" || p.JoinURL != "https://meet.example.org/core-sig" {
		t.Fatalf("place = %+v", p)
	}
	for old, bad := range map[string]string{
		"url: https://meet.example.org/core-sig": "url: javascript:alert(1)",
		"location: Jitsi":                        `location: "a\nb"`,
	} {
		line := map[bool]string{true: "sig.yaml:21:", false: "sig.yaml:20:"}[strings.HasPrefix(bad, "url")]
		_, err := config.Parse("sig.yaml", []byte(strings.Replace(series, old, bad, 1)))
		if err == nil || !strings.Contains(err.Error(), line) {
			t.Errorf("%s: %v, want an error at %s", bad, err, line)
		}
	}
}

// minimal is a valid one-committee file; cases below break one line of it.
const minimal = `committees:
  - id: core-sig
    name: Core SIG
    time_zone: Europe/Berlin
    members:
      - id: ada-lovelace
        name: Ada Lovelace
        joined: 2025-01-01
      - id: alan-turing
        name: Alan Turing
        joined: 2025-01-01
        left: 2025-06-01
    chairs:
      - member: ada-lovelace
        from: 2025-01-01
`

func TestParseErrorsNameFileAndLine(t *testing.T) {
	for _, tc := range []struct {
		name, old, new string
		line           int
		msg            string
	}{
		{"unknown key", "        joined: 2025-01-01\n      - id: alan", "        jonied: 2025-01-01\n      - id: alan", 8, `unknown key "jonied"`},
		{"bad date", "left: 2025-06-01", "left: 2025-06-31", 12, `bad date "2025-06-31"`},
		{"unknown time zone", "Europe/Berlin", "Europe/Bielefeld", 4, `unknown time zone "Europe/Bielefeld"`},
		{"chair not a member", "member: ada-lovelace", "member: grace-hopper", 14, `chair "grace-hopper" is not a declared member`},
		{"chair not a member then", "member: ada-lovelace\n        from: 2025-01-01", "member: alan-turing\n        from: 2025-07-01", 14, `not a member on 2025-07-01`},
		{"left before joined", "left: 2025-06-01", "left: 2024-06-01", 9, "left (2024-06-01) before joining"},
		{"bad slug", "id: ada-lovelace", "id: Ada Lovelace", 6, "must be a slug"},
		{"not yaml", "    name: Core SIG", "    name: [Core SIG", 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(minimal, tc.old, tc.new, 1)
			if src == minimal {
				t.Fatal("test case did not change the input")
			}
			_, err := config.Parse("sig.yaml", []byte(src))
			if err == nil {
				t.Fatal("no error")
			}
			if tc.line > 0 && !strings.Contains(err.Error(), "sig.yaml:"+strconv.Itoa(tc.line)+":") {
				t.Errorf("error %q does not name sig.yaml:%d", err, tc.line)
			}
			if !strings.HasPrefix(err.Error(), "sig.yaml:") {
				t.Errorf("error %q does not start with the file name", err)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q does not say %q", err, tc.msg)
			}
		})
	}
	if _, err := config.Parse("sig.yaml", []byte(minimal)); err != nil {
		t.Fatalf("minimal config rejected: %v", err)
	}
}

func TestOverlappingTerms(t *testing.T) {
	src := strings.Replace(minimal, "        joined: 2025-01-01\n      - id: alan", `        terms:
          - joined: 2025-01-01
            left: 2025-09-01
          - joined: 2025-08-01
      - id: alan`, 1)
	_, err := config.Parse("sig.yaml", []byte(src))
	if err == nil || !strings.Contains(err.Error(), "overlapping terms") || !strings.Contains(err.Error(), "sig.yaml:11:") {
		t.Fatalf("err = %v, want overlapping terms at line 11", err)
	}
	src = strings.Replace(minimal, "        from: 2025-01-01\n", "        from: 2025-01-01\n      - member: ada-lovelace\n        from: 2025-03-01\n", 1)
	if _, err := config.Parse("sig.yaml", []byte(src)); err == nil || !strings.Contains(err.Error(), "chair terms overlap") {
		t.Fatalf("err = %v, want overlapping chair terms", err)
	}
}

func TestSeveralCommittees(t *testing.T) {
	two := string(config.DefaultYAML()) + strings.TrimPrefix(minimal, "committees:\n")
	cs, err := config.Parse("two.yaml", []byte(two))
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 || cs[0].ID != "alesco" || cs[1].ID != "core-sig" {
		t.Fatalf("committees = %v", cs)
	}
	reg := alesco.NewCommittees(cs)
	c, err := reg.Get("core-sig")
	if err != nil {
		t.Fatal(err)
	}
	if q := c.QuorumOn(alescotest.Date("2025-03-01")); q.RosterSize != 2 || q.Required != 4 {
		t.Fatalf("core-sig quorum = %+v", q)
	}
	dup := two + strings.TrimPrefix(minimal, "committees:\n")
	if _, err := config.Parse("dup.yaml", []byte(dup)); err == nil || !strings.Contains(err.Error(), `"core-sig" is declared twice`) {
		t.Fatalf("err = %v, want duplicate committee", err)
	}
}

func TestLoadFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(p, []byte(minimal), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := config.Load(p); err != nil {
		t.Fatal(err)
	}
	if _, err := config.Load(filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Fatal("missing file accepted")
	}
	if _, err := config.Parse("empty.yaml", []byte("committees: []\n")); err == nil {
		t.Fatal("empty committee list accepted")
	}
}
