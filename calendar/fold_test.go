package calendar_test

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/almalinux/alesco/calendar"
)

// unfold reverses RFC 5545 §3.1 folding: a CRLF followed by one space or tab
// is removed.
func unfold(b []byte) []byte {
	b = bytes.ReplaceAll(b, []byte("\r\n "), nil)
	return bytes.ReplaceAll(b, []byte("\r\n\t"), nil)
}

func TestFoldingWriter(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want string
	}{
		{"short line", "SUMMARY:hi\r\n", "SUMMARY:hi\r\n"},
		{"LF only becomes CRLF", "A:b\nC:d\n", "A:b\r\nC:d\r\n"},
		{"exactly 75 octets", strings.Repeat("a", 75) + "\r\n", strings.Repeat("a", 75) + "\r\n"},
		{"76 octets", strings.Repeat("a", 76) + "\r\n", strings.Repeat("a", 75) + "\r\n a\r\n"},
		{"continuations hold 74", strings.Repeat("a", 75+74+1) + "\r\n",
			strings.Repeat("a", 75) + "\r\n " + strings.Repeat("a", 74) + "\r\n a\r\n"},
		// 74 ASCII octets and a 2-octet é: it would end at octet 76, so it
		// moves whole to the next line.
		{"two-octet rune at the edge", strings.Repeat("a", 74) + "é" + "\r\n", strings.Repeat("a", 74) + "\r\n é\r\n"},
		{"four-octet rune at the edge", strings.Repeat("a", 73) + "😀z\r\n", strings.Repeat("a", 73) + "\r\n 😀z\r\n"},
		{"invalid UTF-8 kept byte by byte", strings.Repeat("a", 74) + "\xff\xfe\r\n", strings.Repeat("a", 74) + "\xff\r\n \xfe\r\n"},
		{"unterminated last line", "A:b\r\nC:d", "A:b\r\nC:d"},
		{"empty", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			fw := calendar.NewFoldingWriter(&buf)
			// Write in uneven pieces: lines may arrive split.
			in := []byte(tc.in)
			for len(in) > 0 {
				n := min(len(in), 7)
				if _, err := fw.Write(in[:n]); err != nil {
					t.Fatal(err)
				}
				in = in[n:]
			}
			if err := fw.Flush(); err != nil {
				t.Fatal(err)
			}
			if buf.String() != tc.want {
				t.Fatalf("got  %q\nwant %q", buf.String(), tc.want)
			}
		})
	}
}

// FuzzFoldingWriter: whatever the line, every physical line is at most 75
// octets, no UTF-8 sequence is split, and unfolding gives the input back.
func FuzzFoldingWriter(f *testing.F) {
	f.Add("DESCRIPTION:" + strings.Repeat("Ünïcødé ✓ 😀 ", 20))
	f.Add(strings.Repeat("x", 200))
	f.Add("a\r\nb\nc")
	f.Add("\xff\xfe\xfd" + strings.Repeat("é", 80))
	f.Fuzz(func(t *testing.T, s string) {
		var buf bytes.Buffer
		fw := calendar.NewFoldingWriter(&buf)
		if _, err := fw.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
		if err := fw.Flush(); err != nil {
			t.Fatal(err)
		}
		out := buf.Bytes()
		for _, line := range bytes.Split(out, []byte("\r\n")) {
			if len(line) > calendar.MaxLineOctets {
				t.Fatalf("line of %d octets: %q", len(line), line)
			}
			if utf8.Valid([]byte(s)) && !utf8.Valid(line) {
				t.Fatalf("fold split a UTF-8 sequence: %q", line)
			}
		}
		// The writer normalises line ends to CRLF; compare after doing the
		// same to the input (a lone CR inside a line stays as it was).
		want := strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
		if got := unfold(out); string(got) != want && !strings.Contains(s, "\r\n ") && !strings.Contains(s, "\n ") && !strings.Contains(s, "\n\t") {
			t.Fatalf("unfold(fold(%q)) = %q", want, got)
		}
	})
}
