package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/internal/alescotest"
)

// slash posts a Mattermost slash command the way Mattermost does: a
// form-encoded body with every documented field, the token also in an
// "Authorization: Token" header
// (https://developers.mattermost.com/integrate/slash-commands/custom/).
func slash(t *testing.T, env *alescotest.Env, token, channel, user, text string) (int, string, string) {
	t.Helper()
	form := url.Values{
		"channel_id": {"i3bb9xfyqt8rtbyshmyhgsj16c"}, "channel_name": {channel}, "command": {"/alesco"},
		"response_url": {"https://chat.almalinux.org/hooks/commands/zozc1xwxybdedeyz8djwjpngny"},
		"team_domain":  {"almalinux"}, "team_id": {"tsb8crrn5tgqtedpkt81b4tcya"}, "text": {text}, "token": {token},
		"trigger_id": {"NG1kM3lyN2NqYmQxcGNyc2s0Nmo5em0xb2M6azF4NGFxZGp5MzgxM2M4NG03NzFlb2M5eG86MTU1MTIwODE5NTQyNw=="},
		"user_id":    {"k1x4aqdjy3813c84m771eoc9xo"}, "user_name": {user},
	}
	req, err := http.NewRequest(http.MethodPost, env.URL+"/integrations/mattermost", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Token "+token)
	req.Header.Set("User-Agent", "mattermost-9.11.0")
	resp, err := env.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		ResponseType string `json:"response_type"`
		Text         string `json:"text"`
	}
	if resp.StatusCode != http.StatusNotFound {
		if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
			t.Fatalf("Content-Type %q, want application/json", ct)
		}
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			t.Fatal(err)
		}
	}
	return resp.StatusCode, body.ResponseType, body.Text
}

func TestMattermostSlashCommand(t *testing.T) {
	env := alescotest.New(t, alescotest.WithMattermost())
	ms := alescotest.Meetings(t, 2)
	env.Clock.Set(ms[0].At(12, 10))
	admin := alescotest.Admin(context.Background())
	id := ms[0].ID
	if _, _, _, err := env.App.ChangeAttendance(admin, id, alesco.AttendanceChange{Action: alesco.AttendPresent, Who: "andrew ben jonathan neal"}); err != nil {
		t.Fatal(err)
	}
	mo, err := env.App.OpenMotion(admin, id, "Accept RFC 17", 17)
	if err != nil {
		t.Fatal(err)
	}
	good := alescotest.MattermostToken
	check := func(name string, status int, kind, text string, gotStatus int, gotKind, gotText string) {
		t.Helper()
		if gotStatus != status || gotKind != kind || !strings.Contains(gotText, text) {
			t.Errorf("%s: %d %s %q, want %d %s containing %q", name, gotStatus, gotKind, gotText, status, kind, text)
		}
	}
	votes := func() []alesco.Vote {
		_, m, err := env.App.GetMinutes(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		return m.Motions[0].Votes
	}

	s, k, txt := slash(t, env, "not-the-token", "alesco", "ngompa13", "vote +1")
	check("unknown token", http.StatusUnauthorized, "ephemeral", "token is not the one alesco was given", s, k, txt)
	if len(votes()) != 0 {
		t.Fatal("a request with a wrong token was recorded")
	}
	s, k, txt = slash(t, env, good, "alesco", "luna.jernberg", "vote +1")
	check("unknown user", http.StatusOK, "ephemeral", "@luna.jernberg is not known to alesco as a member of ALESCo: ask the chair to record it", s, k, txt)

	s, k, txt = slash(t, env, good, "alesco", "ngompa13", "vote +1")
	check("a member's vote", http.StatusOK, "in_channel", "Neal Gompa: `vote +1` → motion "+strconv.FormatInt(mo.ID, 10)+` "Accept RFC 17": +1 0 0`, s, k, txt)
	if v := votes(); len(v) != 1 || v[0].MemberID != "neal-gompa" || v[0].Value != alesco.VoteYes {
		t.Fatalf("votes: %+v, want Neal Gompa's +1", v)
	}
	s, k, txt = slash(t, env, good, "alesco", "ngompa13", "vote ben -1")
	check("a member voting for another", http.StatusOK, "ephemeral", "Refused: in chat, a member acts only as its own member (neal-gompa), not as ben-thomas", s, k, txt)
	s, k, txt = slash(t, env, good, "alesco", "ngompa13", "close")
	check("a member's close", http.StatusOK, "ephemeral", "Refused: in chat, a member cannot record minutes: ask the chair or a secretary", s, k, txt)
	s, k, txt = slash(t, env, good, "alesco", "ngompa13", "status")
	check("status", http.StatusOK, "ephemeral", "open motion "+strconv.FormatInt(mo.ID, 10), s, k, txt)

	// The chair of the day may use the chair's commands.
	for _, line := range []string{"vote +1", "vote jonathan +1", "close"} {
		s, k, txt = slash(t, env, good, "alesco", "alukoshko", line)
		check("the chair: "+line, http.StatusOK, "in_channel", "Andrew Lukoshko: `"+line+"`", s, k, txt)
	}
	if !strings.Contains(txt, "APPROVED: +3 0 0") {
		t.Errorf("close: %q", txt)
	}

	s, k, txt = slash(t, env, good, "town-square", "ngompa13", "status")
	check("another channel", http.StatusOK, "ephemeral", "~town-square is not the chat channel of a committee alesco serves", s, k, txt)
	// A week later (2026-12-10 on the default today), no meeting is on.
	env.Clock.Set(alescotest.NY(ms[0].Date.AddDays(7), 12, 0))
	s, k, txt = slash(t, env, good, "alesco", "ngompa13", "vote +1")
	check("no meeting", http.StatusOK, "ephemeral", "no ALESCo meeting is in progress: the next starts "+ms[1].At(12, 0).Format("Mon 2 Jan 2006 15:04 MST"), s, k, txt)
	s, k, txt = slash(t, env, good, "alesco", "ngompa13", "")
	check("no text", http.StatusOK, "ephemeral", "commands: ", s, k, txt)

	off := alescotest.New(t)
	if s, _, _ := slash(t, off, good, "alesco", "ngompa13", "vote +1"); s != http.StatusNotFound {
		t.Errorf("not configured: %d, want 404", s)
	}
	resp := env.Fetch(http.MethodPost, "/integrations/mattermost", "Content-Type", "application/json")
	if resp.Status != http.StatusUnsupportedMediaType {
		t.Errorf("JSON body: %d, want 415", resp.Status)
	}
}
