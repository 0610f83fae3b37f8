package github_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/github"
)

// TestParseRFCHeaderFixtures parses every real RFC file and the template.
func TestParseRFCHeaderFixtures(t *testing.T) {
	cases := []struct {
		file      string
		number    string
		authors   []string
		status    string
		state     alesco.ProposalState
		created   string
		trademark string
	}{
		{"0000-template.md", "", []string{"Your Name and Contact Information"}, "Draft", 0, "", "N/A"},
		{"0001-build-fedora-epel-for-almalinux-and-almalinux-kitten-x86_64_v2.md", "0001",
			[]string{"Jonathan Wright", "Neal Gompa", "Andrew Lukoshko"}, "Accepted", alesco.ProposalAccepted, "2025-01-29T16:00:00Z", "N/A"},
		{"0002-enable-kvm-on-almaLinux-9-on-ppc64le.md", "0002", []string{"Lance Albertson"}, "Accepted", alesco.ProposalAccepted, "2025-02-14T17:25:00Z", "N/A"},
		// trailing comma after the only author
		{"0003-use-dynamic-workspace-indicator-on-gnome.md", "0003", []string{"Elkhan Mammadli"}, "Accepted", alesco.ProposalAccepted, "2025-04-02T14:00:00Z", "N/A"},
		// "Approved" means accepted
		{"0004-build-and-ship-nvidia-drivers.md", "0004", []string{"Jonathan Wright", "Neal Gompa"}, "Approved", alesco.ProposalAccepted, "2025-05-07T15:00:00Z", "N/A"},
		// "(Assigned by the repository maintainers)" after the number
		{"0005-enable-btrfs-as-tech-preview.md", "0005", []string{"Michel Lind"}, "Accepted", alesco.ProposalAccepted, "2025-05-08T20:36:00Z", "N/A"},
		{"0006-enable-crb-on-almalinux-10.md", "0006", []string{"Neal Gompa"}, "Accepted", alesco.ProposalAccepted, "2025-05-13T13:45:00Z", "N/A"},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", "rfcs", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			h, err := github.ParseRFCHeader(string(b))
			if err != nil {
				t.Fatal(err)
			}
			if h.Number != tc.number || !slices.Equal(h.Authors, tc.authors) || h.Status != tc.status || h.State != tc.state || h.TrademarkApproval != tc.trademark {
				t.Fatalf("got number %q authors %q status %q (%v) trademark %q", h.Number, h.Authors, h.Status, h.State, h.TrademarkApproval)
			}
			if got := fmtTime(h.Created); got != tc.created {
				t.Fatalf("created = %q, want %q", got, tc.created)
			}
			if h.Title == "" || strings.HasPrefix(h.Title, "RFC") {
				t.Fatalf("title = %q", h.Title)
			}
		})
	}
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

func TestParseRFCHeaderVariants(t *testing.T) {
	cases := []struct {
		name, text      string
		number, status  string
		authors         []string
		trademark, abst string
		wantErr         bool
	}{
		{name: "unassigned XXXX", text: "* **RFC Number:** `XXXX` (Assigned by the repository maintainers)\n", number: ""},
		{name: "unassigned 0000", text: "* **RFC Number:** `0000`\n", number: ""},
		{name: "number without backticks", text: "* **RFC Number:** 0012\n", number: "0012"},
		{name: "plain authors", text: "* **Author(s):** Jane Doe <jane@example.org>, John Roe,\n", authors: []string{"Jane Doe", "John Roe"}},
		{name: "dash bullets", text: "- **Status:** Withdrawn\n", status: "Withdrawn"},
		{name: "trademark sub-bullets", text: "* **Status:** Draft\n\n## Scope\n\n* **Trademark approval:**\n  * Needs the board\n  * Logo use\n", status: "Draft", trademark: "Needs the board; Logo use"},
		{name: "abstract", text: "# RFC: X\n\n* **Status:** Draft\n\n## Abstract\n\nFirst line.\nSecond line.\n\n## Motivation\n\nmore", status: "Draft", abst: "First line.\nSecond line."},
		{name: "no header", text: "(typo fix)\n", wantErr: true},
		{name: "empty", text: "", wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, err := github.ParseRFCHeader(tc.text)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if tc.wantErr {
				if alesco.ErrorCode(err) != alesco.EINVALID {
					t.Fatalf("code = %s", alesco.ErrorCode(err))
				}
				return
			}
			if h.Number != tc.number || h.Status != tc.status || h.TrademarkApproval != tc.trademark || h.Abstract != tc.abst {
				t.Fatalf("got %+v", h)
			}
			if tc.authors != nil && !slices.Equal(h.Authors, tc.authors) {
				t.Fatalf("authors = %q, want %q", h.Authors, tc.authors)
			}
		})
	}
}

// FuzzParseRFCHeader: any text parses without panicking, and what comes out
// is well formed.
func FuzzParseRFCHeader(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "rfcs", "*.md"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(string(b))
		}
	}
	f.Add("* **RFC Number:** `XXXX`\n* **Author(s):** [A](a), [B](b),\n* **Status:** Approved\n")
	f.Add("* **Created:** [2026-13-45 99:99 UTC]\n## Scope\n* **Trademark approval:**\n  * x\n")
	f.Fuzz(func(t *testing.T, text string) {
		h, err := github.ParseRFCHeader(text)
		if err != nil {
			if alesco.ErrorCode(err) != alesco.EINVALID {
				t.Fatalf("error code %s, want invalid", alesco.ErrorCode(err))
			}
			return
		}
		for _, r := range h.Number {
			if r < '0' || r > '9' {
				t.Fatalf("number %q is not digits", h.Number)
			}
		}
		if h.Number != "" && strings.Trim(h.Number, "0") == "" {
			t.Fatalf("number %q should count as unassigned", h.Number)
		}
		for _, a := range h.Authors {
			if a == "" || strings.HasSuffix(a, ",") {
				t.Fatalf("bad author %q in %q", a, h.Authors)
			}
		}
	})
}
