package server

import (
	"context"

	"github.com/almalinux/alesco"
	"net/http"

	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
)

// agendaService implements AgendaService. (Agenda issue.)
type agendaService struct {
	*Server
	v1.UnimplementedAgendaServiceHandler
}

func (s *Server) handleAgendaMarkdown(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "not implemented yet", http.StatusNotImplemented)
}

// agendaSummary is the short agenda text a meeting's calendar event carries
// (empty when there is nothing on the agenda yet). (Agenda issue.)
func (s *Server) agendaSummary(ctx context.Context, c *alesco.Committee, m alesco.Meeting) (string, error) {
	return "", nil
}
