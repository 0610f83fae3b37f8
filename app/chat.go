package app

import (
	"context"
	"strings"
	"time"

	"github.com/almalinux/alesco"
)

// ChatSpeaker is who sent a chat message and about what: the committee
// whose channel it was sent in, the meeting in progress there, and the
// speaker as a principal (alesco.ChatPrincipal).
type ChatSpeaker struct {
	Committee *alesco.Committee
	Meeting   alesco.Meeting
	Principal alesco.Principal
}

// Around a meeting's time, chat commands are about it: from an hour before
// it starts (when minutes may be taken) until some hours after its
// scheduled end (meetings run over; the chair finalizes afterwards).
const (
	chatBefore = time.Hour
	chatAfter  = 3 * time.Hour
)

// ChatSpeaker finds the committee whose chat channel (team and channel
// names, as the chat server sends them) a message came from, the meeting
// in progress, and the speaker by their chat handle. The chat server has
// verified who the speaker is; alesco knows a member by the handle at the
// end of their configured chat link.
func (a *App) ChatSpeaker(ctx context.Context, team, channel, handle string) (ChatSpeaker, error) {
	var seed *alesco.Committee
	for _, c := range a.Committees().List() {
		if t, ch := c.ChatChannel(); ch != "" && strings.EqualFold(t, team) && strings.EqualFold(ch, channel) {
			seed = c
		}
	}
	if seed == nil {
		return ChatSpeaker{}, alesco.Errorf(alesco.ENOTFOUND, "~%s is not the chat channel of a committee alesco serves", channel)
	}
	now := a.now()
	var out ChatSpeaker
	err := a.store.View(ctx, func(tx alesco.ReadTx) error {
		s, err := a.committeeSchedule(tx, seed.ID)
		if err != nil {
			return err
		}
		c := s.c
		out.Committee = c
		mem, ok := c.MemberByChat(handle)
		if !ok {
			return alesco.Errorf(alesco.EFORBIDDEN, "@%s is not known to alesco as a member of %s: ask the chair to record it (alesco knows members by the chat link in the committee's configuration)", strings.TrimPrefix(handle, "@"), c.ShortName)
		}
		for _, m := range s.between(now.Add(-chatAfter-24*time.Hour), now.Add(chatBefore+time.Minute)) {
			if m.Status != alesco.MeetingCancelled && !now.Before(m.Start.Add(-chatBefore)) && !now.After(m.End.Add(chatAfter)) {
				out.Meeting = m // the latest one, should two overlap
			}
		}
		if out.Meeting.ID == "" {
			msg := "no " + c.ShortName + " meeting is in progress"
			if next, err := s.next(now); err == nil {
				msg += ": the next starts " + next.Start.In(next.Location).Format("Mon 2 Jan 2006 15:04 MST")
			}
			return alesco.Errorf(alesco.EPRECONDITION, "%s", msg)
		}
		out.Principal = alesco.ChatPrincipal(c, mem, out.Meeting.LocalDate())
		return nil
	})
	return out, err
}
