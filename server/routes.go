package server

import "net/http"

// plainRoutes registers the non-RPC routes. GET patterns answer HEAD too.
func (s *Server) plainRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /calendar/{file}", s.handleFeed)                   // {committee}.ics[?expand=true]
	mux.HandleFunc("GET /calendar/{committee}/{file}", s.handleMeetingICS) // {meeting_id}.ics
	mux.HandleFunc("GET /agenda/{file}", s.handleAgendaMarkdown)           // {meeting_id}.md
	mux.HandleFunc("GET /minutes/{file}", s.handleMinutesMarkdown)         // {meeting_id}.md
	mux.HandleFunc("POST /webhooks/github", func(w http.ResponseWriter, r *http.Request) {
		if s.webhooks == nil {
			http.Error(w, "GitHub webhooks are not configured (set ALESCO_WEBHOOK_SECRET)", http.StatusNotFound)
			return
		}
		s.webhooks.ServeHTTP(w, r)
	})
	mux.HandleFunc("POST /integrations/mattermost", s.handleMattermost)
	s.pageRoutes(mux)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
}
