package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/almalinux/alesco/internal/alescotest"
)

// runAt runs one command line as the binary does, on the tests' clock,
// with nothing on stdin.
func runAt(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &errb, Stdin: strings.NewReader(""), Getenv: func(string) string { return "" },
		Now: alescotest.Running(alescotest.Epoch)}
	err = m.Run(context.Background(), args)
	return out.String(), errb.String(), err
}

// TestExitCodes: the README's exit codes. A command line that is wrong in
// itself (a missing required flag, a value outside a flag's choices, an
// argument that is not a meeting id at all, a command that does not
// exist) exits 2, before anything is opened; a well-formed line the data
// refuses (a meeting id of a day without a meeting, a committee that is
// not configured) is a failure: 1.
func TestExitCodes(t *testing.T) {
	db := emptyDB(t)
	next := alescotest.NextMeeting(t)
	noMeeting := "alesco-" + next.Date.AddDays(1).String() // well-formed, no meeting that day
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"token", "create", "--db", db, "--committee", "alesco"}, exitUsage, `"role"`},
		{[]string{"token", "create", "--db", db, "--role", "chair"}, exitUsage, `"committee"`},
		{[]string{"token", "create", "--db", db, "--committee", "alesco", "--role", "nonsense"}, exitUsage, `unknown role "nonsense"`},
		{[]string{"token", "create", "--db", db, "--committee", "alesco", "--role", "member"}, exitUsage, "--member"},
		{[]string{"token", "nope"}, exitUsage, `unknown command "nope"`},
		{[]string{"config", "check"}, exitUsage, "requires at least 1 arg"},
		{[]string{"agenda", "--db", db, "--meeting", "nonsense"}, exitUsage, `bad meeting id "nonsense"`},
		{[]string{"agenda", "--db", db, "--format", "yaml"}, exitUsage, `--format "yaml"`},
		{[]string{"meetings", "cancel", "--db", db, "nonsense", "--reason", "x"}, exitUsage, `bad meeting id "nonsense"`},
		{[]string{"meetings", "move", "--db", db, "alesco-12-03", "--to", "2026-12-10 12:00"}, exitUsage, "bad meeting id"},
		{[]string{"minutes", "export", "--db", db, "alesco-2026-13-01"}, exitUsage, "bad meeting id"},
		{[]string{"meeting", "run", "--db", db, "nonsense"}, exitUsage, "bad meeting id"},
		{[]string{"serve", "--db", db, "--log-format", "xml"}, exitUsage, `--log-format "xml"`},
		{[]string{"outbox", "list", "--db", db, "--status", "lost"}, exitUsage, "lost"},

		{[]string{"agenda", "--db", db, "--meeting", noMeeting}, exitFailed, "no meeting"},
		{[]string{"meetings", "cancel", "--db", db, noMeeting, "--reason", "x"}, exitFailed, "no meeting"},
		{[]string{"minutes", "export", "--db", db, "nope-" + next.Date.String()}, exitFailed, `no committee "nope"`},
		{[]string{"token", "create", "--db", db, "--committee", "nope", "--role", "chair"}, exitFailed, `no committee "nope"`},
	} {
		_, _, err := runAt(t, tc.args...)
		line := strings.Join(tc.args, " ")
		if err == nil {
			t.Errorf("alesco %s: no error", line)
			continue
		}
		if msg := message(err); exitCode(err) != tc.code || !strings.Contains(msg, tc.want) {
			t.Errorf("alesco %s: exit %d %q, want exit %d and %q", line, exitCode(err), msg, tc.code, tc.want)
		}
	}
}
