package server

import (
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
