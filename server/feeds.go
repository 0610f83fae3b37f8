package server

import (
	"net/http"
	"net/url"
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
	var o app.FeedOptions
	var v string
	if r.URL.RawQuery != "" { // most feed requests have none: spare parsing it
		q := r.URL.Query()
		v = q.Get("expand")
		var err error
		if o.Alarm, err = alarmOf(q); err != nil {
			s.httpError(w, r, err)
			return
		}
	}
	switch strings.ToLower(v) {
	case "", "false", "0", "no":
	case "true", "1", "yes":
		o.Expand = true
	default:
		s.httpError(w, r, alesco.Errorf(alesco.EINVALID, "bad expand=%q: want expand=true or leave it out", v))
		return
	}
	if _, err := s.app.Committees().Get(id); err != nil {
		s.httpError(w, r, err) // not kept: ids are unbounded, committees are not
		return
	}
	// The alarm is part of what is kept: each variant has its own bytes.
	rep, err := s.keep("feed/"+id+"/"+strconv.FormatBool(o.Expand)+alarmKey(o.Alarm), func() (app.Document, error) { return s.app.FeedWith(r.Context(), id, o) })
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
	var alarm time.Duration
	if r.URL.RawQuery != "" {
		var err error
		if alarm, err = alarmOf(r.URL.Query()); err != nil {
			s.httpError(w, r, err)
			return
		}
	}
	rep, err := s.keep("ics/"+committee+"/"+id+alarmKey(alarm), func() (app.Document, error) {
		return s.app.MeetingCalendarWith(r.Context(), committee, id, alarm)
	})
	if err != nil {
		s.httpError(w, r, err)
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+id+`.ics"`)
	writeRendered(w, r, rep, feedCacheControl)
}

// alarmOf reads a feed's ?alarm= (app.ParseAlarm); none when absent.
func alarmOf(q url.Values) (time.Duration, error) {
	if !q.Has("alarm") {
		return 0, nil
	}
	return app.ParseAlarm(q.Get("alarm"))
}

// alarmKey is an alarm's part of a feed's cache key ("" without one).
func alarmKey(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return "/alarm=" + d.String()
}
