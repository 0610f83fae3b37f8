package server

import (
	"crypto/subtle"
	"encoding/json"
	"mime"
	"net/http"
	"strings"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/live"
)

// A Mattermost slash command (`/alesco vote +1` in the committee's channel)
// runs the meeting command language as the member who typed it. Mattermost
// POSTs the command form-encoded (token, team_domain, channel_name,
// user_name, command, text, ...) and shows the JSON reply: "in_channel"
// for everyone, "ephemeral" for the speaker alone. See
// https://developers.mattermost.com/integrate/slash-commands/custom/.

// mattermostReply is a slash command's response body, in Mattermost's
// documented shape.
type mattermostReply struct {
	ResponseType string `json:"response_type"` // "in_channel" or "ephemeral"
	Text         string `json:"text"`
}

// handleMattermost serves POST /integrations/mattermost.
func (s *Server) handleMattermost(w http.ResponseWriter, r *http.Request) {
	if s.mattermostToken == "" {
		http.Error(w, "the Mattermost slash command is not configured (set ALESCO_MATTERMOST_TOKEN)", http.StatusNotFound)
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		http.Error(w, "want a form-encoded slash command request (Content-Type: application/x-www-form-urlencoded)", http.StatusUnsupportedMediaType)
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form: "+err.Error(), http.StatusBadRequest)
		return
	}
	// The token is the command's secret: Mattermost sends it in the form
	// and as "Authorization: Token ...". Compared in constant time.
	token := r.PostForm.Get("token")
	if token == "" {
		token, _ = strings.CutPrefix(r.Header.Get("Authorization"), "Token ")
	}
	if subtle.ConstantTimeCompare([]byte(token), []byte(s.mattermostToken)) != 1 {
		s.log.WarnContext(r.Context(), "mattermost: refused a slash command with a wrong token", "team", r.PostForm.Get("team_domain"), "channel", r.PostForm.Get("channel_name"))
		writeMattermost(w, http.StatusUnauthorized, "ephemeral", "This slash command's token is not the one alesco was given: check ALESCO_MATTERMOST_TOKEN and the command's settings.")
		return
	}
	text := strings.TrimSpace(r.PostForm.Get("text"))
	if text == "" {
		writeMattermost(w, http.StatusOK, "ephemeral", "Type "+r.PostForm.Get("command")+" and a meeting command, e.g. `vote +1` or `status`. "+live.Help())
		return
	}
	sp, err := s.app.ChatSpeaker(r.Context(), r.PostForm.Get("team_domain"), r.PostForm.Get("channel_name"), r.PostForm.Get("user_name"))
	if err != nil {
		writeMattermost(w, http.StatusOK, "ephemeral", s.chatError(r, err))
		return
	}
	ctx := alesco.NewContext(r.Context(), sp.Principal)
	reply, err := live.Run(ctx, s.app, sp.Meeting.ID, text)
	switch {
	case err != nil:
		writeMattermost(w, http.StatusOK, "ephemeral", s.chatError(r, err))
	case live.ReadOnly(text):
		writeMattermost(w, http.StatusOK, "ephemeral", reply)
	default:
		// What was recorded is for everyone in the channel, with who did it.
		name := sp.Principal.MemberID
		if m, ok := sp.Committee.Member(sp.Principal.MemberID); ok {
			name = m.Name
		}
		writeMattermost(w, http.StatusOK, "in_channel", name+": `"+text+"` → "+reply)
	}
}

// chatError is what the speaker reads of a refused command; internal
// errors are logged, not shown.
func (s *Server) chatError(r *http.Request, err error) string {
	if alesco.ErrorCode(err) == alesco.EINTERNAL {
		s.log.ErrorContext(r.Context(), "mattermost: command failed", "err", err)
	}
	return "Refused: " + alesco.ErrorMessage(err)
}

func writeMattermost(w http.ResponseWriter, status int, kind, text string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(mattermostReply{ResponseType: kind, Text: text})
}
