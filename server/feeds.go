package server

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/app"
)

// feedMaxAge is the Cache-Control max-age of feeds: short, so that a
// cancellation reaches subscribers quickly; revalidation is cheap (ETag).
const feedMaxAge = 5 * time.Minute

var feedCacheControl = cacheControlFor(feedMaxAge)

// handleFeed serves GET /calendar/{committee}.ics[?expand=true].
func (s *Server) handleFeed(w http.ResponseWriter, r *http.Request) {
	id, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok {
		s.httpError(w, r, alesco.Errorf(alesco.ENOTFOUND, "no such calendar %q: feeds are /calendar/{committee}.ics", r.PathValue("file")))
		return
	}
	var expand bool
	var v string
	if r.URL.RawQuery != "" { // most feed requests have none: spare parsing it
		v = r.URL.Query().Get("expand")
	}
	switch strings.ToLower(v) {
	case "", "false", "0", "no":
	case "true", "1", "yes":
		expand = true
	default:
		s.httpError(w, r, alesco.Errorf(alesco.EINVALID, "bad expand=%q: want expand=true or leave it out", v))
		return
	}
	if _, err := s.app.Committees().Get(id); err != nil {
		s.httpError(w, r, err) // not kept: ids are unbounded, committees are not
		return
	}
	rep, err := s.keep("feed/"+id+"/"+strconv.FormatBool(expand), func() (app.Document, error) { return s.app.Feed(r.Context(), id, expand) })
	if err != nil {
		s.httpError(w, r, err)
		return
	}
	w.Header()["Content-Disposition"] = feedDisposition(id)
	writeRendered(w, r, rep, feedCacheControl)
}

// feedDispositions holds each committee's feed Content-Disposition value
// (only ids of committees that exist get here, after the feed was found).
var feedDispositions sync.Map // committee id -> []string

func feedDisposition(id string) []string {
	if v, ok := feedDispositions.Load(id); ok {
		return v.([]string)
	}
	v := []string{`inline; filename="` + id + `.ics"`}
	feedDispositions.Store(id, v)
	return v
}

// handleMeetingICS serves GET /calendar/{committee}/{meeting_id}.ics: one
// meeting for "add to my calendar", kept (as CANCELLED) when cancelled.
func (s *Server) handleMeetingICS(w http.ResponseWriter, r *http.Request) {
	id, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok {
		s.httpError(w, r, alesco.Errorf(alesco.ENOTFOUND, "no such file %q: a meeting's calendar file is /calendar/{committee}/{meeting_id}.ics", r.PathValue("file")))
		return
	}
	committee := r.PathValue("committee")
	rep, err := s.keep("ics/"+committee+"/"+id, func() (app.Document, error) { return s.app.MeetingCalendar(r.Context(), committee, id) })
	if err != nil {
		s.httpError(w, r, err)
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+id+`.ics"`)
	writeRendered(w, r, rep, feedCacheControl)
}
