package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/almalinux/alesco/github/githubtest"
	"github.com/almalinux/alesco/internal/alescotest"
)

// docCommand is one command line of a fenced sh block.
type docCommand struct {
	file string
	line string
}

// docCommands extracts the commands of every ```sh block of a Markdown
// file, joining backslash continuations and dropping comments.
func docCommands(t *testing.T, file string) []docCommand {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out []docCommand
	in := false
	cur := ""
	for _, l := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(l, "```sh"):
			in = true
			continue
		case strings.HasPrefix(l, "```"):
			in = false
			continue
		case !in:
			continue
		}
		if strings.HasSuffix(l, "\\") {
			cur += strings.TrimSuffix(l, "\\") + " "
			continue
		}
		l = cur + l
		cur = ""
		// A comment starts at " #" outside quotes (URLs hold "#" too).
		if i := commentAt(l); i >= 0 {
			l = l[:i]
		}
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, docCommand{file, l})
		}
	}
	return out
}

func commentAt(l string) int {
	var quote rune
	for i, r := range l {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '\'' || r == '"':
			quote = r
		case r == '#' && (i == 0 || l[i-1] == ' '):
			return i
		}
	}
	return -1
}

// skipDoc says why a documented command is not run here: the server is
// already running, the test suite, installs (`go install ./cmd/alesco`
// among them: the test runs `alesco` lines through Main), load tests,
// synopsis lines with [optional] parts, and `meeting run` sessions (they
// need a meeting under way and a person typing; TestMeetingRunScript runs
// the same command on a script, TestDemoMeetingInProgress the one the demo
// prints), and watching a stream (it runs until the client leaves;
// TestWatchMinutes covers it).
var skipDoc = regexp.MustCompile(`^(go run \./cmd/alesco serve|alesco serve|go test|go install|ALESCO_EXTERNAL_TESTS|go run \./scripts|apt-get|export|kill|\(cd)|\s\[-|meeting run |/WatchMinutes`)

// TestDocExamples runs the shell examples of README.md and docs/*.md
// against a live server on a free port, so they cannot rot: curl and buf
// lines as written (the documented hosts pointing at the test server),
// alesco lines through the same Main as the binary, on the server's
// database. A tool that is not installed skips its lines, unless
// ALESCO_EXTERNAL_TESTS=1 (CI installs them).
func TestDocExamples(t *testing.T) {
	root, _ := filepath.Abs("../..")
	fake := githubtest.New(t, alescotest.Running(alescotest.Epoch))
	baseURL, dbPath, logs := startServe(t, "--github-url", fake.BaseURL())
	// The docs are written on alescotest.Reference and keep their real
	// dates; they run on the tests' today, each documented date still to
	// come moved to the same day of the fortnight after it.
	now := alescotest.Running(alescotest.Epoch)
	alesco := func(args ...string) (string, error) {
		var out, errb bytes.Buffer
		m := &Main{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }, Now: now}
		err := m.Run(context.Background(), args)
		return out.String() + errb.String(), err
	}
	tok, err := alesco("token", "create", "--db", dbPath, "--committee", "alesco", "--role", "chair")
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(tok[:strings.Index(tok, "\n")])
	env := append(os.Environ(), "ALESCO_TOKEN="+token, "TOKEN="+token)
	hosts := strings.NewReplacer("https://alesco.example.org", baseURL, "http://localhost:8080", baseURL, "localhost:8080", baseURL)

	files, _ := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	files = append([]string{filepath.Join(root, "README.md")}, files...)
	ran := 0
	for _, f := range files {
		for _, c := range docCommands(t, f) {
			name := filepath.Base(c.file) + ": " + c.line
			if skipDoc.MatchString(c.line) {
				continue
			}
			line := alescotest.ShiftText(c.line)
			switch {
			case strings.HasPrefix(line, "go run ./cmd/alesco ") || strings.HasPrefix(line, "alesco "):
				line = strings.TrimPrefix(strings.TrimPrefix(line, "go run ./cmd/alesco "), "alesco ")
				args := shellWords(t, root, line)
				if !contains(args, "--db") && len(args) > 0 && args[0] != "config" && args[0] != "completion" && args[0] != "help" {
					args = append(args, "--db", dbPath)
				}
				if len(args) > 1 && args[0] == "proposals" && args[1] == "sync" && !contains(args, "--github-url") {
					args = append(args, "--github-url", fake.BaseURL()) // the documented line reaches GitHub
				}
				if out, err := alesco(args...); err != nil {
					t.Errorf("%s\n  %v\n%s", name, err, out)
				}
				ran++
			default:
				tool := strings.Fields(line)[0]
				if _, err := exec.LookPath(tool); err != nil {
					if os.Getenv("ALESCO_EXTERNAL_TESTS") == "1" {
						t.Errorf("%s: %s is required (ALESCO_EXTERNAL_TESTS=1)", name, tool)
					} else {
						t.Logf("skipped, %s is not installed: %s", tool, name)
					}
					continue
				}
				if tool == "curl" {
					line = "curl --fail-with-body " + strings.TrimPrefix(line, "curl ") // a 4xx or 5xx fails the line
				}
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a documented line that hangs fails
				defer cancel()
				cmd := exec.CommandContext(ctx, "bash", "-c", hosts.Replace(line))
				cmd.Dir, cmd.Env = root, env
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Errorf("%s\n  %v\n%s", name, err, out)
				}
				ran++
			}
		}
	}
	if ran < 25 {
		t.Errorf("ran only %d documented commands", ran)
	}
	if t.Failed() {
		t.Logf("server log:\n%s", logs)
	}
}

// shellWords expands a command line as the shell would (quotes, globs,
// $(...)) in dir, and makes arguments naming files there absolute.
func shellWords(t *testing.T, dir, line string) []string {
	t.Helper()
	cmd := exec.Command("bash", "-c", `for a in `+line+`; do printf '%s\0' "$a"; done`)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("expand %q: %v", line, err)
	}
	var args []string
	for _, a := range strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00") {
		if p := filepath.Join(dir, a); !filepath.IsAbs(a) && strings.Contains(a, "/") {
			if _, err := os.Stat(p); err == nil {
				a = p
			}
		}
		args = append(args, a)
	}
	return args
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
