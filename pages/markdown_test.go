package pages

import (
	"strings"
	"testing"

	"github.com/almalinux/alesco"
)

func TestMarkdown(t *testing.T) {
	c := &Committee{Committee: &alesco.Committee{GitHub: alesco.GitHubSettings{Repo: "AlmaLinux/ALESCo"}}}
	for _, tc := range []struct {
		name, in string
		inline   bool
		want     string
	}{
		{"nested lists stay nested", "- EPEL:\n  - x86_64_v2 builds\n  - ppc64le\n- GCP drivers", false,
			"<ul>\n<li>EPEL:\n<ul>\n<li>x86_64_v2 builds</li>\n<li>ppc64le</li>\n</ul>\n</li>\n<li>GCP drivers</li>\n</ul>"},
		{"pull requests link", "Approved #17 (see #15).", true,
			`Approved <a href="https://github.com/AlmaLinux/ALESCo/pull/17">#17</a> (see <a href="https://github.com/AlmaLinux/ALESCo/pull/15">#15</a>).`},
		{"not inside links or words", "[RFC #16](https://github.com/AlmaLinux/ALESCo/pull/16) issue#3 `#4`", true,
			`<a href="https://github.com/AlmaLinux/ALESCo/pull/16">RFC #16</a> issue#3 <code>#4</code>`},
		{"a topic ending in a hard break", "Discussed [RFC: Kernels](https://github.com/AlmaLinux/ALESCo/pull/15)  ", true,
			`Discussed <a href="https://github.com/AlmaLinux/ALESCo/pull/15">RFC: Kernels</a>`},
		{"no script", "Hi <script>alert(1)</script> [x](javascript:alert(1)) <b onclick=x>y</b>", true, "Hi alert(1) x y"},
		{"escaped", "a < b & c", true, "a &lt; b &amp; c"},
		{"no scheme but http(s) and mailto", "[a](jav&#x61;script:alert(1)) [b](data:text/html,x) <javascript:alert(1)> [c](JAVASCRIPT:x) [d](java\tscript:x)", true,
			"a b javascript:alert(1) c [d](java\tscript:x)"},
		{"links that stay", "[mail](mailto:a@b.org) [page](/alesco/meetings) [top](#minutes) <https://e.org> www.almalinux.org", true,
			`<a href="mailto:a@b.org">mail</a> <a href="/alesco/meetings">page</a> <a href="#minutes">top</a> <a href="https://e.org">https://e.org</a> <a href="http://www.almalinux.org">www.almalinux.org</a>`},
		{"images only by their text", "![logo](javascript:x) ![ok](https://e.org/a.png)", true, `logo <img src="https://e.org/a.png" alt="ok">`},
		{"an HTML block goes", "<div onclick=x>\nhidden\n</div>\n\nshown", false, "<p>shown</p>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := string(MarkdownBlock(c, tc.in))
			if tc.inline {
				got = string(MarkdownInline(c, tc.in))
			}
			if strings.TrimSpace(got) != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}
