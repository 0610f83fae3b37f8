package server

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/agenda"
	"github.com/almalinux/alesco/app"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/protoconv"
	"github.com/almalinux/alesco/rendercache"
)

// agendaService implements AgendaService.
type agendaService struct {
	*Server
	v1.UnimplementedAgendaServiceHandler
}

// GetAgenda returns a meeting's agenda, structured and as Markdown.
func (s *agendaService) GetAgenda(ctx context.Context, req *connect.Request[alescov1.GetAgendaRequest]) (*connect.Response[alescov1.GetAgendaResponse], error) {
	rep, err := s.agendaJSON(ctx, req.Msg.MeetingId, req.Msg.CommitteeId)
	if err != nil {
		return nil, err
	}
	a, err := decodeAgenda(rep)
	if err != nil {
		return nil, err
	}
	return respond(req, &alescov1.GetAgendaResponse{Agenda: protoconv.AgendaProto(a)}, rep.ETag)
}

// agendaJSON is a meeting's agenda as JSON (app.AgendaJSON), kept until
// the data changes or the agenda says otherwise.
func (s *Server) agendaJSON(ctx context.Context, meetingID, committeeID string) (rendercache.Rendered, error) {
	return s.keep("agenda/"+meetingID+"/"+committeeID, func() (app.Document, error) { return s.app.AgendaJSON(ctx, meetingID, committeeID) })
}

func decodeAgenda(rep rendercache.Rendered) (agenda.Agenda, error) {
	var a agenda.Agenda
	return a, json.Unmarshal(rep.Body, &a)
}

// handleAgendaMarkdown serves GET /agenda/{meeting_id}.md (and
// /agenda/next.md?committee=ID).
func (s *Server) handleAgendaMarkdown(w http.ResponseWriter, r *http.Request) {
	id, ok := strings.CutSuffix(r.PathValue("file"), ".md")
	if !ok {
		s.httpError(w, r, alesco.Errorf(alesco.ENOTFOUND, "no agenda %q: want /agenda/{meeting_id}.md", r.PathValue("file")))
		return
	}
	rep, err := s.agendaJSON(r.Context(), id, r.URL.Query().Get("committee"))
	if err != nil {
		s.httpError(w, r, err)
		return
	}
	// The Markdown is a function of the JSON: kept under the JSON's tag.
	md, err := s.cache.Get("agenda.md/"+rep.ETag, 0, time.Time{}, func() (rendercache.Rendered, time.Time, error) {
		a, err := decodeAgenda(rep)
		if err != nil {
			return rendercache.Rendered{}, time.Time{}, err
		}
		return rendercache.Rendered{Body: []byte(a.Markdown()), ContentType: "text/markdown; charset=utf-8"}, time.Time{}, nil
	})
	if err != nil {
		s.httpError(w, r, err)
		return
	}
	writeRendered(w, r, md, agendaCacheControl)
}

var agendaCacheControl = cacheControlFor(time.Minute)
