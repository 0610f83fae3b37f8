package server_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/almalinux/alesco/internal/alescotest"
)

// BenchmarkWebPage serves the committee page in-process: "cached" is the
// steady state (same data, same minute), "render" rebuilds it every time
// (the clock moves a minute per request), calling the services in-process.
func BenchmarkWebPage(b *testing.B) {
	env := alescotest.New(b)
	get := func(b *testing.B) {
		rec := httptest.NewRecorder()
		env.Server.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/alesco", nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("GET /alesco: %d", rec.Code)
		}
	}
	b.Run("cached", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			get(b)
		}
	})
	b.Run("render", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			env.Clock.Set(env.Now().Add(time.Minute))
			get(b)
		}
	})
}

// BenchmarkMeetingRender renders a meeting's page, agenda and calendar
// file with an empty cache, for a meeting next spring and one at the
// two-year horizon: any meeting costs about the same (far ids once walked
// the series week by week: 54 ms a page for alesco-9998-12-24, which is
// now beyond the horizon and NotFound).
func BenchmarkMeetingRender(b *testing.B) {
	env := alescotest.New(b)
	// 2027-03-11 and 2028-11-16 on the default today.
	next := alescotest.NextMeeting(b).Date
	for _, id := range []string{alescotest.DayID(next.AddDays(7 * 14)), alescotest.DayID(next.AddDays(51 * 14))} {
		for _, p := range []string{"/alesco/meetings/" + id, "/agenda/" + id + ".md", "/calendar/alesco/" + id + ".ics"} {
			b.Run(p, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					env.App.Cache.Clear()
					rec := httptest.NewRecorder()
					env.Server.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
					if rec.Code != http.StatusOK {
						b.Fatalf("GET %s: %d", p, rec.Code)
					}
				}
			})
		}
	}
}
