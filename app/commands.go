package app

import (
	"context"
	"encoding/json"
	"errors"
	"unicode"

	"github.com/almalinux/alesco"
)

// MaxCommandID is the longest command id a client may send.
const MaxCommandID = 64

// CommandResult is what RunOnce did.
type CommandResult struct {
	Reply string
	// Replayed: the command had run before; Reply is its first reply.
	Replayed bool
}

// RunOnce runs one command of a meeting run live (run, the live language)
// that its client sent under commandID, an id of its own the same on
// every retry: a command already run under it is not run again, and its
// first reply is returned, Replayed. The id goes on record in the
// transaction of the command's change, so a command retried after a lost
// answer or a server restart changes the record once. An empty id runs
// the command as it comes.
func (a *App) RunOnce(ctx context.Context, meetingID, commandID string, run func(context.Context) (string, error)) (CommandResult, error) {
	if commandID == "" {
		reply, err := run(ctx)
		return CommandResult{Reply: reply}, err
	}
	if err := checkCommandID(commandID); err != nil {
		return CommandResult{}, err
	}
	if reply, found, err := a.commandReply(ctx, meetingID, commandID); err != nil || found {
		return CommandResult{Reply: reply, Replayed: found}, err
	}
	cmd := &alesco.LiveCommand{MeetingID: meetingID, ID: commandID}
	reply, err := run(alesco.WithCommand(ctx, cmd))
	if errors.Is(err, alesco.ErrCommandRan) {
		// Another try of the same command got there first.
		reply, _, err = a.commandReply(ctx, meetingID, commandID)
		return CommandResult{Reply: reply, Replayed: true}, err
	}
	if err != nil || !cmd.Claimed() {
		return CommandResult{Reply: reply}, err
	}
	res := CommandResult{Reply: reply}
	err = a.store.Update(ctx, func(tx alesco.Tx) (alesco.Change, error) {
		if err := tx.SaveCommandReply(meetingID, commandID, reply); err != nil {
			return alesco.Change{}, err
		}
		return alesco.Change{Action: "minutes.command", Subject: "meeting/" + meetingID, Detail: map[string]string{"command_id": commandID, "reply": reply}}, nil
	})
	if err != nil {
		// The change is on record; only its reply is not: a retry says so.
		a.log.Warn("live: keeping a command's reply failed", "meeting", meetingID, "command", commandID, "err", err)
	}
	return res, nil
}

func checkCommandID(id string) error {
	if len(id) > MaxCommandID {
		return alesco.Errorf(alesco.EINVALID, "command_id is longer than %d characters", MaxCommandID)
	}
	for _, r := range id {
		if !unicode.IsPrint(r) || unicode.IsSpace(r) {
			return alesco.Errorf(alesco.EINVALID, "command_id holds a space or a character that does not print")
		}
	}
	return nil
}

// commandReply reads the reply kept for a command; a command whose change
// is on record but whose reply was lost (the server stopped in between)
// gets a reply that says so.
func (a *App) commandReply(ctx context.Context, meetingID, commandID string) (reply string, found bool, err error) {
	err = a.store.View(ctx, func(tx alesco.ReadTx) error {
		reply, found, err = tx.CommandReply(meetingID, commandID)
		return err
	})
	if found && reply == "" {
		reply = "done (this command had already run; type status to see where the meeting stands)"
	}
	return reply, found, err
}

// undoable are the audit actions whose entries undo may take back.
var undoable = []string{"minutes.note", "action_item.add", "minutes.agree"}

// Undo takes back the caller's last note, action item or decision agreed
// without a vote in a meeting's draft minutes (meetbot's #undo): the last
// one the audit log says the caller added that is still there. It is an
// audited change of its own; final minutes are amended instead.
func (a *App) Undo(ctx context.Context, meetingID string) (*alesco.Committee, *alesco.Minutes, alesco.Withdrawal, error) {
	var out alesco.Withdrawal
	c, m, err := a.editMinutes(ctx, alesco.ActRecordMinutes, "minutes.undo", byMeeting(meetingID), false, func(e *edit) (string, any, error) {
		if e.m.Status == alesco.MinutesFinal {
			return "", nil, alesco.Errorf(alesco.EPRECONDITION, "the minutes of %s are final: nothing can be undone; amend them", meetingID)
		}
		entries, err := e.tx.AuditOf("meeting/"+meetingID, alesco.ActorName(ctx), undoable, 200)
		if err != nil {
			return "", nil, err
		}
		for _, en := range entries {
			w, ok := withdrawalOf(en)
			if !ok {
				continue
			}
			found, err := e.m.Withdraw(w)
			if err != nil || found {
				out = w
				return "meeting/" + meetingID, map[string]any{"kind": w.Kind, "id": w.ID, "text": w.Text}, err
			}
		}
		return "", nil, alesco.Errorf(alesco.EPRECONDITION, "nothing of yours to undo in %s: undo takes back the last note, action item or agreed decision you added", meetingID)
	})
	return c, m, out, err
}

// withdrawalOf reads what an audit row of an undoable action added.
func withdrawalOf(e alesco.AuditEntry) (alesco.Withdrawal, bool) {
	var d struct {
		ID   int64
		Text string
	}
	if json.Unmarshal([]byte(e.Detail), &d) != nil {
		return alesco.Withdrawal{}, false
	}
	switch e.Action {
	case "minutes.note":
		return alesco.Withdrawal{Kind: alesco.WithdrawNote, ID: d.ID, Text: d.Text}, d.ID != 0
	case "action_item.add":
		return alesco.Withdrawal{Kind: alesco.WithdrawAction, ID: d.ID, Text: d.Text}, d.ID != 0
	case "minutes.agree":
		return alesco.Withdrawal{Kind: alesco.WithdrawDecision, Text: d.Text}, d.Text != ""
	}
	return alesco.Withdrawal{}, false
}
