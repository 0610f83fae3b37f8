package htmlcheck

import (
	"strings"
	"testing"
)

const good = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>T</title></head>
<body><header><nav aria-label="Site"><a href="/">Home</a></nav></header>
<main><h1>Hi</h1><h2 id="s">Section</h2><section aria-labelledby="s"><p>Text<br>more</p>
<label for="f">Feed</label><input id="f" value="x"></section></main>
<footer><p>f</p></footer></body></html>
`

func TestCheck(t *testing.T) {
	if err := Check([]byte(good)); err != nil {
		t.Fatalf("good page: %v", err)
	}
	cases := []struct {
		name, from, to, want string
	}{
		{"unclosed paragraph", "<p>f</p>", "<p>f", "<p> from line 7 is still open"},
		{"unclosed div at the end", "</body></html>", "<div></body></html>", "<div> from line 7 is still open"},
		{"stray end tag", "<p>f</p>", "<p>f</p></span>", "</span> closes nothing"},
		{"self-closed div", "<p>f</p>", "<div/>", "<div/> is not a void element"},
		{"no doctype", "<!DOCTYPE html>\n", "", "does not start with <!DOCTYPE html>"},
		{"no lang", ` lang="en"`, "", "no lang attribute"},
		{"no title", "<title>T</title>", "", "exactly one non-empty <title>"},
		{"no main", "<main>", "<div>", "exactly one <main>"},
		{"no footer", "<footer><p>f</p></footer>", "", "exactly one <footer>"},
		{"no header", "<header>", "<div>", "exactly one <header>"},
		{"no nav", `<nav aria-label="Site"><a href="/">Home</a></nav>`, "", "no <nav> landmark"},
		{"skipped heading", `<h2 id="s">Section</h2>`, `<h3 id="s">Section</h3>`, "skips a level"},
		{"two h1", `<h2 id="s">Section</h2>`, `<h1 id="s">Section</h1>`, "exactly one <h1>"},
		{"unlabelled input", `<label for="f">Feed</label>`, "", "has no label"},
		{"duplicate id", `<p>Text`, `<p id="s">Text`, `id "s" is used 2 times`},
		{"dangling aria-labelledby", `aria-labelledby="s"`, `aria-labelledby="t"`, `missing id "t"`},
		{"empty link", `<a href="/">Home</a>`, `<a href="/"></a>`, "has no text"},
		{"no viewport", `<meta name="viewport" content="width=device-width">`, "", "not responsive"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc := strings.Replace(good, tc.from, tc.to, 1)
			if doc == good {
				t.Fatalf("case does not change the document")
			}
			err := Check([]byte(doc))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Check = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestText(t *testing.T) {
	got, err := Text([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if want := "Hi Section Text more Feed"; got != want {
		t.Fatalf("Text = %q, want %q", got, want)
	}
	sec, ok, err := SectionText([]byte(good), "s")
	if err != nil || !ok || sec != "Text more Feed" {
		t.Fatalf("SectionText = %q, %v, %v", sec, ok, err)
	}
}
