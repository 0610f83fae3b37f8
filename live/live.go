// Package live is the meeting command language: one command per line, as
// a chair types it in a terminal, in chat or in the browser console
// (meetbot's `#startmeeting`, `#topic`, `#agreed`, `#action`, with votes,
// quorum and elections on top). It parses a line, calls one use case of
// the application with the caller's principal, and answers with one short
// line a chair understands; an error says what to type instead.
//
// The language keeps no state of its own: the topic under discussion, how
// far through the agenda the meeting is and which motion is open are read
// from the meeting's record, so every front end and a restarted server
// continue where the meeting stands.
package live

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/app"
)

// Run runs one command line on a meeting's record as the principal ctx
// carries, and returns the reply. A blank line or a comment ("# ..." or
// "// ...") does nothing and replies "".
func Run(ctx context.Context, a *app.App, meetingID, line string) (string, error) {
	name, args, ok := split(line)
	if !ok {
		return "", nil
	}
	cmd, found := commands[name]
	if !found {
		cmd, found = commands[aliases[name]]
	}
	if !found {
		return "", alesco.Errorf(alesco.EINVALID, "unknown command %q: type help for the commands", name)
	}
	if cmd.args == argsNone && args != "" {
		return "", alesco.Errorf(alesco.EINVALID, "%s takes nothing after it: type %s", name, cmd.usage)
	}
	if cmd.args == argsRequired && args == "" {
		return "", alesco.Errorf(alesco.EINVALID, "%s needs more: type %s", name, cmd.usage)
	}
	return cmd.run(&session{ctx: ctx, app: a, meetingID: meetingID}, args)
}

// split cuts a line into its command (lower case, without the optional
// '#') and the rest; ok is false for blank lines and comments.
func split(line string) (name, args string, ok bool) {
	line = strings.TrimSpace(line)
	if line == "" || strings.HasPrefix(line, "//") {
		return "", "", false
	}
	if rest, hashed := strings.CutPrefix(line, "#"); hashed {
		if rest == "" || !unicode.IsLetter(rune(rest[0])) {
			return "", "", false // "# a comment"
		}
		line = rest
	}
	name, args, _ = strings.Cut(line, " ")
	return strings.ToLower(name), strings.TrimSpace(args), true
}

// session is one command being run.
type session struct {
	ctx       context.Context
	app       *app.App
	meetingID string
}

type argsRule int

const (
	argsOptional argsRule = iota
	argsNone
	argsRequired
)

type command struct {
	usage string
	help  string
	args  argsRule
	run   func(s *session, args string) (string, error)
}

var commands map[string]command

// aliases are other spellings people type (meetbot's among them).
var aliases = map[string]string{
	"start": "startmeeting", "end": "endmeeting", "note": "info", "agree": "agreed", "accepted": "agreed",
	"arrived": "present", "here": "present", "apologies": "absent", "regrets": "absent", "leave": "left",
	"guests": "guest", "community": "guest", "chair": "elect", "motions": "status", "move": "motion",
	"url": "link",
}

func init() {
	commands = map[string]command{
		"startmeeting": {"startmeeting", "start the meeting's minutes and show its agenda", argsNone, (*session).start},
		"agenda":       {"agenda", "show the agenda and what is still to be taken up", argsNone, (*session).agenda},
		"status":       {"status", "attendance, quorum, the topic and the open motion", argsNone, (*session).status},
		"present":      {"present NAME…", "members who are here", argsRequired, attend(alesco.AttendPresent)},
		"absent":       {"absent NAME…", "members unable to attend", argsRequired, attend(alesco.AttendAbsent)},
		"late":         {"late NAME", "a member who arrived late", argsRequired, attend(alesco.AttendLate)},
		"left":         {"left NAME", "a member who left (no longer counts toward quorum)", argsRequired, attend(alesco.AttendLeft)},
		"board":        {"board NAME", "a board member attending", argsRequired, attend(alesco.AttendBoard)},
		"guest":        {"guest NAME", "a community attendee", argsRequired, attend(alesco.AttendGuest)},
		"topic":        {"topic TEXT", "what is discussed now (#N or a PR link ties it to proposal N)", argsRequired, (*session).topic},
		"next":         {"next", "take up the next agenda item", argsNone, (*session).next},
		"info":         {"info TEXT", "a note under the topic", argsRequired, (*session).info},
		"agreed":       {"agreed TEXT", "a decision agreed without a vote", argsRequired, (*session).agreed},
		"motion":       {"motion TEXT", "put a motion on the topic's proposal to a vote", argsRequired, propose(alesco.MotionPlain)},
		"elect":        {"elect NAME", "put a chair election to a vote", argsRequired, propose(alesco.MotionElectChair)},
		"appoint":      {"appoint NAME", "put the appointment of a new member to a vote", argsRequired, propose(alesco.MotionAppoint)},
		"remove":       {"remove NAME", "put the removal of a member to a vote", argsRequired, propose(alesco.MotionRemove)},
		"vote":         {"vote [NAME] +1|0|-1", "a live vote on the open motion (without NAME: your own)", argsRequired, (*session).vote},
		"decide":       {"decide +1|-1 [NAME]", "the chair's deciding vote on a tie (or a designated member's)", argsRequired, (*session).decide},
		"close":        {"close [tabled|punted|tied]", "close the open motion: the votes decide, or set it aside", argsOptional, (*session).close},
		"action":       {"action NAME TEXT", "an action item for NAME (or: action Full Name: TEXT)", argsRequired, (*session).action},
		"link":         {"link URL [TEXT]", "a link noted under the topic (http or https)", argsRequired, (*session).link},
		"undo":         {"undo", "take back your last note, action item or agreed decision", argsNone, (*session).undo},
		"endmeeting":   {"endmeeting", "finalize the minutes", argsNone, (*session).end},
		"help":         {"help", "this list", argsNone, func(*session, string) (string, error) { return Help(), nil }},
	}
}

// ReadOnly reports whether a line only asks (status, agenda, help) or is
// blank: chat answers those to the asker alone.
func ReadOnly(line string) bool {
	name, _, ok := split(line)
	if a, found := aliases[name]; found {
		name = a
	}
	return !ok || name == "status" || name == "agenda" || name == "help"
}

// Help lists the commands on one line.
func Help() string {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	var parts []string
	for _, n := range names {
		parts = append(parts, commands[n].usage)
	}
	return "commands: " + strings.Join(parts, " · ")
}

// Usage returns the commands with what each does, one per line, for a
// terminal's help screen or docs.
func Usage() string {
	order := []string{"startmeeting", "agenda", "status", "present", "absent", "late", "left", "board", "guest", "topic", "next",
		"info", "link", "agreed", "motion", "vote", "decide", "close", "elect", "appoint", "remove", "action", "undo", "endmeeting", "help"}
	var b strings.Builder
	for _, n := range order {
		fmt.Fprintf(&b, "  %-24s %s\n", commands[n].usage, commands[n].help)
	}
	return b.String()
}
