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
